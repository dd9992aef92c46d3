//! The errors of `InsuranceFund`: one `sol!` block, EIP-6093 style, each carrying the
//! offending values.

use alloc::vec::Vec;

use mutual_contract_kit::abi::{revert_data, word, word_address, word_u8};
use stylus_sdk::alloy_sol_types::{sol, SolError};

sol! {
    /// Thrown when an address argument is zero where it cannot be: the constructor's asset
    /// or governance, a `receiver`, or an `approve` spender.
    #[derive(Debug, PartialEq, Eq)]
    error InsuranceInvalidAddress(address account);

    /// Thrown by the constructor when `count` is outside `[MIN_TRANCHES, MAX_TRANCHES]`
    /// (`[2, 8]`).
    #[derive(Debug, PartialEq, Eq)]
    error InsuranceInvalidTrancheCount(uint8 count);

    /// Thrown when `tranche` is not below the fund's tranche `count`.
    #[derive(Debug, PartialEq, Eq)]
    error InsuranceInvalidTranche(uint8 tranche, uint8 count);

    /// Thrown when an amount argument (assets, shares, a loss or an income) is zero.
    #[derive(Debug, PartialEq, Eq)]
    error InsuranceZeroAmount();

    /// Thrown by `cover` and `notifyIncome` when `marketId` is zero.
    #[derive(Debug, PartialEq, Eq)]
    error InsuranceZeroMarketId();

    /// Thrown by `cover` when `kind` is neither 0 (trader default) nor 1 (pool tail loss).
    #[derive(Debug, PartialEq, Eq)]
    error InsuranceInvalidLossKind(uint8 kind);

    /// Thrown when `account` lacks `role`: `keccak256("MARKET")` (`notifyIncome`, `cover`
    /// of a trader default) or `keccak256("MARKET_OR_VAULT")` (`cover` of a pool tail loss).
    #[derive(Debug, PartialEq, Eq)]
    error InsuranceUnauthorizedAccount(address account, bytes32 role);

    /// Thrown by `deposit`, `mint` and `requestWithdraw` while governance reports `scope`
    /// (`keccak256("mutual.insurance")`) paused, by its own pause or the protocol's.
    #[derive(Debug, PartialEq, Eq)]
    error InsurancePaused(bytes32 scope);

    /// Thrown by `deposit` when `assets` exceeds `maxDeposit(tranche, receiver)`: the
    /// tranche's deposit cap less its assets.
    #[derive(Debug, PartialEq, Eq)]
    error InsuranceExceededMaxDeposit(uint8 tranche, address receiver, uint256 assets, uint256 max);

    /// Thrown by `mint` when `shares` exceeds `maxMint(tranche, receiver)`.
    #[derive(Debug, PartialEq, Eq)]
    error InsuranceExceededMaxMint(uint8 tranche, address receiver, uint256 shares, uint256 max);

    /// Thrown by `withdraw` when `assets` exceeds `maxWithdraw(tranche, owner)`: outside the
    /// withdrawal window of `owner`'s request, or beyond the requested shares' value.
    #[derive(Debug, PartialEq, Eq)]
    error InsuranceExceededMaxWithdraw(uint8 tranche, address owner, uint256 assets, uint256 max);

    /// Thrown by `redeem` when `shares` exceeds `maxRedeem(tranche, owner)`: outside the
    /// withdrawal window of `owner`'s request, or beyond its requested shares.
    #[derive(Debug, PartialEq, Eq)]
    error InsuranceExceededMaxRedeem(uint8 tranche, address owner, uint256 shares, uint256 max);

    /// Thrown by `withdraw` and `redeem` for another owner's shares when `spender`'s share
    /// `allowance` is below the `needed` shares.
    #[derive(Debug, PartialEq, Eq)]
    error InsuranceInsufficientAllowance(
        uint8 tranche,
        address spender,
        uint256 allowance,
        uint256 needed
    );

    /// Thrown by `requestWithdraw` when `shares` exceeds `owner`'s `balance`.
    #[derive(Debug, PartialEq, Eq)]
    error InsuranceRequestExceedsBalance(
        uint8 tranche,
        address owner,
        uint256 shares,
        uint256 balance
    );

    /// Thrown by `notifyIncome` when the fund's token balance beyond its accounted assets,
    /// `unaccounted`, is below `amount`: the income has not arrived.
    #[derive(Debug, PartialEq, Eq)]
    error InsuranceIncomeNotReceived(uint256 amount, uint256 unaccounted);

    /// Thrown by `notifyIncome` when every tranche's income weight is zero.
    #[derive(Debug, PartialEq, Eq)]
    error InsuranceNoIncomeWeight();

    /// Thrown by `lossRecord` when `lossId` is 0 or above `count`, the last loss id.
    #[derive(Debug, PartialEq, Eq)]
    error InsuranceUnknownLoss(uint256 lossId, uint256 count);

    /// Thrown when a read of `governance` reverts: an unregistered key (every key the call
    /// needs must be registered) or an unreachable governance.
    #[derive(Debug, PartialEq, Eq)]
    error InsuranceGovernanceCallFailed(address governance);

    /// Thrown when a call to the asset `token` reverts or returns `false` (`transfer`,
    /// `transferFrom`, `balanceOf`, `decimals`).
    #[derive(Debug, PartialEq, Eq)]
    error InsuranceTokenCallFailed(address token);

    /// Thrown when a conversion or an income weight overflows 256 bits.
    #[derive(Debug, PartialEq, Eq)]
    error InsuranceMathOverflow();
}

/// Every error of `InsuranceFund`.
///
/// Its revert data is encoded by hand (the `From<Error> for Vec<u8>` impl below): every
/// field is a static ABI type, so an error is its selector and one word per field; one small
/// encoder then serves all variants instead of the `SolidityError` derive's generic encoder
/// per variant. A test checks each variant against `SolError::abi_encode`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Error {
    /// See [`InsuranceInvalidAddress`].
    InvalidAddress(InsuranceInvalidAddress),
    /// See [`InsuranceInvalidTrancheCount`].
    InvalidTrancheCount(InsuranceInvalidTrancheCount),
    /// See [`InsuranceInvalidTranche`].
    InvalidTranche(InsuranceInvalidTranche),
    /// See [`InsuranceZeroAmount`].
    ZeroAmount(InsuranceZeroAmount),
    /// See [`InsuranceZeroMarketId`].
    ZeroMarketId(InsuranceZeroMarketId),
    /// See [`InsuranceInvalidLossKind`].
    InvalidLossKind(InsuranceInvalidLossKind),
    /// See [`InsuranceUnauthorizedAccount`].
    UnauthorizedAccount(InsuranceUnauthorizedAccount),
    /// See [`InsurancePaused`].
    Paused(InsurancePaused),
    /// See [`InsuranceExceededMaxDeposit`].
    ExceededMaxDeposit(InsuranceExceededMaxDeposit),
    /// See [`InsuranceExceededMaxMint`].
    ExceededMaxMint(InsuranceExceededMaxMint),
    /// See [`InsuranceExceededMaxWithdraw`].
    ExceededMaxWithdraw(InsuranceExceededMaxWithdraw),
    /// See [`InsuranceExceededMaxRedeem`].
    ExceededMaxRedeem(InsuranceExceededMaxRedeem),
    /// See [`InsuranceInsufficientAllowance`].
    InsufficientAllowance(InsuranceInsufficientAllowance),
    /// See [`InsuranceRequestExceedsBalance`].
    RequestExceedsBalance(InsuranceRequestExceedsBalance),
    /// See [`InsuranceIncomeNotReceived`].
    IncomeNotReceived(InsuranceIncomeNotReceived),
    /// See [`InsuranceNoIncomeWeight`].
    NoIncomeWeight(InsuranceNoIncomeWeight),
    /// See [`InsuranceUnknownLoss`].
    UnknownLoss(InsuranceUnknownLoss),
    /// See [`InsuranceGovernanceCallFailed`].
    GovernanceCallFailed(InsuranceGovernanceCallFailed),
    /// See [`InsuranceTokenCallFailed`].
    TokenCallFailed(InsuranceTokenCallFailed),
    /// See [`InsuranceMathOverflow`].
    MathOverflow(InsuranceMathOverflow),
}

impl From<Error> for Vec<u8> {
    fn from(error: Error) -> Vec<u8> {
        match error {
            Error::InvalidAddress(e) => {
                revert_data(InsuranceInvalidAddress::SELECTOR, &[word_address(e.account)])
            }
            Error::InvalidTrancheCount(e) => {
                revert_data(InsuranceInvalidTrancheCount::SELECTOR, &[word_u8(e.count)])
            }
            Error::InvalidTranche(e) => revert_data(
                InsuranceInvalidTranche::SELECTOR,
                &[word_u8(e.tranche), word_u8(e.count)],
            ),
            Error::ZeroAmount(_) => revert_data(InsuranceZeroAmount::SELECTOR, &[]),
            Error::ZeroMarketId(_) => revert_data(InsuranceZeroMarketId::SELECTOR, &[]),
            Error::InvalidLossKind(e) => {
                revert_data(InsuranceInvalidLossKind::SELECTOR, &[word_u8(e.kind)])
            }
            Error::UnauthorizedAccount(e) => revert_data(
                InsuranceUnauthorizedAccount::SELECTOR,
                &[word_address(e.account), e.role],
            ),
            Error::Paused(e) => revert_data(InsurancePaused::SELECTOR, &[e.scope]),
            Error::ExceededMaxDeposit(e) => revert_data(
                InsuranceExceededMaxDeposit::SELECTOR,
                &[word_u8(e.tranche), word_address(e.receiver), word(e.assets), word(e.max)],
            ),
            Error::ExceededMaxMint(e) => revert_data(
                InsuranceExceededMaxMint::SELECTOR,
                &[word_u8(e.tranche), word_address(e.receiver), word(e.shares), word(e.max)],
            ),
            Error::ExceededMaxWithdraw(e) => revert_data(
                InsuranceExceededMaxWithdraw::SELECTOR,
                &[word_u8(e.tranche), word_address(e.owner), word(e.assets), word(e.max)],
            ),
            Error::ExceededMaxRedeem(e) => revert_data(
                InsuranceExceededMaxRedeem::SELECTOR,
                &[word_u8(e.tranche), word_address(e.owner), word(e.shares), word(e.max)],
            ),
            Error::InsufficientAllowance(e) => revert_data(
                InsuranceInsufficientAllowance::SELECTOR,
                &[word_u8(e.tranche), word_address(e.spender), word(e.allowance), word(e.needed)],
            ),
            Error::RequestExceedsBalance(e) => revert_data(
                InsuranceRequestExceedsBalance::SELECTOR,
                &[word_u8(e.tranche), word_address(e.owner), word(e.shares), word(e.balance)],
            ),
            Error::IncomeNotReceived(e) => revert_data(
                InsuranceIncomeNotReceived::SELECTOR,
                &[word(e.amount), word(e.unaccounted)],
            ),
            Error::NoIncomeWeight(_) => revert_data(InsuranceNoIncomeWeight::SELECTOR, &[]),
            Error::UnknownLoss(e) => {
                revert_data(InsuranceUnknownLoss::SELECTOR, &[word(e.lossId), word(e.count)])
            }
            Error::GovernanceCallFailed(e) => {
                revert_data(InsuranceGovernanceCallFailed::SELECTOR, &[word_address(e.governance)])
            }
            Error::TokenCallFailed(e) => {
                revert_data(InsuranceTokenCallFailed::SELECTOR, &[word_address(e.token)])
            }
            Error::MathOverflow(_) => revert_data(InsuranceMathOverflow::SELECTOR, &[]),
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
            declare::<InsuranceInvalidAddress>(),
            declare::<InsuranceInvalidTrancheCount>(),
            declare::<InsuranceInvalidTranche>(),
            declare::<InsuranceZeroAmount>(),
            declare::<InsuranceZeroMarketId>(),
            declare::<InsuranceInvalidLossKind>(),
            declare::<InsuranceUnauthorizedAccount>(),
            declare::<InsurancePaused>(),
            declare::<InsuranceExceededMaxDeposit>(),
            declare::<InsuranceExceededMaxMint>(),
            declare::<InsuranceExceededMaxWithdraw>(),
            declare::<InsuranceExceededMaxRedeem>(),
            declare::<InsuranceInsufficientAllowance>(),
            declare::<InsuranceRequestExceedsBalance>(),
            declare::<InsuranceIncomeNotReceived>(),
            declare::<InsuranceNoIncomeWeight>(),
            declare::<InsuranceUnknownLoss>(),
            declare::<InsuranceGovernanceCallFailed>(),
            declare::<InsuranceTokenCallFailed>(),
            declare::<InsuranceMathOverflow>(),
        ]
    }
}

/// `InsuranceZeroAmount()`.
pub(crate) fn zero_amount() -> Error {
    Error::ZeroAmount(InsuranceZeroAmount {})
}

/// `InsuranceMathOverflow()`.
pub(crate) fn math_overflow() -> Error {
    Error::MathOverflow(InsuranceMathOverflow {})
}
