//! `NativeTesting.testingPanic`: a panic on purpose, so a test proves that the panic policy
//! every export uses turns it into `org.staplekit.NativePanicException`.

use ::jni::objects::{JClass, JString};
use ::jni::EnvUnowned;

use super::convert::optional_string;
use super::error::{BridgeError, ThrowJava};

/// `static void testingPanic(String message)`: panics with `message` (or a fixed text for null).
#[unsafe(no_mangle)]
pub extern "system" fn Java_org_staplekit_testkit_NativeTesting_testingPanic<'local>(
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
