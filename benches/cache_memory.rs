//! Memory per cached response: fills a `ResponseCache` sized for 10,000 entries with 10,000
//! verified responses under distinct CertIDs, each verified from its own copy of a real response
//! (so it owns its DER, its signer name and its CertID as the engine's entries do), and counts the
//! heap bytes that stay live, with a counting global allocator, and the resident set size.
//!
//! `cargo bench --bench cache_memory` (a measurement program, not a criterion benchmark).

mod support;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, Ordering};
use std::time::{Duration, SystemTime};

use staplekit::internal::ResponseCache;
use staplekit::{verify_response, CertIdentity, Expected, Signer, VerifiedResponse};
use support::{cert_ids, ecdsa_delegated, policy, OwnPki};

const ENTRIES: usize = 10_000;
/// The target: at most the DER size plus this many bytes per entry.
const TARGET_OVERHEAD: usize = 512;
/// x86-64 Linux pages, the unit of /proc/self/statm.
const PAGE: usize = 4096;

/// The system allocator, counting the bytes it has handed out and not yet been given back.
struct Counting;

static LIVE: AtomicIsize = AtomicIsize::new(0);

// SAFETY: every call is forwarded unchanged to the system allocator, which upholds the
// GlobalAlloc contract; the only addition is an atomic counter, which allocates nothing.
// (`unsafe impl` is what GlobalAlloc requires; this bench binary is not the library, which
// has no unsafe code outside its JNI module.)
#[allow(unsafe_code)]
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: same contract as ours, forwarded.
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() {
            LIVE.fetch_add(layout.size() as isize, Ordering::Relaxed);
        }
        ptr
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: same contract as ours, forwarded.
        let ptr = unsafe { System.alloc_zeroed(layout) };
        if !ptr.is_null() {
            LIVE.fetch_add(layout.size() as isize, Ordering::Relaxed);
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as ours, forwarded.
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size() as isize, Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: same contract as ours, forwarded.
        let new = unsafe { System.realloc(ptr, layout, new_size) };
        if !new.is_null() {
            LIVE.fetch_add(
                new_size as isize - layout.size() as isize,
                Ordering::Relaxed,
            );
        }
        new
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn live() -> isize {
    LIVE.load(Ordering::Relaxed)
}

/// Resident set size in bytes, from /proc/self/statm (second field, in pages).
fn rss() -> usize {
    let statm = std::fs::read_to_string("/proc/self/statm").expect("read /proc/self/statm");
    let pages: usize = statm
        .split_whitespace()
        .nth(1)
        .and_then(|f| f.parse().ok())
        .expect("statm has a resident field");
    pages * PAGE
}

fn main() {
    // `cargo bench` passes `--bench`; a filter that does not name this program skips it.
    let filters: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    if !filters.is_empty() && !filters.iter().any(|f| "cache_memory".contains(f.as_str())) {
        return;
    }
    let fx = OwnPki::start();
    let real = ecdsa_delegated(&fx);
    let der_len = real.der.len();
    let now = SystemTime::now();
    let verify = |der: &[u8]| -> VerifiedResponse {
        let expected = Expected {
            id: &real.id,
            issuer_der: &real.issuer_der,
            nonce: None,
        };
        verify_response(der, &expected, &policy(now)).expect("the real response verifies")
    };
    let sample = verify(&real.der);
    let Signer::Delegated(signer) = &sample.signer else {
        panic!("the test PKI's responses are signed by a delegated responder");
    };
    println!(
        "one response: {der_len} bytes of DER, signed by {signer:?} ({} bytes)",
        signer.len()
    );

    // The keys are made before counting starts only to keep their generator out of the count;
    // each is moved into the cache, so its bytes are counted as the cache's.
    let mut ids: Vec<CertIdentity> =
        cert_ids(ENTRIES, real.id.issuer_name_hash, real.id.issuer_key_hash);
    let key_heap: usize = ids.iter().map(|id| id.serial.capacity()).sum();

    let rss_before = rss();
    let live_before = live();
    let cache = ResponseCache::new(ENTRIES, Duration::from_secs(3600));
    let live_empty = live();
    let (mut value_heap, mut insert_heap) = (0isize, 0isize);
    for id in ids.drain(..) {
        // As the engine stores a fetch: the bytes received, verified, kept in an Arc.
        let received = real.der.clone();
        let before = live();
        let response = std::sync::Arc::new(verify(&received));
        value_heap += live() - before;
        drop(received);
        let before = live();
        assert!(cache.insert(id, response, now));
        insert_heap += live() - before;
    }
    let live_after = live();
    let rss_after = rss();
    assert_eq!(cache.len(), ENTRIES);

    // The serials were allocated before counting began; they are held by the cache all the same.
    let per_entry = (live_after - live_before + key_heap as isize) as f64 / ENTRIES as f64;
    let table = (live_empty - live_before) as f64 / ENTRIES as f64;
    let value = value_heap as f64 / ENTRIES as f64;
    let key = key_heap as f64 / ENTRIES as f64;
    let node = insert_heap as f64 / ENTRIES as f64;
    let overhead = per_entry - der_len as f64;
    let rss_per_entry = (rss_after as f64 - rss_before as f64) / ENTRIES as f64;
    println!("{ENTRIES} entries, each with its own {der_len}-byte DER copy:");
    println!("  live heap per entry:         {per_entry:8.1} bytes");
    println!("    hash table (preallocated): {table:8.1}");
    println!("    LRU node (key + entry):    {node:8.1}");
    println!("    CertID serial (heap):      {key:8.1}");
    println!("    Arc<VerifiedResponse> with DER and signer: {value:8.1}");
    println!(
        "  (inline sizes: CertIdentity {} bytes, VerifiedResponse {} bytes)",
        std::mem::size_of::<CertIdentity>(),
        std::mem::size_of::<VerifiedResponse>()
    );
    println!("  minus the DER:               {overhead:8.1} bytes (target <= {TARGET_OVERHEAD})");
    println!(
        "  RSS: {} KiB before, {} KiB after: {rss_per_entry:.1} bytes per entry (malloc's own overhead included)",
        rss_before / 1024,
        rss_after / 1024
    );
    println!(
        "  target {}",
        if overhead <= TARGET_OVERHEAD as f64 {
            "met"
        } else {
            "MISSED"
        }
    );
    drop(cache);
}
