//! `MarginEngine`'s internal helpers: time, governance reads, the sequencer gate, the
//! listings' reads, the engine's `marginRequirement`, and the valuation of a set of
//! written lines.

use alloc::vec::Vec;

use alloy_primitives::{B256, U256};
use mutual_contract_kit::clock;
use mutual_interfaces::{
    calls, flows,
    keys::{
        value_to_address, IMPACT_KEY, INITIAL_MARGIN_KEY, LIQUIDATION_PENALTY_KEY,
        LIQUIDATOR_SHARE_KEY, LISTINGS_KEY, MAINTENANCE_MARGIN_KEY, MAX_IV_KEY, MIN_IV_KEY,
        MIN_LIQUIDATION_BOUNTY_KEY, MIN_TRADE_KEY, RATE_KEY, RISK_ENGINE_KEY, SEQUENCER_FEED_KEY,
        SEQUENCER_GRACE_KEY, SPREAD_CAP_KEY, SPREAD_FEE_KEY, STRESS_SPOT_DOWN_KEY,
        STRESS_SPOT_UP_KEY, STRESS_VOL_UP_KEY, TRADING_CUTOFF_KEY,
    },
    split::{self, Arg},
};
use mutual_risk::{
    black_scholes::years_wad_from_seconds_down,
    fixed::{WAD, WAD_U128},
    settlement::obligation_asset_up,
};
use stylus_sdk::prelude::*;

use crate::{
    call_failed, math, overflow, token_failed, Error, MarginEngine, ShortBookSequencerDown,
    ShortBookSequencerGracePeriod,
};

/// The governance keys of every call, in one `getMany`.
pub(crate) const KEYS: [B256; 20] = [
    LISTINGS_KEY,
    RISK_ENGINE_KEY,
    RATE_KEY,
    IMPACT_KEY,
    MIN_IV_KEY,
    MAX_IV_KEY,
    SPREAD_FEE_KEY,
    SPREAD_CAP_KEY,
    MIN_TRADE_KEY,
    TRADING_CUTOFF_KEY,
    STRESS_SPOT_DOWN_KEY,
    STRESS_SPOT_UP_KEY,
    STRESS_VOL_UP_KEY,
    SEQUENCER_FEED_KEY,
    SEQUENCER_GRACE_KEY,
    INITIAL_MARGIN_KEY,
    MAINTENANCE_MARGIN_KEY,
    LIQUIDATION_PENALTY_KEY,
    LIQUIDATOR_SHARE_KEY,
    MIN_LIQUIDATION_BOUNTY_KEY,
];

/// Indices into [`KEYS`].
pub(crate) mod at {
    pub(crate) const LISTINGS: usize = 0;
    pub(crate) const ENGINE: usize = 1;
    pub(crate) const RATE: usize = 2;
    pub(crate) const IMPACT: usize = 3;
    pub(crate) const MIN_IV: usize = 4;
    pub(crate) const MAX_IV: usize = 5;
    pub(crate) const SPREAD_FEE: usize = 6;
    pub(crate) const SPREAD_CAP: usize = 7;
    pub(crate) const MIN_TRADE: usize = 8;
    pub(crate) const CUTOFF: usize = 9;
    pub(crate) const SPOT_DOWN: usize = 10;
    pub(crate) const SPOT_UP: usize = 11;
    pub(crate) const VOL_UP: usize = 12;
    pub(crate) const SEQ_FEED: usize = 13;
    pub(crate) const SEQ_GRACE: usize = 14;
    pub(crate) const INITIAL: usize = 15;
    pub(crate) const MAINTENANCE: usize = 16;
    pub(crate) const PENALTY: usize = 17;
    pub(crate) const LIQUIDATOR_SHARE: usize = 18;
    pub(crate) const MIN_BOUNTY: usize = 19;
}

/// `IRiskEngine.marginRequirement`.
const MARGIN_REQUIREMENT: [u8; 4] = calls::selector(
    "marginRequirement(uint256,uint256,uint8,uint256[],uint256[],int256[],uint256,uint256)",
);

/// What the listings know of a strike (`strikeInfo`), decoded.
#[derive(Clone, Copy)]
pub(crate) struct StrikeInfo {
    /// Its underlying.
    pub(crate) market_id: B256,
    /// Its board.
    pub(crate) board_id: u64,
    /// Its board's expiry, in seconds.
    pub(crate) expiry: u64,
    /// The strike price, 18 decimals.
    pub(crate) strike_wad: U256,
    /// Its skew, 18 decimals.
    pub(crate) skew_wad: U256,
    /// Its board's base IV, 18 decimals.
    pub(crate) base_iv_wad: U256,
    /// Whether its board is settled.
    pub(crate) settled: bool,
    /// The settlement price, 18 decimals (0 until settled).
    pub(crate) settlement_wad: U256,
    /// The pool's written calls (longs' open interest), 18 decimals.
    pub(crate) long_calls: U256,
    /// The pool's written puts, 18 decimals.
    pub(crate) long_puts: U256,
}

/// A word as `u64`, saturating (times and ids).
pub(crate) fn sat_u64(value: U256) -> u64 {
    u64::try_from(value).unwrap_or(u64::MAX)
}

/// A `U256` that must fit a `u128` (prices and amounts within the governance bounds).
pub(crate) fn u128_of(value: U256) -> Result<u128, Error> {
    u128::try_from(value).map_err(|_| overflow())
}

/// The strike and side of a line key `2 * strikeId + isCall` (a key beyond `u64` names no
/// strike: the listings refuse it).
pub(crate) fn line_of(key: U256) -> (u64, bool) {
    (sat_u64(key >> 1), key.bit(0))
}

/// The stress grid's factors as words: spot `1 - d, 1 - d/2, 1, 1 + u/2, 1 + u` and
/// volatility `1, 1 + v` (`d` at most 1): the grid `OptionBook` stresses the pool with.
pub(crate) fn grid(values: &[U256]) -> Result<([B256; 5], [B256; 2]), Error> {
    let down = u128_of(values[at::SPOT_DOWN])?.min(WAD_U128);
    let up = u128_of(values[at::SPOT_UP])?;
    let vol_up = u128_of(values[at::VOL_UP])?;
    let one_plus = |x: u128| WAD_U128.checked_add(x).map(U256::from).ok_or_else(overflow);
    Ok((
        [
            B256::from(U256::from(WAD_U128 - down)),
            B256::from(U256::from(WAD_U128 - down / 2)),
            B256::from(WAD),
            B256::from(one_plus(up / 2)?),
            B256::from(one_plus(up)?),
        ],
        [B256::from(WAD), B256::from(one_plus(vol_up)?)],
    ))
}

/// One written line in the engine's words: strike, years to expiry (at least one second:
/// an expired board not yet settled is marked nearly at its intrinsic value), volatility
/// `baseIv x skew` (rounded up when `up`, else down), calls, puts (`-amount` on the side
/// `is_call`).
///
/// Base IV and skew are within their governance bounds (a few times 1e18), so their
/// product fits 128 bits; a larger one is an overflow error.
pub(crate) fn line_words(
    strike: &StrikeInfo,
    now: u64,
    is_call: bool,
    amount: U256,
    up: bool,
) -> Result<[B256; 5], Error> {
    let years = years_wad_from_seconds_down(strike.expiry.saturating_sub(now).max(1));
    let product =
        u128_of(strike.base_iv_wad)?.checked_mul(u128_of(strike.skew_wad)?).ok_or_else(overflow)?;
    let vol = if up { product.div_ceil(WAD_U128) } else { product / WAD_U128 };
    // Written: `-amount` as a two's-complement word (amounts fit 128 bits).
    let written = B256::from(U256::ZERO.wrapping_sub(U256::from(u128_of(amount)?)));
    let (calls, puts) = if is_call { (written, B256::ZERO) } else { (B256::ZERO, written) };
    Ok([
        B256::from(strike.strike_wad),
        B256::from(U256::from(years)),
        B256::from(U256::from(vol)),
        calls,
        puts,
    ])
}

impl MarginEngine {
    /// The current time in seconds (the block timestamp; plus the test offset in tests).
    pub(crate) fn now(&self) -> u64 {
        clock::now(self.vm().block_timestamp())
    }

    /// The governance values of [`KEYS`].
    pub(crate) fn params(&self) -> Result<Vec<U256>, Error> {
        let governance = self.governance.get();
        calls::get_many(self, governance, &KEYS).ok_or_else(|| call_failed(governance))
    }

    /// The asset's decimals.
    pub(crate) fn decimals(&self) -> u8 {
        self.asset_decimals.get().byte(0)
    }

    /// Rejects the call while the sequencer-uptime feed (if set) reports the sequencer
    /// down, or up for no more than the grace period.
    pub(crate) fn check_sequencer(&self, values: &[U256]) -> Result<(), Error> {
        let feed = value_to_address(values[at::SEQ_FEED]);
        if feed.is_zero() {
            return Ok(());
        }
        let round = flows::latest_round_data(self, feed).ok_or_else(|| token_failed(feed))?;
        if !round.answer.is_zero() {
            return Err(Error::SequencerDown(ShortBookSequencerDown { feed }));
        }
        let now = self.now();
        let grace = sat_u64(values[at::SEQ_GRACE]);
        if now.saturating_sub(sat_u64(round.started_at)) <= grace {
            return Err(Error::SequencerGracePeriod(ShortBookSequencerGracePeriod {
                upSince: round.started_at,
                grace,
                now,
            }));
        }
        Ok(())
    }

    /// `strikeInfo(strikeId)` of the listings, the listings' refusal forwarded.
    pub(crate) fn strike(&self, values: &[U256], strike_id: u64) -> Result<StrikeInfo, Error> {
        let listings = value_to_address(values[at::LISTINGS]);
        let w = split::strike_info(self, listings, strike_id).map_err(Error::Forwarded)?;
        Ok(StrikeInfo {
            market_id: B256::from(w[0]),
            board_id: sat_u64(w[1]),
            expiry: sat_u64(w[2]),
            strike_wad: w[3],
            skew_wad: w[4],
            base_iv_wad: w[5],
            settled: !w[6].is_zero(),
            settlement_wad: w[7],
            long_calls: w[8],
            long_puts: w[9],
        })
    }

    /// The spot of `market_id` (18 decimals, within the pricer's range) and its answer's
    /// time, from the listings (their oracle checks; the heartbeat only with `check_age`).
    pub(crate) fn spot(
        &self,
        values: &[U256],
        market_id: B256,
        check_age: bool,
    ) -> Result<(U256, u64), Error> {
        let listings = value_to_address(values[at::LISTINGS]);
        let [spot, updated_at] =
            split::spot(self, listings, market_id, check_age).map_err(Error::Forwarded)?;
        Ok((spot, sat_u64(updated_at)))
    }

    /// What a line of `amount` written options of `strike` owes at its settlement price,
    /// in asset units, rounded up (`obligation_asset_up`).
    pub(crate) fn due(
        &self,
        strike: &StrikeInfo,
        is_call: bool,
        amount: U256,
    ) -> Result<U256, Error> {
        obligation_asset_up(
            u128_of(strike.settlement_wad)?,
            u128_of(strike.strike_wad)?,
            u128_of(amount)?,
            is_call,
            self.decimals(),
        )
        .map_err(math)
    }

    /// `(liability, initial, maintenance)` of the written `lines` (engine words) at `spot`
    /// from the engine's `marginRequirement`, rounded up; the engine's refusal forwarded.
    pub(crate) fn engine_margin(
        &self,
        values: &[U256],
        spot: U256,
        lines: &[B256],
        multiplier: U256,
        fraction: U256,
    ) -> Result<[U256; 3], Error> {
        let (spots, vols) = grid(values)?;
        let args = [
            Arg::Word(B256::from(spot)),
            Arg::Word(B256::from(values[at::RATE])),
            Arg::Word(B256::from(U256::from(self.decimals()))),
            Arg::Array(&spots),
            Arg::Array(&vols),
            Arg::Array(lines),
            Arg::Word(B256::from(multiplier)),
            Arg::Word(B256::from(fraction)),
        ];
        let engine = value_to_address(values[at::ENGINE]);
        let data = split::view_raw(self, engine, &split::encode(MARGIN_REQUIREMENT, &args))
            .map_err(Error::Forwarded)?;
        split::words(data).map_err(Error::Forwarded)
    }
}
