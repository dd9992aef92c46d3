//! The vault's ERC-4626 share math, with virtual shares and assets: pure functions of the
//! pool's totals, the rounding direction in every name.
//!
//! With `v` virtual shares and one virtual unit of assets, a pool of `A` assets (its NAV)
//! and `S` shares converts
//!
//! - assets to shares: `assets * (S + v) / (A + 1)`;
//! - shares to assets: `shares * (A + 1) / (S + v)`.
//!
//! ERC-4626 rounds each conversion against the caller, in the pool's favour: `deposit` and
//! `redeem` round down (the caller gets less), `mint` and `withdraw` round up (the caller
//! pays more). The contract uses `v = 10^DECIMALS_OFFSET` ([`crate::DECIMALS_OFFSET`]);
//! these functions take `v` so tests can play the inflation attack at other offsets.

use crate::math::{mul_div_down, mul_div_up};
use alloy_primitives::U256;

/// Which way a conversion goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// Assets to shares.
    ToShares,
    /// Shares to assets.
    ToAssets,
}

/// Which way a conversion rounds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rounding {
    /// Toward zero: what the caller receives (`deposit`'s shares, `redeem`'s assets).
    Down,
    /// Away from zero: what the caller pays (`mint`'s assets, `withdraw`'s shares).
    Up,
}

/// The pool's totals.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Totals {
    /// The pool's NAV (`totalAssets`), in asset units.
    pub assets: U256,
    /// The share supply (`totalSupply`, escrowed shares of redeem requests included).
    pub supply: U256,
}

impl Totals {
    /// `assets * (supply + v) / (total assets + 1)`, rounded down: the shares `deposit`
    /// mints. `None` if the result does not fit 256 bits.
    #[must_use]
    pub fn to_shares_down(self, assets: U256, virtual_shares: U256) -> Option<U256> {
        self.convert(assets, virtual_shares, Direction::ToShares, Rounding::Down)
    }

    /// As [`Totals::to_shares_down`], rounded up: the shares `withdraw` burns.
    #[must_use]
    pub fn to_shares_up(self, assets: U256, virtual_shares: U256) -> Option<U256> {
        self.convert(assets, virtual_shares, Direction::ToShares, Rounding::Up)
    }

    /// `shares * (total assets + 1) / (supply + v)`, rounded down: the assets `redeem`
    /// pays. `None` if the result does not fit 256 bits.
    #[must_use]
    pub fn to_assets_down(self, shares: U256, virtual_shares: U256) -> Option<U256> {
        self.convert(shares, virtual_shares, Direction::ToAssets, Rounding::Down)
    }

    /// As [`Totals::to_assets_down`], rounded up: the assets `mint` takes.
    #[must_use]
    pub fn to_assets_up(self, shares: U256, virtual_shares: U256) -> Option<U256> {
        self.convert(shares, virtual_shares, Direction::ToAssets, Rounding::Up)
    }

    /// The most shares whose redemption, [`Totals::to_assets_down`], pays at most `cap`:
    /// the largest `s` with `s * (A + 1) < (cap + 1) * (S + v)`, which is
    /// `ceil((cap + 1) * (S + v) / (A + 1)) - 1`. `None` if it does not fit 256 bits (any
    /// amount of shares then pays at most `cap`, since `S + v` then exceeds the shares
    /// there are).
    #[must_use]
    pub fn shares_paying_at_most(self, cap: U256, virtual_shares: U256) -> Option<U256> {
        let bound = cap.checked_add(U256::from(1))?;
        // Rounds up, then one less: the last share count strictly below the bound.
        let above = self.convert(bound, virtual_shares, Direction::ToShares, Rounding::Up)?;
        // above >= 1 when v >= 1 (bound >= 1 and S + v >= 1); saturating for v = 0.
        Some(above.saturating_sub(U256::from(1)))
    }

    /// Converts `amount` in `direction` with `rounding`, with `virtual_shares`
    /// virtual shares and one virtual unit of assets. `None` if a total plus its virtual
    /// part, or the result, does not fit 256 bits.
    #[must_use]
    pub fn convert(
        self,
        amount: U256,
        virtual_shares: U256,
        direction: Direction,
        rounding: Rounding,
    ) -> Option<U256> {
        let shares = self.supply.checked_add(virtual_shares)?;
        let assets = self.assets.checked_add(U256::from(1))?;
        let (num, den) = match direction {
            Direction::ToShares => (shares, assets),
            Direction::ToAssets => (assets, shares),
        };
        match rounding {
            Rounding::Down => mul_div_down(amount, num, den),
            Rounding::Up => mul_div_up(amount, num, den),
        }
    }
}
