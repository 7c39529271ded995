//! The integer codes the JNI libraries and the Java classes share, declared once each.
//!
//! Each table is a module of `jint` constants plus `ALL`, every constant with its name. The
//! shipped library maps engine values to the constants; the testing library (`jni/testing`,
//! which includes this file) hands `ALL` to Java, where `CodesTest` compares every table with
//! the Java enums, so a code changed on one side only fails a test.

use ::jni::sys::jint;

use staplekit::Outcome;
use staplekit::{Selection, Status};

/// Declares a table: one `jint` constant per entry and `ALL`, the entries with their names.
/// (The testing library declares its own tables with it, through `#[macro_use]`.)
macro_rules! code_table {
    ($(#[$doc:meta])* $table:ident { $($(#[$entry_doc:meta])* $name:ident = $code:expr,)+ }) => {
        $(#[$doc])*
        pub(crate) mod $table {
            use ::jni::sys::jint;

            $($(#[$entry_doc])* pub(crate) const $name: jint = $code;)+

            /// Every entry as (Java constant name, code), for the testing library's `rustCodes`.
            #[allow(dead_code, reason = "read by jni/testing, which includes this file")]
            pub(crate) const ALL: &[(&str, jint)] = &[$((stringify!($name), $name),)+];
        }
    };
}

code_table! {
    /// `org.staplekit.Selection`: the ordinal of the Java enum constant.
    selection {
        NONE = 0,
        STATUS_REQUEST = 1,
        STATUS_REQUEST_V2_OCSP = 2,
        STATUS_REQUEST_V2_OCSP_MULTI = 3,
        TLS13_PER_CERTIFICATE = 4,
    }
}

code_table! {
    /// `org.staplekit.CertificateReport.Outcome`: the ordinal of the Java enum constant.
    outcome {
        GOOD = 0,
        REVOKED = 1,
        UNKNOWN = 2,
        SKIPPED = 3,
        FAILED = 4,
    }
}

/// The code of a selection.
pub(crate) fn selection_code(selection: &Selection) -> jint {
    match selection {
        Selection::None => selection::NONE,
        Selection::StatusRequest(_) => selection::STATUS_REQUEST,
        Selection::StatusRequestV2Ocsp(_) => selection::STATUS_REQUEST_V2_OCSP,
        Selection::StatusRequestV2OcspMulti(_) => selection::STATUS_REQUEST_V2_OCSP_MULTI,
        Selection::Tls13PerCertificate(_) => selection::TLS13_PER_CERTIFICATE,
    }
}

/// The code of a report's outcome.
pub(crate) fn outcome_code(outcome: &Outcome) -> jint {
    match outcome {
        Outcome::Verified(r) => match r.status {
            Status::Good => outcome::GOOD,
            Status::Revoked(_) => outcome::REVOKED,
            Status::Unknown => outcome::UNKNOWN,
        },
        Outcome::Skipped(_) => outcome::SKIPPED,
        Outcome::Failed(_) => outcome::FAILED,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Java reads these codes as ordinals: 0, 1, 2, ... in declaration order.
    #[test]
    fn codes_are_ordinals() {
        for table in [selection::ALL, outcome::ALL] {
            for (ordinal, (name, code)) in table.iter().enumerate() {
                assert_eq!(usize::try_from(*code).ok(), Some(ordinal), "{name}");
            }
        }
    }
}
