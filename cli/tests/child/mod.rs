//! Child processes of the CLI tests: their output read on threads of their own, and TLS
//! clients run to completion within a bound.

#![allow(dead_code)] // Each test file uses part of it.

use std::io::{Read, Write};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// How long one client run may take.
pub const CLIENT_TIMEOUT: Duration = Duration::from_secs(20);
/// What the clients send once connected.
pub const HTTP_REQUEST: &[u8] = b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n";

/// Reads a pipe to its end on a thread of its own.
pub fn capture(mut pipe: impl Read + Send + 'static) -> Arc<Mutex<Vec<u8>>> {
    let bytes = Arc::new(Mutex::new(Vec::new()));
    let sink = bytes.clone();
    thread::spawn(move || {
        let mut chunk = [0u8; 4096];
        while let Ok(n @ 1..) = pipe.read(&mut chunk) {
            sink.lock().unwrap().extend_from_slice(&chunk[..n]);
        }
    });
    bytes
}

/// Runs a client with `input` on stdin (then closed), killing it after [`CLIENT_TIMEOUT`].
/// Returns its status and its stdout followed by its stderr.
pub fn run_client(program: &str, args: &[&str], input: &[u8]) -> (ExitStatus, String) {
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {program}: {e}"));
    let mut stdin = child.stdin.take().expect("stdin piped");
    let input = input.to_vec();
    thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let stdout = capture(child.stdout.take().expect("stdout piped"));
    let stderr = capture(child.stderr.take().expect("stderr piped"));
    let deadline = Instant::now() + CLIENT_TIMEOUT;
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for the client") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "{program} {args:?} did not finish within {CLIENT_TIMEOUT:?}:\n{}{}",
                String::from_utf8_lossy(&stdout.lock().unwrap()),
                String::from_utf8_lossy(&stderr.lock().unwrap())
            );
        }
        thread::sleep(Duration::from_millis(10));
    };
    // The capture threads end with the pipes; give them a moment.
    thread::sleep(Duration::from_millis(50));
    let text = String::from_utf8_lossy(&stdout.lock().unwrap()).into_owned()
        + &String::from_utf8_lossy(&stderr.lock().unwrap());
    (status, text)
}
