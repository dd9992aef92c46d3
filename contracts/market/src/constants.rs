//! Limits, roles and flow codes of `OptionsMarket`. Its governance keys live in
//! `mutual_interfaces::keys` (`market.*`).

/// The most decimals the asset may have: 18.
pub const MAX_ASSET_DECIMALS: u8 = 18;

/// Vault flow reason `0` (`MutualVault::REASON_PREMIUM`): an option premium.
pub const REASON_PREMIUM: u8 = 0;

/// Vault flow reason `1` (`MutualVault::REASON_FEES`): the LPs' share of the fees.
pub const REASON_FEES: u8 = 1;

/// Vault flow reason `2` (`MutualVault::REASON_SETTLEMENT`): settlement.
pub const REASON_SETTLEMENT: u8 = 2;

/// Insurance loss kind `1` (`InsuranceFund::KIND_POOL_TAIL`): the pool's tail loss.
pub const KIND_POOL_TAIL: u8 = 1;
