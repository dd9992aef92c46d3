//! Test support: reference vectors computed with mpmath (`scripts/reference/`), exact
//! error measurement against them, and a worst-case tracker that prints what it saw.
#![allow(
    clippy::cast_possible_truncation,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss,
    clippy::cast_precision_loss,
    reason = "test support: errors are reported as f64 after exact subtraction; exponents are small"
)]

use num_bigint::BigInt;
use num_traits::{Signed, ToPrimitive, Zero};

use crate::float::Float;

/// A true value: a signed decimal with its integer and fractional parts kept apart, so a
/// difference from an integer is exact to 1e-15.
#[derive(Clone, Debug)]
pub(crate) struct Exact {
    neg: bool,
    int: BigInt,
    frac: f64,
    text: String,
}

impl Exact {
    pub(crate) fn parse(s: &str) -> Self {
        let (neg, body) = s.strip_prefix('-').map_or((false, s), |b| (true, b));
        let (int, frac) = body.split_once('.').unwrap_or((body, "0"));
        Self {
            neg,
            int: int.parse().expect("integer part"),
            frac: format!("0.{frac}").parse().expect("fraction"),
            text: s.into(),
        }
    }

    /// `got - self`, exact to about 1e-15 (plus f64 rounding of a small difference).
    pub(crate) fn diff(&self, got: &BigInt) -> f64 {
        let sign = if self.neg { -1 } else { 1 };
        let int_diff: BigInt = got - &self.int * sign;
        int_diff.to_f64().unwrap() - self.frac * f64::from(sign)
    }

    pub(crate) fn magnitude(&self) -> f64 {
        self.int.to_f64().unwrap() + self.frac
    }
}

/// A reference vector: an 18-decimal argument and the true result.
pub(crate) struct Vector {
    /// The argument, saturated to `i128` (see `x_u128` for the ln vectors above 2^127).
    pub(crate) x: i128,
    pub(crate) x_u128: u128,
    pub(crate) expected: Exact,
    /// The expected value read as a decimal `mantissa * 10^exp` (for relative checks).
    pub(crate) expected_float: (BigInt, i32),
}

pub(crate) fn load_vectors(name: &str) -> Vec<Vector> {
    let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    text.lines()
        .skip(1)
        .map(|line| {
            let (x, e) = line.split_once(',').expect("two columns");
            let x_u128 = x.parse::<u128>().unwrap_or(0);
            let x = x.parse::<i128>().unwrap_or(i128::MAX);
            Vector { x, x_u128, expected: Exact::parse(e), expected_float: parse_sci(e) }
        })
        .collect()
}

/// `"1.25e-5"` or `"-12.5"` as `(125, -7)` or `(-125, -1)`.
pub(crate) fn parse_sci(s: &str) -> (BigInt, i32) {
    let (m, e) =
        s.split_once(['e', 'E']).map_or((s, 0), |(m, e)| (m, e.parse().expect("exponent")));
    let (int, frac) = m.split_once('.').unwrap_or((m, ""));
    let digits: BigInt = format!("{int}{frac}").parse().expect("mantissa");
    (digits, e - frac.len() as i32)
}

/// `|got - expected| / |expected|` with `got = m 2^e` and `expected = d 10^p`, exactly.
pub(crate) fn float_rel_err(got: Float, expected: &(BigInt, i32)) -> f64 {
    let (m, e) = got.parts();
    let m = BigInt::from(m) * BigInt::from(if got.is_negative() { -1 } else { 1 });
    let (d, p) = (&expected.0, expected.1);
    // got = m 2^e, want (got - d 10^p) / (d 10^p); scale both by 2^-min(e,0) 10^-min(p,0).
    let ten = BigInt::from(10);
    let mut num = m;
    let mut den = d.clone();
    if e >= 0 {
        num <<= e as usize;
    } else {
        den <<= (-e) as usize;
    }
    if p >= 0 {
        den *= ten.pow(p as u32);
    } else {
        num *= ten.pow((-p) as u32);
    }
    // Now got/expected = num / den (with expected's 2^-e, 10^-p folded in).
    if den.is_zero() {
        return if num.is_zero() { 0.0 } else { f64::INFINITY };
    }
    let diff = (num - &den).abs() << 100u32;
    (diff / den.abs()).to_f64().unwrap() / 2f64.powi(100)
}

/// Tracks the worst absolute (wei) and relative errors seen, with where.
#[derive(Debug)]
pub(crate) struct Worst {
    name: &'static str,
    pub(crate) max_abs: f64,
    pub(crate) max_rel: f64,
    at_abs: Option<(i128, String)>,
    at_rel: Option<(i128, String)>,
    count: usize,
}

impl Worst {
    pub(crate) fn new(name: &'static str) -> Self {
        Self { name, max_abs: 0.0, max_rel: 0.0, at_abs: None, at_rel: None, count: 0 }
    }

    /// Records `got` (any integer type) against the true value.
    pub(crate) fn record(&mut self, x: i128, got: impl Into<BigInt>, expected: &Exact) {
        self.record_big(x, &got.into(), expected, true);
    }

    pub(crate) fn record_big(&mut self, x: i128, got: &BigInt, expected: &Exact, relative: bool) {
        self.count += 1;
        let d = expected.diff(got).abs();
        if d > self.max_abs {
            self.max_abs = d;
            self.at_abs = Some((x, expected.text.clone()));
        }
        if relative && expected.magnitude() > 0.0 {
            // Only meaningful once the value is large against the 0.5-wei rounding.
            let r = (d - 0.5).max(0.0) / expected.magnitude();
            if r > self.max_rel {
                self.max_rel = r;
                self.at_rel = Some((x, expected.text.clone()));
            }
        }
    }

    /// Records an error computed by the caller (relative).
    pub(crate) fn record_value(&mut self, x: i128, rel: f64) {
        self.count += 1;
        if rel > self.max_rel {
            self.max_rel = rel;
            self.at_rel = Some((x, String::new()));
        }
    }

    pub(crate) fn report(&self) {
        println!(
            "{}: {} vectors, max abs error {:.4} wei (at {:?}), max rel error {:.3e} (at {:?})",
            self.name, self.count, self.max_abs, self.at_abs, self.max_rel, self.at_rel
        );
    }
}
