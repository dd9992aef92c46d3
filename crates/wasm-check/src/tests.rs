//! Each rule on a tiny module written in the text format.

use std::io::Read as _;

use super::*;

/// A minimal valid contract with `extra` spliced into the module.
fn contract(extra: &str) -> Vec<u8> {
    contract_importing("", extra)
}

/// A minimal valid contract with extra `imports` (after its own) and `extra` items.
fn contract_importing(imports: &str, extra: &str) -> Vec<u8> {
    module(&format!(
        r#"(import "vm_hooks" "read_args" (func $read_args (param i32)))
           {imports}
           (import "vm_hooks" "write_result" (func $write_result (param i32 i32)))
           (memory (export "memory") 1)
           (func (export "user_entrypoint") (param i32) (result i32)
             (call $read_args (i32.const 0))
             (call $write_result (i32.const 0) (local.get 0))
             (i32.const 0))
           {extra}"#
    ))
}

fn module(body: &str) -> Vec<u8> {
    wat::parse_str(format!("(module {body})")).expect("test module parses")
}

fn as_contract() -> Options {
    Options { contract: true, ..Options::default() }
}

/// Asserts `report` fails with exactly one violation containing `needle`.
#[track_caller]
fn assert_only(report: &Report, needle: &str) {
    assert_eq!(report.violations.len(), 1, "violations: {:#?}", report.violations);
    assert!(report.violations[0].contains(needle), "{:?} lacks {needle:?}", report.violations[0]);
}

#[test]
fn a_clean_contract_passes_and_lists_its_host_imports() {
    let bytes = contract("");
    let report = check(&bytes, &as_contract());
    assert!(report.passed(), "{:#?}", report.violations);
    assert_eq!(report.host_imports(), ["read_args", "write_result"]);
    assert!(report.other_imports().is_empty());
    assert_eq!(report.memory_pages, Some(1));
    assert_eq!(report.raw_bytes, bytes.len());
    assert_eq!(report.compressed_bytes, compressed_size(&bytes));
}

#[test]
fn integer_code_with_bulk_memory_and_sign_extension_passes() {
    let report = check(
        &contract(
            "(func (param i32 i64) (result i64)
               (memory.copy (i32.const 0) (i32.const 8) (i32.const 8))
               (memory.fill (i32.const 0) (i32.const 0) (i32.const 8))
               (drop (i32.extend8_s (local.get 0)))
               (block (result i64) (i64.extend32_s (local.get 1))))",
        ),
        &as_contract(),
    );
    assert!(report.passed(), "{:#?}", report.violations);
}

#[test]
fn detects_a_float_instruction_with_its_function() {
    let report = check(
        &module(
            "(memory 1)
             (func $f (export \"probe_float\") (param i64) (result i64)
               (i64.trunc_f64_u (f64.mul (f64.convert_i64_u (local.get 0)) (f64.const 1.5))))",
        ),
        &Options::default(),
    );
    assert!(!report.passed());
    for op in ["f64.convert_i64_u", "f64.const", "f64.mul", "i64.trunc_f64_u"] {
        let want = format!("float instruction {op} in function 0 (export probe_float)");
        assert!(report.violations.contains(&want), "{want:?} not in {:#?}", report.violations);
    }
}

#[test]
fn detects_saturating_and_reinterpreting_float_conversions() {
    let report = check(
        &module(
            "(memory 1)
             (func (param i64) (result i64)
               (drop (i32.trunc_sat_f32_s (f32.reinterpret_i32 (i32.const 0))))
               (i64.reinterpret_f64 (f64.load (i32.const 0))))",
        ),
        &Options::default(),
    );
    for op in ["i32.trunc_sat_f32_s", "f32.reinterpret_i32", "i64.reinterpret_f64", "f64.load"] {
        assert!(
            report.violations.iter().any(|v| v.contains(&format!("float instruction {op} "))),
            "{op} missing from {:#?}",
            report.violations
        );
    }
}

#[test]
fn detects_an_f64_local() {
    let report = check(&module("(memory 1) (func (local f64))"), &Options::default());
    assert_only(&report, "float type f64 in a local in function 0");
}

#[test]
fn detects_a_float_in_a_function_type_and_a_global() {
    let report = check(
        &module("(memory 1) (global f32 (f32.const 0)) (func (param f32))"),
        &Options::default(),
    );
    assert!(report.violations.iter().any(|v| v.contains("float type f32 in type 0 (a parameter)")));
    assert!(report.violations.iter().any(|v| v.contains("float type f32 in global 0")));
}

#[test]
fn detects_a_multi_value_function_type() {
    let report = check(
        &module("(memory 1) (func (result i32 i32) (i32.const 1) (i32.const 2))"),
        &Options::default(),
    );
    assert_only(&report, "type 0 has 2 results (multi-value)");
}

#[test]
fn detects_a_multi_value_block() {
    let report = check(
        &module(
            "(memory 1)
             (type $pair (func (param i32) (result i32)))
             (func (result i32) (i32.const 1) (block (type $pair) (param i32) (result i32)))",
        ),
        &Options::default(),
    );
    assert_only(&report, "block typed by function type 0 (multi-value) in function 0");
}

#[test]
fn detects_a_start_function() {
    let report = check(&module("(memory 1) (func $init) (start $init)"), &Options::default());
    assert_only(&report, "start function function 0");
}

#[test]
fn detects_a_v128_instruction() {
    let report = check(
        &module(
            "(memory 1) (func (drop (i32x4.add (v128.const i64x2 1 2) (v128.const i64x2 3 4))))",
        ),
        &Options::default(),
    );
    assert!(report
        .violations
        .iter()
        .any(|v| v.contains("SIMD instruction i32x4.add in function 0")));
    assert!(report.violations.iter().any(|v| v.contains("SIMD instruction v128.const")));
}

#[test]
fn detects_ref_func_and_reference_types() {
    let report = check(
        &module("(memory 1) (func $f) (elem declare func $f) (func (drop (ref.func $f)))"),
        &Options::default(),
    );
    assert!(report
        .violations
        .iter()
        .any(|v| v.contains("reference-types instruction ref.func in function 1")));
    let report = check(
        &module(
            "(memory 1) (table 1 funcref) (table 1 externref)
             (func (drop (table.get 0 (i32.const 0))))",
        ),
        &Options::default(),
    );
    assert!(report.violations.iter().any(|v| v.contains("2 tables")));
    assert!(report.violations.iter().any(|v| v.contains("element type externref")));
    assert!(report.violations.iter().any(|v| v.contains("reference-types instruction table.get")));
}

#[test]
fn detects_memory_init_and_data_drop() {
    let report = check(
        &module(
            r#"(memory 1) (data $d "abc")
               (func (memory.init $d (i32.const 0) (i32.const 0) (i32.const 3)) (data.drop $d))"#,
        ),
        &Options::default(),
    );
    assert!(report.violations.iter().any(|v| v.contains("bulk-memory instruction memory.init")));
    assert!(report.violations.iter().any(|v| v.contains("bulk-memory instruction data.drop")));
}

#[test]
fn detects_atomics_and_tail_calls() {
    let report = check(
        &module(
            "(memory 1 1 shared)
             (func $g (result i32) (i32.atomic.load (i32.const 0)))
             (func (result i32) (return_call $g))",
        ),
        &Options::default(),
    );
    assert!(report.violations.iter().any(|v| v.contains("atomic instruction i32.atomic_load")));
    assert!(report.violations.iter().any(|v| v.contains("tail-call instruction return_call")));
    assert!(report.violations.iter().any(|v| v.contains("memory 0 is shared")));
}

#[test]
fn limits_memory_to_128_pages_and_exactly_one_memory() {
    assert!(check(&module("(memory 128)"), &Options::default()).passed());
    let report = check(&module("(memory 129)"), &Options::default());
    assert_eq!(report.memory_pages, Some(129));
    assert_only(&report, "memory 0 has 129 initial pages, more than 128");
    assert_only(&check(&module(""), &Options::default()), "no memory");
    assert_only(&check(&module("(memory 1) (memory 1)"), &Options::default()), "2 memories");
}

#[test]
fn rejects_a_console_import_in_contract_mode_only() {
    let bytes = contract_importing(r#"(import "console" "log_i32" (func (param i32)))"#, "");
    let report = check(&bytes, &as_contract());
    assert_only(&report, "import console.log_i32: console is a debug-only host module");
    assert_eq!(report.other_imports(), ["console.log_i32"]);
    assert!(check(&bytes, &Options::default()).passed());
}

#[test]
fn rejects_other_modules_and_non_function_imports_in_contracts() {
    let report =
        check(&contract_importing(r#"(import "env" "g" (global i32))"#, ""), &as_contract());
    assert!(report
        .violations
        .iter()
        .any(|v| v.contains("import env.g: contracts may import only from vm_hooks")));
    assert!(report.violations.iter().any(|v| v.contains("imports a global")));
}

#[test]
fn requires_the_entrypoint_and_memory_exports_in_contract_mode() {
    let library = module("(memory 1) (func (export \"f\") (param i32) (result i32) (local.get 0))");
    assert!(check(&library, &Options::default()).passed());
    let report = check(&library, &as_contract());
    assert_eq!(
        report.violations,
        ["missing export user_entrypoint", "missing memory export named memory"]
    );
    let wrong_type = module(
        "(memory (export \"memory\") 1) (func (export \"user_entrypoint\") (param i64) (result i32) (i32.const 0))",
    );
    assert_only(&check(&wrong_type, &as_contract()), "user_entrypoint must have type (i32) -> i32");
}

#[test]
fn rejects_reserved_names_in_contracts() {
    let report = check(&contract(r#"(func (export "stylus_start"))"#), &as_contract());
    assert_only(&report, "export stylus_start: names starting with stylus are reserved");
}

#[test]
fn checks_the_compressed_size_of_contracts() {
    let bytes = contract("");
    let size = compressed_size(&bytes);
    let tight = Options { contract: true, max_compressed_bytes: size - 1 };
    assert_only(
        &check(&bytes, &tight),
        &format!("compressed size {size} bytes exceeds {}", size - 1),
    );
    assert!(check(&bytes, &Options { contract: true, max_compressed_bytes: size }).passed());
    // Library mode measures but does not limit.
    assert!(check(&bytes, &Options { contract: false, max_compressed_bytes: 1 }).passed());
}

#[test]
fn compression_is_brotli_and_round_trips() {
    let data: Vec<u8> =
        (0..100_000u32).map(|i| (i % 251).to_le_bytes()[0] ^ (i / 1000).to_le_bytes()[0]).collect();
    let compressed = compress(&data);
    assert_eq!(compressed.len(), compressed_size(&data));
    assert!(compressed.len() < data.len() / 10, "{} bytes", compressed.len());
    let mut back = Vec::new();
    brotli::Decompressor::new(compressed.as_slice(), 4096).read_to_end(&mut back).unwrap();
    assert_eq!(back, data);
    // Incompressible input grows by a few bytes only.
    let noise: Vec<u8> = (0..4096u64)
        .map(|i| (i.wrapping_mul(0x9e37_79b9_7f4a_7c15).rotate_left(29) >> 56) as u8)
        .collect();
    assert!(compressed_size(&noise) <= noise.len() + 16);
    assert_eq!(compressed_size(&[]), compress(&[]).len());
}

#[test]
fn reports_garbage_as_invalid() {
    let report = check(b"\0asm\x01\0\0\0\x01\xff", &Options::default());
    assert_eq!(report.violations.len(), 1);
    assert!(report.violations[0].starts_with("not a valid wasm module"), "{:?}", report.violations);
}

#[test]
fn names_instructions_as_the_text_format_does() {
    assert_eq!(wat_name("visit_f64_add"), "f64.add");
    assert_eq!(wat_name("visit_i32_trunc_f64_s"), "i32.trunc_f64_s");
    assert_eq!(wat_name("visit_memory_init"), "memory.init");
    assert_eq!(wat_name("visit_ref_is_null"), "ref.is_null");
    assert_eq!(wat_name("visit_return_call"), "return_call");
    assert_eq!(wat_name("visit_typed_select"), "select (typed)");
    assert!(is_float_op("visit_f32_const") && is_float_op("visit_i64_reinterpret_f64"));
    assert!(!is_float_op("visit_i64_extend32_s") && !is_float_op("visit_i32x4_add"));
}

#[test]
fn formats_the_percentage_of_the_limit() {
    let report = Report { compressed_bytes: 12_288, ..Report::default() };
    assert_eq!(report.percent_of(DEFAULT_MAX_COMPRESSED_BYTES), "50.0%");
    let report = Report { compressed_bytes: 25_100, ..Report::default() };
    assert_eq!(report.percent_of(DEFAULT_MAX_COMPRESSED_BYTES), "102.1%");
}

#[test]
fn rejects_an_overlong_call_indirect_encoding() {
    // (module (type (func)) (table 1 funcref) (memory 1)
    //   (func (call_indirect (type 0) (i32.const 0)))), by hand, so that the table
    // immediate can be the 2-byte LEB `80 00` that LLVM may emit instead of `00`.
    let encode = |table_immediate: &[u8]| {
        let mut body = vec![0x00, 0x41, 0x00, 0x11, 0x00];
        body.extend_from_slice(table_immediate);
        body.push(0x0b);
        let mut code = vec![0x01, u8::try_from(body.len()).unwrap()];
        code.extend(body);
        let mut bytes = b"\0asm\x01\0\0\0".to_vec();
        bytes.extend([0x01, 0x04, 0x01, 0x60, 0x00, 0x00]); // types
        bytes.extend([0x03, 0x02, 0x01, 0x00]); // functions
        bytes.extend([0x04, 0x04, 0x01, 0x70, 0x00, 0x01]); // table
        bytes.extend([0x05, 0x03, 0x01, 0x00, 0x01]); // memory
        bytes.extend([0x0a, u8::try_from(code.len()).unwrap()]);
        bytes.extend(code);
        bytes
    };
    assert!(check(&encode(&[0x00]), &Options::default()).passed());
    let report = check(&encode(&[0x80, 0x00]), &Options::default());
    assert_only(&report, "round-trip the module through wasm2wat and wat2wasm");
}
