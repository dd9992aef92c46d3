//! Traders' shorts as deployed: `ShortBook` and the stateless `MarginEngine` beside the
//! options market's four programs, the real `GovernanceParams`, `MutualVault` and
//! `InsuranceFund`, the test token and the test feeds, every key registered by
//! [`Config::with_market`] (`market.shortBook`, `market.marginEngine` and the five margin
//! parameters among them). Driven through ABI calls only (`abi/IShortBook.sol`,
//! `abi/IMarginEngine.sol`):
//!
//! - three writers sell puts to the pool: two with exactly the initial margin, found from
//!   the `ShortBookInsufficientMargin` revert of a first attempt without margin (asserted
//!   byte for byte, then checked against `accountHealth` and against `removeMargin` of one
//!   unit), the third with a wide margin; the vault values the options the pool now holds
//!   (the short book's `poolLiability` receivable) in its fresh mark;
//! - spot crashes 50% in one round, beyond the stress grid the margins were sized on (its
//!   spot-down point is tightened to 20% here, so that a written put at its initial margin
//!   owes more than its collateral); a bot pages through `liquidatable(cursor, limit)`,
//!   reads `accountHealth`, and liquidates: first an account topped up by a third party to
//!   one unit below maintenance (the bounty, the pool's liability, the penalty's rest to
//!   the reserve, the rest back to the writer), then an account whose collateral does not
//!   pay its liability (the trader-default waterfall: the short book's reserve, the
//!   fund's junior then senior tranche through `cover(kind 0)`, the pool's loss); every
//!   log of both transactions is asserted exactly, with the bot's, the writers', the
//!   vault's and the fund's balances, the vault's cash, the reserve, and the fund's loss
//!   record;
//! - the healthy writer's liquidation reverts with its exact `ShortBookHealthy` data and
//!   changes nothing; at the expiry `OptionsMarket.settle` fixes the price and
//!   `ShortBook.settleAccount` settles the writer (`ShortSettled`, `MarginRemoved`);
//! - malformed calldata against the short book reverts cleanly and changes nothing.
//!
//! Every expected figure comes from the views read just before each call (the quote, the
//! account's health, the governance values) and the documented formulas
//! (`mutual_risk::margin::liquidation_split`, the waterfall of docs/market.md "Shorts").
//! Each scenario ends with the token's conservation: its total supply is the sum of every
//! holder's balance, and the short book holds exactly its reserve once every account is
//! closed.

use alloy_primitives::{Address, B256, U256};
use alloy_sol_types::{SolCall, SolError};
use mutual_abi::{IGovernanceParams as G, IInsuranceFund as F, IMutualVault as V, ITestUsdc as T};
use mutual_localnet::protocol::{
    address_value, key, names, Config, IMarginEngine as E, IOptionBook as B, IOptionListings as L,
    IOptionsMarket as M, IShortBook as S, DAY, WAD,
};
use mutual_localnet::{CallResult, Log};

use crate::fixture::{assert_logs, event, log_of, pct, u, usdc, wad, Listed, Valuation, ETH};
use crate::malformed::{check, Case, Narrow};

/// A writer with exactly the initial margin, defaulting in the crash.
const WREN: Address = Address::repeat_byte(0x51);
/// A writer with exactly the initial margin, topped up before its liquidation.
const XAVI: Address = Address::repeat_byte(0x52);
/// A writer with a wide margin, healthy through the crash, settled at the expiry.
const YARA: Address = Address::repeat_byte(0x53);
/// The liquidation bot.
const BOT: Address = Address::repeat_byte(0xb7);

/// An account's health: `accountHealth`'s `(collateral, liability, initial, maintenance,
/// healthy)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Health {
    /// The collateral.
    collateral: U256,
    /// What buying its lines back costs at the mark.
    liability: U256,
    /// The initial margin.
    initial: U256,
    /// The maintenance margin.
    maintenance: U256,
    /// `collateral >= liability + maintenance`.
    healthy: bool,
}

/// The short book's steps on the listed market ([`Listed::with_pool`]).
impl Listed {
    /// Mints `amount` to `who`, approved to the short book, and gives it ether for gas-free
    /// value tests.
    fn writer(&mut self, who: Address, amount: U256) {
        let (token, book) = (self.w.p.usdc, self.m.at.short_book);
        self.w.mint(who, amount);
        self.w.ok(who, token, &T::approveCall { spender: book, value: U256::MAX });
        self.w.net.set_balance(who, WAD);
        if !self.holders.contains(&who) {
            self.holders.push(who);
        }
    }

    /// The margin engine's quote of a sale of `amount` puts of `strike` to the pool:
    /// `(premium, fees, volWad, baseIvAfterWad)`.
    fn quote_sale(&mut self, strike: u64, amount: U256) -> [U256; 4] {
        let call =
            E::quoteCall { strikeId: strike, isCall: false, isBuy: false, amount, checkMin: true };
        let q = self.w.view(self.m.at.margin_engine, &call);
        assert_eq!((q._0, q._5), (ETH, U256::ZERO), "the underlying; no longs written");
        [q._1, q._2, q._3, q._4]
    }

    /// `sellShort` of `amount` puts of `strike` with `margin`, at any proceeds, now.
    fn sale(&self, strike: u64, amount: U256, margin: U256) -> S::sellShortCall {
        S::sellShortCall {
            strikeId: strike,
            isCall: false,
            amount,
            minProceeds: U256::ZERO,
            deadline: self.w.now(),
            margin,
        }
    }

    /// The refusal of `who`'s sale of `amount` puts of `strike` without margin, sent once
    /// and undone: what the initial margin requires.
    fn margin_refusal(
        &mut self,
        who: Address,
        strike: u64,
        amount: U256,
    ) -> S::ShortBookInsufficientMargin {
        let (book, sale) = (self.m.at.short_book, self.sale(strike, amount, U256::ZERO));
        let snapshot = self.w.net.snapshot();
        let result = self.w.send(who, book, &sale);
        assert!(self.w.net.revert_to(snapshot));
        assert!(!result.success, "a sale without margin went through");
        match S::ShortBookInsufficientMargin::abi_decode(&result.output, true) {
            Ok(error) => error,
            Err(e) => panic!(
                "not ShortBookInsufficientMargin ({e}): 0x{}",
                alloy_primitives::hex::encode(&result.output)
            ),
        }
    }

    /// `who` sells `amount` puts of `strike` with exactly the initial margin (found from
    /// the refusal of a sale without margin); returns the refusal and the sale's result.
    fn sell_at_initial(
        &mut self,
        who: Address,
        strike: u64,
        amount: U256,
    ) -> (S::ShortBookInsufficientMargin, CallResult) {
        let refusal = self.margin_refusal(who, strike, amount);
        let sale = self.sale(strike, amount, refusal.required - refusal.collateral);
        let book = self.m.at.short_book;
        let (_, result) = self.w.ok(who, book, &sale);
        (refusal, result)
    }

    /// `accountHealth(who)`.
    fn health(&mut self, who: Address) -> Health {
        let h = self.w.view(self.m.at.short_book, &S::accountHealthCall { account: who });
        Health {
            collateral: h._0,
            liability: h._1,
            initial: h._2,
            maintenance: h._3,
            healthy: h._4,
        }
    }

    /// `liquidatable(cursor, limit)`.
    fn liquidatable(&mut self, cursor: u64, limit: u64) -> Vec<Address> {
        self.w.view(self.m.at.short_book, &S::liquidatableCall { cursor, limit })._0
    }

    /// `account(who)`: `(marketId, collateral, lineCount)`.
    fn account(&mut self, who: Address) -> (B256, U256, u64) {
        let a = self.w.view(self.m.at.short_book, &S::accountCall { account: who });
        (a._0, a._1, a._2)
    }

    /// `shorts(who, strike, puts)`: `(written by who, written in all)`.
    fn written(&mut self, who: Address, strike: u64) -> (U256, U256) {
        let call = S::shortsCall { account: who, strikeId: strike, isCall: false };
        let s = self.w.view(self.m.at.short_book, &call);
        (s._0, s._1)
    }

    /// The short book's reserve.
    fn reserve(&mut self) -> U256 {
        self.w.view(self.m.at.short_book, &S::bookCall {})._2
    }

    /// The token balances of `accounts`.
    fn balances_of<const N: usize>(&mut self, accounts: [Address; N]) -> [U256; N] {
        accounts.map(|a| self.w.token_balance(a))
    }
}

/// The token's `Transfer` log.
fn transfer(token: Address, from: Address, to: Address, value: U256) -> Log {
    log_of(token, &T::Transfer { from, to, value })
}

/// The vault's `PremiumNotified` log of `amount` for `reason` on ETH.
fn notified(vault: Address, reason: u8, amount: U256) -> Log {
    log_of(vault, &V::PremiumNotified { marketId: ETH, reason, amount })
}

/// How a liquidation divides `collateral` against `liability` (docs/market.md
/// "Liquidation"): `(bounty, toPool, toReserve, returned, shortfall)`, from the penalty
/// `ceil(liability x penaltyWad)`, the bounty `floor(penalty x shareWad)`, at least
/// `min_bounty`, at most the collateral.
fn split(
    collateral: U256,
    liability: U256,
    (penalty_wad, share_wad, min_bounty): (U256, U256, U256),
) -> [U256; 5] {
    let penalty = (liability * penalty_wad).div_ceil(WAD);
    let bounty = (penalty * share_wad / WAD).max(min_bounty).min(collateral);
    let left = collateral - bounty;
    let to_pool = liability.min(left);
    let to_reserve = penalty.saturating_sub(bounty).min(left - to_pool);
    [bounty, to_pool, to_reserve, left - to_pool - to_reserve, liability - to_pool]
}

#[test]
fn a_crash_liquidates_writers_through_the_default_waterfall_and_settles_the_rest() {
    // The stress grid's spot-down point at 20%: a put written at its initial margin does
    // not survive a 50% crash. 100,000 USDC in the vault, 1,000 junior, 2,000 senior.
    let config = Config::with_market(2).with(key("market.stressSpotDownWad"), pct(20));
    let mut s = Listed::with_pool(config, usdc(100_000), usdc(1_000), usdc(2_000));
    s.holders.push(BOT);
    let (gov, vault, fund, token, carol) =
        (s.w.p.governance, s.w.p.vault, s.w.p.insurance, s.w.p.usdc, s.w.carol);
    let (book, engine, market, listings) =
        (s.m.at.short_book, s.m.at.margin_engine, s.m.at.market, s.m.at.listings);
    let put = s.strikes[1];

    // ---- wiring: governance names both programs; the margin parameters are registered.
    for (name, account) in
        [(names::SHORT_BOOK, book), (names::MARGIN_ENGINE, engine), (names::MARKET, market)]
    {
        assert_eq!(s.w.view(gov, &G::getCall { key: key(name) })._0, address_value(account));
    }
    for (name, value) in [
        (names::INITIAL_MARGIN, pct(120)),
        (names::MAINTENANCE_MARGIN, pct(50)),
        (names::LIQUIDATION_PENALTY, pct(10)),
        (names::LIQUIDATOR_SHARE, pct(50)),
        (names::MIN_LIQUIDATION_BOUNTY, usdc(5)),
    ] {
        assert_eq!(s.param(name), value, "{name}");
    }
    let setup = s.w.view(book, &S::bookCall {});
    assert_eq!((setup._0, setup._1, setup._2, setup._3), (token, gov, U256::ZERO, 0));
    assert_eq!(s.w.view(engine, &E::governanceCall {})._0, gov);
    let Valuation { cash, receivable, fresh, .. } = s.valuation();
    assert_eq!((cash, receivable, fresh), (usdc(100_000), U256::ZERO, true));

    // ---- Wren writes 10 puts of 1900. Without margin the sale is refused with what the
    // initial margin requires: the proceeds are the collateral.
    let amount = wad(10);
    s.writer(WREN, usdc(10_000));
    let [premium, fees, vol, iv_after] = s.quote_sale(put, amount);
    let proceeds = premium - fees;
    assert!(fees > U256::ZERO && proceeds > usdc(1_000), "{premium} - {fees}");
    let refusal = s.margin_refusal(WREN, put, amount);
    assert_eq!((refusal.account, refusal.collateral), (WREN, proceeds));
    assert!(refusal.required > proceeds);
    s.w.expect_revert(WREN, book, &s.sale(put, amount, U256::ZERO), &refusal);
    let margin = refusal.required - proceeds;
    let before = s.balances_of([WREN, vault, book]);
    let cash = s.valuation().cash;
    let sale = S::sellShortCall { minProceeds: proceeds, ..s.sale(put, amount, margin) };
    let (paid, result) = s.w.ok(WREN, book, &sale);
    println!(
        "sale of 10 puts: proceeds {proceeds}, initial margin {margin}, gas {}",
        result.gas_used
    );
    assert_eq!(paid._0, proceeds);
    let opened = S::ShortOpened {
        account: WREN,
        strikeId: put,
        isCall: false,
        amount,
        premium,
        fees,
        margin,
        volWad: vol,
        baseIvAfterWad: iv_after,
    };
    let pulled = V::PayoutPulled { marketId: ETH, reason: 0, requested: proceeds, paid: proceeds };
    assert_logs(
        &result,
        &[
            log_of(book, &opened),
            transfer(token, WREN, book, margin),
            log_of(vault, &pulled),
            transfer(token, vault, book, proceeds),
        ],
    );
    assert!(result.frames.iter().all(|f| f.success), "a failed frame");
    assert!(iv_after < pct(80), "a sale to the pool moves the base IV down");
    assert_eq!(s.w.view(listings, &L::strikeInfoCall { strikeId: put })._5, iv_after);
    let after = s.balances_of([WREN, vault, book]);
    assert_eq!(after, [before[0] - margin, before[1] - proceeds, refusal.required]);
    assert_eq!(s.valuation().cash, cash - proceeds);
    // Exactly at the initial margin: the health the refusal foresaw, and not one unit to
    // spare.
    let h = s.health(WREN);
    assert_eq!(h.collateral, refusal.required);
    assert_eq!(h.liability + h.initial, refusal.required);
    assert!(h.healthy && h.maintenance < h.initial && h.liability > U256::ZERO);
    let remove = S::removeMarginCall { amount: u(1), to: WREN };
    let error = S::ShortBookInsufficientMargin {
        account: WREN,
        collateral: refusal.required - u(1),
        required: refusal.required,
    };
    s.w.expect_revert(WREN, book, &remove, &error);
    assert_eq!(s.account(WREN), (ETH, refusal.required, 1));
    assert_eq!(s.written(WREN, put), (amount, amount));

    // ---- Xavi writes 2 puts at exactly the initial margin; Yara 1 put with 2,000 USDC.
    s.writer(XAVI, usdc(10_000));
    let (xavi_refusal, _) = s.sell_at_initial(XAVI, put, wad(2));
    assert_eq!(s.health(XAVI).collateral, xavi_refusal.required);
    s.writer(YARA, usdc(10_000));
    let (_, result) = s.w.ok(YARA, book, &s.sale(put, WAD, usdc(2_000)));
    let yara_opened: S::ShortOpened = event(&result, book);
    assert_eq!((yara_opened.account, yara_opened.margin), (YARA, usdc(2_000)));
    let written = wad(13);
    assert_eq!(s.written(YARA, put), (WAD, written));
    assert_eq!(s.w.view(book, &S::bookCall {})._3, 3);

    // ---- The vault counts the options the pool holds against the shorts.
    let Valuation { cash, receivable, liability, fresh } = s.valuation();
    let held = s.w.view(book, &S::poolLiabilityCall {});
    assert_eq!((held._0, held._2), (U256::ZERO, s.w.now()));
    let options = s.w.view(s.m.at.book, &B::poolLiabilityCall {});
    assert_eq!((options._0, options._1), (U256::ZERO, U256::ZERO), "no longs");
    assert!(fresh && held._1 > U256::ZERO);
    assert_eq!((receivable, liability), (held._1, U256::ZERO));
    let lines = vec![u(2 * put), written];
    let engine_value = s.w.view(engine, &E::receivableCall { lines })._0;
    assert_eq!(engine_value, receivable);
    assert_eq!(s.w.vault_assets(), cash + receivable);
    s.assert_conserved();

    // ---- A day on, spot crashes 50% in one round: the pool's puts are worth more.
    s.w.skip(DAY);
    s.price(2000);
    let receivable_before = s.valuation().receivable;
    s.price(1000);
    let Valuation { cash, receivable, fresh, .. } = s.valuation();
    assert!(fresh && receivable > receivable_before, "{receivable} <= {receivable_before}");
    assert_eq!(s.w.vault_assets(), cash + receivable);

    // ---- The bot pages through the accounts: Wren and Xavi are below maintenance.
    assert_eq!(s.liquidatable(0, 10), vec![WREN, XAVI]);
    assert_eq!(s.liquidatable(0, 1), vec![WREN]);
    assert_eq!(s.liquidatable(1, 1), vec![XAVI]);
    assert_eq!(s.liquidatable(2, 5), Vec::<Address>::new());
    assert_eq!(s.liquidatable(3, u64::MAX), Vec::<Address>::new());
    let wren = s.health(WREN);
    assert!(!wren.healthy && wren.collateral < wren.liability, "{wren:?}");
    assert!(s.health(YARA).healthy);

    // ---- Carol tops Xavi up to one unit below maintenance (anyone may add margin).
    let x = s.health(XAVI);
    assert!(!x.healthy);
    let top_up = x.liability + x.maintenance - u(1) - x.collateral;
    s.w.mint(carol, top_up);
    s.w.ok(carol, token, &T::approveCall { spender: book, value: top_up });
    let add = S::addMarginCall { account: XAVI, amount: top_up };
    let (_, result) = s.w.ok(carol, book, &add);
    let added = S::MarginAdded { account: XAVI, from: carol, amount: top_up };
    assert_logs(&result, &[log_of(book, &added), transfer(token, carol, book, top_up)]);
    let x = s.health(XAVI);
    assert_eq!(x.collateral, x.liability + x.maintenance - u(1));
    assert!(!x.healthy);
    assert_eq!(s.liquidatable(0, 10), vec![WREN, XAVI]);

    // ---- The bot liquidates Xavi: no shortfall; the penalty's rest to the reserve.
    let terms = (
        s.param(names::LIQUIDATION_PENALTY),
        s.param(names::LIQUIDATOR_SHARE),
        s.param(names::MIN_LIQUIDATION_BOUNTY),
    );
    let [bounty, to_pool, to_reserve, returned, shortfall] =
        split(x.collateral, x.liability, terms);
    assert!(shortfall.is_zero() && to_reserve > U256::ZERO && returned > U256::ZERO);
    let before = s.balances_of([BOT, XAVI, vault, book]);
    let cash = s.valuation().cash;
    let (got, result) = s.w.ok(BOT, book, &S::liquidateCall { account: XAVI });
    println!("liquidation of Xavi: {x:?}, bounty {bounty}, reserve {to_reserve}, returned {returned}, gas {}", result.gas_used);
    assert_eq!(got._0, bounty);
    let liquidated = S::Liquidated {
        account: XAVI,
        liquidator: BOT,
        liability: x.liability,
        bounty,
        toPool: to_pool,
        toReserve: to_reserve,
        returned,
        shortfall,
    };
    assert_logs(
        &result,
        &[
            log_of(book, &liquidated),
            transfer(token, book, vault, to_pool),
            notified(vault, 2, to_pool),
            transfer(token, book, BOT, bounty),
            transfer(token, book, XAVI, returned),
        ],
    );
    let after = s.balances_of([BOT, XAVI, vault, book]);
    assert_eq!(after[0], before[0] + bounty);
    assert_eq!(after[1], before[1] + returned);
    assert_eq!(after[2], before[2] + to_pool);
    assert_eq!(after[3], before[3] - x.collateral + to_reserve);
    assert_eq!(s.valuation().cash, cash + to_pool);
    assert_eq!(s.reserve(), to_reserve);
    assert_eq!(s.account(XAVI), (B256::ZERO, U256::ZERO, 0));
    assert_eq!(s.written(XAVI, put), (U256::ZERO, written - wad(2)));
    assert_eq!(s.liquidatable(0, 10), vec![WREN]);

    // ---- The bot liquidates Wren: the collateral does not pay the liability. The bounty
    // first, the pool the rest; the shortfall from the reserve, then junior, senior, and
    // the pool's loss.
    let wren = s.health(WREN);
    let [bounty, to_pool, to_reserve, returned, shortfall] =
        split(wren.collateral, wren.liability, terms);
    assert_eq!((to_reserve, returned), (U256::ZERO, U256::ZERO));
    assert_eq!(to_pool, wren.collateral - bounty);
    let reserve = s.reserve();
    let tranches = [s.w.tranche_assets(0), s.w.tranche_assets(1)];
    let from_reserve = reserve.min(shortfall);
    let rest = shortfall - from_reserve;
    let junior = rest.min(tranches[0]);
    let senior = (rest - junior).min(tranches[1]);
    let covered = junior + senior;
    let pool_loss = rest - covered;
    assert!(from_reserve == reserve && junior == tranches[0] && senior == tranches[1]);
    assert!(pool_loss > U256::ZERO, "every layer is reached");
    let before = s.balances_of([BOT, WREN, vault, book, fund]);
    let cash = s.valuation().cash;
    let now = s.w.now();
    let nav = s.w.vault_assets();
    let (got, result) = s.w.ok(BOT, book, &S::liquidateCall { account: WREN });
    println!(
        "liquidation of Wren: {wren:?}, bounty {bounty}, shortfall {shortfall} (reserve \
         {from_reserve}, fund {covered}, pool {pool_loss}), gas {}",
        result.gas_used,
    );
    assert_eq!(got._0, bounty);
    // The pool bears its loss (less the receivable's rounding, a few units).
    let drop = nav - s.w.vault_assets();
    assert!(drop <= pool_loss && pool_loss - drop < u(10), "{drop} for {pool_loss}");
    let liquidated = S::Liquidated {
        account: WREN,
        liquidator: BOT,
        liability: wren.liability,
        bounty,
        toPool: to_pool,
        toReserve: U256::ZERO,
        returned: U256::ZERO,
        shortfall,
    };
    let loss = F::LossCovered {
        lossId: u(1),
        kind: 0,
        marketId: ETH,
        requested: rest,
        absorbed: vec![junior, senior],
        residual: pool_loss,
        timestamp: now,
    };
    let recovered = from_reserve + covered;
    let default = S::TraderDefault {
        account: WREN,
        marketId: ETH,
        shortfall,
        fromReserve: from_reserve,
        covered,
        poolLoss: pool_loss,
    };
    assert_logs(
        &result,
        &[
            log_of(book, &liquidated),
            transfer(token, book, vault, to_pool),
            notified(vault, 2, to_pool),
            log_of(fund, &loss),
            transfer(token, fund, book, covered),
            transfer(token, book, vault, recovered),
            notified(vault, 3, recovered),
            log_of(book, &default),
            transfer(token, book, BOT, bounty),
        ],
    );
    let after = s.balances_of([BOT, WREN, vault, book, fund]);
    assert_eq!(after[0], before[0] + bounty);
    assert_eq!(after[1], before[1], "nothing comes back to a defaulting writer");
    assert_eq!(after[2], before[2] + to_pool + recovered);
    assert_eq!(after[3], before[3] - wren.collateral - from_reserve);
    assert_eq!(after[4], before[4] - covered);
    assert_eq!(s.valuation().cash, cash + to_pool + recovered);
    assert_eq!(s.reserve(), U256::ZERO);
    assert_eq!([s.w.tranche_assets(0), s.w.tranche_assets(1)], [U256::ZERO; 2]);
    assert_eq!(s.w.view(fund, &F::lossCountCall {})._0, u(1));
    let record = s.w.view(fund, &F::lossRecordCall { lossId: u(1) });
    assert_eq!(
        (record._0, record._1, record._2, record._3, record._4),
        (0, ETH, rest, pool_loss, now)
    );
    assert_eq!(s.w.view(fund, &F::lossAbsorbedCall { lossId: u(1) })._0, vec![junior, senior]);
    assert_eq!(s.account(WREN), (B256::ZERO, U256::ZERO, 0));
    assert_eq!(s.written(WREN, put), (U256::ZERO, WAD));
    assert_eq!(s.liquidatable(0, 10), Vec::<Address>::new());
    s.assert_conserved();

    // ---- Yara is healthy: her liquidation is refused with her numbers; nobody's account
    // writing nothing is liquidatable either.
    let yara = s.health(YARA);
    assert!(yara.healthy);
    let healthy = S::ShortBookHealthy {
        account: YARA,
        collateral: yara.collateral,
        requirement: yara.liability + yara.maintenance,
    };
    s.w.expect_revert(BOT, book, &S::liquidateCall { account: YARA }, &healthy);
    let nobody =
        S::ShortBookHealthy { account: carol, collateral: U256::ZERO, requirement: U256::ZERO };
    s.w.expect_revert(BOT, book, &S::liquidateCall { account: carol }, &nobody);

    // ---- Expiry: nothing to settle until the market fixes the price.
    let settle_yara = S::settleAccountCall { account: YARA };
    let nothing = S::ShortBookNothingToSettle { account: YARA };
    s.w.expect_revert(carol, book, &settle_yara, &nothing);
    let round = s.expire_at(1000);
    let settle = M::settleCall { boardId: s.board, roundId: u(round) };
    let (price, result) = s.w.ok(carol, market, &settle);
    assert_eq!(price._0, wad(1000));
    assert!(result.frames.iter().all(|f| f.success), "a failed frame");
    // The vault counts what Yara owes, less one unit, until she is settled.
    let owed = usdc(900);
    let Valuation { cash, receivable, fresh, .. } = s.valuation();
    assert!(fresh);
    assert_eq!(receivable, owed - u(1));

    // ---- Anyone settles Yara: 1 put owes 900 USDC; the rest of her collateral is hers.
    let released = yara.collateral - owed;
    let before = s.balances_of([YARA, vault, book, carol]);
    let (paid, result) = s.w.ok(carol, book, &settle_yara);
    assert_eq!(paid._0, owed);
    let settled = S::ShortSettled {
        account: YARA,
        strikeId: put,
        isCall: false,
        amount: WAD,
        owed,
        paid: owed,
    };
    let removed = S::MarginRemoved { account: YARA, to: YARA, amount: released };
    assert_logs(
        &result,
        &[
            log_of(book, &settled),
            log_of(book, &removed),
            transfer(token, book, vault, owed),
            notified(vault, 2, owed),
            transfer(token, book, YARA, released),
        ],
    );
    let after = s.balances_of([YARA, vault, book, carol]);
    assert_eq!(
        after,
        [before[0] + released, before[1] + owed, before[2] - yara.collateral, before[3]]
    );
    let Valuation { cash: cash_after, receivable, fresh, .. } = s.valuation();
    assert!(fresh);
    assert_eq!((cash_after, receivable), (cash + owed, U256::ZERO));
    assert_eq!(s.account(YARA), (B256::ZERO, U256::ZERO, 0));
    assert_eq!(s.written(YARA, put), (U256::ZERO, U256::ZERO));
    s.w.expect_revert(carol, book, &settle_yara, &nothing);
    // Every account closed: the short book holds exactly its reserve (nothing left).
    assert_eq!(s.w.token_balance(book), s.reserve());
    s.assert_conserved();
}

#[test]
fn malformed_calldata_against_the_short_book_reverts_cleanly() {
    let mut s = Listed::with_pool(Config::with_market(2), usdc(100_000), usdc(1_000), usdc(1_000));
    let (book, carol) = (s.m.at.short_book, s.w.carol);
    let put = s.strikes[1];
    s.writer(YARA, usdc(10_000));
    s.w.ok(YARA, book, &s.sale(put, WAD, usdc(2_000)));
    let cases = [
        Case {
            name: "short book addMargin(account, amount)",
            from: YARA,
            to: book,
            calldata: S::addMarginCall { account: YARA, amount: usdc(1) }.abi_encode(),
            narrow: Some(Narrow::Address(0)),
        },
        Case {
            name: "short book removeMargin(amount, to)",
            from: YARA,
            to: book,
            calldata: S::removeMarginCall { amount: usdc(1), to: carol }.abi_encode(),
            narrow: Some(Narrow::Address(1)),
        },
        Case {
            name: "short book accountHealth(account)",
            from: carol,
            to: book,
            calldata: S::accountHealthCall { account: YARA }.abi_encode(),
            narrow: Some(Narrow::Address(0)),
        },
        Case {
            name: "short book sellShort(...)",
            from: YARA,
            to: book,
            calldata: s.sale(put, WAD, usdc(1_000)).abi_encode(),
            narrow: None,
        },
        Case {
            name: "short book liquidatable(cursor, limit)",
            from: carol,
            to: book,
            calldata: S::liquidatableCall { cursor: 0, limit: 10 }.abi_encode(),
            narrow: None,
        },
    ];
    for case in &cases {
        check(&mut s.w, case);
    }
}
