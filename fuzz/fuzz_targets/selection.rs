//! The JDK's selection over both ClientHello extensions (`staplekit::tls::select`), with the
//! handshake facts and the server's switches taken from the input (layout in
//! `staplekit_fuzz::selection_input`).
//!
//! Beyond "never panics", the outcome is checked against the rules (docs: jdk-stapling.md) using
//! the public parsers as the oracle for each extension:
//! - an error exactly when an extension the server consumes fails to parse, and that error;
//! - nothing when the server is off, the session resumed or the chain shorter than 2;
//! - otherwise, up to TLS 1.2, the first `ocsp_multi` v2 item without responders, else the first
//!   such `ocsp` item, else the v1 `ocsp` request without responders; in TLS 1.3 only the latter;
//! - the accessors agree with the variant.
#![no_main]

use libfuzzer_sys::fuzz_target;
use staplekit::tls::{
    parse_status_request, parse_status_request_v2, select, CertificateStatusRequest, ExtensionType,
    OcspStatusRequest, Selection, StatusRequestItemV2, TlsVersion, STATUS_TYPE_OCSP,
    STATUS_TYPE_OCSP_MULTI,
};
use staplekit_fuzz::selection_input::SelectionInput;

fuzz_target!(|data: &[u8]| {
    let input = SelectionInput::decode(data);
    let (hello, policy) = (&input.hello, &input.policy);
    let result = select(hello, input.chain_len, policy);
    if !policy.server_enabled {
        assert_eq!(result, Ok(Selection::None), "server off");
        return;
    }
    let tls13 = hello.version >= TlsVersion::Tls13;
    let v1 = hello
        .status_request
        .filter(|_| !policy.status_request_disabled)
        .map(parse_status_request);
    let v2 = hello
        .status_request_v2
        .filter(|_| !policy.status_request_v2_disabled && !tls13)
        .map(parse_status_request_v2);
    let first_error = [
        v1.as_ref().and_then(|r| r.as_ref().err()),
        v2.as_ref().and_then(|r| r.as_ref().err()),
    ]
    .into_iter()
    .flatten()
    .next();
    let selection = match (result, first_error) {
        (Err(got), Some(want)) => {
            assert_eq!(&got, want, "not the first consumed extension's error");
            return;
        }
        (Err(got), None) => panic!("select failed ({got}) although every extension parses"),
        (Ok(s), Some(want)) => panic!("select gave {s:?} although an extension fails: {want}"),
        (Ok(s), None) => s,
    };
    check_accessors(&selection);
    if hello.resumed || input.chain_len < 2 {
        assert_eq!(selection, Selection::None, "resumed or chain too short");
        return;
    }
    let qualifying = |req: &OcspStatusRequest| req.responder_ids.is_empty();
    let items = v2.and_then(Result::ok).unwrap_or_default();
    let first_multi = items.iter().find_map(|item| match item {
        StatusRequestItemV2::OcspMulti(req) if qualifying(req) => Some(req.clone()),
        _ => None,
    });
    let first_ocsp = items.iter().find_map(|item| match item {
        StatusRequestItemV2::Ocsp(req) if qualifying(req) => Some(req.clone()),
        _ => None,
    });
    let v1_request = match v1.and_then(Result::ok) {
        Some(CertificateStatusRequest::Ocsp(req)) if qualifying(&req) => Some(req),
        _ => None,
    };
    let expected = if let Some(req) = first_multi {
        Selection::StatusRequestV2OcspMulti(req)
    } else if let Some(req) = first_ocsp {
        Selection::StatusRequestV2Ocsp(req)
    } else {
        match v1_request {
            Some(req) if tls13 => Selection::Tls13PerCertificate(req),
            Some(req) => Selection::StatusRequest(req),
            None => Selection::None,
        }
    };
    assert_eq!(selection, expected);
});

/// The accessors say the same as the variant.
fn check_accessors(selection: &Selection) {
    let (extension, status_type, multi) = match selection {
        Selection::None => (None, None, false),
        Selection::StatusRequest(_) => (
            Some(ExtensionType::StatusRequest),
            Some(STATUS_TYPE_OCSP),
            false,
        ),
        Selection::StatusRequestV2Ocsp(_) => (
            Some(ExtensionType::StatusRequestV2),
            Some(STATUS_TYPE_OCSP),
            false,
        ),
        Selection::StatusRequestV2OcspMulti(_) => (
            Some(ExtensionType::StatusRequestV2),
            Some(STATUS_TYPE_OCSP_MULTI),
            true,
        ),
        Selection::Tls13PerCertificate(_) => (None, None, true),
    };
    assert_eq!(selection.server_hello_extension(), extension);
    assert_eq!(selection.certificate_status_type(), status_type);
    assert_eq!(selection.is_multi(), multi);
    assert_eq!(selection.request().is_some(), *selection != Selection::None);
    if let Some(req) = selection.request() {
        assert!(
            req.responder_ids.is_empty(),
            "stapling for named responders"
        );
    }
}
