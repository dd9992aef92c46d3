//! Cross-contract tests of the `InsuranceFund` with the real `GovernanceParams`, a 6-decimal
//! mock asset and a mock market (see `world.rs`).
//!
//! Every rejected call is checked for its exact custom error and followed by a re-read of
//! the state it could have touched: motsu keeps the storage of a top-level call that
//! returns `Err` (nested calls are rolled back), so the re-reads catch a write made before
//! an error.
#![allow(clippy::too_many_lines, reason = "scenario tests read top to bottom")]

mod cover;
mod erc4626;
mod exit;
mod income;
mod inflation;
mod invariants;
mod world;
