//! Prints the SDK's Solidity interface of `ShortBook` (`export-abi`):
//!
//! ```sh
//! cargo run -p mutual-short-book --features export-abi
//! ```
//!
//! It lists functions and errors only (stylus-sdk 0.9 prints no events and no NatSpec).
#![cfg_attr(not(feature = "export-abi"), no_main)]

#[cfg(feature = "export-abi")]
fn main() {
    stylus_sdk::abi::export::print_from_args::<mutual_short_book::ShortBook>();
}
