//! `staplekit status --responder URL CHAIN.pem`: asks a running `staplekit responder` about each
//! certificate of a chain, as nginx would (POST), and shows whether it answered (a hit) or said
//! `unauthorized` (a miss), with the responder's own counters from `URL.staplekit/stats`.

use std::collections::BTreeMap;
use std::io::Write;
use std::process::ExitCode;
use std::time::SystemTime;

use der::Encode;
use serde::Serialize;
use staplekit::{read_pem_certificates, rfc3339, verify_response, Expected, Rejection};
use staplekit::{StaplingEngine, VerifyPolicy};
use url::Url;
use x509_ocsp::{OcspRequest, Request, TbsRequest};

use super::ocsp_http::{get, post_ocsp};
use super::{CliError, Settings, StatusArgs};

/// Where the responder's counters are, below its URL.
const STATS_PATH: &str = ".staplekit/stats";

/// The report, as printed in JSON.
#[derive(Debug, Serialize)]
struct Report {
    responder: String,
    certificates: Vec<Line>,
    /// The responder's counters: answered, unauthorized, malformed, dropped_connections.
    counters: BTreeMap<String, u64>,
}

/// One certificate's answer.
#[derive(Debug, Serialize)]
struct Line {
    index: usize,
    subject: String,
    serial: String,
    /// hit (a verified response came), miss (`unauthorized`), skipped (never asked about),
    /// invalid (an answer that fails verification) or error (no answer).
    answer: &'static str,
    /// good, revoked or unknown, for a hit.
    status: Option<&'static str>,
    this_update: Option<String>,
    next_update: Option<String>,
    /// Why it was skipped, the responder's status for a miss, or what went wrong.
    reason: Option<String>,
}

/// Asks, prints, and exits 0 when every certificate asked about was a good hit, 1 when any hit
/// says revoked, 2 otherwise (a miss, an invalid answer, no answer, bad input).
pub fn run(settings: &Settings, args: &StatusArgs, url: &str) -> Result<ExitCode, CliError> {
    let responder = Url::parse(url)
        .map_err(|e| CliError::Other(format!("--responder {url}: not a URL: {e}")))?;
    let stats_url = responder
        .join(STATS_PATH)
        .map_err(|e| CliError::Other(format!("--responder {url}: {e}")))?;
    let config = settings.load()?.config;
    let policy = VerifyPolicy {
        now: SystemTime::now(),
        clock_skew: config.clock_skew,
        max_response_bytes: config.max_response_bytes,
    };
    let engine = StaplingEngine::new(config)?;
    let chain = engine.parse_chain(read_pem_certificates(&args.chain)?)?;
    let certificates = chain
        .certificates()
        .iter()
        .enumerate()
        .map(|(index, cert)| {
            let mut line = Line {
                index,
                subject: cert.subject.clone(),
                serial: cert.serial_hex.clone(),
                answer: "skipped",
                status: None,
                this_update: None,
                next_update: None,
                reason: None,
            };
            match cert.ocsp_identity() {
                Err(reason) => line.reason = Some(reason.to_string()),
                Ok((id, issuer)) => {
                    let expected = Expected {
                        id,
                        issuer_der: issuer,
                        nonce: None,
                    };
                    ask(&responder, &expected, &policy, &mut line);
                }
            }
            line
        })
        .collect();
    let counters = match get(&stats_url) {
        Ok(answer) if answer.status == 200 => parse_counters(&answer.body),
        Ok(answer) => {
            log::warn!("{stats_url}: HTTP {}: no counters", answer.status);
            BTreeMap::new()
        }
        Err(e) => {
            log::warn!("no counters: {e}");
            BTreeMap::new()
        }
    };
    let report = Report {
        responder: responder.to_string(),
        certificates,
        counters,
    };
    let text = if args.json {
        serde_json::to_string_pretty(&report).map_err(|e| CliError::Other(e.to_string()))?
    } else {
        to_text(&report)
    };
    writeln!(std::io::stdout().lock(), "{text}")
        .map_err(|e| CliError::Other(format!("cannot write to stdout: {e}")))?;
    Ok(exit_code(&report.certificates))
}

/// POSTs the request for `expected.id` and fills `line` with what came back.
fn ask(responder: &Url, expected: &Expected<'_>, policy: &VerifyPolicy, line: &mut Line) {
    let request = OcspRequest {
        tbs_request: TbsRequest {
            request_list: vec![Request {
                req_cert: expected.id.to_cert_id(),
                single_request_extensions: None,
            }],
            ..Default::default()
        },
        optional_signature: None,
    };
    let der = match request.to_der() {
        Ok(der) => der,
        Err(e) => {
            line.answer = "error";
            line.reason = Some(format!("cannot encode the OCSP request: {e}"));
            return;
        }
    };
    let answer = match post_ocsp(responder, &der) {
        Ok(answer) if answer.status == 200 => answer,
        Ok(answer) => {
            line.answer = "error";
            line.reason = Some(format!("HTTP {}", answer.status));
            return;
        }
        Err(e) => {
            line.answer = "error";
            line.reason = Some(e);
            return;
        }
    };
    match verify_response(&answer.body, expected, policy) {
        Ok(verified) => {
            line.answer = "hit";
            line.status = Some(verified.status.name());
            line.this_update = Some(rfc3339(verified.this_update));
            line.next_update = verified.next_update.map(rfc3339);
        }
        Err(Rejection::NotSuccessful(status)) => {
            line.answer = "miss";
            line.reason = Some(status);
        }
        Err(rejection) => {
            line.answer = "invalid";
            line.reason = Some(rejection.to_string());
        }
    }
}

/// `name N` lines; anything else is ignored.
fn parse_counters(body: &[u8]) -> BTreeMap<String, u64> {
    String::from_utf8_lossy(body)
        .lines()
        .filter_map(|line| {
            let (name, value) = line.trim().split_once(' ')?;
            Some((name.to_owned(), value.trim().parse().ok()?))
        })
        .collect()
}

fn to_text(report: &Report) -> String {
    let mut text = String::new();
    for line in &report.certificates {
        text.push_str(&format!(
            "{} {} serial={} answer={}",
            line.index, line.subject, line.serial, line.answer
        ));
        for (name, value) in [
            ("status", line.status),
            ("thisUpdate", line.this_update.as_deref()),
            ("nextUpdate", line.next_update.as_deref()),
        ] {
            if let Some(value) = value {
                text.push_str(&format!(" {name}={value}"));
            }
        }
        if let Some(reason) = &line.reason {
            text.push_str(&format!(" reason=\"{reason}\""));
        }
        text.push('\n');
    }
    let counters = if report.counters.is_empty() {
        "unavailable".to_string()
    } else {
        report
            .counters
            .iter()
            .map(|(name, n)| format!("{name}={n}"))
            .collect::<Vec<_>>()
            .join(" ")
    };
    text.push_str(&format!("responder {} {counters}", report.responder));
    text
}

fn exit_code(lines: &[Line]) -> ExitCode {
    if lines.iter().any(|l| l.status == Some("revoked")) {
        ExitCode::from(1)
    } else if lines
        .iter()
        .any(|l| !matches!(l.answer, "skipped") && l.status != Some("good"))
    {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    }
}

#[cfg(test)]
mod tests {
    use super::parse_counters;

    #[test]
    fn counters_are_name_number_lines() {
        let counters = parse_counters(b"answered 3\nunauthorized 1\nnoise\nmalformed x\n");
        assert_eq!(counters.len(), 2);
        assert_eq!(counters["answered"], 3);
        assert_eq!(counters["unauthorized"], 1);
    }
}
