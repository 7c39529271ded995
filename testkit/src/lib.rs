//! Test and demo support: a generated PKI and an OCSP responder of the project's own.
//!
//! - [`pki`]: generated CAs, leaves and delegated OCSP signers, their PEM files, and the OpenSSL
//!   CA databases that describe them.
//! - [`openssl`]: OpenSSL's own OCSP responder (`openssl ocsp -port`) as a child process, a
//!   reference to test against.
//! - [`responder`]: an OCSP responder of the project's own, in process, with injectable faults.
//! - [`served_pki`]: the standard PKI registered with that responder.
//! - [`redis_server`]: Debian's `redis-server` as a child process, for the shared store.

pub mod fixtures;
pub mod openssl;
pub mod pki;
pub mod redis_server;
pub mod responder;
pub mod served_pki;
