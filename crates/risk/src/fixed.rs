//! Fixed point: 18-decimal (WAD) arithmetic on `U256` and `I256` with a 512-bit
//! intermediate product, the rounding direction in every name.
//!
//! `down` rounds toward negative infinity and `up` toward positive infinity, for signed
//! values too (so `up - down` is 0 when the division is exact and 1 otherwise, whatever
//! the signs). Every function returns [`MathError::Overflow`] when the exact rounded
//! result does not fit the return type and [`MathError::DivisionByZero`] for a zero
//! denominator; none panics.
//!
//! ```
//! use mutual_risk::fixed::{mul_div_down, mul_div_up};
//! use alloy_primitives::U256;
//! let (a, b, d) = (U256::from(7), U256::from(3), U256::from(2));
//! assert_eq!(mul_div_down(a, b, d), Ok(U256::from(10))); // 21 / 2 = 10.5
//! assert_eq!(mul_div_up(a, b, d), Ok(U256::from(11)));
//! ```

use alloy_primitives::{I256, U256, U512};

use crate::MathError;

/// One in 18-decimal fixed point: `10^18`.
pub const WAD: U256 = U256::from_limbs([1_000_000_000_000_000_000, 0, 0, 0]);

/// One in 18-decimal fixed point as a `u128`.
pub const WAD_U128: u128 = 1_000_000_000_000_000_000;

/// `a * b / d` rounded down (toward zero), exact: the product is kept in 512 bits.
///
/// # Errors
/// [`MathError::DivisionByZero`] if `d == 0`; [`MathError::Overflow`] if the quotient
/// does not fit 256 bits.
pub fn mul_div_down(a: U256, b: U256, d: U256) -> Result<U256, MathError> {
    mul_div_rem(a, b, d).map(|(q, _)| q)
}

/// `a * b / d` rounded up (away from zero), exact.
///
/// # Errors
/// As [`mul_div_down`].
pub fn mul_div_up(a: U256, b: U256, d: U256) -> Result<U256, MathError> {
    let (q, rem_is_zero) = mul_div_rem(a, b, d)?;
    if rem_is_zero {
        Ok(q)
    } else {
        q.checked_add(U256::from(1)).ok_or(MathError::Overflow)
    }
}

/// The quotient of `a * b / d` and whether the division was exact.
fn mul_div_rem(a: U256, b: U256, d: U256) -> Result<(U256, bool), MathError> {
    if d.is_zero() {
        return Err(MathError::DivisionByZero);
    }
    let product: U512 = a.widening_mul(b);
    let (quotient, remainder) = product.div_rem(U512::from(d));
    let limbs = quotient.as_limbs();
    if limbs[4..].iter().any(|&limb| limb != 0) {
        return Err(MathError::Overflow);
    }
    Ok((U256::from_limbs([limbs[0], limbs[1], limbs[2], limbs[3]]), remainder.is_zero()))
}

/// `a * b / WAD` rounded down: the product of two 18-decimal values.
///
/// # Errors
/// [`MathError::Overflow`] if the result does not fit.
pub fn mul_wad_down(a: U256, b: U256) -> Result<U256, MathError> {
    mul_div_down(a, b, WAD)
}

/// `a * b / WAD` rounded up.
///
/// # Errors
/// [`MathError::Overflow`] if the result does not fit.
pub fn mul_wad_up(a: U256, b: U256) -> Result<U256, MathError> {
    mul_div_up(a, b, WAD)
}

/// `a * WAD / b` rounded down: the quotient of two 18-decimal values.
///
/// # Errors
/// [`MathError::DivisionByZero`] if `b == 0`; [`MathError::Overflow`] if it does not fit.
pub fn div_wad_down(a: U256, b: U256) -> Result<U256, MathError> {
    mul_div_down(a, WAD, b)
}

/// `a * WAD / b` rounded up.
///
/// # Errors
/// As [`div_wad_down`].
pub fn div_wad_up(a: U256, b: U256) -> Result<U256, MathError> {
    mul_div_up(a, WAD, b)
}

/// Signed `a * b / d` rounded down (toward negative infinity), exact.
///
/// # Errors
/// [`MathError::DivisionByZero`] if `d == 0`; [`MathError::Overflow`] if the result does
/// not fit `I256`.
pub fn mul_div_down_signed(a: I256, b: I256, d: I256) -> Result<I256, MathError> {
    mul_div_signed(a, b, d, false)
}

/// Signed `a * b / d` rounded up (toward positive infinity), exact.
///
/// # Errors
/// As [`mul_div_down_signed`].
pub fn mul_div_up_signed(a: I256, b: I256, d: I256) -> Result<I256, MathError> {
    mul_div_signed(a, b, d, true)
}

/// Signed `a * b / WAD` rounded down (toward negative infinity).
///
/// # Errors
/// [`MathError::Overflow`] if the result does not fit.
pub fn mul_wad_down_signed(a: I256, b: I256) -> Result<I256, MathError> {
    mul_div_signed(a, b, I256::from_raw(WAD), false)
}

/// Signed `a * b / WAD` rounded up (toward positive infinity).
///
/// # Errors
/// [`MathError::Overflow`] if the result does not fit.
pub fn mul_wad_up_signed(a: I256, b: I256) -> Result<I256, MathError> {
    mul_div_signed(a, b, I256::from_raw(WAD), true)
}

fn mul_div_signed(a: I256, b: I256, d: I256, up: bool) -> Result<I256, MathError> {
    // Sign of the exact quotient: negative when exactly one of a*b and d is.
    let negative = a.is_negative() != b.is_negative() && !a.is_zero() && !b.is_zero();
    let negative = negative != d.is_negative();
    let (q, exact) = mul_div_rem(a.unsigned_abs(), b.unsigned_abs(), d.unsigned_abs())?;
    // The magnitude rounds toward zero; move it one step the way the name says.
    let away_from_zero = !exact && (up != negative);
    let q =
        if away_from_zero { q.checked_add(U256::from(1)).ok_or(MathError::Overflow)? } else { q };
    if negative {
        // -2^255 is the one magnitude above I256::MAX that still fits.
        if q > I256::MIN.unsigned_abs() {
            return Err(MathError::Overflow);
        }
        Ok(I256::from_raw(q.wrapping_neg()))
    } else {
        I256::try_from(q).map_err(|_| MathError::Overflow)
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
    use num_integer::Integer;
    use proptest::prelude::*;

    fn big(x: U256) -> BigInt {
        BigInt::from_bytes_be(num_bigint::Sign::Plus, &x.to_be_bytes::<32>())
    }
    fn big_i(x: I256) -> BigInt {
        let m = big(x.unsigned_abs());
        if x.is_negative() {
            -m
        } else {
            m
        }
    }
    fn arb_u256() -> impl Strategy<Value = U256> {
        // Mix full-width values with small ones so both overflow and exact paths show up.
        prop_oneof![
            any::<[u64; 4]>().prop_map(U256::from_limbs),
            any::<u128>().prop_map(U256::from),
            (0u64..1000).prop_map(U256::from),
        ]
    }
    fn arb_i256() -> impl Strategy<Value = I256> {
        (arb_u256(), any::<bool>()).prop_map(|(m, n)| {
            let v = I256::from_raw(m >> 1); // |v| < 2^255
            if n {
                -v
            } else {
                v
            }
        })
    }
    fn to_u256(x: &BigInt) -> Option<U256> {
        if x.sign() == num_bigint::Sign::Minus || x.bits() > 256 {
            return None;
        }
        let (_, bytes) = x.to_bytes_be();
        Some(U256::from_be_slice(&bytes))
    }
    fn to_i256(x: &BigInt) -> Option<I256> {
        let lim = BigInt::from(1) << 255;
        if x >= &lim || x < &-lim {
            return None;
        }
        let m = to_u256(&if x.sign() == num_bigint::Sign::Minus { -x.clone() } else { x.clone() })?;
        Some(if x.sign() == num_bigint::Sign::Minus {
            I256::from_raw(m.wrapping_neg())
        } else {
            I256::from_raw(m)
        })
    }

    #[test]
    fn examples() {
        let w = WAD;
        assert_eq!(
            mul_wad_down(w * U256::from(3), w / U256::from(2)),
            Ok(w * U256::from(3) / U256::from(2))
        );
        assert_eq!(
            div_wad_up(U256::from(1), U256::from(3)),
            Ok(U256::from(333_333_333_333_333_334u64))
        );
        assert_eq!(
            div_wad_down(U256::from(1), U256::from(3)),
            Ok(U256::from(333_333_333_333_333_333u64))
        );
        assert_eq!(mul_div_down(U256::MAX, U256::MAX, U256::MAX), Ok(U256::MAX));
        assert_eq!(mul_div_down(U256::MAX, U256::from(2), U256::from(1)), Err(MathError::Overflow));
        assert_eq!(
            mul_div_up(U256::from(1), U256::from(1), U256::ZERO),
            Err(MathError::DivisionByZero)
        );
        // -7 * 3 / 2 = -10.5: down -11, up -10.
        let (a, b, d) =
            (I256::try_from(-7).unwrap(), I256::try_from(3).unwrap(), I256::try_from(2).unwrap());
        assert_eq!(mul_div_down_signed(a, b, d), Ok(I256::try_from(-11).unwrap()));
        assert_eq!(mul_div_up_signed(a, b, d), Ok(I256::try_from(-10).unwrap()));
        // I256::MIN = -2^255 fits; +2^255 does not.
        let two = I256::try_from(2).unwrap();
        let half_min = I256::MIN / two;
        assert_eq!(mul_div_down_signed(half_min, two, I256::ONE), Ok(I256::MIN));
        assert_eq!(mul_div_down_signed(-half_min, two, I256::ONE), Err(MathError::Overflow));
    }

    proptest! {
        #[test]
        fn unsigned_matches_exact(a in arb_u256(), b in arb_u256(), d in arb_u256()) {
            let down = mul_div_down(a, b, d);
            let up = mul_div_up(a, b, d);
            if d.is_zero() {
                prop_assert_eq!(down, Err(MathError::DivisionByZero));
                prop_assert_eq!(up, Err(MathError::DivisionByZero));
                return Ok(());
            }
            let p = big(a) * big(b);
            let (q, r) = p.div_rem(&big(d));
            let q_up = if r == BigInt::from(0) { q.clone() } else { &q + 1 };
            prop_assert_eq!(down, to_u256(&q).ok_or(MathError::Overflow));
            prop_assert_eq!(up, to_u256(&q_up).ok_or(MathError::Overflow));
            if let (Ok(dn), Ok(u)) = (down, up) {
                // The rounding pair: up - down is 1 exactly when the division is inexact.
                prop_assert_eq!(u - dn, if r == BigInt::from(0) { U256::ZERO } else { U256::from(1) });
            }
        }

        #[test]
        fn signed_matches_exact(a in arb_i256(), b in arb_i256(), d in arb_i256()) {
            let down = mul_div_down_signed(a, b, d);
            let up = mul_div_up_signed(a, b, d);
            if d.is_zero() {
                prop_assert_eq!(down, Err(MathError::DivisionByZero));
                return Ok(());
            }
            let p = big_i(a) * big_i(b);
            let dd = big_i(d);
            let floor = p.div_floor(&dd);
            let ceil = -((-p).div_floor(&dd));
            prop_assert_eq!(down, to_i256(&floor).ok_or(MathError::Overflow));
            prop_assert_eq!(up, to_i256(&ceil).ok_or(MathError::Overflow));
        }
    }
}
