//! One path, and many in parallel.
//!
//! A path walks the days `1..=horizon`. Each day: the spot moves (one Merton
//! jump-diffusion step, or the next day of a named scenario) and is rounded once to an
//! 18-decimal integer; each open trader is liquidated if the spot left its healthy interval
//! (`margin::Requirement::health` turned negative: its collateral, split by
//! `margin::liquidation_split`, pays the bounty, then the mark to the pool, then the rest of
//! the penalty to the market reserve) or, on its expiry day, settles what its legs owe
//! (`settlement::obligation_asset_up`); the part of the liability its collateral could not
//! pay runs the trader-default waterfall; then the pool's options of that expiry settle
//! (`settlement::payout_asset_down` per line), a payout beyond the premium held for them
//! runs the pool tail-loss waterfall, and a haircut is shared among the lines'
//! holders by `settlement::pro_rata_down`; on checkpoint days the insurance coverage ratio
//! is recorded.
//!
//! Paths are split into fixed chunks of 256; each chunk is simulated in order into a sink,
//! and sinks are merged with exact integer arithmetic (see [`crate::stats`]), so the
//! result does not depend on the thread count or the order of the merges.

use std::sync::atomic::{AtomicU64, Ordering};

use alloy_primitives::U256;
use mutual_risk::fixed::mul_div_down;
use mutual_risk::margin::liquidation_split;
use mutual_risk::settlement::pro_rata_down;
use mutual_risk::waterfall::{allocate_loss, excess_of_loss, Layer};
use rayon::prelude::*;

use crate::config::{MAX_CHECKPOINTS, MAX_TRANCHES, WAD};
use crate::model::{
    breaches, float_to_wad, mul_wad_down, obligation_units, payout_units, small, Expiry, Model,
    Steps,
};
use crate::rng::PathRng;
use crate::stats::Sketch;

/// Paths per chunk: the unit of parallel work and of progress.
const CHUNK: u64 = 256;

/// Indices of the layers of both waterfalls, for `n` tranches.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Layers {
    pub(crate) n: usize,
}

impl Layers {
    pub(crate) const D_MARGIN: usize = 0;
    pub(crate) const D_RESERVE: usize = 1;
    #[allow(clippy::unused_self, reason = "called like the other indices, which need `n`")]
    pub(crate) fn d_tranche(self, i: usize) -> usize {
        2 + i
    }
    pub(crate) fn d_lps(self) -> usize {
        2 + self.n
    }
    pub(crate) fn d_haircut(self) -> usize {
        3 + self.n
    }
    pub(crate) fn p_retention(self) -> usize {
        4 + self.n
    }
    pub(crate) fn p_tranche(self, i: usize) -> usize {
        5 + self.n + i
    }
    pub(crate) fn p_beyond(self) -> usize {
        5 + 2 * self.n
    }
    pub(crate) fn p_haircut(self) -> usize {
        6 + 2 * self.n
    }
    pub(crate) fn count(self) -> usize {
        7 + 2 * self.n
    }
}

/// What one path produced.
#[derive(Clone, Debug)]
pub(crate) struct Outcome {
    /// Per layer, the total it absorbed over the path, asset units.
    pub(crate) absorbed: Vec<u128>,
    /// Per layer, whether it absorbed anything.
    pub(crate) touched: Vec<bool>,
    /// Per layer, whether some event's loss went past it.
    pub(crate) exhausted: Vec<bool>,
    /// Sum over defaults of the obligation beyond the defaulter's collateral.
    pub(crate) default_loss: u128,
    /// Sum over settlements of the payout beyond the premium held.
    pub(crate) tail_loss: u128,
    /// Whether a pool tail loss went beyond the retention (the insurance attached).
    pub(crate) attached: bool,
    /// Liquidation bounties paid out of the liquidated traders' collateral.
    pub(crate) bounties: u128,
    /// The LPs' profit and loss over the path, asset units.
    pub(crate) lp_pnl: i128,
    /// Each tranche's profit and loss.
    pub(crate) tranche_pnl: [i128; MAX_TRANCHES],
    /// Coverage ratio (18 decimals) at each checkpoint; `None` if the book's stressed loss
    /// is zero there.
    pub(crate) coverage: [Option<u128>; MAX_CHECKPOINTS],
    /// The pool's payout at each expiry.
    pub(crate) payouts: Vec<u128>,
}

impl Outcome {
    pub(crate) fn new(model: &Model) -> Self {
        let n = Layers { n: model.capital.tranches.len() }.count();
        Self {
            absorbed: vec![0; n],
            touched: vec![false; n],
            exhausted: vec![false; n],
            default_loss: 0,
            tail_loss: 0,
            attached: false,
            bounties: 0,
            lp_pnl: 0,
            tranche_pnl: [0; MAX_TRANCHES],
            coverage: [None; MAX_CHECKPOINTS],
            payouts: vec![0; model.expiries.len()],
        }
    }

    fn reset(&mut self) {
        self.absorbed.fill(0);
        self.touched.fill(false);
        self.exhausted.fill(false);
        self.default_loss = 0;
        self.tail_loss = 0;
        self.attached = false;
        self.bounties = 0;
        self.lp_pnl = 0;
        self.tranche_pnl = [0; MAX_TRANCHES];
        self.coverage = [None; MAX_CHECKPOINTS];
        self.payouts.fill(0);
    }

    /// Whether a long went unpaid: a haircut in either waterfall.
    pub(crate) fn failed(&self, layers: Layers) -> bool {
        self.absorbed[layers.d_haircut()] > 0 || self.absorbed[layers.p_haircut()] > 0
    }

    /// Whether a trader's obligation exceeded its collateral.
    pub(crate) fn defaulted(&self) -> bool {
        self.touched[Layers::D_MARGIN]
    }

    fn absorb(&mut self, layer: usize, amount: u128, passed: bool) {
        if amount > 0 {
            self.absorbed[layer] += amount;
            self.touched[layer] = true;
        }
        if passed {
            self.exhausted[layer] = true;
        }
    }
}

/// Where a path's daily log-returns come from.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Source<'a> {
    /// The jump-diffusion, path `index` of a run seeded `seed`.
    Random { seed: u64, index: u64 },
    /// Given daily log-returns; days beyond the list are flat.
    Fixed(&'a [f64]),
}

/// Mutable balances along a path.
struct Balances {
    nav: u128,
    reserve: u128,
    assets: [u128; MAX_TRANCHES],
}

/// Simulates one path into `out`.
#[allow(clippy::too_many_lines, reason = "one day's events in order")]
pub(crate) fn simulate(model: &Model, source: Source<'_>, out: &mut Outcome, coverage: bool) {
    out.reset();
    let cap = &model.capital;
    let n = cap.tranches.len();
    let layers = Layers { n };
    let nav0 = cap.nav_units;
    let mut b = Balances {
        nav: nav0 + cap.lp_fee_units,
        reserve: cap.reserve_units,
        assets: [0; MAX_TRANCHES],
    };
    for i in 0..n {
        b.assets[i] = cap.tranches[i].assets_units + cap.tranche_income_units[i];
    }
    let mut rng = match source {
        Source::Random { seed, index } => Some(PathRng::for_path(seed, index)),
        Source::Fixed(_) => None,
    };
    let traders = &model.traders;
    let mut open: Vec<bool> = vec![true; traders.len()];
    let mut next_expiry = 0;
    let mut log_spot = 0.0_f64;
    let checkpoints = &model.checkpoints;
    let mut next_checkpoint = 0;
    if coverage {
        while next_checkpoint < checkpoints.len() && checkpoints[next_checkpoint].day == 0 {
            out.coverage[next_checkpoint] = coverage_at(model, next_checkpoint, model.spot, &b);
            next_checkpoint += 1;
        }
    }
    let s = model.steps;
    for day in 1..=model.horizon {
        let step = match (&mut rng, source) {
            (Some(rng), _) => log_step(rng, s),
            (None, Source::Fixed(r)) => r.get(day as usize - 1).copied().unwrap_or(0.0),
            (None, Source::Random { .. }) => 0.0,
        };
        log_spot += step;
        let spot = model.spot * log_spot.exp();
        let spot_wad = if log_spot == 0.0 { model.spot_wad } else { float_to_wad(spot) };

        // Traders: liquidation inside the tenor, settlement on the expiry day.
        for (t, is_open) in traders.iter().zip(open.iter_mut()) {
            if !*is_open {
                continue;
            }
            if day == t.expiry {
                *is_open = false;
                let owed = obligation_units(&t.legs, spot_wad, model.decimals);
                if owed > t.margined.collateral_units {
                    let (paid, short) =
                        (t.margined.collateral_units, owed - t.margined.collateral_units);
                    trader_default(short, paid, &mut b, model, layers, out);
                }
            } else if breaches(t.margined.bounds[day as usize - 1], spot_wad) {
                *is_open = false;
                // The pool takes the options over at the mark (the requirement's liability);
                // the collateral pays the bounty first, then the pool, then the reserve.
                let Some(liability) = model.liability(&t.legs, spot_wad, t.expiry - day) else {
                    continue;
                };
                let Ok(split) = liquidation_split(
                    U256::from(t.margined.collateral_units),
                    liability,
                    &model.liquidation,
                ) else {
                    continue;
                };
                b.reserve = b.reserve.saturating_add(small(split.to_reserve));
                out.bounties += small(split.bounty);
                if !split.shortfall.is_zero() {
                    let paid = small(split.to_pool);
                    trader_default(small(split.shortfall), paid, &mut b, model, layers, out);
                }
            }
        }

        // The pool's own options of this expiry.
        while next_expiry < model.expiries.len() && model.expiries[next_expiry].day == day {
            let e = &model.expiries[next_expiry];
            let payout = e
                .lines
                .iter()
                .map(|l| payout_units(l, spot_wad, model.decimals))
                .fold(0, u128::saturating_add);
            out.payouts[next_expiry] = payout;
            if payout <= e.premium_units {
                b.nav += e.premium_units - payout;
            } else {
                pool_tail_loss(e, spot_wad, payout, &mut b, model, layers, out);
            }
            next_expiry += 1;
        }

        if coverage {
            while next_checkpoint < checkpoints.len() && checkpoints[next_checkpoint].day == day {
                out.coverage[next_checkpoint] = coverage_at(model, next_checkpoint, spot, &b);
                next_checkpoint += 1;
            }
        }
    }
    out.lp_pnl = signed_diff(b.nav, nav0);
    for i in 0..n {
        out.tranche_pnl[i] = signed_diff(b.assets[i], cap.tranches[i].assets_units);
    }
}

fn signed_diff(a: u128, b: u128) -> i128 {
    let d = i128::try_from(a.abs_diff(b)).unwrap_or(i128::MAX);
    if a >= b {
        d
    } else {
        -d
    }
}

/// A tranche as a waterfall layer: `min(assets - minBalance, capWad x assets)`, the cap
/// rounded down (in the tranche's favour), as `InsuranceFund::cover` builds it.
fn tranche_layer(model: &Model, b: &Balances, i: usize) -> Layer {
    let t = &model.capital.tranches[i];
    let held = b.assets[i];
    Layer {
        available: U256::from(held.saturating_sub(t.min_balance_units)),
        cap: mul_div_down(U256::from(t.cap_wad), U256::from(held), U256::from(WAD)).ok(),
    }
}

/// DESIGN.md's trader-default waterfall for what a trader's collateral could not pay
/// (`shortfall`, after `paid` of its collateral went to the liability): the margin (layer
/// 1, recorded as `paid`), the market reserve, the tranches junior first (capped per
/// event), the LPs, and a haircut on the longs for the residual.
fn trader_default(
    shortfall: u128,
    paid: u128,
    b: &mut Balances,
    model: &Model,
    layers: Layers,
    out: &mut Outcome,
) {
    let n = layers.n;
    let mut stack = [Layer { available: U256::ZERO, cap: None }; MAX_TRANCHES + 2];
    stack[0] = Layer { available: U256::from(b.reserve), cap: None };
    for i in 0..n {
        stack[1 + i] = tranche_layer(model, b, i);
    }
    stack[1 + n] = Layer { available: U256::from(b.nav), cap: None };
    let mut absorbed = [U256::ZERO; MAX_TRANCHES + 2];
    let residual = allocate_loss(U256::from(shortfall), &stack[..n + 2], &mut absorbed[..n + 2])
        .expect("one slot per layer");
    let taken: Vec<u128> = absorbed[..n + 2].iter().map(|a| small(*a)).collect();
    let residual = small(residual);
    out.default_loss += shortfall;
    // "Passed": anything reached a later layer or the residual.
    let mut later = residual;
    let mut passed = [false; MAX_TRANCHES + 2];
    for k in (0..n + 2).rev() {
        passed[k] = later > 0;
        later += taken[k];
    }
    // The margin is exhausted by definition: a shortfall is what it could not pay.
    out.absorb(Layers::D_MARGIN, paid, true);
    out.touched[Layers::D_MARGIN] = true;
    out.absorb(Layers::D_RESERVE, taken[0], passed[0]);
    b.reserve -= taken[0];
    for i in 0..n {
        out.absorb(layers.d_tranche(i), taken[1 + i], passed[1 + i]);
        b.assets[i] -= taken[1 + i];
    }
    out.absorb(layers.d_lps(), taken[1 + n], passed[1 + n]);
    b.nav -= taken[1 + n];
    out.absorb(layers.d_haircut(), residual, false);
}

/// DESIGN.md's pool tail-loss waterfall: the pool keeps up to the retention (a fraction of
/// its NAV now), the tranches cover the excess junior first (each capped), the pool pays
/// what is beyond the cover, and whatever the pool cannot pay is a haircut on the board's
/// long payouts.
fn pool_tail_loss(
    e: &Expiry,
    spot_wad: u128,
    payout: u128,
    b: &mut Balances,
    model: &Model,
    layers: Layers,
    out: &mut Outcome,
) {
    let loss = payout - e.premium_units;
    let n = layers.n;
    out.tail_loss += loss;
    let retention = mul_wad_down(b.nav, model.capital.retention_wad);
    let mut covers = [Layer { available: U256::ZERO, cap: None }; MAX_TRANCHES];
    for (i, c) in covers.iter_mut().enumerate().take(n) {
        *c = tranche_layer(model, b, i);
    }
    let mut covered = [U256::ZERO; MAX_TRANCHES];
    let x =
        excess_of_loss(U256::from(loss), U256::from(retention), &covers[..n], &mut covered[..n])
            .expect("one slot per cover");
    let (retained, beyond) = (small(x.retained), small(x.beyond_cover));
    let covered: Vec<u128> = covered[..n].iter().map(|c| small(*c)).collect();
    if retained < loss {
        out.attached = true;
    }
    // The pool pays the retained part, then what is beyond the cover, from its NAV.
    let paid_retained = retained.min(b.nav);
    let paid_beyond = beyond.min(b.nav - paid_retained);
    b.nav -= paid_retained + paid_beyond;
    let unpaid = (retained - paid_retained) + (beyond - paid_beyond);
    // The holders of the board's lines share what the pool could pay pro rata, each
    // rounded down (`settlement::pro_rata_down`); the units the rounding leaves stay with
    // the pool, and the haircut is what the holders were not paid.
    let haircut = if unpaid == 0 {
        0
    } else {
        let available = U256::from(payout - unpaid);
        let total = U256::from(payout);
        let paid: u128 = e
            .lines
            .iter()
            .map(|l| {
                let owed = U256::from(payout_units(l, spot_wad, model.decimals));
                pro_rata_down(owed, available, total).map_or(0, small)
            })
            .sum();
        b.nav += payout - unpaid - paid;
        payout - paid
    };
    let mut later = haircut;
    let beyond_passed = later > 0;
    later += paid_beyond;
    let mut cover_passed = [false; MAX_TRANCHES];
    for i in (0..n).rev() {
        cover_passed[i] = later > 0;
        later += covered[i];
    }
    out.absorb(layers.p_retention(), paid_retained, later > 0 || retained < loss);
    for i in 0..n {
        out.absorb(layers.p_tranche(i), covered[i], cover_passed[i]);
        b.assets[i] -= covered[i];
    }
    out.absorb(layers.p_beyond(), paid_beyond, beyond_passed);
    out.absorb(layers.p_haircut(), haircut, false);
}

/// `fund assets x 1e18 / stressed loss` (rounded down, as the insurance contract computes
/// it), with the stressed loss of the open pool book at the nearest cached spot node.
fn coverage_at(model: &Model, c: usize, spot: f64, b: &Balances) -> Option<u128> {
    let stressed = model.stressed_loss_at(c, spot)?;
    let fund: u128 = b.assets[..model.capital.tranches.len()].iter().sum();
    mul_div_down(U256::from(fund), U256::from(WAD), U256::from(stressed)).ok().map(small)
}

/// Something that takes outcomes and merges exactly.
pub(crate) trait Sink: Send + Sized {
    /// Records one path.
    fn record(&mut self, o: &Outcome);
    /// Adds another sink's paths.
    fn merge(&mut self, other: Self);
}

/// Progress of a long run, polled by a progress bar.
#[derive(Debug, Default)]
pub struct Progress {
    /// Paths done in the current phase.
    pub done: AtomicU64,
    /// Paths in the current phase.
    pub total: AtomicU64,
    /// The current phase's name, as an index into [`Progress::PHASES`].
    pub phase: AtomicU64,
}

impl Progress {
    /// The phases' names.
    pub const PHASES: [&'static str; 4] =
        ["simulating", "capital search", "recommendation search", "done"];

    pub(crate) fn start(&self, phase: usize, total: u64) {
        self.phase.store(phase as u64, Ordering::Relaxed);
        self.done.store(0, Ordering::Relaxed);
        self.total.store(total, Ordering::Relaxed);
    }

    pub(crate) fn add_total(&self, extra: u64) {
        self.total.fetch_add(extra, Ordering::Relaxed);
    }
}

/// Simulates paths `0..paths` of the run seeded `seed` into sinks made by `new`, in
/// parallel on the current rayon pool, and merges them.
pub(crate) fn run_paths<S: Sink>(
    model: &Model,
    seed: u64,
    paths: u64,
    coverage: bool,
    new: &(impl Fn() -> S + Sync),
    progress: &Progress,
) -> S {
    let chunks = paths.div_ceil(CHUNK);
    (0..chunks)
        .into_par_iter()
        .fold(
            || (new(), Outcome::new(model)),
            |(mut sink, mut out), c| {
                let end = ((c + 1) * CHUNK).min(paths);
                for index in c * CHUNK..end {
                    simulate(model, Source::Random { seed, index }, &mut out, coverage);
                    sink.record(&out);
                }
                progress.done.fetch_add(end - c * CHUNK, Ordering::Relaxed);
                (sink, out)
            },
        )
        .map(|(sink, _)| sink)
        .reduce(new, |mut a, b| {
            a.merge(b);
            a
        })
}

/// One day's change of the log spot: drift, a normal shock, and a Poisson number of
/// normal jumps.
fn log_step(rng: &mut PathRng, s: Steps) -> f64 {
    let mut x = s.drift + s.vol * rng.normal();
    for _ in 0..rng.poisson(s.jump_rate) {
        x += s.jump_mean + s.jump_vol * rng.normal();
    }
    x
}

/// The daily spots of path `index` (the same draws as [`simulate`]), into `spots`
/// (`spots[d - 1]` is day `d`).
pub(crate) fn spot_path(model: &Model, seed: u64, index: u64, spots: &mut Vec<u128>) {
    spots.clear();
    let mut rng = PathRng::for_path(seed, index);
    let s = model.steps;
    let mut log_spot = 0.0_f64;
    for _ in 0..model.horizon {
        log_spot += log_step(&mut rng, s);
        spots.push(if log_spot == 0.0 {
            model.spot_wad
        } else {
            float_to_wad(model.spot * log_spot.exp())
        });
    }
}

/// Counts for the searches: paths, failures (a haircut), defaults beyond margin, pool
/// tail losses beyond the retention.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Counts {
    pub(crate) paths: u64,
    pub(crate) failures: u64,
    pub(crate) defaults: u64,
    pub(crate) attached: u64,
    /// Paths where a pool tail loss went beyond the insurance cover (back to the pool, or
    /// to a haircut), or a haircut happened.
    pub(crate) beyond_cover: u64,
    layers: Option<usize>,
}

impl Counts {
    pub(crate) fn new(n_tranches: usize) -> Self {
        Self { layers: Some(n_tranches), ..Self::default() }
    }
}

impl Sink for Counts {
    fn record(&mut self, o: &Outcome) {
        let layers = Layers { n: self.layers.unwrap_or(0) };
        self.paths += 1;
        self.failures += u64::from(o.failed(layers));
        self.defaults += u64::from(o.defaulted());
        self.attached += u64::from(o.attached);
        self.beyond_cover += u64::from(o.touched[layers.p_beyond()] || o.failed(layers));
    }

    fn merge(&mut self, other: Self) {
        self.paths += other.paths;
        self.failures += other.failures;
        self.defaults += other.defaults;
        self.attached += other.attached;
        self.beyond_cover += other.beyond_cover;
    }
}

/// One row of the layer table: the layers it sums, and its statistics.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct RowStats {
    pub(crate) layers: Vec<usize>,
    pub(crate) sketch: Sketch,
    pub(crate) touched: u64,
    pub(crate) exhausted: u64,
}

/// Everything the report needs, streamed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Stats {
    pub(crate) counts: Counts,
    pub(crate) rows: Vec<RowStats>,
    pub(crate) default_loss: Sketch,
    pub(crate) tail_loss: Sketch,
    pub(crate) total_loss: Sketch,
    pub(crate) lp: Sketch,
    pub(crate) tranches: Vec<Sketch>,
    pub(crate) coverage: Vec<Sketch>,
    pub(crate) coverage_undefined: Vec<u64>,
    pub(crate) payouts: Vec<Sketch>,
    pub(crate) tail_events: Vec<u64>,
    premiums: Vec<u128>,
}

impl Stats {
    pub(crate) fn new(model: &Model, rows: &[Vec<usize>]) -> Self {
        let n = model.capital.tranches.len();
        let c = model.checkpoints.len();
        let e = model.expiries.len();
        Self {
            counts: Counts::new(n),
            rows: rows
                .iter()
                .map(|l| RowStats {
                    layers: l.clone(),
                    sketch: Sketch::new(),
                    touched: 0,
                    exhausted: 0,
                })
                .collect(),
            default_loss: Sketch::new(),
            tail_loss: Sketch::new(),
            total_loss: Sketch::new(),
            lp: Sketch::new(),
            tranches: vec![Sketch::new(); n],
            coverage: vec![Sketch::new(); c],
            coverage_undefined: vec![0; c],
            payouts: vec![Sketch::new(); e],
            tail_events: vec![0; e],
            premiums: model.expiries.iter().map(|x| x.premium_units).collect(),
        }
    }
}

impl Sink for Stats {
    fn record(&mut self, o: &Outcome) {
        self.counts.record(o);
        for row in &mut self.rows {
            let total: u128 = row.layers.iter().map(|&l| o.absorbed[l]).sum();
            row.sketch.add_unsigned(total);
            row.touched += u64::from(row.layers.iter().any(|&l| o.touched[l]));
            row.exhausted += u64::from(row.layers.iter().any(|&l| o.exhausted[l]));
        }
        self.default_loss.add_unsigned(o.default_loss);
        self.tail_loss.add_unsigned(o.tail_loss);
        self.total_loss.add_unsigned(o.default_loss + o.tail_loss);
        self.lp.add(o.lp_pnl);
        for (s, pnl) in self.tranches.iter_mut().zip(o.tranche_pnl) {
            s.add(pnl);
        }
        for (i, s) in self.coverage.iter_mut().enumerate() {
            match o.coverage[i] {
                Some(v) => s.add_unsigned(v),
                None => self.coverage_undefined[i] += 1,
            }
        }
        for (i, s) in self.payouts.iter_mut().enumerate() {
            s.add_unsigned(o.payouts[i]);
            // A tail event at this expiry: a payout beyond the premium held.
            self.tail_events[i] += u64::from(o.payouts[i] > self.premiums[i]);
        }
    }

    fn merge(&mut self, other: Self) {
        self.counts.merge(other.counts);
        for (a, b) in self.rows.iter_mut().zip(other.rows) {
            a.sketch.merge(&b.sketch);
            a.touched += b.touched;
            a.exhausted += b.exhausted;
        }
        self.default_loss.merge(&other.default_loss);
        self.tail_loss.merge(&other.tail_loss);
        self.total_loss.merge(&other.total_loss);
        self.lp.merge(&other.lp);
        for (a, b) in self.tranches.iter_mut().zip(&other.tranches) {
            a.merge(b);
        }
        for (a, b) in self.coverage.iter_mut().zip(&other.coverage) {
            a.merge(b);
        }
        for (a, b) in self.coverage_undefined.iter_mut().zip(&other.coverage_undefined) {
            *a += b;
        }
        for (a, b) in self.payouts.iter_mut().zip(&other.payouts) {
            a.merge(b);
        }
        for (a, b) in self.tail_events.iter_mut().zip(&other.tail_events) {
            *a += b;
        }
    }
}

#[cfg(test)]
mod tests {
    use mutual_risk::margin::liquidation_split;

    use super::*;
    use crate::config::Config;

    /// A trader liquidated by a crash splits its collateral exactly as
    /// `margin::liquidation_split` does: the bounty first, the pool's share recorded as
    /// the margin layer, the shortfall as the loss the rest of the waterfall takes.
    #[test]
    fn a_liquidation_is_the_shared_split() {
        let mut config = Config::example();
        config.traders.truncate(4);
        config.traders.drain(..3); // the 30-day wing seller: 500 puts struck at 1,400
        config.governance.margin_multiplier_wad = WAD / 5;
        let model = Model::new(&config).unwrap();
        let t = &model.traders[0];
        let crash = [(0.55_f64).ln()];
        let mut out = Outcome::new(&model);
        simulate(&model, Source::Fixed(&crash), &mut out, false);
        let spot = float_to_wad(model.spot * crash[0].exp());
        assert!(breaches(t.margined.bounds[0], spot));
        let liability = model.liability(&t.legs, spot, t.expiry - 1).unwrap();
        let split = liquidation_split(
            U256::from(t.margined.collateral_units),
            liability,
            &model.liquidation,
        )
        .unwrap();
        assert!(!split.shortfall.is_zero() && !split.bounty.is_zero(), "{split:?}");
        assert_eq!(out.bounties, small(split.bounty));
        assert_eq!(out.default_loss, small(split.shortfall));
        assert_eq!(out.absorbed[Layers::D_MARGIN], small(split.to_pool));
        assert_eq!(out.absorbed[Layers::D_RESERVE], small(split.shortfall));
    }

    /// A pool that cannot pay its board shares what it can among the lines' holders by
    /// `settlement::pro_rata_down`: the haircut is what the holders were not paid.
    #[test]
    fn a_haircut_is_shared_pro_rata() {
        let mut config = Config::example();
        config.traders.clear();
        config.tranches.clear();
        config.simulation.horizon_days = Some(7);
        config.pool.nav_units = 1_000_000_000; // 1,000 dollars
        let model = Model::new(&config).unwrap();
        let squeeze = [(1.6_f64).ln()];
        let mut out = Outcome::new(&model);
        simulate(&model, Source::Fixed(&squeeze), &mut out, false);
        let e = &model.expiries[0];
        let spot = float_to_wad(model.spot * squeeze[0].exp());
        let owed: Vec<u128> =
            e.lines.iter().map(|l| payout_units(l, spot, model.decimals)).collect();
        let total: u128 = owed.iter().sum();
        assert_eq!(out.payouts[0], total);
        // What the pool could pay: the premium held and its whole NAV with the fees.
        let could = e.premium_units + model.capital.nav_units + model.capital.lp_fee_units;
        let paid: u128 = owed
            .iter()
            .map(|&o| {
                small(pro_rata_down(U256::from(o), U256::from(could), U256::from(total)).unwrap())
            })
            .sum();
        assert!(paid < could && could - paid < owed.len() as u128, "{paid} {could}");
        assert_eq!(out.absorbed[Layers { n: 0 }.p_haircut()], total - paid);
        assert_eq!(out.lp_pnl, -i128::try_from(model.capital.nav_units - (could - paid)).unwrap());
    }
}
