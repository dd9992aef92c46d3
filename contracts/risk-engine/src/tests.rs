//! Unit tests of `RiskEngine` (motsu): each call against the pure crate called directly
//! with the same inputs, the way a caller's expectation is written out; every refusal
//! with its exact error.

use alloy_primitives::{uint, Address, I256, U256};
use alloy_sol_types::SolError;
use motsu::prelude::*;
use mutual_risk::{
    black_scholes::{greeks, prices, years_wad_from_seconds_down, Inputs},
    margin::{requirement_asset_up, MarginParams},
    stress::{book_greeks_wad, worst_loss, Grid, Position},
    trade::{fees_asset_up, premium_asset_down, premium_asset_up, FeeSchedule},
    MathError,
};

use super::*;

/// 1e18.
const W: u128 = 1_000_000_000_000_000_000;
/// One option, 1e18, as a signed amount.
const UNIT: i128 = 1_000_000_000_000_000_000;
/// 1e18 as `U256`.
const WAD: U256 = uint!(1_000_000_000_000_000_000_U256);

/// A caller.
fn caller() -> Address {
    Address::repeat_byte(0xca)
}

/// `x` WAD.
fn wad(x: u64) -> U256 {
    WAD * U256::from(x)
}

/// A curve: base 80%, skew 1.1, impact 0.001, bounds [10%, 300%].
fn curve() -> Vec<U256> {
    [8 * W / 10, 11 * W / 10, W / 1000, W / 10, 3 * W].map(U256::from).to_vec()
}

/// A fee schedule: spread 3 bp of notional capped at 12.5% of the premium, 1% utilization.
fn schedule() -> Vec<U256> {
    [3 * W / 10_000, W / 8, W / 100].map(U256::from).to_vec()
}

/// The grid of the examples: spot x0.5, x1, x1.5 with volatility x1, x1.5.
fn grid() -> (Vec<U256>, Vec<U256>) {
    (vec![WAD / U256::from(2), WAD, wad(3) / U256::from(2)], vec![WAD, wad(3) / U256::from(2)])
}

/// Ten calls at 2100 written, 30 days, 80%.
fn written() -> (Position, Vec<I256>) {
    let line = Position {
        strike_wad: 2100 * W,
        t_years_wad: 30 * W / 365,
        vol_wad: 8 * W / 10,
        call_amount_wad: -10 * 1_000_000_000_000_000_000_i128,
        put_amount_wad: 0,
    };
    let words = [
        I256::try_from(line.strike_wad).expect("strike"),
        I256::try_from(line.t_years_wad).expect("time"),
        I256::try_from(line.vol_wad).expect("vol"),
        I256::try_from(line.call_amount_wad).expect("calls"),
        I256::ZERO,
    ];
    (line, words.to_vec())
}

#[test]
fn revert_data_is_the_abi_encoding_of_each_error() {
    let cases = [
        (
            Error::InvalidLength(EngineInvalidLength { expected: U256::from(5), got: U256::MAX }),
            EngineInvalidLength { expected: U256::from(5), got: U256::MAX }.abi_encode(),
        ),
        (
            Error::ValueOutOfRange(EngineValueOutOfRange { value: U256::MAX }),
            EngineValueOutOfRange { value: U256::MAX }.abi_encode(),
        ),
        (Error::Math(EngineMathError { code: 11 }), EngineMathError { code: 11 }.abi_encode()),
    ];
    for (error, sol) in cases {
        assert_eq!(Vec::<u8>::from(error), sol);
    }
}

#[motsu::test]
fn a_trade_is_priced_as_the_pure_crate_prices_it(engine: Contract<RiskEngine>) {
    let seconds = 30 * 86_400;
    for (is_call, is_buy) in [(true, true), (true, false), (false, true), (false, false)] {
        let (premium, fees, vol, after) = engine
            .sender(caller())
            .trade_price(
                wad(2000),
                wad(2100),
                seconds,
                WAD / U256::from(20),
                is_call,
                is_buy,
                wad(10),
                curve(),
                schedule(),
                6,
            )
            .expect("trade_price");
        // Ten units move the base IV by 0.01 (up on a buy, down on a sale); times the skew.
        let base = if is_buy { 81 * W / 100 } else { 79 * W / 100 };
        assert_eq!(after, U256::from(base));
        let vol_wad = if is_buy { (base * 11).div_ceil(10) } else { base * 11 / 10 };
        assert_eq!(vol, U256::from(vol_wad));
        let p = prices(&Inputs {
            spot_wad: 2000 * W,
            strike_wad: 2100 * W,
            t_years_wad: years_wad_from_seconds_down(seconds),
            vol_wad,
            rate_wad: W / 20,
        })
        .expect("prices");
        let price = if is_call { p.call_wad } else { p.put_wad };
        let want = if is_buy {
            premium_asset_up(price, 10 * W, 6)
        } else {
            premium_asset_down(price, 10 * W, 6)
        };
        assert_eq!(premium, want.expect("premium"));
        let s = FeeSchedule {
            spread_rate_wad: 3 * W / 10_000,
            spread_cap_of_premium_wad: W / 8,
            utilization_rate_wad: W / 100,
        };
        assert_eq!(fees, fees_asset_up(2000 * W, 10 * W, premium, &s, 6).expect("fees").total);
    }
}

#[motsu::test]
fn book_risk_and_margin_are_the_pure_crates(engine: Contract<RiskEngine>) {
    let (line, words) = written();
    let (spots, vols) = grid();
    let (liability, stressed, net_delta, net_vega) = engine
        .sender(caller())
        .book_risk(wad(2000), U256::ZERO, 6, spots.clone(), vols.clone(), words.clone())
        .expect("book_risk");
    // The net greeks: ten written calls are short delta and vega, exactly the pure crate's.
    let net = book_greeks_wad(2000 * W, 0, &[line]).expect("greeks");
    assert_eq!((net_delta, net_vega), (net.delta_wad, net.vega_wad));
    assert!(net_delta.is_negative() && net_vega.is_negative());
    let grid = Grid { spot_factors_wad: &[W / 2, W, 3 * W / 2], vol_factors_wad: &[W, 3 * W / 2] };
    let worst = worst_loss(2000 * W, 0, &[line], &grid).expect("worst");
    // The stressed loss in USDC, rounded up: ceil(worst / 1e12).
    assert_eq!(stressed, U256::from(worst.worst_loss_wad.div_ceil(1_000_000_000_000)));
    assert!(liability > U256::ZERO && liability < stressed);
    let params =
        MarginParams { initial_multiplier_wad: 12 * W / 10, maintenance_fraction_wad: W / 2 };
    let want = requirement_asset_up(2000 * W, 0, &[line], &grid, &params, 6).expect("requirement");
    assert_eq!(
        engine.sender(caller()).margin_requirement(
            wad(2000),
            U256::ZERO,
            6,
            spots.clone(),
            vols.clone(),
            words,
            U256::from(12 * W / 10),
            WAD / U256::from(2)
        ),
        Ok((want.liability, want.initial, want.maintenance))
    );
    // An empty book has no risk.
    assert_eq!(
        engine.sender(caller()).book_risk(wad(2000), U256::ZERO, 6, spots, vols, vec![]),
        Ok((U256::ZERO, U256::ZERO, I256::ZERO, I256::ZERO))
    );
}

#[motsu::test]
fn book_risk_greeks_are_the_pure_crates_over_a_mixed_book(engine: Contract<RiskEngine>) {
    // Calls and puts, held and written, at two expiries, rate 5%.
    let lines = [
        (1900, 7, 9, 4 * UNIT, -3 * UNIT),
        (2100, 30, 8, -10 * UNIT, 0),
        (2500, 90, 7, UNIT / 3, -UNIT / 7),
    ]
    .map(|(strike, days, vol_tenths, calls, puts)| Position {
        strike_wad: strike * W,
        t_years_wad: days * W / 365,
        vol_wad: vol_tenths * W / 10,
        call_amount_wad: calls,
        put_amount_wad: puts,
    });
    let words: Vec<I256> = lines
        .iter()
        .flat_map(|p| {
            [
                I256::try_from(p.strike_wad).expect("strike"),
                I256::try_from(p.t_years_wad).expect("time"),
                I256::try_from(p.vol_wad).expect("vol"),
                I256::try_from(p.call_amount_wad).expect("calls"),
                I256::try_from(p.put_amount_wad).expect("puts"),
            ]
        })
        .collect();
    let (spots, vols) = grid();
    let (_, _, net_delta, net_vega) = engine
        .sender(caller())
        .book_risk(wad(2000), WAD / U256::from(20), 6, spots, vols, words)
        .expect("book_risk");
    let net = book_greeks_wad(2000 * W, W / 20, &lines).expect("greeks");
    assert_eq!((net_delta, net_vega), (net.delta_wad, net.vega_wad));
}

#[motsu::test]
fn bad_inputs_are_refused_with_their_values(engine: Contract<RiskEngine>) {
    let e = || engine.sender(caller());
    let (spots, vols) = grid();
    let (_, words) = written();
    let length = |expected: u64, got: u64| {
        Error::InvalidLength(EngineInvalidLength {
            expected: U256::from(expected),
            got: U256::from(got),
        })
    };
    let price = |curve: Vec<U256>, fees: Vec<U256>, seconds: u64, decimals: u8| {
        e().trade_price(
            wad(2000),
            wad(2100),
            seconds,
            U256::ZERO,
            true,
            true,
            wad(1),
            curve,
            fees,
            decimals,
        )
    };
    assert_eq!(price(curve()[..4].to_vec(), schedule(), 60, 6), Err(length(5, 4)));
    assert_eq!(price(curve(), vec![], 60, 6), Err(length(3, 0)));
    assert_eq!(
        e().book_risk(wad(2000), U256::ZERO, 6, spots.clone(), vols.clone(), words[..3].to_vec()),
        Err(length(5, 3))
    );
    // Out of 128 bits, and a negative strike.
    let big = U256::from(u128::MAX) + U256::from(1);
    assert_eq!(
        e().trade_price(big, wad(1), 60, U256::ZERO, true, true, wad(1), curve(), schedule(), 6),
        Err(Error::ValueOutOfRange(EngineValueOutOfRange { value: big }))
    );
    let mut negative = words.clone();
    negative[0] = I256::MINUS_ONE;
    assert_eq!(
        e().book_risk(wad(2000), U256::ZERO, 6, spots.clone(), vols.clone(), negative),
        Err(Error::ValueOutOfRange(EngineValueOutOfRange { value: U256::MAX }))
    );
    // The pure crate's refusals: no time left (5), 19 decimals (11), an empty grid (9),
    // bounds the wrong way round (10).
    assert_eq!(price(curve(), schedule(), 0, 6), Err(Error::Math(EngineMathError { code: 5 })));
    assert_eq!(price(curve(), schedule(), 60, 19), Err(Error::Math(EngineMathError { code: 11 })));
    assert_eq!(
        e().book_risk(wad(2000), U256::ZERO, 6, vec![], vols, words),
        Err(Error::Math(EngineMathError { code: 9 }))
    );
    let mut swapped = curve();
    swapped.swap(3, 4);
    assert_eq!(price(swapped, schedule(), 60, 6), Err(Error::Math(EngineMathError { code: 10 })));
}

#[motsu::test]
fn greeks_are_the_pure_crates(engine: Contract<RiskEngine>) {
    let e = || engine.sender(caller());
    let signed = |x: i128| I256::try_from(x).expect("i128");
    // A one-month 2100 strike at spot 2000, 80%, 5%; a deep put; one second left.
    for (spot, strike, seconds) in
        [(2000, 2100, 30 * 86_400), (2000, 1000, 7 * 86_400), (2000, 2000, 1)]
    {
        let inputs = Inputs {
            spot_wad: spot * W,
            strike_wad: strike * W,
            t_years_wad: years_wad_from_seconds_down(seconds),
            vol_wad: 8 * W / 10,
            rate_wad: W / 20,
        };
        let g = greeks(&inputs).expect("the pure crate prices it");
        assert_eq!(
            e().greeks(
                U256::from(inputs.spot_wad),
                U256::from(inputs.strike_wad),
                seconds,
                U256::from(inputs.rate_wad),
                U256::from(inputs.vol_wad),
            ),
            Ok((
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
            ))
        );
        // The greeks agree with the trade pricer's prices.
        let p = prices(&inputs).expect("prices");
        assert_eq!((g.call_wad, g.put_wad), (p.call_wad, p.put_wad));
    }
    // Refusals: no time, no volatility, a spot beyond 128 bits.
    let math = |error: MathError| Err(Error::Math(EngineMathError { code: error.code() }));
    assert_eq!(
        e().greeks(wad(2000), wad(2100), 0, U256::ZERO, WAD),
        math(MathError::TimeOutOfRange { t_years_wad: 0 })
    );
    assert_eq!(
        e().greeks(wad(2000), wad(2100), 60, U256::ZERO, U256::ZERO),
        math(MathError::VolOutOfRange { vol_wad: 0 })
    );
    let big = U256::from(u128::MAX) + U256::from(1);
    assert_eq!(
        e().greeks(big, wad(2100), 60, U256::ZERO, WAD),
        Err(Error::ValueOutOfRange(EngineValueOutOfRange { value: big }))
    );
}
