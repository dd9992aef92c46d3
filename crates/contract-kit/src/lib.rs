//! Tiny shared helpers for Mutual's Stylus contracts.
//!
//! - [`clock`]: the time seam. Contracts read time only through [`clock::now`], so native
//!   tests can move time forward although the test VM's block timestamp is a constant.
//!
//! `no_std`, no allocation and no stylus-sdk: it links into every contract's wasm at no cost.
#![no_std]

#[cfg(feature = "test-clock")]
extern crate std;

pub mod clock;
