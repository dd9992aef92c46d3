//! `MutualVault`'s internal helpers: governance and market reads, the valuation, the
//! limits shared by the entry points and the `max*` views, requests and locks, token
//! transfers and the log encoder.

use alloc::vec::Vec;

use alloy_primitives::{Address, B256, U256, U64};
use mutual_contract_kit::clock;
use mutual_interfaces::{
    calls,
    keys::{value_to_address, BOOK_KEY, MARKET_KEY, SHORT_BOOK_KEY, VAULT_SCOPE},
};
use openzeppelin_stylus::token::erc20::IErc20;
use stylus_sdk::prelude::*;

use crate::{
    errors::{insufficient_allowance, token_failed},
    events::LogWords,
    math::WAD,
    nav::{self, Mark, Valuation},
    shares::{Direction, Rounding, Totals},
    Error, MutualVault, StaleMark, VaultGovernanceCallFailed, VaultInsolvent, VaultPaused,
    VaultSharesLocked, VaultStaleMark, DEPOSIT_CAP_KEY, MARK_MAX_AGE_KEY, MIN_HOLD_TIME_KEY,
    REDEEM_DELAY_KEY, STALE_BUFFER_KEY, VIRTUAL_SHARES,
};

/// The governance values every entry point reads, in one `getMany`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Params {
    /// The market (`mutual.market`); zero while unset. The only address whose flows the
    /// vault accepts.
    pub(crate) market: Address,
    /// The program that answers the pool's views (`poolLiability`, `requiredCollateral`):
    /// the market's `OptionBook` (`market.book`) when set, else the market itself.
    ///
    /// Reading the book directly keeps the market off the call stack of the vault's view:
    /// the market calls `totalAssets()` in the middle of `buy` and `settle`, and Stylus
    /// refuses a call into a program already on the stack, so a read through the market
    /// would always fail there and fall back to the buffered stale mark.
    pub(crate) views: Address,
    /// The market's `ShortBook` (`market.shortBook`); zero while shorts are not enabled.
    /// The vault accepts its flows beside the market's, and adds the value of the options
    /// the pool holds against the shorts (its `poolLiability` receivable) to the mark.
    pub(crate) short_book: Address,
    /// `vault.markMaxAge`, in seconds (saturating at `u64::MAX`).
    pub(crate) max_age: u64,
    /// `vault.staleBufferWad`, 18 decimals.
    pub(crate) buffer_wad: U256,
    /// `vault.depositCap`, in asset units.
    pub(crate) cap: U256,
    /// `vault.redeemDelay`, in seconds (saturating).
    pub(crate) delay: u64,
    /// `vault.minHoldTime`, in seconds (saturating).
    pub(crate) hold: u64,
}

/// The keys of [`Params`], in order.
const PARAM_KEYS: [B256; 8] = [
    MARKET_KEY,
    BOOK_KEY,
    SHORT_BOOK_KEY,
    MARK_MAX_AGE_KEY,
    STALE_BUFFER_KEY,
    DEPOSIT_CAP_KEY,
    REDEEM_DELAY_KEY,
    MIN_HOLD_TIME_KEY,
];

impl MutualVault {
    /// The current time in seconds (the block timestamp; plus the test offset in tests).
    pub(crate) fn now(&self) -> u64 {
        clock::now(self.vm().block_timestamp())
    }

    /// The vault's own address.
    pub(crate) fn this(&self) -> Address {
        self.vm().contract_address()
    }

    // ---- Governance -----------------------------------------------------------------------

    /// The governance values of [`PARAM_KEYS`].
    #[inline(never)]
    pub(crate) fn params(&self) -> Result<Params, Error> {
        let governance = self.governance.get();
        let values = calls::get_many(self, governance, &PARAM_KEYS)
            .ok_or_else(|| governance_failed(governance))?;
        let market = value_to_address(values[0]);
        let book = value_to_address(values[1]);
        Ok(Params {
            market,
            views: if book.is_zero() { market } else { book },
            short_book: value_to_address(values[2]),
            max_age: seconds(values[3]),
            buffer_wad: values[4],
            cap: values[5],
            delay: seconds(values[6]),
            hold: seconds(values[7]),
        })
    }

    /// Rejects the call while governance reports `scope` paused.
    #[inline(never)]
    pub(crate) fn check_not_paused(&self, scope: B256) -> Result<(), Error> {
        let governance = self.governance.get();
        let paused = calls::is_paused(self, governance, scope)
            .ok_or_else(|| governance_failed(governance))?;
        if paused {
            return Err(Error::Paused(VaultPaused { scope }));
        }
        Ok(())
    }

    // ---- Valuation ------------------------------------------------------------------------

    /// The last fresh mark the vault recorded.
    pub(crate) fn stored_mark(&self) -> Mark {
        Mark {
            liability: self.mark_liability.get(),
            receivable: self.mark_receivable.get(),
            required: self.mark_required.get(),
            time: u64_of(self.mark_time.get()),
        }
    }

    /// The pool's mark now, if the market (or its book) is set, both views answer, and the
    /// mark is fresh.
    fn fresh_mark(&self, params: &Params) -> Option<Mark> {
        if params.views.is_zero() {
            return None;
        }
        let (liability, mut receivable, mut time) = calls::pool_liability(self, params.views)?;
        let required = calls::required_collateral(self, params.views)?;
        if !params.short_book.is_zero() {
            // The short book answers in `poolLiability`'s shape: (0, receivable, markTime).
            let (_, held, short_time) = calls::pool_liability(self, params.short_book)?;
            receivable = receivable.checked_add(held)?;
            time = time.min(short_time);
        }
        let mark = Mark { liability, receivable, required, time };
        mark.is_fresh(self.now(), params.max_age).then_some(mark)
    }

    /// The pool valued now: at the market's fresh mark, else at the last recorded one with
    /// the stale buffer. Returns the mark used beside it.
    #[inline(never)]
    pub(crate) fn value_now(&self, params: &Params) -> (Valuation, Mark) {
        let cash = self.cash.get();
        if let Some(mark) = self.fresh_mark(params) {
            (nav::value(cash, &mark, true, params.buffer_wad), mark)
        } else {
            let last = self.stored_mark();
            (nav::value(cash, &last, false, params.buffer_wad), last)
        }
    }

    /// The NAV for the views that never revert (`totalAssets`, `convertTo*`): as
    /// [`MutualVault::value_now`], or, if governance cannot answer (no market address, no
    /// max age, no buffer), the last recorded mark with a 100% buffer.
    pub(crate) fn nav_or_fallback(&self) -> U256 {
        match self.params() {
            Ok(params) => self.value_now(&params).0.assets,
            Err(_) => nav::value(self.cash.get(), &self.stored_mark(), false, WAD).assets,
        }
    }

    /// Records the valuation of a state-changing call: the mark if it was fresh, else a
    /// [`StaleMark`] event.
    pub(crate) fn record(&mut self, valuation: &Valuation, mark: &Mark) {
        if valuation.fresh {
            self.mark_liability.set(mark.liability);
            self.mark_receivable.set(mark.receivable);
            self.mark_required.set(mark.required);
            self.mark_time.set(U64::from(mark.time));
        } else {
            self.emit(StaleMark {
                markTime: mark.time,
                liability: valuation.liability,
                requiredCollateral: valuation.locked,
            });
        }
    }

    /// The pool's totals at NAV `assets`.
    pub(crate) fn totals(&self, assets: U256) -> Totals {
        Totals { assets, supply: self.erc20.total_supply() }
    }

    // ---- Limits ---------------------------------------------------------------------------

    /// The most assets a deposit may bring now: deposits open (not paused, a fresh mark, no
    /// deficit), then `type(uint256).max` for an unlimited cap, else the cap less the NAV
    /// (saturating).
    #[inline(never)]
    pub(crate) fn deposit_room(
        &self,
        params: &Params,
        valuation: &Valuation,
        mark: &Mark,
    ) -> Result<U256, Error> {
        self.check_not_paused(VAULT_SCOPE)?;
        if !valuation.fresh {
            return Err(Error::StaleMark(VaultStaleMark {
                markTime: mark.time,
                maxAge: params.max_age,
            }));
        }
        if !valuation.deficit.is_zero() {
            return Err(Error::Insolvent(VaultInsolvent { deficit: valuation.deficit }));
        }
        if params.cap == U256::MAX {
            return Ok(U256::MAX);
        }
        Ok(params.cap.saturating_sub(valuation.assets))
    }

    /// `(maxRedeem, maxWithdraw)` of `controller` at `valuation` (`totals` at its NAV):
    /// its claimable shares, as far as the free cash pays them; 0 when their payout would
    /// be 0.
    #[inline(never)]
    pub(crate) fn claim_limits(
        &self,
        controller: Address,
        totals: Totals,
        valuation: &Valuation,
    ) -> (U256, U256) {
        let (_, claimable) = self.request_now(controller);
        if claimable.is_zero() {
            return (U256::ZERO, U256::ZERO);
        }
        let payable = totals.shares_paying_at_most(valuation.free, VIRTUAL_SHARES);
        let shares = payable.map_or(claimable, |payable| payable.min(claimable));
        let value = |shares| totals.to_assets_down(shares, VIRTUAL_SHARES).unwrap_or(U256::ZERO);
        if value(shares).is_zero() {
            return (U256::ZERO, U256::ZERO);
        }
        (shares, value(claimable).min(valuation.free))
    }

    /// `(maxRedeem, maxWithdraw)` of `controller` now: [`MutualVault::claim_limits`], or
    /// zero while the protocol is paused or governance cannot answer.
    pub(crate) fn claim_limits_now(&self, controller: Address) -> (U256, U256) {
        let Ok(params) = self.params() else { return (U256::ZERO, U256::ZERO) };
        if self.check_not_paused(mutual_interfaces::keys::PROTOCOL_SCOPE).is_err() {
            return (U256::ZERO, U256::ZERO);
        }
        let (valuation, _) = self.value_now(&params);
        self.claim_limits(controller, self.totals(valuation.assets), &valuation)
    }

    // ---- Requests, locks, operators -------------------------------------------------------

    /// `controller`'s request now: `(pending, claimable)`, pending shares counted as
    /// claimable from their `claimable_at`.
    pub(crate) fn request_now(&self, controller: Address) -> (U256, U256) {
        let request = self.requests.getter(controller);
        let (pending, claimable) = (request.pending.get(), request.claimable.get());
        if !pending.is_zero() && self.now() >= u64_of(request.claimable_at.get()) {
            // pending + claimable <= the vault's share balance <= the supply.
            return (U256::ZERO, claimable + pending);
        }
        (pending, claimable)
    }

    /// Stores `controller`'s request as [`MutualVault::request_now`] reads it (matured
    /// pending shares become claimable) and returns `(pending, claimable)`.
    pub(crate) fn settle_request(&mut self, controller: Address) -> (U256, U256) {
        let (pending, claimable) = self.request_now(controller);
        let mut request = self.requests.setter(controller);
        if pending.is_zero() {
            request.pending.set(U256::ZERO);
            request.claimable_at.set(U64::ZERO);
        }
        request.claimable.set(claimable);
        (pending, claimable)
    }

    /// `account`'s locked shares now and the time they unlock; `(0, 0)` when none.
    pub(crate) fn lock_now(&self, account: Address) -> (U256, u64) {
        let lock = self.locks.getter(account);
        let until = u64_of(lock.until.get());
        if self.now() >= until {
            return (U256::ZERO, 0);
        }
        (lock.shares.get(), until)
    }

    /// Rejects moving `needed` of `account`'s shares (at most its balance) beyond its
    /// unlocked ones.
    #[inline(never)]
    pub(crate) fn check_unlocked(&self, account: Address, needed: U256) -> Result<(), Error> {
        let balance = self.erc20.balance_of(account);
        if needed > balance {
            return Ok(()); // the share token rejects it with its balance
        }
        let (locked, until) = self.lock_now(account);
        // locked <= balance while in force: locked shares never leave the account.
        let unlocked = balance.saturating_sub(locked);
        if needed > unlocked {
            return Err(Error::SharesLocked(VaultSharesLocked {
                account,
                needed,
                unlocked,
                until,
            }));
        }
        Ok(())
    }

    /// Locks `shares` just minted to `account` for `hold` seconds, added to a lock still in
    /// force (an expired one is replaced).
    ///
    /// When the account deposits for itself (`by_owner`), the whole lock runs again from
    /// now: a just-in-time depositor cannot shorten its own hold. When someone else
    /// deposits for it (a router, or a griefer sending dust to restart a victim's hold),
    /// the lock ends at the share-weighted average of the old end and `now + hold`, rounded
    /// up, and never earlier than the old end: a deposit of `x` shares onto `L` locked ones
    /// delays them by at most `hold x / (L + x)`, so dust cannot keep a victim locked,
    /// while a third party's deposit onto an account with nothing locked still gets the
    /// full hold.
    pub(crate) fn lock(&mut self, account: Address, shares: U256, hold: u64, by_owner: bool) {
        if hold == 0 {
            return;
        }
        let (locked, old_until) = self.lock_now(account);
        let fresh_until = self.now().saturating_add(hold);
        // locked + shares <= the account's balance <= the supply.
        let total = locked + shares;
        let until = if by_owner || locked.is_zero() {
            fresh_until
        } else {
            // total > 0 (locked > 0); each part is at most a u64 time, so their sum cannot wrap.
            let weighted = crate::math::mul_div_up(locked, U256::from(old_until), total)
                .zip(crate::math::mul_div_up(shares, U256::from(fresh_until), total))
                .map_or(fresh_until, |(a, b)| {
                    u64::try_from(a + b).map_or(fresh_until, |t| t.min(fresh_until))
                });
            weighted.max(old_until)
        };
        let mut lock = self.locks.setter(account);
        lock.shares.set(total);
        lock.until.set(U64::from(until));
    }

    /// Whether `operator` may act for `controller` (ERC-7540).
    pub(crate) fn operates_for(&self, controller: Address, operator: Address) -> bool {
        self.operators.getter(controller).get(operator)
    }

    /// Whether `sender` must spend `owner`'s share allowance to move `shares` of it: false
    /// for `owner` itself and its operators; true for a spender whose allowance covers
    /// them.
    ///
    /// # Errors
    ///
    /// * `ERC20InsufficientAllowance` - If `sender` is neither and its allowance is short.
    #[inline(never)]
    pub(crate) fn needs_allowance(
        &self,
        owner: Address,
        sender: Address,
        shares: U256,
    ) -> Result<bool, Error> {
        if sender == owner || self.operates_for(owner, sender) {
            return Ok(false);
        }
        let allowance = self.erc20.allowance(owner, sender);
        if allowance < shares {
            return Err(insufficient_allowance(sender, allowance, shares));
        }
        Ok(true)
    }

    // ---- Token ----------------------------------------------------------------------------

    /// Pays `amount` of the asset to `to`.
    pub(crate) fn pay(&mut self, to: Address, amount: U256) -> Result<(), Error> {
        let token = self.asset.get();
        if !calls::transfer(&mut *self, token, to, amount) {
            return Err(token_failed(token));
        }
        Ok(())
    }

    /// Takes `amount` of the asset from `from` (on its allowance to the vault).
    pub(crate) fn collect(&mut self, from: Address, amount: U256) -> Result<(), Error> {
        let token = self.asset.get();
        let vault = self.this();
        if !calls::transfer_from(&mut *self, token, from, vault, amount) {
            return Err(token_failed(token));
        }
        Ok(())
    }

    /// The vault's balance of the asset.
    pub(crate) fn token_balance(&self) -> Result<U256, Error> {
        let token = self.asset.get();
        calls::balance_of(self, token, self.this()).ok_or_else(|| token_failed(token))
    }

    // ---- Logs -----------------------------------------------------------------------------

    /// Emits `event` (see [`LogWords`]).
    pub(crate) fn emit(&self, event: impl LogWords) {
        event.with_words(|topics, data| self.emit_words(topics, data));
    }

    /// Emits a log of `topics` and `data` words: the one log encoder of the vault's own
    /// events.
    #[inline(never)]
    fn emit_words(&self, topics: &[B256], data: &[U256]) {
        let mut bytes = Vec::with_capacity(32 * (topics.len() + data.len()));
        for topic in topics {
            bytes.extend_from_slice(topic.as_slice());
        }
        for word in data {
            bytes.extend_from_slice(&word.to_be_bytes::<32>());
        }
        self.vm().emit_log(&bytes, topics.len());
    }
}

/// `totals.convert(amount, VIRTUAL_SHARES, direction, rounding)`, overflow as an error.
#[inline(never)]
pub(crate) fn convert(
    totals: Totals,
    amount: U256,
    direction: Direction,
    rounding: Rounding,
) -> Result<U256, Error> {
    totals.convert(amount, VIRTUAL_SHARES, direction, rounding).ok_or_else(crate::math_overflow)
}

/// The most shares a mint may issue when deposits may bring `room` more assets: the
/// shares of `room`, rounded down (so their assets, rounded up, are at most `room`);
/// unlimited for an unlimited room, or when those shares overflow 256 bits (any mint then
/// costs less than `room`).
pub(crate) fn mint_limit(totals: Totals, room: U256) -> U256 {
    if room == U256::MAX {
        return U256::MAX;
    }
    totals.to_shares_down(room, VIRTUAL_SHARES).unwrap_or(U256::MAX)
}

/// `VaultGovernanceCallFailed(governance)`.
fn governance_failed(governance: Address) -> Error {
    Error::GovernanceCallFailed(VaultGovernanceCallFailed { governance })
}

/// A governance duration as seconds, saturating at `u64::MAX`.
fn seconds(value: U256) -> u64 {
    u64::try_from(value).unwrap_or(u64::MAX)
}

/// A stored `uint64` as `u64` (exact: it has one 64-bit limb).
pub(crate) fn u64_of(value: U64) -> u64 {
    value.as_limbs()[0]
}
