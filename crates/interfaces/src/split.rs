//! The calls between the programs of the market's split (`docs/market.md`, "Size"):
//! `OptionsMarket` -> `OptionBook` (`IOptionBook`) and `OptionBook` -> `RiskEngine`
//! (`IRiskEngine`), encoded by hand as [`crate::calls`] does.
//!
//! Unlike [`crate::calls`] and [`crate::flows`], these keep the callee's revert data
//! (`Err(data)`): the caller forwards it as its own, so a trader sees the book's or the
//! engine's custom error unchanged. Every signature here is declared in this crate's
//! `sol_interface!` block (a test reads them from the source).

use alloc::vec::Vec;

use alloy_primitives::{Address, B256, U256};
use stylus_sdk::call::{MutatingCallContext, StaticCallContext};

use crate::calls::{selector, word};

/// Every function these calls make, as its canonical signature.
pub const SIGNATURES: [&str; 15] = [
    TRADE_SIGNATURE,
    SETTLE_BOARD_SIGNATURE,
    PAYOFF_SIGNATURE,
    LONGEST_OPEN_TENOR_SIGNATURE,
    STRESSED_LOSS_SIGNATURE,
    POOL_LIABILITY_SIGNATURE,
    REQUIRED_COLLATERAL_SIGNATURE,
    TRADE_PRICE_SIGNATURE,
    BOOK_RISK_SIGNATURE,
    GREEKS_SIGNATURE,
    MARKET_IDS_SIGNATURE,
    SPOT_SIGNATURE,
    STRIKE_INFO_SIGNATURE,
    MARKET_LINES_SIGNATURE,
    RECORD_TRADE_SIGNATURE,
];

/// `IOptionBook.trade`.
const TRADE_SIGNATURE: &str = "trade(uint64,bool,uint256,bool,uint64,uint256)";
/// `IOptionBook.settleBoard`.
const SETTLE_BOARD_SIGNATURE: &str = "settleBoard(uint64,uint256)";
/// `IOptionBook.payoff`.
const PAYOFF_SIGNATURE: &str = "payoff(uint64)";
/// `IOptionBook.longestOpenTenor` (as `IOptionsMarket`'s).
const LONGEST_OPEN_TENOR_SIGNATURE: &str = "longestOpenTenor()";
/// `IOptionBook.stressedLoss` (as `IOptionsMarket`'s).
const STRESSED_LOSS_SIGNATURE: &str = "stressedLoss(bytes32)";
/// `IOptionBook.poolLiability` (as `IOptionsMarket`'s).
const POOL_LIABILITY_SIGNATURE: &str = "poolLiability()";
/// `IOptionBook.requiredCollateral` (as `IOptionsMarket`'s).
const REQUIRED_COLLATERAL_SIGNATURE: &str = "requiredCollateral()";
/// `IRiskEngine.tradePrice`.
const TRADE_PRICE_SIGNATURE: &str =
    "tradePrice(uint256,uint256,uint64,uint256,bool,bool,uint256,uint256[],uint256[],uint8)";
/// `IRiskEngine.bookRisk`.
const BOOK_RISK_SIGNATURE: &str = "bookRisk(uint256,uint256,uint8,uint256[],uint256[],int256[])";
/// `IRiskEngine.greeks`.
const GREEKS_SIGNATURE: &str = "greeks(uint256,uint256,uint64,uint256,uint256)";
/// The selector of [`GREEKS_SIGNATURE`].
const GREEKS: [u8; 4] = selector(GREEKS_SIGNATURE);

/// `IOptionListings.marketIds`.
const MARKET_IDS_SIGNATURE: &str = "marketIds()";
/// `IOptionListings.spot`.
const SPOT_SIGNATURE: &str = "spot(bytes32,bool)";
/// `IOptionListings.strikeInfo`.
const STRIKE_INFO_SIGNATURE: &str = "strikeInfo(uint64)";
/// `IOptionListings.marketLines`.
const MARKET_LINES_SIGNATURE: &str = "marketLines(bytes32)";
/// `IOptionListings.recordTrade`.
const RECORD_TRADE_SIGNATURE: &str = "recordTrade(uint64,bool,uint256,uint256)";
// `IOptionListings.settleBoard` and `longestOpenTenor` have the signatures (and returns) of
// `IOptionBook`'s: [`settle_board`] and [`longest_open_tenor`] call either.

/// The selector of [`MARKET_IDS_SIGNATURE`].
const MARKET_IDS: [u8; 4] = selector(MARKET_IDS_SIGNATURE);
/// The selector of [`SPOT_SIGNATURE`].
const SPOT: [u8; 4] = selector(SPOT_SIGNATURE);
/// The selector of [`STRIKE_INFO_SIGNATURE`].
const STRIKE_INFO: [u8; 4] = selector(STRIKE_INFO_SIGNATURE);
/// The selector of [`MARKET_LINES_SIGNATURE`].
const MARKET_LINES: [u8; 4] = selector(MARKET_LINES_SIGNATURE);
/// The selector of [`RECORD_TRADE_SIGNATURE`].
const RECORD_TRADE: [u8; 4] = selector(RECORD_TRADE_SIGNATURE);

/// The selector of [`TRADE_SIGNATURE`].
const TRADE: [u8; 4] = selector(TRADE_SIGNATURE);
/// The selector of [`SETTLE_BOARD_SIGNATURE`].
const SETTLE_BOARD: [u8; 4] = selector(SETTLE_BOARD_SIGNATURE);
/// The selector of [`PAYOFF_SIGNATURE`].
const PAYOFF: [u8; 4] = selector(PAYOFF_SIGNATURE);
/// The selector of [`LONGEST_OPEN_TENOR_SIGNATURE`].
const LONGEST_OPEN_TENOR: [u8; 4] = selector(LONGEST_OPEN_TENOR_SIGNATURE);
/// The selector of [`STRESSED_LOSS_SIGNATURE`].
const STRESSED_LOSS: [u8; 4] = selector(STRESSED_LOSS_SIGNATURE);
/// The selector of [`POOL_LIABILITY_SIGNATURE`].
const POOL_LIABILITY: [u8; 4] = selector(POOL_LIABILITY_SIGNATURE);
/// The selector of [`REQUIRED_COLLATERAL_SIGNATURE`].
const REQUIRED_COLLATERAL: [u8; 4] = selector(REQUIRED_COLLATERAL_SIGNATURE);
/// The selector of [`TRADE_PRICE_SIGNATURE`].
const TRADE_PRICE: [u8; 4] = selector(TRADE_PRICE_SIGNATURE);
/// The selector of [`BOOK_RISK_SIGNATURE`].
const BOOK_RISK: [u8; 4] = selector(BOOK_RISK_SIGNATURE);

/// The outcome of a call: the return data, or the callee's revert data.
pub type Returned = Result<Vec<u8>, Vec<u8>>;

/// One argument of a call: a static word, or a dynamic array of words.
#[derive(Clone, Copy)]
pub enum Arg<'a> {
    /// A static ABI word.
    Word(B256),
    /// A `T[]` of static words.
    Array(&'a [B256]),
}

/// `selector` and `args` ABI-encoded: the head (static words and the arrays' offsets),
/// then each array's length and elements in order.
#[must_use]
pub fn encode(selector: [u8; 4], args: &[Arg<'_>]) -> Vec<u8> {
    let mut head = Vec::with_capacity(4 + 32 * args.len());
    head.extend_from_slice(&selector);
    let mut tail = Vec::new();
    for arg in args {
        match arg {
            Arg::Word(w) => head.extend_from_slice(w.as_slice()),
            Arg::Array(items) => {
                let offset = 32 * args.len() + tail.len();
                head.extend_from_slice(&U256::from(offset).to_be_bytes::<32>());
                tail.extend_from_slice(&U256::from(items.len()).to_be_bytes::<32>());
                for item in *items {
                    tail.extend_from_slice(item.as_slice());
                }
            }
        }
    }
    head.extend_from_slice(&tail);
    head
}

/// The first `N` words of `data`, or `data` itself as the error if it is shorter.
///
/// # Errors
///
/// Returns `data` (as revert data) when it has fewer than `N` words.
pub fn words<const N: usize>(data: Vec<u8>) -> Result<[U256; N], Vec<u8>> {
    let mut out = [U256::ZERO; N];
    if fill(&data, &mut out) {
        Ok(out)
    } else {
        Err(data)
    }
}

/// Fills `out` with the first words of `data`; `false` if `data` is too short. Not
/// generic, so that each `N` of [`words`] costs a few bytes of wasm, not a copy of this.
fn fill(data: &[u8], out: &mut [U256]) -> bool {
    for (i, slot) in out.iter_mut().enumerate() {
        match word(data, i) {
            Some(value) => *slot = value,
            None => return false,
        }
    }
    true
}

/// The words of the dynamic array whose offset is head word `head` of `data` (the return
/// data of a function returning `T[]` of static words), or `data` itself as the error if
/// it is malformed.
///
/// # Errors
///
/// Returns `data` (as revert data) when the offset, the length or a word is out of it.
pub fn array(data: Vec<u8>, head: usize) -> Result<Vec<U256>, Vec<u8>> {
    match read_array(&data, head) {
        Some(items) => Ok(items),
        None => Err(data),
    }
}

/// See [`array`].
fn read_array(data: &[u8], head: usize) -> Option<Vec<U256>> {
    let offset = usize::try_from(word(data, head)?).ok()?;
    if offset % 32 != 0 {
        return None;
    }
    let start = offset / 32;
    let len = usize::try_from(word(data, start)?).ok()?;
    // Every element must be inside the data (also bounds the allocation).
    if len > data.len() / 32 {
        return None;
    }
    let mut items = Vec::with_capacity(len);
    for i in 0..len {
        items.push(word(data, start.checked_add(1 + i)?)?);
    }
    Some(items)
}

/// A static call keeping the revert data.
///
/// # Errors
///
/// The callee's revert data.
#[allow(deprecated, reason = "the safe call without a `dyn Host`; see `crate::calls`")]
pub fn view_raw(context: impl StaticCallContext, to: Address, data: &[u8]) -> Returned {
    stylus_sdk::call::static_call(context, to, data).map_err(revert_data)
}

/// A call keeping the revert data.
///
/// # Errors
///
/// The callee's revert data.
#[allow(deprecated, reason = "the safe call without a `dyn Host`; see `crate::calls`")]
pub fn write_raw(context: impl MutatingCallContext, to: Address, data: &[u8]) -> Returned {
    stylus_sdk::call::call(context, to, data).map_err(revert_data)
}

/// The revert data of a failed call (these raw calls never decode, so a decoding failure
/// cannot occur; it would read as empty revert data).
#[allow(deprecated, reason = "the error type of the safe calls above")]
fn revert_data(error: stylus_sdk::call::Error) -> Vec<u8> {
    match error {
        stylus_sdk::call::Error::Revert(data) => data,
        stylus_sdk::call::Error::AbiDecodingFailed(_) => Vec::new(),
    }
}

/// A `uint64` or `uint8` as a word.
fn n(value: u64) -> B256 {
    B256::from(U256::from(value))
}

/// A `bool` as a word.
fn b(value: bool) -> B256 {
    n(u64::from(value))
}

/// `IOptionBook(book).trade(strikeId, isCall, amount, isBuy, deadline, nav)`:
/// `[marketId, premium, fees, volWad, baseIvAfterWad, stressedLoss]`.
///
/// # Errors
///
/// The book's revert data.
#[allow(clippy::too_many_arguments, reason = "the ABI of one call")]
pub fn trade(
    context: impl MutatingCallContext,
    book: Address,
    strike_id: u64,
    is_call: bool,
    amount: U256,
    is_buy: bool,
    deadline: u64,
    nav: U256,
) -> Result<[U256; 6], Vec<u8>> {
    let args = [
        Arg::Word(n(strike_id)),
        Arg::Word(b(is_call)),
        Arg::Word(B256::from(amount)),
        Arg::Word(b(is_buy)),
        Arg::Word(n(deadline)),
        Arg::Word(B256::from(nav)),
    ];
    words(write_raw(context, book, &encode(TRADE, &args))?)
}

/// `IOptionBook(book).settleBoard(boardId, roundId)` (or `IOptionListings`'):
/// `[marketId, priceWad, owed]`.
///
/// # Errors
///
/// The book's revert data.
pub fn settle_board(
    context: impl MutatingCallContext,
    book: Address,
    board_id: u64,
    round_id: U256,
) -> Result<[U256; 3], Vec<u8>> {
    let args = [Arg::Word(n(board_id)), Arg::Word(B256::from(round_id))];
    words(write_raw(context, book, &encode(SETTLE_BOARD, &args))?)
}

/// `IOptionBook(book).payoff(strikeId)`: `[boardId, settled, priceWad, strikeWad]`.
///
/// # Errors
///
/// The book's revert data.
pub fn payoff(
    context: impl StaticCallContext,
    book: Address,
    strike_id: u64,
) -> Result<[U256; 4], Vec<u8>> {
    words(view_raw(context, book, &encode(PAYOFF, &[Arg::Word(n(strike_id))]))?)
}

/// `IOptionBook(book).longestOpenTenor()` (or `IOptionListings`'): `[tenor]`.
///
/// # Errors
///
/// The book's revert data.
pub fn longest_open_tenor(
    context: impl StaticCallContext,
    book: Address,
) -> Result<[U256; 1], Vec<u8>> {
    words(view_raw(context, book, &encode(LONGEST_OPEN_TENOR, &[]))?)
}

/// `IOptionBook(book).stressedLoss(marketId)`: `[stressedLoss]`.
///
/// # Errors
///
/// The book's revert data.
pub fn stressed_loss(
    context: impl StaticCallContext,
    book: Address,
    market_id: B256,
) -> Result<[U256; 1], Vec<u8>> {
    words(view_raw(context, book, &encode(STRESSED_LOSS, &[Arg::Word(market_id)]))?)
}

/// `IOptionBook(book).poolLiability()`: `[liability, receivable, markTime]`.
///
/// # Errors
///
/// The book's revert data.
pub fn pool_liability(
    context: impl StaticCallContext,
    book: Address,
) -> Result<[U256; 3], Vec<u8>> {
    words(view_raw(context, book, &encode(POOL_LIABILITY, &[]))?)
}

/// `IOptionBook(book).requiredCollateral()`: `[required]`.
///
/// # Errors
///
/// The book's revert data.
pub fn required_collateral(
    context: impl StaticCallContext,
    book: Address,
) -> Result<[U256; 1], Vec<u8>> {
    words(view_raw(context, book, &encode(REQUIRED_COLLATERAL, &[]))?)
}

/// The inputs of [`trade_price`] besides the context and the engine.
#[derive(Clone, Copy)]
pub struct TradePriceArgs {
    /// Spot, 18 decimals.
    pub spot_wad: U256,
    /// Strike, 18 decimals.
    pub strike_wad: U256,
    /// Seconds to expiry.
    pub seconds_to_expiry: u64,
    /// Rate, 18 decimals.
    pub rate_wad: U256,
    /// Call or put.
    pub is_call: bool,
    /// Purchase (premium up) or sale (premium down).
    pub is_buy: bool,
    /// Options traded, 18 decimals.
    pub amount_wad: U256,
    /// `[baseIv, skew, impact, minIv, maxIv]`, 18 decimals.
    pub curve: [B256; 5],
    /// `[spreadRate, spreadCapOfPremium, utilizationRate]`, 18 decimals.
    pub fees: [B256; 3],
    /// The asset's decimals.
    pub decimals: u8,
}

/// `IRiskEngine(engine).tradePrice(...)`: `[premium, fees, volWad, baseIvAfterWad]`.
///
/// # Errors
///
/// The engine's revert data.
pub fn trade_price(
    context: impl StaticCallContext,
    engine: Address,
    a: &TradePriceArgs,
) -> Result<[U256; 4], Vec<u8>> {
    let args = [
        Arg::Word(B256::from(a.spot_wad)),
        Arg::Word(B256::from(a.strike_wad)),
        Arg::Word(n(a.seconds_to_expiry)),
        Arg::Word(B256::from(a.rate_wad)),
        Arg::Word(b(a.is_call)),
        Arg::Word(b(a.is_buy)),
        Arg::Word(B256::from(a.amount_wad)),
        Arg::Array(&a.curve),
        Arg::Array(&a.fees),
        Arg::Word(n(u64::from(a.decimals))),
    ];
    words(view_raw(context, engine, &encode(TRADE_PRICE, &args))?)
}

/// `IRiskEngine(engine).bookRisk(spot, rate, decimals, spotFactors, volFactors, lines)`:
/// `[liability, stressedLoss, netDeltaWad, netVegaWad]`, the last two `int256` as
/// two's-complement words. `lines` are five `int256` words per line.
///
/// # Errors
///
/// The engine's revert data.
#[allow(clippy::too_many_arguments, reason = "the ABI of one call")]
pub fn book_risk(
    context: impl StaticCallContext,
    engine: Address,
    spot_wad: U256,
    rate_wad: U256,
    decimals: u8,
    spot_factors: &[B256],
    vol_factors: &[B256],
    lines: &[B256],
) -> Result<[U256; 4], Vec<u8>> {
    let args = [
        Arg::Word(B256::from(spot_wad)),
        Arg::Word(B256::from(rate_wad)),
        Arg::Word(n(u64::from(decimals))),
        Arg::Array(spot_factors),
        Arg::Array(vol_factors),
        Arg::Array(lines),
    ];
    words(view_raw(context, engine, &encode(BOOK_RISK, &args))?)
}

/// `IRiskEngine(engine).greeks(spot, strike, secondsToExpiry, rate, vol)`: `[callWad,
/// putWad, deltaCallWad, deltaPutWad, gammaWad, vegaWad, thetaCallWad, thetaPutWad,
/// rhoCallWad, rhoPutWad]`, the signed ones as two's-complement words.
///
/// # Errors
///
/// The engine's revert data.
pub fn greeks(
    context: impl StaticCallContext,
    engine: Address,
    spot_wad: U256,
    strike_wad: U256,
    seconds_to_expiry: u64,
    rate_wad: U256,
    vol_wad: U256,
) -> Result<[U256; 10], Vec<u8>> {
    let args = [
        Arg::Word(B256::from(spot_wad)),
        Arg::Word(B256::from(strike_wad)),
        Arg::Word(n(seconds_to_expiry)),
        Arg::Word(B256::from(rate_wad)),
        Arg::Word(B256::from(vol_wad)),
    ];
    words(view_raw(context, engine, &encode(GREEKS, &args))?)
}

/// `IOptionListings(listings).marketIds()`: the listed market ids.
///
/// # Errors
///
/// The listings' revert data.
pub fn market_ids(
    context: impl StaticCallContext,
    listings: Address,
) -> Result<Vec<U256>, Vec<u8>> {
    array(view_raw(context, listings, &encode(MARKET_IDS, &[]))?, 0)
}

/// `IOptionListings(listings).spot(marketId, checkAge)`: `[spotWad, updatedAt]`.
///
/// # Errors
///
/// The listings' revert data.
pub fn spot(
    context: impl StaticCallContext,
    listings: Address,
    market_id: B256,
    check_age: bool,
) -> Result<[U256; 2], Vec<u8>> {
    let args = [Arg::Word(market_id), Arg::Word(b(check_age))];
    words(view_raw(context, listings, &encode(SPOT, &args))?)
}

/// `IOptionListings(listings).strikeInfo(strikeId)`: `[marketId, boardId, expiry,
/// strikeWad, skewWad, baseIvWad, settled, settlementPriceWad, longCalls, longPuts]`.
///
/// # Errors
///
/// The listings' revert data.
pub fn strike_info(
    context: impl StaticCallContext,
    listings: Address,
    strike_id: u64,
) -> Result<[U256; 10], Vec<u8>> {
    words(view_raw(context, listings, &encode(STRIKE_INFO, &[Arg::Word(n(strike_id))]))?)
}

/// `IOptionListings(listings).marketLines(marketId)`: eight words per strike of each live
/// board, `[boardId, expiry, baseIvWad, strikeId, strikeWad, skewWad, longCalls,
/// longPuts]`.
///
/// # Errors
///
/// The listings' revert data.
pub fn market_lines(
    context: impl StaticCallContext,
    listings: Address,
    market_id: B256,
) -> Result<Vec<U256>, Vec<u8>> {
    array(view_raw(context, listings, &encode(MARKET_LINES, &[Arg::Word(market_id)]))?, 0)
}

/// `IOptionListings(listings).recordTrade(strikeId, isCall, openInterest, baseIvWad)`.
///
/// # Errors
///
/// The listings' revert data.
pub fn record_trade(
    context: impl MutatingCallContext,
    listings: Address,
    strike_id: u64,
    is_call: bool,
    open_interest: U256,
    base_iv_wad: U256,
) -> Result<(), Vec<u8>> {
    let args = [
        Arg::Word(n(strike_id)),
        Arg::Word(b(is_call)),
        Arg::Word(B256::from(open_interest)),
        Arg::Word(B256::from(base_iv_wad)),
    ];
    write_raw(context, listings, &encode(RECORD_TRADE, &args)).map(drop)
}

#[cfg(test)]
mod tests {
    use alloc::vec;

    use alloy_primitives::keccak256;

    use super::*;

    #[test]
    fn every_signature_is_declared_with_its_selector() {
        let declared = crate::calls::tests::declared();
        for signature in SIGNATURES {
            assert!(declared.iter().any(|d| d == signature), "{signature} is not declared");
            assert_eq!(selector(signature), keccak256(signature)[..4], "{signature}");
        }
    }

    #[test]
    fn arrays_go_to_the_tail_behind_their_offsets() {
        let one = B256::from(U256::from(1));
        let data =
            encode([9, 9, 9, 9], &[Arg::Word(one), Arg::Array(&[one, one]), Arg::Array(&[])]);
        let w = |i| word(&data[4..], i).expect("word");
        // Head: 1, offset 96 (three head words), offset 96 + 32 + 64 = 192.
        assert_eq!((w(0), w(1), w(2)), (U256::from(1), U256::from(96), U256::from(192)));
        // Tail: [len 2, 1, 1], [len 0].
        assert_eq!(
            (w(3), w(4), w(5), w(6)),
            (U256::from(2), U256::from(1), U256::from(1), U256::ZERO)
        );
        assert_eq!(data.len(), 4 + 7 * 32);
        assert_eq!(words::<2>(data[4..68].to_vec()), Ok([U256::from(1), U256::from(96)]));
        assert_eq!(words::<3>(data[4..68].to_vec()), Err(data[4..68].to_vec()));
    }

    #[test]
    fn a_returned_array_is_read_behind_its_offset_and_checked() {
        let w = |x: u64| U256::from(x).to_be_bytes::<32>().to_vec();
        // (7, [5, 6]): head 7, offset 64; tail len 2, 5, 6.
        let data = [w(7), w(64), w(2), w(5), w(6)].concat();
        assert_eq!(array(data.clone(), 1), Ok(vec![U256::from(5), U256::from(6)]));
        // Truncated, a length past the data, an unaligned offset: the data back.
        let short = data[..4 * 32].to_vec();
        assert_eq!(array(short.clone(), 1), Err(short));
        let long = [w(7), w(64), w(1000), w(5)].concat();
        assert_eq!(array(long.clone(), 1), Err(long));
        let odd = [w(7), w(65), w(0)].concat();
        assert_eq!(array(odd.clone(), 1), Err(odd));
        // An empty array.
        assert_eq!(array([w(32), w(0)].concat(), 0), Ok(vec![]));
    }
}
