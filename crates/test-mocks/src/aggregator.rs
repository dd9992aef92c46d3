//! A settable Chainlink-style feed: a spot oracle, or an L2 sequencer-uptime feed
//! (answer 0 up, 1 down; `startedAt` when the status changed).
#![allow(unsafe_code, reason = "TopLevelStorage is implemented by hand, as the crate docs say")]
#![allow(clippy::must_use_candidate, reason = "contract methods are called through the ABI")]

use alloc::vec::Vec;

use alloy_primitives::{aliases::U80, I256, U256};
use stylus_sdk::{
    prelude::*,
    storage::{StorageBool, StorageMap, StorageU256, StorageU8},
};

/// One stored round.
#[storage]
pub struct MockRound {
    /// The answer, as the raw two's-complement word.
    answer: StorageU256,
    /// `startedAt`.
    started_at: StorageU256,
    /// `updatedAt` (0: incomplete, or never set).
    updated_at: StorageU256,
    /// `answeredInRound`.
    answered_in_round: StorageU256,
    /// Whether the round was set (`getRoundData` reverts for one that was not).
    exists: StorageBool,
}

/// A Chainlink-style aggregator whose rounds, latest round and decimals tests set, and
/// which can be made to revert.
#[storage]
pub struct MockAggregator {
    /// What `decimals` returns.
    decimals: StorageU8,
    /// The round `latestRoundData` returns.
    latest: StorageU256,
    /// Rounds by id.
    rounds: StorageMap<U256, MockRound>,
    /// Whether every read reverts.
    failing: StorageBool,
}

// SAFETY: `MockAggregator` is deployed as a whole contract (see the crate docs).
unsafe impl TopLevelStorage for MockAggregator {}

/// A round as the feed returns it.
type RoundData = (U80, I256, U256, U256, U80);

#[public]
impl MockAggregator {
    /// Sets what `decimals` returns.
    pub fn set_decimals(&mut self, decimals: u8) {
        self.decimals.set(alloy_primitives::U8::from(decimals));
    }

    /// Stores round `roundId` and makes it the latest.
    pub fn set_round(
        &mut self,
        round_id: U80,
        answer: I256,
        started_at: U256,
        updated_at: U256,
        answered_in_round: U80,
    ) {
        let id = U256::from(round_id);
        let mut round = self.rounds.setter(id);
        round.answer.set(answer.into_raw());
        round.started_at.set(started_at);
        round.updated_at.set(updated_at);
        round.answered_in_round.set(U256::from(answered_in_round));
        round.exists.set(true);
        self.latest.set(id);
    }

    /// Makes every read revert (or answer again).
    pub fn set_failing(&mut self, failing: bool) {
        self.failing.set(failing);
    }

    /// Returns the decimals.
    ///
    /// # Errors
    ///
    /// * Empty revert data while failing.
    pub fn decimals(&self) -> Result<u8, Vec<u8>> {
        if self.failing.get() {
            return Err(Vec::new());
        }
        Ok(self.decimals.get().byte(0))
    }

    /// Returns the latest round.
    ///
    /// # Errors
    ///
    /// * Empty revert data while failing or before any round.
    pub fn latest_round_data(&self) -> Result<RoundData, Vec<u8>> {
        self.round(self.latest.get())
    }

    /// Returns round `roundId`.
    ///
    /// # Errors
    ///
    /// * Empty revert data while failing or for a round never set.
    pub fn get_round_data(&self, round_id: U80) -> Result<RoundData, Vec<u8>> {
        self.round(U256::from(round_id))
    }
}

impl MockAggregator {
    /// Round `id`, or a revert.
    fn round(&self, id: U256) -> Result<RoundData, Vec<u8>> {
        let round = self.rounds.getter(id);
        if self.failing.get() || !round.exists.get() {
            return Err(Vec::new());
        }
        let narrow = |x: U256| U80::from_limbs_slice(&x.as_limbs()[..2]);
        Ok((
            narrow(id),
            I256::from_raw(round.answer.get()),
            round.started_at.get(),
            round.updated_at.get(),
            narrow(round.answered_in_round.get()),
        ))
    }
}
