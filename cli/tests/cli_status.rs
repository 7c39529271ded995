//! `staplekit status` and `staplekit config`, run as the built binary against OpenSSL's OCSP
//! responder and the project's own.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

use serde_json::Value;
use staplekit::rfc3339;
use staplekit_testkit::fixtures::*;
use staplekit_testkit::openssl::run_bounded;
use staplekit_testkit::pki::{TestPki, TestPkiOptions};
use staplekit_testkit::responder::CertState;

/// How long one run of `staplekit` or `openssl` may take.
const WAIT: Duration = Duration::from_secs(40);

fn staplekit(args: &[&str]) -> Output {
    run_bounded(
        Command::new(env!("CARGO_BIN_EXE_staplekit"))
            .args(args)
            .env("RUST_LOG", "warn"),
        WAIT,
    )
    .expect("staplekit finishes")
}

fn status_json(chain: &Path, extra: &[&str]) -> (i32, Vec<Value>) {
    let mut args = vec!["status", "--json", chain.to_str().unwrap()];
    args.extend_from_slice(extra);
    let out = staplekit(&args);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let parsed: Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("status --json printed invalid JSON ({e}): {stdout}"));
    let lines = parsed.as_array().expect("a JSON array").clone();
    (out.status.code().expect("exit code"), lines)
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Asks the intermediate's OpenSSL responder about the leaf with `openssl ocsp` and writes the
/// DER answer to `<leaf chain>.ors`, as an operator's cron job would.
fn write_ors(fx: &OpensslPki) -> PathBuf {
    let ors = PathBuf::from(format!("{}.ors", fx.pem.leaf_chain.display()));
    let out = run_bounded(
        Command::new("openssl")
            .arg("ocsp")
            .arg("-issuer")
            .arg(&fx.pem.intermediate)
            .arg("-cert")
            .arg(&fx.pem.leaf)
            .args(["-url", &fx.intermediate_responder.url(), "-noverify"])
            .arg("-respout")
            .arg(&ors),
        WAIT,
    )
    .expect("openssl ocsp finishes");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && text.contains(": good"),
        "openssl ocsp: {text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    ors
}

fn is_rfc3339(value: &Value) -> bool {
    value
        .as_str()
        .is_some_and(|t| t.len() == 20 && t.ends_with('Z') && t.as_bytes()[10] == b'T')
}

#[test]
fn good_chain_exits_0_with_one_object_per_certificate() {
    let fx = OpensslPki::start();
    let (code, lines) = status_json(&fx.pem.leaf_chain, &[]);
    assert_eq!(code, 0, "{lines:?}");
    assert_eq!(lines.len(), 3);
    let leaf = &lines[0];
    for key in [
        "index",
        "subject",
        "serial",
        "responder",
        "status",
        "reason",
        "this_update",
        "next_update",
        "revocation_time",
        "stapled",
        "source",
        "next_refresh",
        "last_fetch",
        "last_error",
        "consecutive_failures",
        "fetches",
    ] {
        assert!(leaf.get(key).is_some(), "key {key} missing in {leaf}");
    }
    assert_eq!(leaf["index"], 0);
    assert_eq!(leaf["status"], "good");
    assert_eq!(leaf["stapled"], "good");
    assert_eq!(leaf["source"], "fetched");
    assert_eq!(leaf["subject"], "CN=staplekit test leaf");
    assert_eq!(leaf["serial"], fx.pki.leaf.serial_hex());
    assert_eq!(leaf["responder"], fx.intermediate_responder.url());
    assert_eq!(leaf["revocation_time"], Value::Null);
    assert_eq!(leaf["last_error"], Value::Null);
    assert_eq!(leaf["consecutive_failures"], 0);
    assert_eq!(leaf["fetches"], serde_json::json!({ "good": 1 }));
    for key in ["this_update", "next_update", "next_refresh", "last_fetch"] {
        assert!(is_rfc3339(&leaf[key]), "{key}: RFC 3339 expected in {leaf}");
    }
    // Renewed between now and nextUpdate (refreshRatio 0.5 of a one-hour validity).
    let (last_fetch, next_refresh, next_update) = (
        leaf["last_fetch"].as_str().unwrap(),
        leaf["next_refresh"].as_str().unwrap(),
        leaf["next_update"].as_str().unwrap(),
    );
    assert!(
        last_fetch < next_refresh && next_refresh < next_update,
        "{leaf}"
    );
    assert_eq!(lines[1]["status"], "good");
    assert_eq!(lines[1]["responder"], fx.root_responder.url());
    assert_eq!(lines[2]["status"], "skipped");
    assert_eq!(lines[2]["stapled"], "none");
    assert_eq!(lines[2]["reason"], "self-signed certificate");
    assert_eq!(lines[2]["responder"], Value::Null);
    assert_eq!(lines[2]["fetches"], serde_json::json!({}));
}

#[test]
fn revoked_leaf_exits_1_with_revocation_time_and_reason() {
    let fx = OpensslPki::start();
    let (code, lines) = status_json(&fx.pem.revoked_chain, &[]);
    assert_eq!(code, 1);
    assert_eq!(lines[0]["status"], "revoked");
    assert_eq!(lines[0]["stapled"], "revoked");
    assert_eq!(lines[0]["fetches"], serde_json::json!({ "revoked": 1 }));
    assert_eq!(lines[0]["revocation_time"], rfc3339(fx.pki.revoked_at));
    assert_eq!(lines[0]["reason"], "keyCompromise");
    assert_eq!(lines[1]["status"], "good");
}

#[test]
fn chain_without_any_ocsp_url_is_skipped_and_exits_0() {
    let pki = TestPki::generate(&TestPkiOptions::default()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let pem = pki.write_pem_files(dir.path()).unwrap();
    let (code, lines) = status_json(&pem.leaf_chain, &[]);
    assert_eq!(code, 0);
    for line in &lines {
        assert_eq!(line["status"], "skipped", "{line}");
    }
    assert!(lines[0]["reason"]
        .as_str()
        .unwrap()
        .contains("no OCSP responder URL"));
}

#[test]
fn dead_responder_is_unavailable_with_a_transport_reason_and_exits_2() {
    let fx = OwnPki::start();
    fx.responder.shutdown();
    let dir = tempfile::tempdir().unwrap();
    let pem = fx.pki.write_pem_files(dir.path()).unwrap();
    let (code, lines) = status_json(&pem.leaf_chain, &[]);
    assert_eq!(code, 2);
    let leaf = &lines[0];
    assert_eq!(leaf["status"], "unavailable");
    assert_eq!(leaf["stapled"], "none");
    assert_eq!(leaf["source"], Value::Null);
    assert_eq!(
        leaf["fetches"],
        serde_json::json!({ "transport.connect": 1 })
    );
    assert_eq!(leaf["consecutive_failures"], 1);
    for key in ["reason", "last_error"] {
        assert!(
            leaf[key].as_str().unwrap().contains("cannot connect"),
            "{key}: {leaf}"
        );
    }
    // The engine would try again after retryDelay (10 s, less up to a tenth of jitter).
    assert!(is_rfc3339(&leaf["next_refresh"]), "{leaf}");
    assert!(leaf["last_fetch"].as_str() < leaf["next_refresh"].as_str());
}

#[test]
fn invalid_answer_is_reported_as_invalid() {
    let fx = OpensslPki::start_with(|c, _| c.with_extra_args(["-badsig"]));
    let (code, lines) = status_json(&fx.pem.leaf_chain, &[]);
    assert_eq!(code, 2);
    assert_eq!(lines[0]["status"], "invalid");
    assert_eq!(
        lines[0]["fetches"],
        serde_json::json!({ "rejected.bad-signature": 1 })
    );
    assert!(lines[0]["reason"].as_str().unwrap().contains("signature"));
    assert_eq!(lines[0]["last_error"], lines[0]["reason"]);
    // The root's responder is fine: only the intermediate's signs badly.
    assert_eq!(lines[1]["status"], "good");
}

#[test]
fn an_unknown_answer_is_reported_as_unknown_and_exits_2() {
    let fx = OwnPki::start();
    fx.responder
        .set_status(&fx.pki.leaf.serial, CertState::Unknown);
    let dir = tempfile::tempdir().unwrap();
    let pem = fx.pki.write_pem_files(dir.path()).unwrap();
    let (code, lines) = status_json(&pem.leaf_chain, &[]);
    assert_eq!(code, 2);
    assert_eq!(lines[0]["status"], "unknown");
    assert_eq!(lines[0]["stapled"], "none");
    assert_eq!(lines[0]["fetches"], serde_json::json!({ "unknown": 1 }));
    assert!(
        lines[0]["reason"].as_str().unwrap().contains("UNKNOWN"),
        "{}",
        lines[0]
    );
}

#[test]
fn text_output_shows_stapled_source_and_next_refresh_per_certificate() {
    let fx = OpensslPki::start();
    let out = staplekit(&["status", fx.pem.leaf_chain.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines.len(),
        7,
        "three lines per certificate asked, one skipped:\n{text}"
    );
    let serial = fx.pki.leaf.serial_hex();
    assert_eq!(
        lines[0],
        format!(
            "0 CN=staplekit test leaf serial={serial} responder={} status=good",
            fx.intermediate_responder.url()
        )
    );
    assert!(
        lines[1].starts_with("    stapled=good source=fetched thisUpdate=20")
            && lines[1].contains(" nextUpdate=20"),
        "{text}"
    );
    assert!(
        lines[2].starts_with("    nextRefresh=20")
            && lines[2].contains(" lastFetch=20")
            && lines[2].ends_with(" fetches=good:1"),
        "{text}"
    );
    assert!(
        lines[3].starts_with("1 CN=staplekit test intermediate CA serial="),
        "{text}"
    );
    assert!(
        lines[6].starts_with("2 CN=staplekit test root CA serial=")
            && lines[6].ends_with(" responder=- status=skipped reason=\"self-signed certificate\""),
        "{text}"
    );
}

#[test]
fn an_ors_file_is_reported_as_stapled_from_a_static_file_with_responders_down() {
    let fx = OpensslPki::start();
    write_ors(&fx);
    let (_dir, pem) = fx.stop_responders();
    let (code, lines) = status_json(&pem.leaf_chain, &[]);
    // What handshakes get is good, though the responder cannot be reached.
    assert_eq!(code, 2, "the intermediate has nothing: {lines:?}");
    let leaf = &lines[0];
    assert_eq!(leaf["status"], "good", "{leaf}");
    assert_eq!(leaf["stapled"], "good");
    assert_eq!(leaf["source"], "static-file");
    assert_eq!(
        leaf["fetches"],
        serde_json::json!({ "transport.connect": 1 })
    );
    assert!(
        leaf["last_error"]
            .as_str()
            .unwrap()
            .contains("cannot connect"),
        "{leaf}"
    );
    assert_eq!(lines[1]["status"], "unavailable");

    let out = staplekit(&["status", pem.leaf_chain.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[1].starts_with("    stapled=good source=static-file thisUpdate="),
        "{text}"
    );
    assert!(
        lines[2].contains(" fetches=transport.connect:1 failuresInARow=1"),
        "{text}"
    );
    assert!(
        lines[3].starts_with("    lastError=\"cannot connect to http://127.0.0.1:"),
        "{text}"
    );
}

#[test]
fn a_cache_dir_answers_the_next_run_with_responders_down() {
    let fx = OpensslPki::start();
    let cache = tempfile::tempdir().unwrap();
    let define = format!("staplekit.stapling.cacheDir={}", cache.path().display());
    let (code, first) = status_json(&fx.pem.leaf_chain, &["-D", &define]);
    assert_eq!(code, 0, "{first:?}");
    let (_dir, pem) = fx.stop_responders();

    let (code, lines) = status_json(&pem.leaf_chain, &["-D", &define]);
    assert_eq!(code, 0, "{lines:?}");
    for (index, line) in lines.iter().enumerate().take(2) {
        assert_eq!(line["stapled"], "good", "{line}");
        assert_eq!(line["source"], "cache-dir", "{line}");
        assert_eq!(
            line["this_update"], first[index]["this_update"],
            "the same response"
        );
        assert_eq!(
            line["fetches"],
            serde_json::json!({ "transport.connect": 1 })
        );
    }
}

#[test]
fn a_file_that_is_not_pem_is_one_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("chain.pem");
    std::fs::write(&path, "this is not a certificate\n").unwrap();
    let out = staplekit(&["status", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains(path.to_str().unwrap()) && err.contains("no PEM CERTIFICATE"),
        "{err}"
    );

    let missing = dir.path().join("missing.pem");
    let out = staplekit(&["status", missing.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("missing.pem"), "{}", stderr(&out));
}

#[test]
fn config_lists_every_property_with_its_source_and_warnings() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("stapling.properties");
    std::fs::write(
        &file,
        "jdk.tls.stapling.cacheLifetime = 60\njdk.tls.stapling.cacheSise=9\n",
    )
    .unwrap();
    let out = staplekit(&[
        "config",
        "--properties",
        file.to_str().unwrap(),
        "-D",
        "jdk.tls.stapling.cacheSize=abc",
        "-Djdk.tls.stapling.responseTimeout=0x10",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    let line = |key: &str| {
        text.lines()
            .find(|l| l.starts_with(&format!("{key} ")))
            .unwrap_or_else(|| panic!("{key} not listed:\n{text}"))
            .to_owned()
    };
    assert!(line("jdk.tls.stapling.cacheLifetime").contains("= 60  (file "));
    assert!(line("jdk.tls.stapling.responseTimeout").contains("= 16  (-D)"));
    assert!(line("jdk.tls.stapling.cacheSize").contains("= 256  (-D)"));
    assert!(line("staplekit.stapling.fetchThreads").contains("= 8  (default)"));
    assert!(line("jdk.tls.server.enableStatusRequestExtension").contains("= true  (default)"));
    assert!(
        text.contains("warning: jdk.tls.stapling.cacheSize = \"abc\""),
        "{text}"
    );
    assert!(
        text.contains("did you mean jdk.tls.stapling.cacheSize?"),
        "{text}"
    );
}

#[test]
fn a_bad_enable_flag_is_an_error_naming_key_and_value() {
    let out = staplekit(&[
        "config",
        "-D",
        "jdk.tls.server.enableStatusRequestExtension=yes",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("jdk.tls.server.enableStatusRequestExtension") && err.contains("yes"),
        "{err}"
    );
}
