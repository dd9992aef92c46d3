//! Settlement at expiry: what a European option pays at the settlement price, in asset
//! units, and the pro-rata share of a board's long payouts when the pool cannot pay them in
//! full.
//!
//! Rounding follows DESIGN.md: a payout to a holder rounds down, an obligation of a writer
//! (what a short owes) rounds up, so the pool never pays out a unit it did not collect.
//!
//! ```
//! use alloy_primitives::U256;
//! use mutual_risk::settlement::{obligation_asset_up, payout_asset_down, pro_rata_down};
//! const W: u128 = 1_000_000_000_000_000_000;
//! // 2.5 calls struck at 2000 settle at 2345.678901: 864.1972525 USDC, rounded down / up.
//! let spot = 2_345_678_901 * W / 1_000_000;
//! assert_eq!(payout_asset_down(spot, 2000 * W, 5 * W / 2, true, 6).unwrap(), U256::from(864_197_252u64));
//! assert_eq!(obligation_asset_up(spot, 2000 * W, 5 * W / 2, true, 6).unwrap(), U256::from(864_197_253u64));
//! // The pool can pay 600 of the 900 its longs are owed: a holder owed 300 gets 200.
//! assert_eq!(pro_rata_down(U256::from(300u16), U256::from(600u16), U256::from(900u16)).unwrap(), U256::from(200u16));
//! ```

use alloy_primitives::U256;

use crate::fixed::{mul_div_down, mul_div_up};
use crate::MathError;

/// The intrinsic value of one option at `spot_wad`: `max(spot - strike, 0)` for a call,
/// `max(strike - spot, 0)` for a put, 18 decimals. Exact.
#[must_use]
pub fn intrinsic_wad(spot_wad: u128, strike_wad: u128, is_call: bool) -> u128 {
    if is_call {
        spot_wad.saturating_sub(strike_wad)
    } else {
        strike_wad.saturating_sub(spot_wad)
    }
}

/// What `amount_wad` options (18 decimals) pay their holder when settled at `spot_wad`, in
/// units of an asset with `decimals` decimals, rounded down. Exact:
/// `floor(intrinsic x amount / 10^(36 - decimals))`.
///
/// # Errors
/// [`MathError::DecimalsOutOfRange`] if `decimals > 18`.
pub fn payout_asset_down(
    spot_wad: u128,
    strike_wad: u128,
    amount_wad: u128,
    is_call: bool,
    decimals: u8,
) -> Result<U256, MathError> {
    let intrinsic = U256::from(intrinsic_wad(spot_wad, strike_wad, is_call));
    mul_div_down(intrinsic, U256::from(amount_wad), divisor(decimals)?)
}

/// What the writer of `amount_wad` options owes at settlement, in asset units, rounded up.
/// Exact, as [`payout_asset_down`]; the two differ by at most one unit.
///
/// # Errors
/// [`MathError::DecimalsOutOfRange`] if `decimals > 18`.
pub fn obligation_asset_up(
    spot_wad: u128,
    strike_wad: u128,
    amount_wad: u128,
    is_call: bool,
    decimals: u8,
) -> Result<U256, MathError> {
    let intrinsic = U256::from(intrinsic_wad(spot_wad, strike_wad, is_call));
    mul_div_up(intrinsic, U256::from(amount_wad), divisor(decimals)?)
}

/// A holder's share of a board's payouts when only `available` of the `total_owed` can be
/// paid: `floor(owed x available / total_owed)`; `owed` itself when `available >=
/// total_owed` (no haircut). The sum over every holder never exceeds `available`, and each
/// holder loses less than one unit to the rounding.
///
/// # Errors
/// [`MathError::InvalidBounds`] if `owed > total_owed` (`min` and `max` are their low
/// 128 bits, saturated); [`MathError::DivisionByZero`] cannot occur (`total_owed >= owed`,
/// and `total_owed == 0` means `owed == 0`, returned at once).
pub fn pro_rata_down(owed: U256, available: U256, total_owed: U256) -> Result<U256, MathError> {
    if owed > total_owed {
        return Err(MathError::InvalidBounds { min: saturate(owed), max: saturate(total_owed) });
    }
    if available >= total_owed || owed.is_zero() {
        return Ok(owed);
    }
    mul_div_down(owed, available, total_owed)
}

/// `10^(36 - decimals)`: from intrinsic x amount (36 decimals) to asset units.
fn divisor(decimals: u8) -> Result<U256, MathError> {
    if decimals > 18 {
        return Err(MathError::DecimalsOutOfRange { decimals });
    }
    Ok(U256::from(10u8).pow(U256::from(36 - decimals)))
}

/// `x` as a `u128`, saturated.
fn saturate(x: U256) -> u128 {
    u128::try_from(x).unwrap_or(u128::MAX)
}

#[cfg(test)]
mod tests {
    use num_bigint::BigUint;
    use proptest::prelude::*;

    use super::*;

    const W: u128 = crate::fixed::WAD_U128;

    fn big(x: U256) -> BigUint {
        BigUint::from_bytes_le(&x.to_le_bytes::<32>())
    }

    #[test]
    fn out_of_the_money_pays_nothing_and_bad_decimals_are_errors() {
        assert_eq!(payout_asset_down(1900 * W, 2000 * W, W, true, 6), Ok(U256::ZERO));
        assert_eq!(payout_asset_down(2100 * W, 2000 * W, W, false, 6), Ok(U256::ZERO));
        assert_eq!(payout_asset_down(2000 * W, 2000 * W, W, true, 6), Ok(U256::ZERO));
        assert_eq!(
            payout_asset_down(1900 * W, 2000 * W, 3 * W, false, 6),
            Ok(U256::from(300_000_000u64))
        );
        assert_eq!(
            payout_asset_down(1, 1, 1, true, 19),
            Err(MathError::DecimalsOutOfRange { decimals: 19 })
        );
        assert_eq!(
            obligation_asset_up(1, 1, 1, true, 19),
            Err(MathError::DecimalsOutOfRange { decimals: 19 })
        );
        assert_eq!(
            pro_rata_down(U256::from(5u8), U256::ZERO, U256::from(4u8)),
            Err(MathError::InvalidBounds { min: 5, max: 4 })
        );
        assert_eq!(pro_rata_down(U256::ZERO, U256::ZERO, U256::ZERO), Ok(U256::ZERO));
        assert_eq!(
            pro_rata_down(U256::from(7u8), U256::from(9u8), U256::from(9u8)),
            Ok(U256::from(7u8))
        );
    }

    proptest! {
        #[test]
        fn payouts_and_obligations_bracket_the_exact_value(spot in any::<u128>(), strike in any::<u128>(), amount in any::<u128>(), is_call: bool, decimals in 0u8..=18) {
            let intrinsic = if is_call { spot.saturating_sub(strike) } else { strike.saturating_sub(spot) };
            let exact = BigUint::from(intrinsic) * BigUint::from(amount);
            let d = BigUint::from(10u8).pow(36 - u32::from(decimals));
            let down = payout_asset_down(spot, strike, amount, is_call, decimals).unwrap();
            let up = obligation_asset_up(spot, strike, amount, is_call, decimals).unwrap();
            prop_assert_eq!(big(down), &exact / &d);
            prop_assert_eq!(big(up), (&exact + &d - 1u8) / &d);
        }

        #[test]
        fn a_haircut_never_pays_more_than_available(owed in prop::collection::vec(0u64..u64::MAX, 1..20), available in any::<u64>()) {
            let total: U256 = owed.iter().map(|&o| U256::from(o)).sum();
            let paid: Vec<U256> = owed.iter().map(|&o| pro_rata_down(U256::from(o), U256::from(available), total).unwrap()).collect();
            let sum: U256 = paid.iter().copied().sum();
            prop_assert!(sum <= total);
            for (p, &o) in paid.iter().zip(&owed) {
                prop_assert!(*p <= U256::from(o));
                if U256::from(available) < total {
                    // Each holder loses less than one unit to the rounding.
                    let exact = BigUint::from(o) * BigUint::from(available);
                    prop_assert_eq!(big(*p), exact / big(total));
                }
            }
            if U256::from(available) < total {
                prop_assert!(sum <= U256::from(available));
                prop_assert!(U256::from(available) - sum < U256::from(owed.len()));
            }
        }
    }
}
