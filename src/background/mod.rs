//! Work done ahead of handshakes: registered certificates, what they hold, and the refresher
//! that keeps it fresh.

pub(crate) mod held;
mod id_hasher;
pub(crate) mod registry;
pub(crate) mod timing;

pub(crate) use held::{judge, Held, Verdict};
pub use held::{KeepReason, ResponseSource};
pub(crate) use registry::{FetchTarget, LogNote, Lookup, Registry, StaticFile};
pub(crate) use timing::RefreshTiming;
