//! `TestUsdc`: a USDC-like ERC-20 as a Stylus program, for the local runner.
//!
//! The protocol's contracts hold a USDC-like collateral token (6 decimals, `transfer` and
//! `transferFrom` return `true`, no fee on transfer). The end-to-end tests in
//! `test/tests/e2e/` and `scripts/gas-report.sh` deploy the real wasm of every contract in
//! `mutual-localnet`, so the token must be a program too: this one.
//! `scripts/build-wasm.sh` builds it in contract mode (every Stylus rule and the
//! 24,576-byte limit) into `target/stylus/mutual-erc20-program.wasm`.
//!
//! It behaves as OpenZeppelin's ERC-20 (v5, and `openzeppelin-stylus`'s `Erc20`): the
//! ERC-6093 errors, `Transfer` on every balance change (mint included), `Approval` on
//! `approve` only, an allowance of `type(uint256).max` never spent, the allowance checked
//! before the balance in `transferFrom`. It does not link `openzeppelin-stylus`, whose
//! `tiny-keccak` feature would reach every contract built in the same `cargo build` (see
//! `Cargo.toml`). `mint` is **open**: anyone can create tokens, so it is a test token and
//! is never deployed to a live chain. A mint that would overflow the supply reverts with
//! Solidity's `Panic(0x11)`.
//!
//! The Solidity interface (`mutual_abi::ITestUsdc` binds it):
//!
//! ```solidity
//! interface ITestUsdc {
//!     error ERC20InsufficientBalance(address sender, uint256 balance, uint256 needed);
//!     error ERC20InvalidSender(address sender);
//!     error ERC20InvalidReceiver(address receiver);
//!     error ERC20InsufficientAllowance(address spender, uint256 allowance, uint256 needed);
//!     error ERC20InvalidApprover(address approver);
//!     error ERC20InvalidSpender(address spender);
//!     error Panic(uint256 code);
//!     event Transfer(address indexed from, address indexed to, uint256 value);
//!     event Approval(address indexed owner, address indexed spender, uint256 value);
//!     function name() external view returns (string memory);
//!     function symbol() external view returns (string memory);
//!     function decimals() external view returns (uint8);
//!     function totalSupply() external view returns (uint256);
//!     function balanceOf(address account) external view returns (uint256);
//!     function allowance(address owner, address spender) external view returns (uint256);
//!     function approve(address spender, uint256 value) external returns (bool);
//!     function transfer(address to, uint256 value) external returns (bool);
//!     function transferFrom(address from, address to, uint256 value) external returns (bool);
//!     function mint(address to, uint256 value) external;
//! }
//! ```
#![cfg_attr(target_arch = "wasm32", no_std)]
#![allow(
    clippy::must_use_candidate,
    reason = "the public methods are contract entry points, called through the ABI"
)]

extern crate alloc;

mod state;

use alloc::{string::String, vec::Vec};

use alloy_primitives::{Address, U256};
use alloy_sol_types::{sol, SolEvent};
use stylus_sdk::prelude::*;

pub use state::TestUsdc;

/// The token's name.
pub const NAME: &str = "Test USD Coin";
/// The token's symbol.
pub const SYMBOL: &str = "USDC";
/// The token's decimals: 6, like USDC.
pub const DECIMALS: u8 = 6;
/// Solidity's panic code for an arithmetic overflow.
pub const PANIC_OVERFLOW: u8 = 0x11;

/// Aborts on panic in the deployed program (built with `panic=immediate-abort`).
#[cfg(target_arch = "wasm32")]
#[panic_handler]
fn panic(_info: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}

sol! {
    /// Emitted when `value` tokens move from `from` to `to` (`from` zero for a mint).
    event Transfer(address indexed from, address indexed to, uint256 value);
    /// Emitted when `owner` sets `spender`'s allowance to `value`.
    event Approval(address indexed owner, address indexed spender, uint256 value);

    /// `sender`'s `balance` is below the `needed` amount.
    #[derive(Debug, PartialEq, Eq)]
    error ERC20InsufficientBalance(address sender, uint256 balance, uint256 needed);
    /// A transfer from the zero address.
    #[derive(Debug, PartialEq, Eq)]
    error ERC20InvalidSender(address sender);
    /// A transfer (or a mint) to the zero address.
    #[derive(Debug, PartialEq, Eq)]
    error ERC20InvalidReceiver(address receiver);
    /// `spender`'s `allowance` is below the `needed` amount.
    #[derive(Debug, PartialEq, Eq)]
    error ERC20InsufficientAllowance(address spender, uint256 allowance, uint256 needed);
    /// An approval by the zero address.
    #[derive(Debug, PartialEq, Eq)]
    error ERC20InvalidApprover(address approver);
    /// An approval of the zero address.
    #[derive(Debug, PartialEq, Eq)]
    error ERC20InvalidSpender(address spender);
    /// Solidity's panic: `code` 0x11 for an overflowing mint.
    #[derive(Debug, PartialEq, Eq)]
    error Panic(uint256 code);
}

/// The token's errors, ABI-encoded as their Solidity errors.
#[derive(SolidityError, Debug, PartialEq, Eq)]
pub enum Error {
    /// See [`ERC20InsufficientBalance`].
    InsufficientBalance(ERC20InsufficientBalance),
    /// See [`ERC20InvalidSender`].
    InvalidSender(ERC20InvalidSender),
    /// See [`ERC20InvalidReceiver`].
    InvalidReceiver(ERC20InvalidReceiver),
    /// See [`ERC20InsufficientAllowance`].
    InsufficientAllowance(ERC20InsufficientAllowance),
    /// See [`ERC20InvalidApprover`].
    InvalidApprover(ERC20InvalidApprover),
    /// See [`ERC20InvalidSpender`].
    InvalidSpender(ERC20InvalidSpender),
    /// See [`Panic`].
    Panic(Panic),
}

#[public]
impl TestUsdc {
    /// Returns the name, [`NAME`].
    pub fn name(&self) -> String {
        NAME.into()
    }

    /// Returns the symbol, [`SYMBOL`].
    pub fn symbol(&self) -> String {
        SYMBOL.into()
    }

    /// Returns the decimals, [`DECIMALS`].
    pub fn decimals(&self) -> u8 {
        DECIMALS
    }

    /// Returns the total supply.
    pub fn total_supply(&self) -> U256 {
        self.total_supply.get()
    }

    /// Returns the balance of `account`.
    pub fn balance_of(&self, account: Address) -> U256 {
        self.balances.get(account)
    }

    /// Returns what `spender` may still take from `owner`.
    pub fn allowance(&self, owner: Address, spender: Address) -> U256 {
        self.allowances.getter(owner).get(spender)
    }

    /// Sets the caller's allowance for `spender` to `value`; returns `true`.
    ///
    /// # Errors
    ///
    /// * [`Error::InvalidSpender`] - If `spender` is zero.
    ///
    /// # Events
    ///
    /// * [`Approval`].
    pub fn approve(&mut self, spender: Address, value: U256) -> Result<bool, Error> {
        let owner = self.vm().msg_sender();
        self.set_allowance(owner, spender, value, true)?;
        Ok(true)
    }

    /// Moves `value` from the caller to `to`; returns `true`.
    ///
    /// # Errors
    ///
    /// * [`Error::InvalidReceiver`] - If `to` is zero.
    /// * [`Error::InsufficientBalance`] - If the caller has less than `value`.
    ///
    /// # Events
    ///
    /// * [`Transfer`].
    pub fn transfer(&mut self, to: Address, value: U256) -> Result<bool, Error> {
        let from = self.vm().msg_sender();
        self.move_tokens(from, to, value)?;
        Ok(true)
    }

    /// Moves `value` from `from` to `to` on the caller's allowance (unless it is
    /// `type(uint256).max`); returns `true`.
    ///
    /// # Errors
    ///
    /// * [`Error::InsufficientAllowance`] - If the caller's allowance is below `value`.
    /// * [`Error::InvalidSender`] - If `from` is zero.
    /// * [`Error::InvalidReceiver`] - If `to` is zero.
    /// * [`Error::InsufficientBalance`] - If `from` has less than `value`.
    ///
    /// # Events
    ///
    /// * [`Transfer`].
    pub fn transfer_from(
        &mut self,
        from: Address,
        to: Address,
        value: U256,
    ) -> Result<bool, Error> {
        let spender = self.vm().msg_sender();
        let allowance = self.allowances.getter(from).get(spender);
        if allowance != U256::MAX {
            if allowance < value {
                return Err(Error::InsufficientAllowance(ERC20InsufficientAllowance {
                    spender,
                    allowance,
                    needed: value,
                }));
            }
            self.set_allowance(from, spender, allowance - value, false)?;
        }
        self.move_tokens(from, to, value)?;
        Ok(true)
    }

    /// Creates `value` tokens for `to`. Anyone may call it: a test token.
    ///
    /// # Errors
    ///
    /// * [`Error::InvalidReceiver`] - If `to` is zero.
    /// * [`Error::Panic`] - Code 0x11, if the total supply would overflow.
    ///
    /// # Events
    ///
    /// * [`Transfer`] - From the zero address.
    pub fn mint(&mut self, to: Address, value: U256) -> Result<(), Error> {
        if to.is_zero() {
            return Err(Error::InvalidReceiver(ERC20InvalidReceiver { receiver: to }));
        }
        let supply = self
            .total_supply
            .get()
            .checked_add(value)
            .ok_or(Error::Panic(Panic { code: U256::from(PANIC_OVERFLOW) }))?;
        self.total_supply.set(supply);
        // Cannot overflow: a balance never exceeds the supply.
        let balance = self.balances.get(to) + value;
        self.balances.setter(to).set(balance);
        self.emit(&Transfer { from: Address::ZERO, to, value });
        Ok(())
    }
}

impl TestUsdc {
    /// Emits `event` through the `emit_log` hostio (statically dispatched: the SDK's
    /// `log(&dyn Host, ..)` would link every hostio through the `Host` vtable).
    fn emit<T: SolEvent>(&self, event: &T) {
        let topics = event.encode_topics();
        let mut bytes = Vec::with_capacity(32 * topics.len() + 32);
        for topic in &topics {
            bytes.extend_from_slice(topic.as_slice());
        }
        bytes.extend_from_slice(&event.encode_data());
        self.vm().emit_log(&bytes, topics.len());
    }

    /// Moves `value` from `from` to `to` and logs it.
    fn move_tokens(&mut self, from: Address, to: Address, value: U256) -> Result<(), Error> {
        if from.is_zero() {
            return Err(Error::InvalidSender(ERC20InvalidSender { sender: from }));
        }
        if to.is_zero() {
            return Err(Error::InvalidReceiver(ERC20InvalidReceiver { receiver: to }));
        }
        let balance = self.balances.get(from);
        if balance < value {
            return Err(Error::InsufficientBalance(ERC20InsufficientBalance {
                sender: from,
                balance,
                needed: value,
            }));
        }
        self.balances.setter(from).set(balance - value);
        // Cannot overflow: balances sum to the supply.
        let credited = self.balances.get(to) + value;
        self.balances.setter(to).set(credited);
        self.emit(&Transfer { from, to, value });
        Ok(())
    }

    /// Sets `owner`'s allowance for `spender`, logging it if `emit`.
    fn set_allowance(
        &mut self,
        owner: Address,
        spender: Address,
        value: U256,
        emit: bool,
    ) -> Result<(), Error> {
        if owner.is_zero() {
            return Err(Error::InvalidApprover(ERC20InvalidApprover { approver: owner }));
        }
        if spender.is_zero() {
            return Err(Error::InvalidSpender(ERC20InvalidSpender { spender }));
        }
        self.allowances.setter(owner).setter(spender).set(value);
        if emit {
            self.emit(&Approval { owner, spender, value });
        }
        Ok(())
    }
}
