//! Cross-contract scenarios of the whole protocol wired together under motsu: the real
//! `GovernanceParams`, `MutualVault` and `InsuranceFund`, the market's six programs
//! (`OptionsMarket`, `OptionBook`, `OptionListings`, `RiskEngine`, `ShortBook`,
//! `MarginEngine`), with mocks only for the 6-decimal asset and the price and sequencer
//! feeds (see `world.rs`).
//!
//! - `scenarios.rs`: premiums and fees landing where the split says, a 50% crash and its
//!   settlement, a pool loss beyond the retention (the fund's cover, then a recorded
//!   haircut), a stale oracle and the sequencer's grace, a board nobody traded, the
//!   trading cut-off second, and a purchase refused by the net delta cap.
//! - `shorts.rs`: traders' shorts: a short sale paid by the vault and marked as its
//!   receivable, the initial margin to the unit, a crash liquidated by a bot through the
//!   trader-default waterfall (reserve, junior, senior, pool), settlement of shorts with a
//!   default, the pause and the sequencer, the pool's locked collateral.
//! - `machine.rs`: a proptest state machine over random actions of three traders, two LPs,
//!   two stakers, two writers and a liquidation bot (deposits, redemption requests and
//!   claims, stakes and exits, trades, short sales and closes, margin added and removed,
//!   liquidations, price moves, time, settlement, claims, settlement of writers' accounts),
//!   each step checked against a model of what it must do, then settled, claimed and
//!   every account settled to the end. `PROPTEST_CASES` sets its number of sequences (64
//!   by default).
//!
//! After every step [`world::World::check`] proves conservation: every unit minted is held
//! by a recorded account, the vault, the fund, the market or the short book, and each
//! contract holds
//! exactly what it books.
//!
//! Every rejected call is checked for its exact custom error and followed by a re-read of
//! the state it could have touched: motsu keeps the storage of a top-level call that
//! returns `Err` (nested calls are rolled back), so the re-reads catch a write made before
//! an error. motsu does not model Stylus's reentrancy guard; the vault reads the pool's
//! views from `market.book`, so no call here re-enters a program on the stack anyway.
#![allow(clippy::too_many_lines, reason = "scenario tests read top to bottom")]
#![allow(
    clippy::result_large_err,
    reason = "the market's errors carry their arguments by value (EIP-6093)"
)]

mod machine;
mod scenarios;
mod shorts;
mod world;
