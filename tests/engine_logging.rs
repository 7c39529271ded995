//! Log records are never emitted while an engine lock is held (issue 11, finding 7): a logger
//! that reads the engine's statistics, as a JMX-backed or JNI logger may, must not deadlock it.
//! Its own test binary: it installs the process's global logger.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, OnceLock};
use std::thread;
use std::time::Duration;

use log::{Log, Metadata, Record};
use staplekit::StaplingEngine;
use staplekit_testkit::fixtures::{engine, OwnPki, CHECK_WAIT};
use staplekit_testkit::responder::Fault;

/// The engine the logger reads.
static ENGINE: OnceLock<Arc<StaplingEngine>> = OnceLock::new();
/// Records the logger saw from the engine, each answered by a `stats()` call.
static READS: AtomicUsize = AtomicUsize::new(0);

struct StatsReadingLogger;

impl Log for StatsReadingLogger {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        metadata.target().starts_with("staplekit")
    }

    fn log(&self, record: &Record<'_>) {
        if !self.enabled(record.metadata()) {
            return;
        }
        if let Some(engine) = ENGINE.get() {
            let _ = engine.stats();
            READS.fetch_add(1, Ordering::Relaxed);
        }
    }

    fn flush(&self) {}
}

#[test]
fn a_logger_that_reads_the_statistics_does_not_deadlock_the_engine() {
    log::set_logger(&StatsReadingLogger).expect("the only logger of this binary");
    log::set_max_level(log::LevelFilter::Debug);
    let fx = OwnPki::start();
    let engine = ENGINE.get_or_init(|| {
        Arc::new(engine(&[
            ("staplekit.stapling.retryDelay", "200"),
            ("staplekit.stapling.retryMaxDelay", "200"),
        ]))
    });
    let chain = fx.leaf_chain(engine);

    let (done, finished) = mpsc::channel();
    let worker = thread::spawn(move || {
        let engine = ENGINE.get().expect("set above");
        // Taken responses (logged as they replace what is held) ...
        let registration = engine.register(&chain, None);
        engine.wait_for_first_fetches(&registration, CHECK_WAIT);
        // ... answers for a handshake or a check, offered to the registry ...
        engine.check_chain(&chain, CHECK_WAIT);
        // ... and failures, logged with the backoff they start.
        fx.responder.set_fault(Fault::HttpStatus(500)).unwrap();
        let failing = engine.parse_chain(fx.pki.revoked_chain_der()).unwrap();
        let registration = engine.register(&failing, None);
        let failed = engine.wait_for_first_fetches(&registration, CHECK_WAIT);
        done.send(failed).unwrap();
        fx
    });
    let failed = finished
        .recv_timeout(Duration::from_secs(30))
        .expect("the engine deadlocked under a logger that reads its statistics");
    let fx = worker.join().unwrap();
    let leaf = failed[0].as_ref().expect("the revoked leaf is registered");
    assert!(leaf.consecutive_failures >= 1, "{leaf:?}");
    assert!(READS.load(Ordering::Relaxed) >= 4, "the logger was called");
    drop(fx);
}
