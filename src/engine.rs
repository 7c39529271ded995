//! The stapling engine: from a ClientHello's status request and a chain to the bytes a server sends.

use std::sync::mpsc;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use log::{debug, info, warn};
use url::Url;
use x509_cert::ext::Extension;

use crate::cache::ResponseCache;
use crate::chain::{Chain, ChainCertificate, ChainError, IssuerStore};
use crate::config::StaplingConfig;
use crate::fetch::{HttpSettings, OcspHttpClient};
use crate::ocsp::request::{encode_request, nonce_of};
use crate::ocsp::{
    verify_response, CertIdentity, Expected, Status, VerifiedResponse, VerifyPolicy,
};
use crate::report::{CertificateReport, FetchFailure, Outcome, SkipReason};
use crate::tls::{
    self, ClientStatusRequest, ExtensionError, ExtensionType, OcspStatusRequest, Selection,
    SelectionPolicy,
};

/// What a handshake staples, computed before the ServerHello is written: when the engine returns
/// no staple, the server must not assert any status extension (as the JDK does).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Staple {
    /// TLS 1.2 and earlier: assert `extension` (empty data) in the ServerHello and send `message`
    /// as the body of the CertificateStatus handshake message.
    CertificateStatus {
        /// `status_request` or `status_request_v2`.
        extension: ExtensionType,
        /// The CertificateStatus body: `ocsp` or `ocsp_multi`.
        message: Vec<u8>,
    },
    /// TLS 1.3: per certificate of the chain, the data of the `status_request` extension of its
    /// CertificateEntry (`01 | uint24 | DER`), or `None` for no extension.
    Tls13 {
        /// One item per certificate, leaf first.
        entries: Vec<Option<Vec<u8>>>,
    },
}

impl Staple {
    /// The DER OCSP responses this staple carries, one item per certificate of the chain (leaf
    /// first, `None` where there is none). A TLS <= 1.2 `ocsp` staple has the leaf's only. For TLS
    /// stacks that take responses rather than encoded messages (Bouncy Castle's
    /// `CertificateStatus`, for one).
    pub fn ocsp_responses(&self) -> Vec<Option<Vec<u8>>> {
        // The engine encoded these bytes itself, so they parse; were they ever not to, the
        // certificate would simply get no response here.
        let decode_failed = |e: ExtensionError| warn!("cannot read back a staple: {e}");
        match self {
            Staple::CertificateStatus { message, .. } => {
                match tls::parse_certificate_status(message).map_err(decode_failed) {
                    Ok(tls::CertificateStatus::Ocsp(der)) => vec![Some(der)],
                    Ok(tls::CertificateStatus::OcspMulti(list)) => list,
                    Err(()) => Vec::new(),
                }
            }
            Staple::Tls13 { entries } => entries
                .iter()
                .map(|entry| {
                    let data = entry.as_deref()?;
                    tls::parse_certificate_entry_status_request(data)
                        .map_err(decode_failed)
                        .ok()
                })
                .collect(),
        }
    }
}

/// Why an engine could not be built.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// `staplekit.stapling.issuers` could not be read.
    #[error("staplekit.stapling.issuers: {0}")]
    Issuers(ChainError),
    /// The HTTP client could not be set up.
    #[error(transparent)]
    Http(#[from] crate::fetch::TransportError),
    /// The fetch thread pool could not be started.
    #[error("cannot start the fetch thread pool: {0}")]
    Pool(String),
}

/// What one fetch needs, owned so it can run on a pool thread.
struct FetchJob {
    index: usize,
    id: CertIdentity,
    issuer_der: Arc<[u8]>,
    responder: Url,
    extensions: Vec<Extension>,
    subject: String,
}

/// State shared with the fetch threads.
struct Shared {
    config: StaplingConfig,
    cache: ResponseCache,
    http: OcspHttpClient,
}

/// An OCSP stapling engine: configuration, response cache, HTTP client and fetch pool.
///
/// `Send + Sync`: one engine serves every handshake of a server. Parse each certificate chain once
/// with [`StaplingEngine::parse_chain`] and pass it to every handshake that sends it.
pub struct StaplingEngine {
    shared: Arc<Shared>,
    pool: rayon::ThreadPool,
    issuers: IssuerStore,
}

impl StaplingEngine {
    /// Builds an engine. Reads `staplekit.stapling.issuers` now, so a bad file fails at start-up.
    pub fn new(config: StaplingConfig) -> Result<Self, EngineError> {
        let issuers = match &config.issuers_file {
            Some(path) => IssuerStore::load(path).map_err(EngineError::Issuers)?,
            None => IssuerStore::default(),
        };
        let http = OcspHttpClient::new(HttpSettings {
            connect_timeout: config.ocsp_connect_timeout,
            read_timeout: config.ocsp_read_timeout,
            use_get: config.ocsp_use_get,
            max_response_bytes: config.max_response_bytes,
        })?;
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(config.fetch_threads)
            .thread_name(|i| format!("staplekit-fetch-{i}"))
            .build()
            .map_err(|e| EngineError::Pool(e.to_string()))?;
        let cache = ResponseCache::new(config.cache_size, config.cache_lifetime);
        Ok(Self {
            shared: Arc::new(Shared {
                config,
                cache,
                http,
            }),
            pool,
            issuers,
        })
    }

    /// The configuration in force.
    pub fn config(&self) -> &StaplingConfig {
        &self.shared.config
    }

    /// Parses a DER chain (leaf first), finding issuers in the chain or in
    /// `staplekit.stapling.issuers`.
    pub fn parse_chain(&self, der_chain: Vec<Vec<u8>>) -> Result<Chain, ChainError> {
        Chain::parse(der_chain, &self.issuers)
    }

    /// What the ServerHello would assert for this ClientHello, before any response is fetched.
    pub fn select(
        &self,
        hello: &ClientStatusRequest<'_>,
        chain_len: usize,
    ) -> Result<Selection, ExtensionError> {
        tls::select(hello, chain_len, &self.selection_policy())
    }

    /// Decides and builds what to staple for a handshake: selects as the JDK does, gathers the
    /// responses (cache, else fetch, waiting at most `jdk.tls.stapling.responseTimeout`), and
    /// encodes them. `Ok(None)`: assert nothing, staple nothing. `Err`: the status extension the
    /// client sent is malformed (answer with a decode_error alert).
    pub fn staple(
        &self,
        hello: &ClientStatusRequest<'_>,
        chain: &Chain,
    ) -> Result<Option<Staple>, ExtensionError> {
        let selection = self.select(hello, chain.len())?;
        Ok(self.staple_selection(&selection, chain))
    }

    /// Builds the staple for a selection already made.
    pub fn staple_selection(&self, selection: &Selection, chain: &Chain) -> Option<Staple> {
        let (request, wanted): (&OcspStatusRequest, Vec<usize>) = match selection {
            Selection::None => return None,
            Selection::StatusRequest(r) | Selection::StatusRequestV2Ocsp(r) => (r, vec![0]),
            Selection::StatusRequestV2OcspMulti(r) | Selection::Tls13PerCertificate(r) => {
                (r, (0..chain.len()).collect())
            }
        };
        let responses = self.responses(chain, &wanted, request);
        let der = |i: usize| responses[i].as_ref().map(|r| &r.der[..]);
        match selection {
            Selection::None => None,
            Selection::StatusRequest(_) | Selection::StatusRequestV2Ocsp(_) => {
                let extension = selection.server_hello_extension()?;
                let message = encoded(tls::certificate_status_ocsp(der(0)?))?;
                Some(Staple::CertificateStatus { extension, message })
            }
            Selection::StatusRequestV2OcspMulti(_) => {
                let list: Vec<Option<&[u8]>> = (0..chain.len()).map(der).collect();
                if list.iter().all(Option::is_none) {
                    return None;
                }
                Some(Staple::CertificateStatus {
                    extension: selection.server_hello_extension()?,
                    message: encoded(tls::certificate_status_ocsp_multi(&list))?,
                })
            }
            Selection::Tls13PerCertificate(_) => {
                // The JDK client pairs TLS 1.3 responses with entries in order of the entries
                // that carry one, so an intermediate's response without the leaf's would be read
                // as the leaf's: staple nothing unless the leaf has its response.
                der(0)?;
                let entries = (0..chain.len())
                    .map(|i| der(i).and_then(|d| encoded(tls::certificate_entry_status_request(d))))
                    .collect();
                Some(Staple::Tls13 { entries })
            }
        }
    }

    /// The leaf's response for a plain `status_request` without extensions: what a rustls server
    /// staples (rustls sends the leaf's response only).
    pub fn leaf_response(&self, chain: &Chain) -> Option<Arc<[u8]>> {
        let request = OcspStatusRequest::default();
        self.responses(chain, &[0], &request)[0]
            .as_ref()
            .map(|r| r.der.clone())
    }

    /// Starts fetching a response for every certificate of `chain` that has none in the cache, and
    /// returns at once; the handshakes that follow find them there. For servers that load a chain
    /// at start-up (the JDK has no equivalent: its first handshake waits for the fetches).
    pub fn prefetch(&self, chain: &Chain) {
        let all: Vec<usize> = (0..chain.len()).collect();
        // Nobody waits: each fetch fills the cache, and its result has no receiver.
        let _ = self.start(chain, &all, &[], true);
    }

    /// Asks every certificate's responder now (the cache is not consulted, but is filled), waiting
    /// at most `wait`, and reports each certificate. For tools and diagnostics.
    pub fn check_chain(&self, chain: &Chain, wait: Duration) -> Vec<CertificateReport> {
        let all: Vec<usize> = (0..chain.len()).collect();
        let (mut outcomes, pending) = self.start(chain, &all, &[], false);
        let deadline = Instant::now() + wait;
        receive(&pending, &mut outcomes, deadline);
        chain
            .certificates()
            .iter()
            .enumerate()
            .map(|(index, cert)| CertificateReport {
                index,
                subject: cert.subject.clone(),
                serial_hex: cert.serial_hex.clone(),
                responder: self.responder_for(cert),
                outcome: outcomes[index].take().unwrap_or(Outcome::Failed(
                    FetchFailure::DeadlinePassed(wait.as_millis()),
                )),
            })
            .collect()
    }

    fn selection_policy(&self) -> SelectionPolicy {
        let config = &self.shared.config;
        SelectionPolicy {
            server_enabled: config.server_enabled,
            status_request_disabled: config.status_request_disabled(),
            status_request_v2_disabled: config.status_request_v2_disabled(),
        }
    }

    /// Responses for the `wanted` certificates (by index; `None` where there is none to staple).
    fn responses(
        &self,
        chain: &Chain,
        wanted: &[usize],
        request: &OcspStatusRequest,
    ) -> Vec<Option<Arc<VerifiedResponse>>> {
        let forwarded: &[Extension] = if self.shared.config.ignore_extensions {
            &[]
        } else {
            &request.extensions
        };
        // A request with a nonce asks for a fresh answer: never a cached one.
        let use_cache = nonce_of(forwarded).is_none();
        let (mut outcomes, pending) = self.start(chain, wanted, forwarded, use_cache);
        let deadline = Instant::now() + self.shared.config.response_timeout;
        receive(&pending, &mut outcomes, deadline);
        outcomes
            .into_iter()
            .map(|outcome| match outcome {
                Some(Outcome::Verified(r)) if r.is_stapleable() => Some(r),
                _ => None,
            })
            .collect()
    }

    /// Fills outcomes from the cache (when allowed) and starts fetches for the rest. Returns the
    /// outcomes so far and the receiver of the fetches' results with how many to expect.
    fn start(
        &self,
        chain: &Chain,
        wanted: &[usize],
        extensions: &[Extension],
        use_cache: bool,
    ) -> (Vec<Option<Outcome>>, Pending) {
        let now = SystemTime::now();
        let mut outcomes: Vec<Option<Outcome>> = vec![None; chain.len()];
        let (sender, receiver) = mpsc::channel();
        let mut expected = 0;
        for &index in wanted {
            let cert = &chain.certificates()[index];
            let job = match self.job_for(index, cert, extensions) {
                Ok(job) => job,
                Err(skip) => {
                    debug!("no OCSP for {} (certificate {index}): {skip}", cert.subject);
                    outcomes[index] = Some(Outcome::Skipped(skip));
                    continue;
                }
            };
            if use_cache {
                if let Some(hit) = self.shared.cache.get(&job.id, now) {
                    outcomes[index] = Some(Outcome::Verified(hit));
                    continue;
                }
            }
            expected += 1;
            let shared = self.shared.clone();
            let sender = sender.clone();
            self.pool.spawn(move || {
                let result = shared.fetch(&job);
                // The handshake may have stopped waiting; the response is cached all the same.
                let _ = sender.send((job.index, result));
            });
        }
        (outcomes, Pending { receiver, expected })
    }

    fn job_for(
        &self,
        index: usize,
        cert: &ChainCertificate,
        extensions: &[Extension],
    ) -> Result<FetchJob, SkipReason> {
        if cert.self_signed {
            return Err(SkipReason::SelfSigned);
        }
        if cert.ocsp_nocheck {
            return Err(SkipReason::NoCheck);
        }
        let (Some(id), Some(issuer_der)) = (&cert.id, &cert.issuer_der) else {
            return Err(SkipReason::NoIssuer);
        };
        let responder = self.responder_for(cert).ok_or(SkipReason::NoResponder)?;
        Ok(FetchJob {
            index,
            id: id.clone(),
            issuer_der: issuer_der.clone(),
            responder,
            extensions: extensions.to_vec(),
            subject: cert.subject.clone(),
        })
    }

    /// The JDK's choice: `responderURI` when `responderOverride`, else the AIA URL, else
    /// `responderURI` as a fallback.
    fn responder_for(&self, cert: &ChainCertificate) -> Option<Url> {
        let config = &self.shared.config;
        if cert.ocsp_nocheck || cert.self_signed {
            return None;
        }
        match (&config.responder_uri, config.responder_override) {
            (Some(uri), true) => Some(uri.clone()),
            (fallback, _) => cert.aia_ocsp_url.clone().or_else(|| fallback.clone()),
        }
    }
}

/// An encoding the TLS limits refuse (a response list over 2^24-1 bytes) is stapled as nothing.
fn encoded(result: Result<Vec<u8>, tls::EncodeError>) -> Option<Vec<u8>> {
    result.map_err(|e| warn!("not stapling: {e}")).ok()
}

/// Fetch results still to come.
struct Pending {
    receiver: mpsc::Receiver<(usize, Result<Arc<VerifiedResponse>, FetchFailure>)>,
    expected: usize,
}

/// Collects fetch results until all have come or the deadline passes.
fn receive(pending: &Pending, outcomes: &mut [Option<Outcome>], deadline: Instant) {
    for _ in 0..pending.expected {
        let left = deadline.saturating_duration_since(Instant::now());
        match pending.receiver.recv_timeout(left) {
            Ok((index, Ok(response))) => outcomes[index] = Some(Outcome::Verified(response)),
            Ok((index, Err(failure))) => outcomes[index] = Some(Outcome::Failed(failure)),
            Err(_) => break,
        }
    }
}

impl Shared {
    /// One fetch: request, HTTP, verification, cache. Runs on a pool thread.
    fn fetch(&self, job: &FetchJob) -> Result<Arc<VerifiedResponse>, FetchFailure> {
        let request = encode_request(&job.id, &job.extensions);
        debug!(
            "asking {} about {} (serial {})",
            job.responder,
            job.subject,
            job.id.serial_hex()
        );
        let result = self
            .http
            .send(&job.responder, &request)
            .map_err(FetchFailure::from)
            .and_then(|body| {
                let expected = Expected {
                    id: &job.id,
                    issuer_der: &job.issuer_der,
                    nonce: nonce_of(&job.extensions),
                };
                let policy = VerifyPolicy {
                    now: SystemTime::now(),
                    clock_skew: self.config.clock_skew,
                    max_response_bytes: self.config.max_response_bytes,
                };
                verify_response(&body, &expected, &policy).map_err(FetchFailure::from)
            });
        match result {
            Ok(response) => {
                let response = Arc::new(response);
                let cached = self
                    .cache
                    .insert(job.id.clone(), response.clone(), SystemTime::now());
                log_verified(job, &response, cached);
                Ok(response)
            }
            Err(failure) => {
                warn!(
                    "no staple for {} (serial {}) from {}: {failure}; handshakes go on without it",
                    job.subject,
                    job.id.serial_hex(),
                    job.responder
                );
                Err(failure)
            }
        }
    }
}

fn log_verified(job: &FetchJob, response: &VerifiedResponse, cached: bool) {
    let next = response
        .next_update
        .map(crate::ocsp::response::rfc3339)
        .unwrap_or_else(|| "none".into());
    match response.status {
        Status::Good => info!(
            "OCSP GOOD for {} (serial {}) from {}, nextUpdate {next}{}",
            job.subject,
            job.id.serial_hex(),
            job.responder,
            if cached { ", cached" } else { ", not cached" }
        ),
        Status::Revoked(info) => warn!(
            "OCSP REVOKED for {} (serial {}) from {} at {}: it will be stapled so clients learn it",
            job.subject,
            job.id.serial_hex(),
            job.responder,
            crate::ocsp::response::rfc3339(info.time)
        ),
        Status::Unknown => warn!(
            "OCSP UNKNOWN for {} (serial {}) from {}: not stapled",
            job.subject,
            job.id.serial_hex(),
            job.responder
        ),
    }
}
