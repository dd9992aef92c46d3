//! Unit tests of `GovernanceParams` (motsu), with time moved by the clock seam.
//!
//! Every failing call is followed by a re-read of the state it could have touched: motsu
//! keeps storage and events of a call that returns `Err` (only `motsu_unwrap_err` reverts
//! them), so these re-reads would catch a state change made before an error.
#![allow(clippy::too_many_lines, reason = "scenario tests read top to bottom")]

use alloy_primitives::{keccak256, uint, Address, B256, U256};
use alloy_sol_types::SolError;
use motsu::prelude::*;
use mutual_contract_kit::clock;

use super::*;

// ---- Fixture ------------------------------------------------------------------------------

/// motsu 0.10's constant block timestamp (2025-01-01T00:00:00Z).
const T0: u64 = 1_735_689_600;
/// The fixture's timelock delay: 2 days.
const DELAY: u64 = 2 * 86_400;
/// The fixture's execution window: 7 days.
const WINDOW: u64 = 7 * 86_400;
/// The fixture's maximum pause duration: 3 days.
const MAX_PAUSE: u64 = 3 * 86_400;
/// The fixture's pause cooldown: 1 day.
const COOLDOWN: u64 = 86_400;
/// 1e18.
const WAD: U256 = uint!(1_000_000_000_000_000_000_U256);

/// A lower-is-safer key: `keccak256("market.ETH.maxUtilization")`, 0.8 in [0.5, 0.95] WAD.
fn util_key() -> B256 {
    keccak256("market.ETH.maxUtilization")
}
/// A higher-is-safer key: `keccak256("market.ETH.marginBuffer")`, 0.1 in [0.05, 0.5] WAD.
fn buffer_key() -> B256 {
    keccak256("market.ETH.marginBuffer")
}
/// A direction-2 key: `keccak256("market.ETH.oracle")`, an address.
fn oracle_key() -> B256 {
    keccak256("market.ETH.oracle")
}
/// A scope defined by a consumer contract.
fn market_scope() -> B256 {
    keccak256("mutual.market.ETH")
}

/// `x / 100` WAD.
fn pct(x: u64) -> U256 {
    WAD * U256::from(x) / U256::from(100)
}

/// A seconds value as `U256`.
fn secs(x: u64) -> U256 {
    U256::from(x)
}

/// An address as a parameter value.
fn addr_value(account: Address) -> U256 {
    U256::from_be_slice(account.as_slice())
}

/// The oracle address of the fixture.
fn oracle() -> Address {
    Address::repeat_byte(0x0a)
}

/// A constructor parameter set: `(keys, values, mins, maxs, directions)`.
type ParamSet = (Vec<B256>, Vec<U256>, Vec<U256>, Vec<U256>, Vec<u8>);

/// The fixture's initial parameter set.
fn initial_set() -> ParamSet {
    let rows = [
        (TIMELOCK_DELAY_KEY, secs(DELAY), secs(3600), secs(30 * 86_400), HIGHER_IS_SAFER),
        (EXECUTION_WINDOW_KEY, secs(WINDOW), secs(3600), secs(14 * 86_400), LOWER_IS_SAFER),
        (MAX_PAUSE_DURATION_KEY, secs(MAX_PAUSE), secs(3600), secs(7 * 86_400), LOWER_IS_SAFER),
        (PAUSE_COOLDOWN_KEY, secs(COOLDOWN), U256::ZERO, secs(7 * 86_400), HIGHER_IS_SAFER),
        (util_key(), pct(80), pct(50), pct(95), LOWER_IS_SAFER),
        (buffer_key(), pct(10), pct(5), pct(50), HIGHER_IS_SAFER),
        (oracle_key(), addr_value(oracle()), U256::ZERO, MAX_ADDRESS_VALUE, NEITHER),
    ];
    let mut set = (vec![], vec![], vec![], vec![], vec![]);
    for (key, value, min, max, direction) in rows {
        set.0.push(key);
        set.1.push(value);
        set.2.push(min);
        set.3.push(max);
        set.4.push(direction);
    }
    set
}

/// Deploys `contract` with the fixture's set, at time `T0`.
fn deploy(contract: &Contract<GovernanceParams>, admin: Address, guardian: Address) {
    clock::reset();
    let (keys, values, mins, maxs, directions) = initial_set();
    contract
        .sender(admin)
        .constructor(admin, guardian, keys, values, mins, maxs, directions)
        .expect("deploy: fixture");
}

/// Runs the constructor with `set` on a fresh contract and returns its error.
fn construct_err(admin: Address, set: ParamSet) -> Error {
    let contract = Contract::<GovernanceParams>::new();
    let (keys, values, mins, maxs, directions) = set;
    contract
        .sender(admin)
        .constructor(admin, Address::ZERO, keys, values, mins, maxs, directions)
        .expect_err("construct_err: the constructor should fail")
}

/// The set with row `i` replaced by `(value, min, max, direction)`.
fn with_row(i: usize, value: U256, min: U256, max: U256, direction: u8) -> ParamSet {
    let mut set = initial_set();
    set.1[i] = value;
    set.2[i] = min;
    set.3[i] = max;
    set.4[i] = direction;
    set
}

/// The current (test) time.
fn now() -> u64 {
    clock::now(T0)
}

/// Moves the clock to `T0 + offset`.
fn at(offset: u64) {
    clock::set_offset(offset);
}

/// The pending change of `key`.
fn pending(contract: &Contract<GovernanceParams>, key: B256) -> (u8, U256, U256, U256, u8, u64) {
    contract.sender(Address::ZERO).pending_change(key).expect("pending: known key")
}

/// The value of `key`.
fn value(contract: &Contract<GovernanceParams>, key: B256) -> U256 {
    contract.sender(Address::ZERO).get(key).expect("value: known key")
}

/// No pending change.
const NONE: (u8, U256, U256, U256, u8, u64) = (KIND_NONE, U256::ZERO, U256::ZERO, U256::ZERO, 0, 0);

/// `GovernanceUnauthorizedAccount(account, role)`.
fn unauthorized(account: Address, role: B256) -> Error {
    Error::UnauthorizedAccount(GovernanceUnauthorizedAccount { account, role })
}

// ---- Constants ------------------------------------------------------------------------------

#[test]
fn constants_are_the_documented_hashes() {
    assert_eq!(TIMELOCK_DELAY_KEY, keccak256("governance.timelockDelay"));
    assert_eq!(EXECUTION_WINDOW_KEY, keccak256("governance.executionWindow"));
    assert_eq!(MAX_PAUSE_DURATION_KEY, keccak256("governance.maxPauseDuration"));
    assert_eq!(PAUSE_COOLDOWN_KEY, keccak256("governance.pauseCooldown"));
    assert_eq!(GUARDIAN_KEY, keccak256("governance.guardian"));
    assert_eq!(PROTOCOL_SCOPE, keccak256("mutual.protocol"));
    assert_eq!(ADMIN_ROLE, keccak256("ADMIN"));
    assert_eq!(GUARDIAN_ROLE, keccak256("GUARDIAN"));
    assert_eq!(ADMIN_OR_GUARDIAN_ROLE, keccak256("ADMIN_OR_GUARDIAN"));
    assert_eq!(PENDING_ADMIN_ROLE, keccak256("PENDING_ADMIN"));
    // 2^160 - 1
    assert_eq!(MAX_ADDRESS_VALUE, (U256::from(1) << 160) - U256::from(1));
    assert_eq!(MAX_DURATION, 4_294_967_295);
}

#[test]
fn revert_data_is_the_abi_encoding_of_each_error() {
    /// The hand encoding of `wrap(error)` beside `error`'s `sol!` encoding.
    fn case<E: SolError>(wrap: fn(E) -> Error, error: E) -> (Vec<u8>, Vec<u8>) {
        let sol = error.abi_encode();
        (Vec::<u8>::from(wrap(error)), sol)
    }
    let key = B256::repeat_byte(0x11);
    let account = Address::repeat_byte(0x22);
    let (big, small) = (U256::MAX, U256::from(7));
    let cases = [
        case(Error::ZeroKey, GovernanceZeroKey {}),
        case(Error::UnknownKey, GovernanceUnknownKey { key }),
        case(Error::KeyAlreadyRegistered, GovernanceKeyAlreadyRegistered { key }),
        case(
            Error::ValueOutOfBounds,
            GovernanceValueOutOfBounds { key, value: big, min: small, max: WAD },
        ),
        case(Error::InvalidBounds, GovernanceInvalidBounds { key, min: small, max: WAD }),
        case(Error::InvalidDirection, GovernanceInvalidDirection { key, direction: 200 }),
        case(Error::NotTighter, GovernanceNotTighter { key, current: big, proposed: small }),
        case(Error::AlreadyQueued, GovernanceAlreadyQueued { key, eta: u64::MAX }),
        case(Error::NotQueued, GovernanceNotQueued { key }),
        case(
            Error::TimelockNotReady,
            GovernanceTimelockNotReady { key, eta: 5, currentTime: u64::MAX },
        ),
        case(
            Error::TimelockExpired,
            GovernanceTimelockExpired { key, deadline: 9, currentTime: 10 },
        ),
        case(Error::DelayBelowMinimum, GovernanceDelayBelowMinimum { delay: small, minimum: WAD }),
        case(
            Error::UnauthorizedAccount,
            GovernanceUnauthorizedAccount { account, role: ADMIN_ROLE },
        ),
        case(Error::InvalidAdmin, GovernanceInvalidAdmin { admin: account }),
        case(
            Error::LengthMismatch,
            GovernanceLengthMismatch {
                keys: big,
                values: small,
                mins: WAD,
                maxs: small,
                directions: big,
            },
        ),
        case(Error::MissingGovernanceKey, GovernanceMissingGovernanceKey { key }),
        case(Error::AlreadyPaused, GovernanceAlreadyPaused { scope: key }),
        case(Error::NotPaused, GovernanceNotPaused { scope: key }),
        case(Error::PauseAlreadyConfirmed, GovernancePauseAlreadyConfirmed { scope: key }),
        case(Error::PauseNotLapsed, GovernancePauseNotLapsed { scope: key, lapsesAt: 3 }),
        case(Error::PauseCooldown, GovernancePauseCooldown { scope: key, until: 4 }),
        case(Error::IndexOutOfBounds, GovernanceIndexOutOfBounds { index: big, count: small }),
    ];
    // One case per variant (22).
    for (i, (hand, sol)) in cases.into_iter().enumerate() {
        assert_eq!(hand, sol, "case {i}");
    }
}

// ---- Constructor ------------------------------------------------------------------------------

#[motsu::test]
fn constructor_registers_roles_and_the_initial_set(
    contract: Contract<GovernanceParams>,
    admin: Address,
    guardian: Address,
) {
    deploy(&contract, admin, guardian);
    let reader = contract.sender(Address::ZERO);
    assert_eq!(reader.admin(), admin);
    assert_eq!(reader.pending_admin(), Address::ZERO);
    assert_eq!(reader.guardian(), guardian);
    assert_eq!(reader.protocol_scope(), PROTOCOL_SCOPE);
    // The guardian key first, then the 7 keys of the set, in order.
    let (keys, values, mins, maxs, directions) = initial_set();
    assert_eq!(contract.sender(admin).param_count(), U256::from(8));
    assert_eq!(contract.sender(admin).param_key_at(U256::ZERO), Ok(GUARDIAN_KEY));
    assert_eq!(contract.sender(admin).get(GUARDIAN_KEY), Ok(addr_value(guardian)));
    assert_eq!(
        contract.sender(admin).bounds(GUARDIAN_KEY),
        Ok((U256::ZERO, MAX_ADDRESS_VALUE, NEITHER))
    );
    for i in 0..keys.len() {
        assert_eq!(contract.sender(admin).param_key_at(U256::from(i + 1)), Ok(keys[i]));
        assert_eq!(contract.sender(admin).get(keys[i]), Ok(values[i]));
        assert_eq!(contract.sender(admin).bounds(keys[i]), Ok((mins[i], maxs[i], directions[i])));
        assert_eq!(pending(&contract, keys[i]), NONE);
        contract.assert_emitted(&ParamRegistered {
            key: keys[i],
            value: values[i],
            min: mins[i],
            max: maxs[i],
            direction: directions[i],
        });
    }
    contract.assert_emitted(&AdminTransferred { previousAdmin: Address::ZERO, newAdmin: admin });
    contract.assert_emitted(&GuardianChanged { oldGuardian: Address::ZERO, newGuardian: guardian });
    contract.assert_emitted(&ParamRegistered {
        key: GUARDIAN_KEY,
        value: addr_value(guardian),
        min: U256::ZERO,
        max: MAX_ADDRESS_VALUE,
        direction: NEITHER,
    });
    assert_eq!(contract.sender(admin).is_paused(PROTOCOL_SCOPE), Ok(false));
}

#[motsu::test]
fn constructor_rejects_a_zero_admin(contract: Contract<GovernanceParams>, guardian: Address) {
    clock::reset();
    let (keys, values, mins, maxs, directions) = initial_set();
    let err = contract
        .sender(guardian)
        .constructor(Address::ZERO, guardian, keys, values, mins, maxs, directions)
        .unwrap_err();
    assert_eq!(err, Error::InvalidAdmin(GovernanceInvalidAdmin { admin: Address::ZERO }));
    assert_eq!(contract.sender(guardian).admin(), Address::ZERO);
    assert_eq!(contract.sender(guardian).param_count(), U256::ZERO);
}

#[motsu::test]
fn constructor_rejects_mismatched_arrays(admin: Address) {
    clock::reset();
    let lengths = |set: &ParamSet| {
        Error::LengthMismatch(GovernanceLengthMismatch {
            keys: U256::from(set.0.len()),
            values: U256::from(set.1.len()),
            mins: U256::from(set.2.len()),
            maxs: U256::from(set.3.len()),
            directions: U256::from(set.4.len()),
        })
    };
    for field in 0..5 {
        let mut set = initial_set();
        match field {
            0 => drop(set.0.pop()),
            1 => drop(set.1.pop()),
            2 => drop(set.2.pop()),
            3 => drop(set.3.pop()),
            _ => set.4.push(0),
        }
        let expected = lengths(&set);
        assert_eq!(construct_err(admin, set), expected, "array {field}");
    }
}

#[motsu::test]
fn constructor_requires_every_governance_key(admin: Address) {
    clock::reset();
    for (i, key) in
        [TIMELOCK_DELAY_KEY, EXECUTION_WINDOW_KEY, MAX_PAUSE_DURATION_KEY, PAUSE_COOLDOWN_KEY]
            .into_iter()
            .enumerate()
    {
        let mut set = initial_set();
        set.0.remove(i);
        set.1.remove(i);
        set.2.remove(i);
        set.3.remove(i);
        set.4.remove(i);
        assert_eq!(
            construct_err(admin, set),
            Error::MissingGovernanceKey(GovernanceMissingGovernanceKey { key }),
            "governance key {i}"
        );
    }
}

#[motsu::test]
fn constructor_rejects_bad_entries(admin: Address) {
    clock::reset();
    let util = 4; // the row of util_key in the fixture
                  // Zero key.
    let mut set = initial_set();
    set.0[util] = B256::ZERO;
    assert_eq!(construct_err(admin, set), Error::ZeroKey(GovernanceZeroKey {}));
    // Duplicate key.
    let mut set = initial_set();
    set.0[util + 1] = util_key();
    assert_eq!(
        construct_err(admin, set),
        Error::KeyAlreadyRegistered(GovernanceKeyAlreadyRegistered { key: util_key() })
    );
    // The reserved guardian key.
    let mut set = initial_set();
    set.0[util] = GUARDIAN_KEY;
    assert_eq!(
        construct_err(admin, set),
        Error::KeyAlreadyRegistered(GovernanceKeyAlreadyRegistered { key: GUARDIAN_KEY })
    );
    // Direction 3.
    assert_eq!(
        construct_err(admin, with_row(util, pct(80), pct(50), pct(95), 3)),
        Error::InvalidDirection(GovernanceInvalidDirection { key: util_key(), direction: 3 })
    );
    // min > max.
    assert_eq!(
        construct_err(admin, with_row(util, pct(80), pct(96), pct(95), LOWER_IS_SAFER)),
        Error::InvalidBounds(GovernanceInvalidBounds {
            key: util_key(),
            min: pct(96),
            max: pct(95)
        })
    );
    // One unit below min, one above max.
    let below = pct(50) - U256::from(1);
    assert_eq!(
        construct_err(admin, with_row(util, below, pct(50), pct(95), LOWER_IS_SAFER)),
        Error::ValueOutOfBounds(GovernanceValueOutOfBounds {
            key: util_key(),
            value: below,
            min: pct(50),
            max: pct(95)
        })
    );
    let above = pct(95) + U256::from(1);
    assert_eq!(
        construct_err(admin, with_row(util, above, pct(50), pct(95), LOWER_IS_SAFER)),
        Error::ValueOutOfBounds(GovernanceValueOutOfBounds {
            key: util_key(),
            value: above,
            min: pct(50),
            max: pct(95)
        })
    );
}

#[motsu::test]
fn constructor_accepts_values_at_the_bounds(
    contract: Contract<GovernanceParams>,
    other: Contract<GovernanceParams>,
    admin: Address,
) {
    clock::reset();
    for (c, v) in [(&contract, pct(50)), (&other, pct(95))] {
        let (keys, values, mins, maxs, directions) =
            with_row(4, v, pct(50), pct(95), LOWER_IS_SAFER);
        c.sender(admin)
            .constructor(admin, Address::ZERO, keys, values, mins, maxs, directions)
            .expect("bound value");
        assert_eq!(value(c, util_key()), v);
    }
}

#[motsu::test]
fn constructor_enforces_the_governance_keys_constraints(
    admin: Address,
    contract: Contract<GovernanceParams>,
) {
    clock::reset();
    let (delay, window, pause, cooldown) = (0, 1, 2, 3);
    let max = secs(MAX_DURATION);
    // The delay's floor is MIN_TIMELOCK_DELAY: 3599 fails, 3600 passes (below).
    assert_eq!(
        construct_err(
            admin,
            with_row(delay, secs(DELAY), secs(3599), secs(30 * 86_400), HIGHER_IS_SAFER)
        ),
        Error::DelayBelowMinimum(GovernanceDelayBelowMinimum {
            delay: secs(3599),
            minimum: secs(3600)
        })
    );
    // The window and the pause duration have a floor of 1 s.
    assert_eq!(
        construct_err(
            admin,
            with_row(window, secs(WINDOW), U256::ZERO, secs(14 * 86_400), LOWER_IS_SAFER)
        ),
        Error::DelayBelowMinimum(GovernanceDelayBelowMinimum {
            delay: U256::ZERO,
            minimum: secs(1)
        })
    );
    assert_eq!(
        construct_err(
            admin,
            with_row(pause, secs(MAX_PAUSE), U256::ZERO, secs(7 * 86_400), LOWER_IS_SAFER)
        ),
        Error::DelayBelowMinimum(GovernanceDelayBelowMinimum {
            delay: U256::ZERO,
            minimum: secs(1)
        })
    );
    // Each governance key's direction is fixed.
    for (row, wrong) in [
        (delay, LOWER_IS_SAFER),
        (window, HIGHER_IS_SAFER),
        (pause, NEITHER),
        (cooldown, LOWER_IS_SAFER),
    ] {
        let set = initial_set();
        let (key, v, lo, hi) = (set.0[row], set.1[row], set.2[row], set.3[row]);
        assert_eq!(
            construct_err(admin, with_row(row, v, lo, hi, wrong)),
            Error::InvalidDirection(GovernanceInvalidDirection { key, direction: wrong })
        );
    }
    // Durations are capped at MAX_DURATION.
    assert_eq!(
        construct_err(
            admin,
            with_row(cooldown, secs(COOLDOWN), U256::ZERO, max + U256::from(1), HIGHER_IS_SAFER)
        ),
        Error::InvalidBounds(GovernanceInvalidBounds {
            key: PAUSE_COOLDOWN_KEY,
            min: U256::ZERO,
            max: max + U256::from(1)
        })
    );
    // At the edges: delay min 3600, cooldown max MAX_DURATION.
    let mut set = with_row(delay, secs(3600), secs(3600), max, HIGHER_IS_SAFER);
    set.3[cooldown] = max;
    let (keys, values, mins, maxs, directions) = set;
    contract
        .sender(admin)
        .constructor(admin, Address::ZERO, keys, values, mins, maxs, directions)
        .expect("edges");
    assert_eq!(value(&contract, TIMELOCK_DELAY_KEY), secs(3600));
}

// ---- Reads ------------------------------------------------------------------------------------

#[motsu::test]
fn reads_reject_zero_and_unknown_keys(
    contract: Contract<GovernanceParams>,
    admin: Address,
    guardian: Address,
) {
    deploy(&contract, admin, guardian);
    let unknown = keccak256("market.BTC.maxUtilization");
    let zero = Error::ZeroKey(GovernanceZeroKey {});
    let unknown_err = Error::UnknownKey(GovernanceUnknownKey { key: unknown });
    let reader = contract.sender(Address::ZERO);
    assert_eq!(reader.get(B256::ZERO), Err(zero.clone()));
    assert_eq!(contract.sender(Address::ZERO).get(unknown), Err(unknown_err.clone()));
    assert_eq!(contract.sender(Address::ZERO).bounds(unknown), Err(unknown_err.clone()));
    assert_eq!(contract.sender(Address::ZERO).bounds(B256::ZERO), Err(zero.clone()));
    assert_eq!(contract.sender(Address::ZERO).pending_change(unknown), Err(unknown_err.clone()));
    assert_eq!(contract.sender(Address::ZERO).pending_change(B256::ZERO), Err(zero.clone()));
    assert_eq!(contract.sender(Address::ZERO).is_paused(B256::ZERO), Err(zero.clone()));
    assert_eq!(contract.sender(Address::ZERO).pause_state(B256::ZERO), Err(zero.clone()));
    assert_eq!(
        contract.sender(Address::ZERO).param_key_at(U256::from(8)),
        Err(Error::IndexOutOfBounds(GovernanceIndexOutOfBounds {
            index: U256::from(8),
            count: U256::from(8)
        }))
    );
    assert_eq!(
        contract.sender(Address::ZERO).param_key_at(U256::MAX),
        Err(Error::IndexOutOfBounds(GovernanceIndexOutOfBounds {
            index: U256::MAX,
            count: U256::from(8)
        }))
    );
}

#[motsu::test]
fn get_many_returns_values_in_order_or_the_first_unknown_key(
    contract: Contract<GovernanceParams>,
    admin: Address,
    guardian: Address,
) {
    deploy(&contract, admin, guardian);
    let keys = vec![buffer_key(), util_key(), buffer_key(), GUARDIAN_KEY];
    assert_eq!(
        contract.sender(admin).get_many(keys),
        Ok(vec![pct(10), pct(80), pct(10), addr_value(guardian)])
    );
    assert_eq!(contract.sender(admin).get_many(vec![]), Ok(vec![]));
    let unknown = keccak256("nope");
    let unknown2 = keccak256("nope2");
    assert_eq!(
        contract.sender(admin).get_many(vec![util_key(), unknown, unknown2]),
        Err(Error::UnknownKey(GovernanceUnknownKey { key: unknown }))
    );
    assert_eq!(
        contract.sender(admin).get_many(vec![util_key(), B256::ZERO]),
        Err(Error::ZeroKey(GovernanceZeroKey {}))
    );
}

// ---- Authorization ------------------------------------------------------------------------------

#[motsu::test]
fn admin_only_functions_reject_everyone_else(
    contract: Contract<GovernanceParams>,
    admin: Address,
    guardian: Address,
    alice: Address,
    bob: Address,
) {
    deploy(&contract, admin, guardian);
    contract.sender(admin).propose_admin(bob).expect("propose bob");
    contract.sender(guardian).pause(market_scope()).expect("guardian pause");
    let new_key = keccak256("market.ETH.newParam");
    for caller in [alice, guardian, bob] {
        let err = unauthorized(caller, ADMIN_ROLE);
        assert_eq!(contract.sender(caller).queue(util_key(), pct(90)).unwrap_err(), err);
        assert_eq!(
            contract
                .sender(caller)
                .queue_register(new_key, pct(1), U256::ZERO, WAD, 0)
                .unwrap_err(),
            err
        );
        assert_eq!(
            contract.sender(caller).queue_bounds(util_key(), pct(40), pct(95)).unwrap_err(),
            err
        );
        assert_eq!(contract.sender(caller).unpause(market_scope()).unwrap_err(), err);
        assert_eq!(contract.sender(caller).confirm_pause(market_scope()).unwrap_err(), err);
        assert_eq!(contract.sender(caller).propose_admin(caller).unwrap_err(), err);
    }
    // Nothing changed.
    assert_eq!(pending(&contract, util_key()), NONE);
    assert_eq!(
        contract.sender(admin).pending_change(new_key),
        Err(Error::UnknownKey(GovernanceUnknownKey { key: new_key }))
    );
    assert_eq!(contract.sender(admin).bounds(util_key()), Ok((pct(50), pct(95), LOWER_IS_SAFER)));
    assert_eq!(
        contract.sender(admin).pause_state(market_scope()),
        Ok((T0, false, T0 + MAX_PAUSE, 0))
    );
    assert_eq!(contract.sender(admin).pending_admin(), bob);
    assert_eq!(contract.sender(admin).admin(), admin);
}

#[motsu::test]
fn admin_or_guardian_functions_reject_everyone_else(
    contract: Contract<GovernanceParams>,
    admin: Address,
    guardian: Address,
    alice: Address,
    bob: Address,
) {
    deploy(&contract, admin, guardian);
    contract.sender(admin).propose_admin(bob).expect("propose bob");
    contract.sender(admin).queue(util_key(), pct(90)).expect("queue");
    let queued = pending(&contract, util_key());
    for caller in [alice, bob] {
        let err = unauthorized(caller, ADMIN_OR_GUARDIAN_ROLE);
        assert_eq!(contract.sender(caller).cancel(util_key()).unwrap_err(), err);
        assert_eq!(contract.sender(caller).tighten(util_key(), pct(70)).unwrap_err(), err);
        assert_eq!(contract.sender(caller).pause(market_scope()).unwrap_err(), err);
    }
    assert_eq!(pending(&contract, util_key()), queued);
    assert_eq!(value(&contract, util_key()), pct(80));
    assert_eq!(contract.sender(alice).is_paused(market_scope()), Ok(false));
}

#[motsu::test]
fn accept_admin_rejects_everyone_but_the_proposed_admin(
    contract: Contract<GovernanceParams>,
    admin: Address,
    guardian: Address,
    alice: Address,
    bob: Address,
) {
    deploy(&contract, admin, guardian);
    // Nobody proposed: nobody accepts (not even the zero-address check passes).
    assert_eq!(
        contract.sender(alice).accept_admin().unwrap_err(),
        unauthorized(alice, PENDING_ADMIN_ROLE)
    );
    contract.sender(admin).propose_admin(bob).expect("propose bob");
    for caller in [alice, admin, guardian] {
        assert_eq!(
            contract.sender(caller).accept_admin().unwrap_err(),
            unauthorized(caller, PENDING_ADMIN_ROLE)
        );
    }
    assert_eq!(contract.sender(alice).admin(), admin);
    assert_eq!(contract.sender(alice).pending_admin(), bob);
}

// ---- Two-step admin transfer ------------------------------------------------------------------

#[motsu::test]
fn admin_transfer_takes_two_steps(
    contract: Contract<GovernanceParams>,
    admin: Address,
    guardian: Address,
    bob: Address,
) {
    deploy(&contract, admin, guardian);
    contract.sender(admin).propose_admin(bob).expect("propose");
    contract.assert_emitted(&AdminProposed { admin, pendingAdmin: bob });
    // Until bob accepts, the admin is unchanged and bob has no power.
    assert_eq!(contract.sender(bob).admin(), admin);
    assert_eq!(
        contract.sender(bob).queue(util_key(), pct(90)).unwrap_err(),
        unauthorized(bob, ADMIN_ROLE)
    );

    contract.sender(bob).accept_admin().expect("accept");
    contract.assert_emitted(&AdminTransferred { previousAdmin: admin, newAdmin: bob });
    assert_eq!(contract.sender(bob).admin(), bob);
    assert_eq!(contract.sender(bob).pending_admin(), Address::ZERO);
    // The old admin lost every power; the new one has them.
    assert_eq!(
        contract.sender(admin).queue(util_key(), pct(90)).unwrap_err(),
        unauthorized(admin, ADMIN_ROLE)
    );
    assert_eq!(
        contract.sender(admin).tighten(util_key(), pct(70)).unwrap_err(),
        unauthorized(admin, ADMIN_OR_GUARDIAN_ROLE)
    );
    contract.sender(bob).queue(util_key(), pct(90)).expect("new admin queues");
    // Accepting twice fails: the proposal was consumed.
    assert_eq!(
        contract.sender(bob).accept_admin().unwrap_err(),
        unauthorized(bob, PENDING_ADMIN_ROLE)
    );
}

#[motsu::test]
fn proposing_zero_cancels_the_transfer(
    contract: Contract<GovernanceParams>,
    admin: Address,
    guardian: Address,
    bob: Address,
    carol: Address,
) {
    deploy(&contract, admin, guardian);
    contract.sender(admin).propose_admin(bob).expect("propose bob");
    contract.sender(admin).propose_admin(carol).expect("replace with carol");
    assert_eq!(
        contract.sender(bob).accept_admin().unwrap_err(),
        unauthorized(bob, PENDING_ADMIN_ROLE)
    );
    contract.sender(admin).propose_admin(Address::ZERO).expect("cancel");
    contract.assert_emitted(&AdminProposed { admin, pendingAdmin: Address::ZERO });
    assert_eq!(contract.sender(admin).pending_admin(), Address::ZERO);
    assert_eq!(
        contract.sender(carol).accept_admin().unwrap_err(),
        unauthorized(carol, PENDING_ADMIN_ROLE)
    );
    assert_eq!(contract.sender(carol).admin(), admin);
}

// ---- Timelock: value changes ------------------------------------------------------------------

#[motsu::test]
fn queued_value_executes_within_the_window_only(
    contract: Contract<GovernanceParams>,
    admin: Address,
    guardian: Address,
    alice: Address,
) {
    deploy(&contract, admin, guardian);
    contract.sender(admin).queue(util_key(), pct(90)).expect("queue a loosening");
    let eta = T0 + DELAY;
    assert_eq!(
        pending(&contract, util_key()),
        (KIND_VALUE, pct(90), U256::ZERO, U256::ZERO, 0, eta)
    );
    contract.assert_emitted(&ChangeQueued {
        key: util_key(),
        kind: KIND_VALUE,
        value: pct(90),
        min: U256::ZERO,
        max: U256::ZERO,
        direction: 0,
        eta,
    });

    // One second before the eta.
    at(DELAY - 1);
    assert_eq!(
        contract.sender(alice).execute(util_key()).unwrap_err(),
        Error::TimelockNotReady(GovernanceTimelockNotReady {
            key: util_key(),
            eta,
            currentTime: eta - 1
        })
    );
    assert_eq!(value(&contract, util_key()), pct(80));
    assert_eq!(pending(&contract, util_key()).5, eta);

    // At the eta, by anyone.
    at(DELAY);
    contract.sender(alice).execute(util_key()).expect("execute at eta");
    assert_eq!(value(&contract, util_key()), pct(90));
    assert_eq!(pending(&contract, util_key()), NONE);
    contract.assert_emitted(&ValueChanged {
        key: util_key(),
        oldValue: pct(80),
        newValue: pct(90),
    });
    // Executed once only.
    assert_eq!(
        contract.sender(alice).execute(util_key()).unwrap_err(),
        Error::NotQueued(GovernanceNotQueued { key: util_key() })
    );
}

#[motsu::test]
fn execution_window_edges(
    contract: Contract<GovernanceParams>,
    admin: Address,
    guardian: Address,
    alice: Address,
) {
    deploy(&contract, admin, guardian);
    contract.sender(admin).queue(util_key(), pct(90)).expect("queue util");
    contract.sender(admin).queue(buffer_key(), pct(6)).expect("queue buffer");
    let eta = T0 + DELAY;
    let deadline = eta + WINDOW;

    // One second after the eta: fine.
    at(DELAY + 1);
    assert_eq!(now(), eta + 1);
    // The last second of the window: fine.
    at(DELAY + WINDOW);
    contract.sender(alice).execute(util_key()).expect("execute at the deadline");
    assert_eq!(value(&contract, util_key()), pct(90));

    // One second past the window: expired, nothing changes.
    at(DELAY + WINDOW + 1);
    assert_eq!(
        contract.sender(alice).execute(buffer_key()).unwrap_err(),
        Error::TimelockExpired(GovernanceTimelockExpired {
            key: buffer_key(),
            deadline,
            currentTime: deadline + 1
        })
    );
    assert_eq!(value(&contract, buffer_key()), pct(10));
    assert_eq!(
        pending(&contract, buffer_key()),
        (KIND_VALUE, pct(6), U256::ZERO, U256::ZERO, 0, eta)
    );
}

#[motsu::test]
fn one_pending_change_per_key_until_it_expires(
    contract: Contract<GovernanceParams>,
    admin: Address,
    guardian: Address,
) {
    deploy(&contract, admin, guardian);
    contract.sender(admin).queue(util_key(), pct(90)).expect("first queue");
    let eta = T0 + DELAY;
    // A second queue (any kind) while pending: rejected, the first stays.
    at(DELAY + WINDOW);
    assert_eq!(
        contract.sender(admin).queue(util_key(), pct(85)).unwrap_err(),
        Error::AlreadyQueued(GovernanceAlreadyQueued { key: util_key(), eta })
    );
    assert_eq!(
        contract.sender(admin).queue_bounds(util_key(), pct(40), pct(95)).unwrap_err(),
        Error::AlreadyQueued(GovernanceAlreadyQueued { key: util_key(), eta })
    );
    assert_eq!(
        pending(&contract, util_key()),
        (KIND_VALUE, pct(90), U256::ZERO, U256::ZERO, 0, eta)
    );
    // Once expired, it can be replaced.
    at(DELAY + WINDOW + 1);
    contract.sender(admin).queue(util_key(), pct(85)).expect("replace an expired change");
    let eta2 = now() + DELAY;
    assert_eq!(
        pending(&contract, util_key()),
        (KIND_VALUE, pct(85), U256::ZERO, U256::ZERO, 0, eta2)
    );
}

#[motsu::test]
fn queue_checks_key_and_bounds(
    contract: Contract<GovernanceParams>,
    admin: Address,
    guardian: Address,
) {
    deploy(&contract, admin, guardian);
    let unknown = keccak256("market.BTC.maxUtilization");
    assert_eq!(
        contract.sender(admin).queue(B256::ZERO, pct(90)).unwrap_err(),
        Error::ZeroKey(GovernanceZeroKey {})
    );
    assert_eq!(
        contract.sender(admin).queue(unknown, pct(90)).unwrap_err(),
        Error::UnknownKey(GovernanceUnknownKey { key: unknown })
    );
    // One unit beyond each bound.
    for v in [pct(50) - U256::from(1), pct(95) + U256::from(1)] {
        assert_eq!(
            contract.sender(admin).queue(util_key(), v).unwrap_err(),
            Error::ValueOutOfBounds(GovernanceValueOutOfBounds {
                key: util_key(),
                value: v,
                min: pct(50),
                max: pct(95)
            })
        );
        assert_eq!(pending(&contract, util_key()), NONE);
    }
    // At the bounds.
    contract.sender(admin).queue(util_key(), pct(95)).expect("queue max");
    contract.sender(admin).queue(buffer_key(), pct(5)).expect("queue min");
    at(DELAY);
    contract.sender(admin).execute(util_key()).expect("execute max");
    contract.sender(admin).execute(buffer_key()).expect("execute min");
    assert_eq!(value(&contract, util_key()), pct(95));
    assert_eq!(value(&contract, buffer_key()), pct(5));
}

#[motsu::test]
fn cancel_removes_the_pending_change(
    contract: Contract<GovernanceParams>,
    admin: Address,
    guardian: Address,
    alice: Address,
) {
    deploy(&contract, admin, guardian);
    contract.sender(admin).queue(util_key(), pct(90)).expect("queue util");
    contract.sender(admin).queue(buffer_key(), pct(6)).expect("queue buffer");
    // The guardian and the admin can cancel.
    contract.sender(guardian).cancel(util_key()).expect("guardian cancels");
    contract.assert_emitted(&ChangeCancelled {
        key: util_key(),
        kind: KIND_VALUE,
        account: guardian,
    });
    contract.sender(admin).cancel(buffer_key()).expect("admin cancels");
    contract.assert_emitted(&ChangeCancelled {
        key: buffer_key(),
        kind: KIND_VALUE,
        account: admin,
    });
    assert_eq!(pending(&contract, util_key()), NONE);
    // Executing or cancelling a cancelled change fails, and nothing changes.
    at(DELAY);
    assert_eq!(
        contract.sender(alice).execute(util_key()).unwrap_err(),
        Error::NotQueued(GovernanceNotQueued { key: util_key() })
    );
    assert_eq!(
        contract.sender(admin).cancel(util_key()).unwrap_err(),
        Error::NotQueued(GovernanceNotQueued { key: util_key() })
    );
    assert_eq!(value(&contract, util_key()), pct(80));
    assert_eq!(value(&contract, buffer_key()), pct(10));
    // Never queued; zero key.
    assert_eq!(
        contract.sender(alice).execute(oracle_key()).unwrap_err(),
        Error::NotQueued(GovernanceNotQueued { key: oracle_key() })
    );
    assert_eq!(
        contract.sender(alice).execute(B256::ZERO).unwrap_err(),
        Error::ZeroKey(GovernanceZeroKey {})
    );
    assert_eq!(
        contract.sender(admin).cancel(B256::ZERO).unwrap_err(),
        Error::ZeroKey(GovernanceZeroKey {})
    );
    // An expired change can still be cancelled (cleanup).
    contract.sender(admin).queue(util_key(), pct(90)).expect("queue again");
    at(2 * DELAY + WINDOW + 1);
    contract.sender(admin).cancel(util_key()).expect("cancel an expired change");
    assert_eq!(pending(&contract, util_key()), NONE);
}

#[motsu::test]
fn lowering_the_delay_waits_for_the_current_delay(
    contract: Contract<GovernanceParams>,
    admin: Address,
    guardian: Address,
) {
    deploy(&contract, admin, guardian);
    // Lowering the delay is a loosening: only through the queue.
    assert_eq!(
        contract.sender(admin).tighten(TIMELOCK_DELAY_KEY, secs(3600)).unwrap_err(),
        Error::NotTighter(GovernanceNotTighter {
            key: TIMELOCK_DELAY_KEY,
            current: secs(DELAY),
            proposed: secs(3600)
        })
    );
    contract.sender(admin).queue(TIMELOCK_DELAY_KEY, secs(3600)).expect("queue a shorter delay");
    assert_eq!(pending(&contract, TIMELOCK_DELAY_KEY).5, T0 + DELAY);
    at(DELAY - 1);
    assert!(matches!(
        contract.sender(admin).execute(TIMELOCK_DELAY_KEY),
        Err(Error::TimelockNotReady(_))
    ));
    at(DELAY);
    contract.sender(admin).execute(TIMELOCK_DELAY_KEY).expect("execute");
    // From now on, changes wait one hour.
    contract.sender(admin).queue(util_key(), pct(90)).expect("queue");
    assert_eq!(pending(&contract, util_key()).5, T0 + DELAY + 3600);
    // The delay can never go below MIN_TIMELOCK_DELAY (the registered min is 3600).
    assert_eq!(
        contract.sender(admin).queue(TIMELOCK_DELAY_KEY, secs(3599)).unwrap_err(),
        Error::ValueOutOfBounds(GovernanceValueOutOfBounds {
            key: TIMELOCK_DELAY_KEY,
            value: secs(3599),
            min: secs(3600),
            max: secs(30 * 86_400)
        })
    );
}

#[motsu::test]
fn the_window_is_read_at_execution(
    contract: Contract<GovernanceParams>,
    admin: Address,
    guardian: Address,
) {
    deploy(&contract, admin, guardian);
    contract.sender(admin).queue(util_key(), pct(90)).expect("queue");
    // The guardian shortens the window (lower is safer) to one hour.
    contract.sender(guardian).tighten(EXECUTION_WINDOW_KEY, secs(3600)).expect("tighten window");
    at(DELAY + 3601);
    let eta = T0 + DELAY;
    assert_eq!(
        contract.sender(admin).execute(util_key()).unwrap_err(),
        Error::TimelockExpired(GovernanceTimelockExpired {
            key: util_key(),
            deadline: eta + 3600,
            currentTime: eta + 3601
        })
    );
    assert_eq!(value(&contract, util_key()), pct(80));
}

#[motsu::test]
fn tightening_the_delay_applies_to_later_queues(
    contract: Contract<GovernanceParams>,
    admin: Address,
    guardian: Address,
) {
    deploy(&contract, admin, guardian);
    contract.sender(admin).queue(util_key(), pct(90)).expect("queue before");
    contract
        .sender(guardian)
        .tighten(TIMELOCK_DELAY_KEY, secs(5 * 86_400))
        .expect("guardian lengthens the delay");
    contract.assert_emitted(&ValueTightened {
        key: TIMELOCK_DELAY_KEY,
        oldValue: secs(DELAY),
        newValue: secs(5 * 86_400),
        account: guardian,
    });
    contract.sender(admin).queue(buffer_key(), pct(6)).expect("queue after");
    // The earlier change keeps its eta; the later one waits the new delay.
    assert_eq!(pending(&contract, util_key()).5, T0 + DELAY);
    assert_eq!(pending(&contract, buffer_key()).5, T0 + 5 * 86_400);
}

// ---- Timelock: guardian, registration, bounds -------------------------------------------------

#[motsu::test]
fn the_guardian_changes_only_through_the_timelock(
    contract: Contract<GovernanceParams>,
    admin: Address,
    guardian: Address,
    carol: Address,
) {
    deploy(&contract, admin, guardian);
    // Never instantly.
    assert_eq!(
        contract.sender(admin).tighten(GUARDIAN_KEY, addr_value(carol)).unwrap_err(),
        Error::NotTighter(GovernanceNotTighter {
            key: GUARDIAN_KEY,
            current: addr_value(guardian),
            proposed: addr_value(carol)
        })
    );
    // Not to a non-address.
    let too_big = MAX_ADDRESS_VALUE + U256::from(1);
    assert_eq!(
        contract.sender(admin).queue(GUARDIAN_KEY, too_big).unwrap_err(),
        Error::ValueOutOfBounds(GovernanceValueOutOfBounds {
            key: GUARDIAN_KEY,
            value: too_big,
            min: U256::ZERO,
            max: MAX_ADDRESS_VALUE
        })
    );
    // Its bounds are fixed.
    assert_eq!(
        contract.sender(admin).queue_bounds(GUARDIAN_KEY, U256::ZERO, U256::from(5)).unwrap_err(),
        Error::InvalidBounds(GovernanceInvalidBounds {
            key: GUARDIAN_KEY,
            min: U256::ZERO,
            max: U256::from(5)
        })
    );
    contract.sender(admin).queue(GUARDIAN_KEY, addr_value(carol)).expect("queue carol");
    // The guardian cannot cancel its own replacement.
    assert_eq!(
        contract.sender(guardian).cancel(GUARDIAN_KEY).unwrap_err(),
        unauthorized(guardian, ADMIN_ROLE)
    );
    assert_eq!(pending(&contract, GUARDIAN_KEY).0, KIND_VALUE);
    at(DELAY);
    contract.sender(carol).execute(GUARDIAN_KEY).expect("execute");
    assert_eq!(contract.sender(carol).guardian(), carol);
    contract.assert_emitted(&GuardianChanged { oldGuardian: guardian, newGuardian: carol });
    contract.assert_emitted(&ValueChanged {
        key: GUARDIAN_KEY,
        oldValue: addr_value(guardian),
        newValue: addr_value(carol),
    });
    // The old guardian lost its powers; carol has them.
    assert_eq!(
        contract.sender(guardian).pause(market_scope()).unwrap_err(),
        unauthorized(guardian, ADMIN_OR_GUARDIAN_ROLE)
    );
    contract.sender(carol).pause(market_scope()).expect("new guardian pauses");
}

#[motsu::test]
fn the_admin_can_cancel_a_guardian_change(
    contract: Contract<GovernanceParams>,
    admin: Address,
    guardian: Address,
    carol: Address,
) {
    deploy(&contract, admin, guardian);
    contract.sender(admin).queue(GUARDIAN_KEY, addr_value(carol)).expect("queue carol");
    contract.sender(admin).cancel(GUARDIAN_KEY).expect("admin cancels");
    assert_eq!(pending(&contract, GUARDIAN_KEY), NONE);
    // A guardian can be removed (zero) through the timelock too.
    contract.sender(admin).queue(GUARDIAN_KEY, U256::ZERO).expect("queue no guardian");
    at(DELAY);
    contract.sender(admin).execute(GUARDIAN_KEY).expect("execute");
    assert_eq!(contract.sender(admin).guardian(), Address::ZERO);
    contract.assert_emitted(&GuardianChanged { oldGuardian: guardian, newGuardian: Address::ZERO });
}

#[motsu::test]
fn queue_register_adds_a_key_after_the_delay(
    contract: Contract<GovernanceParams>,
    admin: Address,
    guardian: Address,
    alice: Address,
) {
    deploy(&contract, admin, guardian);
    let key = keccak256("market.BTC.maxUtilization");
    contract
        .sender(admin)
        .queue_register(key, pct(70), pct(50), pct(90), LOWER_IS_SAFER)
        .expect("queue register");
    let eta = T0 + DELAY;
    assert_eq!(
        pending(&contract, key),
        (KIND_REGISTER, pct(70), pct(50), pct(90), LOWER_IS_SAFER, eta)
    );
    contract.assert_emitted(&ChangeQueued {
        key,
        kind: KIND_REGISTER,
        value: pct(70),
        min: pct(50),
        max: pct(90),
        direction: LOWER_IS_SAFER,
        eta,
    });
    // Not registered until executed.
    assert_eq!(
        contract.sender(alice).get(key),
        Err(Error::UnknownKey(GovernanceUnknownKey { key }))
    );
    assert_eq!(
        contract
            .sender(admin)
            .queue_register(key, pct(70), pct(50), pct(90), LOWER_IS_SAFER)
            .unwrap_err(),
        Error::AlreadyQueued(GovernanceAlreadyQueued { key, eta })
    );
    at(DELAY - 1);
    assert!(matches!(contract.sender(alice).execute(key), Err(Error::TimelockNotReady(_))));
    assert_eq!(contract.sender(alice).param_count(), U256::from(8));
    at(DELAY);
    contract.sender(alice).execute(key).expect("execute register");
    assert_eq!(contract.sender(alice).get(key), Ok(pct(70)));
    assert_eq!(contract.sender(alice).bounds(key), Ok((pct(50), pct(90), LOWER_IS_SAFER)));
    assert_eq!(contract.sender(alice).param_count(), U256::from(9));
    assert_eq!(contract.sender(alice).param_key_at(U256::from(8)), Ok(key));
    assert_eq!(pending(&contract, key), NONE);
    contract.assert_emitted(&ParamRegistered {
        key,
        value: pct(70),
        min: pct(50),
        max: pct(90),
        direction: LOWER_IS_SAFER,
    });
    // The new key behaves like the others.
    contract.sender(guardian).tighten(key, pct(60)).expect("tighten the new key");
    assert_eq!(contract.sender(alice).get(key), Ok(pct(60)));
}

#[motsu::test]
fn queue_register_rejects_bad_input(
    contract: Contract<GovernanceParams>,
    admin: Address,
    guardian: Address,
) {
    deploy(&contract, admin, guardian);
    let key = keccak256("market.BTC.maxUtilization");
    let cases = [
        (B256::ZERO, pct(70), pct(50), pct(90), 0, Error::ZeroKey(GovernanceZeroKey {})),
        (
            util_key(),
            pct(70),
            pct(50),
            pct(90),
            1,
            Error::KeyAlreadyRegistered(GovernanceKeyAlreadyRegistered { key: util_key() }),
        ),
        (
            GUARDIAN_KEY,
            U256::ZERO,
            U256::ZERO,
            U256::ZERO,
            2,
            Error::KeyAlreadyRegistered(GovernanceKeyAlreadyRegistered { key: GUARDIAN_KEY }),
        ),
        (
            TIMELOCK_DELAY_KEY,
            secs(3600),
            secs(3600),
            secs(3600),
            0,
            Error::KeyAlreadyRegistered(GovernanceKeyAlreadyRegistered { key: TIMELOCK_DELAY_KEY }),
        ),
        (
            key,
            pct(70),
            pct(50),
            pct(90),
            3,
            Error::InvalidDirection(GovernanceInvalidDirection { key, direction: 3 }),
        ),
        (
            key,
            pct(70),
            pct(91),
            pct(90),
            1,
            Error::InvalidBounds(GovernanceInvalidBounds { key, min: pct(91), max: pct(90) }),
        ),
        (
            key,
            pct(91),
            pct(50),
            pct(90),
            1,
            Error::ValueOutOfBounds(GovernanceValueOutOfBounds {
                key,
                value: pct(91),
                min: pct(50),
                max: pct(90),
            }),
        ),
    ];
    for (k, v, lo, hi, d, expected) in cases {
        let label = format!("{expected:?}");
        assert_eq!(
            contract.sender(admin).queue_register(k, v, lo, hi, d).unwrap_err(),
            expected,
            "{label}"
        );
    }
    assert_eq!(
        contract.sender(admin).pending_change(key),
        Err(Error::UnknownKey(GovernanceUnknownKey { key }))
    );
    assert_eq!(pending(&contract, util_key()), NONE);
    // Equal bounds are fine.
    contract
        .sender(admin)
        .queue_register(key, pct(70), pct(70), pct(70), NEITHER)
        .expect("point bounds");
}

#[motsu::test]
fn queue_bounds_changes_bounds_after_the_delay(
    contract: Contract<GovernanceParams>,
    admin: Address,
    guardian: Address,
    alice: Address,
) {
    deploy(&contract, admin, guardian);
    contract.sender(admin).queue_bounds(util_key(), pct(40), pct(99)).expect("queue bounds");
    let eta = T0 + DELAY;
    assert_eq!(pending(&contract, util_key()), (KIND_BOUNDS, U256::ZERO, pct(40), pct(99), 0, eta));
    contract.assert_emitted(&ChangeQueued {
        key: util_key(),
        kind: KIND_BOUNDS,
        value: U256::ZERO,
        min: pct(40),
        max: pct(99),
        direction: 0,
        eta,
    });
    at(DELAY);
    contract.sender(alice).execute(util_key()).expect("execute bounds");
    assert_eq!(contract.sender(alice).bounds(util_key()), Ok((pct(40), pct(99), LOWER_IS_SAFER)));
    assert_eq!(value(&contract, util_key()), pct(80));
    contract.assert_emitted(&BoundsChanged {
        key: util_key(),
        oldMin: pct(50),
        oldMax: pct(95),
        newMin: pct(40),
        newMax: pct(99),
    });
    // Values up to the new max can now be queued.
    contract.sender(admin).queue(util_key(), pct(99)).expect("queue at the new max");
}

#[motsu::test]
fn queue_bounds_requires_the_value_inside_at_execution(
    contract: Contract<GovernanceParams>,
    admin: Address,
    guardian: Address,
) {
    deploy(&contract, admin, guardian);
    // Narrow the util bounds to [0.5, 0.7]: the value 0.8 lies outside.
    contract
        .sender(admin)
        .queue_bounds(util_key(), pct(50), pct(70))
        .expect("queue narrower bounds");
    at(DELAY);
    assert_eq!(
        contract.sender(admin).execute(util_key()).unwrap_err(),
        Error::ValueOutOfBounds(GovernanceValueOutOfBounds {
            key: util_key(),
            value: pct(80),
            min: pct(50),
            max: pct(70)
        })
    );
    assert_eq!(contract.sender(admin).bounds(util_key()), Ok((pct(50), pct(95), LOWER_IS_SAFER)));
    assert_eq!(pending(&contract, util_key()).0, KIND_BOUNDS);
    // Tightening the value into them first (instant) lets the bounds execute.
    contract.sender(guardian).tighten(util_key(), pct(70)).expect("tighten to the new max");
    contract.sender(admin).execute(util_key()).expect("execute bounds");
    assert_eq!(contract.sender(admin).bounds(util_key()), Ok((pct(50), pct(70), LOWER_IS_SAFER)));
}

#[motsu::test]
fn queue_bounds_rejects_bad_input(
    contract: Contract<GovernanceParams>,
    admin: Address,
    guardian: Address,
) {
    deploy(&contract, admin, guardian);
    let unknown = keccak256("nope");
    let max = secs(MAX_DURATION);
    let cases = [
        (B256::ZERO, pct(1), pct(2), Error::ZeroKey(GovernanceZeroKey {})),
        (unknown, pct(1), pct(2), Error::UnknownKey(GovernanceUnknownKey { key: unknown })),
        (
            util_key(),
            pct(60),
            pct(59),
            Error::InvalidBounds(GovernanceInvalidBounds {
                key: util_key(),
                min: pct(60),
                max: pct(59),
            }),
        ),
        (
            TIMELOCK_DELAY_KEY,
            secs(3599),
            secs(86_400),
            Error::DelayBelowMinimum(GovernanceDelayBelowMinimum {
                delay: secs(3599),
                minimum: secs(3600),
            }),
        ),
        (
            EXECUTION_WINDOW_KEY,
            U256::ZERO,
            secs(86_400),
            Error::DelayBelowMinimum(GovernanceDelayBelowMinimum {
                delay: U256::ZERO,
                minimum: secs(1),
            }),
        ),
        (
            PAUSE_COOLDOWN_KEY,
            U256::ZERO,
            max + U256::from(1),
            Error::InvalidBounds(GovernanceInvalidBounds {
                key: PAUSE_COOLDOWN_KEY,
                min: U256::ZERO,
                max: max + U256::from(1),
            }),
        ),
    ];
    for (k, lo, hi, expected) in cases {
        let label = format!("{expected:?}");
        assert_eq!(
            contract.sender(admin).queue_bounds(k, lo, hi).unwrap_err(),
            expected,
            "{label}"
        );
    }
    assert_eq!(pending(&contract, util_key()), NONE);
    assert_eq!(pending(&contract, TIMELOCK_DELAY_KEY), NONE);
    // At the edges.
    contract
        .sender(admin)
        .queue_bounds(TIMELOCK_DELAY_KEY, secs(3600), max)
        .expect("delay bounds at the edges");
}

// ---- Instant tightening -------------------------------------------------------------------------

#[motsu::test]
fn tightening_a_higher_is_safer_key(
    contract: Contract<GovernanceParams>,
    admin: Address,
    guardian: Address,
) {
    deploy(&contract, admin, guardian);
    let key = buffer_key(); // 0.10 in [0.05, 0.50], higher is safer
                            // Equal and lower values are not tighter.
    for v in [pct(10), pct(9)] {
        assert_eq!(
            contract.sender(guardian).tighten(key, v).unwrap_err(),
            Error::NotTighter(GovernanceNotTighter { key, current: pct(10), proposed: v })
        );
    }
    // One unit above max.
    let above = pct(50) + U256::from(1);
    assert_eq!(
        contract.sender(guardian).tighten(key, above).unwrap_err(),
        Error::ValueOutOfBounds(GovernanceValueOutOfBounds {
            key,
            value: above,
            min: pct(5),
            max: pct(50)
        })
    );
    assert_eq!(value(&contract, key), pct(10));
    // Higher applies at once, by the guardian or the admin.
    contract.sender(guardian).tighten(key, pct(20)).expect("guardian tightens");
    assert_eq!(value(&contract, key), pct(20));
    contract.assert_emitted(&ValueTightened {
        key,
        oldValue: pct(10),
        newValue: pct(20),
        account: guardian,
    });
    contract.sender(admin).tighten(key, pct(50)).expect("admin tightens to max");
    assert_eq!(value(&contract, key), pct(50));
    contract.assert_emitted(&ValueTightened {
        key,
        oldValue: pct(20),
        newValue: pct(50),
        account: admin,
    });
    // Nobody loosens instantly, the admin included.
    assert_eq!(
        contract.sender(admin).tighten(key, pct(10)).unwrap_err(),
        Error::NotTighter(GovernanceNotTighter { key, current: pct(50), proposed: pct(10) })
    );
}

#[motsu::test]
fn tightening_a_lower_is_safer_key(
    contract: Contract<GovernanceParams>,
    admin: Address,
    guardian: Address,
) {
    deploy(&contract, admin, guardian);
    let key = util_key(); // 0.80 in [0.50, 0.95], lower is safer
    for v in [pct(80), pct(81)] {
        assert_eq!(
            contract.sender(guardian).tighten(key, v).unwrap_err(),
            Error::NotTighter(GovernanceNotTighter { key, current: pct(80), proposed: v })
        );
    }
    let below = pct(50) - U256::from(1);
    assert_eq!(
        contract.sender(guardian).tighten(key, below).unwrap_err(),
        Error::ValueOutOfBounds(GovernanceValueOutOfBounds {
            key,
            value: below,
            min: pct(50),
            max: pct(95)
        })
    );
    assert_eq!(value(&contract, key), pct(80));
    contract.sender(guardian).tighten(key, pct(50)).expect("tighten to min");
    assert_eq!(value(&contract, key), pct(50));
    contract.assert_emitted(&ValueTightened {
        key,
        oldValue: pct(80),
        newValue: pct(50),
        account: guardian,
    });
}

#[motsu::test]
fn direction_two_keys_are_never_tighter(
    contract: Contract<GovernanceParams>,
    admin: Address,
    guardian: Address,
) {
    deploy(&contract, admin, guardian);
    let current = addr_value(oracle());
    for v in
        [U256::ZERO, current - U256::from(1), current, current + U256::from(1), MAX_ADDRESS_VALUE]
    {
        for caller in [admin, guardian] {
            assert_eq!(
                contract.sender(caller).tighten(oracle_key(), v).unwrap_err(),
                Error::NotTighter(GovernanceNotTighter { key: oracle_key(), current, proposed: v })
            );
        }
    }
    assert_eq!(value(&contract, oracle_key()), current);
    // Through the timelock it changes.
    contract.sender(admin).queue(oracle_key(), U256::from(42)).expect("queue");
    at(DELAY);
    contract.sender(admin).execute(oracle_key()).expect("execute");
    assert_eq!(value(&contract, oracle_key()), U256::from(42));
}

#[motsu::test]
fn tighten_checks_its_key(contract: Contract<GovernanceParams>, admin: Address, guardian: Address) {
    deploy(&contract, admin, guardian);
    let unknown = keccak256("nope");
    assert_eq!(
        contract.sender(guardian).tighten(B256::ZERO, WAD).unwrap_err(),
        Error::ZeroKey(GovernanceZeroKey {})
    );
    assert_eq!(
        contract.sender(guardian).tighten(unknown, WAD).unwrap_err(),
        Error::UnknownKey(GovernanceUnknownKey { key: unknown })
    );
}

#[motsu::test]
fn a_pending_loosening_survives_a_tightening(
    contract: Contract<GovernanceParams>,
    admin: Address,
    guardian: Address,
) {
    deploy(&contract, admin, guardian);
    contract.sender(admin).queue(util_key(), pct(90)).expect("queue loosening");
    contract.sender(guardian).tighten(util_key(), pct(60)).expect("tighten meanwhile");
    assert_eq!(value(&contract, util_key()), pct(60));
    assert_eq!(
        pending(&contract, util_key()),
        (KIND_VALUE, pct(90), U256::ZERO, U256::ZERO, 0, T0 + DELAY)
    );
    at(DELAY);
    contract.sender(admin).execute(util_key()).expect("execute the loosening");
    assert_eq!(value(&contract, util_key()), pct(90));
    contract.assert_emitted(&ValueChanged {
        key: util_key(),
        oldValue: pct(60),
        newValue: pct(90),
    });
}

// ---- Pauses ------------------------------------------------------------------------------------

#[motsu::test]
fn a_guardian_pause_lapses_after_max_pause_duration(
    contract: Contract<GovernanceParams>,
    admin: Address,
    guardian: Address,
    alice: Address,
) {
    deploy(&contract, admin, guardian);
    let scope = market_scope();
    contract.sender(guardian).pause(scope).expect("guardian pauses");
    let lapses_at = T0 + MAX_PAUSE;
    contract.assert_emitted(&Paused { scope, account: guardian, lapsesAt: lapses_at });
    assert_eq!(contract.sender(alice).is_paused(scope), Ok(true));
    assert_eq!(contract.sender(alice).is_paused(PROTOCOL_SCOPE), Ok(false));
    assert_eq!(contract.sender(alice).pause_state(scope), Ok((T0, false, lapses_at, 0)));
    assert_eq!(
        contract.sender(guardian).pause(scope).unwrap_err(),
        Error::AlreadyPaused(GovernanceAlreadyPaused { scope })
    );
    assert_eq!(
        contract.sender(admin).pause(scope).unwrap_err(),
        Error::AlreadyPaused(GovernanceAlreadyPaused { scope })
    );
    // One second before the lapse: paused; at exactly maxPauseDuration: lapsed.
    at(MAX_PAUSE - 1);
    assert_eq!(contract.sender(alice).is_paused(scope), Ok(true));
    assert_eq!(
        contract.sender(alice).clear_lapsed_pause(scope).unwrap_err(),
        Error::PauseNotLapsed(GovernancePauseNotLapsed { scope, lapsesAt: lapses_at })
    );
    at(MAX_PAUSE);
    assert_eq!(contract.sender(alice).is_paused(scope), Ok(false));
    assert_eq!(contract.sender(alice).pause_state(scope), Ok((0, false, 0, lapses_at)));
    // Anyone records the lapse; the lapse time is the lapse's, not the recording's.
    at(MAX_PAUSE + 500);
    contract.sender(alice).clear_lapsed_pause(scope).expect("clear");
    contract.assert_emitted(&PauseLapsed { scope, lapsedAt: lapses_at });
    assert_eq!(contract.sender(alice).pause_state(scope), Ok((0, false, 0, lapses_at)));
    assert_eq!(
        contract.sender(alice).clear_lapsed_pause(scope).unwrap_err(),
        Error::NotPaused(GovernanceNotPaused { scope })
    );
}

#[motsu::test]
fn the_guardian_waits_the_cooldown_after_a_lapse(
    contract: Contract<GovernanceParams>,
    admin: Address,
    guardian: Address,
) {
    deploy(&contract, admin, guardian);
    let scope = market_scope();
    contract.sender(guardian).pause(scope).expect("first pause");
    let lapsed_at = T0 + MAX_PAUSE;
    let until = lapsed_at + COOLDOWN;
    // Right after the lapse, and one second before the cooldown ends: refused (the lapse,
    // unrecorded, counts all the same), and nothing is recorded.
    for offset in [MAX_PAUSE, MAX_PAUSE + COOLDOWN - 1] {
        at(offset);
        assert_eq!(
            contract.sender(guardian).pause(scope).unwrap_err(),
            Error::PauseCooldown(GovernancePauseCooldown { scope, until })
        );
        assert_eq!(contract.sender(guardian).is_paused(scope), Ok(false));
    }
    assert!(!contract.emitted(&PauseLapsed { scope, lapsedAt: lapsed_at }));
    // At the end of the cooldown: the new pause also records the old lapse.
    at(MAX_PAUSE + COOLDOWN);
    contract.sender(guardian).pause(scope).expect("pause after the cooldown");
    contract.assert_emitted(&PauseLapsed { scope, lapsedAt: lapsed_at });
    contract.assert_emitted(&Paused { scope, account: guardian, lapsesAt: until + MAX_PAUSE });
    assert_eq!(
        contract.sender(guardian).pause_state(scope),
        Ok((until, false, until + MAX_PAUSE, lapsed_at))
    );
    // Other scopes are not under this scope's cooldown.
    contract.sender(guardian).pause(PROTOCOL_SCOPE).expect("another scope");
}

#[motsu::test]
fn the_admin_is_not_subject_to_the_cooldown(
    contract: Contract<GovernanceParams>,
    admin: Address,
    guardian: Address,
) {
    deploy(&contract, admin, guardian);
    let scope = market_scope();
    contract.sender(guardian).pause(scope).expect("guardian pause");
    at(MAX_PAUSE);
    contract.sender(admin).pause(scope).expect("admin pauses during the cooldown");
    contract.assert_emitted(&PauseLapsed { scope, lapsedAt: T0 + MAX_PAUSE });
    // An admin pause is confirmed at once: it never lapses.
    contract.assert_emitted(&Paused { scope, account: admin, lapsesAt: 0 });
    assert_eq!(
        contract.sender(admin).pause_state(scope),
        Ok((T0 + MAX_PAUSE, true, 0, T0 + MAX_PAUSE))
    );
    at(100 * MAX_PAUSE);
    assert_eq!(contract.sender(admin).is_paused(scope), Ok(true));
}

#[motsu::test]
fn a_confirmed_pause_never_lapses(
    contract: Contract<GovernanceParams>,
    admin: Address,
    guardian: Address,
) {
    deploy(&contract, admin, guardian);
    let scope = market_scope();
    assert_eq!(
        contract.sender(admin).confirm_pause(scope).unwrap_err(),
        Error::NotPaused(GovernanceNotPaused { scope })
    );
    contract.sender(guardian).pause(scope).expect("guardian pause");
    assert_eq!(
        contract.sender(guardian).confirm_pause(scope).unwrap_err(),
        unauthorized(guardian, ADMIN_ROLE)
    );
    at(MAX_PAUSE - 1);
    contract.sender(admin).confirm_pause(scope).expect("confirm in time");
    contract.assert_emitted(&PauseConfirmed { scope, account: admin });
    assert_eq!(contract.sender(admin).pause_state(scope), Ok((T0, true, 0, 0)));
    assert_eq!(
        contract.sender(admin).confirm_pause(scope).unwrap_err(),
        Error::PauseAlreadyConfirmed(GovernancePauseAlreadyConfirmed { scope })
    );
    at(1000 * MAX_PAUSE);
    assert_eq!(contract.sender(admin).is_paused(scope), Ok(true));
    assert_eq!(
        contract.sender(admin).clear_lapsed_pause(scope).unwrap_err(),
        Error::PauseNotLapsed(GovernancePauseNotLapsed { scope, lapsesAt: 0 })
    );
    // Only the admin lifts it.
    assert_eq!(
        contract.sender(guardian).unpause(scope).unwrap_err(),
        unauthorized(guardian, ADMIN_ROLE)
    );
    contract.sender(admin).unpause(scope).expect("unpause");
    contract.assert_emitted(&Unpaused { scope, account: admin });
    assert_eq!(contract.sender(admin).is_paused(scope), Ok(false));
    assert_eq!(contract.sender(admin).pause_state(scope), Ok((0, false, 0, 0)));
}

#[motsu::test]
fn a_lapsed_pause_cannot_be_confirmed(
    contract: Contract<GovernanceParams>,
    admin: Address,
    guardian: Address,
) {
    deploy(&contract, admin, guardian);
    let scope = market_scope();
    contract.sender(guardian).pause(scope).expect("guardian pause");
    at(MAX_PAUSE);
    assert_eq!(
        contract.sender(admin).confirm_pause(scope).unwrap_err(),
        Error::NotPaused(GovernanceNotPaused { scope })
    );
    assert_eq!(contract.sender(admin).is_paused(scope), Ok(false));
}

#[motsu::test]
fn unpause_checks_and_records_lapses(
    contract: Contract<GovernanceParams>,
    admin: Address,
    guardian: Address,
) {
    deploy(&contract, admin, guardian);
    let scope = market_scope();
    assert_eq!(
        contract.sender(admin).unpause(scope).unwrap_err(),
        Error::NotPaused(GovernanceNotPaused { scope })
    );
    // Unpausing a guardian pause in force.
    contract.sender(guardian).pause(scope).expect("pause");
    contract.sender(admin).unpause(scope).expect("unpause");
    contract.assert_emitted(&Unpaused { scope, account: admin });
    assert_eq!(contract.sender(admin).pause_state(scope), Ok((0, false, 0, 0)));
    // No lapse, so no cooldown: the guardian may pause again at once.
    contract.sender(guardian).pause(scope).expect("pause again");
    // Unpausing a lapsed pause records the lapse (no Unpaused event).
    at(MAX_PAUSE);
    let logs = contract.all_events().len();
    contract.sender(admin).unpause(scope).expect("unpause a lapsed pause");
    contract.assert_emitted(&PauseLapsed { scope, lapsedAt: T0 + MAX_PAUSE });
    assert_eq!(contract.all_events().len(), logs + 1, "PauseLapsed only");
    assert_eq!(contract.sender(admin).pause_state(scope), Ok((0, false, 0, T0 + MAX_PAUSE)));
    assert_eq!(
        contract.sender(admin).unpause(scope).unwrap_err(),
        Error::NotPaused(GovernanceNotPaused { scope })
    );
}

#[motsu::test]
fn the_protocol_scope_pauses_every_scope(
    contract: Contract<GovernanceParams>,
    admin: Address,
    guardian: Address,
) {
    deploy(&contract, admin, guardian);
    let other = keccak256("mutual.vault");
    contract.sender(guardian).pause(PROTOCOL_SCOPE).expect("pause the protocol");
    for scope in [PROTOCOL_SCOPE, market_scope(), other] {
        assert_eq!(contract.sender(admin).is_paused(scope), Ok(true), "{scope}");
    }
    // A scope's own record is untouched.
    assert_eq!(contract.sender(admin).pause_state(market_scope()), Ok((0, false, 0, 0)));
    // The protocol pause lapses like any guardian pause.
    at(MAX_PAUSE);
    assert_eq!(contract.sender(admin).is_paused(other), Ok(false));
    // A scope paused on its own stays paused when the protocol is unpaused.
    contract.sender(admin).pause(PROTOCOL_SCOPE).expect("admin pauses the protocol");
    contract.sender(guardian).pause(market_scope()).expect("guardian pauses the market");
    contract.sender(admin).unpause(PROTOCOL_SCOPE).expect("unpause the protocol");
    assert_eq!(contract.sender(admin).is_paused(other), Ok(false));
    assert_eq!(contract.sender(admin).is_paused(market_scope()), Ok(true));
}

#[motsu::test]
fn pauses_reject_the_zero_scope(
    contract: Contract<GovernanceParams>,
    admin: Address,
    guardian: Address,
) {
    deploy(&contract, admin, guardian);
    let zero = Error::ZeroKey(GovernanceZeroKey {});
    assert_eq!(contract.sender(guardian).pause(B256::ZERO).unwrap_err(), zero);
    assert_eq!(
        contract.sender(admin).unpause(B256::ZERO).unwrap_err(),
        Error::ZeroKey(GovernanceZeroKey {})
    );
    assert_eq!(
        contract.sender(admin).confirm_pause(B256::ZERO).unwrap_err(),
        Error::ZeroKey(GovernanceZeroKey {})
    );
    assert_eq!(
        contract.sender(admin).clear_lapsed_pause(B256::ZERO).unwrap_err(),
        Error::ZeroKey(GovernanceZeroKey {})
    );
}

#[motsu::test]
fn a_shorter_max_pause_duration_applies_to_later_pauses(
    contract: Contract<GovernanceParams>,
    admin: Address,
    guardian: Address,
) {
    deploy(&contract, admin, guardian);
    contract.sender(guardian).pause(market_scope()).expect("pause under 3 days");
    contract.sender(guardian).tighten(MAX_PAUSE_DURATION_KEY, secs(3600)).expect("shorten pauses");
    contract.sender(guardian).pause(PROTOCOL_SCOPE).expect("pause under 1 hour");
    assert_eq!(
        contract.sender(admin).pause_state(market_scope()),
        Ok((T0, false, T0 + MAX_PAUSE, 0))
    );
    assert_eq!(contract.sender(admin).pause_state(PROTOCOL_SCOPE), Ok((T0, false, T0 + 3600, 0)));
}
