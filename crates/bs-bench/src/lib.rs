//! `BsBench`: a gas bench program for the shared Black-Scholes of [`mutual_risk`].
//!
//! A minimal Stylus contract with no storage whose public methods call
//! [`mutual_risk::black_scholes::prices`] and [`mutual_risk::black_scholes::greeks`] on their
//! arguments and return the results, plus a [`BsBench::noop`] baseline that does nothing.
//! `scripts/build-wasm.sh` builds it in contract mode (every Stylus rule and the 24,576-byte
//! limit) into `target/stylus/mutual-bs-bench.wasm`, and `scripts/gas-report.sh` deploys that
//! exact artifact in `mutual-localnet` and prints the gas and ink of each method: the cost of
//! the math is `greeks - noop`. It is never deployed to a live chain.
//!
//! The Solidity interface:
//!
//! ```solidity
//! interface IBsBench {
//!     function noop() external view;
//!     function prices(uint256 spot, uint256 strike, uint256 t, uint256 vol, uint256 rate)
//!         external view returns (uint256 call, uint256 put);
//!     function greeks(uint256 spot, uint256 strike, uint256 t, uint256 vol, uint256 rate)
//!         external view returns (uint256 call, uint256 put, int256 deltaCall, int256 deltaPut,
//!             uint256 gamma, uint256 vega, int256 thetaCall, int256 thetaPut, int256 rhoCall,
//!             int256 rhoPut);
//! }
//! ```
//!
//! Every input is an 18-decimal fixed-point number (`t` in years, `vol` and `rate` as
//! fractions: 0.8e18 is 80%). An input that does not fit a `u128`, or that `mutual-risk`
//! rejects, reverts with [`BsBenchInvalidInput`]`(code)`, `code` being [`error_code`]'s.
#![cfg_attr(target_arch = "wasm32", no_std)]

extern crate alloc;

mod state;

use alloc::vec::Vec;

use alloy_primitives::{I256, U256};
use alloy_sol_types::{sol, SolError};
use mutual_risk::black_scholes::{greeks, prices, Greeks, Inputs, Prices};
use mutual_risk::MathError;
use stylus_sdk::prelude::*;

pub use state::BsBench;

/// Aborts on panic in the deployed program (built with `panic=immediate-abort`).
#[cfg(target_arch = "wasm32")]
#[panic_handler]
fn panic(_info: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}

sol! {
    /// An argument does not fit a `u128`, or `mutual-risk` rejected the inputs; `code` says
    /// which ([`error_code`]).
    #[derive(Debug, PartialEq, Eq)]
    error BsBenchInvalidInput(uint8 code);
}

/// The prices, as the ABI returns them: `(call, put)`.
pub type PricesAbi = (U256, U256);

/// The prices and greeks, as the ABI returns them: `(call, put, deltaCall, deltaPut, gamma,
/// vega, thetaCall, thetaPut, rhoCall, rhoPut)`.
pub type GreeksAbi = (U256, U256, I256, I256, U256, U256, I256, I256, I256, I256);

/// The revert code of an argument that does not fit a `u128`.
pub const CODE_TOO_LARGE: u8 = 1;

/// The revert code of each [`MathError`]: 2 and up, in declaration order.
#[must_use]
pub fn error_code(error: &MathError) -> u8 {
    // MathError::code is at most 11: the sum cannot wrap.
    error.code() + 2
}

/// The ABI-encoded revert data of `code`.
#[must_use]
pub fn revert_data(code: u8) -> Vec<u8> {
    BsBenchInvalidInput { code }.abi_encode()
}

/// `x` as a `u128`, or the revert data of [`CODE_TOO_LARGE`].
///
/// # Errors
/// If `x` does not fit a `u128`.
pub fn to_u128(x: U256) -> Result<u128, Vec<u8>> {
    u128::try_from(x).map_err(|_| revert_data(CODE_TOO_LARGE))
}

/// The [`Inputs`] of the five ABI arguments.
///
/// # Errors
/// If an argument does not fit a `u128`.
pub fn inputs(spot: U256, strike: U256, t: U256, vol: U256, rate: U256) -> Result<Inputs, Vec<u8>> {
    Ok(Inputs {
        spot_wad: to_u128(spot)?,
        strike_wad: to_u128(strike)?,
        t_years_wad: to_u128(t)?,
        vol_wad: to_u128(vol)?,
        rate_wad: to_u128(rate)?,
    })
}

/// A `u128` result as a `uint256`.
fn unsigned(x: u128) -> U256 {
    U256::from(x)
}

/// An `i128` result as an `int256`.
fn signed(x: i128) -> I256 {
    I256::try_from(x).unwrap_or_default()
}

/// [`Prices`] in ABI form.
#[must_use]
pub fn prices_abi(p: &Prices) -> PricesAbi {
    (unsigned(p.call_wad), unsigned(p.put_wad))
}

/// [`Greeks`] in ABI form.
#[must_use]
pub fn greeks_abi(g: &Greeks) -> GreeksAbi {
    (
        unsigned(g.call_wad),
        unsigned(g.put_wad),
        signed(g.delta_call_wad),
        signed(g.delta_put_wad),
        unsigned(g.gamma_wad),
        unsigned(g.vega_wad),
        signed(g.theta_call_wad),
        signed(g.theta_put_wad),
        signed(g.rho_call_wad),
        signed(g.rho_put_wad),
    )
}

#[public]
impl BsBench {
    /// Does nothing: the baseline (entry, argument and result handling) the other methods
    /// are measured against.
    pub fn noop(&self) {}

    /// The ABI baseline of [`Self::prices`]: decodes and checks the same arguments and
    /// encodes a result of the same shape, without pricing. `prices - prices_baseline` is
    /// the cost of the math alone.
    ///
    /// # Errors
    /// [`BsBenchInvalidInput`] as [`Self::prices`] for the argument checks.
    pub fn prices_baseline(
        &self,
        spot: U256,
        strike: U256,
        t: U256,
        vol: U256,
        rate: U256,
    ) -> Result<PricesAbi, Vec<u8>> {
        let _ = inputs(spot, strike, t, vol, rate)?;
        Ok(prices_abi(&Prices { call_wad: u128::MAX >> 40, put_wad: u128::MAX >> 40 }))
    }

    /// The ABI baseline of [`Self::greeks`]: the same argument handling and a result of the
    /// same shape (negative entries included, as their encoding costs more), no math.
    ///
    /// # Errors
    /// [`BsBenchInvalidInput`] as [`Self::greeks`] for the argument checks.
    pub fn greeks_baseline(
        &self,
        spot: U256,
        strike: U256,
        t: U256,
        vol: U256,
        rate: U256,
    ) -> Result<GreeksAbi, Vec<u8>> {
        let _ = inputs(spot, strike, t, vol, rate)?;
        let (u, i) = (u128::MAX >> 40, i128::MAX >> 40);
        Ok(greeks_abi(&Greeks {
            call_wad: u,
            put_wad: u,
            delta_call_wad: i,
            delta_put_wad: -i,
            gamma_wad: u,
            vega_wad: u,
            theta_call_wad: -i,
            theta_put_wad: -i,
            rho_call_wad: i,
            rho_put_wad: -i,
        }))
    }

    /// The call and put prices.
    ///
    /// # Errors
    /// [`BsBenchInvalidInput`] if an argument does not fit a `u128` or is out of range.
    pub fn prices(
        &self,
        spot: U256,
        strike: U256,
        t: U256,
        vol: U256,
        rate: U256,
    ) -> Result<PricesAbi, Vec<u8>> {
        let inputs = inputs(spot, strike, t, vol, rate)?;
        prices(&inputs).map(|p| prices_abi(&p)).map_err(|e| revert_data(error_code(&e)))
    }

    /// The prices and every greek, from one shared evaluation.
    ///
    /// # Errors
    /// [`BsBenchInvalidInput`] if an argument does not fit a `u128` or is out of range, or a
    /// greek overflows.
    pub fn greeks(
        &self,
        spot: U256,
        strike: U256,
        t: U256,
        vol: U256,
        rate: U256,
    ) -> Result<GreeksAbi, Vec<u8>> {
        let inputs = inputs(spot, strike, t, vol, rate)?;
        greeks(&inputs).map(|g| greeks_abi(&g)).map_err(|e| revert_data(error_code(&e)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const W: u128 = 1_000_000_000_000_000_000;

    #[test]
    fn inputs_convert_and_reject_wide_values() {
        let w = U256::from(W);
        let got = inputs(w, w, w, w, U256::ZERO).unwrap();
        assert_eq!(got.spot_wad, W);
        assert_eq!(got.rate_wad, 0);
        let too_large = U256::from(u128::MAX) + U256::from(1u8);
        assert_eq!(inputs(too_large, w, w, w, w), Err(revert_data(CODE_TOO_LARGE)));
    }

    #[test]
    fn results_match_the_pure_crate() {
        let i = Inputs {
            spot_wad: 2000 * W,
            strike_wad: 2000 * W,
            t_years_wad: W / 12,
            vol_wad: 8 * W / 10,
            rate_wad: 0,
        };
        let g = greeks(&i).unwrap();
        let abi = greeks_abi(&g);
        assert_eq!(abi.0, U256::from(g.call_wad));
        assert_eq!(abi.2, I256::try_from(g.delta_call_wad).unwrap());
        let p = prices(&i).unwrap();
        assert_eq!(prices_abi(&p), (abi.0, abi.1));
    }

    #[test]
    fn math_errors_have_distinct_codes() {
        let bad = Inputs { spot_wad: 0, strike_wad: W, t_years_wad: W, vol_wad: W, rate_wad: 0 };
        let e = prices(&bad).unwrap_err();
        assert_eq!(error_code(&e), 5);
        let data = revert_data(error_code(&e));
        assert_eq!(&data[..4], &BsBenchInvalidInput::SELECTOR);
    }
}
