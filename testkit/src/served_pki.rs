//! The standard test PKI registered with the project's own responder: what the demo and the tests
//! that need faults OpenSSL cannot produce both start from.

use super::pki::TestPki;
use super::responder::{Authority, CertState, OcspResponder, ResponderError};

/// keyCompromise, as OpenSSL's index for the same fixture says.
const KEY_COMPROMISE: u8 = 1;

/// Registers the intermediate and the root with their delegated OCSP signers (certificates
/// included in responses) and sets the states: leaf and intermediate GOOD, the revoked leaf
/// REVOKED at `pki.revoked_at` (keyCompromise).
pub fn serve_test_pki(responder: &OcspResponder, pki: &TestPki) -> Result<(), ResponderError> {
    for (authority, signer) in [
        (&pki.intermediate, &pki.intermediate_ocsp_signer),
        (&pki.root, &pki.root_ocsp_signer),
    ] {
        responder.add_authority(Authority {
            issuer_der: authority.cert().der.clone(),
            signer_cert_der: signer.der.clone(),
            signer_key_pkcs8: signer.key_pkcs8_der.clone(),
            include_signer_cert: true,
        })?;
    }
    responder.set_status(&pki.leaf.serial, CertState::Good);
    responder.set_status(&pki.intermediate.cert().serial, CertState::Good);
    responder.set_status(
        &pki.revoked_leaf.serial,
        CertState::Revoked {
            at: pki.revoked_at,
            reason: Some(KEY_COMPROMISE),
        },
    );
    Ok(())
}
