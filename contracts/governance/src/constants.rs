//! Keys, scopes, roles, directions, change kinds and limits of `GovernanceParams`.
//!
//! Every `bytes32` constant is the keccak-256 of its documented string, computed at compile
//! time, so tools can derive them the same way (`cast keccak "governance.timelockDelay"`).

use alloy_primitives::{B256, U256};
use stylus_sdk::keccak_const::Keccak256;

/// keccak-256 of `input`, at compile time.
const fn keccak(input: &[u8]) -> B256 {
    B256::new(Keccak256::new().update(input).finalize())
}

/// `keccak256("governance.timelockDelay")`: seconds between `queue*` and the earliest
/// `execute`. Higher is safer; its registered minimum must be at least
/// [`MIN_TIMELOCK_DELAY`].
pub const TIMELOCK_DELAY_KEY: B256 = keccak(b"governance.timelockDelay");

/// `keccak256("governance.executionWindow")`: seconds after the eta during which a queued
/// change can still be executed (read at execution). Lower is safer; minimum at least 1.
pub const EXECUTION_WINDOW_KEY: B256 = keccak(b"governance.executionWindow");

/// `keccak256("governance.maxPauseDuration")`: seconds after which an unconfirmed (guardian)
/// pause lapses, fixed when the pause starts. Lower is safer; minimum at least 1.
pub const MAX_PAUSE_DURATION_KEY: B256 = keccak(b"governance.maxPauseDuration");

/// `keccak256("governance.pauseCooldown")`: seconds after a guardian pause lapsed during
/// which the guardian cannot pause that scope again. Higher is safer.
pub const PAUSE_COOLDOWN_KEY: B256 = keccak(b"governance.pauseCooldown");

/// `keccak256("governance.guardian")`: the guardian, as `uint256(uint160(address))`,
/// bounds `[0, 2^160 - 1]`, direction [`NEITHER`]. Registered by the constructor; changed
/// only through the timelock. Zero means no guardian.
pub const GUARDIAN_KEY: B256 = keccak(b"governance.guardian");

/// `keccak256("mutual.protocol")`: the scope whose pause pauses every scope.
pub const PROTOCOL_SCOPE: B256 = keccak(b"mutual.protocol");

/// `keccak256("ADMIN")`: the role named by `GovernanceUnauthorizedAccount` when a call
/// needs the admin.
pub const ADMIN_ROLE: B256 = keccak(b"ADMIN");

/// `keccak256("GUARDIAN")`: the role named by `GovernanceUnauthorizedAccount` when the
/// guardian is not allowed to do what the admin could (cancel a guardian change).
pub const GUARDIAN_ROLE: B256 = keccak(b"GUARDIAN");

/// `keccak256("ADMIN_OR_GUARDIAN")`: the role named when a call needs the admin or the
/// guardian.
pub const ADMIN_OR_GUARDIAN_ROLE: B256 = keccak(b"ADMIN_OR_GUARDIAN");

/// `keccak256("PENDING_ADMIN")`: the role named when `acceptAdmin` is not called by the
/// proposed admin.
pub const PENDING_ADMIN_ROLE: B256 = keccak(b"PENDING_ADMIN");

/// Direction `0`: a higher value is safer (e.g. a margin buffer); raising it is tightening.
pub const HIGHER_IS_SAFER: u8 = 0;
/// Direction `1`: a lower value is safer (e.g. a utilization cap); lowering it is tightening.
pub const LOWER_IS_SAFER: u8 = 1;
/// Direction `2`: neither (addresses, identifiers); every change goes through the timelock.
pub const NEITHER: u8 = 2;

/// Pending change kind `0`: nothing queued.
pub const KIND_NONE: u8 = 0;
/// Pending change kind `1`: a new value for a registered key.
pub const KIND_VALUE: u8 = 1;
/// Pending change kind `2`: the registration of a new key (value, bounds, direction).
pub const KIND_REGISTER: u8 = 2;
/// Pending change kind `3`: new bounds for a registered key.
pub const KIND_BOUNDS: u8 = 3;

/// The smallest registered minimum of [`TIMELOCK_DELAY_KEY`]: one hour (3,600 s). No
/// sequence of calls can bring the delay below it.
pub const MIN_TIMELOCK_DELAY: u64 = 3600;

/// The largest registered maximum of the four governance durations: `2^32 - 1` seconds
/// (about 136 years). It keeps every time sum (`now + delay + window`) far inside `u64`.
pub const MAX_DURATION: u64 = u32::MAX as u64;

/// `2^160 - 1`: the largest value of [`GUARDIAN_KEY`] (an address).
pub const MAX_ADDRESS_VALUE: U256 = U256::from_limbs([u64::MAX, u64::MAX, u32::MAX as u64, 0]);
