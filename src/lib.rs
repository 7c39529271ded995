//! staplekit: an OCSP stapling engine compatible with the JDK's server-side stapling.
//!
//! The engine has no `unsafe` code and knows nothing of Java; the JNI bridge lives in its own module,
//! the only one allowed `unsafe` (its exports need `#[unsafe(no_mangle)]`, its handles raw pointers).
#![deny(unsafe_code)]

pub mod cache;
pub mod chain;
pub mod config;
pub mod engine;
pub mod fetch;
#[allow(unsafe_code)]
mod jni;
pub mod ocsp;
pub mod persist;
pub mod report;
pub mod testkit;
pub mod tls;

pub use chain::{Chain, ChainError};
pub use config::StaplingConfig;
pub use engine::{EngineError, Staple, StaplingEngine};
