//! Square roots of 18-decimal values, exact in the direction the name says.

use alloy_primitives::U256;

/// `floor(sqrt(x) * 1e18)` for an 18-decimal `x`: the largest `r` with `r^2 <= x * 1e18`.
///
/// Exact for every `u128` input (the radicand `x * 1e18 < 2^188` is formed in 256 bits);
/// monotone.
///
/// # Panics
/// Never: the root of a radicand below 2^188 is below 2^94 and fits the `u128`.
///
/// ```
/// use mutual_risk::sqrt::{sqrt_wad_down, sqrt_wad_up};
/// assert_eq!(sqrt_wad_down(4_000_000_000_000_000_000), 2_000_000_000_000_000_000);
/// assert_eq!(sqrt_wad_down(2_000_000_000_000_000_000), 1_414213562373095048); // 1.41421356237309504880...
/// assert_eq!(sqrt_wad_up(2_000_000_000_000_000_000), 1_414213562373095049);
/// ```
#[must_use]
pub fn sqrt_wad_down(x_wad: u128) -> u128 {
    let radicand = U256::from(x_wad) * U256::from(1_000_000_000_000_000_000u128);
    // sqrt(2^188) = 2^94: the root fits a u128.
    u128::try_from(isqrt(radicand)).expect("sqrt_wad_down: root below 2^94")
}

/// `floor(sqrt(n))` by Newton's iteration from a power of two above the root: the
/// iterates decrease strictly until they reach the floor of the root. Integer-only (ruint's
/// own `root` seeds itself with floating point, which Stylus rejects).
fn isqrt(n: U256) -> U256 {
    if n < U256::from(2) {
        return n;
    }
    let mut r = U256::from(1) << n.bit_len().div_ceil(2);
    loop {
        let next = (r + n / r) >> 1;
        if next >= r {
            return r;
        }
        r = next;
    }
}

/// `ceil(sqrt(x) * 1e18)`: the smallest `r` with `r^2 >= x * 1e18`. Exact, monotone.
#[must_use]
pub fn sqrt_wad_up(x_wad: u128) -> u128 {
    let down = sqrt_wad_down(x_wad);
    let radicand = U256::from(x_wad) * U256::from(1_000_000_000_000_000_000u128);
    if U256::from(down) * U256::from(down) == radicand {
        down
    } else {
        down + 1
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
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn floor_and_ceil_bracket_the_root(x in any::<u128>()) {
            let radicand = U256::from(x) * U256::from(1_000_000_000_000_000_000u128);
            let (d, u) = (U256::from(sqrt_wad_down(x)), U256::from(sqrt_wad_up(x)));
            prop_assert!(d * d <= radicand);
            prop_assert!((d + U256::from(1)) * (d + U256::from(1)) > radicand);
            prop_assert!(u * u >= radicand);
            prop_assert!(u == d || (u == d + U256::from(1) && d * d != radicand));
        }
    }

    #[test]
    fn edges() {
        assert_eq!(sqrt_wad_down(0), 0);
        assert_eq!(sqrt_wad_up(0), 0);
        assert_eq!(sqrt_wad_down(1), 1_000_000_000); // sqrt(1e-18) = 1e-9
        assert_eq!(sqrt_wad_down(u128::MAX), 18_446_744_073_709_551_615_999_999_999);
        // sqrt(2^128 - 1) * 1e9, floor
    }
}
