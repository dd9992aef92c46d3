//! `OptionListings`' internal helpers: time, governance reads, lookups, the oracle checks
//! and the log encoder.

use alloc::vec::Vec;

use alloy_primitives::{B256, I256, U256};
use mutual_contract_kit::{abi::LogWords, clock};
use mutual_interfaces::{
    calls,
    flows::{self, Round},
};
use mutual_risk::black_scholes::SPOT_STRIKE_MAX_WAD;
use stylus_sdk::prelude::*;

use crate::{
    call_failed, oracle_failed, overflow, Error, MarketIncompleteRound, MarketInvalidPrice,
    MarketStalePrice, MarketUnknownBoard, MarketUnknownMarket, MarketUnknownStrike, OptionListings,
};

impl OptionListings {
    /// The current time in seconds (the block timestamp; plus the test offset in tests).
    pub(crate) fn now(&self) -> u64 {
        clock::now(self.vm().block_timestamp())
    }

    /// The governance values of `keys`, in order.
    pub(crate) fn params(&self, keys: &[B256]) -> Result<Vec<U256>, Error> {
        let governance = self.governance.get();
        calls::get_many(self, governance, keys).ok_or_else(|| call_failed(governance))
    }

    // ---- Lookups ------------------------------------------------------------------------

    /// Rejects a market id never listed.
    pub(crate) fn check_market(&self, market_id: B256) -> Result<(), Error> {
        if self.markets.getter(market_id).oracle.get().is_zero() {
            return Err(Error::UnknownMarket(MarketUnknownMarket { marketId: market_id }));
        }
        Ok(())
    }

    /// The market of a listed board.
    pub(crate) fn board_market(&self, board_id: u64) -> Result<B256, Error> {
        let market_id = self.boards.getter(board_id).market_id.get();
        if market_id.is_zero() {
            return Err(Error::UnknownBoard(MarketUnknownBoard { boardId: board_id }));
        }
        Ok(market_id)
    }

    /// The board of a listed strike.
    pub(crate) fn strike_board(&self, strike_id: u64) -> Result<u64, Error> {
        let board_id = u64_of(self.strikes.getter(strike_id).board_id.get());
        if board_id == 0 {
            return Err(Error::UnknownStrike(MarketUnknownStrike { strikeId: strike_id }));
        }
        Ok(board_id)
    }

    // ---- Oracles ------------------------------------------------------------------------

    /// The spot of `market_id`, 18 decimals, and the time of its answer, from the latest
    /// round: rejected if the round is incomplete, the answer non-positive or beyond the
    /// pricer's range, or (with `check_age`) older than the market's heartbeat.
    pub(crate) fn read_spot(&self, market_id: B256, check_age: bool) -> Result<(u128, u64), Error> {
        let listing = self.markets.getter(market_id);
        let oracle = listing.oracle.get();
        let decimals = listing.oracle_decimals.get().byte(0);
        let round = flows::latest_round_data(self, oracle).ok_or_else(|| oracle_failed(oracle))?;
        if round.updated_at.is_zero() || round.answered_in_round < round.round_id {
            return Err(Error::IncompleteRound(MarketIncompleteRound {
                marketId: market_id,
                roundId: round.round_id,
                updatedAt: round.updated_at,
                answeredInRound: round.answered_in_round,
            }));
        }
        let spot_wad = spot_wad(market_id, &round, decimals)?;
        let updated_at = u64::try_from(round.updated_at).unwrap_or(u64::MAX);
        let now = self.now();
        let heartbeat = u64_of(listing.heartbeat.get());
        if check_age && now.saturating_sub(updated_at) > heartbeat {
            return Err(Error::StalePrice(MarketStalePrice {
                marketId: market_id,
                updatedAt: round.updated_at,
                heartbeat,
                now,
            }));
        }
        Ok((spot_wad, updated_at))
    }

    // ---- Logs ---------------------------------------------------------------------------

    /// Emits `event` (see [`LogWords`]).
    pub(crate) fn emit(&self, event: impl LogWords) {
        event.with_words(|topics, data| self.emit_words(topics, data));
    }

    /// Emits a log of `topics` and `data` words: the one log encoder of the contract.
    fn emit_words(&self, topics: &[B256], data: &[U256]) {
        let mut bytes = Vec::with_capacity(32 * (topics.len() + data.len()));
        for topic in topics {
            bytes.extend_from_slice(topic.as_slice());
        }
        for word in data {
            bytes.extend_from_slice(&word.to_be_bytes::<32>());
        }
        self.vm().emit_log(&bytes, topics.len());
    }
}

/// A round's answer as an 18-decimal spot: positive, scaled up from `decimals` (at most
/// 18) by one exact multiplication, and within the pricer's range.
pub(crate) fn spot_wad(market_id: B256, round: &Round, decimals: u8) -> Result<u128, Error> {
    let invalid = || {
        Error::InvalidPrice(MarketInvalidPrice {
            marketId: market_id,
            answer: I256::from_raw(round.answer),
        })
    };
    if round.answer.is_zero() || round.answer.bit(255) {
        return Err(invalid());
    }
    let scale = U256::from(10u8).pow(U256::from(18 - decimals.min(18)));
    round
        .answer
        .checked_mul(scale)
        .and_then(|spot| u128::try_from(spot).ok())
        .filter(|spot| *spot <= SPOT_STRIKE_MAX_WAD)
        .ok_or_else(invalid)
}

/// A stored `uint64` as `u64` (exact: it has one 64-bit limb).
pub(crate) fn u64_of(value: alloy_primitives::U64) -> u64 {
    value.as_limbs()[0]
}

/// A `U256` that must fit a `u128` (amounts and prices within the governance bounds).
pub(crate) fn u128_of(value: U256) -> Result<u128, Error> {
    u128::try_from(value).map_err(|_| overflow())
}

/// A bounded count as `u32` (the listings' arrays hold at most `MAX_MARKETS`,
/// `MAX_LIVE_BOARDS` and `MAX_STRIKES` entries).
pub(crate) fn count(len: usize) -> u32 {
    u32::try_from(len).unwrap_or(u32::MAX)
}
