//! Collects a child's stdout and stderr line by line, for readiness checks and diagnostics.
//!
//! One thread per pipe keeps reading, so the child never blocks on a full pipe; lines go into a
//! shared transcript (capped) and, while someone listens, to a channel.

use std::io::{BufRead, BufReader, Read};
use std::process::Child;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::{self, JoinHandle};
use std::time::Instant;

/// The transcript keeps at most this many bytes; a long-running responder could otherwise grow it
/// without bound.
const MAX_TRANSCRIPT: usize = 256 * 1024;

/// Which pipe a line came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Stream {
    Stdout,
    Stderr,
}

impl Stream {
    fn label(self) -> &'static str {
        match self {
            Self::Stdout => "stdout",
            Self::Stderr => "stderr",
        }
    }
}

/// What [`Collector::next_line`] saw.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Next {
    /// A line, without its line end.
    Line(Stream, String),
    /// Both pipes are closed: the child has exited (or closed them).
    Closed,
    /// The deadline passed.
    TimedOut,
}

/// The reader threads of one child and what they collected.
pub(crate) struct Collector {
    transcript: Arc<Mutex<String>>,
    lines: Option<Receiver<(Stream, String)>>,
    readers: Vec<JoinHandle<()>>,
}

impl std::fmt::Debug for Collector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Collector")
            .field("transcript_len", &lock(&self.transcript).len())
            .field("listening", &self.lines.is_some())
            .finish()
    }
}

impl Collector {
    /// Starts reading the child's piped stdout and stderr (those not piped are skipped).
    pub(crate) fn attach(child: &mut Child) -> Self {
        let transcript = Arc::new(Mutex::new(String::new()));
        let (tx, rx) = mpsc::channel();
        let mut readers = Vec::new();
        if let Some(out) = child.stdout.take() {
            readers.push(spawn_reader(out, Stream::Stdout, &transcript, tx.clone()));
        }
        if let Some(err) = child.stderr.take() {
            readers.push(spawn_reader(err, Stream::Stderr, &transcript, tx));
        }
        Self {
            transcript,
            lines: Some(rx),
            readers,
        }
    }

    /// The next line from either pipe, waiting until `deadline` at most.
    pub(crate) fn next_line(&self, deadline: Instant) -> Next {
        let Some(lines) = &self.lines else {
            return Next::Closed;
        };
        let wait = deadline.saturating_duration_since(Instant::now());
        match lines.recv_timeout(wait) {
            Ok((stream, line)) => Next::Line(stream, line),
            Err(RecvTimeoutError::Timeout) => Next::TimedOut,
            Err(RecvTimeoutError::Disconnected) => Next::Closed,
        }
    }

    /// Stops delivering lines to [`Collector::next_line`]; they still go into the transcript.
    /// Called once nobody will read them, so they do not pile up in the channel.
    pub(crate) fn stop_listening(&mut self) {
        self.lines = None;
    }

    /// Everything collected so far, each line prefixed with its pipe's name.
    pub(crate) fn transcript(&self) -> String {
        lock(&self.transcript).clone()
    }

    /// Waits for both pipes to close (call it after the child is dead) and returns the transcript.
    pub(crate) fn finish(&mut self) -> String {
        self.lines = None;
        for reader in self.readers.drain(..) {
            // A reader thread only ends by itself; a panic in it has nothing left to clean up.
            let _ = reader.join();
        }
        self.transcript()
    }
}

/// Locks the transcript; a panicked reader cannot leave it inconsistent (it only appends whole
/// lines), so a poisoned lock is used as is.
fn lock(transcript: &Mutex<String>) -> MutexGuard<'_, String> {
    transcript
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn spawn_reader(
    pipe: impl Read + Send + 'static,
    stream: Stream,
    transcript: &Arc<Mutex<String>>,
    lines: Sender<(Stream, String)>,
) -> JoinHandle<()> {
    let transcript = Arc::clone(transcript);
    thread::spawn(move || {
        let mut reader = BufReader::new(pipe);
        let mut buf = Vec::new();
        // A read error ends the stream just like end of file: the child is gone or broke its pipe.
        while matches!(reader.read_until(b'\n', &mut buf), Ok(n) if n > 0) {
            let text = String::from_utf8_lossy(&buf);
            let line = text.trim_end_matches(['\r', '\n']).to_owned();
            buf.clear();
            append(&transcript, stream, &line);
            // Nobody listening any more is fine: the transcript has the line.
            let _ = lines.send((stream, line));
        }
    })
}

fn append(transcript: &Mutex<String>, stream: Stream, line: &str) {
    let mut text = lock(transcript);
    if text.len() >= MAX_TRANSCRIPT {
        return;
    }
    text.push_str(stream.label());
    text.push_str(": ");
    text.push_str(line);
    text.push('\n');
    if text.len() >= MAX_TRANSCRIPT {
        text.push_str("[further output dropped]\n");
    }
}

#[cfg(test)]
mod tests {
    use std::process::{Command, Stdio};
    use std::time::Duration;

    use super::*;

    fn sh(script: &str) -> Child {
        Command::new("sh")
            .args(["-c", script])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    }

    #[test]
    fn delivers_lines_from_both_pipes_then_closed() {
        let mut child = sh("echo out; echo err >&2");
        let mut collector = Collector::attach(&mut child);
        let deadline = Instant::now() + Duration::from_secs(10);
        let mut seen = Vec::new();
        loop {
            match collector.next_line(deadline) {
                Next::Line(stream, line) => seen.push((stream, line)),
                Next::Closed => break,
                Next::TimedOut => panic!("timed out; saw {seen:?}"),
            }
        }
        child.wait().unwrap();
        seen.sort_by_key(|(s, _)| s.label());
        assert_eq!(
            seen,
            [
                (Stream::Stderr, "err".to_owned()),
                (Stream::Stdout, "out".to_owned())
            ]
        );
        let transcript = collector.finish();
        assert!(transcript.contains("stdout: out\n"), "{transcript}");
        assert!(transcript.contains("stderr: err\n"), "{transcript}");
    }

    #[test]
    fn times_out_while_the_child_is_silent() {
        let mut child = sh("sleep 5");
        let mut collector = Collector::attach(&mut child);
        let started = Instant::now();
        let next = collector.next_line(started + Duration::from_millis(100));
        assert_eq!(next, Next::TimedOut);
        assert!(started.elapsed() < Duration::from_secs(3));
        child.kill().unwrap();
        child.wait().unwrap();
        assert_eq!(collector.finish(), "");
    }

    #[test]
    fn transcript_is_capped() {
        let mut child = sh("yes 0123456789012345678901234567890123456789 | head -c 600000");
        let mut collector = Collector::attach(&mut child);
        child.wait().unwrap();
        let transcript = collector.finish();
        assert!(transcript.len() < MAX_TRANSCRIPT + 200);
        assert!(transcript.ends_with("[further output dropped]\n"));
    }
}
