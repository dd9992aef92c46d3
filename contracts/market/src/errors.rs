//! The errors of `OptionsMarket`: one `sol!` block, EIP-6093 style, each carrying the
//! offending values.

use alloc::vec::Vec;

use alloy_primitives::{Address, B256, I256};
use mutual_contract_kit::abi::{revert_data as encode, word as w, word_address as a, word_u64};
use stylus_sdk::alloy_sol_types::{sol, SolError};

sol! {
    /// Thrown when an address argument is zero where it cannot be (the constructor's asset
    /// or governance, a market's oracle).
    #[derive(Debug, PartialEq, Eq)]
    error MarketInvalidAddress(address account);

    /// Thrown when `account` lacks `role`: `keccak256("LISTER")` for listing and tuning
    /// calls (the address under `market.lister`), `keccak256("MARKET")` for the book's
    /// `trade` and `settleBoard` (`mutual.market`), `keccak256("BOOK")` for the listings'
    /// `recordTrade` and `settleBoard` (`market.book`).
    #[derive(Debug, PartialEq, Eq)]
    error MarketUnauthorizedAccount(address account, bytes32 role);

    /// Thrown by `buy` and `sell` while governance reports `scope`
    /// (`keccak256("mutual.market")`) paused, by its own pause or the protocol's.
    #[derive(Debug, PartialEq, Eq)]
    error MarketPaused(bytes32 scope);

    /// Thrown when `marketId` was never listed (or, by `listMarket`, is zero).
    #[derive(Debug, PartialEq, Eq)]
    error MarketUnknownMarket(bytes32 marketId);

    /// Thrown by `listMarket` when `marketId` is already listed.
    #[derive(Debug, PartialEq, Eq)]
    error MarketAlreadyListed(bytes32 marketId);

    /// Thrown when `boardId` was never listed.
    #[derive(Debug, PartialEq, Eq)]
    error MarketUnknownBoard(uint64 boardId);

    /// Thrown when `strikeId` was never listed.
    #[derive(Debug, PartialEq, Eq)]
    error MarketUnknownStrike(uint64 strikeId);

    /// Thrown when `positionId` was never opened.
    #[derive(Debug, PartialEq, Eq)]
    error MarketUnknownPosition(uint64 positionId);

    /// Thrown by a listing when the market, its live boards or a board's strikes would
    /// exceed their limit `max` (`MAX_MARKETS`, `MAX_LIVE_BOARDS`, `MAX_STRIKES`).
    #[derive(Debug, PartialEq, Eq)]
    error MarketTooMany(uint32 count, uint32 max);

    /// Thrown by a listing or a tuning when `value` is outside `[min, max]`, the bounds of
    /// governance key `key` (for an expiry: `market.maxTenor`, in absolute seconds).
    #[derive(Debug, PartialEq, Eq)]
    error MarketOutOfBounds(bytes32 key, uint256 value, uint256 min, uint256 max);

    /// Thrown by `listMarket` when the feed's `decimals` exceed 18.
    #[derive(Debug, PartialEq, Eq)]
    error MarketInvalidDecimals(address oracle, uint8 decimals);

    /// Thrown when a trade amount is zero.
    #[derive(Debug, PartialEq, Eq)]
    error MarketZeroAmount();

    /// Thrown when a trade arrives after its `deadline`.
    #[derive(Debug, PartialEq, Eq)]
    error MarketDeadlinePassed(uint64 deadline, uint64 now);

    /// Thrown when a trade's `amount` is below `market.minTradeWad`, `min`.
    #[derive(Debug, PartialEq, Eq)]
    error MarketTradeTooSmall(uint256 amount, uint256 min);

    /// Thrown when a board no longer trades: `now + cutoff >= expiry`.
    #[derive(Debug, PartialEq, Eq)]
    error MarketTradingClosed(uint64 boardId, uint64 expiry, uint64 cutoff, uint64 now);

    /// Thrown by `buy` when the calls (or puts) of `strikeId` the pool has written would
    /// reach `openInterest`, above `market.maxStrikeOiWad`, `cap`.
    #[derive(Debug, PartialEq, Eq)]
    error MarketOpenInterestCap(uint64 strikeId, uint256 openInterest, uint256 cap);

    /// Thrown by `buy` when the premium plus fees, `cost`, exceed `maxCost`.
    #[derive(Debug, PartialEq, Eq)]
    error MarketCostAboveMax(uint256 cost, uint256 maxCost);

    /// Thrown by `sell` when the premium net of fees, `proceeds`, is below `minProceeds`.
    #[derive(Debug, PartialEq, Eq)]
    error MarketProceedsBelowMin(uint256 proceeds, uint256 minProceeds);

    /// Thrown by `sell` when the caller's position `positionId` holds `held`, less than
    /// `amount`.
    #[derive(Debug, PartialEq, Eq)]
    error MarketInsufficientPosition(uint64 positionId, uint256 amount, uint256 held);

    /// Thrown by `buy` when the stressed loss of `marketId`'s pool book after the trade,
    /// `stressedLoss` (asset units), exceeds `capacity`:
    /// `NAV * market.poolStressLimitWad + fundAssets * market.insuranceCreditWad`.
    #[derive(Debug, PartialEq, Eq)]
    error MarketStressLimitExceeded(bytes32 marketId, uint256 stressedLoss, uint256 capacity);

    /// Thrown by `buy` when the insurance coverage of `marketId` after the trade,
    /// `coverage` (fund assets over the stressed loss, 18 decimals), is below `floor`
    /// (`market.minCoverageWad`).
    #[derive(Debug, PartialEq, Eq)]
    error MarketCoverageBelowFloor(bytes32 marketId, uint256 coverage, uint256 floor);

    /// Thrown by `buy` when the pool's utilization after the trade, `utilization` (the
    /// required collateral over the NAV, 18 decimals), exceeds `cap`
    /// (`market.maxUtilizationWad`).
    #[derive(Debug, PartialEq, Eq)]
    error MarketUtilizationAboveCap(uint256 utilization, uint256 cap);

    /// Thrown by `buy` when the net delta of `marketId`'s pool book after the trade,
    /// `netDeltaWad` (units of the underlying, 18 decimals; negative when the pool is short
    /// the underlying), exceeds `capWad` (`market.maxNetDeltaWad`) in magnitude.
    #[derive(Debug, PartialEq, Eq)]
    error MarketNetDeltaAboveCap(bytes32 marketId, int256 netDeltaWad, uint256 capWad);

    /// Thrown by `buy` when the net vega of `marketId`'s pool book after the trade,
    /// `netVegaWad` (18-decimal units of the spot's price per 1.00 of volatility; negative
    /// when the pool is short volatility), exceeds `capWad` (`market.maxNetVegaWad`) in
    /// magnitude.
    #[derive(Debug, PartialEq, Eq)]
    error MarketNetVegaAboveCap(bytes32 marketId, int256 netVegaWad, uint256 capWad);

    /// Thrown when a call to `feed` (a spot oracle or the sequencer feed) reverts or
    /// answers malformed data.
    #[derive(Debug, PartialEq, Eq)]
    error MarketOracleCallFailed(address feed);

    /// Thrown when `marketId`'s oracle answers a non-positive `answer`, or one beyond the
    /// pricer's range once scaled to 18 decimals.
    #[derive(Debug, PartialEq, Eq)]
    error MarketInvalidPrice(bytes32 marketId, int256 answer);

    /// Thrown when `marketId`'s latest round is incomplete: `updatedAt` is 0 or
    /// `answeredInRound` is below `roundId`.
    #[derive(Debug, PartialEq, Eq)]
    error MarketIncompleteRound(
        bytes32 marketId,
        uint256 roundId,
        uint256 updatedAt,
        uint256 answeredInRound
    );

    /// Thrown when `marketId`'s latest answer, of `updatedAt`, is older than its
    /// `heartbeat` at `now`.
    #[derive(Debug, PartialEq, Eq)]
    error MarketStalePrice(bytes32 marketId, uint256 updatedAt, uint64 heartbeat, uint64 now);

    /// Thrown by trades while the sequencer-uptime `feed` reports the sequencer down.
    #[derive(Debug, PartialEq, Eq)]
    error MarketSequencerDown(address feed);

    /// Thrown by trades while the sequencer, up since `upSince`, is within its grace
    /// period `grace` (`market.sequencerGrace`) at `now`.
    #[derive(Debug, PartialEq, Eq)]
    error MarketSequencerGracePeriod(uint256 upSince, uint64 grace, uint64 now);

    /// Thrown by `settle` before the board's `expiry`.
    #[derive(Debug, PartialEq, Eq)]
    error MarketNotExpired(uint64 boardId, uint64 expiry, uint64 now);

    /// Thrown by `settle` for a board already settled (the price is fixed once recorded).
    #[derive(Debug, PartialEq, Eq)]
    error MarketAlreadySettled(uint64 boardId);

    /// Thrown by `settle` when `roundId` is not the first valid round at or after the
    /// expiry: it is incomplete or non-positive, updated at `updatedAt` before the expiry,
    /// or the round before it, updated at `previousUpdatedAt`, is already at or after it.
    #[derive(Debug, PartialEq, Eq)]
    error MarketInvalidSettlementRound(
        uint64 boardId,
        uint256 roundId,
        uint256 updatedAt,
        uint256 previousUpdatedAt
    );

    /// Thrown by `claim` when the position's board is not settled yet.
    #[derive(Debug, PartialEq, Eq)]
    error MarketNotSettled(uint64 boardId);

    /// Thrown by `claim` when `positionId` has been claimed, in an earlier call or earlier
    /// in the same batch (a duplicate id): each position pays once.
    #[derive(Debug, PartialEq, Eq)]
    error MarketAlreadyClaimed(uint64 positionId);

    /// Thrown by `sell` when the vault paid `paid`, less than the `requested` premium.
    #[derive(Debug, PartialEq, Eq)]
    error MarketPoolCashShort(uint256 requested, uint256 paid);

    /// Thrown when a call to `target` (governance, the vault, the insurance fund) reverts
    /// or answers malformed data; for governance, also an unregistered key.
    #[derive(Debug, PartialEq, Eq)]
    error MarketCallFailed(address target);

    /// Thrown when a call to the asset `token` reverts or returns `false`.
    #[derive(Debug, PartialEq, Eq)]
    error MarketTokenCallFailed(address token);

    /// Thrown when a price, a fee or a sum overflows, or pricing inputs leave the pure
    /// crate's domain (`code`: `mutual_risk::MathError::code`, 1 for an overflow).
    #[derive(Debug, PartialEq, Eq)]
    error MarketMathError(uint8 code);
}

/// Every error of `OptionsMarket`.
///
/// Its revert data is encoded by hand (the `From<Error> for Vec<u8>` impl below, through
/// `mutual_contract_kit::abi`): every field is a static ABI type, so an error is its
/// selector and one word per field, and one small encoder serves all variants. A test checks each variant against
/// `SolError::abi_encode`.
///
/// Shared by `OptionsMarket` and `OptionBook` (the book includes this file), so an error
/// the book raises reaches the trader through the market byte for byte
/// ([`Error::Forwarded`]). Two errors are equal when their revert data are.
#[derive(Clone, Debug)]
#[allow(missing_docs, reason = "each variant is its `sol!` error, documented above")]
pub enum Error {
    InvalidAddress(MarketInvalidAddress),
    UnauthorizedAccount(MarketUnauthorizedAccount),
    Paused(MarketPaused),
    UnknownMarket(MarketUnknownMarket),
    AlreadyListed(MarketAlreadyListed),
    UnknownBoard(MarketUnknownBoard),
    UnknownStrike(MarketUnknownStrike),
    UnknownPosition(MarketUnknownPosition),
    TooMany(MarketTooMany),
    OutOfBounds(MarketOutOfBounds),
    InvalidDecimals(MarketInvalidDecimals),
    ZeroAmount(MarketZeroAmount),
    DeadlinePassed(MarketDeadlinePassed),
    TradeTooSmall(MarketTradeTooSmall),
    TradingClosed(MarketTradingClosed),
    OpenInterestCap(MarketOpenInterestCap),
    CostAboveMax(MarketCostAboveMax),
    ProceedsBelowMin(MarketProceedsBelowMin),
    InsufficientPosition(MarketInsufficientPosition),
    StressLimitExceeded(MarketStressLimitExceeded),
    CoverageBelowFloor(MarketCoverageBelowFloor),
    UtilizationAboveCap(MarketUtilizationAboveCap),
    NetDeltaAboveCap(MarketNetDeltaAboveCap),
    NetVegaAboveCap(MarketNetVegaAboveCap),
    OracleCallFailed(MarketOracleCallFailed),
    InvalidPrice(MarketInvalidPrice),
    IncompleteRound(MarketIncompleteRound),
    StalePrice(MarketStalePrice),
    SequencerDown(MarketSequencerDown),
    SequencerGracePeriod(MarketSequencerGracePeriod),
    NotExpired(MarketNotExpired),
    AlreadySettled(MarketAlreadySettled),
    InvalidSettlementRound(MarketInvalidSettlementRound),
    NotSettled(MarketNotSettled),
    AlreadyClaimed(MarketAlreadyClaimed),
    PoolCashShort(MarketPoolCashShort),
    CallFailed(MarketCallFailed),
    TokenCallFailed(MarketTokenCallFailed),
    MathError(MarketMathError),
    /// A callee's revert data, forwarded as this program's own: the book's `Market*` errors
    /// through the market, the engine's `Engine*` errors through the book.
    Forwarded(Vec<u8>),
}

impl PartialEq for Error {
    fn eq(&self, other: &Self) -> bool {
        Vec::<u8>::from(self.clone()) == Vec::<u8>::from(other.clone())
    }
}

impl Eq for Error {}

/// An unsigned integer as an ABI word.
fn n(value: impl Into<u64>) -> B256 {
    word_u64(value.into())
}

/// An `int256` as an ABI word (two's complement).
fn i(value: I256) -> B256 {
    B256::from(value.into_raw())
}

impl From<Error> for Vec<u8> {
    #[allow(clippy::enum_glob_use, reason = "one arm per variant")]
    fn from(error: Error) -> Vec<u8> {
        use Error::*;
        match error {
            InvalidAddress(e) => encode(MarketInvalidAddress::SELECTOR, &[a(e.account)]),
            UnauthorizedAccount(e) => {
                encode(MarketUnauthorizedAccount::SELECTOR, &[a(e.account), e.role])
            }
            Paused(e) => encode(MarketPaused::SELECTOR, &[e.scope]),
            UnknownMarket(e) => encode(MarketUnknownMarket::SELECTOR, &[e.marketId]),
            AlreadyListed(e) => encode(MarketAlreadyListed::SELECTOR, &[e.marketId]),
            UnknownBoard(e) => encode(MarketUnknownBoard::SELECTOR, &[n(e.boardId)]),
            UnknownStrike(e) => encode(MarketUnknownStrike::SELECTOR, &[n(e.strikeId)]),
            UnknownPosition(e) => encode(MarketUnknownPosition::SELECTOR, &[n(e.positionId)]),
            TooMany(e) => encode(MarketTooMany::SELECTOR, &[n(e.count), n(e.max)]),
            OutOfBounds(e) => {
                encode(MarketOutOfBounds::SELECTOR, &[e.key, w(e.value), w(e.min), w(e.max)])
            }
            InvalidDecimals(e) => {
                encode(MarketInvalidDecimals::SELECTOR, &[a(e.oracle), n(e.decimals)])
            }
            ZeroAmount(_) => encode(MarketZeroAmount::SELECTOR, &[]),
            DeadlinePassed(e) => encode(MarketDeadlinePassed::SELECTOR, &[n(e.deadline), n(e.now)]),
            TradeTooSmall(e) => encode(MarketTradeTooSmall::SELECTOR, &[w(e.amount), w(e.min)]),
            TradingClosed(e) => encode(
                MarketTradingClosed::SELECTOR,
                &[n(e.boardId), n(e.expiry), n(e.cutoff), n(e.now)],
            ),
            OpenInterestCap(e) => encode(
                MarketOpenInterestCap::SELECTOR,
                &[n(e.strikeId), w(e.openInterest), w(e.cap)],
            ),
            CostAboveMax(e) => encode(MarketCostAboveMax::SELECTOR, &[w(e.cost), w(e.maxCost)]),
            ProceedsBelowMin(e) => {
                encode(MarketProceedsBelowMin::SELECTOR, &[w(e.proceeds), w(e.minProceeds)])
            }
            InsufficientPosition(e) => encode(
                MarketInsufficientPosition::SELECTOR,
                &[n(e.positionId), w(e.amount), w(e.held)],
            ),
            StressLimitExceeded(e) => encode(
                MarketStressLimitExceeded::SELECTOR,
                &[e.marketId, w(e.stressedLoss), w(e.capacity)],
            ),
            CoverageBelowFloor(e) => {
                encode(MarketCoverageBelowFloor::SELECTOR, &[e.marketId, w(e.coverage), w(e.floor)])
            }
            UtilizationAboveCap(e) => {
                encode(MarketUtilizationAboveCap::SELECTOR, &[w(e.utilization), w(e.cap)])
            }
            NetDeltaAboveCap(e) => encode(
                MarketNetDeltaAboveCap::SELECTOR,
                &[e.marketId, i(e.netDeltaWad), w(e.capWad)],
            ),
            NetVegaAboveCap(e) => {
                encode(MarketNetVegaAboveCap::SELECTOR, &[e.marketId, i(e.netVegaWad), w(e.capWad)])
            }
            OracleCallFailed(e) => encode(MarketOracleCallFailed::SELECTOR, &[a(e.feed)]),
            InvalidPrice(e) => encode(MarketInvalidPrice::SELECTOR, &[e.marketId, i(e.answer)]),
            IncompleteRound(e) => encode(
                MarketIncompleteRound::SELECTOR,
                &[e.marketId, w(e.roundId), w(e.updatedAt), w(e.answeredInRound)],
            ),
            StalePrice(e) => encode(
                MarketStalePrice::SELECTOR,
                &[e.marketId, w(e.updatedAt), n(e.heartbeat), n(e.now)],
            ),
            SequencerDown(e) => encode(MarketSequencerDown::SELECTOR, &[a(e.feed)]),
            SequencerGracePeriod(e) => {
                encode(MarketSequencerGracePeriod::SELECTOR, &[w(e.upSince), n(e.grace), n(e.now)])
            }
            NotExpired(e) => {
                encode(MarketNotExpired::SELECTOR, &[n(e.boardId), n(e.expiry), n(e.now)])
            }
            AlreadySettled(e) => encode(MarketAlreadySettled::SELECTOR, &[n(e.boardId)]),
            InvalidSettlementRound(e) => encode(
                MarketInvalidSettlementRound::SELECTOR,
                &[n(e.boardId), w(e.roundId), w(e.updatedAt), w(e.previousUpdatedAt)],
            ),
            NotSettled(e) => encode(MarketNotSettled::SELECTOR, &[n(e.boardId)]),
            AlreadyClaimed(e) => encode(MarketAlreadyClaimed::SELECTOR, &[n(e.positionId)]),
            PoolCashShort(e) => encode(MarketPoolCashShort::SELECTOR, &[w(e.requested), w(e.paid)]),
            CallFailed(e) => encode(MarketCallFailed::SELECTOR, &[a(e.target)]),
            TokenCallFailed(e) => encode(MarketTokenCallFailed::SELECTOR, &[a(e.token)]),
            MathError(e) => encode(MarketMathError::SELECTOR, &[n(e.code)]),
            Forwarded(data) => data,
        }
    }
}

/// Lists the errors in the exported Solidity interface, as the `SolidityError` derive does.
#[cfg(feature = "export-abi")]
impl stylus_sdk::abi::export::internal::InnerTypes for Error {
    fn inner_types() -> Vec<stylus_sdk::abi::export::internal::InnerType> {
        use alloc::format;
        use core::any::TypeId;

        use stylus_sdk::abi::export::internal::InnerType;

        /// One `error ...;` declaration.
        fn declare<E: SolError + 'static>() -> InnerType {
            InnerType {
                name: format!("error {};", E::SIGNATURE.replace(',', ", ")),
                id: TypeId::of::<E>(),
            }
        }

        alloc::vec![
            declare::<MarketInvalidAddress>(),
            declare::<MarketUnauthorizedAccount>(),
            declare::<MarketPaused>(),
            declare::<MarketUnknownMarket>(),
            declare::<MarketAlreadyListed>(),
            declare::<MarketUnknownBoard>(),
            declare::<MarketUnknownStrike>(),
            declare::<MarketUnknownPosition>(),
            declare::<MarketTooMany>(),
            declare::<MarketOutOfBounds>(),
            declare::<MarketInvalidDecimals>(),
            declare::<MarketZeroAmount>(),
            declare::<MarketDeadlinePassed>(),
            declare::<MarketTradeTooSmall>(),
            declare::<MarketTradingClosed>(),
            declare::<MarketOpenInterestCap>(),
            declare::<MarketCostAboveMax>(),
            declare::<MarketProceedsBelowMin>(),
            declare::<MarketInsufficientPosition>(),
            declare::<MarketStressLimitExceeded>(),
            declare::<MarketCoverageBelowFloor>(),
            declare::<MarketUtilizationAboveCap>(),
            declare::<MarketNetDeltaAboveCap>(),
            declare::<MarketNetVegaAboveCap>(),
            declare::<MarketOracleCallFailed>(),
            declare::<MarketInvalidPrice>(),
            declare::<MarketIncompleteRound>(),
            declare::<MarketStalePrice>(),
            declare::<MarketSequencerDown>(),
            declare::<MarketSequencerGracePeriod>(),
            declare::<MarketNotExpired>(),
            declare::<MarketAlreadySettled>(),
            declare::<MarketInvalidSettlementRound>(),
            declare::<MarketNotSettled>(),
            declare::<MarketAlreadyClaimed>(),
            declare::<MarketPoolCashShort>(),
            declare::<MarketCallFailed>(),
            declare::<MarketTokenCallFailed>(),
            declare::<MarketMathError>(),
        ]
    }
}

/// `MarketZeroAmount()`.
pub(crate) fn zero_amount() -> Error {
    Error::ZeroAmount(MarketZeroAmount {})
}

/// `MarketCallFailed(target)`.
pub(crate) fn call_failed(target: Address) -> Error {
    Error::CallFailed(MarketCallFailed { target })
}

/// `MarketTokenCallFailed(token)`.
pub(crate) fn token_failed(token: Address) -> Error {
    Error::TokenCallFailed(MarketTokenCallFailed { token })
}

/// `MarketOracleCallFailed(feed)`.
pub(crate) fn oracle_failed(feed: Address) -> Error {
    Error::OracleCallFailed(MarketOracleCallFailed { feed })
}

/// `MarketMathError(code)` for a pure-crate error (`MathError::code`).
pub(crate) fn math(error: mutual_risk::MathError) -> Error {
    Error::MathError(MarketMathError { code: error.code() })
}

/// `MarketMathError(1)`: an overflow.
pub(crate) fn overflow() -> Error {
    math(mutual_risk::MathError::Overflow)
}
