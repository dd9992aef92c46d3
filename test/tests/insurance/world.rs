//! The fixture: the real `GovernanceParams` with every key the fund reads, a 6-decimal
//! mock asset, a mock market and a mock vault (both `MockMarket`), and an `InsuranceFund`.

use alloy_primitives::{uint, Address, B256, U256};
use motsu::prelude::*;
use mutual_contract_kit::clock;
use mutual_governance::{
    GovernanceParams, EXECUTION_WINDOW_KEY, HIGHER_IS_SAFER, LOWER_IS_SAFER,
    MAX_PAUSE_DURATION_KEY, NEITHER, PAUSE_COOLDOWN_KEY, TIMELOCK_DELAY_KEY,
};
use mutual_insurance::{
    tranche_key, Error, InsuranceFund, BASE_INCOME_SHARE_KEY, CAP_WAD, DEPOSIT_CAP, INCOME_WEIGHT,
    JUNIOR, MAX_COOLDOWN_KEY, MAX_INCOME_SHARE_KEY, MIN_BALANCE, MIN_COOLDOWN_KEY,
    TARGET_COVERAGE_KEY, WITHDRAW_WINDOW_KEY,
};
use mutual_interfaces::keys::{
    address_to_value, INSURANCE_KEY, MARKET_KEY, MAX_ADDRESS_VALUE, SHORT_BOOK_KEY, TREASURY_KEY,
    VAULT_KEY,
};
use mutual_test_mocks::{MockErc20, MockMarket};

/// motsu 0.10's constant block timestamp (2025-01-01T00:00:00Z).
pub(crate) const T0: u64 = 1_735_689_600;
/// One day in seconds.
pub(crate) const DAY: u64 = 86_400;
/// The fixture's minimum cooldown: 7 days.
pub(crate) const MIN_COOLDOWN: u64 = 7 * DAY;
/// The fixture's maximum cooldown: 90 days.
pub(crate) const MAX_COOLDOWN: u64 = 90 * DAY;
/// The fixture's withdrawal window: 2 days.
pub(crate) const WINDOW: u64 = 2 * DAY;
/// The fixture market's longest open tenor: 30 days.
pub(crate) const TENOR: u64 = 30 * DAY;
/// The governance timelock delay: 2 days.
pub(crate) const DELAY: u64 = 2 * DAY;
/// 1e18.
pub(crate) const WAD: U256 = uint!(1_000_000_000_000_000_000_U256);
/// One USDC (6 decimals).
pub(crate) const USDC: u64 = 1_000_000;
/// The market id of the fixture's losses and income.
pub(crate) const ETH: B256 = B256::repeat_byte(0xe7);
/// The senior tranche id.
pub(crate) const SENIOR: u8 = 1;

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

/// Moves the clock to `T0 + offset`.
pub(crate) fn at(offset: u64) {
    clock::set_offset(offset);
}

/// One governance parameter: key, value, bounds and direction.
#[derive(Clone, Copy)]
pub(crate) struct Param {
    pub(crate) key: B256,
    pub(crate) value: U256,
    pub(crate) min: U256,
    pub(crate) max: U256,
    pub(crate) direction: u8,
}

/// The governance keys of the fixture, before deployment: defaults, then overrides.
pub(crate) struct Setup {
    /// How many tranches the fund gets.
    pub(crate) tranches: u8,
    /// The market's longest open tenor.
    pub(crate) tenor: u64,
    /// Every parameter registered in governance.
    params: Vec<Param>,
}

impl Setup {
    /// The defaults for `tranches` tranches: cooldowns 7/90 days, window 2 days, target
    /// coverage 150%, income share 10% rising to 40%; per tranche an unlimited deposit cap,
    /// no minimum balance, a per-event cap of 100%, income weight 3 for the junior tranche
    /// and 1 for the others.
    pub(crate) fn new(tranches: u8) -> Self {
        let secs = |x: u64| U256::from(x);
        let any = |key, value, direction| Param {
            key,
            value,
            min: U256::ZERO,
            max: U256::MAX,
            direction,
        };
        let mut params = vec![
            Param {
                key: TIMELOCK_DELAY_KEY,
                value: secs(DELAY),
                min: secs(3600),
                max: secs(30 * DAY),
                direction: HIGHER_IS_SAFER,
            },
            Param {
                key: EXECUTION_WINDOW_KEY,
                value: secs(7 * DAY),
                min: secs(3600),
                max: secs(14 * DAY),
                direction: LOWER_IS_SAFER,
            },
            Param {
                key: MAX_PAUSE_DURATION_KEY,
                value: secs(3 * DAY),
                min: secs(3600),
                max: secs(7 * DAY),
                direction: LOWER_IS_SAFER,
            },
            Param {
                key: PAUSE_COOLDOWN_KEY,
                value: secs(DAY),
                min: U256::ZERO,
                max: secs(7 * DAY),
                direction: HIGHER_IS_SAFER,
            },
            Param {
                key: MIN_COOLDOWN_KEY,
                value: secs(MIN_COOLDOWN),
                min: secs(DAY),
                max: secs(365 * DAY),
                direction: HIGHER_IS_SAFER,
            },
            Param {
                key: MAX_COOLDOWN_KEY,
                value: secs(MAX_COOLDOWN),
                min: secs(7 * DAY),
                max: secs(365 * DAY),
                direction: HIGHER_IS_SAFER,
            },
            Param {
                key: WITHDRAW_WINDOW_KEY,
                value: secs(WINDOW),
                min: secs(3600),
                max: secs(30 * DAY),
                direction: NEITHER,
            },
            any(TARGET_COVERAGE_KEY, pct(150), HIGHER_IS_SAFER),
            any(BASE_INCOME_SHARE_KEY, pct(10), NEITHER),
            any(MAX_INCOME_SHARE_KEY, pct(40), NEITHER),
        ];
        for key in [MARKET_KEY, VAULT_KEY, INSURANCE_KEY, TREASURY_KEY, SHORT_BOOK_KEY] {
            params.push(Param {
                key,
                value: U256::ZERO,
                min: U256::ZERO,
                max: MAX_ADDRESS_VALUE,
                direction: NEITHER,
            });
        }
        for t in 0..tranches {
            params.push(any(tranche_key(t, DEPOSIT_CAP), U256::MAX, LOWER_IS_SAFER));
            params.push(any(tranche_key(t, MIN_BALANCE), U256::ZERO, HIGHER_IS_SAFER));
            params.push(Param {
                key: tranche_key(t, CAP_WAD),
                value: WAD,
                min: U256::ZERO,
                max: WAD,
                direction: LOWER_IS_SAFER,
            });
            let weight = if t == JUNIOR { 3 } else { 1 };
            params.push(any(tranche_key(t, INCOME_WEIGHT), U256::from(weight), NEITHER));
        }
        Setup { tranches, tenor: TENOR, params }
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

    /// Leaves `key` out of governance (reads of it revert).
    pub(crate) fn without(mut self, key: B256) -> Self {
        self.params.retain(|p| p.key != key);
        self
    }

    /// Deploys everything at time `T0`.
    pub(crate) fn deploy(self) -> World {
        clock::reset();
        let world = World {
            gov: Contract::from_tag("governance"),
            fund: Contract::from_tag("fund"),
            token: Contract::from_tag("usdc"),
            market: Contract::from_tag("market"),
            vault: Contract::from_tag("vault"),
            admin: Address::from_tag("admin"),
            guardian: Address::from_tag("guardian"),
        };
        let address_keys =
            [(MARKET_KEY, world.market.address()), (VAULT_KEY, world.vault.address())];
        let mut params = self.params;
        for p in &mut params {
            if let Some((_, account)) = address_keys.iter().find(|(k, _)| *k == p.key) {
                p.value = address_to_value(*account);
            }
            if p.key == INSURANCE_KEY {
                p.value = address_to_value(world.fund.address());
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
        for mock in [&world.market, &world.vault] {
            mock.sender(world.admin).init(world.fund.address(), world.token.address());
        }
        world.market.sender(world.admin).set_longest_open_tenor(self.tenor);
        world
            .fund
            .sender(world.admin)
            .constructor(world.token.address(), world.gov.address(), self.tranches)
            .expect("Setup::deploy: fund");
        world
    }
}

/// The deployed contracts and roles of a test.
pub(crate) struct World {
    pub(crate) gov: Contract<GovernanceParams>,
    pub(crate) fund: Contract<InsuranceFund>,
    pub(crate) token: Contract<MockErc20>,
    pub(crate) market: Contract<MockMarket>,
    pub(crate) vault: Contract<MockMarket>,
    pub(crate) admin: Address,
    pub(crate) guardian: Address,
}

/// A tranche's totals and one owner's position, for before/after comparisons.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Snapshot {
    pub(crate) assets: U256,
    pub(crate) supply: U256,
    pub(crate) balance: U256,
    pub(crate) request: (U256, u64, u64),
    pub(crate) fund_balance: U256,
}

impl World {
    /// The default world: two tranches.
    pub(crate) fn new() -> Self {
        Setup::new(2).deploy()
    }

    /// Mints `amount` of the asset to `account`, which approves the fund for all of it.
    pub(crate) fn fund_account(&self, account: Address, amount: U256) {
        self.token.sender(self.admin).mint(account, amount).expect("fund_account: mint");
        self.token
            .sender(account)
            .approve(self.fund.address(), U256::MAX)
            .expect("fund_account: approve");
    }

    /// `staker` deposits `assets` (minted to it first) into `tranche`; returns the shares.
    pub(crate) fn stake(&self, staker: Address, tranche: u8, assets: U256) -> U256 {
        self.fund_account(staker, assets);
        self.fund.sender(staker).deposit(tranche, assets, staker).expect("stake: deposit")
    }

    /// `staker` requests all its `tranche` shares; returns `(unlockAt, expiresAt)`.
    pub(crate) fn request_all(&self, staker: Address, tranche: u8) -> (u64, u64) {
        let shares = self.balance_of(tranche, staker);
        self.fund.sender(staker).request_withdraw(tranche, shares).expect("request_all")
    }

    /// The market pays `amount` (minted to it first) to the fund as income of `ETH`.
    pub(crate) fn income(&self, amount: U256) {
        self.token.sender(self.admin).mint(self.market.address(), amount).expect("income: mint");
        self.market.sender(self.admin).pay_income(ETH, amount).expect("income: pay");
    }

    /// The market claims cover of a trader default of `amount`; returns the covered part.
    pub(crate) fn cover(&self, amount: U256) -> U256 {
        self.market.sender(self.admin).cover(0, ETH, amount).expect("cover")
    }

    /// The asset balance of `account`.
    pub(crate) fn token_balance(&self, account: Address) -> U256 {
        self.token.sender(self.admin).balance_of(account)
    }

    /// The fund's asset balance.
    pub(crate) fn fund_balance(&self) -> U256 {
        self.token_balance(self.fund.address())
    }

    /// `totalAssets(tranche)`.
    pub(crate) fn assets(&self, tranche: u8) -> U256 {
        self.fund.sender(self.admin).total_assets(tranche).expect("assets: a valid tranche")
    }

    /// `totalSupply(tranche)`.
    pub(crate) fn supply(&self, tranche: u8) -> U256 {
        self.fund.sender(self.admin).total_supply(tranche).expect("supply: a valid tranche")
    }

    /// `balanceOf(tranche, owner)`.
    pub(crate) fn balance_of(&self, tranche: u8, owner: Address) -> U256 {
        self.fund.sender(self.admin).balance_of(tranche, owner).expect("balance_of: valid")
    }

    /// Everything a call on `tranche` for `owner` could change.
    pub(crate) fn snapshot(&self, tranche: u8, owner: Address) -> Snapshot {
        Snapshot {
            assets: self.assets(tranche),
            supply: self.supply(tranche),
            balance: self.balance_of(tranche, owner),
            request: self
                .fund
                .sender(self.admin)
                .withdraw_request(tranche, owner)
                .expect("snapshot: valid"),
            fund_balance: self.fund_balance(),
        }
    }

    /// Sets governance `key` to `value` through the timelock: queue, wait the delay,
    /// execute; then the clock goes back to where it was, so the fund's timeline is kept.
    pub(crate) fn govern(&self, key: B256, value: U256) {
        let start = clock::offset();
        self.gov.sender(self.admin).queue(key, value).expect("govern: queue");
        at(start + DELAY);
        self.gov.sender(self.admin).execute(key).expect("govern: execute");
        at(start);
    }
}

/// The revert data of `error`, as the fund encodes it (what a mock caller sees).
pub(crate) fn revert_data(error: Error) -> Vec<u8> {
    error.into()
}

/// `lossRecord` and `lossAbsorbed` of `id` together, in the order of the `LossCovered`
/// event: `(kind, marketId, requested, absorbed, residual, timestamp)`.
#[allow(clippy::type_complexity, reason = "the fields of one loss, as the event has them")]
pub(crate) fn loss(
    fund: &Contract<InsuranceFund>,
    id: U256,
) -> Result<(u8, B256, U256, Vec<U256>, U256, u64), Error> {
    let reader = Address::repeat_byte(0x1f);
    let (kind, market_id, requested, residual, timestamp) = fund.sender(reader).loss_record(id)?;
    let absorbed = fund.sender(reader).loss_absorbed(id)?;
    Ok((kind, market_id, requested, absorbed, residual, timestamp))
}
