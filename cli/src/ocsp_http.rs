//! A tiny HTTP/1.1 client over `std::net` for `staplekit status --responder`: one request per
//! connection to a loopback sidecar, every read bounded in time and size.

use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

use url::Url;

/// Connect, write and each read may take this long.
const TIMEOUT: Duration = Duration::from_secs(5);
/// Largest answer read (headers and body): OCSP responses are a few kilobytes.
const MAX_ANSWER_BYTES: usize = 64 * 1024;

/// An HTTP answer: status code and body.
#[derive(Debug)]
pub struct Answer {
    /// The status code, e.g. 200.
    pub status: u16,
    /// The body.
    pub body: Vec<u8>,
}

/// POSTs an OCSP request to `url`, as nginx and Apache httpd do.
pub fn post_ocsp(url: &Url, request: &[u8]) -> Result<Answer, String> {
    exchange(url, "POST", Some(("application/ocsp-request", request)))
}

/// GETs `url`.
pub fn get(url: &Url) -> Result<Answer, String> {
    exchange(url, "GET", None)
}

fn exchange(url: &Url, method: &str, body: Option<(&str, &[u8])>) -> Result<Answer, String> {
    if url.scheme() != "http" {
        return Err(format!("{url}: only http:// URLs are asked"));
    }
    let host = url.host_str().ok_or_else(|| format!("{url}: no host"))?;
    let port = url.port_or_known_default().unwrap_or(80);
    let addr = (host, port)
        .to_socket_addrs()
        .map_err(|e| format!("{url}: cannot resolve {host}: {e}"))?
        .next()
        .ok_or_else(|| format!("{url}: {host} resolves to no address"))?;
    let fail = |e: std::io::Error| format!("{url}: {e}");
    let mut stream = TcpStream::connect_timeout(&addr, TIMEOUT).map_err(fail)?;
    stream.set_read_timeout(Some(TIMEOUT)).map_err(fail)?;
    stream.set_write_timeout(Some(TIMEOUT)).map_err(fail)?;
    let mut head = format!(
        "{method} {} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n",
        url[url::Position::BeforePath..url::Position::AfterQuery].to_owned(),
        url[url::Position::BeforeHost..url::Position::AfterPort].to_owned(),
    );
    if let Some((content_type, bytes)) = body {
        head.push_str(&format!(
            "Content-Type: {content_type}\r\nContent-Length: {}\r\n",
            bytes.len()
        ));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).map_err(fail)?;
    if let Some((_, bytes)) = body {
        stream.write_all(bytes).map_err(fail)?;
    }
    read_answer(&mut stream).map_err(|e| format!("{url}: {e}"))
}

/// Reads the status line and headers, then Content-Length bytes (or to the end).
fn read_answer(stream: &mut impl Read) -> Result<Answer, String> {
    let mut bytes = Vec::new();
    let mut chunk = [0u8; 4096];
    let header_end = loop {
        if let Some(end) = find(&bytes, b"\r\n\r\n") {
            break end;
        }
        let n = stream
            .read(&mut chunk)
            .map_err(|e| format!("reading the answer: {e}"))?;
        if n == 0 {
            return Err("the connection closed before the answer's headers ended".into());
        }
        bytes.extend_from_slice(&chunk[..n]);
        if bytes.len() > MAX_ANSWER_BYTES {
            return Err(format!("an answer larger than {MAX_ANSWER_BYTES} bytes"));
        }
    };
    let head = String::from_utf8_lossy(&bytes[..header_end]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|line| line.split(' ').nth(1))
        .and_then(|code| code.parse::<u16>().ok())
        .ok_or_else(|| "not an HTTP answer".to_string())?;
    let length = lines
        .filter_map(|line| line.split_once(':'))
        .find(|(name, _)| name.trim().eq_ignore_ascii_case("content-length"))
        .map(|(_, value)| value.trim().parse::<usize>())
        .transpose()
        .map_err(|_| "a Content-Length that is not a number".to_string())?;
    let mut body = bytes.split_off(header_end + 4);
    let limit = length.unwrap_or(MAX_ANSWER_BYTES);
    if limit > MAX_ANSWER_BYTES {
        return Err(format!("an answer larger than {MAX_ANSWER_BYTES} bytes"));
    }
    while body.len() < limit {
        let n = stream
            .read(&mut chunk)
            .map_err(|e| format!("reading the answer: {e}"))?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    if let Some(length) = length {
        if body.len() < length {
            return Err(format!(
                "the connection closed after {} of {length} body bytes",
                body.len()
            ));
        }
        body.truncate(length);
    }
    Ok(Answer { status, body })
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_content_length_bytes_and_no_more() {
        let mut wire: &[u8] = b"HTTP/1.1 200 OK\r\nContent-length: 3\r\n\r\nabcdef";
        let answer = read_answer(&mut wire).unwrap();
        assert_eq!((answer.status, answer.body.as_slice()), (200, &b"abc"[..]));
        let mut short: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nabc";
        assert!(read_answer(&mut short).unwrap_err().contains("3 of 9"));
        let mut junk: &[u8] = b"hello\r\n\r\n";
        assert_eq!(read_answer(&mut junk).unwrap_err(), "not an HTTP answer");
    }
}
