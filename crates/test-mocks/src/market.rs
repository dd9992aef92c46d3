//! What the insurance fund and the vault see of the `OptionsMarket`.
#![allow(unsafe_code, reason = "TopLevelStorage is implemented by hand, as the crate docs say")]
#![allow(clippy::must_use_candidate, reason = "contract methods are called through the ABI")]

use alloc::vec::Vec;

use alloy_primitives::{Address, B256, U256, U64};
use mutual_contract_kit::clock;
use mutual_interfaces::{IErc20, IInsuranceFund, IMutualVault};
use stylus_sdk::{
    prelude::*,
    storage::{StorageAddress, StorageBool, StorageMap, StorageU256, StorageU64},
};

/// The market as the insurance fund and the vault see it. Deploy it, `init` it with the
/// fund and the token (and `setVault` for the vault), register its address under
/// `mutual.market` (or `mutual.vault`, to play the vault) in governance, then drive the
/// fund or the vault through it.
///
/// For the vault it answers `poolLiability` and `requiredCollateral` with settable values
/// (each can be made to revert), with a `markTime` that follows the clock seam
/// (`now - markAge`, or a fixed time), and it pulls payouts from and pays premiums to the
/// vault as the market would.
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
    /// The vault called by `pullPayout`, `notifyPremium` and `payPremium`.
    vault: StorageAddress,
    /// The `liability` of `poolLiability`.
    liability: StorageU256,
    /// The `receivable` of `poolLiability`.
    receivable: StorageU256,
    /// What `requiredCollateral` returns.
    required: StorageU256,
    /// The age of the marks, in seconds: `markTime = now - markAge` (saturating).
    mark_age: StorageU64,
    /// The fixed `markTime`, when `mark_time_fixed` is set.
    mark_time: StorageU64,
    /// Whether `markTime` is `mark_time` rather than `now - markAge`.
    mark_time_fixed: StorageBool,
    /// Whether `poolLiability` reverts.
    liability_reverts: StorageBool,
    /// Whether `requiredCollateral` reverts.
    required_reverts: StorageBool,
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

    // ---- The vault's view of the market ------------------------------------------------

    /// Sets the vault.
    pub fn set_vault(&mut self, vault: Address) {
        self.vault.set(vault);
    }

    /// Sets what `poolLiability` returns as `liability` and `receivable`.
    pub fn set_pool_liability(&mut self, liability: U256, receivable: U256) {
        self.liability.set(liability);
        self.receivable.set(receivable);
    }

    /// Sets what `requiredCollateral` returns.
    pub fn set_required_collateral(&mut self, required: U256) {
        self.required.set(required);
    }

    /// Makes `markTime` trail the clock by `age` seconds (the default: 0, always fresh).
    pub fn set_mark_age(&mut self, age: u64) {
        self.mark_age.set(U64::from(age));
        self.mark_time_fixed.set(false);
    }

    /// Makes `markTime` the fixed time `time` (even one in the future).
    pub fn set_mark_time(&mut self, time: u64) {
        self.mark_time.set(U64::from(time));
        self.mark_time_fixed.set(true);
    }

    /// Makes `poolLiability` revert (or answer again).
    pub fn set_liability_reverts(&mut self, reverts: bool) {
        self.liability_reverts.set(reverts);
    }

    /// Makes `requiredCollateral` revert (or answer again).
    pub fn set_required_reverts(&mut self, reverts: bool) {
        self.required_reverts.set(reverts);
    }

    /// `IOptionsMarket.poolLiability`: the set `(liability, receivable)` and the mark time.
    ///
    /// # Errors
    ///
    /// * Empty revert data - While set to revert.
    pub fn pool_liability(&self) -> Result<(U256, U256, u64), Vec<u8>> {
        if self.liability_reverts.get() {
            return Err(Vec::new());
        }
        let mark_time = if self.mark_time_fixed.get() {
            self.mark_time.get().to::<u64>()
        } else {
            let now = clock::now(self.vm().block_timestamp());
            now.saturating_sub(self.mark_age.get().to::<u64>())
        };
        Ok((self.liability.get(), self.receivable.get(), mark_time))
    }

    /// `IOptionsMarket.requiredCollateral`: the set requirement.
    ///
    /// # Errors
    ///
    /// * Empty revert data - While set to revert.
    pub fn required_collateral(&self) -> Result<U256, Vec<u8>> {
        if self.required_reverts.get() {
            return Err(Vec::new());
        }
        Ok(self.required.get())
    }

    /// Calls `vault.pullPayout(marketId, reason, amount)` and returns what was paid.
    ///
    /// # Errors
    ///
    /// * The vault's revert data, unchanged.
    pub fn pull_payout(
        &mut self,
        market_id: B256,
        reason: u8,
        amount: U256,
    ) -> Result<U256, Vec<u8>> {
        let vault = IMutualVault::new(self.vault.get());
        vault.pull_payout(&mut *self, market_id, reason, amount).map_err(Vec::from)
    }

    /// Calls `vault.notifyPremium(marketId, reason, amount)` without paying anything first.
    ///
    /// # Errors
    ///
    /// * The vault's revert data, unchanged.
    pub fn notify_premium(
        &mut self,
        market_id: B256,
        reason: u8,
        amount: U256,
    ) -> Result<(), Vec<u8>> {
        let vault = IMutualVault::new(self.vault.get());
        vault.notify_premium(&mut *self, market_id, reason, amount).map_err(Vec::from)
    }

    /// Transfers `amount` of the token it holds to the vault, then calls
    /// `vault.notifyPremium(marketId, reason, amount)`: how the market pays premiums, the
    /// LP fee share and settlement proceeds.
    ///
    /// # Errors
    ///
    /// * The token's or the vault's revert data, unchanged; empty if the token returned
    ///   `false`.
    pub fn pay_premium(
        &mut self,
        market_id: B256,
        reason: u8,
        amount: U256,
    ) -> Result<(), Vec<u8>> {
        let token = IErc20::new(self.token.get());
        let vault = self.vault.get();
        if !token.transfer(&mut *self, vault, amount).map_err(Vec::from)? {
            return Err(Vec::new());
        }
        self.notify_premium(market_id, reason, amount)
    }

    /// Calls `vault.totalAssets()`.
    ///
    /// # Errors
    ///
    /// * The vault's revert data, unchanged.
    pub fn vault_total_assets(&self) -> Result<U256, Vec<u8>> {
        IMutualVault::new(self.vault.get()).total_assets(self).map_err(Vec::from)
    }
}
