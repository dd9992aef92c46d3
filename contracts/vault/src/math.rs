//! `a * b / d` on `U256` with a 512-bit product, exact, the rounding direction in every
//! name: the pure crate's `mutual_risk::fixed::mul_div_down`/`mul_div_up`, with a smaller
//! division.
//!
//! The pure crate divides the 512-bit product with ruint's general Knuth division (4.3 KB
//! of wasm, the largest function of a contract that links it). The vault needs one shape
//! only, a 512-bit numerator over a 256-bit divisor with a 256-bit quotient, so it divides
//! bit by bit (restoring division), in a few hundred bytes, at the cost of one loop
//! iteration per significant bit of the product (at most 256, 512 when the product
//! exceeds 256 bits: a few hundred gas per call on Stylus). The results are exactly the
//! pure crate's, which the tests check on random and edge inputs.

use alloy_primitives::{U256, U512};

/// One in 18-decimal fixed point: `10^18`.
pub const WAD: U256 = U256::from_limbs([1_000_000_000_000_000_000, 0, 0, 0]);

/// `a * b / d` rounded down (toward zero). `None` if `d` is zero or the quotient does not
/// fit 256 bits.
#[must_use]
pub fn mul_div_down(a: U256, b: U256, d: U256) -> Option<U256> {
    mul_div(a, b, d, false)
}

/// `a * b / d` rounded up (away from zero). `None` if `d` is zero or the quotient does
/// not fit 256 bits.
#[must_use]
pub fn mul_div_up(a: U256, b: U256, d: U256) -> Option<U256> {
    mul_div(a, b, d, true)
}

/// `a * b / d`, rounded up if `up` and the division is inexact, else down.
#[inline(never)]
fn mul_div(a: U256, b: U256, d: U256, up: bool) -> Option<U256> {
    let product: U512 = a.widening_mul(b);
    let limbs = product.as_limbs();
    let low = U256::from_limbs([limbs[0], limbs[1], limbs[2], limbs[3]]);
    let high = U256::from_limbs([limbs[4], limbs[5], limbs[6], limbs[7]]);
    // The quotient fits 256 bits iff high < d (which also rejects d = 0).
    if high >= d {
        return None;
    }
    // Restoring division of high:low by d, one bit of `low` at a time, from the top:
    // `rem` stays below d throughout. With high = 0 the leading zero bits of `low` are
    // skipped (they leave rem and the quotient at 0).
    let mut rem = high;
    let mut quotient = U256::ZERO;
    let top = if high.is_zero() { low.bit_len() } else { 256 };
    for i in (0..top).rev() {
        // rem < d <= 2^256 - 1, so 2 rem + 1 < 2^257: its bit 256 is `carry`.
        let carry = rem.bit(255);
        rem = (rem << 1usize) | U256::from(u8::from(low.bit(i)));
        quotient <<= 1usize;
        if carry || rem >= d {
            // 2 rem + bit - d < d: the wrapped difference is exact.
            rem = rem.wrapping_sub(d);
            quotient |= U256::from(1u8);
        }
    }
    if up && !rem.is_zero() {
        // quotient < 2^256 - 1 here unless the rounded result overflows.
        return quotient.checked_add(U256::from(1u8));
    }
    Some(quotient)
}

#[cfg(test)]
mod tests {
    use mutual_risk::fixed;

    use super::*;

    /// The pure crate's result, as an `Option`.
    fn reference(a: U256, b: U256, d: U256, up: bool) -> Option<U256> {
        if up { fixed::mul_div_up(a, b, d) } else { fixed::mul_div_down(a, b, d) }.ok()
    }

    /// A deterministic stream of values with every magnitude (xorshift).
    fn values(seed: u64, n: usize) -> Vec<U256> {
        let mut state = seed;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        (0..n)
            .map(|_| {
                let limbs = [next(), next(), next(), next()];
                let bits = usize::try_from(next() % 257).expect("values: a bit count fits usize");
                let value = U256::from_limbs(limbs);
                if bits == 256 {
                    value
                } else {
                    value & ((U256::from(1u8) << bits) - U256::from(1u8))
                }
            })
            .collect()
    }

    #[test]
    fn equals_the_pure_crate_on_edges_and_random_inputs() {
        let mut edges = vec![U256::ZERO, U256::from(1u8), U256::from(2u8), U256::from(3u8), WAD];
        edges.extend([
            U256::MAX,
            U256::MAX - U256::from(1u8),
            U256::MAX >> 1,
            U256::from(1u8) << 128,
        ]);
        for &a in &edges {
            for &b in &edges {
                for &d in &edges {
                    for up in [false, true] {
                        assert_eq!(
                            mul_div(a, b, d, up),
                            reference(a, b, d, up),
                            "{a} {b} {d} {up}"
                        );
                    }
                }
            }
        }
        let (a, b, d) = (values(1, 3_000), values(2, 3_000), values(3, 3_000));
        for i in 0..a.len() {
            for up in [false, true] {
                // Also d below the product's high half, so the quotient fits.
                let small_d = d[i] >> 200;
                for d in [d[i], small_d, d[i] | U256::from(1u8)] {
                    assert_eq!(mul_div(a[i], b[i], d, up), reference(a[i], b[i], d, up));
                }
            }
        }
    }

    #[test]
    fn rounding_pairs_differ_by_the_remainder() {
        // 7 * 3 / 2 = 10.5; 8 * 3 / 2 = 12.
        let u = U256::from;
        assert_eq!(
            (mul_div_down(u(7u8), u(3u8), u(2u8)), mul_div_up(u(7u8), u(3u8), u(2u8))),
            (Some(u(10u8)), Some(u(11u8)))
        );
        assert_eq!(mul_div_up(u(8u8), u(3u8), u(2u8)), Some(u(12u8)));
        assert_eq!(mul_div_down(u(1u8), u(1u8), U256::ZERO), None);
        // The largest quotient, and one past it when rounding up.
        assert_eq!(mul_div_down(U256::MAX, U256::MAX, U256::MAX), Some(U256::MAX));
        assert_eq!(mul_div_up(U256::MAX, U256::from(2u8), U256::from(2u8)), Some(U256::MAX));
        assert_eq!(mul_div_down(U256::MAX, U256::from(2u8), U256::from(1u8)), None);
    }
}
