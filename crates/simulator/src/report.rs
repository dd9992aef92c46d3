//! The report: one structure, printed as a table or serialized as JSON with the same
//! numbers. Money is in dollars (the collateral asset's units over `10^decimals`),
//! probabilities and returns are fractions (the table shows percentages).

use std::fmt::Write as _;

use serde::Serialize;

use crate::config::{format_units, Config};
use crate::engine::{Layers, Outcome, Stats};
use crate::model::Model;
use crate::search::{CapitalEfficiency, Recommendation};
use crate::stats::{i256_to_f64, Sketch, GAMMA};

/// The whole report.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    /// What was simulated.
    pub summary: Summary,
    /// Per waterfall layer: touch and exhaustion probabilities and loss statistics.
    pub layers: Vec<LayerRow>,
    /// The losses before any waterfall.
    pub losses: Vec<LossRow>,
    /// Probability of a haircut on a long payout (either waterfall) over the horizon.
    pub haircut_probability: f64,
    /// Its Monte Carlo standard error, `sqrt(p (1 - p) / n)`.
    pub haircut_probability_standard_error: f64,
    /// Probability that some trader's obligation exceeds its collateral.
    pub default_probability: f64,
    /// Probability that a pool tail loss goes beyond the retention (reaches the insurance).
    pub insurance_attachment_probability: f64,
    /// Returns over the horizon of the LPs and of each tranche.
    pub returns: Vec<ReturnRow>,
    /// The insurance coverage ratio at the checkpoints.
    pub coverage: Vec<CoverageRow>,
    /// The pool's settlements, per expiry.
    pub expiries: Vec<ExpiryRow>,
    /// The named shock scenarios.
    pub scenarios: Vec<ScenarioRow>,
    /// The capital-efficiency comparison, unless skipped.
    pub capital_efficiency: Option<CapitalEfficiency>,
    /// The `--recommend` search, when asked for.
    pub recommendation: Option<Recommendation>,
    /// The single-event layer boundaries of the pool tail-loss waterfall at today's capital.
    pub boundaries: Vec<Boundary>,
    /// How the statistics were computed and their error bounds.
    pub method: Method,
}

/// What was simulated.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Summary {
    /// The underlying.
    pub underlying: String,
    /// Spot today.
    pub spot: f64,
    /// Paths simulated.
    pub paths: u64,
    /// The seed.
    pub seed: u64,
    /// Days simulated.
    pub horizon_days: u32,
    /// The spot process: drift, volatility, jumps per year, mean and volatility of the log
    /// jump.
    pub dynamics: [f64; 5],
    /// Pool lines within the horizon, and their expiries.
    pub pool_lines: usize,
    /// The expiries (days).
    pub expiry_days: Vec<u32>,
    /// Units of the underlying the pool has written.
    pub pool_notional_units: f64,
    /// Premium the pool holds.
    pub pool_premium: f64,
    /// Fees of every trade: LPs, insurance, treasury.
    pub fees: [f64; 3],
    /// LPs' NAV.
    pub nav: f64,
    /// Market reserve.
    pub reserve: f64,
    /// Retention, fraction of NAV.
    pub retention: f64,
    /// Margin multiplier.
    pub margin_multiplier: f64,
    /// Maintenance fraction.
    pub maintenance_fraction: f64,
    /// Liquidation penalty, fraction of the liability.
    pub liquidation_penalty: f64,
    /// The liquidator's share of the penalty.
    pub liquidation_bounty_share: f64,
    /// The least liquidation bounty.
    pub min_liquidation_bounty: f64,
    /// The tranches.
    pub tranches: Vec<TrancheSummary>,
    /// The traders.
    pub traders: Vec<TraderSummary>,
}

/// A tranche in the summary.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TrancheSummary {
    /// Its name.
    pub name: String,
    /// Assets before income.
    pub assets: f64,
    /// Per-event cap, fraction of its assets.
    pub cap: f64,
    /// Minimum balance.
    pub min_balance: f64,
    /// Fee income at the start.
    pub income: f64,
}

/// A trader in the summary.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TraderSummary {
    /// Its name.
    pub name: String,
    /// Days to expiry.
    pub expiry_days: u32,
    /// Initial margin.
    pub initial_margin: f64,
    /// Premium plus initial margin.
    pub collateral: f64,
}

/// One layer's statistics over the paths (per path: the total it absorbed over the
/// horizon).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LayerRow {
    /// "trader default", "pool tail loss" or "all".
    pub waterfall: String,
    /// The layer.
    pub layer: String,
    /// P(the layer absorbs anything).
    pub p_touched: f64,
    /// P(some loss goes past the layer: its capacity for that event used up); `None` for
    /// the haircut, which has no capacity.
    pub p_exhausted: Option<f64>,
    /// The distribution of the amount absorbed.
    #[serde(flatten)]
    pub amount: Tail,
}

/// The mean and tail of an amount per path, in dollars.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Tail {
    /// Expected value.
    pub expected: f64,
    /// 99% quantile (value at risk).
    pub var_99: f64,
    /// 99.9% quantile.
    pub var_999: f64,
    /// Mean of the worst 1% (expected shortfall).
    pub es_99: f64,
    /// Mean of the worst 0.1%.
    pub es_999: f64,
    /// The exact total over all paths, asset units.
    pub total_units: String,
}

impl Tail {
    fn of(s: &Sketch, u: &Units) -> Self {
        Self {
            expected: s.mean() / u.scale,
            var_99: u.signed(s.quantile(0.99)),
            var_999: u.signed(s.quantile(0.999)),
            es_99: s.tail_mean(0.99) / u.scale,
            es_999: s.tail_mean(0.999) / u.scale,
            total_units: s.sum().to_string(),
        }
    }
}

/// A loss before the waterfall.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LossRow {
    /// What it is.
    pub name: String,
    /// P(positive).
    pub p_positive: f64,
    /// Its distribution.
    #[serde(flatten)]
    pub amount: Tail,
}

/// A party's return over the horizon: profit and loss over its starting capital.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ReturnRow {
    /// "LPs" or a tranche's name.
    pub party: String,
    /// Starting capital.
    pub capital: f64,
    /// Mean return.
    pub mean: f64,
    /// 5th percentile.
    pub p5: f64,
    /// Probability of a loss.
    pub p_loss: f64,
}

/// The coverage ratio (insurance assets over the stressed loss of the open pool book) on
/// a day.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CoverageRow {
    /// The day.
    pub day: u32,
    /// Mean over the paths where it is defined.
    pub mean: f64,
    /// 5th percentile.
    pub p5: f64,
    /// Median.
    pub p50: f64,
    /// Paths where the stressed loss was zero (coverage undefined).
    pub undefined_paths: u64,
}

/// One expiry's settlement of the pool's options.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ExpiryRow {
    /// The day.
    pub day: u32,
    /// Premium held for it.
    pub premium: f64,
    /// Mean payout.
    pub mean_payout: f64,
    /// Standard error of the mean payout.
    pub payout_standard_error: f64,
    /// P(payout > premium): a tail loss.
    pub p_tail_loss: f64,
}

/// One named shock scenario's outcome.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ScenarioRow {
    /// Its name.
    pub name: String,
    /// The move and the event it mirrors.
    pub description: String,
    /// The spot after the shock.
    pub shocked_spot: f64,
    /// Obligations beyond the defaulters' collateral.
    pub default_loss: f64,
    /// Liquidation bounties paid out of the liquidated traders' collateral.
    pub bounties: f64,
    /// Payouts beyond premium.
    pub tail_loss: f64,
    /// What each layer absorbed (same rows as the layer table).
    pub absorbed: Vec<f64>,
    /// The haircut on longs.
    pub haircut: f64,
    /// LPs' return.
    pub lp_return: f64,
    /// Each tranche's return.
    pub tranche_returns: Vec<f64>,
}

/// A layer boundary of one pool tail loss at today's capital.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Boundary {
    /// What starts to pay beyond it.
    pub name: String,
    /// The loss at which it is reached.
    pub loss: f64,
}

/// The method and its error bounds.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Method {
    /// Quantiles: relative error bound of the log histogram.
    pub quantile_relative_error: f64,
    /// Expected shortfall: relative error bound.
    pub shortfall_relative_error: f64,
    /// Coverage: the spot is rounded to a geometric grid of this ratio.
    pub coverage_spot_grid_ratio: f64,
    /// One paragraph.
    pub notes: String,
}

/// The named scenarios: name, description, daily log-returns from day 1.
#[must_use]
pub fn scenarios() -> Vec<(&'static str, &'static str, Vec<f64>)> {
    vec![
        (
            "black-thursday",
            "-43% in one day, then flat: ETH on 12 March 2020 (about 194 to 111 dollars), when \
             MakerDAO's keepers failed and vaults were liquidated at zero bids",
            vec![0.57_f64.ln()],
        ),
        (
            "three-day-crash",
            "-30% over three days (-11.2% a day), then flat: ETH through FTX's collapse, 7 to \
             9 November 2022 (about 1,570 to 1,100), and the 17 to 19 May 2021 sell-off",
            vec![0.7_f64.ln() / 3.0; 3],
        ),
        (
            "short-squeeze",
            "+60% in one day, then flat: a squeeze against written calls, a stylized move \
             larger than any single ETH day since 2017 (the largest daily gains were about \
             +25% to +35%), the size of squeezes in smaller crypto markets",
            vec![1.6_f64.ln()],
        ),
    ]
}

/// The rows of the layer table: `(waterfall, layer, the layer indices it sums, whether
/// the layer has a capacity that can be exhausted)`.
#[allow(clippy::many_single_char_names, reason = "d, p, a: the three waterfall labels")]
pub(crate) fn row_specs(config: &Config) -> Vec<(String, String, Vec<usize>, bool)> {
    let n = config.tranches.len();
    let l = Layers { n };
    let mut rows = Vec::new();
    let d = "trader default".to_owned();
    rows.push((d.clone(), "1 defaulter margin".to_owned(), vec![Layers::D_MARGIN], true));
    rows.push((d.clone(), "2 market reserve".to_owned(), vec![Layers::D_RESERVE], true));
    for (i, t) in config.tranches.iter().enumerate() {
        rows.push((
            d.clone(),
            format!("{} {} (capped)", 3 + i, t.name),
            vec![l.d_tranche(i)],
            true,
        ));
    }
    rows.push((d.clone(), format!("{} LPs", 3 + n), vec![l.d_lps()], true));
    rows.push((d, format!("{} haircut on longs", 4 + n), vec![l.d_haircut()], false));
    let p = "pool tail loss".to_owned();
    rows.push((p.clone(), "1 pool retention".to_owned(), vec![l.p_retention()], true));
    for (i, t) in config.tranches.iter().enumerate() {
        rows.push((
            p.clone(),
            format!("2 {} (excess of loss)", t.name),
            vec![l.p_tranche(i)],
            true,
        ));
    }
    rows.push((p.clone(), "3 pool beyond cover".to_owned(), vec![l.p_beyond()], true));
    rows.push((p, "4 haircut on longs".to_owned(), vec![l.p_haircut()], false));
    let a = "all".to_owned();
    for (i, t) in config.tranches.iter().enumerate() {
        rows.push((a.clone(), t.name.clone(), vec![l.d_tranche(i), l.p_tranche(i)], true));
    }
    rows.push((a.clone(), "LPs".to_owned(), vec![l.d_lps(), l.p_retention(), l.p_beyond()], true));
    rows.push((a, "haircut on longs".to_owned(), vec![l.d_haircut(), l.p_haircut()], false));
    rows
}

/// Reporting helpers over the model's units.
pub(crate) struct Units {
    scale: f64,
}

impl Units {
    pub(crate) fn new(model: &Model) -> Self {
        Self { scale: 10f64.powi(i32::from(model.decimals)) }
    }

    #[allow(clippy::cast_precision_loss, reason = "reporting")]
    pub(crate) fn dollars(&self, units: u128) -> f64 {
        units as f64 / self.scale
    }

    #[allow(clippy::cast_precision_loss, reason = "reporting")]
    fn signed(&self, units: i128) -> f64 {
        units as f64 / self.scale
    }
}

#[allow(clippy::cast_precision_loss, reason = "probabilities")]
fn p(count: u64, n: u64) -> f64 {
    count as f64 / n.max(1) as f64
}

/// Builds the report from the streamed statistics.
#[allow(
    clippy::too_many_lines,
    clippy::many_single_char_names,
    reason = "one section after another; short names for the units and the counts"
)]
pub(crate) fn build(
    config: &Config,
    model: &Model,
    stats: &Stats,
    scenario_outcomes: &[(&str, &str, f64, Outcome)],
    capital_efficiency: Option<CapitalEfficiency>,
    recommendation: Option<Recommendation>,
) -> Report {
    let u = Units::new(model);
    let n = stats.counts.paths;
    let specs = row_specs(config);
    let layers = specs
        .iter()
        .zip(&stats.rows)
        .map(|((w, name, _, has_capacity), r)| LayerRow {
            waterfall: w.clone(),
            layer: name.clone(),
            p_touched: p(r.touched, n),
            p_exhausted: has_capacity.then(|| p(r.exhausted, n)),
            amount: Tail::of(&r.sketch, &u),
        })
        .collect();
    let loss_row = |name: &str, s: &Sketch| LossRow {
        name: name.to_owned(),
        p_positive: 1.0 - s.quantile_rank_of_zero(),
        amount: Tail::of(s, &u),
    };
    let losses = vec![
        loss_row("trader obligations beyond collateral", &stats.default_loss),
        loss_row("pool payouts beyond premium", &stats.tail_loss),
        loss_row("total", &stats.total_loss),
    ];
    let haircut_probability = p(stats.counts.failures, n);
    #[allow(clippy::cast_precision_loss, reason = "a standard error")]
    let se = (haircut_probability * (1.0 - haircut_probability) / n.max(1) as f64).sqrt();
    let cap = &model.capital;
    let nav0 = u.dollars(cap.nav_units);
    let mut returns = vec![return_row("LPs", nav0, &stats.lp, &u)];
    for (i, t) in config.tranches.iter().enumerate() {
        returns.push(return_row(
            &t.name,
            u.dollars(cap.tranches[i].assets_units),
            &stats.tranches[i],
            &u,
        ));
    }
    let coverage = model
        .checkpoints
        .iter()
        .zip(&stats.coverage)
        .zip(&stats.coverage_undefined)
        .map(|((c, s), undefined)| CoverageRow {
            day: c.day,
            mean: s.mean() / 1e18,
            #[allow(clippy::cast_precision_loss, reason = "a ratio")]
            p5: s.quantile(0.05) as f64 / 1e18,
            #[allow(clippy::cast_precision_loss, reason = "a ratio")]
            p50: s.quantile(0.5) as f64 / 1e18,
            undefined_paths: *undefined,
        })
        .collect();
    let expiries = model
        .expiries
        .iter()
        .zip(&stats.payouts)
        .zip(&stats.tail_events)
        .map(|((e, s), tails)| ExpiryRow {
            day: e.day,
            premium: u.dollars(e.premium_units),
            mean_payout: s.mean() / u.scale,
            #[allow(clippy::cast_precision_loss, reason = "a standard error")]
            payout_standard_error: s.std_dev() / (s.count().max(1) as f64).sqrt() / u.scale,
            p_tail_loss: p(*tails, n),
        })
        .collect();
    let scenarios = scenario_outcomes
        .iter()
        .map(|(name, description, shocked, o)| {
            let absorbed = specs
                .iter()
                .map(|(_, _, ls, _)| u.dollars(ls.iter().map(|&l| o.absorbed[l]).sum()))
                .collect();
            let l = Layers { n: config.tranches.len() };
            ScenarioRow {
                name: (*name).to_owned(),
                description: (*description).to_owned(),
                shocked_spot: *shocked,
                default_loss: u.dollars(o.default_loss),
                bounties: u.dollars(o.bounties),
                tail_loss: u.dollars(o.tail_loss),
                absorbed,
                haircut: u.dollars(o.absorbed[l.d_haircut()] + o.absorbed[l.p_haircut()]),
                lp_return: u.signed(o.lp_pnl) / nav0,
                tranche_returns: (0..l.n)
                    .map(|i| u.signed(o.tranche_pnl[i]) / u.dollars(cap.tranches[i].assets_units))
                    .collect(),
            }
        })
        .collect();

    // One pool tail loss today: retention, each tranche's capacity, then the haircut
    // beyond NAV plus every cover.
    let nav_now = cap.nav_units + cap.lp_fee_units;
    let retention = crate::model::mul_wad_down(nav_now, cap.retention_wad);
    let mut boundaries =
        vec![Boundary { name: "retention".to_owned(), loss: u.dollars(retention) }];
    let mut edge = retention;
    let mut covers = 0;
    for (i, t) in cap.tranches.iter().enumerate() {
        let held = t.assets_units + cap.tranche_income_units[i];
        let capacity = held
            .saturating_sub(t.min_balance_units)
            .min(crate::model::mul_wad_down(held, t.cap_wad));
        edge += capacity;
        covers += capacity;
        boundaries.push(Boundary {
            name: format!("{} cap", config.tranches[i].name),
            loss: u.dollars(edge),
        });
    }
    boundaries.push(Boundary { name: "haircut".to_owned(), loss: u.dollars(nav_now + covers) });

    let d = &config.dynamics;
    #[allow(clippy::cast_precision_loss, reason = "reporting")]
    let w = |x: u128| x as f64 / 1e18;
    #[allow(clippy::cast_precision_loss, reason = "reporting")]
    let ws = |x: i128| x as f64 / 1e18;
    let summary = Summary {
        underlying: config.market.underlying.clone(),
        spot: w(config.market.spot_wad),
        paths: n,
        seed: config.simulation.seed,
        horizon_days: model.horizon,
        dynamics: [
            ws(d.drift_wad),
            w(d.volatility_wad),
            w(d.jump_intensity_wad),
            ws(d.jump_mean_wad),
            w(d.jump_volatility_wad),
        ],
        pool_lines: model.expiries.iter().map(|e| e.lines.len()).sum(),
        expiry_days: model.expiries.iter().map(|e| e.day).collect(),
        pool_notional_units: model
            .expiries
            .iter()
            .flat_map(|e| &e.lines)
            .map(|l| w(l.amount_wad))
            .sum(),
        pool_premium: model.expiries.iter().map(|e| u.dollars(e.premium_units)).sum(),
        fees: [
            u.dollars(cap.lp_fee_units),
            u.dollars(cap.tranche_income_units.iter().sum()),
            u.dollars(cap.treasury_fee_units),
        ],
        nav: nav0,
        reserve: u.dollars(cap.reserve_units),
        retention: w(cap.retention_wad),
        margin_multiplier: w(model.margin.initial_multiplier_wad),
        maintenance_fraction: w(model.margin.maintenance_fraction_wad),
        liquidation_penalty: w(model.liquidation.penalty_rate_wad),
        liquidation_bounty_share: w(model.liquidation.bounty_share_wad),
        min_liquidation_bounty: u.dollars(crate::model::small(model.liquidation.min_bounty)),
        tranches: config
            .tranches
            .iter()
            .zip(&cap.tranches)
            .zip(&cap.tranche_income_units)
            .map(|((t, s), income)| TrancheSummary {
                name: t.name.clone(),
                assets: u.dollars(s.assets_units),
                cap: w(s.cap_wad),
                min_balance: u.dollars(s.min_balance_units),
                income: u.dollars(*income),
            })
            .collect(),
        traders: config
            .traders
            .iter()
            .filter(|t| t.expiry_days <= model.horizon)
            .zip(model.traders.iter())
            .map(|(t, m)| TraderSummary {
                name: t.name.clone(),
                expiry_days: t.expiry_days,
                initial_margin: u.dollars(m.margined.initial_units),
                collateral: u.dollars(m.margined.collateral_units),
            })
            .collect(),
    };
    Report {
        summary,
        layers,
        losses,
        haircut_probability,
        haircut_probability_standard_error: se,
        default_probability: p(stats.counts.defaults, n),
        insurance_attachment_probability: p(stats.counts.attached, n),
        returns,
        coverage,
        expiries,
        scenarios,
        capital_efficiency,
        recommendation,
        boundaries,
        method: Method {
            quantile_relative_error: (GAMMA - 1.0) / (GAMMA + 1.0),
            shortfall_relative_error: GAMMA - 1.0,
            coverage_spot_grid_ratio: crate::model::NODE_RATIO,
            notes: METHOD_NOTES.to_owned(),
        },
    }
}

const METHOD_NOTES: &str = "Per path, each layer's figure is the total it absorbed over the \
horizon. Means are exact (integer sums); quantiles (VaR) come from a log histogram with \
buckets 1% wide, within 0.5% of the sample quantile; expected shortfall (mean of the worst \
1% / 0.1% of paths) within 1%. Coverage uses the stressed loss at the spot rounded to a 0.5% \
grid. Every price, margin, payout and waterfall allocation is the pure crate's integer code.";

fn return_row(party: &str, capital: f64, s: &Sketch, u: &Units) -> ReturnRow {
    let c = if capital > 0.0 { capital } else { f64::NAN };
    ReturnRow {
        party: party.to_owned(),
        capital,
        mean: i256_to_f64(s.sum()) / u.scale / f64_of(s.count().max(1)) / c,
        p5: u.signed(s.quantile(0.05)) / c,
        p_loss: s.fraction_negative(),
    }
}

impl Sketch {
    /// The fraction of values that are zero or negative.
    pub(crate) fn quantile_rank_of_zero(&self) -> f64 {
        p(self.count_at_most_zero(), self.count())
    }

    /// The fraction of negative values.
    pub(crate) fn fraction_negative(&self) -> f64 {
        p(self.count_negative(), self.count())
    }
}

// ============================================================================================
// The table
// ============================================================================================

/// `1234567.8` as `1,234,568`.
fn money(x: f64) -> String {
    if !x.is_finite() {
        return "-".to_owned();
    }
    #[allow(clippy::cast_possible_truncation, reason = "money in dollars fits i128")]
    let v = x.round() as i128;
    let digits = v.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if v < 0 {
        format!("-{out}")
    } else {
        out
    }
}

/// A probability as a percentage.
fn pct(x: f64) -> String {
    if !x.is_finite() {
        return "-".to_owned();
    }
    if x == 0.0 {
        return "0".to_owned();
    }
    let v = x * 100.0;
    if v.abs() >= 10.0 {
        format!("{v:.1}%")
    } else if v.abs() >= 0.1 {
        format!("{v:.2}%")
    } else {
        format!("{v:.3}%")
    }
}

/// The report as a readable table.
#[must_use]
#[allow(clippy::too_many_lines, reason = "one section after another")]
pub fn render_text(r: &Report) -> String {
    let mut o = String::new();
    let s = &r.summary;
    let _ = writeln!(
        o,
        "Mutual simulate: {} at {}, {} paths (seed {}), {} days in daily steps",
        s.underlying,
        money(s.spot),
        money(f64_of(s.paths)),
        s.seed,
        s.horizon_days
    );
    let _ = writeln!(
        o,
        "Spot: Merton jump-diffusion, drift {}, volatility {}, {} jumps a year of mean {} and volatility {} (log)",
        pct(s.dynamics[0]),
        pct(s.dynamics[1]),
        s.dynamics[2],
        pct(s.dynamics[3]),
        pct(s.dynamics[4])
    );
    let _ = writeln!(
        o,
        "Pool: NAV {}, {} written lines ({} {} units) over expiries {:?} days, premium held {}",
        money(s.nav),
        s.pool_lines,
        money(s.pool_notional_units),
        s.underlying,
        s.expiry_days,
        money(s.pool_premium)
    );
    let _ = writeln!(
        o,
        "Fees {} (LPs {}, insurance {}, treasury {}); market reserve {}; retention {} of NAV",
        money(s.fees.iter().sum()),
        money(s.fees[0]),
        money(s.fees[1]),
        money(s.fees[2]),
        money(s.reserve),
        pct(s.retention)
    );
    for t in &s.tranches {
        let _ = writeln!(
            o,
            "Tranche {}: assets {}, cap {} of assets per event, minimum balance {}, fee income {}",
            t.name,
            money(t.assets),
            pct(t.cap),
            money(t.min_balance),
            money(t.income)
        );
    }
    let _ = writeln!(
        o,
        "Traders: {} short with margin (initial margin {}x the stress-grid worst loss, maintenance {} of it, both recomputed daily; liquidated when collateral < mark + maintenance, penalty {} of the mark, bounty {} of the penalty, at least {}):",
        s.traders.len(),
        s.margin_multiplier,
        pct(s.maintenance_fraction),
        pct(s.liquidation_penalty),
        pct(s.liquidation_bounty_share),
        money(s.min_liquidation_bounty)
    );
    for t in &s.traders {
        let _ = writeln!(
            o,
            "  {:<20} {:>3} days  initial margin {:>12}  collateral {:>12}",
            t.name,
            t.expiry_days,
            money(t.initial_margin),
            money(t.collateral)
        );
    }

    o.push_str(
        "\nLoss layers (per path, the total each layer absorbed over the horizon; dollars)\n",
    );
    let _ = writeln!(
        o,
        "{:<15} {:<28} {:>9} {:>9} {:>11} {:>11} {:>11} {:>11} {:>11}",
        "waterfall",
        "layer",
        "touched",
        "exhausted",
        "E[loss]",
        "VaR 99%",
        "VaR 99.9%",
        "ES 99%",
        "ES 99.9%"
    );
    let mut last = String::new();
    for l in &r.layers {
        let w = if l.waterfall == last { String::new() } else { l.waterfall.clone() };
        last.clone_from(&l.waterfall);
        let _ = writeln!(
            o,
            "{:<15} {:<28} {:>9} {:>9} {:>11} {:>11} {:>11} {:>11} {:>11}",
            w,
            l.layer,
            pct(l.p_touched),
            l.p_exhausted.map_or_else(|| "-".to_owned(), pct),
            money(l.amount.expected),
            money(l.amount.var_99),
            money(l.amount.var_999),
            money(l.amount.es_99),
            money(l.amount.es_999)
        );
    }
    o.push_str("\nLosses before the waterfalls\n");
    for l in &r.losses {
        let _ = writeln!(
            o,
            "  {:<38} P(>0) {:>8}  E {:>11}  VaR 99% {:>11}  VaR 99.9% {:>11}  ES 99.9% {:>11}",
            l.name,
            pct(l.p_positive),
            money(l.amount.expected),
            money(l.amount.var_99),
            money(l.amount.var_999),
            money(l.amount.es_999)
        );
    }
    let _ = writeln!(
        o,
        "\nP(haircut on a long payout) = {} ({}); P(a trader default beyond its collateral) = {}; P(a pool tail loss reaches the insurance) = {}",
        pct(r.haircut_probability),
        if r.haircut_probability > 0.0 {
            format!("standard error {}", pct(r.haircut_probability_standard_error))
        } else {
            // No haircut in n paths: the one-sided 95% bound is 3/n (the rule of three).
            format!("none in {} paths: below {} at 95% confidence", money(f64_of(s.paths)), pct(3.0 / f64_of(s.paths)))
        },
        pct(r.default_probability),
        pct(r.insurance_attachment_probability)
    );

    o.push_str("\nReturns over the horizon\n");
    for x in &r.returns {
        let _ = writeln!(
            o,
            "  {:<12} capital {:>12}  mean {:>8}  5th percentile {:>8}  P(loss) {:>7}",
            x.party,
            money(x.capital),
            pct(x.mean),
            pct(x.p5),
            pct(x.p_loss)
        );
    }
    o.push_str("\nCoverage ratio (insurance assets / stressed loss of the open pool book)\n");
    for c in &r.coverage {
        let _ = writeln!(
            o,
            "  day {:>4}: mean {:>7.3}  median {:>7.3}  5th percentile {:>7.3}{}",
            c.day,
            c.mean,
            c.p50,
            c.p5,
            if c.undefined_paths > 0 {
                format!("  ({} paths with no stressed loss)", c.undefined_paths)
            } else {
                String::new()
            }
        );
    }
    o.push_str("\nPool settlements\n");
    for e in &r.expiries {
        let _ = writeln!(
            o,
            "  day {:>4}: premium {:>11}  mean payout {:>11} (s.e. {:>8})  P(payout > premium) {:>7}",
            e.day,
            money(e.premium),
            money(e.mean_payout),
            money(e.payout_standard_error),
            pct(e.p_tail_loss)
        );
    }

    o.push_str("\nShock scenarios (deterministic paths)\n");
    for sc in &r.scenarios {
        let _ = writeln!(o, "  {}: {}", sc.name, sc.description);
        let mut parts = Vec::new();
        for (l, a) in r.layers.iter().zip(&sc.absorbed) {
            if *a > 0.0 && l.waterfall != "all" {
                parts.push(format!("{} / {} {}", l.waterfall, l.layer, money(*a)));
            }
        }
        let _ = writeln!(
            o,
            "    spot {} ; defaults beyond collateral {} (liquidation bounties {}) ; pool payouts beyond premium {} ; haircut {} ; LP return {}{}",
            money(sc.shocked_spot),
            money(sc.default_loss),
            money(sc.bounties),
            money(sc.tail_loss),
            money(sc.haircut),
            pct(sc.lp_return),
            sc.tranche_returns.iter().zip(&s.tranches).fold(String::new(), |mut acc, (x, t)| {
                let _ = write!(acc, " ; {} {}", t.name, pct(*x));
                acc
            })
        );
        if !parts.is_empty() {
            let _ = writeln!(o, "    absorbed: {}", parts.join(", "));
        }
    }

    if let Some(c) = &r.capital_efficiency {
        let _ = writeln!(
            o,
            "\nCapital efficiency: collateral for the same book at P(failing to pay a long in full) <= {}",
            pct(c.target_failure_probability)
        );
        let _ = writeln!(
            o,
            "  (a) siloed, fully collateralized           {:>14}",
            money(c.siloed_full)
        );
        let _ = writeln!(
            o,
            "  (b) siloed, margin with liquidation        {:>14}  (multiplier {:.3}, P(fail) {}{})",
            money(c.siloed_margin),
            c.siloed_margin_multiplier,
            pct(c.siloed_margin_failure_probability),
            if c.siloed_margin_met { "" } else { ", target not met" }
        );
        let _ = writeln!(
            o,
            "  (c) mutualized pool + insurance tiers      {:>14}  (pool and insurance {} = {:.3}x configured, trader margins {}, P(fail) {}{})",
            money(c.mutualized),
            money(c.mutualized_pool_and_insurance),
            c.mutualized_scale,
            money(c.mutualized_trader_margins),
            pct(c.mutualized_failure_probability),
            if c.mutualized_met { "" } else { ", target not met" }
        );
        let _ = writeln!(
            o,
            "  ratios: (a)/(c) {:.2}   (b)/(c) {:.2}   (a)/(b) {:.2}",
            c.full_over_mutualized, c.margin_over_mutualized, c.full_over_margin
        );
    }
    if let Some(rec) = &r.recommendation {
        o.push_str("\nRecommended parameters (smallest meeting each target)\n");
        for x in &rec.parameters {
            let _ = writeln!(
                o,
                "  {:<34} {:>8} -> {:<8} {} = {} (target {}){}",
                x.key,
                wad_text(&x.current_wad),
                wad_text(&x.recommended_wad),
                x.criterion,
                pct(x.probability),
                pct(x.target),
                if x.met { "" } else { " NOT MET: more capital needed" }
            );
        }
        let _ = writeln!(o, "  P(haircut) with all of them: {}", pct(rec.failure_probability));
    }
    let _ = writeln!(o, "\nMethod: {}", r.method.notes);
    o
}

#[allow(clippy::cast_precision_loss, reason = "reporting")]
fn f64_of(x: u64) -> f64 {
    x as f64
}

/// An 18-decimal integer's text as a short decimal.
fn wad_text(text: &str) -> String {
    text.parse::<u128>().map_or_else(|_| text.to_owned(), |v| format_units(v, 18))
}
