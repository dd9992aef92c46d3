//! `GovernanceParams` as deployed: the constructor with the fund's keys, the timelock,
//! tightening and pauses.

use alloy_primitives::{Address, U256};
use mutual_abi::{IGovernanceParams as G, IInsuranceFund as F};
use mutual_localnet::protocol::{
    address_value, key, names, tranche_key, Artifacts, Config, Protocol, DAY, MAX_ADDRESS_VALUE,
    NEITHER,
};
use mutual_localnet::{create_address, DeployError, Localnet};

use crate::fixture::{artifacts, assert_logs, log_of, u, usdc, World};

#[test]
fn constructor_registers_every_key_and_the_fund_reads_them() {
    let mut w = World::new();
    let (gov, fund) = (w.p.governance, w.p.insurance);
    let (admin, guardian) = (w.p.admin, w.p.guardian);
    let params = w.config.params.clone();

    // The constructor's logs: the admin, the guardian key, the guardian, then every key.
    let constructor = w.p.governance_deployment.constructor.clone().expect("a constructor call");
    let mut expected = vec![
        log_of(gov, &G::AdminTransferred { previousAdmin: Address::ZERO, newAdmin: admin }),
        log_of(
            gov,
            &G::ParamRegistered {
                key: key(names::GUARDIAN),
                value: address_value(guardian),
                min: U256::ZERO,
                max: MAX_ADDRESS_VALUE,
                direction: NEITHER,
            },
        ),
        log_of(gov, &G::GuardianChanged { oldGuardian: Address::ZERO, newGuardian: guardian }),
    ];
    for p in &params {
        expected.push(log_of(
            gov,
            &G::ParamRegistered {
                key: p.key,
                value: p.value,
                min: p.min,
                max: p.max,
                direction: p.direction,
            },
        ));
    }
    assert_logs(&constructor, &expected);

    // Reads.
    assert_eq!(w.view(gov, &G::adminCall {})._0, admin);
    assert_eq!(w.view(gov, &G::guardianCall {})._0, guardian);
    assert_eq!(w.view(gov, &G::pendingAdminCall {})._0, Address::ZERO);
    assert_eq!(w.view(gov, &G::protocolScopeCall {})._0, key(names::PROTOCOL));
    let count = params.len() + 1;
    assert_eq!(w.view(gov, &G::paramCountCall {})._0, u(count as u64));
    assert_eq!(w.view(gov, &G::paramKeyAtCall { index: U256::ZERO })._0, key(names::GUARDIAN));
    for (i, p) in params.iter().enumerate() {
        let index = u(i as u64 + 1);
        assert_eq!(w.view(gov, &G::paramKeyAtCall { index })._0, p.key);
        let bounds = w.view(gov, &G::boundsCall { key: p.key });
        assert_eq!((bounds._0, bounds._1, bounds._2), (p.min, p.max, p.direction));
    }
    let keys: Vec<_> = params.iter().map(|p| p.key).collect();
    let values: Vec<_> = params.iter().map(|p| p.value).collect();
    assert_eq!(w.view(gov, &G::getManyCall { keys })._0, values);
    let index = u(count as u64);
    let error = G::GovernanceIndexOutOfBounds { index, count: u(count as u64) };
    w.expect_revert(w.carol, gov, &G::paramKeyAtCall { index }, &error);
    let unknown = key("no.such.key");
    w.expect_revert(
        w.carol,
        gov,
        &G::getCall { key: unknown },
        &G::GovernanceUnknownKey { key: unknown },
    );

    // The fund's constructor read the token's decimals; it finds every key it needs.
    assert_eq!(w.view(fund, &F::assetCall {})._0, w.p.usdc);
    assert_eq!(w.view(fund, &F::governanceCall {})._0, gov);
    assert_eq!(w.view(fund, &F::trancheCountCall {})._0, 2);
    assert_eq!(w.view(fund, &F::decimalsCall {})._0, 12);
    assert_eq!(w.view(fund, &F::fundAssetsCall {})._0, U256::ZERO);
    assert_eq!(w.view(fund, &F::lossCountCall {})._0, U256::ZERO);
    // The market is unset: the longest cooldown applies.
    assert_eq!(w.view(fund, &F::cooldownCall {})._0, 90 * DAY);
    // Coverage unknown (no market): the maximum income share.
    let share = w.view(fund, &F::incomeShareWadCall { marketId: crate::fixture::ETH })._0;
    assert_eq!(share, w.config.param(key(names::MAX_INCOME_SHARE)).map(|p| p.value).unwrap());
}

#[test]
fn keys_derived_from_their_names_match_the_contracts() {
    use mutual_governance as gov;
    use mutual_insurance as ins;
    use mutual_interfaces::keys as shared;
    let pairs = [
        (key(names::TIMELOCK_DELAY), gov::TIMELOCK_DELAY_KEY),
        (key(names::EXECUTION_WINDOW), gov::EXECUTION_WINDOW_KEY),
        (key(names::MAX_PAUSE_DURATION), gov::MAX_PAUSE_DURATION_KEY),
        (key(names::PAUSE_COOLDOWN), gov::PAUSE_COOLDOWN_KEY),
        (key(names::GUARDIAN), gov::GUARDIAN_KEY),
        (key(names::PROTOCOL), gov::PROTOCOL_SCOPE),
        (key(names::ADMIN_ROLE), gov::ADMIN_ROLE),
        (key(names::ADMIN_OR_GUARDIAN_ROLE), gov::ADMIN_OR_GUARDIAN_ROLE),
        (key(names::MARKET), shared::MARKET_KEY),
        (key(names::VAULT), shared::VAULT_KEY),
        (key(names::INSURANCE), shared::INSURANCE_SCOPE),
        (key(names::TREASURY), shared::TREASURY_KEY),
        (key(names::MIN_COOLDOWN), ins::MIN_COOLDOWN_KEY),
        (key(names::MAX_COOLDOWN), ins::MAX_COOLDOWN_KEY),
        (key(names::WITHDRAW_WINDOW), ins::WITHDRAW_WINDOW_KEY),
        (key(names::TARGET_COVERAGE), ins::TARGET_COVERAGE_KEY),
        (key(names::BASE_INCOME_SHARE), ins::BASE_INCOME_SHARE_KEY),
        (key(names::MAX_INCOME_SHARE), ins::MAX_INCOME_SHARE_KEY),
        (key(names::MARKET_ROLE), ins::MARKET_ROLE),
        (key(names::MARKET_OR_VAULT_ROLE), ins::MARKET_OR_VAULT_ROLE),
        (tranche_key(0, names::DEPOSIT_CAP), ins::tranche_key(0, ins::DEPOSIT_CAP)),
        (tranche_key(1, names::MIN_BALANCE), ins::tranche_key(1, ins::MIN_BALANCE)),
        (tranche_key(7, names::CAP_WAD), ins::tranche_key(7, ins::CAP_WAD)),
        (tranche_key(2, names::INCOME_WEIGHT), ins::tranche_key(2, ins::INCOME_WEIGHT)),
    ];
    for (i, (derived, declared)) in pairs.iter().enumerate() {
        assert_eq!(derived, declared, "key {i}");
    }
}

/// Deploys `config` and returns the constructor failure.
fn failed_deployment(config: &Config) -> (Localnet, mutual_localnet::CallResult) {
    let mut net = Localnet::new();
    let artifacts: &Artifacts = artifacts();
    match Protocol::deploy(&mut net, artifacts, config) {
        Err(DeployError::Constructor(result)) => (net, *result),
        Err(e) => panic!("expected a constructor revert, got {e}"),
        Ok(_) => panic!("expected a constructor revert, the deployment succeeded"),
    }
}

#[test]
fn failed_constructors_revert_with_their_errors_and_leave_nothing() {
    // A governance key missing from the initial set.
    let missing = key(names::PAUSE_COOLDOWN);
    let config = Config::new(2).without(missing);
    let (net, result) = failed_deployment(&config);
    let expected = G::GovernanceMissingGovernanceKey { key: missing };
    assert_eq!(result.output, alloy_sol_types::SolError::abi_encode(&expected));
    assert_eq!(result.error.as_deref(), Some("reverted"));
    assert!(net.code(create_address(config.deployer, 1)).is_empty(), "nothing deployed");

    // The zero admin.
    let config = Config { admin: Address::ZERO, ..Config::new(2) };
    let (_, result) = failed_deployment(&config);
    let expected = G::GovernanceInvalidAdmin { admin: Address::ZERO };
    assert_eq!(result.output, alloy_sol_types::SolError::abi_encode(&expected));

    // A value outside its bounds.
    let delay = key(names::TIMELOCK_DELAY);
    let config = Config::new(2).with(delay, u(60));
    let (_, result) = failed_deployment(&config);
    let expected =
        G::GovernanceValueOutOfBounds { key: delay, value: u(60), min: u(3600), max: u(30 * DAY) };
    assert_eq!(result.output, alloy_sol_types::SolError::abi_encode(&expected));

    // A fund of nine tranches (the most is eight): governance deploys, the fund reverts.
    let config = Config::new(9);
    let (net, result) = failed_deployment(&config);
    let expected = F::InsuranceInvalidTrancheCount { count: 9 };
    assert_eq!(result.output, alloy_sol_types::SolError::abi_encode(&expected));
    assert!(!net.code(create_address(config.deployer, 1)).is_empty(), "governance is deployed");
    assert!(net.code(create_address(config.deployer, 2)).is_empty(), "the fund is not");
}

#[test]
fn queue_then_execute_after_the_timelock() {
    let mut w = World::new();
    let (gov, admin) = (w.p.governance, w.p.admin);
    let min_cooldown = key(names::MIN_COOLDOWN);
    let value = u(8 * DAY);
    let eta = w.now() + 2 * DAY;

    // Only the admin queues.
    let error = G::GovernanceUnauthorizedAccount { account: w.carol, role: key(names::ADMIN_ROLE) };
    w.expect_revert(w.carol, gov, &G::queueCall { key: min_cooldown, value }, &error);
    // Within bounds only.
    let max_cooldown = key(names::MAX_COOLDOWN);
    let error = G::GovernanceValueOutOfBounds {
        key: max_cooldown,
        value: u(400 * DAY),
        min: u(7 * DAY),
        max: u(365 * DAY),
    };
    w.expect_revert(admin, gov, &G::queueCall { key: max_cooldown, value: u(400 * DAY) }, &error);

    let (_, result) = w.ok(admin, gov, &G::queueCall { key: min_cooldown, value });
    let queued = G::ChangeQueued {
        key: min_cooldown,
        kind: 1,
        value,
        min: U256::ZERO,
        max: U256::ZERO,
        direction: 0,
        eta,
    };
    assert_logs(&result, &[log_of(gov, &queued)]);
    let pending = w.view(gov, &G::pendingChangeCall { key: min_cooldown });
    assert_eq!(
        (pending._0, pending._1, pending._2, pending._3, pending._4, pending._5),
        (1, value, U256::ZERO, U256::ZERO, 0, eta)
    );
    let error = G::GovernanceAlreadyQueued { key: min_cooldown, eta };
    w.expect_revert(admin, gov, &G::queueCall { key: min_cooldown, value }, &error);

    // Not before the eta.
    let now = w.now();
    let error = G::GovernanceTimelockNotReady { key: min_cooldown, eta, currentTime: now };
    w.expect_revert(w.carol, gov, &G::executeCall { key: min_cooldown }, &error);
    w.net.warp(eta - 1);
    let error = G::GovernanceTimelockNotReady { key: min_cooldown, eta, currentTime: eta - 1 };
    w.expect_revert(w.carol, gov, &G::executeCall { key: min_cooldown }, &error);

    // At the eta, anyone executes.
    w.net.warp(eta);
    let (_, result) = w.ok(w.carol, gov, &G::executeCall { key: min_cooldown });
    let changed = G::ValueChanged { key: min_cooldown, oldValue: u(7 * DAY), newValue: value };
    assert_logs(&result, &[log_of(gov, &changed)]);
    assert_eq!(w.view(gov, &G::getCall { key: min_cooldown })._0, value);
    let pending = w.view(gov, &G::pendingChangeCall { key: min_cooldown });
    assert_eq!((pending._0, pending._5), (0, 0));
    let error = G::GovernanceNotQueued { key: min_cooldown };
    w.expect_revert(w.carol, gov, &G::executeCall { key: min_cooldown }, &error);

    // After the execution window, too late.
    let eta = w.now() + 2 * DAY;
    w.ok(admin, gov, &G::queueCall { key: min_cooldown, value: u(9 * DAY) });
    let deadline = eta + 7 * DAY;
    w.net.warp(deadline + 1);
    let error =
        G::GovernanceTimelockExpired { key: min_cooldown, deadline, currentTime: deadline + 1 };
    w.expect_revert(w.carol, gov, &G::executeCall { key: min_cooldown }, &error);

    // The market's address goes through the same timelock; the fund follows it.
    w.register_market();
    assert_eq!(w.view(gov, &G::getCall { key: key(names::MARKET) })._0, address_value(w.market));
}

#[test]
fn tighten_applies_at_once_and_only_when_safer() {
    let mut w = World::new();
    let (gov, fund, guardian) = (w.p.governance, w.p.insurance, w.p.guardian);
    let cap = tranche_key(0, names::DEPOSIT_CAP);

    let (_, result) = w.ok(guardian, gov, &G::tightenCall { key: cap, value: usdc(1500) });
    let tightened = G::ValueTightened {
        key: cap,
        oldValue: U256::MAX,
        newValue: usdc(1500),
        account: guardian,
    };
    assert_logs(&result, &[log_of(gov, &tightened)]);
    assert_eq!(w.view(gov, &G::getCall { key: cap })._0, usdc(1500));

    // Looser is not tighter; neither is a direction-2 key ever.
    let error = G::GovernanceNotTighter { key: cap, current: usdc(1500), proposed: usdc(2000) };
    w.expect_revert(guardian, gov, &G::tightenCall { key: cap, value: usdc(2000) }, &error);
    let window = key(names::WITHDRAW_WINDOW);
    let error = G::GovernanceNotTighter { key: window, current: u(2 * DAY), proposed: u(DAY) };
    w.expect_revert(guardian, gov, &G::tightenCall { key: window, value: u(DAY) }, &error);
    let error = G::GovernanceUnauthorizedAccount {
        account: w.carol,
        role: key(names::ADMIN_OR_GUARDIAN_ROLE),
    };
    w.expect_revert(w.carol, gov, &G::tightenCall { key: cap, value: usdc(1) }, &error);

    // The fund enforces the new cap on the next deposit.
    let alice = w.alice;
    w.stake(alice, 0, usdc(1000));
    assert_eq!(w.view(fund, &F::maxDepositCall { tranche: 0, receiver: alice })._0, usdc(500));
    w.mint(alice, usdc(600));
    let usdc_token = w.p.usdc;
    w.ok(
        alice,
        usdc_token,
        &mutual_abi::ITestUsdc::approveCall { spender: fund, value: usdc(600) },
    );
    let error = F::InsuranceExceededMaxDeposit {
        tranche: 0,
        receiver: alice,
        assets: usdc(600),
        max: usdc(500),
    };
    let deposit = F::depositCall { tranche: 0, assets: usdc(600), receiver: alice };
    w.expect_revert(alice, fund, &deposit, &error);
    w.ok(alice, fund, &F::depositCall { tranche: 0, assets: usdc(500), receiver: alice });
}

#[test]
fn pauses_lapse_unless_confirmed() {
    let mut w = World::new();
    let (gov, admin, guardian) = (w.p.governance, w.p.admin, w.p.guardian);
    let scope = key(names::INSURANCE);
    let lapses_at = w.now() + 3 * DAY;

    let (_, result) = w.ok(guardian, gov, &G::pauseCall { scope });
    let paused = G::Paused { scope, account: guardian, lapsesAt: lapses_at };
    assert_logs(&result, &[log_of(gov, &paused)]);
    assert!(w.view(gov, &G::isPausedCall { scope })._0);
    w.expect_revert(guardian, gov, &G::pauseCall { scope }, &G::GovernanceAlreadyPaused { scope });
    let error = G::GovernanceUnauthorizedAccount {
        account: w.carol,
        role: key(names::ADMIN_OR_GUARDIAN_ROLE),
    };
    w.expect_revert(w.carol, gov, &G::pauseCall { scope }, &error);

    // It lapses by itself.
    w.net.warp(lapses_at);
    assert!(!w.view(gov, &G::isPausedCall { scope })._0);
    let (_, result) = w.ok(w.carol, gov, &G::clearLapsedPauseCall { scope });
    assert_logs(&result, &[log_of(gov, &G::PauseLapsed { scope, lapsedAt: lapses_at })]);

    // The guardian waits out the cooldown; the admin does not, and its pause is confirmed.
    let error = G::GovernancePauseCooldown { scope, until: lapses_at + DAY };
    w.expect_revert(guardian, gov, &G::pauseCall { scope }, &error);
    let (_, result) = w.ok(admin, gov, &G::pauseCall { scope });
    assert_logs(&result, &[log_of(gov, &G::Paused { scope, account: admin, lapsesAt: 0 })]);
    w.skip(30 * DAY);
    assert!(w.view(gov, &G::isPausedCall { scope })._0);
    let (_, result) = w.ok(admin, gov, &G::unpauseCall { scope });
    assert_logs(&result, &[log_of(gov, &G::Unpaused { scope, account: admin })]);
    assert!(!w.view(gov, &G::isPausedCall { scope })._0);
}
