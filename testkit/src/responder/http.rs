//! Just enough HTTP/1.1 for OCSP: one request per connection, answered with `Connection: close`.

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::time::Instant;

use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use base64::Engine;

use super::stats::HttpMethod;

/// Largest request head (request line and headers) read; larger gets `431`.
pub const MAX_HEAD: usize = 16 * 1024;
/// Largest POST body read; larger gets `413`. OCSP requests are a few hundred bytes.
pub const MAX_BODY: usize = 64 * 1024;
/// Content type of OCSP responses (RFC 6960 appendix A.2).
pub(crate) const OCSP_RESPONSE_TYPE: &str = "application/ocsp-response";

/// An HTTP request read in full.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Request {
    pub(crate) method: HttpMethod,
    /// The DER OCSP request, or `None` when a GET path is not base64.
    pub(crate) der: Option<Vec<u8>>,
}

/// Why no request could be read.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum ReadError {
    /// The peer went away or was too slow: nothing to answer.
    Gone(String),
    /// The request is not one we serve: answer with this status.
    Reject(u16),
}

/// The parsed request head.
#[derive(Debug, PartialEq, Eq)]
struct Head {
    method: HttpMethod,
    target: String,
    content_length: Option<usize>,
    expect_continue: bool,
}

/// Reads one request from `stream`, giving up at `deadline`.
pub(crate) fn read_request(
    stream: &mut TcpStream,
    deadline: Instant,
) -> Result<Request, ReadError> {
    let mut buf = Vec::with_capacity(1024);
    let head_end = loop {
        if let Some(end) = head_end(&buf) {
            break end;
        }
        if buf.len() >= MAX_HEAD {
            return Err(ReadError::Reject(431));
        }
        let room = MAX_HEAD - buf.len();
        read_some(stream, &mut buf, room, deadline)?;
    };
    let head = parse_head(&buf[..head_end]).map_err(ReadError::Reject)?;
    match head.method {
        HttpMethod::Get => Ok(Request {
            method: HttpMethod::Get,
            der: decode_get_target(&head.target),
        }),
        HttpMethod::Post => {
            let len = head.content_length.ok_or(ReadError::Reject(411))?;
            if head.expect_continue {
                stream
                    .write_all(b"HTTP/1.1 100 Continue\r\n\r\n")
                    .map_err(|e| ReadError::Gone(format!("cannot send 100 Continue: {e}")))?;
            }
            let mut body = buf.split_off(head_end);
            while body.len() < len {
                let missing = len - body.len();
                read_some(stream, &mut body, missing, deadline)?;
            }
            body.truncate(len);
            Ok(Request {
                method: HttpMethod::Post,
                der: Some(body),
            })
        }
    }
}

/// Appends up to `max` bytes read before `deadline`; end of stream is an error.
fn read_some(
    stream: &mut TcpStream,
    buf: &mut Vec<u8>,
    max: usize,
    deadline: Instant,
) -> Result<(), ReadError> {
    let left = deadline.saturating_duration_since(Instant::now());
    if left.is_zero() {
        return Err(ReadError::Gone("request not received in time".into()));
    }
    stream
        .set_read_timeout(Some(left))
        .map_err(|e| ReadError::Gone(format!("cannot set read timeout: {e}")))?;
    let mut chunk = [0u8; 4096];
    let want = max.min(chunk.len());
    match stream.read(&mut chunk[..want]) {
        Ok(0) => Err(ReadError::Gone(
            "connection closed before a full request".into(),
        )),
        Ok(n) => {
            buf.extend_from_slice(&chunk[..n]);
            Ok(())
        }
        Err(e) if e.kind() == io::ErrorKind::Interrupted => Ok(()),
        Err(e) => Err(ReadError::Gone(format!("reading the request: {e}"))),
    }
}

/// Where the head ends (after the blank line), accepting bare LF line ends too.
fn head_end(buf: &[u8]) -> Option<usize> {
    let crlf = buf.windows(4).position(|w| w == b"\r\n\r\n").map(|p| p + 4);
    let lf = buf.windows(2).position(|w| w == b"\n\n").map(|p| p + 2);
    match (crlf, lf) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// Parses the request line and the headers we care about; `Err` is the status to answer.
fn parse_head(head: &[u8]) -> Result<Head, u16> {
    let text = std::str::from_utf8(head).map_err(|_| 400u16)?;
    let mut lines = text.lines().map(|l| l.trim_end_matches('\r'));
    let mut parts = lines.next().unwrap_or("").split(' ');
    let (method, target, version) = match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some(m), Some(t), Some(v), None) if !t.is_empty() => (m, t, v),
        _ => return Err(400),
    };
    if !version.starts_with("HTTP/1.") {
        return Err(505);
    }
    let method = match method {
        "GET" => HttpMethod::Get,
        "POST" => HttpMethod::Post,
        _ => return Err(405),
    };
    let mut content_length = None;
    let mut expect_continue = false;
    for line in lines.take_while(|l| !l.is_empty()) {
        let (name, value) = line.split_once(':').ok_or(400u16)?;
        let value = value.trim();
        if name.eq_ignore_ascii_case("content-length") {
            let len: usize = value.parse().map_err(|_| 400u16)?;
            if content_length.is_some_and(|l| l != len) {
                return Err(400);
            }
            content_length = Some(len);
        } else if name.eq_ignore_ascii_case("transfer-encoding") {
            // Chunked bodies are not needed by OCSP clients; RFC 9112 says 501 for what we lack.
            return Err(501);
        } else if name.eq_ignore_ascii_case("expect") {
            expect_continue = value.eq_ignore_ascii_case("100-continue");
        }
    }
    if method == HttpMethod::Post && content_length.is_some_and(|l| l > MAX_BODY) {
        return Err(413);
    }
    Ok(Head {
        method,
        target: target.to_string(),
        content_length,
        expect_continue,
    })
}

/// The DER request in a GET target: `/<url-encoded base64>` (RFC 6960 appendix A.1).
///
/// Lenient like real responders: absolute-form targets, a path prefix before the base64, `/` in
/// the base64 left unencoded, URL-safe base64, and missing padding are all accepted.
fn decode_get_target(target: &str) -> Option<Vec<u8>> {
    let path = match target.find("://") {
        Some(i) => target[i + 3..]
            .find('/')
            .map_or("", |j| &target[i + 3 + j..]),
        None => target,
    };
    let path = path.split(['?', '#']).next().unwrap_or("");
    let decoded = percent_decode(path.trim_start_matches('/'))?;
    // The whole path first, since unencoded base64 may contain '/'; then after each '/'. A
    // candidate that decodes to a SEQUENCE (0x30), as an OCSPRequest does, wins over one that
    // merely decodes (a prefix like "ocsp/" can make the whole path decode to junk).
    let candidates: Vec<&str> = std::iter::once(decoded.as_str())
        .chain(decoded.match_indices('/').map(|(i, _)| &decoded[i + 1..]))
        .collect();
    let mut decodable = candidates.iter().filter_map(|c| decode_base64(c));
    let first = decodable.next()?;
    if first.first() == Some(&0x30) {
        return Some(first);
    }
    decodable.find(|d| d.first() == Some(&0x30)).or(Some(first))
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

/// Decodes `%XX` escapes; `+` stays `+` (it is base64, not a form-encoded space).
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

/// Writes a complete response with `body`.
pub(crate) fn write_response(
    stream: &mut impl Write,
    status: u16,
    content_type: &str,
    body: &[u8],
) -> io::Result<()> {
    write_head(stream, status, content_type, body.len())?;
    stream.write_all(body)?;
    stream.flush()
}

/// Writes `status` with a one-line text body (none for statuses that forbid a body).
pub(crate) fn write_status(stream: &mut impl Write, status: u16) -> io::Result<()> {
    let body = if matches!(status, 100..=199 | 204 | 304) {
        String::new()
    } else {
        format!("{status} {}\n", reason(status))
    };
    write_response(stream, status, "text/plain; charset=utf-8", body.as_bytes())
}

/// Writes `200 OK` with `len` junk bytes, in chunks so that a huge `len` needs no huge buffer.
pub(crate) fn write_junk(stream: &mut impl Write, len: usize) -> io::Result<()> {
    write_head(stream, 200, OCSP_RESPONSE_TYPE, len)?;
    let chunk: Vec<u8> = (0..64 * 1024).map(|i| b'A' + (i % 26) as u8).collect();
    let mut left = len;
    while left > 0 {
        let n = left.min(chunk.len());
        stream.write_all(&chunk[..n])?;
        left -= n;
    }
    stream.flush()
}

fn write_head(
    stream: &mut impl Write,
    status: u16,
    content_type: &str,
    len: usize,
) -> io::Result<()> {
    let allow = if status == 405 {
        "Allow: GET, POST\r\n"
    } else {
        ""
    };
    let head = format!(
        "HTTP/1.1 {status} {}\r\nContent-Type: {content_type}\r\nContent-Length: {len}\r\n\
         {allow}Connection: close\r\n\r\n",
        reason(status)
    );
    stream.write_all(head.as_bytes())
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        411 => "Length Required",
        413 => "Content Too Large",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        505 => "HTTP Version Not Supported",
        _ => "Status",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_post_head() {
        let head = parse_head(
            b"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/ocsp-request\r\n\
              content-length: 12\r\nExpect: 100-continue\r\n\r\n",
        );
        assert_eq!(
            head,
            Ok(Head {
                method: HttpMethod::Post,
                target: "/".into(),
                content_length: Some(12),
                expect_continue: true,
            })
        );
    }

    #[test]
    fn rejects_what_it_does_not_serve() {
        assert_eq!(parse_head(b"PUT / HTTP/1.1\r\n\r\n"), Err(405));
        assert_eq!(parse_head(b"GET / SPDY/3\r\n\r\n"), Err(505));
        assert_eq!(parse_head(b"GET /\r\n\r\n"), Err(400));
        assert_eq!(parse_head(b"\xff\xfe / HTTP/1.1\r\n\r\n"), Err(400));
        assert_eq!(
            parse_head(b"POST / HTTP/1.1\r\nContent-Length: x\r\n\r\n"),
            Err(400)
        );
        assert_eq!(
            parse_head(b"POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n"),
            Err(400)
        );
        assert_eq!(
            parse_head(b"POST / HTTP/1.1\r\nContent-Length: 65537\r\n\r\n"),
            Err(413)
        );
        assert_eq!(
            parse_head(b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"),
            Err(501)
        );
        assert_eq!(parse_head(b"GET / HTTP/1.1\r\nno colon\r\n\r\n"), Err(400));
    }

    #[test]
    fn finds_the_end_of_the_head() {
        assert_eq!(head_end(b"GET / HTTP/1.1\r\n\r\nbody"), Some(18));
        assert_eq!(head_end(b"GET / HTTP/1.1\n\nbody"), Some(16));
        assert_eq!(head_end(b"GET / HTTP/1.1\r\nHost: x\r\n"), None);
    }

    #[test]
    fn decodes_get_targets_as_clients_send_them() {
        let der = vec![0x30, 0x03, 0xfb, 0xff, 0xfe];
        // Standard base64 "MAP7//4=" has '/' and '=' that clients percent-encode, or not.
        assert_eq!(decode_get_target("/MAP7%2F%2F4%3D"), Some(der.clone()));
        assert_eq!(decode_get_target("/MAP7//4="), Some(der.clone()));
        assert_eq!(decode_get_target("/MAP7//4"), Some(der.clone()));
        assert_eq!(decode_get_target("/MAP7__4"), Some(der.clone()));
        assert_eq!(
            decode_get_target("/ocsp/MAP7%2F%2F4%3D?x=1"),
            Some(der.clone())
        );
        assert_eq!(decode_get_target("/ocsp/MAP7//4"), Some(der.clone()));
        assert_eq!(decode_get_target("http://h:1/MAP7%2F%2F4%3D"), Some(der));
        assert_eq!(decode_get_target("/"), None);
        assert_eq!(decode_get_target("/%zz"), None);
        assert_eq!(decode_get_target("/%4"), None);
        assert_eq!(decode_get_target("/!!!"), None);
    }

    #[test]
    fn writes_status_and_junk_with_exact_lengths() {
        let mut out = Vec::new();
        write_status(&mut out, 503).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.starts_with("HTTP/1.1 503 Service Unavailable\r\n"),
            "{text}"
        );
        assert!(text.contains("Content-Length: 24\r\n"), "{text}");
        assert!(
            text.ends_with("\r\n\r\n503 Service Unavailable\n"),
            "{text}"
        );

        let mut out = Vec::new();
        write_junk(&mut out, 100_000).unwrap();
        let split = head_end(&out).unwrap();
        let head = std::str::from_utf8(&out[..split]).unwrap();
        assert!(head.contains("Content-Length: 100000\r\n"), "{head}");
        assert_eq!(out.len() - split, 100_000);
    }
}
