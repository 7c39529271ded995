//! Parsing `-D` arguments.

use crate::config::error::ConfigError;

/// Splits a `-D` argument, given without the `-D`, into name and value at the first `=`:
/// `jdk.tls.stapling.cacheSize=10` gives (`jdk.tls.stapling.cacheSize`, `10`). The value may be
/// empty and may contain further `=`. Unlike `java`, a bare `NAME` is refused, since it is almost
/// always a mistake here.
pub fn parse_define(arg: &str) -> Result<(String, String), ConfigError> {
    let invalid = |problem| ConfigError::InvalidDefine {
        arg: arg.to_owned(),
        problem,
    };
    let (name, value) = arg.split_once('=').ok_or_else(|| invalid("has no '='"))?;
    if name.is_empty() {
        return Err(invalid("has an empty name"));
    }
    Ok((name.to_owned(), value.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_and_value() {
        let pair = |n: &str, v: &str| Some((n.to_owned(), v.to_owned()));
        assert_eq!(
            parse_define("jdk.tls.stapling.cacheSize=10").ok(),
            pair("jdk.tls.stapling.cacheSize", "10")
        );
        assert_eq!(parse_define("a=").ok(), pair("a", ""));
        assert_eq!(parse_define("a=b=c").ok(), pair("a", "b=c"));
        assert_eq!(parse_define("a= b ").ok(), pair("a", " b "));
    }

    #[test]
    fn errors_name_the_argument() {
        let e = parse_define("jdk.tls.stapling.cacheSize")
            .err()
            .map(|e| e.to_string());
        assert_eq!(
            e.as_deref(),
            Some("-D argument \"jdk.tls.stapling.cacheSize\" has no '='; expected NAME=VALUE")
        );
        let e = parse_define("=5").err().map(|e| e.to_string());
        assert_eq!(
            e.as_deref(),
            Some("-D argument \"=5\" has an empty name; expected NAME=VALUE")
        );
        assert!(parse_define("").is_err());
    }
}
