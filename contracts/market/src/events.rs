//! The events of `OptionsMarket`, declared once.
//!
//! An indexer rebuilds the listings ([`MarketListed`], [`HeartbeatSet`], [`BoardListed`],
//! [`StrikeListed`], [`BaseIvSet`], [`SkewSet`]), every position and the pool's book
//! ([`Trade`]), the fee flows ([`FeesSplit`]) and settlement ([`BoardSettled`],
//! [`Claimed`]) from these logs alone. Ids are `uint64`; times are `uint64` seconds;
//! amounts of options are units of the underlying, 18 decimals; money is asset units.
//! Each event is encoded by hand as log words (`mutual_contract_kit::abi::LogWords`); the
//! tests assert them against their `sol!` types.

use alloy_primitives::{B256, U256};
use mutual_contract_kit::abi::{data_address, LogWords};
use stylus_sdk::alloy_sol_types::{sol, SolEvent};

sol! {
    /// Emitted when `marketId` is listed with its spot feed.
    ///
    /// * `marketId` - The underlying's id.
    /// * `oracle` - The Chainlink-style spot feed.
    /// * `decimals` - The feed's decimals, read once.
    /// * `heartbeat` - The longest age of a usable answer, in seconds.
    #[derive(Debug, PartialEq, Eq)]
    event MarketListed(bytes32 indexed marketId, address oracle, uint8 decimals, uint64 heartbeat);

    /// Emitted when `marketId`'s heartbeat is tuned.
    ///
    /// * `marketId` - The underlying's id.
    /// * `heartbeat` - The new heartbeat, in seconds.
    #[derive(Debug, PartialEq, Eq)]
    event HeartbeatSet(bytes32 indexed marketId, uint64 heartbeat);

    /// Emitted when a board is listed.
    ///
    /// * `boardId` - The new board's id.
    /// * `marketId` - Its underlying.
    /// * `expiry` - Its expiry, in seconds.
    /// * `baseIvWad` - Its base implied volatility, 18 decimals.
    #[derive(Debug, PartialEq, Eq)]
    event BoardListed(uint64 indexed boardId, bytes32 indexed marketId, uint64 expiry, uint256 baseIvWad);

    /// Emitted when a strike is listed.
    ///
    /// * `strikeId` - The new strike's id.
    /// * `boardId` - Its board.
    /// * `strikeWad` - The strike price, 18 decimals.
    /// * `skewWad` - Its skew factor, 18 decimals.
    #[derive(Debug, PartialEq, Eq)]
    event StrikeListed(uint64 indexed strikeId, uint64 indexed boardId, uint256 strikeWad, uint256 skewWad);

    /// Emitted when the lister sets a board's base implied volatility (trades move it too,
    /// reported in [`Trade`]).
    ///
    /// * `boardId` - The board.
    /// * `baseIvWad` - The new base implied volatility, 18 decimals.
    #[derive(Debug, PartialEq, Eq)]
    event BaseIvSet(uint64 indexed boardId, uint256 baseIvWad);

    /// Emitted when the lister sets a strike's skew.
    ///
    /// * `strikeId` - The strike.
    /// * `skewWad` - The new skew factor, 18 decimals.
    #[derive(Debug, PartialEq, Eq)]
    event SkewSet(uint64 indexed strikeId, uint256 skewWad);

    /// Emitted for every trade with the pool.
    ///
    /// * `trader` - The buyer or seller.
    /// * `strikeId` - The strike.
    /// * `positionId` - The trader's position of that strike and side.
    /// * `isCall` - Calls or puts.
    /// * `isBuy` - A purchase from the pool, or a sale back to it.
    /// * `amount` - The options traded, 18 decimals.
    /// * `premium` - The premium, asset units (charged rounded up, paid rounded down).
    /// * `fees` - The fees, asset units (rounded up).
    /// * `volWad` - The volatility the trade was priced at, 18 decimals.
    /// * `baseIvAfterWad` - The board's base implied volatility after the trade.
    #[derive(Debug, PartialEq, Eq)]
    event Trade(
        address indexed trader,
        uint64 indexed strikeId,
        uint64 indexed positionId,
        bool isCall,
        bool isBuy,
        uint256 amount,
        uint256 premium,
        uint256 fees,
        uint256 volWad,
        uint256 baseIvAfterWad
    );

    /// Emitted when a trade's fees are split: the parts sum to the fees exactly.
    ///
    /// * `marketId` - The underlying.
    /// * `toVault` - The LPs' part, asset units.
    /// * `toInsurance` - The insurance fund's part (`incomeShareWad`).
    /// * `toReserve` - The market's reserve's part.
    /// * `toTreasury` - The treasury's part.
    #[derive(Debug, PartialEq, Eq)]
    event FeesSplit(
        bytes32 indexed marketId,
        uint256 toVault,
        uint256 toInsurance,
        uint256 toReserve,
        uint256 toTreasury
    );

    /// Emitted once per board when its settlement price is recorded (fixed for good).
    ///
    /// * `boardId` - The board.
    /// * `roundId` - The oracle round: the first valid one at or after the expiry.
    /// * `priceWad` - The settlement price, 18 decimals.
    /// * `owed` - What the board's longs are owed, asset units.
    /// * `retained` - What the pool paid within its retention.
    /// * `covered` - What the insurance fund's excess-of-loss cover paid.
    /// * `beyondCover` - What the pool paid beyond the cover.
    /// * `haircut` - What nobody could pay: longs are paid `(owed - haircut) / owed` of
    ///   their payout.
    /// * `bounty` - What the settler earned from the market's reserve.
    #[derive(Debug, PartialEq, Eq)]
    event BoardSettled(
        uint64 indexed boardId,
        uint256 roundId,
        uint256 priceWad,
        uint256 owed,
        uint256 retained,
        uint256 covered,
        uint256 beyondCover,
        uint256 haircut,
        uint256 bounty
    );

    /// Emitted when a position's settlement payout is claimed (once per position).
    ///
    /// * `positionId` - The position.
    /// * `owner` - Its holder, who received the payout.
    /// * `payout` - The payout, asset units (rounded down, after any haircut).
    #[derive(Debug, PartialEq, Eq)]
    event Claimed(uint64 indexed positionId, address indexed owner, uint256 payout);
}

/// An unsigned integer as a word.
fn u(value: impl Into<u64>) -> U256 {
    U256::from(value.into())
}

/// An unsigned integer as a topic.
fn topic(value: u64) -> B256 {
    B256::from(U256::from(value))
}

impl LogWords for MarketListed {
    fn with_words(self, emit: impl FnOnce(&[B256], &[U256])) {
        emit(
            &[Self::SIGNATURE_HASH, self.marketId],
            &[data_address(self.oracle), u(self.decimals), u(self.heartbeat)],
        );
    }
}

impl LogWords for HeartbeatSet {
    fn with_words(self, emit: impl FnOnce(&[B256], &[U256])) {
        emit(&[Self::SIGNATURE_HASH, self.marketId], &[u(self.heartbeat)]);
    }
}

impl LogWords for BoardListed {
    fn with_words(self, emit: impl FnOnce(&[B256], &[U256])) {
        emit(
            &[Self::SIGNATURE_HASH, topic(self.boardId), self.marketId],
            &[u(self.expiry), self.baseIvWad],
        );
    }
}

impl LogWords for StrikeListed {
    fn with_words(self, emit: impl FnOnce(&[B256], &[U256])) {
        emit(
            &[Self::SIGNATURE_HASH, topic(self.strikeId), topic(self.boardId)],
            &[self.strikeWad, self.skewWad],
        );
    }
}

impl LogWords for BaseIvSet {
    fn with_words(self, emit: impl FnOnce(&[B256], &[U256])) {
        emit(&[Self::SIGNATURE_HASH, topic(self.boardId)], &[self.baseIvWad]);
    }
}

impl LogWords for SkewSet {
    fn with_words(self, emit: impl FnOnce(&[B256], &[U256])) {
        emit(&[Self::SIGNATURE_HASH, topic(self.strikeId)], &[self.skewWad]);
    }
}

impl LogWords for Trade {
    fn with_words(self, emit: impl FnOnce(&[B256], &[U256])) {
        emit(
            &[
                Self::SIGNATURE_HASH,
                self.trader.into_word(),
                topic(self.strikeId),
                topic(self.positionId),
            ],
            &[
                u(self.isCall),
                u(self.isBuy),
                self.amount,
                self.premium,
                self.fees,
                self.volWad,
                self.baseIvAfterWad,
            ],
        );
    }
}

impl LogWords for FeesSplit {
    fn with_words(self, emit: impl FnOnce(&[B256], &[U256])) {
        emit(
            &[Self::SIGNATURE_HASH, self.marketId],
            &[self.toVault, self.toInsurance, self.toReserve, self.toTreasury],
        );
    }
}

impl LogWords for BoardSettled {
    fn with_words(self, emit: impl FnOnce(&[B256], &[U256])) {
        emit(
            &[Self::SIGNATURE_HASH, topic(self.boardId)],
            &[
                self.roundId,
                self.priceWad,
                self.owed,
                self.retained,
                self.covered,
                self.beyondCover,
                self.haircut,
                self.bounty,
            ],
        );
    }
}

impl LogWords for Claimed {
    fn with_words(self, emit: impl FnOnce(&[B256], &[U256])) {
        emit(
            &[Self::SIGNATURE_HASH, topic(self.positionId), self.owner.into_word()],
            &[self.payout],
        );
    }
}
