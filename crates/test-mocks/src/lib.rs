//! Mock contracts for motsu tests of Mutual's contracts. Test-only: never deployed, never
//! built for wasm.
//!
//! - [`MockErc20`]: a USDC-like token (6 decimals) on OpenZeppelin's `Erc20`, with an open
//!   `mint` and a switch that makes `transfer`/`transferFrom` return `false`.
//! - [`MockMarket`]: what the insurance fund and the vault see of the `OptionsMarket`: a
//!   settable `longestOpenTenor` (or a reverting one) and `stressedLoss`; settable
//!   `poolLiability` and `requiredCollateral` (each can revert; the mark time follows the
//!   clock seam); and calls into the fund and the vault as the market would (`cover`,
//!   `notifyIncome`, `pullPayout`, `notifyPremium`, paying first).
//! - [`MockGovernance`]: a settable key-value store with the reads of `GovernanceParams`
//!   (`get`, `getMany` and `isPaused`, with unknown keys reverting), for a contract's own
//!   unit tests; cross-contract tests use the real `GovernanceParams`.
//! - [`market_params`]: the market's governance parameters with the tests' values, for
//!   the unit tests of the market's programs and the cross-contract fixture.
//!
//! None of them has an `#[entrypoint]` (a crate has at most one, and several contracts
//! link into one test binary), so each implements `TopLevelStorage` by hand, as
//! OpenZeppelin's test contracts do: the unsafe impl only asserts that the type is a whole
//! contract's storage, which is how motsu deploys it.
//!
//! A mock's call into another contract returns that contract's revert data unchanged as
//! its own error (`Vec<u8>`), so a test compares it with the expected error's encoding.

extern crate alloc;

mod aggregator;
mod erc20;
mod governance;
mod market;
mod params;
mod pool;

pub use aggregator::MockAggregator;
pub use erc20::{MockErc20, DECIMALS};
pub use governance::{MockGovernance, MockGovernanceUnknownKey};
pub use market::MockMarket;
pub use params::market_params;
pub use pool::{MockInsuranceFund, MockPoolVault};

#[cfg(test)]
mod tests;
