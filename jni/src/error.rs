//! What can go wrong in a native call, and the Java exception each becomes.

use std::any::Any;

use ::jni::errors::ErrorPolicy;
use ::jni::strings::JNIString;
use ::jni::{jni_str, Env};

use staplekit::tls::ExtensionError;
use staplekit::ChainError;
use staplekit::ConfigError;
use staplekit::EngineError;

/// Why a native call failed. Each variant maps to one Java exception class (see
/// [`BridgeError::java_class`]); the message is the variant's `Display`.
#[derive(Debug, thiserror::Error)]
pub(super) enum BridgeError {
    /// A JNI call failed; if it left a Java exception pending, that exception is what Java sees.
    #[error("JNI call failed: {0}")]
    Jni(#[from] ::jni::errors::Error),
    /// A required argument was `null`.
    #[error("{0} must not be null")]
    NullArgument(String),
    /// A handle of 0: the Java object was closed.
    #[error("this {0} is closed")]
    Closed(&'static str),
    /// An argument Java can express but the engine cannot use (a negative length, an unknown
    /// protocol version).
    #[error("{0}")]
    InvalidArgument(String),
    /// The client's `status_request` or `status_request_v2` data is malformed.
    #[error(transparent)]
    MalformedExtension(#[from] ExtensionError),
    /// A certificate chain could not be parsed.
    #[error(transparent)]
    Chain(#[from] ChainError),
    /// The configuration could not be loaded.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The engine could not start.
    #[error(transparent)]
    Engine(#[from] EngineError),
    /// A local OCSP responder could not listen on the address asked for.
    #[allow(
        dead_code,
        reason = "only the shipped library starts responders; jni/testing includes this file"
    )]
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        /// The address asked for.
        addr: std::net::SocketAddr,
        /// Why the bind failed.
        source: std::io::Error,
    },
    /// The test kit could not build its PKI or start a responder.
    #[allow(
        dead_code,
        reason = "the testing library (jni/testing), which includes this file, constructs it"
    )]
    #[error("{0}")]
    Testkit(String),
}

impl BridgeError {
    /// The Java exception class (JNI internal name) thrown for this error.
    ///
    /// Keep in sync with the `throws` clauses of `org.staplekit.Native`.
    fn java_class(&self) -> &'static ::jni::strings::JNIStr {
        match self {
            BridgeError::Jni(_) => jni_str!("java/lang/IllegalStateException"),
            BridgeError::NullArgument(_) => jni_str!("java/lang/NullPointerException"),
            BridgeError::Closed(_) => jni_str!("java/lang/IllegalStateException"),
            BridgeError::InvalidArgument(_) => jni_str!("java/lang/IllegalArgumentException"),
            BridgeError::MalformedExtension(_) => {
                jni_str!("org/staplekit/MalformedStatusRequestException")
            }
            BridgeError::Chain(_) => jni_str!("org/staplekit/InvalidChainException"),
            BridgeError::Config(_) | BridgeError::Engine(EngineError::Issuers(_)) => {
                jni_str!("org/staplekit/ConfigurationException")
            }
            BridgeError::Listen { .. } => jni_str!("java/io/IOException"),
            BridgeError::Engine(_) | BridgeError::Testkit(_) => {
                jni_str!("org/staplekit/StaplingException")
            }
        }
    }
}

/// The error policy of every export: a [`BridgeError`] is thrown as its Java exception (unless a
/// Java exception is already pending, which then wins), and a panic as
/// `org.staplekit.NativePanicException`. Either way the export returns `T::default()`, which Java
/// never sees because the exception is thrown.
pub(super) struct ThrowJava;

impl<T: Default> ErrorPolicy<T, BridgeError> for ThrowJava {
    type Captures<'unowned_env_local: 'native_method, 'native_method> = ();

    fn on_error<'unowned_env_local: 'native_method, 'native_method>(
        env: &mut Env<'unowned_env_local>,
        _captures: &mut (),
        err: BridgeError,
    ) -> ::jni::errors::Result<T> {
        if !env.exception_check() {
            log::debug!("native call failed: {err}");
            throw(env, err.java_class(), &err.to_string());
        }
        Ok(T::default())
    }

    fn on_panic<'unowned_env_local: 'native_method, 'native_method>(
        env: &mut Env<'unowned_env_local>,
        _captures: &mut (),
        payload: Box<dyn Any + Send + 'static>,
    ) -> ::jni::errors::Result<T> {
        let message = panic_message(payload);
        log::error!("panic in native code: {message}");
        if !env.exception_check() {
            throw(
                env,
                jni_str!("org/staplekit/NativePanicException"),
                &format!("panic in staplekit native code: {message}"),
            );
        }
        Ok(T::default())
    }
}

/// Throws a new `class` with `message`. `FindClass` from a native method uses the loader of the
/// class that declared it, so the library's own exception classes are found in any class loader
/// set-up. If even that fails, the JVM's own exception (e.g. `NoClassDefFoundError`) is pending.
fn throw(env: &mut Env<'_>, class: &::jni::strings::JNIStr, message: &str) {
    let thrown = env
        .find_class(class)
        .and_then(|class| env.throw_new(&class, JNIString::from(message)));
    // Err(JavaException) is the normal result of throwing; anything else is logged.
    if let Err(e) = thrown {
        if !matches!(e, ::jni::errors::Error::JavaException) {
            log::error!("cannot throw {class}: {e} (message was: {message})");
        }
    }
}

/// The text of a panic payload (`panic!` gives a `&str` or a `String`).
fn panic_message(payload: Box<dyn Any + Send + 'static>) -> String {
    match payload.downcast::<&'static str>() {
        Ok(s) => (*s).to_owned(),
        Err(payload) => match payload.downcast::<String>() {
            Ok(s) => *s,
            // Dropping an unknown payload could itself panic: leak it instead.
            Err(payload) => {
                std::mem::forget(payload);
                "a panic without a message".to_owned()
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panic_messages_are_read_from_str_and_string_payloads() {
        assert_eq!(panic_message(Box::new("static text")), "static text");
        assert_eq!(
            panic_message(Box::new(String::from("formatted 7"))),
            "formatted 7"
        );
        assert_eq!(panic_message(Box::new(42_u32)), "a panic without a message");
    }

    #[test]
    fn each_error_names_its_java_exception() {
        let cases = [
            (
                BridgeError::NullArgument("chain".into()),
                "java/lang/NullPointerException",
            ),
            (
                BridgeError::Closed("StaplingEngine"),
                "java/lang/IllegalStateException",
            ),
            (
                BridgeError::InvalidArgument("x".into()),
                "java/lang/IllegalArgumentException",
            ),
            (
                BridgeError::Chain(ChainError::Empty),
                "org/staplekit/InvalidChainException",
            ),
            (
                BridgeError::Engine(EngineError::Issuers(ChainError::Empty)),
                "org/staplekit/ConfigurationException",
            ),
            (
                BridgeError::Engine(EngineError::Pool("x".into())),
                "org/staplekit/StaplingException",
            ),
        ];
        for (error, class) in cases {
            assert_eq!(error.java_class().to_str(), class, "{error}");
        }
        let malformed = staplekit::tls::parse_status_request(&[0x01]).unwrap_err();
        assert_eq!(
            BridgeError::from(malformed).java_class().to_str(),
            "org/staplekit/MalformedStatusRequestException"
        );
    }
}
