//! The OCSP request carried by a GET target: `/<url-encoded base64 of the DER request>` (RFC
//! 6960 appendix A.1, RFC 5019 section 5), and the responder's own statistics path.

use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use base64::Engine as _;

/// The path of the statistics page. A '.' is not a base64 character, so no OCSP request can
/// look like it.
pub(crate) const STATS_PATH: &str = "/.staplekit/stats";

/// What a GET asks for.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum GetTarget {
    /// The responder's statistics.
    Stats,
    /// A DER OCSP request (not yet checked to be one).
    Request(Vec<u8>),
}

/// Reads a GET target. `None`: no base64 in it.
///
/// The responder's URL is `http://ADDR/`, so the request is the whole path after the first '/';
/// when a client's URL has a prefix (`http://ADDR/ocsp/`), it is the last path segment. The
/// base64 may be percent-encoded (`%2F`, `%2B`, `%3D`, as the JDK and nginx send it) or not, with
/// or without padding, or in the URL-safe alphabet. '+' is a base64 character here, never a space.
pub(crate) fn parse_get_target(target: &str) -> Option<GetTarget> {
    let path = origin_path(target);
    if path == STATS_PATH {
        return Some(GetTarget::Stats);
    }
    let path = path.strip_prefix('/').unwrap_or(path);
    // The last segment is cut before decoding: an encoded '/' (%2F) is base64, not a separator.
    let last = path.rsplit('/').next().unwrap_or_default();
    // The whole path first, since base64 left unencoded may contain '/'; a candidate that decodes
    // to a DER SEQUENCE, as an OCSPRequest does, wins over one that merely decodes.
    let whole = percent_decode(path).and_then(|text| decode_base64(&text));
    if whole.as_ref().is_some_and(|der| der.first() == Some(&0x30)) || last == path {
        return whole.map(GetTarget::Request);
    }
    match percent_decode(last).and_then(|text| decode_base64(&text)) {
        Some(der) if der.first() == Some(&0x30) || whole.is_none() => Some(GetTarget::Request(der)),
        _ => whole.map(GetTarget::Request),
    }
}

/// The path of an origin-form or absolute-form target, without query or fragment.
fn origin_path(target: &str) -> &str {
    let path = match target.find("://") {
        Some(scheme_end) => {
            let rest = &target[scheme_end + 3..];
            rest.find('/').map_or("/", |slash| &rest[slash..])
        }
        None => target,
    };
    path.split(['?', '#']).next().unwrap_or_default()
}

fn decode_base64(text: &str) -> Option<Vec<u8>> {
    if text.is_empty() {
        return None;
    }
    let config =
        GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent);
    let alphabet = if text.contains(['-', '_']) {
        &alphabet::URL_SAFE
    } else {
        &alphabet::STANDARD
    };
    GeneralPurpose::new(alphabet, config).decode(text).ok()
}

/// Decodes `%XX` escapes. `None`: a broken escape, or bytes that are not UTF-8.
fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(target: &str) -> Option<Vec<u8>> {
        match parse_get_target(target) {
            Some(GetTarget::Request(der)) => Some(der),
            Some(GetTarget::Stats) => panic!("{target} read as the statistics page"),
            None => None,
        }
    }

    #[test]
    fn decodes_requests_as_clients_send_them() {
        let der = vec![0x30, 0x03, 0xfb, 0xff, 0xfe];
        // Standard base64 "MAP7//4=" has '/' and '=' that clients percent-encode, or not.
        assert_eq!(request("/MAP7%2F%2F4%3D"), Some(der.clone()));
        assert_eq!(request("/MAP7%2f%2f4%3d"), Some(der.clone()));
        assert_eq!(request("/MAP7//4="), Some(der.clone()));
        assert_eq!(request("/MAP7//4"), Some(der.clone()));
        assert_eq!(request("/MAP7__4"), Some(der.clone()));
        assert_eq!(request("/ocsp/MAP7%2F%2F4%3D?x=1"), Some(der.clone()));
        assert_eq!(request("http://h:1/MAP7%2F%2F4%3D"), Some(der.clone()));
        // '+' is base64 (0x3e in the last byte here), never a space.
        assert_eq!(request("/MAP7%2B%2B4%3D"), request("/MAP7++4="));
        assert_eq!(request("/MAP7++4=").unwrap()[..2], [0x30, 0x03]);
    }

    #[test]
    fn finds_no_request_where_there_is_none() {
        assert_eq!(request("/"), None);
        assert_eq!(request("/%zz"), None);
        assert_eq!(request("/%4"), None);
        assert_eq!(request("/!!!"), None);
        assert_eq!(request("http://h:1"), None);
    }

    #[test]
    fn the_statistics_path_is_its_own() {
        assert_eq!(parse_get_target(STATS_PATH), Some(GetTarget::Stats));
        assert_eq!(
            parse_get_target("/.staplekit/stats?x"),
            Some(GetTarget::Stats)
        );
        assert_eq!(request("/.staplekit/other"), None);
    }
}
