//! The storage layout of `OptionListings`.
//!
//! A module of its own because `#[entrypoint]` generates public functions without docs
//! (`user_entrypoint`, and `print_from_args` with `export-abi`) beside the struct it marks.
#![allow(missing_docs, reason = "`#[entrypoint]` generates undocumented public functions here")]

use alloc::{vec, vec::Vec};

use stylus_sdk::{
    prelude::*,
    storage::{
        StorageAddress, StorageB256, StorageBool, StorageMap, StorageU256, StorageU64, StorageU8,
        StorageVec,
    },
};

use alloy_primitives::B256;

/// One underlying (ETH, BTC, ...): its oracle and its live boards.
#[storage]
pub(crate) struct Listing {
    /// The Chainlink-style spot feed; zero for a market id never listed.
    pub(crate) oracle: StorageAddress,
    /// The feed's decimals, read once at listing (at most 18).
    pub(crate) oracle_decimals: StorageU8,
    /// The longest age, in seconds, of a usable answer.
    pub(crate) heartbeat: StorageU64,
    /// The ids of the boards not yet settled.
    pub(crate) live_boards: StorageVec<StorageU64>,
}

/// One expiry of an underlying, with its base implied volatility and its strikes.
#[storage]
pub(crate) struct Board {
    /// The underlying; zero for a board id never listed.
    pub(crate) market_id: StorageB256,
    /// The expiry, in seconds.
    pub(crate) expiry: StorageU64,
    /// The base implied volatility, 18 decimals; the lister tunes it, trades move it
    /// (`moveBaseIv`, from the book).
    pub(crate) base_iv_wad: StorageU256,
    /// The strike ids of the board.
    pub(crate) strikes: StorageVec<StorageU64>,
    /// Whether the settlement price is recorded (fixed for good).
    pub(crate) settled: StorageBool,
    /// The settlement price, 18 decimals.
    pub(crate) settlement_price_wad: StorageU256,
}

/// One strike of a board and the pool's book at it.
#[storage]
pub(crate) struct Strike {
    /// The board; 0 for a strike id never listed.
    pub(crate) board_id: StorageU64,
    /// The strike price, 18 decimals.
    pub(crate) price_wad: StorageU256,
    /// The skew factor, 18 decimals (1e18: none).
    pub(crate) skew_wad: StorageU256,
    /// Calls the pool has written and traders hold, units of the underlying, 18 decimals
    /// (written by the book's trades, `recordTrade`).
    pub(crate) long_calls: StorageU256,
    /// Puts the pool has written and traders hold, 18 decimals.
    pub(crate) long_puts: StorageU256,
}

/// `OptionListings`: markets, boards, strikes, open interest, the oracle checks,
/// settlement prices.
#[storage]
#[entrypoint]
pub struct OptionListings {
    /// The collateral asset's decimals, read at construction (at most 18).
    pub(crate) asset_decimals: StorageU8,
    /// `GovernanceParams`: parameters and addresses.
    pub(crate) governance: StorageAddress,
    /// The listed market ids, in listing order.
    pub(crate) market_ids: StorageVec<StorageB256>,
    /// Markets by id.
    pub(crate) markets: StorageMap<B256, Listing>,
    /// The last board id (ids start at 1).
    pub(crate) board_count: StorageU64,
    /// Boards by id.
    pub(crate) boards: StorageMap<u64, Board>,
    /// The last strike id (ids start at 1).
    pub(crate) strike_count: StorageU64,
    /// Strikes by id.
    pub(crate) strikes: StorageMap<u64, Strike>,
}
