//! A proptest state machine over the fund: random sequences of deposits, mints, exit
//! requests, withdrawals, redemptions, time, income and loss covers by three stakers in
//! three tranches, with the real governance. `PROPTEST_CASES` sets the number of sequences
//! (256 by default).
//!
//! After every step:
//! 1. the fund's token balance equals the sum of the tranches' assets, which equals what
//!    came in (deposits, income) less what went out (withdrawals, covers): no unit is
//!    created or lost;
//! 2. each tranche's share supply equals the sum of the stakers' balances;
//! 3. no staker can hold more than it put in, plus its share of income, minus its share of
//!    losses: `withdrawn + value <= deposited + income share - loss share + tolerance`,
//!    where a staker's share of an income or a loss of a tranche is its fraction of the
//!    tranche's shares, virtual shares included, at that moment (kept exactly, in units of
//!    `1e-18`), its value is `previewRedeem` of its balances, and the tolerance is the
//!    rounding that other stakers' operations leave in a tranche (always in the tranche's
//!    favour): at most one share's worth plus one unit per deposit, mint, withdrawal or
//!    redemption;
//! 4. the stakers' value together never exceeds the tranches' assets.
//!
//! Each operation's result is checked against its preview, and an operation that the fund
//! must refuse (a zero amount, an exit outside the window) is checked for its exact error
//! and for leaving the state unchanged.

use alloy_primitives::{Address, U256};
use mutual_insurance::{
    tranche_key, Error, InsuranceExceededMaxRedeem, InsuranceExceededMaxWithdraw,
    InsuranceZeroAmount, CAP_WAD, JUNIOR, MIN_BALANCE, VIRTUAL_SHARES,
};
use proptest::prelude::*;

use crate::world::{at, loss, pct, u, Setup, World, DAY, ETH, SENIOR, T0, TENOR, WINDOW};

/// How many stakers play.
const STAKERS: usize = 3;
/// How many tranches the fund has.
const TRANCHES: u8 = 3;
/// The scale of the exact income and loss shares: `1e18` per asset unit.
const SCALE: U256 = U256::from_limbs([1_000_000_000_000_000_000, 0, 0, 0]);

/// One step of a sequence. Amounts of the exit steps are fractions (per mille) of what the
/// fund allows at the time, so most steps are valid; a zero fraction asks for a refusal.
#[derive(Clone, Debug)]
enum Op {
    Deposit {
        staker: usize,
        tranche: u8,
        assets: u64,
    },
    Mint {
        staker: usize,
        tranche: u8,
        shares: u64,
    },
    Request {
        staker: usize,
        tranche: u8,
        per_mille: u16,
    },
    Withdraw {
        staker: usize,
        tranche: u8,
        per_mille: u16,
    },
    Redeem {
        staker: usize,
        tranche: u8,
        per_mille: u16,
    },
    Warp {
        seconds: u64,
    },
    /// Moves time to the unlock of one of the requests ahead (picked by `staker` and
    /// `tranche`) plus `into_window` seconds (`WINDOW + 1`: just past its window).
    WarpToUnlock {
        staker: usize,
        tranche: u8,
        into_window: u64,
    },
    Income {
        amount: u64,
    },
    Cover {
        by_vault: bool,
        amount: u64,
    },
}

/// Asset amounts: zero now and then, small ones (rounding), and large ones.
fn amount() -> impl Strategy<Value = u64> {
    prop_oneof![1 => Just(0u64), 3 => 1u64..=1_000, 6 => 1u64..=2_000_000_000_000]
}

fn op() -> impl Strategy<Value = Op> {
    let staker = 0..STAKERS;
    let tranche = 0..TRANCHES;
    let per_mille = prop_oneof![1 => Just(0u16), 2 => Just(1_000u16), 7 => 1u16..=1_000];
    let warp = prop_oneof![
        Just(3_600u64),
        Just(DAY),
        Just(WINDOW),
        Just(10 * DAY),
        Just(TENOR),
        Just(TENOR + WINDOW + 1),
    ];
    // Mostly inside the window; its first and last seconds, and the one after it.
    let into_window =
        prop_oneof![1 => Just(0), 1 => Just(WINDOW), 1 => Just(WINDOW + 1), 5 => 0..=WINDOW];
    prop_oneof![
        4 => (staker.clone(), tranche.clone(), amount())
            .prop_map(|(staker, tranche, assets)| Op::Deposit { staker, tranche, assets }),
        1 => (staker.clone(), tranche.clone(), 1u64..=4_000_000_000_000_000_000)
            .prop_map(|(staker, tranche, shares)| Op::Mint { staker, tranche, shares }),
        4 => (staker.clone(), tranche.clone(), per_mille.clone())
            .prop_map(|(staker, tranche, per_mille)| Op::Request { staker, tranche, per_mille }),
        3 => (staker.clone(), tranche.clone(), per_mille.clone())
            .prop_map(|(staker, tranche, per_mille)| Op::Withdraw { staker, tranche, per_mille }),
        3 => (staker, tranche, per_mille)
            .prop_map(|(staker, tranche, per_mille)| Op::Redeem { staker, tranche, per_mille }),
        1 => warp.prop_map(|seconds| Op::Warp { seconds }),
        4 => (0..STAKERS, 0..TRANCHES, into_window).prop_map(|(staker, tranche, into_window)| {
            Op::WarpToUnlock { staker, tranche, into_window }
        }),
        2 => (1u64..=300_000_000_000).prop_map(|amount| Op::Income { amount }),
        2 => (any::<bool>(), 1u64..=3_000_000_000_000)
            .prop_map(|(by_vault, amount)| Op::Cover { by_vault, amount }),
    ]
}

/// What the test knows independently of the fund.
#[derive(Default)]
struct Model {
    /// What each staker paid in.
    deposited: [U256; STAKERS],
    /// What each staker received.
    withdrawn: [U256; STAKERS],
    /// Each staker's exact share of income, in `1e-18` units, rounded up.
    credit: [U256; STAKERS],
    /// Each staker's exact share of losses, in `1e-18` units, rounded down.
    debit: [U256; STAKERS],
    /// Everything that came into the fund: deposits and income.
    total_in: U256,
    /// Everything that left: withdrawals and covers.
    total_out: U256,
    /// The rounding other stakers' operations may have left to a staker, in units.
    tolerance: U256,
    /// The time offset from `T0`.
    now: u64,
}

/// The sequence runner.
struct Machine {
    world: World,
    stakers: [Address; STAKERS],
    model: Model,
}

impl Machine {
    fn new() -> Self {
        // Caps and floors that bind: junior 60% per event; senior 50% above 1_000 units;
        // tranche 2 everything.
        let world = Setup::new(TRANCHES)
            .with(tranche_key(JUNIOR, CAP_WAD), pct(60))
            .with(tranche_key(SENIOR, CAP_WAD), pct(50))
            .with(tranche_key(SENIOR, MIN_BALANCE), u(1_000))
            .deploy();
        let stakers =
            [Address::repeat_byte(0xa1), Address::repeat_byte(0xb2), Address::repeat_byte(0xc3)];
        Machine { world, stakers, model: Model::default() }
    }

    /// `(shares of each staker, supply + virtual shares)` of `tranche`.
    fn holdings(&self, tranche: u8) -> ([U256; STAKERS], U256) {
        let shares = self.stakers.map(|s| self.world.balance_of(tranche, s));
        (shares, self.world.supply(tranche) + VIRTUAL_SHARES)
    }

    /// Books `amounts[t]` of income (`credit`) or loss (not) per tranche to the stakers
    /// pro rata to `holdings` taken before the event.
    fn book(&mut self, holdings: &[([U256; STAKERS], U256)], amounts: &[U256], credit: bool) {
        for ((shares, total), amount) in holdings.iter().zip(amounts) {
            for (s, held) in shares.iter().enumerate() {
                let exact = *amount * *held * SCALE;
                if credit {
                    self.model.credit[s] += exact.div_ceil(*total);
                } else {
                    self.model.debit[s] += exact / *total;
                }
            }
        }
    }

    fn run(&mut self, op: &Op) {
        let world = &self.world;
        match *op {
            Op::Deposit { staker, tranche, assets } => {
                let who = self.stakers[staker];
                let assets = u(assets);
                world.fund_account(who, assets);
                if assets.is_zero() {
                    self.refused(
                        who,
                        tranche,
                        |w| w.fund.sender(who).deposit(tranche, assets, who),
                        zero(),
                    );
                    return;
                }
                self.model.tolerance += tolerance(world, tranche);
                let preview = world.fund.sender(who).preview_deposit(tranche, assets).unwrap();
                assert_eq!(world.fund.sender(who).deposit(tranche, assets, who), Ok(preview));
                self.model.deposited[staker] += assets;
                self.model.total_in += assets;
            }
            Op::Mint { staker, tranche, shares } => {
                let who = self.stakers[staker];
                let shares = u(shares);
                let cost = world.fund.sender(who).preview_mint(tranche, shares).unwrap();
                world.fund_account(who, cost);
                self.model.tolerance += tolerance(world, tranche);
                assert_eq!(world.fund.sender(who).mint(tranche, shares, who), Ok(cost));
                self.model.deposited[staker] += cost;
                self.model.total_in += cost;
            }
            Op::Request { staker, tranche, per_mille } => {
                let (staker, tranche) = self.holding(staker, tranche);
                let who = self.stakers[staker];
                let shares = world.balance_of(tranche, who) * u(per_mille.into()) / u(1_000);
                if shares.is_zero() {
                    self.refused(
                        who,
                        tranche,
                        |w| {
                            w.fund.sender(who).request_withdraw(tranche, shares).map(|_| U256::ZERO)
                        },
                        zero(),
                    );
                    return;
                }
                let (unlock, expires) =
                    world.fund.sender(who).request_withdraw(tranche, shares).unwrap();
                assert_eq!(expires - unlock, WINDOW);
            }
            Op::Withdraw { staker, tranche, per_mille } => {
                let (staker, tranche) = self.matured(staker, tranche);
                let who = self.stakers[staker];
                let max = world.fund.sender(who).max_withdraw(tranche, who);
                let assets = max * u(per_mille.into()) / u(1_000);
                if max.is_zero() {
                    let error = Error::ExceededMaxWithdraw(InsuranceExceededMaxWithdraw {
                        tranche,
                        owner: who,
                        assets: u(1),
                        max,
                    });
                    self.refused(
                        who,
                        tranche,
                        |w| w.fund.sender(who).withdraw(tranche, u(1), who, who),
                        error,
                    );
                    return;
                }
                if assets.is_zero() {
                    self.refused(
                        who,
                        tranche,
                        |w| w.fund.sender(who).withdraw(tranche, assets, who, who),
                        zero(),
                    );
                    return;
                }
                self.model.tolerance += tolerance(world, tranche);
                let preview = world.fund.sender(who).preview_withdraw(tranche, assets).unwrap();
                let received = world.token_balance(who);
                assert_eq!(world.fund.sender(who).withdraw(tranche, assets, who, who), Ok(preview));
                assert_eq!(world.token_balance(who) - received, assets);
                self.model.withdrawn[staker] += assets;
                self.model.total_out += assets;
            }
            Op::Redeem { staker, tranche, per_mille } => {
                let (staker, tranche) = self.matured(staker, tranche);
                let who = self.stakers[staker];
                let max = world.fund.sender(who).max_redeem(tranche, who);
                let shares = max * u(per_mille.into()) / u(1_000);
                if max.is_zero() {
                    let error = Error::ExceededMaxRedeem(InsuranceExceededMaxRedeem {
                        tranche,
                        owner: who,
                        shares: u(1),
                        max,
                    });
                    self.refused(
                        who,
                        tranche,
                        |w| w.fund.sender(who).redeem(tranche, u(1), who, who),
                        error,
                    );
                    return;
                }
                if shares.is_zero() {
                    self.refused(
                        who,
                        tranche,
                        |w| w.fund.sender(who).redeem(tranche, shares, who, who),
                        zero(),
                    );
                    return;
                }
                self.model.tolerance += tolerance(world, tranche);
                let preview = world.fund.sender(who).preview_redeem(tranche, shares).unwrap();
                assert_eq!(world.fund.sender(who).redeem(tranche, shares, who, who), Ok(preview));
                self.model.withdrawn[staker] += preview;
                self.model.total_out += preview;
            }
            Op::Warp { seconds } => {
                self.model.now += seconds;
                at(self.model.now);
            }
            Op::WarpToUnlock { staker, tranche, into_window } => {
                // One of the requests still ahead, chosen by (staker, tranche).
                let ahead: Vec<u64> = Self::positions()
                    .filter_map(|(s, t)| {
                        let who = self.stakers[s];
                        let (_, unlock, _) =
                            world.fund.sender(who).withdraw_request(t, who).ok()?;
                        (unlock != 0 && unlock - T0 > self.model.now).then(|| unlock - T0)
                    })
                    .collect();
                if !ahead.is_empty() {
                    let target = ahead
                        [(staker * usize::from(TRANCHES) + usize::from(tranche)) % ahead.len()]
                        + into_window;
                    self.model.now = target;
                    at(target);
                }
            }
            Op::Income { amount } => {
                let holdings: Vec<_> = (0..TRANCHES).map(|t| self.holdings(t)).collect();
                let before: Vec<U256> = (0..TRANCHES).map(|t| world.assets(t)).collect();
                world.income(u(amount));
                let split: Vec<U256> =
                    (0..TRANCHES).map(|t| world.assets(t) - before[usize::from(t)]).collect();
                assert_eq!(split.iter().copied().sum::<U256>(), u(amount));
                self.book(&holdings, &split, true);
                self.model.total_in += u(amount);
            }
            Op::Cover { by_vault, amount } => {
                let holdings: Vec<_> = (0..TRANCHES).map(|t| self.holdings(t)).collect();
                let before: Vec<U256> = (0..TRANCHES).map(|t| world.assets(t)).collect();
                let caller = if by_vault { &world.vault } else { &world.market };
                let covered =
                    caller.sender(world.admin).cover(u8::from(by_vault), ETH, u(amount)).unwrap();
                let taken: Vec<U256> =
                    (0..TRANCHES).map(|t| before[usize::from(t)] - world.assets(t)).collect();
                assert_eq!(taken.iter().copied().sum::<U256>(), covered);
                assert!(covered <= u(amount));
                let id = world.fund.sender(world.admin).loss_count();
                let record = loss(&world.fund, id).unwrap();
                assert_eq!(
                    (record.2, record.3.clone(), record.4),
                    (u(amount), taken.clone(), u(amount) - covered)
                );
                self.book(&holdings, &taken, false);
                self.model.total_out += covered;
            }
        }
    }

    /// Every `(staker, tranche)`.
    fn positions() -> impl Iterator<Item = (usize, u8)> {
        (0..STAKERS).flat_map(|s| (0..TRANCHES).map(move |t| (s, t)))
    }

    /// A position that can exit now, chosen by `(staker, tranche)`; that position itself
    /// if none can (its exit must then be refused).
    fn matured(&self, staker: usize, tranche: u8) -> (usize, u8) {
        let world = &self.world;
        Self::pick(staker, tranche, |s, t| {
            !world.fund.sender(world.admin).max_redeem(t, self.stakers[s]).is_zero()
        })
    }

    /// A position with shares, chosen by `(staker, tranche)`; that position itself if
    /// nobody has shares.
    fn holding(&self, staker: usize, tranche: u8) -> (usize, u8) {
        Self::pick(staker, tranche, |s, t| !self.world.balance_of(t, self.stakers[s]).is_zero())
    }

    /// The positions that satisfy `keep`, one chosen by `(staker, tranche)`; that position
    /// itself if none does.
    fn pick(staker: usize, tranche: u8, keep: impl Fn(usize, u8) -> bool) -> (usize, u8) {
        let kept: Vec<(usize, u8)> = Self::positions().filter(|&(s, t)| keep(s, t)).collect();
        if kept.is_empty() {
            return (staker, tranche);
        }
        kept[(staker * usize::from(TRANCHES) + usize::from(tranche)) % kept.len()]
    }

    /// Runs `call`, which the fund must refuse with `expected`, and checks that nothing
    /// changed.
    fn refused(
        &self,
        who: Address,
        tranche: u8,
        call: impl FnOnce(&World) -> Result<U256, Error>,
        expected: Error,
    ) {
        let before = self.world.snapshot(tranche, who);
        assert_eq!(call(&self.world), Err(expected));
        assert_eq!(self.world.snapshot(tranche, who), before);
    }

    /// The invariants of the module docs.
    fn check(&self) {
        let world = &self.world;
        let assets: Vec<U256> = (0..TRANCHES).map(|t| world.assets(t)).collect();
        let total: U256 = assets.iter().copied().sum();
        // 1. Conservation.
        assert_eq!(world.fund_balance(), total, "fund balance vs tranche assets");
        assert_eq!(total + self.model.total_out, self.model.total_in, "in vs out");
        assert_eq!(world.fund.sender(world.admin).fund_assets(), total);
        // 2. Shares.
        let mut value = [U256::ZERO; STAKERS];
        let mut all_value = U256::ZERO;
        for t in 0..TRANCHES {
            let (shares, _) = self.holdings(t);
            assert_eq!(shares.iter().copied().sum::<U256>(), world.supply(t), "supply of {t}");
            let mut tranche_value = U256::ZERO;
            for s in 0..STAKERS {
                let v = world.fund.sender(world.admin).preview_redeem(t, shares[s]).unwrap();
                value[s] += v;
                tranche_value += v;
            }
            // 4. Real shares never claim more than the tranche holds.
            assert!(tranche_value <= assets[usize::from(t)], "tranche {t} value");
            all_value += tranche_value;
        }
        assert!(all_value <= total);
        // 3. No staker beyond its deposits, income share and loss share.
        let m = &self.model;
        for (s, value) in value.iter().enumerate() {
            let holds = (m.withdrawn[s] + *value) * SCALE + m.debit[s];
            let bound = (m.deposited[s] + m.tolerance) * SCALE + m.credit[s];
            assert!(
                holds <= bound,
                "staker {s}: withdrawn {} + value {value} (+ losses {}) > deposited {} \
                 + income {} + tolerance {}",
                m.withdrawn[s],
                m.debit[s] / SCALE,
                m.deposited[s],
                m.credit[s] / SCALE,
                m.tolerance
            );
        }
    }
}

/// What other stakers' operation on `tranche` may leave to a staker: one share's worth
/// (rounded up) plus one unit.
fn tolerance(world: &World, tranche: u8) -> U256 {
    world.fund.sender(world.admin).preview_mint(tranche, u(1)).expect("tolerance: valid") + u(1)
}

/// `InsuranceZeroAmount()`.
fn zero() -> Error {
    Error::ZeroAmount(InsuranceZeroAmount {})
}

proptest! {
    // PROPTEST_CASES overrides the number of cases (proptest reads it); 256 by default.
    #![proptest_config(ProptestConfig { max_shrink_iters: 256, ..ProptestConfig::default() })]

    #[test]
    fn random_sequences_keep_the_fund_whole(ops in prop::collection::vec(op(), 1..40)) {
        let mut machine = Machine::new();
        for op in &ops {
            machine.run(op);
            machine.check();
        }
    }
}
