//! Income: the exact split across tranches, junior yield above senior yield, arrival and
//! caller checks, and the coverage-driven income share.

use alloy_primitives::{Address, B256, U256};
use mutual_insurance::{
    Error, IncomeDistributed, InsuranceIncomeNotReceived, InsuranceUnauthorizedAccount,
    InsuranceZeroAmount, JUNIOR, MARKET_ROLE, MAX_INCOME_SHARE_KEY,
};
use mutual_interfaces::keys::MARKET_KEY;

use crate::world::{pct, revert_data, u, usdc, Setup, World, ETH, SENIOR};

#[motsu::test]
fn the_split_sums_exactly(alice: Address) {
    let world = Setup::new(3).deploy();
    world.stake(alice, JUNIOR, usdc(3) + u(1));
    world.stake(alice, SENIOR, usdc(7) + u(5));
    world.stake(alice, 2, usdc(11) + u(9));
    let mut expected_assets = [usdc(3) + u(1), usdc(7) + u(5), usdc(11) + u(9)];
    let amounts =
        (1..=40).map(u).chain([u(999_983), usdc(1_234_567) + u(89), U256::from(u128::MAX)]);
    for amount in amounts {
        let before: Vec<U256> = (0..3).map(|t| world.assets(t)).collect();
        world.income(amount);
        let after: Vec<U256> = (0..3).map(|t| world.assets(t)).collect();
        let split: Vec<U256> = (0..3).map(|t| after[t] - before[t]).collect();
        assert_eq!(split.iter().copied().sum::<U256>(), amount, "amount {amount}");
        world.fund.assert_emitted(&IncomeDistributed {
            marketId: ETH,
            amount,
            perTranche: split.clone(),
        });
        for t in 0..3 {
            expected_assets[t] += split[t];
        }
        assert_eq!(world.fund_balance(), after.iter().copied().sum::<U256>());
    }
    assert_eq!(expected_assets.to_vec(), (0..3).map(|t| world.assets(t)).collect::<Vec<_>>());
}

#[motsu::test]
fn junior_earns_more_per_unit_than_senior_whatever_the_sizes(alice: Address) {
    // Junior 10x, equal to, and a tenth of the senior tranche.
    for (junior, senior) in [(1_000, 100), (500, 500), (100, 1_000)] {
        let world = World::new();
        world.stake(alice, JUNIOR, usdc(junior));
        world.stake(alice, SENIOR, usdc(senior));
        world.income(usdc(77));
        let earned_j = world.assets(JUNIOR) - usdc(junior);
        let earned_s = world.assets(SENIOR) - usdc(senior);
        assert_eq!(earned_j + earned_s, usdc(77));
        // Per unit of assets: earned_j / junior > earned_s / senior, and with the default
        // weights (3 and 1) the ratio is 3, to within the split's unit of rounding.
        assert!(earned_j * usdc(senior) > earned_s * usdc(junior), "{junior}/{senior}");
        let lhs = earned_j * usdc(senior);
        let rhs = u(3) * earned_s * usdc(junior);
        let tolerance = u(3) * usdc(junior).max(usdc(senior));
        assert!(lhs.max(rhs) - lhs.min(rhs) <= tolerance, "{junior}/{senior}: {lhs} vs {rhs}");
        drop(world);
    }
}

#[motsu::test]
fn income_must_arrive_first_and_come_from_the_market(alice: Address, mallory: Address) {
    let world = World::new();
    world.stake(alice, JUNIOR, usdc(10));
    let market = || world.market.sender(world.admin);
    assert_eq!(
        market().notify_income(ETH, usdc(1)),
        Err(revert_data(Error::IncomeNotReceived(InsuranceIncomeNotReceived {
            amount: usdc(1),
            unaccounted: U256::ZERO,
        })))
    );
    assert_eq!(
        market().notify_income(ETH, U256::ZERO),
        Err(revert_data(Error::ZeroAmount(InsuranceZeroAmount {})))
    );
    // Someone else's tokens reaching the fund cannot be booked by them.
    world.token.sender(world.admin).mint(mallory, usdc(1)).unwrap();
    world.token.sender(mallory).transfer(world.fund.address(), usdc(1)).unwrap();
    assert_eq!(
        world.fund.sender(mallory).notify_income(ETH, usdc(1)),
        Err(Error::UnauthorizedAccount(InsuranceUnauthorizedAccount {
            account: mallory,
            role: MARKET_ROLE
        }))
    );
    assert_eq!(world.assets(JUNIOR), usdc(10));
    // The market books what arrived; not more.
    assert_eq!(market().notify_income(B256::repeat_byte(1), usdc(1)), Ok(()));
    assert_eq!(world.assets(JUNIOR), usdc(11));
    assert_eq!(
        market().notify_income(ETH, u(1)),
        Err(revert_data(Error::IncomeNotReceived(InsuranceIncomeNotReceived {
            amount: u(1),
            unaccounted: U256::ZERO,
        })))
    );
}

#[motsu::test]
fn the_income_share_follows_coverage(alice: Address) {
    let world = World::new();
    world.stake(alice, JUNIOR, usdc(300));
    let share = || world.market.sender(world.admin).income_share_wad(ETH).unwrap();
    let stressed = |loss| world.market.sender(world.admin).set_stressed_loss(ETH, loss);
    // Coverage: 300 / stressed loss; target 150%, base 10%, max 40%.
    for (loss, expected) in [
        (U256::ZERO, pct(10)),                             // no stressed loss
        (usdc(100), pct(10)),                              // 300%
        (usdc(200), pct(10)),                              // 150%: at target
        (usdc(400), pct(25)),                              // 75%: halfway down, halfway up
        (usdc(600), pct(30)),                              // 50%: 0.1 + 0.3 * (1.5 - 0.5) / 1.5
        (usdc(300_000_000), pct(40) - u(200_000_000_000)), // 0.0001%: nearly the max
    ] {
        stressed(loss);
        assert_eq!(share(), expected, "stressed loss {loss}");
    }
    // The maximum changes only through the timelock (direction "neither"); unknown
    // coverage (no market registered) takes it.
    world.gov.sender(world.guardian).tighten(MAX_INCOME_SHARE_KEY, pct(50)).unwrap_err();
    world.govern(MAX_INCOME_SHARE_KEY, pct(50));
    world.govern(MARKET_KEY, U256::ZERO);
    assert_eq!(world.fund.sender(alice).income_share_wad(ETH), Ok(pct(50)));
}
