//! What the local OCSP responder (feature `responder`) sees of an engine: the response a
//! handshake would staple for a registered certificate, and the responder's counters.
//!
//! A handle on the engine's shared state, not on the engine: a responder may outlive its engine.
//! Once the engine is dropped (its registry closed), nothing is servable any more.

use std::sync::Arc;
use std::time::SystemTime;

use super::shared::Shared;
use super::StaplingEngine;
use crate::ocsp::CertIdentity;
use crate::stats::ResponderCounters;

/// The engine's held responses, as the responder reads them.
#[derive(Clone)]
pub(crate) struct HeldResponses {
    shared: Arc<Shared>,
}

/// A held response that may be served now.
#[derive(Debug, Clone)]
pub(crate) struct Servable {
    /// The DER OCSPResponse exactly as it would be stapled.
    pub(crate) der: Arc<[u8]>,
    /// Its thisUpdate.
    pub(crate) this_update: SystemTime,
    /// The instant from which it is no longer served: its nextUpdate, or the end of
    /// `jdk.tls.stapling.cacheLifetime` for a response without one.
    pub(crate) until: SystemTime,
}

impl HeldResponses {
    /// What a handshake would staple for the registered certificate `id` at `now`, without
    /// counting a handshake hit or miss. `None`: not registered, nothing servable, or the engine
    /// is gone.
    pub(crate) fn servable(&self, id: &CertIdentity, now: SystemTime) -> Option<Servable> {
        let (response, until) = self.shared.registry.servable(id, now)?;
        Some(Servable {
            der: response.der.clone(),
            this_update: response.this_update,
            until,
        })
    }

    /// Where the responder counts what it answers (read back by [`StaplingEngine::stats`]).
    pub(crate) fn counters(&self) -> &ResponderCounters {
        &self.shared.counters.responder
    }
}

impl StaplingEngine {
    /// A handle on this engine's held responses for the local OCSP responder.
    pub(crate) fn held_responses(&self) -> HeldResponses {
        HeldResponses {
            shared: self.shared.clone(),
        }
    }
}
