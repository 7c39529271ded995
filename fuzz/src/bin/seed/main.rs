//! Writes the seed corpora of the fuzz targets, from real encodings: the crate's own encoders,
//! the JDK client's extension data, and real OCSP responses for the fixed fuzz PKI signed by the
//! project's responder (`staplekit_testkit::responder`) and by `openssl ocsp`, and the HTTP
//! requests OCSP clients send the local responder.
//!
//! `seed [DIR]` writes `DIR/<target>/seed-<name>` (default DIR: `fuzz/corpus`), replacing earlier
//! seeds of the same name and leaving whatever the fuzzer added. Every OCSP seed is verified
//! against the `ocsp_response` target's fixture first and must end as its scenario says (e.g.
//! `ok good`, `Expired`), so the corpus provably reaches past the signature check; any
//! difference is an error (exit status 1).

// Linked for the sanitizer-coverage callbacks the instrumented build of this program calls
// (libFuzzer defines them); its `main` stays this one.
use libfuzzer_sys as _;

mod corpus;
mod ocsp_openssl;
mod ocsp_responder;
mod outcome;
mod responder;
mod tls;

use std::path::PathBuf;
use std::process::ExitCode;

use corpus::Corpus;
use outcome::{check_outcomes, OcspSeed};
use staplekit_fuzz::ocsp_fixture::fixture;

type Error = Box<dyn std::error::Error>;

fn main() -> ExitCode {
    let dir = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("corpus"));
    match run(Corpus::new(dir)) {
        Ok(summary) => {
            println!("{summary}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("seed: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(mut corpus: Corpus) -> Result<String, Error> {
    let fixture = fixture();
    let mut responses: Vec<OcspSeed> = ocsp_responder::seeds(fixture)?;
    responses.extend(ocsp_openssl::seeds(fixture)?);
    check_outcomes(fixture, &responses)?;
    for seed in &responses {
        corpus.add("ocsp_response", seed.name, &seed.der)?;
    }
    let with_extensions = ocsp_responder::extension_seeds(fixture)?;
    check_outcomes(fixture, &with_extensions)?;
    for seed in &with_extensions {
        corpus.add("ocsp_response_extensions", seed.name, &seed.der)?;
    }
    tls::write_seeds(&mut corpus, &responses)?;
    responder::write_seeds(&mut corpus)?;
    Ok(corpus.summary())
}
