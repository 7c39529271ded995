//! Seeds of the `responder_request` target: what OCSP clients send (the JDK's GET with its
//! percent-encoded base64, a POST as OpenSSL and Apache send it, kept-alive and pipelined), the
//! statistics page, and the refusals (other methods, chunked bodies, sizes, versions).

use base64::Engine as _;
use staplekit::internal::encode_request;
use staplekit::CertIdentity;
use staplekit_fuzz::responder_input::held_id;

use super::corpus::Corpus;
use super::Error;

/// Writes the seeds.
pub fn write_seeds(corpus: &mut Corpus) -> Result<(), Error> {
    let held = encode_request(&held_id(), &[]);
    let other = encode_request(&CertIdentity::new(b"n", b"k", &[0x7f]), &[]);
    let encoded = base64::engine::general_purpose::STANDARD.encode(&held);
    let jdk_path = encoded
        .replace('+', "%2B")
        .replace('/', "%2F")
        .replace('=', "%3D");
    let post = |der: &[u8], extra: &str| {
        let mut bytes = format!(
            "POST / HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nContent-Type: application/ocsp-request\r\n\
             Content-Length: {}\r\n{extra}\r\n",
            der.len()
        )
        .into_bytes();
        bytes.extend_from_slice(der);
        bytes
    };
    let get = format!("GET /{jdk_path} HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n");
    let seeds: Vec<(&str, Vec<u8>)> = vec![
        ("post-held", post(&held, "")),
        ("post-unknown", post(&other, "Connection: close\r\n")),
        ("post-expect", post(&held, "Expect: 100-continue\r\n")),
        ("post-garbage", post(b"garbage", "")),
        ("get-jdk", get.clone().into_bytes()),
        (
            "get-plain-1.0",
            format!("GET /ocsp/{encoded} HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").into_bytes(),
        ),
        (
            "get-absolute",
            format!("GET http://127.0.0.1:8080/{jdk_path} HTTP/1.1\n\n").into_bytes(),
        ),
        ("pipelined", format!("{get}{get}").into_bytes()),
        (
            "stats",
            b"GET /.staplekit/stats HTTP/1.1\r\nHost: x\r\n\r\n".to_vec(),
        ),
        (
            "put",
            b"PUT / HTTP/1.1\r\nContent-Length: 0\r\n\r\n".to_vec(),
        ),
        (
            "chunked",
            b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"
                .to_vec(),
        ),
        (
            "too-large",
            b"POST / HTTP/1.1\r\nContent-Length: 4096\r\n\r\n".to_vec(),
        ),
        ("http2", b"GET / HTTP/2.0\r\n\r\n".to_vec()),
        ("truncated", post(&held, "")[..60].to_vec()),
    ];
    for (name, bytes) in &seeds {
        corpus.add("responder_request", name, bytes)?;
    }
    Ok(())
}
