//! The market's lean calls: its flows with the vault and the insurance fund, and its
//! Chainlink-style feeds, encoded by hand as [`crate::calls`] does (one calldata builder
//! and one word reader for all of them, instead of alloy's generic codec per function).
//!
//! Every signature here is one of this crate's declarations (a test reads them from the
//! source). As in [`crate::calls`], each call takes a call context (`&*self` for a view,
//! `&mut *self` for a write), supplies all gas and no value, and returns `None` when the
//! callee reverts or answers with malformed data.

use alloy_primitives::{Address, B256, U256};
use stylus_sdk::call::{MutatingCallContext, StaticCallContext};

use crate::calls::{calldata, selector, view, word, write};

/// Every function these calls make, as its canonical signature (checked by the tests to be
/// declared in this crate's `sol_interface!` block).
pub const SIGNATURES: [&str; 10] = [
    PULL_PAYOUT_SIGNATURE,
    NOTIFY_PREMIUM_SIGNATURE,
    TOTAL_ASSETS_SIGNATURE,
    HELD_ASSETS_SIGNATURE,
    COVER_SIGNATURE,
    NOTIFY_INCOME_SIGNATURE,
    INCOME_SHARE_SIGNATURE,
    FUND_ASSETS_SIGNATURE,
    LATEST_ROUND_DATA_SIGNATURE,
    GET_ROUND_DATA_SIGNATURE,
];

/// `IMutualVault.pullPayout`.
const PULL_PAYOUT_SIGNATURE: &str = "pullPayout(bytes32,uint8,uint256)";
/// `IMutualVault.notifyPremium`.
const NOTIFY_PREMIUM_SIGNATURE: &str = "notifyPremium(bytes32,uint8,uint256)";
/// `IMutualVault.totalAssets`.
const TOTAL_ASSETS_SIGNATURE: &str = "totalAssets()";
/// `IMutualVault.valuation`.
const HELD_ASSETS_SIGNATURE: &str = "heldAssets()";
/// `IInsuranceFund.cover`.
const COVER_SIGNATURE: &str = "cover(uint8,bytes32,uint256)";
/// `IInsuranceFund.notifyIncome`.
const NOTIFY_INCOME_SIGNATURE: &str = "notifyIncome(bytes32,uint256)";
/// `IInsuranceFund.incomeShareWad`.
const INCOME_SHARE_SIGNATURE: &str = "incomeShareWad(bytes32)";
/// `IInsuranceFund.fundAssets`.
const FUND_ASSETS_SIGNATURE: &str = "fundAssets()";
/// `IAggregatorV3.latestRoundData`.
const LATEST_ROUND_DATA_SIGNATURE: &str = "latestRoundData()";
/// `IAggregatorV3.getRoundData`.
const GET_ROUND_DATA_SIGNATURE: &str = "getRoundData(uint80)";

/// The selector of [`PULL_PAYOUT_SIGNATURE`].
const PULL_PAYOUT: [u8; 4] = selector(PULL_PAYOUT_SIGNATURE);
/// The selector of [`NOTIFY_PREMIUM_SIGNATURE`].
const NOTIFY_PREMIUM: [u8; 4] = selector(NOTIFY_PREMIUM_SIGNATURE);
/// The selector of [`TOTAL_ASSETS_SIGNATURE`].
const TOTAL_ASSETS: [u8; 4] = selector(TOTAL_ASSETS_SIGNATURE);
/// The selector of [`HELD_ASSETS_SIGNATURE`].
const HELD_ASSETS: [u8; 4] = selector(HELD_ASSETS_SIGNATURE);
/// The selector of [`COVER_SIGNATURE`].
const COVER: [u8; 4] = selector(COVER_SIGNATURE);
/// The selector of [`NOTIFY_INCOME_SIGNATURE`].
const NOTIFY_INCOME: [u8; 4] = selector(NOTIFY_INCOME_SIGNATURE);
/// The selector of [`INCOME_SHARE_SIGNATURE`].
const INCOME_SHARE: [u8; 4] = selector(INCOME_SHARE_SIGNATURE);
/// The selector of [`FUND_ASSETS_SIGNATURE`].
const FUND_ASSETS: [u8; 4] = selector(FUND_ASSETS_SIGNATURE);
/// The selector of [`LATEST_ROUND_DATA_SIGNATURE`].
const LATEST_ROUND_DATA: [u8; 4] = selector(LATEST_ROUND_DATA_SIGNATURE);
/// The selector of [`GET_ROUND_DATA_SIGNATURE`].
const GET_ROUND_DATA: [u8; 4] = selector(GET_ROUND_DATA_SIGNATURE);

/// One round of a Chainlink-style feed, as `latestRoundData`/`getRoundData` return it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Round {
    /// The round id (`uint80`: phase id in the top 16 bits, the aggregator's round below).
    pub round_id: U256,
    /// The answer, a two's-complement `int256` word (negative when the top bit is set).
    pub answer: U256,
    /// When the round started, in seconds (the sequencer feed: when the status changed).
    pub started_at: U256,
    /// When the answer was last updated, in seconds; 0 for an incomplete round.
    pub updated_at: U256,
    /// The round in which the answer was computed.
    pub answered_in_round: U256,
}

/// A `uint8` as an ABI word.
fn word_u8(value: u8) -> B256 {
    B256::from(U256::from(value))
}

/// The first return word of a call that answered one.
fn first(data: Option<alloc::vec::Vec<u8>>) -> Option<U256> {
    word(&data?, 0)
}

/// `IMutualVault(vault).pullPayout(marketId, reason, amount)`: what the vault paid.
#[must_use]
pub fn pull_payout(
    context: impl MutatingCallContext,
    vault: Address,
    market_id: B256,
    reason: u8,
    amount: U256,
) -> Option<U256> {
    let words = [market_id, word_u8(reason), B256::from(amount)];
    first(write(context, vault, &calldata(PULL_PAYOUT, &words)))
}

/// `IMutualVault(vault).notifyPremium(marketId, reason, amount)`: whether it succeeded.
#[must_use]
pub fn notify_premium(
    context: impl MutatingCallContext,
    vault: Address,
    market_id: B256,
    reason: u8,
    amount: U256,
) -> bool {
    let words = [market_id, word_u8(reason), B256::from(amount)];
    write(context, vault, &calldata(NOTIFY_PREMIUM, &words)).is_some()
}

/// `IMutualVault(vault).totalAssets()`.
#[must_use]
pub fn total_assets(context: impl StaticCallContext, vault: Address) -> Option<U256> {
    first(view(context, vault, &calldata(TOTAL_ASSETS, &[])))
}

/// `IMutualVault(vault).heldAssets()`: the pool's cash plus the options it holds against
/// traders' shorts, everything in its NAV but the written book's liability; the vault
/// reads no book for it, so the book may call it while on the call stack.
#[must_use]
pub fn held_assets(context: impl StaticCallContext, vault: Address) -> Option<U256> {
    first(view(context, vault, &calldata(HELD_ASSETS, &[])))
}

/// `IInsuranceFund(fund).cover(kind, marketId, amount)`: what the fund paid.
#[must_use]
pub fn cover(
    context: impl MutatingCallContext,
    fund: Address,
    kind: u8,
    market_id: B256,
    amount: U256,
) -> Option<U256> {
    let words = [word_u8(kind), market_id, B256::from(amount)];
    first(write(context, fund, &calldata(COVER, &words)))
}

/// `IInsuranceFund(fund).notifyIncome(marketId, amount)`: whether it succeeded.
#[must_use]
pub fn notify_income(
    context: impl MutatingCallContext,
    fund: Address,
    market_id: B256,
    amount: U256,
) -> bool {
    let words = [market_id, B256::from(amount)];
    write(context, fund, &calldata(NOTIFY_INCOME, &words)).is_some()
}

/// `IInsuranceFund(fund).incomeShareWad(marketId)`.
#[must_use]
pub fn income_share_wad(
    context: impl StaticCallContext,
    fund: Address,
    market_id: B256,
) -> Option<U256> {
    first(view(context, fund, &calldata(INCOME_SHARE, &[market_id])))
}

/// `IInsuranceFund(fund).fundAssets()`.
#[must_use]
pub fn fund_assets(context: impl StaticCallContext, fund: Address) -> Option<U256> {
    first(view(context, fund, &calldata(FUND_ASSETS, &[])))
}

/// `IAggregatorV3(feed).latestRoundData()`.
#[must_use]
pub fn latest_round_data(context: impl StaticCallContext, feed: Address) -> Option<Round> {
    read_round(&view(context, feed, &calldata(LATEST_ROUND_DATA, &[]))?)
}

/// `IAggregatorV3(feed).getRoundData(roundId)`.
#[must_use]
pub fn get_round_data(
    context: impl StaticCallContext,
    feed: Address,
    round_id: U256,
) -> Option<Round> {
    read_round(&view(context, feed, &calldata(GET_ROUND_DATA, &[B256::from(round_id)]))?)
}

/// The five words of a round.
fn read_round(data: &[u8]) -> Option<Round> {
    Some(Round {
        round_id: word(data, 0)?,
        answer: word(data, 1)?,
        started_at: word(data, 2)?,
        updated_at: word(data, 3)?,
        answered_in_round: word(data, 4)?,
    })
}

#[cfg(test)]
mod tests {
    use alloy_primitives::{keccak256, U256};

    use super::*;
    use crate::calls::tests::declared;

    #[test]
    fn every_signature_is_declared_and_selected_by_its_keccak() {
        let declared = declared();
        for signature in SIGNATURES {
            assert!(declared.iter().any(|d| d == signature), "{signature} is not declared");
            assert_eq!(selector(signature), keccak256(signature)[..4], "{signature}");
        }
    }

    #[test]
    fn rounds_read_five_words_or_nothing() {
        let mut data = alloc::vec::Vec::new();
        for i in 1u8..=5 {
            data.extend_from_slice(&U256::from(i).to_be_bytes::<32>());
        }
        let round = read_round(&data).expect("five words");
        assert_eq!(round.round_id, U256::from(1));
        assert_eq!(round.answered_in_round, U256::from(5));
        assert_eq!(read_round(&data[..4 * 32]), None);
    }
}
