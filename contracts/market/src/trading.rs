//! The fee split of a trade: the insurance fund's share, then the rest by governance
//! weights to the vault, the market's reserve and the treasury.

use alloy_primitives::{Address, U256};
use mutual_interfaces::{flows, keys::value_to_address};
use mutual_risk::{
    fixed::{mul_div_down, mul_div_up, WAD},
    waterfall::split_largest_remainder,
};

use crate::Error;
use crate::{call_failed, internal::at, math, OptionsMarket};

impl OptionsMarket {
    /// The insurance fund's share of a trade's fees, 18 decimals, at most 1, given the
    /// underlying's stressed loss with the trade booked (from the book): the fund's own
    /// rule (`InsuranceFund::income_share_wad`, on its governance keys) computed here,
    /// because the fund's view reads `stressedLoss` from the market, which Stylus refuses
    /// while the market is on the call stack (`docs/market.md`, "Reentrancy"):
    ///
    /// - `base` (`insurance.baseIncomeShareWad`) when the stressed loss or the target
    ///   coverage (`insurance.targetCoverageWad`) is zero, or the fund's coverage
    ///   `fundAssets / stressedLoss` (rounded down) reaches the target;
    /// - else `base + (max - base) x (target - coverage) / target`, rounded up (the fund's
    ///   favour), `max = max(insurance.maxIncomeShareWad, base)`.
    pub(crate) fn income_share_wad(
        &self,
        insurance: Address,
        stressed: U256,
        values: &[U256],
    ) -> Result<U256, crate::Error> {
        let (base, target) = (values[at::BASE_SHARE], values[at::TARGET_COVERAGE]);
        if stressed.is_zero() || target.is_zero() {
            return Ok(base.min(WAD));
        }
        let max = values[at::MAX_SHARE].max(base);
        let fund = flows::fund_assets(self, insurance).ok_or_else(|| call_failed(insurance))?;
        // Rounds down: a lower coverage raises the fund's share. A coverage too large for
        // 256 bits is above any target.
        let coverage = mul_div_down(fund, WAD, stressed).unwrap_or(U256::MAX);
        if coverage >= target {
            return Ok(base.min(WAD));
        }
        // Rounds up, in the fund's favour; at most `max - base`, since coverage < target.
        let raise = mul_div_up(max - base, target - coverage, target).map_err(math)?;
        Ok((base + raise).min(WAD)) // base + raise <= max
    }

    /// Splits `fees` of a trade on `market_id`, whose stressed loss after the trade is
    /// `stressed`: `[toVault, toInsurance, toReserve, toTreasury]`, exactly `fees` in all.
    /// The insurance fund's share rounds down; the rest is split by the governance weights
    /// (`market.lpFeeWeight`, `market.reserveFeeWeight`, `market.treasuryFeeWeight`) by
    /// largest remainder, all to the vault if every weight is zero.
    pub(crate) fn split_fees(
        &self,
        fees: U256,
        stressed: U256,
        values: &[U256],
    ) -> Result<[U256; 4], Error> {
        if fees.is_zero() {
            return Ok([U256::ZERO; 4]);
        }
        let insurance = value_to_address(values[at::INSURANCE]);
        let share = self.income_share_wad(insurance, stressed, values)?;
        // Rounds down: the insurance fund never takes more than its share.
        let to_insurance = mul_div_down(fees, share, WAD).map_err(math)?;
        let rest = fees - to_insurance; // to_insurance <= fees since share <= 1
        let weights = &values[at::FEE_WEIGHTS..at::FEE_WEIGHTS + 3];
        let mut parts = [U256::ZERO; 3];
        if weights.iter().all(U256::is_zero) {
            parts[0] = rest;
        } else {
            split_largest_remainder(rest, weights, &mut parts).map_err(math)?;
        }
        Ok([parts[0], to_insurance, parts[1], parts[2]])
    }
}
