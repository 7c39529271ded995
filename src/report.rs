//! What the engine learned about each certificate of a chain: for tools, logs and tests.

use std::sync::Arc;

use url::Url;

use crate::fetch::TransportError;
use crate::ocsp::{Rejection, VerifiedResponse};

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
}

impl FetchFailure {
    /// True for "an answer came and failed verification"; false for "no usable answer".
    pub fn is_invalid_answer(&self) -> bool {
        matches!(self, FetchFailure::Rejected(r) if !r.is_unavailable())
    }

    /// Whether a failure counted under `label` (see [`FetchFailure::label`]) was an answer that
    /// failed verification, as [`FetchFailure::is_invalid_answer`] says of the failure itself: for
    /// tools that only have the statistics' labels.
    pub fn label_is_invalid_answer(label: &str) -> bool {
        label
            .strip_prefix("rejected.")
            .is_some_and(|kind| kind != Rejection::NotSuccessful(String::new()).label())
    }

    /// A short stable name of the kind of failure, for statistics: `transport.<kind>`,
    /// `rejected.<kind>` or `deadline`.
    pub fn label(&self) -> String {
        match self {
            FetchFailure::Transport(e) => format!("transport.{}", e.label()),
            FetchFailure::Rejected(r) => format!("rejected.{}", r.label()),
            FetchFailure::DeadlinePassed(_) => "deadline".to_string(),
            FetchFailure::NoResponder => "no-responder".to_string(),
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
    fn labels_tell_invalid_answers_as_the_failures_do() {
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
        for failure in failures {
            assert_eq!(
                FetchFailure::label_is_invalid_answer(&failure.label()),
                failure.is_invalid_answer(),
                "{failure:?}"
            );
        }
        assert!(!FetchFailure::label_is_invalid_answer("good"));
    }
}
