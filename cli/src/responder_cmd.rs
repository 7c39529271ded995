//! `staplekit responder`: the sidecar. It registers chains with the engine (PEM chain files,
//! PKCS#12 and JKS key stores, directories of them) and answers OCSP requests for them over
//! HTTP from what the engine holds (the library's [`OcspResponder`]), for servers that fetch their
//! own staples: nginx, Apache httpd, the JDK's TLS stack.
//!
//! The engine does the rest as for `serve`: `staplekit.stapling.cacheDir` and `<chain>.ors` are
//! read at registration, responses are fetched in the background, renewed before they go stale,
//! and kept while the upstream responder is down.

use std::io::Write;
use std::net::{SocketAddr, ToSocketAddrs};
use std::process::ExitCode;

use log::info;
use staplekit::responder::{OcspResponder, ResponderLimits};
use staplekit::StaplingEngine;

use super::registered::chain_states;
use super::responder_inputs::{collect, ChainInput};
use super::serve::log_start_state;
use super::tls_server::listen_reason;
use super::{CliError, ResponderArgs, Settings};

/// The default `--listen`: loopback only (the servers that ask run on the same machine), on a
/// fixed port so that the lines pasted into their configuration stay right across restarts.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8099";

/// How long a JVM keeps what it fetched from the sidecar (`jdk.tls.stapling.cacheLifetime`): the
/// sidecar renews responses ahead of their nextUpdate, and a JVM that asks again every five
/// minutes picks the renewed one up for a loopback round trip.
const JVM_CACHE_LIFETIME_SECONDS: u32 = 300;

/// Reads every chain, binds, registers them, prints `listening on ADDR` and the configuration
/// lines on stdout, and answers until the process is stopped (SIGINT, SIGTERM), as `serve` does.
///
/// Everything that can be wrong locally (configuration, files, password, address) fails before
/// anything is fetched or printed on stdout.
pub fn run(settings: &Settings, args: &ResponderArgs) -> Result<ExitCode, CliError> {
    let config = settings.load()?.config;
    let inputs = collect(
        &args.paths,
        &config.key_stores,
        config.key_store_password.as_ref(),
    )?;
    for (what, why) in &inputs.skipped {
        info!("skipped {what}: {why}");
    }
    if inputs.chains.is_empty() {
        return Err(CliError::Other(
            "nothing to answer for: give PEM chain files, PKCS#12 or JKS key stores, or \
             directories of them (or set staplekit.stapling.keyStores)"
                .into(),
        ));
    }
    let engine = StaplingEngine::new(config)?;
    let chains = inputs
        .chains
        .into_iter()
        .map(|input| parse(&engine, input))
        .collect::<Result<Vec<_>, _>>()?;
    let addr = resolve(&args.listen)?;
    let responder =
        OcspResponder::start(&engine, addr, ResponderLimits::default()).map_err(|e| {
            CliError::Listen {
                addr: args.listen.clone(),
                reason: listen_reason(&e),
            }
        })?;
    for (input, chain) in &chains {
        let registration = engine.register(chain, input.origin.chain_file());
        info!(
            "registered {} ({} certificates, leaf {})",
            input.origin,
            chain.certificates().len(),
            chain.leaf().subject
        );
        for state in chain_states(&engine, chain, &registration) {
            log_start_state(&state);
        }
    }
    announce(&responder)?;
    info!(
        "answering OCSP requests at {} for {} chain(s) from what the engine holds; a \
         certificate it holds nothing for is answered unauthorized",
        responder.url(),
        chains.len()
    );
    // Serve until a signal ends the process; the responder's threads do the work.
    loop {
        std::thread::park();
    }
}

/// The chain as the engine parses it, errors naming where it came from.
fn parse(
    engine: &StaplingEngine,
    input: ChainInput,
) -> Result<(ChainInput, staplekit::Chain), CliError> {
    match engine.parse_chain(input.certificates.clone()) {
        Ok(chain) => Ok((input, chain)),
        Err(source) => Err(CliError::Other(format!("{}: {source}", input.origin))),
    }
}

/// `HOST:PORT` to the first address it names.
fn resolve(listen: &str) -> Result<SocketAddr, CliError> {
    let error = |reason: String| CliError::Listen {
        addr: listen.to_owned(),
        reason,
    };
    listen
        .to_socket_addrs()
        .map_err(|e| error(listen_reason(&e)))?
        .next()
        .ok_or_else(|| error("the name resolves to no address".into()))
}

/// `listening on ADDR`, then what to paste into each server's configuration, on stdout.
fn announce(responder: &OcspResponder) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "listening on {}", responder.local_addr())
        .and_then(|()| out.write_all(paste_lines(&responder.url()).as_bytes()))
        .and_then(|()| out.flush())
        .map_err(|e| CliError::Other(format!("cannot write to stdout: {e}")))
}

/// The configuration lines for nginx, Apache httpd and a JVM, pointing at `url`.
pub fn paste_lines(url: &str) -> String {
    format!(
        "# nginx, in the server block (CA.pem: the CA certificates that issued the chain, PEM):\n\
         ssl_stapling on;\n\
         ssl_stapling_verify on;\n\
         ssl_trusted_certificate CA.pem;\n\
         ssl_stapling_responder {url};\n\
         # Apache httpd (mod_ssl): SSLStaplingCache outside any VirtualHost, the others in it:\n\
         SSLStaplingCache shmcb:/var/run/apache2/ssl_stapling(131072)\n\
         SSLUseStapling on\n\
         SSLStaplingForceURL {url}\n\
         # a JVM (SunJSSE: Tomcat, Jetty, ...), on the java command line:\n\
         -Djdk.tls.server.enableStatusRequestExtension=true\n\
         -Djdk.tls.stapling.responderURI={url}\n\
         -Djdk.tls.stapling.responderOverride=true\n\
         -Djdk.tls.stapling.cacheLifetime={JVM_CACHE_LIFETIME_SECONDS}\n"
    )
}
