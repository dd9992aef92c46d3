//! Build-only probe: puts every public function of [`mutual_risk`] into a wasm32 binary.
//!
//! Stylus rejects a contract at activation if its wasm contains a single float instruction
//! (or SIMD, reference types, multi-value...). A contract only links the math it calls, so
//! scanning the contracts alone would leave the rest of the pure crate unchecked. This crate
//! exports one `probe_*` function per area of `mutual-risk`, each calling every public
//! function of that area on its runtime arguments and folding every result (including the
//! error values) into the returned `u64`, so the optimizer can remove nothing.
//! `scripts/build-wasm.sh` builds it for `wasm32-unknown-unknown` with the contracts' flags
//! and runs `wasm-check` on it in library mode (the feature scan without the contract rules).
//!
//! It is never deployed. Natively it builds and tests like any workspace crate.
//!
//! Arguments are `u64`/`i64` (the C ABI has no 128-bit integers); `*_hi`/`*_lo` pairs are
//! combined into `u128`/`i128`, and `U256` words are such a pair shifted left by `shift`.
#![allow(
    unsafe_code,
    reason = "`#[no_mangle]` is what exports the probes from the cdylib; there is no other unsafe code"
)]

use alloy_primitives::{I256, U256};
use core::fmt::Write as _;
use mutual_risk::black_scholes::{
    greeks, implied_vol, prices, years_wad_from_seconds_down, Greeks, Inputs,
};
use mutual_risk::exp::exp_wad;
use mutual_risk::fixed::{
    div_wad_down, div_wad_up, mul_div_down, mul_div_down_signed, mul_div_up, mul_div_up_signed,
    mul_wad_down, mul_wad_down_signed, mul_wad_up, mul_wad_up_signed, WAD_U128,
};
use mutual_risk::ln::ln_wad;
use mutual_risk::margin::{
    liability_asset_up, liquidation_split, requirement_asset_up, LiquidationParams, MarginParams,
};
use mutual_risk::normal::{cdf_wad, pdf_wad};
use mutual_risk::settlement::{
    intrinsic_wad, obligation_asset_up, payout_asset_down, pro_rata_down,
};
use mutual_risk::sqrt::{sqrt_wad_down, sqrt_wad_up};
use mutual_risk::stress::{book_greeks_wad, book_value_wad, worst_loss, Grid, Position};
use mutual_risk::trade::{
    fees_asset_up, premium_asset_down, premium_asset_up, trade_vol_wad,
    utilization_fee_rate_wad_up, utilization_wad_up, FeeCurve, FeeSchedule, VolCurve,
};
use mutual_risk::waterfall::{allocate_loss, excess_of_loss, split_largest_remainder, Layer};
use mutual_risk::MathError;

/// The starting value of every fold.
const SEED: u64 = 0x6d75_7475_616c_0001;

/// Mixes `x` into `acc` (a multiply-rotate hash: cheap, and every bit of `x` matters).
const fn mix(acc: u64, x: u64) -> u64 {
    (acc ^ x).wrapping_mul(0x9e37_79b9_7f4a_7c15).rotate_left(23)
}

/// Mixes both halves of `x` into `acc`.
#[allow(clippy::cast_possible_truncation, reason = "taking the low and high halves on purpose")]
const fn mix_u128(acc: u64, x: u128) -> u64 {
    mix(mix(acc, x as u64), (x >> 64) as u64)
}

/// Mixes the two's-complement bits of `x` into `acc`.
#[allow(clippy::cast_sign_loss, reason = "hashing the bit pattern, not the value")]
const fn mix_i128(acc: u64, x: i128) -> u64 {
    mix_u128(acc, x as u128)
}

/// Mixes the four limbs of `x` into `acc`.
fn mix_u256(acc: u64, x: U256) -> u64 {
    x.as_limbs().iter().fold(acc, |a, &l| mix(a, l))
}

/// Mixes `x` (as a `u64`) into `acc`.
fn mix_usize(acc: u64, x: usize) -> u64 {
    mix(acc, u64::try_from(x).unwrap_or(u64::MAX))
}

/// Mixes an error into `acc`: its variant and every value it carries.
fn mix_error(acc: u64, e: &MathError) -> u64 {
    let acc = mix(acc, u64::from(e.code()));
    match *e {
        MathError::DivisionByZero => mix(acc, 1),
        MathError::Overflow => mix(acc, 2),
        MathError::LnOfZero => mix(acc, 3),
        MathError::SpotOutOfRange { spot_wad } => mix_u128(mix(acc, 4), spot_wad),
        MathError::StrikeOutOfRange { strike_wad } => mix_u128(mix(acc, 5), strike_wad),
        MathError::TimeOutOfRange { t_years_wad } => mix_u128(mix(acc, 6), t_years_wad),
        MathError::VolOutOfRange { vol_wad } => mix_u128(mix(acc, 7), vol_wad),
        MathError::RateOutOfRange { rate_wad } => mix_u128(mix(acc, 8), rate_wad),
        MathError::PriceOutOfBounds { price_wad, lower_wad, upper_wad } => {
            mix_u128(mix_u128(mix_u128(mix(acc, 9), price_wad), lower_wad), upper_wad)
        }
        MathError::LengthMismatch { expected, got } => {
            mix_usize(mix_usize(mix(acc, 10), expected), got)
        }
        MathError::InvalidBounds { min, max } => mix_u128(mix_u128(mix(acc, 11), min), max),
        MathError::DecimalsOutOfRange { decimals } => mix(mix(acc, 12), u64::from(decimals)),
    }
}

/// Mixes a result into `acc`: `ok` mixes the value, an error goes through [`mix_error`].
fn mix_result<T>(acc: u64, r: Result<T, MathError>, ok: impl FnOnce(u64, T) -> u64) -> u64 {
    match r {
        Ok(v) => ok(mix(acc, 0x4f4b), v),
        Err(e) => mix_error(mix(acc, 0x4552), &e),
    }
}

/// Mixes every field of a set of greeks into `acc`.
fn mix_greeks(acc: u64, g: Greeks) -> u64 {
    let acc = [g.call_wad, g.put_wad, g.gamma_wad, g.vega_wad].into_iter().fold(acc, mix_u128);
    [
        g.delta_call_wad,
        g.delta_put_wad,
        g.theta_call_wad,
        g.theta_put_wad,
        g.rho_call_wad,
        g.rho_put_wad,
    ]
    .into_iter()
    .fold(acc, mix_i128)
}

/// `hi * 2^64 + lo`.
const fn wide(hi: u64, lo: u64) -> u128 {
    ((hi as u128) << 64) | lo as u128
}

/// `hi * 2^64 + lo`, signed.
const fn wide_signed(hi: i64, lo: u64) -> i128 {
    ((hi as i128) << 64) | lo as i128
}

/// `(hi * 2^64 + lo) << (shift mod 256)`, as a 256-bit word (high bits shifted out are lost).
fn word(hi: u64, lo: u64, shift: u32) -> U256 {
    U256::from(wide(hi, lo)).wrapping_shl(usize::try_from(shift % 256).unwrap_or(0))
}

/// A `core::fmt::Write` sink that hashes what is written, so formatting code is kept.
struct HashWriter(u64);

impl core::fmt::Write for HashWriter {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        self.0 = s.bytes().fold(self.0, |a, b| mix(a, u64::from(b)));
        Ok(())
    }
}

/// `black_scholes`: `Inputs::validate`, `prices` and `greeks` at one point.
#[no_mangle]
#[must_use]
pub extern "C" fn probe_black_scholes(
    spot_hi: u64,
    spot_lo: u64,
    strike_hi: u64,
    strike_lo: u64,
    t_years_wad: u64,
    vol_wad: u64,
    rate_wad: u64,
) -> u64 {
    let inputs = Inputs {
        spot_wad: wide(spot_hi, spot_lo),
        strike_wad: wide(strike_hi, strike_lo),
        t_years_wad: u128::from(t_years_wad),
        vol_wad: u128::from(vol_wad),
        rate_wad: u128::from(rate_wad),
    };
    let acc = mix_result(SEED, inputs.validate(), |a, ()| a);
    let acc = mix_result(acc, prices(&inputs), |a, p| mix_u128(mix_u128(a, p.call_wad), p.put_wad));
    mix_result(acc, greeks(&inputs), mix_greeks)
}

/// `black_scholes::implied_vol` of a call (`is_call != 0`) or put priced at `price`.
#[no_mangle]
#[must_use]
#[allow(clippy::too_many_arguments, reason = "one C-ABI argument per input half")]
pub extern "C" fn probe_implied_vol(
    spot_hi: u64,
    spot_lo: u64,
    strike_hi: u64,
    strike_lo: u64,
    t_years_wad: u64,
    rate_wad: u64,
    price_hi: u64,
    price_lo: u64,
    is_call: u32,
) -> u64 {
    let inputs = Inputs {
        spot_wad: wide(spot_hi, spot_lo),
        strike_wad: wide(strike_hi, strike_lo),
        t_years_wad: u128::from(t_years_wad),
        vol_wad: WAD_U128,
        rate_wad: u128::from(rate_wad),
    };
    mix_result(SEED, implied_vol(&inputs, is_call != 0, wide(price_hi, price_lo)), mix_u128)
}

/// `black_scholes::years_wad_from_seconds_down`.
#[no_mangle]
#[must_use]
pub extern "C" fn probe_years(seconds: u64) -> u64 {
    mix_u128(SEED, years_wad_from_seconds_down(seconds))
}

/// `exp::exp_wad`.
#[no_mangle]
#[must_use]
pub extern "C" fn probe_exp(x_hi: i64, x_lo: u64) -> u64 {
    mix_result(SEED, exp_wad(wide_signed(x_hi, x_lo)), mix_u128)
}

/// `ln::ln_wad`.
#[no_mangle]
#[must_use]
pub extern "C" fn probe_ln(x_hi: u64, x_lo: u64) -> u64 {
    mix_result(SEED, ln_wad(wide(x_hi, x_lo)), mix_i128)
}

/// `normal::pdf_wad` and `normal::cdf_wad`.
#[no_mangle]
#[must_use]
pub extern "C" fn probe_normal(x_hi: i64, x_lo: u64) -> u64 {
    let x = wide_signed(x_hi, x_lo);
    mix_u128(mix_u128(SEED, pdf_wad(x)), cdf_wad(x))
}

/// `sqrt::sqrt_wad_down` and `sqrt::sqrt_wad_up`.
#[no_mangle]
#[must_use]
pub extern "C" fn probe_sqrt(x_hi: u64, x_lo: u64) -> u64 {
    let x = wide(x_hi, x_lo);
    mix_u128(mix_u128(SEED, sqrt_wad_down(x)), sqrt_wad_up(x))
}

/// Every unsigned function of `fixed`: `mul_div_{down,up}`, `mul_wad_{down,up}`,
/// `div_wad_{down,up}`.
#[no_mangle]
#[must_use]
#[allow(clippy::too_many_arguments, reason = "one C-ABI argument per input half")]
pub extern "C" fn probe_fixed(
    a_hi: u64,
    a_lo: u64,
    b_hi: u64,
    b_lo: u64,
    d_hi: u64,
    d_lo: u64,
    shift: u32,
) -> u64 {
    let (a, b, d) = (word(a_hi, a_lo, shift), word(b_hi, b_lo, shift / 2), word(d_hi, d_lo, 0));
    [
        mul_div_down(a, b, d),
        mul_div_up(a, b, d),
        mul_wad_down(a, b),
        mul_wad_up(a, b),
        div_wad_down(a, b),
        div_wad_up(a, b),
    ]
    .into_iter()
    .fold(SEED, |acc, r| mix_result(acc, r, mix_u256))
}

/// Every signed function of `fixed`: `mul_div_{down,up}_signed`,
/// `mul_wad_{down,up}_signed`. Bit `i` of `negate` negates argument `i` (a, b, d).
#[no_mangle]
#[must_use]
#[allow(clippy::too_many_arguments, reason = "one C-ABI argument per input half")]
pub extern "C" fn probe_fixed_signed(
    a_hi: u64,
    a_lo: u64,
    b_hi: u64,
    b_lo: u64,
    d_hi: u64,
    d_lo: u64,
    shift: u32,
    negate: u32,
) -> u64 {
    let signed = |w: U256, bit: u32| {
        let v = I256::from_raw(w);
        if negate & (1 << bit) == 0 {
            v
        } else {
            v.wrapping_neg()
        }
    };
    let a = signed(word(a_hi, a_lo, shift), 0);
    let b = signed(word(b_hi, b_lo, shift / 2), 1);
    let d = signed(word(d_hi, d_lo, 0), 2);
    [
        mul_div_down_signed(a, b, d),
        mul_div_up_signed(a, b, d),
        mul_wad_down_signed(a, b),
        mul_wad_up_signed(a, b),
    ]
    .into_iter()
    .fold(SEED, |acc, r| mix_result(acc, r, |a, v| mix_u256(a, v.into_raw())))
}

/// `waterfall`: `Layer::capacity`, `allocate_loss` over three layers (the middle one
/// capped) and `excess_of_loss` over the last two. The output slices have
/// `min(out_len, 3)` and `min(out_len, 2)` elements, so a short `out_len` takes the
/// length-mismatch path.
#[no_mangle]
#[must_use]
#[allow(clippy::too_many_arguments, reason = "one C-ABI argument per input")]
pub extern "C" fn probe_waterfall(
    loss_hi: u64,
    loss_lo: u64,
    retention: u64,
    available0: u64,
    available1: u64,
    available2: u64,
    cap1: u64,
    out_len: u32,
) -> u64 {
    let loss = word(loss_hi, loss_lo, 0);
    let layers = [
        Layer { available: U256::from(available0), cap: None },
        Layer { available: U256::from(available1), cap: Some(U256::from(cap1)) },
        Layer { available: U256::from(available2), cap: None },
    ];
    let n = usize::try_from(out_len).unwrap_or(usize::MAX);
    let acc = layers.iter().fold(SEED, |a, l| mix_u256(a, l.capacity()));

    let mut absorbed = [U256::ZERO; 3];
    let acc = mix_result(acc, allocate_loss(loss, &layers, &mut absorbed[..n.min(3)]), mix_u256);
    let acc = absorbed.into_iter().fold(acc, mix_u256);

    let mut covered = [U256::ZERO; 2];
    let eol = excess_of_loss(loss, U256::from(retention), &layers[1..], &mut covered[..n.min(2)]);
    let acc = mix_result(acc, eol, |a, e| {
        mix_u256(mix_u256(mix_u256(a, e.retained), e.covered), e.beyond_cover)
    });
    covered.into_iter().fold(acc, mix_u256)
}

/// `waterfall::split_largest_remainder` of `amount` over four weights, into
/// `min(out_len, 4)` shares.
#[no_mangle]
#[must_use]
pub extern "C" fn probe_split(
    amount_hi: u64,
    amount_lo: u64,
    weight0: u64,
    weight1: u64,
    weight2: u64,
    weight3: u64,
    out_len: u32,
) -> u64 {
    let weights = [weight0, weight1, weight2, weight3].map(U256::from);
    let mut shares = [U256::ZERO; 4];
    let n = usize::try_from(out_len).unwrap_or(usize::MAX).min(4);
    let r = split_largest_remainder(word(amount_hi, amount_lo, 0), &weights, &mut shares[..n]);
    let acc = mix_result(SEED, r, |a, ()| a);
    shares.into_iter().fold(acc, mix_u256)
}

/// `stress`: `book_value_wad`, `book_greeks_wad` and `worst_loss` of a two-line book (a
/// call line at `strike`, a put line at `strike * 1.1`) over a grid of up to three spot
/// factors (`spot_factor0`, `spot_factor1`, 1.0) and two volatility factors
/// (`vol_factor0`, 1.0); `n_spot` factors are used, so 0 takes the empty-grid path.
#[no_mangle]
#[must_use]
#[allow(clippy::too_many_arguments, reason = "one C-ABI argument per input")]
pub extern "C" fn probe_stress(
    spot_hi: u64,
    spot_lo: u64,
    strike_hi: u64,
    strike_lo: u64,
    t_years_wad: u64,
    vol_wad: u64,
    rate_wad: u64,
    call_amount_wad: i64,
    put_amount_wad: i64,
    spot_factor0: u64,
    spot_factor1: u64,
    vol_factor0: u64,
    n_spot: u32,
) -> u64 {
    let spot_wad = wide(spot_hi, spot_lo);
    let strike_wad = wide(strike_hi, strike_lo);
    let line = Position {
        strike_wad,
        t_years_wad: u128::from(t_years_wad),
        vol_wad: u128::from(vol_wad),
        call_amount_wad: i128::from(call_amount_wad),
        put_amount_wad: 0,
    };
    let book = [
        line,
        Position {
            strike_wad: strike_wad / 10 * 11,
            call_amount_wad: 0,
            put_amount_wad: i128::from(put_amount_wad),
            ..line
        },
    ];
    let spot_factors = [u128::from(spot_factor0), u128::from(spot_factor1), WAD_U128];
    let vol_factors = [u128::from(vol_factor0), WAD_U128];
    let n = usize::try_from(n_spot).unwrap_or(usize::MAX).min(spot_factors.len());
    let grid = Grid { spot_factors_wad: &spot_factors[..n], vol_factors_wad: &vol_factors };
    let rate = u128::from(rate_wad);

    let acc = mix_result(SEED, book_value_wad(spot_wad, rate, &book, WAD_U128, false), mix_i128);
    let acc = mix_result(acc, book_greeks_wad(spot_wad, rate, &book), |a, g| {
        mix_u256(mix_u256(a, g.delta_wad.into_raw()), g.vega_wad.into_raw())
    });
    mix_result(acc, worst_loss(spot_wad, rate, &book, &grid), |a, s| {
        let a = mix_usize(mix_usize(mix_u128(a, s.worst_loss_wad), s.spot_index), s.vol_index);
        mix_i128(a, s.value_wad)
    })
}

/// `mutual_risk::trade`: the trade's volatility, both premiums, the utilization, its fee
/// rate and the fees, on a curve built from the arguments.
#[no_mangle]
#[must_use]
pub extern "C" fn probe_trade(
    base_iv_wad: u64,
    skew_wad: u64,
    impact_wad: u64,
    amount_hi: u64,
    amount_lo: u64,
    spot_wad: u64,
    committed: u64,
    nav: u64,
    decimals: u32,
    is_buy: u32,
) -> u64 {
    let curve = VolCurve {
        base_iv_wad: u128::from(base_iv_wad),
        skew_wad: u128::from(skew_wad),
        impact_wad: u128::from(impact_wad),
        min_iv_wad: WAD_U128 / 20,
        max_iv_wad: 5 * WAD_U128,
    };
    let amount = wide(amount_hi, amount_lo);
    let decimals = u8::try_from(decimals).unwrap_or(u8::MAX);
    let acc = mix_result(SEED, trade_vol_wad(&curve, amount, is_buy != 0), |a, v| {
        mix_u128(mix_u128(a, v.vol_wad), v.base_iv_after_wad)
    });
    let acc = mix_result(acc, premium_asset_up(u128::from(spot_wad), amount, decimals), mix_u256);
    let acc = mix_result(acc, premium_asset_down(u128::from(spot_wad), amount, decimals), mix_u256);
    let utilization = utilization_wad_up(U256::from(committed), U256::from(nav));
    let acc = mix_result(acc, utilization, mix_u128);
    let fee_curve = FeeCurve {
        base_wad: WAD_U128 / 1_000,
        kink_wad: u128::from(skew_wad).min(WAD_U128),
        slope_below_wad: WAD_U128 / 100,
        slope_above_wad: WAD_U128 / 2,
    };
    let rate = utilization.and_then(|u| utilization_fee_rate_wad_up(u, &fee_curve));
    let acc = mix_result(acc, rate, mix_u128);
    let schedule = FeeSchedule {
        spread_rate_wad: u128::from(impact_wad),
        spread_cap_of_premium_wad: WAD_U128 / 8,
        utilization_rate_wad: rate.unwrap_or(0),
    };
    let fees = fees_asset_up(u128::from(spot_wad), amount, U256::from(nav), &schedule, decimals);
    mix_result(acc, fees, |a, f| mix_u256(mix_u256(mix_u256(a, f.spread), f.utilization), f.total))
}

/// `mutual_risk::margin`: the requirements of one written call line over a three-by-two
/// grid, and the liquidation split of `collateral` against the liability found.
#[no_mangle]
#[must_use]
pub extern "C" fn probe_margin(
    spot_wad: u64,
    strike_wad: u64,
    t_years_wad: u64,
    vol_wad: u64,
    call_amount_wad: i64,
    multiplier_wad: u64,
    maintenance_wad: u64,
    collateral: u64,
    bounty_share_wad: u64,
    decimals: u32,
) -> u64 {
    let book = [Position {
        strike_wad: u128::from(strike_wad),
        t_years_wad: u128::from(t_years_wad),
        vol_wad: u128::from(vol_wad),
        call_amount_wad: i128::from(call_amount_wad),
        put_amount_wad: 0,
    }];
    let spot_factors = [WAD_U128 / 2, WAD_U128, 3 * WAD_U128 / 2];
    let vol_factors = [WAD_U128, 2 * WAD_U128];
    let grid = Grid { spot_factors_wad: &spot_factors, vol_factors_wad: &vol_factors };
    let params = MarginParams {
        initial_multiplier_wad: u128::from(multiplier_wad),
        maintenance_fraction_wad: u128::from(maintenance_wad),
    };
    let decimals = u8::try_from(decimals).unwrap_or(u8::MAX);
    let requirement =
        requirement_asset_up(u128::from(spot_wad), 0, &book, &grid, &params, decimals);
    let collateral = U256::from(collateral);
    let acc = mix_result(SEED, requirement, |a, r| {
        let a = mix_u256(mix_u256(mix_u256(a, r.liability), r.initial), r.maintenance);
        let (healthy, by) = r.health(collateral);
        mix_u256(mix(mix(a, u64::from(healthy)), u64::from(r.meets_initial(collateral))), by)
    });
    let liability = requirement.map_or(U256::ZERO, |r| r.liability);
    let acc =
        mix_result(acc, liability_asset_up(u128::from(spot_wad), 0, &book, decimals), mix_u256);
    let params = LiquidationParams {
        penalty_rate_wad: WAD_U128 / 20,
        bounty_share_wad: u128::from(bounty_share_wad),
        min_bounty: U256::from(1_000_000u64),
    };
    mix_result(acc, liquidation_split(collateral, liability, &params), |a, l| {
        [l.bounty, l.to_pool, l.to_reserve, l.returned, l.shortfall].into_iter().fold(a, mix_u256)
    })
}

/// `mutual_risk::settlement`: intrinsic value, payout and obligation of `amount` options at
/// `spot`, and a holder's pro-rata share of `available` when `total` is owed.
#[no_mangle]
#[must_use]
pub extern "C" fn probe_settlement(
    spot_wad: u64,
    strike_wad: u64,
    amount_wad: u64,
    is_call: u32,
    decimals: u32,
    available: u64,
    total: u64,
) -> u64 {
    let is_call = is_call != 0;
    let (spot, strike, amount) =
        (u128::from(spot_wad), u128::from(strike_wad), u128::from(amount_wad));
    let decimals = u8::try_from(decimals).unwrap_or(u8::MAX);
    let acc = mix_u128(SEED, intrinsic_wad(spot, strike, is_call));
    let payout = payout_asset_down(spot, strike, amount, is_call, decimals);
    let acc = mix_result(acc, payout, mix_u256);
    let acc =
        mix_result(acc, obligation_asset_up(spot, strike, amount, is_call, decimals), mix_u256);
    let owed = payout.unwrap_or(U256::ZERO);
    mix_result(acc, pro_rata_down(owed, U256::from(available), U256::from(total)), mix_u256)
}

/// `MathError`'s `Display` and `Debug`: variant `code mod 12`, its fields from `a` and `b`.
#[no_mangle]
#[must_use]
pub extern "C" fn probe_format(code: u32, a_hi: u64, a_lo: u64, b: u64) -> u64 {
    let a = wide(a_hi, a_lo);
    let b_usize = usize::try_from(b).unwrap_or(usize::MAX);
    let e = match code % 12 {
        0 => MathError::DivisionByZero,
        1 => MathError::Overflow,
        2 => MathError::LnOfZero,
        3 => MathError::SpotOutOfRange { spot_wad: a },
        4 => MathError::StrikeOutOfRange { strike_wad: a },
        5 => MathError::TimeOutOfRange { t_years_wad: a },
        6 => MathError::VolOutOfRange { vol_wad: a },
        7 => MathError::RateOutOfRange { rate_wad: a },
        8 => MathError::PriceOutOfBounds {
            price_wad: a,
            lower_wad: u128::from(b),
            upper_wad: a ^ u128::from(b),
        },
        9 => MathError::LengthMismatch { expected: b_usize, got: b_usize / 2 },
        10 => MathError::InvalidBounds { min: a, max: u128::from(b) },
        _ => MathError::DecimalsOutOfRange { decimals: u8::try_from(b & 0xff).unwrap_or(0) },
    };
    let mut w = HashWriter(SEED);
    // HashWriter never fails, so neither does formatting into it.
    let _ = write!(w, "{e}|{e:?}");
    w.0
}

#[cfg(test)]
mod tests {
    use super::*;

    const W: u64 = 1_000_000_000_000_000_000;

    #[test]
    fn folds_the_value_the_math_returns() {
        assert_eq!(probe_years(31_536_000), mix_u128(SEED, u128::from(W)));
        // sqrt(4) = 2, exactly, both ways.
        let two = u128::from(2 * W);
        assert_eq!(probe_sqrt(0, 4 * W), mix_u128(mix_u128(SEED, two), two));
        assert_eq!(probe_exp(0, 0), mix_u128(mix(SEED, 0x4f4b), u128::from(W)));
        // ln(0): the error path folds the variant's code (2), then its tag (3).
        assert_eq!(probe_ln(0, 0), mix(mix(mix(SEED, 0x4552), 2), 3));
    }

    #[test]
    fn error_paths_fold_differently_from_success() {
        let ok = probe_black_scholes(0, 10 * W, 0, 10 * W, W / 2, W / 5, W / 20);
        let bad_spot = probe_black_scholes(0, 0, 0, 10 * W, W / 2, W / 5, W / 20);
        assert_ne!(ok, bad_spot);
        assert_ne!(
            probe_waterfall(0, 80, 10, 30, 100, 500, 25, 3),
            probe_waterfall(0, 80, 10, 30, 100, 500, 25, 1)
        );
        assert_ne!(probe_split(0, 100, 1, 1, 1, 0, 4), probe_split(0, 100, 0, 0, 0, 0, 4));
    }

    #[test]
    fn every_probe_runs_on_typical_inputs() {
        let price = probe_implied_vol(0, 10 * W, 0, 10 * W, W / 2, W / 20, 0, W / 2, 1);
        assert_ne!(price, SEED);
        assert_ne!(probe_normal(0, W), probe_normal(-1, u64::MAX - W + 1));
        assert_ne!(probe_fixed(0, 7, 0, 3, 0, 2, 0), probe_fixed(0, 7, 0, 3, 0, 0, 0));
        assert_ne!(
            probe_fixed_signed(0, 7, 0, 3, 0, 2, 0, 1),
            probe_fixed_signed(0, 7, 0, 3, 0, 2, 0, 0)
        );
        let stress = |n| {
            probe_stress(
                0,
                10 * W,
                0,
                10 * W,
                W / 2,
                W / 5,
                W / 20,
                -1_000_000,
                1_000_000,
                W / 2,
                2 * W,
                2 * W,
                n,
            )
        };
        assert_ne!(stress(3), stress(0));
        assert_ne!(probe_format(8, 0, 5, 7), probe_format(9, 0, 5, 7));
        assert_ne!(probe_format(10, 0, 5, 7), probe_format(11, 0, 5, 7));
        let trade = |is_buy, decimals| {
            probe_trade(W, W, W / 1000, 0, 10 * W, 10 * W, 5, 10, decimals, is_buy)
        };
        assert_ne!(trade(1, 6), trade(0, 6));
        assert_ne!(trade(1, 6), trade(1, 19));
        let margin = |collateral, decimals| {
            probe_margin(
                10 * W,
                10 * W,
                W / 12,
                W,
                -2_000_000_000_000_000_000,
                W,
                W / 2,
                collateral,
                W / 2,
                decimals,
            )
        };
        assert_ne!(margin(10, 6), margin(10_000_000_000, 6));
        assert_ne!(margin(10, 6), margin(10, 19));
        let settle =
            |spot, available| probe_settlement(spot, 10 * W, W, 1, 6, available, 100_000_000);
        assert_ne!(settle(11 * W, 1_000_000), settle(11 * W, 1_000_000_000));
        assert_ne!(settle(11 * W, 1_000_000), settle(9 * W, 1_000_000));
    }
}
