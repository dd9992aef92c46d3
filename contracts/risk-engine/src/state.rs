//! The (empty) storage of `RiskEngine`: it keeps no state.
//!
//! A module of its own because `#[entrypoint]` generates public functions without docs
//! (`user_entrypoint`, and `print_from_args` with `export-abi`) beside the struct it marks.
#![allow(missing_docs, reason = "`#[entrypoint]` generates undocumented public functions here")]

use alloc::{vec, vec::Vec};

use stylus_sdk::prelude::*;

/// `RiskEngine`: the pure crate behind an ABI. No storage, no access control: every call
/// is a function of its arguments.
#[storage]
#[entrypoint]
pub struct RiskEngine {}
