//! `RiskEngine`: Mutual's pure risk crate (`mutual-risk`) behind an ABI.
//!
//! Stateless and permissionless: every call is a function of its arguments, the same
//! integer code the CLI and the simulator run. It is the first program of the market's
//! split (`docs/market.md`, "Size"): the market's book and the shorts' margin accounts
//! call it for the heavy math, so that they fit the 24,576-byte limit.
//!
//! - [`RiskEngine::trade_price`]: the volatility, premium and fees of a trade
//!   (`mutual_risk::trade`), rounded against the trader.
//! - [`RiskEngine::book_risk`]: the liability and the stressed loss of an option book
//!   (`mutual_risk::stress`), in asset units, rounded up, and its net delta and vega
//!   (`mutual_risk::stress::book_greeks_wad`).
//! - [`RiskEngine::margin_requirement`]: the liability, initial and maintenance margin of
//!   a written book (`mutual_risk::margin`), rounded up.
//! - [`RiskEngine::greeks`]: Black-Scholes prices and every greek of one option
//!   (`mutual_risk::black_scholes::greeks`), for the listings' `greeks(strikeId)` view.
//!
//! A book is given as `int256` words, five per line: strike, time to expiry in years,
//! volatility (all 18 decimals, non-negative), calls and puts held (positive) or written
//! (negative), 18 decimals.
#![cfg_attr(all(target_arch = "wasm32", not(feature = "export-abi")), no_std)]
#![allow(
    clippy::result_large_err,
    reason = "errors carry their arguments by value (EIP-6093); only the failing path pays"
)]
#![allow(
    clippy::must_use_candidate,
    reason = "the public methods are contract entry points, called through the ABI"
)]

extern crate alloc;

mod errors;
mod state;
#[cfg(test)]
mod tests;

use alloc::vec::Vec;

use alloy_primitives::{I256, U256};
use mutual_risk::{
    black_scholes::{greeks, prices, years_wad_from_seconds_down, Inputs},
    fixed::WAD_U128,
    margin::{requirement_asset_up, MarginParams, Requirement},
    stress::{book_greeks_wad, Grid, Position},
    trade::{
        fees_asset_up, premium_asset_down, premium_asset_up, trade_vol_wad, FeeSchedule, VolCurve,
    },
};
use stylus_sdk::prelude::*;

pub use errors::*;
pub use state::RiskEngine;

/// Words per line of a book: strike, time, volatility, calls, puts.
pub const LINE_WORDS: usize = 5;

/// Aborts on panic in the deployed contract (built with `panic=immediate-abort`; every
/// panic site is a proven-unreachable `expect`).
#[cfg(all(target_arch = "wasm32", not(feature = "export-abi")))]
#[panic_handler]
fn panic(_info: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}

#[public]
impl RiskEngine {
    /// Returns the price of a trade of `amountWad` options: `(premium, fees, volWad,
    /// baseIvAfterWad)`. The volatility is `trade_vol_wad` of `curve` (the base IV moved
    /// against the trader by size, times the skew); the premium is Black-Scholes at it
    /// times the amount, in units of an asset of `decimals` decimals, rounded up on a buy
    /// and down on a sale; the fees are `fees_asset_up` of `fees`, rounded up.
    ///
    /// # Arguments
    ///
    /// * `spot_wad` - The spot, 18 decimals.
    /// * `strike_wad` - The strike, 18 decimals.
    /// * `seconds_to_expiry` - Time to expiry, in seconds (rounded down into years).
    /// * `rate_wad` - The rate, 18 decimals.
    /// * `is_call` - Calls or puts.
    /// * `is_buy` - A purchase from the pool, or a sale to it.
    /// * `amount_wad` - The options, 18 decimals.
    /// * `curve` - `[baseIv, skew, impact, minIv, maxIv]`, 18 decimals.
    /// * `fees` - `[spreadRate, spreadCapOfPremium, utilizationRate]`, 18 decimals.
    /// * `decimals` - The asset's decimals, at most 18.
    ///
    /// # Errors
    ///
    /// * [`Error::InvalidLength`] - If `curve` is not 5 words or `fees` not 3.
    /// * [`Error::ValueOutOfRange`] - If a value does not fit 128 bits.
    /// * [`Error::Math`] - If the pure crate refuses the inputs (a zero time or
    ///   volatility, a spot out of range, `decimals > 18`, `minIv > maxIv`, ...).
    #[allow(clippy::too_many_arguments, reason = "the ABI of one pricing call")]
    #[allow(
        clippy::needless_pass_by_value,
        reason = "ABI arguments are decoded into owned vectors"
    )]
    pub fn trade_price(
        &self,
        spot_wad: U256,
        strike_wad: U256,
        seconds_to_expiry: u64,
        rate_wad: U256,
        is_call: bool,
        is_buy: bool,
        amount_wad: U256,
        curve: Vec<U256>,
        fees: Vec<U256>,
        decimals: u8,
    ) -> Result<(U256, U256, U256, U256), Error> {
        let curve = narrow::<5>(&curve)?;
        let fees = narrow::<3>(&fees)?;
        let (spot, amount) = (narrow_one(spot_wad)?, narrow_one(amount_wad)?);
        let vol = trade_vol_wad(
            &VolCurve {
                base_iv_wad: curve[0],
                skew_wad: curve[1],
                impact_wad: curve[2],
                min_iv_wad: curve[3],
                max_iv_wad: curve[4],
            },
            amount,
            is_buy,
        )?;
        let p = prices(&Inputs {
            spot_wad: spot,
            strike_wad: narrow_one(strike_wad)?,
            t_years_wad: years_wad_from_seconds_down(seconds_to_expiry),
            vol_wad: vol.vol_wad,
            rate_wad: narrow_one(rate_wad)?,
        })?;
        let price = if is_call { p.call_wad } else { p.put_wad };
        // Against the trader: charged up, paid down.
        let premium = if is_buy {
            premium_asset_up(price, amount, decimals)?
        } else {
            premium_asset_down(price, amount, decimals)?
        };
        let schedule = FeeSchedule {
            spread_rate_wad: fees[0],
            spread_cap_of_premium_wad: fees[1],
            utilization_rate_wad: fees[2],
        };
        let charged = fees_asset_up(spot, amount, premium, &schedule, decimals)?;
        Ok((premium, charged.total, U256::from(vol.vol_wad), U256::from(vol.base_iv_after_wad)))
    }

    /// Returns `(liability, stressedLoss, netDeltaWad, netVegaWad)` of `lines`. The first
    /// two are in units of an asset of `decimals` decimals, both rounded up: the cost of
    /// buying the book back at `spotWad` (0 if it is worth something to its holder), and
    /// its worst loss over the grid of `spotFactors` x `volFactors`
    /// (`mutual_risk::stress::worst_loss`). The last two are the book's net greeks at
    /// `spotWad`, each line at its own volatility (`mutual_risk::stress::book_greeks_wad`,
    /// magnitudes rounded up): `sum(calls x deltaCall + puts x deltaPut)` in units of the
    /// underlying, 18 decimals, and `sum((calls + puts) x vega)` in 18-decimal units of the
    /// spot's price per 1.00 of volatility (a book that wrote calls is short delta, one
    /// that wrote any option short vega).
    ///
    /// # Arguments
    ///
    /// * `spot_wad` - The spot, 18 decimals.
    /// * `rate_wad` - The rate, 18 decimals.
    /// * `decimals` - The asset's decimals, at most 18.
    /// * `spot_factors` - The grid's spot multipliers, 18 decimals; at least one.
    /// * `vol_factors` - The grid's volatility multipliers, 18 decimals; at least one.
    /// * `lines` - The book, five words per line (see the crate docs).
    ///
    /// # Errors
    ///
    /// * [`Error::InvalidLength`] - If `lines` is not a multiple of 5 words.
    /// * [`Error::ValueOutOfRange`] - If a value does not fit its type.
    /// * [`Error::Math`] - If the pure crate refuses the inputs (an empty grid, a line out
    ///   of the pricer's domain, `decimals > 18`, a line's greek that does not fit, only
    ///   far outside the pricer's accuracy domain).
    #[allow(
        clippy::needless_pass_by_value,
        reason = "ABI arguments are decoded into owned vectors"
    )]
    pub fn book_risk(
        &self,
        spot_wad: U256,
        rate_wad: U256,
        decimals: u8,
        spot_factors: Vec<U256>,
        vol_factors: Vec<U256>,
        lines: Vec<I256>,
    ) -> Result<(U256, U256, I256, I256), Error> {
        let (spot, rate, book) = (narrow_one(spot_wad)?, narrow_one(rate_wad)?, book(&lines)?);
        // With a multiplier of one, the initial margin is the stressed loss, rounded up.
        let params = MarginParams { initial_multiplier_wad: WAD_U128, maintenance_fraction_wad: 0 };
        let r = requirement(spot, rate, decimals, &spot_factors, &vol_factors, &book, &params)?;
        let net = book_greeks_wad(spot, rate, &book)?;
        Ok((r.liability, r.initial, net.delta_wad, net.vega_wad))
    }

    /// Returns `(liability, initial, maintenance)` of a written book, in units of an asset
    /// of `decimals` decimals, all rounded up (`mutual_risk::margin::requirement_asset_up`):
    /// a short needs `collateral >= liability + initial` to open or to remove margin, and
    /// may be liquidated below `liability + maintenance`.
    ///
    /// # Arguments
    ///
    /// As [`RiskEngine::book_risk`], and:
    ///
    /// * `initial_multiplier_wad` - Initial margin per unit of stressed loss, 18 decimals.
    /// * `maintenance_fraction_wad` - Maintenance as a fraction of initial, at most 1e18.
    ///
    /// # Errors
    ///
    /// As [`RiskEngine::book_risk`]; [`Error::Math`] also for a maintenance fraction above
    /// 1e18.
    #[allow(clippy::too_many_arguments, reason = "the ABI of one margin call")]
    #[allow(
        clippy::needless_pass_by_value,
        reason = "ABI arguments are decoded into owned vectors"
    )]
    pub fn margin_requirement(
        &self,
        spot_wad: U256,
        rate_wad: U256,
        decimals: u8,
        spot_factors: Vec<U256>,
        vol_factors: Vec<U256>,
        lines: Vec<I256>,
        initial_multiplier_wad: U256,
        maintenance_fraction_wad: U256,
    ) -> Result<(U256, U256, U256), Error> {
        let params = MarginParams {
            initial_multiplier_wad: narrow_one(initial_multiplier_wad)?,
            maintenance_fraction_wad: narrow_one(maintenance_fraction_wad)?,
        };
        let r = requirement(
            narrow_one(spot_wad)?,
            narrow_one(rate_wad)?,
            decimals,
            &spot_factors,
            &vol_factors,
            &book(&lines)?,
            &params,
        )?;
        Ok((r.liability, r.initial, r.maintenance))
    }

    /// Returns the Black-Scholes prices and greeks of one unit of underlying, 18 decimals:
    /// `(callWad, putWad, deltaCallWad, deltaPutWad, gammaWad, vegaWad, thetaCallWad,
    /// thetaPutWad, rhoCallWad, rhoPutWad)`, exactly `mutual_risk::black_scholes::greeks`
    /// (its documented error bounds: prices within 2 wei + 1e-18 max(S, K), delta within
    /// 5 wei). Vega and rho are per 1.00 of volatility and rate, theta per year.
    ///
    /// # Arguments
    ///
    /// * `spot_wad` - The spot, 18 decimals.
    /// * `strike_wad` - The strike, 18 decimals.
    /// * `seconds_to_expiry` - Time to expiry, in seconds (rounded down into years).
    /// * `rate_wad` - The rate, 18 decimals.
    /// * `vol_wad` - The volatility, 18 decimals.
    ///
    /// # Errors
    ///
    /// * [`Error::ValueOutOfRange`] - If a value does not fit 128 bits.
    /// * [`Error::Math`] - If the pure crate refuses the inputs (a zero time or volatility,
    ///   a spot or strike out of range).
    #[allow(
        clippy::type_complexity,
        reason = "the ABI return tuple is spelled out for the interface generator"
    )]
    pub fn greeks(
        &self,
        spot_wad: U256,
        strike_wad: U256,
        seconds_to_expiry: u64,
        rate_wad: U256,
        vol_wad: U256,
    ) -> Result<(U256, U256, I256, I256, U256, U256, I256, I256, I256, I256), Error> {
        let g = greeks(&Inputs {
            spot_wad: narrow_one(spot_wad)?,
            strike_wad: narrow_one(strike_wad)?,
            t_years_wad: years_wad_from_seconds_down(seconds_to_expiry),
            vol_wad: narrow_one(vol_wad)?,
            rate_wad: narrow_one(rate_wad)?,
        })?;
        let signed = |x: i128| {
            // |x| <= 2^127: a non-negative int256, and so is its negation.
            let magnitude = I256::from_raw(U256::from(x.unsigned_abs()));
            if x < 0 {
                -magnitude
            } else {
                magnitude
            }
        };
        Ok((
            U256::from(g.call_wad),
            U256::from(g.put_wad),
            signed(g.delta_call_wad),
            signed(g.delta_put_wad),
            U256::from(g.gamma_wad),
            U256::from(g.vega_wad),
            signed(g.theta_call_wad),
            signed(g.theta_put_wad),
            signed(g.rho_call_wad),
            signed(g.rho_put_wad),
        ))
    }
}

/// `requirement_asset_up` of decoded arguments.
fn requirement(
    spot_wad: u128,
    rate_wad: u128,
    decimals: u8,
    spot_factors: &[U256],
    vol_factors: &[U256],
    book: &[Position],
    params: &MarginParams,
) -> Result<Requirement, Error> {
    let spots = spot_factors.iter().map(|f| narrow_one(*f)).collect::<Result<Vec<_>, _>>()?;
    let vols = vol_factors.iter().map(|f| narrow_one(*f)).collect::<Result<Vec<_>, _>>()?;
    let grid = Grid { spot_factors_wad: &spots, vol_factors_wad: &vols };
    Ok(requirement_asset_up(spot_wad, rate_wad, book, &grid, params, decimals)?)
}

/// The lines of a book from its words (five per line).
fn book(words: &[I256]) -> Result<Vec<Position>, Error> {
    if words.len() % LINE_WORDS != 0 {
        return Err(invalid_length(words.len().next_multiple_of(LINE_WORDS), words.len()));
    }
    words
        .chunks_exact(LINE_WORDS)
        .map(|w| {
            let unsigned = |x: I256| u128::try_from(x).map_err(|_| out_of_range(x.into_raw()));
            let signed = |x: I256| i128::try_from(x).map_err(|_| out_of_range(x.into_raw()));
            Ok(Position {
                strike_wad: unsigned(w[0])?,
                t_years_wad: unsigned(w[1])?,
                vol_wad: unsigned(w[2])?,
                call_amount_wad: signed(w[3])?,
                put_amount_wad: signed(w[4])?,
            })
        })
        .collect()
}

/// Exactly `N` words, each narrowed to `u128`.
fn narrow<const N: usize>(words: &[U256]) -> Result<[u128; N], Error> {
    if words.len() != N {
        return Err(invalid_length(N, words.len()));
    }
    let mut out = [0u128; N];
    for (slot, word) in out.iter_mut().zip(words) {
        *slot = narrow_one(*word)?;
    }
    Ok(out)
}

/// One word narrowed to `u128`.
fn narrow_one(word: U256) -> Result<u128, Error> {
    u128::try_from(word).map_err(|_| out_of_range(word))
}
