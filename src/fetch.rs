//! Sending an OCSP request over HTTP and reading a bounded answer (RFC 6960 appendix A).

use std::io::Read;
use std::time::Duration;

use reqwest::blocking::Client;
use reqwest::redirect::Policy;
use url::Url;

use crate::ocsp::request::{http_request, HttpRequest};

/// Redirects followed at most; a redirect to another scheme is never followed.
const MAX_REDIRECTS: usize = 3;

/// How the HTTP client behaves (from `com.sun.security.ocsp.*` and `staplekit.*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HttpSettings {
    /// Connect timeout (`com.sun.security.ocsp.timeout`).
    pub connect_timeout: Duration,
    /// Read timeout (`com.sun.security.ocsp.readtimeout`).
    pub read_timeout: Duration,
    /// Whether short requests use GET (`com.sun.security.ocsp.useget`).
    pub use_get: bool,
    /// Largest body read (`staplekit.stapling.maxResponseBytes`).
    pub max_response_bytes: usize,
}

/// Why no response body was obtained.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TransportError {
    /// The HTTP client could not be built.
    #[error("cannot set up the HTTP client: {0}")]
    Setup(String),
    /// Could not connect to the responder.
    #[error("cannot connect to {url}: {reason}")]
    Connect {
        /// The responder.
        url: String,
        /// What failed.
        reason: String,
    },
    /// The responder did not answer in time.
    #[error("{url} did not answer within {timeout_ms} ms")]
    Timeout {
        /// The responder.
        url: String,
        /// The time allowed.
        timeout_ms: u128,
    },
    /// The responder answered with an HTTP status other than 200.
    #[error("{url} answered HTTP {status}")]
    HttpStatus {
        /// The responder.
        url: String,
        /// The HTTP status.
        status: u16,
    },
    /// The body is larger than allowed.
    #[error("{url} sent more than {limit} bytes")]
    TooLarge {
        /// The responder.
        url: String,
        /// The configured limit.
        limit: usize,
    },
    /// Any other I/O or protocol failure.
    #[error("exchange with {url} failed: {reason}")]
    Io {
        /// The responder.
        url: String,
        /// What failed.
        reason: String,
    },
}

impl TransportError {
    /// The kind of failure, for counting failures without their details.
    pub fn kind(&self) -> TransportKind {
        match self {
            TransportError::Setup(_) => TransportKind::Setup,
            TransportError::Connect { .. } => TransportKind::Connect,
            TransportError::Timeout { .. } => TransportKind::Timeout,
            TransportError::HttpStatus { .. } => TransportKind::HttpStatus,
            TransportError::TooLarge { .. } => TransportKind::TooLarge,
            TransportError::Io { .. } => TransportKind::Io,
        }
    }
}

/// The kinds of [`TransportError`], without their details: what statistics count.
///
/// Declared in the alphabetical order of their names, so that sorted statistics read in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TransportKind {
    /// [`TransportError::Connect`].
    Connect,
    /// [`TransportError::HttpStatus`].
    HttpStatus,
    /// [`TransportError::Io`].
    Io,
    /// [`TransportError::Setup`].
    Setup,
    /// [`TransportError::Timeout`].
    Timeout,
    /// [`TransportError::TooLarge`].
    TooLarge,
}

impl TransportKind {
    /// Every kind, in declaration order.
    pub const ALL: [TransportKind; 6] = [
        TransportKind::Connect,
        TransportKind::HttpStatus,
        TransportKind::Io,
        TransportKind::Setup,
        TransportKind::Timeout,
        TransportKind::TooLarge,
    ];

    /// A short stable name: `connect`, `http-status`, `io`, `setup`, `timeout`, `too-large`.
    pub fn name(self) -> &'static str {
        match self {
            TransportKind::Connect => "connect",
            TransportKind::HttpStatus => "http-status",
            TransportKind::Io => "io",
            TransportKind::Setup => "setup",
            TransportKind::Timeout => "timeout",
            TransportKind::TooLarge => "too-large",
        }
    }
}

/// A blocking HTTP client for OCSP, shared by the fetch threads.
#[derive(Debug, Clone)]
pub struct OcspHttpClient {
    client: Client,
    settings: HttpSettings,
}

impl OcspHttpClient {
    /// Builds the client. Must not be called from inside an async runtime (reqwest's blocking
    /// client runs its own).
    pub fn new(settings: HttpSettings) -> Result<Self, TransportError> {
        let redirects = Policy::custom(|attempt| {
            let same_scheme = attempt
                .previous()
                .first()
                .is_none_or(|first| first.scheme() == attempt.url().scheme());
            if attempt.previous().len() > MAX_REDIRECTS || !same_scheme {
                attempt.stop()
            } else {
                attempt.follow()
            }
        });
        let mut builder = Client::builder();
        // Zero means "no limit" for that phase, as for Java's URLConnection.
        if !settings.connect_timeout.is_zero() {
            builder = builder.connect_timeout(settings.connect_timeout);
        }
        // reqwest's blocking client has one timeout for the whole exchange; connect plus read is
        // the longest the JDK would wait. Without a read limit there is no overall limit either
        // (handshakes still wait at most jdk.tls.stapling.responseTimeout).
        builder = if settings.read_timeout.is_zero() {
            builder.timeout(None)
        } else {
            builder.timeout(settings.connect_timeout + settings.read_timeout)
        };
        let client = builder
            .redirect(redirects)
            .user_agent(concat!("staplekit/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| TransportError::Setup(e.to_string()))?;
        Ok(Self { client, settings })
    }

    /// The settings in force.
    pub fn settings(&self) -> &HttpSettings {
        &self.settings
    }

    /// Sends `request_der` to `responder` (GET or POST as the JDK chooses) and returns the body.
    pub fn send(&self, responder: &Url, request_der: &[u8]) -> Result<Vec<u8>, TransportError> {
        let target = http_request(responder, request_der, self.settings.use_get);
        let url = responder.as_str().to_owned();
        let builder = match &target {
            HttpRequest::Get(get) => self.client.get(get.as_str()),
            HttpRequest::Post(post) => self
                .client
                .post(post.as_str())
                .header("Content-Type", "application/ocsp-request")
                .body(request_der.to_vec()),
        };
        let response = builder
            .header("Accept", "application/ocsp-response")
            .send()
            .map_err(|e| self.classify(&url, e))?;
        let status = response.status().as_u16();
        if status != 200 {
            return Err(TransportError::HttpStatus { url, status });
        }
        let limit = self.settings.max_response_bytes;
        if response
            .content_length()
            .is_some_and(|len| len > limit as u64)
        {
            return Err(TransportError::TooLarge { url, limit });
        }
        let mut body = Vec::new();
        // Read one byte past the limit to tell "exactly the limit" from "more".
        response
            .take(limit as u64 + 1)
            .read_to_end(&mut body)
            .map_err(|e| TransportError::Io {
                url: url.clone(),
                reason: e.to_string(),
            })?;
        if body.len() > limit {
            return Err(TransportError::TooLarge { url, limit });
        }
        Ok(body)
    }

    fn classify(&self, url: &str, error: reqwest::Error) -> TransportError {
        if error.is_timeout() {
            TransportError::Timeout {
                url: url.to_owned(),
                timeout_ms: (self.settings.connect_timeout + self.settings.read_timeout)
                    .as_millis(),
            }
        } else if error.is_connect() {
            TransportError::Connect {
                url: url.to_owned(),
                reason: root_cause(&error),
            }
        } else {
            TransportError::Io {
                url: url.to_owned(),
                reason: root_cause(&error),
            }
        }
    }
}

/// The innermost error message: reqwest's own top-level text says little ("error sending request").
fn root_cause(error: &(dyn std::error::Error + 'static)) -> String {
    let mut cause = error;
    while let Some(next) = cause.source() {
        cause = next;
    }
    cause.to_string()
}
