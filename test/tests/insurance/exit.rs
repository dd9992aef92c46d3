//! Exits: cooldown lengths, window boundaries to the second, losses during the cooldown,
//! request replacement, spenders, and the fund's pause through the real governance.

use alloy_primitives::{Address, U256};
use mutual_governance::PROTOCOL_SCOPE;
use mutual_insurance::{
    tranche_key, Error, InsuranceExceededMaxDeposit, InsuranceExceededMaxRedeem,
    InsuranceExceededMaxWithdraw, InsuranceInsufficientAllowance, InsurancePaused,
    WithdrawRequested, DEPOSIT_CAP, JUNIOR, MIN_COOLDOWN_KEY,
};
use mutual_interfaces::keys::{INSURANCE_SCOPE, MARKET_KEY};

use crate::world::{
    at, u, usdc, Setup, World, DAY, MAX_COOLDOWN, MIN_COOLDOWN, SENIOR, T0, TENOR, WINDOW,
};

/// `ExceededMaxRedeem(tranche, owner, shares, 0)`: outside the window.
fn closed(tranche: u8, owner: Address, shares: U256) -> Error {
    Error::ExceededMaxRedeem(InsuranceExceededMaxRedeem { tranche, owner, shares, max: U256::ZERO })
}

#[motsu::test]
fn the_window_opens_and_closes_to_the_second(alice: Address) {
    let world = World::new();
    let shares = world.stake(alice, JUNIOR, usdc(10));
    let (unlock, expires) = world.request_all(alice, JUNIOR);
    assert_eq!((unlock, expires), (T0 + TENOR, T0 + TENOR + WINDOW));
    world.fund.assert_emitted(&WithdrawRequested {
        tranche: JUNIOR,
        owner: alice,
        shares,
        unlockAt: unlock,
        expiresAt: expires,
    });
    let fund = || world.fund.sender(alice);
    let before = world.snapshot(JUNIOR, alice);
    // One second before the unlock: closed.
    at(TENOR - 1);
    assert_eq!(
        (fund().max_redeem(JUNIOR, alice), fund().max_withdraw(JUNIOR, alice)),
        (U256::ZERO, U256::ZERO)
    );
    assert_eq!(fund().redeem(JUNIOR, shares, alice, alice), Err(closed(JUNIOR, alice, shares)));
    assert_eq!(
        fund().withdraw(JUNIOR, u(1), alice, alice),
        Err(Error::ExceededMaxWithdraw(InsuranceExceededMaxWithdraw {
            tranche: JUNIOR,
            owner: alice,
            assets: u(1),
            max: U256::ZERO,
        }))
    );
    assert_eq!(world.snapshot(JUNIOR, alice), before);
    // At the unlock, and at the last second of the window: open.
    for offset in [TENOR, TENOR + WINDOW] {
        at(offset);
        assert_eq!(fund().max_redeem(JUNIOR, alice), shares, "at T0 + {offset}");
        assert_eq!(fund().max_withdraw(JUNIOR, alice), usdc(10));
    }
    // One second after the window: closed again; the request stays on record.
    at(TENOR + WINDOW + 1);
    assert_eq!(fund().max_redeem(JUNIOR, alice), U256::ZERO);
    assert_eq!(fund().redeem(JUNIOR, shares, alice, alice), Err(closed(JUNIOR, alice, shares)));
    assert_eq!(world.snapshot(JUNIOR, alice), before);
    // A new request starts a new cooldown from now.
    let (unlock, expires) = world.request_all(alice, JUNIOR);
    assert_eq!((unlock, expires), (T0 + 2 * TENOR + WINDOW + 1, T0 + 2 * TENOR + 2 * WINDOW + 1));
    at(2 * TENOR + WINDOW + 1);
    assert_eq!(fund().redeem(JUNIOR, shares, alice, alice), Ok(usdc(10)));
    assert_eq!(world.token_balance(alice), usdc(10));
}

#[motsu::test]
fn the_cooldown_is_the_longest_open_tenor_within_the_bounds(alice: Address) {
    let world = World::new();
    world.stake(alice, SENIOR, usdc(10));
    let cooldown = |tenor: u64| {
        world.market.sender(world.admin).set_longest_open_tenor(tenor);
        let (unlock, _) = world.request_all(alice, SENIOR);
        unlock - T0
    };
    assert_eq!(cooldown(TENOR), TENOR);
    assert_eq!(cooldown(DAY), MIN_COOLDOWN);
    assert_eq!(cooldown(MIN_COOLDOWN + 1), MIN_COOLDOWN + 1);
    assert_eq!(cooldown(MAX_COOLDOWN + 1), MAX_COOLDOWN);
    // The market cannot answer: the governance maximum.
    world.market.sender(world.admin).set_tenor_reverts(true);
    assert_eq!(cooldown(DAY), MAX_COOLDOWN);
    world.market.sender(world.admin).set_tenor_reverts(false);
    // Governance raises the minimum at once (higher is safer).
    world.gov.sender(world.guardian).tighten(MIN_COOLDOWN_KEY, U256::from(20 * DAY)).unwrap();
    assert_eq!(cooldown(DAY), 20 * DAY);
    // The market is unregistered (through the timelock): the maximum again.
    world.govern(MARKET_KEY, U256::ZERO);
    assert_eq!(cooldown(DAY), MAX_COOLDOWN);
}

#[motsu::test]
fn requested_shares_bear_losses_until_withdrawn(alice: Address, bob: Address) {
    let world = World::new();
    let shares = world.stake(alice, JUNIOR, usdc(100));
    world.stake(bob, JUNIOR, usdc(100));
    world.request_all(alice, JUNIOR);
    // A 50 USDC loss lands during Alice's cooldown: the junior tranche takes it all.
    at(TENOR / 2);
    assert_eq!(world.cover(usdc(50)), usdc(50));
    at(TENOR);
    // Alice's requested shares are worth a quarter less: 75 USDC (less rounding).
    let max = world.fund.sender(alice).max_withdraw(JUNIOR, alice);
    assert!(max <= usdc(75) && usdc(75) - max <= u(1), "{max}");
    let paid = world.fund.sender(alice).redeem(JUNIOR, shares, alice, alice).unwrap();
    assert_eq!(paid, max);
    // Bob, who stayed, holds the rest (with Alice's rounding unit, at most).
    let bob_value =
        world.fund.sender(bob).preview_redeem(JUNIOR, world.balance_of(JUNIOR, bob)).unwrap();
    assert!(paid + bob_value <= usdc(150), "{paid} + {bob_value}");
    assert_eq!(world.assets(JUNIOR), usdc(150) - paid);
    assert_eq!(world.fund_balance(), world.assets(JUNIOR));
}

#[motsu::test]
fn a_new_request_replaces_the_old_and_partial_exits_keep_the_rest(alice: Address) {
    let world = World::new();
    let shares = world.stake(alice, SENIOR, usdc(90));
    let third = shares / u(3);
    world.fund.sender(alice).request_withdraw(SENIOR, third).unwrap();
    at(10 * DAY);
    // Replacing it moves the unlock 10 days later and changes the amount.
    let (unlock, expires) =
        world.fund.sender(alice).request_withdraw(SENIOR, third * u(2)).unwrap();
    assert_eq!((unlock, expires), (T0 + 10 * DAY + TENOR, T0 + 10 * DAY + TENOR + WINDOW));
    at(TENOR);
    assert_eq!(world.fund.sender(alice).max_redeem(SENIOR, alice), U256::ZERO);
    at(10 * DAY + TENOR);
    assert_eq!(world.fund.sender(alice).max_redeem(SENIOR, alice), third * u(2));
    // Redeem one third now: the other requested third stays redeemable in the window.
    assert_eq!(world.fund.sender(alice).redeem(SENIOR, third, alice, alice), Ok(usdc(30)));
    assert_eq!(
        world.fund.sender(alice).withdraw_request(SENIOR, alice),
        Ok((third, unlock, expires))
    );
    assert_eq!(world.fund.sender(alice).max_redeem(SENIOR, alice), third);
    assert_eq!(world.fund.sender(alice).redeem(SENIOR, third, alice, alice), Ok(usdc(30)));
    assert_eq!(world.fund.sender(alice).withdraw_request(SENIOR, alice), Ok((U256::ZERO, 0, 0)));
    assert_eq!(world.balance_of(SENIOR, alice), shares - third * u(2));
}

#[motsu::test]
fn spenders_exit_with_an_allowance_only(alice: Address, bob: Address) {
    let world = World::new();
    let shares = world.stake(alice, JUNIOR, usdc(20));
    world.request_all(alice, JUNIOR);
    at(TENOR);
    let before = world.snapshot(JUNIOR, alice);
    assert_eq!(
        world.fund.sender(bob).redeem(JUNIOR, shares, bob, alice),
        Err(Error::InsufficientAllowance(InsuranceInsufficientAllowance {
            tranche: JUNIOR,
            spender: bob,
            allowance: U256::ZERO,
            needed: shares,
        }))
    );
    assert_eq!(world.snapshot(JUNIOR, alice), before);
    // Bob's own request does not let him take Alice's shares; an allowance does.
    world.fund.sender(alice).approve(JUNIOR, bob, shares).unwrap();
    assert_eq!(world.fund.sender(bob).redeem(JUNIOR, shares, bob, alice), Ok(usdc(20)));
    assert_eq!(world.token_balance(bob), usdc(20));
    assert_eq!(world.fund.sender(bob).allowance(JUNIOR, alice, bob), Ok(U256::ZERO));
}

#[motsu::test]
fn the_pause_stops_deposits_and_requests_but_not_matured_exits(alice: Address, bob: Address) {
    let world = World::new();
    let shares = world.stake(alice, JUNIOR, usdc(100));
    world.fund_account(bob, usdc(100));
    world.request_all(alice, JUNIOR);
    at(TENOR);
    world.gov.sender(world.guardian).pause(INSURANCE_SCOPE).unwrap();
    let paused = Error::Paused(InsurancePaused { scope: INSURANCE_SCOPE });
    let fund = |who| world.fund.sender(who);
    assert_eq!(fund(bob).max_deposit(JUNIOR, bob), U256::ZERO);
    assert_eq!(fund(bob).max_mint(SENIOR, bob), U256::ZERO);
    assert_eq!(fund(bob).deposit(JUNIOR, usdc(1), bob), Err(paused.clone()));
    assert_eq!(fund(bob).mint(SENIOR, u(1), bob), Err(paused.clone()));
    assert_eq!(fund(alice).request_withdraw(JUNIOR, u(1)), Err(paused.clone()));
    assert_eq!(world.token_balance(bob), usdc(100));
    // Cover, income and Alice's matured exit go on.
    world.income(usdc(1));
    assert_eq!(world.cover(usdc(2)), usdc(2));
    assert_eq!(fund(alice).redeem(JUNIOR, shares, alice, alice), Ok(usdc(99)));
    // The guardian's pause lapses after 3 days: deposits resume.
    at(TENOR + 3 * DAY);
    assert_eq!(fund(bob).max_deposit(JUNIOR, bob), U256::MAX);
    assert!(fund(bob).deposit(JUNIOR, usdc(1), bob).is_ok());
    // A protocol-wide pause stops the fund's deposits too.
    world.gov.sender(world.admin).pause(PROTOCOL_SCOPE).unwrap();
    assert_eq!(fund(bob).deposit(SENIOR, usdc(1), bob), Err(paused));
}

#[motsu::test]
fn governance_tightens_a_deposit_cap_at_once(alice: Address) {
    let world = World::new();
    world.stake(alice, SENIOR, usdc(100));
    world.fund_account(alice, usdc(100));
    world.gov.sender(world.guardian).tighten(tranche_key(SENIOR, DEPOSIT_CAP), usdc(120)).unwrap();
    assert_eq!(world.fund.sender(alice).max_deposit(SENIOR, alice), usdc(20));
    assert_eq!(
        world.fund.sender(alice).deposit(SENIOR, usdc(21), alice),
        Err(Error::ExceededMaxDeposit(InsuranceExceededMaxDeposit {
            tranche: SENIOR,
            receiver: alice,
            assets: usdc(21),
            max: usdc(20),
        }))
    );
    assert!(world.fund.sender(alice).deposit(SENIOR, usdc(20), alice).is_ok());
    assert_eq!(world.fund.sender(alice).max_deposit(SENIOR, alice), U256::ZERO);
    // Loosening waits for the timelock.
    world.govern(tranche_key(SENIOR, DEPOSIT_CAP), usdc(200));
    assert_eq!(world.fund.sender(alice).max_deposit(SENIOR, alice), usdc(80));
    // The junior cap is untouched.
    assert_eq!(world.fund.sender(alice).max_deposit(JUNIOR, alice), U256::MAX);
}

#[motsu::test]
fn a_missing_governance_key_fails_requests_but_not_views(alice: Address) {
    let world = Setup::new(2).without(tranche_key(JUNIOR, DEPOSIT_CAP)).deploy();
    assert_eq!(world.fund.sender(alice).max_deposit(JUNIOR, alice), U256::ZERO);
    assert_eq!(world.fund.sender(alice).max_deposit(SENIOR, alice), U256::MAX);
    world.fund_account(alice, usdc(1));
    let failed = Error::GovernanceCallFailed(mutual_insurance::InsuranceGovernanceCallFailed {
        governance: world.gov.address(),
    });
    assert_eq!(world.fund.sender(alice).deposit(JUNIOR, usdc(1), alice), Err(failed));
    assert_eq!(world.assets(JUNIOR), U256::ZERO);
}
