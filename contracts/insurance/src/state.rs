//! The storage layout of `InsuranceFund`.
//!
//! A module of its own because `#[entrypoint]` generates public functions without docs
//! (`user_entrypoint`, and `print_from_args` with `export-abi`) beside the struct it marks.
#![allow(missing_docs, reason = "`#[entrypoint]` generates undocumented public functions here")]

use alloc::{vec, vec::Vec};

use alloy_primitives::{Address, U256};
use stylus_sdk::{
    prelude::*,
    storage::{StorageAddress, StorageB256, StorageMap, StorageU256, StorageU64, StorageU8},
};

/// A staker's exit request in one tranche; all zero when none.
#[storage]
pub(crate) struct WithdrawRequest {
    /// The shares still requested (they stay in the balance until withdrawn).
    pub(crate) shares: StorageU256,
    /// The first second they can be withdrawn.
    pub(crate) unlock_at: StorageU64,
    /// The last second they can be withdrawn.
    pub(crate) expires_at: StorageU64,
}

/// One tranche: its assets, its shares and its stakers' allowances and exit requests.
#[storage]
pub(crate) struct Tranche {
    /// The tranche's assets (`totalAssets`), in asset units.
    pub(crate) assets: StorageU256,
    /// The tranche's share supply (`totalSupply`).
    pub(crate) supply: StorageU256,
    /// Shares by owner.
    pub(crate) balances: StorageMap<Address, StorageU256>,
    /// Share allowances by owner, then spender.
    pub(crate) allowances: StorageMap<Address, StorageMap<Address, StorageU256>>,
    /// Exit requests by owner.
    pub(crate) requests: StorageMap<Address, WithdrawRequest>,
}

/// The canonical record of one loss cover.
#[storage]
pub(crate) struct LossRecord {
    /// [`crate::KIND_TRADER_DEFAULT`] or [`crate::KIND_POOL_TAIL`].
    pub(crate) kind: StorageU8,
    /// The block time of the cover, in seconds.
    pub(crate) timestamp: StorageU64,
    /// The market the loss came from.
    pub(crate) market_id: StorageB256,
    /// The loss the caller asked to cover.
    pub(crate) requested: StorageU256,
    /// What no tranche could take.
    pub(crate) residual: StorageU256,
    /// What each tranche paid, by tranche id.
    pub(crate) absorbed: StorageMap<u8, StorageU256>,
}

/// `InsuranceFund`: tranches of stakers' assets that cover the protocol's losses in order
/// of seniority.
#[storage]
#[entrypoint]
pub struct InsuranceFund {
    /// The collateral asset (USDC-like).
    pub(crate) asset: StorageAddress,
    /// The asset's decimals, read at construction.
    pub(crate) asset_decimals: StorageU8,
    /// How many tranches the fund has, fixed at construction.
    pub(crate) tranche_count: StorageU8,
    /// `GovernanceParams`: parameters, addresses and the pause.
    pub(crate) governance: StorageAddress,
    /// The tranches by id.
    pub(crate) tranches: StorageMap<u8, Tranche>,
    /// The last loss id (0 before the first cover).
    pub(crate) loss_count: StorageU256,
    /// Loss records by id.
    pub(crate) losses: StorageMap<U256, LossRecord>,
}
