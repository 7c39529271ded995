//! A handshake's cost on the stapling engine once the responses are at hand: `engine.staple`
//! for the 3-certificate test chain (leaf, intermediate, root) with a JDK client's status
//! request, for a registered chain (responses held by the refresher) and for an unregistered
//! one (responses from the LRU cache), and the selection alone.
//!
//! `cargo bench --bench staple`

mod support;

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use staplekit::tls::TlsVersion;
use staplekit::{Chain, Staple, StaplingEngine};
use support::{engine, jdk_hello, register_and_wait, OwnPki};

/// How many responses a staple carries (the leaf's and the intermediate's; never the root's).
fn stapled_count(staple: &Staple) -> usize {
    staple.responses().flatten().count()
}

/// Checks that every version staples the two responses before anything is timed.
fn assert_warm(engine: &StaplingEngine, chain: &Chain) {
    for (version, expected) in [(TlsVersion::Tls12, 2), (TlsVersion::Tls13, 2)] {
        let staple = engine
            .staple(&jdk_hello(version), chain)
            .expect("well-formed status request")
            .expect("a staple");
        assert_eq!(stapled_count(&staple), expected, "{version:?}: {staple:?}");
    }
}

fn staple(c: &mut Criterion) {
    let fx = OwnPki::start();

    // Registered: the refresher fetched both responses; handshakes read them from the registry.
    let registered = engine(&[]);
    let registered_chain = fx.leaf_chain(&registered);
    register_and_wait(&registered, &registered_chain);
    assert_warm(&registered, &registered_chain);

    // Not registered: the first handshake fetched (and waited); later ones hit the LRU cache.
    let cached = engine(&[]);
    let cached_chain = fx.leaf_chain(&cached);
    cached
        .staple(&jdk_hello(TlsVersion::Tls12), &cached_chain)
        .expect("well-formed status request")
        .expect("the first handshake fetches and staples");
    assert_warm(&cached, &cached_chain);
    let requests = fx.responder.stats().requests;

    let mut group = c.benchmark_group("staple");
    for (name, engine, chain) in [
        ("registered", &registered, &registered_chain),
        ("cached", &cached, &cached_chain),
    ] {
        for (version_name, version) in [("tls12", TlsVersion::Tls12), ("tls13", TlsVersion::Tls13)]
        {
            let hello = jdk_hello(version);
            group.bench_function(format!("{name}/{version_name}"), |b| {
                b.iter(|| engine.staple(black_box(&hello), black_box(chain)))
            });
        }
    }
    group.finish();
    assert_eq!(
        fx.responder.stats().requests,
        requests,
        "nothing timed may have fetched"
    );

    let mut group = c.benchmark_group("select");
    for (version_name, version) in [("tls12", TlsVersion::Tls12), ("tls13", TlsVersion::Tls13)] {
        let hello = jdk_hello(version);
        group.bench_function(version_name, |b| {
            b.iter(|| registered.select(black_box(&hello), black_box(3)))
        });
    }
    group.finish();
}

criterion_group!(benches, staple);
criterion_main!(benches);
