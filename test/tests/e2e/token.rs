//! The test token program (`crates/erc20-program`): OpenZeppelin's ERC-20 behaviour,
//! ERC-6093 errors, 6 decimals.

use alloy_primitives::{Address, U256};
use mutual_abi::ITestUsdc as T;

use crate::fixture::{assert_logs, log_of, u, usdc, World};

#[test]
fn metadata_mint_transfer_and_allowances() {
    let mut w = World::new();
    let token = w.p.usdc;
    let (alice, bob, carol) = (w.alice, w.bob, w.carol);

    assert_eq!(w.view(token, &T::nameCall {})._0, "Test USD Coin");
    assert_eq!(w.view(token, &T::symbolCall {})._0, "USDC");
    assert_eq!(w.view(token, &T::decimalsCall {})._0, 6);
    assert_eq!(w.view(token, &T::totalSupplyCall {})._0, U256::ZERO);

    let (_, result) = w.ok(carol, token, &T::mintCall { to: alice, value: usdc(100) });
    assert_logs(
        &result,
        &[log_of(token, &T::Transfer { from: Address::ZERO, to: alice, value: usdc(100) })],
    );
    assert_eq!(w.view(token, &T::totalSupplyCall {})._0, usdc(100));

    let (ok, result) = w.ok(alice, token, &T::transferCall { to: bob, value: usdc(30) });
    assert!(ok._0);
    assert_logs(&result, &[log_of(token, &T::Transfer { from: alice, to: bob, value: usdc(30) })]);
    assert_eq!((w.token_balance(alice), w.token_balance(bob)), (usdc(70), usdc(30)));

    let error = T::ERC20InsufficientBalance { sender: alice, balance: usdc(70), needed: usdc(71) };
    w.expect_revert(alice, token, &T::transferCall { to: bob, value: usdc(71) }, &error);
    let error = T::ERC20InvalidReceiver { receiver: Address::ZERO };
    w.expect_revert(alice, token, &T::transferCall { to: Address::ZERO, value: u(1) }, &error);
    w.expect_revert(carol, token, &T::mintCall { to: Address::ZERO, value: u(1) }, &error);

    // Allowances: spent by transferFrom (no Approval log), never when unlimited.
    let error = T::ERC20InvalidSpender { spender: Address::ZERO };
    w.expect_revert(alice, token, &T::approveCall { spender: Address::ZERO, value: u(1) }, &error);
    let (_, result) = w.ok(alice, token, &T::approveCall { spender: carol, value: usdc(10) });
    assert_logs(
        &result,
        &[log_of(token, &T::Approval { owner: alice, spender: carol, value: usdc(10) })],
    );
    let pull = T::transferFromCall { from: alice, to: bob, value: usdc(11) };
    let error =
        T::ERC20InsufficientAllowance { spender: carol, allowance: usdc(10), needed: usdc(11) };
    w.expect_revert(carol, token, &pull, &error);
    let pull = T::transferFromCall { from: alice, to: bob, value: usdc(4) };
    let (_, result) = w.ok(carol, token, &pull);
    assert_logs(&result, &[log_of(token, &T::Transfer { from: alice, to: bob, value: usdc(4) })]);
    assert_eq!(w.view(token, &T::allowanceCall { owner: alice, spender: carol })._0, usdc(6));
    let to_zero = T::transferFromCall { from: alice, to: Address::ZERO, value: u(1) };
    let error = T::ERC20InvalidReceiver { receiver: Address::ZERO };
    w.expect_revert(carol, token, &to_zero, &error);

    w.ok(alice, token, &T::approveCall { spender: carol, value: U256::MAX });
    w.ok(carol, token, &T::transferFromCall { from: alice, to: bob, value: usdc(1) });
    assert_eq!(w.view(token, &T::allowanceCall { owner: alice, spender: carol })._0, U256::MAX);

    // A mint that would overflow the supply: Solidity's Panic(0x11).
    let supply = w.view(token, &T::totalSupplyCall {})._0;
    let overflow = T::mintCall { to: bob, value: U256::MAX - supply + u(1) };
    w.expect_revert(carol, token, &overflow, &T::Panic { code: u(0x11) });
}
