//! The protocol's scenarios: premiums and fees through the split, a 50% crash and its
//! settlement, a pool loss beyond the retention (the fund's cover, then a recorded
//! haircut), a stale oracle and the sequencer's grace, a board nobody traded, the
//! cut-off second, and the net delta cap. Every expected number is derived from the fixture's keys, the state
//! read before the step, and the pure crate's functions the programs must use.

use alloy_primitives::{Address, U256};
use motsu::prelude::*;
use mutual_insurance::{IncomeDistributed, LossCovered, JUNIOR, KIND_POOL_TAIL, SENIOR};
use mutual_interfaces::keys::{MAX_NET_DELTA_KEY, RETENTION_KEY};
use mutual_market::{
    BoardSettled, Claimed, Error, FeesSplit, MarketAlreadyClaimed, MarketAlreadySettled,
    MarketInvalidSettlementRound, MarketNetDeltaAboveCap, MarketNotExpired, MarketSequencerDown,
    MarketSequencerGracePeriod, MarketStalePrice, MarketTradingClosed,
};
use mutual_risk::{
    black_scholes::{prices, years_wad_from_seconds_down, Inputs},
    stress::{book_greeks_wad, Position},
    trade::premium_asset_up,
};
use mutual_vault::{PayoutPulled, PremiumNotified, REASON_FEES, REASON_PREMIUM, REASON_SETTLEMENT};

use crate::world::{
    data, loss, pct, set_time, u, usdc, wad, Books, Setup, World, CUTOFF, DAY, ETH, EXPIRY, GRACE,
    HEARTBEAT, T0,
};

/// 1e18 as `u128`.
const W: u128 = 1_000_000_000_000_000_000;

/// The marked value, in USDC units rounded up, of `amount` (18 decimals) options of
/// `strike` at `spot` at time `now` of the fixture board, at volatility `vol_wad` and the
/// fixture's 5% rate: what the book marks a written line at.
pub(crate) fn mark(
    spot: u64,
    strike: u64,
    is_call: bool,
    vol_wad: u128,
    now: u64,
    amount: u128,
) -> U256 {
    let p = prices(&Inputs {
        spot_wad: u128::from(spot) * W,
        strike_wad: u128::from(strike) * W,
        t_years_wad: years_wad_from_seconds_down(EXPIRY - now),
        vol_wad,
        rate_wad: W / 20,
    })
    .expect("mark: prices");
    premium_asset_up(if is_call { p.call_wad } else { p.put_wad }, amount, 6).expect("mark")
}

/// What one purchase did.
struct Bought {
    /// The trader's position id.
    id: u64,
    /// The premium paid.
    premium: U256,
    /// The fees paid.
    fees: U256,
    /// `[toVault, toInsurance, toReserve, toTreasury]`.
    split: [U256; 4],
}

/// `trader` buys `amount` of strike `i`'s side, and the purchase is checked end to end:
/// the trader pays the book's quote; the premium and the LPs' share reach the vault's
/// cash (`notifyPremium` twice), the fund's share its tranches by their income weights
/// (`notifyIncome`), the reserve's stays in the market, the treasury's reaches it, exactly
/// as the split rule says; the vault's NAV moves by the premium and its fee share less
/// the change of the book's liability; open interest and the position grow by `amount`.
fn buy_checked(world: &World, trader: Address, i: usize, is_call: bool, amount: U256) -> Bought {
    let before = world.books();
    let paid_before = world.balance(trader);
    let fund_before = world.fund.sender(world.admin).fund_assets();
    let liability_before = world.liability();
    let held_before = {
        let id = world.market.sender(trader).position_id(trader, world.strikes[i], is_call);
        world.market.sender(trader).position(id).3
    };
    let (premium, fees, _) = world.quote(i, is_call, amount, true);

    let id = world.buy(trader, i, is_call, amount).expect("buy_checked: buy");

    let after = world.books();
    let stressed = world.market.sender(world.admin).stressed_loss(ETH).expect("stressed");
    let split = world.expected_split(fees, stressed, fund_before);
    assert_eq!(split.iter().copied().sum::<U256>(), fees);
    assert_eq!(world.balance(trader), paid_before - premium - fees, "the trader pays the quote");
    assert_eq!(after.cash, before.cash + premium + split[0], "premium + LP share to the vault");
    let income = world.expected_income(split[1], before.tranches);
    for (t, share) in income.iter().enumerate() {
        assert_eq!(after.tranches[t], before.tranches[t] + *share, "tranche {t}'s income");
    }
    assert_eq!(after.reserve, before.reserve + split[2], "the reserve's share");
    assert_eq!(after.market, before.market + split[2], "the market holds the reserve");
    assert_eq!(after.treasury, before.treasury + split[3], "the treasury's share");
    world.market.assert_emitted(&FeesSplit {
        marketId: ETH,
        toVault: split[0],
        toInsurance: split[1],
        toReserve: split[2],
        toTreasury: split[3],
    });
    world.vault.assert_emitted(&PremiumNotified {
        marketId: ETH,
        reason: REASON_PREMIUM,
        amount: premium,
    });
    if !split[0].is_zero() {
        world.vault.assert_emitted(&PremiumNotified {
            marketId: ETH,
            reason: REASON_FEES,
            amount: split[0],
        });
    }
    if !split[1].is_zero() {
        world.fund.assert_emitted(&IncomeDistributed {
            marketId: ETH,
            amount: split[1],
            perTranche: income.to_vec(),
        });
    }
    // The NAV: cash less the book's liability, both fresh; it moves by the premium and
    // the LPs' fee share less the change of the liability.
    let liability_after = world.liability();
    assert!(world.vault.sender(world.admin).valuation().expect("valuation").5, "a fresh mark");
    assert_eq!(after.nav, after.cash - liability_after);
    assert_eq!(
        after.nav + liability_after,
        before.nav + liability_before + premium + split[0],
        "the NAV moves by the premium, the LP share and the liability"
    );
    let side = |oi: (U256, U256)| if is_call { oi.0 } else { oi.1 };
    assert_eq!(side(after.open_interest[i]), side(before.open_interest[i]) + amount);
    assert_eq!(world.market.sender(trader).position(id).3, held_before + amount);
    world.check();
    Bought { id, premium, fees, split }
}

/// The LPs, the stakers and two traders of the default book: LPs 600,000 and 400,000
/// USDC, junior stakers 60,000, senior 140,000; Alice and Bob 100,000 USDC each.
fn fund_the_protocol(world: &World) -> (Address, Address) {
    let (alice, bob) = (Address::from_tag("alice"), Address::from_tag("bob"));
    world.deposit(Address::from_tag("lp1"), usdc(600_000));
    world.check();
    world.deposit(Address::from_tag("lp2"), usdc(400_000));
    world.check();
    assert_eq!(world.nav(), usdc(1_000_000));
    world.stake(Address::from_tag("junior"), JUNIOR, usdc(60_000));
    world.check();
    world.stake(Address::from_tag("senior"), SENIOR, usdc(140_000));
    world.check();
    assert_eq!(world.fund.sender(world.admin).fund_assets(), usdc(200_000));
    world.trader(alice, usdc(100_000));
    world.trader(bob, usdc(100_000));
    world.check();
    (alice, bob)
}

/// Every refused call leaves these unchanged: the books, and the trader's balance and
/// position.
fn unchanged(world: &World, before: &Books, trader: Address, balance: U256, held: U256) {
    assert_eq!(&world.books(), before);
    assert_eq!(world.balance(trader), balance);
    let id = world.market.sender(trader).position_id(trader, world.strikes[0], true);
    assert_eq!(world.market.sender(trader).position(id).3, held);
    world.check();
}

// ---- 1. Premiums and fees -------------------------------------------------------------------

/// LPs deposit, stakers fund both tranches, traders buy calls and puts: every unit of
/// premium and fees lands where the split says, and the vault values the pool at the
/// book's liability.
#[motsu::test]
fn premiums_and_fees_land_where_the_split_says() {
    let world = World::new();
    let (alice, bob) = fund_the_protocol(&world);

    // No open option: the stakers' exit cooldown is the fund's minimum, 7 days.
    assert_eq!(world.market.sender(alice).longest_open_tenor(), Ok(0));
    assert_eq!(world.fund.sender(alice).cooldown(), Ok(7 * DAY));

    // Alice buys 2 calls at 2100: the trade's volatility is 80% + 0.001 x 2 = 80.2%, and
    // the pool's liability right after is those calls marked at 80.2%: the premium.
    let calls = buy_checked(&world, alice, 0, true, wad(2));
    assert_eq!(calls.premium, mark(2000, 2100, true, 802 * W / 1000, T0, 2 * W));
    assert!(world.liability().abs_diff(calls.premium) <= u(1), "{}", world.liability());
    // The fund's coverage (200,000 USDC over the stressed loss) is above its 150% target:
    // its base share, 10% of the fees.
    let stressed = world.market.sender(world.admin).stressed_loss(ETH).expect("stressed");
    assert!(stressed > U256::ZERO && stressed * u(3) / u(2) < usdc(200_000));
    assert_eq!(calls.split[1], calls.fees / u(10));
    assert!(calls.fees > U256::ZERO);

    // Bob buys 3 puts at 1900 (skew 1.1): base IV 80.5% after, the puts marked at 88.55%.
    let puts = buy_checked(&world, bob, 1, false, wad(3));
    assert_ne!(puts.id, calls.id);
    assert_eq!(world.listings.sender(bob).board(world.board).2, pct(805) / u(10));
    let expected = mark(2000, 2100, true, 805 * W / 1000, T0, 2 * W)
        + mark(2000, 1900, false, 8855 * W / 10_000, T0, 3 * W);
    let liability = world.liability();
    assert!(liability.abs_diff(expected) <= u(2), "liability {liability} vs {expected}");
    // The fund reads the longest open tenor through the market: 30 days of cooldown.
    assert_eq!(world.market.sender(alice).longest_open_tenor(), Ok(30 * DAY));
    assert_eq!(world.fund.sender(alice).cooldown(), Ok(30 * DAY));
    // A second purchase adds to Alice's position.
    let more = buy_checked(&world, alice, 0, true, wad(1));
    assert_eq!(more.id, calls.id);

    // The vault's totalAssets is its cash less the book's liability (the market forwards
    // the same view), marked at the feed's time.
    let (liability, receivable, mark_time) =
        world.market.sender(world.admin).pool_liability().expect("market view");
    assert_eq!((liability, receivable, mark_time), (world.liability(), U256::ZERO, T0));
    assert_eq!(world.nav(), world.cash() - liability);
    // Everything paid is accounted: cash = deposits + premiums + the LPs' fee shares.
    let premiums = calls.premium + puts.premium + more.premium;
    let lp_fees = calls.split[0] + puts.split[0] + more.split[0];
    assert_eq!(world.cash(), usdc(1_000_000) + premiums + lp_fees);
    let to_fund = calls.split[1] + puts.split[1] + more.split[1];
    assert_eq!(world.fund.sender(world.admin).fund_assets(), usdc(200_000) + to_fund);
    let fees = calls.fees + puts.fees + more.fees;
    assert_eq!(
        world.balance(alice) + world.balance(bob),
        usdc(200_000) - premiums - fees,
        "the traders paid exactly premiums and fees"
    );
}

// ---- 2. A 50% crash -------------------------------------------------------------------------

/// Spot falls 50% in one round: the vault's NAV falls by the repriced liability; the puts
/// end deep in the money, the board settles at the first round at or after expiry, and the
/// claims pay it, every unit accounted for at each step.
#[motsu::test]
fn a_fifty_percent_crash_reprices_the_book_and_the_puts_pay() {
    let world = World::new();
    let (alice, bob) = fund_the_protocol(&world);
    let calls = buy_checked(&world, alice, 0, true, wad(2));
    let puts = buy_checked(&world, bob, 1, false, wad(3));

    // A day later, spot 2000, then 1000 in the same second.
    let day = T0 + DAY;
    world.at_price(day, 2000);
    world.check();
    let (calm, calm_liability) = (world.books(), world.liability());
    world.set_price(1000, day);
    world.check();
    let (crashed, crashed_liability) = (world.books(), world.liability());
    assert_eq!(crashed.cash, calm.cash);
    assert!(crashed_liability > calm_liability);
    assert_eq!(calm.nav - crashed.nav, crashed_liability - calm_liability);
    // Repriced at 1000: the calls at 80.5%, the puts at 88.55%, 29 days out.
    let expected = mark(1000, 2100, true, 805 * W / 1000, day, 2 * W)
        + mark(1000, 1900, false, 8855 * W / 10_000, day, 3 * W);
    assert!(crashed_liability.abs_diff(expected) <= u(2), "{crashed_liability} vs {expected}");
    // Deep in the money: worth at least 3 x (1900 e^(-r t) - 1000) > 2,670 USDC.
    assert!(crashed_liability > usdc(2_670));

    // Expiry: round `before` a second early, `first` at the expiry, `late` after it.
    let before = world.at_price(EXPIRY - 1, 1000);
    let first = world.at_price(EXPIRY, 1000);
    let late = world.at_price(EXPIRY + 60, 1010);
    // Expired and unsettled, the board is marked a second from expiry at the latest
    // answer: nearly the intrinsic 3 x (1900 - 1010) = 2,670 USDC.
    let liability = world.liability();
    assert!(liability.abs_diff(usdc(2_670)) < usdc(1), "{liability}");
    world.check();
    let keeper = Address::from_tag("keeper");
    let bad = |round: u64, updated: u64, previous: u64| {
        data(Error::InvalidSettlementRound(MarketInvalidSettlementRound {
            boardId: world.board,
            roundId: u(round),
            updatedAt: u(updated),
            previousUpdatedAt: u(previous),
        }))
    };
    let unsettled = world.books();
    let err = world.settle(keeper, world.board, before).expect_err("a round before expiry");
    assert_eq!(data(err), bad(before, EXPIRY - 1, day));
    let err = world.settle(keeper, world.board, late).expect_err("not the first round");
    assert_eq!(data(err), bad(late, EXPIRY + 60, EXPIRY));
    assert_eq!(world.books(), unsettled);
    assert!(!world.listings.sender(keeper).board(world.board).4);
    world.check();

    // Settled at 1000: the puts owe 3 x 900 = 2,700 USDC, the calls nothing. The
    // retention (10% of a NAV near 1,000,000) covers it: the pool pays it all.
    let reserve = unsettled.reserve;
    let bounty = usdc(5).min(reserve);
    assert_eq!(world.settle(keeper, world.board, first), Ok(wad(1000)));
    world.market.assert_emitted(&BoardSettled {
        boardId: world.board,
        roundId: u(first),
        priceWad: wad(1000),
        owed: usdc(2_700),
        retained: usdc(2_700),
        covered: U256::ZERO,
        beyondCover: U256::ZERO,
        haircut: U256::ZERO,
        bounty,
    });
    world.vault.assert_emitted(&PayoutPulled {
        marketId: ETH,
        reason: REASON_SETTLEMENT,
        requested: usdc(2_700),
        paid: usdc(2_700),
    });
    let settled = world.books();
    assert_eq!(settled.cash, unsettled.cash - usdc(2_700));
    assert_eq!(settled.tranches, unsettled.tranches);
    assert_eq!(settled.losses, U256::ZERO);
    assert_eq!(settled.reserve, reserve - bounty);
    assert_eq!(world.balance(keeper), bounty);
    assert_eq!(world.market.sender(keeper).payout(world.board), (usdc(2_700), usdc(2_700)));
    // The book is empty: the NAV is the cash, the stakers' cooldown back to its minimum.
    assert_eq!(world.fund.sender(keeper).cooldown(), Ok(7 * DAY));
    assert_eq!(world.liability(), U256::ZERO);
    assert_eq!(settled.nav, settled.cash);
    world.check();
    let err = world.settle(keeper, world.board, first).expect_err("settled once");
    assert_eq!(
        data(err),
        data(Error::AlreadySettled(MarketAlreadySettled { boardId: world.board }))
    );

    // The claims: Bob's puts 2,700, Alice's calls nothing; each once.
    let (a, b) = (world.balance(alice), world.balance(bob));
    assert_eq!(world.claim(vec![calls.id, puts.id]), usdc(2_700));
    assert_eq!((world.balance(alice), world.balance(bob)), (a, b + usdc(2_700)));
    world.market.assert_emitted(&Claimed { positionId: puts.id, owner: bob, payout: usdc(2_700) });
    world.market.assert_emitted(&Claimed {
        positionId: calls.id,
        owner: alice,
        payout: U256::ZERO,
    });
    world.check();
    let err = world.market.sender(bob).claim(vec![puts.id]).expect_err("claimed once");
    assert_eq!(
        data(err),
        data(Error::AlreadyClaimed(MarketAlreadyClaimed { positionId: puts.id }))
    );
    assert_eq!(world.balance(bob), b + usdc(2_700));
    world.check();
}

// ---- 3. A pool loss beyond the retention ----------------------------------------------------

/// The pool of scenario 3: retention 1% of the NAV; LPs 100,000 USDC, the fund 4,000
/// junior and 6,000 senior; Alice buys 13 calls at 2100, Bob 7. Returns their position
/// ids, and moves to the expiry with the settlement round (`round - 1`, a second early,
/// at 2000) at `price`.
fn tail_book(world: &World, price: u64) -> (Address, Address, u64, u64, u64) {
    let (alice, bob) = (Address::from_tag("alice"), Address::from_tag("bob"));
    world.deposit(Address::from_tag("lp"), usdc(100_000));
    world.stake(Address::from_tag("junior"), JUNIOR, usdc(4_000));
    world.stake(Address::from_tag("senior"), SENIOR, usdc(6_000));
    world.trader(alice, usdc(100_000));
    world.trader(bob, usdc(100_000));
    world.check();
    let a = buy_checked(world, alice, 0, true, wad(13)).id;
    let b = buy_checked(world, bob, 0, true, wad(7)).id;
    // The fund's coverage is below its target: its share is raised, and its own view (which
    // reads the stressed loss through the market) agrees with the rule the market applied.
    let stressed = world.market.sender(alice).stressed_loss(ETH).expect("stressed");
    let share = world.expected_share(stressed, world.fund.sender(alice).fund_assets());
    assert!(share > pct(10) && share <= pct(40), "share {share}");
    assert_eq!(world.fund.sender(alice).income_share_wad(ETH), Ok(share));
    world.at_price(EXPIRY - 1, 2000);
    let round = world.at_price(EXPIRY, price);
    world.check();
    (alice, bob, a, b, round)
}

/// At 2600 the 20 calls owe 10,000 USDC: beyond the pool's retention (1% of its cash, the
/// book emptied by the settlement), the fund's pool-tail cover pays the excess, the junior
/// tranche first, all of it, then the senior; the pool pays its retention; nobody takes a
/// haircut. The fund records the loss.
#[motsu::test]
fn the_funds_cover_pays_the_excess_beyond_the_retention() {
    let world = Setup::new().with(RETENTION_KEY, pct(1)).deploy();
    let (alice, bob, a, b, round) = tail_book(&world, 2600);
    let before = world.books();
    let keeper = Address::from_tag("keeper");
    let owed = usdc(20 * 500);
    // The NAV the market reads is the cash: the board has left the book.
    let retention = before.cash / u(100);
    let excess = owed - retention;
    let [junior, senior] = before.tranches;
    assert!(excess > junior && excess < junior + senior, "the cover reaches the senior tranche");
    let bounty = usdc(5).min(before.reserve);

    assert_eq!(world.settle(keeper, world.board, round), Ok(wad(2600)));
    world.market.assert_emitted(&BoardSettled {
        boardId: world.board,
        roundId: u(round),
        priceWad: wad(2600),
        owed,
        retained: retention,
        covered: excess,
        beyondCover: U256::ZERO,
        haircut: U256::ZERO,
        bounty,
    });
    // The fund: one loss of the pool's tail, the junior tranche emptied, the senior the rest.
    let absorbed = vec![junior, excess - junior];
    assert_eq!(world.fund.sender(keeper).loss_count(), u(1));
    assert_eq!(
        loss(&world.fund, u(1)),
        Ok((KIND_POOL_TAIL, ETH, excess, absorbed.clone(), U256::ZERO, EXPIRY))
    );
    world.fund.assert_emitted(&LossCovered {
        lossId: u(1),
        kind: KIND_POOL_TAIL,
        marketId: ETH,
        requested: excess,
        absorbed,
        residual: U256::ZERO,
        timestamp: EXPIRY,
    });
    let after = world.books();
    assert_eq!(after.tranches, [U256::ZERO, junior + senior - excess]);
    // The pool paid exactly its retention.
    world.vault.assert_emitted(&PayoutPulled {
        marketId: ETH,
        reason: REASON_SETTLEMENT,
        requested: retention,
        paid: retention,
    });
    assert_eq!(after.cash, before.cash - retention);
    assert_eq!(after.nav, after.cash);
    assert_eq!(world.market.sender(keeper).payout(world.board), (owed, owed));
    world.check();

    // The claims pay in full: 13 x 500 and 7 x 500.
    let (balance_a, balance_b) = (world.balance(alice), world.balance(bob));
    assert_eq!(world.claim(vec![a, b]), owed);
    assert_eq!(world.balance(alice), balance_a + usdc(6_500));
    assert_eq!(world.balance(bob), balance_b + usdc(3_500));
    world.check();
}

/// At 9000 the 20 calls owe 138,000 USDC: the cover pays all the fund has (its residual
/// recorded), the pool all its cash (its retention, then beyond the cover), and the rest is
/// the board's recorded haircut: each claim is paid pro rata, rounded down.
#[motsu::test]
fn a_loss_beyond_the_cover_and_the_cash_is_a_pro_rata_haircut() {
    let world = Setup::new().with(RETENTION_KEY, pct(1)).deploy();
    let (alice, bob, a, b, round) = tail_book(&world, 9000);
    let before = world.books();
    let keeper = Address::from_tag("keeper");
    let owed = usdc(20 * 6900);
    let retention = before.cash / u(100);
    let excess = owed - retention;
    let [junior, senior] = before.tranches;
    let fund = junior + senior;
    assert!(excess > fund && owed - fund > before.cash, "neither the fund nor the pool suffices");
    let available = fund + before.cash;
    let bounty = usdc(5).min(before.reserve);

    assert_eq!(world.settle(keeper, world.board, round), Ok(wad(9000)));
    world.market.assert_emitted(&BoardSettled {
        boardId: world.board,
        roundId: u(round),
        priceWad: wad(9000),
        owed,
        retained: retention,
        covered: fund,
        beyondCover: before.cash - retention,
        haircut: owed - available,
        bounty,
    });
    assert_eq!(
        loss(&world.fund, u(1)),
        Ok((KIND_POOL_TAIL, ETH, excess, vec![junior, senior], excess - fund, EXPIRY))
    );
    world.fund.assert_emitted(&LossCovered {
        lossId: u(1),
        kind: KIND_POOL_TAIL,
        marketId: ETH,
        requested: excess,
        absorbed: vec![junior, senior],
        residual: excess - fund,
        timestamp: EXPIRY,
    });
    world.vault.assert_emitted(&PayoutPulled {
        marketId: ETH,
        reason: REASON_SETTLEMENT,
        requested: owed - fund,
        paid: before.cash,
    });
    let after = world.books();
    assert_eq!((after.cash, after.nav, after.tranches), (U256::ZERO, U256::ZERO, [U256::ZERO; 2]));
    assert_eq!(world.market.sender(keeper).payout(world.board), (owed, available));
    world.check();

    // Pro rata, rounded down: payout x available / owed.
    let pro_rata = |payout: U256| payout * available / owed;
    let (to_alice, to_bob) = (pro_rata(usdc(13 * 6900)), pro_rata(usdc(7 * 6900)));
    let (balance_a, balance_b) = (world.balance(alice), world.balance(bob));
    assert_eq!(world.claim(vec![a, b]), to_alice + to_bob);
    assert_eq!(world.balance(alice), balance_a + to_alice);
    assert_eq!(world.balance(bob), balance_b + to_bob);
    world.market.assert_emitted(&Claimed { positionId: a, owner: alice, payout: to_alice });
    // The dust of the rounding stays in the market: at most a unit per position.
    assert!(available - to_alice - to_bob <= u(2));
    world.check();
}

// ---- 4. The oracle and the sequencer --------------------------------------------------------

/// The price's age: exactly the heartbeat is fresh, one second more is stale, and a stale
/// price refuses purchases, sales and quotes with `MarketStalePrice`, changing nothing;
/// a fresh round opens trading again.
#[motsu::test]
fn a_stale_oracle_refuses_trades_and_changes_nothing() {
    let world = World::new();
    let (alice, _) = fund_the_protocol(&world);
    buy_checked(&world, alice, 0, true, wad(1));
    set_time(T0 + HEARTBEAT);
    buy_checked(&world, alice, 0, true, wad(1));

    let now = T0 + HEARTBEAT + 1;
    set_time(now);
    let stale = data(Error::StalePrice(MarketStalePrice {
        marketId: ETH,
        updatedAt: u(T0),
        heartbeat: HEARTBEAT,
        now,
    }));
    let before = world.books();
    let balance = world.balance(alice);
    let err = world.buy(alice, 0, true, wad(1)).expect_err("stale");
    assert_eq!(data(err), stale);
    let err = world
        .market
        .sender(alice)
        .sell(world.strikes[0], true, wad(1), U256::ZERO, u64::MAX)
        .expect_err("stale");
    assert_eq!(data(err), stale);
    let err = world.book.sender(alice).quote(world.strikes[0], true, wad(1), true).expect_err("q");
    assert_eq!(Vec::<u8>::from(err), stale);
    unchanged(&world, &before, alice, balance, wad(2));

    // A fresh round: trading resumes.
    world.set_price(2000, now);
    buy_checked(&world, alice, 0, true, wad(1));
}

/// The sequencer goes down: trades are refused (`MarketSequencerDown`); it comes back up:
/// refused through the grace period, its last second included
/// (`MarketSequencerGracePeriod`); allowed one second after. Nothing moves while refused.
#[motsu::test]
fn the_sequencer_down_then_up_gates_trades_through_the_grace() {
    let world = World::new();
    let (alice, _) = fund_the_protocol(&world);
    buy_checked(&world, alice, 0, true, wad(2));
    let sell =
        |now: u64| world.market.sender(alice).sell(world.strikes[0], true, wad(1), U256::ZERO, now);

    let down_at = T0 + 10 * 60;
    world.at_price(down_at, 2000);
    world.set_sequencer(true, down_at);
    let before = world.books();
    let balance = world.balance(alice);
    let down = data(Error::SequencerDown(MarketSequencerDown { feed: world.sequencer.address() }));
    assert_eq!(data(world.buy(alice, 0, true, wad(1)).expect_err("down")), down);
    assert_eq!(data(sell(down_at).expect_err("down")), down);
    unchanged(&world, &before, alice, balance, wad(2));

    let up_at = T0 + 20 * 60;
    world.at_price(up_at, 2000);
    world.set_sequencer(false, up_at);
    for now in [up_at, up_at + GRACE] {
        world.at_price(now, 2000);
        let grace = data(Error::SequencerGracePeriod(MarketSequencerGracePeriod {
            upSince: u(up_at),
            grace: GRACE,
            now,
        }));
        let before = world.books();
        assert_eq!(data(world.buy(alice, 0, true, wad(1)).expect_err("grace")), grace);
        assert_eq!(data(sell(now).expect_err("grace")), grace);
        unchanged(&world, &before, alice, balance, wad(2));
    }

    world.at_price(up_at + GRACE + 1, 2000);
    buy_checked(&world, alice, 0, true, wad(1));
    let (premium, fees, _) = world.quote(0, true, wad(1), false);
    let balance = world.balance(alice);
    assert_eq!(sell(up_at + GRACE + 1), Ok(premium - fees));
    assert_eq!(world.balance(alice), balance + premium - fees);
    assert_eq!(world.open_interest(0), (wad(2), U256::ZERO));
    world.check();
}

// ---- 5. Expiry with no trades ---------------------------------------------------------------

/// A board nobody traded settles: nothing owed, nothing pulled or covered, and with an
/// empty reserve no bounty; every balance stays where it was.
#[motsu::test]
fn a_board_nobody_traded_settles_and_nothing_moves() {
    let world = World::new();
    fund_the_protocol(&world);
    world.at_price(EXPIRY - 1, 2000);
    let round = world.at_price(EXPIRY, 1500);
    let keeper = Address::from_tag("keeper");
    let before = world.books();
    assert_eq!(before.reserve, U256::ZERO);

    assert_eq!(world.settle(keeper, world.board, round), Ok(wad(1500)));
    world.market.assert_emitted(&BoardSettled {
        boardId: world.board,
        roundId: u(round),
        priceWad: wad(1500),
        owed: U256::ZERO,
        retained: U256::ZERO,
        covered: U256::ZERO,
        beyondCover: U256::ZERO,
        haircut: U256::ZERO,
        bounty: U256::ZERO,
    });
    assert_eq!(world.market.sender(keeper).payout(world.board), (U256::ZERO, U256::ZERO));
    assert!(world.listings.sender(keeper).board(world.board).4);
    assert_eq!(world.books(), before);
    assert_eq!(world.balance(keeper), U256::ZERO);
    world.check();
}

/// The bounty rule as the code has it: the settler of a board that owes nothing still
/// earns `min(market.settleBounty, reserve)` from the underlying's reserve, which another
/// board's fees filled. Nothing else moves.
#[motsu::test]
fn an_untraded_board_pays_the_bounty_from_the_underlyings_reserve() {
    let world = World::new();
    let (alice, _) = fund_the_protocol(&world);
    let (_, strike) = world.list_board(T0 + 60 * DAY);
    world.market.sender(alice).buy(strike, true, wad(10), U256::MAX, u64::MAX).expect("buy");
    world.check();
    world.at_price(EXPIRY - 1, 2000);
    let round = world.at_price(EXPIRY, 2500);
    let keeper = Address::from_tag("keeper");
    let before = world.books();
    assert!(before.reserve > U256::ZERO);
    let bounty = usdc(5).min(before.reserve);

    assert_eq!(world.settle(keeper, world.board, round), Ok(wad(2500)));
    world.market.assert_emitted(&BoardSettled {
        boardId: world.board,
        roundId: u(round),
        priceWad: wad(2500),
        owed: U256::ZERO,
        retained: U256::ZERO,
        covered: U256::ZERO,
        beyondCover: U256::ZERO,
        haircut: U256::ZERO,
        bounty,
    });
    let after = world.books();
    assert_eq!(world.balance(keeper), bounty);
    assert_eq!(after.reserve, before.reserve - bounty);
    assert_eq!(after.market, before.market - bounty);
    assert_eq!(
        (after.cash, after.tranches, after.losses),
        (before.cash, before.tranches, before.losses)
    );
    world.check();
}

// ---- 6. The cut-off second ------------------------------------------------------------------

/// Trading needs `now + market.tradingCutoff < expiry`: the last second before the cut-off
/// trades; the cut-off second refuses purchases, sales and quotes with
/// `MarketTradingClosed`, changing nothing; settlement waits for the expiry.
#[motsu::test]
fn trading_stops_exactly_at_the_cut_off_second() {
    let world = World::new();
    let (alice, _) = fund_the_protocol(&world);
    buy_checked(&world, alice, 0, true, wad(2));

    let last = EXPIRY - CUTOFF - 1;
    world.at_price(last, 2000);
    buy_checked(&world, alice, 0, true, wad(1));
    let (premium, fees, _) = world.quote(0, true, wad(1), false);
    let sold = world.market.sender(alice).sell(world.strikes[0], true, wad(1), U256::ZERO, last);
    assert_eq!(sold, Ok(premium - fees));
    world.check();

    let now = EXPIRY - CUTOFF;
    world.at_price(now, 2000);
    let closed = data(Error::TradingClosed(MarketTradingClosed {
        boardId: world.board,
        expiry: EXPIRY,
        cutoff: CUTOFF,
        now,
    }));
    let before = world.books();
    let balance = world.balance(alice);
    assert_eq!(data(world.buy(alice, 0, true, wad(1)).expect_err("closed")), closed);
    let err = world
        .market
        .sender(alice)
        .sell(world.strikes[0], true, wad(1), U256::ZERO, now)
        .expect_err("closed");
    assert_eq!(data(err), closed);
    let err = world.book.sender(alice).quote(world.strikes[0], true, wad(1), true).expect_err("q");
    assert_eq!(Vec::<u8>::from(err), closed);
    unchanged(&world, &before, alice, balance, wad(2));

    // Between the cut-off and the expiry the board neither trades nor settles.
    let round = world.at_price(EXPIRY - 1, 2000);
    let err = world.settle(Address::from_tag("keeper"), world.board, round).expect_err("early");
    assert_eq!(
        data(err),
        data(Error::NotExpired(MarketNotExpired {
            boardId: world.board,
            expiry: EXPIRY,
            now: EXPIRY - 1
        }))
    );
    let after = world.books();
    assert_eq!(
        (after.open_interest, after.cash, after.reserve),
        (before.open_interest, before.cash, before.reserve)
    );
    assert!(!world.listings.sender(alice).board(world.board).4);
    world.check();
}

// ---- 7. The net delta cap -------------------------------------------------------------------

/// `market.maxNetDeltaWad` one wei below the pool's delta with three 2100 calls written:
/// two calls sell, the third is refused with `MarketNetDeltaAboveCap` carrying the pool's
/// delta (exactly the pure crate's sum over the line the book marks) and the cap, changing
/// nothing; a sale is not checked; written puts offset the calls' delta, after which the
/// third call sells.
#[motsu::test]
fn a_purchase_beyond_the_net_delta_cap_is_refused_with_the_numbers() {
    // Three written 2100 calls at the base IV the third purchase leaves (80% + 3 x 0.1%),
    // 30 days, spot 2000, rate 5%: the pool is short about 3 x 0.47 ETH.
    let line = Position {
        strike_wad: 2100 * W,
        t_years_wad: years_wad_from_seconds_down(EXPIRY - T0),
        vol_wad: 803 * W / 1000,
        call_amount_wad: -3 * 1_000_000_000_000_000_000,
        put_amount_wad: 0,
    };
    let delta = book_greeks_wad(2000 * W, W / 20, &[line]).expect("greeks").delta_wad;
    assert!(delta.is_negative());
    let cap = delta.unsigned_abs() - u(1);
    let world = Setup::new().with(MAX_NET_DELTA_KEY, cap).deploy();
    let (alice, bob) = fund_the_protocol(&world);
    buy_checked(&world, alice, 0, true, wad(2));

    let before = world.books();
    let balance = world.balance(alice);
    let err = world.buy(alice, 0, true, wad(1)).expect_err("beyond the cap");
    assert_eq!(
        data(err),
        data(Error::NetDeltaAboveCap(MarketNetDeltaAboveCap {
            marketId: ETH,
            netDeltaWad: delta,
            capWad: cap,
        }))
    );
    unchanged(&world, &before, alice, balance, wad(2));

    // A sale lowers the pool's risk and is not checked.
    let (premium, fees, _) = world.quote(0, true, wad(1), false);
    let sold = world.market.sender(alice).sell(world.strikes[0], true, wad(1), U256::ZERO, T0);
    assert_eq!(sold, Ok(premium - fees));
    world.check();
    buy_checked(&world, alice, 0, true, wad(1));
    // Written puts are long delta for the pool: after Bob buys two 1900 puts, the third
    // call fits under the cap.
    buy_checked(&world, bob, 1, false, wad(2));
    buy_checked(&world, alice, 0, true, wad(1));
    assert_eq!(world.open_interest(0), (wad(3), U256::ZERO));
}
