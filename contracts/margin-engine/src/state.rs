//! The storage layout of `MarginEngine`: set once by the constructor.
//!
//! A module of its own because `#[entrypoint]` generates public functions without docs
//! (`user_entrypoint`, and `print_from_args` with `export-abi`) beside the struct it marks.
#![allow(missing_docs, reason = "`#[entrypoint]` generates undocumented public functions here")]

use alloc::{vec, vec::Vec};

use stylus_sdk::{
    prelude::*,
    storage::{StorageAddress, StorageU8},
};

/// `MarginEngine`: no state besides its configuration.
#[storage]
#[entrypoint]
pub struct MarginEngine {
    /// The collateral asset's decimals, read at construction (at most 18).
    pub(crate) asset_decimals: StorageU8,
    /// `GovernanceParams`: the addresses and parameters read at each call.
    pub(crate) governance: StorageAddress,
}
