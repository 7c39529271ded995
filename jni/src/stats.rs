//! `org.staplekit.Native.engineStats`: an engine's counters and registered certificates as
//! `org.staplekit.EngineStats` and `org.staplekit.CertificateStats`.
//!
//! Keep the constructor signatures and the "no time" value in sync with `EngineStats.java` and
//! `CertificateStats.java`; the Java tests read every field back after real handshakes.

use std::collections::BTreeMap;
use std::time::SystemTime;

use ::jni::objects::{JClass, JLongArray, JObject, JObjectArray};
use ::jni::sys::{jint, jlong};
use ::jni::{jni_sig, jni_str, Env, EnvUnowned, JValue};

use super::convert::{new_optional_string, new_string_array};
use super::engine::{EngineHandle, ENGINE};
use super::error::{BridgeError, ThrowJava};
use super::handle::borrow;
use super::java::epoch_millis;
use staplekit::ResponseSource;
use staplekit::{CertificateStats, EngineStats, FetchOutcome};

/// `CertificateStats`' "no such time" (`Optional.empty()` in Java).
const NO_TIME: jlong = jlong::MIN;

/// Local references one `CertificateStats` needs while it is built: six strings, two arrays,
/// the class and the object.
const CERTIFICATE_FRAME: usize = 16;

/// `EngineStats engineStats(long engine)`: a snapshot of the engine's counters and of every
/// registered certificate.
#[unsafe(no_mangle)]
pub extern "system" fn Java_org_staplekit_Native_engineStats<'local>(
    mut unowned: EnvUnowned<'local>,
    _class: JClass<'local>,
    engine: jlong,
) -> JObject<'local> {
    unowned
        .with_env(|env| -> Result<_, BridgeError> {
            // SAFETY: NativeResource keeps the handle alive for the call (see `handle`).
            let handle: &EngineHandle = unsafe { borrow(engine, ENGINE) }?;
            new_engine_stats(env, &handle.engine.stats())
        })
        .resolve::<ThrowJava>()
}

/// `new EngineStats(long hits, long misses, long staplesServed, String[] fetchOutcomes,
/// long[] fetchCounts, CertificateStats[] certificates, long responderAnswered,
/// long responderUnauthorized, long responderMalformed, long responderDroppedConnections,
/// String sharedStoreUrl, boolean sharedStoreConnected, long[] sharedStoreCounts)`: the shared
/// store's URL null without one, its counts reads, writes, refusals, leases held, leases
/// elsewhere, errors.
fn new_engine_stats<'local>(
    env: &mut Env<'local>,
    stats: &EngineStats,
) -> Result<JObject<'local>, BridgeError> {
    let (outcomes, counts) = new_counts(env, &stats.fetches)?;
    let certificates = new_certificates(env, &stats.certificates)?;
    let store = stats.shared_store.as_ref();
    let store_url = new_optional_string(env, store.map(|s| s.url.as_str()))?;
    let store_counts: Vec<jlong> = store.map_or_else(Vec::new, |s| {
        [
            s.reads,
            s.writes,
            s.refusals,
            s.leases_held,
            s.leases_elsewhere,
            s.errors,
        ]
        .map(count)
        .to_vec()
    });
    let store_array = JLongArray::new(env, store_counts.len())?;
    store_array.set_region(env, 0, &store_counts)?;
    let store_array: JObject = store_array.into();
    let class = env.find_class(jni_str!("org/staplekit/EngineStats"))?;
    Ok(env.new_object(
        &class,
        jni_sig!(
            "(JJJ[Ljava/lang/String;[J[Lorg/staplekit/CertificateStats;JJJJLjava/lang/String;Z[J)V"
        ),
        &[
            JValue::Long(count(stats.hits)),
            JValue::Long(count(stats.misses)),
            JValue::Long(count(stats.staples_served)),
            JValue::Object(&outcomes),
            JValue::Object(&counts),
            JValue::Object(&certificates),
            JValue::Long(count(stats.responder.answered)),
            JValue::Long(count(stats.responder.unauthorized)),
            JValue::Long(count(stats.responder.malformed)),
            JValue::Long(count(stats.responder.dropped_connections)),
            JValue::Object(&store_url),
            JValue::Bool(store.is_some_and(|s| s.connected)),
            JValue::Object(&store_array),
        ],
    )?)
}

/// A `CertificateStats[]`, each element built in its own local frame.
fn new_certificates<'local>(
    env: &mut Env<'local>,
    certificates: &[CertificateStats],
) -> Result<JObjectArray<'local>, BridgeError> {
    let len = jint::try_from(certificates.len()).map_err(|_| {
        BridgeError::InvalidArgument(format!(
            "{} certificates do not fit a Java array",
            certificates.len()
        ))
    })?;
    let class = env.find_class(jni_str!("org/staplekit/CertificateStats"))?;
    let array = env.new_object_array(len, &class, JObject::null())?;
    for (i, certificate) in certificates.iter().enumerate() {
        env.with_local_frame(CERTIFICATE_FRAME, |env| -> Result<(), BridgeError> {
            let element = new_certificate(env, certificate)?;
            array.set_element(env, i, &element)?;
            Ok(())
        })?;
    }
    Ok(array)
}

/// `new CertificateStats(String subject, String serialHex, String responder, String status,
/// String source, long thisUpdate, long nextUpdate, long nextRefresh, long lastFetch,
/// String lastError, int consecutiveFailures, String[] fetchOutcomes, long[] fetchCounts,
/// long hits, long misses, long staplesServed)`: times in milliseconds since the epoch, or
/// [`NO_TIME`]; absent strings null.
fn new_certificate<'local>(
    env: &mut Env<'local>,
    stats: &CertificateStats,
) -> Result<JObject<'local>, BridgeError> {
    let subject: JObject = env.new_string(&stats.subject)?.into();
    let serial: JObject = env.new_string(stats.serial_hex())?.into();
    let responder = new_optional_string(env, stats.responder.as_deref())?;
    // The edge: typed values become the wire names the Java enums read back.
    let status = new_optional_string(env, stats.status.map(|s| s.name()))?;
    let source = new_optional_string(env, stats.source.map(ResponseSource::name))?;
    let last_error = stats.last_problem.as_ref().map(ToString::to_string);
    let last_error = new_optional_string(env, last_error.as_deref())?;
    let (outcomes, counts) = new_counts(env, &stats.fetches)?;
    let failures = jint::try_from(stats.consecutive_failures).unwrap_or(jint::MAX);
    let class = env.find_class(jni_str!("org/staplekit/CertificateStats"))?;
    Ok(env.new_object(
        &class,
        jni_sig!(
            "(Ljava/lang/String;Ljava/lang/String;Ljava/lang/String;Ljava/lang/String;\
             Ljava/lang/String;JJJJLjava/lang/String;I[Ljava/lang/String;[JJJJ)V"
        ),
        &[
            JValue::Object(&subject),
            JValue::Object(&serial),
            JValue::Object(&responder),
            JValue::Object(&status),
            JValue::Object(&source),
            JValue::Long(time(stats.this_update)),
            JValue::Long(time(stats.next_update)),
            JValue::Long(time(stats.next_refresh)),
            JValue::Long(time(stats.last_fetch)),
            JValue::Object(&last_error),
            JValue::Int(failures),
            JValue::Object(&outcomes),
            JValue::Object(&counts),
            JValue::Long(count(stats.hits)),
            JValue::Long(count(stats.misses)),
            JValue::Long(count(stats.staples_served)),
        ],
    )?)
}

/// Fetch outcomes and their counts as two arrays of the same length, in label order.
fn new_counts<'local>(
    env: &mut Env<'local>,
    fetches: &BTreeMap<FetchOutcome, u64>,
) -> Result<(JObject<'local>, JObject<'local>), BridgeError> {
    let outcomes: Vec<String> = fetches.keys().map(ToString::to_string).collect();
    let counts: Vec<jlong> = fetches.values().map(|&n| count(n)).collect();
    let outcomes = new_string_array(env, &outcomes)?;
    let array = JLongArray::new(env, counts.len())?;
    array.set_region(env, 0, &counts)?;
    Ok((outcomes.into(), array.into()))
}

/// A counter as a Java `long`, saturating (a `u64` counter does not reach 2^63 in practice).
fn count(n: u64) -> jlong {
    jlong::try_from(n).unwrap_or(jlong::MAX)
}

/// A time as milliseconds since the epoch, or [`NO_TIME`].
fn time(time: Option<SystemTime>) -> jlong {
    time.map_or(NO_TIME, epoch_millis)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn counts_saturate_and_absent_times_are_the_sentinel() {
        assert_eq!(count(7), 7);
        assert_eq!(count(u64::MAX), jlong::MAX);
        assert_eq!(time(None), NO_TIME);
        let t = SystemTime::UNIX_EPOCH + Duration::from_millis(1_700_000_000_123);
        assert_eq!(time(Some(t)), 1_700_000_000_123);
    }
}
