//! The standard normal distribution: density `phi` and distribution function `N`.
//!
//! Method: the upper tail is `Q(x) = 1 - N(x) = phi(x) M(x)` for `x >= 0`, where `M` is
//! the Mills ratio. On `[0, 13]`, `M` is a (12, 12) near-minimax rational function of
//! `v = x / 13` fitted by `scripts/reference/gen_tables.py` (relative error 2.8e-21);
//! every coefficient is positive, so Horner's rule has no cancellation, and both
//! polynomials run in 2^-100 fixed point without a branch. Beyond 13, the asymptotic series to `945 / x^10` (relative error
//! below 5e-10, on values below 6.2e-39). Computing the tail as a product keeps *relative*
//! precision far out in it, which the greeks of deep out-of-the-money options need;
//! `N(x)` for `x >= 0` is then `1 - Q(x)`.
//!
//! Monotonicity: `phi` on `x >= 0` is a composition of monotone rounded operations and the
//! monotone `exp`; `Q`'s relative error (below 2.5e-19) is under half its relative change
//! per 1e-18 step of `x` (`1e-18 / M(x) >= 0.79e-18`), so `N` evaluated on 18-decimal
//! inputs is non-decreasing. The tests sweep it in 1-wei steps.

#![allow(
    clippy::cast_possible_truncation,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss,
    clippy::many_single_char_names,
    clippy::inline_always,
    reason = "fixed-point kernels: each narrowing cast carries its range argument in a comment; single-letter names follow the formulas; `inline(always)` where the gas report measured it pays"
)]

use crate::exp::exp_float;
use crate::float::Float;
use crate::tables::{
    E_18, E_M18, INV_SQRT_2PI, MILLS_FRAC_BITS, MILLS_INV_X_MAX, MILLS_P_FIX, MILLS_Q_FIX,
    MILLS_X_MAX,
};

/// `phi(x) = e^(-x^2/2) / sqrt(2 pi)`. Relative error below 3e-19 + 2^-64 x^2.
pub(crate) fn pdf(x: Float) -> Float {
    exp_float(x.mul(x).mul_pow2(-1).negate()).mul(INV_SQRT_2PI)
}

/// The Mills ratio `M(x) = Q(x) / phi(x)` for `x >= 0` (the sign of `x` is ignored).
fn mills(x: Float) -> Float {
    let x = x.abs();
    if x.cmp(MILLS_X_MAX).is_le() {
        // v = x / 13 in [0, 1] as 0.128 fixed point (v_high + v_low 2^-64), exact from the
        // Float product: its relative precision carries over, which the small v near x = 0
        // need (0.64 fixed point alone would cost 7e-19 in x).
        let (v_high, v_low) = x.mul(MILLS_INV_X_MAX).to_fraction_128();
        let v = [v_low & 0xffff_ffff, v_low >> 32, v_high & 0xffff_ffff, v_high >> 32];
        // Both polynomials by Horner's rule in 2^-100 fixed point, branch-free: every
        // coefficient and every partial sum is positive and below 2^24, so nothing cancels
        // and the truncation of each step (2^-99) is far below the fit's 2.8e-21.
        let last = MILLS_P_FIX.len() - 1;
        let (mut p, mut q) = (split(MILLS_P_FIX[last]), split(MILLS_Q_FIX[last]));
        for (&pc, &qc) in MILLS_P_FIX[..last].iter().zip(&MILLS_Q_FIX[..last]).rev() {
            p = add_words(mul_v(p, v), split(pc));
            q = add_words(mul_v(q, v), split(qc));
        }
        let frac_bits = -(MILLS_FRAC_BITS as i32);
        let p = Float::from_words(false, p.0, p.1, frac_bits);
        let q = Float::from_words(false, q.0, q.1, frac_bits);
        p.div(q)
    } else {
        // (1/x)(1 - t + 3t^2 - 15t^3 + 105t^4 - 945t^5), t = 1/x^2.
        let inv = Float::ONE.div(x);
        let t = inv.mul(inv);
        let mut s = Float::ONE;
        for k in [9u128, 7, 5, 3, 1] {
            s = Float::ONE.sub(Float::from_u128(k).mul(t).mul(s));
        }
        inv.mul(s)
    }
}

/// A `u128` as `(high, low)` words. The Horner sums stay in word pairs: combined into a
/// `u128`, LLVM would turn the 64x64 partial products back into a 128-bit multiplication,
/// which wasm32 runs through the `__multi3` helper.
#[inline(always)]
const fn split(x: u128) -> (u64, u64) {
    ((x >> 64) as u64, x as u64)
}

/// `a + b` on word pairs (the sums here stay below 2^124: no carry out).
#[inline(always)]
const fn add_words(a: (u64, u64), b: (u64, u64)) -> (u64, u64) {
    let (low, carry) = a.1.overflowing_add(b.1);
    (a.0 + b.0 + carry as u64, low)
}

/// `s * v` for a fixed-point `s` (word pair, below 2^127) and `v = v_high 2^-64 +
/// v_low 2^-128` in `[0, 1)`, truncated, by schoolbook multiplication in 32-bit limbs.
/// Only the columns from 2^96 up are formed (10 of the 16 partial products); the dropped
/// ones and the truncation cost below 4 units of `s`'s last place (2^-98, against the
/// fit's 2.8e-21). Written in limbs rather than 64x64 products: LLVM folds the latter back
/// into 128-bit multiplications, which wasm32 runs through the `__multi3` helper.
#[inline(always)]
fn mul_v(s: (u64, u64), v: [u64; 4]) -> (u64, u64) {
    const M: u64 = 0xffff_ffff;
    let a = [s.1 & M, s.1 >> 32, s.0 & M, s.0 >> 32];
    // Column k collects a[i] v[j] with i + j = k: the low halves at k, the high halves at
    // k + 1. Sums of at most eight 32-bit halves fit a u64.
    let p = |i: usize, j: usize| a[i] * v[j];
    let (p03, p12, p21, p30) = (p(0, 3), p(1, 2), p(2, 1), p(3, 0));
    let (p13, p22, p31) = (p(1, 3), p(2, 2), p(3, 1));
    let (p23, p32) = (p(2, 3), p(3, 2));
    let p33 = p(3, 3);
    let c3 = (p03 & M) + (p12 & M) + (p21 & M) + (p30 & M);
    let c4 = (p03 >> 32)
        + (p12 >> 32)
        + (p21 >> 32)
        + (p30 >> 32)
        + (p13 & M)
        + (p22 & M)
        + (p31 & M)
        + (c3 >> 32);
    let c5 = (p13 >> 32) + (p22 >> 32) + (p31 >> 32) + (p23 & M) + (p32 & M) + (c4 >> 32);
    let c6 = (p23 >> 32) + (p32 >> 32) + (p33 & M) + (c5 >> 32);
    let c7 = (p33 >> 32) + (c6 >> 32);
    (((c7 & M) << 32) | (c6 & M), ((c5 & M) << 32) | (c4 & M))
}

/// The upper tail `Q(|x|) = P(Z > |x|)`, with relative precision (below 2.5e-19 for
/// `|x| <= 13`; beyond, below 5e-10 on values under 6.2e-39).
pub(crate) fn upper_tail(x: Float) -> Float {
    let x = x.abs();
    tail_from_pdf(x, pdf(x))
}

/// The upper tail `Q(|x|)` from a density `phi(x)` the caller already has (Black-Scholes
/// gets `phi(d2)` from `phi(d1)` without a second exponential).
pub(crate) fn tail_from_pdf(x: Float, phi: Float) -> Float {
    phi.mul(mills(x))
}

/// The standard normal density `phi(x)` at an 18-decimal `x`, 18 decimals, rounded to
/// nearest.
///
/// - Domain: every `i128`; the result is 0 for `|x| > 9.1`, where `phi < 0.5e-18`.
/// - Even, and non-increasing in `|x|`.
/// - Error: 0.5 wei of final rounding plus a relative error below 1.2e-19 before it;
///   measured maximum 0.54 wei over 3,083 mpmath vectors on `[-10, 10]`.
///
/// ```
/// use mutual_risk::normal::pdf_wad;
/// assert_eq!(pdf_wad(0), 398942280401432678); // 1/sqrt(2 pi) = 0.398942280401432677939...
/// assert_eq!(pdf_wad(1_000_000_000_000_000_000), 241970724519143350); // 0.241970724519143349797...
/// ```
#[must_use]
pub fn pdf_wad(x_wad: i128) -> u128 {
    let x = Float::from_i128(x_wad).mul(E_M18);
    to_wad(pdf(x))
}

/// The standard normal distribution function `N(x)` at an 18-decimal `x`, 18 decimals,
/// rounded to nearest.
///
/// - Domain: every `i128`; the result is 0 below `x = -8.7` and `1e18` above `8.7`, where
///   the tail is under 0.5e-18.
/// - Non-decreasing in `x`; `cdf_wad(x) + cdf_wad(-x) = 1e18` to within 1 wei.
/// - Error: 0.5 wei of final rounding plus below 6e-20 before it (1.2e-19 relative on
///   the tail); measured maximum 0.56 wei over 3,083 mpmath vectors on `[-10, 10]`.
///
/// ```
/// use mutual_risk::normal::cdf_wad;
/// assert_eq!(cdf_wad(0), 500000000000000000);
/// assert_eq!(cdf_wad(1_000_000_000_000_000_000), 841344746068542949); // 0.841344746068542948585...
/// assert_eq!(cdf_wad(-1_000_000_000_000_000_000), 158655253931457051); // 0.158655253931457051414...
/// ```
#[must_use]
pub fn cdf_wad(x_wad: i128) -> u128 {
    let x = Float::from_i128(x_wad).mul(E_M18);
    let tail = to_wad(upper_tail(x));
    if x_wad < 0 {
        tail
    } else {
        1_000_000_000_000_000_000 - tail
    }
}

/// A value in `[0, 1]` to 18 decimals, rounded to nearest.
fn to_wad(v: Float) -> u128 {
    // 0 <= v <= 1, so v * 1e18 rounds to at most 1e18.
    v.mul(E_18).round_to_i128().expect("normal::to_wad: value in [0, 1]") as u128
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
    fn cdf_against_mpmath() {
        let mut worst = Worst::new("cdf_wad");
        for v in load_vectors("cdf.csv") {
            worst.record(v.x, cdf_wad(v.x), &v.expected);
        }
        worst.report();
        assert!(worst.max_abs <= 0.5 + 0.1, "{worst:?}");
        assert!(worst.max_rel <= 2e-19, "{worst:?}");
    }

    #[test]
    fn pdf_against_mpmath() {
        let mut worst = Worst::new("pdf_wad");
        for v in load_vectors("pdf.csv") {
            worst.record(v.x, pdf_wad(v.x), &v.expected);
        }
        worst.report();
        assert!(worst.max_abs <= 0.5 + 0.1, "{worst:?}");
        assert!(worst.max_rel <= 2e-19, "{worst:?}");
    }

    #[test]
    fn upper_tail_relative_precision() {
        // Relative error of the tail itself, the quantity the greeks rely on. Beyond the
        // evaluation's own error, an argument known to relative precision 2u moves the
        // tail by 2u x^2 relative (d ln Q / dx ~ -x): the bound allows for it.
        let mut worst = Worst::new("upper_tail (relative, minus the 2u x^2 term)");
        for v in load_vectors("tail.csv") {
            let x = Float::from_i128(v.x).mul(E_M18);
            let got = upper_tail(x);
            let xf = v.x as f64 / 1e18;
            let allowance = 1.2e-19 * xf * xf;
            let rel = crate::tests_common::float_rel_err(got, &v.expected_float);
            worst.record_value(v.x, (rel - allowance).max(0.0));
        }
        worst.report();
        assert!(worst.max_rel <= 2.5e-19, "{worst:?}");
    }

    #[test]
    fn cdf_is_monotone_in_one_wei_steps() {
        // Every 1e-4 across [-9, 9], 64 consecutive 1-wei steps.
        let mut x: i128 = -9_000_000_000_000_000_000;
        while x < 9_000_000_000_000_000_000 {
            let mut prev = cdf_wad(x);
            for dx in 1..64 {
                let v = cdf_wad(x + dx);
                assert!(v >= prev, "cdf_wad decreases at {}", x + dx);
                prev = v;
            }
            x += 100_000_000_000_003;
        }
    }

    #[test]
    fn cdf_symmetry_and_saturation() {
        for x in [
            0i128,
            1,
            12345,
            10i128.pow(17),
            10i128.pow(18),
            3 * 10i128.pow(18),
            8 * 10i128.pow(18),
        ] {
            let s = cdf_wad(x) + cdf_wad(-x);
            assert!(s.abs_diff(10u128.pow(18)) <= 1, "{x}: {s}");
        }
        assert_eq!(cdf_wad(i128::MIN), 0);
        assert_eq!(cdf_wad(i128::MAX), 10u128.pow(18));
        assert_eq!(pdf_wad(i128::MAX), 0);
        assert_eq!(cdf_wad(-9 * 10i128.pow(18)), 0);
    }
}
