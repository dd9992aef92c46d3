//! The constants of `ShortBook`.

use alloy_primitives::B256;
use mutual_interfaces::keys::MARKET_SCOPE;

/// The most decimals the asset may have.
pub const MAX_ASSET_DECIMALS: u8 = 18;

/// The most lines (strike and side) one account may write: bounds the work of its margin
/// check, its liquidation and the liquidation scan per account.
pub const MAX_ACCOUNT_LINES: u32 = 4;

/// The most lines written over all accounts at once: bounds the pool's receivable, which
/// the vault reads on every valuation.
pub const MAX_OPEN_LINES: u32 = 32;

/// The pause scope of trading, shared with `OptionsMarket`: pausing the market pauses
/// short sales, closes, margin removal and liquidations too.
pub const PAUSE_SCOPE: B256 = MARKET_SCOPE;

/// Vault flow reason `0`: a premium (out: the pool buys a short's option; in: the pool
/// sells it back to close).
pub const REASON_PREMIUM: u8 = 0;

/// Vault flow reason `1`: the LPs' fees (in: a close's fees).
pub const REASON_FEES: u8 = 1;

/// Vault flow reason `2`: settlement (in: what a short owes at expiry, or the mark a
/// liquidated account pays).
pub const REASON_SETTLEMENT: u8 = 2;

/// Vault flow reason `3`: a trader default's recovery (in: from the reserve and the
/// insurance fund).
pub const REASON_DEFAULT: u8 = 3;

/// Insurance loss kind `0`: a trader default.
pub const KIND_TRADER_DEFAULT: u8 = 0;
