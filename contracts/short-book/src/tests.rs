//! Unit tests of `ShortBook` (motsu) with the programs it calls deployed beside it (the
//! `MarginEngine`, and the `OptionListings` and `RiskEngine` the engine reads) and mocks: a
//! 6-decimal ERC-20, a settable governance store, settable Chainlink-style feeds (spot and
//! sequencer), and a vault and an insurance fund that pay and book as the real ones do.
//!
//! Every refusal goes through `motsu_unwrap_err`, which reverts the call (motsu keeps the
//! storage and events of a call returning `Err` otherwise), and is followed by a re-read of
//! every state it could have touched ([`State`]): the accounts, the lines, the book, the
//! token balances, the vault's and the fund's books, the listings and the events. Expected
//! numbers are computed independently with the pure crate (`mutual_risk`) from the
//! fixture's keys, the way the programs must call it.
#![allow(clippy::too_many_lines, reason = "scenario tests read top to bottom")]

use alloy_primitives::{aliases::U80, keccak256, uint, Address, B256, I256, U256};
use alloy_sol_types::{SolError, SolEvent};
use motsu::prelude::*;
use mutual_contract_kit::{abi::LogWords, clock};
use mutual_interfaces::{
    calls::selector,
    keys::{
        address_to_value, BOOK_KEY, IMPACT_KEY, INITIAL_MARGIN_KEY, INSURANCE_KEY,
        LIQUIDATION_PENALTY_KEY, LIQUIDATOR_SHARE_KEY, LISTER_KEY, LISTINGS_KEY,
        MAINTENANCE_MARGIN_KEY, MARGIN_ENGINE_KEY, MARKET_KEY, MAX_HEARTBEAT_KEY, MAX_IV_KEY,
        MAX_SKEW_KEY, MAX_STRIKE_OI_KEY, MAX_TENOR_KEY, MIN_IV_KEY, MIN_LIQUIDATION_BOUNTY_KEY,
        MIN_SKEW_KEY, MIN_TENOR_KEY, MIN_TRADE_KEY, PROTOCOL_SCOPE, RATE_KEY, RISK_ENGINE_KEY,
        SEQUENCER_FEED_KEY, SEQUENCER_GRACE_KEY, SHORT_BOOK_KEY, SPREAD_CAP_KEY, SPREAD_FEE_KEY,
        STRESS_SPOT_DOWN_KEY, STRESS_SPOT_UP_KEY, STRESS_VOL_UP_KEY, TRADING_CUTOFF_KEY, VAULT_KEY,
    },
    split::{array, encode, words, Arg},
};
use mutual_margin_engine::MarginEngine;
use mutual_option_listings::{MarketStalePrice, MarketUnknownStrike, OptionListings};
use mutual_risk::{
    black_scholes::{prices, years_wad_from_seconds_down, Inputs},
    margin::{
        liability_asset_up, liquidation_split, requirement_asset_up, LiquidationParams,
        MarginParams, Requirement,
    },
    stress::{Grid, Position},
    trade::{
        fees_asset_up, premium_asset_down, premium_asset_up, trade_vol_wad, FeeSchedule, VolCurve,
    },
};
use mutual_risk_engine::RiskEngine;
use mutual_test_mocks::{
    MockAggregator, MockErc20, MockGovernance, MockInsuranceFund, MockMarket, MockPoolVault,
};
use stylus_sdk::abi::Router;

use super::*;

// ---- Fixture --------------------------------------------------------------------------------

/// motsu 0.10's constant block timestamp (2025-01-01T00:00:00Z).
const T0: u64 = 1_735_689_600;
/// One hour in seconds.
const HOUR: u64 = 3_600;
/// One day in seconds.
const DAY: u64 = 86_400;
/// The fixture board's expiry: 30 days after `T0`.
const EXPIRY: u64 = T0 + 30 * DAY;
/// The trading cut-off: one hour.
const CUTOFF: u64 = HOUR;
/// The ETH feed's heartbeat: one hour.
const HEARTBEAT: u64 = HOUR;
/// The sequencer's grace period: one hour.
const GRACE: u64 = HOUR;
/// 1e18.
const WAD: U256 = uint!(1_000_000_000_000_000_000_U256);
/// 1e18 as `u128`.
const W: u128 = 1_000_000_000_000_000_000;
/// The ETH market id.
const ETH: B256 = B256::repeat_byte(0xe7);
/// The BTC market id (listed by the tests that need a second underlying).
const BTC: B256 = B256::repeat_byte(0xb7);
/// The asset's decimals (the mock ERC-20's).
const DECIMALS: u8 = 6;
/// `market.rateWad`: 5%.
const RATE: u128 = W / 20;
/// `market.impactWad`: the base IV moves 0.001 per option traded.
const IMPACT: u128 = W / 1000;
/// `market.minIvWad`: 10%.
const MIN_IV: u128 = W / 10;
/// `market.maxIvWad`: 300%.
const MAX_IV: u128 = 3 * W;
/// `market.spreadFeeWad`: 3 bps of the notional.
const SPREAD_FEE: u128 = 3 * W / 10_000;
/// `market.spreadCapWad`: the spread fee is at most 12.5% of the premium.
const SPREAD_CAP: u128 = W / 8;
/// `market.minTradeWad`: 0.01 options.
const MIN_TRADE: u128 = W / 100;
/// `market.stressSpotDownWad`: the grid's spot crash, 50%.
const STRESS_DOWN: u128 = W / 2;
/// `market.stressSpotUpWad`: the grid's spot rally, 50%.
const STRESS_UP: u128 = W / 2;
/// `market.stressVolUpWad`: the grid's volatility shock, +50%.
const STRESS_VOL: u128 = W / 2;
/// `market.initialMarginWad`: 120% of the worst stressed loss.
const INITIAL: u128 = 12 * W / 10;
/// `market.maintenanceMarginWad`: half the initial margin.
const MAINTENANCE: u128 = W / 2;
/// `market.liquidationPenaltyWad`: 10% of the liability.
const PENALTY: u128 = W / 10;
/// `market.liquidatorShareWad`: half the penalty.
const LIQUIDATOR_SHARE: u128 = W / 2;
/// `market.minLiquidationBounty`: 5 USDC.
const MIN_BOUNTY: u64 = 5_000_000;
/// The stress grid's spot factors, from the keys: `1 - d, 1 - d/2, 1, 1 + u/2, 1 + u`.
const SPOT_FACTORS: [u128; 5] =
    [W - STRESS_DOWN, W - STRESS_DOWN / 2, W, W + STRESS_UP / 2, W + STRESS_UP];
/// The stress grid's volatility factors, from the keys: `1, 1 + v`.
const VOL_FACTORS: [u128; 2] = [W, W + STRESS_VOL];

/// `x` USDC (6 decimals).
fn usdc(x: u64) -> U256 {
    U256::from(x) * U256::from(1_000_000u64)
}

/// `x / 100` WAD.
fn pct(x: u64) -> U256 {
    WAD * U256::from(x) / U256::from(100)
}

/// `x` WAD.
fn wad(x: u64) -> U256 {
    WAD * U256::from(x)
}

/// A `u128` as `U256`.
fn u(x: u128) -> U256 {
    U256::from(x)
}

/// One unit (of the asset, or one wei of an amount).
fn one() -> U256 {
    U256::from(1)
}

/// A `U256` known to fit 128 bits.
fn narrow(x: U256) -> u128 {
    u128::try_from(x).expect("narrow: fits 128 bits")
}

/// The lister, the governance operator, and the stand-in for `market.book` (it settles
/// boards in the listings).
fn admin() -> Address {
    Address::repeat_byte(0xad)
}

/// A trader.
fn alice() -> Address {
    Address::repeat_byte(0xa1)
}

/// Another trader.
fn bob() -> Address {
    Address::repeat_byte(0xb0)
}

/// A third trader.
fn carol() -> Address {
    Address::repeat_byte(0xca)
}

/// The line key of a strike's side, as a word of the margin engine's pairs.
fn key(strike_id: u64, is_call: bool) -> U256 {
    U256::from(line_key(strike_id, is_call))
}

/// The contracts of a test.
struct Env {
    shorts: Contract<ShortBook>,
    margin: Contract<MarginEngine>,
    listings: Contract<OptionListings>,
    engine: Contract<RiskEngine>,
    token: Contract<MockErc20>,
    gov: Contract<MockGovernance>,
    feed: Contract<MockAggregator>,
    sequencer: Contract<MockAggregator>,
    vault: Contract<MockPoolVault>,
    fund: Contract<MockInsuranceFund>,
    /// The market, as the short book sees it: its `requiredCollateral` (0 unless a test
    /// sets it).
    market: Contract<MockMarket>,
    /// The fixture board.
    board: u64,
    /// Its strikes: 2100 (skew 1) and 1900 (skew 1.1).
    strikes: [u64; 2],
}

/// Everything a call of the short book may change, read back through the views.
#[derive(Debug, PartialEq)]
struct State {
    /// `book()`.
    book: (Address, Address, U256, u64),
    /// `account()` of Alice, Bob and Carol.
    accounts: Vec<(B256, U256, u64)>,
    /// `shorts()` of each of them, strikes 1 to 10, both sides.
    lines: Vec<(U256, U256)>,
    /// The token balances of the short book, the vault, the fund, Alice, Bob and Carol.
    balances: Vec<U256>,
    /// The vault's cash, then what it booked and paid for each reason 0 to 3.
    vault: Vec<U256>,
    /// What the fund covered.
    covered: U256,
    /// The listings' boards 1 to 3.
    boards: Vec<(B256, u64, U256, u32, bool, U256)>,
    /// The listings' strikes 1 to 10.
    strikes: Vec<(u64, U256, U256, U256, U256)>,
    /// How many logs the short book emitted.
    events: usize,
}

impl Env {
    /// Deploys the mocks, the listings, the risk engine, the margin engine and the short
    /// book at `T0` with every key they read; lists ETH (8-decimal feed at 2000, updated at
    /// `T0`), a 30-day board at 80% and two strikes; the sequencer up since two hours;
    /// funds the vault (1,000,000 USDC of cash) and the fund (100,000 USDC of cover), and
    /// gives Alice, Bob and Carol 100,000 USDC each, approved to the short book.
    fn new() -> Self {
        clock::reset();
        let mut env = Env {
            shorts: Contract::from_tag("short-book"),
            margin: Contract::from_tag("margin-engine"),
            listings: Contract::from_tag("listings"),
            engine: Contract::from_tag("engine"),
            token: Contract::from_tag("usdc"),
            gov: Contract::from_tag("governance"),
            feed: Contract::from_tag("eth-usd"),
            sequencer: Contract::from_tag("sequencer"),
            vault: Contract::from_tag("vault"),
            market: Contract::from_tag("market"),
            fund: Contract::from_tag("fund"),
            board: 0,
            strikes: [0; 2],
        };
        let address = address_to_value;
        for (key, value) in [
            (SHORT_BOOK_KEY, address(env.shorts.address())),
            (MARGIN_ENGINE_KEY, address(env.margin.address())),
            (BOOK_KEY, address(admin())),
            (LISTINGS_KEY, address(env.listings.address())),
            (RISK_ENGINE_KEY, address(env.engine.address())),
            (VAULT_KEY, address(env.vault.address())),
            (MARKET_KEY, address(env.market.address())),
            (INSURANCE_KEY, address(env.fund.address())),
            (LISTER_KEY, address(admin())),
            (SEQUENCER_FEED_KEY, address(env.sequencer.address())),
            (SEQUENCER_GRACE_KEY, U256::from(GRACE)),
            (RATE_KEY, u(RATE)),
            (MIN_IV_KEY, u(MIN_IV)),
            (MAX_IV_KEY, u(MAX_IV)),
            (MIN_SKEW_KEY, pct(50)),
            (MAX_SKEW_KEY, pct(200)),
            (MIN_TENOR_KEY, U256::from(DAY)),
            (MAX_TENOR_KEY, U256::from(90 * DAY)),
            (MAX_HEARTBEAT_KEY, U256::from(DAY)),
            (IMPACT_KEY, u(IMPACT)),
            (SPREAD_FEE_KEY, u(SPREAD_FEE)),
            (SPREAD_CAP_KEY, u(SPREAD_CAP)),
            (MIN_TRADE_KEY, u(MIN_TRADE)),
            (MAX_STRIKE_OI_KEY, wad(1000)),
            (TRADING_CUTOFF_KEY, U256::from(CUTOFF)),
            (STRESS_SPOT_DOWN_KEY, u(STRESS_DOWN)),
            (STRESS_SPOT_UP_KEY, u(STRESS_UP)),
            (STRESS_VOL_UP_KEY, u(STRESS_VOL)),
            (INITIAL_MARGIN_KEY, u(INITIAL)),
            (MAINTENANCE_MARGIN_KEY, u(MAINTENANCE)),
            (LIQUIDATION_PENALTY_KEY, u(PENALTY)),
            (LIQUIDATOR_SHARE_KEY, u(LIQUIDATOR_SHARE)),
            (MIN_LIQUIDATION_BOUNTY_KEY, U256::from(MIN_BOUNTY)),
        ] {
            env.set(key, value);
        }
        env.feed.sender(admin()).set_decimals(8);
        env.set_price(1, 2000, T0);
        env.set_sequencer(I256::ZERO, T0 - 2 * HOUR);
        let mint = |to: Address, amount: U256| {
            env.token.sender(admin()).mint(to, amount).expect("Env::new: mint");
        };
        mint(env.vault.address(), usdc(1_000_000));
        env.vault.sender(admin()).init(env.token.address(), usdc(1_000_000), usdc(1_000_000));
        mint(env.fund.address(), usdc(100_000));
        env.fund.sender(admin()).init(env.token.address(), usdc(100_000), pct(10), usdc(200_000));
        for trader in [alice(), bob(), carol()] {
            env.fund_trader(trader);
        }
        let (token, gov) = (env.token.address(), env.gov.address());
        env.shorts.sender(admin()).constructor(token, gov).expect("Env::new: short book");
        env.margin.sender(admin()).constructor(token, gov).expect("Env::new: margin engine");
        env.listings.sender(admin()).constructor(token, gov).expect("Env::new: listings");
        env.listings.sender(admin()).list_market(ETH, env.feed.address(), HEARTBEAT).expect("ETH");
        env.board = env.listings.sender(admin()).list_board(ETH, EXPIRY, pct(80)).expect("board");
        env.strikes = [
            env.listings.sender(admin()).list_strike(env.board, wad(2100), WAD).expect("2100"),
            env.listings.sender(admin()).list_strike(env.board, wad(1900), pct(110)).expect("1900"),
        ];
        env
    }

    /// Sets governance `key` to `value`.
    fn set(&self, key: B256, value: U256) {
        self.gov.sender(admin()).set(key, value);
    }

    /// Pauses or unpauses the market's scope.
    fn pause(&self, paused: bool) {
        self.gov.sender(admin()).set_paused(PAUSE_SCOPE, paused);
    }

    /// Mints 100,000 USDC to `trader`, who approves the short book.
    fn fund_trader(&self, trader: Address) {
        self.token.sender(admin()).mint(trader, usdc(100_000)).expect("fund_trader: mint");
        self.token.sender(trader).approve(self.shorts.address(), U256::MAX).expect("approve");
    }

    /// Records ETH round `round` of `price` USD (8 decimals), updated at `updated_at`.
    fn set_price(&self, round: u64, price: u64, updated_at: u64) {
        let answer =
            I256::try_from(price).expect("price") * I256::try_from(100_000_000u64).expect("1e8");
        self.feed.sender(admin()).set_round(
            U80::from(round),
            answer,
            U256::from(updated_at),
            U256::from(updated_at),
            U80::from(round),
        );
    }

    /// Sets the sequencer feed's status: `answer` (0 up, 1 down) since `since`.
    fn set_sequencer(&self, answer: I256, since: u64) {
        self.sequencer.sender(admin()).set_round(
            U80::from(1),
            answer,
            U256::from(since),
            U256::from(since),
            U80::from(1),
        );
    }

    /// The token balance of `account`.
    fn balance(&self, account: Address) -> U256 {
        self.token.sender(admin()).balance_of(account)
    }

    /// `trader` writes `amount` options of `strike_id` with `margin`, no slippage bound;
    /// returns the proceeds.
    fn sell(
        &self,
        trader: Address,
        strike_id: u64,
        is_call: bool,
        amount: U256,
        margin: U256,
    ) -> U256 {
        self.shorts
            .sender(trader)
            .sell_short(strike_id, is_call, amount, U256::ZERO, u64::MAX, margin)
            .expect("Env::sell")
    }

    /// `trader` buys back `amount` written options of `strike_id`, no slippage bound;
    /// returns the cost.
    fn close(&self, trader: Address, strike_id: u64, is_call: bool, amount: U256) -> U256 {
        self.shorts
            .sender(trader)
            .close_short(strike_id, is_call, amount, U256::MAX, u64::MAX)
            .expect("Env::close")
    }

    /// `accountHealth(account)`.
    fn health(&self, account: Address) -> (U256, U256, U256, U256, bool) {
        self.shorts.sender(admin()).account_health(account).expect("Env::health")
    }

    /// `account(account)`.
    fn account(&self, account: Address) -> (B256, U256, u64) {
        self.shorts.sender(admin()).account(account)
    }

    /// `book()`.
    fn book(&self) -> (Address, Address, U256, u64) {
        self.shorts.sender(admin()).book()
    }

    /// `MarginEngine.quote` of `amount` (the minimum trade checked).
    fn quote(
        &self,
        strike_id: u64,
        is_call: bool,
        is_buy: bool,
        amount: U256,
    ) -> (B256, U256, U256, U256, U256, U256) {
        self.margin
            .sender(admin())
            .quote(strike_id, is_call, is_buy, amount, true)
            .expect("Env::quote")
    }

    /// The ETH spot the listings answer (no age check), 18 decimals.
    fn spot(&self) -> u128 {
        narrow(self.listings.sender(admin()).spot(ETH, false).expect("Env::spot").0)
    }

    /// `strikeInfo(strike_id)` of the listings.
    #[allow(clippy::type_complexity, reason = "the listings' return tuple")]
    fn info(&self, strike_id: u64) -> (B256, u64, u64, U256, U256, U256, bool, U256, U256, U256) {
        self.listings.sender(admin()).strike_info(strike_id).expect("Env::info")
    }

    /// The price of a trade of `amount` options of `strike_id` at `now`, computed with the
    /// pure crate from the listings' strike and board and the fixture's keys: `(premium,
    /// fees, volWad, baseIvAfterWad)` (the spread fee only: a short commits no pool
    /// collateral, so no utilization fee).
    fn pure_quote(
        &self,
        strike_id: u64,
        is_call: bool,
        is_buy: bool,
        amount: U256,
        now: u64,
    ) -> (U256, U256, U256, U256) {
        let info = self.info(strike_id);
        let amount = narrow(amount);
        let curve = VolCurve {
            base_iv_wad: narrow(info.5),
            skew_wad: narrow(info.4),
            impact_wad: IMPACT,
            min_iv_wad: MIN_IV,
            max_iv_wad: MAX_IV,
        };
        let vol = trade_vol_wad(&curve, amount, is_buy).expect("pure_quote: vol");
        let spot = self.spot();
        let p = prices(&Inputs {
            spot_wad: spot,
            strike_wad: narrow(info.3),
            t_years_wad: years_wad_from_seconds_down(info.2 - now),
            vol_wad: vol.vol_wad,
            rate_wad: RATE,
        })
        .expect("pure_quote: prices");
        let price = if is_call { p.call_wad } else { p.put_wad };
        let premium = if is_buy {
            premium_asset_up(price, amount, DECIMALS)
        } else {
            premium_asset_down(price, amount, DECIMALS)
        }
        .expect("pure_quote: premium");
        let schedule = FeeSchedule {
            spread_rate_wad: SPREAD_FEE,
            spread_cap_of_premium_wad: SPREAD_CAP,
            utilization_rate_wad: 0,
        };
        let fees = fees_asset_up(spot, amount, premium, &schedule, DECIMALS).expect("fees").total;
        (premium, fees, u(vol.vol_wad), u(vol.base_iv_after_wad))
    }

    /// `amount` written options of `strike_id` as a position of the pure crate at `now`:
    /// marked at `baseIv x skew` rounded up (`up`) or down, with the time to expiry
    /// rounded down into years (at least one second).
    fn position(
        &self,
        strike_id: u64,
        is_call: bool,
        amount: U256,
        up: bool,
        now: u64,
    ) -> Position {
        let info = self.info(strike_id);
        let product = narrow(info.5) * narrow(info.4);
        let vol_wad = if up { product.div_ceil(W) } else { product / W };
        let written = -i128::try_from(narrow(amount)).expect("position: amount");
        Position {
            strike_wad: narrow(info.3),
            t_years_wad: years_wad_from_seconds_down(info.2.saturating_sub(now).max(1)),
            vol_wad,
            call_amount_wad: if is_call { written } else { 0 },
            put_amount_wad: if is_call { 0 } else { written },
        }
    }

    /// The requirements of writing `lines` (`(strikeId, isCall, amount)`) at `now` and the
    /// current spot: `mutual_risk::margin::requirement_asset_up` over the fixture's grid.
    fn requirement(&self, lines: &[(u64, bool, U256)], now: u64) -> Requirement {
        let book: Vec<Position> = lines
            .iter()
            .map(|&(id, is_call, amount)| self.position(id, is_call, amount, true, now))
            .collect();
        let grid = Grid { spot_factors_wad: &SPOT_FACTORS, vol_factors_wad: &VOL_FACTORS };
        let params =
            MarginParams { initial_multiplier_wad: INITIAL, maintenance_fraction_wad: MAINTENANCE };
        requirement_asset_up(self.spot(), RATE, &book, &grid, &params, DECIMALS)
            .expect("Env::requirement")
    }

    /// What the pool's options against `lines` (the book's totals, all live) are worth at
    /// `now`: the held book marked at `baseIv x skew` rounded down, valued as the cost of
    /// its written mirror (rounded up), less the documented slack of one unit per line and
    /// one for the underlying.
    fn pure_receivable(&self, lines: &[(u64, bool, U256)], now: u64) -> U256 {
        let book: Vec<Position> = lines
            .iter()
            .map(|&(id, is_call, amount)| self.position(id, is_call, amount, false, now))
            .collect();
        let value = liability_asset_up(self.spot(), RATE, &book, DECIMALS).expect("receivable");
        value.saturating_sub(U256::from(lines.len() + 1))
    }

    /// Moves the clock to the fixture board's expiry with round 2 at 2000 a second before
    /// it and round 3 at `price` at it (the settlement round).
    fn expire_at(&self, price: u64) {
        clock::set_offset(EXPIRY - T0);
        self.set_price(2, 2000, EXPIRY - 1);
        self.set_price(3, price, EXPIRY);
    }

    /// Settles the fixture board in the listings from round 3, as `market.book` (the admin).
    fn settle_board(&self) {
        self.listings.sender(admin()).settle_board(self.board, U256::from(3)).expect("settle");
    }

    /// Lists BTC (18-decimal feed at 60,000, updated at `T0`, on `feed`), a 60-day board at
    /// 60% and a 65,000 strike; returns the strike.
    fn list_btc(&self, feed: &Contract<MockAggregator>) -> u64 {
        feed.sender(admin()).set_decimals(18);
        feed.sender(admin()).set_round(
            U80::from(1),
            I256::try_from(wad(60_000)).expect("60k"),
            U256::from(T0),
            U256::from(T0),
            U80::from(1),
        );
        self.listings.sender(admin()).list_market(BTC, feed.address(), HOUR).expect("BTC");
        let board =
            self.listings.sender(admin()).list_board(BTC, T0 + 60 * DAY, pct(60)).expect("board");
        self.listings.sender(admin()).list_strike(board, wad(65_000), WAD).expect("65k")
    }

    /// The short book's logs of event `E`, decoded, in order.
    fn events<E: SolEvent>(&self) -> Vec<E> {
        self.shorts
            .all_events()
            .iter()
            .filter(|log| log.topics().first() == Some(&E::SIGNATURE_HASH))
            .map(|log| E::decode_log_data(log, true).expect("Env::events: decode"))
            .collect()
    }

    /// Everything a call of the short book may change.
    fn state(&self) -> State {
        let traders = [alice(), bob(), carol()];
        let mut lines = Vec::new();
        for trader in traders {
            for id in 1..=10 {
                for is_call in [true, false] {
                    lines.push(self.shorts.sender(admin()).shorts(trader, id, is_call));
                }
            }
        }
        let vault = self.vault.sender(admin());
        let mut books = vec![vault.cash()];
        for reason in 0..4 {
            books.push(self.vault.sender(admin()).booked(reason));
            books.push(self.vault.sender(admin()).paid(reason));
        }
        State {
            book: self.book(),
            accounts: traders.iter().map(|t| self.account(*t)).collect(),
            lines,
            balances: [
                self.shorts.address(),
                self.vault.address(),
                self.fund.address(),
                alice(),
                bob(),
                carol(),
            ]
            .iter()
            .map(|a| self.balance(*a))
            .collect(),
            vault: books,
            covered: self.fund.sender(admin()).covered(),
            boards: (1..=3).map(|b| self.listings.sender(admin()).board(b)).collect(),
            strikes: (1..=10).map(|s| self.listings.sender(admin()).strike(s)).collect(),
            events: self.shorts.all_events().len(),
        }
    }
}

/// `mutual_risk::margin::liquidation_split` with the fixture's keys.
fn pure_split(collateral: U256, liability: U256) -> (U256, U256, U256, U256, U256) {
    let params = LiquidationParams {
        penalty_rate_wad: PENALTY,
        bounty_share_wad: LIQUIDATOR_SHARE,
        min_bounty: U256::from(MIN_BOUNTY),
    };
    let l = liquidation_split(collateral, liability, &params).expect("pure_split");
    (l.bounty, l.to_pool, l.to_reserve, l.returned, l.shortfall)
}

/// A listings error as the short book forwards it.
fn forwarded(data: Vec<u8>) -> Error {
    Error::Forwarded(data)
}

// ---- Encodings and selectors ----------------------------------------------------------------

/// The index of `error`'s variant: a new variant fails to compile here until the encoding
/// test below covers it.
fn variant(error: &Error) -> usize {
    match error {
        Error::InvalidAddress(_) => 0,
        Error::Paused(_) => 1,
        Error::ZeroAmount(_) => 2,
        Error::DeadlinePassed(_) => 3,
        Error::TradeTooSmall(_) => 4,
        Error::TradingClosed(_) => 5,
        Error::OpenInterestCap(_) => 6,
        Error::ProceedsBelowMin(_) => 7,
        Error::CostAboveMax(_) => 8,
        Error::InsufficientShort(_) => 9,
        Error::InsufficientMargin(_) => 10,
        Error::InsufficientCollateral(_) => 11,
        Error::TooManyLines(_) => 12,
        Error::MarketMismatch(_) => 13,
        Error::Healthy(_) => 14,
        Error::NothingToSettle(_) => 15,
        Error::PoolCashShort(_) => 16,
        Error::CallFailed(_) => 17,
        Error::TokenCallFailed(_) => 18,
        Error::SequencerDown(_) => 19,
        Error::SequencerGracePeriod(_) => 20,
        Error::InvalidLength(_) => 21,
        Error::MathError(_) => 22,
        Error::Forwarded(_) => 23,
        Error::CollateralLocked(_) => 24,
        Error::SettleFirst(_) => 25,
    }
}

#[test]
fn revert_data_is_the_abi_encoding_of_each_error() {
    /// `wrap(error)` beside `error`'s `sol!` encoding.
    fn case<E: SolError>(wrap: fn(E) -> Error, error: E) -> (Error, Vec<u8>) {
        let sol = error.abi_encode();
        (wrap(error), sol)
    }
    let account = Address::repeat_byte(0x22);
    let (big, small) = (U256::MAX, U256::from(7));
    let cases = [
        case(Error::InvalidAddress, ShortBookInvalidAddress { account }),
        case(Error::Paused, ShortBookPaused { scope: PAUSE_SCOPE }),
        case(Error::ZeroAmount, ShortBookZeroAmount {}),
        case(Error::DeadlinePassed, ShortBookDeadlinePassed { deadline: 1, now: u64::MAX }),
        case(Error::TradeTooSmall, ShortBookTradeTooSmall { amount: small, min: big }),
        case(
            Error::TradingClosed,
            ShortBookTradingClosed { boardId: u64::MAX, expiry: 2, cutoff: 3, now: 4 },
        ),
        case(
            Error::OpenInterestCap,
            ShortBookOpenInterestCap { strikeId: 9, openInterest: big, cap: small },
        ),
        case(
            Error::ProceedsBelowMin,
            ShortBookProceedsBelowMin { proceeds: small, minProceeds: big },
        ),
        case(Error::CostAboveMax, ShortBookCostAboveMax { cost: big, maxCost: small }),
        case(
            Error::InsufficientShort,
            ShortBookInsufficientShort {
                account,
                strikeId: u64::MAX,
                isCall: true,
                amount: big,
                held: small,
            },
        ),
        case(
            Error::InsufficientShort,
            ShortBookInsufficientShort {
                account,
                strikeId: 1,
                isCall: false,
                amount: WAD,
                held: big,
            },
        ),
        case(
            Error::InsufficientMargin,
            ShortBookInsufficientMargin { account, collateral: small, required: big },
        ),
        case(
            Error::InsufficientCollateral,
            ShortBookInsufficientCollateral { account, amount: big, collateral: WAD },
        ),
        case(Error::TooManyLines, ShortBookTooManyLines { account, count: u32::MAX, max: 4 }),
        case(
            Error::MarketMismatch,
            ShortBookMarketMismatch { account, accountMarket: ETH, marketId: BTC },
        ),
        case(Error::Healthy, ShortBookHealthy { account, collateral: big, requirement: small }),
        case(Error::NothingToSettle, ShortBookNothingToSettle { account }),
        case(Error::SettleFirst, ShortBookSettleFirst { account, dues: big }),
        case(Error::PoolCashShort, ShortBookPoolCashShort { requested: big, paid: small }),
        case(Error::CollateralLocked, ShortBookCollateralLocked { proceeds: big, free: small }),
        case(Error::CallFailed, ShortBookCallFailed { target: account }),
        case(Error::TokenCallFailed, ShortBookTokenCallFailed { token: account }),
        case(Error::SequencerDown, ShortBookSequencerDown { feed: account }),
        case(
            Error::SequencerGracePeriod,
            ShortBookSequencerGracePeriod { upSince: big, grace: u64::MAX, now: 2 },
        ),
        case(Error::InvalidLength, ShortBookInvalidLength { length: big }),
        case(Error::MathError, ShortBookMathError { code: u8::MAX }),
        (Error::Forwarded(vec![1, 2, 3]), vec![1, 2, 3]),
    ];
    let mut covered = [false; 26];
    for (error, sol) in cases {
        covered[variant(&error)] = true;
        assert_eq!(Vec::<u8>::from(error), sol);
    }
    assert!(covered.iter().all(|c| *c), "every variant is checked");
    // Two errors are equal when their revert data are: a forwarded encoding is the error.
    assert_eq!(
        Error::Forwarded(ShortBookZeroAmount {}.abi_encode()),
        Error::ZeroAmount(ShortBookZeroAmount {})
    );
    assert_ne!(
        Error::Forwarded(
            ShortBookHealthy { account, collateral: big, requirement: big }.abi_encode()
        ),
        Error::Healthy(ShortBookHealthy { account, collateral: big, requirement: small })
    );
    // The pause scope is the market's.
    assert_eq!(PAUSE_SCOPE, keccak256("mutual.market"));
}

#[test]
fn each_event_is_logged_as_its_sol_encoding() {
    /// Checks that `make()`'s log words are its `sol!` log, topics and data.
    fn check<E: SolEvent + LogWords>(make: impl Fn() -> E) {
        let log = make().encode_log_data();
        let mut seen = false;
        make().with_words(|topics, data| {
            assert_eq!(topics, log.topics());
            let bytes: Vec<u8> = data.iter().flat_map(U256::to_be_bytes::<32>).collect();
            assert_eq!(bytes, log.data.to_vec());
            seen = true;
        });
        assert!(seen, "with_words calls its emitter");
    }
    let account = Address::repeat_byte(0x22);
    let other = Address::repeat_byte(0x33);
    let (big, small) = (U256::MAX, U256::from(7));
    for is_call in [true, false] {
        check(|| ShortOpened {
            account,
            strikeId: u64::MAX,
            isCall: is_call,
            amount: big,
            premium: small,
            fees: WAD,
            margin: big - small,
            volWad: pct(80),
            baseIvAfterWad: U256::from(3),
        });
        check(|| ShortClosed {
            account,
            strikeId: 5,
            isCall: is_call,
            amount: small,
            premium: big,
            fees: U256::ZERO,
            volWad: WAD,
            baseIvAfterWad: big - one(),
        });
        check(|| ShortSettled {
            account,
            strikeId: u64::MAX - 1,
            isCall: is_call,
            amount: WAD,
            owed: big,
            paid: small,
        });
    }
    check(|| MarginAdded { account, from: other, amount: big });
    check(|| MarginRemoved { account: other, to: account, amount: small });
    check(|| Liquidated {
        account,
        liquidator: other,
        liability: big,
        bounty: small,
        toPool: WAD,
        toReserve: U256::from(2),
        returned: U256::from(3),
        shortfall: big - WAD,
    });
    check(|| TraderDefault {
        account,
        marketId: ETH,
        shortfall: big,
        fromReserve: small,
        covered: WAD,
        poolLoss: U256::from(9),
    });
}

/// Routes a call of `signature` with `args` through the margin engine's router, as the
/// VM does; returns its answer.
fn route(env: &Env, signature: &str, args: &[Arg<'_>]) -> Vec<u8> {
    let data = encode(selector(signature), args);
    let id = u32::from_be_bytes(data[..4].try_into().expect("route: selector"));
    let mut call = env.margin.sender(env.shorts.address());
    <MarginEngine as Router<MarginEngine>>::route(&mut *call, id, &data[4..])
        .expect("route: a function of the engine")
        .expect("route: it answers")
}

#[motsu::test]
fn the_engine_signatures_are_the_margin_engines_functions() {
    let env = Env::new();
    let s = env.strikes[0];
    env.sell(alice(), s, true, wad(1), usdc(3_000));
    let signatures = internal::ENGINE_SIGNATURES;
    for signature in signatures {
        assert_eq!(selector(signature).as_slice(), &keccak256(signature.as_bytes())[..4]);
    }
    // Each call the short book makes, routed by the engine's own router (as the VM routes
    // it): every selector is one of its functions and answers what the typed call does.
    let w = |x: U256| Arg::Word(B256::from(x));
    let flag = |b: bool| w(U256::from(u8::from(b)));
    let pair = [B256::from(key(s, true)), B256::from(wad(1))];
    let route = |signature: &str, args: &[Arg]| route(&env, signature, args);
    let engine = || env.margin.sender(env.shorts.address());
    let q = engine().quote(s, true, false, wad(1), true).expect("quote");
    let quoted = words::<6>(route(
        signatures[0],
        &[w(U256::from(s)), flag(true), flag(false), w(wad(1)), flag(true)],
    ))
    .expect("quote words");
    assert_eq!(quoted, [U256::from_be_bytes(q.0 .0), q.1, q.2, q.3, q.4, q.5]);
    let m = engine().margin(vec![key(s, true), wad(1)], false).expect("margin");
    let margined =
        words::<4>(route(signatures[1], &[Arg::Array(&pair), flag(false)])).expect("margin words");
    assert_eq!(margined, [U256::from_be_bytes(m.0 .0), m.1, m.2, m.3]);
    let dues = array(route(signatures[2], &[Arg::Array(&pair)]), 0).expect("dues array");
    assert_eq!(dues, vec![U256::MAX]);
    assert_eq!(Ok(dues), engine().dues(vec![key(s, true), wad(1)]));
    let r = engine().receivable(vec![key(s, true), wad(1)]).expect("receivable");
    let received = words::<2>(route(signatures[3], &[Arg::Array(&pair)])).expect("words");
    assert_eq!(received, [r.0, U256::from(r.1)]);
    let l = engine().liquidation_split(usdc(1_000), usdc(400)).expect("split");
    let split = words::<5>(route(signatures[4], &[w(usdc(1_000)), w(usdc(400))])).expect("words");
    assert_eq!(split, [l.0, l.1, l.2, l.3, l.4]);
    // A signature the engine does not have is routed nowhere.
    let data = encode(selector("quote(uint64,bool,uint256,bool)"), &[]);
    let id = u32::from_be_bytes(data[..4].try_into().expect("selector"));
    let mut call = env.margin.sender(env.shorts.address());
    assert!(<MarginEngine as Router<MarginEngine>>::route(&mut *call, id, &[]).is_none());
    // And the short book's reads reach the engine: they answer what it answers.
    let (collateral, liability, initial, maintenance, _) = env.health(alice());
    assert_eq!((liability, initial, maintenance), (m.1, m.2, m.3));
    assert_eq!(collateral, env.account(alice()).1);
    assert_eq!(env.shorts.sender(bob()).pool_liability(), Ok((U256::ZERO, r.0, r.1)));
}

// ---- Construction -------------------------------------------------------------------------

#[motsu::test]
fn the_constructor_checks_its_addresses_and_the_assets_decimals(
    shorts: Contract<ShortBook>,
    token: Contract<MockErc20>,
    odd: Contract<MockAggregator>,
) {
    let gov = Address::repeat_byte(0x60);
    for (asset, governance) in [(Address::ZERO, gov), (token.address(), Address::ZERO)] {
        assert_eq!(
            shorts.sender(admin()).constructor(asset, governance).motsu_unwrap_err(),
            Error::InvalidAddress(ShortBookInvalidAddress { account: Address::ZERO })
        );
    }
    // The aggregator mock stands in for an asset whose decimals are settable: 19 is too
    // many, and a reverting `decimals()` is a failed token call.
    odd.sender(admin()).set_decimals(19);
    let failed = Error::TokenCallFailed(ShortBookTokenCallFailed { token: odd.address() });
    assert_eq!(shorts.sender(admin()).constructor(odd.address(), gov).motsu_unwrap_err(), failed);
    odd.sender(admin()).set_decimals(18);
    odd.sender(admin()).set_failing(true);
    assert_eq!(shorts.sender(admin()).constructor(odd.address(), gov).motsu_unwrap_err(), failed);
    assert_eq!(shorts.sender(admin()).book(), (Address::ZERO, Address::ZERO, U256::ZERO, 0));
    // 18 decimals are accepted.
    odd.sender(admin()).set_failing(false);
    shorts.sender(admin()).constructor(odd.address(), gov).expect("18 decimals");
    assert_eq!(shorts.sender(admin()).book(), (odd.address(), gov, U256::ZERO, 0));
}

// ---- Short sales ----------------------------------------------------------------------------

#[motsu::test]
fn a_short_sale_pays_the_proceeds_and_moves_only_the_base_iv() {
    let env = Env::new();
    let s = env.strikes[0];
    // The pool already wrote 3 calls of the strike (the book's trades): a short leaves them.
    env.listings.sender(admin()).record_trade(s, true, wad(3), pct(80)).expect("longs");
    let (amount, margin) = (wad(2), usdc(3_000));
    let (market_id, premium, fees, vol, base_after, written) = env.quote(s, true, false, amount);
    // The sale's volatility: base 80% moved down by 0.001 x 2 = 79.8%, skew 1.
    assert_eq!((market_id, written), (ETH, wad(3)));
    assert_eq!((vol, base_after), (pct(798) / U256::from(10), pct(798) / U256::from(10)));
    // The price, premium and fee are the pure crate's at the fixture's keys.
    assert_eq!((premium, fees, vol, base_after), env.pure_quote(s, true, false, amount, T0));
    let proceeds = premium - fees;
    assert!(fees > U256::ZERO && proceeds > U256::ZERO);
    let before = env.state();

    // Bound exactly at the proceeds, at the deadline second.
    let sold = env.shorts.sender(alice()).sell_short(s, true, amount, proceeds, T0, margin);
    assert_eq!(sold, Ok(proceeds));
    assert_eq!(env.account(alice()), (ETH, margin + proceeds, 1));
    assert_eq!(env.shorts.sender(bob()).shorts(alice(), s, true), (amount, amount));
    assert_eq!(env.shorts.sender(bob()).shorts(bob(), s, true), (U256::ZERO, amount));
    assert_eq!(env.book(), (env.token.address(), env.gov.address(), U256::ZERO, 1));
    // The vault paid exactly the proceeds, as a premium; the margin came from Alice.
    let vault = env.vault.sender(admin());
    assert_eq!(vault.paid(REASON_PREMIUM), proceeds);
    assert_eq!(env.vault.sender(admin()).cash(), usdc(1_000_000) - proceeds);
    assert_eq!(env.balance(alice()), before.balances[3] - margin);
    assert_eq!(env.balance(env.shorts.address()), margin + proceeds);
    // The board's base IV moved; the pool's long interest did not.
    assert_eq!(env.listings.sender(bob()).board(env.board).2, base_after);
    assert_eq!(env.listings.sender(bob()).strike(s).3, wad(3));
    env.shorts.assert_emitted(&ShortOpened {
        account: alice(),
        strikeId: s,
        isCall: true,
        amount,
        premium,
        fees,
        margin,
        volWad: vol,
        baseIvAfterWad: base_after,
    });

    // Puts of the other strike are a second line; more of the first line is not a third.
    env.sell(alice(), env.strikes[1], false, wad(1), usdc(2_000));
    env.sell(alice(), s, true, wad(1), usdc(2_000));
    assert_eq!(env.account(alice()).2, 2);
    assert_eq!(env.shorts.sender(bob()).shorts(alice(), s, true), (wad(3), wad(3)));
    assert_eq!(env.listings.sender(bob()).strike(s).3, wad(3));
    assert_eq!(env.book().3, 1);
    // The short book holds every account's collateral, nothing else.
    assert_eq!(env.balance(env.shorts.address()), env.account(alice()).1);
}

#[motsu::test]
fn a_sale_needs_exactly_the_liability_plus_the_initial_margin() {
    let amount = wad(2);
    // A first world finds the requirement after the sale, at the moved base IV.
    let (required, proceeds) = {
        let env = Env::new();
        let s = env.strikes[0];
        let proceeds = env.sell(alice(), s, true, amount, usdc(10_000));
        let (collateral, liability, initial, _, _) = env.health(alice());
        assert_eq!(collateral, usdc(10_000) + proceeds);
        let r = env.requirement(&[(s, true, amount)], T0);
        assert_eq!((liability, initial), (r.liability, r.initial));
        (liability + initial, proceeds)
    };
    // The same sale in a fresh world: one unit of margin short, then exactly enough.
    let env = Env::new();
    let s = env.strikes[0];
    let exact = required - proceeds;
    let before = env.state();
    let err = env
        .shorts
        .sender(alice())
        .sell_short(s, true, amount, U256::ZERO, T0, exact - one())
        .motsu_unwrap_err();
    assert_eq!(
        err,
        Error::InsufficientMargin(ShortBookInsufficientMargin {
            account: alice(),
            collateral: required - one(),
            required,
        })
    );
    assert_eq!(env.state(), before);
    let sold = env.shorts.sender(alice()).sell_short(s, true, amount, U256::ZERO, T0, exact);
    assert_eq!(sold, Ok(proceeds));
    let (collateral, liability, initial, _, healthy) = env.health(alice());
    assert_eq!((collateral, liability + initial), (required, required));
    assert!(healthy);
}

#[motsu::test]
fn sales_check_the_ticket_and_leave_state_unchanged() {
    let env = Env::new();
    let s = env.strikes[0];
    let margin = usdc(3_000);
    let sell = |amount: U256, min: U256, deadline: u64| {
        env.shorts.sender(alice()).sell_short(s, true, amount, min, deadline, margin)
    };
    let before = env.state();
    // The market's pause, or the protocol's.
    let paused = Error::Paused(ShortBookPaused { scope: PAUSE_SCOPE });
    env.pause(true);
    assert_eq!(sell(wad(1), U256::ZERO, T0).motsu_unwrap_err(), paused);
    env.pause(false);
    env.gov.sender(admin()).set_paused(PROTOCOL_SCOPE, true);
    assert_eq!(sell(wad(1), U256::ZERO, T0).motsu_unwrap_err(), paused);
    env.gov.sender(admin()).set_paused(PROTOCOL_SCOPE, false);
    // The deadline, the amount.
    assert_eq!(
        sell(wad(1), U256::ZERO, T0 - 1).motsu_unwrap_err(),
        Error::DeadlinePassed(ShortBookDeadlinePassed { deadline: T0 - 1, now: T0 })
    );
    assert_eq!(
        sell(U256::ZERO, U256::ZERO, T0).motsu_unwrap_err(),
        Error::ZeroAmount(ShortBookZeroAmount {})
    );
    let dust = u(MIN_TRADE) - one();
    assert_eq!(
        sell(dust, U256::ZERO, T0).motsu_unwrap_err(),
        Error::TradeTooSmall(ShortBookTradeTooSmall { amount: dust, min: u(MIN_TRADE) })
    );
    // An unknown strike: the listings' refusal, forwarded by the engine and the book.
    assert_eq!(
        env.shorts
            .sender(alice())
            .sell_short(99, true, wad(1), U256::ZERO, T0, margin)
            .motsu_unwrap_err(),
        forwarded(MarketUnknownStrike { strikeId: 99 }.abi_encode())
    );
    // The slippage bound: one unit above the proceeds.
    let (_, premium, fees, ..) = env.quote(s, true, false, wad(1));
    let proceeds = premium - fees;
    assert_eq!(
        sell(wad(1), proceeds + one(), T0).motsu_unwrap_err(),
        Error::ProceedsBelowMin(ShortBookProceedsBelowMin {
            proceeds,
            minProceeds: proceeds + one()
        })
    );
    // A governance key missing, the short book's or the engine's.
    let gov_failed = Error::CallFailed(ShortBookCallFailed { target: env.gov.address() });
    for key in [MAX_STRIKE_OI_KEY, INITIAL_MARGIN_KEY] {
        env.gov.sender(admin()).unset(key);
        assert_eq!(sell(wad(1), U256::ZERO, T0).motsu_unwrap_err(), gov_failed);
    }
    env.set(MAX_STRIKE_OI_KEY, wad(1000));
    env.set(INITIAL_MARGIN_KEY, u(INITIAL));
    // The margin cannot be collected; the vault cannot pay.
    env.token.sender(admin()).set_failing(true);
    assert_eq!(
        sell(wad(1), U256::ZERO, T0).motsu_unwrap_err(),
        Error::TokenCallFailed(ShortBookTokenCallFailed { token: env.token.address() })
    );
    env.token.sender(admin()).set_failing(false);
    env.vault.sender(admin()).set_failing(true);
    assert_eq!(
        sell(wad(1), U256::ZERO, T0).motsu_unwrap_err(),
        Error::CallFailed(ShortBookCallFailed { target: env.vault.address() })
    );
    env.vault.sender(admin()).set_failing(false);
    assert_eq!(env.state(), before);
    // At the deadline second, with the bound exactly at the proceeds: the sale passes.
    assert_eq!(sell(wad(1), proceeds, T0), Ok(proceeds));
}

#[motsu::test]
fn sales_and_closes_stop_at_the_cut_off_second() {
    let env = Env::new();
    let s = env.strikes[0];
    // The last second to trade: now + cutoff = expiry - 1.
    let last = EXPIRY - CUTOFF - 1;
    clock::set_offset(last - T0);
    env.set_price(2, 2000, last);
    env.sell(alice(), s, true, wad(1), usdc(3_000));
    let now = EXPIRY - CUTOFF;
    clock::set_offset(now - T0);
    env.set_price(3, 2000, now);
    let closed = Error::TradingClosed(ShortBookTradingClosed {
        boardId: env.board,
        expiry: EXPIRY,
        cutoff: CUTOFF,
        now,
    });
    let before = env.state();
    assert_eq!(
        env.shorts
            .sender(alice())
            .sell_short(s, true, wad(1), U256::ZERO, now, usdc(3_000))
            .motsu_unwrap_err(),
        closed
    );
    assert_eq!(
        env.shorts.sender(alice()).close_short(s, true, wad(1), U256::MAX, now).motsu_unwrap_err(),
        closed
    );
    assert_eq!(env.state(), before);
}

#[motsu::test]
fn one_account_margins_one_underlying(btc: Contract<MockAggregator>) {
    let env = Env::new();
    let s = env.strikes[0];
    let btc_strike = env.list_btc(&btc);
    env.sell(alice(), s, true, wad(1), usdc(3_000));
    let before = env.state();
    let err = env
        .shorts
        .sender(alice())
        .sell_short(btc_strike, true, pct(10), U256::ZERO, T0, usdc(10_000))
        .motsu_unwrap_err();
    assert_eq!(
        err,
        Error::MarketMismatch(ShortBookMarketMismatch {
            account: alice(),
            accountMarket: ETH,
            marketId: BTC,
        })
    );
    assert_eq!(env.state(), before);
    // Another account writes BTC; once Alice's ETH line is closed, so may she.
    env.sell(bob(), btc_strike, true, pct(10), usdc(10_000));
    assert_eq!(env.account(bob()).0, BTC);
    env.close(alice(), s, true, wad(1));
    assert_eq!(env.account(alice()).0, B256::ZERO);
    env.sell(alice(), btc_strike, true, pct(10), usdc(10_000));
    assert_eq!(env.account(alice()), (BTC, env.account(alice()).1, 1));
}

#[motsu::test]
fn a_stale_underlying_leaves_its_accounts_out_of_the_scan(btc: Contract<MockAggregator>) {
    let env = Env::new();
    let btc_strike = env.list_btc(&btc);
    // Bob writes BTC calls, Alice ETH calls with little margin.
    env.sell(bob(), btc_strike, true, pct(10), usdc(10_000));
    env.sell(alice(), env.strikes[0], true, wad(1), usdc(1_100));
    // ETH rises to 2600 and Alice falls below maintenance; BTC's last answer then goes
    // stale (two hours, heartbeat one hour).
    clock::set_offset(2 * HOUR);
    env.set_price(2, 2600, T0 + 2 * HOUR);
    assert!(!env.health(alice()).4);
    // Bob's account cannot be valued now, nor liquidated: it is left out of every page,
    // and Alice is still found.
    let page = |cursor: u64, limit: u64| env.shorts.sender(carol()).liquidatable(cursor, limit);
    assert_eq!(page(0, 10), Ok(vec![alice()]));
    assert_eq!(page(0, 1), Ok(vec![]));
    assert!(matches!(env.shorts.sender(carol()).account_health(bob()), Err(Error::Forwarded(_))));
    assert!(matches!(
        env.shorts.sender(carol()).liquidate(bob()).motsu_unwrap_err(),
        Error::Forwarded(_)
    ));
}

#[motsu::test]
fn an_account_writes_at_most_four_lines() {
    let env = Env::new();
    let [s0, s1] = env.strikes;
    let third = env.listings.sender(admin()).list_strike(env.board, wad(2000), WAD).expect("2000");
    for (id, is_call) in [(s0, true), (s0, false), (s1, true), (s1, false)] {
        env.sell(alice(), id, is_call, pct(10), usdc(1_000));
    }
    assert_eq!(env.account(alice()).2, 4);
    let before = env.state();
    let err = env
        .shorts
        .sender(alice())
        .sell_short(third, true, pct(10), U256::ZERO, T0, usdc(1_000))
        .motsu_unwrap_err();
    assert_eq!(
        err,
        Error::TooManyLines(ShortBookTooManyLines {
            account: alice(),
            count: MAX_ACCOUNT_LINES,
            max: MAX_ACCOUNT_LINES,
        })
    );
    assert_eq!(env.state(), before);
    // More of a line she writes is no new line; another account writes the fifth line.
    env.sell(alice(), s0, true, pct(10), usdc(1_000));
    env.sell(bob(), third, true, pct(10), usdc(1_000));
    // Closing a whole line frees its room.
    env.close(alice(), s1, false, pct(10));
    env.sell(alice(), third, true, pct(10), usdc(1_000));
    assert_eq!(env.account(alice()).2, 4);
}

#[motsu::test]
fn the_book_holds_at_most_thirty_two_lines() {
    let env = Env::new();
    let list = |board: u64, price: u64| {
        env.listings.sender(admin()).list_strike(board, wad(price), WAD).expect("strike")
    };
    let mut strikes = env.strikes.to_vec();
    for price in [1700, 1800, 2000, 2200, 2300, 2400] {
        strikes.push(list(env.board, price));
    }
    let second =
        env.listings.sender(admin()).list_board(ETH, T0 + 45 * DAY, pct(80)).expect("board 2");
    for price in [1600, 1700, 1800, 1900, 2000, 2100, 2200, 2300] {
        strikes.push(list(second, price));
    }
    let third =
        env.listings.sender(admin()).list_board(ETH, T0 + 60 * DAY, pct(80)).expect("board 3");
    let last = list(third, 2000);
    let min = u(MIN_TRADE);
    let writers: Vec<Address> = (0..8u8).map(|i| Address::repeat_byte(0x10 + i)).collect();
    for (writer, pair) in writers.iter().zip(strikes.chunks(2)) {
        env.fund_trader(*writer);
        for &id in pair {
            for is_call in [true, false] {
                env.sell(*writer, id, is_call, min, usdc(200));
            }
        }
    }
    assert_eq!(env.book().3, 8);
    let before = env.state();
    let err = env
        .shorts
        .sender(carol())
        .sell_short(last, true, min, U256::ZERO, T0, usdc(200))
        .motsu_unwrap_err();
    assert_eq!(
        err,
        Error::TooManyLines(ShortBookTooManyLines {
            account: Address::ZERO,
            count: MAX_OPEN_LINES,
            max: MAX_OPEN_LINES,
        })
    );
    assert_eq!(env.state(), before);
    assert_eq!(env.shorts.sender(bob()).shorts(carol(), last, true), (U256::ZERO, U256::ZERO));
    // A line already open takes more writers; a line closed out of the book makes room.
    env.sell(carol(), strikes[0], true, min, usdc(200));
    assert_eq!(env.shorts.sender(bob()).shorts(carol(), strikes[0], true), (min, min + min));
    env.close(writers[0], strikes[0], false, min);
    env.sell(carol(), last, true, min, usdc(200));
    assert_eq!(env.account(carol()).2, 2);
    // The pool's receivable spans every line.
    let (_, receivable, mark_time) = env.shorts.sender(bob()).pool_liability().expect("view");
    assert!(receivable > U256::ZERO);
    assert_eq!(mark_time, T0);
}

#[motsu::test]
fn the_open_interest_cap_counts_every_writer() {
    let env = Env::new();
    let s = env.strikes[0];
    env.set(MAX_STRIKE_OI_KEY, wad(5));
    env.sell(alice(), s, true, wad(3), usdc(10_000));
    let before = env.state();
    let err = env
        .shorts
        .sender(bob())
        .sell_short(s, true, wad(2) + one(), U256::ZERO, T0, usdc(10_000))
        .motsu_unwrap_err();
    assert_eq!(
        err,
        Error::OpenInterestCap(ShortBookOpenInterestCap {
            strikeId: s,
            openInterest: wad(5) + one(),
            cap: wad(5),
        })
    );
    assert_eq!(env.state(), before);
    // Exactly at the cap passes.
    env.sell(bob(), s, true, wad(2), usdc(10_000));
    assert_eq!(env.shorts.sender(bob()).shorts(bob(), s, true), (wad(2), wad(5)));
    // The cap is per side; a close makes room again.
    env.sell(bob(), s, false, wad(1), usdc(3_000));
    env.close(alice(), s, true, wad(1));
    env.sell(bob(), s, true, wad(1), usdc(5_000));
    assert_eq!(env.shorts.sender(bob()).shorts(bob(), s, true), (wad(3), wad(5)));
}

#[motsu::test]
fn the_sequencer_and_the_oracle_gate_sales() {
    let env = Env::new();
    let s = env.strikes[0];
    let sell = || {
        env.shorts.sender(alice()).sell_short(s, true, wad(1), U256::ZERO, u64::MAX, usdc(3_000))
    };
    let before = env.state();
    // The gate is the margin engine's: its refusal reaches the trader as the engine's
    // revert data, byte for byte.
    env.set_sequencer(I256::ONE, T0 - DAY);
    let err = sell().motsu_unwrap_err();
    assert!(matches!(err, Error::Forwarded(_)), "forwarded from the engine: {err:?}");
    assert_eq!(
        Vec::<u8>::from(err),
        ShortBookSequencerDown { feed: env.sequencer.address() }.abi_encode()
    );
    // Up again exactly `GRACE` seconds ago: still in the grace period.
    env.set_sequencer(I256::ZERO, T0 - GRACE);
    let err = sell().motsu_unwrap_err();
    assert!(matches!(err, Error::Forwarded(_)), "forwarded from the engine: {err:?}");
    assert_eq!(
        Vec::<u8>::from(err),
        ShortBookSequencerGracePeriod { upSince: U256::from(T0 - GRACE), grace: GRACE, now: T0 }
            .abi_encode()
    );
    // A feed that cannot be read.
    env.sequencer.sender(admin()).set_failing(true);
    assert_eq!(
        sell().motsu_unwrap_err(),
        Error::TokenCallFailed(ShortBookTokenCallFailed { token: env.sequencer.address() })
    );
    env.sequencer.sender(admin()).set_failing(false);
    env.set_sequencer(I256::ZERO, T0 - GRACE - 1);
    // One second past the heartbeat: the listings' stale price, forwarded.
    clock::set_offset(HEARTBEAT + 1);
    assert_eq!(
        sell().motsu_unwrap_err(),
        forwarded(
            MarketStalePrice {
                marketId: ETH,
                updatedAt: U256::from(T0),
                heartbeat: HEARTBEAT,
                now: T0 + HEARTBEAT + 1,
            }
            .abi_encode()
        )
    );
    assert_eq!(env.state(), before);
    // Exactly the heartbeat old, one second after the grace period: open.
    clock::set_offset(HEARTBEAT);
    sell().expect("at the heartbeat");
}

#[motsu::test]
fn a_sale_pays_only_from_the_cash_beyond_the_locked_collateral() {
    let env = Env::new();
    let s = env.strikes[0];
    let (_, premium, fees, ..) = env.quote(s, true, false, wad(1));
    let proceeds = premium - fees;
    let cash = usdc(1_000_000);
    let sell =
        || env.shorts.sender(alice()).sell_short(s, true, wad(1), U256::ZERO, T0, usdc(3_000));
    let before = env.state();
    // The market's written options lock all but one unit less than the proceeds.
    env.market.sender(admin()).set_required_collateral(cash - proceeds + one());
    assert_eq!(
        sell().motsu_unwrap_err(),
        Error::CollateralLocked(ShortBookCollateralLocked { proceeds, free: proceeds - one() })
    );
    assert_eq!(env.state(), before);
    // More locked than the cash: nothing is free.
    env.market.sender(admin()).set_required_collateral(cash + one());
    assert_eq!(
        sell().motsu_unwrap_err(),
        Error::CollateralLocked(ShortBookCollateralLocked { proceeds, free: U256::ZERO })
    );
    // A market that cannot answer refuses the sale.
    env.market.sender(admin()).set_required_reverts(true);
    assert_eq!(
        sell().motsu_unwrap_err(),
        Error::CallFailed(ShortBookCallFailed { target: env.market.address() })
    );
    env.market.sender(admin()).set_required_reverts(false);
    // A vault whose cash is one unit.
    env.market.sender(admin()).set_required_collateral(U256::ZERO);
    env.vault.sender(admin()).init(env.token.address(), one(), usdc(1_000_000));
    let low = env.state();
    assert_eq!(
        sell().motsu_unwrap_err(),
        Error::CollateralLocked(ShortBookCollateralLocked { proceeds, free: one() })
    );
    assert_eq!(env.state(), low);
    // Exactly the proceeds free: the sale goes through.
    env.vault.sender(admin()).init(env.token.address(), cash, usdc(1_000_000));
    env.market.sender(admin()).set_required_collateral(cash - proceeds);
    assert_eq!(sell(), Ok(proceeds));
}

#[motsu::test]
fn margin_for_the_zero_account_is_refused() {
    let env = Env::new();
    let before = env.state();
    assert_eq!(
        env.shorts.sender(alice()).add_margin(Address::ZERO, usdc(1)).motsu_unwrap_err(),
        Error::InvalidAddress(ShortBookInvalidAddress { account: Address::ZERO })
    );
    assert_eq!(env.state(), before);
}

// ---- Closing ------------------------------------------------------------------------------

#[motsu::test]
fn a_close_pays_the_premium_and_fees_from_the_collateral() {
    let env = Env::new();
    let s = env.strikes[0];
    let proceeds = env.sell(alice(), s, true, wad(2), usdc(3_000));
    let collateral = usdc(3_000) + proceeds;
    let (_, premium, fees, vol, base_after, _) = env.quote(s, true, true, wad(1));
    // Base 79.8% after the sale, moved up by 0.001: 79.9%, the premium rounded up.
    assert_eq!(base_after, pct(799) / U256::from(10));
    assert_eq!((premium, fees, vol, base_after), env.pure_quote(s, true, true, wad(1), T0));
    let cost = premium + fees;
    let close = |trader: Address, is_call: bool, amount: U256, max: U256, deadline: u64| {
        env.shorts.sender(trader).close_short(s, is_call, amount, max, deadline)
    };
    let before = env.state();
    assert_eq!(
        close(alice(), true, wad(1), cost - one(), T0).motsu_unwrap_err(),
        Error::CostAboveMax(ShortBookCostAboveMax { cost, maxCost: cost - one() })
    );
    let short = |account: Address, is_call: bool, amount: U256, held: U256| {
        Error::InsufficientShort(ShortBookInsufficientShort {
            account,
            strikeId: s,
            isCall: is_call,
            amount,
            held,
        })
    };
    assert_eq!(
        close(alice(), true, wad(3), U256::MAX, T0).motsu_unwrap_err(),
        short(alice(), true, wad(3), wad(2))
    );
    assert_eq!(
        close(alice(), false, wad(1), U256::MAX, T0).motsu_unwrap_err(),
        short(alice(), false, wad(1), U256::ZERO)
    );
    assert_eq!(
        close(bob(), true, wad(1), U256::MAX, T0).motsu_unwrap_err(),
        short(bob(), true, wad(1), U256::ZERO)
    );
    assert_eq!(
        close(alice(), true, U256::ZERO, U256::MAX, T0).motsu_unwrap_err(),
        Error::ZeroAmount(ShortBookZeroAmount {})
    );
    assert_eq!(
        close(alice(), true, wad(1), U256::MAX, T0 - 1).motsu_unwrap_err(),
        Error::DeadlinePassed(ShortBookDeadlinePassed { deadline: T0 - 1, now: T0 })
    );
    env.pause(true);
    assert_eq!(
        close(alice(), true, wad(1), U256::MAX, T0).motsu_unwrap_err(),
        Error::Paused(ShortBookPaused { scope: PAUSE_SCOPE })
    );
    env.pause(false);
    assert_eq!(env.state(), before);

    // Exactly at the bound: the collateral pays the premium and the fees to the pool.
    assert_eq!(close(alice(), true, wad(1), cost, T0), Ok(cost));
    assert_eq!(env.account(alice()), (ETH, collateral - cost, 1));
    assert_eq!(env.shorts.sender(bob()).shorts(alice(), s, true), (wad(1), wad(1)));
    assert_eq!(env.vault.sender(admin()).booked(REASON_PREMIUM), premium);
    assert_eq!(env.vault.sender(admin()).booked(REASON_FEES), fees);
    assert_eq!(env.balance(env.shorts.address()), collateral - cost);
    assert_eq!(env.listings.sender(bob()).board(env.board).2, base_after);
    assert_eq!(env.listings.sender(bob()).strike(s).3, U256::ZERO);
    env.shorts.assert_emitted(&ShortClosed {
        account: alice(),
        strikeId: s,
        isCall: true,
        amount: wad(1),
        premium,
        fees,
        volWad: vol,
        baseIvAfterWad: base_after,
    });

    // Down to half the minimum trade: a partial close below the minimum is refused, the
    // whole line closes.
    let left = u(MIN_TRADE) / U256::from(2);
    env.close(alice(), s, true, wad(1) - left);
    let before = env.state();
    let part = left / U256::from(2);
    assert_eq!(
        close(alice(), true, part, U256::MAX, T0).motsu_unwrap_err(),
        Error::TradeTooSmall(ShortBookTradeTooSmall { amount: part, min: u(MIN_TRADE) })
    );
    assert_eq!(env.state(), before);
    let (_, premium, fees, ..) =
        env.margin.sender(admin()).quote(s, true, true, left, false).expect("whole line");
    assert_eq!(close(alice(), true, left, U256::MAX, T0), Ok(premium + fees));
    let (market_id, rest, lines) = env.account(alice());
    assert_eq!((market_id, lines), (B256::ZERO, 0));
    assert_eq!(env.shorts.sender(bob()).shorts(alice(), s, true), (U256::ZERO, U256::ZERO));
    assert_eq!(env.shorts.sender(bob()).pool_liability(), Ok((U256::ZERO, U256::ZERO, T0)));
    // Writing nothing, the rest of the collateral comes out.
    env.shorts.sender(alice()).remove_margin(rest, alice()).expect("remove");
    assert_eq!(env.account(alice()), (B256::ZERO, U256::ZERO, 0));
    assert_eq!(env.balance(env.shorts.address()), U256::ZERO);
}

#[motsu::test]
fn a_close_costing_more_than_the_collateral_is_refused() {
    let env = Env::new();
    let s = env.strikes[0];
    env.sell(alice(), s, true, wad(1), usdc(1_100));
    env.set_price(2, 4000, T0);
    let collateral = env.account(alice()).1;
    let (_, premium, fees, ..) = env.quote(s, true, true, wad(1));
    let cost = premium + fees;
    assert!(cost > collateral, "the close costs {cost}, the collateral is {collateral}");
    let before = env.state();
    assert_eq!(
        env.shorts.sender(alice()).close_short(s, true, wad(1), U256::MAX, T0).motsu_unwrap_err(),
        Error::InsufficientCollateral(ShortBookInsufficientCollateral {
            account: alice(),
            amount: cost,
            collateral,
        })
    );
    assert_eq!(env.state(), before);
}

// ---- Margin -------------------------------------------------------------------------------

#[motsu::test]
fn margin_comes_in_from_anyone_and_out_down_to_the_initial_requirement() {
    let env = Env::new();
    let s = env.strikes[0];
    let proceeds = env.sell(alice(), s, true, wad(1), usdc(3_000));
    // Anyone tops up any account, even while the market is paused.
    env.pause(true);
    let before = env.state();
    assert_eq!(
        env.shorts.sender(bob()).add_margin(alice(), U256::ZERO).motsu_unwrap_err(),
        Error::ZeroAmount(ShortBookZeroAmount {})
    );
    assert_eq!(env.state(), before);
    env.shorts.sender(bob()).add_margin(alice(), usdc(100)).expect("add");
    env.pause(false);
    assert_eq!(env.account(alice()).1, usdc(3_100) + proceeds);
    assert_eq!(env.balance(bob()), usdc(100_000) - usdc(100));
    env.shorts.assert_emitted(&MarginAdded { account: alice(), from: bob(), amount: usdc(100) });

    // Out: down to exactly the liability plus the initial margin.
    let (collateral, liability, initial, _, _) = env.health(alice());
    let required = liability + initial;
    let free = collateral - required;
    let remove = |amount: U256| env.shorts.sender(alice()).remove_margin(amount, carol());
    let before = env.state();
    assert_eq!(
        remove(free + one()).motsu_unwrap_err(),
        Error::InsufficientMargin(ShortBookInsufficientMargin {
            account: alice(),
            collateral: required - one(),
            required,
        })
    );
    assert_eq!(
        remove(collateral + one()).motsu_unwrap_err(),
        Error::InsufficientCollateral(ShortBookInsufficientCollateral {
            account: alice(),
            amount: collateral + one(),
            collateral,
        })
    );
    assert_eq!(remove(U256::ZERO).motsu_unwrap_err(), Error::ZeroAmount(ShortBookZeroAmount {}));
    env.pause(true);
    assert_eq!(
        remove(free).motsu_unwrap_err(),
        Error::Paused(ShortBookPaused { scope: PAUSE_SCOPE })
    );
    env.pause(false);
    // The sequencer gate applies while the account writes options.
    env.set_sequencer(I256::ONE, T0);
    assert_eq!(
        remove(free).motsu_unwrap_err(),
        Error::SequencerDown(ShortBookSequencerDown { feed: env.sequencer.address() })
    );
    env.set_sequencer(I256::ZERO, T0 - 2 * HOUR);
    assert_eq!(env.state(), before);
    remove(free).expect("exactly down to the requirement");
    assert_eq!(env.balance(carol()), usdc(100_000) + free);
    assert_eq!(env.account(alice()).1, required);
    env.shorts.assert_emitted(&MarginRemoved { account: alice(), to: carol(), amount: free });

    // Writing nothing, margin comes out freely: no engine call, no sequencer gate.
    env.shorts.sender(carol()).add_margin(carol(), usdc(500)).expect("carol adds");
    env.set_sequencer(I256::ONE, T0);
    env.shorts.sender(carol()).remove_margin(usdc(500), carol()).expect("carol removes");
    assert_eq!(env.account(carol()), (B256::ZERO, U256::ZERO, 0));
    assert_eq!(env.balance(carol()), usdc(100_000) + free);
    // Margin alone does not list an account.
    assert_eq!(env.book().3, 1);
}

#[motsu::test]
fn the_health_is_the_stress_grid_requirement_of_the_lines() {
    let env = Env::new();
    let [s0, s1] = env.strikes;
    assert_eq!(
        env.shorts.sender(bob()).account_health(carol()),
        Ok((U256::ZERO, U256::ZERO, U256::ZERO, U256::ZERO, true))
    );
    // An odd size: the base IV times the 1.1 skew no longer divides evenly, so the mark's
    // rounding (up, for a written option) shows.
    let odd = wad(3) + U256::from(123_456_789_012_345_679u64);
    let first = env.sell(alice(), s0, true, wad(2), usdc(6_000));
    let second = env.sell(alice(), s1, false, odd, usdc(6_000));
    let lines = [(s0, true, wad(2)), (s1, false, odd)];
    let pairs = vec![key(s0, true), wad(2), key(s1, false), odd];
    for (offset, price, round) in [(0, 2000, 1), (10 * DAY, 2150, 2), (29 * DAY, 1800, 3)] {
        clock::set_offset(offset);
        env.set_price(round, price, T0 + offset);
        let r = env.requirement(&lines, T0 + offset);
        let (collateral, liability, initial, maintenance, healthy) = env.health(alice());
        assert_eq!((liability, initial, maintenance), (r.liability, r.initial, r.maintenance));
        assert_eq!(collateral, usdc(12_000) + first + second);
        assert_eq!(healthy, collateral >= liability + maintenance);
        assert_eq!(
            env.margin.sender(bob()).margin(pairs.clone(), false),
            Ok((ETH, liability, initial, maintenance, U256::ZERO))
        );
    }
}

// ---- Liquidation --------------------------------------------------------------------------

#[motsu::test]
fn a_liquidation_shares_the_collateral_as_the_split_says() {
    let env = Env::new();
    let s = env.strikes[0];
    // Bob wrote and closed everything: listed, writing nothing. Carol writes puts, which a
    // rise helps.
    env.sell(bob(), s, true, wad(1), usdc(3_000));
    env.close(bob(), s, true, wad(1));
    env.sell(alice(), s, true, wad(1), usdc(1_100));
    env.sell(carol(), s, false, wad(1), usdc(10_000));
    assert_eq!(env.book().3, 3);
    let page = |cursor: u64, limit: u64| env.shorts.sender(bob()).liquidatable(cursor, limit);
    assert_eq!(page(0, 10), Ok(vec![]));
    let (collateral, liability, _, maintenance, healthy) = env.health(alice());
    assert!(healthy);
    let before = env.state();
    assert_eq!(
        env.shorts.sender(bob()).liquidate(alice()).motsu_unwrap_err(),
        Error::Healthy(ShortBookHealthy {
            account: alice(),
            collateral,
            requirement: liability + maintenance,
        })
    );
    // Writing nothing is always healthy.
    assert_eq!(
        env.shorts.sender(carol()).liquidate(bob()).motsu_unwrap_err(),
        Error::Healthy(ShortBookHealthy {
            account: bob(),
            collateral: env.account(bob()).1,
            requirement: U256::ZERO,
        })
    );
    assert_eq!(env.state(), before);

    // ETH rises to 2600: Alice falls below maintenance, but still covers her liability.
    env.set_price(2, 2600, T0);
    let (collateral, liability, _, _, healthy) = env.health(alice());
    assert!(!healthy && collateral > liability, "{collateral} {liability}");
    // The scan finds exactly her, page by page; Bob (nothing written) and Carol (healthy)
    // are passed over.
    assert_eq!(page(0, 3), Ok(vec![alice()]));
    assert_eq!(page(0, 1), Ok(vec![]));
    assert_eq!(page(1, 1), Ok(vec![alice()]));
    assert_eq!(page(2, 5), Ok(vec![]));
    assert_eq!(page(3, 5), Ok(vec![]));
    assert_eq!(page(0, 0), Ok(vec![]));
    assert_eq!(page(u64::MAX, u64::MAX), Ok(vec![]));

    // The split: the engine's is the pure crate's; a 10% penalty rounded up, half of it
    // (above the 5 USDC minimum) to the liquidator, the other half to the reserve.
    let split = pure_split(collateral, liability);
    assert_eq!(env.margin.sender(bob()).liquidation_split(collateral, liability), Ok(split));
    let (bounty, to_pool, to_reserve, returned, shortfall) = split;
    let penalty = (liability * u(PENALTY)).div_ceil(WAD);
    assert_eq!((bounty, to_reserve), (penalty / U256::from(2), penalty - penalty / U256::from(2)));
    assert!(bounty > U256::from(MIN_BOUNTY));
    assert_eq!((to_pool, shortfall), (liability, U256::ZERO));
    assert_eq!(bounty + to_pool + to_reserve + returned, collateral);

    // Refused while paused, or the sequencer down.
    let before = env.state();
    env.pause(true);
    assert_eq!(
        env.shorts.sender(bob()).liquidate(alice()).motsu_unwrap_err(),
        Error::Paused(ShortBookPaused { scope: PAUSE_SCOPE })
    );
    env.pause(false);
    env.set_sequencer(I256::ONE, T0);
    assert_eq!(
        env.shorts.sender(bob()).liquidate(alice()).motsu_unwrap_err(),
        Error::SequencerDown(ShortBookSequencerDown { feed: env.sequencer.address() })
    );
    env.set_sequencer(I256::ZERO, T0 - 2 * HOUR);
    assert_eq!(env.state(), before);

    // Bob liquidates her.
    assert_eq!(env.shorts.sender(bob()).liquidate(alice()), Ok(bounty));
    assert_eq!(env.balance(bob()), before.balances[4] + bounty);
    assert_eq!(env.balance(alice()), before.balances[3] + returned);
    assert_eq!(env.vault.sender(admin()).booked(REASON_SETTLEMENT), to_pool);
    assert_eq!(env.book().2, to_reserve);
    assert_eq!(env.account(alice()), (B256::ZERO, U256::ZERO, 0));
    assert_eq!(env.shorts.sender(bob()).shorts(alice(), s, true), (U256::ZERO, U256::ZERO));
    // The book's only other money is Bob's and Carol's collateral.
    assert_eq!(
        env.balance(env.shorts.address()),
        to_reserve + env.account(bob()).1 + env.account(carol()).1
    );
    // A liquidation is no trade: the base IV stays.
    assert_eq!(env.listings.sender(bob()).board(env.board), before.boards[0]);
    env.shorts.assert_emitted(&Liquidated {
        account: alice(),
        liquidator: bob(),
        liability,
        bounty,
        toPool: to_pool,
        toReserve: to_reserve,
        returned,
        shortfall,
    });
    assert!(env.events::<TraderDefault>().is_empty());
    assert_eq!(page(0, 3), Ok(vec![]));
    assert_eq!(env.book().3, 3);
    assert_eq!(
        env.shorts.sender(bob()).liquidate(alice()).motsu_unwrap_err(),
        Error::Healthy(ShortBookHealthy {
            account: alice(),
            collateral: U256::ZERO,
            requirement: U256::ZERO
        })
    );
}

#[motsu::test]
fn an_insolvent_liquidation_runs_the_default_waterfall() {
    let env = Env::new();
    let s = env.strikes[0];
    env.sell(bob(), s, true, wad(1), usdc(1_100));
    env.sell(alice(), s, true, wad(1), usdc(1_100));
    // At 2600 Bob is liquidated, solvent: his penalty funds the reserve.
    env.set_price(2, 2600, T0);
    env.shorts.sender(carol()).liquidate(bob()).expect("bob");
    let reserve = env.book().2;
    assert!(reserve > U256::ZERO);
    // ETH jumps to 4000: Alice's book costs more than her collateral.
    env.set_price(3, 4000, T0);
    let (collateral, liability, ..) = env.health(alice());
    assert!(liability > collateral, "{liability} {collateral}");
    let split = pure_split(collateral, liability);
    assert_eq!(env.margin.sender(bob()).liquidation_split(collateral, liability), Ok(split));
    let (bounty, to_pool, to_reserve, returned, shortfall) = split;
    assert_eq!((to_reserve, returned), (U256::ZERO, U256::ZERO));
    assert_eq!((bounty + to_pool, to_pool + shortfall), (collateral, liability));
    assert!(shortfall > reserve);
    // The fund covers half of what the reserve cannot; the pool bears the rest.
    let rest = shortfall - reserve;
    let capacity = rest / U256::from(2);
    env.fund.sender(admin()).init(env.token.address(), capacity, pct(10), usdc(200_000));
    let before = env.state();
    assert_eq!(env.shorts.sender(carol()).liquidate(alice()), Ok(bounty));
    let default = TraderDefault {
        account: alice(),
        marketId: ETH,
        shortfall,
        fromReserve: reserve,
        covered: capacity,
        poolLoss: rest - capacity,
    };
    env.shorts.assert_emitted(&default);
    assert_eq!(default.fromReserve + default.covered + default.poolLoss, shortfall);
    env.shorts.assert_emitted(&Liquidated {
        account: alice(),
        liquidator: carol(),
        liability,
        bounty,
        toPool: to_pool,
        toReserve: U256::ZERO,
        returned: U256::ZERO,
        shortfall,
    });
    let vault = env.vault.sender(admin());
    assert_eq!(vault.booked(REASON_SETTLEMENT), before.vault[5] + to_pool);
    assert_eq!(env.vault.sender(admin()).booked(REASON_DEFAULT), reserve + capacity);
    assert_eq!(env.fund.sender(admin()).covered(), capacity);
    assert_eq!(env.balance(carol()), before.balances[5] + bounty);
    assert_eq!(env.balance(alice()), before.balances[3]);
    assert_eq!(env.book().2, U256::ZERO);
    assert_eq!(env.account(alice()), (B256::ZERO, U256::ZERO, 0));
    assert_eq!(env.shorts.sender(bob()).shorts(alice(), s, true), (U256::ZERO, U256::ZERO));
    // Nobody writes anything: the short book holds nothing.
    assert_eq!(env.balance(env.shorts.address()), U256::ZERO);
}

// ---- Settlement ---------------------------------------------------------------------------

#[motsu::test]
fn settlement_pays_each_line_and_releases_the_rest() {
    // Above the calls' strike, then below the puts'.
    for (price, owed_calls, owed_puts) in
        [(2500, usdc(800), U256::ZERO), (1500, U256::ZERO, usdc(400))]
    {
        let env = Env::new();
        let [calls, puts] = env.strikes;
        env.sell(alice(), calls, true, wad(2), usdc(5_000));
        env.sell(alice(), puts, false, wad(1), usdc(3_000));
        let collateral = env.account(alice()).1;
        let nothing = |account| Error::NothingToSettle(ShortBookNothingToSettle { account });
        let before = env.state();
        assert_eq!(
            env.shorts.sender(bob()).settle_account(alice()).motsu_unwrap_err(),
            nothing(alice())
        );
        assert_eq!(
            env.shorts.sender(bob()).settle_account(carol()).motsu_unwrap_err(),
            nothing(carol())
        );
        // Expired, not yet settled: still nothing to settle.
        env.expire_at(price);
        assert_eq!(
            env.shorts.sender(bob()).settle_account(alice()).motsu_unwrap_err(),
            nothing(alice())
        );
        assert_eq!(env.state(), before);
        env.settle_board();
        let owed = owed_calls + owed_puts;
        let pairs = vec![key(calls, true), wad(2), key(puts, false), wad(1)];
        assert_eq!(env.margin.sender(bob()).dues(pairs), Ok(vec![owed_calls, owed_puts]));
        // The pool is owed what each line owes, less one unit (nothing for a line owing
        // nothing); the account's liability is what it owes, with no live line to margin.
        let receivable = owed_calls.saturating_sub(one()) + owed_puts.saturating_sub(one());
        assert_eq!(env.shorts.sender(bob()).pool_liability(), Ok((U256::ZERO, receivable, EXPIRY)));
        assert_eq!(env.health(alice()), (collateral, owed, U256::ZERO, U256::ZERO, true));
        // Settling is never paused; anyone settles any account.
        env.pause(true);
        assert_eq!(env.shorts.sender(bob()).settle_account(alice()), Ok(owed));
        env.pause(false);
        for (strike_id, is_call, amount, owed) in
            [(calls, true, wad(2), owed_calls), (puts, false, wad(1), owed_puts)]
        {
            env.shorts.assert_emitted(&ShortSettled {
                account: alice(),
                strikeId: strike_id,
                isCall: is_call,
                amount,
                owed,
                paid: owed,
            });
        }
        env.shorts.assert_emitted(&MarginRemoved {
            account: alice(),
            to: alice(),
            amount: collateral - owed,
        });
        assert!(env.events::<TraderDefault>().is_empty());
        assert_eq!(env.balance(alice()), before.balances[3] + collateral - owed);
        assert_eq!(env.vault.sender(admin()).booked(REASON_SETTLEMENT), owed);
        assert_eq!(env.account(alice()), (B256::ZERO, U256::ZERO, 0));
        assert_eq!(env.shorts.sender(bob()).shorts(alice(), calls, true), (U256::ZERO, U256::ZERO));
        assert_eq!(env.shorts.sender(bob()).shorts(alice(), puts, false), (U256::ZERO, U256::ZERO));
        assert_eq!(env.balance(env.shorts.address()), U256::ZERO);
        assert_eq!(env.shorts.sender(bob()).pool_liability(), Ok((U256::ZERO, U256::ZERO, EXPIRY)));
        assert_eq!(
            env.shorts.sender(bob()).settle_account(alice()).motsu_unwrap_err(),
            nothing(alice())
        );
    }
}

#[motsu::test]
fn a_due_above_the_collateral_runs_the_default_waterfall() {
    let env = Env::new();
    let s = env.strikes[0];
    env.sell(alice(), s, true, wad(2), usdc(3_000));
    let collateral = env.account(alice()).1;
    env.fund.sender(admin()).init(env.token.address(), usdc(1_000), pct(10), usdc(200_000));
    env.expire_at(5000);
    env.settle_board();
    // Owed: 2 x (5000 - 2100) = 5,800 USDC, more than the collateral.
    let owed = usdc(5_800);
    let shortfall = owed - collateral;
    // Below maintenance, but what it owes is a fixed due: settled, not liquidated (no
    // penalty, no bounty out of the pool's due).
    assert!(!env.health(alice()).4);
    let before = env.state();
    assert_eq!(
        env.shorts.sender(bob()).liquidate(alice()).motsu_unwrap_err(),
        Error::SettleFirst(ShortBookSettleFirst { account: alice(), dues: owed })
    );
    assert_eq!(env.state(), before);
    assert_eq!(env.shorts.sender(bob()).settle_account(alice()), Ok(collateral));
    env.shorts.assert_emitted(&ShortSettled {
        account: alice(),
        strikeId: s,
        isCall: true,
        amount: wad(2),
        owed,
        paid: collateral,
    });
    // The reserve is empty; the fund covers 1,000; the pool bears the rest.
    env.shorts.assert_emitted(&TraderDefault {
        account: alice(),
        marketId: ETH,
        shortfall,
        fromReserve: U256::ZERO,
        covered: usdc(1_000),
        poolLoss: shortfall - usdc(1_000),
    });
    assert!(env.events::<MarginRemoved>().is_empty());
    assert_eq!(env.vault.sender(admin()).booked(REASON_SETTLEMENT), collateral);
    assert_eq!(env.vault.sender(admin()).booked(REASON_DEFAULT), usdc(1_000));
    assert_eq!(env.fund.sender(admin()).covered(), usdc(1_000));
    assert_eq!(env.account(alice()), (B256::ZERO, U256::ZERO, 0));
    assert_eq!(env.balance(env.shorts.address()), U256::ZERO);
}

#[motsu::test]
fn a_failing_cover_counts_as_none() {
    let env = Env::new();
    let s = env.strikes[0];
    env.sell(alice(), s, true, wad(2), usdc(3_000));
    let collateral = env.account(alice()).1;
    env.fund.sender(admin()).set_failing(true);
    env.expire_at(5000);
    env.settle_board();
    assert_eq!(env.shorts.sender(bob()).settle_account(alice()), Ok(collateral));
    let shortfall = usdc(5_800) - collateral;
    env.shorts.assert_emitted(&TraderDefault {
        account: alice(),
        marketId: ETH,
        shortfall,
        fromReserve: U256::ZERO,
        covered: U256::ZERO,
        poolLoss: shortfall,
    });
    assert_eq!(env.vault.sender(admin()).booked(REASON_DEFAULT), U256::ZERO);
}

#[motsu::test]
fn a_line_still_live_keeps_the_collateral() {
    let env = Env::new();
    let s = env.strikes[0];
    let later =
        env.listings.sender(admin()).list_board(ETH, T0 + 60 * DAY, pct(80)).expect("board");
    let live = env.listings.sender(admin()).list_strike(later, wad(2100), WAD).expect("strike");
    env.sell(alice(), s, true, wad(1), usdc(3_000));
    env.sell(alice(), live, true, wad(1), usdc(3_000));
    env.expire_at(2500);
    env.settle_board();
    let collateral = env.account(alice()).1;
    // The settled line owes 400 USDC; the live one keeps its margin.
    assert_eq!(env.shorts.sender(bob()).settle_account(alice()), Ok(usdc(400)));
    assert_eq!(env.account(alice()), (ETH, collateral - usdc(400), 1));
    assert!(env.events::<MarginRemoved>().is_empty());
    assert_eq!(env.shorts.sender(bob()).shorts(alice(), live, true), (wad(1), wad(1)));
    assert_eq!(env.shorts.sender(bob()).shorts(alice(), s, true), (U256::ZERO, U256::ZERO));
    assert_eq!(
        env.shorts.sender(bob()).settle_account(alice()).motsu_unwrap_err(),
        Error::NothingToSettle(ShortBookNothingToSettle { account: alice() })
    );
    let r = env.requirement(&[(live, true, wad(1))], EXPIRY);
    let (_, liability, initial, ..) = env.health(alice());
    assert_eq!((liability, initial), (r.liability, r.initial));
}

// ---- The pool's receivable ----------------------------------------------------------------

#[motsu::test]
fn the_pool_liability_is_the_receivable_of_the_held_book() {
    let env = Env::new();
    let [s0, s1] = env.strikes;
    let view = || env.shorts.sender(bob()).pool_liability();
    assert_eq!(view(), Ok((U256::ZERO, U256::ZERO, T0)));
    clock::set_offset(5);
    assert_eq!(view(), Ok((U256::ZERO, U256::ZERO, T0 + 5)));
    clock::reset();
    env.sell(alice(), s0, true, wad(2), usdc(5_000));
    env.sell(bob(), s0, true, wad(1), usdc(3_000));
    env.sell(bob(), s1, false, wad(3), usdc(5_000));
    // The book's totals per line, valued as the pool holds them.
    let lines = [(s0, true, wad(3)), (s1, false, wad(3))];
    let expected = env.pure_receivable(&lines, T0);
    assert!(expected > U256::ZERO);
    assert_eq!(view(), Ok((U256::ZERO, expected, T0)));
    let pairs = vec![key(s0, true), wad(3), key(s1, false), wad(3)];
    assert_eq!(env.margin.sender(bob()).receivable(pairs), Ok((expected, T0)));
    // It never exceeds what the writers owe at the mark.
    assert!(expected <= env.health(alice()).1 + env.health(bob()).1);
    // No heartbeat check: two hours on, with no new answer, the view values the book at
    // the last answer (and reports its time) ...
    clock::set_offset(2 * HOUR);
    let expected = env.pure_receivable(&lines, T0 + 2 * HOUR);
    assert_eq!(view(), Ok((U256::ZERO, expected, T0)));
    // ... while the account views, which need a fresh price, refuse it.
    assert_eq!(
        env.shorts.sender(bob()).account_health(alice()).motsu_unwrap_err(),
        forwarded(
            MarketStalePrice {
                marketId: ETH,
                updatedAt: U256::from(T0),
                heartbeat: HEARTBEAT,
                now: T0 + 2 * HOUR,
            }
            .abi_encode()
        )
    );
}
