//! `NativeTesting.rustCodes`: every code and name Rust shares with Java, as Rust sees it, so
//! that `CodesTest` compares them with the Java enums instead of trusting "keep in sync".

use ::jni::objects::{JClass, JObject, JString};
use ::jni::EnvUnowned;

use super::codes::{outcome, selection};
use super::convert::{new_string_array, string};
use super::error::{BridgeError, ThrowJava};
use super::fixture::fixture_kind;
use staplekit::{ResponseSource, RevocationInfo, Status, TlsVersion};

/// The tables `rustCodes` knows.
const TABLES: [&str; 6] = [
    "selection",
    "outcome",
    "fixtureKind",
    "tlsVersion",
    "responseSource",
    "status",
];

/// `static String[] rustCodes(String table)`: the table's entries as `NAME=code`, in order:
///
/// - `selection`, `outcome`, `fixtureKind`: the JNI codes, named as the Java constants;
/// - `tlsVersion`: every `TlsVersion` the engine accepts, as `Tls12=771` (its wire code);
/// - `responseSource`, `status`: each value's wire name with its position, as `cache-dir=1`.
#[unsafe(no_mangle)]
pub extern "system" fn Java_org_staplekit_testkit_NativeTesting_rustCodes<'local>(
    mut unowned: EnvUnowned<'local>,
    _class: JClass<'local>,
    table: JString<'local>,
) -> JObject<'local> {
    unowned
        .with_env(|env| -> Result<_, BridgeError> {
            let table = string(env, &table, "table")?;
            let entries = entries(&table)?;
            Ok(new_string_array(env, &entries)?.into())
        })
        .resolve::<ThrowJava>()
}

fn entries(table: &str) -> Result<Vec<String>, BridgeError> {
    let named = |all: &[(&str, i32)]| all.iter().map(|(n, c)| format!("{n}={c}")).collect();
    let positions = |names: &[&str]| {
        names
            .iter()
            .enumerate()
            .map(|(i, n)| format!("{n}={i}"))
            .collect()
    };
    Ok(match table {
        "selection" => named(selection::ALL),
        "outcome" => named(outcome::ALL),
        "fixtureKind" => named(fixture_kind::ALL),
        // Every code from_wire accepts, so no hand-kept list of versions can drift.
        "tlsVersion" => (0..=u16::MAX)
            .filter_map(TlsVersion::from_wire)
            .map(|v| format!("{v:?}={}", v.to_wire()))
            .collect(),
        "responseSource" => positions(&ResponseSource::ALL.map(ResponseSource::name)),
        "status" => positions(&statuses().map(|s| s.name())),
        other => {
            return Err(BridgeError::InvalidArgument(format!(
                "no code table {other:?}; the tables are {TABLES:?}"
            )))
        }
    })
}

/// One `Status` of each kind, in declaration order.
fn statuses() -> [Status; 3] {
    // A new variant breaks this match, and so gets added to the list below.
    let _exhaustive = |s: Status| match s {
        Status::Good | Status::Revoked(_) | Status::Unknown => (),
    };
    let revoked = RevocationInfo {
        time: std::time::SystemTime::UNIX_EPOCH,
        reason: None,
    };
    [Status::Good, Status::Revoked(revoked), Status::Unknown]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_table_has_entries_and_unknown_tables_are_refused() {
        for table in TABLES {
            let entries = entries(table).unwrap();
            assert!(!entries.is_empty(), "{table}");
            assert!(
                entries.iter().all(|e| e.contains('=')),
                "{table}: {entries:?}"
            );
        }
        assert_eq!(
            entries("tlsVersion").unwrap(),
            ["Tls10=769", "Tls11=770", "Tls12=771", "Tls13=772"]
        );
        assert_eq!(
            entries("status").unwrap(),
            ["good=0", "revoked=1", "unknown=2"]
        );
        assert!(entries("nope")
            .unwrap_err()
            .to_string()
            .contains("selection"));
    }
}
