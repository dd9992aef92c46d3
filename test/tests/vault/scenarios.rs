//! Scenarios of the vault with the real governance: NAV moves, locked liquidity, request
//! and claim timing, a just-in-time deposit around a premium, payouts, unauthorized flows,
//! paused scopes, zero and dust amounts.

use alloy_primitives::{Address, U256};
use mutual_contract_kit::clock;
use mutual_interfaces::keys::{PROTOCOL_SCOPE, VAULT_SCOPE};
use mutual_vault::{
    ERC4626ExceededMaxRedeem, ERC4626ExceededMaxWithdraw, Error, PayoutPulled, PremiumNotified,
    StaleMark, VaultInsolvent, VaultPaused, VaultSharesLocked, VaultStaleMark,
    VaultUnauthorizedAccount, VaultZeroAmount, VaultZeroAssets, VaultZeroShares, Withdraw,
    DEPOSIT_CAP_KEY, MARKET_ROLE, MIN_HOLD_TIME_KEY, REASON_DEFAULT, REASON_FEES,
    REASON_SETTLEMENT, REDEEM_DELAY_KEY, VIRTUAL_SHARES,
};

use crate::world::{u, usdc, World, DAY, DELAY, ETH, HOLD, MAX_AGE, MAX_PAUSE, T0};

#[motsu::test]
fn the_nav_moves_with_marks_premiums_and_payouts(alice: Address, bob: Address) {
    let world = World::new();
    let a = world.deposit(alice, usdc(1_000));
    let b = world.deposit(bob, usdc(3_000));
    let value = |shares| world.vault.sender(alice).convert_to_assets(shares).unwrap();
    assert_eq!((value(a), value(b)), (usdc(1_000), usdc(3_000)));
    // The pool writes an option: 40 USDC of premium in, 100 USDC of marked liability.
    world.premium(usdc(40));
    world.mark(usdc(100), U256::ZERO, usdc(500));
    assert_eq!(world.total_assets(), usdc(3_940));
    // Each LP carries its share of the loss at once: 1_000 * 3_940 / 4_000 = 985, less
    // the virtual shares' part and the rounding (at most a unit here).
    assert!(usdc(985) - value(a) <= u(1), "{}", value(a));
    // The option moves in the pool's favour, and the LPs' fee share arrives.
    world.mark(usdc(10), usdc(5), usdc(500));
    world.token.sender(world.admin).mint(world.market.address(), usdc(2)).unwrap();
    world.market.sender(world.admin).pay_premium(ETH, REASON_FEES, usdc(2)).unwrap();
    assert_eq!(world.total_assets(), usdc(4_000 + 40 + 5 + 2 - 10));
    // Settlement: the option pays 60, the market pulls it and the liability goes.
    world.mark(U256::ZERO, usdc(5), U256::ZERO);
    assert_eq!(
        world.market.sender(world.admin).pull_payout(ETH, REASON_SETTLEMENT, usdc(60)),
        Ok(usdc(60))
    );
    assert_eq!(world.total_assets(), usdc(4_000 + 40 + 5 + 2 - 60));
    assert_eq!(world.tokens(world.vault.address()), usdc(4_000 + 40 + 2 - 60));
    // A trader default reaches the pool (layer 5): the NAV falls by it at once.
    let before = world.total_assets();
    world.market.sender(world.admin).pull_payout(ETH, REASON_DEFAULT, usdc(100)).unwrap();
    assert_eq!(world.total_assets(), before - usdc(100));
}

#[motsu::test]
fn a_jit_deposit_around_a_premium_earns_nothing_it_did_not_risk(alice: Address, jit: Address) {
    let world = World::new();
    world.deposit(alice, usdc(10_000));
    // A known large trade: the JIT LP deposits just before it...
    let jit_shares = world.deposit(jit, usdc(10_000));
    // ... the pool sells an option for 500 USDC whose fair value the market marks at 450.
    world.premium(usdc(500));
    world.mark(usdc(450), U256::ZERO, usdc(2_000));
    // The NAV rose by the edge only (50), not by the premium.
    assert_eq!(world.total_assets(), usdc(20_050));
    // The JIT LP cannot leave at once: its shares are locked for the hold time...
    assert_eq!(
        world.vault.sender(jit).request_redeem(jit_shares, jit, jit),
        Err(Error::SharesLocked(VaultSharesLocked {
            account: jit,
            needed: jit_shares,
            unlocked: U256::ZERO,
            until: T0 + HOLD,
        }))
    );
    // ... nor hand them on.
    assert!(world.vault.sender(jit).transfer(alice, jit_shares).is_err());
    // After the hold it requests; the delay runs, during which the option goes against the
    // pool: the claim is priced at claim time.
    clock::warp(HOLD);
    world.request(jit, jit_shares);
    world.mark(usdc(1_450), U256::ZERO, usdc(2_000));
    clock::warp(DELAY);
    let paid = world.vault.sender(jit).redeem(jit_shares, jit, jit).unwrap();
    // Half of 20_500 - 1_450 = 19_050: 9_525, less rounding. The JIT LP lost 475.
    assert!(paid <= usdc(9_525) && usdc(9_525) - paid <= u(1), "{paid}");
}

#[motsu::test]
fn a_request_cannot_escape_a_loss_on_the_books(alice: Address, bob: Address) {
    let world = World::new();
    let a = world.deposit(alice, usdc(1_000));
    world.deposit(bob, usdc(1_000));
    clock::warp(HOLD);
    // Alice asks out, then a loss lands during the delay.
    world.request(alice, a);
    world.mark(usdc(500), U256::ZERO, U256::ZERO);
    clock::warp(DELAY);
    // She bears half of it: (2_000 - 500) / 2.
    let paid = world.vault.sender(alice).redeem(a, alice, alice).unwrap();
    assert!(paid <= usdc(750) && usdc(750) - paid <= u(1), "{paid}");
    // And Bob's shares are worth the other half.
    let b = world.shares(bob);
    let rest = world.vault.sender(bob).convert_to_assets(b).unwrap();
    assert!(rest >= usdc(750) - u(1), "{rest}");
}

#[motsu::test]
fn the_boundaries_of_hold_and_delay_are_exact(alice: Address) {
    let world = World::new();
    let shares = world.deposit(alice, usdc(100));
    clock::warp(HOLD - 1);
    let before = world.snapshot(alice);
    assert_eq!(
        world.vault.sender(alice).request_redeem(shares, alice, alice),
        Err(Error::SharesLocked(VaultSharesLocked {
            account: alice,
            needed: shares,
            unlocked: U256::ZERO,
            until: T0 + HOLD,
        }))
    );
    assert_eq!(world.snapshot(alice), before);
    clock::warp(1);
    world.request(alice, shares);
    assert_eq!(
        world.vault.sender(alice).redeem_request(alice),
        (shares, T0 + HOLD + DELAY, U256::ZERO)
    );
    clock::warp(DELAY - 1);
    assert_eq!(world.vault.sender(alice).max_redeem(alice), U256::ZERO);
    let before = world.snapshot(alice);
    assert_eq!(
        world.vault.sender(alice).redeem(shares, alice, alice),
        Err(Error::ExceededMaxRedeem(ERC4626ExceededMaxRedeem {
            owner: alice,
            shares,
            max: U256::ZERO,
        }))
    );
    assert_eq!(world.snapshot(alice), before);
    clock::warp(1);
    assert_eq!(world.vault.sender(alice).max_redeem(alice), shares);
    assert_eq!(world.vault.sender(alice).redeem(shares, alice, alice), Ok(usdc(100)));
    // A longer delay (tightened at once) applies to requests made after it; a shorter
    // hold (loosened through the timelock) to deposits made after it.
    world.gov.sender(world.admin).tighten(REDEEM_DELAY_KEY, u(7 * DAY)).unwrap();
    world.govern(MIN_HOLD_TIME_KEY, U256::ZERO);
    let shares = world.deposit(alice, usdc(5));
    assert_eq!(world.vault.sender(alice).locked_shares(alice), (U256::ZERO, 0));
    world.request(alice, shares);
    let now = T0 + HOLD + DELAY;
    assert_eq!(
        world.vault.sender(alice).redeem_request(alice),
        (shares, now + 7 * DAY, U256::ZERO)
    );
}

#[motsu::test]
fn locked_liquidity_stays_in_the_pool_until_released(alice: Address, bob: Address) {
    let world = World::new();
    let a = world.deposit(alice, usdc(1_000));
    let b = world.deposit(bob, usdc(1_000));
    clock::warp(HOLD);
    world.request(alice, a);
    world.request(bob, b);
    clock::warp(DELAY);
    // The market needs 1_500 of the 2_000 in cash against open positions.
    world.mark(U256::ZERO, U256::ZERO, usdc(1_500));
    assert_eq!(world.vault.sender(alice).max_withdraw(alice), usdc(500));
    assert_eq!(world.vault.sender(bob).max_withdraw(bob), usdc(500));
    let before = world.snapshot(alice);
    assert_eq!(
        world.vault.sender(alice).withdraw(usdc(501), alice, alice),
        Err(Error::ExceededMaxWithdraw(ERC4626ExceededMaxWithdraw {
            owner: alice,
            assets: usdc(501),
            max: usdc(500),
        }))
    );
    assert_eq!(world.snapshot(alice), before);
    // First come, first served within the free cash.
    world.vault.sender(alice).withdraw(usdc(500), alice, alice).unwrap();
    assert_eq!(world.vault.sender(bob).max_withdraw(bob), U256::ZERO);
    assert_eq!(world.vault.sender(bob).max_redeem(bob), U256::ZERO);
    // Positions close: the requirement falls, and Bob is paid in full.
    world.mark(U256::ZERO, U256::ZERO, U256::ZERO);
    assert_eq!(world.vault.sender(bob).redeem(b, bob, bob), Ok(usdc(1_000)));
    // Alice's rest is still claimable.
    let rest = world.vault.sender(alice).max_redeem(alice);
    assert_eq!(world.vault.sender(alice).redeem(rest, alice, alice), Ok(usdc(500)));
    assert_eq!(world.vault.sender(alice).total_supply(), U256::ZERO);
}

#[motsu::test]
fn a_payout_larger_than_the_cash_pays_the_cash(alice: Address) {
    let world = World::new();
    let shares = world.deposit(alice, usdc(1_000));
    world.premium(usdc(100));
    world.mark(usdc(1_500), U256::ZERO, usdc(1_100));
    // Deep in the money: the market asks for 1_500, the pool holds 1_100.
    let paid = world.market.sender(world.admin).pull_payout(ETH, REASON_SETTLEMENT, usdc(1_500));
    assert_eq!(paid, Ok(usdc(1_100)));
    world.vault.assert_emitted(&PayoutPulled {
        marketId: ETH,
        reason: REASON_SETTLEMENT,
        requested: usdc(1_500),
        paid: usdc(1_100),
    });
    assert_eq!(world.tokens(world.vault.address()), U256::ZERO);
    assert_eq!(world.tokens(world.market.address()), usdc(1_100));
    // The market settles: 400 of liability remains unpaid by the pool; the pool is below
    // zero until the market books cover or the residual, and takes no deposit.
    world.mark(usdc(400), U256::ZERO, U256::ZERO);
    assert_eq!(world.total_assets(), U256::ZERO);
    world.fund(alice, usdc(1));
    assert_eq!(
        world.vault.sender(alice).deposit(usdc(1), alice),
        Err(Error::Insolvent(VaultInsolvent { deficit: usdc(400) }))
    );
    // The shares are worth nothing and claims pay nothing.
    assert_eq!(world.vault.sender(alice).convert_to_assets(shares), Ok(U256::ZERO));
    clock::warp(HOLD);
    world.request(alice, shares);
    clock::warp(DELAY);
    assert_eq!(world.vault.sender(alice).max_redeem(alice), U256::ZERO);
    // Insurance cover passed on by the market restores the pool.
    world.mark(U256::ZERO, U256::ZERO, U256::ZERO);
    world.token.sender(world.admin).mint(world.market.address(), usdc(300)).unwrap();
    world
        .market
        .sender(world.admin)
        .pay_premium(ETH, mutual_vault::REASON_INSURANCE, usdc(300))
        .unwrap();
    world.vault.assert_emitted(&PremiumNotified {
        marketId: ETH,
        reason: mutual_vault::REASON_INSURANCE,
        amount: usdc(300),
    });
    // 1e15 * (300e6 + 1) / (1e15 + 1e6) = 300e6 + 0.7..: rounded down.
    assert_eq!(world.vault.sender(alice).redeem(shares, alice, alice), Ok(usdc(300)));
}

#[motsu::test]
fn only_the_registered_market_moves_money(alice: Address, mallory: Address) {
    let world = World::new();
    world.deposit(alice, usdc(1_000));
    world.token.sender(world.admin).mint(world.vault.address(), usdc(10)).unwrap();
    let before = world.snapshot(alice);
    let unauthorized = Error::UnauthorizedAccount(VaultUnauthorizedAccount {
        account: mallory,
        role: MARKET_ROLE,
    });
    assert_eq!(
        world.vault.sender(mallory).pull_payout(ETH, REASON_SETTLEMENT, usdc(1_000)),
        Err(unauthorized.clone())
    );
    assert_eq!(
        world.vault.sender(mallory).notify_premium(ETH, REASON_FEES, usdc(10)),
        Err(unauthorized)
    );
    // Not even governance's admin.
    assert!(world.vault.sender(world.admin).pull_payout(ETH, REASON_SETTLEMENT, u(1)).is_err());
    assert_eq!(world.snapshot(alice), before);
    assert_eq!(world.tokens(mallory), U256::ZERO);
}

#[motsu::test]
fn pauses_stop_entries_then_claims_by_scope(alice: Address, bob: Address) {
    let world = World::new();
    let a = world.deposit(alice, usdc(100));
    let b = world.deposit(bob, usdc(100));
    clock::warp(HOLD);
    world.request(alice, a);
    clock::warp(DELAY);
    // The guardian pauses the vault: no deposit, no new request; claims go on.
    world.gov.sender(world.guardian).pause(VAULT_SCOPE).unwrap();
    let paused = Error::Paused(VaultPaused { scope: VAULT_SCOPE });
    world.fund(bob, usdc(1));
    let before = world.snapshot(bob);
    assert_eq!(world.vault.sender(bob).max_deposit(bob), U256::ZERO);
    assert_eq!(world.vault.sender(bob).max_mint(bob), U256::ZERO);
    assert_eq!(world.vault.sender(bob).deposit(usdc(1), bob), Err(paused.clone()));
    assert_eq!(world.vault.sender(bob).mint(u(1), bob), Err(paused.clone()));
    assert_eq!(world.vault.sender(bob).request_redeem(b, bob, bob), Err(paused));
    assert_eq!(world.snapshot(bob), before);
    assert_eq!(world.vault.sender(alice).redeem(a / u(2), alice, alice), Ok(usdc(50)));
    // The guardian's pause lapses by itself after its maximum duration.
    clock::warp(MAX_PAUSE);
    assert_eq!(world.vault.sender(bob).max_deposit(bob), U256::MAX);
    // The admin pauses the whole protocol: claims stop too, and max* say so.
    world.gov.sender(world.admin).pause(PROTOCOL_SCOPE).unwrap();
    assert_eq!(world.vault.sender(alice).max_redeem(alice), U256::ZERO);
    assert_eq!(world.vault.sender(alice).max_withdraw(alice), U256::ZERO);
    let before = world.snapshot(alice);
    let protocol = Error::Paused(VaultPaused { scope: PROTOCOL_SCOPE });
    assert_eq!(world.vault.sender(alice).redeem(a / u(2), alice, alice), Err(protocol.clone()));
    assert_eq!(world.vault.sender(alice).withdraw(u(1), alice, alice), Err(protocol));
    assert_eq!(
        world.vault.sender(bob).deposit(usdc(1), bob),
        Err(Error::Paused(VaultPaused { scope: VAULT_SCOPE }))
    );
    assert_eq!(world.snapshot(alice), before);
    // The market's flows never stop.
    world.premium(usdc(1));
    // Unpaused, the claim pays the rest, with its share of the premium.
    world.gov.sender(world.admin).unpause(PROTOCOL_SCOPE).unwrap();
    let rest = world.vault.sender(alice).max_redeem(alice);
    assert_eq!(rest, a - a / u(2));
    assert!(world.vault.sender(alice).redeem(rest, alice, alice).unwrap() > usdc(50));
}

#[motsu::test]
fn a_stale_market_stops_deposits_but_not_claims(alice: Address, bob: Address) {
    let world = World::new();
    let a = world.deposit(alice, usdc(1_000));
    world.mark(usdc(100), U256::ZERO, usdc(200));
    clock::warp(HOLD);
    world.request(alice, a);
    // The market's marks age past the limit.
    clock::warp(DELAY);
    world.market.sender(world.admin).set_mark_age(MAX_AGE + 1);
    world.mark(U256::ZERO, U256::ZERO, U256::ZERO);
    // The last fresh mark the vault recorded is the deposit's, at T0, with nothing
    // marked (requests do not value the pool): 10% of nothing is nothing.
    assert_eq!(world.total_assets(), usdc(1_000));
    world.fund(bob, usdc(10));
    let before = world.snapshot(bob);
    assert_eq!(world.vault.sender(bob).max_deposit(bob), U256::ZERO);
    assert_eq!(
        world.vault.sender(bob).deposit(usdc(10), bob),
        Err(Error::StaleMark(VaultStaleMark { markTime: T0, maxAge: MAX_AGE }))
    );
    assert_eq!(world.snapshot(bob), before);
    // A fresh mark with a liability, recorded by a keeper, then the market goes stale.
    world.market.sender(world.admin).set_mark_age(0);
    world.mark(usdc(100), U256::ZERO, U256::ZERO);
    assert_eq!(world.vault.sender(bob).sync_mark(), Ok(true));
    let synced = T0 + HOLD + DELAY;
    world.market.sender(world.admin).set_liability_reverts(true);
    // 1_000 - 110: the claim is priced with the buffered liability, and says so.
    assert_eq!(world.total_assets(), usdc(890));
    let paid = world.vault.sender(alice).redeem(a, alice, alice).unwrap();
    assert!(usdc(890) - paid <= u(1), "{paid}");
    world.vault.assert_emitted(&StaleMark {
        markTime: synced,
        liability: usdc(110),
        requiredCollateral: U256::ZERO,
    });
    world.vault.assert_emitted(&Withdraw {
        sender: alice,
        receiver: alice,
        owner: alice,
        assets: paid,
        shares: a,
    });
}

#[motsu::test]
fn zero_and_dust_amounts_are_refused_and_change_nothing(alice: Address, bob: Address) {
    let world = World::new();
    let seed = world.deposit(alice, u(1));
    assert_eq!(seed, VIRTUAL_SHARES);
    world.fund(bob, usdc(1));
    let before = world.snapshot(bob);
    let zero = Error::ZeroAmount(VaultZeroAmount {});
    assert_eq!(world.vault.sender(bob).deposit(U256::ZERO, bob), Err(zero.clone()));
    assert_eq!(world.vault.sender(bob).mint(U256::ZERO, bob), Err(zero.clone()));
    assert_eq!(world.vault.sender(bob).request_redeem(U256::ZERO, bob, bob), Err(zero.clone()));
    assert_eq!(world.vault.sender(bob).withdraw(U256::ZERO, bob, bob), Err(zero.clone()));
    assert_eq!(world.vault.sender(bob).redeem(U256::ZERO, bob, bob), Err(zero.clone()));
    assert_eq!(
        world.market.sender(world.admin).pull_payout(ETH, REASON_SETTLEMENT, U256::ZERO),
        Err(Vec::from(zero))
    );
    assert_eq!(world.snapshot(bob), before);
    // A receivable of 5 USDC: one unit of assets buys (1e6 + 1e6) / (5e6 + 2) < 1 share.
    world.mark(U256::ZERO, usdc(5), U256::ZERO);
    let before = world.snapshot(bob);
    assert_eq!(
        world.vault.sender(bob).deposit(u(1), bob),
        Err(Error::ZeroShares(VaultZeroShares { assets: u(1) }))
    );
    assert_eq!(world.snapshot(bob), before);
    // A single share still costs a whole unit to mint (rounded up), in the pool's favour.
    assert_eq!(world.vault.sender(bob).preview_mint(u(1)), Ok(u(3)));
    world.mark(U256::ZERO, U256::ZERO, U256::ZERO);
    clock::warp(HOLD);
    world.request(alice, seed);
    clock::warp(DELAY);
    // One share of two million (real and virtual) over 2 units is worth 1e-6 units: 0.
    let before = world.snapshot(alice);
    assert_eq!(
        world.vault.sender(alice).redeem(u(1), alice, alice),
        Err(Error::ZeroAssets(VaultZeroAssets { shares: u(1) }))
    );
    assert_eq!(world.snapshot(alice), before);
    // The deposit cap at zero is a closed vault.
    world.gov.sender(world.admin).tighten(DEPOSIT_CAP_KEY, U256::ZERO).unwrap();
    assert_eq!(world.vault.sender(bob).max_deposit(bob), U256::ZERO);
}

#[motsu::test]
fn dust_deposited_for_someone_else_cannot_keep_them_locked(alice: Address, mallory: Address) {
    let world = World::new();
    let shares = world.deposit(alice, usdc(1_000));
    assert_eq!(world.vault.sender(alice).locked_shares(alice), (shares, T0 + HOLD));
    // Half-way through the hold, Mallory deposits one unit for Alice: the lock's end moves
    // by the dust's weight (a rounding second at most), not by a whole new hold.
    clock::warp(HOLD / 2);
    world.fund(mallory, u(1));
    let dust = world.vault.sender(mallory).deposit(u(1), alice).expect("dust deposit");
    let (locked, until) = world.vault.sender(alice).locked_shares(alice);
    assert_eq!(locked, shares + dust);
    assert!((T0 + HOLD..=T0 + HOLD + 1).contains(&until), "{until}");
    // So Alice's shares unlock on time and she can request them.
    clock::warp(until - (T0 + HOLD / 2));
    world.request(alice, shares + dust);
    // A third party depositing for an account with nothing locked still locks the whole
    // hold, and a deposit of Alice's own restarts her lock in full.
    world.fund(mallory, usdc(10));
    let fresh = world.vault.sender(mallory).deposit(usdc(10), mallory).expect("own deposit");
    let now = until;
    assert_eq!(world.vault.sender(mallory).locked_shares(mallory), (fresh, now + HOLD));
    clock::warp(HOLD / 2);
    let more = world.deposit(mallory, usdc(10));
    assert_eq!(
        world.vault.sender(mallory).locked_shares(mallory),
        (fresh + more, now + HOLD / 2 + HOLD)
    );
    // An equal third-party deposit onto a half-run lock ends half-way between the two ends.
    clock::warp(HOLD / 2);
    let t = now + HOLD;
    world.fund(alice, usdc(20));
    let gift = world.vault.sender(alice).deposit(usdc(20), mallory).expect("gift");
    let (locked, until) = world.vault.sender(mallory).locked_shares(mallory);
    assert_eq!(locked, fresh + more + gift);
    let old_end = now + HOLD / 2 + HOLD;
    assert!(until > old_end && until < t + HOLD, "{until} between {old_end} and {}", t + HOLD);
}
