//! `InsuranceFund`: Mutual's dedicated backstop, in tranches of stakers' assets that cover
//! the protocol's losses in order of seniority and earn a cut of its fees.
//!
//! - **Tranches** (`N` in `[2, 8]`, fixed at construction) take losses in id order: id 0 is
//!   the junior tranche (first loss), id 1 the senior one, and further ids are further
//!   layers (a third tranche needs no code change). Each keeps its own assets and shares
//!   and offers the ERC-4626 set with the tranche id as first argument
//!   (`deposit(tranche, assets, receiver)`, ...), rounding in the tranche's favour, with
//!   [`VIRTUAL_SHARES`] defeating inflation by donation ([`DECIMALS_OFFSET`]). Tokens sent
//!   to the fund directly belong to no tranche: only deposits, income booked by the market
//!   and covers move a tranche's assets.
//! - **Shares are not transferable**: exits go through per-owner requests (below), which a
//!   transfer would let a staker escape (request with one address, move the shares to a
//!   fresh one, and the cooldown no longer binds them). Owners can instead `approve` a
//!   spender, who may then `withdraw`/`redeem` the owner's requested shares.
//! - **Exit**: `requestWithdraw(tranche, shares)` starts a cooldown of
//!   `max(insurance.minCooldown, min(market.longestOpenTenor(), insurance.maxCooldown))`
//!   (`insurance.maxCooldown` when the market is unset or cannot answer); the shares can be
//!   withdrawn in `[unlockAt, unlockAt + insurance.withdrawWindow]` only. They stay in the
//!   balance, exposed to every loss, until then: the assets paid are computed at
//!   withdrawal. One request per owner and tranche; a new one replaces it.
//! - **Loss cover**: `cover(kind, marketId, amount)`, by the market (either kind) or the
//!   vault (kind 1, the pool's tail loss), runs `mutual_risk::waterfall::allocate_loss`
//!   over the tranches, junior first. Tranche `t` gives at most
//!   `min(assets - minBalance, capWad * assets / 1e18)` (governance keys per tranche), its
//!   exchange rate falls at once, the covered total is paid to the caller, and whatever no
//!   tranche could take is returned as the residual, never a revert. Each cover leaves one
//!   record (`lossRecord`, `LossCovered`).
//! - **Income**: `notifyIncome(marketId, amount)`, by the market after paying, splits the
//!   amount with `split_largest_remainder` in proportion to `incomeWeight * assets` of each
//!   staked tranche: `incomeWeight` is a tranche's income per unit of assets, so with the
//!   recommended default weights (junior 3, senior 1) a unit of junior assets earns three
//!   times a unit of senior assets, whatever the tranches' sizes. `incomeShareWad(marketId)`
//!   tells the market what share of its fees to send, higher while coverage is below
//!   target.
//! - **Pause**: while governance reports `mutual.insurance` (or the protocol scope) paused,
//!   deposits, mints and new exit requests stop. `cover`, `notifyIncome` and withdrawals of
//!   matured requests never stop: a pause must not block the waterfall, and must not trap
//!   stakers whose cooldown has run (it lapses anyway; cooldowns already stop exits ahead
//!   of known losses).
//!
//! Addresses (market, vault) and every parameter are read from `GovernanceParams` at each
//! call, so changing them is timelocked. Calls to governance, the market and the asset go
//! through `mutual_interfaces::calls` (the shared declarations, encoded by hand to keep the
//! contract under the 24 KB limit). Every call follows checks, then state changes,
//! then events, then token transfers. Time is read only through
//! [`mutual_contract_kit::clock::now`], so native tests can move it.
#![cfg_attr(all(target_arch = "wasm32", not(feature = "export-abi")), no_std)]
#![allow(
    clippy::result_large_err,
    reason = "errors carry their arguments by value (EIP-6093); only the failing path pays"
)]
#![allow(
    clippy::must_use_candidate,
    reason = "the public methods are contract entry points, called through the ABI"
)]

extern crate alloc;

mod constants;
mod errors;
mod events;
mod internal;
pub mod shares;
mod state;
#[cfg(test)]
mod tests;

use alloc::{vec, vec::Vec};

use alloy_primitives::{Address, B256, U256, U64, U8};
use mutual_interfaces::{
    calls,
    keys::{value_to_address, MARKET_KEY, SHORT_BOOK_KEY, VAULT_KEY},
};
use mutual_risk::{
    fixed::{mul_div_down, WAD},
    trade::income_share_wad_up,
    waterfall::{allocate_loss, split_largest_remainder, Layer},
    MathError,
};
use stylus_sdk::prelude::*;

pub use constants::*;
pub use errors::*;
pub use events::*;
pub use state::InsuranceFund;

use internal::{u64_of, u8_of, MAX};
use shares::{Direction, Rounding, Totals};

/// Aborts on panic in the deployed contract (built with `panic=immediate-abort`; every
/// panic site is a proven-unreachable `expect`).
#[cfg(all(target_arch = "wasm32", not(feature = "export-abi")))]
#[panic_handler]
fn panic(_info: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}

#[public]
impl InsuranceFund {
    /// Creates a fund of `trancheCount` empty tranches of `asset`, governed by
    /// `governance`. Reads the asset's decimals.
    ///
    /// # Arguments
    ///
    /// * `asset` - The collateral token (USDC-like: `transfer`/`transferFrom` return `true`,
    ///   no fee on transfer).
    /// * `governance` - The `GovernanceParams` contract.
    /// * `tranche_count` - How many tranches, in `[2, 8]`: 0 junior, 1 senior, then more
    ///   senior ones.
    ///
    /// # Errors
    ///
    /// * [`Error::InvalidAddress`] - If `asset` or `governance` is zero.
    /// * [`Error::InvalidTrancheCount`] - If `trancheCount` is outside `[2, 8]`.
    /// * [`Error::TokenCallFailed`] - If `asset.decimals()` reverts.
    #[constructor]
    pub fn constructor(
        &mut self,
        asset: Address,
        governance: Address,
        tranche_count: u8,
    ) -> Result<(), Error> {
        for account in [asset, governance] {
            if account.is_zero() {
                return Err(Error::InvalidAddress(InsuranceInvalidAddress { account }));
            }
        }
        if !(MIN_TRANCHES..=MAX_TRANCHES).contains(&tranche_count) {
            return Err(Error::InvalidTrancheCount(InsuranceInvalidTrancheCount {
                count: tranche_count,
            }));
        }
        let decimals = calls::decimals(&*self, asset).ok_or_else(|| token_failed(asset))?;

        self.asset.set(asset);
        self.asset_decimals.set(U8::from(decimals));
        self.governance.set(governance);
        self.tranche_count.set(U8::from(tranche_count));
        Ok(())
    }

    // =========================================================================================
    // Fund reads
    // =========================================================================================

    /// Returns the collateral asset.
    pub fn asset(&self) -> Address {
        self.asset.get()
    }

    /// Returns the `GovernanceParams` contract.
    pub fn governance(&self) -> Address {
        self.governance.get()
    }

    /// Returns how many tranches the fund has (ids `0..count`).
    pub fn tranche_count(&self) -> u8 {
        self.count()
    }

    /// Returns the decimals of every tranche's shares: the asset's plus
    /// [`DECIMALS_OFFSET`] (6).
    pub fn decimals(&self) -> u8 {
        u8_of(self.asset_decimals.get()).saturating_add(DECIMALS_OFFSET)
    }

    /// Returns the assets of every tranche together, in asset units (what covers losses).
    pub fn fund_assets(&self) -> U256 {
        self.fund_total()
    }

    /// Returns the last loss id: how many covers there have been.
    pub fn loss_count(&self) -> U256 {
        self.loss_count.get()
    }

    /// Returns the record of loss `lossId`: `(kind, marketId, requested, residual,
    /// timestamp)`, the fields of its `LossCovered` event but `absorbed`, which is
    /// `lossAbsorbed(lossId)`. (stylus-sdk 0.9 encodes a returned tuple holding an array
    /// behind an extra offset word, which Solidity callers would misread: issue 308.)
    ///
    /// # Arguments
    ///
    /// * `loss_id` - A loss id in `[1, lossCount()]`.
    ///
    /// # Errors
    ///
    /// * [`Error::UnknownLoss`] - If `lossId` is 0 or above `lossCount()`.
    pub fn loss_record(&self, loss_id: U256) -> Result<(u8, B256, U256, U256, u64), Error> {
        let record = self.losses.getter(self.check_loss(loss_id)?);
        Ok((
            u8_of(record.kind.get()),
            record.market_id.get(),
            record.requested.get(),
            record.residual.get(),
            u64_of(record.timestamp.get()),
        ))
    }

    /// Returns what each tranche absorbed of loss `lossId`, in asset units, one entry per
    /// tranche by id (the `absorbed` of its `LossCovered` event).
    ///
    /// # Arguments
    ///
    /// * `loss_id` - A loss id in `[1, lossCount()]`.
    ///
    /// # Errors
    ///
    /// * [`Error::UnknownLoss`] - If `lossId` is 0 or above `lossCount()`.
    pub fn loss_absorbed(&self, loss_id: U256) -> Result<Vec<U256>, Error> {
        let record = self.losses.getter(self.check_loss(loss_id)?);
        Ok((0..self.count()).map(|t| record.absorbed.get(t)).collect())
    }

    /// Returns the cooldown, in seconds, of a withdrawal request made now:
    /// `max(insurance.minCooldown, min(market.longestOpenTenor(), insurance.maxCooldown))`,
    /// or `max(insurance.minCooldown, insurance.maxCooldown)` when the market is unset or
    /// its call reverts.
    ///
    /// # Errors
    ///
    /// * [`Error::GovernanceCallFailed`] - If a governance read fails.
    pub fn cooldown(&self) -> Result<u64, Error> {
        Ok(self.exit_terms()?.0)
    }

    /// Returns the share of `marketId`'s fees the market should send to the fund, 18
    /// decimals: `mutual_risk::trade::income_share_wad_up`, the function the market applies
    /// to its fees. With `coverage = fundAssets() * 1e18 / market.stressedLoss(marketId)`
    /// (rounded down):
    ///
    /// - `base` (`insurance.baseIncomeShareWad`) when the stressed loss is zero, the target
    ///   (`insurance.targetCoverageWad`) is zero, or `coverage >= target`;
    /// - else `base + (max - base) * (target - coverage) / target`, rounded up (in the
    ///   fund's favour), with `max = max(insurance.maxIncomeShareWad, base)`: from `base` at
    ///   target coverage rising linearly to `max` at zero coverage;
    /// - `max` when the market is unset or its call reverts (unknown coverage is treated as
    ///   the worst).
    ///
    /// # Arguments
    ///
    /// * `market_id` - The market whose fees are shared.
    ///
    /// # Errors
    ///
    /// * [`Error::GovernanceCallFailed`] - If a governance read fails.
    pub fn income_share_wad(&self, market_id: B256) -> Result<U256, Error> {
        let values = self.params(&[
            MARKET_KEY,
            BASE_INCOME_SHARE_KEY,
            MAX_INCOME_SHARE_KEY,
            TARGET_COVERAGE_KEY,
        ])?;
        let (base, max, target) = (values[1], values[2], values[3]);
        let Some(stressed) = self.market_stressed_loss(value_to_address(values[0]), market_id)
        else {
            return Ok(max.max(base));
        };
        income_share_wad_up(base, max, target, self.fund_total(), stressed)
            .map_err(|_| math_overflow())
    }

    // =========================================================================================
    // Tranche reads (ERC-4626 per tranche)
    // =========================================================================================

    /// Returns the assets of `tranche` (`totalAssets`), in asset units.
    ///
    /// # Arguments
    ///
    /// * `tranche` - A tranche id.
    ///
    /// # Errors
    ///
    /// * [`Error::InvalidTranche`] - If `tranche >= trancheCount()`.
    pub fn total_assets(&self, tranche: u8) -> Result<U256, Error> {
        Ok(self.totals(tranche)?.assets)
    }

    /// Returns the share supply of `tranche`.
    ///
    /// # Arguments
    ///
    /// * `tranche` - A tranche id.
    ///
    /// # Errors
    ///
    /// * [`Error::InvalidTranche`] - If `tranche >= trancheCount()`.
    pub fn total_supply(&self, tranche: u8) -> Result<U256, Error> {
        Ok(self.totals(tranche)?.supply)
    }

    /// Returns the `tranche` shares of `owner` (requested ones included).
    ///
    /// # Arguments
    ///
    /// * `tranche` - A tranche id.
    /// * `owner` - Any account.
    ///
    /// # Errors
    ///
    /// * [`Error::InvalidTranche`] - If `tranche >= trancheCount()`.
    pub fn balance_of(&self, tranche: u8, owner: Address) -> Result<U256, Error> {
        self.check_tranche(tranche)?;
        Ok(self.tranches.getter(tranche).balances.get(owner))
    }

    /// Returns the `tranche` shares of `owner` that `spender` may still withdraw or redeem.
    ///
    /// # Arguments
    ///
    /// * `tranche` - A tranche id.
    /// * `owner` - The owner of the shares.
    /// * `spender` - The spender.
    ///
    /// # Errors
    ///
    /// * [`Error::InvalidTranche`] - If `tranche >= trancheCount()`.
    pub fn allowance(&self, tranche: u8, owner: Address, spender: Address) -> Result<U256, Error> {
        self.check_tranche(tranche)?;
        Ok(self.tranches.getter(tranche).allowances.getter(owner).get(spender))
    }

    /// Returns `owner`'s exit request in `tranche`: `(shares, unlockAt, expiresAt)`, all
    /// zero when none. The shares can be withdrawn in `[unlockAt, expiresAt]`.
    ///
    /// # Arguments
    ///
    /// * `tranche` - A tranche id.
    /// * `owner` - Any account.
    ///
    /// # Errors
    ///
    /// * [`Error::InvalidTranche`] - If `tranche >= trancheCount()`.
    pub fn withdraw_request(&self, tranche: u8, owner: Address) -> Result<(U256, u64, u64), Error> {
        self.check_tranche(tranche)?;
        let tranche = self.tranches.getter(tranche);
        let request = tranche.requests.getter(owner);
        Ok((
            request.shares.get(),
            u64_of(request.unlock_at.get()),
            u64_of(request.expires_at.get()),
        ))
    }

    /// Returns the shares `deposit` would mint for `assets`, ignoring limits:
    /// `assets * (totalSupply + 1e6) / (totalAssets + 1)`, rounded down.
    ///
    /// # Arguments
    ///
    /// * `tranche` - A tranche id.
    /// * `assets` - An amount of assets.
    ///
    /// # Errors
    ///
    /// * [`Error::InvalidTranche`] - If `tranche >= trancheCount()`.
    /// * [`Error::MathOverflow`] - If the result overflows.
    pub fn convert_to_shares(&self, tranche: u8, assets: U256) -> Result<U256, Error> {
        self.convert(tranche, assets, Direction::ToShares, Rounding::Down)
    }

    /// Returns the assets `redeem` would pay for `shares`, ignoring limits:
    /// `shares * (totalAssets + 1) / (totalSupply + 1e6)`, rounded down.
    ///
    /// # Arguments
    ///
    /// * `tranche` - A tranche id.
    /// * `shares` - An amount of shares.
    ///
    /// # Errors
    ///
    /// * [`Error::InvalidTranche`] - If `tranche >= trancheCount()`.
    /// * [`Error::MathOverflow`] - If the result overflows.
    pub fn convert_to_assets(&self, tranche: u8, shares: U256) -> Result<U256, Error> {
        self.convert(tranche, shares, Direction::ToAssets, Rounding::Down)
    }

    /// Returns the most assets `deposit` accepts into `tranche` now: 0 while paused (or if
    /// `tranche` is invalid or governance cannot answer), `type(uint256).max` when the
    /// tranche's `depositCap` is `type(uint256).max`, else `depositCap - totalAssets`
    /// (0 at or above the cap). Never reverts.
    ///
    /// # Arguments
    ///
    /// * `tranche` - A tranche id.
    /// * `receiver` - The receiver of the shares (no bearing on the limit).
    pub fn max_deposit(&self, tranche: u8, receiver: Address) -> U256 {
        let _ = receiver;
        self.deposit_room(tranche).unwrap_or(U256::ZERO)
    }

    /// Returns the most shares `mint` issues in `tranche` now: the shares of
    /// `maxDeposit`, rounded down (`type(uint256).max` when unlimited). Never reverts.
    ///
    /// # Arguments
    ///
    /// * `tranche` - A tranche id.
    /// * `receiver` - The receiver of the shares (no bearing on the limit).
    pub fn max_mint(&self, tranche: u8, receiver: Address) -> U256 {
        let _ = receiver;
        match (self.totals(tranche), self.deposit_room(tranche)) {
            (Ok(totals), Ok(room)) => mint_limit(totals, room),
            _ => U256::ZERO,
        }
    }

    /// Returns the most assets `withdraw` pays for `owner` now: the assets of
    /// `maxRedeem(tranche, owner)`, rounded down. Never reverts.
    ///
    /// # Arguments
    ///
    /// * `tranche` - A tranche id.
    /// * `owner` - The owner of the shares.
    pub fn max_withdraw(&self, tranche: u8, owner: Address) -> U256 {
        let shares = self.redeemable(tranche, owner);
        if shares.is_zero() {
            return U256::ZERO;
        }
        self.totals(tranche)
            .ok()
            .and_then(|totals| totals.to_assets_down(shares, VIRTUAL_SHARES))
            .unwrap_or(U256::ZERO)
    }

    /// Returns the most shares `redeem` burns for `owner` now: `min(requested shares,
    /// balance)` inside the request's window `[unlockAt, expiresAt]`, else 0 (also for an
    /// invalid `tranche`). Never reverts.
    ///
    /// # Arguments
    ///
    /// * `tranche` - A tranche id.
    /// * `owner` - The owner of the shares.
    pub fn max_redeem(&self, tranche: u8, owner: Address) -> U256 {
        self.redeemable(tranche, owner)
    }

    /// Returns the shares `deposit(tranche, assets, ..)` would mint now, rounded down.
    ///
    /// # Arguments
    ///
    /// * `tranche` - A tranche id.
    /// * `assets` - The assets to deposit.
    ///
    /// # Errors
    ///
    /// * [`Error::InvalidTranche`] - If `tranche >= trancheCount()`.
    /// * [`Error::MathOverflow`] - If the result overflows.
    pub fn preview_deposit(&self, tranche: u8, assets: U256) -> Result<U256, Error> {
        self.convert(tranche, assets, Direction::ToShares, Rounding::Down)
    }

    /// Returns the assets `mint(tranche, shares, ..)` would take now, rounded up.
    ///
    /// # Arguments
    ///
    /// * `tranche` - A tranche id.
    /// * `shares` - The shares to mint.
    ///
    /// # Errors
    ///
    /// * [`Error::InvalidTranche`] - If `tranche >= trancheCount()`.
    /// * [`Error::MathOverflow`] - If the result overflows.
    pub fn preview_mint(&self, tranche: u8, shares: U256) -> Result<U256, Error> {
        self.convert(tranche, shares, Direction::ToAssets, Rounding::Up)
    }

    /// Returns the shares `withdraw(tranche, assets, ..)` would burn now, rounded up.
    ///
    /// # Arguments
    ///
    /// * `tranche` - A tranche id.
    /// * `assets` - The assets to withdraw.
    ///
    /// # Errors
    ///
    /// * [`Error::InvalidTranche`] - If `tranche >= trancheCount()`.
    /// * [`Error::MathOverflow`] - If the result overflows.
    pub fn preview_withdraw(&self, tranche: u8, assets: U256) -> Result<U256, Error> {
        self.convert(tranche, assets, Direction::ToShares, Rounding::Up)
    }

    /// Returns the assets `redeem(tranche, shares, ..)` would pay now, rounded down.
    ///
    /// # Arguments
    ///
    /// * `tranche` - A tranche id.
    /// * `shares` - The shares to redeem.
    ///
    /// # Errors
    ///
    /// * [`Error::InvalidTranche`] - If `tranche >= trancheCount()`.
    /// * [`Error::MathOverflow`] - If the result overflows.
    pub fn preview_redeem(&self, tranche: u8, shares: U256) -> Result<U256, Error> {
        self.convert(tranche, shares, Direction::ToAssets, Rounding::Down)
    }

    // =========================================================================================
    // Staking
    // =========================================================================================

    /// Sets `spender`'s allowance over the caller's `tranche` shares to `shares`
    /// (`type(uint256).max`: unlimited, never decreased). A spender may withdraw or redeem
    /// the owner's requested shares to any receiver.
    ///
    /// # Arguments
    ///
    /// * `tranche` - A tranche id.
    /// * `spender` - The spender; non-zero.
    /// * `shares` - The allowance, in shares.
    ///
    /// # Errors
    ///
    /// * [`Error::InvalidTranche`] - If `tranche >= trancheCount()`.
    /// * [`Error::InvalidAddress`] - If `spender` is zero.
    ///
    /// # Events
    ///
    /// * [`Approval`].
    pub fn approve(&mut self, tranche: u8, spender: Address, shares: U256) -> Result<bool, Error> {
        self.check_tranche(tranche)?;
        check_address(spender)?;
        let owner = self.vm().msg_sender();

        self.tranches.setter(tranche).allowances.setter(owner).setter(spender).set(shares);

        self.emit(Approval { tranche, owner, spender, shares });
        Ok(true)
    }

    /// Deposits `assets` from the caller into `tranche` and mints the shares to `receiver`:
    /// `previewDeposit(tranche, assets)`, rounded down. The caller must have approved the
    /// fund on the asset.
    ///
    /// # Arguments
    ///
    /// * `tranche` - A tranche id.
    /// * `assets` - The assets to deposit; non-zero.
    /// * `receiver` - The receiver of the shares; non-zero.
    ///
    /// # Errors
    ///
    /// * [`Error::InvalidTranche`] - If `tranche >= trancheCount()`.
    /// * [`Error::ZeroAmount`] - If `assets` is zero.
    /// * [`Error::InvalidAddress`] - If `receiver` is zero.
    /// * [`Error::Paused`] - If the fund's scope is paused.
    /// * [`Error::ExceededMaxDeposit`] - If `assets > maxDeposit(tranche, receiver)`.
    /// * [`Error::GovernanceCallFailed`] - If a governance read fails.
    /// * [`Error::MathOverflow`] - If the shares or the totals overflow.
    /// * [`Error::TokenCallFailed`] - If the asset's `transferFrom` fails.
    ///
    /// # Events
    ///
    /// * [`Deposit`].
    pub fn deposit(&mut self, tranche: u8, assets: U256, receiver: Address) -> Result<U256, Error> {
        let totals = self.totals(tranche)?;
        if assets.is_zero() {
            return Err(zero_amount());
        }
        check_address(receiver)?;
        let max = self.deposit_limit(tranche, totals)?;
        if assets > max {
            return Err(Error::ExceededMaxDeposit(InsuranceExceededMaxDeposit {
                tranche,
                receiver,
                assets,
                max,
            }));
        }
        // Rounds down: fewer shares for the depositor, in the tranche's favour.
        let shares = convert(totals, assets, Direction::ToShares, Rounding::Down)?;
        self.enter(tranche, totals, receiver, assets, shares)?;
        Ok(shares)
    }

    /// Mints exactly `shares` of `tranche` to `receiver` for the assets of
    /// `previewMint(tranche, shares)`, rounded up, taken from the caller.
    ///
    /// # Arguments
    ///
    /// * `tranche` - A tranche id.
    /// * `shares` - The shares to mint; non-zero.
    /// * `receiver` - The receiver of the shares; non-zero.
    ///
    /// # Errors
    ///
    /// * [`Error::InvalidTranche`] - If `tranche >= trancheCount()`.
    /// * [`Error::ZeroAmount`] - If `shares` is zero.
    /// * [`Error::InvalidAddress`] - If `receiver` is zero.
    /// * [`Error::Paused`] - If the fund's scope is paused.
    /// * [`Error::ExceededMaxMint`] - If `shares > maxMint(tranche, receiver)`.
    /// * [`Error::GovernanceCallFailed`] - If a governance read fails.
    /// * [`Error::MathOverflow`] - If the assets or the totals overflow.
    /// * [`Error::TokenCallFailed`] - If the asset's `transferFrom` fails.
    ///
    /// # Events
    ///
    /// * [`Deposit`].
    pub fn mint(&mut self, tranche: u8, shares: U256, receiver: Address) -> Result<U256, Error> {
        let totals = self.totals(tranche)?;
        if shares.is_zero() {
            return Err(zero_amount());
        }
        check_address(receiver)?;
        let room = self.deposit_limit(tranche, totals)?;
        let max = mint_limit(totals, room);
        if shares > max {
            return Err(Error::ExceededMaxMint(InsuranceExceededMaxMint {
                tranche,
                receiver,
                shares,
                max,
            }));
        }
        // Rounds up: the minter pays more, in the tranche's favour (and at most `room`).
        let assets = convert(totals, shares, Direction::ToAssets, Rounding::Up)?;
        self.enter(tranche, totals, receiver, assets, shares)?;
        Ok(assets)
    }

    /// Requests to exit `shares` of the caller's `tranche` shares, replacing any earlier
    /// request in that tranche. The shares stay in the balance, exposed to losses; they
    /// can be withdrawn in `[unlockAt, expiresAt]`, `unlockAt = now + cooldown()` and
    /// `expiresAt = unlockAt + insurance.withdrawWindow` (both fixed now, saturating).
    ///
    /// # Arguments
    ///
    /// * `tranche` - A tranche id.
    /// * `shares` - The shares to exit; non-zero, at most the caller's balance.
    ///
    /// # Errors
    ///
    /// * [`Error::InvalidTranche`] - If `tranche >= trancheCount()`.
    /// * [`Error::ZeroAmount`] - If `shares` is zero.
    /// * [`Error::RequestExceedsBalance`] - If `shares` exceeds the caller's balance.
    /// * [`Error::Paused`] - If the fund's scope is paused.
    /// * [`Error::GovernanceCallFailed`] - If a governance read fails.
    ///
    /// # Events
    ///
    /// * [`WithdrawRequested`].
    pub fn request_withdraw(&mut self, tranche: u8, shares: U256) -> Result<(u64, u64), Error> {
        self.check_tranche(tranche)?;
        if shares.is_zero() {
            return Err(zero_amount());
        }
        let owner = self.vm().msg_sender();
        let balance = self.tranches.getter(tranche).balances.get(owner);
        if shares > balance {
            return Err(Error::RequestExceedsBalance(InsuranceRequestExceedsBalance {
                tranche,
                owner,
                shares,
                balance,
            }));
        }
        self.check_not_paused()?;
        let (cooldown, window) = self.exit_terms()?;
        let unlock_at = self.now().saturating_add(cooldown);
        let expires_at = unlock_at.saturating_add(window);

        {
            let mut tranche_storage = self.tranches.setter(tranche);
            let mut request = tranche_storage.requests.setter(owner);
            request.shares.set(shares);
            request.unlock_at.set(U64::from(unlock_at));
            request.expires_at.set(U64::from(expires_at));
        }

        self.emit(WithdrawRequested {
            tranche,
            owner,
            shares,
            unlockAt: unlock_at,
            expiresAt: expires_at,
        });
        Ok((unlock_at, expires_at))
    }

    /// Burns the shares of `previewWithdraw(tranche, assets)`, rounded up, from `owner`'s
    /// requested shares and pays exactly `assets` to `receiver`. The caller is `owner` or
    /// spends its share allowance.
    ///
    /// # Arguments
    ///
    /// * `tranche` - A tranche id.
    /// * `assets` - The assets to withdraw; non-zero.
    /// * `receiver` - The receiver of the assets; non-zero.
    /// * `owner` - The owner of the shares.
    ///
    /// # Errors
    ///
    /// * [`Error::InvalidTranche`] - If `tranche >= trancheCount()`.
    /// * [`Error::ZeroAmount`] - If `assets` is zero.
    /// * [`Error::InvalidAddress`] - If `receiver` is zero.
    /// * [`Error::ExceededMaxWithdraw`] - If `assets > maxWithdraw(tranche, owner)`.
    /// * [`Error::InsufficientAllowance`] - If the caller is not `owner` and its allowance
    ///   is below the shares.
    /// * [`Error::MathOverflow`] - If the shares overflow.
    /// * [`Error::TokenCallFailed`] - If the asset's `transfer` fails.
    ///
    /// # Events
    ///
    /// * [`Withdraw`].
    pub fn withdraw(
        &mut self,
        tranche: u8,
        assets: U256,
        receiver: Address,
        owner: Address,
    ) -> Result<U256, Error> {
        let totals = self.totals(tranche)?;
        if assets.is_zero() {
            return Err(zero_amount());
        }
        check_address(receiver)?;
        let max = self.max_withdraw(tranche, owner);
        if assets > max {
            return Err(Error::ExceededMaxWithdraw(InsuranceExceededMaxWithdraw {
                tranche,
                owner,
                assets,
                max,
            }));
        }
        // Rounds up: more shares burned, in the tranche's favour. At most maxRedeem, since
        // assets <= floor(maxRedeem * rate).
        let shares = convert(totals, assets, Direction::ToShares, Rounding::Up)?;
        self.exit(tranche, totals, receiver, owner, assets, shares)?;
        Ok(shares)
    }

    /// Burns exactly `shares` of `owner`'s requested `tranche` shares and pays
    /// `previewRedeem(tranche, shares)`, rounded down, to `receiver`. The caller is `owner`
    /// or spends its share allowance.
    ///
    /// # Arguments
    ///
    /// * `tranche` - A tranche id.
    /// * `shares` - The shares to redeem; non-zero.
    /// * `receiver` - The receiver of the assets; non-zero.
    /// * `owner` - The owner of the shares.
    ///
    /// # Errors
    ///
    /// * [`Error::InvalidTranche`] - If `tranche >= trancheCount()`.
    /// * [`Error::ZeroAmount`] - If `shares` is zero.
    /// * [`Error::InvalidAddress`] - If `receiver` is zero.
    /// * [`Error::ExceededMaxRedeem`] - If `shares > maxRedeem(tranche, owner)`.
    /// * [`Error::InsufficientAllowance`] - If the caller is not `owner` and its allowance
    ///   is below `shares`.
    /// * [`Error::MathOverflow`] - If the assets overflow.
    /// * [`Error::TokenCallFailed`] - If the asset's `transfer` fails.
    ///
    /// # Events
    ///
    /// * [`Withdraw`].
    pub fn redeem(
        &mut self,
        tranche: u8,
        shares: U256,
        receiver: Address,
        owner: Address,
    ) -> Result<U256, Error> {
        let totals = self.totals(tranche)?;
        if shares.is_zero() {
            return Err(zero_amount());
        }
        check_address(receiver)?;
        let max = self.redeemable(tranche, owner);
        if shares > max {
            return Err(Error::ExceededMaxRedeem(InsuranceExceededMaxRedeem {
                tranche,
                owner,
                shares,
                max,
            }));
        }
        // Rounds down: fewer assets paid, in the tranche's favour.
        let assets = convert(totals, shares, Direction::ToAssets, Rounding::Down)?;
        self.exit(tranche, totals, receiver, owner, assets, shares)?;
        Ok(assets)
    }

    // =========================================================================================
    // Protocol flows
    // =========================================================================================

    /// Covers `amount` of a loss through the tranches, junior first, and pays the covered
    /// part to the caller. Tranche `t` absorbs at most `min(assets - minBalance,
    /// capWad * assets / 1e18)` (rounded down; governance keys
    /// `insurance.tranche.<t>.minBalance` and `.capWad`), and a later tranche absorbs
    /// nothing while an earlier one has capacity left (`allocate_loss`). Each tranche's
    /// assets fall at once by what it absorbed; its shares do not change. The part no
    /// tranche can take, the residual, is recorded and left to the caller: a loss larger
    /// than the fund never reverts.
    ///
    /// # Arguments
    ///
    /// * `kind` - 0 trader default (the market or its short book, `market.shortBook`), 1
    ///   pool tail loss (the market or the vault).
    /// * `market_id` - The market the loss came from; non-zero.
    /// * `amount` - The loss, in asset units; non-zero.
    ///
    /// # Errors
    ///
    /// * [`Error::InvalidLossKind`] - If `kind` is above 1.
    /// * [`Error::GovernanceCallFailed`] - If a governance read fails (the market, vault
    ///   and short book addresses and each tranche's `minBalance` and `capWad` must be
    ///   registered; `market.shortBook` may be at zero).
    /// * [`Error::UnauthorizedAccount`] - If the caller is neither the market nor its short
    ///   book (kind 0, role `MARKET`) or neither the market nor the vault (kind 1, role
    ///   `MARKET_OR_VAULT`).
    /// * [`Error::ZeroAmount`] - If `amount` is zero.
    /// * [`Error::ZeroMarketId`] - If `marketId` is zero.
    /// * [`Error::TokenCallFailed`] - If the asset's `transfer` to the caller fails.
    ///
    /// # Events
    ///
    /// * [`LossCovered`] - Always, once, with the new loss id.
    ///
    /// # Panics
    ///
    /// * Never: the waterfall gets one output slot per layer, and loss ids stay far below
    ///   `2^256 - 1`.
    pub fn cover(&mut self, kind: u8, market_id: B256, amount: U256) -> Result<U256, Error> {
        // ---- Checks: kind, caller, input.
        if kind > KIND_POOL_TAIL {
            return Err(Error::InvalidLossKind(InsuranceInvalidLossKind { kind }));
        }
        let n = self.count();
        let mut keys = vec![MARKET_KEY, VAULT_KEY, SHORT_BOOK_KEY];
        for t in 0..n {
            keys.push(tranche_key(t, MIN_BALANCE));
            keys.push(tranche_key(t, CAP_WAD));
        }
        let values = self.params(&keys)?;
        let caller = self.vm().msg_sender();
        let is_market = caller == value_to_address(values[0]);
        // Kind 0 comes from the market or its short book, kind 1 from the market or the
        // vault; a key registered at zero names nobody (zero never calls).
        let other = value_to_address(values[if kind == KIND_POOL_TAIL { 1 } else { 2 }]);
        if !is_market && (caller != other || other.is_zero()) {
            let role = if kind == KIND_POOL_TAIL { MARKET_OR_VAULT_ROLE } else { MARKET_ROLE };
            return Err(Error::UnauthorizedAccount(InsuranceUnauthorizedAccount {
                account: caller,
                role,
            }));
        }
        check_input(market_id, amount)?;

        // ---- The waterfall: one layer per tranche, junior first.
        let n_usize = usize::from(n);
        let mut assets = [U256::ZERO; MAX];
        let mut layers = [Layer { available: U256::ZERO, cap: None }; MAX];
        for (i, (held, layer)) in assets.iter_mut().zip(layers.iter_mut()).take(n_usize).enumerate()
        {
            *held = self.tranches.getter(u8_of_index(i)).assets.get();
            let (min_balance, cap_wad) = (values[3 + 2 * i], values[4 + 2 * i]);
            *layer = Layer {
                available: held.saturating_sub(min_balance),
                // Rounds down: a smaller cap, in the tranche's favour. A product beyond 256
                // bits is a cap beyond any loss.
                cap: mul_div_down(cap_wad, *held, WAD).ok(),
            };
        }
        let mut absorbed = [U256::ZERO; MAX];
        let residual = allocate_loss(amount, &layers[..n_usize], &mut absorbed[..n_usize])
            .expect("InsuranceFund::cover: one absorbed slot per layer");
        let covered = amount - residual; // residual <= amount
        let loss_id = self
            .loss_count
            .get()
            .checked_add(U256::from(1))
            .expect("InsuranceFund::cover: fewer than 2^256 - 1 losses");
        let timestamp = self.now();

        // ---- Effects: each tranche's assets, then the record.
        for i in 0..n_usize {
            if !absorbed[i].is_zero() {
                // absorbed <= available <= assets.
                self.tranches.setter(u8_of_index(i)).assets.set(assets[i] - absorbed[i]);
            }
        }
        self.loss_count.set(loss_id);
        {
            let mut record = self.losses.setter(loss_id);
            record.kind.set(U8::from(kind));
            record.timestamp.set(U64::from(timestamp));
            record.market_id.set(market_id);
            record.requested.set(amount);
            record.residual.set(residual);
            for (i, value) in absorbed.iter().take(n_usize).enumerate() {
                record.absorbed.setter(u8_of_index(i)).set(*value);
            }
        }

        // ---- Event, then the payment.
        self.emit(LossCovered {
            lossId: loss_id,
            kind,
            marketId: market_id,
            requested: amount,
            absorbed: absorbed[..n_usize].to_vec(),
            residual,
            timestamp,
        });
        if !covered.is_zero() {
            self.pay(caller, covered)?;
        }
        Ok(covered)
    }

    /// Books `amount` of the market's income, already transferred to the fund, across the
    /// tranches: `split_largest_remainder(amount, weights)` with `weights[t] =
    /// incomeWeight[t] * totalAssets(t)` for each tranche with shares (0 for one without),
    /// or the bare `incomeWeight`s if no tranche has both shares and assets. The split
    /// sums to `amount` exactly; each tranche's exchange rate rises at once.
    ///
    /// # Arguments
    ///
    /// * `market_id` - The market the income came from; non-zero.
    /// * `amount` - The income, in asset units; non-zero, at most the fund's token balance
    ///   beyond its accounted assets.
    ///
    /// # Errors
    ///
    /// * [`Error::GovernanceCallFailed`] - If a governance read fails (the market address
    ///   and each tranche's `incomeWeight` must be registered).
    /// * [`Error::UnauthorizedAccount`] - If the caller is not the market (role `MARKET`).
    /// * [`Error::ZeroAmount`] - If `amount` is zero.
    /// * [`Error::ZeroMarketId`] - If `marketId` is zero.
    /// * [`Error::TokenCallFailed`] - If the asset's `balanceOf` fails.
    /// * [`Error::IncomeNotReceived`] - If the unaccounted balance is below `amount`.
    /// * [`Error::NoIncomeWeight`] - If every `incomeWeight` is zero.
    /// * [`Error::MathOverflow`] - If a weight overflows.
    ///
    /// # Events
    ///
    /// * [`IncomeDistributed`].
    pub fn notify_income(&mut self, market_id: B256, amount: U256) -> Result<(), Error> {
        // ---- Checks: caller, input, arrival.
        let n = self.count();
        let mut keys = vec![MARKET_KEY];
        for t in 0..n {
            keys.push(tranche_key(t, INCOME_WEIGHT));
        }
        let values = self.params(&keys)?;
        let caller = self.vm().msg_sender();
        if caller != value_to_address(values[0]) {
            return Err(Error::UnauthorizedAccount(InsuranceUnauthorizedAccount {
                account: caller,
                role: MARKET_ROLE,
            }));
        }
        check_input(market_id, amount)?;
        let unaccounted = self.token_balance()?.saturating_sub(self.fund_total());
        if unaccounted < amount {
            return Err(Error::IncomeNotReceived(InsuranceIncomeNotReceived {
                amount,
                unaccounted,
            }));
        }

        // ---- The split: income per unit of assets in proportion to the weights.
        let n_usize = usize::from(n);
        let raw = &values[1..];
        let mut assets = [U256::ZERO; MAX];
        let mut weights = [U256::ZERO; MAX];
        for i in 0..n_usize {
            let tranche = self.tranches.getter(u8_of_index(i));
            assets[i] = tranche.assets.get();
            if !tranche.supply.get().is_zero() {
                weights[i] = raw[i].checked_mul(assets[i]).ok_or_else(math_overflow)?;
            }
        }
        if weights.iter().all(U256::is_zero) {
            weights[..n_usize].copy_from_slice(raw);
        }
        let mut split = [U256::ZERO; MAX];
        split_largest_remainder(amount, &weights[..n_usize], &mut split[..n_usize]).map_err(
            |e| match e {
                MathError::DivisionByZero => Error::NoIncomeWeight(InsuranceNoIncomeWeight {}),
                _ => math_overflow(),
            },
        )?;

        // ---- Effects, then the event.
        for i in 0..n_usize {
            if !split[i].is_zero() {
                // sum(assets) + amount <= the token balance: no tranche overflows.
                self.tranches.setter(u8_of_index(i)).assets.set(assets[i] + split[i]);
            }
        }
        self.emit(IncomeDistributed {
            marketId: market_id,
            amount,
            perTranche: split[..n_usize].to_vec(),
        });
        Ok(())
    }
}

/// The most shares a mint may issue when deposits may bring `room` more assets: the
/// shares of `room`, rounded down (so their assets, rounded up, are at most `room`);
/// unlimited for an unlimited room, or when those shares overflow 256 bits (any mint then
/// costs less than `room`).
fn mint_limit(totals: Totals, room: U256) -> U256 {
    if room == U256::MAX {
        return U256::MAX;
    }
    totals.to_shares_down(room, VIRTUAL_SHARES).unwrap_or(U256::MAX)
}

/// `totals.convert(amount, VIRTUAL_SHARES, direction, rounding)`, overflow as an error.
fn convert(
    totals: Totals,
    amount: U256,
    direction: Direction,
    rounding: Rounding,
) -> Result<U256, Error> {
    totals.convert(amount, VIRTUAL_SHARES, direction, rounding).ok_or_else(math_overflow)
}

/// `InsuranceTokenCallFailed(token)`.
fn token_failed(token: Address) -> Error {
    Error::TokenCallFailed(InsuranceTokenCallFailed { token })
}

/// Rejects the zero address.
fn check_address(account: Address) -> Result<(), Error> {
    if account.is_zero() {
        return Err(Error::InvalidAddress(InsuranceInvalidAddress { account }));
    }
    Ok(())
}

/// Rejects a zero `amount`, then a zero `market_id`.
fn check_input(market_id: B256, amount: U256) -> Result<(), Error> {
    if amount.is_zero() {
        return Err(zero_amount());
    }
    if market_id.is_zero() {
        return Err(Error::ZeroMarketId(InsuranceZeroMarketId {}));
    }
    Ok(())
}

/// A tranche index below [`MAX_TRANCHES`] as its `u8` id.
fn u8_of_index(i: usize) -> u8 {
    u8::try_from(i).expect("InsuranceFund::u8_of_index: index < MAX_TRANCHES")
}
