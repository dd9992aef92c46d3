//! Loss cover: junior first, then each more senior tranche; per-event caps and minimum
//! balances; losses beyond the fund; the canonical record; callers and bad input.

use alloy_primitives::{Address, B256, U256};
use mutual_insurance::{
    tranche_key, Error, InsuranceGovernanceCallFailed, InsuranceInvalidLossKind,
    InsuranceUnauthorizedAccount, InsuranceZeroAmount, InsuranceZeroMarketId, LossCovered, CAP_WAD,
    JUNIOR, KIND_POOL_TAIL, KIND_TRADER_DEFAULT, MARKET_OR_VAULT_ROLE, MARKET_ROLE, MIN_BALANCE,
};
use mutual_interfaces::keys::INSURANCE_SCOPE;

use crate::world::{at, loss, pct, revert_data, u, usdc, Setup, World, ETH, SENIOR, T0};

/// A world with 100 USDC junior and 300 USDC senior, from Alice and Bob.
fn staked(setup: Setup, alice: Address, bob: Address) -> World {
    let world = setup.deploy();
    world.stake(alice, JUNIOR, usdc(100));
    world.stake(bob, SENIOR, usdc(300));
    world
}

#[motsu::test]
fn the_junior_tranche_pays_first(alice: Address, bob: Address) {
    let world = staked(Setup::new(2), alice, bob);
    let senior_rate = world.fund.sender(bob).convert_to_assets(SENIOR, usdc(1)).unwrap();
    // 60 USDC: the junior tranche alone.
    assert_eq!(world.cover(usdc(60)), usdc(60));
    assert_eq!((world.assets(JUNIOR), world.assets(SENIOR)), (usdc(40), usdc(300)));
    // The junior exchange rate fell at once; the senior one did not move.
    assert_eq!(
        world.fund.sender(alice).preview_redeem(JUNIOR, usdc(100) * u(1_000_000)),
        Ok(usdc(40))
    );
    assert_eq!(world.fund.sender(bob).convert_to_assets(SENIOR, usdc(1)), Ok(senior_rate));
    // 100 USDC more: the junior tranche's last 40, then 60 from the senior one.
    at(5);
    assert_eq!(world.cover(usdc(100)), usdc(100));
    assert_eq!((world.assets(JUNIOR), world.assets(SENIOR)), (U256::ZERO, usdc(240)));
    world.fund.assert_emitted(&LossCovered {
        lossId: u(2),
        kind: KIND_TRADER_DEFAULT,
        marketId: ETH,
        requested: usdc(100),
        absorbed: vec![usdc(40), usdc(60)],
        residual: U256::ZERO,
        timestamp: T0 + 5,
    });
    assert_eq!(world.fund_balance(), usdc(240));
    assert_eq!(world.token_balance(world.market.address()), usdc(160));
}

#[motsu::test]
fn caps_and_minimum_balances_bound_each_event(alice: Address, bob: Address) {
    let setup = Setup::new(2)
        .with(tranche_key(JUNIOR, CAP_WAD), pct(50))
        .with(tranche_key(JUNIOR, MIN_BALANCE), usdc(30))
        .with(tranche_key(SENIOR, CAP_WAD), pct(10))
        .with(tranche_key(SENIOR, MIN_BALANCE), usdc(280));
    let world = staked(setup, alice, bob);
    // Junior: min(100 - 30, 50% of 100) = 50. Senior: min(300 - 280, 10% of 300) = 20.
    assert_eq!(world.cover(usdc(100)), usdc(70));
    assert_eq!(
        loss(&world.fund, u(1)),
        Ok((KIND_TRADER_DEFAULT, ETH, usdc(100), vec![usdc(50), usdc(20)], usdc(30), T0))
    );
    // Next event: junior min(50 - 30, 25) = 20; senior min(280 - 280, 28) = 0.
    assert_eq!(world.cover(usdc(100)), usdc(20));
    assert_eq!((world.assets(JUNIOR), world.assets(SENIOR)), (usdc(30), usdc(280)));
    // At their floors, the tranches pay nothing more: the whole loss is residual.
    assert_eq!(world.cover(usdc(1)), U256::ZERO);
    assert_eq!(
        loss(&world.fund, u(3)),
        Ok((KIND_TRADER_DEFAULT, ETH, usdc(1), vec![U256::ZERO, U256::ZERO], usdc(1), T0))
    );
    assert_eq!(world.fund_balance(), usdc(310));
    // The guardian lowers the junior per-event cap at once; the floor stays.
    world.gov.sender(world.guardian).tighten(tranche_key(JUNIOR, CAP_WAD), pct(1)).unwrap();
    world.income(usdc(100));
    let (junior, senior) = (world.assets(JUNIOR), world.assets(SENIOR));
    let covered = world.cover(usdc(100));
    // The junior tranche now pays 1% of its assets (rounded down) per event; the senior
    // one its assets above 280 USDC, up to 10% of them.
    let absorbed = vec![junior / u(100), (senior - usdc(280)).min(senior / u(10))];
    assert_eq!(covered, absorbed[0] + absorbed[1]);
    assert_eq!(
        loss(&world.fund, u(4)),
        Ok((KIND_TRADER_DEFAULT, ETH, usdc(100), absorbed, usdc(100) - covered, T0))
    );
}

#[motsu::test]
fn a_loss_larger_than_the_fund_leaves_a_residual(alice: Address, bob: Address) {
    let world = staked(Setup::new(2), alice, bob);
    let covered = world.cover(usdc(1_000));
    assert_eq!(covered, usdc(400));
    assert_eq!(world.fund_balance(), U256::ZERO);
    assert_eq!((world.assets(JUNIOR), world.assets(SENIOR)), (U256::ZERO, U256::ZERO));
    world.fund.assert_emitted(&LossCovered {
        lossId: u(1),
        kind: KIND_TRADER_DEFAULT,
        marketId: ETH,
        requested: usdc(1_000),
        absorbed: vec![usdc(100), usdc(300)],
        residual: usdc(600),
        timestamp: T0,
    });
    // Shares survive, worthless; a later loss gets nothing, and is still recorded.
    assert_eq!(
        world.fund.sender(alice).preview_redeem(JUNIOR, world.balance_of(JUNIOR, alice)),
        Ok(U256::ZERO)
    );
    assert_eq!(world.cover(usdc(5)), U256::ZERO);
    assert_eq!(world.fund.sender(alice).loss_count(), u(2));
}

#[motsu::test]
fn three_tranches_pay_in_id_order(alice: Address) {
    let world = Setup::new(3).with(tranche_key(SENIOR, CAP_WAD), pct(50)).deploy();
    world.stake(alice, 2, usdc(1_000));
    world.stake(alice, SENIOR, usdc(100));
    world.stake(alice, JUNIOR, usdc(10));
    // 10 from the junior tranche, 50 (its cap) from tranche 1, the rest from tranche 2.
    assert_eq!(world.cover(usdc(500)), usdc(500));
    assert_eq!(
        loss(&world.fund, u(1)),
        Ok((
            KIND_TRADER_DEFAULT,
            ETH,
            usdc(500),
            vec![usdc(10), usdc(50), usdc(440)],
            U256::ZERO,
            T0
        ))
    );
}

#[motsu::test]
fn the_vault_claims_pool_tail_losses_only(alice: Address, bob: Address, mallory: Address) {
    let world = staked(Setup::new(2), alice, bob);
    let vault = world.vault.address();
    // The vault's pool tail loss is covered and paid to the vault.
    assert_eq!(world.vault.sender(world.admin).cover(KIND_POOL_TAIL, ETH, usdc(30)), Ok(usdc(30)));
    assert_eq!(world.token_balance(vault), usdc(30));
    assert_eq!(
        loss(&world.fund, u(1)),
        Ok((KIND_POOL_TAIL, ETH, usdc(30), vec![usdc(30), U256::ZERO], U256::ZERO, T0))
    );
    // The market may claim either kind.
    assert_eq!(world.market.sender(world.admin).cover(KIND_POOL_TAIL, ETH, usdc(1)), Ok(usdc(1)));
    // The vault may not claim a trader default; nobody else claims anything.
    let as_vault = world.vault.sender(world.admin).cover(KIND_TRADER_DEFAULT, ETH, usdc(1));
    assert_eq!(
        as_vault,
        Err(revert_data(Error::UnauthorizedAccount(InsuranceUnauthorizedAccount {
            account: vault,
            role: MARKET_ROLE,
        })))
    );
    for (kind, role) in [(KIND_TRADER_DEFAULT, MARKET_ROLE), (KIND_POOL_TAIL, MARKET_OR_VAULT_ROLE)]
    {
        assert_eq!(
            world.fund.sender(mallory).cover(kind, ETH, usdc(1)),
            Err(Error::UnauthorizedAccount(InsuranceUnauthorizedAccount {
                account: mallory,
                role
            }))
        );
    }
    assert_eq!(world.fund.sender(alice).loss_count(), u(2));
    assert_eq!(world.assets(JUNIOR), usdc(69));
    assert_eq!(world.token_balance(mallory), U256::ZERO);
}

#[motsu::test]
fn bad_cover_input_is_rejected_with_state_unchanged(alice: Address, bob: Address) {
    let world = staked(Setup::new(2), alice, bob);
    let market = || world.market.sender(world.admin);
    let cases = [
        (
            market().cover(2, ETH, usdc(1)),
            Error::InvalidLossKind(InsuranceInvalidLossKind { kind: 2 }),
        ),
        (
            market().cover(255, ETH, usdc(1)),
            Error::InvalidLossKind(InsuranceInvalidLossKind { kind: 255 }),
        ),
        (market().cover(0, ETH, U256::ZERO), Error::ZeroAmount(InsuranceZeroAmount {})),
        (market().cover(1, B256::ZERO, usdc(1)), Error::ZeroMarketId(InsuranceZeroMarketId {})),
    ];
    for (i, (result, expected)) in cases.into_iter().enumerate() {
        assert_eq!(result, Err(revert_data(expected)), "case {i}");
    }
    assert_eq!(world.fund.sender(alice).loss_count(), U256::ZERO);
    assert_eq!((world.assets(JUNIOR), world.assets(SENIOR)), (usdc(100), usdc(300)));
    assert_eq!(world.fund_balance(), usdc(400));
    assert_eq!(world.token_balance(world.market.address()), U256::ZERO);
}

#[motsu::test]
fn cover_works_while_paused(alice: Address, bob: Address) {
    let world = staked(Setup::new(2), alice, bob);
    world.gov.sender(world.guardian).pause(INSURANCE_SCOPE).unwrap();
    assert_eq!(world.cover(usdc(10)), usdc(10));
    world.gov.sender(world.admin).pause(mutual_governance::PROTOCOL_SCOPE).unwrap();
    assert_eq!(world.cover(usdc(10)), usdc(10));
    assert_eq!(world.assets(JUNIOR), usdc(80));
}

#[motsu::test]
fn cover_needs_its_parameters(alice: Address, bob: Address) {
    let broken = staked(Setup::new(2).without(tranche_key(SENIOR, MIN_BALANCE)), alice, bob);
    assert_eq!(
        broken.market.sender(broken.admin).cover(0, ETH, usdc(10)),
        Err(revert_data(Error::GovernanceCallFailed(InsuranceGovernanceCallFailed {
            governance: broken.gov.address(),
        })))
    );
    assert_eq!(broken.fund.sender(alice).loss_count(), U256::ZERO);
}
