//! staplekit: an OCSP stapling engine compatible with the JDK's server-side stapling.
//!
//! The engine has no `unsafe` code and knows nothing of Java; the JNI bridge lives in its own module.
#![forbid(unsafe_code)]

pub mod config;
pub mod ocsp;
pub mod testkit;
pub mod tls;
