//! The fee split of a trade: the insurance fund's share, then the rest by governance
//! weights to the vault, the market's reserve and the treasury.

use alloy_primitives::{Address, U256};
use mutual_interfaces::{flows, keys::value_to_address};
use mutual_risk::{
    fixed::{mul_div_down, WAD},
    trade::income_share_wad_up,
    waterfall::split_largest_remainder,
};

use crate::Error;
use crate::{call_failed, internal::at, math, OptionsMarket};

impl OptionsMarket {
    /// The insurance fund's share of a trade's fees, 18 decimals, at most 1, given the
    /// underlying's stressed loss with the trade booked (from the book): the fund's own
    /// rule, `mutual_risk::trade::income_share_wad_up` on the fund's governance keys
    /// (`insurance.baseIncomeShareWad`, `insurance.maxIncomeShareWad`,
    /// `insurance.targetCoverageWad`) and its `fundAssets()`, the function the fund's
    /// `incomeShareWad` view calls; computed here because that view reads `stressedLoss`
    /// from the market, which Stylus refuses while the market is on the call stack
    /// (`docs/market.md`, "Reentrancy").
    pub(crate) fn income_share_wad(
        &self,
        insurance: Address,
        stressed: U256,
        values: &[U256],
    ) -> Result<U256, crate::Error> {
        let (base, target) = (values[at::BASE_SHARE], values[at::TARGET_COVERAGE]);
        // The fund is asked for its assets only when the coverage matters.
        let fund = if stressed.is_zero() || target.is_zero() {
            U256::ZERO
        } else {
            flows::fund_assets(self, insurance).ok_or_else(|| call_failed(insurance))?
        };
        let share = income_share_wad_up(base, values[at::MAX_SHARE], target, fund, stressed)
            .map_err(math)?;
        Ok(share.min(WAD))
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
