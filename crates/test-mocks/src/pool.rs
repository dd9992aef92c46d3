//! What the market sees of the vault and the insurance fund: cash that pays payouts and
//! books premiums, a settable NAV, an excess-of-loss cover with a settable capacity, and
//! income booking, each with totals for tests to check.
#![allow(unsafe_code, reason = "TopLevelStorage is implemented by hand, as the crate docs say")]
#![allow(clippy::must_use_candidate, reason = "contract methods are called through the ABI")]

use alloc::vec::Vec;

use alloy_primitives::{Address, B256, U256};
use mutual_interfaces::{calls, IErc20};
use stylus_sdk::{
    prelude::*,
    storage::{StorageAddress, StorageBool, StorageMap, StorageU256},
};

/// Pays `amount` of `token` from `context` to `to`.
fn pay(
    context: &mut impl TopLevelStorage,
    token: Address,
    to: Address,
    amount: U256,
) -> Result<(), Vec<u8>> {
    if amount.is_zero() {
        return Ok(());
    }
    if !IErc20::new(token).transfer(context, to, amount).map_err(Vec::from)? {
        return Err(Vec::new());
    }
    Ok(())
}

/// The vault as the market sees it: `pullPayout` pays `min(amount, cash)` to the caller,
/// `notifyPremium` books what arrived as cash (reverting when it did not), `totalAssets`
/// answers a settable NAV. Totals per flow reason are kept for tests.
#[storage]
pub struct MockPoolVault {
    /// The collateral token.
    token: StorageAddress,
    /// The cash the vault has booked.
    cash: StorageU256,
    /// What `totalAssets` returns.
    nav: StorageU256,
    /// Booked in by `notifyPremium`, by reason.
    booked: StorageMap<u8, StorageU256>,
    /// Paid out by `pullPayout`, by reason.
    paid: StorageMap<u8, StorageU256>,
    /// Whether every call reverts.
    failing: StorageBool,
    /// The book whose liability `valuation` adds back to the NAV as cash (zero: none).
    book: StorageAddress,
}

// SAFETY: `MockPoolVault` is deployed as a whole contract (see the crate docs).
unsafe impl TopLevelStorage for MockPoolVault {}

#[public]
impl MockPoolVault {
    /// Sets the token, the booked cash and the NAV (the cash must be minted to the vault).
    pub fn init(&mut self, token: Address, cash: U256, nav: U256) {
        self.token.set(token);
        self.cash.set(cash);
        self.nav.set(nav);
    }

    /// Sets what `totalAssets` returns.
    pub fn set_nav(&mut self, nav: U256) {
        self.nav.set(nav);
    }

    /// Sets the book whose liability [`MockPoolVault::valuation`] adds to the NAV.
    pub fn set_book(&mut self, book: Address) {
        self.book.set(book);
    }

    /// Makes every call revert (or work again).
    pub fn set_failing(&mut self, failing: bool) {
        self.failing.set(failing);
    }

    /// Returns the booked cash.
    pub fn cash(&self) -> U256 {
        self.cash.get()
    }

    /// Returns what `notifyPremium` booked for `reason`.
    pub fn booked(&self, reason: u8) -> U256 {
        self.booked.get(reason)
    }

    /// Returns what `pullPayout` paid for `reason`.
    pub fn paid(&self, reason: u8) -> U256 {
        self.paid.get(reason)
    }

    /// Returns the NAV.
    ///
    /// # Errors
    ///
    /// * Empty revert data while failing.
    pub fn total_assets(&self) -> Result<U256, Vec<u8>> {
        if self.failing.get() {
            return Err(Vec::new());
        }
        Ok(self.nav.get())
    }

    /// Returns `(cash, receivable, liability, required, markTime, fresh)` in the shape of
    /// the real vault's, consistent with the settable NAV: the liability is the book's
    /// `poolLiability` (0 without a book) and the cash `nav + liability`, so that
    /// `cash - liability` (how the book's `quote` values the pool) is the NAV.
    ///
    /// # Errors
    ///
    /// * Empty revert data while failing or if the book's view fails.
    #[allow(clippy::type_complexity, reason = "the ABI return tuple of the real vault")]
    pub fn valuation(&self) -> Result<(U256, U256, U256, U256, u64, bool), Vec<u8>> {
        if self.failing.get() {
            return Err(Vec::new());
        }
        let book = self.book.get();
        let (liability, time) = if book.is_zero() {
            (U256::ZERO, 0)
        } else {
            let (liability, _, time) = calls::pool_liability(self, book).ok_or_else(Vec::new)?;
            (liability, time)
        };
        Ok((self.nav.get() + liability, U256::ZERO, liability, U256::ZERO, time, true))
    }

    /// Returns what the pool holds in the shape of the real vault's `heldAssets` (no
    /// shorts): the first word of [`MockPoolVault::valuation`], so that `held - liability`
    /// (how the book's `quote` values the pool) is the NAV.
    ///
    /// # Errors
    ///
    /// * As [`MockPoolVault::valuation`].
    pub fn held_assets(&self) -> Result<U256, Vec<u8>> {
        self.valuation().map(|v| v.0)
    }

    /// Pays the caller `min(amount, cash)`; returns it.
    ///
    /// # Errors
    ///
    /// * Empty revert data while failing, or if the transfer fails.
    pub fn pull_payout(
        &mut self,
        _market_id: B256,
        reason: u8,
        amount: U256,
    ) -> Result<U256, Vec<u8>> {
        if self.failing.get() {
            return Err(Vec::new());
        }
        let cash = self.cash.get();
        let paid = amount.min(cash);
        self.cash.set(cash - paid);
        let total = self.paid.get(reason) + paid;
        self.paid.setter(reason).set(total);
        let caller = self.vm().msg_sender();
        pay(self, self.token.get(), caller, paid)?;
        Ok(paid)
    }

    /// Books `amount`, already transferred, as cash.
    ///
    /// # Errors
    ///
    /// * Empty revert data while failing, or if the token balance beyond the cash is
    ///   below `amount`.
    pub fn notify_premium(
        &mut self,
        _market_id: B256,
        reason: u8,
        amount: U256,
    ) -> Result<(), Vec<u8>> {
        let vault = self.vm().contract_address();
        let balance = IErc20::new(self.token.get()).balance_of(&*self, vault).map_err(Vec::from)?;
        let cash = self.cash.get();
        if self.failing.get() || balance.saturating_sub(cash) < amount {
            return Err(Vec::new());
        }
        self.cash.set(cash + amount);
        let total = self.booked.get(reason) + amount;
        self.booked.setter(reason).set(total);
        Ok(())
    }
}

/// The insurance fund as the market sees it: `cover` pays the caller up to a settable
/// capacity, `notifyIncome` books what arrived, `incomeShareWad` and `fundAssets` answer
/// settable values.
#[storage]
pub struct MockInsuranceFund {
    /// The collateral token.
    token: StorageAddress,
    /// The most `cover` pays in total.
    capacity: StorageU256,
    /// What `cover` paid in total.
    covered: StorageU256,
    /// What `notifyIncome` booked in total.
    income: StorageU256,
    /// What `incomeShareWad` returns.
    share_wad: StorageU256,
    /// What `fundAssets` returns.
    assets: StorageU256,
    /// Whether every call reverts.
    failing: StorageBool,
}

// SAFETY: `MockInsuranceFund` is deployed as a whole contract (see the crate docs).
unsafe impl TopLevelStorage for MockInsuranceFund {}

#[public]
impl MockInsuranceFund {
    /// Sets the token, the cover capacity (the tokens must be minted to the fund), the
    /// income share and the fund's assets.
    pub fn init(&mut self, token: Address, capacity: U256, share_wad: U256, assets: U256) {
        self.token.set(token);
        self.capacity.set(capacity);
        self.share_wad.set(share_wad);
        self.assets.set(assets);
    }

    /// Makes every call revert (or work again).
    pub fn set_failing(&mut self, failing: bool) {
        self.failing.set(failing);
    }

    /// Returns what `cover` paid in total.
    pub fn covered(&self) -> U256 {
        self.covered.get()
    }

    /// Returns what `notifyIncome` booked in total.
    pub fn income(&self) -> U256 {
        self.income.get()
    }

    /// Returns the income share.
    ///
    /// # Errors
    ///
    /// * Empty revert data while failing.
    pub fn income_share_wad(&self, _market_id: B256) -> Result<U256, Vec<u8>> {
        if self.failing.get() {
            return Err(Vec::new());
        }
        Ok(self.share_wad.get())
    }

    /// Returns the fund's assets.
    ///
    /// # Errors
    ///
    /// * Empty revert data while failing.
    pub fn fund_assets(&self) -> Result<U256, Vec<u8>> {
        if self.failing.get() {
            return Err(Vec::new());
        }
        Ok(self.assets.get())
    }

    /// Pays the caller `min(amount, capacity left)`; returns it.
    ///
    /// # Errors
    ///
    /// * Empty revert data while failing, or if the transfer fails.
    pub fn cover(&mut self, _kind: u8, _market_id: B256, amount: U256) -> Result<U256, Vec<u8>> {
        if self.failing.get() {
            return Err(Vec::new());
        }
        let covered = self.covered.get();
        let paid = amount.min(self.capacity.get().saturating_sub(covered));
        self.covered.set(covered + paid);
        let caller = self.vm().msg_sender();
        pay(self, self.token.get(), caller, paid)?;
        Ok(paid)
    }

    /// Books `amount` of income.
    ///
    /// # Errors
    ///
    /// * Empty revert data while failing.
    pub fn notify_income(&mut self, _market_id: B256, amount: U256) -> Result<(), Vec<u8>> {
        if self.failing.get() {
            return Err(Vec::new());
        }
        let total = self.income.get() + amount;
        self.income.set(total);
        Ok(())
    }
}
