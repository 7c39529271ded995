//! `org.staplekit.Native.testing*` and `fixture*`: support for the Java tests and the JVM demo.
//!
//! - `testingPanic` panics on purpose, so a test proves a panic reaches Java as an exception.
//! - A fixture is the test kit's generated PKI, written as PEM files, with OpenSSL's own OCSP
//!   responder running for the root and for the intermediate (see [`crate::testkit`]). The Java
//!   tests and the demo get their certificates and responders from here rather than from a
//!   second generator.

use std::path::Path;

use ::jni::objects::{JClass, JObject, JString};
use ::jni::sys::jlong;
use ::jni::EnvUnowned;

use super::convert::{new_string_array, optional_string, string};
use super::error::{BridgeError, ThrowJava};
use super::handle::{borrow, free, into_handle};
use crate::testkit::openssl::{reserve_port, OpensslResponder, ResponderConfig};
use crate::testkit::pki::{TestPki, TestPkiOptions};

/// Names fixtures in "is closed" messages.
const FIXTURE: &str = "TestPki";

/// A written PKI and its two running responders; dropping it stops them.
struct Fixture {
    root: OpensslResponder,
    intermediate: OpensslResponder,
}

/// `void testingPanic(String message)`: panics with `message` (or a fixed text for null).
#[unsafe(no_mangle)]
pub extern "system" fn Java_org_staplekit_Native_testingPanic<'local>(
    mut unowned: EnvUnowned<'local>,
    _class: JClass<'local>,
    message: JString<'local>,
) {
    unowned
        .with_env(|env| -> Result<(), BridgeError> {
            let message = optional_string(env, &message)?;
            panic!(
                "{}",
                message.as_deref().unwrap_or("deliberate panic for a test")
            );
        })
        .resolve::<ThrowJava>()
}

/// `long fixtureStart(String directory)`: generates the test PKI with the responders' URLs in
/// its AIA extensions, writes its PEM files and OpenSSL indexes into `directory` (which must
/// exist), and starts both responders.
#[unsafe(no_mangle)]
pub extern "system" fn Java_org_staplekit_Native_fixtureStart<'local>(
    mut unowned: EnvUnowned<'local>,
    _class: JClass<'local>,
    directory: JString<'local>,
) -> jlong {
    unowned
        .with_env(|env| -> Result<_, BridgeError> {
            let directory = string(env, &directory, "directory")?;
            Ok(into_handle(start(Path::new(&directory))?))
        })
        .resolve::<ThrowJava>()
}

/// `String[] fixtureResponderUrls(long fixture)`: the root's and the intermediate's responder
/// URLs, in that order.
#[unsafe(no_mangle)]
pub extern "system" fn Java_org_staplekit_Native_fixtureResponderUrls<'local>(
    mut unowned: EnvUnowned<'local>,
    _class: JClass<'local>,
    fixture: jlong,
) -> JObject<'local> {
    unowned
        .with_env(|env| -> Result<_, BridgeError> {
            // SAFETY: NativeResource keeps the handle alive for the call (see `handle`).
            let fixture: &Fixture = unsafe { borrow(fixture, FIXTURE) }?;
            let urls = [fixture.root.url(), fixture.intermediate.url()];
            Ok(new_string_array(env, &urls)?.into())
        })
        .resolve::<ThrowJava>()
}

/// `void fixtureStop(long fixture)`: stops both responders.
#[unsafe(no_mangle)]
pub extern "system" fn Java_org_staplekit_Native_fixtureStop<'local>(
    mut unowned: EnvUnowned<'local>,
    _class: JClass<'local>,
    fixture: jlong,
) {
    unowned
        .with_env(|_env| -> Result<_, BridgeError> {
            // SAFETY: NativeResource frees each handle once, after every call on it returned.
            unsafe { free::<Fixture>(fixture) };
            Ok(())
        })
        .resolve::<ThrowJava>()
}

fn start(directory: &Path) -> Result<Fixture, BridgeError> {
    let testkit = |e: &dyn std::fmt::Display| BridgeError::Testkit(e.to_string());
    let root_port = reserve_port().map_err(|e| testkit(&e))?;
    let intermediate_port = reserve_port().map_err(|e| testkit(&e))?;
    let pki = TestPki::generate(&TestPkiOptions::new(
        Some(&root_port.url()),
        Some(&intermediate_port.url()),
    ))
    .map_err(|e| testkit(&e))?;
    let pem = pki.write_pem_files(directory).map_err(|e| testkit(&e))?;
    let index = pki.write_index_files(directory).map_err(|e| testkit(&e))?;
    let root = OpensslResponder::start_on(root_port, &ResponderConfig::root(&pem, &index))
        .map_err(|e| testkit(&e))?;
    let intermediate = OpensslResponder::start_on(
        intermediate_port,
        &ResponderConfig::intermediate(&pem, &index),
    )
    .map_err(|e| testkit(&e))?;
    Ok(Fixture { root, intermediate })
}
