//! Nitro's activation-time instrumentation, re-done on a wasm module before it is handed
//! to the interpreter.
//!
//! Nitro compiles every user program through a chain of middlewares
//! (`arbitrator/prover/src/binary.rs`, `WasmBinary::instrument`, in this order): the start
//! mover, the ink meter (`programs/meter.rs`), the dynamic meter (`programs/dynamic.rs`), the
//! depth checker (`programs/depth.rs`) and the heap bound (`programs/heap.rs`). Each one
//! rewrites the operator stream the previous one produced. This module applies the same
//! rewrites, so the interpreter runs exactly the code Nitro runs:
//!
//! - **ink meter**: operators are grouped into basic blocks, a block ending at the first
//!   operator for which [`ends_basic_block`] is true. Before the block's first operator it
//!   inserts a header that traps (setting `stylus_ink_status` to 1) if `stylus_ink_left` is
//!   below the block's cost, else subtracts it. The cost is [`INK_HEADER_COST`] plus the
//!   [`op_ink`] of every operator of the block, the ending one included;
//! - **dynamic meter**: before `memory.fill` and `memory.copy` it inserts code that charges
//!   [`MEMORY_FILL_INK`] / [`MEMORY_COPY_INK`] per byte, trapping on underflow;
//! - **depth checker**: each function's worst-case frame (operand stack high-water mark over
//!   the metered code, plus its locals, plus 4 words) is charged against
//!   `stylus_stack_left` on entry and credited back before every `return` (one is inserted
//!   before the final `end`); running out traps with the global at 0;
//! - **heap bound**: before every `memory.grow` it calls the `vm_hooks.pay_for_memory_grow`
//!   import with the page count.
//!
//! The instrumentation's own code is not metered, as in Nitro (each middleware only sees the
//! operators of the ones before it, and the meter runs first). The globals are exported as
//! `stylus_ink_left`, `stylus_ink_status` and `stylus_stack_left` for the host.
//!
//! With [`Options::profile`] two more (unmetered) counters per defined function are added
//! and exported: the ink of the blocks executed in it (`stylus_prof_ink_<i>`) and its call
//! count (`stylus_prof_calls_<i>`). They change neither the ink charged nor the frame sizes.

use std::collections::HashMap;

use wasm_encoder::reencode::{Reencode, RoundtripReencoder};
use wasm_encoder::{
    CodeSection, ConstExpr, ExportKind, ExportSection, Function, GlobalSection, GlobalType,
    Instruction, Module, RawSection, ValType as EncValType,
};
use wasmparser::{
    BlockType, FuncType, FunctionBody, KnownCustom, Name, Operator, Parser, Payload, TypeRef,
    ValType, Validator, WasmFeatures,
};

use crate::pricing::{
    ends_basic_block, op_ink, CostInputs, INK_HEADER_COST, MAX_FRAME_CONTENTION, MAX_FRAME_SIZE,
    MEMORY_COPY_INK, MEMORY_FILL_INK,
};

/// The exported global holding the ink left.
pub const INK_LEFT: &str = "stylus_ink_left";
/// The exported global that is 1 once the program ran out of ink.
pub const INK_STATUS: &str = "stylus_ink_status";
/// The exported global holding the stack words left.
pub const STACK_LEFT: &str = "stylus_stack_left";
/// The prefix of the exported per-function ink counters (profiling only).
pub const PROF_INK_PREFIX: &str = "stylus_prof_ink_";
/// The prefix of the exported per-function call counters (profiling only).
pub const PROF_CALLS_PREFIX: &str = "stylus_prof_calls_";

/// Most operators a function may have once instrumented.
///
/// Source: `arbitrator/prover/src/binary.rs`, `parse_user`: `limit!(65536, code.expr.len(),
/// "opcodes in func body")`.
pub const MAX_OPCODES_PER_FUNC: usize = 65_536;

/// What to instrument.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Options {
    /// Add the per-function ink and call counters.
    pub profile: bool,
}

/// An instrumented module and what activation learned about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Instrumented {
    /// The instrumented module.
    pub wasm: Vec<u8>,
    /// Activation-time cost inputs (see [`CostInputs::predict`]).
    pub costs: CostInputs,
    /// Initial memory pages of the program (its `footprint`).
    pub footprint: u16,
    /// Functions imported (the first indices of the function space).
    pub imported_funcs: u32,
    /// Names of the defined functions, by defined index: the name section's, else an export
    /// name, else `func[<index>]`.
    pub func_names: Vec<String>,
    /// Whether the profiling counters were added.
    pub profiled: bool,
}

/// Why a module cannot be instrumented: Nitro's activation would reject it too.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InstrumentError(pub String);

impl std::fmt::Display for InstrumentError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for InstrumentError {}

/// Shorthand for an [`InstrumentError`].
fn err<T>(message: impl Into<String>) -> Result<T, InstrumentError> {
    Err(InstrumentError(message.into()))
}

/// The features Nitro's parser validates user programs with (`arbitrator/prover/src/binary.rs`,
/// `parse`): MVP, mutable globals, saturating float-to-int, sign extension, multi-value,
/// bulk memory and floats. (Floats and multi-value pass parsing; pricing and the activation
/// checks reject them.)
fn nitro_features() -> WasmFeatures {
    WasmFeatures::MUTABLE_GLOBAL
        | WasmFeatures::SATURATING_FLOAT_TO_INT
        | WasmFeatures::SIGN_EXTENSION
        | WasmFeatures::MULTI_VALUE
        | WasmFeatures::BULK_MEMORY
        | WasmFeatures::FLOATS
}

/// Everything collected from the module in one pass.
#[derive(Default)]
struct Parsed<'a> {
    /// Function types by type index.
    types: Vec<FuncType>,
    /// Type index of every function, imported first.
    func_types: Vec<u32>,
    /// Number of imported functions.
    imported_funcs: u32,
    /// Number of imported globals.
    imported_globals: u32,
    /// Number of defined globals.
    defined_globals: u32,
    /// Index of `vm_hooks.pay_for_memory_grow`, if imported.
    pay_for_memory_grow: Option<u32>,
    /// `(initial, maximum)` of the first memory.
    memory: Option<(u64, Option<u64>)>,
    /// Bodies of the defined functions.
    bodies: Vec<FunctionBody<'a>>,
    /// Data segment bytes plus element segment bytes (as Nitro counts them).
    data_len: u64,
    /// Function names from the name section.
    names: HashMap<u32, String>,
    /// Exported function names.
    export_names: HashMap<u32, String>,
}

/// Instruments `wasm` as Nitro's activation does.
///
/// # Errors
/// If the module does not validate, or a middleware rejects it (a frame over
/// [`MAX_FRAME_SIZE`] words or [`MAX_FRAME_CONTENTION`] values, an operator Nitro cannot
/// handle, a growable memory without a `pay_for_memory_grow` import of type `(i32)`, a
/// function over [`MAX_OPCODES_PER_FUNC`] operators once instrumented).
pub fn instrument(wasm: &[u8], options: Options) -> Result<Instrumented, InstrumentError> {
    Validator::new_with_features(nitro_features())
        .validate_all(wasm)
        .or_else(|e| err(format!("failed to validate the module: {e}")))?;
    let parsed = parse(wasm)?;

    let defined = u32::try_from(parsed.bodies.len()).or_else(|_| err("too many functions"))?;
    let next_global = parsed.imported_globals + parsed.defined_globals;
    let globals = Globals {
        ink: next_global,
        status: next_global + 1,
        scratch: next_global + 2,
        stack: next_global + 3,
        prof_base: next_global + 4,
    };

    // The heap bound: a memory that can grow needs the import it calls before each grow.
    // Source: `arbitrator/prover/src/programs/heap.rs`, `HeapBound::update_module`.
    let mut grow_hook = None;
    if let Some((initial, maximum)) = parsed.memory {
        if maximum != Some(initial) {
            let Some(index) = parsed.pay_for_memory_grow else {
                return err("missing import vm_hooks.pay_for_memory_grow (the memory can grow)");
            };
            let ty =
                parsed.func_types.get(index as usize).and_then(|t| parsed.types.get(*t as usize));
            match ty {
                Some(ty) if ty.params() == [ValType::I32] && ty.results().is_empty() => {}
                _ => return err("wrong type for pay_for_memory_grow: expected (i32) -> ()"),
            }
            grow_hook = Some(index);
        }
    }

    let mut code = CodeSection::new();
    for (i, body) in parsed.bodies.iter().enumerate() {
        let index = u32::try_from(i).or_else(|_| err("too many functions"))?;
        let func = FuncCtx {
            parsed: &parsed,
            globals,
            grow_hook,
            profile: options.profile.then_some(index),
        };
        let function = func.instrument(body).map_err(|e| {
            InstrumentError(format!("function {}: {}", parsed.imported_funcs + index, e.0))
        })?;
        code.function(&function);
    }

    let wasm_out = assemble(wasm, &parsed, globals, defined, options.profile, &code)?;

    let footprint = parsed.memory.map_or(0, |(initial, _)| initial);
    let footprint = u16::try_from(footprint).or_else(|_| err("memory too large"))?;
    let type_len = parsed.func_types[parsed.imported_funcs as usize..]
        .iter()
        .filter_map(|t| parsed.types.get(*t as usize))
        .map(|t| (t.params().len() + t.results().len()) as u64)
        .sum();
    let costs = CostInputs {
        funcs: u64::from(defined),
        type_len,
        wasm_len: wasm.len() as u64,
        // The middlewares add four globals: ink left, ink status, scratch, stack left.
        globals: u64::from(parsed.defined_globals) + 4,
        data_len: parsed.data_len,
        footprint,
    };
    let func_names = (0..defined)
        .map(|i| {
            let index = parsed.imported_funcs + i;
            parsed.names.get(&index).or_else(|| parsed.export_names.get(&index)).map_or_else(
                || format!("func[{index}]"),
                |name| format!("{:#}", rustc_demangle::demangle(name)),
            )
        })
        .collect();
    Ok(Instrumented {
        wasm: wasm_out,
        costs,
        footprint,
        imported_funcs: parsed.imported_funcs,
        func_names,
        profiled: options.profile,
    })
}

/// Collects what instrumentation needs.
fn parse(wasm: &[u8]) -> Result<Parsed<'_>, InstrumentError> {
    let mut p = Parsed::default();
    for payload in Parser::new(0).parse_all(wasm) {
        let payload = payload.or_else(|e| err(format!("parse error: {e}")))?;
        match payload {
            Payload::TypeSection(reader) => {
                for ty in reader.into_iter_err_on_gc_types() {
                    p.types.push(ty.or_else(|e| err(format!("type section: {e}")))?);
                }
            }
            Payload::ImportSection(reader) => {
                for import in reader.into_imports() {
                    let import = import.or_else(|e| err(format!("import section: {e}")))?;
                    match import.ty {
                        TypeRef::Func(ty) => {
                            if import.module == "vm_hooks" && import.name == "pay_for_memory_grow" {
                                p.pay_for_memory_grow = Some(p.imported_funcs);
                            }
                            p.func_types.push(ty);
                            p.imported_funcs += 1;
                        }
                        TypeRef::Global(_) => p.imported_globals += 1,
                        _ => return err(format!("unsupported import kind for {}", import.name)),
                    }
                }
            }
            Payload::FunctionSection(reader) => {
                for ty in reader {
                    p.func_types.push(ty.or_else(|e| err(format!("function section: {e}")))?);
                }
            }
            Payload::MemorySection(reader) => {
                for memory in reader {
                    let memory = memory.or_else(|e| err(format!("memory section: {e}")))?;
                    if p.memory.is_none() {
                        p.memory = Some((memory.initial, memory.maximum));
                    }
                }
            }
            Payload::GlobalSection(reader) => p.defined_globals = reader.count(),
            Payload::ExportSection(reader) => {
                for export in reader {
                    let export = export.or_else(|e| err(format!("export section: {e}")))?;
                    if export.kind == wasmparser::ExternalKind::Func {
                        p.export_names
                            .entry(export.index)
                            .or_insert_with(|| export.name.to_owned());
                    }
                }
            }
            Payload::ElementSection(reader) => {
                for element in reader {
                    let element = element.or_else(|e| err(format!("element section: {e}")))?;
                    p.data_len += element.range.end - element.range.start;
                }
            }
            Payload::DataSection(reader) => {
                for data in reader {
                    let data = data.or_else(|e| err(format!("data section: {e}")))?;
                    p.data_len += data.range.end - data.range.start;
                }
            }
            Payload::CodeSectionEntry(body) => p.bodies.push(body),
            Payload::CustomSection(reader) => {
                if let KnownCustom::Name(names) = reader.as_known() {
                    for name in names.into_iter().flatten() {
                        if let Name::Function(map) = name {
                            for naming in map.into_iter().flatten() {
                                p.names.insert(naming.index, naming.name.to_owned());
                            }
                        }
                    }
                }
            }
            _ => {}
        }
    }
    Ok(p)
}

/// Indices of the globals the instrumentation adds.
#[derive(Clone, Copy)]
struct Globals {
    /// `stylus_ink_left` (i64).
    ink: u32,
    /// `stylus_ink_status` (i32).
    status: u32,
    /// `stylus_scratch_global` (i32), shared by the dynamic meter and the heap bound.
    scratch: u32,
    /// `stylus_stack_left` (i32).
    stack: u32,
    /// First profiling counter: function `i` has ink at `prof_base + 2i`, calls at `+ 1`.
    prof_base: u32,
}

/// One item of an instrumented body: an operator, or an (unmetered, depth-neutral)
/// profiling update.
enum Item<'a> {
    /// An operator, original or inserted by a Nitro middleware.
    Op(Operator<'a>),
    /// Add a basic block's ink to the function's counter.
    ProfBlock(u64),
    /// Add `scratch * coefficient` to the function's counter (a `memory.fill`/`copy`).
    ProfDynamic(u64),
    /// Count a call.
    ProfEntry,
}

/// Instrumentation of one function.
struct FuncCtx<'p, 'a> {
    /// The module.
    parsed: &'p Parsed<'a>,
    /// The added globals.
    globals: Globals,
    /// Index of `pay_for_memory_grow` if `memory.grow` must call it.
    grow_hook: Option<u32>,
    /// The defined index of the function, if profiling.
    profile: Option<u32>,
}

impl<'a> FuncCtx<'_, 'a> {
    /// The instrumented body of `body`.
    fn instrument(&self, body: &FunctionBody<'a>) -> Result<Function, InstrumentError> {
        let mut locals = Vec::new();
        let mut local_count: u64 = 0;
        let mut reencoder = RoundtripReencoder;
        for pair in body.get_locals_reader().or_else(|e| err(e.to_string()))? {
            let (count, ty) = pair.or_else(|e| err(e.to_string()))?;
            local_count += u64::from(count);
            locals.push((count, reencoder.val_type(ty).or_else(|e| err(e.to_string()))?));
        }
        let mut ops = Vec::new();
        let mut reader = body.get_operators_reader().or_else(|e| err(e.to_string()))?;
        while !reader.eof() {
            ops.push(reader.read().or_else(|e| err(e.to_string()))?);
        }

        let metered = self.meter(ops);
        let frame = self.worst_case_depth(&metered, local_count)?;
        let items = self.depth_and_heap(metered, frame);

        let op_count = items.iter().filter(|i| matches!(i, Item::Op(_))).count();
        if op_count > MAX_OPCODES_PER_FUNC {
            return err(format!(
                "too many opcodes in func body: {op_count} > {MAX_OPCODES_PER_FUNC}"
            ));
        }

        let mut function = Function::new(locals);
        for item in items {
            self.encode(&mut function, &mut reencoder, item)?;
        }
        Ok(function)
    }

    /// The ink meter and the dynamic meter: headers before every basic block, per-byte
    /// charges before `memory.fill`/`memory.copy`.
    ///
    /// Source: `arbitrator/prover/src/programs/meter.rs` (`FuncMeter::feed`) and
    /// `arbitrator/prover/src/programs/dynamic.rs` (`FuncDynamicMeter::feed`).
    fn meter(&self, ops: Vec<Operator<'a>>) -> Vec<Item<'a>> {
        let Globals { ink, status, scratch, .. } = self.globals;
        let mut out = Vec::with_capacity(ops.len() * 2);
        if self.profile.is_some() {
            out.push(Item::ProfEntry);
        }
        let mut block: Vec<Operator<'a>> = Vec::new();
        let mut block_cost: u64 = 0;
        for op in ops {
            let end = ends_basic_block(&op);
            block_cost = block_cost.saturating_add(op_ink(&op, &self.parsed.types));
            block.push(op);
            if !end {
                continue;
            }
            let cost = block_cost.saturating_add(INK_HEADER_COST);
            #[allow(
                clippy::cast_possible_wrap,
                reason = "Nitro emits the cost as `cost as i64`; an unsupported operator's u64::MAX wraps to -1, which no ink can cover"
            )]
            let value = cost as i64;
            out.extend(
                [
                    Operator::GlobalGet { global_index: ink },
                    Operator::I64Const { value },
                    Operator::I64LtU,
                    Operator::If { blockty: BlockType::Empty },
                    Operator::I32Const { value: 1 },
                    Operator::GlobalSet { global_index: status },
                    Operator::Unreachable,
                    Operator::End,
                    Operator::GlobalGet { global_index: ink },
                    Operator::I64Const { value },
                    Operator::I64Sub,
                    Operator::GlobalSet { global_index: ink },
                ]
                .map(Item::Op),
            );
            if self.profile.is_some() {
                out.push(Item::ProfBlock(cost));
            }
            for op in block.drain(..) {
                let coefficient = match op {
                    Operator::MemoryFill { .. } => Some(MEMORY_FILL_INK),
                    Operator::MemoryCopy { .. } => Some(MEMORY_COPY_INK),
                    _ => None,
                };
                if let Some(coefficient) = coefficient {
                    #[allow(clippy::cast_possible_wrap, reason = "the coefficient is 100")]
                    let value = coefficient as i64;
                    out.extend(
                        [
                            Operator::GlobalSet { global_index: scratch },
                            Operator::GlobalGet { global_index: ink },
                            Operator::GlobalGet { global_index: ink },
                            Operator::GlobalGet { global_index: scratch },
                            Operator::I64ExtendI32U,
                            Operator::I64Const { value },
                            Operator::I64Mul,
                            Operator::I64Sub,
                            Operator::GlobalSet { global_index: ink },
                            Operator::GlobalGet { global_index: ink },
                            Operator::I64LtU,
                            Operator::If { blockty: BlockType::Empty },
                            Operator::I32Const { value: 1 },
                            Operator::GlobalSet { global_index: status },
                            Operator::Unreachable,
                            Operator::End,
                        ]
                        .map(Item::Op),
                    );
                    if self.profile.is_some() {
                        out.push(Item::ProfDynamic(coefficient));
                    }
                    out.push(Item::Op(Operator::GlobalGet { global_index: scratch }));
                }
                out.push(Item::Op(op));
            }
            block_cost = 0;
        }
        // A valid body ends with `end`, which ends a block: nothing is left over.
        out
    }

    /// The function type of function `index`.
    fn func_type(&self, index: u32) -> Result<&FuncType, InstrumentError> {
        self.parsed
            .func_types
            .get(index as usize)
            .and_then(|t| self.parsed.types.get(*t as usize))
            .map_or_else(|| err(format!("missing type for func {index}")), Ok)
    }

    /// The type at type index `index`.
    fn sig(&self, index: u32) -> Result<&FuncType, InstrumentError> {
        self.parsed
            .types
            .get(index as usize)
            .map_or_else(|| err(format!("missing type {index}")), Ok)
    }

    /// The worst-case frame size, in words: the operand stack's high-water mark over the
    /// metered code, plus the locals, plus 4.
    ///
    /// Source: `arbitrator/prover/src/programs/depth.rs`, `FuncDepthChecker::worst_case_depth`
    /// (including its accounting quirks: a call pushes its results before popping its
    /// parameters, pops saturate at zero).
    #[allow(clippy::too_many_lines, reason = "one arm per operator class, as in Nitro's table")]
    fn worst_case_depth(&self, items: &[Item<'a>], locals: u64) -> Result<u32, InstrumentError> {
        use Operator as O;
        let mut worst: u32 = 0;
        let mut stack: u32 = 0;
        let mut scopes: Vec<u32> = vec![0];
        let push = |stack: &mut u32, worst: &mut u32, n: usize| {
            *stack = stack.saturating_add(u32::try_from(n).unwrap_or(u32::MAX));
            *worst = (*worst).max(*stack);
        };
        let pop = |stack: &mut u32, n: usize| {
            *stack = stack.saturating_sub(u32::try_from(n).unwrap_or(u32::MAX));
        };
        for item in items {
            let Item::Op(op) = item else { continue };
            match op {
                O::Block { blockty } | O::Loop { blockty } | O::If { blockty } => {
                    if matches!(op, O::If { .. }) {
                        pop(&mut stack, 1);
                    }
                    match blockty {
                        BlockType::Empty => {}
                        BlockType::Type(_) => push(&mut stack, &mut worst, 1),
                        BlockType::FuncType(id) => {
                            let ty = self.sig(*id)?;
                            push(&mut stack, &mut worst, ty.results().len());
                            pop(&mut stack, ty.params().len());
                        }
                    }
                    scopes.push(stack);
                }
                O::Else => {
                    stack = *scopes.last().map_or_else(|| err("malformed if-else scope"), Ok)?;
                }
                O::End => {
                    stack = scopes.pop().map_or_else(|| err("malformed scoping"), Ok)?;
                }
                O::Call { function_index } => {
                    let ty = self.func_type(*function_index)?;
                    push(&mut stack, &mut worst, ty.results().len());
                    pop(&mut stack, ty.params().len());
                }
                O::CallIndirect { type_index, .. } => {
                    let ty = self.sig(*type_index)?;
                    push(&mut stack, &mut worst, ty.results().len());
                    pop(&mut stack, ty.params().len());
                    pop(&mut stack, 1);
                }
                O::MemoryFill { .. } | O::MemoryCopy { .. } => pop(&mut stack, 3),
                O::Nop
                | O::Unreachable
                | O::I32Eqz
                | O::I64Eqz
                | O::I32Clz
                | O::I32Ctz
                | O::I32Popcnt
                | O::I64Clz
                | O::I64Ctz
                | O::I64Popcnt
                | O::Br { .. }
                | O::Return
                | O::LocalTee { .. }
                | O::MemoryGrow { .. }
                | O::I32Load { .. }
                | O::I64Load { .. }
                | O::F32Load { .. }
                | O::F64Load { .. }
                | O::I32Load8S { .. }
                | O::I32Load8U { .. }
                | O::I32Load16S { .. }
                | O::I32Load16U { .. }
                | O::I64Load8S { .. }
                | O::I64Load8U { .. }
                | O::I64Load16S { .. }
                | O::I64Load16U { .. }
                | O::I64Load32S { .. }
                | O::I64Load32U { .. }
                | O::I32WrapI64
                | O::I64ExtendI32S
                | O::I64ExtendI32U
                | O::I32Extend8S
                | O::I32Extend16S
                | O::I64Extend8S
                | O::I64Extend16S
                | O::I64Extend32S
                | O::F32Abs
                | O::F32Neg
                | O::F32Ceil
                | O::F32Floor
                | O::F32Trunc
                | O::F32Nearest
                | O::F32Sqrt
                | O::F64Abs
                | O::F64Neg
                | O::F64Ceil
                | O::F64Floor
                | O::F64Trunc
                | O::F64Nearest
                | O::F64Sqrt
                | O::I32TruncF32S
                | O::I32TruncF32U
                | O::I32TruncF64S
                | O::I32TruncF64U
                | O::I64TruncF32S
                | O::I64TruncF32U
                | O::I64TruncF64S
                | O::I64TruncF64U
                | O::F32ConvertI32S
                | O::F32ConvertI32U
                | O::F32ConvertI64S
                | O::F32ConvertI64U
                | O::F32DemoteF64
                | O::F64ConvertI32S
                | O::F64ConvertI32U
                | O::F64ConvertI64S
                | O::F64ConvertI64U
                | O::F64PromoteF32
                | O::I32ReinterpretF32
                | O::I64ReinterpretF64
                | O::F32ReinterpretI32
                | O::F64ReinterpretI64
                | O::I32TruncSatF32S
                | O::I32TruncSatF32U
                | O::I32TruncSatF64S
                | O::I32TruncSatF64U
                | O::I64TruncSatF32S
                | O::I64TruncSatF32U
                | O::I64TruncSatF64S
                | O::I64TruncSatF64U => {}
                O::LocalGet { .. }
                | O::GlobalGet { .. }
                | O::MemorySize { .. }
                | O::I32Const { .. }
                | O::I64Const { .. }
                | O::F32Const { .. }
                | O::F64Const { .. } => push(&mut stack, &mut worst, 1),
                O::Drop
                | O::I32Eq
                | O::I32Ne
                | O::I32LtS
                | O::I32LtU
                | O::I32GtS
                | O::I32GtU
                | O::I32LeS
                | O::I32LeU
                | O::I32GeS
                | O::I32GeU
                | O::I64Eq
                | O::I64Ne
                | O::I64LtS
                | O::I64LtU
                | O::I64GtS
                | O::I64GtU
                | O::I64LeS
                | O::I64LeU
                | O::I64GeS
                | O::I64GeU
                | O::F32Eq
                | O::F32Ne
                | O::F32Lt
                | O::F32Gt
                | O::F32Le
                | O::F32Ge
                | O::F64Eq
                | O::F64Ne
                | O::F64Lt
                | O::F64Gt
                | O::F64Le
                | O::F64Ge
                | O::I32Add
                | O::I32Sub
                | O::I32Mul
                | O::I32DivS
                | O::I32DivU
                | O::I32RemS
                | O::I32RemU
                | O::I64Add
                | O::I64Sub
                | O::I64Mul
                | O::I64DivS
                | O::I64DivU
                | O::I64RemS
                | O::I64RemU
                | O::I32And
                | O::I32Or
                | O::I32Xor
                | O::I32Shl
                | O::I32ShrS
                | O::I32ShrU
                | O::I32Rotl
                | O::I32Rotr
                | O::I64And
                | O::I64Or
                | O::I64Xor
                | O::I64Shl
                | O::I64ShrS
                | O::I64ShrU
                | O::I64Rotl
                | O::I64Rotr
                | O::F32Add
                | O::F32Sub
                | O::F32Mul
                | O::F32Div
                | O::F32Min
                | O::F32Max
                | O::F32Copysign
                | O::F64Add
                | O::F64Sub
                | O::F64Mul
                | O::F64Div
                | O::F64Min
                | O::F64Max
                | O::F64Copysign
                | O::BrIf { .. }
                | O::BrTable { .. }
                | O::LocalSet { .. }
                | O::GlobalSet { .. } => pop(&mut stack, 1),
                O::Select
                | O::I32Store { .. }
                | O::I64Store { .. }
                | O::F32Store { .. }
                | O::F64Store { .. }
                | O::I32Store8 { .. }
                | O::I32Store16 { .. }
                | O::I64Store8 { .. }
                | O::I64Store16 { .. }
                | O::I64Store32 { .. } => pop(&mut stack, 2),
                other => return err(format!("operator not supported by Stylus: {other:?}")),
            }
        }
        if worst > MAX_FRAME_CONTENTION {
            return err(format!(
                "too many values on the stack at once: {worst} > {MAX_FRAME_CONTENTION}"
            ));
        }
        let size = u64::from(worst) + locals + 4;
        match u32::try_from(size) {
            Ok(size) if size <= MAX_FRAME_SIZE => Ok(size),
            _ => err(format!("frame too large: {size} > {MAX_FRAME_SIZE}-word limit")),
        }
    }

    /// The depth checker (entry check, a `return` before the final `end`, credit before
    /// every `return`) and the heap bound (`pay_for_memory_grow` before `memory.grow`).
    ///
    /// Source: `arbitrator/prover/src/programs/depth.rs` (`FuncDepthChecker::feed`) and
    /// `arbitrator/prover/src/programs/heap.rs` (`FuncHeapBound::feed`).
    fn depth_and_heap(&self, items: Vec<Item<'a>>, frame: u32) -> Vec<Item<'a>> {
        let Globals { stack, scratch, .. } = self.globals;
        #[allow(clippy::cast_possible_wrap, reason = "frames are at most 10240 words")]
        let size = frame as i32;
        let mut out = Vec::with_capacity(items.len() + 32);
        out.extend(
            [
                Operator::GlobalGet { global_index: stack },
                Operator::I32Const { value: size },
                Operator::I32LeU,
                Operator::If { blockty: BlockType::Empty },
                Operator::I32Const { value: 0 },
                Operator::GlobalSet { global_index: stack },
                Operator::Unreachable,
                Operator::End,
                Operator::GlobalGet { global_index: stack },
                Operator::I32Const { value: size },
                Operator::I32Sub,
                Operator::GlobalSet { global_index: stack },
            ]
            .map(Item::Op),
        );
        let mut items = items;
        // "add an extraneous return instruction to the end to match Arbitrator"
        let last = items.iter().rposition(|i| matches!(i, Item::Op(_)));
        if let Some(last) = last {
            items.insert(last, Item::Op(Operator::Return));
        }
        for item in items {
            match &item {
                Item::Op(Operator::Return) => out.extend(
                    [
                        Operator::GlobalGet { global_index: stack },
                        Operator::I32Const { value: size },
                        Operator::I32Add,
                        Operator::GlobalSet { global_index: stack },
                    ]
                    .map(Item::Op),
                ),
                Item::Op(Operator::MemoryGrow { .. }) => {
                    if let Some(function_index) = self.grow_hook {
                        out.extend(
                            [
                                Operator::GlobalSet { global_index: scratch },
                                Operator::GlobalGet { global_index: scratch },
                                Operator::GlobalGet { global_index: scratch },
                                Operator::Call { function_index },
                            ]
                            .map(Item::Op),
                        );
                    }
                }
                _ => {}
            }
            out.push(item);
        }
        out
    }

    /// Appends `item` to `function`.
    fn encode(
        &self,
        function: &mut Function,
        reencoder: &mut RoundtripReencoder,
        item: Item<'a>,
    ) -> Result<(), InstrumentError> {
        let prof = |index: u32| self.globals.prof_base + 2 * index;
        match (item, self.profile) {
            (Item::Op(op), _) => {
                let instruction = reencoder.instruction(op).or_else(|e| err(e.to_string()))?;
                function.instruction(&instruction);
            }
            (Item::ProfBlock(cost), Some(index)) => {
                #[allow(clippy::cast_possible_wrap, reason = "wrapping add of the same bits")]
                let value = cost as i64;
                function
                    .instruction(&Instruction::GlobalGet(prof(index)))
                    .instruction(&Instruction::I64Const(value))
                    .instruction(&Instruction::I64Add)
                    .instruction(&Instruction::GlobalSet(prof(index)));
            }
            (Item::ProfDynamic(coefficient), Some(index)) => {
                #[allow(clippy::cast_possible_wrap, reason = "the coefficient is 100")]
                let value = coefficient as i64;
                function
                    .instruction(&Instruction::GlobalGet(prof(index)))
                    .instruction(&Instruction::GlobalGet(self.globals.scratch))
                    .instruction(&Instruction::I64ExtendI32U)
                    .instruction(&Instruction::I64Const(value))
                    .instruction(&Instruction::I64Mul)
                    .instruction(&Instruction::I64Add)
                    .instruction(&Instruction::GlobalSet(prof(index)));
            }
            (Item::ProfEntry, Some(index)) => {
                function
                    .instruction(&Instruction::GlobalGet(prof(index) + 1))
                    .instruction(&Instruction::I64Const(1))
                    .instruction(&Instruction::I64Add)
                    .instruction(&Instruction::GlobalSet(prof(index) + 1));
            }
            (_, None) => {}
        }
        Ok(())
    }
}

/// Order of the known sections in a module (custom sections go anywhere).
fn section_rank(id: u8) -> u8 {
    match id {
        1 => 1,   // type
        2 => 2,   // import
        3 => 3,   // function
        4 => 4,   // table
        5 => 5,   // memory
        13 => 6,  // tag
        6 => 7,   // global
        7 => 8,   // export
        8 => 9,   // start
        9 => 10,  // element
        12 => 11, // data count
        10 => 12, // code
        11 => 13, // data
        _ => 0,
    }
}

/// The instrumented module: every section of `wasm` in order, with the global and export
/// sections extended (or added) and the code section replaced.
fn assemble(
    wasm: &[u8],
    parsed: &Parsed<'_>,
    globals: Globals,
    defined: u32,
    profile: bool,
    code: &CodeSection,
) -> Result<Vec<u8>, InstrumentError> {
    let mut reencoder = RoundtripReencoder;
    let mut global_section = GlobalSection::new();
    let mut export_section = ExportSection::new();
    let mut module = Module::new();
    let mut globals_done = false;
    let mut exports_done = false;

    let mutable = |val_type| GlobalType { val_type, mutable: true, shared: false };
    let added_globals = |section: &mut GlobalSection| {
        section.global(mutable(EncValType::I64), &ConstExpr::i64_const(0));
        section.global(mutable(EncValType::I32), &ConstExpr::i32_const(0));
        section.global(mutable(EncValType::I32), &ConstExpr::i32_const(0));
        section.global(mutable(EncValType::I32), &ConstExpr::i32_const(0));
        if profile {
            for _ in 0..defined {
                section.global(mutable(EncValType::I64), &ConstExpr::i64_const(0));
                section.global(mutable(EncValType::I64), &ConstExpr::i64_const(0));
            }
        }
    };
    let added_exports = |section: &mut ExportSection| {
        section.export(INK_LEFT, ExportKind::Global, globals.ink);
        section.export(INK_STATUS, ExportKind::Global, globals.status);
        section.export(STACK_LEFT, ExportKind::Global, globals.stack);
        if profile {
            for i in 0..defined {
                let ink = globals.prof_base + 2 * i;
                section.export(&format!("{PROF_INK_PREFIX}{i}"), ExportKind::Global, ink);
                section.export(&format!("{PROF_CALLS_PREFIX}{i}"), ExportKind::Global, ink + 1);
            }
        }
    };

    for payload in Parser::new(0).parse_all(wasm) {
        let payload = payload.or_else(|e| err(format!("parse error: {e}")))?;
        let Some((id, range)) = payload.as_section() else { continue };
        let rank = section_rank(id);
        // Sections this module lacks go where they belong.
        if rank > section_rank(6) && !globals_done {
            added_globals(&mut global_section);
            module.section(&global_section);
            globals_done = true;
        }
        if rank > section_rank(7) && !exports_done {
            added_exports(&mut export_section);
            module.section(&export_section);
            exports_done = true;
        }
        match payload {
            Payload::GlobalSection(reader) => {
                for global in reader {
                    let global = global.or_else(|e| err(e.to_string()))?;
                    reencoder
                        .parse_global(&mut global_section, global)
                        .or_else(|e| err(e.to_string()))?;
                }
                added_globals(&mut global_section);
                module.section(&global_section);
                globals_done = true;
            }
            Payload::ExportSection(reader) => {
                for export in reader {
                    let export = export.or_else(|e| err(e.to_string()))?;
                    reencoder
                        .parse_export(&mut export_section, export)
                        .or_else(|e| err(e.to_string()))?;
                }
                added_exports(&mut export_section);
                module.section(&export_section);
                exports_done = true;
            }
            Payload::CodeSectionStart { .. } => {
                module.section(code);
            }
            _ => {
                let start = usize::try_from(range.start).or_else(|_| err("section offset"))?;
                let end = usize::try_from(range.end).or_else(|_| err("section offset"))?;
                let data = wasm.get(start..end).map_or_else(|| err("section out of range"), Ok)?;
                module.section(&RawSection { id, data });
            }
        }
    }
    if !globals_done {
        added_globals(&mut global_section);
        module.section(&global_section);
    }
    if !exports_done {
        added_exports(&mut export_section);
        module.section(&export_section);
    }
    let _ = parsed;
    Ok(module.finish())
}
