//! The searches: the capital-efficiency comparison and `--recommend`.
//!
//! Every search re-runs the same paths (same seed, same indices: common random numbers),
//! so a change of the parameter, not of the draws, moves the probabilities; each assumes
//! the probability it tests is monotone in its parameter (more capital or margin never
//! fails more often), which holds path by path except for rare cases where a later
//! liquidation meets a larger gap.
//!
//! **Capital efficiency.** For the same book (the pool's written lines and the traders'
//! legs) and the same target probability of failing to pay a long in full:
//! - (a) *siloed, fully collateralized*: every written option backed alone by its largest
//!   possible payout: a put by its strike (its obligation settled at a spot of 0), a call
//!   by one unit of the underlying (a call pays at most `S_T - K < S_T`, so the unit covers
//!   it at any price; valued at today's spot: the obligation of a call struck at 0). No
//!   search: it never fails.
//! - (b) *siloed, partial collateral with liquidation*: each written option alone is a
//!   margin account (no netting, no sharing, no insurance) with the least collateral that
//!   meets its initial requirement at a multiplier `m` (`margin::requirement_asset_up`: the
//!   mark plus `m x` its own worst loss over the stress grid), is liquidated the first day
//!   its health is negative (the requirement recomputed at that day's spot), and fails if
//!   what it owes is not paid in full: at a liquidation, a shortfall of
//!   `margin::liquidation_split` (the bounty is paid first); at expiry, an obligation
//!   (`settlement::obligation_asset_up`) above its collateral. `m` is the smallest
//!   multiplier for which the probability that *any* position fails meets the target
//!   (geometric bisection to 1%).
//! - (c) *mutualized*: the configured book, margins and waterfalls, with the pool's NAV,
//!   the market reserve and the tranches (assets and minimum balances) scaled by one
//!   factor `k`: the smallest `k` (geometric bisection to 1%) whose probability of a
//!   haircut meets the target. Its collateral is `k x` that capital plus the traders'
//!   initial margins.
//!
//! Premiums (the marks a written option's collateral starts with) are held in every case
//! and counted in none.
//!
//! **Recommendation** (`--recommend`), in order, each step using the previous results:
//! 1. `market.<underlying>.marginMultiplierWad`: the smallest multiplier on a 0.05 grid in
//!    `[0.5, 5]` for which the probability that some trader's obligation exceeds its
//!    collateral meets the failure target (margins alone cover defaults at the target);
//! 2. `vault.retentionWad`: the smallest retention on a 0.5% grid in `[0, 1]` for which the
//!    probability that a pool tail loss reaches the insurance at all is at most
//!    `insurance_attachment_probability` (the insurance is for the tail, not for routine
//!    losses);
//! 3. `insurance.tranche.<i>.capWad`, junior first: the smallest per-event cap on a 5% grid
//!    in `[0.05, 1]` (the tranches after it at their configured caps) for which the probability that a pool
//!    tail loss goes beyond the insurance cover (back to the LPs, or to a haircut) meets
//!    the failure target: the tiers are sized to hold the tail they exist for. (Measured
//!    by haircuts alone the smallest caps would always win while the LPs' NAV is large:
//!    every loss the insurance declines falls back on the pool.) At 100% if none does (then
//!    more insurance capital is needed, which the report says).

use std::sync::atomic::Ordering;

use rayon::prelude::*;
use serde::Serialize;

use crate::config::{Config, Kind, WAD};
use crate::engine::{run_paths, spot_path, Counts, Progress};
use alloy_primitives::U256;
use mutual_risk::margin::{liquidation_split, MarginParams};
use mutual_risk::settlement::obligation_asset_up;

use crate::model::{breaches, obligation_units, small, Model, Opt};

/// Paths per chunk of the siloed check.
const SILO_CHUNK: u64 = 256;

/// The capital-efficiency comparison, asset amounts in dollars.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CapitalEfficiency {
    /// The target probability of failing to pay a long in full.
    pub target_failure_probability: f64,
    /// (a) siloed full collateral.
    pub siloed_full: f64,
    /// (b) siloed partial collateral with liquidation.
    pub siloed_margin: f64,
    /// (b)'s margin multiplier.
    pub siloed_margin_multiplier: f64,
    /// (b)'s simulated probability that some position fails, at that multiplier.
    pub siloed_margin_failure_probability: f64,
    /// Whether (b) met the target within its search range.
    pub siloed_margin_met: bool,
    /// (c) the mutualized pool with the insurance tiers, plus the traders' margins.
    pub mutualized: f64,
    /// (c)'s scale of the configured capital.
    pub mutualized_scale: f64,
    /// Of (c): pool NAV, reserve and tranche assets after scaling.
    pub mutualized_pool_and_insurance: f64,
    /// Of (c): the traders' initial margins.
    pub mutualized_trader_margins: f64,
    /// (c)'s simulated probability of a haircut at that scale.
    pub mutualized_failure_probability: f64,
    /// Whether (c) met the target within its search range.
    pub mutualized_met: bool,
    /// (a) / (c).
    pub full_over_mutualized: f64,
    /// (b) / (c).
    pub margin_over_mutualized: f64,
    /// (a) / (b).
    pub full_over_margin: f64,
}

/// One recommended parameter.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Recommended {
    /// Its governance key (hashed with keccak256 by the batch).
    pub key: String,
    /// The configured value, 18 decimals.
    pub current_wad: String,
    /// The recommended value, 18 decimals.
    pub recommended_wad: String,
    /// The probability the step targets, at the recommended value.
    pub probability: f64,
    /// The probability's target.
    pub target: f64,
    /// Whether the target was met on the grid.
    pub met: bool,
    /// What the probability is.
    pub criterion: String,
}

/// The recommendation.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Recommendation {
    /// The parameters, in the order searched.
    pub parameters: Vec<Recommended>,
    /// The probability of a haircut with every recommended value.
    pub failure_probability: f64,
}

fn ratio(count: u64, paths: u64) -> f64 {
    #[allow(clippy::cast_precision_loss, reason = "probabilities")]
    let r = count as f64 / paths.max(1) as f64;
    r
}

fn wad_f64(x: u128) -> f64 {
    #[allow(clippy::cast_precision_loss, reason = "reporting")]
    let r = x as f64 / 1e18;
    r
}

#[allow(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "a positive search factor"
)]
fn f64_wad(x: f64) -> u128 {
    (x * 1e18).round() as u128
}

/// Smallest `x` in `[min, max]`, to a ratio of 1.01, with `pass(x)`: halving or doubling
/// from `start` to a bracket, then geometric bisection. `(max, false)` if even `max` fails.
fn geometric_search(
    start: f64,
    min: f64,
    max: f64,
    pass: &mut impl FnMut(f64) -> bool,
) -> (f64, bool) {
    let (mut lo, mut hi);
    if pass(start) {
        hi = start;
        loop {
            let next = hi / 2.0;
            if next < min {
                if pass(min) {
                    return (min, true);
                }
                lo = min;
                break;
            }
            if pass(next) {
                hi = next;
            } else {
                lo = next;
                break;
            }
        }
    } else {
        lo = start;
        loop {
            let next = lo * 2.0;
            if next > max {
                if pass(max) {
                    hi = max;
                    break;
                }
                return (max, false);
            }
            if pass(next) {
                hi = next;
                break;
            }
            lo = next;
        }
    }
    while hi / lo > 1.01 {
        let mid = (lo * hi).sqrt();
        if pass(mid) {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    (hi, true)
}

/// The smallest index `i` of a monotone grid with `pass(i)`; `(last, false)` if none.
fn grid_search(len: usize, pass: &mut impl FnMut(usize) -> bool) -> (usize, bool) {
    if !pass(len - 1) {
        return (len - 1, false);
    }
    let (mut lo, mut hi) = (None::<usize>, len - 1);
    loop {
        let bottom = lo.map_or(0, |l| l + 1);
        if bottom >= hi {
            return (hi, true);
        }
        let mid = bottom + (hi - bottom) / 2;
        if pass(mid) {
            hi = mid;
        } else {
            lo = Some(mid);
        }
    }
}

/// One written option of the book, alone.
struct Silo {
    opt: Opt,
    expiry: u32,
}

/// A silo margined at some multiplier.
struct MarginedSilo {
    opt: Opt,
    expiry: u32,
    collateral_units: u128,
    initial_units: u128,
    /// Days `1..expiry`: liquidation and failure boundaries.
    liquidation: Vec<(u128, u128)>,
    failure: Vec<(u128, u128)>,
}

fn silos(model: &Model, config: &Config) -> Vec<Silo> {
    let opt = |kind: Kind, strike_wad, amount_wad, vol_wad| Opt {
        is_call: kind == Kind::Call,
        strike_wad,
        amount_wad,
        vol_wad,
    };
    let pool = config.pool_book.iter().filter(|l| l.expiry_days <= model.horizon).map(|l| Silo {
        opt: opt(l.kind, l.strike_wad, l.amount_wad, l.vol_wad),
        expiry: l.expiry_days,
    });
    let legs = config.traders.iter().filter(|t| t.expiry_days <= model.horizon).flat_map(|t| {
        t.legs.iter().map(move |l| Silo {
            opt: opt(l.kind, l.strike_wad, l.amount_wad, l.vol_wad),
            expiry: t.expiry_days,
        })
    });
    pool.chain(legs).collect()
}

fn margin_silos(
    model: &Model,
    silos: &[Silo],
    multiplier_wad: u128,
) -> Result<Vec<MarginedSilo>, String> {
    let params = MarginParams { initial_multiplier_wad: multiplier_wad, ..model.margin };
    silos
        .par_iter()
        .map(|s| {
            let legs = [s.opt];
            let m = model.margined(&legs, s.expiry, &params)?;
            let (collateral_units, initial_units) = (m.collateral_units, m.initial_units);
            // Failing when liquidated: the collateral, less the bounty paid first, does not
            // cover the liability.
            let collateral = U256::from(collateral_units);
            let mut hint = None;
            let failure = (1..s.expiry)
                .map(|d| {
                    let pays = |spot: u128| {
                        model.liability(&legs, spot, s.expiry - d).is_some_and(|l| {
                            liquidation_split(collateral, l, &model.liquidation)
                                .is_ok_and(|x| x.shortfall.is_zero())
                        })
                    };
                    let b = model.healthy_interval(&pays, hint);
                    hint = Some(b);
                    b
                })
                .collect();
            Ok(MarginedSilo {
                opt: s.opt,
                expiry: s.expiry,
                collateral_units,
                initial_units,
                liquidation: m.bounds,
                failure,
            })
        })
        .collect()
}

/// Whether some silo fails on the path `spots`.
fn any_silo_fails(model: &Model, silos: &[MarginedSilo], spots: &[u128]) -> bool {
    silos.iter().any(|s| {
        for day in 1..s.expiry {
            let spot = spots[day as usize - 1];
            if breaches(s.liquidation[day as usize - 1], spot) {
                return breaches(s.failure[day as usize - 1], spot);
            }
        }
        obligation_units(&[s.opt], spots[s.expiry as usize - 1], model.decimals)
            > s.collateral_units
    })
}

fn silo_failures(
    model: &Model,
    silos: &[MarginedSilo],
    seed: u64,
    paths: u64,
    progress: &Progress,
) -> u64 {
    progress.add_total(paths);
    (0..paths.div_ceil(SILO_CHUNK))
        .into_par_iter()
        .map(|c| {
            let mut spots = Vec::with_capacity(model.horizon as usize);
            let end = ((c + 1) * SILO_CHUNK).min(paths);
            let mut fails = 0;
            for index in c * SILO_CHUNK..end {
                spot_path(model, seed, index, &mut spots);
                fails += u64::from(any_silo_fails(model, silos, &spots));
            }
            progress.done.fetch_add(end - c * SILO_CHUNK, Ordering::Relaxed);
            fails
        })
        .sum()
}

fn counts(model: &Model, seed: u64, paths: u64, progress: &Progress) -> Counts {
    progress.add_total(paths);
    let n = model.capital.tranches.len();
    run_paths(model, seed, paths, false, &|| Counts::new(n), progress)
}

fn units_f64(model: &Model, units: u128) -> f64 {
    #[allow(clippy::cast_precision_loss, reason = "reporting")]
    let r = units as f64 / 10f64.powi(i32::from(model.decimals));
    r
}

/// The capital-efficiency comparison.
///
/// # Errors
/// A pricing failure on a line of the book.
pub(crate) fn capital_efficiency(
    model: &Model,
    config: &Config,
    seed: u64,
    paths: u64,
    progress: &Progress,
) -> Result<CapitalEfficiency, String> {
    let target = wad_f64(config.simulation.target_failure_probability_wad);
    let pass = |failures: u64| ratio(failures, paths) <= target;
    let book = silos(model, config);

    // (a) Full collateral: a put by its strike, a call by a unit of the underlying.
    let full_units: u128 = book
        .iter()
        .map(|s| {
            let (spot, strike) =
                if s.opt.is_call { (model.spot_wad, 0) } else { (0, s.opt.strike_wad) };
            obligation_asset_up(spot, strike, s.opt.amount_wad, s.opt.is_call, model.decimals)
                .map_or(u128::MAX, small)
        })
        .fold(0, u128::saturating_add);

    // (b) Siloed margin with liquidation.
    let mut last_b: Option<(u128, f64, u128)> = None;
    let mut error = None;
    let (m_b, met_b) = geometric_search(1.0, 0.01, 64.0, &mut |m| {
        let margined = match margin_silos(model, &book, f64_wad(m)) {
            Ok(x) => x,
            Err(e) => {
                error = Some(e);
                return true;
            }
        };
        let failures = silo_failures(model, &margined, seed, paths, progress);
        let initial: u128 = margined.iter().map(|s| s.initial_units).sum();
        if pass(failures) {
            last_b = Some((f64_wad(m), ratio(failures, paths), initial));
        }
        pass(failures)
    });
    if let Some(e) = error {
        return Err(e);
    }
    let m_b_wad = f64_wad(m_b);
    let (b_units, p_b) = match last_b {
        Some((m, p, initial)) if met_b && m == m_b_wad => (initial, p),
        _ => {
            let margined = margin_silos(model, &book, m_b_wad)?;
            let p = ratio(silo_failures(model, &margined, seed, paths, progress), paths);
            (margined.iter().map(|s| s.initial_units).sum(), p)
        }
    };

    // (c) The mutualized pool, scaled.
    let base = model.capital.clone();
    let mut p_c_at = Vec::<(u128, f64)>::new();
    let (k, met_c) = geometric_search(1.0, 1.0 / 4096.0, 4096.0, &mut |k| {
        let scaled = base.scaled(f64_wad(k), model.fee_units, model.fee_weights);
        let c = counts(&model.with_capital(scaled), seed, paths, progress);
        p_c_at.push((f64_wad(k), ratio(c.failures, paths)));
        pass(c.failures)
    });
    let k_wad = f64_wad(k);
    let scaled = base.scaled(k_wad, model.fee_units, model.fee_weights);
    let p_c = match p_c_at.iter().find(|(x, _)| *x == k_wad) {
        Some((_, p)) => *p,
        None => ratio(
            counts(&model.with_capital(scaled.clone()), seed, paths, progress).failures,
            paths,
        ),
    };
    let trader_margins: u128 = model.traders.iter().map(|t| t.margined.initial_units).sum();
    let pool_units = scaled.total_units();
    let c_units = pool_units + trader_margins;

    let (a, b, c) =
        (units_f64(model, full_units), units_f64(model, b_units), units_f64(model, c_units));
    Ok(CapitalEfficiency {
        target_failure_probability: target,
        siloed_full: a,
        siloed_margin: b,
        siloed_margin_multiplier: wad_f64(m_b_wad),
        siloed_margin_failure_probability: p_b,
        siloed_margin_met: met_b,
        mutualized: c,
        mutualized_scale: wad_f64(k_wad),
        mutualized_pool_and_insurance: units_f64(model, pool_units),
        mutualized_trader_margins: units_f64(model, trader_margins),
        mutualized_failure_probability: p_c,
        mutualized_met: met_c,
        full_over_mutualized: a / c,
        margin_over_mutualized: b / c,
        full_over_margin: a / b,
    })
}

/// The `--recommend` search.
///
/// # Errors
/// A pricing failure while re-margining the traders.
#[allow(clippy::too_many_lines, reason = "three searches in sequence")]
pub(crate) fn recommend(
    model: &Model,
    config: &Config,
    seed: u64,
    paths: u64,
    progress: &Progress,
) -> Result<(Recommendation, Model), String> {
    let target = wad_f64(config.simulation.target_failure_probability_wad);
    let attachment = wad_f64(config.simulation.insurance_attachment_probability_wad);
    let underlying = &config.market.underlying;
    let mut parameters = Vec::new();

    // 1. Margin multiplier.
    let grid: Vec<u128> = (10..=100).map(|i| i * WAD / 20).collect();
    let mut error = None;
    let mut probability_at = std::collections::BTreeMap::new();
    let (i, met) =
        grid_search(grid.len(), &mut |i| match model.with_margin_multiplier(config, grid[i]) {
            Ok(m) => {
                let c = counts(&m, seed, paths, progress);
                probability_at.insert(i, ratio(c.defaults, paths));
                ratio(c.defaults, paths) <= target
            }
            Err(e) => {
                error = Some(e);
                true
            }
        });
    if let Some(e) = error {
        return Err(e);
    }
    let multiplier = grid[i];
    let mut current = model.with_margin_multiplier(config, multiplier)?;
    parameters.push(Recommended {
        key: format!("market.{underlying}.marginMultiplierWad"),
        current_wad: config.governance.margin_multiplier_wad.to_string(),
        recommended_wad: multiplier.to_string(),
        probability: probability_at.get(&i).copied().unwrap_or(0.0),
        target,
        met,
        criterion: "P(a trader's obligation exceeds its collateral)".to_owned(),
    });

    // 2. Retention.
    let caps: Vec<u128> = current.capital.tranches.iter().map(|t| t.cap_wad).collect();
    let grid: Vec<u128> = (0..=200).map(|i| i * WAD / 200).collect();
    let mut probability_at = std::collections::BTreeMap::new();
    let (i, met) = grid_search(grid.len(), &mut |i| {
        let m = current.with_capital(current.capital.with_parameters(grid[i], &caps));
        let c = counts(&m, seed, paths, progress);
        probability_at.insert(i, ratio(c.attached, paths));
        ratio(c.attached, paths) <= attachment
    });
    let retention = grid[i];
    current = current.with_capital(current.capital.with_parameters(retention, &caps));
    parameters.push(Recommended {
        key: "vault.retentionWad".to_owned(),
        current_wad: config.governance.retention_wad.to_string(),
        recommended_wad: retention.to_string(),
        probability: probability_at.get(&i).copied().unwrap_or(0.0),
        target: attachment,
        met,
        criterion: "P(a pool tail loss reaches the insurance)".to_owned(),
    });

    // 3. Tranche caps, junior first, the later ones as configured while searching.
    let n = current.capital.tranches.len();
    // The tranches not yet searched keep their configured caps.
    let mut chosen: Vec<u128> = current.capital.tranches.iter().map(|t| t.cap_wad).collect();
    let grid: Vec<u128> = (1..=20).map(|i| i * WAD / 20).collect();
    for t in 0..n {
        let mut probability_at = std::collections::BTreeMap::new();
        let (i, met) = grid_search(grid.len(), &mut |i| {
            let mut caps = chosen.clone();
            caps[t] = grid[i];
            let m = current.with_capital(current.capital.with_parameters(retention, &caps));
            let c = counts(&m, seed, paths, progress);
            probability_at.insert(i, ratio(c.beyond_cover, paths));
            ratio(c.beyond_cover, paths) <= target
        });
        chosen[t] = grid[i];
        parameters.push(Recommended {
            key: format!("insurance.tranche.{t}.capWad"),
            current_wad: config.tranches[t].cap_wad.to_string(),
            recommended_wad: grid[i].to_string(),
            probability: probability_at.get(&i).copied().unwrap_or(0.0),
            target,
            met,
            criterion: "P(a pool tail loss goes beyond the insurance cover)".to_owned(),
        });
    }
    current = current.with_capital(current.capital.with_parameters(retention, &chosen));
    let failure_probability = ratio(counts(&current, seed, paths, progress).failures, paths);
    Ok((Recommendation { parameters, failure_probability }, current))
}
