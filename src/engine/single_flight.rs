//! One fetch per key however many handshakes wait for it: the first caller leads (starts the
//! work), the others follow (wait for the leader's result, each until its own deadline). Each
//! caller holds a [`Waiter`] while it may still want the result, so work nobody waits for any
//! more can be dropped before it starts ([`Lead::wanted`]).

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::Instant;

type FlightMap<K, V> = Arc<Mutex<HashMap<K, Arc<Flight<V>>>>>;

/// The flights in progress, by key.
pub(super) struct Flights<K, V> {
    map: FlightMap<K, V>,
}

/// One piece of work in progress and, once it ends, its result.
pub(super) struct Flight<V> {
    state: Mutex<FlightState<V>>,
    done: Condvar,
    /// Callers holding a [`Waiter`] on this flight.
    waiters: AtomicUsize,
}

/// A caller's hold on a flight: while it lives, the flight's result is wanted.
pub(super) struct Waiter<V> {
    flight: Arc<Flight<V>>,
}

enum FlightState<V> {
    Running,
    Finished(V),
    Abandoned,
}

/// The right and duty to finish a flight: [`Lead::finish`] hands the result to every follower.
/// Dropped unfinished (the work panicked or was abandoned), it ends the flight without a result,
/// so later callers start a new one instead of waiting on a dead one.
pub(super) struct Lead<K: Eq + Hash, V> {
    key: Option<K>,
    flight: Arc<Flight<V>>,
    map: FlightMap<K, V>,
}

impl<K: Eq + Hash + Clone, V: Clone> Flights<K, V> {
    /// No flights.
    pub(super) fn new() -> Self {
        Self {
            map: Arc::new(Mutex::new(HashMap::new())),
        }
    }

    /// Joins the flight for `key`, starting it if there is none: the flight to wait on, and the
    /// lead when this caller must do the work.
    pub(super) fn join(&self, key: &K) -> (Waiter<V>, Option<Lead<K, V>>) {
        let mut map = lock(&self.map);
        if let Some(flight) = map.get(key) {
            return (Waiter::new(flight.clone()), None);
        }
        let flight = Arc::new(Flight {
            state: Mutex::new(FlightState::Running),
            done: Condvar::new(),
            waiters: AtomicUsize::new(0),
        });
        map.insert(key.clone(), flight.clone());
        let lead = Lead {
            key: Some(key.clone()),
            flight: flight.clone(),
            map: self.map.clone(),
        };
        (Waiter::new(flight), Some(lead))
    }

    /// How many flights are in progress.
    #[cfg(test)]
    pub(super) fn in_progress(&self) -> usize {
        lock(&self.map).len()
    }
}

impl<K: Eq + Hash + Clone, V: Clone> Default for Flights<K, V> {
    fn default() -> Self {
        Self::new()
    }
}

impl<V: Clone> Waiter<V> {
    fn new(flight: Arc<Flight<V>>) -> Self {
        flight.waiters.fetch_add(1, Ordering::SeqCst);
        Self { flight }
    }

    /// The result, waiting for it until `deadline`; `None` if it did not come by then (or the
    /// flight ended without one).
    pub(super) fn wait(&self, deadline: Instant) -> Option<V> {
        let flight = &*self.flight;
        let mut state = lock(&flight.state);
        loop {
            match &*state {
                FlightState::Finished(value) => return Some(value.clone()),
                FlightState::Abandoned => return None,
                FlightState::Running => {}
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return None;
            }
            state = flight
                .done
                .wait_timeout(state, left)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
    }
}

impl<V> Drop for Waiter<V> {
    fn drop(&mut self) {
        self.flight.waiters.fetch_sub(1, Ordering::SeqCst);
    }
}

impl<K: Eq + Hash, V> Lead<K, V> {
    /// Whether any caller still waits for the result (or may still start waiting: a caller
    /// holds its [`Waiter`] from [`Flights::join`] on).
    pub(super) fn wanted(&self) -> bool {
        self.flight.waiters.load(Ordering::SeqCst) > 0
    }

    /// Ends the flight with `value`: every follower, and every later `wait`, gets it.
    pub(super) fn finish(mut self, value: V) {
        self.end(FlightState::Finished(value));
    }

    fn end(&mut self, state: FlightState<V>) {
        if let Some(key) = self.key.take() {
            lock(&self.map).remove(&key);
            *lock(&self.flight.state) = state;
            self.flight.done.notify_all();
        }
    }
}

impl<K: Eq + Hash, V> Drop for Lead<K, V> {
    fn drop(&mut self) {
        self.end(FlightState::Abandoned);
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // Every critical section here is a single insert, remove or assignment: a panic elsewhere
    // cannot leave the data half-changed, so a poisoned lock is still sound.
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::thread;
    use std::time::Duration;

    use super::*;

    #[test]
    fn one_leader_and_every_follower_gets_its_result() {
        let flights: Arc<Flights<u32, String>> = Arc::new(Flights::new());
        let leads = Arc::new(AtomicUsize::new(0));
        let barrier = Arc::new(std::sync::Barrier::new(8));
        let waiters: Vec<_> = (0..8)
            .map(|_| {
                let (flights, leads, barrier) = (flights.clone(), leads.clone(), barrier.clone());
                thread::spawn(move || {
                    let (flight, lead) = flights.join(&7);
                    barrier.wait();
                    if let Some(lead) = lead {
                        leads.fetch_add(1, Ordering::SeqCst);
                        thread::sleep(Duration::from_millis(50));
                        lead.finish("answer".to_string());
                    }
                    flight.wait(Instant::now() + Duration::from_secs(5))
                })
            })
            .collect();
        for waiter in waiters {
            assert_eq!(waiter.join().unwrap().as_deref(), Some("answer"));
        }
        assert_eq!(leads.load(Ordering::SeqCst), 1);
        assert_eq!(flights.in_progress(), 0);
    }

    #[test]
    fn a_follower_stops_waiting_at_its_deadline() {
        let flights: Flights<u32, u32> = Flights::new();
        let (_, lead) = flights.join(&1);
        let (flight, none) = flights.join(&1);
        assert!(none.is_none(), "the second caller follows");
        let started = Instant::now();
        assert_eq!(flight.wait(started + Duration::from_millis(30)), None);
        assert!(started.elapsed() >= Duration::from_millis(30));
        drop(lead);
    }

    #[test]
    fn an_abandoned_lead_ends_the_flight_and_the_next_caller_leads() {
        let flights: Flights<u32, u32> = Flights::new();
        let (flight, lead) = flights.join(&1);
        let waiter = thread::spawn(move || flight.wait(Instant::now() + Duration::from_secs(30)));
        thread::sleep(Duration::from_millis(20));
        drop(lead);
        assert_eq!(
            waiter.join().unwrap(),
            None,
            "woken, not left to its deadline"
        );
        let (_, lead) = flights.join(&1);
        assert!(lead.is_some());
    }

    #[test]
    fn a_lead_is_wanted_only_while_a_waiter_lives() {
        let flights: Flights<u32, u32> = Flights::new();
        let (first, lead) = flights.join(&1);
        let lead = lead.unwrap();
        let (second, _) = flights.join(&1);
        assert!(lead.wanted());
        drop(first);
        assert!(lead.wanted(), "the follower still waits");
        drop(second);
        assert!(!lead.wanted(), "nobody waits any more");
    }

    #[test]
    fn a_finished_flight_is_not_joined_again() {
        let flights: Flights<u32, u32> = Flights::new();
        let (first, lead) = flights.join(&1);
        lead.unwrap().finish(5);
        assert_eq!(first.wait(Instant::now()), Some(5));
        let (_, lead) = flights.join(&1);
        assert!(lead.is_some(), "a new fetch, not the old answer");
    }
}
