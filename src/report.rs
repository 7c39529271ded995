//! What the engine learned about each certificate of a chain: for tools, logs and tests.

use std::sync::Arc;

use url::Url;

use crate::fetch::TransportError;
use crate::ocsp::{Rejection, VerifiedResponse};
use crate::stats::FetchOutcome;

/// Why no response was asked for a certificate. Quiet by design: certificates without OCSP are
/// normal (some CAs have stopped running OCSP).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SkipReason {
    /// A self-signed (root) certificate: no one is asked about it.
    #[error("self-signed certificate")]
    SelfSigned,
    /// Its issuer is neither the next certificate of the chain nor in `staplekit.stapling.issuers`.
    #[error("issuer not in the chain nor in staplekit.stapling.issuers")]
    NoIssuer,
    /// It carries id-pkix-ocsp-nocheck.
    #[error("certificate has id-pkix-ocsp-nocheck")]
    NoCheck,
    /// No OCSP URL in its AIA and no `jdk.tls.stapling.responderURI`.
    #[error("no OCSP responder URL (no AIA OCSP entry, no jdk.tls.stapling.responderURI)")]
    NoResponder,
}

/// Why a fetch produced no usable response.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FetchFailure {
    /// No body came back (network, timeout, HTTP status, size).
    #[error(transparent)]
    Transport(#[from] TransportError),
    /// A body came back and was refused.
    #[error(transparent)]
    Rejected(#[from] Rejection),
    /// The fetch did not finish before the caller's deadline (it may still fill the cache).
    #[error("no answer before the deadline of {0} ms")]
    DeadlinePassed(u128),
    /// There is no responder to ask (no AIA OCSP URL, no `jdk.tls.stapling.responderURI`).
    #[error("no OCSP responder to ask")]
    NoResponder,
    /// The fetch panicked (a bug): caught, so the process and the certificate's schedule go on.
    #[error("the fetch failed with an internal error (a panic): {0}")]
    Panicked(String),
}

impl FetchFailure {
    /// True for "an answer came and failed verification"; false for "no usable answer".
    pub fn is_invalid_answer(&self) -> bool {
        self.outcome().is_invalid_answer()
    }

    /// How statistics count this failure.
    pub fn outcome(&self) -> FetchOutcome {
        match self {
            FetchFailure::Transport(e) => FetchOutcome::Transport(e.kind()),
            FetchFailure::Rejected(r) => FetchOutcome::Rejected(r.kind()),
            FetchFailure::DeadlinePassed(_) => FetchOutcome::DeadlinePassed,
            FetchFailure::NoResponder => FetchOutcome::NoResponder,
            FetchFailure::Panicked(_) => FetchOutcome::Panicked,
        }
    }
}

/// The outcome for one certificate.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// A verified response (GOOD, REVOKED or UNKNOWN).
    Verified(Arc<VerifiedResponse>),
    /// Not asked, and why.
    Skipped(SkipReason),
    /// Asked, and no usable response.
    Failed(FetchFailure),
}

/// One certificate's line in a chain report.
#[derive(Debug, Clone)]
pub struct CertificateReport {
    /// Position in the chain, 0 = leaf.
    pub index: usize,
    /// The certificate's subject.
    pub subject: String,
    /// Its serial number, hex.
    pub serial_hex: String,
    /// The responder asked (or that would be asked).
    pub responder: Option<Url>,
    /// What happened.
    pub outcome: Outcome,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcomes_tell_invalid_answers_as_the_failures_do() {
        let failures = [
            FetchFailure::Rejected(Rejection::NotSuccessful("tryLater".into())),
            FetchFailure::Rejected(Rejection::Malformed("x".into())),
            FetchFailure::Rejected(Rejection::NoMatchingResponse),
            FetchFailure::Rejected(Rejection::NonceMismatch),
            FetchFailure::Transport(TransportError::HttpStatus {
                url: "http://x/".into(),
                status: 500,
            }),
            FetchFailure::DeadlinePassed(5),
            FetchFailure::NoResponder,
        ];
        let invalid: Vec<bool> = failures
            .iter()
            .map(FetchFailure::is_invalid_answer)
            .collect();
        assert_eq!(invalid, [false, true, true, true, false, false, false]);
        let labels: Vec<String> = failures.iter().map(|f| f.outcome().to_string()).collect();
        assert_eq!(
            labels,
            [
                "rejected.not-successful",
                "rejected.malformed",
                "rejected.wrong-certificate",
                "rejected.nonce-mismatch",
                "transport.http-status",
                "deadline",
                "no-responder"
            ]
        );
    }
}
