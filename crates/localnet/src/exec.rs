//! Call frames: geth's `evm.Call` semantics around Nitro's `CallProgram`.

use std::collections::BTreeMap;
use std::rc::Rc;

use alloy_primitives::{Address, B256, U256};
use wasmi::{Config, Engine, Linker, StackLimits, Store, Val};

use crate::host::{self, Escape, Frame, StorageCache};
use crate::instrument::{INK_LEFT, INK_STATUS, PROF_CALLS_PREFIX, PROF_INK_PREFIX, STACK_LEFT};
use crate::pricing::{
    entry_gas, evm_memory_cost, memory_gas_cost, CALL_DEPTH_LIMIT, INK_PRICE, MAX_STACK_DEPTH,
};
use crate::program::{Program, STYLUS_PREFIX};
use crate::state::World;
use crate::{FrameInfo, FunctionProfile, HostioStat, NativeCall, ProgramProfile};

/// The interpreter and the host functions every program is linked against.
pub(crate) struct Runtime {
    /// The wasmi engine.
    pub(crate) engine: Engine,
    /// `vm_hooks` and `console`.
    pub(crate) linker: Linker<Frame>,
}

impl Runtime {
    /// A fresh runtime.
    pub(crate) fn new() -> Self {
        let mut config = Config::default();
        // Nitro bounds recursion with its own stack budget (the depth checker); the
        // interpreter's limits only need to stay out of its way.
        if let Ok(limits) = StackLimits::new(1024, 8 * 1024 * 1024, 100_000) {
            config.set_stack_limits(limits);
        }
        let engine = Engine::new(&config);
        let mut linker = Linker::new(&engine);
        host::define(&mut linker);
        Self { engine, linker }
    }
}

/// The kind of a call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CallKind {
    /// `CALL` (or a transaction).
    Call,
    /// `DELEGATECALL`: the callee's code in the caller's context.
    Delegate,
    /// `STATICCALL`: read-only from here down.
    Static,
}

impl CallKind {
    /// The kind's name in [`FrameInfo::kind`].
    fn name(self) -> &'static str {
        match self {
            Self::Call => "call",
            Self::Delegate => "delegatecall",
            Self::Static => "staticcall",
        }
    }
}

/// A call to run.
#[derive(Clone, Debug)]
pub(crate) struct Message {
    /// The kind.
    pub(crate) kind: CallKind,
    /// `msg_sender` of the callee.
    pub(crate) caller: Address,
    /// The account whose storage and balance the code acts on (`contract_address`).
    pub(crate) address: Address,
    /// The account whose code runs.
    pub(crate) code_address: Address,
    /// `msg_value` of the callee (for a delegate call: the caller's).
    pub(crate) value: U256,
    /// Calldata.
    pub(crate) input: Vec<u8>,
    /// Gas given to the frame.
    pub(crate) gas: u64,
    /// Whether the frame is read-only.
    pub(crate) read_only: bool,
}

/// How a frame ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Status {
    /// Returned.
    Success,
    /// Reverted (`ErrExecutionReverted`): state undone, unused gas returned.
    Revert,
    /// Failed otherwise (out of gas, out of stack, depth, ...): state undone, all gas gone
    /// unless the failure happened before the frame began.
    Fail(String),
}

/// Statistics of a program frame.
#[derive(Clone, Debug, Default)]
pub(crate) struct FrameStats {
    /// Entry cost burned before the program started.
    pub(crate) entry_gas: u64,
    /// Ink the program started with.
    pub(crate) ink_start: u64,
    /// Ink left at the end (0 when it ran out).
    pub(crate) ink_end: u64,
    /// Ink bought by hostios (including EVM gas bought as ink).
    pub(crate) host_ink: u64,
    /// Per-hostio calls and ink.
    pub(crate) hostios: BTreeMap<&'static str, (u64, u64)>,
    /// Why the program failed, if it did.
    pub(crate) error: Option<String>,
}

/// The end of a frame.
#[derive(Clone, Debug)]
pub(crate) struct Outcome {
    /// How it ended.
    pub(crate) status: Status,
    /// Return or revert data.
    pub(crate) output: Vec<u8>,
    /// Gas left.
    pub(crate) gas_left: u64,
    /// The program frame's statistics, if a program ran.
    pub(crate) stats: Option<FrameStats>,
}

impl Outcome {
    /// A frame that ends before it begins (depth, balance): gas returned, nothing done.
    fn early(reason: &str, gas: u64) -> Self {
        Self {
            status: Status::Fail(reason.to_owned()),
            output: Vec::new(),
            gas_left: gas,
            stats: None,
        }
    }
}

/// Runs a call frame as geth's `evm.Call`/`DelegateCall`/`StaticCall` do: depth and balance
/// checks, a checkpoint, the value transfer, the code, and a revert of everything on failure
/// (keeping the unused gas only on `ErrExecutionReverted`).
pub(crate) fn call(world: &mut World, msg: &Message) -> Outcome {
    if world.depth > CALL_DEPTH_LIMIT {
        return Outcome::early("max call depth exceeded", msg.gas);
    }
    let transfers = msg.kind == CallKind::Call && !msg.value.is_zero();
    if transfers && world.balance(msg.caller) < msg.value {
        return Outcome::early("insufficient balance for transfer", msg.gas);
    }
    let checkpoint = world.checkpoint();
    if transfers {
        world.transfer(msg.caller, msg.address, msg.value);
    } else if msg.kind == CallKind::Call && !world.exists(msg.address) {
        // geth's `evm.Call` touches the callee (a zero-value transfer).
        world.transfer(msg.caller, msg.address, U256::ZERO);
    }
    let counted = msg.kind != CallKind::Delegate;
    if counted {
        *world.open_frames.entry(msg.address).or_insert(0) += 1;
    }
    world.depth += 1;
    let outcome = run_code(world, msg);
    world.depth -= 1;
    if counted {
        if let Some(n) = world.open_frames.get_mut(&msg.address) {
            *n = n.saturating_sub(1);
        }
    }
    finish(world, checkpoint, outcome)
}

/// Reverts on failure and burns the gas of non-revert failures.
fn finish(world: &mut World, checkpoint: usize, mut outcome: Outcome) -> Outcome {
    match outcome.status {
        Status::Success => {}
        Status::Revert => world.revert_to(checkpoint),
        Status::Fail(_) => {
            world.revert_to(checkpoint);
            outcome.gas_left = 0;
        }
    }
    outcome
}

/// Runs the code at `msg.code_address`.
fn run_code(world: &mut World, msg: &Message) -> Outcome {
    if let Some(native) = world.natives.get(&msg.code_address).cloned() {
        let call = NativeCall {
            caller: msg.caller,
            address: msg.address,
            value: msg.value,
            input: &msg.input,
            read_only: msg.read_only,
        };
        let result = native(&call);
        if result.gas_used > msg.gas {
            return Outcome {
                status: Status::Fail("out of gas".into()),
                output: Vec::new(),
                gas_left: 0,
                stats: None,
            };
        }
        let status = if result.success { Status::Success } else { Status::Revert };
        return Outcome {
            status,
            output: result.output,
            gas_left: msg.gas - result.gas_used,
            stats: None,
        };
    }
    let code = world.code(msg.code_address);
    if code.is_empty() {
        return Outcome {
            status: Status::Success,
            output: Vec::new(),
            gas_left: msg.gas,
            stats: None,
        };
    }
    if !code.starts_with(&STYLUS_PREFIX) {
        return Outcome {
            status: Status::Fail("EVM bytecode cannot run in the localnet".into()),
            output: Vec::new(),
            gas_left: 0,
            stats: None,
        };
    }
    let code_hash = world.code_hash(msg.code_address);
    let Some(program) = world.programs.get(&code_hash).cloned() else {
        return Outcome {
            status: Status::Fail("program not activated".into()),
            output: Vec::new(),
            gas_left: 0,
            stats: None,
        };
    };
    // The frame's record, in call order: filled in when it ends.
    let index = world.frames.len();
    world.frames.push(FrameInfo {
        depth: world.depth.saturating_sub(1),
        kind: msg.kind.name(),
        address: msg.address,
        code_address: msg.code_address,
        caller: msg.caller,
        gas: msg.gas,
        ..FrameInfo::default()
    });
    let outcome = run_program(world, msg, &program, code_hash);
    if let Some(record) = world.frames.get_mut(index) {
        let stats = outcome.stats.clone().unwrap_or_default();
        let ink_used = stats.ink_start.saturating_sub(stats.ink_end);
        record.success = outcome.status == Status::Success;
        record.gas_used = msg.gas - outcome.gas_left;
        record.entry_gas = stats.entry_gas;
        record.ink_used = ink_used;
        record.compute_ink = ink_used.saturating_sub(stats.host_ink);
        record.hostio_ink = stats.host_ink;
    }
    outcome
}

/// Nitro's `CallProgram`: the entry cost (memory model, then the cached or uncached init
/// cost), the program with `gas * ink price` ink, and the return-data floor.
///
/// Source: `arbos/programs/programs.go` (`CallProgram`), `arbitrator/stylus/src/lib.rs`
/// (`stylus_call`: ink from gas, gas from the ink left, none when out of stack),
/// `arbitrator/stylus/src/run.rs` (`run_main`: out of stack, out of ink, failures).
fn run_program(
    world: &mut World,
    msg: &Message,
    program: &Rc<Program>,
    code_hash: B256,
) -> Outcome {
    let starting_gas = msg.gas;
    let footprint = program.info.footprint;
    let (open, ever) = (world.pages_open, world.pages_ever);
    let mut call_cost = memory_gas_cost(footprint, open, ever);
    let recent = world.recent_wasms_enabled && world.recent_wasms_insert(code_hash);
    let cached = world.cached_programs.contains(&code_hash) || recent;
    call_cost = call_cost.saturating_add(entry_gas(
        program.info.init_cost,
        program.info.cached_init_cost,
        cached,
    ));
    let mut stats = FrameStats { entry_gas: call_cost, ..FrameStats::default() };
    if starting_gas < call_cost {
        stats.error = Some("out of gas (program entry)".into());
        return Outcome {
            status: Status::Fail("out of gas".into()),
            output: Vec::new(),
            gas_left: 0,
            stats: Some(stats),
        };
    }
    world.add_pages(footprint);
    let ink = (starting_gas - call_cost).saturating_mul(INK_PRICE);
    stats.ink_start = ink;
    let run = execute(world, msg, program, code_hash, ink);
    world.pages_open = open;
    stats.host_ink = run.frame_host_ink;
    stats.hostios = run.hostios;

    let (mut status, mut output, ink_end) = match run.result {
        Ok(0) => (Status::Success, run.outs, run.ink_left),
        Ok(_) => (Status::Revert, run.outs, run.ink_left),
        Err(_) if run.stack_left == 0 => (Status::Fail("out of stack".into()), Vec::new(), 0),
        Err(_) if run.exhausted => (Status::Fail("out of ink".into()), Vec::new(), 0),
        Err(error) => match error.and_then(wasmi::Error::downcast::<Escape>) {
            Some(Escape::OutOfInk) => (Status::Fail("out of ink".into()), Vec::new(), 0),
            Some(Escape::Exit(0)) => (Status::Success, run.outs, run.ink_left),
            Some(Escape::Exit(_)) => (Status::Revert, run.outs, run.ink_left),
            Some(Escape::Failure(reason)) => {
                stats.error = Some(reason);
                (Status::Revert, Vec::new(), run.ink_left)
            }
            None => {
                // A trap (`unreachable`, a bad memory access, ...): `UserOutcome::Failure`,
                // which `toResult` maps to a revert without data.
                stats.error = Some("program failure (trap)".into());
                (Status::Revert, Vec::new(), run.ink_left)
            }
        },
    };
    stats.ink_end = ink_end;
    let mut gas_left = ink_end / INK_PRICE;
    if !output.is_empty() {
        // Return data costs at least what EVM memory for it would.
        let evm_cost = evm_memory_cost(output.len() as u64);
        if starting_gas < evm_cost {
            status = Status::Fail("out of gas (return data)".into());
            output.clear();
            gas_left = 0;
        } else {
            gas_left = gas_left.min(starting_gas - evm_cost);
        }
    }
    if let Status::Fail(reason) = &status {
        stats.error = Some(reason.clone());
    }
    Outcome { status, output, gas_left, stats: Some(stats) }
}

/// What a program run left behind.
struct Run {
    /// The entry point's status, or the error that stopped it (`None`: it never ran).
    result: Result<u32, Option<wasmi::Error>>,
    /// `write_result` data.
    outs: Vec<u8>,
    /// `stylus_ink_left` at the end.
    ink_left: u64,
    /// Whether `stylus_ink_status` says exhausted.
    exhausted: bool,
    /// `stylus_stack_left` at the end.
    stack_left: i32,
    /// Ink bought by hostios.
    frame_host_ink: u64,
    /// Per-hostio calls and ink.
    hostios: BTreeMap<&'static str, (u64, u64)>,
}

/// Instantiates and runs `program` with `ink`, the world lent to it for the duration.
fn execute(
    world: &mut World,
    msg: &Message,
    program: &Rc<Program>,
    code_hash: B256,
    ink: u64,
) -> Run {
    let reentrant = world.open_frames.get(&msg.address).copied().unwrap_or(0) > 1;
    let runtime = Rc::clone(&world.runtime);
    let lent = std::mem::replace(world, world.placeholder());
    let frame = Frame {
        world: lent,
        address: msg.address,
        sender: msg.caller,
        value: msg.value,
        args: msg.input.clone(),
        read_only: msg.read_only,
        reentrant,
        outs: Vec::new(),
        return_data: Vec::new(),
        cache: StorageCache::default(),
        last_code: None,
        ink: None,
        status: None,
        memory: None,
        host_ink: 0,
        hostios: BTreeMap::new(),
    };
    let mut store = Store::new(&runtime.engine, frame);
    let (result, instance) = match instantiate(&runtime, &mut store, program, ink) {
        Ok(instance) => {
            let args_len = u32::try_from(msg.input.len()).unwrap_or(u32::MAX);
            let result = match instance.get_typed_func::<u32, u32>(&store, "user_entrypoint") {
                Ok(entry) => entry.call(&mut store, args_len).map_err(Some),
                Err(e) => Err(Some(e)),
            };
            (result, Some(instance))
        }
        Err(e) => (Err(Some(e)), None),
    };
    let global =
        |name: &str| instance.and_then(|i| i.get_global(&store, name)).map(|g| g.get(&store));
    let stack_left = match global(STACK_LEFT) {
        Some(Val::I32(v)) => v,
        _ => 1,
    };
    let exhausted = matches!(global(INK_STATUS), Some(Val::I32(s)) if s != 0);
    let ink_left = match global(INK_LEFT) {
        Some(Val::I64(v)) => u64::from_ne_bytes(v.to_ne_bytes()),
        _ => 0,
    };
    if let (true, Some(instance)) = (program.profiled, instance) {
        let profile = read_profile(&store, instance, program, msg.code_address);
        store.data_mut().world.profiles.push((code_hash, profile));
    }
    let frame = store.into_data();
    *world = frame.world;
    Run {
        result,
        outs: frame.outs,
        ink_left,
        exhausted,
        stack_left,
        frame_host_ink: frame.host_ink,
        hostios: frame.hostios,
    }
}

/// The profiling counters of a finished run.
fn read_profile(
    store: &Store<Frame>,
    instance: wasmi::Instance,
    program: &Program,
    address: Address,
) -> ProgramProfile {
    let read = |name: String| match instance.get_global(store, &name).map(|g| g.get(store)) {
        Some(Val::I64(v)) => u64::from_ne_bytes(v.to_ne_bytes()),
        _ => 0,
    };
    let functions = program
        .func_names
        .iter()
        .enumerate()
        .map(|(i, name)| FunctionProfile {
            name: name.clone(),
            ink: read(format!("{PROF_INK_PREFIX}{i}")),
            calls: read(format!("{PROF_CALLS_PREFIX}{i}")),
        })
        .collect();
    let hostios = store
        .data()
        .hostios
        .iter()
        .map(|(name, (calls, ink))| HostioStat {
            name: (*name).to_owned(),
            calls: *calls,
            ink: *ink,
        })
        .collect();
    ProgramProfile { address, functions, hostios }
}

/// Instantiates `program` in `store` and sets its meter: `ink`, status 0, the full stack.
fn instantiate(
    runtime: &Runtime,
    store: &mut Store<Frame>,
    program: &Program,
    ink: u64,
) -> Result<wasmi::Instance, wasmi::Error> {
    let pre = runtime.linker.instantiate(&mut *store, &program.module)?;
    let instance =
        pre.ensure_no_start(&mut *store).map_err(|e| wasmi::Error::new(e.to_string()))?;
    let ink_global =
        instance.get_global(&*store, INK_LEFT).ok_or_else(|| wasmi::Error::new("no ink global"))?;
    let status_global = instance
        .get_global(&*store, INK_STATUS)
        .ok_or_else(|| wasmi::Error::new("no status global"))?;
    let stack_global = instance
        .get_global(&*store, STACK_LEFT)
        .ok_or_else(|| wasmi::Error::new("no stack global"))?;
    ink_global.set(&mut *store, Val::I64(i64::from_ne_bytes(ink.to_ne_bytes())))?;
    status_global.set(&mut *store, Val::I32(0))?;
    #[allow(clippy::cast_possible_wrap, reason = "the stack budget is 262144 words")]
    stack_global.set(&mut *store, Val::I32(MAX_STACK_DEPTH as i32))?;
    let memory = instance.get_memory(&*store, "memory");
    let frame = store.data_mut();
    frame.ink = Some(ink_global);
    frame.status = Some(status_global);
    frame.memory = memory;
    Ok(instance)
}
