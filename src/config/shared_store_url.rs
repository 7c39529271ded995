//! The address of the shared store (`staplekit.stapling.sharedStore`): a Redis URL whose password
//! never shows.

use std::fmt;

use url::Url;

use crate::config::secret::HIDDEN;

/// A `redis://` or `rediss://` (TLS) URL: `redis://[user:password@]host:port[/db]`. Its `Debug`
/// and `Display` hide the password, so it stays out of logs, listings and error messages;
/// [`SharedStoreUrl::expose`] hands the whole URL to the one place that connects.
#[derive(Clone, PartialEq, Eq)]
pub struct SharedStoreUrl(Url);

impl SharedStoreUrl {
    /// Accepts `raw` when it is a `redis://` or `rediss://` URL with a host; the error says what
    /// is wrong with it (never showing a password).
    pub fn parse(raw: &str) -> Result<Self, String> {
        if raw.chars().any(|c| c <= ' ' || c == '\u{7f}') {
            return Err("contains spaces or control characters".into());
        }
        let url = Url::parse(raw).map_err(|e| format!("is not a valid URL ({e})"))?;
        if !matches!(url.scheme(), "redis" | "rediss") {
            return Err(format!(
                "is a {} URL, not redis:// or rediss://",
                url.scheme()
            ));
        }
        if url.host_str().is_none_or(str::is_empty) {
            return Err("names no host".into());
        }
        let db = url.path().trim_start_matches('/');
        if !db.is_empty() && db.parse::<u16>().is_err() {
            return Err(format!("has a database that is not a number: /{db}"));
        }
        Ok(Self(url))
    }

    /// The URL itself, password included, for the code that connects.
    pub fn expose(&self) -> &Url {
        &self.0
    }

    /// Whether the connection is TLS (`rediss://`).
    pub fn is_tls(&self) -> bool {
        self.0.scheme() == "rediss"
    }
}

impl fmt::Display for SharedStoreUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut shown = self.0.clone();
        if shown.password().is_some() {
            // Cannot fail: the URL has a host (checked in `parse`).
            let _ = shown.set_password(Some(HIDDEN));
        }
        f.write_str(shown.as_str())
    }
}

impl fmt::Debug for SharedStoreUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SharedStoreUrl({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_redis_and_rediss_urls_and_hides_the_password() {
        let url = SharedStoreUrl::parse("redis://app:s3cret@10.0.0.5:6379/2").expect("valid");
        assert!(!url.is_tls());
        assert_eq!(url.expose().password(), Some("s3cret"));
        let shown = format!("{url} {url:?}");
        assert!(!shown.contains("s3cret"), "{shown}");
        assert!(shown.contains("10.0.0.5:6379/2"), "{shown}");
        assert!(SharedStoreUrl::parse("rediss://cache.example:6380")
            .expect("valid")
            .is_tls());
    }

    #[test]
    fn refuses_other_schemes_missing_hosts_and_bad_databases() {
        let cases = [
            ("http://host:6379", "not redis:// or rediss://"),
            ("redis://", "names no host"),
            ("redis://host:6379/zero", "not a number"),
            ("host:6379", "not redis:// or rediss://"),
            ("redis://h ost", "spaces"),
        ];
        for (raw, expected) in cases {
            let e = SharedStoreUrl::parse(raw).expect_err(raw);
            assert!(e.contains(expected), "{raw}: {e}");
        }
    }
}
