//! Mutual's cross-contract scenarios and stateful invariants: see `tests/`.
//!
//! - `tests/insurance/`: the `InsuranceFund` with the real `GovernanceParams`, a 6-decimal
//!   mock asset and a mock market (and a second one playing the vault): ERC-4626 behaviour
//!   per tranche, the inflation attack, exits through cooldowns and windows, loss cover,
//!   income, pauses, and a proptest state machine over random sequences of stakers'
//!   and the market's calls (`PROPTEST_CASES` sets how many; 256 by default).
//!
//! Run with `cargo test -p mutual-integration-tests`.
