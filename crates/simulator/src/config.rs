//! The simulation's input: a TOML file (see `deployments/examples/simulate.toml`, the
//! built-in example, every field documented) parsed into a validated [`Config`] of exact
//! integers, the way the contracts hold them: prices, rates, volatilities and fractions as
//! 18-decimal fixed point (`_wad`), money in the collateral asset's own units (`_units`,
//! `10^-asset_decimals` of a dollar), times in whole days.
//!
//! Numbers may be written as TOML integers (`2000`, `20_000_000`), floats (`0.8`) or
//! strings (`"0.0833"`); each is converted from its decimal text exactly (a float through
//! its shortest round-trip text, so `0.8` is `8e17`), and a value that would need rounding
//! (more than 18 decimals, or more than `asset_decimals` for money) is refused. Unknown
//! keys, missing fields, negative sizes and inconsistent tranches are refused with one line
//! that names the field.

use std::fmt::Write as _;

use mutual_risk::black_scholes::RATE_MAX_WAD;
use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;

/// `10^18`.
pub const WAD: u128 = 1_000_000_000_000_000_000;

/// The most insurance tranches a config may have (the contract's own limit is larger; a
/// simulation needs no more).
pub const MAX_TRANCHES: usize = 8;
/// The most legs one trader may have.
pub const MAX_LEGS: usize = 8;
/// The most coverage checkpoints.
pub const MAX_CHECKPOINTS: usize = 12;
/// The longest expiry or horizon, in days (ten years: the pricer's limit).
pub const MAX_DAYS: u32 = 3_650;
/// The most paths one run may simulate.
pub const MAX_PATHS: u64 = 100_000_000;
/// Smallest and largest spot or strike accepted, in dollars (inside the pricer's range
/// with room for the stress grid and the paths' moves).
const PRICE_RANGE_WAD: (u128, u128) = (1_000_000_000_000, 1_000_000_000 * WAD);
/// Highest volatility accepted on a line or a leg: 500%.
const VOL_MAX_WAD: u128 = 5 * WAD;

/// A validated simulation config.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    /// Path count, seed, horizon and targets.
    pub simulation: Simulation,
    /// The underlying, its spot and rate, the collateral asset, fees and the market reserve.
    pub market: Market,
    /// The spot process (Merton jump-diffusion).
    pub dynamics: Dynamics,
    /// Governance parameters and the governance contract the recommendations go to.
    pub governance: Governance,
    /// The LPs' pool.
    pub pool: Pool,
    /// The insurance tranches, junior (first loss) first.
    pub tranches: Vec<Tranche>,
    /// The options the pool has written.
    pub pool_book: Vec<Line>,
    /// Traders short with their own margin.
    pub traders: Vec<Trader>,
}

/// `[simulation]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Simulation {
    /// Monte Carlo paths.
    pub paths: u64,
    /// Seed of every path's generator.
    pub seed: u64,
    /// Days simulated (daily steps); `None` runs to the last expiry. Boards expiring after
    /// the horizon are left out of the simulation.
    pub horizon_days: Option<u32>,
    /// The target probability of failing to pay a long in full over the horizon, 18
    /// decimals (`1e15` = 0.1%).
    pub target_failure_probability_wad: u128,
    /// For `--recommend`: the largest acceptable probability that a pool tail loss reaches
    /// the insurance at all (sets the retention), 18 decimals.
    pub insurance_attachment_probability_wad: u128,
    /// Days at which the coverage ratio is reported; `None`: day 0 and each quarter of the
    /// horizon.
    pub coverage_checkpoints_days: Option<Vec<u32>>,
}

/// `[market]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Market {
    /// The underlying's name, used in governance keys (`market.<underlying>.…`).
    pub underlying: String,
    /// Spot today, 18 decimals.
    pub spot_wad: u128,
    /// Risk-free rate, continuously compounded, 18 decimals.
    pub rate_wad: u128,
    /// Decimals of the collateral asset (USDC: 6).
    pub asset_decimals: u8,
    /// The fee schedule of every trade (`mutual_risk::trade::fees_asset_up`).
    pub fees: Fees,
    /// The market's own reserve (trader-default layer 2), asset units.
    pub reserve_units: u128,
}

/// The market's fees, as the contract charges them: a spread fee on the notional capped at
/// a fraction of the premium, plus (on the pool's sales only) a utilization fee on the
/// premium whose rate follows a kinked curve of the pool's utilization.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fees {
    /// `market.spreadFeeWad`: spread fee per unit of notional (`spot x amount`), 18 decimals.
    pub spread_rate_wad: u128,
    /// `market.spreadCapWad`: the spread fee is at most this fraction of the premium.
    pub spread_cap_wad: u128,
    /// `market.utilFeeBaseWad`: the utilization fee rate at zero utilization.
    pub utilization_base_wad: u128,
    /// `market.utilFeeKinkWad`: the utilization where the slope steepens, in `(0, 1]`.
    pub utilization_kink_wad: u128,
    /// `market.utilFeeSlopeBelowWad`: the rate's rise from zero utilization to the kink.
    pub utilization_slope_below_wad: u128,
    /// `market.utilFeeSlopeAboveWad`: the rate's further rise from the kink to full
    /// utilization.
    pub utilization_slope_above_wad: u128,
}

/// `[dynamics]`: `dS/S = (drift - lambda kappa) dt + vol dW + (e^J - 1) dN`, `N` Poisson
/// of intensity `lambda`, `J ~ Normal(jump_mean, jump_volatility^2)`,
/// `kappa = E[e^J - 1]` (so the drift is the spot's expected growth rate).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dynamics {
    /// Expected growth rate of the spot per year, 18 decimals (the rate: risk-neutral).
    pub drift_wad: i128,
    /// Diffusion volatility per year, 18 decimals.
    pub volatility_wad: u128,
    /// Expected jumps per year, 18 decimals.
    pub jump_intensity_wad: u128,
    /// Mean log jump, 18 decimals.
    pub jump_mean_wad: i128,
    /// Standard deviation of the log jump, 18 decimals.
    pub jump_volatility_wad: u128,
}

/// `[governance]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Governance {
    /// Chain of the governance contract (for `--recommend`'s Safe batch).
    pub chain_id: u64,
    /// The `GovernanceParams` contract, `0x` and 40 hex digits.
    pub contract: String,
    /// The Safe that executes the batch, if known.
    pub safe: Option<String>,
    /// `vault.retentionWad`: the pool keeps each tail loss up to this fraction of its NAV
    /// at the settlement, 18 decimals.
    pub retention_wad: u128,
    /// `market.<underlying>.marginMultiplierWad`: a trader's initial margin is this times
    /// the worst loss of its position over the stress grid, 18 decimals (`1.25e18`: a 25%
    /// buffer).
    pub margin_multiplier_wad: u128,
    /// `market.<underlying>.maintenanceFractionWad`: the maintenance margin as a fraction
    /// of the initial margin, 18 decimals; a trader is liquidated once its collateral falls
    /// below the mark of its options plus the maintenance margin, both recomputed at the
    /// day's spot and time to expiry (`margin::Requirement::health`).
    pub maintenance_fraction_wad: u128,
    /// `market.<underlying>.liquidationPenaltyWad`: a liquidation's penalty as a fraction of
    /// the liability (the mark), 18 decimals (`margin::LiquidationParams::penalty_rate_wad`).
    pub liquidation_penalty_wad: u128,
    /// `market.<underlying>.liquidationBountyShareWad`: the liquidator's share of the
    /// penalty, 18 decimals, at most 1; the rest of the penalty goes to the market reserve.
    pub liquidation_bounty_share_wad: u128,
    /// `market.<underlying>.minLiquidationBounty`: the least bounty, asset units, paid
    /// first out of the collateral.
    pub min_liquidation_bounty_units: u128,
    /// Spot factors of the stress grid, 18 decimals.
    pub stress_spot_factors_wad: Vec<u128>,
    /// Volatility factors of the stress grid, 18 decimals.
    pub stress_vol_factors_wad: Vec<u128>,
    /// Fee split weight of the LPs.
    pub lp_fee_weight: u64,
    /// Fee split weight of the insurance tranches (split among them by
    /// `income_weight x assets`).
    pub insurance_fee_weight: u64,
    /// Fee split weight of the treasury.
    pub treasury_fee_weight: u64,
}

/// `[pool]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pool {
    /// The LPs' capital (the vault's NAV), asset units.
    pub nav_units: u128,
}

/// `[[tranches]]`: one insurance tranche.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tranche {
    /// A label.
    pub name: String,
    /// Its assets, asset units.
    pub assets_units: u128,
    /// `insurance.tranche.<i>.capWad`: the most one loss takes, as a fraction of its
    /// assets at the time, 18 decimals, in `(0, 1]`.
    pub cap_wad: u128,
    /// `insurance.tranche.<i>.minBalance`: assets no loss takes, asset units.
    pub min_balance_units: u128,
    /// `insurance.tranche.<i>.incomeWeight`: income per unit of assets relative to the
    /// other tranches.
    pub income_weight: u64,
}

/// Call or put.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A call.
    Call,
    /// A put.
    Put,
}

/// `[[pool_book]]`: options the pool has written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    /// Call or put.
    pub kind: Kind,
    /// Strike, 18 decimals.
    pub strike_wad: u128,
    /// Days from today to expiry.
    pub expiry_days: u32,
    /// Units of the underlying written, 18 decimals.
    pub amount_wad: u128,
    /// The implied volatility it was sold at and is marked at, 18 decimals.
    pub vol_wad: u128,
}

/// `[[traders]]`: a trader short options with its own margin, all legs at one expiry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Trader {
    /// A label.
    pub name: String,
    /// Days from today to the legs' expiry.
    pub expiry_days: u32,
    /// The options written.
    pub legs: Vec<Leg>,
}

/// One leg of a trader's short position.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Leg {
    /// Call or put.
    pub kind: Kind,
    /// Strike, 18 decimals.
    pub strike_wad: u128,
    /// Units of the underlying written, 18 decimals.
    pub amount_wad: u128,
    /// The implied volatility it is sold and marked at, 18 decimals.
    pub vol_wad: u128,
}

// ============================================================================================
// The raw TOML shape
// ============================================================================================

/// A number as written: an integer, a float or a string, kept as its decimal text.
#[derive(Clone, Debug)]
struct Num(String);

impl<'de> Deserialize<'de> for Num {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Num;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a number (an integer, a decimal, or a decimal in a string)")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Num, E> {
                Ok(Num(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Num, E> {
                Ok(Num(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Num, E> {
                if v.is_finite() {
                    // Rust's `Display` for f64 is the shortest text that reads back the same
                    // value, without an exponent: 0.8 -> "0.8", 1e-7 -> "0.0000001".
                    Ok(Num(format!("{v}")))
                } else {
                    Err(E::custom(format!("{v} is not a finite number")))
                }
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Num, E> {
                Ok(Num(v.trim().to_owned()))
            }
        }
        d.deserialize_any(V)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    simulation: RawSimulation,
    market: RawMarket,
    dynamics: RawDynamics,
    governance: RawGovernance,
    pool: RawPool,
    #[serde(default)]
    tranches: Vec<RawTranche>,
    #[serde(default)]
    pool_book: Vec<RawLine>,
    #[serde(default)]
    traders: Vec<RawTrader>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSimulation {
    paths: u64,
    seed: u64,
    #[serde(default)]
    horizon_days: Option<u32>,
    target_failure_probability: Num,
    #[serde(default)]
    insurance_attachment_probability: Option<Num>,
    #[serde(default)]
    coverage_checkpoints_days: Option<Vec<u32>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMarket {
    underlying: String,
    spot: Num,
    rate: Num,
    asset_decimals: u8,
    reserve: Num,
    #[serde(default)]
    spread_fee: Option<Num>,
    #[serde(default)]
    spread_cap: Option<Num>,
    #[serde(default)]
    utilization_fee_base: Option<Num>,
    #[serde(default)]
    utilization_fee_kink: Option<Num>,
    #[serde(default)]
    utilization_fee_slope_below: Option<Num>,
    #[serde(default)]
    utilization_fee_slope_above: Option<Num>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDynamics {
    drift: Num,
    volatility: Num,
    jump_intensity: Num,
    jump_mean: Num,
    jump_volatility: Num,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGovernance {
    chain_id: u64,
    contract: String,
    #[serde(default)]
    safe: Option<String>,
    retention: Num,
    margin_multiplier: Num,
    maintenance_fraction: Num,
    #[serde(default)]
    liquidation_penalty: Option<Num>,
    #[serde(default)]
    liquidation_bounty_share: Option<Num>,
    #[serde(default)]
    min_liquidation_bounty: Option<Num>,
    stress_spot_factors: Vec<Num>,
    stress_vol_factors: Vec<Num>,
    lp_fee_weight: u64,
    insurance_fee_weight: u64,
    treasury_fee_weight: u64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPool {
    nav: Num,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTranche {
    name: String,
    assets: Num,
    cap: Num,
    #[serde(default)]
    min_balance: Option<Num>,
    income_weight: u64,
}

#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "lowercase")]
enum RawKind {
    Call,
    Put,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLine {
    kind: RawKind,
    strike: Num,
    expiry_days: u32,
    amount: Num,
    vol: Num,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTrader {
    name: String,
    expiry_days: u32,
    legs: Vec<RawLeg>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLeg {
    kind: RawKind,
    strike: Num,
    amount: Num,
    vol: Num,
}

// ============================================================================================
// Decimal text to integers
// ============================================================================================

/// Parses `[+-]digits[.digits]` into a signed integer scaled by `10^decimals`, exactly.
fn parse_scaled(text: &str, decimals: u32) -> Result<i128, String> {
    let shown = match text.char_indices().nth(40) {
        Some((end, _)) => format!("{:?}...", &text[..end]),
        None => format!("{text:?}"),
    };
    let (negative, unsigned) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit() || b == b'_');
    if !digits(whole) || !(fraction.is_empty() || digits(fraction)) || unsigned.ends_with('.') {
        return Err(format!("not a decimal number: {shown}"));
    }
    let fraction: String = fraction.chars().filter(|c| *c != '_').collect();
    let significant = fraction.trim_end_matches('0');
    let places = u32::try_from(significant.len()).unwrap_or(u32::MAX);
    if places > decimals {
        return Err(format!(
            "{shown} has more than {decimals} decimal places (it would be rounded)"
        ));
    }
    let too_large = || format!("{shown} is too large");
    let mut value: i128 = 0;
    for b in whole.bytes().filter(|b| *b != b'_').chain(significant.bytes()) {
        value = value
            .checked_mul(10)
            .and_then(|v| v.checked_add(i128::from(b - b'0')))
            .ok_or_else(too_large)?;
    }
    value = value.checked_mul(10i128.pow(decimals - places)).ok_or_else(too_large)?;
    Ok(if negative { -value } else { value })
}

/// The path of a field, for error messages: `pool_book[3].strike`.
struct At<'a>(&'a str);

impl At<'_> {
    fn signed(&self, n: &Num) -> Result<i128, String> {
        parse_scaled(&n.0, 18).map_err(|e| format!("{}: {e}", self.0))
    }

    fn wad(&self, n: &Num) -> Result<u128, String> {
        let v = self.signed(n)?;
        u128::try_from(v).map_err(|_| format!("{}: must not be negative, got {}", self.0, n.0))
    }

    fn within(&self, n: &Num, lo: u128, hi: u128, what: &str) -> Result<u128, String> {
        let v = self.wad(n)?;
        if v < lo || v > hi {
            return Err(format!("{}: must be {what}, got {}", self.0, n.0));
        }
        Ok(v)
    }

    fn money(&self, n: &Num, decimals: u8) -> Result<u128, String> {
        let v = parse_scaled(&n.0, u32::from(decimals)).map_err(|e| format!("{}: {e}", self.0))?;
        u128::try_from(v).map_err(|_| format!("{}: must not be negative, got {}", self.0, n.0))
    }

    fn days(&self, d: u32) -> Result<u32, String> {
        if d == 0 || d > MAX_DAYS {
            return Err(format!("{}: must be between 1 and {MAX_DAYS} days, got {d}", self.0));
        }
        Ok(d)
    }
}

/// `0x` and 40 hex digits.
fn check_address(field: &str, text: &str) -> Result<String, String> {
    let ok = text.len() == 42
        && text.starts_with("0x")
        && text[2..].bytes().all(|b| b.is_ascii_hexdigit());
    if ok {
        Ok(text.to_owned())
    } else {
        Err(format!("{field}: not an address (0x and 40 hex digits): {text:?}"))
    }
}

fn check_name(field: &str, name: &str) -> Result<String, String> {
    let ok = !name.is_empty()
        && name.len() <= 32
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b));
    if ok {
        Ok(name.to_owned())
    } else {
        Err(format!("{field}: must be 1 to 32 letters, digits, '-', '_' or '.', got {name:?}"))
    }
}

fn kind(k: RawKind) -> Kind {
    match k {
        RawKind::Call => Kind::Call,
        RawKind::Put => Kind::Put,
    }
}

// ============================================================================================
// Parsing and validation
// ============================================================================================

impl Config {
    /// Parses and validates a TOML config.
    ///
    /// # Errors
    /// One line: for a TOML or shape error (syntax, unknown key, missing field, wrong
    /// type) the line and column, the table it is in and the parser's message; for a bad
    /// value the field's path (`tranches[1].min_balance: ...`).
    pub fn from_toml(text: &str) -> Result<Self, String> {
        let raw: RawConfig = toml::from_str(text).map_err(|e| toml_error(text, &e))?;
        Self::from_raw(&raw)
    }

    #[allow(
        clippy::too_many_lines,
        clippy::many_single_char_names,
        reason = "one check per field, in the file's order; each section's raw table is one letter"
    )]
    fn from_raw(raw: &RawConfig) -> Result<Self, String> {
        let s = &raw.simulation;
        if s.paths == 0 || s.paths > MAX_PATHS {
            return Err(format!(
                "simulation.paths: must be between 1 and {MAX_PATHS}, got {}",
                s.paths
            ));
        }
        let horizon_days = match s.horizon_days {
            Some(d) => Some(At("simulation.horizon_days").days(d)?),
            None => None,
        };
        let probability = |field: &str, n: &Num| {
            At(field).within(n, 1, WAD - 1, "a probability strictly between 0 and 1")
        };
        let target =
            probability("simulation.target_failure_probability", &s.target_failure_probability)?;
        let attachment = match &s.insurance_attachment_probability {
            Some(n) => probability("simulation.insurance_attachment_probability", n)?,
            None => WAD / 20,
        };
        if let Some(days) = &s.coverage_checkpoints_days {
            if days.is_empty() || days.len() > MAX_CHECKPOINTS {
                return Err(format!(
                    "simulation.coverage_checkpoints_days: give 1 to {MAX_CHECKPOINTS} days, got {}",
                    days.len()
                ));
            }
            if days.windows(2).any(|w| w[0] >= w[1]) || days[days.len() - 1] > MAX_DAYS {
                return Err(
                    "simulation.coverage_checkpoints_days: must be increasing days up to 3650"
                        .to_owned(),
                );
            }
        }

        let m = &raw.market;
        let decimals = m.asset_decimals;
        if decimals > 18 {
            return Err(format!("market.asset_decimals: at most 18, got {decimals}"));
        }
        let (price_lo, price_hi) = PRICE_RANGE_WAD;
        let price = |field: &str, n: &Num| {
            At(field).within(n, price_lo, price_hi, "between 0.000001 and 1e9")
        };
        let market = Market {
            underlying: check_name("market.underlying", &m.underlying)?,
            spot_wad: price("market.spot", &m.spot)?,
            rate_wad: At("market.rate").within(&m.rate, 0, RATE_MAX_WAD, "between 0 and 1")?,
            asset_decimals: decimals,
            fees: Fees {
                spread_rate_wad: optional("market.spread_fee", m.spread_fee.as_ref(), 0)?,
                spread_cap_wad: optional("market.spread_cap", m.spread_cap.as_ref(), 0)?,
                utilization_base_wad: optional(
                    "market.utilization_fee_base",
                    m.utilization_fee_base.as_ref(),
                    0,
                )?,
                utilization_kink_wad: match &m.utilization_fee_kink {
                    Some(n) => At("market.utilization_fee_kink").within(n, 1, WAD, "in (0, 1]")?,
                    None => WAD,
                },
                utilization_slope_below_wad: optional(
                    "market.utilization_fee_slope_below",
                    m.utilization_fee_slope_below.as_ref(),
                    0,
                )?,
                utilization_slope_above_wad: optional(
                    "market.utilization_fee_slope_above",
                    m.utilization_fee_slope_above.as_ref(),
                    0,
                )?,
            },
            reserve_units: At("market.reserve").money(&m.reserve, decimals)?,
        };

        let d = &raw.dynamics;
        let dynamics = Dynamics {
            drift_wad: bounded_signed("dynamics.drift", &d.drift, 5 * WAD)?,
            volatility_wad: At("dynamics.volatility").within(
                &d.volatility,
                0,
                VOL_MAX_WAD,
                "between 0 and 5",
            )?,
            jump_intensity_wad: At("dynamics.jump_intensity").within(
                &d.jump_intensity,
                0,
                365 * WAD,
                "between 0 and 365 a year",
            )?,
            jump_mean_wad: bounded_signed("dynamics.jump_mean", &d.jump_mean, 2 * WAD)?,
            jump_volatility_wad: At("dynamics.jump_volatility").within(
                &d.jump_volatility,
                0,
                2 * WAD,
                "between 0 and 2",
            )?,
        };

        let g = &raw.governance;
        let factors = |field: &str, list: &[Num]| -> Result<Vec<u128>, String> {
            if list.is_empty() || list.len() > 16 {
                return Err(format!("{field}: give 1 to 16 factors, got {}", list.len()));
            }
            list.iter()
                .enumerate()
                .map(|(i, n)| At(&format!("{field}[{i}]")).within(n, 1, 10 * WAD, "in (0, 10]"))
                .collect()
        };
        if g.lp_fee_weight == 0 && g.insurance_fee_weight == 0 && g.treasury_fee_weight == 0 {
            return Err(
                "governance.lp_fee_weight: the three fee weights must not all be zero".into()
            );
        }
        let governance = Governance {
            chain_id: g.chain_id,
            contract: check_address("governance.contract", &g.contract)?,
            safe: match &g.safe {
                Some(a) => Some(check_address("governance.safe", a)?),
                None => None,
            },
            retention_wad: At("governance.retention").within(
                &g.retention,
                0,
                WAD,
                "between 0 and 1",
            )?,
            margin_multiplier_wad: At("governance.margin_multiplier").within(
                &g.margin_multiplier,
                1,
                100 * WAD,
                "in (0, 100]",
            )?,
            maintenance_fraction_wad: At("governance.maintenance_fraction").within(
                &g.maintenance_fraction,
                0,
                WAD,
                "between 0 and 1",
            )?,
            liquidation_penalty_wad: optional(
                "governance.liquidation_penalty",
                g.liquidation_penalty.as_ref(),
                0,
            )?,
            liquidation_bounty_share_wad: optional(
                "governance.liquidation_bounty_share",
                g.liquidation_bounty_share.as_ref(),
                0,
            )?,
            min_liquidation_bounty_units: match &g.min_liquidation_bounty {
                Some(n) => At("governance.min_liquidation_bounty").money(n, decimals)?,
                None => 0,
            },
            stress_spot_factors_wad: factors(
                "governance.stress_spot_factors",
                &g.stress_spot_factors,
            )?,
            stress_vol_factors_wad: factors(
                "governance.stress_vol_factors",
                &g.stress_vol_factors,
            )?,
            lp_fee_weight: g.lp_fee_weight,
            insurance_fee_weight: g.insurance_fee_weight,
            treasury_fee_weight: g.treasury_fee_weight,
        };

        let pool = Pool { nav_units: At("pool.nav").money(&raw.pool.nav, decimals)? };

        if raw.tranches.len() > MAX_TRANCHES {
            return Err(format!(
                "tranches: at most {MAX_TRANCHES} tranches, got {}",
                raw.tranches.len()
            ));
        }
        let mut tranches: Vec<Tranche> = Vec::with_capacity(raw.tranches.len());
        for (i, t) in raw.tranches.iter().enumerate() {
            let at = |f: &str| format!("tranches[{i}].{f}");
            let name = check_name(&at("name"), &t.name)?;
            if tranches.iter().any(|o| o.name == name) {
                return Err(format!("{}: duplicate tranche name {name:?}", at("name")));
            }
            let assets_units = At(&at("assets")).money(&t.assets, decimals)?;
            let cap_wad =
                At(&at("cap")).within(&t.cap, 1, WAD, "a fraction of the tranche in (0, 1]")?;
            let min_balance_units = match &t.min_balance {
                Some(n) => At(&at("min_balance")).money(n, decimals)?,
                None => 0,
            };
            if min_balance_units > assets_units {
                return Err(format!(
                    "{}: {} is above the tranche's assets {} (inconsistent tranche {name:?})",
                    at("min_balance"),
                    format_units(min_balance_units, decimals),
                    format_units(assets_units, decimals)
                ));
            }
            if t.income_weight == 0 && assets_units > 0 {
                return Err(format!(
                    "{}: must be positive for a funded tranche",
                    at("income_weight")
                ));
            }
            tranches.push(Tranche {
                name,
                assets_units,
                cap_wad,
                min_balance_units,
                income_weight: t.income_weight,
            });
        }

        let mut pool_book = Vec::with_capacity(raw.pool_book.len());
        for (i, l) in raw.pool_book.iter().enumerate() {
            let at = |f: &str| format!("pool_book[{i}].{f}");
            pool_book.push(Line {
                kind: kind(l.kind),
                strike_wad: price(&at("strike"), &l.strike)?,
                expiry_days: At(&at("expiry_days")).days(l.expiry_days)?,
                amount_wad: At(&at("amount")).within(
                    &l.amount,
                    1,
                    1_000_000_000 * WAD,
                    "positive, at most 1e9",
                )?,
                vol_wad: At(&at("vol")).within(&l.vol, 1, VOL_MAX_WAD, "in (0, 5]")?,
            });
        }

        let mut traders: Vec<Trader> = Vec::with_capacity(raw.traders.len());
        for (i, t) in raw.traders.iter().enumerate() {
            let at = |f: &str| format!("traders[{i}].{f}");
            let name = check_name(&at("name"), &t.name)?;
            if traders.iter().any(|o| o.name == name) {
                return Err(format!("{}: duplicate trader name {name:?}", at("name")));
            }
            if t.legs.is_empty() || t.legs.len() > MAX_LEGS {
                return Err(format!(
                    "{}: give 1 to {MAX_LEGS} legs, got {}",
                    at("legs"),
                    t.legs.len()
                ));
            }
            let mut legs = Vec::with_capacity(t.legs.len());
            for (j, l) in t.legs.iter().enumerate() {
                let at = |f: &str| format!("traders[{i}].legs[{j}].{f}");
                legs.push(Leg {
                    kind: kind(l.kind),
                    strike_wad: price(&at("strike"), &l.strike)?,
                    amount_wad: At(&at("amount")).within(
                        &l.amount,
                        1,
                        1_000_000_000 * WAD,
                        "positive (units written), at most 1e9",
                    )?,
                    vol_wad: At(&at("vol")).within(&l.vol, 1, VOL_MAX_WAD, "in (0, 5]")?,
                });
            }
            traders.push(Trader {
                name,
                expiry_days: At(&at("expiry_days")).days(t.expiry_days)?,
                legs,
            });
        }
        if pool_book.is_empty() && traders.is_empty() {
            return Err("pool_book: the book is empty (no pool lines and no traders)".into());
        }

        let config = Self {
            simulation: Simulation {
                paths: s.paths,
                seed: s.seed,
                horizon_days,
                target_failure_probability_wad: target,
                insurance_attachment_probability_wad: attachment,
                coverage_checkpoints_days: s.coverage_checkpoints_days.clone(),
            },
            market,
            dynamics,
            governance,
            pool,
            tranches,
            pool_book,
            traders,
        };
        let horizon = config.horizon_days();
        if let Some(days) = &config.simulation.coverage_checkpoints_days {
            if days[days.len() - 1] > horizon {
                return Err(format!(
                    "simulation.coverage_checkpoints_days: {} is after the horizon ({horizon} days)",
                    days[days.len() - 1]
                ));
            }
        }
        Ok(config)
    }

    /// The horizon in days: as configured, else the last expiry.
    #[must_use]
    pub fn horizon_days(&self) -> u32 {
        self.simulation.horizon_days.unwrap_or_else(|| {
            let lines = self.pool_book.iter().map(|l| l.expiry_days);
            let traders = self.traders.iter().map(|t| t.expiry_days);
            lines.chain(traders).max().unwrap_or(1)
        })
    }

    /// The coverage checkpoints: as configured, else day 0 and each quarter of the horizon.
    #[must_use]
    pub fn checkpoints(&self) -> Vec<u32> {
        self.simulation.coverage_checkpoints_days.clone().unwrap_or_else(|| {
            let h = self.horizon_days();
            let mut days: Vec<u32> = [0, h / 4, h / 2, 3 * h / 4].to_vec();
            days.dedup();
            days
        })
    }
}

/// An optional fraction in `[0, 1]`, `default` when absent.
fn optional(field: &str, n: Option<&Num>, default: u128) -> Result<u128, String> {
    n.map_or(Ok(default), |n| At(field).within(n, 0, WAD, "between 0 and 1"))
}

fn bounded_signed(field: &str, n: &Num, bound: u128) -> Result<i128, String> {
    let v = At(field).signed(n)?;
    if v.unsigned_abs() > bound {
        return Err(format!("{field}: must be within +-{}, got {}", bound / WAD, n.0));
    }
    Ok(v)
}

/// `units` of an asset with `decimals` as a decimal string.
#[must_use]
pub fn format_units(units: u128, decimals: u8) -> String {
    let scale = 10u128.pow(u32::from(decimals));
    let (whole, frac) = (units / scale, units % scale);
    if decimals == 0 || frac == 0 {
        return whole.to_string();
    }
    let mut s = format!("{whole}.{frac:0width$}", width = usize::from(decimals));
    while s.ends_with('0') {
        s.pop();
    }
    s
}

/// One line for a TOML error: position, enclosing table and message.
fn toml_error(text: &str, e: &toml::de::Error) -> String {
    let message = e.message().split_whitespace().collect::<Vec<_>>().join(" ");
    let Some(span) = e.span() else {
        return message;
    };
    let offset = span.start.min(text.len());
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    let mut out = format!("line {line}, column {column}");
    if let Some(table) = enclosing_table(text, offset) {
        let _ = write!(out, ", in {table}");
    }
    let _ = write!(out, ": {message}");
    out
}

/// The table header in force at `offset`, with the element's index for an array of
/// tables: `[[tranches]] #2`.
fn enclosing_table(text: &str, offset: usize) -> Option<String> {
    let mut current: Option<String> = None;
    let mut counts: Vec<(String, usize)> = Vec::new();
    let mut pos = 0;
    for line in text.split_inclusive('\n') {
        if pos > offset {
            break;
        }
        let t = line.trim();
        if let Some(name) = t.strip_prefix("[[").and_then(|r| r.split("]]").next()) {
            let name = name.trim().to_owned();
            let n = if let Some((_, c)) = counts.iter_mut().find(|(k, _)| *k == name) {
                *c += 1;
                *c
            } else {
                counts.push((name.clone(), 1));
                1
            };
            current = Some(format!("[[{name}]] #{n}"));
        } else if let Some(name) = t.strip_prefix('[').and_then(|r| r.split(']').next()) {
            current = Some(format!("[{}]", name.trim()));
        }
        pos += line.len();
    }
    current
}

// ============================================================================================
// The built-in example
// ============================================================================================

/// The built-in example's text: `deployments/examples/simulate.toml`, every field
/// documented, compiled in so the shipped file and `mutual simulate`'s default cannot
/// drift apart.
pub const EXAMPLE_TOML: &str = include_str!("../../../deployments/examples/simulate.toml");

impl Config {
    /// The built-in example ([`EXAMPLE_TOML`]): an ETH market at 2,000 with a pool of 25M
    /// USDC that has written 22 calls and puts over five expiries (7 to 90 days), a junior
    /// and a senior tranche, a market reserve, and six traders short with margin.
    ///
    /// # Panics
    /// Never: a unit test parses the file (`the_example_parses`).
    #[must_use]
    pub fn example() -> Self {
        Self::from_toml(EXAMPLE_TOML).expect("deployments/examples/simulate.toml parses (tested)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_example_parses() {
        let c = Config::from_toml(EXAMPLE_TOML).unwrap();
        assert_eq!((c.pool_book.len(), c.traders.len(), c.tranches.len()), (22, 6, 2));
        assert_eq!(c.market.spot_wad, 2_000 * WAD);
        assert_eq!(c.tranches[1].min_balance_units, 500_000_000_000);
        assert_eq!(c.horizon_days(), 90);
    }

    #[test]
    fn decimals_parse_exactly() {
        assert_eq!(parse_scaled("0.8", 18), Ok(800_000_000_000_000_000));
        assert_eq!(parse_scaled("-0.04", 18), Ok(-40_000_000_000_000_000));
        assert_eq!(parse_scaled("20_000_000", 6), Ok(20_000_000_000_000));
        assert_eq!(parse_scaled("1.50", 1), Ok(15));
        assert!(parse_scaled("1.25", 1).unwrap_err().contains("decimal places"));
        assert!(parse_scaled("1e5", 18).unwrap_err().contains("not a decimal"));
        assert!(parse_scaled("1.", 18).is_err());
        assert!(parse_scaled("", 18).is_err());
        assert!(parse_scaled("99999999999999999999999", 18).unwrap_err().contains("too large"));
    }

    #[test]
    fn error_positions_name_the_table() {
        let text = "[a]\nx = 1\n[[t]]\ny = 2\n[[t]]\nz = 3\n";
        assert_eq!(enclosing_table(text, text.find('z').unwrap()).unwrap(), "[[t]] #2");
        assert_eq!(enclosing_table(text, 5).unwrap(), "[a]");
        assert_eq!(format_units(1_500_000, 6), "1.5");
        assert_eq!(format_units(2_000_000, 6), "2");
    }
}
