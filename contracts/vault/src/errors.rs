//! The errors of `MutualVault`: one `sol!` block, EIP-6093 style, each carrying the
//! offending values. Besides the vault's own (`Vault...`), it holds the standard ERC-4626
//! limit errors and the ERC-20 errors of OpenZeppelin's share token (same signatures, so
//! integrators decode them as they would OpenZeppelin's).

use alloc::vec::Vec;

use alloy_primitives::{Address, B256, U256};
use openzeppelin_stylus::token::erc20;
use stylus_sdk::alloy_sol_types::{sol, SolError};

sol! {
    /// Thrown when an address argument cannot be used: a zero `asset` or `governance` in
    /// the constructor; a zero `receiver`, `controller` or `operator`; or the vault itself
    /// as a `receiver` or `controller`.
    #[derive(Debug, PartialEq, Eq)]
    error VaultInvalidAddress(address account);

    /// Thrown by the constructor when the shares' `name` or `symbol` is empty or has a
    /// byte outside ASCII.
    #[derive(Debug, PartialEq, Eq)]
    error VaultInvalidMetadata(bytes32 name, bytes32 symbol);

    /// Thrown when an amount argument (assets, shares, a flow) is zero.
    #[derive(Debug, PartialEq, Eq)]
    error VaultZeroAmount();

    /// Thrown by `deposit` when `assets` would mint no share (dust at the current price).
    #[derive(Debug, PartialEq, Eq)]
    error VaultZeroShares(uint256 assets);

    /// Thrown by `redeem` when `shares` would pay no asset (dust at the current price).
    #[derive(Debug, PartialEq, Eq)]
    error VaultZeroAssets(uint256 shares);

    /// Thrown by `pullPayout` and `notifyPremium` when `marketId` is zero.
    #[derive(Debug, PartialEq, Eq)]
    error VaultZeroMarketId();

    /// Thrown by `pullPayout` and `notifyPremium` when `reason` is not a flow reason code
    /// (above `MAX_REASON`, 4).
    #[derive(Debug, PartialEq, Eq)]
    error VaultInvalidReason(uint8 reason);

    /// Thrown when `account` lacks `role`: `keccak256("MARKET")` (a flow not from the
    /// market registered under `mutual.market`) or `keccak256("CONTROLLER")` (a redeem
    /// request naming a controller other than its owner, made by neither that controller
    /// nor its operator).
    #[derive(Debug, PartialEq, Eq)]
    error VaultUnauthorizedAccount(address account, bytes32 role);

    /// Thrown while governance reports `scope` paused: `keccak256("mutual.vault")` (by its
    /// own pause or the protocol's) for `deposit`, `mint` and `requestRedeem`;
    /// `keccak256("mutual.protocol")` for `withdraw` and `redeem`.
    #[derive(Debug, PartialEq, Eq)]
    error VaultPaused(bytes32 scope);

    /// Thrown by `deposit`, `mint`, `previewDeposit` and `previewMint` when the market has
    /// no fresh mark (its view fails, or its mark is older than `maxAge` seconds):
    /// `markTime` is the time of the last fresh mark the vault recorded (0: none).
    #[derive(Debug, PartialEq, Eq)]
    error VaultStaleMark(uint64 markTime, uint64 maxAge);

    /// Thrown by `deposit` and `mint` while the marked liability exceeds the pool's cash
    /// and receivable by `deficit`: a deposit would pay for the shortfall.
    #[derive(Debug, PartialEq, Eq)]
    error VaultInsolvent(uint256 deficit);

    /// Thrown by `requestRedeem`, `transfer` and `transferFrom` when `needed` shares of
    /// `account` exceed its `unlocked` ones: shares minted to it by deposits in the last
    /// `vault.minHoldTime` stay locked until `until`.
    #[derive(Debug, PartialEq, Eq)]
    error VaultSharesLocked(address account, uint256 needed, uint256 unlocked, uint64 until);

    /// Thrown by `notifyPremium` when the vault's token balance beyond its cash,
    /// `unaccounted`, is below `amount`: the flow has not arrived.
    #[derive(Debug, PartialEq, Eq)]
    error VaultFlowNotReceived(uint256 amount, uint256 unaccounted);

    /// Thrown when a read of `governance` reverts: an unregistered key (every `vault.*` key
    /// and `mutual.market` must be registered) or an unreachable governance.
    #[derive(Debug, PartialEq, Eq)]
    error VaultGovernanceCallFailed(address governance);

    /// Thrown when a call to the asset `token` reverts or returns `false` (`transfer`,
    /// `transferFrom`, `balanceOf`, `decimals`).
    #[derive(Debug, PartialEq, Eq)]
    error VaultTokenCallFailed(address token);

    /// Thrown when a conversion or a total overflows 256 bits.
    #[derive(Debug, PartialEq, Eq)]
    error VaultMathOverflow();

    /// Thrown by `deposit` when `assets` exceeds `maxDeposit(receiver)`, `max`: the deposit
    /// cap less the NAV.
    #[derive(Debug, PartialEq, Eq)]
    error ERC4626ExceededMaxDeposit(address receiver, uint256 assets, uint256 max);

    /// Thrown by `mint` when `shares` exceeds `maxMint(receiver)`, `max`.
    #[derive(Debug, PartialEq, Eq)]
    error ERC4626ExceededMaxMint(address receiver, uint256 shares, uint256 max);

    /// Thrown by `withdraw` when `assets` exceeds `maxWithdraw(owner)`, `max`: beyond the
    /// value of `owner`'s claimable shares, or beyond the free cash.
    #[derive(Debug, PartialEq, Eq)]
    error ERC4626ExceededMaxWithdraw(address owner, uint256 assets, uint256 max);

    /// Thrown by `redeem` when `shares` exceeds `maxRedeem(owner)`, `max`: beyond
    /// `owner`'s claimable shares, or beyond what the free cash pays.
    #[derive(Debug, PartialEq, Eq)]
    error ERC4626ExceededMaxRedeem(address owner, uint256 shares, uint256 max);

    /// Thrown when `sender`'s share `balance` is below the `needed` shares (`transfer`,
    /// `transferFrom`, `requestRedeem`).
    #[derive(Debug, PartialEq, Eq)]
    error ERC20InsufficientBalance(address sender, uint256 balance, uint256 needed);

    /// Thrown by `transfer` and `transferFrom` from the zero address.
    #[derive(Debug, PartialEq, Eq)]
    error ERC20InvalidSender(address sender);

    /// Thrown by `transfer` and `transferFrom` to the zero address or to the vault (shares
    /// enter the vault only through `requestRedeem`).
    #[derive(Debug, PartialEq, Eq)]
    error ERC20InvalidReceiver(address receiver);

    /// Thrown when `spender`'s share `allowance` is below the `needed` shares
    /// (`transferFrom`, and `requestRedeem`, `withdraw` and `redeem` by a caller that is
    /// neither the owner (controller) nor its operator).
    #[derive(Debug, PartialEq, Eq)]
    error ERC20InsufficientAllowance(address spender, uint256 allowance, uint256 needed);

    /// Thrown by `approve` for the zero spender.
    #[derive(Debug, PartialEq, Eq)]
    error ERC20InvalidSpender(address spender);

    /// Thrown by `approve` from the zero address.
    #[derive(Debug, PartialEq, Eq)]
    error ERC20InvalidApprover(address approver);
}

/// Every error of `MutualVault`.
///
/// Its revert data is encoded by hand (the `From<Error> for Vec<u8>` impl below): every
/// field is a static ABI type, so an error is its selector and one word per field; one
/// small encoder then serves all variants instead of the `SolidityError` derive's generic
/// encoder per variant. A test checks each variant against `SolError::abi_encode`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Error {
    /// See [`VaultInvalidAddress`].
    InvalidAddress(VaultInvalidAddress),
    /// See [`VaultInvalidMetadata`].
    InvalidMetadata(VaultInvalidMetadata),
    /// See [`VaultZeroAmount`].
    ZeroAmount(VaultZeroAmount),
    /// See [`VaultZeroShares`].
    ZeroShares(VaultZeroShares),
    /// See [`VaultZeroAssets`].
    ZeroAssets(VaultZeroAssets),
    /// See [`VaultZeroMarketId`].
    ZeroMarketId(VaultZeroMarketId),
    /// See [`VaultInvalidReason`].
    InvalidReason(VaultInvalidReason),
    /// See [`VaultUnauthorizedAccount`].
    UnauthorizedAccount(VaultUnauthorizedAccount),
    /// See [`VaultPaused`].
    Paused(VaultPaused),
    /// See [`VaultStaleMark`].
    StaleMark(VaultStaleMark),
    /// See [`VaultInsolvent`].
    Insolvent(VaultInsolvent),
    /// See [`VaultSharesLocked`].
    SharesLocked(VaultSharesLocked),
    /// See [`VaultFlowNotReceived`].
    FlowNotReceived(VaultFlowNotReceived),
    /// See [`VaultGovernanceCallFailed`].
    GovernanceCallFailed(VaultGovernanceCallFailed),
    /// See [`VaultTokenCallFailed`].
    TokenCallFailed(VaultTokenCallFailed),
    /// See [`VaultMathOverflow`].
    MathOverflow(VaultMathOverflow),
    /// See [`ERC4626ExceededMaxDeposit`].
    ExceededMaxDeposit(ERC4626ExceededMaxDeposit),
    /// See [`ERC4626ExceededMaxMint`].
    ExceededMaxMint(ERC4626ExceededMaxMint),
    /// See [`ERC4626ExceededMaxWithdraw`].
    ExceededMaxWithdraw(ERC4626ExceededMaxWithdraw),
    /// See [`ERC4626ExceededMaxRedeem`].
    ExceededMaxRedeem(ERC4626ExceededMaxRedeem),
    /// See [`ERC20InsufficientBalance`].
    InsufficientBalance(ERC20InsufficientBalance),
    /// See [`ERC20InvalidSender`].
    InvalidSender(ERC20InvalidSender),
    /// See [`ERC20InvalidReceiver`].
    InvalidReceiver(ERC20InvalidReceiver),
    /// See [`ERC20InsufficientAllowance`].
    InsufficientAllowance(ERC20InsufficientAllowance),
    /// See [`ERC20InvalidSpender`].
    InvalidSpender(ERC20InvalidSpender),
    /// See [`ERC20InvalidApprover`].
    InvalidApprover(ERC20InvalidApprover),
}

/// OpenZeppelin's share-token errors, as the vault's variants of the same signatures.
impl From<erc20::Error> for Error {
    fn from(error: erc20::Error) -> Self {
        match error {
            erc20::Error::InsufficientBalance(e) => {
                Error::InsufficientBalance(ERC20InsufficientBalance {
                    sender: e.sender,
                    balance: e.balance,
                    needed: e.needed,
                })
            }
            erc20::Error::InvalidSender(e) => {
                Error::InvalidSender(ERC20InvalidSender { sender: e.sender })
            }
            erc20::Error::InvalidReceiver(e) => {
                Error::InvalidReceiver(ERC20InvalidReceiver { receiver: e.receiver })
            }
            erc20::Error::InsufficientAllowance(e) => {
                Error::InsufficientAllowance(ERC20InsufficientAllowance {
                    spender: e.spender,
                    allowance: e.allowance,
                    needed: e.needed,
                })
            }
            erc20::Error::InvalidSpender(e) => {
                Error::InvalidSpender(ERC20InvalidSpender { spender: e.spender })
            }
            erc20::Error::InvalidApprover(e) => {
                Error::InvalidApprover(ERC20InvalidApprover { approver: e.approver })
            }
        }
    }
}

/// An `address` as an ABI word's value (shared by every variant with an address field).
#[inline(never)]
fn a(account: Address) -> U256 {
    U256::from_be_bytes(account.into_word().0)
}

/// A `bytes32` as an ABI word's value.
fn b(word: B256) -> U256 {
    U256::from_be_bytes(word.0)
}

/// `selector` followed by `words`, big-endian: the revert data of an error whose fields
/// are static.
#[inline(never)]
fn encode(selector: [u8; 4], words: &[U256]) -> Vec<u8> {
    let mut out = Vec::with_capacity(4 + 32 * words.len());
    out.extend_from_slice(&selector);
    for w in words {
        out.extend_from_slice(&w.to_be_bytes::<32>());
    }
    out
}

impl From<Error> for Vec<u8> {
    fn from(error: Error) -> Vec<u8> {
        let u = U256::from;
        match error {
            Error::InvalidAddress(e) => encode(VaultInvalidAddress::SELECTOR, &[a(e.account)]),
            Error::InvalidMetadata(e) => {
                encode(VaultInvalidMetadata::SELECTOR, &[b(e.name), b(e.symbol)])
            }
            Error::ZeroAmount(_) => encode(VaultZeroAmount::SELECTOR, &[]),
            Error::ZeroShares(e) => encode(VaultZeroShares::SELECTOR, &[e.assets]),
            Error::ZeroAssets(e) => encode(VaultZeroAssets::SELECTOR, &[e.shares]),
            Error::ZeroMarketId(_) => encode(VaultZeroMarketId::SELECTOR, &[]),
            Error::InvalidReason(e) => {
                encode(VaultInvalidReason::SELECTOR, &[U256::from(e.reason)])
            }
            Error::UnauthorizedAccount(e) => {
                encode(VaultUnauthorizedAccount::SELECTOR, &[a(e.account), b(e.role)])
            }
            Error::Paused(e) => encode(VaultPaused::SELECTOR, &[b(e.scope)]),
            Error::StaleMark(e) => encode(VaultStaleMark::SELECTOR, &[u(e.markTime), u(e.maxAge)]),
            Error::Insolvent(e) => encode(VaultInsolvent::SELECTOR, &[e.deficit]),
            Error::SharesLocked(e) => encode(
                VaultSharesLocked::SELECTOR,
                &[a(e.account), e.needed, e.unlocked, u(e.until)],
            ),
            Error::FlowNotReceived(e) => {
                encode(VaultFlowNotReceived::SELECTOR, &[e.amount, e.unaccounted])
            }
            Error::GovernanceCallFailed(e) => {
                encode(VaultGovernanceCallFailed::SELECTOR, &[a(e.governance)])
            }
            Error::TokenCallFailed(e) => encode(VaultTokenCallFailed::SELECTOR, &[a(e.token)]),
            Error::MathOverflow(_) => encode(VaultMathOverflow::SELECTOR, &[]),
            Error::ExceededMaxDeposit(e) => {
                encode(ERC4626ExceededMaxDeposit::SELECTOR, &[a(e.receiver), e.assets, e.max])
            }
            Error::ExceededMaxMint(e) => {
                encode(ERC4626ExceededMaxMint::SELECTOR, &[a(e.receiver), e.shares, e.max])
            }
            Error::ExceededMaxWithdraw(e) => {
                encode(ERC4626ExceededMaxWithdraw::SELECTOR, &[a(e.owner), e.assets, e.max])
            }
            Error::ExceededMaxRedeem(e) => {
                encode(ERC4626ExceededMaxRedeem::SELECTOR, &[a(e.owner), e.shares, e.max])
            }
            Error::InsufficientBalance(e) => {
                encode(ERC20InsufficientBalance::SELECTOR, &[a(e.sender), e.balance, e.needed])
            }
            Error::InvalidSender(e) => encode(ERC20InvalidSender::SELECTOR, &[a(e.sender)]),
            Error::InvalidReceiver(e) => encode(ERC20InvalidReceiver::SELECTOR, &[a(e.receiver)]),
            Error::InsufficientAllowance(e) => {
                encode(ERC20InsufficientAllowance::SELECTOR, &[a(e.spender), e.allowance, e.needed])
            }
            Error::InvalidSpender(e) => encode(ERC20InvalidSpender::SELECTOR, &[a(e.spender)]),
            Error::InvalidApprover(e) => encode(ERC20InvalidApprover::SELECTOR, &[a(e.approver)]),
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
            declare::<VaultInvalidAddress>(),
            declare::<VaultInvalidMetadata>(),
            declare::<VaultZeroAmount>(),
            declare::<VaultZeroShares>(),
            declare::<VaultZeroAssets>(),
            declare::<VaultZeroMarketId>(),
            declare::<VaultInvalidReason>(),
            declare::<VaultUnauthorizedAccount>(),
            declare::<VaultPaused>(),
            declare::<VaultStaleMark>(),
            declare::<VaultInsolvent>(),
            declare::<VaultSharesLocked>(),
            declare::<VaultFlowNotReceived>(),
            declare::<VaultGovernanceCallFailed>(),
            declare::<VaultTokenCallFailed>(),
            declare::<VaultMathOverflow>(),
            declare::<ERC4626ExceededMaxDeposit>(),
            declare::<ERC4626ExceededMaxMint>(),
            declare::<ERC4626ExceededMaxWithdraw>(),
            declare::<ERC4626ExceededMaxRedeem>(),
            declare::<ERC20InsufficientBalance>(),
            declare::<ERC20InvalidSender>(),
            declare::<ERC20InvalidReceiver>(),
            declare::<ERC20InsufficientAllowance>(),
            declare::<ERC20InvalidSpender>(),
            declare::<ERC20InvalidApprover>(),
        ]
    }
}

/// `VaultZeroAmount()`.
pub(crate) fn zero_amount() -> Error {
    Error::ZeroAmount(VaultZeroAmount {})
}

/// `VaultMathOverflow()`.
pub(crate) fn math_overflow() -> Error {
    Error::MathOverflow(VaultMathOverflow {})
}

/// `VaultInvalidAddress(account)`.
pub(crate) fn invalid_address(account: Address) -> Error {
    Error::InvalidAddress(VaultInvalidAddress { account })
}

/// `VaultTokenCallFailed(token)`.
pub(crate) fn token_failed(token: Address) -> Error {
    Error::TokenCallFailed(VaultTokenCallFailed { token })
}

/// `ERC20InsufficientAllowance(spender, allowance, needed)`.
pub(crate) fn insufficient_allowance(spender: Address, allowance: U256, needed: U256) -> Error {
    Error::InsufficientAllowance(ERC20InsufficientAllowance { spender, allowance, needed })
}
