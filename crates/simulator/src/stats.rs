//! Streaming statistics whose memory does not grow with the number of paths, and whose
//! merge is exact integer arithmetic, so any split of the paths over threads, reduced in
//! any order, gives bit-identical results.
//!
//! [`Sketch`] is a log-bucketed histogram of signed integer values (asset units or
//! 18-decimal ratios) in the manner of `DDSketch`: a value of magnitude `m >= 1` falls in
//! bucket `floor(ln m / ln GAMMA)` with `GAMMA = 1.01`, so a bucket spans values within a
//! factor 1.01 of each other; zero has its own bucket. Each bucket keeps its count, the
//! exact sum of its values and their minimum and maximum. From it:
//!
//! - **mean and variance** are exact: running integer sums `sum x` (256-bit signed) and
//!   `sum x^2` (256-bit) are kept beside the buckets, and divided only when reported;
//! - **a quantile** (the smallest value `x` with at least a fraction `q` of the values
//!   `<= x`, so `VaR_q`) is reported as the bucket's log-midpoint `2 GAMMA^(i+1) / (1 +
//!   GAMMA)`, clamped to the bucket's own minimum and maximum: within a **relative error of
//!   `(GAMMA - 1) / (GAMMA + 1) < 0.5%`** of the true sample quantile (exact when the
//!   bucket holds a single value, as for zero);
//! - **expected shortfall** (the mean of the worst `ceil((1 - q) n)` values) takes whole
//!   buckets from the top with their exact sums and the remainder from the boundary bucket
//!   at that bucket's mean: within a relative error of `GAMMA - 1 = 1%` of the exact figure,
//!   and exact when the boundary falls between buckets.
//!
//! Memory: at most one bucket per factor 1.01 of magnitude, about 8,900 per sign over the
//! whole `u128` range and in practice a few hundred, whatever the path count. Bucket sums
//! saturate at `u128::MAX` (never reached by money in asset units over any feasible path
//! count); saturating addition is still associative.

use std::collections::BTreeMap;

use alloy_primitives::{I256, U256};

/// The ratio between consecutive bucket boundaries.
pub const GAMMA: f64 = 1.01;

/// One bucket: how many values, their exact sum (saturating) and their extremes, all
/// magnitudes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Bucket {
    count: u64,
    sum: u128,
    min: u128,
    max: u128,
}

impl Bucket {
    fn single(m: u128) -> Self {
        Self { count: 1, sum: m, min: m, max: m }
    }

    fn merge(&mut self, other: &Self) {
        self.count += other.count;
        self.sum = self.sum.saturating_add(other.sum);
        self.min = self.min.min(other.min);
        self.max = self.max.max(other.max);
    }

    /// The bucket's representative for a quantile: the log-midpoint of bucket `index`,
    /// clamped to the values actually seen.
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        clippy::cast_precision_loss,
        reason = "the estimate is clamped to the bucket's own integer extremes"
    )]
    fn representative(&self, index: i32) -> u128 {
        let mid = 2.0 * GAMMA.powi(index + 1) / (1.0 + GAMMA);
        let mid = if mid >= u128::MAX as f64 { u128::MAX } else { mid.round() as u128 };
        mid.clamp(self.min, self.max)
    }

    #[allow(clippy::cast_precision_loss, reason = "a mean for reporting")]
    fn mean(&self) -> f64 {
        self.sum as f64 / self.count as f64
    }
}

/// The bucket of a magnitude `m >= 1`.
#[allow(
    clippy::cast_possible_truncation,
    clippy::cast_precision_loss,
    reason = "ln of a u128 is below 89, its bucket below 9,000"
)]
fn bucket_of(m: u128) -> i32 {
    ((m as f64).ln() / GAMMA.ln()).floor() as i32
}

/// A mergeable log-bucketed histogram of signed integers, with exact moments.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Sketch {
    n: u64,
    zeros: u64,
    positive: BTreeMap<i32, Bucket>,
    negative: BTreeMap<i32, Bucket>,
    sum: I256,
    sum_sq: U256,
}

impl Sketch {
    /// An empty sketch.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Records one value.
    pub fn add(&mut self, x: i128) {
        self.n += 1;
        self.sum += I256::try_from(x).unwrap_or_default();
        let m = x.unsigned_abs();
        self.sum_sq = self.sum_sq.saturating_add(U256::from(m) * U256::from(m));
        if m == 0 {
            self.zeros += 1;
            return;
        }
        let side = if x > 0 { &mut self.positive } else { &mut self.negative };
        side.entry(bucket_of(m))
            .and_modify(|b| b.merge(&Bucket::single(m)))
            .or_insert(Bucket::single(m));
    }

    /// Records one non-negative value.
    pub fn add_unsigned(&mut self, x: u128) {
        self.add(i128::try_from(x).unwrap_or(i128::MAX));
    }

    /// Adds everything `other` recorded.
    pub fn merge(&mut self, other: &Self) {
        self.n += other.n;
        self.zeros += other.zeros;
        self.sum += other.sum;
        self.sum_sq = self.sum_sq.saturating_add(other.sum_sq);
        for (mine, theirs) in
            [(&mut self.positive, &other.positive), (&mut self.negative, &other.negative)]
        {
            for (i, b) in theirs {
                mine.entry(*i).and_modify(|m| m.merge(b)).or_insert(*b);
            }
        }
    }

    /// How many values were recorded.
    #[must_use]
    pub fn count(&self) -> u64 {
        self.n
    }

    /// How many values were zero or negative.
    pub(crate) fn count_at_most_zero(&self) -> u64 {
        self.zeros + self.count_negative()
    }

    /// How many values were negative.
    pub(crate) fn count_negative(&self) -> u64 {
        self.negative.values().map(|b| b.count).sum()
    }

    /// The exact sum of the values.
    #[must_use]
    pub fn sum(&self) -> I256 {
        self.sum
    }

    /// The mean (exact sum over the count, rounded once to `f64`); 0 when empty.
    #[must_use]
    pub fn mean(&self) -> f64 {
        if self.n == 0 {
            return 0.0;
        }
        i256_to_f64(self.sum) / u64_to_f64(self.n)
    }

    /// The sample standard deviation, from the exact sums; 0 for fewer than two values.
    #[must_use]
    pub fn std_dev(&self) -> f64 {
        if self.n < 2 {
            return 0.0;
        }
        let n = u64_to_f64(self.n);
        let mean = self.mean();
        let var = (u256_to_f64(self.sum_sq) - n * mean * mean) / (n - 1.0);
        var.max(0.0).sqrt()
    }

    /// The lower `q`-quantile: the smallest recorded value `x` (to the sketch's accuracy)
    /// with at least `ceil(q n)` values `<= x`. 0 when empty.
    #[must_use]
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "a rank between 1 and n"
    )]
    pub fn quantile(&self, q: f64) -> i128 {
        if self.n == 0 {
            return 0;
        }
        let rank = ((q * u64_to_f64(self.n)).ceil() as u64).clamp(1, self.n);
        let mut seen = 0;
        for (i, b) in self.negative.iter().rev() {
            seen += b.count;
            if seen >= rank {
                return -i128::try_from(b.representative(*i)).unwrap_or(i128::MAX);
            }
        }
        seen += self.zeros;
        if seen >= rank {
            return 0;
        }
        for (i, b) in &self.positive {
            seen += b.count;
            if seen >= rank {
                return i128::try_from(b.representative(*i)).unwrap_or(i128::MAX);
            }
        }
        0
    }

    /// The expected shortfall at level `q` of non-negative values: the mean of the largest
    /// `ceil((1 - q) n)` values. 0 when empty.
    #[must_use]
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        clippy::cast_precision_loss,
        reason = "a count between 1 and n, and a mean for reporting"
    )]
    pub fn tail_mean(&self, q: f64) -> f64 {
        if self.n == 0 {
            return 0.0;
        }
        let k = (((1.0 - q) * u64_to_f64(self.n)).ceil() as u64).clamp(1, self.n);
        let mut left = k;
        let mut total = 0.0;
        for b in self.positive.values().rev() {
            let take = left.min(b.count);
            total += if take == b.count { b.sum as f64 } else { b.mean() * u64_to_f64(take) };
            left -= take;
            if left == 0 {
                break;
            }
        }
        // Zeros add nothing; negative values are not expected here, and count as zero.
        total / u64_to_f64(k)
    }

    /// `(value, P(X > value))` at every bucket's upper edge from the smallest positive
    /// value up: the exceedance curve of the positive values, for plotting.
    #[must_use]
    #[allow(clippy::cast_precision_loss, reason = "plot coordinates")]
    pub fn exceedance(&self) -> Vec<(f64, f64)> {
        let n = u64_to_f64(self.n.max(1));
        let mut above: u64 = self.positive.values().map(|b| b.count).sum();
        let mut out = Vec::with_capacity(self.positive.len());
        for b in self.positive.values() {
            above -= b.count;
            out.push((b.max as f64, u64_to_f64(above) / n));
        }
        out
    }
}

/// `u64` to `f64`, rounded to nearest.
#[allow(clippy::cast_precision_loss, reason = "counts reported as floats")]
fn u64_to_f64(x: u64) -> f64 {
    x as f64
}

/// An `I256` to `f64`, rounded (a few units in the last place).
#[allow(clippy::cast_precision_loss, reason = "reporting")]
pub(crate) fn i256_to_f64(x: I256) -> f64 {
    let m = u256_to_f64(x.unsigned_abs());
    if x.is_negative() {
        -m
    } else {
        m
    }
}

/// A `U256` to `f64`, rounded (a few units in the last place).
#[allow(clippy::cast_precision_loss, reason = "reporting")]
pub(crate) fn u256_to_f64(x: U256) -> f64 {
    x.as_limbs()
        .iter()
        .rev()
        .fold(0.0, |acc, &limb| acc * 18_446_744_073_709_551_616.0 + limb as f64)
}

#[cfg(test)]
#[allow(
    clippy::cast_possible_truncation,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss,
    clippy::cast_precision_loss,
    reason = "test arithmetic"
)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_and_tails_are_within_the_bound() {
        let mut s = Sketch::new();
        let values: Vec<i128> = (0..10_000).map(|i: i32| i128::from(i * i)).collect();
        for &v in &values {
            s.add(v);
        }
        for q in [0.05, 0.5, 0.9, 0.99, 0.999] {
            let rank = (q * 10_000.0_f64).ceil() as usize;
            let exact = values[rank - 1] as f64;
            let got = s.quantile(q) as f64;
            assert!((got - exact).abs() <= exact * 0.005 + 1.0, "q {q}: {got} vs {exact}");
            let k = ((1.0 - q) * 10_000.0_f64).ceil() as usize;
            let es: f64 = values[10_000 - k..].iter().map(|&v| v as f64).sum::<f64>() / k as f64;
            let got = s.tail_mean(q);
            assert!((got - es).abs() <= es * 0.01, "es {q}: {got} vs {es}");
        }
        let mean = values.iter().sum::<i128>() as f64 / 10_000.0;
        assert!((s.mean() - mean).abs() < 1e-6 * mean);
    }

    #[test]
    fn merge_in_any_order_is_identical_and_signs_work() {
        let xs: Vec<i128> = (0..3_000).map(|i: i32| i128::from(i * 7919 % 2003) - 1000).collect();
        let mut whole = Sketch::new();
        for &x in &xs {
            whole.add(x);
        }
        let (mut a, mut b, mut c) = (Sketch::new(), Sketch::new(), Sketch::new());
        for (i, &x) in xs.iter().enumerate() {
            [&mut a, &mut b, &mut c][i % 3].add(x);
        }
        let mut abc = a.clone();
        abc.merge(&b);
        abc.merge(&c);
        let mut cba = c;
        cba.merge(&b);
        cba.merge(&a);
        assert_eq!(abc, whole);
        assert_eq!(cba, whole);
        assert!(whole.quantile(0.01) < -950 && whole.quantile(0.99) > 950);
        assert_eq!(whole.quantile(0.0), whole.quantile(1e-9));
    }
}
