//! A loopback port chosen before the server that will use it starts.

use std::net::{Ipv4Addr, TcpListener};

use super::OpensslError;

/// A free port on 127.0.0.1, held by a listening socket until it is handed to a server.
///
/// Holding it keeps other tests from being given the same port meanwhile; the socket is closed
/// only right before the server binds (see [`super::OpensslResponder::start_on`]).
#[derive(Debug)]
pub struct ReservedPort {
    /// `None` only for ports handed in by tests.
    listener: Option<TcpListener>,
    port: u16,
}

/// Reserves a port the system considers free on 127.0.0.1.
pub fn reserve_port() -> Result<ReservedPort, OpensslError> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .map_err(|source| OpensslError::Reserve { source })?;
    let port = listener
        .local_addr()
        .map_err(|source| OpensslError::Reserve { source })?
        .port();
    Ok(ReservedPort {
        listener: Some(listener),
        port,
    })
}

impl ReservedPort {
    /// The port number.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// A port that is not held, to test what happens when it is taken.
    #[cfg(test)]
    pub(crate) fn unheld(port: u16) -> Self {
        Self {
            listener: None,
            port,
        }
    }

    /// `http://127.0.0.1:PORT/`, the URL a responder on this port will have.
    pub fn url(&self) -> String {
        loopback_url(self.port)
    }

    /// Closes the socket, freeing the port for the server, and returns the number.
    pub(crate) fn release(self) -> u16 {
        drop(self.listener);
        self.port
    }
}

/// `http://127.0.0.1:PORT/`.
pub(crate) fn loopback_url(port: u16) -> String {
    format!("http://127.0.0.1:{port}/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holds_the_port_until_released() {
        let reserved = reserve_port().unwrap();
        let port = reserved.port();
        assert_ne!(port, 0);
        assert_eq!(reserved.url(), format!("http://127.0.0.1:{port}/"));
        assert!(TcpListener::bind((Ipv4Addr::LOCALHOST, port)).is_err());
        assert_eq!(reserved.release(), port);
        assert!(TcpListener::bind((Ipv4Addr::LOCALHOST, port)).is_ok());
    }
}
