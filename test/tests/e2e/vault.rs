//! `MutualVault` as deployed, with the test token as its asset, governance real and the
//! market's views answered by the native stand-in ([`MarketStandIn`]): deposits and mints at
//! a fresh mark, the hold time and the redeem delay at their exact boundaries, claims by
//! `redeem` and `withdraw`, the market's premiums and payouts, the stale mark, pauses.
//!
//! Expected amounts are computed beside each call from the vault's documented formulas
//! (10^6 virtual shares and one virtual unit of assets; see [`to_shares`]).

use alloy_primitives::{Address, B256, U256};
use alloy_sol_types::SolError;
use mutual_abi::{IGovernanceParams as G, IMutualVault as V, ITestUsdc as T};
use mutual_localnet::protocol::{
    key, names, text_word, vault_constructor, Config, MarketStandIn, Protocol, DAY,
};
use mutual_localnet::{DeployError, DeployOptions, Localnet};

use crate::fixture::{artifacts, assert_logs, log_of, u, usdc, World, ETH};

/// The vault's virtual shares (`VIRTUAL_SHARES`, 10^6).
const VIRTUAL: u64 = 1_000_000;
/// `vault.markMaxAge` of [`Config::new`]: 1 hour.
const MAX_AGE: u64 = 3600;
/// `vault.redeemDelay` of [`Config::new`]: 3 days.
const REDEEM_DELAY: u64 = 3 * DAY;
/// `vault.minHoldTime` of [`Config::new`]: 1 day.
const HOLD: u64 = DAY;

/// `amount * num / den`, rounded down or up.
fn mul_div(amount: U256, num: U256, den: U256, up: bool) -> U256 {
    let product = amount * num;
    let (q, r) = (product / den, product % den);
    if up && !r.is_zero() {
        q + u(1)
    } else {
        q
    }
}

/// The shares of `assets` at NAV `nav` and supply `supply`:
/// `assets * (supply + 10^6) / (nav + 1)`.
fn to_shares(assets: U256, nav: U256, supply: U256, up: bool) -> U256 {
    mul_div(assets, supply + u(VIRTUAL), nav + u(1), up)
}

/// The assets of `shares`: `shares * (nav + 1) / (supply + 10^6)`.
fn to_assets(shares: U256, nav: U256, supply: U256, up: bool) -> U256 {
    mul_div(shares, nav + u(1), supply + u(VIRTUAL), up)
}

/// `(cash, receivable, liability, lockedCollateral, markTime, fresh)` of `valuation()`.
fn valuation(w: &mut World) -> (U256, U256, U256, U256, u64, bool) {
    let vault = w.p.vault;
    let v = w.view(vault, &V::valuationCall {});
    (v._0, v._1, v._2, v._3, v._4, v._5)
}

/// The logs of a claim (`redeem` or `withdraw`) with a fresh mark: the escrowed shares
/// burnt, `withdraw` itself, the asset paid out.
fn claim_logs(w: &World, withdraw: &V::Withdraw) -> Vec<mutual_localnet::Log> {
    let (vault, token) = (w.p.vault, w.p.usdc);
    vec![
        log_of(vault, &V::Transfer { from: vault, to: Address::ZERO, value: withdraw.shares }),
        log_of(vault, withdraw),
        log_of(token, &T::Transfer { from: vault, to: withdraw.receiver, value: withdraw.assets }),
    ]
}

/// Marks the stand-in's book now.
fn remark(w: &World, book: &MarketStandIn) {
    let now = w.now();
    book.update(|views| views.mark_time = now);
}

#[test]
fn constructor_metadata_and_no_deposit_without_a_market() {
    let mut w = World::new();
    let (vault, token, gov, alice) = (w.p.vault, w.p.usdc, w.p.governance, w.alice);

    assert_eq!(w.view(vault, &V::nameCall {})._0, "Mutual USDC Pool");
    assert_eq!(w.view(vault, &V::symbolCall {})._0, "mUSDC");
    assert_eq!(w.view(vault, &V::decimalsCall {})._0, 12, "6 of the token, 6 of offset");
    assert_eq!(w.view(vault, &V::assetCall {})._0, token);
    assert_eq!(w.view(vault, &V::shareCall {})._0, vault);
    assert_eq!(w.view(vault, &V::governanceCall {})._0, gov);
    assert_eq!((w.vault_assets(), w.vault_supply()), (U256::ZERO, U256::ZERO));
    for (id, supported) in [
        (0x01ff_c9a7_u32, true),
        (0xe3bc_4e65, true),
        (0x620e_e8e4, true),
        (0x2f0a_18c5, true),
        (0xffff_ffff, false),
        (0x36372b07, false), // ERC-20
    ] {
        let call = V::supportsInterfaceCall { interfaceId: id.to_be_bytes().into() };
        assert_eq!(w.view(vault, &call)._0, supported, "interface {id:#010x}");
    }

    // No market: no mark, stale from the start; deposits are closed, never a wrong price.
    assert_eq!(valuation(&mut w), (U256::ZERO, U256::ZERO, U256::ZERO, U256::ZERO, 0, false));
    assert_eq!(w.view(vault, &V::maxDepositCall { receiver: alice })._0, U256::ZERO);
    assert_eq!(w.view(vault, &V::maxMintCall { receiver: alice })._0, U256::ZERO);
    let stale = V::VaultStaleMark { markTime: 0, maxAge: MAX_AGE };
    w.expect_revert(alice, vault, &V::previewDepositCall { assets: u(1) }, &stale);
    w.expect_revert(alice, vault, &V::previewMintCall { shares: u(1) }, &stale);
    w.fund_lp(alice, usdc(100));
    let deposit = V::depositCall { assets: usdc(100), receiver: alice };
    w.expect_revert(alice, vault, &deposit, &stale);
    w.expect_revert(alice, vault, &V::mintCall { shares: u(1), receiver: alice }, &stale);
    // Input checks come first.
    let zero = V::depositCall { assets: U256::ZERO, receiver: alice };
    w.expect_revert(alice, vault, &zero, &V::VaultZeroAmount {});
    for receiver in [Address::ZERO, vault] {
        let call = V::depositCall { assets: usdc(1), receiver };
        w.expect_revert(alice, vault, &call, &V::VaultInvalidAddress { account: receiver });
    }
    // A claim with nothing requested.
    let redeem = V::redeemCall { shares: u(1), receiver: alice, owner: alice };
    let error = V::ERC4626ExceededMaxRedeem { owner: alice, shares: u(1), max: U256::ZERO };
    w.expect_revert(alice, vault, &redeem, &error);
}

#[test]
fn failed_vault_constructors_revert_with_their_errors() {
    // Metadata: empty or not ASCII.
    let bad_name = Config { vault_name: B256::ZERO, ..Config::new(2) };
    let mut net = Localnet::new();
    let Err(DeployError::Constructor(result)) = Protocol::deploy(&mut net, artifacts(), &bad_name)
    else {
        panic!("the vault's constructor accepted an empty name");
    };
    let symbol = bad_name.vault_symbol;
    let expected = V::VaultInvalidMetadata { name: B256::ZERO, symbol };
    assert_eq!(result.output, expected.abi_encode());
    assert_eq!(result.error.as_deref(), Some("reverted"));
    let mut high = text_word("mUSDC");
    high[1] = 0xe9;
    let bad_symbol = Config { vault_symbol: high, ..Config::new(2) };
    let mut net = Localnet::new();
    let Err(DeployError::Constructor(result)) =
        Protocol::deploy(&mut net, artifacts(), &bad_symbol)
    else {
        panic!("the vault's constructor accepted a non-ASCII symbol");
    };
    let expected = V::VaultInvalidMetadata { name: bad_symbol.vault_name, symbol: high };
    assert_eq!(result.output, expected.abi_encode());

    // A zero asset, and an asset without code (its decimals cannot be read).
    let w = World::new();
    let (gov, deployer) = (w.p.governance, w.config.deployer);
    let mut net = w.net;
    let name = text_word("n");
    for (asset, expected) in [
        (Address::ZERO, V::VaultInvalidAddress { account: Address::ZERO }.abi_encode()),
        (w.carol, V::VaultTokenCallFailed { token: w.carol }.abi_encode()),
    ] {
        let options = DeployOptions {
            constructor: Some(vault_constructor(asset, gov, name, name)),
            ..DeployOptions::default()
        };
        match net.deploy_with(deployer, &artifacts().vault, &options) {
            Err(DeployError::Constructor(result)) => assert_eq!(result.output, expected),
            Err(e) => panic!("expected a constructor revert, got {e}"),
            Ok(_) => panic!("the vault deployed with asset {asset}"),
        }
    }
}

#[test]
fn lp_round_trip_through_the_hold_time_and_the_redeem_delay() {
    let mut w = World::new();
    let book = w.open_market();
    let (vault, token, market) = (w.p.vault, w.p.usdc, w.market);
    let (alice, bob, carol) = (w.alice, w.bob, w.carol);
    let t0 = w.now();

    // ---- alice deposits 1,000: 1,000e6 * (0 + 1e6) / (0 + 1) = 1e15 shares.
    w.fund_lp(alice, usdc(1000));
    let shares_a = to_shares(usdc(1000), U256::ZERO, U256::ZERO, false);
    assert_eq!(shares_a, u(1_000_000_000_000_000));
    assert_eq!(w.view(vault, &V::previewDepositCall { assets: usdc(1000) })._0, shares_a);
    assert_eq!(w.view(vault, &V::maxDepositCall { receiver: alice })._0, U256::MAX);
    let (minted, result) =
        w.ok(alice, vault, &V::depositCall { assets: usdc(1000), receiver: alice });
    assert_eq!(minted._0, shares_a);
    assert_logs(
        &result,
        &[
            log_of(vault, &V::Transfer { from: Address::ZERO, to: alice, value: shares_a }),
            log_of(
                vault,
                &V::Deposit { sender: alice, owner: alice, assets: usdc(1000), shares: shares_a },
            ),
            log_of(token, &T::Transfer { from: alice, to: vault, value: usdc(1000) }),
        ],
    );
    let locked = w.view(vault, &V::lockedSharesCall { account: alice });
    assert_eq!((locked._0, locked._1), (shares_a, t0 + HOLD));
    assert_eq!(valuation(&mut w), (usdc(1000), U256::ZERO, U256::ZERO, U256::ZERO, t0, true));

    // ---- a premium of 100 arrives: the NAV rises, the supply does not.
    w.mint(market, usdc(100));
    w.ok(market, token, &T::transferCall { to: vault, value: usdc(100) });
    let (_, result) =
        w.ok(market, vault, &V::notifyPremiumCall { marketId: ETH, reason: 0, amount: usdc(100) });
    assert_logs(
        &result,
        &[log_of(vault, &V::PremiumNotified { marketId: ETH, reason: 0, amount: usdc(100) })],
    );
    assert_eq!(w.vault_assets(), usdc(1100));

    // ---- bob mints 5e14 shares: he pays ceil(5e14 * (1,100e6 + 1) / (1e15 + 1e6)).
    let shares_b = u(500_000_000_000_000);
    let cost = to_assets(shares_b, usdc(1100), shares_a, true);
    assert_eq!(w.view(vault, &V::previewMintCall { shares: shares_b })._0, cost);
    w.fund_lp(bob, cost);
    let (paid, result) = w.ok(bob, vault, &V::mintCall { shares: shares_b, receiver: bob });
    assert_eq!(paid._0, cost);
    assert_logs(
        &result,
        &[
            log_of(vault, &V::Transfer { from: Address::ZERO, to: bob, value: shares_b }),
            log_of(vault, &V::Deposit { sender: bob, owner: bob, assets: cost, shares: shares_b }),
            log_of(token, &T::Transfer { from: bob, to: vault, value: cost }),
        ],
    );
    let cash = usdc(1100) + cost;
    assert_eq!(w.token_balance(vault), cash);

    // ---- the hold time: locked until t0 + 1 day exactly.
    let until = t0 + HOLD;
    w.net.warp(until - 1);
    let error = V::VaultSharesLocked { account: alice, needed: u(1), unlocked: U256::ZERO, until };
    w.expect_revert(alice, vault, &V::transferCall { to: carol, value: u(1) }, &error);
    let request = V::requestRedeemCall { shares: shares_a, controller: alice, owner: alice };
    let error =
        V::VaultSharesLocked { account: alice, needed: shares_a, unlocked: U256::ZERO, until };
    w.expect_revert(alice, vault, &request, &error);
    w.net.warp(until);
    assert_eq!(w.view(vault, &V::lockedSharesCall { account: alice })._0, U256::ZERO);
    // Not more than the balance; not for another controller without its consent.
    let too_many =
        V::requestRedeemCall { shares: shares_a + u(1), controller: alice, owner: alice };
    let error =
        V::ERC20InsufficientBalance { sender: alice, balance: shares_a, needed: shares_a + u(1) };
    w.expect_revert(alice, vault, &too_many, &error);
    let for_carol = V::requestRedeemCall { shares: u(1), controller: carol, owner: alice };
    let error = V::VaultUnauthorizedAccount { account: alice, role: key(names::CONTROLLER_ROLE) };
    w.expect_revert(alice, vault, &for_carol, &error);

    // ---- alice requests everything: escrowed, claimable 3 days later.
    let (id, result) = w.ok(alice, vault, &request);
    assert_eq!(id._0, U256::ZERO);
    assert_logs(
        &result,
        &[
            log_of(vault, &V::Transfer { from: alice, to: vault, value: shares_a }),
            log_of(
                vault,
                &V::RedeemRequest {
                    controller: alice,
                    owner: alice,
                    requestId: U256::ZERO,
                    sender: alice,
                    shares: shares_a,
                },
            ),
        ],
    );
    let claimable_at = until + REDEEM_DELAY;
    let r = w.view(vault, &V::redeemRequestCall { controller: alice });
    assert_eq!((r._0, r._1, r._2), (shares_a, claimable_at, U256::ZERO));
    let pending = V::pendingRedeemRequestCall { requestId: U256::ZERO, controller: alice };
    assert_eq!(w.view(vault, &pending)._0, shares_a);
    let other_id = V::pendingRedeemRequestCall { requestId: u(1), controller: alice };
    assert_eq!(w.view(vault, &other_id)._0, U256::ZERO);
    assert_eq!((w.vault_shares(alice), w.vault_shares(vault)), (U256::ZERO, shares_a));

    // ---- nothing claimable one second before the delay ends.
    w.net.warp(claimable_at - 1);
    remark(&w, &book);
    assert_eq!(w.view(vault, &V::maxRedeemCall { owner: alice })._0, U256::ZERO);
    let redeem_half = V::redeemCall { shares: shares_a / u(2), receiver: alice, owner: alice };
    let error =
        V::ERC4626ExceededMaxRedeem { owner: alice, shares: shares_a / u(2), max: U256::ZERO };
    w.expect_revert(alice, vault, &redeem_half, &error);

    // ---- at the second it ends: half by redeem, at the price of the claim.
    w.net.warp(claimable_at);
    remark(&w, &book);
    let claimable = V::claimableRedeemRequestCall { requestId: U256::ZERO, controller: alice };
    assert_eq!(w.view(vault, &claimable)._0, shares_a);
    assert_eq!(w.view(vault, &V::maxRedeemCall { owner: alice })._0, shares_a);
    let supply = shares_a + shares_b;
    let half = shares_a / u(2);
    let assets_half = to_assets(half, cash, supply, false);
    assert_eq!(w.view(vault, &V::previewRedeemCall { shares: half })._0, assets_half);
    let (got, result) = w.ok(alice, vault, &redeem_half);
    assert_eq!(got._0, assets_half);
    let event = V::Withdraw {
        sender: alice,
        receiver: alice,
        owner: alice,
        assets: assets_half,
        shares: half,
    };
    assert_logs(&result, &claim_logs(&w, &event));
    let (cash, supply) = (cash - assets_half, supply - half);
    assert_eq!((w.vault_assets(), w.vault_supply()), (cash, supply));

    // ---- the rest by withdraw, to carol: the shares burnt are rounded up.
    let rest = shares_a - half;
    let max_assets = to_assets(rest, cash, supply, false);
    assert_eq!(w.view(vault, &V::maxWithdrawCall { owner: alice })._0, max_assets);
    let over = V::withdrawCall { assets: max_assets + u(1), receiver: carol, owner: alice };
    let error =
        V::ERC4626ExceededMaxWithdraw { owner: alice, assets: max_assets + u(1), max: max_assets };
    w.expect_revert(alice, vault, &over, &error);
    let burnt = to_shares(max_assets, cash, supply, true);
    assert!(burnt <= rest, "withdraw never burns more than the claimable shares");
    assert_eq!(w.view(vault, &V::previewWithdrawCall { assets: max_assets })._0, burnt);
    let withdraw = V::withdrawCall { assets: max_assets, receiver: carol, owner: alice };
    // Carol cannot claim alice's request without her allowance.
    let error =
        V::ERC20InsufficientAllowance { spender: carol, allowance: U256::ZERO, needed: burnt };
    w.expect_revert(carol, vault, &withdraw, &error);
    let (got, result) = w.ok(alice, vault, &withdraw);
    assert_eq!(got._0, burnt);
    let event = V::Withdraw {
        sender: alice,
        receiver: carol,
        owner: alice,
        assets: max_assets,
        shares: burnt,
    };
    assert_logs(&result, &claim_logs(&w, &event));
    assert_eq!(w.token_balance(carol), max_assets);
    // What rounding left in the request stays claimable (worth nothing, or a unit).
    let left = w.view(vault, &claimable)._0;
    assert_eq!(left, rest - burnt);
    // Alice got back her 1,000 plus her share of the premium, less rounding.
    let back = assets_half + max_assets;
    assert!(back > usdc(1099) && back <= usdc(1100), "alice got {back}");
}

#[test]
fn market_flows_move_the_nav_and_only_the_market_calls_them() {
    let mut w = World::new();
    let book = w.open_market();
    let (vault, token, market, carol) = (w.p.vault, w.p.usdc, w.market, w.carol);
    let alice = w.alice;
    w.fund_lp(alice, usdc(1000));
    let (shares, _) = w.ok(alice, vault, &V::depositCall { assets: usdc(1000), receiver: alice });
    let shares = shares._0;
    let market_role = key(names::MARKET_ROLE);

    // Only the market; non-zero amount and id; a known reason; income already received.
    let pull = V::pullPayoutCall { marketId: ETH, reason: 2, amount: usdc(10) };
    let error = V::VaultUnauthorizedAccount { account: carol, role: market_role };
    w.expect_revert(carol, vault, &pull, &error);
    let notify = V::notifyPremiumCall { marketId: ETH, reason: 0, amount: usdc(10) };
    w.expect_revert(carol, vault, &notify, &error);
    let zero = V::pullPayoutCall { marketId: ETH, reason: 2, amount: U256::ZERO };
    w.expect_revert(market, vault, &zero, &V::VaultZeroAmount {});
    let no_id = V::pullPayoutCall { marketId: B256::ZERO, reason: 2, amount: u(1) };
    w.expect_revert(market, vault, &no_id, &V::VaultZeroMarketId {});
    let bad_reason = V::notifyPremiumCall { marketId: ETH, reason: 5, amount: u(1) };
    w.expect_revert(market, vault, &bad_reason, &V::VaultInvalidReason { reason: 5 });
    let error = V::VaultFlowNotReceived { amount: usdc(10), unaccounted: U256::ZERO };
    w.expect_revert(market, vault, &notify, &error);
    // A donation is not the pool's until the market books it.
    w.mint(carol, usdc(7));
    w.ok(carol, token, &T::transferCall { to: vault, value: usdc(7) });
    assert_eq!(w.vault_assets(), usdc(1000));
    let error = V::VaultFlowNotReceived { amount: usdc(10), unaccounted: usdc(7) };
    w.expect_revert(market, vault, &notify, &error);
    w.mint(market, usdc(3));
    w.ok(market, token, &T::transferCall { to: vault, value: usdc(3) });
    let (_, result) = w.ok(market, vault, &notify);
    assert_logs(
        &result,
        &[log_of(vault, &V::PremiumNotified { marketId: ETH, reason: 0, amount: usdc(10) })],
    );
    assert_eq!(w.vault_assets(), usdc(1010));

    // The market's mark: NAV = cash + receivable - liability; the lock limits claims.
    book.update(|v| {
        v.liability = usdc(300);
        v.receivable = usdc(50);
        v.required = usdc(600);
    });
    assert_eq!(w.vault_assets(), usdc(760));
    let now = w.now();
    assert_eq!(valuation(&mut w), (usdc(1010), usdc(50), usdc(300), usdc(600), now, true));

    // A payout: paid from the cash, the NAV falls by it at once.
    let (paid, result) = w.ok(market, vault, &pull);
    assert_eq!(paid._0, usdc(10));
    assert_logs(
        &result,
        &[
            log_of(
                vault,
                &V::PayoutPulled { marketId: ETH, reason: 2, requested: usdc(10), paid: usdc(10) },
            ),
            log_of(token, &T::Transfer { from: vault, to: market, value: usdc(10) }),
        ],
    );
    assert_eq!(w.vault_assets(), usdc(750));

    // Alice's claim is capped by the free cash: 1,000 - 600 = 400.
    w.skip(HOLD);
    w.ok(alice, vault, &V::requestRedeemCall { shares, controller: alice, owner: alice });
    w.skip(REDEEM_DELAY);
    remark(&w, &book);
    assert_eq!(w.view(vault, &V::maxWithdrawCall { owner: alice })._0, usdc(400));
    let (nav, supply) = (usdc(750), shares);
    // The most shares whose value, rounded down, is at most 400 USDC.
    let max_redeem = w.view(vault, &V::maxRedeemCall { owner: alice })._0;
    assert!(to_assets(max_redeem, nav, supply, false) <= usdc(400));
    assert!(to_assets(max_redeem + u(1), nav, supply, false) > usdc(400));

    // A payout beyond the cash pays the cash, never more.
    let huge = V::pullPayoutCall { marketId: ETH, reason: 3, amount: usdc(5000) };
    let (paid, result) = w.ok(market, vault, &huge);
    assert_eq!(paid._0, usdc(1000));
    let event =
        V::PayoutPulled { marketId: ETH, reason: 3, requested: usdc(5000), paid: usdc(1000) };
    assert_eq!(result.logs[0], log_of(vault, &event));
    // (The donation was booked with the market's 3 by the notification of 10.)
    assert_eq!(w.token_balance(vault), U256::ZERO);
    // Now below zero: 0 + 50 - 300. Deposits stop; the deficit is named.
    assert_eq!(w.vault_assets(), U256::ZERO);
    w.fund_lp(carol, usdc(1));
    let deposit = V::depositCall { assets: usdc(1), receiver: carol };
    w.expect_revert(carol, vault, &deposit, &V::VaultInsolvent { deficit: usdc(250) });
    assert_eq!(w.view(vault, &V::maxDepositCall { receiver: carol })._0, U256::ZERO);
    // Nothing left to pay: a payout pays 0, and says so.
    let (paid, result) = w.ok(market, vault, &pull);
    assert_eq!(paid._0, U256::ZERO);
    let event = V::PayoutPulled { marketId: ETH, reason: 2, requested: usdc(10), paid: U256::ZERO };
    assert_logs(&result, &[log_of(vault, &event)]);
}

#[test]
fn a_stale_mark_closes_deposits_and_buffers_the_liability() {
    let mut w = World::new();
    let book = w.open_market();
    let (vault, alice, bob) = (w.p.vault, w.alice, w.bob);
    let marked_at = w.now();
    w.fund_lp(alice, usdc(1000));
    let first = V::depositCall { assets: usdc(1000), receiver: alice };
    // A liability before any cash: the pool is below zero, a deposit would pay for it.
    book.update(|v| v.liability = usdc(100));
    w.expect_revert(alice, vault, &first, &V::VaultInsolvent { deficit: usdc(100) });
    book.update(|v| v.liability = U256::ZERO);
    w.ok(alice, vault, &first);
    book.update(|v| {
        v.liability = usdc(100);
        v.required = usdc(200);
    });
    assert_eq!(w.vault_assets(), usdc(900));

    // Fresh up to markMaxAge inclusive.
    w.net.warp(marked_at + MAX_AGE);
    assert!(valuation(&mut w).5);
    w.fund_lp(bob, usdc(10));
    let deposit = V::depositCall { assets: usdc(10), receiver: bob };
    let preview = w.view(vault, &V::previewDepositCall { assets: usdc(10) })._0;
    assert_eq!(w.ok(bob, vault, &deposit).0._0, preview);

    // One second later: stale. The last fresh mark, liability and lock raised by 10%.
    w.net.warp(marked_at + MAX_AGE + 1);
    let cash = usdc(1010);
    assert_eq!(valuation(&mut w), (cash, U256::ZERO, usdc(110), usdc(220), marked_at, false));
    assert_eq!(w.vault_assets(), cash - usdc(110));
    let stale = V::VaultStaleMark { markTime: marked_at, maxAge: MAX_AGE };
    w.fund_lp(bob, usdc(10));
    w.expect_revert(bob, vault, &deposit, &stale);
    w.expect_revert(bob, vault, &V::previewDepositCall { assets: u(1) }, &stale);
    assert_eq!(w.view(vault, &V::maxDepositCall { receiver: bob })._0, U256::ZERO);
    // syncMark says so in an event.
    let (fresh, result) = w.ok(w.carol, vault, &V::syncMarkCall {});
    assert!(!fresh._0);
    let event =
        V::StaleMark { markTime: marked_at, liability: usdc(110), requiredCollateral: usdc(220) };
    assert_logs(&result, &[log_of(vault, &event)]);

    // A broken market (its views revert) is stale too, whatever its mark time.
    book.update(|v| {
        v.mark_time = marked_at + MAX_AGE + 1;
        v.broken = true;
    });
    assert!(!valuation(&mut w).5);
    w.expect_revert(bob, vault, &deposit, &stale);

    // A claim goes on at the stale valuation, and its logs say so.
    w.net.warp(marked_at + HOLD);
    let shares = w.vault_shares(alice);
    w.ok(alice, vault, &V::requestRedeemCall { shares, controller: alice, owner: alice });
    w.skip(REDEEM_DELAY);
    let supply = w.vault_supply();
    let nav = w.vault_assets();
    assert_eq!(nav, cash - usdc(110));
    let part = shares / u(4);
    let assets = to_assets(part, nav, supply, false);
    let (got, result) =
        w.ok(alice, vault, &V::redeemCall { shares: part, receiver: alice, owner: alice });
    assert_eq!(got._0, assets);
    assert_eq!(result.logs.len(), 4, "{:#?}", result.logs);
    assert_eq!(result.logs[1], log_of(vault, &event));

    // The market answers again with a fresh mark: recorded by syncMark, deposits reopen.
    book.update(|v| {
        v.broken = false;
        v.mark_time = marked_at + HOLD + REDEEM_DELAY;
        v.liability = usdc(50);
    });
    let (fresh, result) = w.ok(w.carol, vault, &V::syncMarkCall {});
    assert!(fresh._0);
    assert!(result.logs.is_empty());
    assert_eq!(w.vault_assets(), cash - assets - usdc(50));
    w.ok(bob, vault, &deposit);
}

#[test]
fn pauses_stop_entries_and_only_a_protocol_pause_stops_claims() {
    let mut w = World::new();
    let book = w.open_market();
    let (vault, gov, admin, guardian) = (w.p.vault, w.p.governance, w.p.admin, w.p.guardian);
    let (alice, bob) = (w.alice, w.bob);
    w.fund_lp(alice, usdc(100));
    let (shares, _) = w.ok(alice, vault, &V::depositCall { assets: usdc(100), receiver: alice });
    let shares = shares._0;
    w.fund_lp(bob, usdc(100));
    w.ok(bob, vault, &V::depositCall { assets: usdc(100), receiver: bob });
    w.skip(HOLD);
    w.ok(alice, vault, &V::requestRedeemCall { shares, controller: alice, owner: alice });
    w.skip(REDEEM_DELAY);
    remark(&w, &book);

    // The guardian pauses the vault: no deposit, no new request; claims go on.
    let scope = key(names::VAULT);
    w.ok(guardian, gov, &G::pauseCall { scope });
    let paused = V::VaultPaused { scope };
    w.fund_lp(bob, usdc(1));
    w.expect_revert(bob, vault, &V::depositCall { assets: usdc(1), receiver: bob }, &paused);
    w.expect_revert(bob, vault, &V::mintCall { shares: u(1), receiver: bob }, &paused);
    assert_eq!(w.view(vault, &V::maxDepositCall { receiver: bob })._0, U256::ZERO);
    let bob_shares = w.vault_shares(bob);
    let request = V::requestRedeemCall { shares: bob_shares, controller: bob, owner: bob };
    w.expect_revert(bob, vault, &request, &paused);
    assert_eq!(w.view(vault, &V::maxRedeemCall { owner: alice })._0, shares);

    // The admin pauses the whole protocol: claims stop too, and maxRedeem says 0.
    let protocol = key(names::PROTOCOL);
    w.ok(admin, gov, &G::pauseCall { scope: protocol });
    assert_eq!(w.view(vault, &V::maxRedeemCall { owner: alice })._0, U256::ZERO);
    assert_eq!(w.view(vault, &V::maxWithdrawCall { owner: alice })._0, U256::ZERO);
    let redeem = V::redeemCall { shares, receiver: alice, owner: alice };
    w.expect_revert(alice, vault, &redeem, &V::VaultPaused { scope: protocol });
    // The market's flows never stop.
    let pull = V::pullPayoutCall { marketId: ETH, reason: 2, amount: u(1) };
    w.ok(w.market, vault, &pull);

    // Unpaused by the admin: the claim pays.
    w.ok(admin, gov, &G::unpauseCall { scope: protocol });
    let nav = w.vault_assets();
    let supply = w.vault_supply();
    let (got, _) = w.ok(alice, vault, &redeem);
    assert_eq!(got._0, to_assets(shares, nav, supply, false));
    // The guardian's vault pause lapses by itself after 3 days.
    w.skip(3 * DAY);
    remark(&w, &book);
    w.ok(bob, vault, &request);
}

#[test]
fn caps_operators_allowances_and_aggregated_requests() {
    let mut w = World::new();
    let book = w.open_market();
    let (vault, gov, guardian) = (w.p.vault, w.p.governance, w.p.guardian);
    let (alice, bob, carol) = (w.alice, w.bob, w.carol);
    w.fund_lp(alice, usdc(1000));
    let (shares, _) = w.ok(alice, vault, &V::depositCall { assets: usdc(1000), receiver: alice });
    let shares = shares._0;

    // ---- the deposit cap, tightened at once by the guardian: room = cap - NAV.
    let cap = key(names::VAULT_DEPOSIT_CAP);
    w.ok(guardian, gov, &G::tightenCall { key: cap, value: usdc(1500) });
    assert_eq!(w.view(vault, &V::maxDepositCall { receiver: bob })._0, usdc(500));
    let max_mint = to_shares(usdc(500), usdc(1000), shares, false);
    assert_eq!(w.view(vault, &V::maxMintCall { receiver: bob })._0, max_mint);
    w.fund_lp(bob, usdc(600));
    let error = V::ERC4626ExceededMaxDeposit { receiver: bob, assets: usdc(600), max: usdc(500) };
    w.expect_revert(bob, vault, &V::depositCall { assets: usdc(600), receiver: bob }, &error);
    let over = V::mintCall { shares: max_mint + u(1), receiver: bob };
    let error = V::ERC4626ExceededMaxMint { receiver: bob, shares: max_mint + u(1), max: max_mint };
    w.expect_revert(bob, vault, &over, &error);
    let (paid, _) = w.ok(bob, vault, &V::mintCall { shares: max_mint, receiver: bob });
    assert!(paid._0 <= usdc(500), "a mint of maxMint costs at most the room");
    assert_eq!(w.view(vault, &V::maxDepositCall { receiver: bob })._0, usdc(500) - paid._0);

    // ---- after the hold time, shares move; never into the vault.
    w.skip(HOLD);
    let gift = shares / u(10);
    let (_, result) = w.ok(alice, vault, &V::transferCall { to: carol, value: gift });
    assert_logs(&result, &[log_of(vault, &V::Transfer { from: alice, to: carol, value: gift })]);
    let error = V::ERC20InvalidReceiver { receiver: vault };
    w.expect_revert(alice, vault, &V::transferCall { to: vault, value: u(1) }, &error);
    let shares = shares - gift;

    // ---- an operator requests and claims for alice, without allowance.
    let error = V::VaultInvalidAddress { account: Address::ZERO };
    w.expect_revert(
        alice,
        vault,
        &V::setOperatorCall { operator: Address::ZERO, approved: true },
        &error,
    );
    let (_, result) = w.ok(alice, vault, &V::setOperatorCall { operator: carol, approved: true });
    let event = V::OperatorSet { controller: alice, operator: carol, approved: true };
    assert_logs(&result, &[log_of(vault, &event)]);
    assert!(w.view(vault, &V::isOperatorCall { controller: alice, operator: carol })._0);
    let first = shares / u(2);
    let t1 = w.now();
    let request = V::requestRedeemCall { shares: first, controller: alice, owner: alice };
    let (_, result) = w.ok(carol, vault, &request);
    let event = V::RedeemRequest {
        controller: alice,
        owner: alice,
        requestId: U256::ZERO,
        sender: carol,
        shares: first,
    };
    assert_eq!(result.logs[1], log_of(vault, &event));

    // A second request once the first matured: the first stays claimable, the second
    // starts its own delay.
    w.net.warp(t1 + REDEEM_DELAY);
    let second = shares - first;
    let request = V::requestRedeemCall { shares: second, controller: alice, owner: alice };
    w.ok(alice, vault, &request);
    let r = w.view(vault, &V::redeemRequestCall { controller: alice });
    assert_eq!((r._0, r._1, r._2), (second, t1 + 2 * REDEEM_DELAY, first));

    // The operator claims the matured shares to itself.
    let now = w.now();
    book.update(|v| v.mark_time = now);
    let (nav, supply) = (w.vault_assets(), w.vault_supply());
    let assets = to_assets(first, nav, supply, false);
    let claim = V::redeemCall { shares: first, receiver: carol, owner: alice };
    let (got, result) = w.ok(carol, vault, &claim);
    assert_eq!(got._0, assets);
    let event = V::Withdraw { sender: carol, receiver: carol, owner: alice, assets, shares: first };
    assert_eq!(result.logs[1], log_of(vault, &event));

    // ---- revoked, carol is a stranger again; bob claims the rest on alice's allowance.
    w.ok(alice, vault, &V::setOperatorCall { operator: carol, approved: false });
    w.net.warp(t1 + 2 * REDEEM_DELAY);
    let now = w.now();
    book.update(|v| v.mark_time = now);
    let claim = V::redeemCall { shares: second, receiver: bob, owner: alice };
    let error =
        V::ERC20InsufficientAllowance { spender: carol, allowance: U256::ZERO, needed: second };
    w.expect_revert(carol, vault, &claim, &error);
    w.ok(alice, vault, &V::approveCall { spender: bob, value: second + u(5) });
    w.ok(bob, vault, &claim);
    assert_eq!(w.view(vault, &V::allowanceCall { owner: alice, spender: bob })._0, u(5));
    let r = w.view(vault, &V::redeemRequestCall { controller: alice });
    assert_eq!((r._0, r._1, r._2), (U256::ZERO, 0, U256::ZERO));
    assert_eq!(w.vault_shares(alice), U256::ZERO);
}
