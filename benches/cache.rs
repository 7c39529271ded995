//! `ResponseCache::get` with 1k, 10k and 100k entries: hits (visiting entries in a shuffled
//! order, so memory is not walked in insertion order) and a miss.
//!
//! `cargo bench --bench cache`

mod support;

use std::hint::black_box;
use std::time::{Duration, SystemTime};

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use staplekit::internal::ResponseCache;
use support::{cert_ids, ecdsa_delegated, own_copy, shuffled, OwnPki};

fn cache(c: &mut Criterion) {
    let fx = OwnPki::start();
    let real = ecdsa_delegated(&fx);
    let response = real.verify();
    let now = SystemTime::now();
    let mut group = c.benchmark_group("cache_get");
    for n in [1_000, 10_000, 100_000] {
        // One more CertID than entries: the last is never inserted, for the miss.
        let ids = cert_ids(n + 1, real.id.issuer_name_hash, real.id.issuer_key_hash);
        let cache = ResponseCache::new(n, Duration::from_secs(3600));
        for id in &ids[..n] {
            assert!(cache.insert(id.clone(), own_copy(&response), now));
        }
        assert_eq!(cache.len(), n);
        let order = shuffled(n);
        let mut next = 0;
        group.bench_function(BenchmarkId::new("hit", n), |b| {
            b.iter(|| {
                next = (next + 1) % n;
                let hit = cache.get(black_box(&ids[order[next]]), now);
                debug_assert!(hit.is_some());
                hit
            })
        });
        let missing = &ids[n];
        assert!(cache.get(missing, now).is_none());
        group.bench_function(BenchmarkId::new("miss", n), |b| {
            b.iter(|| cache.get(black_box(missing), now))
        });
    }
    group.finish();
}

criterion_group!(benches, cache);
criterion_main!(benches);
