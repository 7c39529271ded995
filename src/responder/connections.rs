//! The responder's bounds on work: open connections (each one a thread) and requests answered at
//! once. Both are closed by shutdown, which also ends every open connection.

use std::collections::HashMap;
use std::net::{Shutdown, TcpStream};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

/// The open connections, at most `max`.
pub(crate) struct Connections {
    state: Mutex<Open>,
    ended: Condvar,
    max: usize,
}

struct Open {
    next_id: u64,
    /// A handle on each open connection's socket, so that shutdown can end its reads and writes.
    streams: HashMap<u64, TcpStream>,
    closed: bool,
}

/// One open connection's place; given back when dropped.
pub(crate) struct Slot {
    connections: Arc<Connections>,
    id: u64,
}

impl Connections {
    pub(crate) fn new(max: usize) -> Self {
        Self {
            state: Mutex::new(Open {
                next_id: 0,
                streams: HashMap::new(),
                closed: false,
            }),
            ended: Condvar::new(),
            max,
        }
    }

    /// A place for `stream`, or `None` when `max` are open or the responder is closing.
    pub(crate) fn admit(self: &Arc<Self>, stream: &TcpStream) -> Option<Slot> {
        let handle = stream.try_clone().ok()?;
        let mut state = self.lock();
        if state.closed || state.streams.len() >= self.max {
            return None;
        }
        let id = state.next_id;
        state.next_id += 1;
        state.streams.insert(id, handle);
        Some(Slot {
            connections: self.clone(),
            id,
        })
    }

    /// Refuses new connections, ends every open one, and waits up to `wait` for their threads
    /// to give their places back.
    pub(crate) fn close_all(&self, wait: Duration) -> bool {
        let deadline = Instant::now() + wait;
        let mut state = self.lock();
        state.closed = true;
        for stream in state.streams.values() {
            // Unblocks the connection's thread: its reads return end of stream.
            let _ = stream.shutdown(Shutdown::Both);
        }
        while !state.streams.is_empty() {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return false;
            }
            state = self
                .ended
                .wait_timeout(state, left)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
        true
    }

    fn lock(&self) -> MutexGuard<'_, Open> {
        // A map and flags, each changed in one step: sound even if a holder panicked.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.connections.lock().streams.remove(&self.id);
        self.connections.ended.notify_all();
    }
}

/// At most `max` requests answered at once; the others wait their turn.
pub(crate) struct Gate {
    state: Mutex<Busy>,
    freed: Condvar,
    max: usize,
}

struct Busy {
    answering: usize,
    closed: bool,
}

/// A turn to answer; given back when dropped.
pub(crate) struct Turn<'a> {
    gate: &'a Gate,
}

impl Gate {
    pub(crate) fn new(max: usize) -> Self {
        Self {
            state: Mutex::new(Busy {
                answering: 0,
                closed: false,
            }),
            freed: Condvar::new(),
            max: max.max(1),
        }
    }

    /// Waits for a turn; `None` once the responder is closing.
    pub(crate) fn enter(&self) -> Option<Turn<'_>> {
        let mut busy = self.lock();
        loop {
            if busy.closed {
                return None;
            }
            if busy.answering < self.max {
                busy.answering += 1;
                return Some(Turn { gate: self });
            }
            busy = self
                .freed
                .wait(busy)
                .unwrap_or_else(PoisonError::into_inner);
        }
    }

    /// Wakes every waiter, and refuses turns from now on.
    pub(crate) fn close(&self) {
        self.lock().closed = true;
        self.freed.notify_all();
    }

    fn lock(&self) -> MutexGuard<'_, Busy> {
        // A counter and a flag: sound even if a holder panicked.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Drop for Turn<'_> {
    fn drop(&mut self) {
        self.gate.lock().answering -= 1;
        self.gate.freed.notify_one();
    }
}

#[cfg(test)]
mod tests {
    use std::net::TcpListener;
    use std::thread;

    use super::*;

    fn pair(listener: &TcpListener) -> (TcpStream, TcpStream) {
        let client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let (server, _) = listener.accept().unwrap();
        (client, server)
    }

    #[test]
    fn admits_at_most_max_and_frees_places_on_drop() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let connections = Arc::new(Connections::new(2));
        let (_c1, s1) = pair(&listener);
        let (_c2, s2) = pair(&listener);
        let (_c3, s3) = pair(&listener);
        let first = connections.admit(&s1).expect("first admitted");
        let _second = connections.admit(&s2).expect("second admitted");
        assert!(connections.admit(&s3).is_none(), "third refused");
        drop(first);
        let _third = connections.admit(&s3).expect("a place was freed");
    }

    #[test]
    fn close_all_ends_open_connections() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let connections = Arc::new(Connections::new(4));
        let (_client, server) = pair(&listener);
        let slot = connections.admit(&server).unwrap();
        let reader = thread::spawn(move || {
            let mut server = server;
            let mut byte = [0u8; 1];
            let read = std::io::Read::read(&mut server, &mut byte);
            drop(slot);
            read.map_err(|e| e.kind())
        });
        assert!(connections.close_all(Duration::from_secs(5)));
        assert_eq!(reader.join().unwrap(), Ok(0), "the read ended at shutdown");
        let (_client, late) = pair(&listener);
        assert!(connections.admit(&late).is_none(), "closed to new ones");
    }

    #[test]
    fn the_gate_lets_max_through_and_closes() {
        let gate = Gate::new(1);
        let turn = gate.enter().expect("a turn");
        thread::scope(|scope| {
            let waiter = scope.spawn(|| gate.enter().is_some());
            thread::sleep(Duration::from_millis(50));
            drop(turn);
            assert!(waiter.join().unwrap(), "the waiter got the freed turn");
        });
        gate.close();
        assert!(gate.enter().is_none());
    }
}
