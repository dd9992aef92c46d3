//! Mutual's pool-sizing risk simulator: how big the pool, the retention, the insurance
//! tranches and the margins must be, answered with the very integer code the contracts run.
//!
//! # The model
//!
//! **Market.** One underlying (the example: ETH at 2,000), a risk-free rate, a collateral
//! asset with its own decimals (USDC: 6). Amounts of money are integers in the asset's
//! units, prices and fractions 18-decimal integers, exactly as on chain.
//!
//! **Book.** The pool (the LPs' NAV, `MutualVault`) has written calls and puts over several
//! expiries and strikes (`pool_book`); each line was sold in the config's order at
//! Black-Scholes at its own implied volatility (`trade::premium_asset_up`: rounded up, held
//! by the pool against that expiry), plus fees as `OptionsMarket` charges them
//! (`trade::fees_asset_up`: a spread fee on the notional capped at a fraction of the
//! premium, and a utilization fee whose rate follows the kinked curve of
//! `trade::utilization_fee_rate_wad_up` at the pool's utilization after the sale,
//! `trade::utilization_wad_up` of the book's stressed requirement over the NAV), split by
//! governance weights between the LPs, the insurance tranches (among them by
//! `income_weight x assets`, largest remainder, as `InsuranceFund::notifyIncome` does) and
//! the treasury. Traders (`traders`) sold options to the pool (`trade::premium_asset_down`,
//! the spread fee alone) and are short them with their own margin, each with the least
//! collateral that meets the initial requirement of `margin::requirement_asset_up` (the
//! mark plus `margin_multiplier x` the worst loss of its legs over the stress grid, spot
//! factors x volatility factors): the premium received plus the initial margin. A trader
//! is liquidated at the close of the first day its health (`margin::Requirement::health`:
//! collateral minus the mark minus the maintenance margin, `maintenance_fraction` of the
//! initial, both recomputed at that day's spot and time to expiry) is negative; the
//! collateral is split by `margin::liquidation_split` (the bounty first, the mark to the
//! pool, which takes the written line over at the mark and, being its long side, is flat
//! after it, as `docs/market.md` plans `ShortBook::liquidate`; the rest of the penalty to
//! the market reserve; the remainder back to the trader). A trader never
//! liquidated settles what its legs owe on its expiry (`settlement::obligation_asset_up`).

//! **Spot paths.** Daily steps to the horizon (default: the last expiry) of a Merton
//! jump-diffusion: `d ln S = (mu - v^2/2 - lambda kappa) dt + v dW + J dN`, with `N`
//! Poisson of intensity `lambda` a year, `J ~ Normal(jump_mean, jump_volatility^2)` and
//! `kappa = E[e^J] - 1`, so `E[S_t] = S_0 e^(mu t)` (`mu` = the rate is risk-neutral).
//! Each day's spot is rounded once to an 18-decimal integer; floats stop there. Marks use
//! each line's implied volatility unchanged over the horizon (no volatility dynamics).
//! Named historical-style shocks run the same engine on fixed paths
//! ([`report::scenarios`]): -43% in a day (ETH, 12 March 2020), -30% over three days
//! (FTX, November 2022), +60% in a day (a squeeze); each is reported separately.
//!
//! **Losses, through DESIGN.md's two waterfalls** (`waterfall::allocate_loss` and
//! `waterfall::excess_of_loss`, the tranche layers built as `InsuranceFund::cover` builds
//! them: `min(assets - minBalance, capWad x assets)`):
//! - *trader default*: what a trader's collateral could not pay (the shortfall of a
//!   liquidation split, or the obligation at expiry beyond the collateral) runs through
//!   (1) its own collateral (recorded as what it paid of the liability, penalty included),
//!   (2) the market reserve, (3..) each tranche junior first, capped per event, (then) the
//!   LPs' NAV, and the residual is a recorded haircut on that board's longs;
//! - *pool tail loss*: when the pool's payout at an expiry exceeds the premium it holds for
//!   it, the pool keeps up to its retention (`retention x NAV` at that moment), the
//!   tranches cover the excess junior first, each capped, the pool pays what is beyond the
//!   cover, and what the pool cannot pay is a haircut on the board's longs: each line's
//!   holders are owed `settlement::payout_asset_down` and paid their share of what the
//!   pool could pay by `settlement::pro_rata_down`.
//!
//! On one day, traders are liquidated or settled before the pool's settlement.
//!
//! # The report
//!
//! Per layer: the probability it is touched and exhausted (some loss went past it), the
//! expected loss, 99% and 99.9% `VaR` and expected shortfall of what it absorbs over the
//! horizon; the probability of a haircut on a long payout; the LPs' and each tranche's
//! return (mean, 5th percentile); the coverage ratio (insurance assets over the stressed
//! loss of the open pool book, the insurance contract's definition) at checkpoints; the
//! capital-efficiency comparison ([`CapitalEfficiency`]) and, on request, recommended
//! parameters ([`Recommendation`]). Statistics stream with flat memory ([`stats`]).
//!
//! # Speed and reproducibility
//!
//! Black-Scholes runs where it must and nowhere else: premiums, fees and margins once;
//! each trader's liquidation boundaries once per day of its tenor (the healthy interval of
//! spot found by bisection on `margin::requirement_asset_up`, started from the previous
//! day's boundary, so a path only compares its spot with two integers); the exact
//! requirement's liability at a liquidation; the stressed loss of the open pool book once
//! per visited 0.5% spot node per checkpoint (cached). Payouts and obligations at expiry
//! are integer intrinsic values. Paths run in parallel (rayon) in fixed chunks, each path's
//! generator seeded from `(seed, path index)`, and every statistic merges by exact integer
//! addition: the same seed and path count give the same bytes whatever the thread count.

mod engine;
mod model;
mod rng;
mod search;

pub mod config;
pub mod report;
pub mod stats;

pub use config::Config;
pub use engine::Progress;
pub use report::{render_text, Report};
pub use search::{CapitalEfficiency, Recommendation, Recommended};

use engine::{run_paths, simulate, Outcome, Source, Stats};
use model::Model;

/// How to run.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Options {
    /// Overrides `simulation.paths`.
    pub paths: Option<u64>,
    /// Overrides `simulation.seed`.
    pub seed: Option<u64>,
    /// Worker threads; `None`: rayon's default (every core, or `RAYON_NUM_THREADS`).
    pub threads: Option<usize>,
    /// Run the capital-efficiency comparison.
    pub capital_efficiency: bool,
    /// Run the `--recommend` search.
    pub recommend: bool,
}

/// A run's results.
#[derive(Clone, Debug, PartialEq)]
pub struct Output {
    /// The report.
    pub report: Report,
    /// `(loss in dollars, P(total loss > loss))` at the top of each histogram bucket of the
    /// total loss per path (pool payouts beyond premium plus trader obligations beyond
    /// collateral), increasing: for plots.
    pub loss_exceedance: Vec<(f64, f64)>,
}

/// Runs a simulation.
///
/// # Errors
/// One line: a path count out of range, a thread pool that cannot start, or an input the
/// pricer refuses (naming the line of the book).
pub fn run(config: &Config, options: &Options, progress: &Progress) -> Result<Output, String> {
    match options.threads {
        Some(n) => rayon::ThreadPoolBuilder::new()
            .num_threads(n.max(1))
            .build()
            .map_err(|e| format!("starting {n} threads: {e}"))?
            .install(|| run_here(config, options, progress)),
        None => run_here(config, options, progress),
    }
}

fn run_here(config: &Config, options: &Options, progress: &Progress) -> Result<Output, String> {
    let mut config = config.clone();
    if let Some(paths) = options.paths {
        if paths == 0 || paths > config::MAX_PATHS {
            return Err(format!(
                "--paths: must be between 1 and {}, got {paths}",
                config::MAX_PATHS
            ));
        }
        config.simulation.paths = paths;
    }
    if let Some(seed) = options.seed {
        config.simulation.seed = seed;
    }
    let (paths, seed) = (config.simulation.paths, config.simulation.seed);
    let model = Model::new(&config)?;
    progress.start(0, paths);
    let rows: Vec<Vec<usize>> = report::row_specs(&config).into_iter().map(|r| r.2).collect();
    let stats = run_paths(&model, seed, paths, true, &|| Stats::new(&model, &rows), progress);

    let shocks = report::scenarios();
    let mut scenario_outcomes = Vec::with_capacity(shocks.len());
    for (name, description, returns) in &shocks {
        let mut out = Outcome::new(&model);
        simulate(&model, Source::Fixed(returns), &mut out, false);
        let shocked = model.spot * returns.iter().sum::<f64>().exp();
        scenario_outcomes.push((*name, *description, shocked, out));
    }

    progress.start(1, 0);
    let capital = if options.capital_efficiency {
        Some(search::capital_efficiency(&model, &config, seed, paths, progress)?)
    } else {
        None
    };
    progress.start(2, 0);
    let recommendation = if options.recommend {
        Some(search::recommend(&model, &config, seed, paths, progress)?.0)
    } else {
        None
    };
    progress.start(3, 0);
    let report =
        report::build(&config, &model, &stats, &scenario_outcomes, capital, recommendation);
    let dollars = 10f64.powi(i32::from(config.market.asset_decimals));
    let loss_exceedance =
        stats.total_loss.exceedance().into_iter().map(|(x, p)| (x / dollars, p)).collect();
    Ok(Output { report, loss_exceedance })
}
