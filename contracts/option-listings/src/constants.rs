//! Limits and roles of `OptionListings`. Its governance keys live in
//! `mutual_interfaces::keys` (`market.*`).

use alloy_primitives::B256;
use stylus_sdk::keccak_const::Keccak256;

/// keccak-256 of `input`, at compile time.
const fn keccak(input: &[u8]) -> B256 {
    B256::new(Keccak256::new().update(input).finalize())
}

/// The most markets (underlyings) listed: 4. With [`MAX_LIVE_BOARDS`] and [`MAX_STRIKES`]
/// it bounds every loop over the book (the stress check of one underlying prices at most
/// 32 strikes in 11 scenarios; the vault's views at most 128).
pub const MAX_MARKETS: u32 = 4;

/// The most unsettled boards per market: 4.
pub const MAX_LIVE_BOARDS: u32 = 4;

/// The most strikes per board: 8.
pub const MAX_STRIKES: u32 = 8;

/// The most decimals a spot feed may have: 18 (answers are scaled up to 18 decimals by
/// one exact multiplication).
pub const MAX_ORACLE_DECIMALS: u8 = 18;

/// `keccak256("LISTER")`: the role named by `MarketUnauthorizedAccount` when a listing or
/// tuning call does not come from the address under `market.lister`.
pub const LISTER_ROLE: B256 = keccak(b"LISTER");

/// `keccak256("BOOK")`: the role named by `MarketUnauthorizedAccount` when `moveBaseIv`
/// or `settleBoard` does not come from the address under `market.book`.
pub const BOOK_ROLE: B256 = keccak(b"BOOK");
