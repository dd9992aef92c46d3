//! The simulator's benchmark (a report, not a timed test): the built-in example with its
//! pool book replaced by 50 strikes (calls above the spot, puts below, over the five
//! expiries), 100,000 paths by default, on every core; prints paths per second.
//!
//! ```sh
//! cargo run --release -p mutual-simulator --example bench            # 100,000 paths
//! cargo run --release -p mutual-simulator --example bench -- 20000 1  # paths, threads
//! ```

use std::time::Instant;

use mutual_simulator::config::{Kind, Line, WAD};
use mutual_simulator::{run, Config, Options, Progress};

fn main() {
    let mut args = std::env::args().skip(1);
    let paths: u64 = args.next().map_or(100_000, |a| a.parse().expect("paths: an integer"));
    let threads: Option<usize> = args.next().map(|a| a.parse().expect("threads: an integer"));

    let mut config = Config::example();
    let expiries = [7, 14, 30, 60, 90];
    config.pool_book = (0..50u32)
        .map(|i| {
            // Strikes 1,000 to 3,450 in steps of 50; calls at or above the spot, puts below.
            let strike = 1_000 + 50 * u128::from(i);
            Line {
                kind: if strike >= 2_000 { Kind::Call } else { Kind::Put },
                strike_wad: strike * WAD,
                expiry_days: expiries[i as usize % expiries.len()],
                amount_wad: 200 * WAD,
                vol_wad: (75 + u128::from(i % 10)) * WAD / 100,
            }
        })
        .collect();
    let strikes: std::collections::BTreeSet<u128> =
        config.pool_book.iter().map(|l| l.strike_wad).collect();

    let options = Options { paths: Some(paths), threads, ..Options::default() };
    let start = Instant::now();
    let output = run(&config, &options, &Progress::default()).expect("the benchmark runs");
    let seconds = start.elapsed().as_secs_f64();
    let r = &output.report;
    #[allow(clippy::cast_precision_loss, reason = "a rate")]
    let rate = paths as f64 / seconds;
    println!(
        "{paths} paths x {} days over {} pool lines ({} strikes) and {} traders, {} thread(s): \
         {seconds:.2} s, {rate:.0} paths/s",
        r.summary.horizon_days,
        r.summary.pool_lines,
        strikes.len(),
        r.summary.traders.len(),
        threads.unwrap_or_else(rayon::current_num_threads),
    );
    println!(
        "P(haircut) = {:.5}, mean total loss {:.0}",
        r.haircut_probability, r.losses[2].amount.expected
    );
}
