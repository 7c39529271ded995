//! A fleet of `staplekit serve` processes sharing one real `redis-server`
//! (`staplekit.stapling.sharedStore`): the project's responder, counting, is asked once per
//! certificate per refresh; a server started during an outage staples from the store; Redis
//! killed and restarted; forged entries refused; `requirepass`.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use staplekit::SharedStore;
use staplekit_testkit::fixtures::{self, OwnPki};
use staplekit_testkit::pki::PemFiles;
use staplekit_testkit::redis_server::RedisServer;
use staplekit_testkit::responder::Fault;

const BIN: &str = env!("CARGO_BIN_EXE_staplekit");
const START_TIMEOUT: Duration = Duration::from_secs(20);
const STAPLE_TIMEOUT: Duration = Duration::from_secs(20);
const CLIENT_TIMEOUT: Duration = Duration::from_secs(20);
const HTTP_REQUEST: &[u8] = b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n";
/// The responder's validity in these tests: a refresh every 3 s (refreshRatio 0.5).
const VALIDITY: Duration = Duration::from_secs(6);

/// The test's own connection to `redis` (PING answered), to read and plant entries.
fn connect(redis: &RedisServer) -> redis::RedisResult<redis::Connection> {
    let mut con =
        redis::Client::open(redis.url())?.get_connection_with_timeout(Duration::from_secs(2))?;
    redis::cmd("PING").query::<String>(&mut con)?;
    Ok(con)
}

/// The value of `key` in `redis`.
fn get(redis: &RedisServer, key: &str) -> Option<Vec<u8>> {
    let mut con = connect(redis).expect("the test reaches redis");
    redis::cmd("GET").arg(key).query(&mut con).expect("GET")
}

/// Sets `key` to `value` in `redis`.
fn set(redis: &RedisServer, key: &str, value: &[u8]) {
    let mut con = connect(redis).expect("the test reaches redis");
    redis::cmd("SET")
        .arg(key)
        .arg(value)
        .query::<()>(&mut con)
        .expect("SET");
}

/// A `staplekit serve` child process on 127.0.0.1:0, killed on drop.
struct Serve {
    child: Child,
    addr: SocketAddr,
    stderr: Arc<Mutex<Vec<u8>>>,
}

impl Serve {
    fn start(pem: &PemFiles, defines: &[String]) -> Self {
        let mut command = Command::new(BIN);
        command
            .arg("serve")
            .arg("--cert")
            .arg(&pem.leaf_chain)
            .arg("--key")
            .arg(&pem.leaf_key)
            .args(["--listen", "127.0.0.1:0"]);
        for define in defines {
            command.arg("-D").arg(define);
        }
        let mut child = command
            .env("RUST_LOG", "info")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start staplekit serve");
        let stderr = capture(child.stderr.take().expect("stderr piped"));
        let stdout = child.stdout.take().expect("stdout piped");
        let (tx, rx) = mpsc::channel();
        thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = tx.send(line);
        });
        let line = rx.recv_timeout(START_TIMEOUT).unwrap_or_else(|_| {
            panic!(
                "serve printed nothing; stderr:\n{}",
                String::from_utf8_lossy(&stderr.lock().unwrap())
            )
        });
        let addr = line
            .strip_prefix("listening on ")
            .and_then(|a| a.trim_end().parse().ok())
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"));
        Self {
            child,
            addr,
            stderr,
        }
    }

    fn log(&self) -> String {
        String::from_utf8_lossy(&self.stderr.lock().unwrap()).into_owned()
    }

    /// One `openssl s_client -status` connection's transcript.
    fn handshake(&self, root: &Path) -> String {
        let connect = format!("127.0.0.1:{}", self.addr.port());
        let root = root.to_str().expect("UTF-8 temp path");
        run_client(
            "openssl",
            &[
                "s_client",
                "-connect",
                &connect,
                "-servername",
                "localhost",
                "-CAfile",
                root,
                "-ign_eof",
                "-status",
            ],
        )
    }

    fn wait_for_staple(&self, root: &Path, status: &str) -> String {
        let deadline = Instant::now() + STAPLE_TIMEOUT;
        loop {
            let text = self.handshake(root);
            if text.contains(&format!("Cert Status: {status}")) {
                return text;
            }
            assert!(
                Instant::now() < deadline,
                "no {status} staple; last:\n{text}\nserve:\n{}",
                self.log()
            );
            thread::sleep(Duration::from_millis(100));
        }
    }

    fn wait_for_log(&self, text: &str) {
        let deadline = Instant::now() + STAPLE_TIMEOUT;
        while !self.log().contains(text) {
            assert!(
                Instant::now() < deadline,
                "{text:?} not logged:\n{}",
                self.log()
            );
            thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn capture(mut pipe: impl Read + Send + 'static) -> Arc<Mutex<Vec<u8>>> {
    let bytes = Arc::new(Mutex::new(Vec::new()));
    let sink = bytes.clone();
    thread::spawn(move || {
        let mut chunk = [0u8; 4096];
        while let Ok(n @ 1..) = pipe.read(&mut chunk) {
            sink.lock().unwrap().extend_from_slice(&chunk[..n]);
        }
    });
    bytes
}

/// Runs a client with an HTTP request on stdin, bounded; its stdout then stderr.
fn run_client(program: &str, args: &[&str]) -> String {
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {program}: {e}"));
    let mut stdin = child.stdin.take().expect("stdin piped");
    thread::spawn(move || {
        let _ = stdin.write_all(HTTP_REQUEST);
    });
    let stdout = capture(child.stdout.take().expect("stdout piped"));
    let stderr = capture(child.stderr.take().expect("stderr piped"));
    let deadline = Instant::now() + CLIENT_TIMEOUT;
    while child.try_wait().expect("wait").is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{program} {args:?} did not finish");
        }
        thread::sleep(Duration::from_millis(10));
    }
    thread::sleep(Duration::from_millis(50));
    let text = String::from_utf8_lossy(&stdout.lock().unwrap()).into_owned()
        + &String::from_utf8_lossy(&stderr.lock().unwrap());
    text
}

/// A PKI whose responder answers with [`VALIDITY`], its PEM files, and the Redis keys of the
/// leaf's and the intermediate's responses.
struct Fleet {
    fx: OwnPki,
    _dir: tempfile::TempDir,
    pem: PemFiles,
    leaf_key: String,
    intermediate_key: String,
}

impl Fleet {
    fn start() -> Self {
        let fx = OwnPki::start();
        fx.responder.set_validity(Some(VALIDITY));
        let dir = tempfile::tempdir().unwrap();
        let pem = fx.pki.write_pem_files(dir.path()).unwrap();
        let engine = fixtures::engine(&[]);
        let chain = fx.leaf_chain(&engine);
        let ids: Vec<_> = chain
            .certificates()
            .iter()
            .filter_map(|c| c.id.clone())
            .collect();
        Self {
            leaf_key: SharedStore::response_key(&ids[0]),
            intermediate_key: SharedStore::response_key(&ids[1]),
            fx,
            _dir: dir,
            pem,
        }
    }

    /// The `-D`s of a fleet server: the store, quick retries, and a cacheDir of its own.
    fn defines(&self, redis_url: &str, cache: &Path) -> Vec<String> {
        vec![
            format!("staplekit.stapling.sharedStore={redis_url}"),
            "staplekit.stapling.retryDelay=500".into(),
            format!("staplekit.stapling.cacheDir={}", cache.display()),
        ]
    }

    /// Requests the responder received about the leaf, among the most recent.
    fn leaf_requests(&self) -> usize {
        self.fx
            .responder
            .recent_requests()
            .iter()
            .filter(|r| r.serials.contains(&self.fx.pki.leaf.serial))
            .count()
    }
}

#[test]
fn three_servers_ask_once_per_refresh_and_a_fourth_staples_from_the_store_during_an_outage() {
    let fleet = Fleet::start();
    let redis = RedisServer::start(None);
    let caches: Vec<tempfile::TempDir> = (0..4).map(|_| tempfile::tempdir().unwrap()).collect();
    let servers: Vec<Serve> = caches[..3]
        .iter()
        .map(|c| Serve::start(&fleet.pem, &fleet.defines(&redis.url(), c.path())))
        .collect();
    for server in &servers {
        server.wait_for_staple(&fleet.pem.root, "good");
    }
    assert!(
        get(&redis, &fleet.leaf_key).is_some(),
        "the leaf's response is shared"
    );

    // Four refresh periods (a refresh every 2.7 to 3 s): alone, each of the three servers would
    // ask about the leaf about 4 times, 12 in all; sharing, the fleet asks about 4 times.
    fleet.fx.responder.reset_stats();
    let before = fleet.leaf_requests();
    let window = 4 * VALIDITY / 2;
    thread::sleep(window);
    let asked = fleet.leaf_requests() - before;
    let refreshes = (window.as_secs_f64() / (VALIDITY.as_secs_f64() * 0.45)).floor() as usize;
    eprintln!("three servers asked about the leaf {asked} times in {window:?}");
    assert!(
        (2..=refreshes + 1).contains(&asked),
        "the responder was asked {asked} times about the leaf in {window:?} by three servers \
         (at most {} with one request per refresh)",
        refreshes + 1
    );
    for server in &servers {
        let log = server.log();
        assert!(
            !log.contains("WARN"),
            "no warning while the fleet shares:\n{log}"
        );
        server.wait_for_staple(&fleet.pem.root, "good");
    }
    assert!(
        servers
            .iter()
            .any(|s| s.log().contains("from the shared store")),
        "some server took a response another fetched"
    );

    // The responder goes down; a new server with an empty cacheDir staples at once.
    fleet
        .fx
        .responder
        .set_fault(Fault::HttpStatus(503))
        .unwrap();
    let fourth = Serve::start(&fleet.pem, &fleet.defines(&redis.url(), caches[3].path()));
    let text = fourth.handshake(&fleet.pem.root);
    assert!(
        text.contains("Cert Status: good"),
        "the first handshake staples:\n{text}\n{}",
        fourth.log()
    );
    assert!(
        fourth
            .log()
            .contains("response kept in staplekit.stapling.sharedStore"),
        "{}",
        fourth.log()
    );
}

#[test]
fn servers_keep_stapling_while_redis_is_down_and_share_again_when_it_is_back() {
    let fleet = Fleet::start();
    let mut redis = RedisServer::start(None);
    let caches: Vec<tempfile::TempDir> = (0..2).map(|_| tempfile::tempdir().unwrap()).collect();
    let servers: Vec<Serve> = caches
        .iter()
        .map(|c| Serve::start(&fleet.pem, &fleet.defines(&redis.url(), c.path())))
        .collect();
    for server in &servers {
        server.wait_for_staple(&fleet.pem.root, "good");
    }

    redis.kill();
    for server in &servers {
        server.wait_for_log("this server goes on alone");
    }
    // Two refresh periods alone: each server fetches and staples by itself.
    thread::sleep(VALIDITY);
    for server in &servers {
        server.wait_for_staple(&fleet.pem.root, "good");
        assert_eq!(
            server.log().matches("this server goes on alone").count(),
            1,
            "the loss is logged once:\n{}",
            server.log()
        );
    }

    redis.restart();
    for server in &servers {
        server.wait_for_log("is back: responses and fetches are shared again");
    }
    let deadline = Instant::now() + STAPLE_TIMEOUT;
    while get(&redis, &fleet.leaf_key).is_none() {
        assert!(Instant::now() < deadline, "nothing shared again");
        thread::sleep(Duration::from_millis(100));
    }
    for server in &servers {
        server.wait_for_staple(&fleet.pem.root, "good");
    }
}

#[test]
fn forged_and_foreign_entries_in_redis_are_refused_and_never_stapled() {
    let fleet = Fleet::start();
    let redis = RedisServer::start(None);
    let cache = tempfile::tempdir().unwrap();
    let first = Serve::start(&fleet.pem, &fleet.defines(&redis.url(), cache.path()));
    first.wait_for_staple(&fleet.pem.root, "good");
    let deadline = Instant::now() + STAPLE_TIMEOUT;
    let (genuine, foreign) = loop {
        if let (Some(l), Some(i)) = (
            get(&redis, &fleet.leaf_key),
            get(&redis, &fleet.intermediate_key),
        ) {
            break (l, i);
        }
        assert!(Instant::now() < deadline, "responses not shared");
        thread::sleep(Duration::from_millis(50));
    };
    drop(first);
    // A genuine answer about the leaf, signed by its responder, but expired.
    fleet
        .fx
        .responder
        .set_fault(Fault::NextUpdateInPast)
        .unwrap();
    let expired = ocsp_respout(&fleet);
    // Nothing but Redis can answer from now on.
    fleet
        .fx
        .responder
        .set_fault(Fault::HttpStatus(503))
        .unwrap();

    let forged = with_signature_bit_flipped(&genuine);
    let entries: [(&str, Vec<u8>, &str); 5] = [
        ("forged", forged, "signature"),
        // The intermediate's answer, signed for the root: not by the leaf's issuer.
        (
            "another certificate's",
            foreign,
            "not issued by the certificate's issuer",
        ),
        ("expired", expired, "has passed"),
        (
            "garbage",
            b"not an OCSP response".to_vec(),
            "not a valid DER OCSPResponse",
        ),
        (
            "oversized",
            vec![0x30; 65537],
            "larger than staplekit.stapling.maxResponseBytes (65536 bytes)",
        ),
    ];
    for (what, entry, reason) in entries {
        set(&redis, &fleet.leaf_key, &entry);
        let cache = tempfile::tempdir().unwrap();
        let server = Serve::start(&fleet.pem, &fleet.defines(&redis.url(), cache.path()));
        let text = server.handshake(&fleet.pem.root);
        assert!(
            !text.contains("Cert Status:"),
            "a {what} entry was stapled:\n{text}"
        );
        let log = server.log();
        let refusal = log
            .lines()
            .find(|l| l.contains("refusing the shared store's response for CN=staplekit test leaf"))
            .unwrap_or_else(|| panic!("the {what} entry's refusal is not logged:\n{log}"));
        assert!(refusal.contains(reason), "{refusal}");
        assert!(refusal.contains(&fleet.leaf_key), "{refusal}");
    }
}

/// The responder's DER answer about the leaf, as `openssl ocsp -respout` writes it (unverified).
fn ocsp_respout(fleet: &Fleet) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("leaf.ors");
    let status = Command::new("openssl")
        .arg("ocsp")
        .arg("-issuer")
        .arg(&fleet.pem.intermediate)
        .arg("-cert")
        .arg(&fleet.pem.leaf)
        .args(["-url", &fleet.fx.responder.url(), "-noverify", "-respout"])
        .arg(&out)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("openssl ocsp");
    assert!(status.success(), "openssl ocsp failed");
    std::fs::read(&out).expect("the answer")
}

/// `der`, an OCSP response, with the last bit of its signature flipped: what a forger without the
/// responder's key can write.
fn with_signature_bit_flipped(der: &[u8]) -> Vec<u8> {
    use der::asn1::{BitString, OctetString};
    use der::{Decode, Encode};
    use x509_ocsp::{BasicOcspResponse, OcspResponse};

    let mut response = OcspResponse::from_der(der).expect("an OCSP response");
    let bytes = response.response_bytes.as_mut().expect("response bytes");
    let mut basic = BasicOcspResponse::from_der(bytes.response.as_bytes()).expect("basic");
    let mut signature = basic.signature.raw_bytes().to_vec();
    *signature.last_mut().expect("a signature") ^= 1;
    basic.signature = BitString::from_bytes(&signature).expect("bit string");
    bytes.response = OctetString::new(basic.to_der().expect("encode")).expect("octets");
    response.to_der().expect("encode")
}

#[test]
fn requirepass_works_and_a_wrong_password_is_an_error_at_start_up_then_alone() {
    let fleet = Fleet::start();
    let redis = RedisServer::start(Some("fleet-secret"));
    let cache = tempfile::tempdir().unwrap();
    let right = Serve::start(&fleet.pem, &fleet.defines(&redis.url(), cache.path()));
    right.wait_for_staple(&fleet.pem.root, "good");
    let deadline = Instant::now() + STAPLE_TIMEOUT;
    while get(&redis, &fleet.leaf_key).is_none() {
        assert!(
            Instant::now() < deadline,
            "nothing shared:\n{}",
            right.log()
        );
        thread::sleep(Duration::from_millis(50));
    }
    assert!(!right.log().contains("fleet-secret"), "{}", right.log());

    // `staplekit status` takes the fleet's responses and shows the store's state.
    let status = Command::new(BIN)
        .arg("status")
        .arg(&fleet.pem.leaf_chain)
        .arg("-D")
        .arg(format!("staplekit.stapling.sharedStore={}", redis.url()))
        .output()
        .expect("staplekit status");
    let text = String::from_utf8_lossy(&status.stdout);
    assert!(status.status.success(), "{text}");
    assert!(text.contains("source=shared-store"), "{text}");
    let store_line = text
        .lines()
        .find(|l| l.starts_with("shared store "))
        .unwrap_or_else(|| panic!("no shared store line:\n{text}"));
    assert!(
        store_line.contains(&format!(
            "redis://:(hidden)@127.0.0.1:{}/0: connected, reads ",
            redis.port()
        )),
        "{store_line}"
    );
    assert!(store_line.contains("refusals 0"), "{store_line}");
    // The fleet had just fetched: status took that answer and asked nobody.
    assert!(store_line.contains("leases held 0,"), "{store_line}");

    let cache = tempfile::tempdir().unwrap();
    let wrong_url = redis.url_with(Some("not-the-password"));
    let wrong = Serve::start(&fleet.pem, &fleet.defines(&wrong_url, cache.path()));
    let log = {
        wrong.wait_for_log("this server works alone");
        wrong.log()
    };
    let line = log
        .lines()
        .find(|l| l.contains("this server works alone"))
        .unwrap();
    assert!(line.contains("ERROR"), "{line}");
    assert!(line.contains("staplekit.stapling.sharedStore"), "{line}");
    assert!(line.contains("authentication failed"), "{line}");
    assert!(!log.contains("not-the-password"), "{log}");
    // Alone, it fetches and staples all the same.
    wrong.wait_for_staple(&fleet.pem.root, "good");
}
