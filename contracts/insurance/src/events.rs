//! The events of `InsuranceFund`, declared once.
//!
//! An indexer rebuilds every tranche's history from these logs alone: its shares
//! ([`Deposit`], [`Withdraw`]), its assets (those two, plus each tranche's part in
//! [`LossCovered`] and [`IncomeDistributed`]), staker allowances ([`Approval`]) and exit
//! requests ([`WithdrawRequested`]). Every loss cover leaves exactly one [`LossCovered`],
//! the same fields as `lossRecord(lossId)`.
//!
//! Tranche ids are `uint8` (0 junior, 1 senior, ...); times are `uint64` seconds.

use alloy_primitives::{B256, U256};
use mutual_contract_kit::abi::{with_array, word_u8, LogWords};
use stylus_sdk::alloy_sol_types::{sol, SolEvent};

sol! {
    /// Emitted when `sender` deposits `assets` into `tranche` (by `deposit` or `mint`) and
    /// `owner` receives `shares`.
    ///
    /// * `tranche` - The tranche id.
    /// * `sender` - The caller, who paid the assets.
    /// * `owner` - The receiver of the shares.
    /// * `assets` - The assets paid in, in asset units.
    /// * `shares` - The shares minted.
    #[derive(Debug, PartialEq, Eq)]
    event Deposit(
        uint8 indexed tranche,
        address indexed sender,
        address indexed owner,
        uint256 assets,
        uint256 shares
    );

    /// Emitted when `sender` burns `owner`'s `shares` of `tranche` (by `withdraw` or
    /// `redeem`) and `receiver` gets `assets`.
    ///
    /// * `tranche` - The tranche id.
    /// * `sender` - The caller: `owner`, or a spender with a share allowance.
    /// * `receiver` - Who received the assets.
    /// * `owner` - Whose shares were burned.
    /// * `assets` - The assets paid out, in asset units.
    /// * `shares` - The shares burned.
    #[derive(Debug, PartialEq, Eq)]
    event Withdraw(
        uint8 indexed tranche,
        address indexed sender,
        address receiver,
        address indexed owner,
        uint256 assets,
        uint256 shares
    );

    /// Emitted when `owner` sets `spender`'s allowance over its `tranche` shares.
    ///
    /// * `tranche` - The tranche id.
    /// * `owner` - The owner of the shares.
    /// * `spender` - Who may withdraw or redeem them.
    /// * `shares` - The allowance, in shares (`type(uint256).max`: unlimited).
    #[derive(Debug, PartialEq, Eq)]
    event Approval(
        uint8 indexed tranche,
        address indexed owner,
        address indexed spender,
        uint256 shares
    );

    /// Emitted when `owner` requests to exit `shares` of `tranche`, replacing any earlier
    /// request of that tranche.
    ///
    /// * `tranche` - The tranche id.
    /// * `owner` - The staker.
    /// * `shares` - The shares requested (they stay in the balance, exposed to losses).
    /// * `unlockAt` - The first second they can be withdrawn.
    /// * `expiresAt` - The last second they can be withdrawn.
    #[derive(Debug, PartialEq, Eq)]
    event WithdrawRequested(
        uint8 indexed tranche,
        address indexed owner,
        uint256 shares,
        uint64 unlockAt,
        uint64 expiresAt
    );

    /// Emitted once per `cover`: the canonical record of a loss, as `lossRecord(lossId)`.
    ///
    /// * `lossId` - The loss id, from 1, increasing by one per cover.
    /// * `kind` - 0 trader default, 1 pool tail loss.
    /// * `marketId` - The market the loss came from.
    /// * `requested` - The loss the caller asked to cover, in asset units.
    /// * `absorbed` - What each tranche paid, by tranche id.
    /// * `residual` - What no tranche could take: `requested - sum(absorbed)`, left to the
    ///   caller's next layer.
    /// * `timestamp` - The block time of the cover.
    #[derive(Debug, PartialEq, Eq)]
    event LossCovered(
        uint256 indexed lossId,
        uint8 indexed kind,
        bytes32 indexed marketId,
        uint256 requested,
        uint256[] absorbed,
        uint256 residual,
        uint64 timestamp
    );

    /// Emitted when the market's income `amount` is booked, split across the tranches.
    ///
    /// * `marketId` - The market the income came from.
    /// * `amount` - The income, in asset units.
    /// * `perTranche` - What each tranche received, by tranche id; sums to `amount`.
    #[derive(Debug, PartialEq, Eq)]
    event IncomeDistributed(bytes32 indexed marketId, uint256 amount, uint256[] perTranche);
}

impl LogWords for Deposit {
    fn with_words(self, emit: impl FnOnce(&[B256], &[U256])) {
        emit(
            &[
                Self::SIGNATURE_HASH,
                word_u8(self.tranche),
                self.sender.into_word(),
                self.owner.into_word(),
            ],
            &[self.assets, self.shares],
        );
    }
}

impl LogWords for Withdraw {
    fn with_words(self, emit: impl FnOnce(&[B256], &[U256])) {
        emit(
            &[
                Self::SIGNATURE_HASH,
                word_u8(self.tranche),
                self.sender.into_word(),
                self.owner.into_word(),
            ],
            &[U256::from_be_bytes(self.receiver.into_word().0), self.assets, self.shares],
        );
    }
}

impl LogWords for Approval {
    fn with_words(self, emit: impl FnOnce(&[B256], &[U256])) {
        emit(
            &[
                Self::SIGNATURE_HASH,
                word_u8(self.tranche),
                self.owner.into_word(),
                self.spender.into_word(),
            ],
            &[self.shares],
        );
    }
}

impl LogWords for WithdrawRequested {
    fn with_words(self, emit: impl FnOnce(&[B256], &[U256])) {
        emit(
            &[Self::SIGNATURE_HASH, word_u8(self.tranche), self.owner.into_word()],
            &[self.shares, U256::from(self.unlockAt), U256::from(self.expiresAt)],
        );
    }
}

impl LogWords for LossCovered {
    fn with_words(self, emit: impl FnOnce(&[B256], &[U256])) {
        let head =
            alloc::vec![self.requested, U256::ZERO, self.residual, U256::from(self.timestamp)];
        emit(
            &[Self::SIGNATURE_HASH, B256::from(self.lossId), word_u8(self.kind), self.marketId],
            &with_array(head, 1, &self.absorbed),
        );
    }
}

impl LogWords for IncomeDistributed {
    fn with_words(self, emit: impl FnOnce(&[B256], &[U256])) {
        let head = alloc::vec![self.amount, U256::ZERO];
        emit(&[Self::SIGNATURE_HASH, self.marketId], &with_array(head, 1, &self.perTranche));
    }
}
