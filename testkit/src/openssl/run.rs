//! Runs a command to completion within a time limit.

use std::io::Read;
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use super::{describe, OpensslError};

/// How often the child's status is polled while waiting.
const POLL: Duration = Duration::from_millis(10);

/// How long to wait for the pipes to close once the child has ended. A grandchild that inherited
/// them could keep them open forever; its output is then cut off rather than waited for.
const DRAIN: Duration = Duration::from_secs(1);

/// Runs `command` with stdin closed and stdout and stderr captured, killing it if it has not
/// finished after `timeout`. A non-zero exit is not an error: the caller reads `status`.
///
/// Meant for `openssl` client commands in tests and the demo (`openssl ocsp -url ...`,
/// `openssl verify ...`), which must never hang a test run.
pub fn run_bounded(command: &mut Command, timeout: Duration) -> Result<Output, OpensslError> {
    let described = describe(command);
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|source| OpensslError::Spawn {
            program: command.get_program().into(),
            source,
        })?;
    let stdout = Capture::start(child.stdout.take());
    let stderr = Capture::start(child.stderr.take());
    let deadline = Instant::now() + timeout;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() < deadline => thread::sleep(POLL),
            Ok(None) => {
                kill(&mut child);
                let output = [stdout.finish(), stderr.finish()]
                    .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
                    .concat();
                return Err(OpensslError::Timeout {
                    command: described,
                    what: "finish",
                    waited: timeout,
                    output,
                });
            }
            Err(source) => {
                kill(&mut child);
                return Err(OpensslError::Wait {
                    command: described,
                    source,
                });
            }
        }
    };
    Ok(Output {
        status,
        stdout: stdout.finish(),
        stderr: stderr.finish(),
    })
}

fn kill(child: &mut Child) {
    // Errors mean it has exited already, which is what killing is for.
    let _ = child.kill();
    let _ = child.wait();
}

/// One pipe read to its end by a thread of its own.
struct Capture {
    bytes: Arc<Mutex<Vec<u8>>>,
    done: Option<Receiver<()>>,
}

impl Capture {
    fn start(pipe: Option<impl Read + Send + 'static>) -> Self {
        let bytes = Arc::new(Mutex::new(Vec::new()));
        let Some(mut pipe) = pipe else {
            return Self { bytes, done: None };
        };
        let (tx, done) = mpsc::channel();
        let sink = Arc::clone(&bytes);
        thread::spawn(move || {
            let mut chunk = [0u8; 8192];
            // A read error ends the capture like end of file does.
            while let Ok(n @ 1..) = pipe.read(&mut chunk) {
                sink.lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner())
                    .extend_from_slice(&chunk[..n]);
            }
            // The receiver may have given up waiting already.
            let _ = tx.send(());
        });
        Self {
            bytes,
            done: Some(done),
        }
    }

    /// What was read, after waiting up to [`DRAIN`] for the end of the pipe.
    fn finish(&self) -> Vec<u8> {
        if let Some(done) = &self.done {
            // Either outcome is fine: done, or cut off after DRAIN.
            let _ = done.recv_timeout(DRAIN);
        }
        self.bytes
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn captures_both_pipes_and_the_status() {
        let out = run_bounded(
            Command::new("sh").args(["-c", "echo out; echo err >&2; exit 3"]),
            Duration::from_secs(10),
        )
        .unwrap();
        assert_eq!(out.status.code(), Some(3));
        assert_eq!(out.stdout, b"out\n");
        assert_eq!(out.stderr, b"err\n");
    }

    #[test]
    fn kills_a_command_that_runs_too_long() {
        let started = Instant::now();
        let err = run_bounded(
            // The background sleep keeps the pipes open after the shell is killed.
            Command::new("sh").args(["-c", "echo partial; sleep 3 & exec sleep 30"]),
            Duration::from_millis(300),
        )
        .unwrap_err();
        assert!(started.elapsed() < Duration::from_secs(5));
        match err {
            OpensslError::Timeout { output, what, .. } => {
                assert_eq!(what, "finish");
                assert_eq!(output, "partial\n");
            }
            other => panic!("unexpected {other}"),
        }
    }

    #[test]
    fn names_a_missing_program() {
        let err = run_bounded(
            &mut Command::new("/nonexistent/staplekit-no-such-program"),
            Duration::from_secs(1),
        )
        .unwrap_err();
        assert!(
            err.to_string().contains("staplekit-no-such-program"),
            "{err}"
        );
    }
}
