//! Prints the SDK's Solidity interface of `MutualVault` (`export-abi`):
//!
//! ```sh
//! cargo run -p mutual-vault --features export-abi
//! ```
//!
//! It lists functions and errors only (stylus-sdk 0.9 prints no events and no NatSpec).
//! The interface users get is `abi/IMutualVault.sol`, generated from the source by
//! `scripts/gen-abi.sh` with events and NatSpec; `scripts/check-abi.sh` checks that its
//! functions and errors are exactly the ones printed here.
#![cfg_attr(not(feature = "export-abi"), no_main)]

#[cfg(feature = "export-abi")]
fn main() {
    stylus_sdk::abi::export::print_from_args::<mutual_vault::MutualVault>();
}
