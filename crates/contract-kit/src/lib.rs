//! Tiny shared helpers for Mutual's Stylus contracts.
//!
//! - [`abi`]: hand-encoded revert data and event logs, small in wasm.
//! - [`clock`]: the time seam. Contracts read time only through [`clock::now`], so native
//!   tests can move time forward although the test VM's block timestamp is a constant.
//!
//! `no_std` and no stylus-sdk: it links into every contract's wasm at no cost beyond what
//! each contract calls.
#![no_std]

extern crate alloc;

#[cfg(feature = "test-clock")]
extern crate std;

pub mod abi;
pub mod clock;
