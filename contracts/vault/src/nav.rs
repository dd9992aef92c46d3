//! The pool's valuation: pure functions of its cash and a mark of the market's book, the
//! rounding direction of every step stated.
//!
//! `NAV = cash + receivable - liability`, floored at 0 (the shortfall below 0 is the
//! `deficit`). A mark is **fresh** when its time is not in the future and at most
//! `vault.markMaxAge` seconds old. Without a fresh mark the vault values the pool with the
//! last fresh mark it recorded, its `liability` and `requiredCollateral` each raised by
//! `vault.staleBufferWad` of themselves (rounded up, against the LPs who leave), so a stale
//! view can only understate the NAV and overstate the locked collateral.

use crate::math::{mul_div_up, WAD};
use alloy_primitives::U256;

/// A mark of the pool's book, as `IOptionsMarket.poolLiability` and `requiredCollateral`
/// report it (or as last recorded).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Mark {
    /// The marked value of the options the pool has written net of those it holds, in
    /// asset units.
    pub liability: U256,
    /// What the market owes the pool, in asset units.
    pub receivable: U256,
    /// The collateral the pool must keep against open positions, in asset units.
    pub required: U256,
    /// When the marks were taken, in seconds (0: never).
    pub time: u64,
}

/// The pool valued at one mark.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Valuation {
    /// The NAV, `cash + receivable - liability` floored at 0 (`totalAssets`).
    pub assets: U256,
    /// `liability - cash - receivable` when positive, else 0: how far the pool is below
    /// zero.
    pub deficit: U256,
    /// The liability used: the mark's, or the last good one with the buffer.
    pub liability: U256,
    /// The collateral locked: the mark's requirement, or the last good one with the
    /// buffer.
    pub locked: U256,
    /// The cash not locked: `cash - locked`, floored at 0; the most the vault pays out to
    /// LPs.
    pub free: U256,
    /// Whether the mark was fresh (no buffer applied).
    pub fresh: bool,
}

impl Mark {
    /// Whether the mark is fresh at `now`: taken at most `max_age` seconds ago and not in
    /// the future.
    #[must_use]
    pub fn is_fresh(&self, now: u64, max_age: u64) -> bool {
        self.time <= now && now - self.time <= max_age
    }
}

/// `value` raised by `buffer_wad` of itself: `value + ceil(value * buffer_wad / 1e18)`,
/// rounded up (against the LPs who leave while the mark is stale); `type(uint256).max` if
/// it does not fit.
#[must_use]
pub fn buffered(value: U256, buffer_wad: U256) -> U256 {
    mul_div_up(value, buffer_wad, WAD).map_or(U256::MAX, |extra| value.saturating_add(extra))
}

/// Values a pool holding `cash` at `mark`: as marked if `fresh`, else with its liability
/// and required collateral raised by `buffer_wad` ([`buffered`]). Never fails: sums that
/// do not fit 256 bits saturate.
#[must_use]
pub fn value(cash: U256, mark: &Mark, fresh: bool, buffer_wad: U256) -> Valuation {
    let (liability, locked) = if fresh {
        (mark.liability, mark.required)
    } else {
        (buffered(mark.liability, buffer_wad), buffered(mark.required, buffer_wad))
    };
    let gross = cash.saturating_add(mark.receivable);
    Valuation {
        assets: gross.saturating_sub(liability),
        deficit: liability.saturating_sub(gross),
        liability,
        locked,
        free: cash.saturating_sub(locked),
        fresh,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(x: u64) -> U256 {
        U256::from(x)
    }

    #[test]
    fn freshness_is_inclusive_of_the_max_age_and_rejects_the_future() {
        let mark = Mark { time: 1_000, ..Mark::default() };
        assert!(mark.is_fresh(1_000, 0));
        assert!(mark.is_fresh(1_060, 60));
        assert!(!mark.is_fresh(1_061, 60));
        assert!(!mark.is_fresh(999, 60));
        assert!(Mark::default().is_fresh(0, 0));
    }

    #[test]
    fn the_buffer_rounds_up_and_saturates() {
        // 10% of 1_005 is 100.5: 101.
        assert_eq!(buffered(u(1_005), WAD / u(10)), u(1_106));
        assert_eq!(buffered(u(1_000), U256::ZERO), u(1_000));
        assert_eq!(buffered(U256::ZERO, WAD), U256::ZERO);
        assert_eq!(buffered(U256::MAX, WAD), U256::MAX);
        assert_eq!(buffered(U256::MAX / u(2), U256::MAX), U256::MAX);
    }

    #[test]
    fn the_nav_is_floored_and_the_free_cash_excludes_the_lock() {
        let mark = Mark { liability: u(300), receivable: u(50), required: u(400), time: 1 };
        // Fresh: 1_000 + 50 - 300 = 750; free 1_000 - 400 = 600.
        let fresh = value(u(1_000), &mark, true, WAD);
        assert_eq!(
            (fresh.assets, fresh.deficit, fresh.locked, fresh.free),
            (u(750), u(0), u(400), u(600))
        );
        // Stale with 50%: liability 450, lock 600: 1_050 - 450 = 600; free 400.
        let stale = value(u(1_000), &mark, false, WAD / u(2));
        assert_eq!(
            (stale.assets, stale.liability, stale.locked, stale.free, stale.fresh),
            (u(600), u(450), u(600), u(400), false)
        );
        // Below zero: 100 + 50 - 300 = -150.
        let under = value(u(100), &mark, true, U256::ZERO);
        assert_eq!((under.assets, under.deficit, under.free), (u(0), u(150), u(0)));
        // Saturation instead of overflow.
        let huge = Mark { receivable: U256::MAX, ..mark };
        assert_eq!(value(u(1), &huge, true, U256::ZERO).assets, U256::MAX - u(300));
    }
}
