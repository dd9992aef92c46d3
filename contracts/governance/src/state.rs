//! The storage layout of `GovernanceParams`.
//!
//! A module of its own because `#[entrypoint]` generates public functions without docs
//! (`user_entrypoint`, and `print_from_args` with `export-abi`) beside the struct it marks.
#![allow(missing_docs, reason = "`#[entrypoint]` generates undocumented public functions here")]

use alloc::{vec, vec::Vec};

use alloy_primitives::B256;
use stylus_sdk::{
    prelude::*,
    storage::{
        StorageAddress, StorageB256, StorageBool, StorageMap, StorageU256, StorageU64, StorageU8,
        StorageVec,
    },
};

/// A registered parameter.
#[storage]
pub(crate) struct Param {
    /// The current value.
    pub(crate) value: StorageU256,
    /// The hard lower bound.
    pub(crate) min: StorageU256,
    /// The hard upper bound.
    pub(crate) max: StorageU256,
    /// [`crate::HIGHER_IS_SAFER`], [`crate::LOWER_IS_SAFER`] or [`crate::NEITHER`].
    pub(crate) direction: StorageU8,
    /// Whether the key is registered.
    pub(crate) registered: StorageBool,
}

/// The pending change of a key; all zero when nothing is pending.
#[storage]
#[derive(Erase)]
pub(crate) struct PendingChange {
    /// [`crate::KIND_NONE`], [`crate::KIND_VALUE`], [`crate::KIND_REGISTER`] or
    /// [`crate::KIND_BOUNDS`].
    pub(crate) kind: StorageU8,
    /// The direction of a registration (0 otherwise).
    pub(crate) direction: StorageU8,
    /// The earliest execution time, in seconds.
    pub(crate) eta: StorageU64,
    /// The new value (value and registration kinds).
    pub(crate) value: StorageU256,
    /// The new lower bound (registration and bounds kinds).
    pub(crate) min: StorageU256,
    /// The new upper bound (registration and bounds kinds).
    pub(crate) max: StorageU256,
}

/// The pause record of a scope (one storage slot).
#[storage]
pub(crate) struct PauseRecord {
    /// When the current pause started; 0 when not paused.
    pub(crate) paused_at: StorageU64,
    /// When the current pause lapses; 0 when it never lapses (confirmed, or by the admin).
    pub(crate) lapses_at: StorageU64,
    /// When the last guardian pause of the scope lapsed; 0 if none ever did.
    pub(crate) last_lapse_at: StorageU64,
}

/// `GovernanceParams`: risk parameters, their timelock, pauses and roles.
#[storage]
#[entrypoint]
pub struct GovernanceParams {
    /// The admin (a Safe).
    pub(crate) admin: StorageAddress,
    /// The proposed admin, until it accepts; zero when none.
    pub(crate) pending_admin: StorageAddress,
    /// Every registered parameter (the guardian included) by key.
    pub(crate) params: StorageMap<B256, Param>,
    /// Registered keys in registration order, for tooling.
    pub(crate) param_keys: StorageVec<StorageB256>,
    /// The pending change of each key.
    pub(crate) pending: StorageMap<B256, PendingChange>,
    /// The pause record of each scope.
    pub(crate) pauses: StorageMap<B256, PauseRecord>,
}
