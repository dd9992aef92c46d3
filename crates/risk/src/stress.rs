//! The stress grid: the worst loss of a book of European options over a grid of
//! instantaneous spot and volatility shocks, priced with the same Black-Scholes as
//! everything else.
//!
//! The book's value is `sum(amount * price)` over its positions, long amounts positive
//! and short (written) amounts negative. A scenario multiplies the spot by one factor and
//! every position's volatility by another, at the same time to expiry, and its loss is
//! the value now minus the value in the scenario. The rounding always overstates a loss:
//! today's value is rounded up (longs up, shorts down) and the scenario's down, so a
//! margin or a capital requirement built on it is never short by a rounding.
//!
//! ```
//! use mutual_risk::stress::{worst_loss, Grid, Position};
//! const W: u128 = 1_000_000_000_000_000_000;
//! // The pool wrote 10 calls struck at 2100 (three months, 80% vol) with spot at 2000.
//! let book = [Position { strike_wad: 2100 * W, t_years_wad: W / 4, vol_wad: 8 * W / 10,
//!                        call_amount_wad: -10 * W as i128, put_amount_wad: 0 }];
//! let grid = Grid { spot_factors_wad: &[W / 2, W, 3 * W / 2], vol_factors_wad: &[W, 2 * W] };
//! let r = worst_loss(2000 * W, 0, &book, &grid).unwrap();
//! assert_eq!((r.spot_index, r.vol_index), (2, 1)); // spot +50% with vol doubled hurts most
//! assert!(r.worst_loss_wad > 10 * 900 * W);          // at least the new intrinsic, 10 x 900
//! ```

use alloy_primitives::{I256, U256};

use crate::black_scholes::{prices, Inputs, SPOT_STRIKE_MAX_WAD, VOL_MAX_WAD};
use crate::fixed::{mul_div_down, mul_div_up, WAD};
use crate::MathError;

/// One line of a book: amounts of calls and puts at one strike and expiry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Position {
    /// Strike, 18 decimals.
    pub strike_wad: u128,
    /// Time to expiry in years, 18 decimals.
    pub t_years_wad: u128,
    /// The volatility this line is marked at, before shocks, 18 decimals.
    pub vol_wad: u128,
    /// Calls held (positive) or written (negative), in units of the underlying, 18 decimals.
    pub call_amount_wad: i128,
    /// Puts held (positive) or written (negative), 18 decimals.
    pub put_amount_wad: i128,
}

/// The shocks: every spot factor is combined with every volatility factor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Grid<'a> {
    /// Spot multipliers, 18 decimals (0.5e18 is a 50% crash). Include 1e18 to test the
    /// volatility shocks alone.
    pub spot_factors_wad: &'a [u128],
    /// Volatility multipliers, 18 decimals.
    pub vol_factors_wad: &'a [u128],
}

/// The worst scenario of a grid.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StressResult {
    /// The largest loss over the grid, 18 decimals; 0 if no scenario loses.
    pub worst_loss_wad: u128,
    /// Index of the worst scenario's spot factor (the first, on ties).
    pub spot_index: usize,
    /// Index of the worst scenario's volatility factor (the first, on ties).
    pub vol_index: usize,
    /// The book's value now, rounded up, 18 decimals.
    pub value_wad: i128,
}

/// The value of `book` at `spot_wad`, with every volatility multiplied by
/// `vol_factor_wad`; rounded up (`round_up`) or down, position by position.
///
/// # Errors
/// An input outside the pricer's domain; [`MathError::Overflow`] if the value does not fit
/// an `i128`.
pub fn book_value_wad(
    spot_wad: u128,
    rate_wad: u128,
    book: &[Position],
    vol_factor_wad: u128,
    round_up: bool,
) -> Result<i128, MathError> {
    let mut total = I256::ZERO;
    for p in book {
        let vol_wad = shocked(p.vol_wad, vol_factor_wad, VOL_MAX_WAD);
        let pr = prices(&Inputs {
            spot_wad,
            strike_wad: p.strike_wad,
            t_years_wad: p.t_years_wad,
            vol_wad,
            rate_wad,
        })?;
        for (amount, price) in [(p.call_amount_wad, pr.call_wad), (p.put_amount_wad, pr.put_wad)] {
            total = total
                .checked_add(line_value(amount, price, round_up)?)
                .ok_or(MathError::Overflow)?;
        }
    }
    i128::try_from(total).map_err(|_| MathError::Overflow)
}

/// The worst loss of `book` over `grid`, spot and volatilities shocked together.
///
/// Cost: `(spot factors x vol factors + 1) x positions` price evaluations.
///
/// # Errors
/// [`MathError::LengthMismatch`] if a factor list is empty (`expected` 1, `got` 0); an
/// input outside the pricer's domain; [`MathError::Overflow`] if a value does not fit.
pub fn worst_loss(
    spot_wad: u128,
    rate_wad: u128,
    book: &[Position],
    grid: &Grid<'_>,
) -> Result<StressResult, MathError> {
    if grid.spot_factors_wad.is_empty() || grid.vol_factors_wad.is_empty() {
        return Err(MathError::LengthMismatch { expected: 1, got: 0 });
    }
    let value_wad = book_value_wad(spot_wad, rate_wad, book, WAD_U128, true)?;
    let mut worst = StressResult { worst_loss_wad: 0, spot_index: 0, vol_index: 0, value_wad };
    for (si, &sf) in grid.spot_factors_wad.iter().enumerate() {
        let shocked_spot = shocked(spot_wad, sf, SPOT_STRIKE_MAX_WAD);
        for (vi, &vf) in grid.vol_factors_wad.iter().enumerate() {
            let scenario = book_value_wad(shocked_spot, rate_wad, book, vf, false)?;
            let loss = value_wad.checked_sub(scenario).ok_or(MathError::Overflow)?;
            if loss > 0 {
                let loss = loss.unsigned_abs();
                if loss > worst.worst_loss_wad {
                    worst = StressResult {
                        worst_loss_wad: loss,
                        spot_index: si,
                        vol_index: vi,
                        value_wad,
                    };
                }
            }
        }
    }
    Ok(worst)
}

const WAD_U128: u128 = crate::fixed::WAD_U128;

/// `x * factor`, rounded down, kept within `[1, max]` so the pricer accepts it.
fn shocked(x: u128, factor_wad: u128, max: u128) -> u128 {
    let v = mul_div_down(U256::from(x), U256::from(factor_wad), WAD).unwrap_or(U256::MAX);
    u128::try_from(v).unwrap_or(u128::MAX).clamp(1, max)
}

/// `amount * price / 1e18`, rounded toward `+inf` if `round_up`, else toward `-inf`.
fn line_value(amount_wad: i128, price_wad: u128, round_up: bool) -> Result<I256, MathError> {
    let magnitude = U256::from(amount_wad.unsigned_abs());
    let price = U256::from(price_wad);
    // A long's value rounds like the result; a short's magnitude rounds the other way.
    let up = round_up == (amount_wad >= 0);
    let v =
        if up { mul_div_up(magnitude, price, WAD)? } else { mul_div_down(magnitude, price, WAD)? };
    // amount < 2^127 and price <= 1e30 keep v below 2^228.
    let v = I256::try_from(v).map_err(|_| MathError::Overflow)?;
    Ok(if amount_wad < 0 { -v } else { v })
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

    const W: u128 = 1_000_000_000_000_000_000;

    fn call_line(strike: u128, amount: i128) -> Position {
        Position {
            strike_wad: strike * W,
            t_years_wad: W / 12,
            vol_wad: 8 * W / 10,
            call_amount_wad: amount,
            put_amount_wad: 0,
        }
    }

    #[test]
    fn empty_grid_is_an_error_and_empty_book_loses_nothing() {
        let grid = Grid { spot_factors_wad: &[], vol_factors_wad: &[W] };
        assert_eq!(
            worst_loss(W, 0, &[], &grid),
            Err(MathError::LengthMismatch { expected: 1, got: 0 })
        );
        let grid = Grid { spot_factors_wad: &[W / 2, 2 * W], vol_factors_wad: &[W] };
        let r = worst_loss(2000 * W, 0, &[], &grid).unwrap();
        assert_eq!(
            r,
            StressResult { worst_loss_wad: 0, spot_index: 0, vol_index: 0, value_wad: 0 }
        );
    }

    #[test]
    fn a_hedged_book_loses_less_than_its_naked_leg() {
        let grid = Grid {
            spot_factors_wad: &[W / 2, 8 * W / 10, W, 12 * W / 10, 3 * W / 2],
            vol_factors_wad: &[W / 2, W, 2 * W],
        };
        let naked = [call_line(2000, -(W as i128))];
        let spread = [call_line(2000, -(W as i128)), call_line(2200, W as i128)];
        let a = worst_loss(2000 * W, 0, &naked, &grid).unwrap();
        let b = worst_loss(2000 * W, 0, &spread, &grid).unwrap();
        assert!(b.worst_loss_wad < a.worst_loss_wad);
        // A call spread loses at most the strike difference (200) plus today's premium gap.
        assert!(b.worst_loss_wad < 200 * W);
    }

    #[test]
    fn long_only_book_worst_case_is_the_crash_with_vol_down() {
        let grid =
            Grid { spot_factors_wad: &[W / 2, W, 2 * W], vol_factors_wad: &[W / 2, W, 2 * W] };
        let r = worst_loss(2000 * W, 0, &[call_line(2000, 5 * W as i128)], &grid).unwrap();
        assert_eq!((r.spot_index, r.vol_index), (0, 0));
        assert!(r.worst_loss_wad <= r.value_wad as u128); // a long can lose at most its value
    }

    proptest! {
        #[test]
        fn loss_is_never_negative_and_rounding_overstates(
            strike in 1_000u128..3_000, amount in -100i128..100, sf in 1u128..3_000, vf in 1u128..3_000,
        ) {
            let book = [call_line(strike, amount * W as i128 / 10)];
            let grid = Grid { spot_factors_wad: &[sf * W / 1000], vol_factors_wad: &[vf * W / 1000] };
            let r = worst_loss(2000 * W, 50_000_000_000_000_000, &book, &grid).unwrap();
            let up = book_value_wad(2000 * W, 50_000_000_000_000_000, &book, W, true).unwrap();
            let down = book_value_wad(2000 * W, 50_000_000_000_000_000, &book, W, false).unwrap();
            prop_assert!(up - down <= 1 && up >= down);
            prop_assert_eq!(r.value_wad, up);
        }
    }
}
