//! Numbers as text: strict parsing of non-negative 18-decimal fixed point ("wad") values and
//! of decimal integers up to `U256::MAX`, and exact formatting of wads.
//!
//! Parsing never rounds: a value with more than 18 fractional digits is refused, not
//! rounded, and so is anything that does not fit.

use std::fmt;

use alloy_primitives::U256;

/// One unit in 18-decimal fixed point: `10^18`.
const WAD: u128 = 1_000_000_000_000_000_000;
/// The number of fractional digits of a wad.
const DECIMALS: usize = 18;
/// The longest piece of user text echoed back in an error message, in characters.
const QUOTE_MAX_CHARS: usize = 40;

/// Why a number given as text was refused. The text it carries is already quoted (see
/// [`quote`]), so a message built from it stays on one line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum ParseError {
    /// The text is empty.
    Empty,
    /// A well-formed number below zero.
    Negative(String),
    /// Not of the form `[+]digits[.digits]`.
    InvalidDecimal(String),
    /// Not of the form `[+]digits`.
    InvalidInteger(String),
    /// More than 18 fractional digits: the value would have to be rounded.
    TooPrecise(String),
    /// Above the largest value of the type, which the second field describes.
    TooLarge(String, &'static str),
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Empty => f.write_str("empty value"),
            Self::Negative(text) => write!(f, "must not be negative, got {text}"),
            Self::InvalidDecimal(text) => write!(f, "invalid decimal {text}"),
            Self::InvalidInteger(text) => write!(f, "invalid integer {text}"),
            Self::TooPrecise(text) => {
                write!(f, "more than {DECIMALS} decimal places in {text} (it would be rounded)")
            }
            Self::TooLarge(text, max) => write!(f, "{text} is too large (the maximum is {max})"),
        }
    }
}

/// `text` as a Rust string literal (quotes and escapes, so never more than one line),
/// shortened to its first 40 characters followed by `...` if longer.
pub(crate) fn quote(text: &str) -> String {
    match text.char_indices().nth(QUOTE_MAX_CHARS) {
        Some((end, _)) => format!("{:?}...", &text[..end]),
        None => format!("{text:?}"),
    }
}

/// Whether `text` is one or more ASCII digits.
fn is_digits(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit())
}

/// The value of an all-digit string, or `None` if it exceeds `u128::MAX`.
fn digits_to_u128(digits: &str) -> Option<u128> {
    digits.bytes().try_fold(0u128, |acc, b| acc.checked_mul(10)?.checked_add(u128::from(b - b'0')))
}

/// Parses `[+]digits[.digits]`, with at most 18 fractional digits, into 18-decimal fixed
/// point, exactly: `"2000"` is `2000 * 10^18`, `"0.0833"` is `833 * 10^14`. A leading `-` is
/// refused as [`ParseError::Negative`] unless the value is zero.
///
/// # Errors
/// The first thing wrong with `text`, as a [`ParseError`].
pub(crate) fn parse_wad(text: &str) -> Result<u128, ParseError> {
    if text.is_empty() {
        return Err(ParseError::Empty);
    }
    let (negative, unsigned) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, "0"));
    if !is_digits(whole) || !is_digits(fraction) {
        return Err(ParseError::InvalidDecimal(quote(text)));
    }
    if negative && !unsigned.bytes().all(|b| b == b'0' || b == b'.') {
        return Err(ParseError::Negative(quote(text)));
    }
    if fraction.len() > DECIMALS {
        return Err(ParseError::TooPrecise(quote(text)));
    }
    // Padded to exactly 18 digits: below 10^18, so it fits.
    let fraction_wad = digits_to_u128(&format!("{fraction:0<DECIMALS$}")).unwrap_or(0);
    digits_to_u128(whole)
        .and_then(|w| w.checked_mul(WAD))
        .and_then(|w| w.checked_add(fraction_wad))
        .ok_or_else(|| {
            ParseError::TooLarge(quote(text), "340282366920938463463.374607431768211455")
        })
}

/// Parses `[+]digits` into a `U256`, exactly. A leading `-` is refused as
/// [`ParseError::Negative`] unless the value is zero.
///
/// # Errors
/// The first thing wrong with `text`, as a [`ParseError`]; [`ParseError::TooLarge`] above
/// `2^256 - 1`.
pub(crate) fn parse_u256(text: &str) -> Result<U256, ParseError> {
    if text.is_empty() {
        return Err(ParseError::Empty);
    }
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    if !is_digits(digits) {
        return Err(ParseError::InvalidInteger(quote(text)));
    }
    if negative && !digits.bytes().all(|b| b == b'0') {
        return Err(ParseError::Negative(quote(text)));
    }
    // Only digits remain, so the only possible failure is overflow.
    U256::from_str_radix(digits, 10).map_err(|_| ParseError::TooLarge(quote(text), "2^256-1"))
}

/// A wad as an exact decimal with all 18 fractional digits: `1` is `0.000000000000000001`.
pub(crate) fn format_wad(value: u128) -> String {
    format!("{}.{:018}", value / WAD, value % WAD)
}

/// A signed wad as [`format_wad`] does it, with a leading `-` below zero.
pub(crate) fn format_signed_wad(value: i128) -> String {
    let sign = if value < 0 { "-" } else { "" };
    format!("{sign}{}", format_wad(value.unsigned_abs()))
}

/// A wad as the shortest exact decimal: `10^18` is `1`, `5 * 10^17` is `0.5`.
pub(crate) fn format_wad_short(value: u128) -> String {
    let full = format_wad(value);
    full.trim_end_matches('0').trim_end_matches('.').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_exactly() {
        assert_eq!(parse_wad("2000"), Ok(2000 * WAD));
        assert_eq!(parse_wad("+2000"), Ok(2000 * WAD));
        assert_eq!(parse_wad("0.0833"), Ok(83_300_000_000_000_000));
        assert_eq!(parse_wad("0.000000000000000001"), Ok(1));
        assert_eq!(parse_wad("007.50"), Ok(7 * WAD + WAD / 2));
        assert_eq!(parse_wad("-0.000"), Ok(0));
        assert_eq!(parse_wad("340282366920938463463.374607431768211455"), Ok(u128::MAX));
    }

    #[test]
    fn refuses_what_it_cannot_represent() {
        assert_eq!(parse_wad(""), Err(ParseError::Empty));
        assert_eq!(parse_wad("-1"), Err(ParseError::Negative("\"-1\"".into())));
        assert_eq!(parse_wad("-0.5"), Err(ParseError::Negative("\"-0.5\"".into())));
        for bad in ["0.8x", "1e-3", ".5", "5.", "+", "-", "1.2.3", " 1", "1_000", "++1", "+-1", "١"]
        {
            assert_eq!(parse_wad(bad), Err(ParseError::InvalidDecimal(quote(bad))), "{bad}");
        }
        assert!(matches!(parse_wad("0.1234567890123456789"), Err(ParseError::TooPrecise(_))));
        assert!(matches!(parse_wad("0.0000000000000000000"), Err(ParseError::TooPrecise(_))));
        assert!(matches!(
            parse_wad("340282366920938463463.374607431768211456"),
            Err(ParseError::TooLarge(..))
        ));
        assert!(matches!(parse_wad(&"9".repeat(60)), Err(ParseError::TooLarge(..))));
    }

    #[test]
    fn parses_integers_up_to_u256_max() {
        let max = "115792089237316195423570985008687907853269984665640564039457584007913129639935";
        assert_eq!(parse_u256(max), Ok(U256::MAX));
        assert_eq!(parse_u256("0"), Ok(U256::ZERO));
        assert_eq!(parse_u256("+00042"), Ok(U256::from(42)));
        assert_eq!(parse_u256("-0"), Ok(U256::ZERO));
        let above =
            "115792089237316195423570985008687907853269984665640564039457584007913129639936";
        assert_eq!(parse_u256(above), Err(ParseError::TooLarge(quote(above), "2^256-1")));
        assert_eq!(parse_u256(""), Err(ParseError::Empty));
        assert_eq!(parse_u256("-5"), Err(ParseError::Negative("\"-5\"".into())));
        for bad in ["1.0", "0x10", "12x", "1_000", " 1", "1e3"] {
            assert_eq!(parse_u256(bad), Err(ParseError::InvalidInteger(quote(bad))), "{bad}");
        }
    }

    #[test]
    fn formats_every_digit() {
        assert_eq!(format_wad(0), "0.000000000000000000");
        assert_eq!(format_wad(4759422392871533222), "4.759422392871533222");
        assert_eq!(format_signed_wad(-1), "-0.000000000000000001");
        assert_eq!(format_signed_wad(i128::MIN), "-170141183460469231731.687303715884105728");
        assert_eq!(format_wad_short(10 * WAD), "10");
        assert_eq!(format_wad_short(WAD / 2), "0.5");
        assert_eq!(format_wad_short(1), "0.000000000000000001");
        assert_eq!(format_wad_short(0), "0");
    }

    #[test]
    fn quotes_on_one_line_and_shortens() {
        assert_eq!(quote("a\nb\"c"), "\"a\\nb\\\"c\"");
        assert_eq!(quote(&"x".repeat(100)), format!("{:?}...", "x".repeat(40)));
    }

    proptest! {
        #[test]
        fn wad_round_trips(value in any::<u128>()) {
            prop_assert_eq!(parse_wad(&format_wad(value)), Ok(value));
            prop_assert_eq!(parse_wad(&format_wad_short(value)), Ok(value));
        }

        #[test]
        fn signed_wad_formats_as_sign_and_magnitude(value in any::<i128>()) {
            let text = format_signed_wad(value);
            let magnitude = text.strip_prefix('-').unwrap_or(&text);
            prop_assert_eq!(text.starts_with('-'), value < 0);
            prop_assert_eq!(parse_wad(magnitude), Ok(value.unsigned_abs()));
        }

        #[test]
        fn short_decimals_scale_exactly(whole in 0u64.., fraction in "[0-9]{1,18}") {
            let scale = 10u128.pow(18 - u32::try_from(fraction.len()).unwrap());
            let expected = u128::from(whole) * WAD + fraction.parse::<u128>().unwrap() * scale;
            prop_assert_eq!(parse_wad(&format!("{whole}.{fraction}")), Ok(expected));
        }

        #[test]
        fn u256_round_trips(limbs in any::<[u64; 4]>()) {
            let value = U256::from_limbs(limbs);
            prop_assert_eq!(parse_u256(&value.to_string()), Ok(value));
        }

        #[test]
        fn arbitrary_text_never_panics(text in "\\PC{0,30}") {
            let _ = parse_wad(&text);
            let _ = parse_u256(&text);
        }
    }
}
