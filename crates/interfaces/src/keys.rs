//! Governance keys and pause scopes shared by every contract.
//!
//! Each constant is the keccak-256 of its documented string, computed at compile time, so
//! scripts derive them the same way (`cast keccak "mutual.market"`).
//!
//! Keys and scopes live in separate namespaces of `GovernanceParams` (parameters by key,
//! pauses by scope), so the address key of a contract and its pause scope may be, and are,
//! the same hash: `MARKET_KEY == MARKET_SCOPE`.

use alloy_primitives::{Address, B256, U256};
use stylus_sdk::keccak_const::Keccak256;

/// keccak-256 of `input`, at compile time.
const fn keccak(input: &[u8]) -> B256 {
    B256::new(Keccak256::new().update(input).finalize())
}

/// `keccak256("mutual.market")`: the `OptionsMarket` address, as `uint256(uint160(addr))`
/// (direction 2: changed only through the timelock). Zero while unset.
pub const MARKET_KEY: B256 = keccak(b"mutual.market");

/// `keccak256("mutual.vault")`: the `MutualVault` address, as [`MARKET_KEY`].
pub const VAULT_KEY: B256 = keccak(b"mutual.vault");

/// `keccak256("mutual.insurance")`: the `InsuranceFund` address, as [`MARKET_KEY`].
pub const INSURANCE_KEY: B256 = keccak(b"mutual.insurance");

/// `keccak256("mutual.treasury")`: the treasury address, as [`MARKET_KEY`].
pub const TREASURY_KEY: B256 = keccak(b"mutual.treasury");

/// `keccak256("mutual.protocol")`: the scope whose pause pauses every scope
/// (`GovernanceParams::isPaused(scope)` is true when `scope` or this one is paused).
pub const PROTOCOL_SCOPE: B256 = keccak(b"mutual.protocol");

/// `keccak256("mutual.market")`: the market's pause scope.
pub const MARKET_SCOPE: B256 = keccak(b"mutual.market");

/// `keccak256("mutual.vault")`: the vault's pause scope.
pub const VAULT_SCOPE: B256 = keccak(b"mutual.vault");

/// `keccak256("mutual.insurance")`: the insurance fund's pause scope.
pub const INSURANCE_SCOPE: B256 = keccak(b"mutual.insurance");

/// `2^160 - 1`: the largest value of an address key.
pub const MAX_ADDRESS_VALUE: U256 = U256::from_limbs([u64::MAX, u64::MAX, u32::MAX as u64, 0]);

/// The address an address key holds: the low 160 bits of `value` (exact for values within
/// an address key's bounds `[0, MAX_ADDRESS_VALUE]`).
#[must_use]
pub fn value_to_address(value: U256) -> Address {
    Address::from_word(B256::from(value.to_be_bytes::<32>()))
}

/// The value an address key holds for `account`: `uint256(uint160(account))`.
#[must_use]
pub fn address_to_value(account: Address) -> U256 {
    U256::from_be_bytes(account.into_word().0)
}

// ---- OptionsMarket -------------------------------------------------------------------------

/// `keccak256("market.lister")`: the address allowed to list markets, boards and strikes and to tune them within the bounds below, as [`MARKET_KEY`] (timelocked; the Safe).
pub const LISTER_KEY: B256 = keccak(b"market.lister");

/// `keccak256("market.sequencerFeed")`: the L2 sequencer-uptime feed (Chainlink-style: answer 0 up, 1 down), as [`MARKET_KEY`]; zero: no sequencer gate (L1 or tests).
pub const SEQUENCER_FEED_KEY: B256 = keccak(b"market.sequencerFeed");

/// `keccak256("market.sequencerGrace")`: seconds after the sequencer comes back up before trades (and liquidations) resume.
pub const SEQUENCER_GRACE_KEY: B256 = keccak(b"market.sequencerGrace");

/// `keccak256("market.rateWad")`: the risk-free rate of every pricing, 18 decimals per year, continuously compounded.
pub const RATE_KEY: B256 = keccak(b"market.rateWad");

/// `keccak256("market.minIvWad")`: the lowest base implied volatility a listing, a tuning or a sale may set, 18 decimals.
pub const MIN_IV_KEY: B256 = keccak(b"market.minIvWad");

/// `keccak256("market.maxIvWad")`: the highest base implied volatility a listing, a tuning or a purchase may set, 18 decimals.
pub const MAX_IV_KEY: B256 = keccak(b"market.maxIvWad");

/// `keccak256("market.minSkewWad")`: the lowest skew factor of a strike, 18 decimals (1e18: no skew).
pub const MIN_SKEW_KEY: B256 = keccak(b"market.minSkewWad");

/// `keccak256("market.maxSkewWad")`: the highest skew factor of a strike, 18 decimals.
pub const MAX_SKEW_KEY: B256 = keccak(b"market.maxSkewWad");

/// `keccak256("market.minTenor")`: the shortest time from listing to expiry of a board, in seconds.
pub const MIN_TENOR_KEY: B256 = keccak(b"market.minTenor");

/// `keccak256("market.maxTenor")`: the longest time from listing to expiry of a board, in seconds (keep `insurance.maxCooldown` at or above it).
pub const MAX_TENOR_KEY: B256 = keccak(b"market.maxTenor");

/// `keccak256("market.maxHeartbeat")`: the longest heartbeat a market's oracle may be given, in seconds.
pub const MAX_HEARTBEAT_KEY: B256 = keccak(b"market.maxHeartbeat");

/// `keccak256("market.impactWad")`: base-IV move per unit of underlying traded, 18 decimals (`mutual_risk::trade::VolCurve::impact_wad`).
pub const IMPACT_KEY: B256 = keccak(b"market.impactWad");

/// `keccak256("market.spreadFeeWad")`: the spread fee per unit of notional (spot x amount), 18 decimals.
pub const SPREAD_FEE_KEY: B256 = keccak(b"market.spreadFeeWad");

/// `keccak256("market.spreadCapWad")`: the spread fee's cap as a fraction of the premium, 18 decimals.
pub const SPREAD_CAP_KEY: B256 = keccak(b"market.spreadCapWad");

/// `keccak256("market.utilFeeBaseWad")`: the utilization fee rate at zero utilization, on the premium, 18 decimals.
pub const UTIL_FEE_BASE_KEY: B256 = keccak(b"market.utilFeeBaseWad");

/// `keccak256("market.utilFeeKinkWad")`: the utilization where the fee's slope steepens, 18 decimals, in `(0, 1e18]`.
pub const UTIL_FEE_KINK_KEY: B256 = keccak(b"market.utilFeeKinkWad");

/// `keccak256("market.utilFeeSlopeBelowWad")`: the fee rate's rise from zero utilization to the kink, 18 decimals.
pub const UTIL_FEE_SLOPE_BELOW_KEY: B256 = keccak(b"market.utilFeeSlopeBelowWad");

/// `keccak256("market.utilFeeSlopeAboveWad")`: the fee rate's further rise from the kink to full utilization, 18 decimals.
pub const UTIL_FEE_SLOPE_ABOVE_KEY: B256 = keccak(b"market.utilFeeSlopeAboveWad");

/// `keccak256("market.maxUtilizationWad")`: the pool utilization (required collateral over NAV, after the trade) above which purchases halt, 18 decimals.
pub const MAX_UTILIZATION_KEY: B256 = keccak(b"market.maxUtilizationWad");

/// `keccak256("market.minTradeWad")`: the smallest trade, in units of the underlying, 18 decimals (no dust positions).
pub const MIN_TRADE_KEY: B256 = keccak(b"market.minTradeWad");

/// `keccak256("market.maxStrikeOiWad")`: the most options of one side (calls or puts) of one strike the pool may have written, in units of the underlying, 18 decimals.
pub const MAX_STRIKE_OI_KEY: B256 = keccak(b"market.maxStrikeOiWad");

/// `keccak256("market.tradingCutoff")`: seconds before expiry at which trading of a board stops: trades need `now + cutoff < expiry`.
pub const TRADING_CUTOFF_KEY: B256 = keccak(b"market.tradingCutoff");

/// `keccak256("market.stressSpotDownWad")`: the stress grid's largest spot fall, 18 decimals (`0.5e18`: spot x 0.5); the grid also takes half of it.
pub const STRESS_SPOT_DOWN_KEY: B256 = keccak(b"market.stressSpotDownWad");

/// `keccak256("market.stressSpotUpWad")`: the stress grid's largest spot rise, 18 decimals (`0.5e18`: spot x 1.5); the grid also takes half of it.
pub const STRESS_SPOT_UP_KEY: B256 = keccak(b"market.stressSpotUpWad");

/// `keccak256("market.stressVolUpWad")`: the stress grid's volatility shock, 18 decimals (`0.5e18`: every volatility x 1.5).
pub const STRESS_VOL_UP_KEY: B256 = keccak(b"market.stressVolUpWad");

/// `keccak256("market.poolStressLimitWad")`: the share of the pool's NAV one underlying's stressed loss may take, 18 decimals.
pub const POOL_STRESS_LIMIT_KEY: B256 = keccak(b"market.poolStressLimitWad");

/// `keccak256("market.insuranceCreditWad")`: the share of the insurance fund's assets the stress check counts as cover, 18 decimals.
pub const INSURANCE_CREDIT_KEY: B256 = keccak(b"market.insuranceCreditWad");

/// `keccak256("market.minCoverageWad")`: the insurance coverage (fund assets over the underlying's stressed loss, 18 decimals) below which purchases halt.
pub const MIN_COVERAGE_KEY: B256 = keccak(b"market.minCoverageWad");

/// `keccak256("market.lpFeeWeight")`: the LPs' weight in the split of the fees the insurance fund does not take (any scale).
pub const LP_FEE_WEIGHT_KEY: B256 = keccak(b"market.lpFeeWeight");

/// `keccak256("market.reserveFeeWeight")`: the market reserve's weight in that split (DESIGN.md layer 2; any scale).
pub const RESERVE_FEE_WEIGHT_KEY: B256 = keccak(b"market.reserveFeeWeight");

/// `keccak256("market.treasuryFeeWeight")`: the treasury's weight in that split (any scale).
pub const TREASURY_FEE_WEIGHT_KEY: B256 = keccak(b"market.treasuryFeeWeight");

/// `keccak256("market.retentionWad")`: the pool's retention of a board's settlement loss, as a fraction of its NAV, 18 decimals; the excess goes to the insurance fund's excess-of-loss cover.
pub const RETENTION_KEY: B256 = keccak(b"market.retentionWad");

/// `keccak256("market.settleBounty")`: the bounty of a settlement, in asset units, paid from the market's reserve (at most the reserve).
pub const SETTLE_BOUNTY_KEY: B256 = keccak(b"market.settleBounty");

/// `keccak256("market.maxNetDeltaWad")`: the largest magnitude of the net delta of the pool's book of one underlying after a purchase, `|sum(calls x deltaCall + puts x deltaPut)|` with the pool's amounts (written options negative, so writing calls makes it negative and writing puts positive), in units of the underlying, 18 decimals (`mutual_risk::stress::book_greeks_wad`, each line at its marked volatility).
pub const MAX_NET_DELTA_KEY: B256 = keccak(b"market.maxNetDeltaWad");

/// `keccak256("market.maxNetVegaWad")`: the largest magnitude of the net vega of the pool's book of one underlying after a purchase, `|sum((calls + puts) x vega)|` with the pool's amounts (written options negative), in 18-decimal units of the spot's price (USD for an ETH/USD feed) per 1.00 (100 percentage points) of volatility, every line's volatility moved together (`mutual_risk::stress::book_greeks_wad`).
pub const MAX_NET_VEGA_KEY: B256 = keccak(b"market.maxNetVegaWad");

/// Every key of the market, for tools and the test of their hashes.
pub const MARKET_PARAM_KEYS: [(&str, B256); 35] = [
    ("market.lister", LISTER_KEY),
    ("market.sequencerFeed", SEQUENCER_FEED_KEY),
    ("market.sequencerGrace", SEQUENCER_GRACE_KEY),
    ("market.rateWad", RATE_KEY),
    ("market.minIvWad", MIN_IV_KEY),
    ("market.maxIvWad", MAX_IV_KEY),
    ("market.minSkewWad", MIN_SKEW_KEY),
    ("market.maxSkewWad", MAX_SKEW_KEY),
    ("market.minTenor", MIN_TENOR_KEY),
    ("market.maxTenor", MAX_TENOR_KEY),
    ("market.maxHeartbeat", MAX_HEARTBEAT_KEY),
    ("market.impactWad", IMPACT_KEY),
    ("market.spreadFeeWad", SPREAD_FEE_KEY),
    ("market.spreadCapWad", SPREAD_CAP_KEY),
    ("market.utilFeeBaseWad", UTIL_FEE_BASE_KEY),
    ("market.utilFeeKinkWad", UTIL_FEE_KINK_KEY),
    ("market.utilFeeSlopeBelowWad", UTIL_FEE_SLOPE_BELOW_KEY),
    ("market.utilFeeSlopeAboveWad", UTIL_FEE_SLOPE_ABOVE_KEY),
    ("market.maxUtilizationWad", MAX_UTILIZATION_KEY),
    ("market.minTradeWad", MIN_TRADE_KEY),
    ("market.maxStrikeOiWad", MAX_STRIKE_OI_KEY),
    ("market.tradingCutoff", TRADING_CUTOFF_KEY),
    ("market.stressSpotDownWad", STRESS_SPOT_DOWN_KEY),
    ("market.stressSpotUpWad", STRESS_SPOT_UP_KEY),
    ("market.stressVolUpWad", STRESS_VOL_UP_KEY),
    ("market.poolStressLimitWad", POOL_STRESS_LIMIT_KEY),
    ("market.insuranceCreditWad", INSURANCE_CREDIT_KEY),
    ("market.minCoverageWad", MIN_COVERAGE_KEY),
    ("market.lpFeeWeight", LP_FEE_WEIGHT_KEY),
    ("market.reserveFeeWeight", RESERVE_FEE_WEIGHT_KEY),
    ("market.treasuryFeeWeight", TREASURY_FEE_WEIGHT_KEY),
    ("market.retentionWad", RETENTION_KEY),
    ("market.settleBounty", SETTLE_BOUNTY_KEY),
    ("market.maxNetDeltaWad", MAX_NET_DELTA_KEY),
    ("market.maxNetVegaWad", MAX_NET_VEGA_KEY),
];

#[cfg(test)]
mod tests {
    use alloy_primitives::{keccak256, Address, U256};

    use super::*;

    #[test]
    fn constants_are_the_documented_hashes() {
        assert_eq!(MARKET_KEY, keccak256("mutual.market"));
        assert_eq!(VAULT_KEY, keccak256("mutual.vault"));
        assert_eq!(INSURANCE_KEY, keccak256("mutual.insurance"));
        assert_eq!(TREASURY_KEY, keccak256("mutual.treasury"));
        assert_eq!(PROTOCOL_SCOPE, keccak256("mutual.protocol"));
        assert_eq!(MARKET_SCOPE, MARKET_KEY);
        assert_eq!(VAULT_SCOPE, VAULT_KEY);
        assert_eq!(INSURANCE_SCOPE, INSURANCE_KEY);
        assert_eq!(MAX_ADDRESS_VALUE, (U256::from(1) << 160) - U256::from(1));
        for (name, key) in MARKET_PARAM_KEYS {
            assert_eq!(key, keccak256(name), "{name}");
        }
    }

    #[test]
    fn addresses_round_trip_through_values() {
        let account = Address::repeat_byte(0xab);
        assert_eq!(value_to_address(address_to_value(account)), account);
        assert_eq!(address_to_value(Address::ZERO), U256::ZERO);
        assert_eq!(address_to_value(Address::repeat_byte(0xff)), MAX_ADDRESS_VALUE);
        assert_eq!(value_to_address(U256::from(0x1234)), {
            let mut bytes = [0u8; 20];
            bytes[18] = 0x12;
            bytes[19] = 0x34;
            Address::from(bytes)
        });
    }
}

/// `keccak256("market.book")`: the `OptionBook` (listings, the pool's book, the oracle
/// checks), as [`MARKET_KEY`]; the market calls it, and it accepts trades and settlements
/// only from the address under [`MARKET_KEY`].
pub const BOOK_KEY: B256 = keccak(b"market.book");

/// `keccak256("market.riskEngine")`: the stateless `RiskEngine` the book prices and
/// stresses with, as [`MARKET_KEY`].
pub const RISK_ENGINE_KEY: B256 = keccak(b"market.riskEngine");

/// `keccak256("insurance.baseIncomeShareWad")`: the insurance fund's share of the market's
/// fees at or above its target coverage, 18 decimals (the fund's own key, read by the
/// market to compute the share without calling back into itself).
pub const BASE_INCOME_SHARE_KEY: B256 = keccak(b"insurance.baseIncomeShareWad");

/// `keccak256("insurance.maxIncomeShareWad")`: the fund's share at zero coverage, 18
/// decimals (as [`BASE_INCOME_SHARE_KEY`]).
pub const MAX_INCOME_SHARE_KEY: B256 = keccak(b"insurance.maxIncomeShareWad");

/// `keccak256("insurance.targetCoverageWad")`: the fund's target coverage of a market's
/// stressed loss, 18 decimals (as [`BASE_INCOME_SHARE_KEY`]).
pub const TARGET_COVERAGE_KEY: B256 = keccak(b"insurance.targetCoverageWad");

/// `keccak256("market.listings")`: the `OptionListings` (markets, boards, strikes, the
/// oracles, settlement prices), as [`MARKET_KEY`]; the book reads it, and it accepts base-IV
/// moves and settlements only from the address under [`BOOK_KEY`].
pub const LISTINGS_KEY: B256 = keccak(b"market.listings");

/// The keys of the market's split and the fund's keys the market reads, for tools and the
/// test of their hashes.
pub const SPLIT_KEYS: [(&str, B256); 6] = [
    ("market.book", BOOK_KEY),
    ("market.listings", LISTINGS_KEY),
    ("market.riskEngine", RISK_ENGINE_KEY),
    ("insurance.baseIncomeShareWad", BASE_INCOME_SHARE_KEY),
    ("insurance.maxIncomeShareWad", MAX_INCOME_SHARE_KEY),
    ("insurance.targetCoverageWad", TARGET_COVERAGE_KEY),
];

#[cfg(test)]
mod split_key_tests {
    use alloy_primitives::keccak256;

    use super::SPLIT_KEYS;

    #[test]
    fn split_keys_are_the_keccak_of_their_names() {
        for (name, key) in SPLIT_KEYS {
            assert_eq!(key, keccak256(name), "{name}");
        }
    }
}

// =============================================================================================
// Trader shorts (`ShortBook`, docs/market.md "Shorts")
// =============================================================================================

/// `keccak256("market.shortBook")`: the `ShortBook` (traders' margin accounts, their
/// written options, liquidation), as [`MARKET_KEY`]. The vault accepts flows from it beside
/// the market and adds its `poolLiability` receivable (the options the pool holds against
/// the shorts) to the pool's NAV; the insurance fund covers trader defaults (kind 0) for it;
/// the listings accept its base-IV moves. Zero while shorts are not enabled.
pub const SHORT_BOOK_KEY: B256 = keccak(b"market.shortBook");

/// `keccak256("market.marginEngine")`: the stateless `MarginEngine` the short book prices,
/// margins and values with (the listings' reads and the risk engine's math for shorts),
/// as [`MARKET_KEY`].
pub const MARGIN_ENGINE_KEY: B256 = keccak(b"market.marginEngine");

/// `keccak256("market.initialMarginWad")`: a short's initial margin per unit of its
/// book's worst stressed loss, 18 decimals (at least 1e18: above 1 is the buffer).
pub const INITIAL_MARGIN_KEY: B256 = keccak(b"market.initialMarginWad");

/// `keccak256("market.maintenanceMarginWad")`: the maintenance margin as a fraction of the
/// initial, 18 decimals (at most 1e18).
pub const MAINTENANCE_MARGIN_KEY: B256 = keccak(b"market.maintenanceMarginWad");

/// `keccak256("market.liquidationPenaltyWad")`: the penalty of a liquidation as a fraction
/// of the liquidated book's liability, 18 decimals.
pub const LIQUIDATION_PENALTY_KEY: B256 = keccak(b"market.liquidationPenaltyWad");

/// `keccak256("market.liquidatorShareWad")`: the liquidator's share of the penalty, 18
/// decimals (at most 1e18); the rest goes to the short book's reserve.
pub const LIQUIDATOR_SHARE_KEY: B256 = keccak(b"market.liquidatorShareWad");

/// `keccak256("market.minLiquidationBounty")`: the least bounty of a liquidation, in asset
/// units: enough to pay a bot's gas, so that no account is too small to liquidate
/// (INCIDENTS 12).
pub const MIN_LIQUIDATION_BOUNTY_KEY: B256 = keccak(b"market.minLiquidationBounty");

/// The keys `ShortBook` reads besides the market's, for tools, the deployment example and
/// the test of their hashes.
pub const SHORT_KEYS: [(&str, B256); 7] = [
    ("market.shortBook", SHORT_BOOK_KEY),
    ("market.marginEngine", MARGIN_ENGINE_KEY),
    ("market.initialMarginWad", INITIAL_MARGIN_KEY),
    ("market.maintenanceMarginWad", MAINTENANCE_MARGIN_KEY),
    ("market.liquidationPenaltyWad", LIQUIDATION_PENALTY_KEY),
    ("market.liquidatorShareWad", LIQUIDATOR_SHARE_KEY),
    ("market.minLiquidationBounty", MIN_LIQUIDATION_BOUNTY_KEY),
];

#[cfg(test)]
mod short_key_tests {
    use alloy_primitives::keccak256;

    use super::SHORT_KEYS;

    #[test]
    fn short_keys_are_the_keccak_of_their_names() {
        for (name, key) in SHORT_KEYS {
            assert_eq!(key, keccak256(name), "{name}");
        }
    }
}
