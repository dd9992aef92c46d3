//! The errors of `GovernanceParams`: one `sol!` block, EIP-6093 style, each carrying the
//! offending values.

use alloc::vec::Vec;

use alloy_primitives::U256;
use mutual_contract_kit::abi::{revert_data, word, word_address, word_u64};
use stylus_sdk::alloy_sol_types::{sol, SolError};

sol! {
    /// Thrown when a key or scope is `bytes32(0)`, which is invalid everywhere.
    #[derive(Debug, PartialEq, Eq)]
    error GovernanceZeroKey();

    /// Thrown when `key` is not registered (reads, `queue`, `queueBounds`, `tighten`).
    #[derive(Debug, PartialEq, Eq)]
    error GovernanceUnknownKey(bytes32 key);

    /// Thrown when registering `key` (constructor, `queueRegister`, or executing a
    /// registration) while it is already registered.
    #[derive(Debug, PartialEq, Eq)]
    error GovernanceKeyAlreadyRegistered(bytes32 key);

    /// Thrown when `value` is outside `[min, max]`: a registration, a queued or executed
    /// value, a tightening, or the current value against bounds being executed.
    #[derive(Debug, PartialEq, Eq)]
    error GovernanceValueOutOfBounds(bytes32 key, uint256 value, uint256 min, uint256 max);

    /// Thrown when bounds are invalid: `min > max`; any change of the guardian key's
    /// bounds; a governance duration's `max` above `MAX_DURATION` (2^32 - 1 s).
    #[derive(Debug, PartialEq, Eq)]
    error GovernanceInvalidBounds(bytes32 key, uint256 min, uint256 max);

    /// Thrown when `direction` is not 0, 1 or 2, or a governance key is registered with a
    /// direction other than its own (delay and cooldown: 0; window and pause duration: 1).
    #[derive(Debug, PartialEq, Eq)]
    error GovernanceInvalidDirection(bytes32 key, uint8 direction);

    /// Thrown by `tighten` when `proposed` is not strictly safer than `current` in the
    /// key's direction (always for direction-2 keys).
    #[derive(Debug, PartialEq, Eq)]
    error GovernanceNotTighter(bytes32 key, uint256 current, uint256 proposed);

    /// Thrown when queueing for `key` while a change is pending and not expired; `eta` is
    /// the pending change's.
    #[derive(Debug, PartialEq, Eq)]
    error GovernanceAlreadyQueued(bytes32 key, uint64 eta);

    /// Thrown by `execute` and `cancel` when no change is pending for `key` (never queued,
    /// cancelled or already executed).
    #[derive(Debug, PartialEq, Eq)]
    error GovernanceNotQueued(bytes32 key);

    /// Thrown by `execute` before the eta: `currentTime < eta`.
    #[derive(Debug, PartialEq, Eq)]
    error GovernanceTimelockNotReady(bytes32 key, uint64 eta, uint64 currentTime);

    /// Thrown by `execute` after the window: `currentTime > deadline = eta + executionWindow`.
    #[derive(Debug, PartialEq, Eq)]
    error GovernanceTimelockExpired(bytes32 key, uint64 deadline, uint64 currentTime);

    /// Thrown when a governance duration's registered minimum `delay` is below `minimum`
    /// (timelock delay: `MIN_TIMELOCK_DELAY`; execution window and max pause duration: 1).
    #[derive(Debug, PartialEq, Eq)]
    error GovernanceDelayBelowMinimum(uint256 delay, uint256 minimum);

    /// Thrown when `account` lacks `role` (`keccak256("ADMIN")`, `"GUARDIAN"`,
    /// `"ADMIN_OR_GUARDIAN"` or `"PENDING_ADMIN"`).
    #[derive(Debug, PartialEq, Eq)]
    error GovernanceUnauthorizedAccount(address account, bytes32 role);

    /// Thrown by the constructor when `admin` is the zero address.
    #[derive(Debug, PartialEq, Eq)]
    error GovernanceInvalidAdmin(address admin);

    /// Thrown by the constructor when its parameter arrays differ in length.
    #[derive(Debug, PartialEq, Eq)]
    error GovernanceLengthMismatch(
        uint256 keys,
        uint256 values,
        uint256 mins,
        uint256 maxs,
        uint256 directions
    );

    /// Thrown by the constructor when governance key `key` is not in the initial set.
    #[derive(Debug, PartialEq, Eq)]
    error GovernanceMissingGovernanceKey(bytes32 key);

    /// Thrown by `pause` when `scope` is already paused (and not lapsed).
    #[derive(Debug, PartialEq, Eq)]
    error GovernanceAlreadyPaused(bytes32 scope);

    /// Thrown by `unpause`, `confirmPause` and `clearLapsedPause` when `scope` is not
    /// paused (`confirmPause`: or its pause has lapsed).
    #[derive(Debug, PartialEq, Eq)]
    error GovernanceNotPaused(bytes32 scope);

    /// Thrown by `confirmPause` when the pause of `scope` is already confirmed.
    #[derive(Debug, PartialEq, Eq)]
    error GovernancePauseAlreadyConfirmed(bytes32 scope);

    /// Thrown by `clearLapsedPause` while the pause of `scope` is still in force;
    /// `lapsesAt` is 0 for a confirmed pause.
    #[derive(Debug, PartialEq, Eq)]
    error GovernancePauseNotLapsed(bytes32 scope, uint64 lapsesAt);

    /// Thrown by a guardian `pause` of `scope` before `until`: the last guardian pause of
    /// `scope` lapsed less than `pauseCooldown` ago.
    #[derive(Debug, PartialEq, Eq)]
    error GovernancePauseCooldown(bytes32 scope, uint64 until);

    /// Thrown by `paramKeyAt` when `index >= count`.
    #[derive(Debug, PartialEq, Eq)]
    error GovernanceIndexOutOfBounds(uint256 index, uint256 count);
}

/// Every error of `GovernanceParams`.
///
/// Its revert data is encoded by hand (the `From<Error> for Vec<u8>` impl below):
/// every field is a static ABI type, so an error is its selector and one word per field;
/// one small encoder then serves all variants instead of the `SolidityError` derive's
/// generic encoder per variant (about 3 KB of wasm). A test checks each variant against
/// `SolError::abi_encode`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Error {
    /// See [`GovernanceZeroKey`].
    ZeroKey(GovernanceZeroKey),
    /// See [`GovernanceUnknownKey`].
    UnknownKey(GovernanceUnknownKey),
    /// See [`GovernanceKeyAlreadyRegistered`].
    KeyAlreadyRegistered(GovernanceKeyAlreadyRegistered),
    /// See [`GovernanceValueOutOfBounds`].
    ValueOutOfBounds(GovernanceValueOutOfBounds),
    /// See [`GovernanceInvalidBounds`].
    InvalidBounds(GovernanceInvalidBounds),
    /// See [`GovernanceInvalidDirection`].
    InvalidDirection(GovernanceInvalidDirection),
    /// See [`GovernanceNotTighter`].
    NotTighter(GovernanceNotTighter),
    /// See [`GovernanceAlreadyQueued`].
    AlreadyQueued(GovernanceAlreadyQueued),
    /// See [`GovernanceNotQueued`].
    NotQueued(GovernanceNotQueued),
    /// See [`GovernanceTimelockNotReady`].
    TimelockNotReady(GovernanceTimelockNotReady),
    /// See [`GovernanceTimelockExpired`].
    TimelockExpired(GovernanceTimelockExpired),
    /// See [`GovernanceDelayBelowMinimum`].
    DelayBelowMinimum(GovernanceDelayBelowMinimum),
    /// See [`GovernanceUnauthorizedAccount`].
    UnauthorizedAccount(GovernanceUnauthorizedAccount),
    /// See [`GovernanceInvalidAdmin`].
    InvalidAdmin(GovernanceInvalidAdmin),
    /// See [`GovernanceLengthMismatch`].
    LengthMismatch(GovernanceLengthMismatch),
    /// See [`GovernanceMissingGovernanceKey`].
    MissingGovernanceKey(GovernanceMissingGovernanceKey),
    /// See [`GovernanceAlreadyPaused`].
    AlreadyPaused(GovernanceAlreadyPaused),
    /// See [`GovernanceNotPaused`].
    NotPaused(GovernanceNotPaused),
    /// See [`GovernancePauseAlreadyConfirmed`].
    PauseAlreadyConfirmed(GovernancePauseAlreadyConfirmed),
    /// See [`GovernancePauseNotLapsed`].
    PauseNotLapsed(GovernancePauseNotLapsed),
    /// See [`GovernancePauseCooldown`].
    PauseCooldown(GovernancePauseCooldown),
    /// See [`GovernanceIndexOutOfBounds`].
    IndexOutOfBounds(GovernanceIndexOutOfBounds),
}

impl From<Error> for Vec<u8> {
    fn from(error: Error) -> Vec<u8> {
        match error {
            Error::ZeroKey(_) => revert_data(GovernanceZeroKey::SELECTOR, &[]),
            Error::UnknownKey(e) => revert_data(GovernanceUnknownKey::SELECTOR, &[e.key]),
            Error::KeyAlreadyRegistered(e) => {
                revert_data(GovernanceKeyAlreadyRegistered::SELECTOR, &[e.key])
            }
            Error::ValueOutOfBounds(e) => revert_data(
                GovernanceValueOutOfBounds::SELECTOR,
                &[e.key, word(e.value), word(e.min), word(e.max)],
            ),
            Error::InvalidBounds(e) => {
                revert_data(GovernanceInvalidBounds::SELECTOR, &[e.key, word(e.min), word(e.max)])
            }
            Error::InvalidDirection(e) => revert_data(
                GovernanceInvalidDirection::SELECTOR,
                &[e.key, word(U256::from(e.direction))],
            ),
            Error::NotTighter(e) => revert_data(
                GovernanceNotTighter::SELECTOR,
                &[e.key, word(e.current), word(e.proposed)],
            ),
            Error::AlreadyQueued(e) => {
                revert_data(GovernanceAlreadyQueued::SELECTOR, &[e.key, word_u64(e.eta)])
            }
            Error::NotQueued(e) => revert_data(GovernanceNotQueued::SELECTOR, &[e.key]),
            Error::TimelockNotReady(e) => revert_data(
                GovernanceTimelockNotReady::SELECTOR,
                &[e.key, word_u64(e.eta), word_u64(e.currentTime)],
            ),
            Error::TimelockExpired(e) => revert_data(
                GovernanceTimelockExpired::SELECTOR,
                &[e.key, word_u64(e.deadline), word_u64(e.currentTime)],
            ),
            Error::DelayBelowMinimum(e) => revert_data(
                GovernanceDelayBelowMinimum::SELECTOR,
                &[word(e.delay), word(e.minimum)],
            ),
            Error::UnauthorizedAccount(e) => revert_data(
                GovernanceUnauthorizedAccount::SELECTOR,
                &[word_address(e.account), e.role],
            ),
            Error::InvalidAdmin(e) => {
                revert_data(GovernanceInvalidAdmin::SELECTOR, &[word_address(e.admin)])
            }
            Error::LengthMismatch(e) => revert_data(
                GovernanceLengthMismatch::SELECTOR,
                &[word(e.keys), word(e.values), word(e.mins), word(e.maxs), word(e.directions)],
            ),
            Error::MissingGovernanceKey(e) => {
                revert_data(GovernanceMissingGovernanceKey::SELECTOR, &[e.key])
            }
            Error::AlreadyPaused(e) => revert_data(GovernanceAlreadyPaused::SELECTOR, &[e.scope]),
            Error::NotPaused(e) => revert_data(GovernanceNotPaused::SELECTOR, &[e.scope]),
            Error::PauseAlreadyConfirmed(e) => {
                revert_data(GovernancePauseAlreadyConfirmed::SELECTOR, &[e.scope])
            }
            Error::PauseNotLapsed(e) => {
                revert_data(GovernancePauseNotLapsed::SELECTOR, &[e.scope, word_u64(e.lapsesAt)])
            }
            Error::PauseCooldown(e) => {
                revert_data(GovernancePauseCooldown::SELECTOR, &[e.scope, word_u64(e.until)])
            }
            Error::IndexOutOfBounds(e) => {
                revert_data(GovernanceIndexOutOfBounds::SELECTOR, &[word(e.index), word(e.count)])
            }
        }
    }
}

/// Lists the errors in the exported Solidity interface, as the `SolidityError` derive does.
#[cfg(feature = "export-abi")]
impl stylus_sdk::abi::export::internal::InnerTypes for Error {
    fn inner_types() -> Vec<stylus_sdk::abi::export::internal::InnerType> {
        use alloc::format;
        use core::any::TypeId;

        use stylus_sdk::abi::export::internal::InnerType;

        /// One `error ...;` declaration.
        fn declare<E: SolError + 'static>() -> InnerType {
            InnerType {
                name: format!("error {};", E::SIGNATURE.replace(',', ", ")),
                id: TypeId::of::<E>(),
            }
        }

        alloc::vec![
            declare::<GovernanceZeroKey>(),
            declare::<GovernanceUnknownKey>(),
            declare::<GovernanceKeyAlreadyRegistered>(),
            declare::<GovernanceValueOutOfBounds>(),
            declare::<GovernanceInvalidBounds>(),
            declare::<GovernanceInvalidDirection>(),
            declare::<GovernanceNotTighter>(),
            declare::<GovernanceAlreadyQueued>(),
            declare::<GovernanceNotQueued>(),
            declare::<GovernanceTimelockNotReady>(),
            declare::<GovernanceTimelockExpired>(),
            declare::<GovernanceDelayBelowMinimum>(),
            declare::<GovernanceUnauthorizedAccount>(),
            declare::<GovernanceInvalidAdmin>(),
            declare::<GovernanceLengthMismatch>(),
            declare::<GovernanceMissingGovernanceKey>(),
            declare::<GovernanceAlreadyPaused>(),
            declare::<GovernanceNotPaused>(),
            declare::<GovernancePauseAlreadyConfirmed>(),
            declare::<GovernancePauseNotLapsed>(),
            declare::<GovernancePauseCooldown>(),
            declare::<GovernanceIndexOutOfBounds>(),
        ]
    }
}
