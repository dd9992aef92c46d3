//! The ERC-4626 conformance suite, as proptest properties over random pools.
//!
//! The properties of the public suites (a16z's `erc4626-tests` and OpenZeppelin's
//! ERC-4626 tests), ported as properties rather than code, to a vault whose exits are
//! ERC-7540 requests (a claim is a `withdraw` or `redeem` of a matured request):
//!
//! 1. `asset` and `totalAssets` never revert, and `totalAssets` is the NAV: cash plus the
//!    market's receivable minus its marked liability, floored at 0 (the last good mark
//!    with its buffer when the market's view fails); a donation does not move it.
//! 2. `convertToShares`/`convertToAssets` are the same for every caller, take no fee, and
//!    round down (checked against a 512-bit reference).
//! 3. `max*` never revert, return `type(uint256).max` when unlimited and 0 when blocked,
//!    and never exceed what succeeds: the max succeeds, one more is refused with the
//!    standard error.
//! 4. Previews against execution with several users and random positive and negative NAV
//!    moves between the operations: `previewDeposit <= minted`, `previewMint >= taken`,
//!    `previewWithdraw >= burned`, `previewRedeem <= paid` (here all four are equal, the
//!    strongest form).
//! 5. State changes and allowances of `deposit`/`mint`/`withdraw`/`redeem` by the owner and
//!    by an approved third party, exactly; an unapproved third party is refused and
//!    changes nothing.
//! 6. Round trips are never profitable, in any order (the eight of a16z's suite, on the
//!    previews of one state), and an executed deposit-request-redeem gets at most what it
//!    paid.
//! 7. `Deposit`, `Withdraw` and `Transfer` events, exactly.
//!
//! The donation attack is in `inflation.rs`. Each property runs 256 cases by default;
//! `PROPTEST_CASES=10000` is the long mode (see `main.rs`).

use alloy_primitives::{Address, U256, U512};
use mutual_vault::{
    Deposit, ERC20InsufficientAllowance, ERC4626ExceededMaxDeposit, ERC4626ExceededMaxMint,
    ERC4626ExceededMaxRedeem, ERC4626ExceededMaxWithdraw, Error, Transfer, VaultInsolvent,
    VaultZeroAssets, VaultZeroShares, Withdraw, DEPOSIT_CAP_KEY, VIRTUAL_SHARES,
};
use proptest::prelude::*;

use crate::world::{pct, u, Setup, World, DELAY, HOLD};

/// The LPs of every pool.
const LPS: [Address; 3] =
    [Address::repeat_byte(0xa1), Address::repeat_byte(0xb2), Address::repeat_byte(0xc3)];
/// A third party: approved by the LPs in some properties, never in others.
const SPENDER: Address = Address::repeat_byte(0xd4);

/// A random pool: what each LP deposited and requested, then the market's flows and mark.
#[derive(Clone, Debug)]
struct Pool {
    /// Each LP's deposit, in asset units (0: none).
    deposits: [u64; 3],
    /// The per mille of each LP's shares requested, all matured when the pool is built.
    requested: [u16; 3],
    /// A premium booked by the market after the requests, in asset units.
    premium: u64,
    /// A donation sent straight to the vault (not the pool's), in asset units.
    donation: u64,
    /// The mark: liability, receivable (per mille of the deposits) and required
    /// collateral (per mille of the cash). A liability above 1000 per mille can put the
    /// pool below zero.
    mark: (u32, u32, u32),
    /// The deposit cap, in asset units (`None`: unlimited).
    cap: Option<u64>,
}

/// An amount of assets from dust to ten billion USDC.
fn assets() -> impl Strategy<Value = u64> {
    prop_oneof![1u64..=1_000, 1u64..=1_000_000_000, 1u64..=10_000_000_000_000_000]
}

/// A pool: three LPs (one may be absent), a premium, a donation, a mark, a cap.
fn pool() -> impl Strategy<Value = Pool> {
    (
        (prop_oneof![1 => Just(0u64), 4 => assets()], assets(), assets()),
        [0u16..=1_000, 0u16..=1_000, 0u16..=1_000],
        prop_oneof![Just(0u64), assets()],
        prop_oneof![3 => Just(0u64), 1 => assets()],
        (0u32..=1_200, 0u32..=1_000, 0u32..=1_200),
        prop_oneof![3 => Just(None), 1 => assets().prop_map(Some)],
    )
        .prop_map(|((a, b, c), requested, premium, donation, mark, cap)| Pool {
            deposits: [a, b, c],
            requested,
            premium,
            donation,
            mark,
            cap,
        })
}

/// A NAV move: the liability and receivable per mille of their current value plus a
/// fraction of the cash, so marks go up and down.
fn nav_move() -> impl Strategy<Value = (u32, u32)> {
    (0u32..=1_100, 0u32..=300)
}

/// `x * per_mille / 1000`, rounded down.
fn per_mille(x: U256, per_mille: u32) -> U256 {
    x * U256::from(per_mille) / U256::from(1_000)
}

/// A built pool: the world, and its mark (to move it later).
struct Built {
    world: World,
    /// `(liability, receivable, required)` as set.
    mark: (U256, U256, U256),
}

impl Built {
    /// Deploys a world and plays `pool` into it: deposits, the hold time, requests, the
    /// delay, the premium, the donation, the mark.
    fn new(pool: &Pool) -> Self {
        let setup = match pool.cap {
            Some(cap) => Setup::new().with(DEPOSIT_CAP_KEY, u(cap)),
            None => Setup::new(),
        };
        let world = setup.deploy();
        let mut shares = [U256::ZERO; 3];
        let mut deposited = U256::ZERO;
        for (i, &assets) in pool.deposits.iter().enumerate() {
            let room = world.vault.sender(LPS[i]).max_deposit(LPS[i]);
            let assets = u(assets).min(room);
            if !assets.is_zero() {
                shares[i] = world.deposit(LPS[i], assets);
                deposited += assets;
            }
        }
        mutual_contract_kit::clock::warp(HOLD);
        for (i, &pm) in pool.requested.iter().enumerate() {
            let requested = per_mille(shares[i], u32::from(pm));
            if !requested.is_zero() {
                world.request(LPS[i], requested);
            }
        }
        mutual_contract_kit::clock::warp(DELAY);
        if pool.premium > 0 {
            world.premium(u(pool.premium));
        }
        if pool.donation > 0 {
            world.token.sender(world.admin).mint(world.vault.address(), u(pool.donation)).unwrap();
        }
        let (l, r, q) = pool.mark;
        let mark = (per_mille(deposited, l), per_mille(deposited, r), per_mille(world.cash(), q));
        world.mark(mark.0, mark.1, mark.2);
        Built { world, mark }
    }

    /// Moves the NAV: the liability to `l` per mille of itself plus a tenth of the cash
    /// times `l / 1000`, the receivable by `r` per mille of the cash.
    fn move_nav(&mut self, (l, r): (u32, u32)) {
        let cash = self.world.cash();
        let (liability, receivable, required) = self.mark;
        let liability = per_mille(liability + cash / u(10), l);
        let receivable = receivable + per_mille(cash, r) / u(10);
        self.mark = (liability, receivable, required);
        self.world.mark(liability, receivable, required);
    }

    /// The vault's totals: `(totalAssets, totalSupply)`.
    fn totals(&self) -> (U256, U256) {
        let vault = self.world.vault.sender(self.world.admin);
        (vault.total_assets(), vault.total_supply())
    }
}

/// `a * b / d` in 512 bits, rounded down (`up` false) or up.
fn mul_div(a: U256, b: U256, d: U256, up: bool) -> U256 {
    let product = U512::from(a) * U512::from(b);
    let divisor = U512::from(d);
    let (quotient, remainder) = (product / divisor, product % divisor);
    let quotient = if up && !remainder.is_zero() { quotient + U512::from(1u8) } else { quotient };
    // Panics if the quotient does not fit: the inputs here keep it far below 2^256.
    U256::from(quotient)
}

/// The reference conversions at totals `(assets, supply)`.
fn to_shares(totals: (U256, U256), assets: U256, up: bool) -> U256 {
    mul_div(assets, totals.1 + VIRTUAL_SHARES, totals.0 + u(1), up)
}

/// As [`to_shares`], shares to assets.
fn to_assets(totals: (U256, U256), shares: U256, up: bool) -> U256 {
    mul_div(shares, totals.0 + u(1), totals.1 + VIRTUAL_SHARES, up)
}

/// The NAV the mark gives: `cash + receivable - liability`, floored at 0.
fn nav(cash: U256, (liability, receivable, _): (U256, U256, U256)) -> U256 {
    (cash + receivable).saturating_sub(liability)
}

proptest! {
    // PROPTEST_CASES overrides the number of cases (proptest reads it); 256 by default.
    #![proptest_config(ProptestConfig { max_shrink_iters: 256, ..ProptestConfig::default() })]

    /// 1. `asset` and `totalAssets` never revert and value the pool; a donation does not
    /// count; a failing market falls back to the last good mark plus its buffer.
    #[test]
    fn total_assets_is_the_nav_and_never_reverts(pool in pool()) {
        let built = Built::new(&pool);
        let world = &built.world;
        let vault = || world.vault.sender(world.admin);
        prop_assert_eq!(vault().asset(), world.token.address());
        let cash = world.cash();
        prop_assert_eq!(world.tokens(world.vault.address()), cash + u(pool.donation));
        prop_assert_eq!(vault().total_assets(), nav(cash, built.mark));
        // Recorded by a keeper, then the market fails: liability + 10%, rounded up.
        vault().sync_mark().unwrap();
        world.market.sender(world.admin).set_liability_reverts(true);
        let (liability, receivable, required) = built.mark;
        let buffered = liability + mul_div(liability, pct(10), crate::world::WAD, true);
        prop_assert_eq!(vault().total_assets(), nav(cash, (buffered, receivable, required)));
        prop_assert_eq!(vault().max_deposit(LPS[0]), U256::ZERO);
        prop_assert_eq!(vault().max_mint(LPS[0]), U256::ZERO);
    }

    /// 2. Conversions: caller-independent, fee-free, rounded down.
    #[test]
    fn conversions_are_caller_independent_and_round_down(
        pool in pool(),
        amount in prop_oneof![1u128..=1_000, 1u128..=u128::MAX],
        nav in nav_move(),
    ) {
        let mut built = Built::new(&pool);
        built.move_nav(nav);
        let world = &built.world;
        let totals = built.totals();
        let amount = U256::from(amount);
        for caller in [LPS[0], SPENDER, world.admin] {
            let vault = world.vault.sender(caller);
            prop_assert_eq!(vault.convert_to_shares(amount), Ok(to_shares(totals, amount, false)));
            prop_assert_eq!(vault.convert_to_assets(amount), Ok(to_assets(totals, amount, false)));
        }
        // No fee: converting back never gains, and loses at most the rounding of one share.
        let vault = world.vault.sender(SPENDER);
        let shares = vault.convert_to_shares(amount).unwrap();
        let back = vault.convert_to_assets(shares).unwrap();
        prop_assert!(back <= amount);
        prop_assert!(amount - back <= to_assets(totals, u(1), true), "{} -> {}", amount, back);
    }

    /// 3. `maxDeposit` and `maxMint`: unlimited or 0 as they should be; the max succeeds,
    /// one more is refused and changes nothing.
    #[test]
    fn max_deposit_and_max_mint_never_overstate(pool in pool(), by_deposit in any::<bool>()) {
        let built = Built::new(&pool);
        let world = &built.world;
        let lp = LPS[1];
        let vault = || world.vault.sender(lp);
        let (max_deposit, max_mint) = (vault().max_deposit(lp), vault().max_mint(lp));
        let (assets, supply) = built.totals();
        let insolvent = built.mark.0 > world.cash() + built.mark.1;
        match (insolvent, pool.cap) {
            (true, _) => {
                prop_assert_eq!((max_deposit, max_mint), (U256::ZERO, U256::ZERO));
                world.fund(lp, u(1));
                let deficit = built.mark.0 - world.cash() - built.mark.1;
                let refused = Err(Error::Insolvent(VaultInsolvent { deficit }));
                prop_assert_eq!(vault().deposit(u(1), lp), refused);
                return Ok(());
            }
            (false, None) => {
                prop_assert_eq!((max_deposit, max_mint), (U256::MAX, U256::MAX));
                return Ok(());
            }
            (false, Some(cap)) => {
                prop_assert_eq!(max_deposit, u(cap).saturating_sub(assets));
                prop_assert_eq!(max_mint, to_shares((assets, supply), max_deposit, false));
            }
        }
        if by_deposit {
            world.fund(lp, max_deposit + u(1));
            let before = world.snapshot(lp);
            prop_assert_eq!(
                vault().deposit(max_deposit + u(1), lp),
                Err(Error::ExceededMaxDeposit(ERC4626ExceededMaxDeposit {
                    receiver: lp,
                    assets: max_deposit + u(1),
                    max: max_deposit,
                }))
            );
            prop_assert_eq!(&world.snapshot(lp), &before);
            if max_deposit.is_zero() {
                return Ok(());
            }
            let expected = vault().preview_deposit(max_deposit).unwrap();
            let result = vault().deposit(max_deposit, lp);
            if expected.is_zero() {
                // Dust at the price: the only refusal of an amount within the max.
                let refused = Err(Error::ZeroShares(VaultZeroShares { assets: max_deposit }));
                prop_assert_eq!(result, refused);
            } else {
                prop_assert_eq!(result, Ok(expected));
            }
        } else {
            world.fund(lp, max_deposit + u(1));
            let before = world.snapshot(lp);
            prop_assert_eq!(
                vault().mint(max_mint + u(1), lp),
                Err(Error::ExceededMaxMint(ERC4626ExceededMaxMint {
                    receiver: lp,
                    shares: max_mint + u(1),
                    max: max_mint,
                }))
            );
            prop_assert_eq!(&world.snapshot(lp), &before);
            if max_mint.is_zero() {
                return Ok(());
            }
            let cost = vault().mint(max_mint, lp).unwrap();
            prop_assert!(cost <= max_deposit, "mint {} costs {} > {}", max_mint, cost, max_deposit);
        }
    }

    /// 3. `maxWithdraw` and `maxRedeem`: 0 without a claimable request; the max succeeds,
    /// one more is refused and changes nothing; never beyond the free cash.
    #[test]
    fn max_withdraw_and_max_redeem_never_overstate(pool in pool(), nav in nav_move()) {
        let mut built = Built::new(&pool);
        built.move_nav(nav);
        let world = &built.world;
        for (i, &lp) in LPS.iter().enumerate() {
            let vault = || world.vault.sender(lp);
            let claimable = vault().claimable_redeem_request(U256::ZERO, lp);
            let (max_withdraw, max_redeem) = (vault().max_withdraw(lp), vault().max_redeem(lp));
            let free = world.cash().saturating_sub(built.mark.2);
            prop_assert!(max_redeem <= claimable);
            prop_assert!(max_withdraw <= free);
            prop_assert!(max_withdraw <= to_assets(built.totals(), claimable, false));
            if claimable.is_zero() {
                prop_assert_eq!((max_withdraw, max_redeem), (U256::ZERO, U256::ZERO));
            }
            let before = world.snapshot(lp);
            prop_assert_eq!(
                vault().withdraw(max_withdraw + u(1), lp, lp),
                Err(Error::ExceededMaxWithdraw(ERC4626ExceededMaxWithdraw {
                    owner: lp,
                    assets: max_withdraw + u(1),
                    max: max_withdraw,
                }))
            );
            prop_assert_eq!(
                vault().redeem(max_redeem + u(1), lp, lp),
                Err(Error::ExceededMaxRedeem(ERC4626ExceededMaxRedeem {
                    owner: lp,
                    shares: max_redeem + u(1),
                    max: max_redeem,
                }))
            );
            prop_assert_eq!(&world.snapshot(lp), &before);
            // The first LP withdraws its max, the others redeem theirs.
            if i == 0 && !max_withdraw.is_zero() {
                let burned = vault().withdraw(max_withdraw, lp, lp).unwrap();
                prop_assert!(burned <= claimable);
                prop_assert_eq!(world.tokens(lp), before.tokens + max_withdraw);
            } else if !max_redeem.is_zero() {
                let paid = vault().redeem(max_redeem, lp, lp).unwrap();
                prop_assert!(paid <= free);
                prop_assert!(!paid.is_zero());
            }
        }
    }

    /// 4. Previews against execution, by several users, with NAV moves in between.
    #[test]
    fn previews_match_execution_across_nav_moves(
        pool in pool(),
        ops in prop::collection::vec((0usize..4, 0usize..3, assets(), nav_move()), 1..6),
    ) {
        let mut built = Built::new(&pool);
        for (kind, who, amount, nav) in ops {
            built.move_nav(nav);
            let world = &built.world;
            let lp = LPS[who];
            let vault = || world.vault.sender(lp);
            let amount = u(amount);
            let before = world.snapshot(lp);
            let (assets_before, supply_before) = built.totals();
            match kind {
                0 => {
                    world.fund(lp, amount);
                    let Ok(preview) = vault().preview_deposit(amount) else { continue };
                    if amount > vault().max_deposit(lp) || preview.is_zero() {
                        prop_assert!(vault().deposit(amount, lp).is_err());
                        continue;
                    }
                    let minted = vault().deposit(amount, lp).unwrap();
                    prop_assert!(preview <= minted);
                    prop_assert_eq!(preview, minted);
                    prop_assert_eq!(world.shares(lp), before.balance + minted);
                    prop_assert_eq!(built.totals(), (assets_before + amount, supply_before + minted));
                }
                1 => {
                    let shares = amount * u(1_000_003);
                    let Ok(preview) = vault().preview_mint(shares) else { continue };
                    world.fund(lp, preview);
                    if shares > vault().max_mint(lp) {
                        prop_assert!(vault().mint(shares, lp).is_err());
                        continue;
                    }
                    let taken = vault().mint(shares, lp).unwrap();
                    prop_assert!(preview >= taken);
                    prop_assert_eq!(preview, taken);
                    prop_assert_eq!(world.tokens(lp), before.tokens);
                    prop_assert_eq!(built.totals(), (assets_before + taken, supply_before + shares));
                }
                2 => {
                    let assets = amount.min(vault().max_withdraw(lp));
                    if assets.is_zero() {
                        continue;
                    }
                    let preview = vault().preview_withdraw(assets).unwrap();
                    let burned = vault().withdraw(assets, lp, lp).unwrap();
                    prop_assert!(preview >= burned);
                    prop_assert_eq!(preview, burned);
                    prop_assert_eq!(world.tokens(lp), before.tokens + assets);
                    prop_assert_eq!(built.totals(), (assets_before - assets, supply_before - burned));
                }
                _ => {
                    let shares = (amount * u(999_983)).min(vault().max_redeem(lp));
                    if shares.is_zero() {
                        continue;
                    }
                    let preview = vault().preview_redeem(shares).unwrap();
                    let result = vault().redeem(shares, lp, lp);
                    if preview.is_zero() {
                        let refused = Err(Error::ZeroAssets(VaultZeroAssets { shares }));
                        prop_assert_eq!(result, refused);
                        prop_assert_eq!(&world.snapshot(lp), &before);
                        continue;
                    }
                    let paid = result.unwrap();
                    prop_assert!(preview <= paid);
                    prop_assert_eq!(preview, paid);
                    prop_assert_eq!(world.tokens(lp), before.tokens + paid);
                    prop_assert_eq!(built.totals(), (assets_before - paid, supply_before - shares));
                }
            }
        }
    }

    /// 5. State changes and allowances by an approved third party; an unapproved one is
    /// refused and changes nothing.
    #[test]
    fn third_parties_move_exactly_what_they_are_allowed(
        pool in pool(),
        amount in assets(),
        slack in 0u64..=1_000,
    ) {
        let built = Built::new(&pool);
        let world = &built.world;
        // Deposit and mint by the spender for an LP: the spender pays, the LP gets shares.
        let lp = LPS[2];
        let (assets_before, _) = built.totals();
        let open = world.vault.sender(SPENDER).max_deposit(lp) >= u(amount)
            && !world.vault.sender(SPENDER).preview_deposit(u(amount)).unwrap_or_default().is_zero();
        if open {
            world.fund(SPENDER, u(amount));
            let before = world.snapshot(lp);
            let minted = world.vault.sender(SPENDER).deposit(u(amount), lp).unwrap();
            prop_assert_eq!(world.shares(lp), before.balance + minted);
            prop_assert_eq!(world.shares(SPENDER), U256::ZERO);
            prop_assert_eq!(world.tokens(SPENDER), U256::ZERO);
            prop_assert_eq!(world.total_assets(), assets_before + u(amount));
            prop_assert_eq!(world.snapshot(lp).lock.0, before.lock.0 + minted);
        }
        // Claims: each LP with a claim is served by the spender under an allowance.
        for &lp in &LPS[..2] {
            let max_redeem = world.vault.sender(lp).max_redeem(lp);
            if max_redeem.is_zero() {
                continue;
            }
            // Unapproved: refused, nothing moves.
            let before = world.snapshot(lp);
            prop_assert_eq!(
                world.vault.sender(SPENDER).redeem(max_redeem, SPENDER, lp),
                Err(Error::InsufficientAllowance(ERC20InsufficientAllowance {
                    spender: SPENDER,
                    allowance: U256::ZERO,
                    needed: max_redeem,
                }))
            );
            prop_assert_eq!(&world.snapshot(lp), &before);
            // Approved for the shares plus some slack: the allowance falls by the shares.
            let allowance = max_redeem + u(slack);
            world.vault.sender(lp).approve(SPENDER, allowance).unwrap();
            let received = world.tokens(SPENDER);
            let expected = world.vault.sender(SPENDER).preview_redeem(max_redeem).unwrap();
            let paid = world.vault.sender(SPENDER).redeem(max_redeem, SPENDER, lp).unwrap();
            prop_assert_eq!(paid, expected);
            prop_assert_eq!(world.tokens(SPENDER), received + paid);
            prop_assert_eq!(world.vault.sender(lp).allowance(lp, SPENDER), u(slack));
            prop_assert_eq!(world.tokens(lp), before.tokens);
            prop_assert_eq!(world.vault.sender(lp).balance_of(world.vault.address()), before.escrow - max_redeem);
            // Withdraw under the slack: refused beyond it with the allowance's error.
            let max_withdraw = world.vault.sender(lp).max_withdraw(lp);
            if !max_withdraw.is_zero() {
                let burned = world.vault.sender(lp).preview_withdraw(max_withdraw).unwrap();
                if burned > u(slack) {
                    let before = world.snapshot(lp);
                    prop_assert_eq!(
                        world.vault.sender(SPENDER).withdraw(max_withdraw, SPENDER, lp),
                        Err(Error::InsufficientAllowance(ERC20InsufficientAllowance {
                            spender: SPENDER,
                            allowance: u(slack),
                            needed: burned,
                        }))
                    );
                    prop_assert_eq!(&world.snapshot(lp), &before);
                }
            }
        }
    }

    /// 6. Round trips are never profitable, in any order.
    #[test]
    fn round_trips_are_never_profitable(
        pool in pool(),
        amount in prop_oneof![1u128..=1_000, 1u128..=1_000_000_000_000_000_000_000],
        nav in nav_move(),
    ) {
        let mut built = Built::new(&pool);
        built.move_nav(nav);
        let world = &built.world;
        if world.vault.sender(SPENDER).max_deposit(SPENDER).is_zero() {
            return Ok(()); // previews of entries need an open vault
        }
        let vault = || world.vault.sender(SPENDER);
        let x = U256::from(amount);
        let (deposit, mint) = (vault().preview_deposit(x).unwrap(), vault().preview_mint(x).unwrap());
        let (withdraw, redeem) = (vault().preview_withdraw(x).unwrap(), vault().preview_redeem(x).unwrap());
        // deposit x assets, then redeem the shares / withdraw x assets.
        prop_assert!(vault().preview_redeem(deposit).unwrap() <= x);
        prop_assert!(withdraw >= deposit);
        // mint x shares, then redeem them / withdraw what they cost.
        prop_assert!(redeem <= mint);
        prop_assert!(vault().preview_withdraw(mint).unwrap() >= x);
        // redeem x shares, then deposit the assets / mint x shares back.
        prop_assert!(vault().preview_deposit(redeem).unwrap() <= x);
        prop_assert!(mint >= redeem);
        // withdraw x assets, then deposit them / mint the shares back.
        prop_assert!(deposit <= withdraw);
        prop_assert!(vault().preview_mint(withdraw).unwrap() >= x);
    }

    /// 6 and 7. An executed round trip, deposit then request then redeem, gets at most
    /// what it paid, with the exact events.
    #[test]
    fn an_executed_round_trip_loses_and_logs_exactly(pool in pool(), amount in assets()) {
        let built = Built::new(&pool);
        let world = &built.world;
        let vault = || world.vault.sender(SPENDER);
        let amount = u(amount);
        if vault().max_deposit(SPENDER) < amount || vault().preview_deposit(amount).unwrap().is_zero() {
            return Ok(());
        }
        world.fund(SPENDER, amount);
        let shares = vault().deposit(amount, SPENDER).unwrap();
        world.vault.assert_emitted(&Deposit { sender: SPENDER, owner: SPENDER, assets: amount, shares });
        world.vault.assert_emitted(&Transfer { from: Address::ZERO, to: SPENDER, value: shares });
        mutual_contract_kit::clock::warp(HOLD);
        world.request(SPENDER, shares);
        world.vault.assert_emitted(&Transfer { from: SPENDER, to: world.vault.address(), value: shares });
        mutual_contract_kit::clock::warp(DELAY);
        let max = vault().max_redeem(SPENDER);
        if max.is_zero() {
            return Ok(()); // the claim pays nothing, or the free cash is locked
        }
        let paid = vault().redeem(max, LPS[0], SPENDER).unwrap();
        prop_assert!(paid <= amount, "deposit {} redeems {}", amount, paid);
        world.vault.assert_emitted(&Withdraw {
            sender: SPENDER,
            receiver: LPS[0],
            owner: SPENDER,
            assets: paid,
            shares: max,
        });
        world.vault.assert_emitted(&Transfer { from: world.vault.address(), to: Address::ZERO, value: max });
        // Nothing else was logged as a deposit of these shares to someone else.
        let elsewhere = Deposit { sender: SPENDER, owner: LPS[0], assets: amount, shares };
        prop_assert!(!world.vault.emitted(&elsewhere));
    }
}
