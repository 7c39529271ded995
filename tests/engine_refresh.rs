//! The refresh schedule of registered chains against responders that serve old answers: a
//! response taken now is renewed after `refreshRatio` of the validity it has left, never at the
//! `retryDelay` floor (issue 11, finding 3).

use std::thread;
use std::time::Duration;

use staplekit::Status;
use staplekit_testkit::fixtures::*;

const HOUR: Duration = Duration::from_secs(3600);

#[test]
fn an_old_but_valid_answer_is_not_fetched_again_and_again() {
    // A CDN-served answer: thisUpdate two hours old, nextUpdate three hours ahead; the JDK's
    // cacheLifetime (one hour) bounds how long it is served fresh.
    let fx = OwnPki::start();
    fx.responder.set_this_update_age(2 * HOUR);
    fx.responder.set_validity(Some(3 * HOUR));
    let engine = engine(&[
        ("staplekit.stapling.retryDelay", "100"),
        ("staplekit.stapling.retryMaxDelay", "100"),
    ]);
    let chain = fx.leaf_chain(&engine);
    let registration = engine.register(&chain, None);
    let first = engine.wait_for_first_fetches(&registration, Duration::from_secs(10));
    let leaf = first[0].as_ref().expect("the leaf is registered");
    assert_eq!(leaf.status, Some(Status::Good), "{leaf:?}");
    let asked_first = fx.responder.stats().requests;

    // Thirty retryDelays: a schedule at the floor would ask about thirty more times.
    thread::sleep(Duration::from_secs(3));
    let asked = fx.responder.stats().requests - asked_first;
    assert_eq!(asked, 0, "asked {asked} more times in 3 s");
    let stats = engine.stats();
    let leaf = stats
        .certificate(&registration.kept_ids().next().unwrap().clone())
        .unwrap();
    let next = leaf.next_refresh.expect("a refresh is planned");
    let fetched = leaf.last_fetch.expect("fetched once");
    // Half of the hour the response has left (cacheLifetime), less at most 10 % jitter.
    let wait = next.duration_since(fetched).unwrap_or_default();
    assert!(
        wait >= HOUR / 2 - HOUR / 20 && wait <= HOUR / 2,
        "next refresh {wait:?} after the fetch"
    );
}
