//! The responder's runtime configuration: authorities, certificate states, faults and times.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use x509_ocsp::CertId;

use super::authority::{serial_key, Authority, CertState, IssuerKey};
use super::error::ResponderError;
use super::faults::Fault;
use super::signing::{ResponderIdKind, Signer};

/// How long before "now" thisUpdate lies by default, to tolerate clocks a little behind.
pub(crate) const DEFAULT_THIS_UPDATE_AGE: Duration = Duration::from_secs(60);
/// How long after "now" nextUpdate lies by default.
pub(crate) const DEFAULT_VALIDITY: Duration = Duration::from_secs(3600);

/// A registered authority, parsed.
pub(crate) struct AuthorityEntry {
    pub(crate) issuer: IssuerKey,
    pub(crate) signer: Arc<Signer>,
    pub(crate) include_signer_cert: bool,
}

/// A fault with its foreign signer already parsed.
#[derive(Clone, Default)]
pub(crate) struct ActiveFault {
    pub(crate) fault: Fault,
    /// Set for [`Fault::SignWith`] only.
    pub(crate) foreign_signer: Option<Arc<Signer>>,
}

impl ActiveFault {
    pub(crate) fn new(fault: Fault) -> Result<Self, ResponderError> {
        let foreign_signer = match &fault {
            Fault::SignWith {
                cert_der,
                key_pkcs8,
            } => Some(Arc::new(Signer::new(cert_der, key_pkcs8)?)),
            _ => None,
        };
        Ok(Self {
            fault,
            foreign_signer,
        })
    }
}

/// Everything a request's answer depends on, besides the clock.
pub(crate) struct Registry {
    authorities: Vec<AuthorityEntry>,
    statuses: HashMap<Vec<u8>, CertState>,
    issuer_statuses: HashMap<(IssuerKey, Vec<u8>), CertState>,
    fault: ActiveFault,
    issuer_faults: HashMap<IssuerKey, ActiveFault>,
    pub(crate) this_update_age: Duration,
    pub(crate) validity: Option<Duration>,
    pub(crate) responder_id: ResponderIdKind,
}

impl Default for Registry {
    fn default() -> Self {
        Self {
            authorities: Vec::new(),
            statuses: HashMap::new(),
            issuer_statuses: HashMap::new(),
            fault: ActiveFault::default(),
            issuer_faults: HashMap::new(),
            this_update_age: DEFAULT_THIS_UPDATE_AGE,
            validity: Some(DEFAULT_VALIDITY),
            responder_id: ResponderIdKind::ByKey,
        }
    }
}

impl Registry {
    /// Registers or replaces (same issuer) an authority.
    pub(crate) fn add_authority(&mut self, authority: &Authority) -> Result<(), ResponderError> {
        let issuer = IssuerKey::from_issuer_der(&authority.issuer_der)?;
        let signer = Arc::new(Signer::new(
            &authority.signer_cert_der,
            &authority.signer_key_pkcs8,
        )?);
        self.authorities.retain(|a| a.issuer != issuer);
        self.authorities.push(AuthorityEntry {
            issuer,
            signer,
            include_signer_cert: authority.include_signer_cert,
        });
        Ok(())
    }

    /// The authority that issued the certificate a CertID names, if registered.
    pub(crate) fn authority_for(&self, id: &CertId) -> Option<&AuthorityEntry> {
        let serial = id.serial_number.as_bytes();
        self.authorities
            .iter()
            .find(|a| a.issuer.identity(serial).matches(id))
    }

    pub(crate) fn set_status(&mut self, serial: &[u8], state: CertState) {
        self.statuses.insert(serial_key(serial), state);
    }

    pub(crate) fn set_issuer_status(&mut self, issuer: IssuerKey, serial: &[u8], state: CertState) {
        self.issuer_statuses
            .insert((issuer, serial_key(serial)), state);
    }

    /// The state of `serial` under `issuer`: the issuer's own setting, else the global one.
    pub(crate) fn status(&self, issuer: IssuerKey, serial: &[u8]) -> CertState {
        let key = serial_key(serial);
        self.issuer_statuses
            .get(&(issuer, key.clone()))
            .or_else(|| self.statuses.get(&key))
            .copied()
            .unwrap_or(CertState::Unknown)
    }

    pub(crate) fn set_fault(&mut self, fault: ActiveFault) {
        self.fault = fault;
    }

    pub(crate) fn set_issuer_fault(&mut self, issuer: IssuerKey, fault: Option<ActiveFault>) {
        match fault {
            Some(f) => self.issuer_faults.insert(issuer, f),
            None => self.issuer_faults.remove(&issuer),
        };
    }

    /// The issuer's own fault if it has one, else the global fault.
    pub(crate) fn fault_for(&self, issuer: Option<IssuerKey>) -> &ActiveFault {
        issuer
            .and_then(|i| self.issuer_faults.get(&i))
            .unwrap_or(&self.fault)
    }
}
