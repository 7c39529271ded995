//! The test-only JNI library: the native side of `org.staplekit.testkit.NativeTesting`.
//!
//! - [`fixture`]: the test kit's generated PKI with its OCSP responders running, for the Java
//!   tests, benches and the JVM demo.
//! - [`panic`]: a deliberate panic, to prove a panic reaches Java as an exception.
//! - [`tables`]: the codes and names Rust shares with Java, for the test that compares them.
//!
//! It follows the shipped library's rules by using the same files, not copies: errors, the
//! panic policy, conversions and handles come from `jni/src`, included below. It does not link
//! the `staplekit-jni` crate: a cdylib re-exports its dependencies' `#[no_mangle]` exports, so
//! every engine native would then be loaded twice into one JVM.

// Each shared file is included whole; this library uses only part of each (the shipped one
// uses all of it), so unused items here are expected.
#[allow(dead_code)]
#[macro_use]
#[path = "../../src/codes.rs"]
mod codes;
#[allow(dead_code)]
#[path = "../../src/convert.rs"]
mod convert;
#[allow(dead_code)]
#[path = "../../src/error.rs"]
mod error;
#[allow(dead_code)]
#[path = "../../src/handle.rs"]
mod handle;

mod fixture;
mod panic;
mod tables;
