//! The head of an HTTP/1.1 request (request line and header fields, RFC 9112): parsed strictly,
//! from bytes already bounded by the caller, keeping only what an OCSP responder needs.

use std::fmt;

/// The methods the responder serves; anything else is answered 405.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Method {
    /// `GET /<url-encoded base64 DER request>` (RFC 6960 appendix A.1, RFC 5019 section 5).
    Get,
    /// `POST` with the DER request as the body.
    Post,
}

/// A parsed request head.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Head {
    pub(crate) method: Method,
    /// The request target as sent (origin-form or absolute-form).
    pub(crate) target: String,
    /// `Content-Length`, when sent.
    pub(crate) content_length: Option<usize>,
    /// Whether the client lets the connection stay open after the answer: HTTP/1.1 unless
    /// `Connection: close`, HTTP/1.0 only with `Connection: keep-alive`.
    pub(crate) keep_alive: bool,
    /// `Expect: 100-continue`: the client waits for an interim answer before its body.
    pub(crate) expect_continue: bool,
}

/// A request refused at the HTTP level: answered with this status, then the connection closes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum HttpError {
    /// 400: not a well-formed HTTP/1.x request, or not an OCSP request at all.
    BadRequest(&'static str),
    /// 405: a method other than GET and POST (answered with `Allow: GET, POST`).
    MethodNotAllowed,
    /// 411: a POST without `Content-Length` (chunked bodies are not accepted).
    LengthRequired,
    /// 413: `Content-Length` beyond `max_request_bytes`.
    ContentTooLarge,
    /// 431: request line and headers beyond `max_request_bytes`.
    HeaderTooLarge,
    /// 505: an HTTP version other than 1.0 and 1.1.
    VersionNotSupported,
}

impl HttpError {
    /// The status code.
    pub(crate) fn status(self) -> u16 {
        match self {
            HttpError::BadRequest(_) => 400,
            HttpError::MethodNotAllowed => 405,
            HttpError::LengthRequired => 411,
            HttpError::ContentTooLarge => 413,
            HttpError::HeaderTooLarge => 431,
            HttpError::VersionNotSupported => 505,
        }
    }

    /// The reason phrase.
    pub(crate) fn reason(self) -> &'static str {
        match self {
            HttpError::BadRequest(_) => "Bad Request",
            HttpError::MethodNotAllowed => "Method Not Allowed",
            HttpError::LengthRequired => "Length Required",
            HttpError::ContentTooLarge => "Content Too Large",
            HttpError::HeaderTooLarge => "Request Header Fields Too Large",
            HttpError::VersionNotSupported => "HTTP Version Not Supported",
        }
    }
}

impl fmt::Display for HttpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HttpError::BadRequest(why) => write!(f, "bad request: {why}"),
            HttpError::MethodNotAllowed => f.write_str("method not allowed (only GET and POST)"),
            HttpError::LengthRequired => f.write_str("POST without Content-Length"),
            HttpError::ContentTooLarge => f.write_str("request body over the size limit"),
            HttpError::HeaderTooLarge => f.write_str("request head over the size limit"),
            HttpError::VersionNotSupported => f.write_str("HTTP version other than 1.0 or 1.1"),
        }
    }
}

/// Where the head ends in `buf` (the index after the empty line), if it is all there. Bare LF
/// line ends are accepted, as RFC 9112 section 2.2 allows.
pub(crate) fn head_end(buf: &[u8]) -> Option<usize> {
    let mut line_start = 0;
    for (i, &b) in buf.iter().enumerate() {
        if b == b'\n' {
            let line = &buf[line_start..i];
            if line.is_empty() || line == b"\r" {
                // A request may not start with an empty line we would take for the end; RFC
                // 9112 section 2.2 lets a server ignore empty lines before the request line, but
                // OCSP clients send none, so an empty head is simply malformed.
                return Some(i + 1);
            }
            line_start = i + 1;
        }
    }
    None
}

/// Parses a complete head (up to and including the empty line).
pub(crate) fn parse_head(head: &[u8]) -> Result<Head, HttpError> {
    let mut lines = head
        .split(|&b| b == b'\n')
        .map(|line| line.strip_suffix(b"\r").unwrap_or(line));
    let request_line = lines.next().unwrap_or_default();
    let (method, target, http_1_0) = parse_request_line(request_line)?;

    let mut content_length: Option<usize> = None;
    let mut transfer_encoding = false;
    let mut connection_close = false;
    let mut connection_keep_alive = false;
    let mut expect_continue = false;
    for line in lines.take_while(|line| !line.is_empty()) {
        if line.starts_with(b" ") || line.starts_with(b"\t") {
            return Err(HttpError::BadRequest("obsolete header line folding"));
        }
        let colon = line
            .iter()
            .position(|&b| b == b':')
            .ok_or(HttpError::BadRequest("header line without a colon"))?;
        let (name, value) = (&line[..colon], trim(&line[colon + 1..]));
        if name.is_empty() || !name.iter().all(|&b| is_token_char(b)) {
            return Err(HttpError::BadRequest("invalid header name"));
        }
        if name.eq_ignore_ascii_case(b"content-length") {
            let length = parse_content_length(value)?;
            if content_length.is_some_and(|known| known != length) {
                return Err(HttpError::BadRequest("conflicting Content-Length headers"));
            }
            content_length = Some(length);
        } else if name.eq_ignore_ascii_case(b"transfer-encoding") {
            transfer_encoding = true;
        } else if name.eq_ignore_ascii_case(b"connection") {
            for token in value.split(|&b| b == b',').map(trim) {
                connection_close |= token.eq_ignore_ascii_case(b"close");
                connection_keep_alive |= token.eq_ignore_ascii_case(b"keep-alive");
            }
        } else if name.eq_ignore_ascii_case(b"expect") {
            if !value.eq_ignore_ascii_case(b"100-continue") {
                return Err(HttpError::BadRequest("unsupported Expect header"));
            }
            expect_continue = true;
        }
    }
    if transfer_encoding {
        // Chunked bodies are not accepted (OCSP clients send Content-Length). Both headers
        // together is how requests are smuggled past proxies (RFC 9112 section 6.1): refused.
        return Err(if content_length.is_some() {
            HttpError::BadRequest("both Transfer-Encoding and Content-Length")
        } else {
            HttpError::LengthRequired
        });
    }
    let method = method.ok_or(HttpError::MethodNotAllowed)?;
    if method == Method::Post && content_length.is_none() {
        return Err(HttpError::LengthRequired);
    }
    Ok(Head {
        method,
        target,
        content_length,
        keep_alive: if http_1_0 {
            connection_keep_alive && !connection_close
        } else {
            !connection_close
        },
        expect_continue,
    })
}

/// `METHOD SP target SP HTTP/1.x`: the method (`None` for one not served), the target, and
/// whether it is HTTP/1.0.
fn parse_request_line(line: &[u8]) -> Result<(Option<Method>, String, bool), HttpError> {
    let mut parts = line.split(|&b| b == b' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(HttpError::BadRequest(
            "request line is not METHOD TARGET VERSION",
        ));
    };
    if method.is_empty() || !method.iter().all(|&b| is_token_char(b)) {
        return Err(HttpError::BadRequest("invalid method"));
    }
    if target.is_empty() || !target.iter().all(|&b| b.is_ascii_graphic()) {
        return Err(HttpError::BadRequest("invalid request target"));
    }
    let http_1_0 = match version {
        b"HTTP/1.1" => false,
        b"HTTP/1.0" => true,
        v if v.starts_with(b"HTTP/") => return Err(HttpError::VersionNotSupported),
        _ => return Err(HttpError::BadRequest("not an HTTP request")),
    };
    let method = match method {
        b"GET" => Some(Method::Get),
        b"POST" => Some(Method::Post),
        _ => None,
    };
    // ASCII graphic bytes only, checked above: always valid UTF-8.
    let target = String::from_utf8_lossy(target).into_owned();
    Ok((method, target, http_1_0))
}

/// Digits only (no sign, no list): anything else is how framing disagreements start.
fn parse_content_length(value: &[u8]) -> Result<usize, HttpError> {
    if value.is_empty() || !value.iter().all(u8::is_ascii_digit) {
        return Err(HttpError::BadRequest("Content-Length is not a number"));
    }
    // Digits only; a number too large for usize is over any limit.
    Ok(std::str::from_utf8(value)
        .ok()
        .and_then(|text| text.parse().ok())
        .unwrap_or(usize::MAX))
}

fn trim(bytes: &[u8]) -> &[u8] {
    let start = bytes
        .iter()
        .position(|b| !matches!(b, b' ' | b'\t'))
        .unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|b| !matches!(b, b' ' | b'\t'))
        .map_or(start, |i| i + 1);
    &bytes[start..end.max(start)]
}

/// RFC 9110 section 5.6.2 `tchar`.
fn is_token_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Head, HttpError> {
        parse_head(text.as_bytes())
    }

    #[test]
    fn parses_a_post_head() {
        let head = parse(
            "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/ocsp-request\r\n\
             content-length:  12 \r\nExpect: 100-continue\r\n\r\n",
        )
        .unwrap();
        assert_eq!(
            head,
            Head {
                method: Method::Post,
                target: "/".into(),
                content_length: Some(12),
                keep_alive: true,
                expect_continue: true,
            }
        );
    }

    #[test]
    fn keep_alive_follows_the_version_and_the_connection_header() {
        let keep = |text: &str| parse(text).unwrap().keep_alive;
        assert!(keep("GET /x HTTP/1.1\r\n\r\n"));
        assert!(!keep("GET /x HTTP/1.1\r\nConnection: close\r\n\r\n"));
        assert!(!keep("GET /x HTTP/1.0\r\n\r\n"));
        assert!(keep("GET /x HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n"));
        assert!(!keep("GET /x HTTP/1.1\r\nConnection: TE, close\r\n\r\n"));
    }

    #[test]
    fn refuses_what_it_does_not_serve() {
        let refused = |text: &str| parse(text).unwrap_err().status();
        assert_eq!(refused("PUT / HTTP/1.1\r\n\r\n"), 405);
        assert_eq!(
            refused("DELETE / HTTP/1.1\r\nContent-Length: 1\r\n\r\n"),
            405
        );
        assert_eq!(refused("GET / HTTP/2.0\r\n\r\n"), 505);
        assert_eq!(refused("GET / SPDY/3\r\n\r\n"), 400);
        assert_eq!(refused("GET /\r\n\r\n"), 400);
        assert_eq!(refused("GET  / HTTP/1.1\r\n\r\n"), 400);
        assert_eq!(refused("\u{7f}ET / HTTP/1.1\r\n\r\n"), 400);
        assert_eq!(refused("POST / HTTP/1.1\r\n\r\n"), 411);
        assert_eq!(
            refused("POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n"),
            400
        );
        assert_eq!(
            refused("POST / HTTP/1.1\r\nContent-Length: 1, 1\r\n\r\n"),
            400
        );
        assert_eq!(
            refused("POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n"),
            400
        );
        assert_eq!(
            refused("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"),
            411
        );
        assert_eq!(
            refused("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n"),
            400
        );
        assert_eq!(refused("GET / HTTP/1.1\r\nno colon\r\n\r\n"), 400);
        assert_eq!(refused("GET / HTTP/1.1\r\nBad Name: x\r\n\r\n"), 400);
        assert_eq!(refused("GET / HTTP/1.1\r\nA: b\r\n folded\r\n\r\n"), 400);
        assert_eq!(refused("GET / HTTP/1.1\r\nExpect: nothing\r\n\r\n"), 400);
    }

    #[test]
    fn a_huge_content_length_is_kept_for_the_size_check() {
        let head = parse("POST / HTTP/1.1\r\nContent-Length: 99999999999999999999999\r\n\r\n");
        assert_eq!(head.unwrap().content_length, Some(usize::MAX));
    }

    #[test]
    fn finds_the_end_of_the_head() {
        assert_eq!(head_end(b"GET / HTTP/1.1\r\n\r\nbody"), Some(18));
        assert_eq!(head_end(b"GET / HTTP/1.1\n\nbody"), Some(16));
        assert_eq!(head_end(b"GET / HTTP/1.1\r\nHost: x\r\n"), None);
        assert_eq!(head_end(b"\r\n"), Some(2));
    }
}
