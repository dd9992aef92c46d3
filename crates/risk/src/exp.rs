//! The exponential function.
//!
//! Method: `e^x = 2^k * e^(j/64) * e^s` with `k = floor(x / ln 2)`, the reduction
//! `r = x - k ln 2` done exactly in 2^-96 fixed point, a 45-entry table of `e^(j/64)` and
//! a degree-8 Taylor polynomial for `e^s - 1` on `0 <= s < 1/64` (truncation below 2e-22)
//! in 0.64 fixed point, where every term is positive: no cancellation anywhere.
//!
//! Monotone: within one table segment every step is a non-decreasing function of `s`, and
//! a unit test checks each of the 44 segment joints, so `exp_q96` is non-decreasing in
//! its argument; the joints between powers of two are monotone by construction.

#![allow(
    clippy::cast_possible_truncation,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss,
    clippy::many_single_char_names,
    reason = "fixed-point kernels: each narrowing cast carries its range argument in a comment; single-letter names follow the formulas"
)]

use crate::float::{mul_hi, mul_wide, Float};
use crate::tables::{
    EXP_TABLE_Q63, EXP_TAYLOR_Q64, E_18, LN2, LN2_HI, LN2_LO, LN2_Q64, LN2_Q96, LOG2_E,
};
use crate::MathError;

/// The largest `x` (18 decimals) for which [`exp_wad`] returns a value: `e^x * 1e18` must
/// fit a `u128`, and `ln((2^128 - 1) / 1e18) = 47.276...`.
pub const EXP_WAD_MAX_INPUT: i128 = 47_276_000_000_000_000_000;

/// Below this `x` (-42.14), [`exp_wad`] returns 0 without computing: `e^x < 0.5e-18`
/// already for every `x < ln(0.5e-18) = -42.1352...`.
pub const EXP_WAD_ZERO_BELOW: i128 = -42_140_000_000_000_000_000;

/// `5^18`: `10^18 = 2^18 5^18`.
const FIVE_POW_18: i128 = 3_814_697_265_625;

/// `|x|` at and above which [`exp_float`] flushes to zero (or saturates): `e^-2^20` is
/// `2^-1.5e6`, far below anything a caller can observe, and the bound keeps every
/// exponent downstream within the `Float` range.
const FLOAT_ARG_LIMIT: u64 = 1 << 20;

/// `e^r * 2^k` for `r = r64 / 2^64` in `[0, ln 2)`.
///
/// Error: below 2 units of 2^-64 relative (table entries 0.5, the Taylor evaluation in 0.64
/// fixed point 1, the final product rounded to nearest 0.5).
fn exp_reduced(k: i64, r64: u64) -> Float {
    debug_assert!(r64 < LN2_Q64 + 1, "exp_reduced: argument not reduced");
    let j = (r64 >> 58) as usize; // floor(64 r), at most 44 because r < ln 2
    let s = r64 & ((1u64 << 58) - 1); // s < 1/64
                                      // e^s - 1 = s + s^2 (1/2! + s (1/3! + ... + s/8!)), Horner in 0.64 fixed point.
    let mut p = EXP_TAYLOR_Q64[6];
    let mut i = 6;
    while i > 0 {
        i -= 1;
        p = mul_hi(p, s) + EXP_TAYLOR_Q64[i]; // p < 1/2 + 1/64, no overflow
    }
    let em1 = s + mul_hi(mul_hi(s, s), p);
    // e^r = e^(j/64) (1 + (e^s - 1)), in 1.63 fixed point; e^r < 2 keeps it below 2^64.
    let t = EXP_TABLE_Q63[j];
    let (high, low) = mul_wide(t, em1);
    let m = t + high + (low >> 63); // rounded to nearest
    Float::from_mantissa(m, k - 63)
}

/// `e^x` for `x = x_q96 / 2^96`, `|x| < 2^31`, with the reduction `x - k ln 2` done
/// exactly in 2^-96 fixed point (error below 2^-65 for every such `x`). Used where the
/// argument is an exact fixed-point number ([`exp_wad`]); it divides `i128`s, so hot paths
/// use [`exp_float`].
pub(crate) fn exp_q96(x_q96: i128) -> Float {
    debug_assert!(x_q96.unsigned_abs() < 1u128 << 127, "exp_q96: argument out of range");
    let k = x_q96.div_euclid(LN2_Q96);
    let r = x_q96 - k * LN2_Q96; // |k| < 2^32 so k * LN2_Q96 < 2^127; r in [0, ln 2)
                                 // r < ln 2 * 2^96 < 2^96, so r >> 32 fits 64 bits: r as 0.64 fixed point.
    exp_reduced(k as i64, (r >> 32) as u64)
}

/// `e^x` for a `Float` argument: zero for `x <= -2^20`, saturating for `x >= 2^20`.
///
/// The reduction is Cody and Waite's: `k = floor(x / ln 2)`, then
/// `r = (x - k LN2_HI) - k LN2_LO` where `k LN2_HI` is exact (32-bit halves), so `r`
/// carries an absolute error of about `2^-64 (|r| + 2^-32 |k|)`; the relative error of the
/// result is that plus [`exp_reduced`]'s. (The argument's own rounding, `2^-64 |x|`
/// absolute, is the caller's.)
pub(crate) fn exp_float(x: Float) -> Float {
    let (int, frac) = x.mul(LOG2_E).split_abs_saturating();
    if u64::from(int) >= FLOAT_ARG_LIMIT {
        return if x.is_negative() {
            Float::ZERO
        } else {
            Float::from_mantissa(u64::MAX, i64::from(EXP_SATURATE))
        };
    }
    // k = floor(x / ln 2) from |x / ln 2| = int + frac.
    let mut k =
        if x.is_negative() { -i64::from(int) - i64::from(frac != 0) } else { i64::from(int) };
    let kf = Float::from_i128(i128::from(k));
    let r = x.sub(kf.mul(LN2_HI)).sub(kf.mul(LN2_LO));
    // Rounding in the estimate of k can leave r a hair outside [0, ln 2): step k once.
    let (_, mut r64) = if r.is_negative() {
        k -= 1;
        r.add(LN2).split_abs_saturating()
    } else {
        r.split_abs_saturating()
    };
    if r64 >= LN2_Q64 {
        k += 1;
        r64 -= LN2_Q64;
    }
    exp_reduced(k, r64)
}

/// Exponent a saturated [`exp_float`] result gets (about `2^(2^20)`).
const EXP_SATURATE: i32 = 1 << 20;

/// `e^x` for an 18-decimal `x`, as an 18-decimal value rounded to nearest.
///
/// - Domain: `x <= EXP_WAD_MAX_INPUT` (47.276); below `EXP_WAD_ZERO_BELOW` (-42) the
///   result is 0, as it is whenever `e^x < 0.5e-18`.
/// - Monotone non-decreasing in `x`.
/// - Error: 0.5 wei of final rounding plus a relative error below 3e-19 before it;
///   measured maximum 2.0e-19 relative over 3,094 mpmath vectors across the domain.
///
/// ```
/// use mutual_risk::exp::exp_wad;
/// assert_eq!(exp_wad(0), Ok(1_000_000_000_000_000_000));
/// assert_eq!(exp_wad(1_000_000_000_000_000_000), Ok(2_718281828459045235)); // e = 2.718281828459045235360...
/// assert_eq!(exp_wad(-1_000_000_000_000_000_000), Ok(367879441171442322)); // 1/e = 0.367879441171442321595...
/// ```
///
/// # Errors
/// [`MathError::Overflow`] if `x > EXP_WAD_MAX_INPUT`.
pub fn exp_wad(x_wad: i128) -> Result<u128, MathError> {
    if x_wad > EXP_WAD_MAX_INPUT {
        return Err(MathError::Overflow);
    }
    if x_wad < EXP_WAD_ZERO_BELOW {
        return Ok(0);
    }
    // x * 2^96 / 10^18 = (x * 2^60 / 5^18) * 2^18: |x| < 2^66 keeps x * 2^60 below 2^127,
    // and the truncation costs at most 2^-78 absolute.
    let x_q96 = ((x_wad << 60) / FIVE_POW_18) << 18;
    exp_q96(x_q96).mul(E_18).round_abs_to_u128().ok_or(MathError::Overflow)
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
    fn table_joints_are_monotone() {
        // The top of segment j (s = 2^58 - 1) must not exceed the start of segment j + 1.
        for j in 0..44u128 {
            let top = ((j + 1) << 58) - 1; // r64 at the top of segment j
            let below = exp_q96((top as i128) << 32 | ((1 << 32) - 1));
            let at = exp_q96(((j + 1) as i128) << 90);
            assert!(below.cmp(at).is_le(), "joint {j}: {below:?} > {at:?}");
        }
    }

    #[test]
    fn exp_wad_edges() {
        assert_eq!(exp_wad(EXP_WAD_MAX_INPUT + 1), Err(MathError::Overflow));
        assert!(exp_wad(EXP_WAD_MAX_INPUT).is_ok());
        assert_eq!(exp_wad(EXP_WAD_ZERO_BELOW - 1), Ok(0));
        assert_eq!(exp_wad(EXP_WAD_ZERO_BELOW), Ok(0)); // e^-42.14 = 4.98e-19 rounds to 0
        assert_eq!(exp_wad(-42_130_000_000_000_000_000), Ok(1)); // e^-42.13 = 5.03e-19 rounds to 1
        assert_eq!(exp_wad(-42_000_000_000_000_000_000), Ok(1)); // e^-42 = 5.75e-19
        assert_eq!(exp_wad(i128::MIN), Ok(0));
    }

    #[test]
    fn exp_wad_against_mpmath() {
        let mut worst = Worst::new("exp_wad");
        for v in load_vectors("exp.csv") {
            let got = exp_wad(v.x).unwrap();
            worst.record(v.x, got, &v.expected);
        }
        worst.report();
        assert!(worst.max_rel <= 3e-19, "{worst:?}");
    }

    #[test]
    fn exp_wad_is_monotone_on_dense_steps() {
        let mut x = EXP_WAD_ZERO_BELOW;
        let step = 7_919_000_000_000_001; // a prime-ish stride through the domain
        let mut prev = 0;
        while x < EXP_WAD_MAX_INPUT {
            for dx in 0..4 {
                let v = exp_wad(x + dx).unwrap();
                assert!(v >= prev, "exp_wad not monotone at {}", x + dx);
                prev = v;
            }
            x += step;
        }
    }
}
