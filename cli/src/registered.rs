//! A chain registered with the engine, certificate by certificate: what each holds and how its
//! fetches went (from the engine's statistics), or why the engine does not keep it stapled.
//! Shared by `serve` (logged at start), `status` (printed) and `demo`.

use std::thread;
use std::time::{Duration, Instant, SystemTime};

use staplekit::chain::ChainCertificate;
use staplekit::config::StaplingConfig;
use staplekit::ocsp::{verify_response, Expected, VerifiedResponse, VerifyPolicy};
use staplekit::report::SkipReason;
use staplekit::stats::CertificateStats;
use staplekit::{Chain, StaplingEngine};

/// How long to wait for fetches when an OCSP timeout is 0 (no limit): a command must end.
const UNLIMITED_WAIT: Duration = Duration::from_secs(60);

/// How often the engine's statistics are read while waiting.
const POLL: Duration = Duration::from_millis(10);

/// One certificate of a chain, as the engine sees it.
#[derive(Debug)]
pub struct CertificateState<'a> {
    /// Position in the chain, 0 = leaf.
    pub index: usize,
    /// The certificate.
    pub cert: &'a ChainCertificate,
    /// Whether the engine keeps it stapled, and how that goes.
    pub registration: Registration,
}

/// Whether the engine keeps a certificate stapled.
#[derive(Debug)]
pub enum Registration {
    /// Registered: what it holds and how its fetches went.
    Registered(Box<CertificateStats>),
    /// Not registered (a root, id-pkix-ocsp-nocheck, issuer unknown): never asked about.
    NotRegistered(SkipReason),
}

impl CertificateState<'_> {
    /// Whether nothing more is to be learned by waiting: a fetch has ended, or there is no
    /// responder to ask.
    pub fn settled(&self) -> bool {
        match &self.registration {
            Registration::Registered(stats) => {
                stats.last_fetch.is_some() || stats.responder.is_none()
            }
            Registration::NotRegistered(_) => true,
        }
    }
}

/// The state of each certificate of a registered `chain`, leaf first.
pub fn chain_states<'a>(engine: &StaplingEngine, chain: &'a Chain) -> Vec<CertificateState<'a>> {
    let mut registered = engine.stats().certificates;
    chain
        .certificates()
        .iter()
        .enumerate()
        .map(|(index, cert)| {
            // Statistics name certificates by subject and serial; a chain does not repeat them.
            let found = registered
                .iter()
                .position(|s| s.serial_hex == cert.serial_hex && s.subject == cert.subject);
            let registration = match found {
                Some(at) => Registration::Registered(Box::new(registered.swap_remove(at))),
                // Every certificate OCSP can ask about is registered, so this is an Err.
                None => Registration::NotRegistered(
                    cert.ocsp_identity().err().unwrap_or(SkipReason::NoIssuer),
                ),
            };
            CertificateState {
                index,
                cert,
                registration,
            }
        })
        .collect()
}

/// Waits until every certificate of a registered `chain` is [settled](CertificateState::settled)
/// or `wait` has passed, and returns their states.
pub fn wait_until_settled<'a>(
    engine: &StaplingEngine,
    chain: &'a Chain,
    wait: Duration,
) -> Vec<CertificateState<'a>> {
    let deadline = Instant::now() + wait;
    loop {
        let states = chain_states(engine, chain);
        if states.iter().all(CertificateState::settled) || Instant::now() >= deadline {
            return states;
        }
        thread::sleep(POLL);
    }
}

/// As long as one fetch may take: its connect plus its read timeout.
pub fn one_fetch_wait(config: &StaplingConfig) -> Duration {
    if config.ocsp_connect_timeout.is_zero() || config.ocsp_read_timeout.is_zero() {
        UNLIMITED_WAIT
    } else {
        config.ocsp_connect_timeout + config.ocsp_read_timeout
    }
}

/// Reads a response the engine hands out (it verified it already) to say what it says.
pub fn read_back(
    config: &StaplingConfig,
    cert: &ChainCertificate,
    der: &[u8],
) -> Result<VerifiedResponse, String> {
    let (Some(id), Some(issuer_der)) = (&cert.id, &cert.issuer_der) else {
        return Err(format!("the issuer of {} is unknown", cert.subject));
    };
    let expected = Expected {
        id,
        issuer_der,
        nonce: None,
    };
    let policy = VerifyPolicy {
        now: SystemTime::now(),
        clock_skew: config.clock_skew,
        max_response_bytes: config.max_response_bytes,
    };
    verify_response(der, &expected, &policy).map_err(|rejection| rejection.to_string())
}
