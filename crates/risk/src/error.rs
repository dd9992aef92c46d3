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
