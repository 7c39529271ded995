//! OpenSSL as a reference peer: its OCSP responder as a managed child process, and bounded runs
//! of `openssl` commands.
//!
//! [`OpensslResponder`] runs `openssl ocsp -index ... -port ...` for one CA, waits until it
//! listens, and kills it when dropped. Its URL usually has to be known before the certificates
//! that embed it are issued, so a test either lets it pick a port itself
//! ([`OpensslResponder::start`]) or reserves one first ([`reserve_port`], then
//! [`OpensslResponder::start_on`]).
//!
//! OpenSSL listens on all interfaces (`[::]`, dual-stack); `-port` cannot be narrowed to loopback.
//! The URLs handed out always use 127.0.0.1.

mod ocsp_responder;
mod output;
mod port;
mod run;

use std::io;
use std::path::PathBuf;
use std::process::ExitStatus;
use std::time::Duration;

pub use ocsp_responder::{OpensslResponder, ResponderConfig};
pub use port::{reserve_port, ReservedPort};
pub use run::run_bounded;

/// Why OpenSSL could not be started or did not answer in time.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OpensslError {
    /// No loopback port could be bound.
    #[error("cannot reserve a port on 127.0.0.1: {source}")]
    Reserve {
        /// What the system said.
        source: io::Error,
    },
    /// The responder did not accept a connection, or it broke.
    #[error("cannot talk to the responder on 127.0.0.1:{port}: {source}")]
    Connect {
        /// Its port.
        port: u16,
        /// What the system said.
        source: io::Error,
    },
    /// The responder did not answer its health check (`GET /`) with 200.
    #[error("the responder on 127.0.0.1:{port} answered GET / with {status_line:?}, not 200")]
    HealthCheck {
        /// Its port.
        port: u16,
        /// The first line of its answer.
        status_line: String,
    },
    /// The program could not be started.
    #[error("cannot start {}: {source}", program.display())]
    Spawn {
        /// The program, e.g. `openssl`.
        program: PathBuf,
        /// What the system said.
        source: io::Error,
    },
    /// The program's status could not be read.
    #[error("cannot wait for `{command}`: {source}")]
    Wait {
        /// The command line.
        command: String,
        /// What the system said.
        source: io::Error,
    },
    /// The responder exited before it was listening (bad arguments, unreadable files, ...).
    #[error("`{command}` exited with {status} before listening; its output:\n{output}")]
    Exited {
        /// The command line.
        command: String,
        /// How it ended.
        status: ExitStatus,
        /// What it printed.
        output: String,
    },
    /// The responder's port stayed taken by someone else.
    #[error(
        "`{command}` could not bind port {port} in {attempts} attempts; its last output:\n{output}"
    )]
    PortInUse {
        /// The command line of the last attempt.
        command: String,
        /// The port.
        port: u16,
        /// How many starts were tried.
        attempts: u32,
        /// What the last attempt printed.
        output: String,
    },
    /// The responder was started on port 0 but never said which port it got.
    #[error("`{command}` is listening but did not print its port (\"ACCEPT ...\"); its output:\n{output}")]
    NoPort {
        /// The command line.
        command: String,
        /// What it printed.
        output: String,
    },
    /// The program did not get ready (a responder) or finish (a command) in time; it was killed.
    #[error("`{command}` did not {what} within {waited:?}; its output so far:\n{output}")]
    Timeout {
        /// The command line.
        command: String,
        /// "start listening" or "finish".
        what: &'static str,
        /// The time allowed.
        waited: Duration,
        /// What it printed.
        output: String,
    },
}

/// A command line for messages: the program and its arguments, space-separated.
fn describe(command: &std::process::Command) -> String {
    std::iter::once(command.get_program())
        .chain(command.get_args())
        .map(|s| s.to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}
