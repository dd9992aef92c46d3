//! Statistical and behavioural checks of the simulator, with fixed seeds: the Monte Carlo
//! against Black-Scholes, the waterfalls' ordering and conservation, reproducibility, and
//! the config's errors.

use mutual_simulator::config::EXAMPLE_TOML;
use mutual_simulator::{run, Config, Options, Output, Progress, Report};

/// A one-market config: `book` is `[[pool_book]]` tables (and anything after them),
/// `tranches` is `[[tranches]]` tables. Fees off, so every dollar is a premium or a loss.
fn config(dynamics: &str, nav: &str, tranches: &str, book: &str) -> Config {
    let text = format!(
        r#"
[simulation]
paths = 4000
seed = 7
target_failure_probability = 0.001

[market]
underlying = "ETH"
spot = 2000
rate = 0.05
asset_decimals = 6
reserve = 0

[dynamics]
{dynamics}

[governance]
chain_id = 1
contract = "0x0000000000000000000000000000000000001000"
retention = 0.05
margin_multiplier = 1.25
maintenance_fraction = 0.5
stress_spot_factors = [0.8, 1.0, 1.2]
stress_vol_factors = [1.0]
lp_fee_weight = 1
insurance_fee_weight = 1
treasury_fee_weight = 1

[pool]
nav = {nav}

{tranches}

{book}
"#
    );
    Config::from_toml(&text).unwrap_or_else(|e| panic!("test config: {e}\n{text}"))
}

const NO_JUMPS: &str =
    "drift = 0.05\nvolatility = 0.8\njump_intensity = 0\njump_mean = 0\njump_volatility = 0";
const JUMPS: &str =
    "drift = 0.05\nvolatility = 0.7\njump_intensity = 6\njump_mean = -0.05\njump_volatility = 0.15";

fn atm_call(expiry_days: u32, amount: u32) -> String {
    format!("[[pool_book]]\nkind = \"call\"\nstrike = 2000\nexpiry_days = {expiry_days}\namount = {amount}\nvol = 0.8\n")
}

fn simulate(config: &Config, options: &Options) -> Output {
    run(config, options, &Progress::default()).expect("the simulation runs")
}

fn quick(paths: u64) -> Options {
    Options { paths: Some(paths), ..Options::default() }
}

fn row<'a>(r: &'a Report, waterfall: &str, layer: &str) -> &'a mutual_simulator::report::LayerRow {
    r.layers
        .iter()
        .find(|l| l.waterfall == waterfall && l.layer.contains(layer))
        .unwrap_or_else(|| panic!("no row {waterfall} / {layer}"))
}

fn units(text: &str) -> i128 {
    text.parse().expect("an integer total")
}

// ------------------------------------------------------------------------------------------
// Monte Carlo against Black-Scholes
// ------------------------------------------------------------------------------------------

/// With jumps off and the drift at the rate, the discounted mean payout of one ATM call
/// is its Black-Scholes price (the premium, rounded up to a cent's millionth) within 4
/// standard errors; with a wrong drift the same check fails, so it can.
#[test]
fn mean_payout_of_an_atm_call_is_its_black_scholes_price() {
    let check = |dynamics: &str| {
        let c = config(dynamics, "10_000_000", "", &atm_call(30, 1));
        let out = simulate(&c, &quick(40_000));
        let e = &out.report.expiries[0];
        let discount = (-0.05_f64 * 30.0 / 365.0).exp();
        let (mean, se) = (e.mean_payout * discount, e.payout_standard_error * discount);
        // Black-Scholes: 2000, 2000, 30/365 years, 80%, 5%: about 186.7.
        assert!((e.premium - 186.7).abs() < 0.5, "premium {}", e.premium);
        assert!(se > 0.5 && se < 3.0, "standard error {se}");
        ((mean - e.premium).abs(), 4.0 * se + 1e-6)
    };
    let (error, bound) = check(NO_JUMPS);
    assert!(error <= bound, "mean payout off the price by {error}, bound {bound}");
    let wrong = NO_JUMPS.replace("drift = 0.05", "drift = 1.5");
    let (error, bound) = check(&wrong);
    assert!(error > bound, "a 150% drift should be detected: {error} vs {bound}");
}

/// The jump compensator keeps the spot a martingale after discounting: with jumps on and
/// the drift at the rate, the mean payout of a deep in-the-money call (nearly linear in the
/// spot) is still `S - K e^(-rT)` within 4 standard errors.
#[test]
fn jumps_keep_the_forward() {
    let book =
        "[[pool_book]]\nkind = \"call\"\nstrike = 500\nexpiry_days = 30\namount = 1\nvol = 0.8\n";
    let c = config(JUMPS, "10_000_000", "", book);
    let out = simulate(&c, &quick(40_000));
    let e = &out.report.expiries[0];
    let t = 30.0 / 365.0;
    let discount = (-0.05_f64 * t).exp();
    let expected = 2000.0 - 500.0 * discount;
    let mean = e.mean_payout * discount;
    let bound = 4.0 * e.payout_standard_error * discount;
    assert!((mean - expected).abs() <= bound, "{mean} vs {expected} (bound {bound})");
}

// ------------------------------------------------------------------------------------------
// The waterfalls
// ------------------------------------------------------------------------------------------

const TWO_TRANCHES: &str = r#"
[[tranches]]
name = "junior"
assets = 200_000
cap = 0.5
income_weight = 3

[[tranches]]
name = "senior"
assets = 600_000
cap = 0.5
min_balance = 50_000
income_weight = 1
"#;

/// Along each waterfall a deeper layer (a larger loss) is touched no more often than the
/// layer before it is exhausted, which is no more often than it is touched; and a bigger
/// book (larger losses on the same paths) touches every layer at least as often.
#[test]
fn layer_probabilities_are_monotone_in_the_loss() {
    let touched = |amount: u32| {
        let c = config(JUMPS, "2_000_000", TWO_TRANCHES, &atm_call(30, amount));
        let r = simulate(&c, &quick(4000)).report;
        let pool: Vec<_> = r.layers.iter().filter(|l| l.waterfall == "pool tail loss").collect();
        for pair in pool.windows(2) {
            let exhausted = pair[0].p_exhausted.expect("a layer with capacity");
            assert!(pair[1].p_touched <= exhausted, "{} after {}", pair[1].layer, pair[0].layer);
            assert!(exhausted <= pair[0].p_touched, "{}", pair[0].layer);
        }
        pool.iter().map(|l| l.p_touched).collect::<Vec<f64>>()
    };
    let sizes = [500, 1_000, 2_000, 4_000];
    let probabilities: Vec<Vec<f64>> = sizes.iter().map(|&a| touched(a)).collect();
    for (k, pair) in probabilities.windows(2).enumerate() {
        for (layer, (small, large)) in pair[0].iter().zip(&pair[1]).enumerate() {
            assert!(
                small <= large,
                "layer {layer}: {small} at {} units, {large} at {}",
                sizes[k],
                sizes[k + 1]
            );
        }
    }
    // The book is big enough to reach the haircut at the largest size, and not at the
    // smallest: the check spans every layer.
    assert!(probabilities[0].last() == Some(&0.0) && probabilities[3].last() > Some(&0.0));
}

/// Without tranches, every pool tail loss beyond what the pool can pay is a haircut on the
/// longs, to the unit: over all paths, retained + beyond the (absent) cover + haircut =
/// the payouts beyond premium. In the deterministic squeeze the haircut is the loss minus
/// the whole NAV.
#[test]
fn without_tranches_the_excess_is_a_haircut() {
    let c = config(JUMPS, "300_000", "", &atm_call(30, 2_000));
    let r = simulate(&c, &quick(4000)).report;
    assert_eq!(r.summary.tranches.len(), 0);
    let tail = r.losses.iter().find(|l| l.name.starts_with("pool payouts")).unwrap();
    let pool: Vec<_> = r.layers.iter().filter(|l| l.waterfall == "pool tail loss").collect();
    assert_eq!(pool.len(), 3, "retention, pool beyond cover, haircut");
    let sum: i128 = pool.iter().map(|l| units(&l.amount.total_units)).sum();
    assert_eq!(sum, units(&tail.amount.total_units));
    let haircut = row(&r, "pool tail loss", "haircut");
    assert!(haircut.p_touched > 0.01, "{}", haircut.p_touched);
    assert!((r.haircut_probability - haircut.p_touched).abs() < 1e-12);
    let squeeze = r.scenarios.iter().find(|s| s.name == "short-squeeze").unwrap();
    assert!((squeeze.haircut - (squeeze.tail_loss - 300_000.0)).abs() < 1e-6, "{squeeze:?}");
    assert!((squeeze.lp_return + 1.0).abs() < 1e-12);

    // The same book with tranches: they take part of the excess, so fewer haircuts.
    let with = config(JUMPS, "300_000", TWO_TRANCHES, &atm_call(30, 2_000));
    let r2 = simulate(&with, &quick(4000)).report;
    assert!(r2.haircut_probability < r.haircut_probability);
    let pool: Vec<_> = r2.layers.iter().filter(|l| l.waterfall == "pool tail loss").collect();
    let tail = r2.losses.iter().find(|l| l.name.starts_with("pool payouts")).unwrap();
    let sum: i128 = pool.iter().map(|l| units(&l.amount.total_units)).sum();
    assert_eq!(sum, units(&tail.amount.total_units), "conservation with tranches");

    // Each tranche ends with its assets plus its fee income less what it absorbed, on
    // average over the paths and in each shock.
    for (i, t) in r2.summary.tranches.iter().enumerate() {
        let absorbed = row(&r2, "all", &t.name);
        let pnl = r2.returns[1 + i].mean * t.assets;
        assert!(
            (pnl - (t.income - absorbed.amount.expected)).abs() < 1e-6 * t.assets,
            "{}",
            t.name
        );
        let k = r2.layers.iter().position(|l| l.waterfall == "all" && l.layer == t.name).unwrap();
        for sc in &r2.scenarios {
            let pnl = sc.tranche_returns[i] * t.assets;
            assert!((pnl - (t.income - sc.absorbed[k])).abs() < 1e-6, "{} in {}", t.name, sc.name);
        }
    }
}

/// A trader whose margin does not cover a crash runs the trader-default waterfall in
/// order: margin, reserve, the tranches, the LPs.
#[test]
fn trader_defaults_run_their_waterfall_in_order() {
    let traders = r#"
[[traders]]
name = "naked-puts"
expiry_days = 30
legs = [{ kind = "put", strike = 1900, amount = 2000, vol = 0.8 }]
"#;
    let mut c = config(JUMPS, "5_000_000", TWO_TRANCHES, traders);
    c.governance.margin_multiplier_wad = 300_000_000_000_000_000; // 0.3: thin margin
    let r = simulate(&c, &quick(4000)).report;
    assert!(r.default_probability > 0.0);
    let d: Vec<_> = r.layers.iter().filter(|l| l.waterfall == "trader default").collect();
    for pair in d.windows(2) {
        if let Some(exhausted) = pair[0].p_exhausted {
            assert!(pair[1].p_touched <= exhausted, "{} after {}", pair[1].layer, pair[0].layer);
        }
    }
    let crash = r.scenarios.iter().find(|s| s.name == "black-thursday").unwrap();
    assert!(crash.default_loss > 0.0 && crash.tranche_returns[0] < 0.0, "{crash:?}");
}

// ------------------------------------------------------------------------------------------
// Reproducibility
// ------------------------------------------------------------------------------------------

/// One seed gives the same report, to the bit, on one thread or two and on every run; a
/// different seed gives a different one.
#[test]
fn a_seed_reproduces_the_report_exactly_on_any_thread_count() {
    let c = Config::example();
    let on = |threads: usize, seed: u64| {
        let o = Options {
            paths: Some(3000),
            seed: Some(seed),
            threads: Some(threads),
            ..Options::default()
        };
        simulate(&c, &o)
    };
    let one = on(1, 11);
    let two = on(2, 11);
    assert_eq!(one.report, two.report);
    assert_eq!(one.loss_exceedance, two.loss_exceedance);
    assert_eq!(
        serde_json::to_string(&one.report).unwrap(),
        serde_json::to_string(&on(2, 11).report).unwrap()
    );
    assert_ne!(one.report, on(2, 12).report);
}

// ------------------------------------------------------------------------------------------
// The searches
// ------------------------------------------------------------------------------------------

/// The capital-efficiency comparison meets its target in each case it searches, and its
/// ratios are the ratios of its figures; the recommendation's parameters meet theirs.
#[test]
fn searches_meet_their_targets() {
    let c = Config::example();
    let o = Options {
        paths: Some(2000),
        capital_efficiency: true,
        recommend: true,
        ..Options::default()
    };
    let r = simulate(&c, &o).report;
    let ce = r.capital_efficiency.expect("asked for");
    assert!(ce.siloed_margin_met && ce.mutualized_met);
    assert!(ce.siloed_margin_failure_probability <= ce.target_failure_probability);
    assert!(ce.mutualized_failure_probability <= ce.target_failure_probability);
    assert!((ce.full_over_mutualized - ce.siloed_full / ce.mutualized).abs() < 1e-12);
    assert!(ce.siloed_full > ce.mutualized && ce.siloed_margin > ce.mutualized, "{ce:?}");
    let rec = r.recommendation.expect("asked for");
    assert_eq!(rec.parameters.len(), 4);
    for p in &rec.parameters {
        assert!(!p.met || p.probability <= p.target, "{p:?}");
    }
}

// ------------------------------------------------------------------------------------------
// Configs
// ------------------------------------------------------------------------------------------

/// The shipped example parses to the built-in one and simulates.
#[test]
fn the_example_config_parses_and_runs() {
    let c = Config::from_toml(EXAMPLE_TOML).unwrap();
    assert_eq!(c, Config::example());
    let r = simulate(&c, &quick(500)).report;
    assert_eq!(r.summary.pool_lines, 22);
    assert_eq!(r.scenarios.len(), 3);
}

/// Bad configs fail with one line naming the field.
#[test]
fn bad_configs_name_the_field() {
    let err = |from: &str, to: &str| {
        assert!(EXAMPLE_TOML.contains(from), "{from:?} not in the example");
        Config::from_toml(&EXAMPLE_TOML.replacen(from, to, 1)).expect_err(to)
    };
    let cases = [
        ("nav = 25_000_000", "nav = -25_000_000", vec!["pool.nav", "negative"]),
        ("reserve = 500_000", "reserve = -1", vec!["market.reserve", "negative"]),
        ("amount = 1500", "amount = -1500", vec!["pool_book[0].amount", "negative"]),
        ("amount = 1500", "amount = 0", vec!["pool_book[0].amount", "positive"]),
        ("assets = 2_500_000", "assets = -2_500_000", vec!["tranches[0].assets", "negative"]),
        (
            "min_balance = 500_000",
            "min_balance = 9_000_000",
            vec!["tranches[1].min_balance", "inconsistent"],
        ),
        ("cap = 0.4", "cap = 1.5", vec!["tranches[1].cap", "(0, 1]"]),
        ("cap = 0.4", "cap = 0", vec!["tranches[1].cap"]),
        ("name = \"senior\"", "name = \"junior\"", vec!["tranches[1].name", "duplicate"]),
        ("income_weight = 1\n", "income_weight = 0\n", vec!["tranches[1].income_weight"]),
        (
            "nav = 25_000_000",
            "nav = 25_000_000\nnva = 1",
            vec!["unknown field `nva`", "[pool]", "line"],
        ),
        (
            "paths = 20_000",
            "paths = 20_000\npath = 3",
            vec!["unknown field `path`", "[simulation]"],
        ),
        (
            "vol = 0.75\n",
            "vol = 0.75\nstrik = 2\n",
            vec!["unknown field `strik`", "[[pool_book]] #1"],
        ),
        ("spot = 2000", "spot = 0", vec!["market.spot"]),
        ("rate = 0.05", "rate = 0.0000000000000000001", vec!["market.rate", "decimal places"]),
        (
            "volatility = 0.65",
            "volatility = \"fast\"",
            vec!["dynamics.volatility", "not a decimal"],
        ),
        ("retention = 0.04", "retention = 1.2", vec!["governance.retention"]),
        (
            "contract = \"0x0000000000000000000000000000000000001000\"",
            "contract = \"0x12\"",
            vec!["governance.contract"],
        ),
        (
            "target_failure_probability = 0.001",
            "target_failure_probability = 1",
            vec!["simulation.target_failure_probability"],
        ),
        ("expiry_days = 7\n", "expiry_days = 0\n", vec!["pool_book[0].expiry_days"]),
        ("[pool]\n", "[pol]\n", vec!["pol"]),
        ("spread_fee = 0.0005", "spread_fee = -0.0005", vec!["market.spread_fee", "negative"]),
        ("spread_cap = 0.125", "spread_cap = 1.5", vec!["market.spread_cap", "between 0 and 1"]),
        (
            "utilization_fee_kink = 0.8",
            "utilization_fee_kink = 0",
            vec!["market.utilization_fee_kink", "(0, 1]"],
        ),
        (
            "utilization_fee_slope_above = 0.5",
            "utilization_fee_slope_above = 2",
            vec!["market.utilization_fee_slope_above"],
        ),
        (
            "liquidation_penalty = 0.05",
            "liquidation_penalty = 1.05",
            vec!["governance.liquidation_penalty", "between 0 and 1"],
        ),
        (
            "liquidation_bounty_share = 0.5",
            "liquidation_bounty_share = 1.5",
            vec!["governance.liquidation_bounty_share", "between 0 and 1"],
        ),
        (
            "min_liquidation_bounty = 20",
            "min_liquidation_bounty = -20",
            vec!["governance.min_liquidation_bounty", "negative"],
        ),
        (
            "min_liquidation_bounty = 20",
            "min_liquidation_bounty = 0.0000001",
            vec!["governance.min_liquidation_bounty", "decimal places"],
        ),
        // The flat fee rate of the first version is gone: the contract's schedule replaced it.
        ("spread_fee = 0.0005", "fee_rate = 0.05", vec!["unknown field `fee_rate`", "[market]"]),
    ];
    for (from, to, needles) in cases {
        let e = err(from, to);
        assert_eq!(e.lines().count(), 1, "{e}");
        for n in needles {
            assert!(e.contains(n), "{n:?} not in {e:?} (for {to:?})");
        }
    }
    // An empty book, and checkpoints beyond the horizon.
    let e = Config::from_toml(&cut_tables(EXAMPLE_TOML, &["[[pool_book]]", "[[traders]]"]))
        .unwrap_err();
    assert!(e.contains("pool_book") && e.contains("empty"), "{e}");
    let e = err("# horizon_days = 30", "horizon_days = 30\ncoverage_checkpoints_days = [0, 40]");
    assert!(e.contains("simulation.coverage_checkpoints_days") && e.contains("horizon"), "{e}");
}

/// `text` without the array-of-tables entries whose header is in `headers`.
fn cut_tables(text: &str, headers: &[&str]) -> String {
    let mut out = String::new();
    let mut skipping = false;
    for line in text.lines() {
        let t = line.trim();
        if t.starts_with('[') && !t.starts_with("[ ") {
            skipping = headers.contains(&t);
        }
        if !skipping {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}
