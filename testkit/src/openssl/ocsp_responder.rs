//! `openssl ocsp` in responder mode as a child process that lives as long as its handle.

use std::ffi::OsString;
use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use super::output::{Collector, Next, Stream};
use super::port::{loopback_url, ReservedPort};
use super::{describe, OpensslError};
use crate::pki::{IndexFiles, PemFiles};

/// How many times [`OpensslResponder::start_on`] tries to bind its port.
const BIND_ATTEMPTS: u32 = 5;

/// The pause before the n-th retry is n times this.
const BIND_BACKOFF: Duration = Duration::from_millis(100);

/// How long [`OpensslResponder::reload_index`] waits to connect, and then for each read or write.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// What OpenSSL 3.0 prints on stderr once it listens ("Waiting for ..." before 3.0).
const READY_LINE: &str = "waiting for ocsp client connections";

/// How to run the responder for one CA.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResponderConfig {
    /// The `openssl` executable.
    pub program: PathBuf,
    /// The CA database (`-index`), e.g. from [`crate::pki::CaIndex::write`].
    pub index: PathBuf,
    /// The CA whose certificates it answers for (`-CA`).
    pub ca: PathBuf,
    /// The certificate that signs responses (`-rsigner`): the CA itself or a delegated signer.
    pub signer: PathBuf,
    /// The signer's private key (`-rkey`).
    pub signer_key: PathBuf,
    /// nextUpdate as minutes after thisUpdate (`-nmin`); `None` leaves nextUpdate out (unless
    /// `extra_args` has `-ndays`).
    pub next_update_minutes: Option<u32>,
    /// More arguments, e.g. `-badsig`, `-resp_no_certs`, `-resp_key_id`, `-ndays 1`.
    pub extra_args: Vec<OsString>,
    /// How long to wait for it to listen.
    pub startup_timeout: Duration,
}

impl ResponderConfig {
    /// `openssl` from `PATH`, nextUpdate an hour after thisUpdate (as in the JDK's tests), no
    /// extra arguments, ten seconds to start.
    pub fn new(
        index: impl Into<PathBuf>,
        ca: impl Into<PathBuf>,
        signer: impl Into<PathBuf>,
        signer_key: impl Into<PathBuf>,
    ) -> Self {
        Self {
            program: PathBuf::from("openssl"),
            index: index.into(),
            ca: ca.into(),
            signer: signer.into(),
            signer_key: signer_key.into(),
            next_update_minutes: Some(60),
            extra_args: Vec::new(),
            startup_timeout: Duration::from_secs(10),
        }
    }

    /// The intermediate's responder of a written [`crate::pki::TestPki`], signing with
    /// its delegated OCSP signer.
    pub fn intermediate(pem: &PemFiles, index: &IndexFiles) -> Self {
        Self::new(
            &index.intermediate,
            &pem.intermediate,
            &pem.intermediate_ocsp_signer,
            &pem.intermediate_ocsp_signer_key,
        )
    }

    /// The root's responder of a written [`crate::pki::TestPki`], signing with its
    /// delegated OCSP signer.
    pub fn root(pem: &PemFiles, index: &IndexFiles) -> Self {
        Self::new(
            &index.root,
            &pem.root,
            &pem.root_ocsp_signer,
            &pem.root_ocsp_signer_key,
        )
    }

    /// Appends arguments to `extra_args`.
    pub fn with_extra_args<I, S>(mut self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<OsString>,
    {
        self.extra_args.extend(args.into_iter().map(Into::into));
        self
    }

    /// Sets `next_update_minutes`.
    pub fn with_next_update_minutes(mut self, minutes: Option<u32>) -> Self {
        self.next_update_minutes = minutes;
        self
    }

    fn command(&self, port: u16) -> Command {
        let mut command = Command::new(&self.program);
        command.arg("ocsp").arg("-index").arg(&self.index);
        command.arg("-port").arg(port.to_string());
        command.arg("-rsigner").arg(&self.signer);
        command.arg("-rkey").arg(&self.signer_key);
        command.arg("-CA").arg(&self.ca);
        if let Some(minutes) = self.next_update_minutes {
            command.arg("-nmin").arg(minutes.to_string());
        }
        // Keep serving after a malformed request instead of exiting.
        command.arg("-ignore_err");
        command.args(&self.extra_args);
        command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        command
    }
}

/// A running `openssl ocsp` responder. Dropping it kills and reaps the process.
///
/// It answers POST and GET requests, one at a time, for the certificates in its index, and
/// rereads the index when the file is replaced.
#[derive(Debug)]
pub struct OpensslResponder {
    child: Child,
    command: String,
    port: u16,
    collector: Collector,
    /// Set once the process is killed and reaped.
    stopped: bool,
}

impl OpensslResponder {
    /// Starts a responder on a port OpenSSL picks (`-port 0`, then read from its
    /// `ACCEPT [::]:PORT` line), so there is no race for the port.
    pub fn start(config: &ResponderConfig) -> Result<Self, OpensslError> {
        Self::launch(config, 0)
    }

    /// Starts a responder on a port reserved earlier, typically because certificates that embed
    /// its URL were issued in between. The reservation is released just before OpenSSL binds;
    /// should someone take the port in that moment, the start is retried a few times.
    pub fn start_on(
        reserved: ReservedPort,
        config: &ResponderConfig,
    ) -> Result<Self, OpensslError> {
        let port = reserved.release();
        let mut attempt = 1;
        loop {
            match Self::launch(config, port) {
                Err(OpensslError::Exited {
                    command, output, ..
                }) if bind_failed(&output) => {
                    if attempt == BIND_ATTEMPTS {
                        return Err(OpensslError::PortInUse {
                            command,
                            port,
                            attempts: attempt,
                            output,
                        });
                    }
                    log::debug!("{command}: port {port} is taken (attempt {attempt}), retrying");
                    thread::sleep(BIND_BACKOFF * attempt);
                    attempt += 1;
                }
                other => return other,
            }
        }
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// `http://127.0.0.1:PORT/`.
    pub fn url(&self) -> String {
        loopback_url(self.port)
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Whether the process is still running.
    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// Makes the responder pick up a replaced index for the very next request.
    ///
    /// OpenSSL checks whether the index file changed only between connections, right before it
    /// waits for the next one, so a request arriving after a rewrite would still be answered from
    /// the old index. This sends one `GET /` (OpenSSL's health check) and reads the answer; by then
    /// OpenSSL has reread the index, and every later request sees the new one.
    ///
    /// (A bare connect-and-close would not do: OpenSSL 3.0 then spins forever rereading the closed
    /// connection and never serves anyone again.)
    pub fn reload_index(&self) -> Result<(), OpensslError> {
        let connect_error = |source| OpensslError::Connect {
            port: self.port,
            source,
        };
        let mut stream = TcpStream::connect_timeout(
            &SocketAddr::from((Ipv4Addr::LOCALHOST, self.port)),
            CONNECT_TIMEOUT,
        )
        .map_err(connect_error)?;
        stream
            .set_read_timeout(Some(CONNECT_TIMEOUT))
            .and_then(|()| stream.set_write_timeout(Some(CONNECT_TIMEOUT)))
            .and_then(|()| stream.write_all(b"GET / HTTP/1.0\r\n\r\n"))
            .map_err(connect_error)?;
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer).map_err(connect_error)?;
        let status_line = String::from_utf8_lossy(&answer)
            .lines()
            .next()
            .unwrap_or_default()
            .to_owned();
        if status_line.starts_with("HTTP/1.") && status_line.contains(" 200") {
            Ok(())
        } else {
            Err(OpensslError::HealthCheck {
                port: self.port,
                status_line,
            })
        }
    }

    /// What it has printed so far, each line prefixed with `stdout: ` or `stderr: `.
    pub fn output(&self) -> String {
        self.collector.transcript()
    }

    /// Kills the process and returns everything it printed.
    pub fn stop(mut self) -> String {
        self.shut_down()
    }

    fn launch(config: &ResponderConfig, port: u16) -> Result<Self, OpensslError> {
        let mut command = config.command(port);
        let described = describe(&command);
        let mut child = command.spawn().map_err(|source| OpensslError::Spawn {
            program: config.program.clone(),
            source,
        })?;
        let collector = Collector::attach(&mut child);
        // From here on, an early return drops `responder`, which kills the process.
        let mut responder = Self {
            child,
            command: described,
            port,
            collector,
            stopped: false,
        };
        responder.wait_until_listening(config.startup_timeout)?;
        log::debug!(
            "{} is listening on port {}",
            responder.command,
            responder.port
        );
        Ok(responder)
    }

    /// Waits until OpenSSL listens and, for port 0, learns the port it got.
    fn wait_until_listening(&mut self, timeout: Duration) -> Result<(), OpensslError> {
        let deadline = Instant::now() + timeout;
        match watch_startup(&self.collector, deadline, self.port == 0) {
            Startup::Listening(port) => {
                self.port = port.unwrap_or(self.port);
                self.collector.stop_listening();
                Ok(())
            }
            Startup::Closed => match self.kill_and_wait() {
                Ok(status) => Err(OpensslError::Exited {
                    command: self.command.clone(),
                    status,
                    output: self.shut_down(),
                }),
                Err(source) => Err(OpensslError::Wait {
                    command: self.command.clone(),
                    source,
                }),
            },
            Startup::NoPort => Err(OpensslError::NoPort {
                command: self.command.clone(),
                output: self.collector.transcript(),
            }),
            Startup::TimedOut => Err(OpensslError::Timeout {
                command: self.command.clone(),
                what: "start listening",
                waited: timeout,
                output: self.collector.transcript(),
            }),
        }
    }

    /// Kills the process unless it has exited, and reaps it. Killing a process that exited by
    /// itself does not change the status it exited with.
    fn kill_and_wait(&mut self) -> std::io::Result<ExitStatus> {
        // Errors mean it has exited already, which is what killing is for.
        let _ = self.child.kill();
        let status = self.child.wait();
        self.stopped = true;
        status
    }

    /// Kills and reaps the process (once), then returns its whole transcript.
    fn shut_down(&mut self) -> String {
        if !self.stopped {
            // A failed wait leaves nothing more to do for a process that was just killed.
            let _ = self.kill_and_wait();
        }
        self.collector.finish()
    }
}

impl Drop for OpensslResponder {
    fn drop(&mut self) {
        if !self.stopped {
            let output = self.shut_down();
            log::debug!("stopped {}; its output:\n{output}", self.command);
        }
    }
}

/// How a responder's startup went.
enum Startup {
    /// It listens; on the port it printed, if it printed one.
    Listening(Option<u16>),
    /// Both pipes closed: it has exited.
    Closed,
    /// It listens, but never said on which port.
    NoPort,
    /// It did not get ready in time.
    TimedOut,
}

/// Reads output until OpenSSL says it waits for connections and, when `need_port`, which port it
/// got. The two lines come on different pipes, in either order.
fn watch_startup(collector: &Collector, deadline: Instant, need_port: bool) -> Startup {
    let mut ready = false;
    let mut accepted = None;
    while !(ready && (accepted.is_some() || !need_port)) {
        match collector.next_line(deadline) {
            Next::Line(Stream::Stderr, line) => {
                ready |= line.to_ascii_lowercase().contains(READY_LINE);
            }
            Next::Line(Stream::Stdout, line) => accepted = accepted.or(accept_port(&line)),
            Next::Closed => return Startup::Closed,
            Next::TimedOut if ready => return Startup::NoPort,
            Next::TimedOut => return Startup::TimedOut,
        }
    }
    Startup::Listening(accepted)
}

/// The port in OpenSSL's `ACCEPT [::]:PORT PID=N` (or `ACCEPT 0.0.0.0:PORT ...`) line.
fn accept_port(line: &str) -> Option<u16> {
    let address = line.strip_prefix("ACCEPT ")?.split_whitespace().next()?;
    address.rsplit_once(':')?.1.parse().ok()
}

/// Whether a responder's output says its port was taken.
fn bind_failed(output: &str) -> bool {
    output.contains("Address already in use") || output.contains("Error starting accept")
}

#[cfg(test)]
mod tests {
    use std::net::TcpListener;
    use std::path::Path;

    use der::Decode;
    use tempfile::TempDir;
    use x509_ocsp::{BasicOcspResponse, CertStatus, OcspResponse, OcspResponseStatus};

    use super::*;
    use crate::openssl::{reserve_port, run_bounded};
    use crate::pki::{TestPki, TestPkiOptions};
    use staplekit::CertIdentity;

    const CLIENT_TIMEOUT: Duration = Duration::from_secs(15);

    /// A written fixture whose leaves point at a reserved port for the intermediate's responder.
    struct Setup {
        _dir: TempDir,
        pki: TestPki,
        pem: PemFiles,
        index: IndexFiles,
        reserved: ReservedPort,
    }

    fn setup() -> Setup {
        let dir = tempfile::tempdir().unwrap();
        let reserved = reserve_port().unwrap();
        let options = TestPkiOptions::new(None, Some(&reserved.url()));
        let pki = TestPki::generate(&options).unwrap();
        let pem = pki.write_pem_files(dir.path()).unwrap();
        let index = pki.write_index_files(dir.path()).unwrap();
        Setup {
            _dir: dir,
            pki,
            pem,
            index,
            reserved,
        }
    }

    /// Asks with `openssl ocsp` about `cert` and returns (exit status ok, stdout + stderr).
    fn ask(url: &str, issuer: &Path, cert: &Path, pem: &PemFiles) -> (bool, String) {
        let out = run_bounded(
            Command::new("openssl")
                .arg("ocsp")
                .arg("-issuer")
                .arg(issuer)
                .arg("-cert")
                .arg(cert)
                .arg("-url")
                .arg(url)
                .arg("-CAfile")
                .arg(&pem.root)
                // The response carries only the delegated signer, not its issuer.
                .arg("-verify_other")
                .arg(&pem.intermediate)
                .args(["-timeout", "10"]),
            CLIENT_TIMEOUT,
        )
        .unwrap();
        let text = String::from_utf8_lossy(&out.stdout).into_owned()
            + &String::from_utf8_lossy(&out.stderr);
        (out.status.success(), text)
    }

    fn status_line(text: &str, cert: &Path) -> String {
        let prefix = format!("{}: ", cert.display());
        text.lines()
            .find_map(|l| l.strip_prefix(&prefix))
            .unwrap_or_else(|| panic!("no status for {} in:\n{text}", cert.display()))
            .to_owned()
    }

    #[test]
    fn answers_good_and_revoked_from_the_index() {
        let s = setup();
        let url = s.reserved.url();
        let config = ResponderConfig::intermediate(&s.pem, &s.index);
        let responder = OpensslResponder::start_on(s.reserved, &config).unwrap();
        assert_eq!(responder.url(), url);

        let (ok, text) = ask(&url, &s.pem.intermediate, &s.pem.leaf, &s.pem);
        assert!(ok, "{text}\nresponder:\n{}", responder.output());
        assert!(text.contains("Response verify OK"), "{text}");
        assert_eq!(status_line(&text, &s.pem.leaf), "good");

        let (ok, text) = ask(&url, &s.pem.intermediate, &s.pem.revoked_leaf, &s.pem);
        assert!(ok, "{text}");
        assert!(text.contains("Response verify OK"), "{text}");
        assert_eq!(status_line(&text, &s.pem.revoked_leaf), "revoked");
        assert!(text.contains("Reason: keyCompromise"), "{text}");

        // A certificate of another CA is not in the index.
        let (_, text) = ask(&url, &s.pem.root, &s.pem.intermediate, &s.pem);
        assert_eq!(status_line(&text, &s.pem.intermediate), "unknown");
    }

    #[test]
    fn start_picks_a_port_itself() {
        let s = setup();
        let config = ResponderConfig::root(&s.pem, &s.index);
        let responder = OpensslResponder::start(&config).unwrap();
        assert_ne!(responder.port(), 0);
        let (ok, text) = ask(&responder.url(), &s.pem.root, &s.pem.intermediate, &s.pem);
        assert!(ok, "{text}");
        assert_eq!(status_line(&text, &s.pem.intermediate), "good");
        let transcript = responder.stop();
        assert!(
            transcript.contains("waiting for OCSP client connections"),
            "{transcript}"
        );
    }

    #[test]
    fn rereads_a_replaced_index() {
        let s = setup();
        let url = s.reserved.url();
        let config = ResponderConfig::intermediate(&s.pem, &s.index);
        let responder = OpensslResponder::start_on(s.reserved, &config).unwrap();
        let (_, text) = ask(&url, &s.pem.intermediate, &s.pem.leaf, &s.pem);
        assert_eq!(status_line(&text, &s.pem.leaf), "good");

        let mut index = crate::pki::CaIndex::new();
        index.add_revoked(&s.pki.leaf, s.pki.revoked_at, None);
        index.write(&s.index.intermediate).unwrap();
        responder.reload_index().unwrap();
        let (_, text) = ask(&url, &s.pem.intermediate, &s.pem.leaf, &s.pem);
        assert_eq!(status_line(&text, &s.pem.leaf), "revoked");
    }

    #[test]
    fn answers_http_get() {
        let s = setup();
        let dir = s.pem.root.parent().unwrap();
        let request = dir.join("req.der");
        let out = run_bounded(
            Command::new("openssl")
                .arg("ocsp")
                .arg("-issuer")
                .arg(&s.pem.intermediate)
                .arg("-cert")
                .arg(&s.pem.leaf)
                .arg("-reqout")
                .arg(&request)
                .arg("-no_nonce"),
            CLIENT_TIMEOUT,
        )
        .unwrap();
        assert!(out.status.success(), "{out:?}");
        let request = std::fs::read(&request).unwrap();

        let config = ResponderConfig::intermediate(&s.pem, &s.index);
        let responder = OpensslResponder::start_on(s.reserved, &config).unwrap();

        use base64::Engine as _;
        let b64 = base64::engine::general_purpose::STANDARD.encode(&request);
        let path: String = url::form_urlencoded::byte_serialize(b64.as_bytes()).collect();
        let (head, body) = http_get(responder.port(), &format!("/{path}"));
        assert!(
            head.starts_with("HTTP/1.0 200") || head.starts_with("HTTP/1.1 200"),
            "{head}\nresponder:\n{}",
            responder.output()
        );
        assert!(
            head.to_ascii_lowercase()
                .contains("content-type: application/ocsp-response"),
            "{head}"
        );

        let response = OcspResponse::from_der(&body).unwrap();
        assert_eq!(response.response_status, OcspResponseStatus::Successful);
        let basic =
            BasicOcspResponse::from_der(response.response_bytes.unwrap().response.as_bytes())
                .unwrap();
        let identity =
            CertIdentity::from_certificates(&s.pki.leaf.der, &s.pki.intermediate.cert().der)
                .unwrap();
        let single = &basic.tbs_response_data.responses[0];
        assert!(identity.matches(&single.cert_id));
        assert!(matches!(single.cert_status, CertStatus::Good(_)));
        assert!(single.next_update.is_some());
    }

    /// A bare HTTP/1.0 GET on 127.0.0.1; returns the head and the body.
    fn http_get(port: u16, path: &str) -> (String, Vec<u8>) {
        let mut stream = TcpStream::connect((Ipv4Addr::LOCALHOST, port)).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        write!(
            stream,
            "GET {path} HTTP/1.0\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).unwrap();
        let split = raw
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .unwrap_or_else(|| panic!("no header end in {:?}", String::from_utf8_lossy(&raw)));
        let head = String::from_utf8_lossy(&raw[..split]).into_owned();
        (head, raw[split + 4..].to_vec())
    }

    #[test]
    fn drop_kills_the_process() {
        let s = setup();
        let config = ResponderConfig::intermediate(&s.pem, &s.index);
        let responder = OpensslResponder::start(&config).unwrap();
        let port = responder.port();
        let pid = responder.pid();
        assert!(Path::new(&format!("/proc/{pid}")).exists());
        drop(responder);
        // Reaped, so not even a zombie is left.
        assert!(!Path::new(&format!("/proc/{pid}")).exists());
        assert!(TcpStream::connect((Ipv4Addr::LOCALHOST, port)).is_err());
    }

    #[test]
    fn reports_a_bad_index_with_openssl_output() {
        let s = setup();
        let config = ResponderConfig::intermediate(&s.pem, &s.index);
        let config = ResponderConfig {
            index: s.pem.root.parent().unwrap().join("no-such-index.txt"),
            ..config
        };
        let err = OpensslResponder::start(&config).unwrap_err();
        match &err {
            OpensslError::Exited { output, .. } => {
                assert!(output.contains("no-such-index.txt"), "{err}")
            }
            other => panic!("unexpected {other}"),
        }
    }

    #[test]
    fn reports_a_port_that_stays_taken() {
        let s = setup();
        let config = ResponderConfig::intermediate(&s.pem, &s.index);
        // Someone else holds the port for longer than all attempts take.
        let holder = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
        let reserved = ReservedPort::unheld(holder.local_addr().unwrap().port());
        let err = OpensslResponder::start_on(reserved, &config).unwrap_err();
        drop(holder);
        assert!(
            matches!(
                err,
                OpensslError::PortInUse {
                    attempts: BIND_ATTEMPTS,
                    ..
                }
            ),
            "{err}"
        );
    }

    #[test]
    fn reports_a_missing_program() {
        let s = setup();
        let mut config = ResponderConfig::intermediate(&s.pem, &s.index);
        config.program = PathBuf::from("/nonexistent/openssl");
        let err = OpensslResponder::start(&config).unwrap_err();
        assert!(matches!(err, OpensslError::Spawn { .. }), "{err}");
        assert!(err.to_string().contains("/nonexistent/openssl"), "{err}");
    }

    #[test]
    fn parses_accept_lines() {
        assert_eq!(accept_port("ACCEPT [::]:45499 PID=7787"), Some(45499));
        assert_eq!(accept_port("ACCEPT 0.0.0.0:80 PID=1"), Some(80));
        assert_eq!(accept_port("something else"), None);
    }
}
