//! A proptest state machine over the whole protocol: random sequences of actions by three
//! traders, two LPs, two stakers, two writers (traders selling options to the pool on
//! margin) and a liquidation bot on a freshly deployed [`World`] (the real programs, mocks
//! only for the asset and the feeds). `PROPTEST_CASES` sets the number of sequences (64 by
//! default, so the default run stays short; `PROPTEST_CASES=200` is the long run).
//!
//! The actions: an LP's deposit, `requestRedeem` and redemption of its claimable request;
//! a staker's deposit into the junior or senior tranche, its withdrawal request and its
//! redemption; a trader's purchase (either strike of the fixture, calls or puts, a random
//! size) and sale of part of its position; a writer's short sale (`sellShort`: a side, a
//! size, and a margin of none, a few USDC, an ordinary or a large amount, possibly beyond
//! its balance, or what the sale needs give or take, read from a reverted trial sale; it
//! is refused when its proceeds exceed the vault's cash beyond the book's required
//! collateral), its close of part of a line (`closeShort`), a top-up (`addMargin`) and a
//! withdrawal of part of its free margin or beyond it (`removeMargin`); the bot's
//! liquidation of a writer (`liquidate`) and the settlement of a writer's account
//! (`settleAccount`); a price move (a new oracle round at -60%..+80% of the last price);
//! time passing (seconds to days, or a jump to the cut-off, the expiry, an LP's claimable
//! time or a staker's unlock, never past three days after the expiry); the settlement
//! (with the first round at or after the expiry, or a wrong one) and claims. Every round
//! is recorded, so the model knows the one settlement must take.
//!
//! Each action is first judged by the model: when the rules refuse it, it must return
//! `Err` with the error of the first rule it breaks; when they allow it, it must succeed,
//! with two exceptions the model cannot decide alone: a purchase refused by the pool-level
//! limits (the stress limit or the utilization cap, whose arguments are then checked), and
//! a short sale refused for its margin (`ShortBookInsufficientMargin`, with the collateral
//! it names checked to be the old one plus the margin and the proceeds, below what it
//! requires); for a margin read from a trial sale the model knows the requirement, so it
//! predicts that refusal too, to the unit. What the model cannot price itself (a premium,
//! a requirement, a liability, a liquidation's split, a line's dues) it reads from the
//! views just before the call (`quote`, `accountHealth`, `liquidationSplit`, `dues`), and
//! checks that the call used exactly those. The short book's calls that fail are reverted
//! (`motsu_res`: some of its refusals come after its writes, which motsu keeps otherwise).
//! After every step the whole observable state (the books, every actor's balance and
//! position, the vault's shares and requests, the fund's shares and requests, the board's
//! payout, each writer's account and lines, the short book's totals, reserve and
//! receivable) must equal the model's expectation: unchanged after a refusal, and after a
//! success changed exactly as the action says:
//!
//! 1. the vault's cash moves only by a deposit (`+assets`), a redemption (`-paid`), a
//!    purchase (`+premium + LP fee share`, the split rule of `World::expected_split`), a
//!    sale (`-(premium - LP fee share)`), a settlement (`-pulled`), a short sale
//!    (`-(premium - fees)`, paid into the writer's collateral), a close (`+premium + fees`
//!    from the collateral), a liquidation (the split's `toPool`, plus what the short book's
//!    reserve and the fund recover of a shortfall) and a writer's settlement (its dues as
//!    far as its collateral goes, plus the same recovery); any other step leaves it
//!    unchanged. The NAV moves by exactly the deposit or the redemption, and not at all by
//!    a top-up or a withdrawal of margin; with a fresh mark `World::check` ties it to the
//!    cash plus the short book's receivable less the book's liability (trades, shorts,
//!    prices and time move those); while the mark stays stale, time and prices leave it
//!    unchanged; once the board is settled it is the cash plus the receivable, which the
//!    model computes (each side still written at its dues, less one unit);
//! 2. the fund's tranches move only by stakers' deposits and redemptions, `notifyIncome`
//!    of a trade's fund share (split by the income weights), the cover of a settlement
//!    (junior first), which also records one loss, and the cover of a trader default
//!    (junior first, after the short book's reserve), which records one loss of kind 0
//!    whose figures are checked;
//! 3. `World::check`: every unit minted is held by a recorded account or a contract, the
//!    token's supply is the sum minted, each contract holds what it books (the short book
//!    its writers' collateral plus its reserve);
//! 4. open interest equals the sum of the traders' positions per strike and side (a short
//!    never moves it); the vault's share supply is the LPs' shares plus its escrow, which
//!    is the sum of the requests; each tranche's supply is the stakers' shares;
//! 5. the fund's exit terms follow the market's longest open tenor, and a staker's
//!    redeemable shares are its request's inside the window;
//! 6. the short book's total per side is the sum of the writers' lines, as the model books
//!    them; each account's line count and underlying follow its lines; an account writing
//!    nothing has no liability and no requirement; after a successful `sellShort` or
//!    `removeMargin` the writer covers its liability plus its initial margin; the bots'
//!    scan (`liquidatable`) lists exactly the unhealthy writers; while the mark is fresh
//!    the vault's receivable is the short book's.
//!
//! A purchase's fees are recomputed by the pure crate's rules: the trade prices its
//! utilization fee on the vault's NAV (`totalAssets`, the short book's receivable
//! included), and `OptionBook.quote` values the pool the same way (the vault's
//! `heldAssets`, its cash and the short book's receivable, less the book's liability), so
//! the quote's fees must equal the purchase's to the unit.
//!
//! At the end the sequence moves past the expiry, records a settlement round if none
//! exists, settles, and claims every position: every long is paid `amount x payoff`
//! rounded down, times `available / owed` if the board took a haircut, and the market
//! keeps exactly its reserve plus the rounding dust of the board: at most one unit per
//! position without a haircut (the writer's obligation of each line rounds up, each claim
//! down). With a haircut the pro-rata rounding adds less than one unit per position more
//! (`owed = 1000`, `available = 999`, two lines of `499.5` each: `999 - 2 x 498 = 3 > 2`),
//! so the bound there is below two units per position. Then the bot tries one liquidation
//! (after the settlement an account is liquidatable exactly when its collateral does not
//! pay its dues), every writer's account is settled and its collateral withdrawn: the
//! short book then holds exactly its reserve, no line is written, the receivable is zero
//! and the NAV is the cash.
//!
//! One refusal is never attempted: a sale the vault's cash cannot pay
//! (`MarketPoolCashShort`) fails after the book recorded the trade in the listings, and
//! motsu keeps a nested call's writes when the top-level call fails (a chain reverts
//! them), so the state could not be compared.

use alloy_primitives::{Address, B256, U256};
use alloy_sol_types::SolError;
use motsu::prelude::*;
use mutual_insurance::{
    InsuranceExceededMaxRedeem, InsuranceRequestExceedsBalance, InsuranceZeroAmount, JUNIOR, SENIOR,
};
use mutual_interfaces::keys::{
    SPREAD_CAP_KEY, SPREAD_FEE_KEY, UTIL_FEE_BASE_KEY, UTIL_FEE_KINK_KEY, UTIL_FEE_SLOPE_ABOVE_KEY,
    UTIL_FEE_SLOPE_BELOW_KEY,
};
use mutual_market::{
    MarketAlreadyClaimed, MarketAlreadySettled, MarketInsufficientPosition,
    MarketInvalidSettlementRound, MarketNotExpired, MarketNotSettled, MarketOpenInterestCap,
    MarketStalePrice, MarketStressLimitExceeded, MarketTradeTooSmall, MarketTradingClosed,
    MarketUnknownPosition, MarketUtilizationAboveCap, MarketZeroAmount,
};
use mutual_risk::trade::{
    fees_asset_up, utilization_fee_rate_wad_up, utilization_wad_up, FeeCurve, FeeSchedule,
};
use mutual_short_book::{
    Error as ShortError, ShortBookCollateralLocked, ShortBookHealthy,
    ShortBookInsufficientCollateral, ShortBookInsufficientMargin, ShortBookInsufficientShort,
    ShortBookNothingToSettle, ShortBookOpenInterestCap, ShortBookPoolCashShort,
    ShortBookSettleFirst, ShortBookTokenCallFailed, ShortBookTradeTooSmall, ShortBookTradingClosed,
    ShortBookZeroAmount,
};
use mutual_vault::{
    ERC20InsufficientBalance, ERC4626ExceededMaxRedeem, VaultInsolvent, VaultSharesLocked,
    VaultStaleMark, VaultZeroAmount, VaultZeroAssets, VaultZeroShares,
};
use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;

use crate::world::{
    loss, pct, set_time, u, usdc, wad, Books, World, CUTOFF, DAY, ETH, EXPIRY, HEARTBEAT, HOUR, T0,
    WAD,
};

/// How many traders play.
const TRADERS: usize = 3;
/// How many LPs play.
const LPS: usize = 2;
/// How many stakers play.
const STAKERS: usize = 2;
/// The traded lines: strike `k / 2` of the fixture, calls for even `k`, puts for odd.
const SIDES: usize = 4;
/// The last second a sequence reaches: three days after the expiry.
const END: u64 = EXPIRY + 3 * DAY;
/// The fixture's `vault.redeemDelay`.
const REDEEM_DELAY: u64 = 3 * DAY;
/// The fixture's `insurance.minCooldown`.
const MIN_COOLDOWN: u64 = 7 * DAY;
/// The fixture's `insurance.maxCooldown`.
const MAX_COOLDOWN: u64 = 90 * DAY;
/// The fixture's `insurance.withdrawWindow`.
const WITHDRAW_WINDOW: u64 = 2 * DAY;
/// What each trader is given at the start, USDC.
const TRADER_FUNDS: u64 = 100_000_000;
/// The default number of sequences.
const DEFAULT_CASES: u32 = 64;
/// How many writers (traders selling options to the pool on margin) play.
const WRITERS: usize = 2;
/// What each writer is given at the start, USDC, approved to the short book.
const WRITER_FUNDS: u64 = 2_000_000;
/// The fixture's `market.maxStrikeOiWad`, which also caps the options written per side.
const MAX_OI: u64 = 1_000;

/// A time to jump to (plus a small offset), if it lies ahead.
#[derive(Clone, Copy, Debug)]
enum Target {
    /// The last second of trading, `EXPIRY - CUTOFF - 1`.
    Cutoff,
    /// The second before the expiry.
    Expiry,
    /// The second before an LP's pending shares become claimable.
    Claimable(usize),
    /// The second before a staker's request of a tranche unlocks.
    Unlock(usize, u8),
}

/// Which recorded round a settlement names.
#[derive(Clone, Copy, Debug)]
enum Pick {
    /// The first round at or after the expiry (the latest if none is).
    First,
    /// The latest round.
    Latest,
    /// The round before the first one at or after the expiry.
    Before,
    /// The round after the first one at or after the expiry (the first if none follows).
    After,
}

/// The margin a short sale brings.
#[derive(Clone, Copy, Debug)]
enum Margin {
    /// A fixed amount, USDC (none, small, ordinary, or beyond the writer's balance).
    Usdc(u64),
    /// What the sale needs (read from a reverted trial sale) plus `extra` asset units:
    /// `-1` is one unit short, so a refusal the model predicts.
    Needed(i64),
}

/// One step of a sequence. Fractions are per mille of what the actor holds (or may take);
/// above 1000 asks for one unit more than allowed, so a refusal.
#[derive(Clone, Debug)]
enum Op {
    /// An LP deposits `usdc` USDC (minted to it first).
    Deposit { lp: usize, usdc: u64 },
    /// An LP requests the redemption of a fraction of its shares.
    RequestRedeem { lp: usize, per_mille: u16 },
    /// An LP redeems a fraction of its claimable shares.
    Redeem { lp: usize, per_mille: u16 },
    /// A staker deposits `usdc` USDC (minted first) into a tranche.
    Stake { staker: usize, tranche: u8, usdc: u64 },
    /// A staker requests to exit a fraction of its tranche shares.
    RequestWithdraw { staker: usize, tranche: u8, per_mille: u16 },
    /// A staker redeems a fraction of its redeemable tranche shares.
    Unstake { staker: usize, tranche: u8, per_mille: u16 },
    /// A trader buys `milli / 1000` options of a side.
    Buy { trader: usize, side: usize, milli: u64 },
    /// A trader sells a fraction of its position of a side.
    Sell { trader: usize, side: usize, per_mille: u16 },
    /// A new oracle round now, `percent` away from the last price.
    Price { percent: i64 },
    /// Time passes.
    Wait { seconds: u64 },
    /// Time jumps to a target plus `offset` seconds, if that lies ahead.
    Jump { to: Target, offset: u64 },
    /// A keeper settles the board at a picked round.
    Settle { pick: Pick },
    /// A trader's position of a side is claimed.
    Claim { trader: usize, side: usize },
    /// A writer sells `milli / 1000` options of a side to the pool, bringing `margin`.
    Short { writer: usize, side: usize, milli: u64, margin: Margin },
    /// A writer buys back a fraction of what it wrote of a side.
    Close { writer: usize, side: usize, per_mille: u16 },
    /// A writer adds `usdc` USDC to its collateral.
    AddMargin { writer: usize, usdc: u64 },
    /// A writer takes out a fraction of its free margin (the collateral above the
    /// liability plus the initial margin); `1001..=1050` asks one unit beyond the free
    /// margin, above that one unit beyond the collateral.
    RemoveMargin { writer: usize, per_mille: u16 },
    /// The bot liquidates a writer.
    Liquidate { writer: usize },
    /// The keeper settles a writer's account.
    SettleAccount { writer: usize },
}

/// A fraction per mille: none, all, some, or more than allowed.
fn per_mille() -> impl Strategy<Value = u16> {
    prop_oneof![1 => Just(0u16), 2 => Just(1_000u16), 6 => 1u16..=1_000, 1 => 1_001u16..=1_100]
}

/// One step.
fn op() -> impl Strategy<Value = Op> {
    let lp = 0..LPS;
    let staker = 0..STAKERS;
    let tranche = prop_oneof![Just(JUNIOR), Just(SENIOR)];
    let trader = 0..TRADERS;
    let side = 0..SIDES;
    let deposit = prop_oneof![1 => Just(0u64), 2 => 1u64..=1_000, 6 => 1_000u64..=500_000];
    let stake = prop_oneof![1 => Just(0u64), 2 => 1u64..=1_000, 6 => 1_000u64..=100_000];
    // None, below the 0.01 minimum, ordinary sizes, and sizes near the 1000 cap.
    let size = prop_oneof![
        1 => Just(0u64),
        1 => 1u64..10,
        10 => 10u64..=50_000,
        2 => 50_000u64..=500_000,
        1 => 900_000u64..=1_100_000,
    ];
    let wait = prop_oneof![3 => 1u64..=60, 3 => 60u64..=HOUR, 2 => HOUR..=DAY, 1 => DAY..=4 * DAY];
    let target = prop_oneof![
        1 => Just(Target::Cutoff),
        1 => Just(Target::Expiry),
        3 => (0..LPS).prop_map(Target::Claimable),
        3 => (0..STAKERS, prop_oneof![Just(JUNIOR), Just(SENIOR)])
            .prop_map(|(s, t)| Target::Unlock(s, t)),
    ];
    let offset = prop_oneof![Just(0u64), Just(1u64), Just(2u64), 0u64..=HOUR];
    let writer = 0..WRITERS;
    // Shorts: none, below the minimum, ordinary sizes, large ones and near the cap.
    let short_size = prop_oneof![
        1 => Just(0u64),
        1 => 1u64..10,
        10 => 10u64..=20_000,
        2 => 20_000u64..=200_000,
        1 => 900_000u64..=1_100_000,
    ];
    // None, small, ordinary, large (possibly beyond the writer's balance), or what the
    // sale needs give or take.
    let margin = prop_oneof![
        1 => Just(Margin::Usdc(0)),
        1 => (1u64..=1_000).prop_map(Margin::Usdc),
        2 => (1_000u64..=100_000).prop_map(Margin::Usdc),
        1 => (100_000u64..=2_500_000).prop_map(Margin::Usdc),
        4 => prop_oneof![Just(-1i64), Just(0i64), Just(1i64)].prop_map(Margin::Needed),
        3 => (0i64..=1_000_000_000).prop_map(Margin::Needed),
    ];
    let top_up = prop_oneof![
        1 => Just(0u64),
        6 => 1u64..=50_000,
        1 => 2_000_000u64..=3_000_000,
    ];
    let pick = prop_oneof![
        3 => Just(Pick::First),
        1 => Just(Pick::Latest),
        1 => Just(Pick::Before),
        1 => Just(Pick::After),
    ];
    prop_oneof![
        3 => (lp.clone(), deposit).prop_map(|(lp, usdc)| Op::Deposit { lp, usdc }),
        2 => (lp.clone(), per_mille())
            .prop_map(|(lp, per_mille)| Op::RequestRedeem { lp, per_mille }),
        2 => (lp, per_mille()).prop_map(|(lp, per_mille)| Op::Redeem { lp, per_mille }),
        2 => (staker.clone(), tranche.clone(), stake)
            .prop_map(|(staker, tranche, usdc)| Op::Stake { staker, tranche, usdc }),
        2 => (staker.clone(), tranche.clone(), per_mille()).prop_map(
            |(staker, tranche, per_mille)| Op::RequestWithdraw { staker, tranche, per_mille }
        ),
        2 => (staker, tranche, per_mille())
            .prop_map(|(staker, tranche, per_mille)| Op::Unstake { staker, tranche, per_mille }),
        7 => (trader.clone(), side.clone(), size)
            .prop_map(|(trader, side, milli)| Op::Buy { trader, side, milli }),
        3 => (trader.clone(), side.clone(), per_mille())
            .prop_map(|(trader, side, per_mille)| Op::Sell { trader, side, per_mille }),
        5 => (-60i64..=80).prop_map(|percent| Op::Price { percent }),
        3 => wait.prop_map(|seconds| Op::Wait { seconds }),
        3 => (target, offset).prop_map(|(to, offset)| Op::Jump { to, offset }),
        1 => pick.prop_map(|pick| Op::Settle { pick }),
        1 => (trader, side.clone()).prop_map(|(trader, side)| Op::Claim { trader, side }),
        8 => (writer.clone(), side.clone(), short_size, margin)
            .prop_map(|(writer, side, milli, margin)| Op::Short { writer, side, milli, margin }),
        2 => (writer.clone(), side, per_mille())
            .prop_map(|(writer, side, per_mille)| Op::Close { writer, side, per_mille }),
        1 => (writer.clone(), top_up).prop_map(|(writer, usdc)| Op::AddMargin { writer, usdc }),
        2 => (writer.clone(), per_mille())
            .prop_map(|(writer, per_mille)| Op::RemoveMargin { writer, per_mille }),
        4 => writer.clone().prop_map(|writer| Op::Liquidate { writer }),
        1 => writer.prop_map(|writer| Op::SettleAccount { writer }),
    ]
}

/// Everything observable the actions may touch.
#[derive(Clone, Debug, PartialEq, Eq)]
struct State {
    /// The books of `World::books`.
    books: Books,
    /// The asset balances: traders, LPs, stakers, the keeper, the writers, then the bot.
    balances: Vec<U256>,
    /// Each trader's `(amount, claimed)` per side (zeros when never opened).
    positions: [[(U256, bool); SIDES]; TRADERS],
    /// Each LP's vault shares.
    lp_shares: [U256; LPS],
    /// The vault's own shares: the escrow of the requests.
    escrow: U256,
    /// The vault's share supply.
    lp_supply: U256,
    /// Each LP's request: `(pending + claimable, claimableAt)`.
    requests: [(U256, u64); LPS],
    /// Each staker's shares per tranche.
    stakes: [[U256; 2]; STAKERS],
    /// Each tranche's share supply.
    stake_supply: [U256; 2],
    /// Each staker's exit request per tranche: `(shares, unlockAt, expiresAt)`.
    exits: [[(U256, u64, u64); 2]; STAKERS],
    /// The board's payout: `(owed, available)`.
    payout: (U256, U256),
    /// Whether the board is settled.
    settled: bool,
    /// Whether the vault's mark is fresh.
    fresh: bool,
    /// Each writer's margin account: `(marketId, collateral, lineCount)`.
    accounts: [(B256, U256, u64); WRITERS],
    /// Each writer's options written per side.
    written: [[U256; SIDES]; WRITERS],
    /// The options written per side over all accounts (what the pool holds).
    short_totals: [U256; SIDES],
    /// The short book's reserve.
    short_reserve: U256,
    /// How many accounts ever wrote an option.
    short_accounts: u64,
    /// The short book's receivable (`poolLiability().1`).
    receivable: U256,
}

/// One of `candidates`, chosen by `index`; `fallback` if there is none.
fn pick<T: Copy>(candidates: &[T], index: usize, fallback: T) -> T {
    if candidates.is_empty() {
        fallback
    } else {
        candidates[index % candidates.len()]
    }
}

/// Every `(staker, tranche)`.
fn exits() -> impl Iterator<Item = (usize, u8)> {
    (0..STAKERS).flat_map(|s| [JUNIOR, SENIOR].map(|t| (s, t)))
}

/// Every `(trader, side)`.
fn lines() -> impl Iterator<Item = (usize, usize)> {
    (0..TRADERS).flat_map(|t| (0..SIDES).map(move |s| (t, s)))
}

/// Every `(writer, side)`.
fn shorts() -> impl Iterator<Item = (usize, usize)> {
    (0..WRITERS).flat_map(|w| (0..SIDES).map(move |s| (w, s)))
}

/// What `amount` written of line `side` owes at `price` USD, asset units, rounded up
/// (`obligation_asset_up`, as the board's obligation of each line).
fn due(side: usize, price: u64, amount: U256) -> U256 {
    (intrinsic(side, price) * amount).div_ceil(U256::from(10u64).pow(u(30)))
}

/// The intrinsic value of line `side` at `price` USD, 18 decimals.
fn intrinsic(side: usize, price: u64) -> U256 {
    let strike = [2100u64, 1900][side / 2];
    let value =
        if side % 2 == 0 { price.saturating_sub(strike) } else { strike.saturating_sub(price) };
    wad(value)
}

/// The 4-byte selector of revert data.
fn selector(data: &[u8]) -> [u8; 4] {
    data[..4].try_into().expect("selector: revert data of an error")
}

/// The sequence runner and its model.
struct Machine {
    /// The deployed protocol.
    world: World,
    /// The traders, each given [`TRADER_FUNDS`] approved to the market.
    traders: [Address; TRADERS],
    /// The LPs.
    lps: [Address; LPS],
    /// The stakers.
    stakers: [Address; STAKERS],
    /// Who settles the board and earns the bounty.
    keeper: Address,
    /// The writers, each given [`WRITER_FUNDS`] approved to the short book.
    writers: [Address; WRITERS],
    /// Who liquidates writers and earns the bounties.
    bot: Address,
    /// The time now.
    now: u64,
    /// Every ETH round: `(updatedAt, price in USD)`, round id `index + 1`.
    rounds: Vec<(u64, u64)>,
    /// Each trader's position per side, as the model books it.
    held: [[U256; SIDES]; TRADERS],
    /// What each position's claim paid, once claimed.
    paid: [[Option<U256>; SIDES]; TRADERS],
    /// The settlement price in USD, once settled.
    settled_at: Option<u64>,
    /// When each LP last requested a redemption.
    requested_at: [Option<u64>; LPS],
    /// Sales not attempted because the vault's cash could not pay them.
    skipped: usize,
    /// Each writer's options written per side, as the model books them.
    written: [[U256; SIDES]; WRITERS],
    /// The writers in the order of their first short (the short book's account list).
    listed: Vec<usize>,
}

impl Machine {
    /// A fresh world: the traders funded, the LPs and stakers approved, nothing deposited.
    fn new() -> Self {
        let world = World::new();
        let traders = ["trader0", "trader1", "trader2"].map(Address::from_tag);
        let lps = ["lp0", "lp1"].map(Address::from_tag);
        let stakers = ["staker0", "staker1"].map(Address::from_tag);
        let keeper = Address::from_tag("keeper");
        for trader in traders {
            world.trader(trader, usdc(TRADER_FUNDS));
        }
        for lp in lps {
            world.hold(lp);
            world.token.sender(lp).approve(world.vault.address(), U256::MAX).expect("approve");
        }
        for staker in stakers {
            world.hold(staker);
            world.token.sender(staker).approve(world.fund.address(), U256::MAX).expect("approve");
        }
        world.hold(keeper);
        let writers = ["writer0", "writer1"].map(Address::from_tag);
        for writer in writers {
            world.writer(writer, usdc(WRITER_FUNDS));
        }
        let bot = Address::from_tag("bot");
        world.hold(bot);
        world.check();
        Machine {
            world,
            traders,
            lps,
            stakers,
            keeper,
            writers,
            bot,
            now: T0,
            rounds: vec![(T0, 2000)],
            held: [[U256::ZERO; SIDES]; TRADERS],
            paid: [[None; SIDES]; TRADERS],
            settled_at: None,
            requested_at: [None; LPS],
            skipped: 0,
            written: [[U256::ZERO; SIDES]; WRITERS],
            listed: Vec::new(),
        }
    }

    /// The strike id and side of line `side`.
    fn line(&self, side: usize) -> (u64, bool) {
        (self.world.strikes[side / 2], side % 2 == 0)
    }

    /// The index of an actor in [`State::balances`].
    fn account(&self, who: Address) -> usize {
        self.accounts().iter().position(|a| *a == who).expect("account: a player")
    }

    /// Every player: traders, LPs, stakers, the keeper, the writers, the bot.
    fn accounts(&self) -> Vec<Address> {
        let mut all = self.traders.to_vec();
        all.extend(self.lps);
        all.extend(self.stakers);
        all.push(self.keeper);
        all.extend(self.writers);
        all.push(self.bot);
        all
    }

    /// `trader`'s position id of `side`, 0 if none.
    fn position_id(&self, trader: usize, side: usize) -> u64 {
        let (strike, is_call) = self.line(side);
        self.world.market.sender(self.keeper).position_id(self.traders[trader], strike, is_call)
    }

    /// The observable state now.
    fn state(&self) -> State {
        let w = &self.world;
        let mut positions = [[(U256::ZERO, false); SIDES]; TRADERS];
        for (t, row) in positions.iter_mut().enumerate() {
            for (side, slot) in row.iter_mut().enumerate() {
                let id = self.position_id(t, side);
                if id != 0 {
                    let p = w.market.sender(self.keeper).position(id);
                    *slot = (p.3, p.4);
                }
            }
        }
        let vault = || w.vault.sender(self.keeper);
        let fund = || w.fund.sender(self.keeper);
        let tranches = [JUNIOR, SENIOR];
        let mut written = [[U256::ZERO; SIDES]; WRITERS];
        let mut short_totals = [U256::ZERO; SIDES];
        for (writer, side) in shorts() {
            let (strike, is_call) = self.line(side);
            let (held, total) =
                w.shorts.sender(self.keeper).shorts(self.writers[writer], strike, is_call);
            written[writer][side] = held;
            short_totals[side] = total;
        }
        let book = w.shorts.sender(self.keeper).book();
        State {
            books: w.books(),
            balances: self.accounts().iter().map(|a| w.balance(*a)).collect(),
            positions,
            lp_shares: self.lps.map(|lp| vault().balance_of(lp)),
            escrow: vault().balance_of(w.vault.address()),
            lp_supply: vault().total_supply(),
            requests: self.lps.map(|lp| {
                let (pending, at, claimable) = vault().redeem_request(lp);
                (pending + claimable, at)
            }),
            stakes: self.stakers.map(|s| tranches.map(|t| fund().balance_of(t, s).expect("bal"))),
            stake_supply: tranches.map(|t| fund().total_supply(t).expect("supply")),
            exits: self.stakers.map(|s| {
                tranches.map(|t| fund().withdraw_request(t, s).expect("withdraw_request"))
            }),
            payout: w.market.sender(self.keeper).payout(w.board),
            settled: w.listings.sender(self.keeper).board(w.board).4,
            fresh: self.fresh(),
            accounts: self.writers.map(|a| w.shorts.sender(self.keeper).account(a)),
            written,
            short_totals,
            short_reserve: book.2,
            short_accounts: book.3,
            receivable: self.receivable(),
        }
    }

    /// The short book's receivable now.
    fn receivable(&self) -> U256 {
        self.world.shorts.sender(self.keeper).pool_liability().expect("poolLiability").1
    }

    /// Whether the vault's mark is fresh now.
    fn fresh(&self) -> bool {
        self.world.vault.sender(self.keeper).valuation().expect("valuation").5
    }

    /// The NAV and freshness a step that moved only the clock or the price leaves: the
    /// book's new mark if it is fresh now or was before; else the last recorded mark with
    /// its buffer, so the NAV does not move.
    /// The short book's receivable moves with the spot and the clock before the board's
    /// settlement (re-read), and not after it ([`Machine::settled_receivable`]).
    fn remarked(&self, before: &State, want: &mut State) {
        want.fresh = self.fresh();
        if before.fresh || want.fresh {
            want.books.nav = self.world.nav();
        }
        want.receivable = self.settled_receivable().unwrap_or_else(|| self.receivable());
    }

    /// The options written of line `side` over all writers, as the model books them.
    fn short_total(&self, side: usize) -> U256 {
        self.written.iter().map(|row| row[side]).sum()
    }

    /// The receivable once the board is settled: each side still written at what it owes,
    /// less one unit (`MarginEngine.receivable`); `None` before the settlement.
    fn settled_receivable(&self) -> Option<U256> {
        let price = self.settled_at?;
        let total = |s| self.short_total(s);
        Some((0..SIDES).map(|s| due(s, price, total(s)).saturating_sub(u(1))).sum())
    }

    /// The receivable and the NAV after a step that moved the options the pool holds,
    /// their value or the cash: once the board is settled, the model's receivable and the
    /// cash plus it (the book owes nothing any more); before, both re-read (`World::check`
    /// ties the NAV to the cash plus the receivable less the book's liability).
    fn revalued(&self, want: &mut State) {
        if let Some(receivable) = self.settled_receivable() {
            want.receivable = receivable;
            want.books.nav = want.books.cash + receivable;
        } else {
            want.receivable = self.receivable();
            want.books.nav = self.world.nav();
        }
    }

    /// Whether the latest round is too old to trade on.
    fn stale(&self) -> bool {
        let (updated, _) = self.rounds.last().expect("a round");
        self.now - updated > HEARTBEAT
    }

    /// The index of the first round at or after the expiry.
    fn first_round(&self) -> Option<usize> {
        self.rounds.iter().position(|(at, _)| *at >= EXPIRY)
    }

    /// The open interest of line `side`, as the model books it.
    fn open_interest(&self, side: usize) -> U256 {
        self.held.iter().map(|row| row[side]).sum()
    }

    /// The market's longest open tenor as the model sees it.
    fn tenor(&self) -> u64 {
        let open = (0..SIDES).any(|s| !self.open_interest(s).is_zero());
        if self.settled_at.is_none() && open {
            EXPIRY.saturating_sub(self.now)
        } else {
            0
        }
    }

    /// Moves the clock to `at` (never back, never past [`END`]).
    fn warp(&mut self, at: u64) {
        self.now = at.clamp(self.now, END);
        set_time(self.now);
    }

    /// Runs `op`, checks its outcome against the model, then every invariant.
    fn step(&mut self, op: &Op) {
        let (_, want) = self.run(op);
        let after = self.state();
        assert_eq!(after, want, "after {op:?}");
        self.invariants();
    }

    /// Runs `op` on the world: `(state before, state the model expects after)`.
    fn run(&mut self, op: &Op) -> (State, State) {
        let w = &self.world;
        match *op {
            Op::Deposit { lp, usdc: x } => self.deposit(lp, usdc(x)),
            Op::RequestRedeem { lp, per_mille } => {
                let unlocked = (0..LPS).filter(|l| {
                    let vault = w.vault.sender(self.keeper);
                    let lp = self.lps[*l];
                    vault.balance_of(lp) > vault.locked_shares(lp).0
                });
                self.request_redeem(pick(&unlocked.collect::<Vec<_>>(), lp, lp), per_mille)
            }
            Op::Redeem { lp, per_mille } => {
                let claimable = (0..LPS)
                    .filter(|l| !w.vault.sender(self.keeper).max_redeem(self.lps[*l]).is_zero());
                self.redeem(pick(&claimable.collect::<Vec<_>>(), lp, lp), per_mille)
            }
            Op::Stake { staker, tranche, usdc: x } => self.stake(staker, tranche, usdc(x)),
            Op::RequestWithdraw { staker, tranche, per_mille } => {
                let holding = exits().filter(|&(s, t)| {
                    !w.fund
                        .sender(self.keeper)
                        .balance_of(t, self.stakers[s])
                        .expect("bal")
                        .is_zero()
                });
                let index = staker * 2 + usize::from(tranche);
                let (staker, tranche) =
                    pick(&holding.collect::<Vec<_>>(), index, (staker, tranche));
                self.request_withdraw(staker, tranche, per_mille)
            }
            Op::Unstake { staker, tranche, per_mille } => {
                let redeemable = exits().filter(|&(s, t)| {
                    !w.fund.sender(self.keeper).max_redeem(t, self.stakers[s]).is_zero()
                });
                let index = staker * 2 + usize::from(tranche);
                let (staker, tranche) =
                    pick(&redeemable.collect::<Vec<_>>(), index, (staker, tranche));
                self.unstake(staker, tranche, per_mille)
            }
            Op::Buy { trader, side, milli } => {
                self.buy(trader, side, U256::from(milli) * WAD / u(1_000))
            }
            Op::Sell { trader, side, per_mille } => {
                let held = lines().filter(|&(t, s)| !self.held[t][s].is_zero());
                let (trader, side) =
                    pick(&held.collect::<Vec<_>>(), trader * SIDES + side, (trader, side));
                self.sell(trader, side, per_mille)
            }
            Op::Price { percent } => {
                let before = self.state();
                let last = self.rounds.last().expect("a round").1;
                let price = (i128::from(last) * i128::from(100 + percent) / 100).max(1);
                let price = u64::try_from(price).expect("price").min(1_000_000);
                let round = self.world.set_price(price, self.now);
                self.rounds.push((self.now, price));
                assert_eq!(Ok(round), u64::try_from(self.rounds.len()), "round ids count up");
                // A new round moves only the mark (`World::check` ties a fresh NAV to the
                // cash less the book's liability).
                let mut want = before.clone();
                self.remarked(&before, &mut want);
                (before, want)
            }
            Op::Wait { seconds } => {
                let before = self.state();
                self.warp(self.now + seconds);
                self.timed(before)
            }
            Op::Jump { to, offset } => {
                let before = self.state();
                let target = match to {
                    Target::Cutoff => Some(EXPIRY - CUTOFF - 1),
                    Target::Expiry => Some(EXPIRY - 1),
                    Target::Claimable(lp) => {
                        let ahead: Vec<u64> = (0..LPS)
                            .map(|l| w.vault.sender(self.keeper).redeem_request(self.lps[l]))
                            .filter(|(pending, _, _)| !pending.is_zero())
                            .map(|(_, at, _)| at - 1)
                            .collect();
                        (!ahead.is_empty()).then(|| ahead[lp % ahead.len()])
                    }
                    Target::Unlock(s, t) => {
                        let ahead: Vec<u64> = exits()
                            .map(|(s, t)| before.exits[s][usize::from(t)])
                            .filter(|(shares, unlock, _)| !shares.is_zero() && *unlock > self.now)
                            .map(|(_, unlock, _)| unlock - 1)
                            .collect();
                        let index = s * 2 + usize::from(t);
                        (!ahead.is_empty()).then(|| ahead[index % ahead.len()])
                    }
                };
                if let Some(target) = target {
                    self.warp(target + offset);
                }
                self.timed(before)
            }
            Op::Settle { pick } => self.settle(pick),
            Op::Claim { trader, side } => {
                let open = lines()
                    .filter(|&(t, s)| self.paid[t][s].is_none() && self.position_id(t, s) != 0);
                let (trader, side) =
                    pick(&open.collect::<Vec<_>>(), trader * SIDES + side, (trader, side));
                self.claim(trader, side)
            }
            Op::Short { writer, side, milli, margin } => {
                self.short(writer, side, U256::from(milli) * WAD / u(1_000), margin)
            }
            Op::Close { writer, side, per_mille } => {
                let written = shorts().filter(|&(w, s)| !self.written[w][s].is_zero());
                let (writer, side) =
                    pick(&written.collect::<Vec<_>>(), writer * SIDES + side, (writer, side));
                self.close(writer, side, per_mille)
            }
            Op::AddMargin { writer, usdc: x } => self.add_margin(writer, usdc(x)),
            Op::RemoveMargin { writer, per_mille } => {
                let funded =
                    (0..WRITERS).filter(|&w| !self.world.collateral(self.writers[w]).is_zero());
                self.remove_margin(pick(&funded.collect::<Vec<_>>(), writer, writer), per_mille)
            }
            Op::Liquidate { writer } => {
                // The unhealthy writers if any, else those writing something.
                let writing: Vec<usize> = (0..WRITERS)
                    .filter(|&w| self.written[w].iter().any(|a| !a.is_zero()))
                    .collect();
                let unhealthy: Vec<usize> = writing
                    .iter()
                    .copied()
                    .filter(|&w| matches!(self.health(self.writers[w]), Ok((.., false))))
                    .collect();
                let candidates = if unhealthy.is_empty() { writing } else { unhealthy };
                self.liquidate(pick(&candidates, writer, writer))
            }
            Op::SettleAccount { writer } => {
                let writing =
                    (0..WRITERS).filter(|&w| self.written[w].iter().any(|a| !a.is_zero()));
                self.settle_account(pick(&writing.collect::<Vec<_>>(), writer, writer))
            }
        }
    }

    /// The expectation of a step where only time passed: the requests' totals stay, their
    /// maturity is the clock's; the NAV is the book's new mark.
    fn timed(&self, before: State) -> (State, State) {
        let mut want = before.clone();
        self.remarked(&before, &mut want);
        for (lp, request) in want.requests.iter_mut().enumerate() {
            let (pending, at, claimable) =
                self.world.vault.sender(self.keeper).redeem_request(self.lps[lp]);
            assert_eq!(pending + claimable, request.0, "time moves no requested share");
            request.1 = at;
        }
        (before, want)
    }

    /// Asserts that `result` is a refusal with the error `expected`.
    fn refused<T: std::fmt::Debug>(result: Result<T, Vec<u8>>, expected: [u8; 4], what: &str) {
        match result {
            Ok(value) => panic!("{what}: expected a refusal, got Ok({value:?})"),
            Err(data) => assert_eq!(selector(&data), expected, "{what}: the refusal's error"),
        }
    }

    /// An LP's deposit: refused with no amount, a stale mark, a deficit or no share;
    /// else the LP pays `assets` for `previewDeposit` shares and the cash and NAV rise by it.
    fn deposit(&mut self, lp: usize, assets: U256) -> (State, State) {
        let w = &self.world;
        let who = self.lps[lp];
        if !assets.is_zero() {
            w.mint(who, assets);
        }
        let before = self.state();
        let mut want = before.clone();
        let valuation = w.vault.sender(who).valuation().expect("valuation");
        let expected = if assets.is_zero() {
            Some(VaultZeroAmount::SELECTOR)
        } else if !valuation.5 {
            Some(VaultStaleMark::SELECTOR)
        } else if valuation.2 > valuation.0 + valuation.1 {
            Some(VaultInsolvent::SELECTOR)
        } else if w.vault.sender(who).preview_deposit(assets).expect("preview").is_zero() {
            Some(VaultZeroShares::SELECTOR)
        } else {
            None
        };
        let preview = expected
            .is_none()
            .then(|| w.vault.sender(who).preview_deposit(assets).expect("previewDeposit"));
        let result = w.vault.sender(who).deposit(assets, who).map_err(Vec::from);
        if let Some(expected) = expected {
            Self::refused(result, expected, "deposit");
            return (before, want);
        }
        let shares = result.expect("deposit: allowed");
        assert_eq!(Some(shares), preview, "deposit mints its preview");
        want.balances[self.account(who)] -= assets;
        want.books.cash += assets;
        want.books.nav += assets;
        want.lp_shares[lp] += shares;
        want.lp_supply += shares;
        (before, want)
    }

    /// An LP's redemption request: refused with no shares, beyond its balance or its
    /// unlocked shares; else the shares move to the escrow and mature in `vault.redeemDelay`.
    fn request_redeem(&mut self, lp: usize, per_mille: u16) -> (State, State) {
        let w = &self.world;
        let who = self.lps[lp];
        let before = self.state();
        let mut want = before.clone();
        let balance = before.lp_shares[lp];
        let shares = if per_mille > 1_000 {
            balance + u(1)
        } else {
            balance * u(per_mille.into()) / u(1_000)
        };
        let (locked, _) = w.vault.sender(who).locked_shares(who);
        let expected = if shares.is_zero() {
            Some(VaultZeroAmount::SELECTOR)
        } else if shares > balance {
            Some(ERC20InsufficientBalance::SELECTOR)
        } else if shares > balance - locked {
            Some(VaultSharesLocked::SELECTOR)
        } else {
            None
        };
        let result = w.vault.sender(who).request_redeem(shares, who, who).map_err(Vec::from);
        if let Some(expected) = expected {
            Self::refused(result, expected, "requestRedeem");
            return (before, want);
        }
        result.expect("requestRedeem: allowed");
        want.lp_shares[lp] -= shares;
        want.escrow += shares;
        want.requests[lp] = (want.requests[lp].0 + shares, self.now + REDEEM_DELAY);
        self.requested_at[lp] = Some(self.now);
        (before, want)
    }

    /// An LP's redemption of claimable shares: refused with no shares, beyond `maxRedeem` or
    /// paying nothing; else it pays `previewRedeem`, and the cash and NAV fall by it.
    fn redeem(&mut self, lp: usize, per_mille: u16) -> (State, State) {
        let w = &self.world;
        let who = self.lps[lp];
        let before = self.state();
        let mut want = before.clone();
        let (_, _, claimable) = w.vault.sender(who).redeem_request(who);
        let max = w.vault.sender(who).max_redeem(who);
        assert!(max <= claimable, "maxRedeem {max} above the claimable {claimable}");
        let shares =
            if per_mille > 1_000 { max + u(1) } else { claimable * u(per_mille.into()) / u(1_000) };
        let preview = w.vault.sender(who).preview_redeem(shares).expect("previewRedeem");
        let expected = if shares.is_zero() {
            Some(VaultZeroAmount::SELECTOR)
        } else if shares > max {
            Some(ERC4626ExceededMaxRedeem::SELECTOR)
        } else if preview.is_zero() {
            Some(VaultZeroAssets::SELECTOR)
        } else {
            None
        };
        let result = w.vault.sender(who).redeem(shares, who, who).map_err(Vec::from);
        if let Some(expected) = expected {
            Self::refused(result, expected, "redeem");
            return (before, want);
        }
        let paid = result.expect("redeem: allowed");
        assert_eq!(paid, preview, "redeem pays its preview");
        want.balances[self.account(who)] += paid;
        want.books.cash -= paid;
        want.escrow -= shares;
        want.lp_supply -= shares;
        want.requests[lp].0 -= shares;
        // A redemption moves the NAV by exactly what it pays.
        want.books.nav -= paid;
        (before, want)
    }

    /// A staker's deposit: refused with no amount; else the tranche grows by `assets` for
    /// `previewDeposit` shares.
    fn stake(&mut self, staker: usize, tranche: u8, assets: U256) -> (State, State) {
        let w = &self.world;
        let who = self.stakers[staker];
        if !assets.is_zero() {
            w.mint(who, assets);
        }
        let before = self.state();
        let mut want = before.clone();
        let preview = w.fund.sender(who).preview_deposit(tranche, assets).expect("preview");
        let result = w.fund.sender(who).deposit(tranche, assets, who).map_err(Vec::from);
        if assets.is_zero() {
            Self::refused(result, InsuranceZeroAmount::SELECTOR, "stake");
            return (before, want);
        }
        let shares = result.expect("stake: allowed");
        assert_eq!(shares, preview, "a stake mints its preview");
        let t = usize::from(tranche);
        want.balances[self.account(who)] -= assets;
        want.books.tranches[t] += assets;
        want.stakes[staker][t] += shares;
        want.stake_supply[t] += shares;
        (before, want)
    }

    /// A staker's exit request: refused with no shares or beyond its balance; else its
    /// window opens after the cooldown the market's longest open tenor sets.
    fn request_withdraw(&mut self, staker: usize, tranche: u8, per_mille: u16) -> (State, State) {
        let w = &self.world;
        let who = self.stakers[staker];
        let before = self.state();
        let mut want = before.clone();
        let t = usize::from(tranche);
        let balance = before.stakes[staker][t];
        let shares = if per_mille > 1_000 {
            balance + u(1)
        } else {
            balance * u(per_mille.into()) / u(1_000)
        };
        let cooldown = w.fund.sender(who).cooldown().expect("cooldown");
        let tenor = w.market.sender(who).longest_open_tenor().expect("tenor");
        assert_eq!(tenor, self.tenor(), "the market's longest open tenor");
        assert_eq!(cooldown, tenor.clamp(MIN_COOLDOWN, MAX_COOLDOWN), "the exit cooldown");
        let result = w.fund.sender(who).request_withdraw(tranche, shares).map_err(Vec::from);
        if shares.is_zero() {
            Self::refused(result, InsuranceZeroAmount::SELECTOR, "requestWithdraw");
            return (before, want);
        }
        if shares > balance {
            Self::refused(result, InsuranceRequestExceedsBalance::SELECTOR, "requestWithdraw");
            return (before, want);
        }
        let (unlock, expires) = result.expect("requestWithdraw: allowed");
        assert_eq!((unlock, expires), (self.now + cooldown, self.now + cooldown + WITHDRAW_WINDOW));
        want.exits[staker][t] = (shares, unlock, expires);
        (before, want)
    }

    /// A staker's redemption: refused with no shares or beyond its request inside the
    /// window; else it pays `previewRedeem` out of the tranche.
    fn unstake(&mut self, staker: usize, tranche: u8, per_mille: u16) -> (State, State) {
        let w = &self.world;
        let who = self.stakers[staker];
        let before = self.state();
        let mut want = before.clone();
        let t = usize::from(tranche);
        let (requested, unlock, expires) = before.exits[staker][t];
        let max = w.fund.sender(who).max_redeem(tranche, who);
        let inside = unlock <= self.now && self.now <= expires;
        let model = if inside { requested.min(before.stakes[staker][t]) } else { U256::ZERO };
        assert_eq!(max, model, "redeemable: the request's shares inside its window");
        let shares =
            if per_mille > 1_000 { max + u(1) } else { max * u(per_mille.into()) / u(1_000) };
        let preview = w.fund.sender(who).preview_redeem(tranche, shares).expect("preview");
        let result = w.fund.sender(who).redeem(tranche, shares, who, who).map_err(Vec::from);
        if shares.is_zero() {
            Self::refused(result, InsuranceZeroAmount::SELECTOR, "unstake");
            return (before, want);
        }
        if shares > max {
            Self::refused(result, InsuranceExceededMaxRedeem::SELECTOR, "unstake");
            return (before, want);
        }
        let paid = result.expect("unstake: allowed");
        assert_eq!(paid, preview, "an exit pays its preview");
        want.balances[self.account(who)] += paid;
        want.books.tranches[t] -= paid;
        want.stakes[staker][t] -= shares;
        want.stake_supply[t] -= shares;
        let left = requested - shares;
        want.exits[staker][t] =
            if left.is_zero() { (U256::ZERO, 0, 0) } else { (left, unlock, expires) };
        (before, want)
    }

    /// The error the ticket, the cut-off, the cap and the oracle raise on a trade of
    /// `amount` of `side`, in the book's order; `None` if they all pass.
    fn trade_refusal(&self, side: usize, amount: U256, is_buy: bool) -> Option<[u8; 4]> {
        if amount.is_zero() {
            Some(MarketZeroAmount::SELECTOR)
        } else if amount < pct(1) {
            Some(MarketTradeTooSmall::SELECTOR)
        } else if self.now + CUTOFF >= EXPIRY {
            Some(MarketTradingClosed::SELECTOR)
        } else if is_buy && self.open_interest(side) + amount > wad(1_000) {
            Some(MarketOpenInterestCap::SELECTOR)
        } else if self.stale() {
            Some(MarketStalePrice::SELECTOR)
        } else {
            None
        }
    }

    /// The books a trade moves, checked against the split rule: the trader's balance by
    /// `paid` (negative on a purchase), the vault's cash by `to_vault`, the fund's tranches
    /// by their income, the reserve and the treasury by their shares.
    #[allow(clippy::too_many_arguments, reason = "one trade's figures")]
    fn traded(
        &self,
        want: &mut State,
        before: &State,
        fees: U256,
        fund_before: U256,
        trader: usize,
        side: usize,
        amount: U256,
        is_buy: bool,
        premium: U256,
    ) {
        let w = &self.world;
        let stressed = w.market.sender(self.keeper).stressed_loss(ETH).expect("stressed");
        let split = w.expected_split(fees, stressed, fund_before);
        let income = w.expected_income(split[1], before.books.tranches);
        let who = self.account(self.traders[trader]);
        let (line, position) = (side / 2, &mut want.positions[trader][side]);
        let oi = &mut want.books.open_interest[line];
        let oi = if side % 2 == 0 { &mut oi.0 } else { &mut oi.1 };
        if is_buy {
            want.balances[who] -= premium + fees;
            want.books.cash += premium + split[0];
            *oi += amount;
            position.0 += amount;
        } else {
            want.balances[who] += premium - fees;
            want.books.cash -= premium - split[0];
            *oi -= amount;
            position.0 -= amount;
        }
        for (tranche, share) in want.books.tranches.iter_mut().zip(income) {
            *tranche += share;
        }
        want.books.reserve += split[2];
        want.books.market += split[2];
        want.books.treasury += split[3];
        want.books.base_iv = w.listings.sender(self.keeper).board(w.board).2;
        // The NAV: the cash plus the short book's receivable (the base IV moved) less the
        // book's new liability (`World::check`).
        self.revalued(want);
    }

    /// A purchase: refused by the ticket, the cut-off, the open-interest cap or a stale
    /// price; else it pays the quote and splits it ([`Machine::traded`]), or the pool-level
    /// limits refuse it with arguments that hold.
    fn buy(&mut self, trader: usize, side: usize, amount: U256) -> (State, State) {
        let w = &self.world;
        let who = self.traders[trader];
        let (strike, is_call) = self.line(side);
        let before = self.state();
        let mut want = before.clone();
        let refusal = self.trade_refusal(side, amount, true);
        let quote = refusal.is_none().then(|| {
            w.book.sender(who).quote(strike, is_call, amount, true).expect("quote: a valid buy")
        });
        let fund_before = w.fund.sender(who).fund_assets();
        let result = w.buy(who, side / 2, is_call, amount).map_err(Vec::from);
        if let Some(expected) = refusal {
            Self::refused(result, expected, "buy");
            return (before, want);
        }
        let (premium, quoted, _) = quote.expect("quote");
        match result {
            Ok(id) => {
                assert_eq!(id, self.position_id(trader, side), "the buyer's position");
                let fees = self.purchase_fees(amount, premium, quoted, before.books.nav);
                self.traded(
                    &mut want,
                    &before,
                    fees,
                    fund_before,
                    trader,
                    side,
                    amount,
                    true,
                    premium,
                );
                self.held[trader][side] += amount;
            }
            Err(data) => {
                // The pool-level limits, which the model leaves to the book: the error
                // must be one of them, with arguments that hold.
                let code = selector(&data);
                if code == MarketStressLimitExceeded::SELECTOR {
                    let e = MarketStressLimitExceeded::abi_decode(&data, true).expect("decode");
                    let capacity = before.books.nav / u(2) + fund_before / u(2);
                    assert_eq!(e.capacity, capacity, "the stress capacity");
                    assert!(e.stressedLoss > e.capacity, "refused within capacity");
                } else if code == MarketUtilizationAboveCap::SELECTOR {
                    let e = MarketUtilizationAboveCap::abi_decode(&data, true).expect("decode");
                    assert_eq!(e.cap, pct(90), "the utilization cap");
                    assert!(e.utilization > e.cap, "refused within the cap");
                } else {
                    panic!("buy of {amount} on side {side}: refused with {data:?}");
                }
            }
        }
        (before, want)
    }

    /// A sale: refused beyond the position, by the ticket, the cut-off or a stale price;
    /// not attempted when the vault's cash cannot pay its premium; else it pays the quote
    /// less the fees and splits them ([`Machine::traded`]).
    fn sell(&mut self, trader: usize, side: usize, per_mille: u16) -> (State, State) {
        let w = &self.world;
        let who = self.traders[trader];
        let (strike, is_call) = self.line(side);
        let before = self.state();
        let mut want = before.clone();
        let held = self.held[trader][side];
        let amount = held * u(per_mille.into()) / u(1_000);
        let refusal = if amount > held {
            Some(MarketInsufficientPosition::SELECTOR)
        } else {
            self.trade_refusal(side, amount, false)
        };
        let quote = refusal.is_none().then(|| {
            w.book.sender(who).quote(strike, is_call, amount, false).expect("quote: a valid sell")
        });
        if let Some((premium, _, _)) = quote {
            if before.books.cash < premium {
                self.skipped += 1;
                return (before.clone(), before);
            }
        }
        let fund_before = w.fund.sender(who).fund_assets();
        let result = w
            .market
            .sender(who)
            .sell(strike, is_call, amount, U256::ZERO, u64::MAX)
            .map_err(Vec::from);
        if let Some(expected) = refusal {
            Self::refused(result, expected, "sell");
            return (before, want);
        }
        let (premium, fees, _) = quote.expect("quote");
        assert_eq!(result, Ok(premium - fees), "a sale pays its quote");
        self.traded(&mut want, &before, fees, fund_before, trader, side, amount, false, premium);
        self.held[trader][side] -= amount;
        (before, want)
    }

    /// The fees a purchase of `amount` (premium `premium`, quoted fees `quoted`) paid: the
    /// spread fee and the utilization fee, a rate on the premium set by the pool's
    /// utilization, the required collateral with the trade booked (`requiredCollateral`
    /// after it) over the NAV (`trade_nav`, the vault's, the short book's receivable
    /// included), recomputed here by the pure crate's rules on the fixture's keys; the
    /// quote (which values the pool the same way) must have quoted exactly them.
    fn purchase_fees(&self, amount: U256, premium: U256, quoted: U256, trade_nav: U256) -> U256 {
        let w = &self.world;
        let keys = [
            SPREAD_FEE_KEY,
            SPREAD_CAP_KEY,
            UTIL_FEE_BASE_KEY,
            UTIL_FEE_KINK_KEY,
            UTIL_FEE_SLOPE_BELOW_KEY,
            UTIL_FEE_SLOPE_ABOVE_KEY,
        ];
        let v = w.gov.sender(self.keeper).get_many(keys.to_vec()).expect("fee keys");
        let v: Vec<u128> = v.into_iter().map(|x| u128::try_from(x).expect("a rate")).collect();
        let curve = FeeCurve {
            base_wad: v[2],
            kink_wad: v[3],
            slope_below_wad: v[4],
            slope_above_wad: v[5],
        };
        let required = w.book.sender(self.keeper).required_collateral().expect("required");
        let spot = u128::try_from(wad(self.rounds.last().expect("a round").1)).expect("spot");
        let amount = u128::try_from(amount).expect("amount");
        let fees = |nav: U256| {
            let utilization = utilization_wad_up(required, nav).expect("utilization");
            let rate = utilization_fee_rate_wad_up(utilization, &curve).expect("rate");
            let schedule = FeeSchedule {
                spread_rate_wad: v[0],
                spread_cap_of_premium_wad: v[1],
                utilization_rate_wad: rate,
            };
            fees_asset_up(spot, amount, premium, &schedule, 6).expect("fees").total
        };
        let paid = fees(trade_nav);
        assert_eq!(quoted, paid, "the quote's fees are the purchase's");
        paid
    }

    /// What the board owes at `price`: each line's obligation rounded up.
    fn owed(&self, price: u64) -> U256 {
        let scale = U256::from(10u64).pow(u(30));
        (0..SIDES).map(|s| (intrinsic(s, price) * self.open_interest(s)).div_ceil(scale)).sum()
    }

    /// A settlement: refused once settled, before the expiry, or at any round but the first
    /// at or after it; else the waterfall of the module docs, and the keeper's bounty.
    fn settle(&mut self, pick: Pick) -> (State, State) {
        let w = &self.world;
        let before = self.state();
        let mut want = before.clone();
        let last = self.rounds.len() - 1;
        let first = self.first_round();
        let index = match pick {
            Pick::First => first.unwrap_or(last),
            Pick::Latest => last,
            Pick::Before => first.map_or(last, |f| f.saturating_sub(1)),
            Pick::After => first.map_or(last, |f| (f + 1).min(last)),
        };
        let round = index as u64 + 1;
        let expected = if self.settled_at.is_some() {
            Some(MarketAlreadySettled::SELECTOR)
        } else if self.now < EXPIRY {
            Some(MarketNotExpired::SELECTOR)
        } else if first != Some(index) {
            Some(MarketInvalidSettlementRound::SELECTOR)
        } else {
            None
        };
        let result = w.settle(self.keeper, w.board, round).map_err(Vec::from);
        if let Some(expected) = expected {
            Self::refused(result, expected, "settle");
            return (before, want);
        }
        let price = self.rounds[index].1;
        assert_eq!(result, Ok(wad(price)), "the settlement price");
        // The waterfall: the pool's retention is 10% of its NAV, which is its cash plus
        // what the writers owe it once the board has left the book; the fund covers the
        // excess, junior first; the pool pays the rest as far as its cash goes.
        self.settled_at = Some(price);
        let receivable = self.settled_receivable().expect("settled");
        let owed = self.owed(price);
        let cash = before.books.cash;
        let retention = (cash + receivable) / u(10);
        let excess = owed.saturating_sub(retention);
        let [junior, senior] = before.books.tranches;
        let covered = excess.min(junior + senior);
        let pulled = (owed - covered).min(cash);
        let available = covered + pulled;
        let bounty = usdc(5).min(before.books.reserve);
        want.books.cash -= pulled;
        want.books.tranches =
            [junior - covered.min(junior), senior - (covered - covered.min(junior))];
        if !excess.is_zero() {
            want.books.losses += u(1);
        }
        want.books.reserve -= bounty;
        want.books.market = want.books.market + available - bounty;
        want.balances[self.account(self.keeper)] += bounty;
        want.payout = (owed, available);
        want.settled = true;
        // The board left the book: the mark is fresh and the NAV is the cash plus what the
        // writers owe (less a unit per side).
        self.revalued(&mut want);
        want.fresh = true;
        (before, want)
    }

    /// What `trader`'s position of `side` is paid: `amount x payoff` rounded down, times
    /// `available / owed` rounded down under a haircut.
    fn payout(&self, trader: usize, side: usize, price: u64, payout: (U256, U256)) -> U256 {
        let full = intrinsic(side, price) * self.held[trader][side] / U256::from(10u64).pow(u(30));
        let (owed, available) = payout;
        if available >= owed || full.is_zero() {
            full
        } else {
            full * available / owed
        }
    }

    /// A claim: refused for a position never opened, an unsettled board or a claimed
    /// position; else it pays [`Machine::payout`].
    fn claim(&mut self, trader: usize, side: usize) -> (State, State) {
        let w = &self.world;
        let before = self.state();
        let mut want = before.clone();
        let id = self.position_id(trader, side);
        let expected = if id == 0 {
            Some(MarketUnknownPosition::SELECTOR)
        } else if self.settled_at.is_none() {
            Some(MarketNotSettled::SELECTOR)
        } else if self.paid[trader][side].is_some() {
            Some(MarketAlreadyClaimed::SELECTOR)
        } else {
            None
        };
        if let Some(expected) = expected {
            let result = w.market.sender(self.keeper).claim(vec![id]).map_err(Vec::from);
            Self::refused(result, expected, "claim");
            return (before, want);
        }
        let price = self.settled_at.expect("settled");
        let payout = self.payout(trader, side, price, before.payout);
        assert_eq!(w.claim(vec![id]), payout, "a claim pays the payout or its pro-rata share");
        want.balances[self.account(self.traders[trader])] += payout;
        want.books.market -= payout;
        want.positions[trader][side].1 = true;
        self.paid[trader][side] = Some(payout);
        (before, want)
    }

    // ---- Shorts ---------------------------------------------------------------------------

    /// The error the margin engine's `quote` raises on a short's trade of `amount` (the
    /// ticket, the cut-off, the oracle), in its order; `None` if they all pass.
    fn short_refusal(&self, amount: U256, check_min: bool) -> Option<[u8; 4]> {
        if amount.is_zero() {
            Some(ShortBookZeroAmount::SELECTOR)
        } else if check_min && amount < pct(1) {
            Some(ShortBookTradeTooSmall::SELECTOR)
        } else if self.now + CUTOFF >= EXPIRY {
            Some(ShortBookTradingClosed::SELECTOR)
        } else if self.stale() {
            Some(MarketStalePrice::SELECTOR)
        } else {
            None
        }
    }

    /// The margin engine's quote of a short's trade of `amount` of `side`, read just before
    /// it, refused exactly when the model says (`refusal`): `(premium, fees,
    /// baseIvAfterWad)` when allowed. The pool's written interest it passes back is the
    /// longs' open interest.
    fn short_quote(
        &self,
        before: &State,
        side: usize,
        amount: U256,
        is_buy: bool,
        check_min: bool,
        refusal: Option<[u8; 4]>,
    ) -> Option<(U256, U256, U256)> {
        let (strike, is_call) = self.line(side);
        let quote = self
            .world
            .margin
            .sender(self.keeper)
            .quote(strike, is_call, is_buy, amount, check_min)
            .map_err(Vec::from);
        match (refusal, quote) {
            (None, Ok((market_id, premium, fees, _, iv, written))) => {
                let oi = before.books.open_interest[side / 2];
                assert_eq!(market_id, ETH, "the quote's underlying");
                assert_eq!(written, if is_call { oi.0 } else { oi.1 }, "the pool's written");
                Some((premium, fees, iv))
            }
            (Some(expected), Err(data)) => {
                assert_eq!(selector(&data), expected, "the quote's refusal");
                None
            }
            (refusal, quote) => {
                panic!("quote of {amount} on side {side}: model {refusal:?}, engine {quote:?}")
            }
        }
    }

    /// The margin a sale of `amount` of `side` by `who` needs beyond its collateral and its
    /// proceeds, read from a trial sale that cannot complete (the asset's transfers fail,
    /// and the trial is reverted): `(margin, exact)`, exact when the trial was refused for
    /// its margin (its `required` is then the sale's), `(0, false)` when the collateral
    /// already covers it; `None` when the trial cannot tell (a sale with no proceeds tries
    /// one unit, which may or may not be needed).
    fn needed(
        &self,
        who: Address,
        side: usize,
        amount: U256,
        proceeds: U256,
    ) -> Option<(U256, bool)> {
        let w = &self.world;
        let (strike, is_call) = self.line(side);
        let trial = if proceeds.is_zero() { u(1) } else { U256::ZERO };
        w.token.sender(w.admin).set_failing(true);
        let result = w
            .shorts
            .sender(who)
            .sell_short(strike, is_call, amount, U256::ZERO, u64::MAX, trial)
            .motsu_res();
        w.token.sender(w.admin).set_failing(false);
        match result {
            Err(ShortError::InsufficientMargin(e)) => {
                Some((e.required - e.collateral + trial, true))
            }
            // Past the margin check: the vault's payment failed (or found no cash)...
            Err(ShortError::CallFailed(_) | ShortError::PoolCashShort(_)) if trial.is_zero() => {
                Some((U256::ZERO, false))
            }
            // ... or collecting the trial's unit did.
            Err(ShortError::TokenCallFailed(_)) if !trial.is_zero() => None,
            other => panic!("a trial sale with the asset failing: {other:?}"),
        }
    }

    /// `account`'s `accountHealth`: `(collateral, liability, initial, maintenance,
    /// healthy)`, or the revert data of its refusal (a stale price).
    fn health(&self, account: Address) -> Result<(U256, U256, U256, U256, bool), Vec<u8>> {
        self.world.shorts.sender(self.keeper).account_health(account).map_err(Vec::from)
    }

    /// The trader-default waterfall of `shortfall` on `want`: the short book's `reserve`,
    /// then the fund's tranches junior first (one loss record of kind 0, even when they
    /// are empty), then the pool, which bears the rest by never receiving it; the
    /// reserve's and the fund's parts reach the vault's cash. Returns the loss record's
    /// `(requested, absorbed)` if the fund was called.
    fn defaulted(want: &mut State, reserve: U256, shortfall: U256) -> Option<(U256, [U256; 2])> {
        let from_reserve = reserve.min(shortfall);
        want.short_reserve = reserve - from_reserve;
        want.books.cash += from_reserve;
        let rest = shortfall - from_reserve;
        if rest.is_zero() {
            return None;
        }
        let [junior, senior] = want.books.tranches;
        let covered = rest.min(junior + senior);
        let absorbed = [covered.min(junior), covered - covered.min(junior)];
        want.books.tranches = [junior - absorbed[0], senior - absorbed[1]];
        want.books.cash += covered;
        want.books.losses += u(1);
        Some((rest, absorbed))
    }

    /// Asserts the fund's latest loss record is the default [`Machine::defaulted`] expects.
    fn check_loss(&self, want: &State, record: Option<(U256, [U256; 2])>) {
        if let Some((requested, absorbed)) = record {
            let residual = requested - absorbed[0] - absorbed[1];
            assert_eq!(
                loss(&self.world.fund, want.books.losses),
                Ok((0, ETH, requested, absorbed.to_vec(), residual, self.now)),
                "the trader default's loss record"
            );
        }
    }

    /// Closes every line of `writer` in the model and in `want`: its account empty, the
    /// totals down by what it wrote.
    fn cleared(&mut self, want: &mut State, writer: usize) {
        for side in 0..SIDES {
            want.short_totals[side] -= self.written[writer][side];
            want.written[writer][side] = U256::ZERO;
        }
        want.accounts[writer] = (B256::ZERO, U256::ZERO, 0);
        self.written[writer] = [U256::ZERO; SIDES];
    }

    /// A short sale: refused by the ticket, the cut-off or a stale price (the quote's
    /// refusals), beyond the cap of options written per side, and when the proceeds exceed
    /// the vault's cash beyond the collateral its written options lock (`cash -
    /// requiredCollateral`, read just before); then refused if the collateral would not
    /// cover the liability plus the initial margin (predicted for a margin read from a
    /// trial sale, else accepted with its arguments checked), if the writer cannot pay the
    /// margin or the vault's cash the proceeds (which the lock makes unreachable); else
    /// the vault pays
    /// `premium - fees` into the collateral beside the margin, the board's base IV moves to
    /// the quote's, the longs' open interest stays, and the writer meets its initial margin.
    fn short(
        &mut self,
        writer: usize,
        side: usize,
        amount: U256,
        margin: Margin,
    ) -> (State, State) {
        let who = self.writers[writer];
        let (strike, is_call) = self.line(side);
        let before = self.state();
        let mut want = before.clone();
        let ticket = self.short_refusal(amount, true);
        let quote = self.short_quote(&before, side, amount, false, true, ticket);
        let total = before.short_totals[side];
        let capped = quote.is_some() && total + amount > wad(MAX_OI);
        // The pool pays only from the cash its written options do not lock.
        let locked = self.world.market.sender(self.keeper).required_collateral().expect("required");
        let free = before.books.cash.saturating_sub(locked);
        let proceeds = quote.map(|(premium, fees, _)| premium.saturating_sub(fees));
        let unfunded = !capped && proceeds.is_some_and(|p| p > free);
        let needed = match (margin, proceeds) {
            (Margin::Needed(_), Some(proceeds)) if !capped && !unfunded => {
                self.needed(who, side, amount, proceeds)
            }
            _ => None,
        };
        let margin = match margin {
            Margin::Usdc(x) => usdc(x),
            Margin::Needed(extra) => {
                let base = needed.map_or(U256::ZERO, |n| n.0);
                let delta = u(extra.unsigned_abs());
                if extra < 0 {
                    base.saturating_sub(delta)
                } else {
                    base + delta
                }
            }
        };
        let w = &self.world;
        let result = w
            .shorts
            .sender(who)
            .sell_short(strike, is_call, amount, U256::ZERO, u64::MAX, margin)
            .motsu_res()
            .map_err(Vec::from);
        if let Some(expected) = ticket {
            Self::refused(result, expected, "sellShort");
            return (before, want);
        }
        if capped {
            let cap = ShortBookOpenInterestCap {
                strikeId: strike,
                openInterest: total + amount,
                cap: wad(MAX_OI),
            };
            assert_eq!(result, Err(ShortError::OpenInterestCap(cap).into()), "sellShort: cap");
            return (before, want);
        }
        if unfunded {
            let proceeds = proceeds.expect("proceeds");
            let e = ShortBookCollateralLocked { proceeds, free };
            assert_eq!(result, Err(ShortError::CollateralLocked(e).into()), "sellShort: locked");
            return (before, want);
        }
        let (premium, fees, iv) = quote.expect("quote");
        let proceeds = premium.saturating_sub(fees);
        let old = before.accounts[writer].1;
        let collateral = old + margin + proceeds;
        // The margin check comes first; the model knows its answer only from a trial.
        let short_of_margin = needed.map(|(n, _)| margin < n);
        if let Err(data) = &result {
            if selector(data) == ShortBookInsufficientMargin::SELECTOR {
                let e = ShortBookInsufficientMargin::abi_decode(data, true).expect("decode");
                assert_eq!((e.account, e.collateral), (who, collateral), "sellShort: margin");
                assert!(e.required > e.collateral, "sellShort refused with enough collateral");
                assert_ne!(short_of_margin, Some(false), "sellShort refused with its margin");
                if let Some((n, true)) = needed {
                    assert_eq!(e.required, old + proceeds + n, "the trial's requirement");
                }
                return (before, want);
            }
        }
        assert_ne!(short_of_margin, Some(true), "sellShort allowed short of margin: {result:?}");
        // Then the margin is collected, then the vault pays.
        let balance = before.balances[self.account(who)];
        let later = if margin > balance {
            Some(ShortError::TokenCallFailed(ShortBookTokenCallFailed { token: w.token.address() }))
        } else if proceeds > before.books.cash {
            let paid = before.books.cash;
            Some(ShortError::PoolCashShort(ShortBookPoolCashShort { requested: proceeds, paid }))
        } else {
            None
        };
        if let Some(error) = later {
            assert_eq!(result, Err(error.into()), "sellShort of {amount} on side {side}");
            return (before, want);
        }
        assert_eq!(result, Ok(proceeds), "a short sale pays its quote less the fees");
        // The writer meets its initial margin: exactly, with the margin a trial read.
        let (now_collateral, liability, initial, _, healthy) =
            self.health(who).expect("the health of a writer who just sold");
        assert_eq!(now_collateral, collateral, "the collateral: margin and proceeds");
        assert!(healthy && collateral >= liability + initial, "sold below the initial margin");
        if let Some((n, true)) = needed {
            assert_eq!(collateral - liability - initial, margin - n, "the trial's requirement");
        }
        want.balances[self.account(who)] -= margin;
        want.books.cash -= proceeds;
        want.books.base_iv = iv;
        let lines = before.accounts[writer].2 + u64::from(self.written[writer][side].is_zero());
        want.accounts[writer] = (ETH, collateral, lines);
        want.written[writer][side] += amount;
        want.short_totals[side] += amount;
        if !self.listed.contains(&writer) {
            self.listed.push(writer);
            want.short_accounts += 1;
        }
        self.written[writer][side] += amount;
        self.revalued(&mut want);
        (before, want)
    }

    /// A close: refused beyond what the writer wrote, by the ticket (the minimum waived for
    /// a whole line), the cut-off or a stale price, and when the collateral cannot pay the
    /// cost; else the collateral pays `premium + fees` into the vault's cash and the board's
    /// base IV moves to the quote's.
    fn close(&mut self, writer: usize, side: usize, per_mille: u16) -> (State, State) {
        let who = self.writers[writer];
        let (strike, is_call) = self.line(side);
        let before = self.state();
        let mut want = before.clone();
        let held = self.written[writer][side];
        let amount =
            if per_mille > 1_000 { held + u(1) } else { held * u(per_mille.into()) / u(1_000) };
        let collateral = before.accounts[writer].1;
        let check_min = amount != held;
        let ticket = (amount <= held).then(|| self.short_refusal(amount, check_min)).flatten();
        let quote = (amount <= held)
            .then(|| self.short_quote(&before, side, amount, true, check_min, ticket))
            .flatten();
        let result = self
            .world
            .shorts
            .sender(who)
            .close_short(strike, is_call, amount, U256::MAX, u64::MAX)
            .motsu_res()
            .map_err(Vec::from);
        if amount > held {
            let e = ShortBookInsufficientShort {
                account: who,
                strikeId: strike,
                isCall: is_call,
                amount,
                held,
            };
            assert_eq!(result, Err(ShortError::InsufficientShort(e).into()), "closeShort");
            return (before, want);
        }
        if let Some(expected) = ticket {
            Self::refused(result, expected, "closeShort");
            return (before, want);
        }
        let (premium, fees, iv) = quote.expect("quote");
        let cost = premium + fees;
        if cost > collateral {
            let e = ShortBookInsufficientCollateral { account: who, amount: cost, collateral };
            assert_eq!(result, Err(ShortError::InsufficientCollateral(e).into()), "closeShort");
            return (before, want);
        }
        assert_eq!(result, Ok(cost), "a close costs its quote plus the fees");
        let lines = before.accounts[writer].2 - u64::from(amount == held);
        let market_id = if lines == 0 { B256::ZERO } else { ETH };
        want.accounts[writer] = (market_id, collateral - cost, lines);
        want.written[writer][side] -= amount;
        want.short_totals[side] -= amount;
        want.books.cash += cost;
        want.books.base_iv = iv;
        self.written[writer][side] -= amount;
        self.revalued(&mut want);
        (before, want)
    }

    /// A top-up of a writer's own collateral: refused with no amount or beyond its balance
    /// (the transfer fails after the booking, which the revert undoes); else the collateral
    /// rises by it, and nothing else moves.
    fn add_margin(&mut self, writer: usize, amount: U256) -> (State, State) {
        let w = &self.world;
        let who = self.writers[writer];
        let before = self.state();
        let mut want = before.clone();
        let balance = before.balances[self.account(who)];
        let result = w.shorts.sender(who).add_margin(who, amount).motsu_res().map_err(Vec::from);
        if amount.is_zero() {
            let e = ShortError::ZeroAmount(ShortBookZeroAmount {});
            assert_eq!(result, Err(e.into()), "addMargin of nothing");
            return (before, want);
        }
        if amount > balance {
            let e = ShortBookTokenCallFailed { token: w.token.address() };
            assert_eq!(result, Err(ShortError::TokenCallFailed(e).into()), "addMargin unpaid");
            return (before, want);
        }
        assert_eq!(result, Ok(()), "addMargin");
        want.balances[self.account(who)] -= amount;
        want.accounts[writer].1 += amount;
        (before, want)
    }

    /// A writer's withdrawal of collateral: refused with no amount, beyond the collateral,
    /// on a stale price while it writes live lines (`accountHealth`'s refusal), and when
    /// what is left does not cover the liability plus the initial margin (read just
    /// before); else paid out, nothing else moving, and the writer still meets its initial
    /// margin.
    fn remove_margin(&mut self, writer: usize, per_mille: u16) -> (State, State) {
        let who = self.writers[writer];
        let before = self.state();
        let mut want = before.clone();
        let collateral = before.accounts[writer].1;
        let health = self.health(who);
        let free = match &health {
            Ok((c, liability, initial, _, _)) => {
                assert_eq!(*c, collateral, "accountHealth's collateral");
                c.saturating_sub(*liability + *initial)
            }
            Err(_) => collateral,
        };
        let amount = match per_mille {
            0..=1_000 => free * u(per_mille.into()) / u(1_000),
            1_001..=1_050 => free + u(1),
            _ => collateral + u(1),
        };
        let expected: Option<Vec<u8>> = if amount.is_zero() {
            Some(ShortError::ZeroAmount(ShortBookZeroAmount {}).into())
        } else if amount > collateral {
            let e = ShortBookInsufficientCollateral { account: who, amount, collateral };
            Some(ShortError::InsufficientCollateral(e).into())
        } else {
            match &health {
                Err(data) => Some(data.clone()),
                Ok((_, liability, initial, _, _)) => {
                    let required = *liability + *initial;
                    let left = collateral - amount;
                    (left < required).then(|| {
                        let e = ShortBookInsufficientMargin {
                            account: who,
                            collateral: left,
                            required,
                        };
                        ShortError::InsufficientMargin(e).into()
                    })
                }
            }
        };
        let result =
            self.world.shorts.sender(who).remove_margin(amount, who).motsu_res().map_err(Vec::from);
        if let Some(error) = expected {
            assert_eq!(result, Err(error), "removeMargin of {amount}");
            return (before, want);
        }
        assert_eq!(result, Ok(()), "removeMargin of {amount}");
        let (left, liability, initial, _, healthy) = self.health(who).expect("health");
        assert!(healthy && left >= liability + initial, "removed below the initial margin");
        want.balances[self.account(who)] += amount;
        want.accounts[writer].1 -= amount;
        (before, want)
    }

    /// A liquidation by the bot: refused as `accountHealth` says (its refusal on a stale
    /// price; `ShortBookHealthy` with its numbers for a healthy account or one writing
    /// nothing; `ShortBookSettleFirst` with the dues for one whose lines on the settled
    /// board owe something, which `settleAccount` pays without a penalty); else every
    /// line closes, and the collateral is divided as
    /// `liquidationSplit` says for the health read just before: the bounty to the bot, the
    /// pool's part to the vault's cash, the penalty's rest to the reserve, the rest back to
    /// the writer, and a shortfall through the trader-default waterfall. The bots' scan
    /// (`liquidatable`) lists exactly the unhealthy writers, in the order of their first
    /// short.
    fn liquidate(&mut self, writer: usize) -> (State, State) {
        let who = self.writers[writer];
        let before = self.state();
        let mut want = before.clone();
        let health = self.health(who);
        let mut healths = Vec::new();
        for &listed in &self.listed {
            healths.push(self.health(self.writers[listed]).map(|h| (listed, h.4)));
        }
        if let Ok(healths) = healths.into_iter().collect::<Result<Vec<_>, _>>() {
            let unhealthy: Vec<Address> =
                healths.iter().filter(|h| !h.1).map(|h| self.writers[h.0]).collect();
            let scan = self.world.shorts.sender(self.bot).liquidatable(0, 10);
            assert_eq!(scan, Ok(unhealthy), "the bots' scan");
        }
        let lines = before.accounts[writer].2;
        let expected: Result<(U256, U256, [U256; 5]), Vec<u8>> = match health {
            Err(data) => Err(data),
            Ok((collateral, liability, _, maintenance, healthy)) => {
                assert_eq!(collateral, before.accounts[writer].1, "accountHealth's collateral");
                assert_eq!(healthy, collateral >= liability + maintenance, "the health flag");
                if lines == 0 {
                    assert_eq!((liability, healthy), (U256::ZERO, true), "no line, no liability");
                }
                // What its lines on a settled board owe: settled, never liquidated.
                let dues: U256 = self.settled_at.map_or(U256::ZERO, |price| {
                    (0..SIDES).map(|s| due(s, price, self.written[writer][s])).sum()
                });
                if healthy {
                    let requirement = liability + maintenance;
                    let e = ShortBookHealthy { account: who, collateral, requirement };
                    Err(ShortError::Healthy(e).into())
                } else if !dues.is_zero() {
                    let e = ShortBookSettleFirst { account: who, dues };
                    Err(ShortError::SettleFirst(e).into())
                } else {
                    let split = self
                        .world
                        .margin
                        .sender(self.bot)
                        .liquidation_split(collateral, liability)
                        .expect("liquidationSplit");
                    let (bounty, to_pool, to_reserve, returned, shortfall) = split;
                    assert_eq!(bounty + to_pool + to_reserve + returned, collateral, "the split");
                    assert_eq!(to_pool + shortfall, liability, "the split's shortfall");
                    Ok((collateral, liability, [bounty, to_pool, to_reserve, returned, shortfall]))
                }
            }
        };
        let result =
            self.world.shorts.sender(self.bot).liquidate(who).motsu_res().map_err(Vec::from);
        let [bounty, to_pool, to_reserve, returned, shortfall] = match expected {
            Err(error) => {
                assert_eq!(result, Err(error), "liquidate");
                return (before, want);
            }
            Ok((_, _, split)) => split,
        };
        assert_eq!(result, Ok(bounty), "a liquidation pays the bot its bounty");
        want.balances[self.account(self.bot)] += bounty;
        want.balances[self.account(who)] += returned;
        want.books.cash += to_pool;
        let record = Self::defaulted(&mut want, before.short_reserve + to_reserve, shortfall);
        self.cleared(&mut want, writer);
        self.revalued(&mut want);
        self.check_loss(&want, record);
        (before, want)
    }

    /// A writer's settlement: refused until the board is settled or for an account writing
    /// nothing; else each line pays what it owes (the margin engine's `dues`, checked
    /// against `amount x intrinsic` rounded up) from the collateral, the rest released to
    /// the writer, a shortfall through the trader-default waterfall.
    fn settle_account(&mut self, writer: usize) -> (State, State) {
        let who = self.writers[writer];
        let before = self.state();
        let mut want = before.clone();
        let sides: Vec<usize> =
            (0..SIDES).filter(|&s| !self.written[writer][s].is_zero()).collect();
        let owed = self.settled_at.filter(|_| !sides.is_empty()).map(|price| {
            let mut pairs = Vec::new();
            for &side in &sides {
                let (strike, is_call) = self.line(side);
                pairs.extend([u(2 * strike + u64::from(is_call)), self.written[writer][side]]);
            }
            let dues: Vec<U256> =
                sides.iter().map(|&s| due(s, price, self.written[writer][s])).collect();
            let engine = self.world.margin.sender(self.keeper).dues(pairs).expect("dues");
            assert_eq!(engine, dues, "the margin engine's dues");
            dues.into_iter().sum::<U256>()
        });
        let result = self
            .world
            .shorts
            .sender(self.keeper)
            .settle_account(who)
            .motsu_res()
            .map_err(Vec::from);
        let Some(owed) = owed else {
            let e = ShortError::NothingToSettle(ShortBookNothingToSettle { account: who });
            assert_eq!(result, Err(e.into()), "settleAccount");
            return (before, want);
        };
        let collateral = before.accounts[writer].1;
        let paid = owed.min(collateral);
        assert_eq!(result, Ok(paid), "a settlement pays the dues as far as the collateral goes");
        want.books.cash += paid;
        let record = Self::defaulted(&mut want, before.short_reserve, owed - paid);
        want.balances[self.account(who)] += collateral - paid;
        self.cleared(&mut want, writer);
        self.revalued(&mut want);
        self.check_loss(&want, record);
        (before, want)
    }

    /// The invariants of every step.
    fn invariants(&self) {
        let w = &self.world;
        w.check();
        let state = self.state();
        // Open interest: the positions per strike and side, as the model books them.
        for side in 0..SIDES {
            let oi = state.books.open_interest[side / 2];
            let oi = if side % 2 == 0 { oi.0 } else { oi.1 };
            let positions: U256 = state.positions.iter().map(|row| row[side].0).sum();
            assert_eq!(oi, positions, "open interest of side {side} vs the positions");
            assert_eq!(oi, self.open_interest(side), "open interest of side {side} vs the model");
        }
        // The vault's shares: the LPs' and the escrow, which holds the requests.
        assert_eq!(state.lp_supply, state.lp_shares.iter().copied().sum::<U256>() + state.escrow);
        assert_eq!(state.escrow, state.requests.iter().map(|r| r.0).sum::<U256>(), "escrow");
        for (lp, at) in self.requested_at.iter().enumerate() {
            if let Some(at) = at {
                let (pending, claimable_at, _) =
                    w.vault.sender(self.keeper).redeem_request(self.lps[lp]);
                if self.now >= at + REDEEM_DELAY {
                    assert!(pending.is_zero(), "LP {lp}'s request matured");
                } else {
                    assert_eq!(claimable_at, at + REDEEM_DELAY, "LP {lp}'s request matures");
                }
            }
        }
        // The fund's shares.
        for t in 0..2 {
            let held: U256 = state.stakes.iter().map(|s| s[t]).sum();
            assert_eq!(state.stake_supply[t], held, "tranche {t}'s supply");
        }
        assert_eq!(state.settled, self.settled_at.is_some(), "the board's settlement");
        // The shorts: the totals per side are the writers' amounts, as the model books them;
        // each account's lines are its sides written, on ETH while it writes any.
        assert_eq!(state.written, self.written, "the options written, vs the model");
        for side in 0..SIDES {
            let written: U256 = state.written.iter().map(|row| row[side]).sum();
            assert_eq!(state.short_totals[side], written, "the short total of side {side}");
        }
        for (writer, account) in state.accounts.iter().enumerate() {
            let lines = self.written[writer].iter().filter(|a| !a.is_zero()).count() as u64;
            let market_id = if lines == 0 { B256::ZERO } else { ETH };
            assert_eq!((account.0, account.2), (market_id, lines), "writer {writer}'s lines");
            if lines == 0 {
                // No line, no requirement (and no call to price one).
                let health = self.health(self.writers[writer]);
                assert_eq!(health, Ok((account.1, U256::ZERO, U256::ZERO, U256::ZERO, true)));
            }
        }
        assert_eq!(state.short_accounts, self.listed.len() as u64, "the account list");
        // The receivable: nothing without shorts; the model's once settled; the vault's
        // while its mark is fresh.
        if state.short_totals.iter().all(U256::is_zero) {
            assert_eq!(state.receivable, U256::ZERO, "a receivable without shorts");
        }
        if let Some(receivable) = self.settled_receivable() {
            assert_eq!(state.receivable, receivable, "the receivable once settled");
            assert_eq!(state.books.nav, state.books.cash + receivable, "the NAV once settled");
        }
        if state.fresh {
            let valuation = w.vault.sender(self.keeper).valuation().expect("valuation");
            assert_eq!(
                valuation.1, state.receivable,
                "the vault marks the short book's receivable"
            );
        }
    }

    /// After the sequence: past the expiry, a settlement round, the settlement, and every
    /// claim; then every long was paid and the market keeps its reserve plus the dust.
    fn finish(&mut self, offset: u64, percent: i64) {
        if self.now < EXPIRY {
            self.step(&Op::Wait { seconds: EXPIRY + offset - self.now });
        }
        if self.first_round().is_none() {
            self.step(&Op::Price { percent });
        }
        if self.settled_at.is_none() {
            self.step(&Op::Settle { pick: Pick::First });
        }
        let price = self.settled_at.expect("settled at the end");
        // Each claim step takes an unclaimed position while one is left.
        while let Some((trader, side)) =
            lines().find(|&(t, s)| self.paid[t][s].is_none() && self.position_id(t, s) != 0)
        {
            self.step(&Op::Claim { trader, side });
        }
        // A bot tries a liquidation first: after the settlement an account is liquidatable
        // exactly when its collateral does not pay its dues. Then each writer's account is
        // settled, and its collateral taken out.
        self.step(&Op::Liquidate { writer: 0 });
        while let Some(writer) =
            (0..WRITERS).find(|&w| self.written[w].iter().any(|a| !a.is_zero()))
        {
            self.step(&Op::SettleAccount { writer });
        }
        for writer in 0..WRITERS {
            if !self.world.collateral(self.writers[writer]).is_zero() {
                self.step(&Op::RemoveMargin { writer, per_mille: 1_000 });
            }
        }
        let positions = lines().filter(|&(t, s)| !self.held[t][s].is_zero()).count() as u64;
        let state = self.state();
        // The short book holds exactly its reserve: no line, no collateral, no receivable.
        let w = &self.world;
        assert_eq!(w.balance(w.shorts.address()), state.short_reserve, "the short book's reserve");
        assert_eq!(state.accounts, [(B256::ZERO, U256::ZERO, 0); WRITERS], "every account closed");
        assert_eq!(state.short_totals, [U256::ZERO; SIDES], "no option written");
        assert_eq!(state.receivable, U256::ZERO, "no receivable");
        assert_eq!(state.books.nav, state.books.cash, "the NAV is the cash");
        let (owed, available) = state.payout;
        let mut total = U256::ZERO;
        for trader in 0..TRADERS {
            for side in 0..SIDES {
                if self.position_id(trader, side) == 0 {
                    continue;
                }
                let paid = self.paid[trader][side].expect("every position claimed");
                assert_eq!(paid, self.payout(trader, side, price, state.payout));
                assert!(state.positions[trader][side].1, "claimed");
                total += paid;
            }
        }
        assert!(total <= available, "the claims paid {total} of {available}");
        let dust = available - total;
        assert_eq!(state.books.market, state.books.reserve + dust, "the market keeps its reserve");
        if available >= owed {
            assert!(dust <= u(positions), "dust {dust} for {positions} positions");
        } else {
            assert!(dust < u(2 * positions), "dust {dust} for {positions} positions (haircut)");
        }
    }
}

/// The number of sequences: `PROPTEST_CASES`, else [`DEFAULT_CASES`].
fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|cases| cases.parse().ok())
        .unwrap_or(DEFAULT_CASES)
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: cases(),
        max_shrink_iters: 256,
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
            "tests/market/machine.proptest-regressions",
        ))),
        ..ProptestConfig::default()
    })]

    /// Random sequences of the actions of the module docs on a fresh world: each step
    /// moves the state exactly as the model says, every invariant holds after it, and the
    /// end pays every long.
    #[test]
    fn machine_random_sequences_keep_the_protocol_whole(
        lp_seed in 0u64..=1_000_000,
        fund_seed in 0u64..=200_000,
        ops in prop::collection::vec(op(), 1..60),
        offset in 0u64..=HOUR,
        percent in -60i64..=80,
    ) {
        let mut machine = Machine::new();
        machine.step(&Op::Deposit { lp: 0, usdc: lp_seed });
        machine.step(&Op::Stake { staker: 0, tranche: JUNIOR, usdc: fund_seed });
        for op in &ops {
            machine.step(op);
        }
        machine.finish(offset, percent);
    }
}
