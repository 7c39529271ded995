//! OCSP response verification (`staplekit::verify_response`) of responses carrying extensions:
//! the nonce, and extensions nobody knows, critical or not, in responseExtensions,
//! singleExtensions and the delegated responder's certificate (the seeds, signed for the fixture
//! of `staplekit_fuzz::ocsp_fixture`).
//!
//! Besides "never panics": an accepted response carries no critical extension staplekit does not
//! know where the JDK client would refuse it (any but the nonce in responseExtensions, any in
//! singleExtensions), and without nextUpdate it is at most `MAX_AGE_WITHOUT_NEXT_UPDATE` old; a
//! refusal for an unknown critical extension names one that is there, critical, where it says.
#![no_main]

use der::oid::db::rfc6960::ID_PKIX_OCSP_NONCE;
use der::Decode;
use libfuzzer_sys::fuzz_target;
use staplekit::{verify_response, ExtensionPlace, Rejection, MAX_AGE_WITHOUT_NEXT_UPDATE};
use staplekit_fuzz::ocsp_fixture::{fixture, policy};
use x509_cert::ext::Extension;
use x509_ocsp::{BasicOcspResponse, OcspResponse};

fuzz_target!(|data: &[u8]| {
    let fixture = fixture();
    let policy = policy();
    match verify_response(data, &fixture.expected(), &policy) {
        Ok(verified) => {
            assert_eq!(&*verified.der, data, "the staple is not the bytes received");
            assert!(verified.this_update <= policy.now + policy.clock_skew);
            match verified.next_update {
                Some(next) => assert!(next > policy.now),
                None => assert!(verified.this_update + MAX_AGE_WITHOUT_NEXT_UPDATE >= policy.now),
            }
            let Some(basic) = basic(data) else { return };
            let data = &basic.tbs_response_data;
            assert!(
                !data
                    .response_extensions
                    .iter()
                    .flatten()
                    .any(|e| e.critical && e.extn_id != ID_PKIX_OCSP_NONCE),
                "accepted with an unknown critical responseExtension"
            );
            assert!(
                !data
                    .responses
                    .iter()
                    .flat_map(|r| r.single_extensions.iter().flatten())
                    .any(|e| e.critical),
                "accepted with a critical singleExtension"
            );
        }
        Err(Rejection::UnknownCriticalExtension { place, oid }) => {
            let Some(basic) = basic(data) else { return };
            let named = |e: &Extension| e.critical && e.extn_id.to_string() == oid;
            let data = &basic.tbs_response_data;
            let present = match place {
                ExtensionPlace::Response => data.response_extensions.iter().flatten().any(named),
                ExtensionPlace::SingleResponse => data
                    .responses
                    .iter()
                    .flat_map(|r| r.single_extensions.iter().flatten())
                    .any(named),
                ExtensionPlace::ResponderCertificate => basic
                    .certs
                    .iter()
                    .flatten()
                    .flat_map(|c| c.tbs_certificate.extensions.iter().flatten())
                    .any(named),
            };
            assert!(
                present,
                "refused for {oid} in {place:?}, which is not there"
            );
        }
        Err(_) => {}
    }
});

/// The BasicOCSPResponse, when x509-ocsp reads it. It may not where `verify_response` did: that
/// keeps `certs` raw and reads them with x509-parser, which accepts some certificates x509-cert
/// does not.
fn basic(data: &[u8]) -> Option<BasicOcspResponse> {
    let response = OcspResponse::from_der(data).ok()?;
    BasicOcspResponse::from_der(response.response_bytes?.response.as_bytes()).ok()
}
