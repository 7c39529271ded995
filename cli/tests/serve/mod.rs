//! `staplekit serve` as a child process and `openssl s_client -status` against it, shared by the
//! serve tests and the fleet tests. Needs `mod child;` beside it.

#![allow(dead_code)] // Each test file uses part of it.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use super::child::{capture, run_client, HTTP_REQUEST};

pub const BIN: &str = env!("CARGO_BIN_EXE_staplekit");
/// How long `serve` may take to print `listening on`.
pub const START_TIMEOUT: Duration = Duration::from_secs(20);

/// A `staplekit serve` child process on 127.0.0.1:0, killed on drop.
pub struct Serve {
    child: Child,
    pub addr: SocketAddr,
    stderr: Arc<Mutex<Vec<u8>>>,
}

impl Serve {
    /// Starts `staplekit serve --cert CHAIN --key KEY --listen 127.0.0.1:0 EXTRA` and waits for
    /// `listening on`.
    pub fn start(chain: &Path, key: &Path, extra: &[&str]) -> Self {
        Self::spawn(&mut Self::command(chain, key, extra))
    }

    /// The command [`Serve::start`] runs, for a caller to add to (e.g. an environment variable)
    /// before [`Serve::spawn`].
    pub fn command(chain: &Path, key: &Path, extra: &[&str]) -> Command {
        let mut command = Command::new(BIN);
        command
            .arg("serve")
            .arg("--cert")
            .arg(chain)
            .arg("--key")
            .arg(key)
            .args(["--listen", "127.0.0.1:0"])
            .args(extra);
        command
    }

    /// Runs `command` (a `staplekit serve` command) and waits for `listening on`.
    pub fn spawn(command: &mut Command) -> Self {
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start staplekit serve");
        let stderr = capture(child.stderr.take().expect("stderr piped"));
        let stdout = child.stdout.take().expect("stdout piped");
        let (tx, rx) = mpsc::channel();
        thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = tx.send(line);
        });
        let mut serve = Self {
            child,
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            stderr,
        };
        let line = rx.recv_timeout(START_TIMEOUT).unwrap_or_else(|_| {
            panic!(
                "serve printed nothing within {START_TIMEOUT:?}; stderr:\n{}",
                serve.stderr()
            )
        });
        let addr = line
            .strip_prefix("listening on ")
            .and_then(|a| a.trim_end().parse().ok())
            .unwrap_or_else(|| {
                panic!(
                    "unexpected first line {line:?}; stderr:\n{}",
                    serve.stderr()
                )
            });
        serve.addr = addr;
        serve
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// What it logged so far.
    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.stderr.lock().unwrap()).into_owned()
    }

    /// Waits until its log contains `text`, at most `within`.
    pub fn wait_for_log(&self, text: &str, within: Duration) {
        let deadline = Instant::now() + within;
        while !self.stderr().contains(text) {
            assert!(
                Instant::now() < deadline,
                "{text:?} not logged within {within:?}:\n{}",
                self.stderr()
            );
            thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One `openssl s_client` connection to `serve` trusting `root`, with `extra` options; its
/// transcript.
pub fn s_client(serve: &Serve, root: &Path, extra: &[&str]) -> String {
    let connect = format!("127.0.0.1:{}", serve.port());
    let root = root.to_str().expect("UTF-8 temp path");
    let mut args = vec![
        "s_client",
        "-connect",
        &connect,
        "-servername",
        "localhost",
        "-CAfile",
        root,
        "-ign_eof",
    ];
    args.extend_from_slice(extra);
    let (_, text) = run_client("openssl", &args, HTTP_REQUEST);
    text
}

/// Connects with `s_client -status` until the staple says `Cert Status: {status}` (the chain is
/// fetched in the background after `listening on`), within `within`; returns that connection's
/// transcript.
pub fn wait_for_staple(serve: &Serve, root: &Path, status: &str, within: Duration) -> String {
    let deadline = Instant::now() + within;
    loop {
        let text = s_client(serve, root, &["-status"]);
        if text.contains(&format!("Cert Status: {status}")) {
            return text;
        }
        assert!(
            Instant::now() < deadline,
            "no {status} staple within {within:?}; last connection:\n{text}\nserve:\n{}",
            serve.stderr()
        );
        thread::sleep(Duration::from_millis(100));
    }
}
