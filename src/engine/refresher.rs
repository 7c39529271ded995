//! The refresher thread: hands registered certificates that are due to the fetch pool, and reads
//! operator-provided files again when they change.

use std::io;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use log::debug;

use super::shared::Shared;

/// How often operator-provided response files are checked for changes (a cron job rewrites them).
const STATIC_FILE_POLL: Duration = Duration::from_secs(5);

/// Starts the refresher; it runs until the registry closes.
pub(super) fn start(shared: Arc<Shared>) -> io::Result<JoinHandle<()>> {
    std::thread::Builder::new()
        .name("staplekit-refresher".into())
        .spawn(move || run(&shared))
}

fn run(shared: &Arc<Shared>) {
    let mut polled = Instant::now();
    while let Some(due) = shared.registry.wait_due(STATIC_FILE_POLL) {
        for target in due {
            let worker = shared.clone();
            shared.pool.spawn(move || worker.refresh(&target));
        }
        if polled.elapsed() >= STATIC_FILE_POLL {
            shared.reload_changed_static_files();
            polled = Instant::now();
        }
    }
    debug!("refresher stopped");
}
