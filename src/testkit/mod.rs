//! Test and demo support: a generated PKI and an OCSP responder of the project's own.

pub mod responder;
