//! End to end on the deployed artifacts: the exact wasm of `target/stylus/` (the token
//! `TestUsdc`, `GovernanceParams`, the `InsuranceFund`, the `MutualVault`, and the market's
//! `RiskEngine`, `OptionListings`, `OptionBook`, `OptionsMarket`, `MarginEngine` and
//! `ShortBook` with the test feed `TestAggregator`) deployed in `mutual-localnet` (Nitro's
//! activation checks and ink pricing), constructed through the Stylus constructor
//! convention, and driven through ABI calls only (`mutual-abi`'s alloy bindings, and those
//! of `abi/IOptions*.sol`, `abi/IShortBook.sol` and `abi/IMarginEngine.sol` in
//! `mutual_localnet::protocol`). The tests of the vault and the fund alone play the market
//! from an account, with a native stand-in answering the views the vault reads
//! (`MarketStandIn`); `market.rs` deploys the real one.
//!
//! **Artifacts.** The first test to need them runs `scripts/build-wasm.sh --package <p>`
//! for every package of `mutual_localnet::protocol::PACKAGES` once per test binary (a
//! no-op rebuild takes a few seconds), so the
//! programs tested are always those of the source tree; if the build fails (no `web196`
//! toolchain: run `scripts/setup.sh`), every test fails with the build's output. Set
//! `MUTUAL_E2E_NO_BUILD=1` to use the files already in `target/stylus/` instead; a missing
//! file then fails the tests with the command that builds it. Nothing is ever skipped.
//!
//! Every rejected call is checked for its exact revert data (selector and arguments,
//! compared with the `sol!` error types) and for leaving the whole world state as it was
//! ([`fixture::World::expect_revert`]); every successful call for its exact logs, nested
//! calls' logs included (topics and data, compared with the `sol!` event types). Time
//! moves in the runner (`warp`), to the exact second of each timelock, cooldown, hold
//! time, redeem delay and mark age.
//!
//! - `governance.rs`: the constructor with the insurance keys, queue/execute through the
//!   timelock, tightening, pauses;
//! - `insurance.rs`: staking per tranche, exits through the cooldown (the market's tenor
//!   within bounds) and the withdraw window, the pause honoured, cover by the registered
//!   market (junior then senior, the loss record), income split;
//! - `vault.rs`: deposits and mints at a fresh mark, the hold time and the redeem delay,
//!   claims by `redeem` and `withdraw`, the market's premiums and payouts, the locked
//!   collateral, the stale mark and its buffer, the deficit, pauses;
//! - `market.rs`: the options market's four programs (`RiskEngine`, `OptionListings`,
//!   `OptionBook`, `OptionsMarket`) with the test feeds (`crates/aggregator-program`):
//!   wiring, `quote`, `buy`, `sell`, `settle`, `claim`, the balances and events of each,
//!   a late trade, a stale price, a wrong settlement round, a second claim; the vault's
//!   NAV fresh while the market is on the stack (no `StaleMark`, no refused frame);
//! - `crash.rs`: a 50% crash settled through the retention, the fund's cover and the
//!   pool's cash, and a loss beyond them all recorded as a pro-rata haircut;
//! - `shorts.rs`: traders' shorts (`ShortBook`, `MarginEngine`): puts written to the pool
//!   at exactly the initial margin (found from the exact `ShortBookInsufficientMargin`
//!   refusal), the vault's receivable, a 50% crash, a bot's `liquidatable` scan and two
//!   liquidations (one through the reserve, the fund's junior and senior tranches and the
//!   pool's loss), a healthy account's refusal, settlement at the expiry, and malformed
//!   calldata against the short book;
//! - `token.rs`: the ERC-20 program itself;
//! - `malformed.rs`: unknown selectors, short or truncated calldata, dirty address and
//!   `uint8` words, value sent to non-payable functions, a second constructor call: a clean
//!   revert every time, nothing changed.
//!
//! Run with `cargo test -p mutual-integration-tests --test e2e`.
#![allow(clippy::too_many_lines, reason = "scenario tests read top to bottom")]

mod crash;
mod fixture;
mod governance;
mod insurance;
mod malformed;
mod market;
mod shorts;
mod token;
mod vault;
