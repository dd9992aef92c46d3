//! The share offset, governance keys, flow reasons, roles and interface ids of
//! `MutualVault`.
//!
//! Every `bytes32` constant is the keccak-256 of its documented string, computed at compile
//! time, so tools derive them the same way (`cast keccak "vault.redeemDelay"`).

use alloy_primitives::{B256, U256};
use stylus_sdk::keccak_const::Keccak256;

/// keccak-256 of `input`, at compile time.
const fn keccak(input: &[u8]) -> B256 {
    B256::new(Keccak256::new().update(input).finalize())
}

/// The decimals offset of the vault's shares: the vault counts [`VIRTUAL_SHARES`] =
/// `10^6` virtual shares and one virtual unit of assets, so the exchange rate is
/// `(totalAssets + 1) / (totalSupply + 10^6)` and shares have the asset's decimals plus 6
/// (12 for USDC).
///
/// **Why** (ERC-4626 inflation by donation, INCIDENTS.md 8): a first depositor who holds
/// every real share and raises `totalAssets` by `D` without minting (a donation is ignored
/// here, since the vault counts its own cash, but a rise of the market's receivable or a
/// fall of its marked liability has the same effect) gives `10^6 / (S + 10^6)` of `D` to
/// the virtual shares, while the most a later depositor can lose to rounding is one
/// share's worth, `(A + D + 1) / (S + 10^6)`. The attack costs about `10^6` times what it
/// can take: a first depositor cannot steal a second's deposit, and a victim loses at
/// most about `10^-6` of the inflation plus one unit (checked at offsets 0, 6 and 18 in
/// `test/tests/vault/inflation.rs`).
///
/// **Cost**: the virtual shares take their part, `10^6 / (S + 10^6)`, of every gain and
/// loss of the pool (negligible once real deposits exceed a few units of the asset), and
/// share amounts are `10^6` times asset amounts, which leaves `U256` ample room (overflow
/// needs about `2^236` asset units).
pub const DECIMALS_OFFSET: u8 = 6;

/// `10^DECIMALS_OFFSET`: the vault's virtual shares.
pub const VIRTUAL_SHARES: U256 = U256::from_limbs([1_000_000, 0, 0, 0]);

/// The id of every redeem request: requests are aggregated per controller (ERC-7540's
/// `requestId == 0`: the controller alone identifies the request).
pub const REQUEST_ID: U256 = U256::ZERO;

/// `keccak256("vault.depositCap")`: the most `totalAssets` deposits may bring the pool to,
/// in asset units; `type(uint256).max` is unlimited.
pub const DEPOSIT_CAP_KEY: B256 = keccak(b"vault.depositCap");

/// `keccak256("vault.markMaxAge")`: the oldest market mark, in seconds, the vault prices
/// with; an older mark (or none) is stale.
pub const MARK_MAX_AGE_KEY: B256 = keccak(b"vault.markMaxAge");

/// `keccak256("vault.staleBufferWad")`: while the mark is stale, the last good liability
/// and required collateral are raised by this fraction of themselves, 18 decimals
/// (`1e17`: 10%).
pub const STALE_BUFFER_KEY: B256 = keccak(b"vault.staleBufferWad");

/// `keccak256("vault.redeemDelay")`: seconds from a redeem request to the moment its shares
/// become claimable (fixed when the request is made).
pub const REDEEM_DELAY_KEY: B256 = keccak(b"vault.redeemDelay");

/// `keccak256("vault.minHoldTime")`: seconds during which shares minted by a deposit stay
/// locked in their receiver's balance (no redeem request, no transfer).
pub const MIN_HOLD_TIME_KEY: B256 = keccak(b"vault.minHoldTime");

/// Flow reason `0`: an option premium (in: a trader bought from the pool; out: the pool
/// bought from a trader).
pub const REASON_PREMIUM: u8 = 0;

/// Flow reason `1`: the LPs' share of trading fees (in).
pub const REASON_FEES: u8 = 1;

/// Flow reason `2`: settlement (out: the pool's written options paying at expiry; in: the
/// proceeds of options the pool holds, or margin released to it).
pub const REASON_SETTLEMENT: u8 = 2;

/// Flow reason `3`: a trader default reaching the pool, DESIGN.md's layer 5 (out), or a
/// recovery of one (in).
pub const REASON_DEFAULT: u8 = 3;

/// Flow reason `4`: the insurance fund's excess-of-loss cover of the pool's tail loss,
/// passed on by the market (in).
pub const REASON_INSURANCE: u8 = 4;

/// The highest flow reason code ([`REASON_INSURANCE`]).
pub const MAX_REASON: u8 = REASON_INSURANCE;

/// `keccak256("MARKET")`: the role named by `VaultUnauthorizedAccount` when a flow does not
/// come from the market (the address under `mutual.market`).
pub const MARKET_ROLE: B256 = keccak(b"MARKET");

/// `keccak256("CONTROLLER")`: the role named by `VaultUnauthorizedAccount` when a redeem
/// request names a `controller` other than its `owner` and the caller is neither that
/// controller nor its operator.
pub const CONTROLLER_ROLE: B256 = keccak(b"CONTROLLER");

/// ERC-165's own interface id (`supportsInterface(bytes4)`).
pub const ERC165_INTERFACE_ID: u32 = 0x01ff_c9a7;

/// ERC-7540's operator interface id (`isOperator ^ setOperator`).
pub const ERC7540_OPERATOR_INTERFACE_ID: u32 = 0xe3bc_4e65;

/// ERC-7540's asynchronous redemption interface id
/// (`requestRedeem ^ pendingRedeemRequest ^ claimableRedeemRequest`).
pub const ERC7540_REDEEM_INTERFACE_ID: u32 = 0x620e_e8e4;

/// ERC-7575's interface id, the constant the EIP fixes (`0x2f0a18c5`; not the selector
/// of `share()`).
pub const ERC7575_INTERFACE_ID: u32 = 0x2f0a_18c5;
