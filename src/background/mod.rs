//! Work done ahead of handshakes: registered certificates, what they hold, and the refresher
//! that keeps it fresh.

pub mod held;
mod id_hasher;
pub mod registry;
pub mod timing;

pub use held::{Held, KeepReason, ResponseSource, Verdict};
pub use registry::{FetchTarget, Lookup, Registry, StaticFile};
pub use timing::RefreshTiming;
