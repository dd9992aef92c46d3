//! Unit tests of `OptionListings` alone: the calls reserved to the book. Listings, prices
//! and settlement are tested through the market with every program deployed
//! (`contracts/market/src/tests.rs`).

use alloy_primitives::{Address, U256};
use motsu::prelude::*;
use mutual_interfaces::keys::{address_to_value, BOOK_KEY, SHORT_BOOK_KEY};
use mutual_test_mocks::{MockErc20, MockGovernance};

use super::*;

/// The governance operator.
fn admin() -> Address {
    Address::repeat_byte(0xad)
}

#[motsu::test]
fn trades_records_and_settlements_come_only_from_the_book(
    listings: Contract<OptionListings>,
    token: Contract<MockErc20>,
    gov: Contract<MockGovernance>,
) {
    let book = Address::repeat_byte(0xb4);
    gov.sender(admin()).set(BOOK_KEY, address_to_value(book));
    gov.sender(admin()).set(SHORT_BOOK_KEY, U256::ZERO);
    listings.sender(admin()).constructor(token.address(), gov.address()).expect("constructor");
    let intruder = Address::repeat_byte(0xb0);
    let unauthorized = Error::UnauthorizedAccount(MarketUnauthorizedAccount {
        account: intruder,
        role: BOOK_ROLE,
    });
    assert_eq!(
        listings
            .sender(intruder)
            .record_trade(1, true, U256::from(1), U256::from(1))
            .motsu_unwrap_err(),
        unauthorized
    );
    assert_eq!(
        listings.sender(intruder).settle_board(1, U256::from(1)).motsu_unwrap_err(),
        unauthorized
    );
    // The book passes the caller check and meets the next one.
    assert_eq!(
        listings.sender(book).settle_board(1, U256::from(1)).motsu_unwrap_err(),
        Error::UnknownBoard(MarketUnknownBoard { boardId: 1 })
    );
    assert_eq!(
        listings
            .sender(book)
            .record_trade(1, true, U256::from(1), U256::from(1))
            .motsu_unwrap_err(),
        Error::UnknownStrike(MarketUnknownStrike { strikeId: 1 })
    );
    assert_eq!(
        listings.sender(intruder).strike(1),
        (0, U256::ZERO, U256::ZERO, U256::ZERO, U256::ZERO)
    );
}

#[motsu::test]
fn the_short_book_records_trades_but_never_settles(
    listings: Contract<OptionListings>,
    token: Contract<MockErc20>,
    gov: Contract<MockGovernance>,
) {
    let (book, short_book) = (Address::repeat_byte(0xb4), Address::repeat_byte(0x5b));
    gov.sender(admin()).set(BOOK_KEY, address_to_value(book));
    gov.sender(admin()).set(SHORT_BOOK_KEY, U256::ZERO);
    listings.sender(admin()).constructor(token.address(), gov.address()).expect("constructor");
    let refused = |account| {
        Error::UnauthorizedAccount(MarketUnauthorizedAccount { account, role: BOOK_ROLE })
    };
    let record = |caller| listings.sender(caller).record_trade(1, false, U256::ZERO, U256::from(1));
    // Registered at zero, the key names nobody, not even the zero address.
    assert_eq!(record(short_book).motsu_unwrap_err(), refused(short_book));
    assert_eq!(record(Address::ZERO).motsu_unwrap_err(), refused(Address::ZERO));
    gov.sender(admin()).set(SHORT_BOOK_KEY, address_to_value(short_book));
    // Registered: it passes the caller check of `recordTrade` and meets the next one ...
    assert_eq!(
        record(short_book).motsu_unwrap_err(),
        Error::UnknownStrike(MarketUnknownStrike { strikeId: 1 })
    );
    // ... but settlement stays the book's.
    assert_eq!(
        listings.sender(short_book).settle_board(1, U256::from(1)).motsu_unwrap_err(),
        refused(short_book)
    );
}

#[motsu::test]
fn the_constructor_rejects_zero_addresses(
    listings: Contract<OptionListings>,
    token: Contract<MockErc20>,
) {
    let gov = Address::repeat_byte(0x60);
    for (asset, governance) in [(Address::ZERO, gov), (token.address(), Address::ZERO)] {
        assert_eq!(
            listings.sender(admin()).constructor(asset, governance).motsu_unwrap_err(),
            Error::InvalidAddress(MarketInvalidAddress { account: Address::ZERO })
        );
    }
}
