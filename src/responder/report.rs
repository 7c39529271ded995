//! What each request came to: counted in the engine's statistics (`EngineStats::responder`) and
//! logged. Problems a client causes are logged once a minute per kind, with the count of those
//! left out, so a flood of bad requests cannot flood the log; each is also logged at debug level.

use std::fmt;
use std::net::SocketAddr;
use std::time::Instant;

use log::{debug, info, trace, Level};

use super::answer::Answer;
use super::http_head::HttpError;
use super::http_request::Phase;
use crate::engine::log_throttle::{LogThrottle, LOG_INTERVAL};
use crate::stats::{Counters, ResponderCounters};

/// Why a connection was closed without an answer.
#[derive(Debug)]
pub(crate) enum Dropped {
    /// `max_connections` were open.
    OverConnectionLimit(usize),
    /// Its thread could not be started.
    NoThread(std::io::Error),
    /// A deadline passed mid-request.
    TooSlow(Phase),
    /// The client closed mid-request.
    Truncated(Phase),
    /// Reading or writing failed.
    Io(std::io::Error),
}

impl fmt::Display for Dropped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let phase = |phase: &Phase| match phase {
            Phase::Head => "request line and headers",
            Phase::Body => "body",
        };
        match self {
            Dropped::OverConnectionLimit(max) => {
                write!(f, "{max} connections (max_connections) are open already")
            }
            Dropped::NoThread(e) => write!(f, "cannot start a thread for the connection: {e}"),
            Dropped::TooSlow(p) => write!(f, "its {} did not arrive in time", phase(p)),
            Dropped::Truncated(p) => write!(f, "it closed the connection mid-{}", phase(p)),
            Dropped::Io(e) => write!(f, "{e}"),
        }
    }
}

/// Kinds of problem, each logged at most once per interval.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Kind {
    Unauthorized,
    Malformed,
    Refused,
    OverLimit,
    Dropped,
    Accept,
}

/// Counts and logs what the responder does.
pub(crate) struct Reporter {
    throttle: LogThrottle<Kind>,
}

impl Reporter {
    pub(crate) fn new() -> Self {
        Self {
            throttle: LogThrottle::new(LOG_INTERVAL),
        }
    }

    /// Counts and logs an answer to `peer`.
    pub(crate) fn answered(&self, counters: &ResponderCounters, peer: SocketAddr, answer: &Answer) {
        match answer {
            Answer::Held(servable) => {
                Counters::bump(&counters.answered);
                trace!(
                    "local OCSP responder: answered {peer} with the held response ({} bytes)",
                    servable.der.len()
                );
            }
            Answer::Unauthorized(unheld) => {
                Counters::bump(&counters.unauthorized);
                self.log(
                    Kind::Unauthorized,
                    Level::Warn,
                    format_args!("{peer} asked about {unheld}; answered unauthorized"),
                );
            }
            Answer::MalformedRequest(problem) => {
                Counters::bump(&counters.malformed);
                self.log(
                    Kind::Malformed,
                    Level::Info,
                    format_args!("{peer} sent {problem}; answered malformedRequest"),
                );
            }
            Answer::Refused(error) => self.refused(counters, peer, *error),
            Answer::Stats => trace!("local OCSP responder: statistics for {peer}"),
        }
    }

    /// Counts and logs an HTTP refusal.
    pub(crate) fn refused(&self, counters: &ResponderCounters, peer: SocketAddr, error: HttpError) {
        Counters::bump(&counters.malformed);
        self.log(
            Kind::Refused,
            Level::Info,
            format_args!(
                "{peer} sent a {error}; answered HTTP {} and closed the connection",
                error.status()
            ),
        );
    }

    /// Counts and logs a connection closed unanswered.
    pub(crate) fn dropped(&self, counters: &ResponderCounters, peer: SocketAddr, why: Dropped) {
        Counters::bump(&counters.dropped_connections);
        let (kind, level) = match why {
            Dropped::OverConnectionLimit(_) | Dropped::NoThread(_) => {
                (Kind::OverLimit, Level::Warn)
            }
            _ => (Kind::Dropped, Level::Info),
        };
        self.log(
            kind,
            level,
            format_args!("closed the connection from {peer} unanswered: {why}"),
        );
    }

    /// Logs an accept failure (e.g. out of file descriptors).
    pub(crate) fn accept_failed(&self, error: &std::io::Error) {
        self.log(
            Kind::Accept,
            Level::Warn,
            format_args!("cannot accept a connection: {error}"),
        );
    }

    fn log(&self, kind: Kind, level: Level, message: fmt::Arguments<'_>) {
        match self.throttle.admit(&kind, Instant::now()) {
            Some(0) => log::log!(level, "local OCSP responder: {message}"),
            Some(left_out) => log::log!(
                level,
                "local OCSP responder: {message} ({left_out} more like it since the last such \
                 message)"
            ),
            None => debug!("local OCSP responder: {message}"),
        }
    }
}

/// Logs once, at start-up, where the responder listens.
pub(crate) fn started(addr: SocketAddr) {
    info!("local OCSP responder listening on http://{addr}/ (answers from held responses only)");
}
