//! A panic in a background fetch is survived (issue 11, finding 6): caught, logged, counted, the
//! certificate no longer in flight and retried; the process and the other certificates go on.
//! A unit test because the deliberate panic exists only in the test build.

use std::time::Duration;

use staplekit_testkit::fixtures::OwnPki;

use super::shared::deliberate;
use crate::stats::{FetchOutcome, FetchProblem};
use crate::{ConfigLoader, FetchFailure, StaplingEngine, Status};

#[test]
fn a_panicking_fetch_costs_that_fetch_only() {
    // The test kit links the library as a dependency of its own: only bytes and URLs cross.
    let fx = OwnPki::start();
    let config = ConfigLoader::new()
        .set("staplekit.stapling.retryDelay", "300")
        .set("staplekit.stapling.retryMaxDelay", "300")
        .load()
        .expect("configuration loads")
        .config;
    let engine = StaplingEngine::new(config).expect("engine starts");
    let chain = engine
        .parse_chain(fx.pki.leaf_chain_der())
        .expect("chain parses");
    let leaf_serial = chain.leaf().id.as_ref().expect("a CertID").serial.clone();
    deliberate::panic_on(&leaf_serial);

    let registration = engine.register(&chain, None);
    let first = engine.wait_for_first_fetches(&registration, Duration::from_secs(10));
    let leaf = first[0].as_ref().expect("the leaf is registered");
    assert_eq!(leaf.consecutive_failures, 1, "{leaf:?}");
    assert!(
        matches!(
            leaf.last_problem,
            Some(FetchProblem::Failed(FetchFailure::Panicked(ref m))) if m.contains("deliberate")
        ),
        "{leaf:?}"
    );
    assert_eq!(leaf.fetches.get(&FetchOutcome::Panicked), Some(&1));
    assert!(leaf.next_refresh.is_some(), "a retry is planned");
    let intermediate = first[1].as_ref().expect("the intermediate is registered");
    assert_eq!(intermediate.status, Some(Status::Good), "{intermediate:?}");

    // The retry (the panic was for one fetch only) brings the leaf its response.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let stats = engine.stats();
        let leaf = &stats.certificates[0];
        if leaf.status == Some(Status::Good) {
            assert_eq!(stats.fetches.get(&FetchOutcome::Panicked), Some(&1));
            break;
        }
        assert!(std::time::Instant::now() < deadline, "no retry: {leaf:?}");
        std::thread::sleep(Duration::from_millis(50));
    }
}
