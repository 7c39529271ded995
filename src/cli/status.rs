//! `staplekit status`: fetch and verify OCSP for every certificate of a chain, in parallel.

use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

use serde::Serialize;
use staplekit::chain::read_pem_certificates;
use staplekit::ocsp::response::rfc3339;
use staplekit::ocsp::Status;
use staplekit::report::{CertificateReport, Outcome};
use staplekit::StaplingEngine;

use super::{CliError, Settings, StatusArgs};

/// How long `status` waits when the OCSP timeouts are 0 (no limit): a diagnostic must end.
const UNLIMITED_WAIT: Duration = Duration::from_secs(60);

/// One certificate's line, as printed in text and JSON.
#[derive(Debug, Serialize)]
struct StatusLine {
    index: usize,
    subject: String,
    serial: String,
    responder: Option<String>,
    /// good, revoked, unknown, invalid, unavailable or skipped.
    status: &'static str,
    reason: Option<String>,
    this_update: Option<String>,
    next_update: Option<String>,
    revocation_time: Option<String>,
}

/// Checks the chain and prints the report; the exit code says the worst status.
pub fn run(settings: &Settings, args: &StatusArgs) -> Result<ExitCode, CliError> {
    let config = settings.load()?.config;
    // A diagnostic waits as long as one fetch may take, not just a handshake's deadline.
    let wait = match config.ocsp_connect_timeout + config.ocsp_read_timeout {
        d if config.ocsp_connect_timeout.is_zero() || config.ocsp_read_timeout.is_zero() => {
            d.max(UNLIMITED_WAIT)
        }
        d => d,
    };
    let engine = StaplingEngine::new(config)?;
    let chain = engine.parse_chain(read_pem_certificates(&args.chain)?)?;
    let lines: Vec<StatusLine> = engine
        .check_chain(&chain, wait)
        .iter()
        .map(StatusLine::from_report)
        .collect();
    let text = if args.json {
        serde_json::to_string_pretty(&lines).map_err(|e| CliError::Other(e.to_string()))?
    } else {
        lines
            .iter()
            .map(StatusLine::to_text)
            .collect::<Vec<_>>()
            .join("\n")
    };
    writeln!(std::io::stdout().lock(), "{text}")
        .map_err(|e| CliError::Other(format!("cannot write to stdout: {e}")))?;
    Ok(exit_code(&lines))
}

/// 1 when any certificate is revoked, else 2 when any answer was unknown, invalid or
/// unavailable, else 0 (good and skipped only).
fn exit_code(lines: &[StatusLine]) -> ExitCode {
    if lines.iter().any(|l| l.status == "revoked") {
        ExitCode::from(1)
    } else if lines
        .iter()
        .any(|l| matches!(l.status, "unknown" | "invalid" | "unavailable"))
    {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    }
}

impl StatusLine {
    fn from_report(report: &CertificateReport) -> Self {
        let mut line = StatusLine {
            index: report.index,
            subject: report.subject.clone(),
            serial: report.serial_hex.clone(),
            responder: report.responder.as_ref().map(|u| u.to_string()),
            status: "skipped",
            reason: None,
            this_update: None,
            next_update: None,
            revocation_time: None,
        };
        match &report.outcome {
            Outcome::Skipped(reason) => line.reason = Some(reason.to_string()),
            Outcome::Failed(failure) => {
                line.status = if failure.is_invalid_answer() {
                    "invalid"
                } else {
                    "unavailable"
                };
                line.reason = Some(failure.to_string());
            }
            Outcome::Verified(response) => {
                line.status = response.status.name();
                line.this_update = Some(rfc3339(response.this_update));
                line.next_update = response.next_update.map(rfc3339);
                match response.status {
                    Status::Good => {}
                    Status::Revoked(info) => {
                        line.revocation_time = Some(rfc3339(info.time));
                        line.reason = Some(crl_reason_name(info.reason).to_owned());
                    }
                    Status::Unknown => {
                        line.reason = Some("the responder does not know this certificate".into())
                    }
                }
            }
        }
        line
    }

    fn to_text(&self) -> String {
        let mut text = format!(
            "{} {} serial={} responder={} status={}",
            self.index,
            self.subject,
            self.serial,
            self.responder.as_deref().unwrap_or("-"),
            self.status
        );
        if let Some(reason) = &self.reason {
            text.push_str(&format!(" reason=\"{reason}\""));
        }
        for (name, value) in [
            ("thisUpdate", &self.this_update),
            ("nextUpdate", &self.next_update),
            ("revoked", &self.revocation_time),
        ] {
            if let Some(value) = value {
                text.push_str(&format!(" {name}={value}"));
            }
        }
        text
    }
}

/// RFC 5280 CRLReason names.
fn crl_reason_name(code: Option<u8>) -> &'static str {
    match code {
        None => "no reason given",
        Some(0) => "unspecified",
        Some(1) => "keyCompromise",
        Some(2) => "cACompromise",
        Some(3) => "affiliationChanged",
        Some(4) => "superseded",
        Some(5) => "cessationOfOperation",
        Some(6) => "certificateHold",
        Some(8) => "removeFromCRL",
        Some(9) => "privilegeWithdrawn",
        Some(10) => "aACompromise",
        Some(_) => "unrecognised reason code",
    }
}
