//! The bytes of an answer: status line, headers and body, written in one piece.
//!
//! A held response goes out byte for byte as stapled, with RFC 5019 section 6's caching headers
//! (`Last-Modified` thisUpdate, `Expires` the end of its validity, `Cache-Control: max-age=...,
//! public, no-transform, must-revalidate`), so an HTTP cache in front may keep it exactly as long
//! as the engine would staple it. OCSP error answers and the statistics are never cached.

use std::fmt::Write as _;
use std::time::{Duration, SystemTime};

use super::answer::Answer;
use super::http_head::HttpError;
use crate::ocsp::response::civil_from_days;
use crate::stats::ResponderStats;

/// RFC 6960 appendix A.2.
pub(crate) const OCSP_RESPONSE_TYPE: &str = "application/ocsp-response";

/// OCSPResponseStatus `malformedRequest`.
pub(crate) const MALFORMED_REQUEST: u8 = 1;
/// OCSPResponseStatus `unauthorized`.
pub(crate) const UNAUTHORIZED: u8 = 6;

/// An OCSPResponse carrying only a non-successful status: `SEQUENCE { ENUMERATED status }`.
pub(crate) fn status_only_response(status: u8) -> [u8; 5] {
    [0x30, 0x03, 0x0a, 0x01, status]
}

/// Encodes `answer`. `keep_alive`: the connection stays open after it (never after a refusal).
pub(crate) fn encode(
    answer: &Answer,
    keep_alive: bool,
    now: SystemTime,
    stats: impl FnOnce() -> ResponderStats,
) -> Vec<u8> {
    match answer {
        Answer::Held(servable) => {
            let max_age = servable
                .until
                .duration_since(now)
                .unwrap_or(Duration::ZERO)
                .as_secs();
            let headers = format!(
                "Last-Modified: {}\r\nExpires: {}\r\nCache-Control: max-age={max_age}, public, \
                 no-transform, must-revalidate\r\n",
                http_date(servable.this_update),
                http_date(servable.until),
            );
            message(
                200,
                "OK",
                OCSP_RESPONSE_TYPE,
                &headers,
                keep_alive,
                now,
                &servable.der,
            )
        }
        Answer::Unauthorized(_) => ocsp_status(UNAUTHORIZED, keep_alive, now),
        Answer::MalformedRequest(_) => ocsp_status(MALFORMED_REQUEST, keep_alive, now),
        Answer::Stats => {
            let stats = stats();
            let body = format!(
                "answered {}\nunauthorized {}\nmalformed {}\ndropped_connections {}\n",
                stats.answered, stats.unauthorized, stats.malformed, stats.dropped_connections
            );
            message(
                200,
                "OK",
                "text/plain; charset=utf-8",
                "Cache-Control: no-store\r\n",
                keep_alive,
                now,
                body.as_bytes(),
            )
        }
        Answer::Refused(error) => refusal(*error, now),
    }
}

/// An HTTP error answer; the connection closes after it.
pub(crate) fn refusal(error: HttpError, now: SystemTime) -> Vec<u8> {
    let allow = if error == HttpError::MethodNotAllowed {
        "Allow: GET, POST\r\n"
    } else {
        ""
    };
    let body = format!("{} {}: {error}\n", error.status(), error.reason());
    message(
        error.status(),
        error.reason(),
        "text/plain; charset=utf-8",
        allow,
        false,
        now,
        body.as_bytes(),
    )
}

fn ocsp_status(status: u8, keep_alive: bool, now: SystemTime) -> Vec<u8> {
    message(
        200,
        "OK",
        OCSP_RESPONSE_TYPE,
        // An unauthorized now may be a held response a moment later: never kept by a cache.
        "Cache-Control: no-store\r\n",
        keep_alive,
        now,
        &status_only_response(status),
    )
}

fn message(
    status: u16,
    reason: &str,
    content_type: &str,
    extra_headers: &str,
    keep_alive: bool,
    now: SystemTime,
    body: &[u8],
) -> Vec<u8> {
    let mut head = String::with_capacity(256);
    // Writing to a String cannot fail.
    let _ = write!(
        head,
        "HTTP/1.1 {status} {reason}\r\nDate: {}\r\nContent-Type: {content_type}\r\n\
         Content-Length: {}\r\n{extra_headers}Connection: {}\r\n\r\n",
        http_date(now),
        body.len(),
        if keep_alive { "keep-alive" } else { "close" },
    );
    let mut out = head.into_bytes();
    out.extend_from_slice(body);
    out
}

/// RFC 9110 section 5.6.7 IMF-fixdate: `Sun, 06 Nov 1994 08:49:37 GMT`.
pub(crate) fn http_date(time: SystemTime) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let secs = time
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap_or(Duration::ZERO)
        .as_secs();
    let (days, rem) = (secs / 86_400, secs % 86_400);
    let (year, month, day) = civil_from_days(days as i64);
    format!(
        "{}, {day:02} {} {year:04} {:02}:{:02}:{:02} GMT",
        DAYS[(days % 7) as usize],
        MONTHS[(month as usize).saturating_sub(1) % 12],
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::engine::Servable;

    #[test]
    fn formats_http_dates() {
        let t = SystemTime::UNIX_EPOCH + Duration::from_secs(784_111_777);
        assert_eq!(http_date(t), "Sun, 06 Nov 1994 08:49:37 GMT");
        assert_eq!(
            http_date(SystemTime::UNIX_EPOCH),
            "Thu, 01 Jan 1970 00:00:00 GMT"
        );
        let leap = SystemTime::UNIX_EPOCH + Duration::from_secs(951_782_400);
        assert_eq!(http_date(leap), "Tue, 29 Feb 2000 00:00:00 GMT");
    }

    #[test]
    fn a_held_response_goes_out_whole_with_caching_headers() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(784_111_777);
        let answer = Answer::Held(Servable {
            der: Arc::from(&[0x30, 0x01, 0x02][..]),
            this_update: now - Duration::from_secs(60),
            until: now + Duration::from_secs(3600),
        });
        let bytes = encode(&answer, true, now, ResponderStats::default);
        let text = String::from_utf8_lossy(&bytes);
        assert!(text.starts_with("HTTP/1.1 200 OK\r\n"), "{text}");
        assert!(text.contains("\r\nContent-Type: application/ocsp-response\r\n"));
        assert!(text.contains("\r\nContent-Length: 3\r\n"));
        assert!(text.contains("\r\nLast-Modified: Sun, 06 Nov 1994 08:48:37 GMT\r\n"));
        assert!(text.contains("\r\nExpires: Sun, 06 Nov 1994 09:49:37 GMT\r\n"));
        assert!(text.contains(
            "\r\nCache-Control: max-age=3600, public, no-transform, must-revalidate\r\n"
        ));
        assert!(text.contains("\r\nConnection: keep-alive\r\n"));
        assert!(bytes.ends_with(b"\r\n\r\n\x30\x01\x02"));
    }

    #[test]
    fn refusals_close_and_name_the_problem() {
        let bytes = refusal(HttpError::MethodNotAllowed, SystemTime::UNIX_EPOCH);
        let text = String::from_utf8(bytes).unwrap();
        assert!(
            text.starts_with("HTTP/1.1 405 Method Not Allowed\r\n"),
            "{text}"
        );
        assert!(text.contains("\r\nAllow: GET, POST\r\n"));
        assert!(text.contains("\r\nConnection: close\r\n"));
        assert!(text.ends_with("405 Method Not Allowed: method not allowed (only GET and POST)\n"));
    }

    #[test]
    fn the_statistics_are_lines_of_name_and_count() {
        let stats = ResponderStats {
            answered: 3,
            unauthorized: 2,
            malformed: 1,
            dropped_connections: 0,
        };
        let bytes = encode(&Answer::Stats, false, SystemTime::UNIX_EPOCH, || stats);
        let text = String::from_utf8(bytes).unwrap();
        assert!(text
            .ends_with("\r\n\r\nanswered 3\nunauthorized 2\nmalformed 1\ndropped_connections 0\n"));
    }
}
