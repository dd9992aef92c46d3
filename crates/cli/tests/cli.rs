//! End-to-end tests of the `mutual` binary: arguments and stdin in, stdout, stderr and the
//! exit status out.

use std::io::Write;
use std::process::{Command, Stdio};

const U256_MAX: &str =
    "115792089237316195423570985008687907853269984665640564039457584007913129639935";
const CSV_HEADER: &str =
    "call,put,delta_call,delta_put,gamma,vega,theta_call,rho_call,theta_put,rho_put";

/// What one run of the binary produced.
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Runs `mutual args...` with `stdin` as its standard input.
fn mutual(args: &[&str], stdin: &str) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mutual"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn mutual");
    child.stdin.take().expect("stdin piped").write_all(stdin.as_bytes()).expect("write stdin");
    let out = child.wait_with_output().expect("wait for mutual");
    Run {
        code: out.status.code().expect("exit code"),
        stdout: String::from_utf8(out.stdout).expect("utf-8 stdout"),
        stderr: String::from_utf8(out.stderr).expect("utf-8 stderr"),
    }
}

/// Asserts a clean failure: status 1, nothing on stdout, one `error:` line on stderr that
/// contains every one of `needles`.
fn assert_fails(run: &Run, needles: &[&str]) {
    assert_eq!(run.code, 1, "stderr: {}", run.stderr);
    assert_eq!(run.stdout, "");
    assert_eq!(run.stderr.lines().count(), 1, "one line: {:?}", run.stderr);
    assert!(run.stderr.starts_with("error: ") && run.stderr.ends_with('\n'), "{:?}", run.stderr);
    for needle in needles {
        assert!(run.stderr.contains(needle), "{needle:?} not in {:?}", run.stderr);
    }
}

/// An exact 18-decimal value as an integer number of 1e-18 units.
fn wad(text: &str) -> i128 {
    let (whole, fraction) = text.split_once('.').expect("a fraction");
    assert_eq!(fraction.len(), 18, "{text}");
    let magnitude = whole.trim_start_matches('-').parse::<i128>().unwrap() * 10i128.pow(18)
        + fraction.parse::<i128>().unwrap();
    if whole.starts_with('-') {
        -magnitude
    } else {
        magnitude
    }
}

#[test]
fn price_from_flags() {
    let run = mutual(
        &["price", "--spot", "2000", "--strike", "2100", "--t-years", "0.0833", "--vol", "0.8"]
            .into_iter()
            .chain(["--rate", "0.05"])
            .collect::<Vec<_>>(),
        "",
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stderr, "");
    let value = |label: &str| {
        let line = run.stdout.lines().find(|l| l.split_whitespace().next() == Some(label));
        wad(line.unwrap_or_else(|| panic!("no {label} line")).split_whitespace().nth(1).unwrap())
    };
    // Black-Scholes in f64 for these inputs: call 145.86113979332174, put 237.13282911796387.
    let call = value("call");
    assert!(call.abs_diff(wad("145.861139793321740000")) < 1_000_000, "{call}");
    assert!(value("put") > call);
    assert_eq!(value("delta_call") - value("delta_put"), 10i128.pow(18));
    for label in ["gamma", "vega", "theta_call", "theta_put", "rho_call", "rho_put"] {
        value(label);
    }
    assert!(run.stdout.lines().next().unwrap().contains("theta per year"));
}

#[test]
fn price_from_csv_with_extra_columns_in_another_order() {
    let input = "note,rate,vol,t_years,strike,id,spot\n\
                 hull,0.1,0.2,0.5,40,1,42\n\
                 eth,0.05,0.8,0.0833,2100,2,2000\n";
    let run = mutual(&["price", "--csv"], input);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0], CSV_HEADER);
    for line in &lines[1..] {
        let values: Vec<i128> = line.split(',').map(wad).collect();
        assert_eq!(values.len(), 10);
    }
    // Hull's example: call 4.759422392871533220... (mpmath), within 44 wei.
    let call = wad(lines[1].split(',').next().unwrap());
    assert!(call.abs_diff(wad("4.759422392871533220")) <= 44, "{call}");
    // The second row matches the flag form exactly.
    let flags = mutual(
        &["price", "--spot=2000", "--strike=2100", "--t-years=0.0833", "--vol=0.8", "--rate=0.05"],
        "",
    );
    let call_line = flags.stdout.lines().find(|l| l.starts_with("call ")).unwrap();
    assert_eq!(lines[2].split(',').next().unwrap(), call_line.split_whitespace().nth(1).unwrap());
}

#[test]
fn price_csv_errors_name_line_and_column() {
    let header = "spot,strike,t_years,vol,rate\n";
    let ok = "42,40,0.5,0.2,0.1\n";
    let cases: &[(String, &[&str])] = &[
        (format!("{header}{ok}42,40,0.5,0.8x,0.1\n"), &["line 3", "column \"vol\"", "\"0.8x\""]),
        (format!("{header}-42,40,0.5,0.2,0.1\n"), &["line 2", "\"spot\"", "must not be negative"]),
        (format!("{header}42,40,0.5,,0.1\n"), &["line 2", "\"vol\"", "empty"]),
        (format!("{header}42,40,0.5,abc,0.1\n"), &["line 2", "\"vol\"", "invalid decimal"]),
        (format!("{header}{ok}42,40,0.5\n"), &["line 3", "3 fields", "header has 5"]),
        (format!("{header}42,40,0.1234567890123456789,0.2,0.1\n"), &["line 2", "t_years", "18"]),
        (format!("{header}{ok}{ok}0,40,0.5,0.2,0.1\n"), &["line 4", "\"spot\"", "out of range"]),
        (format!("{header}42,40,0.5,0,0.1\n"), &["line 2", "\"vol\"", "out of range"]),
        (format!("{header}42,40,0,0.2,0.1\n"), &["line 2", "\"t_years\"", "out of range"]),
        (format!("{header}1{},40,0.5,0.2,0.1\n", "0".repeat(30)), &["line 2", "too large"]),
        (
            "spot,strike,t_years,rate\n42,40,0.5,0.1\n".to_owned(),
            &["line 1", "missing column \"vol\""],
        ),
        (String::new(), &["empty input"]),
    ];
    for (input, needles) in cases {
        assert_fails(&mutual(&["price", "--csv"], input), needles);
    }
}

#[test]
fn price_flag_errors() {
    let args = |spot: &'static str| {
        ["price", "--spot", spot, "--strike", "40", "--t-years", "0.5", "--vol", "0.2"]
            .into_iter()
            .chain(["--rate", "0.1"])
            .collect::<Vec<_>>()
    };
    assert_fails(&mutual(&args("-42"), ""), &["--spot", "must not be negative"]);
    assert_fails(&mutual(&args("4x2"), ""), &["--spot", "invalid decimal \"4x2\""]);
    assert_fails(&mutual(&args("0"), ""), &["--spot", "out of range"]);
    // A missing flag is clap's usage error.
    assert_eq!(mutual(&["price", "--spot", "42"], "").code, 2);
}

#[test]
fn waterfall_allocates_in_order() {
    let input = r#"{"loss": "80", "layers": [
        {"name": "margin", "available": "30", "cap": null},
        {"name": "junior", "available": "100", "cap": "25"},
        {"name": "senior", "available": "500"}]}"#;
    let run = mutual(&["waterfall"], input);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        out,
        serde_json::json!({"absorbed": [
            {"name": "margin", "amount": "30"},
            {"name": "junior", "amount": "25"},
            {"name": "senior", "amount": "25"}], "residual": "0"})
    );
}

#[test]
fn waterfall_leaves_a_residual_and_handles_u256() {
    let input = r#"{"loss": "1000", "layers": [{"name": "a", "available": "10", "cap": "4"},
                    {"name": "b", "available": "5"}]}"#;
    let out: serde_json::Value =
        serde_json::from_str(&mutual(&["waterfall"], input).stdout).unwrap();
    assert_eq!(out["residual"], "991");
    assert_eq!(out["absorbed"][0]["amount"], "4");

    let below_max = U256_MAX.replace("935", "934");
    let input = format!(
        r#"{{"loss": "{U256_MAX}", "layers": [{{"name": "a", "available": "1"}},
            {{"name": "b", "available": "{U256_MAX}", "cap": "{below_max}"}}]}}"#
    );
    let out: serde_json::Value =
        serde_json::from_str(&mutual(&["waterfall"], &input).stdout).unwrap();
    assert_eq!(out["absorbed"][1]["amount"], below_max.as_str());
    assert_eq!(out["residual"], "0");
    let input = format!(r#"{{"loss": "{U256_MAX}", "layers": []}}"#);
    let out: serde_json::Value =
        serde_json::from_str(&mutual(&["waterfall"], &input).stdout).unwrap();
    assert_eq!(out["residual"], U256_MAX);
}

#[test]
fn waterfall_errors() {
    let above_max = U256_MAX.replace("935", "936");
    let cases: &[(String, &[&str])] = &[
        ("not json".to_owned(), &["JSON", "line 1"]),
        (r#"{"layers": []}"#.to_owned(), &["missing field `loss`"]),
        (r#"{"loss": "8O", "layers": []}"#.to_owned(), &["loss", "invalid integer \"8O\""]),
        (r#"{"loss": 80, "layers": []}"#.to_owned(), &["invalid type"]),
        (format!(r#"{{"loss": "{above_max}", "layers": []}}"#), &["loss", "too large", "2^256-1"]),
        (
            r#"{"loss": "1", "layers": [{"name": "j", "available": "1", "cap": "1.5"}]}"#
                .to_owned(),
            &["layers[0] \"j\" cap", "invalid integer"],
        ),
        (r#"{"loss": "1", "layers": [], "fee": "2"}"#.to_owned(), &["unknown field `fee`"]),
        (String::new(), &["empty input"]),
    ];
    for (input, needles) in cases {
        assert_fails(&mutual(&["waterfall"], input), needles);
    }
}

/// A path in the temporary directory, unique to this test process.
fn temp_path(name: &str) -> std::path::PathBuf {
    std::env::temp_dir().join(format!("mutual-cli-test-{}-{name}", std::process::id()))
}

/// The shipped example config.
const EXAMPLE: &str = include_str!("../../../deployments/examples/simulate.toml");

#[test]
fn simulate_prints_the_report_and_is_reproducible() {
    let args = ["simulate", "--paths", "600", "--no-capital", "--seed", "5"];
    let run = mutual(&args, "");
    assert_eq!(run.code, 0, "stderr: {}", run.stderr);
    assert_eq!(run.stderr, "", "no progress bar when stderr is not a terminal");
    for needle in [
        "Mutual simulate: ETH at 2,000, 600 paths (seed 5), 90 days",
        "Loss layers",
        "junior (excess of loss)",
        "P(haircut on a long payout)",
        "Returns over the horizon",
        "Coverage ratio",
        "black-thursday",
        "short-squeeze",
    ] {
        assert!(run.stdout.contains(needle), "{needle:?} not in the report");
    }
    assert!(!run.stdout.contains("Capital efficiency"), "--no-capital");
    let again = mutual(&args, "");
    assert_eq!(run.stdout, again.stdout);
    let one_thread = mutual(&[&args[..], &["--threads", "1"]].concat(), "");
    assert_eq!(run.stdout, one_thread.stdout, "the thread count does not change the output");
    let other_seed = mutual(&["simulate", "--paths", "600", "--no-capital", "--seed", "6"], "");
    assert_ne!(run.stdout, other_seed.stdout);
}

#[test]
fn simulate_json_and_capital_efficiency() {
    let run = mutual(&["simulate", "--paths", "1000", "--json", "--target", "0.01"], "");
    assert_eq!(run.code, 0, "stderr: {}", run.stderr);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(report["summary"]["paths"], 1000);
    let ce = &report["capital_efficiency"];
    assert_eq!(ce["target_failure_probability"], 0.01);
    for key in ["siloed_full", "siloed_margin", "mutualized", "full_over_mutualized"] {
        assert!(ce[key].as_f64().unwrap() > 0.0, "{key}: {ce}");
    }
    let layers = report["layers"].as_array().unwrap();
    assert!(layers.iter().any(|l| l["layer"] == "1 pool retention" && l["var_999"].is_number()));
    assert!(report["haircut_probability"].is_number());
    assert_eq!(report["recommendation"], serde_json::Value::Null);
}

#[test]
fn simulate_config_file_plot_and_recommend() {
    let config = temp_path("config.toml");
    std::fs::write(&config, EXAMPLE.replace("paths = 20_000", "paths = 700")).unwrap();
    let plot = temp_path("loss.svg");
    let batch = temp_path("batch.json");
    let run = mutual(
        &[
            "simulate",
            "--config",
            config.to_str().unwrap(),
            "--no-capital",
            "--plot",
            plot.to_str().unwrap(),
            "--recommend",
            "--recommend-out",
            batch.to_str().unwrap(),
        ],
        "",
    );
    assert_eq!(run.code, 0, "stderr: {}", run.stderr);
    assert!(run.stdout.contains("700 paths"));
    assert!(run.stdout.contains("Recommended parameters"));
    let svg = std::fs::read_to_string(&plot).unwrap();
    assert!(svg.starts_with("<svg") && svg.contains("tier hit probabilities"));
    let batch_json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&batch).unwrap()).unwrap();
    assert_eq!(batch_json["chainId"], "42161");
    let txs = batch_json["transactions"].as_array().unwrap();
    assert!(!txs.is_empty());
    assert!(txs
        .iter()
        .all(|t| ["queue", "tighten"].contains(&t["contractMethod"]["name"].as_str().unwrap())));
    for path in [&config, &plot, &batch] {
        let _ = std::fs::remove_file(path);
    }
}

#[test]
fn simulate_progress_on_request() {
    let run = mutual(&["simulate", "--paths", "300", "--no-capital", "--progress"], "");
    assert_eq!(run.code, 0, "stderr: {}", run.stderr);
    assert!(run.stderr.contains("\rdone") && run.stderr.ends_with('\n'), "{:?}", run.stderr);
    assert!(run.stderr.contains(" paths "), "{:?}", run.stderr);
}

#[test]
fn simulate_errors() {
    let bad = temp_path("bad.toml");
    std::fs::write(&bad, EXAMPLE.replace("nav = 25_000_000", "nav = 25_000_000\nnva = 1")).unwrap();
    let bad_text = bad.to_str().unwrap().to_owned();
    let negative = temp_path("negative.toml");
    std::fs::write(&negative, EXAMPLE.replace("assets = 7_500_000", "assets = -7_500_000"))
        .unwrap();
    let negative_text = negative.to_str().unwrap().to_owned();
    let cases: &[(&[&str], &[&str])] = &[
        (&["simulate", "--config", &bad_text], &["bad.toml", "unknown field `nva`", "[pool]"]),
        (&["simulate", "--config", &negative_text], &["tranches[1].assets", "negative"]),
        (&["simulate", "--config", "/nonexistent/x.toml"], &["config /nonexistent/x.toml"]),
        (&["simulate", "--paths", "0"], &["--paths", "between 1 and"]),
        (&["simulate", "--target", "1.5"], &["--target", "between 0 and 1"]),
        (&["simulate", "--target", "abc"], &["--target"]),
        (&["simulate", "--threads", "0"], &["--threads"]),
        (&["simulate", "--plot", "loss.png"], &["--plot", "only SVG"]),
    ];
    for (args, needles) in cases {
        assert_fails(&mutual(args, ""), needles);
    }
    // Flags clap rejects: a usage error, status 2.
    for args in [&["simulate", "--recommend-out", "x.json"][..], &["simulate", "--paths", "many"]] {
        let run = mutual(args, "");
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
    }
    let _ = std::fs::remove_file(bad);
    let _ = std::fs::remove_file(negative);
}
