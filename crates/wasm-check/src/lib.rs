//! Checks wasm32 artifacts against the rules Arbitrum Stylus applies when it activates a
//! program, and measures the brotli-compressed size that is deployed.
//!
//! [`check`] returns a [`Report`] listing *every* violation it finds, not just the first:
//!
//! - everywhere: no float instruction, value type or conversion; no SIMD (`v128`); no
//!   reference types (`ref.*`, `table.*`, `elem.drop`, typed `select`, reference value
//!   types, more than one table); no multi-value (a function type with more than one
//!   result, a block typed by a function type); no threads/atomics, exceptions or tail
//!   calls; of bulk memory only `memory.copy` and `memory.fill` (no `memory.init`,
//!   `data.drop`); no start function; exactly one 32-bit, unshared memory of at most
//!   [`MAX_MEMORY_PAGES`] initial pages;
//! - with [`Options::contract`] also: an exported `user_entrypoint` of type
//!   `(i32) -> i32` and an exported `memory`; only function imports, all from module
//!   `vm_hooks` (`console` is debug-only); no import or export named `stylus*`; Nitro's
//!   anti-DoS limits on counts of functions, locals, globals, exports, data and element
//!   segments and table entries; and the compressed size (brotli quality 11, window 22)
//!   at most [`Options::max_compressed_bytes`].
//!
//! Finally the module is validated by `wasmparser` restricted to the Stylus feature set
//! (MVP without floats, plus mutable globals, sign extension and bulk memory); if that
//! rejects a module the scan found nothing wrong with, its error is reported too, so the
//! scan cannot silently miss a construct. That validator also rejects the overlong
//! `call_indirect` table immediate LLVM may emit, which is why the build script
//! round-trips every artifact through `wasm2wat` and `wat2wasm` as `cargo stylus` does.

use std::collections::{BTreeMap, HashSet};
use std::io::Write as _;

use wasmparser::{
    BlockType, CompositeInnerType, ElementItems, ElementKind, Encoding, ExternalKind, FuncType,
    KnownCustom, MemoryType, Name, Operator, Parser, Payload, TableInit, TypeRef, ValType,
    Validator, WasmFeatures,
};

/// The most a deployed program may weigh once compressed: EIP-170's 24 KiB.
pub const DEFAULT_MAX_COMPRESSED_BYTES: usize = 24_576;
/// The most initial memory pages (64 KiB each) this project allows a module.
pub const MAX_MEMORY_PAGES: u64 = 128;
/// Brotli quality used to measure the deployed size (what `cargo stylus` uses).
pub const BROTLI_QUALITY: u32 = 11;
/// Brotli window, as log2 of its size in bytes (what `cargo stylus` uses).
pub const BROTLI_WINDOW_BITS: u32 = 22;
/// The function every contract must export.
pub const ENTRYPOINT: &str = "user_entrypoint";
/// The only module a contract may import from.
pub const HOST_MODULE: &str = "vm_hooks";

/// Nitro's anti-DoS limits on a user program (`WasmBinary::parse_user`): what is counted,
/// and the most allowed.
const NITRO_LIMITS: [(&str, usize); 7] = [
    ("functions", 4096),
    ("globals", 32_768),
    ("exports", 1024),
    ("data segments", 128),
    ("element segments", 128),
    ("table entries", 4096),
    ("element entries", 4096),
];
/// Nitro's limit on the locals a function declares (parameters excluded).
const NITRO_MAX_LOCALS: u64 = 348;
/// Nitro's limit on the length of an export name.
const NITRO_MAX_NAME_LEN: usize = 512;

/// What to check.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Options {
    /// Apply the contract rules too: entrypoint and memory exports, `vm_hooks`-only
    /// function imports, reserved names, Nitro's count limits and the compressed size.
    pub contract: bool,
    /// The compressed-size limit for contracts, in bytes.
    pub max_compressed_bytes: usize,
}

impl Default for Options {
    fn default() -> Self {
        Self { contract: false, max_compressed_bytes: DEFAULT_MAX_COMPRESSED_BYTES }
    }
}

/// One import of a module.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Import {
    /// The module it comes from (`vm_hooks` for Stylus host functions).
    pub module: String,
    /// The imported item's name.
    pub name: String,
    /// `func`, `table`, `memory`, `global` or `tag`.
    pub kind: &'static str,
}

/// The result of [`check`]: measurements, and every rule the module breaks.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// Size of the module, in bytes.
    pub raw_bytes: usize,
    /// Size after brotli compression (quality 11, window 22), in bytes.
    pub compressed_bytes: usize,
    /// Initial pages of the module's first memory, if it has one.
    pub memory_pages: Option<u64>,
    /// Every import, in order.
    pub imports: Vec<Import>,
    /// One human-readable line per violation; empty if the module passes.
    pub violations: Vec<String>,
}

impl Report {
    /// Whether the module broke no rule.
    #[must_use]
    pub fn passed(&self) -> bool {
        self.violations.is_empty()
    }

    /// Names of the functions imported from `vm_hooks`, in order.
    #[must_use]
    pub fn host_imports(&self) -> Vec<&str> {
        self.imports
            .iter()
            .filter(|i| i.module == HOST_MODULE && i.kind == "func")
            .map(|i| i.name.as_str())
            .collect()
    }

    /// Every other import, as `module.name` (with its kind unless it is a function).
    #[must_use]
    pub fn other_imports(&self) -> Vec<String> {
        self.imports
            .iter()
            .filter(|i| !(i.module == HOST_MODULE && i.kind == "func"))
            .map(|i| {
                if i.kind == "func" {
                    format!("{}.{}", i.module, i.name)
                } else {
                    format!("{}.{} ({})", i.module, i.name, i.kind)
                }
            })
            .collect()
    }

    /// The compressed size as a percentage of `limit`, to one decimal.
    #[must_use]
    pub fn percent_of(&self, limit: usize) -> String {
        if limit == 0 {
            return "-".to_owned();
        }
        // Tenths of a percent, rounded to nearest, in integers.
        let tenths = (self.compressed_bytes * 1000 + limit / 2) / limit;
        format!("{}.{}%", tenths / 10, tenths % 10)
    }
}

/// `bytes` compressed with brotli at quality 11 and a 2^22-byte window, as `cargo stylus`
/// compresses a program before deploying it.
///
/// # Panics
/// Never in practice: compressing into a `Vec` cannot fail.
#[must_use]
pub fn compress(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() / 2 + 64);
    {
        let mut writer =
            brotli::CompressorWriter::new(&mut out, 4096, BROTLI_QUALITY, BROTLI_WINDOW_BITS);
        writer.write_all(bytes).expect("writing to a Vec cannot fail");
        writer.flush().expect("writing to a Vec cannot fail");
    }
    out
}

/// Length of [`compress`]`(bytes)`.
#[must_use]
pub fn compressed_size(bytes: &[u8]) -> usize {
    compress(bytes).len()
}

/// Checks `bytes` against the Stylus rules; see the crate docs for the list.
#[must_use]
pub fn check(bytes: &[u8], options: &Options) -> Report {
    let mut report = Report {
        raw_bytes: bytes.len(),
        compressed_bytes: compressed_size(bytes),
        ..Report::default()
    };
    if let Err(e) = Validator::new_with_features(WasmFeatures::all()).validate_all(bytes) {
        report.violations.push(format!("not a valid wasm module: {e}"));
        return report;
    }
    let mut scan = Scan::default();
    if let Err(e) = scan.run(bytes) {
        report.violations.push(format!("could not parse the module: {e}"));
    }
    scan.module_rules();
    if options.contract {
        scan.contract_rules();
        if report.compressed_bytes > options.max_compressed_bytes {
            scan.global(format!(
                "compressed size {} bytes exceeds {}",
                report.compressed_bytes, options.max_compressed_bytes
            ));
        }
    }
    if scan.findings.is_empty() {
        if let Err(e) = Validator::new_with_features(stylus_features()).validate_all(bytes) {
            let hint = if e.message().contains("zero byte expected") {
                " (a non-canonical encoding: round-trip the module through wasm2wat and wat2wasm)"
            } else {
                ""
            };
            scan.global(format!("rejected by a validator limited to Stylus' features: {e}{hint}"));
        }
    }
    report.memory_pages = scan.memories.first().map(|m| m.initial);
    report.violations.extend(scan.render());
    report.imports = scan.imports;
    report
}

/// The wasm features Nitro enables when it validates a user program, less floats (which
/// its pricing rejects): the MVP plus mutable globals, sign extension and bulk memory.
fn stylus_features() -> WasmFeatures {
    WasmFeatures::MUTABLE_GLOBAL
        | WasmFeatures::SATURATING_FLOAT_TO_INT
        | WasmFeatures::SIGN_EXTENSION
        | WasmFeatures::BULK_MEMORY
}

/// A violation, optionally inside a function (rendered with its index and name).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Finding {
    func: Option<u32>,
    message: String,
}

/// Everything collected while walking the module once.
#[derive(Default)]
struct Scan {
    /// Per type index: the function type, or `None` for a GC type.
    types: Vec<Option<FuncType>>,
    /// Type index of every function, imported ones first.
    func_types: Vec<u32>,
    imported_funcs: u32,
    imports: Vec<Import>,
    tables: u32,
    table_entries: u64,
    memories: Vec<MemoryType>,
    globals: u64,
    exports: Vec<(String, ExternalKind, u32)>,
    start: Option<u32>,
    data_segments: u64,
    element_segments: u64,
    element_entries: u64,
    /// Functions whose declared locals exceed Nitro's limit, with their count.
    too_many_locals: Vec<(u32, u64)>,
    /// Function names from the `name` section, if the module kept one.
    names: BTreeMap<u32, String>,
    findings: Vec<Finding>,
    seen: HashSet<Finding>,
}

impl Scan {
    /// Records a violation inside function `func` (once per function and message).
    fn in_func(&mut self, func: u32, message: String) {
        self.push(Finding { func: Some(func), message });
    }

    /// Records a module-level violation.
    fn global(&mut self, message: String) {
        self.push(Finding { func: None, message });
    }

    fn push(&mut self, f: Finding) {
        if self.seen.insert(f.clone()) {
            self.findings.push(f);
        }
    }

    /// Walks every section once.
    #[allow(clippy::too_many_lines, reason = "one flat match over the sections reads best")]
    fn run(&mut self, bytes: &[u8]) -> wasmparser::Result<()> {
        let mut code_index = 0u32;
        for payload in Parser::new(0).parse_all(bytes) {
            match payload? {
                Payload::TypeSection(reader) => {
                    for group in reader {
                        let group = group?;
                        let explicit = group.is_explicit_rec_group();
                        for sub in group.into_types() {
                            let index = self.types.len();
                            let plain = !explicit && sub.is_final && sub.supertype_idx.is_none();
                            match sub.composite_type.inner {
                                CompositeInnerType::Func(f) if plain => {
                                    self.func_type_rules(index, &f);
                                    self.types.push(Some(f));
                                }
                                _ => {
                                    self.global(format!("GC type {index} (needs the gc proposal)"));
                                    self.types.push(None);
                                }
                            }
                        }
                    }
                }
                Payload::ImportSection(reader) => {
                    for import in reader.into_imports() {
                        let import = import?;
                        let what = format!("import {}.{}", import.module, import.name);
                        let kind = match import.ty {
                            TypeRef::Func(t) | TypeRef::FuncExact(t) => {
                                self.func_types.push(t);
                                self.imported_funcs += 1;
                                "func"
                            }
                            TypeRef::Table(t) => {
                                self.table(&what, t.element_type, t.table64, t.initial);
                                "table"
                            }
                            TypeRef::Memory(m) => {
                                self.memories.push(m);
                                "memory"
                            }
                            TypeRef::Global(g) => {
                                self.globals += 1;
                                self.value_type(None, g.content_type, &format!("{what} (global)"));
                                "global"
                            }
                            TypeRef::Tag(_) => {
                                self.global(format!("{what}: exception tag (exceptions)"));
                                "tag"
                            }
                        };
                        self.imports.push(Import {
                            module: import.module.to_owned(),
                            name: import.name.to_owned(),
                            kind,
                        });
                    }
                }
                Payload::FunctionSection(reader) => {
                    for t in reader {
                        self.func_types.push(t?);
                    }
                }
                Payload::TableSection(reader) => {
                    for table in reader {
                        let table = table?;
                        let what = format!("table {}", self.tables);
                        if matches!(table.init, TableInit::Expr(_)) {
                            self.global(format!(
                                "{what}: initializer expression (reference types)"
                            ));
                        }
                        self.table(
                            &what,
                            table.ty.element_type,
                            table.ty.table64,
                            table.ty.initial,
                        );
                    }
                }
                Payload::MemorySection(reader) => {
                    for m in reader {
                        self.memories.push(m?);
                    }
                }
                Payload::TagSection(_) => self.global("tag section (exceptions)".to_owned()),
                Payload::GlobalSection(reader) => {
                    for global in reader {
                        let global = global?;
                        let what = format!("global {}", self.globals);
                        self.value_type(None, global.ty.content_type, &what);
                        if global.ty.shared {
                            self.global(format!("{what}: shared (threads)"));
                        }
                        self.globals += 1;
                    }
                }
                Payload::ExportSection(reader) => {
                    for export in reader {
                        let export = export?;
                        self.exports.push((export.name.to_owned(), export.kind, export.index));
                    }
                }
                Payload::StartSection { func, .. } => self.start = Some(func),
                Payload::ElementSection(reader) => {
                    for element in reader {
                        let element = element?;
                        self.element_segments += 1;
                        if matches!(element.kind, ElementKind::Declared) {
                            self.global("declared element segment (reference types)".to_owned());
                        }
                        match element.items {
                            ElementItems::Functions(f) => {
                                self.element_entries += u64::from(f.count());
                            }
                            ElementItems::Expressions(ty, e) => {
                                self.element_entries += u64::from(e.count());
                                self.global(format!(
                                    "element segment of {ty} expressions (reference types)"
                                ));
                            }
                        }
                    }
                }
                Payload::DataSection(reader) => self.data_segments += u64::from(reader.count()),
                Payload::CodeSectionEntry(body) => {
                    let func = self.imported_funcs + code_index;
                    code_index += 1;
                    self.body(func, &body)?;
                }
                Payload::CustomSection(reader) => {
                    if let KnownCustom::Name(names) = reader.as_known() {
                        // A malformed name section only costs us the names.
                        self.read_names(names).ok();
                    }
                }
                Payload::Version { encoding: Encoding::Component, .. } => {
                    self.global("a component, not a core wasm module".to_owned());
                }
                _ => {}
            }
        }
        Ok(())
    }

    fn read_names(&mut self, names: wasmparser::NameSectionReader<'_>) -> wasmparser::Result<()> {
        for name in names {
            if let Name::Function(map) = name? {
                for naming in map {
                    let naming = naming?;
                    self.names.insert(naming.index, naming.name.to_owned());
                }
            }
        }
        Ok(())
    }

    /// A function type: no float/SIMD/reference value types, at most one result.
    fn func_type_rules(&mut self, index: usize, f: &FuncType) {
        let what = format!("type {index}");
        for &t in f.params() {
            self.value_type(None, t, &format!("{what} (a parameter)"));
        }
        for &t in f.results() {
            self.value_type(None, t, &format!("{what} (a result)"));
        }
        if f.results().len() > 1 {
            self.global(format!("{what} has {} results (multi-value)", f.results().len()));
        }
    }

    /// A value type used by `what`: only `i32` and `i64` are allowed.
    fn value_type(&mut self, func: Option<u32>, t: ValType, what: &str) {
        let problem = match t {
            ValType::I32 | ValType::I64 => return,
            ValType::F32 | ValType::F64 => format!("float type {t}"),
            ValType::V128 => "SIMD type v128".to_owned(),
            ValType::Ref(r) => format!("reference type {r} (reference types)"),
        };
        self.push(Finding { func, message: format!("{problem} in {what}") });
    }

    fn table(
        &mut self,
        what: &str,
        element_type: wasmparser::RefType,
        table64: bool,
        initial: u64,
    ) {
        self.tables += 1;
        self.table_entries = self.table_entries.saturating_add(initial);
        if element_type != wasmparser::RefType::FUNCREF {
            self.global(format!("{what}: element type {element_type} (reference types)"));
        }
        if table64 {
            self.global(format!("{what}: 64-bit table (memory64)"));
        }
    }

    /// A function body: its locals and every instruction.
    fn body(&mut self, func: u32, body: &wasmparser::FunctionBody<'_>) -> wasmparser::Result<()> {
        let mut locals = 0u64;
        for local in body.get_locals_reader()? {
            let (count, t) = local?;
            locals += u64::from(count);
            self.value_type(Some(func), t, "a local");
        }
        if locals > NITRO_MAX_LOCALS {
            self.too_many_locals.push((func, locals));
        }
        let mut ops = body.get_operators_reader()?;
        while !ops.eof() {
            let op = ops.read()?;
            if let Some(problem) = op_problem(&op) {
                self.in_func(func, problem);
            }
        }
        Ok(())
    }

    /// Rules for every module: no start function, exactly one small 32-bit memory, one table.
    fn module_rules(&mut self) {
        if let Some(f) = self.start {
            self.global(format!("start function {}", self.describe(f)));
        }
        match self.memories.len() {
            0 => self.global("no memory (exactly one is required)".to_owned()),
            1 => {}
            n => self.global(format!("{n} memories (exactly one is allowed)")),
        }
        for (i, m) in self.memories.clone().iter().enumerate() {
            if m.initial > MAX_MEMORY_PAGES {
                self.global(format!(
                    "memory {i} has {} initial pages, more than {MAX_MEMORY_PAGES}",
                    m.initial
                ));
            }
            if m.memory64 {
                self.global(format!("memory {i} is 64-bit (memory64)"));
            }
            if m.shared {
                self.global(format!("memory {i} is shared (threads)"));
            }
        }
        if self.tables > 1 {
            self.global(format!("{} tables (more than one needs reference types)", self.tables));
        }
    }

    /// The contract-only rules, except the compressed size.
    fn contract_rules(&mut self) {
        match self.exports.iter().find(|(n, _, _)| n == ENTRYPOINT).cloned() {
            None => self.global(format!("missing export {ENTRYPOINT}")),
            Some((_, ExternalKind::Func, f)) => {
                let ty = self.func_types.get(f as usize).and_then(|&t| self.types.get(t as usize));
                let ok = matches!(ty, Some(Some(t)) if t.params() == [ValType::I32] && t.results() == [ValType::I32]);
                if !ok {
                    self.global(format!("export {ENTRYPOINT} must have type (i32) -> i32"));
                }
            }
            Some((_, kind, _)) => {
                self.global(format!("export {ENTRYPOINT} must be a function, not a {kind:?}"));
            }
        }
        if !self.exports.iter().any(|(n, k, _)| n == "memory" && *k == ExternalKind::Memory) {
            self.global("missing memory export named memory".to_owned());
        }
        for import in self.imports.clone() {
            let what = format!("import {}.{}", import.module, import.name);
            if import.module != HOST_MODULE {
                let why = if import.module == "console" {
                    "console is a debug-only host module"
                } else {
                    "contracts may import only from vm_hooks"
                };
                self.global(format!("{what}: {why}"));
            }
            if import.kind != "func" {
                self.global(format!(
                    "{what}: imports a {}; Stylus takes only function imports",
                    import.kind
                ));
            }
            if import.name.starts_with("stylus") {
                self.global(format!("{what}: names starting with stylus are reserved"));
            }
        }
        for (name, _, _) in self.exports.clone() {
            if name.starts_with("stylus") {
                self.global(format!("export {name}: names starting with stylus are reserved"));
            }
            if name.len() > NITRO_MAX_NAME_LEN {
                self.global(format!(
                    "export name of {} bytes, more than {NITRO_MAX_NAME_LEN}",
                    name.len()
                ));
            }
        }
        let defined_funcs = self.func_types.len() - self.imported_funcs as usize;
        let counts = [
            defined_funcs as u64,
            self.globals,
            self.exports.len() as u64,
            self.data_segments,
            self.element_segments,
            self.table_entries,
            self.element_entries,
        ];
        for ((what, limit), count) in NITRO_LIMITS.into_iter().zip(counts) {
            if count > limit as u64 {
                self.global(format!("{count} {what}, more than Nitro's limit of {limit}"));
            }
        }
        for (func, n) in self.too_many_locals.clone() {
            self.in_func(
                func,
                format!("{n} locals, more than Nitro's limit of {NITRO_MAX_LOCALS}"),
            );
        }
    }

    /// `function N`, with its export or debug name in parentheses when it has one.
    fn describe(&self, func: u32) -> String {
        let export = self.exports.iter().find(|(_, k, i)| *k == ExternalKind::Func && *i == func);
        match (export, self.names.get(&func)) {
            (Some((name, _, _)), _) => format!("function {func} (export {name})"),
            (None, Some(name)) => format!("function {func} ({name})"),
            (None, None) => format!("function {func}"),
        }
    }

    /// The findings as report lines.
    fn render(&self) -> Vec<String> {
        self.findings
            .iter()
            .map(|f| match f.func {
                Some(func) => format!("{} in {}", f.message, self.describe(func)),
                None => f.message.clone(),
            })
            .collect()
    }
}

/// Why Stylus rejects `op`, if it does.
fn op_problem(op: &Operator<'_>) -> Option<String> {
    let (proposal, visit) = classify(op);
    let name = wat_name(visit);
    let problem = match proposal {
        "mvp" | "saturating_float_to_int" => {
            if is_float_op(visit) {
                format!("float instruction {name}")
            } else if let Operator::Block { blockty }
            | Operator::Loop { blockty }
            | Operator::If { blockty } = op
            {
                match *blockty {
                    BlockType::Empty | BlockType::Type(ValType::I32 | ValType::I64) => return None,
                    BlockType::Type(t) => format!("{name} with result type {t}"),
                    BlockType::FuncType(i) => {
                        format!("{name} typed by function type {i} (multi-value)")
                    }
                }
            } else {
                return None;
            }
        }
        "sign_extension" => return None,
        "bulk_memory" => match op {
            Operator::MemoryCopy { .. } | Operator::MemoryFill { .. } => return None,
            Operator::MemoryInit { .. } | Operator::DataDrop { .. } => {
                format!("bulk-memory instruction {name} (only memory.copy and memory.fill are supported)")
            }
            _ => format!("reference-types instruction {name}"),
        },
        "reference_types" | "function_references" | "gc" => {
            format!("reference-types instruction {name}")
        }
        "simd" | "relaxed_simd" => format!("SIMD instruction {name}"),
        "threads" | "shared_everything_threads" => format!("atomic instruction {name} (threads)"),
        "exceptions" | "legacy_exceptions" => format!("exception-handling instruction {name}"),
        "tail_call" => format!("tail-call instruction {name}"),
        other => format!("instruction {name} (the {other} proposal)"),
    };
    Some(problem)
}

/// Whether a core instruction (named by its `visit_*` method) touches floats: `f32.*`,
/// `f64.*`, and every conversion or reinterpretation from or to them.
fn is_float_op(visit: &str) -> bool {
    visit.split('_').any(|part| part == "f32" || part == "f64")
}

/// The text-format name of an instruction from its `visit_*` method name:
/// `visit_f64_add` gives `f64.add`, `visit_i32_trunc_f64_s` gives `i32.trunc_f64_s`.
fn wat_name(visit: &str) -> String {
    const DOTTED: [&str; 24] = [
        "i32", "i64", "f32", "f64", "v128", "i8x16", "i16x8", "i32x4", "i64x2", "f32x4", "f64x2",
        "local", "global", "memory", "table", "ref", "data", "elem", "atomic", "struct", "array",
        "any", "extern", "i31",
    ];
    let name = visit.strip_prefix("visit_").unwrap_or(visit);
    if name == "typed_select" || name == "typed_select_multi" {
        return "select (typed)".to_owned();
    }
    match name.split_once('_') {
        Some((head, rest)) if DOTTED.contains(&head) => format!("{head}.{rest}"),
        _ => name.to_owned(),
    }
}

/// Generates [`classify`] from wasmparser's operator table: each operator's proposal
/// and `visit_*` method name.
macro_rules! define_classify {
    ($( @$proposal:ident $op:ident $({ $($arg:ident: $argty:ty),* })? => $visit:ident ($($ann:tt)*) )*) => {
        /// The proposal an operator belongs to and its `visit_*` method name.
        fn classify(op: &Operator<'_>) -> (&'static str, &'static str) {
            match op {
                $( Operator::$op { .. } => (stringify!($proposal), stringify!($visit)), )*
                _ => ("unknown", "visit_unknown"),
            }
        }
    };
}
wasmparser::for_each_operator!(define_classify);

#[cfg(test)]
mod tests;
