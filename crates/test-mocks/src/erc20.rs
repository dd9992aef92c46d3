//! A USDC-like ERC-20 for tests.
#![allow(unsafe_code, reason = "TopLevelStorage is implemented by hand, as the crate docs say")]
#![allow(clippy::must_use_candidate, reason = "contract methods are called through the ABI")]

use alloy_primitives::{Address, U256};
use openzeppelin_stylus::token::erc20::{self, Erc20, IErc20};
use stylus_sdk::{prelude::*, storage::StorageBool};

/// The token's decimals: 6, like USDC.
pub const DECIMALS: u8 = 6;

/// A USDC-like ERC-20: OpenZeppelin's `Erc20` with 6 decimals, an open `mint`, and a
/// switch ([`MockErc20::set_failing`]) that makes transfers return `false` without moving
/// anything, like a token that reports failure instead of reverting.
#[storage]
pub struct MockErc20 {
    /// The ERC-20 state.
    erc20: Erc20,
    /// Whether `transfer` and `transferFrom` return `false`.
    failing: StorageBool,
}

// SAFETY: `MockErc20` is deployed as a whole contract (see the crate docs).
unsafe impl TopLevelStorage for MockErc20 {}

#[public]
impl MockErc20 {
    /// Returns 6.
    pub fn decimals(&self) -> u8 {
        DECIMALS
    }

    /// Returns the total supply.
    pub fn total_supply(&self) -> U256 {
        self.erc20.total_supply()
    }

    /// Returns the balance of `account`.
    pub fn balance_of(&self, account: Address) -> U256 {
        self.erc20.balance_of(account)
    }

    /// Returns what `spender` may still take from `owner`.
    pub fn allowance(&self, owner: Address, spender: Address) -> U256 {
        self.erc20.allowance(owner, spender)
    }

    /// Sets the caller's allowance for `spender`.
    ///
    /// # Errors
    ///
    /// As OpenZeppelin's `Erc20::approve`.
    pub fn approve(&mut self, spender: Address, value: U256) -> Result<bool, erc20::Error> {
        self.erc20.approve(spender, value)
    }

    /// Moves `value` from the caller to `to`; returns `false` (moving nothing) while failing.
    ///
    /// # Errors
    ///
    /// As OpenZeppelin's `Erc20::transfer`.
    pub fn transfer(&mut self, to: Address, value: U256) -> Result<bool, erc20::Error> {
        if self.failing.get() {
            return Ok(false);
        }
        self.erc20.transfer(to, value)
    }

    /// Moves `value` from `from` to `to` on the caller's allowance; returns `false` (moving
    /// nothing) while failing.
    ///
    /// # Errors
    ///
    /// As OpenZeppelin's `Erc20::transfer_from`.
    pub fn transfer_from(
        &mut self,
        from: Address,
        to: Address,
        value: U256,
    ) -> Result<bool, erc20::Error> {
        if self.failing.get() {
            return Ok(false);
        }
        self.erc20.transfer_from(from, to, value)
    }

    /// Creates `value` tokens for `to`; anyone may call it.
    ///
    /// # Errors
    ///
    /// As OpenZeppelin's `Erc20::_mint`.
    pub fn mint(&mut self, to: Address, value: U256) -> Result<(), erc20::Error> {
        self.erc20._mint(to, value)
    }

    /// Makes `transfer` and `transferFrom` return `false` (or work again).
    pub fn set_failing(&mut self, failing: bool) {
        self.failing.set(failing);
    }
}
