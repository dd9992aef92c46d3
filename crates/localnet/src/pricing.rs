//! Every price the runner charges, with the Nitro (or go-ethereum) file it comes from.
//!
//! Figures are facts copied from Nitro's public source (`OffchainLabs/nitro`, the
//! `arbitrator/` Rust tree and the `arbos/programs/` Go tree, as of the Stylus v2 /
//! `ArbOS` 40+ releases) and from go-ethereum's `params/protocol_params.go`; the code around
//! them is this crate's own.

use wasmparser::{FuncType, Operator};

/// Ink per EVM gas: "1 evm gas buys 10k ink".
///
/// Source: `arbos/programs/params.go`, `initialInkPrice = 10000`.
pub const INK_PRICE: u64 = 10_000;

/// Ink charged by every basic block on top of its opcodes: the cost of the block's own
/// "enough ink left?" header.
///
/// Source: `arbitrator/prover/src/programs/config.rs`, `CompileConfig::version` for
/// versions 1 and 2: `ink_header_cost: 2450`.
pub const INK_HEADER_COST: u64 = 2450;

/// Ink per byte of `memory.fill`, charged at run time on top of the opcode's 950.
///
/// Source: `arbitrator/prover/src/programs/config.rs`, `memory_fill_ink: 800 / 8`.
pub const MEMORY_FILL_INK: u64 = 800 / 8;

/// Ink per byte of `memory.copy`, charged at run time on top of the opcode's 950.
///
/// Source: `arbitrator/prover/src/programs/config.rs`, `memory_copy_ink: 800 / 8`.
pub const MEMORY_COPY_INK: u64 = 800 / 8;

/// Most words a function frame may use (activation fails above it).
///
/// Source: `arbitrator/prover/src/programs/config.rs`, `max_frame_size = 10 * 1024`.
pub const MAX_FRAME_SIZE: u32 = 10 * 1024;

/// Most values a function may hold on its operand stack at once (activation fails above).
///
/// Source: `arbitrator/prover/src/programs/config.rs`, `max_frame_contention = 4096`.
pub const MAX_FRAME_CONTENTION: u32 = 4096;

/// The stack budget, in words, of a program call (`MaxStackDepth`).
///
/// Source: `arbos/programs/params.go`, `initialStackDepth = 4 * 65536`.
pub const MAX_STACK_DEPTH: u32 = 4 * 65536;

/// Pages a program may start with (and the activation page limit).
///
/// Source: `arbos/programs/params.go`, `initialPageLimit = 128`; the heap bound of
/// `arbitrator/prover/src/programs/config.rs` (`Pages(128)`).
pub const PAGE_LIMIT: u16 = 128;

/// Pages a transaction gets for free.
///
/// Source: `arbos/programs/params.go`, `InitialFreePages = 2`.
pub const FREE_PAGES: u16 = 2;

/// Linear gas per page beyond the free ones.
///
/// Source: `arbos/programs/params.go`, `InitialPageGas = 1000`.
pub const PAGE_GAS: u16 = 1000;

/// The base of the uncached program-entry cost, in units of [`MIN_INIT_GAS_UNITS`] gas
/// (Stylus version 2: 69 * 128 = 8832 gas).
///
/// Source: `arbos/programs/params.go`, `v2MinInitGas = 69` (version 1: `initialMinInitGas = 72`).
pub const MIN_INIT_GAS: u64 = 69;

/// The base of the cached program-entry cost, in units of [`MIN_CACHED_GAS_UNITS`] gas
/// (11 * 32 = 352 gas).
///
/// Source: `arbos/programs/params.go`, `initialMinCachedGas = 11`.
pub const MIN_CACHED_INIT_GAS: u64 = 11;

/// Gas per unit of [`MIN_INIT_GAS`]. Source: `arbos/programs/params.go`, `MinInitGasUnits = 128`.
pub const MIN_INIT_GAS_UNITS: u64 = 128;

/// Gas per unit of [`MIN_CACHED_INIT_GAS`]. Source: `arbos/programs/params.go`, `MinCachedGasUnits = 32`.
pub const MIN_CACHED_GAS_UNITS: u64 = 32;

/// Scalar of the activation-time init cost, in 2% units (50 = 100%).
///
/// Source: `arbos/programs/params.go`, `initialInitCostScalar = 50`, `CostScalarPercent = 2`.
pub const INIT_COST_SCALAR: u64 = 50;

/// Scalar of the activation-time cached init cost, in 2% units (50 = 100%).
///
/// Source: `arbos/programs/params.go`, `initialCachedCostScalar = 50`.
pub const CACHED_COST_SCALAR: u64 = 50;

/// Percent per scalar unit. Source: `arbos/programs/params.go`, `CostScalarPercent = 2`.
pub const COST_SCALAR_PERCENT: u64 = 2;

/// Programs the block-level "recent wasms" cache remembers (`ArbOS` 60 and later).
///
/// Source: `arbos/programs/params.go`, `initialRecentCacheSize = 32`;
/// `arbos/programs/programs.go` (`GetRecentWasms().Insert(codeHash, params.BlockCacheSize)`,
/// only `if p.ArbosVersion >= gethParams.ArbosVersion_60`).
pub const BLOCK_CACHE_SIZE: usize = 32;

/// Stylus version modelled: 2 (the cached cost is charged on every call; see [`entry_gas`]).
///
/// Source: `arbos/programs/params.go`, `UpgradeToVersion(2)`.
pub const STYLUS_VERSION: u16 = 2;

// ---- hostio prices -------------------------------------------------------------------------

/// Base ink of every hostio "that may return something".
///
/// Source: `arbitrator/arbutil/src/pricing.rs`, `HOSTIO_INK = 8400`.
pub const HOSTIO_INK: u64 = 8400;

/// Extra ink per pointer argument.
///
/// Source: `arbitrator/arbutil/src/pricing.rs`, `PTR_INK = 13440 - HOSTIO_INK` (5040).
pub const PTR_INK: u64 = 13_440 - HOSTIO_INK;

/// Extra ink of a hostio that goes through the EVM API (a request to geth).
///
/// Source: `arbitrator/arbutil/src/pricing.rs`, `EVM_API_INK = 59673`.
pub const EVM_API_INK: u64 = 59_673;

/// Extra ink of `math_div` and `math_mod`. Source: `arbitrator/arbutil/src/pricing.rs`, `DIV_INK = 20000`.
pub const DIV_INK: u64 = 20_000;

/// Extra ink of `math_mul_mod`. Source: `arbitrator/arbutil/src/pricing.rs`, `MUL_MOD_INK = 24100`.
pub const MUL_MOD_INK: u64 = 24_100;

/// Extra ink of `math_add_mod`. Source: `arbitrator/arbutil/src/pricing.rs`, `ADD_MOD_INK = 21000`.
pub const ADD_MOD_INK: u64 = 21_000;

/// Ink to write `bytes` into the program's memory (`pay_for_write`): 5040 + 30 per byte
/// beyond 32.
///
/// Source: `arbitrator/arbutil/src/pricing.rs` `write_price` (formerly
/// `arbitrator/prover/src/programs/meter.rs` `pay_for_write`).
#[must_use]
pub fn write_price(bytes: u32) -> u64 {
    5040_u64.saturating_add(30_u64.saturating_mul(u64::from(bytes.saturating_sub(32))))
}

/// Ink to read `bytes` out of the program's memory (`pay_for_read`, also
/// `pay_for_geth_bytes`): 16381 + 55 per byte beyond 32.
///
/// Source: `arbitrator/arbutil/src/pricing.rs` `read_price`.
#[must_use]
pub fn read_price(bytes: u32) -> u64 {
    16_381_u64.saturating_add(55_u64.saturating_mul(u64::from(bytes.saturating_sub(32))))
}

/// Ink of `native_keccak256` over `bytes` (I/O and hashing together): 121800 + 21000 per
/// 32-byte word beyond the second.
///
/// Source: `arbitrator/arbutil/src/pricing.rs` `keccak_price`.
#[must_use]
pub fn keccak_price(bytes: u32) -> u64 {
    let words = bytes.div_ceil(32).saturating_sub(2);
    121_800_u64.saturating_add(21_000_u64.saturating_mul(u64::from(words)))
}

/// Ink of `math_pow` for a big-endian `exponent`: 3000 + 17500 per significant byte (+1).
///
/// Source: `arbitrator/arbutil/src/pricing.rs` `pow_price`.
#[must_use]
pub fn pow_price(exponent: &[u8; 32]) -> u64 {
    let leading_zeros = exponent.iter().take_while(|b| **b == 0).count() as u64;
    3000 + (33 - leading_zeros) * 17_500
}

// ---- EVM gas (go-ethereum params, as quoted by Nitro) ---------------------------------------

/// `params.SstoreSentryGasEIP2200`. Source: `arbitrator/arbutil/src/evm/mod.rs`.
pub const SSTORE_SENTRY_GAS: u64 = 2300;
/// `params.ColdAccountAccessCostEIP2929`. Source: `arbitrator/arbutil/src/evm/mod.rs`.
pub const COLD_ACCOUNT_GAS: u64 = 2600;
/// `params.ColdSloadCostEIP2929`. Source: `arbitrator/arbutil/src/evm/mod.rs`.
pub const COLD_SLOAD_GAS: u64 = 2100;
/// `params.WarmStorageReadCostEIP2929`. Source: `arbitrator/arbutil/src/evm/mod.rs`.
pub const WARM_SLOAD_GAS: u64 = 100;
/// TLOAD and TSTORE: `WARM_SLOAD_GAS`. Source: `arbitrator/arbutil/src/evm/mod.rs`.
pub const TRANSIENT_GAS: u64 = WARM_SLOAD_GAS;
/// `params.LogGas`, per log and per topic. Source: `arbitrator/arbutil/src/evm/mod.rs`.
pub const LOG_TOPIC_GAS: u64 = 375;
/// `params.LogDataGas`, per data byte. Source: `arbitrator/arbutil/src/evm/mod.rs`.
pub const LOG_DATA_GAS: u64 = 8;
/// `params.SstoreSetGasEIP2200`. Source: go-ethereum `params/protocol_params.go`.
pub const SSTORE_SET_GAS: u64 = 20_000;
/// `params.SstoreResetGasEIP2200`. Source: go-ethereum `params/protocol_params.go`.
pub const SSTORE_RESET_GAS: u64 = 5000;
/// `params.SstoreClearsScheduleRefundEIP3529`: `SstoreResetGasEIP2200 - ColdSloadCostEIP2929`
/// plus `TxAccessListStorageKeyGas` (5000 - 2100 + 1900). Source: go-ethereum
/// `params/protocol_params.go`.
pub const SSTORE_CLEARS_REFUND: u64 = 4800;
/// `params.CallValueTransferGas`. Source: go-ethereum `params/protocol_params.go`.
pub const CALL_VALUE_TRANSFER_GAS: u64 = 9000;
/// `params.CallNewAccountGas`. Source: go-ethereum `params/protocol_params.go`.
pub const CALL_NEW_ACCOUNT_GAS: u64 = 25_000;
/// `params.CallStipend`. Source: go-ethereum `params/protocol_params.go`.
pub const CALL_STIPEND: u64 = 2300;
/// `params.CreateGas`. Source: go-ethereum `params/protocol_params.go`.
pub const CREATE_GAS: u64 = 32_000;
/// `params.Keccak256WordGas` (CREATE2's hashing). Source: go-ethereum `params/protocol_params.go`.
pub const KECCAK_WORD_GAS: u64 = 6;
/// `params.CreateDataGas`, per byte of deployed code. Source: go-ethereum `params/protocol_params.go`.
pub const CREATE_DATA_GAS: u64 = 200;
/// `params.ExtcodeSizeGasEIP150`: `account_code` and `account_code_size` pay it once per
/// 24 KiB of `MaxCodeSize` (so once). Source: go-ethereum `core/vm/operations_acl_arbitrum.go`
/// `WasmAccountTouchCost`.
pub const EXTCODE_SIZE_GAS: u64 = 700;
/// `params.TxGas`: a transaction's base cost. Source: go-ethereum `params/protocol_params.go`.
pub const TX_GAS: u64 = 21_000;
/// `params.TxDataZeroGas`. Source: go-ethereum `params/protocol_params.go`.
pub const TX_DATA_ZERO_GAS: u64 = 4;
/// `params.TxDataNonZeroGasEIP2028`. Source: go-ethereum `params/protocol_params.go`.
pub const TX_DATA_NON_ZERO_GAS: u64 = 16;
/// `params.RefundQuotientEIP3529`: refunds are capped at a fifth of the gas used.
/// Source: go-ethereum `params/protocol_params.go`.
pub const REFUND_QUOTIENT: u64 = 5;
/// `params.CallCreateDepth`. Source: go-ethereum `params/protocol_params.go`.
pub const CALL_DEPTH_LIMIT: usize = 1024;
/// `params.MemoryGas`, per word of EVM memory. Source: go-ethereum `params/protocol_params.go`.
pub const MEMORY_GAS: u64 = 3;
/// `params.QuadCoeffDiv`. Source: go-ethereum `params/protocol_params.go`.
pub const QUAD_COEFF_DIV: u64 = 512;

/// Gas the storage cache requires before a load or a cached store.
///
/// Source: `arbitrator/arbutil/src/evm/storage.rs`, `StorageCache::REQUIRED_ACCESS_GAS = Gas(10)`.
pub const STORAGE_CACHE_REQUIRED_ACCESS_GAS: u64 = 10;

/// Gas of the `n`-th read served by a program's storage cache (1-based): free for the
/// first 32, 2 up to 128, 10 after.
///
/// Source: `arbitrator/arbutil/src/evm/storage.rs`, `StorageCache::read_gas`.
#[must_use]
pub fn cache_read_gas(n: u64) -> u64 {
    match n {
        0..=32 => 0,
        33..=128 => 2,
        _ => 10,
    }
}

/// Gas of the `n`-th write into a program's storage cache (1-based): free for the first
/// 8, 7 up to 64, 10 after.
///
/// Source: `arbitrator/arbutil/src/evm/storage.rs`, `StorageCache::write_gas`.
#[must_use]
pub fn cache_write_gas(n: u64) -> u64 {
    match n {
        0..=8 => 0,
        9..=64 => 7,
        _ => 10,
    }
}

/// Gas charged for a return of `size` bytes at least: EVM memory expansion for that size
/// (`3 * words + words^2 / 512`), applied since `ArbosVersion_StylusFixes`.
///
/// Source: `arbos/programs/programs.go`, `evmMemoryCost` in `CallProgram`.
#[must_use]
pub fn evm_memory_cost(size: u64) -> u64 {
    let words = size.div_ceil(32);
    words.saturating_mul(MEMORY_GAS).saturating_add(words.saturating_mul(words) / QUAD_COEFF_DIV)
}

// ---- memory model ----------------------------------------------------------------------------

/// The exponential part of the page price, by pages ever open in the transaction.
///
/// Source: `arbos/programs/memory.go`, `memoryExponents`.
#[rustfmt::skip]
pub const MEMORY_EXPONENTS: [u32; 129] = [
    1, 1, 1, 1, 1, 1, 2, 2, 2, 3, 3, 4, 5, 5, 6, 7, 8, 9, 11, 12, 14, 17, 19, 22, 25, 29, 33, 38,
    43, 50, 57, 65, 75, 85, 98, 112, 128, 147, 168, 193, 221, 253, 289, 331, 379, 434, 497, 569,
    651, 745, 853, 976, 1117, 1279, 1463, 1675, 1917, 2194, 2511, 2874, 3290, 3765, 4309, 4932,
    5645, 6461, 7395, 8464, 9687, 11087, 12689, 14523, 16621, 19024, 21773, 24919, 28521, 32642,
    37359, 42758, 48938, 56010, 64104, 73368, 83971, 96106, 109994, 125890, 144082, 164904, 188735,
    216010, 247226, 282953, 323844, 370643, 424206, 485509, 555672, 635973, 727880, 833067, 953456,
    1091243, 1248941, 1429429, 1636000, 1872423, 2143012, 2452704, 2807151, 3212820, 3677113,
    4208502, 4816684, 5512756, 6309419, 7221210, 8264766, 9459129, 10826093, 12390601, 14181199,
    16230562, 18576084, 21260563, 24332984, 27849408, 31873999,
];

/// The exponential term for `pages` ever open (`u64::MAX` beyond the table).
fn memory_exp(pages: u16) -> u64 {
    MEMORY_EXPONENTS.get(usize::from(pages)).map_or(u64::MAX, |x| u64::from(*x))
}

/// Gas to open `new` pages while `open` are open and `ever` have ever been open in the
/// transaction: free until [`FREE_PAGES`] are exceeded, then [`PAGE_GAS`] per page plus the
/// growth of the exponential term.
///
/// Source: `arbos/programs/memory.go`, `MemoryModel::GasCost`.
#[must_use]
pub fn memory_gas_cost(new: u16, open: u16, ever: u16) -> u64 {
    let new_open = open.saturating_add(new);
    let new_ever = ever.max(new_open);
    if new_ever <= FREE_PAGES {
        return 0;
    }
    let sub_free = |pages: u16| pages.saturating_sub(FREE_PAGES);
    let adding = sub_free(new_open).saturating_sub(sub_free(open));
    let linear = u64::from(adding).saturating_mul(u64::from(PAGE_GAS));
    let expand = memory_exp(new_ever).saturating_sub(memory_exp(ever));
    linear.saturating_add(expand)
}

/// Gas of a program's entry: [`MIN_CACHED_INIT_GAS`] units plus its activation-time
/// `cached_cost` scaled, on every call (Stylus version 2), plus [`MIN_INIT_GAS`] units and
/// its `init_cost` scaled when the program is not cached.
///
/// Source: `arbos/programs/programs.go`, `CallProgram` (`if cached || program.version > 1
/// { callCost += cachedGas }; if !cached { callCost += initGas }`), `Program.initGas`,
/// `Program.cachedGas`.
#[must_use]
pub fn entry_gas(init_cost: u16, cached_cost: u16, cached: bool) -> u64 {
    let scaled = |cost: u16, scalar: u64| {
        u64::from(cost).saturating_mul(scalar * COST_SCALAR_PERCENT).div_ceil(100)
    };
    let cached_gas =
        MIN_CACHED_INIT_GAS * MIN_CACHED_GAS_UNITS + scaled(cached_cost, CACHED_COST_SCALAR);
    let init_gas = MIN_INIT_GAS * MIN_INIT_GAS_UNITS + scaled(init_cost, INIT_COST_SCALAR);
    if cached {
        cached_gas
    } else {
        cached_gas + init_gas
    }
}

// ---- opcodes ---------------------------------------------------------------------------------

/// Ink of one wasm operator: Nitro's `pricing_v1` table; `u64::MAX` for what Stylus does
/// not support (floats, SIMD, reference types, atomics, exceptions, tail calls,
/// `memory.init`/`data.drop` and the table operators). `types` resolves `call_indirect`'s
/// type, whose price grows with its parameter count.
///
/// Source: `arbitrator/prover/src/programs/meter.rs`, `pricing_v1`:
///
/// | ink | operators |
/// | --- | --- |
/// | 1 | `unreachable`, `return`, `nop`, `i32.const`, `i64.const`, `block`, `loop`, `else`, `end`, `memory.grow` (pages are priced by `pay_for_memory_grow`) |
/// | 9 | `drop` |
/// | 765 | `br`, `br_if`, `if` |
/// | 1250 | `select` |
/// | 3800 | `call` |
/// | 75 | `local.get`, `local.tee` |
/// | 210 | `local.set`, `i32.clz`, `i32.ctz`, `i64.clz`, `i64.ctz` |
/// | 225 | `global.get`, i64 comparisons and `i64.eqz` |
/// | 575 | `global.set` |
/// | 670 | i32 loads |
/// | 680 | i64 loads |
/// | 825 | i32 stores |
/// | 950 | i64 stores, `memory.copy`, `memory.fill` (plus 100 per byte at run time) |
/// | 3000 | `memory.size` |
/// | 170 | i32 comparisons and `i32.eqz` |
/// | 70 | `i32.add`, `i32.sub`, i32 bitwise and shifts/rotates |
/// | 100 | `i64.add`, `i64.sub`, i64 bitwise and shifts/rotates, wraps, extends, sign-extensions |
/// | 160 | `i32.mul`, `i64.mul` |
/// | 1120 | i32 division and remainder |
/// | 1270 | i64 division and remainder |
/// | 2650 | `i32.popcnt` |
/// | 6000 | `i64.popcnt` |
/// | 2400 + 325 per target | `br_table` (targets not counting the default) |
/// | 13610 + 650 per parameter | `call_indirect` |
#[must_use]
#[allow(
    clippy::match_same_arms,
    reason = "one arm per row of Nitro's table keeps the correspondence checkable"
)]
pub fn op_ink(op: &Operator<'_>, types: &[FuncType]) -> u64 {
    use Operator as O;
    match op {
        O::Unreachable | O::Return | O::Nop | O::I32Const { .. } | O::I64Const { .. } => 1,
        O::Drop => 9,
        O::Block { .. } | O::Loop { .. } | O::Else | O::End => 1,
        O::Br { .. } | O::BrIf { .. } | O::If { .. } => 765,
        O::Select => 1250,
        O::Call { .. } => 3800,
        O::LocalGet { .. } | O::LocalTee { .. } => 75,
        O::LocalSet { .. } => 210,
        O::GlobalGet { .. } => 225,
        O::GlobalSet { .. } => 575,
        O::I32Load { .. }
        | O::I32Load8S { .. }
        | O::I32Load8U { .. }
        | O::I32Load16S { .. }
        | O::I32Load16U { .. } => 670,
        O::I64Load { .. }
        | O::I64Load8S { .. }
        | O::I64Load8U { .. }
        | O::I64Load16S { .. }
        | O::I64Load16U { .. }
        | O::I64Load32S { .. }
        | O::I64Load32U { .. } => 680,
        O::I32Store { .. } | O::I32Store8 { .. } | O::I32Store16 { .. } => 825,
        O::I64Store { .. } | O::I64Store8 { .. } | O::I64Store16 { .. } | O::I64Store32 { .. } => {
            950
        }
        O::MemorySize { .. } => 3000,
        O::MemoryGrow { .. } => 1,
        O::I32Eqz
        | O::I32Eq
        | O::I32Ne
        | O::I32LtS
        | O::I32LtU
        | O::I32GtS
        | O::I32GtU
        | O::I32LeS
        | O::I32LeU
        | O::I32GeS
        | O::I32GeU => 170,
        O::I64Eqz
        | O::I64Eq
        | O::I64Ne
        | O::I64LtS
        | O::I64LtU
        | O::I64GtS
        | O::I64GtU
        | O::I64LeS
        | O::I64LeU
        | O::I64GeS
        | O::I64GeU => 225,
        O::I32Clz | O::I32Ctz => 210,
        O::I32Add | O::I32Sub => 70,
        O::I32Mul => 160,
        O::I32DivS | O::I32DivU | O::I32RemS | O::I32RemU => 1120,
        O::I32And
        | O::I32Or
        | O::I32Xor
        | O::I32Shl
        | O::I32ShrS
        | O::I32ShrU
        | O::I32Rotl
        | O::I32Rotr => 70,
        O::I64Clz | O::I64Ctz => 210,
        O::I64Add | O::I64Sub => 100,
        O::I64Mul => 160,
        O::I64DivS | O::I64DivU | O::I64RemS | O::I64RemU => 1270,
        O::I64And
        | O::I64Or
        | O::I64Xor
        | O::I64Shl
        | O::I64ShrS
        | O::I64ShrU
        | O::I64Rotl
        | O::I64Rotr => 100,
        O::I32Popcnt => 2650,
        O::I64Popcnt => 6000,
        O::I32WrapI64 | O::I64ExtendI32S | O::I64ExtendI32U => 100,
        O::I32Extend8S | O::I32Extend16S | O::I64Extend8S | O::I64Extend16S | O::I64Extend32S => {
            100
        }
        O::MemoryCopy { .. } | O::MemoryFill { .. } => 950,
        O::BrTable { targets } => 2400 + 325 * u64::from(targets.len()),
        O::CallIndirect { type_index, .. } => {
            let params = types.get(*type_index as usize).map_or(0, |t| t.params().len());
            13_610 + 650 * params as u64
        }
        _ => u64::MAX,
    }
}

/// Whether `op` ends a basic block: the meter charges a block, header included, before
/// its first operator, and a block runs to the first operator for which this is true.
///
/// Source: `arbitrator/arbutil/src/operator.rs`, `OperatorInfo::ends_basic_block`:
/// `End | Else | Return | Loop | Br | BrTable | BrIf | If | Call | CallIndirect`.
#[must_use]
pub fn ends_basic_block(op: &Operator<'_>) -> bool {
    matches!(
        op,
        Operator::End
            | Operator::Else
            | Operator::Return
            | Operator::Loop { .. }
            | Operator::Br { .. }
            | Operator::BrTable { .. }
            | Operator::BrIf { .. }
            | Operator::If { .. }
            | Operator::Call { .. }
            | Operator::CallIndirect { .. }
    )
}

/// Activation-time cost predictions of an instrumented module, from its counts.
///
/// Source: `arbitrator/prover/src/binary.rs`, `WasmBinary::instrument` ("predict costs"):
/// `cached_init = funcs*13420/100000 + type_len*89/100000 + wasm_len*122/100000 +
/// globals*1628/1000 + data_len*75244/100000 + footprint*5`; `init = cached_init +
/// funcs*8252/1000 + type_len*1059/1000 + wasm_len*1286/10000`; `asm_estimate = 512000 +
/// funcs*996829/1000 + type_len*11416/1000 + wasm_len*62628/10000`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CostInputs {
    /// Functions defined by the module (`codes.len()`).
    pub funcs: u64,
    /// Parameters plus results over the types of the defined functions.
    pub type_len: u64,
    /// Size of the (decompressed, uninstrumented) wasm in bytes.
    pub wasm_len: u64,
    /// Globals after instrumentation (the module's own plus the four the middlewares add).
    pub globals: u64,
    /// Bytes of data segments plus the byte length of element segments.
    pub data_len: u64,
    /// Initial memory pages.
    pub footprint: u16,
}

impl CostInputs {
    /// `(init_cost, cached_init_cost, asm_estimate)`, saturated to their stored widths.
    #[must_use]
    pub fn predict(&self) -> (u16, u16, u32) {
        let mut cached: u64 = 0;
        cached = cached.saturating_add(self.funcs.saturating_mul(13_420) / 100_000);
        cached = cached.saturating_add(self.type_len.saturating_mul(89) / 100_000);
        cached = cached.saturating_add(self.wasm_len.saturating_mul(122) / 100_000);
        cached = cached.saturating_add(self.globals.saturating_mul(1628) / 1000);
        cached = cached.saturating_add(self.data_len.saturating_mul(75_244) / 100_000);
        cached = cached.saturating_add(u64::from(self.footprint) * 5);
        let mut init = cached;
        init = init.saturating_add(self.funcs.saturating_mul(8252) / 1000);
        init = init.saturating_add(self.type_len.saturating_mul(1059) / 1000);
        init = init.saturating_add(self.wasm_len.saturating_mul(1286) / 10_000);
        let mut asm: u64 = 512_000;
        asm = asm.saturating_add(self.funcs.saturating_mul(996_829) / 1000);
        asm = asm.saturating_add(self.type_len.saturating_mul(11_416) / 1000);
        asm = asm.saturating_add(self.wasm_len.saturating_mul(62_628) / 10_000);
        (
            u16::try_from(init).unwrap_or(u16::MAX),
            u16::try_from(cached).unwrap_or(u16::MAX),
            u32::try_from(asm).unwrap_or(u32::MAX),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn io_prices() {
        assert_eq!(PTR_INK, 5040);
        assert_eq!(write_price(32), 5040);
        assert_eq!(write_price(64), 5040 + 30 * 32);
        assert_eq!(read_price(0), 16_381);
        assert_eq!(read_price(100), 16_381 + 55 * 68);
        assert_eq!(keccak_price(64), 121_800);
        assert_eq!(keccak_price(65), 121_800 + 21_000);
        let mut exp = [0u8; 32];
        assert_eq!(pow_price(&exp), 3000 + 17_500);
        exp[31] = 2;
        assert_eq!(pow_price(&exp), 3000 + 2 * 17_500);
    }

    #[test]
    fn memory_model() {
        // The first two pages are free.
        assert_eq!(memory_gas_cost(2, 0, 0), 0);
        // A third page: 1000 linear, exp(3) - exp(0) = 0.
        assert_eq!(memory_gas_cost(3, 0, 0), 1000);
        // Pages already paid for in the transaction are only linear when reopened.
        assert_eq!(memory_gas_cost(3, 0, 3), 1000);
        // exp(4) - exp(3) = 0.
        assert_eq!(memory_gas_cost(1, 3, 3), 1000);
        // 128 pages at once from nothing.
        assert_eq!(memory_gas_cost(128, 0, 0), 126 * 1000 + 31_873_999 - 1);
        assert_eq!(memory_gas_cost(1, 128, 128), u64::MAX - 31_873_999 + 1000);
    }

    #[test]
    fn entry_costs() {
        // Version 2: cached = 352 + ceil(c), uncached = that plus 8832 + ceil(i).
        assert_eq!(entry_gas(0, 0, true), 352);
        assert_eq!(entry_gas(0, 0, false), 352 + 8832);
        assert_eq!(entry_gas(3, 1, false), 352 + 1 + 8832 + 3);
    }

    #[test]
    fn return_cost() {
        assert_eq!(evm_memory_cost(0), 0);
        assert_eq!(evm_memory_cost(32), 3);
        assert_eq!(evm_memory_cost(33), 6);
        assert_eq!(evm_memory_cost(32 * 512), 3 * 512 + 512);
    }
}
