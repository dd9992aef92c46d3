//! The mocks behave as documented.

use alloy_primitives::{Address, B256, U256};
use alloy_sol_types::SolError;
use motsu::prelude::*;
use mutual_interfaces::keys::{
    INSURANCE_SCOPE, LISTER_KEY, MARKET_PARAM_KEYS, PROTOCOL_SCOPE, SEQUENCER_FEED_KEY,
};

use crate::{
    market_params, MockErc20, MockGovernance, MockGovernanceUnknownKey, MockMarket, DECIMALS,
};

#[test]
fn the_market_params_are_every_market_key_but_the_addresses() {
    let mut given: Vec<B256> = market_params().iter().map(|(key, _)| *key).collect();
    given.extend([LISTER_KEY, SEQUENCER_FEED_KEY]);
    let mut expected: Vec<B256> = MARKET_PARAM_KEYS.iter().map(|(_, key)| *key).collect();
    given.sort();
    expected.sort();
    assert_eq!(given, expected);
}

#[motsu::test]
fn the_token_has_six_decimals_and_an_open_mint(
    token: Contract<MockErc20>,
    alice: Address,
    bob: Address,
) {
    assert_eq!(token.sender(alice).decimals(), DECIMALS);
    assert_eq!(DECIMALS, 6);
    token.sender(bob).mint(alice, U256::from(100)).unwrap();
    assert_eq!(token.sender(alice).total_supply(), U256::from(100));
    assert_eq!(token.sender(alice).transfer(bob, U256::from(40)).ok(), Some(true));
    assert_eq!(token.sender(alice).approve(bob, U256::from(10)).ok(), Some(true));
    assert_eq!(token.sender(bob).transfer_from(alice, bob, U256::from(10)).ok(), Some(true));
    assert_eq!(token.sender(alice).balance_of(bob), U256::from(50));
    // Failing: `false`, nothing moves.
    token.sender(alice).set_failing(true);
    assert_eq!(token.sender(alice).transfer(bob, U256::from(1)).ok(), Some(false));
    assert_eq!(token.sender(alice).approve(bob, U256::from(1)).ok(), Some(true));
    assert_eq!(token.sender(bob).transfer_from(alice, bob, U256::from(1)).ok(), Some(false));
    assert_eq!(token.sender(alice).balance_of(alice), U256::from(50));
    assert_eq!(token.sender(alice).allowance(alice, bob), U256::from(1));
}

#[motsu::test]
fn governance_reads_set_keys_and_reverts_for_others(gov: Contract<MockGovernance>, alice: Address) {
    let (a, b) = (B256::repeat_byte(1), B256::repeat_byte(2));
    let unknown = |key| MockGovernanceUnknownKey { key }.abi_encode();
    assert_eq!(gov.sender(alice).get(a), Err(unknown(a)));
    gov.sender(alice).set(a, U256::from(7));
    gov.sender(alice).set(b, U256::ZERO);
    assert_eq!(gov.sender(alice).get(a), Ok(U256::from(7)));
    assert_eq!(
        gov.sender(alice).get_many(vec![b, a, a]),
        Ok(vec![U256::ZERO, U256::from(7), U256::from(7)])
    );
    gov.sender(alice).unset(a);
    assert_eq!(gov.sender(alice).get_many(vec![b, a]), Err(unknown(a)));
    assert!(!gov.sender(alice).is_paused(INSURANCE_SCOPE));
    gov.sender(alice).set_paused(PROTOCOL_SCOPE, true);
    assert!(gov.sender(alice).is_paused(INSURANCE_SCOPE));
    gov.sender(alice).set_paused(PROTOCOL_SCOPE, false);
    gov.sender(alice).set_paused(INSURANCE_SCOPE, true);
    assert!(gov.sender(alice).is_paused(INSURANCE_SCOPE));
    assert!(!gov.sender(alice).is_paused(b));
}

#[motsu::test]
fn the_market_answers_what_it_is_set_to(market: Contract<MockMarket>, alice: Address) {
    assert_eq!(market.sender(alice).longest_open_tenor(), Ok(0));
    market.sender(alice).set_longest_open_tenor(86_400);
    assert_eq!(market.sender(alice).longest_open_tenor(), Ok(86_400));
    market.sender(alice).set_tenor_reverts(true);
    assert_eq!(market.sender(alice).longest_open_tenor(), Err(Vec::new()));
    let id = B256::repeat_byte(0xe7);
    market.sender(alice).set_stressed_loss(id, U256::from(5));
    assert_eq!(market.sender(alice).stressed_loss(id), U256::from(5));
    assert_eq!(market.sender(alice).stressed_loss(B256::ZERO), U256::ZERO);
}

#[motsu::test]
fn the_market_marks_the_pool_as_set(market: Contract<MockMarket>, alice: Address) {
    /// motsu 0.10's constant block timestamp.
    const T0: u64 = 1_735_689_600;
    mutual_contract_kit::clock::reset();
    assert_eq!(market.sender(alice).pool_liability(), Ok((U256::ZERO, U256::ZERO, T0)));
    assert_eq!(market.sender(alice).required_collateral(), Ok(U256::ZERO));
    market.sender(alice).set_pool_liability(U256::from(7), U256::from(3));
    market.sender(alice).set_required_collateral(U256::from(11));
    // The mark time follows the clock, less the set age.
    market.sender(alice).set_mark_age(60);
    mutual_contract_kit::clock::warp(1_000);
    assert_eq!(
        market.sender(alice).pool_liability(),
        Ok((U256::from(7), U256::from(3), T0 + 1_000 - 60))
    );
    market.sender(alice).set_mark_time(5);
    assert_eq!(market.sender(alice).pool_liability(), Ok((U256::from(7), U256::from(3), 5)));
    assert_eq!(market.sender(alice).required_collateral(), Ok(U256::from(11)));
    market.sender(alice).set_liability_reverts(true);
    assert_eq!(market.sender(alice).pool_liability(), Err(Vec::new()));
    assert_eq!(market.sender(alice).required_collateral(), Ok(U256::from(11)));
    market.sender(alice).set_required_reverts(true);
    assert_eq!(market.sender(alice).required_collateral(), Err(Vec::new()));
    mutual_contract_kit::clock::reset();
}
