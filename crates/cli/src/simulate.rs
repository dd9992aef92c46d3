//! `mutual simulate`: the pool-sizing risk simulator (`mutual-simulator`) on the command
//! line: the built-in example or a TOML config in, the report out (a table, or `--json`),
//! with an optional SVG plot and an optional Safe batch of recommended parameters.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use clap::Args;
use mutual_simulator::{render_text, Config, Options, Output, Progress, Recommendation};

use crate::decimal::parse_wad;
use crate::governance_batch::{self, Action, Request};
use crate::plot;

/// The arguments of `mutual simulate`.
#[derive(Args)]
#[allow(clippy::struct_excessive_bools, reason = "independent command-line switches")]
pub(crate) struct SimulateArgs {
    /// A TOML config (copy deployments/examples/simulate.toml, every field documented);
    /// the built-in example (that file) when absent.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Monte Carlo paths (overrides the config's `simulation.paths`).
    #[arg(long, value_name = "N")]
    paths: Option<u64>,
    /// The seed (overrides `simulation.seed`): the same seed and path count give the same
    /// output, whatever the thread count.
    #[arg(long, value_name = "N")]
    seed: Option<u64>,
    /// Worker threads (default: every core).
    #[arg(long, value_name = "N")]
    threads: Option<usize>,
    /// Target probability of failing to pay a long in full (overrides
    /// `simulation.target_failure_probability`), e.g. 0.001.
    #[arg(long, value_name = "P")]
    target: Option<String>,
    /// Print the report as JSON instead of a table.
    #[arg(long)]
    json: bool,
    /// Draw the loss distribution with the layer boundaries, and the tier-hit
    /// probabilities, to an SVG file.
    #[arg(long, value_name = "FILE.svg")]
    plot: Option<PathBuf>,
    /// Search the smallest margin multiplier, retention and tranche caps that meet the
    /// targets, and write them as a Safe Transaction Builder batch.
    #[arg(long)]
    recommend: bool,
    /// Where `--recommend` writes the batch.
    #[arg(
        long,
        value_name = "FILE",
        default_value = "recommend-batch.json",
        requires = "recommend"
    )]
    recommend_out: PathBuf,
    /// Skip the capital-efficiency comparison (its searches re-run the paths many times).
    #[arg(long)]
    no_capital: bool,
    /// Draw the progress bar on stderr even when it is not a terminal (it is drawn on a
    /// terminal anyway, once a run lasts half a second).
    #[arg(long)]
    progress: bool,
}

/// Runs `mutual simulate`, returning what to print on stdout.
///
/// # Errors
/// One line: the config's field or position at fault, a bad flag, or a file that cannot
/// be written.
pub(crate) fn run(args: &SimulateArgs) -> Result<String, String> {
    let mut config = match &args.config {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("config {}: {e}", path.display()))?;
            Config::from_toml(&text).map_err(|e| format!("config {}: {e}", path.display()))?
        }
        None => Config::example(),
    };
    if let Some(target) = &args.target {
        let wad = parse_wad(target).map_err(|e| format!("--target: {e}"))?;
        if wad == 0 || wad >= 1_000_000_000_000_000_000 {
            return Err(format!("--target: must be strictly between 0 and 1, got {target}"));
        }
        config.simulation.target_failure_probability_wad = wad;
    }
    if args.threads == Some(0) {
        return Err("--threads: must be at least 1".to_owned());
    }
    if let Some(plot) = &args.plot {
        plot::check_path(plot)?;
    }
    let options = Options {
        paths: args.paths,
        seed: args.seed,
        threads: args.threads,
        capital_efficiency: !args.no_capital,
        recommend: args.recommend,
    };
    let output = with_progress_bar(args.progress, |progress| {
        mutual_simulator::run(&config, &options, progress)
    })?;
    if let Some(path) = &args.plot {
        plot::draw(path, &output)?;
        eprintln!("wrote {}", path.display());
    }
    if let Some(rec) = &output.report.recommendation {
        let (paths, seed) = (output.report.summary.paths, output.report.summary.seed);
        if let Some(batch) = recommendation_batch(&config, rec, paths, seed)? {
            std::fs::write(&args.recommend_out, batch)
                .map_err(|e| format!("--recommend-out {}: {e}", args.recommend_out.display()))?;
            eprintln!("wrote {}", args.recommend_out.display());
        } else {
            eprintln!("--recommend: every parameter is already at its recommended value; no batch written");
        }
    }
    if args.json {
        serde_json::to_string_pretty(&output.report)
            .map(|j| j + "\n")
            .map_err(|e| format!("writing JSON: {e}"))
    } else {
        Ok(render_text(&output.report))
    }
}

/// Runs `f` with a progress bar on stderr: on a terminal once the run has lasted half a
/// second, redrawn in place and erased at the end; on request (`forced`, `--progress`)
/// from the start, whatever stderr is, and left on its last state.
fn with_progress_bar(
    forced: bool,
    f: impl FnOnce(&Progress) -> Result<Output, String>,
) -> Result<Output, String> {
    let progress = Progress::default();
    if !forced && !std::io::stderr().is_terminal() {
        return f(&progress);
    }
    let delay = Duration::from_millis(if forced { 0 } else { 500 });
    let finished = AtomicBool::new(false);
    let start = Instant::now();
    std::thread::scope(|scope| {
        scope.spawn(|| {
            let mut drawn = false;
            loop {
                let last = finished.load(Ordering::Relaxed);
                if start.elapsed() >= delay {
                    draw_bar(&progress, start);
                    drawn = true;
                }
                if last {
                    break;
                }
                std::thread::sleep(Duration::from_millis(150));
            }
            match (drawn, forced) {
                (true, true) => eprintln!(),
                (true, false) => eprint!("\r{}\r", " ".repeat(80)),
                (false, _) => {}
            }
        });
        let result = f(&progress);
        finished.store(true, Ordering::Relaxed);
        result
    })
}

/// One frame of the progress bar: phase, bar, paths done and elapsed time.
fn draw_bar(progress: &Progress, start: Instant) {
    let phase = usize::try_from(progress.phase.load(Ordering::Relaxed)).unwrap_or(0);
    let name = Progress::PHASES.get(phase).copied().unwrap_or("");
    let (done, total) =
        (progress.done.load(Ordering::Relaxed), progress.total.load(Ordering::Relaxed));
    let filled = if phase + 1 == Progress::PHASES.len() {
        30
    } else {
        usize::try_from((done.min(total) * 30).checked_div(total).unwrap_or(0)).unwrap_or(30)
    };
    eprint!(
        "\r{name:<22} [{}{}] {done}/{total} paths {:>5.1}s ",
        "#".repeat(filled),
        "-".repeat(30 - filled),
        start.elapsed().as_secs_f64()
    );
}

/// The keys whose higher value is unambiguously the safer one (more margin), which a
/// `tighten` may raise at once; every other change is queued through the timelock (a
/// tranche's cap and the retention shift risk between parties, and `queue` accepts a
/// change in either direction within the key's bounds).
fn higher_is_safer(key: &str) -> bool {
    key.ends_with(".marginMultiplierWad")
}

/// The Safe batch of the recommended changes, from a run of `paths` paths seeded `seed`:
/// `tighten` for a margin multiplier raised, `queue` for everything else that changes;
/// `None` when nothing changes.
fn recommendation_batch(
    config: &Config,
    rec: &Recommendation,
    paths: u64,
    seed: u64,
) -> Result<Option<String>, String> {
    let mut actions = Vec::new();
    let mut lines = Vec::new();
    for p in &rec.parameters {
        if p.current_wad == p.recommended_wad {
            continue;
        }
        let (current, recommended) = (
            p.current_wad.parse::<u128>().unwrap_or(0),
            p.recommended_wad.parse::<u128>().unwrap_or(0),
        );
        let (key, value) = (p.key.clone(), p.recommended_wad.clone());
        if higher_is_safer(&p.key) && recommended > current {
            actions.push(Action::Tighten { key, value });
        } else {
            actions.push(Action::Queue { key, value });
        }
        lines.push(format!("{} {} -> {}", p.key, p.current_wad, p.recommended_wad));
    }
    if actions.is_empty() {
        return Ok(None);
    }
    let g = &config.governance;
    let request = Request {
        chain_id: g.chain_id,
        governance: g.contract.clone(),
        safe: g.safe.clone(),
        name: format!("Mutual: recommended {} risk parameters", config.market.underlying),
        description: format!(
            "From `mutual simulate --recommend` (seed {}, {} paths, target P(haircut) {}): {}",
            seed,
            paths,
            crate::decimal::format_wad(config.simulation.target_failure_probability_wad),
            lines.join("; ")
        ),
        created_at: None,
        actions,
    };
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX));
    governance_batch::build(&request, now_ms).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_batch_tightens_margin_and_queues_the_rest() {
        let config = Config::example();
        let rec = Recommendation {
            parameters: vec![
                mutual_simulator::Recommended {
                    key: "market.ETH.marginMultiplierWad".into(),
                    current_wad: "1250000000000000000".into(),
                    recommended_wad: "1500000000000000000".into(),
                    probability: 0.0,
                    target: 0.001,
                    met: true,
                    criterion: String::new(),
                },
                mutual_simulator::Recommended {
                    key: "vault.retentionWad".into(),
                    current_wad: "40000000000000000".into(),
                    recommended_wad: "40000000000000000".into(),
                    probability: 0.0,
                    target: 0.05,
                    met: true,
                    criterion: String::new(),
                },
                mutual_simulator::Recommended {
                    key: "insurance.tranche.0.capWad".into(),
                    current_wad: "500000000000000000".into(),
                    recommended_wad: "350000000000000000".into(),
                    probability: 0.0,
                    target: 0.001,
                    met: true,
                    criterion: String::new(),
                },
            ],
            failure_probability: 0.0,
        };
        let batch: serde_json::Value =
            serde_json::from_str(&recommendation_batch(&config, &rec, 500, 9).unwrap().unwrap())
                .unwrap();
        let txs = batch["transactions"].as_array().unwrap();
        assert_eq!(txs.len(), 2, "the unchanged retention is left out");
        assert_eq!(txs[0]["contractMethod"]["name"], "tighten");
        assert_eq!(txs[0]["contractInputsValues"]["value"], "1500000000000000000");
        assert_eq!(
            txs[0]["contractInputsValues"]["key"],
            alloy_primitives::keccak256("market.ETH.marginMultiplierWad").to_string()
        );
        assert_eq!(txs[1]["contractMethod"]["name"], "queue");
        assert_eq!(
            txs[1]["contractInputsValues"]["key"],
            alloy_primitives::keccak256("insurance.tranche.0.capWad").to_string()
        );
        assert_eq!(batch["chainId"], "42161");
        let description = batch["meta"]["description"].as_str().unwrap();
        assert!(description.contains("seed 9, 500 paths"), "{description}");
        let mut unchanged = rec.clone();
        unchanged.parameters.iter_mut().for_each(|p| p.recommended_wad.clone_from(&p.current_wad));
        assert_eq!(recommendation_batch(&config, &unchanged, 500, 9), Ok(None));
    }
}
