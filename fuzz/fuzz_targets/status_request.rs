//! ClientHello `status_request` extension data: parsing never panics, and what parses re-encodes.
//!
//! The codec is canonical except for two forms of request_extensions that the parser accepts,
//! like the JDK, and the encoder normalises: an empty DER SEQUENCE (`30 00`, written as no bytes)
//! and an explicit `critical FALSE` (left out). So: an unknown status_type and everything before
//! request_extensions come back byte for byte; the whole encoding is the input or shorter; and
//! the normalised form is a fixed point.
#![no_main]

use libfuzzer_sys::fuzz_target;
use staplekit::tls::{parse_status_request, CertificateStatusRequest};

fuzz_target!(|data: &[u8]| {
    let Ok(parsed) = parse_status_request(data) else {
        return;
    };
    let encoded = parsed
        .encode()
        .unwrap_or_else(|e| panic!("{parsed:?} parsed but does not encode: {e}"));
    match &parsed {
        CertificateStatusRequest::Unknown { .. } => assert_eq!(encoded, data),
        CertificateStatusRequest::Ocsp(req) => {
            // status_type, then responder_id_list with its uint16 length.
            let ids_end = 3 + req
                .responder_ids
                .iter()
                .map(|id| 2 + id.len())
                .sum::<usize>();
            assert_eq!(
                encoded.get(..ids_end),
                data.get(..ids_end),
                "responder_id_list changed"
            );
            assert!(encoded.len() <= data.len(), "normalising made it longer");
            if req.extensions.is_empty() {
                // Only `30 00` may have gone.
                assert!(encoded == data || data.get(ids_end..) == Some(&[0x00, 0x02, 0x30, 0x00]));
            }
        }
    }
    let reparsed = parse_status_request(&encoded)
        .unwrap_or_else(|e| panic!("the encoding of {parsed:?} does not parse: {e}"));
    assert_eq!(reparsed, parsed);
    assert_eq!(reparsed.encode().ok(), Some(encoded), "not a fixed point");
});
