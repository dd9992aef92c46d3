//! The deployed protocol, its actors, and the assertions every scenario uses.

use std::process::Command;
use std::sync::OnceLock;

use alloy_primitives::{Address, B256, U256};
use alloy_sol_types::{SolCall, SolError, SolEvent};
use mutual_abi::{IGovernanceParams, IInsuranceFund, IMutualVault, ITestUsdc};
use mutual_localnet::protocol::{
    address_value, artifact_dir, key, names, set_round_call, usd_answer, workspace_root, Artifacts,
    Config, MarketPrograms, MarketStandIn, MarketViews, Protocol, DAY, PACKAGES, TREASURY, USDC,
    WAD,
};
use mutual_localnet::{CallResult, Localnet, Log};

/// `x` whole USDC in token units (6 decimals).
pub(crate) fn usdc(x: u64) -> U256 {
    U256::from(x) * U256::from(USDC)
}

/// A number as `U256`.
pub(crate) fn u(x: u64) -> U256 {
    U256::from(x)
}

/// `x / 100` WAD.
pub(crate) fn pct(x: u64) -> U256 {
    WAD * u(x) / u(100)
}

/// `x` WAD.
pub(crate) fn wad(x: u64) -> U256 {
    WAD * u(x)
}

/// The market id of the scenarios' losses and income.
pub(crate) const ETH: B256 = B256::repeat_byte(0xe7);

/// The listed board's expiry, from the deployment: 30 days.
pub(crate) const TENOR: u64 = 30 * DAY;

/// The senior staker of [`Listed::with_pool`].
pub(crate) const DAVE: Address = Address::repeat_byte(0xda);

/// The artifacts, built once per test binary (see the crate docs).
pub(crate) fn artifacts() -> &'static Artifacts {
    static ARTIFACTS: OnceLock<Result<Artifacts, String>> = OnceLock::new();
    let loaded = ARTIFACTS.get_or_init(|| {
        if std::env::var_os("MUTUAL_E2E_NO_BUILD").is_none() {
            build()?;
        }
        Artifacts::load(&artifact_dir())
    });
    match loaded {
        Ok(artifacts) => artifacts,
        Err(e) => panic!("{e}"),
    }
}

/// Runs `scripts/build-wasm.sh` for the packages the tests deploy.
fn build() -> Result<(), String> {
    let root = workspace_root();
    let mut command = Command::new("bash");
    command.arg(root.join("scripts/build-wasm.sh")).current_dir(&root);
    for package in PACKAGES {
        command.args(["--package", package]);
    }
    // The script picks its own flags and target directories.
    for var in ["RUSTFLAGS", "CARGO_ENCODED_RUSTFLAGS", "CARGO_TARGET_DIR", "CARGO_BUILD_TARGET"] {
        command.env_remove(var);
    }
    let output = command
        .output()
        .map_err(|e| format!("could not run scripts/build-wasm.sh: {e} (run it by hand)"))?;
    if output.status.success() {
        return Ok(());
    }
    Err(format!(
        "scripts/build-wasm.sh failed ({}): fix the build, or build the artifacts with \
         `bash scripts/build-wasm.sh` and rerun with MUTUAL_E2E_NO_BUILD=1.\n{}{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    ))
}

/// The protocol deployed in a fresh localnet, and the actors of the scenarios.
pub(crate) struct World {
    /// The chain.
    pub(crate) net: Localnet,
    /// The deployed programs and the governance roles.
    pub(crate) p: Protocol,
    /// What was deployed.
    pub(crate) config: Config,
    /// An EOA that plays the market (registered through governance by
    /// [`World::register_market`]).
    pub(crate) market: Address,
    /// A staker.
    pub(crate) alice: Address,
    /// A staker.
    pub(crate) bob: Address,
    /// Anyone.
    pub(crate) carol: Address,
}

impl World {
    /// Mutual with two tranches and the default parameters ([`Config::new`]).
    pub(crate) fn new() -> Self {
        Self::with_config(Config::new(2))
    }

    /// Mutual as `config` says.
    pub(crate) fn with_config(config: Config) -> Self {
        let mut net = Localnet::new();
        let p = match Protocol::deploy(&mut net, artifacts(), &config) {
            Ok(p) => p,
            Err(e) => panic!("deployment failed: {e}"),
        };
        let world = Self {
            net,
            p,
            config,
            market: Address::repeat_byte(0x3a),
            alice: Address::repeat_byte(0xa1),
            bob: Address::repeat_byte(0xb0),
            carol: Address::repeat_byte(0xc0),
        };
        let mut world = world;
        let ether = U256::from(10u64).pow(U256::from(18u64));
        for account in [world.market, world.alice, world.bob, world.carol] {
            world.net.set_balance(account, ether);
        }
        world
    }

    /// The block timestamp.
    pub(crate) fn now(&self) -> u64 {
        self.net.timestamp()
    }

    /// Moves the clock `seconds` forward.
    pub(crate) fn skip(&mut self, seconds: u64) {
        let now = self.now();
        self.net.warp(now + seconds);
    }

    /// Sends `call` from `from` to `to`, whatever happens.
    pub(crate) fn send<C: SolCall>(&mut self, from: Address, to: Address, call: &C) -> CallResult {
        self.net.call(from, to, &call.abi_encode(), U256::ZERO)
    }

    /// Sends `call`, which must succeed; returns its decoded return and the result.
    pub(crate) fn ok<C: SolCall>(
        &mut self,
        from: Address,
        to: Address,
        call: &C,
    ) -> (C::Return, CallResult) {
        let result = self.send(from, to, call);
        assert!(
            result.success,
            "{} from {from} failed: {:?}, output 0x{}",
            C::SIGNATURE,
            result.error,
            alloy_primitives::hex::encode(&result.output)
        );
        match C::abi_decode_returns(&result.output, true) {
            Ok(decoded) => (decoded, result),
            Err(e) => panic!("{} returned undecodable data: {e}", C::SIGNATURE),
        }
    }

    /// Runs `call` read-only (like `eth_call`); it must succeed.
    pub(crate) fn view<C: SolCall>(&mut self, to: Address, call: &C) -> C::Return {
        match self.net.static_call_sol(self.carol, to, call) {
            Ok(decoded) => decoded,
            Err(e) => panic!("{} failed: {e}", C::SIGNATURE),
        }
    }

    /// Sends `call`, which must revert with exactly `error` (selector and arguments) and
    /// leave the world as it was (the sender's nonce aside).
    pub(crate) fn expect_revert<C: SolCall, E: SolError>(
        &mut self,
        from: Address,
        to: Address,
        call: &C,
        error: &E,
    ) -> CallResult {
        self.expect_revert_raw(from, to, &call.abi_encode(), U256::ZERO, &error.abi_encode())
    }

    /// Sends raw `calldata` with `value`, which must revert cleanly (a revert, not a trap
    /// or a failure that burns the gas) with exactly `expected` as revert data, and leave
    /// the world as it was (the sender's nonce aside).
    pub(crate) fn expect_revert_raw(
        &mut self,
        from: Address,
        to: Address,
        calldata: &[u8],
        value: U256,
        expected: &[u8],
    ) -> CallResult {
        let before = self.net.dump();
        let result = self.net.call(from, to, calldata, value);
        let after = self.net.dump();
        let calldata_hex = alloy_primitives::hex::encode(calldata);
        assert!(!result.success, "call 0x{calldata_hex} to {to} succeeded; expected a revert");
        assert_eq!(
            result.error.as_deref(),
            Some("reverted"),
            "call 0x{calldata_hex} to {to}: not a clean revert"
        );
        assert_eq!(
            alloy_primitives::hex::encode(&result.output),
            alloy_primitives::hex::encode(expected),
            "call 0x{calldata_hex} to {to}: revert data"
        );
        assert!(result.logs.is_empty(), "a reverted call reports no logs");
        assert!(
            result.gas_used < mutual_localnet::DEFAULT_GAS_LIMIT,
            "a revert keeps the unused gas"
        );
        let changes = before.diff(&after, &[from]);
        assert!(
            changes.is_empty(),
            "call 0x{calldata_hex} to {to} changed the state: {changes:#?}"
        );
        result
    }

    // ---- the token -------------------------------------------------------------------

    /// Mints `amount` tokens to `to`.
    pub(crate) fn mint(&mut self, to: Address, amount: U256) {
        let usdc = self.p.usdc;
        self.ok(self.carol, usdc, &ITestUsdc::mintCall { to, value: amount });
    }

    /// The token balance of `account`.
    pub(crate) fn token_balance(&mut self, account: Address) -> U256 {
        let usdc = self.p.usdc;
        self.view(usdc, &ITestUsdc::balanceOfCall { account })._0
    }

    // ---- governance ------------------------------------------------------------------

    /// Queues `value` for `key` as the admin, waits out the timelock and executes it.
    pub(crate) fn set_param(&mut self, param: B256, value: U256) {
        let (admin, governance) = (self.p.admin, self.p.governance);
        self.ok(admin, governance, &IGovernanceParams::queueCall { key: param, value });
        let delay = self
            .view(governance, &IGovernanceParams::getCall { key: key(names::TIMELOCK_DELAY) })
            ._0;
        self.skip(u64::try_from(delay).unwrap_or(u64::MAX));
        self.ok(self.carol, governance, &IGovernanceParams::executeCall { key: param });
    }

    /// Registers `self.market` under `mutual.market` through the timelock.
    pub(crate) fn register_market(&mut self) {
        let market = self.market;
        self.set_param(key(names::MARKET), address_value(market));
    }

    /// Registers `self.market` (through the timelock) and installs the native stand-in of
    /// its views there ([`MarketStandIn`]): an empty book, marked now.
    pub(crate) fn open_market(&mut self) -> MarketStandIn {
        self.register_market();
        let views = MarketViews { mark_time: self.now(), ..MarketViews::default() };
        MarketStandIn::install(&mut self.net, self.market, views)
    }

    // ---- the vault -------------------------------------------------------------------

    /// Mints `amount` to `who` and approves the vault for it.
    pub(crate) fn fund_lp(&mut self, who: Address, amount: U256) {
        let (usdc, vault) = (self.p.usdc, self.p.vault);
        self.mint(who, amount);
        self.ok(who, usdc, &ITestUsdc::approveCall { spender: vault, value: amount });
    }

    /// The vault's `totalAssets()`.
    pub(crate) fn vault_assets(&mut self) -> U256 {
        let vault = self.p.vault;
        self.view(vault, &IMutualVault::totalAssetsCall {})._0
    }

    /// The vault's `totalSupply()`.
    pub(crate) fn vault_supply(&mut self) -> U256 {
        let vault = self.p.vault;
        self.view(vault, &IMutualVault::totalSupplyCall {})._0
    }

    /// The vault shares of `account`.
    pub(crate) fn vault_shares(&mut self, account: Address) -> U256 {
        let vault = self.p.vault;
        self.view(vault, &IMutualVault::balanceOfCall { account })._0
    }

    // ---- the fund --------------------------------------------------------------------

    /// Mints `amount` to `who`, approves the fund and deposits it into `tranche` for
    /// `who`; returns the shares minted.
    pub(crate) fn stake(&mut self, who: Address, tranche: u8, amount: U256) -> U256 {
        let (usdc, fund) = (self.p.usdc, self.p.insurance);
        self.mint(who, amount);
        self.ok(who, usdc, &ITestUsdc::approveCall { spender: fund, value: amount });
        let call = IInsuranceFund::depositCall { tranche, assets: amount, receiver: who };
        self.ok(who, fund, &call).0._0
    }

    /// The fund's `totalAssets(tranche)`.
    pub(crate) fn tranche_assets(&mut self, tranche: u8) -> U256 {
        let fund = self.p.insurance;
        self.view(fund, &IInsuranceFund::totalAssetsCall { tranche })._0
    }

    /// The fund's `totalSupply(tranche)`.
    pub(crate) fn tranche_supply(&mut self, tranche: u8) -> U256 {
        let fund = self.p.insurance;
        self.view(fund, &IInsuranceFund::totalSupplyCall { tranche })._0
    }
}

/// The log `event` emitted by `address`.
pub(crate) fn log_of<E: SolEvent>(address: Address, event: &E) -> Log {
    let data = event.encode_log_data();
    Log { address, topics: data.topics().to_vec(), data: data.data.to_vec() }
}

/// Asserts that `result` emitted exactly `expected`, in order.
pub(crate) fn assert_logs(result: &CallResult, expected: &[Log]) {
    assert_eq!(result.logs.len(), expected.len(), "log count: {:#?}", result.logs);
    for (i, (got, want)) in result.logs.iter().zip(expected).enumerate() {
        assert_eq!(got, want, "log {i}");
    }
}

/// The one log of `result` that decodes as `E` from `address`.
pub(crate) fn event<E: SolEvent>(result: &CallResult, address: Address) -> E {
    let mut found = result
        .logs
        .iter()
        .filter(|log| log.address == address && log.topics.first() == Some(&E::SIGNATURE_HASH));
    let log = found.next().unwrap_or_else(|| panic!("no {} log", E::SIGNATURE));
    assert!(found.next().is_none(), "more than one {} log", E::SIGNATURE);
    match E::decode_raw_log(log.topics.iter().copied(), &log.data, true) {
        Ok(event) => event,
        Err(e) => panic!("{}: {e}", E::SIGNATURE),
    }
}

/// The protocol with the market's programs (`MarketPrograms`: the short book and its margin
/// engine among them), every key registered as the config says, ETH listed at 2,000 USD
/// with one board expiring [`TENOR`] from now at 80% IV and two strikes: 2100 (skew 1) and
/// 1900 (skew 1.1). The scenarios add their own steps in `impl Listed` blocks of their
/// modules.
pub(crate) struct Listed {
    /// The chain and the protocol.
    pub(crate) w: World,
    /// The market's programs.
    pub(crate) m: MarketPrograms,
    /// The board.
    pub(crate) board: u64,
    /// Its strikes: 2100 and 1900.
    pub(crate) strikes: Vec<u64>,
    /// Its expiry.
    pub(crate) expiry: u64,
    /// The spot feed's latest round id.
    pub(crate) round: u64,
    /// Every account that ever held the token.
    pub(crate) holders: Vec<Address>,
}

/// The vault's `valuation()`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Valuation {
    /// The pool's cash.
    pub(crate) cash: U256,
    /// What the market and the short book owe the pool (the options it holds).
    pub(crate) receivable: U256,
    /// The market's liability (the options the pool wrote).
    pub(crate) liability: U256,
    /// Whether the mark is fresh.
    pub(crate) fresh: bool,
}

impl Listed {
    /// Deploys `config` and the market's programs beside it, and lists ETH.
    pub(crate) fn new(config: Config) -> Self {
        let mut w = World::with_config(config);
        let m = match MarketPrograms::deploy(&mut w.net, artifacts(), &w.p, &w.config) {
            Ok(m) => m,
            Err(e) => panic!("{e}"),
        };
        let expiry = w.now() + TENOR;
        let strikes = [(wad(2100), WAD), (wad(1900), pct(110))];
        let (board, strikes) = match m.list(&mut w.net, ETH, 2000, (expiry, pct(80)), &strikes) {
            Ok(listed) => listed,
            Err(e) => panic!("{e}"),
        };
        let holders = vec![
            w.alice,
            w.bob,
            w.carol,
            w.p.vault,
            w.p.insurance,
            m.at.market,
            m.at.short_book,
            TREASURY,
        ];
        Self { w, m, board, strikes, expiry, round: 1, holders }
    }

    /// [`Listed::new`], then Alice deposits `lp` in the vault, Bob stakes `junior` in
    /// tranche 0 and [`DAVE`] `senior` in tranche 1.
    pub(crate) fn with_pool(config: Config, lp: U256, junior: U256, senior: U256) -> Self {
        let mut l = Self::new(config);
        let (vault, alice, bob) = (l.w.p.vault, l.w.alice, l.w.bob);
        l.w.fund_lp(alice, lp);
        l.w.ok(alice, vault, &IMutualVault::depositCall { assets: lp, receiver: alice });
        l.w.stake(bob, 0, junior);
        l.w.stake(DAVE, 1, senior);
        l.holders.push(DAVE);
        l
    }

    /// Posts the next spot round at `usd`, updated now.
    pub(crate) fn price(&mut self, usd: u64) {
        self.round += 1;
        let call = set_round_call(self.round, usd_answer(usd), self.w.now());
        let (owner, feed) = (self.m.feed_owner, self.m.at.spot_feed);
        self.w.ok(owner, feed, &call);
    }

    /// A governance value.
    pub(crate) fn param(&mut self, name: &str) -> U256 {
        let gov = self.w.p.governance;
        self.w.view(gov, &IGovernanceParams::getCall { key: key(name) })._0
    }

    /// The vault's `valuation()`.
    pub(crate) fn valuation(&mut self) -> Valuation {
        let vault = self.w.p.vault;
        let v = self.w.view(vault, &IMutualVault::valuationCall {});
        Valuation { cash: v._0, receivable: v._1, liability: v._2, fresh: v._5 }
    }

    /// Warps to just before the expiry and posts `usd` there, then warps past it and posts
    /// `usd` again: the settlement round, returned.
    pub(crate) fn expire_at(&mut self, usd: u64) -> u64 {
        self.w.net.warp(self.expiry - 100);
        self.price(usd);
        self.w.net.warp(self.expiry + 60);
        self.price(usd);
        self.round
    }

    /// The token's total supply equals the sum of every holder's balance.
    pub(crate) fn assert_conserved(&mut self) {
        let token = self.w.p.usdc;
        let supply = self.w.view(token, &ITestUsdc::totalSupplyCall {})._0;
        let holders = self.holders.clone();
        let held = holders.iter().fold(U256::ZERO, |sum, &a| sum + self.w.token_balance(a));
        assert_eq!(held, supply, "the token's supply is held by the known accounts");
    }
}
