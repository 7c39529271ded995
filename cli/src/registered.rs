//! A chain registered with the engine, certificate by certificate: what each holds and how its
//! fetches went (from the engine's statistics), or why the engine does not keep it stapled.
//! Shared by `serve` (logged at start), `status` (printed) and `demo`.

use std::time::Duration;

use staplekit::CertificateStats;
use staplekit::ChainCertificate;
use staplekit::SkipReason;
use staplekit::StaplingConfig;
use staplekit::{Chain, RegisteredCertificate, Registration, StaplingEngine};

/// How long to wait for fetches when an OCSP timeout is 0 (no limit): a command must end.
const UNLIMITED_WAIT: Duration = Duration::from_secs(60);

/// One certificate of a chain, as the engine sees it.
#[derive(Debug)]
pub struct CertificateState<'a> {
    /// Position in the chain, 0 = leaf.
    pub index: usize,
    /// The certificate.
    pub cert: &'a ChainCertificate,
    /// Whether the engine keeps it stapled, and how that goes.
    pub standing: Standing,
}

/// Whether the engine keeps a certificate stapled.
#[derive(Debug)]
pub enum Standing {
    /// Registered: what it holds and how its fetches went.
    Registered(Box<CertificateStats>),
    /// Not registered (a root, id-pkix-ocsp-nocheck, issuer unknown): never asked about.
    NotRegistered(SkipReason),
    /// Registered, then unregistered before it was looked at (the commands never do this).
    Unregistered,
}

/// The state of each certificate of a registered `chain` now, leaf first.
pub fn chain_states<'a>(
    engine: &StaplingEngine,
    chain: &'a Chain,
    registration: &Registration,
) -> Vec<CertificateState<'a>> {
    wait_until_settled(engine, chain, registration, Duration::ZERO)
}

/// Waits until every certificate of a registered `chain` has had its first fetch end (or has no
/// responder), at most `wait`, and returns their states, leaf first.
pub fn wait_until_settled<'a>(
    engine: &StaplingEngine,
    chain: &'a Chain,
    registration: &Registration,
    wait: Duration,
) -> Vec<CertificateState<'a>> {
    let stats = engine.wait_for_first_fetches(registration, wait);
    chain
        .certificates()
        .iter()
        .zip(registration.certificates())
        .zip(stats)
        .enumerate()
        .map(|(index, ((cert, registered), stats))| {
            let standing = match (registered, stats) {
                (_, Some(stats)) => Standing::Registered(Box::new(stats)),
                (RegisteredCertificate::Skipped(reason), None) => Standing::NotRegistered(*reason),
                (RegisteredCertificate::Kept { .. }, None) => Standing::Unregistered,
            };
            CertificateState {
                index,
                cert,
                standing,
            }
        })
        .collect()
}

/// As long as one fetch may take: its connect plus its read timeout.
pub fn one_fetch_wait(config: &StaplingConfig) -> Duration {
    if config.ocsp_connect_timeout.is_zero() || config.ocsp_read_timeout.is_zero() {
        UNLIMITED_WAIT
    } else {
        config.ocsp_connect_timeout + config.ocsp_read_timeout
    }
}
