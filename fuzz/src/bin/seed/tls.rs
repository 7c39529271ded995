//! Seeds of the TLS targets: what the JDK client sends, what the crate's encoders write, the
//! lenient forms the parsers accept, and CertificateStatus / TLS 1.3 entry data around the real
//! OCSP responses.

use der::asn1::OctetString;
use der::oid::db::rfc5280::ID_CE_KEY_USAGE;
use der::oid::db::rfc6960::ID_PKIX_OCSP_NONCE;
use staplekit::tls::{
    certificate_entry_status_request, certificate_status_ocsp, certificate_status_ocsp_multi,
    encode_status_request, encode_status_request_v2, CertificateStatusRequest, ClientStatusRequest,
    OcspStatusRequest, SelectionPolicy, StatusRequestItemV2, TlsVersion,
};
use staplekit_fuzz::selection_input::SelectionInput;
use x509_cert::ext::Extension;

use super::corpus::Corpus;
use super::outcome::OcspSeed;
use super::Error;

// The JDK client's extension data; keep in sync with tests/common/mod.rs (checked below against
// the crate's encoders, as the JDK builds them: one empty request, one empty ocsp_multi item).
/// `status_request` as the JDK client sends it.
const JDK_STATUS_REQUEST: [u8; 5] = [0x01, 0x00, 0x00, 0x00, 0x00];
/// `status_request_v2` as the JDK client sends it.
const JDK_STATUS_REQUEST_V2: [u8; 9] = [0x00, 0x07, 0x02, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00];

/// Writes the seeds of every TLS target; `responses` are real OCSP responses to wrap.
pub fn write_seeds(corpus: &mut Corpus, responses: &[OcspSeed]) -> Result<(), Error> {
    if encode_status_request(&OcspStatusRequest::default())? != JDK_STATUS_REQUEST
        || encode_status_request_v2(&[
            StatusRequestItemV2::OcspMulti(OcspStatusRequest::default()),
        ])? != JDK_STATUS_REQUEST_V2
    {
        return Err("the crate no longer encodes the JDK client's extension data".into());
    }
    let v1 = status_request_seeds()?;
    for (name, bytes) in &v1 {
        corpus.add("status_request", name, bytes)?;
    }
    let v2 = status_request_v2_seeds()?;
    for (name, bytes) in &v2 {
        corpus.add("status_request_v2", name, bytes)?;
    }
    for (name, bytes) in selection_seeds(&v1, &v2)? {
        corpus.add("selection", &name, &bytes)?;
    }
    for (name, bytes) in certificate_status_seeds(responses)? {
        corpus.add("certificate_status", &name, &bytes)?;
    }
    for seed in responses.iter().take(6) {
        let data = certificate_entry_status_request(&seed.der)?;
        corpus.add("certificate_entry_status", seed.name, &data)?;
    }
    Ok(())
}

/// Requests with responders, a nonce, another extension, or nothing.
fn requests() -> Result<Vec<(&'static str, OcspStatusRequest)>, Error> {
    let nonce = Extension {
        extn_id: ID_PKIX_OCSP_NONCE,
        critical: false,
        // An OCTET STRING of 16 bytes, as RFC 8954 recommends.
        extn_value: OctetString::new([&[0x04, 0x10][..], &[0x5A; 16]].concat())?,
    };
    let key_usage = Extension {
        extn_id: ID_CE_KEY_USAGE,
        critical: true,
        extn_value: OctetString::new(vec![0x03, 0x02, 0x05, 0xA0])?,
    };
    Ok(vec![
        ("empty", OcspStatusRequest::default()),
        (
            "responders",
            OcspStatusRequest {
                responder_ids: vec![vec![0xA1, 0x02, 0x04, 0x00], vec![0xA2; 22]],
                extensions: Vec::new(),
            },
        ),
        (
            "nonce",
            OcspStatusRequest {
                responder_ids: Vec::new(),
                extensions: vec![nonce.clone()],
            },
        ),
        (
            "responder-nonce-key-usage",
            OcspStatusRequest {
                responder_ids: vec![vec![0xA2, 0x16, 0x04, 0x14]],
                extensions: vec![nonce, key_usage],
            },
        ),
    ])
}

/// The two request_extensions forms the parser accepts and the encoder normalises.
fn lenient_request_bodies() -> [(&'static str, Vec<u8>); 2] {
    // Extensions ::= SEQUENCE { Extension { keyUsage, critical BOOLEAN FALSE (explicit),
    // OCTET STRING { BIT STRING } } }
    let explicit_false = [
        0x30, 0x10, 0x30, 0x0E, 0x06, 0x03, 0x55, 0x1D, 0x0F, 0x01, 0x01, 0x00, 0x04, 0x04, 0x03,
        0x02, 0x05, 0xA0,
    ];
    let with_exts = |exts: &[u8]| {
        let mut body = vec![0x00, 0x00];
        body.extend_from_slice(&u16::try_from(exts.len()).unwrap_or(0).to_be_bytes());
        body.extend_from_slice(exts);
        body
    };
    [
        ("empty-sequence", with_exts(&[0x30, 0x00])),
        ("explicit-critical-false", with_exts(&explicit_false)),
    ]
}

fn status_request_seeds() -> Result<Vec<(String, Vec<u8>)>, Error> {
    let mut seeds = vec![("jdk".to_owned(), JDK_STATUS_REQUEST.to_vec())];
    for (name, req) in requests()? {
        seeds.push((format!("ocsp-{name}"), encode_status_request(&req)?));
    }
    let unknown = CertificateStatusRequest::Unknown {
        status_type: 2,
        request: vec![0x00, 0x04, 0x00, 0x00, 0x00, 0x00],
    };
    seeds.push(("unknown-type".to_owned(), unknown.encode()?));
    for (name, body) in lenient_request_bodies() {
        let mut data = vec![0x01];
        data.extend_from_slice(&body);
        seeds.push((format!("lenient-{name}"), data));
    }
    Ok(seeds)
}

fn status_request_v2_seeds() -> Result<Vec<(String, Vec<u8>)>, Error> {
    let requests = requests()?;
    let mut seeds = vec![("jdk".to_owned(), JDK_STATUS_REQUEST_V2.to_vec())];
    let mut mixed = vec![StatusRequestItemV2::Unknown {
        status_type: 7,
        request: vec![0xDE, 0xAD],
    }];
    for (name, req) in &requests {
        seeds.push((
            format!("ocsp-{name}"),
            encode_status_request_v2(&[StatusRequestItemV2::Ocsp(req.clone())])?,
        ));
        mixed.push(StatusRequestItemV2::Ocsp(req.clone()));
        mixed.push(StatusRequestItemV2::OcspMulti(req.clone()));
    }
    seeds.push(("mixed".to_owned(), encode_status_request_v2(&mixed)?));
    for (name, body) in lenient_request_bodies() {
        // One ocsp_multi item whose request is `body`.
        let mut item = vec![0x02];
        item.extend_from_slice(&u16::try_from(body.len())?.to_be_bytes());
        item.extend_from_slice(&body);
        let mut data = u16::try_from(item.len())?.to_be_bytes().to_vec();
        data.extend_from_slice(&item);
        seeds.push((format!("lenient-{name}"), data));
    }
    Ok(seeds)
}

/// Each pair of v1 / v2 seeds meets a few handshakes, plus the edge cases of the rules.
fn selection_seeds(
    v1: &[(String, Vec<u8>)],
    v2: &[(String, Vec<u8>)],
) -> Result<Vec<(String, Vec<u8>)>, Error> {
    const ON: SelectionPolicy = SelectionPolicy {
        server_enabled: true,
        status_request_disabled: false,
        status_request_v2_disabled: false,
    };
    let input = |v1: Option<&[u8]>, v2: Option<&[u8]>, version, resumed, chain_len, policy| {
        SelectionInput {
            hello: ClientStatusRequest {
                status_request: v1,
                status_request_v2: v2,
                version,
                resumed,
            },
            chain_len,
            policy,
        }
        .encode()
        .ok_or("selection seed out of range")
    };
    let mut seeds = Vec::new();
    let jdk1 = Some(&JDK_STATUS_REQUEST[..]);
    let jdk2 = Some(&JDK_STATUS_REQUEST_V2[..]);
    for (name, version) in [
        ("tls10", TlsVersion::Tls10),
        ("tls12", TlsVersion::Tls12),
        ("tls13", TlsVersion::Tls13),
    ] {
        seeds.push((
            format!("jdk-{name}"),
            input(jdk1, jdk2, version, false, 3, ON)?,
        ));
        seeds.push((
            format!("jdk-v1-only-{name}"),
            input(jdk1, None, version, false, 2, ON)?,
        ));
    }
    seeds.push((
        "jdk-resumed".into(),
        input(jdk1, jdk2, TlsVersion::Tls12, true, 3, ON)?,
    ));
    seeds.push((
        "jdk-chain-of-1".into(),
        input(jdk1, jdk2, TlsVersion::Tls12, false, 1, ON)?,
    ));
    let off = SelectionPolicy {
        server_enabled: false,
        ..ON
    };
    seeds.push((
        "jdk-server-off".into(),
        input(jdk1, jdk2, TlsVersion::Tls12, false, 3, off)?,
    ));
    let v2_off = SelectionPolicy {
        status_request_v2_disabled: true,
        ..ON
    };
    seeds.push((
        "jdk-v2-disabled".into(),
        input(jdk1, jdk2, TlsVersion::Tls12, false, 3, v2_off)?,
    ));
    let v1_off = SelectionPolicy {
        status_request_disabled: true,
        ..ON
    };
    seeds.push((
        "garbage-v1-disabled".into(),
        input(
            Some(&[0x01, 0x00]),
            jdk2,
            TlsVersion::Tls12,
            false,
            3,
            v1_off,
        )?,
    ));
    seeds.push((
        "garbage-v2-tls13".into(),
        input(jdk1, Some(&[0x00]), TlsVersion::Tls13, false, 3, ON)?,
    ));
    for (a, b) in v1.iter().zip(v2.iter().rev()) {
        seeds.push((
            format!("v1-{}-v2-{}", a.0, b.0),
            input(Some(&a.1), Some(&b.1), TlsVersion::Tls12, false, 3, ON)?,
        ));
    }
    Ok(seeds)
}

/// `ocsp` bodies for a few responses, and `ocsp_multi` lists with and without empty entries.
fn certificate_status_seeds(responses: &[OcspSeed]) -> Result<Vec<(String, Vec<u8>)>, Error> {
    let mut seeds = Vec::new();
    for seed in responses.iter().take(4) {
        seeds.push((
            format!("ocsp-{}", seed.name),
            certificate_status_ocsp(&seed.der)?,
        ));
    }
    let ders: Vec<&[u8]> = responses.iter().map(|s| s.der.as_slice()).collect();
    if let [a, b, ..] = ders[..] {
        seeds.push((
            "multi-2-of-3".into(),
            certificate_status_ocsp_multi(&[Some(a), Some(b), None])?,
        ));
        seeds.push((
            "multi-leaf-only".into(),
            certificate_status_ocsp_multi(&[Some(a), None])?,
        ));
    }
    seeds.push(("multi-none".into(), certificate_status_ocsp_multi(&[None])?));
    Ok(seeds)
}
