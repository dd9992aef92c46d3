//! The events of `ShortBook`, declared once.
//!
//! An indexer rebuilds every margin account, the options the pool holds against them, the
//! short book's reserve and every trader default from these logs alone. Ids are `uint64`;
//! amounts of options are units of the underlying, 18 decimals; money is asset units.
//! Each event is encoded by hand as log words (`mutual_contract_kit::abi::LogWords`); the
//! tests assert them against their `sol!` types.

use alloy_primitives::{B256, U256};
use mutual_contract_kit::abi::LogWords;
use stylus_sdk::alloy_sol_types::{sol, SolEvent};

sol! {
    /// Emitted when `account` writes `amount` options to the pool.
    ///
    /// * `account` - The writer.
    /// * `strikeId` - The strike.
    /// * `isCall` - Calls or puts.
    /// * `amount` - The options written, 18 decimals.
    /// * `premium` - What the pool paid for them, rounded down.
    /// * `fees` - The spread fee kept by the pool (the proceeds are `premium - fees`).
    /// * `margin` - The margin the writer deposited with the sale.
    /// * `volWad` - The trade's volatility, 18 decimals.
    /// * `baseIvAfterWad` - The board's base IV after the sale, 18 decimals.
    #[derive(Debug, PartialEq, Eq)]
    event ShortOpened(address indexed account, uint64 indexed strikeId, bool isCall, uint256 amount, uint256 premium, uint256 fees, uint256 margin, uint256 volWad, uint256 baseIvAfterWad);

    /// Emitted when `account` buys `amount` written options back from the pool.
    ///
    /// * `account` - The writer.
    /// * `strikeId` - The strike.
    /// * `isCall` - Calls or puts.
    /// * `amount` - The options bought back, 18 decimals.
    /// * `premium` - What they cost, rounded up, paid from the collateral.
    /// * `fees` - The spread fee, paid from the collateral to the pool.
    /// * `volWad` - The trade's volatility, 18 decimals.
    /// * `baseIvAfterWad` - The board's base IV after the close, 18 decimals.
    #[derive(Debug, PartialEq, Eq)]
    event ShortClosed(address indexed account, uint64 indexed strikeId, bool isCall, uint256 amount, uint256 premium, uint256 fees, uint256 volWad, uint256 baseIvAfterWad);

    /// Emitted when `from` adds `amount` to `account`'s collateral.
    #[derive(Debug, PartialEq, Eq)]
    event MarginAdded(address indexed account, address indexed from, uint256 amount);

    /// Emitted when `account` takes `amount` of its collateral out to `to`, or when an
    /// account left with nothing written is paid its collateral after settlement.
    #[derive(Debug, PartialEq, Eq)]
    event MarginRemoved(address indexed account, address indexed to, uint256 amount);

    /// Emitted when `account`, below maintenance, is liquidated: every line it wrote is
    /// closed against the pool at the mark.
    ///
    /// * `account` - The liquidated writer.
    /// * `liquidator` - Who called `liquidate` and earned the bounty.
    /// * `liability` - What closing the book cost at the mark (what the pool was owed).
    /// * `bounty` - To the liquidator.
    /// * `toPool` - Of the collateral, to the pool.
    /// * `toReserve` - The rest of the penalty, to the short book's reserve.
    /// * `returned` - What was left, to the writer.
    /// * `shortfall` - The part of the liability the collateral could not pay (see
    ///   [`TraderDefault`]).
    #[derive(Debug, PartialEq, Eq)]
    event Liquidated(address indexed account, address indexed liquidator, uint256 liability, uint256 bounty, uint256 toPool, uint256 toReserve, uint256 returned, uint256 shortfall);

    /// Emitted when a writer's collateral does not pay what it owes the pool (at a
    /// liquidation or at settlement): the trader-default waterfall after the margin.
    ///
    /// * `account` - The defaulting writer.
    /// * `marketId` - Its underlying.
    /// * `shortfall` - What the collateral did not pay.
    /// * `fromReserve` - Paid by the short book's reserve (layer 2).
    /// * `covered` - Paid by the insurance fund, junior then senior (layers 3 and 4;
    ///   the fund's `LossCovered` has the tranches).
    /// * `poolLoss` - Left to the pool (layer 5): the rest, never paid.
    #[derive(Debug, PartialEq, Eq)]
    event TraderDefault(address indexed account, bytes32 indexed marketId, uint256 shortfall, uint256 fromReserve, uint256 covered, uint256 poolLoss);

    /// Emitted when a line of `account` on a settled board is settled: it owed `owed` to
    /// the pool at the settlement price and its collateral paid `paid` (the rest is a
    /// [`TraderDefault`]).
    #[derive(Debug, PartialEq, Eq)]
    event ShortSettled(address indexed account, uint64 indexed strikeId, bool isCall, uint256 amount, uint256 owed, uint256 paid);
}

/// A `uint64` or `bool` as an ABI word.
fn u(value: impl Into<u64>) -> U256 {
    U256::from(value.into())
}

/// A `uint64` as an indexed topic.
fn topic(value: u64) -> B256 {
    B256::from(U256::from(value))
}

impl LogWords for ShortOpened {
    fn with_words(self, emit: impl FnOnce(&[B256], &[U256])) {
        emit(
            &[Self::SIGNATURE_HASH, self.account.into_word(), topic(self.strikeId)],
            &[
                u(self.isCall),
                self.amount,
                self.premium,
                self.fees,
                self.margin,
                self.volWad,
                self.baseIvAfterWad,
            ],
        );
    }
}

impl LogWords for ShortClosed {
    fn with_words(self, emit: impl FnOnce(&[B256], &[U256])) {
        emit(
            &[Self::SIGNATURE_HASH, self.account.into_word(), topic(self.strikeId)],
            &[
                u(self.isCall),
                self.amount,
                self.premium,
                self.fees,
                self.volWad,
                self.baseIvAfterWad,
            ],
        );
    }
}

impl LogWords for MarginAdded {
    fn with_words(self, emit: impl FnOnce(&[B256], &[U256])) {
        emit(
            &[Self::SIGNATURE_HASH, self.account.into_word(), self.from.into_word()],
            &[self.amount],
        );
    }
}

impl LogWords for MarginRemoved {
    fn with_words(self, emit: impl FnOnce(&[B256], &[U256])) {
        emit(
            &[Self::SIGNATURE_HASH, self.account.into_word(), self.to.into_word()],
            &[self.amount],
        );
    }
}

impl LogWords for Liquidated {
    fn with_words(self, emit: impl FnOnce(&[B256], &[U256])) {
        emit(
            &[Self::SIGNATURE_HASH, self.account.into_word(), self.liquidator.into_word()],
            &[
                self.liability,
                self.bounty,
                self.toPool,
                self.toReserve,
                self.returned,
                self.shortfall,
            ],
        );
    }
}

impl LogWords for TraderDefault {
    fn with_words(self, emit: impl FnOnce(&[B256], &[U256])) {
        emit(
            &[Self::SIGNATURE_HASH, self.account.into_word(), self.marketId],
            &[self.shortfall, self.fromReserve, self.covered, self.poolLoss],
        );
    }
}

impl LogWords for ShortSettled {
    fn with_words(self, emit: impl FnOnce(&[B256], &[U256])) {
        emit(
            &[Self::SIGNATURE_HASH, self.account.into_word(), topic(self.strikeId)],
            &[u(self.isCall), self.amount, self.owed, self.paid],
        );
    }
}
