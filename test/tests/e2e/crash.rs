//! A market crash settled end to end on the deployed artifacts: puts bought, spot down in
//! one round, the vault's NAV down with the fresh mark, the board settled past its expiry
//! at the first round after it, and the loss shaped as `docs/market.md` says ("Flows with
//! the vault and the insurance fund"): the pool retains `floor(NAV x
//! market.retentionWad)` (the NAV the vault reports while the market settles: the board
//! has left the book, so it is the vault's cash), the excess goes to the fund's
//! `cover(1 POOL_TAIL)` (junior tranche first, then senior), the pool pays the rest up to
//! its cash, and whatever is still missing is a recorded haircut paid pro rata on claims.
//!
//! Every expected figure is derived from the views read before the settlement (the vault's
//! cash, the tranches' assets, the market's reserve, the governance values) and the
//! documented formulas; the fund's loss is checked through its `LossCovered` event and the
//! token balances (not `lossRecord`). Each scenario ends with the token's conservation:
//! its total supply is the sum of every holder's balance.

use alloy_primitives::{Address, U256};
use alloy_sol_types::SolEvent;
use mutual_abi::{IInsuranceFund as F, IMutualVault as V, ITestUsdc as T};
use mutual_localnet::protocol::{key, names, Config, IOptionsMarket as M, DAY, USDC, WAD};
use mutual_localnet::{CallResult, Log};

use crate::fixture::{event, log_of, u, usdc, wad, Listed, Valuation, ETH};

/// `ceil(a / b)`.
fn div_up(a: U256, b: U256) -> U256 {
    a.div_ceil(b)
}

/// The crash's steps on the listed market ([`Listed::with_pool`]: an LP in the vault,
/// stakers in both tranches).
impl Listed {
    /// Mints `amount` to a new trader `who`, approved to the market.
    fn trader(&mut self, who: Address, amount: U256) {
        let (token, market) = (self.w.p.usdc, self.m.at.market);
        self.w.mint(who, amount);
        self.w.ok(who, token, &T::approveCall { spender: market, value: U256::MAX });
        self.holders.push(who);
    }

    /// `who` buys `amount` puts of `strike` at any cost; returns the position id and the
    /// premium plus fees paid.
    fn buy_puts(&mut self, who: Address, strike: u64, amount: U256) -> (u64, U256) {
        let now = self.w.now();
        let buy = M::buyCall {
            strikeId: strike,
            isCall: false,
            amount,
            maxCost: U256::MAX,
            deadline: now,
        };
        let before = self.w.token_balance(who);
        let market = self.m.at.market;
        let (position, _) = self.w.ok(who, market, &buy);
        (position._0, before - self.w.token_balance(who))
    }
}

/// `log` is among the logs of `result`.
fn assert_has(result: &CallResult, log: &Log) {
    assert!(result.logs.contains(log), "missing {log:#?} in {:#?}", result.logs);
}

/// Asserts the vault valued the pool at its fresh mark throughout `result`: no
/// `StaleMark`, no failed frame.
fn assert_fresh_nav(result: &CallResult) {
    let stale = V::StaleMark::SIGNATURE_HASH;
    assert!(!result.logs.iter().any(|log| log.topics.first() == Some(&stale)), "a StaleMark log");
    assert!(result.frames.iter().all(|f| f.success), "a failed frame");
}

/// The settlement's expected shape, from the documented formulas.
struct Expected {
    /// What the board owes.
    owed: U256,
    /// The pool's retention: `floor(nav x retentionWad)`.
    retention: U256,
    /// What each tranche absorbs (junior first).
    absorbed: [U256; 2],
    /// What the fund could not absorb.
    residual: U256,
    /// What the vault pays: `min(owed - covered, cash)`.
    pulled: U256,
    /// The settler's bounty: `min(settleBounty, reserve)`.
    bounty: U256,
}

impl Expected {
    /// The loss of `owed` against a vault with `cash` (its NAV during the settlement),
    /// `retention_wad`, the tranches' `assets` (no minimum balance, a 100% cap), a
    /// `reserve` and a `bounty` parameter.
    fn new(
        owed: U256,
        cash: U256,
        retention_wad: U256,
        assets: [U256; 2],
        (reserve, bounty): (U256, U256),
    ) -> Self {
        let retention = cash * retention_wad / WAD;
        let excess = owed.saturating_sub(retention);
        let junior = excess.min(assets[0]);
        let senior = (excess - junior).min(assets[1]);
        let covered = junior + senior;
        Self {
            owed,
            retention,
            absorbed: [junior, senior],
            residual: excess - covered,
            pulled: (owed - covered).min(cash),
            bounty: bounty.min(reserve),
        }
    }

    /// The fund's cover.
    fn covered(&self) -> U256 {
        self.absorbed[0] + self.absorbed[1]
    }

    /// `BoardSettled` of `board` at `round` and `price_wad`.
    fn settled(&self, board: u64, round: u64, price_wad: U256) -> M::BoardSettled {
        let covered = self.covered();
        let retained = self.pulled.min(self.retention.min(self.owed));
        M::BoardSettled {
            boardId: board,
            roundId: u(round),
            priceWad: price_wad,
            owed: self.owed,
            retained,
            covered,
            beyondCover: self.pulled - retained,
            haircut: self.owed - covered - self.pulled,
            bounty: self.bounty,
        }
    }
}

/// `floor(amount x (strike - price))` in token units: a put's payoff rounded down (both
/// WAD, the token 6 decimals).
fn put_payoff_down(amount: U256, strike_wad: U256, price_wad: U256) -> U256 {
    amount * strike_wad.saturating_sub(price_wad) * u(USDC) / WAD / WAD
}

/// The same rounded up (the board's obligation).
fn put_payoff_up(amount: U256, strike_wad: U256, price_wad: U256) -> U256 {
    div_up(amount * strike_wad.saturating_sub(price_wad) * u(USDC), WAD * WAD)
}

#[test]
fn a_fifty_percent_crash_settles_through_the_cover() {
    // 100,000 USDC in the vault, 10,000 junior and 30,000 senior; 30 puts at 1900 owe
    // 30 x 900 = 27,000 USDC after a crash to 1,000: beyond the 10% retention (about
    // 10,000), within the junior tranche plus part of the senior one.
    let mut c =
        Listed::with_pool(Config::with_market(2), usdc(100_000), usdc(10_000), usdc(30_000));
    let (vault, fund, market, token, carol) =
        (c.w.p.vault, c.w.p.insurance, c.m.at.market, c.w.p.usdc, c.w.carol);
    let trader = Address::repeat_byte(0x71);
    c.trader(trader, usdc(20_000));
    let put = c.strikes[1];
    let amount = wad(30);
    let (position, cost) = c.buy_puts(trader, put, amount);
    assert!(cost > U256::ZERO);
    c.assert_conserved();

    // ---- ten days on, spot still 2,000; then a 50% crash in one round.
    c.w.skip(10 * DAY);
    c.price(2000);
    let nav_before = c.w.vault_assets();
    let Valuation { cash, liability: liability_before, fresh, .. } = c.valuation();
    assert!(fresh);
    assert_eq!(nav_before, cash - liability_before);
    c.price(1000);
    let nav_crashed = c.w.vault_assets();
    let Valuation { cash: cash_crashed, liability, fresh, .. } = c.valuation();
    assert!(fresh, "the crash is marked fresh");
    assert_eq!(cash_crashed, cash, "no cash moves with the price");
    assert!(liability > liability_before && nav_crashed < nav_before, "the NAV falls");
    assert_eq!(nav_crashed, cash - liability);

    // ---- expiry, the first round after it at 1,000.
    let round = c.expire_at(1000);
    let Valuation { cash, liability, fresh, .. } = c.valuation();
    assert!(fresh);
    // Marked with one second to expiry: the intrinsic value discounted for one second at 5%
    // (30 x 1,900 x 5% / 365 days = 90 units), within one USDC of it.
    let intrinsic = put_payoff_down(amount, wad(1900), wad(1000));
    assert!(liability <= intrinsic && intrinsic - liability < usdc(1), "{liability}");
    // The NAV an LP sees now carries the loss; the settlement's retention is taken on the
    // NAV the vault reports once the board has left the book (its cash), which is higher.
    let nav_expired = c.w.vault_assets();
    assert_eq!(nav_expired, cash - liability);
    let before = [trader, vault, fund, market, carol].map(|a| c.w.token_balance(a));
    let assets = [c.w.tranche_assets(0), c.w.tranche_assets(1)];
    let reserve = c.w.view(market, &M::reserveCall { marketId: ETH })._0;
    let retention_wad = c.param(names::RETENTION);
    let bounty = c.param(names::SETTLE_BOUNTY);
    let owed = put_payoff_up(amount, wad(1900), wad(1000));
    let x = Expected::new(owed, cash, retention_wad, assets, (reserve, bounty));
    assert!(x.retention < owed, "the loss exceeds the retention");
    assert!(x.absorbed[0] == assets[0] && x.absorbed[1] > U256::ZERO, "junior then senior");
    assert!(x.residual.is_zero() && x.pulled == owed - x.covered());
    let retention_seen = nav_expired * retention_wad / WAD;
    assert!(x.retention > retention_seen);
    println!(
        "retention {} (on cash {cash}); on the NAV before settle {retention_seen}",
        x.retention
    );

    // ---- settle.
    let settle = M::settleCall { boardId: c.board, roundId: u(round) };
    let now = c.w.now();
    let (price, result) = c.w.ok(carol, market, &settle);
    println!(
        "crash settlement: gas {} (execution {}, intrinsic {})",
        result.gas_used, result.execution_gas, result.intrinsic_gas
    );
    assert_eq!(price._0, wad(1000));
    assert_fresh_nav(&result);
    let settled = x.settled(c.board, round, wad(1000));
    assert_eq!(event::<M::BoardSettled>(&result, market), settled);
    assert_eq!(settled.haircut, U256::ZERO);
    assert_eq!(settled.retained + settled.covered + settled.beyondCover, owed);
    let loss = F::LossCovered {
        lossId: u(1),
        kind: 1,
        marketId: ETH,
        requested: owed - x.retention,
        absorbed: x.absorbed.to_vec(),
        residual: U256::ZERO,
        timestamp: now,
    };
    assert_eq!(event::<F::LossCovered>(&result, fund), loss);
    let pulled = V::PayoutPulled { marketId: ETH, reason: 2, requested: x.pulled, paid: x.pulled };
    assert_has(&result, &log_of(vault, &pulled));
    for (from, to, value) in
        [(fund, market, x.covered()), (vault, market, x.pulled), (market, carol, x.bounty)]
    {
        assert_has(&result, &log_of(token, &T::Transfer { from, to, value }));
    }
    let after = [trader, vault, fund, market, carol].map(|a| c.w.token_balance(a));
    assert_eq!(after[0], before[0]);
    assert_eq!(after[1], before[1] - x.pulled);
    assert_eq!(after[2], before[2] - x.covered());
    assert_eq!(after[3], before[3] + owed - x.bounty);
    assert_eq!(after[4], before[4] + x.bounty);
    assert_eq!(c.w.tranche_assets(0), assets[0] - x.absorbed[0]);
    assert_eq!(c.w.tranche_assets(1), assets[1] - x.absorbed[1]);
    assert_eq!(c.w.view(market, &M::reserveCall { marketId: ETH })._0, reserve - x.bounty);
    let payout = c.w.view(market, &M::payoutCall { boardId: c.board });
    assert_eq!((payout._0, payout._1), (owed, owed));
    let Valuation { cash: cash_after, liability: liability_after, fresh, .. } = c.valuation();
    assert!(fresh);
    assert_eq!((cash_after, liability_after), (cash - x.pulled, U256::ZERO));
    assert_eq!(c.w.vault_assets(), cash - x.pulled);
    c.assert_conserved();

    // ---- claim: the trader gets exactly what the board owes.
    let claim = M::claimCall { positionIds: vec![position] };
    let (paid, result) = c.w.ok(carol, market, &claim);
    let payoff = put_payoff_down(amount, wad(1900), wad(1000));
    assert_eq!(payoff, owed, "a whole number of token units");
    assert_eq!(paid._0, payoff);
    let claimed = M::Claimed { positionId: position, owner: trader, payout: payoff };
    assert_eq!(result.logs[0], log_of(market, &claimed));
    assert_has(&result, &log_of(token, &T::Transfer { from: market, to: trader, value: payoff }));
    assert_eq!(c.w.token_balance(trader), after[0] + payoff);
    assert_eq!(c.w.token_balance(market), reserve - x.bounty, "the market keeps its reserve");
    c.assert_conserved();
}

#[test]
fn a_loss_beyond_cover_and_cash_is_a_recorded_haircut() {
    // A small pool (10,000 USDC) and fund (1,000 + 1,000), the pool's stress limit raised
    // to ten times its NAV and the utilization cap to 100% so that the puts fit; spot then
    // crashes 90%, to 200.
    let config = Config::with_market(2)
        .with(key("market.poolStressLimitWad"), wad(10))
        .with(key("market.maxUtilizationWad"), WAD);
    let mut c = Listed::with_pool(config, usdc(10_000), usdc(1_000), usdc(1_000));
    let (vault, fund, market, token, carol) =
        (c.w.p.vault, c.w.p.insurance, c.m.at.market, c.w.p.usdc, c.w.carol);
    let (ann, ben) = (Address::repeat_byte(0x71), Address::repeat_byte(0x72));
    c.trader(ann, usdc(100_000));
    c.trader(ben, usdc(100_000));
    let [high, low] = [c.strikes[0], c.strikes[1]];
    // Amounts with fractional payoffs, so that every rounding shows.
    let a_low = U256::from(40_123_456_789_000_000_000u128);
    let a_high = U256::from(5_555_555_555_555_555_555u128);
    let b_low = U256::from(3_300_000_000_000_000_001u128);
    let (ann_low, _) = c.buy_puts(ann, low, a_low);
    let (ann_high, _) = c.buy_puts(ann, high, a_high);
    let (ben_low, _) = c.buy_puts(ben, low, b_low);
    c.assert_conserved();

    let price = wad(200);
    let round = c.expire_at(200);
    let Valuation { cash, fresh, .. } = c.valuation();
    assert!(fresh);
    let before = [ann, ben, vault, fund, market, carol].map(|a| c.w.token_balance(a));
    let assets = [c.w.tranche_assets(0), c.w.tranche_assets(1)];
    let reserve = c.w.view(market, &M::reserveCall { marketId: ETH })._0;
    let retention_wad = c.param(names::RETENTION);
    let bounty = c.param(names::SETTLE_BOUNTY);
    // The board owes, per strike and side, the open amount's payoff rounded up.
    let owed =
        put_payoff_up(a_low + b_low, wad(1900), price) + put_payoff_up(a_high, wad(2100), price);
    let x = Expected::new(owed, cash, retention_wad, assets, (reserve, bounty));
    assert_eq!(x.absorbed, assets, "the fund is exhausted");
    assert!(x.residual > U256::ZERO);
    assert_eq!(x.pulled, cash, "the pool pays all its cash");

    // ---- settle: everything the pool and the fund have, the rest a haircut.
    let settle = M::settleCall { boardId: c.board, roundId: u(round) };
    let now = c.w.now();
    let (settled_at, result) = c.w.ok(carol, market, &settle);
    println!("haircut settlement: gas {}", result.gas_used);
    assert_eq!(settled_at._0, price);
    assert_fresh_nav(&result);
    let settled = x.settled(c.board, round, price);
    assert_eq!(event::<M::BoardSettled>(&result, market), settled);
    assert!(settled.haircut > U256::ZERO);
    assert_eq!(settled.retained, x.retention);
    let available = owed - settled.haircut;
    assert_eq!(available, x.covered() + cash);
    let loss = F::LossCovered {
        lossId: u(1),
        kind: 1,
        marketId: ETH,
        requested: owed - x.retention,
        absorbed: x.absorbed.to_vec(),
        residual: x.residual,
        timestamp: now,
    };
    assert_eq!(event::<F::LossCovered>(&result, fund), loss);
    let requested = owed - x.covered();
    let pulled = V::PayoutPulled { marketId: ETH, reason: 2, requested, paid: cash };
    assert_has(&result, &log_of(vault, &pulled));
    let after = [ann, ben, vault, fund, market, carol].map(|a| c.w.token_balance(a));
    assert_eq!((after[0], after[1]), (before[0], before[1]));
    assert_eq!(after[2], before[2] - cash);
    assert_eq!(after[3], before[3] - x.covered());
    assert_eq!(after[4], before[4] + available - x.bounty);
    assert_eq!(after[5], before[5] + x.bounty);
    assert_eq!([c.w.tranche_assets(0), c.w.tranche_assets(1)], [U256::ZERO; 2]);
    let payout = c.w.view(market, &M::payoutCall { boardId: c.board });
    assert_eq!((payout._0, payout._1), (owed, available));
    assert_eq!(c.w.vault_assets(), U256::ZERO, "the pool is empty");
    c.assert_conserved();

    // ---- claims: each payoff rounded down, times available / owed rounded down.
    let pro_rata = |payoff: U256| payoff * available / owed;
    let expected = [
        (ann_low, ann, pro_rata(put_payoff_down(a_low, wad(1900), price))),
        (ann_high, ann, pro_rata(put_payoff_down(a_high, wad(2100), price))),
        (ben_low, ben, pro_rata(put_payoff_down(b_low, wad(1900), price))),
    ];
    let claim = M::claimCall { positionIds: expected.iter().map(|e| e.0).collect() };
    let (paid, result) = c.w.ok(carol, market, &claim);
    let total = expected.iter().fold(U256::ZERO, |sum, e| sum + e.2);
    assert_eq!(paid._0, total);
    for (i, &(position, owner, payout)) in expected.iter().enumerate() {
        let claimed = M::Claimed { positionId: position, owner, payout };
        assert_eq!(result.logs[i], log_of(market, &claimed));
        assert_has(
            &result,
            &log_of(token, &T::Transfer { from: market, to: owner, value: payout }),
        );
    }
    assert_eq!(c.w.token_balance(ann), after[0] + expected[0].2 + expected[1].2);
    assert_eq!(c.w.token_balance(ben), after[1] + expected[2].2);
    // The dust of the rounding stays in the market beside its reserve: at most one unit
    // per position.
    let dust = available - total;
    println!("haircut {} of {owed}; dust {dust}", settled.haircut);
    assert!(dust <= u(3), "dust {dust}");
    assert_eq!(c.w.token_balance(market), reserve - x.bounty + dust);
    c.assert_conserved();
}
