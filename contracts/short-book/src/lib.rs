//! `ShortBook`: traders' margin accounts of Mutual's options market, the fifth program of
//! the market's split (`docs/market.md`, "Shorts"); the address under `market.shortBook`.
//!
//! A trader writes options to the pool: `sellShort` prices the sale as the market prices
//! a sale back (Black-Scholes at the trade's volatility, moved against the trader by
//! size, rounded down, less the spread fee the pool keeps), moves the board's base IV in
//! the listings, and credits the proceeds, paid by the vault, to the trader's collateral
//! beside the margin deposited. The pool then holds those options: the vault adds their
//! value (`poolLiability`'s receivable) to its NAV. Every price, requirement and value
//! comes from the stateless `MarginEngine` (`market.marginEngine`), which reads the
//! listings and prices through the `RiskEngine`; this program keeps the accounts and
//! moves the money.
//!
//! - **Margin** (`mutual_risk::margin`, through the risk engine's `marginRequirement`): the
//!   liability (what buying the account's lines back costs at the mark) plus the initial
//!   margin (the worst loss of its lines over the pool's stress grid times
//!   `market.initialMarginWad`) must be covered to open a short or to remove margin;
//!   below the liability plus the maintenance margin (`market.maintenanceMarginWad` of the
//!   initial) anyone may liquidate. One account margins one underlying and at most
//!   [`MAX_ACCOUNT_LINES`] lines, so every check is bounded.
//! - **Liquidation** (`liquidate`): the whole account is closed against the pool at the
//!   mark (`mutual_risk::margin::liquidation_split`): the liquidator's bounty first (at
//!   least `market.minLiquidationBounty`, INCIDENTS 12), then the pool the liability, then
//!   the rest of the penalty to this program's reserve, then the trader what is left. A
//!   shortfall runs the trader-default waterfall: this program's reserve, the insurance
//!   fund junior then senior (`cover`, kind 0), then the pool, which bears the rest.
//!   Bots find accounts with `liquidatable(cursor, limit)`, a page of the append-only
//!   account list, and `accountHealth`.
//! - **Settlement** (`settleAccount`, anyone, never halted): once `OptionsMarket.settle`
//!   fixed a board's price, each line of the board pays what it owes the pool (rounded up)
//!   from the collateral, a shortfall through the same waterfall; an account left with
//!   nothing written is paid its collateral.
//!
//! Every address and parameter is read from `GovernanceParams` at each call. Trading,
//! margin removal and liquidation are gated by the market's pause scope and the sequencer
//! feed's grace period. Calls follow checks, then state changes, then events, then
//! external calls, except where an event needs a callee's answer (the fund's cover).
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

mod constants;
#[allow(dead_code, reason = "shared with MarginEngine, which raises the rest")]
mod errors;
mod events;
mod internal;
mod state;
#[cfg(test)]
mod tests;

use alloc::vec::Vec;

use alloy_primitives::{Address, B256, U256, U64};
use mutual_interfaces::{calls, flows, keys::value_to_address, split};
use stylus_sdk::prelude::*;

pub use constants::*;
pub use errors::*;
pub use events::*;
pub use state::ShortBook;

use errors::{call_failed, overflow, token_failed, zero_amount};
use internal::{at, keys_of, line_key, line_of, Quote};

/// Aborts on panic in the deployed contract (built with `panic=immediate-abort`; every
/// panic site is a proven-unreachable `expect`).
#[cfg(all(target_arch = "wasm32", not(feature = "export-abi")))]
#[panic_handler]
fn panic(_info: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}

#[public]
impl ShortBook {
    /// Creates a short book with no accounts, of `asset`, governed by `governance`. Reads
    /// the asset's decimals.
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
        // The decimals are the margin engine's to use; the short book only checks them.
        calls::decimals(&*self, asset)
            .filter(|d| *d <= MAX_ASSET_DECIMALS)
            .ok_or_else(|| token_failed(asset))?;
        self.asset.set(asset);
        self.governance.set(governance);
        Ok(())
    }

    // =========================================================================================
    // Reads
    // =========================================================================================

    /// Returns the short book's setup and totals: `(asset, governance, reserve,
    /// accountCount)`: the collateral asset, the `GovernanceParams` contract, the reserve
    /// (layer 2 of the trader-default waterfall, in asset units) and how many accounts have
    /// ever written an option (the length of the list `liquidatable` pages through).
    pub fn book(&self) -> (Address, Address, U256, u64) {
        (self.asset.get(), self.governance.get(), self.reserve.get(), self.account_count())
    }

    /// Returns `account`'s margin account: `(marketId, collateral, lineCount)` (the
    /// underlying is zero while it writes nothing; collateral in asset units; how many
    /// lines, strike and side, it writes: the `ShortOpened` events name them).
    ///
    /// # Arguments
    ///
    /// * `account` - Any account.
    pub fn account(&self, account: Address) -> (B256, U256, u64) {
        let record = self.accounts.getter(account);
        let count = u64::try_from(record.lines.len()).unwrap_or(u64::MAX);
        (record.market_id.get(), record.collateral.get(), count)
    }

    /// Returns `(written, total)`: the options `account` has written of `strikeId`'s calls
    /// (or puts), and those written over all accounts (what the pool holds against the
    /// shorts), 18 decimals.
    ///
    /// # Arguments
    ///
    /// * `account` - Any account.
    /// * `strike_id` - Any strike.
    /// * `is_call` - Calls or puts.
    pub fn shorts(&self, account: Address, strike_id: u64, is_call: bool) -> (U256, U256) {
        let key = line_key(strike_id, is_call);
        (self.accounts.getter(account).amounts.get(key), self.shorts.get(key))
    }

    /// Returns `account`'s health now: `(collateral, liability, initial, maintenance,
    /// healthy)`, in asset units (`MarginEngine.margin` at a fresh spot). `liability` is
    /// what buying its lines back costs at the mark plus what its lines on settled boards
    /// owe; it is `healthy` while `collateral >= liability + maintenance`, and may open a
    /// short or remove margin while `collateral >= liability + initial`.
    ///
    /// # Arguments
    ///
    /// * `account` - Any account.
    ///
    /// # Errors
    ///
    /// * [`Error::CallFailed`] - If a governance read fails.
    /// * [`Error::Forwarded`] - The margin engine's refusal (its `ShortBook*` errors, the
    ///   listings' `Market*`: an unknown strike, a stale or invalid price; the risk
    ///   engine's `Engine*`).
    pub fn account_health(
        &self,
        account: Address,
    ) -> Result<(U256, U256, U256, U256, bool), Error> {
        let values = self.params()?;
        let m = self.margin(&values, account, false)?;
        let collateral = self.accounts.getter(account).collateral.get();
        let healthy = collateral >= m.liability.saturating_add(m.maintenance);
        Ok((collateral, m.liability, m.initial, m.maintenance, healthy))
    }

    /// Returns the accounts below maintenance among the `limit` accounts of the account
    /// list from index `cursor` (the next page starts at `cursor + limit`; `book()`'s
    /// `accountCount` is its length). Accounts writing nothing are skipped without a call,
    /// so a page costs at most `limit` margin checks of at most [`MAX_ACCOUNT_LINES`]
    /// lines, however many accounts there are. An account the margin engine cannot value
    /// now (its underlying's price stale or invalid) is left out, since it cannot be
    /// liquidated either; the page never fails for it.
    ///
    /// # Arguments
    ///
    /// * `cursor` - The first index of the page.
    /// * `limit` - The most accounts the page looks at.
    ///
    /// # Errors
    ///
    /// * [`Error::CallFailed`] - If the governance read fails.
    pub fn liquidatable(&self, cursor: u64, limit: u64) -> Result<Vec<Address>, Error> {
        let values = self.params()?;
        let end = cursor.saturating_add(limit).min(self.account_count());
        let mut found = Vec::new();
        for i in cursor..end {
            let index = usize::try_from(i).unwrap_or(usize::MAX);
            let account = self.account_list.get(index).unwrap_or_default();
            let collateral = self.accounts.getter(account).collateral.get();
            // An account the engine cannot margin now (its underlying's price stale or
            // invalid) cannot be liquidated now either: it is left out, not the page.
            let Ok(m) = self.margin(&values, account, false) else { continue };
            if collateral < m.liability.saturating_add(m.maintenance) {
                found.push(account);
            }
        }
        Ok(found)
    }

    /// Returns the pool's side of the shorts for the vault, in the shape of
    /// `IOptionsMarket.poolLiability`: `(0, receivable, markTime)`
    /// (`MarginEngine.receivable` of the book's totals). The receivable is what the
    /// options the pool holds against the shorts are worth to it, in asset units, rounded
    /// down: live lines at the latest valid spot (no heartbeat check: `markTime` is the
    /// oldest answer used, now when none is, and the vault judges its age); lines of
    /// settled boards not yet settled by their accounts at what they owe. It counts every
    /// account as paying in full: one below maintenance is the liquidators' to close, and
    /// what one cannot pay is the waterfall's.
    ///
    /// # Errors
    ///
    /// As [`ShortBook::account_health`].
    pub fn pool_liability(&self) -> Result<(U256, U256, u64), Error> {
        let values = self.params()?;
        let (receivable, mark_time) = self.receivable(&values)?;
        Ok((U256::ZERO, receivable, mark_time))
    }

    // =========================================================================================
    // Trading
    // =========================================================================================

    /// Writes `amount` options of `strikeId` to the pool: the pool pays the sale's premium
    /// (Black-Scholes at the board's base IV moved down by the sale, times skew, rounded
    /// down) less the spread fee, which stays in the pool; the proceeds and `margin`
    /// (collected from the caller) become the caller's collateral, which must then cover
    /// its liability plus initial margin at the moved volatility. Returns the proceeds.
    ///
    /// # Arguments
    ///
    /// * `strike_id` - A listed strike whose board still trades.
    /// * `is_call` - Calls or puts.
    /// * `amount` - The options, 18 decimals; at least `market.minTradeWad`.
    /// * `min_proceeds` - The least proceeds accepted (slippage bound), in asset units.
    /// * `deadline` - The last second the sale may execute.
    /// * `margin` - The margin to collect with the sale, in asset units (may be 0 when the
    ///   collateral already suffices).
    ///
    /// # Errors
    ///
    /// * [`Error::Paused`] - While the market's scope is paused.
    /// * [`Error::CallFailed`] - If a governance read, the vault's `cash` or payout, or the
    ///   market's `requiredCollateral` fails.
    /// * [`Error::DeadlinePassed`] - After `deadline`.
    /// * [`Error::MarketMismatch`] - If the caller writes options of another underlying.
    /// * [`Error::TooManyLines`] - Beyond [`MAX_ACCOUNT_LINES`] lines of the caller, or
    ///   [`MAX_OPEN_LINES`] over all accounts (`account` zero).
    /// * [`Error::OpenInterestCap`] - Beyond `market.maxStrikeOiWad` written of the side.
    /// * [`Error::ProceedsBelowMin`] - The slippage bound.
    /// * [`Error::CollateralLocked`] - If the proceeds exceed the pool's cash beyond the
    ///   collateral its written options lock (`requiredCollateral` of `mutual.market`).
    /// * [`Error::InsufficientMargin`] - If the collateral does not cover the liability
    ///   plus the initial margin.
    /// * [`Error::TokenCallFailed`] - If collecting the margin fails.
    /// * [`Error::PoolCashShort`] - If the vault cannot pay the proceeds.
    /// * [`Error::Forwarded`] - The margin engine's refusal: its `ShortBook*` errors (the
    ///   sequencer gate, a zero amount, `TradeTooSmall`, `TradingClosed`), the listings'
    ///   `Market*` (an unknown strike, a stale price) or the risk engine's `Engine*`; the
    ///   listings' refusal of the base-IV move.
    ///
    /// # Events
    ///
    /// * [`ShortOpened`].
    pub fn sell_short(
        &mut self,
        strike_id: u64,
        is_call: bool,
        amount: U256,
        min_proceeds: U256,
        deadline: u64,
        margin: U256,
    ) -> Result<U256, Error> {
        // ---- Checks: pause, deadline, the price (and the ticket), the account, the caps.
        let values = self.trade_params(deadline)?;
        let q = self.quote(&values, strike_id, is_call, false, amount, true)?;
        let account = self.vm().msg_sender();
        let key = line_key(strike_id, is_call);
        let (held, account_market, line_count) = {
            let record = self.accounts.getter(account);
            (record.amounts.get(key), record.market_id.get(), record.lines.len())
        };
        if !account_market.is_zero() && account_market != q.market_id {
            return Err(Error::MarketMismatch(ShortBookMarketMismatch {
                account,
                accountMarket: account_market,
                marketId: q.market_id,
            }));
        }
        if held.is_zero() {
            check_room(account, line_count, MAX_ACCOUNT_LINES)?;
        }
        let written = self.shorts.get(key);
        if written.is_zero() {
            check_room(Address::ZERO, self.open_lines.len(), MAX_OPEN_LINES)?;
        }
        let open_interest = written.checked_add(amount).ok_or_else(overflow)?;
        let cap = values[at::MAX_OI];
        if open_interest > cap {
            return Err(Error::OpenInterestCap(ShortBookOpenInterestCap {
                strikeId: strike_id,
                openInterest: open_interest,
                cap,
            }));
        }
        let proceeds = q.premium.saturating_sub(q.fees);
        if proceeds < min_proceeds {
            return Err(Error::ProceedsBelowMin(ShortBookProceedsBelowMin {
                proceeds,
                minProceeds: min_proceeds,
            }));
        }
        // The pool pays only from the cash its written options do not lock.
        let free = self.free_cash(&values)?;
        if proceeds > free {
            return Err(Error::CollateralLocked(ShortBookCollateralLocked { proceeds, free }));
        }

        // ---- Effects: the line, the totals, the collateral, the account list.
        let added = margin.checked_add(proceeds).ok_or_else(overflow)?;
        let collateral = self.book_short(account, key, q.market_id, amount, added)?;
        if written.is_zero() {
            self.open_lines.push(U64::from(key));
        }
        self.shorts.setter(key).set(open_interest);

        // ---- The base IV moves with the sale, then the margin at the moved volatility.
        self.record_iv(&values, strike_id, is_call, &q)?;
        let m = self.margin(&values, account, false)?;
        let required = m.liability.checked_add(m.initial).ok_or_else(overflow)?;
        if collateral < required {
            return Err(Error::InsufficientMargin(ShortBookInsufficientMargin {
                account,
                collateral,
                required,
            }));
        }
        self.emit(ShortOpened {
            account,
            strikeId: strike_id,
            isCall: is_call,
            amount,
            premium: q.premium,
            fees: q.fees,
            margin,
            volWad: q.vol_wad,
            baseIvAfterWad: q.base_iv_after_wad,
        });

        // ---- Interactions: the margin in, the proceeds from the vault.
        self.collect(account, margin)?;
        if !proceeds.is_zero() {
            let vault = value_to_address(values[at::VAULT]);
            let paid = flows::pull_payout(&mut *self, vault, q.market_id, REASON_PREMIUM, proceeds)
                .ok_or_else(|| call_failed(vault))?;
            if paid != proceeds {
                return Err(Error::PoolCashShort(ShortBookPoolCashShort {
                    requested: proceeds,
                    paid,
                }));
            }
        }
        Ok(proceeds)
    }

    /// Buys `amount` of the caller's written options of `strikeId` back from the pool:
    /// the premium (at the base IV moved up by the purchase, times skew, rounded up) plus
    /// the spread fee, both paid from the collateral to the vault. Returns the cost. No
    /// margin check: closing only lowers the account's risk.
    ///
    /// # Arguments
    ///
    /// * `strike_id` - A strike the caller has written, whose board still trades.
    /// * `is_call` - Calls or puts.
    /// * `amount` - The options, 18 decimals; at least `market.minTradeWad` unless it is
    ///   everything written of the line.
    /// * `max_cost` - The most the caller pays (slippage bound), in asset units.
    /// * `deadline` - The last second the close may execute.
    ///
    /// # Errors
    ///
    /// * [`Error::Paused`], [`Error::CallFailed`], [`Error::DeadlinePassed`] - As
    ///   [`ShortBook::sell_short`].
    /// * [`Error::InsufficientShort`] - If the caller wrote less than `amount`.
    /// * [`Error::CostAboveMax`] - The slippage bound.
    /// * [`Error::InsufficientCollateral`] - If the collateral cannot pay the cost.
    /// * [`Error::TokenCallFailed`] - If paying the vault fails.
    /// * [`Error::Forwarded`] - As [`ShortBook::sell_short`].
    ///
    /// # Events
    ///
    /// * [`ShortClosed`].
    pub fn close_short(
        &mut self,
        strike_id: u64,
        is_call: bool,
        amount: U256,
        max_cost: U256,
        deadline: u64,
    ) -> Result<U256, Error> {
        let values = self.trade_params(deadline)?;
        let account = self.vm().msg_sender();
        let key = line_key(strike_id, is_call);
        let (held, collateral) = {
            let record = self.accounts.getter(account);
            (record.amounts.get(key), record.collateral.get())
        };
        if amount > held {
            return Err(Error::InsufficientShort(ShortBookInsufficientShort {
                account,
                strikeId: strike_id,
                isCall: is_call,
                amount,
                held,
            }));
        }
        // Everything written may be closed, even below the minimum trade.
        let q = self.quote(&values, strike_id, is_call, true, amount, amount != held)?;
        let cost = q.premium.checked_add(q.fees).ok_or_else(overflow)?;
        if cost > max_cost {
            return Err(Error::CostAboveMax(ShortBookCostAboveMax { cost, maxCost: max_cost }));
        }
        if cost > collateral {
            return Err(Error::InsufficientCollateral(ShortBookInsufficientCollateral {
                account,
                amount: cost,
                collateral,
            }));
        }

        self.accounts.setter(account).collateral.set(collateral - cost); // cost <= collateral
        self.reduce_line(account, key, amount)?;
        self.record_iv(&values, strike_id, is_call, &q)?;
        self.emit(ShortClosed {
            account,
            strikeId: strike_id,
            isCall: is_call,
            amount,
            premium: q.premium,
            fees: q.fees,
            volWad: q.vol_wad,
            baseIvAfterWad: q.base_iv_after_wad,
        });
        self.pay_vault(&values, q.market_id, REASON_PREMIUM, q.premium)?;
        self.pay_vault(&values, q.market_id, REASON_FEES, q.fees)?;
        Ok(cost)
    }

    // =========================================================================================
    // Margin
    // =========================================================================================

    /// Adds `amount` (collected from the caller) to `account`'s collateral; anyone may top
    /// up any account. Never paused: margin that saves an account is always welcome.
    ///
    /// # Arguments
    ///
    /// * `account` - The account credited.
    /// * `amount` - In asset units; non-zero.
    ///
    /// # Errors
    ///
    /// * [`Error::InvalidAddress`] - If `account` is zero (nobody could take it out).
    /// * [`Error::ZeroAmount`] - If `amount` is zero.
    /// * [`Error::MathError`] - If the collateral overflows.
    /// * [`Error::TokenCallFailed`] - If collecting fails.
    ///
    /// # Events
    ///
    /// * [`MarginAdded`].
    pub fn add_margin(&mut self, account: Address, amount: U256) -> Result<(), Error> {
        if account.is_zero() {
            return Err(Error::InvalidAddress(ShortBookInvalidAddress { account }));
        }
        if amount.is_zero() {
            return Err(zero_amount());
        }
        let from = self.vm().msg_sender();
        let collateral = self.accounts.getter(account).collateral.get();
        let collateral = collateral.checked_add(amount).ok_or_else(overflow)?;
        self.accounts.setter(account).collateral.set(collateral);
        self.emit(MarginAdded { account, from, amount });
        self.collect(from, amount)
    }

    /// Takes `amount` of the caller's collateral out to `to`, leaving at least its
    /// liability plus initial margin (at a fresh spot, the sequencer gate applying, while
    /// it writes options).
    ///
    /// # Arguments
    ///
    /// * `amount` - In asset units; non-zero, at most the collateral.
    /// * `to` - The receiver.
    ///
    /// # Errors
    ///
    /// * [`Error::Paused`], [`Error::CallFailed`] - As [`ShortBook::sell_short`].
    /// * [`Error::ZeroAmount`] - If `amount` is zero.
    /// * [`Error::InsufficientCollateral`] - If `amount` exceeds the collateral.
    /// * [`Error::InsufficientMargin`] - If what is left does not cover the liability plus
    ///   the initial margin.
    /// * [`Error::TokenCallFailed`] - If paying `to` fails.
    /// * [`Error::Forwarded`] - The margin engine's refusal (the sequencer gate, a stale
    ///   price, ...).
    ///
    /// # Events
    ///
    /// * [`MarginRemoved`].
    pub fn remove_margin(&mut self, amount: U256, to: Address) -> Result<(), Error> {
        self.check_not_paused()?;
        let values = self.params()?;
        if amount.is_zero() {
            return Err(zero_amount());
        }
        let account = self.vm().msg_sender();
        let collateral = self.accounts.getter(account).collateral.get();
        if amount > collateral {
            return Err(Error::InsufficientCollateral(ShortBookInsufficientCollateral {
                account,
                amount,
                collateral,
            }));
        }
        let left = collateral - amount; // amount <= collateral
        let m = self.margin(&values, account, true)?;
        let required = m.liability.checked_add(m.initial).ok_or_else(overflow)?;
        if left < required {
            return Err(Error::InsufficientMargin(ShortBookInsufficientMargin {
                account,
                collateral: left,
                required,
            }));
        }
        self.accounts.setter(account).collateral.set(left);
        self.emit(MarginRemoved { account, to, amount });
        self.pay(to, amount)
    }

    // =========================================================================================
    // Liquidation and settlement
    // =========================================================================================

    /// Liquidates `account`, below maintenance at a fresh spot (the sequencer gate
    /// applying): every line it wrote is closed against the pool at the mark, and its
    /// collateral divided by `MarginEngine.liquidationSplit`: the caller's bounty first
    /// (`market.liquidatorShareWad` of the penalty `market.liquidationPenaltyWad x
    /// liability`, at least `market.minLiquidationBounty`, at most the collateral), then
    /// the pool the liability, then the rest of the penalty to the reserve, then the
    /// trader what is left. A shortfall runs the trader-default waterfall (the reserve,
    /// the insurance fund, the pool). Returns the bounty.
    ///
    /// # Arguments
    ///
    /// * `account` - An account below maintenance.
    ///
    /// # Errors
    ///
    /// * [`Error::Paused`], [`Error::CallFailed`] - As [`ShortBook::sell_short`].
    /// * [`Error::Healthy`] - If the collateral covers the liability plus maintenance
    ///   (an account writing nothing is always healthy).
    /// * [`Error::SettleFirst`] - If lines of the account are on settled boards and owe
    ///   something: `settleAccount` pays those first, without a penalty.
    /// * [`Error::TokenCallFailed`] - If a payment fails.
    /// * [`Error::Forwarded`] - The margin engine's refusal (the sequencer gate, a stale
    ///   price, a split it cannot make, ...).
    ///
    /// # Events
    ///
    /// * [`Liquidated`]; [`TraderDefault`] when the collateral does not pay the liability.
    pub fn liquidate(&mut self, account: Address) -> Result<U256, Error> {
        self.check_not_paused()?;
        let values = self.params()?;
        let m = self.margin(&values, account, true)?;
        let collateral = self.accounts.getter(account).collateral.get();
        let requirement = m.liability.saturating_add(m.maintenance);
        if self.accounts.getter(account).lines.is_empty() || collateral >= requirement {
            return Err(Error::Healthy(ShortBookHealthy { account, collateral, requirement }));
        }
        // Settled lines owe a fixed sum: settled without a penalty, not liquidated.
        if !m.settled_dues.is_zero() {
            return Err(Error::SettleFirst(ShortBookSettleFirst { account, dues: m.settled_dues }));
        }
        let [bounty, to_pool, to_reserve, returned, shortfall] =
            self.liquidation_split(&values, collateral, m.liability)?;
        let market_id = self.accounts.getter(account).market_id.get();

        // ---- Effects: every line closed, the collateral shared out.
        for key in keys_of(&self.accounts.getter(account).lines) {
            let amount = self.accounts.getter(account).amounts.get(key);
            self.reduce_line(account, key, amount)?;
        }
        self.accounts.setter(account).collateral.set(U256::ZERO);
        let reserve = self.reserve.get().checked_add(to_reserve).ok_or_else(overflow)?;
        self.reserve.set(reserve);
        let liquidator = self.vm().msg_sender();
        self.emit(Liquidated {
            account,
            liquidator,
            liability: m.liability,
            bounty,
            toPool: to_pool,
            toReserve: to_reserve,
            returned,
            shortfall,
        });

        // ---- Interactions: the pool, the waterfall, the liquidator, the trader.
        self.pay_vault(&values, market_id, REASON_SETTLEMENT, to_pool)?;
        self.default_waterfall(&values, account, market_id, shortfall)?;
        self.pay(liquidator, bounty)?;
        self.pay(account, returned)?;
        Ok(bounty)
    }

    /// Settles `account`'s lines on settled boards (anyone may call; never paused): each
    /// pays the pool what it owes at the settlement price (`amount x intrinsic`, rounded
    /// up, `MarginEngine.dues`) from the collateral; a shortfall runs the trader-default
    /// waterfall. An account left writing nothing is paid its collateral. Returns what the
    /// collateral paid.
    ///
    /// # Arguments
    ///
    /// * `account` - An account with a line on a settled board.
    ///
    /// # Errors
    ///
    /// * [`Error::CallFailed`] - If a governance read or a vault notification fails.
    /// * [`Error::NothingToSettle`] - If no line of `account` is on a settled board.
    /// * [`Error::MathError`] - If a shortfall overflows.
    /// * [`Error::TokenCallFailed`] - If a payment fails.
    /// * [`Error::Forwarded`] - The margin engine's refusal.
    ///
    /// # Events
    ///
    /// * [`ShortSettled`] per line settled; [`TraderDefault`] on a shortfall;
    ///   [`MarginRemoved`] when the collateral is paid out.
    pub fn settle_account(&mut self, account: Address) -> Result<U256, Error> {
        let values = self.params()?;
        let dues = self.dues(&values, account)?;
        let keys = keys_of(&self.accounts.getter(account).lines);
        let market_id = self.accounts.getter(account).market_id.get();
        let mut collateral = self.accounts.getter(account).collateral.get();
        let (mut paid_total, mut shortfall, mut settled) = (U256::ZERO, U256::ZERO, false);
        for (key, owed) in keys.into_iter().zip(dues) {
            if owed == U256::MAX {
                continue;
            }
            settled = true;
            let amount = self.accounts.getter(account).amounts.get(key);
            let paid = owed.min(collateral);
            collateral -= paid; // paid <= collateral
            paid_total += paid; // paid_total <= the collateral at the start
            shortfall = shortfall.checked_add(owed - paid).ok_or_else(overflow)?;
            self.reduce_line(account, key, amount)?;
            let (strike_id, is_call) = line_of(key);
            self.emit(ShortSettled {
                account,
                strikeId: strike_id,
                isCall: is_call,
                amount,
                owed,
                paid,
            });
        }
        if !settled {
            return Err(Error::NothingToSettle(ShortBookNothingToSettle { account }));
        }
        let released =
            if self.accounts.getter(account).lines.is_empty() { collateral } else { U256::ZERO };
        self.accounts.setter(account).collateral.set(collateral - released);
        if !released.is_zero() {
            self.emit(MarginRemoved { account, to: account, amount: released });
        }
        self.pay_vault(&values, market_id, REASON_SETTLEMENT, paid_total)?;
        self.default_waterfall(&values, account, market_id, shortfall)?;
        self.pay(account, released)?;
        Ok(paid_total)
    }
}

impl ShortBook {
    /// The checks every trade starts with: the pause, the governance values, the
    /// deadline (the margin engine checks the rest of the ticket).
    fn trade_params(&self, deadline: u64) -> Result<Vec<U256>, Error> {
        self.check_not_paused()?;
        let values = self.params()?;
        let now = self.now();
        if now > deadline {
            return Err(Error::DeadlinePassed(ShortBookDeadlinePassed { deadline, now }));
        }
        Ok(values)
    }

    /// Books `amount` more written options of line `key` on `account` (of `market_id`)
    /// and `added` to its collateral, listing the account on its first short; returns the
    /// new collateral. The book's totals are the caller's.
    fn book_short(
        &mut self,
        account: Address,
        key: u64,
        market_id: B256,
        amount: U256,
        added: U256,
    ) -> Result<U256, Error> {
        let mut record = self.accounts.setter(account);
        let held = record.amounts.get(key);
        if held.is_zero() {
            record.lines.push(U64::from(key));
        }
        record.market_id.set(market_id);
        record.amounts.setter(key).set(held.checked_add(amount).ok_or_else(overflow)?);
        let collateral = record.collateral.get().checked_add(added).ok_or_else(overflow)?;
        record.collateral.set(collateral);
        let listed = record.listed.get();
        record.listed.set(true);
        drop(record);
        if !listed {
            self.account_list.push(account);
        }
        Ok(collateral)
    }

    /// Has the listings move the traded board's base IV to the quote's, the pool's written
    /// interest of the side unchanged (`recordTrade`, which accepts the short book).
    fn record_iv(
        &mut self,
        values: &[U256],
        strike_id: u64,
        is_call: bool,
        q: &Quote,
    ) -> Result<(), Error> {
        let listings = value_to_address(values[at::LISTINGS]);
        split::record_trade(
            &mut *self,
            listings,
            strike_id,
            is_call,
            q.written,
            q.base_iv_after_wad,
        )
        .map_err(Error::Forwarded)
    }

    /// How many accounts have ever written an option.
    fn account_count(&self) -> u64 {
        u64::try_from(self.account_list.len()).unwrap_or(u64::MAX)
    }

    /// The waterfall of `shortfall` and its [`TraderDefault`] event (nothing for 0).
    fn default_waterfall(
        &mut self,
        values: &[U256],
        account: Address,
        market_id: B256,
        shortfall: U256,
    ) -> Result<(), Error> {
        if shortfall.is_zero() {
            return Ok(());
        }
        let (from_reserve, covered, pool_loss) =
            self.absorb_default(values, market_id, shortfall)?;
        self.emit(TraderDefault {
            account,
            marketId: market_id,
            shortfall,
            fromReserve: from_reserve,
            covered,
            poolLoss: pool_loss,
        });
        Ok(())
    }
}

/// Rejects a new line when `count` lines are already at `max`.
fn check_room(account: Address, count: usize, max: u32) -> Result<(), Error> {
    let count = u32::try_from(count).unwrap_or(u32::MAX);
    if count >= max {
        return Err(Error::TooManyLines(ShortBookTooManyLines { account, count, max }));
    }
    Ok(())
}
