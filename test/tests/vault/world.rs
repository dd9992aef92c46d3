//! The fixture: the real `GovernanceParams` with every key the vault reads, a 6-decimal
//! mock asset, a mock market (registered under `mutual.market`, with a settable mark of
//! the pool), and a `MutualVault`.

use std::sync::{Mutex, MutexGuard, PoisonError};

use alloy_primitives::{uint, Address, B256, U256};
use motsu::prelude::*;
use mutual_contract_kit::clock;
use mutual_governance::{
    GovernanceParams, EXECUTION_WINDOW_KEY, HIGHER_IS_SAFER, LOWER_IS_SAFER,
    MAX_PAUSE_DURATION_KEY, NEITHER, PAUSE_COOLDOWN_KEY, TIMELOCK_DELAY_KEY,
};
use mutual_interfaces::keys::{
    address_to_value, BOOK_KEY, MARKET_KEY, MAX_ADDRESS_VALUE, SHORT_BOOK_KEY,
};
use mutual_test_mocks::{MockErc20, MockMarket};
use mutual_vault::{
    MutualVault, DEPOSIT_CAP_KEY, MARK_MAX_AGE_KEY, MIN_HOLD_TIME_KEY, REASON_PREMIUM,
    REDEEM_DELAY_KEY, STALE_BUFFER_KEY,
};

/// motsu 0.10's constant block timestamp (2025-01-01T00:00:00Z).
pub(crate) const T0: u64 = 1_735_689_600;
/// One day in seconds.
pub(crate) const DAY: u64 = 86_400;
/// The governance timelock delay: 2 days.
pub(crate) const TIMELOCK: u64 = 2 * DAY;
/// The fixture's `vault.markMaxAge`: one hour.
pub(crate) const MAX_AGE: u64 = 3_600;
/// The fixture's `vault.redeemDelay`: three days.
pub(crate) const DELAY: u64 = 3 * DAY;
/// The fixture's `vault.minHoldTime`: one day.
pub(crate) const HOLD: u64 = DAY;
/// The guardian's pauses lapse after this: 3 days.
pub(crate) const MAX_PAUSE: u64 = 3 * DAY;
/// 1e18.
pub(crate) const WAD: U256 = uint!(1_000_000_000_000_000_000_U256);
/// One USDC (6 decimals).
pub(crate) const USDC: u64 = 1_000_000;
/// The market id of the fixture's flows.
pub(crate) const ETH: B256 = B256::repeat_byte(0xe7);

/// One world at a time in this test binary. motsu 0.10 keeps every test thread's VM in
/// one global `DashMap` whose entry stays write-locked for the whole of a contract call,
/// and panics ("storage is locked") when another thread waits more than 10 ms for a
/// shard: on a loaded machine two threads running property cases back to back can hit
/// that. Each [`World`] holds this lock while it lives, so worlds never overlap.
static SERIAL: Mutex<()> = Mutex::new(());

/// `x` USDC, in asset units.
pub(crate) fn usdc(x: u64) -> U256 {
    U256::from(x) * U256::from(USDC)
}

/// `x / 100` WAD.
pub(crate) fn pct(x: u64) -> U256 {
    WAD * U256::from(x) / U256::from(100)
}

/// A number as `U256`.
pub(crate) fn u(x: u64) -> U256 {
    U256::from(x)
}

/// `text` as a left-aligned, zero-padded `bytes32`.
pub(crate) fn text(text: &str) -> B256 {
    let mut word = [0u8; 32];
    word[..text.len()].copy_from_slice(text.as_bytes());
    B256::from(word)
}

/// One governance parameter: key, value, bounds and direction.
#[derive(Clone, Copy)]
struct Param {
    key: B256,
    value: U256,
    min: U256,
    max: U256,
    direction: u8,
}

/// The governance keys of the fixture, before deployment: defaults, then overrides.
pub(crate) struct Setup {
    params: Vec<Param>,
}

impl Setup {
    /// The defaults: a one-hour mark age, a 10% stale buffer, no deposit cap, a three-day
    /// redeem delay and a one-day hold time; governance's own keys (a two-day timelock,
    /// three-day guardian pauses).
    pub(crate) fn new() -> Self {
        let secs = |x: u64| U256::from(x);
        let param = |key, value, min, max, direction| Param { key, value, min, max, direction };
        let params = vec![
            param(TIMELOCK_DELAY_KEY, secs(TIMELOCK), secs(3600), secs(30 * DAY), HIGHER_IS_SAFER),
            param(EXECUTION_WINDOW_KEY, secs(7 * DAY), secs(3600), secs(14 * DAY), LOWER_IS_SAFER),
            param(
                MAX_PAUSE_DURATION_KEY,
                secs(MAX_PAUSE),
                secs(3600),
                secs(7 * DAY),
                LOWER_IS_SAFER,
            ),
            param(PAUSE_COOLDOWN_KEY, secs(DAY), U256::ZERO, secs(7 * DAY), HIGHER_IS_SAFER),
            param(MARKET_KEY, U256::ZERO, U256::ZERO, MAX_ADDRESS_VALUE, NEITHER),
            // Zero: the vault reads the pool's views from the market itself (the mock).
            param(BOOK_KEY, U256::ZERO, U256::ZERO, MAX_ADDRESS_VALUE, NEITHER),
            // Zero: no short book.
            param(SHORT_BOOK_KEY, U256::ZERO, U256::ZERO, MAX_ADDRESS_VALUE, NEITHER),
            param(MARK_MAX_AGE_KEY, secs(MAX_AGE), secs(60), secs(DAY), LOWER_IS_SAFER),
            param(STALE_BUFFER_KEY, pct(10), U256::ZERO, WAD, HIGHER_IS_SAFER),
            param(DEPOSIT_CAP_KEY, U256::MAX, U256::ZERO, U256::MAX, LOWER_IS_SAFER),
            param(REDEEM_DELAY_KEY, secs(DELAY), U256::ZERO, secs(30 * DAY), HIGHER_IS_SAFER),
            param(MIN_HOLD_TIME_KEY, secs(HOLD), U256::ZERO, secs(30 * DAY), HIGHER_IS_SAFER),
        ];
        Setup { params }
    }

    /// Sets `key`'s initial value.
    ///
    /// # Panics
    ///
    /// * If `key` is not among the fixture's parameters.
    pub(crate) fn with(mut self, key: B256, value: U256) -> Self {
        let param = self
            .params
            .iter_mut()
            .find(|p| p.key == key)
            .expect("Setup::with: a key of the fixture");
        param.value = value;
        self
    }

    /// Deploys everything at time `T0`, the market registered and marking nothing.
    pub(crate) fn deploy(self) -> World {
        // A test that panicked while holding the lock leaves nothing behind to protect.
        let serial = SERIAL.lock().unwrap_or_else(PoisonError::into_inner);
        clock::reset();
        let world = World {
            gov: Contract::from_tag("governance"),
            vault: Contract::from_tag("vault"),
            token: Contract::from_tag("usdc"),
            market: Contract::from_tag("market"),
            admin: Address::from_tag("admin"),
            guardian: Address::from_tag("guardian"),
            _serial: serial,
        };
        let mut params = self.params;
        for p in &mut params {
            if p.key == MARKET_KEY {
                p.value = address_to_value(world.market.address());
            }
        }
        world
            .gov
            .sender(world.admin)
            .constructor(
                world.admin,
                world.guardian,
                params.iter().map(|p| p.key).collect(),
                params.iter().map(|p| p.value).collect(),
                params.iter().map(|p| p.min).collect(),
                params.iter().map(|p| p.max).collect(),
                params.iter().map(|p| p.direction).collect(),
            )
            .expect("Setup::deploy: governance");
        world.market.sender(world.admin).init(Address::ZERO, world.token.address());
        world.market.sender(world.admin).set_vault(world.vault.address());
        world
            .vault
            .sender(world.admin)
            .constructor(world.token.address(), world.gov.address(), text("Mutual LP"), text("mLP"))
            .expect("Setup::deploy: vault");
        world
    }
}

/// The deployed contracts and roles of a test.
pub(crate) struct World {
    pub(crate) gov: Contract<GovernanceParams>,
    pub(crate) vault: Contract<MutualVault>,
    pub(crate) token: Contract<MockErc20>,
    pub(crate) market: Contract<MockMarket>,
    pub(crate) admin: Address,
    pub(crate) guardian: Address,
    /// The [`SERIAL`] lock, released after the contracts are dropped (fields drop in
    /// order).
    _serial: MutexGuard<'static, ()>,
}

/// Everything a call could change for one account, and the vault's totals.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Snapshot {
    pub(crate) total_assets: U256,
    pub(crate) supply: U256,
    pub(crate) escrow: U256,
    pub(crate) vault_tokens: U256,
    pub(crate) balance: U256,
    pub(crate) tokens: U256,
    pub(crate) request: (U256, u64, U256),
    pub(crate) lock: (U256, u64),
}

impl World {
    /// The default world.
    pub(crate) fn new() -> Self {
        Setup::new().deploy()
    }

    /// Mints `amount` of the asset to `account`, which approves the vault for all of it.
    pub(crate) fn fund(&self, account: Address, amount: U256) {
        self.token.sender(self.admin).mint(account, amount).expect("World::fund: mint");
        self.token
            .sender(account)
            .approve(self.vault.address(), U256::MAX)
            .expect("World::fund: approve");
    }

    /// `lp` deposits `assets` (minted to it first) for itself; returns the shares.
    pub(crate) fn deposit(&self, lp: Address, assets: U256) -> U256 {
        self.fund(lp, assets);
        self.vault.sender(lp).deposit(assets, lp).expect("World::deposit")
    }

    /// `lp` requests the redemption of `shares` of its own, for itself.
    pub(crate) fn request(&self, lp: Address, shares: U256) {
        self.vault.sender(lp).request_redeem(shares, lp, lp).expect("World::request");
    }

    /// Sets the market's mark: `(liability, receivable)` and the required collateral.
    pub(crate) fn mark(&self, liability: U256, receivable: U256, required: U256) {
        self.market.sender(self.admin).set_pool_liability(liability, receivable);
        self.market.sender(self.admin).set_required_collateral(required);
    }

    /// The market pays `amount` (minted to it first) to the vault as a premium of `ETH`.
    pub(crate) fn premium(&self, amount: U256) {
        self.token.sender(self.admin).mint(self.market.address(), amount).expect("premium: mint");
        self.market
            .sender(self.admin)
            .pay_premium(ETH, REASON_PREMIUM, amount)
            .expect("World::premium");
    }

    /// The asset balance of `account`.
    pub(crate) fn tokens(&self, account: Address) -> U256 {
        self.token.sender(self.admin).balance_of(account)
    }

    /// `totalAssets()`.
    pub(crate) fn total_assets(&self) -> U256 {
        self.vault.sender(self.admin).total_assets()
    }

    /// The vault's share balance of `account`.
    pub(crate) fn shares(&self, account: Address) -> U256 {
        self.vault.sender(self.admin).balance_of(account)
    }

    /// The pool's cash, as the vault books it.
    pub(crate) fn cash(&self) -> U256 {
        self.vault.sender(self.admin).valuation().expect("World::cash: governance answers").0
    }

    /// Everything a call could change for `account`.
    pub(crate) fn snapshot(&self, account: Address) -> Snapshot {
        let vault = || self.vault.sender(self.admin);
        Snapshot {
            total_assets: vault().total_assets(),
            supply: vault().total_supply(),
            escrow: vault().balance_of(self.vault.address()),
            vault_tokens: self.tokens(self.vault.address()),
            balance: vault().balance_of(account),
            tokens: self.tokens(account),
            request: vault().redeem_request(account),
            lock: vault().locked_shares(account),
        }
    }

    /// Sets governance `key` to `value` through the timelock: queue, wait the delay,
    /// execute; then the clock goes back to where it was.
    pub(crate) fn govern(&self, key: B256, value: U256) {
        let start = clock::offset();
        self.gov.sender(self.admin).queue(key, value).expect("govern: queue");
        clock::set_offset(start + TIMELOCK);
        self.gov.sender(self.admin).execute(key).expect("govern: execute");
        clock::set_offset(start);
    }
}
