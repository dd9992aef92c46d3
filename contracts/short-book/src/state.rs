//! The storage layout of `ShortBook`.
//!
//! A module of its own because `#[entrypoint]` generates public functions without docs
//! (`user_entrypoint`, and `print_from_args` with `export-abi`) beside the struct it marks.
#![allow(missing_docs, reason = "`#[entrypoint]` generates undocumented public functions here")]

use alloc::{vec, vec::Vec};

use alloy_primitives::Address;
use stylus_sdk::{
    prelude::*,
    storage::{
        StorageAddress, StorageB256, StorageBool, StorageMap, StorageU256, StorageU64, StorageVec,
    },
};

/// A trader's margin account: collateral and the options written, on one underlying.
#[storage]
pub(crate) struct Account {
    /// The underlying of every line; zero while the account writes nothing.
    pub(crate) market_id: StorageB256,
    /// The collateral, in asset units: margin deposited plus sale proceeds, minus what
    /// closing, settling or removing took.
    pub(crate) collateral: StorageU256,
    /// The line keys written (`2 * strikeId + isCall`), at most `MAX_ACCOUNT_LINES`.
    pub(crate) lines: StorageVec<StorageU64>,
    /// The options written per line key, units of the underlying, 18 decimals.
    pub(crate) amounts: StorageMap<u64, StorageU256>,
    /// Whether the account is in the account list (appended on its first short, once).
    pub(crate) listed: StorageBool,
}

/// `ShortBook`: traders' margin accounts and the options the pool holds against them.
#[storage]
#[entrypoint]
pub struct ShortBook {
    /// The collateral asset (USDC-like).
    pub(crate) asset: StorageAddress,
    /// `GovernanceParams`: parameters, addresses and the pause.
    pub(crate) governance: StorageAddress,
    /// The short book's reserve (DESIGN.md layer 2 for trader defaults), funded by the
    /// liquidation penalties beyond the bounties, in asset units.
    pub(crate) reserve: StorageU256,
    /// Margin accounts by trader.
    pub(crate) accounts: StorageMap<Address, Account>,
    /// Every account that ever wrote an option, in order (append-only: the liquidation
    /// scan's cursor stays valid).
    pub(crate) account_list: StorageVec<StorageAddress>,
    /// The options written per line key over all accounts (the pool's long side).
    pub(crate) shorts: StorageMap<u64, StorageU256>,
    /// The line keys with options written, at most `MAX_OPEN_LINES`.
    pub(crate) open_lines: StorageVec<StorageU64>,
}
