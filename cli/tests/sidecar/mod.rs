//! `staplekit responder` (the sidecar) as a child process, and the OpenSSL client that asks it,
//! shared by the sidecar's tests and the nginx test. Needs `mod child;` beside it.

#![allow(dead_code)] // Each test file uses part of it.

use std::io::{BufRead, BufReader, Read};
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::sync::{mpsc, Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use staplekit_testkit::openssl::run_bounded;

use super::child::capture;

pub const BIN: &str = env!("CARGO_BIN_EXE_staplekit");
/// How long the sidecar may take to print `listening on`.
pub const START_TIMEOUT: Duration = Duration::from_secs(20);
/// How long the first fetches may take before the sidecar answers good.
pub const ANSWER_TIMEOUT: Duration = Duration::from_secs(15);
/// How long one client run may take.
pub const CLIENT_TIMEOUT: Duration = Duration::from_secs(20);

/// A `staplekit responder` child on 127.0.0.1:0, killed on drop.
pub struct Sidecar {
    child: Child,
    pub addr: SocketAddr,
    stdout: Arc<Mutex<Vec<u8>>>,
    stderr: Arc<Mutex<Vec<u8>>>,
}

impl Sidecar {
    /// Starts `staplekit responder --listen 127.0.0.1:0 ARGS` and waits for `listening on`.
    pub fn start(args: &[&std::ffi::OsStr]) -> Self {
        let mut child = Command::new(BIN)
            .args(["responder", "--listen", "127.0.0.1:0"])
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start staplekit responder");
        let stderr = capture(child.stderr.take().expect("stderr piped"));
        let stdout_pipe = child.stdout.take().expect("stdout piped");
        let stdout = Arc::new(Mutex::new(Vec::new()));
        let sink = stdout.clone();
        let (tx, rx) = mpsc::channel();
        thread::spawn(move || {
            let mut reader = BufReader::new(stdout_pipe);
            let mut line = String::new();
            let _ = reader.read_line(&mut line);
            let _ = tx.send(line);
            let mut chunk = [0u8; 4096];
            while let Ok(n @ 1..) = reader.read(&mut chunk) {
                sink.lock().unwrap().extend_from_slice(&chunk[..n]);
            }
        });
        let mut sidecar = Self {
            child,
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            stdout,
            stderr,
        };
        let line = rx.recv_timeout(START_TIMEOUT).unwrap_or_else(|_| {
            panic!(
                "the sidecar printed nothing within {START_TIMEOUT:?}; stderr:\n{}",
                sidecar.stderr()
            )
        });
        sidecar.addr = line
            .strip_prefix("listening on ")
            .and_then(|a| a.trim_end().parse().ok())
            .unwrap_or_else(|| {
                panic!(
                    "unexpected first line {line:?}; stderr:\n{}",
                    sidecar.stderr()
                )
            });
        sidecar
    }

    /// `http://ADDR/`.
    pub fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    /// What it printed on stdout after `listening on`, so far.
    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.stdout.lock().unwrap()).into_owned()
    }

    /// What it printed on stdout after `listening on`, once that contains `text` (the lines
    /// after `listening on` reach the test's reader thread a moment after it).
    pub fn stdout_once_it_has(&self, text: &str) -> String {
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            let stdout = self.stdout();
            if stdout.contains(text) {
                return stdout;
            }
            assert!(
                Instant::now() < deadline,
                "{text:?} not printed within {START_TIMEOUT:?}:\n{stdout}"
            );
            thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.stderr.lock().unwrap()).into_owned()
    }

    /// Waits until its stderr contains `text`.
    pub fn wait_for_log(&self, text: &str) {
        let deadline = Instant::now() + ANSWER_TIMEOUT;
        while !self.stderr().contains(text) {
            assert!(
                Instant::now() < deadline,
                "{text:?} not logged within {ANSWER_TIMEOUT:?}:\n{}",
                self.stderr()
            );
            thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Sidecar {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs a command to completion, bounded by [`CLIENT_TIMEOUT`].
pub fn run(command: &mut Command) -> Output {
    run_bounded(command, CLIENT_TIMEOUT).expect("the command finishes")
}

/// stdout then stderr of a finished command.
pub fn text(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned() + &String::from_utf8_lossy(&output.stderr)
}

/// `openssl ocsp` against `url` about `cert` (issued by `issuer`), the response verified against
/// `ca_file`: a real OCSP client. Returns its transcript.
pub fn openssl_ocsp(url: &str, issuer: &Path, cert: &Path, ca_file: &Path) -> String {
    text(&run(Command::new("openssl")
        .arg("ocsp")
        .arg("-issuer")
        .arg(issuer)
        .arg("-cert")
        .arg(cert)
        .arg("-CAfile")
        .arg(ca_file)
        .args(["-url", url])))
}

/// Asks with `openssl ocsp` until the answer says `{cert}: good` and verifies, within
/// [`ANSWER_TIMEOUT`] (the sidecar fetches in the background after `listening on`).
pub fn wait_for_good(sidecar: &Sidecar, issuer: &Path, cert: &Path, ca_file: &Path) -> String {
    let deadline = Instant::now() + ANSWER_TIMEOUT;
    let expected = format!("{}: good", cert.display());
    loop {
        let text = openssl_ocsp(&sidecar.url(), issuer, cert, ca_file);
        if text.contains(&expected) && text.contains("Response verify OK") {
            return text;
        }
        assert!(
            Instant::now() < deadline,
            "no verified good answer within {ANSWER_TIMEOUT:?}; last:\n{text}\nsidecar:\n{}",
            sidecar.stderr()
        );
        thread::sleep(Duration::from_millis(100));
    }
}
