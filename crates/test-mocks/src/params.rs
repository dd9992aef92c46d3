//! The market's governance parameters as the tests set them, in one place for the unit
//! tests of the market's programs and the cross-contract fixture.

use alloy_primitives::{B256, U256};
use mutual_interfaces::keys::{
    IMPACT_KEY, INSURANCE_CREDIT_KEY, LP_FEE_WEIGHT_KEY, MAX_HEARTBEAT_KEY, MAX_IV_KEY,
    MAX_NET_DELTA_KEY, MAX_NET_VEGA_KEY, MAX_SKEW_KEY, MAX_STRIKE_OI_KEY, MAX_TENOR_KEY,
    MAX_UTILIZATION_KEY, MIN_COVERAGE_KEY, MIN_IV_KEY, MIN_SKEW_KEY, MIN_TENOR_KEY, MIN_TRADE_KEY,
    POOL_STRESS_LIMIT_KEY, RATE_KEY, RESERVE_FEE_WEIGHT_KEY, RETENTION_KEY, SEQUENCER_GRACE_KEY,
    SETTLE_BOUNTY_KEY, SPREAD_CAP_KEY, SPREAD_FEE_KEY, STRESS_SPOT_DOWN_KEY, STRESS_SPOT_UP_KEY,
    STRESS_VOL_UP_KEY, TRADING_CUTOFF_KEY, TREASURY_FEE_WEIGHT_KEY, UTIL_FEE_BASE_KEY,
    UTIL_FEE_KINK_KEY, UTIL_FEE_SLOPE_ABOVE_KEY, UTIL_FEE_SLOPE_BELOW_KEY,
};

/// One hour, in seconds: the tests' sequencer grace and trading cut-off.
const HOUR: u64 = 3_600;

/// One day, in seconds.
const DAY: u64 = 86_400;

/// The market's non-address parameters of `MARKET_PARAM_KEYS` (`market.lister` and
/// `market.sequencerFeed` are the caller's), with the tests' values: sequencer grace and
/// trading cut-off one hour; rate 5%; IV 10% to 300%, skew 0.5 to 2; tenors one to 90
/// days, heartbeats at most a day; impact 0.001 per option; spread 3 bp of notional
/// capped at 12.5% of the premium; utilization fee 0.1% rising 1% to the 80% kink and 50%
/// beyond it, purchases halted above 90%; trades of 0.01 to 1,000 options per strike and
/// side; the stress grid 50% down, 50% up, volatility +50%; the stressed loss within 50% of
/// the NAV plus 50% of the fund, no coverage floor; net delta and vega caps far beyond any
/// test's book (1,000,000 options, 1e9 per 1.00 of volatility); fees split 6:2:2; retention
/// 10%; a 5 USDC settlement bounty (6 decimals).
#[must_use]
pub fn market_params() -> [(B256, U256); 33] {
    let wad = U256::from(1_000_000_000_000_000_000_u128);
    let pct = |x: u64| wad * U256::from(x) / U256::from(100);
    let n = U256::from;
    [
        (SEQUENCER_GRACE_KEY, n(HOUR)),
        (RATE_KEY, pct(5)),
        (MIN_IV_KEY, pct(10)),
        (MAX_IV_KEY, pct(300)),
        (MIN_SKEW_KEY, pct(50)),
        (MAX_SKEW_KEY, pct(200)),
        (MIN_TENOR_KEY, n(DAY)),
        (MAX_TENOR_KEY, n(90 * DAY)),
        (MAX_HEARTBEAT_KEY, n(DAY)),
        (IMPACT_KEY, wad / n(1000)),
        (SPREAD_FEE_KEY, wad * n(3) / n(10_000)),
        (SPREAD_CAP_KEY, pct(125) / n(10)),
        (UTIL_FEE_BASE_KEY, wad / n(1000)),
        (UTIL_FEE_KINK_KEY, pct(80)),
        (UTIL_FEE_SLOPE_BELOW_KEY, pct(1)),
        (UTIL_FEE_SLOPE_ABOVE_KEY, pct(50)),
        (MAX_UTILIZATION_KEY, pct(90)),
        (MIN_TRADE_KEY, pct(1)),
        (MAX_STRIKE_OI_KEY, wad * n(1000)),
        (TRADING_CUTOFF_KEY, n(HOUR)),
        (STRESS_SPOT_DOWN_KEY, pct(50)),
        (STRESS_SPOT_UP_KEY, pct(50)),
        (STRESS_VOL_UP_KEY, pct(50)),
        (POOL_STRESS_LIMIT_KEY, pct(50)),
        (INSURANCE_CREDIT_KEY, pct(50)),
        (MIN_COVERAGE_KEY, U256::ZERO),
        (MAX_NET_DELTA_KEY, wad * n(1_000_000)),
        (MAX_NET_VEGA_KEY, wad * n(1_000_000_000)),
        (LP_FEE_WEIGHT_KEY, n(6)),
        (RESERVE_FEE_WEIGHT_KEY, n(2)),
        (TREASURY_FEE_WEIGHT_KEY, n(2)),
        (RETENTION_KEY, pct(10)),
        (SETTLE_BOUNTY_KEY, n(5_000_000)),
    ]
}
