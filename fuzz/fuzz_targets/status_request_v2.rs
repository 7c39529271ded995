//! ClientHello `status_request_v2` extension data: parsing never panics, and what parses
//! re-encodes.
//!
//! Canonical but for the two normalised forms of request_extensions (see `status_request`): a
//! list of unknown status types only comes back byte for byte; any list comes back the same or
//! shorter, parses to the same items, and is a fixed point.
#![no_main]

use libfuzzer_sys::fuzz_target;
use staplekit::tls::{encode_status_request_v2, parse_status_request_v2, StatusRequestItemV2};

fuzz_target!(|data: &[u8]| {
    let Ok(items) = parse_status_request_v2(data) else {
        return;
    };
    assert!(!items.is_empty(), "an empty list parsed");
    let encoded = encode_status_request_v2(&items)
        .unwrap_or_else(|e| panic!("{items:?} parsed but does not encode: {e}"));
    let all_unknown = items
        .iter()
        .all(|item| matches!(item, StatusRequestItemV2::Unknown { .. }));
    if all_unknown {
        assert_eq!(encoded, data);
    }
    assert!(encoded.len() <= data.len(), "normalising made it longer");
    let reparsed = parse_status_request_v2(&encoded)
        .unwrap_or_else(|e| panic!("the encoding of {items:?} does not parse: {e}"));
    assert_eq!(reparsed, items);
    assert_eq!(
        encode_status_request_v2(&reparsed).ok(),
        Some(encoded),
        "not a fixed point"
    );
});
