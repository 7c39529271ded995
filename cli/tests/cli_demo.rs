//! `staplekit demo` as a process: offline, seconds, and nothing left behind.

use std::path::PathBuf;
use std::process::{Command, Output};
use std::time::Duration;

use staplekit_testkit::openssl::run_bounded;

const BIN: &str = env!("CARGO_BIN_EXE_staplekit");
const DEMO_TIMEOUT: Duration = Duration::from_secs(60);

fn demo(args: &[&str]) -> (Output, String, String) {
    let out = run_bounded(Command::new(BIN).arg("demo").args(args), DEMO_TIMEOUT)
        .expect("the demo finishes in time");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    (out, stdout, stderr)
}

/// The folder the demo says it used: `files in PATH (removed at the end)`.
fn temp_folder(stdout: &str) -> PathBuf {
    let start = stdout.find("files in ").expect("the demo names its folder") + "files in ".len();
    let end = stdout[start..]
        .find(" (removed at the end)")
        .expect("folder line")
        + start;
    PathBuf::from(&stdout[start..end])
}

#[test]
fn demo_staples_and_verifies_the_leaf_with_tls13_and_tls12() {
    let (out, stdout, stderr) = demo(&[]);
    assert!(out.status.success(), "stdout:\n{stdout}\nstderr:\n{stderr}");
    let lines: Vec<&str> = stdout.lines().collect();
    let position = |prefix: &str| {
        lines
            .iter()
            .position(|l| l.starts_with(prefix))
            .unwrap_or_else(|| panic!("no line starting {prefix:?}:\n{stdout}"))
    };
    assert!(lines[position("OCSP responder: http://127.0.0.1:")].contains("leaf good"));
    assert!(
        lines[position("first fetch: ")].contains("leaf good, intermediate good"),
        "{stdout}"
    );
    for (label, negotiated) in [("TLS 1.3: ", "TLSv1.3"), ("TLS 1.2: ", "TLSv1.2")] {
        let at = position(label);
        assert!(
            lines[at].contains(&format!("negotiated {negotiated} ")),
            "{stdout}"
        );
        assert!(lines[at].contains("reply \"HTTP/1.1 200 OK\""), "{stdout}");
        let stapled = lines[at + 1];
        assert!(
            stapled.contains("stapled: leaf (CN=staplekit test leaf) status good, thisUpdate 20"),
            "{stdout}"
        );
        assert!(stapled.contains("nextUpdate 20"), "{stdout}");
    }
    assert!(lines.last().unwrap().starts_with("demo passed"), "{stdout}");
    assert!(
        !temp_folder(&stdout).exists(),
        "the temporary folder is removed"
    );
}

#[test]
fn demo_fails_clearly_when_nothing_is_stapled_and_still_cleans_up() {
    // -D reaches the demo's engine: with the server's stapling off, the client must refuse.
    let (out, stdout, stderr) = demo(&["-D", "jdk.tls.server.enableStatusRequestExtension=false"]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "stdout:\n{stdout}\nstderr:\n{stderr}"
    );
    assert!(stdout.contains("stapling is OFF"), "{stdout}");
    assert!(!stdout.contains("demo passed"), "{stdout}");
    let last = stderr.lines().last().unwrap_or_default();
    assert!(
        last.starts_with("staplekit: demo client (TLSv1.3): TLS handshake failed")
            && last.contains("the server stapled no OCSP response for the leaf"),
        "{stderr}"
    );
    assert!(
        !temp_folder(&stdout).exists(),
        "the temporary folder is removed on failure too"
    );
}
