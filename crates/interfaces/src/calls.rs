//! Lean calls: the functions declared in this crate, with calldata and return data encoded
//! by hand.
//!
//! For each function, `sol_interface!` links alloy's generic encoder and decoder: about
//! 500 bytes of wasm each, 2 KB for `getMany`'s arrays. A contract near the 24,576-byte
//! limit calls through these functions instead: one calldata builder and one word reader
//! serve them all (the same choice as the contracts' hand-encoded events and errors).
//! Every signature here is one of this crate's declarations (a test reads them from the
//! source), and those are checked against `abi/*.sol` by `scripts/check-abi.sh`.
//!
//! Each call takes a call context, as a `sol_interface!` call does (`&*self` for a view,
//! `&mut *self` for a write, on a contract's top-level storage), supplies all gas and no
//! value, and returns `None` when the callee reverts or answers with malformed data: the
//! caller maps that to its own error. Calls go through the same SDK functions that
//! `sol_interface!` expands to (`stylus_sdk::call::{static_call, call}`), which flush (a
//! write: and clear) the caller's storage cache first; reentrancy into a non-reentrant
//! contract still reverts. (The SDK's newer `self.vm().call(..)` would take a `dyn Host`,
//! whose vtable links every host import into the contract.)

use alloc::vec::Vec;

use alloy_primitives::{Address, B256, U256};
use stylus_sdk::{
    call::{MutatingCallContext, StaticCallContext},
    keccak_const::Keccak256,
};

/// The 4-byte selector of a canonical `signature`, at compile time.
#[must_use]
pub const fn selector(signature: &str) -> [u8; 4] {
    let hash = Keccak256::new().update(signature.as_bytes()).finalize();
    [hash[0], hash[1], hash[2], hash[3]]
}

/// Every function these calls make, as its canonical signature (checked by the tests to be
/// declared in this crate's `sol_interface!` block).
pub const SIGNATURES: [&str; 10] = [
    GET_MANY_SIGNATURE,
    IS_PAUSED_SIGNATURE,
    LONGEST_OPEN_TENOR_SIGNATURE,
    STRESSED_LOSS_SIGNATURE,
    POOL_LIABILITY_SIGNATURE,
    REQUIRED_COLLATERAL_SIGNATURE,
    TRANSFER_SIGNATURE,
    TRANSFER_FROM_SIGNATURE,
    BALANCE_OF_SIGNATURE,
    DECIMALS_SIGNATURE,
];

/// `IGovernanceParams.getMany`.
const GET_MANY_SIGNATURE: &str = "getMany(bytes32[])";
/// `IGovernanceParams.isPaused`.
const IS_PAUSED_SIGNATURE: &str = "isPaused(bytes32)";
/// `IOptionsMarket.longestOpenTenor`.
const LONGEST_OPEN_TENOR_SIGNATURE: &str = "longestOpenTenor()";
/// `IOptionsMarket.stressedLoss`.
const STRESSED_LOSS_SIGNATURE: &str = "stressedLoss(bytes32)";
/// `IOptionsMarket.poolLiability`.
const POOL_LIABILITY_SIGNATURE: &str = "poolLiability()";
/// `IOptionsMarket.requiredCollateral`.
const REQUIRED_COLLATERAL_SIGNATURE: &str = "requiredCollateral()";
/// `IErc20.transfer`.
const TRANSFER_SIGNATURE: &str = "transfer(address,uint256)";
/// `IErc20.transferFrom`.
const TRANSFER_FROM_SIGNATURE: &str = "transferFrom(address,address,uint256)";
/// `IErc20.balanceOf`.
const BALANCE_OF_SIGNATURE: &str = "balanceOf(address)";
/// `IErc20.decimals`.
const DECIMALS_SIGNATURE: &str = "decimals()";

/// The selector of [`GET_MANY_SIGNATURE`].
const GET_MANY: [u8; 4] = selector(GET_MANY_SIGNATURE);
/// The selector of [`IS_PAUSED_SIGNATURE`].
const IS_PAUSED: [u8; 4] = selector(IS_PAUSED_SIGNATURE);
/// The selector of [`LONGEST_OPEN_TENOR_SIGNATURE`].
const LONGEST_OPEN_TENOR: [u8; 4] = selector(LONGEST_OPEN_TENOR_SIGNATURE);
/// The selector of [`STRESSED_LOSS_SIGNATURE`].
const STRESSED_LOSS: [u8; 4] = selector(STRESSED_LOSS_SIGNATURE);
/// The selector of [`POOL_LIABILITY_SIGNATURE`].
const POOL_LIABILITY: [u8; 4] = selector(POOL_LIABILITY_SIGNATURE);
/// The selector of [`REQUIRED_COLLATERAL_SIGNATURE`].
const REQUIRED_COLLATERAL: [u8; 4] = selector(REQUIRED_COLLATERAL_SIGNATURE);
/// The selector of [`TRANSFER_SIGNATURE`].
const TRANSFER: [u8; 4] = selector(TRANSFER_SIGNATURE);
/// The selector of [`TRANSFER_FROM_SIGNATURE`].
const TRANSFER_FROM: [u8; 4] = selector(TRANSFER_FROM_SIGNATURE);
/// The selector of [`BALANCE_OF_SIGNATURE`].
const BALANCE_OF: [u8; 4] = selector(BALANCE_OF_SIGNATURE);
/// The selector of [`DECIMALS_SIGNATURE`].
const DECIMALS: [u8; 4] = selector(DECIMALS_SIGNATURE);

/// `selector` followed by `words`: calldata of a function whose arguments are static words.
#[must_use]
pub fn calldata(selector: [u8; 4], words: &[B256]) -> Vec<u8> {
    let mut data = Vec::with_capacity(4 + 32 * words.len());
    data.extend_from_slice(&selector);
    for word in words {
        data.extend_from_slice(word.as_slice());
    }
    data
}

/// Word `index` of ABI data, if the data is that long.
#[must_use]
pub fn word(data: &[u8], index: usize) -> Option<U256> {
    let start = index.checked_mul(32)?;
    let bytes = data.get(start..start.checked_add(32)?)?;
    Some(U256::from_be_slice(bytes))
}

/// A static call of `to` with `data`: its return data, or `None` if it reverted.
#[allow(deprecated, reason = "the safe call without a `dyn Host`; see the module docs")]
pub(crate) fn view(context: impl StaticCallContext, to: Address, data: &[u8]) -> Option<Vec<u8>> {
    stylus_sdk::call::static_call(context, to, data).ok()
}

/// A call of `to` with `data` and the context's value (none for `&mut self`): its return
/// data, or `None` if it reverted.
#[allow(deprecated, reason = "the safe call without a `dyn Host`; see the module docs")]
pub(crate) fn write(
    context: impl MutatingCallContext,
    to: Address,
    data: &[u8],
) -> Option<Vec<u8>> {
    stylus_sdk::call::call(context, to, data).ok()
}

/// The first return word, if it is `0` or `1`, as a `bool`.
pub(crate) fn read_bool(data: &[u8]) -> Option<bool> {
    match word(data, 0)? {
        value if value.is_zero() => Some(false),
        value if value == U256::from(1) => Some(true),
        _ => None,
    }
}

/// `IGovernanceParams(governance).getMany(keys)`.
#[must_use]
pub fn get_many(
    context: impl StaticCallContext,
    governance: Address,
    keys: &[B256],
) -> Option<Vec<U256>> {
    // Arguments: the array's offset (one head word), its length, its elements.
    let mut words = Vec::with_capacity(2 + keys.len());
    words.push(B256::from(U256::from(32)));
    words.push(B256::from(U256::from(keys.len())));
    words.extend_from_slice(keys);
    let data = view(context, governance, &calldata(GET_MANY, &words))?;
    // Return: the array's offset (in bytes, a multiple of 32), then at it its length and
    // elements; exactly `keys.len()` of them.
    let offset = usize::try_from(word(&data, 0)?).ok()?;
    if offset % 32 != 0 {
        return None;
    }
    let at = offset / 32;
    if word(&data, at)? != U256::from(keys.len()) {
        return None;
    }
    (1..=keys.len()).map(|i| word(&data, at + i)).collect()
}

/// `IGovernanceParams(governance).isPaused(scope)`.
#[must_use]
pub fn is_paused(
    context: impl StaticCallContext,
    governance: Address,
    scope: B256,
) -> Option<bool> {
    read_bool(&view(context, governance, &calldata(IS_PAUSED, &[scope]))?)
}

/// `IOptionsMarket(market).longestOpenTenor()`; `None` also for a value beyond `uint64`.
#[must_use]
pub fn longest_open_tenor(context: impl StaticCallContext, market: Address) -> Option<u64> {
    let data = view(context, market, &calldata(LONGEST_OPEN_TENOR, &[]))?;
    u64::try_from(word(&data, 0)?).ok()
}

/// `IOptionsMarket(market).stressedLoss(marketId)`.
#[must_use]
pub fn stressed_loss(
    context: impl StaticCallContext,
    market: Address,
    market_id: B256,
) -> Option<U256> {
    word(&view(context, market, &calldata(STRESSED_LOSS, &[market_id]))?, 0)
}

/// `IOptionsMarket(market).poolLiability()`: `(liability, receivable, markTime)`; `None`
/// also for a `markTime` beyond `uint64`.
#[must_use]
pub fn pool_liability(
    context: impl StaticCallContext,
    market: Address,
) -> Option<(U256, U256, u64)> {
    let data = view(context, market, &calldata(POOL_LIABILITY, &[]))?;
    let mark_time = u64::try_from(word(&data, 2)?).ok()?;
    Some((word(&data, 0)?, word(&data, 1)?, mark_time))
}

/// `IOptionsMarket(market).requiredCollateral()`.
#[must_use]
pub fn required_collateral(context: impl StaticCallContext, market: Address) -> Option<U256> {
    word(&view(context, market, &calldata(REQUIRED_COLLATERAL, &[]))?, 0)
}

/// `IErc20(token).balanceOf(account)`.
#[must_use]
pub fn balance_of(
    context: impl StaticCallContext,
    token: Address,
    account: Address,
) -> Option<U256> {
    word(&view(context, token, &calldata(BALANCE_OF, &[account.into_word()]))?, 0)
}

/// `IErc20(token).decimals()`; `None` also for a value beyond `uint8`.
#[must_use]
pub fn decimals(context: impl StaticCallContext, token: Address) -> Option<u8> {
    u8::try_from(word(&view(context, token, &calldata(DECIMALS, &[]))?, 0)?).ok()
}

/// `IErc20(token).transfer(to, amount)`: whether it succeeded, as OpenZeppelin's
/// `SafeERC20` judges it: no revert, and `true` or nothing returned. (A token address
/// without code also "returns nothing": callers check the token has code once, e.g. by
/// reading its decimals at construction.)
#[must_use]
pub fn transfer(
    context: impl MutatingCallContext,
    token: Address,
    to: Address,
    amount: U256,
) -> bool {
    let data = calldata(TRANSFER, &[to.into_word(), B256::from(amount)]);
    succeeded(write(context, token, &data))
}

/// `IErc20(token).transferFrom(from, to, amount)`: whether it succeeded, as
/// [`transfer`] judges it.
#[must_use]
pub fn transfer_from(
    context: impl MutatingCallContext,
    token: Address,
    from: Address,
    to: Address,
    amount: U256,
) -> bool {
    let words = [from.into_word(), to.into_word(), B256::from(amount)];
    succeeded(write(context, token, &calldata(TRANSFER_FROM, &words)))
}

/// An ERC-20 write succeeded: it did not revert and returned nothing or `true`.
pub(crate) fn succeeded(returned: Option<Vec<u8>>) -> bool {
    returned.is_some_and(|data| data.is_empty() || read_bool(&data) == Some(true))
}

#[cfg(test)]
pub(crate) mod tests {
    use alloc::{string::String, vec::Vec};

    use alloy_primitives::{keccak256, B256, U256};

    use super::*;

    /// The canonical signatures declared in `lib.rs`'s `sol_interface!` block: for each
    /// `function name(type a, type b) ...;` line, `name(type,type)`.
    pub(crate) fn declared() -> Vec<String> {
        include_str!("lib.rs")
            .lines()
            .filter_map(|line| line.trim().strip_prefix("function "))
            .map(|rest| {
                let (name, args) = rest.split_once('(').expect("declared: a parameter list");
                let args = &args[..args.find(')').expect("declared: a closed list")];
                let types: Vec<&str> =
                    args.split(',').filter_map(|arg| arg.split_whitespace().next()).collect();
                alloc::format!("{name}({})", types.join(","))
            })
            .collect()
    }

    #[test]
    fn every_signature_is_declared() {
        let declared = declared();
        assert!(declared.len() >= SIGNATURES.len());
        for signature in SIGNATURES {
            assert!(declared.iter().any(|d| d == signature), "{signature} is not declared");
        }
    }

    #[test]
    fn selectors_are_the_keccak_of_the_signatures() {
        for signature in SIGNATURES {
            assert_eq!(selector(signature), keccak256(signature)[..4], "{signature}");
        }
        // Two well-known ERC-20 selectors.
        assert_eq!(selector(TRANSFER_SIGNATURE), [0xa9, 0x05, 0x9c, 0xbb]);
        assert_eq!(selector(TRANSFER_FROM_SIGNATURE), [0x23, 0xb8, 0x72, 0xdd]);
    }

    #[test]
    fn calldata_is_the_selector_then_the_words() {
        let data = calldata([1, 2, 3, 4], &[B256::repeat_byte(7), B256::from(U256::from(9))]);
        assert_eq!(data.len(), 4 + 64);
        assert_eq!(&data[..4], &[1, 2, 3, 4]);
        assert_eq!(word(&data[4..], 0), Some(U256::from_be_slice(&[7; 32])));
        assert_eq!(word(&data[4..], 1), Some(U256::from(9)));
        assert_eq!(word(&data[4..], 2), None);
        assert_eq!(word(&data[4..67], 1), None);
    }

    #[test]
    fn bools_and_erc20_results_are_read_strictly() {
        let one = B256::from(U256::from(1)).to_vec();
        let two = B256::from(U256::from(2)).to_vec();
        assert_eq!(read_bool(&one), Some(true));
        assert_eq!(read_bool(&[0; 32]), Some(false));
        assert_eq!(read_bool(&two), None);
        assert_eq!(read_bool(&[]), None);
        assert!(succeeded(Some(Vec::new())));
        assert!(succeeded(Some(one)));
        assert!(!succeeded(Some([0; 32].to_vec())));
        assert!(!succeeded(Some(two)));
        assert!(!succeeded(None));
    }
}
