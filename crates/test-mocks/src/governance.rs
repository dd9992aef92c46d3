//! A settable stand-in for `GovernanceParams`' reads.
#![allow(unsafe_code, reason = "TopLevelStorage is implemented by hand, as the crate docs say")]
#![allow(clippy::must_use_candidate, reason = "contract methods are called through the ABI")]

use alloc::vec::Vec;

use alloy_primitives::{B256, U256};
use alloy_sol_types::{sol, SolError};
use mutual_interfaces::keys::PROTOCOL_SCOPE;
use stylus_sdk::{
    prelude::*,
    storage::{StorageBool, StorageMap, StorageU256},
};

sol! {
    /// The revert of [`MockGovernance::get`] and [`MockGovernance::get_many`] for a key
    /// never set (or unset).
    #[derive(Debug, PartialEq, Eq)]
    error MockGovernanceUnknownKey(bytes32 key);
}

/// `GovernanceParams`' reads over a plain store: `set` registers a key, `unset` removes it,
/// `setPaused` pauses a scope (the protocol scope pauses every scope, as in the real one).
#[storage]
pub struct MockGovernance {
    /// Values by key.
    values: StorageMap<B256, StorageU256>,
    /// Whether each key is set.
    registered: StorageMap<B256, StorageBool>,
    /// Whether each scope is paused.
    paused: StorageMap<B256, StorageBool>,
}

// SAFETY: `MockGovernance` is deployed as a whole contract (see the crate docs).
unsafe impl TopLevelStorage for MockGovernance {}

#[public]
impl MockGovernance {
    /// Sets `key` to `value` (registering it).
    pub fn set(&mut self, key: B256, value: U256) {
        self.values.setter(key).set(value);
        self.registered.setter(key).set(true);
    }

    /// Removes `key`: reads of it revert again.
    pub fn unset(&mut self, key: B256) {
        self.values.setter(key).set(U256::ZERO);
        self.registered.setter(key).set(false);
    }

    /// Pauses or unpauses `scope`.
    pub fn set_paused(&mut self, scope: B256, paused: bool) {
        self.paused.setter(scope).set(paused);
    }

    /// Returns the value of `key`.
    ///
    /// # Errors
    ///
    /// * [`MockGovernanceUnknownKey`] - If `key` is not set.
    pub fn get(&self, key: B256) -> Result<U256, Vec<u8>> {
        if !self.registered.get(key) {
            return Err(MockGovernanceUnknownKey { key }.abi_encode());
        }
        Ok(self.values.get(key))
    }

    /// Returns the values of `keys`, in order.
    ///
    /// # Errors
    ///
    /// * [`MockGovernanceUnknownKey`] - At the first key not set.
    #[allow(
        clippy::needless_pass_by_value,
        reason = "ABI arguments are decoded into owned vectors"
    )]
    pub fn get_many(&self, keys: Vec<B256>) -> Result<Vec<U256>, Vec<u8>> {
        keys.iter().map(|key| self.get(*key)).collect()
    }

    /// Returns whether `scope` or the protocol scope is paused.
    pub fn is_paused(&self, scope: B256) -> bool {
        self.paused.get(scope) || self.paused.get(PROTOCOL_SCOPE)
    }
}
