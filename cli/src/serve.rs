//! `staplekit serve`: a rustls TLS server (1.2 and 1.3) that staples through the engine, by the
//! library's rustls door ([`staplekit::rustls::StaplingResolver`]).
//!
//! The chain is registered with the engine: its responses are fetched in the background and
//! renewed before they go stale, and handshakes never wait for a responder. rustls staples the
//! leaf's OCSP response only, whenever the client sends `status_request`; intermediates'
//! responses are fetched (and logged) but never sent.

use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;

use log::{info, warn};
use staplekit::rfc3339;
use staplekit::{ResponseSource, StaplingEngine, Status};

use super::registered::{chain_states, CertificateState, Standing};
use super::server_identity::ServerIdentity;
use super::stapling_resolver::StaplingResolver;
use super::tls_server::{ring_provider, TlsServer};
use super::{CliError, ServeArgs, Settings};

/// Checks the files, binds, registers the chain, prints `listening on ADDR` on stdout and serves
/// until killed.
///
/// Everything that can be wrong locally (configuration, chain, key, address) fails before
/// anything is fetched. Registration reads `staplekit.stapling.cacheDir` and `<cert>.ors` before
/// `listening on` is printed, so the first handshake staples what they hold; responders are
/// asked in the background.
pub fn run(settings: &Settings, args: &ServeArgs) -> Result<ExitCode, CliError> {
    let config = settings.load()?.config;
    let engine = Arc::new(StaplingEngine::new(config)?);
    let provider = ring_provider();
    let identity = ServerIdentity::load(&args.cert, &args.key, &engine, &provider)?;
    let resolver = Arc::new(StaplingResolver::new(engine.clone(), identity));
    let server = TlsServer::bind(&args.listen, resolver.clone(), provider)?;

    let leaf = resolver.chain().leaf().subject.clone();
    if resolver.stapling_enabled() {
        let states = match resolver.register(&args.cert)? {
            Some(registration) => chain_states(&engine, resolver.chain(), &registration),
            None => Vec::new(),
        };
        for state in &states {
            log_start_state(state);
        }
        info!(
            "serving {leaf} with TLS 1.2 and 1.3 (rustls): the leaf's OCSP response ({}) is \
             stapled for clients that send status_request; rustls staples the leaf's response \
             only, never intermediates'",
            states.first().map_or_else(|| "none".into(), leaf_state)
        );
    } else {
        // Nothing is stapled, so nothing is fetched either.
        warn!(
            "serving {leaf} with TLS 1.2 and 1.3 (rustls) WITHOUT stapling: \
             jdk.tls.server.enableStatusRequestExtension=false or status_request is in \
             jdk.tls.server.disableExtensions",
        );
    }
    announce(&server)?;
    server.run();
    Ok(ExitCode::SUCCESS)
}

/// One line per certificate: what it staples from the first handshake, and what happens next.
pub fn log_start_state(state: &CertificateState<'_>) {
    let who = format!("certificate {} ({})", state.index, state.cert.subject);
    let stats = match &state.standing {
        Standing::NotRegistered(reason) => {
            info!("{who}: not stapled: {reason}");
            return;
        }
        Standing::Unregistered => return,
        Standing::Registered(stats) => stats,
    };
    let next = match &stats.responder {
        Some(url) => format!("asking {url} in the background"),
        None => "no responder to ask: only an operator-provided file can renew it".into(),
    };
    match (stats.status, stats.source) {
        (Some(status), Some(source)) => {
            let line = format!(
                "{who}: stapling from the first handshake a {} response {} \
                 (thisUpdate {}, nextUpdate {}); {next}",
                status.name(),
                source_text(source),
                time_text(stats.this_update),
                time_text(stats.next_update)
            );
            if matches!(status, Status::Revoked(_)) {
                warn!("{line}");
            } else {
                info!("{line}");
            }
        }
        _ if stats.responder.is_none() => {
            warn!("{who}: nothing to staple: no OCSP responder and no usable response file")
        }
        _ => info!("{who}: nothing to staple yet; {next} (handshakes do not wait for it)"),
    }
}

/// `good, kept in staplekit.stapling.cacheDir`, or `none yet` while the first fetch is under way.
fn leaf_state(state: &CertificateState<'_>) -> String {
    match &state.standing {
        Standing::Registered(stats) => match (stats.status, stats.source) {
            (Some(status), Some(source)) => format!("{}, {}", status.name(), source_text(source)),
            _ => "none yet".into(),
        },
        Standing::NotRegistered(reason) => format!("none: {reason}"),
        Standing::Unregistered => "none: not registered any more".into(),
    }
}

/// Where a held response came from, for people.
fn source_text(source: ResponseSource) -> &'static str {
    match source {
        ResponseSource::Fetched => "fetched from the responder",
        ResponseSource::CacheDir => "kept in staplekit.stapling.cacheDir",
        ResponseSource::StaticFile => "read from <cert>.ors or staplekit.stapling.responseFile",
        ResponseSource::SharedStore => "kept in staplekit.stapling.sharedStore",
    }
}

fn time_text(time: Option<std::time::SystemTime>) -> String {
    time.map_or_else(|| "none".into(), rfc3339)
}

/// Prints the bound address on stdout and flushes, so a caller can read the port of `:0`.
fn announce(server: &TlsServer) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "listening on {}", server.local_addr())
        .and_then(|()| out.flush())
        .map_err(|e| CliError::Other(format!("cannot write to stdout: {e}")))
}
