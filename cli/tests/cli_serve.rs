//! `staplekit serve` as a process, against real TLS clients: OpenSSL's `s_client` (which prints
//! the staple) and GnuTLS's `gnutls-cli` (which verifies it), with OCSP answered by OpenSSL's own
//! responder or the project's.

mod child;
mod serve;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus};
use std::thread;
use std::time::{Duration, Instant};

use child::{run_client, CLIENT_TIMEOUT, HTTP_REQUEST};
use serve::{s_client, wait_for_staple, Serve, BIN};

use staplekit::internal::ResponseDir;
use staplekit_testkit::fixtures;
use staplekit_testkit::fixtures::{OpensslPki, OwnPki};
use staplekit_testkit::openssl::run_bounded;
use staplekit_testkit::pki::{TestPki, TestPkiOptions};
use staplekit_testkit::responder::CertState;

/// How long the first fetches may take before a handshake staples.
const STAPLE_TIMEOUT: Duration = Duration::from_secs(15);

fn gnutls_cli(serve: &Serve, root: &Path, extra: &[&str]) -> (ExitStatus, String) {
    let port = serve.port().to_string();
    let root = root.to_str().expect("UTF-8 temp path");
    let mut args = vec!["--x509cafile", root, "-p", &port];
    args.extend_from_slice(extra);
    args.push("localhost");
    run_client("gnutls-cli", &args, HTTP_REQUEST)
}

/// Runs `staplekit ARGS` to completion (bounded), for commands that must fail at once.
fn staplekit(args: &[&std::ffi::OsStr]) -> std::process::Output {
    run_bounded(Command::new(BIN).args(args), CLIENT_TIMEOUT).expect("staplekit finishes")
}

/// Asserts that a failed run printed exactly one line, `staplekit: ...`, containing each part.
fn assert_one_line_error(output: &std::process::Output, parts: &[&str]) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "stderr: {stderr}");
    assert!(output.stdout.is_empty(), "nothing on stdout");
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "one line: {stderr}");
    assert!(lines[0].starts_with("staplekit: "), "{stderr}");
    for part in parts {
        assert!(lines[0].contains(part), "{part:?} missing from {stderr}");
    }
}

#[test]
fn openssl_s_client_gets_the_good_leaf_staple_with_tls12_and_tls13() {
    let fx = OpensslPki::start();
    let serve = Serve::start(&fx.pem.leaf_chain, &fx.pem.leaf_key, &[]);
    wait_for_staple(&serve, &fx.pem.root, "good", STAPLE_TIMEOUT);
    for (flag, version) in [("-tls1_2", "TLSv1.2"), ("-tls1_3", "TLSv1.3")] {
        let text = s_client(&serve, &fx.pem.root, &["-status", flag]);
        for expected in [
            "OCSP Response Status: successful",
            "Cert Status: good",
            "Responder Id: CN = staplekit test intermediate OCSP signer",
            "Verify return code: 0 (ok)",
            "HTTP/1.1 200 OK",
            &format!("tls version: {version}"),
            "client sent status_request: yes",
            "leaf OCSP response stapled: yes",
            "leaf status: good",
        ] {
            assert!(
                text.contains(expected),
                "{flag}: {expected:?} missing:\n{text}"
            );
        }
    }
    // Without -status the client does not ask, and nothing is stapled.
    let text = s_client(&serve, &fx.pem.root, &["-tls1_3"]);
    assert!(!text.contains("OCSP Response Status"), "{text}");
    assert!(text.contains("client sent status_request: no"), "{text}");
    assert!(
        text.contains("leaf OCSP response stapled: no (the client did not send status_request)"),
        "{text}"
    );
    let log = serve.stderr();
    assert!(
        log.contains("rustls staples the leaf's response only"),
        "startup line: {log}"
    );
    assert!(
        log.contains(
            "certificate 2 (CN=staplekit test root CA): not stapled: self-signed certificate"
        ),
        "{log}"
    );
    // The intermediate's response is fetched in the background too (rustls never sends it).
    let deadline = Instant::now() + STAPLE_TIMEOUT;
    while !serve
        .stderr()
        .contains("OCSP good for CN=staplekit test intermediate CA (serial")
    {
        assert!(Instant::now() < deadline, "{}", serve.stderr());
        thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn gnutls_cli_verifies_the_staple_and_refuses_a_revoked_leaf() {
    let fx = OpensslPki::start();
    let good = Serve::start(&fx.pem.leaf_chain, &fx.pem.leaf_key, &[]);
    wait_for_staple(&good, &fx.pem.root, "good", STAPLE_TIMEOUT);
    let (status, text) = gnutls_cli(&good, &fx.pem.root, &[]);
    assert!(status.success(), "{text}");
    for expected in [
        "The certificate is trusted",
        "Options: OCSP status request",
        "Handshake was completed",
        "leaf OCSP response stapled: yes",
        "leaf status: good",
    ] {
        assert!(text.contains(expected), "{expected:?} missing:\n{text}");
    }

    let revoked = Serve::start(&fx.pem.revoked_chain, &fx.pem.revoked_leaf_key, &[]);
    wait_for_staple(&revoked, &fx.pem.root, "revoked", STAPLE_TIMEOUT);
    for priority in [None, Some("--priority=NORMAL:-VERS-ALL:+VERS-TLS1.2")] {
        let (status, text) = gnutls_cli(&revoked, &fx.pem.root, priority.as_slice());
        assert!(
            !status.success(),
            "{priority:?}: accepted a revoked staple:\n{text}"
        );
        // The reason must be the staple, not some other failure.
        assert!(
            text.contains("The certificate was revoked via OCSP"),
            "{priority:?}: {text}"
        );
        assert!(text.contains("The certificate chain is revoked"), "{text}");
        assert!(!text.contains("HTTP/1.1"), "{text}");
    }
    assert!(
        revoked.stderr().contains("OCSP REVOKED"),
        "{}",
        revoked.stderr()
    );
}

#[test]
fn keeps_serving_after_clients_misbehave() {
    let fx = OwnPki::start();
    let dir = tempfile::tempdir().unwrap();
    let pem = fx.pki.write_pem_files(dir.path()).unwrap();
    let serve = Serve::start(&pem.leaf_chain, &pem.leaf_key, &[]);
    wait_for_staple(&serve, &pem.root, "good", STAPLE_TIMEOUT);

    // Garbage instead of a ClientHello.
    let mut garbage = TcpStream::connect(serve.addr).unwrap();
    garbage.write_all(b"GET / HTTP/1.1\r\n\r\n").unwrap();
    garbage
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let mut answer = Vec::new();
    let _ = garbage.read_to_end(&mut answer);
    assert!(
        answer.first() == Some(&21) || answer.is_empty(),
        "a TLS alert or nothing: {answer:?}"
    );
    // Connects and leaves at once; sends half a ClientHello and leaves.
    drop(TcpStream::connect(serve.addr).unwrap());
    let mut half = TcpStream::connect(serve.addr).unwrap();
    half.write_all(&[22, 3, 1, 0, 200, 1, 0, 0]).unwrap();
    drop(half);
    // A good handshake, then something that is not HTTP.
    let (_, text) = run_client(
        "openssl",
        &[
            "s_client",
            "-connect",
            &serve.addr.to_string(),
            "-ign_eof",
            "-quiet",
        ],
        b"hello there\r\n\r\n",
    );
    assert!(text.contains("HTTP/1.1 400 Bad Request"), "{text}");

    // Still serving, and stapling.
    let text = s_client(&serve, &pem.root, &["-status", "-tls1_3"]);
    assert!(text.contains("Cert Status: good"), "{text}");
    assert!(text.contains("leaf OCSP response stapled: yes"), "{text}");

    let log = serve.stderr();
    for expected in [
        "WARN  staplekit::connection] 127.0.0.1:",
        "TLS handshake failed: received corrupt message of type InvalidContentType; \
         the client sent plain text (HTTP without TLS?)",
        "the client closed the connection without starting a TLS handshake",
        "the client closed the connection during the TLS handshake",
    ] {
        assert!(log.contains(expected), "{expected:?} missing:\n{log}");
    }
    assert!(log.contains("400 Bad Request"), "{log}");
}

#[test]
fn a_refreshed_response_is_stapled_without_a_restart() {
    let fx = OwnPki::start();
    let dir = tempfile::tempdir().unwrap();
    let pem = fx.pki.write_pem_files(dir.path()).unwrap();
    // Responses are fresh for one second, and renewed half a second after they are fetched.
    let serve = Serve::start(
        &pem.leaf_chain,
        &pem.leaf_key,
        &[
            "-D",
            "jdk.tls.stapling.cacheLifetime=1",
            "-D",
            "staplekit.stapling.retryDelay=500",
        ],
    );
    let text = wait_for_staple(&serve, &pem.root, "good", STAPLE_TIMEOUT);
    assert!(text.contains("leaf status: good"), "{text}");

    fx.responder.set_status(
        &fx.pki.leaf.serial,
        CertState::Revoked {
            at: fx.pki.revoked_at,
            reason: Some(1),
        },
    );
    let text = wait_for_staple(&serve, &pem.root, "revoked", STAPLE_TIMEOUT);
    assert!(text.contains("leaf status: revoked"), "{text}");
    assert!(
        serve
            .stderr()
            .contains("OCSP REVOKED for CN=staplekit test leaf (serial"),
        "{}",
        serve.stderr()
    );
}

#[test]
fn bad_input_is_one_line_naming_the_file_or_address() {
    let pki = TestPki::generate(&TestPkiOptions::default()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let pem = pki.write_pem_files(dir.path()).unwrap();
    let garbage = dir.path().join("garbage.pem");
    std::fs::write(&garbage, "this is not a certificate\n").unwrap();
    let serve = |cert: &Path, key: &Path, listen: &str| {
        staplekit(&[
            "serve".as_ref(),
            "--cert".as_ref(),
            cert.as_os_str(),
            "--key".as_ref(),
            key.as_os_str(),
            "--listen".as_ref(),
            listen.as_ref(),
        ])
    };

    let out = serve(&garbage, &pem.leaf_key, "127.0.0.1:0");
    assert_one_line_error(&out, &["garbage.pem", "holds no PEM CERTIFICATE block"]);

    let missing = dir.path().join("missing.pem");
    let out = serve(&missing, &pem.leaf_key, "127.0.0.1:0");
    assert_one_line_error(&out, &["missing.pem", "cannot read"]);

    let out = serve(&pem.leaf_chain, &pem.revoked_leaf_key, "127.0.0.1:0");
    assert_one_line_error(
        &out,
        &[
            "revoked-leaf.key",
            "does not match the leaf certificate (CN=staplekit test leaf)",
            "leaf-chain.pem",
        ],
    );

    let out = serve(&pem.leaf_chain, &pem.leaf, "127.0.0.1:0");
    assert_one_line_error(&out, &["leaf.pem", "holds no PEM private key"]);

    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let out = serve(&pem.leaf_chain, &pem.leaf_key, &addr);
    assert_one_line_error(&out, &[&format!("cannot listen on {addr}: address in use")]);

    let out = serve(&pem.leaf_chain, &pem.leaf_key, "no-such-address");
    assert_one_line_error(&out, &["cannot listen on no-such-address"]);
}

/// The `-D` that points `serve` at a cache directory.
fn cache_dir_define(dir: &Path) -> String {
    format!("staplekit.stapling.cacheDir={}", dir.display())
}

/// `<chain>.ors`: the operator-provided response `serve --cert <chain>` reads.
fn ors_beside(chain: &Path) -> PathBuf {
    PathBuf::from(format!("{}.ors", chain.display()))
}

/// The value of an `s_client` transcript line such as `This Update: ...`.
fn field<'a>(text: &'a str, name: &str) -> &'a str {
    text.lines()
        .find_map(|l| l.trim().strip_prefix(name))
        .unwrap_or_else(|| panic!("no {name:?} in:\n{text}"))
        .trim()
}

/// Asks `url` about `cert` with `openssl ocsp` (not verified: any answer is written) and writes
/// the DER answer to `out`, as an operator's cron job would.
fn openssl_ocsp_respout(issuer: &Path, cert: &Path, url: &str, out: &Path) {
    let output = run_bounded(
        Command::new("openssl")
            .arg("ocsp")
            .arg("-issuer")
            .arg(issuer)
            .arg("-cert")
            .arg(cert)
            .args(["-url", url, "-noverify", "-respout"])
            .arg(out),
        CLIENT_TIMEOUT,
    )
    .expect("openssl ocsp finishes");
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success() && text.contains(": good"),
        "openssl ocsp: {text}{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn after_a_restart_the_first_handshake_staples_from_the_cache_dir_with_responders_down() {
    let fx = OpensslPki::start();
    let cache = tempfile::tempdir().unwrap();
    let define = cache_dir_define(cache.path());
    let first = {
        let serve = Serve::start(&fx.pem.leaf_chain, &fx.pem.leaf_key, &["-D", &define]);
        let text = wait_for_staple(&serve, &fx.pem.root, "good", STAPLE_TIMEOUT);
        // The response reaches the directory just after it is stapled.
        let engine = fixtures::engine(&[]);
        let leaf_id = fx.leaf_chain(&engine).leaf().id.clone().unwrap();
        let kept = ResponseDir::open(cache.path()).unwrap().file_for(&leaf_id);
        let deadline = Instant::now() + STAPLE_TIMEOUT;
        while !kept.exists() {
            assert!(Instant::now() < deadline, "{} not written", kept.display());
            thread::sleep(Duration::from_millis(20));
        }
        text
    }; // serve is killed here
    let (_dir, pem) = fx.stop_responders();

    let serve = Serve::start(&pem.leaf_chain, &pem.leaf_key, &["-D", &define]);
    let text = s_client(&serve, &pem.root, &["-status"]);
    for expected in [
        "OCSP Response Status: successful",
        "Cert Status: good",
        "leaf OCSP response stapled: yes",
        "Verify return code: 0 (ok)",
    ] {
        assert!(text.contains(expected), "{expected:?} missing:\n{text}");
    }
    assert_eq!(
        field(&text, "This Update:"),
        field(&first, "This Update:"),
        "the response kept by the first run"
    );
    let log = serve.stderr();
    assert!(
        log.contains(
            "certificate 0 (CN=staplekit test leaf): stapling from the first handshake a good \
             response kept in staplekit.stapling.cacheDir (thisUpdate "
        ),
        "{log}"
    );
}

#[test]
fn an_ors_file_beside_the_chain_is_stapled_with_every_responder_down() {
    let fx = OpensslPki::start();
    let ors = ors_beside(&fx.pem.leaf_chain);
    openssl_ocsp_respout(
        &fx.pem.intermediate,
        &fx.pem.leaf,
        &fx.intermediate_responder.url(),
        &ors,
    );
    let (_dir, pem) = fx.stop_responders();

    let serve = Serve::start(&pem.leaf_chain, &pem.leaf_key, &[]);
    let text = s_client(&serve, &pem.root, &["-status"]);
    for expected in [
        "OCSP Response Status: successful",
        "Cert Status: good",
        "Responder Id: CN = staplekit test intermediate OCSP signer",
        "leaf OCSP response stapled: yes",
    ] {
        assert!(text.contains(expected), "{expected:?} missing:\n{text}");
    }
    let log = serve.stderr();
    assert!(
        log.contains(
            "certificate 0 (CN=staplekit test leaf): stapling from the first handshake a good \
             response read from <cert>.ors or staplekit.stapling.responseFile (thisUpdate "
        ),
        "{log}"
    );
    assert!(
        log.contains(
            "certificate 1 (CN=staplekit test intermediate CA): nothing to staple yet; asking http://127.0.0.1:"
        ),
        "{log}"
    );
}

#[test]
fn an_expired_ors_file_is_not_stapled_and_is_named_in_a_warning() {
    let fx = OwnPki::start();
    fx.responder.set_this_update_age(Duration::ZERO);
    fx.responder.set_validity(Some(Duration::from_secs(1)));
    let dir = tempfile::tempdir().unwrap();
    let pem = fx.pki.write_pem_files(dir.path()).unwrap();
    let ors = ors_beside(&pem.leaf_chain);
    openssl_ocsp_respout(&pem.intermediate, &pem.leaf, &fx.responder.url(), &ors);
    fx.responder.shutdown();
    thread::sleep(Duration::from_millis(1100)); // past its nextUpdate

    let serve = Serve::start(&pem.leaf_chain, &pem.leaf_key, &[]);
    let text = s_client(&serve, &pem.root, &["-status"]);
    assert!(text.contains("OCSP response: no response sent"), "{text}");
    assert!(text.contains("leaf OCSP response stapled: no"), "{text}");
    let log = serve.stderr();
    let warning = log
        .lines()
        .find(|l| l.contains(" WARN ") && l.contains(ors.to_str().unwrap()))
        .unwrap_or_else(|| panic!("no warning naming {}:\n{log}", ors.display()));
    assert!(
        warning.contains("is not served: nextUpdate") && warning.contains("has passed"),
        "{warning}"
    );
}
