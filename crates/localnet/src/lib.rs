//! `mutual-localnet`: a local Arbitrum Stylus runner with Nitro's ink pricing.
//!
//! Native tests run the Rust source of a contract, not the program that is deployed. This
//! crate runs the deployed artifact itself (the exact `.wasm` of `target/stylus/`) the way
//! an Arbitrum Nitro node does, and prices every operation as Nitro does, so each contract
//! can be tested as deployed and each operation has a gas figure.
//!
//! ```no_run
//! use mutual_localnet::{Localnet, Address, U256};
//!
//! let mut net = Localnet::new();
//! let alice = Address::repeat_byte(0xa1);
//! net.set_balance(alice, U256::from(10u64).pow(U256::from(18u64)));
//! let wasm = std::fs::read("target/stylus/mutual-bs-bench.wasm").unwrap();
//! let program = net.deploy(alice, &wasm).unwrap().address;
//! let result = net.call(alice, program, &[0x5d, 0xfc, 0x2e, 0x4a], U256::ZERO);
//! println!("{} gas, {} ink", result.gas_used, result.ink_used);
//! ```
//!
//! # How it works
//!
//! - **Activation** ([`Localnet::deploy`], [`activate`]): `mutual-wasm-check`'s contract
//!   rules (the ones Nitro's activation enforces, with the same reasons), Nitro's import
//!   checks and page limit; then the module is **instrumented the way Nitro's compiler
//!   middlewares instrument it** ([`instrument`]): ink-meter headers before every basic
//!   block, per-byte charges before `memory.fill`/`memory.copy`, the depth checker, and a
//!   `pay_for_memory_grow` call before each `memory.grow`. The activation-time cost
//!   predictions (`init_cost`, `cached_init_cost`, `footprint`, `asm_estimate`) are
//!   computed with Nitro's formulas. The deployed code is `0xEFF000`, a zero dictionary
//!   byte and the brotli-compressed wasm, as `cargo stylus` deploys it.
//! - **Execution**: the instrumented module runs in `wasmi` (a pure-Rust interpreter); the
//!   ink left lives in the module's own `stylus_ink_left` global, decremented by the
//!   injected headers exactly as in Nitro, and the host functions
//!   charge their ink and gas into the same global. Running out of ink traps and consumes
//!   all the frame's gas. Metering is therefore exact by construction: the interpreter runs
//!   the same instrumented code Nitro compiles, so the ink does not depend on wasmi.
//! - **Program entry** (Nitro's `CallProgram`): the memory model (2 free pages per
//!   transaction, 1000 gas per page and the exponential table), then the entry cost: with
//!   Stylus version 2, `352 + cached_init_cost` (scaled 100%) on every call, plus
//!   `8832 + init_cost` when the program is not cached. A program is cached when it is in
//!   `ArbOS`'s program cache ([`Localnet::set_cached`], the `CacheManager`'s job on chain) or,
//!   with `ArbOS` 60's block cache enabled ([`Localnet::set_recent_wasms`]), when it already
//!   ran in the same block (up to 32 programs). Gas becomes ink at 10,000 ink per gas and
//!   back, rounded down; a non-empty return costs at least EVM memory for it.
//! - **World state**: accounts, storage, transient storage, logs, EIP-2929 access lists
//!   and the refund counter, journaled so a failed frame undoes its storage, balances,
//!   logs, warm slots and nested calls. Each program frame has Nitro's storage cache:
//!   loads are served from it (the first 32 for free), stores stay in it until
//!   `storage_flush_cache` (the SDK flushes before every call and at the end of the entry
//!   point), and flushes pay EIP-2200/3529 `SSTORE` gas with refunds. Calls apply the 63/64
//!   rule and the value stipend as Nitro's `doCall`; `msg_reentrant` is true when the same
//!   contract already has an open (non-delegate) frame, and stylus-sdk programs refuse such
//!   calls unless built with the `reentrant` feature.
//! - **Transactions** ([`Localnet::call`]): 21,000 gas plus calldata gas, the call, and
//!   the refund capped at a fifth of the gas used. [`CallResult`] carries the success, the
//!   return or revert data, the logs, the transaction's gas, the frame's execution gas,
//!   the entry cost, and the ink of the top program frame split into opcode ink and hostio
//!   ink (with a per-hostio breakdown); programs deployed with [`DeployOptions::profile`]
//!   also report the ink burnt in each of their functions ([`ProgramProfile`]).
//! - **Tests**: balances, storage and code are readable and settable; block number and
//!   timestamp can be moved ([`Localnet::roll`], [`Localnet::warp`]); snapshots
//!   ([`Localnet::snapshot`], [`Localnet::revert_to`]); addresses can be given a Rust
//!   stand-in ([`Localnet::register_native`]) for contracts that are not Stylus programs.
//!   [`CallResult::frames`] lists every program frame a transaction ran, and
//!   [`Localnet::dump`] the whole state, so a test can check that a revert changed nothing.
//! - **Mutual** ([`protocol`]): the protocol's artifacts, governance parameter set and
//!   constructors, deployed in one call, and a stand-in for the market's views; the
//!   end-to-end tests (`test/tests/e2e/`) and the gas report use it.
//!
//! Every price comes from Nitro's public source and is quoted with its file in
//! [`pricing`]. Nitro's code is not reused (it is BSL-licensed); this crate is an
//! independent implementation of its specification.
//!
//! # Known differences from Nitro
//!
//! - **No EVM.** EVM bytecode cannot run: calling an account whose code is not a Stylus
//!   program fails (as an exceptional halt). `create1`/`create2` do not run their init code;
//!   an init code that ends with a Stylus program (`0xEFF000...`, as `cargo stylus` builds
//!   it) deploys that program, charging the EVM's 200 gas per code byte for the deposit,
//!   anything else fails the program. Precompiles (`ArbSys`, `ArbWasm`, ecrecover...) are
//!   not implemented; [`Localnet::register_native`] can stand in for them.
//! - **Activation is free and implicit.** [`Localnet::deploy`] activates the program at
//!   once; the `ArbWasm.activateProgram` gas and data fee, program expiry and keep-alive are
//!   not modelled. Programs deployed by `create1`/`create2` are activated at once too
//!   (Nitro needs a separate activation).
//! - **Deployment** puts the program at the `CREATE` address of the deployer account and
//!   calls the constructor from [`STYLUS_DEPLOYER`] (as `cargo stylus deploy` does through
//!   its `StylusDeployer`), but it does not run the `StylusDeployer` contract itself.
//! - **Cost inputs approximations**: Nitro's `data_len` counts `Data::range`/`Element::range`
//!   as its wasmparser version reports them; this crate uses wasmparser 0.258's ranges of
//!   the same segments, which should match but was not compared against a node. Likewise
//!   the globals count includes the four globals the middlewares add, as Nitro's does.
//! - **Storage flush order**: Nitro flushes its cache in hash-map order; this crate in
//!   ascending key order. Only a flush that runs out of gas part-way can tell.
//! - **Failures inside hostios** (a bad log, a write in a static call, a create error, a
//!   flush out of gas): Nitro turns them into a program failure, a revert without data;
//!   so does this crate. Its failure reasons are its own words.
//! - **No fees.** Gas is counted but never paid for; balances only move by value transfers.
//!   Arbitrum's L1 data cost (poster fee) is not modelled: the gas figures are L2 gas.
//! - **`block_number`** returns the number set with [`Localnet::roll`] (on Arbitrum it is
//!   the L1 block number estimate).
//! - **Versions**: the parameters are Stylus version 2's initial ones (ink price 10,000,
//!   `MinInitGas` 69, `MinCachedInitGas` 11, scalars 50, free pages 2, page gas 1000, page
//!   limit 128, stack depth 262,144 words) with the `ArbOS` charging fixes and the
//!   return-data floor; a chain owner can change them (`ArbOwner`), which this crate does
//!   not follow.
//! - **Interpreter limits**: wasmi's own stack limits are set well above what Nitro's
//!   depth checker allows, so Nitro's out-of-stack comes first; a host (Rust) stack
//!   overflow could in principle come first for deep chains of nested calls.
//! - **`pay_for_memory_grow`** reads its argument as Nitro's `u16` (wider values truncated).
//!
//! # Assumptions (read from Nitro's source, not checked against a running node)
//!
//! - The depth checker counts a function's declared locals, not its parameters (Nitro's
//!   `Code::locals` is filled from the locals reader only).
//! - Wasm page counters (`open`, `ever`) and the access list start afresh with each
//!   transaction; the free pages are per transaction (`arbos/programs/params.go`: "2 pages
//!   come free (per tx)").
//! - `msg_reentrant` is `TxProcessor.Programs[address] > 1`, the count of open frames of the
//!   address, delegate calls not counted (`arbos/tx_processor.go` `ExecuteWASM`, `PushContract`).
//! - A program's trap (`unreachable`, a bad memory access) is `UserOutcome::Failure`, which
//!   `arbos/programs/programs.go` (`toResult`) returns as `ErrExecutionReverted` without
//!   data: the unused gas is kept.

mod exec;
mod host;
pub mod instrument;
pub mod pricing;
mod program;
pub mod protocol;
mod state;

use std::collections::BTreeMap;
use std::io::Read as _;
use std::rc::Rc;

pub use alloy_primitives::{Address, B256, U256};
use alloy_sol_types::SolCall;

use exec::{CallKind, Message, Runtime, Status};
use program::Program;
pub use program::{ActivateOptions, ActivationError, ActivationInfo, MAX_CODE_SIZE, STYLUS_PREFIX};
use state::{BlockEnv, World};

/// The address `cargo stylus deploy` calls constructors from: its `StylusDeployer`
/// (`msg_sender` of a constructor; `tx_origin` is the deploying account).
pub const STYLUS_DEPLOYER: Address =
    alloy_primitives::address!("cEcba2F1DC234f70Dd89F2041029807F8D03A990");

/// The selector of a stylus-sdk 0.9 constructor call: `keccak256("stylus_constructor()")`'s
/// first four bytes (stylus-sdk `abi::CONSTRUCTOR_SELECTOR`). The constructor's arguments
/// follow it, ABI-encoded.
#[must_use]
pub fn constructor_selector() -> [u8; 4] {
    let hash = alloy_primitives::keccak256(b"stylus_constructor()");
    [hash[0], hash[1], hash[2], hash[3]]
}

/// Default gas limit of a transaction.
pub const DEFAULT_GAS_LIMIT: u64 = 32_000_000;

/// A log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Log {
    /// The emitting contract.
    pub address: Address,
    /// Up to four topics.
    pub topics: Vec<B256>,
    /// The data.
    pub data: Vec<u8>,
}

/// A call to a native (Rust) stand-in.
#[derive(Clone, Copy, Debug)]
pub struct NativeCall<'a> {
    /// `msg.sender`.
    pub caller: Address,
    /// The address called (the storage context for a delegate call).
    pub address: Address,
    /// `msg.value`.
    pub value: U256,
    /// Calldata.
    pub input: &'a [u8],
    /// Whether the call is read-only.
    pub read_only: bool,
}

/// What a native stand-in returns.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NativeOutcome {
    /// Success (else a revert).
    pub success: bool,
    /// Return or revert data.
    pub output: Vec<u8>,
    /// Gas the call consumes.
    pub gas_used: u64,
}

/// A native stand-in for an address.
pub type NativeHandler = Rc<dyn Fn(&NativeCall<'_>) -> NativeOutcome>;

/// Ink burnt in one function of a profiled program.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FunctionProfile {
    /// The function's name (from the name section, else an export, else `func[i]`).
    pub name: String,
    /// Ink of the basic blocks (and `memory.fill`/`copy` bytes) executed in it, callees
    /// excluded.
    pub ink: u64,
    /// Times it was called.
    pub calls: u64,
}

/// Calls and ink of one hostio.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostioStat {
    /// The hostio.
    pub name: String,
    /// Calls.
    pub calls: u64,
    /// Ink it charged (including EVM gas bought as ink).
    pub ink: u64,
}

/// The ink profile of one run of a profiled program.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProgramProfile {
    /// The program's address.
    pub address: Address,
    /// Every defined function, in index order.
    pub functions: Vec<FunctionProfile>,
    /// Every hostio called.
    pub hostios: Vec<HostioStat>,
}

impl ProgramProfile {
    /// The functions that burnt ink, most first.
    #[must_use]
    pub fn top(&self) -> Vec<&FunctionProfile> {
        let mut top: Vec<&FunctionProfile> = self.functions.iter().filter(|f| f.ink > 0).collect();
        top.sort_by(|a, b| b.ink.cmp(&a.ink).then_with(|| a.name.cmp(&b.name)));
        top
    }

    /// Ink of every function together.
    #[must_use]
    pub fn total_ink(&self) -> u64 {
        self.functions.iter().map(|f| f.ink).sum()
    }
}

/// One program frame of a transaction (the top call and every nested call that ran a
/// program), from [`CallResult::frames`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FrameInfo {
    /// Call depth: 0 for the transaction's own call.
    pub depth: usize,
    /// `"call"`, `"staticcall"` or `"delegatecall"`.
    pub kind: &'static str,
    /// The account whose storage the frame acts on.
    pub address: Address,
    /// The account whose code ran.
    pub code_address: Address,
    /// `msg_sender` of the frame.
    pub caller: Address,
    /// Whether it returned (else it reverted or failed; its changes were undone).
    pub success: bool,
    /// Gas given to the frame.
    pub gas: u64,
    /// Gas it consumed: its entry cost, its own ink and everything its nested calls used.
    pub gas_used: u64,
    /// Its entry cost (memory and init).
    pub entry_gas: u64,
    /// Ink the program consumed (its hostio ink includes the gas its nested calls used).
    pub ink_used: u64,
    /// Of which the ink of its own wasm operators (nested frames excluded).
    pub compute_ink: u64,
    /// Of which the ink its hostios charged.
    pub hostio_ink: u64,
}

/// The result of a transaction or static call.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CallResult {
    /// Whether the call succeeded.
    pub success: bool,
    /// Return data on success, revert data on a revert (empty on other failures).
    pub output: Vec<u8>,
    /// Logs emitted (none if the call failed).
    pub logs: Vec<Log>,
    /// Gas of the transaction: intrinsic plus execution, less the refund.
    pub gas_used: u64,
    /// Gas the call frame consumed (entry cost included, refund not deducted).
    pub execution_gas: u64,
    /// Intrinsic gas: 21,000 plus calldata.
    pub intrinsic_gas: u64,
    /// Refund applied.
    pub refund: u64,
    /// Entry cost of the called program (memory and init), if a program ran.
    pub entry_gas: u64,
    /// Ink the top program frame consumed: opcodes and hostios.
    pub ink_used: u64,
    /// Of which the ink of the wasm operators (basic-block headers and bulk-memory bytes).
    pub compute_ink: u64,
    /// Of which the ink charged by hostios (EVM gas they bought included).
    pub hostio_ink: u64,
    /// Per-hostio calls and ink of the top program frame.
    pub hostios: Vec<HostioStat>,
    /// Why the call failed, if it did (out of ink, a trap, a revert...).
    pub error: Option<String>,
    /// Console output (debug programs).
    pub console: Vec<String>,
    /// Ink profiles of the profiled programs that ran, in order of completion.
    pub profiles: Vec<ProgramProfile>,
    /// Every program frame that ran, in call order (reverted ones included).
    pub frames: Vec<FrameInfo>,
}

impl CallResult {
    /// Decodes the return data as `C`'s return type.
    ///
    /// # Errors
    /// If the call failed or the data does not decode.
    pub fn decode<C: SolCall>(&self) -> Result<C::Return, CallError> {
        if !self.success {
            return Err(CallError::Failed(Box::new(self.clone())));
        }
        C::abi_decode_returns(&self.output, true).map_err(|e| CallError::Decode(e.to_string()))
    }
}

/// A typed call that did not return.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CallError {
    /// The call failed or reverted.
    Failed(Box<CallResult>),
    /// The return data did not decode.
    Decode(String),
}

impl std::fmt::Display for CallError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Failed(r) => write!(
                f,
                "call failed: {} (output 0x{})",
                r.error.as_deref().unwrap_or("reverted"),
                alloy_primitives::hex::encode(&r.output)
            ),
            Self::Decode(e) => write!(f, "return data did not decode: {e}"),
        }
    }
}

impl std::error::Error for CallError {}

/// How to deploy a program.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DeployOptions {
    /// ABI-encoded constructor arguments: if set, the constructor is called (selector
    /// [`constructor_selector`]) right after deployment.
    pub constructor: Option<Vec<u8>>,
    /// Value sent to the constructor.
    pub value: U256,
    /// Activate on a "debug chain": `console` imports allowed.
    pub debug: bool,
    /// Count the ink of each function (same ink charged; see [`ProgramProfile`]).
    pub profile: bool,
}

/// A deployed program.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Deployment {
    /// Its address.
    pub address: Address,
    /// Its code hash.
    pub code_hash: B256,
    /// Activation data.
    pub activation: ActivationInfo,
    /// The constructor call, if one was made.
    pub constructor: Option<CallResult>,
}

/// Why a deployment failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DeployError {
    /// Activation refused the program.
    Activation(ActivationError),
    /// The constructor failed (the program is not deployed).
    Constructor(Box<CallResult>),
}

impl std::fmt::Display for DeployError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Activation(e) => e.fmt(f),
            Self::Constructor(r) => write!(
                f,
                "constructor failed: {} (output 0x{})",
                r.error.as_deref().unwrap_or("reverted"),
                alloy_primitives::hex::encode(&r.output)
            ),
        }
    }
}

impl std::error::Error for DeployError {}

/// Checks and instruments `wasm` as Nitro's activation would, without deploying it.
///
/// # Errors
/// Every rule the program breaks.
pub fn activate(wasm: &[u8], options: ActivateOptions) -> Result<ActivationInfo, ActivationError> {
    program::activate(wasm, options).map(|a| a.info)
}

/// The state of one account, from [`Localnet::account_state`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AccountState {
    /// Balance in wei.
    pub balance: U256,
    /// Nonce.
    pub nonce: u64,
    /// Code hash (`keccak256("")` without code).
    pub code_hash: B256,
    /// Non-zero storage slots.
    pub storage: BTreeMap<B256, B256>,
}

/// The whole world state, from [`Localnet::dump`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StateDump {
    /// Every account that exists.
    pub accounts: BTreeMap<Address, AccountState>,
    /// How many logs were emitted so far.
    pub logs: usize,
}

impl StateDump {
    /// What differs from `other`, one line per difference (empty when equal), nonces of
    /// the accounts in `ignore_nonces` aside (a transaction bumps its sender's nonce even
    /// when it reverts).
    #[must_use]
    pub fn diff(&self, other: &Self, ignore_nonces: &[Address]) -> Vec<String> {
        let mut out = Vec::new();
        if self.logs != other.logs {
            out.push(format!("logs: {} -> {}", self.logs, other.logs));
        }
        let addresses: std::collections::BTreeSet<&Address> =
            self.accounts.keys().chain(other.accounts.keys()).collect();
        for address in addresses {
            let (a, b) = match (self.accounts.get(address), other.accounts.get(address)) {
                (Some(a), Some(b)) => (a, b),
                (Some(_), None) => {
                    out.push(format!("{address}: removed"));
                    continue;
                }
                (None, Some(_)) => {
                    out.push(format!("{address}: created"));
                    continue;
                }
                (None, None) => continue,
            };
            if a.balance != b.balance {
                out.push(format!("{address}: balance {} -> {}", a.balance, b.balance));
            }
            if a.nonce != b.nonce && !ignore_nonces.contains(address) {
                out.push(format!("{address}: nonce {} -> {}", a.nonce, b.nonce));
            }
            if a.code_hash != b.code_hash {
                out.push(format!("{address}: code {} -> {}", a.code_hash, b.code_hash));
            }
            let keys: std::collections::BTreeSet<&B256> =
                a.storage.keys().chain(b.storage.keys()).collect();
            for key in keys {
                let (x, y) = (a.storage.get(key), b.storage.get(key));
                if x != y {
                    let zero = B256::ZERO;
                    out.push(format!(
                        "{address}: slot {key} {} -> {}",
                        x.unwrap_or(&zero),
                        y.unwrap_or(&zero)
                    ));
                }
            }
        }
        out
    }
}

/// A snapshot of the whole state, from [`Localnet::snapshot`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SnapshotId(usize);

/// The local chain.
pub struct Localnet {
    /// The state.
    world: World,
    /// Snapshots.
    snapshots: Vec<World>,
}

impl Default for Localnet {
    fn default() -> Self {
        Self::new()
    }
}

impl Localnet {
    /// An empty chain: Arbitrum One's chain id (42161), block 1 at timestamp 1,700,000,000,
    /// a 0.01 gwei basefee and a 32M block gas limit.
    #[must_use]
    pub fn new() -> Self {
        let block = BlockEnv {
            number: 1,
            timestamp: 1_700_000_000,
            basefee: U256::from(10_000_000u64),
            coinbase: Address::with_last_byte(0xa4),
            gas_limit: DEFAULT_GAS_LIMIT,
            chain_id: 42_161,
        };
        Self { world: World::new(Rc::new(Runtime::new()), block), snapshots: Vec::new() }
    }

    // ---- chain ---------------------------------------------------------------------

    /// Sets the block timestamp.
    pub fn warp(&mut self, timestamp: u64) {
        self.world.block.timestamp = timestamp;
    }

    /// Sets the block number (a new block: the recent-wasms cache empties).
    pub fn roll(&mut self, number: u64) {
        self.world.block.number = number;
        self.world.new_block();
    }

    /// The block timestamp.
    #[must_use]
    pub fn timestamp(&self) -> u64 {
        self.world.block.timestamp
    }

    /// The block number.
    #[must_use]
    pub fn block_number(&self) -> u64 {
        self.world.block.number
    }

    /// Sets the chain id.
    pub fn set_chain_id(&mut self, chain_id: u64) {
        self.world.block.chain_id = chain_id;
    }

    /// Sets the basefee (also the gas price programs see).
    pub fn set_basefee(&mut self, basefee: U256) {
        self.world.block.basefee = basefee;
    }

    /// Puts the program at `address` in (or out of) `ArbOS`'s program cache: cached
    /// programs pay only the cached entry cost.
    pub fn set_cached(&mut self, address: Address, cached: bool) {
        let hash = self.world.code_hash(address);
        if cached {
            self.world.cached_programs.insert(hash);
        } else {
            self.world.cached_programs.remove(&hash);
        }
    }

    /// Models `ArbOS` 60's block-level cache: a program that already ran in the block (up to
    /// 32) pays the cached entry cost. Off by default (`ArbOS` before 60).
    pub fn set_recent_wasms(&mut self, enabled: bool) {
        self.world.recent_wasms_enabled = enabled;
    }

    /// Prints console output of debug programs to stderr as well.
    pub fn set_echo_console(&mut self, echo: bool) {
        self.world.echo_console = echo;
    }

    // ---- accounts ------------------------------------------------------------------

    /// Sets a balance.
    pub fn set_balance(&mut self, address: Address, value: U256) {
        self.world.poke_balance(address, value);
    }

    /// A balance.
    #[must_use]
    pub fn balance(&self, address: Address) -> U256 {
        self.world.balance(address)
    }

    /// A nonce.
    #[must_use]
    pub fn nonce(&self, address: Address) -> u64 {
        self.world.nonce(address)
    }

    /// The code of an account.
    #[must_use]
    pub fn code(&self, address: Address) -> Vec<u8> {
        self.world.code(address).as_ref().clone()
    }

    /// A storage slot.
    #[must_use]
    pub fn storage(&self, address: Address, key: B256) -> B256 {
        self.world.sload(address, key)
    }

    /// Sets a storage slot directly.
    pub fn set_storage(&mut self, address: Address, key: B256, value: B256) {
        self.world.poke_storage(address, key, value);
    }

    /// Every log emitted so far.
    #[must_use]
    pub fn logs(&self) -> &[Log] {
        &self.world.logs
    }

    /// Every non-zero storage slot of `address`, by key.
    #[must_use]
    pub fn storage_slots(&self, address: Address) -> BTreeMap<B256, B256> {
        self.world.storage_of(address)
    }

    /// Every account that exists, in address order.
    #[must_use]
    pub fn accounts(&self) -> Vec<Address> {
        self.world.addresses()
    }

    /// The whole state of `address`: balance, nonce, code hash and non-zero storage.
    #[must_use]
    pub fn account_state(&self, address: Address) -> AccountState {
        AccountState {
            balance: self.world.balance(address),
            nonce: self.world.nonce(address),
            code_hash: self.world.code_hash(address),
            storage: self.world.storage_of(address),
        }
    }

    /// The whole world state: every account's [`AccountState`] and the number of logs.
    /// Two dumps compare equal when no state changed ([`StateDump::diff`] says where they
    /// differ).
    #[must_use]
    pub fn dump(&self) -> StateDump {
        StateDump {
            accounts: self
                .world
                .addresses()
                .into_iter()
                .map(|address| (address, self.account_state(address)))
                .collect(),
            logs: self.world.logs.len(),
        }
    }

    /// Serves calls to `address` with `handler` (a stand-in for a contract that is not a
    /// Stylus program).
    pub fn register_native(&mut self, address: Address, handler: NativeHandler) {
        self.world.natives.insert(address, handler);
        if !self.world.exists(address) {
            self.world.poke_balance(address, U256::ZERO);
        }
    }

    // ---- snapshots -----------------------------------------------------------------

    /// Saves the whole state.
    pub fn snapshot(&mut self) -> SnapshotId {
        self.snapshots.push(self.world.clone());
        SnapshotId(self.snapshots.len() - 1)
    }

    /// Restores a snapshot (later snapshots are dropped, this one is kept); false if it
    /// does not exist.
    pub fn revert_to(&mut self, id: SnapshotId) -> bool {
        let Some(saved) = self.snapshots.get(id.0) else { return false };
        self.world = saved.clone();
        self.snapshots.truncate(id.0 + 1);
        true
    }

    // ---- programs ------------------------------------------------------------------

    /// Deploys `wasm` from `from`, without a constructor call.
    ///
    /// # Errors
    /// If activation refuses the program.
    pub fn deploy(&mut self, from: Address, wasm: &[u8]) -> Result<Deployment, DeployError> {
        self.deploy_with(from, wasm, &DeployOptions::default())
    }

    /// Deploys `wasm` from `from`: activation, the code at the `CREATE` address of `from`,
    /// and the constructor call if [`DeployOptions::constructor`] is set (from
    /// [`STYLUS_DEPLOYER`], `tx_origin` = `from`). A failed constructor leaves nothing.
    ///
    /// # Errors
    /// If activation refuses the program or the constructor fails.
    pub fn deploy_with(
        &mut self,
        from: Address,
        wasm: &[u8],
        options: &DeployOptions,
    ) -> Result<Deployment, DeployError> {
        let activate_options = ActivateOptions { debug: options.debug, profile: options.profile };
        let activated =
            program::activate(wasm, activate_options).map_err(DeployError::Activation)?;
        let module =
            wasmi::Module::new(&self.world.runtime.engine, &activated.wasm).map_err(|e| {
                DeployError::Activation(ActivationError { reasons: vec![format!("compile: {e}")] })
            })?;
        let saved = self.world.clone();
        let nonce = self.world.nonce(from);
        let address = create_address(from, nonce);
        self.world.poke_balance(from, self.world.balance(from));
        self.world.begin_tx(from, Some(address));
        if options.constructor.is_none() {
            // With a constructor, its transaction bumps the nonce: one transaction in all.
            self.world.set_nonce(from, nonce + 1);
        }
        self.world.set_nonce(address, 1);
        self.world.set_code(address, activated.code.clone());
        self.world.end_tx();
        let program = Program {
            module,
            info: activated.info.clone(),
            func_names: activated.func_names,
            profiled: options.profile,
        };
        self.world.programs.insert(activated.code_hash, Rc::new(program));
        let constructor = match &options.constructor {
            None => None,
            Some(args) => {
                let mut calldata = constructor_selector().to_vec();
                calldata.extend_from_slice(args);
                let result = self.transact(
                    from,
                    STYLUS_DEPLOYER,
                    address,
                    &calldata,
                    options.value,
                    DEFAULT_GAS_LIMIT,
                    false,
                );
                if !result.success {
                    self.world = saved;
                    return Err(DeployError::Constructor(Box::new(result)));
                }
                Some(result)
            }
        };
        Ok(Deployment {
            address,
            code_hash: activated.code_hash,
            activation: activated.info,
            constructor,
        })
    }

    // ---- calls ---------------------------------------------------------------------

    /// Sends a transaction from `from` to `to` with `calldata` and `value`
    /// ([`DEFAULT_GAS_LIMIT`] gas).
    pub fn call(&mut self, from: Address, to: Address, calldata: &[u8], value: U256) -> CallResult {
        self.call_with_gas(from, to, calldata, value, DEFAULT_GAS_LIMIT)
    }

    /// Sends a transaction with a gas limit.
    pub fn call_with_gas(
        &mut self,
        from: Address,
        to: Address,
        calldata: &[u8],
        value: U256,
        gas_limit: u64,
    ) -> CallResult {
        self.transact(from, from, to, calldata, value, gas_limit, false)
    }

    /// Runs a read-only call (like `eth_call` of a view function): nothing it does stays.
    pub fn static_call(&mut self, from: Address, to: Address, calldata: &[u8]) -> CallResult {
        let saved = self.world.clone();
        let result = self.transact(from, from, to, calldata, U256::ZERO, DEFAULT_GAS_LIMIT, true);
        self.world = saved;
        result
    }

    /// Sends `call` as a transaction and decodes its return.
    ///
    /// # Errors
    /// If the call fails or the return does not decode.
    pub fn call_sol<C: SolCall>(
        &mut self,
        from: Address,
        to: Address,
        call: &C,
    ) -> Result<C::Return, CallError> {
        self.call(from, to, &call.abi_encode(), U256::ZERO).decode::<C>()
    }

    /// Runs `call` read-only and decodes its return.
    ///
    /// # Errors
    /// If the call fails or the return does not decode.
    pub fn static_call_sol<C: SolCall>(
        &mut self,
        from: Address,
        to: Address,
        call: &C,
    ) -> Result<C::Return, CallError> {
        self.static_call(from, to, &call.abi_encode()).decode::<C>()
    }

    /// A transaction: intrinsic gas, the call (from `sender`, `tx_origin` = `origin`),
    /// the refund.
    #[allow(clippy::too_many_arguments, reason = "internal; every caller names them")]
    fn transact(
        &mut self,
        origin: Address,
        sender: Address,
        to: Address,
        calldata: &[u8],
        value: U256,
        gas_limit: u64,
        read_only: bool,
    ) -> CallResult {
        let intrinsic = pricing::TX_GAS
            + calldata
                .iter()
                .map(|b| {
                    if *b == 0 {
                        pricing::TX_DATA_ZERO_GAS
                    } else {
                        pricing::TX_DATA_NON_ZERO_GAS
                    }
                })
                .sum::<u64>();
        if gas_limit < intrinsic {
            return CallResult {
                error: Some(format!("intrinsic gas too low: {gas_limit} < {intrinsic}")),
                ..CallResult::default()
            };
        }
        let logs_before = self.world.logs.len();
        self.world.begin_tx(origin, Some(to));
        self.world.warm_address(sender);
        let nonce = self.world.nonce(origin);
        self.world.set_nonce(origin, nonce + 1);
        let gas = gas_limit - intrinsic;
        let msg = Message {
            kind: if read_only { CallKind::Static } else { CallKind::Call },
            caller: sender,
            address: to,
            code_address: to,
            value,
            input: calldata.to_vec(),
            gas,
            read_only,
        };
        let outcome = exec::call(&mut self.world, &msg);
        let execution_gas = gas - outcome.gas_left;
        let used = gas_limit - outcome.gas_left;
        let refund = self.world.refund().min(used / pricing::REFUND_QUOTIENT);
        let success = outcome.status == Status::Success;
        let console = std::mem::take(&mut self.world.console);
        let profiles =
            std::mem::take(&mut self.world.profiles).into_iter().map(|(_, p)| p).collect();
        let frames = std::mem::take(&mut self.world.frames);
        self.world.end_tx();
        let stats = outcome.stats.unwrap_or_default();
        let ink_used = stats.ink_start.saturating_sub(stats.ink_end);
        let error = match (&outcome.status, stats.error) {
            (Status::Fail(reason), _) => Some(reason.clone()),
            (_, Some(reason)) => Some(reason),
            (Status::Revert, None) => Some("reverted".to_owned()),
            (Status::Success, None) => None,
        };
        CallResult {
            success,
            output: outcome.output,
            logs: if success { self.world.logs[logs_before..].to_vec() } else { Vec::new() },
            gas_used: used - refund,
            execution_gas,
            intrinsic_gas: intrinsic,
            refund,
            entry_gas: stats.entry_gas,
            ink_used,
            compute_ink: ink_used.saturating_sub(stats.host_ink),
            hostio_ink: stats.host_ink,
            hostios: stats
                .hostios
                .into_iter()
                .map(|(name, (calls, ink))| HostioStat { name: name.to_owned(), calls, ink })
                .collect(),
            error,
            console,
            profiles,
            frames,
        }
    }
}

/// Activates a program deployed by `create1`/`create2` (its code is `runtime`), if it
/// decompresses and passes activation; otherwise calls to it fail as "not activated".
pub(crate) fn activate_code(world: &mut World, runtime: &[u8]) {
    let hash = alloy_primitives::keccak256(runtime);
    if world.programs.contains_key(&hash) {
        return;
    }
    let Some(compressed) = runtime.get(STYLUS_PREFIX.len() + 1..) else { return };
    if runtime.get(STYLUS_PREFIX.len()) != Some(&0) {
        return;
    }
    let mut wasm = Vec::new();
    let reader = brotli::Decompressor::new(compressed, 4096);
    if reader.take(128 * 1024 + 1).read_to_end(&mut wasm).is_err() || wasm.len() > 128 * 1024 {
        return;
    }
    let Ok(activated) = program::activate(&wasm, ActivateOptions::default()) else { return };
    let Ok(module) = wasmi::Module::new(&world.runtime.engine, &activated.wasm) else { return };
    let program =
        Program { module, info: activated.info, func_names: activated.func_names, profiled: false };
    world.programs.insert(hash, Rc::new(program));
}

/// The `CREATE` address of `sender` at `nonce`: `keccak256(rlp([sender, nonce]))[12..]`.
#[must_use]
pub fn create_address(sender: Address, nonce: u64) -> Address {
    let nonce_bytes = nonce.to_be_bytes();
    let skip = nonce_bytes.iter().take_while(|b| **b == 0).count();
    let mut nonce_rlp = Vec::with_capacity(9);
    match &nonce_bytes[skip..] {
        [] => nonce_rlp.push(0x80),
        [b] if *b < 0x80 => nonce_rlp.push(*b),
        bytes => {
            nonce_rlp.push(0x80 + u8::try_from(bytes.len()).unwrap_or(8));
            nonce_rlp.extend_from_slice(bytes);
        }
    }
    let mut rlp = Vec::with_capacity(32);
    rlp.push(0xc0 + 21 + u8::try_from(nonce_rlp.len()).unwrap_or(9));
    rlp.push(0x94);
    rlp.extend_from_slice(sender.as_slice());
    rlp.extend_from_slice(&nonce_rlp);
    Address::from_slice(&alloy_primitives::keccak256(&rlp)[12..])
}

/// The hostio statistics of a result as a map (for printing).
#[must_use]
pub fn hostio_map(result: &CallResult) -> BTreeMap<String, (u64, u64)> {
    result.hostios.iter().map(|h| (h.name.clone(), (h.calls, h.ink))).collect()
}

#[cfg(test)]
mod tests;
