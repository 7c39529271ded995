//! A fleet of `staplekit serve` processes sharing one real `redis-server`
//! (`staplekit.stapling.sharedStore`): the project's responder, counting, is asked once per
//! certificate per refresh; a server started during an outage staples from the store; Redis
//! killed and restarted; forged entries refused; `requirepass`.

mod child;
mod serve;

use std::path::Path;
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use serve::{s_client, wait_for_staple, Serve, BIN};

use staplekit::SharedStore;
use staplekit_testkit::fixtures::{self, OwnPki};
use staplekit_testkit::pki::PemFiles;
use staplekit_testkit::redis_server::RedisServer;
use staplekit_testkit::responder::Fault;

const STAPLE_TIMEOUT: Duration = Duration::from_secs(20);
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

/// `staplekit serve` with the fleet's leaf chain and `-D` for each of `defines`, logging every
/// crate at info.
fn start_server(pem: &PemFiles, defines: &[String]) -> Serve {
    let mut extra = Vec::new();
    for define in defines {
        extra.extend(["-D", define.as_str()]);
    }
    let mut command = Serve::command(&pem.leaf_chain, &pem.leaf_key, &extra);
    Serve::spawn(command.env("RUST_LOG", "info"))
}

/// One `openssl s_client -status` connection's transcript.
fn handshake(server: &Serve, root: &Path) -> String {
    s_client(server, root, &["-status"])
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
        .map(|c| start_server(&fleet.pem, &fleet.defines(&redis.url(), c.path())))
        .collect();
    for server in &servers {
        wait_for_staple(server, &fleet.pem.root, "good", STAPLE_TIMEOUT);
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
        let log = server.stderr();
        assert!(
            !log.contains("WARN"),
            "no warning while the fleet shares:\n{log}"
        );
        wait_for_staple(server, &fleet.pem.root, "good", STAPLE_TIMEOUT);
    }
    assert!(
        servers
            .iter()
            .any(|s| s.stderr().contains("from the shared store")),
        "some server took a response another fetched"
    );

    // The responder goes down; a new server with an empty cacheDir staples at once.
    fleet
        .fx
        .responder
        .set_fault(Fault::HttpStatus(503))
        .unwrap();
    let fourth = start_server(&fleet.pem, &fleet.defines(&redis.url(), caches[3].path()));
    let text = handshake(&fourth, &fleet.pem.root);
    assert!(
        text.contains("Cert Status: good"),
        "the first handshake staples:\n{text}\n{}",
        fourth.stderr()
    );
    assert!(
        fourth
            .stderr()
            .contains("response kept in staplekit.stapling.sharedStore"),
        "{}",
        fourth.stderr()
    );
}

#[test]
fn servers_keep_stapling_while_redis_is_down_and_share_again_when_it_is_back() {
    let fleet = Fleet::start();
    let mut redis = RedisServer::start(None);
    let caches: Vec<tempfile::TempDir> = (0..2).map(|_| tempfile::tempdir().unwrap()).collect();
    let servers: Vec<Serve> = caches
        .iter()
        .map(|c| start_server(&fleet.pem, &fleet.defines(&redis.url(), c.path())))
        .collect();
    for server in &servers {
        wait_for_staple(server, &fleet.pem.root, "good", STAPLE_TIMEOUT);
    }

    redis.kill();
    for server in &servers {
        server.wait_for_log("this server goes on alone", STAPLE_TIMEOUT);
    }
    // Two refresh periods alone: each server fetches and staples by itself.
    thread::sleep(VALIDITY);
    for server in &servers {
        wait_for_staple(server, &fleet.pem.root, "good", STAPLE_TIMEOUT);
        assert_eq!(
            server.stderr().matches("this server goes on alone").count(),
            1,
            "the loss is logged once:\n{}",
            server.stderr()
        );
    }

    redis.restart();
    for server in &servers {
        server.wait_for_log(
            "is back: responses and fetches are shared again",
            STAPLE_TIMEOUT,
        );
    }
    let deadline = Instant::now() + STAPLE_TIMEOUT;
    while get(&redis, &fleet.leaf_key).is_none() {
        assert!(Instant::now() < deadline, "nothing shared again");
        thread::sleep(Duration::from_millis(100));
    }
    for server in &servers {
        wait_for_staple(server, &fleet.pem.root, "good", STAPLE_TIMEOUT);
    }
}

#[test]
fn forged_and_foreign_entries_in_redis_are_refused_and_never_stapled() {
    let fleet = Fleet::start();
    let redis = RedisServer::start(None);
    let cache = tempfile::tempdir().unwrap();
    let first = start_server(&fleet.pem, &fleet.defines(&redis.url(), cache.path()));
    wait_for_staple(&first, &fleet.pem.root, "good", STAPLE_TIMEOUT);
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
        let server = start_server(&fleet.pem, &fleet.defines(&redis.url(), cache.path()));
        let text = handshake(&server, &fleet.pem.root);
        assert!(
            !text.contains("Cert Status:"),
            "a {what} entry was stapled:\n{text}"
        );
        let log = server.stderr();
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
    let right = start_server(&fleet.pem, &fleet.defines(&redis.url(), cache.path()));
    wait_for_staple(&right, &fleet.pem.root, "good", STAPLE_TIMEOUT);
    let deadline = Instant::now() + STAPLE_TIMEOUT;
    while get(&redis, &fleet.leaf_key).is_none() {
        assert!(
            Instant::now() < deadline,
            "nothing shared:\n{}",
            right.stderr()
        );
        thread::sleep(Duration::from_millis(50));
    }
    assert!(
        !right.stderr().contains("fleet-secret"),
        "{}",
        right.stderr()
    );

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
    let wrong = start_server(&fleet.pem, &fleet.defines(&wrong_url, cache.path()));
    let log = {
        wrong.wait_for_log("this server works alone", STAPLE_TIMEOUT);
        wrong.stderr()
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
    wait_for_staple(&wrong, &fleet.pem.root, "good", STAPLE_TIMEOUT);
}
