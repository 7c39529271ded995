//! `org.staplekit.Native.engine{ResponseTimeout,KeyStores,KeyStorePassword}`: settings of an
//! engine's configuration that Java doors act on themselves (the agent reads key stores and
//! waits for first fetches), so Java never parses a property the engine already parsed.

use ::jni::objects::{JClass, JObject};
use ::jni::sys::jlong;
use ::jni::EnvUnowned;

use super::convert::{new_optional_string, new_string_array};
use super::engine::{EngineHandle, ENGINE};
use super::error::{BridgeError, ThrowJava};
use super::handle::borrow;

/// `long engineResponseTimeout(long engine)`: `jdk.tls.stapling.responseTimeout` in milliseconds.
#[unsafe(no_mangle)]
pub extern "system" fn Java_org_staplekit_Native_engineResponseTimeout<'local>(
    mut unowned: EnvUnowned<'local>,
    _class: JClass<'local>,
    engine: jlong,
) -> jlong {
    unowned
        .with_env(|_env| -> Result<_, BridgeError> {
            // SAFETY: NativeResource keeps the handle alive for the call (see `handle`).
            let handle: &EngineHandle = unsafe { borrow(engine, ENGINE) }?;
            let millis = handle.engine.config().response_timeout.as_millis();
            Ok(jlong::try_from(millis).unwrap_or(jlong::MAX))
        })
        .resolve::<ThrowJava>()
}

/// `String[] engineKeyStores(long engine)`: `staplekit.stapling.keyStores`, each path resolved
/// against the properties file it came from.
#[unsafe(no_mangle)]
pub extern "system" fn Java_org_staplekit_Native_engineKeyStores<'local>(
    mut unowned: EnvUnowned<'local>,
    _class: JClass<'local>,
    engine: jlong,
) -> JObject<'local> {
    unowned
        .with_env(|env| -> Result<_, BridgeError> {
            // SAFETY: NativeResource keeps the handle alive for the call (see `handle`).
            let handle: &EngineHandle = unsafe { borrow(engine, ENGINE) }?;
            let paths: Vec<String> = handle
                .engine
                .config()
                .key_stores
                .iter()
                .map(|p| p.to_string_lossy().into_owned())
                .collect();
            Ok(new_string_array(env, &paths)?.into())
        })
        .resolve::<ThrowJava>()
}

/// `String engineKeyStorePassword(long engine)`: `staplekit.stapling.keyStorePassword`, or null.
#[unsafe(no_mangle)]
pub extern "system" fn Java_org_staplekit_Native_engineKeyStorePassword<'local>(
    mut unowned: EnvUnowned<'local>,
    _class: JClass<'local>,
    engine: jlong,
) -> JObject<'local> {
    unowned
        .with_env(|env| -> Result<_, BridgeError> {
            // SAFETY: NativeResource keeps the handle alive for the call (see `handle`).
            let handle: &EngineHandle = unsafe { borrow(engine, ENGINE) }?;
            let password = handle.engine.config().key_store_password.as_ref();
            new_optional_string(env, password.map(|s| s.expose()))
        })
        .resolve::<ThrowJava>()
}
