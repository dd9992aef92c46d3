//! Margin of a trader's written options: the requirements from the stress grid, the
//! account's health, and how a liquidation divides the account's collateral.
//!
//! All requirements are in asset units (the collateral's own decimals) and round up (a
//! requirement never reads low); every payment to the trader rounds down.
//!
//! - Liability: what it costs to buy the written options back at the mark, `-value` of
//!   the book (0 if the book is worth something to its holder).
//! - Initial margin: the book's worst loss over the stress grid ([`crate::stress`]) times
//!   a multiplier (`>= 1` in governance, the buffer). Opening a short or removing margin
//!   needs `collateral >= liability + initial`.
//! - Maintenance margin: a fraction of the initial. Below `liability + maintenance` the
//!   account may be liquidated by anyone.
//!
//! ```
//! use alloy_primitives::U256;
//! use mutual_risk::margin::{requirement_asset_up, MarginParams};
//! use mutual_risk::stress::{Grid, Position};
//! const W: u128 = 1_000_000_000_000_000_000;
//! // A trader wrote 2 calls struck at 2200 (30 days, 70% vol), spot 2000, in USDC (6 decimals).
//! let book = [Position { strike_wad: 2200 * W, t_years_wad: 30 * W / 365, vol_wad: 7 * W / 10,
//!                        call_amount_wad: -2 * W as i128, put_amount_wad: 0 }];
//! let grid = Grid { spot_factors_wad: &[7 * W / 10, W, 13 * W / 10], vol_factors_wad: &[W, 3 * W / 2] };
//! let params = MarginParams { initial_multiplier_wad: 12 * W / 10, maintenance_fraction_wad: W / 2 };
//! let r = requirement_asset_up(2000 * W, 0, &book, &grid, &params, 6).unwrap();
//! // Liability about 2 x 64 USDC; the worst scenario (spot +30%, vol x1.5) costs far more.
//! assert!(r.liability > U256::from(100_000_000u64) && r.liability < U256::from(200_000_000u64));
//! assert!(r.initial > r.liability && r.maintenance == r.initial.div_ceil(U256::from(2u8)));
//! ```

use alloy_primitives::U256;

use crate::fixed::{mul_div_down, mul_div_up, WAD, WAD_U128};
use crate::stress::{book_value_wad, worst_loss, Grid, Position};
use crate::MathError;

/// The governance parameters of margin.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MarginParams {
    /// Initial margin per unit of worst stressed loss, 18 decimals (`1.2e18`: a 20% buffer).
    pub initial_multiplier_wad: u128,
    /// Maintenance margin as a fraction of the initial, 18 decimals, at most 1e18.
    pub maintenance_fraction_wad: u128,
}

/// An account's requirements, in asset units, all rounded up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Requirement {
    /// The cost to close the book at the mark (0 if the book has positive value).
    pub liability: U256,
    /// The initial margin: worst stressed loss times the multiplier.
    pub initial: U256,
    /// The maintenance margin: the initial times the maintenance fraction.
    pub maintenance: U256,
}

impl Requirement {
    /// Whether `collateral` covers the liability plus the initial margin: what opening a
    /// short or removing margin must leave.
    #[must_use]
    pub fn meets_initial(&self, collateral: U256) -> bool {
        self.liability.checked_add(self.initial).is_some_and(|need| collateral >= need)
    }

    /// The account's health, `collateral - liability - maintenance` in asset units, as a
    /// sign and a magnitude: `(true, surplus)` when healthy (surplus may be 0: exactly at
    /// maintenance is still healthy), `(false, deficit)` when it may be liquidated.
    #[must_use]
    pub fn health(&self, collateral: U256) -> (bool, U256) {
        // liability and maintenance are each below 2^255 (see `requirement_asset_up`), so
        // their sum fits.
        let need = self.liability.saturating_add(self.maintenance);
        if collateral >= need {
            (true, collateral - need)
        } else {
            (false, need - collateral)
        }
    }
}

/// The requirements of `book` (written amounts negative) at `spot_wad` and `rate_wad`,
/// stressed over `grid`, in units of an asset with `decimals` decimals.
///
/// The liability is the book's value rounded down (the mark of a written option rounded
/// up), the worst loss overstates as [`worst_loss`] documents, and each conversion to asset
/// units is one upward rounding of the exact quotient.
///
/// Cost: as [`worst_loss`], plus one valuation of the book.
///
/// # Errors
/// [`MathError::InvalidBounds`] if the maintenance fraction exceeds 1e18 (`min` = the
/// fraction, `max` = 1e18); [`MathError::DecimalsOutOfRange`] if `decimals > 18`; any error
/// of [`worst_loss`] (an empty grid, an input outside the pricer's domain).
pub fn requirement_asset_up(
    spot_wad: u128,
    rate_wad: u128,
    book: &[Position],
    grid: &Grid<'_>,
    params: &MarginParams,
    decimals: u8,
) -> Result<Requirement, MathError> {
    if params.maintenance_fraction_wad > WAD_U128 {
        return Err(MathError::InvalidBounds {
            min: params.maintenance_fraction_wad,
            max: WAD_U128,
        });
    }
    if decimals > 18 {
        return Err(MathError::DecimalsOutOfRange { decimals });
    }
    let unit = U256::from(10u8).pow(U256::from(18 - decimals));
    let liability = liability_asset_up(spot_wad, rate_wad, book, decimals)?;
    let stress = worst_loss(spot_wad, rate_wad, book, grid)?;
    let initial = mul_div_up(
        U256::from(stress.worst_loss_wad),
        U256::from(params.initial_multiplier_wad),
        unit * WAD,
    )?;
    let maintenance = mul_div_up(initial, U256::from(params.maintenance_fraction_wad), WAD)?;
    Ok(Requirement { liability, initial, maintenance })
}

/// What closing `book` (written amounts negative) at the mark costs, in units of an asset
/// with `decimals` decimals, rounded up: the book's value rounded down (the mark of a
/// written option rounded up), negated, then one upward rounding into asset units; 0 if
/// the book is worth something to its holder. The liability of [`requirement_asset_up`],
/// without the stress grid (one valuation of the book).
///
/// # Errors
/// [`MathError::DecimalsOutOfRange`] if `decimals > 18`; an input outside the pricer's
/// domain; [`MathError::Overflow`] if the value does not fit.
pub fn liability_asset_up(
    spot_wad: u128,
    rate_wad: u128,
    book: &[Position],
    decimals: u8,
) -> Result<U256, MathError> {
    if decimals > 18 {
        return Err(MathError::DecimalsOutOfRange { decimals });
    }
    let unit = U256::from(10u8).pow(U256::from(18 - decimals));
    let value_down = book_value_wad(spot_wad, rate_wad, book, WAD_U128, false)?;
    let liability_wad = if value_down < 0 { value_down.unsigned_abs() } else { 0 };
    mul_div_up(U256::from(liability_wad), U256::from(1u8), unit)
}

/// The governance parameters of a liquidation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LiquidationParams {
    /// The penalty as a fraction of the liability, 18 decimals.
    pub penalty_rate_wad: u128,
    /// The liquidator's share of the penalty, 18 decimals, at most 1e18.
    pub bounty_share_wad: u128,
    /// The least bounty, asset units: enough to cover the gas of the call, so that no
    /// position is too small to be worth liquidating.
    pub min_bounty: U256,
}

/// Where a liquidated account's collateral goes, in asset units.
///
/// `bounty + to_pool + to_reserve + returned == collateral` and
/// `to_pool + shortfall == liability`, exactly.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Liquidation {
    /// To the liquidator: paid first, so that liquidating an insolvent account still pays.
    pub bounty: U256,
    /// To the pool, which takes the written options over at the mark.
    pub to_pool: U256,
    /// The rest of the penalty, to the market's reserve.
    pub to_reserve: U256,
    /// What is left, back to the trader.
    pub returned: U256,
    /// The part of the liability the collateral could not pay: the loss the trader-default
    /// waterfall covers next.
    pub shortfall: U256,
}

/// Splits `collateral` when an account whose book costs `liability` to close is
/// liquidated (both asset units).
///
/// The penalty is `ceil(liability x penalty_rate)`. The bounty is
/// `max(min_bounty, floor(penalty x bounty_share))`, paid first and at most the
/// collateral; then the pool is paid the liability, then the reserve the rest of the
/// penalty (the penalty less the bounty, if positive), then the trader what remains.
///
/// # Errors
/// [`MathError::InvalidBounds`] if the bounty share exceeds 1e18 (`min` = the share,
/// `max` = 1e18); [`MathError::Overflow`] if the penalty does not fit 256 bits.
pub fn liquidation_split(
    collateral: U256,
    liability: U256,
    params: &LiquidationParams,
) -> Result<Liquidation, MathError> {
    if params.bounty_share_wad > WAD_U128 {
        return Err(MathError::InvalidBounds { min: params.bounty_share_wad, max: WAD_U128 });
    }
    let penalty = mul_div_up(liability, U256::from(params.penalty_rate_wad), WAD)?;
    let share = mul_div_down(penalty, U256::from(params.bounty_share_wad), WAD)?;
    let bounty = share.max(params.min_bounty).min(collateral);
    let mut left = collateral - bounty; // bounty <= collateral
    let to_pool = liability.min(left);
    left -= to_pool; // to_pool <= left
    let shortfall = liability - to_pool; // to_pool <= liability
    let to_reserve = penalty.saturating_sub(bounty).min(left);
    let returned = left - to_reserve; // to_reserve <= left
    Ok(Liquidation { bounty, to_pool, to_reserve, returned, shortfall })
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    const W: u128 = WAD_U128;
    const SPOTS: [u128; 5] = [W / 2, 8 * W / 10, W, 12 * W / 10, 15 * W / 10];
    const VOLS: [u128; 2] = [W, 2 * W];

    fn grid() -> Grid<'static> {
        Grid { spot_factors_wad: &SPOTS, vol_factors_wad: &VOLS }
    }

    fn short_call(amount: u128) -> [Position; 1] {
        [Position {
            strike_wad: 2000 * W,
            t_years_wad: W / 12,
            vol_wad: 8 * W / 10,
            call_amount_wad: -i128::try_from(amount).expect("test amount"),
            put_amount_wad: 0,
        }]
    }

    #[test]
    fn requirements_are_ordered_and_health_flips_at_maintenance() {
        let params = MarginParams {
            initial_multiplier_wad: 12 * W / 10,
            maintenance_fraction_wad: 6 * W / 10,
        };
        let r = requirement_asset_up(2000 * W, 0, &short_call(3 * W), &grid(), &params, 6).unwrap();
        // Three one-month ATM calls at 80% vol: about 3 x 183.6 USDC.
        assert!(
            r.liability > U256::from(550_000_000u64) && r.liability < U256::from(552_000_000u64)
        );
        assert!(r.initial > r.maintenance && r.maintenance > U256::ZERO);
        let at = r.liability + r.maintenance;
        assert_eq!(r.health(at), (true, U256::ZERO));
        assert_eq!(r.health(at - U256::from(1u8)), (false, U256::from(1u8)));
        assert!(r.meets_initial(r.liability + r.initial));
        assert_eq!(liability_asset_up(2000 * W, 0, &short_call(3 * W), 6), Ok(r.liability));
        // A long book owes nothing.
        let mut long = short_call(3 * W);
        long[0].call_amount_wad = -long[0].call_amount_wad;
        assert_eq!(liability_asset_up(2000 * W, 0, &long, 6), Ok(U256::ZERO));
        assert_eq!(
            liability_asset_up(2000 * W, 0, &long, 19),
            Err(MathError::DecimalsOutOfRange { decimals: 19 })
        );
        assert!(!r.meets_initial(r.liability + r.initial - U256::from(1u8)));
    }

    #[test]
    fn bad_parameters_are_errors() {
        let bad = MarginParams { initial_multiplier_wad: W, maintenance_fraction_wad: W + 1 };
        assert_eq!(
            requirement_asset_up(2000 * W, 0, &short_call(W), &grid(), &bad, 6),
            Err(MathError::InvalidBounds { min: W + 1, max: W })
        );
        let ok = MarginParams { initial_multiplier_wad: W, maintenance_fraction_wad: W };
        assert_eq!(
            requirement_asset_up(2000 * W, 0, &short_call(W), &grid(), &ok, 19),
            Err(MathError::DecimalsOutOfRange { decimals: 19 })
        );
        let empty = Grid { spot_factors_wad: &[], vol_factors_wad: &VOLS };
        assert_eq!(
            requirement_asset_up(2000 * W, 0, &short_call(W), &empty, &ok, 6),
            Err(MathError::LengthMismatch { expected: 1, got: 0 })
        );
        let lp = LiquidationParams {
            penalty_rate_wad: 0,
            bounty_share_wad: W + 1,
            min_bounty: U256::ZERO,
        };
        assert_eq!(
            liquidation_split(U256::from(1u8), U256::from(1u8), &lp),
            Err(MathError::InvalidBounds { min: W + 1, max: W })
        );
    }

    #[test]
    fn an_insolvent_account_still_pays_the_bounty_and_records_the_shortfall() {
        let lp = LiquidationParams {
            penalty_rate_wad: W / 10,
            bounty_share_wad: W / 2,
            min_bounty: U256::from(5u8),
        };
        let l = liquidation_split(U256::from(100u8), U256::from(150u8), &lp).unwrap();
        // penalty 15, bounty max(5, 7) = 7, pool 93, shortfall 57.
        assert_eq!(
            l,
            Liquidation {
                bounty: U256::from(7u8),
                to_pool: U256::from(93u8),
                to_reserve: U256::ZERO,
                returned: U256::ZERO,
                shortfall: U256::from(57u8)
            }
        );
        // A solvent one: penalty 10, bounty 5 (the minimum), reserve 5, the rest back.
        let l = liquidation_split(U256::from(200u8), U256::from(100u8), &lp).unwrap();
        assert_eq!(
            (l.bounty, l.to_pool, l.to_reserve, l.returned),
            (U256::from(5u8), U256::from(100u8), U256::from(5u8), U256::from(90u8))
        );
    }

    proptest! {
        #[test]
        fn a_liquidation_conserves_every_unit(collateral in any::<u128>(), liability in any::<u128>(), rate in 0u128..W, share in 0u128..=W, min in 0u128..1_000_000_000) {
            let lp = LiquidationParams { penalty_rate_wad: rate, bounty_share_wad: share, min_bounty: U256::from(min) };
            let (c, l) = (U256::from(collateral), U256::from(liability));
            let s = liquidation_split(c, l, &lp).unwrap();
            prop_assert_eq!(s.bounty + s.to_pool + s.to_reserve + s.returned, c);
            prop_assert_eq!(s.to_pool + s.shortfall, l);
            prop_assert!(s.bounty >= U256::from(min).min(c));
            // Nothing goes back to a trader while the pool is owed.
            prop_assert!(s.shortfall.is_zero() || s.returned.is_zero());
        }

        #[test]
        fn requirements_grow_with_the_size(a in 1u128..50, extra in 1u128..50, spot in 1000u128..4000) {
            let params = MarginParams { initial_multiplier_wad: 13 * W / 10, maintenance_fraction_wad: W / 2 };
            let small = requirement_asset_up(spot * W, 0, &short_call(a * W), &grid(), &params, 6).unwrap();
            let large = requirement_asset_up(spot * W, 0, &short_call((a + extra) * W), &grid(), &params, 6).unwrap();
            prop_assert!(small.liability <= large.liability);
            prop_assert!(small.initial <= large.initial);
            prop_assert!(small.maintenance <= large.maintenance);
            // The initial margin covers the worst scenario of the grid: the book's value
            // there (rounded down: the cost to close rounded up) is within liability + initial.
            let spot_wad = spot * W;
            let unit = U256::from(1_000_000_000_000u64);
            for sf in SPOTS { for vf in VOLS {
                let shocked = spot_wad / W * sf;
                let v = book_value_wad(shocked, 0, &short_call(a * W), vf, false).unwrap();
                let cost = U256::from(v.unsigned_abs()).div_ceil(unit);
                prop_assert!(cost <= small.liability + small.initial + U256::from(1u8));
            }}
        }
    }
}
