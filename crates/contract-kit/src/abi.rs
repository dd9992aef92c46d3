//! Hand-encoded ABI for revert data and event logs.
//!
//! A contract's custom errors and events are declared with `sol!` (so tests can compare
//! against alloy's own encoding) but encoded here, by hand, through a few non-generic
//! functions: one `sol!` encoder per error and per event costs kilobytes of wasm that a
//! 24,576-byte Stylus contract cannot spare. Every contract's tests assert each error and
//! event against its `sol!` type, which checks this encoding word for word.
//!
//! Every function is `#[inline]`: called across the crate boundary they were not inlined
//! even under LTO, which cost `GovernanceParams` 400 bytes of compressed wasm.
//!
//! ```
//! use alloy_primitives::{Address, U256};
//! use mutual_contract_kit::abi::{revert_data, word, word_address};
//! let data = revert_data([0xde, 0xad, 0xbe, 0xef], &[word(U256::from(7u8)), word_address(Address::ZERO)]);
//! assert_eq!(data.len(), 4 + 2 * 32);
//! assert_eq!(data[4 + 31], 7);
//! ```

use alloc::vec::Vec;

use alloy_primitives::{Address, B256, U256};

/// An event as EVM log words.
///
/// A log is its topics (the signature hash, then each indexed field) and its ABI-encoded
/// data (each other field; a dynamic array as an offset in the head and its length and
/// elements in the tail, see [`with_array`]). One emitter then serves every event.
pub trait LogWords {
    /// Calls `emit` with the topics and the data words of the event.
    fn with_words(self, emit: impl FnOnce(&[B256], &[U256]));
}

/// A `uint256` as an ABI word.
#[inline]
#[must_use]
pub fn word(value: U256) -> B256 {
    B256::from(value)
}

/// A `uint64` as an ABI word.
#[inline]
#[must_use]
pub fn word_u64(value: u64) -> B256 {
    B256::from(U256::from(value))
}

/// A `uint8` as an ABI word (an indexed `uint8` topic too).
#[inline]
#[must_use]
pub fn word_u8(value: u8) -> B256 {
    B256::from(U256::from(value))
}

/// An `address` as an ABI word: left-padded with zeros.
#[inline]
#[must_use]
pub fn word_address(account: Address) -> B256 {
    account.into_word()
}

/// An `address` as a data word of a log.
#[inline]
#[must_use]
pub fn data_address(account: Address) -> U256 {
    U256::from_be_bytes(account.into_word().0)
}

/// `selector` followed by `words`: the revert data of an error whose fields are static.
#[inline]
#[must_use]
pub fn revert_data(selector: [u8; 4], words: &[B256]) -> Vec<u8> {
    let mut out = Vec::with_capacity(4 + 32 * words.len());
    out.extend_from_slice(&selector);
    for w in words {
        out.extend_from_slice(w.as_slice());
    }
    out
}

/// `head` (static words, with a placeholder where the array's offset goes, at
/// `offset_at`), then `array`'s length and elements: the data of a log with one dynamic
/// `uint256[]` field.
///
/// # Panics
/// If `offset_at` is not an index of `head` (a bug in the caller's event layout, caught by
/// its encoding tests).
#[inline]
#[must_use]
pub fn with_array(mut head: Vec<U256>, offset_at: usize, array: &[U256]) -> Vec<U256> {
    head[offset_at] = U256::from(32 * head.len());
    head.push(U256::from(array.len()));
    head.extend_from_slice(array);
    head
}

#[cfg(test)]
mod tests {
    use alloy_primitives::{address, b256};
    use alloy_sol_types::{sol, SolError, SolEvent};

    use super::*;

    sol! {
        error Sample(uint256 amount, uint64 time, uint8 kind, address account, bytes32 key);
        event Spread(bytes32 indexed key, uint8 indexed kind, address account, uint256[] parts, uint256 total);
    }

    #[test]
    fn revert_data_is_alloys_encoding() {
        let account = address!("00000000000000000000000000000000deadbeef");
        let key = b256!("0101010101010101010101010101010101010101010101010101010101010101");
        let e =
            Sample { amount: U256::MAX - U256::from(3u8), time: u64::MAX, kind: 200, account, key };
        let ours = revert_data(
            Sample::SELECTOR,
            &[word(e.amount), word_u64(e.time), word_u8(e.kind), word_address(account), key],
        );
        assert_eq!(ours, e.abi_encode());
    }

    #[test]
    fn a_log_with_an_array_is_alloys_encoding() {
        let account = address!("00000000000000000000000000000000deadbeef");
        let key = b256!("0202020202020202020202020202020202020202020202020202020202020202");
        let parts = [U256::from(5u8), U256::from(6u8), U256::from(7u8)];
        let e = Spread { key, kind: 3, account, parts: parts.to_vec(), total: U256::from(18u8) };
        let data = with_array(alloc::vec![data_address(account), U256::ZERO, e.total], 1, &parts);
        let bytes: Vec<u8> = data.iter().flat_map(U256::to_be_bytes::<32>).collect();
        let log = e.encode_log_data();
        assert_eq!(log.topics(), &[Spread::SIGNATURE_HASH, key, word_u8(3)]);
        assert_eq!(bytes, log.data.to_vec());
    }
}
