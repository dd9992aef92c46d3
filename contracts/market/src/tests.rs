//! Unit tests of `OptionsMarket` (motsu) against mocks: a 6-decimal ERC-20, a settable
//! governance store, settable Chainlink-style feeds (spot and sequencer), and a vault and
//! an insurance fund that pay and book as the real ones do.
//!
//! Every failing call is followed by a re-read of the state it could have touched: motsu
//! keeps the storage of a call that returns `Err` (only `motsu_unwrap_err` reverts it), so
//! a state change made before an error would show. Expected prices are written out with the
//! pure crate's own functions, the way the market must call them.
#![allow(clippy::too_many_lines, reason = "scenario tests read top to bottom")]

use alloy_primitives::{aliases::U80, uint, Address, B256, I256, U256};
use alloy_sol_types::SolError;
use motsu::prelude::*;
use mutual_contract_kit::clock;
use mutual_interfaces::keys::*;
use mutual_option_book::OptionBook;
use mutual_option_listings::{OptionListings, MAX_LIVE_BOARDS, MAX_MARKETS, MAX_STRIKES};
use mutual_risk::black_scholes::SPOT_STRIKE_MAX_WAD;
use mutual_risk::{
    black_scholes::{greeks, prices, years_wad_from_seconds_down, Inputs},
    trade::{premium_asset_down, premium_asset_up},
};
use mutual_risk_engine::RiskEngine;
use mutual_test_mocks::{
    market_params, MockAggregator, MockErc20, MockGovernance, MockInsuranceFund, MockPoolVault,
};

use super::*;

/// The book's errors are the market's (`OptionBook` includes `errors.rs`), but another
/// type: they compare by their revert data, which a market call forwards unchanged.
impl PartialEq<Error> for mutual_option_book::Error {
    fn eq(&self, other: &Error) -> bool {
        Vec::<u8>::from(self.clone()) == Vec::<u8>::from(other.clone())
    }
}

/// The listings' errors are the market's too, compared the same way.
impl PartialEq<Error> for mutual_option_listings::Error {
    fn eq(&self, other: &Error) -> bool {
        Vec::<u8>::from(self.clone()) == Vec::<u8>::from(other.clone())
    }
}

/// A book error forwarded by the market, decoded into its variant for the tests that
/// read its fields (the others compare revert data).
fn fields(err: Error) -> Error {
    let Error::Forwarded(data) = &err else { return err };
    if let Ok(e) = MarketStressLimitExceeded::abi_decode(data, true) {
        return Error::StressLimitExceeded(e);
    }
    if let Ok(e) = MarketCoverageBelowFloor::abi_decode(data, true) {
        return Error::CoverageBelowFloor(e);
    }
    err
}

/// `keccak256("LISTER")`, the listings' role.
const LISTER_ROLE: B256 = mutual_option_listings::LISTER_ROLE;
/// `keccak256("BOOK")`, the role of the listings' writes.
const BOOK_ROLE: B256 = mutual_option_listings::BOOK_ROLE;

// ---- Fixture --------------------------------------------------------------------------------

/// motsu 0.10's constant block timestamp (2025-01-01T00:00:00Z).
const T0: u64 = 1_735_689_600;
/// One hour and one day in seconds.
const HOUR: u64 = 3_600;
/// One day.
const DAY: u64 = 86_400;
/// The fixture board's expiry: 30 days after `T0`.
const EXPIRY: u64 = T0 + 30 * DAY;
/// The fixture's trading cut-off: one hour (`market_params`).
const CUTOFF: u64 = HOUR;
/// The fixture oracle's heartbeat: one hour.
const HEARTBEAT: u64 = HOUR;
/// The sequencer's grace period: one hour (`market_params`).
const GRACE: u64 = HOUR;
/// 1e18.
const WAD: U256 = uint!(1_000_000_000_000_000_000_U256);
/// 1e18 as `u128`.
const W: u128 = 1_000_000_000_000_000_000;
/// The ETH market id.
const ETH: B256 = B256::repeat_byte(0xe7);

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

/// The lister and governance operator.
fn admin() -> Address {
    Address::repeat_byte(0xad)
}

/// A trader.
fn alice() -> Address {
    Address::repeat_byte(0xa1)
}

/// Another account.
fn bob() -> Address {
    Address::repeat_byte(0xb0)
}

/// The treasury.
fn treasury() -> Address {
    Address::repeat_byte(0x77)
}

/// The contracts of a test.
struct Env {
    market: Contract<OptionsMarket>,
    book: Contract<OptionBook>,
    listings: Contract<OptionListings>,
    engine: Contract<RiskEngine>,
    token: Contract<MockErc20>,
    gov: Contract<MockGovernance>,
    feed: Contract<MockAggregator>,
    sequencer: Contract<MockAggregator>,
    vault: Contract<MockPoolVault>,
    fund: Contract<MockInsuranceFund>,
    /// The fixture board.
    board: u64,
    /// Its strikes: 2100 (skew 1) and 1900 (skew 1.1).
    strikes: [u64; 2],
}

impl Env {
    /// Deploys the mocks and the market at `T0` with every key set, lists ETH (8-decimal
    /// feed at 2000, updated at `T0`), a 30-day board at 80% and two strikes; funds the
    /// vault (1,000,000 USDC) and the fund (100,000 USDC of cover), and gives Alice
    /// 100,000 USDC approved to the market.
    fn new() -> Self {
        clock::reset();
        let mut env = Env {
            market: Contract::from_tag("market"),
            book: Contract::from_tag("book"),
            listings: Contract::from_tag("listings"),
            engine: Contract::from_tag("engine"),
            token: Contract::from_tag("usdc"),
            gov: Contract::from_tag("governance"),
            feed: Contract::from_tag("eth-usd"),
            sequencer: Contract::from_tag("sequencer"),
            vault: Contract::from_tag("vault"),
            fund: Contract::from_tag("fund"),
            board: 0,
            strikes: [0; 2],
        };
        let address = |c: Address| address_to_value(c);
        for (key, value) in [
            (MARKET_KEY, address(env.market.address())),
            (BOOK_KEY, address(env.book.address())),
            (SHORT_BOOK_KEY, U256::ZERO),
            (LISTINGS_KEY, address(env.listings.address())),
            (RISK_ENGINE_KEY, address(env.engine.address())),
            (BASE_INCOME_SHARE_KEY, pct(10)),
            (MAX_INCOME_SHARE_KEY, pct(10)),
            (TARGET_COVERAGE_KEY, U256::ZERO),
            (VAULT_KEY, address(env.vault.address())),
            (INSURANCE_KEY, address(env.fund.address())),
            (TREASURY_KEY, address(treasury())),
            (LISTER_KEY, address(admin())),
            (SEQUENCER_FEED_KEY, address(env.sequencer.address())),
        ] {
            env.set(key, value);
        }
        for (key, value) in market_params() {
            env.set(key, value);
        }
        env.feed.sender(admin()).set_decimals(8);
        env.set_price(1, 2000, T0);
        env.sequencer.sender(admin()).set_round(
            U80::from(1),
            I256::ZERO,
            U256::from(T0 - 2 * HOUR),
            U256::from(T0 - 2 * HOUR),
            U80::from(1),
        );
        let mint = |to: Address, amount: U256| {
            env.token.sender(admin()).mint(to, amount).expect("Env::new: mint");
        };
        mint(env.vault.address(), usdc(1_000_000));
        env.vault.sender(admin()).init(env.token.address(), usdc(1_000_000), usdc(1_000_000));
        env.vault.sender(admin()).set_book(env.book.address());
        mint(env.fund.address(), usdc(100_000));
        env.fund.sender(admin()).init(env.token.address(), usdc(100_000), pct(10), usdc(200_000));
        mint(alice(), usdc(100_000));
        env.token.sender(alice()).approve(env.market.address(), U256::MAX).expect("approve");
        env.market
            .sender(admin())
            .constructor(env.token.address(), env.gov.address())
            .expect("Env::new: constructor");
        env.book
            .sender(admin())
            .constructor(env.token.address(), env.gov.address())
            .expect("Env::new: book constructor");
        env.listings
            .sender(admin())
            .constructor(env.token.address(), env.gov.address())
            .expect("Env::new: listings constructor");
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

    /// Records spot round `round` of `price` USD (8 decimals) updated at `updated_at`.
    fn set_price(&self, round: u64, price: u64, updated_at: u64) {
        let answer =
            I256::try_from(price).expect("price") * I256::try_from(100_000_000u64).expect("1e8");
        self.set_round(round, answer, updated_at, round);
    }

    /// Records spot round `round`: `answer`, started and updated at `updated_at`, answered
    /// in round `answered`.
    fn set_round(&self, round: u64, answer: I256, updated_at: u64, answered: u64) {
        self.feed.sender(admin()).set_round(
            U80::from(round),
            answer,
            U256::from(updated_at),
            U256::from(updated_at),
            U80::from(answered),
        );
    }

    /// The token balance of `account`.
    fn balance(&self, account: Address) -> U256 {
        self.token.sender(admin()).balance_of(account)
    }

    /// `(longCalls, longPuts)` of strike `i` of the fixture.
    fn open_interest(&self, i: usize) -> (U256, U256) {
        let s = self.listings.sender(admin()).strike(self.strikes[i]);
        (s.3, s.4)
    }

    /// Alice buys `amount` calls of strike `i` with no slippage bound.
    fn buy(&self, i: usize, amount: U256) -> u64 {
        self.market
            .sender(alice())
            .buy(self.strikes[i], true, amount, U256::MAX, u64::MAX)
            .expect("Env::buy")
    }
}

/// The premium per option of the fixture at spot 2000, `now` and `vol_wad`.
fn bs(strike: u64, is_call: bool, vol_wad: u128, now: u64) -> u128 {
    let p = prices(&Inputs {
        spot_wad: 2000 * W,
        strike_wad: u128::from(strike) * W,
        t_years_wad: years_wad_from_seconds_down(EXPIRY - now),
        vol_wad,
        rate_wad: W / 20,
    })
    .expect("bs");
    if is_call {
        p.call_wad
    } else {
        p.put_wad
    }
}

// ---- Encodings ------------------------------------------------------------------------------

#[test]
fn revert_data_is_the_abi_encoding_of_each_error() {
    /// The hand encoding of `wrap(error)` beside `error`'s `sol!` encoding.
    fn case<E: SolError>(wrap: fn(E) -> Error, error: E) -> (Vec<u8>, Vec<u8>) {
        let sol = error.abi_encode();
        (Vec::<u8>::from(wrap(error)), sol)
    }
    let account = Address::repeat_byte(0x22);
    let (big, small) = (U256::MAX, U256::from(7));
    let cases = [
        case(Error::InvalidAddress, MarketInvalidAddress { account }),
        case(Error::UnauthorizedAccount, MarketUnauthorizedAccount { account, role: LISTER_ROLE }),
        case(Error::Paused, MarketPaused { scope: MARKET_SCOPE }),
        case(Error::UnknownMarket, MarketUnknownMarket { marketId: ETH }),
        case(Error::AlreadyListed, MarketAlreadyListed { marketId: ETH }),
        case(Error::UnknownBoard, MarketUnknownBoard { boardId: u64::MAX }),
        case(Error::UnknownStrike, MarketUnknownStrike { strikeId: 3 }),
        case(Error::UnknownPosition, MarketUnknownPosition { positionId: 4 }),
        case(Error::TooMany, MarketTooMany { count: 8, max: u32::MAX }),
        case(Error::OutOfBounds, MarketOutOfBounds { key: ETH, value: big, min: small, max: WAD }),
        case(Error::InvalidDecimals, MarketInvalidDecimals { oracle: account, decimals: 255 }),
        case(Error::ZeroAmount, MarketZeroAmount {}),
        case(Error::DeadlinePassed, MarketDeadlinePassed { deadline: 1, now: u64::MAX }),
        case(Error::TradeTooSmall, MarketTradeTooSmall { amount: small, min: big }),
        case(
            Error::TradingClosed,
            MarketTradingClosed { boardId: 1, expiry: 2, cutoff: 3, now: u64::MAX },
        ),
        case(
            Error::OpenInterestCap,
            MarketOpenInterestCap { strikeId: 9, openInterest: big, cap: small },
        ),
        case(Error::CostAboveMax, MarketCostAboveMax { cost: big, maxCost: small }),
        case(Error::ProceedsBelowMin, MarketProceedsBelowMin { proceeds: small, minProceeds: big }),
        case(
            Error::InsufficientPosition,
            MarketInsufficientPosition { positionId: 5, amount: big, held: small },
        ),
        case(
            Error::StressLimitExceeded,
            MarketStressLimitExceeded { marketId: ETH, stressedLoss: big, capacity: small },
        ),
        case(
            Error::CoverageBelowFloor,
            MarketCoverageBelowFloor { marketId: ETH, coverage: small, floor: big },
        ),
        case(Error::UtilizationAboveCap, MarketUtilizationAboveCap { utilization: big, cap: WAD }),
        case(
            Error::NetDeltaAboveCap,
            MarketNetDeltaAboveCap { marketId: ETH, netDeltaWad: I256::MINUS_ONE, capWad: small },
        ),
        case(
            Error::NetVegaAboveCap,
            MarketNetVegaAboveCap { marketId: ETH, netVegaWad: I256::MIN, capWad: big },
        ),
        case(Error::OracleCallFailed, MarketOracleCallFailed { feed: account }),
        case(Error::InvalidPrice, MarketInvalidPrice { marketId: ETH, answer: I256::MINUS_ONE }),
        case(
            Error::IncompleteRound,
            MarketIncompleteRound {
                marketId: ETH,
                roundId: big,
                updatedAt: small,
                answeredInRound: WAD,
            },
        ),
        case(
            Error::StalePrice,
            MarketStalePrice { marketId: ETH, updatedAt: big, heartbeat: 7, now: u64::MAX },
        ),
        case(Error::SequencerDown, MarketSequencerDown { feed: account }),
        case(
            Error::SequencerGracePeriod,
            MarketSequencerGracePeriod { upSince: big, grace: 1, now: 2 },
        ),
        case(Error::NotExpired, MarketNotExpired { boardId: 1, expiry: u64::MAX, now: 3 }),
        case(Error::AlreadySettled, MarketAlreadySettled { boardId: 6 }),
        case(
            Error::InvalidSettlementRound,
            MarketInvalidSettlementRound {
                boardId: 1,
                roundId: big,
                updatedAt: small,
                previousUpdatedAt: WAD,
            },
        ),
        case(Error::NotSettled, MarketNotSettled { boardId: 2 }),
        case(Error::AlreadyClaimed, MarketAlreadyClaimed { positionId: 8 }),
        case(Error::PoolCashShort, MarketPoolCashShort { requested: big, paid: small }),
        case(Error::CallFailed, MarketCallFailed { target: account }),
        case(Error::TokenCallFailed, MarketTokenCallFailed { token: account }),
        case(Error::MathError, MarketMathError { code: 11 }),
    ];
    for (hand, sol) in cases {
        assert_eq!(hand, sol);
    }
}

// ---- Construction and listings --------------------------------------------------------------

#[motsu::test]
fn the_constructor_rejects_zero_addresses(market: Contract<OptionsMarket>) {
    let err = market.sender(admin()).constructor(Address::ZERO, bob()).motsu_unwrap_err();
    assert_eq!(err, Error::InvalidAddress(MarketInvalidAddress { account: Address::ZERO }));
    let err = market.sender(admin()).constructor(bob(), Address::ZERO).motsu_unwrap_err();
    assert_eq!(err, Error::InvalidAddress(MarketInvalidAddress { account: Address::ZERO }));
    assert_eq!(market.sender(admin()).asset(), Address::ZERO);
}

#[motsu::test]
fn listings_are_recorded_and_emitted() {
    let env = Env::new();
    let reader = env.listings.sender(bob());
    assert_eq!(reader.market_ids(), vec![ETH]);
    let (oracle, decimals, heartbeat, boards) = env.listings.sender(bob()).market(ETH);
    assert_eq!((oracle, decimals, heartbeat), (env.feed.address(), 8, HEARTBEAT));
    assert_eq!(env.market.sender(bob()).reserve(ETH), U256::ZERO);
    assert_eq!(boards, 1);
    assert_eq!(env.listings.sender(bob()).live_boards(ETH), vec![env.board]);
    let board = env.listings.sender(bob()).board(env.board);
    assert_eq!((board.0, board.1, board.2, board.3), (ETH, EXPIRY, pct(80), 2));
    assert_eq!(env.listings.sender(bob()).board_strikes(env.board), env.strikes.to_vec());
    assert!(!board.4);
    // Never listed: zeros and empty arrays.
    let other = B256::repeat_byte(0x77);
    assert_eq!(env.listings.sender(bob()).market(other), (Address::ZERO, 0, 0, 0));
    assert_eq!(env.listings.sender(bob()).live_boards(other), Vec::<u64>::new());
    assert_eq!(env.listings.sender(bob()).board(999).0, B256::ZERO);
    assert_eq!(env.listings.sender(bob()).board_strikes(999), Vec::<u64>::new());
    assert_eq!(
        env.listings.sender(bob()).strike(env.strikes[1]),
        (env.board, wad(1900), pct(110), U256::ZERO, U256::ZERO)
    );
    env.listings.assert_emitted(&MarketListed {
        marketId: ETH,
        oracle: env.feed.address(),
        decimals: 8,
        heartbeat: HEARTBEAT,
    });
    env.listings.assert_emitted(&BoardListed {
        boardId: env.board,
        marketId: ETH,
        expiry: EXPIRY,
        baseIvWad: pct(80),
    });
    env.listings.assert_emitted(&StrikeListed {
        strikeId: env.strikes[1],
        boardId: env.board,
        strikeWad: wad(1900),
        skewWad: pct(110),
    });
    assert_eq!(env.listings.sender(bob()).spot(ETH, true), Ok((wad(2000), T0)));
}

#[motsu::test]
fn listing_calls_need_the_lister_and_stay_in_bounds() {
    let env = Env::new();
    let unauthorized =
        Error::UnauthorizedAccount(MarketUnauthorizedAccount { account: bob(), role: LISTER_ROLE });
    let btc = B256::repeat_byte(0xb7);
    assert_eq!(
        env.listings.sender(bob()).list_market(btc, env.feed.address(), HOUR).motsu_unwrap_err(),
        unauthorized
    );
    assert_eq!(
        env.listings.sender(bob()).list_board(ETH, EXPIRY, pct(80)).motsu_unwrap_err(),
        unauthorized
    );
    assert_eq!(
        env.listings.sender(bob()).list_strike(env.board, wad(1), WAD).motsu_unwrap_err(),
        unauthorized
    );
    assert_eq!(
        env.listings.sender(bob()).set_base_iv(env.board, WAD).motsu_unwrap_err(),
        unauthorized
    );
    assert_eq!(
        env.listings.sender(bob()).set_skew(env.strikes[0], WAD).motsu_unwrap_err(),
        unauthorized
    );
    assert_eq!(env.listings.sender(bob()).set_heartbeat(ETH, 1).motsu_unwrap_err(), unauthorized);

    let lister = || env.listings.sender(admin());
    let out = |key: B256, value: U256, min: U256, max: U256| {
        Error::OutOfBounds(MarketOutOfBounds { key, value, min, max })
    };
    // Markets: a zero or taken id, a zero oracle, heartbeats 0 and one past a day.
    assert_eq!(
        lister().list_market(B256::ZERO, env.feed.address(), HOUR).motsu_unwrap_err(),
        Error::UnknownMarket(MarketUnknownMarket { marketId: B256::ZERO })
    );
    assert_eq!(
        lister().list_market(ETH, env.feed.address(), HOUR).motsu_unwrap_err(),
        Error::AlreadyListed(MarketAlreadyListed { marketId: ETH })
    );
    assert_eq!(
        lister().list_market(btc, Address::ZERO, HOUR).motsu_unwrap_err(),
        Error::InvalidAddress(MarketInvalidAddress { account: Address::ZERO })
    );
    assert_eq!(
        lister().list_market(btc, env.feed.address(), 0).motsu_unwrap_err(),
        out(MAX_HEARTBEAT_KEY, U256::ZERO, U256::from(1), U256::from(DAY))
    );
    assert_eq!(
        lister().list_market(btc, env.feed.address(), DAY + 1).motsu_unwrap_err(),
        out(MAX_HEARTBEAT_KEY, U256::from(DAY + 1), U256::from(1), U256::from(DAY))
    );
    env.feed.sender(admin()).set_decimals(19);
    assert_eq!(
        lister().list_market(btc, env.feed.address(), DAY).motsu_unwrap_err(),
        Error::InvalidDecimals(MarketInvalidDecimals { oracle: env.feed.address(), decimals: 19 })
    );
    assert_eq!(env.listings.sender(bob()).market_ids(), vec![ETH]);
    // Boards: the expiry's bounds are [now + 1 day, now + 90 days], inclusive.
    let tenor =
        |e: u64| out(MAX_TENOR_KEY, U256::from(e), U256::from(T0 + DAY), U256::from(T0 + 90 * DAY));
    assert_eq!(
        lister().list_board(ETH, T0 + DAY - 1, pct(80)).motsu_unwrap_err(),
        tenor(T0 + DAY - 1)
    );
    assert_eq!(
        lister().list_board(ETH, T0 + 90 * DAY + 1, pct(80)).motsu_unwrap_err(),
        tenor(T0 + 90 * DAY + 1)
    );
    assert_eq!(
        lister().list_board(ETH, EXPIRY, pct(301)).motsu_unwrap_err(),
        out(MIN_IV_KEY, pct(301), pct(10), pct(300))
    );
    assert_eq!(
        lister().list_board(btc, EXPIRY, pct(80)).motsu_unwrap_err(),
        Error::UnknownMarket(MarketUnknownMarket { marketId: btc })
    );
    let first = lister().list_board(ETH, T0 + DAY, pct(10)).expect("the lowest bounds");
    lister().list_board(ETH, T0 + 90 * DAY, pct(300)).expect("the highest bounds");
    lister().list_board(ETH, EXPIRY, WAD).expect("a fourth board");
    assert_eq!(
        lister().list_board(ETH, EXPIRY, WAD).motsu_unwrap_err(),
        Error::TooMany(MarketTooMany { count: 4, max: MAX_LIVE_BOARDS })
    );
    // Strikes: zero, a skew out of bounds, too many.
    assert_eq!(
        lister().list_strike(first, U256::ZERO, WAD).motsu_unwrap_err(),
        out(B256::ZERO, U256::ZERO, U256::from(1), U256::from(SPOT_STRIKE_MAX_WAD))
    );
    assert_eq!(
        lister().list_strike(first, wad(2000), pct(49)).motsu_unwrap_err(),
        out(MIN_SKEW_KEY, pct(49), pct(50), pct(200))
    );
    assert_eq!(
        lister().list_strike(99, wad(2000), WAD).motsu_unwrap_err(),
        Error::UnknownBoard(MarketUnknownBoard { boardId: 99 })
    );
    for i in 0..MAX_STRIKES {
        lister().list_strike(first, wad(1000 + u64::from(i)), WAD).expect("strike");
    }
    assert_eq!(
        lister().list_strike(first, wad(3000), WAD).motsu_unwrap_err(),
        Error::TooMany(MarketTooMany { count: MAX_STRIKES, max: MAX_STRIKES })
    );
    // Tuning.
    assert_eq!(
        lister().set_skew(99, WAD).motsu_unwrap_err(),
        Error::UnknownStrike(MarketUnknownStrike { strikeId: 99 })
    );
    lister().set_base_iv(env.board, pct(90)).expect("base iv");
    lister().set_skew(env.strikes[0], pct(120)).expect("skew");
    lister().set_heartbeat(ETH, DAY).expect("heartbeat");
    env.listings.assert_emitted(&BaseIvSet { boardId: env.board, baseIvWad: pct(90) });
    env.listings.assert_emitted(&SkewSet { strikeId: env.strikes[0], skewWad: pct(120) });
    env.listings.assert_emitted(&HeartbeatSet { marketId: ETH, heartbeat: DAY });
    assert_eq!(env.listings.sender(bob()).strike(env.strikes[0]).2, pct(120));
}

// ---- Trading --------------------------------------------------------------------------------

#[motsu::test]
fn a_purchase_pays_the_premium_and_fees_and_books_the_pool() {
    let env = Env::new();
    let amount = wad(2);
    let (premium, fees, vol) =
        env.book.sender(alice()).quote(env.strikes[0], true, amount, true).expect("quote");
    // The trade's volatility: base 80% moved up by 0.001 x 2 = 80.2%, skew 1.
    assert_eq!(vol, pct(802) / U256::from(10));
    // The premium: Black-Scholes at 80.2%, times 2, rounded up into USDC.
    let price = bs(2100, true, 802 * W / 1000, T0);
    assert_eq!(premium, premium_asset_up(price, 2 * W, 6).expect("premium"));
    let cost = premium + fees;
    let before = env.balance(alice());

    // One unit below the cost fails; exactly the cost passes.
    let err = env
        .market
        .sender(alice())
        .buy(env.strikes[0], true, amount, cost - U256::from(1), T0)
        .motsu_unwrap_err();
    assert_eq!(
        err,
        Error::CostAboveMax(MarketCostAboveMax { cost, maxCost: cost - U256::from(1) })
    );
    assert_eq!(env.open_interest(0), (U256::ZERO, U256::ZERO));
    let id = env.market.sender(alice()).buy(env.strikes[0], true, amount, cost, T0).expect("buy");

    assert_eq!(env.balance(alice()), before - cost);
    assert_eq!(env.open_interest(0), (amount, U256::ZERO));
    assert_eq!(
        env.market.sender(bob()).position(id),
        (alice(), env.strikes[0], true, amount, false)
    );
    assert_eq!(env.market.sender(bob()).position_id(alice(), env.strikes[0], true), id);
    assert_eq!(env.listings.sender(bob()).board(env.board).2, pct(802) / U256::from(10));
    // The fee split: 10% to the insurance fund (rounded down), the rest 6:2:2.
    let to_insurance = fees / U256::from(10);
    let rest = fees - to_insurance;
    assert_eq!(env.vault.sender(admin()).booked(REASON_PREMIUM), premium);
    let to_vault = env.vault.sender(admin()).booked(REASON_FEES);
    let to_reserve = env.market.sender(bob()).reserve(ETH);
    let to_treasury = env.balance(treasury());
    assert_eq!(env.fund.sender(admin()).income(), to_insurance);
    assert_eq!(to_vault + to_reserve + to_treasury, rest);
    assert!(to_vault.abs_diff(rest * U256::from(6) / U256::from(10)) <= U256::from(1));
    assert_eq!(env.balance(env.market.address()), to_reserve);
    env.market.assert_emitted(&FeesSplit {
        marketId: ETH,
        toVault: to_vault,
        toInsurance: to_insurance,
        toReserve: to_reserve,
        toTreasury: to_treasury,
    });
    env.market.assert_emitted(&Trade {
        trader: alice(),
        strikeId: env.strikes[0],
        positionId: id,
        isCall: true,
        isBuy: true,
        amount,
        premium,
        fees,
        volWad: vol,
        baseIvAfterWad: vol,
    });
    // A second purchase adds to the same position.
    assert_eq!(env.buy(0, wad(1)), id);
    assert_eq!(env.market.sender(bob()).position(id).3, wad(3));
}

#[motsu::test]
fn a_sale_closes_a_long_at_the_lower_price() {
    let env = Env::new();
    let id = env.buy(1, wad(3));
    let reader = env.book.sender(alice());
    let (premium, fees, vol) = reader.quote(env.strikes[1], true, wad(1), false).expect("quote");
    // Base 80.3% after the purchase, moved down by 0.001: 80.2%, times the 1.1 skew.
    assert_eq!(vol, pct(8822) / U256::from(100));
    assert_eq!(
        premium,
        premium_asset_down(bs(1900, true, 8822 * W / 10_000, T0), W, 6).expect("p")
    );
    let proceeds = premium - fees;
    let before = env.balance(alice());
    let err = env
        .market
        .sender(alice())
        .sell(env.strikes[1], true, wad(1), proceeds + U256::from(1), T0)
        .motsu_unwrap_err();
    assert_eq!(
        err,
        Error::ProceedsBelowMin(MarketProceedsBelowMin {
            proceeds,
            minProceeds: proceeds + U256::from(1)
        })
    );
    assert_eq!(
        env.market.sender(alice()).sell(env.strikes[1], true, wad(1), proceeds, T0),
        Ok(proceeds)
    );
    assert_eq!(env.balance(alice()), before + proceeds);
    assert_eq!(env.open_interest(1), (wad(2), U256::ZERO));
    assert_eq!(env.market.sender(bob()).position(id).3, wad(2));
    // More than held, or a side never bought.
    let err = env
        .market
        .sender(alice())
        .sell(env.strikes[1], true, wad(3), U256::ZERO, T0)
        .motsu_unwrap_err();
    assert_eq!(
        err,
        Error::InsufficientPosition(MarketInsufficientPosition {
            positionId: id,
            amount: wad(3),
            held: wad(2)
        })
    );
    let err = env
        .market
        .sender(bob())
        .sell(env.strikes[1], false, wad(1), U256::ZERO, T0)
        .motsu_unwrap_err();
    assert_eq!(
        err,
        Error::InsufficientPosition(MarketInsufficientPosition {
            positionId: 0,
            amount: wad(1),
            held: U256::ZERO
        })
    );
    assert_eq!(env.open_interest(1), (wad(2), U256::ZERO));
}

#[motsu::test]
fn trades_check_their_inputs_and_leave_state_unchanged() {
    let env = Env::new();
    let buy = |strike: u64, amount: U256, deadline: u64| {
        env.market.sender(alice()).buy(strike, true, amount, U256::MAX, deadline).motsu_unwrap_err()
    };
    let s = env.strikes[0];
    assert_eq!(buy(99, wad(1), T0), Error::UnknownStrike(MarketUnknownStrike { strikeId: 99 }));
    assert_eq!(
        buy(s, wad(1), T0 - 1),
        Error::DeadlinePassed(MarketDeadlinePassed { deadline: T0 - 1, now: T0 })
    );
    assert_eq!(buy(s, U256::ZERO, T0), Error::ZeroAmount(MarketZeroAmount {}));
    let dust = pct(1) - U256::from(1);
    assert_eq!(
        buy(s, dust, T0),
        Error::TradeTooSmall(MarketTradeTooSmall { amount: dust, min: pct(1) })
    );
    env.set(MAX_STRIKE_OI_KEY, wad(5));
    assert_eq!(
        buy(s, wad(5) + U256::from(1), T0),
        Error::OpenInterestCap(MarketOpenInterestCap {
            strikeId: s,
            openInterest: wad(5) + U256::from(1),
            cap: wad(5)
        })
    );
    env.gov.sender(admin()).set_paused(MARKET_SCOPE, true);
    assert_eq!(buy(s, wad(1), T0), Error::Paused(MarketPaused { scope: MARKET_SCOPE }));
    assert_eq!(
        env.market.sender(alice()).sell(s, true, wad(1), U256::ZERO, T0).motsu_unwrap_err(),
        Error::Paused(MarketPaused { scope: MARKET_SCOPE })
    );
    env.gov.sender(admin()).set_paused(MARKET_SCOPE, false);
    // Nothing moved.
    assert_eq!(env.open_interest(0), (U256::ZERO, U256::ZERO));
    assert_eq!(env.balance(alice()), usdc(100_000));
    assert_eq!(env.market.sender(bob()).position_id(alice(), s, true), 0);
    // Exactly the cap passes, at the deadline second.
    env.market.sender(alice()).buy(s, true, wad(5), U256::MAX, T0).expect("at the cap");
}

#[motsu::test]
fn trading_stops_at_the_cut_off_second() {
    let env = Env::new();
    // The last second to trade: now + cutoff = expiry - 1.
    clock::set_offset(EXPIRY - CUTOFF - 1 - T0);
    env.set_price(2, 2000, EXPIRY - CUTOFF - 1);
    env.buy(0, wad(1));
    clock::set_offset(EXPIRY - CUTOFF - T0);
    let now = EXPIRY - CUTOFF;
    env.set_price(3, 2000, now);
    let closed = Error::TradingClosed(MarketTradingClosed {
        boardId: env.board,
        expiry: EXPIRY,
        cutoff: CUTOFF,
        now,
    });
    let market = || env.market.sender(alice());
    assert_eq!(
        market().buy(env.strikes[0], true, wad(1), U256::MAX, now).motsu_unwrap_err(),
        closed
    );
    assert_eq!(
        market().sell(env.strikes[0], true, wad(1), U256::ZERO, now).motsu_unwrap_err(),
        closed
    );
    assert_eq!(
        env.book.sender(alice()).quote(env.strikes[0], true, wad(1), false).motsu_unwrap_err(),
        closed
    );
    assert_eq!(env.open_interest(0), (wad(1), U256::ZERO));
}

#[motsu::test]
fn the_oracle_must_be_fresh_positive_and_complete() {
    let env = Env::new();
    let s = env.strikes[0];
    let buy = || env.market.sender(alice()).buy(s, true, wad(1), U256::MAX, u64::MAX);
    // Exactly the heartbeat old: usable; one second more: stale.
    clock::set_offset(HEARTBEAT);
    buy().expect("at the heartbeat");
    clock::set_offset(HEARTBEAT + 1);
    assert_eq!(
        buy().motsu_unwrap_err(),
        Error::StalePrice(MarketStalePrice {
            marketId: ETH,
            updatedAt: U256::from(T0),
            heartbeat: HEARTBEAT,
            now: T0 + HEARTBEAT + 1
        })
    );
    clock::reset();
    // Non-positive answers.
    for answer in [I256::ZERO, I256::MINUS_ONE] {
        env.set_round(5, answer, T0, 5);
        assert_eq!(
            buy().motsu_unwrap_err(),
            Error::InvalidPrice(MarketInvalidPrice { marketId: ETH, answer })
        );
    }
    // Incomplete: no update time, or answered in an earlier round.
    let two_k = I256::try_from(200_000_000_000u64).expect("2000e8");
    env.set_round(6, two_k, 0, 6);
    assert_eq!(
        buy().motsu_unwrap_err(),
        Error::IncompleteRound(MarketIncompleteRound {
            marketId: ETH,
            roundId: U256::from(6),
            updatedAt: U256::ZERO,
            answeredInRound: U256::from(6)
        })
    );
    env.set_round(7, two_k, T0, 6);
    assert_eq!(
        buy().motsu_unwrap_err(),
        Error::IncompleteRound(MarketIncompleteRound {
            marketId: ETH,
            roundId: U256::from(7),
            updatedAt: U256::from(T0),
            answeredInRound: U256::from(6)
        })
    );
    env.feed.sender(admin()).set_failing(true);
    assert_eq!(
        buy().motsu_unwrap_err(),
        Error::OracleCallFailed(MarketOracleCallFailed { feed: env.feed.address() })
    );
    assert_eq!(env.open_interest(0), (wad(1), U256::ZERO));
}

#[motsu::test]
fn the_sequencer_gates_trades_with_a_grace_period() {
    let env = Env::new();
    let buy = || env.market.sender(alice()).buy(env.strikes[0], true, wad(1), U256::MAX, u64::MAX);
    let seq = |answer: I256, since: u64| {
        env.sequencer.sender(admin()).set_round(
            U80::from(2),
            answer,
            U256::from(since),
            U256::from(since),
            U80::from(2),
        );
    };
    seq(I256::ONE, T0 - DAY);
    assert_eq!(
        buy().motsu_unwrap_err(),
        Error::SequencerDown(MarketSequencerDown { feed: env.sequencer.address() })
    );
    // Up again exactly `GRACE` seconds ago: still in the grace period; one second later: open.
    seq(I256::ZERO, T0 - GRACE);
    assert_eq!(
        buy().motsu_unwrap_err(),
        Error::SequencerGracePeriod(MarketSequencerGracePeriod {
            upSince: U256::from(T0 - GRACE),
            grace: GRACE,
            now: T0
        })
    );
    assert_eq!(env.open_interest(0), (U256::ZERO, U256::ZERO));
    seq(I256::ZERO, T0 - GRACE - 1);
    buy().expect("after the grace period");
    // No feed configured: no gate.
    env.set(SEQUENCER_FEED_KEY, U256::ZERO);
    seq(I256::ONE, T0);
    buy().expect("no sequencer feed");
}

#[motsu::test]
fn the_pool_limits_reject_a_purchase_with_the_numbers() {
    let env = Env::new();
    let s = env.strikes[0];
    env.buy(0, wad(10));
    let stressed = env.market.sender(bob()).stressed_loss(ETH).expect("stressed");
    assert!(stressed > U256::ZERO);
    // Capacity: NAV x limit + fund x credit. A tiny limit and no credit reject the trade.
    env.set(INSURANCE_CREDIT_KEY, U256::ZERO);
    env.set(POOL_STRESS_LIMIT_KEY, U256::from(1));
    let err = fields(
        env.market.sender(alice()).buy(s, true, wad(1), U256::MAX, u64::MAX).motsu_unwrap_err(),
    );
    let Error::StressLimitExceeded(e) = err else {
        panic!("expected the stress limit, got {err:?}")
    };
    assert_eq!((e.marketId, e.capacity), (ETH, U256::ZERO));
    assert!(e.stressedLoss > stressed, "the trade adds risk: {} > {stressed}", e.stressedLoss);
    env.set(POOL_STRESS_LIMIT_KEY, pct(50));
    // Coverage: fund assets 200,000 USDC over the stressed loss, below a floor set above it.
    env.set(MIN_COVERAGE_KEY, U256::MAX);
    let err = fields(
        env.market.sender(alice()).buy(s, true, wad(1), U256::MAX, u64::MAX).motsu_unwrap_err(),
    );
    let Error::CoverageBelowFloor(e) = err else {
        panic!("expected the coverage floor, got {err:?}")
    };
    // 200,000 USDC over a stressed loss of a few thousand: a finite coverage of tens.
    assert_eq!((e.marketId, e.floor), (ETH, U256::MAX));
    assert!(e.coverage > wad(10) && e.coverage < wad(1_000), "coverage {}", e.coverage);
    env.set(MIN_COVERAGE_KEY, U256::ZERO);
    // Utilization: required collateral over NAV; a NAV of 1 USDC is fully used.
    env.vault.sender(admin()).set_nav(usdc(1));
    env.set(POOL_STRESS_LIMIT_KEY, U256::MAX / wad(1_000_000));
    let err =
        env.market.sender(alice()).buy(s, true, wad(1), U256::MAX, u64::MAX).motsu_unwrap_err();
    assert_eq!(
        err,
        Error::UtilizationAboveCap(MarketUtilizationAboveCap { utilization: WAD, cap: pct(90) })
    );
    assert_eq!(env.open_interest(0), (wad(10), U256::ZERO));
}

// ---- The pool's book ------------------------------------------------------------------------

#[motsu::test]
fn the_book_views_follow_the_trades() {
    let env = Env::new();
    let reader = || env.market.sender(bob());
    assert_eq!(reader().longest_open_tenor(), Ok(0));
    assert_eq!(reader().pool_liability(), Ok((U256::ZERO, U256::ZERO, T0)));
    assert_eq!(reader().required_collateral(), Ok(U256::ZERO));
    assert_eq!(reader().stressed_loss(ETH), Ok(U256::ZERO));
    env.buy(0, wad(2));
    clock::set_offset(HOUR);
    assert_eq!(reader().longest_open_tenor(), Ok(EXPIRY - T0 - HOUR));
    let (liability, receivable, mark_time) = reader().pool_liability().expect("liability");
    // Two calls at 2100 marked at the 80.2% the trade left, rounded up into USDC.
    let mark = bs(2100, true, 802 * W / 1000, T0 + HOUR);
    assert!(liability.abs_diff(premium_asset_up(mark, 2 * W, 6).expect("mark")) <= U256::from(1));
    assert_eq!((receivable, mark_time), (U256::ZERO, T0));
    let stressed = reader().stressed_loss(ETH).expect("stressed");
    assert_eq!(reader().required_collateral(), Ok(liability + stressed));
    // Spot +50% with vol x1.5 costs at least the new intrinsic (3000 - 2100) x 2 less the mark.
    assert!(stressed >= usdc(1800) - liability);
}

/// The listings' reads of the book after a purchase: a strike with its board and open
/// interest, an underlying's lines, the spot with and without its age checked; and the
/// writes only the book may make, refused to anyone else with nothing changed.
#[motsu::test]
fn the_listings_serve_the_book_and_take_writes_only_from_it() {
    let env = Env::new();
    env.buy(1, wad(2));
    let base_iv = pct(802) / U256::from(10);
    let reader = || env.listings.sender(bob());
    assert_eq!(
        reader().strike_info(env.strikes[1]),
        Ok((
            ETH,
            env.board,
            EXPIRY,
            wad(1900),
            pct(110),
            base_iv,
            false,
            U256::ZERO,
            wad(2),
            U256::ZERO
        ))
    );
    let n = |x: u64| U256::from(x);
    assert_eq!(
        reader().market_lines(ETH),
        vec![
            n(env.board),
            n(EXPIRY),
            base_iv,
            n(env.strikes[0]),
            wad(2100),
            WAD,
            U256::ZERO,
            U256::ZERO,
            n(env.board),
            n(EXPIRY),
            base_iv,
            n(env.strikes[1]),
            wad(1900),
            pct(110),
            wad(2),
            U256::ZERO,
        ]
    );
    assert_eq!(reader().market_lines(B256::repeat_byte(0x55)), Vec::<U256>::new());
    assert_eq!(reader().longest_open_tenor(), EXPIRY - T0);
    // One second past the heartbeat: refused by trades, still served to the views.
    clock::set_offset(HEARTBEAT + 1);
    assert_eq!(
        reader().spot(ETH, true).motsu_unwrap_err(),
        Error::StalePrice(MarketStalePrice {
            marketId: ETH,
            updatedAt: U256::from(T0),
            heartbeat: HEARTBEAT,
            now: T0 + HEARTBEAT + 1,
        })
    );
    assert_eq!(reader().spot(ETH, false), Ok((wad(2000), T0)));
    // Only the book records trades and settles.
    let unauthorized =
        Error::UnauthorizedAccount(MarketUnauthorizedAccount { account: bob(), role: BOOK_ROLE });
    assert_eq!(
        reader().record_trade(env.strikes[1], true, U256::ZERO, WAD).motsu_unwrap_err(),
        unauthorized
    );
    assert_eq!(reader().settle_board(env.board, U256::from(1)).motsu_unwrap_err(), unauthorized);
    assert_eq!(env.open_interest(1), (wad(2), U256::ZERO));
    assert_eq!(reader().board(env.board).2, base_iv);
    assert!(!reader().board(env.board).4);
}

// ---- Settlement and claims ------------------------------------------------------------------

impl Env {
    /// Moves to the expiry and records the settlement round 3 at `price` (round 2, the
    /// one before it, a second before the expiry).
    fn expire_at(&self, price: u64) {
        clock::set_offset(EXPIRY - T0);
        self.set_price(2, 2000, EXPIRY - 1);
        self.set_price(3, price, EXPIRY);
    }
}

#[motsu::test]
fn settlement_fixes_the_first_round_at_expiry_and_claims_pay_once() {
    let env = Env::new();
    let calls = env.buy(0, wad(2)); // 2100 calls
    let puts = env
        .market
        .sender(alice())
        .buy(env.strikes[1], false, wad(3), U256::MAX, u64::MAX)
        .expect("puts");
    let reserve = env.market.sender(bob()).reserve(ETH);
    // One second early.
    clock::set_offset(EXPIRY - T0 - 1);
    assert_eq!(
        env.market.sender(bob()).settle(env.board, U256::from(3)).motsu_unwrap_err(),
        Error::NotExpired(MarketNotExpired { boardId: env.board, expiry: EXPIRY, now: EXPIRY - 1 })
    );
    env.expire_at(2500);
    // Round 2 is before the expiry; round 4 has a predecessor already at it.
    env.set_price(4, 2600, EXPIRY + 60);
    let bad = |round: u64, updated: u64, previous: u64| {
        Error::InvalidSettlementRound(MarketInvalidSettlementRound {
            boardId: env.board,
            roundId: U256::from(round),
            updatedAt: U256::from(updated),
            previousUpdatedAt: U256::from(previous),
        })
    };
    assert_eq!(
        env.market.sender(bob()).settle(env.board, U256::from(2)).motsu_unwrap_err(),
        bad(2, EXPIRY - 1, T0)
    );
    assert_eq!(
        env.market.sender(bob()).settle(env.board, U256::from(4)).motsu_unwrap_err(),
        bad(4, EXPIRY + 60, EXPIRY)
    );
    assert_eq!(
        env.market.sender(bob()).claim(vec![calls]).motsu_unwrap_err(),
        Error::NotSettled(MarketNotSettled { boardId: env.board })
    );
    assert!(!env.listings.sender(bob()).board(env.board).4);

    assert_eq!(env.market.sender(bob()).settle(env.board, U256::from(3)), Ok(wad(2500)));
    // Owed: 2 calls x (2500 - 2100) = 800 USDC; the puts at 1900 expire worthless.
    let board = env.listings.sender(bob()).board(env.board);
    assert_eq!((board.4, board.5), (true, wad(2500)));
    assert_eq!(env.market.sender(bob()).payout(env.board), (usdc(800), usdc(800)));
    // Retention: 10% of the 1,000,000 NAV covers it all; the pool pays, no cover.
    env.market.assert_emitted(&BoardSettled {
        boardId: env.board,
        roundId: U256::from(3),
        priceWad: wad(2500),
        owed: usdc(800),
        retained: usdc(800),
        covered: U256::ZERO,
        beyondCover: U256::ZERO,
        haircut: U256::ZERO,
        bounty: usdc(5).min(reserve),
    });
    assert_eq!(env.vault.sender(admin()).paid(REASON_SETTLEMENT), usdc(800));
    assert_eq!(env.balance(bob()), usdc(5).min(reserve));
    assert_eq!(
        env.market.sender(bob()).settle(env.board, U256::from(3)).motsu_unwrap_err(),
        Error::AlreadySettled(MarketAlreadySettled { boardId: env.board })
    );
    assert_eq!(env.listings.sender(bob()).market(ETH).3, 0);
    assert_eq!(env.listings.sender(bob()).live_boards(ETH), Vec::<u64>::new());
    assert_eq!(env.market.sender(bob()).longest_open_tenor(), Ok(0));

    // A duplicate in a batch is rejected, and so is an unknown id; nothing is paid.
    let before = env.balance(alice());
    assert_eq!(
        env.market.sender(bob()).claim(vec![calls, puts, calls]).motsu_unwrap_err(),
        Error::AlreadyClaimed(MarketAlreadyClaimed { positionId: calls })
    );
    assert_eq!(
        env.market.sender(bob()).claim(vec![99]).motsu_unwrap_err(),
        Error::UnknownPosition(MarketUnknownPosition { positionId: 99 })
    );
    assert_eq!(env.balance(alice()), before);
    assert!(!env.market.sender(bob()).position(calls).4);
    // Anyone claims for the owner; each position pays once.
    assert_eq!(env.market.sender(bob()).claim(vec![calls, puts]), Ok(usdc(800)));
    assert_eq!(env.balance(alice()), before + usdc(800));
    env.market.assert_emitted(&Claimed { positionId: calls, owner: alice(), payout: usdc(800) });
    env.market.assert_emitted(&Claimed { positionId: puts, owner: alice(), payout: U256::ZERO });
    assert_eq!(
        env.market.sender(alice()).claim(vec![puts]).motsu_unwrap_err(),
        Error::AlreadyClaimed(MarketAlreadyClaimed { positionId: puts })
    );
}

#[motsu::test]
fn a_pool_short_of_cash_records_a_pro_rata_haircut() {
    let env = Env::new();
    let id = env.buy(0, wad(100)); // 100 calls at 2100
                                   // The pool's cash is 5,000 USDC (of a 1,000,000 NAV), the cover 20,000 USDC.
    env.expire_at(2600); // owed 100 x 500 = 50,000 USDC
    env.vault.sender(admin()).init(env.token.address(), usdc(5_000), usdc(1_000_000));
    env.fund.sender(admin()).init(env.token.address(), usdc(20_000), pct(10), usdc(200_000));
    env.market.sender(bob()).settle(env.board, U256::from(3)).expect("settle");
    // Retention 100,000 (10% of NAV) exceeds the loss: no excess, the pool pays its 5,000.
    let board = env.market.sender(bob()).payout(env.board);
    assert_eq!((board.0, board.1), (usdc(50_000), usdc(5_000)));
    // Paid pro rata: 50,000 x 5,000 / 50,000.
    assert_eq!(env.market.sender(bob()).claim(vec![id]), Ok(usdc(5_000)));
    assert_eq!(env.fund.sender(admin()).covered(), U256::ZERO);
}

#[motsu::test]
fn an_excess_beyond_the_retention_goes_to_the_cover_first() {
    let env = Env::new();
    let id = env.buy(0, wad(100));
    env.set(RETENTION_KEY, pct(1)); // 10,000 USDC of the 1,000,000 NAV
    env.vault.sender(admin()).init(env.token.address(), usdc(15_000), usdc(1_000_000));
    env.fund.sender(admin()).init(env.token.address(), usdc(20_000), pct(10), usdc(200_000));
    env.expire_at(2600);
    let reserve = env.market.sender(bob()).reserve(ETH);
    env.market.sender(bob()).settle(env.board, U256::from(3)).expect("settle");
    // Owed 50,000: the cover pays its 20,000 of the 40,000 excess, the pool its 15,000
    // (10,000 retained, 5,000 beyond the cover); 15,000 is the haircut.
    env.market.assert_emitted(&BoardSettled {
        boardId: env.board,
        roundId: U256::from(3),
        priceWad: wad(2600),
        owed: usdc(50_000),
        retained: usdc(10_000),
        covered: usdc(20_000),
        beyondCover: usdc(5_000),
        haircut: usdc(15_000),
        bounty: usdc(5).min(reserve),
    });
    assert_eq!(env.market.sender(bob()).claim(vec![id]), Ok(usdc(35_000)));
}

#[motsu::test]
fn a_board_nobody_traded_settles_and_pays_the_bounty_from_the_reserve() {
    let env = Env::new();
    env.expire_at(1500);
    assert_eq!(env.market.sender(bob()).settle(env.board, U256::from(3)), Ok(wad(1500)));
    assert!(env.listings.sender(bob()).board(env.board).4);
    assert_eq!(env.market.sender(bob()).payout(env.board), (U256::ZERO, U256::ZERO));
    // The reserve was empty: no bounty, and no vault or insurance call.
    assert_eq!(env.balance(bob()), U256::ZERO);
    assert_eq!(env.vault.sender(admin()).paid(REASON_SETTLEMENT), U256::ZERO);
    // Its listings are closed.
    let err =
        env.listings.sender(admin()).list_strike(env.board, wad(2000), WAD).motsu_unwrap_err();
    assert_eq!(err, Error::AlreadySettled(MarketAlreadySettled { boardId: env.board }));
}

#[motsu::test]
fn a_failing_cover_counts_as_none_and_the_pool_pays_beyond_it() {
    let env = Env::new();
    let id = env.buy(0, wad(100));
    env.set(RETENTION_KEY, pct(1)); // 10,000 USDC of the 1,000,000 NAV
    env.fund.sender(admin()).set_failing(true);
    env.expire_at(2600); // owed 50,000 USDC
    env.market.sender(bob()).settle(env.board, U256::from(3)).expect("settle");
    let board = env.market.sender(bob()).payout(env.board);
    assert_eq!((board.0, board.1), (usdc(50_000), usdc(50_000)));
    assert_eq!(env.vault.sender(admin()).paid(REASON_SETTLEMENT), usdc(50_000));
    assert_eq!(env.market.sender(bob()).claim(vec![id]), Ok(usdc(50_000)));
}

#[motsu::test]
fn a_failing_vault_stops_a_settlement_and_a_sale() {
    let env = Env::new();
    env.buy(0, wad(1));
    env.vault.sender(admin()).set_failing(true);
    let failed = Error::CallFailed(MarketCallFailed { target: env.vault.address() });
    let err = env
        .market
        .sender(alice())
        .sell(env.strikes[0], true, wad(1), U256::ZERO, u64::MAX)
        .motsu_unwrap_err();
    assert_eq!(err, failed);
    env.expire_at(2500);
    assert_eq!(
        env.market.sender(bob()).settle(env.board, U256::from(3)).motsu_unwrap_err(),
        failed
    );
    assert!(!env.listings.sender(bob()).board(env.board).4);
    assert_eq!(env.open_interest(0), (wad(1), U256::ZERO));
}

#[motsu::test]
fn a_sale_needs_the_pool_to_pay_the_whole_premium() {
    let env = Env::new();
    let id = env.buy(0, wad(5));
    // The pool's cash is gone (1 unit left): the premium cannot be paid.
    env.vault.sender(admin()).init(env.token.address(), U256::from(1), usdc(1_000_000));
    let err = env
        .market
        .sender(alice())
        .sell(env.strikes[0], true, wad(5), U256::ZERO, u64::MAX)
        .motsu_unwrap_err();
    let Error::PoolCashShort(e) = err else { panic!("expected a cash shortfall, got {err:?}") };
    assert_eq!(e.paid, U256::from(1));
    assert!(e.requested > U256::from(1));
    assert_eq!(env.market.sender(bob()).position(id).3, wad(5));
}

#[motsu::test]
fn the_fee_split_is_exact_whatever_the_weights() {
    let env = Env::new();
    // Every weight zero: all but the insurance share goes to the vault.
    for key in [LP_FEE_WEIGHT_KEY, RESERVE_FEE_WEIGHT_KEY, TREASURY_FEE_WEIGHT_KEY] {
        env.set(key, U256::ZERO);
    }
    let (_, fees, _) =
        env.book.sender(alice()).quote(env.strikes[0], false, wad(3), true).expect("quote");
    env.market
        .sender(alice())
        .buy(env.strikes[0], false, wad(3), U256::MAX, u64::MAX)
        .expect("puts");
    let to_insurance = fees / U256::from(10);
    assert_eq!(env.fund.sender(admin()).income(), to_insurance);
    assert_eq!(env.vault.sender(admin()).booked(REASON_FEES), fees - to_insurance);
    assert_eq!(env.open_interest(0), (U256::ZERO, wad(3)));
    // A share above 100% is read as 100%: the fund takes every fee.
    env.set(BASE_INCOME_SHARE_KEY, pct(250));
    let (_, fees2, _) =
        env.book.sender(alice()).quote(env.strikes[1], true, wad(1), true).expect("quote");
    env.buy(1, wad(1));
    assert_eq!(env.fund.sender(admin()).income(), to_insurance + fees2);
    assert_eq!(env.vault.sender(admin()).booked(REASON_FEES), fees - to_insurance);
}

/// The fund's share rises as its coverage of the stressed loss falls below target: the
/// market computes it from the fund's keys (the fund's own `incomeShareWad` would call back
/// into the market, which Stylus refuses mid-trade).
#[motsu::test]
fn the_insurance_share_rises_below_the_target_coverage() {
    let env = Env::new();
    env.buy(0, wad(10));
    // Coverage 200,000 USDC / stressed loss (with the next trade booked) is finite: a
    // target of 1,000,000 x (1 USDC-per-USDC) is far above it.
    let target = wad(1_000_000);
    env.set(TARGET_COVERAGE_KEY, target);
    env.set(MAX_INCOME_SHARE_KEY, pct(50));
    let (_, fees, _) =
        env.book.sender(alice()).quote(env.strikes[0], true, wad(1), true).expect("quote");
    let income = env.fund.sender(admin()).income();
    env.buy(0, wad(1));
    let stressed = env.market.sender(bob()).stressed_loss(ETH).expect("stressed");
    // coverage = floor(200,000e6 x 1e18 / stressed); share = 10% + ceil(40% x (target -
    // coverage) / target); the fund's part of the fees rounds down.
    let coverage = usdc(200_000) * WAD / stressed;
    let gap = pct(40) * (target - coverage);
    let raise = gap.div_ceil(target);
    let share = pct(10) + raise;
    assert!(share > pct(10) && share <= pct(50), "share {share}");
    assert_eq!(env.fund.sender(admin()).income() - income, fees * share / WAD);
    // Without a stressed loss or a target, the base share.
    env.set(TARGET_COVERAGE_KEY, U256::ZERO);
    let (_, fees, _) =
        env.book.sender(alice()).quote(env.strikes[0], true, wad(1), true).expect("quote");
    let income = env.fund.sender(admin()).income();
    env.buy(0, wad(1));
    assert_eq!(env.fund.sender(admin()).income() - income, fees / U256::from(10));
}

#[motsu::test]
fn failing_token_and_governance_calls_are_named() {
    let env = Env::new();
    env.token.sender(admin()).set_failing(true);
    let err = env
        .market
        .sender(alice())
        .buy(env.strikes[0], true, wad(1), U256::MAX, u64::MAX)
        .motsu_unwrap_err();
    assert_eq!(err, Error::TokenCallFailed(MarketTokenCallFailed { token: env.token.address() }));
    env.token.sender(admin()).set_failing(false);
    env.gov.sender(admin()).unset(RATE_KEY);
    let failed = Error::CallFailed(MarketCallFailed { target: env.gov.address() });
    assert_eq!(
        env.market
            .sender(alice())
            .buy(env.strikes[0], true, wad(1), U256::MAX, u64::MAX)
            .motsu_unwrap_err(),
        failed
    );
    assert_eq!(env.market.sender(bob()).pool_liability().motsu_unwrap_err(), failed);
    assert_eq!(env.open_interest(0), (U256::ZERO, U256::ZERO));
}

#[motsu::test]
fn each_underlying_is_stressed_alone_and_the_views_sum_them(btc: Contract<MockAggregator>) {
    let env = Env::new();
    let id = B256::repeat_byte(0xb7);
    btc.sender(admin()).set_decimals(18);
    btc.sender(admin()).set_round(
        U80::from(1),
        I256::try_from(wad(60_000)).expect("60k"),
        U256::from(T0),
        U256::from(T0),
        U80::from(1),
    );
    env.listings.sender(admin()).list_market(id, btc.address(), HOUR).expect("BTC");
    let board = env.listings.sender(admin()).list_board(id, T0 + 60 * DAY, pct(60)).expect("board");
    let strike = env.listings.sender(admin()).list_strike(board, wad(65_000), WAD).expect("strike");
    assert_eq!(env.listings.sender(bob()).spot(id, true), Ok((wad(60_000), T0)));
    env.buy(0, wad(2));
    let eth_only = env.market.sender(bob()).required_collateral().expect("required");
    env.market.sender(alice()).buy(strike, true, pct(10), U256::MAX, u64::MAX).expect("btc");
    let (eth, btc_loss) = (
        env.market.sender(bob()).stressed_loss(ETH).expect("eth"),
        env.market.sender(bob()).stressed_loss(id).expect("btc"),
    );
    assert!(btc_loss > U256::ZERO);
    let (liability, _, _) = env.market.sender(bob()).pool_liability().expect("liability");
    let required = env.market.sender(bob()).required_collateral().expect("required");
    assert_eq!(required, liability + eth + btc_loss);
    assert!(required > eth_only);
    assert_eq!(env.market.sender(bob()).longest_open_tenor(), Ok(60 * DAY));
    // A stale BTC answer does not stop ETH trading (the book marks it at its last answer,
    // and the vault judges the age from `markTime`).
    clock::set_offset(HOUR + 1);
    env.set_price(2, 2000, T0 + HOUR + 1);
    env.buy(0, wad(1));
    assert_eq!(env.market.sender(bob()).pool_liability().expect("marks").2, T0);
}

// ---- A state machine over trades, time, prices, settlement and claims ----------------------

/// One step: a purchase or a sale (a fraction, per mille, of the position) by one of two
/// traders at one of the two strikes and sides, or time passing with a new price.
#[derive(Clone, Debug)]
enum Op {
    Buy { trader: usize, strike: usize, is_call: bool, centi: u64 },
    Sell { trader: usize, strike: usize, is_call: bool, per_mille: u64 },
    Move { seconds: u64, price: u64 },
}

/// Any step.
fn op() -> impl proptest::strategy::Strategy<Value = Op> {
    use proptest::prelude::*;
    prop_oneof![
        (0..2usize, 0..2usize, any::<bool>(), 1..2_000u64).prop_map(
            |(trader, strike, is_call, centi)| Op::Buy { trader, strike, is_call, centi }
        ),
        (0..2usize, 0..2usize, any::<bool>(), 1..=1_000u64).prop_map(
            |(trader, strike, is_call, per_mille)| Op::Sell { trader, strike, is_call, per_mille }
        ),
        (0..5 * DAY, 1_000..3_000u64).prop_map(|(seconds, price)| Op::Move { seconds, price }),
    ]
}

/// The traders of the machine.
fn traders() -> [Address; 2] {
    [alice(), bob()]
}

/// Runs `ops`, checking after each step that every option the pool wrote is held by a
/// position and that the market holds exactly its reserve and what it owes the longs;
/// then settles at `final_price`, claims every position and checks that the claims pay
/// exactly what the board holds for them, to the dust of one unit per position.
fn run_machine(ops: &[Op], final_price: u64) {
    let env = Env::new();
    env.token.sender(admin()).mint(bob(), usdc(100_000)).expect("mint");
    env.token.sender(bob()).approve(env.market.address(), U256::MAX).expect("approve");
    let (mut round, mut now, mut bought) = (1u64, T0, 0usize);
    let total_supply = env.token.sender(admin()).total_supply();
    for op in ops {
        match *op {
            Op::Buy { trader, strike, is_call, centi } => {
                let amount = pct(centi);
                let sender = traders()[trader];
                let quoted =
                    env.book.sender(sender).quote(env.strikes[strike], is_call, amount, true);
                let before = env.balance(sender);
                let result = env.market.sender(sender).buy(
                    env.strikes[strike],
                    is_call,
                    amount,
                    U256::MAX,
                    now,
                );
                match (quoted, result) {
                    (Ok((premium, fees, _)), Ok(_)) => {
                        assert_eq!(before - env.balance(sender), premium + fees);
                        bought += 1;
                    }
                    // Only a pool limit may refuse a trade its quote priced: nothing moves.
                    (Ok(_), Err(e)) => {
                        assert!(
                            matches!(
                                e,
                                Error::StressLimitExceeded(_) | Error::UtilizationAboveCap(_)
                            ),
                            "unexpected refusal {e:?}"
                        );
                        assert_eq!(env.balance(sender), before);
                    }
                    (Err(e), Err(_)) => panic!("the quote refused a valid trade: {e:?}"),
                    (Err(e), Ok(_)) => panic!("a trade passed that its quote refused: {e:?}"),
                }
            }
            Op::Sell { trader, strike, is_call, per_mille } => {
                let sender = traders()[trader];
                let id =
                    env.market.sender(sender).position_id(sender, env.strikes[strike], is_call);
                let held = env.market.sender(sender).position(id).3;
                let amount = held * U256::from(per_mille) / U256::from(1_000);
                if amount >= pct(1) {
                    let (premium, fees, _) = env
                        .book
                        .sender(sender)
                        .quote(env.strikes[strike], is_call, amount, false)
                        .expect("quote");
                    let before = env.balance(sender);
                    let proceeds = env
                        .market
                        .sender(sender)
                        .sell(env.strikes[strike], is_call, amount, U256::ZERO, now)
                        .expect("sell");
                    assert_eq!(proceeds, premium - fees);
                    assert_eq!(env.balance(sender), before + proceeds);
                }
            }
            Op::Move { seconds, price } => {
                // Time passes, but trading stays open: the machine settles at the end.
                now = (now + seconds).min(EXPIRY - CUTOFF - 1);
                clock::set_offset(now - T0);
                round += 1;
                env.set_price(round, price, now);
            }
        }
        // Every option written is held: open interest is the sum of the positions.
        for (i, strike) in env.strikes.iter().enumerate() {
            for is_call in [true, false] {
                let held: U256 = traders()
                    .iter()
                    .map(|t| {
                        let id = env.market.sender(*t).position_id(*t, *strike, is_call);
                        if id == 0 {
                            U256::ZERO
                        } else {
                            env.market.sender(*t).position(id).3
                        }
                    })
                    .sum();
                let (calls, puts) = env.open_interest(i);
                assert_eq!(if is_call { calls } else { puts }, held);
            }
        }
        // The market holds its reserve and nothing else (premiums and fees moved on).
        assert_eq!(env.balance(env.market.address()), env.market.sender(admin()).reserve(ETH));
    }

    // The pool limits are far above these trades: every purchase went through.
    assert_eq!(bought, ops.iter().filter(|op| matches!(op, Op::Buy { .. })).count());

    // Settle at the final price and claim everything.
    clock::set_offset(EXPIRY - T0);
    env.set_price(round + 1, 2000, EXPIRY - 1);
    env.set_price(round + 2, final_price, EXPIRY);
    env.market.sender(bob()).settle(env.board, U256::from(round + 2)).expect("settle");
    let (owed, available) = env.market.sender(admin()).payout(env.board);
    assert!(available <= owed);
    let reserve = env.market.sender(admin()).reserve(ETH);
    assert_eq!(env.balance(env.market.address()), reserve + available);
    let mut ids = Vec::new();
    for t in traders() {
        for strike in env.strikes {
            for is_call in [true, false] {
                let id = env.market.sender(t).position_id(t, strike, is_call);
                if id != 0 {
                    ids.push(id);
                }
            }
        }
    }
    let paid = env.market.sender(admin()).claim(ids.clone()).expect("claim");
    assert!(paid <= available);
    assert!(
        available - paid <= U256::from(ids.len()),
        "dust {} for {} positions",
        available - paid,
        ids.len()
    );
    assert_eq!(env.balance(env.market.address()), reserve + available - paid);
    // No unit was created or destroyed anywhere.
    assert_eq!(env.token.sender(admin()).total_supply(), total_supply);
}

proptest::proptest! {
    // PROPTEST_CASES overrides the number of cases (proptest reads it); 256 by default.

    #[test]
    fn random_trading_keeps_the_book_and_the_money_whole(
        ops in proptest::collection::vec(op(), 1..25),
        final_price in 1_000..3_000u64,
    ) {
        run_machine(&ops, final_price);
    }
}

#[motsu::test]
fn unknown_ids_and_the_market_count_are_refused(other: Contract<MockAggregator>) {
    let env = Env::new();
    let lister = || env.listings.sender(admin());
    let unknown = B256::repeat_byte(0x55);
    assert_eq!(
        lister().set_heartbeat(unknown, HOUR).motsu_unwrap_err(),
        Error::UnknownMarket(MarketUnknownMarket { marketId: unknown })
    );
    assert_eq!(
        env.listings.sender(bob()).spot(unknown, true).motsu_unwrap_err(),
        Error::UnknownMarket(MarketUnknownMarket { marketId: unknown })
    );
    assert_eq!(
        env.market.sender(bob()).settle(99, U256::from(1)).motsu_unwrap_err(),
        Error::UnknownBoard(MarketUnknownBoard { boardId: 99 })
    );
    assert_eq!(
        env.book.sender(bob()).quote(99, true, wad(1), true).motsu_unwrap_err(),
        Error::UnknownStrike(MarketUnknownStrike { strikeId: 99 })
    );
    assert_eq!(env.market.sender(bob()).stressed_loss(unknown), Ok(U256::ZERO));
    // A feed whose decimals cannot be read.
    other.sender(admin()).set_failing(true);
    assert_eq!(
        lister().list_market(unknown, other.address(), HOUR).motsu_unwrap_err(),
        Error::OracleCallFailed(MarketOracleCallFailed { feed: other.address() })
    );
    other.sender(admin()).set_failing(false);
    // Four markets at most.
    for i in 1..MAX_MARKETS {
        lister()
            .list_market(B256::repeat_byte(u8::try_from(i).expect("id")), other.address(), HOUR)
            .expect("market");
    }
    assert_eq!(
        lister().list_market(unknown, other.address(), HOUR).motsu_unwrap_err(),
        Error::TooMany(MarketTooMany { count: MAX_MARKETS, max: MAX_MARKETS })
    );
    assert_eq!(env.listings.sender(bob()).market_ids().len(), 4);
}

// ---- Greeks ---------------------------------------------------------------------------------

/// The return of `OptionListings::greeks`.
type Greeks13 = (U256, U256, u64, U256, U256, I256, I256, U256, U256, I256, I256, I256, I256);

#[motsu::test]
fn the_greeks_of_a_strike_are_the_engines_at_the_pools_mark() {
    let env = Env::new();
    let reader = || env.listings.sender(bob());
    let signed = |x: i128| I256::try_from(x).expect("i128");
    // The view's 13 values as two tuples (Rust compares and prints tuples of at most 12).
    let parts = |r: Result<Greeks13, mutual_option_listings::Error>| {
        r.map(|g| ((g.0, g.1, g.2), (g.3, g.4, g.5, g.6, g.7, g.8, g.9, g.10, g.11, g.12)))
    };
    // The 1900 strike (skew 1.1): 80% x 1.1 = 88%, at spot 2000, 5%, with `seconds` left.
    let expected = |seconds: u64| {
        let vol = 88 * W / 100;
        let g = greeks(&Inputs {
            spot_wad: 2000 * W,
            strike_wad: 1900 * W,
            t_years_wad: years_wad_from_seconds_down(seconds),
            vol_wad: vol,
            rate_wad: W / 20,
        })
        .expect("the pure crate prices it");
        Ok((
            (wad(2000), U256::from(vol), seconds),
            (
                U256::from(g.call_wad),
                U256::from(g.put_wad),
                signed(g.delta_call_wad),
                signed(g.delta_put_wad),
                U256::from(g.gamma_wad),
                U256::from(g.vega_wad),
                signed(g.theta_call_wad),
                signed(g.theta_put_wad),
                signed(g.rho_call_wad),
                signed(g.rho_put_wad),
            ),
        ))
    };
    assert_eq!(parts(reader().greeks(env.strikes[1])), expected(EXPIRY - T0));
    // The engine's refusal is forwarded unchanged: with the rate beyond 128 bits, its
    // `EngineValueOutOfRange(rate)`.
    let huge = U256::from(u128::MAX) + U256::from(1);
    env.set(RATE_KEY, huge);
    let data: Vec<u8> = reader().greeks(env.strikes[0]).motsu_unwrap_err().into();
    assert_eq!(data, mutual_risk_engine::EngineValueOutOfRange { value: huge }.abi_encode());
    env.set(RATE_KEY, pct(5));
    let unknown = Error::UnknownStrike(MarketUnknownStrike { strikeId: 99 });
    assert_eq!(reader().greeks(99).motsu_unwrap_err(), unknown);
    // One second past the heartbeat: refused, with the numbers.
    clock::set_offset(HEARTBEAT + 1);
    assert_eq!(
        reader().greeks(env.strikes[1]).motsu_unwrap_err(),
        Error::StalePrice(MarketStalePrice {
            marketId: ETH,
            updatedAt: U256::from(T0),
            heartbeat: HEARTBEAT,
            now: T0 + HEARTBEAT + 1,
        })
    );
    // At expiry, not yet settled: one second left, as the book marks it.
    env.expire_at(2000);
    assert_eq!(parts(reader().greeks(env.strikes[1])), expected(1));
    // Settled: no greeks.
    env.market.sender(bob()).settle(env.board, U256::from(3)).expect("settle");
    assert_eq!(
        reader().greeks(env.strikes[1]).motsu_unwrap_err(),
        Error::AlreadySettled(MarketAlreadySettled { boardId: env.board })
    );
}
