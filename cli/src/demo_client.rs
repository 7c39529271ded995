//! The demo's TLS client: rustls (ring) trusting one root, asking for the leaf's OCSP response
//! (rustls clients always send `status_request`) and refusing the connection unless the chain
//! verifies AND the stapled response verifies, GOOD, for the leaf.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant, UNIX_EPOCH};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{
    CertificateError, ClientConfig, ClientConnection, DigitallySignedStruct, Error as TlsError,
    RootCertStore, SignatureScheme, StreamOwned, SupportedProtocolVersion,
};
use staplekit::internal::IssuerStore;
use staplekit::Chain;
use staplekit::{verify_response, Expected, Status, VerifiedResponse, VerifyPolicy};

use super::CliError;

/// How long the client waits on any one read or write.
const IO_TIMEOUT: Duration = Duration::from_secs(10);
/// The largest reply read from the server.
const MAX_REPLY: usize = 64 * 1024;

/// What one verified connection showed.
#[derive(Debug)]
pub struct DemoConnection {
    /// `TLSv1.3` or `TLSv1.2`.
    pub version: String,
    /// The negotiated cipher suite.
    pub suite: String,
    /// The leaf's subject.
    pub leaf_subject: String,
    /// The stapled response, as the client verified it.
    pub staple: VerifiedResponse,
    /// The handshake's duration.
    pub handshake: Duration,
    /// The first line of the server's HTTP reply.
    pub reply_status: String,
}

/// How the client checks a stapled response.
#[derive(Debug, Clone, Copy)]
pub struct StapleCheck {
    /// Allowed clock difference for thisUpdate.
    pub clock_skew: Duration,
    /// Largest response accepted.
    pub max_response_bytes: usize,
}

/// Connects to `addr` as `localhost` with exactly `version`, verifies chain and staple, sends
/// `GET /` and reads the reply.
pub fn connect(
    addr: SocketAddr,
    root_der: &[u8],
    version: &'static SupportedProtocolVersion,
    check: StapleCheck,
    provider: Arc<CryptoProvider>,
) -> Result<DemoConnection, CliError> {
    let fail = |what: &str, e: &dyn std::fmt::Display| {
        CliError::Other(format!(
            "demo client ({}): {what}: {e}",
            version_name(version)
        ))
    };
    let mut roots = RootCertStore::empty();
    roots
        .add(CertificateDer::from(root_der.to_vec()))
        .map_err(|e| fail("cannot trust the generated root", &e))?;
    let webpki = WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
        .build()
        .map_err(|e| fail("cannot build the certificate verifier", &e))?;
    let verifier = Arc::new(StapleVerifier {
        webpki,
        check,
        verified: Mutex::new(None),
    });
    let config = ClientConfig::builder_with_provider(provider)
        .with_protocol_versions(&[version])
        .map_err(|e| fail("cannot configure TLS", &e))?
        .dangerous()
        .with_custom_certificate_verifier(verifier.clone())
        .with_no_client_auth();
    let name = ServerName::try_from("localhost").map_err(|e| fail("server name", &e))?;
    let conn = ClientConnection::new(Arc::new(config), name).map_err(|e| fail("TLS setup", &e))?;
    let tcp = TcpStream::connect_timeout(&addr, IO_TIMEOUT)
        .map_err(|e| fail(&format!("cannot connect to {addr}"), &e))?;
    tcp.set_read_timeout(Some(IO_TIMEOUT))
        .and_then(|()| tcp.set_write_timeout(Some(IO_TIMEOUT)))
        .map_err(|e| fail("socket timeouts", &e))?;
    let mut tls = StreamOwned::new(conn, tcp);

    let started = Instant::now();
    while tls.conn.is_handshaking() {
        tls.conn
            .complete_io(&mut tls.sock)
            .map_err(|e| fail("TLS handshake failed", &e))?;
    }
    let handshake = started.elapsed();

    tls.write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .map_err(|e| fail("cannot send the request", &e))?;
    let mut reply = Vec::new();
    (&mut tls)
        .take(MAX_REPLY as u64)
        .read_to_end(&mut reply)
        .map_err(|e| fail("cannot read the reply", &e))?;
    let reply = String::from_utf8_lossy(&reply);
    let reply_status = reply.lines().next().unwrap_or_default().to_owned();
    if !reply_status.starts_with("HTTP/1.1 200") {
        return Err(fail("unexpected reply", &reply_status));
    }

    let (staple, leaf_subject) = verifier
        .verified
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .take()
        .ok_or_else(|| fail("handshake", &"no staple was verified"))?;
    Ok(DemoConnection {
        version: tls
            .conn
            .protocol_version()
            .map_or("unknown".into(), |v| format!("{v:?}").replace('_', ".")),
        suite: tls
            .conn
            .negotiated_cipher_suite()
            .map_or("unknown".into(), |s| {
                s.suite()
                    .as_str()
                    .map_or_else(|| format!("{:?}", s.suite()), str::to_owned)
            }),
        leaf_subject,
        staple,
        handshake,
        reply_status,
    })
}

fn version_name(version: &SupportedProtocolVersion) -> String {
    format!("{:?}", version.version).replace('_', ".")
}

/// webpki's chain verification, then the stapled response's own verification.
#[derive(Debug)]
struct StapleVerifier {
    webpki: Arc<WebPkiServerVerifier>,
    check: StapleCheck,
    /// The verified staple and the leaf's subject, for the report.
    verified: Mutex<Option<(VerifiedResponse, String)>>,
}

impl StapleVerifier {
    fn verify_staple(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<(VerifiedResponse, String), String> {
        if ocsp_response.is_empty() {
            return Err("the server stapled no OCSP response for the leaf".into());
        }
        let presented: Vec<Vec<u8>> = std::iter::once(end_entity)
            .chain(intermediates)
            .map(|c| c.as_ref().to_vec())
            .collect();
        let chain = Chain::parse(presented, &IssuerStore::default())
            .map_err(|e| format!("cannot read the presented chain: {e}"))?;
        let leaf = chain.leaf();
        let (Some(id), Some(issuer_der)) = (&leaf.id, &leaf.issuer_der) else {
            return Err("the server did not send the leaf's issuer".into());
        };
        let policy = VerifyPolicy {
            now: UNIX_EPOCH + Duration::from_secs(now.as_secs()),
            clock_skew: self.check.clock_skew,
            max_response_bytes: self.check.max_response_bytes,
        };
        let expected = Expected {
            id,
            issuer_der,
            nonce: None,
        };
        let response = verify_response(ocsp_response, &expected, &policy)
            .map_err(|e| format!("the stapled OCSP response is invalid: {e}"))?;
        Ok((response, leaf.subject.clone()))
    }
}

impl ServerCertVerifier for StapleVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, TlsError> {
        let verified = self.webpki.verify_server_cert(
            end_entity,
            intermediates,
            server_name,
            ocsp_response,
            now,
        )?;
        let (response, subject) = self
            .verify_staple(end_entity, intermediates, ocsp_response, now)
            .map_err(TlsError::General)?;
        match response.status {
            Status::Good => {}
            Status::Revoked(_) => {
                return Err(TlsError::InvalidCertificate(CertificateError::Revoked))
            }
            Status::Unknown => {
                return Err(TlsError::General(
                    "the stapled OCSP response says the leaf's status is unknown".into(),
                ))
            }
        }
        *self.verified.lock().unwrap_or_else(PoisonError::into_inner) = Some((response, subject));
        Ok(verified)
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, TlsError> {
        self.webpki.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, TlsError> {
        self.webpki.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.webpki.supported_verify_schemes()
    }
}
