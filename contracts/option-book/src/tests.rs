//! Unit tests of `OptionBook` with its listings: the calls reserved to the market. Listings, prices,
//! the pool limits and settlement are tested through the market with every program
//! deployed (`contracts/market/src/tests.rs`).

use alloy_primitives::{Address, U256};
use motsu::prelude::*;
use mutual_interfaces::keys::{
    address_to_value, BOOK_KEY, LISTINGS_KEY, MARKET_KEY, SHORT_BOOK_KEY,
};
use mutual_option_listings::OptionListings;
use mutual_test_mocks::{MockErc20, MockGovernance};

use super::*;

/// The governance operator.
fn admin() -> Address {
    Address::repeat_byte(0xad)
}

#[motsu::test]
fn trades_and_settlements_come_only_from_the_market(
    book: Contract<OptionBook>,
    listings: Contract<OptionListings>,
    token: Contract<MockErc20>,
    gov: Contract<MockGovernance>,
) {
    let market = Address::repeat_byte(0x3a);
    // Every key a trade reads is registered (zeros), the market's address under its key.
    for key in internal::TRADE_KEYS {
        gov.sender(admin()).set(key, U256::ZERO);
    }
    gov.sender(admin()).set(MARKET_KEY, address_to_value(market));
    gov.sender(admin()).set(BOOK_KEY, address_to_value(book.address()));
    gov.sender(admin()).set(LISTINGS_KEY, address_to_value(listings.address()));
    gov.sender(admin()).set(SHORT_BOOK_KEY, U256::ZERO);
    book.sender(admin()).constructor(token.address(), gov.address()).expect("constructor");
    listings.sender(admin()).constructor(token.address(), gov.address()).expect("listings");
    let intruder = Address::repeat_byte(0xb0);
    let unauthorized = Error::UnauthorizedAccount(MarketUnauthorizedAccount {
        account: intruder,
        role: MARKET_ROLE,
    });
    assert_eq!(
        book.sender(intruder)
            .trade(1, true, U256::from(1), true, u64::MAX, U256::ZERO)
            .motsu_unwrap_err(),
        unauthorized
    );
    assert_eq!(
        book.sender(intruder).settle_board(1, U256::from(1)).motsu_unwrap_err(),
        unauthorized
    );
    // The market passes the caller check and meets the next one, the listings' refusal
    // forwarded (the book is the caller the listings accept).
    assert_eq!(
        book.sender(market).settle_board(1, U256::from(1)).motsu_unwrap_err(),
        Error::UnknownBoard(MarketUnknownBoard { boardId: 1 })
    );
}
