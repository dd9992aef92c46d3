//! Unit tests of `InsuranceFund` (motsu) against mocks: a 6-decimal ERC-20, a settable
//! governance store and a market that calls the fund. The cross-contract scenarios with the
//! real `GovernanceParams`, and the stateful invariants, are in `test/`.
//!
//! Every failing call is followed by a re-read of the state it could have touched: motsu
//! keeps the storage and events of a call that returns `Err` (only `motsu_unwrap_err`
//! reverts them), so these re-reads would catch a state change made before an error.
#![allow(clippy::too_many_lines, reason = "scenario tests read top to bottom")]

use alloy_primitives::{keccak256, uint, Address, B256, U256};
use alloy_sol_types::SolError;
use motsu::prelude::*;
use mutual_contract_kit::clock;
use mutual_interfaces::keys::{
    address_to_value, INSURANCE_SCOPE, MARKET_KEY, SHORT_BOOK_KEY, VAULT_KEY,
};
use mutual_test_mocks::{MockErc20, MockGovernance, MockMarket};

use super::*;

// ---- Fixture --------------------------------------------------------------------------------

/// motsu 0.10's constant block timestamp (2025-01-01T00:00:00Z).
const T0: u64 = 1_735_689_600;
/// One day in seconds.
const DAY: u64 = 86_400;
/// The fixture's minimum cooldown: 7 days.
const MIN_COOLDOWN: u64 = 7 * DAY;
/// The fixture's maximum cooldown: 90 days.
const MAX_COOLDOWN: u64 = 90 * DAY;
/// The fixture's withdrawal window: 2 days.
const WINDOW: u64 = 2 * DAY;
/// The fixture market's longest open tenor: 30 days.
const TENOR: u64 = 30 * DAY;
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

/// `x / 100` WAD.
fn pct(x: u64) -> U256 {
    WAD * U256::from(x) / U256::from(100)
}

/// The contracts of a test.
struct Env {
    fund: Contract<InsuranceFund>,
    token: Contract<MockErc20>,
    gov: Contract<MockGovernance>,
    market: Contract<MockMarket>,
    vault: Contract<MockMarket>,
}

/// The deployer and governance operator of the fixture.
fn admin() -> Address {
    Address::repeat_byte(0xad)
}

impl Env {
    /// Deploys the mocks and a fund of `tranches` tranches at time `T0`, with every
    /// governance key the fund reads set: cooldowns 7/90 days, window 2 days, unlimited
    /// caps, no minimum balance, per-event cap 100%, income weights 3, 1, 1, ...
    fn new(tranches: u8) -> Self {
        clock::reset();
        let env = Env {
            fund: Contract::from_tag("fund"),
            token: Contract::from_tag("usdc"),
            gov: Contract::from_tag("governance"),
            market: Contract::from_tag("market"),
            vault: Contract::from_tag("vault"),
        };
        let set = |key: B256, value: U256| env.gov.sender(admin()).set(key, value);
        set(MARKET_KEY, address_to_value(env.market.address()));
        set(VAULT_KEY, address_to_value(env.vault.address()));
        // Zero: shorts not enabled (a test registers a short book).
        set(SHORT_BOOK_KEY, U256::ZERO);
        set(MIN_COOLDOWN_KEY, U256::from(MIN_COOLDOWN));
        set(MAX_COOLDOWN_KEY, U256::from(MAX_COOLDOWN));
        set(WITHDRAW_WINDOW_KEY, U256::from(WINDOW));
        set(TARGET_COVERAGE_KEY, pct(150));
        set(BASE_INCOME_SHARE_KEY, pct(10));
        set(MAX_INCOME_SHARE_KEY, pct(40));
        for t in 0..tranches {
            set(tranche_key(t, DEPOSIT_CAP), U256::MAX);
            set(tranche_key(t, MIN_BALANCE), U256::ZERO);
            set(tranche_key(t, CAP_WAD), WAD);
            set(tranche_key(t, INCOME_WEIGHT), U256::from(if t == JUNIOR { 3 } else { 1 }));
        }
        env.market.sender(admin()).init(env.fund.address(), env.token.address());
        env.vault.sender(admin()).init(env.fund.address(), env.token.address());
        env.market.sender(admin()).set_longest_open_tenor(TENOR);
        env.fund
            .sender(admin())
            .constructor(env.token.address(), env.gov.address(), tranches)
            .expect("Env::new: constructor");
        env
    }

    /// Sets governance `key` to `value`.
    fn set(&self, key: B256, value: U256) {
        self.gov.sender(admin()).set(key, value);
    }

    /// Mints `assets` to `staker`, who approves the fund and deposits them into `tranche`.
    fn stake(&self, staker: Address, tranche: u8, assets: U256) -> U256 {
        self.token.sender(admin()).mint(staker, assets).expect("stake: mint");
        self.token.sender(staker).approve(self.fund.address(), U256::MAX).expect("stake: approve");
        self.fund.sender(staker).deposit(tranche, assets, staker).expect("stake: deposit")
    }

    /// Mints `amount` to the market, which pays it to the fund as income.
    fn income(&self, amount: U256) {
        self.token.sender(admin()).mint(self.market.address(), amount).expect("income: mint");
        self.market.sender(admin()).pay_income(ETH, amount).expect("income: pay");
    }

    /// The fund's token balance.
    fn balance(&self) -> U256 {
        self.token.sender(admin()).balance_of(self.fund.address())
    }

    /// `(totalAssets, totalSupply)` of `tranche`.
    fn totals(&self, tranche: u8) -> (U256, U256) {
        let reader = self.fund.sender(admin());
        (
            reader.total_assets(tranche).expect("totals: assets"),
            self.fund.sender(admin()).total_supply(tranche).expect("totals: supply"),
        )
    }
}

/// The revert data of `error`, as the fund encodes it.
fn encoded(error: Error) -> Vec<u8> {
    error.into()
}

/// Moves the clock to `T0 + offset`.
fn at(offset: u64) {
    clock::set_offset(offset);
}

// ---- Encodings and constants ---------------------------------------------------------------

#[test]
fn revert_data_is_the_abi_encoding_of_each_error() {
    /// The hand encoding of `wrap(error)` beside `error`'s `sol!` encoding.
    fn case<E: SolError>(wrap: fn(E) -> Error, error: E) -> (Vec<u8>, Vec<u8>) {
        let sol = error.abi_encode();
        (Vec::<u8>::from(wrap(error)), sol)
    }
    let account = Address::repeat_byte(0x22);
    let (big, small) = (U256::MAX, U256::from(7));
    let cases = [
        case(Error::InvalidAddress, InsuranceInvalidAddress { account }),
        case(Error::InvalidTrancheCount, InsuranceInvalidTrancheCount { count: 255 }),
        case(Error::InvalidTranche, InsuranceInvalidTranche { tranche: 9, count: 2 }),
        case(Error::ZeroAmount, InsuranceZeroAmount {}),
        case(Error::ZeroMarketId, InsuranceZeroMarketId {}),
        case(Error::InvalidLossKind, InsuranceInvalidLossKind { kind: 200 }),
        case(
            Error::UnauthorizedAccount,
            InsuranceUnauthorizedAccount { account, role: MARKET_ROLE },
        ),
        case(Error::Paused, InsurancePaused { scope: INSURANCE_SCOPE }),
        case(
            Error::ExceededMaxDeposit,
            InsuranceExceededMaxDeposit { tranche: 1, receiver: account, assets: big, max: small },
        ),
        case(
            Error::ExceededMaxMint,
            InsuranceExceededMaxMint { tranche: 2, receiver: account, shares: small, max: big },
        ),
        case(
            Error::ExceededMaxWithdraw,
            InsuranceExceededMaxWithdraw { tranche: 3, owner: account, assets: big, max: WAD },
        ),
        case(
            Error::ExceededMaxRedeem,
            InsuranceExceededMaxRedeem { tranche: 4, owner: account, shares: WAD, max: small },
        ),
        case(
            Error::InsufficientAllowance,
            InsuranceInsufficientAllowance {
                tranche: 5,
                spender: account,
                allowance: small,
                needed: big,
            },
        ),
        case(
            Error::RequestExceedsBalance,
            InsuranceRequestExceedsBalance {
                tranche: 6,
                owner: account,
                shares: big,
                balance: WAD,
            },
        ),
        case(
            Error::IncomeNotReceived,
            InsuranceIncomeNotReceived { amount: big, unaccounted: small },
        ),
        case(Error::NoIncomeWeight, InsuranceNoIncomeWeight {}),
        case(Error::UnknownLoss, InsuranceUnknownLoss { lossId: big, count: small }),
        case(Error::GovernanceCallFailed, InsuranceGovernanceCallFailed { governance: account }),
        case(Error::TokenCallFailed, InsuranceTokenCallFailed { token: account }),
        case(Error::MathOverflow, InsuranceMathOverflow {}),
    ];
    // One case per variant (20).
    assert_eq!(cases.len(), 20);
    for (i, (hand, sol)) in cases.into_iter().enumerate() {
        assert_eq!(hand, sol, "case {i}");
    }
}

#[test]
fn constants_are_the_documented_values() {
    assert_eq!(VIRTUAL_SHARES, U256::from(10).pow(U256::from(DECIMALS_OFFSET)));
    assert_eq!(MARKET_ROLE, keccak256("MARKET"));
    assert_eq!(MARKET_OR_VAULT_ROLE, keccak256("MARKET_OR_VAULT"));
    assert_eq!(MIN_COOLDOWN_KEY, keccak256("insurance.minCooldown"));
    assert_eq!(MAX_COOLDOWN_KEY, keccak256("insurance.maxCooldown"));
    assert_eq!(WITHDRAW_WINDOW_KEY, keccak256("insurance.withdrawWindow"));
    assert_eq!(TARGET_COVERAGE_KEY, keccak256("insurance.targetCoverageWad"));
    assert_eq!(BASE_INCOME_SHARE_KEY, keccak256("insurance.baseIncomeShareWad"));
    assert_eq!(MAX_INCOME_SHARE_KEY, keccak256("insurance.maxIncomeShareWad"));
    assert_eq!(tranche_key(0, CAP_WAD), keccak256("insurance.tranche.0.capWad"));
    assert_eq!(tranche_key(1, MIN_BALANCE), keccak256("insurance.tranche.1.minBalance"));
    assert_eq!(tranche_key(7, DEPOSIT_CAP), keccak256("insurance.tranche.7.depositCap"));
    assert_eq!(tranche_key(10, INCOME_WEIGHT), keccak256("insurance.tranche.10.incomeWeight"));
    assert_eq!(tranche_key(205, CAP_WAD), keccak256("insurance.tranche.205.capWad"));
    assert_eq!(tranche_key(255, CAP_WAD), keccak256("insurance.tranche.255.capWad"));
    assert_eq!((JUNIOR, SENIOR, KIND_TRADER_DEFAULT, KIND_POOL_TAIL), (0, 1, 0, 1));
}

#[test]
fn conversions_round_as_named() {
    let v = VIRTUAL_SHARES;
    let empty = shares::Totals { assets: U256::ZERO, supply: U256::ZERO };
    // Empty tranche: 1 asset unit buys 1e6 shares (assets * (0 + 1e6) / (0 + 1)).
    assert_eq!(empty.to_shares_down(U256::from(1), v), Some(v));
    // 1000 assets and 999e6 shares: 10 assets -> 10 * 1000e6 / 1001 = 9_990_009.99 shares.
    let totals = shares::Totals { assets: U256::from(1000), supply: U256::from(999_000_000) };
    assert_eq!(totals.to_shares_down(U256::from(10), v), Some(U256::from(9_990_009)));
    assert_eq!(totals.to_shares_up(U256::from(10), v), Some(U256::from(9_990_010)));
    // 12_345 shares -> 12_345 * 1001 / 1000e6 = 0.0123 assets.
    assert_eq!(totals.to_assets_down(U256::from(12_345), v), Some(U256::ZERO));
    assert_eq!(totals.to_assets_up(U256::from(12_345), v), Some(U256::from(1)));
    // Exact: 1e6 shares of 999 assets and 999e6 shares... (1e6 * 1000 / 1e9 = 1).
    let exact = shares::Totals { assets: U256::from(999), supply: U256::from(999_000_000) };
    assert_eq!(exact.to_assets_down(v, v), Some(U256::from(1)));
    assert_eq!(exact.to_assets_up(v, v), Some(U256::from(1)));
    // Overflow is None, never a panic.
    let full = shares::Totals { assets: U256::MAX, supply: U256::ZERO };
    assert_eq!(full.to_shares_down(U256::from(1), v), None);
    let huge = shares::Totals { assets: U256::ZERO, supply: U256::MAX - U256::from(5) };
    assert_eq!(huge.to_shares_down(U256::from(1), v), None);
    assert_eq!(empty.to_shares_down(U256::MAX, v), None);
}

// ---- Constructor -------------------------------------------------------------------------------

#[motsu::test]
fn constructor_records_the_asset_governance_and_tranches() {
    let env = Env::new(3);
    let reader = env.fund.sender(admin());
    assert_eq!(reader.asset(), env.token.address());
    assert_eq!(env.fund.sender(admin()).governance(), env.gov.address());
    assert_eq!(env.fund.sender(admin()).tranche_count(), 3);
    // USDC's 6 decimals plus the offset of 6.
    assert_eq!(env.fund.sender(admin()).decimals(), 12);
    assert_eq!(env.fund.sender(admin()).fund_assets(), U256::ZERO);
    assert_eq!(env.fund.sender(admin()).loss_count(), U256::ZERO);
    for t in 0..3 {
        assert_eq!(env.totals(t), (U256::ZERO, U256::ZERO));
    }
    let err = env.fund.sender(admin()).total_assets(3).unwrap_err();
    assert_eq!(err, Error::InvalidTranche(InsuranceInvalidTranche { tranche: 3, count: 3 }));
}

#[motsu::test]
fn constructor_rejects_bad_arguments(token: Contract<MockErc20>, gov: Contract<MockGovernance>) {
    let build = |asset: Address, governance: Address, count: u8| {
        let fund = Contract::<InsuranceFund>::new();
        let result = fund.sender(admin()).constructor(asset, governance, count);
        let count_after = fund.sender(admin()).tranche_count();
        (result, count_after)
    };
    let invalid = |account| Error::InvalidAddress(InsuranceInvalidAddress { account });
    assert_eq!(build(Address::ZERO, gov.address(), 2), (Err(invalid(Address::ZERO)), 0));
    assert_eq!(build(token.address(), Address::ZERO, 2), (Err(invalid(Address::ZERO)), 0));
    for count in [0, 1, 9, 255] {
        let expected = Error::InvalidTrancheCount(InsuranceInvalidTrancheCount { count });
        assert_eq!(build(token.address(), gov.address(), count), (Err(expected), 0));
    }
    // An asset that does not answer `decimals()` (here: the governance mock).
    let not_a_token = gov.address();
    let expected = Error::TokenCallFailed(InsuranceTokenCallFailed { token: not_a_token });
    assert_eq!(build(not_a_token, gov.address(), 2), (Err(expected), 0));
    // The bounds themselves are accepted.
    assert_eq!(build(token.address(), gov.address(), MIN_TRANCHES), (Ok(()), MIN_TRANCHES));
    assert_eq!(build(token.address(), gov.address(), MAX_TRANCHES), (Ok(()), MAX_TRANCHES));
}

// ---- Staking -------------------------------------------------------------------------------

#[motsu::test]
fn deposit_mints_shares_and_emits(alice: Address, bob: Address) {
    let env = Env::new(2);
    // Empty tranche: 100 USDC -> 100e6 * (0 + 1e6) / (0 + 1) = 1e14 shares.
    let shares = env.stake(alice, JUNIOR, usdc(100));
    assert_eq!(shares, usdc(100) * VIRTUAL_SHARES);
    env.fund.assert_emitted(&Deposit {
        tranche: JUNIOR,
        sender: alice,
        owner: alice,
        assets: usdc(100),
        shares,
    });
    assert_eq!(env.totals(JUNIOR), (usdc(100), shares));
    assert_eq!(env.fund.sender(alice).balance_of(JUNIOR, alice), Ok(shares));
    assert_eq!(env.balance(), usdc(100));
    // Bob deposits for Alice into the senior tranche.
    env.token.sender(admin()).mint(bob, usdc(5)).unwrap();
    env.token.sender(bob).approve(env.fund.address(), usdc(5)).unwrap();
    let minted = env.fund.sender(bob).deposit(SENIOR, usdc(5), alice).unwrap();
    env.fund.assert_emitted(&Deposit {
        tranche: SENIOR,
        sender: bob,
        owner: alice,
        assets: usdc(5),
        shares: minted,
    });
    assert_eq!(env.fund.sender(alice).balance_of(SENIOR, alice), Ok(minted));
    assert_eq!(env.fund.sender(alice).fund_assets(), usdc(105));
}

#[motsu::test]
fn mint_takes_the_rounded_up_assets(alice: Address) {
    let env = Env::new(2);
    env.stake(alice, JUNIOR, usdc(10));
    env.income(U256::from(7)); // the junior rate is now (10e6 + 7 + 1) / (10e12 + 1e6)
    let shares = U256::from(3_333_333);
    let preview = env.fund.sender(alice).preview_mint(JUNIOR, shares).unwrap();
    // 3_333_333 * 10_000_008 / 10_000_001_000_000 = 3.3333... -> 4 (rounded up).
    assert_eq!(preview, U256::from(4));
    env.token.sender(admin()).mint(alice, usdc(1)).unwrap();
    let (assets_before, supply_before) = env.totals(JUNIOR);
    assert_eq!(env.fund.sender(alice).mint(JUNIOR, shares, alice), Ok(preview));
    assert_eq!(env.totals(JUNIOR), (assets_before + preview, supply_before + shares));
    env.fund.assert_emitted(&Deposit {
        tranche: JUNIOR,
        sender: alice,
        owner: alice,
        assets: preview,
        shares,
    });
}

#[motsu::test]
fn deposits_fail_when_the_token_fails(alice: Address) {
    let env = Env::new(2);
    env.token.sender(admin()).mint(alice, usdc(10)).unwrap();
    // No allowance: the token reverts.
    let err = env.fund.sender(alice).deposit(JUNIOR, usdc(1), alice).motsu_unwrap_err();
    let token_failed =
        Error::TokenCallFailed(InsuranceTokenCallFailed { token: env.token.address() });
    assert_eq!(err, token_failed);
    // A token that returns `false`.
    env.token.sender(alice).approve(env.fund.address(), U256::MAX).unwrap();
    env.token.sender(admin()).set_failing(true);
    let err = env.fund.sender(alice).mint(SENIOR, U256::from(5), alice).motsu_unwrap_err();
    assert_eq!(err, token_failed);
    assert_eq!(env.totals(JUNIOR), (U256::ZERO, U256::ZERO));
    assert_eq!(env.totals(SENIOR), (U256::ZERO, U256::ZERO));
    assert_eq!(env.balance(), U256::ZERO);
}

#[motsu::test]
fn approve_sets_share_allowances(alice: Address, bob: Address) {
    let env = Env::new(2);
    assert_eq!(env.fund.sender(alice).approve(SENIOR, bob, U256::from(42)), Ok(true));
    env.fund.assert_emitted(&Approval {
        tranche: SENIOR,
        owner: alice,
        spender: bob,
        shares: U256::from(42),
    });
    assert_eq!(env.fund.sender(bob).allowance(SENIOR, alice, bob), Ok(U256::from(42)));
    assert_eq!(env.fund.sender(bob).allowance(JUNIOR, alice, bob), Ok(U256::ZERO));
    let err = env.fund.sender(alice).approve(SENIOR, Address::ZERO, U256::from(1)).unwrap_err();
    assert_eq!(err, Error::InvalidAddress(InsuranceInvalidAddress { account: Address::ZERO }));
    let err = env.fund.sender(alice).approve(2, bob, U256::from(1)).unwrap_err();
    assert_eq!(err, Error::InvalidTranche(InsuranceInvalidTranche { tranche: 2, count: 2 }));
    assert_eq!(env.fund.sender(bob).allowance(SENIOR, alice, bob), Ok(U256::from(42)));
}

// ---- Exit ------------------------------------------------------------------------------------

#[motsu::test]
fn cooldown_follows_the_market_tenor_within_bounds() {
    let env = Env::new(2);
    let cooldown = || env.fund.sender(admin()).cooldown().unwrap();
    // max(7 days, min(30 days, 90 days)).
    assert_eq!(cooldown(), TENOR);
    env.market.sender(admin()).set_longest_open_tenor(DAY);
    assert_eq!(cooldown(), MIN_COOLDOWN);
    env.market.sender(admin()).set_longest_open_tenor(365 * DAY);
    assert_eq!(cooldown(), MAX_COOLDOWN);
    // The market cannot answer: the maximum, conservatively.
    env.market.sender(admin()).set_longest_open_tenor(DAY);
    env.market.sender(admin()).set_tenor_reverts(true);
    assert_eq!(cooldown(), MAX_COOLDOWN);
    // No market registered yet: the maximum too.
    env.market.sender(admin()).set_tenor_reverts(false);
    env.set(MARKET_KEY, U256::ZERO);
    assert_eq!(cooldown(), MAX_COOLDOWN);
    // A minimum above the maximum wins.
    env.set(MIN_COOLDOWN_KEY, U256::from(100 * DAY));
    assert_eq!(cooldown(), 100 * DAY);
    // A missing key is a governance failure.
    env.gov.sender(admin()).unset(WITHDRAW_WINDOW_KEY);
    let err = env.fund.sender(admin()).cooldown().unwrap_err();
    assert_eq!(
        err,
        Error::GovernanceCallFailed(InsuranceGovernanceCallFailed {
            governance: env.gov.address()
        })
    );
}

#[motsu::test]
fn request_then_redeem_inside_the_window(alice: Address) {
    let env = Env::new(2);
    let shares = env.stake(alice, SENIOR, usdc(50));
    let half = shares / U256::from(2);
    let (unlock, expires) = env.fund.sender(alice).request_withdraw(SENIOR, half).unwrap();
    assert_eq!((unlock, expires), (T0 + TENOR, T0 + TENOR + WINDOW));
    env.fund.assert_emitted(&WithdrawRequested {
        tranche: SENIOR,
        owner: alice,
        shares: half,
        unlockAt: unlock,
        expiresAt: expires,
    });
    assert_eq!(env.fund.sender(alice).withdraw_request(SENIOR, alice), Ok((half, unlock, expires)));
    assert_eq!(env.fund.sender(alice).max_redeem(SENIOR, alice), U256::ZERO);
    at(TENOR);
    assert_eq!(env.fund.sender(alice).max_redeem(SENIOR, alice), half);
    assert_eq!(env.fund.sender(alice).max_withdraw(SENIOR, alice), usdc(25));
    let assets = env.fund.sender(alice).redeem(SENIOR, half, alice, alice).unwrap();
    assert_eq!(assets, usdc(25));
    env.fund.assert_emitted(&Withdraw {
        tranche: SENIOR,
        sender: alice,
        receiver: alice,
        owner: alice,
        assets,
        shares: half,
    });
    assert_eq!(env.token.sender(alice).balance_of(alice), usdc(25));
    // The request is used up.
    assert_eq!(env.fund.sender(alice).withdraw_request(SENIOR, alice), Ok((U256::ZERO, 0, 0)));
    assert_eq!(env.fund.sender(alice).max_redeem(SENIOR, alice), U256::ZERO);
    assert_eq!(env.totals(SENIOR), (usdc(25), shares - half));
}

#[motsu::test]
fn withdraw_by_a_spender_uses_the_allowance(alice: Address, bob: Address, carol: Address) {
    let env = Env::new(2);
    let shares = env.stake(alice, JUNIOR, usdc(10));
    env.fund.sender(alice).request_withdraw(JUNIOR, shares).unwrap();
    at(TENOR + 1);
    // Bob has no allowance yet: 4 USDC needs 4e12 shares.
    let needed = usdc(4) * VIRTUAL_SHARES;
    let err = env.fund.sender(bob).withdraw(JUNIOR, usdc(4), carol, alice).unwrap_err();
    assert_eq!(
        err,
        Error::InsufficientAllowance(InsuranceInsufficientAllowance {
            tranche: JUNIOR,
            spender: bob,
            allowance: U256::ZERO,
            needed,
        })
    );
    assert_eq!(env.totals(JUNIOR), (usdc(10), shares));
    env.fund.sender(alice).approve(JUNIOR, bob, needed + U256::from(1)).unwrap();
    assert_eq!(env.fund.sender(bob).withdraw(JUNIOR, usdc(4), carol, alice), Ok(needed));
    env.fund.assert_emitted(&Withdraw {
        tranche: JUNIOR,
        sender: bob,
        receiver: carol,
        owner: alice,
        assets: usdc(4),
        shares: needed,
    });
    assert_eq!(env.token.sender(carol).balance_of(carol), usdc(4));
    assert_eq!(env.fund.sender(bob).allowance(JUNIOR, alice, bob), Ok(U256::from(1)));
    // An unlimited allowance is never decreased.
    env.fund.sender(alice).approve(JUNIOR, bob, U256::MAX).unwrap();
    env.fund.sender(bob).redeem(JUNIOR, U256::from(1_000), bob, alice).unwrap();
    assert_eq!(env.fund.sender(bob).allowance(JUNIOR, alice, bob), Ok(U256::MAX));
}

#[motsu::test]
fn a_failing_payout_reverts_the_withdrawal(alice: Address) {
    let env = Env::new(2);
    let shares = env.stake(alice, JUNIOR, usdc(10));
    env.fund.sender(alice).request_withdraw(JUNIOR, shares).unwrap();
    at(TENOR);
    env.token.sender(admin()).set_failing(true);
    let err = env.fund.sender(alice).redeem(JUNIOR, shares, alice, alice).motsu_unwrap_err();
    assert_eq!(
        err,
        Error::TokenCallFailed(InsuranceTokenCallFailed { token: env.token.address() })
    );
    assert_eq!(env.totals(JUNIOR), (usdc(10), shares));
    assert_eq!(env.fund.sender(alice).max_redeem(JUNIOR, alice), shares);
}

// ---- Pause and governance failures ---------------------------------------------------------

#[motsu::test]
fn pause_stops_deposits_and_requests_only(alice: Address) {
    let env = Env::new(2);
    let shares = env.stake(alice, JUNIOR, usdc(10));
    env.fund.sender(alice).request_withdraw(JUNIOR, shares).unwrap();
    env.gov.sender(admin()).set_paused(INSURANCE_SCOPE, true);
    let paused = Error::Paused(InsurancePaused { scope: INSURANCE_SCOPE });
    assert_eq!(env.fund.sender(alice).max_deposit(JUNIOR, alice), U256::ZERO);
    assert_eq!(env.fund.sender(alice).max_mint(JUNIOR, alice), U256::ZERO);
    assert_eq!(env.fund.sender(alice).deposit(JUNIOR, U256::from(1), alice), Err(paused.clone()));
    assert_eq!(env.fund.sender(alice).mint(JUNIOR, U256::from(1), alice), Err(paused.clone()));
    assert_eq!(env.fund.sender(alice).request_withdraw(JUNIOR, U256::from(1)), Err(paused));
    assert_eq!(env.fund.sender(alice).withdraw_request(JUNIOR, alice).unwrap().0, shares);
    // Cover, income and matured withdrawals go on.
    env.income(usdc(1));
    assert_eq!(env.market.sender(admin()).cover(0, ETH, U256::from(5)), Ok(U256::from(5)));
    at(TENOR);
    assert!(env.fund.sender(alice).redeem(JUNIOR, shares, alice, alice).is_ok());
}

#[motsu::test]
fn views_never_revert_when_governance_fails(alice: Address) {
    let env = Env::new(2);
    env.gov.sender(admin()).unset(tranche_key(JUNIOR, DEPOSIT_CAP));
    assert_eq!(env.fund.sender(alice).max_deposit(JUNIOR, alice), U256::ZERO);
    assert_eq!(env.fund.sender(alice).max_mint(JUNIOR, alice), U256::ZERO);
    assert_eq!(env.fund.sender(alice).max_deposit(SENIOR, alice), U256::MAX);
    assert_eq!(env.fund.sender(alice).max_mint(SENIOR, alice), U256::MAX);
    // An invalid tranche: zeros, no revert.
    assert_eq!(env.fund.sender(alice).max_deposit(7, alice), U256::ZERO);
    assert_eq!(env.fund.sender(alice).max_mint(7, alice), U256::ZERO);
    assert_eq!(env.fund.sender(alice).max_withdraw(7, alice), U256::ZERO);
    assert_eq!(env.fund.sender(alice).max_redeem(7, alice), U256::ZERO);
    let failed = Error::GovernanceCallFailed(InsuranceGovernanceCallFailed {
        governance: env.gov.address(),
    });
    env.token.sender(admin()).mint(alice, usdc(1)).unwrap();
    env.token.sender(alice).approve(env.fund.address(), U256::MAX).unwrap();
    assert_eq!(env.fund.sender(alice).deposit(JUNIOR, usdc(1), alice), Err(failed));
    assert_eq!(env.totals(JUNIOR), (U256::ZERO, U256::ZERO));
}

// ---- Cover -----------------------------------------------------------------------------------

#[motsu::test]
fn cover_runs_the_waterfall_and_records_the_loss(alice: Address, bob: Address) {
    let env = Env::new(2);
    env.stake(alice, JUNIOR, usdc(100));
    env.stake(bob, SENIOR, usdc(300));
    // Junior: at most 50% per event above a 20 USDC floor; senior: 25% per event.
    env.set(tranche_key(JUNIOR, CAP_WAD), pct(50));
    env.set(tranche_key(JUNIOR, MIN_BALANCE), usdc(20));
    env.set(tranche_key(SENIOR, CAP_WAD), pct(25));
    // A 200 USDC loss: junior min(100 - 20, 50) = 50, senior min(300, 75) = 75, residual 75.
    let covered = env.market.sender(admin()).cover(KIND_TRADER_DEFAULT, ETH, usdc(200));
    assert_eq!(covered, Ok(usdc(125)));
    assert_eq!(env.token.sender(admin()).balance_of(env.market.address()), usdc(125));
    assert_eq!(env.totals(JUNIOR).0, usdc(50));
    assert_eq!(env.totals(SENIOR).0, usdc(225));
    assert_eq!(env.balance(), usdc(275));
    let absorbed = vec![usdc(50), usdc(75)];
    env.fund.assert_emitted(&LossCovered {
        lossId: U256::from(1),
        kind: KIND_TRADER_DEFAULT,
        marketId: ETH,
        requested: usdc(200),
        absorbed: absorbed.clone(),
        residual: usdc(75),
        timestamp: T0,
    });
    assert_eq!(env.fund.sender(admin()).loss_count(), U256::from(1));
    assert_eq!(
        loss(&env.fund, U256::from(1)),
        Ok((KIND_TRADER_DEFAULT, ETH, usdc(200), absorbed, usdc(75), T0))
    );
    for id in [U256::ZERO, U256::from(2)] {
        assert_eq!(
            loss(&env.fund, id),
            Err(Error::UnknownLoss(InsuranceUnknownLoss { lossId: id, count: U256::from(1) }))
        );
        assert_eq!(
            env.fund.sender(admin()).loss_absorbed(id),
            Err(Error::UnknownLoss(InsuranceUnknownLoss { lossId: id, count: U256::from(1) }))
        );
    }
    // The vault claims a pool tail loss of 10: the junior tranche has 30 above its floor
    // and a cap of 25, so it pays it all.
    at(60);
    assert_eq!(env.vault.sender(admin()).cover(KIND_POOL_TAIL, ETH, usdc(10)), Ok(usdc(10)));
    assert_eq!(
        loss(&env.fund, U256::from(2)),
        Ok((KIND_POOL_TAIL, ETH, usdc(10), vec![usdc(10), U256::ZERO], U256::ZERO, T0 + 60))
    );
}

#[motsu::test]
fn cover_checks_kind_caller_and_input(alice: Address, mallory: Address) {
    let env = Env::new(2);
    env.stake(alice, JUNIOR, usdc(100));
    // Through the market mock, the fund's revert data come back unchanged.
    let kind = Error::InvalidLossKind(InsuranceInvalidLossKind { kind: 2 });
    assert_eq!(env.market.sender(admin()).cover(2, ETH, usdc(1)), Err(encoded(kind)));
    let not_market = Error::UnauthorizedAccount(InsuranceUnauthorizedAccount {
        account: env.vault.address(),
        role: MARKET_ROLE,
    });
    assert_eq!(env.vault.sender(admin()).cover(0, ETH, usdc(1)), Err(encoded(not_market)));
    let unauthorized = Error::UnauthorizedAccount(InsuranceUnauthorizedAccount {
        account: mallory,
        role: MARKET_OR_VAULT_ROLE,
    });
    assert_eq!(env.fund.sender(mallory).cover(1, ETH, usdc(1)), Err(unauthorized));
    assert_eq!(
        env.market.sender(admin()).cover(0, ETH, U256::ZERO),
        Err(encoded(Error::ZeroAmount(InsuranceZeroAmount {})))
    );
    assert_eq!(
        env.market.sender(admin()).cover(1, B256::ZERO, U256::from(1)),
        Err(encoded(Error::ZeroMarketId(InsuranceZeroMarketId {})))
    );
    assert_eq!(env.fund.sender(admin()).loss_count(), U256::ZERO);
    assert_eq!(env.totals(JUNIOR).0, usdc(100));
    assert_eq!(env.balance(), usdc(100));
}

#[motsu::test]
fn the_short_book_claims_trader_defaults_only(alice: Address) {
    let env = Env::new(2);
    env.stake(alice, JUNIOR, usdc(100));
    let short_book: Contract<MockMarket> = Contract::from_tag("short-book");
    short_book.sender(admin()).init(env.fund.address(), env.token.address());
    let unauthorized = |role| {
        encoded(Error::UnauthorizedAccount(InsuranceUnauthorizedAccount {
            account: short_book.address(),
            role,
        }))
    };
    // Registered at zero, `market.shortBook` names nobody.
    assert_eq!(short_book.sender(admin()).cover(0, ETH, usdc(1)), Err(unauthorized(MARKET_ROLE)));
    env.set(SHORT_BOOK_KEY, address_to_value(short_book.address()));
    // A pool tail loss is the market's or the vault's to claim, never the short book's.
    assert_eq!(
        short_book.sender(admin()).cover(1, ETH, usdc(1)),
        Err(unauthorized(MARKET_OR_VAULT_ROLE))
    );
    assert_eq!(env.fund.sender(admin()).loss_count(), U256::ZERO);
    // A trader default it claims runs the waterfall and pays it.
    assert_eq!(short_book.sender(admin()).cover(0, ETH, usdc(10)), Ok(usdc(10)));
    assert_eq!(
        loss(&env.fund, U256::from(1)),
        Ok((0, ETH, usdc(10), vec![usdc(10), U256::ZERO], U256::ZERO, T0))
    );
    assert_eq!(env.token.sender(admin()).balance_of(short_book.address()), usdc(10));
    // The vault still cannot claim a trader default.
    assert_eq!(
        env.vault.sender(admin()).cover(0, ETH, usdc(1)),
        Err(encoded(Error::UnauthorizedAccount(InsuranceUnauthorizedAccount {
            account: env.vault.address(),
            role: MARKET_ROLE,
        })))
    );
}

#[motsu::test]
fn an_empty_fund_records_the_whole_loss_as_residual() {
    let env = Env::new(3);
    assert_eq!(env.market.sender(admin()).cover(0, ETH, usdc(7)), Ok(U256::ZERO));
    assert_eq!(
        loss(&env.fund, U256::from(1)),
        Ok((0, ETH, usdc(7), vec![U256::ZERO; 3], usdc(7), T0))
    );
}

// ---- Income ----------------------------------------------------------------------------------

#[motsu::test]
fn income_is_split_per_unit_of_assets_by_weight(alice: Address, bob: Address) {
    let env = Env::new(2);
    env.stake(alice, JUNIOR, usdc(100));
    env.stake(bob, SENIOR, usdc(300));
    // Weights 3 * 100 and 1 * 300: an even split, so a junior unit earns 3x a senior one.
    env.income(U256::from(1_001));
    env.fund.assert_emitted(&IncomeDistributed {
        marketId: ETH,
        amount: U256::from(1_001),
        perTranche: vec![U256::from(501), U256::from(500)],
    });
    assert_eq!(env.totals(JUNIOR).0, usdc(100) + U256::from(501));
    assert_eq!(env.totals(SENIOR).0, usdc(300) + U256::from(500));
    assert_eq!(env.balance(), env.fund.sender(admin()).fund_assets());
}

#[motsu::test]
fn income_goes_to_staked_tranches_or_by_bare_weights(alice: Address) {
    let env = Env::new(3);
    // Nobody staked: bare weights 3, 1, 1.
    env.income(U256::from(10));
    env.fund.assert_emitted(&IncomeDistributed {
        marketId: ETH,
        amount: U256::from(10),
        perTranche: vec![U256::from(6), U256::from(2), U256::from(2)],
    });
    // Only the senior tranche has shares: all of the next income is its.
    env.stake(alice, SENIOR, usdc(1));
    env.income(U256::from(9));
    env.fund.assert_emitted(&IncomeDistributed {
        marketId: ETH,
        amount: U256::from(9),
        perTranche: vec![U256::ZERO, U256::from(9), U256::ZERO],
    });
    // Every weight zero.
    for t in 0..3 {
        env.set(tranche_key(t, INCOME_WEIGHT), U256::ZERO);
    }
    env.token.sender(admin()).mint(env.market.address(), U256::from(1)).unwrap();
    assert_eq!(
        env.market.sender(admin()).pay_income(ETH, U256::from(1)),
        Err(encoded(Error::NoIncomeWeight(InsuranceNoIncomeWeight {})))
    );
}

#[motsu::test]
fn income_must_arrive_and_come_from_the_market(alice: Address) {
    let env = Env::new(2);
    env.stake(alice, JUNIOR, usdc(10));
    // Nothing arrived.
    let not_received = Error::IncomeNotReceived(InsuranceIncomeNotReceived {
        amount: U256::from(5),
        unaccounted: U256::ZERO,
    });
    assert_eq!(
        env.market.sender(admin()).notify_income(ETH, U256::from(5)),
        Err(encoded(not_received))
    );
    // A donation of 3 counts as arrived income, up to its amount.
    env.token.sender(admin()).mint(env.fund.address(), U256::from(3)).unwrap();
    let short = Error::IncomeNotReceived(InsuranceIncomeNotReceived {
        amount: U256::from(5),
        unaccounted: U256::from(3),
    });
    assert_eq!(env.market.sender(admin()).notify_income(ETH, U256::from(5)), Err(encoded(short)));
    assert_eq!(env.market.sender(admin()).notify_income(ETH, U256::from(3)), Ok(()));
    assert_eq!(env.totals(JUNIOR).0, usdc(10) + U256::from(3));
    // Only the market notifies.
    let unauthorized = Error::UnauthorizedAccount(InsuranceUnauthorizedAccount {
        account: env.vault.address(),
        role: MARKET_ROLE,
    });
    assert_eq!(
        env.vault.sender(admin()).notify_income(ETH, U256::from(1)),
        Err(encoded(unauthorized))
    );
    assert_eq!(
        env.market.sender(admin()).notify_income(ETH, U256::ZERO),
        Err(encoded(Error::ZeroAmount(InsuranceZeroAmount {})))
    );
    assert_eq!(
        env.market.sender(admin()).notify_income(B256::ZERO, U256::from(1)),
        Err(encoded(Error::ZeroMarketId(InsuranceZeroMarketId {})))
    );
    assert_eq!(env.totals(JUNIOR).0, usdc(10) + U256::from(3));
}

#[motsu::test]
fn income_share_rises_as_coverage_falls_below_target(alice: Address) {
    let env = Env::new(2);
    env.stake(alice, JUNIOR, usdc(150));
    let share = || env.fund.sender(admin()).income_share_wad(ETH).unwrap();
    let stressed = |loss: U256| env.market.sender(admin()).set_stressed_loss(ETH, loss);
    // No stressed loss: the base share.
    assert_eq!(share(), pct(10));
    // Coverage 150 / 100 = 1.5 = target: base.
    stressed(usdc(100));
    assert_eq!(share(), pct(10));
    // Coverage 150 / 200 = 0.75, half the target: 0.1 + 0.3 * 0.5 = 0.25.
    stressed(usdc(200));
    assert_eq!(share(), pct(25));
    // Coverage 150 / 450 = 1/3 (rounded down to 333...333e-18): the raise rounds up.
    stressed(usdc(450));
    // 0.1 + 0.3 * (1.5 - 0.333333333333333333) / 1.5 = 0.333333333333333333 + 1 wei.
    assert_eq!(share(), U256::from(333_333_333_333_333_334_u128));
    // No market: unknown coverage is the worst, the maximum.
    env.set(MARKET_KEY, U256::ZERO);
    assert_eq!(share(), pct(40));
    // A maximum below the base reads as the base.
    env.set(MAX_INCOME_SHARE_KEY, pct(5));
    assert_eq!(share(), pct(10));
}

/// `lossRecord` and `lossAbsorbed` of `id` together, in the order of the `LossCovered`
/// event: `(kind, marketId, requested, absorbed, residual, timestamp)`.
#[allow(clippy::type_complexity, reason = "the fields of one loss, as the event has them")]
fn loss(
    fund: &Contract<InsuranceFund>,
    id: U256,
) -> Result<(u8, B256, U256, Vec<U256>, U256, u64), Error> {
    let reader = Address::repeat_byte(0x1f);
    let (kind, market_id, requested, residual, timestamp) = fund.sender(reader).loss_record(id)?;
    let absorbed = fund.sender(reader).loss_absorbed(id)?;
    Ok((kind, market_id, requested, absorbed, residual, timestamp))
}
