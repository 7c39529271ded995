//! TLS 1.3 CertificateEntry `status_request` extension data: parsing never panics, the codec is
//! canonical, and it agrees with the CertificateStatus parser, whose `ocsp` body has the same
//! shape (`01 | uint24 len | DER`): one accepts exactly what the other reads as `ocsp`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use staplekit::tls::{
    certificate_entry_status_request, parse_certificate_entry_status_request,
    parse_certificate_status, CertificateStatus,
};

fuzz_target!(|data: &[u8]| {
    let entry = parse_certificate_entry_status_request(data);
    let as_status = match parse_certificate_status(data) {
        Ok(CertificateStatus::Ocsp(der)) => Some(der),
        _ => None,
    };
    assert_eq!(
        entry.as_ref().ok(),
        as_status.as_ref(),
        "the two parsers disagree"
    );
    let Ok(der) = entry else {
        return;
    };
    let encoded = certificate_entry_status_request(&der).unwrap_or_else(|e| {
        panic!(
            "a {}-byte response parsed but does not encode: {e}",
            der.len()
        )
    });
    assert_eq!(encoded, data);
});
