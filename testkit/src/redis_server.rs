//! Debian's `redis-server` as a child process on a free loopback port, for the shared store's
//! tests and benchmark (`./gradlew` installs the package).

use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

/// How long `redis-server` may take to accept connections.
const START_TIMEOUT: Duration = Duration::from_secs(20);

/// A `redis-server` on 127.0.0.1, without persistence, killed on drop; it can be killed and
/// started again on the same port (empty), to test a Redis outage.
pub struct RedisServer {
    child: Option<Child>,
    port: u16,
    password: Option<String>,
    dir: tempfile::TempDir,
}

impl RedisServer {
    /// Starts one on a free port, with `requirepass password` when given; returns once it
    /// accepts connections.
    ///
    /// # Panics
    /// If `redis-server` cannot be started or does not listen within 20 s.
    pub fn start(password: Option<&str>) -> Self {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let mut redis = Self {
            child: None,
            port,
            password: password.map(str::to_owned),
            dir: tempfile::tempdir().expect("temp dir"),
        };
        redis.restart();
        redis
    }

    /// Starts it (again) on the same port, empty; returns once it accepts connections.
    ///
    /// # Panics
    /// As [`RedisServer::start`].
    pub fn restart(&mut self) {
        self.kill();
        let mut command = Command::new("redis-server");
        command
            .args(["--port", &self.port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no"])
            .arg("--dir")
            .arg(self.dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        if let Some(password) = &self.password {
            command.args(["--requirepass", password]);
        }
        self.child =
            Some(command.spawn().expect(
                "start redis-server (Debian's redis-server package; ./gradlew installs it)",
            ));
        let deadline = Instant::now() + START_TIMEOUT;
        while TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(Instant::now() < deadline, "redis-server did not start");
            thread::sleep(Duration::from_millis(50));
        }
    }

    /// Kills it (the outage); [`RedisServer::restart`] brings it back.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// `redis://[:password@]127.0.0.1:PORT/0`, with its own password.
    pub fn url(&self) -> String {
        self.url_with(self.password.as_deref())
    }

    /// Its URL with `password` in place of its own (e.g. a wrong one).
    pub fn url_with(&self, password: Option<&str>) -> String {
        Self::url_of(password, self.port, 0)
    }

    /// Its URL for database `db` (0 to 15), with its own password.
    pub fn url_of_db(&self, db: u32) -> String {
        Self::url_of(self.password.as_deref(), self.port, db)
    }

    fn url_of(password: Option<&str>, port: u16, db: u32) -> String {
        match password {
            Some(password) => format!("redis://:{password}@127.0.0.1:{port}/{db}"),
            None => format!("redis://127.0.0.1:{port}/{db}"),
        }
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.kill();
    }
}
