//! The storage of `TestUsdc`.
//!
//! A module of its own because `#[entrypoint]` generates public functions without docs
//! (`user_entrypoint`) beside the struct it marks.
#![allow(missing_docs, reason = "`#[entrypoint]` generates undocumented public functions here")]

use alloc::{vec, vec::Vec};

use alloy_primitives::Address;
use stylus_sdk::{
    prelude::*,
    storage::{StorageMap, StorageU256},
};

/// `TestUsdc`'s state: the layout of OpenZeppelin's `Erc20` (balances, allowances, supply).
#[storage]
#[entrypoint]
pub struct TestUsdc {
    /// Balances by account.
    pub(crate) balances: StorageMap<Address, StorageU256>,
    /// Allowances by owner, then spender.
    pub(crate) allowances: StorageMap<Address, StorageMap<Address, StorageU256>>,
    /// The total supply.
    pub(crate) total_supply: StorageU256,
}
