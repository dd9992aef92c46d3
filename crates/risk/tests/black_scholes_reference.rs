//! Black-Scholes against the mpmath reference (60 digits), every row and every column,
//! with the worst error per column printed (`cargo test -- --nocapture` shows the table).
#![allow(
    clippy::cast_precision_loss,
    clippy::cast_possible_wrap,
    reason = "errors are reported as f64; reference values fit i128"
)]

use mutual_risk::black_scholes::{greeks, Greeks, Inputs};

const W: f64 = 1e18;

struct Row {
    id: u32,
    category: String,
    inputs: Inputs,
    expected: [i128; 10],
}

fn rows() -> Vec<Row> {
    load("bs_reference_wad.csv")
}

fn load(name: &str) -> Vec<Row> {
    let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).expect("reference file");
    text.lines()
        .skip(1)
        .map(|line| {
            let f: Vec<&str> = line.split(',').collect();
            let u = |i: usize| f[i].parse::<u128>().unwrap();
            let s = |i: usize| f[i].parse::<i128>().unwrap();
            Row {
                id: f[0].parse().unwrap(),
                category: f[1].to_string(),
                inputs: Inputs {
                    spot_wad: u(2),
                    strike_wad: u(3),
                    t_years_wad: u(4),
                    vol_wad: u(5),
                    rate_wad: u(6),
                },
                expected: [s(7), s(8), s(9), s(10), s(11), s(12), s(13), s(14), s(15), s(16)],
            }
        })
        .collect()
}

/// The columns in the reference file's order, from a `Greeks`.
fn actual(g: &Greeks) -> [i128; 10] {
    [
        g.call_wad as i128,
        g.put_wad as i128,
        g.delta_call_wad,
        g.delta_put_wad,
        g.gamma_wad as i128,
        g.vega_wad as i128,
        g.theta_call_wad,
        g.rho_call_wad,
        g.theta_put_wad,
        g.rho_put_wad,
    ]
}

const NAMES: [&str; 10] = [
    "call",
    "put",
    "delta_call",
    "delta_put",
    "gamma",
    "vega",
    "theta_call",
    "rho_call",
    "theta_put",
    "rho_put",
];

/// The tolerance for column `c` of a row, in wei.
fn tolerance(c: usize, inputs: &Inputs, expected: i128) -> f64 {
    let max_sk = inputs.spot_wad.max(inputs.strike_wad) as f64 / W; // in units
    match c {
        0 | 1 => 2.0 + max_sk, // 2 wei + 1e-18 max(S, K) (in wei: max(S,K) in units)
        2 | 3 => 5.0,          // 5 wei
        _ => 10.0 + 1e-16 * expected.unsigned_abs() as f64, // 10 wei + 1e-16 |value|
    }
}

/// Worst error per column over `rows`, as (wei, fraction of the tolerance, row id), and
/// the rows beyond `scale` times the tolerance.
fn measure(rows: &[Row], scale: f64) -> ([(f64, f64, u32); 10], Vec<String>) {
    // Per column: worst error in wei, worst error as a fraction of the tolerance, and where.
    let mut worst = [(0f64, 0f64, 0u32); 10];
    let mut failures = Vec::new();
    for row in rows {
        let g = greeks(&row.inputs)
            .unwrap_or_else(|e| panic!("row {} ({}): {e}", row.id, row.category));
        let got = actual(&g);
        for c in 0..10 {
            let err = (got[c] - row.expected[c]).unsigned_abs() as f64;
            let tol = tolerance(c, &row.inputs, row.expected[c]);
            if err > worst[c].0 {
                worst[c].0 = err;
            }
            if err / tol > worst[c].1 {
                worst[c].1 = err / tol;
                worst[c].2 = row.id;
            }
            if err > tol * scale {
                failures.push(format!(
                    "row {} ({}) {}: got {} expected {} (error {err} > tolerance {tol})",
                    row.id, row.category, NAMES[c], got[c], row.expected[c]
                ));
            }
        }
    }
    (worst, failures)
}

fn print_table(title: &str, worst: &[(f64, f64, u32); 10]) {
    println!("{title}");
    println!(
        "{:<11} {:>16} {:>18} {:>8}",
        "column", "max error (wei)", "max error / tol", "at row"
    );
    for c in 0..10 {
        println!("{:<11} {:>16} {:>18.4} {:>8}", NAMES[c], worst[c].0, worst[c].1, worst[c].2);
    }
}

#[test]
fn every_row_every_column_within_tolerance() {
    let rows = rows();
    assert_eq!(rows.len(), 200);
    let (worst, failures) = measure(&rows, 1.0);
    print_table("accuracy domain (bs_reference_wad.csv, 200 rows):", &worst);
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
}

/// Outside the accuracy domain (S/K from 1e-6 to 1e6, vol to 10) the documented error is
/// the in-domain formulas times `EXTENDED_TOLERANCE_FACTOR`.
#[test]
fn extended_domain_error_is_bounded() {
    let rows = load("bs_extended_wad.csv");
    assert!(rows.len() > 150);
    let (worst, failures) = measure(&rows, EXTENDED_TOLERANCE_FACTOR);
    print_table("extended domain (bs_extended_wad.csv):", &worst);
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
}

/// The documented error outside the accuracy domain, as a multiple of the in-domain
/// tolerance of each column.
const EXTENDED_TOLERANCE_FACTOR: f64 = 1.0;

#[test]
fn textbook_rows() {
    // Hull 42/40: call 4.7594, put 0.8086.
    let g = greeks(&Inputs {
        spot_wad: 42_000_000_000_000_000_000,
        strike_wad: 40_000_000_000_000_000_000,
        t_years_wad: 500_000_000_000_000_000,
        vol_wad: 200_000_000_000_000_000,
        rate_wad: 100_000_000_000_000_000,
    })
    .unwrap();
    assert_eq!(g.call_wad / 100_000_000_000_000, 47594);
    assert_eq!((g.put_wad + 50_000_000_000_000) / 100_000_000_000_000, 8086);
}

#[test]
fn prices_respect_no_arbitrage_bounds_and_parity_on_every_row() {
    for row in rows() {
        let g = greeks(&row.inputs).unwrap();
        let i = &row.inputs;
        let p = mutual_risk::black_scholes::prices(i).unwrap();
        assert_eq!((p.call_wad, p.put_wad), (g.call_wad, g.put_wad));
        // Parity holds exactly against the rounded discounted strike; check it within a wei
        // of the true K e^(-rT).
        let kdf =
            i.strike_wad as f64 * (-(i.rate_wad as f64 / W) * (i.t_years_wad as f64 / W)).exp();
        let lhs = g.call_wad as f64 - g.put_wad as f64;
        let rhs = i.spot_wad as f64 - kdf;
        assert!((lhs - rhs).abs() <= 1e-12 * (i.spot_wad as f64).max(kdf) + 2.0, "row {}", row.id);
        assert!(g.call_wad <= i.spot_wad);
        assert!(g.delta_call_wad >= 0 && g.delta_call_wad <= 1_000_000_000_000_000_000);
        assert_eq!(g.delta_call_wad - g.delta_put_wad, 1_000_000_000_000_000_000);
    }
}
