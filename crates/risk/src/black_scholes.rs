//! Black-Scholes for European options on a non-dividend-paying underlying: prices,
//! greeks and implied volatility, in 18-decimal fixed point.
//!
//! Definitions (per unit of underlying): `d1 = (ln(S/K) + (r + v^2/2) T) / (v sqrt T)`,
//! `d2 = d1 - v sqrt T`; call `S N(d1) - K e^(-rT) N(d2)`, put
//! `K e^(-rT) N(-d2) - S N(-d1)`; delta `N(d1)` and `-N(-d1)`; gamma `phi(d1) / (S v sqrt T)`
//! per unit of spot; vega `S phi(d1) sqrt T` per 1.00 of volatility; theta `-dV/dT` per
//! year; rho per 1.00 of rate.
//!
//! Method, and where the precision comes from:
//! - `ln(S/K) + rT` is formed exactly in `10^-36` units: the logarithm from the exact
//!   integer difference `S - cK` ([`crate::ln`]), `rT` as the exact product of the two
//!   18-decimal inputs. Only then is it rounded (once), so the cancellation between
//!   moneyness and carry near the forward costs nothing.
//! - `v sqrt T`, `d1`, `d2`, the discount factor and every product after them are
//!   `Float`s (64-bit mantissa, relative error `u = 2^-64` per operation): a one-second
//!   `sqrt T` or a 1e-30 tail keep their relative precision.
//! - `N` is evaluated as `1 - Q` or `Q` with the tail `Q = phi M` ([`crate::normal`]) so
//!   the out-of-the-money side of every quantity has relative precision.
//! - The out-of-the-money price (the put when `S >= K e^(-rT)`, else the call) is
//!   computed, clamped to its no-arbitrage bounds, and rounded; the other comes from
//!   put-call parity in integers. So `call - put == S - round(K e^(-rT))` exactly, both
//!   are `>= max(0, discounted intrinsic)`, `call <= S` and `put <= K e^(-rT)`.
//!
//! Accuracy (measured against 200 mpmath vectors at 60 digits: see the tests, which
//! print the worst error per column) on the domain `S, K` in `[1e-6, 1e9]`, `S/K` in
//! `[0.2, 5]`, `v` in `[0.01, 5]`, `T` from one second to 5 years, `r` in `[0, 0.2]`:
//! price within `2 wei + 1e-18 max(S, K)`, delta within 5 wei, gamma, vega, theta and
//! rho within `10 wei + 1e-16 |value|`; the worst errors seen are 0.49, 0.20, 0.051,
//! 0.010, 0.061 and 0.036 of those bounds. Outside it (`S/K` from 1e-6 to 1e6, `v` up to
//! 10), the same bounds hold on 216 further mpmath vectors (worst: 0.50 of the price bound,
//! 0.07 of the greeks'), and the no-arbitrage bounds and parity above hold everywhere by
//! construction. The error model behind these figures: each `Float` operation adds at
//! most `u` relative; the tails carry an extra `2 u d^2` relative from the rounding of
//! `d`, and `d1` an absolute `u |ln(S/K) + rT| / (v sqrt T)`; beyond the accepted limits
//! below nothing is promised and the functions refuse the input.
#![allow(
    clippy::cast_possible_truncation,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss,
    clippy::many_single_char_names,
    reason = "fixed-point kernels: each narrowing cast carries its range argument in a comment; single-letter names follow the formulas"
)]

use crate::float::Float;
use crate::ln::ln_ratio_e36;
use crate::normal::{pdf, tail_from_pdf};
use crate::tables::{E_36, E_M18, E_M36, E_M9};
use crate::MathError;

/// Smallest spot or strike accepted: 1e-18.
pub const SPOT_STRIKE_MIN_WAD: u128 = 1;
/// Largest spot or strike accepted: 1e12 (the exact log-moneyness needs `S, K < 2^120`).
pub const SPOT_STRIKE_MAX_WAD: u128 = 1_000_000_000_000_000_000_000_000_000_000;
/// Longest time to expiry accepted: 10 years.
pub const T_MAX_WAD: u128 = 10_000_000_000_000_000_000;
/// Highest volatility accepted: 1000%.
pub const VOL_MAX_WAD: u128 = 10_000_000_000_000_000_000;
/// Highest rate accepted: 100% a year, continuously compounded.
pub const RATE_MAX_WAD: u128 = 1_000_000_000_000_000_000;
/// Seconds in the pricing year (365 days).
pub const SECONDS_PER_YEAR: u64 = 31_536_000;

/// The inputs of one evaluation, all 18-decimal fixed point.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Inputs {
    /// Spot price of the underlying, in [`SPOT_STRIKE_MIN_WAD`, `SPOT_STRIKE_MAX_WAD`].
    pub spot_wad: u128,
    /// Strike price, same range as the spot.
    pub strike_wad: u128,
    /// Time to expiry in years, in `(0, T_MAX_WAD]`.
    pub t_years_wad: u128,
    /// Annualized volatility (1e18 = 100%), in `(0, VOL_MAX_WAD]`.
    pub vol_wad: u128,
    /// Continuously compounded risk-free rate per year, in `[0, RATE_MAX_WAD]`.
    pub rate_wad: u128,
}

impl Inputs {
    /// Checks every input against its range.
    ///
    /// # Errors
    /// The first out-of-range input, as the matching `MathError` variant.
    pub fn validate(&self) -> Result<(), MathError> {
        let price_range = SPOT_STRIKE_MIN_WAD..=SPOT_STRIKE_MAX_WAD;
        if !price_range.contains(&self.spot_wad) {
            return Err(MathError::SpotOutOfRange { spot_wad: self.spot_wad });
        }
        if !price_range.contains(&self.strike_wad) {
            return Err(MathError::StrikeOutOfRange { strike_wad: self.strike_wad });
        }
        if self.t_years_wad == 0 || self.t_years_wad > T_MAX_WAD {
            return Err(MathError::TimeOutOfRange { t_years_wad: self.t_years_wad });
        }
        if self.vol_wad == 0 || self.vol_wad > VOL_MAX_WAD {
            return Err(MathError::VolOutOfRange { vol_wad: self.vol_wad });
        }
        if self.rate_wad > RATE_MAX_WAD {
            return Err(MathError::RateOutOfRange { rate_wad: self.rate_wad });
        }
        Ok(())
    }
}

/// Call and put prices, 18 decimals, per unit of underlying.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Prices {
    /// Call price.
    pub call_wad: u128,
    /// Put price.
    pub put_wad: u128,
}

/// Prices and every greek, 18 decimals.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Greeks {
    /// Call price.
    pub call_wad: u128,
    /// Put price.
    pub put_wad: u128,
    /// Call delta `N(d1)`, in `[0, 1e18]`.
    pub delta_call_wad: i128,
    /// Put delta `-N(-d1) = delta_call - 1e18`, in `[-1e18, 0]`.
    pub delta_put_wad: i128,
    /// Gamma per unit of spot (the same for call and put).
    pub gamma_wad: u128,
    /// Vega per 1.00 (100 percentage points) of volatility.
    pub vega_wad: u128,
    /// Call theta, `-dC/dT`, per year.
    pub theta_call_wad: i128,
    /// Put theta, `-dP/dT`, per year.
    pub theta_put_wad: i128,
    /// Call rho per 1.00 of rate.
    pub rho_call_wad: i128,
    /// Put rho per 1.00 of rate.
    pub rho_put_wad: i128,
}

/// Everything the prices and greeks share, computed once.
struct Core {
    /// Spot and strike in 1e-18 units (the raw integers, as `Float`s).
    spot: Float,
    spot_raw: u128,
    /// `K e^(-rT)` in 1e-18 units, as a `Float` and rounded.
    strike_pv: Float,
    strike_pv_raw: u128,
    sqrt_t: Float,
    vol: Float,
    /// `v sqrt T`.
    sigma_sqrt_t: Float,
    d1: Float,
    d2: Float,
    /// The density `phi(d1)`.
    phi1: Float,
    /// Upper tails `Q(|d1|)`, `Q(|d2|)`.
    tail1: Float,
    tail2: Float,
}

impl Core {
    fn new(inputs: &Inputs) -> Result<Self, MathError> {
        inputs.validate()?;
        // ln(S/K) + rT, exactly, in 1e-36 units: |ln| <= ln(1e30) < 70 and rT <= 10, so the
        // sum stays below 8e37 < 2^127. rate <= 1e18 and T <= 1e19 keep the product exact.
        let log_moneyness_e36 = ln_ratio_e36(inputs.spot_wad, inputs.strike_wad)?;
        let rt_e36 = (inputs.rate_wad * inputs.t_years_wad) as i128; // <= 1e37
        let carry = Float::from_i128(log_moneyness_e36 + rt_e36).mul(E_M36);
        let sqrt_t = Float::from_u128(inputs.t_years_wad).sqrt().mul(E_M9);
        let vol = Float::from_u128(inputs.vol_wad).mul(E_M18);
        let sigma_sqrt_t = vol.mul(sqrt_t); // > 0: vol and T are at least 1e-18
        let a = carry.div(sigma_sqrt_t);
        let b = sigma_sqrt_t.mul_pow2(-1);
        let (d1, d2) = (a.add(b), a.sub(b));
        let discount = crate::exp::exp_float(Float::from_i128(rt_e36).mul(E_M36).negate());
        let strike_pv = Float::from_u128(inputs.strike_wad).mul(discount);
        // K e^(-rT) <= K <= 1e30.
        let strike_pv_raw = strike_pv.round_abs_to_u128().expect("strike_pv below 1e30");
        let spot = Float::from_u128(inputs.spot_wad);
        let phi1 = pdf(d1);
        Ok(Self {
            spot,
            spot_raw: inputs.spot_wad,
            strike_pv,
            strike_pv_raw,
            sqrt_t,
            vol,
            sigma_sqrt_t,
            d1,
            d2,
            phi1,
            tail1: tail_from_pdf(d1, phi1),
            // phi(d2) = phi(d1) e^(d1^2/2 - d2^2/2) = phi(d1) S / (K e^(-rT)): no second
            // exponential (relative error 3u more than a direct evaluation).
            tail2: tail_from_pdf(d2, phi1.mul(spot).div(strike_pv)),
        })
    }

    /// `N(d)` and `N(-d)` from the tail of `|d|`.
    fn cdf(d: Float, tail: Float) -> (Float, Float) {
        let body = Float::ONE.sub(tail);
        if d.is_negative() {
            (tail, body)
        } else {
            (body, tail)
        }
    }

    fn prices(&self) -> Prices {
        let (n2, n_neg2) = Self::cdf(self.d2, self.tail2);
        // Only the out-of-the-money side's strike term is needed.
        let strike_term = if self.call_in_the_money() { n_neg2 } else { n2 };
        self.prices_from(self.strike_pv.mul(strike_term))
    }

    /// Whether `S >= K e^(-rT)` (as rounded): then the put is the out-of-the-money side.
    fn call_in_the_money(&self) -> bool {
        self.spot_raw >= self.strike_pv_raw
    }

    /// Both prices from the out-of-the-money side's strike term: `K e^(-rT) N(-d2)` for
    /// the put when the call is in the money, else `K e^(-rT) N(d2)` for the call.
    fn prices_from(&self, strike_term: Float) -> Prices {
        let (n1, n_neg1) = Self::cdf(self.d1, self.tail1);
        // S - K e^(-rT): both below 1e30 < 2^127.
        let forward_intrinsic = self.spot_raw as i128 - self.strike_pv_raw as i128;
        if self.call_in_the_money() {
            // The put is out of the money: compute it, clamp it to [0, K e^(-rT)].
            let put = strike_term.sub(self.spot.mul(n_neg1));
            let put_wad = clamp_round(put, self.strike_pv_raw);
            Prices { call_wad: put_wad + forward_intrinsic as u128, put_wad }
        } else {
            let call = self.spot.mul(n1).sub(strike_term);
            let call_wad = clamp_round(call, self.spot_raw);
            Prices { call_wad, put_wad: call_wad + forward_intrinsic.unsigned_abs() }
        }
    }

    fn greeks(&self, inputs: &Inputs) -> Result<Greeks, MathError> {
        let (n2, n_neg2) = Self::cdf(self.d2, self.tail2);
        // The strike terms K e^(-rT) N(d2) and K e^(-rT) N(-d2), each shared by a price,
        // a theta and a rho.
        let (strike_n2, strike_n_neg2) = (self.strike_pv.mul(n2), self.strike_pv.mul(n_neg2));
        let prices =
            self.prices_from(if self.call_in_the_money() { strike_n_neg2 } else { strike_n2 });
        // Delta from the tail, so call and put deltas differ by exactly 1e18.
        let tail1_wad = to_i128(self.tail1.mul(crate::tables::E_18))?;
        let delta_call_wad =
            if self.d1.is_negative() { tail1_wad } else { 1_000_000_000_000_000_000 - tail1_wad };
        let spot_phi = self.spot.mul(self.phi1);
        // gamma = phi / (S v sqrt T) per unit of spot: in 1e-18 units, phi 1e36 / (S_raw v sqrt T).
        let gamma = self.phi1.mul(E_36).div(self.spot.mul(self.sigma_sqrt_t));
        let vega = spot_phi.mul(self.sqrt_t);
        let time_decay = spot_phi.mul(self.vol).div(self.sqrt_t.mul_pow2(1));
        let rate = Float::from_u128(inputs.rate_wad).mul(E_M18);
        let carry_call = rate.mul(strike_n2);
        let carry_put = rate.mul(strike_n_neg2);
        let t = Float::from_u128(inputs.t_years_wad).mul(E_M18);
        let rho_call = strike_n2.mul(t);
        let rho_put = strike_n_neg2.mul(t).negate();
        Ok(Greeks {
            call_wad: prices.call_wad,
            put_wad: prices.put_wad,
            delta_call_wad,
            delta_put_wad: delta_call_wad - 1_000_000_000_000_000_000,
            gamma_wad: gamma.round_abs_to_u128().ok_or(MathError::Overflow)?,
            vega_wad: vega.round_abs_to_u128().ok_or(MathError::Overflow)?,
            theta_call_wad: to_i128(time_decay.add(carry_call).negate())?,
            theta_put_wad: to_i128(carry_put.sub(time_decay))?,
            rho_call_wad: to_i128(rho_call)?,
            rho_put_wad: to_i128(rho_put)?,
        })
    }

    /// The price of one side as a `Float` (unrounded) and the vega, for the solver.
    fn price_and_vega(&self, is_call: bool) -> (u128, Float) {
        let p = self.prices();
        let vega = self.spot.mul(self.phi1).mul(self.sqrt_t);
        (if is_call { p.call_wad } else { p.put_wad }, vega)
    }
}

/// `round(v)` clamped to `[0, max]`.
fn clamp_round(v: Float, max: u128) -> u128 {
    if v.is_negative() {
        return 0;
    }
    v.round_abs_to_u128().map_or(max, |x| x.min(max))
}

fn to_i128(v: Float) -> Result<i128, MathError> {
    v.round_to_i128().ok_or(MathError::Overflow)
}

/// Call and put prices.
///
/// ```
/// use mutual_risk::black_scholes::{prices, Inputs};
/// const W: u128 = 1_000_000_000_000_000_000;
/// // Hull's example: S 42, K 40, T 0.5, v 20%, r 10%: call 4.7594, put 0.8086.
/// let p = prices(&Inputs { spot_wad: 42 * W, strike_wad: 40 * W, t_years_wad: W / 2,
///                          vol_wad: W / 5, rate_wad: W / 10 }).unwrap();
/// // mpmath: call 4.759422392871533220..., put 0.808599372900093583...; the error bound
/// // is 2 wei + 1e-18 * max(S, K) = 44 wei.
/// assert!(p.call_wad.abs_diff(4_759422392871533220) <= 44);
/// assert!(p.put_wad.abs_diff(808599372900093583) <= 44);
/// // Parity: call - put = S - K e^(-rT), K e^(-rT) = 38.049176980028560363657...
/// assert!((p.call_wad - p.put_wad).abs_diff(42 * W - 38_049176980028560364) <= 4);
/// ```
///
/// # Errors
/// An out-of-range input, as [`Inputs::validate`].
pub fn prices(inputs: &Inputs) -> Result<Prices, MathError> {
    Ok(Core::new(inputs)?.prices())
}

/// Prices and every greek, from one shared evaluation.
///
/// # Errors
/// An out-of-range input, as [`Inputs::validate`]; [`MathError::Overflow`] if a greek does
/// not fit (only possible far outside the accuracy domain, e.g. a gamma above 1.7e20).
pub fn greeks(inputs: &Inputs) -> Result<Greeks, MathError> {
    Core::new(inputs)?.greeks(inputs)
}

/// Smallest volatility the solver returns: 0.01%.
pub const IV_MIN_WAD: u128 = 100_000_000_000_000;

/// The volatility at which the option's price is `price_wad`.
///
/// Safeguarded Newton: the price is increasing in volatility, so the solver keeps a
/// bracket `[lo, hi]` around the answer (starting at [`IV_MIN_WAD`] and [`VOL_MAX_WAD`]),
/// takes Newton steps that stay inside it and bisects otherwise; it stops when the price
/// matches to the wei or the bracket is one wei wide, at most 128 evaluations.
/// `inputs.vol_wad` is ignored.
///
/// # Errors
/// An out-of-range input; [`MathError::PriceOutOfBounds`] if `price_wad` is below the
/// price at `IV_MIN_WAD` or above the price at `VOL_MAX_WAD`.
pub fn implied_vol(inputs: &Inputs, is_call: bool, price_wad: u128) -> Result<u128, MathError> {
    Inputs { vol_wad: IV_MIN_WAD, ..*inputs }.validate()?;
    let at = |vol_wad: u128| -> Result<(u128, Float), MathError> {
        Ok(Core::new(&Inputs { vol_wad, ..*inputs })?.price_and_vega(is_call))
    };
    let (mut lo, mut hi) = (IV_MIN_WAD, VOL_MAX_WAD);
    let (p_lo, _) = at(lo)?;
    let (p_hi, _) = at(hi)?;
    if price_wad < p_lo || price_wad > p_hi {
        return Err(MathError::PriceOutOfBounds { price_wad, lower_wad: p_lo, upper_wad: p_hi });
    }
    if price_wad == p_lo {
        return Ok(lo);
    }
    // Start from the at-the-money approximation v ~ P sqrt(2 pi / T) / S, inside the bracket.
    let guess = Float::from_u128(price_wad)
        .div(Float::from_u128(inputs.spot_wad))
        .mul(Float::from_u128(2_506_628_274_631_000_502)) // sqrt(2 pi) * 1e18
        .div(Float::from_u128(inputs.t_years_wad).sqrt().mul(E_M9));
    let mut vol = guess.round_abs_to_u128().unwrap_or(hi).clamp(lo, hi);
    for _ in 0..128 {
        let (p, vega) = at(vol)?;
        if p == price_wad {
            return Ok(vol);
        }
        if p < price_wad {
            lo = vol;
        } else {
            hi = vol;
        }
        if hi - lo <= 1 {
            break;
        }
        // Newton: vol - (p - target) / vega, in 1e-18 units of vol (vega is per 1.00);
        // bisect when vega vanishes or the step leaves the bracket.
        let mid = lo + (hi - lo) / 2;
        vol = if vega.is_zero() {
            mid
        } else {
            let step =
                Float::from_i128(p as i128 - price_wad as i128).div(vega).mul(crate::tables::E_18);
            match Float::from_u128(vol).sub(step).round_to_i128() {
                Some(n) if n > lo as i128 && n < hi as i128 => n as u128,
                _ => mid,
            }
        };
    }
    // The bracket is one wei wide: return the end whose price is nearer the target.
    let (p_lo, _) = at(lo)?;
    let (p_hi, _) = at(hi)?;
    Ok(if price_wad.abs_diff(p_lo) <= price_wad.abs_diff(p_hi) { lo } else { hi })
}

/// `seconds / 31,536,000` in 18 decimals, rounded down: time to expiry for the pricer.
#[must_use]
pub fn years_wad_from_seconds_down(seconds: u64) -> u128 {
    u128::from(seconds) * 1_000_000_000_000_000_000 / u128::from(SECONDS_PER_YEAR)
}

#[cfg(test)]
#[allow(
    clippy::cast_possible_truncation,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss,
    clippy::cast_precision_loss,
    reason = "test arithmetic on values whose ranges the test itself fixes"
)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const W: u128 = 1_000_000_000_000_000_000;

    /// Inputs drawn log-uniformly over the accuracy domain (or, with `wide`, the extended
    /// one: S/K from 1e-6 to 1e6, vol to 10).
    fn arb_inputs(wide: bool) -> impl Strategy<Value = Inputs> {
        let ratio = if wide { (-13.8f64, 13.8f64) } else { (-1.609f64, 1.609f64) };
        let vol_max = if wide { 10.0f64 } else { 5.0 };
        (
            -13.8f64..20.7,
            ratio.0..ratio.1,
            (0.01f64).ln()..vol_max.ln(),
            (3.17e-8f64).ln()..(5.0f64).ln(),
            0.0f64..0.2,
        )
            .prop_map(|(ls, lr, lv, lt, r)| {
                let spot = (ls.exp() * 1e18) as u128;
                Inputs {
                    spot_wad: spot.max(1),
                    strike_wad: ((spot as f64 / lr.exp()) as u128).clamp(1, SPOT_STRIKE_MAX_WAD),
                    t_years_wad: (lt.exp() * 1e18) as u128,
                    vol_wad: (lv.exp() * 1e18) as u128,
                    rate_wad: (r * 1e18) as u128,
                }
            })
    }

    /// The price error bound of the accuracy domain, in wei: 2 + 1e-18 max(S, K).
    fn price_tolerance(i: &Inputs) -> u128 {
        2 + i.spot_wad.max(i.strike_wad) / W
    }

    fn check_bounds(i: &Inputs) -> Result<(), TestCaseError> {
        let g = greeks(i).map_err(|e| TestCaseError::fail(format!("{e}")))?;
        let core = Core::new(i).unwrap();
        let kdf = core.strike_pv_raw;
        prop_assert_eq!(g.call_wad as i128 - g.put_wad as i128, i.spot_wad as i128 - kdf as i128);
        prop_assert!(g.call_wad >= i.spot_wad.saturating_sub(kdf) && g.call_wad <= i.spot_wad);
        prop_assert!(g.put_wad >= kdf.saturating_sub(i.spot_wad) && g.put_wad <= kdf);
        prop_assert!((0..=W as i128).contains(&g.delta_call_wad));
        prop_assert_eq!(g.delta_call_wad - g.delta_put_wad, W as i128);
        prop_assert!(g.rho_call_wad >= 0 && g.rho_put_wad <= 0);
        Ok(())
    }

    proptest! {
        #[test]
        fn bounds_and_parity_hold_in_the_accuracy_domain(i in arb_inputs(false)) {
            check_bounds(&i)?;
        }

        #[test]
        fn bounds_and_parity_hold_in_the_extended_domain(i in arb_inputs(true)) {
            check_bounds(&i)?;
        }

        #[test]
        fn monotone_in_spot_strike_vol_and_time(i in arb_inputs(false), step in 1u32..1_000_000) {
            // Steps of 1e-9 to 1e-3 relative; a move against monotonicity larger than the
            // error bound would fail.
            let bump = |x: u128| x + (x / 1_000_000_000).max(1) * u128::from(step);
            let tol = price_tolerance(&i);
            let base = prices(&i).unwrap();
            let up_s = prices(&Inputs { spot_wad: bump(i.spot_wad).min(SPOT_STRIKE_MAX_WAD), ..i }).unwrap();
            prop_assert!(up_s.call_wad + tol >= base.call_wad && up_s.put_wad <= base.put_wad + tol);
            let up_k = prices(&Inputs { strike_wad: bump(i.strike_wad).min(SPOT_STRIKE_MAX_WAD), ..i }).unwrap();
            prop_assert!(up_k.call_wad <= base.call_wad + tol && up_k.put_wad + tol >= base.put_wad);
            let up_v = prices(&Inputs { vol_wad: bump(i.vol_wad), ..i }).unwrap();
            prop_assert!(up_v.call_wad + tol >= base.call_wad && up_v.put_wad + tol >= base.put_wad);
            let up_t = prices(&Inputs { t_years_wad: bump(i.t_years_wad), ..i }).unwrap();
            prop_assert!(up_t.call_wad + tol >= base.call_wad);
            // With r = 0 the put is increasing in T too.
            let r0 = Inputs { rate_wad: 0, ..i };
            let (p0, p1) = (prices(&r0).unwrap(), prices(&Inputs { t_years_wad: bump(i.t_years_wad), ..r0 }).unwrap());
            prop_assert!(p1.put_wad + tol >= p0.put_wad);
        }

        #[test]
        fn implied_vol_recovers_the_price(i in arb_inputs(false), is_call in any::<bool>()) {
            let i = Inputs { vol_wad: i.vol_wad.max(IV_MIN_WAD), ..i };
            let p = prices(&i).unwrap();
            let target = if is_call { p.call_wad } else { p.put_wad };
            match implied_vol(&i, is_call, target) {
                Ok(v) => {
                    let q = prices(&Inputs { vol_wad: v, ..i }).unwrap();
                    let got = if is_call { q.call_wad } else { q.put_wad };
                    // The solved vol reprices within the price's own error bound (flat regions
                    // of the price, e.g. deep in the money, admit many vols).
                    prop_assert!(got.abs_diff(target) <= price_tolerance(&i), "target {} got {} at vol {}", target, got, v);
                }
                Err(MathError::PriceOutOfBounds { .. }) => {
                    // Only when the price is flat at the low end: the target equals the
                    // intrinsic-like value at IV_MIN_WAD to within the error bound.
                    let lo = prices(&Inputs { vol_wad: IV_MIN_WAD, ..i }).unwrap();
                    let lo = if is_call { lo.call_wad } else { lo.put_wad };
                    prop_assert!(lo.abs_diff(target) <= price_tolerance(&i));
                }
                Err(e) => prop_assert!(false, "unexpected {e}"),
            }
        }
    }

    #[test]
    fn out_of_range_inputs_name_the_offender() {
        let ok = Inputs { spot_wad: W, strike_wad: W, t_years_wad: W, vol_wad: W, rate_wad: 0 };
        assert!(greeks(&ok).is_ok());
        let cases = [
            (Inputs { spot_wad: 0, ..ok }, MathError::SpotOutOfRange { spot_wad: 0 }),
            (
                Inputs { spot_wad: SPOT_STRIKE_MAX_WAD + 1, ..ok },
                MathError::SpotOutOfRange { spot_wad: SPOT_STRIKE_MAX_WAD + 1 },
            ),
            (Inputs { strike_wad: 0, ..ok }, MathError::StrikeOutOfRange { strike_wad: 0 }),
            (Inputs { t_years_wad: 0, ..ok }, MathError::TimeOutOfRange { t_years_wad: 0 }),
            (
                Inputs { t_years_wad: T_MAX_WAD + 1, ..ok },
                MathError::TimeOutOfRange { t_years_wad: T_MAX_WAD + 1 },
            ),
            (Inputs { vol_wad: 0, ..ok }, MathError::VolOutOfRange { vol_wad: 0 }),
            (
                Inputs { vol_wad: VOL_MAX_WAD + 1, ..ok },
                MathError::VolOutOfRange { vol_wad: VOL_MAX_WAD + 1 },
            ),
            (
                Inputs { rate_wad: RATE_MAX_WAD + 1, ..ok },
                MathError::RateOutOfRange { rate_wad: RATE_MAX_WAD + 1 },
            ),
        ];
        for (inputs, err) in cases {
            assert_eq!(prices(&inputs), Err(err));
            assert_eq!(greeks(&inputs), Err(err));
            // The solver ignores the volatility it is given; every other input is checked.
            if !matches!(err, MathError::VolOutOfRange { .. }) {
                assert_eq!(implied_vol(&inputs, true, W / 10), Err(err));
            }
        }
        assert!(implied_vol(&Inputs { vol_wad: 0, ..ok }, true, W / 10).is_ok());
    }

    #[test]
    fn implied_vol_rejects_prices_outside_the_bounds() {
        let i = Inputs {
            spot_wad: 100 * W,
            strike_wad: 100 * W,
            t_years_wad: W,
            vol_wad: W,
            rate_wad: 0,
        };
        assert!(matches!(implied_vol(&i, true, 100 * W), Err(MathError::PriceOutOfBounds { .. })));
        assert!(matches!(implied_vol(&i, true, 0), Err(MathError::PriceOutOfBounds { .. })));
        // The at-the-money textbook case: 20% vol, one year, r = 5% gives 10.4506.
        let i = Inputs { rate_wad: W / 20, ..i };
        let v = implied_vol(&i, true, 10_450_583_572_185_566_782).unwrap();
        assert!(v.abs_diff(W / 5) <= 10, "{v}");
    }

    #[test]
    fn extreme_corners_stay_finite() {
        // Every corner of the accepted ranges prices without error or panic.
        for spot in [1, W / 1_000_000, W, SPOT_STRIKE_MAX_WAD] {
            for strike in [1, W, SPOT_STRIKE_MAX_WAD] {
                for t in [1, 31_709_791_983, W, T_MAX_WAD] {
                    for vol in [1, W / 100, VOL_MAX_WAD] {
                        for rate in [0, RATE_MAX_WAD] {
                            let i = Inputs {
                                spot_wad: spot,
                                strike_wad: strike,
                                t_years_wad: t,
                                vol_wad: vol,
                                rate_wad: rate,
                            };
                            let p = prices(&i).unwrap();
                            assert!(p.call_wad <= spot);
                            // Greeks may overflow only far outside the accuracy domain.
                            match greeks(&i) {
                                Ok(_) | Err(MathError::Overflow) => {}
                                Err(e) => panic!("{i:?}: {e}"),
                            }
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn seconds_to_years() {
        assert_eq!(years_wad_from_seconds_down(31_536_000), W);
        assert_eq!(years_wad_from_seconds_down(1), 31_709_791_983); // 3.1709791983764e-8, down
        assert_eq!(years_wad_from_seconds_down(0), 0);
    }
}
