//! The storage layout of `MutualVault`.
//!
//! A module of its own because `#[entrypoint]` generates public functions without docs
//! (`user_entrypoint`, and `print_from_args` with `export-abi`) beside the struct it marks.
#![allow(missing_docs, reason = "`#[entrypoint]` generates undocumented public functions here")]

use alloc::{vec, vec::Vec};

use alloy_primitives::Address;
use openzeppelin_stylus::token::erc20::Erc20;
use stylus_sdk::{
    prelude::*,
    storage::{
        StorageAddress, StorageB256, StorageBool, StorageMap, StorageU256, StorageU64, StorageU8,
    },
};

/// A controller's redeem request (aggregated: ERC-7540's `requestId == 0`); all zero when
/// none.
#[storage]
pub(crate) struct RedeemRequest {
    /// Shares requested and not yet claimable at `claimable_at` (escrowed in the vault).
    pub(crate) pending: StorageU256,
    /// The first second the pending shares are claimable.
    pub(crate) claimable_at: StorageU64,
    /// Shares claimable now (escrowed in the vault), besides pending ones that matured.
    pub(crate) claimable: StorageU256,
}

/// The fresh shares of an account: minted to it by deposits within the last
/// `vault.minHoldTime`, they can be neither requested nor transferred before `until`.
#[storage]
pub(crate) struct Lock {
    /// The locked shares (in force while `now < until`).
    pub(crate) shares: StorageU256,
    /// The first second they are free.
    pub(crate) until: StorageU64,
}

/// `MutualVault`: the mutualized pool of the collateral asset that writes the market's
/// options; LPs hold its shares.
#[storage]
#[entrypoint]
pub struct MutualVault {
    /// The share token (OpenZeppelin's ERC-20): balances, allowances, supply.
    pub(crate) erc20: Erc20,
    /// The shares' name: UTF-8, left-aligned and zero-padded.
    pub(crate) name: StorageB256,
    /// The shares' symbol, as `name`.
    pub(crate) symbol: StorageB256,
    /// The collateral asset (USDC-like).
    pub(crate) asset: StorageAddress,
    /// The asset's decimals, read at construction.
    pub(crate) asset_decimals: StorageU8,
    /// `GovernanceParams`: parameters, addresses and the pause.
    pub(crate) governance: StorageAddress,
    /// The pool's cash: the asset it holds on its books, in asset units (a token balance
    /// above it is unaccounted: a donation, or a flow not yet notified).
    pub(crate) cash: StorageU256,
    /// The last fresh mark's liability, in asset units (0 before the first).
    pub(crate) mark_liability: StorageU256,
    /// The last fresh mark's receivable, in asset units.
    pub(crate) mark_receivable: StorageU256,
    /// The last fresh mark's required collateral, in asset units.
    pub(crate) mark_required: StorageU256,
    /// When the last fresh mark was taken, in seconds (0: never).
    pub(crate) mark_time: StorageU64,
    /// Redeem requests by controller.
    pub(crate) requests: StorageMap<Address, RedeemRequest>,
    /// Fresh-deposit locks by account.
    pub(crate) locks: StorageMap<Address, Lock>,
    /// ERC-7540 operators: by controller, then operator.
    pub(crate) operators: StorageMap<Address, StorageMap<Address, StorageBool>>,
}
