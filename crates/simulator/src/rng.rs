//! Random numbers for the spot paths: one `xoshiro256++` generator per path, seeded by
//! `SplitMix64` from `(seed, path index)`, so a path is the same whichever thread draws it
//! and in whatever order.
//!
//! Floats live here and in the statistics only: they shape the spot path, which is then
//! rounded once to an 18-decimal integer, and everything priced or allocated after that is
//! the pure crate's integer code.

/// `SplitMix64`: the recommended seeder of the `xoshiro` family (Vigna), also a good
/// 64-bit mixing function.
#[derive(Clone, Copy, Debug)]
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

/// `xoshiro256++` (Blackman and Vigna): 256 bits of state, period `2^256 - 1`, passes
/// `BigCrush`; with a normal deviate cached by the polar method.
#[derive(Clone, Debug)]
pub(crate) struct PathRng {
    s: [u64; 4],
    spare_normal: Option<f64>,
}

impl PathRng {
    /// The generator of path `index` of a run seeded with `seed`: the seed and the index
    /// are each mixed by `SplitMix64`, and their combination seeds the state.
    pub(crate) fn for_path(seed: u64, index: u64) -> Self {
        let a = SplitMix64(seed).next();
        let b = SplitMix64(index ^ 0x6A09_E667_F3BC_C909).next();
        let mut sm = SplitMix64(a ^ b.rotate_left(17));
        let s = [sm.next(), sm.next(), sm.next(), sm.next()];
        Self { s, spare_normal: None }
    }

    fn next_u64(&mut self) -> u64 {
        let s = &mut self.s;
        let result = s[0].wrapping_add(s[3]).rotate_left(23).wrapping_add(s[0]);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        result
    }

    /// Uniform on the open interval `(0, 1)`: 53 random bits, offset by half a step.
    #[allow(clippy::cast_precision_loss, reason = "53 bits convert to f64 exactly")]
    pub(crate) fn uniform(&mut self) -> f64 {
        ((self.next_u64() >> 11) as f64 + 0.5) * (1.0 / 9_007_199_254_740_992.0)
    }

    /// A standard normal deviate (Marsaglia's polar method; the second deviate of each pair
    /// is kept for the next call).
    pub(crate) fn normal(&mut self) -> f64 {
        if let Some(z) = self.spare_normal.take() {
            return z;
        }
        loop {
            let u = 2.0 * self.uniform() - 1.0;
            let v = 2.0 * self.uniform() - 1.0;
            let s = u * u + v * v;
            if s > 0.0 && s < 1.0 {
                let factor = (-2.0 * s.ln() / s).sqrt();
                self.spare_normal = Some(v * factor);
                return u * factor;
            }
        }
    }

    /// A Poisson deviate of mean `mean` by inversion (Knuth's product of uniforms): exact,
    /// and quick for the small means of one day's jump count.
    pub(crate) fn poisson(&mut self, mean: f64) -> u32 {
        if mean <= 0.0 {
            return 0;
        }
        let limit = (-mean).exp();
        let mut product = self.uniform();
        let mut k = 0;
        while product > limit && k < 1_000 {
            product *= self.uniform();
            k += 1;
        }
        k
    }
}

#[cfg(test)]
#[allow(clippy::cast_precision_loss, reason = "test statistics")]
mod tests {
    use super::*;

    #[test]
    fn paths_are_independent_of_draw_order_and_distinct() {
        let mut a = PathRng::for_path(7, 3);
        let mut b = PathRng::for_path(7, 3);
        let _ = PathRng::for_path(7, 2).normal();
        assert_eq!(a.next_u64(), b.next_u64());
        assert_ne!(PathRng::for_path(7, 3).next_u64(), PathRng::for_path(7, 4).next_u64());
        assert_ne!(PathRng::for_path(7, 3).next_u64(), PathRng::for_path(8, 3).next_u64());
    }

    #[test]
    fn moments_are_right() {
        let mut rng = PathRng::for_path(1, 0);
        let n = 200_000;
        let (mut sum, mut sum_sq, mut jumps) = (0.0, 0.0, 0u64);
        for _ in 0..n {
            let z = rng.normal();
            sum += z;
            sum_sq += z * z;
            jumps += u64::from(rng.poisson(0.3));
        }
        let mean = sum / f64::from(n);
        let var = sum_sq / f64::from(n) - mean * mean;
        assert!(mean.abs() < 0.01, "{mean}");
        assert!((var - 1.0).abs() < 0.01, "{var}");
        let jump_mean = jumps as f64 / f64::from(n);
        assert!((jump_mean - 0.3).abs() < 0.01, "{jump_mean}");
        let u = rng.uniform();
        assert!(u > 0.0 && u < 1.0);
    }
}
