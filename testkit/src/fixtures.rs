//! Fixtures shared by the integration tests, the CLI's tests and the benchmarks: a generated PKI
//! served by OpenSSL's own OCSP responders, or by the project's responder when a test needs
//! faults OpenSSL cannot produce; engines built from `-D`-style overrides; the JDK client's bytes.

use std::thread;
use std::time::{Duration, Instant};

use crate::openssl::{reserve_port, OpensslResponder, ResponderConfig};
use crate::pki::{IndexFiles, PemFiles, TestPki, TestPkiOptions};
use crate::responder::OcspResponder;
use crate::served_pki::serve_test_pki;
use staplekit::ConfigLoader;
use staplekit::{CertificateReport, FetchFailure, Outcome};
use staplekit::{Chain, ClientStatusRequest, Staple, StaplingEngine, TlsVersion};
use staplekit::{Status, VerifiedResponse};
use tempfile::TempDir;

/// The JDK client's `status_request` extension data.
pub const JDK_STATUS_REQUEST: [u8; 5] = [0x01, 0x00, 0x00, 0x00, 0x00];
/// The JDK client's `status_request_v2` extension data (one ocsp_multi item).
pub const JDK_STATUS_REQUEST_V2: [u8; 9] = [0x00, 0x07, 0x02, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00];

/// A JDK client's ClientHello status data: `status_request` when `v1`, `status_request_v2`
/// (ocsp_multi) when `v2`, in `version`, not resumed.
pub fn hello(v1: bool, v2: bool, version: TlsVersion) -> ClientStatusRequest<'static> {
    ClientStatusRequest {
        status_request: v1.then_some(&JDK_STATUS_REQUEST[..]),
        status_request_v2: v2.then_some(&JDK_STATUS_REQUEST_V2[..]),
        version,
        resumed: false,
    }
}

/// `status_request` alone, in TLS 1.2: the leaf's response in an `ocsp` CertificateStatus.
pub fn v1_hello() -> ClientStatusRequest<'static> {
    hello(true, false, TlsVersion::Tls12)
}

/// How long tools wait in `check_chain`.
pub const CHECK_WAIT: Duration = Duration::from_secs(10);

/// Builds an engine from `-D`-style overrides on top of the defaults.
pub fn engine(overrides: &[(&str, &str)]) -> StaplingEngine {
    let loaded = ConfigLoader::new()
        .set_all(
            overrides
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string())),
        )
        .load()
        .expect("test configuration loads");
    assert!(
        loaded.warnings.is_empty(),
        "unexpected warnings: {:?}",
        loaded.warnings
    );
    StaplingEngine::new(loaded.config).expect("engine starts")
}

/// Waits until every certificate `engine` has registered holds a response, at most `within`.
///
/// # Panics
/// If one still holds none then, with the engine's statistics.
pub fn wait_until_all_held(engine: &StaplingEngine, within: Duration) {
    let deadline = Instant::now() + within;
    while engine
        .stats()
        .certificates
        .iter()
        .any(|c| c.status.is_none())
    {
        assert!(Instant::now() < deadline, "{:?}", engine.stats());
        thread::sleep(Duration::from_millis(20));
    }
}

/// A PKI whose root and intermediate each have a running `openssl ocsp` responder (delegated
/// signers, nextUpdate one hour after thisUpdate).
pub struct OpensslPki {
    pub dir: TempDir,
    pub pki: TestPki,
    pub pem: PemFiles,
    pub index: IndexFiles,
    pub root_responder: OpensslResponder,
    pub intermediate_responder: OpensslResponder,
}

impl OpensslPki {
    /// Starts both responders with the standard configuration.
    pub fn start() -> Self {
        Self::start_with(|config, _| config)
    }

    /// Starts both responders, letting the caller adjust the intermediate responder's
    /// configuration (e.g. `-badsig`, another signer).
    pub fn start_with(
        intermediate: impl FnOnce(ResponderConfig, &PemFiles) -> ResponderConfig,
    ) -> Self {
        let root_port = reserve_port().expect("reserve a port for the root responder");
        let intermediate_port =
            reserve_port().expect("reserve a port for the intermediate responder");
        let pki = TestPki::generate(&TestPkiOptions::new(
            Some(&root_port.url()),
            Some(&intermediate_port.url()),
        ))
        .expect("generate the PKI");
        let dir = tempfile::tempdir().expect("temp dir");
        let pem = pki.write_pem_files(dir.path()).expect("write PEM files");
        let index = pki
            .write_index_files(dir.path())
            .expect("write index files");
        let root_responder =
            OpensslResponder::start_on(root_port, &ResponderConfig::root(&pem, &index))
                .expect("start the root's openssl responder");
        let intermediate_responder = OpensslResponder::start_on(
            intermediate_port,
            &intermediate(ResponderConfig::intermediate(&pem, &index), &pem),
        )
        .expect("start the intermediate's openssl responder");
        Self {
            dir,
            pki,
            pem,
            index,
            root_responder,
            intermediate_responder,
        }
    }

    /// The good leaf's chain: leaf, intermediate, root.
    pub fn leaf_chain(&self, engine: &StaplingEngine) -> Chain {
        engine
            .parse_chain(self.pki.leaf_chain_der())
            .expect("chain parses")
    }

    /// Stops both responders (their URLs refuse connections from now on) and keeps the files.
    pub fn stop_responders(self) -> (TempDir, PemFiles) {
        let OpensslPki {
            dir,
            pem,
            root_responder,
            intermediate_responder,
            ..
        } = self;
        root_responder.stop();
        intermediate_responder.stop();
        (dir, pem)
    }
}

/// A PKI served by the project's own responder, which both issuers' AIA URLs name.
pub struct OwnPki {
    pub pki: TestPki,
    pub responder: OcspResponder,
}

impl OwnPki {
    /// Starts the responder; the leaf and the intermediate are GOOD, the revoked leaf REVOKED.
    pub fn start() -> Self {
        let responder = OcspResponder::bind("127.0.0.1:0").expect("bind the responder");
        let url = responder.url();
        let pki = TestPki::generate(&TestPkiOptions::new(Some(&url), Some(&url))).expect("PKI");
        serve_test_pki(&responder, &pki).expect("register the PKI with the responder");
        Self { pki, responder }
    }

    /// The good leaf's chain: leaf, intermediate, root.
    pub fn leaf_chain(&self, engine: &StaplingEngine) -> Chain {
        engine
            .parse_chain(self.pki.leaf_chain_der())
            .expect("chain parses")
    }
}

/// The verified response of a report line, or a panic naming what happened instead.
pub fn verified(report: &CertificateReport) -> &VerifiedResponse {
    match &report.outcome {
        Outcome::Verified(response) => response,
        other => panic!(
            "certificate {} ({}): expected a verified response, got {other:?}",
            report.index, report.subject
        ),
    }
}

/// The failure of a report line, or a panic naming what happened instead.
pub fn failure(report: &CertificateReport) -> &FetchFailure {
    match &report.outcome {
        Outcome::Failed(failure) => failure,
        other => panic!(
            "certificate {} ({}): expected a failure, got {other:?}",
            report.index, report.subject
        ),
    }
}

/// Whether a report line is a verified GOOD.
pub fn is_good(report: &CertificateReport) -> bool {
    matches!(&report.outcome, Outcome::Verified(r) if r.status == Status::Good)
}

/// A staple's responses as owned bytes, one per certificate, leaf first: for comparisons.
pub fn owned_responses(staple: &Staple) -> Vec<Option<Vec<u8>>> {
    staple
        .responses()
        .map(|response| response.map(<[u8]>::to_vec))
        .collect()
}
