//! Limits, loss kinds, roles and governance keys of `InsuranceFund`.
//!
//! Every `bytes32` constant is the keccak-256 of its documented string, computed at compile
//! time, so tools derive them the same way (`cast keccak "insurance.minCooldown"`).
//! Per-tranche keys are `keccak256("insurance.tranche.<i>.<field>")` with `<i>` the
//! tranche id in decimal ([`tranche_key`]).

use alloy_primitives::{B256, U256};
use stylus_sdk::keccak_const::Keccak256;

/// keccak-256 of `input`, at compile time.
const fn keccak(input: &[u8]) -> B256 {
    B256::new(Keccak256::new().update(input).finalize())
}

/// The decimals offset of every tranche's shares: a tranche counts
/// [`VIRTUAL_SHARES`] = `10^6` virtual shares and one virtual unit of assets, so the
/// exchange rate is `(totalAssets + 1) / (totalSupply + 10^6)` and shares have the asset's
/// decimals plus 6.
///
/// **Why** (ERC-4626 inflation by donation, INCIDENTS.md 8): a donation `D` to a tranche of
/// `S` shares belongs `10^6 / (S + 10^6)` to the virtual shares. A first depositor who holds
/// every real share and donates to inflate the price forfeits about `D * 10^6 / (S + 10^6)`,
/// while the most a later depositor can lose to rounding is one share's worth,
/// `(A + D + 1) / (S + 10^6)`: the attack costs about `10^6` times what it can gain, so a
/// first depositor cannot steal a second's deposit, and at most about `10^-6` of a donation
/// is capturable.
///
/// **Cost**: the virtual shares take their part (`10^6 / (S + 10^6)`, negligible once real
/// deposits exceed a few units) of every income, loss and donation; and share amounts are
/// `10^6` times asset amounts, which leaves `U256` ample room (overflow needs about `2^236`
/// asset units).
pub const DECIMALS_OFFSET: u8 = 6;

/// `10^DECIMALS_OFFSET`: the virtual shares of every tranche.
pub const VIRTUAL_SHARES: U256 = U256::from_limbs([1_000_000, 0, 0, 0]);

/// The fewest tranches a fund has: a junior (first loss) and a senior.
pub const MIN_TRANCHES: u8 = 2;

/// The most tranches a fund has: 8. It bounds the per-call loops of `cover` and
/// `notifyIncome` (and their governance reads).
pub const MAX_TRANCHES: u8 = 8;

/// Tranche id `0`: the junior tranche, which takes losses first.
pub const JUNIOR: u8 = 0;

/// Tranche id `1`: the senior tranche, which takes losses after the junior one.
pub const SENIOR: u8 = 1;

/// Loss kind `0`: a trader's default (a short's obligation beyond its margin and the
/// market's reserve). Only the market may claim it.
pub const KIND_TRADER_DEFAULT: u8 = 0;

/// Loss kind `1`: the pool's tail loss beyond its retention (excess-of-loss cover). The
/// market or the vault may claim it.
pub const KIND_POOL_TAIL: u8 = 1;

/// `keccak256("MARKET")`: the role named by `InsuranceUnauthorizedAccount` when a call
/// needs the market (the address under `mutual.market`).
pub const MARKET_ROLE: B256 = keccak(b"MARKET");

/// `keccak256("MARKET_OR_VAULT")`: the role named when a call needs the market or the
/// vault (the address under `mutual.vault`).
pub const MARKET_OR_VAULT_ROLE: B256 = keccak(b"MARKET_OR_VAULT");

/// `keccak256("insurance.minCooldown")`: the shortest exit cooldown, in seconds.
pub const MIN_COOLDOWN_KEY: B256 = keccak(b"insurance.minCooldown");

/// `keccak256("insurance.maxCooldown")`: the longest exit cooldown, in seconds: the cap on
/// the market's longest open tenor, and the cooldown used when the market cannot answer.
/// Governance keeps it at or above the market's longest allowed tenor.
pub const MAX_COOLDOWN_KEY: B256 = keccak(b"insurance.maxCooldown");

/// `keccak256("insurance.withdrawWindow")`: seconds after a request's unlock during which
/// it can be withdrawn (fixed when the request is made).
pub const WITHDRAW_WINDOW_KEY: B256 = keccak(b"insurance.withdrawWindow");

/// `keccak256("insurance.targetCoverageWad")`: the coverage (fund assets over a market's
/// stressed loss, 18 decimals) below which `incomeShareWad` rises above its base.
pub const TARGET_COVERAGE_KEY: B256 = keccak(b"insurance.targetCoverageWad");

/// `keccak256("insurance.baseIncomeShareWad")`: the fund's share of a market's fees at or
/// above target coverage, 18 decimals.
pub const BASE_INCOME_SHARE_KEY: B256 = keccak(b"insurance.baseIncomeShareWad");

/// `keccak256("insurance.maxIncomeShareWad")`: the fund's share of a market's fees at zero
/// coverage, 18 decimals (read as at least the base share).
pub const MAX_INCOME_SHARE_KEY: B256 = keccak(b"insurance.maxIncomeShareWad");

/// Field `depositCap` of [`tranche_key`]: the most assets the tranche accepts, in asset
/// units; `type(uint256).max` is unlimited.
pub const DEPOSIT_CAP: &[u8] = b"depositCap";

/// Field `minBalance` of [`tranche_key`]: assets a loss never takes from the tranche, in
/// asset units.
pub const MIN_BALANCE: &[u8] = b"minBalance";

/// Field `capWad` of [`tranche_key`]: the most one loss takes from the tranche, as a
/// fraction of its assets, 18 decimals (`1e18`: all of it).
pub const CAP_WAD: &[u8] = b"capWad";

/// Field `incomeWeight` of [`tranche_key`]: the tranche's income per unit of assets,
/// relative to the other tranches' (any scale; the recommended defaults are junior 3,
/// senior 1).
pub const INCOME_WEIGHT: &[u8] = b"incomeWeight";

/// `keccak256("insurance.tranche.<tranche>.<field>")`, `<tranche>` in decimal: the
/// governance key of a per-tranche parameter ([`DEPOSIT_CAP`], [`MIN_BALANCE`],
/// [`CAP_WAD`], [`INCOME_WEIGHT`]).
///
/// # Panics
///
/// * If `field` is longer than 40 bytes (every field above is at most 12).
#[must_use]
pub fn tranche_key(tranche: u8, field: &[u8]) -> B256 {
    const PREFIX: &[u8] = b"insurance.tranche.";
    let mut buf = [0u8; 64];
    buf[..PREFIX.len()].copy_from_slice(PREFIX);
    let mut len = PREFIX.len();
    for divisor in [100, 10, 1] {
        if tranche >= divisor || divisor == 1 {
            buf[len] = b'0' + tranche / divisor % 10;
            len += 1;
        }
    }
    buf[len] = b'.';
    len += 1;
    buf[len..len + field.len()].copy_from_slice(field);
    len += field.len();
    stylus_sdk::crypto::keccak(&buf[..len])
}
