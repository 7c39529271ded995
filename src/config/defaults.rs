//! Default values and accepted ranges of every property, typed.
//!
//! The JDK's defaults are copied from `sun.security.ssl` and `sun.security.provider.certpath.OCSP`;
//! the only deliberate difference is [`SERVER_ENABLED`].

use std::ops::RangeInclusive;
use std::time::Duration;

use crate::config::refresh_ratio::RefreshRatio;

/// `jdk.tls.server.enableStatusRequestExtension`: **true** here, false in the JDK. staplekit exists
/// to staple, so a server using it staples unless told otherwise.
pub(crate) const SERVER_ENABLED: bool = true;
/// `jdk.tls.client.enableStatusRequestExtension`: true, as in the JDK.
pub(crate) const CLIENT_ENABLED: bool = true;
/// `jdk.tls.stapling.responseTimeout`: 5000 ms, as in the JDK.
pub(crate) const RESPONSE_TIMEOUT: Duration = Duration::from_millis(5000);
/// `jdk.tls.stapling.cacheSize`: 256 entries, as in the JDK.
pub(crate) const CACHE_SIZE: usize = 256;
/// `jdk.tls.stapling.cacheLifetime`: 3600 s, as in the JDK.
pub(crate) const CACHE_LIFETIME: Duration = Duration::from_secs(3600);
/// `jdk.tls.stapling.responderOverride`: false, as in the JDK.
pub(crate) const RESPONDER_OVERRIDE: bool = false;
/// `jdk.tls.stapling.ignoreExtensions`: false, as in the JDK.
pub(crate) const IGNORE_EXTENSIONS: bool = false;
/// `com.sun.security.ocsp.timeout`: 15 s, as in the JDK.
pub(crate) const OCSP_CONNECT_TIMEOUT: Duration = Duration::from_secs(15);
/// `com.sun.security.ocsp.readtimeout`: 15 s, as in the JDK.
pub(crate) const OCSP_READ_TIMEOUT: Duration = Duration::from_secs(15);
/// `com.sun.security.ocsp.useget`: true, as in the JDK.
pub(crate) const OCSP_USE_GET: bool = true;
/// `staplekit.stapling.fetchThreads`: 8, the size of the JDK's fetch pool.
pub(crate) const FETCH_THREADS: u32 = 8;
/// Accepted values of `staplekit.stapling.fetchThreads`.
pub(crate) const FETCH_THREADS_RANGE: RangeInclusive<u32> = 1..=256;
/// `staplekit.stapling.maxResponseBytes`: 64 KiB.
pub(crate) const MAX_RESPONSE_BYTES: u32 = 65536;
/// Accepted values of `staplekit.stapling.maxResponseBytes`: up to 16 MiB.
pub(crate) const MAX_RESPONSE_BYTES_RANGE: RangeInclusive<u32> = 1..=16 * 1024 * 1024;
/// `staplekit.stapling.clockSkew`: 300 s, in seconds.
pub(crate) const CLOCK_SKEW_SECS: u32 = 300;
/// Accepted values of `staplekit.stapling.clockSkew`, in seconds: up to one day.
pub(crate) const CLOCK_SKEW_SECS_RANGE: RangeInclusive<u32> = 0..=86400;
/// `staplekit.stapling.refreshRatio`: renew a response halfway through its validity.
pub(crate) const REFRESH_RATIO: RefreshRatio = match RefreshRatio::from_parts_per_million(500_000) {
    Some(ratio) => ratio,
    // Evaluated at compile time: 0.5 is in range, so this arm never builds.
    None => panic!("0.5 is a valid refresh ratio"),
};
/// `staplekit.stapling.retryDelay`: 10 s before the first retry of a failed background fetch, in ms.
pub(crate) const RETRY_DELAY_MS: u32 = 10_000;
/// `staplekit.stapling.retryMaxDelay`: the backoff stops growing at 10 minutes, in ms.
pub(crate) const RETRY_MAX_DELAY_MS: u32 = 600_000;
/// Accepted values of `staplekit.stapling.retryDelay` and `retryMaxDelay`, in ms: up to one day.
pub(crate) const RETRY_DELAY_MS_RANGE: RangeInclusive<u32> = 1..=86_400_000;
/// `staplekit.stapling.refreshConcurrency`: 4 background fetches in flight at most.
pub(crate) const REFRESH_CONCURRENCY: u32 = 4;
/// Accepted values of `staplekit.stapling.refreshConcurrency`.
pub(crate) const REFRESH_CONCURRENCY_RANGE: RangeInclusive<u32> = 1..=256;
