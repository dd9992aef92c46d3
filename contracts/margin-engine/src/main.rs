//! Prints the SDK's Solidity interface of `MarginEngine` (`export-abi`):
//!
//! ```sh
//! cargo run -p mutual-margin-engine --features export-abi
//! ```
//!
//! It lists functions and errors only (stylus-sdk 0.9 prints no events and no NatSpec).
#![cfg_attr(not(feature = "export-abi"), no_main)]

#[cfg(feature = "export-abi")]
fn main() {
    stylus_sdk::abi::export::print_from_args::<mutual_margin_engine::MarginEngine>();
}
