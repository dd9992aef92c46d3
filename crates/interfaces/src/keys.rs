//! Governance keys and pause scopes shared by every contract.
//!
//! Each constant is the keccak-256 of its documented string, computed at compile time, so
//! scripts derive them the same way (`cast keccak "mutual.market"`).
//!
//! Keys and scopes live in separate namespaces of `GovernanceParams` (parameters by key,
//! pauses by scope), so the address key of a contract and its pause scope may be, and are,
//! the same hash: `MARKET_KEY == MARKET_SCOPE`.

use alloy_primitives::{Address, B256, U256};
use stylus_sdk::keccak_const::Keccak256;

/// keccak-256 of `input`, at compile time.
const fn keccak(input: &[u8]) -> B256 {
    B256::new(Keccak256::new().update(input).finalize())
}

/// `keccak256("mutual.market")`: the `OptionsMarket` address, as `uint256(uint160(addr))`
/// (direction 2: changed only through the timelock). Zero while unset.
pub const MARKET_KEY: B256 = keccak(b"mutual.market");

/// `keccak256("mutual.vault")`: the `MutualVault` address, as [`MARKET_KEY`].
pub const VAULT_KEY: B256 = keccak(b"mutual.vault");

/// `keccak256("mutual.insurance")`: the `InsuranceFund` address, as [`MARKET_KEY`].
pub const INSURANCE_KEY: B256 = keccak(b"mutual.insurance");

/// `keccak256("mutual.treasury")`: the treasury address, as [`MARKET_KEY`].
pub const TREASURY_KEY: B256 = keccak(b"mutual.treasury");

/// `keccak256("mutual.protocol")`: the scope whose pause pauses every scope
/// (`GovernanceParams::isPaused(scope)` is true when `scope` or this one is paused).
pub const PROTOCOL_SCOPE: B256 = keccak(b"mutual.protocol");

/// `keccak256("mutual.market")`: the market's pause scope.
pub const MARKET_SCOPE: B256 = keccak(b"mutual.market");

/// `keccak256("mutual.vault")`: the vault's pause scope.
pub const VAULT_SCOPE: B256 = keccak(b"mutual.vault");

/// `keccak256("mutual.insurance")`: the insurance fund's pause scope.
pub const INSURANCE_SCOPE: B256 = keccak(b"mutual.insurance");

/// `2^160 - 1`: the largest value of an address key.
pub const MAX_ADDRESS_VALUE: U256 = U256::from_limbs([u64::MAX, u64::MAX, u32::MAX as u64, 0]);

/// The address an address key holds: the low 160 bits of `value` (exact for values within
/// an address key's bounds `[0, MAX_ADDRESS_VALUE]`).
#[must_use]
pub fn value_to_address(value: U256) -> Address {
    Address::from_word(B256::from(value.to_be_bytes::<32>()))
}

/// The value an address key holds for `account`: `uint256(uint160(account))`.
#[must_use]
pub fn address_to_value(account: Address) -> U256 {
    U256::from_be_bytes(account.into_word().0)
}

#[cfg(test)]
mod tests {
    use alloy_primitives::{keccak256, Address, U256};

    use super::*;

    #[test]
    fn constants_are_the_documented_hashes() {
        assert_eq!(MARKET_KEY, keccak256("mutual.market"));
        assert_eq!(VAULT_KEY, keccak256("mutual.vault"));
        assert_eq!(INSURANCE_KEY, keccak256("mutual.insurance"));
        assert_eq!(TREASURY_KEY, keccak256("mutual.treasury"));
        assert_eq!(PROTOCOL_SCOPE, keccak256("mutual.protocol"));
        assert_eq!(MARKET_SCOPE, MARKET_KEY);
        assert_eq!(VAULT_SCOPE, VAULT_KEY);
        assert_eq!(INSURANCE_SCOPE, INSURANCE_KEY);
        assert_eq!(MAX_ADDRESS_VALUE, (U256::from(1) << 160) - U256::from(1));
    }

    #[test]
    fn addresses_round_trip_through_values() {
        let account = Address::repeat_byte(0xab);
        assert_eq!(value_to_address(address_to_value(account)), account);
        assert_eq!(address_to_value(Address::ZERO), U256::ZERO);
        assert_eq!(address_to_value(Address::repeat_byte(0xff)), MAX_ADDRESS_VALUE);
        assert_eq!(value_to_address(U256::from(0x1234)), {
            let mut bytes = [0u8; 20];
            bytes[18] = 0x12;
            bytes[19] = 0x34;
            Address::from(bytes)
        });
    }
}
