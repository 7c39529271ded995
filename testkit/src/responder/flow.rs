//! Requests in flight: counting them, holding them until enough overlap, and waits that shutdown
//! cuts short.

use std::collections::VecDeque;
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use super::stats::{HttpMethod, SeenRequest, Stats};

/// How many [`SeenRequest`]s are kept; older ones are dropped.
pub(crate) const RECENT_CAPACITY: usize = 64;

/// Shared by the accept loop, the connection threads and the [`super::OcspResponder`] handle.
#[derive(Default)]
pub(crate) struct Flow {
    state: Mutex<FlowState>,
    changed: Condvar,
}

#[derive(Default)]
struct FlowState {
    /// Shutdown has begun: every wait ends.
    stopping: bool,
    /// The accept loop should stop (set by shutdown and by `stop_accepting`).
    not_accepting: bool,
    stats: Stats,
    recent: VecDeque<SeenRequest>,
    hold: Option<Hold>,
    /// Bumped each time a group of held requests is released.
    hold_generation: u64,
}

#[derive(Clone, Copy)]
struct Hold {
    concurrent: usize,
    timeout: Duration,
}

/// A request in flight; dropping it ends the request.
pub(crate) struct InFlight<'f> {
    flow: &'f Flow,
    /// The hold generation when the request arrived: a later one means its group was released.
    generation: u64,
}

impl Flow {
    fn lock(&self) -> MutexGuard<'_, FlowState> {
        // The state is plain counters and flags, valid even if a holder panicked.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Counts a request that has been read and marks it in flight.
    pub(crate) fn enter(&self, method: HttpMethod) -> InFlight<'_> {
        let mut s = self.lock();
        let generation = s.hold_generation;
        s.stats.requests += 1;
        match method {
            HttpMethod::Get => s.stats.by_method.get += 1,
            HttpMethod::Post => s.stats.by_method.post += 1,
        }
        s.stats.in_flight += 1;
        s.stats.max_in_flight = s.stats.max_in_flight.max(s.stats.in_flight);
        if s.hold.is_some_and(|h| s.stats.in_flight >= h.concurrent) {
            s.hold_generation += 1;
        }
        drop(s);
        self.changed.notify_all();
        InFlight {
            flow: self,
            generation,
        }
    }

    /// Remembers a request for [`super::OcspResponder::recent_requests`].
    pub(crate) fn record(&self, seen: SeenRequest) {
        let mut s = self.lock();
        if s.recent.len() == RECENT_CAPACITY {
            s.recent.pop_front();
        }
        s.recent.push_back(seen);
    }

    pub(crate) fn stats(&self) -> Stats {
        self.lock().stats
    }

    pub(crate) fn recent(&self) -> Vec<SeenRequest> {
        self.lock().recent.iter().cloned().collect()
    }

    /// Zeroes the counters; requests now in flight stay counted as in flight.
    pub(crate) fn reset(&self) {
        let mut s = self.lock();
        let in_flight = s.stats.in_flight;
        s.stats = Stats {
            in_flight,
            max_in_flight: in_flight,
            ..Stats::default()
        };
        s.recent.clear();
    }

    /// Sets (or with `None` clears) the concurrency hold; clearing releases waiting requests.
    pub(crate) fn set_hold(&self, hold: Option<(usize, Duration)>) {
        let mut s = self.lock();
        s.hold = hold.map(|(concurrent, timeout)| Hold {
            concurrent,
            timeout,
        });
        s.hold_generation += 1;
        drop(s);
        self.changed.notify_all();
    }

    pub(crate) fn accepting(&self) -> bool {
        let s = self.lock();
        !s.stopping && !s.not_accepting
    }

    /// Tells the accept loop to stop.
    pub(crate) fn stop_accepting(&self) {
        self.lock().not_accepting = true;
        self.changed.notify_all();
    }

    /// Begins shutdown: the accept loop and every wait end.
    pub(crate) fn stop(&self) {
        let mut s = self.lock();
        s.stopping = true;
        s.not_accepting = true;
        drop(s);
        self.changed.notify_all();
    }

    /// Sleeps up to `timeout` or until the accept loop is told to stop.
    pub(crate) fn pause_accepting(&self, timeout: Duration) {
        let s = self.lock();
        drop(
            self.changed
                .wait_timeout_while(s, timeout, |s| !s.stopping && !s.not_accepting),
        );
    }

    /// Sleeps for `duration`; returns false if shutdown cut it short.
    pub(crate) fn sleep(&self, duration: Duration) -> bool {
        let s = self.lock();
        let (s, _) = self
            .changed
            .wait_timeout_while(s, duration, |s| !s.stopping)
            .unwrap_or_else(PoisonError::into_inner);
        !s.stopping
    }

    /// Blocks until shutdown.
    pub(crate) fn wait_for_stop(&self) {
        let s = self.lock();
        drop(self.changed.wait_while(s, |s| !s.stopping));
    }

    /// Wakes waiters, e.g. after a connection ended and freed a slot.
    pub(crate) fn notify(&self) {
        self.changed.notify_all();
    }
}

impl InFlight<'_> {
    /// If a hold is set, waits until the hold's number of requests are in flight together (this
    /// one included), its timeout passes, or shutdown; returns false on shutdown.
    pub(crate) fn hold(&self) -> bool {
        let flow = self.flow;
        let s = flow.lock();
        let Some(hold) = s.hold else {
            return !s.stopping;
        };
        let deadline = Instant::now() + hold.timeout;
        let mut s = s;
        while !s.stopping && s.hold_generation == self.generation {
            let now = Instant::now();
            if now >= deadline {
                log::debug!(
                    "held request released by timeout: {} of {} in flight",
                    s.stats.in_flight,
                    hold.concurrent
                );
                break;
            }
            s = flow
                .changed
                .wait_timeout(s, deadline - now)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
        !s.stopping
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        let mut s = self.flow.lock();
        s.stats.in_flight = s.stats.in_flight.saturating_sub(1);
        drop(s);
        self.flow.changed.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seen(n: u8) -> SeenRequest {
        SeenRequest {
            method: HttpMethod::Get,
            der: Some(vec![n]),
            serials: vec![],
            nonce: None,
        }
    }

    #[test]
    fn keeps_the_latest_requests_only() {
        let flow = Flow::default();
        for n in 0..=RECENT_CAPACITY as u8 {
            flow.record(seen(n));
        }
        let recent = flow.recent();
        assert_eq!(recent.len(), RECENT_CAPACITY);
        assert_eq!(recent[0], seen(1));
        assert_eq!(recent[RECENT_CAPACITY - 1], seen(RECENT_CAPACITY as u8));
    }

    #[test]
    fn reset_keeps_requests_in_flight_counted() {
        let flow = Flow::default();
        let a = flow.enter(HttpMethod::Get);
        let b = flow.enter(HttpMethod::Post);
        drop(b);
        flow.record(seen(0));
        flow.reset();
        assert_eq!(
            flow.stats(),
            Stats {
                in_flight: 1,
                max_in_flight: 1,
                ..Stats::default()
            }
        );
        assert!(flow.recent().is_empty());
        drop(a);
        assert_eq!(flow.stats().in_flight, 0);
    }

    #[test]
    fn a_request_held_before_its_group_formed_is_released_even_if_the_group_is_gone() {
        // The second arrival completes the group and leaves before the first one checks the
        // hold: the first must still be released, not wait for the timeout.
        let flow = Flow::default();
        flow.set_hold(Some((2, Duration::from_secs(60))));
        let first = flow.enter(HttpMethod::Post);
        let second = flow.enter(HttpMethod::Post);
        assert!(second.hold());
        drop(second);
        let start = Instant::now();
        assert!(first.hold());
        assert!(start.elapsed() < Duration::from_secs(1));
        assert_eq!(flow.stats().max_in_flight, 2);
    }

    #[test]
    fn stop_ends_every_wait() {
        let flow = std::sync::Arc::new(Flow::default());
        flow.set_hold(Some((5, Duration::from_secs(60))));
        let waiter = {
            let flow = std::sync::Arc::clone(&flow);
            std::thread::spawn(move || {
                let held = flow.enter(HttpMethod::Get).hold();
                let slept = flow.sleep(Duration::from_secs(60));
                flow.wait_for_stop();
                (held, slept)
            })
        };
        std::thread::sleep(Duration::from_millis(50));
        let start = Instant::now();
        flow.stop();
        assert_eq!(waiter.join().unwrap(), (false, false));
        assert!(start.elapsed() < Duration::from_secs(1));
        assert!(!flow.accepting());
    }
}
