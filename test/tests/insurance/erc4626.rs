//! ERC-4626 behaviour per tranche: previews against execution in the spec's direction, round
//! trips, events carrying the tranche id, exact max functions, and bad inputs.

use alloy_primitives::{Address, U256};
use mutual_insurance::{
    tranche_key, Deposit, Error, InsuranceExceededMaxDeposit, InsuranceExceededMaxMint,
    InsuranceExceededMaxRedeem, InsuranceExceededMaxWithdraw, InsuranceInvalidAddress,
    InsuranceInvalidTranche, InsuranceRequestExceedsBalance, InsuranceZeroAmount, Withdraw,
    DEPOSIT_CAP, JUNIOR,
};

use crate::world::{at, u, usdc, Setup, World, SENIOR, TENOR};

/// A world of three tranches whose exchange rates are no longer round: stakers in each,
/// income, then a loss that reaches the senior tranche.
fn uneven_world(alice: Address, bob: Address) -> World {
    let world = Setup::new(3).deploy();
    world.stake(alice, JUNIOR, usdc(1_000) + u(7));
    world.stake(bob, SENIOR, usdc(3_000) + u(11));
    world.stake(bob, 2, usdc(500) + u(3));
    world.income(usdc(37) + u(13));
    // 1_010 USDC: all of the junior tranche (about 1_021) but a little, then the senior one.
    world.cover(usdc(1_010) + u(1));
    world.income(u(999_983));
    world
}

#[motsu::test]
fn previews_match_execution_in_each_tranche(alice: Address, bob: Address, carol: Address) {
    let world = uneven_world(alice, bob);
    world.fund_account(carol, usdc(10_000));
    for tranche in 0..3 {
        let fund = || world.fund.sender(carol);
        // deposit: exactly the previewed shares, never more than convertToShares.
        let assets = usdc(123) + u(456_789);
        let preview = fund().preview_deposit(tranche, assets).unwrap();
        assert!(preview <= fund().convert_to_shares(tranche, assets).unwrap());
        let before = world.snapshot(tranche, carol);
        assert_eq!(fund().deposit(tranche, assets, carol), Ok(preview));
        let after = world.snapshot(tranche, carol);
        assert_eq!(after.balance - before.balance, preview);
        assert_eq!(after.assets - before.assets, assets);
        assert_eq!(after.fund_balance - before.fund_balance, assets);
        // mint: exactly the previewed assets, at least convertToAssets.
        let shares = u(987_654_321_123);
        let preview = fund().preview_mint(tranche, shares).unwrap();
        assert!(preview >= fund().convert_to_assets(tranche, shares).unwrap());
        let paid_before = world.token_balance(carol);
        assert_eq!(fund().mint(tranche, shares, carol), Ok(preview));
        assert_eq!(paid_before - world.token_balance(carol), preview);
    }
    // Exit everything requested after the cooldown.
    for tranche in 0..3 {
        world.request_all(carol, tranche);
    }
    at(TENOR);
    for tranche in 0..3 {
        let fund = || world.fund.sender(carol);
        // withdraw: exactly the previewed shares burned, at least convertToShares.
        let assets = usdc(17) + u(1);
        let preview = fund().preview_withdraw(tranche, assets).unwrap();
        assert!(preview >= fund().convert_to_shares(tranche, assets).unwrap());
        let before = world.snapshot(tranche, carol);
        let received = world.token_balance(carol);
        assert_eq!(fund().withdraw(tranche, assets, carol, carol), Ok(preview));
        assert_eq!(before.balance - world.balance_of(tranche, carol), preview);
        assert_eq!(world.token_balance(carol) - received, assets);
        // redeem: exactly the previewed assets paid, at most convertToAssets.
        let shares = u(55_555_555_555);
        let preview = fund().preview_redeem(tranche, shares).unwrap();
        assert!(preview <= fund().convert_to_assets(tranche, shares).unwrap());
        let received = world.token_balance(carol);
        assert_eq!(fund().redeem(tranche, shares, carol, carol), Ok(preview));
        assert_eq!(world.token_balance(carol) - received, preview);
    }
}

#[motsu::test]
fn round_trips_are_never_profitable(alice: Address, bob: Address, carol: Address) {
    let world = uneven_world(alice, bob);
    world.fund_account(carol, usdc(100_000));
    for tranche in 0..3 {
        for assets in [u(1), u(999), usdc(1) + u(1), usdc(77_777) + u(3)] {
            // deposit then redeem the shares: at most the assets back.
            let shares = world.fund.sender(carol).preview_deposit(tranche, assets).unwrap();
            let back = world.fund.sender(carol).preview_redeem(tranche, shares).unwrap();
            assert!(back <= assets, "tranche {tranche}: deposit {assets} redeems {back}");
            // mint shares then withdraw their assets: at least the shares burned.
            let shares = assets * u(1_000_003);
            let cost = world.fund.sender(carol).preview_mint(tranche, shares).unwrap();
            let burned = world.fund.sender(carol).preview_withdraw(tranche, cost).unwrap();
            assert!(burned >= shares, "tranche {tranche}: mint {shares} costs {cost}");
        }
    }
    // Executed: deposit, wait out the cooldown, redeem everything.
    let assets = usdc(2_345) + u(17);
    let shares = world.fund.sender(carol).deposit(SENIOR, assets, carol).unwrap();
    world.fund.sender(carol).request_withdraw(SENIOR, shares).unwrap();
    at(TENOR);
    let back = world.fund.sender(carol).redeem(SENIOR, shares, carol, carol).unwrap();
    assert!(back <= assets);
    assert!(assets - back <= u(1), "the rounding costs at most one unit here: {back}");
}

#[motsu::test]
fn events_carry_the_tranche_id(alice: Address, bob: Address) {
    let world = Setup::new(3).deploy();
    world.fund_account(alice, usdc(10));
    let shares = world.fund.sender(alice).deposit(2, usdc(10), bob).unwrap();
    world.fund.assert_emitted(&Deposit {
        tranche: 2,
        sender: alice,
        owner: bob,
        assets: usdc(10),
        shares,
    });
    world.fund.sender(bob).request_withdraw(2, shares).unwrap();
    at(TENOR);
    world.fund.sender(bob).redeem(2, shares, alice, bob).unwrap();
    world.fund.assert_emitted(&Withdraw {
        tranche: 2,
        sender: bob,
        receiver: alice,
        owner: bob,
        assets: usdc(10),
        shares,
    });
    // Nothing was logged for the other tranches.
    assert!(!world.fund.emitted(&Deposit {
        tranche: JUNIOR,
        sender: alice,
        owner: bob,
        assets: usdc(10),
        shares,
    }));
}

#[motsu::test]
fn max_deposit_and_max_mint_are_exact(alice: Address, bob: Address) {
    let world = Setup::new(2).with(tranche_key(JUNIOR, DEPOSIT_CAP), usdc(1_000)).deploy();
    let fund = || world.fund.sender(alice);
    assert_eq!(fund().max_deposit(JUNIOR, alice), usdc(1_000));
    assert_eq!(fund().max_deposit(SENIOR, alice), U256::MAX);
    assert_eq!(fund().max_mint(SENIOR, alice), U256::MAX);
    world.stake(bob, JUNIOR, usdc(400));
    world.income(u(333_333)); // an uneven rate
    world.fund_account(alice, usdc(10_000));
    let room = usdc(600) - u(333_333);
    assert_eq!(fund().max_deposit(JUNIOR, alice), room);
    // One unit above the max is rejected with the max; the max itself goes through.
    let over = Error::ExceededMaxDeposit(InsuranceExceededMaxDeposit {
        tranche: JUNIOR,
        receiver: alice,
        assets: room + u(1),
        max: room,
    });
    let before = world.snapshot(JUNIOR, alice);
    assert_eq!(fund().deposit(JUNIOR, room + u(1), alice), Err(over));
    assert_eq!(world.snapshot(JUNIOR, alice), before);
    // maxMint: the shares of the room, rounded down; their cost fits the room.
    let half = room / u(2);
    fund().deposit(JUNIOR, half, alice).unwrap();
    let max_mint = fund().max_mint(JUNIOR, alice);
    assert_eq!(max_mint, fund().convert_to_shares(JUNIOR, room - half).unwrap());
    assert!(fund().preview_mint(JUNIOR, max_mint).unwrap() <= room - half);
    let over = Error::ExceededMaxMint(InsuranceExceededMaxMint {
        tranche: JUNIOR,
        receiver: alice,
        shares: max_mint + u(1),
        max: max_mint,
    });
    let before = world.snapshot(JUNIOR, alice);
    assert_eq!(fund().mint(JUNIOR, max_mint + u(1), alice), Err(over));
    assert_eq!(world.snapshot(JUNIOR, alice), before);
    assert!(fund().mint(JUNIOR, max_mint, alice).is_ok());
    // At the cap (or above it, after income): zero, and a deposit of one unit fails.
    assert!(fund().max_deposit(JUNIOR, alice) <= u(1));
    world.income(usdc(5));
    assert_eq!(fund().max_deposit(JUNIOR, alice), U256::ZERO);
    assert_eq!(fund().max_mint(JUNIOR, alice), U256::ZERO);
}

#[motsu::test]
fn max_withdraw_and_max_redeem_are_exact(alice: Address) {
    let world = World::new();
    let shares = world.stake(alice, SENIOR, usdc(100));
    world.income(u(777_777)); // an uneven rate
    let fund = || world.fund.sender(alice);
    // Nothing requested: nothing redeemable, at any time.
    assert_eq!(
        (fund().max_withdraw(SENIOR, alice), fund().max_redeem(SENIOR, alice)),
        (U256::ZERO, U256::ZERO)
    );
    let requested = shares / u(3);
    fund().request_withdraw(SENIOR, requested).unwrap();
    at(TENOR);
    assert_eq!(fund().max_redeem(SENIOR, alice), requested);
    let max_withdraw = fund().max_withdraw(SENIOR, alice);
    assert_eq!(max_withdraw, fund().preview_redeem(SENIOR, requested).unwrap());
    // One unit above each max is rejected with the max.
    let before = world.snapshot(SENIOR, alice);
    assert_eq!(
        fund().withdraw(SENIOR, max_withdraw + u(1), alice, alice),
        Err(Error::ExceededMaxWithdraw(InsuranceExceededMaxWithdraw {
            tranche: SENIOR,
            owner: alice,
            assets: max_withdraw + u(1),
            max: max_withdraw,
        }))
    );
    assert_eq!(
        fund().redeem(SENIOR, requested + u(1), alice, alice),
        Err(Error::ExceededMaxRedeem(InsuranceExceededMaxRedeem {
            tranche: SENIOR,
            owner: alice,
            shares: requested + u(1),
            max: requested,
        }))
    );
    assert_eq!(world.snapshot(SENIOR, alice), before);
    // maxWithdraw never promises more than a withdrawal pays: it goes through, burning at
    // most the requested shares.
    let burned = fund().withdraw(SENIOR, max_withdraw, alice, alice).unwrap();
    assert!(burned <= requested);
    assert_eq!(fund().max_redeem(SENIOR, alice), requested - burned);
    // What is left of the request redeems exactly.
    let left = requested - burned;
    if !left.is_zero() {
        assert!(fund().redeem(SENIOR, left, alice, alice).is_ok());
    }
    assert_eq!(fund().max_redeem(SENIOR, alice), U256::ZERO);
    assert_eq!(fund().max_withdraw(SENIOR, alice), U256::ZERO);
}

#[motsu::test]
fn bad_inputs_are_rejected_with_state_unchanged(alice: Address, bob: Address) {
    let world = World::new();
    let shares = world.stake(alice, JUNIOR, usdc(10));
    world.fund_account(alice, usdc(10));
    world.fund.sender(alice).request_withdraw(JUNIOR, shares / u(2)).unwrap();
    at(TENOR);
    let fund = || world.fund.sender(alice);
    let zero = Error::ZeroAmount(InsuranceZeroAmount {});
    let no_receiver = Error::InvalidAddress(InsuranceInvalidAddress { account: Address::ZERO });
    let bad_tranche = Error::InvalidTranche(InsuranceInvalidTranche { tranche: 2, count: 2 });
    let before = world.snapshot(JUNIOR, alice);
    let cases: Vec<(Result<U256, Error>, Error)> = vec![
        (fund().deposit(JUNIOR, U256::ZERO, alice), zero.clone()),
        (fund().mint(JUNIOR, U256::ZERO, alice), zero.clone()),
        (fund().withdraw(JUNIOR, U256::ZERO, alice, alice), zero.clone()),
        (fund().redeem(JUNIOR, U256::ZERO, alice, alice), zero.clone()),
        (fund().deposit(JUNIOR, u(1), Address::ZERO), no_receiver.clone()),
        (fund().mint(JUNIOR, u(1), Address::ZERO), no_receiver.clone()),
        (fund().withdraw(JUNIOR, u(1), Address::ZERO, alice), no_receiver.clone()),
        (fund().redeem(JUNIOR, u(1), Address::ZERO, alice), no_receiver),
        (fund().deposit(2, u(1), alice), bad_tranche.clone()),
        (fund().mint(2, u(1), alice), bad_tranche.clone()),
        (fund().withdraw(2, u(1), alice, alice), bad_tranche.clone()),
        (fund().redeem(2, u(1), alice, alice), bad_tranche.clone()),
        (fund().preview_deposit(2, u(1)), bad_tranche.clone()),
        (fund().convert_to_assets(2, u(1)), bad_tranche.clone()),
    ];
    for (i, (result, expected)) in cases.into_iter().enumerate() {
        assert_eq!(result, Err(expected), "case {i}");
    }
    assert_eq!(fund().request_withdraw(JUNIOR, U256::ZERO), Err(zero));
    assert_eq!(fund().request_withdraw(2, u(1)), Err(bad_tranche));
    assert_eq!(
        fund().request_withdraw(JUNIOR, shares + u(1)),
        Err(Error::RequestExceedsBalance(InsuranceRequestExceedsBalance {
            tranche: JUNIOR,
            owner: alice,
            shares: shares + u(1),
            balance: shares,
        }))
    );
    // Bob has no shares at all: requesting any fails too.
    assert_eq!(
        world.fund.sender(bob).request_withdraw(JUNIOR, u(1)),
        Err(Error::RequestExceedsBalance(InsuranceRequestExceedsBalance {
            tranche: JUNIOR,
            owner: bob,
            shares: u(1),
            balance: U256::ZERO,
        }))
    );
    assert_eq!(world.snapshot(JUNIOR, alice), before);
    assert_eq!(world.token_balance(alice), usdc(10));
}
