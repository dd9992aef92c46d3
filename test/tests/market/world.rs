//! The fixture: the whole protocol wired together. The real `GovernanceParams` with every
//! key the programs read (registered at construction), the real `MutualVault` and
//! `InsuranceFund` (two tranches), the market's six programs (`OptionsMarket`,
//! `OptionBook`, `OptionListings`, `RiskEngine`, and for traders' shorts `ShortBook` and
//! `MarginEngine`); mocks only for the 6-decimal asset and the Chainlink-style feeds
//! (ETH/USD with 8 decimals, and the sequencer's uptime feed).
//!
//! Every token the tests create goes through [`World::mint`], and every holder is recorded,
//! so [`World::check`] can prove after each step that no unit was created or lost and that
//! each contract holds exactly what it books.

use std::cell::{Cell, RefCell};
use std::sync::{Mutex, MutexGuard, PoisonError};

use alloy_primitives::{aliases::U80, uint, Address, B256, I256, U256};
use motsu::prelude::*;
use mutual_contract_kit::clock;
use mutual_governance::{
    GovernanceParams, EXECUTION_WINDOW_KEY, HIGHER_IS_SAFER, LOWER_IS_SAFER,
    MAX_PAUSE_DURATION_KEY, NEITHER, PAUSE_COOLDOWN_KEY, TIMELOCK_DELAY_KEY,
};
use mutual_insurance::{
    tranche_key, InsuranceFund, CAP_WAD, DEPOSIT_CAP, INCOME_WEIGHT, JUNIOR, MAX_COOLDOWN_KEY,
    MIN_BALANCE, MIN_COOLDOWN_KEY, SENIOR, WITHDRAW_WINDOW_KEY,
};
use mutual_interfaces::keys::*;
use mutual_margin_engine::MarginEngine;
use mutual_market::{Error, OptionsMarket};
use mutual_option_book::OptionBook;
use mutual_option_listings::OptionListings;
use mutual_risk::{
    fixed::{mul_div_down, mul_div_up},
    waterfall::split_largest_remainder,
};
use mutual_risk_engine::RiskEngine;
use mutual_short_book::ShortBook;
use mutual_test_mocks::{market_params, MockAggregator, MockErc20};
use mutual_vault::{
    MutualVault, DEPOSIT_CAP_KEY, MARK_MAX_AGE_KEY, MIN_HOLD_TIME_KEY, REDEEM_DELAY_KEY,
    STALE_BUFFER_KEY,
};

/// motsu 0.10's constant block timestamp (2025-01-01T00:00:00Z).
pub(crate) const T0: u64 = 1_735_689_600;
/// One hour in seconds.
pub(crate) const HOUR: u64 = 3_600;
/// One day in seconds.
pub(crate) const DAY: u64 = 86_400;
/// The fixture board's expiry: 30 days after `T0`.
pub(crate) const EXPIRY: u64 = T0 + 30 * DAY;
/// `market.tradingCutoff`: one hour (`mutual_test_mocks::market_params`).
pub(crate) const CUTOFF: u64 = HOUR;
/// The ETH feed's heartbeat: one hour.
pub(crate) const HEARTBEAT: u64 = HOUR;
/// `market.sequencerGrace`: one hour (`mutual_test_mocks::market_params`).
pub(crate) const GRACE: u64 = HOUR;
/// `vault.markMaxAge`: one hour.
pub(crate) const MARK_MAX_AGE: u64 = HOUR;
/// 1e18.
pub(crate) const WAD: U256 = uint!(1_000_000_000_000_000_000_U256);
/// The ETH market id.
pub(crate) const ETH: B256 = B256::repeat_byte(0xe7);
/// The fixture's base IV of the board: 80%.
pub(crate) const BASE_IV_PCT: u64 = 80;
/// The fixture's income weights of the fund's tranches: junior 3, senior 1.
pub(crate) const INCOME_WEIGHTS: [u64; 2] = [3, 1];

/// One world at a time in this test binary: motsu 0.10 keeps every test thread's VM in
/// one global map whose entry stays locked during a contract call, and panics when
/// another thread waits too long for it; the scenarios make long nested calls, so they
/// run one after the other.
static SERIAL: Mutex<()> = Mutex::new(());

/// `x` USDC, in asset units (6 decimals).
pub(crate) fn usdc(x: u64) -> U256 {
    U256::from(x) * U256::from(1_000_000u64)
}

/// `x / 100` WAD.
pub(crate) fn pct(x: u64) -> U256 {
    WAD * U256::from(x) / U256::from(100)
}

/// `x` WAD.
pub(crate) fn wad(x: u64) -> U256 {
    WAD * U256::from(x)
}

/// A number as `U256`.
pub(crate) fn u(x: u64) -> U256 {
    U256::from(x)
}

/// Moves the clock to `at` (absolute seconds, at or after `T0`).
pub(crate) fn set_time(at: u64) {
    clock::set_offset(at - T0);
}

/// `text` as a left-aligned, zero-padded `bytes32`.
fn text(text: &str) -> B256 {
    let mut word = [0u8; 32];
    word[..text.len()].copy_from_slice(text.as_bytes());
    B256::from(word)
}

/// The revert data of a market error (a forwarded error of the book or the listings is
/// its raw data, so two errors are equal exactly when their revert data are).
pub(crate) fn data(error: Error) -> Vec<u8> {
    error.into()
}

/// One governance parameter: key, value, bounds and direction.
#[derive(Clone, Copy)]
struct Param {
    key: B256,
    value: U256,
    min: U256,
    max: U256,
    direction: u8,
}

/// The governance keys of the fixture, before deployment: defaults, then overrides.
pub(crate) struct Setup {
    /// Every parameter registered in governance (address keys filled at deployment).
    params: Vec<Param>,
}

impl Setup {
    /// The defaults: governance's own keys (a two-day timelock); the vault's (a one-hour
    /// mark age, a 10% stale buffer, no cap); the fund's (cooldowns 7 to 90 days, a target
    /// coverage of 150%, an income share of 10% rising to 40%, junior weight 3, senior 1,
    /// no tranche floor, a 100% per-event cap); the market's as its unit tests set them
    /// (fees 3 bp spread, fee split 6:2:2 after the fund's share, retention 10%, a 5 USDC
    /// bounty, a one-hour cut-off and sequencer grace).
    pub(crate) fn new() -> Self {
        let secs = |x: u64| U256::from(x);
        let param = |key, value, min, max, direction| Param { key, value, min, max, direction };
        let any =
            |key, value| Param { key, value, min: U256::ZERO, max: U256::MAX, direction: NEITHER };
        let mut params = vec![
            param(TIMELOCK_DELAY_KEY, secs(2 * DAY), secs(HOUR), secs(30 * DAY), HIGHER_IS_SAFER),
            param(EXECUTION_WINDOW_KEY, secs(7 * DAY), secs(HOUR), secs(14 * DAY), LOWER_IS_SAFER),
            param(MAX_PAUSE_DURATION_KEY, secs(3 * DAY), secs(HOUR), secs(7 * DAY), LOWER_IS_SAFER),
            param(PAUSE_COOLDOWN_KEY, secs(DAY), U256::ZERO, secs(7 * DAY), HIGHER_IS_SAFER),
        ];
        for key in [
            MARKET_KEY,
            VAULT_KEY,
            INSURANCE_KEY,
            TREASURY_KEY,
            BOOK_KEY,
            LISTINGS_KEY,
            RISK_ENGINE_KEY,
            LISTER_KEY,
            SEQUENCER_FEED_KEY,
            SHORT_BOOK_KEY,
            MARGIN_ENGINE_KEY,
        ] {
            params.push(param(key, U256::ZERO, U256::ZERO, MAX_ADDRESS_VALUE, NEITHER));
        }
        // The vault.
        params.extend([
            any(MARK_MAX_AGE_KEY, secs(MARK_MAX_AGE)),
            any(STALE_BUFFER_KEY, pct(10)),
            any(DEPOSIT_CAP_KEY, U256::MAX),
            any(REDEEM_DELAY_KEY, secs(3 * DAY)),
            any(MIN_HOLD_TIME_KEY, secs(DAY)),
        ]);
        // The fund (its share keys are read by the market too).
        params.extend([
            any(MIN_COOLDOWN_KEY, secs(7 * DAY)),
            any(MAX_COOLDOWN_KEY, secs(90 * DAY)),
            any(WITHDRAW_WINDOW_KEY, secs(2 * DAY)),
            any(TARGET_COVERAGE_KEY, pct(150)),
            any(BASE_INCOME_SHARE_KEY, pct(10)),
            any(MAX_INCOME_SHARE_KEY, pct(40)),
        ]);
        for (t, weight) in [(JUNIOR, INCOME_WEIGHTS[0]), (SENIOR, INCOME_WEIGHTS[1])] {
            params.extend([
                any(tranche_key(t, DEPOSIT_CAP), U256::MAX),
                any(tranche_key(t, MIN_BALANCE), U256::ZERO),
                any(tranche_key(t, CAP_WAD), WAD),
                any(tranche_key(t, INCOME_WEIGHT), u(weight)),
            ]);
        }
        // The market's programs: the values of their unit tests (`GRACE`, `CUTOFF`).
        params.extend(market_params().map(|(key, value)| any(key, value)));
        // Traders' shorts: initial margin 120% of the stressed loss, maintenance half of
        // it, a 10% penalty shared half and half with the liquidator, at least 5 USDC.
        params.extend([
            any(INITIAL_MARGIN_KEY, pct(120)),
            any(MAINTENANCE_MARGIN_KEY, pct(50)),
            any(LIQUIDATION_PENALTY_KEY, pct(10)),
            any(LIQUIDATOR_SHARE_KEY, pct(50)),
            any(MIN_LIQUIDATION_BOUNTY_KEY, usdc(5)),
        ]);
        Setup { params }
    }

    /// Sets `key`'s initial value.
    ///
    /// # Panics
    ///
    /// * If `key` is not among the fixture's parameters.
    pub(crate) fn with(mut self, key: B256, value: U256) -> Self {
        let param = self
            .params
            .iter_mut()
            .find(|p| p.key == key)
            .expect("Setup::with: a key of the fixture");
        param.value = value;
        self
    }

    /// Deploys everything at `T0`: governance with every key, the vault, the fund (two
    /// tranches), the market's four programs; the ETH feed at 2000 USD (round 1, updated
    /// at `T0`), the sequencer up since two hours before `T0`; lists ETH (heartbeat one
    /// hour), a 30-day board at 80% and two strikes, 2100 (skew 1) and 1900 (skew 1.1).
    pub(crate) fn deploy(self) -> World {
        // A test that panicked while holding the lock leaves nothing behind to protect.
        let serial = SERIAL.lock().unwrap_or_else(PoisonError::into_inner);
        clock::reset();
        let mut world = World {
            gov: Contract::from_tag("governance"),
            vault: Contract::from_tag("vault"),
            fund: Contract::from_tag("fund"),
            market: Contract::from_tag("market"),
            book: Contract::from_tag("book"),
            listings: Contract::from_tag("listings"),
            engine: Contract::from_tag("engine"),
            shorts: Contract::from_tag("short-book"),
            margin: Contract::from_tag("margin-engine"),
            token: Contract::from_tag("usdc"),
            feed: Contract::from_tag("eth-usd"),
            sequencer: Contract::from_tag("sequencer"),
            admin: Address::from_tag("admin"),
            treasury: Address::from_tag("treasury"),
            board: 0,
            strikes: [0; 2],
            boards: RefCell::new(Vec::new()),
            round: Cell::new(0),
            holders: RefCell::new(Vec::new()),
            minted: Cell::new(U256::ZERO),
            claimed: Cell::new(U256::ZERO),
            writers: RefCell::new(Vec::new()),
            _serial: serial,
        };
        let addresses = [
            (MARKET_KEY, world.market.address()),
            (VAULT_KEY, world.vault.address()),
            (INSURANCE_KEY, world.fund.address()),
            (TREASURY_KEY, world.treasury),
            (BOOK_KEY, world.book.address()),
            (LISTINGS_KEY, world.listings.address()),
            (RISK_ENGINE_KEY, world.engine.address()),
            (LISTER_KEY, world.admin),
            (SEQUENCER_FEED_KEY, world.sequencer.address()),
            (SHORT_BOOK_KEY, world.shorts.address()),
            (MARGIN_ENGINE_KEY, world.margin.address()),
        ];
        let mut params = self.params;
        for p in &mut params {
            if let Some((_, account)) = addresses.iter().find(|(k, _)| *k == p.key) {
                p.value = address_to_value(*account);
            }
        }
        world
            .gov
            .sender(world.admin)
            .constructor(
                world.admin,
                Address::from_tag("guardian"),
                params.iter().map(|p| p.key).collect(),
                params.iter().map(|p| p.value).collect(),
                params.iter().map(|p| p.min).collect(),
                params.iter().map(|p| p.max).collect(),
                params.iter().map(|p| p.direction).collect(),
            )
            .expect("Setup::deploy: governance");
        let (token, gov) = (world.token.address(), world.gov.address());
        world
            .vault
            .sender(world.admin)
            .constructor(token, gov, text("Mutual LP"), text("mLP"))
            .expect("Setup::deploy: vault");
        world.fund.sender(world.admin).constructor(token, gov, 2).expect("Setup::deploy: fund");
        world.market.sender(world.admin).constructor(token, gov).expect("Setup::deploy: market");
        world.book.sender(world.admin).constructor(token, gov).expect("Setup::deploy: book");
        world
            .listings
            .sender(world.admin)
            .constructor(token, gov)
            .expect("Setup::deploy: listings");
        world.shorts.sender(world.admin).constructor(token, gov).expect("Setup::deploy: shorts");
        world.margin.sender(world.admin).constructor(token, gov).expect("Setup::deploy: margin");
        world.feed.sender(world.admin).set_decimals(8);
        world.set_price(2000, T0);
        world.set_sequencer(false, T0 - 2 * HOUR);
        let lister = || world.listings.sender(world.admin);
        lister().list_market(ETH, world.feed.address(), HEARTBEAT).expect("Setup::deploy: ETH");
        let board = lister().list_board(ETH, EXPIRY, pct(BASE_IV_PCT)).expect("deploy: board");
        let strikes = [
            lister().list_strike(board, wad(2100), WAD).expect("Setup::deploy: 2100"),
            lister().list_strike(board, wad(1900), pct(110)).expect("Setup::deploy: 1900"),
        ];
        world.boards.borrow_mut().push(board);
        for holder in [world.treasury, world.admin] {
            world.holders.borrow_mut().push(holder);
        }
        world.board = board;
        world.strikes = strikes;
        world
    }
}

/// The deployed protocol, its accounts and the test's bookkeeping of the tokens.
pub(crate) struct World {
    pub(crate) gov: Contract<GovernanceParams>,
    pub(crate) vault: Contract<MutualVault>,
    pub(crate) fund: Contract<InsuranceFund>,
    pub(crate) market: Contract<OptionsMarket>,
    pub(crate) book: Contract<OptionBook>,
    pub(crate) listings: Contract<OptionListings>,
    pub(crate) engine: Contract<RiskEngine>,
    pub(crate) shorts: Contract<ShortBook>,
    pub(crate) margin: Contract<MarginEngine>,
    pub(crate) token: Contract<MockErc20>,
    pub(crate) feed: Contract<MockAggregator>,
    pub(crate) sequencer: Contract<MockAggregator>,
    /// The governance admin and the lister.
    pub(crate) admin: Address,
    /// The address under `mutual.treasury`.
    pub(crate) treasury: Address,
    /// The fixture board.
    pub(crate) board: u64,
    /// Its strikes: 2100 (skew 1) and 1900 (skew 1.1).
    pub(crate) strikes: [u64; 2],
    /// Every board listed, for the market's balance check.
    boards: RefCell<Vec<u64>>,
    /// The latest round of the ETH feed.
    round: Cell<u64>,
    /// Every account that may hold the asset outside the contracts.
    holders: RefCell<Vec<Address>>,
    /// Every unit of the asset minted by the test.
    minted: Cell<U256>,
    /// Every unit the market paid to claims.
    claimed: Cell<U256>,
    /// Every account that ever wrote an option, for the short book's balance check.
    writers: RefCell<Vec<Address>>,
    /// The [`SERIAL`] lock, released after the contracts are dropped (fields drop in
    /// order).
    _serial: MutexGuard<'static, ()>,
}

/// The balances and books a trade or a settlement may move.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Books {
    /// The vault's booked cash.
    pub(crate) cash: U256,
    /// The vault's `totalAssets`.
    pub(crate) nav: U256,
    /// Each tranche's assets.
    pub(crate) tranches: [U256; 2],
    /// The market's reserve of ETH.
    pub(crate) reserve: U256,
    /// The treasury's balance.
    pub(crate) treasury: U256,
    /// The market's balance.
    pub(crate) market: U256,
    /// The fund's loss count.
    pub(crate) losses: U256,
    /// Open interest of each strike: `(calls, puts)`.
    pub(crate) open_interest: [(U256, U256); 2],
    /// The board's base IV.
    pub(crate) base_iv: U256,
}

impl World {
    /// The default world.
    pub(crate) fn new() -> Self {
        Setup::new().deploy()
    }

    /// Records `account` as a holder of the asset (once).
    pub(crate) fn hold(&self, account: Address) {
        let mut holders = self.holders.borrow_mut();
        if !holders.contains(&account) {
            holders.push(account);
        }
    }

    /// Mints `amount` to `account`, recorded.
    pub(crate) fn mint(&self, account: Address, amount: U256) {
        self.token.sender(self.admin).mint(account, amount).expect("World::mint");
        self.minted.set(self.minted.get() + amount);
        self.hold(account);
    }

    /// `lp` deposits `assets` (minted to it first) into the vault; returns the shares.
    pub(crate) fn deposit(&self, lp: Address, assets: U256) -> U256 {
        self.mint(lp, assets);
        self.token.sender(lp).approve(self.vault.address(), U256::MAX).expect("approve");
        self.vault.sender(lp).deposit(assets, lp).expect("World::deposit")
    }

    /// `staker` deposits `assets` (minted to it first) into `tranche`; returns the shares.
    pub(crate) fn stake(&self, staker: Address, tranche: u8, assets: U256) -> U256 {
        self.mint(staker, assets);
        self.token.sender(staker).approve(self.fund.address(), U256::MAX).expect("approve");
        self.fund.sender(staker).deposit(tranche, assets, staker).expect("World::stake")
    }

    /// Gives `trader` `amount` (minted) approved to the market.
    pub(crate) fn trader(&self, trader: Address, amount: U256) {
        self.mint(trader, amount);
        self.token.sender(trader).approve(self.market.address(), U256::MAX).expect("approve");
    }

    /// Gives `writer` `amount` (minted) approved to the short book, recorded as a writer.
    pub(crate) fn writer(&self, writer: Address, amount: U256) {
        self.mint(writer, amount);
        self.token.sender(writer).approve(self.shorts.address(), U256::MAX).expect("approve");
        self.writers.borrow_mut().push(writer);
    }

    /// `writer` sells `amount` of strike `i`'s side to the pool with `margin`, no slippage
    /// bound and no deadline; returns the proceeds.
    pub(crate) fn sell_short(
        &self,
        writer: Address,
        i: usize,
        is_call: bool,
        amount: U256,
        margin: U256,
    ) -> Result<U256, mutual_short_book::Error> {
        self.shorts.sender(writer).sell_short(
            self.strikes[i],
            is_call,
            amount,
            U256::ZERO,
            u64::MAX,
            margin,
        )
    }

    /// `account`'s collateral in the short book.
    pub(crate) fn collateral(&self, account: Address) -> U256 {
        self.shorts.sender(self.admin).account(account).1
    }

    /// The short book's reserve.
    pub(crate) fn short_reserve(&self) -> U256 {
        self.shorts.sender(self.admin).book().2
    }

    /// Records the next ETH round: `price` USD (8 decimals), updated at `updated_at`;
    /// returns its id.
    pub(crate) fn set_price(&self, price: u64, updated_at: u64) -> u64 {
        let round = self.round.get() + 1;
        self.round.set(round);
        let answer = I256::try_from(u128::from(price) * 100_000_000).expect("set_price: answer");
        self.feed.sender(self.admin).set_round(
            U80::from(round),
            answer,
            U256::from(updated_at),
            U256::from(updated_at),
            U80::from(round),
        );
        round
    }

    /// Records the sequencer's status: down or up, since `since`.
    pub(crate) fn set_sequencer(&self, down: bool, since: u64) {
        self.sequencer.sender(self.admin).set_round(
            U80::from(1),
            if down { I256::ONE } else { I256::ZERO },
            U256::from(since),
            U256::from(since),
            U80::from(1),
        );
    }

    /// Moves the clock to `at` and records a fresh ETH round of `price` there.
    pub(crate) fn at_price(&self, at: u64, price: u64) -> u64 {
        set_time(at);
        self.set_price(price, at)
    }

    /// `trader` buys `amount` of strike `i`'s side with no slippage bound and no deadline.
    pub(crate) fn buy(
        &self,
        trader: Address,
        i: usize,
        is_call: bool,
        amount: U256,
    ) -> Result<u64, Error> {
        self.market.sender(trader).buy(self.strikes[i], is_call, amount, U256::MAX, u64::MAX)
    }

    /// `quote(strike i, isCall, amount, isBuy)` from the book: `(premium, fees, volWad)`.
    pub(crate) fn quote(
        &self,
        i: usize,
        is_call: bool,
        amount: U256,
        is_buy: bool,
    ) -> (U256, U256, U256) {
        self.book
            .sender(self.admin)
            .quote(self.strikes[i], is_call, amount, is_buy)
            .expect("World::quote")
    }

    /// Settles `board` at `round` as `settler`.
    pub(crate) fn settle(&self, settler: Address, board: u64, round: u64) -> Result<U256, Error> {
        self.hold(settler);
        self.market.sender(settler).settle(board, U256::from(round))
    }

    /// Claims `ids`; records what was paid.
    pub(crate) fn claim(&self, ids: Vec<u64>) -> U256 {
        let paid = self.market.sender(self.admin).claim(ids).expect("World::claim");
        self.claimed.set(self.claimed.get() + paid);
        paid
    }

    /// Lists another ETH board expiring at `expiry` at 80%, with a 2000 strike (skew 1).
    /// Returns `(board, strike)`.
    pub(crate) fn list_board(&self, expiry: u64) -> (u64, u64) {
        let lister = || self.listings.sender(self.admin);
        let board = lister().list_board(ETH, expiry, pct(BASE_IV_PCT)).expect("list_board");
        let strike = lister().list_strike(board, wad(2000), WAD).expect("list_board: strike");
        self.boards.borrow_mut().push(board);
        (board, strike)
    }

    /// The asset balance of `account`.
    pub(crate) fn balance(&self, account: Address) -> U256 {
        self.token.sender(self.admin).balance_of(account)
    }

    /// The vault's booked cash.
    pub(crate) fn cash(&self) -> U256 {
        self.vault.sender(self.admin).valuation().expect("World::cash").0
    }

    /// The vault's `totalAssets`.
    pub(crate) fn nav(&self) -> U256 {
        self.vault.sender(self.admin).total_assets()
    }

    /// The pool's liability as the book marks it now.
    pub(crate) fn liability(&self) -> U256 {
        self.book.sender(self.admin).pool_liability().expect("World::liability").0
    }

    /// `tranche`'s assets.
    pub(crate) fn tranche(&self, tranche: u8) -> U256 {
        self.fund.sender(self.admin).total_assets(tranche).expect("World::tranche")
    }

    /// `(longCalls, longPuts)` of strike `i`.
    pub(crate) fn open_interest(&self, i: usize) -> (U256, U256) {
        let s = self.listings.sender(self.admin).strike(self.strikes[i]);
        (s.3, s.4)
    }

    /// Everything a trade or a settlement may move.
    pub(crate) fn books(&self) -> Books {
        Books {
            cash: self.cash(),
            nav: self.nav(),
            tranches: [self.tranche(JUNIOR), self.tranche(SENIOR)],
            reserve: self.market.sender(self.admin).reserve(ETH),
            treasury: self.balance(self.treasury),
            market: self.balance(self.market.address()),
            losses: self.fund.sender(self.admin).loss_count(),
            open_interest: [self.open_interest(0), self.open_interest(1)],
            base_iv: self.listings.sender(self.admin).board(self.board).2,
        }
    }

    /// The fund's share of the fees, 18 decimals, by its rule on the governance keys
    /// (`insurance.baseIncomeShareWad`, `.maxIncomeShareWad`, `.targetCoverageWad`): the
    /// base share unless the fund's coverage `fund_assets / stressed` (rounded down) is
    /// below the target, then raised linearly towards the maximum, rounded up.
    pub(crate) fn expected_share(&self, stressed: U256, fund_assets: U256) -> U256 {
        let keys = [BASE_INCOME_SHARE_KEY, MAX_INCOME_SHARE_KEY, TARGET_COVERAGE_KEY];
        let values = self.gov.sender(self.admin).get_many(keys.to_vec()).expect("share keys");
        let (base, max, target) = (values[0], values[1].max(values[0]), values[2]);
        if stressed.is_zero() || target.is_zero() {
            return base;
        }
        let coverage = mul_div_down(fund_assets, WAD, stressed).unwrap_or(U256::MAX);
        if coverage >= target {
            return base;
        }
        base + mul_div_up(max - base, target - coverage, target).expect("raise")
    }

    /// The fee split the market must make of `fees` on a trade after which the ETH book's
    /// stressed loss is `stressed`, with the fund holding `fund_assets` before it:
    /// `[toVault, toInsurance, toReserve, toTreasury]`. The fund's share is its rule
    /// (`InsuranceFund::income_share_wad`) on the fixture's keys (10% base, 40% max, 150%
    /// target), its part rounded down; the rest 6:2:2 by largest remainder.
    pub(crate) fn expected_split(
        &self,
        fees: U256,
        stressed: U256,
        fund_assets: U256,
    ) -> [U256; 4] {
        let share = self.expected_share(stressed, fund_assets);
        let to_insurance = fees * share.min(WAD) / WAD;
        let mut parts = [U256::ZERO; 3];
        split_largest_remainder(fees - to_insurance, &[u(6), u(2), u(2)], &mut parts)
            .expect("split");
        [parts[0], to_insurance, parts[1], parts[2]]
    }

    /// How the fund books `income` across its tranches holding `assets`: in proportion to
    /// `weight x assets` of each tranche with shares, by largest remainder.
    pub(crate) fn expected_income(&self, income: U256, assets: [U256; 2]) -> [U256; 2] {
        let mut weights = [U256::ZERO; 2];
        for (t, weight) in [(JUNIOR, INCOME_WEIGHTS[0]), (SENIOR, INCOME_WEIGHTS[1])] {
            let supply = self.fund.sender(self.admin).total_supply(t).expect("supply");
            if !supply.is_zero() {
                weights[usize::from(t)] = u(weight) * assets[usize::from(t)];
            }
        }
        if weights.iter().all(U256::is_zero) {
            weights = [u(INCOME_WEIGHTS[0]), u(INCOME_WEIGHTS[1])];
        }
        let mut split = [U256::ZERO; 2];
        split_largest_remainder(income, &weights, &mut split).expect("income split");
        split
    }

    /// The conservation check, run after every step: no unit of the asset was created or
    /// lost (the minted total is exactly what the recorded holders, the vault, the fund
    /// the market and the short book hold, and the token's supply), and each contract
    /// holds exactly what it books: the vault its cash, the fund the sum of its tranches,
    /// the market its reserve plus what settled boards still owe their unclaimed
    /// positions, the short book its writers' collateral plus its reserve. With a fresh
    /// mark the vault's NAV is its cash less the book's liability (floored at 0), and it
    /// locks the book's required collateral from LP exits.
    pub(crate) fn check(&self) {
        let minted = self.minted.get();
        let vault = self.balance(self.vault.address());
        let fund = self.balance(self.fund.address());
        let market = self.balance(self.market.address());
        let held: U256 = self.holders.borrow().iter().map(|a| self.balance(*a)).sum();
        let shorts = self.balance(self.shorts.address());
        assert_eq!(
            held + vault + fund + market + shorts,
            minted,
            "conservation: a unit appeared or vanished"
        );
        assert_eq!(self.token.sender(self.admin).total_supply(), minted, "conservation: supply");
        let valuation = self.vault.sender(self.admin).valuation().expect("valuation");
        assert_eq!(vault, valuation.0, "the vault holds its cash");
        let fund_assets = self.fund.sender(self.admin).fund_assets();
        assert_eq!(fund, fund_assets, "the fund holds its tranches");
        assert_eq!(fund_assets, self.tranche(JUNIOR) + self.tranche(SENIOR));
        let available: U256 =
            self.boards.borrow().iter().map(|b| self.market.sender(self.admin).payout(*b).1).sum();
        let reserve = self.market.sender(self.admin).reserve(ETH);
        assert_eq!(market, reserve + available - self.claimed.get(), "the market's balance");
        let collateral: U256 = self.writers.borrow().iter().map(|a| self.collateral(*a)).sum();
        assert_eq!(shorts, collateral + self.short_reserve(), "the short book's balance");
        if valuation.5 {
            assert_eq!(valuation.2, self.liability(), "the vault marks the book's liability");
            let required = self.book.sender(self.admin).required_collateral().expect("required");
            assert_eq!(valuation.3, required, "the vault locks the book's required collateral");
            assert_eq!(self.nav(), (valuation.0 + valuation.1).saturating_sub(valuation.2));
        }
    }
}

/// `lossRecord` and `lossAbsorbed` of `id` together, in the order of the `LossCovered`
/// event: `(kind, marketId, requested, absorbed, residual, timestamp)`.
#[allow(clippy::type_complexity, reason = "the fields of one loss, as the event has them")]
pub(crate) fn loss(
    fund: &Contract<InsuranceFund>,
    id: U256,
) -> Result<(u8, B256, U256, Vec<U256>, U256, u64), mutual_insurance::Error> {
    let reader = Address::repeat_byte(0x1f);
    let (kind, market_id, requested, residual, timestamp) = fund.sender(reader).loss_record(id)?;
    let absorbed = fund.sender(reader).loss_absorbed(id)?;
    Ok((kind, market_id, requested, absorbed, residual, timestamp))
}
