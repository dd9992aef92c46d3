//! `abi-gen`: writes (or, with `--check`, verifies) each contract's Solidity interface and
//! caller contract from its Rust source.
//!
//! ```sh
//! abi-gen --out abi contracts/governance:GovernanceParams [more crate:Contract ...]
//! abi-gen --out abi --check contracts/governance:GovernanceParams   # fails if stale
//! abi-gen --compare EXPORT.sol contracts/governance:GovernanceParams  # against export-abi
//! abi-gen --check-subset crates/interfaces/src/lib.rs:IGovernanceParams abi/IGovernanceParams.sol
//! ```
//!
//! `--compare` checks that the generated interface's functions (name, argument types,
//! mutability, return types) and errors are exactly those of the SDK's `export-abi` output
//! for the same contract: nothing missing, nothing extra.
//!
//! `--check-subset FILE.rs:Interface SOL` checks that every function a Rust file declares
//! for `Interface` in Solidity syntax (a `sol_interface!` block) is exactly a function of
//! the generated interface `SOL` (name, argument types, mutability, return types), so a
//! contract's calls to another contract cannot drift from that contract's ABI.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use std::collections::BTreeSet;

use mutual_abi_gen::{
    declared_functions, error_signatures, export_abi_errors, export_abi_functions,
    function_descriptors, parse_contract, render_caller, render_interface,
};

/// The pragma of every generated file.
const PRAGMA: &str = "pragma solidity ^0.8.23;";

fn main() -> ExitCode {
    let mut out = PathBuf::from("abi");
    let mut check = false;
    let mut compare: Option<PathBuf> = None;
    let mut targets = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--out" => match args.next() {
                Some(dir) => out = PathBuf::from(dir),
                None => return fail("--out needs a directory"),
            },
            "--check" => check = true,
            "--check-subset" => {
                return match (args.next(), args.next()) {
                    (Some(declared), Some(sol)) => check_subset(&declared, &sol),
                    _ => fail("--check-subset needs FILE.rs:Interface and an interface .sol file"),
                };
            }
            "--compare" => match args.next() {
                Some(file) => compare = Some(PathBuf::from(file)),
                None => return fail("--compare needs an export-abi file"),
            },
            _ => targets.push(a),
        }
    }
    if targets.is_empty() {
        return fail("usage: abi-gen [--out DIR] [--check] CRATE_DIR:Contract ...");
    }
    let mut stale = Vec::new();
    for t in &targets {
        let Some((dir, name)) = t.split_once(':') else {
            return fail(&format!("{t}: expected CRATE_DIR:Contract"));
        };
        let contract = match parse_contract(Path::new(dir), name) {
            Ok(c) => c,
            Err(e) => return fail(&e),
        };
        if let Some(file) = &compare {
            let text = match std::fs::read_to_string(file) {
                Ok(t) => t,
                Err(e) => return fail(&format!("{}: {e}", file.display())),
            };
            let mut problems =
                diff("function", &function_descriptors(&contract), &export_abi_functions(&text));
            problems.extend(diff("error", &error_signatures(&contract), &export_abi_errors(&text)));
            if !problems.is_empty() {
                for p in &problems {
                    eprintln!("abi-gen: {name}: {p}");
                }
                return fail(&format!(
                    "I{name} differs from the SDK's export-abi ({})",
                    file.display()
                ));
            }
            println!(
                "I{name}: {} functions and {} errors match the SDK's export-abi exactly",
                contract.functions.len(),
                error_signatures(&contract).len()
            );
            continue;
        }
        let files = [
            (out.join(format!("I{name}.sol")), render_interface(&contract, PRAGMA)),
            (
                out.join("callers").join(format!("{name}Caller.sol")),
                render_caller(&contract, PRAGMA),
            ),
        ];
        for (path, text) in files {
            if check {
                if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
                    stale.push(path.display().to_string());
                }
            } else {
                if let Some(parent) = path.parent() {
                    if let Err(e) = std::fs::create_dir_all(parent) {
                        return fail(&format!("{}: {e}", parent.display()));
                    }
                }
                if let Err(e) = std::fs::write(&path, text) {
                    return fail(&format!("{}: {e}", path.display()));
                }
                println!(
                    "wrote {} ({} functions, {} errors and events)",
                    path.display(),
                    contract.functions.len(),
                    contract.declarations.len()
                );
            }
        }
    }
    if stale.is_empty() {
        ExitCode::SUCCESS
    } else {
        fail(&format!("stale generated interfaces (run scripts/gen-abi.sh): {}", stale.join(", ")))
    }
}

/// `--check-subset`: every function `declared` (`FILE.rs:Interface`) declares is one of
/// the functions of the Solidity interface file `sol`.
fn check_subset(declared: &str, sol: &str) -> ExitCode {
    let Some((file, interface)) = declared.split_once(':') else {
        return fail(&format!("{declared}: expected FILE.rs:Interface"));
    };
    let read = |path: &str| std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"));
    let (source, sol_text) = match (read(file), read(sol)) {
        (Ok(source), Ok(sol_text)) => (source, sol_text),
        (Err(e), _) | (_, Err(e)) => return fail(&e),
    };
    let functions = match declared_functions(&source, interface) {
        Ok(functions) => functions,
        Err(e) => return fail(&format!("{file}: {e}")),
    };
    let generated = export_abi_functions(&sol_text);
    let missing: Vec<&String> = functions.difference(&generated).collect();
    if !missing.is_empty() {
        for m in &missing {
            eprintln!("abi-gen: {declared}: function not in {sol}: {m}");
        }
        return fail(&format!("{declared} differs from {sol}"));
    }
    println!("{declared}: {} functions match {sol} exactly", functions.len());
    ExitCode::SUCCESS
}

/// What one side has and the other lacks.
fn diff(what: &str, generated: &BTreeSet<String>, exported: &BTreeSet<String>) -> Vec<String> {
    let missing =
        exported.difference(generated).map(|s| format!("{what} missing from the interface: {s}"));
    let extra =
        generated.difference(exported).map(|s| format!("{what} not routed by the contract: {s}"));
    missing.chain(extra).collect()
}

fn fail(message: &str) -> ExitCode {
    eprintln!("abi-gen: error: {message}");
    ExitCode::FAILURE
}
