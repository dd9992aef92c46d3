//! Activation: the checks Nitro's `ArbWasm.activateProgram` applies, the instrumentation,
//! the cost predictions, and the code a deployed program carries.

use std::collections::HashSet;

use alloy_primitives::{keccak256, B256};
use mutual_wasm_check::{check, compress, Options as CheckOptions, DEFAULT_MAX_COMPRESSED_BYTES};
use wasmparser::{Parser, Payload, TypeRef};

use crate::instrument::{instrument, Options as InstrumentOptions};
use crate::pricing::{entry_gas, PAGE_LIMIT};

/// The prefix of a Stylus program's code: `0xEF 0xF0 0x00`, then a dictionary byte (0: no
/// dictionary), then the brotli-compressed wasm.
///
/// Source: go-ethereum (Nitro fork) `core/state/statedb_arbitrum.go`, `StylusDiscriminant`
/// and `StripStylusPrefix`; `arbos/programs/programs.go` `getWasmFromContractCode`.
pub const STYLUS_PREFIX: [u8; 3] = [0xEF, 0xF0, 0x00];

/// Largest deployed code (EIP-170).
pub const MAX_CODE_SIZE: usize = 24_576;

/// How to activate a program.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ActivateOptions {
    /// Debug chain: `console` imports are allowed (and print).
    pub debug: bool,
    /// Add per-function ink and call counters (the ink charged is unchanged).
    pub profile: bool,
}

/// What activation learned about a program: Nitro's `StylusData` and the entry costs it
/// implies.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActivationInfo {
    /// `init_cost`: scaled into the uncached entry cost.
    pub init_cost: u16,
    /// `cached_init_cost`: scaled into the cached entry cost.
    pub cached_init_cost: u16,
    /// Initial wasm pages (`footprint`).
    pub footprint: u16,
    /// Predicted size of the compiled program, in bytes (`asm_estimate`).
    pub asm_estimate: u32,
    /// Size of the wasm, in bytes.
    pub wasm_bytes: usize,
    /// Size of the deployed code (prefix and brotli-compressed wasm), in bytes.
    pub code_bytes: usize,
    /// Entry gas of a call when the program is not cached (memory excluded).
    pub init_gas: u64,
    /// Entry gas of a call when the program is cached (memory excluded).
    pub cached_gas: u64,
}

/// Why activation refused a program.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActivationError {
    /// One line per rule broken.
    pub reasons: Vec<String>,
}

impl std::fmt::Display for ActivationError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "activation failed: {}", self.reasons.join("; "))
    }
}

impl std::error::Error for ActivationError {}

/// An activated program, ready to instantiate.
pub(crate) struct Program {
    /// The instrumented module, compiled.
    pub(crate) module: wasmi::Module,
    /// Activation data.
    pub(crate) info: ActivationInfo,
    /// Names of the defined functions.
    pub(crate) func_names: Vec<String>,
    /// Whether the module has profiling counters.
    pub(crate) profiled: bool,
}

/// The result of [`activate`]: the instrumented module and the code to deploy.
pub(crate) struct Activated {
    /// The instrumented wasm.
    pub(crate) wasm: Vec<u8>,
    /// Activation data.
    pub(crate) info: ActivationInfo,
    /// Names of the defined functions.
    pub(crate) func_names: Vec<String>,
    /// The code an account carries: prefix, dictionary byte, compressed wasm.
    pub(crate) code: Vec<u8>,
    /// `keccak256(code)`.
    pub(crate) code_hash: B256,
}

/// Runs every activation check on `wasm` and instruments it.
///
/// The rule checks are `mutual-wasm-check`'s contract mode (floats, SIMD, reference types,
/// multi-value, start function, memories, imports and exports, Nitro's count limits, the
/// compressed size); the instrumentation adds Nitro's middleware checks (frame sizes,
/// `pay_for_memory_grow`), and this function Nitro's `parse` checks on imports
/// (`arbitrator/prover/src/binary.rs`: no import twice with different types, no export named
/// like an import) and the page limit (`parse_user`: "memory exceeds limit").
pub(crate) fn activate(
    wasm: &[u8],
    options: ActivateOptions,
) -> Result<Activated, ActivationError> {
    let report = check(
        wasm,
        &CheckOptions { contract: true, max_compressed_bytes: DEFAULT_MAX_COMPRESSED_BYTES },
    );
    let mut reasons: Vec<String> = report
        .violations
        .iter()
        .filter(|v| !(options.debug && v.contains("console")))
        .cloned()
        .collect();
    if reasons.is_empty() {
        reasons.extend(import_rules(wasm));
    }
    if !reasons.is_empty() {
        return Err(ActivationError { reasons });
    }
    let instrumented = instrument(wasm, InstrumentOptions { profile: options.profile })
        .map_err(|e| ActivationError { reasons: vec![e.0] })?;
    if instrumented.footprint > PAGE_LIMIT {
        return Err(ActivationError {
            reasons: vec![format!(
                "memory exceeds limit: {} > {PAGE_LIMIT}",
                instrumented.footprint
            )],
        });
    }
    let (init_cost, cached_init_cost, asm_estimate) = instrumented.costs.predict();
    let mut code = Vec::with_capacity(report.compressed_bytes + 4);
    code.extend_from_slice(&STYLUS_PREFIX);
    code.push(0);
    code.extend_from_slice(&compress(wasm));
    if code.len() > MAX_CODE_SIZE {
        return Err(ActivationError {
            reasons: vec![format!("code size {} exceeds {MAX_CODE_SIZE}", code.len())],
        });
    }
    let info = ActivationInfo {
        init_cost,
        cached_init_cost,
        footprint: instrumented.footprint,
        asm_estimate,
        wasm_bytes: wasm.len(),
        code_bytes: code.len(),
        init_gas: entry_gas(init_cost, cached_init_cost, false),
        cached_gas: entry_gas(init_cost, cached_init_cost, true),
    };
    let code_hash = keccak256(&code);
    Ok(Activated {
        wasm: instrumented.wasm,
        info,
        func_names: instrumented.func_names,
        code,
        code_hash,
    })
}

/// Nitro's import checks beyond `mutual-wasm-check`'s.
fn import_rules(wasm: &[u8]) -> Vec<String> {
    let mut reasons = Vec::new();
    let mut imports: Vec<(String, String, u32)> = Vec::new();
    let mut exports: HashSet<String> = HashSet::new();
    for payload in Parser::new(0).parse_all(wasm) {
        let Ok(payload) = payload else {
            reasons.push("could not parse the module".to_owned());
            return reasons;
        };
        match payload {
            Payload::ImportSection(reader) => {
                for import in reader.into_imports().flatten() {
                    if let TypeRef::Func(ty) = import.ty {
                        imports.push((import.module.to_owned(), import.name.to_owned(), ty));
                    }
                }
            }
            Payload::ExportSection(reader) => {
                for export in reader.into_iter().flatten() {
                    // Nitro compares the part after the last `__`.
                    let last = export.name.rsplit("__").next().unwrap_or(export.name);
                    exports.insert(last.to_owned());
                }
            }
            _ => {}
        }
    }
    for (i, (module, name, ty)) in imports.iter().enumerate() {
        if imports[..i].iter().any(|(m, n, t)| m == module && n == name && t != ty) {
            reasons.push(format!("inconsistent imports for {module} {name}"));
        }
        if exports.contains(name) {
            reasons.push(format!("binary exports an import with the same name {name}"));
        }
    }
    reasons
}
