//! Rust values owned by Java objects, passed across as `long` handles.
//!
//! A handle is the address of a `Box<T>`. The Java wrapper (`org.staplekit.NativeResource`)
//! makes the two promises the `unsafe` blocks below rely on: a handle is passed only with the
//! type it was created for, and it is freed exactly once, never while a call that borrowed it
//! is running (calls hold the wrapper's read lock, `close` takes its write lock).

use ::jni::sys::jlong;

use super::error::BridgeError;

/// Moves `value` to the heap and returns its address, which Java owns from now on.
pub(super) fn into_handle<T>(value: T) -> jlong {
    Box::into_raw(Box::new(value)) as jlong
}

/// Borrows the value behind `handle` for the duration of a native call. A zero handle means
/// the Java object is closed.
///
/// # Safety
/// `handle` is zero or came from [`into_handle::<T>`] and has not been passed to [`free`]; the
/// value is not freed before the borrow ends (both guaranteed by `NativeResource`).
pub(super) unsafe fn borrow<'a, T>(
    handle: jlong,
    what: &'static str,
) -> Result<&'a T, BridgeError> {
    if handle == 0 {
        return Err(BridgeError::Closed(what));
    }
    // SAFETY: see the function's contract.
    Ok(unsafe { &*(handle as *const T) })
}

/// Drops the value behind `handle`; a zero handle is ignored.
///
/// # Safety
/// `handle` is zero or came from [`into_handle::<T>`], is freed only once, and no call is using
/// it (guaranteed by `NativeResource`).
pub(super) unsafe fn free<T>(handle: jlong) {
    if handle != 0 {
        // SAFETY: see the function's contract.
        drop(unsafe { Box::from_raw(handle as *mut T) });
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    use super::*;

    struct CountsDrops(Arc<AtomicUsize>);

    impl Drop for CountsDrops {
        fn drop(&mut self) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }

    #[test]
    fn a_handle_borrows_its_value_until_freed_once() {
        let drops = Arc::new(AtomicUsize::new(0));
        let handle = into_handle(CountsDrops(drops.clone()));
        assert_ne!(handle, 0);
        let value: &CountsDrops = unsafe { borrow(handle, "test value") }.unwrap();
        assert!(Arc::ptr_eq(&value.0, &drops));
        unsafe { free::<CountsDrops>(handle) };
        assert_eq!(drops.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn a_zero_handle_is_a_closed_object() {
        let err = unsafe { borrow::<u8>(0, "StaplingEngine") }.unwrap_err();
        assert!(
            matches!(err, BridgeError::Closed("StaplingEngine")),
            "{err}"
        );
        assert_eq!(err.to_string(), "this StaplingEngine is closed");
        unsafe { free::<u8>(0) };
    }
}
