//! Mutual's pure risk core: the same integer-only code runs in the Stylus contracts, the
//! command-line tool and the simulator.
//!
//! - [`fixed`]: 18-decimal (WAD) `mul_div` with a 512-bit intermediate, rounding in the name.
//! - [`exp`], [`ln`], [`sqrt`], [`normal`]: transcendentals, each with its domain,
//!   saturation, monotonicity and measured maximum error documented.
//! - [`black_scholes`]: European prices, greeks and implied volatility.
//! - [`waterfall`]: the loss waterfall, largest-remainder splits, excess of loss.
//! - [`stress`]: the worst loss of an option book over a grid of spot and volatility shocks,
//!   and its net delta and vega.
//! - [`trade`]: the price of a trade: its volatility, premium in asset units and fees.
//! - [`settlement`]: what an option pays or owes at expiry, and pro-rata haircuts.
//! - [`margin`]: margin requirements of written options, account health, liquidation splits.
//!
//! No floating point anywhere (Stylus rejects float opcodes at activation; the wasm build
//! is scanned for them), no `std`, no allocation, no stylus-sdk.
#![cfg_attr(not(test), no_std)]

mod error;
mod float;
mod tables;
#[cfg(test)]
mod tests_common;

pub mod black_scholes;
pub mod exp;
pub mod fixed;
pub mod ln;
pub mod margin;
pub mod normal;
pub mod settlement;
pub mod sqrt;
pub mod stress;
pub mod trade;
pub mod waterfall;

pub use error::MathError;
