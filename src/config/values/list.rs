//! `jdk.tls.server.disableExtensions`: a comma-separated list of TLS extension names, read like
//! the JDK's `SSLExtension.getDisabledExtensions`.

use crate::config::values::java_trim;

/// Splits the list: one pair of enclosing double quotes is removed, items are trimmed, empty items
/// are dropped. Names are kept as written; the JDK compares them case-sensitively.
pub(crate) fn extension_list(raw: &str) -> Vec<String> {
    let unquoted = if raw.len() > 1 && raw.starts_with('"') && raw.ends_with('"') {
        &raw[1..raw.len() - 1]
    } else {
        raw
    };
    unquoted
        .split(',')
        .map(java_trim)
        .filter(|item| !item.is_empty())
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_trims_and_drops_empty_items() {
        assert_eq!(
            extension_list(" status_request , ,status_request_v2,"),
            vec!["status_request", "status_request_v2"]
        );
        assert_eq!(extension_list(""), Vec::<String>::new());
        assert_eq!(extension_list(" , ,"), Vec::<String>::new());
    }

    #[test]
    fn enclosing_quotes_are_removed_once() {
        assert_eq!(
            extension_list("\"status_request, server_name\""),
            vec!["status_request", "server_name"]
        );
        assert_eq!(extension_list("\""), vec!["\""]);
        assert_eq!(extension_list("\"\""), Vec::<String>::new());
        // Only enclosing quotes count.
        assert_eq!(extension_list("\"a\",b"), vec!["\"a\"", "b"]);
    }

    #[test]
    fn names_keep_their_case() {
        assert_eq!(extension_list("Status_Request"), vec!["Status_Request"]);
    }
}
