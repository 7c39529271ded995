//! Looking properties up by key. [`Property`] itself, with its key, default and description, is
//! generated from the table in `properties.rs`.

use crate::config::properties::Property;

impl Property {
    /// The property whose key is exactly `key` (keys are case-sensitive, as in Java).
    pub fn from_key(key: &str) -> Option<Property> {
        Property::ALL.into_iter().find(|p| p.key() == key)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn keys_are_unique_and_found_again() {
        let keys: HashSet<_> = Property::ALL.iter().map(|p| p.key()).collect();
        assert_eq!(keys.len(), Property::ALL.len());
        for p in Property::ALL {
            assert_eq!(Property::from_key(p.key()), Some(p));
        }
    }

    #[test]
    fn lookup_is_case_sensitive_like_java() {
        assert_eq!(Property::from_key("jdk.tls.stapling.cachesize"), None);
        assert_eq!(Property::from_key("jdk.tls.stapling.cacheSize "), None);
        assert_eq!(
            Property::from_key("jdk.tls.stapling.cacheSize"),
            Some(Property::CacheSize)
        );
    }

    #[test]
    fn every_property_is_described() {
        for p in Property::ALL {
            assert!(!p.description().is_empty(), "{}", p.key());
        }
    }
}
