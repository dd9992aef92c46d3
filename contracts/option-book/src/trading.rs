//! The price of a trade and its checks: everything `quote` and `trade` share. The
//! Black-Scholes price and the trade's volatility come from the `RiskEngine`
//! (`tradePrice`); the fees (a spread fee and, on purchases, the utilization fee) are the
//! pure crate's (`mutual_risk::trade`), computed here from the engine's premium.

use alloy_primitives::{Address, B256, U256};
use mutual_interfaces::{
    flows,
    keys::value_to_address,
    split::{self, TradePriceArgs},
};
use mutual_risk::trade::{
    fees_asset_up, utilization_fee_rate_wad_up, utilization_wad_up, FeeCurve, FeeSchedule, Fees,
};

use crate::{
    book::{Pending, Risk},
    call_failed,
    internal::{at, u128_of},
    math, zero_amount, Error, MarketDeadlinePassed, MarketMathError, MarketTradeTooSmall,
    MarketTradingClosed, OptionBook, ENGINE_MATH_ERROR,
};

/// A trade that passed its input checks.
#[derive(Clone, Copy)]
pub(crate) struct Ticket {
    /// The strike's underlying.
    pub(crate) market_id: B256,
    /// The strike's board.
    pub(crate) board_id: u64,
    /// The strike.
    pub(crate) strike_id: u64,
    /// Calls or puts.
    pub(crate) is_call: bool,
    /// A purchase (the pool writes) or a sale (the pool buys back).
    pub(crate) is_buy: bool,
    /// The options traded, 18 decimals.
    pub(crate) amount: U256,
    /// The time of the checks.
    pub(crate) now: u64,
    /// The board's expiry, seconds.
    pub(crate) expiry: u64,
    /// The strike price, 18 decimals.
    pub(crate) strike_wad: U256,
    /// The strike's skew, 18 decimals.
    pub(crate) skew_wad: U256,
    /// The board's base IV before the trade, 18 decimals.
    pub(crate) base_iv_wad: U256,
    /// The traded side's open interest before the trade, 18 decimals.
    pub(crate) held: U256,
    /// The listings (the address under `market.listings`).
    pub(crate) listings: Address,
}

/// A priced trade.
#[derive(Clone, Copy)]
pub(crate) struct Priced {
    /// The premium, asset units: rounded up on a purchase, down on a sale.
    pub(crate) premium: U256,
    /// The fees, asset units, rounded up (a sale's capped at its premium).
    pub(crate) fees: Fees,
    /// The trade's volatility, 18 decimals.
    pub(crate) vol_wad: U256,
    /// The board's base IV after the trade, 18 decimals.
    pub(crate) base_iv_after_wad: U256,
    /// The pool's NAV before the trade (purchases only), asset units.
    pub(crate) nav: U256,
    /// The underlying's book with the trade booked (purchases only): its stressed loss
    /// and net greeks.
    pub(crate) focus: Risk,
    /// The pool's utilization with the trade booked (purchases only), 18 decimals.
    pub(crate) utilization: u128,
}

/// The engine's revert data as this book's error: its `EngineMathError(code)` as
/// `MarketMathError(code)` (the same refusal of the pure crate the market reported when
/// it priced alone), anything else forwarded unchanged.
pub(crate) fn engine_error(data: alloc::vec::Vec<u8>) -> Error {
    if data.len() == 36 && data[..4] == ENGINE_MATH_ERROR {
        return Error::MathError(MarketMathError { code: data[35] });
    }
    Error::Forwarded(data)
}

impl OptionBook {
    /// Checks a trade's inputs: the strike (read from the listings, `strikeInfo`), the
    /// deadline (`None` for a quote), the amount and its minimum, and the cut-off before
    /// expiry.
    pub(crate) fn ticket(
        &self,
        strike_id: u64,
        is_call: bool,
        is_buy: bool,
        amount: U256,
        deadline: Option<u64>,
        values: &[U256],
    ) -> Result<Ticket, Error> {
        let listings = value_to_address(values[at::LISTINGS]);
        let [market_id, board_id, expiry, strike_wad, skew_wad, base_iv_wad, _, _, calls, puts] =
            split::strike_info(self, listings, strike_id).map_err(Error::Forwarded)?;
        let board_id = u64::try_from(board_id).unwrap_or(u64::MAX);
        let expiry = u64::try_from(expiry).unwrap_or(u64::MAX);
        let now = self.now();
        if let Some(deadline) = deadline.filter(|d| now > *d) {
            return Err(Error::DeadlinePassed(MarketDeadlinePassed { deadline, now }));
        }
        if amount.is_zero() {
            return Err(zero_amount());
        }
        let min = values[at::MIN_TRADE];
        if amount < min {
            return Err(Error::TradeTooSmall(MarketTradeTooSmall { amount, min }));
        }
        let cutoff = u64::try_from(values[at::CUTOFF]).unwrap_or(u64::MAX);
        if now.saturating_add(cutoff) >= expiry {
            return Err(Error::TradingClosed(MarketTradingClosed {
                boardId: board_id,
                expiry,
                cutoff,
                now,
            }));
        }
        Ok(Ticket {
            market_id: B256::from(market_id),
            board_id,
            strike_id,
            is_call,
            is_buy,
            amount,
            now,
            expiry,
            strike_wad,
            skew_wad,
            base_iv_wad,
            held: if is_call { calls } else { puts },
            listings,
        })
    }

    /// Prices `ticket` at a fresh spot: the engine's volatility and premium, then the
    /// fees; a purchase also values the pool with the trade booked (its utilization over
    /// the pool's NAV sets the utilization fee, and the caller checks the pool limits
    /// with it). The NAV is `nav` when the market passes it (it reads the vault before
    /// calling the book, which is then not on the call stack), else the vault's
    /// `totalAssets()` (a quote).
    pub(crate) fn price(
        &self,
        ticket: &Ticket,
        values: &[U256],
        nav: Option<U256>,
    ) -> Result<Priced, Error> {
        // ---- Inputs: the spot (the ticket carries the strike and its board).
        let (spot_wad, _) = self.spot(ticket.listings, ticket.market_id, true)?;
        let amount_wad = u128_of(ticket.amount)?;
        let decimals = self.decimals();
        // ---- The engine: the trade's volatility and premium, against the trader.
        let [premium, _, vol_wad, base_iv_after_wad] = split::trade_price(
            self,
            value_to_address(values[at::ENGINE]),
            &TradePriceArgs {
                spot_wad: U256::from(spot_wad),
                strike_wad: ticket.strike_wad,
                // The cut-off check left at least one second to expiry.
                seconds_to_expiry: ticket.expiry.saturating_sub(ticket.now),
                rate_wad: values[at::RATE],
                is_call: ticket.is_call,
                is_buy: ticket.is_buy,
                amount_wad: ticket.amount,
                curve: [
                    B256::from(ticket.base_iv_wad),
                    B256::from(ticket.skew_wad),
                    B256::from(values[at::IMPACT]),
                    B256::from(values[at::MIN_IV]),
                    B256::from(values[at::MAX_IV]),
                ],
                fees: [B256::ZERO; 3],
                decimals,
            },
        )
        .map_err(engine_error)?;

        // ---- Fees, against the trader.
        let mut schedule = FeeSchedule {
            spread_rate_wad: u128_of(values[at::SPREAD])?,
            spread_cap_of_premium_wad: u128_of(values[at::SPREAD_CAP])?,
            utilization_rate_wad: 0,
        };
        let mut priced = Priced {
            premium,
            fees: Fees { spread: U256::ZERO, utilization: U256::ZERO, total: U256::ZERO },
            vol_wad,
            base_iv_after_wad,
            nav: U256::ZERO,
            focus: Risk::default(),
            utilization: 0,
        };
        if ticket.is_buy {
            let pending = Pending {
                board_id: ticket.board_id,
                strike_id: ticket.strike_id,
                is_call: ticket.is_call,
                amount: ticket.amount,
                base_iv_wad: base_iv_after_wad,
            };
            let (_, required, _, focus) =
                self.pool_risk(ticket.now, values, Some(pending), ticket.market_id, false)?;
            priced.nav = if let Some(nav) = nav {
                nav
            } else {
                // A quote: `vault.totalAssets()` would read this book's views while the
                // book is on the call stack, which Stylus refuses (the vault would answer
                // its buffered last mark). Value the pool here as the vault does with a
                // fresh mark: what it holds (`heldAssets`: its cash and the options it
                // holds against shorts, read without this book) minus the book's
                // liability before the trade.
                let vault = value_to_address(values[at::VAULT]);
                let held = flows::held_assets(self, vault).ok_or_else(|| call_failed(vault))?;
                let (liability, ..) =
                    self.pool_risk(ticket.now, values, None, B256::ZERO, false)?;
                held.saturating_sub(liability)
            };
            priced.focus = focus;
            priced.utilization = utilization_wad_up(required, priced.nav).map_err(math)?;
            let fee_curve = FeeCurve {
                base_wad: u128_of(values[at::UTIL_BASE])?,
                kink_wad: u128_of(values[at::UTIL_KINK])?,
                slope_below_wad: u128_of(values[at::UTIL_BELOW])?,
                slope_above_wad: u128_of(values[at::UTIL_ABOVE])?,
            };
            schedule.utilization_rate_wad =
                utilization_fee_rate_wad_up(priced.utilization, &fee_curve).map_err(math)?;
        }
        priced.fees = fees_asset_up(spot_wad, amount_wad, priced.premium, &schedule, decimals)
            .map_err(math)?;
        if !ticket.is_buy && priced.fees.total > priced.premium {
            // A sale never costs the seller more than its premium.
            priced.fees.total = priced.premium;
        }
        Ok(priced)
    }
}
