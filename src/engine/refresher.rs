//! The refresher thread: hands registered certificates that are due to the fetch pool, and reads
//! operator-provided files again when they change.

use std::any::Any;
use std::io;
use std::panic::{self, AssertUnwindSafe};
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
            shared.pool.spawn(move || {
                // A panic on a pool thread would abort the process (and a JVM around it); a bug
                // in one fetch must cost that fetch only, and its certificate must not stay
                // "in flight" forever.
                let refreshed = panic::catch_unwind(AssertUnwindSafe(|| worker.refresh(&target)));
                if let Err(payload) = refreshed {
                    worker.refresh_panicked(&target, panic_message(payload.as_ref()));
                }
            });
        }
        if polled.elapsed() >= STATIC_FILE_POLL {
            shared.reload_changed_static_files();
            polled = Instant::now();
        }
    }
    debug!("refresher stopped");
}

/// What a panic said, when it said it with a string (as `panic!` does).
pub(super) fn panic_message(payload: &(dyn Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".to_owned())
}
