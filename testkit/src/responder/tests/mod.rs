//! Tests of the responder against real clients: `openssl ocsp` and raw HTTP over loopback.

mod faults;
mod serving;
mod status;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine;
use der::asn1::OctetString;
use der::oid::db::rfc6960::ID_PKIX_OCSP_NONCE;
use der::{Decode, Encode};
use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose, SignatureAlgorithm,
};
use x509_cert::ext::Extension;
use x509_ocsp::{BasicOcspResponse, OcspRequest, OcspResponse, Request, TbsRequest, Version};
use x509_parser::prelude::{FromDer, X509Certificate};

use super::{Authority, OcspResponder};
use staplekit::CertIdentity;

/// Bound on every client-side wait in these tests.
pub(super) const CLIENT_TIMEOUT: Duration = Duration::from_secs(10);

/// A CA generated for a test.
pub(super) struct Ca {
    pub(super) der: Vec<u8>,
    pub(super) pem: String,
    pub(super) key: KeyPair,
    params: CertificateParams,
}

/// A certificate issued by a [`Ca`], with its key.
pub(super) struct Issued {
    pub(super) der: Vec<u8>,
    pub(super) pem: String,
    pub(super) key: KeyPair,
    /// DER INTEGER contents of the serial number.
    pub(super) serial: Vec<u8>,
}

impl Ca {
    /// An ECDSA P-256 CA.
    pub(super) fn new(name: &str) -> Self {
        Self::with_key(name, fresh_key(&rcgen::PKCS_ECDSA_P256_SHA256))
    }

    pub(super) fn with_key(name: &str, key: KeyPair) -> Self {
        let mut params = CertificateParams::default();
        params.distinguished_name.push(DnType::CommonName, name);
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        let cert = params.self_signed(&key).expect("self-signed CA");
        Self {
            der: cert.der().to_vec(),
            pem: cert.pem(),
            key,
            params,
        }
    }

    /// A leaf certificate, with rcgen's serial (a hash of the key) unless `serial` is given.
    pub(super) fn issue(&self, name: &str, serial: Option<&[u8]>) -> Issued {
        let mut params = CertificateParams::new(vec![format!("{name}.test")]).expect("params");
        params.distinguished_name.push(DnType::CommonName, name);
        params.serial_number = serial.map(|s| s.to_vec().into());
        self.sign(params)
    }

    /// A delegated OCSP signing certificate (id-kp-OCSPSigning).
    pub(super) fn delegated_responder(&self) -> Issued {
        let mut params = CertificateParams::default();
        params
            .distinguished_name
            .push(DnType::CommonName, "delegated OCSP responder");
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::OcspSigning];
        self.sign(params)
    }

    fn sign(&self, params: CertificateParams) -> Issued {
        let key = fresh_key(&rcgen::PKCS_ECDSA_P256_SHA256);
        let issuer = Issuer::from_params(&self.params, &self.key);
        let cert = params.signed_by(&key, &issuer).expect("issued certificate");
        let der = cert.der().to_vec();
        let serial = X509Certificate::from_der(&der)
            .expect("rcgen output parses")
            .1
            .raw_serial()
            .to_vec();
        Issued {
            der,
            pem: cert.pem(),
            key,
            serial,
        }
    }

    /// The CA as an authority signing its own responses.
    pub(super) fn authority(&self) -> Authority {
        Authority {
            issuer_der: self.der.clone(),
            signer_cert_der: self.der.clone(),
            signer_key_pkcs8: self.key.serialize_der(),
            include_signer_cert: false,
        }
    }
}

pub(super) fn fresh_key(alg: &'static SignatureAlgorithm) -> KeyPair {
    KeyPair::generate_for(alg).expect("key generation")
}

/// A responder on a free loopback port, answering for `ca`.
pub(super) fn responder_for(ca: &Ca) -> OcspResponder {
    let responder = OcspResponder::bind("127.0.0.1:0").expect("bind");
    responder.add_authority(ca.authority()).expect("authority");
    responder
}

/// A DER OCSP request for `cert` issued by `issuer`, with a nonce extension if `nonce` is given.
pub(super) fn ocsp_request(certs: &[(&[u8], &[u8])], nonce: Option<&[u8]>) -> Vec<u8> {
    let request_list = certs
        .iter()
        .map(|(cert, issuer)| Request {
            req_cert: CertIdentity::from_certificates(cert, issuer)
                .expect("certificates parse")
                .to_cert_id(),
            single_request_extensions: None,
        })
        .collect();
    let request_extensions = nonce.map(|n| {
        vec![Extension {
            extn_id: ID_PKIX_OCSP_NONCE,
            critical: false,
            // As OpenSSL sends it: the nonce OCTET STRING, DER, inside extnValue.
            extn_value: OctetString::new(
                OctetString::new(n).expect("nonce").to_der().expect("der"),
            )
            .expect("extnValue"),
        }]
    });
    OcspRequest {
        tbs_request: TbsRequest {
            version: Version::V1,
            requestor_name: None,
            request_list,
            request_extensions,
        },
        optional_signature: None,
    }
    .to_der()
    .expect("request encodes")
}

/// An HTTP response as a test client sees it.
#[derive(Debug)]
pub(super) struct HttpReply {
    pub(super) status: u16,
    pub(super) head: String,
    pub(super) body: Vec<u8>,
}

impl HttpReply {
    pub(super) fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().find_map(|l| {
            let (n, v) = l.split_once(':')?;
            n.eq_ignore_ascii_case(name).then(|| v.trim())
        })
    }

    /// The body as an OCSPResponse.
    pub(super) fn ocsp(&self) -> OcspResponse {
        OcspResponse::from_der(&self.body).expect("body is an OCSPResponse")
    }

    /// The body as a successful response's BasicOCSPResponse.
    pub(super) fn basic(&self) -> BasicOcspResponse {
        let bytes = self.ocsp().response_bytes.expect("responseBytes");
        BasicOcspResponse::from_der(bytes.response.as_bytes()).expect("BasicOCSPResponse")
    }
}

/// Sends raw bytes and reads until the server closes.
pub(super) fn exchange(addr: SocketAddr, raw: &[u8]) -> HttpReply {
    let mut stream = TcpStream::connect_timeout(&addr, CLIENT_TIMEOUT).expect("connect");
    stream
        .set_read_timeout(Some(CLIENT_TIMEOUT))
        .expect("timeout");
    stream.write_all(raw).expect("send");
    let mut bytes = Vec::new();
    stream.read_to_end(&mut bytes).expect("read reply");
    parse_reply(&bytes)
}

pub(super) fn parse_reply(bytes: &[u8]) -> HttpReply {
    let split = bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a full HTTP head")
        + 4;
    let head = String::from_utf8(bytes[..split].to_vec()).expect("ASCII head");
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("status code");
    HttpReply {
        status,
        head,
        body: bytes[split..].to_vec(),
    }
}

pub(super) fn post(addr: SocketAddr, der: &[u8]) -> HttpReply {
    let mut raw = format!(
        "POST / HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/ocsp-request\r\n\
         Content-Length: {}\r\n\r\n",
        der.len()
    )
    .into_bytes();
    raw.extend_from_slice(der);
    exchange(addr, &raw)
}

/// GET as RFC 6960 appendix A.1 and the JDK do it: URL-encoded standard base64.
pub(super) fn get(addr: SocketAddr, der: &[u8]) -> HttpReply {
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let encoded = b64
        .replace('%', "%25")
        .replace('+', "%2B")
        .replace('/', "%2F")
        .replace('=', "%3D");
    exchange(
        addr,
        format!("GET /{encoded} HTTP/1.1\r\nHost: {addr}\r\n\r\n").as_bytes(),
    )
}

/// Files for `openssl` in a temporary directory.
pub(super) struct Files {
    dir: tempfile::TempDir,
}

impl Files {
    pub(super) fn new() -> Self {
        Self {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub(super) fn write(&self, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, contents).expect("write temp file");
        path
    }
}

/// What an `openssl` run printed.
#[derive(Debug)]
pub(super) struct Run {
    pub(super) success: bool,
    pub(super) stdout: String,
    pub(super) stderr: String,
}

impl Run {
    pub(super) fn all(&self) -> String {
        format!("{}\n{}", self.stdout, self.stderr)
    }
}

/// Runs `openssl` with `args`, killed if it outlives [`CLIENT_TIMEOUT`].
pub(super) fn openssl(args: &[&str]) -> Run {
    let mut child = Command::new("openssl")
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("openssl runs");
    let deadline = Instant::now() + CLIENT_TIMEOUT;
    while child.try_wait().expect("wait").is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("openssl {args:?} did not finish in {CLIENT_TIMEOUT:?}");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let out = child.wait_with_output().expect("output");
    Run {
        success: out.status.success(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// `openssl ocsp` asking `url` about `certs` (PEM paths) of the issuer at `issuer`, trusting it.
pub(super) fn openssl_query(url: &str, issuer: &Path, certs: &[&Path], extra: &[&str]) -> Run {
    let issuer = issuer.to_str().expect("utf-8 path");
    let mut args = vec![
        "ocsp",
        "-issuer",
        issuer,
        "-CAfile",
        issuer,
        "-url",
        url,
        "-timeout",
        "5",
        "-resp_text",
    ];
    for c in certs {
        args.extend(["-cert", c.to_str().expect("utf-8 path")]);
    }
    args.extend_from_slice(extra);
    openssl(&args)
}
