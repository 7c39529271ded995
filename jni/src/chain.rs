//! `org.staplekit.Native.chain*`: certificate chains parsed once and reused by every handshake.

use ::jni::objects::{JByteArray, JClass, JObjectArray};
use ::jni::sys::jlong;
use ::jni::EnvUnowned;

use super::convert::byte_arrays;
use super::engine::{EngineHandle, ENGINE};
use super::error::{BridgeError, ThrowJava};
use super::handle::{borrow, free, into_handle};
use staplekit::Chain;

/// `long chainParse(long engine, byte[][] certificates)`: parses a DER chain, leaf first,
/// finding issuers in the chain or in the engine's `staplekit.stapling.issuers`.
#[unsafe(no_mangle)]
pub extern "system" fn Java_org_staplekit_Native_chainParse<'local>(
    mut unowned: EnvUnowned<'local>,
    _class: JClass<'local>,
    engine: jlong,
    certificates: JObjectArray<'local, JByteArray<'local>>,
) -> jlong {
    unowned
        .with_env(|env| -> Result<_, BridgeError> {
            // SAFETY: NativeResource keeps the handle alive for the call (see `handle`).
            let handle: &EngineHandle = unsafe { borrow(engine, ENGINE) }?;
            let der = byte_arrays(env, &certificates, "certificates")?;
            let chain = handle.engine.parse_chain(der)?;
            Ok(into_handle(chain))
        })
        .resolve::<ThrowJava>()
}

/// `void chainFree(long chain)`.
#[unsafe(no_mangle)]
pub extern "system" fn Java_org_staplekit_Native_chainFree<'local>(
    mut unowned: EnvUnowned<'local>,
    _class: JClass<'local>,
    chain: jlong,
) {
    unowned
        .with_env(|_env| -> Result<_, BridgeError> {
            // SAFETY: NativeResource frees each handle once, after every call on it returned.
            unsafe { free::<Chain>(chain) };
            Ok(())
        })
        .resolve::<ThrowJava>()
}
