//! The errors of `ShortBook` and `MarginEngine` (which includes this file, so that its
//! refusals reach a trader through the short book byte for byte): one `sol!` block,
//! EIP-6093 style, each carrying the offending values. The listings' and the risk engine's
//! refusals (a stale or invalid price, an unknown strike, an input outside the pricer's
//! domain) reach the caller unchanged as their `Market*` and `Engine*` errors
//! ([`Error::Forwarded`]).

use alloc::vec::Vec;

use alloy_primitives::{Address, B256};
use mutual_contract_kit::abi::{revert_data as encode, word as w, word_address as a, word_u64};
use stylus_sdk::alloy_sol_types::{sol, SolError};

sol! {
    /// Thrown by the constructor when `asset` or `governance` is zero, and by `addMargin`
    /// for the zero account.
    #[derive(Debug, PartialEq, Eq)]
    error ShortBookInvalidAddress(address account);

    /// Thrown while governance reports `scope` (`keccak256("mutual.market")`) paused, by
    /// its own pause or the protocol's: short sales, closes, margin removal, liquidations.
    #[derive(Debug, PartialEq, Eq)]
    error ShortBookPaused(bytes32 scope);

    /// Thrown when an amount of options or of margin is zero.
    #[derive(Debug, PartialEq, Eq)]
    error ShortBookZeroAmount();

    /// Thrown when a trade arrives after its `deadline`.
    #[derive(Debug, PartialEq, Eq)]
    error ShortBookDeadlinePassed(uint64 deadline, uint64 now);

    /// Thrown when a trade's `amount` is below `market.minTradeWad`, `min`.
    #[derive(Debug, PartialEq, Eq)]
    error ShortBookTradeTooSmall(uint256 amount, uint256 min);

    /// Thrown when a board no longer trades: `now + cutoff >= expiry`.
    #[derive(Debug, PartialEq, Eq)]
    error ShortBookTradingClosed(uint64 boardId, uint64 expiry, uint64 cutoff, uint64 now);

    /// Thrown by `sellShort` when the options written of `strikeId`'s side over all
    /// accounts would reach `openInterest`, above `market.maxStrikeOiWad`, `cap`.
    #[derive(Debug, PartialEq, Eq)]
    error ShortBookOpenInterestCap(uint64 strikeId, uint256 openInterest, uint256 cap);

    /// Thrown by `sellShort` when the pool would pay `proceeds`, below `minProceeds`.
    #[derive(Debug, PartialEq, Eq)]
    error ShortBookProceedsBelowMin(uint256 proceeds, uint256 minProceeds);

    /// Thrown by `closeShort` when buying back would cost `cost`, above `maxCost`.
    #[derive(Debug, PartialEq, Eq)]
    error ShortBookCostAboveMax(uint256 cost, uint256 maxCost);

    /// Thrown by `closeShort` when `account` has written only `held` of the `amount` to
    /// close.
    #[derive(Debug, PartialEq, Eq)]
    error ShortBookInsufficientShort(address account, uint64 strikeId, bool isCall, uint256 amount, uint256 held);

    /// Thrown when `account`'s `collateral` would fall below `required`: the liability
    /// plus the initial margin (`sellShort`, `removeMargin`).
    #[derive(Debug, PartialEq, Eq)]
    error ShortBookInsufficientMargin(address account, uint256 collateral, uint256 required);

    /// Thrown when `account` would pay `amount` but holds only `collateral`
    /// (`removeMargin`, `closeShort`).
    #[derive(Debug, PartialEq, Eq)]
    error ShortBookInsufficientCollateral(address account, uint256 amount, uint256 collateral);

    /// Thrown by `sellShort` when `account` would write more than `max` lines (strike and
    /// side), or the book more than `max` lines over all accounts.
    #[derive(Debug, PartialEq, Eq)]
    error ShortBookTooManyLines(address account, uint32 count, uint32 max);

    /// Thrown by `sellShort` when `account` already writes options on `accountMarket`, not
    /// `marketId`: one account margins one underlying.
    #[derive(Debug, PartialEq, Eq)]
    error ShortBookMarketMismatch(address account, bytes32 accountMarket, bytes32 marketId);

    /// Thrown by `liquidate` when `account`'s `collateral` covers `requirement`, its
    /// liability plus the maintenance margin.
    #[derive(Debug, PartialEq, Eq)]
    error ShortBookHealthy(address account, uint256 collateral, uint256 requirement);

    /// Thrown by `liquidate` when `account`, below maintenance, has lines on settled boards
    /// owing `dues`: those are settled (`settleAccount`, no penalty) before the account
    /// may be liquidated for what is left.
    #[derive(Debug, PartialEq, Eq)]
    error ShortBookSettleFirst(address account, uint256 dues);

    /// Thrown by `settleAccount` when no line of `account` is on a settled board.
    #[derive(Debug, PartialEq, Eq)]
    error ShortBookNothingToSettle(address account);

    /// Thrown by `sellShort` when the vault paid `paid` of the `requested` premium.
    #[derive(Debug, PartialEq, Eq)]
    error ShortBookPoolCashShort(uint256 requested, uint256 paid);

    /// Thrown by `sellShort` when paying `proceeds` would take the pool's cash below the
    /// collateral its written options lock (`OptionsMarket.requiredCollateral`): only
    /// `free` is beyond it.
    #[derive(Debug, PartialEq, Eq)]
    error ShortBookCollateralLocked(uint256 proceeds, uint256 free);

    /// Thrown when a call to governance, the vault or the insurance fund fails, or a
    /// market address the short book needs is not registered (`target` zero).
    #[derive(Debug, PartialEq, Eq)]
    error ShortBookCallFailed(address target);

    /// Thrown when a call to the asset (or a sequencer feed) fails or returns false.
    #[derive(Debug, PartialEq, Eq)]
    error ShortBookTokenCallFailed(address token);

    /// Thrown when the sequencer-uptime `feed` reports the sequencer down.
    #[derive(Debug, PartialEq, Eq)]
    error ShortBookSequencerDown(address feed);

    /// Thrown within `grace` seconds of the sequencer coming back up at `upSince`.
    #[derive(Debug, PartialEq, Eq)]
    error ShortBookSequencerGracePeriod(uint256 upSince, uint64 grace, uint64 now);

    /// Thrown by `MarginEngine` when a list of lines is not `[key, amount]` pairs.
    #[derive(Debug, PartialEq, Eq)]
    error ShortBookInvalidLength(uint256 length);

    /// Thrown when an amount overflows or the pure crate refuses an input outside its
    /// domain (`code`: `mutual_risk::MathError::code`, 1 for an overflow).
    #[derive(Debug, PartialEq, Eq)]
    error ShortBookMathError(uint8 code);
}

/// Every error of `ShortBook`.
///
/// Its revert data is encoded by hand (the `From<Error> for Vec<u8>` impl below): every
/// field is a static ABI type, so an error is its selector and one word per field. A test
/// checks each variant against `SolError::abi_encode`. Two errors are equal when their
/// revert data are.
#[derive(Clone, Debug)]
#[allow(missing_docs, reason = "each variant is its `sol!` error, documented above")]
pub enum Error {
    InvalidAddress(ShortBookInvalidAddress),
    Paused(ShortBookPaused),
    ZeroAmount(ShortBookZeroAmount),
    DeadlinePassed(ShortBookDeadlinePassed),
    TradeTooSmall(ShortBookTradeTooSmall),
    TradingClosed(ShortBookTradingClosed),
    OpenInterestCap(ShortBookOpenInterestCap),
    ProceedsBelowMin(ShortBookProceedsBelowMin),
    CostAboveMax(ShortBookCostAboveMax),
    InsufficientShort(ShortBookInsufficientShort),
    InsufficientMargin(ShortBookInsufficientMargin),
    InsufficientCollateral(ShortBookInsufficientCollateral),
    TooManyLines(ShortBookTooManyLines),
    MarketMismatch(ShortBookMarketMismatch),
    Healthy(ShortBookHealthy),
    SettleFirst(ShortBookSettleFirst),
    NothingToSettle(ShortBookNothingToSettle),
    PoolCashShort(ShortBookPoolCashShort),
    CollateralLocked(ShortBookCollateralLocked),
    CallFailed(ShortBookCallFailed),
    TokenCallFailed(ShortBookTokenCallFailed),
    SequencerDown(ShortBookSequencerDown),
    SequencerGracePeriod(ShortBookSequencerGracePeriod),
    InvalidLength(ShortBookInvalidLength),
    MathError(ShortBookMathError),
    /// A callee's revert data, forwarded as this program's own: the listings' `Market*`
    /// errors and the engine's `Engine*` errors.
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

impl From<Error> for Vec<u8> {
    #[allow(clippy::enum_glob_use, reason = "one arm per variant")]
    fn from(error: Error) -> Vec<u8> {
        use Error::*;
        match error {
            InvalidAddress(e) => encode(ShortBookInvalidAddress::SELECTOR, &[a(e.account)]),
            Paused(e) => encode(ShortBookPaused::SELECTOR, &[e.scope]),
            ZeroAmount(_) => encode(ShortBookZeroAmount::SELECTOR, &[]),
            DeadlinePassed(e) => {
                encode(ShortBookDeadlinePassed::SELECTOR, &[n(e.deadline), n(e.now)])
            }
            TradeTooSmall(e) => encode(ShortBookTradeTooSmall::SELECTOR, &[w(e.amount), w(e.min)]),
            TradingClosed(e) => encode(
                ShortBookTradingClosed::SELECTOR,
                &[n(e.boardId), n(e.expiry), n(e.cutoff), n(e.now)],
            ),
            OpenInterestCap(e) => encode(
                ShortBookOpenInterestCap::SELECTOR,
                &[n(e.strikeId), w(e.openInterest), w(e.cap)],
            ),
            ProceedsBelowMin(e) => {
                encode(ShortBookProceedsBelowMin::SELECTOR, &[w(e.proceeds), w(e.minProceeds)])
            }
            CostAboveMax(e) => encode(ShortBookCostAboveMax::SELECTOR, &[w(e.cost), w(e.maxCost)]),
            InsufficientShort(e) => encode(
                ShortBookInsufficientShort::SELECTOR,
                &[a(e.account), n(e.strikeId), n(e.isCall), w(e.amount), w(e.held)],
            ),
            InsufficientMargin(e) => encode(
                ShortBookInsufficientMargin::SELECTOR,
                &[a(e.account), w(e.collateral), w(e.required)],
            ),
            InsufficientCollateral(e) => encode(
                ShortBookInsufficientCollateral::SELECTOR,
                &[a(e.account), w(e.amount), w(e.collateral)],
            ),
            TooManyLines(e) => {
                encode(ShortBookTooManyLines::SELECTOR, &[a(e.account), n(e.count), n(e.max)])
            }
            MarketMismatch(e) => encode(
                ShortBookMarketMismatch::SELECTOR,
                &[a(e.account), e.accountMarket, e.marketId],
            ),
            Healthy(e) => encode(
                ShortBookHealthy::SELECTOR,
                &[a(e.account), w(e.collateral), w(e.requirement)],
            ),
            SettleFirst(e) => encode(ShortBookSettleFirst::SELECTOR, &[a(e.account), w(e.dues)]),
            NothingToSettle(e) => encode(ShortBookNothingToSettle::SELECTOR, &[a(e.account)]),
            PoolCashShort(e) => {
                encode(ShortBookPoolCashShort::SELECTOR, &[w(e.requested), w(e.paid)])
            }
            CollateralLocked(e) => {
                encode(ShortBookCollateralLocked::SELECTOR, &[w(e.proceeds), w(e.free)])
            }
            CallFailed(e) => encode(ShortBookCallFailed::SELECTOR, &[a(e.target)]),
            TokenCallFailed(e) => encode(ShortBookTokenCallFailed::SELECTOR, &[a(e.token)]),
            SequencerDown(e) => encode(ShortBookSequencerDown::SELECTOR, &[a(e.feed)]),
            SequencerGracePeriod(e) => encode(
                ShortBookSequencerGracePeriod::SELECTOR,
                &[w(e.upSince), n(e.grace), n(e.now)],
            ),
            InvalidLength(e) => encode(ShortBookInvalidLength::SELECTOR, &[w(e.length)]),
            MathError(e) => encode(ShortBookMathError::SELECTOR, &[n(e.code)]),
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
            declare::<ShortBookInvalidAddress>(),
            declare::<ShortBookPaused>(),
            declare::<ShortBookZeroAmount>(),
            declare::<ShortBookDeadlinePassed>(),
            declare::<ShortBookTradeTooSmall>(),
            declare::<ShortBookTradingClosed>(),
            declare::<ShortBookOpenInterestCap>(),
            declare::<ShortBookProceedsBelowMin>(),
            declare::<ShortBookCostAboveMax>(),
            declare::<ShortBookInsufficientShort>(),
            declare::<ShortBookInsufficientMargin>(),
            declare::<ShortBookInsufficientCollateral>(),
            declare::<ShortBookTooManyLines>(),
            declare::<ShortBookMarketMismatch>(),
            declare::<ShortBookHealthy>(),
            declare::<ShortBookSettleFirst>(),
            declare::<ShortBookNothingToSettle>(),
            declare::<ShortBookPoolCashShort>(),
            declare::<ShortBookCollateralLocked>(),
            declare::<ShortBookCallFailed>(),
            declare::<ShortBookTokenCallFailed>(),
            declare::<ShortBookSequencerDown>(),
            declare::<ShortBookSequencerGracePeriod>(),
            declare::<ShortBookInvalidLength>(),
            declare::<ShortBookMathError>(),
        ]
    }
}

/// `ShortBookZeroAmount()`.
pub(crate) fn zero_amount() -> Error {
    Error::ZeroAmount(ShortBookZeroAmount {})
}

/// `ShortBookCallFailed(target)`.
pub(crate) fn call_failed(target: Address) -> Error {
    Error::CallFailed(ShortBookCallFailed { target })
}

/// `ShortBookTokenCallFailed(token)`.
pub(crate) fn token_failed(token: Address) -> Error {
    Error::TokenCallFailed(ShortBookTokenCallFailed { token })
}

/// `ShortBookMathError(code)` of a pure-crate error.
pub(crate) fn math(error: mutual_risk::MathError) -> Error {
    Error::MathError(ShortBookMathError { code: error.code() })
}

/// `ShortBookMathError(1)`: an overflow.
pub(crate) fn overflow() -> Error {
    Error::MathError(ShortBookMathError { code: 1 })
}
