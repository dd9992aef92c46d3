//! The price of a trade: the volatility it pays, its premium in asset units, and its fees.
//!
//! Every function rounds against the trader, so the pool never gives away a unit to
//! rounding: a buyer's volatility and premium round up, a seller's down; fees round up.
//!
//! - Volatility: the board's base IV moves by `impact_wad` per unit of underlying traded
//!   (up on a buy, down on a sell), clamped to `[min_iv_wad, max_iv_wad]`; the trade pays
//!   the moved base IV times the strike's skew, the whole size at the moved level (the
//!   trade pushes its own price: splitting a trade in two never pays less volatility).
//! - Premium: `price x amount`, from 18 decimals to the asset's decimals in one division.
//! - Fees: a spread fee on the notional (`spot x amount x rate`) capped at a fraction of
//!   the premium (so a cheap far out-of-the-money option is not charged more fee than it
//!   is worth), plus a utilization fee on the premium whose rate rises with the share of
//!   the pool already committed, steeply past a kink: the price of adverse selection.
//! - The insurance fund's share of the fees: a base share while the fund covers its
//!   target multiple of the market's stressed loss, rising linearly to a maximum as the
//!   coverage falls to zero (`income_share_wad_up`; the fund answers it as a view and the
//!   market applies it mid-trade, one rule for both).
//!
//! ```
//! use mutual_risk::trade::{premium_asset_up, trade_vol_wad, VolCurve};
//! const W: u128 = 1_000_000_000_000_000_000;
//! let curve = VolCurve { base_iv_wad: 8 * W / 10, skew_wad: 11 * W / 10,
//!                        impact_wad: W / 1_000, min_iv_wad: W / 10, max_iv_wad: 3 * W };
//! // Buying 10 ETH of options moves the base IV from 80% to 81%; the trade pays 81% x 1.1.
//! let v = trade_vol_wad(&curve, 10 * W, true).unwrap();
//! assert_eq!(v.base_iv_after_wad, 81 * W / 100);
//! assert_eq!(v.vol_wad, 891 * W / 1000);
//! // 3 options at 123.4567891 USDC each cost 370.370368 USDC (6 decimals), rounded up.
//! assert_eq!(premium_asset_up(1_234_567_891 * W / 10_000_000, 3 * W, 6).unwrap(), 370_370_368);
//! ```

use alloy_primitives::U256;

use crate::fixed::{mul_div_down, mul_div_up, WAD, WAD_U128};
use crate::MathError;

/// A board's volatility for one strike, and how trades move it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VolCurve {
    /// The board's base implied volatility before the trade, 18 decimals (1e18 = 100%).
    pub base_iv_wad: u128,
    /// The strike's skew factor, 18 decimals (1e18 = no skew).
    pub skew_wad: u128,
    /// Base-IV move per unit of underlying traded, 18 decimals.
    pub impact_wad: u128,
    /// The lowest base IV a sale may push the board to, 18 decimals.
    pub min_iv_wad: u128,
    /// The highest base IV a purchase may push the board to, 18 decimals.
    pub max_iv_wad: u128,
}

/// The volatility a trade pays, and the board's base IV after it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TradeVol {
    /// The volatility the whole trade is priced at, 18 decimals.
    pub vol_wad: u128,
    /// The board's base IV once the trade is done, 18 decimals: what the market stores.
    pub base_iv_after_wad: u128,
}

/// The volatility a trade of `amount_wad` (units of underlying, 18 decimals) pays, against
/// the trader: the base IV moved by `impact x amount` (up when `is_buy`, down otherwise)
/// and clamped to `[min_iv, max_iv]`, times the skew, rounded up for a buy and down for a
/// sale.
///
/// Domain: any inputs with `min_iv <= max_iv`. A base IV already outside the bounds is
/// first clamped into them, so a trade never moves the board further out. The move
/// saturates at the bound (a trade larger than the room left pays the bound), so only
/// the skew product can overflow. Exact: the only rounding is the final one.
///
/// # Errors
/// [`MathError::InvalidBounds`] if `min_iv > max_iv`; [`MathError::Overflow`] if
/// `base_iv_after x skew` does not fit a `u128` (both above about `1.8e28` WAD).
pub fn trade_vol_wad(
    curve: &VolCurve,
    amount_wad: u128,
    is_buy: bool,
) -> Result<TradeVol, MathError> {
    if curve.min_iv_wad > curve.max_iv_wad {
        return Err(MathError::InvalidBounds { min: curve.min_iv_wad, max: curve.max_iv_wad });
    }
    let base = curve.base_iv_wad.clamp(curve.min_iv_wad, curve.max_iv_wad);
    // The move rounds against the trader too: up on a buy, and up (a larger drop) on a sale.
    let moved = mul_div_up(U256::from(curve.impact_wad), U256::from(amount_wad), WAD)?;
    let base_iv_after_wad = if is_buy {
        // Saturates: a move past the ceiling (even past u128) ends at the ceiling.
        u128::try_from(moved)
            .map_or(curve.max_iv_wad, |m| base.saturating_add(m).min(curve.max_iv_wad))
    } else {
        u128::try_from(moved)
            .map_or(curve.min_iv_wad, |m| base.saturating_sub(m).max(curve.min_iv_wad))
    };
    let product = U256::from(base_iv_after_wad) * U256::from(curve.skew_wad);
    // Cannot wrap: both factors are below 2^128, so the product is below 2^256.
    let vol = if is_buy { ceil_div(product, WAD) } else { product / WAD };
    let vol_wad = u128::try_from(vol).map_err(|_| MathError::Overflow)?;
    Ok(TradeVol { vol_wad, base_iv_after_wad })
}

/// The premium of `amount_wad` options at `price_wad` each (both 18 decimals), in units of
/// an asset with `decimals` decimals, rounded up: what a buyer is charged.
///
/// Exact: `ceil(price x amount / 10^(36 - decimals))`, one rounding.
///
/// # Errors
/// [`MathError::DecimalsOutOfRange`] if `decimals > 18`; [`MathError::Overflow`] if the
/// premium does not fit 256 bits (it cannot for `u128` inputs and `decimals <= 18`).
pub fn premium_asset_up(
    price_wad: u128,
    amount_wad: u128,
    decimals: u8,
) -> Result<U256, MathError> {
    mul_div_up(U256::from(price_wad), U256::from(amount_wad), to_asset_divisor(decimals)?)
}

/// The premium of `amount_wad` options at `price_wad` each, in asset units, rounded down:
/// what a seller is paid. Exact, as [`premium_asset_up`].
///
/// # Errors
/// As [`premium_asset_up`].
pub fn premium_asset_down(
    price_wad: u128,
    amount_wad: u128,
    decimals: u8,
) -> Result<U256, MathError> {
    mul_div_down(U256::from(price_wad), U256::from(amount_wad), to_asset_divisor(decimals)?)
}

/// The pool's utilization: `committed / nav`, 18 decimals, rounded up (it raises fees and
/// trips limits, so it never reads low). Saturates at 1e18 (fully committed) when
/// `committed >= nav`, including a zero or negative-equity NAV of 0 with anything
/// committed; 0 when nothing is committed.
///
/// # Errors
/// None in practice: the quotient is at most 1e18. Kept fallible for uniformity with the
/// crate's `mul_div`.
pub fn utilization_wad_up(committed: U256, nav: U256) -> Result<u128, MathError> {
    if committed.is_zero() {
        return Ok(0);
    }
    if committed >= nav {
        return Ok(WAD_U128);
    }
    let u = mul_div_up(committed, WAD, nav)?;
    // committed < nav, so u <= 1e18.
    u128::try_from(u).map_err(|_| MathError::Overflow)
}

/// A kinked fee curve (the shape of Aave's interest-rate model): the rate rises linearly
/// from `base` at zero utilization to `base + slope_below` at the kink, then by
/// `slope_above` more at full utilization. All 18 decimals.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FeeCurve {
    /// The rate at zero utilization, 18 decimals.
    pub base_wad: u128,
    /// The utilization where the slope steepens, 18 decimals, in `(0, 1e18]`.
    pub kink_wad: u128,
    /// The rise from zero utilization to the kink, 18 decimals.
    pub slope_below_wad: u128,
    /// The further rise from the kink to full utilization, 18 decimals.
    pub slope_above_wad: u128,
}

/// The utilization fee rate at `utilization_wad` (clamped to 1e18) on `curve`, 18
/// decimals, rounded up. Monotone non-decreasing in the utilization.
///
/// Domain: `0 < kink <= 1e18`; at `kink = 1e18` the steep part is never reached.
///
/// # Errors
/// [`MathError::InvalidBounds`] if the kink is 0 or above 1e18 (`min` = kink, `max` =
/// 1e18); [`MathError::Overflow`] if the rate does not fit a `u128`.
pub fn utilization_fee_rate_wad_up(
    utilization_wad: u128,
    curve: &FeeCurve,
) -> Result<u128, MathError> {
    if curve.kink_wad == 0 || curve.kink_wad > WAD_U128 {
        return Err(MathError::InvalidBounds { min: curve.kink_wad, max: WAD_U128 });
    }
    let u = utilization_wad.min(WAD_U128);
    let below = u.min(curve.kink_wad);
    let mut rate = mul_div_up(
        U256::from(curve.slope_below_wad),
        U256::from(below),
        U256::from(curve.kink_wad),
    )?;
    if u > curve.kink_wad {
        // kink < u <= 1e18, so kink < 1e18 and the room above the kink is positive.
        let above = mul_div_up(
            U256::from(curve.slope_above_wad),
            U256::from(u - curve.kink_wad),
            U256::from(WAD_U128 - curve.kink_wad),
        )?;
        rate = rate.checked_add(above).ok_or(MathError::Overflow)?;
    }
    let rate = rate.checked_add(U256::from(curve.base_wad)).ok_or(MathError::Overflow)?;
    u128::try_from(rate).map_err(|_| MathError::Overflow)
}

/// The fee schedule of a trade.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FeeSchedule {
    /// Spread fee per unit of notional (`spot x amount`), 18 decimals.
    pub spread_rate_wad: u128,
    /// The spread fee is at most this fraction of the premium, 18 decimals.
    pub spread_cap_of_premium_wad: u128,
    /// The utilization fee rate, on the premium, 18 decimals (from
    /// [`utilization_fee_rate_wad_up`]).
    pub utilization_rate_wad: u128,
}

/// A trade's fees, in asset units.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fees {
    /// The spread fee, rounded up, after its cap.
    pub spread: U256,
    /// The utilization fee, rounded up.
    pub utilization: U256,
    /// Their sum.
    pub total: U256,
}

/// The fees of a trade of `amount_wad` at `spot_wad` whose premium is `premium_asset`
/// (asset units, `decimals` decimals). Every part rounds up: fees are charged.
///
/// `spread = min(ceil(spot x amount x spread_rate), ceil(premium x cap))` and
/// `utilization = ceil(premium x utilization_rate)`, each exact with one rounding.
///
/// # Errors
/// [`MathError::DecimalsOutOfRange`] if `decimals > 18`; [`MathError::Overflow`] if a fee
/// does not fit 256 bits.
pub fn fees_asset_up(
    spot_wad: u128,
    amount_wad: u128,
    premium_asset: U256,
    schedule: &FeeSchedule,
    decimals: u8,
) -> Result<Fees, MathError> {
    let divisor = to_asset_divisor(decimals)?;
    // spot x amount < 2^256, so the notional (36 decimals) is exact.
    let notional = U256::from(spot_wad) * U256::from(amount_wad);
    let on_notional = mul_div_up(notional, U256::from(schedule.spread_rate_wad), divisor * WAD)?;
    let cap = mul_div_up(premium_asset, U256::from(schedule.spread_cap_of_premium_wad), WAD)?;
    let spread = on_notional.min(cap);
    let utilization = mul_div_up(premium_asset, U256::from(schedule.utilization_rate_wad), WAD)?;
    let total = spread.checked_add(utilization).ok_or(MathError::Overflow)?;
    Ok(Fees { spread, utilization, total })
}

/// The insurance fund's share of a market's fees, 18 decimals, from the fund's assets
/// `fund_assets` and the market's stressed loss `stressed_loss` (the same units), the base
/// and maximum shares and the target coverage (18 decimals). With
/// `coverage = floor(fund_assets x 1e18 / stressed_loss)` (rounded down: a lower coverage
/// raises the fund's share, in its favour):
///
/// - `base` when `stressed_loss` is zero, `target_coverage_wad` is zero, or
///   `coverage >= target_coverage_wad` (a coverage beyond 256 bits is above any target);
/// - else `base + ceil((max - base) x (target - coverage) / target)` with
///   `max = max(max_share_wad, base)`: `base` at target coverage, rising linearly to `max`
///   at zero coverage, rounded up (in the fund's favour).
///
/// The result lies in `[base, max(max_share_wad, base)]`; it is not capped at 1e18 (the
/// caller applying it to fees does).
///
/// # Errors
/// Never in practice: [`MathError::Overflow`] cannot occur since
/// `(max - base) x (target - coverage) / target <= max - base`; the signature keeps the
/// exact division's error type.
///
/// ```
/// use alloy_primitives::U256;
/// use mutual_risk::trade::income_share_wad_up;
/// let w = |x: u64| U256::from(x) * U256::from(10u64.pow(16)); // x percent
/// // 10% base, 40% max, target coverage 150%: at 75% coverage, half-way: 25%.
/// assert_eq!(income_share_wad_up(w(10), w(40), w(150), U256::from(75), U256::from(100)), Ok(w(25)));
/// // At or above target, and with nothing at risk: the base.
/// assert_eq!(income_share_wad_up(w(10), w(40), w(150), U256::from(150), U256::from(100)), Ok(w(10)));
/// assert_eq!(income_share_wad_up(w(10), w(40), w(150), U256::ZERO, U256::ZERO), Ok(w(10)));
/// ```
pub fn income_share_wad_up(
    base_share_wad: U256,
    max_share_wad: U256,
    target_coverage_wad: U256,
    fund_assets: U256,
    stressed_loss: U256,
) -> Result<U256, MathError> {
    let (base, target) = (base_share_wad, target_coverage_wad);
    if stressed_loss.is_zero() || target.is_zero() {
        return Ok(base);
    }
    let coverage = mul_div_down(fund_assets, WAD, stressed_loss).unwrap_or(U256::MAX);
    if coverage >= target {
        return Ok(base);
    }
    let max = max_share_wad.max(base);
    // At most `max - base` (coverage < target), so `base + raise <= max` cannot overflow.
    let raise = mul_div_up(max - base, target - coverage, target)?;
    Ok(base + raise)
}

/// `10^(36 - decimals)`: from a product of two 18-decimal values to asset units.
fn to_asset_divisor(decimals: u8) -> Result<U256, MathError> {
    if decimals > 18 {
        return Err(MathError::DecimalsOutOfRange { decimals });
    }
    Ok(U256::from(10u8).pow(U256::from(36 - decimals)))
}

/// `ceil(a / d)` for `d > 0`.
fn ceil_div(a: U256, d: U256) -> U256 {
    let q = a / d;
    // q * d <= a < 2^256, and q + 1 <= a < 2^256 when the remainder is nonzero.
    if q * d == a {
        q
    } else {
        q + U256::from(1)
    }
}

#[cfg(test)]
mod tests {
    use num_bigint::BigUint;
    use proptest::prelude::*;

    use super::*;

    const W: u128 = WAD_U128;

    fn big(x: U256) -> BigUint {
        BigUint::from_bytes_le(&x.to_le_bytes::<32>())
    }

    fn ceil(a: &BigUint, d: &BigUint) -> BigUint {
        (a + d - 1u8) / d
    }

    fn curve(base: u128, skew: u128, impact: u128) -> VolCurve {
        VolCurve {
            base_iv_wad: base,
            skew_wad: skew,
            impact_wad: impact,
            min_iv_wad: W / 20,
            max_iv_wad: 5 * W,
        }
    }

    #[test]
    fn a_trade_moves_the_board_against_itself_and_stops_at_the_bounds() {
        let c = curve(W, W, W / 100);
        let buy = trade_vol_wad(&c, 10 * W, true).unwrap();
        assert_eq!(buy, TradeVol { vol_wad: 11 * W / 10, base_iv_after_wad: 11 * W / 10 });
        let sell = trade_vol_wad(&c, 10 * W, false).unwrap();
        assert_eq!(sell, TradeVol { vol_wad: 9 * W / 10, base_iv_after_wad: 9 * W / 10 });
        // A trade larger than the room left pays the bound, and so does a huge one.
        assert_eq!(trade_vol_wad(&c, 1_000 * W, true).unwrap().base_iv_after_wad, 5 * W);
        assert_eq!(trade_vol_wad(&c, 1_000 * W, false).unwrap().base_iv_after_wad, W / 20);
        let huge = VolCurve { impact_wad: u128::MAX, ..c };
        assert_eq!(trade_vol_wad(&huge, u128::MAX, true).unwrap().base_iv_after_wad, 5 * W);
        assert_eq!(trade_vol_wad(&huge, u128::MAX, false).unwrap().base_iv_after_wad, W / 20);
        // A zero-size quote pays the current vol; a base outside the bounds is clamped first.
        assert_eq!(trade_vol_wad(&c, 0, true).unwrap().vol_wad, W);
        let outside = VolCurve { base_iv_wad: 9 * W, ..c };
        assert_eq!(trade_vol_wad(&outside, 0, false).unwrap().base_iv_after_wad, 5 * W);
    }

    #[test]
    fn bad_curves_and_decimals_are_errors() {
        let c = VolCurve { min_iv_wad: 2 * W, max_iv_wad: W, ..curve(W, W, 0) };
        assert_eq!(
            trade_vol_wad(&c, W, true),
            Err(MathError::InvalidBounds { min: 2 * W, max: W })
        );
        let big_skew = curve(5 * W, u128::MAX, 0);
        assert_eq!(trade_vol_wad(&big_skew, 0, true), Err(MathError::Overflow));
        assert_eq!(premium_asset_up(W, W, 19), Err(MathError::DecimalsOutOfRange { decimals: 19 }));
        assert_eq!(
            premium_asset_down(W, W, 255),
            Err(MathError::DecimalsOutOfRange { decimals: 255 })
        );
        for kink in [0, W + 1] {
            let f =
                FeeCurve { base_wad: 0, kink_wad: kink, slope_below_wad: 1, slope_above_wad: 1 };
            assert_eq!(
                utilization_fee_rate_wad_up(W / 2, &f),
                Err(MathError::InvalidBounds { min: kink, max: W })
            );
        }
        let s = FeeSchedule {
            spread_rate_wad: 1,
            spread_cap_of_premium_wad: 1,
            utilization_rate_wad: 1,
        };
        assert_eq!(
            fees_asset_up(W, W, U256::ZERO, &s, 40),
            Err(MathError::DecimalsOutOfRange { decimals: 40 })
        );
    }

    #[test]
    fn utilization_edges() {
        let u = |c: u64, n: u64| utilization_wad_up(U256::from(c), U256::from(n)).unwrap();
        assert_eq!(u(0, 0), 0);
        assert_eq!(u(0, 5), 0);
        assert_eq!(u(1, 0), W);
        assert_eq!(u(7, 7), W);
        assert_eq!(u(9, 7), W);
        assert_eq!(u(1, 3), W / 3 + 1);
        let f = FeeCurve {
            base_wad: W / 1000,
            kink_wad: 8 * W / 10,
            slope_below_wad: W / 100,
            slope_above_wad: W / 2,
        };
        let r = |u: u128| utilization_fee_rate_wad_up(u, &f).unwrap();
        assert_eq!(r(0), W / 1000);
        assert_eq!(r(8 * W / 10), W / 1000 + W / 100);
        assert_eq!(r(W), W / 1000 + W / 100 + W / 2);
        assert_eq!(r(u128::MAX), r(W));
        assert_eq!(r(9 * W / 10), W / 1000 + W / 100 + W / 4);
    }

    #[test]
    fn the_spread_fee_is_capped_by_the_premium() {
        let s = FeeSchedule {
            spread_rate_wad: 3 * W / 10_000,
            spread_cap_of_premium_wad: W / 8,
            utilization_rate_wad: W / 100,
        };
        // 10 ETH at 2000: notional 20,000 USDC, spread 6 USDC; premium 1,000 USDC: cap 125.
        let f = fees_asset_up(2000 * W, 10 * W, U256::from(1_000_000_000u64), &s, 6).unwrap();
        assert_eq!(
            (f.spread, f.utilization, f.total),
            (U256::from(6_000_000u64), U256::from(10_000_000u64), U256::from(16_000_000u64))
        );
        // A 10 USDC premium: the cap (1.25 USDC) binds.
        let f = fees_asset_up(2000 * W, 10 * W, U256::from(10_000_000u64), &s, 6).unwrap();
        assert_eq!(f.spread, U256::from(1_250_000u64));
    }

    proptest! {
        #[test]
        fn premiums_are_exact_and_bracket_the_true_value(price in any::<u128>(), amount in any::<u128>(), decimals in 0u8..=18) {
            let exact_num = BigUint::from(price) * BigUint::from(amount);
            let d = BigUint::from(10u8).pow(36 - u32::from(decimals));
            let up = premium_asset_up(price, amount, decimals).unwrap();
            let down = premium_asset_down(price, amount, decimals).unwrap();
            prop_assert_eq!(big(up), ceil(&exact_num, &d));
            prop_assert_eq!(big(down), &exact_num / &d);
        }

        #[test]
        fn trade_vol_matches_the_exact_rule(base in 0u128..10 * W, skew in 0u128..4 * W, impact in 0u128..W, amount in 0u128..1_000_000 * W, lo in 0u128..W, span in 0u128..5 * W, is_buy: bool) {
            let c = VolCurve { base_iv_wad: base, skew_wad: skew, impact_wad: impact, min_iv_wad: lo, max_iv_wad: lo + span };
            let got = trade_vol_wad(&c, amount, is_buy).unwrap();
            let w = BigUint::from(W);
            let moved = ceil(&(BigUint::from(impact) * BigUint::from(amount)), &w);
            let b = BigUint::from(base.clamp(lo, lo + span));
            let after = if is_buy { (b + moved).min(BigUint::from(lo + span)) }
                        else if moved >= b { BigUint::from(lo) } else { (b - moved).max(BigUint::from(lo)) };
            prop_assert_eq!(BigUint::from(got.base_iv_after_wad), after.clone());
            let p = after * BigUint::from(skew);
            let vol = if is_buy { ceil(&p, &w) } else { p / w };
            prop_assert_eq!(BigUint::from(got.vol_wad), vol);
            // Against the trader: a buy never pays less than a zero-size quote, a sale never more.
            let quote = trade_vol_wad(&c, 0, is_buy).unwrap().vol_wad;
            let against_the_trader = if is_buy { got.vol_wad >= quote } else { got.vol_wad <= quote };
            prop_assert!(against_the_trader);
        }

        #[test]
        fn splitting_a_buy_never_pays_less_volatility(base in W / 10..2 * W, impact in 0u128..W / 100, a in 0u128..100 * W, b in 0u128..100 * W) {
            let c = curve(base, W, impact);
            let whole = trade_vol_wad(&c, a + b, true).unwrap();
            let first = trade_vol_wad(&c, a, true).unwrap();
            let second = trade_vol_wad(&VolCurve { base_iv_wad: first.base_iv_after_wad, ..c }, b, true).unwrap();
            // The second leg ends at least as high as the whole trade (ceilings only add).
            prop_assert!(second.base_iv_after_wad >= whole.base_iv_after_wad);
            prop_assert!(first.vol_wad <= whole.vol_wad);
        }

        #[test]
        fn fee_rate_is_monotone_and_exact(u1 in 0u128..=W, u2 in 0u128..=W, kink in 1u128..=W, base in 0u128..W, s1 in 0u128..W, s2 in 0u128..10 * W) {
            let f = FeeCurve { base_wad: base, kink_wad: kink, slope_below_wad: s1, slope_above_wad: s2 };
            let (lo, hi) = (u1.min(u2), u1.max(u2));
            let (r_lo, r_hi) = (utilization_fee_rate_wad_up(lo, &f).unwrap(), utilization_fee_rate_wad_up(hi, &f).unwrap());
            prop_assert!(r_lo <= r_hi);
            let below = ceil(&(BigUint::from(s1) * BigUint::from(hi.min(kink))), &BigUint::from(kink));
            let above = if hi > kink { ceil(&(BigUint::from(s2) * BigUint::from(hi - kink)), &BigUint::from(W - kink)) } else { BigUint::from(0u8) };
            prop_assert_eq!(BigUint::from(r_hi), BigUint::from(base) + below + above);
        }

        #[test]
        fn utilization_is_the_ceiling_of_the_ratio(c in any::<u128>(), n in any::<u128>()) {
            let got = utilization_wad_up(U256::from(c), U256::from(n)).unwrap();
            let want = if c == 0 { BigUint::from(0u8) } else if c >= n { BigUint::from(W) }
                       else { ceil(&(BigUint::from(c) * BigUint::from(W)), &BigUint::from(n)) };
            prop_assert_eq!(BigUint::from(got), want);
        }

        #[test]
        fn income_share_is_exact(base in 0u128..=W, max in 0u128..=W, target in 0u128..4 * W, fund in 0u128..u128::MAX, stressed in 0u128..u128::MAX) {
            let got = income_share_wad_up(U256::from(base), U256::from(max), U256::from(target), U256::from(fund), U256::from(stressed)).unwrap();
            let w = BigUint::from(W);
            let want = if stressed == 0 || target == 0 { BigUint::from(base) } else {
                let coverage = BigUint::from(fund) * &w / BigUint::from(stressed);
                let t = BigUint::from(target);
                if coverage >= t { BigUint::from(base) } else {
                    let top = BigUint::from(max.max(base));
                    BigUint::from(base) + ceil(&((top - BigUint::from(base)) * (&t - coverage)), &t)
                }
            };
            prop_assert_eq!(big(got), want);
            // Within [base, max(max, base)], and never falling as the fund grows.
            prop_assert!(got >= U256::from(base) && got <= U256::from(max.max(base)));
            let richer = income_share_wad_up(U256::from(base), U256::from(max), U256::from(target), U256::from(fund).saturating_add(U256::from(W)), U256::from(stressed)).unwrap();
            prop_assert!(richer <= got);
        }

        #[test]
        fn fees_are_exact(spot in 0u128..1_000_000 * W, amount in 0u128..1_000_000 * W, premium in 0u128..u128::MAX / 2, rate in 0u128..W / 10, cap in 0u128..W, ur in 0u128..W, decimals in 0u8..=18) {
            let s = FeeSchedule { spread_rate_wad: rate, spread_cap_of_premium_wad: cap, utilization_rate_wad: ur };
            let f = fees_asset_up(spot, amount, U256::from(premium), &s, decimals).unwrap();
            let d = BigUint::from(10u8).pow(54 - u32::from(decimals));
            let w = BigUint::from(W);
            let spread = ceil(&(BigUint::from(spot) * BigUint::from(amount) * BigUint::from(rate)), &d)
                .min(ceil(&(BigUint::from(premium) * BigUint::from(cap)), &w));
            let util = ceil(&(BigUint::from(premium) * BigUint::from(ur)), &w);
            prop_assert_eq!(big(f.spread), spread.clone());
            prop_assert_eq!(big(f.utilization), util.clone());
            prop_assert_eq!(big(f.total), spread + util);
        }
    }
}
