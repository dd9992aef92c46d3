//! Limits and roles of `OptionBook`. Its governance keys live in
//! `mutual_interfaces::keys` (`market.*`).

use alloy_primitives::B256;
use stylus_sdk::keccak_const::Keccak256;

/// keccak-256 of `input`, at compile time.
const fn keccak(input: &[u8]) -> B256 {
    B256::new(Keccak256::new().update(input).finalize())
}

/// The most decimals the asset may have: 18 (the listings bound the feeds' the same way;
/// the limits of the listings are `OptionListings`').
pub const MAX_ORACLE_DECIMALS: u8 = 18;

/// `keccak256("MARKET")`: the role named by `MarketUnauthorizedAccount` when `trade` or
/// `settleBoard` does not come from the address under `mutual.market`.
pub const MARKET_ROLE: B256 = keccak(b"MARKET");

/// The selector of the engine's `EngineMathError(uint8)`, which the book reports as its
/// own `MarketMathError(code)`.
pub(crate) const ENGINE_MATH_ERROR: [u8; 4] = {
    let hash = keccak(b"EngineMathError(uint8)");
    [hash.0[0], hash.0[1], hash.0[2], hash.0[3]]
};
