//! staplekit: an OCSP stapling engine compatible with the JDK's server-side stapling.
//!
//! The engine has no `unsafe` code and knows nothing of Java, HTTP servers or command lines; the
//! doors (the JNI bridge, the `staplekit` command) are crates of their own around it.
#![forbid(unsafe_code)]

pub mod background;
pub mod cache;
pub mod chain;
pub mod config;
pub mod engine;
pub mod fetch;
pub mod ocsp;
pub mod persist;
pub mod report;
#[cfg(feature = "rustls")]
pub mod rustls;
pub mod stats;
pub mod tls;

pub use background::ResponseSource;
pub use chain::{Chain, ChainError};
pub use config::StaplingConfig;
pub use engine::{EngineError, Staple, StaplingEngine};
pub use ocsp::{CertIdentity, RevocationInfo, Status};
pub use tls::{Selection, TlsVersion};
