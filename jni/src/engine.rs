//! `org.staplekit.Native.engine*` and `propertyKeys`: the engine's life and its per-handshake calls.

use std::path::PathBuf;
use std::time::Duration;

use ::jni::objects::{JByteArray, JClass, JObject, JObjectArray, JString};
use ::jni::sys::{jint, jlong};
use ::jni::{Env, EnvUnowned};

use super::convert::{
    length, new_optional_bytes, new_string_array, optional_bytes, optional_string, strings,
};
use super::error::{BridgeError, ThrowJava};
use super::handle::{borrow, free, into_handle};
use super::java::{new_report, new_staple, selection_code};
use staplekit::tls::{ClientStatusRequest, TlsVersion};
use staplekit::Chain;
use staplekit::StaplingEngine;
use staplekit::{ConfigLoader, Property};

/// What an engine handle owns: the engine and the warnings its configuration produced.
pub(super) struct EngineHandle {
    pub(super) engine: StaplingEngine,
    warnings: Vec<String>,
}

/// Names engines in "is closed" messages.
pub(super) const ENGINE: &str = "StaplingEngine";
/// Names chains in "is closed" messages.
pub(super) const CHAIN: &str = "CertificateChain";

/// `String[] propertyKeys()`: every property the engine reads, so Java can look each up in the
/// system and security properties.
#[unsafe(no_mangle)]
pub extern "system" fn Java_org_staplekit_Native_propertyKeys<'local>(
    mut unowned: EnvUnowned<'local>,
    _class: JClass<'local>,
) -> JObject<'local> {
    unowned
        .with_env(|env| -> Result<_, BridgeError> {
            let keys: Vec<String> = Property::ALL.iter().map(|p| p.key().to_owned()).collect();
            Ok(new_string_array(env, &keys)?.into())
        })
        .resolve::<ThrowJava>()
}

/// `long engineCreate(String[] keys, String[] values, String propertiesFile)`: loads the
/// configuration (`keys[i] = values[i]` as overrides over the optional file, over the defaults)
/// and starts an engine.
#[unsafe(no_mangle)]
pub extern "system" fn Java_org_staplekit_Native_engineCreate<'local>(
    mut unowned: EnvUnowned<'local>,
    _class: JClass<'local>,
    keys: JObjectArray<'local, JString<'local>>,
    values: JObjectArray<'local, JString<'local>>,
    properties_file: JString<'local>,
) -> jlong {
    unowned
        .with_env(|env| -> Result<_, BridgeError> {
            let keys = strings(env, &keys, "keys")?;
            let values = strings(env, &values, "values")?;
            if keys.len() != values.len() {
                return Err(BridgeError::InvalidArgument(format!(
                    "{} keys but {} values",
                    keys.len(),
                    values.len()
                )));
            }
            let mut loader = ConfigLoader::new().set_all(keys.into_iter().zip(values));
            if let Some(file) = optional_string(env, &properties_file)? {
                loader = loader.file(file);
            }
            let loaded = loader.load()?;
            let warnings = loaded.warnings.iter().map(ToString::to_string).collect();
            let engine = StaplingEngine::new(loaded.config)?;
            Ok(into_handle(EngineHandle { engine, warnings }))
        })
        .resolve::<ThrowJava>()
}

/// `String[] engineWarnings(long engine)`: what the configuration did not take as written.
#[unsafe(no_mangle)]
pub extern "system" fn Java_org_staplekit_Native_engineWarnings<'local>(
    mut unowned: EnvUnowned<'local>,
    _class: JClass<'local>,
    engine: jlong,
) -> JObject<'local> {
    unowned
        .with_env(|env| -> Result<_, BridgeError> {
            // SAFETY: NativeResource keeps the handle alive for the call (see `handle`).
            let handle: &EngineHandle = unsafe { borrow(engine, ENGINE) }?;
            Ok(new_string_array(env, &handle.warnings)?.into())
        })
        .resolve::<ThrowJava>()
}

/// `void engineFree(long engine)`: stops the engine (its fetch threads finish their fetch).
#[unsafe(no_mangle)]
pub extern "system" fn Java_org_staplekit_Native_engineFree<'local>(
    mut unowned: EnvUnowned<'local>,
    _class: JClass<'local>,
    engine: jlong,
) {
    unowned
        .with_env(|_env| -> Result<_, BridgeError> {
            // SAFETY: NativeResource frees each handle once, after every call on it returned.
            unsafe { free::<EngineHandle>(engine) };
            Ok(())
        })
        .resolve::<ThrowJava>()
}

/// `int engineSelect(long engine, byte[] statusRequest, byte[] statusRequestV2,
/// int protocolVersion, boolean resumed, int chainLength)`: what the ServerHello would assert,
/// as a `Selection` code.
#[unsafe(no_mangle)]
pub extern "system" fn Java_org_staplekit_Native_engineSelect<'local>(
    mut unowned: EnvUnowned<'local>,
    _class: JClass<'local>,
    engine: jlong,
    status_request: JByteArray<'local>,
    status_request_v2: JByteArray<'local>,
    protocol_version: jint,
    resumed: bool,
    chain_length: jint,
) -> jint {
    unowned
        .with_env(|env| -> Result<_, BridgeError> {
            // SAFETY: NativeResource keeps the handle alive for the call (see `handle`).
            let handle: &EngineHandle = unsafe { borrow(engine, ENGINE) }?;
            let v1 = optional_bytes(env, &status_request)?;
            let v2 = optional_bytes(env, &status_request_v2)?;
            let hello = hello(&v1, &v2, protocol_version, resumed)?;
            let selection = handle
                .engine
                .select(&hello, length(chain_length, "chainLength")?)?;
            Ok(selection_code(&selection))
        })
        .resolve::<ThrowJava>()
}

/// `Staple engineStaple(long engine, long chain, byte[] statusRequest, byte[] statusRequestV2,
/// int protocolVersion, boolean resumed)`: what to staple, or null for nothing (assert no
/// status extension). May wait up to `jdk.tls.stapling.responseTimeout` for responders.
#[unsafe(no_mangle)]
pub extern "system" fn Java_org_staplekit_Native_engineStaple<'local>(
    mut unowned: EnvUnowned<'local>,
    _class: JClass<'local>,
    engine: jlong,
    chain: jlong,
    status_request: JByteArray<'local>,
    status_request_v2: JByteArray<'local>,
    protocol_version: jint,
    resumed: bool,
) -> JObject<'local> {
    unowned
        .with_env(|env| -> Result<_, BridgeError> {
            // SAFETY: NativeResource keeps both handles alive for the call (see `handle`).
            let handle: &EngineHandle = unsafe { borrow(engine, ENGINE) }?;
            let chain: &Chain = unsafe { borrow(chain, CHAIN) }?;
            let v1 = optional_bytes(env, &status_request)?;
            let v2 = optional_bytes(env, &status_request_v2)?;
            let hello = hello(&v1, &v2, protocol_version, resumed)?;
            match handle.engine.staple(&hello, chain)? {
                Some(staple) => new_staple(env, &staple),
                None => Ok(JObject::null()),
            }
        })
        .resolve::<ThrowJava>()
}

/// `byte[] engineHeldLeafResponse(long engine, long chain)`: the leaf's held response for a
/// registered chain, or null when nothing is held. Never fetches nor waits.
#[unsafe(no_mangle)]
pub extern "system" fn Java_org_staplekit_Native_engineHeldLeafResponse<'local>(
    mut unowned: EnvUnowned<'local>,
    _class: JClass<'local>,
    engine: jlong,
    chain: jlong,
) -> JObject<'local> {
    unowned
        .with_env(|env| -> Result<_, BridgeError> {
            // SAFETY: NativeResource keeps both handles alive for the call (see `handle`).
            let handle: &EngineHandle = unsafe { borrow(engine, ENGINE) }?;
            let chain: &Chain = unsafe { borrow(chain, CHAIN) }?;
            let held = handle.engine.held_leaf_response(chain);
            new_optional_bytes(env, held.as_deref())
        })
        .resolve::<ThrowJava>()
}

/// `void engineRegister(long engine, long chain, String chainFile)`: registers the chain (its
/// responses fetched now and kept fresh in the background; `<chainFile>.ors` read when the PEM
/// file it came from is given) and returns at once.
#[unsafe(no_mangle)]
pub extern "system" fn Java_org_staplekit_Native_engineRegister<'local>(
    mut unowned: EnvUnowned<'local>,
    _class: JClass<'local>,
    engine: jlong,
    chain: jlong,
    chain_file: JString<'local>,
) {
    unowned
        .with_env(|env| -> Result<_, BridgeError> {
            // SAFETY: NativeResource keeps both handles alive for the call (see `handle`).
            let handle: &EngineHandle = unsafe { borrow(engine, ENGINE) }?;
            let chain: &Chain = unsafe { borrow(chain, CHAIN) }?;
            let chain_file = optional_string(env, &chain_file)?.map(PathBuf::from);
            handle.engine.register(chain, chain_file.as_deref());
            Ok(())
        })
        .resolve::<ThrowJava>()
}

/// `void engineUnregister(long engine, long chain)`: undoes one `engineRegister` of the chain.
#[unsafe(no_mangle)]
pub extern "system" fn Java_org_staplekit_Native_engineUnregister<'local>(
    mut unowned: EnvUnowned<'local>,
    _class: JClass<'local>,
    engine: jlong,
    chain: jlong,
) {
    unowned
        .with_env(|_env| -> Result<_, BridgeError> {
            // SAFETY: NativeResource keeps both handles alive for the call (see `handle`).
            let handle: &EngineHandle = unsafe { borrow(engine, ENGINE) }?;
            let chain: &Chain = unsafe { borrow(chain, CHAIN) }?;
            handle.engine.unregister(chain);
            Ok(())
        })
        .resolve::<ThrowJava>()
}

/// `CertificateReport[] engineCheck(long engine, long chain, long waitMillis)`: asks every
/// responder now, waiting at most `waitMillis`, and reports each certificate.
#[unsafe(no_mangle)]
pub extern "system" fn Java_org_staplekit_Native_engineCheck<'local>(
    mut unowned: EnvUnowned<'local>,
    _class: JClass<'local>,
    engine: jlong,
    chain: jlong,
    wait_millis: jlong,
) -> JObject<'local> {
    unowned
        .with_env(|env| -> Result<_, BridgeError> {
            // SAFETY: NativeResource keeps both handles alive for the call (see `handle`).
            let handle: &EngineHandle = unsafe { borrow(engine, ENGINE) }?;
            let chain: &Chain = unsafe { borrow(chain, CHAIN) }?;
            let wait = u64::try_from(wait_millis).map_err(|_| {
                BridgeError::InvalidArgument(format!("wait must not be negative: {wait_millis}"))
            })?;
            let reports = handle
                .engine
                .check_chain(chain, Duration::from_millis(wait));
            reports_array(env, &reports)
        })
        .resolve::<ThrowJava>()
}

/// A `CertificateReport[]`, each element built in its own local frame.
fn reports_array<'local>(
    env: &mut Env<'local>,
    reports: &[staplekit::CertificateReport],
) -> Result<JObject<'local>, BridgeError> {
    let class = env.find_class(::jni::jni_str!("org/staplekit/CertificateReport"))?;
    let len = jint::try_from(reports.len())
        .map_err(|_| BridgeError::InvalidArgument("too many certificates".into()))?;
    let array = env.new_object_array(len, &class, JObject::null())?;
    for (i, report) in reports.iter().enumerate() {
        env.with_local_frame(8, |env| -> Result<(), BridgeError> {
            let element = new_report(env, report)?;
            array.set_element(env, i, &element)?;
            Ok(())
        })?;
    }
    Ok(array.into())
}

/// The engine's view of a ClientHello.
fn hello<'a>(
    v1: &'a Option<Vec<u8>>,
    v2: &'a Option<Vec<u8>>,
    protocol_version: jint,
    resumed: bool,
) -> Result<ClientStatusRequest<'a>, BridgeError> {
    let version = u16::try_from(protocol_version)
        .ok()
        .and_then(TlsVersion::from_wire)
        .ok_or_else(|| {
            BridgeError::InvalidArgument(format!(
                "protocol version 0x{protocol_version:04x} is not TLS 1.0 to 1.3"
            ))
        })?;
    Ok(ClientStatusRequest {
        status_request: v1.as_deref(),
        status_request_v2: v2.as_deref(),
        version,
        resumed,
    })
}
