//! The local OCSP responder (feature `responder`) against OpenSSL's `openssl ocsp` responder on
//! the same machine, for the same certificate: latency (median, 99th percentile) and requests
//! per second under the same load. Run through `bench/responder`, which prints the machine and
//! the load around this program's Markdown table.
//!
//! One PKI (root -> intermediate -> leaf); OpenSSL's responders for both issuers answer the
//! engine's first fetches, then the engine's responder serves the leaf's held response while
//! OpenSSL's intermediate responder (`openssl ocsp -index ... -port N -rsigner ... -rkey ... -CA
//! ... -nmin 60`, one process, and again with `-multi 2`) signs a fresh answer for each request.
//! The load generator is in this program: `BENCH_CLIENTS` threads, each sending its share of
//! `BENCH_REQUESTS` POSTs one after the other, on a fresh connection per request (as nginx and
//! the JDK fetch) or on kept-alive connections (reconnecting when the server closes). Every
//! answer is checked to be a successful OCSPResponse. Rounds alternate the servers, and each
//! figure is the median of its rounds.
//!
//! Knobs: BENCH_REQUESTS (default 5000 per round), BENCH_CLIENTS (2), BENCH_ROUNDS (3),
//! BENCH_WARMUP (500 requests per server and mode, not measured).

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::thread;
use std::time::{Duration, Instant};

use staplekit::internal::encode_request;
use staplekit::responder::{OcspResponder, ResponderLimits};
use staplekit_testkit::fixtures::{engine, OpensslPki};
use staplekit_testkit::openssl::{reserve_port, OpensslResponder, ResponderConfig};

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Mode {
    Fresh,
    KeepAlive,
}

impl Mode {
    fn name(self) -> &'static str {
        match self {
            Mode::Fresh => "new connection per request",
            Mode::KeepAlive => "kept-alive connections",
        }
    }
}

/// What one run measured.
struct Run {
    latencies: Vec<Duration>,
    elapsed: Duration,
    connections: usize,
}

fn main() {
    let requests = knob("BENCH_REQUESTS", 5000);
    let clients = knob("BENCH_CLIENTS", 2).max(1);
    let rounds = knob("BENCH_ROUNDS", 3).max(1);
    let warmup = knob("BENCH_WARMUP", 500);

    let fx = OpensslPki::start();
    let engine = engine(&[]);
    let chain = fx.leaf_chain(&engine);
    let registration = engine.register(&chain, None);
    engine.wait_for_first_fetches(&registration, Duration::from_secs(20));
    let held = engine
        .leaf_response(&chain)
        .expect("the leaf's response is held");
    let responder = OcspResponder::start(
        &engine,
        "127.0.0.1:0".parse().unwrap(),
        ResponderLimits::default(),
    )
    .expect("start the responder");
    let multi_port = reserve_port().expect("a port");
    let openssl_multi = OpensslResponder::start_on(
        multi_port,
        &ResponderConfig::intermediate(&fx.pem, &fx.index).with_extra_args(["-multi", "2"]),
    )
    .expect("start openssl ocsp -multi 2");
    let request = post(&encode_request(
        chain.leaf().id.as_ref().expect("the leaf's CertID"),
        &[],
    ));

    let servers: Vec<(&str, SocketAddr)> = vec![
        ("staplekit responder", responder.local_addr()),
        (
            "openssl ocsp (1 process)",
            addr_of(&fx.intermediate_responder.url()),
        ),
        ("openssl ocsp -multi 2", addr_of(&openssl_multi.url())),
    ];
    // The served bytes: ours are the held response itself.
    let (first, _) = exchange_once(servers[0].1, &request).expect("our responder answers");
    assert_eq!(first, held.to_vec(), "our responder serves the held bytes");

    eprintln!(
        "responder bench: {requests} requests per round, {clients} clients, {rounds} rounds, \
         {warmup} warm-up requests"
    );
    println!(
        "| server | connections | requests/s | median latency | p99 latency | connections opened |"
    );
    println!("|---|---|---|---|---|---|");
    for mode in [Mode::Fresh, Mode::KeepAlive] {
        for &(_, addr) in &servers {
            load(addr, &request, warmup, clients, mode);
        }
        let mut runs: Vec<Vec<Run>> = servers.iter().map(|_| Vec::new()).collect();
        for round in 0..rounds {
            for (i, &(name, addr)) in servers.iter().enumerate() {
                let run = load(addr, &request, requests, clients, mode);
                eprintln!(
                    "  round {}: {name}, {}: {:.0} requests/s",
                    round + 1,
                    mode.name(),
                    rate(&run)
                );
                runs[i].push(run);
            }
        }
        for (i, &(name, _)) in servers.iter().enumerate() {
            let rates: Vec<f64> = runs[i].iter().map(rate).collect();
            let medians: Vec<Duration> = runs[i].iter().map(|r| percentile(r, 0.5)).collect();
            let p99s: Vec<Duration> = runs[i].iter().map(|r| percentile(r, 0.99)).collect();
            let connections: Vec<f64> = runs[i].iter().map(|r| r.connections as f64).collect();
            println!(
                "| {name} | {} | {:.0} | {} | {} | {:.0} |",
                mode.name(),
                median_f64(rates),
                micros(median_duration(medians)),
                micros(median_duration(p99s)),
                median_f64(connections),
            );
        }
    }
    let stats = engine.stats().responder;
    println!();
    println!(
        "staplekit responder counters after the run: answered {}, unauthorized {}, malformed {}, \
         dropped_connections {}",
        stats.answered, stats.unauthorized, stats.malformed, stats.dropped_connections
    );
    drop(openssl_multi);
    responder.close();
}

/// Sends `total` requests from `clients` threads and times each.
fn load(addr: SocketAddr, request: &[u8], total: usize, clients: usize, mode: Mode) -> Run {
    let started = Instant::now();
    let results: Vec<(Vec<Duration>, usize)> = thread::scope(|scope| {
        let workers: Vec<_> = (0..clients)
            .map(|i| {
                let share = total / clients + usize::from(i < total % clients);
                scope.spawn(move || client(addr, request, share, mode))
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap()).collect()
    });
    let elapsed = started.elapsed();
    let mut latencies = Vec::with_capacity(total);
    let mut connections = 0;
    for (l, c) in results {
        latencies.extend(l);
        connections += c;
    }
    latencies.sort();
    Run {
        latencies,
        elapsed,
        connections,
    }
}

fn client(addr: SocketAddr, request: &[u8], count: usize, mode: Mode) -> (Vec<Duration>, usize) {
    let mut latencies = Vec::with_capacity(count);
    let mut connections = 0;
    let mut kept: Option<TcpStream> = None;
    for _ in 0..count {
        let started = Instant::now();
        let reused = kept.is_some();
        let mut stream = match kept.take() {
            Some(stream) => stream,
            None => {
                connections += 1;
                connect(addr)
            }
        };
        let result = stream
            .write_all(request)
            .and_then(|()| read_answer(&mut stream));
        let close = match result {
            Ok((body, close)) => {
                check_successful(&body);
                close
            }
            // A kept-alive connection the server closed meanwhile: ask again on a new one.
            Err(_) if reused => {
                connections += 1;
                let mut stream = connect(addr);
                stream.write_all(request).expect("send");
                let (body, close) = read_answer(&mut stream).expect("an answer");
                check_successful(&body);
                if !close && mode == Mode::KeepAlive {
                    kept = Some(stream);
                }
                latencies.push(started.elapsed());
                continue;
            }
            Err(e) => panic!("no answer from {addr}: {e}"),
        };
        latencies.push(started.elapsed());
        if mode == Mode::KeepAlive && !close {
            kept = Some(stream);
        }
    }
    (latencies, connections)
}

fn connect(addr: SocketAddr) -> TcpStream {
    let stream = TcpStream::connect(addr).expect("connect");
    stream.set_nodelay(true).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    stream
}

/// The body of one answer, and whether the server closes the connection after it.
fn read_answer(stream: &mut TcpStream) -> io::Result<(Vec<u8>, bool)> {
    let mut head = Vec::with_capacity(512);
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if stream.read(&mut byte)? == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        head.push(byte[0]);
    }
    let text = String::from_utf8_lossy(&head).to_ascii_lowercase();
    let length: usize = text
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse().ok())
        .ok_or_else(|| io::Error::other(format!("no Content-Length in {text:?}")))?;
    let close = text.starts_with("http/1.0") && !text.contains("connection: keep-alive")
        || text.contains("connection: close");
    let mut body = vec![0u8; length];
    stream.read_exact(&mut body)?;
    Ok((body, close))
}

fn exchange_once(addr: SocketAddr, request: &[u8]) -> io::Result<(Vec<u8>, bool)> {
    let mut stream = connect(addr);
    stream.write_all(request)?;
    read_answer(&mut stream)
}

/// A successful OCSPResponse: SEQUENCE (long form), then ENUMERATED successful.
fn check_successful(body: &[u8]) {
    let at = if body.get(1).is_some_and(|b| b & 0x80 != 0) {
        2 + usize::from(body[1] & 0x7f)
    } else {
        2
    };
    assert_eq!(
        body.get(at..at + 3),
        Some(&[0x0a, 0x01, 0x00][..]),
        "not a successful OCSPResponse"
    );
}

fn post(der: &[u8]) -> Vec<u8> {
    // Keep-alive is asked for explicitly: HTTP/1.0-style servers (OpenSSL's) only keep a
    // connection open when asked.
    let mut bytes = format!(
        "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/ocsp-request\r\n\
         Content-Length: {}\r\nConnection: keep-alive\r\n\r\n",
        der.len()
    )
    .into_bytes();
    bytes.extend_from_slice(der);
    bytes
}

fn addr_of(url: &str) -> SocketAddr {
    url.trim_start_matches("http://")
        .trim_end_matches('/')
        .parse()
        .expect("a loopback URL")
}

fn rate(run: &Run) -> f64 {
    run.latencies.len() as f64 / run.elapsed.as_secs_f64()
}

fn percentile(run: &Run, p: f64) -> Duration {
    let index = ((run.latencies.len() as f64 * p).ceil() as usize).saturating_sub(1);
    run.latencies[index.min(run.latencies.len() - 1)]
}

fn median_duration(mut values: Vec<Duration>) -> Duration {
    values.sort();
    values[values.len() / 2]
}

fn median_f64(mut values: Vec<f64>) -> f64 {
    values.sort_by(|a, b| a.total_cmp(b));
    values[values.len() / 2]
}

fn micros(d: Duration) -> String {
    format!("{:.0} µs", d.as_secs_f64() * 1e6)
}

fn knob(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}
