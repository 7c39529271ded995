//! Verifying a real signed OCSP response, as the engine does after every fetch: ECDSA P-256 from
//! the test PKI (by a delegated signer whose certificate the response carries, and by the issuer
//! itself) and RSA 2048 by the issuer.
//!
//! `cargo bench --bench verify`

mod support;

use std::hint::black_box;
use std::time::SystemTime;

use criterion::{criterion_group, criterion_main, Criterion};
use staplekit::{verify_response, Expected, Signer};
use support::{ecdsa_by_issuer, ecdsa_delegated, policy, rsa_by_issuer, OwnPki};

fn verify(c: &mut Criterion) {
    let fx = OwnPki::start();
    let responses = [
        ecdsa_delegated(&fx),
        ecdsa_by_issuer(&fx.pki),
        rsa_by_issuer(),
    ];
    let mut group = c.benchmark_group("verify_response");
    for response in &responses {
        let verified = response.verify();
        let delegated = matches!(verified.signer, Signer::Delegated(_));
        assert_eq!(
            delegated,
            response.name.ends_with("delegated"),
            "{}",
            response.name
        );
        let expected = Expected {
            id: &response.id,
            issuer_der: &response.issuer_der,
            nonce: None,
        };
        let policy = policy(SystemTime::now());
        println!("{}: {} bytes of DER", response.name, response.der.len());
        group.bench_function(response.name, |b| {
            b.iter(|| verify_response(black_box(&response.der), &expected, &policy))
        });
    }
    group.finish();
}

criterion_group!(benches, verify);
criterion_main!(benches);
