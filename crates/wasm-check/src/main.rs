//! `wasm-check`: checks wasm artifacts against the Stylus activation rules and prints
//! their sizes. See `wasm-check --help`.

use std::path::Path;
use std::process::ExitCode;

use mutual_wasm_check::{check, Options, Report, DEFAULT_MAX_COMPRESSED_BYTES};

const USAGE: &str = "\
usage: wasm-check [--contract | --library] [--max-compressed-bytes N] FILE...

Checks each wasm FILE against the rules Arbitrum Stylus applies at activation (no floats,
SIMD, reference types, multi-value, threads, exceptions, tail calls, memory.init or
data.drop; no start function; one memory of at most 128 initial pages) and prints a table
of sizes (compressed with brotli quality 11, window 22), memory pages and imports.

  --contract                 check the following files as contracts too: exported
                             user_entrypoint (i32) -> i32 and memory, function imports
                             from vm_hooks only, Nitro's count limits, compressed size
  --library                  check the following files without the contract rules
                             (the default)
  --max-compressed-bytes N   compressed-size limit for the following contracts
                             (default 24576)

Options apply to the files after them. Exit status: 0 if every file passes, 1 if any
fails (one `FAIL <file>: <reason>` line per violation), 2 on a usage error.";

/// Violations printed per file before the rest are summarised.
const MAX_LINES_PER_FILE: usize = 25;

/// One checked file.
struct Row {
    name: String,
    options: Options,
    report: Report,
}

fn main() -> ExitCode {
    let mut options = Options::default();
    let mut files: Vec<(String, Options)> = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "-h" | "--help" => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            "--contract" => options.contract = true,
            "--library" => options.contract = false,
            "--max-compressed-bytes" => match args.next().and_then(|n| n.parse().ok()) {
                Some(n) => options.max_compressed_bytes = n,
                None => return usage_error("--max-compressed-bytes needs a number of bytes"),
            },
            s if s.starts_with('-') => return usage_error(&format!("unknown option {s}")),
            _ => files.push((arg, options)),
        }
    }
    if files.is_empty() {
        return usage_error("no file given");
    }

    let mut rows = Vec::new();
    let mut unreadable = Vec::new();
    for (path, options) in files {
        let name = Path::new(&path)
            .file_name()
            .map_or_else(|| path.clone(), |n| n.to_string_lossy().into_owned());
        match std::fs::read(&path) {
            Ok(bytes) => rows.push(Row { name, options, report: check(&bytes, &options) }),
            Err(e) => unreadable.push(format!("FAIL {name}: cannot read {path}: {e}")),
        }
    }

    print_table(&rows);
    let mut failed = unreadable.len();
    for line in &unreadable {
        println!("{line}");
    }
    for row in rows.iter().filter(|r| !r.report.passed()) {
        failed += 1;
        for v in row.report.violations.iter().take(MAX_LINES_PER_FILE) {
            println!("FAIL {}: {v}", row.name);
        }
        let more = row.report.violations.len().saturating_sub(MAX_LINES_PER_FILE);
        if more > 0 {
            println!("FAIL {}: ... and {more} more violations", row.name);
        }
    }
    let total = rows.len() + unreadable.len();
    if failed == 0 {
        println!("wasm-check: all {total} module(s) pass");
        ExitCode::SUCCESS
    } else {
        println!("wasm-check: {failed} of {total} module(s) fail");
        ExitCode::FAILURE
    }
}

fn usage_error(message: &str) -> ExitCode {
    eprintln!("wasm-check: {message}\n\n{USAGE}");
    ExitCode::from(2)
}

/// Prints one aligned table of every readable file.
fn print_table(rows: &[Row]) {
    if rows.is_empty() {
        return;
    }
    let limits: Vec<usize> = rows.iter().map(|r| r.options.max_compressed_bytes).collect();
    let percent_header = if limits.iter().all(|&l| l == DEFAULT_MAX_COMPRESSED_BYTES) {
        format!("% of {DEFAULT_MAX_COMPRESSED_BYTES}")
    } else {
        "% of limit".to_owned()
    };
    let header = [
        "file".to_owned(),
        "mode".to_owned(),
        "raw bytes".to_owned(),
        "brotli bytes".to_owned(),
        percent_header,
        "pages".to_owned(),
        "status".to_owned(),
        "imports (vm_hooks unless module.name)".to_owned(),
    ];
    let body: Vec<[String; 8]> = rows
        .iter()
        .map(|r| {
            let imports: Vec<String> = r
                .report
                .host_imports()
                .into_iter()
                .map(str::to_owned)
                .chain(r.report.other_imports())
                .collect();
            [
                r.name.clone(),
                if r.options.contract { "contract" } else { "library" }.to_owned(),
                r.report.raw_bytes.to_string(),
                r.report.compressed_bytes.to_string(),
                r.report.percent_of(r.options.max_compressed_bytes),
                r.report.memory_pages.map_or_else(|| "-".to_owned(), |p| p.to_string()),
                if r.report.passed() { "ok" } else { "FAIL" }.to_owned(),
                if imports.is_empty() { "(none)".to_owned() } else { imports.join(", ") },
            ]
        })
        .collect();
    let mut widths = header.clone().map(|h| h.len());
    for row in &body {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.len());
        }
    }
    let line = |cells: &[String; 8]| {
        let padded: Vec<String> = cells
            .iter()
            .zip(widths)
            .enumerate()
            .map(|(i, (cell, w))| match i {
                // Right-align the numbers, left-align the text, leave the last column ragged.
                2..=5 => format!("{cell:>w$}"),
                7 => cell.clone(),
                _ => format!("{cell:<w$}"),
            })
            .collect();
        padded.join("  ")
    };
    println!("{}", line(&header));
    println!("{}", "-".repeat(widths.iter().sum::<usize>() + 2 * 7));
    for row in &body {
        println!("{}", line(row));
    }
}
