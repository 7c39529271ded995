//! `staplekit.stapling.refreshRatio`: a plain decimal number above 0 and at most 1.
//!
//! Accepted: an optional sign, digits with an optional decimal point (`0.5`, `.75`, `1`, `1.0`,
//! `1.`). Refused, unlike Java's `Double.parseDouble`: exponents (`5e-1`), hexadecimal floats,
//! `NaN`, `Infinity`, a `d`/`f` suffix and surrounding spaces, since none of them is a plausible
//! way to write a share, and the other staplekit numbers are not trimmed either. The value is
//! rounded half up to a millionth; one that rounds to 0 is refused.

use crate::config::defaults;
use crate::config::refresh_ratio::RefreshRatio;
use crate::config::values::Interpreted;

/// Millionths per unit of each of the first six fractional digits.
const PLACE_VALUES: [u32; 6] = [100_000, 10_000, 1_000, 100, 10, 1];

/// Interprets the ratio; anything unusable falls back to the default.
pub(crate) fn refresh_ratio(raw: &str) -> Interpreted<RefreshRatio> {
    let default = defaults::REFRESH_RATIO;
    match parse(raw) {
        Ok(ratio) => Interpreted::ok(ratio),
        Err(problem) => {
            Interpreted::replaced(default, format!("{problem}; using the default {default}"))
        }
    }
}

/// The ratio, or the start of a warning saying what is wrong with it.
fn parse(raw: &str) -> Result<RefreshRatio, &'static str> {
    let (negative, unsigned) = match raw.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, raw.strip_prefix('+').unwrap_or(raw)),
    };
    let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if (whole.is_empty() && fraction.is_empty()) || !digits(whole) || !digits(fraction) {
        return Err("is not a decimal number such as 0.5");
    }
    let whole = whole.trim_start_matches('0');
    let fraction_is_zero = fraction.bytes().all(|b| b == b'0');
    if negative || (whole.is_empty() && fraction_is_zero) {
        return Err("is not above 0");
    }
    if !whole.is_empty() {
        return if whole == "1" && fraction_is_zero {
            RefreshRatio::from_parts_per_million(1_000_000).ok_or("is more than 1")
        } else {
            Err("is more than 1")
        };
    }
    let mut ppm: u32 = fraction
        .bytes()
        .zip(PLACE_VALUES)
        .map(|(digit, place)| u32::from(digit - b'0') * place)
        .sum();
    // Round half up on the seventh digit; the result is still at most 1_000_000.
    if matches!(fraction.as_bytes().get(PLACE_VALUES.len()), Some(d) if *d >= b'5') {
        ppm += 1;
    }
    RefreshRatio::from_parts_per_million(ppm).ok_or("is below 0.000001, the smallest ratio")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ppm(raw: &str) -> Option<u32> {
        let got = refresh_ratio(raw);
        got.problem.is_none().then(|| got.value.parts_per_million())
    }

    fn problem(raw: &str) -> Option<String> {
        let got = refresh_ratio(raw);
        assert_eq!(got.value, defaults::REFRESH_RATIO, "{raw:?}");
        got.problem
    }

    #[test]
    fn decimal_forms() {
        assert_eq!(ppm("0.5"), Some(500_000));
        assert_eq!(ppm(".75"), Some(750_000));
        assert_eq!(ppm("1"), Some(1_000_000));
        assert_eq!(ppm("1.0"), Some(1_000_000));
        assert_eq!(ppm("1."), Some(1_000_000));
        assert_eq!(ppm("01.000"), Some(1_000_000));
        assert_eq!(ppm("+0.25"), Some(250_000));
        assert_eq!(ppm("0.000001"), Some(1));
        assert_eq!(ppm("00.9"), Some(900_000));
    }

    #[test]
    fn rounded_half_up_to_a_millionth() {
        assert_eq!(ppm("0.3333333"), Some(333_333));
        assert_eq!(ppm("0.6666666"), Some(666_667));
        assert_eq!(ppm("0.0000005"), Some(1));
        assert_eq!(ppm("0.9999999"), Some(1_000_000));
        assert_eq!(ppm("0.50000049999"), Some(500_000));
    }

    #[test]
    fn not_decimal_numbers() {
        for raw in [
            "", ".", "+", "-", "abc", "0,5", " 0.5", "0.5 ", "5e-1", "0.5e0", "NaN", "nan",
            "Infinity", "inf", "0x0.8p0", "0.5d", "0.5f", "1/2", "50%", "0..5", "٠.٥",
        ] {
            assert_eq!(
                problem(raw).as_deref(),
                Some("is not a decimal number such as 0.5; using the default 0.5"),
                "{raw:?}"
            );
        }
    }

    #[test]
    fn out_of_range() {
        for raw in ["0", "0.0", ".000", "-0", "-0.5", "-1", "-.1"] {
            assert_eq!(
                problem(raw).as_deref(),
                Some("is not above 0; using the default 0.5"),
                "{raw:?}"
            );
        }
        for raw in ["1.0000001", "1.5", "2", "10", "1.000000000001"] {
            assert_eq!(
                problem(raw).as_deref(),
                Some("is more than 1; using the default 0.5"),
                "{raw:?}"
            );
        }
        assert_eq!(
            problem("0.0000004").as_deref(),
            Some("is below 0.000001, the smallest ratio; using the default 0.5")
        );
    }

    #[test]
    fn long_inputs_do_not_overflow() {
        let long = format!("0.{}", "9".repeat(500));
        assert_eq!(ppm(&long), Some(1_000_000));
        let huge = "9".repeat(500);
        assert_eq!(
            problem(&huge).as_deref(),
            Some("is more than 1; using the default 0.5")
        );
    }
}
