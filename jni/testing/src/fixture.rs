//! `NativeTesting.fixture*`: the PKI and responders of the Java tests, benches and JVM demo.
//!
//! A fixture is the test kit's generated PKI, written as PEM files, with its OCSP responders
//!   running (see [`staplekit_testkit`]): either OpenSSL's own responder for the root and for the
//!   intermediate, or the project's own in-process responder for both, whose answers a test can
//!   delay. The Java tests and the demo get their certificates and responders from here rather
//!   than from a second generator.

use std::path::Path;
use std::time::Duration;

use ::jni::objects::{JClass, JObject, JString};
use ::jni::sys::{jint, jlong};
use ::jni::EnvUnowned;

use super::convert::{new_string_array, string};
use super::error::{BridgeError, ThrowJava};
use super::handle::{borrow, free, into_handle};
use staplekit_testkit::openssl::{reserve_port, OpensslResponder, ResponderConfig};
use staplekit_testkit::pki::{TestPki, TestPkiOptions};
use staplekit_testkit::responder::{Fault, OcspResponder};
use staplekit_testkit::served_pki::serve_test_pki;

/// Names fixtures in "is closed" messages.
const FIXTURE: &str = "TestPki";

/// A written PKI and its running responders; dropping it stops them.
enum Fixture {
    /// OpenSSL's responders, one per CA: the reference behaviour.
    Openssl {
        root: OpensslResponder,
        intermediate: OpensslResponder,
    },
    /// The project's own responder, answering for both CAs, with injectable faults.
    InProcess(OcspResponder),
}

code_table! {
    /// `fixtureStart`'s `kind`: `NativeTesting.KIND_*`.
    fixture_kind {
        /// OpenSSL's responders.
        OPENSSL = 0,
        /// The project's own responder, in process.
        IN_PROCESS = 1,
    }
}

/// `static long fixtureStart(String directory, int kind)`: generates the test PKI with the
/// responders' URLs in its AIA extensions, writes its PEM files into `directory` (which must
/// exist), and starts its responders: OpenSSL's two (kind 0, their indexes written beside the
/// PEM files) or the project's own one (kind 1).
#[unsafe(no_mangle)]
pub extern "system" fn Java_org_staplekit_testkit_NativeTesting_fixtureStart<'local>(
    mut unowned: EnvUnowned<'local>,
    _class: JClass<'local>,
    directory: JString<'local>,
    kind: jint,
) -> jlong {
    unowned
        .with_env(|env| -> Result<_, BridgeError> {
            let directory = string(env, &directory, "directory")?;
            let fixture = match kind {
                fixture_kind::OPENSSL => start_openssl(Path::new(&directory))?,
                fixture_kind::IN_PROCESS => start_in_process(Path::new(&directory))?,
                other => {
                    return Err(BridgeError::InvalidArgument(format!(
                        "fixture kind {other} is not 0 (OpenSSL) or 1 (in process)"
                    )))
                }
            };
            Ok(into_handle(fixture))
        })
        .resolve::<ThrowJava>()
}

/// `static void fixtureDelay(long fixture, long millis)`: from now on the in-process responder waits
/// `millis` before each answer (0: answers at once again). OpenSSL's responders cannot be
/// delayed: `IllegalArgumentException`.
#[unsafe(no_mangle)]
pub extern "system" fn Java_org_staplekit_testkit_NativeTesting_fixtureDelay<'local>(
    mut unowned: EnvUnowned<'local>,
    _class: JClass<'local>,
    fixture: jlong,
    millis: jlong,
) {
    unowned
        .with_env(|_env| -> Result<_, BridgeError> {
            // SAFETY: NativeResource keeps the handle alive for the call (see `handle`).
            let fixture: &Fixture = unsafe { borrow(fixture, FIXTURE) }?;
            let Fixture::InProcess(responder) = fixture else {
                return Err(BridgeError::InvalidArgument(
                    "OpenSSL's responders cannot be delayed; start the fixture in process".into(),
                ));
            };
            let millis = u64::try_from(millis).map_err(|_| {
                BridgeError::InvalidArgument(format!("delay must not be negative: {millis}"))
            })?;
            let fault = match millis {
                0 => Fault::None,
                _ => Fault::Delay(Duration::from_millis(millis)),
            };
            responder.set_fault(fault).map_err(testkit)
        })
        .resolve::<ThrowJava>()
}

/// `static long fixtureRequestCount(long fixture)`: how many requests the in-process responder has
/// received since it started (each read in full, whatever its content). OpenSSL's responders do
/// not count: `IllegalArgumentException`.
#[unsafe(no_mangle)]
pub extern "system" fn Java_org_staplekit_testkit_NativeTesting_fixtureRequestCount<'local>(
    mut unowned: EnvUnowned<'local>,
    _class: JClass<'local>,
    fixture: jlong,
) -> jlong {
    unowned
        .with_env(|_env| -> Result<_, BridgeError> {
            // SAFETY: NativeResource keeps the handle alive for the call (see `handle`).
            let fixture: &Fixture = unsafe { borrow(fixture, FIXTURE) }?;
            let responder = in_process(fixture, "count requests")?;
            Ok(jlong::try_from(responder.stats().requests).unwrap_or(jlong::MAX))
        })
        .resolve::<ThrowJava>()
}

/// `static void fixtureValidity(long fixture, long millis)`: from now on the in-process responder's
/// answers have nextUpdate `millis` after thisUpdate (0: no nextUpdate). OpenSSL's responders:
/// `IllegalArgumentException`.
#[unsafe(no_mangle)]
pub extern "system" fn Java_org_staplekit_testkit_NativeTesting_fixtureValidity<'local>(
    mut unowned: EnvUnowned<'local>,
    _class: JClass<'local>,
    fixture: jlong,
    millis: jlong,
) {
    unowned
        .with_env(|_env| -> Result<_, BridgeError> {
            // SAFETY: NativeResource keeps the handle alive for the call (see `handle`).
            let fixture: &Fixture = unsafe { borrow(fixture, FIXTURE) }?;
            let responder = in_process(fixture, "change their validity")?;
            let millis = u64::try_from(millis).map_err(|_| {
                BridgeError::InvalidArgument(format!("validity must not be negative: {millis}"))
            })?;
            responder.set_validity((millis > 0).then(|| Duration::from_millis(millis)));
            Ok(())
        })
        .resolve::<ThrowJava>()
}

/// `static String[] fixtureResponderUrls(long fixture)`: the root's and the intermediate's responder
/// URLs, in that order.
#[unsafe(no_mangle)]
pub extern "system" fn Java_org_staplekit_testkit_NativeTesting_fixtureResponderUrls<'local>(
    mut unowned: EnvUnowned<'local>,
    _class: JClass<'local>,
    fixture: jlong,
) -> JObject<'local> {
    unowned
        .with_env(|env| -> Result<_, BridgeError> {
            // SAFETY: NativeResource keeps the handle alive for the call (see `handle`).
            let fixture: &Fixture = unsafe { borrow(fixture, FIXTURE) }?;
            let urls = match fixture {
                Fixture::Openssl { root, intermediate } => [root.url(), intermediate.url()],
                Fixture::InProcess(responder) => [responder.url(), responder.url()],
            };
            Ok(new_string_array(env, &urls)?.into())
        })
        .resolve::<ThrowJava>()
}

/// `static void fixtureStop(long fixture)`: stops the responders.
#[unsafe(no_mangle)]
pub extern "system" fn Java_org_staplekit_testkit_NativeTesting_fixtureStop<'local>(
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

/// The in-process responder, or an error saying OpenSSL's cannot `what`.
fn in_process<'f>(fixture: &'f Fixture, what: &str) -> Result<&'f OcspResponder, BridgeError> {
    match fixture {
        Fixture::InProcess(responder) => Ok(responder),
        Fixture::Openssl { .. } => Err(BridgeError::InvalidArgument(format!(
            "OpenSSL's responders cannot {what}; start the fixture in process"
        ))),
    }
}

/// A test kit failure as the bridge's error.
fn testkit(e: impl std::fmt::Display) -> BridgeError {
    BridgeError::Testkit(e.to_string())
}

fn start_openssl(directory: &Path) -> Result<Fixture, BridgeError> {
    let root_port = reserve_port().map_err(testkit)?;
    let intermediate_port = reserve_port().map_err(testkit)?;
    let pki = TestPki::generate(&TestPkiOptions::new(
        Some(&root_port.url()),
        Some(&intermediate_port.url()),
    ))
    .map_err(testkit)?;
    let pem = pki.write_pem_files(directory).map_err(testkit)?;
    let index = pki.write_index_files(directory).map_err(testkit)?;
    let root = OpensslResponder::start_on(root_port, &ResponderConfig::root(&pem, &index))
        .map_err(testkit)?;
    let intermediate = OpensslResponder::start_on(
        intermediate_port,
        &ResponderConfig::intermediate(&pem, &index),
    )
    .map_err(testkit)?;
    Ok(Fixture::Openssl { root, intermediate })
}

fn start_in_process(directory: &Path) -> Result<Fixture, BridgeError> {
    // Bound first, so its URL goes into the certificates it then answers for.
    let responder = OcspResponder::bind("127.0.0.1:0").map_err(testkit)?;
    let url = responder.url();
    let pki = TestPki::generate(&TestPkiOptions::new(Some(&url), Some(&url))).map_err(testkit)?;
    pki.write_pem_files(directory).map_err(testkit)?;
    serve_test_pki(&responder, &pki).map_err(testkit)?;
    Ok(Fixture::InProcess(responder))
}
