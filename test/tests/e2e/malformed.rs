//! Malformed calldata on every deployed program: each case must revert cleanly (a
//! revert, without data, the unused gas kept) and change nothing, and the well-formed call
//! it was made from must succeed from the same state (so the malformation is what the
//! program refused).

use alloy_primitives::{Address, U256};
use alloy_sol_types::SolCall;
use mutual_abi::{IGovernanceParams as G, IInsuranceFund as F, IMutualVault as V, ITestUsdc as T};
use mutual_localnet::constructor_selector;
use mutual_localnet::protocol::{
    governance_constructor, insurance_constructor, key, names, vault_constructor,
};

use crate::fixture::{u, usdc, World, ETH};

/// An argument word that only a narrow value fills: an `address` (20 bytes) or a `uint8`.
#[derive(Clone, Copy)]
pub(crate) enum Narrow {
    /// An `address` at this argument index.
    Address(usize),
    /// A `uint8` at this argument index.
    Uint8(usize),
}

/// A well-formed call a program accepts from `from`.
pub(crate) struct Case {
    /// What it is.
    pub(crate) name: &'static str,
    /// The caller.
    pub(crate) from: Address,
    /// The program.
    pub(crate) to: Address,
    /// Its calldata.
    pub(crate) calldata: Vec<u8>,
    /// A narrow argument to dirty, if the call has one.
    pub(crate) narrow: Option<Narrow>,
}

/// Calldata with byte `at` of argument word `word` set to `byte`.
fn dirty(calldata: &[u8], word: usize, at: usize, byte: u8) -> Vec<u8> {
    let mut data = calldata.to_vec();
    data[4 + 32 * word + at] = byte;
    data
}

/// Asserts that `case` succeeds as it is, then that every malformation of it reverts
/// cleanly and changes nothing.
pub(crate) fn check(w: &mut World, case: &Case) {
    let Case { name, from, to, calldata, narrow } = case;
    let (from, to) = (*from, *to);
    let snapshot = w.net.snapshot();
    let control = w.net.call(from, to, calldata, U256::ZERO);
    assert!(control.success, "{name}: the well-formed call fails: {:?}", control.error);
    assert!(w.net.revert_to(snapshot));

    let mut unknown = calldata.clone();
    unknown[..4].copy_from_slice(&[0xde, 0xad, 0xbe, 0xef]);
    let ether = U256::from(10).pow(U256::from(18));
    let mut malformed: Vec<(&str, Vec<u8>, U256)> = vec![
        ("empty calldata", Vec::new(), U256::ZERO),
        ("one byte", calldata[..1].to_vec(), U256::ZERO),
        ("three bytes of the selector", calldata[..3].to_vec(), U256::ZERO),
        ("unknown selector", unknown, U256::ZERO),
        ("selector only", calldata[..4].to_vec(), U256::ZERO),
        ("last byte cut", calldata[..calldata.len() - 1].to_vec(), U256::ZERO),
        ("last word cut", calldata[..calldata.len() - 32].to_vec(), U256::ZERO),
        ("1 wei to a non-payable function", calldata.clone(), U256::from(1)),
        ("1 ether to a non-payable function", calldata.clone(), ether),
    ];
    // Dirty the padding of a narrow argument: its highest byte, and the last padding byte
    // (byte 11 of an address word, byte 30 of a `uint8` word).
    match narrow {
        Some(Narrow::Address(word)) => {
            malformed.push((
                "address with a dirty byte 0",
                dirty(calldata, *word, 0, 1),
                U256::ZERO,
            ));
            malformed.push((
                "address with a dirty byte 11",
                dirty(calldata, *word, 11, 1),
                U256::ZERO,
            ));
        }
        Some(Narrow::Uint8(word)) => {
            malformed.push(("uint8 with a dirty byte 0", dirty(calldata, *word, 0, 1), U256::ZERO));
            malformed.push((
                "uint8 with a dirty byte 30",
                dirty(calldata, *word, 30, 1),
                U256::ZERO,
            ));
        }
        None => {}
    }
    // A second constructor call (for the token, which has none: a selector it does not
    // know).
    let mut again = constructor_selector().to_vec();
    again.extend_from_slice(&calldata[4..]);
    malformed.push(("the constructor selector", again, U256::ZERO));

    for (what, data, value) in malformed {
        let before = w.net.balance(from);
        let result = w.expect_revert_raw(from, to, &data, value, &[]);
        assert_eq!(w.net.balance(from), before, "{name}, {what}: the value came back");
        assert!(result.entry_gas > 0, "{name}, {what}: the program ran");
    }
}

#[test]
fn malformed_calldata_reverts_cleanly_and_changes_nothing() {
    let mut w = World::new();
    let (token, gov, fund, vault) = (w.p.usdc, w.p.governance, w.p.insurance, w.p.vault);
    let (admin, alice, bob, carol, market) = (w.p.admin, w.alice, w.bob, w.carol, w.market);
    w.mint(alice, usdc(100));
    w.ok(alice, token, &T::approveCall { spender: fund, value: usdc(100) });
    w.stake(bob, 1, usdc(100));

    w.ok(alice, token, &T::approveCall { spender: carol, value: usdc(100) });
    // The vault: a marked market, an LP's approval, a premium received and not yet booked.
    let _book = w.open_market();
    w.fund_lp(carol, usdc(10));
    w.mint(market, usdc(1));
    w.ok(market, token, &T::transferCall { to: vault, value: usdc(1) });

    let cases = [
        Case {
            name: "token transfer(to)",
            from: alice,
            to: token,
            calldata: T::transferCall { to: bob, value: usdc(1) }.abi_encode(),
            narrow: Some(Narrow::Address(0)),
        },
        Case {
            name: "token transferFrom(from)",
            from: carol,
            to: token,
            calldata: T::transferFromCall { from: alice, to: bob, value: usdc(1) }.abi_encode(),
            narrow: Some(Narrow::Address(0)),
        },
        Case {
            name: "governance proposeAdmin(candidate)",
            from: admin,
            to: gov,
            calldata: G::proposeAdminCall { candidate: bob }.abi_encode(),
            narrow: Some(Narrow::Address(0)),
        },
        Case {
            name: "governance queue(key, value)",
            from: admin,
            to: gov,
            calldata: G::queueCall { key: key(names::MIN_COOLDOWN), value: u(8 * 86_400) }
                .abi_encode(),
            narrow: None,
        },
        Case {
            name: "governance getMany(keys)",
            from: carol,
            to: gov,
            calldata: G::getManyCall { keys: vec![key(names::MIN_COOLDOWN), key(names::MARKET)] }
                .abi_encode(),
            narrow: None,
        },
        Case {
            name: "fund deposit(tranche, assets, receiver)",
            from: alice,
            to: fund,
            calldata: F::depositCall { tranche: 0, assets: usdc(1), receiver: alice }.abi_encode(),
            narrow: Some(Narrow::Address(2)),
        },
        Case {
            name: "fund deposit(tranche)",
            from: alice,
            to: fund,
            calldata: F::depositCall { tranche: 1, assets: usdc(1), receiver: alice }.abi_encode(),
            narrow: Some(Narrow::Uint8(0)),
        },
        Case {
            name: "fund approve(tranche, spender, shares)",
            from: bob,
            to: fund,
            calldata: F::approveCall { tranche: 1, spender: alice, shares: u(1) }.abi_encode(),
            narrow: Some(Narrow::Address(1)),
        },
        Case {
            name: "vault deposit(assets, receiver)",
            from: carol,
            to: vault,
            calldata: V::depositCall { assets: usdc(10), receiver: carol }.abi_encode(),
            narrow: Some(Narrow::Address(1)),
        },
        Case {
            name: "vault notifyPremium(marketId, reason, amount)",
            from: market,
            to: vault,
            calldata: V::notifyPremiumCall { marketId: ETH, reason: 0, amount: usdc(1) }
                .abi_encode(),
            narrow: Some(Narrow::Uint8(1)),
        },
    ];
    for case in &cases {
        check(&mut w, case);
    }
}

#[test]
fn constructors_cannot_run_twice_even_well_formed() {
    let mut w = World::new();
    let (gov, fund) = (w.p.governance, w.p.insurance);
    let mut calldata = constructor_selector().to_vec();
    calldata.extend(governance_constructor(w.carol, w.carol, &w.config.params));
    let carol = w.carol;
    w.expect_revert_raw(carol, gov, &calldata, U256::ZERO, &[]);
    let mut calldata = constructor_selector().to_vec();
    calldata.extend(insurance_constructor(w.p.usdc, gov, 3));
    w.expect_revert_raw(carol, fund, &calldata, U256::ZERO, &[]);
    let mut vault_calldata = constructor_selector().to_vec();
    let name = w.config.vault_name;
    vault_calldata.extend(vault_constructor(w.p.usdc, gov, name, name));
    let vault = w.p.vault;
    w.expect_revert_raw(carol, vault, &vault_calldata, U256::ZERO, &[]);
    // Also from the deployer's own address.
    let deployer = mutual_localnet::STYLUS_DEPLOYER;
    w.net.set_balance(deployer, U256::from(1));
    w.expect_revert_raw(deployer, fund, &calldata, U256::ZERO, &[]);
    w.expect_revert_raw(deployer, vault, &vault_calldata, U256::ZERO, &[]);
}
