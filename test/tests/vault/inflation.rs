//! The ERC-4626 inflation attack (INCIDENTS.md 8): a first depositor raises the pool's
//! assets without minting (a donation, or a rise of the market's receivable or a fall of
//! its marked liability while it holds every share) so that a second depositor's shares
//! round down to its profit.
//!
//! The vault's offset is the compile-time constant `DECIMALS_OFFSET` (6), so the attack is
//! played at offsets 0, 6 and 18 through `mutual_vault::shares::Totals`, the very
//! functions the contract converts with, with the virtual shares as a parameter; then on
//! the contract itself at its offset.
//!
//! The documented bound (`DECIMALS_OFFSET`'s docs): the attacker never profits, and the
//! victim loses at most one share's worth at the inflated price, `(A + 1) / (S + v)` for a
//! pool of `A` assets and `S` shares with `v` virtual shares, plus one unit of rounding.
//! With a one-unit seed (`S = v`), that is `(D + 2) / (2 v) + 1` for an inflation `D`:
//! about `10^-offset / 2` of the inflation.

use alloy_primitives::{Address, U256};
use mutual_vault::{shares::Totals, VIRTUAL_SHARES};
use proptest::prelude::*;

use crate::world::{u, usdc, World, DELAY, HOLD};

/// What an attack leaves.
#[derive(Debug)]
struct Outcome {
    /// The attacker's value less its cost, as `(gain, loss)`: one is zero.
    attacker: (U256, U256),
    /// What the victim paid less what it can redeem.
    victim_loss: U256,
    /// The victim's shares.
    victim_shares: U256,
    /// The documented bound on the victim's loss: one share's worth at the inflated price
    /// (rounded up) plus one unit.
    bound: U256,
}

/// The attacker deposits `seed` into an empty pool, then raises its assets by `donation`
/// without minting; the victim deposits `deposit`. Everything is valued at `redeem`'s rate.
fn attack(virtual_shares: U256, seed: U256, donation: U256, deposit: U256) -> Outcome {
    let empty = Totals { assets: U256::ZERO, supply: U256::ZERO };
    let attacker_shares = empty.to_shares_down(seed, virtual_shares).expect("attack: seed");
    let inflated = Totals { assets: seed + donation, supply: attacker_shares };
    let victim_shares = inflated.to_shares_down(deposit, virtual_shares).expect("attack: deposit");
    let share_worth = inflated.to_assets_up(u(1), virtual_shares).expect("attack: one share");
    let after =
        Totals { assets: seed + donation + deposit, supply: attacker_shares + victim_shares };
    let attacker_value = after.to_assets_down(attacker_shares, virtual_shares).expect("value");
    let victim_value = after.to_assets_down(victim_shares, virtual_shares).expect("value");
    let cost = seed + donation;
    Outcome {
        attacker: (attacker_value.saturating_sub(cost), cost.saturating_sub(attacker_value)),
        victim_loss: deposit - victim_value,
        victim_shares,
        bound: share_worth + u(1),
    }
}

/// `10^offset`.
fn virtual_shares(offset: u32) -> U256 {
    U256::from(10).pow(U256::from(offset))
}

proptest! {
    // PROPTEST_CASES overrides the number of cases (proptest reads it); 256 by default.
    #![proptest_config(ProptestConfig { max_shrink_iters: 256, ..ProptestConfig::default() })]

    /// At offsets 0, 6 and 18: the attacker never profits, and the victim's loss is within
    /// the documented bound.
    #[test]
    fn the_attack_never_pays_and_the_loss_is_bounded(
        offset in prop_oneof![Just(0u32), Just(6u32), Just(18u32)],
        seed in 1u64..=1_000_000,
        donation in prop_oneof![0u64..=1_000, 0u64..=10_000_000_000_000_000],
        deposit in prop_oneof![1u64..=1_000, 1u64..=10_000_000_000_000_000],
    ) {
        let v = virtual_shares(offset);
        let outcome = attack(v, u(seed), u(donation), u(deposit));
        prop_assert_eq!(outcome.attacker.0, U256::ZERO, "offset {}: {:?}", offset, outcome);
        prop_assert!(outcome.victim_loss <= outcome.bound, "offset {}: {:?}", offset, outcome);
        // With a one-unit seed the bound is (D + 2) / (2 v) + 1, rounded up.
        if seed == 1 {
            let closed = (u(donation) + u(2) + v + v - u(1)) / (v + v) + u(1);
            prop_assert_eq!(outcome.bound, closed);
        }
    }
}

#[test]
fn the_offset_is_what_protects_the_victim() {
    // A one-unit seed and a donation of twice the deposit.
    let deposit = usdc(1_000);
    // Offset 0: the victim's shares round to zero and it loses everything (the attacker
    // loses too: griefing).
    let at_0 = attack(virtual_shares(0), u(1), deposit * u(2), deposit);
    assert_eq!((at_0.victim_shares, at_0.victim_loss), (U256::ZERO, deposit));
    // Offset 6 (the vault's): at most (2_000e6 + 2) / 2e6 + 1 = 1_002 units, a millionth.
    let at_6 = attack(VIRTUAL_SHARES, u(1), deposit * u(2), deposit);
    assert!(at_6.victim_loss <= u(1_002), "{at_6:?}");
    assert_eq!(at_6.bound, u(1_002));
    // Offset 18: at most the rounding unit.
    let at_18 = attack(virtual_shares(18), u(1), deposit * u(2), deposit);
    assert!(at_18.victim_loss <= u(1), "{at_18:?}");
}

#[motsu::test]
fn a_donation_to_the_vault_moves_no_exchange_rate(attacker: Address, victim: Address) {
    let world = World::new();
    let seed = world.deposit(attacker, u(1));
    assert_eq!(seed, VIRTUAL_SHARES);
    // The attacker sends 1_000 USDC straight to the vault: it is not the pool's.
    world.token.sender(world.admin).mint(world.vault.address(), usdc(1_000)).unwrap();
    assert_eq!(world.total_assets(), u(1));
    let shares = world.deposit(victim, usdc(1_000));
    assert_eq!(shares, usdc(1_000) * VIRTUAL_SHARES);
    assert_eq!(world.vault.sender(victim).preview_redeem(shares), Ok(usdc(1_000)));
}

#[motsu::test]
fn an_inflated_mark_cannot_be_turned_on_a_later_depositor(attacker: Address, victim: Address) {
    let world = World::new();
    // The attacker holds every share, one unit's worth, when the market's receivable rises
    // by 2_000 USDC: the way to inflate this vault's price without a donation.
    let seed = world.deposit(attacker, u(1));
    world.mark(U256::ZERO, usdc(2_000), U256::ZERO);
    let deposit = usdc(1_000);
    let shares = world.deposit(victim, deposit);
    assert!(!shares.is_zero());
    // The victim loses at most (2_000e6 + 2) / 2e6 + 1 = 1_002 units.
    let value = world.vault.sender(victim).convert_to_assets(shares).unwrap();
    assert!(deposit - value <= u(1_002), "victim keeps {value}");
    // And the claim, once the pool holds the cash, pays it.
    clock_through_exit(&world, victim, shares);
    world.market.sender(world.admin).set_pool_liability(U256::ZERO, U256::ZERO);
    world.premium(usdc(2_000));
    let paid = world.vault.sender(victim).redeem(shares, victim, victim).unwrap();
    assert!(deposit - paid <= u(1_002), "victim paid {paid}");
    // The attacker's unit earned the inflation less the virtual shares' half of it.
    let attacker_value = world.vault.sender(attacker).convert_to_assets(seed).unwrap();
    assert!(attacker_value <= usdc(1_000) + u(1_002), "attacker holds {attacker_value}");
}

/// `lp` waits out the hold time, requests `shares`, and waits out the delay.
fn clock_through_exit(world: &World, lp: Address, shares: U256) {
    mutual_contract_kit::clock::warp(HOLD);
    world.request(lp, shares);
    mutual_contract_kit::clock::warp(DELAY);
}
