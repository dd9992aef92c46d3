//! The protocol section of the gas report: Mutual's programs deployed from their artifacts
//! ([`mutual_localnet::protocol`]), their sizes, and the gas and ink of each user
//! operation, run in sequence from one realistic state (stakes in both tranches, LPs in
//! the vault, the market registered). The market has no program yet: its address is an
//! account that sends the market's calls, and [`MarketStandIn`] answers the views the vault
//! and the fund read (a marked book, a locked collateral, an open tenor), at no gas of its
//! own. Then the market's rows: a second chain with the options market's four programs
//! (`RiskEngine`, `OptionListings`, `OptionBook`, `OptionsMarket`) and the test feeds
//! deployed beside the same contracts ([`MarketPrograms`], every key registered by
//! [`Config::with_market`]), ETH listed, an LP and a staker in: `quote` (read-only), a
//! call and a put bought, part of the call sold back, the board settled past its expiry,
//! both positions claimed. Then the short book's rows, on a third chain with the same
//! programs (`ShortBook` and `MarginEngine` among them) and the stress grid's spot-down
//! point at 20%: the vault's deposit with the short book registered (empty, then with a
//! line: one more program call in the mark), puts written at exactly the initial margin,
//! a close, margin added and removed, the bot's views, a 50% crash liquidated (an
//! account with no shortfall, then one whose shortfall runs the reserve, the fund and the
//! pool), and an account settled after the board.
//!
//! Each operation runs twice from the same state: with no program in `ArbOS`'s cache (the
//! figures of the table) and with every program cached (the "cached" column); the state
//! then moves on from the uncached run.

use std::path::Path;

use alloy_primitives::{Address, B256, U256};
use alloy_sol_types::{SolCall, SolError};
use mutual_abi::{IGovernanceParams as G, IInsuranceFund as F, IMutualVault as V, ITestUsdc as T};
use mutual_localnet::protocol::{
    address_value, key, names, set_round_call, tranche_key, usd_answer, Artifacts, Config,
    IOptionBook as B, IOptionsMarket as M, IShortBook as S, MarketPrograms, MarketStandIn,
    MarketViews, Protocol, DAY, USDC, WAD,
};
use mutual_localnet::{CallResult, Deployment, Localnet, MAX_CODE_SIZE};

use crate::n;

/// One measured operation.
struct Row {
    /// What it is.
    label: String,
    /// The run with no program cached.
    uncached: CallResult,
    /// The run with every program cached.
    cached: CallResult,
}

/// The chain, the protocol and the rows measured so far.
struct Bench {
    /// The chain.
    net: Localnet,
    /// The programs.
    p: Protocol,
    /// The rows.
    rows: Vec<Row>,
    /// The market's views.
    market: MarketStandIn,
    /// Programs cached for the "cached" runs besides the protocol's (the market's).
    extra: Vec<Address>,
}

impl Bench {
    /// Sends `call` from `from` to `to` unmeasured; it must succeed.
    fn run<C: SolCall>(&mut self, from: Address, to: Address, call: &C) -> Result<(), String> {
        let result = self.net.call(from, to, &call.abi_encode(), U256::ZERO);
        check(C::SIGNATURE, &result)
    }

    /// Measures `call` from `from` to `to` (a transaction, or a read-only call if `view`).
    fn measure<C: SolCall>(
        &mut self,
        label: &str,
        from: Address,
        to: Address,
        call: &C,
        view: bool,
    ) -> Result<(), String> {
        let data = call.abi_encode();
        let send = |net: &mut Localnet| {
            if view {
                net.static_call(from, to, &data)
            } else {
                net.call(from, to, &data, U256::ZERO)
            }
        };
        let snapshot = self.net.snapshot();
        for program in self.p.programs().into_iter().chain(self.extra.iter().copied()) {
            self.net.set_cached(program, true);
        }
        let cached = send(&mut self.net);
        // Also restores the cache flags.
        self.net.revert_to(snapshot);
        let uncached = send(&mut self.net);
        check(label, &cached)?;
        check(label, &uncached)?;
        self.rows.push(Row { label: label.to_owned(), uncached, cached });
        Ok(())
    }

    /// Warps to `at` and posts spot round `round` of `m`'s feed at `usd`, updated then.
    fn post(&mut self, m: &MarketPrograms, round: u64, usd: u64, at: u64) -> Result<(), String> {
        self.net.warp(at);
        self.run(m.feed_owner, m.at.spot_feed, &set_round_call(round, usd_answer(usd), at))
    }

    /// Moves the clock `seconds` forward; the market marks its book at the new time.
    fn skip(&mut self, seconds: u64) {
        let now = self.net.timestamp() + seconds;
        self.net.warp(now);
        self.market.update(|views| views.mark_time = now);
    }
}

/// An error unless `result` succeeded.
fn check(label: &str, result: &CallResult) -> Result<(), String> {
    if result.success {
        Ok(())
    } else {
        Err(format!(
            "{label} failed: {} (output 0x{})",
            result.error.as_deref().unwrap_or("reverted"),
            alloy_primitives::hex::encode(&result.output)
        ))
    }
}

/// `x` whole USDC.
fn usdc(x: u64) -> U256 {
    U256::from(x) * U256::from(USDC)
}

/// Deploys the protocol from the artifacts in `dir`, runs the operations and prints the
/// tables.
pub(crate) fn report(dir: &Path) -> Result<(), String> {
    let artifacts = Artifacts::load(dir)?;
    let mut net = Localnet::new();
    let config = Config::new(2);
    let p = Protocol::deploy(&mut net, &artifacts, &config).map_err(|e| e.to_string())?;
    print_deployments(&p);
    let views = MarketViews {
        mark_time: net.timestamp(),
        longest_open_tenor: 30 * DAY,
        ..MarketViews::default()
    };
    let market = MarketStandIn::install(&mut net, MARKET, views);
    let mut b = Bench { net, p, rows: Vec::new(), market, extra: Vec::new() };
    operations(&mut b)?;
    let mut rows = b.rows;
    let (programs, market_rows) = market_report(&artifacts)?;
    print_market_deployments(&programs);
    rows.extend(market_rows);
    rows.extend(shorts_report(&artifacts)?);
    print_rows(&rows);
    Ok(())
}

/// The chain of the market's rows: the protocol deployed with `config` and the market's
/// programs beside it, ETH listed (spot 2,000, a 30-day board at 80% IV, strikes 2100 and
/// 1900). Returns the bench (the market's programs cached in the "cached" runs), the
/// programs, the board, its strike ids and its expiry.
fn market_bench(
    artifacts: &Artifacts,
    config: &Config,
) -> Result<(Bench, MarketPrograms, u64, Vec<u64>, u64), String> {
    let mut net = Localnet::new();
    let p = Protocol::deploy(&mut net, artifacts, config).map_err(|e| e.to_string())?;
    let m = MarketPrograms::deploy(&mut net, artifacts, &p, config)?;
    let expiry = net.timestamp() + 30 * DAY;
    let strikes = [(wad(2100), WAD), (wad(1900), pct(110))];
    let (board, strikes) = m.list(&mut net, ETH, 2000, (expiry, pct(80)), &strikes)?;
    let extra = m.programs().to_vec();
    let b = Bench { net, p, rows: Vec::new(), market: MarketStandIn::default(), extra };
    Ok((b, m, board, strikes, expiry))
}

/// `x / 100` WAD.
fn pct(x: u64) -> U256 {
    WAD * U256::from(x) / U256::from(100u64)
}

/// `x` WAD.
fn wad(x: u64) -> U256 {
    WAD * U256::from(x)
}

/// The options market deployed beside the protocol ([`market_bench`]), Alice's 100,000 in
/// the vault, Bob's 20,000 in the junior tranche, a trader with 10,000; then its
/// operations, measured. Returns the market's programs and the rows.
fn market_report(artifacts: &Artifacts) -> Result<(MarketPrograms, Vec<Row>), String> {
    let (mut b, m, board, strikes, expiry) = market_bench(artifacts, &Config::with_market(2))?;
    let (token, vault, fund, market, book) =
        (b.p.usdc, b.p.vault, b.p.insurance, m.at.market, m.at.book);
    for (who, amount) in [(ALICE, 100_000), (BOB, 20_000), (TRADER, 10_000)] {
        b.run(CAROL, token, &T::mintCall { to: who, value: usdc(amount) })?;
    }
    b.run(ALICE, token, &T::approveCall { spender: vault, value: U256::MAX })?;
    b.run(ALICE, vault, &V::depositCall { assets: usdc(100_000), receiver: ALICE })?;
    b.run(BOB, token, &T::approveCall { spender: fund, value: U256::MAX })?;
    b.run(BOB, fund, &F::depositCall { tranche: 0, assets: usdc(20_000), receiver: BOB })?;
    b.run(TRADER, token, &T::approveCall { spender: market, value: U256::MAX })?;

    let (call_strike, put_strike) = (strikes[0], strikes[1]);
    let quote = B::quoteCall { strikeId: call_strike, isCall: true, amount: WAD, isBuy: true };
    b.measure("market quote (view, buy 1 call)", CAROL, book, &quote, true)?;
    let deadline = b.net.timestamp();
    let buy = |strike_id: u64, is_call: bool, amount: U256| M::buyCall {
        strikeId: strike_id,
        isCall: is_call,
        amount,
        maxCost: U256::MAX,
        deadline,
    };
    b.measure(
        "market buy (1 call, new position)",
        TRADER,
        market,
        &buy(call_strike, true, WAD),
        false,
    )?;
    let two = WAD * U256::from(2u64);
    b.measure(
        "market buy (2 puts, book not empty)",
        TRADER,
        market,
        &buy(put_strike, false, two),
        false,
    )?;
    b.measure(
        "market buy (1 call, adds to position)",
        TRADER,
        market,
        &buy(call_strike, true, WAD),
        false,
    )?;
    let sell = M::sellCall {
        strikeId: call_strike,
        isCall: true,
        amount: pct(80),
        minProceeds: U256::ZERO,
        deadline,
    };
    b.measure("market sell (0.8 call)", TRADER, market, &sell, false)?;
    // Past the expiry: a round before it, the first one after it (2,200: calls pay).
    b.post(&m, 2, 2300, expiry - 100)?;
    b.post(&m, 3, 2200, expiry + 60)?;
    let settle = M::settleCall { boardId: board, roundId: U256::from(3u64) };
    b.measure("market settle (board of 2 strikes)", CAROL, market, &settle, false)?;
    let claim = M::claimCall { positionIds: vec![1, 2] };
    b.measure("market claim (2 positions)", CAROL, market, &claim, false)?;
    Ok((m, b.rows))
}

/// The short book's operations on a chain of their own ([`market_bench`], the stress
/// grid's spot-down point at 20% so that a 50% crash takes a writer at its initial margin
/// past its collateral): Alice's 100,000 in the vault, 1,000 junior (Bob) and 2,000 senior
/// (Dave); a deposit before `market.shortBook` is set, then one after it is (through the
/// timelock); Wren writes 10 puts of 1900 and Xavi 2 at exactly the initial margin, Yara
/// 2 with 5,000 of margin; spot crashes to 1,000; Carol tops Xavi up to one unit below
/// maintenance; the bot liquidates Xavi (no shortfall), then Wren (a shortfall through
/// the reserve, both tranches and the pool); past the expiry the board is settled and
/// Yara's account with it.
fn shorts_report(artifacts: &Artifacts) -> Result<Vec<Row>, String> {
    let config = Config::with_market(2)
        .with(key("market.stressSpotDownWad"), pct(20))
        .with(key(names::SHORT_BOOK), U256::ZERO);
    let (mut b, m, board, strikes, expiry) = market_bench(artifacts, &config)?;
    let (token, vault, fund, book) = (b.p.usdc, b.p.vault, b.p.insurance, m.at.short_book);
    let mints = [(ALICE, 100_000), (BOB, 1_000), (DAVE, 2_000), (CAROL, 10_000)];
    for (who, amount) in mints.into_iter().chain([WREN, XAVI, YARA].map(|w| (w, 10_000))) {
        b.run(CAROL, token, &T::mintCall { to: who, value: usdc(amount) })?;
        for spender in [vault, fund, book] {
            b.run(who, token, &T::approveCall { spender, value: U256::MAX })?;
        }
    }
    b.run(ALICE, vault, &V::depositCall { assets: usdc(100_000), receiver: ALICE })?;
    b.run(BOB, fund, &F::depositCall { tranche: 0, assets: usdc(1_000), receiver: BOB })?;
    b.run(DAVE, fund, &F::depositCall { tranche: 1, assets: usdc(2_000), receiver: DAVE })?;
    let deposit = V::depositCall { assets: usdc(1_000), receiver: CAROL };
    b.measure("vault deposit (market, short book unset)", CAROL, vault, &deposit, false)?;
    let (gov, admin, short_key) = (b.p.governance, b.p.admin, key(names::SHORT_BOOK));
    b.run(admin, gov, &G::queueCall { key: short_key, value: address_value(book) })?;
    b.skip(2 * DAY);
    b.run(CAROL, gov, &G::executeCall { key: short_key })?;
    b.post(&m, 2, 2000, b.net.timestamp())?;
    b.measure("vault deposit (short book, no shorts)", CAROL, vault, &deposit, false)?;

    // ---- Writers, at the strike of 1900.
    let put = strikes[1];
    let deadline = b.net.timestamp();
    let sale = |amount: U256, margin: U256| S::sellShortCall {
        strikeId: put,
        isCall: false,
        amount,
        minProceeds: U256::ZERO,
        deadline,
        margin,
    };
    let wren = sale(wad(10), initial_margin(&mut b, WREN, book, &sale(wad(10), U256::ZERO))?);
    b.measure("short sellShort (10 puts, new account)", WREN, book, &wren, false)?;
    let xavi = sale(wad(2), initial_margin(&mut b, XAVI, book, &sale(wad(2), U256::ZERO))?);
    b.run(XAVI, book, &xavi)?;
    let yara = sale(wad(2), usdc(5_000));
    b.measure("short sellShort (2 puts, 3rd account)", YARA, book, &yara, false)?;
    let close = S::closeShortCall {
        strikeId: put,
        isCall: false,
        amount: WAD,
        maxCost: U256::MAX,
        deadline,
    };
    b.measure("short closeShort (1 of 2 puts)", YARA, book, &close, false)?;
    let remove = S::removeMarginCall { amount: usdc(1_000), to: YARA };
    b.measure("short removeMargin (1 line)", YARA, book, &remove, false)?;
    let health = S::accountHealthCall { account: YARA };
    b.measure("short accountHealth (view, 1 line)", CAROL, book, &health, true)?;
    let scan = S::liquidatableCall { cursor: 0, limit: 10 };
    b.measure("short liquidatable (view, 3 accounts)", CAROL, book, &scan, true)?;
    b.measure("short poolLiability (view, 1 line)", CAROL, book, &S::poolLiabilityCall {}, true)?;
    b.measure("vault deposit (short book, 1 open line)", CAROL, vault, &deposit, false)?;

    // ---- A day on, spot crashes 50% in one round; Carol tops Xavi up to one unit below
    // maintenance; the bot liquidates Xavi, then Wren.
    b.post(&m, 3, 1000, b.net.timestamp() + DAY)?;
    let health = S::accountHealthCall { account: XAVI };
    let x = b.net.static_call_sol(CAROL, book, &health).map_err(|e| e.to_string())?;
    let top_up = S::addMarginCall { account: XAVI, amount: x._1 + x._3 - U256::from(1u8) - x._0 };
    b.measure("short addMargin (another account)", CAROL, book, &top_up, false)?;
    let liquidate = S::liquidateCall { account: XAVI };
    b.measure("short liquidate (no shortfall)", BOT, book, &liquidate, false)?;
    let liquidate = S::liquidateCall { account: WREN };
    b.measure("short liquidate (shortfall, all layers)", BOT, book, &liquidate, false)?;

    // ---- Past the expiry at 1,000: the board settled, then Yara's account.
    b.post(&m, 4, 1000, expiry - 100)?;
    b.post(&m, 5, 1000, expiry + 60)?;
    let settle = M::settleCall { boardId: board, roundId: U256::from(5u64) };
    b.measure("market settle (a short line open)", CAROL, m.at.market, &settle, false)?;
    let settle = S::settleAccountCall { account: YARA };
    b.measure("short settleAccount (1 line, paid out)", CAROL, book, &settle, false)?;
    Ok(b.rows)
}

/// The margin `sale` (without margin) lacks, from its `ShortBookInsufficientMargin`
/// refusal, sent from `who` to `book` and undone.
fn initial_margin(
    b: &mut Bench,
    who: Address,
    book: Address,
    sale: &S::sellShortCall,
) -> Result<U256, String> {
    let snapshot = b.net.snapshot();
    let refused = b.net.call(who, book, &sale.abi_encode(), U256::ZERO);
    b.net.revert_to(snapshot);
    let error = S::ShortBookInsufficientMargin::abi_decode(&refused.output, true)
        .map_err(|e| format!("a sale without margin: {e} (success {})", refused.success))?;
    Ok(error.required - error.collateral)
}

/// The market's account.
const MARKET: Address = Address::repeat_byte(0x3a);

/// The actors: LPs and stakers.
const ALICE: Address = Address::repeat_byte(0xa1);
/// A staker and LP.
const BOB: Address = Address::repeat_byte(0xb0);
/// Anyone (keepers, executors, readers).
const CAROL: Address = Address::repeat_byte(0xc0);
/// The market's trader.
const TRADER: Address = Address::repeat_byte(0x71);
/// The senior staker of the short book's rows.
const DAVE: Address = Address::repeat_byte(0xda);
/// A writer at exactly the initial margin, defaulting in the crash.
const WREN: Address = Address::repeat_byte(0x51);
/// A writer at exactly the initial margin, topped up before its liquidation.
const XAVI: Address = Address::repeat_byte(0x52);
/// A writer with a wide margin, settled after the board.
const YARA: Address = Address::repeat_byte(0x53);
/// The liquidation bot.
const BOT: Address = Address::repeat_byte(0xb7);
/// 10^6: shares per asset unit at the start (the fund's and the vault's offset).
const MILLION: U256 = U256::from_limbs([1_000_000, 0, 0, 0]);
/// The market id of the losses, income and flows.
const ETH: B256 = B256::repeat_byte(0xe7);

/// The operations, in a realistic order.
fn operations(b: &mut Bench) -> Result<(), String> {
    governance_operations(b)?;
    token_operations(b)?;
    insurance_operations(b)?;
    vault_operations(b)
}

/// Governance: a value change through the timelock, a tightening, reads; then the
/// market's address, unmeasured.
fn governance_operations(b: &mut Bench) -> Result<(), String> {
    let (gov, admin, guardian) = (b.p.governance, b.p.admin, b.p.guardian);
    let min_cooldown = key(names::MIN_COOLDOWN);
    let queue = G::queueCall { key: min_cooldown, value: U256::from(8 * DAY) };
    b.measure("governance queue (value change)", admin, gov, &queue, false)?;
    b.skip(2 * DAY);
    let execute = G::executeCall { key: min_cooldown };
    b.measure("governance execute (value change)", CAROL, gov, &execute, false)?;
    let cap = tranche_key(0, names::DEPOSIT_CAP);
    let tighten = G::tightenCall { key: cap, value: usdc(1_000_000_000) };
    b.measure("governance tighten (guardian)", guardian, gov, &tighten, false)?;
    b.measure("governance get", CAROL, gov, &G::getCall { key: min_cooldown }, true)?;
    let keys: Vec<B256> = vec![
        key(names::MARKET),
        key(names::VAULT),
        tranche_key(0, names::MIN_BALANCE),
        tranche_key(0, names::CAP_WAD),
        tranche_key(1, names::MIN_BALANCE),
        tranche_key(1, names::CAP_WAD),
        key(names::MIN_COOLDOWN),
        key(names::MAX_COOLDOWN),
    ];
    b.measure("governance getMany (8 keys)", CAROL, gov, &G::getManyCall { keys }, true)?;
    let scope = key(names::INSURANCE);
    b.measure("governance isPaused", CAROL, gov, &G::isPausedCall { scope }, true)?;
    let max_cooldown = key(names::MAX_COOLDOWN);
    b.run(admin, gov, &G::queueCall { key: max_cooldown, value: U256::from(100 * DAY) })?;
    let cancel = G::cancelCall { key: max_cooldown };
    b.measure("governance cancel", admin, gov, &cancel, false)?;
    let scope = key(names::MARKET);
    b.measure("governance pause (guardian)", guardian, gov, &G::pauseCall { scope }, false)?;
    let confirm = G::confirmPauseCall { scope };
    b.measure("governance confirmPause (admin)", admin, gov, &confirm, false)?;
    b.measure("governance unpause (admin)", admin, gov, &G::unpauseCall { scope }, false)?;
    let register = G::queueCall { key: key(names::MARKET), value: address_value(MARKET) };
    b.run(admin, gov, &register)?;
    b.skip(2 * DAY);
    b.run(CAROL, gov, &G::executeCall { key: key(names::MARKET) })
}

/// The token: funding, unmeasured; approve and transfer as references.
fn token_operations(b: &mut Bench) -> Result<(), String> {
    let (token, fund, vault) = (b.p.usdc, b.p.insurance, b.p.vault);
    for (who, amount) in [(ALICE, 3_000), (BOB, 5_000), (CAROL, 1_000), (MARKET, 10_000)] {
        b.run(CAROL, token, &T::mintCall { to: who, value: usdc(amount) })?;
    }
    let approve = T::approveCall { spender: fund, value: usdc(1_000) };
    b.measure("ERC-20 approve (reference)", ALICE, token, &approve, false)?;
    for who in [BOB, CAROL] {
        b.run(who, token, &T::approveCall { spender: fund, value: U256::MAX })?;
    }
    for who in [ALICE, BOB, CAROL] {
        b.run(who, token, &T::approveCall { spender: vault, value: U256::MAX })?;
    }
    let transfer = T::transferCall { to: BOB, value: usdc(10) };
    b.measure("ERC-20 transfer (reference)", CAROL, token, &transfer, false)
}

/// The fund: stakes, reads, an exit through the cooldown, a loss, income.
fn insurance_operations(b: &mut Bench) -> Result<(), String> {
    let (fund, token) = (b.p.insurance, b.p.usdc);
    let deposit = F::depositCall { tranche: 0, assets: usdc(1_000), receiver: ALICE };
    b.measure("insurance deposit (junior, first staker)", ALICE, fund, &deposit, false)?;
    let deposit = F::depositCall { tranche: 1, assets: usdc(3_000), receiver: BOB };
    b.measure("insurance deposit (senior, first staker)", BOB, fund, &deposit, false)?;
    let deposit = F::depositCall { tranche: 0, assets: usdc(400), receiver: CAROL };
    b.measure("insurance deposit (junior, second staker)", CAROL, fund, &deposit, false)?;
    let total = F::totalAssetsCall { tranche: 0 };
    b.measure("insurance totalAssets (view)", CAROL, fund, &total, true)?;
    let preview = F::previewDepositCall { tranche: 0, assets: usdc(100) };
    b.measure("insurance previewDeposit (view)", CAROL, fund, &preview, true)?;
    let max = F::maxDepositCall { tranche: 0, receiver: CAROL };
    b.measure("insurance maxDeposit (view)", CAROL, fund, &max, true)?;
    b.measure("insurance cooldown (view)", CAROL, fund, &F::cooldownCall {}, true)?;
    let mint = F::mintCall { tranche: 0, shares: usdc(100) * MILLION, receiver: CAROL };
    b.measure("insurance mint (junior)", CAROL, fund, &mint, false)?;
    let approve = F::approveCall { tranche: 1, spender: CAROL, shares: U256::MAX };
    b.measure("insurance approve (shares)", BOB, fund, &approve, false)?;
    let shares = usdc(1_000) * MILLION;
    let request = F::requestWithdrawCall { tranche: 0, shares };
    b.measure("insurance requestWithdraw", ALICE, fund, &request, false)?;
    let request = F::requestWithdrawCall { tranche: 1, shares: usdc(1_000) * MILLION };
    b.run(BOB, fund, &request)?;
    b.skip(30 * DAY);
    let max = F::maxRedeemCall { tranche: 0, owner: ALICE };
    b.measure("insurance maxRedeem (view)", CAROL, fund, &max, true)?;
    let redeem = F::redeemCall { tranche: 0, shares, receiver: ALICE, owner: ALICE };
    b.measure("insurance redeem", ALICE, fund, &redeem, false)?;
    let withdraw = F::withdrawCall { tranche: 1, assets: usdc(500), receiver: BOB, owner: BOB };
    b.measure("insurance withdraw", BOB, fund, &withdraw, false)?;
    // Junior holds 400 (carol's stake), senior 3,000: a loss of 1,000 hits both.
    let cover = F::coverCall { kind: 0, marketId: ETH, amount: usdc(1_000) };
    b.measure("insurance cover (junior and senior hit)", MARKET, fund, &cover, false)?;
    b.run(MARKET, token, &T::transferCall { to: fund, value: usdc(100) })?;
    let income = F::notifyIncomeCall { marketId: ETH, amount: usdc(100) };
    b.measure("insurance notifyIncome (2 tranches)", MARKET, fund, &income, false)?;
    let record = F::lossRecordCall { lossId: U256::from(1u64) };
    b.measure("insurance lossRecord (view)", CAROL, fund, &record, true)
}

/// The vault: deposits and a mint at a fresh mark, a premium, reads, requests, claims
/// after the delay, a payout, and the keeper's `syncMark`, fresh then stale.
fn vault_operations(b: &mut Bench) -> Result<(), String> {
    let (vault, token) = (b.p.vault, b.p.usdc);
    let deposit = V::depositCall { assets: usdc(1_000), receiver: ALICE };
    b.measure("vault deposit (first LP)", ALICE, vault, &deposit, false)?;
    let deposit = V::depositCall { assets: usdc(1_000), receiver: BOB };
    b.measure("vault deposit (second LP)", BOB, vault, &deposit, false)?;
    // 100 USDC of shares at about 1e6 shares per unit.
    let mint = V::mintCall { shares: usdc(100) * MILLION, receiver: CAROL };
    b.measure("vault mint", CAROL, vault, &mint, false)?;
    b.run(MARKET, token, &T::transferCall { to: vault, value: usdc(50) })?;
    let premium = V::notifyPremiumCall { marketId: ETH, reason: 0, amount: usdc(50) };
    b.measure("vault notifyPremium", MARKET, vault, &premium, false)?;
    // The market now marks a written book: a liability and a locked collateral.
    b.market.update(|views| {
        views.liability = usdc(30);
        views.required = usdc(200);
    });
    b.measure("vault totalAssets (view)", CAROL, vault, &V::totalAssetsCall {}, true)?;
    b.measure("vault valuation (view)", CAROL, vault, &V::valuationCall {}, true)?;
    let preview = V::previewDepositCall { assets: usdc(100) };
    b.measure("vault previewDeposit (view)", CAROL, vault, &preview, true)?;
    let max = V::maxDepositCall { receiver: CAROL };
    b.measure("vault maxDeposit (view)", CAROL, vault, &max, true)?;
    let convert = V::convertToAssetsCall { shares: usdc(1) * MILLION };
    b.measure("vault convertToAssets (view)", CAROL, vault, &convert, true)?;
    let balance = V::balanceOfCall { account: ALICE };
    b.measure("vault balanceOf (view)", CAROL, vault, &balance, true)?;

    // ---- after the hold time: share moves, then requests; after the delay, claims.
    b.skip(DAY);
    let operator = V::setOperatorCall { operator: CAROL, approved: true };
    b.measure("vault setOperator", BOB, vault, &operator, false)?;
    let approve = V::approveCall { spender: CAROL, value: U256::MAX };
    b.measure("vault approve (shares)", ALICE, vault, &approve, false)?;
    let transfer = V::transferCall { to: BOB, value: usdc(1) * MILLION };
    b.measure("vault transfer (shares)", ALICE, vault, &transfer, false)?;
    let shares_of = |b: &mut Bench, who: Address| {
        let call = V::balanceOfCall { account: who };
        b.net.static_call_sol(CAROL, vault, &call).map(|r| r._0).map_err(|e| e.to_string())
    };
    let alice_shares = shares_of(b, ALICE)?;
    let request = V::requestRedeemCall { shares: alice_shares, controller: ALICE, owner: ALICE };
    b.measure("vault requestRedeem (all)", ALICE, vault, &request, false)?;
    let bob_half = shares_of(b, BOB)? / U256::from(2u64);
    let request = V::requestRedeemCall { shares: bob_half, controller: BOB, owner: BOB };
    b.measure("vault requestRedeem (half)", BOB, vault, &request, false)?;
    b.skip(3 * DAY);
    let max = V::maxRedeemCall { owner: ALICE };
    b.measure("vault maxRedeem (view)", CAROL, vault, &max, true)?;
    let preview = V::previewRedeemCall { shares: alice_shares };
    b.measure("vault previewRedeem (view)", CAROL, vault, &preview, true)?;
    let redeem = V::redeemCall { shares: alice_shares, receiver: ALICE, owner: ALICE };
    b.measure("vault redeem (claim, all)", ALICE, vault, &redeem, false)?;
    let max = V::maxWithdrawCall { owner: BOB };
    let assets = b.net.static_call_sol(CAROL, vault, &max).map_err(|e| e.to_string())?._0;
    let withdraw = V::withdrawCall { assets, receiver: BOB, owner: BOB };
    b.measure("vault withdraw (claim, max)", BOB, vault, &withdraw, false)?;
    let payout = V::pullPayoutCall { marketId: ETH, reason: 2, amount: usdc(20) };
    b.measure("vault pullPayout", MARKET, vault, &payout, false)?;
    b.measure("vault syncMark (fresh)", CAROL, vault, &V::syncMarkCall {}, false)?;
    // Two hours without a new mark: stale (the mark's maximum age is 1 hour).
    let now = b.net.timestamp();
    b.net.warp(now + 7_200);
    b.measure("vault syncMark (stale)", CAROL, vault, &V::syncMarkCall {}, false)?;
    b.measure("vault totalAssets (view, stale)", CAROL, vault, &V::totalAssetsCall {}, true)?;

    // ---- last, the admin hands over (two steps).
    let (gov, admin) = (b.p.governance, b.p.admin);
    let propose = G::proposeAdminCall { candidate: CAROL };
    b.measure("governance proposeAdmin", admin, gov, &propose, false)?;
    b.measure("governance acceptAdmin", CAROL, gov, &G::acceptAdminCall {}, false)
}

/// Prints the programs' sizes and entry costs.
fn print_deployments(p: &Protocol) {
    println!("Mutual's programs (the artifacts of scripts/build-wasm.sh), as deployed: wasm");
    println!(
        "bytes = the artifact; code bytes = what is deployed (Stylus prefix + brotli-11 wasm),"
    );
    println!(
        "against the {}-byte limit; entry = the entry gas of a call (memory excluded).",
        n(MAX_CODE_SIZE as u64)
    );
    println!();
    print_programs(&[
        ("TestUsdc (ERC-20)", &p.usdc_deployment),
        ("GovernanceParams", &p.governance_deployment),
        ("InsuranceFund", &p.insurance_deployment),
        ("MutualVault", &p.vault_deployment),
    ]);
}

/// Prints one row per program: its sizes against the limit, its entry costs and its
/// constructor's gas.
fn print_programs(programs: &[(&str, &Deployment)]) {
    println!(
        "{:<20} {:>10} {:>11} {:>7} {:>15} {:>13} {:>19}",
        "program",
        "wasm bytes",
        "code bytes",
        "limit",
        "entry uncached",
        "entry cached",
        "constructor tx gas"
    );
    for (name, d) in programs {
        let info = &d.activation;
        let constructor = d.constructor.as_ref().map_or_else(|| "-".to_owned(), |c| n(c.gas_used));
        #[allow(clippy::cast_precision_loss, reason = "a percentage for display")]
        let share = info.code_bytes as f64 * 100.0 / MAX_CODE_SIZE as f64;
        println!(
            "{:<20} {:>10} {:>11} {:>6.1}% {:>15} {:>13} {:>19}",
            name,
            n(info.wasm_bytes as u64),
            n(info.code_bytes as u64),
            share,
            n(info.init_gas),
            n(info.cached_gas),
            constructor
        );
    }
    println!();
}

/// Prints the market's programs' sizes and entry costs.
fn print_market_deployments(m: &MarketPrograms) {
    println!("The options market's programs (deployed beside the same contracts for its rows):");
    println!();
    let names = [
        "RiskEngine",
        "OptionListings",
        "OptionBook",
        "OptionsMarket",
        "ETH/USD feed",
        "sequencer feed",
        "MarginEngine",
        "ShortBook",
    ];
    let programs: Vec<(&str, &Deployment)> = names.iter().copied().zip(&m.deployments).collect();
    print_programs(&programs);
}

/// Prints the operations table.
fn print_rows(rows: &[Row]) {
    const HEADER: &str = "\
user operations, in sequence (2 tranches). For the governance, token, insurance and vault
rows the market is an account registered through governance, whose views a native
stand-in answers at no gas of its own (the vault's and the fund's calls to it cost their
CALL only); the market rows run the real market, book, listings, engine and test feeds
on a second chain (ETH listed at 2,000, 100,000 in the vault, 20,000 staked); the short
rows (and the last vault deposits and settle) on a third (the same programs, the stress
grid's spot-down at 20%, 1,000 junior and 2,000 senior, then a crash to 1,000). tx gas =
21,000 + calldata + exec gas - refund, no program cached; tx cached = the same with every
program in ArbOS's cache; exec gas = the call, nested calls and entry costs included,
uncached; frames = programs run (nested calls included); entry = their entry costs,
uncached; ink = the top frame's ink (its hostio ink includes the gas bought for its nested
calls); op ink = the wasm operators' ink of every frame. 10,000 ink = 1 gas. Views
(quote included) are measured as eth_call.";
    println!("{HEADER}");
    println!();
    println!(
        "{:<42} {:>9} {:>9} {:>9} {:>6} {:>8} {:>13} {:>11}",
        "operation", "tx gas", "tx cached", "exec gas", "frames", "entry", "ink", "op ink"
    );
    for row in rows {
        let r = &row.uncached;
        let entry: u64 = r.frames.iter().map(|f| f.entry_gas).sum();
        let op_ink: u64 = r.frames.iter().map(|f| f.compute_ink).sum();
        println!(
            "{:<42} {:>9} {:>9} {:>9} {:>6} {:>8} {:>13} {:>11}",
            row.label,
            n(r.gas_used),
            n(row.cached.gas_used),
            n(r.execution_gas),
            r.frames.len(),
            n(entry),
            n(r.ink_used),
            n(op_ink),
        );
    }
}
