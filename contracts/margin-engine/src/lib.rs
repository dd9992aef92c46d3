//! `MarginEngine`: the reads and the math of Mutual's trader shorts, stateless; the
//! address under `market.marginEngine`, and the sixth program of the market's split
//! (`docs/market.md`, "Shorts").
//!
//! `ShortBook` keeps the margin accounts and moves the money; everything it needs to know
//! about a line it writes (a strike and side, `key = 2 * strikeId + isCall`) comes from
//! here, in a few calls: the price of a short sale or close (`quote`: the listings' strike
//! and fresh spot, the `RiskEngine`'s trade price), an account's requirements (`margin`:
//! its live lines through the risk engine's `marginRequirement` over the pool's stress
//! grid, plus what its lines on settled boards owe), what each line owes at settlement
//! (`dues`), what the options the pool holds against the shorts are worth (`receivable`)
//! and how a liquidation divides an account's collateral (`liquidationSplit`,
//! `mutual_risk::margin::liquidation_split`). The short book does not fit 24,576 bytes
//! with them (it measured 30,807 bytes compressed in one program).
//!
//! Lines are passed as `[key, amount]` pairs of words (amounts in units of the
//! underlying, 18 decimals). Every parameter is read from `GovernanceParams` at each call;
//! every call is a view; its refusals are the short book's `ShortBook*` errors, and the
//! listings' and the risk engine's are forwarded unchanged.
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

#[allow(dead_code, reason = "shared with ShortBook, which raises the rest")]
mod errors;
mod internal;
mod state;
#[cfg(test)]
mod tests;

use alloc::vec::Vec;

use alloy_primitives::{Address, B256, U256, U8};
use mutual_interfaces::{calls, keys::value_to_address, split};
use mutual_risk::{
    fixed::WAD,
    margin::{liquidation_split, LiquidationParams},
};
use stylus_sdk::prelude::*;

pub use errors::*;
pub use state::MarginEngine;

use errors::{math, overflow, token_failed, zero_amount};
use internal::{at, line_of, line_words, sat_u64, u128_of};

/// The most decimals the asset may have.
pub const MAX_ASSET_DECIMALS: u8 = 18;

/// Aborts on panic in the deployed contract (built with `panic=immediate-abort`; every
/// panic site is a proven-unreachable `expect`).
#[cfg(all(target_arch = "wasm32", not(feature = "export-abi")))]
#[panic_handler]
fn panic(_info: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}

/// `lines` as `(key, amount)` pairs, or [`Error::InvalidLength`].
fn pairs(lines: &[U256]) -> Result<core::slice::ChunksExact<'_, U256>, Error> {
    if lines.len() % 2 != 0 {
        return Err(Error::InvalidLength(ShortBookInvalidLength {
            length: U256::from(lines.len()),
        }));
    }
    Ok(lines.chunks_exact(2))
}

#[public]
#[allow(clippy::needless_pass_by_value, reason = "ABI arguments are decoded into owned vectors")]
impl MarginEngine {
    /// Creates the engine for `asset` (reading its decimals), governed by `governance`.
    ///
    /// # Arguments
    ///
    /// * `asset` - The collateral token (USDC-like, at most 18 decimals).
    /// * `governance` - The `GovernanceParams` contract.
    ///
    /// # Errors
    ///
    /// * [`Error::InvalidAddress`] - If `asset` or `governance` is zero.
    /// * [`Error::TokenCallFailed`] - If `asset.decimals()` reverts or exceeds 18.
    #[constructor]
    pub fn constructor(&mut self, asset: Address, governance: Address) -> Result<(), Error> {
        for account in [asset, governance] {
            if account.is_zero() {
                return Err(Error::InvalidAddress(ShortBookInvalidAddress { account }));
            }
        }
        let decimals = calls::decimals(&*self, asset)
            .filter(|d| *d <= MAX_ASSET_DECIMALS)
            .ok_or_else(|| token_failed(asset))?;
        self.asset_decimals.set(U8::from(decimals));
        self.governance.set(governance);
        Ok(())
    }

    /// Returns the `GovernanceParams` contract.
    pub fn governance(&self) -> Address {
        self.governance.get()
    }

    /// Returns the price of a short's trade of `amount` options of `strikeId`: `(marketId,
    /// premium, fees, volWad, baseIvAfterWad, poolWritten)`. A sale to the pool (`isBuy`
    /// false) moves the board's base IV down by size and rounds the premium down; a close
    /// (`isBuy` true) moves it up and rounds up (`RiskEngine.tradePrice`); the fee is the
    /// spread fee only (neither commits the pool's collateral). `poolWritten` is the
    /// pool's written interest of the side, which the short book passes back unchanged
    /// with the new base IV to the listings' `recordTrade`.
    ///
    /// # Arguments
    ///
    /// * `strike_id` - A listed strike whose board still trades.
    /// * `is_call` - Calls or puts.
    /// * `is_buy` - A close (the writer buys back) or a sale to the pool.
    /// * `amount` - The options, 18 decimals; non-zero.
    /// * `check_min` - Whether `amount` must be at least `market.minTradeWad` (a close of
    ///   everything written need not be).
    ///
    /// # Errors
    ///
    /// * [`Error::CallFailed`] - If a governance read fails.
    /// * [`Error::TokenCallFailed`] - If the sequencer feed cannot be read.
    /// * [`Error::SequencerDown`], [`Error::SequencerGracePeriod`] - The sequencer gate.
    /// * [`Error::ZeroAmount`], [`Error::TradeTooSmall`], [`Error::TradingClosed`] - The
    ///   ticket.
    /// * [`Error::Forwarded`] - The listings' (an unknown strike, a stale, incomplete or
    ///   invalid price) or the risk engine's refusal.
    #[allow(
        clippy::type_complexity,
        reason = "the ABI return tuple is spelled out for the interface generator"
    )]
    pub fn quote(
        &self,
        strike_id: u64,
        is_call: bool,
        is_buy: bool,
        amount: U256,
        check_min: bool,
    ) -> Result<(B256, U256, U256, U256, U256, U256), Error> {
        let values = self.params()?;
        self.check_sequencer(&values)?;
        if amount.is_zero() {
            return Err(zero_amount());
        }
        let min = values[at::MIN_TRADE];
        if check_min && amount < min {
            return Err(Error::TradeTooSmall(ShortBookTradeTooSmall { amount, min }));
        }
        let strike = self.strike(&values, strike_id)?;
        let now = self.now();
        let cutoff = sat_u64(values[at::CUTOFF]);
        if now.saturating_add(cutoff) >= strike.expiry {
            return Err(Error::TradingClosed(ShortBookTradingClosed {
                boardId: strike.board_id,
                expiry: strike.expiry,
                cutoff,
                now,
            }));
        }
        let (spot, _) = self.spot(&values, strike.market_id, true)?;
        let w = B256::from;
        let args = split::TradePriceArgs {
            spot_wad: spot,
            strike_wad: strike.strike_wad,
            seconds_to_expiry: strike.expiry - now, // now < expiry (the cut-off above)
            rate_wad: values[at::RATE],
            is_call,
            is_buy,
            amount_wad: amount,
            curve: [
                w(strike.base_iv_wad),
                w(strike.skew_wad),
                w(values[at::IMPACT]),
                w(values[at::MIN_IV]),
                w(values[at::MAX_IV]),
            ],
            fees: [w(values[at::SPREAD_FEE]), w(values[at::SPREAD_CAP]), B256::ZERO],
            decimals: self.decimals(),
        };
        let engine = value_to_address(values[at::ENGINE]);
        let [premium, fees, vol_wad, base_iv_after_wad] =
            split::trade_price(self, engine, &args).map_err(Error::Forwarded)?;
        let written = if is_call { strike.long_calls } else { strike.long_puts };
        Ok((strike.market_id, premium, fees, vol_wad, base_iv_after_wad, written))
    }

    /// Returns the requirements of an account writing `lines`: `(marketId, liability,
    /// initial, maintenance, settledDues)`, in asset units, rounded up. The live lines are marked at a
    /// fresh spot of their underlying (`marketId`; zero when none is live) at `baseIv x
    /// skew` rounded up, and stressed over the pool's grid (`market.stressSpotDownWad`,
    /// `market.stressSpotUpWad`, `market.stressVolUpWad`): the liability is what buying
    /// them back costs plus what the lines on settled boards owe (rounded up), the initial
    /// margin the worst stressed loss times `market.initialMarginWad`, the maintenance
    /// `market.maintenanceMarginWad` of it. An account may open a short or remove margin
    /// while `collateral >= liability + initial`, and be liquidated below `liability +
    /// maintenance`. `settledDues` is the part of the liability the lines on settled
    /// boards owe: the short book settles those (`settleAccount`) rather than liquidates.
    ///
    /// # Arguments
    ///
    /// * `lines` - `[key, amount]` pairs, `key = 2 * strikeId + isCall`.
    /// * `check_sequencer` - Whether the sequencer gate applies (removing margin and
    ///   liquidating are gated; the views are not).
    ///
    /// # Errors
    ///
    /// * [`Error::InvalidLength`] - If `lines` is not pairs.
    /// * [`Error::CallFailed`], [`Error::TokenCallFailed`], [`Error::SequencerDown`],
    ///   [`Error::SequencerGracePeriod`] - As [`MarginEngine::quote`].
    /// * [`Error::MarketMismatch`] - If the live lines are of two underlyings.
    /// * [`Error::MathError`] - If an amount or a due overflows.
    /// * [`Error::Forwarded`] - The listings' or the risk engine's refusal.
    pub fn margin(
        &self,
        lines: Vec<U256>,
        check_sequencer: bool,
    ) -> Result<(B256, U256, U256, U256, U256), Error> {
        let values = self.params()?;
        if check_sequencer {
            self.check_sequencer(&values)?;
        }
        let now = self.now();
        let (mut market_id, mut owed, mut words) = (B256::ZERO, U256::ZERO, Vec::new());
        for pair in pairs(&lines)? {
            let (strike_id, is_call) = line_of(pair[0]);
            let strike = self.strike(&values, strike_id)?;
            if strike.settled {
                let due = self.due(&strike, is_call, pair[1])?;
                owed = owed.checked_add(due).ok_or_else(overflow)?;
                continue;
            }
            if market_id.is_zero() {
                market_id = strike.market_id;
            } else if market_id != strike.market_id {
                return Err(Error::MarketMismatch(ShortBookMarketMismatch {
                    account: Address::ZERO,
                    accountMarket: market_id,
                    marketId: strike.market_id,
                }));
            }
            // A written option is marked dearer: its volatility rounds up.
            words.extend_from_slice(&line_words(&strike, now, is_call, pair[1], true)?);
        }
        if words.is_empty() {
            return Ok((market_id, owed, U256::ZERO, U256::ZERO, owed));
        }
        let (spot, _) = self.spot(&values, market_id, true)?;
        let [liability, initial, maintenance] = self.engine_margin(
            &values,
            spot,
            &words,
            values[at::INITIAL],
            values[at::MAINTENANCE],
        )?;
        let liability = liability.checked_add(owed).ok_or_else(overflow)?;
        Ok((market_id, liability, initial, maintenance, owed))
    }

    /// Returns what each of `lines` owes at its board's settlement price, in asset units,
    /// rounded up (`amount x intrinsic`), or `2^256 - 1` for a line whose board is not
    /// settled: one word per pair.
    ///
    /// # Arguments
    ///
    /// * `lines` - `[key, amount]` pairs, `key = 2 * strikeId + isCall`.
    ///
    /// # Errors
    ///
    /// * [`Error::InvalidLength`] - If `lines` is not pairs.
    /// * [`Error::CallFailed`] - If a governance read fails.
    /// * [`Error::MathError`] - If a due overflows.
    /// * [`Error::Forwarded`] - The listings' refusal (an unknown strike).
    pub fn dues(&self, lines: Vec<U256>) -> Result<Vec<U256>, Error> {
        let values = self.params()?;
        let mut dues = Vec::new();
        for pair in pairs(&lines)? {
            let (strike_id, is_call) = line_of(pair[0]);
            let strike = self.strike(&values, strike_id)?;
            dues.push(if strike.settled {
                self.due(&strike, is_call, pair[1])?
            } else {
                U256::MAX
            });
        }
        Ok(dues)
    }

    /// Returns what the options the pool holds against the shorts (`lines`, the short
    /// book's totals) are worth to it, in asset units, rounded down, and the oldest spot
    /// answer used (now when none is): `(receivable, markTime)`. Live lines are valued at
    /// the latest valid spot of their underlying (no heartbeat check: the vault judges
    /// `markTime`) and `baseIv x skew` rounded down, through the risk engine (which
    /// rounds a written book's cost up: one unit per line and one per underlying are taken
    /// off for it); lines on settled boards at what they owe, less one unit each.
    ///
    /// # Arguments
    ///
    /// * `lines` - `[key, amount]` pairs, `key = 2 * strikeId + isCall`.
    ///
    /// # Errors
    ///
    /// * [`Error::InvalidLength`] - If `lines` is not pairs.
    /// * [`Error::CallFailed`] - If a governance read fails.
    /// * [`Error::MathError`] - If a value overflows.
    /// * [`Error::Forwarded`] - The listings' or the risk engine's refusal.
    pub fn receivable(&self, lines: Vec<U256>) -> Result<(U256, u64), Error> {
        let values = self.params()?;
        let now = self.now();
        let (mut total, mut mark_time) = (U256::ZERO, now);
        // The live lines of each underlying: (marketId, engine words).
        let mut books: Vec<(B256, Vec<B256>)> = Vec::new();
        for pair in pairs(&lines)? {
            let (strike_id, is_call) = line_of(pair[0]);
            let strike = self.strike(&values, strike_id)?;
            if strike.settled {
                let due = self.due(&strike, is_call, pair[1])?;
                total =
                    total.checked_add(due.saturating_sub(U256::from(1u8))).ok_or_else(overflow)?;
                continue;
            }
            let words = line_words(&strike, now, is_call, pair[1], false)?;
            match books.iter_mut().find(|(id, _)| *id == strike.market_id) {
                Some((_, book)) => book.extend_from_slice(&words),
                None => books.push((strike.market_id, words.to_vec())),
            }
        }
        for (market_id, book) in books {
            let (spot, time) = self.spot(&values, market_id, false)?;
            mark_time = mark_time.min(time);
            // The written mirror of the pool's held book costs its value, rounded up.
            let [value, _, _] = self.engine_margin(&values, spot, &book, WAD, U256::ZERO)?;
            let slack = U256::from(book.len() / 5 + 1);
            total = total.checked_add(value.saturating_sub(slack)).ok_or_else(overflow)?;
        }
        Ok((total, mark_time))
    }

    /// Returns how a liquidation divides `collateral` of an account whose book costs
    /// `liability` to close (`mutual_risk::margin::liquidation_split`): `(bounty, toPool,
    /// toReserve, returned, shortfall)`, in asset units. The penalty is
    /// `market.liquidationPenaltyWad x liability` rounded up; the bounty
    /// `market.liquidatorShareWad` of it rounded down, at least
    /// `market.minLiquidationBounty`, at most the collateral, paid first; then the pool
    /// the liability, then the reserve the rest of the penalty, then the trader the rest.
    /// `bounty + toPool + toReserve + returned == collateral` and `toPool + shortfall ==
    /// liability`.
    ///
    /// # Arguments
    ///
    /// * `collateral` - The account's collateral, asset units.
    /// * `liability` - What its book costs to close at the mark, asset units.
    ///
    /// # Errors
    ///
    /// * [`Error::CallFailed`] - If a governance read fails.
    /// * [`Error::MathError`] - If the penalty overflows, a rate exceeds 128 bits or the
    ///   liquidator's share exceeds 1e18.
    pub fn liquidation_split(
        &self,
        collateral: U256,
        liability: U256,
    ) -> Result<(U256, U256, U256, U256, U256), Error> {
        let values = self.params()?;
        let split = liquidation_split(
            collateral,
            liability,
            &LiquidationParams {
                penalty_rate_wad: u128_of(values[at::PENALTY])?,
                bounty_share_wad: u128_of(values[at::LIQUIDATOR_SHARE])?,
                min_bounty: values[at::MIN_BOUNTY],
            },
        )
        .map_err(math)?;
        Ok((split.bounty, split.to_pool, split.to_reserve, split.returned, split.shortfall))
    }
}
