//! Unit tests of `MutualVault` (motsu) against mocks: a 6-decimal ERC-20, a settable
//! governance store and a market with a settable mark that calls the vault. The
//! cross-contract scenarios with the real `GovernanceParams`, and the ERC-4626 conformance
//! properties, are in `test/tests/vault/`.
//!
//! Every refused call is checked for its exact error and followed by a re-read of the
//! state it could have touched ([`Snapshot`]): motsu keeps the storage of a top-level call
//! that returns `Err` unless the test calls `motsu_unwrap_err`, which these tests never do,
//! so the re-reads catch a write made before an error.
#![allow(clippy::too_many_lines, reason = "scenario tests read top to bottom")]

use alloy_primitives::{uint, Address, B256, U256};
use alloy_sol_types::SolError;
use motsu::prelude::*;
use mutual_contract_kit::clock;
use mutual_interfaces::keys::{
    address_to_value, BOOK_KEY, MARKET_KEY, PROTOCOL_SCOPE, SHORT_BOOK_KEY, VAULT_SCOPE,
};
use mutual_test_mocks::{MockErc20, MockGovernance, MockMarket};

use super::*;

// ---- Fixture --------------------------------------------------------------------------------

/// motsu 0.10's constant block timestamp (2025-01-01T00:00:00Z).
const T0: u64 = 1_735_689_600;
/// One day in seconds.
const DAY: u64 = 86_400;
/// The fixture's `vault.markMaxAge`: one hour.
const MAX_AGE: u64 = 3_600;
/// The fixture's `vault.redeemDelay`: two days.
const DELAY: u64 = 2 * DAY;
/// The fixture's `vault.minHoldTime`: one day.
const HOLD: u64 = DAY;
/// 1e18.
const WAD: U256 = uint!(1_000_000_000_000_000_000_U256);
/// One USDC (6 decimals).
const USDC: u64 = 1_000_000;
/// A market id.
const ETH: B256 = B256::repeat_byte(0xe7);

/// `x` USDC as `U256`.
fn usdc(x: u64) -> U256 {
    U256::from(x) * U256::from(USDC)
}

/// A number as `U256`.
fn u(x: u64) -> U256 {
    U256::from(x)
}

/// `text` as a left-aligned, zero-padded `bytes32`.
fn text(text: &str) -> B256 {
    let mut word = [0u8; 32];
    word[..text.len()].copy_from_slice(text.as_bytes());
    B256::from(word)
}

/// The deployer and governance operator of the fixture.
fn admin() -> Address {
    Address::repeat_byte(0xad)
}

/// The contracts of a test.
struct Env {
    vault: Contract<MutualVault>,
    token: Contract<MockErc20>,
    gov: Contract<MockGovernance>,
    market: Contract<MockMarket>,
}

/// Everything a call for `account` could change.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Snapshot {
    total_assets: U256,
    supply: U256,
    balance: U256,
    vault_balance: U256,
    escrow: U256,
    request: (U256, u64, U256),
    lock: (U256, u64),
    allowance: U256,
    valuation: Option<(U256, U256, U256, U256, u64, bool)>,
}

impl Env {
    /// Deploys the mocks and a vault at time `T0`, with every governance key the vault
    /// reads set: the market (no separate book), a one-hour mark age, a 10% stale buffer, no deposit cap, a
    /// two-day redeem delay and a one-day hold time. The market marks nothing (all zero).
    fn new() -> Self {
        clock::reset();
        let env = Env {
            vault: Contract::from_tag("vault"),
            token: Contract::from_tag("usdc"),
            gov: Contract::from_tag("governance"),
            market: Contract::from_tag("market"),
        };
        env.set(MARKET_KEY, address_to_value(env.market.address()));
        // Zero: the pool's views come from the market itself.
        env.set(BOOK_KEY, U256::ZERO);
        // Zero: shorts not enabled (a test registers a short book).
        env.set(SHORT_BOOK_KEY, U256::ZERO);
        env.set(MARK_MAX_AGE_KEY, u(MAX_AGE));
        env.set(STALE_BUFFER_KEY, WAD / u(10));
        env.set(DEPOSIT_CAP_KEY, U256::MAX);
        env.set(REDEEM_DELAY_KEY, u(DELAY));
        env.set(MIN_HOLD_TIME_KEY, u(HOLD));
        env.market.sender(admin()).init(Address::ZERO, env.token.address());
        env.market.sender(admin()).set_vault(env.vault.address());
        env.vault
            .sender(admin())
            .constructor(env.token.address(), env.gov.address(), text("Mutual LP"), text("mLP"))
            .expect("Env::new: constructor");
        env
    }

    /// Sets governance `key` to `value`.
    fn set(&self, key: B256, value: U256) {
        self.gov.sender(admin()).set(key, value);
    }

    /// Mints `amount` of the asset to `account`, which approves the vault for all of it.
    fn fund(&self, account: Address, amount: U256) {
        self.token.sender(admin()).mint(account, amount).expect("Env::fund: mint");
        self.token.sender(account).approve(self.vault.address(), U256::MAX).expect("Env::fund");
    }

    /// `lp` deposits `assets` (minted to it first) for itself; returns the shares.
    fn deposit(&self, lp: Address, assets: U256) -> U256 {
        self.fund(lp, assets);
        self.vault.sender(lp).deposit(assets, lp).expect("Env::deposit")
    }

    /// Sets the market's mark: `(liability, receivable)` and the required collateral.
    fn mark(&self, liability: U256, receivable: U256, required: U256) {
        self.market.sender(admin()).set_pool_liability(liability, receivable);
        self.market.sender(admin()).set_required_collateral(required);
    }

    /// The market pays `amount` (minted to it first) to the vault as a premium of `ETH`.
    fn premium(&self, amount: U256) {
        self.token.sender(admin()).mint(self.market.address(), amount).expect("premium: mint");
        self.market.sender(admin()).pay_premium(ETH, REASON_PREMIUM, amount).expect("premium");
    }

    /// The asset balance of `account`.
    fn token_balance(&self, account: Address) -> U256 {
        self.token.sender(admin()).balance_of(account)
    }

    /// Everything a call for `account` (and `admin()` as a spender) could change.
    fn snapshot(&self, account: Address) -> Snapshot {
        let vault = || self.vault.sender(admin());
        Snapshot {
            total_assets: vault().total_assets(),
            supply: vault().total_supply(),
            balance: vault().balance_of(account),
            vault_balance: self.token_balance(self.vault.address()),
            escrow: vault().balance_of(self.vault.address()),
            request: vault().redeem_request(account),
            lock: vault().locked_shares(account),
            allowance: vault().allowance(account, admin()),
            valuation: vault().valuation().ok(),
        }
    }

    /// `lp` deposits `assets`, waits out the hold time, requests all its shares and waits
    /// out the delay: returns the claimable shares.
    fn claimable(&self, lp: Address, assets: U256) -> U256 {
        let shares = self.deposit(lp, assets);
        clock::warp(HOLD);
        self.vault.sender(lp).request_redeem(shares, lp, lp).expect("claimable: request");
        clock::warp(DELAY);
        shares
    }
}

/// `VaultZeroAmount()`.
fn zero() -> Error {
    Error::ZeroAmount(VaultZeroAmount {})
}

// ---- Construction and metadata ----------------------------------------------------------

#[motsu::test]
fn constructor_records_the_asset_governance_and_metadata() {
    let env = Env::new();
    let vault = env.vault.sender(admin());
    assert_eq!(vault.asset(), env.token.address());
    assert_eq!(vault.governance(), env.gov.address());
    assert_eq!(vault.share(), env.vault.address());
    assert_eq!(vault.name(), "Mutual LP");
    assert_eq!(vault.symbol(), "mLP");
    // USDC's 6 decimals plus the offset.
    assert_eq!(vault.decimals(), 12);
    assert_eq!(DECIMALS_OFFSET, 6);
    assert_eq!(VIRTUAL_SHARES, U256::from(10).pow(U256::from(DECIMALS_OFFSET)));
    assert_eq!(vault.total_supply(), U256::ZERO);
    assert_eq!(vault.total_assets(), U256::ZERO);
}

#[motsu::test]
fn constructor_rejects_bad_arguments(
    vault: Contract<MutualVault>,
    token: Contract<MockErc20>,
    gov: Contract<MockGovernance>,
    market: Contract<MockMarket>,
) {
    let (name, symbol) = (text("Mutual LP"), text("mLP"));
    let new = |asset, governance, name, symbol| {
        vault.sender(admin()).constructor(asset, governance, name, symbol)
    };
    let bad = |account| Error::InvalidAddress(VaultInvalidAddress { account });
    assert_eq!(new(Address::ZERO, gov.address(), name, symbol), Err(bad(Address::ZERO)));
    assert_eq!(new(token.address(), Address::ZERO, name, symbol), Err(bad(Address::ZERO)));
    let metadata = |name, symbol| Error::InvalidMetadata(VaultInvalidMetadata { name, symbol });
    assert_eq!(
        new(token.address(), gov.address(), B256::ZERO, symbol),
        Err(metadata(B256::ZERO, symbol))
    );
    let mut accent = [0u8; 32];
    accent[0] = 0xc3;
    let accent = B256::from(accent);
    assert_eq!(new(token.address(), gov.address(), name, accent), Err(metadata(name, accent)));
    // An asset without `decimals()` (the market mock has none).
    assert_eq!(
        new(market.address(), gov.address(), name, symbol),
        Err(Error::TokenCallFailed(VaultTokenCallFailed { token: market.address() }))
    );
    // Nothing was recorded by the refused calls.
    assert_eq!(vault.sender(admin()).asset(), Address::ZERO);
    assert_eq!(vault.sender(admin()).governance(), Address::ZERO);
    assert_eq!(vault.sender(admin()).name(), "");
}

#[motsu::test]
fn supports_the_declared_interfaces_only() {
    let env = Env::new();
    let supports = |id: u32| env.vault.sender(admin()).supports_interface(id.to_be_bytes().into());
    for id in [0x01ff_c9a7, 0xe3bc_4e65, 0x620e_e8e4, 0x2f0a_18c5] {
        assert!(supports(id), "{id:#x}");
    }
    // ERC-4626 and ERC-20 have no ERC-165 id; 0xffffffff is never supported.
    for id in [0xffff_ffff, 0, 0x87de_ad7f] {
        assert!(!supports(id), "{id:#x}");
    }
}

// ---- Deposits -------------------------------------------------------------------------------

#[motsu::test]
fn deposit_mints_at_the_virtual_rate_and_emits(alice: Address, bob: Address) {
    let env = Env::new();
    env.fund(alice, usdc(1_000));
    // An empty vault: 1_000e6 * (0 + 1e6) / (0 + 1) = 1e15 shares.
    let shares = env.vault.sender(alice).deposit(usdc(1_000), bob).unwrap();
    assert_eq!(shares, usdc(1_000) * VIRTUAL_SHARES);
    env.vault.assert_emitted(&Deposit { sender: alice, owner: bob, assets: usdc(1_000), shares });
    env.vault.assert_emitted(&Transfer { from: Address::ZERO, to: bob, value: shares });
    let vault = env.vault.sender(alice);
    assert_eq!(vault.balance_of(bob), shares);
    assert_eq!(vault.total_assets(), usdc(1_000));
    assert_eq!(vault.locked_shares(bob), (shares, T0 + HOLD));
    assert_eq!(env.token_balance(alice), U256::ZERO);
    assert_eq!(env.token_balance(env.vault.address()), usdc(1_000));
    // (1e15 * (1_000e6 + 1)) / (1e15 + 1e6) = 1_000e6 exactly.
    assert_eq!(vault.convert_to_assets(shares), Ok(usdc(1_000)));
    assert_eq!(vault.valuation(), Ok((usdc(1_000), u(0), u(0), u(0), T0, true)));
}

#[motsu::test]
fn mint_takes_the_rounded_up_assets(alice: Address, bob: Address) {
    let env = Env::new();
    env.deposit(alice, usdc(1_000));
    // Raise the NAV to 1_500 USDC by a receivable: 1 share is worth 1.5e-6 units.
    env.mark(U256::ZERO, usdc(500), U256::ZERO);
    env.fund(bob, usdc(10));
    // 3 shares cost 3 * (1_500e6 + 1) / (1e15 + 1e6) = 4.5e-6: rounded up to 1.
    assert_eq!(env.vault.sender(bob).preview_mint(u(3)), Ok(u(1)));
    // 1e12 shares: (1.5e21 + 1e12) / (1e15 + 1e6) = 1_499_999.5.., rounded up.
    let cost = env.vault.sender(bob).preview_mint(u(1_000_000_000_000)).unwrap();
    assert_eq!(cost, u(1_500_000));
    // The same shares are worth one unit less to a seller: the rounding pair.
    assert_eq!(env.vault.sender(bob).convert_to_assets(u(1_000_000_000_000)), Ok(u(1_499_999)));
    assert_eq!(env.vault.sender(bob).mint(u(1_000_000_000_000), bob), Ok(cost));
    assert_eq!(usdc(10) - env.token_balance(bob), cost);
    env.vault.assert_emitted(&Deposit {
        sender: bob,
        owner: bob,
        assets: cost,
        shares: u(1_000_000_000_000),
    });
}

#[motsu::test]
fn bad_deposits_are_refused_and_change_nothing(alice: Address) {
    let env = Env::new();
    env.deposit(alice, usdc(1_000));
    env.fund(alice, usdc(1_000));
    let before = env.snapshot(alice);
    let vault = env.vault.address();
    let cases: Vec<(Result<U256, Error>, Error)> = vec![
        (env.vault.sender(alice).deposit(U256::ZERO, alice), zero()),
        (env.vault.sender(alice).mint(U256::ZERO, alice), zero()),
        (
            env.vault.sender(alice).deposit(u(1), Address::ZERO),
            Error::InvalidAddress(VaultInvalidAddress { account: Address::ZERO }),
        ),
        (
            env.vault.sender(alice).mint(u(1), vault),
            Error::InvalidAddress(VaultInvalidAddress { account: vault }),
        ),
    ];
    for (i, (result, expected)) in cases.into_iter().enumerate() {
        assert_eq!(result, Err(expected), "case {i}");
    }
    assert_eq!(env.snapshot(alice), before);
    // A receiver the vault refuses gets no room.
    assert_eq!(env.vault.sender(alice).max_deposit(Address::ZERO), U256::ZERO);
    assert_eq!(env.vault.sender(alice).max_mint(vault), U256::ZERO);
}

#[motsu::test]
fn dust_deposits_and_redemptions_are_refused(alice: Address, bob: Address) {
    let env = Env::new();
    let shares = env.claimable(alice, u(1));
    // One unit bought 1e6 shares; a receivable of 10_000 USDC makes a share worth about
    // 10_000e6 / 2e6 = 5_000 units, so 1 unit buys 0 shares.
    env.mark(U256::ZERO, usdc(10_000), U256::ZERO);
    env.fund(bob, u(1));
    let before = env.snapshot(bob);
    assert_eq!(env.vault.sender(bob).preview_deposit(u(1)), Ok(U256::ZERO));
    assert_eq!(
        env.vault.sender(bob).deposit(u(1), bob),
        Err(Error::ZeroShares(VaultZeroShares { assets: u(1) }))
    );
    assert_eq!(env.snapshot(bob), before);
    // Without the receivable, one share is worth (1 + 1) / (1e6 + 1e6) = 1e-6 units: 0.
    env.mark(U256::ZERO, U256::ZERO, U256::ZERO);
    assert_eq!(env.vault.sender(alice).preview_redeem(u(1)), Ok(U256::ZERO));
    let before = env.snapshot(alice);
    // maxRedeem is 0 when the claim pays nothing at all, and a 1-share redemption pays 0.
    assert_eq!(env.vault.sender(alice).max_redeem(alice), shares);
    assert_eq!(
        env.vault.sender(alice).redeem(u(1), alice, alice),
        Err(Error::ZeroAssets(VaultZeroAssets { shares: u(1) }))
    );
    assert_eq!(env.snapshot(alice), before);
    // The whole claim pays the unit back.
    assert_eq!(env.vault.sender(alice).redeem(shares, alice, alice), Ok(u(1)));
}

#[motsu::test]
fn the_deposit_cap_bounds_max_deposit_and_max_mint(alice: Address) {
    let env = Env::new();
    env.set(DEPOSIT_CAP_KEY, usdc(1_000));
    assert_eq!(env.vault.sender(alice).max_deposit(alice), usdc(1_000));
    assert_eq!(env.vault.sender(alice).max_mint(alice), usdc(1_000) * VIRTUAL_SHARES);
    env.deposit(alice, usdc(600));
    assert_eq!(env.vault.sender(alice).max_deposit(alice), usdc(400));
    env.fund(alice, usdc(500));
    let before = env.snapshot(alice);
    assert_eq!(
        env.vault.sender(alice).deposit(usdc(400) + u(1), alice),
        Err(Error::ExceededMaxDeposit(ERC4626ExceededMaxDeposit {
            receiver: alice,
            assets: usdc(400) + u(1),
            max: usdc(400),
        }))
    );
    let max_mint = env.vault.sender(alice).max_mint(alice);
    assert_eq!(
        env.vault.sender(alice).mint(max_mint + u(1), alice),
        Err(Error::ExceededMaxMint(ERC4626ExceededMaxMint {
            receiver: alice,
            shares: max_mint + u(1),
            max: max_mint,
        }))
    );
    assert_eq!(env.snapshot(alice), before);
    // The max mint costs at most the room, and fills the vault up to the cap.
    let cost = env.vault.sender(alice).mint(max_mint, alice).unwrap();
    assert!(cost <= usdc(400));
    assert_eq!(env.vault.sender(alice).max_deposit(alice), usdc(400) - cost);
    // A NAV above the cap leaves no room (and no underflow).
    env.mark(U256::ZERO, usdc(5_000), U256::ZERO);
    assert_eq!(env.vault.sender(alice).max_deposit(alice), U256::ZERO);
    assert_eq!(env.vault.sender(alice).max_mint(alice), U256::ZERO);
}

#[motsu::test]
fn a_failing_token_reverts_the_deposit(alice: Address) {
    let env = Env::new();
    env.fund(alice, usdc(10));
    env.token.sender(admin()).set_failing(true);
    let token = env.token.address();
    assert_eq!(
        env.vault.sender(alice).deposit(usdc(10), alice),
        Err(Error::TokenCallFailed(VaultTokenCallFailed { token }))
    );
}

// ---- NAV and the mark -----------------------------------------------------------------------

#[motsu::test]
fn the_nav_follows_the_market_mark(alice: Address) {
    let env = Env::new();
    let shares = env.deposit(alice, usdc(1_000));
    let vault = || env.vault.sender(alice);
    // A liability of 300 and a receivable of 50: 1_000 + 50 - 300 = 750.
    env.mark(usdc(300), usdc(50), usdc(400));
    assert_eq!(vault().total_assets(), usdc(750));
    assert_eq!(vault().valuation(), Ok((usdc(1_000), usdc(50), usdc(300), usdc(400), T0, true)));
    // 1e15 * (750e6 + 1) / (1e15 + 1e6) = (7.5e23 + 1e15) / (1e15 + 1e6) = 750e6 + a
    // fraction (2.5e14 / (1e15 + 1e6)), rounded down: 750e6.
    assert_eq!(vault().convert_to_assets(shares), Ok(usdc(750)));
    // A liability above the pool floors the NAV at zero, and deposits stop.
    env.mark(usdc(1_100), usdc(50), U256::ZERO);
    assert_eq!(vault().total_assets(), U256::ZERO);
    assert_eq!(vault().max_deposit(alice), U256::ZERO);
    env.fund(alice, usdc(1));
    let before = env.snapshot(alice);
    assert_eq!(
        vault().deposit(usdc(1), alice),
        Err(Error::Insolvent(VaultInsolvent { deficit: usdc(50) }))
    );
    assert_eq!(
        vault().mint(u(1), alice),
        Err(Error::Insolvent(VaultInsolvent { deficit: usdc(50) }))
    );
    assert_eq!(env.snapshot(alice), before);
}

#[motsu::test]
fn the_mark_is_read_from_the_book_when_it_is_registered(alice: Address) {
    let env = Env::new();
    env.deposit(alice, usdc(1_000));
    let vault = || env.vault.sender(alice);
    // The market marks 300; a separate book program under `market.book` marks 100.
    env.mark(usdc(300), U256::ZERO, usdc(400));
    let book: Contract<MockMarket> = Contract::from_tag("book");
    book.sender(admin()).set_pool_liability(usdc(100), U256::ZERO);
    book.sender(admin()).set_required_collateral(usdc(200));
    env.set(BOOK_KEY, address_to_value(book.address()));
    // The book answers the views: 1_000 - 100, and 200 locked.
    assert_eq!(vault().total_assets(), usdc(900));
    assert_eq!(vault().valuation(), Ok((usdc(1_000), U256::ZERO, usdc(100), usdc(200), T0, true)));
    // The flows still come only from the market: the book is refused.
    env.token.sender(admin()).mint(book.address(), usdc(5)).expect("mint to the book");
    book.sender(admin()).init(Address::ZERO, env.token.address());
    book.sender(admin()).set_vault(env.vault.address());
    assert_eq!(
        book.sender(admin()).pay_premium(ETH, REASON_PREMIUM, usdc(5)),
        Err(VaultUnauthorizedAccount { account: book.address(), role: MARKET_ROLE }.abi_encode())
    );
    // Unset again: back to the market's mark.
    env.set(BOOK_KEY, U256::ZERO);
    assert_eq!(vault().total_assets(), usdc(700));
}

#[motsu::test]
fn the_short_book_adds_its_receivable_and_moves_flows(alice: Address) {
    let env = Env::new();
    env.deposit(alice, usdc(1_000));
    let vault = || env.vault.sender(alice);
    env.mark(usdc(300), usdc(20), usdc(400));
    let shorts: Contract<MockMarket> = Contract::from_tag("short-book");
    shorts.sender(admin()).init(Address::ZERO, env.token.address());
    shorts.sender(admin()).set_vault(env.vault.address());
    env.token.sender(admin()).mint(shorts.address(), usdc(50)).expect("mint to the short book");
    let refused = |account: Address| {
        Err(VaultUnauthorizedAccount { account, role: MARKET_ROLE }.abi_encode())
    };
    // Registered at zero: no receivable, and its flows are refused.
    shorts.sender(admin()).set_pool_liability(U256::ZERO, usdc(80));
    assert_eq!(vault().total_assets(), usdc(720));
    assert_eq!(vault().held_assets(), Ok(usdc(1_000)));
    assert_eq!(
        shorts.sender(admin()).pull_payout(ETH, REASON_PREMIUM, usdc(1)),
        refused(shorts.address())
    );
    // Registered: the options the pool holds against shorts (80) join the market's
    // receivable (20), and the mark is as old as the older answer.
    env.set(SHORT_BOOK_KEY, address_to_value(shorts.address()));
    assert_eq!(vault().total_assets(), usdc(800));
    // What the pool holds, read without any book: its cash and the short book's 80.
    assert_eq!(vault().held_assets(), Ok(usdc(1_080)));
    assert_eq!(vault().valuation(), Ok((usdc(1_000), usdc(100), usdc(300), usdc(400), T0, true)));
    shorts.sender(admin()).set_mark_time(T0 - 10);
    assert_eq!(
        vault().valuation(),
        Ok((usdc(1_000), usdc(100), usdc(300), usdc(400), T0 - 10, true))
    );
    // Its flows: the premium of a short sale out to it, a settlement in.
    assert_eq!(shorts.sender(admin()).pull_payout(ETH, REASON_PREMIUM, usdc(30)), Ok(usdc(30)));
    assert_eq!(env.token.sender(admin()).balance_of(shorts.address()), usdc(80));
    assert_eq!(shorts.sender(admin()).pay_premium(ETH, REASON_SETTLEMENT, usdc(45)), Ok(()));
    assert_eq!(vault().valuation().map(|v| v.0), Ok(usdc(1_015)));
    // `cash()` answers the same booked cash, without calling anyone.
    assert_eq!(vault().cash(), usdc(1_015));
    // A failing receivable makes the mark stale: the last recorded one, buffered.
    shorts.sender(admin()).set_liability_reverts(true);
    assert_eq!(vault().valuation().map(|v| v.5), Ok(false));
    // ... and `heldAssets` counts nothing for it.
    assert_eq!(vault().held_assets(), Ok(usdc(1_015)));
    // A third program is still refused.
    let other: Contract<MockMarket> = Contract::from_tag("other");
    other.sender(admin()).set_vault(env.vault.address());
    assert_eq!(
        other.sender(admin()).pull_payout(ETH, REASON_PREMIUM, usdc(1)),
        refused(other.address())
    );
}

#[motsu::test]
fn a_stale_mark_buffers_the_last_good_one_and_stops_deposits(alice: Address) {
    let env = Env::new();
    env.deposit(alice, usdc(1_000));
    env.mark(usdc(200), usdc(100), usdc(300));
    // A fresh mark, recorded by a keeper.
    assert_eq!(env.vault.sender(alice).sync_mark(), Ok(true));
    assert_eq!(env.vault.sender(alice).total_assets(), usdc(900));
    // The market's view now fails: the last good mark, liability and requirement + 10%.
    env.market.sender(admin()).set_liability_reverts(true);
    env.mark(usdc(999), usdc(999), usdc(999));
    let vault = || env.vault.sender(alice);
    // 1_000 + 100 - 220 = 880.
    assert_eq!(vault().total_assets(), usdc(880));
    assert_eq!(vault().valuation(), Ok((usdc(1_000), usdc(100), usdc(220), usdc(330), T0, false)));
    assert_eq!(vault().max_deposit(alice), U256::ZERO);
    assert_eq!(vault().max_mint(alice), U256::ZERO);
    let stale = Error::StaleMark(VaultStaleMark { markTime: T0, maxAge: MAX_AGE });
    assert_eq!(vault().preview_deposit(usdc(1)), Err(stale.clone()));
    assert_eq!(vault().preview_mint(u(1)), Err(stale.clone()));
    env.fund(alice, usdc(1));
    let before = env.snapshot(alice);
    assert_eq!(vault().deposit(usdc(1), alice), Err(stale.clone()));
    assert_eq!(vault().mint(u(1), alice), Err(stale.clone()));
    assert_eq!(env.snapshot(alice), before);
    // The keeper's sync says so in an event.
    assert_eq!(vault().sync_mark(), Ok(false));
    env.vault.assert_emitted(&StaleMark {
        markTime: T0,
        liability: usdc(220),
        requiredCollateral: usdc(330),
    });
    // The previews of claims stay available, at the buffered valuation.
    assert!(vault().preview_redeem(u(1_000_000_000)).is_ok());
    // A failing `requiredCollateral` is as stale as a failing `poolLiability`.
    env.market.sender(admin()).set_liability_reverts(false);
    env.market.sender(admin()).set_required_reverts(true);
    assert_eq!(vault().max_deposit(alice), U256::ZERO);
    // Both answer: fresh again, at the market's new figures.
    env.market.sender(admin()).set_required_reverts(false);
    assert_eq!(vault().total_assets(), usdc(1_000));
    assert_eq!(vault().max_deposit(alice), U256::MAX);
    assert_eq!(vault().deposit(usdc(1), alice).map(|s| s.is_zero()), Ok(false));
}

#[motsu::test]
fn the_mark_age_is_fresh_up_to_the_max_age_inclusive(alice: Address) {
    let env = Env::new();
    env.deposit(alice, usdc(10));
    env.market.sender(admin()).set_mark_age(MAX_AGE);
    assert_eq!(env.vault.sender(alice).max_deposit(alice), U256::MAX);
    env.market.sender(admin()).set_mark_age(MAX_AGE + 1);
    assert_eq!(env.vault.sender(alice).max_deposit(alice), U256::ZERO);
    // A mark from the future is not fresh either.
    env.market.sender(admin()).set_mark_time(T0 + 1);
    assert_eq!(env.vault.sender(alice).sync_mark(), Ok(false));
    // The error names the last fresh mark the vault recorded: the deposit's, at T0.
    assert_eq!(
        env.vault.sender(alice).preview_deposit(u(1)),
        Err(Error::StaleMark(VaultStaleMark { markTime: T0, maxAge: MAX_AGE }))
    );
}

#[motsu::test]
fn views_never_revert_when_governance_or_the_market_fails(alice: Address) {
    let env = Env::new();
    let shares = env.claimable(alice, usdc(1_000));
    env.mark(usdc(100), U256::ZERO, U256::ZERO);
    env.vault.sender(alice).sync_mark().unwrap();
    // Governance cannot answer (a key left unregistered): the last mark with a 100% buffer.
    env.gov.sender(admin()).unset(STALE_BUFFER_KEY);
    let vault = || env.vault.sender(alice);
    assert_eq!(vault().total_assets(), usdc(800));
    assert!(vault().convert_to_assets(shares).is_ok());
    assert_eq!(vault().max_deposit(alice), U256::ZERO);
    assert_eq!(vault().max_mint(alice), U256::ZERO);
    assert_eq!(vault().max_withdraw(alice), U256::ZERO);
    assert_eq!(vault().max_redeem(alice), U256::ZERO);
    let gov = env.gov.address();
    let failed = Error::GovernanceCallFailed(VaultGovernanceCallFailed { governance: gov });
    assert_eq!(vault().preview_redeem(u(1)), Err(failed.clone()));
    let before = env.snapshot(alice);
    assert_eq!(vault().redeem(shares, alice, alice), Err(failed.clone()));
    assert_eq!(vault().deposit(u(1), alice), Err(failed.clone()));
    assert_eq!(vault().sync_mark(), Err(failed));
    assert_eq!(env.snapshot(alice), before);
    // No market registered: stale, never a revert.
    env.set(STALE_BUFFER_KEY, WAD / u(10));
    env.set(MARKET_KEY, U256::ZERO);
    assert_eq!(vault().total_assets(), usdc(890));
    assert_eq!(vault().max_deposit(alice), U256::ZERO);
}

// ---- Requests, locks and claims -------------------------------------------------------------

#[motsu::test]
fn fresh_shares_stay_locked_for_the_hold_time(alice: Address, bob: Address) {
    let env = Env::new();
    let shares = env.deposit(alice, usdc(100));
    clock::warp(HOLD - 1);
    let locked = |needed| {
        Error::SharesLocked(VaultSharesLocked {
            account: alice,
            needed,
            unlocked: U256::ZERO,
            until: T0 + HOLD,
        })
    };
    let before = env.snapshot(alice);
    assert_eq!(env.vault.sender(alice).request_redeem(u(1), alice, alice), Err(locked(u(1))));
    assert_eq!(env.vault.sender(alice).transfer(bob, u(1)), Err(locked(u(1))));
    env.vault.sender(alice).approve(bob, U256::MAX).unwrap();
    assert_eq!(env.vault.sender(bob).transfer_from(alice, bob, shares), Err(locked(shares)));
    env.vault.sender(alice).approve(bob, U256::ZERO).unwrap();
    assert_eq!(env.snapshot(alice), before);
    // At the exact end of the hold, the shares are free.
    clock::warp(1);
    assert_eq!(env.vault.sender(alice).locked_shares(alice), (U256::ZERO, 0));
    assert_eq!(env.vault.sender(alice).transfer(bob, u(1)), Ok(true));
    // A new deposit locks only the new shares, from now.
    let more = env.deposit(alice, usdc(1));
    assert_eq!(env.vault.sender(alice).locked_shares(alice), (more, T0 + 2 * HOLD));
    assert_eq!(
        env.vault.sender(alice).transfer(bob, shares),
        Err(Error::SharesLocked(VaultSharesLocked {
            account: alice,
            needed: shares,
            unlocked: shares - u(1),
            until: T0 + 2 * HOLD,
        }))
    );
    assert_eq!(env.vault.sender(alice).transfer(bob, shares - u(1)), Ok(true));
    // Beyond the balance, the share token's own error.
    assert_eq!(
        env.vault.sender(bob).transfer(alice, shares + u(1)),
        Err(Error::InsufficientBalance(ERC20InsufficientBalance {
            sender: bob,
            balance: shares,
            needed: shares + u(1),
        }))
    );
    // Shares never enter the escrow by a transfer.
    let vault = env.vault.address();
    assert_eq!(
        env.vault.sender(bob).transfer(vault, u(1)),
        Err(Error::InvalidReceiver(ERC20InvalidReceiver { receiver: vault }))
    );
}

#[motsu::test]
fn requests_become_claimable_after_the_exact_delay(alice: Address, bob: Address) {
    let env = Env::new();
    let shares = env.deposit(alice, usdc(1_000));
    clock::warp(HOLD);
    let t = T0 + HOLD;
    assert_eq!(env.vault.sender(alice).request_redeem(shares, alice, alice), Ok(REQUEST_ID));
    env.vault.assert_emitted(&Transfer { from: alice, to: env.vault.address(), value: shares });
    env.vault.assert_emitted(&RedeemRequest {
        controller: alice,
        owner: alice,
        requestId: REQUEST_ID,
        sender: alice,
        shares,
    });
    let vault = || env.vault.sender(bob);
    assert_eq!(vault().balance_of(alice), U256::ZERO);
    assert_eq!(vault().balance_of(env.vault.address()), shares);
    assert_eq!(vault().redeem_request(alice), (shares, t + DELAY, U256::ZERO));
    assert_eq!(vault().pending_redeem_request(U256::ZERO, alice), shares);
    assert_eq!(vault().pending_redeem_request(u(1), alice), U256::ZERO);
    // One second early: pending, nothing to claim.
    clock::warp(DELAY - 1);
    assert_eq!(vault().claimable_redeem_request(U256::ZERO, alice), U256::ZERO);
    assert_eq!(vault().max_redeem(alice), U256::ZERO);
    assert_eq!(vault().max_withdraw(alice), U256::ZERO);
    let before = env.snapshot(alice);
    assert_eq!(
        env.vault.sender(alice).redeem(shares, alice, alice),
        Err(Error::ExceededMaxRedeem(ERC4626ExceededMaxRedeem {
            owner: alice,
            shares,
            max: U256::ZERO,
        }))
    );
    assert_eq!(
        env.vault.sender(alice).withdraw(u(1), alice, alice),
        Err(Error::ExceededMaxWithdraw(ERC4626ExceededMaxWithdraw {
            owner: alice,
            assets: u(1),
            max: U256::ZERO,
        }))
    );
    assert_eq!(env.snapshot(alice), before);
    // At the exact second: claimable, and the max functions say exactly what.
    clock::warp(1);
    assert_eq!(vault().redeem_request(alice), (U256::ZERO, 0, shares));
    assert_eq!(vault().claimable_redeem_request(U256::ZERO, alice), shares);
    assert_eq!(vault().claimable_redeem_request(u(7), alice), U256::ZERO);
    assert_eq!(vault().max_redeem(alice), shares);
    assert_eq!(vault().max_withdraw(alice), usdc(1_000));
    // Part by withdraw (shares rounded up), the rest by redeem, to another receiver.
    let preview = env.vault.sender(alice).preview_withdraw(usdc(400)).unwrap();
    // 400e6 * (1e15 + 1e6) / (1_000e6 + 1) = 400e6 * 1e6 * (1e9 + 1) / (1e9 + 1): exact,
    // so rounding up adds nothing.
    assert_eq!(preview, usdc(400) * VIRTUAL_SHARES);
    let burned = env.vault.sender(alice).withdraw(usdc(400), bob, alice).unwrap();
    assert_eq!(burned, preview);
    env.vault.assert_emitted(&Withdraw {
        sender: alice,
        receiver: bob,
        owner: alice,
        assets: usdc(400),
        shares: burned,
    });
    env.vault.assert_emitted(&Transfer {
        from: env.vault.address(),
        to: Address::ZERO,
        value: burned,
    });
    let rest = shares - burned;
    assert_eq!(vault().max_redeem(alice), rest);
    let paid = env.vault.sender(alice).redeem(rest, bob, alice).unwrap();
    assert_eq!(paid, usdc(600));
    assert_eq!(env.token_balance(bob), usdc(1_000));
    assert_eq!(vault().total_supply(), U256::ZERO);
    assert_eq!(vault().redeem_request(alice), (U256::ZERO, 0, U256::ZERO));
    assert_eq!(vault().valuation().unwrap().0, U256::ZERO);
}

#[motsu::test]
fn a_new_request_restarts_the_pending_delay_only(alice: Address) {
    let env = Env::new();
    let shares = env.deposit(alice, usdc(1_000));
    clock::warp(HOLD);
    let half = shares / u(2);
    env.vault.sender(alice).request_redeem(half, alice, alice).unwrap();
    clock::warp(DELAY);
    // Half is claimable; a new request of a quarter stays pending for a full delay.
    let quarter = shares / u(4);
    env.vault.sender(alice).request_redeem(quarter, alice, alice).unwrap();
    let now = T0 + HOLD + DELAY;
    assert_eq!(env.vault.sender(alice).redeem_request(alice), (quarter, now + DELAY, half));
    clock::warp(DELAY / 2);
    env.vault.sender(alice).request_redeem(quarter, alice, alice).unwrap();
    assert_eq!(
        env.vault.sender(alice).redeem_request(alice),
        (quarter + quarter, now + DELAY / 2 + DELAY, half)
    );
    assert_eq!(env.vault.sender(alice).max_redeem(alice), half);
}

#[motsu::test]
fn the_claim_is_priced_at_claim_time(alice: Address) {
    let env = Env::new();
    let shares = env.claimable(alice, usdc(1_000));
    // A loss lands after the request: the claim pays the lower price.
    env.mark(usdc(250), U256::ZERO, U256::ZERO);
    // 1e15 * (750e6 + 1) / (1e15 + 1e6), rounded down: 750e6 (see the NAV test).
    assert_eq!(env.vault.sender(alice).max_withdraw(alice), usdc(750));
    assert_eq!(env.vault.sender(alice).redeem(shares, alice, alice), Ok(usdc(750)));
    assert_eq!(env.token_balance(alice), usdc(750));
}

#[motsu::test]
fn locked_collateral_caps_max_withdraw_and_max_redeem(alice: Address) {
    let env = Env::new();
    let shares = env.claimable(alice, usdc(1_000));
    // 700 of the 1_000 in cash are locked: 300 free.
    env.mark(U256::ZERO, U256::ZERO, usdc(700));
    let vault = || env.vault.sender(alice);
    assert_eq!(vault().max_withdraw(alice), usdc(300));
    let max_redeem = vault().max_redeem(alice);
    assert_eq!(vault().preview_redeem(max_redeem), Ok(usdc(300)));
    assert!(vault().preview_redeem(max_redeem + u(1)).unwrap() > usdc(300));
    let before = env.snapshot(alice);
    assert_eq!(
        vault().withdraw(usdc(300) + u(1), alice, alice),
        Err(Error::ExceededMaxWithdraw(ERC4626ExceededMaxWithdraw {
            owner: alice,
            assets: usdc(300) + u(1),
            max: usdc(300),
        }))
    );
    assert_eq!(
        vault().redeem(max_redeem + u(1), alice, alice),
        Err(Error::ExceededMaxRedeem(ERC4626ExceededMaxRedeem {
            owner: alice,
            shares: max_redeem + u(1),
            max: max_redeem,
        }))
    );
    assert_eq!(env.snapshot(alice), before);
    assert_eq!(vault().redeem(max_redeem, alice, alice), Ok(usdc(300)));
    // The rest stays claimable, and nothing more is free.
    assert_eq!(vault().max_withdraw(alice), U256::ZERO);
    assert_eq!(vault().max_redeem(alice), U256::ZERO);
    assert_eq!(vault().claimable_redeem_request(U256::ZERO, alice), shares - max_redeem);
    // A requirement above the cash frees nothing (no underflow).
    env.mark(U256::ZERO, U256::ZERO, usdc(5_000));
    assert_eq!(vault().max_withdraw(alice), U256::ZERO);
}

#[motsu::test]
fn requests_check_authority_balance_and_input(alice: Address, bob: Address, carol: Address) {
    let env = Env::new();
    let shares = env.deposit(alice, usdc(100));
    clock::warp(HOLD);
    let before = env.snapshot(alice);
    let cases: Vec<(Result<U256, Error>, Error)> = vec![
        (env.vault.sender(alice).request_redeem(U256::ZERO, alice, alice), zero()),
        (
            env.vault.sender(alice).request_redeem(u(1), Address::ZERO, alice),
            Error::InvalidAddress(VaultInvalidAddress { account: Address::ZERO }),
        ),
        // Bob names himself controller of Alice's shares without her allowance.
        (
            env.vault.sender(bob).request_redeem(u(1), bob, alice),
            Error::InsufficientAllowance(ERC20InsufficientAllowance {
                spender: bob,
                allowance: U256::ZERO,
                needed: u(1),
            }),
        ),
        // Bob names Carol controller: he is not Carol nor her operator.
        (
            env.vault.sender(bob).request_redeem(u(1), carol, alice),
            Error::UnauthorizedAccount(VaultUnauthorizedAccount {
                account: bob,
                role: CONTROLLER_ROLE,
            }),
        ),
        (
            env.vault.sender(alice).request_redeem(shares + u(1), alice, alice),
            Error::InsufficientBalance(ERC20InsufficientBalance {
                sender: alice,
                balance: shares,
                needed: shares + u(1),
            }),
        ),
    ];
    for (i, (result, expected)) in cases.into_iter().enumerate() {
        assert_eq!(result, Err(expected), "case {i}");
    }
    assert_eq!(env.snapshot(alice), before);
    assert_eq!(env.vault.sender(alice).redeem_request(bob), (U256::ZERO, 0, U256::ZERO));
    // With an allowance, Bob requests for himself, spending it.
    env.vault.sender(alice).approve(bob, u(10)).unwrap();
    env.vault.assert_emitted(&Approval { owner: alice, spender: bob, value: u(10) });
    assert_eq!(env.vault.sender(bob).request_redeem(u(10), bob, alice), Ok(REQUEST_ID));
    assert_eq!(env.vault.sender(bob).allowance(alice, bob), U256::ZERO);
    assert_eq!(env.vault.sender(bob).pending_redeem_request(U256::ZERO, bob), u(10));
    assert_eq!(
        env.vault.sender(alice).approve(Address::ZERO, u(1)),
        Err(Error::InvalidSpender(ERC20InvalidSpender { spender: Address::ZERO }))
    );
}

#[motsu::test]
fn operators_request_and_claim_without_allowance(alice: Address, bob: Address, carol: Address) {
    let env = Env::new();
    let shares = env.deposit(alice, usdc(100));
    clock::warp(HOLD);
    assert_eq!(
        env.vault.sender(alice).set_operator(Address::ZERO, true),
        Err(Error::InvalidAddress(VaultInvalidAddress { account: Address::ZERO }))
    );
    assert_eq!(env.vault.sender(alice).set_operator(bob, true), Ok(true));
    env.vault.assert_emitted(&OperatorSet { controller: alice, operator: bob, approved: true });
    assert!(env.vault.sender(carol).is_operator(alice, bob));
    assert!(!env.vault.sender(carol).is_operator(bob, alice));
    // Bob requests Alice's shares for Alice, then claims them to Carol.
    assert_eq!(env.vault.sender(bob).request_redeem(shares, alice, alice), Ok(REQUEST_ID));
    clock::warp(DELAY);
    assert_eq!(env.vault.sender(bob).redeem(shares, carol, alice), Ok(usdc(100)));
    assert_eq!(env.token_balance(carol), usdc(100));
    assert_eq!(env.vault.sender(alice).allowance(alice, bob), U256::ZERO);
    // Revoked, Bob can claim no more.
    env.vault.sender(alice).set_operator(bob, false).unwrap();
    assert!(!env.vault.sender(carol).is_operator(alice, bob));
}

#[motsu::test]
fn claims_by_third_parties_need_an_allowance(alice: Address, bob: Address) {
    let env = Env::new();
    let shares = env.claimable(alice, usdc(100));
    let before = env.snapshot(alice);
    assert_eq!(
        env.vault.sender(bob).redeem(shares, bob, alice),
        Err(Error::InsufficientAllowance(ERC20InsufficientAllowance {
            spender: bob,
            allowance: U256::ZERO,
            needed: shares,
        }))
    );
    assert_eq!(env.snapshot(alice), before);
    env.vault.sender(alice).approve(bob, shares).unwrap();
    assert_eq!(env.vault.sender(bob).withdraw(usdc(40), bob, alice), Ok(usdc(40) * VIRTUAL_SHARES));
    assert_eq!(env.vault.sender(bob).allowance(alice, bob), shares - usdc(40) * VIRTUAL_SHARES);
    assert_eq!(env.token_balance(bob), usdc(40));
}

#[motsu::test]
fn bad_claims_are_refused_and_change_nothing(alice: Address) {
    let env = Env::new();
    env.claimable(alice, usdc(100));
    let before = env.snapshot(alice);
    let vault = env.vault.address();
    let cases: Vec<(Result<U256, Error>, Error)> = vec![
        (env.vault.sender(alice).redeem(U256::ZERO, alice, alice), zero()),
        (env.vault.sender(alice).withdraw(U256::ZERO, alice, alice), zero()),
        (
            env.vault.sender(alice).redeem(u(1), Address::ZERO, alice),
            Error::InvalidAddress(VaultInvalidAddress { account: Address::ZERO }),
        ),
        (
            env.vault.sender(alice).withdraw(u(1), vault, alice),
            Error::InvalidAddress(VaultInvalidAddress { account: vault }),
        ),
    ];
    for (i, (result, expected)) in cases.into_iter().enumerate() {
        assert_eq!(result, Err(expected), "case {i}");
    }
    assert_eq!(env.snapshot(alice), before);
    // A failing asset transfer reverts the claim.
    env.token.sender(admin()).set_failing(true);
    assert_eq!(
        env.vault.sender(alice).redeem(u(1_000_000), alice, alice),
        Err(Error::TokenCallFailed(VaultTokenCallFailed { token: env.token.address() }))
    );
}

// ---- Pauses ---------------------------------------------------------------------------------

#[motsu::test]
fn a_vault_pause_stops_entries_and_requests_not_claims(alice: Address, bob: Address) {
    let env = Env::new();
    let shares = env.claimable(alice, usdc(100));
    let bob_shares = env.deposit(bob, usdc(100));
    clock::warp(HOLD);
    env.gov.sender(admin()).set_paused(VAULT_SCOPE, true);
    let paused = Error::Paused(VaultPaused { scope: VAULT_SCOPE });
    env.fund(bob, usdc(1));
    let before = env.snapshot(bob);
    assert_eq!(env.vault.sender(bob).max_deposit(bob), U256::ZERO);
    assert_eq!(env.vault.sender(bob).max_mint(bob), U256::ZERO);
    assert_eq!(env.vault.sender(bob).deposit(usdc(1), bob), Err(paused.clone()));
    assert_eq!(env.vault.sender(bob).mint(u(1), bob), Err(paused.clone()));
    assert_eq!(env.vault.sender(bob).request_redeem(bob_shares, bob, bob), Err(paused));
    assert_eq!(env.snapshot(bob), before);
    // Claims go on.
    assert_eq!(env.vault.sender(alice).max_redeem(alice), shares);
    assert_eq!(env.vault.sender(alice).redeem(shares / u(2), alice, alice), Ok(usdc(50)));
    // The protocol pause stops claims too.
    env.gov.sender(admin()).set_paused(PROTOCOL_SCOPE, true);
    env.gov.sender(admin()).set_paused(VAULT_SCOPE, false);
    assert_eq!(env.vault.sender(alice).max_redeem(alice), U256::ZERO);
    assert_eq!(env.vault.sender(alice).max_withdraw(alice), U256::ZERO);
    let before = env.snapshot(alice);
    let protocol = Error::Paused(VaultPaused { scope: PROTOCOL_SCOPE });
    assert_eq!(env.vault.sender(alice).redeem(u(1_000_000), alice, alice), Err(protocol.clone()));
    assert_eq!(env.vault.sender(alice).withdraw(u(1), alice, alice), Err(protocol));
    // ... and entries, through the vault scope (governance reports it paused).
    assert_eq!(
        env.vault.sender(bob).deposit(usdc(1), bob),
        Err(Error::Paused(VaultPaused { scope: VAULT_SCOPE }))
    );
    assert_eq!(env.snapshot(alice), before);
    // The market's flows never stop.
    env.premium(usdc(5));
    assert_eq!(env.vault.sender(alice).valuation().unwrap().0, usdc(155));
}

// ---- Flows with the market ------------------------------------------------------------------

#[motsu::test]
fn the_market_pulls_payouts_within_the_cash(alice: Address) {
    let env = Env::new();
    env.deposit(alice, usdc(1_000));
    // Collateral locked against open positions is there to pay the market.
    env.mark(U256::ZERO, U256::ZERO, usdc(900));
    let market = || env.market.sender(admin());
    assert_eq!(market().pull_payout(ETH, REASON_SETTLEMENT, usdc(600)), Ok(usdc(600)));
    env.vault.assert_emitted(&PayoutPulled {
        marketId: ETH,
        reason: REASON_SETTLEMENT,
        requested: usdc(600),
        paid: usdc(600),
    });
    assert_eq!(env.token_balance(env.market.address()), usdc(600));
    assert_eq!(env.vault.sender(alice).total_assets(), usdc(400));
    // A payout beyond the cash pays the cash, no more.
    assert_eq!(market().pull_payout(ETH, REASON_DEFAULT, usdc(1_000)), Ok(usdc(400)));
    env.vault.assert_emitted(&PayoutPulled {
        marketId: ETH,
        reason: REASON_DEFAULT,
        requested: usdc(1_000),
        paid: usdc(400),
    });
    assert_eq!(env.token_balance(env.vault.address()), U256::ZERO);
    assert_eq!(env.vault.sender(alice).total_assets(), U256::ZERO);
    // An empty pool pays nothing, and says so.
    assert_eq!(market().pull_payout(ETH, REASON_SETTLEMENT, u(1)), Ok(U256::ZERO));
    env.vault.assert_emitted(&PayoutPulled {
        marketId: ETH,
        reason: REASON_SETTLEMENT,
        requested: u(1),
        paid: U256::ZERO,
    });
}

#[motsu::test]
fn premiums_raise_the_nav_once_received(alice: Address) {
    let env = Env::new();
    env.deposit(alice, usdc(1_000));
    env.premium(usdc(30));
    env.vault.assert_emitted(&PremiumNotified {
        marketId: ETH,
        reason: REASON_PREMIUM,
        amount: usdc(30),
    });
    assert_eq!(env.vault.sender(alice).total_assets(), usdc(1_030));
    // A notification without the tokens is refused.
    let before = env.snapshot(alice);
    assert_eq!(
        env.market.sender(admin()).notify_premium(ETH, REASON_FEES, u(1)),
        Err(Vec::from(Error::FlowNotReceived(VaultFlowNotReceived {
            amount: u(1),
            unaccounted: U256::ZERO,
        })))
    );
    assert_eq!(env.snapshot(alice), before);
    // A donation is not the pool's until the market books it.
    env.token.sender(admin()).mint(env.vault.address(), usdc(7)).unwrap();
    assert_eq!(env.vault.sender(alice).total_assets(), usdc(1_030));
    env.market.sender(admin()).notify_premium(ETH, REASON_INSURANCE, usdc(7)).unwrap();
    assert_eq!(env.vault.sender(alice).total_assets(), usdc(1_037));
}

#[motsu::test]
fn flows_check_caller_and_input(alice: Address, mallory: Address) {
    let env = Env::new();
    env.deposit(alice, usdc(1_000));
    env.token.sender(admin()).mint(env.vault.address(), usdc(5)).unwrap();
    let before = env.snapshot(alice);
    let unauthorized = |account| {
        Error::UnauthorizedAccount(VaultUnauthorizedAccount { account, role: MARKET_ROLE })
    };
    assert_eq!(
        env.vault.sender(mallory).pull_payout(ETH, REASON_SETTLEMENT, u(1)),
        Err(unauthorized(mallory))
    );
    assert_eq!(
        env.vault.sender(mallory).notify_premium(ETH, REASON_PREMIUM, u(1)),
        Err(unauthorized(mallory))
    );
    let market = || env.market.sender(admin());
    let cases: Vec<(Result<U256, Vec<u8>>, Error)> = vec![
        (market().pull_payout(ETH, REASON_PREMIUM, U256::ZERO), zero()),
        (
            market().pull_payout(B256::ZERO, REASON_PREMIUM, u(1)),
            Error::ZeroMarketId(VaultZeroMarketId {}),
        ),
        (
            market().pull_payout(ETH, MAX_REASON + 1, u(1)),
            Error::InvalidReason(VaultInvalidReason { reason: MAX_REASON + 1 }),
        ),
        (market().notify_premium(ETH, REASON_FEES, U256::ZERO).map(|()| U256::ZERO), zero()),
        (
            market().notify_premium(B256::ZERO, REASON_FEES, u(1)).map(|()| U256::ZERO),
            Error::ZeroMarketId(VaultZeroMarketId {}),
        ),
        (
            market().notify_premium(ETH, u8::MAX, u(1)).map(|()| U256::ZERO),
            Error::InvalidReason(VaultInvalidReason { reason: u8::MAX }),
        ),
    ];
    for (i, (result, expected)) in cases.into_iter().enumerate() {
        assert_eq!(result, Err(Vec::from(expected)), "case {i}");
    }
    assert_eq!(env.snapshot(alice), before);
    // With no market registered, nobody may flow (not even the zero address).
    env.set(MARKET_KEY, U256::ZERO);
    let before = env.snapshot(alice);
    assert_eq!(
        env.vault.sender(Address::ZERO).pull_payout(ETH, REASON_PREMIUM, u(1)),
        Err(unauthorized(Address::ZERO))
    );
    assert_eq!(
        env.market.sender(admin()).pull_payout(ETH, REASON_PREMIUM, u(1)),
        Err(Vec::from(unauthorized(env.market.address())))
    );
    assert_eq!(env.snapshot(alice), before);
}

// ---- Encodings ------------------------------------------------------------------------------

#[test]
fn every_error_encodes_as_its_solidity_declaration() {
    let (account, word) = (Address::repeat_byte(0x11), B256::repeat_byte(0x22));
    let (three, max, five) = (u(3), U256::MAX, u(5));
    macro_rules! check {
        ($($variant:ident($error:expr)),* $(,)?) => {
            $(
                let error = $error;
                assert_eq!(Vec::<u8>::from(Error::$variant(error.clone())), error.abi_encode());
            )*
        };
    }
    check!(
        InvalidAddress(VaultInvalidAddress { account }),
        InvalidMetadata(VaultInvalidMetadata { name: word, symbol: B256::repeat_byte(3) }),
        ZeroAmount(VaultZeroAmount {}),
        ZeroShares(VaultZeroShares { assets: three }),
        ZeroAssets(VaultZeroAssets { shares: max }),
        ZeroMarketId(VaultZeroMarketId {}),
        InvalidReason(VaultInvalidReason { reason: 200 }),
        UnauthorizedAccount(VaultUnauthorizedAccount { account, role: word }),
        Paused(VaultPaused { scope: word }),
        StaleMark(VaultStaleMark { markTime: u64::MAX, maxAge: 7 }),
        Insolvent(VaultInsolvent { deficit: three }),
        SharesLocked(VaultSharesLocked { account, needed: three, unlocked: max, until: 9 }),
        FlowNotReceived(VaultFlowNotReceived { amount: three, unaccounted: five }),
        GovernanceCallFailed(VaultGovernanceCallFailed { governance: account }),
        TokenCallFailed(VaultTokenCallFailed { token: account }),
        MathOverflow(VaultMathOverflow {}),
        ExceededMaxDeposit(ERC4626ExceededMaxDeposit {
            receiver: account,
            assets: three,
            max: five
        }),
        ExceededMaxMint(ERC4626ExceededMaxMint { receiver: account, shares: max, max: five }),
        ExceededMaxWithdraw(ERC4626ExceededMaxWithdraw { owner: account, assets: three, max }),
        ExceededMaxRedeem(ERC4626ExceededMaxRedeem { owner: account, shares: three, max: five }),
        InsufficientBalance(ERC20InsufficientBalance {
            sender: account,
            balance: three,
            needed: max
        }),
        InvalidSender(ERC20InvalidSender { sender: account }),
        InvalidReceiver(ERC20InvalidReceiver { receiver: account }),
        InsufficientAllowance(ERC20InsufficientAllowance {
            spender: account,
            allowance: three,
            needed: five
        }),
        InvalidSpender(ERC20InvalidSpender { spender: account }),
        InvalidApprover(ERC20InvalidApprover { approver: account }),
    );
}

#[test]
fn the_constants_are_the_hashes_of_their_names() {
    use alloy_primitives::keccak256;
    assert_eq!(DEPOSIT_CAP_KEY, keccak256("vault.depositCap"));
    assert_eq!(MARK_MAX_AGE_KEY, keccak256("vault.markMaxAge"));
    assert_eq!(STALE_BUFFER_KEY, keccak256("vault.staleBufferWad"));
    assert_eq!(REDEEM_DELAY_KEY, keccak256("vault.redeemDelay"));
    assert_eq!(MIN_HOLD_TIME_KEY, keccak256("vault.minHoldTime"));
    assert_eq!(MARKET_ROLE, keccak256("MARKET"));
    assert_eq!(CONTROLLER_ROLE, keccak256("CONTROLLER"));
    let id = |signatures: &[&str]| {
        signatures.iter().fold(0u32, |id, s| {
            id ^ u32::from_be_bytes(keccak256(s)[..4].try_into().expect("id: 4 bytes"))
        })
    };
    assert_eq!(ERC165_INTERFACE_ID, id(&["supportsInterface(bytes4)"]));
    assert_eq!(
        ERC7540_OPERATOR_INTERFACE_ID,
        id(&["isOperator(address,address)", "setOperator(address,bool)"])
    );
    assert_eq!(
        ERC7540_REDEEM_INTERFACE_ID,
        id(&[
            "requestRedeem(uint256,address,address)",
            "pendingRedeemRequest(uint256,address)",
            "claimableRedeemRequest(uint256,address)",
        ])
    );
    // ERC-7575 fixes its id as a constant (not the selector of `share()`).
    assert_eq!(ERC7575_INTERFACE_ID, 0x2f0a_18c5);
}

#[motsu::test]
fn overflows_and_unapproved_transfers_are_refused(alice: Address, bob: Address) {
    let env = Env::new();
    let shares = env.deposit(alice, usdc(1_000));
    clock::warp(HOLD);
    let overflow = Error::MathOverflow(VaultMathOverflow {});
    // U256::MAX assets at more than one share per unit do not fit.
    assert_eq!(env.vault.sender(bob).convert_to_shares(U256::MAX), Err(overflow.clone()));
    assert_eq!(env.vault.sender(bob).preview_deposit(U256::MAX), Err(overflow.clone()));
    // U256::MAX shares fit as assets (about 1e-6 of them), but not beside the supply.
    let before = env.snapshot(bob);
    assert_eq!(env.vault.sender(bob).max_mint(bob), U256::MAX);
    assert_eq!(env.vault.sender(bob).mint(U256::MAX, bob), Err(overflow));
    assert_eq!(env.snapshot(bob), before);
    // A transfer on no allowance: the share token's error, nothing moved.
    let before = env.snapshot(alice);
    assert_eq!(
        env.vault.sender(bob).transfer_from(alice, bob, shares),
        Err(Error::InsufficientAllowance(ERC20InsufficientAllowance {
            spender: bob,
            allowance: U256::ZERO,
            needed: shares,
        }))
    );
    assert_eq!(env.snapshot(alice), before);
    assert_eq!(env.vault.sender(bob).balance_of(bob), U256::ZERO);
    // With it, the shares move and the allowance is spent.
    env.vault.sender(alice).approve(bob, shares).unwrap();
    assert_eq!(env.vault.sender(bob).transfer_from(alice, bob, shares), Ok(true));
    env.vault.assert_emitted(&Transfer { from: alice, to: bob, value: shares });
    assert_eq!(env.vault.sender(bob).balance_of(bob), shares);
    assert_eq!(env.vault.sender(bob).allowance(alice, bob), U256::ZERO);
}
