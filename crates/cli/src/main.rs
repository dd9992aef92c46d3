//! `mutual`: the command line over Mutual's pure risk core (`mutual-risk`).
//!
//! - `mutual price --spot 2000 --strike 2100 --t-years 0.0833 --vol 0.8 --rate 0.05`: call
//!   and put prices and every greek, printed in full as 18-decimal fixed point.
//! - `mutual price --csv`: the same for each row of a CSV on stdin, as CSV on stdout.
//! - `mutual waterfall`: a loss allocated over ordered layers, JSON in and out.
//! - `mutual governance-batch`: governance actions to a Safe Transaction Builder batch.
//! - `mutual simulate`: the pool-sizing risk simulator (`mutual-simulator`): Monte Carlo
//!   and named shocks through the pure crate's pricing, stress grid and waterfalls; a
//!   report, the capital-efficiency comparison, a plot and recommended parameters.
//!
//! Any bad input prints one `error: ...` line on stderr and exits with status 1.

mod decimal;
mod governance_batch;
mod plot;
mod price;
mod simulate;
mod waterfall;

use std::io::{self, Read, Write};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

/// Mutual's risk math on the command line: Black-Scholes prices and greeks in 18-decimal
/// fixed point, and the loss waterfall, exact to the unit.
#[derive(Parser)]
#[command(name = "mutual", version)]
struct Cli {
    /// What to compute.
    #[command(subcommand)]
    command: Command,
}

/// The subcommands.
#[derive(Subcommand)]
enum Command {
    /// Black-Scholes prices and greeks, printed in full as 18-decimal fixed point.
    Price(PriceArgs),
    /// Allocate a loss over ordered layers, JSON in and out.
    ///
    /// Reads JSON on stdin:
    /// {"loss": "80", "layers": [{"name": "margin", "available": "30", "cap": null}]};
    /// writes {"absorbed": [{"name": "margin", "amount": "30"}], "residual": "50"}.
    /// Integers are decimal strings up to 2^256-1.
    Waterfall,
    /// Turn governance actions (JSON on stdin) into a Safe Transaction Builder batch file.
    ///
    /// Reads {"chainId": 42161, "governance": "0x..", "name": "..", "actions":
    /// [{"action": "queue", "key": "market.ETH.maxUtilization", "value": "8e17 as digits"}]};
    /// keys and scopes are 0x-prefixed bytes32 or names hashed with keccak256. Actions:
    /// queue, queueRegister, queueBounds, setGuardian, execute, cancel, tighten, pause,
    /// unpause, confirmPause, clearLapsedPause, proposeAdmin, acceptAdmin.
    GovernanceBatch,
    /// Size the pool: Monte Carlo over jump-diffusion spot paths and named shocks, settled
    /// through the contracts' own pricing, stress grid and waterfalls.
    ///
    /// With no --config, runs the built-in example (deployments/examples/simulate.toml).
    /// Prints per-layer touch/exhaust probabilities, expected loss, value at risk and
    /// expected shortfall, the haircut probability, LP and tranche returns, the coverage ratio over
    /// time, and the capital needed siloed versus mutualized at the target failure
    /// probability.
    Simulate(simulate::SimulateArgs),
}

/// The inputs of `mutual price`: decimals with at most 18 fractional digits.
#[derive(Args)]
struct PriceArgs {
    /// Read CSV on stdin (a header naming `spot,strike,t_years,vol,rate` in any order; other
    /// columns are ignored) and write one CSV row of prices and greeks per input row.
    #[arg(long, conflicts_with_all = ["spot", "strike", "t_years", "vol", "rate"])]
    csv: bool,
    /// Spot price of the underlying.
    #[arg(long, required_unless_present = "csv", allow_hyphen_values = true)]
    spot: Option<String>,
    /// Strike price.
    #[arg(long, required_unless_present = "csv", allow_hyphen_values = true)]
    strike: Option<String>,
    /// Time to expiry, in years.
    #[arg(long, required_unless_present = "csv", allow_hyphen_values = true)]
    t_years: Option<String>,
    /// Annualized volatility (1 = 100%).
    #[arg(long, required_unless_present = "csv", allow_hyphen_values = true)]
    vol: Option<String>,
    /// Continuously compounded risk-free rate per year (0.05 = 5%).
    #[arg(long, required_unless_present = "csv", allow_hyphen_values = true)]
    rate: Option<String>,
}

/// All of stdin.
fn read_stdin() -> Result<Vec<u8>, String> {
    let mut input = Vec::new();
    io::stdin().read_to_end(&mut input).map_err(|e| format!("reading stdin: {e}"))?;
    Ok(input)
}

/// Runs one command, returning what to print on stdout.
fn run(command: Command) -> Result<String, String> {
    match command {
        Command::Price(args) if args.csv => price::from_csv(&read_stdin()?),
        Command::Price(args) => {
            let values = [args.spot, args.strike, args.t_years, args.vol, args.rate];
            let mut texts = [""; 5];
            for ((text, value), flag) in texts.iter_mut().zip(&values).zip(price::FLAGS) {
                // clap requires every flag without --csv; this only guards that rule.
                *text = value.as_deref().ok_or_else(|| format!("{flag} is required"))?;
            }
            price::from_flags(texts)
        }
        Command::Waterfall => waterfall::run(&read_stdin()?),
        Command::GovernanceBatch => {
            let now_ms = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX));
            governance_batch::run(&read_stdin()?, now_ms)
        }
        Command::Simulate(args) => simulate::run(&args),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = run(cli.command).and_then(|out| {
        io::stdout().lock().write_all(out.as_bytes()).map_err(|e| format!("writing output: {e}"))
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}
