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
    clippy::inline_always,
    reason = "mantissa and exponent arithmetic: every narrowing cast is preceded by a range argument in a comment; `inline(always)` only where the gas report measured that a call costs more than the body"
)]

use core::cmp::Ordering;

/// `2^63`: the smallest normalized mantissa.
const HIDDEN_BIT: u64 = 1 << 63;

/// `sqrt(1/2) 2^64`, rounded up (`0xb504f333f9de6484.5...`).
const HALF_SQRT2: u64 = 0xb504_f333_f9de_6485;

/// `2^32 - 1`: the low half of a `u64`.
const LOW32: u64 = 0xffff_ffff;

/// Exponents stay within `±EXP_LIMIT`: [`Float::mul_pow2`] and [`Float::from_mantissa`]
/// flush to zero below and saturate above, and every other operation combines at most a
/// few operands, so no exponent sum can approach `i32`'s range. (Every value the pricing
/// code produces has `|e| < 2^21`: the exponential flushes below `e^-2^20`.)
const EXP_LIMIT: i32 = 1 << 24;

/// The 128-bit product of two `u64`s as `(high, low)` words, from four 32-bit partial
/// products: wasm32 has no 64x64->128 multiply, and a `u128` product would call the
/// `__multi3` helper (a call and about 40 instructions) instead of four `i64.mul`s.
#[inline(always)]
pub(crate) fn mul_wide(a: u64, b: u64) -> (u64, u64) {
    let (a1, a0) = (a >> 32, a & LOW32);
    let (b1, b0) = (b >> 32, b & LOW32);
    // `black_box` on one partial product keeps LLVM from recognising the pattern and
    // folding it back into one 128-bit multiplication, which wasm32 lowers to a call of
    // the `__multi3` helper (about three times the cost of these four `i64.mul`s, as the
    // gas report measured). It costs a stack store and load.
    let p00 = core::hint::black_box(a0 * b0);
    let p01 = a0 * b1;
    let p10 = a1 * b0;
    let p11 = a1 * b1;
    // Each term is below 2^32, so `mid` is below 3 * 2^32: no overflow.
    let mid = (p00 >> 32) + (p01 & LOW32) + (p10 & LOW32);
    let low = (mid << 32) | (p00 & LOW32);
    // The high word of a product of two u64s fits a u64.
    let high = p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
    (high, low)
}

/// [`mul_wide`] without the barrier, for [`Float::mul`]: compiled as its own function it
/// keeps the four `i64.mul`s (the wasm build is checked for `__multi3` calls by the gas
/// report's profile), and the barrier's stack traffic would cost more than the call saves.
#[inline(always)]
const fn mul_wide_plain(a: u64, b: u64) -> (u64, u64) {
    let (a1, a0) = (a >> 32, a & LOW32);
    let (b1, b0) = (b >> 32, b & LOW32);
    let p00 = a0 * b0;
    let p01 = a0 * b1;
    let p10 = a1 * b0;
    let p11 = a1 * b1;
    let mid = (p00 >> 32) + (p01 & LOW32) + (p10 & LOW32);
    ((p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32)), (mid << 32) | (p00 & LOW32))
}

/// `floor(a * b / 2^64)`. (The high word alone is not folded into `__multi3`: no barrier.)
#[inline(always)]
pub(crate) const fn mul_hi(a: u64, b: u64) -> u64 {
    mul_wide_plain(a, b).0
}

/// `floor((high * 2^64 + low) / d)` and the remainder, for `high < d` and `d >= 2^63`
/// (so the quotient fits 64 bits): schoolbook division in 32-bit digits with two native
/// `u64` divisions (Knuth's algorithm D as in Hacker's Delight's `divlu`), instead of
/// `u128` division's `__udivti3` helper.
#[inline(always)]
const fn div_wide(high: u64, low: u64, d: u64) -> (u64, u64) {
    debug_assert!(high < d && d >= HIDDEN_BIT);
    let (d1, d0) = (d >> 32, d & LOW32);
    let (n1, n0) = (low >> 32, low & LOW32);
    // First digit: estimate from the top two digits, correct at most twice.
    let mut q1 = high / d1;
    let mut rhat = high - q1 * d1;
    while q1 > LOW32 || q1 * d0 > ((rhat << 32) | n1) {
        q1 -= 1;
        rhat += d1;
        if rhat > LOW32 {
            break;
        }
    }
    let rem1 = ((high << 32) | n1).wrapping_sub(q1.wrapping_mul(d));
    // Second digit.
    let mut q0 = rem1 / d1;
    rhat = rem1 - q0 * d1;
    while q0 > LOW32 || q0 * d0 > ((rhat << 32) | n0) {
        q0 -= 1;
        rhat += d1;
        if rhat > LOW32 {
            break;
        }
    }
    let rem = ((rem1 << 32) | n0).wrapping_sub(q0.wrapping_mul(d));
    ((q1 << 32) | q0, rem)
}

/// A binary floating-point value with a 64-bit mantissa. See the module docs.
///
/// Two scalar fields, so the Rust ABI passes a `Float` argument as two wasm values rather
/// than through memory (measured: about 5,000 ink less per operation than a three-field
/// struct). The sign lives in the low bit of `se`: `se = 2 e + neg`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Float {
    m: u64,
    se: i32,
}

impl Float {
    /// From a sign, a mantissa and an exponent.
    #[inline(always)]
    const fn mk(neg: bool, m: u64, e: i32) -> Self {
        Self { m, se: (e << 1) | neg as i32 }
    }

    /// The exponent.
    #[inline(always)]
    const fn e(self) -> i32 {
        self.se >> 1
    }

    /// The sign bit.
    #[inline(always)]
    const fn neg(self) -> bool {
        self.se & 1 == 1
    }

    /// Zero.
    pub(crate) const ZERO: Self = Self::mk(false, 0, 0);
    /// One.
    pub(crate) const ONE: Self = Self::mk(false, HIDDEN_BIT, -63);

    /// A constant from its normalized parts; `m` must have its top bit set.
    ///
    /// # Panics
    /// At compile time (every use is in a `const`) if `m` is not normalized.
    pub(crate) const fn from_parts(neg: bool, m: u64, e: i32) -> Self {
        assert!(m >= HIDDEN_BIT, "Float::from_parts: mantissa not normalized");
        Self::mk(neg, m, e)
    }

    /// Rounds the 128-bit `high * 2^64 + low` times `2^e` to the nearest `Float` (ties
    /// away from zero). `high` may be anything, including zero.
    #[inline(always)]
    pub(crate) fn from_words(neg: bool, high: u64, low: u64, e: i32) -> Self {
        // Shift a zero high word out first (at most 64 significant bits are then exact).
        let (high, low, e) = if high == 0 { (low, 0, e - 64) } else { (high, low, e) };
        if high == 0 {
            return Self::ZERO;
        }
        let lz = high.leading_zeros();
        // (low >> 1) >> (63 - lz) is low >> (64 - lz) without the undefined shift by 64.
        let m = (high << lz) | ((low >> 1) >> (63 - lz));
        Self::round(neg, m, low << lz, e + 64 - lz as i32)
    }

    /// `m * 2^e` (with `m` normalized) plus the fraction `rest / 2^64` of its last place,
    /// rounded to nearest (ties away from zero).
    #[inline(always)]
    const fn round(neg: bool, m: u64, rest: u64, e: i32) -> Self {
        if rest < HIDDEN_BIT {
            Self::mk(neg, m, e)
        } else if m == u64::MAX {
            // Rounding carries out of the mantissa: 2^64 * 2^e.
            Self::mk(neg, HIDDEN_BIT, e + 1)
        } else {
            Self::mk(neg, m + 1, e)
        }
    }

    /// Applies the exponent range: flush to zero below, saturate above.
    const fn finish(neg: bool, m: u64, e: i32) -> Self {
        if e < -EXP_LIMIT {
            Self::ZERO
        } else if e > EXP_LIMIT {
            Self::mk(neg, u64::MAX, EXP_LIMIT)
        } else {
            Self::mk(neg, m, e)
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
        (self.m, self.e())
    }

    /// The nearest `Float` to an unsigned integer (exact below 2^64).
    pub(crate) fn from_u128(x: u128) -> Self {
        Self::from_words(false, (x >> 64) as u64, x as u64, 0)
    }

    /// The nearest `Float` to a signed integer (exact below 2^64 in magnitude).
    pub(crate) fn from_i128(x: i128) -> Self {
        let a = x.unsigned_abs();
        Self::from_words(x < 0, (a >> 64) as u64, a as u64, 0)
    }

    /// `true` for zero.
    pub(crate) const fn is_zero(self) -> bool {
        self.m == 0
    }

    /// `true` for values below zero.
    pub(crate) const fn is_negative(self) -> bool {
        self.neg()
    }

    /// `-self`.
    #[inline(always)]
    pub(crate) const fn negate(self) -> Self {
        if self.m == 0 {
            self
        } else {
            Self::mk(!self.neg(), self.m, self.e())
        }
    }

    /// `|self|`.
    #[inline(always)]
    pub(crate) const fn abs(self) -> Self {
        Self::mk(false, self.m, self.e())
    }

    /// `self * 2^k`, exact (unless the exponent range is left).
    pub(crate) const fn mul_pow2(self, k: i32) -> Self {
        if self.m == 0 {
            self
        } else {
            Self::finish(self.neg(), self.m, self.e() + k)
        }
    }

    /// `self * other`, rounded to nearest.
    pub(crate) fn mul(self, other: Self) -> Self {
        self.mul_inline(other)
    }

    #[inline(always)]
    fn mul_inline(self, other: Self) -> Self {
        // Branch-free: on Stylus every basic block costs a 2,450-ink header, more than the
        // arithmetic here. A zero operand gives a zero product and mantissa; its exponent is
        // then meaningless, which every reader of a zero mantissa ignores.
        let (high, low) = mul_wide_plain(self.m, other.m);
        // Mantissas of at least 2^63 make the product at least 2^126: the high word has its
        // top bit set or the one below it; `shift` moves the second case up one place.
        let shift = (!high >> 63) as u32;
        let m = (high << shift) | ((low >> 63) & u64::from(shift));
        let rest = low << shift;
        // Round to nearest on the top bit of `rest`; a carry out of the mantissa (only from
        // 2^64 - 1) leaves it 0 and is folded back as 2^63 with the exponent one up.
        let (rounded, carry) = m.overflowing_add(rest >> 63);
        let m = rounded | (u64::from(carry) << 63);
        let nonzero = m != 0;
        Self::mk(
            (self.neg() != other.neg()) & nonzero,
            m,
            (self.e() + other.e() + 64 - shift as i32 + i32::from(carry)) * i32::from(nonzero),
        )
    }

    /// `self / other`, rounded to nearest.
    ///
    /// # Panics
    /// If `other` is zero: every caller divides by a quantity it has proved positive.
    pub(crate) fn div(self, other: Self) -> Self {
        assert!(other.m != 0, "Float::div: division by zero");
        if self.m == 0 {
            return Self::ZERO;
        }
        let neg = self.neg() != other.neg();
        // Numerator m_a * 2^63 (if m_a >= m_b) or m_a * 2^64 (otherwise): either way its
        // high word is below m_b and the quotient lies in [2^63, 2^64).
        let (q, r, e) = if self.m >= other.m {
            let (q, r) = div_wide(self.m >> 1, self.m << 63, other.m);
            (q, r, self.e() - other.e() - 63)
        } else {
            let (q, r) = div_wide(self.m, 0, other.m);
            (q, r, self.e() - other.e() - 64)
        };
        // Round on the remainder: up when r >= m_b / 2 (r < m_b < 2^64, so compare r with
        // m_b - r to avoid doubling it).
        let rest = if r >= other.m - r { HIDDEN_BIT } else { 0 };
        Self::round(neg, q, rest, e)
    }

    /// `self + other`, rounded to nearest.
    pub(crate) fn add(self, other: Self) -> Self {
        self.add_inline(other)
    }

    #[inline(always)]
    fn add_inline(self, other: Self) -> Self {
        if other.m == 0 {
            return self;
        }
        if self.m == 0 {
            return other;
        }
        let (big, small) =
            if self.cmp_abs(other) == Ordering::Less { (other, self) } else { (self, other) };
        let shift = (big.e() - small.e()) as u32; // >= 0 because |big| >= |small|
        if shift > 65 {
            // |small| < ulp(big) / 4: it cannot move the rounded result.
            return big;
        }
        // small as a 128-bit (high, low) aligned on big's mantissa; bits shifted below
        // 2^-128 of big's last place are dropped (they could only decide an exact tie).
        let (sh, sl) = match shift {
            0 => (small.m, 0),
            1..=63 => (small.m >> shift, small.m << (64 - shift)),
            _ => (0, small.m >> (shift - 64)),
        };
        if big.neg() == small.neg() {
            let (high, carry) = big.m.overflowing_add(sh);
            if carry {
                // The sum reached 2^64: shift one place right, the lost bit into `rest`.
                let m = (high >> 1) | HIDDEN_BIT;
                let rest = (high << 63) | (sl >> 1);
                Self::round(big.neg(), m, rest, big.e() + 1)
            } else {
                Self::round(big.neg(), high, sl, big.e())
            }
        } else {
            // |big| >= |small|: the difference is non-negative.
            let low = sl.wrapping_neg();
            let high = big.m - sh - u64::from(sl != 0);
            Self::from_words(big.neg(), high, low, big.e() - 64)
        }
    }

    /// `self - other`, rounded to nearest.
    #[inline(always)]
    pub(crate) fn sub(self, other: Self) -> Self {
        self.add(other.negate())
    }

    /// Compares magnitudes.
    #[inline(always)]
    pub(crate) fn cmp_abs(self, other: Self) -> Ordering {
        match (self.m == 0, other.m == 0) {
            (true, true) => Ordering::Equal,
            (true, false) => Ordering::Less,
            (false, true) => Ordering::Greater,
            (false, false) => self.e().cmp(&other.e()).then(self.m.cmp(&other.m)),
        }
    }

    /// Compares values.
    pub(crate) fn cmp(self, other: Self) -> Ordering {
        match (self.neg(), other.neg()) {
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

    /// `sqrt(|self|)`, rounded to nearest (the sign is ignored).
    pub(crate) fn sqrt(self) -> Self {
        if self.m == 0 {
            return Self::ZERO;
        }
        // Radicand (high, 0) = m * 2^64 (e even) or m * 2^63 (e odd): its root has exactly
        // 64 bits, and the exponent halves exactly.
        let (high, low, e) = if self.e() & 1 == 0 {
            (self.m, 0, self.e() - 64)
        } else {
            (self.m >> 1, self.m << 63, self.e() - 63)
        };
        // Newton from above: from any start at or above the root the iterates decrease to
        // floor(sqrt). Each step divides the radicand by r (r > high keeps the quotient
        // below 2^64) and averages.
        // Seed on the tangent of sqrt at 1/2, which lies above the curve (sqrt is concave):
        // sqrt(y) <= (y + 1/2) / sqrt 2 for y = high / 2^64 in [1/4, 1), within 6%, so four
        // steps reach the root; the sum saturates at 2^64 - 1 near y = 1.
        // seed = (y + 1/2) sqrt(1/2) 2^64 (+2 covers the truncations and the low word, so
        // the seed is never below the root).
        let mut r = mul_hi(high, HALF_SQRT2).saturating_add((HALF_SQRT2 >> 1) + 2);
        loop {
            let (q, _) = div_wide(high, low, r);
            // (r + q) / 2 without overflow.
            let next = (r >> 1) + (q >> 1) + (r & q & 1);
            if next >= r {
                break;
            }
            r = next;
        }
        // Round to nearest: compare the radicand with (r + 1/2)^2 = r^2 + r + 1/4.
        let (sq_high, sq_low) = mul_wide(r, r);
        let (rem_low, borrow) = low.overflowing_sub(sq_low);
        let rem_high = high - sq_high - u64::from(borrow);
        let round_up = rem_high > 0 || rem_low > r;
        Self::round(false, r, if round_up { HIDDEN_BIT } else { 0 }, e / 2)
    }

    /// Rounds `|self|` to the nearest integer (ties away from zero). `None` if
    /// `|self| >= 2^128`.
    pub(crate) fn round_abs_to_u128(self) -> Option<u128> {
        if self.m == 0 || self.e() < -64 {
            // Zero, or |self| < 2^64 * 2^-65 = 1/2: rounds to zero.
            return Some(0);
        }
        if self.e() > 64 {
            return None;
        }
        if self.e() >= 0 {
            // m * 2^e < 2^(64 + e) <= 2^128, assembled from words (a variable u128 shift
            // would call a helper on wasm32).
            let e = self.e() as u32; // 0..=64
            let (high, low) = match e {
                0 => (0, self.m),
                64 => (self.m, 0),
                _ => (self.m >> (64 - e), self.m << e),
            };
            return Some((u128::from(high) << 64) | u128::from(low));
        }
        let shift = -self.e(); // 1..=64
        let x = if shift == 64 { 0 } else { self.m >> shift };
        let half = (self.m >> (shift - 1)) & 1;
        Some(u128::from(x) + u128::from(half))
    }

    /// Rounds to the nearest integer (ties away from zero). `None` if `|self| >= 2^127`.
    pub(crate) fn round_to_i128(self) -> Option<i128> {
        if self.e() > 63 {
            return None; // |self| >= 2^126 * 2 = 2^127
        }
        let magnitude = i128::try_from(self.round_abs_to_u128()?).ok()?;
        Some(if self.neg() { -magnitude } else { magnitude })
    }

    /// `|self|`, which must be below 1, as 0.128 fixed point `(high, low)`: the value is
    /// `high 2^-64 + low 2^-128`, truncated (exact when `e >= -128`). A value of 1 or more
    /// gives `(u64::MAX, u64::MAX)`.
    pub(crate) fn to_fraction_128(self) -> (u64, u64) {
        if self.m == 0 || self.e() <= -192 {
            return (0, 0);
        }
        if self.e() > -64 {
            return (u64::MAX, u64::MAX);
        }
        let s = (-64 - self.e()) as u32; // 0..=127
        match s {
            0 => (self.m, 0),
            1..=63 => (self.m >> s, self.m << (64 - s)),
            _ => (0, self.m >> (s - 64)),
        }
    }

    /// Splits `|self|` into `floor(|self|)` and the fraction as 0.64 fixed point
    /// (truncated): `|self| = int + frac / 2^64` to within `2^-64`. The integer part
    /// saturates at `u32::MAX` (then the fraction is meaningless).
    pub(crate) fn split_abs_saturating(self) -> (u32, u64) {
        if self.m == 0 || self.e() < -127 {
            (0, 0)
        } else if self.e() <= -64 {
            (0, self.m >> (-64 - self.e()))
        } else if self.e() < -32 {
            // -63 <= e < -32: integer part m >> -e (below 2^31), fraction m << (64 + e).
            ((self.m >> (-self.e())) as u32, self.m << (64 + self.e()))
        } else {
            (u32::MAX, 0)
        }
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
        let m = BigInt::from(f.m) * if f.neg() { -1 } else { 1 };
        if f.e() >= 0 {
            (m << f.e() as u32, 0)
        } else {
            (m, (-f.e()) as u32)
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
