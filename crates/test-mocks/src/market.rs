//! What the insurance fund sees of the `OptionsMarket`.
#![allow(unsafe_code, reason = "TopLevelStorage is implemented by hand, as the crate docs say")]
#![allow(clippy::must_use_candidate, reason = "contract methods are called through the ABI")]

use alloc::vec::Vec;

use alloy_primitives::{Address, B256, U256, U64};
use mutual_interfaces::{IErc20, IInsuranceFund};
use stylus_sdk::{
    prelude::*,
    storage::{StorageAddress, StorageBool, StorageMap, StorageU256, StorageU64},
};

/// The market as the insurance fund sees it. Deploy it, `init` it with the fund and the
/// token, register its address under `mutual.market` (or `mutual.vault`, to play the
/// vault) in governance, then drive the fund through it.
#[storage]
pub struct MockMarket {
    /// The insurance fund called by `cover` and `notifyIncome`.
    fund: StorageAddress,
    /// The collateral token paid to the fund by `payIncome`.
    token: StorageAddress,
    /// What `longestOpenTenor` returns, in seconds.
    tenor: StorageU64,
    /// Whether `longestOpenTenor` reverts.
    tenor_reverts: StorageBool,
    /// What `stressedLoss` returns, by market id.
    stressed: StorageMap<B256, StorageU256>,
}

// SAFETY: `MockMarket` is deployed as a whole contract (see the crate docs).
unsafe impl TopLevelStorage for MockMarket {}

#[public]
impl MockMarket {
    /// Sets the fund and the token.
    pub fn init(&mut self, fund: Address, token: Address) {
        self.fund.set(fund);
        self.token.set(token);
    }

    /// Sets what `longestOpenTenor` returns.
    pub fn set_longest_open_tenor(&mut self, seconds: u64) {
        self.tenor.set(U64::from(seconds));
    }

    /// Makes `longestOpenTenor` revert (or answer again).
    pub fn set_tenor_reverts(&mut self, reverts: bool) {
        self.tenor_reverts.set(reverts);
    }

    /// Sets what `stressedLoss(marketId)` returns.
    pub fn set_stressed_loss(&mut self, market_id: B256, loss: U256) {
        self.stressed.setter(market_id).set(loss);
    }

    /// `IOptionsMarket.longestOpenTenor`: the set tenor.
    ///
    /// # Errors
    ///
    /// * Empty revert data - While set to revert.
    pub fn longest_open_tenor(&self) -> Result<u64, Vec<u8>> {
        if self.tenor_reverts.get() {
            return Err(Vec::new());
        }
        Ok(self.tenor.get().to::<u64>())
    }

    /// `IOptionsMarket.stressedLoss`: the set loss of `marketId`.
    pub fn stressed_loss(&self, market_id: B256) -> U256 {
        self.stressed.get(market_id)
    }

    /// Calls `fund.cover(kind, marketId, amount)` and returns the amount covered.
    ///
    /// # Errors
    ///
    /// * The fund's revert data, unchanged.
    pub fn cover(&mut self, kind: u8, market_id: B256, amount: U256) -> Result<U256, Vec<u8>> {
        let fund = IInsuranceFund::new(self.fund.get());
        fund.cover(&mut *self, kind, market_id, amount).map_err(Vec::from)
    }

    /// Calls `fund.notifyIncome(marketId, amount)` without paying anything first.
    ///
    /// # Errors
    ///
    /// * The fund's revert data, unchanged.
    pub fn notify_income(&mut self, market_id: B256, amount: U256) -> Result<(), Vec<u8>> {
        let fund = IInsuranceFund::new(self.fund.get());
        fund.notify_income(&mut *self, market_id, amount).map_err(Vec::from)
    }

    /// Transfers `amount` of the token it holds to the fund, then calls
    /// `fund.notifyIncome(marketId, amount)`: how the market pays the fund's fee share.
    ///
    /// # Errors
    ///
    /// * The token's or the fund's revert data, unchanged; empty if the token returned
    ///   `false`.
    pub fn pay_income(&mut self, market_id: B256, amount: U256) -> Result<(), Vec<u8>> {
        let token = IErc20::new(self.token.get());
        let fund = self.fund.get();
        if !token.transfer(&mut *self, fund, amount).map_err(Vec::from)? {
            return Err(Vec::new());
        }
        self.notify_income(market_id, amount)
    }

    /// Calls `fund.incomeShareWad(marketId)`.
    ///
    /// # Errors
    ///
    /// * The fund's revert data, unchanged.
    pub fn income_share_wad(&self, market_id: B256) -> Result<U256, Vec<u8>> {
        IInsuranceFund::new(self.fund.get()).income_share_wad(self, market_id).map_err(Vec::from)
    }
}
