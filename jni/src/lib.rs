//! The JNI bridge: the native side of the `org.staplekit` Java classes.
//!
//! Thin by design: each export converts Java arguments to Rust, calls the engine, and converts
//! the result back. Nothing here decides anything about stapling.
//!
//! - Every native method of the Java side is declared in `org.staplekit.Native`, and implemented
//!   by one `Java_org_staplekit_Native_*` export in [`engine`], [`chain`], [`stats`],
//!   [`settings`], [`responder`] or [`logging`]. The integer codes both sides share are declared once, in [`codes`].
//! - Test-only natives (fixtures, a deliberate panic) are not here but in the separate library
//!   `jni/testing` (`libstaplekit_testing.so`), which includes this crate's `error`, `convert`,
//!   `handle` and `codes` files rather than linking this crate: a cdylib re-exports its
//!   dependencies' exports, which would load every engine native twice.
//! - Every export runs its body through `EnvUnowned::with_env`, which catches panics, and maps
//!   the outcome with [`error::ThrowJava`]: a [`error::BridgeError`] becomes a specific Java
//!   exception and a panic becomes `org.staplekit.NativePanicException`. A panic never unwinds
//!   into the JVM.
//! - Engines, chains and local responders live on the Rust heap; Java holds their addresses as
//!   `long` handles ([`handle`]). The Java wrappers guarantee that a handle is freed once, and
//!   never while a call that uses it runs (a read-write lock per handle, with a `Cleaner` as the
//!   safety net); a zero handle (a closed object) is refused with `IllegalStateException`.
//! - Chains are parsed once, natively, and reused by every handshake through their handle.
//! - The crate's `log` records reach Java's `System.Logger` ([`logging`]).

mod chain;
mod codes;
mod convert;
mod engine;
mod error;
mod handle;
mod java;
mod logging;
mod responder;
mod settings;
mod stats;
