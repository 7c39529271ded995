//! The TLS <= 1.2 CertificateStatus body: parsing never panics, and the codec is canonical, so
//! what parses re-encodes to the very same bytes, through `CertificateStatus::encode` and through
//! the server-side encoders the engine staples with.
#![no_main]

use libfuzzer_sys::fuzz_target;
use staplekit::tls::{
    certificate_status_ocsp, certificate_status_ocsp_multi, parse_certificate_status,
    CertificateStatus,
};

fuzz_target!(|data: &[u8]| {
    let Ok(status) = parse_certificate_status(data) else {
        return;
    };
    let encoded = status
        .encode()
        .unwrap_or_else(|e| panic!("{status:?} parsed but does not encode: {e}"));
    assert_eq!(encoded, data);
    let direct = match &status {
        CertificateStatus::Ocsp(der) => {
            assert!(!der.is_empty(), "an empty ocsp response parsed");
            certificate_status_ocsp(der)
        }
        CertificateStatus::OcspMulti(list) => {
            assert!(!list.is_empty(), "an empty ocsp_response_list parsed");
            assert!(
                list.iter().flatten().all(|der| !der.is_empty()),
                "a zero-length entry parsed as Some"
            );
            let borrowed: Vec<Option<&[u8]>> = list.iter().map(|r| r.as_deref()).collect();
            certificate_status_ocsp_multi(&borrowed)
        }
    };
    assert_eq!(direct.ok().as_deref(), Some(data));
});
