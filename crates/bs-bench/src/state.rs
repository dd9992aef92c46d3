//! The (empty) storage of `BsBench`.
//!
//! A module of its own because `#[entrypoint]` generates public functions without docs
//! (`user_entrypoint`) beside the struct it marks.
#![allow(missing_docs, reason = "`#[entrypoint]` generates undocumented public functions here")]

use alloc::{vec, vec::Vec};

use stylus_sdk::prelude::*;

/// `BsBench`: no state; every method is a pure function of its arguments.
#[storage]
#[entrypoint]
pub struct BsBench {}
