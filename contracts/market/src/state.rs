//! The storage layout of `OptionsMarket`.
//!
//! A module of its own because `#[entrypoint]` generates public functions without docs
//! (`user_entrypoint`, and `print_from_args` with `export-abi`) beside the struct it marks.
#![allow(missing_docs, reason = "`#[entrypoint]` generates undocumented public functions here")]

use alloc::{vec, vec::Vec};

use alloy_primitives::{Address, B256};
use stylus_sdk::{
    prelude::*,
    storage::{StorageAddress, StorageBool, StorageMap, StorageU256, StorageU64, StorageU8},
};

/// What a settled board owes its longs and what the market holds to pay them.
#[storage]
pub(crate) struct Payout {
    /// What the board's longs are owed at the settlement price, in asset units (each
    /// strike's total rounded up).
    pub(crate) owed: StorageU256,
    /// What the market holds to pay them (`owed` minus the recorded haircut).
    pub(crate) available: StorageU256,
}

/// A trader's long options of one side of one strike.
#[storage]
pub(crate) struct Position {
    /// The holder; zero for a position id never opened.
    pub(crate) owner: StorageAddress,
    /// The strike.
    pub(crate) strike_id: StorageU64,
    /// Calls (`true`) or puts.
    pub(crate) is_call: StorageBool,
    /// The options held, units of the underlying, 18 decimals.
    pub(crate) amount: StorageU256,
    /// Whether its settlement payout has been claimed (it pays once).
    pub(crate) claimed: StorageBool,
}

/// `OptionsMarket`: positions, reserves, settlement payouts and every token flow.
#[storage]
#[entrypoint]
pub struct OptionsMarket {
    /// The collateral asset (USDC-like).
    pub(crate) asset: StorageAddress,
    /// The asset's decimals, read at construction (at most 18).
    pub(crate) asset_decimals: StorageU8,
    /// `GovernanceParams`: parameters, addresses and the pause.
    pub(crate) governance: StorageAddress,
    /// Each market's own reserve (DESIGN.md layer 2), funded by its fees, held here, in
    /// asset units.
    pub(crate) reserves: StorageMap<B256, StorageU256>,
    /// Settled boards' payouts, by board id.
    pub(crate) payouts: StorageMap<u64, Payout>,
    /// The last position id (ids start at 1).
    pub(crate) position_count: StorageU64,
    /// Positions by id.
    pub(crate) positions: StorageMap<u64, Position>,
    /// Position ids by owner, then `2 * strikeId + isCall`; 0 when none.
    pub(crate) position_ids: StorageMap<Address, StorageMap<u64, StorageU64>>,
}
