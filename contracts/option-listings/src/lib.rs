//! `OptionListings`: the listings of Mutual's options market, the third program of the
//! market's split (`docs/market.md`, "Size").
//!
//! - **Listings**: markets per underlying (`listMarket`: a Chainlink-style spot feed whose
//!   decimals are read once, and a heartbeat), boards (`listBoard`: an expiry and a base
//!   implied volatility) and strikes (`listStrike`: a strike price and a skew), created and
//!   tuned (`setHeartbeat`, `setBaseIv`, `setSkew`) by the address under `market.lister`
//!   within the bounds of governance keys.
//! - **What the book reads** (`OptionBook`, which checks and prices trades, stateless but
//!   for its governance and asset decimals): `strikeInfo` (a strike with its board, market
//!   and open interest), `marketLines` (every strike of an underlying's live boards),
//!   `marketIds`, `spot` (the oracle checks).
//! - **For integrators**: `greeks(strikeId)`, the prices and greeks of a strike as the
//!   pool marks it (priced by the `RiskEngine`).
//! - **The pool's book**: open interest per strike and side, written only by the book's
//!   trades (`recordTrade`, with the board's base IV after the trade), and
//!   `longestOpenTenor`.
//! - **For the book only** (the address under `market.book`): `recordTrade` and
//!   `settleBoard` (fixes a board's settlement price, the first valid round at or after
//!   expiry, takes the board out of the live list and returns what its longs are owed).
//!
//! Errors and events are `OptionsMarket`'s own (`src/errors.rs` and `src/events.rs` are
//! links to `contracts/market/src/`), so a refusal reaches a trader through the book and
//! the market unchanged. Every address and parameter is read from `GovernanceParams` at
//! each call. Time is read only through [`mutual_contract_kit::clock::now`].
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
// `errors.rs` and `events.rs` are symbolic links to the market's: one definition of the
// `Market*` errors and the events for every program of the market.
#[allow(dead_code, reason = "the market's errors: the listings raise some, not all")]
mod errors;
#[allow(dead_code, reason = "the market's events: the listings emit the listing ones")]
mod events;
mod internal;
mod state;
#[cfg(test)]
mod tests;

use alloc::vec::Vec;

use alloy_primitives::{Address, B256, I256, U256, U64, U8};
use mutual_interfaces::{
    calls, flows,
    keys::{
        value_to_address, BOOK_KEY, LISTER_KEY, MAX_HEARTBEAT_KEY, MAX_IV_KEY, MAX_SKEW_KEY,
        MAX_TENOR_KEY, MIN_IV_KEY, MIN_SKEW_KEY, MIN_TENOR_KEY, RATE_KEY, RISK_ENGINE_KEY,
        SHORT_BOOK_KEY,
    },
    split,
};
use mutual_risk::{
    black_scholes::SPOT_STRIKE_MAX_WAD,
    fixed::{mul_div_up, WAD},
    settlement::obligation_asset_up,
};
use stylus_sdk::prelude::*;

pub use constants::*;
pub use errors::*;
pub use events::*;
pub use state::OptionListings;

use errors::{math, oracle_failed, overflow, token_failed};
use internal::{count, u128_of, u64_of};

/// Aborts on panic in the deployed contract (built with `panic=immediate-abort`; every
/// panic site is a proven-unreachable `expect`).
#[cfg(all(target_arch = "wasm32", not(feature = "export-abi")))]
#[panic_handler]
fn panic(_info: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}

#[public]
impl OptionListings {
    /// Creates the listings, empty, for `asset` (whose decimals it reads), governed by
    /// `governance`.
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

    // =========================================================================================
    // Listings
    // =========================================================================================

    /// Lists `marketId` with its spot feed `oracle`, whose decimals are read once.
    ///
    /// # Arguments
    ///
    /// * `market_id` - The underlying's id (e.g. `keccak256("ETH")`); non-zero, new.
    /// * `oracle` - A Chainlink-style feed (`latestRoundData`, `getRoundData`,
    ///   `decimals`); non-zero, at most 18 decimals.
    /// * `heartbeat` - The longest age of a usable answer, in `[1, market.maxHeartbeat]`
    ///   seconds.
    ///
    /// # Errors
    ///
    /// * [`Error::CallFailed`] - If a governance read fails.
    /// * [`Error::UnauthorizedAccount`] - If the caller is not `market.lister`.
    /// * [`Error::UnknownMarket`] - If `marketId` is zero.
    /// * [`Error::AlreadyListed`] - If `marketId` is listed.
    /// * [`Error::InvalidAddress`] - If `oracle` is zero.
    /// * [`Error::TooMany`] - If [`MAX_MARKETS`] are listed.
    /// * [`Error::OutOfBounds`] - If `heartbeat` is outside its bounds.
    /// * [`Error::OracleCallFailed`] - If `oracle.decimals()` reverts.
    /// * [`Error::InvalidDecimals`] - If the feed has more than 18 decimals.
    ///
    /// # Events
    ///
    /// * [`MarketListed`].
    pub fn list_market(
        &mut self,
        market_id: B256,
        oracle: Address,
        heartbeat: u64,
    ) -> Result<(), Error> {
        let values = self.listing_params(&[MAX_HEARTBEAT_KEY])?;
        if market_id.is_zero() {
            return Err(Error::UnknownMarket(MarketUnknownMarket { marketId: market_id }));
        }
        if !self.markets.getter(market_id).oracle.get().is_zero() {
            return Err(Error::AlreadyListed(MarketAlreadyListed { marketId: market_id }));
        }
        check_address(oracle)?;
        check_count(self.market_ids.len(), MAX_MARKETS)?;
        check_bounds(MAX_HEARTBEAT_KEY, U256::from(heartbeat), U256::from(1), values[0])?;
        let decimals = calls::decimals(&*self, oracle).ok_or_else(|| oracle_failed(oracle))?;
        if decimals > MAX_ORACLE_DECIMALS {
            return Err(Error::InvalidDecimals(MarketInvalidDecimals { oracle, decimals }));
        }

        self.market_ids.push(market_id);
        let mut listing = self.markets.setter(market_id);
        listing.oracle.set(oracle);
        listing.oracle_decimals.set(U8::from(decimals));
        listing.heartbeat.set(U64::from(heartbeat));

        self.emit(MarketListed { marketId: market_id, oracle, decimals, heartbeat });
        Ok(())
    }

    /// Sets `marketId`'s heartbeat.
    ///
    /// # Arguments
    ///
    /// * `market_id` - A listed market.
    /// * `heartbeat` - In `[1, market.maxHeartbeat]` seconds.
    ///
    /// # Errors
    ///
    /// * [`Error::CallFailed`] - If a governance read fails.
    /// * [`Error::UnauthorizedAccount`] - If the caller is not `market.lister`.
    /// * [`Error::UnknownMarket`] - If `marketId` is not listed.
    /// * [`Error::OutOfBounds`] - If `heartbeat` is outside its bounds.
    ///
    /// # Events
    ///
    /// * [`HeartbeatSet`].
    pub fn set_heartbeat(&mut self, market_id: B256, heartbeat: u64) -> Result<(), Error> {
        let values = self.listing_params(&[MAX_HEARTBEAT_KEY])?;
        self.check_market(market_id)?;
        check_bounds(MAX_HEARTBEAT_KEY, U256::from(heartbeat), U256::from(1), values[0])?;
        self.markets.setter(market_id).heartbeat.set(U64::from(heartbeat));
        self.emit(HeartbeatSet { marketId: market_id, heartbeat });
        Ok(())
    }

    /// Lists a board of `marketId` expiring at `expiry` with base implied volatility
    /// `baseIvWad`. Returns its id (from 1).
    ///
    /// # Arguments
    ///
    /// * `market_id` - A listed market with fewer than [`MAX_LIVE_BOARDS`] live boards.
    /// * `expiry` - In `[now + market.minTenor, now + market.maxTenor]`, seconds.
    /// * `base_iv_wad` - In `[market.minIvWad, market.maxIvWad]`.
    ///
    /// # Errors
    ///
    /// * [`Error::CallFailed`] - If a governance read fails.
    /// * [`Error::UnauthorizedAccount`] - If the caller is not `market.lister`.
    /// * [`Error::UnknownMarket`] - If `marketId` is not listed.
    /// * [`Error::TooMany`] - If the market has [`MAX_LIVE_BOARDS`] live boards.
    /// * [`Error::OutOfBounds`] - If `expiry` (key `market.maxTenor`, absolute bounds) or
    ///   `baseIvWad` (key `market.minIvWad`) is outside its bounds.
    ///
    /// # Events
    ///
    /// * [`BoardListed`].
    pub fn list_board(
        &mut self,
        market_id: B256,
        expiry: u64,
        base_iv_wad: U256,
    ) -> Result<u64, Error> {
        let values =
            self.listing_params(&[MIN_TENOR_KEY, MAX_TENOR_KEY, MIN_IV_KEY, MAX_IV_KEY])?;
        self.check_market(market_id)?;
        check_count(self.markets.getter(market_id).live_boards.len(), MAX_LIVE_BOARDS)?;
        let now = U256::from(self.now());
        check_bounds(
            MAX_TENOR_KEY,
            U256::from(expiry),
            now.saturating_add(values[0]),
            now.saturating_add(values[1]),
        )?;
        check_bounds(MIN_IV_KEY, base_iv_wad, values[2], values[3])?;
        let board_id = u64_of(self.board_count.get()) + 1; // ids stay far below 2^64

        self.board_count.set(U64::from(board_id));
        self.markets.setter(market_id).live_boards.push(U64::from(board_id));
        let mut board = self.boards.setter(board_id);
        board.market_id.set(market_id);
        board.expiry.set(U64::from(expiry));
        board.base_iv_wad.set(base_iv_wad);

        self.emit(BoardListed {
            boardId: board_id,
            marketId: market_id,
            expiry,
            baseIvWad: base_iv_wad,
        });
        Ok(board_id)
    }

    /// Lists a strike of `boardId`. Returns its id (from 1).
    ///
    /// # Arguments
    ///
    /// * `board_id` - A listed, unsettled board with fewer than [`MAX_STRIKES`] strikes.
    /// * `strike_wad` - The strike price, 18 decimals, in `[1, 1e30]` (the pricer's range).
    /// * `skew_wad` - In `[market.minSkewWad, market.maxSkewWad]`.
    ///
    /// # Errors
    ///
    /// * [`Error::CallFailed`] - If a governance read fails.
    /// * [`Error::UnauthorizedAccount`] - If the caller is not `market.lister`.
    /// * [`Error::UnknownBoard`] - If `boardId` is not listed.
    /// * [`Error::AlreadySettled`] - If the board is settled.
    /// * [`Error::TooMany`] - If the board has [`MAX_STRIKES`] strikes.
    /// * [`Error::OutOfBounds`] - If `strikeWad` (key zero) or `skewWad` (key
    ///   `market.minSkewWad`) is outside its bounds.
    ///
    /// # Events
    ///
    /// * [`StrikeListed`].
    pub fn list_strike(
        &mut self,
        board_id: u64,
        strike_wad: U256,
        skew_wad: U256,
    ) -> Result<u64, Error> {
        let values = self.listing_params(&[MIN_SKEW_KEY, MAX_SKEW_KEY])?;
        self.check_open_board(board_id)?;
        check_count(self.boards.getter(board_id).strikes.len(), MAX_STRIKES)?;
        check_bounds(B256::ZERO, strike_wad, U256::from(1), U256::from(SPOT_STRIKE_MAX_WAD))?;
        check_bounds(MIN_SKEW_KEY, skew_wad, values[0], values[1])?;
        let strike_id = u64_of(self.strike_count.get()) + 1; // ids stay far below 2^64

        self.strike_count.set(U64::from(strike_id));
        self.boards.setter(board_id).strikes.push(U64::from(strike_id));
        let mut strike = self.strikes.setter(strike_id);
        strike.board_id.set(U64::from(board_id));
        strike.price_wad.set(strike_wad);
        strike.skew_wad.set(skew_wad);

        self.emit(StrikeListed {
            strikeId: strike_id,
            boardId: board_id,
            strikeWad: strike_wad,
            skewWad: skew_wad,
        });
        Ok(strike_id)
    }

    /// Sets `boardId`'s base implied volatility.
    ///
    /// # Arguments
    ///
    /// * `board_id` - A listed, unsettled board.
    /// * `base_iv_wad` - In `[market.minIvWad, market.maxIvWad]`.
    ///
    /// # Errors
    ///
    /// * [`Error::CallFailed`] - If a governance read fails.
    /// * [`Error::UnauthorizedAccount`] - If the caller is not `market.lister`.
    /// * [`Error::UnknownBoard`] - If `boardId` is not listed.
    /// * [`Error::AlreadySettled`] - If the board is settled.
    /// * [`Error::OutOfBounds`] - If `baseIvWad` is outside its bounds.
    ///
    /// # Events
    ///
    /// * [`BaseIvSet`].
    pub fn set_base_iv(&mut self, board_id: u64, base_iv_wad: U256) -> Result<(), Error> {
        let values = self.listing_params(&[MIN_IV_KEY, MAX_IV_KEY])?;
        self.check_open_board(board_id)?;
        check_bounds(MIN_IV_KEY, base_iv_wad, values[0], values[1])?;
        self.boards.setter(board_id).base_iv_wad.set(base_iv_wad);
        self.emit(BaseIvSet { boardId: board_id, baseIvWad: base_iv_wad });
        Ok(())
    }

    /// Sets `strikeId`'s skew.
    ///
    /// # Arguments
    ///
    /// * `strike_id` - A listed strike of an unsettled board.
    /// * `skew_wad` - In `[market.minSkewWad, market.maxSkewWad]`.
    ///
    /// # Errors
    ///
    /// * [`Error::CallFailed`] - If a governance read fails.
    /// * [`Error::UnauthorizedAccount`] - If the caller is not `market.lister`.
    /// * [`Error::UnknownStrike`] - If `strikeId` is not listed.
    /// * [`Error::AlreadySettled`] - If its board is settled.
    /// * [`Error::OutOfBounds`] - If `skewWad` is outside its bounds.
    ///
    /// # Events
    ///
    /// * [`SkewSet`].
    pub fn set_skew(&mut self, strike_id: u64, skew_wad: U256) -> Result<(), Error> {
        let values = self.listing_params(&[MIN_SKEW_KEY, MAX_SKEW_KEY])?;
        let board_id = self.strike_board(strike_id)?;
        self.check_open_board(board_id)?;
        check_bounds(MIN_SKEW_KEY, skew_wad, values[0], values[1])?;
        self.strikes.setter(strike_id).skew_wad.set(skew_wad);
        self.emit(SkewSet { strikeId: strike_id, skewWad: skew_wad });
        Ok(())
    }

    // =========================================================================================
    // Reads
    // =========================================================================================

    /// Returns the `GovernanceParams` contract.
    pub fn governance(&self) -> Address {
        self.governance.get()
    }

    /// Returns the listed market ids, in listing order.
    pub fn market_ids(&self) -> Vec<B256> {
        (0..self.market_ids.len()).filter_map(|i| self.market_ids.get(i)).collect()
    }

    /// Returns `marketId`'s listing: `(oracle, decimals, heartbeat, liveBoardCount)`; a
    /// zero oracle for a market never listed. The live boards are `liveBoards(marketId)`.
    ///
    /// Every getter returns either static values or one array: stylus-sdk 0.9 encodes a
    /// returned tuple that holds an array behind an extra offset word, which Solidity
    /// callers would misread (OffchainLabs/stylus-sdk-rs issue 308).
    ///
    /// # Arguments
    ///
    /// * `market_id` - Any id.
    pub fn market(&self, market_id: B256) -> (Address, u8, u64, u32) {
        let listing = self.markets.getter(market_id);
        (
            listing.oracle.get(),
            listing.oracle_decimals.get().byte(0),
            u64_of(listing.heartbeat.get()),
            count(listing.live_boards.len()),
        )
    }

    /// Returns the live (listed, unsettled) boards of `marketId`, in listing order; empty
    /// for a market never listed.
    ///
    /// # Arguments
    ///
    /// * `market_id` - Any id.
    pub fn live_boards(&self, market_id: B256) -> Vec<u64> {
        let listing = self.markets.getter(market_id);
        (0..listing.live_boards.len())
            .filter_map(|i| listing.live_boards.get(i).map(u64_of))
            .collect()
    }

    /// Returns `boardId`: `(marketId, expiry, baseIvWad, strikeCount, settled,
    /// settlementPriceWad)`; a zero market id for a board never listed (what the board
    /// owes and holds is the market's `payout`). The strikes are `boardStrikes(boardId)`.
    ///
    /// # Arguments
    ///
    /// * `board_id` - Any id.
    pub fn board(&self, board_id: u64) -> (B256, u64, U256, u32, bool, U256) {
        let board = self.boards.getter(board_id);
        (
            board.market_id.get(),
            u64_of(board.expiry.get()),
            board.base_iv_wad.get(),
            count(board.strikes.len()),
            board.settled.get(),
            board.settlement_price_wad.get(),
        )
    }

    /// Returns the strikes of `boardId`, in listing order; empty for a board never listed.
    ///
    /// # Arguments
    ///
    /// * `board_id` - Any id.
    pub fn board_strikes(&self, board_id: u64) -> Vec<u64> {
        let board = self.boards.getter(board_id);
        (0..board.strikes.len()).filter_map(|i| board.strikes.get(i).map(u64_of)).collect()
    }

    /// Returns `strikeId`: `(boardId, strikeWad, skewWad, longCalls, longPuts)`, the last
    /// two the options of each side the pool has written; a zero board for a strike never
    /// listed.
    ///
    /// # Arguments
    ///
    /// * `strike_id` - Any id.
    pub fn strike(&self, strike_id: u64) -> (u64, U256, U256, U256, U256) {
        let strike = self.strikes.getter(strike_id);
        (
            u64_of(strike.board_id.get()),
            strike.price_wad.get(),
            strike.skew_wad.get(),
            strike.long_calls.get(),
            strike.long_puts.get(),
        )
    }

    /// Returns `marketId`'s spot, 18 decimals, and the time of its answer, from the latest
    /// round: complete, positive, within the pricer's range and, with `checkAge`, within
    /// the heartbeat (as trades use it; the book's views judge the age themselves).
    ///
    /// # Arguments
    ///
    /// * `market_id` - A listed market.
    /// * `check_age` - Whether an answer older than the heartbeat is refused.
    ///
    /// # Errors
    ///
    /// * [`Error::UnknownMarket`] - If `marketId` is not listed.
    /// * [`Error::OracleCallFailed`], [`Error::IncompleteRound`],
    ///   [`Error::InvalidPrice`], [`Error::StalePrice`] - If the oracle is unusable.
    pub fn spot(&self, market_id: B256, check_age: bool) -> Result<(U256, u64), Error> {
        self.check_market(market_id)?;
        let (spot_wad, updated_at) = self.read_spot(market_id, check_age)?;
        Ok((U256::from(spot_wad), updated_at))
    }

    /// Returns the greeks of one option of `strikeId` as the pool marks it now: `(spotWad,
    /// volWad, secondsToExpiry, callWad, putWad, deltaCallWad, deltaPutWad, gammaWad,
    /// vegaWad, thetaCallWad, thetaPutWad, rhoCallWad, rhoPutWad)`, all 18 decimals per unit
    /// of underlying (vega and rho per 1.00 of volatility and rate, theta per year), priced
    /// by the `RiskEngine` under `market.riskEngine` at the market's spot (heartbeat
    /// checked), the volatility `baseIv x skew` rounded up (the book's mark, before any
    /// size move) and the rate `market.rateWad`. An expired board not yet settled is priced
    /// with one second left, as the book marks it.
    ///
    /// # Arguments
    ///
    /// * `strike_id` - A listed strike of an unsettled board.
    ///
    /// # Errors
    ///
    /// * [`Error::UnknownStrike`] - If `strikeId` was never listed.
    /// * [`Error::AlreadySettled`] - If its board is settled.
    /// * [`Error::OracleCallFailed`], [`Error::IncompleteRound`],
    ///   [`Error::InvalidPrice`], [`Error::StalePrice`] - If the oracle is unusable.
    /// * [`Error::CallFailed`] - If a governance read fails.
    /// * [`Error::Math`] - If `baseIv x skew` overflows.
    /// * The engine's `EngineMathError(code)` and `EngineValueOutOfRange(value)`, forwarded
    ///   unchanged ([`Error::Forwarded`]), if it refuses the inputs.
    #[allow(
        clippy::type_complexity,
        reason = "the ABI return tuple is spelled out for the interface generator"
    )]
    pub fn greeks(
        &self,
        strike_id: u64,
    ) -> Result<(U256, U256, u64, U256, U256, I256, I256, U256, U256, I256, I256, I256, I256), Error>
    {
        let board_id = self.strike_board(strike_id)?;
        let strike = self.strikes.getter(strike_id);
        let board = self.boards.getter(board_id);
        if board.settled.get() {
            return Err(Error::AlreadySettled(MarketAlreadySettled { boardId: board_id }));
        }
        let (spot_wad, _) = self.read_spot(board.market_id.get(), true)?;
        let vol_wad =
            mul_div_up(board.base_iv_wad.get(), strike.skew_wad.get(), WAD).map_err(math)?;
        let seconds = u64_of(board.expiry.get()).saturating_sub(self.now()).max(1);
        let values = self.params(&[RISK_ENGINE_KEY, RATE_KEY])?;
        let w = split::greeks(
            self,
            value_to_address(values[0]),
            U256::from(spot_wad),
            strike.price_wad.get(),
            seconds,
            values[1],
            vol_wad,
        )
        .map_err(Error::Forwarded)?;
        let signed = I256::from_raw;
        Ok((
            U256::from(spot_wad),
            vol_wad,
            seconds,
            w[0],
            w[1],
            signed(w[2]),
            signed(w[3]),
            w[4],
            w[5],
            signed(w[6]),
            signed(w[7]),
            signed(w[8]),
            signed(w[9]),
        ))
    }

    // =========================================================================================
    // What the book reads
    // =========================================================================================

    /// Returns what a trade and a claim need of `strikeId`: `(marketId, boardId, expiry,
    /// strikeWad, skewWad, baseIvWad, settled, settlementPriceWad, longCalls, longPuts)`.
    ///
    /// # Arguments
    ///
    /// * `strike_id` - A listed strike.
    ///
    /// # Errors
    ///
    /// * [`Error::UnknownStrike`] - If `strikeId` was never listed.
    #[allow(
        clippy::type_complexity,
        reason = "the ABI return tuple is spelled out for the interface generator"
    )]
    pub fn strike_info(
        &self,
        strike_id: u64,
    ) -> Result<(B256, u64, u64, U256, U256, U256, bool, U256, U256, U256), Error> {
        let board_id = self.strike_board(strike_id)?;
        let strike = self.strikes.getter(strike_id);
        let board = self.boards.getter(board_id);
        Ok((
            board.market_id.get(),
            board_id,
            u64_of(board.expiry.get()),
            strike.price_wad.get(),
            strike.skew_wad.get(),
            board.base_iv_wad.get(),
            board.settled.get(),
            board.settlement_price_wad.get(),
            strike.long_calls.get(),
            strike.long_puts.get(),
        ))
    }

    /// Returns every strike of `marketId`'s live boards, eight words each: `[boardId,
    /// expiry, baseIvWad, strikeId, strikeWad, skewWad, longCalls, longPuts]` (empty for a
    /// market never listed). At most 4 boards of 8 strikes.
    ///
    /// # Arguments
    ///
    /// * `market_id` - Any id.
    pub fn market_lines(&self, market_id: B256) -> Vec<U256> {
        let mut words = Vec::new();
        let listing = self.markets.getter(market_id);
        for b in 0..listing.live_boards.len() {
            let board_id = listing.live_boards.get(b).map_or(0, u64_of);
            let board = self.boards.getter(board_id);
            let head = [
                U256::from(board_id),
                U256::from(u64_of(board.expiry.get())),
                board.base_iv_wad.get(),
            ];
            for s in 0..board.strikes.len() {
                let strike_id = board.strikes.get(s).map_or(0, u64_of);
                let strike = self.strikes.getter(strike_id);
                words.extend_from_slice(&head);
                words.extend_from_slice(&[
                    U256::from(strike_id),
                    strike.price_wad.get(),
                    strike.skew_wad.get(),
                    strike.long_calls.get(),
                    strike.long_puts.get(),
                ]);
            }
        }
        words
    }

    /// Returns the seconds from now to the latest expiry among the boards with open
    /// options (0 when none is open, or when every such board has expired): stakers' exit
    /// cooldowns are at least this long (the book's `longestOpenTenor` forwards it).
    pub fn longest_open_tenor(&self) -> u64 {
        let now = self.now();
        let mut longest = 0;
        for m in 0..self.market_ids.len() {
            let listing = self.markets.getter(self.market_ids.get(m).unwrap_or_default());
            for b in 0..listing.live_boards.len() {
                let board = self.boards.getter(listing.live_boards.get(b).map_or(0, u64_of));
                let open = (0..board.strikes.len()).any(|s| {
                    let strike = self.strikes.getter(board.strikes.get(s).map_or(0, u64_of));
                    !(strike.long_calls.get().is_zero() && strike.long_puts.get().is_zero())
                });
                if open {
                    longest = longest.max(u64_of(board.expiry.get()).saturating_sub(now));
                }
            }
        }
        longest
    }

    // =========================================================================================
    // For the book
    // =========================================================================================

    /// Records a trade of `strikeId` checked and priced by `OptionBook`: the side's open
    /// interest and the board's base IV after it (the market's `Trade` event carries
    /// both). The `ShortBook` (`market.shortBook`) records its short sales and closes the
    /// same way, with the side's open interest unchanged (`ShortOpened` and `ShortClosed`
    /// carry the base IV).
    ///
    /// # Arguments
    ///
    /// * `strike_id` - The traded strike (the book read it from `strikeInfo`).
    /// * `is_call` - The side traded.
    /// * `open_interest` - The side's open interest after the trade, 18 decimals.
    /// * `base_iv_wad` - The board's base IV after the trade, 18 decimals (the engine
    ///   keeps it within the governance bounds).
    ///
    /// # Errors
    ///
    /// * [`Error::CallFailed`] - If a governance read fails.
    /// * [`Error::UnauthorizedAccount`] - If the caller is neither `market.book` nor
    ///   `market.shortBook`.
    /// * [`Error::UnknownStrike`] - If `strikeId` was never listed.
    pub fn record_trade(
        &mut self,
        strike_id: u64,
        is_call: bool,
        open_interest: U256,
        base_iv_wad: U256,
    ) -> Result<(), Error> {
        self.check_book(true)?;
        let board_id = self.strike_board(strike_id)?;
        {
            let mut strike = self.strikes.setter(strike_id);
            if is_call {
                strike.long_calls.set(open_interest);
            } else {
                strike.long_puts.set(open_interest);
            }
        }
        self.boards.setter(board_id).base_iv_wad.set(base_iv_wad);
        Ok(())
    }

    /// Fixes `boardId`'s settlement price for `OptionBook` from round `roundId`, the first
    /// valid round at or after expiry (checked against the round before it), and returns
    /// `(marketId, priceWad, owed)`: what the board's longs are owed, in asset units, each
    /// strike's total rounded up. The board leaves the live list (and the pool's book).
    ///
    /// # Arguments
    ///
    /// * `board_id` - A listed, unsettled, expired board.
    /// * `round_id` - The first round of the board's feed updated at or after its expiry.
    ///
    /// # Errors
    ///
    /// * [`Error::CallFailed`] - If a governance read fails.
    /// * [`Error::UnauthorizedAccount`] - If the caller is not `market.book`.
    /// * [`Error::UnknownBoard`], [`Error::AlreadySettled`], [`Error::NotExpired`] - The
    ///   board.
    /// * [`Error::OracleCallFailed`], [`Error::InvalidSettlementRound`],
    ///   [`Error::InvalidPrice`] - The round.
    /// * [`Error::MathError`] - If what the board owes overflows.
    pub fn settle_board(
        &mut self,
        board_id: u64,
        round_id: U256,
    ) -> Result<(B256, U256, U256), Error> {
        self.check_book(false)?;
        let market_id = self.check_open_board(board_id)?;
        let now = self.now();
        let expiry = u64_of(self.boards.getter(board_id).expiry.get());
        if now < expiry {
            return Err(Error::NotExpired(MarketNotExpired { boardId: board_id, expiry, now }));
        }
        let price_wad = self.settlement_price(market_id, board_id, expiry, round_id)?;
        let owed = self.board_owed(board_id, price_wad)?;
        {
            let mut board = self.boards.setter(board_id);
            board.settled.set(true);
            board.settlement_price_wad.set(U256::from(price_wad));
        }
        self.remove_live_board(market_id, board_id);
        Ok((market_id, U256::from(price_wad), owed))
    }
}

impl OptionListings {
    /// Rejects a caller other than the address under `market.book` (or, with
    /// `or_short_book`, under `market.shortBook` when it is set).
    fn check_book(&self, or_short_book: bool) -> Result<(), Error> {
        let values = self.params(&[BOOK_KEY, SHORT_BOOK_KEY])?;
        let caller = self.vm().msg_sender();
        let short_book = value_to_address(values[1]);
        let by_short_book = or_short_book && !short_book.is_zero() && caller == short_book;
        if caller != value_to_address(values[0]) && !by_short_book {
            return Err(Error::UnauthorizedAccount(MarketUnauthorizedAccount {
                account: caller,
                role: BOOK_ROLE,
            }));
        }
        Ok(())
    }

    /// Reads `keys` after checking that the caller is the lister.
    fn listing_params(&self, keys: &[B256]) -> Result<Vec<U256>, Error> {
        let mut all = Vec::with_capacity(keys.len() + 1);
        all.push(LISTER_KEY);
        all.extend_from_slice(keys);
        let mut values = self.params(&all)?;
        let caller = self.vm().msg_sender();
        if caller != value_to_address(values[0]) {
            return Err(Error::UnauthorizedAccount(MarketUnauthorizedAccount {
                account: caller,
                role: LISTER_ROLE,
            }));
        }
        values.remove(0);
        Ok(values)
    }

    /// The market of a listed, unsettled board.
    fn check_open_board(&self, board_id: u64) -> Result<B256, Error> {
        let market_id = self.board_market(board_id)?;
        if self.boards.getter(board_id).settled.get() {
            return Err(Error::AlreadySettled(MarketAlreadySettled { boardId: board_id }));
        }
        Ok(market_id)
    }

    /// The settlement price of `board_id` from `round_id` (see `settle`), 18 decimals.
    fn settlement_price(
        &self,
        market_id: B256,
        board_id: u64,
        expiry: u64,
        round_id: U256,
    ) -> Result<u128, Error> {
        let listing = self.markets.getter(market_id);
        let oracle = listing.oracle.get();
        let round =
            flows::get_round_data(self, oracle, round_id).ok_or_else(|| oracle_failed(oracle))?;
        let expiry = U256::from(expiry);
        // The aggregator's own round number: the low 64 bits of a phase-aware round id.
        let in_phase = round_id & U256::from(u64::MAX);
        let previous_updated = if in_phase > U256::from(1) {
            flows::get_round_data(self, oracle, round_id - U256::from(1))
                .ok_or_else(|| oracle_failed(oracle))?
                .updated_at
        } else {
            U256::ZERO
        };
        let complete = !round.updated_at.is_zero() && round.answered_in_round >= round_id;
        if !complete
            || in_phase.is_zero()
            || round.updated_at < expiry
            || previous_updated >= expiry
        {
            return Err(Error::InvalidSettlementRound(MarketInvalidSettlementRound {
                boardId: board_id,
                roundId: round_id,
                updatedAt: round.updated_at,
                previousUpdatedAt: previous_updated,
            }));
        }
        internal::spot_wad(market_id, &round, listing.oracle_decimals.get().byte(0))
    }

    /// What `board_id`'s longs are owed at `price_wad`, in asset units: per strike and
    /// side, the writer's obligation `amount x intrinsic`, rounded up
    /// (`settlement::obligation_asset_up`; every claim rounds down, so the claims never
    /// exceed it).
    fn board_owed(&self, board_id: u64, price_wad: u128) -> Result<U256, Error> {
        let board = self.boards.getter(board_id);
        let decimals = self.asset_decimals.get().byte(0);
        let mut owed = U256::ZERO;
        for s in 0..board.strikes.len() {
            let strike = self.strikes.getter(board.strikes.get(s).map_or(0, u64_of));
            let strike_wad = u128_of(strike.price_wad.get())?;
            for (amount, is_call) in
                [(strike.long_calls.get(), true), (strike.long_puts.get(), false)]
            {
                let line =
                    obligation_asset_up(price_wad, strike_wad, u128_of(amount)?, is_call, decimals)
                        .map_err(math)?;
                owed = owed.checked_add(line).ok_or_else(overflow)?;
            }
        }
        Ok(owed)
    }

    /// Removes `board_id` from `market_id`'s live boards (swap with the last).
    fn remove_live_board(&mut self, market_id: B256, board_id: u64) {
        let mut listing = self.markets.setter(market_id);
        let len = listing.live_boards.len();
        for i in 0..len {
            if listing.live_boards.get(i).map(u64_of) == Some(board_id) {
                let last = listing.live_boards.get(len - 1).unwrap_or_default();
                if let Some(mut slot) = listing.live_boards.setter(i) {
                    slot.set(last);
                }
                listing.live_boards.erase_last();
                return;
            }
        }
    }
}

/// Rejects the zero address.
fn check_address(account: Address) -> Result<(), Error> {
    if account.is_zero() {
        return Err(Error::InvalidAddress(MarketInvalidAddress { account }));
    }
    Ok(())
}

/// Rejects a listing that would bring `count` past `max`.
fn check_count(count: usize, max: u32) -> Result<(), Error> {
    let count = u32::try_from(count).unwrap_or(u32::MAX);
    if count >= max {
        return Err(Error::TooMany(MarketTooMany { count, max }));
    }
    Ok(())
}

/// Rejects `value` outside `[min, max]`, naming governance key `key`.
fn check_bounds(key: B256, value: U256, min: U256, max: U256) -> Result<(), Error> {
    if value < min || value > max {
        return Err(Error::OutOfBounds(MarketOutOfBounds { key, value, min, max }));
    }
    Ok(())
}
