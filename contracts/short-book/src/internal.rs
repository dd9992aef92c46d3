//! `ShortBook`'s internal helpers: time, governance reads, the pause, the calls to the
//! `MarginEngine`, the lines' bookkeeping, token transfers, the trader-default waterfall's
//! payments and the log encoder.

use alloc::vec::Vec;

use alloy_primitives::{Address, B256, U256};
use mutual_contract_kit::{abi::LogWords, clock};
use mutual_interfaces::{
    calls, flows,
    keys::{
        value_to_address, INSURANCE_KEY, LISTINGS_KEY, MARGIN_ENGINE_KEY, MARKET_KEY,
        MAX_STRIKE_OI_KEY, VAULT_KEY,
    },
    split::{self, Arg},
};
use stylus_sdk::{
    prelude::*,
    storage::{StorageU64, StorageVec},
};

use crate::{
    call_failed, overflow, token_failed, Error, ShortBook, ShortBookPaused, KIND_TRADER_DEFAULT,
    PAUSE_SCOPE, REASON_DEFAULT,
};

/// The governance keys of the short book, in one `getMany`.
pub(crate) const KEYS: [B256; 6] =
    [MARGIN_ENGINE_KEY, LISTINGS_KEY, VAULT_KEY, INSURANCE_KEY, MAX_STRIKE_OI_KEY, MARKET_KEY];

/// Indices into [`KEYS`].
pub(crate) mod at {
    pub(crate) const MARGIN_ENGINE: usize = 0;
    pub(crate) const LISTINGS: usize = 1;
    pub(crate) const VAULT: usize = 2;
    pub(crate) const INSURANCE: usize = 3;
    pub(crate) const MAX_OI: usize = 4;
    pub(crate) const MARKET: usize = 5;
}

/// `IMarginEngine.quote`.
const QUOTE: [u8; 4] = calls::selector("quote(uint64,bool,bool,uint256,bool)");
/// `IMarginEngine.margin`.
const MARGIN: [u8; 4] = calls::selector("margin(uint256[],bool)");
/// `IMarginEngine.dues`.
const DUES: [u8; 4] = calls::selector("dues(uint256[])");
/// `IMarginEngine.receivable`.
const RECEIVABLE: [u8; 4] = calls::selector("receivable(uint256[])");
/// `IMutualVault.cash`.
const CASH: [u8; 4] = calls::selector("cash()");
/// `IMarginEngine.liquidationSplit`.
const LIQUIDATION_SPLIT: [u8; 4] = calls::selector("liquidationSplit(uint256,uint256)");

/// Every signature the short book calls on the `MarginEngine`, for the test that checks
/// them against its interface.
#[cfg(test)]
pub(crate) const ENGINE_SIGNATURES: [&str; 5] = [
    "quote(uint64,bool,bool,uint256,bool)",
    "margin(uint256[],bool)",
    "dues(uint256[])",
    "receivable(uint256[])",
    "liquidationSplit(uint256,uint256)",
];

/// The price of a short's trade (`MarginEngine.quote`).
#[derive(Clone, Copy)]
pub(crate) struct Quote {
    /// The strike's underlying.
    pub(crate) market_id: B256,
    /// The premium, asset units (rounded down on a sale, up on a close).
    pub(crate) premium: U256,
    /// The spread fee, asset units.
    pub(crate) fees: U256,
    /// The trade's volatility, 18 decimals.
    pub(crate) vol_wad: U256,
    /// The board's base IV after the trade, 18 decimals.
    pub(crate) base_iv_after_wad: U256,
    /// The pool's written interest of the side (unchanged by a short).
    pub(crate) written: U256,
}

/// An account's requirements (`MarginEngine.margin`), asset units, rounded up.
#[derive(Clone, Copy)]
pub(crate) struct Margin {
    /// What its live lines cost to close at the mark plus what its settled lines owe.
    pub(crate) liability: U256,
    /// The initial margin.
    pub(crate) initial: U256,
    /// The maintenance margin.
    pub(crate) maintenance: U256,
    /// What its lines on settled boards owe (part of the liability).
    pub(crate) settled_dues: U256,
}

/// The line key of a strike's side: `2 * strikeId + isCall`.
pub(crate) fn line_key(strike_id: u64, is_call: bool) -> u64 {
    strike_id.saturating_mul(2).saturating_add(u64::from(is_call))
}

/// The strike and side of a line key.
pub(crate) fn line_of(key: u64) -> (u64, bool) {
    (key / 2, key % 2 == 1)
}

/// The low 64 bits of a stored `uint64`.
pub(crate) fn u64_of(value: alloy_primitives::U64) -> u64 {
    value.as_limbs()[0]
}

/// The keys stored in `list`.
pub(crate) fn keys_of(list: &StorageVec<StorageU64>) -> Vec<u64> {
    (0..list.len()).map(|i| list.get(i).map_or(0, u64_of)).collect()
}

impl ShortBook {
    /// The current time in seconds (the block timestamp; plus the test offset in tests).
    pub(crate) fn now(&self) -> u64 {
        clock::now(self.vm().block_timestamp())
    }

    /// The governance values of [`KEYS`].
    pub(crate) fn params(&self) -> Result<Vec<U256>, Error> {
        let governance = self.governance.get();
        calls::get_many(self, governance, &KEYS).ok_or_else(|| call_failed(governance))
    }

    /// Rejects the call while the market's scope (or the protocol) is paused.
    pub(crate) fn check_not_paused(&self) -> Result<(), Error> {
        let governance = self.governance.get();
        let paused = calls::is_paused(self, governance, PAUSE_SCOPE)
            .ok_or_else(|| call_failed(governance))?;
        if paused {
            return Err(Error::Paused(ShortBookPaused { scope: PAUSE_SCOPE }));
        }
        Ok(())
    }

    // ---- The margin engine ----------------------------------------------------------------

    /// A static call to the margin engine, its refusal forwarded.
    fn engine(&self, values: &[U256], data: &[u8]) -> Result<Vec<u8>, Error> {
        let engine = value_to_address(values[at::MARGIN_ENGINE]);
        split::view_raw(self, engine, data).map_err(Error::Forwarded)
    }

    /// `MarginEngine.quote(strikeId, isCall, isBuy, amount, checkMin)`.
    pub(crate) fn quote(
        &self,
        values: &[U256],
        strike_id: u64,
        is_call: bool,
        is_buy: bool,
        amount: U256,
        check_min: bool,
    ) -> Result<Quote, Error> {
        let flag = |b: bool| Arg::Word(B256::from(U256::from(u8::from(b))));
        let args = [
            Arg::Word(B256::from(U256::from(strike_id))),
            flag(is_call),
            flag(is_buy),
            Arg::Word(B256::from(amount)),
            flag(check_min),
        ];
        let [market_id, premium, fees, vol_wad, base_iv_after_wad, written] =
            split::words(self.engine(values, &split::encode(QUOTE, &args))?)
                .map_err(Error::Forwarded)?;
        Ok(Quote {
            market_id: B256::from(market_id),
            premium,
            fees,
            vol_wad,
            base_iv_after_wad,
            written,
        })
    }

    /// `MarginEngine.margin` of `account`'s lines (nothing is read for an account
    /// writing nothing: its requirements are zero).
    pub(crate) fn margin(
        &self,
        values: &[U256],
        account: Address,
        check_sequencer: bool,
    ) -> Result<Margin, Error> {
        let lines = self.account_pairs(account);
        if lines.is_empty() {
            let zero = U256::ZERO;
            return Ok(Margin {
                liability: zero,
                initial: zero,
                maintenance: zero,
                settled_dues: zero,
            });
        }
        let flag = B256::from(U256::from(u8::from(check_sequencer)));
        let data = split::encode(MARGIN, &[Arg::Array(&lines), Arg::Word(flag)]);
        let [_, liability, initial, maintenance, settled_dues] =
            split::words(self.engine(values, &data)?).map_err(Error::Forwarded)?;
        Ok(Margin { liability, initial, maintenance, settled_dues })
    }

    /// `MarginEngine.dues` of `account`'s lines: per line, what it owes at settlement, or
    /// `2^256 - 1` while its board is not settled.
    pub(crate) fn dues(&self, values: &[U256], account: Address) -> Result<Vec<U256>, Error> {
        let data = split::encode(DUES, &[Arg::Array(&self.account_pairs(account))]);
        split::array(self.engine(values, &data)?, 0).map_err(Error::Forwarded)
    }

    /// `MarginEngine.receivable` of the book's totals: `(receivable, markTime)`.
    pub(crate) fn receivable(&self, values: &[U256]) -> Result<(U256, u64), Error> {
        let mut lines = Vec::new();
        for key in keys_of(&self.open_lines) {
            lines.extend_from_slice(&[
                B256::from(U256::from(key)),
                B256::from(self.shorts.get(key)),
            ]);
        }
        if lines.is_empty() {
            return Ok((U256::ZERO, self.now()));
        }
        let data = split::encode(RECEIVABLE, &[Arg::Array(&lines)]);
        let [receivable, mark_time] =
            split::words(self.engine(values, &data)?).map_err(Error::Forwarded)?;
        Ok((receivable, u64::try_from(mark_time).unwrap_or(u64::MAX)))
    }

    /// `MarginEngine.liquidationSplit(collateral, liability)`: `[bounty, toPool,
    /// toReserve, returned, shortfall]`.
    pub(crate) fn liquidation_split(
        &self,
        values: &[U256],
        collateral: U256,
        liability: U256,
    ) -> Result<[U256; 5], Error> {
        let args = [Arg::Word(B256::from(collateral)), Arg::Word(B256::from(liability))];
        split::words(self.engine(values, &split::encode(LIQUIDATION_SPLIT, &args))?)
            .map_err(Error::Forwarded)
    }

    /// What the pool's cash holds beyond the collateral its written options lock: the
    /// vault's `cash()` less `OptionsMarket.requiredCollateral()` (the book's, forwarded),
    /// floored at 0.
    pub(crate) fn free_cash(&self, values: &[U256]) -> Result<U256, Error> {
        let vault = value_to_address(values[at::VAULT]);
        let cash = split::view_raw(self, vault, &split::encode(CASH, &[]))
            .ok()
            .and_then(|data| calls::word(&data, 0))
            .ok_or_else(|| call_failed(vault))?;
        let market = value_to_address(values[at::MARKET]);
        let locked = calls::required_collateral(self, market).ok_or_else(|| call_failed(market))?;
        Ok(cash.saturating_sub(locked))
    }

    // ---- Lines --------------------------------------------------------------------------

    /// `account`'s lines as `[key, amount]` words.
    pub(crate) fn account_pairs(&self, account: Address) -> Vec<B256> {
        let record = self.accounts.getter(account);
        let mut pairs = Vec::new();
        for key in keys_of(&record.lines) {
            pairs.extend_from_slice(&[
                B256::from(U256::from(key)),
                B256::from(record.amounts.get(key)),
            ]);
        }
        pairs
    }

    /// Takes `amount` of `account`'s line `key` off it and off the book's total, dropping
    /// the line from both lists when it reaches zero (and the account's underlying with
    /// its last line).
    pub(crate) fn reduce_line(
        &mut self,
        account: Address,
        key: u64,
        amount: U256,
    ) -> Result<(), Error> {
        let held = self.accounts.getter(account).amounts.get(key);
        let left = held.checked_sub(amount).ok_or_else(overflow)?;
        let total = self.shorts.get(key).checked_sub(amount).ok_or_else(overflow)?;
        let mut record = self.accounts.setter(account);
        record.amounts.setter(key).set(left);
        if left.is_zero() {
            remove_key(&mut record.lines, key);
            if record.lines.is_empty() {
                record.market_id.set(B256::ZERO);
            }
        }
        drop(record);
        self.shorts.setter(key).set(total);
        if total.is_zero() {
            remove_key(&mut self.open_lines, key);
        }
        Ok(())
    }

    // ---- Token and the waterfall --------------------------------------------------------

    /// Transfers `amount` of the asset to `to` (nothing for 0).
    pub(crate) fn pay(&mut self, to: Address, amount: U256) -> Result<(), Error> {
        let token = self.asset.get();
        if amount.is_zero() || calls::transfer(&mut *self, token, to, amount) {
            return Ok(());
        }
        Err(token_failed(token))
    }

    /// Transfers `amount` of the asset from `from` (who approved the short book) to it
    /// (nothing for 0).
    pub(crate) fn collect(&mut self, from: Address, amount: U256) -> Result<(), Error> {
        let token = self.asset.get();
        let this = self.vm().contract_address();
        if amount.is_zero() || calls::transfer_from(&mut *self, token, from, this, amount) {
            return Ok(());
        }
        Err(token_failed(token))
    }

    /// Pays `amount` into the vault as the pool's cash for `reason` (`notifyPremium`;
    /// nothing for 0).
    pub(crate) fn pay_vault(
        &mut self,
        values: &[U256],
        market_id: B256,
        reason: u8,
        amount: U256,
    ) -> Result<(), Error> {
        if amount.is_zero() {
            return Ok(());
        }
        let vault = value_to_address(values[at::VAULT]);
        self.pay(vault, amount)?;
        if flows::notify_premium(&mut *self, vault, market_id, reason, amount) {
            return Ok(());
        }
        Err(call_failed(vault))
    }

    /// The trader-default waterfall after the margin, for `shortfall` of `market_id`: the
    /// short book's reserve (layer 2), then the insurance fund's tranches, junior first
    /// (`cover`, kind 0: layers 3 and 4; a failing cover counts as nothing), both paid into
    /// the vault as a recovery; the rest is the pool's loss (layer 5), which it bears by
    /// never receiving it. Returns `(fromReserve, covered, poolLoss)`, which sum to
    /// `shortfall`.
    pub(crate) fn absorb_default(
        &mut self,
        values: &[U256],
        market_id: B256,
        shortfall: U256,
    ) -> Result<(U256, U256, U256), Error> {
        let reserve = self.reserve.get();
        let from_reserve = reserve.min(shortfall);
        self.reserve.set(reserve - from_reserve); // from_reserve <= reserve
        let rest = shortfall - from_reserve; // from_reserve <= shortfall
        let covered = if rest.is_zero() {
            U256::ZERO
        } else {
            let fund = value_to_address(values[at::INSURANCE]);
            flows::cover(&mut *self, fund, KIND_TRADER_DEFAULT, market_id, rest)
                .unwrap_or_default()
                .min(rest)
        };
        let recovered = from_reserve.checked_add(covered).ok_or_else(overflow)?;
        self.pay_vault(values, market_id, REASON_DEFAULT, recovered)?;
        Ok((from_reserve, covered, rest - covered)) // covered <= rest
    }

    // ---- Logs ---------------------------------------------------------------------------

    /// Emits `event` (see [`LogWords`]).
    pub(crate) fn emit(&self, event: impl LogWords) {
        event.with_words(|topics, data| self.emit_words(topics, data));
    }

    /// Emits a log of `topics` and `data` words: the one log encoder of the program (not
    /// generic, so each event costs only its words).
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

/// Removes `key` from `list` (swapping the last in; order does not matter).
fn remove_key(list: &mut StorageVec<StorageU64>, key: u64) {
    let keys = keys_of(list);
    if let Some(i) = keys.iter().position(|k| *k == key) {
        let last = keys[keys.len() - 1]; // i < len, so len >= 1
        if let Some(mut slot) = list.setter(i) {
            slot.set(alloy_primitives::U64::from(last));
        }
        list.erase_last();
    }
}
