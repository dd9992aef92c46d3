//! The `InsuranceFund` as deployed, with the real governance and token programs: staking
//! per tranche, exits through the cooldown (the market's longest tenor within governance's
//! bounds) and the withdraw window to their exact seconds, the pause, cover by the
//! registered market and the income split.

use alloy_primitives::{B256, U256};
use alloy_sol_types::SolCall;
use mutual_abi::{IGovernanceParams as G, IInsuranceFund as F, ITestUsdc as T};
use mutual_localnet::protocol::{key, names, tranche_key, DAY, WAD};

use crate::fixture::{assert_logs, log_of, u, usdc, World, ETH};

/// The fund's virtual shares (`10^6`).
const VIRTUAL_SHARES: u64 = 1_000_000;

#[test]
fn stake_in_each_tranche_then_exit_through_the_cooldown() {
    let mut w = World::new();
    let (fund, token) = (w.p.insurance, w.p.usdc);
    let (alice, bob) = (w.alice, w.bob);

    // Approve, then deposit: the junior tranche for alice.
    w.mint(alice, usdc(1000));
    let (_, result) = w.ok(alice, token, &T::approveCall { spender: fund, value: usdc(1000) });
    assert_logs(
        &result,
        &[log_of(token, &T::Approval { owner: alice, spender: fund, value: usdc(1000) })],
    );
    let expected_shares = usdc(1000) * u(VIRTUAL_SHARES);
    let preview = w.view(fund, &F::previewDepositCall { tranche: 0, assets: usdc(1000) })._0;
    assert_eq!(preview, expected_shares);
    let deposit = F::depositCall { tranche: 0, assets: usdc(1000), receiver: alice };
    let (shares, result) = w.ok(alice, fund, &deposit);
    assert_eq!(shares._0, expected_shares);
    assert_logs(
        &result,
        &[
            log_of(
                fund,
                &F::Deposit {
                    tranche: 0,
                    sender: alice,
                    owner: alice,
                    assets: usdc(1000),
                    shares: expected_shares,
                },
            ),
            log_of(token, &T::Transfer { from: alice, to: fund, value: usdc(1000) }),
        ],
    );
    // The senior tranche for bob.
    let bob_shares = w.stake(bob, 1, usdc(3000));
    assert_eq!(bob_shares, usdc(3000) * u(VIRTUAL_SHARES));
    assert_eq!(w.view(fund, &F::balanceOfCall { tranche: 0, owner: alice })._0, expected_shares);
    assert_eq!(w.view(fund, &F::balanceOfCall { tranche: 1, owner: bob })._0, bob_shares);
    assert_eq!(w.view(fund, &F::balanceOfCall { tranche: 1, owner: alice })._0, U256::ZERO);
    assert_eq!(w.tranche_assets(0), usdc(1000));
    assert_eq!(w.tranche_assets(1), usdc(3000));
    assert_eq!(w.view(fund, &F::fundAssetsCall {})._0, usdc(4000));
    assert_eq!(w.token_balance(fund), usdc(4000));
    // An invalid tranche; a deposit beyond the allowance (the token's error is wrapped).
    let error = F::InsuranceInvalidTranche { tranche: 2, count: 2 };
    w.expect_revert(
        alice,
        fund,
        &F::depositCall { tranche: 2, assets: u(1), receiver: alice },
        &error,
    );
    w.mint(alice, usdc(1));
    let error = F::InsuranceTokenCallFailed { token };
    w.expect_revert(
        alice,
        fund,
        &F::depositCall { tranche: 0, assets: u(1), receiver: alice },
        &error,
    );

    // Request half of alice's shares: the market is unset, so the longest cooldown applies.
    let half = expected_shares / u(2);
    let unlock = w.now() + 90 * DAY;
    let expires = unlock + 2 * DAY;
    let error = F::InsuranceRequestExceedsBalance {
        tranche: 0,
        owner: alice,
        shares: expected_shares + u(1),
        balance: expected_shares,
    };
    let too_many = F::requestWithdrawCall { tranche: 0, shares: expected_shares + u(1) };
    w.expect_revert(alice, fund, &too_many, &error);
    let (window, result) = w.ok(alice, fund, &F::requestWithdrawCall { tranche: 0, shares: half });
    assert_eq!((window._0, window._1), (unlock, expires));
    assert_logs(
        &result,
        &[log_of(
            fund,
            &F::WithdrawRequested {
                tranche: 0,
                owner: alice,
                shares: half,
                unlockAt: unlock,
                expiresAt: expires,
            },
        )],
    );
    let request = w.view(fund, &F::withdrawRequestCall { tranche: 0, owner: alice });
    assert_eq!((request._0, request._1, request._2), (half, unlock, expires));

    // Not before the unlock.
    let redeem = F::redeemCall { tranche: 0, shares: half, receiver: alice, owner: alice };
    let error =
        F::InsuranceExceededMaxRedeem { tranche: 0, owner: alice, shares: half, max: U256::ZERO };
    w.expect_revert(alice, fund, &redeem, &error);
    w.net.warp(unlock - 1);
    w.expect_revert(alice, fund, &redeem, &error);
    // Someone else needs an allowance.
    w.net.warp(unlock);
    let error = F::InsuranceInsufficientAllowance {
        tranche: 0,
        spender: bob,
        allowance: U256::ZERO,
        needed: half,
    };
    w.expect_revert(bob, fund, &redeem, &error);

    // At the unlock: `shares * (assets + 1) / (supply + 10^6)`, rounded down.
    assert_eq!(w.view(fund, &F::maxRedeemCall { tranche: 0, owner: alice })._0, half);
    let assets = half * (usdc(1000) + u(1)) / (expected_shares + u(VIRTUAL_SHARES));
    assert_eq!(w.view(fund, &F::previewRedeemCall { tranche: 0, shares: half })._0, assets);
    let before = w.token_balance(alice);
    let (paid, result) = w.ok(alice, fund, &redeem);
    assert_eq!(paid._0, assets);
    assert_logs(
        &result,
        &[
            log_of(
                fund,
                &F::Withdraw {
                    tranche: 0,
                    sender: alice,
                    receiver: alice,
                    owner: alice,
                    assets,
                    shares: half,
                },
            ),
            log_of(token, &T::Transfer { from: fund, to: alice, value: assets }),
        ],
    );
    assert_eq!(w.token_balance(alice), before + assets);
    assert_eq!(
        w.view(fund, &F::balanceOfCall { tranche: 0, owner: alice })._0,
        expected_shares - half
    );
    assert_eq!(w.tranche_supply(0), expected_shares - half);
    assert_eq!(w.tranche_assets(0), usdc(1000) - assets);
    // The request is used up.
    let redeem_one = F::redeemCall { tranche: 0, shares: u(1), receiver: alice, owner: alice };
    let error =
        F::InsuranceExceededMaxRedeem { tranche: 0, owner: alice, shares: u(1), max: U256::ZERO };
    w.expect_revert(alice, fund, &redeem_one, &error);
}

#[test]
fn the_fund_honours_governance_pauses() {
    let mut w = World::new();
    let (gov, fund, token) = (w.p.governance, w.p.insurance, w.p.usdc);
    let (admin, guardian, alice) = (w.p.admin, w.p.guardian, w.alice);
    let scope = key(names::INSURANCE);
    w.register_market();
    let shares = w.stake(alice, 0, usdc(1000));
    w.mint(alice, usdc(100));
    w.ok(alice, token, &T::approveCall { spender: fund, value: usdc(100) });
    let deposit = F::depositCall { tranche: 0, assets: usdc(100), receiver: alice };
    let request = F::requestWithdrawCall { tranche: 0, shares };

    // The guardian pauses the fund's scope: deposits and exit requests stop.
    w.ok(guardian, gov, &G::pauseCall { scope });
    let paused = F::InsurancePaused { scope };
    w.expect_revert(alice, fund, &deposit, &paused);
    w.expect_revert(alice, fund, &request, &paused);
    let mint = F::mintCall { tranche: 0, shares: u(1), receiver: alice };
    w.expect_revert(alice, fund, &mint, &paused);
    assert_eq!(w.view(fund, &F::maxDepositCall { tranche: 0, receiver: alice })._0, U256::ZERO);
    // Cover never stops.
    let market = w.market;
    let cover = F::coverCall { kind: 0, marketId: ETH, amount: usdc(10) };
    let (covered, _) = w.ok(market, fund, &cover);
    assert_eq!(covered._0, usdc(10));

    // The guardian's pause lapses after 3 days.
    w.skip(3 * DAY);
    w.ok(alice, fund, &deposit);

    // The protocol scope pauses every scope; the error names the fund's.
    let protocol = key(names::PROTOCOL);
    w.ok(admin, gov, &G::pauseCall { scope: protocol });
    w.mint(alice, usdc(100));
    w.ok(alice, token, &T::approveCall { spender: fund, value: usdc(100) });
    w.expect_revert(alice, fund, &deposit, &paused);
    w.skip(30 * DAY);
    w.expect_revert(alice, fund, &request, &paused);
    w.ok(admin, gov, &G::unpauseCall { scope: protocol });
    w.ok(alice, fund, &deposit);
    w.ok(alice, fund, &request);
}

/// Loss `lossId` as the deployed fund returns it, decoded with the published interface
/// (`abi/IInsuranceFund.sol`): `lossRecord` (static fields) and `lossAbsorbed` (the array),
/// in the order of the `LossCovered` event: `(kind, marketId, requested, absorbed,
/// residual, timestamp)`. Split in two because stylus-sdk 0.9.0 encodes a returned tuple
/// holding an array behind an extra offset word (OffchainLabs/stylus-sdk-rs issue 308),
/// which Solidity, ethers and alloy callers would misread.
fn loss_record(w: &mut World, loss_id: U256) -> (u8, B256, U256, Vec<U256>, U256, u64) {
    let (carol, fund) = (w.carol, w.p.insurance);
    let record =
        w.net.static_call(carol, fund, &F::lossRecordCall { lossId: loss_id }.abi_encode());
    assert!(record.success, "lossRecord({loss_id}) failed: {:?}", record.error);
    let r = F::lossRecordCall::abi_decode_returns(&record.output, true).expect("lossRecord");
    let absorbed =
        w.net.static_call(carol, fund, &F::lossAbsorbedCall { lossId: loss_id }.abi_encode());
    assert!(absorbed.success, "lossAbsorbed({loss_id}) failed: {:?}", absorbed.error);
    let a = F::lossAbsorbedCall::abi_decode_returns(&absorbed.output, true).expect("lossAbsorbed");
    (r._0, r._1, r._2, a._0, r._3, r._4)
}

#[test]
fn the_registered_market_covers_junior_then_senior() {
    let mut w = World::new();
    let (fund, token) = (w.p.insurance, w.p.usdc);
    let (alice, bob, carol, market) = (w.alice, w.bob, w.carol, w.market);
    let junior_shares = w.stake(alice, 0, usdc(1000));
    let senior_shares = w.stake(bob, 1, usdc(3000));
    let cover = F::coverCall { kind: 0, marketId: ETH, amount: usdc(1500) };

    // Before the market is registered, nobody may cover.
    let market_role = key(names::MARKET_ROLE);
    let error = F::InsuranceUnauthorizedAccount { account: market, role: market_role };
    w.expect_revert(market, fund, &cover, &error);
    w.register_market();
    assert_eq!(w.view(fund, &F::cooldownCall {})._0, 90 * DAY, "an EOA market cannot answer");
    let error = F::InsuranceUnauthorizedAccount { account: carol, role: market_role };
    w.expect_revert(carol, fund, &cover, &error);
    let tail = F::coverCall { kind: 1, marketId: ETH, amount: usdc(1) };
    let error =
        F::InsuranceUnauthorizedAccount { account: carol, role: key(names::MARKET_OR_VAULT_ROLE) };
    w.expect_revert(carol, fund, &tail, &error);
    let bad = F::coverCall { kind: 2, marketId: ETH, amount: usdc(1) };
    w.expect_revert(market, fund, &bad, &F::InsuranceInvalidLossKind { kind: 2 });
    let zero = F::coverCall { kind: 0, marketId: ETH, amount: U256::ZERO };
    w.expect_revert(market, fund, &zero, &F::InsuranceZeroAmount {});
    let no_id = F::coverCall { kind: 0, marketId: alloy_primitives::B256::ZERO, amount: u(1) };
    w.expect_revert(market, fund, &no_id, &F::InsuranceZeroMarketId {});
    w.expect_revert(
        carol,
        fund,
        &F::lossRecordCall { lossId: u(1) },
        &F::InsuranceUnknownLoss { lossId: u(1), count: U256::ZERO },
    );

    // 1,500: the junior tranche's 1,000, then 500 of the senior one.
    let now = w.now();
    let (covered, result) = w.ok(market, fund, &cover);
    assert_eq!(covered._0, usdc(1500));
    let absorbed = vec![usdc(1000), usdc(500)];
    let record = F::LossCovered {
        lossId: u(1),
        kind: 0,
        marketId: ETH,
        requested: usdc(1500),
        absorbed: absorbed.clone(),
        residual: U256::ZERO,
        timestamp: now,
    };
    assert_logs(
        &result,
        &[
            log_of(fund, &record),
            log_of(token, &T::Transfer { from: fund, to: market, value: usdc(1500) }),
        ],
    );
    let read = loss_record(&mut w, u(1));
    assert_eq!(read, (0, ETH, usdc(1500), absorbed, U256::ZERO, now));
    assert_eq!(w.view(fund, &F::lossCountCall {})._0, u(1));
    assert_eq!(w.token_balance(market), usdc(1500));
    assert_eq!((w.tranche_assets(0), w.tranche_assets(1)), (U256::ZERO, usdc(2500)));
    // Shares do not change; their value does.
    assert_eq!((w.tranche_supply(0), w.tranche_supply(1)), (junior_shares, senior_shares));

    // A pool tail loss larger than the fund: everything left, and the residual recorded.
    w.skip(DAY);
    let now = w.now();
    let tail = F::coverCall { kind: 1, marketId: ETH, amount: usdc(3000) };
    let (covered, result) = w.ok(market, fund, &tail);
    assert_eq!(covered._0, usdc(2500));
    let record = F::LossCovered {
        lossId: u(2),
        kind: 1,
        marketId: ETH,
        requested: usdc(3000),
        absorbed: vec![U256::ZERO, usdc(2500)],
        residual: usdc(500),
        timestamp: now,
    };
    assert_logs(
        &result,
        &[
            log_of(fund, &record),
            log_of(token, &T::Transfer { from: fund, to: market, value: usdc(2500) }),
        ],
    );
    let read = loss_record(&mut w, u(2));
    assert_eq!(read, (1, ETH, usdc(3000), vec![U256::ZERO, usdc(2500)], usdc(500), now));
    assert_eq!(w.view(fund, &F::fundAssetsCall {})._0, U256::ZERO);
    let error = F::InsuranceUnknownLoss { lossId: u(3), count: u(2) };
    w.expect_revert(carol, fund, &F::lossRecordCall { lossId: u(3) }, &error);
    let error = F::InsuranceUnknownLoss { lossId: U256::ZERO, count: u(2) };
    w.expect_revert(carol, fund, &F::lossRecordCall { lossId: U256::ZERO }, &error);
}

#[test]
fn caps_and_minimum_balances_shape_the_waterfall() {
    let mut w = World::new();
    let (gov, fund, guardian, market) = (w.p.governance, w.p.insurance, w.p.guardian, w.market);
    let (alice, bob) = (w.alice, w.bob);
    w.stake(alice, 0, usdc(1000));
    w.stake(bob, 1, usdc(3000));
    w.register_market();
    // The guardian halves the junior tranche's per-event cap (lower is safer) and raises
    // the senior tranche's minimum balance (higher is safer): both at once.
    w.ok(guardian, gov, &G::tightenCall { key: tranche_key(0, names::CAP_WAD), value: WAD / u(2) });
    let min_balance = tranche_key(1, names::MIN_BALANCE);
    w.ok(guardian, gov, &G::tightenCall { key: min_balance, value: usdc(2800) });

    // Junior: min(1000 - 0, 50% of 1000) = 500; senior: min(3000 - 2800, 100%) = 200.
    let (covered, result) =
        w.ok(market, fund, &F::coverCall { kind: 0, marketId: ETH, amount: usdc(1000) });
    assert_eq!(covered._0, usdc(700));
    let record = F::LossCovered {
        lossId: u(1),
        kind: 0,
        marketId: ETH,
        requested: usdc(1000),
        absorbed: vec![usdc(500), usdc(200)],
        residual: usdc(300),
        timestamp: w.now(),
    };
    assert_eq!(result.logs[0], log_of(fund, &record));
    assert_eq!((w.tranche_assets(0), w.tranche_assets(1)), (usdc(500), usdc(2800)));
}

#[test]
fn income_is_split_by_weight_and_assets() {
    let mut w = World::new();
    let (fund, token) = (w.p.insurance, w.p.usdc);
    let (alice, bob, carol, market) = (w.alice, w.bob, w.carol, w.market);
    w.stake(alice, 0, usdc(1000));
    w.stake(bob, 1, usdc(3000));
    w.register_market();

    // The market pays first, then books.
    let amount = u(1_000_001);
    w.mint(market, amount);
    w.ok(market, token, &T::transferCall { to: fund, value: amount });
    let notify = F::notifyIncomeCall { marketId: ETH, amount };
    let error = F::InsuranceUnauthorizedAccount { account: carol, role: key(names::MARKET_ROLE) };
    w.expect_revert(carol, fund, &notify, &error);
    let error = F::InsuranceIncomeNotReceived { amount: amount + u(1), unaccounted: amount };
    let too_much = F::notifyIncomeCall { marketId: ETH, amount: amount + u(1) };
    w.expect_revert(market, fund, &too_much, &error);
    let zero = F::notifyIncomeCall { marketId: ETH, amount: U256::ZERO };
    w.expect_revert(market, fund, &zero, &F::InsuranceZeroAmount {});

    // Weights: incomeWeight * assets = 3 * 1,000 and 1 * 3,000 USDC: an even split, the
    // odd unit by the largest remainder, as the pure crate computes it.
    let weights = [u(3) * usdc(1000), u(1) * usdc(3000)];
    let mut split = [U256::ZERO; 2];
    mutual_risk::waterfall::split_largest_remainder(amount, &weights, &mut split).unwrap();
    assert_eq!(split[0] + split[1], amount);
    let (_, result) = w.ok(market, fund, &notify);
    let event = F::IncomeDistributed { marketId: ETH, amount, perTranche: split.to_vec() };
    assert_logs(&result, &[log_of(fund, &event)]);
    assert_eq!(w.tranche_assets(0), usdc(1000) + split[0]);
    assert_eq!(w.tranche_assets(1), usdc(3000) + split[1]);
    // Nothing left unaccounted: the same income cannot be booked twice.
    let error = F::InsuranceIncomeNotReceived { amount, unaccounted: U256::ZERO };
    w.expect_revert(market, fund, &notify, &error);
}

#[test]
fn the_cooldown_follows_the_markets_tenor_and_the_window_closes() {
    let mut w = World::new();
    let fund = w.p.insurance;
    let alice = w.alice;
    let shares = w.stake(alice, 0, usdc(1000));
    let book = w.open_market();

    // max(minCooldown 7 days, min(tenor, maxCooldown 90 days)).
    for (tenor, cooldown) in [(30 * DAY, 30 * DAY), (DAY, 7 * DAY), (400 * DAY, 90 * DAY)] {
        book.update(|v| v.longest_open_tenor = tenor);
        assert_eq!(w.view(fund, &F::cooldownCall {})._0, cooldown, "tenor {tenor}");
    }
    // A market whose view reverts: the longest cooldown, conservatively.
    book.update(|v| v.broken = true);
    assert_eq!(w.view(fund, &F::cooldownCall {})._0, 90 * DAY);
    book.update(|v| {
        v.broken = false;
        v.longest_open_tenor = 30 * DAY;
    });

    // A request made now unlocks in 30 days and can be withdrawn for 2 days after.
    let unlock = w.now() + 30 * DAY;
    let expires = unlock + 2 * DAY;
    let (window, _) = w.ok(alice, fund, &F::requestWithdrawCall { tranche: 0, shares });
    assert_eq!((window._0, window._1), (unlock, expires));
    let max = F::maxRedeemCall { tranche: 0, owner: alice };
    let redeem = F::redeemCall { tranche: 0, shares, receiver: alice, owner: alice };
    let error = F::InsuranceExceededMaxRedeem { tranche: 0, owner: alice, shares, max: U256::ZERO };
    for (at, open) in [(unlock - 1, false), (unlock, true), (expires, true), (expires + 1, false)] {
        w.net.warp(at);
        let expected = if open { shares } else { U256::ZERO };
        assert_eq!(
            w.view(fund, &max)._0,
            expected,
            "at unlock {:+}",
            i128::from(at) - i128::from(unlock)
        );
    }
    // Past the window the shares stay staked: a claim fails, a new request starts again.
    w.expect_revert(alice, fund, &redeem, &error);
    assert_eq!(w.tranche_supply(0), shares);
    let (window, _) = w.ok(alice, fund, &F::requestWithdrawCall { tranche: 0, shares });
    assert_eq!(window._0, expires + 1 + 30 * DAY);
}
