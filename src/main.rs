//! The `staplekit` command: check a chain's OCSP status, show the configuration, serve TLS with
//! stapling, and run an offline demo.

mod cli;

fn main() -> std::process::ExitCode {
    cli::run()
}
