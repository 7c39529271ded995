//! `staplekit responder` (the sidecar) as a process: asked by OpenSSL's own OCSP client
//! (`openssl ocsp -url`), with upstream answers from OpenSSL's responder; PEM chains, PKCS#12
//! stores written by OpenSSL and by the JDK's keytool, a JKS store written by keytool,
//! directories of them; `staplekit status --responder` against it.

mod child;
mod sidecar;

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Command;

use sidecar::{openssl_ocsp, run, text, wait_for_good, Sidecar, BIN};
use staplekit_testkit::fixtures::OpensslPki;
use staplekit_testkit::pki::PemFiles;

const PASSWORD: &str = "changeit";

fn os(s: &str) -> &OsStr {
    s.as_ref()
}

/// `-D staplekit.stapling.keyStorePassword=...`.
fn password_define(password: &str) -> String {
    format!("staplekit.stapling.keyStorePassword={password}")
}

/// The leaf's key and chain (leaf, intermediate) as a PKCS#12 store written by
/// `openssl pkcs12 -export` (OpenSSL 3: PBES2/AES-256 and HMAC-SHA256), entry "server".
fn openssl_pkcs12(pem: &PemFiles, out: &Path) {
    let output = run(Command::new("openssl")
        .args(["pkcs12", "-export", "-name", "server"])
        .arg("-in")
        .arg(&pem.leaf)
        .arg("-inkey")
        .arg(&pem.leaf_key)
        .arg("-certfile")
        .arg(&pem.intermediate)
        .arg("-out")
        .arg(out)
        .arg("-passout")
        .arg(format!("pass:{PASSWORD}")));
    assert!(output.status.success(), "{}", text(&output));
}

/// The JDK's `keytool -importkeystore` from `source` (PKCS#12) into a store of `store_type`.
fn keytool_import(source: &Path, out: &Path, store_type: &str) {
    let output = run(Command::new("keytool")
        .args(["-importkeystore", "-noprompt", "-srcstoretype", "PKCS12"])
        .arg("-srckeystore")
        .arg(source)
        .args(["-srcstorepass", PASSWORD, "-deststoretype", store_type])
        .arg("-destkeystore")
        .arg(out)
        .args(["-deststorepass", PASSWORD]));
    assert!(output.status.success(), "keytool: {}", text(&output));
}

/// `staplekit ARGS` to completion.
fn staplekit(args: &[&OsStr]) -> std::process::Output {
    run(Command::new(BIN).args(args))
}

/// Asserts a failure of exactly one line `staplekit: ...` holding every part, exit status 2.
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

/// `staplekit status --responder URL CHAIN --json`, parsed.
fn status_json(url: &str, chain: &Path) -> (Option<i32>, serde_json::Value) {
    let output = staplekit(&[
        os("status"),
        os("--json"),
        os("--responder"),
        os(url),
        chain.as_os_str(),
    ]);
    let json =
        serde_json::from_slice(&output.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(&output)));
    (output.status.code(), json)
}

fn counter(report: &serde_json::Value, name: &str) -> u64 {
    report["counters"][name]
        .as_u64()
        .unwrap_or_else(|| panic!("no counter {name}: {report}"))
}

#[test]
fn a_pem_chain_is_answered_good_and_verified_and_still_with_the_upstream_down() {
    let fx = OpensslPki::start();
    let sidecar = Sidecar::start(&[fx.pem.leaf_chain.as_os_str()]);
    let url = sidecar.url();

    // The lines to paste, right after `listening on`; the JVM's come last.
    let paste = sidecar.stdout_once_it_has("-Djdk.tls.stapling.cacheLifetime=");
    for expected in [
        "ssl_stapling on;\n".to_string(),
        "ssl_stapling_verify on;\n".into(),
        format!("ssl_stapling_responder {url};\n"),
        "SSLUseStapling on\n".into(),
        format!("SSLStaplingForceURL {url}\n"),
        "-Djdk.tls.server.enableStatusRequestExtension=true\n".into(),
        format!("-Djdk.tls.stapling.responderURI={url}\n"),
        "-Djdk.tls.stapling.responderOverride=true\n".into(),
        "-Djdk.tls.stapling.cacheLifetime=300\n".into(),
    ] {
        assert!(paste.contains(&expected), "{expected:?} missing:\n{paste}");
    }

    // OpenSSL's own client asks, and verifies against the root: leaf and intermediate.
    wait_for_good(&sidecar, &fx.pem.intermediate, &fx.pem.leaf, &fx.pem.root);
    wait_for_good(&sidecar, &fx.pem.root, &fx.pem.intermediate, &fx.pem.root);
    let log = sidecar.stderr();
    assert!(
        log.contains(&format!(
            "registered {} (3 certificates, leaf CN=staplekit test leaf)",
            fx.pem.leaf_chain.display()
        )),
        "{log}"
    );
    assert!(
        log.contains(
            "certificate 2 (CN=staplekit test root CA): not stapled: self-signed certificate"
        ),
        "{log}"
    );

    // A certificate it was not given: unauthorized, at once.
    let miss = openssl_ocsp(
        &url,
        &fx.pem.intermediate,
        &fx.pem.revoked_leaf,
        &fx.pem.root,
    );
    assert!(miss.contains("unauthorized"), "{miss}");

    // The upstream responders stop; the sidecar answers from what it holds.
    let (_dir, pem) = fx.stop_responders();
    let text = openssl_ocsp(&url, &pem.intermediate, &pem.leaf, &pem.root);
    assert!(
        text.contains(&format!("{}: good", pem.leaf.display()))
            && text.contains("Response verify OK"),
        "{text}"
    );
}

#[test]
fn status_responder_shows_hits_and_misses_and_the_counters_move() {
    let fx = OpensslPki::start();
    let sidecar = Sidecar::start(&[fx.pem.leaf_chain.as_os_str()]);
    let url = sidecar.url();
    wait_for_good(&sidecar, &fx.pem.intermediate, &fx.pem.leaf, &fx.pem.root);
    wait_for_good(&sidecar, &fx.pem.root, &fx.pem.intermediate, &fx.pem.root);

    let (code, hit) = status_json(&url, &fx.pem.leaf_chain);
    assert_eq!(code, Some(0), "{hit}");
    let certs = hit["certificates"].as_array().unwrap();
    for index in [0, 1] {
        assert_eq!(certs[index]["answer"], "hit", "{hit}");
        assert_eq!(certs[index]["status"], "good", "{hit}");
        assert!(certs[index]["this_update"].is_string(), "{hit}");
        assert!(certs[index]["next_update"].is_string(), "{hit}");
    }
    assert_eq!(certs[2]["answer"], "skipped", "{hit}");

    // The revoked leaf's chain was never given: its leaf is a miss; its intermediate a hit.
    let (code, miss) = status_json(&url, &fx.pem.revoked_chain);
    assert_eq!(code, Some(2), "{miss}");
    let certs = miss["certificates"].as_array().unwrap();
    assert_eq!(certs[0]["answer"], "miss", "{miss}");
    assert_eq!(certs[0]["reason"], "unauthorized", "{miss}");
    assert_eq!(certs[1]["answer"], "hit", "{miss}");

    // Counted by the responder, and read after each run's own requests.
    assert!(counter(&hit, "answered") >= 2, "{hit}");
    assert_eq!(counter(&miss, "answered"), counter(&hit, "answered") + 1);
    assert_eq!(
        counter(&miss, "unauthorized"),
        counter(&hit, "unauthorized") + 1
    );

    let output = staplekit(&[
        os("status"),
        os("--responder"),
        os(&url),
        fx.pem.revoked_chain.as_os_str(),
    ]);
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        text.contains("0 CN=staplekit test revoked leaf serial=")
            && text.contains(" answer=miss reason=\"unauthorized\""),
        "{text}"
    );
    assert!(
        text.contains("1 CN=staplekit test intermediate CA serial=")
            && text.contains(" answer=hit status=good thisUpdate="),
        "{text}"
    );
    assert!(
        text.contains(&format!("responder {url} answered=")) && text.contains(" unauthorized="),
        "{text}"
    );
}

/// A directory holding the leaf's chain as a PKCS#12 store from OpenSSL, a PKCS#12 store and a
/// JKS store from keytool, plus files that are none of those.
fn key_store_directory(pem: &PemFiles, dir: &Path) -> [PathBuf; 3] {
    let p12 = dir.join("openssl.p12");
    openssl_pkcs12(pem, &p12);
    let jdk_p12 = dir.join("keytool.pfx");
    keytool_import(&p12, &jdk_p12, "PKCS12");
    let jks = dir.join("keytool.jks");
    keytool_import(&p12, &jks, "JKS");
    std::fs::write(dir.join("notes.txt"), "not a key store\n").unwrap();
    std::fs::copy(&pem.leaf_key, dir.join("leaf.key")).unwrap();
    std::fs::copy(&pem.root, dir.join("root.pem")).unwrap();
    std::fs::create_dir(dir.join("sub")).unwrap();
    [p12, jdk_p12, jks]
}

#[test]
fn a_directory_of_key_stores_from_openssl_and_keytool_is_answered() {
    let fx = OpensslPki::start();
    let stores = tempfile::tempdir().unwrap();
    let [p12, jdk_p12, jks] = key_store_directory(&fx.pem, stores.path());
    let define = password_define(PASSWORD);
    let sidecar = Sidecar::start(&[os("-D"), os(&define), stores.path().as_os_str()]);
    wait_for_good(&sidecar, &fx.pem.intermediate, &fx.pem.leaf, &fx.pem.root);

    let log = sidecar.stderr();
    for expected in [
        format!("registered {} (PKCS#12 key store, entry \"server\") (2 certificates, leaf CN=staplekit test leaf)", p12.display()),
        format!("registered {} (PKCS#12 key store, entry \"server\") (2 certificates", jdk_p12.display()),
        format!("registered {} (JKS key store, entry \"server\") (2 certificates", jks.display()),
        format!("skipped {}: neither a PEM certificate chain nor a PKCS#12 or JKS key store", stores.path().join("notes.txt").display()),
        format!("skipped {}: neither a PEM", stores.path().join("leaf.key").display()),
        format!("skipped {}: one certificate only", stores.path().join("root.pem").display()),
        format!("skipped {}: not a regular file", stores.path().join("sub").display()),
    ] {
        assert!(log.contains(&expected), "{expected:?} missing:\n{log}");
    }
}

#[test]
fn key_stores_from_the_properties_are_registered_too() {
    let fx = OpensslPki::start();
    let stores = tempfile::tempdir().unwrap();
    let [_, _, jks] = key_store_directory(&fx.pem, stores.path());
    let properties = stores.path().join("sidecar.properties");
    std::fs::write(
        &properties,
        format!(
            "staplekit.stapling.keyStores={}\nstaplekit.stapling.keyStorePassword={PASSWORD}\n",
            jks.display()
        ),
    )
    .unwrap();
    let sidecar = Sidecar::start(&[os("--properties"), properties.as_os_str()]);
    wait_for_good(&sidecar, &fx.pem.intermediate, &fx.pem.leaf, &fx.pem.root);
    assert!(
        sidecar
            .stderr()
            .contains(&format!("registered {} (JKS key store", jks.display())),
        "{}",
        sidecar.stderr()
    );
}

#[test]
fn a_wrong_password_or_an_unusable_file_is_one_line_and_exit_status_2() {
    let fx = OpensslPki::start();
    let stores = tempfile::tempdir().unwrap();
    let [p12, jdk_p12, jks] = key_store_directory(&fx.pem, stores.path());
    let wrong = password_define("wrong");
    let responder = |args: &[&OsStr]| {
        let mut all = vec![os("responder"), os("--listen"), os("127.0.0.1:0")];
        all.extend_from_slice(args);
        staplekit(&all)
    };

    for store in [&p12, &jdk_p12] {
        let out = responder(&[os("-D"), os(&wrong), store.as_os_str()]);
        assert_one_line_error(
            &out,
            &[
                &store.display().to_string(),
                "wrong password (staplekit.stapling.keyStorePassword)",
            ],
        );
    }
    let out = responder(&[os("-D"), os(&wrong), jks.as_os_str()]);
    assert_one_line_error(
        &out,
        &[
            &jks.display().to_string(),
            "wrong password (staplekit.stapling.keyStorePassword), or the JKS store was altered",
        ],
    );
    // In a directory too: a key store that cannot be opened is not passed over.
    let out = responder(&[os("-D"), os(&wrong), stores.path().as_os_str()]);
    // (the first in name order)
    assert_one_line_error(&out, &["keytool.jks", "wrong password"]);

    let notes = stores.path().join("notes.txt");
    let out = responder(&[notes.as_os_str()]);
    assert_one_line_error(
        &out,
        &[
            "notes.txt",
            "neither a PEM certificate chain nor a PKCS#12 or JKS key store",
        ],
    );
    let out = responder(&[fx.pem.root.as_os_str()]);
    assert_one_line_error(&out, &["root.pem", "one certificate only"]);
    let missing = stores.path().join("missing.pem");
    let out = responder(&[missing.as_os_str()]);
    assert_one_line_error(&out, &["missing.pem", "cannot read"]);
    let out = responder(&[]);
    assert_one_line_error(&out, &["nothing to answer for"]);

    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let out = staplekit(&[
        os("responder"),
        os("--listen"),
        os(&addr),
        fx.pem.leaf_chain.as_os_str(),
    ]);
    assert_one_line_error(&out, &[&format!("cannot listen on {addr}: address in use")]);
}
