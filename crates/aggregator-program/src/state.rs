//! The storage of `TestAggregator`.
//!
//! A module of its own because `#[entrypoint]` generates public functions without docs
//! (`user_entrypoint`) beside the struct it marks.
#![allow(missing_docs, reason = "`#[entrypoint]` generates undocumented public functions here")]

use alloc::{vec, vec::Vec};

use alloy_primitives::U256;
use stylus_sdk::{
    prelude::*,
    storage::{StorageAddress, StorageBool, StorageMap, StorageU256, StorageU8},
};

/// One stored round, as `setRound` recorded it.
#[storage]
pub struct StoredRound {
    /// The answer, as its two's-complement word.
    pub(crate) answer: StorageU256,
    /// `startedAt`.
    pub(crate) started_at: StorageU256,
    /// `updatedAt` (0 is stored as given: an incomplete round).
    pub(crate) updated_at: StorageU256,
    /// `answeredInRound`.
    pub(crate) answered_in_round: StorageU256,
    /// Whether `setRound` recorded this round (`getRoundData` reverts for one it did not).
    pub(crate) exists: StorageBool,
}

/// `TestAggregator`'s state: the owner, the decimals, the rounds and the latest round.
#[storage]
#[entrypoint]
pub struct TestAggregator {
    /// The only account allowed to set rounds.
    pub(crate) owner: StorageAddress,
    /// What `decimals()` returns, fixed by the constructor.
    pub(crate) decimals: StorageU8,
    /// The id of the round `latestRoundData()` returns (0: none yet).
    pub(crate) latest: StorageU256,
    /// Rounds by id.
    pub(crate) rounds: StorageMap<U256, StoredRound>,
}
