//! nginx (Debian's package, installed by `./gradlew` like the other peers) stapling through
//! `staplekit responder`: `ssl_stapling_responder` at the sidecar, `ssl_stapling_verify on`,
//! checked with `openssl s_client -status`; then the upstream responder stops and a restarted
//! nginx, which must fetch again, still staples good from the sidecar.

mod child;
mod sidecar;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use sidecar::{run, text, wait_for_good, Sidecar};
use staplekit_testkit::fixtures::OpensslPki;

/// Where Debian's `nginx` package puts the binary (`/usr/sbin` is not on every user's PATH).
const NGINX: &str = "/usr/sbin/nginx";
/// nginx staples asynchronously: the first handshakes go bare while it fetches.
const STAPLE_TIMEOUT: Duration = Duration::from_secs(20);
/// How long nginx may take to accept connections.
const START_TIMEOUT: Duration = Duration::from_secs(10);

/// An nginx in the foreground (`daemon off; master_process off;`: one process, so killing it
/// leaves nothing behind), with everything it writes in `dir`; killed on drop.
struct Nginx {
    child: Child,
    addr: SocketAddr,
    dir: PathBuf,
}

impl Nginx {
    /// Writes `dir/nginx.conf` serving `chain`/`key` on a free loopback port, stapling through
    /// `sidecar_url`, starts nginx and waits until it accepts connections.
    fn start(dir: &Path, chain: &Path, key: &Path, trusted: &Path, sidecar_url: &str) -> Self {
        assert!(
            Path::new(NGINX).exists(),
            "{NGINX} is missing: ./gradlew installs Debian's nginx package (apt-get install nginx)"
        );
        let addr = free_port();
        let d = dir.display();
        let config = format!(
            "daemon off;\n\
             master_process off;\n\
             pid {d}/nginx.pid;\n\
             error_log {d}/error.log info;\n\
             events {{ worker_connections 64; }}\n\
             http {{\n\
               access_log off;\n\
               client_body_temp_path {d}/client_body;\n\
               proxy_temp_path {d}/proxy;\n\
               fastcgi_temp_path {d}/fastcgi;\n\
               uwsgi_temp_path {d}/uwsgi;\n\
               scgi_temp_path {d}/scgi;\n\
               server {{\n\
                 listen {addr} ssl;\n\
                 server_name localhost;\n\
                 ssl_certificate {chain};\n\
                 ssl_certificate_key {key};\n\
                 ssl_stapling on;\n\
                 ssl_stapling_verify on;\n\
                 ssl_trusted_certificate {trusted};\n\
                 ssl_stapling_responder {sidecar_url};\n\
                 location / {{ return 200 \"nginx\\n\"; }}\n\
               }}\n\
             }}\n",
            chain = chain.display(),
            key = key.display(),
            trusted = trusted.display(),
        );
        let conf = dir.join("nginx.conf");
        std::fs::write(&conf, config).unwrap();
        let child = Command::new(NGINX)
            .arg("-p")
            .arg(dir)
            .arg("-e")
            .arg(dir.join("error.log"))
            .arg("-c")
            .arg(&conf)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start nginx");
        let mut nginx = Self {
            child,
            addr,
            dir: dir.to_owned(),
        };
        let deadline = Instant::now() + START_TIMEOUT;
        while TcpStream::connect(addr).is_err() {
            if let Ok(Some(status)) = nginx.child.try_wait() {
                panic!("nginx ended ({status}):\n{}", nginx.error_log());
            }
            assert!(
                Instant::now() < deadline,
                "nginx not listening on {addr} within {START_TIMEOUT:?}:\n{}",
                nginx.error_log()
            );
            thread::sleep(Duration::from_millis(50));
        }
        nginx
    }

    fn error_log(&self) -> String {
        std::fs::read_to_string(self.dir.join("error.log")).unwrap_or_default()
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A loopback port free right now (nginx binds it a moment later).
fn free_port() -> SocketAddr {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
}

/// `openssl s_client -status` until the staple says `Cert Status: good`; returns that transcript.
fn wait_for_staple(nginx: &Nginx, root: &Path) -> String {
    let deadline = Instant::now() + STAPLE_TIMEOUT;
    let mut attempts = 0;
    loop {
        attempts += 1;
        let output = run(Command::new("openssl")
            .args(["s_client", "-connect", &nginx.addr.to_string()])
            .args(["-servername", "localhost", "-status", "-CAfile"])
            .arg(root));
        let transcript = text(&output);
        if transcript.contains("Cert Status: good") {
            return transcript;
        }
        assert!(
            Instant::now() < deadline,
            "no good staple from nginx within {STAPLE_TIMEOUT:?} ({attempts} handshakes); \
             last:\n{transcript}\nnginx error.log:\n{}",
            nginx.error_log()
        );
        thread::sleep(Duration::from_millis(250));
    }
}

/// The sidecar's `answered` counter, from `GET /.staplekit/stats`.
fn answered(sidecar: &Sidecar) -> u64 {
    let mut stream = TcpStream::connect(sidecar.addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    stream
        .write_all(b"GET /.staplekit/stats HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    answer
        .lines()
        .find_map(|l| l.strip_prefix("answered "))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no answered counter in:\n{answer}"))
}

#[test]
fn nginx_staples_through_the_sidecar_and_keeps_stapling_with_the_upstream_down() {
    let fx = OpensslPki::start();
    let sidecar = Sidecar::start(&[fx.pem.leaf_chain.as_os_str()]);
    // The sidecar holds the leaf's response before nginx asks (nginx would retry only later).
    wait_for_good(&sidecar, &fx.pem.intermediate, &fx.pem.leaf, &fx.pem.root);
    let before = answered(&sidecar);

    let dir = tempfile::tempdir().unwrap();
    let first = {
        let nginx = Nginx::start(
            dir.path(),
            &fx.pem.leaf_chain,
            &fx.pem.leaf_key,
            &fx.pem.root,
            &sidecar.url(),
        );
        wait_for_staple(&nginx, &fx.pem.root)
    }; // nginx is killed here
    for expected in [
        "OCSP Response Status: successful",
        "Cert Status: good",
        "Verify return code: 0 (ok)",
    ] {
        assert!(first.contains(expected), "{expected:?} missing:\n{first}");
    }
    let after_first = answered(&sidecar);
    assert!(after_first > before, "nginx asked the sidecar");

    // The upstream responders stop; a new nginx has nothing cached and must fetch again.
    let (_pki_dir, pem) = fx.stop_responders();
    let nginx = Nginx::start(
        dir.path(),
        &pem.leaf_chain,
        &pem.leaf_key,
        &pem.root,
        &sidecar.url(),
    );
    let second = wait_for_staple(&nginx, &pem.root);
    assert!(second.contains("Verify return code: 0 (ok)"), "{second}");
    assert!(
        answered(&sidecar) > after_first,
        "the restarted nginx fetched from the sidecar"
    );
    assert!(
        !nginx.error_log().contains("OCSP response not successful"),
        "{}",
        nginx.error_log()
    );
}
