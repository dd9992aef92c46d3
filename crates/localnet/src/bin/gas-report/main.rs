//! `gas-report`: deploys the Black-Scholes bench program (`mutual-bs-bench`) in the localnet
//! and prints the gas and ink of `noop`, `prices` and `greeks` on representative inputs,
//! the marginal cost of the math (`greeks - noop`), and, given a build of the same program
//! that keeps its function names, the ink burnt in each function. Then it deploys Mutual's
//! programs (the test token, `GovernanceParams`, the `InsuranceFund`, the `MutualVault`,
//! the market's four programs with two test feeds, and the short book with its margin
//! engine) from the artifacts directory and prints their sizes and the gas and ink of each
//! user operation, uncached and cached ([`protocol`]).
//!
//! ```text
//! gas-report [--wasm target/stylus/mutual-bs-bench.wasm]
//!            [--profile-wasm target/stylus-profile/mutual-bs-bench.wasm] [--top N]
//!            [--artifacts target/stylus | --no-protocol]
//! ```
//!
//! `scripts/gas-report.sh` builds the artifacts and runs it.

mod protocol;

use std::process::ExitCode;

use alloy_sol_types::{sol, SolCall};
use mutual_localnet::{
    pricing::INK_PRICE, Address, CallResult, DeployOptions, Localnet, ProgramProfile, U256,
};

sol! {
    interface IBsBench {
        function noop() external view;
        function pricesBaseline(uint256 spot, uint256 strike, uint256 t, uint256 vol, uint256 rate)
            external view returns (uint256 call, uint256 put);
        function greeksBaseline(uint256 spot, uint256 strike, uint256 t, uint256 vol, uint256 rate)
            external view returns (uint256 call, uint256 put, int256 deltaCall, int256 deltaPut,
                uint256 gamma, uint256 vega, int256 thetaCall, int256 thetaPut, int256 rhoCall,
                int256 rhoPut);
        function prices(uint256 spot, uint256 strike, uint256 t, uint256 vol, uint256 rate)
            external view returns (uint256 call, uint256 put);
        function greeks(uint256 spot, uint256 strike, uint256 t, uint256 vol, uint256 rate)
            external view returns (uint256 call, uint256 put, int256 deltaCall, int256 deltaPut,
                uint256 gamma, uint256 vega, int256 thetaCall, int256 thetaPut, int256 rhoCall,
                int256 rhoPut);
    }
}

/// 1e18.
const WAD: u128 = 1_000_000_000_000_000_000;
/// Seconds in the pricing year (365 days), as `mutual-risk` counts them.
const SECONDS_PER_YEAR: u128 = 31_536_000;

/// One set of inputs.
struct Case {
    /// What it is.
    name: &'static str,
    /// Spot, strike, time in years, volatility, rate: 18 decimals.
    inputs: [u128; 5],
}

/// The representative inputs.
fn cases() -> Vec<Case> {
    let month = WAD / 12;
    let second = WAD / SECONDS_PER_YEAR;
    vec![
        Case {
            name: "ATM 1m ETH 2000/2000 80% 5%",
            inputs: [2000 * WAD, 2000 * WAD, month, 8 * WAD / 10, WAD / 20],
        },
        Case {
            name: "deep OTM 2000/5000 1m 80% 5%",
            inputs: [2000 * WAD, 5000 * WAD, month, 8 * WAD / 10, WAD / 20],
        },
        Case {
            name: "1-second expiry 2000/2000 80%",
            inputs: [2000 * WAD, 2000 * WAD, second, 8 * WAD / 10, WAD / 20],
        },
    ]
}

/// Command-line options.
struct Args {
    /// The deployed artifact.
    wasm: String,
    /// The same program with function names, for the profile.
    profile_wasm: Option<String>,
    /// Functions to list.
    top: usize,
    /// The directory of the protocol's artifacts; `None` skips the protocol section.
    artifacts: Option<String>,
}

/// Parses the command line.
fn args() -> Result<Args, String> {
    let mut args = Args {
        wasm: "target/stylus/mutual-bs-bench.wasm".to_owned(),
        profile_wasm: None,
        top: 20,
        artifacts: Some("target/stylus".to_owned()),
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "--wasm" => args.wasm = value()?,
            "--profile-wasm" => args.profile_wasm = Some(value()?),
            "--top" => args.top = value()?.parse().map_err(|e| format!("--top: {e}"))?,
            "--artifacts" => args.artifacts = Some(value()?),
            "--no-protocol" => args.artifacts = None,
            "-h" | "--help" => {
                return Err("usage: gas-report [--wasm PATH] [--profile-wasm PATH] [--top N] \
                            [--artifacts DIR | --no-protocol]"
                    .into())
            }
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok(args)
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("gas-report: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Calldata of `method` on `case`.
fn calldata(method: &str, case: &Case) -> Vec<u8> {
    let [spot, strike, t, vol, rate] = case.inputs.map(U256::from);
    match method {
        "prices" => IBsBench::pricesCall { spot, strike, t, vol, rate }.abi_encode(),
        "greeks" => IBsBench::greeksCall { spot, strike, t, vol, rate }.abi_encode(),
        "prices_baseline" => {
            IBsBench::pricesBaselineCall { spot, strike, t, vol, rate }.abi_encode()
        }
        "greeks_baseline" => {
            IBsBench::greeksBaselineCall { spot, strike, t, vol, rate }.abi_encode()
        }
        _ => IBsBench::noopCall {}.abi_encode(),
    }
}

/// One measured call.
struct Row {
    /// Method and case.
    label: String,
    /// Uncached result.
    uncached: CallResult,
    /// Gas of the frame when the program is cached.
    cached_exec: u64,
}

/// Formats with thousands separators.
fn n(x: u64) -> String {
    let s = x.to_string();
    let mut out = String::new();
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

fn run() -> Result<(), String> {
    let args = args()?;
    let wasm = std::fs::read(&args.wasm)
        .map_err(|e| format!("{}: {e} (run scripts/build-wasm.sh)", args.wasm))?;
    let mut net = Localnet::new();
    let deployer = Address::repeat_byte(0xd0);
    let caller = Address::repeat_byte(0xca);
    let deployment = net.deploy(deployer, &wasm).map_err(|e| e.to_string())?;
    let program = deployment.address;
    let info = &deployment.activation;

    println!(
        "mutual-bs-bench: {} bytes of wasm, {} bytes deployed",
        info.wasm_bytes, info.code_bytes
    );
    println!(
        "activation: init_cost {}, cached_init_cost {}, footprint {} page(s), asm estimate {} bytes",
        info.init_cost, info.cached_init_cost, info.footprint, info.asm_estimate
    );
    println!(
        "entry gas (memory excluded): {} uncached, {} cached; ink price {INK_PRICE} ink/gas",
        n(info.init_gas),
        n(info.cached_gas)
    );
    println!();

    let mut rows = Vec::new();
    for (method, cases) in [
        ("noop", &cases()[..1]),
        ("prices_baseline", &cases()[..1]),
        ("greeks_baseline", &cases()[..1]),
        ("prices", &cases()[..]),
        ("greeks", &cases()[..]),
    ] {
        for case in cases {
            let data = calldata(method, case);
            net.set_cached(program, false);
            let uncached = net.static_call(caller, program, &data);
            if !uncached.success {
                return Err(format!("{method} on {} failed: {:?}", case.name, uncached.error));
            }
            net.set_cached(program, true);
            let cached = net.static_call(caller, program, &data);
            net.set_cached(program, false);
            let label = if method == "noop" || method.ends_with("baseline") {
                method.to_owned()
            } else {
                format!("{method}: {}", case.name)
            };
            rows.push(Row { label, uncached, cached_exec: cached.execution_gas });
        }
    }

    println!("columns: tx gas = 21,000 + calldata + exec gas; exec gas = the call frame (program");
    println!(
        "entry included) with the program not cached; cached = exec gas once cached; entry gas ="
    );
    println!(
        "uncached entry cost; ink = ink the program burnt, split into op ink (wasm operators)"
    );
    println!("and hostio ink (host functions, EVM gas included). 10,000 ink = 1 gas.");
    println!();
    println!(
        "{:<44} {:>9} {:>10} {:>9} {:>11} {:>11} {:>10} {:>9}",
        "call", "tx gas", "exec gas", "cached", "entry gas", "ink", "op ink", "hostio"
    );
    for row in &rows {
        let r = &row.uncached;
        println!(
            "{:<44} {:>9} {:>10} {:>9} {:>11} {:>11} {:>10} {:>9}",
            row.label,
            n(r.gas_used),
            n(r.execution_gas),
            n(row.cached_exec),
            n(r.entry_gas),
            n(r.ink_used),
            n(r.compute_ink),
            n(r.hostio_ink),
        );
    }
    println!();
    print_marginal(&rows);
    println!();
    println!("hostios of greeks (ATM), calls and ink:");
    let greeks_atm = rows.iter().find(|r| r.label.starts_with("greeks:")).map(|r| &r.uncached);
    if let Some(r) = greeks_atm {
        for h in &r.hostios {
            println!("  {:<24} {:>3} {:>10} ink", h.name, h.calls, n(h.ink));
        }
    }

    if let Some(path) = &args.profile_wasm {
        println!();
        profile(path, &wasm, &cases()[0], args.top, greeks_atm)?;
    }

    if let Some(dir) = &args.artifacts {
        println!();
        println!("==== Mutual's user operations ====");
        println!();
        protocol::report(std::path::Path::new(dir))?;
    }
    Ok(())
}

/// The marginal cost of each priced call: against `noop`, and against its ABI baseline.
fn print_marginal(rows: &[Row]) {
    let noop = &rows[0].uncached;
    let baseline = |name: &str| rows.iter().find(|r| r.label == name).map(|r| &r.uncached);
    println!("marginal cost (exec gas; ink): against noop (math plus the ABI handling of 5");
    println!(
        "arguments and 2 or 10 results), and against the method's ABI baseline (the math alone):"
    );
    for row in
        rows.iter().filter(|r| r.label.starts_with("greeks:") || r.label.starts_with("prices:"))
    {
        let base_name =
            if row.label.starts_with("greeks") { "greeks_baseline" } else { "prices_baseline" };
        let base = baseline(base_name).unwrap_or(noop);
        let gas = row.uncached.execution_gas.saturating_sub(noop.execution_gas);
        let math_gas = row.uncached.execution_gas.saturating_sub(base.execution_gas);
        let math_ink = row.uncached.ink_used.saturating_sub(base.ink_used);
        println!(
            "  {:<44} {:>8} gas vs noop  {:>8} gas math alone ({} ink)",
            row.label,
            n(gas),
            n(math_gas),
            n(math_ink)
        );
    }
}

/// The bytes of the code section of `wasm`, if it parses.
fn code_section(wasm: &[u8]) -> Option<&[u8]> {
    for payload in wasmparser::Parser::new(0).parse_all(wasm) {
        if let Ok(wasmparser::Payload::CodeSectionStart { range, .. }) = payload {
            let start = usize::try_from(range.start).ok()?;
            let end = usize::try_from(range.end).ok()?;
            return wasm.get(start..end);
        }
    }
    None
}

/// Runs `greeks` on `case` in a profiled build and prints the top functions.
fn profile(
    path: &str,
    measured: &[u8],
    case: &Case,
    top: usize,
    reference: Option<&CallResult>,
) -> Result<(), String> {
    let wasm = std::fs::read(path).map_err(|e| format!("{path}: {e}"))?;
    let same_code = code_section(&wasm).is_some() && code_section(&wasm) == code_section(measured);
    let mut net = Localnet::new();
    let deployer = Address::repeat_byte(0xd0);
    let options = DeployOptions { profile: true, ..DeployOptions::default() };
    let program = net.deploy_with(deployer, &wasm, &options).map_err(|e| e.to_string())?.address;
    let result = net.static_call(Address::repeat_byte(0xca), program, &calldata("greeks", case));
    if !result.success {
        return Err(format!("profiled greeks failed: {:?}", result.error));
    }
    let Some(prof) = result.profiles.first() else { return Err("no profile recorded".into()) };
    println!(
        "profile build: {path} (code section {} the measured artifact's)",
        if same_code { "byte-identical to" } else { "DIFFERENT from" }
    );
    if let Some(reference) = reference {
        if reference.compute_ink != result.compute_ink {
            println!(
                "note: the profiled build burns {} op ink, the deployed one {}: not the same code",
                n(result.compute_ink),
                n(reference.compute_ink)
            );
        }
    }
    print_profile(prof, case, top);
    Ok(())
}

/// The crate a (demangled) function name belongs to: the first path segment that is not
/// a primitive type; bare names are the compiler's intrinsics or the entry point.
fn crate_of(name: &str) -> String {
    const PRIMITIVES: [&str; 14] = [
        "u8", "u16", "u32", "u64", "u128", "usize", "i8", "i16", "i32", "i64", "i128", "isize",
        "str", "bool",
    ];
    for (at, _) in name.match_indices("::") {
        let head = &name[..at];
        let start =
            head.rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).map_or(0, |i| i + 1);
        let ident = &head[start..];
        if !ident.is_empty() && !PRIMITIVES.contains(&ident) {
            return ident.to_owned();
        }
    }
    if name.starts_with('<') {
        "core (primitive impls)".to_owned()
    } else if name.starts_with("__") || name.starts_with("mem") {
        "compiler_builtins (intrinsic symbols)".to_owned()
    } else {
        name.to_owned()
    }
}

/// Prints the ink of the top functions, then per crate.
fn print_profile(prof: &ProgramProfile, case: &Case, top: usize) {
    let total = prof.total_ink();
    #[allow(clippy::cast_precision_loss, reason = "a percentage for display")]
    let share = |ink: u64| ink as f64 * 100.0 / total.max(1) as f64;
    println!(
        "ink profile of greeks ({}): {} op ink ({} gas) in {} functions; self ink, callees excluded",
        case.name,
        n(total),
        n(total / INK_PRICE),
        prof.functions.iter().filter(|f| f.calls > 0).count()
    );
    println!("{:>12} {:>6} {:>7}  function", "ink", "share", "calls");
    for f in prof.top().into_iter().take(top) {
        println!("{:>12} {:>5.1}% {:>7}  {}", n(f.ink), share(f.ink), f.calls, f.name);
    }
    let mut by_crate: std::collections::BTreeMap<String, u64> = std::collections::BTreeMap::new();
    for f in &prof.functions {
        *by_crate.entry(crate_of(&f.name)).or_insert(0) += f.ink;
    }
    let mut by_crate: Vec<(String, u64)> =
        by_crate.into_iter().filter(|(_, ink)| *ink > 0).collect();
    by_crate.sort_by_key(|entry| std::cmp::Reverse(entry.1));
    println!();
    println!("by crate:");
    for (krate, ink) in by_crate {
        println!("{:>12} {:>5.1}%  {krate}", n(ink), share(ink));
    }
}
