//! The one error type of the crate: every refusal, with the offending values.

/// Why a function of this crate refused its input. Each variant carries the values that
/// caused it, so a contract can forward them in its own custom error.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MathError {
    /// A division by zero: a zero denominator in `mul_div`, or weights that sum to zero.
    DivisionByZero,
    /// The exact result does not fit the return type.
    Overflow,
    /// `ln` of zero (or of a non-positive ratio).
    LnOfZero,
    /// Spot outside [`SPOT_STRIKE_MIN_WAD`](crate::black_scholes::SPOT_STRIKE_MIN_WAD),
    /// [`SPOT_STRIKE_MAX_WAD`](crate::black_scholes::SPOT_STRIKE_MAX_WAD)].
    SpotOutOfRange {
        /// The spot given, 18 decimals.
        spot_wad: u128,
    },
    /// Strike outside the same range as the spot.
    StrikeOutOfRange {
        /// The strike given, 18 decimals.
        strike_wad: u128,
    },
    /// Time to expiry zero or above [`T_MAX_WAD`](crate::black_scholes::T_MAX_WAD).
    TimeOutOfRange {
        /// The time given, in years, 18 decimals.
        t_years_wad: u128,
    },
    /// Volatility zero or above [`VOL_MAX_WAD`](crate::black_scholes::VOL_MAX_WAD).
    VolOutOfRange {
        /// The volatility given, 18 decimals (1e18 = 100%).
        vol_wad: u128,
    },
    /// Rate above [`RATE_MAX_WAD`](crate::black_scholes::RATE_MAX_WAD).
    RateOutOfRange {
        /// The rate given, 18 decimals, continuously compounded per year.
        rate_wad: u128,
    },
    /// An option price outside the no-arbitrage bounds, so no volatility reproduces it.
    PriceOutOfBounds {
        /// The price given, 18 decimals.
        price_wad: u128,
        /// The lowest price any volatility gives (the discounted intrinsic value).
        lower_wad: u128,
        /// The highest price any volatility in range gives.
        upper_wad: u128,
    },
    /// An output slice whose length differs from its input's.
    LengthMismatch {
        /// The length required.
        expected: usize,
        /// The length given.
        got: usize,
    },
    /// A lower bound above its upper bound, or a parameter outside its `[min, max]` range
    /// (each function says which).
    InvalidBounds {
        /// The lower bound, or the offending parameter.
        min: u128,
        /// The upper bound.
        max: u128,
    },
    /// Asset decimals above 18: amounts are converted from 18-decimal values by dividing.
    DecimalsOutOfRange {
        /// The decimals given.
        decimals: u8,
    },
}

impl MathError {
    /// A stable one-byte code of the variant, for contracts that report a refusal in a
    /// custom error without its fields: 0 division by zero, 1 overflow, 2 ln of zero,
    /// 3 spot, 4 strike, 5 time, 6 volatility, 7 rate, 8 price bounds, 9 length,
    /// 10 bounds, 11 decimals (the declaration order; new variants get new codes).
    ///
    /// ```
    /// use mutual_risk::MathError;
    /// assert_eq!(MathError::Overflow.code(), 1);
    /// assert_eq!(MathError::VolOutOfRange { vol_wad: 0 }.code(), 6);
    /// assert_eq!(MathError::DecimalsOutOfRange { decimals: 19 }.code(), 11);
    /// ```
    #[must_use]
    pub fn code(&self) -> u8 {
        match self {
            Self::DivisionByZero => 0,
            Self::Overflow => 1,
            Self::LnOfZero => 2,
            Self::SpotOutOfRange { .. } => 3,
            Self::StrikeOutOfRange { .. } => 4,
            Self::TimeOutOfRange { .. } => 5,
            Self::VolOutOfRange { .. } => 6,
            Self::RateOutOfRange { .. } => 7,
            Self::PriceOutOfBounds { .. } => 8,
            Self::LengthMismatch { .. } => 9,
            Self::InvalidBounds { .. } => 10,
            Self::DecimalsOutOfRange { .. } => 11,
        }
    }
}

impl core::fmt::Display for MathError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match *self {
            Self::DivisionByZero => f.write_str("division by zero"),
            Self::Overflow => f.write_str("result does not fit"),
            Self::LnOfZero => f.write_str("logarithm of zero"),
            Self::SpotOutOfRange { spot_wad } => write!(f, "spot out of range: {spot_wad} (wad)"),
            Self::StrikeOutOfRange { strike_wad } => {
                write!(f, "strike out of range: {strike_wad} (wad)")
            }
            Self::TimeOutOfRange { t_years_wad } => {
                write!(f, "time to expiry out of range: {t_years_wad} (wad years)")
            }
            Self::VolOutOfRange { vol_wad } => {
                write!(f, "volatility out of range: {vol_wad} (wad)")
            }
            Self::RateOutOfRange { rate_wad } => write!(f, "rate out of range: {rate_wad} (wad)"),
            Self::PriceOutOfBounds { price_wad, lower_wad, upper_wad } => write!(
                f,
                "price {price_wad} outside the no-arbitrage bounds [{lower_wad}, {upper_wad}] (wad)"
            ),
            Self::LengthMismatch { expected, got } => {
                write!(f, "output length {got}, expected {expected}")
            }
            Self::InvalidBounds { min, max } => {
                write!(f, "invalid bounds or parameter: min {min}, max {max}")
            }
            Self::DecimalsOutOfRange { decimals } => {
                write!(f, "asset decimals {decimals} above 18")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::MathError;

    #[test]
    fn codes_follow_the_declaration_order_and_are_distinct() {
        let all = [
            MathError::DivisionByZero,
            MathError::Overflow,
            MathError::LnOfZero,
            MathError::SpotOutOfRange { spot_wad: 0 },
            MathError::StrikeOutOfRange { strike_wad: 0 },
            MathError::TimeOutOfRange { t_years_wad: 0 },
            MathError::VolOutOfRange { vol_wad: 0 },
            MathError::RateOutOfRange { rate_wad: 0 },
            MathError::PriceOutOfBounds { price_wad: 0, lower_wad: 0, upper_wad: 0 },
            MathError::LengthMismatch { expected: 0, got: 0 },
            MathError::InvalidBounds { min: 0, max: 0 },
            MathError::DecimalsOutOfRange { decimals: 0 },
        ];
        for (i, e) in all.iter().enumerate() {
            assert_eq!(usize::from(e.code()), i, "{e}");
        }
    }
}
