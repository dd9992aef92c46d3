//! Mutual's contract interfaces for Rust tools and tests (the CLI, the Safe batch writer,
//! the local runner's scenarios): alloy `sol!` bindings of the Solidity interfaces under
//! `abi/`, which `scripts/gen-abi.sh` generates from each contract's source. Binding the
//! generated files, rather than declaring the interfaces again here, keeps one source of
//! truth: a signature changed in a contract changes its calldata here at the next build.
//!
//! - [`IGovernanceParams`], from `abi/IGovernanceParams.sol`.
//! - [`IInsuranceFund`], from `abi/IInsuranceFund.sol`.
//! - [`IMutualVault`], from `abi/IMutualVault.sol`.
//! - [`ITestUsdc`], the test token `crates/erc20-program` (not a protocol contract, so not
//!   generated under `abi/`): declared here, and checked against the deployed program by
//!   the end-to-end tests (`test/tests/e2e/`), which call every function of it.
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

alloy_sol_types::sol!(
    #[sol(all_derives)]
    "../../abi/IInsuranceFund.sol"
);

alloy_sol_types::sol!(
    #[sol(all_derives)]
    "../../abi/IMutualVault.sol"
);

alloy_sol_types::sol! {
    /// `TestUsdc` (`crates/erc20-program`): a USDC-like ERC-20 with 6 decimals, the ERC-6093
    /// errors and an open `mint`, deployed by the local runner's tests and gas report.
    #[sol(all_derives)]
    interface ITestUsdc {
        /// `sender`'s `balance` is below the `needed` amount.
        error ERC20InsufficientBalance(address sender, uint256 balance, uint256 needed);
        /// A transfer from the zero address.
        error ERC20InvalidSender(address sender);
        /// A transfer (or a mint) to the zero address.
        error ERC20InvalidReceiver(address receiver);
        /// `spender`'s `allowance` is below the `needed` amount.
        error ERC20InsufficientAllowance(address spender, uint256 allowance, uint256 needed);
        /// An approval by the zero address.
        error ERC20InvalidApprover(address approver);
        /// An approval of the zero address.
        error ERC20InvalidSpender(address spender);
        /// Solidity's panic (`0x11`: a mint overflowing the supply).
        error Panic(uint256 code);

        /// `value` tokens moved from `from` (zero for a mint) to `to`.
        event Transfer(address indexed from, address indexed to, uint256 value);
        /// `owner` set `spender`'s allowance to `value`.
        event Approval(address indexed owner, address indexed spender, uint256 value);

        /// The name.
        function name() external view returns (string memory);
        /// The symbol.
        function symbol() external view returns (string memory);
        /// The decimals: 6.
        function decimals() external view returns (uint8);
        /// The total supply.
        function totalSupply() external view returns (uint256);
        /// The balance of `account`.
        function balanceOf(address account) external view returns (uint256);
        /// What `spender` may still take from `owner`.
        function allowance(address owner, address spender) external view returns (uint256);
        /// Sets the caller's allowance for `spender`.
        function approve(address spender, uint256 value) external returns (bool);
        /// Moves `value` from the caller to `to`.
        function transfer(address to, uint256 value) external returns (bool);
        /// Moves `value` from `from` to `to` on the caller's allowance.
        function transferFrom(address from, address to, uint256 value) external returns (bool);
        /// Creates `value` tokens for `to` (anyone may call it).
        function mint(address to, uint256 value) external;
    }
}
