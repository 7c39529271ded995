//! `staplekit status`: register a chain as `serve` does, wait for its first fetches, and report
//! per certificate what a handshake would staple, where it came from, and how fetching goes.

use std::collections::BTreeMap;
use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

use serde::Serialize;
use staplekit::read_pem_certificates;
use staplekit::rfc3339;
use staplekit::RevocationInfo;
use staplekit::SkipReason;
use staplekit::{CertificateStats, FetchOutcome};
use staplekit::{ResponseSource, SharedStoreStats, StaplingEngine, Status};

use super::registered::{one_fetch_wait, wait_until_settled, CertificateState, Standing};
use super::{CliError, Settings, StatusArgs};

/// One certificate's report, as printed in text and JSON.
#[derive(Debug, Serialize)]
struct StatusLine {
    index: usize,
    subject: String,
    serial: String,
    responder: Option<String>,
    status: LineStatus,
    /// Why it was skipped, the CRL reason of a revocation, or what went wrong.
    reason: Option<String>,
    this_update: Option<String>,
    next_update: Option<String>,
    revocation_time: Option<String>,
    /// good, revoked or none: what a handshake staples now.
    stapled: &'static str,
    /// Where the stapled response came from: fetched, cache-dir or static-file.
    source: Option<&'static str>,
    /// When the engine asks the responder next.
    next_refresh: Option<String>,
    /// When the last fetch ended.
    last_fetch: Option<String>,
    last_error: Option<String>,
    consecutive_failures: u32,
    /// Fetches by outcome: good, revoked, unknown, transport.<kind>, rejected.<kind>.
    fetches: BTreeMap<String, u64>,
}

/// A certificate's status in the report, worst last.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
enum LineStatus {
    /// The response stapled says good.
    Good,
    /// Not asked about (self-signed, no issuer, no responder, nocheck).
    Skipped,
    /// Nothing to staple: the responder does not know the certificate.
    Unknown,
    /// Nothing to staple: an answer came and failed verification.
    Invalid,
    /// Nothing to staple: no usable answer (network, timeout, HTTP error, tryLater...).
    Unavailable,
    /// The response stapled says revoked.
    Revoked,
}

impl LineStatus {
    fn name(self) -> &'static str {
        match self {
            LineStatus::Good => "good",
            LineStatus::Skipped => "skipped",
            LineStatus::Unknown => "unknown",
            LineStatus::Invalid => "invalid",
            LineStatus::Unavailable => "unavailable",
            LineStatus::Revoked => "revoked",
        }
    }

    fn of_stapled(status: Status) -> Self {
        match status {
            Status::Good => LineStatus::Good,
            Status::Revoked(_) => LineStatus::Revoked,
            Status::Unknown => LineStatus::Unknown,
        }
    }
}

/// Registers the chain (with its file, so `<chain>.ors` is read), waits until each certificate's
/// first fetch has ended (at most as long as one fetch may take), and prints the report; the exit
/// code says the worst status.
pub fn run(settings: &Settings, args: &StatusArgs) -> Result<ExitCode, CliError> {
    if let Some(url) = &args.responder {
        return super::responder_status::run(settings, args, url);
    }
    let config = settings.load()?.config;
    let wait = one_fetch_wait(&config);
    let engine = StaplingEngine::new(config)?;
    let chain = engine.parse_chain(read_pem_certificates(&args.chain)?)?;
    let registration = engine.register(&chain, Some(&args.chain));
    let states = wait_until_settled(&engine, &chain, &registration, wait);
    let lines: Vec<StatusLine> = states
        .iter()
        .map(|state| StatusLine::new(state, wait))
        .collect();
    let text = if args.json {
        serde_json::to_string_pretty(&lines).map_err(|e| CliError::Other(e.to_string()))?
    } else {
        let mut text: Vec<String> = lines.iter().map(StatusLine::to_text).collect();
        text.extend(engine.stats().shared_store.as_ref().map(shared_store_text));
        text.join("\n")
    };
    writeln!(std::io::stdout().lock(), "{text}")
        .map_err(|e| CliError::Other(format!("cannot write to stdout: {e}")))?;
    Ok(exit_code(&lines))
}

/// The shared store's line: `shared store <url>: connected, reads 2, writes 1, ...`.
fn shared_store_text(store: &SharedStoreStats) -> String {
    format!(
        "shared store {}: {}, reads {}, writes {}, refusals {}, leases held {}, leases held \
         elsewhere {}, errors {}",
        store.url,
        if store.connected {
            "connected"
        } else {
            "not connected (working alone)"
        },
        store.reads,
        store.writes,
        store.refusals,
        store.leases_held,
        store.leases_elsewhere,
        store.errors
    )
}

/// 1 when any certificate's stapled response says revoked, else 2 when any certificate that can
/// be asked about has nothing to staple (unknown, invalid or unavailable), else 0.
fn exit_code(lines: &[StatusLine]) -> ExitCode {
    if lines.iter().any(|l| l.status == LineStatus::Revoked) {
        ExitCode::from(1)
    } else if lines.iter().any(|l| {
        matches!(
            l.status,
            LineStatus::Unknown | LineStatus::Invalid | LineStatus::Unavailable
        )
    }) {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    }
}

impl StatusLine {
    fn new(state: &CertificateState<'_>, wait: Duration) -> Self {
        let cert = state.cert;
        let mut line = StatusLine {
            index: state.index,
            subject: cert.subject.clone(),
            serial: cert.serial_hex.clone(),
            responder: None,
            status: LineStatus::Skipped,
            reason: None,
            this_update: None,
            next_update: None,
            revocation_time: None,
            stapled: "none",
            source: None,
            next_refresh: None,
            last_fetch: None,
            last_error: None,
            consecutive_failures: 0,
            fetches: BTreeMap::new(),
        };
        let stats = match &state.standing {
            Standing::NotRegistered(reason) => {
                line.reason = Some(reason.to_string());
                return line;
            }
            Standing::Unregistered => {
                line.reason = Some("no longer registered".into());
                return line;
            }
            Standing::Registered(stats) => stats,
        };
        line.responder = stats.responder.clone();
        line.stapled = stats.status.as_ref().map_or("none", Status::name);
        line.source = stats.source.map(ResponseSource::name);
        line.this_update = stats.this_update.map(rfc3339);
        line.next_update = stats.next_update.map(rfc3339);
        line.next_refresh = stats.next_refresh.map(rfc3339);
        line.last_fetch = stats.last_fetch.map(rfc3339);
        line.last_error = stats.last_problem.as_ref().map(ToString::to_string);
        line.consecutive_failures = stats.consecutive_failures;
        if let Some(Status::Revoked(info)) = stats.status {
            add_revocation(&mut line, info);
        }
        line.fetches = stats
            .fetches
            .iter()
            .map(|(outcome, n)| (outcome.to_string(), *n))
            .collect();
        line.status = match stats.status {
            Some(stapled) => LineStatus::of_stapled(stapled),
            None if stats.responder.is_none() => {
                line.reason = Some(SkipReason::NoResponder.to_string());
                LineStatus::Skipped
            }
            None => {
                line.reason = Some(match (&stats.last_problem, stats.last_fetch) {
                    (Some(problem), _) => problem.to_string(),
                    (None, None) => format!(
                        "no answer within {} ms: the first fetch is still under way",
                        wait.as_millis()
                    ),
                    (None, Some(_)) => "no response to staple".into(),
                });
                unstapled_status(stats)
            }
        };
        line
    }

    fn to_text(&self) -> String {
        let mut text = format!(
            "{} {} serial={} responder={} status={}",
            self.index,
            self.subject,
            self.serial,
            self.responder.as_deref().unwrap_or("-"),
            self.status.name()
        );
        if matches!(self.status, LineStatus::Skipped | LineStatus::Revoked) {
            if let Some(reason) = &self.reason {
                text.push_str(&format!(" reason=\"{reason}\""));
            }
        }
        if let Some(time) = &self.revocation_time {
            text.push_str(&format!(" revoked={time}"));
        }
        if self.status == LineStatus::Skipped {
            return text;
        }
        text.push_str(&format!("\n    stapled={}", self.stapled));
        for (name, value) in [
            ("source", self.source),
            ("thisUpdate", self.this_update.as_deref()),
            ("nextUpdate", self.next_update.as_deref()),
        ] {
            if let Some(value) = value {
                text.push_str(&format!(" {name}={value}"));
            }
        }
        let fetches = if self.fetches.is_empty() {
            "none".to_string()
        } else {
            self.fetches
                .iter()
                .map(|(label, n)| format!("{label}:{n}"))
                .collect::<Vec<_>>()
                .join(",")
        };
        text.push_str(&format!(
            "\n    nextRefresh={} lastFetch={} fetches={fetches}",
            self.next_refresh.as_deref().unwrap_or("none"),
            self.last_fetch.as_deref().unwrap_or("none"),
        ));
        if self.consecutive_failures > 0 {
            text.push_str(&format!(" failuresInARow={}", self.consecutive_failures));
        }
        let error = self
            .last_error
            .as_deref()
            .or(self.reason.as_deref().filter(|_| self.stapled == "none"));
        if let Some(error) = error {
            text.push_str(&format!("\n    lastError=\"{error}\""));
        }
        text
    }
}

/// Why a registered certificate with a responder has nothing to staple, from its fetches'
/// outcomes (`status` ends after the first fetch, so there is usually one): `unknown` when the
/// responder does not know it, `invalid` when an answer came and failed verification, else
/// `unavailable` (no usable answer: network, timeout, HTTP error, tryLater and the like).
fn unstapled_status(stats: &CertificateStats) -> LineStatus {
    let outcomes = || stats.fetches.keys().copied();
    if outcomes().any(|o| o == FetchOutcome::Unknown) {
        LineStatus::Unknown
    } else if outcomes().any(FetchOutcome::is_invalid_answer) {
        LineStatus::Invalid
    } else {
        LineStatus::Unavailable
    }
}

fn add_revocation(line: &mut StatusLine, info: RevocationInfo) {
    line.revocation_time = Some(rfc3339(info.time));
    line.reason = Some(crl_reason_name(info.reason).to_owned());
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
