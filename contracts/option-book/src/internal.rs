//! `OptionBook`'s internal helpers: time, governance reads, the listings' spot and the
//! sequencer check.

use alloc::vec::Vec;

use alloy_primitives::{Address, B256, U256};
use mutual_contract_kit::clock;
use mutual_interfaces::{
    calls, flows,
    keys::{
        value_to_address, IMPACT_KEY, INSURANCE_CREDIT_KEY, INSURANCE_KEY, LISTINGS_KEY,
        MARKET_KEY, MAX_IV_KEY, MAX_NET_DELTA_KEY, MAX_NET_VEGA_KEY, MAX_STRIKE_OI_KEY,
        MAX_UTILIZATION_KEY, MIN_COVERAGE_KEY, MIN_IV_KEY, MIN_TRADE_KEY, POOL_STRESS_LIMIT_KEY,
        RATE_KEY, RISK_ENGINE_KEY, SEQUENCER_FEED_KEY, SEQUENCER_GRACE_KEY, SPREAD_CAP_KEY,
        SPREAD_FEE_KEY, STRESS_SPOT_DOWN_KEY, STRESS_SPOT_UP_KEY, STRESS_VOL_UP_KEY,
        TRADING_CUTOFF_KEY, UTIL_FEE_BASE_KEY, UTIL_FEE_KINK_KEY, UTIL_FEE_SLOPE_ABOVE_KEY,
        UTIL_FEE_SLOPE_BELOW_KEY, VAULT_KEY,
    },
    split,
};
use stylus_sdk::prelude::*;

use crate::{
    call_failed, oracle_failed, overflow, Error, MarketSequencerDown, MarketSequencerGracePeriod,
    OptionBook,
};

/// The governance keys of a trade, in one `getMany`; the views read the first
/// [`VIEW_KEYS`] (the stress grid, the rate, the engine and the listings).
pub(crate) const TRADE_KEYS: [B256; 29] = [
    RATE_KEY,
    STRESS_SPOT_DOWN_KEY,
    STRESS_SPOT_UP_KEY,
    STRESS_VOL_UP_KEY,
    RISK_ENGINE_KEY,
    LISTINGS_KEY,
    VAULT_KEY,
    INSURANCE_KEY,
    MIN_IV_KEY,
    MAX_IV_KEY,
    IMPACT_KEY,
    SPREAD_FEE_KEY,
    SPREAD_CAP_KEY,
    UTIL_FEE_BASE_KEY,
    UTIL_FEE_KINK_KEY,
    UTIL_FEE_SLOPE_BELOW_KEY,
    UTIL_FEE_SLOPE_ABOVE_KEY,
    MAX_UTILIZATION_KEY,
    MIN_TRADE_KEY,
    MAX_STRIKE_OI_KEY,
    TRADING_CUTOFF_KEY,
    POOL_STRESS_LIMIT_KEY,
    INSURANCE_CREDIT_KEY,
    MIN_COVERAGE_KEY,
    SEQUENCER_FEED_KEY,
    SEQUENCER_GRACE_KEY,
    MARKET_KEY,
    MAX_NET_DELTA_KEY,
    MAX_NET_VEGA_KEY,
];

/// How many of [`TRADE_KEYS`] the book views read.
pub(crate) const VIEW_KEYS: usize = 6;

/// Indices into [`TRADE_KEYS`].
pub(crate) mod at {
    pub(crate) const RATE: usize = 0;
    pub(crate) const SPOT_DOWN: usize = 1;
    pub(crate) const SPOT_UP: usize = 2;
    pub(crate) const VOL_UP: usize = 3;
    pub(crate) const ENGINE: usize = 4;
    pub(crate) const LISTINGS: usize = 5;
    pub(crate) const VAULT: usize = 6;
    pub(crate) const INSURANCE: usize = 7;
    pub(crate) const MIN_IV: usize = 8;
    pub(crate) const MAX_IV: usize = 9;
    pub(crate) const IMPACT: usize = 10;
    pub(crate) const SPREAD: usize = 11;
    pub(crate) const SPREAD_CAP: usize = 12;
    pub(crate) const UTIL_BASE: usize = 13;
    pub(crate) const UTIL_KINK: usize = 14;
    pub(crate) const UTIL_BELOW: usize = 15;
    pub(crate) const UTIL_ABOVE: usize = 16;
    pub(crate) const MAX_UTIL: usize = 17;
    pub(crate) const MIN_TRADE: usize = 18;
    pub(crate) const MAX_OI: usize = 19;
    pub(crate) const CUTOFF: usize = 20;
    pub(crate) const POOL_LIMIT: usize = 21;
    pub(crate) const INSURANCE_CREDIT: usize = 22;
    pub(crate) const MIN_COVERAGE: usize = 23;
    pub(crate) const SEQ_FEED: usize = 24;
    pub(crate) const SEQ_GRACE: usize = 25;
    pub(crate) const MARKET: usize = 26;
    pub(crate) const MAX_NET_DELTA: usize = 27;
    pub(crate) const MAX_NET_VEGA: usize = 28;
}

impl OptionBook {
    /// The current time in seconds (the block timestamp; plus the test offset in tests).
    pub(crate) fn now(&self) -> u64 {
        clock::now(self.vm().block_timestamp())
    }

    /// The governance values of `keys`, in order.
    pub(crate) fn params(&self, keys: &[B256]) -> Result<Vec<U256>, Error> {
        let governance = self.governance.get();
        calls::get_many(self, governance, keys).ok_or_else(|| call_failed(governance))
    }

    /// The asset's decimals.
    pub(crate) fn decimals(&self) -> u8 {
        self.asset_decimals.get().byte(0)
    }

    /// The spot of `market_id` from the listings (`spot(marketId, checkAge)`: the latest
    /// round, complete, positive, in range and, with `check_age`, within the heartbeat),
    /// 18 decimals, and the time of its answer; the listings' refusal forwarded.
    pub(crate) fn spot(
        &self,
        listings: Address,
        market_id: B256,
        check_age: bool,
    ) -> Result<(u128, u64), Error> {
        let [spot, updated_at] =
            split::spot(self, listings, market_id, check_age).map_err(Error::Forwarded)?;
        // The listings return an 18-decimal spot within the pricer's range (< 2^128).
        Ok((u128_of(spot)?, u64::try_from(updated_at).unwrap_or(u64::MAX)))
    }

    /// Rejects the call while the sequencer-uptime feed (if set) reports the sequencer
    /// down, or up for less than the grace period.
    pub(crate) fn check_sequencer(&self, feed_value: U256, grace: U256) -> Result<(), Error> {
        let feed = value_to_address(feed_value);
        if feed.is_zero() {
            return Ok(());
        }
        let round = flows::latest_round_data(self, feed).ok_or_else(|| oracle_failed(feed))?;
        if !round.answer.is_zero() {
            return Err(Error::SequencerDown(MarketSequencerDown { feed }));
        }
        let now = self.now();
        let grace = u64::try_from(grace).unwrap_or(u64::MAX);
        let up_since = u64::try_from(round.started_at).unwrap_or(u64::MAX);
        if now.saturating_sub(up_since) <= grace {
            return Err(Error::SequencerGracePeriod(MarketSequencerGracePeriod {
                upSince: round.started_at,
                grace,
                now,
            }));
        }
        Ok(())
    }
}

/// A `U256` that must fit a `u128` (amounts and prices within the governance bounds).
pub(crate) fn u128_of(value: U256) -> Result<u128, Error> {
    u128::try_from(value).map_err(|_| overflow())
}
