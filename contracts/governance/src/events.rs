//! The events of `GovernanceParams`, declared once.
//!
//! An indexer rebuilds every parameter's history from these logs alone:
//! - a key's life: [`ParamRegistered`] (constructor or executed registration), then any
//!   [`ValueTightened`] (instant) and [`ValueChanged`] / [`BoundsChanged`] (executed);
//! - its pending change: [`ChangeQueued`] opens it (a second [`ChangeQueued`] for the same
//!   key replaces one that had expired), and it closes with [`ChangeCancelled`] or with the
//!   [`ValueChanged`] / [`ParamRegistered`] / [`BoundsChanged`] of its execution;
//! - the guardian: [`GuardianChanged`] beside the guardian key's own events;
//! - pauses: [`Paused`], [`PauseConfirmed`], [`Unpaused`], [`PauseLapsed`];
//! - the admin: [`AdminProposed`], [`AdminTransferred`].
//!
//! Times are `uint64` seconds.

use alloy_primitives::{B256, U256};
use mutual_contract_kit::abi::{word_u8, LogWords};
use stylus_sdk::alloy_sol_types::{sol, SolEvent};

sol! {
    /// Emitted when `key` is registered, by the constructor or an executed registration.
    ///
    /// * `key` - The parameter key.
    /// * `value` - Its initial value.
    /// * `min`, `max` - Its hard bounds.
    /// * `direction` - 0 higher is safer, 1 lower is safer, 2 neither.
    #[derive(Debug, PartialEq, Eq)]
    event ParamRegistered(
        bytes32 indexed key,
        uint256 value,
        uint256 min,
        uint256 max,
        uint8 direction
    );

    /// Emitted when a change of `key` is queued.
    ///
    /// * `key` - The parameter key.
    /// * `kind` - 1 value, 2 registration, 3 bounds.
    /// * `value` - The new value (kinds 1 and 2; 0 for kind 3).
    /// * `min`, `max` - The new bounds (kinds 2 and 3; 0 for kind 1).
    /// * `direction` - The direction (kind 2; 0 otherwise).
    /// * `eta` - The earliest execution time.
    #[derive(Debug, PartialEq, Eq)]
    event ChangeQueued(
        bytes32 indexed key,
        uint8 indexed kind,
        uint256 value,
        uint256 min,
        uint256 max,
        uint8 direction,
        uint64 eta
    );

    /// Emitted when the pending change of `key` is cancelled.
    ///
    /// * `key` - The parameter key.
    /// * `kind` - The cancelled change's kind.
    /// * `account` - The admin or guardian who cancelled it.
    #[derive(Debug, PartialEq, Eq)]
    event ChangeCancelled(bytes32 indexed key, uint8 indexed kind, address indexed account);

    /// Emitted when a queued value change of `key` is executed.
    ///
    /// * `key` - The parameter key.
    /// * `oldValue` - The value before.
    /// * `newValue` - The value after.
    #[derive(Debug, PartialEq, Eq)]
    event ValueChanged(bytes32 indexed key, uint256 oldValue, uint256 newValue);

    /// Emitted when a queued bounds change of `key` is executed.
    ///
    /// * `key` - The parameter key.
    /// * `oldMin`, `oldMax` - The bounds before.
    /// * `newMin`, `newMax` - The bounds after.
    #[derive(Debug, PartialEq, Eq)]
    event BoundsChanged(
        bytes32 indexed key,
        uint256 oldMin,
        uint256 oldMax,
        uint256 newMin,
        uint256 newMax
    );

    /// Emitted when `key` is tightened at once.
    ///
    /// * `key` - The parameter key.
    /// * `oldValue` - The value before.
    /// * `newValue` - The value after, strictly safer.
    /// * `account` - The admin or guardian who tightened it.
    #[derive(Debug, PartialEq, Eq)]
    event ValueTightened(
        bytes32 indexed key,
        uint256 oldValue,
        uint256 newValue,
        address indexed account
    );

    /// Emitted when the guardian changes (constructor, or an executed change of the
    /// guardian key, beside its `ValueChanged`).
    ///
    /// * `oldGuardian` - The guardian before (zero at construction).
    /// * `newGuardian` - The guardian after (zero: no guardian).
    #[derive(Debug, PartialEq, Eq)]
    event GuardianChanged(address indexed oldGuardian, address indexed newGuardian);

    /// Emitted when `scope` is paused.
    ///
    /// * `scope` - The paused scope.
    /// * `account` - The guardian or admin who paused it.
    /// * `lapsesAt` - When the pause lapses unless confirmed; 0 for an admin pause, which is
    ///   confirmed at once.
    #[derive(Debug, PartialEq, Eq)]
    event Paused(bytes32 indexed scope, address indexed account, uint64 lapsesAt);

    /// Emitted when the admin unpauses `scope`.
    ///
    /// * `scope` - The unpaused scope.
    /// * `account` - The admin.
    #[derive(Debug, PartialEq, Eq)]
    event Unpaused(bytes32 indexed scope, address indexed account);

    /// Emitted when the admin confirms the pause of `scope`: it no longer lapses.
    ///
    /// * `scope` - The scope.
    /// * `account` - The admin.
    #[derive(Debug, PartialEq, Eq)]
    event PauseConfirmed(bytes32 indexed scope, address indexed account);

    /// Emitted when the lapse of the pause of `scope` is recorded (by `clearLapsedPause`,
    /// or by the next `pause`/`unpause` of the scope).
    ///
    /// * `scope` - The scope.
    /// * `lapsedAt` - When the pause lapsed (its `lapsesAt`), not when it was recorded.
    #[derive(Debug, PartialEq, Eq)]
    event PauseLapsed(bytes32 indexed scope, uint64 lapsedAt);

    /// Emitted when the admin proposes a new admin (zero: the proposal is cancelled).
    ///
    /// * `admin` - The current admin.
    /// * `pendingAdmin` - The proposed admin.
    #[derive(Debug, PartialEq, Eq)]
    event AdminProposed(address indexed admin, address indexed pendingAdmin);

    /// Emitted when the admin changes (constructor, or `acceptAdmin`).
    ///
    /// * `previousAdmin` - The admin before (zero at construction).
    /// * `newAdmin` - The admin after.
    #[derive(Debug, PartialEq, Eq)]
    event AdminTransferred(address indexed previousAdmin, address indexed newAdmin);
}

impl LogWords for ParamRegistered {
    fn with_words(self, emit: impl FnOnce(&[B256], &[U256])) {
        let data = [self.value, self.min, self.max, U256::from(self.direction)];
        emit(&[Self::SIGNATURE_HASH, self.key], &data);
    }
}

impl LogWords for ChangeQueued {
    fn with_words(self, emit: impl FnOnce(&[B256], &[U256])) {
        let data =
            [self.value, self.min, self.max, U256::from(self.direction), U256::from(self.eta)];
        emit(&[Self::SIGNATURE_HASH, self.key, word_u8(self.kind)], &data);
    }
}

impl LogWords for ChangeCancelled {
    fn with_words(self, emit: impl FnOnce(&[B256], &[U256])) {
        emit(&[Self::SIGNATURE_HASH, self.key, word_u8(self.kind), self.account.into_word()], &[]);
    }
}

impl LogWords for ValueChanged {
    fn with_words(self, emit: impl FnOnce(&[B256], &[U256])) {
        emit(&[Self::SIGNATURE_HASH, self.key], &[self.oldValue, self.newValue]);
    }
}

impl LogWords for BoundsChanged {
    fn with_words(self, emit: impl FnOnce(&[B256], &[U256])) {
        emit(
            &[Self::SIGNATURE_HASH, self.key],
            &[self.oldMin, self.oldMax, self.newMin, self.newMax],
        );
    }
}

impl LogWords for ValueTightened {
    fn with_words(self, emit: impl FnOnce(&[B256], &[U256])) {
        emit(
            &[Self::SIGNATURE_HASH, self.key, self.account.into_word()],
            &[self.oldValue, self.newValue],
        );
    }
}

impl LogWords for GuardianChanged {
    fn with_words(self, emit: impl FnOnce(&[B256], &[U256])) {
        emit(
            &[Self::SIGNATURE_HASH, self.oldGuardian.into_word(), self.newGuardian.into_word()],
            &[],
        );
    }
}

impl LogWords for Paused {
    fn with_words(self, emit: impl FnOnce(&[B256], &[U256])) {
        emit(
            &[Self::SIGNATURE_HASH, self.scope, self.account.into_word()],
            &[U256::from(self.lapsesAt)],
        );
    }
}

impl LogWords for Unpaused {
    fn with_words(self, emit: impl FnOnce(&[B256], &[U256])) {
        emit(&[Self::SIGNATURE_HASH, self.scope, self.account.into_word()], &[]);
    }
}

impl LogWords for PauseConfirmed {
    fn with_words(self, emit: impl FnOnce(&[B256], &[U256])) {
        emit(&[Self::SIGNATURE_HASH, self.scope, self.account.into_word()], &[]);
    }
}

impl LogWords for PauseLapsed {
    fn with_words(self, emit: impl FnOnce(&[B256], &[U256])) {
        emit(&[Self::SIGNATURE_HASH, self.scope], &[U256::from(self.lapsedAt)]);
    }
}

impl LogWords for AdminProposed {
    fn with_words(self, emit: impl FnOnce(&[B256], &[U256])) {
        emit(&[Self::SIGNATURE_HASH, self.admin.into_word(), self.pendingAdmin.into_word()], &[]);
    }
}

impl LogWords for AdminTransferred {
    fn with_words(self, emit: impl FnOnce(&[B256], &[U256])) {
        emit(
            &[Self::SIGNATURE_HASH, self.previousAdmin.into_word(), self.newAdmin.into_word()],
            &[],
        );
    }
}
