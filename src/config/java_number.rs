//! Integers parsed exactly like Java's `Integer.decode` and `Long.decode`.
//!
//! The JDK reads its numeric stapling properties with `Integer.getInteger` / `Long.getLong`, which
//! hand the raw property string to `decode`: an optional sign, then `0x`, `0X` or `#` for
//! hexadecimal, a leading `0` followed by more digits for octal, else decimal. Nothing is trimmed, so
//! `" 5"` is not a number. The one known difference: Java also accepts non-ASCII Unicode decimal
//! digits (`Character.digit`); these are rejected here.

use thiserror::Error;

/// Why a string is not a Java integer of the requested width.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum DecodeError {
    /// The string is empty.
    #[error("empty string")]
    Empty,
    /// A `+` or `-` after the first sign or after the radix prefix (`--1`, `0x-1`).
    #[error("sign character in wrong position")]
    MisplacedSign,
    /// Nothing after the sign or the radix prefix (`-`, `0x`, `#`).
    #[error("no digits")]
    NoDigits,
    /// A character that is not a digit of the radix (`08`, `1_000`, `0x1G`).
    #[error("invalid digit {found:?} for radix {radix}")]
    InvalidDigit {
        /// The offending character.
        found: char,
        /// The radix chosen from the prefix: 8, 10 or 16.
        radix: u32,
    },
    /// A well-formed number outside the range of the Java type.
    #[error("value out of range")]
    OutOfRange,
}

/// Parses `s` like Java's `Integer.decode` (a 32-bit `int`).
pub fn decode_int(s: &str) -> Result<i32, DecodeError> {
    let value = decode(s, i128::from(i32::MIN), i128::from(i32::MAX))?;
    i32::try_from(value).map_err(|_| DecodeError::OutOfRange)
}

/// Parses `s` like Java's `Long.decode` (a 64-bit `long`).
pub fn decode_long(s: &str) -> Result<i64, DecodeError> {
    let value = decode(s, i128::from(i64::MIN), i128::from(i64::MAX))?;
    i64::try_from(value).map_err(|_| DecodeError::OutOfRange)
}

/// The shared algorithm of `Integer.decode` and `Long.decode`, checked against `min..=max`.
fn decode(s: &str, min: i128, max: i128) -> Result<i128, DecodeError> {
    if s.is_empty() {
        return Err(DecodeError::Empty);
    }
    let (negative, rest) = match s.as_bytes()[0] {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    let (radix, digits) = if let Some(hex) = rest
        .strip_prefix("0x")
        .or_else(|| rest.strip_prefix("0X"))
        .or_else(|| rest.strip_prefix('#'))
    {
        (16, hex)
    } else if rest.len() > 1 && rest.starts_with('0') {
        // Java: a leading 0 means octal only when more characters follow; "0" alone is decimal zero.
        (8, &rest[1..])
    } else {
        (10, rest)
    };
    if digits.starts_with(['-', '+']) {
        return Err(DecodeError::MisplacedSign);
    }
    if digits.is_empty() {
        return Err(DecodeError::NoDigits);
    }
    // One past the largest magnitude of any Java integer type; stops growth on absurdly long input.
    let limit = 1u128 << 64;
    let mut magnitude: u128 = 0;
    for found in digits.chars() {
        let digit = found
            .to_digit(radix)
            .ok_or(DecodeError::InvalidDigit { found, radix })?;
        if magnitude <= limit {
            magnitude = magnitude * u128::from(radix) + u128::from(digit);
        }
    }
    if magnitude > limit {
        return Err(DecodeError::OutOfRange);
    }
    // magnitude <= 2^64 fits an i128 with room to spare.
    let magnitude = magnitude as i128;
    let value = if negative { -magnitude } else { magnitude };
    if value < min || value > max {
        return Err(DecodeError::OutOfRange);
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_forms() {
        assert_eq!(decode_int("0"), Ok(0));
        assert_eq!(decode_int("-0"), Ok(0));
        assert_eq!(decode_int("+0"), Ok(0));
        assert_eq!(decode_int("256"), Ok(256));
        assert_eq!(decode_int("+256"), Ok(256));
        assert_eq!(decode_int("-256"), Ok(-256));
        assert_eq!(decode_int("9"), Ok(9));
    }

    #[test]
    fn hexadecimal_forms() {
        assert_eq!(decode_int("0x1F"), Ok(31));
        assert_eq!(decode_int("0X1f"), Ok(31));
        assert_eq!(decode_int("#1F"), Ok(31));
        assert_eq!(decode_int("-0x10"), Ok(-16));
        assert_eq!(decode_int("+0x10"), Ok(16));
        assert_eq!(decode_int("-#10"), Ok(-16));
        assert_eq!(decode_int("0x0"), Ok(0));
        assert_eq!(decode_int("0x00ff"), Ok(255));
    }

    #[test]
    fn octal_forms() {
        assert_eq!(decode_int("010"), Ok(8));
        assert_eq!(decode_int("-010"), Ok(-8));
        assert_eq!(decode_int("00"), Ok(0));
        assert_eq!(decode_int("0777"), Ok(511));
        assert_eq!(
            decode_int("08"),
            Err(DecodeError::InvalidDigit {
                found: '8',
                radix: 8
            })
        );
        assert_eq!(
            decode_int("-09"),
            Err(DecodeError::InvalidDigit {
                found: '9',
                radix: 8
            })
        );
    }

    #[test]
    fn empty_and_bare_prefixes_are_errors() {
        assert_eq!(decode_int(""), Err(DecodeError::Empty));
        assert_eq!(decode_int("-"), Err(DecodeError::NoDigits));
        assert_eq!(decode_int("+"), Err(DecodeError::NoDigits));
        assert_eq!(decode_int("0x"), Err(DecodeError::NoDigits));
        assert_eq!(decode_int("#"), Err(DecodeError::NoDigits));
        assert_eq!(decode_int("-0x"), Err(DecodeError::NoDigits));
    }

    #[test]
    fn misplaced_signs_are_errors() {
        for s in ["--1", "+-1", "-+1", "0x-1", "#+1", "0-1", "-0x+1"] {
            assert_eq!(decode_int(s), Err(DecodeError::MisplacedSign), "{s}");
        }
    }

    #[test]
    fn whitespace_and_junk_are_errors() {
        for s in [
            " 5", "5 ", "\t5", "1_000", "1,000", "5s", "abc", "0x1G", "1e3", "1.0", "0b1",
        ] {
            assert!(
                matches!(decode_int(s), Err(DecodeError::InvalidDigit { .. })),
                "{s:?} -> {:?}",
                decode_int(s)
            );
        }
    }

    #[test]
    fn non_ascii_digits_are_rejected() {
        // Arabic-Indic 5 and fullwidth 5: Java would accept them; documented deviation.
        assert!(matches!(
            decode_int("\u{665}"),
            Err(DecodeError::InvalidDigit { .. })
        ));
        assert!(matches!(
            decode_int("\u{ff15}"),
            Err(DecodeError::InvalidDigit { .. })
        ));
    }

    #[test]
    fn int_range_limits() {
        assert_eq!(decode_int("2147483647"), Ok(i32::MAX));
        assert_eq!(decode_int("-2147483648"), Ok(i32::MIN));
        assert_eq!(decode_int("0x7fffffff"), Ok(i32::MAX));
        assert_eq!(decode_int("-0x80000000"), Ok(i32::MIN));
        assert_eq!(decode_int("-020000000000"), Ok(i32::MIN));
        assert_eq!(decode_int("2147483648"), Err(DecodeError::OutOfRange));
        assert_eq!(decode_int("-2147483649"), Err(DecodeError::OutOfRange));
        assert_eq!(decode_int("0x80000000"), Err(DecodeError::OutOfRange));
        assert_eq!(decode_int("0xffffffff"), Err(DecodeError::OutOfRange));
    }

    #[test]
    fn long_range_limits() {
        assert_eq!(decode_long("9223372036854775807"), Ok(i64::MAX));
        assert_eq!(decode_long("-9223372036854775808"), Ok(i64::MIN));
        assert_eq!(decode_long("-0x8000000000000000"), Ok(i64::MIN));
        assert_eq!(decode_long("2147483648"), Ok(2_147_483_648));
        assert_eq!(
            decode_long("9223372036854775808"),
            Err(DecodeError::OutOfRange)
        );
        assert_eq!(
            decode_long("0x10000000000000000"),
            Err(DecodeError::OutOfRange)
        );
        assert_eq!(decode_long(&"9".repeat(200)), Err(DecodeError::OutOfRange));
        assert_eq!(decode_long("-0x10"), Ok(-16));
    }

    #[test]
    fn a_bad_character_wins_over_overflow() {
        // Java throws the same NumberFormatException for both; "not an integer" is the more useful
        // diagnosis when the string is not a number at all.
        let s = format!("{}x", "9".repeat(50));
        assert!(matches!(
            decode_long(&s),
            Err(DecodeError::InvalidDigit { found: 'x', .. })
        ));
    }

    proptest::proptest! {
        #[test]
        fn every_i64_round_trips_in_all_radixes(n: i64) {
            let sign = if n < 0 { "-" } else { "" };
            let m = n.unsigned_abs();
            proptest::prop_assert_eq!(decode_long(&n.to_string()), Ok(n));
            proptest::prop_assert_eq!(decode_long(&format!("{sign}0x{m:x}")), Ok(n));
            proptest::prop_assert_eq!(decode_long(&format!("{sign}#{m:X}")), Ok(n));
            proptest::prop_assert_eq!(decode_long(&format!("{sign}0{m:o}")), Ok(n));
        }

        #[test]
        fn int_accepts_exactly_the_i32_range(n: i64) {
            let expected = i32::try_from(n).map_err(|_| DecodeError::OutOfRange);
            proptest::prop_assert_eq!(decode_int(&n.to_string()), expected);
        }
    }
}
