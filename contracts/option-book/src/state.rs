//! The storage layout of `OptionBook`.
//!
//! A module of its own because `#[entrypoint]` generates public functions without docs
//! (`user_entrypoint`, and `print_from_args` with `export-abi`) beside the struct it marks.
#![allow(missing_docs, reason = "`#[entrypoint]` generates undocumented public functions here")]

use alloc::{vec, vec::Vec};

use stylus_sdk::{
    prelude::*,
    storage::{StorageAddress, StorageU8},
};

/// `OptionBook`: the pre-trade checks and the pool's book, computed over the listings and
/// open interest of `OptionListings` (the address under `market.listings`).
#[storage]
#[entrypoint]
pub struct OptionBook {
    /// The collateral asset's decimals, read at construction (at most 18).
    pub(crate) asset_decimals: StorageU8,
    /// `GovernanceParams`: parameters and addresses.
    pub(crate) governance: StorageAddress,
}
