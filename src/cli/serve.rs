//! `staplekit serve`: a rustls TLS server (1.2 and 1.3) that staples through the engine.
//!
//! rustls staples the leaf's OCSP response only, whenever the client sends `status_request`;
//! intermediates' responses are fetched (and logged) but never sent.

use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;

use log::{info, warn};
use staplekit::report::{CertificateReport, Outcome};
use staplekit::StaplingEngine;

use super::prefetch::prefetch;
use super::server_identity::ServerIdentity;
use super::stapling_resolver::StaplingResolver;
use super::tls_server::{ring_provider, TlsServer};
use super::{CliError, ServeArgs, Settings};

/// Checks the files, binds, fetches the chain's responses, prints `listening on ADDR` on stdout
/// and serves until killed.
///
/// Everything that can be wrong locally (configuration, chain, key, address) fails before any
/// network fetch, so a typo costs no time; connections wait in the backlog during the prefetch
/// and are answered once `listening on` is printed.
pub fn run(settings: &Settings, args: &ServeArgs) -> Result<ExitCode, CliError> {
    let config = settings.load()?.config;
    let engine = Arc::new(StaplingEngine::new(config)?);
    let provider = ring_provider();
    let identity = ServerIdentity::load(&args.cert, &args.key, &engine, &provider)?;
    let resolver = Arc::new(StaplingResolver::new(engine.clone(), identity));
    let server = TlsServer::bind(&args.listen, resolver.clone(), provider)?;

    let reports = prefetch(&engine, resolver.chain());
    if resolver.stapling_enabled() {
        info!(
            "serving {} with TLS 1.2 and 1.3 (rustls): the leaf's OCSP response ({}) is stapled \
             for clients that send status_request; rustls staples the leaf's response only, \
             never intermediates'",
            resolver.chain().leaf().subject,
            reports.first().map_or("none", leaf_state)
        );
    } else {
        warn!(
            "serving {} with TLS 1.2 and 1.3 (rustls) WITHOUT stapling: \
             jdk.tls.server.enableStatusRequestExtension=false or status_request is in \
             jdk.tls.server.disableExtensions",
            resolver.chain().leaf().subject
        );
    }
    announce(&server)?;
    server.run();
    Ok(ExitCode::SUCCESS)
}

/// `good`, `revoked`, or `none yet` when handshakes will have nothing to staple until a fetch
/// succeeds.
fn leaf_state(report: &CertificateReport) -> &'static str {
    match &report.outcome {
        Outcome::Verified(response) if response.is_stapleable() => response.status.name(),
        _ => "none yet",
    }
}

/// Prints the bound address on stdout and flushes, so a caller can read the port of `:0`.
fn announce(server: &TlsServer) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "listening on {}", server.local_addr())
        .and_then(|()| out.flush())
        .map_err(|e| CliError::Other(format!("cannot write to stdout: {e}")))
}
