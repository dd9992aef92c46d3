//! Fidelity tests: ink pinned on hand-written modules, hostio costs, journaling,
//! reentrancy, out of ink.

use super::*;
use crate::pricing::{
    cache_read_gas, memory_gas_cost, read_price, write_price, COLD_SLOAD_GAS, EVM_API_INK,
    HOSTIO_INK, INK_HEADER_COST, PTR_INK, SSTORE_CLEARS_REFUND, SSTORE_RESET_GAS, SSTORE_SET_GAS,
    WARM_SLOAD_GAS,
};

/// A funded account.
fn alice() -> Address {
    Address::repeat_byte(0xa1)
}

/// A chain where alice has 1000 ETH.
fn net() -> Localnet {
    let mut net = Localnet::new();
    net.set_balance(alice(), U256::from(1000u64) * U256::from(10u64).pow(U256::from(18u64)));
    net
}

/// Deploys a WAT program from alice.
fn deploy_wat(net: &mut Localnet, wat: &str) -> Deployment {
    let wasm = wat::parse_str(wat).unwrap();
    net.deploy(alice(), &wasm).unwrap()
}

/// A program whose entry point runs `body` and returns 0. Its memory cannot grow, so it
/// needs no import.
fn minimal(body: &str) -> String {
    format!(
        r#"(module
            (memory (export "memory") 1 1)
            (func (export "user_entrypoint") (param $len i32) (result i32)
              (local $i i32)
              {body}))"#
    )
}

/// Ink of the run of `body` (from a transaction, whole frame).
fn ink_of(body: &str) -> CallResult {
    let mut net = net();
    let program = deploy_wat(&mut net, &minimal(body)).address;
    let result = net.call(alice(), program, &[], U256::ZERO);
    assert!(result.success, "{result:?}");
    result
}

// ---- metering ---------------------------------------------------------------------------

#[test]
fn a_single_block_costs_its_ops_plus_the_header() {
    // One basic block: `i32.const 0` (1) and the function's `end` (1), plus the header.
    let r = ink_of("i32.const 0");
    assert_eq!(r.compute_ink, 1 + 1 + INK_HEADER_COST);
    assert_eq!(r.compute_ink, 2452);
    assert_eq!(r.hostio_ink, 0);
    assert_eq!(r.ink_used, 2452);
    // Gas comes back rounded down: 2452 ink cost a whole gas.
    assert_eq!(r.execution_gas, r.entry_gas + 1);
    assert_eq!(r.gas_used, r.execution_gas + r.intrinsic_gas);
}

#[test]
fn a_counted_loop_is_charged_per_basic_block() {
    // Blocks (each + 2450 for its header), as Nitro's meter splits them:
    //   B1 [block 1, loop 1]                                           = 2          x1
    //   B2 [local.get 75, i32.const 1, i32.ge_u 170, br_if 765]        = 1011       x11
    //   B3 [local.get 75, i32.const 1, i32.add 70, local.set 210, br 765] = 1121    x10
    //   [end] of the loop and [end] of the block: never charged (their headers sit before
    //   the `end`s, which the branches jump past)
    //   B6 [i32.const 1, end 1]                                        = 2          x1
    // = 2452 + 11 * 3461 + 10 * 3571 + 2452 = 78685.
    let r = ink_of(
        "block
           loop
             local.get $i
             i32.const 10
             i32.ge_u
             br_if 1
             local.get $i
             i32.const 1
             i32.add
             local.set $i
             br 0
           end
         end
         i32.const 0",
    );
    assert_eq!(r.compute_ink, 2452 + 11 * 3461 + 10 * 3571 + 2452);
    assert_eq!(r.compute_ink, 78_685);
}

#[test]
fn memory_fill_pays_per_byte() {
    // [i32.const x3 (1 each), memory.fill 950, i32.const 1, end 1] + 2450, and 100 ink
    // per byte for the 100 bytes filled.
    let r = ink_of("(memory.fill (i32.const 0) (i32.const 7) (i32.const 100)) i32.const 0");
    assert_eq!(r.compute_ink, (3 + 950 + 1 + 1) + INK_HEADER_COST + 100 * 100);
}

#[test]
fn calls_end_blocks_and_cost_3800() {
    let wat = r#"(module
        (memory (export "memory") 1 1)
        (func $f (result i32) i32.const 0)
        (func (export "user_entrypoint") (param i32) (result i32) call $f))"#;
    let mut net = net();
    let program = deploy_wat(&mut net, wat).address;
    let r = net.call(alice(), program, &[], U256::ZERO);
    // Caller: [call 3800] + 2450, then [end 1] + 2450; callee: [i32.const 1, end 1] + 2450.
    assert_eq!(r.compute_ink, (3800 + 2450) + (1 + 2450) + (2 + 2450));
}

#[test]
fn instrumented_profile_matches_the_meter() {
    let wasm = wat::parse_str(minimal(
        "block loop local.get $i i32.const 10 i32.ge_u br_if 1
           local.get $i i32.const 1 i32.add local.set $i br 0 end end i32.const 0",
    ))
    .unwrap();
    let mut net = net();
    let options = DeployOptions { profile: true, ..DeployOptions::default() };
    let program = net.deploy_with(alice(), &wasm, &options).unwrap().address;
    let r = net.call(alice(), program, &[], U256::ZERO);
    assert_eq!(r.profiles.len(), 1);
    assert_eq!(r.profiles[0].total_ink(), r.compute_ink);
    assert_eq!(r.compute_ink, 78_685);
    assert_eq!(r.profiles[0].functions[0].calls, 1);
}

#[test]
fn out_of_ink_consumes_all_gas() {
    let mut net = net();
    let program = deploy_wat(&mut net, &minimal("loop br 0 end i32.const 0")).address;
    let r = net.call_with_gas(alice(), program, &[], U256::ZERO, 1_000_000);
    assert!(!r.success);
    assert_eq!(r.error.as_deref(), Some("out of ink"));
    assert_eq!(r.gas_used, 1_000_000);
    assert!(r.output.is_empty());
}

#[test]
fn a_trap_reverts_without_data_and_keeps_the_gas() {
    let mut net = net();
    let program = deploy_wat(&mut net, &minimal("unreachable")).address;
    let r = net.call(alice(), program, &[], U256::ZERO);
    assert!(!r.success);
    assert!(r.output.is_empty());
    assert!(r.gas_used < 100_000, "{}", r.gas_used);
}

#[test]
fn program_entry_costs_follow_the_cache() {
    let mut net = net();
    let d = deploy_wat(&mut net, &minimal("i32.const 0"));
    let uncached = net.call(alice(), d.address, &[], U256::ZERO);
    assert_eq!(uncached.entry_gas, d.activation.init_gas);
    assert_eq!(
        d.activation.init_gas,
        pricing::entry_gas(d.activation.init_cost, d.activation.cached_init_cost, false)
    );
    net.set_cached(d.address, true);
    let cached = net.call(alice(), d.address, &[], U256::ZERO);
    assert_eq!(cached.entry_gas, d.activation.cached_gas);
    assert_eq!(
        uncached.execution_gas - cached.execution_gas,
        d.activation.init_gas - d.activation.cached_gas
    );
    // ArbOS 60's block cache: the second run in a block is cached, a new block is not.
    net.set_cached(d.address, false);
    net.set_recent_wasms(true);
    assert_eq!(net.call(alice(), d.address, &[], U256::ZERO).entry_gas, d.activation.init_gas);
    assert_eq!(net.call(alice(), d.address, &[], U256::ZERO).entry_gas, d.activation.cached_gas);
    net.roll(2);
    assert_eq!(net.call(alice(), d.address, &[], U256::ZERO).entry_gas, d.activation.init_gas);
}

#[test]
fn memory_beyond_the_free_pages_is_paid_at_entry() {
    let mut net = net();
    let wat = r#"(module (memory (export "memory") 4 4)
        (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#;
    let d = deploy_wat(&mut net, wat);
    let r = net.call(alice(), d.address, &[], U256::ZERO);
    assert_eq!(r.entry_gas, d.activation.init_gas + memory_gas_cost(4, 0, 0));
    assert_eq!(memory_gas_cost(4, 0, 0), 2 * 1000);
}

// ---- activation -------------------------------------------------------------------------

#[test]
fn activation_rejects_what_nitro_rejects() {
    let floats = r#"(module (memory (export "memory") 1 1)
        (func (export "user_entrypoint") (param i32) (result i32)
          f32.const 1 drop i32.const 0))"#;
    let err = activate(&wat::parse_str(floats).unwrap(), ActivateOptions::default()).unwrap_err();
    assert!(err.reasons.iter().any(|r| r.contains("float")), "{err}");

    let no_entry = r#"(module (memory (export "memory") 1 1))"#;
    let err = activate(&wat::parse_str(no_entry).unwrap(), ActivateOptions::default()).unwrap_err();
    assert!(err.reasons.iter().any(|r| r.contains("user_entrypoint")), "{err}");

    let growable = r#"(module (memory (export "memory") 1)
        (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#;
    let err = activate(&wat::parse_str(growable).unwrap(), ActivateOptions::default()).unwrap_err();
    assert!(err.reasons.iter().any(|r| r.contains("pay_for_memory_grow")), "{err}");

    let reexport = r#"(module
        (import "vm_hooks" "msg_reentrant" (func $r (result i32)))
        (memory (export "memory") 1 1)
        (func (export "msg_reentrant") (result i32) i32.const 0)
        (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#;
    let err = activate(&wat::parse_str(reexport).unwrap(), ActivateOptions::default()).unwrap_err();
    assert!(err.reasons.iter().any(|r| r.contains("exports an import")), "{err}");

    assert!(activate(b"not wasm", ActivateOptions::default()).is_err());
    assert!(
        activate(&[0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 255], ActivateOptions::default()).is_err()
    );
}

#[test]
fn activation_costs_use_nitros_formulas() {
    let inputs = pricing::CostInputs {
        funcs: 100,
        type_len: 300,
        wasm_len: 20_000,
        globals: 5,
        data_len: 1000,
        footprint: 1,
    };
    // cached = 13 + 0 + 24 + 8 + 752 + 5 = 802; init = 802 + 825 + 317 + 2572 = 4516.
    let (init, cached, asm) = inputs.predict();
    assert_eq!(cached, 802);
    assert_eq!(init, 4516);
    assert_eq!(asm, 512_000 + 99_682 + 3424 + 125_256);
}

// ---- the test program -------------------------------------------------------------------

/// A program driven by its first calldata byte (`op`, low 6 bits); bit 7 allows
/// reentrancy (as the SDK's `reentrant` feature), bit 6 makes op 4 revert after its call.
///
/// 1: load slot `args[1..33]` twice, return it; 2: store `args[33..65]` there and flush;
/// 3: log two topics `args[1..65]` and data `args[65..75]`; 4: store and flush as 2, then
/// call `args[65..85]` with calldata `args[85..]`, return the status and the return data;
/// 5: store, log, revert with `args[1..33]`; 6: spin; 7: load, clear the cache, load;
/// 8: trap; 9: return the block number and timestamp.
const TEST_PROGRAM: &str = r#"(module
  (import "vm_hooks" "read_args" (func $read_args (param i32)))
  (import "vm_hooks" "write_result" (func $write_result (param i32 i32)))
  (import "vm_hooks" "msg_reentrant" (func $msg_reentrant (result i32)))
  (import "vm_hooks" "storage_load_bytes32" (func $load (param i32 i32)))
  (import "vm_hooks" "storage_cache_bytes32" (func $cache (param i32 i32)))
  (import "vm_hooks" "storage_flush_cache" (func $flush (param i32)))
  (import "vm_hooks" "emit_log" (func $emit_log (param i32 i32 i32)))
  (import "vm_hooks" "call_contract" (func $call (param i32 i32 i32 i32 i64 i32) (result i32)))
  (import "vm_hooks" "read_return_data" (func $read_return_data (param i32 i32 i32) (result i32)))
  (import "vm_hooks" "block_number" (func $block_number (result i64)))
  (import "vm_hooks" "block_timestamp" (func $block_timestamp (result i64)))
  (import "vm_hooks" "pay_for_memory_grow" (func $pay (param i32)))
  (memory (export "memory") 1)
  (func (export "user_entrypoint") (param $len i32) (result i32)
    (local $op i32) (local $flags i32) (local $status i32) (local $n i32)
    (call $read_args (i32.const 0))
    (local.set $flags (i32.load8_u (i32.const 0)))
    (local.set $op (i32.and (local.get $flags) (i32.const 0x3f)))
    (if (i32.eqz (i32.and (local.get $flags) (i32.const 0x80)))
      (then (if (call $msg_reentrant) (then (return (i32.const 1))))))
    (if (i32.eq (local.get $op) (i32.const 1)) (then
      (call $load (i32.const 1) (i32.const 2048))
      (call $load (i32.const 1) (i32.const 2048))
      (call $write_result (i32.const 2048) (i32.const 32))
      (return (i32.const 0))))
    (if (i32.eq (local.get $op) (i32.const 2)) (then
      (call $cache (i32.const 1) (i32.const 33))
      (call $flush (i32.const 0))
      (return (i32.const 0))))
    (if (i32.eq (local.get $op) (i32.const 3)) (then
      (call $emit_log (i32.const 1) (i32.const 74) (i32.const 2))
      (return (i32.const 0))))
    (if (i32.eq (local.get $op) (i32.const 4)) (then
      (call $cache (i32.const 1) (i32.const 33))
      (call $flush (i32.const 0))
      (local.set $status
        (call $call (i32.const 65) (i32.const 85) (i32.sub (local.get $len) (i32.const 85))
                    (i32.const 3000) (i64.const -1) (i32.const 3100)))
      (i32.store8 (i32.const 4000) (local.get $status))
      (local.set $n (call $read_return_data (i32.const 4001) (i32.const 0) (i32.const 1000)))
      (call $write_result (i32.const 4000) (i32.add (local.get $n) (i32.const 1)))
      (if (i32.and (local.get $flags) (i32.const 0x40)) (then (return (i32.const 1))))
      (return (i32.const 0))))
    (if (i32.eq (local.get $op) (i32.const 5)) (then
      (call $cache (i32.const 1) (i32.const 33))
      (call $flush (i32.const 0))
      (call $emit_log (i32.const 1) (i32.const 32) (i32.const 1))
      (call $write_result (i32.const 1) (i32.const 32))
      (return (i32.const 1))))
    (if (i32.eq (local.get $op) (i32.const 6)) (then (loop $spin (br $spin))))
    (if (i32.eq (local.get $op) (i32.const 7)) (then
      (call $load (i32.const 1) (i32.const 2048))
      (call $flush (i32.const 1))
      (call $load (i32.const 1) (i32.const 2048))
      (return (i32.const 0))))
    (if (i32.eq (local.get $op) (i32.const 8)) (then unreachable))
    (if (i32.eq (local.get $op) (i32.const 9)) (then
      (i64.store (i32.const 2048) (call $block_number))
      (i64.store (i32.const 2056) (call $block_timestamp))
      (call $write_result (i32.const 2048) (i32.const 16))
      (return (i32.const 0))))
    (i32.const 0)))"#;

/// A 32-byte word.
fn word(x: u64) -> B256 {
    B256::from(U256::from(x))
}

/// Calldata: `op`, then the parts.
fn op(code: u8, parts: &[&[u8]]) -> Vec<u8> {
    let mut data = vec![code];
    for part in parts {
        data.extend_from_slice(part);
    }
    data
}

/// Ink and calls of one hostio in a result.
fn hostio(r: &CallResult, name: &str) -> (u64, u64) {
    r.hostios.iter().find(|h| h.name == name).map_or((0, 0), |h| (h.calls, h.ink))
}

#[test]
fn storage_loads_cold_then_cached_then_warm() {
    let mut net = net();
    let p = deploy_wat(&mut net, TEST_PROGRAM).address;
    net.set_storage(p, word(7), word(42));
    let r = net.call(alice(), p, &op(1, &[word(7).as_slice()]), U256::ZERO);
    assert!(r.success, "{r:?}");
    assert_eq!(r.output, word(42).as_slice());
    // First load: base ink, then 2100 (cold) + 5 (EVM API, 59673 ink rounded down) gas;
    // the second is served by the cache: base ink only (the first 32 reads are free).
    let base = HOSTIO_INK + 2 * PTR_INK;
    let api_gas = EVM_API_INK / 10_000;
    assert_eq!(cache_read_gas(2), 0);
    assert_eq!(
        hostio(&r, "storage_load_bytes32"),
        (2, 2 * base + (COLD_SLOAD_GAS + api_gas) * 10_000)
    );
    // Load, clear the cache, load again: the second request hits a warm slot.
    let r = net.call(alice(), p, &op(7, &[word(7).as_slice()]), U256::ZERO);
    let expected =
        2 * base + (COLD_SLOAD_GAS + api_gas) * 10_000 + (WARM_SLOAD_GAS + api_gas) * 10_000;
    assert_eq!(hostio(&r, "storage_load_bytes32"), (2, expected));
}

#[test]
fn a_flush_pays_sstore_gas_with_refunds() {
    let mut net = net();
    let p = deploy_wat(&mut net, TEST_PROGRAM).address;
    let flush_base = HOSTIO_INK + EVM_API_INK;
    // 0 -> 5: a cold slot created: 2100 + 20000.
    let r = net.call(alice(), p, &op(2, &[word(1).as_slice(), word(5).as_slice()]), U256::ZERO);
    assert!(r.success);
    assert_eq!(net.storage(p, word(1)), word(5));
    assert_eq!(
        hostio(&r, "storage_flush_cache").1,
        flush_base + (COLD_SLOAD_GAS + SSTORE_SET_GAS) * 10_000
    );
    // 5 -> 6 in a later transaction: cold again, a reset: 2100 + 2900.
    let r = net.call(alice(), p, &op(2, &[word(1).as_slice(), word(6).as_slice()]), U256::ZERO);
    assert_eq!(hostio(&r, "storage_flush_cache").1, flush_base + SSTORE_RESET_GAS * 10_000);
    assert_eq!(r.refund, 0);
    // 6 -> 0: the same price, and a 4800 refund (capped at a fifth of the gas used).
    let r = net.call(alice(), p, &op(2, &[word(1).as_slice(), word(0).as_slice()]), U256::ZERO);
    assert_eq!(hostio(&r, "storage_flush_cache").1, flush_base + SSTORE_RESET_GAS * 10_000);
    assert_eq!(r.refund, SSTORE_CLEARS_REFUND.min((r.gas_used + r.refund) / 5));
    assert_eq!(net.storage(p, word(1)), B256::ZERO);
    // The cache's own writes: 0 gas for the first 8.
    assert_eq!(hostio(&r, "storage_cache_bytes32"), (1, HOSTIO_INK + 2 * PTR_INK));
}

#[test]
fn a_log_with_topics() {
    let mut net = net();
    let p = deploy_wat(&mut net, TEST_PROGRAM).address;
    let data = [0xddu8; 10];
    let r =
        net.call(alice(), p, &op(3, &[word(1).as_slice(), word(2).as_slice(), &data]), U256::ZERO);
    assert!(r.success);
    assert_eq!(
        r.logs,
        vec![Log { address: p, topics: vec![word(1), word(2)], data: data.to_vec() }]
    );
    // Base + reading 74 bytes + (1 + 2 topics) * 375 + 10 bytes * 8 gas.
    let expected = HOSTIO_INK + EVM_API_INK + read_price(74) + (3 * 375 + 10 * 8) * 10_000;
    assert_eq!(hostio(&r, "emit_log"), (1, expected));
}

#[test]
fn read_args_and_write_result_prices() {
    let mut net = net();
    let p = deploy_wat(&mut net, TEST_PROGRAM).address;
    let calldata = op(1, &[word(3).as_slice()]);
    let r = net.call(alice(), p, &calldata, U256::ZERO);
    assert_eq!(hostio(&r, "read_args"), (1, HOSTIO_INK + write_price(33)));
    assert_eq!(hostio(&r, "write_result"), (1, HOSTIO_INK + 2 * read_price(32)));
    assert_eq!(hostio(&r, "msg_reentrant"), (1, HOSTIO_INK));
    assert_eq!(r.hostio_ink, r.hostios.iter().map(|h| h.ink).sum::<u64>());
}

#[test]
fn a_revert_in_a_nested_call_undoes_only_that_call() {
    let mut net = net();
    let p1 = deploy_wat(&mut net, TEST_PROGRAM).address;
    let p2 = deploy_wat(&mut net, TEST_PROGRAM).address;
    // p1 stores 1 -> 11 and calls p2, which stores 2 -> 22, logs and reverts.
    let inner = op(5, &[word(2).as_slice(), word(22).as_slice()]);
    let outer = op(4, &[word(1).as_slice(), word(11).as_slice(), p2.as_slice(), &inner]);
    let r = net.call(alice(), p1, &outer, U256::ZERO);
    assert!(r.success, "{r:?}");
    // p2 failed (status 2) with its revert data (the key).
    assert_eq!(r.output[0], 2);
    assert_eq!(&r.output[1..], word(2).as_slice());
    assert_eq!(net.storage(p1, word(1)), word(11));
    assert_eq!(net.storage(p2, word(2)), B256::ZERO);
    assert!(r.logs.is_empty());
}

#[test]
fn a_revert_after_a_nested_call_undoes_everything() {
    let mut net = net();
    let p1 = deploy_wat(&mut net, TEST_PROGRAM).address;
    let p2 = deploy_wat(&mut net, TEST_PROGRAM).address;
    let before = net.balance(alice());
    let inner = op(2, &[word(2).as_slice(), word(22).as_slice()]);
    let outer = op(4 | 0x40, &[word(1).as_slice(), word(11).as_slice(), p2.as_slice(), &inner]);
    let r = net.call(alice(), p1, &outer, U256::from(1000u64));
    assert!(!r.success);
    assert_eq!(r.output[0], 0, "the nested call itself succeeded");
    assert_eq!(net.storage(p1, word(1)), B256::ZERO);
    assert_eq!(net.storage(p2, word(2)), B256::ZERO);
    assert_eq!(net.balance(alice()), before);
    assert_eq!(net.balance(p1), U256::ZERO);
}

#[test]
fn frames_are_recorded_in_call_order_with_their_own_ink() {
    let mut net = net();
    let p1 = deploy_wat(&mut net, TEST_PROGRAM).address;
    let p2 = deploy_wat(&mut net, TEST_PROGRAM).address;
    // p1 stores and calls p2, which stores, logs and reverts.
    let inner = op(5, &[word(2).as_slice(), word(22).as_slice()]);
    let outer = op(4, &[word(1).as_slice(), word(11).as_slice(), p2.as_slice(), &inner]);
    let r = net.call(alice(), p1, &outer, U256::ZERO);
    assert!(r.success, "{r:?}");
    assert_eq!(r.frames.len(), 2);
    let (top, nested) = (&r.frames[0], &r.frames[1]);
    assert_eq!((top.depth, top.kind, top.address, top.caller), (0, "call", p1, alice()));
    assert_eq!((nested.depth, nested.kind, nested.address, nested.caller), (1, "call", p2, p1));
    assert!(top.success && !nested.success, "the nested frame reverted");
    // The top frame is the transaction's: the same figures as the result.
    assert_eq!(top.gas_used, r.execution_gas);
    assert_eq!((top.entry_gas, top.ink_used), (r.entry_gas, r.ink_used));
    assert_eq!((top.compute_ink, top.hostio_ink), (r.compute_ink, r.hostio_ink));
    // The nested frame's gas is inside the top frame's, bought through `call_contract`.
    assert!(nested.gas_used > nested.entry_gas);
    assert!(top.gas_used > nested.gas_used);
    assert_eq!(nested.compute_ink + nested.hostio_ink, nested.ink_used);
    let (_, call_ink) = hostio(&r, "call_contract");
    assert!(call_ink >= nested.gas_used * 10_000);
    // A transaction to an account without code runs no program.
    let r = net.call(alice(), Address::repeat_byte(0x77), &[], U256::ZERO);
    assert!(r.success && r.frames.is_empty());
}

#[test]
fn dumps_compare_whole_states() {
    let mut net = net();
    let p = deploy_wat(&mut net, TEST_PROGRAM).address;
    let before = net.dump();
    assert_eq!(before.accounts[&p].code_hash, alloy_primitives::keccak256(net.code(p)));
    // A reverted transaction changes nothing but its sender's nonce.
    let r =
        net.call(alice(), p, &op(5, &[word(2).as_slice(), word(22).as_slice()]), U256::from(7u64));
    assert!(!r.success);
    let after = net.dump();
    assert!(before.diff(&after, &[alice()]).is_empty());
    assert_eq!(before.diff(&after, &[]), vec![format!("{}: nonce 1 -> 2", alice())]);
    // A store, a log and a value transfer all show.
    let r =
        net.call(alice(), p, &op(2, &[word(1).as_slice(), word(5).as_slice()]), U256::from(3u64));
    assert!(r.success);
    net.call(alice(), p, &op(3, &[word(1).as_slice(), word(2).as_slice()]), U256::ZERO);
    let changed = after.diff(&net.dump(), &[alice()]);
    assert_eq!(changed.len(), 4, "{changed:#?}");
    assert_eq!(changed[0], "logs: 0 -> 1");
    assert_eq!(net.storage_slots(p), [(word(1), word(5))].into_iter().collect());
    assert_eq!(net.account_state(p).storage, net.storage_slots(p));
    assert!(net.accounts().contains(&p) && net.accounts().contains(&alice()));
}

#[test]
fn reentrancy_is_refused_unless_allowed() {
    let mut net = net();
    let p1 = deploy_wat(&mut net, TEST_PROGRAM).address;
    let p2 = deploy_wat(&mut net, TEST_PROGRAM).address;
    let back = |flag: u8| op(1 | flag, &[word(9).as_slice()]);
    // p1 -> p2 -> p1 (op 1, a load): p1 is already open, so it is reentrant.
    let via_p2 =
        |flag: u8| op(4, &[word(3).as_slice(), word(3).as_slice(), p1.as_slice(), &back(flag)]);
    let refused = net.call(
        alice(),
        p1,
        &op(4, &[word(1).as_slice(), word(1).as_slice(), p2.as_slice(), &via_p2(0)]),
        U256::ZERO,
    );
    assert!(refused.success);
    assert_eq!(refused.output[0], 0, "p2 returned");
    assert_eq!(refused.output[1], 2, "the reentrant call into p1 failed");
    let allowed = net.call(
        alice(),
        p1,
        &op(4 | 0x80, &[word(1).as_slice(), word(1).as_slice(), p2.as_slice(), &via_p2(0x80)]),
        U256::ZERO,
    );
    assert_eq!(allowed.output[1], 0, "with the flag, p1 accepts the reentrant call");
}

#[test]
fn value_transfers_and_static_calls() {
    let mut net = net();
    let p = deploy_wat(&mut net, TEST_PROGRAM).address;
    let r = net.call(alice(), p, &op(0, &[]), U256::from(5u64));
    assert!(r.success);
    assert_eq!(net.balance(p), U256::from(5u64));
    // A write in a static call fails the program (a revert without data).
    let r = net.static_call(alice(), p, &op(2, &[word(1).as_slice(), word(5).as_slice()]));
    assert!(!r.success);
    assert!(r.output.is_empty());
    assert_eq!(net.storage(p, word(1)), B256::ZERO);
    // Reading is fine, and leaves nothing behind.
    let r = net.static_call(alice(), p, &op(1, &[word(1).as_slice()]));
    assert!(r.success);
}

#[test]
fn block_environment_snapshots_and_deployment() {
    let mut net = net();
    let d = deploy_wat(&mut net, TEST_PROGRAM);
    assert!(d.constructor.is_none());
    assert!(net.code(d.address).starts_with(&STYLUS_PREFIX));
    net.roll(77);
    net.warp(1_800_000_000);
    let r = net.call(alice(), d.address, &op(9, &[]), U256::ZERO);
    assert_eq!(&r.output[..8], &77u64.to_le_bytes());
    assert_eq!(&r.output[8..], &1_800_000_000u64.to_le_bytes());

    let snap = net.snapshot();
    net.call(alice(), d.address, &op(2, &[word(1).as_slice(), word(5).as_slice()]), U256::ZERO);
    assert_eq!(net.storage(d.address, word(1)), word(5));
    assert!(net.revert_to(snap));
    assert_eq!(net.storage(d.address, word(1)), B256::ZERO);
    assert!(!net.revert_to(SnapshotId(99)));

    // A constructor call: the selector then the arguments, from the StylusDeployer.
    let wasm = wat::parse_str(TEST_PROGRAM).unwrap();
    let options = DeployOptions { constructor: Some(vec![1, 2, 3]), ..DeployOptions::default() };
    let d = net.deploy_with(alice(), &wasm, &options).unwrap();
    assert!(d.constructor.is_some_and(|c| c.success));
    assert_eq!(constructor_selector(), alloy_primitives::keccak256(b"stylus_constructor()")[..4]);
    // A constructor that reverts leaves no program.
    let reverting = wat::parse_str(minimal("i32.const 1")).unwrap();
    let nonce = net.nonce(alice());
    let err = net.deploy_with(
        alice(),
        &reverting,
        &DeployOptions { constructor: Some(vec![]), ..DeployOptions::default() },
    );
    assert!(matches!(err, Err(DeployError::Constructor(_))));
    assert!(net.code(create_address(alice(), nonce)).is_empty());
}

#[test]
fn create_addresses_match_the_yellow_paper() {
    // Well-known vector: the first contract of 0x6ac7ea33f8831ea9dcc53393aaa88b25a785dbf0.
    let sender = alloy_primitives::address!("6ac7ea33f8831ea9dcc53393aaa88b25a785dbf0");
    assert_eq!(
        create_address(sender, 0),
        alloy_primitives::address!("cd234a471b72ba2f1ccf0a70fcaba648a5eecd8d")
    );
    assert_eq!(
        create_address(sender, 1),
        alloy_primitives::address!("343c43a37d37dff08ae8c4a11544c718abb4fcf8")
    );
}

alloy_sol_types::sol! {
    interface IBsBench {
        function noop() external view;
        function greeks(uint256 spot, uint256 strike, uint256 t, uint256 vol, uint256 rate)
            external view returns (uint256 call, uint256 put, int256 deltaCall, int256 deltaPut,
                uint256 gamma, uint256 vega, int256 thetaCall, int256 thetaPut, int256 rhoCall,
                int256 rhoPut);
    }
}

/// The bench program end to end, when `scripts/build-wasm.sh` has built it: the deployed
/// wasm computes exactly what the native math computes.
#[test]
fn bench_artifact_when_built() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../target/stylus/mutual-bs-bench.wasm");
    let Ok(wasm) = std::fs::read(path) else {
        eprintln!("skipped: {path} not built (scripts/build-wasm.sh)");
        return;
    };
    let mut net = net();
    let d = net.deploy(alice(), &wasm).unwrap();
    net.static_call_sol(alice(), d.address, &IBsBench::noopCall {}).unwrap();
    let w = 1_000_000_000_000_000_000u128;
    let inputs = mutual_risk::black_scholes::Inputs {
        spot_wad: 2000 * w,
        strike_wad: 2100 * w,
        t_years_wad: w / 12,
        vol_wad: 8 * w / 10,
        rate_wad: w / 20,
    };
    let call = IBsBench::greeksCall {
        spot: U256::from(inputs.spot_wad),
        strike: U256::from(inputs.strike_wad),
        t: U256::from(inputs.t_years_wad),
        vol: U256::from(inputs.vol_wad),
        rate: U256::from(inputs.rate_wad),
    };
    let got = net.static_call_sol(alice(), d.address, &call).unwrap();
    let want = mutual_risk::black_scholes::greeks(&inputs).unwrap();
    assert_eq!(got.call, U256::from(want.call_wad));
    assert_eq!(got.put, U256::from(want.put_wad));
    assert_eq!(got.deltaCall, alloy_primitives::I256::try_from(want.delta_call_wad).unwrap());
    assert_eq!(got.gamma, U256::from(want.gamma_wad));
    assert_eq!(got.rhoPut, alloy_primitives::I256::try_from(want.rho_put_wad).unwrap());
    // Out-of-range inputs revert with the bench's error; unknown selectors revert.
    let bad = IBsBench::greeksCall { spot: U256::ZERO, ..call };
    assert!(matches!(net.static_call_sol(alice(), d.address, &bad), Err(CallError::Failed(_))));
    assert!(!net.call(alice(), d.address, &[1, 2, 3, 4], U256::ZERO).success);
}

#[test]
fn garbage_is_refused_without_panicking() {
    let mut net = net();
    let garbage: [&[u8]; 4] = [b"", b"\0asm", b"\0asm\x01\0\0\0\x01\x05", &[0xff; 64]];
    for bytes in garbage {
        assert!(net.deploy(alice(), bytes).is_err());
    }
    // A constructor deployment is one transaction: the nonce moves once.
    let wasm = wat::parse_str(TEST_PROGRAM).unwrap();
    let before = net.nonce(alice());
    let options = DeployOptions { constructor: Some(Vec::new()), ..DeployOptions::default() };
    net.deploy_with(alice(), &wasm, &options).unwrap();
    assert_eq!(net.nonce(alice()), before + 1);
}

#[test]
fn the_market_stand_in_answers_its_views_and_reverts_otherwise() {
    use crate::protocol::{IMarketViews as M, MarketStandIn, MarketViews};
    use alloy_sol_types::SolCall;
    let mut net = net();
    let market = Address::repeat_byte(0x3a);
    let views = MarketViews {
        liability: U256::from(300u64),
        receivable: U256::from(50u64),
        mark_time: 1_234,
        required: U256::from(600u64),
        longest_open_tenor: 86_400,
        broken: false,
    };
    let book = MarketStandIn::install(&mut net, market, views);
    let r = net.static_call_sol(alice(), market, &M::poolLiabilityCall {}).unwrap();
    assert_eq!((r.liability, r.receivable, r.markTime), (views.liability, views.receivable, 1_234));
    let r = net.static_call_sol(alice(), market, &M::requiredCollateralCall {}).unwrap();
    assert_eq!(r._0, views.required);
    let r = net.static_call_sol(alice(), market, &M::longestOpenTenorCall {}).unwrap();
    assert_eq!(r._0, 86_400);
    // The answers move with the market; a broken market, an unknown selector, extra
    // calldata and value all revert without data.
    book.update(|v| v.mark_time = 99);
    assert_eq!(book.views().mark_time, 99);
    let r = net.static_call_sol(alice(), market, &M::poolLiabilityCall {}).unwrap();
    assert_eq!(r.markTime, 99);
    let mut long = M::requiredCollateralCall {}.abi_encode();
    long.push(0);
    for (data, value) in [
        (vec![0xde, 0xad, 0xbe, 0xef], U256::ZERO),
        (long, U256::ZERO),
        (M::requiredCollateralCall {}.abi_encode(), U256::from(1u64)),
    ] {
        net.set_balance(alice(), U256::from(10u64));
        let r = net.call(alice(), market, &data, value);
        assert!(!r.success && r.output.is_empty(), "{data:?}: {r:?}");
    }
    book.update(|v| v.broken = true);
    let r = net.static_call(alice(), market, &M::poolLiabilityCall {}.abi_encode());
    assert!(!r.success && r.output.is_empty());
}

#[test]
fn protocol_encodings_and_keys() {
    use crate::protocol::{key, text_word, tranche_key, vault_constructor, Config};
    assert_eq!(key("vault.redeemDelay"), alloy_primitives::keccak256("vault.redeemDelay"));
    assert_eq!(tranche_key(1, "capWad"), key("insurance.tranche.1.capWad"));
    let word = text_word("mUSDC");
    assert_eq!(&word[..6], b"mUSDC\0");
    assert!(word[5..].iter().all(|b| *b == 0));
    // (address, address, bytes32, bytes32): four static words.
    let (a, g) = (Address::repeat_byte(1), Address::repeat_byte(2));
    let data = vault_constructor(a, g, word, B256::ZERO);
    assert_eq!(data.len(), 128);
    assert_eq!(&data[12..32], a.as_slice());
    assert_eq!(&data[64..96], word.as_slice());
    // Every key is registered once.
    let config = Config::new(2);
    let mut keys: Vec<B256> = config.params.iter().map(|p| p.key).collect();
    keys.sort_unstable();
    keys.dedup();
    assert_eq!(keys.len(), config.params.len());
    assert!(config.param(key("vault.minHoldTime")).is_some());
}

#[test]
fn missing_artifacts_are_named_with_the_command_that_builds_them() {
    use crate::protocol::{Artifacts, PACKAGES};
    let dir = std::env::temp_dir().join(format!("mutual-no-artifacts-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // One artifact present, the others missing.
    std::fs::write(dir.join(format!("{}.wasm", PACKAGES[0])), b"\0asm").unwrap();
    let error = Artifacts::load(&dir).unwrap_err();
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(error.contains("bash scripts/build-wasm.sh"), "{error}");
    assert!(!error.contains(&format!("{}.wasm:", PACKAGES[0])), "{error}");
    for package in &PACKAGES[1..] {
        assert!(error.contains(&format!("{package}.wasm:")), "{package}: {error}");
    }
}
