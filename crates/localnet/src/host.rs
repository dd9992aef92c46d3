//! The `vm_hooks` (and debug `console`) host functions, with the ink and gas each charges.
//!
//! Every charge follows `arbitrator/wasm-libraries/user-host-trait/src/lib.rs` (the
//! `UserHost` trait Nitro's native and proving hosts share) and the EVM side in
//! `arbos/programs/api.go` (`newApiClosures`), `arbitrator/arbutil/src/evm/req.rs`
//! (`EvmApiRequestor`: the storage cache, the last-code cache) and go-ethereum's
//! `core/vm/operations_acl_arbitrum.go` (`WasmStateLoadCost`, `WasmStateStoreCost`,
//! `WasmCallCost`, `WasmAccountTouchCost`). Charges happen in the same order as in Nitro
//! (base ink, I/O ink, required gas, the EVM request, its gas), so running out of ink fails
//! at the same point.

use std::collections::{BTreeMap, HashMap};
use std::rc::Rc;

use alloy_primitives::{keccak256, Address, B256, U256};
use wasmi::{Caller, Linker, Val};

use crate::exec::{self, CallKind, Message, Status};
use crate::pricing::{
    cache_read_gas, cache_write_gas, keccak_price, memory_gas_cost, pow_price, read_price,
    write_price, ADD_MOD_INK, CALL_NEW_ACCOUNT_GAS, CALL_STIPEND, CALL_VALUE_TRANSFER_GAS,
    COLD_ACCOUNT_GAS, COLD_SLOAD_GAS, CREATE_DATA_GAS, CREATE_GAS, DIV_INK, EVM_API_INK,
    EXTCODE_SIZE_GAS, HOSTIO_INK, INK_PRICE, KECCAK_WORD_GAS, LOG_DATA_GAS, LOG_TOPIC_GAS,
    MUL_MOD_INK, PTR_INK, SSTORE_CLEARS_REFUND, SSTORE_RESET_GAS, SSTORE_SENTRY_GAS,
    SSTORE_SET_GAS, STORAGE_CACHE_REQUIRED_ACCESS_GAS, TRANSIENT_GAS, WARM_SLOAD_GAS,
};
use crate::program::{MAX_CODE_SIZE, STYLUS_PREFIX};
use crate::state::World;
use crate::Log;

/// Why a host function stopped the program.
#[derive(Debug)]
pub(crate) enum Escape {
    /// Out of ink: all gas is gone.
    OutOfInk,
    /// `exit_early(status)`.
    Exit(u32),
    /// A failure (bad memory access, bad log, write protection, ...): a revert without
    /// data, as Nitro's `UserOutcome::Failure`.
    Failure(String),
}

impl std::fmt::Display for Escape {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::OutOfInk => f.write_str("out of ink"),
            Self::Exit(status) => write!(f, "exit_early({status})"),
            Self::Failure(reason) => f.write_str(reason),
        }
    }
}

impl wasmi::core::HostError for Escape {}

/// A failure.
fn fail(reason: impl Into<String>) -> wasmi::Error {
    wasmi::Error::host(Escape::Failure(reason.into()))
}

/// One slot of a program's storage cache.
#[derive(Clone, Copy, Debug)]
struct Word {
    /// The program's view of the slot.
    value: B256,
    /// The value in the state, if known.
    known: Option<B256>,
}

/// A program's storage cache: loads are served from it, stores go into it and reach the
/// state on `storage_flush_cache`.
///
/// Source: `arbitrator/arbutil/src/evm/storage.rs` (`StorageCache`, `StorageWord`) and
/// `arbitrator/arbutil/src/evm/req.rs` (`get_bytes32`, `cache_bytes32`, `flush_storage_cache`).
#[derive(Debug, Default)]
pub(crate) struct StorageCache {
    /// Cached slots.
    slots: HashMap<B256, Word>,
    /// Loads so far.
    reads: u64,
    /// Stores so far.
    writes: u64,
}

/// The host side of a running program.
pub(crate) struct Frame {
    /// The world, lent to the program for the duration of the call.
    pub(crate) world: World,
    /// `contract_address`.
    pub(crate) address: Address,
    /// `msg_sender`.
    pub(crate) sender: Address,
    /// `msg_value`.
    pub(crate) value: U256,
    /// Calldata.
    pub(crate) args: Vec<u8>,
    /// Whether writes are forbidden.
    pub(crate) read_only: bool,
    /// `msg_reentrant`.
    pub(crate) reentrant: bool,
    /// `write_result` data.
    pub(crate) outs: Vec<u8>,
    /// Return data of the last call or create.
    pub(crate) return_data: Vec<u8>,
    /// The storage cache.
    pub(crate) cache: StorageCache,
    /// The code last loaded by `account_code`/`account_code_size`.
    pub(crate) last_code: Option<(Address, Rc<Vec<u8>>)>,
    /// `stylus_ink_left`.
    pub(crate) ink: Option<wasmi::Global>,
    /// `stylus_ink_status`.
    pub(crate) status: Option<wasmi::Global>,
    /// The program's memory.
    pub(crate) memory: Option<wasmi::Memory>,
    /// Ink bought by host functions.
    pub(crate) host_ink: u64,
    /// Per-hostio calls and ink.
    pub(crate) hostios: BTreeMap<&'static str, (u64, u64)>,
}

/// The caller type of every host function.
type C<'a> = Caller<'a, Frame>;
/// The result type of every host function.
type R<T> = Result<T, wasmi::Error>;

// ---- the meter ----------------------------------------------------------------------------

/// Counts a call of hostio `name`.
fn enter(c: &mut C<'_>, name: &'static str) {
    c.data_mut().hostios.entry(name).or_insert((0, 0)).0 += 1;
}

/// The ink left, or out of ink if the status says so.
fn ink_ready(c: &C<'_>) -> R<u64> {
    let frame = c.data();
    let (Some(ink), Some(status)) = (frame.ink, frame.status) else {
        return Err(fail("no meter"));
    };
    if let Val::I32(s) = status.get(c) {
        if s != 0 {
            return Err(wasmi::Error::host(Escape::OutOfInk));
        }
    }
    match ink.get(c) {
        Val::I64(v) => Ok(u64::from_ne_bytes(v.to_ne_bytes())),
        _ => Err(fail("bad meter")),
    }
}

/// Sets the ink left (status ready).
fn set_ink(c: &mut C<'_>, value: u64) -> R<()> {
    let Some(ink) = c.data().ink else { return Err(fail("no meter")) };
    ink.set(&mut *c, Val::I64(i64::from_ne_bytes(value.to_ne_bytes())))
        .map_err(|e| fail(e.to_string()))
}

/// Marks the program exhausted and returns the out-of-ink error.
fn out_of_ink(c: &mut C<'_>) -> wasmi::Error {
    let _ = set_ink(c, 0);
    if let Some(status) = c.data().status {
        let _ = status.set(&mut *c, Val::I32(1));
    }
    wasmi::Error::host(Escape::OutOfInk)
}

/// `buy_ink`: pays `ink`, or runs out.
fn buy_ink(c: &mut C<'_>, name: &'static str, ink: u64) -> R<()> {
    let left = ink_ready(c)?;
    if left < ink {
        return Err(out_of_ink(c));
    }
    set_ink(c, left - ink)?;
    let frame = c.data_mut();
    frame.host_ink = frame.host_ink.saturating_add(ink);
    frame.hostios.entry(name).or_insert((0, 0)).1 += ink;
    Ok(())
}

/// `buy_gas`: pays `gas` as ink.
fn buy_gas(c: &mut C<'_>, name: &'static str, gas: u64) -> R<()> {
    buy_ink(c, name, gas.saturating_mul(INK_PRICE))
}

/// `require_gas`: runs out unless `gas` is left, without paying.
fn require_gas(c: &mut C<'_>, gas: u64) -> R<()> {
    let left = ink_ready(c)?;
    if left < gas.saturating_mul(INK_PRICE) {
        return Err(out_of_ink(c));
    }
    Ok(())
}

/// The gas left (`ink / ink price`).
fn gas_left(c: &C<'_>) -> R<u64> {
    Ok(ink_ready(c)? / INK_PRICE)
}

// ---- memory -------------------------------------------------------------------------------

/// `len` bytes at `ptr`.
fn read(c: &C<'_>, ptr: u32, len: u32) -> R<Vec<u8>> {
    let Some(memory) = c.data().memory else { return Err(fail("no memory")) };
    let mut buf = vec![0u8; len as usize];
    memory.read(c, ptr as usize, &mut buf).map_err(|_| fail("memory access out of bounds"))?;
    Ok(buf)
}

/// `N` bytes at `ptr`.
fn read_fixed<const N: usize>(c: &C<'_>, ptr: u32) -> R<[u8; N]> {
    let Some(memory) = c.data().memory else { return Err(fail("no memory")) };
    let mut buf = [0u8; N];
    memory.read(c, ptr as usize, &mut buf).map_err(|_| fail("memory access out of bounds"))?;
    Ok(buf)
}

/// Writes `data` at `ptr`.
fn write(c: &mut C<'_>, ptr: u32, data: &[u8]) -> R<()> {
    let Some(memory) = c.data().memory else { return Err(fail("no memory")) };
    memory.write(&mut *c, ptr as usize, data).map_err(|_| fail("memory access out of bounds"))
}

/// `data[start..end]` clamped to `data` (Nitro's `slice_with_runoff`).
fn runoff(data: &[u8], start: u32, end: u32) -> &[u8] {
    let len = data.len();
    let start = (start as usize).min(len);
    let end = (end as usize).min(len);
    if start >= end {
        return &[];
    }
    &data[start..end]
}

/// Length as the `u32` the ABI returns.
fn len32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

// ---- EVM costs (go-ethereum, core/vm/operations_acl_arbitrum.go) -------------------------

/// `WasmStateStoreCost`: the gas of writing `value` at `key` (EIP-2929 cold surcharge,
/// EIP-2200 net metering with EIP-3529 refunds), updating the refund counter.
fn sstore_cost(world: &mut World, address: Address, key: B256, value: B256) -> u64 {
    let current = world.sload(address, key);
    let mut cost = 0;
    if world.warm_slot(address, key) {
        cost = COLD_SLOAD_GAS;
    }
    if current == value {
        return cost + WARM_SLOAD_GAS;
    }
    let original = world.original(address, key);
    if original == current {
        if original.is_zero() {
            return cost + SSTORE_SET_GAS;
        }
        if value.is_zero() {
            world.add_refund(SSTORE_CLEARS_REFUND);
        }
        return cost + (SSTORE_RESET_GAS - COLD_SLOAD_GAS);
    }
    if !original.is_zero() {
        if current.is_zero() {
            world.sub_refund(SSTORE_CLEARS_REFUND);
        } else if value.is_zero() {
            world.add_refund(SSTORE_CLEARS_REFUND);
        }
    }
    if original == value {
        if original.is_zero() {
            world.add_refund(SSTORE_SET_GAS - WARM_SLOAD_GAS);
        } else {
            world.add_refund((SSTORE_RESET_GAS - COLD_SLOAD_GAS) - WARM_SLOAD_GAS);
        }
    }
    cost + WARM_SLOAD_GAS
}

/// `WasmAccountTouchCost`: cold or warm account access, plus `ExtcodeSizeGasEIP150` when
/// the code is loaded.
fn touch_cost(world: &mut World, address: Address, with_code: bool) -> u64 {
    let code = if with_code { EXTCODE_SIZE_GAS } else { 0 };
    if world.warm_address(address) {
        code + COLD_ACCOUNT_GAS
    } else {
        code + WARM_SLOAD_GAS
    }
}

/// `WasmCallCost`: the static and dynamic cost of starting a call; `Err(total)` when it
/// exceeds `budget`.
fn call_cost(world: &mut World, contract: Address, value: U256, budget: u64) -> Result<u64, u64> {
    let mut total = WARM_SLOAD_GAS;
    if total > budget {
        return Err(total);
    }
    if world.warm_address(contract) {
        total += COLD_ACCOUNT_GAS - WARM_SLOAD_GAS;
        if total > budget {
            return Err(total);
        }
    }
    let transfers = !value.is_zero();
    if transfers && world.is_empty(contract) {
        total += CALL_NEW_ACCOUNT_GAS;
        if total > budget {
            return Err(total);
        }
    }
    if transfers {
        total += CALL_VALUE_TRANSFER_GAS;
        if total > budget {
            return Err(total);
        }
    }
    Ok(total)
}

// ---- the host functions ----------------------------------------------------------------

/// Registers every host function in `linker`.
#[allow(clippy::too_many_lines, reason = "one registration per hostio")]
pub(crate) fn define(linker: &mut Linker<Frame>) {
    macro_rules! hook {
        ($name:literal, $f:expr) => {
            // Names are unique, so defining cannot fail.
            let _ = linker.func_wrap("vm_hooks", $name, $f);
        };
    }
    macro_rules! console {
        ($name:literal, $f:expr) => {
            let _ = linker.func_wrap("console", $name, $f);
        };
    }

    hook!("read_args", |mut c: C<'_>, ptr: u32| -> R<()> {
        enter(&mut c, "read_args");
        buy_ink(&mut c, "read_args", HOSTIO_INK)?;
        let args = std::mem::take(&mut c.data_mut().args);
        let paid = buy_ink(&mut c, "read_args", write_price(len32(args.len())));
        let written = paid.and_then(|()| write(&mut c, ptr, &args));
        c.data_mut().args = args;
        written
    });
    hook!("write_result", |mut c: C<'_>, ptr: u32, len: u32| -> R<()> {
        enter(&mut c, "write_result");
        buy_ink(&mut c, "write_result", HOSTIO_INK)?;
        buy_ink(&mut c, "write_result", read_price(len))?;
        buy_ink(&mut c, "write_result", read_price(len))?;
        let outs = read(&c, ptr, len)?;
        c.data_mut().outs = outs;
        Ok(())
    });
    hook!("exit_early", |mut c: C<'_>, status: u32| -> R<()> {
        enter(&mut c, "exit_early");
        Err(wasmi::Error::host(Escape::Exit(status)))
    });
    hook!("storage_load_bytes32", |mut c: C<'_>, key: u32, dest: u32| -> R<()> {
        const NAME: &str = "storage_load_bytes32";
        enter(&mut c, NAME);
        buy_ink(&mut c, NAME, HOSTIO_INK + 2 * PTR_INK)?;
        let evm_api_gas = EVM_API_INK / INK_PRICE;
        require_gas(&mut c, COLD_SLOAD_GAS + STORAGE_CACHE_REQUIRED_ACCESS_GAS + evm_api_gas)?;
        let key = B256::from(read_fixed::<32>(&c, key)?);
        let frame = c.data_mut();
        frame.cache.reads += 1;
        let mut cost = cache_read_gas(frame.cache.reads);
        let value = if let Some(word) = frame.cache.slots.get(&key) {
            word.value
        } else {
            let address = frame.address;
            let access =
                if frame.world.warm_slot(address, key) { COLD_SLOAD_GAS } else { WARM_SLOAD_GAS };
            let value = frame.world.sload(address, key);
            cost += access + evm_api_gas;
            frame.cache.slots.insert(key, Word { value, known: Some(value) });
            value
        };
        buy_gas(&mut c, NAME, cost)?;
        write(&mut c, dest, value.as_slice())
    });
    hook!("storage_cache_bytes32", |mut c: C<'_>, key: u32, value: u32| -> R<()> {
        const NAME: &str = "storage_cache_bytes32";
        enter(&mut c, NAME);
        buy_ink(&mut c, NAME, HOSTIO_INK + 2 * PTR_INK)?;
        require_gas(&mut c, SSTORE_SENTRY_GAS + STORAGE_CACHE_REQUIRED_ACCESS_GAS)?;
        let key = B256::from(read_fixed::<32>(&c, key)?);
        let value = B256::from(read_fixed::<32>(&c, value)?);
        let cache = &mut c.data_mut().cache;
        cache.writes += 1;
        let cost = cache_write_gas(cache.writes);
        cache
            .slots
            .entry(key)
            .and_modify(|w| w.value = value)
            .or_insert(Word { value, known: None });
        buy_gas(&mut c, NAME, cost)
    });
    hook!("storage_flush_cache", |mut c: C<'_>, clear: u32| -> R<()> {
        const NAME: &str = "storage_flush_cache";
        enter(&mut c, NAME);
        buy_ink(&mut c, NAME, HOSTIO_INK + EVM_API_INK)?;
        require_gas(&mut c, SSTORE_SENTRY_GAS)?;
        let mut gas = gas_left(&c)?;
        let frame = c.data_mut();
        let mut dirty: Vec<(B256, B256)> = Vec::new();
        for (key, word) in &mut frame.cache.slots {
            if word.known != Some(word.value) {
                dirty.push((*key, word.value));
                word.known = Some(word.value);
            }
        }
        if clear != 0 {
            frame.cache.slots.clear();
        }
        if dirty.is_empty() {
            return Ok(());
        }
        // Nitro walks its hash map; the order only matters to a flush that runs out of gas.
        dirty.sort_unstable();
        let address = frame.address;
        let mut cost = 0u64;
        for (key, value) in dirty {
            if frame.read_only {
                return Err(fail("write protection (storage flush in a static call)"));
            }
            let slot = sstore_cost(&mut frame.world, address, key, value);
            if slot > gas {
                return Err(fail("out of gas flushing the storage cache"));
            }
            gas -= slot;
            cost += slot;
            frame.world.sstore(address, key, value);
        }
        buy_gas(&mut c, NAME, cost)
    });
    hook!("transient_load_bytes32", |mut c: C<'_>, key: u32, dest: u32| -> R<()> {
        const NAME: &str = "transient_load_bytes32";
        enter(&mut c, NAME);
        buy_ink(&mut c, NAME, HOSTIO_INK + 2 * PTR_INK + EVM_API_INK)?;
        buy_gas(&mut c, NAME, TRANSIENT_GAS)?;
        let key = B256::from(read_fixed::<32>(&c, key)?);
        let frame = c.data();
        let value = frame.world.tload(frame.address, key);
        write(&mut c, dest, value.as_slice())
    });
    hook!("transient_store_bytes32", |mut c: C<'_>, key: u32, value: u32| -> R<()> {
        const NAME: &str = "transient_store_bytes32";
        enter(&mut c, NAME);
        buy_ink(&mut c, NAME, HOSTIO_INK + 2 * PTR_INK + EVM_API_INK)?;
        buy_gas(&mut c, NAME, TRANSIENT_GAS)?;
        let key = B256::from(read_fixed::<32>(&c, key)?);
        let value = B256::from(read_fixed::<32>(&c, value)?);
        let frame = c.data_mut();
        if frame.read_only {
            return Err(fail("write protection (transient store in a static call)"));
        }
        let address = frame.address;
        frame.world.tstore(address, key, value);
        Ok(())
    });
    hook!("call_contract", |mut c: C<'_>,
                            to: u32,
                            data: u32,
                            len: u32,
                            value: u32,
                            gas: u64,
                            ret: u32|
     -> R<u32> {
        do_call(&mut c, CallKind::Call, to, data, len, Some(value), gas, ret)
    });
    hook!("delegate_call_contract", |mut c: C<'_>,
                                     to: u32,
                                     data: u32,
                                     len: u32,
                                     gas: u64,
                                     ret: u32|
     -> R<u32> {
        do_call(&mut c, CallKind::Delegate, to, data, len, None, gas, ret)
    });
    hook!("static_call_contract", |mut c: C<'_>,
                                   to: u32,
                                   data: u32,
                                   len: u32,
                                   gas: u64,
                                   ret: u32|
     -> R<u32> {
        do_call(&mut c, CallKind::Static, to, data, len, None, gas, ret)
    });
    hook!("create1", |mut c: C<'_>,
                      code: u32,
                      len: u32,
                      endowment: u32,
                      contract: u32,
                      ret: u32|
     -> R<()> {
        do_create(&mut c, code, len, endowment, None, contract, ret)
    });
    hook!("create2", |mut c: C<'_>,
                      code: u32,
                      len: u32,
                      endowment: u32,
                      salt: u32,
                      contract: u32,
                      ret: u32|
     -> R<()> {
        do_create(&mut c, code, len, endowment, Some(salt), contract, ret)
    });
    hook!("read_return_data", |mut c: C<'_>, dest: u32, offset: u32, size: u32| -> R<u32> {
        const NAME: &str = "read_return_data";
        enter(&mut c, NAME);
        buy_ink(&mut c, NAME, HOSTIO_INK + EVM_API_INK)?;
        let data = std::mem::take(&mut c.data_mut().return_data);
        let max = len32(data.len()).saturating_sub(offset);
        let result = buy_ink(&mut c, NAME, write_price(size.min(max))).and_then(|()| {
            let slice = runoff(&data, offset, offset.saturating_add(size));
            if !slice.is_empty() {
                write(&mut c, dest, slice)?;
            }
            Ok(len32(slice.len()))
        });
        c.data_mut().return_data = data;
        result
    });
    hook!("return_data_size", |mut c: C<'_>| -> R<u32> {
        enter(&mut c, "return_data_size");
        buy_ink(&mut c, "return_data_size", HOSTIO_INK)?;
        Ok(len32(c.data().return_data.len()))
    });
    hook!("emit_log", |mut c: C<'_>, data: u32, len: u32, topics: u32| -> R<()> {
        const NAME: &str = "emit_log";
        enter(&mut c, NAME);
        buy_ink(&mut c, NAME, HOSTIO_INK + EVM_API_INK)?;
        if topics > 4 || u64::from(len) < u64::from(topics) * 32 {
            return Err(fail("bad topic data"));
        }
        buy_ink(&mut c, NAME, read_price(len))?;
        let data_len = u64::from(len - topics * 32);
        buy_gas(&mut c, NAME, (1 + u64::from(topics)) * LOG_TOPIC_GAS + data_len * LOG_DATA_GAS)?;
        let bytes = read(&c, data, len)?;
        let frame = c.data_mut();
        if frame.read_only {
            return Err(fail("write protection (log in a static call)"));
        }
        let split = topics as usize * 32;
        let log = Log {
            address: frame.address,
            topics: bytes[..split].chunks(32).map(B256::from_slice).collect(),
            data: bytes[split..].to_vec(),
        };
        frame.world.push_log(log);
        Ok(())
    });
    hook!("account_balance", |mut c: C<'_>, address: u32, dest: u32| -> R<()> {
        const NAME: &str = "account_balance";
        enter(&mut c, NAME);
        buy_ink(&mut c, NAME, HOSTIO_INK + 2 * PTR_INK + EVM_API_INK)?;
        require_gas(&mut c, COLD_ACCOUNT_GAS)?;
        let address = Address::from(read_fixed::<20>(&c, address)?);
        let world = &mut c.data_mut().world;
        let cost = touch_cost(world, address, false);
        let balance = world.balance(address);
        buy_gas(&mut c, NAME, cost)?;
        write(&mut c, dest, &balance.to_be_bytes::<32>())
    });
    hook!("account_code", |mut c: C<'_>,
                           address: u32,
                           offset: u32,
                           size: u32,
                           dest: u32|
     -> R<u32> {
        const NAME: &str = "account_code";
        let code = load_code(&mut c, NAME, address)?;
        buy_ink(&mut c, NAME, write_price(len32(code.len())))?;
        let slice = runoff(&code, offset, offset.saturating_add(size));
        write(&mut c, dest, slice)?;
        Ok(len32(slice.len()))
    });
    hook!("account_code_size", |mut c: C<'_>, address: u32| -> R<u32> {
        let code = load_code(&mut c, "account_code_size", address)?;
        Ok(len32(code.len()))
    });
    hook!("account_codehash", |mut c: C<'_>, address: u32, dest: u32| -> R<()> {
        const NAME: &str = "account_codehash";
        enter(&mut c, NAME);
        buy_ink(&mut c, NAME, HOSTIO_INK + 2 * PTR_INK + EVM_API_INK)?;
        require_gas(&mut c, COLD_ACCOUNT_GAS)?;
        let address = Address::from(read_fixed::<20>(&c, address)?);
        let world = &mut c.data_mut().world;
        let cost = touch_cost(world, address, false);
        let hash = world.code_hash(address);
        buy_gas(&mut c, NAME, cost)?;
        write(&mut c, dest, hash.as_slice())
    });
    hook!("block_basefee", |mut c: C<'_>, ptr: u32| -> R<()> {
        enter(&mut c, "block_basefee");
        buy_ink(&mut c, "block_basefee", HOSTIO_INK + PTR_INK)?;
        let fee = c.data().world.block.basefee.to_be_bytes::<32>();
        write(&mut c, ptr, &fee)
    });
    hook!("block_coinbase", |mut c: C<'_>, ptr: u32| -> R<()> {
        enter(&mut c, "block_coinbase");
        buy_ink(&mut c, "block_coinbase", HOSTIO_INK + PTR_INK)?;
        let coinbase = c.data().world.block.coinbase;
        write(&mut c, ptr, coinbase.as_slice())
    });
    hook!("block_gas_limit", |mut c: C<'_>| -> R<u64> {
        enter(&mut c, "block_gas_limit");
        buy_ink(&mut c, "block_gas_limit", HOSTIO_INK)?;
        Ok(c.data().world.block.gas_limit)
    });
    hook!("block_number", |mut c: C<'_>| -> R<u64> {
        enter(&mut c, "block_number");
        buy_ink(&mut c, "block_number", HOSTIO_INK)?;
        Ok(c.data().world.block.number)
    });
    hook!("block_timestamp", |mut c: C<'_>| -> R<u64> {
        enter(&mut c, "block_timestamp");
        buy_ink(&mut c, "block_timestamp", HOSTIO_INK)?;
        Ok(c.data().world.block.timestamp)
    });
    hook!("chainid", |mut c: C<'_>| -> R<u64> {
        enter(&mut c, "chainid");
        buy_ink(&mut c, "chainid", HOSTIO_INK)?;
        Ok(c.data().world.block.chain_id)
    });
    hook!("contract_address", |mut c: C<'_>, ptr: u32| -> R<()> {
        enter(&mut c, "contract_address");
        buy_ink(&mut c, "contract_address", HOSTIO_INK + PTR_INK)?;
        let address = c.data().address;
        write(&mut c, ptr, address.as_slice())
    });
    hook!("evm_gas_left", |mut c: C<'_>| -> R<u64> {
        enter(&mut c, "evm_gas_left");
        buy_ink(&mut c, "evm_gas_left", HOSTIO_INK)?;
        gas_left(&c)
    });
    hook!("evm_ink_left", |mut c: C<'_>| -> R<u64> {
        enter(&mut c, "evm_ink_left");
        buy_ink(&mut c, "evm_ink_left", HOSTIO_INK)?;
        ink_ready(&c)
    });
    hook!("math_div", |mut c: C<'_>, value: u32, divisor: u32| -> R<()> {
        math2(&mut c, "math_div", HOSTIO_INK + 3 * PTR_INK + DIV_INK, value, divisor, |a, b| {
            a.checked_div(b).unwrap_or_default()
        })
    });
    hook!("math_mod", |mut c: C<'_>, value: u32, modulus: u32| -> R<()> {
        math2(&mut c, "math_mod", HOSTIO_INK + 3 * PTR_INK + DIV_INK, value, modulus, |a, b| {
            a.checked_rem(b).unwrap_or_default()
        })
    });
    hook!("math_pow", |mut c: C<'_>, value: u32, exponent: u32| -> R<()> {
        const NAME: &str = "math_pow";
        enter(&mut c, NAME);
        buy_ink(&mut c, NAME, HOSTIO_INK + 3 * PTR_INK)?;
        let a = U256::from_be_bytes(read_fixed::<32>(&c, value)?);
        let b = read_fixed::<32>(&c, exponent)?;
        buy_ink(&mut c, NAME, pow_price(&b))?;
        let result = a.wrapping_pow(U256::from_be_bytes(b));
        write(&mut c, value, &result.to_be_bytes::<32>())
    });
    hook!("math_add_mod", |mut c: C<'_>, value: u32, addend: u32, modulus: u32| -> R<()> {
        math3(
            &mut c,
            "math_add_mod",
            HOSTIO_INK + 4 * PTR_INK + ADD_MOD_INK,
            [value, addend, modulus],
            U256::add_mod,
        )
    });
    hook!("math_mul_mod", |mut c: C<'_>, value: u32, multiplier: u32, modulus: u32| -> R<()> {
        math3(
            &mut c,
            "math_mul_mod",
            HOSTIO_INK + 4 * PTR_INK + MUL_MOD_INK,
            [value, multiplier, modulus],
            U256::mul_mod,
        )
    });
    hook!("msg_reentrant", |mut c: C<'_>| -> R<u32> {
        enter(&mut c, "msg_reentrant");
        buy_ink(&mut c, "msg_reentrant", HOSTIO_INK)?;
        Ok(u32::from(c.data().reentrant))
    });
    hook!("msg_sender", |mut c: C<'_>, ptr: u32| -> R<()> {
        enter(&mut c, "msg_sender");
        buy_ink(&mut c, "msg_sender", HOSTIO_INK + PTR_INK)?;
        let sender = c.data().sender;
        write(&mut c, ptr, sender.as_slice())
    });
    hook!("msg_value", |mut c: C<'_>, ptr: u32| -> R<()> {
        enter(&mut c, "msg_value");
        buy_ink(&mut c, "msg_value", HOSTIO_INK + PTR_INK)?;
        let value = c.data().value.to_be_bytes::<32>();
        write(&mut c, ptr, &value)
    });
    hook!("native_keccak256", |mut c: C<'_>, input: u32, len: u32, output: u32| -> R<()> {
        enter(&mut c, "native_keccak256");
        buy_ink(&mut c, "native_keccak256", keccak_price(len))?;
        let preimage = read(&c, input, len)?;
        write(&mut c, output, keccak256(&preimage).as_slice())
    });
    hook!("tx_gas_price", |mut c: C<'_>, ptr: u32| -> R<()> {
        enter(&mut c, "tx_gas_price");
        buy_ink(&mut c, "tx_gas_price", HOSTIO_INK + PTR_INK)?;
        let price = c.data().world.block.basefee.to_be_bytes::<32>();
        write(&mut c, ptr, &price)
    });
    hook!("tx_ink_price", |mut c: C<'_>| -> R<u32> {
        enter(&mut c, "tx_ink_price");
        buy_ink(&mut c, "tx_ink_price", HOSTIO_INK)?;
        Ok(u32::try_from(INK_PRICE).unwrap_or(u32::MAX))
    });
    hook!("tx_origin", |mut c: C<'_>, ptr: u32| -> R<()> {
        enter(&mut c, "tx_origin");
        buy_ink(&mut c, "tx_origin", HOSTIO_INK + PTR_INK)?;
        let origin = c.data().world.origin;
        write(&mut c, ptr, origin.as_slice())
    });
    hook!("pay_for_memory_grow", |mut c: C<'_>, pages: u32| -> R<()> {
        const NAME: &str = "pay_for_memory_grow";
        enter(&mut c, NAME);
        // Nitro's hostio takes a u16: wider requests are truncated by the import's type.
        #[allow(clippy::cast_possible_truncation, reason = "the hostio's parameter is a u16")]
        let pages = pages as u16;
        if pages == 0 {
            return buy_ink(&mut c, NAME, HOSTIO_INK);
        }
        let (open, ever) = c.data_mut().world.add_pages(pages);
        buy_gas(&mut c, NAME, memory_gas_cost(pages, open, ever))
    });

    console!("log_txt", |mut c: C<'_>, ptr: u32, len: u32| -> R<()> {
        let text = read(&c, ptr, len)?;
        say(&mut c, String::from_utf8_lossy(&text).into_owned());
        Ok(())
    });
    console!("log_i32", |mut c: C<'_>, v: i32| -> R<()> {
        say(&mut c, v.to_string());
        Ok(())
    });
    console!("log_i64", |mut c: C<'_>, v: i64| -> R<()> {
        say(&mut c, v.to_string());
        Ok(())
    });
    console!("log_f32", |mut c: C<'_>, v: f32| -> R<()> {
        say(&mut c, v.to_string());
        Ok(())
    });
    console!("log_f64", |mut c: C<'_>, v: f64| -> R<()> {
        say(&mut c, v.to_string());
        Ok(())
    });
    console!("tee_i32", |mut c: C<'_>, v: i32| -> R<i32> {
        say(&mut c, v.to_string());
        Ok(v)
    });
    console!("tee_i64", |mut c: C<'_>, v: i64| -> R<i64> {
        say(&mut c, v.to_string());
        Ok(v)
    });
    console!("tee_f32", |mut c: C<'_>, v: f32| -> R<f32> {
        say(&mut c, v.to_string());
        Ok(v)
    });
    console!("tee_f64", |mut c: C<'_>, v: f64| -> R<f64> {
        say(&mut c, v.to_string());
        Ok(v)
    });
}

/// Records console output (debug programs only; no ink, as in Nitro).
fn say(c: &mut C<'_>, text: String) {
    let world = &mut c.data_mut().world;
    if world.echo_console {
        eprintln!("console: {text}");
    }
    world.console.push(text);
}

/// `math_div` and `math_mod`.
fn math2(
    c: &mut C<'_>,
    name: &'static str,
    ink: u64,
    value: u32,
    other: u32,
    op: impl Fn(U256, U256) -> U256,
) -> R<()> {
    enter(c, name);
    buy_ink(c, name, ink)?;
    let lhs = U256::from_be_bytes(read_fixed::<32>(c, value)?);
    let rhs = U256::from_be_bytes(read_fixed::<32>(c, other)?);
    write(c, value, &op(lhs, rhs).to_be_bytes::<32>())
}

/// `math_add_mod` and `math_mul_mod`.
fn math3(
    c: &mut C<'_>,
    name: &'static str,
    ink: u64,
    ptrs: [u32; 3],
    op: impl Fn(U256, U256, U256) -> U256,
) -> R<()> {
    enter(c, name);
    buy_ink(c, name, ink)?;
    let value = U256::from_be_bytes(read_fixed::<32>(c, ptrs[0])?);
    let other = U256::from_be_bytes(read_fixed::<32>(c, ptrs[1])?);
    let modulus = U256::from_be_bytes(read_fixed::<32>(c, ptrs[2])?);
    write(c, ptrs[0], &op(value, other, modulus).to_be_bytes::<32>())
}

/// The shared part of `account_code` and `account_code_size`: charges, then the code
/// (served from the last-code cache when it is the same account).
fn load_code(c: &mut C<'_>, name: &'static str, address: u32) -> R<Rc<Vec<u8>>> {
    enter(c, name);
    buy_ink(c, name, HOSTIO_INK + EVM_API_INK)?;
    require_gas(c, COLD_ACCOUNT_GAS)?;
    let address = Address::from(read_fixed::<20>(c, address)?);
    let gas = gas_left(c)?;
    let frame = c.data_mut();
    let (code, cost) = match &frame.last_code {
        Some((last, code)) if *last == address => (Rc::clone(code), 0),
        _ => {
            let cost = touch_cost(&mut frame.world, address, true);
            let code = if gas < cost { Rc::new(Vec::new()) } else { frame.world.code(address) };
            if !code.is_empty() {
                frame.last_code = Some((address, Rc::clone(&code)));
            }
            (code, cost)
        }
    };
    buy_gas(c, name, cost)?;
    Ok(code)
}

/// `call_contract`, `delegate_call_contract` and `static_call_contract`.
#[allow(clippy::too_many_arguments, reason = "the hostio's arguments")]
fn do_call(
    c: &mut C<'_>,
    kind: CallKind,
    to: u32,
    data: u32,
    len: u32,
    value: Option<u32>,
    gas: u64,
    ret_len: u32,
) -> R<u32> {
    let name = match kind {
        CallKind::Call => "call_contract",
        CallKind::Delegate => "delegate_call_contract",
        CallKind::Static => "static_call_contract",
    };
    enter(c, name);
    buy_ink(c, name, HOSTIO_INK + 3 * PTR_INK + EVM_API_INK)?;
    buy_ink(c, name, read_price(len))?;
    buy_ink(c, name, read_price(len))?;
    let gas_left = gas_left(c)?;
    let gas_req = gas.min(gas_left);
    let contract = Address::from(read_fixed::<20>(c, to)?);
    let input = read(c, data, len)?;
    let value = match value {
        Some(ptr) => U256::from_be_bytes(read_fixed::<32>(c, ptr)?),
        None => U256::ZERO,
    };

    let frame = c.data_mut();
    let (output, cost, ok) = if frame.read_only && !value.is_zero() {
        (Vec::new(), 0, false)
    } else {
        match call_cost(&mut frame.world, contract, value, gas_left) {
            Err(_) => (Vec::new(), gas_left, false),
            Ok(base) => {
                let start = gas_left.saturating_sub(base) * 63 / 64;
                let mut gas = start.min(gas_req);
                if !value.is_zero() {
                    gas = gas.saturating_add(CALL_STIPEND);
                }
                let msg = match kind {
                    CallKind::Delegate => Message {
                        kind,
                        caller: frame.sender,
                        address: frame.address,
                        code_address: contract,
                        value: frame.value,
                        input,
                        gas,
                        read_only: frame.read_only,
                    },
                    CallKind::Call | CallKind::Static => Message {
                        kind,
                        caller: frame.address,
                        address: contract,
                        code_address: contract,
                        value,
                        input,
                        gas,
                        read_only: frame.read_only || kind == CallKind::Static,
                    },
                };
                let outcome = exec::call(&mut frame.world, &msg);
                let cost = base.saturating_add(gas.saturating_sub(outcome.gas_left));
                (outcome.output, cost, outcome.status == Status::Success)
            }
        }
    };
    let out_len = len32(output.len());
    frame.return_data = output;
    buy_gas(c, name, cost)?;
    write(c, ret_len, &out_len.to_le_bytes())?;
    // Nitro reports 0 for success and 2 for any failure (`arbos/programs/api.go`).
    Ok(if ok { 0 } else { 2 })
}

/// `create1` and `create2`.
///
/// The init code cannot run (the localnet has no EVM): a Stylus program's init code, as
/// `cargo stylus` builds it, ends with the program's code (`0xEFF000...`), which is taken
/// as the deployed code and activated. Any other init code fails the program, as Nitro
/// does when its create request errs.
fn do_create(
    c: &mut C<'_>,
    code: u32,
    len: u32,
    endowment: u32,
    salt: Option<u32>,
    contract: u32,
    ret_len: u32,
) -> R<()> {
    let name = if salt.is_some() { "create2" } else { "create1" };
    enter(c, name);
    let ptrs = if salt.is_some() { 4 } else { 3 };
    buy_ink(c, name, HOSTIO_INK + ptrs * PTR_INK + EVM_API_INK)?;
    buy_ink(c, name, read_price(len))?;
    buy_ink(c, name, read_price(len))?;
    let init = read(c, code, len)?;
    let endowment = U256::from_be_bytes(read_fixed::<32>(c, endowment)?);
    let salt = match salt {
        Some(ptr) => Some(B256::from(read_fixed::<32>(c, ptr)?)),
        None => None,
    };
    let gas = gas_left(c)?;

    let frame = c.data_mut();
    if frame.read_only {
        return Err(fail("write protection (create in a static call)"));
    }
    let mut base = CREATE_GAS;
    if salt.is_some() {
        base += KECCAK_WORD_GAS * u64::from(len.div_ceil(32));
    }
    if gas < base {
        return Err(fail("out of gas (create)"));
    }
    let after = gas - base;
    let one64th = after / 64;
    let child_gas = after - one64th;
    let creator = frame.address;
    let (address, return_gas) =
        create_account(&mut frame.world, creator, &init, endowment, salt, child_gas);
    frame.return_data = Vec::new();
    let cost = gas.saturating_sub(return_gas + one64th);
    buy_gas(c, name, cost)?;
    write(c, ret_len, &0u32.to_le_bytes())?;
    write(c, contract, address.unwrap_or_default().as_slice())
}

/// geth's `evm.Create`/`Create2` with the init code replaced by the program it carries:
/// the new address (`None` on failure) and the gas left.
fn create_account(
    world: &mut World,
    creator: Address,
    init: &[u8],
    endowment: U256,
    salt: Option<B256>,
    gas: u64,
) -> (Option<Address>, u64) {
    if world.depth > crate::pricing::CALL_DEPTH_LIMIT || world.balance(creator) < endowment {
        return (None, gas);
    }
    let nonce = world.nonce(creator);
    world.set_nonce(creator, nonce + 1);
    let address = match salt {
        Some(salt) => creator.create2_from_code(salt, init),
        None => crate::create_address(creator, nonce),
    };
    world.warm_address(address);
    if world.nonce(address) != 0 || !world.code(address).is_empty() {
        return (None, 0);
    }
    let checkpoint = world.checkpoint();
    world.set_nonce(address, 1);
    world.transfer(creator, address, endowment);
    let Some(start) = init.windows(STYLUS_PREFIX.len()).position(|w| w == STYLUS_PREFIX) else {
        world.revert_to(checkpoint);
        return (None, 0);
    };
    let runtime = &init[start..];
    let deposit = CREATE_DATA_GAS * runtime.len() as u64;
    if runtime.len() > MAX_CODE_SIZE || deposit > gas {
        world.revert_to(checkpoint);
        return (None, 0);
    }
    world.set_code(address, runtime.to_vec());
    crate::activate_code(world, runtime);
    (Some(address), gas - deposit)
}
