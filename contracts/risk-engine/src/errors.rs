//! The errors of `RiskEngine`: one `sol!` block, each carrying the offending values.

use alloc::vec::Vec;

use alloy_primitives::U256;
use mutual_contract_kit::abi::{revert_data, word, word_u8};
use mutual_risk::MathError;
use stylus_sdk::alloy_sol_types::{sol, SolError};

sol! {
    /// Thrown when an array argument has `got` entries where `expected` are needed (a
    /// volatility curve of 5, a fee schedule of 3, book lines in groups of 5).
    #[derive(Debug, PartialEq, Eq)]
    error EngineInvalidLength(uint256 expected, uint256 got);

    /// Thrown when `value` (as a raw word; a negative `int256` reads as its two's
    /// complement) does not fit the pure crate's integer types: an amount, price, time,
    /// volatility or factor negative or above `2^128 - 1`, a line amount outside `int128`.
    #[derive(Debug, PartialEq, Eq)]
    error EngineValueOutOfRange(uint256 value);

    /// Thrown when the pure crate refuses its inputs: `code` is `mutual_risk::MathError::code`
    /// (0 division by zero, 1 overflow, 2 ln of zero, 3 spot, 4 strike, 5 time,
    /// 6 volatility, 7 rate, 8 price bounds, 9 length, 10 bounds, 11 decimals).
    #[derive(Debug, PartialEq, Eq)]
    error EngineMathError(uint8 code);
}

/// Every error of `RiskEngine`, encoded by hand (`mutual_contract_kit::abi`); a test
/// checks each variant against `SolError::abi_encode`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Error {
    /// See [`EngineInvalidLength`].
    InvalidLength(EngineInvalidLength),
    /// See [`EngineValueOutOfRange`].
    ValueOutOfRange(EngineValueOutOfRange),
    /// See [`EngineMathError`].
    Math(EngineMathError),
}

impl From<Error> for Vec<u8> {
    fn from(error: Error) -> Vec<u8> {
        match error {
            Error::InvalidLength(e) => {
                revert_data(EngineInvalidLength::SELECTOR, &[word(e.expected), word(e.got)])
            }
            Error::ValueOutOfRange(e) => {
                revert_data(EngineValueOutOfRange::SELECTOR, &[word(e.value)])
            }
            Error::Math(e) => revert_data(EngineMathError::SELECTOR, &[word_u8(e.code)]),
        }
    }
}

impl From<MathError> for Error {
    fn from(error: MathError) -> Error {
        Error::Math(EngineMathError { code: error.code() })
    }
}

/// `EngineInvalidLength(expected, got)`.
pub(crate) fn invalid_length(expected: usize, got: usize) -> Error {
    Error::InvalidLength(EngineInvalidLength {
        expected: U256::from(expected),
        got: U256::from(got),
    })
}

/// `EngineValueOutOfRange(value)`.
pub(crate) fn out_of_range(value: U256) -> Error {
    Error::ValueOutOfRange(EngineValueOutOfRange { value })
}

/// Lists the errors in the exported Solidity interface, as the `SolidityError` derive does.
#[cfg(feature = "export-abi")]
impl stylus_sdk::abi::export::internal::InnerTypes for Error {
    fn inner_types() -> Vec<stylus_sdk::abi::export::internal::InnerType> {
        use alloc::format;
        use core::any::TypeId;

        use stylus_sdk::abi::export::internal::InnerType;

        /// One `error ...;` declaration.
        fn declare<E: SolError + 'static>() -> InnerType {
            InnerType {
                name: format!("error {};", E::SIGNATURE.replace(',', ", ")),
                id: TypeId::of::<E>(),
            }
        }

        alloc::vec![
            declare::<EngineInvalidLength>(),
            declare::<EngineValueOutOfRange>(),
            declare::<EngineMathError>(),
        ]
    }
}
