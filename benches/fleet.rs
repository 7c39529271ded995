//! Upstream OCSP requests per refresh period against the number of servers (1, 2, 4, 8), each
//! server working alone and all sharing one `redis-server` (`staplekit.stapling.sharedStore`).
//! Run through `bench/fleet`, which prints the machine around this program's Markdown table.
//!
//! Each server is an engine of its own (its own registry, refresher, HTTP client and Redis
//! connection), all in this process; the project's responder counts the requests about the leaf.
//! Responses are valid for `BENCH_VALIDITY` seconds (default 4) and renewed halfway, so a refresh
//! period is about half of that; requests are counted over `BENCH_PERIODS` periods (default 5)
//! once every server staples.

use std::thread;
use std::time::{Duration, Instant};

use staplekit::{ConfigLoader, StaplingEngine};
use staplekit_testkit::fixtures::OwnPki;
use staplekit_testkit::redis_server::RedisServer;

fn main() {
    let validity = Duration::from_secs(env_u64("BENCH_VALIDITY", 4));
    let periods = env_u64("BENCH_PERIODS", 5);
    let period = validity / 2;
    let redis = RedisServer::start(None);
    println!("| servers | alone: requests per period | shared store: requests per period |");
    println!("|---|---|---|");
    for servers in [1, 2, 4, 8] {
        let alone = measure(servers, None, validity, periods);
        let shared = measure(servers, Some(&redis), validity, periods);
        println!("| {servers} | {alone:.2} | {shared:.2} |");
    }
    eprintln!("each figure: requests about the leaf over {periods} periods of {period:?}, divided by {periods}");
}

/// Requests about the leaf per refresh period, `servers` engines sharing `store` (or not).
fn measure(servers: usize, store: Option<&RedisServer>, validity: Duration, periods: u64) -> f64 {
    let fx = OwnPki::start();
    fx.responder.set_validity(Some(validity));
    let mut overrides = vec![("staplekit.stapling.retryDelay", "500".to_owned())];
    if let Some(redis) = store {
        // A database of its own per run: no entry of an earlier run is found.
        // Redis has 16 databases by default: 1 to 4 for 1, 2, 4 and 8 servers.
        let db = servers.trailing_zeros() + 1;
        overrides.push(("staplekit.stapling.sharedStore", redis.url_of_db(db)));
    }
    let engines: Vec<StaplingEngine> = (0..servers)
        .map(|_| {
            let mut loader = ConfigLoader::new();
            for (key, value) in &overrides {
                loader = loader.set(*key, value.clone());
            }
            StaplingEngine::new(loader.load().expect("config").config).expect("engine")
        })
        .collect();
    for engine in &engines {
        let chain = fx.leaf_chain(engine);
        engine.register(&chain, None);
        // Staggered as servers start in practice, not all in the same millisecond.
        thread::sleep(Duration::from_millis(100));
    }
    let deadline = Instant::now() + Duration::from_secs(30);
    while !engines.iter().all(|e| {
        e.stats()
            .certificates
            .first()
            .is_some_and(|c| c.status.is_some())
    }) {
        assert!(Instant::now() < deadline, "the servers did not staple");
        thread::sleep(Duration::from_millis(20));
    }
    let leaf = fx.pki.leaf.serial.clone();
    let count = || {
        fx.responder
            .recent_requests()
            .iter()
            .filter(|r| r.serials.contains(&leaf))
            .count()
    };
    // The responder remembers its 64 latest requests: count in slices short enough.
    let mut asked = 0;
    let end = Instant::now() + validity / 2 * periods as u32;
    while Instant::now() < end {
        fx.responder.reset_stats();
        thread::sleep((validity / 4).min(end.saturating_duration_since(Instant::now())));
        assert!(
            fx.responder.stats().requests <= 64,
            "more requests in a slice than the responder remembers"
        );
        asked += count();
    }
    drop(engines);
    asked as f64 / periods as f64
}

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}
