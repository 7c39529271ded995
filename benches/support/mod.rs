//! Set-up shared by the benchmarks: the test PKI served by the project's own responder, engines
//! configured as the tests configure them, the JDK client's status request, and real signed
//! responses fetched over HTTP from that responder. Nothing here is timed.
#![allow(dead_code)] // each bench binary uses a different part

use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant, SystemTime};

use staplekit::internal::encode_request;
use staplekit::internal::{HttpSettings, OcspHttpClient};
use staplekit::tls::{ClientStatusRequest, TlsVersion};
use staplekit::{verify_response, CertIdentity, Expected, VerifiedResponse, VerifyPolicy};
use staplekit::{Chain, StaplingEngine, Status};
use staplekit_testkit::openssl::run_bounded;
use staplekit_testkit::pki::TestPki;
use staplekit_testkit::responder::{Authority, CertState, OcspResponder};

// The integration tests' fixtures (the JDK's bytes, the served test PKI, engines from overrides):
// the benchmarks measure with exactly what the tests check.
#[allow(unused_imports)] // each bench binary uses a different part
pub use staplekit_testkit::fixtures::{engine, OwnPki, JDK_STATUS_REQUEST, JDK_STATUS_REQUEST_V2};

/// The largest response the benchmarks accept (the engine's default is larger still).
pub const MAX_RESPONSE_BYTES: usize = 1 << 20;

const WAIT: Duration = Duration::from_secs(20);

/// What a JDK client's ClientHello says about status: TLS 1.2 sends both extensions (the server
/// picks `status_request_v2` / `ocsp_multi`); TLS 1.3 sends `status_request` only.
pub fn jdk_hello(version: TlsVersion) -> ClientStatusRequest<'static> {
    let tls13 = version >= TlsVersion::Tls13;
    ClientStatusRequest {
        status_request: Some(&JDK_STATUS_REQUEST[..]),
        status_request_v2: (!tls13).then_some(&JDK_STATUS_REQUEST_V2[..]),
        version,
        resumed: false,
    }
}

/// Registers `chain` and waits until the engine holds a response for every certificate it keeps
/// stapled (the leaf and the intermediate; never the root).
pub fn register_and_wait(engine: &StaplingEngine, chain: &Chain) {
    engine.register(chain, None);
    let deadline = Instant::now() + WAIT;
    loop {
        let certs = engine.stats().certificates;
        if !certs.is_empty() && certs.iter().all(|c| c.status == Some(Status::Good)) {
            return;
        }
        assert!(Instant::now() < deadline, "registered responses never came");
        thread::sleep(Duration::from_millis(20));
    }
}

/// Asks `responder_url` about `id` over HTTP and returns the DER answer.
pub fn fetch_der(responder_url: &str, id: &CertIdentity) -> Vec<u8> {
    let client = OcspHttpClient::new(HttpSettings {
        connect_timeout: Duration::from_secs(5),
        read_timeout: Duration::from_secs(5),
        use_get: false,
        max_response_bytes: MAX_RESPONSE_BYTES,
    })
    .expect("HTTP client");
    let url = url::Url::parse(responder_url).expect("responder URL");
    client
        .send(&url, &encode_request(id, &[]))
        .expect("the responder answers")
}

/// A real response with what verifying it takes.
pub struct SignedResponse {
    /// What the benchmark measures it by, e.g. `ecdsa-p256-delegated`.
    pub name: &'static str,
    pub der: Vec<u8>,
    pub id: CertIdentity,
    pub issuer_der: Vec<u8>,
}

impl SignedResponse {
    /// Verifies it now, as the engine does after a fetch.
    pub fn verify(&self) -> VerifiedResponse {
        verify_response(
            &self.der,
            &Expected {
                id: &self.id,
                issuer_der: &self.issuer_der,
                nonce: None,
            },
            &policy(SystemTime::now()),
        )
        .unwrap_or_else(|e| panic!("{}: {e}", self.name))
    }
}

/// The engine's verification limits at `now` (clock skew as the engine's default).
pub fn policy(now: SystemTime) -> VerifyPolicy {
    VerifyPolicy {
        now,
        clock_skew: Duration::from_secs(300),
        max_response_bytes: MAX_RESPONSE_BYTES,
    }
}

/// The leaf's response as the test PKI's responder signs it: ECDSA P-256 by a delegated signer
/// whose certificate the response carries (so verifying checks two signatures).
pub fn ecdsa_delegated(fx: &OwnPki) -> SignedResponse {
    let issuer_der = fx.pki.intermediate.cert().der.clone();
    let id = CertIdentity::from_certificates(&fx.pki.leaf.der, &issuer_der).expect("CertID");
    SignedResponse {
        name: "ecdsa-p256-delegated",
        der: fetch_der(&fx.responder.url(), &id),
        id,
        issuer_der,
    }
}

/// The leaf's response signed by the intermediate itself (ECDSA P-256, no certificate in it).
pub fn ecdsa_by_issuer(pki: &TestPki) -> SignedResponse {
    let issuer = pki.intermediate.cert();
    let responder = OcspResponder::bind("127.0.0.1:0").expect("bind the responder");
    responder
        .add_authority(Authority {
            issuer_der: issuer.der.clone(),
            signer_cert_der: issuer.der.clone(),
            signer_key_pkcs8: issuer.key_pkcs8_der.clone(),
            include_signer_cert: false,
        })
        .expect("the intermediate signs its own responses");
    responder.set_status(&pki.leaf.serial, CertState::Good);
    let id = CertIdentity::from_certificates(&pki.leaf.der, &issuer.der).expect("CertID");
    SignedResponse {
        name: "ecdsa-p256-issuer",
        der: fetch_der(&responder.url(), &id),
        id,
        issuer_der: issuer.der.clone(),
    }
}

/// A response signed by an RSA 2048 CA itself (SHA-256 with RSA), the most common kind on the
/// web. The testkit generates no RSA keys (ring cannot), so `openssl` makes the CA.
pub fn rsa_by_issuer() -> SignedResponse {
    let dir = tempfile::tempdir().expect("temp dir");
    let (issuer_der, key_pkcs8) = openssl_rsa_ca(dir.path());
    let responder = OcspResponder::bind("127.0.0.1:0").expect("bind the responder");
    responder
        .add_authority(Authority {
            issuer_der: issuer_der.clone(),
            signer_cert_der: issuer_der.clone(),
            signer_key_pkcs8: key_pkcs8,
            include_signer_cert: false,
        })
        .expect("the RSA CA signs its own responses");
    let serial = [0x4B, 0x1D, 0x2C, 0x3E, 0x55, 0x66, 0x77, 0x08];
    responder.set_status(&serial, CertState::Good);
    let (_, ca) = x509_parser::parse_x509_certificate(&issuer_der).expect("RSA CA parses");
    let id = CertIdentity::new(
        ca.subject().as_raw(),
        &ca.public_key().subject_public_key.data,
        &serial,
    );
    SignedResponse {
        name: "rsa-2048-issuer",
        der: fetch_der(&responder.url(), &id),
        id,
        issuer_der,
    }
}

/// A self-signed RSA 2048 CA: its DER certificate and PKCS#8 DER key.
fn openssl_rsa_ca(dir: &Path) -> (Vec<u8>, Vec<u8>) {
    let path = |name: &str| dir.join(name).to_str().expect("UTF-8 temp path").to_owned();
    let (key_pem, key_der, cert_der) =
        (path("rsa-key.pem"), path("rsa-key.der"), path("rsa-ca.der"));
    let run = |args: &[&str]| {
        let output = run_bounded(Command::new("openssl").args(args), Duration::from_secs(60))
            .expect("openssl runs");
        assert!(
            output.status.success(),
            "openssl {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    };
    let genpkey = [
        "genpkey",
        "-algorithm",
        "RSA",
        "-pkeyopt",
        "rsa_keygen_bits:2048",
    ];
    run(&[&genpkey[..], &["-out", &key_pem]].concat());
    // ring reads PKCS#8 only; `genpkey -outform DER` would write PKCS#1.
    run(&[
        "pkcs8", "-topk8", "-nocrypt", "-in", &key_pem, "-outform", "DER", "-out", &key_der,
    ]);
    run(&[
        "req",
        "-x509",
        "-new",
        "-key",
        &key_pem,
        "-subj",
        "/CN=staplekit bench RSA CA",
        "-days",
        "2",
        "-outform",
        "DER",
        "-out",
        &cert_der,
    ]);
    (
        std::fs::read(&cert_der).expect("read the RSA CA"),
        std::fs::read(&key_der).expect("read the RSA key"),
    )
}

/// `n` distinct CertIDs under one issuer, with 16-byte serials as CAs give them (a splitmix64
/// sequence, so runs are repeatable).
pub fn cert_ids(
    n: usize,
    issuer_name_hash: [u8; 20],
    issuer_key_hash: [u8; 20],
) -> Vec<CertIdentity> {
    let mut state = 0x5EED_u64;
    (0..n)
        .map(|_| {
            let mut serial = Vec::with_capacity(16);
            serial.extend_from_slice(&splitmix64(&mut state).to_be_bytes());
            serial.extend_from_slice(&splitmix64(&mut state).to_be_bytes());
            serial[0] &= 0x7F; // positive, as DER INTEGER contents
            CertIdentity {
                issuer_name_hash,
                issuer_key_hash,
                serial,
            }
        })
        .collect()
}

/// A permutation of `0..n`, repeatable: the order in which look-ups visit entries, so that they
/// do not walk memory in insertion order.
pub fn shuffled(n: usize) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    let mut state = 0xC0FFEE_u64;
    for i in (1..n).rev() {
        let j = (splitmix64(&mut state) % (i as u64 + 1)) as usize;
        order.swap(i, j);
    }
    order
}

fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A copy of `response` with its own DER bytes, as a separately fetched response would have.
pub fn own_copy(response: &VerifiedResponse) -> Arc<VerifiedResponse> {
    Arc::new(VerifiedResponse {
        der: Arc::from(&response.der[..]),
        ..response.clone()
    })
}
