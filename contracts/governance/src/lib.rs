//! `GovernanceParams`: the single source of Mutual's risk parameters and pause flags.
//!
//! The vault, the market and the insurance fund read their limits here (`get`, `getMany`)
//! and ask `isPaused(scope)` before acting. A multisig admin (a Safe) and a guardian govern:
//!
//! - **Parameters** live under `bytes32` keys (e.g. `keccak256("market.ETH.maxUtilization")`),
//!   each with a value, hard bounds `[min, max]` and a direction (0 higher is safer, 1 lower
//!   is safer, 2 neither). The zero key is invalid everywhere.
//! - **Timelock**: the admin queues a value ([`GovernanceParams::queue`]), a registration
//!   ([`GovernanceParams::queue_register`]) or new bounds ([`GovernanceParams::queue_bounds`]);
//!   anyone executes it in `[eta, eta + executionWindow]`; the admin or the guardian cancels
//!   it. One pending change per key.
//! - **Instant tightening** within bounds, by the admin or the guardian. Nobody loosens
//!   instantly: the timelock delay itself, the guardian address and every other loosening
//!   go through the queue.
//! - **Scoped pauses**: the guardian or the admin pauses at once; only the admin unpauses.
//!   A guardian pause lapses after `maxPauseDuration` unless the admin confirms it, and the
//!   guardian cannot re-pause a scope within `pauseCooldown` of its last lapse.
//! - **Roles**: a two-step admin transfer; the guardian is the parameter under
//!   [`GUARDIAN_KEY`], so it changes only through the timelock.
//!
//! Every call follows checks, then state changes, then events. Time is read only through
//! [`mutual_contract_kit::clock::now`], so native tests can move it.
#![cfg_attr(all(target_arch = "wasm32", not(feature = "export-abi")), no_std)]
#![allow(
    clippy::result_large_err,
    reason = "errors carry their arguments by value (EIP-6093); only the failing path pays"
)]

extern crate alloc;

mod constants;
mod errors;
mod events;
mod state;
#[cfg(test)]
mod tests;

use alloc::vec::Vec;

use alloy_primitives::{Address, B256, U256, U64, U8};
use mutual_contract_kit::clock;
use stylus_sdk::prelude::*;

pub use constants::*;
pub use errors::*;
pub use events::*;
use mutual_contract_kit::abi::LogWords;
pub use state::GovernanceParams;

/// Aborts on panic in the deployed contract (built with `panic=immediate-abort`; every
/// panic site is a proven-unreachable `expect`).
#[cfg(all(target_arch = "wasm32", not(feature = "export-abi")))]
#[panic_handler]
fn panic(_info: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}

/// Bounds and direction of a parameter, in memory.
#[derive(Clone, Copy)]
struct Bounds {
    /// The hard lower bound.
    min: U256,
    /// The hard upper bound.
    max: U256,
    /// The direction.
    direction: u8,
}

/// A pending change, in memory.
#[derive(Clone, Copy)]
struct Pending {
    /// The kind ([`KIND_NONE`] when nothing is pending).
    kind: u8,
    /// The new value.
    value: U256,
    /// The new lower bound.
    min: U256,
    /// The new upper bound.
    max: U256,
    /// The direction of a registration.
    direction: u8,
    /// The earliest execution time.
    eta: u64,
}

/// A pause record, in memory.
#[derive(Clone, Copy)]
#[allow(
    clippy::struct_field_names,
    reason = "the names are `pauseState`'s: pausedAt, lapsesAt, lastLapseAt"
)]
struct Pause {
    /// When the pause started; 0 when not paused.
    paused_at: u64,
    /// When it lapses; 0 when never.
    lapses_at: u64,
    /// When the last guardian pause lapsed; 0 if never.
    last_lapse_at: u64,
}

impl Pause {
    /// The record as it stands at `now`: a pause whose lapse time has come is replaced by its
    /// lapse, returned beside it. The lapse is at `lapses_at` (pauses last
    /// `[paused_at, lapses_at)`), whenever it gets recorded.
    fn settle(self, now: u64) -> (Self, Option<u64>) {
        if self.paused_at != 0 && self.lapses_at != 0 && now >= self.lapses_at {
            let lapsed = Pause { paused_at: 0, lapses_at: 0, last_lapse_at: self.lapses_at };
            (lapsed, Some(self.lapses_at))
        } else {
            (self, None)
        }
    }

    /// Whether the pause is in force at `now`.
    fn is_active(self, now: u64) -> bool {
        self.settle(now).0.paused_at != 0
    }
}

#[public]
impl GovernanceParams {
    /// Registers the admin, the guardian (under [`GUARDIAN_KEY`]) and the initial
    /// parameter set, which must include the four governance keys.
    ///
    /// # Arguments
    ///
    /// * `admin` - The admin (a Safe); non-zero.
    /// * `guardian` - The guardian; zero for none.
    /// * `keys`, `values`, `mins`, `maxs`, `directions` - The initial parameters, one per
    ///   index: key, value, bounds and direction. They must include
    ///   [`TIMELOCK_DELAY_KEY`] (direction 0, `min >= MIN_TIMELOCK_DELAY`),
    ///   [`EXECUTION_WINDOW_KEY`] (direction 1, `min >= 1`), [`MAX_PAUSE_DURATION_KEY`]
    ///   (direction 1, `min >= 1`) and [`PAUSE_COOLDOWN_KEY`] (direction 0), each with
    ///   `max <= MAX_DURATION`.
    ///
    /// # Errors
    ///
    /// * [`Error::InvalidAdmin`] - If `admin` is zero.
    /// * [`Error::LengthMismatch`] - If the arrays differ in length.
    /// * [`Error::ZeroKey`] - If a key is zero.
    /// * [`Error::KeyAlreadyRegistered`] - If a key repeats, or is [`GUARDIAN_KEY`].
    /// * [`Error::InvalidDirection`] - If a direction is above 2, or a governance key's
    ///   direction is not its own.
    /// * [`Error::InvalidBounds`] - If `min > max`, or a governance key's `max` exceeds
    ///   [`MAX_DURATION`].
    /// * [`Error::ValueOutOfBounds`] - If a value is outside its bounds.
    /// * [`Error::DelayBelowMinimum`] - If a governance key's `min` is below its floor.
    /// * [`Error::MissingGovernanceKey`] - If a governance key is missing.
    ///
    /// # Events
    ///
    /// * [`AdminTransferred`] - From zero to `admin`.
    /// * [`ParamRegistered`] - For the guardian key, then for each key in order.
    /// * [`GuardianChanged`] - From zero to `guardian`.
    #[constructor]
    #[allow(
        clippy::too_many_arguments,
        reason = "the constructor's ABI takes the initial set as parallel arrays"
    )]
    #[allow(
        clippy::needless_pass_by_value,
        reason = "ABI arguments are decoded into owned vectors"
    )]
    pub fn constructor(
        &mut self,
        admin: Address,
        guardian: Address,
        keys: Vec<B256>,
        values: Vec<U256>,
        mins: Vec<U256>,
        maxs: Vec<U256>,
        directions: Vec<u8>,
    ) -> Result<(), Error> {
        // ---- Whole-call checks.
        if admin.is_zero() {
            return Err(Error::InvalidAdmin(GovernanceInvalidAdmin { admin }));
        }
        let n = keys.len();
        if values.len() != n || mins.len() != n || maxs.len() != n || directions.len() != n {
            return Err(Error::LengthMismatch(GovernanceLengthMismatch {
                keys: U256::from(n),
                values: U256::from(values.len()),
                mins: U256::from(mins.len()),
                maxs: U256::from(maxs.len()),
                directions: U256::from(directions.len()),
            }));
        }

        // ---- Registration: each entry is checked against the keys registered before it
        // (a failed constructor reverts as a whole), then written.
        self.admin.set(admin);
        let guardian_value = address_to_value(guardian);
        self.write_param(GUARDIAN_KEY, guardian_value, U256::ZERO, MAX_ADDRESS_VALUE, NEITHER);
        for i in 0..n {
            let bounds = Bounds { min: mins[i], max: maxs[i], direction: directions[i] };
            self.check_new_param(keys[i], values[i], bounds)?;
            self.write_param(keys[i], values[i], bounds.min, bounds.max, bounds.direction);
        }
        for key in
            [TIMELOCK_DELAY_KEY, EXECUTION_WINDOW_KEY, MAX_PAUSE_DURATION_KEY, PAUSE_COOLDOWN_KEY]
        {
            if !self.params.getter(key).registered.get() {
                return Err(Error::MissingGovernanceKey(GovernanceMissingGovernanceKey { key }));
            }
        }

        // ---- Events.
        self.emit(AdminTransferred { previousAdmin: Address::ZERO, newAdmin: admin });
        self.emit(ParamRegistered {
            key: GUARDIAN_KEY,
            value: guardian_value,
            min: U256::ZERO,
            max: MAX_ADDRESS_VALUE,
            direction: NEITHER,
        });
        self.emit(GuardianChanged { oldGuardian: Address::ZERO, newGuardian: guardian });
        for i in 0..n {
            self.emit(ParamRegistered {
                key: keys[i],
                value: values[i],
                min: mins[i],
                max: maxs[i],
                direction: directions[i],
            });
        }
        Ok(())
    }

    // =========================================================================================
    // Reads
    // =========================================================================================

    /// Returns the value of `key`.
    ///
    /// # Arguments
    ///
    /// * `key` - A registered key.
    ///
    /// # Errors
    ///
    /// * [`Error::ZeroKey`] - If `key` is zero.
    /// * [`Error::UnknownKey`] - If `key` is not registered.
    pub fn get(&self, key: B256) -> Result<U256, Error> {
        Ok(self.load_param(key)?.0)
    }

    /// Returns the values of `keys`, in order.
    ///
    /// # Arguments
    ///
    /// * `keys` - Registered keys (repeats allowed).
    ///
    /// # Errors
    ///
    /// * [`Error::ZeroKey`] - If a key is zero.
    /// * [`Error::UnknownKey`] - If a key is not registered (the first such key).
    pub fn get_many(&self, keys: Vec<B256>) -> Result<Vec<U256>, Error> {
        let mut values = Vec::with_capacity(keys.len());
        for key in keys {
            values.push(self.load_param(key)?.0);
        }
        Ok(values)
    }

    /// Returns the bounds and direction of `key`.
    ///
    /// # Arguments
    ///
    /// * `key` - A registered key.
    ///
    /// # Errors
    ///
    /// * [`Error::ZeroKey`] - If `key` is zero.
    /// * [`Error::UnknownKey`] - If `key` is not registered.
    pub fn bounds(&self, key: B256) -> Result<(U256, U256, u8), Error> {
        let (_, bounds) = self.load_param(key)?;
        Ok((bounds.min, bounds.max, bounds.direction))
    }

    /// Returns the pending change of `key`: `(kind, value, min, max, direction, eta)`, with
    /// kind 0 (all zero) when nothing is pending, 1 value, 2 registration, 3 bounds; fields a
    /// kind does not use are zero. An expired change is still returned until it is replaced
    /// or cancelled (`eta + executionWindow < now` tells it apart).
    ///
    /// # Arguments
    ///
    /// * `key` - A registered key, or a key with a pending registration.
    ///
    /// # Errors
    ///
    /// * [`Error::ZeroKey`] - If `key` is zero.
    /// * [`Error::UnknownKey`] - If `key` is neither registered nor pending registration.
    pub fn pending_change(&self, key: B256) -> Result<(u8, U256, U256, U256, u8, u64), Error> {
        check_key(key)?;
        let pending = self.load_pending(key);
        if pending.kind == KIND_NONE && !self.params.getter(key).registered.get() {
            return Err(Error::UnknownKey(GovernanceUnknownKey { key }));
        }
        Ok((pending.kind, pending.value, pending.min, pending.max, pending.direction, pending.eta))
    }

    /// Returns whether `scope` is paused: that scope's or [`PROTOCOL_SCOPE`]'s pause is in
    /// force (not lapsed).
    ///
    /// # Arguments
    ///
    /// * `scope` - Any non-zero scope.
    ///
    /// # Errors
    ///
    /// * [`Error::ZeroKey`] - If `scope` is zero.
    pub fn is_paused(&self, scope: B256) -> Result<bool, Error> {
        check_key(scope)?;
        let now = self.now();
        Ok(self.load_pause(scope).is_active(now) || self.load_pause(PROTOCOL_SCOPE).is_active(now))
    }

    /// Returns the pause state of `scope` alone (not [`PROTOCOL_SCOPE`]'s), as it stands
    /// now, with a lapse that has come already applied: `(pausedAt, confirmed, lapsesAt,
    /// lastLapseAt)`. `pausedAt` is 0 when not paused; `lapsesAt` is 0 when the pause never
    /// lapses (confirmed); `lastLapseAt` is when the last guardian pause lapsed (0 if never).
    ///
    /// # Arguments
    ///
    /// * `scope` - Any non-zero scope.
    ///
    /// # Errors
    ///
    /// * [`Error::ZeroKey`] - If `scope` is zero.
    pub fn pause_state(&self, scope: B256) -> Result<(u64, bool, u64, u64), Error> {
        check_key(scope)?;
        let (pause, _) = self.load_pause(scope).settle(self.now());
        let confirmed = pause.paused_at != 0 && pause.lapses_at == 0;
        Ok((pause.paused_at, confirmed, pause.lapses_at, pause.last_lapse_at))
    }

    /// Returns the admin.
    pub fn admin(&self) -> Address {
        self.admin.get()
    }

    /// Returns the proposed admin (zero when none).
    pub fn pending_admin(&self) -> Address {
        self.pending_admin.get()
    }

    /// Returns the guardian (zero when none).
    pub fn guardian(&self) -> Address {
        self.guardian_address()
    }

    /// Returns how many keys are registered, the guardian key included.
    pub fn param_count(&self) -> U256 {
        U256::from(self.param_keys.len())
    }

    /// Returns the key registered at `index` (registration order, from 0; the guardian key
    /// is first).
    ///
    /// # Arguments
    ///
    /// * `index` - An index below `paramCount()`.
    ///
    /// # Errors
    ///
    /// * [`Error::IndexOutOfBounds`] - If `index >= paramCount()`.
    pub fn param_key_at(&self, index: U256) -> Result<B256, Error> {
        self.param_keys.get(index).ok_or_else(|| {
            Error::IndexOutOfBounds(GovernanceIndexOutOfBounds {
                index,
                count: U256::from(self.param_keys.len()),
            })
        })
    }

    /// Returns [`PROTOCOL_SCOPE`], `keccak256("mutual.protocol")`.
    pub fn protocol_scope(&self) -> B256 {
        PROTOCOL_SCOPE
    }

    // =========================================================================================
    // Timelock
    // =========================================================================================

    /// Queues `value` for `key`, executable from `now + timelockDelay`. A pending change of
    /// `key` that has expired is replaced.
    ///
    /// # Arguments
    ///
    /// * `key` - A registered key.
    /// * `value` - The new value, within the key's bounds.
    ///
    /// # Errors
    ///
    /// * [`Error::UnauthorizedAccount`] - If the caller is not the admin (role `ADMIN`).
    /// * [`Error::ZeroKey`] - If `key` is zero.
    /// * [`Error::UnknownKey`] - If `key` is not registered.
    /// * [`Error::ValueOutOfBounds`] - If `value` is outside the key's bounds.
    /// * [`Error::AlreadyQueued`] - If a change of `key` is pending and not expired.
    ///
    /// # Events
    ///
    /// * [`ChangeQueued`] - Kind 1.
    pub fn queue(&mut self, key: B256, value: U256) -> Result<(), Error> {
        self.only_admin()?;
        let (_, bounds) = self.load_param(key)?;
        check_within(key, value, bounds)?;
        let eta = self.next_eta(key)?;

        let change = Pending {
            kind: KIND_VALUE,
            value,
            min: U256::ZERO,
            max: U256::ZERO,
            direction: 0,
            eta,
        };
        self.store_pending(key, change);

        self.emit_queued(key, change);
        Ok(())
    }

    /// Queues the registration of a new `key`, executable from `now + timelockDelay`.
    ///
    /// # Arguments
    ///
    /// * `key` - A key not yet registered.
    /// * `value` - Its initial value, within `[min, max]`.
    /// * `min`, `max` - Its hard bounds.
    /// * `direction` - 0 higher is safer, 1 lower is safer, 2 neither.
    ///
    /// # Errors
    ///
    /// * [`Error::UnauthorizedAccount`] - If the caller is not the admin (role `ADMIN`).
    /// * [`Error::ZeroKey`] - If `key` is zero.
    /// * [`Error::KeyAlreadyRegistered`] - If `key` is registered.
    /// * [`Error::InvalidDirection`] - If `direction > 2`.
    /// * [`Error::InvalidBounds`] - If `min > max`.
    /// * [`Error::ValueOutOfBounds`] - If `value` is outside `[min, max]`.
    /// * [`Error::AlreadyQueued`] - If a change of `key` is pending and not expired.
    ///
    /// # Events
    ///
    /// * [`ChangeQueued`] - Kind 2.
    pub fn queue_register(
        &mut self,
        key: B256,
        value: U256,
        min: U256,
        max: U256,
        direction: u8,
    ) -> Result<(), Error> {
        self.only_admin()?;
        self.check_new_param(key, value, Bounds { min, max, direction })?;
        let eta = self.next_eta(key)?;

        let change = Pending { kind: KIND_REGISTER, value, min, max, direction, eta };
        self.store_pending(key, change);

        self.emit_queued(key, change);
        Ok(())
    }

    /// Queues new bounds `[min, max]` for `key`, executable from `now + timelockDelay`. At
    /// execution the key's value then must lie within them.
    ///
    /// # Arguments
    ///
    /// * `key` - A registered key other than [`GUARDIAN_KEY`].
    /// * `min`, `max` - The new bounds.
    ///
    /// # Errors
    ///
    /// * [`Error::UnauthorizedAccount`] - If the caller is not the admin (role `ADMIN`).
    /// * [`Error::ZeroKey`] - If `key` is zero.
    /// * [`Error::UnknownKey`] - If `key` is not registered.
    /// * [`Error::InvalidBounds`] - If `min > max`, `key` is the guardian key, or a
    ///   governance key's `max` exceeds [`MAX_DURATION`].
    /// * [`Error::DelayBelowMinimum`] - If a governance key's `min` is below its floor.
    /// * [`Error::AlreadyQueued`] - If a change of `key` is pending and not expired.
    ///
    /// # Events
    ///
    /// * [`ChangeQueued`] - Kind 3.
    pub fn queue_bounds(&mut self, key: B256, min: U256, max: U256) -> Result<(), Error> {
        self.only_admin()?;
        let (_, current) = self.load_param(key)?;
        if key == GUARDIAN_KEY || min > max {
            return Err(Error::InvalidBounds(GovernanceInvalidBounds { key, min, max }));
        }
        check_governance_bounds(key, Bounds { min, max, direction: current.direction })?;
        let eta = self.next_eta(key)?;

        let change = Pending { kind: KIND_BOUNDS, value: U256::ZERO, min, max, direction: 0, eta };
        self.store_pending(key, change);

        self.emit_queued(key, change);
        Ok(())
    }

    /// Executes the pending change of `key`. Permissionless: the decision was taken when it
    /// was queued. Allowed while `eta <= now <= eta + executionWindow` (the window read now).
    ///
    /// # Arguments
    ///
    /// * `key` - A key with a pending change.
    ///
    /// # Errors
    ///
    /// * [`Error::ZeroKey`] - If `key` is zero.
    /// * [`Error::NotQueued`] - If nothing is pending for `key`.
    /// * [`Error::TimelockNotReady`] - If `now < eta`.
    /// * [`Error::TimelockExpired`] - If `now > eta + executionWindow`.
    /// * [`Error::ValueOutOfBounds`] - If the new value is outside the key's bounds, or the
    ///   current value outside new bounds.
    /// * [`Error::KeyAlreadyRegistered`] - If a registered key's registration is executed.
    ///
    /// # Events
    ///
    /// * [`ValueChanged`] - Kind 1, plus [`GuardianChanged`] for [`GUARDIAN_KEY`].
    /// * [`ParamRegistered`] - Kind 2.
    /// * [`BoundsChanged`] - Kind 3.
    pub fn execute(&mut self, key: B256) -> Result<(), Error> {
        // ---- Checks: the timelock, then the change against the current state.
        check_key(key)?;
        let change = self.load_pending(key);
        if change.kind == KIND_NONE {
            return Err(Error::NotQueued(GovernanceNotQueued { key }));
        }
        let now = self.now();
        if now < change.eta {
            return Err(Error::TimelockNotReady(GovernanceTimelockNotReady {
                key,
                eta: change.eta,
                currentTime: now,
            }));
        }
        let deadline = self.deadline(change.eta);
        if now > deadline {
            return Err(Error::TimelockExpired(GovernanceTimelockExpired {
                key,
                deadline,
                currentTime: now,
            }));
        }
        let param = self.params.getter(key);
        let (old_value, old_min, old_max) = (param.value.get(), param.min.get(), param.max.get());
        let registered = param.registered.get();
        let direction = u8_of(param.direction.get());
        match change.kind {
            KIND_VALUE => {
                check_within(key, change.value, Bounds { min: old_min, max: old_max, direction })?;
            }
            KIND_REGISTER if registered => {
                return Err(Error::KeyAlreadyRegistered(GovernanceKeyAlreadyRegistered { key }))
            }
            KIND_REGISTER => {}
            _ => {
                check_within(
                    key,
                    old_value,
                    Bounds { min: change.min, max: change.max, direction },
                )?;
            }
        }

        // ---- State changes.
        self.pending.delete(key);
        match change.kind {
            KIND_VALUE => self.params.setter(key).value.set(change.value),
            KIND_REGISTER => {
                self.write_param(key, change.value, change.min, change.max, change.direction);
            }
            _ => {
                let mut param = self.params.setter(key);
                param.min.set(change.min);
                param.max.set(change.max);
            }
        }

        // ---- Events.
        match change.kind {
            KIND_VALUE => {
                self.emit(ValueChanged { key, oldValue: old_value, newValue: change.value });
                if key == GUARDIAN_KEY {
                    self.emit(GuardianChanged {
                        oldGuardian: value_to_address(old_value),
                        newGuardian: value_to_address(change.value),
                    });
                }
            }
            KIND_REGISTER => self.emit(ParamRegistered {
                key,
                value: change.value,
                min: change.min,
                max: change.max,
                direction: change.direction,
            }),
            _ => self.emit(BoundsChanged {
                key,
                oldMin: old_min,
                oldMax: old_max,
                newMin: change.min,
                newMax: change.max,
            }),
        }
        Ok(())
    }

    /// Cancels the pending change of `key` (expired or not).
    ///
    /// # Arguments
    ///
    /// * `key` - A key with a pending change.
    ///
    /// # Errors
    ///
    /// * [`Error::UnauthorizedAccount`] - If the caller is neither the admin nor the guardian
    ///   (role `ADMIN_OR_GUARDIAN`), or is the guardian cancelling a change of
    ///   [`GUARDIAN_KEY`] (role `ADMIN`: a guardian cannot block its own replacement).
    /// * [`Error::ZeroKey`] - If `key` is zero.
    /// * [`Error::NotQueued`] - If nothing is pending for `key`.
    ///
    /// # Events
    ///
    /// * [`ChangeCancelled`].
    pub fn cancel(&mut self, key: B256) -> Result<(), Error> {
        let (account, is_admin) = self.only_admin_or_guardian()?;
        if key == GUARDIAN_KEY && !is_admin {
            return Err(Error::UnauthorizedAccount(GovernanceUnauthorizedAccount {
                account,
                role: ADMIN_ROLE,
            }));
        }
        check_key(key)?;
        let kind = self.load_pending(key).kind;
        if kind == KIND_NONE {
            return Err(Error::NotQueued(GovernanceNotQueued { key }));
        }

        self.pending.delete(key);

        self.emit(ChangeCancelled { key, kind, account });
        Ok(())
    }

    /// Sets `key` to `value` at once, if `value` is within bounds and strictly safer than
    /// the current value in the key's direction. A pending change of `key` stays pending.
    ///
    /// # Arguments
    ///
    /// * `key` - A registered key.
    /// * `value` - The new value.
    ///
    /// # Errors
    ///
    /// * [`Error::UnauthorizedAccount`] - If the caller is neither the admin nor the guardian
    ///   (role `ADMIN_OR_GUARDIAN`).
    /// * [`Error::ZeroKey`] - If `key` is zero.
    /// * [`Error::UnknownKey`] - If `key` is not registered.
    /// * [`Error::ValueOutOfBounds`] - If `value` is outside the key's bounds.
    /// * [`Error::NotTighter`] - If `value` is not strictly safer (always for direction 2).
    ///
    /// # Events
    ///
    /// * [`ValueTightened`].
    pub fn tighten(&mut self, key: B256, value: U256) -> Result<(), Error> {
        let (account, _) = self.only_admin_or_guardian()?;
        let (current, bounds) = self.load_param(key)?;
        check_within(key, value, bounds)?;
        let tighter = match bounds.direction {
            HIGHER_IS_SAFER => value > current,
            LOWER_IS_SAFER => value < current,
            _ => false,
        };
        if !tighter {
            return Err(Error::NotTighter(GovernanceNotTighter { key, current, proposed: value }));
        }

        self.params.setter(key).value.set(value);

        self.emit(ValueTightened { key, oldValue: current, newValue: value, account });
        Ok(())
    }

    // =========================================================================================
    // Pauses
    // =========================================================================================

    /// Pauses `scope` at once. A guardian pause lapses `maxPauseDuration` seconds later
    /// unless the admin confirms it; an admin pause is confirmed at once. A lapse that has
    /// come is recorded first.
    ///
    /// # Arguments
    ///
    /// * `scope` - Any non-zero scope; [`PROTOCOL_SCOPE`] pauses every scope.
    ///
    /// # Errors
    ///
    /// * [`Error::UnauthorizedAccount`] - If the caller is neither the admin nor the guardian
    ///   (role `ADMIN_OR_GUARDIAN`).
    /// * [`Error::ZeroKey`] - If `scope` is zero.
    /// * [`Error::AlreadyPaused`] - If `scope` is paused (not lapsed).
    /// * [`Error::PauseCooldown`] - If the guardian pauses within `pauseCooldown` of the
    ///   scope's last lapse (the admin is exempt).
    ///
    /// # Events
    ///
    /// * [`PauseLapsed`] - If a lapse had come unrecorded.
    /// * [`Paused`].
    pub fn pause(&mut self, scope: B256) -> Result<(), Error> {
        // ---- Checks.
        let (account, is_admin) = self.only_admin_or_guardian()?;
        check_key(scope)?;
        let now = self.now();
        let (record, lapse) = self.load_pause(scope).settle(now);
        if record.paused_at != 0 {
            return Err(Error::AlreadyPaused(GovernanceAlreadyPaused { scope }));
        }
        let lapses_at = if is_admin {
            0
        } else {
            if record.last_lapse_at != 0 {
                let until = self.after(record.last_lapse_at, PAUSE_COOLDOWN_KEY);
                if now < until {
                    return Err(Error::PauseCooldown(GovernancePauseCooldown { scope, until }));
                }
            }
            self.after(now, MAX_PAUSE_DURATION_KEY)
        };

        // ---- State changes.
        self.store_pause(
            scope,
            Pause { paused_at: now, lapses_at, last_lapse_at: record.last_lapse_at },
        );

        // ---- Events.
        if let Some(lapsed_at) = lapse {
            self.emit(PauseLapsed { scope, lapsedAt: lapsed_at });
        }
        self.emit(Paused { scope, account, lapsesAt: lapses_at });
        Ok(())
    }

    /// Unpauses `scope`. If its pause has lapsed already, records the lapse instead.
    ///
    /// # Arguments
    ///
    /// * `scope` - A paused scope.
    ///
    /// # Errors
    ///
    /// * [`Error::UnauthorizedAccount`] - If the caller is not the admin (role `ADMIN`).
    /// * [`Error::ZeroKey`] - If `scope` is zero.
    /// * [`Error::NotPaused`] - If `scope` is not paused and has no unrecorded lapse.
    ///
    /// # Events
    ///
    /// * [`Unpaused`] - If the pause was in force.
    /// * [`PauseLapsed`] - If it had lapsed.
    pub fn unpause(&mut self, scope: B256) -> Result<(), Error> {
        let account = self.only_admin()?;
        check_key(scope)?;
        let stored = self.load_pause(scope);
        if stored.paused_at == 0 {
            return Err(Error::NotPaused(GovernanceNotPaused { scope }));
        }
        let (record, lapse) = stored.settle(self.now());

        self.store_pause(
            scope,
            Pause { paused_at: 0, lapses_at: 0, last_lapse_at: record.last_lapse_at },
        );

        match lapse {
            Some(lapsed_at) => self.emit(PauseLapsed { scope, lapsedAt: lapsed_at }),
            None => self.emit(Unpaused { scope, account }),
        }
        Ok(())
    }

    /// Confirms the pause of `scope`: it no longer lapses.
    ///
    /// # Arguments
    ///
    /// * `scope` - A scope whose pause is in force.
    ///
    /// # Errors
    ///
    /// * [`Error::UnauthorizedAccount`] - If the caller is not the admin (role `ADMIN`).
    /// * [`Error::ZeroKey`] - If `scope` is zero.
    /// * [`Error::NotPaused`] - If `scope` is not paused, or its pause has lapsed.
    /// * [`Error::PauseAlreadyConfirmed`] - If the pause is already confirmed.
    ///
    /// # Events
    ///
    /// * [`PauseConfirmed`].
    pub fn confirm_pause(&mut self, scope: B256) -> Result<(), Error> {
        let account = self.only_admin()?;
        check_key(scope)?;
        let (record, _) = self.load_pause(scope).settle(self.now());
        if record.paused_at == 0 {
            return Err(Error::NotPaused(GovernanceNotPaused { scope }));
        }
        if record.lapses_at == 0 {
            return Err(Error::PauseAlreadyConfirmed(GovernancePauseAlreadyConfirmed { scope }));
        }

        self.store_pause(scope, Pause { lapses_at: 0, ..record });

        self.emit(PauseConfirmed { scope, account });
        Ok(())
    }

    /// Records the lapse of the pause of `scope`. Permissionless: lapses happen by time;
    /// this only writes them down (and starts nothing new: the cooldown runs from the
    /// lapse time either way).
    ///
    /// # Arguments
    ///
    /// * `scope` - A scope whose pause has lapsed unrecorded.
    ///
    /// # Errors
    ///
    /// * [`Error::ZeroKey`] - If `scope` is zero.
    /// * [`Error::NotPaused`] - If `scope` has no pause (in force or lapsed) on record.
    /// * [`Error::PauseNotLapsed`] - If the pause is still in force.
    ///
    /// # Events
    ///
    /// * [`PauseLapsed`].
    pub fn clear_lapsed_pause(&mut self, scope: B256) -> Result<(), Error> {
        check_key(scope)?;
        let stored = self.load_pause(scope);
        if stored.paused_at == 0 {
            return Err(Error::NotPaused(GovernanceNotPaused { scope }));
        }
        let (record, lapse) = stored.settle(self.now());
        let Some(lapsed_at) = lapse else {
            return Err(Error::PauseNotLapsed(GovernancePauseNotLapsed {
                scope,
                lapsesAt: stored.lapses_at,
            }));
        };

        self.store_pause(scope, record);

        self.emit(PauseLapsed { scope, lapsedAt: lapsed_at });
        Ok(())
    }

    // =========================================================================================
    // Admin
    // =========================================================================================

    /// Proposes `candidate` as the next admin, replacing any earlier proposal; zero cancels
    /// the proposal. The transfer completes when `candidate` calls `acceptAdmin`.
    ///
    /// # Arguments
    ///
    /// * `candidate` - The proposed admin, or zero to cancel.
    ///
    /// # Errors
    ///
    /// * [`Error::UnauthorizedAccount`] - If the caller is not the admin (role `ADMIN`).
    ///
    /// # Events
    ///
    /// * [`AdminProposed`].
    pub fn propose_admin(&mut self, candidate: Address) -> Result<(), Error> {
        let admin = self.only_admin()?;

        self.pending_admin.set(candidate);

        self.emit(AdminProposed { admin, pendingAdmin: candidate });
        Ok(())
    }

    /// Accepts the admin role proposed to the caller.
    ///
    /// # Errors
    ///
    /// * [`Error::UnauthorizedAccount`] - If the caller is not the proposed admin (role
    ///   `PENDING_ADMIN`), including when no admin is proposed.
    ///
    /// # Events
    ///
    /// * [`AdminTransferred`].
    pub fn accept_admin(&mut self) -> Result<(), Error> {
        let account = self.vm().msg_sender();
        if account != self.pending_admin.get() {
            return Err(Error::UnauthorizedAccount(GovernanceUnauthorizedAccount {
                account,
                role: PENDING_ADMIN_ROLE,
            }));
        }
        let previous = self.admin.get();

        self.admin.set(account);
        self.pending_admin.set(Address::ZERO);

        self.emit(AdminTransferred { previousAdmin: previous, newAdmin: account });
        Ok(())
    }
}

// =============================================================================================
// Internal helpers
// =============================================================================================

impl GovernanceParams {
    /// The current time in seconds (the block timestamp; plus the test offset in tests).
    fn now(&self) -> u64 {
        clock::now(self.vm().block_timestamp())
    }

    /// Emits `event` (see [`LogWords`]).
    fn emit(&self, event: impl LogWords) {
        event.with_words(|topics, data| self.emit_words(topics, data));
    }

    /// Emits a log of `topics` and `data` words: the one log encoder of the contract.
    fn emit_words(&self, topics: &[B256], data: &[U256]) {
        let mut bytes = Vec::with_capacity(32 * (topics.len() + data.len()));
        for topic in topics {
            bytes.extend_from_slice(topic.as_slice());
        }
        for word in data {
            bytes.extend_from_slice(&word.to_be_bytes::<32>());
        }
        self.vm().emit_log(&bytes, topics.len());
    }

    /// Returns the caller if it is the admin.
    fn only_admin(&self) -> Result<Address, Error> {
        let account = self.vm().msg_sender();
        if account != self.admin.get() {
            return Err(Error::UnauthorizedAccount(GovernanceUnauthorizedAccount {
                account,
                role: ADMIN_ROLE,
            }));
        }
        Ok(account)
    }

    /// Returns the caller and whether it is the admin, if it is the admin or the guardian.
    /// A guardian that is also the admin counts as the admin.
    fn only_admin_or_guardian(&self) -> Result<(Address, bool), Error> {
        let account = self.vm().msg_sender();
        if account == self.admin.get() {
            return Ok((account, true));
        }
        if account == self.guardian_address() {
            return Ok((account, false));
        }
        Err(Error::UnauthorizedAccount(GovernanceUnauthorizedAccount {
            account,
            role: ADMIN_OR_GUARDIAN_ROLE,
        }))
    }

    /// The guardian's address, from [`GUARDIAN_KEY`].
    fn guardian_address(&self) -> Address {
        value_to_address(self.params.getter(GUARDIAN_KEY).value.get())
    }

    /// The value and bounds of registered `key`.
    fn load_param(&self, key: B256) -> Result<(U256, Bounds), Error> {
        check_key(key)?;
        let param = self.params.getter(key);
        if !param.registered.get() {
            return Err(Error::UnknownKey(GovernanceUnknownKey { key }));
        }
        let bounds = Bounds {
            min: param.min.get(),
            max: param.max.get(),
            direction: u8_of(param.direction.get()),
        };
        Ok((param.value.get(), bounds))
    }

    /// Checks a parameter about to be registered: non-zero and new key, valid direction
    /// and bounds, value within them, and a governance key's own constraints.
    fn check_new_param(&self, key: B256, value: U256, bounds: Bounds) -> Result<(), Error> {
        check_key(key)?;
        if self.params.getter(key).registered.get() {
            return Err(Error::KeyAlreadyRegistered(GovernanceKeyAlreadyRegistered { key }));
        }
        if bounds.direction > NEITHER {
            return Err(Error::InvalidDirection(GovernanceInvalidDirection {
                key,
                direction: bounds.direction,
            }));
        }
        if bounds.min > bounds.max {
            return Err(Error::InvalidBounds(GovernanceInvalidBounds {
                key,
                min: bounds.min,
                max: bounds.max,
            }));
        }
        check_within(key, value, bounds)?;
        check_governance_bounds(key, bounds)
    }

    /// Registers `key` (no checks).
    fn write_param(&mut self, key: B256, value: U256, min: U256, max: U256, direction: u8) {
        let mut param = self.params.setter(key);
        param.value.set(value);
        param.min.set(min);
        param.max.set(max);
        param.direction.set(U8::from(direction));
        param.registered.set(true);
        self.param_keys.push(key);
    }

    /// `time` plus the governance duration under `key` (timelock delay, execution window,
    /// max pause duration or pause cooldown), in seconds.
    fn after(&self, time: u64, key: B256) -> u64 {
        let duration = self.params.getter(key).value.get();
        // The constructor and `queueBounds` keep each governance duration's max at or below
        // MAX_DURATION = 2^32 - 1, and every value within its bounds; so the duration fits
        // in u64, and `time` (a timestamp, or a timestamp plus one such duration) plus it
        // stays far below 2^64.
        let duration =
            u64::try_from(duration).expect("GovernanceParams::after: duration <= MAX_DURATION");
        time.checked_add(duration).expect("GovernanceParams::after: time + duration < 2^64")
    }

    /// The last second at which a change with `eta` can execute: `eta + executionWindow`.
    fn deadline(&self, eta: u64) -> u64 {
        self.after(eta, EXECUTION_WINDOW_KEY)
    }

    /// The eta of a change of `key` queued now, if none is pending (or the pending one
    /// expired).
    fn next_eta(&self, key: B256) -> Result<u64, Error> {
        let now = self.now();
        let pending = self.load_pending(key);
        if pending.kind != KIND_NONE && now <= self.deadline(pending.eta) {
            return Err(Error::AlreadyQueued(GovernanceAlreadyQueued { key, eta: pending.eta }));
        }
        Ok(self.after(now, TIMELOCK_DELAY_KEY))
    }

    /// The pending change of `key`.
    fn load_pending(&self, key: B256) -> Pending {
        let pending = self.pending.getter(key);
        Pending {
            kind: u8_of(pending.kind.get()),
            value: pending.value.get(),
            min: pending.min.get(),
            max: pending.max.get(),
            direction: u8_of(pending.direction.get()),
            eta: u64_of(pending.eta.get()),
        }
    }

    /// Stores `change` as the pending change of `key`.
    fn store_pending(&mut self, key: B256, change: Pending) {
        let mut pending = self.pending.setter(key);
        pending.kind.set(U8::from(change.kind));
        pending.direction.set(U8::from(change.direction));
        pending.eta.set(U64::from(change.eta));
        pending.value.set(change.value);
        pending.min.set(change.min);
        pending.max.set(change.max);
    }

    /// Emits [`ChangeQueued`] for `change`.
    fn emit_queued(&self, key: B256, change: Pending) {
        self.emit(ChangeQueued {
            key,
            kind: change.kind,
            value: change.value,
            min: change.min,
            max: change.max,
            direction: change.direction,
            eta: change.eta,
        });
    }

    /// The stored pause record of `scope`.
    fn load_pause(&self, scope: B256) -> Pause {
        let record = self.pauses.getter(scope);
        Pause {
            paused_at: u64_of(record.paused_at.get()),
            lapses_at: u64_of(record.lapses_at.get()),
            last_lapse_at: u64_of(record.last_lapse_at.get()),
        }
    }

    /// Stores `pause` as the record of `scope`.
    fn store_pause(&mut self, scope: B256, pause: Pause) {
        let mut record = self.pauses.setter(scope);
        record.paused_at.set(U64::from(pause.paused_at));
        record.lapses_at.set(U64::from(pause.lapses_at));
        record.last_lapse_at.set(U64::from(pause.last_lapse_at));
    }
}

/// Rejects the zero key or scope.
fn check_key(key: B256) -> Result<(), Error> {
    if key.is_zero() {
        return Err(Error::ZeroKey(GovernanceZeroKey {}));
    }
    Ok(())
}

/// Checks `min <= value <= max`.
fn check_within(key: B256, value: U256, bounds: Bounds) -> Result<(), Error> {
    if value < bounds.min || value > bounds.max {
        return Err(Error::ValueOutOfBounds(GovernanceValueOutOfBounds {
            key,
            value,
            min: bounds.min,
            max: bounds.max,
        }));
    }
    Ok(())
}

/// Checks the constraints of the four governance durations (any other key passes): their
/// own direction, a minimum at or above the floor, a maximum at or below [`MAX_DURATION`].
fn check_governance_bounds(key: B256, bounds: Bounds) -> Result<(), Error> {
    let (direction, floor) = if key == TIMELOCK_DELAY_KEY {
        (HIGHER_IS_SAFER, MIN_TIMELOCK_DELAY)
    } else if key == EXECUTION_WINDOW_KEY || key == MAX_PAUSE_DURATION_KEY {
        (LOWER_IS_SAFER, 1)
    } else if key == PAUSE_COOLDOWN_KEY {
        (HIGHER_IS_SAFER, 0)
    } else {
        return Ok(());
    };
    if bounds.direction != direction {
        return Err(Error::InvalidDirection(GovernanceInvalidDirection {
            key,
            direction: bounds.direction,
        }));
    }
    if bounds.min < U256::from(floor) {
        return Err(Error::DelayBelowMinimum(GovernanceDelayBelowMinimum {
            delay: bounds.min,
            minimum: U256::from(floor),
        }));
    }
    if bounds.max > U256::from(MAX_DURATION) {
        return Err(Error::InvalidBounds(GovernanceInvalidBounds {
            key,
            min: bounds.min,
            max: bounds.max,
        }));
    }
    Ok(())
}

/// `uint256(uint160(account))`.
fn address_to_value(account: Address) -> U256 {
    U256::from_be_bytes(account.into_word().0)
}

/// `address(uint160(value))`; exact for values within the guardian key's bounds.
fn value_to_address(value: U256) -> Address {
    Address::from_word(B256::from(value.to_be_bytes::<32>()))
}

/// A stored `uint8` as `u8` (exact: it has one byte).
fn u8_of(value: U8) -> u8 {
    value.byte(0)
}

/// A stored `uint64` as `u64` (exact: it has one 64-bit limb).
fn u64_of(value: U64) -> u64 {
    value.as_limbs()[0]
}
