//! `TestAggregator`: a Chainlink-style price feed as a Stylus program, for the local runner.
//!
//! The market's programs read Chainlink `AggregatorV3` feeds: the spot price of every
//! listed underlying (`latestRoundData` for trades, `getRoundData` for the settlement
//! round, `decimals` once at listing) and the L2 sequencer-uptime feed (answer 0 up, 1
//! down, `startedAt` the time of the last change). The end-to-end tests in `test/tests/e2e/`
//! and `scripts/gas-report.sh` deploy the real wasm of every program in `mutual-localnet`,
//! so the feeds must be programs too: this one. `scripts/build-wasm.sh` builds it in
//! contract mode (every Stylus rule and the 24,576-byte limit) into
//! `target/stylus/mutual-aggregator-program.wasm`.
//!
//! It answers as Chainlink's aggregators do: `getRoundData` of a round never recorded
//! (round 0 included) and `latestRoundData` before any round revert with
//! `Error("No data present")` (Chainlink's `V3_NO_DATA_ERROR`); a recorded round is
//! returned exactly as recorded, an incomplete one (`updatedAt == 0`, or `answeredInRound`
//! below its id) and a non-positive answer included, so the market's checks of them can be
//! exercised. Its owner (set by the constructor) records rounds with `setRound`; the round
//! recorded last is the latest, whatever its id. `decimals` is fixed by the constructor.
//! It is a test feed and is never deployed to a live chain.
//!
//! The Solidity interface (`mutual_localnet::protocol::ITestAggregator` binds it):
//!
//! ```solidity
//! interface ITestAggregator {
//!     error AggregatorUnauthorizedAccount(address account);
//!     error AggregatorInvalidOwner(address owner);
//!     error AggregatorInvalidRound(uint80 roundId);
//!     error Error(string message);
//!     event AnswerUpdated(int256 indexed current, uint256 indexed roundId, uint256 updatedAt);
//!     // constructor(uint8 decimals, address owner)
//!     function owner() external view returns (address);
//!     function decimals() external view returns (uint8);
//!     function description() external view returns (string memory);
//!     function version() external view returns (uint256);
//!     function latestRound() external view returns (uint256);
//!     function latestRoundData() external view returns (uint80 roundId, int256 answer,
//!         uint256 startedAt, uint256 updatedAt, uint80 answeredInRound);
//!     function getRoundData(uint80 roundId) external view returns (uint80 roundId,
//!         int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound);
//!     function setRound(uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt,
//!         uint80 answeredInRound) external;
//! }
//! ```
#![cfg_attr(target_arch = "wasm32", no_std)]
#![allow(
    clippy::must_use_candidate,
    reason = "the public methods are contract entry points, called through the ABI"
)]

extern crate alloc;

mod state;

use alloc::{string::String, vec::Vec};

use alloy_primitives::{aliases::U80, Address, I256, U256, U8};
use alloy_sol_types::{sol, Revert, SolEvent};
use stylus_sdk::prelude::*;

pub use state::{StoredRound, TestAggregator};

/// What `description()` returns.
pub const DESCRIPTION: &str = "Mutual test feed";
/// What `version()` returns: Chainlink's current aggregator version.
pub const VERSION: u64 = 4;
/// The revert reason of a round never recorded (Chainlink's `V3_NO_DATA_ERROR`).
pub const NO_DATA: &str = "No data present";

/// Aborts on panic in the deployed program (built with `panic=immediate-abort`).
#[cfg(target_arch = "wasm32")]
#[panic_handler]
fn panic(_info: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}

sol! {
    /// Emitted by `setRound`, as Chainlink's aggregators do when a round is answered.
    event AnswerUpdated(int256 indexed current, uint256 indexed roundId, uint256 updatedAt);

    /// `account` is not the owner, the only account allowed to set rounds.
    #[derive(Debug, PartialEq, Eq)]
    error AggregatorUnauthorizedAccount(address account);
    /// The constructor's owner is the zero address.
    #[derive(Debug, PartialEq, Eq)]
    error AggregatorInvalidOwner(address owner);
    /// `setRound` of round 0, which a Chainlink feed never has.
    #[derive(Debug, PartialEq, Eq)]
    error AggregatorInvalidRound(uint80 roundId);
}

/// A round as the feed returns it: `(roundId, answer, startedAt, updatedAt,
/// answeredInRound)`.
pub type RoundData = (U80, I256, U256, U256, U80);

/// The feed's errors, ABI-encoded as their Solidity errors.
#[derive(SolidityError, Debug, PartialEq, Eq)]
pub enum Error {
    /// See [`AggregatorUnauthorizedAccount`].
    UnauthorizedAccount(AggregatorUnauthorizedAccount),
    /// See [`AggregatorInvalidOwner`].
    InvalidOwner(AggregatorInvalidOwner),
    /// See [`AggregatorInvalidRound`].
    InvalidRound(AggregatorInvalidRound),
    /// `Error(string)` with [`NO_DATA`]: a round never recorded.
    NoData(Revert),
}

#[public]
impl TestAggregator {
    /// Sets the decimals of every answer and the owner.
    ///
    /// # Errors
    ///
    /// * [`Error::InvalidOwner`] - If `owner` is zero.
    #[constructor]
    pub fn constructor(&mut self, decimals: u8, owner: Address) -> Result<(), Error> {
        if owner.is_zero() {
            return Err(Error::InvalidOwner(AggregatorInvalidOwner { owner }));
        }
        self.decimals.set(U8::from(decimals));
        self.owner.set(owner);
        Ok(())
    }

    /// Returns the owner.
    pub fn owner(&self) -> Address {
        self.owner.get()
    }

    /// Returns the decimals of every answer.
    pub fn decimals(&self) -> u8 {
        self.decimals.get().byte(0)
    }

    /// Returns [`DESCRIPTION`].
    pub fn description(&self) -> String {
        DESCRIPTION.into()
    }

    /// Returns [`VERSION`].
    pub fn version(&self) -> U256 {
        U256::from(VERSION)
    }

    /// Returns the id of the latest round (0 before any).
    pub fn latest_round(&self) -> U256 {
        self.latest.get()
    }

    /// Returns the latest round: the one recorded last.
    ///
    /// # Errors
    ///
    /// * [`Error::NoData`] - Before any round is recorded.
    pub fn latest_round_data(&self) -> Result<RoundData, Error> {
        self.round(self.latest.get())
    }

    /// Returns round `roundId` as recorded.
    ///
    /// # Errors
    ///
    /// * [`Error::NoData`] - If `roundId` was never recorded (round 0 never is).
    pub fn get_round_data(&self, round_id: U80) -> Result<RoundData, Error> {
        self.round(U256::from(round_id))
    }

    /// Records round `roundId` (replacing it if recorded before) and makes it the latest.
    /// Any answer and times are accepted, so incomplete, stale and non-positive rounds can
    /// be served.
    ///
    /// # Errors
    ///
    /// * [`Error::UnauthorizedAccount`] - If the caller is not the owner.
    /// * [`Error::InvalidRound`] - If `roundId` is 0.
    ///
    /// # Events
    ///
    /// * [`AnswerUpdated`].
    pub fn set_round(
        &mut self,
        round_id: U80,
        answer: I256,
        started_at: U256,
        updated_at: U256,
        answered_in_round: U80,
    ) -> Result<(), Error> {
        let caller = self.vm().msg_sender();
        if caller != self.owner.get() {
            return Err(Error::UnauthorizedAccount(AggregatorUnauthorizedAccount {
                account: caller,
            }));
        }
        if round_id.is_zero() {
            return Err(Error::InvalidRound(AggregatorInvalidRound { roundId: round_id }));
        }
        let id = U256::from(round_id);
        let mut round = self.rounds.setter(id);
        round.answer.set(answer.into_raw());
        round.started_at.set(started_at);
        round.updated_at.set(updated_at);
        round.answered_in_round.set(U256::from(answered_in_round));
        round.exists.set(true);
        self.latest.set(id);
        self.emit(&AnswerUpdated { current: answer, roundId: id, updatedAt: updated_at });
        Ok(())
    }
}

impl TestAggregator {
    /// Round `id`, or [`Error::NoData`].
    fn round(&self, id: U256) -> Result<RoundData, Error> {
        let round = self.rounds.getter(id);
        if !round.exists.get() {
            return Err(Error::NoData(Revert { reason: NO_DATA.into() }));
        }
        // Round ids are recorded from `uint80`s: the narrowing is exact.
        let narrow = |x: U256| U80::from_limbs_slice(&x.as_limbs()[..2]);
        Ok((
            narrow(id),
            I256::from_raw(round.answer.get()),
            round.started_at.get(),
            round.updated_at.get(),
            narrow(round.answered_in_round.get()),
        ))
    }

    /// Emits `event` through the `emit_log` hostio (statically dispatched, as
    /// `crates/erc20-program` does).
    fn emit<T: SolEvent>(&self, event: &T) {
        let topics = event.encode_topics();
        let mut bytes = Vec::with_capacity(32 * topics.len() + 32);
        for topic in &topics {
            bytes.extend_from_slice(topic.as_slice());
        }
        bytes.extend_from_slice(&event.encode_data());
        self.vm().emit_log(&bytes, topics.len());
    }
}
