//! The events of `MutualVault`, declared once.
//!
//! An indexer rebuilds the vault from these logs alone: shares ([`Transfer`], from and to
//! the zero address for mints and burns, to the vault for escrowed requests), cash
//! ([`Deposit`], [`Withdraw`], [`PayoutPulled`], [`PremiumNotified`]), requests
//! ([`RedeemRequest`], then the claim's [`Withdraw`]) and operators ([`OperatorSet`]).
//! [`StaleMark`] says when a call valued the pool without a fresh mark of the market.
//!
//! [`Transfer`] and [`Approval`] are emitted by OpenZeppelin's share token (its own
//! declarations, the same signatures); they are declared here too so the generated
//! interface and the tests name them. Times are `uint64` seconds.

use alloy_primitives::{B256, U256};
use stylus_sdk::alloy_sol_types::{sol, SolEvent};

sol! {
    /// Emitted when `value` shares move from `from` to `to`: the zero address as `from` for
    /// a mint (a deposit) and as `to` for a burn (a claim); the vault as `to` when shares
    /// enter a redeem request's escrow.
    ///
    /// * `from` - The previous holder (zero: minted).
    /// * `to` - The new holder (zero: burned).
    /// * `value` - The shares moved.
    #[derive(Debug, PartialEq, Eq)]
    event Transfer(address indexed from, address indexed to, uint256 value);

    /// Emitted when `owner` sets `spender`'s share allowance to `value` (`approve`; spending
    /// an allowance emits nothing).
    ///
    /// * `owner` - The owner of the shares.
    /// * `spender` - Who may move them.
    /// * `value` - The allowance, in shares (`type(uint256).max`: unlimited).
    #[derive(Debug, PartialEq, Eq)]
    event Approval(address indexed owner, address indexed spender, uint256 value);

    /// Emitted when `sender` deposits `assets` (by `deposit` or `mint`) and `owner` receives
    /// `shares`.
    ///
    /// * `sender` - The caller, who paid the assets.
    /// * `owner` - The receiver of the shares.
    /// * `assets` - The assets paid in, in asset units.
    /// * `shares` - The shares minted.
    #[derive(Debug, PartialEq, Eq)]
    event Deposit(address indexed sender, address indexed owner, uint256 assets, uint256 shares);

    /// Emitted when `sender` claims `owner`'s redeem request (by `withdraw` or `redeem`):
    /// `shares` escrowed for `owner` are burned and `receiver` gets `assets`.
    ///
    /// * `sender` - The caller: the controller, its operator, or a spender of its shares.
    /// * `receiver` - Who received the assets.
    /// * `owner` - The controller of the request.
    /// * `assets` - The assets paid out, in asset units.
    /// * `shares` - The shares burned.
    #[derive(Debug, PartialEq, Eq)]
    event Withdraw(
        address indexed sender,
        address indexed receiver,
        address indexed owner,
        uint256 assets,
        uint256 shares
    );

    /// Emitted when `owner`'s `shares` enter the vault's escrow as a redeem request
    /// controlled by `controller` (ERC-7540).
    ///
    /// * `controller` - Who may claim the request.
    /// * `owner` - Whose shares were escrowed.
    /// * `requestId` - Always 0: requests are aggregated per controller.
    /// * `sender` - The caller.
    /// * `shares` - The shares requested.
    #[derive(Debug, PartialEq, Eq)]
    event RedeemRequest(
        address indexed controller,
        address indexed owner,
        uint256 indexed requestId,
        address sender,
        uint256 shares
    );

    /// Emitted when `controller` approves or revokes `operator` (ERC-7540).
    ///
    /// * `controller` - The caller.
    /// * `operator` - Who may request and claim for the caller.
    /// * `approved` - Whether it now may.
    #[derive(Debug, PartialEq, Eq)]
    event OperatorSet(address indexed controller, address indexed operator, bool approved);

    /// Emitted when the market pulls a payout of `requested` and gets `paid`.
    ///
    /// * `marketId` - The market the flow belongs to.
    /// * `reason` - The flow reason code (0 premium, 1 fees, 2 settlement, 3 default,
    ///   4 insurance).
    /// * `requested` - What the market asked for, in asset units.
    /// * `paid` - What the vault paid: `min(requested, cash)`.
    #[derive(Debug, PartialEq, Eq)]
    event PayoutPulled(
        bytes32 indexed marketId,
        uint8 indexed reason,
        uint256 requested,
        uint256 paid
    );

    /// Emitted when the market books `amount`, already transferred, as the pool's cash.
    ///
    /// * `marketId` - The market the flow belongs to.
    /// * `reason` - The flow reason code (0 premium, 1 fees, 2 settlement, 3 default,
    ///   4 insurance).
    /// * `amount` - The amount, in asset units.
    #[derive(Debug, PartialEq, Eq)]
    event PremiumNotified(bytes32 indexed marketId, uint8 indexed reason, uint256 amount);

    /// Emitted when a call values the pool without a fresh mark: the market's view failed
    /// or its mark is older than `vault.markMaxAge`. The vault used its last fresh mark
    /// with the liability and required collateral raised by `vault.staleBufferWad`.
    ///
    /// * `markTime` - When the last fresh mark was taken (0: never).
    /// * `liability` - The liability used, buffer included, in asset units.
    /// * `requiredCollateral` - The collateral locked, buffer included, in asset units.
    #[derive(Debug, PartialEq, Eq)]
    event StaleMark(uint64 markTime, uint256 liability, uint256 requiredCollateral);
}

/// An event as EVM log words, encoded by hand.
///
/// A log is its topics (the signature hash, then each indexed field) and its ABI-encoded
/// data; every data field here is a static word. One non-generic emitter then serves every
/// event instead of one generic encoder per event from `sol!`. The tests assert every event
/// against its `sol!` type, which checks this encoding word for word.
pub(crate) trait LogWords {
    /// Calls `emit` with the topics and the data words of the event.
    fn with_words(self, emit: impl FnOnce(&[B256], &[U256]));
}

/// A `uint64` (or smaller) field as a word.
fn w(value: u64) -> U256 {
    U256::from(value)
}

/// An address as a data word.
fn address_word(account: alloy_primitives::Address) -> U256 {
    U256::from_be_bytes(account.into_word().0)
}

impl LogWords for Deposit {
    fn with_words(self, emit: impl FnOnce(&[B256], &[U256])) {
        emit(
            &[Self::SIGNATURE_HASH, self.sender.into_word(), self.owner.into_word()],
            &[self.assets, self.shares],
        );
    }
}

impl LogWords for Withdraw {
    fn with_words(self, emit: impl FnOnce(&[B256], &[U256])) {
        emit(
            &[
                Self::SIGNATURE_HASH,
                self.sender.into_word(),
                self.receiver.into_word(),
                self.owner.into_word(),
            ],
            &[self.assets, self.shares],
        );
    }
}

impl LogWords for RedeemRequest {
    fn with_words(self, emit: impl FnOnce(&[B256], &[U256])) {
        emit(
            &[
                Self::SIGNATURE_HASH,
                self.controller.into_word(),
                self.owner.into_word(),
                B256::from(self.requestId),
            ],
            &[address_word(self.sender), self.shares],
        );
    }
}

impl LogWords for OperatorSet {
    fn with_words(self, emit: impl FnOnce(&[B256], &[U256])) {
        emit(
            &[Self::SIGNATURE_HASH, self.controller.into_word(), self.operator.into_word()],
            &[w(u64::from(self.approved))],
        );
    }
}

impl LogWords for PayoutPulled {
    fn with_words(self, emit: impl FnOnce(&[B256], &[U256])) {
        emit(
            &[Self::SIGNATURE_HASH, self.marketId, B256::from(w(u64::from(self.reason)))],
            &[self.requested, self.paid],
        );
    }
}

impl LogWords for PremiumNotified {
    fn with_words(self, emit: impl FnOnce(&[B256], &[U256])) {
        emit(
            &[Self::SIGNATURE_HASH, self.marketId, B256::from(w(u64::from(self.reason)))],
            &[self.amount],
        );
    }
}

impl LogWords for StaleMark {
    fn with_words(self, emit: impl FnOnce(&[B256], &[U256])) {
        emit(&[Self::SIGNATURE_HASH], &[w(self.markTime), self.liability, self.requiredCollateral]);
    }
}
