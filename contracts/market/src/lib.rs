//! `OptionsMarket`: where traders, Solidity protocols and bots meet Mutual's pool; the
//! address under `mutual.market`, and the first of the market's programs
//! (`docs/market.md`, "Size": `OptionsMarket`, `OptionBook`, `OptionListings`,
//! `RiskEngine`).
//!
//! This program keeps the positions, the reserves and the settled boards' payouts, and
//! makes every token movement and every call to the vault and the insurance fund (both
//! accept flows only from `mutual.market`). The pre-trade checks, pricing and the
//! pool-level stress check live in `OptionBook` (the address under `market.book`), which
//! prices through the stateless `RiskEngine` and keeps the listings, the oracle checks,
//! open interest and the settlement prices in `OptionListings` (`market.listings`); a
//! refusal of either reaches the caller unchanged (every program raises the same
//! `Market*` errors).
//!
//! - **Trading with the pool**: `buy` (the pool writes; the trader pays premium plus fees)
//!   and `sell` (the pool buys a long back; the trader receives premium minus fees), each
//!   with a slippage bound and a deadline. The book checks and prices the trade
//!   (`OptionBook.trade`: Black-Scholes at the trade's volatility through the engine,
//!   rounded against the trader; on purchases the pool-level stress check, coverage,
//!   utilization and net delta and vega limits); this program checks the slippage bound, keeps the position, and
//!   splits the fees to the vault, the insurance fund (its share computed here from the
//!   fund's keys, `notifyIncome`), the market's reserve and the treasury.
//! - **The pool's book for the vault and the insurance fund** (`IOptionsMarket`):
//!   `poolLiability`, `requiredCollateral`, `stressedLoss`, `longestOpenTenor`, forwarded
//!   to the book.
//! - **Settlement**: after expiry anyone may `settle(boardId, roundId)`; the book (through
//!   the listings) fixes the price at the first valid oracle round at or after the expiry and returns what the
//!   board owes; this program pays it in: the pool up to its retention, the insurance
//!   fund's excess-of-loss cover the excess, the pool again beyond the cover; what nobody
//!   can pay is a recorded pro-rata haircut; the settler earns a bounty from the market's
//!   reserve. Holders then `claim(positionIds)` once each (a duplicate id in a batch is
//!   rejected).
//!
//! Trader shorts (margin accounts, liquidation) live in a second contract (see
//! `docs/market.md`: the market does not fit 24,576 bytes with them). Every address and
//! parameter is read from `GovernanceParams` at each call, so changing them is timelocked.
//! Calls to governance, the vault, the insurance fund, the book and the asset go through
//! `mutual_interfaces::{calls, flows, split}` (hand-encoded). Every call follows checks,
//! then state changes, then events, then external calls.
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
#[allow(dead_code, reason = "shared with OptionBook, which raises the rest")]
mod errors;
mod events;
mod internal;
mod state;
#[cfg(test)]
mod tests;
mod trading;

use alloc::vec::Vec;

use alloy_primitives::{Address, B256, U256, U64, U8};
use mutual_interfaces::{
    calls, flows,
    keys::{
        value_to_address, BOOK_KEY, INSURANCE_KEY, RETENTION_KEY, SETTLE_BOUNTY_KEY, VAULT_KEY,
    },
    split,
};
use mutual_risk::{
    fixed::{mul_div_down, WAD},
    settlement::{payout_asset_down, pro_rata_down},
    waterfall::{excess_of_loss, Layer},
};
use stylus_sdk::prelude::*;

pub use constants::*;
pub use errors::*;
pub use events::*;
pub use state::OptionsMarket;

use errors::{call_failed, math, overflow, token_failed};
use internal::{at, u64_of, TRADE_KEYS};

/// Aborts on panic in the deployed contract (built with `panic=immediate-abort`; every
/// panic site is a proven-unreachable `expect`).
#[cfg(all(target_arch = "wasm32", not(feature = "export-abi")))]
#[panic_handler]
fn panic(_info: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}

#[public]
impl OptionsMarket {
    /// Creates a market with no positions, of `asset`, governed by `governance`. Reads the
    /// asset's decimals.
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
                return Err(Error::InvalidAddress(MarketInvalidAddress { account }));
            }
        }
        let decimals = calls::decimals(&*self, asset)
            .filter(|d| *d <= MAX_ASSET_DECIMALS)
            .ok_or_else(|| token_failed(asset))?;
        self.asset.set(asset);
        self.asset_decimals.set(U8::from(decimals));
        self.governance.set(governance);
        Ok(())
    }

    // =========================================================================================
    // Reads
    // =========================================================================================

    /// Returns the collateral asset.
    pub fn asset(&self) -> Address {
        self.asset.get()
    }

    /// Returns `marketId`'s reserve (DESIGN.md layer 2), held by the market, asset units.
    ///
    /// # Arguments
    ///
    /// * `market_id` - Any id.
    pub fn reserve(&self, market_id: B256) -> U256 {
        self.reserves.get(market_id)
    }

    /// Returns `boardId`'s payout: `(owed, available)`, what its longs are owed at the
    /// settlement price and what the market holds to pay them (`owed - available` is the
    /// recorded haircut); zeros before settlement.
    ///
    /// # Arguments
    ///
    /// * `board_id` - Any id.
    pub fn payout(&self, board_id: u64) -> (U256, U256) {
        let payout = self.payouts.getter(board_id);
        (payout.owed.get(), payout.available.get())
    }

    /// Returns `positionId`: `(owner, strikeId, isCall, amount, claimed)`; a zero owner
    /// for a position never opened.
    ///
    /// # Arguments
    ///
    /// * `position_id` - Any id.
    pub fn position(&self, position_id: u64) -> (Address, u64, bool, U256, bool) {
        let p = self.positions.getter(position_id);
        (p.owner.get(), u64_of(p.strike_id.get()), p.is_call.get(), p.amount.get(), p.claimed.get())
    }

    /// Returns the id of `owner`'s position of `strikeId` and side, 0 if none.
    ///
    /// # Arguments
    ///
    /// * `owner` - Any account.
    /// * `strike_id` - Any strike id.
    /// * `is_call` - Calls or puts.
    pub fn position_id(&self, owner: Address, strike_id: u64, is_call: bool) -> u64 {
        u64_of(self.position_ids.getter(owner).get(side_key(strike_id, is_call)))
    }

    // =========================================================================================
    // The pool's book (IOptionsMarket), forwarded to the book
    // =========================================================================================

    /// Returns the seconds from now to the latest expiry among the boards with open
    /// options (0 when none is open, or when every such board has expired): stakers' exit
    /// cooldowns are at least this long. Read from `OptionBook`.
    ///
    /// # Errors
    ///
    /// * [`Error::CallFailed`] - If a governance read fails; the book's errors forwarded.
    pub fn longest_open_tenor(&self) -> Result<u64, Error> {
        let [tenor] = split::longest_open_tenor(self, self.book()?).map_err(Error::Forwarded)?;
        Ok(u64::try_from(tenor).unwrap_or(u64::MAX))
    }

    /// Returns the worst loss of `marketId`'s pool book over the stress grid, in asset
    /// units, rounded up (0 for an empty book or a market never listed). Read from
    /// `OptionBook`.
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
        Ok(split::stressed_loss(self, self.book()?, market_id).map_err(Error::Forwarded)?[0])
    }

    /// Returns the pool's book at its latest marks, in asset units: `(liability,
    /// receivable, markTime)`. `liability` is the cost of buying back every option the
    /// pool has written, at each underlying's latest valid answer, rounded up;
    /// `receivable` is 0 (premiums and fees reach the vault in the trade's own
    /// transaction, and settlement pulls what it owes at once); `markTime` is the oldest
    /// answer's time (`now` for an empty book), for the vault to judge staleness. Read from `OptionBook`.
    ///
    /// # Errors
    ///
    /// As `stressedLoss`, for every market.
    pub fn pool_liability(&self) -> Result<(U256, U256, u64), Error> {
        let [liability, receivable, mark_time] =
            split::pool_liability(self, self.book()?).map_err(Error::Forwarded)?;
        Ok((liability, receivable, u64::try_from(mark_time).unwrap_or(u64::MAX)))
    }

    /// Returns the collateral the pool must keep against its book, in asset units, at the
    /// marks of `poolLiability`: the sum over underlyings of the liability plus the
    /// stressed loss (what buying the book back would cost in its worst scenario).
    ///
    /// # Errors
    ///
    /// As `stressedLoss`, for every market.
    pub fn required_collateral(&self) -> Result<U256, Error> {
        Ok(split::required_collateral(self, self.book()?).map_err(Error::Forwarded)?[0])
    }

    // =========================================================================================
    // Trading
    // =========================================================================================

    /// Buys `amount` options of `strikeId` from the pool, which writes them: the caller
    /// pays `premium + fees` (see the book's `quote`), at most `maxCost`, on its allowance to the
    /// market. The premium and the LPs' fee share go to the vault (`notifyPremium`), the
    /// insurance fund's share to it (`notifyIncome`), the treasury's to the treasury, the
    /// reserve's stays in the market. Returns the caller's position id of that strike and
    /// side.
    ///
    /// # Arguments
    ///
    /// * `strike_id` - A listed strike.
    /// * `is_call` - Calls or puts.
    /// * `amount` - The options, 18 decimals; at least `market.minTradeWad`.
    /// * `max_cost` - The most the caller pays, asset units.
    /// * `deadline` - The last second the trade may execute.
    ///
    /// # Errors
    ///
    /// * [`Error::Paused`] - If the market's scope or the protocol is paused.
    /// * [`Error::CallFailed`] - If a governance, vault or insurance call fails.
    /// * [`Error::UnknownStrike`] - If `strikeId` is not listed.
    /// * [`Error::DeadlinePassed`] - If `now > deadline`.
    /// * [`Error::ZeroAmount`] / [`Error::TradeTooSmall`] - If `amount` is zero / too small.
    /// * [`Error::TradingClosed`] - If `now + market.tradingCutoff >= expiry`.
    /// * [`Error::SequencerDown`] / [`Error::SequencerGracePeriod`] - The sequencer gate.
    /// * [`Error::OracleCallFailed`], [`Error::IncompleteRound`],
    ///   [`Error::InvalidPrice`], [`Error::StalePrice`] - If the oracle is unusable.
    /// * [`Error::OpenInterestCap`] - If the side's open interest would pass its cap.
    /// * [`Error::StressLimitExceeded`], [`Error::CoverageBelowFloor`],
    ///   [`Error::UtilizationAboveCap`], [`Error::NetDeltaAboveCap`],
    ///   [`Error::NetVegaAboveCap`] - The pool-level risk limits, after the trade.
    /// * [`Error::CostAboveMax`] - If `premium + fees > maxCost`.
    /// * [`Error::MathError`] - If the trade cannot be priced.
    /// * [`Error::TokenCallFailed`] - If a `transferFrom` fails.
    ///
    /// The book raises the trade's checks (from `UnknownStrike` to the pool limits and
    /// `MathError`); they arrive as [`Error::Forwarded`], byte for byte the same error.
    ///
    /// # Events
    ///
    /// * [`Trade`], [`FeesSplit`].
    pub fn buy(
        &mut self,
        strike_id: u64,
        is_call: bool,
        amount: U256,
        max_cost: U256,
        deadline: u64,
    ) -> Result<u64, Error> {
        // ---- Checks: the pause, then the book (the trade, the sequencer, open interest,
        // the oracle, the price, the pool limits; it books open interest and base IV).
        self.check_not_paused()?;
        let values = self.params(&TRADE_KEYS)?;
        // The pool's NAV, read here: the book is not on the call stack yet, so a vault
        // that values the pool with the book's views answers (docs/market.md).
        let vault = value_to_address(values[at::VAULT]);
        let nav = flows::total_assets(&*self, vault).ok_or_else(|| call_failed(vault))?;
        let book = value_to_address(values[at::BOOK]);
        let traded =
            split::trade(&mut *self, book, strike_id, is_call, amount, true, deadline, nav)
                .map_err(Error::Forwarded)?;
        let [market_word, premium, fees, _, _, stressed] = traded;
        let market_id = B256::from(market_word);
        let cost = premium.checked_add(fees).ok_or_else(overflow)?;
        if cost > max_cost {
            return Err(Error::CostAboveMax(MarketCostAboveMax { cost, maxCost: max_cost }));
        }
        let split = self.split_fees(fees, stressed, &values)?;

        // ---- Effects: the position, the reserve.
        let trader = self.vm().msg_sender();
        let position_id = self.position_for(trader, strike_id, is_call);
        {
            let mut position = self.positions.setter(position_id);
            let new_amount = position.amount.get() + amount; // <= open interest
            position.amount.set(new_amount);
        }
        self.add_reserve(market_id, split[2])?;

        // ---- Events, then the payments.
        self.emit_trade(trader, position_id, (strike_id, is_call, true, amount), &traded);
        self.emit_split(market_id, split);
        let insurance = value_to_address(values[at::INSURANCE]);
        let market = self.vm().contract_address();
        self.collect(trader, vault, premium + split[0])?; // <= cost
        self.notify_vault(vault, market_id, REASON_PREMIUM, premium)?;
        self.notify_vault(vault, market_id, REASON_FEES, split[0])?;
        self.collect(trader, insurance, split[1])?;
        self.notify_insurance(insurance, market_id, split[1])?;
        self.collect(trader, market, split[2])?;
        self.collect(trader, value_to_address(values[at::TREASURY]), split[3])?;
        Ok(position_id)
    }

    /// Sells `amount` of the caller's long options of `strikeId` back to the pool: the
    /// pool pays `premium - fees` (see the book's `quote`), at least `minProceeds`, to the caller. The
    /// vault pays the premium less the LPs' fee share (`pullPayout`); the other shares go
    /// to the insurance fund, the reserve and the treasury. Returns the proceeds.
    ///
    /// # Arguments
    ///
    /// * `strike_id` - A listed strike.
    /// * `is_call` - Calls or puts.
    /// * `amount` - The options, 18 decimals; at least `market.minTradeWad`, at most the
    ///   caller's position.
    /// * `min_proceeds` - The least the caller receives, asset units.
    /// * `deadline` - The last second the trade may execute.
    ///
    /// # Errors
    ///
    /// As `buy` for the pause, the trade, the sequencer and the oracle, and:
    ///
    /// * [`Error::InsufficientPosition`] - If the caller holds less than `amount`.
    /// * [`Error::ProceedsBelowMin`] - If `premium - fees < minProceeds`.
    /// * [`Error::PoolCashShort`] - If the vault pays less than requested.
    /// * [`Error::TokenCallFailed`] - If a transfer fails.
    ///
    /// # Events
    ///
    /// * [`Trade`], [`FeesSplit`].
    pub fn sell(
        &mut self,
        strike_id: u64,
        is_call: bool,
        amount: U256,
        min_proceeds: U256,
        deadline: u64,
    ) -> Result<U256, Error> {
        // ---- Checks: the pause, the position, then the book (the trade, the sequencer,
        // the oracle, the price; it books open interest and base IV).
        self.check_not_paused()?;
        let values = self.params(&TRADE_KEYS)?;
        let trader = self.vm().msg_sender();
        let position_id = self.position_id(trader, strike_id, is_call);
        let held = self.positions.getter(position_id).amount.get();
        if held < amount {
            return Err(Error::InsufficientPosition(MarketInsufficientPosition {
                positionId: position_id,
                amount,
                held,
            }));
        }
        let book = value_to_address(values[at::BOOK]);
        let traded =
            split::trade(&mut *self, book, strike_id, is_call, amount, false, deadline, U256::ZERO)
                .map_err(Error::Forwarded)?;
        let [market_word, premium, fees, _, _, stressed] = traded;
        let market_id = B256::from(market_word);
        let proceeds = premium.checked_sub(fees).ok_or_else(overflow)?; // fees <= premium
        if proceeds < min_proceeds {
            return Err(Error::ProceedsBelowMin(MarketProceedsBelowMin {
                proceeds,
                minProceeds: min_proceeds,
            }));
        }
        let split = self.split_fees(fees, stressed, &values)?;

        // ---- Effects: the position, the reserve.
        self.positions.setter(position_id).amount.set(held - amount);
        self.add_reserve(market_id, split[2])?;

        // ---- Events, then the payments: the pool pays the premium net of its own share.
        self.emit_trade(trader, position_id, (strike_id, is_call, false, amount), &traded);
        self.emit_split(market_id, split);
        let vault = value_to_address(values[at::VAULT]);
        let insurance = value_to_address(values[at::INSURANCE]);
        let requested = premium - split[0]; // split[0] <= fees <= premium
        self.pull_exactly(vault, market_id, REASON_PREMIUM, requested)?;
        self.pay(trader, proceeds)?;
        self.pay(insurance, split[1])?;
        self.notify_insurance(insurance, market_id, split[1])?;
        self.pay(value_to_address(values[at::TREASURY]), split[3])?;
        Ok(proceeds)
    }

    // =========================================================================================
    // Settlement
    // =========================================================================================

    /// Settles `boardId` at the answer of oracle round `roundId`, which must be the first
    /// valid round at or after the expiry: complete, positive, updated at or after the
    /// expiry, and the round before it (same phase) updated before it (the first round of
    /// a phase needs no predecessor). The price is fixed for good. What the board's longs
    /// are owed (`owed`, each strike's total rounded up) is paid into the market: the pool
    /// up to its retention (`market.retentionWad` of its NAV), the insurance fund's
    /// excess-of-loss cover beyond it (`cover`, kind 1), the pool again beyond the cover;
    /// what nobody can pay is recorded as the board's haircut. The caller earns
    /// `market.settleBounty` from the market's reserve (at most the reserve). Never halts
    /// for lack of a fresh price or for the pause.
    ///
    /// # Arguments
    ///
    /// * `board_id` - A listed board past its expiry, not settled.
    /// * `round_id` - The settlement round (found off-chain: the first round whose
    ///   `updatedAt` is at or after the expiry).
    ///
    /// # Errors
    ///
    /// * [`Error::UnknownBoard`] - If `boardId` is not listed.
    /// * [`Error::AlreadySettled`] - If it is settled.
    /// * [`Error::NotExpired`] - If `now < expiry`.
    /// * [`Error::OracleCallFailed`] - If a round cannot be read.
    /// * [`Error::InvalidSettlementRound`] - If `roundId` is not the first valid round at
    ///   or after the expiry.
    /// * [`Error::InvalidPrice`] - If its answer is non-positive or out of range.
    /// * [`Error::CallFailed`] - If a governance or vault call fails (a failing insurance
    ///   cover counts as no cover).
    /// * [`Error::TokenCallFailed`] - If the bounty's transfer fails.
    ///
    /// # Events
    ///
    /// * [`BoardSettled`].
    pub fn settle(&mut self, board_id: u64, round_id: U256) -> Result<U256, Error> {
        // ---- Checks: the book fixes the price (the board, the round) and what it owes.
        let values =
            self.params(&[BOOK_KEY, VAULT_KEY, INSURANCE_KEY, RETENTION_KEY, SETTLE_BOUNTY_KEY])?;
        let book = value_to_address(values[0]);
        let (vault, insurance) = (value_to_address(values[1]), value_to_address(values[2]));
        let [market_word, price_wad, owed] =
            split::settle_board(&mut *self, book, board_id, round_id).map_err(Error::Forwarded)?;
        let market_id = B256::from(market_word);

        // ---- Effects: what the board owes, the bounty, before any call.
        self.payouts.setter(board_id).owed.set(owed);
        let reserve = self.reserves.get(market_id);
        let bounty = values[4].min(reserve);
        self.reserves.setter(market_id).set(reserve - bounty);

        // ---- The pool's tail loss: retention, excess-of-loss cover, the pool beyond it.
        let (mut retained, mut covered, mut beyond) = (U256::ZERO, U256::ZERO, U256::ZERO);
        if !owed.is_zero() {
            let nav = flows::total_assets(&*self, vault).ok_or_else(|| call_failed(vault))?;
            // Rounds down: a smaller retention sends more to the cover (the pool's favour).
            let retention = mul_div_down(nav, values[3], WAD).map_err(math)?;
            let unbounded = [Layer { available: U256::MAX, cap: None }];
            let shape =
                excess_of_loss(owed, retention, &unbounded, &mut [U256::ZERO]).map_err(math)?;
            if !shape.covered.is_zero() {
                covered =
                    flows::cover(&mut *self, insurance, KIND_POOL_TAIL, market_id, shape.covered)
                        .unwrap_or_default()
                        .min(shape.covered);
            }
            let pulled = self.pull(vault, market_id, REASON_SETTLEMENT, owed - covered)?;
            retained = pulled.min(shape.retained);
            beyond = pulled - retained;
        }
        let available = retained + covered + beyond; // <= owed
        self.payouts.setter(board_id).available.set(available);

        // ---- Event, then the bounty.
        self.emit(BoardSettled {
            boardId: board_id,
            roundId: round_id,
            priceWad: price_wad,
            owed,
            retained,
            covered,
            beyondCover: beyond,
            haircut: owed - available,
            bounty,
        });
        let settler = self.vm().msg_sender();
        self.pay(settler, bounty)?;
        Ok(price_wad)
    }

    /// Pays each position's settlement payout to its owner, once: `amount x payoff`
    /// (`max(S - K, 0)` for a call, `max(K - S, 0)` for a put, at the settlement price),
    /// rounded down, times `available / owed` (rounded down) if the board took a haircut.
    /// Anyone may claim for the owners. Returns the total paid.
    ///
    /// # Arguments
    ///
    /// * `position_ids` - Positions of settled boards, each not yet claimed, each once.
    ///
    /// # Errors
    ///
    /// * [`Error::UnknownPosition`] - If an id was never opened.
    /// * [`Error::NotSettled`] - If a position's board is not settled.
    /// * [`Error::AlreadyClaimed`] - If a position is claimed, or appears twice.
    /// * [`Error::MathError`] - If a payout overflows.
    /// * [`Error::TokenCallFailed`] - If a transfer fails.
    ///
    /// # Events
    ///
    /// * [`Claimed`] - One per position.
    #[allow(
        clippy::needless_pass_by_value,
        reason = "ABI arguments are decoded into owned vectors"
    )]
    pub fn claim(&mut self, position_ids: Vec<u64>) -> Result<U256, Error> {
        // ---- Checks and effects, position by position (a duplicate finds itself claimed).
        let book = self.book()?;
        let mut payouts = Vec::with_capacity(position_ids.len());
        let mut total = U256::ZERO;
        for &position_id in &position_ids {
            let (owner, payout) = self.claimable(book, position_id)?;
            self.positions.setter(position_id).claimed.set(true);
            total = total.checked_add(payout).ok_or_else(overflow)?;
            payouts.push((position_id, owner, payout));
        }

        // ---- Events, then the payments.
        for &(position_id, owner, payout) in &payouts {
            self.emit(Claimed { positionId: position_id, owner, payout });
        }
        for (_, owner, payout) in payouts {
            self.pay(owner, payout)?;
        }
        Ok(total)
    }
}

// =============================================================================================
// Private helpers of the entry points
// =============================================================================================

impl OptionsMarket {
    /// The address under `market.book`.
    fn book(&self) -> Result<Address, Error> {
        Ok(value_to_address(self.params(&[BOOK_KEY])?[0]))
    }

    /// The caller's position id of `strikeId` and side, opened (empty) if new.
    fn position_for(&mut self, owner: Address, strike_id: u64, is_call: bool) -> u64 {
        let existing = self.position_id(owner, strike_id, is_call);
        if existing != 0 {
            return existing;
        }
        let id = u64_of(self.position_count.get()) + 1; // ids stay far below 2^64
        self.position_count.set(U64::from(id));
        self.position_ids.setter(owner).setter(side_key(strike_id, is_call)).set(U64::from(id));
        let mut position = self.positions.setter(id);
        position.owner.set(owner);
        position.strike_id.set(U64::from(strike_id));
        position.is_call.set(is_call);
        id
    }

    /// Adds `amount` to `marketId`'s reserve.
    fn add_reserve(&mut self, market_id: B256, amount: U256) -> Result<(), Error> {
        let reserve = self.reserves.get(market_id);
        let new_reserve = reserve.checked_add(amount).ok_or_else(overflow)?;
        self.reserves.setter(market_id).set(new_reserve);
        Ok(())
    }

    /// Emits [`Trade`] of `(strikeId, isCall, isBuy, amount)` from the book's answer
    /// `[marketId, premium, fees, volWad, baseIvAfterWad, stressedLoss]`.
    fn emit_trade(
        &self,
        trader: Address,
        position_id: u64,
        (strike_id, is_call, is_buy, amount): (u64, bool, bool, U256),
        traded: &[U256; 6],
    ) {
        self.emit(Trade {
            trader,
            strikeId: strike_id,
            positionId: position_id,
            isCall: is_call,
            isBuy: is_buy,
            amount,
            premium: traded[1],
            fees: traded[2],
            volWad: traded[3],
            baseIvAfterWad: traded[4],
        });
    }

    /// Emits [`FeesSplit`].
    fn emit_split(&self, market_id: B256, split: [U256; 4]) {
        self.emit(FeesSplit {
            marketId: market_id,
            toVault: split[0],
            toInsurance: split[1],
            toReserve: split[2],
            toTreasury: split[3],
        });
    }

    /// `vault.notifyPremium(marketId, reason, amount)`, skipped for 0.
    fn notify_vault(
        &mut self,
        vault: Address,
        market_id: B256,
        reason: u8,
        amount: U256,
    ) -> Result<(), Error> {
        if amount.is_zero() || flows::notify_premium(&mut *self, vault, market_id, reason, amount) {
            return Ok(());
        }
        Err(call_failed(vault))
    }

    /// `insurance.notifyIncome(marketId, amount)`, skipped for 0.
    fn notify_insurance(
        &mut self,
        insurance: Address,
        market_id: B256,
        amount: U256,
    ) -> Result<(), Error> {
        if amount.is_zero() || flows::notify_income(&mut *self, insurance, market_id, amount) {
            return Ok(());
        }
        Err(call_failed(insurance))
    }

    /// `vault.pullPayout(marketId, reason, amount)`: what the vault paid, at most
    /// `amount` (nothing asked for 0).
    fn pull(
        &mut self,
        vault: Address,
        market_id: B256,
        reason: u8,
        amount: U256,
    ) -> Result<U256, Error> {
        if amount.is_zero() {
            return Ok(U256::ZERO);
        }
        let paid = flows::pull_payout(&mut *self, vault, market_id, reason, amount)
            .ok_or_else(|| call_failed(vault))?;
        Ok(paid.min(amount))
    }

    /// [`OptionsMarket::pull`] of exactly `amount`, else `MarketPoolCashShort`.
    fn pull_exactly(
        &mut self,
        vault: Address,
        market_id: B256,
        reason: u8,
        amount: U256,
    ) -> Result<(), Error> {
        let paid = self.pull(vault, market_id, reason, amount)?;
        if paid < amount {
            return Err(Error::PoolCashShort(MarketPoolCashShort { requested: amount, paid }));
        }
        Ok(())
    }

    /// The owner and payout of an unclaimed position of a settled board: `amount x
    /// payoff` at the settlement price (from the book), rounded down, then the board's
    /// haircut pro rata, rounded down.
    fn claimable(&self, book: Address, position_id: u64) -> Result<(Address, U256), Error> {
        let position = self.positions.getter(position_id);
        let owner = position.owner.get();
        if owner.is_zero() {
            return Err(Error::UnknownPosition(MarketUnknownPosition { positionId: position_id }));
        }
        if position.claimed.get() {
            return Err(Error::AlreadyClaimed(MarketAlreadyClaimed { positionId: position_id }));
        }
        let [board, settled, price_wad, strike_wad] =
            split::payoff(self, book, u64_of(position.strike_id.get()))
                .map_err(Error::Forwarded)?;
        let board_id = u64::try_from(board).unwrap_or(u64::MAX);
        if settled.is_zero() {
            return Err(Error::NotSettled(MarketNotSettled { boardId: board_id }));
        }
        let narrow = |x: U256| u128::try_from(x).map_err(|_| overflow());
        let payout = self.payouts.getter(board_id);
        // Rounds down: payouts are paid; then the board's recorded haircut, pro rata.
        let paid = payout_asset_down(
            narrow(price_wad)?,
            narrow(strike_wad)?,
            narrow(position.amount.get())?,
            position.is_call.get(),
            self.decimals(),
        )
        .and_then(|p| pro_rata_down(p, payout.available.get(), payout.owed.get()))
        .map_err(math)?;
        Ok((owner, paid))
    }
}

/// The key of a position by strike and side: `2 * strikeId + isCall`.
fn side_key(strike_id: u64, is_call: bool) -> u64 {
    strike_id.wrapping_mul(2) | u64::from(is_call)
}
