//! The ERC-4626 inflation attack (INCIDENTS.md 8): a first depositor inflates the share
//! price, by a donation or by income it alone earns, to make a second depositor's shares
//! round down to its profit.
//!
//! The share math is played at decimals offsets 0, 6 (the contract's) and 12 through
//! `mutual_insurance::shares::Totals`, the very functions the contract uses; then the
//! attack is played on the contract itself.

use alloy_primitives::{Address, U256};
use mutual_insurance::{shares::Totals, JUNIOR, VIRTUAL_SHARES};

use crate::world::{u, usdc, World};

/// What an attack leaves: the attacker's profit (may be negative) and the victim's loss.
#[derive(Debug)]
struct Outcome {
    /// What the attacker can redeem less what it paid, as `(gain, loss)`: one is zero.
    attacker: (U256, U256),
    /// What the victim paid less what it can redeem.
    victim_loss: U256,
    /// The victim's shares.
    victim_shares: U256,
}

/// The attacker deposits `seed` into an empty tranche, then inflates its assets by
/// `donation` (no shares); the victim deposits `deposit`. Everything is then valued at
/// `redeem`'s rate.
fn attack(virtual_shares: U256, seed: U256, donation: U256, deposit: U256) -> Outcome {
    let empty = Totals { assets: U256::ZERO, supply: U256::ZERO };
    let attacker_shares = empty.to_shares_down(seed, virtual_shares).expect("attack: seed");
    let inflated = Totals { assets: seed + donation, supply: attacker_shares };
    let victim_shares = inflated.to_shares_down(deposit, virtual_shares).expect("attack: deposit");
    let after =
        Totals { assets: seed + donation + deposit, supply: attacker_shares + victim_shares };
    let attacker_value = after.to_assets_down(attacker_shares, virtual_shares).expect("value");
    let victim_value = after.to_assets_down(victim_shares, virtual_shares).expect("value");
    let cost = seed + donation;
    Outcome {
        attacker: (attacker_value.saturating_sub(cost), cost.saturating_sub(attacker_value)),
        victim_loss: deposit - victim_value,
        victim_shares,
    }
}

#[test]
fn the_attack_never_pays_and_the_offset_bounds_the_victims_loss() {
    let deposits = [u(1), u(1_000), usdc(1_000), usdc(1_000_000_000)];
    for offset in [0u32, 6, 12] {
        let v = U256::from(10).pow(U256::from(offset));
        for deposit in deposits {
            for donation in [deposit / u(2), deposit, deposit * u(2), deposit * u(1_000)] {
                let outcome = attack(v, u(1), donation, deposit);
                // The first depositor never profits: it cannot steal the second's deposit.
                assert_eq!(outcome.attacker.0, U256::ZERO, "offset {offset}: {outcome:?}");
                // The victim loses at most one share's worth, (1 + donation + 1) / (v + v),
                // plus a unit of rounding: about 10^-offset of the donation.
                let bound = (donation + u(2)) / (v + v) + u(1);
                assert!(
                    outcome.victim_loss <= bound,
                    "offset {offset}, deposit {deposit}, donation {donation}: {outcome:?}"
                );
            }
        }
    }
    // Why the offset matters: at offset 0 a donation of twice the deposit makes the victim's
    // shares round to zero (it loses everything; the attacker loses too, a griefing
    // attack), while at offset 6 the same victim keeps all but a millionth.
    let deposit = usdc(1_000);
    let at_0 = attack(U256::from(1), u(1), deposit * u(2), deposit);
    assert_eq!((at_0.victim_shares, at_0.victim_loss), (U256::ZERO, deposit));
    let at_6 = attack(VIRTUAL_SHARES, u(1), deposit * u(2), deposit);
    assert!(at_6.victim_loss <= deposit / u(1_000_000) + u(1), "{at_6:?}");
    let at_12 = attack(U256::from(10).pow(U256::from(12)), u(1), deposit * u(2), deposit);
    assert!(at_12.victim_loss <= u(1), "{at_12:?}");
}

#[motsu::test]
fn a_donation_to_the_fund_moves_no_exchange_rate(attacker: Address, victim: Address) {
    let world = World::new();
    let seed = world.stake(attacker, JUNIOR, u(1));
    assert_eq!(seed, VIRTUAL_SHARES);
    // The attacker sends 1_000 USDC straight to the fund: it is not the tranche's.
    world.token.sender(world.admin).mint(attacker, usdc(1_000)).unwrap();
    world.token.sender(attacker).transfer(world.fund.address(), usdc(1_000)).unwrap();
    assert_eq!(world.assets(JUNIOR), u(1));
    let shares = world.stake(victim, JUNIOR, usdc(1_000));
    // The victim gets the full 1e6 shares per unit, and redeems its deposit in full.
    assert_eq!(shares, usdc(1_000) * VIRTUAL_SHARES);
    assert_eq!(world.fund.sender(victim).preview_redeem(JUNIOR, shares), Ok(usdc(1_000)));
    assert_eq!(world.fund.sender(attacker).preview_redeem(JUNIOR, seed), Ok(u(1)));
}

#[motsu::test]
fn income_earned_alone_cannot_be_turned_on_a_later_depositor(attacker: Address, victim: Address) {
    let world = World::new();
    // The attacker is the junior tranche's only staker, with one unit, when 2_000 USDC of
    // income arrives: the legitimate way to inflate the rate.
    world.stake(attacker, JUNIOR, u(1));
    world.income(usdc(2_000));
    let deposit = usdc(1_000);
    let shares = world.stake(victim, JUNIOR, deposit);
    assert!(!shares.is_zero());
    let value = world.fund.sender(victim).preview_redeem(JUNIOR, shares).unwrap();
    // The victim loses at most one share's worth: (2_000e6 + 2) / 2e6 + 1 = 1_001 units,
    // a thousandth of a USDC on 1_000 USDC.
    assert!(deposit - value <= u(1_001), "victim keeps {value}");
    // The attacker's one unit earned the income less the virtual shares' half of it.
    let attacker_value =
        world.fund.sender(attacker).preview_redeem(JUNIOR, VIRTUAL_SHARES).unwrap();
    assert!(attacker_value <= usdc(1_000) + u(1_001), "attacker holds {attacker_value}");
}
