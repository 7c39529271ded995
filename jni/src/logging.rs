//! `org.staplekit.Native.loggingInit`: the crate's `log` records, forwarded to `System.Logger`.
//!
//! Records whose target starts with `staplekit` go to `org.staplekit.NativeLog.log`, which logs
//! them on `System.Logger` `org.staplekit.native.<module>` (e.g. `org.staplekit.native.engine`).
//! Java chooses the most verbose level its logger takes when the library loads; records below it
//! are dropped in Rust without crossing JNI.
//!
//! Records come from JNI calls (threads Java attached) and from the engine's fetch threads.
//! Those are attached only for the call (`attach_current_thread_for_scope`): a fetch thread left
//! attached would count as a live non-daemon Java thread and keep the JVM from exiting.

use std::cell::Cell;
use std::sync::OnceLock;

use ::jni::objects::{JClass, JObject};
use ::jni::refs::Global;
use ::jni::sys::jint;
use ::jni::{jni_sig, jni_str, Env, EnvUnowned, JValue, JavaVM};
use log::{Level, LevelFilter, Log, Metadata, Record};

use super::error::{BridgeError, ThrowJava};

/// The logger, once Java has installed it.
static LOGGER: OnceLock<JavaLogger> = OnceLock::new();

thread_local! {
    /// Set while a record is being forwarded: records logged meanwhile (by the JNI layer itself,
    /// say) are dropped rather than forwarded recursively.
    static FORWARDING: Cell<bool> = const { Cell::new(false) };
}

/// Forwards records to `org.staplekit.NativeLog`.
struct JavaLogger {
    /// `org.staplekit.NativeLog`, found through the loader of the class that loaded the library.
    class: Global<JClass<'static>>,
}

/// `void loggingInit(int maxLevel)`: installs the forwarding logger (once per process; later
/// calls only change the level). `maxLevel`: 0 off, 1 error, 2 warn, 3 info, 4 debug, 5 trace.
#[unsafe(no_mangle)]
pub extern "system" fn Java_org_staplekit_Native_loggingInit<'local>(
    mut unowned: EnvUnowned<'local>,
    _class: JClass<'local>,
    max_level: jint,
) {
    unowned
        .with_env(|env| -> Result<(), BridgeError> {
            let filter = level_filter(max_level)?;
            let class = env.find_class(jni_str!("org/staplekit/NativeLog"))?;
            let class = env.new_global_ref(&class)?;
            if LOGGER.set(JavaLogger { class }).is_ok() {
                if let Some(logger) = LOGGER.get() {
                    // Another logger may already be installed (a Rust host program): it stays.
                    let _ = log::set_logger(logger);
                }
            }
            log::set_max_level(filter);
            Ok(())
        })
        .resolve::<ThrowJava>()
}

/// `maxLevel` as a filter.
fn level_filter(max_level: jint) -> Result<LevelFilter, BridgeError> {
    Ok(match max_level {
        0 => LevelFilter::Off,
        1 => LevelFilter::Error,
        2 => LevelFilter::Warn,
        3 => LevelFilter::Info,
        4 => LevelFilter::Debug,
        5 => LevelFilter::Trace,
        other => {
            return Err(BridgeError::InvalidArgument(format!(
                "log level {other} is not 0 (off) to 5 (trace)"
            )))
        }
    })
}

/// The level code `NativeLog.log` takes: 1 error to 5 trace, as for `loggingInit`.
fn level_code(level: Level) -> jint {
    match level {
        Level::Error => 1,
        Level::Warn => 2,
        Level::Info => 3,
        Level::Debug => 4,
        Level::Trace => 5,
    }
}

impl Log for JavaLogger {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        metadata.level() <= log::max_level() && metadata.target().starts_with("staplekit")
    }

    fn log(&self, record: &Record<'_>) {
        if !self.enabled(record.metadata()) || FORWARDING.with(|f| f.replace(true)) {
            return;
        }
        // A record that cannot be forwarded is dropped: logging must never fail the caller.
        let _ = self.forward(record);
        FORWARDING.with(|f| f.set(false));
    }

    fn flush(&self) {}
}

impl JavaLogger {
    fn forward(&self, record: &Record<'_>) -> Result<(), ::jni::errors::Error> {
        let vm = JavaVM::singleton()?;
        vm.attach_current_thread_for_scope(|env: &mut Env<'_>| {
            let target: JObject = env.new_string(record.target())?.into();
            let message: JObject = env.new_string(record.args().to_string())?.into();
            env.call_static_method(
                &self.class,
                jni_str!("log"),
                jni_sig!("(ILjava/lang/String;Ljava/lang/String;)V"),
                &[
                    JValue::Int(level_code(record.level())),
                    JValue::Object(&target),
                    JValue::Object(&message),
                ],
            )?;
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_map_both_ways() {
        assert_eq!(level_filter(0).unwrap(), LevelFilter::Off);
        assert_eq!(level_filter(2).unwrap(), LevelFilter::Warn);
        assert_eq!(level_filter(5).unwrap(), LevelFilter::Trace);
        assert!(level_filter(6).is_err());
        assert!(level_filter(-1).is_err());
        for level in [
            Level::Error,
            Level::Warn,
            Level::Info,
            Level::Debug,
            Level::Trace,
        ] {
            let filter = level_filter(level_code(level)).unwrap();
            assert_eq!(filter.to_level(), Some(level));
        }
    }
}
