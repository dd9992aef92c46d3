//! `Float`: a small binary floating-point number for intermediate results.
//!
//! Stylus rejects every wasm float opcode, and 18-decimal fixed point alone cannot keep
//! relative precision across the dynamic range Black-Scholes needs (a one-second `sqrt T`
//! is 1.8e-4, a deep out-of-the-money tail is 1e-30, a spot is 1e9). `Float` is the
//! integer-only answer: a 64-bit mantissa, a 32-bit exponent and a sign.
//!
//! Representation: `(-1)^neg * m * 2^e` with `m` in `[2^63, 2^64)`, or zero (`m == 0`,
//! `e == 0`, `neg == false`). There is no infinity, no NaN and no subnormal: the exponent
//! range (about ±2^31) is far beyond anything the pricing code produces, and the few
//! operations that could leave it (see each function) saturate or flush to zero.
//!
//! Rounding: every operation rounds its exact result to the nearest 64-bit mantissa
//! (ties away from zero), so its relative error is at most `2^-64` (5.4e-20), the unit
//! roundoff `u` quoted in the error analyses of the other modules; [`Float::div`] and
//! [`Float::sqrt`] are within one unit in the last place (`2^-63` relative).
//!
//! Arithmetic on wasm32: the mantissa product is a `u64 x u64 -> u128` multiplication;
//! division and square root use `u128` division once or a few times.
#![allow(
    clippy::cast_possible_truncation,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss,
    reason = "mantissa and exponent arithmetic: every narrowing cast is preceded by a range argument in a comment"
)]

use core::cmp::Ordering;

/// `2^63`: the smallest normalized mantissa.
const HIDDEN_BIT: u64 = 1 << 63;

/// Exponents below this flush to zero; above the mirror bound a result saturates.
/// (`2^30` leaves room to add two exponents without overflowing `i32`.)
const EXP_LIMIT: i32 = 1 << 30;

/// A binary floating-point value with a 64-bit mantissa. See the module docs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Float {
    neg: bool,
    m: u64,
    e: i32,
}

impl Float {
    /// Zero.
    pub(crate) const ZERO: Self = Self { neg: false, m: 0, e: 0 };
    /// One.
    pub(crate) const ONE: Self = Self { neg: false, m: HIDDEN_BIT, e: -63 };

    /// A constant from its normalized parts; `m` must have its top bit set.
    ///
    /// # Panics
    /// At compile time (every use is in a `const`) if `m` is not normalized.
    pub(crate) const fn from_parts(neg: bool, m: u64, e: i32) -> Self {
        assert!(m >= HIDDEN_BIT, "Float::from_parts: mantissa not normalized");
        Self { neg, m, e }
    }

    /// Rounds `x * 2^e` to the nearest `Float` with the given sign.
    fn round_u128(neg: bool, x: u128, e: i32) -> Self {
        if x == 0 {
            return Self::ZERO;
        }
        let lz = x.leading_zeros() as i32;
        if lz >= 64 {
            // The value fits 64 bits: shift left, exactly.
            let shift = lz - 64;
            return Self::finish(neg, (x << shift) as u64, e - shift);
        }
        // Keep the top 64 bits and round on the next bit (ties away from zero).
        let shift = 64 - lz;
        let rounded = (x >> shift) + ((x >> (shift - 1)) & 1);
        if rounded >> 64 == 0 {
            Self::finish(neg, rounded as u64, e + shift)
        } else {
            // Rounding carried into a 65th bit: the mantissa is exactly 2^64.
            Self::finish(neg, HIDDEN_BIT, e + shift + 1)
        }
    }

    /// Applies the exponent range: flush to zero below, saturate above.
    const fn finish(neg: bool, m: u64, e: i32) -> Self {
        if e < -EXP_LIMIT {
            Self::ZERO
        } else if e > EXP_LIMIT {
            Self { neg, m: u64::MAX, e: EXP_LIMIT }
        } else {
            Self { neg, m, e }
        }
    }

    /// `m * 2^e` for a normalized mantissa (top bit set), flushing to zero or saturating
    /// outside the exponent range.
    pub(crate) fn from_mantissa(m: u64, e: i64) -> Self {
        debug_assert!(m >= HIDDEN_BIT, "Float::from_mantissa: mantissa not normalized");
        let e = e.clamp(-2 * i64::from(EXP_LIMIT), 2 * i64::from(EXP_LIMIT)) as i32; // in range after the clamp
        Self::finish(false, m, e)
    }

    /// The mantissa and exponent of a non-negative value: `self = m * 2^e`.
    pub(crate) const fn parts(self) -> (u64, i32) {
        (self.m, self.e)
    }

    /// The nearest `Float` to an unsigned integer (exact below 2^64).
    pub(crate) fn from_u128(x: u128) -> Self {
        Self::round_u128(false, x, 0)
    }

    /// The nearest `Float` to a signed integer (exact below 2^64 in magnitude).
    pub(crate) fn from_i128(x: i128) -> Self {
        Self::round_u128(x < 0, x.unsigned_abs(), 0)
    }

    /// `true` for zero.
    pub(crate) const fn is_zero(self) -> bool {
        self.m == 0
    }

    /// `true` for values below zero.
    pub(crate) const fn is_negative(self) -> bool {
        self.neg
    }

    /// `-self`.
    pub(crate) const fn neg(self) -> Self {
        if self.m == 0 {
            self
        } else {
            Self { neg: !self.neg, m: self.m, e: self.e }
        }
    }

    /// `|self|`.
    pub(crate) const fn abs(self) -> Self {
        Self { neg: false, m: self.m, e: self.e }
    }

    /// `self * 2^k`, exact (unless the exponent range is left).
    pub(crate) const fn mul_pow2(self, k: i32) -> Self {
        if self.m == 0 {
            self
        } else {
            Self::finish(self.neg, self.m, self.e + k)
        }
    }

    /// `self * other`, rounded to nearest.
    pub(crate) fn mul(self, other: Self) -> Self {
        if self.m == 0 || other.m == 0 {
            return Self::ZERO;
        }
        let product = u128::from(self.m) * u128::from(other.m);
        Self::round_u128(self.neg != other.neg, product, self.e + other.e)
    }

    /// `self / other`, within one unit in the last place.
    ///
    /// # Panics
    /// If `other` is zero: every caller divides by a quantity it has proved positive.
    pub(crate) fn div(self, other: Self) -> Self {
        assert!(other.m != 0, "Float::div: division by zero");
        if self.m == 0 {
            return Self::ZERO;
        }
        // m_a * 2^64 / m_b lies in (2^63, 2^65): at least 64 significant bits.
        let num = u128::from(self.m) << 64;
        let den = u128::from(other.m);
        let mut q = num / den;
        if q >> 64 == 0 {
            // Exactly 64 bits: round on the remainder instead of a 65th bit.
            let r = num - q * den;
            if 2 * r >= den {
                q += 1;
            }
        }
        Self::round_u128(self.neg != other.neg, q, self.e - other.e - 64)
    }

    /// `self + other`, rounded to nearest.
    pub(crate) fn add(self, other: Self) -> Self {
        if other.m == 0 {
            return self;
        }
        if self.m == 0 {
            return other;
        }
        let (big, small) =
            if self.cmp_abs(other) == Ordering::Less { (other, self) } else { (self, other) };
        let shift = big.e - small.e; // >= 0 because |big| >= |small|
        if shift > 126 {
            // small < 2^-62 ulp(big): it cannot move the rounded result.
            return big;
        }
        // Both mantissas on a 2^-63 grid below the big one's exponent; the top bit of the
        // u128 stays free for the carry of an addition. Bits of `small` shifted out here
        // are below 2^-126 relative and do not change the nearest 64-bit result except
        // on an exact tie, where this rounds away from zero too.
        let a = u128::from(big.m) << 63;
        let b = (u128::from(small.m) << 63) >> shift;
        let sum = if big.neg == small.neg { a + b } else { a - b };
        Self::round_u128(big.neg, sum, big.e - 63)
    }

    /// `self - other`, rounded to nearest.
    pub(crate) fn sub(self, other: Self) -> Self {
        self.add(other.neg())
    }

    /// Compares magnitudes.
    pub(crate) fn cmp_abs(self, other: Self) -> Ordering {
        match (self.m == 0, other.m == 0) {
            (true, true) => Ordering::Equal,
            (true, false) => Ordering::Less,
            (false, true) => Ordering::Greater,
            (false, false) => self.e.cmp(&other.e).then(self.m.cmp(&other.m)),
        }
    }

    /// Compares values.
    pub(crate) fn cmp(self, other: Self) -> Ordering {
        match (self.neg, other.neg) {
            (false, true) => {
                if self.m == 0 && other.m == 0 {
                    Ordering::Equal
                } else {
                    Ordering::Greater
                }
            }
            (true, false) => Ordering::Less,
            (false, false) => self.cmp_abs(other),
            (true, true) => other.cmp_abs(self),
        }
    }

    /// `sqrt(|self|)`, within one unit in the last place (the sign is ignored).
    pub(crate) fn sqrt(self) -> Self {
        if self.m == 0 {
            return Self::ZERO;
        }
        // Make the exponent even so it halves exactly; the radicand then has 127 or 128
        // significant bits and its root exactly 64.
        let (radicand, e) = if self.e & 1 == 0 {
            (u128::from(self.m) << 64, self.e - 64)
        } else {
            (u128::from(self.m) << 63, self.e - 63)
        };
        let root = isqrt_u128(radicand);
        // Round to nearest: (root + 1/2)^2 = root^2 + root + 1/4.
        let rem = radicand - root * root;
        let root = if rem > root { root + 1 } else { root };
        Self::round_u128(false, root, e / 2)
    }

    /// Rounds `|self|` to the nearest integer (ties away from zero). `None` if
    /// `|self| >= 2^128`.
    pub(crate) fn round_abs_to_u128(self) -> Option<u128> {
        if self.m == 0 || self.e < -64 {
            // Zero, or |self| < 2^64 * 2^-65 = 1/2: rounds to zero.
            return Some(0);
        }
        if self.e > 64 {
            return None;
        }
        if self.e >= 0 {
            // m * 2^e < 2^(64 + e) <= 2^128.
            return Some(u128::from(self.m) << self.e);
        }
        let shift = -self.e; // 1..=64
        let x = u128::from(self.m);
        Some((x >> shift) + ((x >> (shift - 1)) & 1))
    }

    /// Rounds to the nearest integer (ties away from zero). `None` if `|self| >= 2^127`.
    pub(crate) fn round_to_i128(self) -> Option<i128> {
        let magnitude = i128::try_from(self.round_abs_to_u128()?).ok()?;
        Some(if self.neg { -magnitude } else { magnitude })
    }
}

/// `floor(sqrt(x))` for `x < 2^128`, by Newton's iteration from above.
fn isqrt_u128(x: u128) -> u128 {
    if x < 2 {
        return x;
    }
    // Start at a power of two no smaller than the root; Newton then decreases
    // monotonically to floor(sqrt(x)).
    let bits = 128 - x.leading_zeros();
    let mut r = 1u128 << bits.div_ceil(2);
    loop {
        let next = (r + x / r) >> 1;
        if next >= r {
            return r;
        }
        r = next;
    }
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
    use num_bigint::BigInt;
    use num_traits::{Signed, Zero};
    use proptest::prelude::*;

    /// The exact value of a `Float` as a rational `num / 2^k` with `k >= 0`.
    fn exact(f: Float) -> (BigInt, u32) {
        let m = BigInt::from(f.m) * if f.neg { -1 } else { 1 };
        if f.e >= 0 {
            (m << f.e as u32, 0)
        } else {
            (m, (-f.e) as u32)
        }
    }

    /// Relative error of `got` against the exact rational `num / 2^k`, as a multiple of
    /// 2^-64 (so 1.0 means one half unit in the last place).
    fn rel_err_units(got: Float, num: &BigInt, k: u32) -> f64 {
        let (g, gk) = exact(got);
        let kk = k.max(gk);
        let g = g << (kk - gk);
        let t = num.clone() << (kk - k);
        if t.is_zero() {
            return if g.is_zero() { 0.0 } else { f64::INFINITY };
        }
        let diff = (g - &t).abs() << 64u32;
        let q = diff / t.abs();
        q.to_string().parse::<f64>().unwrap()
    }

    fn arb_float() -> impl Strategy<Value = Float> {
        (any::<bool>(), HIDDEN_BIT..=u64::MAX, -200i32..200)
            .prop_map(|(n, m, e)| Float::from_parts(n, m, e))
    }

    #[test]
    fn constants_and_conversions() {
        assert_eq!(Float::from_u128(1), Float::ONE);
        assert_eq!(Float::from_u128(0), Float::ZERO);
        assert_eq!(Float::from_i128(-3).round_to_i128(), Some(-3));
        assert_eq!(Float::from_u128(u128::MAX).round_to_i128(), None);
        assert_eq!(Float::from_parts(false, HIDDEN_BIT, -64).round_to_i128(), Some(1)); // 0.5 -> 1
        assert_eq!(Float::from_parts(true, HIDDEN_BIT, -64).round_to_i128(), Some(-1));
        assert!(Float::from_i128(-1).is_negative());
        assert_eq!(
            Float::from_u128(7).sqrt().mul(Float::from_u128(7).sqrt()).round_to_i128(),
            Some(7)
        );
    }

    proptest! {
        #[test]
        fn mul_is_correctly_rounded(a in arb_float(), b in arb_float()) {
            let (na, ka) = exact(a);
            let (nb, kb) = exact(b);
            let err = rel_err_units(a.mul(b), &(na * nb), ka + kb);
            prop_assert!(err <= 1.0, "error {err} half-ulps");
        }

        #[test]
        fn div_within_one_ulp(a in arb_float(), b in arb_float()) {
            let q = a.div(b);
            // q * b against a, exactly: |q*b - a| / |a| <= 2^-63 (1 ulp) up to the rounding of b.
            let (nq, kq) = exact(q);
            let (nb, kb) = exact(b);
            let (na, ka) = exact(a);
            let lhs_k = kq + kb;
            let k = lhs_k.max(ka);
            let lhs = (nq * nb) << (k - lhs_k);
            let rhs = na << (k - ka);
            let diff = (lhs - &rhs).abs() << 64u32;
            let units = (diff / rhs.abs()).to_string().parse::<f64>().unwrap();
            prop_assert!(units <= 2.0, "error {units} half-ulps");
        }

        #[test]
        fn add_is_correctly_rounded(a in arb_float(), b in arb_float()) {
            let (na, ka) = exact(a);
            let (nb, kb) = exact(b);
            let k = ka.max(kb);
            let sum = (na << (k - ka)) + (nb << (k - kb));
            let got = a.add(b);
            if sum.is_zero() {
                prop_assert!(got.is_zero());
            } else {
                let err = rel_err_units(got, &sum, k);
                prop_assert!(err <= 1.0 + 1e-9, "error {err} half-ulps");
            }
        }

        #[test]
        fn sqrt_within_one_ulp(a in arb_float()) {
            let r = a.abs().sqrt();
            let (nr, kr) = exact(r);
            let (na, ka) = exact(a.abs());
            // |r^2 - a| / a <= 2 * 2^-64 * (1 + tiny)
            let k = (2 * kr).max(ka);
            let lhs = (&nr * &nr) << (k - 2 * kr);
            let rhs = na << (k - ka);
            let diff = (lhs - &rhs).abs() << 64u32;
            let units = (diff / rhs.abs()).to_string().parse::<f64>().unwrap();
            prop_assert!(units <= 2.0 + 1e-9, "error {units} half-ulps");
        }

        #[test]
        fn cmp_matches_exact_order(a in arb_float(), b in arb_float()) {
            let (na, ka) = exact(a);
            let (nb, kb) = exact(b);
            let k = ka.max(kb);
            prop_assert_eq!(a.cmp(b), (na << (k - ka)).cmp(&(nb << (k - kb))));
        }

        #[test]
        fn i128_round_trip(x in any::<i64>()) {
            prop_assert_eq!(Float::from_i128(i128::from(x)).round_to_i128(), Some(i128::from(x)));
        }
    }
}
