//! `OptionBook`: the pool's book of Mutual's options market, the second program of the
//! market's split (`docs/market.md`, "Size").
//!
//! - **Trades, for `OptionsMarket` only** (the address under `mutual.market`): `trade`
//!   checks a trade (the strike, read from `OptionListings`, the deadline, the amount and
//!   its minimum, the cut-off, the sequencer-uptime feed, open interest, the oracle's
//!   freshness), prices it through the `RiskEngine` (`tradePrice`: Black-Scholes at the
//!   trade's volatility, rounded against the trader), charges its fees, and for a
//!   purchase runs the pool-level stress check (`bookRisk` per underlying: the worst loss
//!   of the book with the trade within `NAV x market.poolStressLimitWad + insurance x
//!   market.insuranceCreditWad`, coverage above its floor, utilization below its cap,
//!   the underlying's net delta and vega within `market.maxNetDeltaWad` and
//!   `market.maxNetVegaWad` in magnitude); then has the listings record open interest and the base IV (`recordTrade`).
//!   `settleBoard` has the listings fix a board's settlement price and returns what its
//!   longs are owed. The market keeps the positions and moves every token.
//! - **The pool's book** (`IOptionsMarket`'s views, which the market forwards here):
//!   `poolLiability`, `requiredCollateral`, `stressedLoss`, `longestOpenTenor`; `quote`
//!   and `payoff` for integrators and the market's claims.
//!
//! Everything stored about the listings and the pool's book (markets, boards, strikes,
//! open interest, the oracles, the settlement prices) is `OptionListings`' (the address
//! under `market.listings`), read in one static call per strike or per underlying; the
//! book stores only its governance and the asset's decimals. Errors are `OptionsMarket`'s own (`src/errors.rs` is a link to
//! `contracts/market/src/`), so a refusal of the book (or of the listings, forwarded)
//! reaches a trader through the market unchanged. Every address and parameter is read
//! from `GovernanceParams` at each call. Time is read only through
//! [`mutual_contract_kit::clock::now`].
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

mod book;
mod constants;
// `errors.rs` is a symbolic link to the market's: one definition of the `Market*` errors
// for every program of the market.
#[allow(dead_code, reason = "the market's errors: the book raises most, not all")]
mod errors;
mod internal;
mod state;
#[cfg(test)]
mod tests;
mod trading;

use alloc::vec::Vec;

use alloy_primitives::{Address, B256, I256, U256, U8};
use mutual_interfaces::{
    calls, flows,
    keys::{value_to_address, LISTINGS_KEY, MARKET_KEY},
    split,
};
use mutual_risk::fixed::{mul_div_down, WAD};
use stylus_sdk::prelude::*;

pub use constants::*;
pub use errors::*;
pub use state::OptionBook;

use book::id_of;
use errors::{call_failed, math, token_failed};
use internal::{at, TRADE_KEYS, VIEW_KEYS};

/// Aborts on panic in the deployed contract (built with `panic=immediate-abort`; every
/// panic site is a proven-unreachable `expect`).
#[cfg(all(target_arch = "wasm32", not(feature = "export-abi")))]
#[panic_handler]
fn panic(_info: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}

#[public]
impl OptionBook {
    /// Creates the book for `asset` (whose decimals it reads), governed by `governance`
    /// (the listings it reads are under `market.listings`).
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
            check_address(account)?;
        }
        let decimals = calls::decimals(&*self, asset)
            .filter(|d| *d <= MAX_ORACLE_DECIMALS)
            .ok_or_else(|| token_failed(asset))?;
        self.asset_decimals.set(U8::from(decimals));
        self.governance.set(governance);
        Ok(())
    }

    /// Returns the price of trading `amount` options at `strikeId` now: `(premium, fees,
    /// volWad)`, what `buy` would charge (`premium + fees`) or `sell` would pay
    /// (`premium - fees`), and the volatility of the trade. Checks what a trade checks of
    /// the strike, the amount and the cut-off, not the pause, the sequencer or the limits.
    ///
    /// # Arguments
    ///
    /// * `strike_id` - A listed strike.
    /// * `is_call` - Calls or puts.
    /// * `amount` - The options, 18 decimals.
    /// * `is_buy` - A purchase from the pool, or a sale back to it.
    ///
    /// # Errors
    ///
    /// As `buy` and `sell` for these checks, plus the oracle's.
    pub fn quote(
        &self,
        strike_id: u64,
        is_call: bool,
        amount: U256,
        is_buy: bool,
    ) -> Result<(U256, U256, U256), Error> {
        let values = self.params(&TRADE_KEYS)?;
        let ticket = self.ticket(strike_id, is_call, is_buy, amount, None, &values)?;
        let priced = self.price(&ticket, &values, None)?;
        Ok((priced.premium, priced.fees.total, priced.vol_wad))
    }

    // =========================================================================================
    // The pool's book (IOptionsMarket's views, forwarded by the market)
    // =========================================================================================

    /// Returns the seconds from now to the latest expiry among the boards with open
    /// options (0 when none is open, or when every such board has expired): stakers' exit
    /// cooldowns are at least this long. The listings' `longestOpenTenor`, forwarded.
    ///
    /// # Errors
    ///
    /// * [`Error::CallFailed`] - If a governance read fails.
    pub fn longest_open_tenor(&self) -> Result<u64, Error> {
        let listings = value_to_address(self.params(&[LISTINGS_KEY])?[0]);
        let [tenor] = split::longest_open_tenor(self, listings).map_err(Error::Forwarded)?;
        Ok(u64::try_from(tenor).unwrap_or(u64::MAX))
    }

    /// Returns the worst loss of `marketId`'s pool book over the stress grid, in asset
    /// units, rounded up (0 for an empty book or a market never listed).
    ///
    /// # Arguments
    ///
    /// * `market_id` - Any id.
    ///
    /// # Errors
    ///
    /// * [`Error::CallFailed`] - If a governance read fails.
    /// * [`Error::OracleCallFailed`], [`Error::IncompleteRound`],
    ///   [`Error::InvalidPrice`] - If the book is not empty and the oracle is unusable (an
    ///   old answer is used: its age is the caller's to judge).
    /// * [`Error::MathError`] - If the book cannot be priced.
    pub fn stressed_loss(&self, market_id: B256) -> Result<U256, Error> {
        let values = self.params(&TRADE_KEYS[..VIEW_KEYS])?;
        Ok(self.market_risk(market_id, self.now(), &values, None, false)?.stressed)
    }

    /// Returns the pool's book at its latest marks, in asset units: `(liability,
    /// receivable, markTime)`. `liability` is the cost of buying back every option the
    /// pool has written, at each underlying's latest valid answer, rounded up;
    /// `receivable` is 0 (premiums and fees reach the vault in the trade's own
    /// transaction, and settlement pulls what it owes at once); `markTime` is the oldest
    /// answer's time (`now` for an empty book), for the vault to judge staleness.
    ///
    /// # Errors
    ///
    /// As `stressedLoss`, for every market.
    pub fn pool_liability(&self) -> Result<(U256, U256, u64), Error> {
        let values = self.params(&TRADE_KEYS[..VIEW_KEYS])?;
        let (liability, _, mark_time, _) =
            self.pool_risk(self.now(), &values, None, B256::ZERO, false)?;
        Ok((liability, U256::ZERO, mark_time))
    }

    /// Returns the collateral the pool must keep against its book, in asset units, at the
    /// marks of `poolLiability`: the sum over underlyings of the liability plus the
    /// stressed loss (what buying the book back would cost in its worst scenario).
    ///
    /// # Errors
    ///
    /// As `stressedLoss`, for every market.
    pub fn required_collateral(&self) -> Result<U256, Error> {
        let values = self.params(&TRADE_KEYS[..VIEW_KEYS])?;
        Ok(self.pool_risk(self.now(), &values, None, B256::ZERO, false)?.1)
    }

    // =========================================================================================
    // Trades and settlement, for the market
    // =========================================================================================

    /// Checks, prices and books a trade of `amount` options for `OptionsMarket`, which
    /// keeps the position and moves the money: returns `(marketId, premium, fees, volWad,
    /// baseIvAfterWad, stressedLoss)`, the last the underlying's stressed loss with the
    /// trade booked (the market's fee split reads it).
    ///
    /// # Arguments
    ///
    /// * `strike_id` - A listed strike.
    /// * `is_call` - Calls or puts.
    /// * `amount` - The options, 18 decimals; at least `market.minTradeWad`. A sale is at
    ///   most the trader's position (the market checks it first), so at most the open
    ///   interest.
    /// * `is_buy` - A purchase from the pool, or a sale back to it.
    /// * `deadline` - The last second the trade may execute.
    /// * `nav` - The pool's NAV before the trade (`vault.totalAssets()`, read by the
    ///   market before this call: the vault's valuation calls the book's views, which a
    ///   Stylus program refuses while it is on the call stack); unused by a sale.
    ///
    /// # Errors
    ///
    /// * [`Error::CallFailed`] - If a governance or insurance read fails.
    /// * [`Error::UnauthorizedAccount`] - If the caller is not `mutual.market`.
    /// * [`Error::UnknownStrike`], [`Error::DeadlinePassed`], [`Error::ZeroAmount`],
    ///   [`Error::TradeTooSmall`], [`Error::TradingClosed`] - The ticket's checks.
    /// * [`Error::OracleCallFailed`], [`Error::SequencerDown`],
    ///   [`Error::SequencerGracePeriod`] - The sequencer gate.
    /// * [`Error::OpenInterestCap`] - A purchase beyond `market.maxStrikeOiWad`.
    /// * [`Error::IncompleteRound`], [`Error::InvalidPrice`], [`Error::StalePrice`] - The
    ///   oracle.
    /// * [`Error::StressLimitExceeded`], [`Error::CoverageBelowFloor`],
    ///   [`Error::UtilizationAboveCap`], [`Error::NetDeltaAboveCap`],
    ///   [`Error::NetVegaAboveCap`] - A purchase's pool limits.
    /// * [`Error::MathError`] - If a price or a sum overflows; the engine's other errors
    ///   forwarded.
    ///
    /// # Events
    ///
    /// None: the market emits `Trade` (the base IV after the trade is in it).
    pub fn trade(
        &mut self,
        strike_id: u64,
        is_call: bool,
        amount: U256,
        is_buy: bool,
        deadline: u64,
        nav: U256,
    ) -> Result<(B256, U256, U256, U256, U256, U256), Error> {
        // ---- Checks: the caller, the trade, the sequencer, open interest.
        let values = self.params(&TRADE_KEYS)?;
        let caller = self.vm().msg_sender();
        if caller != value_to_address(values[at::MARKET]) {
            return Err(Error::UnauthorizedAccount(MarketUnauthorizedAccount {
                account: caller,
                role: MARKET_ROLE,
            }));
        }
        let ticket = self.ticket(strike_id, is_call, is_buy, amount, Some(deadline), &values)?;
        self.check_sequencer(values[at::SEQ_FEED], values[at::SEQ_GRACE])?;
        let held = ticket.held;
        let open_interest = if is_buy {
            let open_interest = held.checked_add(amount).ok_or_else(overflow)?;
            let cap = values[at::MAX_OI];
            if open_interest > cap {
                return Err(Error::OpenInterestCap(MarketOpenInterestCap {
                    strikeId: strike_id,
                    openInterest: open_interest,
                    cap,
                }));
            }
            open_interest
        } else {
            // The market checked the trader's position, which is at most the side's
            // open interest.
            held.checked_sub(amount).ok_or_else(overflow)?
        };

        // ---- Price, then a purchase's pool-level limits with the trade booked.
        let priced = self.price(&ticket, &values, Some(nav))?;
        if is_buy {
            self.check_pool_limits(ticket.market_id, &priced, &values)?;
        }

        // ---- Effects, in the listings: open interest, base IV.
        split::record_trade(
            &mut *self,
            ticket.listings,
            strike_id,
            is_call,
            open_interest,
            priced.base_iv_after_wad,
        )
        .map_err(Error::Forwarded)?;
        let stressed = if is_buy {
            priced.focus.stressed
        } else {
            self.market_risk(ticket.market_id, ticket.now, &values, None, false)?.stressed
        };
        Ok((
            ticket.market_id,
            priced.premium,
            priced.fees.total,
            priced.vol_wad,
            priced.base_iv_after_wad,
            stressed,
        ))
    }

    /// Has the listings fix `boardId`'s settlement price for `OptionsMarket` from round
    /// `roundId` (the first valid round at or after expiry, checked against the round
    /// before it; the board leaves the live list and the pool's book) and returns their
    /// `(marketId, priceWad, owed)`: what the board's longs are owed, in asset units, each
    /// strike's total rounded up.
    ///
    /// # Arguments
    ///
    /// * `board_id` - A listed, unsettled, expired board.
    /// * `round_id` - The first round of the board's feed updated at or after its expiry.
    ///
    /// # Errors
    ///
    /// * [`Error::CallFailed`] - If a governance read fails.
    /// * [`Error::UnauthorizedAccount`] - If the caller is not `mutual.market`.
    /// * [`Error::UnknownBoard`], [`Error::AlreadySettled`], [`Error::NotExpired`] - The
    ///   board (from the listings).
    /// * [`Error::OracleCallFailed`], [`Error::InvalidSettlementRound`],
    ///   [`Error::InvalidPrice`] - The round (from the listings).
    /// * [`Error::MathError`] - If what the board owes overflows.
    pub fn settle_board(
        &mut self,
        board_id: u64,
        round_id: U256,
    ) -> Result<(B256, U256, U256), Error> {
        let values = self.params(&[MARKET_KEY, LISTINGS_KEY])?;
        let caller = self.vm().msg_sender();
        if caller != value_to_address(values[0]) {
            return Err(Error::UnauthorizedAccount(MarketUnauthorizedAccount {
                account: caller,
                role: MARKET_ROLE,
            }));
        }
        let [market_id, price_wad, owed] =
            split::settle_board(&mut *self, value_to_address(values[1]), board_id, round_id)
                .map_err(Error::Forwarded)?;
        Ok((B256::from(market_id), price_wad, owed))
    }

    /// Returns what the market's claims of `strikeId` need: `(boardId, settled,
    /// settlementPriceWad, strikeWad)`, from the listings.
    ///
    /// # Arguments
    ///
    /// * `strike_id` - A listed strike.
    ///
    /// # Errors
    ///
    /// * [`Error::CallFailed`] - If a governance read fails.
    /// * [`Error::UnknownStrike`] - If `strikeId` was never listed (from the listings).
    pub fn payoff(&self, strike_id: u64) -> Result<(u64, bool, U256, U256), Error> {
        let listings = value_to_address(self.params(&[LISTINGS_KEY])?[0]);
        let [_, board_id, _, strike_wad, _, _, settled, price_wad, _, _] =
            split::strike_info(self, listings, strike_id).map_err(Error::Forwarded)?;
        Ok((id_of(board_id), !settled.is_zero(), price_wad, strike_wad))
    }
}

// =============================================================================================
// Private helpers of the entry points
// =============================================================================================

impl OptionBook {
    /// The pool-level limits of a purchase, with the trade booked: the stressed loss
    /// within capacity, insurance coverage above its floor, utilization within its cap,
    /// the underlying's net delta and vega within theirs (in magnitude).
    fn check_pool_limits(
        &self,
        market_id: B256,
        priced: &trading::Priced,
        values: &[U256],
    ) -> Result<(), Error> {
        let stressed = priced.focus.stressed;
        let insurance = value_to_address(values[at::INSURANCE]);
        let fund = flows::fund_assets(self, insurance).ok_or_else(|| call_failed(insurance))?;
        // Both round down: the capacity never reads high.
        let capacity = mul_div_down(priced.nav, values[at::POOL_LIMIT], WAD)
            .and_then(|a| {
                Ok(a.saturating_add(mul_div_down(fund, values[at::INSURANCE_CREDIT], WAD)?))
            })
            .map_err(math)?;
        if stressed > capacity {
            return Err(Error::StressLimitExceeded(MarketStressLimitExceeded {
                marketId: market_id,
                stressedLoss: stressed,
                capacity,
            }));
        }
        if !stressed.is_zero() {
            // Rounds down: the coverage never reads high.
            let coverage = mul_div_down(fund, WAD, stressed).unwrap_or(U256::MAX);
            let floor = values[at::MIN_COVERAGE];
            if coverage < floor {
                return Err(Error::CoverageBelowFloor(MarketCoverageBelowFloor {
                    marketId: market_id,
                    coverage,
                    floor,
                }));
            }
        }
        let utilization = U256::from(priced.utilization);
        let cap = values[at::MAX_UTIL];
        if utilization > cap {
            return Err(Error::UtilizationAboveCap(MarketUtilizationAboveCap { utilization, cap }));
        }
        // The engine rounds each magnitude up: a cap never reads the book as smaller.
        let (net_delta, cap) = (priced.focus.net_delta, values[at::MAX_NET_DELTA]);
        if above(net_delta, cap) {
            return Err(Error::NetDeltaAboveCap(MarketNetDeltaAboveCap {
                marketId: market_id,
                netDeltaWad: I256::from_raw(net_delta),
                capWad: cap,
            }));
        }
        let (net_vega, cap) = (priced.focus.net_vega, values[at::MAX_NET_VEGA]);
        if above(net_vega, cap) {
            return Err(Error::NetVegaAboveCap(MarketNetVegaAboveCap {
                marketId: market_id,
                netVegaWad: I256::from_raw(net_vega),
                capWad: cap,
            }));
        }
        Ok(())
    }
}

/// Whether `net`, an `int256` word, exceeds `cap` in magnitude. Kept out of line: one
/// copy serves both caps (measured 136 bytes smaller compressed than the inlined form).
#[inline(never)]
fn above(net: U256, cap: U256) -> bool {
    // The magnitude is the two's-complement negation when the sign bit is set.
    (if net.bit(255) { net.wrapping_neg() } else { net }) > cap
}

/// Rejects the zero address.
fn check_address(account: Address) -> Result<(), Error> {
    if account.is_zero() {
        return Err(Error::InvalidAddress(MarketInvalidAddress { account }));
    }
    Ok(())
}
