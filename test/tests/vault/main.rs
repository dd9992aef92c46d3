//! Cross-contract tests of the `MutualVault` with the real `GovernanceParams`, a 6-decimal
//! mock asset and a mock market whose mark of the pool is settable (see `world.rs`):
//!
//! - `scenarios.rs`: NAV moves, locked liquidity, request and claim timing at the exact
//!   boundaries, a just-in-time deposit around a premium, a payout larger than the cash,
//!   unauthorized flows, paused scopes, zero and dust amounts;
//! - `conformance.rs`: the ERC-4626 conformance suite as proptest properties (the
//!   properties of the public a16z and OpenZeppelin suites, ported);
//! - `inflation.rs`: the donation (inflation) attack at decimals offsets 0, 6 and 18.
//!
//! The properties run 256 cases each by default. `PROPTEST_CASES` sets the number of cases
//! of every property (proptest reads it); the long mode of the conformance suite is
//!
//! ```sh
//! PROPTEST_CASES=10000 cargo test -p mutual-integration-tests --test vault
//! ```
//!
//! Every rejected call is checked for its exact custom error and followed by a re-read of
//! the state it could have touched: motsu keeps the storage of a top-level call that
//! returns `Err` (nested calls are rolled back), so the re-reads catch a write made before
//! an error.
#![allow(clippy::too_many_lines, reason = "scenario tests read top to bottom")]

mod conformance;
mod inflation;
mod scenarios;
mod world;
