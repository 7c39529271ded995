//! Engine results as the Java objects of `org.staplekit`.
//!
//! Keep the constructor signatures in sync with `Staple.java` and `CertificateReport.java`; the
//! integer codes are in [`super::codes`], checked against the Java enums by a test.

use std::time::SystemTime;

use ::jni::objects::JObject;
use ::jni::sys::{jint, jlong};
use ::jni::{jni_sig, jni_str, Env, JValue};

use super::codes::outcome_code;
pub(super) use super::codes::selection_code;
use super::convert::{new_byte_arrays, new_optional_bytes, new_optional_string};
use super::error::BridgeError;
use staplekit::rfc3339;
use staplekit::{CertificateReport, Outcome};
use staplekit::{Signer, Status, VerifiedResponse};
use staplekit::{Staple, StapleForm};

/// `CertificateReport`'s "no nextUpdate".
const NO_NEXT_UPDATE: jlong = jlong::MIN;

/// `new Staple(int serverHelloExtension, byte[] certificateStatus, byte[][] certificateEntries,
/// byte[][] ocspResponses)`: extension 5 or 17 and the message in TLS <= 1.2; extension 0 and
/// the per-entry data in TLS 1.3.
pub(super) fn new_staple<'local>(
    env: &mut Env<'local>,
    staple: &Staple,
) -> Result<JObject<'local>, BridgeError> {
    // The encodings the Java side sends, made here on demand from the engine's staple.
    let extension = staple
        .server_hello_extension()
        .map_or(0, |e| jint::from(e.to_wire()));
    let message = staple.certificate_status();
    let message = message.as_deref();
    let entries: Option<Vec<Option<Vec<u8>>>> = (staple.form() == StapleForm::Tls13).then(|| {
        (0..staple.len())
            .map(|i| staple.certificate_entry_status(i))
            .collect()
    });
    let entries = entries.as_deref();
    // Java's Staple.ocspResponses() has a single item, the leaf's, for an `ocsp` staple.
    let responses: Vec<Option<&[u8]>> = match staple.form() {
        StapleForm::Ocsp { .. } => vec![staple.response(0)],
        StapleForm::OcspMulti | StapleForm::Tls13 => staple.responses().collect(),
    };
    let message = new_optional_bytes(env, message)?;
    let entries: JObject = match entries {
        Some(entries) => new_byte_arrays(env, entries)?.into(),
        None => JObject::null(),
    };
    let responses: JObject = new_byte_arrays(env, &responses)?.into();
    let class = env.find_class(jni_str!("org/staplekit/Staple"))?;
    Ok(env.new_object(
        &class,
        jni_sig!("(I[B[[B[[B)V"),
        &[
            JValue::Int(extension),
            JValue::Object(&message),
            JValue::Object(&entries),
            JValue::Object(&responses),
        ],
    )?)
}

/// `new CertificateReport(int index, String subject, String serialHex, String responder,
/// int outcome, String detail, byte[] response, long nextUpdateEpochMillis)`.
pub(super) fn new_report<'local>(
    env: &mut Env<'local>,
    report: &CertificateReport,
) -> Result<JObject<'local>, BridgeError> {
    let verified = match &report.outcome {
        Outcome::Verified(response) => Some(response),
        _ => None,
    };
    let index = jint::try_from(report.index)
        .map_err(|_| BridgeError::InvalidArgument(format!("index {} overflows", report.index)))?;
    let next_update = verified
        .and_then(|r| r.next_update)
        .map_or(NO_NEXT_UPDATE, epoch_millis);
    let subject: JObject = env.new_string(&report.subject)?.into();
    let serial: JObject = env.new_string(&report.serial_hex)?.into();
    let responder = new_optional_string(env, report.responder.as_ref().map(|u| u.as_str()))?;
    let detail: JObject = env.new_string(detail(&report.outcome))?.into();
    let response = new_optional_bytes(env, verified.map(|r| &r.der[..]))?;
    let class = env.find_class(jni_str!("org/staplekit/CertificateReport"))?;
    Ok(env.new_object(
        &class,
        jni_sig!(
            "(ILjava/lang/String;Ljava/lang/String;Ljava/lang/String;ILjava/lang/String;[BJ)V"
        ),
        &[
            JValue::Int(index),
            JValue::Object(&subject),
            JValue::Object(&serial),
            JValue::Object(&responder),
            JValue::Int(outcome_code(&report.outcome)),
            JValue::Object(&detail),
            JValue::Object(&response),
            JValue::Long(next_update),
        ],
    )?)
}

/// One line saying what happened, e.g. `revoked at 2026-01-02T03:04:05Z (reason 1), signed by
/// CN=..., thisUpdate ..., nextUpdate ...` or the skip or failure reason.
fn detail(outcome: &Outcome) -> String {
    match outcome {
        Outcome::Verified(response) => verified_detail(response),
        Outcome::Skipped(reason) => format!("not asked: {reason}"),
        Outcome::Failed(failure) => failure.to_string(),
    }
}

fn verified_detail(response: &VerifiedResponse) -> String {
    let status = match response.status {
        Status::Revoked(info) => {
            let reason = info
                .reason
                .map_or(String::new(), |r| format!(" (reason {r})"));
            format!("revoked at {}{reason}", rfc3339(info.time))
        }
        other => other.name().to_owned(),
    };
    let signer = match &response.signer {
        Signer::Issuer => "the issuer".to_owned(),
        Signer::Delegated(subject) => subject.clone(),
    };
    let next = response.next_update.map_or("none".to_owned(), rfc3339);
    format!(
        "{status}, signed by {signer}, thisUpdate {}, nextUpdate {next}",
        rfc3339(response.this_update)
    )
}

/// Milliseconds since the epoch, saturating (times before 1970 do not occur in OCSP here).
pub(super) fn epoch_millis(time: SystemTime) -> jlong {
    let millis = time
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis());
    jlong::try_from(millis).unwrap_or(jlong::MAX)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::time::Duration;

    use super::*;
    use staplekit::RevocationInfo;
    use staplekit::SkipReason;

    fn response(status: Status) -> VerifiedResponse {
        let t = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        VerifiedResponse {
            der: Arc::from(&[0x30, 0x00][..]),
            status,
            this_update: t,
            next_update: Some(t + Duration::from_secs(3600)),
            produced_at: t,
            signer: Signer::Delegated("CN=signer".into()),
        }
    }

    #[test]
    fn details_say_what_happened() {
        let good = Outcome::Verified(Arc::new(response(Status::Good)));
        assert_eq!(
            detail(&good),
            "good, signed by CN=signer, thisUpdate 2023-11-14T22:13:20Z, \
             nextUpdate 2023-11-14T23:13:20Z"
        );
        let revoked = Outcome::Verified(Arc::new(response(Status::Revoked(RevocationInfo {
            time: SystemTime::UNIX_EPOCH + Duration::from_secs(1_600_000_000),
            reason: Some(1),
        }))));
        assert!(detail(&revoked).starts_with("revoked at 2020-09-13T12:26:40Z (reason 1), "));
        assert_eq!(
            detail(&Outcome::Skipped(SkipReason::SelfSigned)),
            "not asked: self-signed certificate"
        );
        assert_eq!(outcome_code(&good), 0);
        assert_eq!(outcome_code(&revoked), 1);
        assert_eq!(outcome_code(&Outcome::Skipped(SkipReason::NoIssuer)), 3);
    }

    #[test]
    fn epoch_millis_counts_from_1970() {
        let t = SystemTime::UNIX_EPOCH + Duration::from_millis(1_234);
        assert_eq!(epoch_millis(t), 1_234);
        assert_eq!(
            epoch_millis(SystemTime::UNIX_EPOCH - Duration::from_secs(1)),
            0
        );
    }
}
