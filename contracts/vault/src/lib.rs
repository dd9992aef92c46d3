//! `MutualVault`: the mutualized pool of the collateral asset that writes the options of
//! Mutual's market, an ERC-4626 vault whose exits are ERC-7540 asynchronous redemptions.
//!
//! - **Shares** are an ERC-20 with metadata (OpenZeppelin's `Erc20` and `Erc20Metadata`,
//!   composed), with `decimals() = asset decimals + DECIMALS_OFFSET` and
//!   [`VIRTUAL_SHARES`] defeating inflation by donation ([`DECIMALS_OFFSET`]). Every
//!   conversion rounds in the pool's favour (`shares` module).
//! - **NAV** (`totalAssets`) is `cash + receivable - liability`, floored at 0: the pool's
//!   own cash (a token balance above it, such as a donation, is not the pool's), plus what
//!   the market owes it, minus the market's mark-to-market value of the options the pool
//!   has written net of those it holds (`IOptionsMarket.poolLiability`, read from the
//!   market's `OptionBook` under `market.book` when set, else from the market itself: the
//!   market calls `totalAssets` mid-trade and Stylus refuses reentry). Without a fresh
//!   mark (the market's view fails, or is older than `vault.markMaxAge`) the vault uses the
//!   last fresh mark it recorded with the liability raised by `vault.staleBufferWad`, says
//!   so in a `StaleMark` event (state-changing calls), and takes no deposit until a fresh
//!   mark returns (`maxDeposit`/`maxMint` are 0, `previewDeposit`/`previewMint` revert). It
//!   also takes none while the pool is below zero (a deposit would pay for the deficit).
//! - **Locked liquidity**: the market's `requiredCollateral()` stays in the pool; LPs are
//!   paid from the free cash only (`maxWithdraw`/`maxRedeem` never exceed it).
//! - **Exits** go through ERC-7540 asynchronous redemption: `requestRedeem(shares,
//!   controller, owner)` moves the shares into the vault's escrow, where they keep their
//!   share of every gain and loss; they become claimable `vault.redeemDelay` seconds later
//!   and are then claimed by `redeem`/`withdraw` (`owner` = the controller) at the price of
//!   the claim, so a loss on the books cannot be escaped. Requests are aggregated per
//!   controller (`requestId` 0): a new request joins the controller's pending shares and
//!   restarts their delay (matured ones stay claimable). Shares minted by a deposit stay
//!   locked in their receiver's balance (no request, no transfer) for `vault.minHoldTime`,
//!   against just-in-time liquidity around a known premium; a deposit made for someone
//!   else moves their lock's end only by its share-weighted part, so dust cannot keep an
//!   account locked. `deposit` and `mint` stay synchronous.
//! - **Flows with the market**: only the market registered under `mutual.market` and its
//!   short book (`market.shortBook`, when set) may pull payouts (`pullPayout`, paid to the
//!   caller: at most the pool's cash, never more; locked collateral is there to pay it)
//!   and book what they have transferred (`notifyPremium`: premiums, the LPs' fee
//!   share, settlement proceeds, recoveries, insurance cover), each with its market id and
//!   a reason code, each in an event. Premiums and fees raise the NAV as they arrive; losses
//!   lower it at once (through the market's marks and payouts).
//! - **Governance**: the deposit cap, the mark's maximum age and stale buffer, the redeem
//!   delay and the hold time are read from `GovernanceParams` at each call, with the
//!   addresses under `mutual.market`, `market.book` and `market.shortBook`; every one of
//!   these keys must be registered (the vault's state-changing calls fail with
//!   `VaultGovernanceCallFailed` until they are; `market.book` and `market.shortBook` may
//!   be registered at zero).
//! - **The mark** is the book's `poolLiability` and `requiredCollateral` (the address under
//!   `market.book`, else the market), plus, when `market.shortBook` is set, the short
//!   book's receivable: what the options the pool holds against traders' shorts are worth
//!   (its `poolLiability`, `(0, receivable, markTime)`); the mark is as old as the older
//!   of the two, and if either view fails the vault uses its last fresh mark. While
//!   `mutual.vault` (or the protocol) is paused, deposits, mints and new requests stop;
//!   claims of claimable requests stop only while the whole protocol is paused; the
//!   market's flows never stop.
//!
//! Calls to governance, the market and the asset go through `mutual_interfaces::calls`
//! (encoded by hand, as the vault's own events and errors, to stay under the 24 KB limit).
//! Every call follows checks, then state changes, then events, then token transfers. Time
//! is read only through [`mutual_contract_kit::clock::now`], so native tests can move it.
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
pub mod math;
pub mod nav;
pub mod shares;
mod state;
#[cfg(test)]
mod tests;

use alloc::{string::String, vec::Vec};

use alloy_primitives::{Address, FixedBytes, B256, U256, U8};
use mutual_interfaces::{
    calls,
    keys::{PROTOCOL_SCOPE, VAULT_SCOPE},
};
use openzeppelin_stylus::token::erc20::IErc20;
use stylus_sdk::prelude::*;

pub use constants::*;
pub use errors::*;
pub use events::*;
pub use state::MutualVault;

use errors::{invalid_address, token_failed};
use internal::{convert, mint_limit};
use shares::{Direction, Rounding, Totals};

/// Aborts on panic in the deployed contract (built with `panic=immediate-abort`; every
/// panic site is a proven-unreachable `expect`).
#[cfg(all(target_arch = "wasm32", not(feature = "export-abi")))]
#[panic_handler]
fn panic(_info: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}

#[public]
impl MutualVault {
    /// Creates an empty vault of `asset`, governed by `governance`, whose shares are named
    /// `name` and `symbol`. Reads the asset's decimals.
    ///
    /// # Arguments
    ///
    /// * `asset` - The collateral token (USDC-like: `transfer`/`transferFrom` return `true`
    ///   or nothing, no fee on transfer).
    /// * `governance` - The `GovernanceParams` contract.
    /// * `name` - The shares' name.
    /// * `symbol` - The shares' symbol.
    ///
    /// # Errors
    ///
    /// * [`Error::InvalidMetadata`] - If `name` or `symbol` is empty or not ASCII.
    /// * [`Error::InvalidAddress`] - If `asset` or `governance` is zero.
    /// * [`Error::TokenCallFailed`] - If `asset.decimals()` reverts.
    #[constructor]
    pub fn constructor(
        &mut self,
        asset: Address,
        governance: Address,
        name: B256,
        symbol: B256,
    ) -> Result<(), Error> {
        if [name, symbol].iter().any(|text| text.is_zero() || !text.is_ascii()) {
            return Err(Error::InvalidMetadata(VaultInvalidMetadata { name, symbol }));
        }
        for account in [asset, governance] {
            if account.is_zero() {
                return Err(invalid_address(account));
            }
        }
        let decimals = calls::decimals(&*self, asset).ok_or_else(|| token_failed(asset))?;

        self.asset.set(asset);
        self.asset_decimals.set(U8::from(decimals));
        self.governance.set(governance);
        self.name.set(name);
        self.symbol.set(symbol);
        Ok(())
    }

    // =========================================================================================
    // Share token (ERC-20 with metadata)
    // =========================================================================================

    /// Returns the shares' name.
    pub fn name(&self) -> String {
        unpack(self.name.get())
    }

    /// Returns the shares' symbol.
    pub fn symbol(&self) -> String {
        unpack(self.symbol.get())
    }

    /// Returns the shares' decimals: the asset's plus [`DECIMALS_OFFSET`] (6).
    pub fn decimals(&self) -> u8 {
        self.asset_decimals.get().byte(0).saturating_add(DECIMALS_OFFSET)
    }

    /// Returns the share supply, escrowed shares of redeem requests included.
    pub fn total_supply(&self) -> U256 {
        self.erc20.total_supply()
    }

    /// Returns the shares of `account` (the vault's own balance is the shares escrowed by
    /// redeem requests).
    ///
    /// # Arguments
    ///
    /// * `account` - Any account.
    pub fn balance_of(&self, account: Address) -> U256 {
        self.erc20.balance_of(account)
    }

    /// Returns the shares of `owner` that `spender` may still move.
    ///
    /// # Arguments
    ///
    /// * `owner` - The owner of the shares.
    /// * `spender` - The spender.
    pub fn allowance(&self, owner: Address, spender: Address) -> U256 {
        self.erc20.allowance(owner, spender)
    }

    /// Sets `spender`'s allowance over the caller's shares to `value`
    /// (`type(uint256).max`: unlimited). The allowance also lets `spender` request the
    /// redemption of those shares, and claim the caller's redeem requests.
    ///
    /// # Arguments
    ///
    /// * `spender` - The spender; non-zero.
    /// * `value` - The allowance, in shares.
    ///
    /// # Errors
    ///
    /// * [`Error::InvalidSpender`] - If `spender` is zero.
    ///
    /// # Events
    ///
    /// * [`Approval`].
    pub fn approve(&mut self, spender: Address, value: U256) -> Result<bool, Error> {
        Ok(self.erc20.approve(spender, value)?)
    }

    /// Moves `value` of the caller's unlocked shares to `to`.
    ///
    /// # Arguments
    ///
    /// * `to` - The receiver; neither zero nor the vault.
    /// * `value` - The shares.
    ///
    /// # Errors
    ///
    /// * [`Error::InvalidReceiver`] - If `to` is zero or the vault.
    /// * [`Error::SharesLocked`] - If `value` exceeds the caller's unlocked shares.
    /// * [`Error::InsufficientBalance`] - If `value` exceeds the caller's balance.
    ///
    /// # Events
    ///
    /// * [`Transfer`].
    pub fn transfer(&mut self, to: Address, value: U256) -> Result<bool, Error> {
        self.check_transfer(self.vm().msg_sender(), to, value)?;
        Ok(self.erc20.transfer(to, value)?)
    }

    /// Moves `value` of `from`'s unlocked shares to `to` on the caller's allowance.
    ///
    /// # Arguments
    ///
    /// * `from` - The owner of the shares.
    /// * `to` - The receiver; neither zero nor the vault.
    /// * `value` - The shares.
    ///
    /// # Errors
    ///
    /// * [`Error::InvalidReceiver`] - If `to` is zero or the vault.
    /// * [`Error::SharesLocked`] - If `value` exceeds `from`'s unlocked shares.
    /// * [`Error::InsufficientAllowance`] - If the caller's allowance is below `value`.
    /// * [`Error::InsufficientBalance`] - If `value` exceeds `from`'s balance.
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
        self.check_transfer(from, to, value)?;
        Ok(self.erc20.transfer_from(from, to, value)?)
    }

    // =========================================================================================
    // ERC-4626 reads
    // =========================================================================================

    /// Returns the collateral asset.
    pub fn asset(&self) -> Address {
        self.asset.get()
    }

    /// Returns the share token: the vault itself (ERC-7575).
    pub fn share(&self) -> Address {
        self.this()
    }

    /// Returns the `GovernanceParams` contract.
    pub fn governance(&self) -> Address {
        self.governance.get()
    }

    /// Returns the NAV, in asset units: `cash + receivable - liability`, floored at 0, at
    /// the market's fresh mark; else at the last fresh mark recorded with the liability
    /// raised by `vault.staleBufferWad` (by 100% if governance cannot answer). Never
    /// reverts.
    pub fn total_assets(&self) -> U256 {
        self.nav_or_fallback()
    }

    /// Returns the shares `assets` are worth, ignoring limits:
    /// `assets * (totalSupply + 1e6) / (totalAssets + 1)`, rounded down. The same for
    /// every caller, with no fee.
    ///
    /// # Arguments
    ///
    /// * `assets` - An amount of assets.
    ///
    /// # Errors
    ///
    /// * [`Error::MathOverflow`] - If the result overflows (an unreasonably large input).
    pub fn convert_to_shares(&self, assets: U256) -> Result<U256, Error> {
        convert(self.totals(self.nav_or_fallback()), assets, Direction::ToShares, Rounding::Down)
    }

    /// Returns the assets `shares` are worth, ignoring limits:
    /// `shares * (totalAssets + 1) / (totalSupply + 1e6)`, rounded down. The same for
    /// every caller, with no fee.
    ///
    /// # Arguments
    ///
    /// * `shares` - An amount of shares.
    ///
    /// # Errors
    ///
    /// * [`Error::MathOverflow`] - If the result overflows (an unreasonably large input).
    pub fn convert_to_assets(&self, shares: U256) -> Result<U256, Error> {
        convert(self.totals(self.nav_or_fallback()), shares, Direction::ToAssets, Rounding::Down)
    }

    /// Returns the most assets `deposit` accepts now: 0 while deposits are closed (the
    /// vault or the protocol paused, no fresh mark, a deficit, governance unable to answer,
    /// or an invalid `receiver`); `type(uint256).max` for an unlimited `vault.depositCap`;
    /// else the cap less the NAV (0 at or above it). Never reverts.
    ///
    /// # Arguments
    ///
    /// * `receiver` - The receiver of the shares.
    pub fn max_deposit(&self, receiver: Address) -> U256 {
        self.deposit_limits(receiver).map_or(U256::ZERO, |(room, _)| room)
    }

    /// Returns the most shares `mint` issues now: the shares of `maxDeposit`, rounded down
    /// (`type(uint256).max` when unlimited; 0 while deposits are closed). Never reverts.
    ///
    /// # Arguments
    ///
    /// * `receiver` - The receiver of the shares.
    pub fn max_mint(&self, receiver: Address) -> U256 {
        self.deposit_limits(receiver).map_or(U256::ZERO, |(room, totals)| mint_limit(totals, room))
    }

    /// Returns the most assets `withdraw` pays `owner`'s claimable request now: the value
    /// of its claimable shares, rounded down, at most the free cash (cash less the required
    /// collateral); 0 while the protocol is paused or governance cannot answer. Never
    /// reverts.
    ///
    /// # Arguments
    ///
    /// * `owner` - The controller of the request.
    pub fn max_withdraw(&self, owner: Address) -> U256 {
        self.claim_limits_now(owner).1
    }

    /// Returns the most shares `redeem` burns from `owner`'s claimable request now: its
    /// claimable shares, as far as the free cash pays them (the largest amount whose
    /// value, rounded down, is at most the free cash); 0 when that pays nothing, while the
    /// protocol is paused, or when governance cannot answer. Never reverts.
    ///
    /// # Arguments
    ///
    /// * `owner` - The controller of the request.
    pub fn max_redeem(&self, owner: Address) -> U256 {
        self.claim_limits_now(owner).0
    }

    /// Returns the shares `deposit(assets, ..)` would mint now, rounded down, ignoring
    /// limits.
    ///
    /// # Arguments
    ///
    /// * `assets` - The assets to deposit.
    ///
    /// # Errors
    ///
    /// * [`Error::GovernanceCallFailed`] - If a governance read fails.
    /// * [`Error::StaleMark`] - If the market has no fresh mark (deposits take none).
    /// * [`Error::MathOverflow`] - If the result overflows.
    pub fn preview_deposit(&self, assets: U256) -> Result<U256, Error> {
        self.preview(assets, Direction::ToShares, Rounding::Down, true)
    }

    /// Returns the assets `mint(shares, ..)` would take now, rounded up, ignoring limits.
    ///
    /// # Arguments
    ///
    /// * `shares` - The shares to mint.
    ///
    /// # Errors
    ///
    /// * [`Error::GovernanceCallFailed`] - If a governance read fails.
    /// * [`Error::StaleMark`] - If the market has no fresh mark (mints take none).
    /// * [`Error::MathOverflow`] - If the result overflows.
    pub fn preview_mint(&self, shares: U256) -> Result<U256, Error> {
        self.preview(shares, Direction::ToAssets, Rounding::Up, true)
    }

    /// Returns the shares `withdraw(assets, ..)` would burn now from a claimable request,
    /// rounded up, ignoring limits (at the fallback valuation while the mark is stale, as a
    /// claim would be).
    ///
    /// # Arguments
    ///
    /// * `assets` - The assets to withdraw.
    ///
    /// # Errors
    ///
    /// * [`Error::GovernanceCallFailed`] - If a governance read fails.
    /// * [`Error::MathOverflow`] - If the result overflows.
    pub fn preview_withdraw(&self, assets: U256) -> Result<U256, Error> {
        self.preview(assets, Direction::ToShares, Rounding::Up, false)
    }

    /// Returns the assets `redeem(shares, ..)` would pay now from a claimable request,
    /// rounded down, ignoring limits (at the fallback valuation while the mark is stale, as
    /// a claim would be).
    ///
    /// # Arguments
    ///
    /// * `shares` - The shares to redeem.
    ///
    /// # Errors
    ///
    /// * [`Error::GovernanceCallFailed`] - If a governance read fails.
    /// * [`Error::MathOverflow`] - If the result overflows.
    pub fn preview_redeem(&self, shares: U256) -> Result<U256, Error> {
        self.preview(shares, Direction::ToAssets, Rounding::Down, false)
    }

    // =========================================================================================
    // Pool reads
    // =========================================================================================

    /// Returns the pool's cash: the assets the vault holds for the pool, as booked (a
    /// donation is not cash). It calls no other program, so the market's programs can
    /// read it in the middle of their own calls (the short book checks that a short sale
    /// leaves the cash at or above the market's required collateral).
    pub fn cash(&self) -> U256 {
        self.cash.get()
    }

    /// Returns what the pool holds: its cash plus what the options it holds against
    /// traders' shorts are worth (the receivable of the short book under
    /// `market.shortBook`; none while it is unset or cannot answer), in asset units:
    /// everything in the NAV but the written book's liability. It reads no book view, so
    /// `OptionBook` can value the pool for a quote while it is on the call stack (as
    /// `held - its own liability`).
    ///
    /// # Errors
    ///
    /// * [`Error::GovernanceCallFailed`] - If a governance read fails.
    pub fn held_assets(&self) -> Result<U256, Error> {
        let params = self.params()?;
        let cash = self.cash.get();
        if params.short_book.is_zero() {
            return Ok(cash);
        }
        let held = calls::pool_liability(self, params.short_book).map_or(U256::ZERO, |p| p.1);
        Ok(cash.saturating_add(held))
    }

    /// Returns the valuation now: `(cash, receivable, liability, lockedCollateral,
    /// markTime, fresh)`, all in asset units but the time. With a fresh mark, the market's
    /// figures; else the last fresh mark recorded with the liability and the locked
    /// collateral raised by the stale buffer, and `fresh` false. `totalAssets` is
    /// `cash + receivable - liability`, floored at 0; the free cash is
    /// `cash - lockedCollateral`, floored at 0.
    ///
    /// # Errors
    ///
    /// * [`Error::GovernanceCallFailed`] - If a governance read fails.
    #[allow(
        clippy::type_complexity,
        reason = "the ABI return tuple is spelled out for the interface generator"
    )]
    pub fn valuation(&self) -> Result<(U256, U256, U256, U256, u64, bool), Error> {
        let (valuation, mark) = self.value_now(&self.params()?);
        Ok((
            self.cash.get(),
            mark.receivable,
            valuation.liability,
            valuation.locked,
            mark.time,
            valuation.fresh,
        ))
    }

    /// Returns `controller`'s redeem request now: `(pending, claimableAt, claimable)`.
    /// Pending shares become claimable at `claimableAt` (0 when none is pending).
    ///
    /// # Arguments
    ///
    /// * `controller` - Any account.
    pub fn redeem_request(&self, controller: Address) -> (U256, u64, U256) {
        let (pending, claimable) = self.request_now(controller);
        let at = if pending.is_zero() {
            0
        } else {
            internal::u64_of(self.requests.getter(controller).claimable_at.get())
        };
        (pending, at, claimable)
    }

    /// Returns `account`'s locked shares (minted by deposits within the hold time) and the
    /// time they unlock; `(0, 0)` when none.
    ///
    /// # Arguments
    ///
    /// * `account` - Any account.
    pub fn locked_shares(&self, account: Address) -> (U256, u64) {
        self.lock_now(account)
    }

    // =========================================================================================
    // Deposits
    // =========================================================================================

    /// Deposits `assets` from the caller and mints `previewDeposit(assets)` shares, rounded
    /// down, to `receiver`, where they stay locked for `vault.minHoldTime` (a deposit for
    /// someone else moves the end of their lock to the share-weighted average of its old
    /// end and the new one). The caller must have approved the vault on the asset.
    ///
    /// # Arguments
    ///
    /// * `assets` - The assets to deposit; non-zero.
    /// * `receiver` - The receiver of the shares; neither zero nor the vault.
    ///
    /// # Errors
    ///
    /// * [`Error::ZeroAmount`] - If `assets` is zero.
    /// * [`Error::InvalidAddress`] - If `receiver` is zero or the vault.
    /// * [`Error::GovernanceCallFailed`] - If a governance read fails.
    /// * [`Error::Paused`] - If the vault's scope is paused.
    /// * [`Error::StaleMark`] - If the market has no fresh mark.
    /// * [`Error::Insolvent`] - If the pool is below zero.
    /// * [`Error::ExceededMaxDeposit`] - If `assets > maxDeposit(receiver)`.
    /// * [`Error::MathOverflow`] - If the shares or the totals overflow.
    /// * [`Error::ZeroShares`] - If `assets` mint no share.
    /// * [`Error::TokenCallFailed`] - If the asset's `transferFrom` fails.
    ///
    /// # Events
    ///
    /// * [`Transfer`] - The shares minted to `receiver`.
    /// * [`Deposit`].
    pub fn deposit(&mut self, assets: U256, receiver: Address) -> Result<U256, Error> {
        self.enter(assets, receiver, false)
    }

    /// Mints exactly `shares` to `receiver`, where they stay locked for
    /// `vault.minHoldTime` (as for `deposit`), for `previewMint(shares)` assets, rounded up,
    /// taken from the caller.
    ///
    /// # Arguments
    ///
    /// * `shares` - The shares to mint; non-zero.
    /// * `receiver` - The receiver of the shares; neither zero nor the vault.
    ///
    /// # Errors
    ///
    /// * [`Error::ZeroAmount`] - If `shares` is zero.
    /// * [`Error::InvalidAddress`] - If `receiver` is zero or the vault.
    /// * [`Error::GovernanceCallFailed`] - If a governance read fails.
    /// * [`Error::Paused`] - If the vault's scope is paused.
    /// * [`Error::StaleMark`] - If the market has no fresh mark.
    /// * [`Error::Insolvent`] - If the pool is below zero.
    /// * [`Error::ExceededMaxMint`] - If `shares > maxMint(receiver)`.
    /// * [`Error::MathOverflow`] - If the assets or the totals overflow.
    /// * [`Error::TokenCallFailed`] - If the asset's `transferFrom` fails.
    ///
    /// # Events
    ///
    /// * [`Transfer`] - The shares minted to `receiver`.
    /// * [`Deposit`].
    pub fn mint(&mut self, shares: U256, receiver: Address) -> Result<U256, Error> {
        self.enter(shares, receiver, true)
    }

    // =========================================================================================
    // Redemptions (ERC-7540 asynchronous redeem)
    // =========================================================================================

    /// Requests the redemption of `shares` of `owner`'s unlocked shares for `controller`:
    /// they move into the vault's escrow, join `controller`'s pending shares, and all of
    /// those become claimable `vault.redeemDelay` seconds from now (shares already
    /// claimable stay so). They keep their share of every gain and loss until claimed.
    ///
    /// The caller is `owner`, its operator, or spends `owner`'s share allowance; and when
    /// `controller` is not `owner`, the caller is `controller` or its operator (no one can
    /// restart another controller's delay).
    ///
    /// # Arguments
    ///
    /// * `shares` - The shares to redeem; non-zero.
    /// * `controller` - Who may claim the request; neither zero nor the vault.
    /// * `owner` - Whose shares are requested.
    ///
    /// # Errors
    ///
    /// * [`Error::ZeroAmount`] - If `shares` is zero.
    /// * [`Error::InvalidAddress`] - If `controller` is zero or the vault.
    /// * [`Error::UnauthorizedAccount`] - If `controller` is not `owner` and the caller is
    ///   neither `controller` nor its operator (role `CONTROLLER`).
    /// * [`Error::InsufficientAllowance`] - If the caller is neither `owner` nor its
    ///   operator and its allowance is below `shares`.
    /// * [`Error::InsufficientBalance`] - If `shares` exceeds `owner`'s balance.
    /// * [`Error::SharesLocked`] - If `shares` exceeds `owner`'s unlocked shares.
    /// * [`Error::GovernanceCallFailed`] - If a governance read fails.
    /// * [`Error::Paused`] - If the vault's scope is paused.
    ///
    /// # Events
    ///
    /// * [`Transfer`] - From `owner` to the vault.
    /// * [`RedeemRequest`].
    pub fn request_redeem(
        &mut self,
        shares: U256,
        controller: Address,
        owner: Address,
    ) -> Result<U256, Error> {
        // ---- Checks: input, authority, balance, then governance.
        if shares.is_zero() {
            return Err(zero_amount());
        }
        self.check_account(controller)?;
        let sender = self.vm().msg_sender();
        if controller != owner && sender != controller && !self.operates_for(controller, sender) {
            return Err(Error::UnauthorizedAccount(VaultUnauthorizedAccount {
                account: sender,
                role: CONTROLLER_ROLE,
            }));
        }
        let spend = self.needs_allowance(owner, sender, shares)?;
        let balance = self.erc20.balance_of(owner);
        if shares > balance {
            return Err(Error::InsufficientBalance(ERC20InsufficientBalance {
                sender: owner,
                balance,
                needed: shares,
            }));
        }
        self.check_unlocked(owner, shares)?;
        let params = self.params()?;
        self.check_not_paused(VAULT_SCOPE)?;
        let claimable_at = self.now().saturating_add(params.delay);

        // ---- Effects: allowance, request, escrow (with its Transfer event).
        if spend {
            self.erc20._spend_allowance(owner, sender, shares)?;
        }
        let (pending, _) = self.settle_request(controller);
        {
            let mut request = self.requests.setter(controller);
            // pending + shares <= the vault's share balance after the escrow <= the supply.
            request.pending.set(pending + shares);
            request.claimable_at.set(alloy_primitives::U64::from(claimable_at));
        }
        let vault = self.this();
        self.erc20._update(owner, vault, shares)?;

        self.emit(RedeemRequest { controller, owner, requestId: REQUEST_ID, sender, shares });
        Ok(REQUEST_ID)
    }

    /// Returns `controller`'s shares requested and not yet claimable (ERC-7540). Requests
    /// are aggregated per controller: any `requestId` but 0 has none.
    ///
    /// # Arguments
    ///
    /// * `request_id` - 0.
    /// * `controller` - Any account.
    pub fn pending_redeem_request(&self, request_id: U256, controller: Address) -> U256 {
        if request_id != REQUEST_ID {
            return U256::ZERO;
        }
        self.request_now(controller).0
    }

    /// Returns `controller`'s shares claimable now by `redeem` or `withdraw` (ERC-7540),
    /// whether or not the free cash pays them all (`maxRedeem` says what it does). Any
    /// `requestId` but 0 has none.
    ///
    /// # Arguments
    ///
    /// * `request_id` - 0.
    /// * `controller` - Any account.
    pub fn claimable_redeem_request(&self, request_id: U256, controller: Address) -> U256 {
        if request_id != REQUEST_ID {
            return U256::ZERO;
        }
        self.request_now(controller).1
    }

    /// Approves or revokes `operator`, who may then request redemptions of the caller's
    /// shares and claim the caller's requests, without allowance (ERC-7540).
    ///
    /// # Arguments
    ///
    /// * `operator` - The operator; non-zero.
    /// * `approved` - Whether it may.
    ///
    /// # Errors
    ///
    /// * [`Error::InvalidAddress`] - If `operator` is zero.
    ///
    /// # Events
    ///
    /// * [`OperatorSet`].
    pub fn set_operator(&mut self, operator: Address, approved: bool) -> Result<bool, Error> {
        if operator.is_zero() {
            return Err(invalid_address(operator));
        }
        let controller = self.vm().msg_sender();
        self.operators.setter(controller).setter(operator).set(approved);
        self.emit(OperatorSet { controller, operator, approved });
        Ok(true)
    }

    /// Returns whether `operator` may act for `controller` (ERC-7540).
    ///
    /// # Arguments
    ///
    /// * `controller` - The controller.
    /// * `operator` - The operator.
    pub fn is_operator(&self, controller: Address, operator: Address) -> bool {
        self.operates_for(controller, operator)
    }

    /// Burns exactly `shares` of `owner`'s claimable request and pays `previewRedeem(shares)`
    /// assets, rounded down, to `receiver`. The caller is `owner` (the controller), its
    /// operator, or spends its share allowance.
    ///
    /// # Arguments
    ///
    /// * `shares` - The shares to redeem; non-zero.
    /// * `receiver` - The receiver of the assets; neither zero nor the vault.
    /// * `owner` - The controller of the request.
    ///
    /// # Errors
    ///
    /// * [`Error::ZeroAmount`] - If `shares` is zero.
    /// * [`Error::InvalidAddress`] - If `receiver` is zero or the vault.
    /// * [`Error::GovernanceCallFailed`] - If a governance read fails.
    /// * [`Error::Paused`] - If the protocol scope is paused.
    /// * [`Error::ExceededMaxRedeem`] - If `shares > maxRedeem(owner)`.
    /// * [`Error::ZeroAssets`] - If `shares` pay no asset.
    /// * [`Error::InsufficientAllowance`] - If the caller is neither `owner` nor its
    ///   operator and its allowance is below `shares`.
    /// * [`Error::TokenCallFailed`] - If the asset's `transfer` fails.
    ///
    /// # Events
    ///
    /// * [`StaleMark`] - If the mark is stale.
    /// * [`Transfer`] - The shares burned from the escrow.
    /// * [`Withdraw`].
    pub fn redeem(
        &mut self,
        shares: U256,
        receiver: Address,
        owner: Address,
    ) -> Result<U256, Error> {
        self.exit(shares, receiver, owner, false)
    }

    /// Pays exactly `assets` to `receiver` and burns `previewWithdraw(assets)` shares,
    /// rounded up, of `owner`'s claimable request. The caller is `owner` (the controller),
    /// its operator, or spends its share allowance.
    ///
    /// # Arguments
    ///
    /// * `assets` - The assets to withdraw; non-zero.
    /// * `receiver` - The receiver of the assets; neither zero nor the vault.
    /// * `owner` - The controller of the request.
    ///
    /// # Errors
    ///
    /// * [`Error::ZeroAmount`] - If `assets` is zero.
    /// * [`Error::InvalidAddress`] - If `receiver` is zero or the vault.
    /// * [`Error::GovernanceCallFailed`] - If a governance read fails.
    /// * [`Error::Paused`] - If the protocol scope is paused.
    /// * [`Error::ExceededMaxWithdraw`] - If `assets > maxWithdraw(owner)`.
    /// * [`Error::MathOverflow`] - If the shares overflow.
    /// * [`Error::InsufficientAllowance`] - If the caller is neither `owner` nor its
    ///   operator and its allowance is below the shares.
    /// * [`Error::TokenCallFailed`] - If the asset's `transfer` fails.
    ///
    /// # Events
    ///
    /// * [`StaleMark`] - If the mark is stale.
    /// * [`Transfer`] - The shares burned from the escrow.
    /// * [`Withdraw`].
    pub fn withdraw(
        &mut self,
        assets: U256,
        receiver: Address,
        owner: Address,
    ) -> Result<U256, Error> {
        self.exit(assets, receiver, owner, true)
    }

    /// Records the market's mark if it is fresh, else emits [`StaleMark`]: a keeper's way to
    /// keep the last fresh mark recent. Returns whether it was fresh.
    ///
    /// # Errors
    ///
    /// * [`Error::GovernanceCallFailed`] - If a governance read fails.
    ///
    /// # Events
    ///
    /// * [`StaleMark`] - If the mark is stale.
    pub fn sync_mark(&mut self) -> Result<bool, Error> {
        let (valuation, mark) = self.value_now(&self.params()?);
        self.record(&valuation, &mark);
        Ok(valuation.fresh)
    }

    // =========================================================================================
    // Flows with the market
    // =========================================================================================

    /// Pays the caller (the market or its short book) `min(amount, cash)` for a flow of
    /// `reason` (a payout of the options the pool wrote, a premium it pays, a default
    /// reaching it): at most the pool's cash,
    /// never more, the locked collateral included (it is there to pay the market). The NAV
    /// falls by what is paid, at once. Returns what was paid.
    ///
    /// # Arguments
    ///
    /// * `market_id` - The market the flow belongs to; non-zero.
    /// * `reason` - The flow reason code, at most [`MAX_REASON`].
    /// * `amount` - The payout requested, in asset units; non-zero.
    ///
    /// # Errors
    ///
    /// * [`Error::GovernanceCallFailed`] - If a governance read fails.
    /// * [`Error::UnauthorizedAccount`] - If the caller is neither the market nor its
    ///   short book (role `MARKET`).
    /// * [`Error::ZeroAmount`] - If `amount` is zero.
    /// * [`Error::ZeroMarketId`] - If `marketId` is zero.
    /// * [`Error::InvalidReason`] - If `reason` is above [`MAX_REASON`].
    /// * [`Error::TokenCallFailed`] - If the asset's `transfer` fails.
    ///
    /// # Events
    ///
    /// * [`PayoutPulled`].
    pub fn pull_payout(
        &mut self,
        market_id: B256,
        reason: u8,
        amount: U256,
    ) -> Result<U256, Error> {
        let market = self.check_flow(market_id, reason, amount)?;
        let cash = self.cash.get();
        let paid = amount.min(cash);

        self.cash.set(cash - paid); // paid <= cash

        self.emit(PayoutPulled { marketId: market_id, reason, requested: amount, paid });
        if !paid.is_zero() {
            self.pay(market, paid)?;
        }
        Ok(paid)
    }

    /// Books `amount`, already transferred to the vault by the market, as the pool's cash: a
    /// premium, the LPs' fee share, settlement proceeds, a recovery or insurance cover
    /// (`reason`). The NAV rises by it at once (by the premium's edge over the liability
    /// the market marks for the option written).
    ///
    /// # Arguments
    ///
    /// * `market_id` - The market the flow belongs to; non-zero.
    /// * `reason` - The flow reason code, at most [`MAX_REASON`].
    /// * `amount` - The amount, in asset units; non-zero, at most the vault's token balance
    ///   beyond its cash.
    ///
    /// # Errors
    ///
    /// * [`Error::GovernanceCallFailed`] - If a governance read fails.
    /// * [`Error::UnauthorizedAccount`] - If the caller is neither the market nor its
    ///   short book (role `MARKET`).
    /// * [`Error::ZeroAmount`] - If `amount` is zero.
    /// * [`Error::ZeroMarketId`] - If `marketId` is zero.
    /// * [`Error::InvalidReason`] - If `reason` is above [`MAX_REASON`].
    /// * [`Error::TokenCallFailed`] - If the asset's `balanceOf` fails.
    /// * [`Error::FlowNotReceived`] - If the balance beyond the cash is below `amount`.
    ///
    /// # Events
    ///
    /// * [`PremiumNotified`].
    pub fn notify_premium(
        &mut self,
        market_id: B256,
        reason: u8,
        amount: U256,
    ) -> Result<(), Error> {
        self.check_flow(market_id, reason, amount)?;
        let cash = self.cash.get();
        let unaccounted = self.token_balance()?.saturating_sub(cash);
        if unaccounted < amount {
            return Err(Error::FlowNotReceived(VaultFlowNotReceived { amount, unaccounted }));
        }

        self.cash.set(cash + amount); // cash + amount <= the token balance

        self.emit(PremiumNotified { marketId: market_id, reason, amount });
        Ok(())
    }

    /// Returns whether the vault implements `interfaceId` (ERC-165): ERC-165, ERC-7540's
    /// operator and asynchronous-redeem interfaces, and ERC-7575.
    ///
    /// # Arguments
    ///
    /// * `interface_id` - The interface id.
    pub fn supports_interface(&self, interface_id: FixedBytes<4>) -> bool {
        let id = u32::from_be_bytes(interface_id.0);
        [
            ERC165_INTERFACE_ID,
            ERC7540_OPERATOR_INTERFACE_ID,
            ERC7540_REDEEM_INTERFACE_ID,
            ERC7575_INTERFACE_ID,
        ]
        .contains(&id)
    }
}

// =============================================================================================
// The steps the entry points share
// =============================================================================================

impl MutualVault {
    /// Rejects a zero `account`, or the vault itself, as a receiver or controller.
    fn check_account(&self, account: Address) -> Result<(), Error> {
        if account.is_zero() || account == self.this() {
            return Err(invalid_address(account));
        }
        Ok(())
    }

    /// Rejects a share transfer to the zero address or the vault (shares enter the escrow
    /// only through `requestRedeem`), or beyond `from`'s unlocked shares.
    fn check_transfer(&self, from: Address, to: Address, value: U256) -> Result<(), Error> {
        if to == self.this() {
            return Err(Error::InvalidReceiver(ERC20InvalidReceiver { receiver: to }));
        }
        self.check_unlocked(from, value)
    }

    /// The limits of a deposit to `receiver` now: `(room, totals)`, `None` while deposits
    /// are closed or governance cannot answer.
    fn deposit_limits(&self, receiver: Address) -> Option<(U256, Totals)> {
        self.check_account(receiver).ok()?;
        let params = self.params().ok()?;
        let (valuation, mark) = self.value_now(&params);
        let room = self.deposit_room(&params, &valuation, &mark).ok()?;
        Some((room, self.totals(valuation.assets)))
    }

    /// Converts `amount` for a preview: at the valuation a claim would use (`entry`
    /// false), or for a deposit or mint (`entry` true) at a fresh mark only.
    fn preview(
        &self,
        amount: U256,
        direction: Direction,
        rounding: Rounding,
        entry: bool,
    ) -> Result<U256, Error> {
        let params = self.params()?;
        let (valuation, mark) = self.value_now(&params);
        if entry && !valuation.fresh {
            return Err(Error::StaleMark(VaultStaleMark {
                markTime: mark.time,
                maxAge: params.max_age,
            }));
        }
        convert(self.totals(valuation.assets), amount, direction, rounding)
    }

    /// `deposit` (`is_mint` false: `amount` is the assets) or `mint` (`amount` is the
    /// shares): checks, then cash, mark, shares (with their `Transfer` event), lock,
    /// `Deposit`, then the asset's `transferFrom`. Returns the shares minted or the assets
    /// taken.
    fn enter(&mut self, amount: U256, receiver: Address, is_mint: bool) -> Result<U256, Error> {
        // ---- Checks: input, governance, deposits open, the limit, the conversion.
        if amount.is_zero() {
            return Err(zero_amount());
        }
        self.check_account(receiver)?;
        let params = self.params()?;
        let (valuation, mark) = self.value_now(&params);
        let room = self.deposit_room(&params, &valuation, &mark)?;
        let totals = self.totals(valuation.assets);
        let (assets, shares) = if is_mint {
            let max = mint_limit(totals, room);
            if amount > max {
                return Err(Error::ExceededMaxMint(ERC4626ExceededMaxMint {
                    receiver,
                    shares: amount,
                    max,
                }));
            }
            // Rounds up: the minter pays more, in the pool's favour (and at most `room`).
            (convert(totals, amount, Direction::ToAssets, Rounding::Up)?, amount)
        } else {
            if amount > room {
                return Err(Error::ExceededMaxDeposit(ERC4626ExceededMaxDeposit {
                    receiver,
                    assets: amount,
                    max: room,
                }));
            }
            // Rounds down: fewer shares for the depositor, in the pool's favour.
            let shares = convert(totals, amount, Direction::ToShares, Rounding::Down)?;
            if shares.is_zero() {
                return Err(Error::ZeroShares(VaultZeroShares { assets: amount }));
            }
            (amount, shares)
        };
        let sender = self.vm().msg_sender();
        let cash = self.cash.get().checked_add(assets).ok_or_else(math_overflow)?;
        // The supply after the mint must fit: the share token's own check would panic.
        totals.supply.checked_add(shares).ok_or_else(math_overflow)?;

        // ---- Effects, then the event, then the payment.
        self.cash.set(cash);
        self.record(&valuation, &mark);
        self.erc20._mint(receiver, shares)?;
        self.lock(receiver, shares, params.hold, sender == receiver);

        self.emit(Deposit { sender, owner: receiver, assets, shares });
        self.collect(sender, assets)?;
        Ok(if is_mint { assets } else { shares })
    }

    /// `redeem` (`is_withdraw` false: `amount` is the shares) or `withdraw` (`amount` is
    /// the assets) of `controller`'s claimable request: checks, then allowance, request,
    /// escrow burn (with its `Transfer` event), cash, mark, `Withdraw`, then the asset's
    /// `transfer`. Returns the assets paid or the shares burned.
    fn exit(
        &mut self,
        amount: U256,
        receiver: Address,
        controller: Address,
        is_withdraw: bool,
    ) -> Result<U256, Error> {
        // ---- Checks: input, governance, the protocol pause, the limit, the conversion,
        // the caller's authority.
        if amount.is_zero() {
            return Err(zero_amount());
        }
        self.check_account(receiver)?;
        let params = self.params()?;
        self.check_not_paused(PROTOCOL_SCOPE)?;
        let (valuation, mark) = self.value_now(&params);
        let totals = self.totals(valuation.assets);
        let (max_shares, max_assets) = self.claim_limits(controller, totals, &valuation);
        let (assets, shares) = if is_withdraw {
            if amount > max_assets {
                return Err(Error::ExceededMaxWithdraw(ERC4626ExceededMaxWithdraw {
                    owner: controller,
                    assets: amount,
                    max: max_assets,
                }));
            }
            // Rounds up: more shares burned, in the pool's favour; at most the claimable
            // shares, since assets <= their value rounded down.
            (amount, convert(totals, amount, Direction::ToShares, Rounding::Up)?)
        } else {
            if amount > max_shares {
                return Err(Error::ExceededMaxRedeem(ERC4626ExceededMaxRedeem {
                    owner: controller,
                    shares: amount,
                    max: max_shares,
                }));
            }
            // Rounds down: fewer assets paid, in the pool's favour.
            let assets = convert(totals, amount, Direction::ToAssets, Rounding::Down)?;
            if assets.is_zero() {
                return Err(Error::ZeroAssets(VaultZeroAssets { shares: amount }));
            }
            (assets, amount)
        };
        let sender = self.vm().msg_sender();
        let spend = self.needs_allowance(controller, sender, shares)?;

        // ---- Effects, then the events, then the payment.
        if spend {
            self.erc20._spend_allowance(controller, sender, shares)?;
        }
        let (_, claimable) = self.settle_request(controller);
        // shares <= claimable (the limits above); assets <= the free cash <= cash.
        self.requests.setter(controller).claimable.set(claimable - shares);
        let vault = self.this();
        self.erc20._burn(vault, shares)?;
        let cash = self.cash.get();
        self.cash.set(cash - assets);
        self.record(&valuation, &mark);

        self.emit(Withdraw { sender, receiver, owner: controller, assets, shares });
        self.pay(receiver, assets)?;
        Ok(if is_withdraw { shares } else { assets })
    }

    /// The checks of a flow: the caller is the market or its short book (`market.shortBook`,
    /// when set), `amount` and `marketId` are non-zero, `reason` is known. Returns the
    /// caller, whom a payout pays.
    fn check_flow(&self, market_id: B256, reason: u8, amount: U256) -> Result<Address, Error> {
        let params = self.params()?;
        let caller = self.vm().msg_sender();
        if caller.is_zero() || caller != params.market && caller != params.short_book {
            return Err(Error::UnauthorizedAccount(VaultUnauthorizedAccount {
                account: caller,
                role: MARKET_ROLE,
            }));
        }
        if amount.is_zero() {
            return Err(zero_amount());
        }
        if market_id.is_zero() {
            return Err(Error::ZeroMarketId(VaultZeroMarketId {}));
        }
        if reason > MAX_REASON {
            return Err(Error::InvalidReason(VaultInvalidReason { reason }));
        }
        Ok(caller)
    }
}

/// The text of a left-aligned, zero-padded ASCII `bytes32` string: its bytes up to the
/// last non-zero one.
fn unpack(word: B256) -> String {
    let len = word.iter().rposition(|&byte| byte != 0).map_or(0, |last| last + 1);
    // ASCII (checked by the constructor): each byte is its own character.
    word[..len].iter().map(|&byte| char::from(byte)).collect()
}
