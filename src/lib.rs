//! staplekit: an OCSP stapling engine compatible with the JDK's server-side stapling.
//!
//! A TLS server hands the engine each ClientHello's `status_request` / `status_request_v2` data and
//! the chain it sends; the engine decides what the ServerHello asserts exactly as the JDK does and
//! returns the verified OCSP responses to staple ([`Staple`]). Chains the server
//! [registers](StaplingEngine::register) are fetched ahead, refreshed, kept across restarts (a
//! [`ResponseStore`]) and never make a handshake wait; a good response is never replaced by a
//! worse answer. Configuration comes from the JDK's own properties ([`ConfigLoader`]).
//!
//! ```no_run
//! use staplekit::{ClientStatusRequest, ConfigLoader, StaplingEngine, TlsVersion};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let config = ConfigLoader::new().file("java.security").load()?.config;
//! let engine = StaplingEngine::new(config)?;
//! # let der_chain: Vec<Vec<u8>> = Vec::new();
//! let chain = engine.parse_chain(der_chain)?; // leaf first, DER
//! engine.register(&chain, None); // fetched now, refreshed in the background
//!
//! // In each handshake, with the ClientHello's extension data:
//! # let status_request: &[u8] = &[1, 0, 0, 0, 0];
//! let hello = ClientStatusRequest {
//!     status_request: Some(status_request),
//!     status_request_v2: None,
//!     version: TlsVersion::Tls13,
//!     resumed: false,
//! };
//! if let Some(staple) = engine.staple(&hello, &chain)? {
//!     for index in 0..staple.len() {
//!         let _entry_data = staple.certificate_entry_status(index); // TLS 1.3
//!     }
//! }
//! # Ok(())
//! # }
//! ```
//!
//! The engine has no `unsafe` code and knows nothing of Java or command lines; the doors (the
//! JNI bridge, the `staplekit` command) are crates of their own around it. Two doors are modules
//! behind features: `staplekit::rustls` (feature `rustls`), a certificate resolver that staples,
//! and `staplekit::responder` (feature `responder`), a local OCSP responder over HTTP/1.1 that
//! serves what the engine holds to servers the engine cannot reach in the handshake (the JDK's
//! own TLS stack, nginx, Apache httpd). The responder is the only HTTP server in the library.
#![forbid(unsafe_code)]
#![deny(missing_docs, unreachable_pub)]

mod background;
mod cache;
mod chain;
mod config;
mod engine;
mod fetch;
mod ocsp;
mod persist;
mod report;
#[cfg(feature = "responder")]
pub mod responder;
#[cfg(feature = "rustls")]
pub mod rustls;
mod stats;
mod store;
pub mod tls;

// The public interface is:
pub use background::{KeepReason, ResponseSource};
pub use chain::{
    parse_pem_certificates, read_pem_certificates, Chain, ChainCertificate, ChainError,
};
pub use config::{
    parse_define, ConfigEntry, ConfigError, ConfigLoader, ConfigWarning, LoadedConfig, Property,
    RefreshRatio, Secret, SharedStoreUrl, StaplingConfig, ValueSource,
};
pub use engine::{
    EngineError, RegisteredCertificate, Registration, Staple, StapleForm, StaplingEngine,
};
pub use fetch::{TransportError, TransportKind};
pub use ocsp::response::rfc3339;
pub use ocsp::{
    verify_response, CertIdError, CertIdentity, Expected, ExtensionPlace, Rejection, RejectionKind,
    RevocationInfo, Signer, Status, VerifiedResponse, VerifyPolicy, MAX_AGE_WITHOUT_NEXT_UPDATE,
};
pub use report::{CertificateReport, FetchFailure, Outcome, SkipReason};
pub use stats::{
    CertificateStats, EngineStats, FetchOutcome, FetchProblem, ResponderStats, SharedStoreStats,
};
#[cfg(feature = "shared-store")]
pub use store::SharedStore;
pub use store::{DirStore, ResponseStore, StoreError, StoredResponse};
pub use tls::{ClientStatusRequest, ExtensionError, ExtensionType, Selection, TlsVersion};

/// Parts that are public only for the project's own tests, benchmarks and fuzz targets. Not a
/// stable interface: anything here may change or go.
#[doc(hidden)]
pub mod internal {
    pub use crate::cache::ResponseCache;
    pub use crate::chain::IssuerStore;
    pub use crate::config::java_number;
    pub use crate::fetch::{HttpSettings, OcspHttpClient, ProxyAddress, ProxySettings};
    pub use crate::ocsp::request::encode_request;
    pub use crate::ocsp::signature::SignatureError;
    pub use crate::persist::{read_response_file, PersistError, ResponseDir};
    #[cfg(feature = "responder")]
    pub use crate::responder::offline::answer_request_bytes;
}
