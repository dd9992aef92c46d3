//! `InsuranceFund`'s internal helpers: storage reads, governance and market reads, the
//! shared effects of deposits and withdrawals, token transfers and the log encoder.

use alloc::vec::Vec;

use alloy_primitives::{Address, B256, U256, U64, U8};
use mutual_contract_kit::abi::LogWords;
use mutual_contract_kit::clock;
use mutual_interfaces::{
    calls,
    keys::{value_to_address, INSURANCE_SCOPE, MARKET_KEY},
};
use stylus_sdk::prelude::*;

use crate::{
    math_overflow,
    shares::{Direction, Rounding, Totals},
    token_failed, tranche_key, Deposit, Error, InsuranceFund, InsuranceGovernanceCallFailed,
    InsuranceInsufficientAllowance, InsuranceInvalidTranche, InsurancePaused, Withdraw,
    DEPOSIT_CAP, MAX_COOLDOWN_KEY, MAX_TRANCHES, MIN_COOLDOWN_KEY, WITHDRAW_WINDOW_KEY,
};

/// [`MAX_TRANCHES`] as an array length.
pub(crate) const MAX: usize = MAX_TRANCHES as usize;

impl InsuranceFund {
    /// The current time in seconds (the block timestamp; plus the test offset in tests).
    pub(crate) fn now(&self) -> u64 {
        clock::now(self.vm().block_timestamp())
    }

    /// How many tranches the fund has.
    pub(crate) fn count(&self) -> u8 {
        u8_of(self.tranche_count.get())
    }

    /// Rejects a tranche id at or above the count.
    pub(crate) fn check_tranche(&self, tranche: u8) -> Result<(), Error> {
        let count = self.count();
        if tranche >= count {
            return Err(Error::InvalidTranche(InsuranceInvalidTranche { tranche, count }));
        }
        Ok(())
    }

    /// The totals of a valid `tranche`.
    pub(crate) fn totals(&self, tranche: u8) -> Result<Totals, Error> {
        self.check_tranche(tranche)?;
        let storage = self.tranches.getter(tranche);
        Ok(Totals { assets: storage.assets.get(), supply: storage.supply.get() })
    }

    /// Converts `amount` of valid `tranche` in `direction` with `rounding`.
    pub(crate) fn convert(
        &self,
        tranche: u8,
        amount: U256,
        direction: Direction,
        rounding: Rounding,
    ) -> Result<U256, Error> {
        crate::convert(self.totals(tranche)?, amount, direction, rounding)
    }

    /// The assets of every tranche together. Never overflows: the sum is at most the
    /// fund's token balance.
    pub(crate) fn fund_total(&self) -> U256 {
        (0..self.count()).map(|t| self.tranches.getter(t).assets.get()).sum()
    }

    // ---- Governance and market reads ----------------------------------------------------

    /// The governance values of `keys`, in order.
    pub(crate) fn params(&self, keys: &[B256]) -> Result<Vec<U256>, Error> {
        let governance = self.governance.get();
        calls::get_many(self, governance, keys).ok_or_else(|| governance_failed(governance))
    }

    /// Rejects the call while the fund's scope (or the protocol) is paused.
    pub(crate) fn check_not_paused(&self) -> Result<(), Error> {
        let governance = self.governance.get();
        let paused = calls::is_paused(self, governance, INSURANCE_SCOPE)
            .ok_or_else(|| governance_failed(governance))?;
        if paused {
            return Err(Error::Paused(InsurancePaused { scope: INSURANCE_SCOPE }));
        }
        Ok(())
    }

    /// The most assets a deposit into valid `tranche` of `totals` may bring now:
    /// `type(uint256).max` for an unlimited cap, else the cap less the assets (saturating).
    pub(crate) fn deposit_limit(&self, tranche: u8, totals: Totals) -> Result<U256, Error> {
        self.check_not_paused()?;
        let cap = self.params(&[tranche_key(tranche, DEPOSIT_CAP)])?[0];
        if cap == U256::MAX {
            return Ok(U256::MAX);
        }
        Ok(cap.saturating_sub(totals.assets))
    }

    /// [`InsuranceFund::deposit_limit`] of `tranche` after checking it.
    pub(crate) fn deposit_room(&self, tranche: u8) -> Result<U256, Error> {
        let totals = self.totals(tranche)?;
        self.deposit_limit(tranche, totals)
    }

    /// `(cooldown, window)` of a request made now, in seconds:
    /// `max(minCooldown, min(tenor, maxCooldown))`, with `maxCooldown` for the tenor when
    /// the market is unset or its call reverts (conservative).
    pub(crate) fn exit_terms(&self) -> Result<(u64, u64), Error> {
        let values =
            self.params(&[MIN_COOLDOWN_KEY, MAX_COOLDOWN_KEY, WITHDRAW_WINDOW_KEY, MARKET_KEY])?;
        let (min, max, window) = (seconds(values[0]), seconds(values[1]), seconds(values[2]));
        let market = value_to_address(values[3]);
        let tenor = if market.is_zero() { None } else { calls::longest_open_tenor(self, market) };
        Ok((tenor.map_or(max, |tenor| tenor.min(max)).max(min), window))
    }

    /// The market's stressed loss of `market_id`; `None` if the market is unset or its call
    /// reverts.
    pub(crate) fn market_stressed_loss(&self, market: Address, market_id: B256) -> Option<U256> {
        if market.is_zero() {
            return None;
        }
        calls::stressed_loss(self, market, market_id)
    }

    /// `loss_id` if it names a recorded loss (in `[1, lossCount()]`).
    pub(crate) fn check_loss(&self, loss_id: U256) -> Result<U256, Error> {
        let count = self.loss_count.get();
        if loss_id.is_zero() || loss_id > count {
            return Err(Error::UnknownLoss(crate::InsuranceUnknownLoss { lossId: loss_id, count }));
        }
        Ok(loss_id)
    }

    // ---- Shares -------------------------------------------------------------------------

    /// The shares `owner` can redeem from `tranche` now: `min(requested, balance)` inside
    /// the request's window, else 0 (also for an invalid tranche).
    pub(crate) fn redeemable(&self, tranche: u8, owner: Address) -> U256 {
        if tranche >= self.count() {
            return U256::ZERO;
        }
        let storage = self.tranches.getter(tranche);
        let request = storage.requests.getter(owner);
        let now = self.now();
        if now < u64_of(request.unlock_at.get()) || now > u64_of(request.expires_at.get()) {
            return U256::ZERO;
        }
        request.shares.get().min(storage.balances.get(owner))
    }

    /// Mints `shares` of `tranche` (of `totals`) to `receiver` for `assets` taken from the
    /// caller: totals, balance, event, then the asset's `transferFrom`.
    pub(crate) fn enter(
        &mut self,
        tranche: u8,
        totals: Totals,
        receiver: Address,
        assets: U256,
        shares: U256,
    ) -> Result<(), Error> {
        let sender = self.vm().msg_sender();
        let new_assets = totals.assets.checked_add(assets).ok_or_else(math_overflow)?;
        let new_supply = totals.supply.checked_add(shares).ok_or_else(math_overflow)?;

        {
            let mut storage = self.tranches.setter(tranche);
            storage.assets.set(new_assets);
            storage.supply.set(new_supply);
            let mut balance = storage.balances.setter(receiver);
            // balance + shares <= new_supply: no overflow.
            let new_balance = balance.get() + shares;
            balance.set(new_balance);
        }

        self.emit(Deposit { tranche, sender, owner: receiver, assets, shares });
        self.collect(sender, assets)
    }

    /// Burns `owner`'s `shares` of `tranche` (of `totals`), requested and redeemable now,
    /// and pays `assets` (at most their value) to `receiver`: allowance, balance, request,
    /// totals, event, then the asset's `transfer`.
    pub(crate) fn exit(
        &mut self,
        tranche: u8,
        totals: Totals,
        receiver: Address,
        owner: Address,
        assets: U256,
        shares: U256,
    ) -> Result<(), Error> {
        let sender = self.vm().msg_sender();
        let allowance = if sender == owner {
            None
        } else {
            let allowance = self.tranches.getter(tranche).allowances.getter(owner).get(sender);
            if allowance < shares {
                return Err(Error::InsufficientAllowance(InsuranceInsufficientAllowance {
                    tranche,
                    spender: sender,
                    allowance,
                    needed: shares,
                }));
            }
            Some(allowance)
        };

        {
            let mut storage = self.tranches.setter(tranche);
            if let Some(allowance) = allowance.filter(|a| *a != U256::MAX) {
                // allowance >= shares (checked above).
                storage.allowances.setter(owner).setter(sender).set(allowance - shares);
            }
            // shares <= min(requested, balance) <= balance <= supply, and
            // assets <= shares * (A + 1) / (S + v) < A + 1 since shares <= S < S + v.
            let mut balance = storage.balances.setter(owner);
            let new_balance = balance.get() - shares;
            balance.set(new_balance);
            storage.supply.set(totals.supply - shares);
            storage.assets.set(totals.assets - assets);
            let mut request = storage.requests.setter(owner);
            let left = request.shares.get() - shares;
            request.shares.set(left);
            if left.is_zero() {
                request.unlock_at.set(U64::ZERO);
                request.expires_at.set(U64::ZERO);
            }
        }

        self.emit(Withdraw { tranche, sender, receiver, owner, assets, shares });
        if !assets.is_zero() {
            self.pay(receiver, assets)?;
        }
        Ok(())
    }

    // ---- Token --------------------------------------------------------------------------

    /// Pays `amount` of the asset to `to`.
    pub(crate) fn pay(&mut self, to: Address, amount: U256) -> Result<(), Error> {
        let token = self.asset.get();
        if !calls::transfer(&mut *self, token, to, amount) {
            return Err(token_failed(token));
        }
        Ok(())
    }

    /// Takes `amount` of the asset from `from` (on its allowance to the fund).
    pub(crate) fn collect(&mut self, from: Address, amount: U256) -> Result<(), Error> {
        let token = self.asset.get();
        let fund = self.vm().contract_address();
        if !calls::transfer_from(&mut *self, token, from, fund, amount) {
            return Err(token_failed(token));
        }
        Ok(())
    }

    /// The fund's balance of the asset.
    pub(crate) fn token_balance(&self) -> Result<U256, Error> {
        let token = self.asset.get();
        let fund = self.vm().contract_address();
        calls::balance_of(self, token, fund).ok_or_else(|| token_failed(token))
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

/// `InsuranceGovernanceCallFailed(governance)`.
fn governance_failed(governance: Address) -> Error {
    Error::GovernanceCallFailed(InsuranceGovernanceCallFailed { governance })
}

/// A governance duration as seconds, saturating at `u64::MAX`.
fn seconds(value: U256) -> u64 {
    u64::try_from(value).unwrap_or(u64::MAX)
}

/// A stored `uint8` as `u8` (exact: it has one byte).
pub(crate) fn u8_of(value: U8) -> u8 {
    value.byte(0)
}

/// A stored `uint64` as `u64` (exact: it has one 64-bit limb).
pub(crate) fn u64_of(value: U64) -> u64 {
    value.as_limbs()[0]
}
