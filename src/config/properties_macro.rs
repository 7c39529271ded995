//! What the property table expands to: everything that used to be written once per property.
//!
//! One row of `properties! { ... }` (see `properties.rs`) gives a property's field, key, typed
//! default, syntax and description; from the rows this macro builds, in row order:
//! - [`Property`](crate::config::Property) with `ALL`, `key`, `description`, `default_text` and
//!   `accepted_range`;
//! - [`StaplingConfig`](crate::config::StaplingConfig), its field docs and its `Default`;
//! - [`defaults`](crate::config::defaults), one typed constant per property;
//! - `StaplingConfig::value_text`, the rendering used by listings;
//! - `resolve`, which the loader runs to read every property in row order (so warnings come in
//!   that order too), followed by the row's `then` rule if it has one.
//!
//! Row format (the doc comment becomes the field's documentation, after the key):
//!
//! ```text
//! /// What the field means, its unit and edge values.
//! field_name: FieldType {
//!     property: VariantName,
//!     key: "the.property.key",
//!     default: DEFAULT_CONST = expression,
//!     syntax: a Syntax value (how the raw text is read and rendered),
//!     about: "one line for listings and the README's Properties table",
//!     then: optional path to fn(&mut Resolver, &mut StaplingConfig), a rule run right after,
//! }
//! ```

/// Declares every property from one table; see the module documentation for the row format.
macro_rules! properties {
    ($(
        $(#[$doc:meta])*
        $field:ident: $ty:ty {
            property: $variant:ident,
            key: $key:literal,
            default: $default_name:ident = $default:expr,
            syntax: $syntax:expr,
            about: $about:literal,
            $(then: $then:path,)?
        }
    )*) => {
        /// A property staplekit knows. [`Property::ALL`] lists them in the order used everywhere
        /// (loading, warnings, listings, the README's Properties table).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Property {
            $(
                #[doc = concat!("`", $key, "`: ", $about)]
                $variant,
            )*
        }

        impl Property {
            /// Every known property, in the stable listing order.
            pub const ALL: [Property; [$(Property::$variant),*].len()] = [$(Property::$variant),*];

            /// The property's name, exactly as the JDK (or staplekit) spells it.
            pub const fn key(self) -> &'static str {
                match self {
                    $(Property::$variant => $key,)*
                }
            }

            /// One line saying what the property does, its unit and the meaning of its edge
            /// values; the README's Properties table repeats it word for word.
            pub const fn description(self) -> &'static str {
                match self {
                    $(Property::$variant => $about,)*
                }
            }

            /// The default, rendered as [`StaplingConfig::value_text`] renders values (an empty
            /// string means "not set").
            pub fn default_text(self) -> String {
                match self {
                    $(Property::$variant => Syntax::render(&$syntax, &defaults::$default_name),)*
                }
            }

            /// The integers the property accepts, for the properties limited to a range.
            pub fn accepted_range(self) -> Option<RangeInclusive<u32>> {
                match self {
                    $(Property::$variant => Syntax::range(&$syntax),)*
                }
            }
        }

        /// Every stapling setting, with the JDK's types and edge-value meanings already applied.
        /// `Default` gives the defaults of all properties.
        #[derive(Clone, Debug, PartialEq, Eq)]
        pub struct StaplingConfig {
            $(
                #[doc = concat!("`", $key, "`:")]
                $(#[$doc])*
                pub $field: $ty,
            )*
        }

        impl Default for StaplingConfig {
            fn default() -> Self {
                StaplingConfig {
                    $($field: defaults::$default_name,)*
                }
            }
        }

        impl StaplingConfig {
            /// The effective value of `property`, in the syntax the property accepts, so that a
            /// listing can be pasted back into a properties file. Unset optional values render as
            /// an empty string.
            pub fn value_text(&self, property: Property) -> String {
                match property {
                    $(Property::$variant => Syntax::render(&$syntax, &self.$field),)*
                }
            }
        }

        /// The default of every property, typed as its [`StaplingConfig`] field. The JDK's are
        /// copied from `sun.security.ssl` and `sun.security.provider.certpath.OCSP`; the only
        /// deliberate difference is [`SERVER_ENABLED`](defaults::SERVER_ENABLED).
        pub(crate) mod defaults {
            use super::*;

            $(
                #[doc = concat!("The default of `", $key, "`.")]
                pub(crate) const $default_name: $ty = $default;
            )*
        }

        /// Reads every property in table order into a configuration; a row's `then` rule runs
        /// right after its own property, so its warning follows that property's.
        pub(crate) fn resolve(resolver: &mut Resolver<'_>) -> Result<StaplingConfig, ConfigError> {
            let mut config = StaplingConfig::default();
            $(
                config.$field =
                    resolver.read(Property::$variant, &$syntax, defaults::$default_name)?;
                $($then(resolver, &mut config);)?
            )*
            Ok(config)
        }
    };
}

pub(crate) use properties;
