//! Unit tests of `OptionBook` with its listings and the engine: the calls reserved to the
//! market, and the net delta and vega caps of a purchase (the book called as the market
//! calls it). Listings, prices, the other pool limits and settlement are tested through
//! the market with every program deployed (`contracts/market/src/tests.rs`).

use alloy_primitives::{aliases::U80, uint, Address, B256, I256, U256};
use motsu::prelude::*;
use mutual_contract_kit::clock;
use mutual_interfaces::keys::*;
use mutual_option_listings::OptionListings;
use mutual_risk::{
    black_scholes::years_wad_from_seconds_down,
    stress::{book_greeks_wad, NetGreeks, Position},
};
use mutual_risk_engine::RiskEngine;
use mutual_test_mocks::{
    market_params, MockAggregator, MockErc20, MockGovernance, MockInsuranceFund, MockPoolVault,
};

use super::*;

/// motsu 0.10's constant block timestamp (2025-01-01T00:00:00Z).
const T0: u64 = 1_735_689_600;
/// One day in seconds.
const DAY: u64 = 86_400;
/// The fixture board's expiry: 30 days after `T0`.
const EXPIRY: u64 = T0 + 30 * DAY;
/// 1e18.
const WAD: U256 = uint!(1_000_000_000_000_000_000_U256);
/// 1e18 as `u128`.
const W: u128 = 1_000_000_000_000_000_000;
/// The ETH market id.
const ETH: B256 = B256::repeat_byte(0xe7);

/// The governance operator.
fn admin() -> Address {
    Address::repeat_byte(0xad)
}

/// The market (the only caller of `trade`).
fn market() -> Address {
    Address::repeat_byte(0x3a)
}

/// `x / 100` WAD.
fn pct(x: u64) -> U256 {
    WAD * U256::from(x) / U256::from(100)
}

/// `x` WAD.
fn wad(x: u64) -> U256 {
    WAD * U256::from(x)
}

/// The book with its listings, the engine, governance, an ETH feed, the fund and the vault.
struct Env {
    book: Contract<OptionBook>,
    listings: Contract<OptionListings>,
    gov: Contract<MockGovernance>,
    /// The fixture's strike: 2100, skew 1, on a 30-day board at 80%.
    strike: u64,
    /// Its board.
    board: u64,
    /// The programs and mocks the book calls.
    engine: Contract<RiskEngine>,
    token: Contract<MockErc20>,
    feed: Contract<MockAggregator>,
    fund: Contract<MockInsuranceFund>,
    vault: Contract<MockPoolVault>,
}

impl Env {
    /// Deploys everything at `T0` with every key the book and the listings read (the
    /// market's `market_params`, no sequencer feed, the caps out of reach), the feed at 2000 USD (8 decimals, updated at
    /// `T0`), the fund with 200,000 USDC, the vault with 1,000,000 (for a quote); lists ETH, a 30-day board at 80% and a 2100
    /// strike.
    fn new() -> Self {
        clock::reset();
        let env = Env {
            book: Contract::from_tag("book"),
            listings: Contract::from_tag("listings"),
            gov: Contract::from_tag("governance"),
            strike: 0,
            board: 0,
            engine: Contract::from_tag("engine"),
            token: Contract::from_tag("usdc"),
            feed: Contract::from_tag("eth-usd"),
            fund: Contract::from_tag("fund"),
            vault: Contract::from_tag("vault"),
        };
        let address = |c: Address| address_to_value(c);
        let usdc = |x: u64| U256::from(x) * U256::from(1_000_000u64);
        for (key, value) in [
            (MARKET_KEY, address(market())),
            (BOOK_KEY, address(env.book.address())),
            (LISTINGS_KEY, address(env.listings.address())),
            (RISK_ENGINE_KEY, address(env.engine.address())),
            (VAULT_KEY, address(env.vault.address())),
            (INSURANCE_KEY, address(env.fund.address())),
            (LISTER_KEY, address(admin())),
            (SEQUENCER_FEED_KEY, U256::ZERO),
        ] {
            env.gov.sender(admin()).set(key, value);
        }
        // The market's parameters as its unit tests set them, the caps out of reach.
        for (key, value) in market_params() {
            env.gov.sender(admin()).set(key, value);
        }
        for key in [MAX_NET_DELTA_KEY, MAX_NET_VEGA_KEY] {
            env.gov.sender(admin()).set(key, U256::MAX);
        }
        // No short book: the listings read the key on every `recordTrade`.
        env.gov.sender(admin()).set(SHORT_BOOK_KEY, U256::ZERO);
        env.feed.sender(admin()).set_decimals(8);
        let answer = I256::try_from(2000u64 * 100_000_000).expect("2000e8");
        let at = U256::from(T0);
        env.feed.sender(admin()).set_round(U80::from(1), answer, at, at, U80::from(1));
        env.fund.sender(admin()).init(env.token.address(), U256::ZERO, U256::ZERO, usdc(200_000));
        env.vault.sender(admin()).init(env.token.address(), usdc(1_000_000), usdc(1_000_000));
        env.book.sender(admin()).constructor(env.token.address(), env.gov.address()).expect("book");
        env.listings
            .sender(admin())
            .constructor(env.token.address(), env.gov.address())
            .expect("listings");
        env.listings.sender(admin()).list_market(ETH, env.feed.address(), 3_600).expect("ETH");
        let board = env.listings.sender(admin()).list_board(ETH, EXPIRY, pct(80)).expect("board");
        let strike = env.listings.sender(admin()).list_strike(board, wad(2100), WAD).expect("2100");
        Env { strike, board, ..env }
    }

    /// The market buys `amount` calls of the fixture strike, against a NAV of 1,000,000
    /// USDC.
    fn buy(&self, amount: U256) -> Result<(B256, U256, U256, U256, U256, U256), Error> {
        let nav = U256::from(1_000_000_000_000u64);
        self.book.sender(market()).trade(self.strike, true, amount, true, u64::MAX, nav)
    }

    /// `(longCalls, board's base IV)`: what a purchase writes in the listings.
    fn written(&self) -> (U256, U256) {
        let calls = self.listings.sender(admin()).strike(self.strike).3;
        (calls, self.listings.sender(admin()).board(self.board).2)
    }
}

/// The pool's net greeks after it writes `calls` 2100 calls of the fixture now: the line
/// the book sends the engine (the base IV 80% moved up by 0.001 per option bought, times
/// the skew 1; 30 days; spot 2000, rate 5%), summed by the pure crate.
fn expected_greeks(calls: u64) -> NetGreeks {
    let line = Position {
        strike_wad: 2100 * W,
        t_years_wad: years_wad_from_seconds_down(EXPIRY - T0),
        vol_wad: 8 * W / 10 + u128::from(calls) * W / 1000,
        call_amount_wad: -i128::from(calls) * 1_000_000_000_000_000_000,
        put_amount_wad: 0,
    };
    book_greeks_wad(2000 * W, W / 20, &[line]).expect("the fixture's greeks")
}

#[motsu::test]
fn trades_and_settlements_come_only_from_the_market(
    book: Contract<OptionBook>,
    listings: Contract<OptionListings>,
    token: Contract<MockErc20>,
    gov: Contract<MockGovernance>,
) {
    let market = Address::repeat_byte(0x3a);
    // Every key a trade reads is registered (zeros), the market's address under its key.
    for key in internal::TRADE_KEYS {
        gov.sender(admin()).set(key, U256::ZERO);
    }
    gov.sender(admin()).set(MARKET_KEY, address_to_value(market));
    gov.sender(admin()).set(BOOK_KEY, address_to_value(book.address()));
    gov.sender(admin()).set(LISTINGS_KEY, address_to_value(listings.address()));
    gov.sender(admin()).set(SHORT_BOOK_KEY, U256::ZERO);
    book.sender(admin()).constructor(token.address(), gov.address()).expect("constructor");
    listings.sender(admin()).constructor(token.address(), gov.address()).expect("listings");
    let intruder = Address::repeat_byte(0xb0);
    let unauthorized = Error::UnauthorizedAccount(MarketUnauthorizedAccount {
        account: intruder,
        role: MARKET_ROLE,
    });
    assert_eq!(
        book.sender(intruder)
            .trade(1, true, U256::from(1), true, u64::MAX, U256::ZERO)
            .motsu_unwrap_err(),
        unauthorized
    );
    assert_eq!(
        book.sender(intruder).settle_board(1, U256::from(1)).motsu_unwrap_err(),
        unauthorized
    );
    // The market passes the caller check and meets the next one, the listings' refusal
    // forwarded (the book is the caller the listings accept).
    assert_eq!(
        book.sender(market).settle_board(1, U256::from(1)).motsu_unwrap_err(),
        Error::UnknownBoard(MarketUnknownBoard { boardId: 1 })
    );
}

/// Sets `cap_key` one wei below the magnitude of `net`, the pool's greek after ten more
/// calls: the purchase is refused with `refused(cap)`, nothing written; then exactly at
/// it: bought, open interest and base IV recorded.
fn one_wei_beyond_then_at_the_cap(
    env: &Env,
    cap_key: B256,
    net: I256,
    refused: impl Fn(I256, U256) -> Error,
) {
    let magnitude = net.unsigned_abs();
    let cap = magnitude - U256::from(1);
    env.gov.sender(admin()).set(cap_key, cap);
    assert_eq!(env.buy(wad(10)), Err(refused(net, cap)));
    assert_eq!(env.written(), (U256::ZERO, pct(80)));
    env.gov.sender(admin()).set(cap_key, magnitude);
    let (market_id, ..) = env.buy(wad(10)).expect("a purchase at the cap");
    assert_eq!(market_id, ETH);
    assert_eq!(env.written(), (wad(10), pct(81)));
}

#[motsu::test]
fn a_purchase_at_the_net_delta_cap_passes_and_one_wei_beyond_is_refused() {
    let env = Env::new();
    // Ten written calls: the pool is short about 10 x N(d1) = 4.7 ETH of delta.
    let delta = expected_greeks(10).delta_wad;
    assert!(delta.is_negative() && delta > -I256::try_from(10 * W).expect("10"));
    one_wei_beyond_then_at_the_cap(&env, MAX_NET_DELTA_KEY, delta, |net, cap| {
        Error::NetDeltaAboveCap(MarketNetDeltaAboveCap {
            marketId: ETH,
            netDeltaWad: net,
            capWad: cap,
        })
    });
    // A sale is not checked: it passes with both caps at zero, and so does a quote.
    env.gov.sender(admin()).set(MAX_NET_DELTA_KEY, U256::ZERO);
    env.gov.sender(admin()).set(MAX_NET_VEGA_KEY, U256::ZERO);
    env.book.sender(admin()).quote(env.strike, true, wad(1), true).expect("a quote");
    env.book
        .sender(market())
        .trade(env.strike, true, wad(4), false, u64::MAX, U256::ZERO)
        .expect("a sale");
    assert_eq!(env.written().0, wad(6));
}

#[motsu::test]
fn a_purchase_at_the_net_vega_cap_passes_and_one_wei_beyond_is_refused() {
    let env = Env::new();
    // Ten written one-month calls: short about 10 x S phi(d1) sqrt(T) = 2,280 USD of vega
    // per 1.00 of volatility.
    let vega = expected_greeks(10).vega_wad;
    assert!(vega.is_negative());
    one_wei_beyond_then_at_the_cap(&env, MAX_NET_VEGA_KEY, vega, |net, cap| {
        Error::NetVegaAboveCap(MarketNetVegaAboveCap {
            marketId: ETH,
            netVegaWad: net,
            capWad: cap,
        })
    });
    // The next purchase adds to the book: one more call is beyond the cap.
    assert!(matches!(env.buy(wad(1)), Err(Error::NetVegaAboveCap(_))));
}
