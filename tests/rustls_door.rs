//! The rustls door through its public API alone: `staplekit::rustls::StaplingResolver` around a
//! plain resolver, the test kit's responder, and rustls on both ends of an in-memory connection.
//! Needs the `rustls` feature: `cargo test -p staplekit --features rustls --test rustls_door`.
#![cfg(feature = "rustls")]

use std::sync::{Arc, Mutex, PoisonError};
use std::thread;
use std::time::{Duration, Instant, SystemTime};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{verify_tls12_signature, verify_tls13_signature, CryptoProvider};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName, UnixTime};
use rustls::server::{ClientHello, ResolvesServerCert};
use rustls::sign::{CertifiedKey, SingleCertAndKey};
use rustls::{
    ClientConfig, ClientConnection, DigitallySignedStruct, Error as TlsError, ServerConfig,
    ServerConnection, SignatureScheme, SupportedProtocolVersion,
};
use staplekit::rustls::StaplingResolver;
use staplekit::{verify_response, Expected, Status, VerifyPolicy};
use staplekit::{Chain, StaplingEngine};
use staplekit_testkit::fixtures::{engine, OwnPki};
use staplekit_testkit::responder::Fault;

/// The TLS record type and handshake message types read from a TLS 1.2 server's first flight.
const HANDSHAKE_RECORD: u8 = 22;
const CERTIFICATE: u8 = 11;
const CERTIFICATE_STATUS: u8 = 22;
/// The `status_request` extension.
const STATUS_REQUEST: u16 = 5;

const VERSIONS: [(&str, &SupportedProtocolVersion); 2] = [
    ("TLS 1.2", &rustls::version::TLS12),
    ("TLS 1.3", &rustls::version::TLS13),
];

#[test]
fn staples_the_leaf_response_the_responder_signed_with_tls12_and_tls13() {
    let fx = OwnPki::start();
    let engine = Arc::new(engine(&[]));
    let chain = fx.leaf_chain(&engine);
    let key = certified_key(&fx.pki.leaf_chain_der(), &fx.pki.leaf.key_pkcs8_der);
    let plain: Arc<dyn ResolvesServerCert> = Arc::new(SingleCertAndKey::from(key.clone()));
    let door = StaplingResolver::new(plain, engine.clone());
    door.register(&key, None).expect("the chain parses");
    let held = wait_for_leaf_response(&engine, &chain);
    let door = Arc::new(Recording::new(Arc::new(door)));

    for (name, version) in VERSIONS {
        let stapled = handshake(door.clone(), version).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(
            stapled.as_deref(),
            Some(&held[..]),
            "{name}: the client got the leaf's response the engine fetched"
        );
        let response = verify_leaf(&chain, &held);
        assert_eq!(response.status, Status::Good, "{name}");
    }
    assert!(
        fx.responder
            .recent_requests()
            .iter()
            .any(|r| r.serials.contains(&fx.pki.leaf.serial)),
        "the responder was asked about the leaf"
    );
    let given = door.given();
    assert_eq!(given.len(), 2);
    assert!(
        Arc::ptr_eq(&given[0], &given[1]),
        "the same CertifiedKey serves every handshake while the response is unchanged"
    );
}

#[test]
fn staples_the_revoked_leaf_its_own_response() {
    let fx = OwnPki::start();
    let engine = Arc::new(engine(&[]));
    let chain = engine
        .parse_chain(fx.pki.revoked_chain_der())
        .expect("chain parses");
    let key = certified_key(
        &fx.pki.revoked_chain_der(),
        &fx.pki.revoked_leaf.key_pkcs8_der,
    );
    let door = StaplingResolver::with_single_cert(engine.clone(), key, None).expect("parses");
    let held = wait_for_leaf_response(&engine, &chain);

    let stapled = handshake(Arc::new(door), &rustls::version::TLS13).expect("handshake");
    assert_eq!(stapled.as_deref(), Some(&held[..]));
    assert!(matches!(
        verify_leaf(&chain, &held).status,
        Status::Revoked(_)
    ));
}

#[test]
fn a_tls12_client_without_status_request_gets_no_response() {
    let fx = OwnPki::start();
    let engine = Arc::new(engine(&[]));
    let chain = fx.leaf_chain(&engine);
    let key = certified_key(&fx.pki.leaf_chain_der(), &fx.pki.leaf.key_pkcs8_der);
    let door =
        Arc::new(StaplingResolver::with_single_cert(engine.clone(), key, None).expect("parses"));
    let held = wait_for_leaf_response(&engine, &chain);

    // rustls clients always send status_request: take a real ClientHello, then the same one
    // without the extension, and read the server's plaintext TLS 1.2 flight.
    let hello = client_hello(&rustls::version::TLS12);
    let without = remove_extension(&hello, STATUS_REQUEST);
    assert!(
        without.len() < hello.len(),
        "status_request was in the hello"
    );

    let asked = server_flight(door.clone(), &hello);
    assert!(asked.iter().any(|(kind, _)| *kind == CERTIFICATE));
    let status = asked
        .iter()
        .find(|(kind, _)| *kind == CERTIFICATE_STATUS)
        .expect("a client that asked gets a CertificateStatus");
    // CertificateStatus: status_type ocsp (1), then the response with a 24-bit length.
    assert_eq!(status.1[0], 1);
    assert_eq!(&status.1[4..], &held[..]);

    let not_asked = server_flight(door, &without);
    assert!(
        not_asked.iter().any(|(kind, _)| *kind == CERTIFICATE),
        "the handshake went on: {:?}",
        kinds(&not_asked)
    );
    assert!(
        !not_asked
            .iter()
            .any(|(kind, _)| *kind == CERTIFICATE_STATUS),
        "no CertificateStatus without status_request: {:?}",
        kinds(&not_asked)
    );
}

#[test]
fn before_the_first_fetch_completes_handshakes_do_not_wait_and_staple_nothing() {
    let fx = OwnPki::start();
    fx.responder
        .set_fault(Fault::Delay(Duration::from_secs(3)))
        .expect("delay the responder");
    let engine = Arc::new(engine(&[]));
    let chain = fx.leaf_chain(&engine);
    let key = certified_key(&fx.pki.leaf_chain_der(), &fx.pki.leaf.key_pkcs8_der);
    let plain: Arc<dyn ResolvesServerCert> = Arc::new(SingleCertAndKey::from(key));
    // Not registered ahead: the first handshake registers the chain itself.
    let door = Arc::new(StaplingResolver::new(plain, engine.clone()));

    let started = Instant::now();
    for (name, version) in VERSIONS {
        let stapled = handshake(door.clone(), version).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(stapled, None, "{name}: nothing is held yet");
    }
    let took = started.elapsed();
    assert!(
        took < Duration::from_millis(1500),
        "two handshakes took {took:?}: they waited for the responder (delayed 3 s)"
    );
    // The first handshake registered the chain: the delayed fetch lands and is stapled.
    let held = wait_for_leaf_response(&engine, &chain);
    let stapled = handshake(door, &rustls::version::TLS13).expect("handshake");
    assert_eq!(stapled.as_deref(), Some(&held[..]));
}

#[test]
fn stapling_turned_off_passes_the_inner_key_through_and_registers_nothing() {
    let fx = OwnPki::start();
    let engine = Arc::new(engine(&[(
        "jdk.tls.server.enableStatusRequestExtension",
        "false",
    )]));
    let key = certified_key(&fx.pki.leaf_chain_der(), &fx.pki.leaf.key_pkcs8_der);
    let door = StaplingResolver::with_single_cert(engine.clone(), key, None).expect("parses");
    assert!(!door.stapling_enabled());
    let stapled = handshake(Arc::new(door), &rustls::version::TLS13).expect("handshake");
    assert_eq!(stapled, None);
    assert!(engine.stats().certificates.is_empty(), "nothing registered");
}

#[test]
fn a_chain_the_engine_cannot_parse_is_an_error_naming_why() {
    let fx = OwnPki::start();
    let engine = Arc::new(engine(&[]));
    let mut der = fx.pki.leaf_chain_der();
    der[0] = b"not a certificate".to_vec();
    let key = certified_key(&der, &fx.pki.leaf.key_pkcs8_der);
    let error = StaplingResolver::with_single_cert(engine, key, None).expect_err("garbage leaf");
    assert!(!error.to_string().is_empty());
}

/// The chain and a PKCS#8 key as rustls serves them (ring).
fn certified_key(chain: &[Vec<u8>], pkcs8: &[u8]) -> Arc<CertifiedKey> {
    let key = provider()
        .key_provider
        .load_private_key(PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(
            pkcs8.to_vec(),
        )))
        .expect("the test key loads");
    let certs = chain.iter().cloned().map(CertificateDer::from).collect();
    Arc::new(CertifiedKey::new(certs, key))
}

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// Polls the engine (generously) until it holds the leaf's response.
fn wait_for_leaf_response(engine: &StaplingEngine, chain: &Chain) -> Arc<[u8]> {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(held) = engine.leaf_response(chain) {
            return held;
        }
        assert!(
            Instant::now() < deadline,
            "the engine never fetched the leaf's response"
        );
        thread::sleep(Duration::from_millis(20));
    }
}

fn verify_leaf(chain: &Chain, der: &[u8]) -> staplekit::VerifiedResponse {
    let leaf = chain.leaf();
    let expected = Expected {
        id: leaf.id.as_ref().expect("the leaf's CertID"),
        issuer_der: leaf.issuer_der.as_deref().expect("the leaf's issuer"),
        nonce: None,
    };
    let policy = VerifyPolicy {
        now: SystemTime::now(),
        clock_skew: Duration::from_secs(60),
        max_response_bytes: 64 * 1024,
    };
    verify_response(der, &expected, &policy).expect("the stapled response verifies")
}

fn server_config(
    resolver: Arc<dyn ResolvesServerCert>,
    version: &'static SupportedProtocolVersion,
) -> Arc<ServerConfig> {
    let config = ServerConfig::builder_with_provider(provider())
        .with_protocol_versions(&[version])
        .expect("version")
        .with_no_client_auth()
        .with_cert_resolver(resolver);
    Arc::new(config)
}

fn client(version: &'static SupportedProtocolVersion) -> (ClientConnection, Arc<Captured>) {
    let captured = Arc::new(Captured::default());
    let config = ClientConfig::builder_with_provider(provider())
        .with_protocol_versions(&[version])
        .expect("version")
        .dangerous()
        .with_custom_certificate_verifier(captured.clone())
        .with_no_client_auth();
    let name = ServerName::try_from("localhost").expect("name");
    let conn = ClientConnection::new(Arc::new(config), name).expect("client");
    (conn, captured)
}

/// A full handshake over memory; the OCSP response the client received, if any.
fn handshake(
    resolver: Arc<dyn ResolvesServerCert>,
    version: &'static SupportedProtocolVersion,
) -> Result<Option<Vec<u8>>, TlsError> {
    let (mut client, captured) = client(version);
    let mut server = ServerConnection::new(server_config(resolver, version))?;
    let mut buf = Vec::new();
    for _ in 0..20 {
        if !client.is_handshaking() && !server.is_handshaking() {
            let ocsp = captured.ocsp();
            assert!(ocsp.is_some(), "the client verified the certificate");
            let ocsp = ocsp.filter(|o| !o.is_empty());
            assert_eq!(client.protocol_version(), Some(version.version));
            return Ok(ocsp);
        }
        buf.clear();
        client.write_tls(&mut buf).expect("write to memory");
        server.read_tls(&mut &buf[..]).expect("read from memory");
        server.process_new_packets()?;
        buf.clear();
        server.write_tls(&mut buf).expect("write to memory");
        client.read_tls(&mut &buf[..]).expect("read from memory");
        client.process_new_packets()?;
    }
    panic!("the handshake did not finish");
}

/// The first flight of a rustls client: its ClientHello record.
fn client_hello(version: &'static SupportedProtocolVersion) -> Vec<u8> {
    let (mut client, _) = client(version);
    let mut hello = Vec::new();
    client.write_tls(&mut hello).expect("write to memory");
    hello
}

/// The handshake messages (type, body) of a TLS 1.2 server's plaintext answer to `hello`.
fn server_flight(resolver: Arc<dyn ResolvesServerCert>, hello: &[u8]) -> Vec<(u8, Vec<u8>)> {
    let mut server =
        ServerConnection::new(server_config(resolver, &rustls::version::TLS12)).expect("server");
    server.read_tls(&mut &hello[..]).expect("read from memory");
    server
        .process_new_packets()
        .expect("the server takes the hello");
    let mut out = Vec::new();
    server.write_tls(&mut out).expect("write to memory");

    let mut handshake = Vec::new();
    let mut records = &out[..];
    while records.len() >= 5 && records[0] == HANDSHAKE_RECORD {
        let len = usize::from(u16::from_be_bytes([records[3], records[4]]));
        handshake.extend_from_slice(&records[5..5 + len]);
        records = &records[5 + len..];
    }
    let mut messages = Vec::new();
    let mut rest = &handshake[..];
    while rest.len() >= 4 {
        let len = u24(&rest[1..4]);
        messages.push((rest[0], rest[4..4 + len].to_vec()));
        rest = &rest[4 + len..];
    }
    messages
}

/// `hello` (one record holding one ClientHello) without the extension `kind`, lengths fixed.
fn remove_extension(hello: &[u8], kind: u16) -> Vec<u8> {
    let body = 5 + 4; // record header, handshake header
    let mut at = body + 2 + 32; // legacy_version, random
    at += 1 + usize::from(hello[at]); // session id
    at += 2 + usize::from(u16::from_be_bytes([hello[at], hello[at + 1]])); // cipher suites
    at += 1 + usize::from(hello[at]); // compression methods
    let extensions_at = at;
    let end = at + 2 + usize::from(u16::from_be_bytes([hello[at], hello[at + 1]]));
    at += 2;
    while at < end {
        let this = u16::from_be_bytes([hello[at], hello[at + 1]]);
        let len = 4 + usize::from(u16::from_be_bytes([hello[at + 2], hello[at + 3]]));
        if this == kind {
            let mut out = [&hello[..at], &hello[at + len..]].concat();
            let shrink = |bytes: &mut [u8]| {
                let value = bytes.iter().fold(0usize, |v, b| v << 8 | usize::from(*b)) - len;
                for (i, b) in bytes.iter_mut().rev().enumerate() {
                    *b = (value >> (8 * i)) as u8;
                }
            };
            shrink(&mut out[3..5]);
            shrink(&mut out[6..9]);
            shrink(&mut out[extensions_at..extensions_at + 2]);
            return out;
        }
        at += len;
    }
    hello.to_vec()
}

fn u24(bytes: &[u8]) -> usize {
    usize::from(bytes[0]) << 16 | usize::from(bytes[1]) << 8 | usize::from(bytes[2])
}

fn kinds(messages: &[(u8, Vec<u8>)]) -> Vec<u8> {
    messages.iter().map(|(kind, _)| *kind).collect()
}

/// Wraps a resolver and keeps every `CertifiedKey` it gave.
#[derive(Debug)]
struct Recording {
    inner: Arc<dyn ResolvesServerCert>,
    given: Mutex<Vec<Arc<CertifiedKey>>>,
}

impl Recording {
    fn new(inner: Arc<dyn ResolvesServerCert>) -> Self {
        Self {
            inner,
            given: Mutex::new(Vec::new()),
        }
    }

    fn given(&self) -> Vec<Arc<CertifiedKey>> {
        self.given
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

impl ResolvesServerCert for Recording {
    fn resolve(&self, client_hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        let key = self.inner.resolve(client_hello)?;
        self.given
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(key.clone());
        Some(key)
    }
}

/// A client-side verifier that accepts the test chain and keeps the stapled response (empty
/// when none came), checking handshake signatures for real.
#[derive(Debug, Default)]
struct Captured {
    ocsp: Mutex<Option<Vec<u8>>>,
}

impl Captured {
    fn ocsp(&self) -> Option<Vec<u8>> {
        self.ocsp
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

impl ServerCertVerifier for Captured {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, TlsError> {
        *self.ocsp.lock().unwrap_or_else(PoisonError::into_inner) = Some(ocsp_response.to_vec());
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, TlsError> {
        verify_tls12_signature(
            message,
            cert,
            dss,
            &provider().signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, TlsError> {
        verify_tls13_signature(
            message,
            cert,
            dss,
            &provider().signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        provider()
            .signature_verification_algorithms
            .supported_schemes()
    }
}
