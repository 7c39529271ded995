//! Whole-second UTC instants and their ASN.1 / OpenSSL text forms.
//!
//! Certificates store times to the second, so the generator truncates "now" to whole seconds and
//! keeps the same value for the certificate and for the OpenSSL index that describes it.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Seconds since the Unix epoch, negative before it (saturating far outside any certificate's range).
pub(crate) fn unix_seconds(t: SystemTime) -> i64 {
    match t.duration_since(UNIX_EPOCH) {
        Ok(after) => i64::try_from(after.as_secs()).unwrap_or(i64::MAX),
        Err(before) => i64::try_from(before.duration().as_secs()).map_or(i64::MIN, |s| -s),
    }
}

/// The current time truncated to whole seconds.
pub(crate) fn now_whole_seconds() -> SystemTime {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    UNIX_EPOCH + Duration::from_secs(secs)
}

/// A UTC calendar instant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Civil {
    year: i64,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
}

fn civil(t: SystemTime) -> Civil {
    let secs = unix_seconds(t);
    let days = secs.div_euclid(86_400);
    let of_day = secs.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    // `of_day` is in 0..86400, so the narrowing casts below cannot truncate.
    Civil {
        year,
        month,
        day,
        hour: (of_day / 3600) as u32,
        minute: (of_day % 3600 / 60) as u32,
        second: (of_day % 60) as u32,
    }
}

/// Days since 1970-01-01 to (year, month, day) in the proleptic Gregorian calendar
/// (Howard Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097); // [0, 146096]
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // [0, 399]
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // [0, 365]
    let mp = (5 * doy + 2) / 153; // [0, 11]
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32; // [1, 31]
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32; // [1, 12]
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// The time as a certificate encodes it (RFC 5280 section 4.1.2.5): UTCTime `YYMMDDHHMMSSZ` for
/// 1950 to 2049, GeneralizedTime `YYYYMMDDHHMMSSZ` otherwise.
///
/// `openssl ca` copies these characters verbatim into its index, so the index writer uses this form.
pub(crate) fn asn1_time_string(t: SystemTime) -> String {
    let c = civil(t);
    let rest = format!(
        "{:02}{:02}{:02}{:02}{:02}Z",
        c.month, c.day, c.hour, c.minute, c.second
    );
    if (1950..2050).contains(&c.year) {
        format!("{:02}{rest}", c.year % 100)
    } else {
        format!("{:04}{rest}", c.year)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(secs)
    }

    #[test]
    fn formats_utc_time_within_1950_to_2049() {
        assert_eq!(asn1_time_string(at(0)), "700101000000Z");
        // 2024-02-29T23:59:59Z, a leap day.
        assert_eq!(asn1_time_string(at(1_709_251_199)), "240229235959Z");
        // 2049-12-31T23:59:59Z is the last UTCTime instant.
        assert_eq!(asn1_time_string(at(2_524_607_999)), "491231235959Z");
    }

    #[test]
    fn formats_generalized_time_from_2050() {
        assert_eq!(asn1_time_string(at(2_524_608_000)), "20500101000000Z");
    }

    #[test]
    fn formats_times_before_the_epoch() {
        let t = UNIX_EPOCH - Duration::from_secs(1);
        assert_eq!(asn1_time_string(t), "691231235959Z");
        assert_eq!(unix_seconds(t), -1);
    }

    #[test]
    fn now_has_no_fraction() {
        let now = now_whole_seconds();
        let since = now.duration_since(UNIX_EPOCH).unwrap();
        assert_eq!(since.subsec_nanos(), 0);
        assert!(since.as_secs() > 1_700_000_000);
    }
}
