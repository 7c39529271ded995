//! Property tests: no parser panics on any input, parsed values re-encode stably, and encodings
//! are canonical wherever the format is (everything but the DER leniencies documented on
//! `request_extensions`).

use der::asn1::{ObjectIdentifier, OctetString};
use der::oid::db::rfc5280::{ID_CE_KEY_USAGE, ID_CE_SUBJECT_ALT_NAME};
use der::oid::db::rfc6960::{ID_PKIX_OCSP_NONCE, ID_PKIX_OCSP_RESPONSE};
use proptest::prelude::*;
use x509_cert::ext::Extension;

use super::*;

fn arb_extension() -> impl Strategy<Value = Extension> {
    let oids: [ObjectIdentifier; 4] = [
        ID_PKIX_OCSP_NONCE,
        ID_PKIX_OCSP_RESPONSE,
        ID_CE_KEY_USAGE,
        ID_CE_SUBJECT_ALT_NAME,
    ];
    (
        prop::sample::select(oids.to_vec()),
        any::<bool>(),
        prop::collection::vec(any::<u8>(), 0..24),
    )
        .prop_map(|(extn_id, critical, value)| Extension {
            extn_id,
            critical,
            // A vector under 24 bytes always fits an OCTET STRING.
            extn_value: OctetString::new(value).expect("short octet string"),
        })
}

fn arb_request() -> impl Strategy<Value = OcspStatusRequest> {
    (
        prop::collection::vec(prop::collection::vec(any::<u8>(), 1..12), 0..3),
        prop::collection::vec(arb_extension(), 0..3),
    )
        .prop_map(|(responder_ids, extensions)| OcspStatusRequest {
            responder_ids,
            extensions,
        })
}

fn arb_v1() -> impl Strategy<Value = CertificateStatusRequest> {
    prop_oneof![
        arb_request().prop_map(CertificateStatusRequest::Ocsp),
        (2u8.., prop::collection::vec(any::<u8>(), 0..16)).prop_map(|(status_type, request)| {
            CertificateStatusRequest::Unknown {
                status_type,
                request,
            }
        }),
    ]
}

fn arb_v2_item() -> impl Strategy<Value = StatusRequestItemV2> {
    prop_oneof![
        arb_request().prop_map(StatusRequestItemV2::Ocsp),
        arb_request().prop_map(StatusRequestItemV2::OcspMulti),
        (
            any::<u8>().prop_filter("unknown type", |t| *t != 1 && *t != 2),
            prop::collection::vec(any::<u8>(), 0..16)
        )
            .prop_map(|(status_type, request)| StatusRequestItemV2::Unknown {
                status_type,
                request
            }),
    ]
}

fn arb_certificate_status() -> impl Strategy<Value = CertificateStatus> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 1..32).prop_map(CertificateStatus::Ocsp),
        prop::collection::vec(
            prop::option::of(prop::collection::vec(any::<u8>(), 1..16)),
            1..5
        )
        .prop_map(CertificateStatus::OcspMulti),
    ]
}

/// Damages a valid encoding: overwrite a byte, cut the tail, or append bytes.
fn mutate(valid: Vec<u8>) -> impl Strategy<Value = Vec<u8>> {
    let len = valid.len();
    prop_oneof![
        (0..len.max(1), any::<u8>()).prop_map({
            let valid = valid.clone();
            move |(i, b)| {
                let mut v = valid.clone();
                if let Some(slot) = v.get_mut(i) {
                    *slot = b;
                }
                v
            }
        }),
        (0..=len).prop_map({
            let valid = valid.clone();
            move |cut| valid[..cut].to_vec()
        }),
        prop::collection::vec(any::<u8>(), 1..4).prop_map(move |tail| {
            let mut v = valid.clone();
            v.extend(tail);
            v
        }),
    ]
}

fn v1_has_extensions(v: &CertificateStatusRequest) -> bool {
    matches!(v, CertificateStatusRequest::Ocsp(r) if !r.extensions.is_empty())
}

fn v2_has_extensions(items: &[StatusRequestItemV2]) -> bool {
    items.iter().any(|item| match item {
        StatusRequestItemV2::Ocsp(r) | StatusRequestItemV2::OcspMulti(r) => {
            !r.extensions.is_empty()
        }
        StatusRequestItemV2::Unknown { .. } => false,
    })
}

/// Parses `input` with every parser; whatever parses must re-encode to something that parses to
/// the same value, and to the input itself where the format is canonical.
fn check_all_parsers(input: &[u8]) -> Result<(), TestCaseError> {
    if let Ok(v) = parse_status_request(input) {
        let again = v.encode().expect("a parsed status_request re-encodes");
        prop_assert_eq!(&parse_status_request(&again).expect("re-parses"), &v);
        if !v1_has_extensions(&v) {
            prop_assert_eq!(&again[..], input);
        }
    }
    if let Ok(items) = parse_status_request_v2(input) {
        let again =
            encode_status_request_v2(&items).expect("a parsed status_request_v2 re-encodes");
        prop_assert_eq!(&parse_status_request_v2(&again).expect("re-parses"), &items);
        if !v2_has_extensions(&items) {
            prop_assert_eq!(&again[..], input);
        }
    }
    if let Ok(status) = parse_certificate_status(input) {
        prop_assert_eq!(
            &status
                .encode()
                .expect("a parsed CertificateStatus re-encodes")[..],
            input
        );
    }
    if let Ok(der) = parse_certificate_entry_status_request(input) {
        prop_assert_eq!(
            &certificate_entry_status_request(&der).expect("re-encodes")[..],
            input
        );
    }
    Ok(())
}

fn arb_version() -> impl Strategy<Value = TlsVersion> {
    prop::sample::select(vec![
        TlsVersion::Tls10,
        TlsVersion::Tls11,
        TlsVersion::Tls12,
        TlsVersion::Tls13,
    ])
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(input in prop::collection::vec(any::<u8>(), 0..64)) {
        check_all_parsers(&input)?;
    }

    #[test]
    fn damaged_v1_never_panics(input in arb_v1().prop_flat_map(|v| mutate(v.encode().expect("encodes")))) {
        check_all_parsers(&input)?;
    }

    #[test]
    fn damaged_v2_never_panics(
        input in prop::collection::vec(arb_v2_item(), 1..4)
            .prop_flat_map(|items| mutate(encode_status_request_v2(&items).expect("encodes")))
    ) {
        check_all_parsers(&input)?;
    }

    #[test]
    fn damaged_certificate_status_never_panics(
        input in arb_certificate_status().prop_flat_map(|s| mutate(s.encode().expect("encodes")))
    ) {
        check_all_parsers(&input)?;
    }

    #[test]
    fn v1_round_trips(v in arb_v1()) {
        let bytes = v.encode().expect("encodes");
        prop_assert_eq!(parse_status_request(&bytes).expect("parses"), v);
    }

    #[test]
    fn v2_round_trips(items in prop::collection::vec(arb_v2_item(), 1..5)) {
        let bytes = encode_status_request_v2(&items).expect("encodes");
        prop_assert_eq!(parse_status_request_v2(&bytes).expect("parses"), items);
    }

    #[test]
    fn certificate_status_round_trips(status in arb_certificate_status()) {
        let bytes = status.encode().expect("encodes");
        prop_assert_eq!(parse_certificate_status(&bytes).expect("parses"), status);
    }

    #[test]
    fn selection_never_panics_and_honours_the_gates(
        v1 in prop::option::of(prop_oneof![
            arb_v1().prop_map(|v| v.encode().expect("encodes")),
            prop::collection::vec(any::<u8>(), 0..12),
        ]),
        v2 in prop::option::of(prop_oneof![
            prop::collection::vec(arb_v2_item(), 1..4)
                .prop_map(|items| encode_status_request_v2(&items).expect("encodes")),
            prop::collection::vec(any::<u8>(), 0..12),
        ]),
        version in arb_version(),
        resumed in any::<bool>(),
        chain_len in 0usize..5,
        flags in any::<(bool, bool, bool)>(),
    ) {
        let hello = ClientStatusRequest {
            status_request: v1.as_deref(),
            status_request_v2: v2.as_deref(),
            version,
            resumed,
        };
        let policy = SelectionPolicy {
            server_enabled: flags.0,
            status_request_disabled: flags.1,
            status_request_v2_disabled: flags.2,
        };
        // Exactly the extensions the JDK would consume can make the selection fail.
        let v1_bad = !policy.status_request_disabled
            && v1.as_deref().is_some_and(|d| parse_status_request(d).is_err());
        let v2_bad = !policy.status_request_v2_disabled
            && version != TlsVersion::Tls13
            && v2.as_deref().is_some_and(|d| parse_status_request_v2(d).is_err());
        let result = select(&hello, chain_len, &policy);
        prop_assert_eq!(result.is_err(), policy.server_enabled && (v1_bad || v2_bad));
        if let Ok(selection) = result {
            if !policy.server_enabled || resumed || chain_len < 2 {
                prop_assert_eq!(&selection, &Selection::None);
            }
            if let Some(req) = selection.request() {
                prop_assert!(req.responder_ids.is_empty());
            }
            let tls13 = version == TlsVersion::Tls13;
            prop_assert_eq!(
                matches!(selection, Selection::Tls13PerCertificate(_)),
                tls13 && selection != Selection::None
            );
            if tls13 || selection == Selection::None {
                prop_assert_eq!(selection.server_hello_extension(), None);
            }
        }
    }
}
