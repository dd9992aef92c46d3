//! Traders' shorts with the whole protocol: short sales paid by the real vault and marked
//! as its receivable, the initial margin to the unit, a 50% crash liquidated by a third
//! party through the trader-default waterfall (the short book's reserve, the fund's junior
//! then senior tranche, the pool), settlement of shorts at expiry with a default, and the
//! pause and sequencer gates. Every expected number comes from the fixture's keys, a view
//! read just before the step (checked against the pure crate where it is one call), and
//! the balances; [`World::check`] proves conservation after each step.

use alloy_primitives::{Address, B256, U256};
use motsu::prelude::*;
use mutual_insurance::{JUNIOR, SENIOR};
use mutual_interfaces::keys::{MARKET_SCOPE, STRESS_SPOT_DOWN_KEY};
use mutual_risk::margin::{liquidation_split, LiquidationParams};
use mutual_short_book::{
    Error, Liquidated, MarginRemoved, ShortBookCollateralLocked, ShortBookHealthy,
    ShortBookInsufficientMargin, ShortBookNothingToSettle, ShortBookPaused, ShortBookSequencerDown,
    ShortClosed, ShortOpened, ShortSettled, TraderDefault,
};
use mutual_vault::{PayoutPulled, PremiumNotified, REASON_FEES, REASON_PREMIUM, REASON_SETTLEMENT};

use crate::{
    scenarios::mark,
    world::{loss, pct, u, usdc, wad, Setup, World, DAY, ETH, EXPIRY, T0},
};

/// 1e18 as `u128`.
const W: u128 = 1_000_000_000_000_000_000;
/// The vault's flow reason of a trader default's recovery.
const REASON_DEFAULT: u8 = 3;

/// The revert data of a short book error (a forwarded error is its raw data).
fn data(error: Error) -> Vec<u8> {
    error.into()
}

/// The short book's quote of a sale (`isBuy` false) or a close of `amount` of strike `i`:
/// `(premium, fees, volWad, baseIvAfterWad)`.
fn quote(world: &World, i: usize, is_call: bool, is_buy: bool, amount: U256) -> [U256; 4] {
    let (market_id, premium, fees, vol, iv, _) = world
        .margin
        .sender(world.admin)
        .quote(world.strikes[i], is_call, is_buy, amount, true)
        .expect("quote");
    assert_eq!(market_id, ETH);
    [premium, fees, vol, iv]
}

/// The collateral `writer` needs after selling `amount` of strike `i`'s side: read from
/// the refusal of the same sale without margin (reverted), as `required - proceeds`.
fn margin_needed(world: &World, writer: Address, i: usize, is_call: bool, amount: U256) -> U256 {
    let [premium, fees, ..] = quote(world, i, is_call, false, amount);
    let refused = world
        .shorts
        .sender(writer)
        .sell_short(world.strikes[i], is_call, amount, U256::ZERO, u64::MAX, U256::ZERO)
        .motsu_unwrap_err();
    let Error::InsufficientMargin(e) = refused else { panic!("margin_needed: {refused:?}") };
    assert_eq!(e.collateral, premium - fees);
    e.required - e.collateral
}

/// `(collateral, liability, initial, maintenance, healthy)` of `account`.
fn health(world: &World, account: Address) -> (U256, U256, U256, U256, bool) {
    world.shorts.sender(world.admin).account_health(account).expect("health")
}

/// The receivable the short book reports to the vault.
fn receivable(world: &World) -> U256 {
    world.shorts.sender(world.admin).pool_liability().expect("receivable").1
}

// ---- 1. A short sale, marked, then partly closed --------------------------------------------

/// The pool buys five calls from a writer: it pays the quote's premium less the spread
/// fee into the writer's collateral, the board's base IV moves down, the pool's written
/// interest does not move, and the vault values the calls it now holds (the short book's
/// receivable) in its NAV. A partial close pays the pool back premium and fee.
#[motsu::test]
fn a_short_sale_is_paid_by_the_pool_and_marked_as_its_receivable() {
    let world = World::new();
    world.deposit(Address::from_tag("lp"), usdc(100_000));
    let carol = Address::from_tag("carol");
    world.writer(carol, usdc(10_000));
    world.check();
    let before = world.books();
    let [premium, fees, vol, iv] = quote(&world, 0, true, false, wad(5));
    // The sale moves the base IV down by 0.001 per option: 80% - 0.5%.
    assert_eq!(iv, pct(795) / u(10));
    assert_eq!(vol, iv);
    assert!(fees > U256::ZERO && fees < premium);

    let proceeds = world.sell_short(carol, 0, true, wad(5), usdc(6_000)).expect("sell");
    assert_eq!(proceeds, premium - fees);
    world.shorts.assert_emitted(&ShortOpened {
        account: carol,
        strikeId: world.strikes[0],
        isCall: true,
        amount: wad(5),
        premium,
        fees,
        margin: usdc(6_000),
        volWad: vol,
        baseIvAfterWad: iv,
    });
    world.vault.assert_emitted(&PayoutPulled {
        marketId: ETH,
        reason: REASON_PREMIUM,
        requested: proceeds,
        paid: proceeds,
    });
    let after = world.books();
    assert_eq!(after.cash, before.cash - proceeds, "the pool paid the proceeds");
    assert_eq!(after.base_iv, iv, "the sale moved the board's base IV");
    assert_eq!(after.open_interest, before.open_interest, "the pool's written interest");
    assert_eq!(world.collateral(carol), usdc(6_000) + proceeds);
    assert_eq!(world.balance(carol), usdc(4_000));
    assert_eq!(world.shorts.sender(carol).shorts(carol, world.strikes[0], true), (wad(5), wad(5)));
    assert_eq!(world.shorts.sender(carol).account(carol), (ETH, usdc(6_000) + proceeds, 1));
    world.check();

    // The vault holds the calls: marked at the moved base IV (rounded down) less the
    // engine's rounding slack, they are worth the premium to within 3 units; the NAV is
    // the cash plus them.
    let held = receivable(&world);
    let value = mark(2000, 2100, true, 795 * W / 1000, T0, 5 * W);
    assert!(value - held <= u(3), "receivable {held} vs {value}");
    assert!(premium.abs_diff(held) <= u(3), "premium {premium} vs {held}");
    let valuation = world.vault.sender(world.admin).valuation().expect("valuation");
    assert_eq!((valuation.1, valuation.5), (held, true));
    assert_eq!(after.nav, after.cash + held);
    assert!(after.nav + u(3) >= before.nav + fees, "the pool keeps the spread fee");
    let (collateral, liability, initial, _, healthy) = health(&world, carol);
    assert!(healthy && collateral >= liability + initial);
    // The written calls are marked dearer (volatility rounded up) than the pool holds them.
    assert!(liability >= held);

    // With the pool holding the calls, a purchase's quote still charges exactly what the
    // purchase does: the book values the pool with the short book's receivable.
    let alice = Address::from_tag("alice");
    world.trader(alice, usdc(10_000));
    let (quoted_premium, quoted_fees, _) = world.quote(1, false, wad(2), true);
    let paying = world.balance(alice);
    world.buy(alice, 1, false, wad(2)).expect("buy two puts");
    assert_eq!(paying - world.balance(alice), quoted_premium + quoted_fees);
    world.check();
    let after = world.books();

    // Carol buys two calls back: premium up and the spread fee, from her collateral.
    let [premium, fees, vol, iv] = quote(&world, 0, true, true, wad(2));
    let cost = world
        .shorts
        .sender(carol)
        .close_short(world.strikes[0], true, wad(2), U256::MAX, u64::MAX)
        .expect("close");
    assert_eq!(cost, premium + fees);
    world.shorts.assert_emitted(&ShortClosed {
        account: carol,
        strikeId: world.strikes[0],
        isCall: true,
        amount: wad(2),
        premium,
        fees,
        volWad: vol,
        baseIvAfterWad: iv,
    });
    world.vault.assert_emitted(&PremiumNotified {
        marketId: ETH,
        reason: REASON_PREMIUM,
        amount: premium,
    });
    world.vault.assert_emitted(&PremiumNotified {
        marketId: ETH,
        reason: REASON_FEES,
        amount: fees,
    });
    assert_eq!(world.cash(), after.cash + cost);
    assert_eq!(world.collateral(carol), usdc(6_000) + proceeds - cost);
    assert_eq!(world.books().base_iv, iv);
    assert_eq!(world.shorts.sender(carol).shorts(carol, world.strikes[0], true), (wad(3), wad(3)));
    world.check();
}

// ---- 2. The initial margin, to the unit -----------------------------------------------------

/// A sale whose collateral falls one unit short of the liability plus the initial margin
/// (both at the base IV the sale moves) is refused with the numbers, and changes nothing;
/// with that unit it passes.
#[motsu::test]
fn the_initial_margin_is_exact_to_the_unit() {
    let world = World::new();
    world.deposit(Address::from_tag("lp"), usdc(100_000));
    let carol = Address::from_tag("carol");
    world.writer(carol, usdc(10_000));
    let needed = margin_needed(&world, carol, 1, false, wad(4));
    let before = world.books();
    let [premium, fees, ..] = quote(&world, 1, false, false, wad(4));
    let proceeds = premium - fees;

    let refused = world
        .shorts
        .sender(carol)
        .sell_short(world.strikes[1], false, wad(4), U256::ZERO, u64::MAX, needed - u(1))
        .motsu_unwrap_err();
    assert_eq!(
        refused,
        Error::InsufficientMargin(ShortBookInsufficientMargin {
            account: carol,
            collateral: needed - u(1) + proceeds,
            required: needed + proceeds,
        })
    );
    assert_eq!(world.books(), before);
    assert_eq!(world.balance(carol), usdc(10_000));
    assert_eq!(world.shorts.sender(carol).account(carol), (B256::ZERO, U256::ZERO, 0));
    assert_eq!(receivable(&world), U256::ZERO);
    world.check();

    let paid = world
        .shorts
        .sender(carol)
        .sell_short(world.strikes[1], false, wad(4), proceeds, u64::MAX, needed)
        .expect("exactly enough margin");
    assert_eq!(paid, proceeds);
    let (collateral, liability, initial, _, healthy) = health(&world, carol);
    assert_eq!(collateral, liability + initial, "exactly the initial requirement");
    assert!(healthy);
    world.check();
}

// ---- 3. A crash, liquidations and the trader-default waterfall ------------------------------

/// With a stress grid of only 10% down, two writers sell puts at 1900 with exactly their
/// initial margin. Spot falls to 1750: Dave is liquidated by a bot, solvent, and the rest of
/// his penalty funds the short book's reserve. Spot then crashes to 1000: Carol owes far
/// more than her collateral; the liquidator takes the bounty, the pool the collateral, and
/// the shortfall runs the waterfall: the reserve, the fund's junior tranche, its senior
/// tranche, then the pool, each exactly.
#[motsu::test]
fn a_crash_is_liquidated_through_the_trader_default_waterfall() {
    let world = Setup::new().with(STRESS_SPOT_DOWN_KEY, pct(10)).deploy();
    world.deposit(Address::from_tag("lp"), usdc(100_000));
    world.stake(Address::from_tag("junior"), JUNIOR, usdc(1_000));
    world.stake(Address::from_tag("senior"), SENIOR, usdc(2_000));
    let (carol, dave) = (Address::from_tag("carol"), Address::from_tag("dave"));
    let bot = Address::from_tag("bot");
    world.hold(bot);
    world.writer(carol, usdc(20_000));
    world.writer(dave, usdc(20_000));
    for (writer, amount) in [(carol, wad(10)), (dave, wad(3))] {
        let needed = margin_needed(&world, writer, 1, false, amount);
        world.sell_short(writer, 1, false, amount, needed).expect("sell at the requirement");
        world.check();
    }
    // Healthy: a liquidation is refused with the numbers, and changes nothing.
    let (collateral, liability, _, maintenance, healthy) = health(&world, carol);
    assert!(healthy);
    let before = world.books();
    assert_eq!(
        world.shorts.sender(bot).liquidate(carol).motsu_unwrap_err(),
        Error::Healthy(ShortBookHealthy {
            account: carol,
            collateral,
            requirement: liability + maintenance,
        })
    );
    assert_eq!(world.books(), before);
    assert_eq!(world.shorts.sender(bot).liquidatable(0, 10), Ok(vec![]));

    // Spot 1750 a day later: both below maintenance, both solvent.
    world.at_price(T0 + DAY, 1750);
    world.check();
    assert_eq!(world.shorts.sender(bot).liquidatable(0, 10), Ok(vec![carol, dave]));
    assert_eq!(world.shorts.sender(bot).liquidatable(1, 1), Ok(vec![dave]));
    assert_eq!(world.shorts.sender(bot).liquidatable(2, 5), Ok(vec![]));
    let (collateral, liability, _, _, healthy) = health(&world, dave);
    assert!(!healthy && collateral > liability);
    let split = |collateral: U256, liability: U256| {
        let engine = world.margin.sender(bot).liquidation_split(collateral, liability);
        let pure = liquidation_split(
            collateral,
            liability,
            &LiquidationParams {
                penalty_rate_wad: W / 10,
                bounty_share_wad: W / 2,
                min_bounty: usdc(5),
            },
        )
        .expect("split");
        assert_eq!(
            engine,
            Ok((pure.bounty, pure.to_pool, pure.to_reserve, pure.returned, pure.shortfall))
        );
        pure
    };
    let s = split(collateral, liability);
    assert_eq!(s.shortfall, U256::ZERO);
    assert!(s.to_reserve > U256::ZERO && s.returned > U256::ZERO);
    let (cash, dave_balance) = (world.cash(), world.balance(dave));
    assert_eq!(world.shorts.sender(bot).liquidate(dave), Ok(s.bounty));
    world.shorts.assert_emitted(&Liquidated {
        account: dave,
        liquidator: bot,
        liability,
        bounty: s.bounty,
        toPool: s.to_pool,
        toReserve: s.to_reserve,
        returned: s.returned,
        shortfall: U256::ZERO,
    });
    assert_eq!(world.balance(bot), s.bounty);
    assert_eq!(world.balance(dave), dave_balance + s.returned);
    assert_eq!(world.cash(), cash + s.to_pool);
    assert_eq!(world.short_reserve(), s.to_reserve);
    assert_eq!(world.shorts.sender(bot).account(dave), (B256::ZERO, U256::ZERO, 0));
    assert_eq!(
        world.shorts.sender(bot).shorts(dave, world.strikes[1], false),
        (U256::ZERO, wad(10))
    );
    assert_eq!(world.shorts.sender(bot).liquidatable(0, 10), Ok(vec![carol]));
    world.check();

    // Spot 1000 in the same second: Carol's ten puts owe about 9,000 USDC.
    world.set_price(1000, T0 + DAY);
    let (collateral, liability, _, _, _) = health(&world, carol);
    assert!(liability > usdc(8_500) && collateral < usdc(5_000), "{liability} {collateral}");
    let s = split(collateral, liability);
    assert_eq!(s.to_pool, collateral - s.bounty);
    assert_eq!(s.returned, U256::ZERO);
    let reserve = world.short_reserve();
    let rest = s.shortfall - reserve;
    let pool_loss = rest - usdc(3_000);
    let (cash, losses) = (world.cash(), world.fund.sender(bot).loss_count());
    let bot_balance = world.balance(bot);
    assert_eq!(world.shorts.sender(bot).liquidate(carol), Ok(s.bounty));
    world.shorts.assert_emitted(&Liquidated {
        account: carol,
        liquidator: bot,
        liability,
        bounty: s.bounty,
        toPool: s.to_pool,
        toReserve: U256::ZERO,
        returned: U256::ZERO,
        shortfall: s.shortfall,
    });
    world.shorts.assert_emitted(&TraderDefault {
        account: carol,
        marketId: ETH,
        shortfall: s.shortfall,
        fromReserve: reserve,
        covered: usdc(3_000),
        poolLoss: pool_loss,
    });
    // Layer 2, the reserve, is spent; layers 3 and 4, junior then senior, are exhausted
    // (no floor, a 100% cap); layer 5, the pool, bears the rest by never receiving it.
    assert_eq!(world.short_reserve(), U256::ZERO);
    assert_eq!(world.fund.sender(bot).loss_count(), losses + u(1));
    assert_eq!(
        loss(&world.fund, losses + u(1)),
        Ok((0, ETH, rest, vec![usdc(1_000), usdc(2_000)], pool_loss, T0 + DAY))
    );
    assert_eq!([world.tranche(JUNIOR), world.tranche(SENIOR)], [U256::ZERO, U256::ZERO]);
    world.vault.assert_emitted(&PremiumNotified {
        marketId: ETH,
        reason: REASON_DEFAULT,
        amount: reserve + usdc(3_000),
    });
    assert_eq!(world.cash(), cash + s.to_pool + reserve + usdc(3_000));
    assert_eq!(world.balance(bot), bot_balance + s.bounty);
    assert_eq!(world.collateral(carol), U256::ZERO);
    // Nothing is written any more: no receivable, nothing to liquidate.
    assert_eq!(
        world.shorts.sender(bot).shorts(carol, world.strikes[1], false),
        (U256::ZERO, U256::ZERO)
    );
    assert_eq!(receivable(&world), U256::ZERO);
    assert_eq!(world.shorts.sender(bot).liquidatable(0, 10), Ok(vec![]));
    assert_eq!(world.nav(), world.cash());
    world.check();
}

// ---- 4. Settlement of shorts ----------------------------------------------------------------

/// At expiry the market settles the board at 4000; each writer's line owes the pool its
/// intrinsic value (rounded up) from the collateral, the rest is released, and a writer
/// whose due exceeds the collateral defaults through the waterfall (an empty fund: the
/// pool bears it all). Until each account is settled, the vault counts what it owes.
#[motsu::test]
fn settlement_charges_each_short_its_due_and_releases_the_rest() {
    let world = World::new();
    world.deposit(Address::from_tag("lp"), usdc(100_000));
    let (carol, erin) = (Address::from_tag("carol"), Address::from_tag("erin"));
    let keeper = Address::from_tag("keeper");
    world.hold(keeper);
    world.writer(carol, usdc(40_000));
    world.writer(erin, usdc(20_000));
    world.sell_short(carol, 0, true, wad(3), usdc(30_000)).expect("carol");
    let needed = margin_needed(&world, erin, 0, true, wad(5));
    world.sell_short(erin, 0, true, wad(5), needed).expect("erin");
    world.check();
    assert_eq!(
        world.shorts.sender(keeper).settle_account(carol).motsu_unwrap_err(),
        Error::NothingToSettle(ShortBookNothingToSettle { account: carol })
    );

    // Expiry at 4000: the calls at 2100 owe 1,900 USDC each.
    let round = world.at_price(EXPIRY, 4000);
    assert_eq!(world.settle(keeper, world.board, round).map(|p| p / wad(1)), Ok(u(4000)));
    world.check();
    let due = |n: u64| usdc(1_900 * n);
    // Until the accounts settle, the vault counts their dues (less a unit each).
    assert_eq!(receivable(&world), due(8) - u(1));
    assert_eq!(world.vault.sender(keeper).valuation().expect("valuation").1, due(8) - u(1));

    let (cash, carol_collateral) = (world.cash(), world.collateral(carol));
    assert_eq!(world.shorts.sender(keeper).settle_account(carol), Ok(due(3)));
    world.shorts.assert_emitted(&ShortSettled {
        account: carol,
        strikeId: world.strikes[0],
        isCall: true,
        amount: wad(3),
        owed: due(3),
        paid: due(3),
    });
    world.shorts.assert_emitted(&MarginRemoved {
        account: carol,
        to: carol,
        amount: carol_collateral - due(3),
    });
    world.vault.assert_emitted(&PremiumNotified {
        marketId: ETH,
        reason: REASON_SETTLEMENT,
        amount: due(3),
    });
    assert_eq!(world.cash(), cash + due(3));
    assert_eq!(world.collateral(carol), U256::ZERO);
    assert_eq!(world.balance(carol), usdc(10_000) + carol_collateral - due(3));
    world.check();

    // Erin's collateral (her initial margin against a 50% rise) falls short of 9,500.
    let erin_collateral = world.collateral(erin);
    assert!(erin_collateral < due(5), "{erin_collateral}");
    let shortfall = due(5) - erin_collateral;
    let (cash, losses) = (world.cash(), world.fund.sender(keeper).loss_count());
    assert_eq!(world.shorts.sender(keeper).settle_account(erin), Ok(erin_collateral));
    world.shorts.assert_emitted(&TraderDefault {
        account: erin,
        marketId: ETH,
        shortfall,
        fromReserve: U256::ZERO,
        covered: U256::ZERO,
        poolLoss: shortfall,
    });
    assert_eq!(
        loss(&world.fund, losses + u(1)),
        Ok((0, ETH, shortfall, vec![U256::ZERO, U256::ZERO], shortfall, EXPIRY))
    );
    assert_eq!(world.cash(), cash + erin_collateral);
    assert_eq!(receivable(&world), U256::ZERO);
    assert_eq!(world.shorts.sender(keeper).book().3, 2);
    world.check();
}

// ---- 5. The gates ---------------------------------------------------------------------------

/// The market's pause stops short sales and liquidations but not margin top-ups or
/// settlement; the sequencer down stops them through the margin engine's gate.
#[motsu::test]
fn the_pause_and_the_sequencer_gate_shorts_but_not_settlement() {
    let world = World::new();
    world.deposit(Address::from_tag("lp"), usdc(100_000));
    let carol = Address::from_tag("carol");
    world.writer(carol, usdc(10_000));
    world.sell_short(carol, 0, true, wad(1), usdc(3_000)).expect("sell");
    world.check();
    let before = (world.books(), world.collateral(carol), world.balance(carol));
    let sell = || {
        world
            .shorts
            .sender(carol)
            .sell_short(world.strikes[0], true, wad(1), U256::ZERO, u64::MAX, usdc(1_000))
            .motsu_unwrap_err()
    };

    world.set_sequencer(true, T0);
    let down =
        data(Error::SequencerDown(ShortBookSequencerDown { feed: world.sequencer.address() }));
    assert_eq!(data(sell()), down);
    assert_eq!(data(world.shorts.sender(carol).liquidate(carol).motsu_unwrap_err()), down);
    assert_eq!(
        data(world.shorts.sender(carol).remove_margin(u(1), carol).motsu_unwrap_err()),
        down
    );
    assert_eq!((world.books(), world.collateral(carol), world.balance(carol)), before);
    // Margin may always be added.
    world.shorts.sender(carol).add_margin(carol, usdc(1)).expect("add margin");
    world.check();
    world.set_sequencer(false, T0 - 2 * DAY);

    world.gov.sender(world.admin).pause(MARKET_SCOPE).expect("pause");
    let paused = Error::Paused(ShortBookPaused { scope: MARKET_SCOPE });
    assert_eq!(sell(), paused);
    assert_eq!(world.shorts.sender(carol).liquidate(carol).motsu_unwrap_err(), paused);
    world.shorts.sender(carol).add_margin(carol, usdc(1)).expect("add margin while paused");
    assert_eq!(world.collateral(carol), before.1 + usdc(2));
    world.check();
}

// ---- 6. The pool's locked collateral ---------------------------------------------------------

/// The pool writes calls, which lock part of its cash; a short sale whose proceeds would
/// dip into that lock is refused with the numbers and changes nothing, so a later
/// settlement of the pool's written options always finds the cash it locked.
#[motsu::test]
fn a_short_sale_never_spends_the_collateral_the_pool_locked() {
    let world = World::new();
    world.deposit(Address::from_tag("lp"), usdc(10_000));
    let (alice, carol) = (Address::from_tag("alice"), Address::from_tag("carol"));
    world.trader(alice, usdc(10_000));
    world.buy(alice, 0, true, wad(4)).expect("the pool writes 4 calls");
    world.writer(carol, usdc(200_000));
    world.check();
    let required = world.market.sender(carol).required_collateral().expect("required");
    let free = world.cash() - required;
    assert!(required > U256::ZERO && free > U256::ZERO);
    // Sixty puts at 1900 would cost the pool more than its free cash.
    let [premium, fees, ..] = quote(&world, 1, false, false, wad(60));
    assert!(premium - fees > free, "{premium} {fees} {free}");
    let before = (world.books(), world.collateral(carol), world.balance(carol));
    assert_eq!(
        world
            .shorts
            .sender(carol)
            .sell_short(world.strikes[1], false, wad(60), U256::ZERO, u64::MAX, usdc(100_000))
            .motsu_unwrap_err(),
        Error::CollateralLocked(ShortBookCollateralLocked { proceeds: premium - fees, free })
    );
    assert_eq!((world.books(), world.collateral(carol), world.balance(carol)), before);
    // A smaller sale fits in the free cash, and the lock is still covered after it.
    world.sell_short(carol, 1, false, wad(1), usdc(2_000)).expect("one put");
    let required = world.market.sender(carol).required_collateral().expect("required");
    assert!(world.cash() >= required);
    world.check();
}
