//! The `staplekit` command: check a chain's OCSP status, show the configuration, serve TLS with
//! stapling, and run an offline demo.
//!
//! Command-line parsing and dispatch.

mod client_hello;
mod config_cmd;
mod connection;
mod demo;
mod demo_client;
mod error;
mod key_store;
mod ocsp_http;
mod registered;
mod responder_cmd;
mod responder_inputs;
mod responder_status;
mod serve;
mod server_identity;
mod settings;
mod stapling_resolver;
mod status;
mod tls_server;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

pub use error::CliError;
pub use settings::Settings;

/// staplekit: OCSP stapling, compatible with the JDK's jdk.tls.stapling.* properties.
#[derive(Debug, Parser)]
#[command(name = "staplekit", version, about, propagate_version = true)]
struct Cli {
    #[command(flatten)]
    settings: Settings,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Register a chain as `serve` does and report what each certificate staples (leaf first).
    ///
    /// Per certificate: status, the response stapled and its source (fetched, cache-dir,
    /// static-file), thisUpdate, nextUpdate, next refresh, fetch outcomes and the last error.
    ///
    /// The chain file's `<CHAIN>.ors` and `staplekit.stapling.cacheDir` are read, then each
    /// responder is asked once; the command waits at most as long as one fetch may take
    /// (com.sun.security.ocsp.timeout + readtimeout).
    ///
    /// Status: good or revoked (the response stapled, from wherever it came); unknown, invalid (an
    /// answer came and failed verification) or unavailable (no usable answer) when there is
    /// nothing to staple; skipped (not asked: self-signed, no issuer, no responder, nocheck).
    ///
    /// Exit status: 0 when every certificate asked about has a good response to staple, 1 when
    /// any stapled response says revoked, 2 when any has nothing to staple (unknown, invalid,
    /// unavailable) and for bad input.
    ///
    /// With --responder URL: nothing is registered; the running `staplekit responder` at URL is
    /// asked about each certificate (POST, as nginx asks) and each answer shown as a hit (status,
    /// thisUpdate, nextUpdate) or a miss (unauthorized), then its counters. Exit status 0 when
    /// every certificate asked about was a good hit, 1 when one is revoked, else 2.
    Status(StatusArgs),
    /// Show the effective configuration: every property, its value and where it came from.
    Config,
    /// Serve TLS 1.2 and 1.3 with stapling (rustls; the leaf's response only).
    ///
    /// The chain is registered at start: `<CERT>.ors` and staplekit.stapling.cacheDir are read
    /// before `listening on` is printed, responders are asked in the background and responses
    /// renewed before they go stale; handshakes never wait for a responder.
    Serve(ServeArgs),
    /// The sidecar: answer OCSP requests over HTTP for the chains given, from what the engine
    /// holds, for nginx, Apache httpd and JVM servers that fetch their own staples.
    ///
    /// Each PATH is a PEM chain file (leaf first; `<PATH>.ors` is read), a PKCS#12 or JKS key
    /// store (each private key entry's chain; password: staplekit.stapling.keyStorePassword), or
    /// a directory of them; the key stores in staplekit.stapling.keyStores are added. Chains are
    /// registered as `serve` registers its own, then `listening on ADDR` and the lines to paste
    /// into nginx, Apache httpd and a JVM's settings are printed on stdout.
    Responder(ResponderArgs),
    /// Run the offline demo: a generated PKI, an in-process OCSP responder, a stapling TLS server
    /// and a client that verifies the staple.
    Demo,
}

/// Arguments of `staplekit status`.
#[derive(Debug, Args)]
struct StatusArgs {
    /// Print a JSON array instead of text.
    #[arg(long)]
    json: bool,
    /// Ask this running `staplekit responder` (http://ADDR/) about each certificate instead, and
    /// show its hit and miss counters.
    #[arg(long, value_name = "URL")]
    responder: Option<String>,
    /// PEM file with the certificate chain, leaf first.
    chain: PathBuf,
}

/// Arguments of `staplekit serve`.
#[derive(Debug, Args)]
struct ServeArgs {
    /// PEM file with the certificate chain, leaf first.
    #[arg(long)]
    cert: PathBuf,
    /// PEM file with the leaf's private key (PKCS#8, SEC1 or PKCS#1).
    #[arg(long)]
    key: PathBuf,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8443")]
    listen: String,
}

/// Arguments of `staplekit responder`.
#[derive(Debug, Args)]
struct ResponderArgs {
    /// Address to answer on (HTTP; loopback by default).
    #[arg(long, default_value = responder_cmd::DEFAULT_LISTEN)]
    listen: String,
    /// PEM chain files, PKCS#12 or JKS key stores, or directories of them.
    #[arg(value_name = "PATH")]
    paths: Vec<PathBuf>,
}

/// Parses the command line, runs the command and turns errors into one line on stderr.
fn run() -> ExitCode {
    let cli = Cli::parse();
    // The demo prints its own readable account; its logs would only interleave with it.
    let default_filter = match cli.command {
        Command::Demo => "warn",
        _ => "warn,staplekit=info",
    };
    init_logging(default_filter);
    let result = match &cli.command {
        Command::Status(args) => status::run(&cli.settings, args),
        Command::Config => config_cmd::run(&cli.settings),
        Command::Serve(args) => serve::run(&cli.settings, args),
        Command::Responder(args) => responder_cmd::run(&cli.settings, args),
        Command::Demo => demo::run(&cli.settings),
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            eprintln!("staplekit: {error}");
            ExitCode::from(2)
        }
    }
}

/// Logs go to stderr; `RUST_LOG` overrides the default filter.
fn init_logging(default_filter: &str) {
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or(default_filter))
        .format_timestamp_millis()
        .init();
}

fn main() -> ExitCode {
    run()
}
