//! The pool's book: the options the pool has written, per underlying, valued and stressed
//! by the `RiskEngine` (`bookRisk`: `mutual_risk::stress` behind an ABI). Every rounding
//! overstates what the pool owes: a written line's volatility rounds up, the engine's
//! liability and stressed loss round up into asset units.

use alloc::vec::Vec;

use alloy_primitives::{Address, B256, U256};
use mutual_interfaces::{keys::value_to_address, split};
use mutual_risk::{
    black_scholes::years_wad_from_seconds_down,
    fixed::{mul_div_up, WAD, WAD_U128},
};

use crate::{
    internal::{at, u128_of},
    math, overflow, Error, OptionBook,
};

/// A trade not yet booked, added to the book when a purchase is checked.
#[derive(Clone, Copy)]
pub(crate) struct Pending {
    /// Its strike's board.
    pub(crate) board_id: u64,
    /// Its strike.
    pub(crate) strike_id: u64,
    /// Calls or puts.
    pub(crate) is_call: bool,
    /// The options bought, 18 decimals.
    pub(crate) amount: U256,
    /// Its board's base IV after the trade, 18 decimals.
    pub(crate) base_iv_wad: U256,
}

/// One underlying's book: its liability and stressed loss in asset units, rounded up, and
/// its net greeks.
#[derive(Clone, Copy, Default)]
pub(crate) struct Risk {
    /// What buying the book back costs at the mark.
    pub(crate) liability: U256,
    /// The worst loss over the stress grid.
    pub(crate) stressed: U256,
    /// The pool's net delta, units of the underlying, 18 decimals, an `int256` word
    /// (two's complement), its magnitude rounded up.
    pub(crate) net_delta: U256,
    /// The pool's net vega, 18-decimal price units per 1.00 of volatility, an `int256`
    /// word, its magnitude rounded up.
    pub(crate) net_vega: U256,
    /// The time of the spot answer used (now when the book is empty).
    pub(crate) mark_time: u64,
}

impl Risk {
    /// `liability + stressed`.
    pub(crate) fn required(&self) -> Result<U256, Error> {
        self.liability.checked_add(self.stressed).ok_or_else(overflow)
    }
}

/// The stress grid's factors as words: spot `1 - d, 1 - d/2, 1, 1 + u/2, 1 + u` and
/// volatility `1, 1 + v` (`d` at most 1).
pub(crate) fn grid_factors(values: &[U256]) -> Result<([B256; 5], [B256; 2]), Error> {
    let down = u128_of(values[at::SPOT_DOWN])?.min(WAD_U128);
    let up = u128_of(values[at::SPOT_UP])?;
    let vol_up = u128_of(values[at::VOL_UP])?;
    let plus = |x: u128| WAD_U128.checked_add(x).ok_or_else(overflow);
    let w = |x: u128| B256::from(U256::from(x));
    Ok((
        [w(WAD_U128 - down), w(WAD_U128 - down / 2), w(WAD_U128), w(plus(up / 2)?), w(plus(up)?)],
        [w(WAD_U128), w(plus(vol_up)?)],
    ))
}

impl OptionBook {
    /// The written lines of `market_id`'s live boards at `now`, with `pending` booked, as
    /// the engine's words (five per line: strike, years, volatility, calls, puts; written
    /// amounts negative), from the listings' `marketLines`. Strikes without open interest
    /// are left out.
    pub(crate) fn book_lines(
        &self,
        listings: Address,
        market_id: B256,
        now: u64,
        pending: Option<Pending>,
    ) -> Result<Vec<B256>, Error> {
        let listed = split::market_lines(self, listings, market_id).map_err(Error::Forwarded)?;
        let mut words = Vec::new();
        for line in listed.chunks_exact(8) {
            let [board_id, expiry, base_iv, strike_id, strike_wad, skew_wad, mut calls, mut puts] =
                [line[0], line[1], line[2], line[3], line[4], line[5], line[6], line[7]];
            let (board_id, strike_id) = (id_of(board_id), id_of(strike_id));
            if let Some(p) = pending.filter(|p| p.strike_id == strike_id) {
                let side = if p.is_call { &mut calls } else { &mut puts };
                *side = side.checked_add(p.amount).ok_or_else(overflow)?;
            }
            if calls.is_zero() && puts.is_zero() {
                continue;
            }
            // The trade moves its board's base IV, for every strike of the board.
            let base_iv = match pending {
                Some(p) if p.board_id == board_id => p.base_iv_wad,
                _ => base_iv,
            };
            // An expired board not yet settled is marked with one second to expiry.
            let t_years_wad = years_wad_from_seconds_down(id_of(expiry).saturating_sub(now).max(1));
            // Rounds up: a higher volatility marks the written options dearer.
            let vol = mul_div_up(base_iv, skew_wad, WAD).map_err(math)?;
            words.extend_from_slice(&[
                B256::from(strike_wad),
                B256::from(U256::from(t_years_wad)),
                B256::from(vol),
                written(calls)?,
                written(puts)?,
            ]);
        }
        Ok(words)
    }

    /// The liability and stressed loss of `market_id`'s book (with `pending`), in asset
    /// units, rounded up, and its net delta and vega, from one `bookRisk` call of the
    /// engine; nothing (and no oracle read) for an empty book. The spot's age is checked
    /// only with `check_age`.
    pub(crate) fn market_risk(
        &self,
        market_id: B256,
        now: u64,
        values: &[U256],
        pending: Option<Pending>,
        check_age: bool,
    ) -> Result<Risk, Error> {
        let listings = value_to_address(values[at::LISTINGS]);
        let lines = self.book_lines(listings, market_id, now, pending)?;
        if lines.is_empty() {
            return Ok(Risk { mark_time: now, ..Risk::default() });
        }
        let (spot_wad, mark_time) = self.spot(listings, market_id, check_age)?;
        let (spots, vols) = grid_factors(values)?;
        let [liability, stressed, net_delta, net_vega] = split::book_risk(
            self,
            value_to_address(values[at::ENGINE]),
            U256::from(spot_wad),
            values[at::RATE],
            self.decimals(),
            &spots,
            &vols,
            &lines,
        )
        .map_err(Error::Forwarded)?;
        Ok(Risk { liability, stressed, net_delta, net_vega, mark_time })
    }

    /// Every underlying's book summed: `(liability, required, markTime, focus)`, with
    /// `focus` the risk of `focus` (the trade's underlying) and `markTime` the oldest
    /// answer used.
    pub(crate) fn pool_risk(
        &self,
        now: u64,
        values: &[U256],
        pending: Option<Pending>,
        focus: B256,
        check_age: bool,
    ) -> Result<(U256, U256, u64, Risk), Error> {
        let (mut liability, mut required, mut mark_time) = (U256::ZERO, U256::ZERO, now);
        let mut focused = Risk { mark_time: now, ..Risk::default() };
        let listings = value_to_address(values[at::LISTINGS]);
        let market_ids = split::market_ids(self, listings).map_err(Error::Forwarded)?;
        for market_id in market_ids {
            let market_id = B256::from(market_id);
            let risk = self.market_risk(market_id, now, values, pending, check_age)?;
            liability = liability.checked_add(risk.liability).ok_or_else(overflow)?;
            required = required.checked_add(risk.required()?).ok_or_else(overflow)?;
            mark_time = mark_time.min(risk.mark_time);
            if market_id == focus {
                focused = risk;
            }
        }
        Ok((liability, required, mark_time, focused))
    }
}

/// An id word of the listings as `u64` (ids stay far below 2^64).
pub(crate) fn id_of(word: U256) -> u64 {
    u64::try_from(word).unwrap_or(u64::MAX)
}

/// A written amount: `-amount`, as an `int256` word (amounts fit 128 bits).
fn written(amount: U256) -> Result<B256, Error> {
    // Below 2^128, so its two's complement negation is exactly `-amount`.
    let magnitude = U256::from(u128_of(amount)?);
    Ok(B256::from(U256::ZERO.wrapping_sub(magnitude)))
}
