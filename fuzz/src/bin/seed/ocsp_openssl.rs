//! OCSP responses signed by OpenSSL (`openssl ocsp -reqin ... -respout ...`, no server): another
//! implementation's encoding, an RSA delegated responder OpenSSL certifies with the fixture's
//! issuer key, and OpenSSL's own nonce.

use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, SystemTime};

use staplekit::internal::encode_request;
use staplekit_fuzz::ocsp_fixture::OcspFixture;
use staplekit_testkit::openssl::run_bounded;
use staplekit_testkit::pki::{IndexEntry, IndexStatus, RevocationReason};

use super::outcome::OcspSeed;
use super::Error;

/// The longest one `openssl` command may take (RSA key generation included).
const COMMAND_TIMEOUT: Duration = Duration::from_secs(30);
/// The fixture leaf's notAfter (2200-01-01), as the index records it.
const LEAF_NOT_AFTER_UNIX: u64 = 7_258_118_400;

/// Signs the responses in a temporary directory.
pub fn seeds(fixture: &OcspFixture) -> Result<Vec<OcspSeed>, Error> {
    let dir = tempfile::tempdir()?;
    let d = dir.path();
    let path = |name: &str| d.join(name).to_string_lossy().into_owned();
    fs::write(d.join("issuer.pem"), &fixture.issuer_pem)?;
    fs::write(d.join("issuer.key"), &fixture.issuer_key_pem)?;
    fs::write(d.join("leaf.pem"), &fixture.leaf_pem)?;
    fs::write(d.join("request.der"), encode_request(&fixture.id, &[]))?;
    write_index(fixture, &d.join("good.txt"), IndexStatus::Valid)?;
    write_index(
        fixture,
        &d.join("revoked.txt"),
        IndexStatus::Revoked {
            at: SystemTime::now() - Duration::from_secs(86_400),
            reason: Some(RevocationReason::KeyCompromise),
        },
    )?;

    // An RSA-2048 delegated responder, certified by the fixture's (Ed25519) issuer for 100 years.
    fs::write(
        d.join("rsa.ext"),
        "keyUsage = critical, digitalSignature\nextendedKeyUsage = OCSPSigning\n",
    )?;
    let rsa_subject = "/CN=staplekit fuzz OpenSSL RSA responder";
    let rsa_key = path("rsa.key");
    let rsa_csr = path("rsa.csr");
    let rsa_pem = path("rsa.pem");
    let issuer_pem = path("issuer.pem");
    let issuer_key = path("issuer.key");
    let rsa_ext = path("rsa.ext");
    openssl(&[
        "genpkey",
        "-algorithm",
        "RSA",
        "-pkeyopt",
        "rsa_keygen_bits:2048",
        "-out",
        &rsa_key,
    ])?;
    openssl(&[
        "req",
        "-new",
        "-key",
        &rsa_key,
        "-subj",
        rsa_subject,
        "-out",
        &rsa_csr,
    ])?;
    openssl(&[
        "x509",
        "-req",
        "-in",
        &rsa_csr,
        "-CA",
        &issuer_pem,
        "-CAkey",
        &issuer_key,
        "-set_serial",
        "0x52",
        "-days",
        "36500",
        "-extfile",
        &rsa_ext,
        "-out",
        &rsa_pem,
    ])?;
    // OpenSSL's own request, with the random nonce it adds by default.
    let leaf_pem = path("leaf.pem");
    let request_nonce = path("request-nonce.der");
    openssl(&[
        "ocsp",
        "-issuer",
        &issuer_pem,
        "-cert",
        &leaf_pem,
        "-reqout",
        &request_nonce,
    ])?;

    let issuer_signs = ["-rsigner", &issuer_pem, "-rkey", &issuer_key];
    let rsa_signs = ["-rsigner", &rsa_pem, "-rkey", &rsa_key];
    // Without -ndays/-nmin OpenSSL leaves nextUpdate out; -ndays beyond 2100 would overflow its
    // int arithmetic. So these end Stale at the target's time (thisUpdate today, no nextUpdate),
    // past the signature check all the same: what they add is OpenSSL's encoding and the RSA
    // delegate's signature.
    let cases: [(&'static str, &str, &str, &[&str], &'static str); 5] = [
        (
            "openssl-issuer-good",
            "good.txt",
            "request.der",
            &issuer_signs,
            "Stale",
        ),
        (
            "openssl-issuer-expired",
            "good.txt",
            "request.der",
            &[&issuer_signs[..], &["-nmin", "60"]].concat(),
            "Expired",
        ),
        (
            "openssl-rsa-delegate-revoked",
            "revoked.txt",
            "request.der",
            &[&rsa_signs[..], &["-resp_key_id"]].concat(),
            "Stale",
        ),
        (
            "openssl-rsa-delegate-good",
            "good.txt",
            "request.der",
            &rsa_signs,
            "Stale",
        ),
        (
            "openssl-nonce-mismatch",
            "good.txt",
            "request-nonce.der",
            &issuer_signs,
            // The times are checked before the nonce.
            "Stale",
        ),
    ];
    let mut seeds = Vec::new();
    for (name, index, request, signer, expect) in cases {
        let (out, index, reqin) = (path(&format!("{name}.der")), path(index), path(request));
        let mut args = vec![
            "ocsp",
            "-index",
            &index,
            "-CA",
            &issuer_pem,
            "-reqin",
            &reqin,
        ];
        args.extend_from_slice(signer);
        args.extend_from_slice(&["-respout", &out]);
        openssl(&args)?;
        seeds.push(OcspSeed {
            name,
            der: fs::read(&out)?,
            expect,
        });
    }
    Ok(seeds)
}

/// Writes an `index.txt` holding the fixture's leaf with `status`.
fn write_index(fixture: &OcspFixture, path: &Path, status: IndexStatus) -> Result<(), Error> {
    let entry = IndexEntry {
        status,
        not_after: SystemTime::UNIX_EPOCH + Duration::from_secs(LEAF_NOT_AFTER_UNIX),
        serial: fixture.leaf_serial.clone(),
        common_name: "staplekit fuzz leaf".to_owned(),
    };
    fs::write(path, format!("{}\n", entry.to_line()))?;
    Ok(())
}

/// Runs `openssl ARGS` and fails with its output unless it succeeds.
fn openssl(args: &[&str]) -> Result<(), Error> {
    let mut command = Command::new("openssl");
    command.args(args);
    let output = run_bounded(&mut command, COMMAND_TIMEOUT)?;
    if output.status.success() {
        Ok(())
    } else {
        Err(format!(
            "openssl {} failed ({}): {}",
            args.join(" "),
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        )
        .into())
    }
}
