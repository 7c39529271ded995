//! Building OCSP requests (RFC 6960 section 4.1) and choosing how to send them.

use base64::Engine as _;
use der::oid::db::rfc6960::ID_PKIX_OCSP_NONCE;
use der::Encode;
use url::Url;
use x509_cert::ext::Extension;
use x509_ocsp::{OcspRequest, Request, TbsRequest};

use super::CertIdentity;

/// The JDK sends a GET only while the whole URL stays within this many characters (RFC 5019 too).
pub(crate) const MAX_GET_URL_LEN: usize = 255;

/// How a request goes to the responder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum HttpRequest {
    /// `GET <responder>/<url-encoded base64 of the request>`.
    Get(Url),
    /// `POST <responder>` with `Content-Type: application/ocsp-request`.
    Post(Url),
}

/// Encodes an unsigned OCSP request for one certificate, carrying `extensions` (the client's request
/// extensions, a nonce among them, when they are forwarded).
pub fn encode_request(id: &CertIdentity, extensions: &[Extension]) -> Vec<u8> {
    let request = OcspRequest {
        tbs_request: TbsRequest {
            request_list: vec![Request {
                req_cert: id.to_cert_id(),
                single_request_extensions: None,
            }],
            request_extensions: (!extensions.is_empty()).then(|| extensions.to_vec()),
            ..Default::default()
        },
        optional_signature: None,
    };
    // Encoding a value built from well-formed parts cannot fail; an empty vector would be caught
    // by the responder as malformed, which the caller reports.
    request.to_der().unwrap_or_default()
}

/// The value of the nonce extension among `extensions`, if any.
pub(crate) fn nonce_of(extensions: &[Extension]) -> Option<&[u8]> {
    extensions
        .iter()
        .find(|e| e.extn_id == ID_PKIX_OCSP_NONCE)
        .map(|e| e.extn_value.as_bytes())
}

/// Chooses GET or POST as the JDK does: GET when allowed and the encoded URL is at most
/// [`MAX_GET_URL_LEN`] characters, else POST.
pub(crate) fn http_request(responder: &Url, request_der: &[u8], use_get: bool) -> HttpRequest {
    if use_get {
        let encoded = base64::engine::general_purpose::STANDARD.encode(request_der);
        let mut text = responder.as_str().to_owned();
        if !text.ends_with('/') {
            text.push('/');
        }
        text.push_str(&url_encode(&encoded));
        if text.len() <= MAX_GET_URL_LEN {
            if let Ok(url) = Url::parse(&text) {
                return HttpRequest::Get(url);
            }
        }
    }
    HttpRequest::Post(responder.clone())
}

/// Percent-encodes base64 text the way Java's `URLEncoder` does for its alphabet.
fn url_encode(base64: &str) -> String {
    let mut out = String::with_capacity(base64.len() + 8);
    for c in base64.chars() {
        match c {
            '+' => out.push_str("%2B"),
            '/' => out.push_str("%2F"),
            '=' => out.push_str("%3D"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use der::asn1::OctetString;
    use der::Decode;

    fn id() -> CertIdentity {
        CertIdentity::new(b"issuer name", b"issuer key", &[0x01, 0x02])
    }

    #[test]
    fn request_round_trips_with_cert_id_and_nonce() {
        let nonce = Extension {
            extn_id: ID_PKIX_OCSP_NONCE,
            critical: false,
            extn_value: OctetString::new(vec![4, 2, 0xAB, 0xCD]).unwrap(),
        };
        let der = encode_request(&id(), std::slice::from_ref(&nonce));
        let parsed = OcspRequest::from_der(&der).unwrap();
        assert!(id().matches(&parsed.tbs_request.request_list[0].req_cert));
        assert_eq!(
            parsed.tbs_request.request_extensions,
            Some(vec![nonce.clone()])
        );
        assert_eq!(nonce_of(&[nonce]), Some(&[4, 2, 0xAB, 0xCD][..]));
    }

    #[test]
    fn request_without_extensions_has_none() {
        let parsed = OcspRequest::from_der(&encode_request(&id(), &[])).unwrap();
        assert_eq!(parsed.tbs_request.request_extensions, None);
    }

    #[test]
    fn short_requests_use_get_with_url_encoded_base64() {
        let base = Url::parse("http://127.0.0.1:8080/ocsp").unwrap();
        let req = http_request(&base, &[0xFB, 0xFF, 0xFE], true);
        assert_eq!(
            req,
            HttpRequest::Get(Url::parse("http://127.0.0.1:8080/ocsp/%2B%2F%2F%2B").unwrap())
        );
        let req = http_request(&base, &[0xFB], false);
        assert_eq!(req, HttpRequest::Post(base.clone()));
    }

    #[test]
    fn long_requests_use_post() {
        let base = Url::parse("http://127.0.0.1/").unwrap();
        // 200 bytes of request become 268 base64 characters: over the 255 limit.
        let req = http_request(&base, &[0u8; 200], true);
        assert_eq!(req, HttpRequest::Post(base));
    }
}
