//! `staplekit demo`: the whole thing, offline, in a few seconds.
//!
//! A generated PKI whose AIA URLs name an in-process OCSP responder, the same TLS server as
//! `staplekit serve` on 127.0.0.1:0, and a rustls client that verifies the chain and the stapled
//! response, once with TLS 1.3 and once with TLS 1.2. Everything runs on 127.0.0.1, and
//! everything it made (temporary folder, responder, server, threads) is gone when it returns,
//! on success or failure.

use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use staplekit::rfc3339;
use staplekit::{StaplingEngine, Status};
use staplekit_testkit::pki::{TestPki, TestPkiOptions};
use staplekit_testkit::responder::OcspResponder;
use staplekit_testkit::served_pki::serve_test_pki;

use super::demo_client::{self, StapleCheck};
use super::registered::{one_fetch_wait, wait_until_settled, CertificateState, Standing};
use super::server_identity::ServerIdentity;
use super::stapling_resolver::StaplingResolver;
use super::tls_server::{ring_provider, TlsServer};
use super::{CliError, Settings};

/// Runs the demo; honours `--properties` and `-D` like every command.
pub fn run(settings: &Settings) -> Result<ExitCode, CliError> {
    let config = settings.load()?.config;
    let check = StapleCheck {
        clock_skew: config.clock_skew,
        max_response_bytes: config.max_response_bytes,
    };
    let dir = tempfile::Builder::new()
        .prefix("staplekit-demo-")
        .tempdir()
        .map_err(|e| other("cannot create a temporary folder", e))?;

    let responder = OcspResponder::bind("127.0.0.1:0")
        .map_err(|e| other("cannot start the OCSP responder on 127.0.0.1", e))?;
    let url = responder.url();
    let started = Instant::now();
    let options = TestPkiOptions::new(Some(&url), Some(&url));
    let pki = TestPki::generate(&options).map_err(|e| other("cannot generate the PKI", e))?;
    let pki_time = started.elapsed();
    register(&responder, &pki)?;
    let files = pki
        .write_pem_files(dir.path())
        .map_err(|e| other("cannot write the PKI's files", e))?;
    say(format!(
        "PKI: {} -> {} -> {} (DNS localhost, IP 127.0.0.1), {}, generated in {}; \
         files in {} (removed at the end)",
        cn(&pki.root.cert().common_name),
        cn(&pki.intermediate.cert().common_name),
        cn(&pki.leaf.common_name),
        options.key_algorithm.name(),
        ms(pki_time),
        dir.path().display()
    ))?;
    say(format!(
        "OCSP responder: {url} (in process; delegated signers; leaf good, intermediate good)"
    ))?;

    let engine = Arc::new(StaplingEngine::new(config)?);
    let provider = ring_provider();
    let identity = ServerIdentity::load(&files.leaf_chain, &files.leaf_key, &engine, &provider)?;
    let resolver = Arc::new(StaplingResolver::new(engine.clone(), identity));
    let server = TlsServer::bind("127.0.0.1:0", resolver.clone(), provider.clone())?;
    // As `serve` does: registered, fetched in the background. The demo waits for the first
    // fetches so that its first handshake has something to staple.
    let started = Instant::now();
    let states = match resolver.register(&files.leaf_chain)? {
        Some(registration) => wait_until_settled(
            &engine,
            resolver.chain(),
            &registration,
            one_fetch_wait(engine.config()),
        ),
        None => Vec::new(),
    };
    say(format!(
        "first fetch: {} in {}",
        states
            .iter()
            .map(outcome_text)
            .collect::<Vec<_>>()
            .join(", "),
        ms(started.elapsed())
    ))?;
    let mut server = server.spawn()?;
    say(format!(
        "TLS server: {} (rustls, the same server as `staplekit serve`; {})",
        server.local_addr(),
        if resolver.stapling_enabled() {
            "it staples the leaf's OCSP response only"
        } else {
            "stapling is OFF in this configuration"
        }
    ))?;

    for (label, version) in [
        ("TLS 1.3", &rustls::version::TLS13),
        ("TLS 1.2", &rustls::version::TLS12),
    ] {
        let c = demo_client::connect(
            server.local_addr(),
            &pki.root.cert().der,
            version,
            check,
            provider.clone(),
        )?;
        say(format!(
            "{label}: negotiated {} {}, handshake {}, reply \"{}\"",
            c.version,
            c.suite,
            ms(c.handshake),
            c.reply_status
        ))?;
        say(format!(
            "  stapled: leaf ({}) status {}, thisUpdate {}, nextUpdate {}; \
             verified by the client (chain, then the response's signature and CertID)",
            c.leaf_subject,
            c.staple.status.name(),
            rfc3339(c.staple.this_update),
            c.staple.next_update.map_or_else(|| "none".into(), rfc3339)
        ))?;
    }

    server.shutdown();
    drop(responder);
    let path = dir.path().to_owned();
    dir.close()
        .map_err(|e| other(&format!("cannot remove {}", path.display()), e))?;
    say(
        "demo passed: the leaf's OCSP response was stapled and verified with TLS 1.3 and TLS 1.2; \
         temporary files removed, responder and server stopped"
            .into(),
    )?;
    Ok(ExitCode::SUCCESS)
}

/// Registers both CAs with their delegated signers; the leaf and the intermediate are GOOD.
fn register(responder: &OcspResponder, pki: &TestPki) -> Result<(), CliError> {
    serve_test_pki(responder, pki)
        .map_err(|e| other("cannot register a CA with the OCSP responder", e))
}

/// `leaf good`, `root not asked (self-signed certificate)`... for the demo's three-certificate chain.
fn outcome_text(state: &CertificateState<'_>) -> String {
    let name = ["leaf", "intermediate", "root"]
        .get(state.index)
        .map_or_else(
            || format!("certificate {}", state.index),
            |n| (*n).to_owned(),
        );
    match &state.standing {
        Standing::Registered(stats) => match (stats.status, &stats.last_problem) {
            (Some(Status::Revoked(_)), _) => format!("{name} REVOKED"),
            (Some(status), _) => format!("{name} {}", status.name()),
            (None, Some(problem)) => format!("{name} FAILED ({problem})"),
            (None, None) => format!("{name} FAILED (no answer yet)"),
        },
        Standing::NotRegistered(reason) => format!("{name} not asked ({reason})"),
        Standing::Unregistered => format!("{name} not registered any more"),
    }
}

fn cn(name: &str) -> String {
    format!("\"{name}\"")
}

fn ms(duration: Duration) -> String {
    format!("{} ms", duration.as_millis())
}

fn other(what: &str, error: impl std::fmt::Display) -> CliError {
    CliError::Other(format!("demo: {what}: {error}"))
}

/// One line on stdout, flushed so progress shows as it happens.
fn say(line: String) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{line}")
        .and_then(|()| out.flush())
        .map_err(|e| other("cannot write to stdout", e))
}
