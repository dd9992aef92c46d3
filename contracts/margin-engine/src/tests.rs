//! Unit tests of `MarginEngine` (motsu) with the programs it reads deployed beside it (the
//! `OptionListings` and the `RiskEngine`) and mocks: a 6-decimal ERC-20, a settable
//! governance store and settable Chainlink-style feeds (spot and sequencer). The short
//! book's use of every answer is tested in `contracts/short-book/src/tests.rs`.
//!
//! Every call is a view: the refusals go through `motsu_unwrap_err` all the same, and the
//! listings are re-read after them. Expected numbers are computed independently with the
//! pure crate (`mutual_risk`) from the fixture's keys.
#![allow(clippy::too_many_lines, reason = "scenario tests read top to bottom")]

use alloy_primitives::{aliases::U80, uint, Address, B256, I256, U256};
use alloy_sol_types::SolError;
use motsu::prelude::*;
use mutual_contract_kit::clock;
use mutual_interfaces::keys::{
    address_to_value, BOOK_KEY, IMPACT_KEY, INITIAL_MARGIN_KEY, LIQUIDATION_PENALTY_KEY,
    LIQUIDATOR_SHARE_KEY, LISTER_KEY, LISTINGS_KEY, MAINTENANCE_MARGIN_KEY, MAX_HEARTBEAT_KEY,
    MAX_IV_KEY, MAX_SKEW_KEY, MAX_TENOR_KEY, MIN_IV_KEY, MIN_LIQUIDATION_BOUNTY_KEY, MIN_SKEW_KEY,
    MIN_TENOR_KEY, MIN_TRADE_KEY, RATE_KEY, RISK_ENGINE_KEY, SEQUENCER_FEED_KEY,
    SEQUENCER_GRACE_KEY, SHORT_BOOK_KEY, SPREAD_CAP_KEY, SPREAD_FEE_KEY, STRESS_SPOT_DOWN_KEY,
    STRESS_SPOT_UP_KEY, STRESS_VOL_UP_KEY, TRADING_CUTOFF_KEY,
};
use mutual_option_listings::{MarketStalePrice, MarketUnknownStrike, OptionListings};
use mutual_risk::{
    black_scholes::{prices, years_wad_from_seconds_down, Inputs},
    margin::{
        liability_asset_up, liquidation_split, requirement_asset_up, LiquidationParams,
        MarginParams, Requirement,
    },
    settlement::obligation_asset_up,
    stress::{Grid, Position},
    trade::{
        fees_asset_up, premium_asset_down, premium_asset_up, trade_vol_wad, FeeSchedule, VolCurve,
    },
};
use mutual_risk_engine::RiskEngine;
use mutual_test_mocks::{MockAggregator, MockErc20, MockGovernance};

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
/// 1e18 as `U256`.
const ONE: U256 = uint!(1_000_000_000_000_000_000_U256);
/// 1e18.
const W: u128 = 1_000_000_000_000_000_000;
/// The ETH market id.
const ETH: B256 = B256::repeat_byte(0xe7);
/// The BTC market id.
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
/// `market.spreadCapWad`: 12.5% of the premium.
const SPREAD_CAP: u128 = W / 8;
/// `market.minTradeWad`: 0.01 options.
const MIN_TRADE: u128 = W / 100;
/// `market.stressSpotDownWad`: 40%.
const STRESS_DOWN: u128 = 4 * W / 10;
/// `market.stressSpotUpWad`: 60%.
const STRESS_UP: u128 = 6 * W / 10;
/// `market.stressVolUpWad`: +50%.
const STRESS_VOL: u128 = W / 2;
/// `market.initialMarginWad`: 120%.
const INITIAL: u128 = 12 * W / 10;
/// `market.maintenanceMarginWad`: 60% of the initial.
const MAINTENANCE: u128 = 6 * W / 10;
/// `market.liquidationPenaltyWad`: 10%.
const PENALTY: u128 = W / 10;
/// `market.liquidatorShareWad`: 40% of the penalty.
const LIQUIDATOR_SHARE: u128 = 4 * W / 10;
/// `market.minLiquidationBounty`: 5 USDC.
const MIN_BOUNTY: u64 = 5_000_000;

/// `x` USDC (6 decimals).
fn usdc(x: u64) -> U256 {
    U256::from(x) * U256::from(1_000_000u64)
}

/// `x / 100` WAD.
fn pct(x: u64) -> U256 {
    ONE * U256::from(x) / U256::from(100)
}

/// `x` WAD.
fn wad(x: u64) -> U256 {
    ONE * U256::from(x)
}

/// A `u128` as `U256`.
fn u(x: u128) -> U256 {
    U256::from(x)
}

/// A `U256` known to fit 128 bits.
fn narrow(x: U256) -> u128 {
    u128::try_from(x).expect("narrow: fits 128 bits")
}

/// The line key of a strike's side: `2 * strikeId + isCall`.
fn key(strike_id: u64, is_call: bool) -> U256 {
    U256::from(2 * strike_id + u64::from(is_call))
}

/// The lister, the governance operator and the stand-in for `market.book`.
fn admin() -> Address {
    Address::repeat_byte(0xad)
}

/// Any caller.
fn bob() -> Address {
    Address::repeat_byte(0xb0)
}

/// The contracts of a test.
struct Env {
    margin: Contract<MarginEngine>,
    listings: Contract<OptionListings>,
    engine: Contract<RiskEngine>,
    token: Contract<MockErc20>,
    gov: Contract<MockGovernance>,
    feed: Contract<MockAggregator>,
    sequencer: Contract<MockAggregator>,
    /// The fixture board.
    board: u64,
    /// Its strikes: 2100 (skew 1) and 1900 (skew 1.1).
    strikes: [u64; 2],
}

impl Env {
    /// Deploys the mocks, the listings, the risk engine and the margin engine at `T0` with
    /// every key they read (the stress grid asymmetric, -40% and +60%, so that its
    /// factors are checked each); lists ETH (8-decimal feed at 2000, updated at `T0`), a
    /// 30-day board at 80% and two strikes; the sequencer up since two hours.
    fn new() -> Self {
        clock::reset();
        let mut env = Env {
            margin: Contract::from_tag("margin-engine"),
            listings: Contract::from_tag("listings"),
            engine: Contract::from_tag("engine"),
            token: Contract::from_tag("usdc"),
            gov: Contract::from_tag("governance"),
            feed: Contract::from_tag("eth-usd"),
            sequencer: Contract::from_tag("sequencer"),
            board: 0,
            strikes: [0; 2],
        };
        let address = address_to_value;
        for (key, value) in [
            (BOOK_KEY, address(admin())),
            (SHORT_BOOK_KEY, U256::ZERO),
            (LISTINGS_KEY, address(env.listings.address())),
            (RISK_ENGINE_KEY, address(env.engine.address())),
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
            env.gov.sender(admin()).set(key, value);
        }
        for key in internal::KEYS {
            assert!(env.gov.sender(admin()).get(key).is_ok(), "Env::new: every key is set");
        }
        env.feed.sender(admin()).set_decimals(8);
        env.set_price(1, 2000, T0);
        env.set_sequencer(I256::ZERO, T0 - 2 * HOUR);
        let (token, gov) = (env.token.address(), env.gov.address());
        env.margin.sender(admin()).constructor(token, gov).expect("Env::new: margin engine");
        env.listings.sender(admin()).constructor(token, gov).expect("Env::new: listings");
        env.listings.sender(admin()).list_market(ETH, env.feed.address(), HEARTBEAT).expect("ETH");
        env.board = env.listings.sender(admin()).list_board(ETH, EXPIRY, pct(80)).expect("board");
        env.strikes = [
            env.listings.sender(admin()).list_strike(env.board, wad(2100), ONE).expect("2100"),
            env.listings.sender(admin()).list_strike(env.board, wad(1900), pct(110)).expect("1900"),
        ];
        env
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

    /// `quote(strikeId, isCall, isBuy, amount, checkMin)`.
    fn quote(
        &self,
        strike_id: u64,
        is_call: bool,
        is_buy: bool,
        amount: U256,
        check_min: bool,
    ) -> Result<(B256, U256, U256, U256, U256, U256), Error> {
        self.margin.sender(bob()).quote(strike_id, is_call, is_buy, amount, check_min)
    }

    /// The spot of `market_id` the listings answer (no age check), 18 decimals.
    fn spot(&self, market_id: B256) -> u128 {
        narrow(self.listings.sender(admin()).spot(market_id, false).expect("Env::spot").0)
    }

    /// `strikeInfo(strike_id)` of the listings.
    #[allow(clippy::type_complexity, reason = "the listings' return tuple")]
    fn info(&self, strike_id: u64) -> (B256, u64, u64, U256, U256, U256, bool, U256, U256, U256) {
        self.listings.sender(admin()).strike_info(strike_id).expect("Env::info")
    }

    /// The price of a trade of `amount` options of `strike_id` at `now` by the pure crate,
    /// from the listings' strike and board and the fixture's keys: `(premium, fees,
    /// volWad, baseIvAfterWad)`, the spread fee only.
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
        let spot = self.spot(info.0);
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

    /// `amount` written options of `strike_id` as a position of the pure crate at `now`,
    /// marked at `baseIv x skew` rounded up (`up`) or down.
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

    /// The requirements of writing `lines` of ETH at `now`: `requirement_asset_up` over the
    /// grid of the keys, spot `1 - d, 1 - d/2, 1, 1 + u/2, 1 + u` and volatility `1, 1 + v`.
    fn requirement(&self, lines: &[(u64, bool, U256)], now: u64) -> Requirement {
        let book: Vec<Position> = lines
            .iter()
            .map(|&(id, is_call, amount)| self.position(id, is_call, amount, true, now))
            .collect();
        let spots = [W - STRESS_DOWN, W - STRESS_DOWN / 2, W, W + STRESS_UP / 2, W + STRESS_UP];
        let grid = Grid { spot_factors_wad: &spots, vol_factors_wad: &[W, W + STRESS_VOL] };
        let params =
            MarginParams { initial_multiplier_wad: INITIAL, maintenance_fraction_wad: MAINTENANCE };
        requirement_asset_up(self.spot(ETH), RATE, &book, &grid, &params, DECIMALS)
            .expect("Env::requirement")
    }

    /// The value of the pool's held `lines` of `market_id` at `now`: the cost of their
    /// written mirror marked at `baseIv x skew` rounded down, less one unit per line and
    /// one for the underlying.
    fn held_value(&self, market_id: B256, lines: &[(u64, bool, U256)], now: u64) -> U256 {
        let book: Vec<Position> = lines
            .iter()
            .map(|&(id, is_call, amount)| self.position(id, is_call, amount, false, now))
            .collect();
        let value = liability_asset_up(self.spot(market_id), RATE, &book, DECIMALS).expect("v");
        value.saturating_sub(U256::from(lines.len() + 1))
    }

    /// Lists BTC (18-decimal feed on `feed` at 60,000, updated at `updated_at`), a 60-day
    /// board at 60% and a 65,000 strike; returns the strike.
    fn list_btc(&self, feed: &Contract<MockAggregator>, updated_at: u64) -> u64 {
        feed.sender(admin()).set_decimals(18);
        feed.sender(admin()).set_round(
            U80::from(1),
            I256::try_from(wad(60_000)).expect("60k"),
            U256::from(updated_at),
            U256::from(updated_at),
            U80::from(1),
        );
        self.listings.sender(admin()).list_market(BTC, feed.address(), DAY).expect("BTC");
        let board =
            self.listings.sender(admin()).list_board(BTC, T0 + 60 * DAY, pct(60)).expect("board");
        self.listings.sender(admin()).list_strike(board, wad(65_000), ONE).expect("65k")
    }

    /// Expires the fixture board at `price` (round 3, at expiry; round 2 a second before)
    /// and settles it in the listings as `market.book`.
    fn settle_at(&self, price: u64) {
        clock::set_offset(EXPIRY - T0);
        self.set_price(2, 2000, EXPIRY - 1);
        self.set_price(3, price, EXPIRY);
        self.listings.sender(admin()).settle_board(self.board, U256::from(3)).expect("settle");
    }
}

/// `liquidation_split` of the pure crate with the fixture's keys.
fn pure_split(collateral: U256, liability: U256) -> (U256, U256, U256, U256, U256) {
    let params = LiquidationParams {
        penalty_rate_wad: PENALTY,
        bounty_share_wad: LIQUIDATOR_SHARE,
        min_bounty: U256::from(MIN_BOUNTY),
    };
    let l = liquidation_split(collateral, liability, &params).expect("pure_split");
    (l.bounty, l.to_pool, l.to_reserve, l.returned, l.shortfall)
}

// ---- Encodings and construction -------------------------------------------------------------

#[test]
fn the_engines_refusals_are_the_abi_encoding_of_the_shared_errors() {
    /// `wrap(error)`'s revert data beside `error`'s `sol!` encoding.
    fn case<E: SolError>(wrap: fn(E) -> Error, error: E) -> (Vec<u8>, Vec<u8>) {
        let sol = error.abi_encode();
        (Vec::<u8>::from(wrap(error)), sol)
    }
    let account = Address::repeat_byte(0x22);
    let big = U256::MAX;
    for (hand, sol) in [
        case(Error::InvalidAddress, ShortBookInvalidAddress { account }),
        case(Error::ZeroAmount, ShortBookZeroAmount {}),
        case(Error::TradeTooSmall, ShortBookTradeTooSmall { amount: big, min: ONE }),
        case(
            Error::TradingClosed,
            ShortBookTradingClosed { boardId: 1, expiry: u64::MAX, cutoff: 3, now: 4 },
        ),
        case(
            Error::MarketMismatch,
            ShortBookMarketMismatch { account: Address::ZERO, accountMarket: ETH, marketId: BTC },
        ),
        case(Error::CallFailed, ShortBookCallFailed { target: account }),
        case(Error::TokenCallFailed, ShortBookTokenCallFailed { token: account }),
        case(Error::SequencerDown, ShortBookSequencerDown { feed: account }),
        case(
            Error::SequencerGracePeriod,
            ShortBookSequencerGracePeriod { upSince: big, grace: 7, now: u64::MAX },
        ),
        case(Error::InvalidLength, ShortBookInvalidLength { length: big }),
        case(Error::MathError, ShortBookMathError { code: 10 }),
    ] {
        assert_eq!(hand, sol);
    }
}

#[motsu::test]
fn the_constructor_checks_its_addresses_and_the_assets_decimals(
    margin: Contract<MarginEngine>,
    token: Contract<MockErc20>,
    odd: Contract<MockAggregator>,
) {
    let gov = Address::repeat_byte(0x60);
    for (asset, governance) in [(Address::ZERO, gov), (token.address(), Address::ZERO)] {
        assert_eq!(
            margin.sender(admin()).constructor(asset, governance).motsu_unwrap_err(),
            Error::InvalidAddress(ShortBookInvalidAddress { account: Address::ZERO })
        );
    }
    // The aggregator mock stands in for an asset of settable decimals.
    odd.sender(admin()).set_decimals(19);
    let failed = Error::TokenCallFailed(ShortBookTokenCallFailed { token: odd.address() });
    assert_eq!(margin.sender(admin()).constructor(odd.address(), gov).motsu_unwrap_err(), failed);
    odd.sender(admin()).set_decimals(18);
    odd.sender(admin()).set_failing(true);
    assert_eq!(margin.sender(admin()).constructor(odd.address(), gov).motsu_unwrap_err(), failed);
    assert_eq!(margin.sender(admin()).governance(), Address::ZERO);
    margin.sender(admin()).constructor(token.address(), gov).expect("constructor");
    assert_eq!(margin.sender(admin()).governance(), gov);
}

// ---- Quotes -------------------------------------------------------------------------------

#[motsu::test]
fn a_quote_is_the_pure_crates_price_of_the_trade() {
    let env = Env::new();
    let [s0, s1] = env.strikes;
    // The pool wrote 3 calls and 4 puts of the 1900 strike (the book's trades).
    env.listings.sender(admin()).record_trade(s1, true, wad(3), pct(80)).expect("calls");
    env.listings.sender(admin()).record_trade(s1, false, wad(4), pct(80)).expect("puts");
    let odd = wad(2) + U256::from(345_678_901_234_567_891u64);
    for (id, is_call, is_buy, amount) in [
        (s0, true, false, wad(2)),
        (s0, false, true, wad(1)),
        (s1, true, false, odd),
        (s1, false, true, odd),
        (s1, false, false, u(MIN_TRADE)),
    ] {
        let (market_id, premium, fees, vol, base_after, written) =
            env.quote(id, is_call, is_buy, amount, true).expect("quote");
        assert_eq!(market_id, ETH);
        assert_eq!(
            (premium, fees, vol, base_after),
            env.pure_quote(id, is_call, is_buy, amount, T0)
        );
        let longs = env.listings.sender(bob()).strike(id);
        assert_eq!(written, if is_call { longs.3 } else { longs.4 });
    }
    // Base 80% moved by 0.001 per option: down 0.002 for a sale of 2, up for a purchase.
    let sale = env.quote(s0, true, false, wad(2), true).expect("sale");
    assert_eq!((sale.3, sale.4), (pct(798) / U256::from(10), pct(798) / U256::from(10)));
    let purchase = env.quote(s0, true, true, wad(2), true).expect("purchase");
    assert_eq!(purchase.4, pct(802) / U256::from(10));
    // The premium of a sale rounds down, of a purchase up: a purchase costs more.
    assert!(purchase.1 > sale.1);
    // A quote is a view: the board's base IV stays.
    assert_eq!(env.listings.sender(bob()).board(env.board).2, pct(80));
    // Later, with another price, still the pure crate's.
    clock::set_offset(7 * DAY);
    env.set_price(2, 2240, T0 + 7 * DAY);
    let later = env.quote(s0, false, false, wad(1), true).expect("later");
    assert_eq!(
        (later.1, later.2, later.3, later.4),
        env.pure_quote(s0, false, false, wad(1), T0 + 7 * DAY)
    );
}

#[motsu::test]
fn quotes_check_the_ticket() {
    let env = Env::new();
    let s = env.strikes[0];
    let board = env.listings.sender(bob()).board(env.board);
    assert_eq!(
        env.quote(s, true, false, U256::ZERO, true).motsu_unwrap_err(),
        Error::ZeroAmount(ShortBookZeroAmount {})
    );
    assert_eq!(
        env.quote(s, true, false, U256::ZERO, false).motsu_unwrap_err(),
        Error::ZeroAmount(ShortBookZeroAmount {})
    );
    let dust = u(MIN_TRADE) - U256::from(1);
    assert_eq!(
        env.quote(s, true, false, dust, true).motsu_unwrap_err(),
        Error::TradeTooSmall(ShortBookTradeTooSmall { amount: dust, min: u(MIN_TRADE) })
    );
    // Without the minimum (a close of everything written), dust is priced.
    let priced = env.quote(s, true, true, dust, false).expect("dust");
    assert_eq!((priced.1, priced.2, priced.3, priced.4), env.pure_quote(s, true, true, dust, T0));
    env.quote(s, true, false, u(MIN_TRADE), true).expect("exactly the minimum");
    assert_eq!(
        env.quote(99, true, false, ONE, true).motsu_unwrap_err(),
        Error::Forwarded(MarketUnknownStrike { strikeId: 99 }.abi_encode())
    );
    // The sequencer gate comes first.
    env.set_sequencer(I256::ONE, T0 - DAY);
    assert_eq!(
        env.quote(s, true, false, U256::ZERO, true).motsu_unwrap_err(),
        Error::SequencerDown(ShortBookSequencerDown { feed: env.sequencer.address() })
    );
    env.set_sequencer(I256::ZERO, T0 - GRACE);
    assert_eq!(
        env.quote(s, true, false, ONE, true).motsu_unwrap_err(),
        Error::SequencerGracePeriod(ShortBookSequencerGracePeriod {
            upSince: U256::from(T0 - GRACE),
            grace: GRACE,
            now: T0,
        })
    );
    env.sequencer.sender(admin()).set_failing(true);
    assert_eq!(
        env.quote(s, true, false, ONE, true).motsu_unwrap_err(),
        Error::TokenCallFailed(ShortBookTokenCallFailed { token: env.sequencer.address() })
    );
    env.sequencer.sender(admin()).set_failing(false);
    env.set_sequencer(I256::ZERO, T0 - GRACE - 1);
    env.quote(s, true, false, ONE, true).expect("after the grace period");
    // No feed configured: no gate.
    env.gov.sender(admin()).set(SEQUENCER_FEED_KEY, U256::ZERO);
    env.set_sequencer(I256::ONE, T0);
    env.quote(s, true, false, ONE, true).expect("no sequencer feed");
    // A key missing.
    env.gov.sender(admin()).unset(IMPACT_KEY);
    assert_eq!(
        env.quote(s, true, false, ONE, true).motsu_unwrap_err(),
        Error::CallFailed(ShortBookCallFailed { target: env.gov.address() })
    );
    env.gov.sender(admin()).set(IMPACT_KEY, u(IMPACT));
    // The heartbeat: exactly its age passes, a second more is the listings' stale price.
    clock::set_offset(HEARTBEAT);
    env.quote(s, true, false, ONE, true).expect("at the heartbeat");
    clock::set_offset(HEARTBEAT + 1);
    assert_eq!(
        env.quote(s, true, false, ONE, true).motsu_unwrap_err(),
        Error::Forwarded(
            MarketStalePrice {
                marketId: ETH,
                updatedAt: U256::from(T0),
                heartbeat: HEARTBEAT,
                now: T0 + HEARTBEAT + 1,
            }
            .abi_encode()
        )
    );
    // The cut-off: the last second trades; at now + cutoff == expiry the board is closed.
    let last = EXPIRY - CUTOFF - 1;
    clock::set_offset(last - T0);
    env.set_price(2, 2000, last);
    env.quote(s, true, false, ONE, true).expect("the last second");
    clock::set_offset(last + 1 - T0);
    assert_eq!(
        env.quote(s, true, true, ONE, false).motsu_unwrap_err(),
        Error::TradingClosed(ShortBookTradingClosed {
            boardId: env.board,
            expiry: EXPIRY,
            cutoff: CUTOFF,
            now: last + 1,
        })
    );
    assert_eq!(env.listings.sender(bob()).board(env.board), board);
}

// ---- Margin, dues, receivable ---------------------------------------------------------------

#[motsu::test]
fn margin_is_the_stress_grid_requirement_of_the_live_lines(btc: Contract<MockAggregator>) {
    let env = Env::new();
    let [s0, s1] = env.strikes;
    let margin = |lines: Vec<U256>, check: bool| env.margin.sender(bob()).margin(lines, check);
    assert_eq!(
        margin(vec![], true),
        Ok((B256::ZERO, U256::ZERO, U256::ZERO, U256::ZERO, U256::ZERO))
    );
    for length in [1usize, 3] {
        assert_eq!(
            margin(vec![key(s0, true); length], false).motsu_unwrap_err(),
            Error::InvalidLength(ShortBookInvalidLength { length: U256::from(length) })
        );
    }
    let odd = wad(3) + U256::from(987_654_321u64);
    let lines = [(s0, true, wad(2)), (s1, false, odd)];
    let pairs = vec![key(s0, true), wad(2), key(s1, false), odd];
    for (offset, price, round) in [(0, 2000, 1), (12 * DAY, 1850, 2), (29 * DAY, 2300, 3)] {
        clock::set_offset(offset);
        env.set_price(round, price, T0 + offset);
        let r = env.requirement(&lines, T0 + offset);
        assert_eq!(
            margin(pairs.clone(), true),
            Ok((ETH, r.liability, r.initial, r.maintenance, U256::ZERO)),
            "at {price}"
        );
    }
    clock::reset();
    env.set_price(4, 2000, T0);
    // The sequencer gate only when asked.
    env.set_sequencer(I256::ONE, T0);
    let ungated = margin(pairs.clone(), false).expect("views are not gated");
    assert_eq!(
        margin(pairs.clone(), true).motsu_unwrap_err(),
        Error::SequencerDown(ShortBookSequencerDown { feed: env.sequencer.address() })
    );
    env.set_sequencer(I256::ZERO, T0 - 2 * HOUR);
    assert_eq!(margin(pairs.clone(), true), Ok(ungated));
    // Lines of two underlyings cannot be margined together.
    let btc_strike = env.list_btc(&btc, T0);
    assert_eq!(
        margin(vec![key(s0, true), wad(1), key(btc_strike, false), ONE], false).motsu_unwrap_err(),
        Error::MarketMismatch(ShortBookMarketMismatch {
            account: Address::ZERO,
            accountMarket: ETH,
            marketId: BTC,
        })
    );
    // An unknown strike is the listings' refusal.
    assert_eq!(
        margin(vec![key(42, true), ONE], false).motsu_unwrap_err(),
        Error::Forwarded(MarketUnknownStrike { strikeId: 42 }.abi_encode())
    );
}

#[motsu::test]
fn dues_are_max_until_settlement_then_the_obligation() {
    let env = Env::new();
    let [s0, s1] = env.strikes;
    let later =
        env.listings.sender(admin()).list_board(ETH, T0 + 60 * DAY, pct(80)).expect("board");
    let live = env.listings.sender(admin()).list_strike(later, wad(2100), ONE).expect("strike");
    let odd = wad(2) + U256::from(333_333_333_333_333_333u64);
    let pairs = vec![
        key(s0, true),
        odd,
        key(s1, false),
        wad(1),
        key(s1, true),
        wad(5),
        key(live, true),
        ONE,
    ];
    let dues = |lines: Vec<U256>| env.margin.sender(bob()).dues(lines);
    assert_eq!(dues(vec![]), Ok(vec![]));
    assert_eq!(dues(pairs.clone()), Ok(vec![U256::MAX; 4]));
    assert_eq!(
        dues(vec![key(s0, true)]).motsu_unwrap_err(),
        Error::InvalidLength(ShortBookInvalidLength { length: U256::from(1) })
    );
    assert_eq!(
        dues(vec![key(77, false), ONE]).motsu_unwrap_err(),
        Error::Forwarded(MarketUnknownStrike { strikeId: 77 }.abi_encode())
    );
    // Expired is not settled.
    clock::set_offset(EXPIRY - T0);
    assert_eq!(dues(pairs.clone()), Ok(vec![U256::MAX; 4]));
    env.settle_at(2345);
    let owe = |strike: u128, amount: U256, is_call: bool| {
        obligation_asset_up(2345 * W, strike * W, narrow(amount), is_call, DECIMALS).expect("owe")
    };
    let expected = vec![owe(2100, odd, true), U256::ZERO, owe(1900, wad(5), true), U256::MAX];
    assert_eq!(dues(pairs.clone()), Ok(expected.clone()));
    // 2 x 245 = 490 USDC and a bit for the odd size, rounded up; 5 x 445 for the 1900 calls.
    assert!(expected[0] > usdc(490));
    assert_eq!(expected[2], usdc(2_225));
    // The margin of the same lines: what the settled ones owe plus the live one's margin.
    let r = env.requirement(&[(live, true, ONE)], EXPIRY);
    let owed = expected[0] + expected[2];
    assert_eq!(
        env.margin.sender(bob()).margin(pairs, true),
        Ok((ETH, owed + r.liability, r.initial, r.maintenance, owed))
    );
    // Only settled lines: the liability is what they owe, nothing to margin.
    assert_eq!(
        env.margin.sender(bob()).margin(vec![key(s0, true), odd], true),
        Ok((B256::ZERO, expected[0], U256::ZERO, U256::ZERO, expected[0]))
    );
}

#[motsu::test]
fn the_receivable_values_the_held_book_less_the_slack(btc: Contract<MockAggregator>) {
    let env = Env::new();
    let [s0, s1] = env.strikes;
    let receivable = |lines: Vec<U256>| env.margin.sender(bob()).receivable(lines);
    assert_eq!(receivable(vec![]), Ok((U256::ZERO, T0)));
    assert_eq!(
        receivable(vec![key(s0, true), ONE, key(s1, true)]).motsu_unwrap_err(),
        Error::InvalidLength(ShortBookInvalidLength { length: U256::from(3) })
    );
    let eth = [(s0, true, wad(3)), (s1, false, wad(2))];
    let expected = env.held_value(ETH, &eth, T0);
    let pairs = vec![key(s0, true), wad(3), key(s1, false), wad(2)];
    assert_eq!(receivable(pairs.clone()), Ok((expected, T0)));
    // A second underlying, its answer a day old: valued alone (its own slack), and the mark
    // time is the oldest answer used (no heartbeat check).
    let btc_strike = env.list_btc(&btc, T0 - DAY);
    let btc_lines = [(btc_strike, true, pct(50))];
    let mut both = pairs.clone();
    both.extend([key(btc_strike, true), pct(50)]);
    let btc_value = env.held_value(BTC, &btc_lines, T0);
    assert!(btc_value > U256::ZERO);
    assert_eq!(receivable(both.clone()), Ok((expected + btc_value, T0 - DAY)));
    // Two hours on without a new ETH answer: still valued, at the new time to expiry.
    clock::set_offset(2 * HOUR);
    let expected = env.held_value(ETH, &eth, T0 + 2 * HOUR);
    assert_eq!(receivable(pairs.clone()), Ok((expected, T0)));
    // Settled lines count what they owe, less one unit (nothing when they owe nothing).
    env.settle_at(2500);
    assert_eq!(receivable(pairs), Ok((usdc(1_200) - U256::from(1), EXPIRY)));
    let btc_value = env.held_value(BTC, &btc_lines, EXPIRY);
    assert_eq!(receivable(both), Ok((usdc(1_200) - U256::from(1) + btc_value, T0 - DAY)));
}

// ---- Liquidation ----------------------------------------------------------------------------

#[motsu::test]
fn the_liquidation_split_is_the_pure_crates() {
    let env = Env::new();
    let split = |collateral: U256, liability: U256| {
        env.margin.sender(bob()).liquidation_split(collateral, liability)
    };
    for (collateral, liability) in [
        (U256::ZERO, U256::ZERO),
        (usdc(1_000), U256::ZERO),
        (usdc(1_000), usdc(400)),
        (usdc(1_000), usdc(950)),
        (usdc(1_000), usdc(5_000)),
        (usdc(3), usdc(10)),
        (usdc(20), U256::from(1)),
        (U256::from(123_456_789u64), U256::from(98_765_432u64)),
    ] {
        let expected = pure_split(collateral, liability);
        assert_eq!(split(collateral, liability), Ok(expected));
        let (bounty, to_pool, to_reserve, returned, shortfall) = expected;
        assert_eq!(bounty + to_pool + to_reserve + returned, collateral);
        assert_eq!(to_pool + shortfall, liability);
    }
    // 10% of 400 is 40: 40% of it (16 USDC) to the liquidator, 24 to the reserve.
    assert_eq!(
        split(usdc(1_000), usdc(400)),
        Ok((usdc(16), usdc(400), usdc(24), usdc(560), U256::ZERO))
    );
    // The least bounty: 5 USDC, even on a small liability, but never above the collateral.
    assert_eq!(split(usdc(20), U256::from(1)).expect("small").0, usdc(5));
    assert_eq!(
        split(usdc(3), usdc(10)),
        Ok((usdc(3), U256::ZERO, U256::ZERO, U256::ZERO, usdc(10)))
    );
    // A share above one is refused by the pure crate (`InvalidBounds`, code 10); a rate
    // beyond 128 bits overflows (code 1); a missing key is a failed governance read.
    env.gov.sender(admin()).set(LIQUIDATOR_SHARE_KEY, ONE + U256::from(1));
    assert_eq!(
        split(usdc(1), usdc(1)).motsu_unwrap_err(),
        Error::MathError(ShortBookMathError { code: 10 })
    );
    env.gov.sender(admin()).set(LIQUIDATOR_SHARE_KEY, u(LIQUIDATOR_SHARE));
    env.gov.sender(admin()).set(LIQUIDATION_PENALTY_KEY, U256::from(u128::MAX) + U256::from(1));
    assert_eq!(
        split(usdc(1), usdc(1)).motsu_unwrap_err(),
        Error::MathError(ShortBookMathError { code: 1 })
    );
    env.gov.sender(admin()).unset(LIQUIDATION_PENALTY_KEY);
    assert_eq!(
        split(usdc(1), usdc(1)).motsu_unwrap_err(),
        Error::CallFailed(ShortBookCallFailed { target: env.gov.address() })
    );
}
