//! Whether a client's first ClientHello carried `status_request`, read from the raw bytes the
//! server received: rustls does not tell its resolver, and the connection's reply says it.

/// The TLS record content type of handshake messages.
const HANDSHAKE_RECORD: u8 = 22;
/// The handshake type of a ClientHello.
const CLIENT_HELLO: u8 = 1;
/// The `status_request` extension type.
const STATUS_REQUEST: u16 = 5;

/// `Some(true)` when the first ClientHello in `received` (TLS records from the start of the
/// connection) has a `status_request` extension, `Some(false)` when it has none, `None` when the
/// bytes do not hold a whole, well-formed ClientHello.
pub fn sent_status_request(received: &[u8]) -> Option<bool> {
    let handshake = handshake_message(received)?;
    let mut message = Reader(&handshake);
    if message.u8()? != CLIENT_HELLO {
        return None;
    }
    let length = message.u24()?;
    let mut body = Reader(message.take(length)?);
    body.take(2 + 32)?; // legacy_version, random
    let session_id = usize::from(body.u8()?);
    body.take(session_id)?;
    let suites = usize::from(body.u16()?);
    body.take(suites)?;
    let compression = usize::from(body.u8()?);
    body.take(compression)?;
    if body.0.is_empty() {
        return Some(false); // no extensions at all
    }
    let extensions_length = usize::from(body.u16()?);
    let mut extensions = Reader(body.take(extensions_length)?);
    while !extensions.0.is_empty() {
        let kind = extensions.u16()?;
        let length = usize::from(extensions.u16()?);
        extensions.take(length)?;
        if kind == STATUS_REQUEST {
            return Some(true);
        }
    }
    Some(false)
}

/// The first handshake message, reassembled from the handshake records it spans.
fn handshake_message(received: &[u8]) -> Option<Vec<u8>> {
    let mut records = Reader(received);
    let mut message = Vec::new();
    loop {
        if message.len() >= 4 {
            let length = usize::from(message[1]) << 16
                | usize::from(message[2]) << 8
                | usize::from(message[3]);
            if message.len() >= 4 + length {
                return Some(message);
            }
        }
        if records.u8()? != HANDSHAKE_RECORD {
            return None;
        }
        records.take(2)?; // legacy record version
        let length = usize::from(records.u16()?);
        message.extend_from_slice(records.take(length)?);
    }
}

/// A cursor over bytes whose reads fail (`None`) past the end instead of panicking.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if n > self.0.len() {
            return None;
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Some(head)
    }

    fn u8(&mut self) -> Option<u8> {
        self.take(1).map(|b| b[0])
    }

    fn u16(&mut self) -> Option<u16> {
        self.take(2).map(|b| u16::from_be_bytes([b[0], b[1]]))
    }

    fn u24(&mut self) -> Option<usize> {
        self.take(3)
            .map(|b| usize::from(b[0]) << 16 | usize::from(b[1]) << 8 | usize::from(b[2]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A ClientHello record with these extensions (type, data), split into records of at most
    /// `record_size` bytes of payload.
    fn client_hello(extensions: &[(u16, &[u8])], record_size: usize) -> Vec<u8> {
        let mut ext = Vec::new();
        for (kind, data) in extensions {
            ext.extend_from_slice(&kind.to_be_bytes());
            ext.extend_from_slice(&(data.len() as u16).to_be_bytes());
            ext.extend_from_slice(data);
        }
        let mut body = vec![0x03, 0x03];
        body.extend_from_slice(&[7; 32]);
        body.push(0); // session id
        body.extend_from_slice(&[0, 2, 0x13, 0x01]); // one suite
        body.extend_from_slice(&[1, 0]); // null compression
        body.extend_from_slice(&(ext.len() as u16).to_be_bytes());
        body.extend_from_slice(&ext);
        let mut message = vec![CLIENT_HELLO, 0, (body.len() >> 8) as u8, body.len() as u8];
        message.extend_from_slice(&body);
        let mut out = Vec::new();
        for chunk in message.chunks(record_size) {
            out.extend_from_slice(&[HANDSHAKE_RECORD, 3, 1]);
            out.extend_from_slice(&(chunk.len() as u16).to_be_bytes());
            out.extend_from_slice(chunk);
        }
        out
    }

    const STATUS_REQUEST_DATA: &[u8] = &[1, 0, 0, 0, 0];

    #[test]
    fn finds_status_request_among_other_extensions() {
        let hello = client_hello(
            &[
                (0, b"\0\0"),
                (5, STATUS_REQUEST_DATA),
                (43, b"\x02\x03\x04"),
            ],
            1 << 14,
        );
        assert_eq!(sent_status_request(&hello), Some(true));
        let without = client_hello(
            &[(0, b"\0\0"), (17, b"\0\0"), (43, b"\x02\x03\x04")],
            1 << 14,
        );
        assert_eq!(sent_status_request(&without), Some(false));
    }

    #[test]
    fn reassembles_a_client_hello_split_across_records() {
        let hello = client_hello(&[(10, &[0; 300]), (5, STATUS_REQUEST_DATA)], 50);
        assert!(hello.len() > 6 * 55, "several records");
        assert_eq!(sent_status_request(&hello), Some(true));
        // Bytes after the ClientHello (the rest of the flight) do not matter.
        let mut more = hello.clone();
        more.extend_from_slice(&[20, 3, 3, 0, 1, 1]);
        assert_eq!(sent_status_request(&more), Some(true));
    }

    #[test]
    fn truncated_or_foreign_bytes_are_not_a_client_hello() {
        let hello = client_hello(&[(5, STATUS_REQUEST_DATA)], 1 << 14);
        for cut in [0, 3, 5, 9, 40, hello.len() - 1] {
            assert_eq!(sent_status_request(&hello[..cut]), None, "cut at {cut}");
        }
        assert_eq!(sent_status_request(b"GET / HTTP/1.1\r\n\r\n"), None);
        let mut server_hello = hello.clone();
        server_hello[5] = 2;
        assert_eq!(sent_status_request(&server_hello), None);
        // An extension claiming more bytes than there are.
        let mut lying = hello.clone();
        let last = lying.len() - STATUS_REQUEST_DATA.len() - 1;
        lying[last] = 200;
        assert_eq!(sent_status_request(&lying), None);
    }
}
