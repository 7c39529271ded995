//! `staplekit status` and `staplekit config`, run as the built binary.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::*;
use serde_json::Value;
use staplekit::ocsp::response::rfc3339;
use staplekit::testkit::pki::{TestPki, TestPkiOptions};

fn staplekit(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_staplekit"))
        .args(args)
        .env("RUST_LOG", "warn")
        .output()
        .expect("run staplekit")
}

fn status_json(chain: &Path) -> (i32, Vec<Value>) {
    let out = staplekit(&["status", "--json", chain.to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let parsed: Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("status --json printed invalid JSON ({e}): {stdout}"));
    let lines = parsed.as_array().expect("a JSON array").clone();
    (out.status.code().expect("exit code"), lines)
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn good_chain_exits_0_with_one_object_per_certificate() {
    let fx = OpensslPki::start();
    let (code, lines) = status_json(&fx.pem.leaf_chain);
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
    ] {
        assert!(leaf.get(key).is_some(), "key {key} missing in {leaf}");
    }
    assert_eq!(leaf["index"], 0);
    assert_eq!(leaf["status"], "good");
    assert_eq!(leaf["subject"], "CN=staplekit test leaf");
    assert_eq!(leaf["serial"], fx.pki.leaf.serial_hex());
    assert_eq!(leaf["responder"], fx.intermediate_responder.url());
    assert_eq!(leaf["revocation_time"], Value::Null);
    let this_update = leaf["this_update"].as_str().unwrap();
    assert!(
        this_update.len() == 20 && this_update.ends_with('Z'),
        "RFC 3339: {this_update}"
    );
    assert_eq!(lines[1]["status"], "good");
    assert_eq!(lines[1]["responder"], fx.root_responder.url());
    assert_eq!(lines[2]["status"], "skipped");
    assert_eq!(lines[2]["responder"], Value::Null);
}

#[test]
fn revoked_leaf_exits_1_with_revocation_time_and_reason() {
    let fx = OpensslPki::start();
    let (code, lines) = status_json(&fx.pem.revoked_chain);
    assert_eq!(code, 1);
    assert_eq!(lines[0]["status"], "revoked");
    assert_eq!(lines[0]["revocation_time"], rfc3339(fx.pki.revoked_at));
    assert_eq!(lines[0]["reason"], "keyCompromise");
    assert_eq!(lines[1]["status"], "good");
}

#[test]
fn chain_without_any_ocsp_url_is_skipped_and_exits_0() {
    let pki = TestPki::generate(&TestPkiOptions::default()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let pem = pki.write_pem_files(dir.path()).unwrap();
    let (code, lines) = status_json(&pem.leaf_chain);
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
fn dead_responder_is_unavailable_and_exits_2() {
    let fx = OwnPki::start();
    fx.responder.shutdown();
    let dir = tempfile::tempdir().unwrap();
    let pem = fx.pki.write_pem_files(dir.path()).unwrap();
    let (code, lines) = status_json(&pem.leaf_chain);
    assert_eq!(code, 2);
    assert_eq!(lines[0]["status"], "unavailable");
    assert!(
        lines[0]["reason"]
            .as_str()
            .unwrap()
            .contains("cannot connect"),
        "{}",
        lines[0]["reason"]
    );
}

#[test]
fn invalid_answer_is_reported_as_invalid() {
    let fx = OpensslPki::start_with(|c, _| c.with_extra_args(["-badsig"]));
    let (code, lines) = status_json(&fx.pem.leaf_chain);
    assert_eq!(code, 2);
    assert_eq!(lines[0]["status"], "invalid");
    assert!(lines[0]["reason"].as_str().unwrap().contains("signature"));
}

#[test]
fn text_output_has_one_line_per_certificate() {
    let fx = OpensslPki::start();
    let out = staplekit(&["status", fx.pem.leaf_chain.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert!(
        lines[0].starts_with("0 CN=staplekit test leaf serial="),
        "{}",
        lines[0]
    );
    assert!(lines[0].contains("status=good") && lines[0].contains("nextUpdate="));
    assert!(lines[2].contains("status=skipped"));
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
