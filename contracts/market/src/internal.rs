//! `OptionsMarket`'s internal helpers: time, governance reads, the pause, token transfers
//! and the log encoder.

use alloc::vec::Vec;

use alloy_primitives::{Address, B256, U256};
use mutual_contract_kit::abi::LogWords;
use mutual_interfaces::{
    calls,
    keys::{
        BASE_INCOME_SHARE_KEY, BOOK_KEY, INSURANCE_KEY, LP_FEE_WEIGHT_KEY, MARKET_SCOPE,
        MAX_INCOME_SHARE_KEY, RESERVE_FEE_WEIGHT_KEY, TARGET_COVERAGE_KEY, TREASURY_FEE_WEIGHT_KEY,
        TREASURY_KEY, VAULT_KEY,
    },
};
use stylus_sdk::prelude::*;

use crate::{call_failed, token_failed, Error, MarketPaused, OptionsMarket};

/// The governance keys of a trade, in one `getMany`.
pub(crate) const TRADE_KEYS: [B256; 10] = [
    BOOK_KEY,
    VAULT_KEY,
    INSURANCE_KEY,
    TREASURY_KEY,
    LP_FEE_WEIGHT_KEY,
    RESERVE_FEE_WEIGHT_KEY,
    TREASURY_FEE_WEIGHT_KEY,
    BASE_INCOME_SHARE_KEY,
    MAX_INCOME_SHARE_KEY,
    TARGET_COVERAGE_KEY,
];

/// Indices into [`TRADE_KEYS`].
pub(crate) mod at {
    pub(crate) const BOOK: usize = 0;
    pub(crate) const VAULT: usize = 1;
    pub(crate) const INSURANCE: usize = 2;
    pub(crate) const TREASURY: usize = 3;
    pub(crate) const FEE_WEIGHTS: usize = 4;
    pub(crate) const BASE_SHARE: usize = 7;
    pub(crate) const MAX_SHARE: usize = 8;
    pub(crate) const TARGET_COVERAGE: usize = 9;
}

impl OptionsMarket {
    /// The governance values of `keys`, in order.
    pub(crate) fn params(&self, keys: &[B256]) -> Result<Vec<U256>, Error> {
        let governance = self.governance.get();
        calls::get_many(self, governance, keys).ok_or_else(|| call_failed(governance))
    }

    /// Rejects the call while the market's scope (or the protocol) is paused.
    pub(crate) fn check_not_paused(&self) -> Result<(), Error> {
        let governance = self.governance.get();
        let paused = calls::is_paused(self, governance, MARKET_SCOPE)
            .ok_or_else(|| call_failed(governance))?;
        if paused {
            return Err(Error::Paused(MarketPaused { scope: MARKET_SCOPE }));
        }
        Ok(())
    }

    /// The asset's decimals.
    pub(crate) fn decimals(&self) -> u8 {
        self.asset_decimals.get().byte(0)
    }

    // ---- Token --------------------------------------------------------------------------

    /// Transfers `amount` of the asset from the market to `to` (nothing for 0).
    pub(crate) fn pay(&mut self, to: Address, amount: U256) -> Result<(), Error> {
        let token = self.asset.get();
        if amount.is_zero() || calls::transfer(&mut *self, token, to, amount) {
            return Ok(());
        }
        Err(token_failed(token))
    }

    /// Transfers `amount` of the asset from `from` (who approved the market) to `to`
    /// (nothing for 0).
    pub(crate) fn collect(
        &mut self,
        from: Address,
        to: Address,
        amount: U256,
    ) -> Result<(), Error> {
        let token = self.asset.get();
        if amount.is_zero() || calls::transfer_from(&mut *self, token, from, to, amount) {
            return Ok(());
        }
        Err(token_failed(token))
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

/// The low 64 bits of a stored `uint64`.
pub(crate) fn u64_of(value: alloy_primitives::U64) -> u64 {
    value.as_limbs()[0]
}
