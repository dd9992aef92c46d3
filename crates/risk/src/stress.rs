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
//! [`book_greeks_wad`] sums the book's first-order sensitivities (net delta and vega) with
//! the same pricer, for caps on them.
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

use crate::black_scholes::{greeks, prices, Inputs, SPOT_STRIKE_MAX_WAD, VOL_MAX_WAD};
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

/// A book's first-order sensitivities, summed over its lines: what the market's net delta
/// and net vega caps compare.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct NetGreeks {
    /// `sum(calls x deltaCall + puts x deltaPut)`: the book's delta, in units of the
    /// underlying, 18 decimals (a book that wrote calls is short delta: negative).
    pub delta_wad: I256,
    /// `sum((calls + puts) x vega)`: the book's vega, in 18-decimal units of the spot's
    /// price per 1.00 (100 percentage points) of volatility, every line's volatility moved
    /// together (a book that wrote options is short vega: negative).
    pub vega_wad: I256,
}

/// The net delta and net vega of `book` at `spot_wad`, each line at its own volatility
/// and time, with the greeks of [`greeks`] (the inputs of [`book_value_wad`] with no
/// shock).
///
/// Rounding: the sum of `amount x greek` is formed exactly (in 1e-36 units) and rounded
/// once, its magnitude up (away from zero), so a cap on `|delta|` or `|vega|` never reads
/// a book as smaller than it is. Error against the true greeks: the per-unit error of
/// [`greeks`] (delta within 5 wei, vega within `10 wei + 1e-16 |vega|` on its accuracy
/// domain) times `sum(|amount|) / 1e18`, plus less than 1 wei of rounding.
///
/// ```
/// use alloy_primitives::I256;
/// use mutual_risk::stress::{book_greeks_wad, NetGreeks, Position};
/// const W: u128 = 1_000_000_000_000_000_000;
/// // One call held and one put written at the same line: delta_call - delta_put is
/// // exactly 1, so the book is exactly one unit long the underlying, and its vegas cancel.
/// let book = [Position { strike_wad: 2100 * W, t_years_wad: W / 4, vol_wad: 8 * W / 10,
///                        call_amount_wad: W as i128, put_amount_wad: -(W as i128) }];
/// let g = book_greeks_wad(2000 * W, W / 20, &book).unwrap();
/// assert_eq!(g, NetGreeks { delta_wad: I256::try_from(W).unwrap(), vega_wad: I256::ZERO });
/// ```
///
/// # Errors
/// An input outside the pricer's domain, as [`greeks`] (also a greek that does not fit,
/// only far outside its accuracy domain); [`MathError::Overflow`] for a book of `2^26`
/// lines or more (the bound that keeps the exact sums within 256 bits; such a slice takes
/// 5 GiB).
pub fn book_greeks_wad(
    spot_wad: u128,
    rate_wad: u128,
    book: &[Position],
) -> Result<NetGreeks, MathError> {
    // Exact sums in 1e-36 units. No overflow: |amount| <= 2^127, |delta| <= 1e18 < 2^60
    // and vega = S phi(d1) sqrt(T) <= 1e30 x 0.4 x sqrt(10) < 2^101 (the pricer's bounds),
    // so each product is below 2^228 and a sum of two per line over fewer than 2^26 lines
    // below 2^255: the additions below cannot overflow.
    if book.len() >= 1 << 26 {
        return Err(MathError::Overflow);
    }
    let (mut delta, mut vega) = (I256::ZERO, I256::ZERO);
    for p in book {
        let g = greeks(&Inputs {
            spot_wad,
            strike_wad: p.strike_wad,
            t_years_wad: p.t_years_wad,
            vol_wad: p.vol_wad,
            rate_wad,
        })?;
        let (calls, puts) = (p.call_amount_wad, p.put_amount_wad);
        let (call_delta, put_delta) = (g.delta_call_wad, g.delta_put_wad);
        delta += product(calls, call_delta.unsigned_abs(), call_delta < 0)
            + product(puts, put_delta.unsigned_abs(), put_delta < 0);
        vega += product(calls, g.vega_wad, false) + product(puts, g.vega_wad, false);
    }
    Ok(NetGreeks { delta_wad: away_wad(delta), vega_wad: away_wad(vega) })
}

/// `amount x greek`, exactly, the greek given as its magnitude and sign.
fn product(amount_wad: i128, greek_magnitude: u128, greek_negative: bool) -> I256 {
    // Below 2^228 (see the caller): a non-negative int256, and so is its negation.
    let m = I256::from_raw(U256::from(amount_wad.unsigned_abs()) * U256::from(greek_magnitude));
    if (amount_wad < 0) == greek_negative {
        m
    } else {
        -m
    }
}

/// `x / 1e18`, its magnitude rounded up (away from zero).
fn away_wad(x: I256) -> I256 {
    // |x| / 1e18 < 2^255: a non-negative int256, and so is its negation.
    let magnitude = I256::from_raw(x.unsigned_abs().div_ceil(WAD));
    if x.is_negative() {
        -magnitude
    } else {
        magnitude
    }
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
    use crate::black_scholes::RATE_MAX_WAD;
    use num_bigint::BigInt;
    use num_integer::Integer;
    use num_traits::{Signed, Zero};
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

    /// `x` as an `int256`.
    fn int(x: i128) -> I256 {
        I256::try_from(x).unwrap()
    }

    /// An `int256` as a big integer.
    fn big(x: I256) -> BigInt {
        x.to_string().parse().unwrap()
    }

    /// `sum(amount x greek)` over `book` with big integers, divided by 1e18 with the
    /// magnitude rounded up: the reference of [`book_greeks_wad`].
    fn reference_greeks(spot: u128, rate: u128, book: &[Position]) -> (BigInt, BigInt) {
        let (mut delta, mut vega) = (BigInt::zero(), BigInt::zero());
        for p in book {
            let g = greeks(&Inputs {
                spot_wad: spot,
                strike_wad: p.strike_wad,
                t_years_wad: p.t_years_wad,
                vol_wad: p.vol_wad,
                rate_wad: rate,
            })
            .unwrap();
            let (calls, puts) = (BigInt::from(p.call_amount_wad), BigInt::from(p.put_amount_wad));
            delta += &calls * g.delta_call_wad + &puts * g.delta_put_wad;
            vega += (calls + puts) * g.vega_wad;
        }
        let away = |x: BigInt| {
            let magnitude = Integer::div_ceil(&x.abs(), &BigInt::from(W));
            if x.is_negative() {
                -magnitude
            } else {
                magnitude
            }
        };
        (away(delta), away(vega))
    }

    #[test]
    fn greeks_of_a_written_call_are_short_delta_and_vega() {
        // Ten written 2100 calls (one month, 80%, spot 2000, rate 0): delta -10 x N(d1),
        // vega -10 x S phi(d1) sqrt(T), the one line's greeks times the amount, rounded
        // away from zero.
        let line = call_line(2100, -10 * W as i128);
        let g = greeks(&Inputs {
            spot_wad: 2000 * W,
            strike_wad: line.strike_wad,
            t_years_wad: line.t_years_wad,
            vol_wad: line.vol_wad,
            rate_wad: 0,
        })
        .unwrap();
        let net = book_greeks_wad(2000 * W, 0, &[line]).unwrap();
        assert_eq!(
            net,
            NetGreeks {
                delta_wad: int(-10 * g.delta_call_wad),
                vega_wad: int(-10 * g.vega_wad as i128)
            }
        );
        assert!(net.delta_wad.is_negative() && net.vega_wad.is_negative());
        // One wei of an option: delta (below 1 per unit) rounds up to one wei, not down to
        // zero; vega (about 230 per unit here) to the wei above it.
        let dust = book_greeks_wad(2000 * W, 0, &[call_line(2100, -1)]).unwrap();
        assert_eq!(
            dust,
            NetGreeks { delta_wad: int(-1), vega_wad: int(-(g.vega_wad.div_ceil(W) as i128)) }
        );
        assert_eq!(book_greeks_wad(2000 * W, 0, &[]), Ok(NetGreeks::default()));
        // A line the pricer refuses (no time left) is refused.
        let expired = Position { t_years_wad: 0, ..line };
        assert_eq!(
            book_greeks_wad(2000 * W, 0, &[expired]),
            Err(MathError::TimeOutOfRange { t_years_wad: 0 })
        );
    }

    #[test]
    fn extreme_books_sum_exactly() {
        // The largest amounts at the largest vega the pricer allows (spot and strike 1e12,
        // ten years, 100% vol: vega about 0.4 x 1e12 x sqrt(10) = 1.3e12 per unit), both
        // signs, several lines: the sums stay exact (the no-overflow bound of the function).
        let max = SPOT_STRIKE_MAX_WAD;
        let line = |calls: i128, puts: i128| Position {
            strike_wad: max,
            t_years_wad: crate::black_scholes::T_MAX_WAD,
            vol_wad: W,
            call_amount_wad: calls,
            put_amount_wad: puts,
        };
        for book in [
            vec![line(i128::MIN, i128::MIN); 4],
            vec![line(i128::MAX, i128::MAX); 4],
            vec![line(i128::MIN, i128::MAX), line(i128::MAX, i128::MIN), line(i128::MIN, 0)],
        ] {
            let got = book_greeks_wad(max, RATE_MAX_WAD, &book).unwrap();
            let (delta, vega) = reference_greeks(max, RATE_MAX_WAD, &book);
            assert_eq!((big(got.delta_wad), big(got.vega_wad)), (delta, vega));
        }
    }

    proptest! {
        #[test]
        fn net_greeks_are_the_exact_sum_rounded_away_from_zero(
            lines in proptest::collection::vec(
                (500u128..5_000, 1u128..730, 5u128..300, -1_000i128..1_000, -1_000i128..1_000),
                0..8,
            ),
            spot in 500u128..5_000,
            rate_bp in 0u128..2_000,
            scale in prop_oneof![Just(1i128), Just(W as i128 / 1000), Just(W as i128 * 1000)],
        ) {
            let book: Vec<Position> = lines
                .iter()
                .map(|&(strike, days, vol_pct, calls, puts)| Position {
                    strike_wad: strike * W,
                    t_years_wad: days * W / 365,
                    vol_wad: vol_pct * W / 100,
                    call_amount_wad: calls * scale,
                    put_amount_wad: puts * scale,
                })
                .collect();
            let rate = rate_bp * W / 10_000;
            let got = book_greeks_wad(spot * W, rate, &book).unwrap();
            let (delta, vega) = reference_greeks(spot * W, rate, &book);
            prop_assert_eq!(big(got.delta_wad), delta);
            prop_assert_eq!(big(got.vega_wad), vega);
            // The book written back (every amount negated) has exactly the opposite greeks.
            let negated: Vec<Position> = book
                .iter()
                .map(|p| Position {
                    call_amount_wad: -p.call_amount_wad,
                    put_amount_wad: -p.put_amount_wad,
                    ..*p
                })
                .collect();
            let back = book_greeks_wad(spot * W, rate, &negated).unwrap();
            prop_assert_eq!((back.delta_wad, back.vega_wad), (-got.delta_wad, -got.vega_wad));
            // Calls held against as many puts written is the underlying itself (put-call
            // parity of the deltas, exact in the pricer): delta the amount, vega zero.
            let synthetic: Vec<Position> = book
                .iter()
                .map(|p| Position { put_amount_wad: -p.call_amount_wad, ..*p })
                .collect();
            let forward = book_greeks_wad(spot * W, rate, &synthetic).unwrap();
            let held: i128 = book.iter().map(|p| p.call_amount_wad).sum();
            prop_assert_eq!(forward, NetGreeks { delta_wad: int(held), vega_wad: I256::ZERO });
        }

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
