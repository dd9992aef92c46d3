//! `mutual price`: Black-Scholes prices and greeks from flags (a labelled table) or from CSV
//! rows (CSV out), every value printed in full as 18-decimal fixed point.

use mutual_risk::black_scholes::{
    greeks, Greeks, Inputs, RATE_MAX_WAD, SPOT_STRIKE_MAX_WAD, SPOT_STRIKE_MIN_WAD, T_MAX_WAD,
    VOL_MAX_WAD,
};
use mutual_risk::MathError;

use crate::decimal::{format_signed_wad, format_wad, format_wad_short, parse_wad};

/// The input columns of the CSV, in the order of [`Inputs`].
pub(crate) const COLUMNS: [&str; 5] = ["spot", "strike", "t_years", "vol", "rate"];

/// The flags of the table form, in the order of [`COLUMNS`].
pub(crate) const FLAGS: [&str; 5] = ["--spot", "--strike", "--t-years", "--vol", "--rate"];

/// The header of the CSV output.
pub(crate) const CSV_HEADER: &str =
    "call,put,delta_call,delta_put,gamma,vega,theta_call,rho_call,theta_put,rho_put";

/// The units line printed above the table.
const UNITS: &str = concat!(
    "# 18-decimal fixed point, per unit of underlying: delta and gamma per unit of spot, ",
    "vega per 1.00 vol, theta per year, rho per 1.00 rate",
);

/// Parses the five inputs, given in [`COLUMNS`] order; an error names its field by
/// `locate(index)`.
fn parse_inputs(fields: [&str; 5], locate: impl Fn(usize) -> String) -> Result<Inputs, String> {
    let mut wads = [0u128; 5];
    for (i, (wad, text)) in wads.iter_mut().zip(fields).enumerate() {
        *wad = parse_wad(text).map_err(|e| format!("{}: {e}", locate(i)))?;
    }
    let [spot_wad, strike_wad, t_years_wad, vol_wad, rate_wad] = wads;
    Ok(Inputs { spot_wad, strike_wad, t_years_wad, vol_wad, rate_wad })
}

/// The greeks of `inputs`. An input out of the pricer's range is reported as
/// `<location>: out of range: <value> (accepted: <min> to <max>)`, located by
/// `locate(Some(index))`; any other error by `locate(None)` and the error's own text.
fn evaluate(inputs: &Inputs, locate: impl Fn(Option<usize>) -> String) -> Result<Greeks, String> {
    greeks(inputs).map_err(|e| {
        let spot_min = format_wad_short(SPOT_STRIKE_MIN_WAD);
        let (index, value, min, max) = match e {
            MathError::SpotOutOfRange { spot_wad } => {
                (0, spot_wad, &*spot_min, SPOT_STRIKE_MAX_WAD)
            }
            MathError::StrikeOutOfRange { strike_wad } => {
                (1, strike_wad, &*spot_min, SPOT_STRIKE_MAX_WAD)
            }
            MathError::TimeOutOfRange { t_years_wad } => (2, t_years_wad, "above 0", T_MAX_WAD),
            MathError::VolOutOfRange { vol_wad } => (3, vol_wad, "above 0", VOL_MAX_WAD),
            MathError::RateOutOfRange { rate_wad } => (4, rate_wad, "0", RATE_MAX_WAD),
            _ => return format!("{}: {e}", locate(None)),
        };
        let (value, max) = (format_wad_short(value), format_wad_short(max));
        format!("{}: out of range: {value} (accepted: {min} to {max})", locate(Some(index)))
    })
}

/// The labelled table: the units line, then one `label value` line per price and greek.
fn table(g: &Greeks) -> String {
    let rows = [
        ("call", format_wad(g.call_wad)),
        ("put", format_wad(g.put_wad)),
        ("delta_call", format_signed_wad(g.delta_call_wad)),
        ("delta_put", format_signed_wad(g.delta_put_wad)),
        ("gamma", format_wad(g.gamma_wad)),
        ("vega", format_wad(g.vega_wad)),
        ("theta_call", format_signed_wad(g.theta_call_wad)),
        ("theta_put", format_signed_wad(g.theta_put_wad)),
        ("rho_call", format_signed_wad(g.rho_call_wad)),
        ("rho_put", format_signed_wad(g.rho_put_wad)),
    ];
    let lines: Vec<String> =
        rows.iter().map(|(label, value)| format!("{label:<12}{value}")).collect();
    format!("{UNITS}\n{}\n", lines.join("\n"))
}

/// One CSV output row, in [`CSV_HEADER`] order, with its line end.
fn csv_row(g: &Greeks) -> String {
    let values = [
        format_wad(g.call_wad),
        format_wad(g.put_wad),
        format_signed_wad(g.delta_call_wad),
        format_signed_wad(g.delta_put_wad),
        format_wad(g.gamma_wad),
        format_wad(g.vega_wad),
        format_signed_wad(g.theta_call_wad),
        format_signed_wad(g.rho_call_wad),
        format_signed_wad(g.theta_put_wad),
        format_signed_wad(g.rho_put_wad),
    ];
    values.join(",") + "\n"
}

/// `mutual price --spot .. --strike .. --t-years .. --vol .. --rate ..`: the five flag
/// values in [`FLAGS`] order, to the labelled table.
///
/// # Errors
/// A one-line message naming the flag at fault.
pub(crate) fn from_flags(values: [&str; 5]) -> Result<String, String> {
    let inputs = parse_inputs(values, |i| FLAGS[i].to_owned())?;
    let g = evaluate(&inputs, |index| {
        index.map_or_else(|| "pricing".to_owned(), |i| FLAGS[i].to_owned())
    })?;
    Ok(table(&g))
}

/// `mutual price --csv`: CSV with a header naming at least the [`COLUMNS`] (in any order,
/// other columns ignored) to CSV with [`CSV_HEADER`], one row per input row. All or nothing:
/// the output is returned only if every row succeeded.
///
/// # Errors
/// A one-line message naming the line (the header is line 1) and column at fault.
pub(crate) fn from_csv(input: &[u8]) -> Result<String, String> {
    if input.iter().all(u8::is_ascii_whitespace) {
        return Err(format!("empty input: expected a CSV header naming {}", COLUMNS.join(",")));
    }
    let mut reader =
        csv::ReaderBuilder::new().flexible(true).trim(csv::Trim::All).from_reader(input);
    let header = reader.headers().map_err(|e| format!("reading CSV: {e}"))?.clone();
    let mut index = [0usize; 5];
    for (slot, name) in index.iter_mut().zip(COLUMNS) {
        let mut found = header.iter().enumerate().filter(|(_, h)| *h == name).map(|(i, _)| i);
        *slot = found.next().ok_or_else(|| {
            format!("line 1: missing column {name:?} (the header must name {})", COLUMNS.join(","))
        })?;
        if found.next().is_some() {
            return Err(format!("line 1: column {name:?} appears more than once"));
        }
    }
    let mut out = format!("{CSV_HEADER}\n");
    for record in reader.records() {
        let record = record.map_err(|e| format!("reading CSV: {e}"))?;
        let line = record.position().map_or(0, csv::Position::line);
        if record.len() != header.len() {
            return Err(format!(
                "line {line}: {} fields, but the header has {}",
                record.len(),
                header.len()
            ));
        }
        let mut fields = [""; 5];
        for (field, &i) in fields.iter_mut().zip(&index) {
            *field = record.get(i).ok_or_else(|| format!("line {line}: too few fields"))?;
        }
        let at = |i: usize| format!("line {line}, column {:?}", COLUMNS[i]);
        let inputs = parse_inputs(fields, at)?;
        let g = evaluate(&inputs, |index| index.map_or_else(|| format!("line {line}"), at))?;
        out.push_str(&csv_row(&g));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HULL: [&str; 5] = ["42", "40", "0.5", "0.2", "0.1"];

    #[test]
    fn table_has_every_label_in_order() {
        let out = from_flags(HULL).unwrap();
        let labels: Vec<&str> =
            out.lines().skip(1).map(|l| l.split_whitespace().next().unwrap()).collect();
        assert_eq!(
            labels,
            [
                "call",
                "put",
                "delta_call",
                "delta_put",
                "gamma",
                "vega",
                "theta_call",
                "theta_put",
                "rho_call",
                "rho_put"
            ]
        );
        assert!(out.starts_with("# 18-decimal fixed point"));
    }

    #[test]
    fn csv_row_matches_the_table() {
        let csv = from_csv(b"vol,rate,spot,t_years,strike\n0.2,0.1,42,0.5,40\n").unwrap();
        let table = from_flags(HULL).unwrap();
        let row: Vec<&str> = csv.lines().nth(1).unwrap().split(',').collect();
        let value = |label: &str| {
            table.lines().find_map(|l| l.strip_prefix(label)?.strip_prefix(' ')).unwrap().trim()
        };
        for (name, got) in CSV_HEADER.split(',').zip(row) {
            assert_eq!(got, value(name), "{name}");
        }
    }

    #[test]
    fn errors_name_line_and_column() {
        let err =
            from_csv(b"spot,strike,t_years,vol,rate\n42,40,0.5,0.2,0.1\n42,40,0.5,0.8x,0.1\n");
        assert_eq!(err.unwrap_err(), "line 3, column \"vol\": invalid decimal \"0.8x\"");
        let err = from_csv(b"spot,strike,t_years,vol,rate\n42,40,0,0.2,0.1\n").unwrap_err();
        assert_eq!(err, "line 2, column \"t_years\": out of range: 0 (accepted: above 0 to 10)");
        let err = from_csv(b"spot,strike,t_years,vol,rate\n0,40,1,0.2,0.1\n").unwrap_err();
        assert!(err.ends_with("(accepted: 0.000000000000000001 to 1000000000000)"), "{err}");
        let err = from_flags(["-42", "40", "0.5", "0.2", "0.1"]).unwrap_err();
        assert_eq!(err, "--spot: must not be negative, got \"-42\"");
        let err = from_flags(["42", "40", "0.5", "0.2", "1.5"]).unwrap_err();
        assert_eq!(err, "--rate: out of range: 1.5 (accepted: 0 to 1)");
        let err = from_csv(b"spot,strike,t_years,vol\n1,2,3,4\n").unwrap_err();
        assert!(err.starts_with("line 1: missing column \"rate\""), "{err}");
        let err = from_csv(b"spot,strike,t_years,vol,rate,spot\n").unwrap_err();
        assert_eq!(err, "line 1: column \"spot\" appears more than once");
        assert!(from_csv(b" \n").unwrap_err().starts_with("empty input"));
    }

    #[test]
    fn header_only_gives_header_only() {
        assert_eq!(from_csv(b"spot,strike,t_years,vol,rate\n").unwrap(), format!("{CSV_HEADER}\n"));
    }
}
