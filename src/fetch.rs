//! Sending an OCSP request over HTTP and reading a bounded answer (RFC 6960 appendix A).

mod proxy;

use std::sync::Arc;
use std::time::Duration;

use reqwest::redirect::Policy;
use reqwest::{Client, Proxy};
use tokio::runtime::Runtime;
use url::Url;

use crate::ocsp::request::{http_request, HttpRequest};
pub use proxy::{ProxyAddress, ProxySettings};

/// Redirects followed at most; a redirect to another scheme, host or port is never followed.
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
///
/// Each exchange (name lookup, connect, TLS, request, headers and body, redirects included) runs
/// under one wall-clock deadline of connect + read timeout. reqwest's blocking client restarts its
/// read timeout on every read, so a responder trickling one byte at a time held a fetch thread for
/// as long as it liked; here reqwest's async client runs on a small runtime of the client's own and
/// the whole exchange sits under `tokio::time::timeout`, which drops the connection when it fires.
/// (A hand-made reader with per-read timeouts set to the time remaining would cover the body only,
/// not the lookup, the TLS handshake or the headers, and would mean writing an HTTP client.)
///
/// Redirects are followed to the same scheme, host and port only, at most three; proxies are used
/// only as [`ProxySettings`] say, never from `HTTP_PROXY` and the like.
#[derive(Debug, Clone)]
pub struct OcspHttpClient {
    client: Client,
    runtime: Arc<HttpRuntime>,
    settings: HttpSettings,
}

impl OcspHttpClient {
    /// Builds a client that connects directly (no proxy). Must not be called from inside an async
    /// runtime, and neither must [`OcspHttpClient::send`] (it blocks on the client's own).
    pub fn new(settings: HttpSettings) -> Result<Self, TransportError> {
        Self::with_proxies(settings, ProxySettings::default())
    }

    /// Builds a client that goes through the proxies `proxies` names (the JDK's `http.proxyHost`
    /// and friends); environment variables such as `HTTP_PROXY` are ignored.
    pub fn with_proxies(
        settings: HttpSettings,
        proxies: ProxySettings,
    ) -> Result<Self, TransportError> {
        let setup = |e: &dyn std::fmt::Display| TransportError::Setup(e.to_string());
        let redirects = Policy::custom(|attempt| {
            let Some(first) = attempt.previous().first() else {
                return attempt.follow();
            };
            if !same_origin(first, attempt.url()) {
                // A responder must not make this server send requests elsewhere (to loopback or
                // a cloud metadata address, say): the redirect is answered as the HTTP status.
                log::warn!(
                    "not following the redirect from {first} to {}: only redirects to the same scheme, host and port are followed",
                    attempt.url()
                );
                attempt.stop()
            } else if attempt.previous().len() > MAX_REDIRECTS {
                attempt.stop()
            } else {
                attempt.follow()
            }
        });
        let mut builder = Client::builder()
            // Not HTTP_PROXY, HTTPS_PROXY, ALL_PROXY: the JDK ignores them too, and a variable
            // meant for other programs must not redirect OCSP traffic.
            .no_proxy()
            .redirect(redirects)
            .user_agent(concat!("staplekit/", env!("CARGO_PKG_VERSION")));
        if proxies.is_configured() {
            builder = builder.proxy(Proxy::custom(move |url| proxies.proxy_for(url)));
        }
        // Zero means "no limit" for that phase, as for Java's URLConnection.
        if !settings.connect_timeout.is_zero() {
            builder = builder.connect_timeout(settings.connect_timeout);
        }
        let client = builder.build().map_err(|e| setup(&e))?;
        // One worker drives the sockets and timers; the fetch threads block on their own
        // exchange. OCSP answers are small, so one worker keeps up with every fetch thread.
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("staplekit-http")
            .enable_all()
            .build()
            .map_err(|e| setup(&e))?;
        Ok(Self {
            client,
            runtime: Arc::new(HttpRuntime(Some(runtime))),
            settings,
        })
    }

    /// The settings in force.
    pub fn settings(&self) -> &HttpSettings {
        &self.settings
    }

    /// The most one exchange may take: connect + read timeout, or no limit when the read timeout
    /// is zero (handshakes still wait at most `jdk.tls.stapling.responseTimeout`).
    pub fn deadline(&self) -> Option<Duration> {
        (!self.settings.read_timeout.is_zero())
            .then(|| self.settings.connect_timeout + self.settings.read_timeout)
    }

    /// Sends `request_der` to `responder` (GET or POST as the JDK chooses) and returns the body,
    /// within [`OcspHttpClient::deadline`] or [`TransportError::Timeout`].
    pub fn send(&self, responder: &Url, request_der: &[u8]) -> Result<Vec<u8>, TransportError> {
        let exchange = self.exchange(responder, request_der);
        let Some(deadline) = self.deadline() else {
            return self.runtime.handle().block_on(exchange);
        };
        self.runtime.handle().block_on(async {
            tokio::time::timeout(deadline, exchange)
                .await
                .unwrap_or_else(|_| Err(self.timeout(responder.as_str())))
        })
    }

    async fn exchange(
        &self,
        responder: &Url,
        request_der: &[u8],
    ) -> Result<Vec<u8>, TransportError> {
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
        let mut response = builder
            .header("Accept", "application/ocsp-response")
            .send()
            .await
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
        // Checked before each chunk is kept: at most the limit is held, whatever the length said.
        while let Some(chunk) = response.chunk().await.map_err(|e| self.classify(&url, e))? {
            if body.len() + chunk.len() > limit {
                return Err(TransportError::TooLarge { url, limit });
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    }

    fn timeout(&self, url: &str) -> TransportError {
        TransportError::Timeout {
            url: url.to_owned(),
            timeout_ms: (self.settings.connect_timeout + self.settings.read_timeout).as_millis(),
        }
    }

    fn classify(&self, url: &str, error: reqwest::Error) -> TransportError {
        if error.is_timeout() {
            self.timeout(url)
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

/// The client's runtime, shut down without waiting when the last client goes: dropping a runtime
/// normally waits for its tasks and panics inside another runtime.
#[derive(Debug)]
struct HttpRuntime(Option<Runtime>);

impl HttpRuntime {
    fn handle(&self) -> &tokio::runtime::Handle {
        // Some until drop, which is the only place that takes it.
        match &self.0 {
            Some(runtime) => runtime.handle(),
            None => unreachable!("the HTTP runtime is only taken when dropped"),
        }
    }
}

impl Drop for HttpRuntime {
    fn drop(&mut self) {
        if let Some(runtime) = self.0.take() {
            runtime.shutdown_background();
        }
    }
}

/// Whether a redirect target is on the responder's own origin: same scheme, host and port.
fn same_origin(from: &Url, to: &Url) -> bool {
    from.scheme() == to.scheme()
        && from.host() == to.host()
        && from.port_or_known_default() == to.port_or_known_default()
}

/// The innermost error message: reqwest's own top-level text says little ("error sending request").
fn root_cause(error: &(dyn std::error::Error + 'static)) -> String {
    let mut cause = error;
    while let Some(next) = cause.source() {
        cause = next;
    }
    cause.to_string()
}
