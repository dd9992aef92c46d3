//! The natural logarithm.
//!
//! Method: for `ln(a / b)` with integer `a`, `b`, pick `c = (1 + j/32) * 2^E` within 1/64
//! of `a / b` (from a floating-point estimate of the ratio), then
//! `ln(a/b) = E ln 2 + ln(1 + j/32) + 2 atanh(w)` with
//! `w = (a - c b) / (a + c b)` formed from the *exact* integer difference, so the result
//! keeps its relative precision however close `a` is to `b` (the case that matters for
//! at-the-money options: `ln(S/K)` near zero). `|w| <= 1/127`, so five terms of the
//! atanh series leave a truncation below 1e-22 relative. The two table terms are summed
//! exactly in `10^-36` units.

#![allow(
    clippy::cast_possible_truncation,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss,
    clippy::many_single_char_names,
    reason = "fixed-point kernels: each narrowing cast carries its range argument in a comment; single-letter names follow the formulas"
)]

use crate::float::mul_hi;
use crate::float::Float;
use crate::tables::{E_36, LN2_E36, LN_TABLE_E36};

/// `1/3, 1/5, 1/7, 1/9` in 0.64 fixed point, rounded to nearest: the atanh series.
const ATANH_Q64: [u64; 4] =
    [0x5555_5555_5555_5555, 0x3333_3333_3333_3333, 0x2492_4924_9249_2492, 0x1c71_c71c_71c7_1c72];
use crate::MathError;

/// Bit length above which an operand is shifted down first (keeps `32 a` and
/// `(32 + j) b 2^E` below 2^127).
const MAX_OPERAND_BITS: u32 = 120;

/// `ln(a / b) * 10^36`, for `a, b >= 1`.
///
/// Error: at most about `4 * 2^-64 * |2 atanh(w)|` from the series (below 3.5e-21
/// absolute, as `|2 atanh(w)| < 0.016`) plus 1e-36 for each table term; so within 1/64
/// of `a = b`, where the table terms vanish, the error is relative: `4 * 2^-64`.
///
/// # Errors
/// [`MathError::LnOfZero`] if `a` or `b` is zero.
pub(crate) fn ln_ratio_e36(a: u128, b: u128) -> Result<i128, MathError> {
    if a == 0 || b == 0 {
        return Err(MathError::LnOfZero);
    }
    // Keep both operands below 2^120: ln(a / b) = ln((a >> s) / b) + s ln 2 up to
    // ln(1 + (a mod 2^s) / (a - a mod 2^s)) < 2^-111, immaterial. (Shifting only the
    // large operand keeps the small one exact.)
    let (a, shift_a) = reduce_operand(a);
    let (b, shift_b) = reduce_operand(b);
    let shift = i128::from(shift_a) - i128::from(shift_b);
    // Estimate the ratio from the top bits: a = ma 2^ea and b = mb 2^eb with ma, mb in
    // [2^63, 2^64) (their Float forms); q = ma / (mb >> 10) is the mantissa ratio times 2^10,
    // to 10 bits, from one native division, which is all the choice of c needs.
    let (ma, ea) = Float::from_u128(a).parts();
    let (mb, eb) = Float::from_u128(b).parts();
    let q = ma / (mb >> 10); // in (2^9, 2^11)
    let (mant, mut big_e) = if q >= 1 << 10 { (q, ea - eb) } else { (q << 1, ea - eb - 1) };
    // j = round(32 (mant / 2^10 - 1)) in 0..=32; j = 32 is c = 2: move it to the next octave.
    let mut j = ((mant - (1 << 10)) + (1 << 4)) >> 5;
    if j == 32 {
        j = 0;
        big_e += 1;
    }
    // w = (32 a - (32 + j) b 2^E) / (32 a + (32 + j) b 2^E), both sides exact integers.
    // a, b < 2^120 and c b 2^E within a factor 2 of a bound every term below 2^127.
    let (lhs, rhs) = if big_e >= 0 {
        (a << 5, (b * (32 + u128::from(j))) << big_e)
    } else {
        ((a << 5) << (-big_e), b * (32 + u128::from(j)))
    };
    let diff = lhs as i128 - rhs as i128;
    let w = Float::from_i128(diff).div(Float::from_u128(lhs + rhs));
    // 2 atanh(w) = 2 w (1 + w^2/3 + w^4/5 + w^6/7 + w^8/9), |w| <= 1/127: the bracket is
    // within 2.1e-5 of 1, so it runs in 0.64 fixed point on z = w^2 (absolute error a few
    // 2^-64, relative to a value near 1) and only w itself needs a Float's relative precision.
    let (_, z) = w.mul(w).split_abs_saturating();
    let mut t = ATANH_Q64[3];
    for c in [ATANH_Q64[2], ATANH_Q64[1], ATANH_Q64[0]] {
        t = mul_hi(t, z) + c;
    }
    // 1 + z t as a Float: (2^64 + z t) 2^-64, kept in two words.
    let zt = mul_hi(z, t);
    let s = Float::from_words(false, 1, zt, -64);
    let atanh2 = w.mul(s).mul_pow2(1);
    // |2 atanh(w)| < 0.016: times 10^36 it fits an i128 with room.
    let series = atanh2.mul(E_36).round_to_i128().expect("ln_ratio_e36: series term fits");
    Ok((i128::from(big_e) + shift) * LN2_E36 + LN_TABLE_E36[j as usize] + series)
}

/// `(x >> s, s)` with `x >> s < 2^MAX_OPERAND_BITS`.
fn reduce_operand(x: u128) -> (u128, u32) {
    let bits = 128 - x.leading_zeros();
    let s = bits.saturating_sub(MAX_OPERAND_BITS);
    (x >> s, s)
}

/// `ln(x)` for an 18-decimal `x > 0`, as an 18-decimal value rounded to nearest.
///
/// - Domain: `1 <= x_wad <= u128::MAX` (1e-18 to 3.4e20); the result lies in
///   `[-41.45, 47.28]`.
/// - Monotone non-decreasing in `x` (measured on dense sweeps, see the tests).
/// - Error: 0.5 wei of final rounding plus below 4e-21 before it; measured maximum
///   0.5008 wei over 3,047 mpmath vectors across the whole domain.
///
/// ```
/// use mutual_risk::ln::ln_wad;
/// assert_eq!(ln_wad(1_000_000_000_000_000_000), Ok(0));
/// assert_eq!(ln_wad(2_000_000_000_000_000_000), Ok(693147180559945309)); // 0.693147180559945309417...
/// assert_eq!(ln_wad(500_000_000_000_000_000), Ok(-693147180559945309));
/// ```
///
/// # Errors
/// [`MathError::LnOfZero`] for `x == 0`.
pub fn ln_wad(x_wad: u128) -> Result<i128, MathError> {
    const E18: i128 = 1_000_000_000_000_000_000;
    let l = ln_ratio_e36(x_wad, 1_000_000_000_000_000_000)?;
    // 10^-36 units to 10^-18, rounded to nearest (ties away from zero).
    let half = if l < 0 { -E18 / 2 } else { E18 / 2 };
    Ok((l + half) / E18)
}

#[cfg(test)]
#[allow(
    clippy::cast_possible_truncation,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss,
    clippy::cast_precision_loss,
    reason = "test arithmetic on values whose ranges the test itself fixes"
)]
mod tests {
    use super::*;
    use crate::tests_common::{load_vectors, Worst};

    #[test]
    fn ln_wad_against_mpmath() {
        let mut worst = Worst::new("ln_wad");
        for v in load_vectors("ln.csv") {
            let got = ln_wad(v.x_u128).unwrap();
            worst.record(v.x, got, &v.expected);
        }
        worst.report();
        assert!(worst.max_abs <= 0.5 + 1e-3, "{worst:?}");
    }

    #[test]
    fn ln_of_zero_is_an_error() {
        assert_eq!(ln_wad(0), Err(MathError::LnOfZero));
        assert_eq!(ln_ratio_e36(0, 5), Err(MathError::LnOfZero));
        assert_eq!(ln_ratio_e36(5, 0), Err(MathError::LnOfZero));
    }

    #[test]
    fn ln_ratio_near_one_keeps_relative_precision() {
        // ln(1 + 1e-27) = 1e-27 - 5e-55: in 1e-36 units, exactly 1e9.
        let k = 10u128.pow(27);
        assert_eq!(ln_ratio_e36(k + 1, k), Ok(1_000_000_000));
        assert_eq!(ln_ratio_e36(k, k + 1), Ok(-1_000_000_000));
        assert_eq!(ln_ratio_e36(7, 7), Ok(0));
    }

    #[test]
    fn ln_ratio_is_antisymmetric() {
        for (a, b) in
            [(3u128, 7u128), (10u128.pow(30), 1), (12345678901234567890, 98765432109876543210)]
        {
            let x = ln_ratio_e36(a, b).unwrap();
            let y = ln_ratio_e36(b, a).unwrap();
            // Each side within 3.5e-21 of the truth (in 1e-36 units: 3.5e15).
            assert!((x + y).abs() <= 7_000_000_000_000_000, "{a}/{b}: {x} vs {y}");
        }
    }

    #[test]
    fn ln_wad_is_monotone_on_dense_steps() {
        let mut prev = i128::MIN;
        let mut x: u128 = 1;
        while x < u128::MAX / 3 {
            for dx in 0..4 {
                let v = ln_wad(x + dx).unwrap();
                assert!(v >= prev, "ln_wad not monotone at {}", x + dx);
                prev = v;
            }
            x = x + x / 97 + 5;
        }
    }
}
