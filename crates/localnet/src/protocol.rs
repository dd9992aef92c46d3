//! Mutual deployed in the localnet: the artifacts `scripts/build-wasm.sh` writes, the
//! governance parameter set the contracts read, and one call that deploys the collateral
//! token, `GovernanceParams`, the `InsuranceFund` and the `MutualVault` through their
//! constructors, as the end-to-end tests (`test/tests/e2e/`) and the gas report do;
//! [`MarketStandIn`], a native stand-in for the options market's views, for the tests of
//! the vault and the fund alone; and the options market itself ([`MarketPrograms`]: the
//! `RiskEngine`, `OptionListings`, `OptionBook` and `OptionsMarket` programs with two test
//! feeds, and the traders' shorts, `MarginEngine` and `ShortBook`, deployed after the
//! protocol with every key they read registered by [`Config::with_market`]).
//!
//! Everything here speaks ABI only: keys are derived from their documented names
//! ([`key`]: `keccak256(name)`, as `cast keccak` derives them), constructor arguments are
//! ABI-encoded, and the programs are the exact wasm files of `target/stylus/`. The market's
//! programs are called through the bindings of their generated interfaces under `abi/`
//! ([`IOptionsMarket`], [`IOptionBook`], [`IOptionListings`], [`IShortBook`],
//! [`IMarginEngine`]) and the test feed through [`ITestAggregator`].
//!
//! ```no_run
//! use mutual_localnet::protocol::{Artifacts, Config, Protocol};
//! use mutual_localnet::Localnet;
//!
//! let artifacts = Artifacts::load(&mutual_localnet::protocol::artifact_dir()).unwrap();
//! let mut net = Localnet::new();
//! let protocol = Protocol::deploy(&mut net, &artifacts, &Config::new(2)).unwrap();
//! println!("InsuranceFund at {}", protocol.insurance);
//! ```

use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use alloy_primitives::{aliases::U80, keccak256, Address, B256, I256, U256};
use alloy_sol_types::{sol, sol_data, SolCall, SolType};

use crate::{
    create_address, DeployError, DeployOptions, Deployment, Localnet, NativeCall, NativeOutcome,
};

/// The package of the test token (`crates/erc20-program`).
pub const ERC20_PACKAGE: &str = "mutual-erc20-program";
/// The package of `GovernanceParams` (`contracts/governance`).
pub const GOVERNANCE_PACKAGE: &str = "mutual-governance";
/// The package of the `InsuranceFund` (`contracts/insurance`).
pub const INSURANCE_PACKAGE: &str = "mutual-insurance";
/// The package of the `MutualVault` (`contracts/vault`).
pub const VAULT_PACKAGE: &str = "mutual-vault";
/// The package of the `RiskEngine` (`contracts/risk-engine`).
pub const RISK_ENGINE_PACKAGE: &str = "mutual-risk-engine";
/// The package of `OptionListings` (`contracts/option-listings`).
pub const LISTINGS_PACKAGE: &str = "mutual-option-listings";
/// The package of the `OptionBook` (`contracts/option-book`).
pub const BOOK_PACKAGE: &str = "mutual-option-book";
/// The package of the `OptionsMarket` (`contracts/market`).
pub const MARKET_PACKAGE: &str = "mutual-market";
/// The package of the test feed (`crates/aggregator-program`).
pub const AGGREGATOR_PACKAGE: &str = "mutual-aggregator-program";
/// The package of the `MarginEngine` (`contracts/margin-engine`).
pub const MARGIN_ENGINE_PACKAGE: &str = "mutual-margin-engine";
/// The package of the `ShortBook` (`contracts/short-book`).
pub const SHORT_BOOK_PACKAGE: &str = "mutual-short-book";
/// Every package [`Artifacts::load`] reads, in deployment order.
pub const PACKAGES: [&str; 11] = [
    ERC20_PACKAGE,
    GOVERNANCE_PACKAGE,
    INSURANCE_PACKAGE,
    VAULT_PACKAGE,
    RISK_ENGINE_PACKAGE,
    LISTINGS_PACKAGE,
    BOOK_PACKAGE,
    MARKET_PACKAGE,
    AGGREGATOR_PACKAGE,
    MARGIN_ENGINE_PACKAGE,
    SHORT_BOOK_PACKAGE,
];

/// Direction `0` of a governance key: a higher value is safer.
pub const HIGHER_IS_SAFER: u8 = 0;
/// Direction `1`: a lower value is safer.
pub const LOWER_IS_SAFER: u8 = 1;
/// Direction `2`: neither (addresses, identifiers); changed only through the timelock.
pub const NEITHER: u8 = 2;

/// One day in seconds.
pub const DAY: u64 = 86_400;
/// 1e18.
pub const WAD: U256 = U256::from_limbs([1_000_000_000_000_000_000, 0, 0, 0]);
/// One unit of a 6-decimal token (USDC).
pub const USDC: u64 = 1_000_000;
/// `2^160 - 1`: the largest value of an address key.
pub const MAX_ADDRESS_VALUE: U256 = U256::from_limbs([u64::MAX, u64::MAX, u32::MAX as u64, 0]);

/// The documented names of the governance keys, pause scopes and roles; [`key`] hashes
/// them.
pub mod names {
    /// Seconds between `queue*` and the earliest `execute`.
    pub const TIMELOCK_DELAY: &str = "governance.timelockDelay";
    /// Seconds after the eta during which a queued change can be executed.
    pub const EXECUTION_WINDOW: &str = "governance.executionWindow";
    /// Seconds after which an unconfirmed guardian pause lapses.
    pub const MAX_PAUSE_DURATION: &str = "governance.maxPauseDuration";
    /// Seconds after a guardian pause lapsed before the guardian can pause the scope again.
    pub const PAUSE_COOLDOWN: &str = "governance.pauseCooldown";
    /// The guardian, as an address value.
    pub const GUARDIAN: &str = "governance.guardian";
    /// The market's address key and pause scope.
    pub const MARKET: &str = "mutual.market";
    /// The vault's address key and pause scope.
    pub const VAULT: &str = "mutual.vault";
    /// The insurance fund's address key and pause scope.
    pub const INSURANCE: &str = "mutual.insurance";
    /// The treasury's address key.
    pub const TREASURY: &str = "mutual.treasury";
    /// The market's `OptionBook` address key: the vault reads the pool's views from it (zero:
    /// from the market).
    pub const BOOK: &str = "market.book";
    /// The scope whose pause pauses every scope.
    pub const PROTOCOL: &str = "mutual.protocol";
    /// The shortest exit cooldown of the insurance fund.
    pub const MIN_COOLDOWN: &str = "insurance.minCooldown";
    /// The longest exit cooldown of the insurance fund.
    pub const MAX_COOLDOWN: &str = "insurance.maxCooldown";
    /// Seconds after a request's unlock during which it can be withdrawn.
    pub const WITHDRAW_WINDOW: &str = "insurance.withdrawWindow";
    /// The coverage below which the fund's income share rises.
    pub const TARGET_COVERAGE: &str = "insurance.targetCoverageWad";
    /// The fund's share of a market's fees at or above target coverage.
    pub const BASE_INCOME_SHARE: &str = "insurance.baseIncomeShareWad";
    /// The fund's share of a market's fees at zero coverage.
    pub const MAX_INCOME_SHARE: &str = "insurance.maxIncomeShareWad";
    /// Per-tranche field: the most assets the tranche accepts.
    pub const DEPOSIT_CAP: &str = "depositCap";
    /// Per-tranche field: assets a loss never takes.
    pub const MIN_BALANCE: &str = "minBalance";
    /// Per-tranche field: the most one loss takes, as a fraction of the assets.
    pub const CAP_WAD: &str = "capWad";
    /// Per-tranche field: income per unit of assets, relative to the other tranches.
    pub const INCOME_WEIGHT: &str = "incomeWeight";
    /// The most NAV deposits may bring the vault to, in asset units (`type(uint256).max`:
    /// unlimited).
    pub const VAULT_DEPOSIT_CAP: &str = "vault.depositCap";
    /// The oldest market mark, in seconds, the vault prices with.
    pub const VAULT_MARK_MAX_AGE: &str = "vault.markMaxAge";
    /// While the mark is stale, the vault raises the last liability by this fraction (WAD).
    pub const VAULT_STALE_BUFFER: &str = "vault.staleBufferWad";
    /// Seconds from a redeem request to its shares becoming claimable.
    pub const VAULT_REDEEM_DELAY: &str = "vault.redeemDelay";
    /// Seconds during which shares minted by a deposit stay locked.
    pub const VAULT_MIN_HOLD_TIME: &str = "vault.minHoldTime";
    /// Role named when a call needs the governance admin.
    pub const ADMIN_ROLE: &str = "ADMIN";
    /// Role named when a call needs the admin or the guardian.
    pub const ADMIN_OR_GUARDIAN_ROLE: &str = "ADMIN_OR_GUARDIAN";
    /// Role named when a call needs the market.
    pub const MARKET_ROLE: &str = "MARKET";
    /// Role named when a call needs the market or the vault.
    pub const MARKET_OR_VAULT_ROLE: &str = "MARKET_OR_VAULT";
    /// Role named when a redeem request names another controller than its caller's.
    pub const CONTROLLER_ROLE: &str = "CONTROLLER";
    /// The `OptionListings`' address key.
    pub const LISTINGS: &str = "market.listings";
    /// The `RiskEngine`'s address key.
    pub const RISK_ENGINE: &str = "market.riskEngine";
    /// The address allowed to list markets, boards and strikes.
    pub const LISTER: &str = "market.lister";
    /// The L2 sequencer-uptime feed (zero: no sequencer gate).
    pub const SEQUENCER_FEED: &str = "market.sequencerFeed";
    /// Seconds after the sequencer comes back up before trades resume.
    pub const SEQUENCER_GRACE: &str = "market.sequencerGrace";
    /// Seconds before expiry at which a board stops trading.
    pub const TRADING_CUTOFF: &str = "market.tradingCutoff";
    /// The pool's retention of a board's settlement loss, a fraction of its NAV (WAD).
    pub const RETENTION: &str = "market.retentionWad";
    /// The settler's bounty, in asset units, paid from the market's reserve.
    pub const SETTLE_BOUNTY: &str = "market.settleBounty";
    /// Role named when a call needs the lister.
    pub const LISTER_ROLE: &str = "LISTER";
    /// Role named when a call needs the book (the listings' writes).
    pub const BOOK_ROLE: &str = "BOOK";
    /// The `ShortBook`'s address key (zero: no shorts): the vault adds its receivable and
    /// accepts its flows, the fund covers its trader defaults, the listings accept its
    /// base-IV moves.
    pub const SHORT_BOOK: &str = "market.shortBook";
    /// The `MarginEngine`'s address key.
    pub const MARGIN_ENGINE: &str = "market.marginEngine";
    /// A short's initial margin per unit of its worst stressed loss (WAD).
    pub const INITIAL_MARGIN: &str = "market.initialMarginWad";
    /// The maintenance margin as a fraction of the initial (WAD).
    pub const MAINTENANCE_MARGIN: &str = "market.maintenanceMarginWad";
    /// A liquidation's penalty as a fraction of the liability (WAD).
    pub const LIQUIDATION_PENALTY: &str = "market.liquidationPenaltyWad";
    /// The liquidator's share of the penalty (WAD); the rest goes to the short book's
    /// reserve.
    pub const LIQUIDATOR_SHARE: &str = "market.liquidatorShareWad";
    /// The least bounty of a liquidation, in asset units.
    pub const MIN_LIQUIDATION_BOUNTY: &str = "market.minLiquidationBounty";
}

/// `keccak256(name)`: a governance key, pause scope or role from its documented name.
#[must_use]
pub fn key(name: &str) -> B256 {
    keccak256(name.as_bytes())
}

/// `keccak256("insurance.tranche.<tranche>.<field>")`: a per-tranche key of the fund.
#[must_use]
pub fn tranche_key(tranche: u8, field: &str) -> B256 {
    key(&format!("insurance.tranche.{tranche}.{field}"))
}

/// `uint256(uint160(account))`: the value of an address key.
#[must_use]
pub fn address_value(account: Address) -> U256 {
    U256::from_be_slice(account.as_slice())
}

/// The workspace root (two levels above this crate).
#[must_use]
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// `target/stylus` of the workspace, where `scripts/build-wasm.sh` writes the artifacts.
#[must_use]
pub fn artifact_dir() -> PathBuf {
    workspace_root().join("target/stylus")
}

/// The deployable wasm of every program.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Artifacts {
    /// `mutual-erc20-program.wasm`: the collateral token.
    pub erc20: Vec<u8>,
    /// `mutual-governance.wasm`.
    pub governance: Vec<u8>,
    /// `mutual-insurance.wasm`.
    pub insurance: Vec<u8>,
    /// `mutual-vault.wasm`.
    pub vault: Vec<u8>,
    /// `mutual-risk-engine.wasm`.
    pub risk_engine: Vec<u8>,
    /// `mutual-option-listings.wasm`.
    pub listings: Vec<u8>,
    /// `mutual-option-book.wasm`.
    pub book: Vec<u8>,
    /// `mutual-market.wasm`.
    pub market: Vec<u8>,
    /// `mutual-aggregator-program.wasm`: the test feed.
    pub aggregator: Vec<u8>,
    /// `mutual-margin-engine.wasm`.
    pub margin_engine: Vec<u8>,
    /// `mutual-short-book.wasm`.
    pub short_book: Vec<u8>,
}

impl Artifacts {
    /// Reads `<dir>/<package>.wasm` for each of [`PACKAGES`].
    ///
    /// # Errors
    /// Names every missing or unreadable file, and says how to build them.
    pub fn load(dir: &Path) -> Result<Self, String> {
        let mut files = Vec::new();
        let mut missing = Vec::new();
        for package in PACKAGES {
            let path = dir.join(format!("{package}.wasm"));
            match std::fs::read(&path) {
                Ok(bytes) => files.push(bytes),
                Err(e) => missing.push(format!("{}: {e}", path.display())),
            }
        }
        if !missing.is_empty() {
            let packages: Vec<String> = PACKAGES.iter().map(|p| format!("--package {p}")).collect();
            return Err(format!(
                "missing wasm artifacts ({}): run `bash scripts/build-wasm.sh` (or \
                 `bash scripts/build-wasm.sh {}`)",
                missing.join("; "),
                packages.join(" ")
            ));
        }
        let mut files = files.into_iter();
        let mut next = || files.next().unwrap_or_default();
        Ok(Self {
            erc20: next(),
            governance: next(),
            insurance: next(),
            vault: next(),
            risk_engine: next(),
            listings: next(),
            book: next(),
            market: next(),
            aggregator: next(),
            margin_engine: next(),
            short_book: next(),
        })
    }
}

/// One governance parameter: key, initial value, hard bounds, direction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Param {
    /// The key.
    pub key: B256,
    /// The initial value.
    pub value: U256,
    /// The lower bound.
    pub min: U256,
    /// The upper bound.
    pub max: U256,
    /// [`HIGHER_IS_SAFER`], [`LOWER_IS_SAFER`] or [`NEITHER`].
    pub direction: u8,
}

/// What [`Protocol::deploy`] deploys: accounts, tranche count and governance parameters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    /// The account that deploys every program (its nonces 0, 1, 2).
    pub deployer: Address,
    /// The governance admin.
    pub admin: Address,
    /// The governance guardian.
    pub guardian: Address,
    /// The fund's tranche count.
    pub tranches: u8,
    /// The vault shares' name, a left-aligned ASCII `bytes32` ([`text_word`]).
    pub vault_name: B256,
    /// The vault shares' symbol, a left-aligned ASCII `bytes32`.
    pub vault_symbol: B256,
    /// Every parameter registered by the governance constructor, in order (the guardian
    /// key is registered by the constructor itself).
    pub params: Vec<Param>,
}

impl Config {
    /// The defaults for `tranches` tranches, the values of the motsu fixture of
    /// `test/tests/insurance/world.rs`:
    ///
    /// - governance: timelock delay 2 days (bounds 1 h to 30 days), execution window 7 days
    ///   (1 h to 14 days), max pause 3 days (1 h to 7 days), pause cooldown 1 day (0 to 7
    ///   days);
    /// - the fund: cooldowns 7 days (1 to 365 days) and 90 days (7 to 365 days), withdraw
    ///   window 2 days (1 h to 30 days), target coverage 150%, income share 10% rising to
    ///   40%;
    /// - addresses of the market, vault, insurance fund and treasury, and `market.book` and
    ///   `market.shortBook` (which the vault, the fund and the listings read): zero (unset);
    /// - per tranche: unlimited deposit cap, no minimum balance, a per-event cap of 100%,
    ///   income weight 3 for the junior tranche and 1 for the others;
    /// - the vault: unlimited deposit cap (lower is safer), marks valid for 1 hour (1 minute
    ///   to 1 day, lower is safer), a 10% stale buffer (0 to 100%, higher is safer), a
    ///   3-day redeem delay (1 hour to 30 days) and a 1-day hold time (0 to 30 days), both
    ///   higher is safer; shares named "Mutual USDC Pool" ("mUSDC").
    #[must_use]
    pub fn new(tranches: u8) -> Self {
        let secs = |x: u64| U256::from(x);
        let param = |name: &str, value: U256, min: U256, max: U256, direction: u8| Param {
            key: key(name),
            value,
            min,
            max,
            direction,
        };
        let pct = |x: u64| WAD * U256::from(x) / U256::from(100);
        let mut params = vec![
            param(
                names::TIMELOCK_DELAY,
                secs(2 * DAY),
                secs(3600),
                secs(30 * DAY),
                HIGHER_IS_SAFER,
            ),
            param(
                names::EXECUTION_WINDOW,
                secs(7 * DAY),
                secs(3600),
                secs(14 * DAY),
                LOWER_IS_SAFER,
            ),
            param(
                names::MAX_PAUSE_DURATION,
                secs(3 * DAY),
                secs(3600),
                secs(7 * DAY),
                LOWER_IS_SAFER,
            ),
            param(names::PAUSE_COOLDOWN, secs(DAY), U256::ZERO, secs(7 * DAY), HIGHER_IS_SAFER),
            param(names::MIN_COOLDOWN, secs(7 * DAY), secs(DAY), secs(365 * DAY), HIGHER_IS_SAFER),
            param(
                names::MAX_COOLDOWN,
                secs(90 * DAY),
                secs(7 * DAY),
                secs(365 * DAY),
                HIGHER_IS_SAFER,
            ),
            param(names::WITHDRAW_WINDOW, secs(2 * DAY), secs(3600), secs(30 * DAY), NEITHER),
            param(names::TARGET_COVERAGE, pct(150), U256::ZERO, U256::MAX, HIGHER_IS_SAFER),
            param(names::BASE_INCOME_SHARE, pct(10), U256::ZERO, U256::MAX, NEITHER),
            param(names::MAX_INCOME_SHARE, pct(40), U256::ZERO, U256::MAX, NEITHER),
        ];
        for name in [
            names::MARKET,
            names::VAULT,
            names::INSURANCE,
            names::TREASURY,
            names::BOOK,
            names::SHORT_BOOK,
        ] {
            params.push(param(name, U256::ZERO, U256::ZERO, MAX_ADDRESS_VALUE, NEITHER));
        }
        for t in 0..tranches {
            let any = |field: &str, value: U256, direction: u8| Param {
                key: tranche_key(t, field),
                value,
                min: U256::ZERO,
                max: U256::MAX,
                direction,
            };
            params.push(any(names::DEPOSIT_CAP, U256::MAX, LOWER_IS_SAFER));
            params.push(any(names::MIN_BALANCE, U256::ZERO, HIGHER_IS_SAFER));
            params.push(Param { max: WAD, ..any(names::CAP_WAD, WAD, LOWER_IS_SAFER) });
            let weight = if t == 0 { 3u64 } else { 1 };
            params.push(any(names::INCOME_WEIGHT, U256::from(weight), NEITHER));
        }
        params.extend([
            param(names::VAULT_DEPOSIT_CAP, U256::MAX, U256::ZERO, U256::MAX, LOWER_IS_SAFER),
            param(names::VAULT_MARK_MAX_AGE, secs(3600), secs(60), secs(DAY), LOWER_IS_SAFER),
            param(names::VAULT_STALE_BUFFER, pct(10), U256::ZERO, WAD, HIGHER_IS_SAFER),
            param(
                names::VAULT_REDEEM_DELAY,
                secs(3 * DAY),
                secs(3600),
                secs(30 * DAY),
                HIGHER_IS_SAFER,
            ),
            param(
                names::VAULT_MIN_HOLD_TIME,
                secs(DAY),
                U256::ZERO,
                secs(30 * DAY),
                HIGHER_IS_SAFER,
            ),
        ]);
        Self {
            deployer: Address::repeat_byte(0xde),
            admin: Address::repeat_byte(0xad),
            guardian: Address::repeat_byte(0x9a),
            tranches,
            vault_name: text_word("Mutual USDC Pool"),
            vault_symbol: text_word("mUSDC"),
            params,
        }
    }

    /// [`Config::new`] with every key the market's programs read registered (the address
    /// keys holding the addresses [`Protocol::deploy`] and [`MarketPrograms::deploy`] deploy
    /// at, predicted from the deployer's nonces: [`MarketAddresses::predict`]), the values of
    /// the motsu fixture of `contracts/market/src/tests.rs` (`Env::new`):
    ///
    /// - addresses: `mutual.market`, `mutual.vault`, `mutual.insurance`, `market.book`,
    ///   `market.listings`, `market.riskEngine`, `market.sequencerFeed`,
    ///   `market.marginEngine` and `market.shortBook` the deployed programs;
    ///   `mutual.treasury` [`TREASURY`]; `market.lister` the admin;
    /// - the sequencer's grace 1 hour; rate 5%; base IV within 10% to 300%, skew within 50%
    ///   to 200%; tenors of 1 to 90 days; heartbeats up to 1 day; impact 0.001 per unit; a
    ///   spread fee of 3 bp of the notional capped at 12.5% of the premium; the utilization
    ///   fee 0.1% rising by 1% to the 80% kink and by 50% beyond; utilization at most 90%;
    ///   trades of at least 0.01 and at most 1,000 written per strike and side; a 1-hour
    ///   cut-off; a stress grid of spot -50%/+50% and volatility +50%; stress capacity 50%
    ///   of the NAV plus 50% of the fund; no coverage floor; fee weights 6 (LPs), 2
    ///   (reserve), 2 (treasury); retention 10% of the NAV; a settlement bounty of 5 units
    ///   of the asset (5 USDC);
    /// - shorts (the values of `deployments/examples/register-market.json`): an initial
    ///   margin of 120% of the worst stressed loss and a maintenance margin of 50% of the
    ///   initial (both higher is safer), a liquidation penalty of 10% of the liability,
    ///   half of it to the liquidator, at least 5 USDC (neither);
    /// - the fund's share keys of [`Config::new`] (10% rising to 40% below 150% coverage).
    ///
    /// The bounds are wide (`[0, type(uint256).max]`, addresses `[0, 2^160 - 1]`): the
    /// localnet's, not a deployment list. Directions: the market's limits and bounds lower
    /// is safer, its fees, floors and cut-offs higher is safer, the rest neither.
    #[must_use]
    pub fn with_market(tranches: u8) -> Self {
        let base = Self::new(tranches);
        let at = MarketAddresses::predict(base.deployer);
        let (insurance, vault) =
            (create_address(base.deployer, 2), create_address(base.deployer, 3));
        let pct = |x: u64| WAD * U256::from(x) / U256::from(100);
        let secs = |x: u64| U256::from(x);
        let mut config = base
            .with(key(names::MARKET), address_value(at.market))
            .with(key(names::VAULT), address_value(vault))
            .with(key(names::INSURANCE), address_value(insurance))
            .with(key(names::TREASURY), address_value(TREASURY))
            .with(key(names::BOOK), address_value(at.book))
            .with(key(names::SHORT_BOOK), address_value(at.short_book));
        let admin = config.admin;
        let address = |name: &str, account: Address| Param {
            key: key(name),
            value: address_value(account),
            min: U256::ZERO,
            max: MAX_ADDRESS_VALUE,
            direction: NEITHER,
        };
        config.params.extend([
            address(names::LISTINGS, at.listings),
            address(names::RISK_ENGINE, at.risk_engine),
            address(names::LISTER, admin),
            address(names::SEQUENCER_FEED, at.sequencer_feed),
            address(names::MARGIN_ENGINE, at.margin_engine),
        ]);
        let values: [(&str, U256, u8); 37] = [
            (names::SEQUENCER_GRACE, secs(3600), HIGHER_IS_SAFER),
            ("market.rateWad", pct(5), NEITHER),
            ("market.minIvWad", pct(10), NEITHER),
            ("market.maxIvWad", pct(300), NEITHER),
            ("market.minSkewWad", pct(50), NEITHER),
            ("market.maxSkewWad", pct(200), NEITHER),
            ("market.minTenor", secs(DAY), HIGHER_IS_SAFER),
            ("market.maxTenor", secs(90 * DAY), LOWER_IS_SAFER),
            ("market.maxHeartbeat", secs(DAY), LOWER_IS_SAFER),
            ("market.impactWad", WAD / U256::from(1000), HIGHER_IS_SAFER),
            ("market.spreadFeeWad", WAD * U256::from(3) / U256::from(10_000), HIGHER_IS_SAFER),
            ("market.spreadCapWad", pct(125) / U256::from(10), HIGHER_IS_SAFER),
            ("market.utilFeeBaseWad", WAD / U256::from(1000), HIGHER_IS_SAFER),
            ("market.utilFeeKinkWad", pct(80), LOWER_IS_SAFER),
            ("market.utilFeeSlopeBelowWad", pct(1), HIGHER_IS_SAFER),
            ("market.utilFeeSlopeAboveWad", pct(50), HIGHER_IS_SAFER),
            ("market.maxUtilizationWad", pct(90), LOWER_IS_SAFER),
            ("market.minTradeWad", pct(1), HIGHER_IS_SAFER),
            ("market.maxStrikeOiWad", WAD * U256::from(1000), LOWER_IS_SAFER),
            (names::TRADING_CUTOFF, secs(3600), HIGHER_IS_SAFER),
            ("market.stressSpotDownWad", pct(50), HIGHER_IS_SAFER),
            ("market.stressSpotUpWad", pct(50), HIGHER_IS_SAFER),
            ("market.stressVolUpWad", pct(50), HIGHER_IS_SAFER),
            ("market.poolStressLimitWad", pct(50), LOWER_IS_SAFER),
            ("market.insuranceCreditWad", pct(50), LOWER_IS_SAFER),
            ("market.minCoverageWad", U256::ZERO, HIGHER_IS_SAFER),
            ("market.maxNetDeltaWad", WAD * U256::from(1_000_000), LOWER_IS_SAFER),
            ("market.maxNetVegaWad", WAD * U256::from(1_000_000_000), LOWER_IS_SAFER),
            ("market.lpFeeWeight", U256::from(6), NEITHER),
            ("market.reserveFeeWeight", U256::from(2), NEITHER),
            ("market.treasuryFeeWeight", U256::from(2), NEITHER),
            (names::RETENTION, pct(10), NEITHER),
            (names::INITIAL_MARGIN, pct(120), HIGHER_IS_SAFER),
            (names::MAINTENANCE_MARGIN, pct(50), HIGHER_IS_SAFER),
            (names::LIQUIDATION_PENALTY, pct(10), NEITHER),
            (names::LIQUIDATOR_SHARE, pct(50), NEITHER),
            (names::MIN_LIQUIDATION_BOUNTY, U256::from(5 * USDC), NEITHER),
        ];
        for (name, value, direction) in values {
            config.params.push(Param {
                key: key(name),
                value,
                min: U256::ZERO,
                max: U256::MAX,
                direction,
            });
        }
        config.params.push(Param {
            key: key(names::SETTLE_BOUNTY),
            value: U256::from(5 * USDC),
            min: U256::ZERO,
            max: U256::MAX,
            direction: NEITHER,
        });
        config
    }

    /// Sets the initial value of `key`.
    ///
    /// # Panics
    /// If `key` is not among the parameters.
    #[must_use]
    pub fn with(mut self, key: B256, value: U256) -> Self {
        let param = self.params.iter_mut().find(|p| p.key == key);
        param.expect("Config::with: a key of the parameter set").value = value;
        self
    }

    /// Leaves `key` out of the parameters.
    #[must_use]
    pub fn without(mut self, key: B256) -> Self {
        self.params.retain(|p| p.key != key);
        self
    }

    /// The parameter of `key`, if registered.
    #[must_use]
    pub fn param(&self, key: B256) -> Option<&Param> {
        self.params.iter().find(|p| p.key == key)
    }
}

/// `text` as a left-aligned, zero-padded `bytes32` (the vault's name and symbol).
///
/// # Panics
/// If `text` is longer than 32 bytes.
#[must_use]
pub fn text_word(text: &str) -> B256 {
    assert!(text.len() <= 32, "text_word: {text:?} is longer than 32 bytes");
    let mut word = B256::ZERO;
    word[..text.len()].copy_from_slice(text.as_bytes());
    word
}

/// The ABI encoding of `GovernanceParams`' constructor arguments: `(address admin, address
/// guardian, bytes32[] keys, uint256[] values, uint256[] mins, uint256[] maxs, uint8[]
/// directions)`.
#[must_use]
pub fn governance_constructor(admin: Address, guardian: Address, params: &[Param]) -> Vec<u8> {
    type Args = (
        sol_data::Address,
        sol_data::Address,
        sol_data::Array<sol_data::FixedBytes<32>>,
        sol_data::Array<sol_data::Uint<256>>,
        sol_data::Array<sol_data::Uint<256>>,
        sol_data::Array<sol_data::Uint<256>>,
        sol_data::Array<sol_data::Uint<8>>,
    );
    Args::abi_encode_params(&(
        admin,
        guardian,
        params.iter().map(|p| p.key).collect::<Vec<_>>(),
        params.iter().map(|p| p.value).collect::<Vec<_>>(),
        params.iter().map(|p| p.min).collect::<Vec<_>>(),
        params.iter().map(|p| p.max).collect::<Vec<_>>(),
        params.iter().map(|p| p.direction).collect::<Vec<_>>(),
    ))
}

/// The ABI encoding of the `InsuranceFund`'s constructor arguments: `(address asset,
/// address governance, uint8 trancheCount)`.
#[must_use]
pub fn insurance_constructor(asset: Address, governance: Address, tranches: u8) -> Vec<u8> {
    type Args = (sol_data::Address, sol_data::Address, sol_data::Uint<8>);
    Args::abi_encode_params(&(asset, governance, tranches))
}

/// The ABI encoding of the `MutualVault`'s constructor arguments: `(address asset, address
/// governance, bytes32 name, bytes32 symbol)`.
#[must_use]
pub fn vault_constructor(asset: Address, governance: Address, name: B256, symbol: B256) -> Vec<u8> {
    type Args =
        (sol_data::Address, sol_data::Address, sol_data::FixedBytes<32>, sol_data::FixedBytes<32>);
    Args::abi_encode_params(&(asset, governance, name, symbol))
}

/// Mutual as deployed by [`Protocol::deploy`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Protocol {
    /// The collateral token (`TestUsdc`).
    pub usdc: Address,
    /// `GovernanceParams`.
    pub governance: Address,
    /// The `InsuranceFund`.
    pub insurance: Address,
    /// The `MutualVault`.
    pub vault: Address,
    /// The deployer.
    pub deployer: Address,
    /// The governance admin.
    pub admin: Address,
    /// The governance guardian.
    pub guardian: Address,
    /// The token's deployment.
    pub usdc_deployment: Deployment,
    /// The governance deployment (its constructor call's logs included).
    pub governance_deployment: Deployment,
    /// The fund's deployment.
    pub insurance_deployment: Deployment,
    /// The vault's deployment.
    pub vault_deployment: Deployment,
}

impl Protocol {
    /// Deploys, from `config.deployer` (its nonces 0 to 3): the token (no constructor),
    /// `GovernanceParams` (constructor: admin, guardian, `config.params`), the
    /// `InsuranceFund` (constructor: the token, governance, `config.tranches`), the
    /// `MutualVault` (constructor: the token, governance, `config.vault_name` and
    /// `config.vault_symbol`). Gives the deployer, the admin and the guardian 1,000 ETH
    /// each for gas-free value tests.
    ///
    /// # Errors
    /// The first deployment that fails (activation, or a reverted constructor).
    pub fn deploy(
        net: &mut Localnet,
        artifacts: &Artifacts,
        config: &Config,
    ) -> Result<Self, DeployError> {
        let ether = U256::from(1000u64) * WAD;
        for account in [config.deployer, config.admin, config.guardian] {
            net.set_balance(account, ether);
        }
        let deployer = config.deployer;
        let usdc_deployment = net.deploy(deployer, &artifacts.erc20)?;
        let arguments = governance_constructor(config.admin, config.guardian, &config.params);
        let governance_deployment = construct(net, deployer, &artifacts.governance, arguments)?;
        let (usdc, governance) = (usdc_deployment.address, governance_deployment.address);
        let arguments = insurance_constructor(usdc, governance, config.tranches);
        let insurance_deployment = construct(net, deployer, &artifacts.insurance, arguments)?;
        let arguments = vault_constructor(usdc, governance, config.vault_name, config.vault_symbol);
        let vault_deployment = construct(net, deployer, &artifacts.vault, arguments)?;
        Ok(Self {
            usdc: usdc_deployment.address,
            governance: governance_deployment.address,
            insurance: insurance_deployment.address,
            vault: vault_deployment.address,
            deployer: config.deployer,
            admin: config.admin,
            guardian: config.guardian,
            usdc_deployment,
            governance_deployment,
            insurance_deployment,
            vault_deployment,
        })
    }

    /// The programs' addresses: token, governance, fund, vault.
    #[must_use]
    pub fn programs(&self) -> [Address; 4] {
        [self.usdc, self.governance, self.insurance, self.vault]
    }
}

/// Deploys `wasm` from `deployer` and runs its constructor with the ABI-encoded
/// `arguments`.
fn construct(
    net: &mut Localnet,
    deployer: Address,
    wasm: &[u8],
    arguments: Vec<u8>,
) -> Result<Deployment, DeployError> {
    let options = DeployOptions { constructor: Some(arguments), ..DeployOptions::default() };
    net.deploy_with(deployer, wasm, &options)
}

/// The treasury of [`Config::with_market`]: an account.
pub const TREASURY: Address = Address::repeat_byte(0x77);
/// The deployer's nonce of the first market program: after the token, governance, the fund
/// and the vault of [`Protocol::deploy`] (nonces 0 to 3).
pub const MARKET_FIRST_NONCE: u64 = 4;
/// The spot feed's decimals (Chainlink's USD feeds).
pub const SPOT_FEED_DECIMALS: u8 = 8;

sol!(
    #[sol(all_derives)]
    "../../abi/IOptionsMarket.sol"
);

sol!(
    #[sol(all_derives)]
    "../../abi/IOptionBook.sol"
);

sol!(
    #[sol(all_derives)]
    "../../abi/IOptionListings.sol"
);

sol!(
    #[sol(all_derives)]
    "../../abi/IShortBook.sol"
);

sol!(
    #[sol(all_derives)]
    "../../abi/IMarginEngine.sol"
);

sol! {
    /// `TestAggregator` (`crates/aggregator-program`): a Chainlink-style feed whose owner
    /// records rounds; the market's spot and sequencer feeds in the localnet.
    #[sol(all_derives)]
    interface ITestAggregator {
        /// `account` is not the owner.
        error AggregatorUnauthorizedAccount(address account);
        /// The constructor's owner is zero.
        error AggregatorInvalidOwner(address owner);
        /// `setRound` of round 0.
        error AggregatorInvalidRound(uint80 roundId);
        /// A round never recorded: `Error("No data present")`.
        error Error(string message);
        /// Emitted by `setRound`.
        event AnswerUpdated(int256 indexed current, uint256 indexed roundId, uint256 updatedAt);
        /// The owner.
        function owner() external view returns (address);
        /// The answers' decimals.
        function decimals() external view returns (uint8);
        /// "Mutual test feed".
        function description() external view returns (string memory);
        /// 4.
        function version() external view returns (uint256);
        /// The latest round's id (0 before any).
        function latestRound() external view returns (uint256);
        /// The round recorded last.
        function latestRoundData() external view returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound);
        /// Round `roundId` as recorded.
        function getRoundData(uint80 roundId) external view returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound);
        /// Records round `roundId` and makes it the latest (the owner only).
        function setRound(uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound) external;
    }
}

/// `setRound(round, answer, updatedAt, updatedAt, round)`: a complete round started and
/// updated at `updated_at`.
#[must_use]
pub fn set_round_call(round: u64, answer: I256, updated_at: u64) -> ITestAggregator::setRoundCall {
    ITestAggregator::setRoundCall {
        roundId: U80::from(round),
        answer,
        startedAt: U256::from(updated_at),
        updatedAt: U256::from(updated_at),
        answeredInRound: U80::from(round),
    }
}

/// `usd` whole dollars as an answer of the spot feed ([`SPOT_FEED_DECIMALS`] decimals).
#[must_use]
pub fn usd_answer(usd: u64) -> I256 {
    I256::try_from(U256::from(usd) * U256::from(100_000_000u64)).unwrap_or(I256::MAX)
}

/// The ABI encoding of the test feed's constructor arguments: `(uint8 decimals, address
/// owner)`.
#[must_use]
pub fn aggregator_constructor(decimals: u8, owner: Address) -> Vec<u8> {
    type Args = (sol_data::Uint<8>, sol_data::Address);
    Args::abi_encode_params(&(decimals, owner))
}

/// The ABI encoding of the constructor arguments of `OptionsMarket`, `OptionBook`,
/// `OptionListings`, `MarginEngine` and `ShortBook`: `(address asset, address governance)`.
#[must_use]
pub fn market_constructor(asset: Address, governance: Address) -> Vec<u8> {
    type Args = (sol_data::Address, sol_data::Address);
    Args::abi_encode_params(&(asset, governance))
}

/// Where [`MarketPrograms::deploy`] deploys: the `CREATE` addresses of the deployer at
/// nonces [`MARKET_FIRST_NONCE`] to `MARKET_FIRST_NONCE + 7`, in this order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MarketAddresses {
    /// The `RiskEngine` (no constructor).
    pub risk_engine: Address,
    /// `OptionListings`.
    pub listings: Address,
    /// The `OptionBook`.
    pub book: Address,
    /// The `OptionsMarket`.
    pub market: Address,
    /// The spot feed (ETH/USD, [`SPOT_FEED_DECIMALS`] decimals).
    pub spot_feed: Address,
    /// The sequencer-uptime feed (0 decimals: 0 up, 1 down).
    pub sequencer_feed: Address,
    /// The `MarginEngine`.
    pub margin_engine: Address,
    /// The `ShortBook`.
    pub short_book: Address,
}

impl MarketAddresses {
    /// The addresses of `deployer`'s nonces [`MARKET_FIRST_NONCE`] and after.
    #[must_use]
    pub fn predict(deployer: Address) -> Self {
        let at = |i: u64| create_address(deployer, MARKET_FIRST_NONCE + i);
        Self {
            risk_engine: at(0),
            listings: at(1),
            book: at(2),
            market: at(3),
            spot_feed: at(4),
            sequencer_feed: at(5),
            margin_engine: at(6),
            short_book: at(7),
        }
    }
}

/// The options market as deployed by [`MarketPrograms::deploy`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MarketPrograms {
    /// The addresses.
    pub at: MarketAddresses,
    /// The owner of both feeds (the governance admin).
    pub feed_owner: Address,
    /// The deployments, in the order of [`MarketAddresses`]: engine, listings, book,
    /// market, spot feed, sequencer feed, margin engine, short book.
    pub deployments: Vec<Deployment>,
}

impl MarketPrograms {
    /// Deploys, from `config.deployer` right after [`Protocol::deploy`] (its nonces
    /// [`MARKET_FIRST_NONCE`] on): the `RiskEngine`, `OptionListings`, the `OptionBook` and
    /// the `OptionsMarket` (each `constructor(asset, governance)` but the engine), the spot
    /// feed (8 decimals) and the sequencer feed (0 decimals), both owned by the admin, then
    /// the `MarginEngine` and the `ShortBook` (each `constructor(asset, governance)`). With
    /// [`Config::with_market`], governance already holds their addresses.
    ///
    /// # Errors
    /// The first deployment that fails, or a program deployed elsewhere than
    /// [`MarketAddresses::predict`] says (the deployer's nonce was not 4).
    pub fn deploy(
        net: &mut Localnet,
        artifacts: &Artifacts,
        protocol: &Protocol,
        config: &Config,
    ) -> Result<Self, String> {
        let deployer = config.deployer;
        let expected = MarketAddresses::predict(deployer);
        let (asset, governance) = (protocol.usdc, protocol.governance);
        let fail = |e: DeployError| e.to_string();
        let mut deployments = vec![net.deploy(deployer, &artifacts.risk_engine).map_err(fail)?];
        for wasm in [&artifacts.listings, &artifacts.book, &artifacts.market] {
            let arguments = market_constructor(asset, governance);
            deployments.push(construct(net, deployer, wasm, arguments).map_err(fail)?);
        }
        for decimals in [SPOT_FEED_DECIMALS, 0] {
            let arguments = aggregator_constructor(decimals, config.admin);
            deployments
                .push(construct(net, deployer, &artifacts.aggregator, arguments).map_err(fail)?);
        }
        for wasm in [&artifacts.margin_engine, &artifacts.short_book] {
            let arguments = market_constructor(asset, governance);
            deployments.push(construct(net, deployer, wasm, arguments).map_err(fail)?);
        }
        let got: Vec<Address> = deployments.iter().map(|d| d.address).collect();
        let at = MarketAddresses {
            risk_engine: got[0],
            listings: got[1],
            book: got[2],
            market: got[3],
            spot_feed: got[4],
            sequencer_feed: got[5],
            margin_engine: got[6],
            short_book: got[7],
        };
        if at != expected {
            return Err(format!(
                "the market's programs were deployed at {at:?}, not at the addresses governance \
                 holds ({expected:?}): deploy them right after Protocol::deploy"
            ));
        }
        Ok(Self { at, feed_owner: config.admin, deployments })
    }

    /// Every program's address: engine, listings, book, market, the two feeds, the margin
    /// engine, the short book.
    #[must_use]
    pub fn programs(&self) -> [Address; 8] {
        let a = &self.at;
        [
            a.risk_engine,
            a.listings,
            a.book,
            a.market,
            a.spot_feed,
            a.sequencer_feed,
            a.margin_engine,
            a.short_book,
        ]
    }

    /// Opens ETH for trading at `now`: the spot feed's round 1 at `spot_usd` (updated now),
    /// the sequencer feed's round 1 up since two hours (past the 1-hour grace), then, as the
    /// lister (the admin), `listMarket(market_id, spot feed, heartbeat 1 hour)`, a board
    /// expiring at `expiry` with base IV `base_iv_wad`, and one strike per `(strikeWad,
    /// skewWad)` of `strikes`. Returns the board id and the strike ids.
    ///
    /// # Errors
    /// The first call that fails, with its revert data.
    pub fn list(
        &self,
        net: &mut Localnet,
        market_id: B256,
        spot_usd: u64,
        (expiry, base_iv_wad): (u64, U256),
        strikes: &[(U256, U256)],
    ) -> Result<(u64, Vec<u64>), String> {
        let now = net.timestamp();
        let owner = self.feed_owner;
        let spot = set_round_call(1, usd_answer(spot_usd), now);
        call(net, owner, self.at.spot_feed, &spot)?;
        let up = set_round_call(1, I256::ZERO, now.saturating_sub(2 * 3600));
        call(net, owner, self.at.sequencer_feed, &up)?;
        let listings = self.at.listings;
        let list = IOptionListings::listMarketCall {
            marketId: market_id,
            oracle: self.at.spot_feed,
            heartbeat: 3600,
        };
        call(net, owner, listings, &list)?;
        let board =
            IOptionListings::listBoardCall { marketId: market_id, expiry, baseIvWad: base_iv_wad };
        let board_id = call(net, owner, listings, &board)?._0;
        let mut ids = Vec::with_capacity(strikes.len());
        for &(strike_wad, skew_wad) in strikes {
            let strike = IOptionListings::listStrikeCall {
                boardId: board_id,
                strikeWad: strike_wad,
                skewWad: skew_wad,
            };
            ids.push(call(net, owner, listings, &strike)?._0);
        }
        Ok((board_id, ids))
    }
}

/// Sends `call` from `from` to `to`; its decoded return, or the failure with its revert
/// data.
fn call<C: SolCall>(
    net: &mut Localnet,
    from: Address,
    to: Address,
    call: &C,
) -> Result<C::Return, String> {
    let result = net.call(from, to, &call.abi_encode(), U256::ZERO);
    if !result.success {
        return Err(format!(
            "{} failed: {} (output 0x{})",
            C::SIGNATURE,
            result.error.as_deref().unwrap_or("reverted"),
            alloy_primitives::hex::encode(&result.output)
        ));
    }
    C::abi_decode_returns(&result.output, true).map_err(|e| format!("{}: {e}", C::SIGNATURE))
}

sol! {
    /// The views of `IOptionsMarket` (`crates/interfaces`) that the vault and the fund
    /// read, answered by [`MarketStandIn`].
    interface IMarketViews {
        function poolLiability() external view returns (uint256 liability, uint256 receivable, uint64 markTime);
        function requiredCollateral() external view returns (uint256);
        function longestOpenTenor() external view returns (uint64);
    }
}

/// What [`MarketStandIn`] answers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MarketViews {
    /// `poolLiability().liability`: the mark-to-market value of the options the pool
    /// wrote, net of those it holds, in asset units.
    pub liability: U256,
    /// `poolLiability().receivable`: what the market owes the pool, in asset units.
    pub receivable: U256,
    /// `poolLiability().markTime`: when the mark was taken, in seconds.
    pub mark_time: u64,
    /// `requiredCollateral()`: the pool's cash the market's written options lock.
    pub required: U256,
    /// `longestOpenTenor()`: seconds, for the fund's cooldown.
    pub longest_open_tenor: u64,
    /// When false, every view reverts (a broken market: the vault's mark goes stale).
    pub broken: bool,
}

/// A native stand-in for the options market's views (`poolLiability`,
/// `requiredCollateral`, `longestOpenTenor`), until the market has a program: the values
/// are set by the test or tool, every other selector reverts without data, and a view
/// costs no gas of its own (the caller still pays its `CALL`: the access, the 63/64
/// rule). State-changing calls *from* the market (`pullPayout`, `notifyPremium`, `cover`)
/// are sent from its address as from an EOA. The values live outside the world state:
/// [`Localnet::revert_to`] does not restore them.
#[derive(Clone, Debug, Default)]
pub struct MarketStandIn {
    /// The answers, shared with the handler.
    views: Rc<RefCell<MarketViews>>,
}

impl MarketStandIn {
    /// Installs a stand-in answering `views` at `address` (which keeps its balance).
    #[must_use]
    pub fn install(net: &mut Localnet, address: Address, views: MarketViews) -> Self {
        let stub = Self { views: Rc::new(RefCell::new(views)) };
        let shared = Rc::clone(&stub.views);
        net.register_native(address, Rc::new(move |call| answer(&shared.borrow(), call)));
        stub
    }

    /// The answers now.
    #[must_use]
    pub fn views(&self) -> MarketViews {
        *self.views.borrow()
    }

    /// Changes the answers.
    pub fn update(&self, change: impl FnOnce(&mut MarketViews)) {
        change(&mut self.views.borrow_mut());
    }
}

/// The stand-in's answer to `call`.
fn answer(views: &MarketViews, call: &NativeCall<'_>) -> NativeOutcome {
    let revert = NativeOutcome { success: false, output: Vec::new(), gas_used: 0 };
    if views.broken || !call.value.is_zero() || call.input.len() != 4 {
        return revert;
    }
    let selector: [u8; 4] = [call.input[0], call.input[1], call.input[2], call.input[3]];
    let output = match selector {
        IMarketViews::poolLiabilityCall::SELECTOR => {
            IMarketViews::poolLiabilityCall::abi_encode_returns(&(
                views.liability,
                views.receivable,
                views.mark_time,
            ))
        }
        IMarketViews::requiredCollateralCall::SELECTOR => {
            IMarketViews::requiredCollateralCall::abi_encode_returns(&(views.required,))
        }
        IMarketViews::longestOpenTenorCall::SELECTOR => {
            IMarketViews::longestOpenTenorCall::abi_encode_returns(&(views.longest_open_tenor,))
        }
        _ => return revert,
    };
    NativeOutcome { success: true, output, gas_used: 0 }
}
