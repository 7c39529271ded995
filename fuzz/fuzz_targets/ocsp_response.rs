//! OCSP response verification (`staplekit::verify_response`) of arbitrary bytes against a
//! fixed certificate and issuer (`staplekit_fuzz::ocsp_fixture`) at a fixed time.
//!
//! The property is "never panics": random bytes cannot pass the signature check. The seeds are
//! real responses signed for the fixture, so mutations of their unsigned parts (outer DER, the
//! `certs` field, the signature itself) can still pass; when one does, what is returned must
//! describe the input and respect the policy.
#![no_main]

use libfuzzer_sys::fuzz_target;
use staplekit::verify_response;
use staplekit_fuzz::ocsp_fixture::{fixture, policy};

fuzz_target!(|data: &[u8]| {
    let fixture = fixture();
    let policy = policy();
    let Ok(verified) = verify_response(data, &fixture.expected(), &policy) else {
        return;
    };
    assert_eq!(&*verified.der, data, "the staple is not the bytes received");
    assert!(verified.this_update <= policy.now + policy.clock_skew);
    assert!(verified.next_update.is_none_or(|next| next > policy.now));
});
