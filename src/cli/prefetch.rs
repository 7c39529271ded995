//! Fetching a chain's OCSP responses before a server takes its first connection, so the first
//! handshakes staple from the cache instead of waiting for a responder.

use std::time::Duration;

use log::{info, warn};
use staplekit::config::StaplingConfig;
use staplekit::ocsp::response::rfc3339;
use staplekit::ocsp::Status;
use staplekit::report::{CertificateReport, Outcome};
use staplekit::{Chain, StaplingEngine};

/// How long to wait when an OCSP timeout is 0 (no limit): start-up must end.
const UNLIMITED_WAIT: Duration = Duration::from_secs(60);

/// Asks every certificate's responder (filling the engine's cache) and logs each outcome: info
/// for good answers and certificates not asked about, warn for anything a client would miss.
pub fn prefetch(engine: &StaplingEngine, chain: &Chain) -> Vec<CertificateReport> {
    let reports = engine.check_chain(chain, wait(engine.config()));
    for report in &reports {
        log_report(report);
    }
    reports
}

/// As long as one fetch may take: its connect plus its read timeout.
fn wait(config: &StaplingConfig) -> Duration {
    if config.ocsp_connect_timeout.is_zero() || config.ocsp_read_timeout.is_zero() {
        UNLIMITED_WAIT
    } else {
        config.ocsp_connect_timeout + config.ocsp_read_timeout
    }
}

fn log_report(report: &CertificateReport) {
    let who = format!("certificate {} ({})", report.index, report.subject);
    match &report.outcome {
        Outcome::Verified(response) => {
            let times = format!(
                "thisUpdate {}, nextUpdate {}",
                rfc3339(response.this_update),
                response
                    .next_update
                    .map(rfc3339)
                    .unwrap_or_else(|| "none".into())
            );
            match response.status {
                Status::Good => info!("{who}: OCSP good, {times}"),
                Status::Revoked(revoked) => warn!(
                    "{who}: OCSP REVOKED at {}, {times}; it is stapled so clients learn it",
                    rfc3339(revoked.time)
                ),
                Status::Unknown => warn!("{who}: OCSP unknown, {times}; nothing to staple"),
            }
        }
        Outcome::Skipped(reason) => info!("{who}: not asked: {reason}"),
        Outcome::Failed(failure) => {
            warn!("{who}: no OCSP response: {failure}; handshakes go on without it")
        }
    }
}
