//! The path-independent part of a simulation, computed once from a [`Config`]: premiums,
//! fees and their split, margin requirements, the liquidation boundaries of every trader
//! on every day, and the stressed loss of the open pool book at the coverage checkpoints
//! (computed lazily, per spot node, once).
//!
//! Every amount the contracts compute is computed here by the same pure-crate function:
//! premiums by `trade::premium_asset_up` (the pool's sales) and `premium_asset_down` (the
//! traders' sales), fees by `trade::fees_asset_up` with the utilization fee of
//! `trade::utilization_wad_up` and `utilization_fee_rate_wad_up`, margin requirements and
//! health by `margin::requirement_asset_up`, liquidations by `margin::liquidation_split`,
//! settlement by `settlement::payout_asset_down` (what holders are paid) and
//! `obligation_asset_up` (what writers owe), the fee split by
//! `waterfall::split_largest_remainder`. Floats appear only in the step parameters of the
//! spot process and in the bisection's midpoints.

use std::sync::{Arc, OnceLock};

use alloy_primitives::U256;
use mutual_risk::black_scholes::{
    prices, years_wad_from_seconds_down, Inputs, SPOT_STRIKE_MAX_WAD,
};
use mutual_risk::fixed::mul_div_down;
use mutual_risk::margin::{
    liability_asset_up, requirement_asset_up, LiquidationParams, MarginParams, Requirement,
};
use mutual_risk::settlement::{intrinsic_wad, obligation_asset_up, payout_asset_down};
use mutual_risk::stress::{Grid, Position};
use mutual_risk::trade::{
    fees_asset_up, premium_asset_down, premium_asset_up, utilization_fee_rate_wad_up,
    utilization_wad_up, FeeCurve, FeeSchedule,
};
use mutual_risk::waterfall::split_largest_remainder;

use crate::config::{Config, Kind, MAX_LEGS, WAD};

/// Seconds in a day.
const DAY_SECONDS: u64 = 86_400;
/// Ratio between neighbouring spot nodes of the coverage cache: 0.5%.
pub(crate) const NODE_RATIO: f64 = 1.005;
/// Nodes each side of today's spot: `1.005^1400` is about `e^7`.
const NODE_HALF_RANGE: i32 = 1_400;
/// How far the boundary searches look: spot divided or multiplied by 1,000.
const SEARCH_FACTOR: u128 = 1_000;
/// The first step away from the previous day's boundary when bracketing today's: 1/64.
const HINT_STEP_SHIFT: u32 = 6;
/// A boundary is found to a relative `2^-BOUNDARY_PRECISION` of the spot.
const BOUNDARY_PRECISION: u32 = 26;
/// Margin parameters that make a requirement's `liability + initial` the stressed
/// requirement of a book with no buffer: what the pool must keep against its own book.
const STRESS_ONLY: MarginParams =
    MarginParams { initial_multiplier_wad: WAD, maintenance_fraction_wad: 0 };

/// One option line: written amount at a strike (calls or puts).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Opt {
    pub(crate) is_call: bool,
    pub(crate) strike_wad: u128,
    pub(crate) amount_wad: u128,
    pub(crate) vol_wad: u128,
}

/// The pool's written options of one expiry and the premium held for them.
#[derive(Clone, Debug)]
pub(crate) struct Expiry {
    pub(crate) day: u32,
    pub(crate) lines: Vec<Opt>,
    pub(crate) premium_units: u128,
}

/// A trader short with margin, with its liquidation boundaries.
#[derive(Clone, Debug)]
pub(crate) struct TraderModel {
    pub(crate) expiry: u32,
    pub(crate) legs: Vec<Opt>,
    /// Its collateral (the premium received plus the initial margin), initial margin and
    /// healthy intervals.
    pub(crate) margined: Margined,
}

/// A margined position: its collateral, initial margin and daily healthy intervals.
#[derive(Clone, Debug)]
pub(crate) struct Margined {
    /// The least collateral that meets the initial requirement today.
    pub(crate) collateral_units: u128,
    /// The initial margin alone.
    pub(crate) initial_units: u128,
    /// For days `1..expiry`: liquidation when the spot is below `.0` or above `.1`.
    pub(crate) bounds: Vec<(u128, u128)>,
}

/// One insurance tranche's balance and parameters.
#[derive(Clone, Debug)]
pub(crate) struct TrancheState {
    pub(crate) assets_units: u128,
    pub(crate) min_balance_units: u128,
    pub(crate) cap_wad: u128,
    pub(crate) income_weight: u64,
}

/// Capital and the parameters that only move money: what the searches vary.
#[derive(Clone, Debug)]
pub(crate) struct Capital {
    pub(crate) nav_units: u128,
    pub(crate) reserve_units: u128,
    pub(crate) tranches: Vec<TrancheState>,
    pub(crate) retention_wad: u128,
    /// The LPs' share of the fees, paid at the start.
    pub(crate) lp_fee_units: u128,
    /// Each tranche's share of the fees.
    pub(crate) tranche_income_units: Vec<u128>,
    /// The treasury's share (reported only).
    pub(crate) treasury_fee_units: u128,
}

/// A coverage checkpoint: the open pool book on that day and a cache of its stressed loss
/// (asset units) per spot node.
#[derive(Debug)]
pub(crate) struct Checkpoint {
    pub(crate) day: u32,
    book: Vec<Position>,
    nodes: Vec<OnceLock<Option<u128>>>,
}

/// Parameters of one daily step of the spot's log.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Steps {
    pub(crate) drift: f64,
    pub(crate) vol: f64,
    pub(crate) jump_rate: f64,
    pub(crate) jump_mean: f64,
    pub(crate) jump_vol: f64,
}

/// Everything a path needs.
#[derive(Clone, Debug)]
pub(crate) struct Model {
    pub(crate) spot_wad: u128,
    pub(crate) spot: f64,
    pub(crate) rate_wad: u128,
    pub(crate) horizon: u32,
    pub(crate) decimals: u8,
    pub(crate) steps: Steps,
    pub(crate) expiries: Arc<Vec<Expiry>>,
    pub(crate) traders: Arc<Vec<TraderModel>>,
    pub(crate) capital: Capital,
    pub(crate) checkpoints: Arc<Vec<Checkpoint>>,
    pub(crate) grid_spot: Arc<Vec<u128>>,
    pub(crate) grid_vol: Arc<Vec<u128>>,
    /// The traders' margin parameters (the multiplier is what the searches vary).
    pub(crate) margin: MarginParams,
    /// The liquidation penalty, bounty share and minimum bounty.
    pub(crate) liquidation: LiquidationParams,
    /// Total fees of every trade at the start, asset units.
    pub(crate) fee_units: u128,
    /// Fee weights: LPs, insurance, treasury.
    pub(crate) fee_weights: [u64; 3],
}

/// `days` as years for the pricer (rounded down).
pub(crate) fn years(days: u32) -> u128 {
    years_wad_from_seconds_down(u64::from(days) * DAY_SECONDS)
}

/// An asset amount from the pure crate as a `u128`, saturating.
pub(crate) fn small(x: U256) -> u128 {
    u128::try_from(x).unwrap_or(u128::MAX)
}

impl Model {
    /// The model of `config`.
    ///
    /// # Errors
    /// A pricing input outside the pure crate's domain, naming the line.
    pub(crate) fn new(config: &Config) -> Result<Self, String> {
        let horizon = config.horizon_days();
        let decimals = config.market.asset_decimals;
        let spot_wad = config.market.spot_wad;
        let rate_wad = config.market.rate_wad;
        let grid_spot = Arc::new(config.governance.stress_spot_factors_wad.clone());
        let grid_vol = Arc::new(config.governance.stress_vol_factors_wad.clone());
        let grid = Grid { spot_factors_wad: &grid_spot, vol_factors_wad: &grid_vol };
        let (expiries, pool_fees) = pool_sales(config, &grid)?;
        let fee_units = pool_fees.saturating_add(trader_sale_fees(config)?);

        let steps = steps_of(config);
        let checkpoints =
            config.checkpoints().into_iter().map(|day| Checkpoint::new(day, &expiries)).collect();
        let tranches = config
            .tranches
            .iter()
            .map(|t| TrancheState {
                assets_units: t.assets_units,
                min_balance_units: t.min_balance_units,
                cap_wad: t.cap_wad,
                income_weight: t.income_weight,
            })
            .collect();
        let g = &config.governance;
        let fee_weights = [g.lp_fee_weight, g.insurance_fee_weight, g.treasury_fee_weight];
        let capital = Capital::new(
            config.pool.nav_units,
            config.market.reserve_units,
            tranches,
            g.retention_wad,
            fee_units,
            fee_weights,
        );
        let mut model = Self {
            spot_wad,
            #[allow(clippy::cast_precision_loss, reason = "the float spot only shapes paths")]
            spot: spot_wad as f64 / 1e18,
            rate_wad,
            horizon,
            decimals,
            steps,
            expiries: Arc::new(expiries),
            traders: Arc::new(Vec::new()),
            capital,
            checkpoints: Arc::new(checkpoints),
            grid_spot,
            grid_vol,
            margin: MarginParams {
                initial_multiplier_wad: g.margin_multiplier_wad,
                maintenance_fraction_wad: g.maintenance_fraction_wad,
            },
            liquidation: LiquidationParams {
                penalty_rate_wad: g.liquidation_penalty_wad,
                bounty_share_wad: g.liquidation_bounty_share_wad,
                min_bounty: U256::from(g.min_liquidation_bounty_units),
            },
            fee_units,
            fee_weights,
        };
        model.traders = Arc::new(model.build_traders(config)?);
        Ok(model)
    }

    /// The same model with every trader margined at `multiplier_wad`.
    pub(crate) fn with_margin_multiplier(
        &self,
        config: &Config,
        multiplier_wad: u128,
    ) -> Result<Self, String> {
        let mut m = self.clone();
        m.margin.initial_multiplier_wad = multiplier_wad;
        m.traders = Arc::new(m.build_traders(config)?);
        Ok(m)
    }

    /// The same model with other capital.
    pub(crate) fn with_capital(&self, capital: Capital) -> Self {
        let mut m = self.clone();
        m.capital = capital;
        m
    }

    fn grid(&self) -> Grid<'_> {
        Grid { spot_factors_wad: &self.grid_spot, vol_factors_wad: &self.grid_vol }
    }

    /// The margin requirement of `legs` (written) at `spot_wad` with `days_left` to expiry,
    /// under `params`: `margin::requirement_asset_up`, as the contract computes it.
    pub(crate) fn requirement(
        &self,
        legs: &[Opt],
        spot_wad: u128,
        days_left: u32,
        params: &MarginParams,
    ) -> Result<Requirement, String> {
        self.requirement_over(legs, spot_wad, days_left, &self.grid(), params)
            .map_err(|e| format!("margin requirement: {e}"))
    }

    /// What closing `legs` (written) at the mark costs at `spot_wad` with `days_left` to
    /// expiry, asset units: `margin::liability_asset_up`, the liability of
    /// `margin::requirement_asset_up` without the stress grid.
    pub(crate) fn liability(&self, legs: &[Opt], spot_wad: u128, days_left: u32) -> Option<U256> {
        let (book, n) = book_of(legs, days_left);
        liability_asset_up(spot_wad, self.rate_wad, &book[..n], self.decimals).ok()
    }

    /// `margin::requirement_asset_up` of `legs` (at most [`MAX_LEGS`], written) over `grid`.
    fn requirement_over(
        &self,
        legs: &[Opt],
        spot_wad: u128,
        days_left: u32,
        grid: &Grid<'_>,
        params: &MarginParams,
    ) -> Result<Requirement, mutual_risk::MathError> {
        let (book, n) = book_of(legs, days_left);
        requirement_asset_up(spot_wad, self.rate_wad, &book[..n], grid, params, self.decimals)
    }

    /// The margined position of `legs` (written, expiring on day `expiry`) under
    /// `params`: the least collateral that meets the initial requirement today, the
    /// initial margin, and for each day `1..expiry` the healthy interval of spot
    /// (`Requirement::health` of that collateral at that day's spot and time to expiry).
    pub(crate) fn margined(
        &self,
        legs: &[Opt],
        expiry: u32,
        params: &MarginParams,
    ) -> Result<Margined, String> {
        let today = self.requirement(legs, self.spot_wad, expiry, params)?;
        let need = today.liability.saturating_add(today.initial);
        debug_assert!(today.meets_initial(need));
        let collateral = U256::from(small(need));
        let mut hint = None;
        let bounds = (1..expiry)
            .map(|day| {
                let healthy = |s: u128| {
                    self.requirement(legs, s, expiry - day, params)
                        .is_ok_and(|r| r.health(collateral).0)
                };
                let b = self.healthy_interval(&healthy, hint);
                hint = Some(b);
                b
            })
            .collect();
        Ok(Margined { collateral_units: small(need), initial_units: small(today.initial), bounds })
    }

    /// Collateral and liquidation boundaries of every trader, margined at
    /// `self.margin`.
    fn build_traders(&self, config: &Config) -> Result<Vec<TraderModel>, String> {
        use rayon::prelude::*;
        config
            .traders
            .par_iter()
            .enumerate()
            .filter(|(_, t)| t.expiry_days <= self.horizon)
            .map(|(i, t)| {
                let legs = legs_of(t);
                let m = self
                    .margined(&legs, t.expiry_days, &self.margin)
                    .map_err(|e| format!("traders[{i}] {:?}: {e}", t.name))?;
                Ok(TraderModel { expiry: t.expiry_days, legs, margined: m })
            })
            .collect()
    }

    /// The interval of spots where `healthy` holds: `(lo, hi)`, with `lo = 0` /
    /// `hi = u128::MAX` when no spot within a factor 1,000 of today's fails on that side,
    /// and `(u128::MAX, 0)` (always failing) when today's spot already fails. Each end is
    /// found by geometric bisection from today's spot outwards, to a relative
    /// `2^-26`, starting from a bracket around `hint` (the previous day's interval) when
    /// given. The set is assumed to be an interval: the cost of closing written calls and
    /// puts is convex in the spot, and so, in practice, is their stressed requirement.
    pub(crate) fn healthy_interval(
        &self,
        healthy: &impl Fn(u128) -> bool,
        hint: Option<(u128, u128)>,
    ) -> (u128, u128) {
        let s0 = self.spot_wad;
        if !healthy(s0) {
            return (u128::MAX, 0);
        }
        let far_up = s0.saturating_mul(SEARCH_FACTOR).min(SPOT_STRIKE_MAX_WAD);
        let far_down = (s0 / SEARCH_FACTOR).max(1);
        let (hint_lo, hint_hi) = hint.unwrap_or((0, u128::MAX));
        let hi = edge(healthy, s0, far_up, hint_hi);
        let lo = edge(healthy, s0, far_down, hint_lo);
        (lo, hi)
    }

    /// The stressed loss of the open pool book at checkpoint `c` and a spot near
    /// `spot_wad` (the nearest node of a 0.5% geometric grid around today's spot), asset
    /// units: the initial margin of `margin::requirement_asset_up` at a multiplier of 1;
    /// `None` if no scenario loses or the pricer refuses the node.
    pub(crate) fn stressed_loss_at(&self, c: usize, spot: f64) -> Option<u128> {
        let cp = &self.checkpoints[c];
        #[allow(clippy::cast_possible_truncation, reason = "clamped to the node range")]
        let index = ((spot / self.spot).ln() / NODE_RATIO.ln())
            .round()
            .clamp(-f64::from(NODE_HALF_RANGE), f64::from(NODE_HALF_RANGE))
            as i32;
        let slot = usize::try_from(index + NODE_HALF_RANGE).unwrap_or(0);
        *cp.nodes[slot].get_or_init(|| {
            let node_spot = if index == 0 {
                self.spot_wad
            } else {
                float_to_wad(self.spot * NODE_RATIO.powi(index))
            };
            let r = requirement_asset_up(
                node_spot,
                self.rate_wad,
                &cp.book,
                &self.grid(),
                &STRESS_ONLY,
                self.decimals,
            )
            .ok()?;
            let units = small(r.initial);
            (units > 0).then_some(units)
        })
    }
}

/// The pool's book, per expiry within the horizon, sold in the config's order: each sale's
/// premium rounded up (`trade::premium_asset_up`), its fees (`trade::fees_asset_up`) at the
/// utilization the pool has after it (`trade::utilization_wad_up` of the book's stressed
/// requirement, mark plus worst loss over the grid, over the NAV), as `OptionsMarket`
/// prices a purchase. Returns the expiries and the fees.
fn pool_sales(config: &Config, grid: &Grid<'_>) -> Result<(Vec<Expiry>, u128), String> {
    let horizon = config.horizon_days();
    let decimals = config.market.asset_decimals;
    let (spot_wad, rate_wad) = (config.market.spot_wad, config.market.rate_wad);
    let f = &config.market.fees;
    let curve = FeeCurve {
        base_wad: f.utilization_base_wad,
        kink_wad: f.utilization_kink_wad,
        slope_below_wad: f.utilization_slope_below_wad,
        slope_above_wad: f.utilization_slope_above_wad,
    };
    let nav = U256::from(config.pool.nav_units);
    let mut fee_units: u128 = 0;
    let mut expiries: Vec<Expiry> = Vec::new();
    let mut sold: Vec<Position> = Vec::new();
    for (i, l) in config.pool_book.iter().enumerate() {
        if l.expiry_days > horizon {
            continue;
        }
        let at = |e: String| format!("pool_book[{i}]: {e}");
        let opt = Opt {
            is_call: l.kind == Kind::Call,
            strike_wad: l.strike_wad,
            amount_wad: l.amount_wad,
            vol_wad: l.vol_wad,
        };
        let t = years(l.expiry_days);
        let price = price_wad(&opt, spot_wad, t, rate_wad).map_err(at)?;
        let premium = small(
            premium_asset_up(price, opt.amount_wad, decimals).map_err(|e| at(e.to_string()))?,
        );
        sold.push(position(&opt, t));
        let required =
            requirement_asset_up(spot_wad, rate_wad, &sold, grid, &STRESS_ONLY, decimals)
                .map_err(|e| at(format!("stress grid: {e}")))?;
        let utilization =
            utilization_wad_up(required.liability.saturating_add(required.initial), nav)
                .map_err(|e| at(e.to_string()))?;
        let schedule = FeeSchedule {
            spread_rate_wad: f.spread_rate_wad,
            spread_cap_of_premium_wad: f.spread_cap_wad,
            utilization_rate_wad: utilization_fee_rate_wad_up(utilization, &curve)
                .map_err(|e| at(format!("utilization fee: {e}")))?,
        };
        let fees =
            fees_asset_up(spot_wad, opt.amount_wad, U256::from(premium), &schedule, decimals)
                .map_err(|e| at(format!("fees: {e}")))?;
        fee_units = fee_units.saturating_add(small(fees.total));
        match expiries.iter_mut().find(|e| e.day == l.expiry_days) {
            Some(e) => {
                e.lines.push(opt);
                e.premium_units += premium;
            }
            None => expiries.push(Expiry {
                day: l.expiry_days,
                lines: vec![opt],
                premium_units: premium,
            }),
        }
    }
    expiries.sort_by_key(|e| e.day);

    Ok((expiries, fee_units))
}

/// The fees of the traders' sales to the pool: the premium rounded down
/// (`trade::premium_asset_down`), the spread fee alone (no utilization fee on a sale) and
/// never more than the premium, as `OptionsMarket` prices a sale.
fn trader_sale_fees(config: &Config) -> Result<u128, String> {
    let horizon = config.horizon_days();
    let decimals = config.market.asset_decimals;
    let (spot_wad, rate_wad) = (config.market.spot_wad, config.market.rate_wad);
    let f = &config.market.fees;
    let mut fee_units: u128 = 0;
    let sale = FeeSchedule {
        spread_rate_wad: f.spread_rate_wad,
        spread_cap_of_premium_wad: f.spread_cap_wad,
        utilization_rate_wad: 0,
    };
    for (i, t) in config.traders.iter().enumerate() {
        if t.expiry_days > horizon {
            continue;
        }
        for (j, leg) in legs_of(t).iter().enumerate() {
            let at = |e: String| format!("traders[{i}].legs[{j}]: {e}");
            let price = price_wad(leg, spot_wad, years(t.expiry_days), rate_wad).map_err(at)?;
            let premium = premium_asset_down(price, leg.amount_wad, decimals)
                .map_err(|e| at(e.to_string()))?;
            let fees = fees_asset_up(spot_wad, leg.amount_wad, premium, &sale, decimals)
                .map_err(|e| at(format!("fees: {e}")))?;
            fee_units = fee_units.saturating_add(small(fees.total.min(premium)));
        }
    }

    Ok(fee_units)
}

/// One end of a healthy interval: the last healthy point on the way from `from` (healthy)
/// to `far`, or the sentinel for "none" (`0` below, `u128::MAX` above) if `far` is healthy.
/// `hint` (the previous day's end, or the sentinel) brackets the search when it lies
/// strictly between: the first steps go out from it by `2^-6`, `2^-5`, ... of the spot.
fn edge(healthy: &impl Fn(u128) -> bool, from: u128, far: u128, hint: u128) -> u128 {
    let up = far > from;
    let none = if up { u128::MAX } else { 0 };
    let inside = |x: u128| if up { x > from && x < far } else { x < from && x > far };
    let (mut good, mut bad) = (from, far);
    if inside(hint) {
        // Walk out from the hint, doubling the step, until the two sides are bracketed.
        let (mut g, mut b) = if healthy(hint) { (hint, far) } else { (from, hint) };
        let moving_out = g == hint;
        let mut shift = HINT_STEP_SHIFT;
        loop {
            let base = if moving_out { g } else { b };
            let step = (base >> shift).max(1);
            let probe =
                if up == moving_out { base.saturating_add(step) } else { base - step.min(base) };
            if !inside(probe) || shift == 0 {
                break;
            }
            if healthy(probe) {
                g = probe;
                if !moving_out {
                    break;
                }
            } else {
                b = probe;
                if moving_out {
                    break;
                }
            }
            shift -= 1;
        }
        (good, bad) = (g, b);
    }
    if bad == far && healthy(far) {
        return none;
    }
    boundary(healthy, good, bad)
}

/// The last point on the way from `from` (healthy) to `to` (not) that is healthy, to a
/// relative `2^-26`: geometric bisection.
fn boundary(healthy: &impl Fn(u128) -> bool, from: u128, to: u128) -> u128 {
    let (mut good, mut bad) = (from, to);
    loop {
        let gap = good.abs_diff(bad);
        if gap <= 1 || gap <= good.min(bad) >> BOUNDARY_PRECISION {
            return good;
        }
        #[allow(clippy::cast_precision_loss, reason = "a bisection midpoint")]
        let mid = float_to_wad((good as f64 * bad as f64).sqrt() / 1e18)
            .clamp(good.min(bad) + 1, good.max(bad) - 1);
        if healthy(mid) {
            good = mid;
        } else {
            bad = mid;
        }
    }
}

/// A float dollar amount as an 18-decimal integer within the pricer's range.
#[allow(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    clippy::cast_precision_loss,
    reason = "the path's float spot, clamped to the pricer's range, becomes an integer once"
)]
pub(crate) fn float_to_wad(x: f64) -> u128 {
    let v = x * 1e18;
    if !v.is_finite() || v >= SPOT_STRIKE_MAX_WAD as f64 {
        return SPOT_STRIKE_MAX_WAD;
    }
    (v as u128).max(1)
}

fn legs_of(t: &crate::config::Trader) -> Vec<Opt> {
    t.legs
        .iter()
        .map(|l| Opt {
            is_call: l.kind == Kind::Call,
            strike_wad: l.strike_wad,
            amount_wad: l.amount_wad,
            vol_wad: l.vol_wad,
        })
        .collect()
}

/// `legs` (at most [`MAX_LEGS`] of them, written) with `days_left` to expiry as the pure
/// crate's book lines, in a fixed array: the book is `book[..n]`.
fn book_of(legs: &[Opt], days_left: u32) -> ([Position; MAX_LEGS], usize) {
    let t = years(days_left);
    let mut book = [Position {
        strike_wad: 0,
        t_years_wad: 0,
        vol_wad: 0,
        call_amount_wad: 0,
        put_amount_wad: 0,
    }; MAX_LEGS];
    let n = legs.len().min(MAX_LEGS);
    for (p, l) in book.iter_mut().zip(&legs[..n]) {
        *p = position(l, t);
    }
    (book, n)
}

/// A written line as a stress-grid position (negative amounts: written).
fn position(l: &Opt, t_years_wad: u128) -> Position {
    let amount = -i128::try_from(l.amount_wad).unwrap_or(i128::MAX);
    Position {
        strike_wad: l.strike_wad,
        t_years_wad,
        vol_wad: l.vol_wad,
        call_amount_wad: if l.is_call { amount } else { 0 },
        put_amount_wad: if l.is_call { 0 } else { amount },
    }
}

/// The Black-Scholes price of one option of `l` at `spot_wad`, `t_years_wad` to expiry.
fn price_wad(l: &Opt, spot_wad: u128, t_years_wad: u128, rate_wad: u128) -> Result<u128, String> {
    let p = prices(&Inputs {
        spot_wad,
        strike_wad: l.strike_wad,
        t_years_wad,
        vol_wad: l.vol_wad,
        rate_wad,
    })
    .map_err(|e| format!("pricing: {e}"))?;
    Ok(if l.is_call { p.call_wad } else { p.put_wad })
}

/// What `l` pays its holders settled at `spot_wad`, asset units, rounded down
/// (`settlement::payout_asset_down`).
pub(crate) fn payout_units(l: &Opt, spot_wad: u128, decimals: u8) -> u128 {
    if intrinsic_wad(spot_wad, l.strike_wad, l.is_call) == 0 {
        return 0; // out of the money: skip the 512-bit division
    }
    // `decimals <= 18` is validated: the call cannot fail.
    payout_asset_down(spot_wad, l.strike_wad, l.amount_wad, l.is_call, decimals).map_or(0, small)
}

/// What the writer of `legs` owes settled at `spot_wad`, asset units, each leg rounded up
/// (`settlement::obligation_asset_up`).
pub(crate) fn obligation_units(legs: &[Opt], spot_wad: u128, decimals: u8) -> u128 {
    legs.iter()
        .filter(|l| intrinsic_wad(spot_wad, l.strike_wad, l.is_call) > 0)
        .map(|l| {
            obligation_asset_up(spot_wad, l.strike_wad, l.amount_wad, l.is_call, decimals)
                .map_or(u128::MAX, small)
        })
        .fold(0, u128::saturating_add)
}

impl Capital {
    /// Capital with the fees split: `[LPs, insurance, treasury]` by `weights`
    /// (largest remainder), the insurance part over the tranches by
    /// `income_weight x assets` (largest remainder; to the treasury if no tranche is
    /// funded), as the contracts split them.
    pub(crate) fn new(
        nav_units: u128,
        reserve_units: u128,
        tranches: Vec<TrancheState>,
        retention_wad: u128,
        fee_units: u128,
        weights: [u64; 3],
    ) -> Self {
        let mut parts = [U256::ZERO; 3];
        let w = weights.map(U256::from);
        // The weights are validated not all zero: the split cannot fail.
        split_largest_remainder(U256::from(fee_units), &w, &mut parts)
            .expect("fee weights are validated non-zero");
        let [lp, insurance, treasury] = parts.map(|p| u128::try_from(p).unwrap_or(u128::MAX));
        let weights: Vec<U256> = tranches
            .iter()
            .map(|t| U256::from(t.income_weight) * U256::from(t.assets_units))
            .collect();
        let mut income = vec![U256::ZERO; tranches.len()];
        let mut treasury_fee_units = treasury;
        if split_largest_remainder(U256::from(insurance), &weights, &mut income).is_err() {
            treasury_fee_units += insurance;
        }
        Self {
            nav_units,
            reserve_units,
            tranches,
            retention_wad,
            lp_fee_units: lp,
            tranche_income_units: income
                .into_iter()
                .map(|u| u128::try_from(u).unwrap_or(u128::MAX))
                .collect(),
            treasury_fee_units,
        }
    }

    /// The same capital with every balance (NAV, reserve, tranche assets and minimum
    /// balances) multiplied by `scale_wad`, rounded down; fees re-split.
    pub(crate) fn scaled(&self, scale_wad: u128, fee_units: u128, weights: [u64; 3]) -> Self {
        let s = |x: u128| {
            mul_div_down(U256::from(x), U256::from(scale_wad), U256::from(WAD))
                .map_or(u128::MAX, |v| u128::try_from(v).unwrap_or(u128::MAX))
        };
        let tranches = self
            .tranches
            .iter()
            .map(|t| TrancheState {
                assets_units: s(t.assets_units),
                min_balance_units: s(t.min_balance_units),
                ..t.clone()
            })
            .collect();
        Self::new(
            s(self.nav_units),
            s(self.reserve_units),
            tranches,
            self.retention_wad,
            fee_units,
            weights,
        )
    }

    /// Capital as configured except the retention and the tranche caps.
    pub(crate) fn with_parameters(&self, retention_wad: u128, caps_wad: &[u128]) -> Self {
        let mut c = self.clone();
        c.retention_wad = retention_wad;
        for (t, cap) in c.tranches.iter_mut().zip(caps_wad) {
            t.cap_wad = *cap;
        }
        c
    }

    /// NAV, reserve and tranche assets.
    pub(crate) fn total_units(&self) -> u128 {
        self.nav_units
            + self.reserve_units
            + self.tranches.iter().map(|t| t.assets_units).sum::<u128>()
    }
}

impl Checkpoint {
    fn new(day: u32, expiries: &[Expiry]) -> Self {
        let book = expiries
            .iter()
            .filter(|e| e.day > day)
            .flat_map(|e| e.lines.iter().map(move |l| position(l, years(e.day - day))))
            .collect();
        let nodes = (0..=2 * NODE_HALF_RANGE).map(|_| OnceLock::new()).collect();
        Self { day, book, nodes }
    }
}

fn steps_of(config: &Config) -> Steps {
    #[allow(clippy::cast_precision_loss, reason = "the spot process is float by design")]
    let f = |x: i128| x as f64 / 1e18;
    let d = &config.dynamics;
    let dt = 1.0 / 365.0;
    let vol = f(i128::try_from(d.volatility_wad).unwrap_or(0));
    let lambda = f(i128::try_from(d.jump_intensity_wad).unwrap_or(0));
    let (jm, jv) = (f(d.jump_mean_wad), f(i128::try_from(d.jump_volatility_wad).unwrap_or(0)));
    let kappa = (jm + jv * jv / 2.0).exp() - 1.0;
    Steps {
        drift: (f(d.drift_wad) - vol * vol / 2.0 - lambda * kappa) * dt,
        vol: vol * dt.sqrt(),
        jump_rate: lambda * dt,
        jump_mean: jm,
        jump_vol: jv,
    }
}

/// Whether a spot breaches a trader's boundaries.
pub(crate) fn breaches(bounds: (u128, u128), spot_wad: u128) -> bool {
    spot_wad < bounds.0 || spot_wad > bounds.1
}

/// `mul_div_down` on `u128`s, saturating.
pub(crate) fn mul_wad_down(x: u128, y_wad: u128) -> u128 {
    mul_div_down(U256::from(x), U256::from(y_wad), U256::from(WAD))
        .map_or(u128::MAX, |v| u128::try_from(v).unwrap_or(u128::MAX))
}

#[cfg(test)]
mod tests {
    use mutual_risk::margin::requirement_asset_up;

    use super::*;

    /// Every trader of the example posts exactly the least collateral that meets the
    /// initial requirement, and each day's healthy interval is where
    /// `Requirement::health` of that collateral is non-negative: healthy at both ends,
    /// unhealthy just beyond them.
    #[test]
    fn trader_bounds_are_the_shared_requirement_s_health() {
        let config = Config::example();
        let model = Model::new(&config).unwrap();
        let beyond = |x: u128, up: bool| {
            let step = (x >> (BOUNDARY_PRECISION - 2)).max(1);
            if up {
                x + step
            } else {
                x - step
            }
        };
        let mut checked = 0;
        for t in model.traders.iter() {
            let today =
                model.requirement(&t.legs, model.spot_wad, t.expiry, &model.margin).unwrap();
            let c = U256::from(t.margined.collateral_units);
            assert!(today.meets_initial(c));
            assert!(!today.meets_initial(c - U256::from(1u8)));
            assert_eq!(t.margined.initial_units, small(today.initial));
            for (d, &(lo, hi)) in t.margined.bounds.iter().enumerate().step_by(5) {
                let days_left = t.expiry - 1 - u32::try_from(d).unwrap();
                let health = |s: u128| {
                    model.requirement(&t.legs, s, days_left, &model.margin).unwrap().health(c).0
                };
                assert!(lo < model.spot_wad && model.spot_wad < hi, "{lo} {hi}");
                if lo > 0 {
                    assert!(health(lo) && !health(beyond(lo, false)), "day {d} low end");
                }
                if hi < u128::MAX {
                    assert!(health(hi) && !health(beyond(hi, true)), "day {d} high end");
                }
                checked += 1;
            }
        }
        assert!(checked > 20, "{checked}");
    }

    /// The pool's premiums are `premium_asset_up` of each line, and a liquidation's
    /// liability is the requirement's.
    #[test]
    fn premiums_and_liabilities_are_the_shared_functions() {
        let config = Config::example();
        let model = Model::new(&config).unwrap();
        let e = &model.expiries[0];
        let expected: u128 = e
            .lines
            .iter()
            .map(|l| {
                let p = price_wad(l, model.spot_wad, years(e.day), model.rate_wad).unwrap();
                small(premium_asset_up(p, l.amount_wad, model.decimals).unwrap())
            })
            .sum();
        assert_eq!(e.premium_units, expected);
        let legs = &model.traders[2].legs;
        let full = requirement_asset_up(
            1_500 * WAD,
            model.rate_wad,
            &legs.iter().map(|l| position(l, years(10))).collect::<Vec<_>>(),
            &model.grid(),
            &model.margin,
            model.decimals,
        )
        .unwrap();
        assert_eq!(model.liability(legs, 1_500 * WAD, 10), Some(full.liability));
    }
}
