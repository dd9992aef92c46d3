//! Mutual's contract interfaces for Rust tools and tests (the CLI, the Safe batch writer,
//! the local runner's scenarios): alloy `sol!` bindings of the Solidity interfaces under
//! `abi/`, which `scripts/gen-abi.sh` generates from each contract's source. Binding the
//! generated files, rather than declaring the interfaces again here, keeps one source of
//! truth: a signature changed in a contract changes its calldata here at the next build.
//!
//! ```
//! use alloy_sol_types::SolCall;
//! use mutual_abi::IGovernanceParams;
//! let call = IGovernanceParams::getCall { key: [7u8; 32].into() };
//! let data = call.abi_encode();
//! assert_eq!(&data[..4], &IGovernanceParams::getCall::SELECTOR);
//! assert_eq!(IGovernanceParams::getCall::abi_decode(&data, true).unwrap().key, call.key);
//! ```
#![no_std]

alloy_sol_types::sol!(
    #[sol(all_derives)]
    "../../abi/IGovernanceParams.sol"
);
