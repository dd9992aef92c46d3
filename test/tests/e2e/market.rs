//! The options market as deployed: `RiskEngine`, `OptionListings`, `OptionBook` and
//! `OptionsMarket` beside the real `GovernanceParams`, `MutualVault` and `InsuranceFund`,
//! the test token and two test feeds (`crates/aggregator-program`: ETH/USD with 8 decimals,
//! and the sequencer's uptime), every key the programs read registered by
//! [`Config::with_market`]. Driven through ABI calls only: listings, an LP's deposit and a
//! stake, `quote`, a call and a put bought, part of the call sold back, the board settled
//! past its expiry at the first round after it, the positions claimed; with the exact
//! revert data of a late trade, a stale oracle, a settlement round that is not the first
//! and a second claim.
//!
//! The market reads the vault's `totalAssets` in the middle of `buy` and `settle`; the
//! vault values the pool with the views of the book (`market.book`), not the market's, so
//! no frame of those transactions is refused for reentry and the vault never falls back to
//! its buffered stale mark (no `StaleMark`). The book's `quote` of a purchase does not read
//! the vault's NAV (the vault would read the book while the book is on the stack, and be
//! refused): it values the pool itself, the vault's cash minus the book's liability, so a
//! quote on a book that already holds options charges exactly what the purchase does.

use alloy_primitives::{aliases::U80, Address, I256, U256};
use alloy_sol_types::{SolCall, SolEvent};
use mutual_abi::{IGovernanceParams as G, IMutualVault as V, ITestUsdc as T};
use mutual_localnet::protocol::{
    address_value, key, names, set_round_call, usd_answer, Config, IOptionBook as B,
    IOptionListings as L, IOptionsMarket as M, ITestAggregator as A, TREASURY, WAD,
};
use mutual_localnet::{CallResult, Log};

use crate::fixture::{event, log_of, pct, u, usdc, wad, Listed, ETH};

/// The spot feed's heartbeat as listed: 1 hour.
const HEARTBEAT: u64 = 3600;
/// The trader.
const TRADER: Address = Address::repeat_byte(0x71);

/// The market's steps on the listed market ([`Listed::new`] with [`Config::with_market`]).
impl Listed {
    /// Deploys everything, lists ETH at 2,000 USD (a 30-day board at 80% IV), has Alice
    /// deposit 100,000 USDC in the vault and Bob stake 20,000 in the junior tranche, and
    /// gives [`TRADER`] 10,000 USDC approved to the market.
    fn with_trader() -> Self {
        let mut l = Self::new(Config::with_market(2));
        let (vault, alice, bob) = (l.w.p.vault, l.w.alice, l.w.bob);
        l.w.fund_lp(alice, usdc(100_000));
        l.w.ok(alice, vault, &V::depositCall { assets: usdc(100_000), receiver: alice });
        l.w.stake(bob, 0, usdc(20_000));
        l.w.mint(TRADER, usdc(10_000));
        let (token, market) = (l.w.p.usdc, l.m.at.market);
        l.w.ok(TRADER, token, &T::approveCall { spender: market, value: U256::MAX });
        l
    }

    /// The token balances of the trader, the vault, the fund, the market, the treasury.
    fn balances(&mut self) -> [U256; 5] {
        let (vault, fund, market) = (self.w.p.vault, self.w.p.insurance, self.m.at.market);
        [TRADER, vault, fund, market, TREASURY].map(|a| self.w.token_balance(a))
    }

    /// The book's `quote`: `(premium, fees, volWad)`.
    fn quote(&mut self, strike: u64, is_call: bool, amount: U256, is_buy: bool) -> [U256; 3] {
        let call = B::quoteCall { strikeId: strike, isCall: is_call, amount, isBuy: is_buy };
        let book = self.m.at.book;
        let q = self.w.view(book, &call);
        [q._0, q._1, q._2]
    }

    /// The board's base IV now (from `strikeInfo` of its first strike).
    fn base_iv(&mut self) -> U256 {
        let (listings, strike) = (self.m.at.listings, self.strikes[0]);
        self.w.view(listings, &L::strikeInfoCall { strikeId: strike })._5
    }
}

/// Asserts that the vault never valued the pool without a fresh mark in `result`, and
/// that no frame was refused (a reentrant read reverts its frame).
fn assert_fresh_nav(result: &CallResult, vault: Address, book: Address) {
    let stale = V::StaleMark::SIGNATURE_HASH;
    assert!(
        !result.logs.iter().any(|log| log.topics.first() == Some(&stale)),
        "a StaleMark log: {:#?}",
        result.logs
    );
    assert!(
        result.frames.iter().all(|f| f.success),
        "a failed frame: {:#?}",
        result.frames.iter().filter(|f| !f.success).collect::<Vec<_>>()
    );
    assert!(
        result.frames.iter().any(|f| f.caller == vault && f.address == book),
        "the vault did not read the book's views"
    );
}

/// `log` is among the logs of `result`.
fn assert_has(result: &CallResult, log: &Log) {
    assert!(result.logs.contains(log), "missing {log:#?} in {:#?}", result.logs);
}

#[test]
fn the_market_is_wired_through_governance() {
    let mut mk = Listed::with_trader();
    let gov = mk.w.p.governance;
    let at = mk.m.at;
    for (name, account) in [
        (names::MARKET, at.market),
        (names::BOOK, at.book),
        (names::LISTINGS, at.listings),
        (names::RISK_ENGINE, at.risk_engine),
        (names::SEQUENCER_FEED, at.sequencer_feed),
        (names::VAULT, mk.w.p.vault),
        (names::INSURANCE, mk.w.p.insurance),
        (names::TREASURY, TREASURY),
        (names::LISTER, mk.w.p.admin),
    ] {
        assert_eq!(mk.w.view(gov, &G::getCall { key: key(name) })._0, address_value(account));
    }
    assert_eq!(mk.w.view(at.market, &M::assetCall {})._0, mk.w.p.usdc);
    assert_eq!(mk.w.view(at.listings, &L::governanceCall {})._0, gov);
    assert_eq!(mk.w.view(at.listings, &L::marketIdsCall {})._0, vec![ETH]);
    // The getters return static tuples or a single array, so they decode with the
    // published interface (stylus-sdk 0.9 mis-encodes a returned tuple holding an array).
    let listed = mk.w.view(at.listings, &L::marketCall { marketId: ETH });
    assert_eq!((listed._0, listed._1, listed._2, listed._3), (at.spot_feed, 8, HEARTBEAT, 1));
    assert_eq!(mk.w.view(at.listings, &L::liveBoardsCall { marketId: ETH })._0, vec![mk.board]);
    let board = mk.w.view(at.listings, &L::boardCall { boardId: mk.board });
    assert_eq!(
        (board._0, board._1, board._2, board._3, board._4, board._5),
        (ETH, mk.expiry, pct(80), 2, false, U256::ZERO)
    );
    let strikes = mk.w.view(at.listings, &L::boardStrikesCall { boardId: mk.board })._0;
    assert_eq!(strikes, mk.strikes);
    assert_eq!(mk.strikes, vec![1, 2]);

    // The feed program answers as Chainlink does.
    let feed = at.spot_feed;
    assert_eq!(mk.w.view(feed, &A::decimalsCall {})._0, 8);
    assert_eq!(mk.w.view(feed, &A::ownerCall {})._0, mk.m.feed_owner);
    let latest = mk.w.view(feed, &A::latestRoundDataCall {});
    assert_eq!(latest.answer, usd_answer(2000));
    assert_eq!(latest.updatedAt, u(mk.w.now()));
    let unknown = A::getRoundDataCall { roundId: U80::from(9) };
    let no_data = A::Error { message: "No data present".into() };
    let trader = TRADER;
    mk.w.expect_revert(trader, feed, &unknown, &no_data);
    let set = set_round_call(2, I256::ONE, 0);
    mk.w.expect_revert(trader, feed, &set, &A::AggregatorUnauthorizedAccount { account: trader });
    let owner = mk.m.feed_owner;
    let zero = set_round_call(0, I256::ONE, 0);
    mk.w.expect_revert(owner, feed, &zero, &A::AggregatorInvalidRound { roundId: U80::ZERO });
}

#[test]
fn buy_sell_settle_and_claim_through_the_abi() {
    let mut mk = Listed::with_trader();
    let (vault, fund, book, market, token) =
        (mk.w.p.vault, mk.w.p.insurance, mk.m.at.book, mk.m.at.market, mk.w.p.usdc);
    let (trader, carol) = (TRADER, mk.w.carol);
    let [call_strike, put_strike] = [mk.strikes[0], mk.strikes[1]];

    // ---- quote, then buy 1 call of 2100 at exactly the quoted cost.
    let [premium, fees, vol] = mk.quote(call_strike, true, WAD, true);
    assert!(premium > U256::ZERO && fees > U256::ZERO, "quote {premium} + {fees}");
    let before = mk.balances();
    let now = mk.w.now();
    let buy = M::buyCall {
        strikeId: call_strike,
        isCall: true,
        amount: WAD,
        maxCost: premium + fees,
        deadline: now,
    };
    let (position, result) = mk.w.ok(trader, market, &buy);
    assert_eq!(position._0, 1);
    assert_fresh_nav(&result, vault, book);
    let base_iv = mk.base_iv();
    assert!(base_iv > pct(80), "a purchase raises the base IV");
    let trade = M::Trade {
        trader,
        strikeId: call_strike,
        positionId: 1,
        isCall: true,
        isBuy: true,
        amount: WAD,
        premium,
        fees,
        volWad: vol,
        baseIvAfterWad: base_iv,
    };
    assert_eq!(result.logs[0], log_of(market, &trade));
    let split: M::FeesSplit = event(&result, market);
    assert_eq!(split.marketId, ETH);
    assert_eq!(split.toVault + split.toInsurance + split.toReserve + split.toTreasury, fees);
    assert!(split.toInsurance > U256::ZERO && split.toReserve > U256::ZERO);
    assert_eq!(result.logs[1], log_of(market, &split));
    for (to, value) in [
        (vault, premium + split.toVault),
        (fund, split.toInsurance),
        (market, split.toReserve),
        (TREASURY, split.toTreasury),
    ] {
        assert_has(&result, &log_of(token, &T::Transfer { from: trader, to, value }));
    }
    for (reason, amount) in [(0u8, premium), (1, split.toVault)] {
        let notified = V::PremiumNotified { marketId: ETH, reason, amount };
        assert_has(&result, &log_of(vault, &notified));
    }
    let after = mk.balances();
    assert_eq!(after[0], before[0] - premium - fees);
    assert_eq!(after[1], before[1] + premium + split.toVault);
    assert_eq!(after[2], before[2] + split.toInsurance);
    assert_eq!(after[3], before[3] + split.toReserve);
    assert_eq!(after[4], before[4] + split.toTreasury);
    let mut reserve = split.toReserve;
    assert_eq!(mk.w.view(market, &M::reserveCall { marketId: ETH })._0, reserve);
    let held = mk.w.view(market, &M::positionCall { positionId: 1 });
    assert_eq!(
        (held._0, held._1, held._2, held._3, held._4),
        (trader, call_strike, true, WAD, false)
    );
    // The vault values the written call at once: the book's fresh mark.
    let valuation = mk.w.view(vault, &V::valuationCall {});
    assert!(valuation._2 > U256::ZERO && valuation._5, "a fresh liability");

    // ---- a put of 1900: 2 units, the same checks.
    mk.w.skip(60);
    mk.price(2000);
    let [put_premium, put_fees, put_vol] = mk.quote(put_strike, false, wad(2), true);
    let before = mk.balances();
    let now = mk.w.now();
    let buy = M::buyCall {
        strikeId: put_strike,
        isCall: false,
        amount: wad(2),
        maxCost: U256::MAX,
        deadline: now,
    };
    let (position, result) = mk.w.ok(trader, market, &buy);
    assert_eq!(position._0, 2);
    assert_fresh_nav(&result, vault, book);
    let traded: M::Trade = event(&result, market);
    assert_eq!((traded.premium, traded.volWad), (put_premium, put_vol));
    // The quote on a book that already holds the call charged exactly the trade's fees:
    // the book valued the pool itself (the vault's cash minus its liability). Inside the
    // quote, the vault's `valuation()` still tries the book for its mark and is refused
    // for reentry (the only refused frame), but the quote reads only its cash, which
    // comes from no other program.
    assert_eq!(put_fees, traded.fees);
    let quote = B::quoteCall { strikeId: put_strike, isCall: false, amount: wad(2), isBuy: true };
    let quoted = mk.w.net.static_call(carol, book, &quote.abi_encode());
    assert!(quoted.success);
    let refused: Vec<_> = quoted.frames.iter().filter(|f| !f.success).collect();
    assert!(refused.iter().all(|f| f.caller == vault && f.address == book), "{refused:?}");
    let put_cost = traded.premium + traded.fees;
    let split: M::FeesSplit = event(&result, market);
    assert_eq!(split.toVault + split.toInsurance + split.toReserve + split.toTreasury, traded.fees);
    let after = mk.balances();
    assert_eq!(after[0], before[0] - put_cost);
    assert_eq!(after[1], before[1] + traded.premium + split.toVault);
    assert_eq!(after[2], before[2] + split.toInsurance);
    assert_eq!(after[3], before[3] + split.toReserve);
    assert_eq!(after[4], before[4] + split.toTreasury);
    reserve += split.toReserve;

    // ---- sell 0.4 of the call back at exactly the quoted proceeds.
    let amount = pct(40);
    let [premium, fees, vol] = mk.quote(call_strike, true, amount, false);
    let before = mk.balances();
    let now = mk.w.now();
    let sell = M::sellCall {
        strikeId: call_strike,
        isCall: true,
        amount,
        minProceeds: premium - fees,
        deadline: now,
    };
    let (proceeds, result) = mk.w.ok(trader, market, &sell);
    assert_eq!(proceeds._0, premium - fees);
    let base_iv = mk.base_iv();
    let trade = M::Trade {
        trader,
        strikeId: call_strike,
        positionId: 1,
        isCall: true,
        isBuy: false,
        amount,
        premium,
        fees,
        volWad: vol,
        baseIvAfterWad: base_iv,
    };
    assert_eq!(result.logs[0], log_of(market, &trade));
    let split: M::FeesSplit = event(&result, market);
    assert_eq!(split.toVault + split.toInsurance + split.toReserve + split.toTreasury, fees);
    let pulled = V::PayoutPulled {
        marketId: ETH,
        reason: 0,
        requested: premium - split.toVault,
        paid: premium - split.toVault,
    };
    assert_has(&result, &log_of(vault, &pulled));
    assert_has(
        &result,
        &log_of(token, &T::Transfer { from: market, to: trader, value: premium - fees }),
    );
    let after = mk.balances();
    assert_eq!(after[0], before[0] + premium - fees);
    assert_eq!(after[1], before[1] - (premium - split.toVault));
    assert_eq!(after[2], before[2] + split.toInsurance);
    assert_eq!(after[3], before[3] + split.toReserve);
    assert_eq!(after[4], before[4] + split.toTreasury);
    reserve += split.toReserve;
    assert_eq!(mk.w.view(market, &M::reserveCall { marketId: ETH })._0, reserve);
    let held = mk.w.view(market, &M::positionCall { positionId: 1 });
    assert_eq!(held._3, WAD - amount);

    // ---- refusals: a late trade, a stale price.
    let now = mk.w.now();
    let late = M::buyCall {
        strikeId: call_strike,
        isCall: true,
        amount: WAD,
        maxCost: U256::MAX,
        deadline: now - 1,
    };
    let error = M::MarketDeadlinePassed { deadline: now - 1, now };
    mk.w.expect_revert(trader, market, &late, &error);
    // A price exactly a heartbeat old still quotes (the listings refuse `now - updatedAt >
    // heartbeat`); one second more and trades stop.
    let updated = mk.w.now();
    mk.w.skip(HEARTBEAT);
    let quoted = mk.quote(call_strike, true, WAD, false);
    assert!(quoted[0] > U256::ZERO);
    mk.w.skip(1);
    let now = mk.w.now();
    let stale = M::buyCall { deadline: now, ..late.clone() };
    let error =
        M::MarketStalePrice { marketId: ETH, updatedAt: u(updated), heartbeat: HEARTBEAT, now };
    mk.w.expect_revert(trader, market, &stale, &error);
    // Settlement waits for the expiry, whatever the price.
    mk.price(2000);
    let too_early = M::settleCall { boardId: mk.board, roundId: u(mk.round) };
    let error = M::MarketNotExpired { boardId: mk.board, expiry: mk.expiry, now };
    mk.w.expect_revert(carol, market, &too_early, &error);

    // ---- expiry: a last round before it, the first round after it at 2,200, and a later
    // one, which is not the settlement round (its predecessor is already past the expiry).
    let last_before = mk.expiry - 100;
    mk.w.net.warp(last_before);
    mk.price(2300);
    mk.w.net.warp(mk.expiry + 60);
    mk.price(2200);
    let settle_round = mk.round;
    mk.w.net.warp(mk.expiry + 120);
    mk.price(2250);
    let wrong = M::settleCall { boardId: mk.board, roundId: u(mk.round) };
    let error = M::MarketInvalidSettlementRound {
        boardId: mk.board,
        roundId: u(mk.round),
        updatedAt: u(mk.expiry + 120),
        previousUpdatedAt: u(mk.expiry + 60),
    };
    mk.w.expect_revert(carol, market, &wrong, &error);

    // ---- settle: 0.6 calls in the money by 100 owe 60 USDC; the puts nothing.
    let before = mk.balances();
    let carol_before = mk.w.token_balance(carol);
    let settle = M::settleCall { boardId: mk.board, roundId: u(settle_round) };
    let (price, result) = mk.w.ok(carol, market, &settle);
    assert_eq!(price._0, wad(2200));
    assert_fresh_nav(&result, vault, book);
    let owed = usdc(60);
    let bounty = usdc(5).min(reserve);
    let settled = M::BoardSettled {
        boardId: mk.board,
        roundId: u(settle_round),
        priceWad: wad(2200),
        owed,
        retained: owed,
        covered: U256::ZERO,
        beyondCover: U256::ZERO,
        haircut: U256::ZERO,
        bounty,
    };
    assert_has(&result, &log_of(market, &settled));
    let pulled = V::PayoutPulled { marketId: ETH, reason: 2, requested: owed, paid: owed };
    assert_has(&result, &log_of(vault, &pulled));
    let after = mk.balances();
    assert_eq!(after[1], before[1] - owed);
    assert_eq!(after[3], before[3] + owed - bounty);
    assert_eq!(mk.w.token_balance(carol), carol_before + bounty);
    let payout = mk.w.view(market, &M::payoutCall { boardId: mk.board });
    assert_eq!((payout._0, payout._1), (owed, owed));
    let again = M::MarketAlreadySettled { boardId: mk.board };
    mk.w.expect_revert(carol, market, &settle, &again);

    // ---- claim both positions (anyone may): 60 USDC for the call, nothing for the put.
    let claim = M::claimCall { positionIds: vec![1, 2] };
    let (paid, result) = mk.w.ok(carol, market, &claim);
    assert_eq!(paid._0, owed);
    let claimed = M::Claimed { positionId: 1, owner: trader, payout: owed };
    assert_eq!(result.logs[0], log_of(market, &claimed));
    let claimed = M::Claimed { positionId: 2, owner: trader, payout: U256::ZERO };
    assert_eq!(result.logs[1], log_of(market, &claimed));
    assert_has(&result, &log_of(token, &T::Transfer { from: market, to: trader, value: owed }));
    assert_eq!(mk.w.token_balance(trader), after[0] + owed);
    let twice = M::claimCall { positionIds: vec![1] };
    mk.w.expect_revert(carol, market, &twice, &M::MarketAlreadyClaimed { positionId: 1 });
    let duplicate = M::claimCall { positionIds: vec![2, 2] };
    mk.w.expect_revert(carol, market, &duplicate, &M::MarketAlreadyClaimed { positionId: 2 });

    // The vault paid the settlement from its cash; the board settled, nothing is written.
    let valuation = mk.w.view(vault, &V::valuationCall {});
    assert_eq!(valuation._2, U256::ZERO, "no liability left");
}
