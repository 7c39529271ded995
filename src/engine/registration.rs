//! What [`StaplingEngine::register`](super::StaplingEngine::register) did with each certificate
//! of a chain, so that a caller knows at once what is stapled and can wait for the first answers
//! instead of polling the statistics.

use url::Url;

use crate::background::ResponseSource;
use crate::ocsp::CertIdentity;
use crate::report::SkipReason;

/// What registering a chain did, certificate by certificate, leaf first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registration {
    pub(super) certificates: Vec<RegisteredCertificate>,
}

/// What registering did with one certificate of the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegisteredCertificate {
    /// Kept stapled: fetched ahead, refreshed, and its handshakes never wait.
    Kept {
        /// Its CertID, which its statistics carry too.
        id: CertIdentity,
        /// The responder the refresher asks; `None` when only an operator-provided file or the
        /// response store can answer.
        responder: Option<Url>,
        /// Where the response stapled from the first handshake came from (the response store
        /// or an operator-provided file), if one was loaded; `None` until the first fetch.
        loaded: Option<ResponseSource>,
    },
    /// Never asked about, and why (a root, id-pkix-ocsp-nocheck, issuer unknown).
    Skipped(SkipReason),
}

impl Registration {
    /// Each certificate of the chain, leaf first.
    pub fn certificates(&self) -> &[RegisteredCertificate] {
        &self.certificates
    }

    /// The CertIDs of the certificates kept stapled, leaf first.
    pub fn kept_ids(&self) -> impl Iterator<Item = &CertIdentity> {
        self.certificates.iter().filter_map(|c| match c {
            RegisteredCertificate::Kept { id, .. } => Some(id),
            RegisteredCertificate::Skipped(_) => None,
        })
    }
}
