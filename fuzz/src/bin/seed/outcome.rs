//! What each OCSP seed must do in the `ocsp_response` target, checked before it is written.

use staplekit::{verify_response, Status};
use staplekit_fuzz::ocsp_fixture::{policy, OcspFixture};

use super::Error;

/// A real response and the result the target's check must give it.
pub struct OcspSeed {
    /// File name part, e.g. `issuer-good`.
    pub name: &'static str,
    /// The DER OCSPResponse.
    pub der: Vec<u8>,
    /// `ok good`, `ok revoked`, `ok unknown`, or the `Rejection` variant's name.
    pub expect: &'static str,
}

/// The result of verifying `der` for the fixture, in the words of [`OcspSeed::expect`].
pub fn outcome(fixture: &OcspFixture, der: &[u8]) -> String {
    match verify_response(der, &fixture.expected(), &policy()) {
        Ok(v) => match v.status {
            Status::Good => "ok good".into(),
            Status::Revoked(_) => "ok revoked".into(),
            Status::Unknown => "ok unknown".into(),
        },
        Err(rejection) => {
            let debug = format!("{rejection:?}");
            let end = debug.find(['(', ' ', '{']).unwrap_or(debug.len());
            debug[..end].to_owned()
        }
    }
}

/// Fails, listing every seed whose result is not the expected one.
pub fn check_outcomes(fixture: &OcspFixture, seeds: &[OcspSeed]) -> Result<(), Error> {
    let wrong: Vec<String> = seeds
        .iter()
        .filter_map(|seed| {
            let got = outcome(fixture, &seed.der);
            (got != seed.expect)
                .then(|| format!("{}: expected {}, got {got}", seed.name, seed.expect))
        })
        .collect();
    if wrong.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "OCSP seeds do not verify as intended:\n  {}",
            wrong.join("\n  ")
        )
        .into())
    }
}
