//! The world state: accounts, storage, logs, access lists and refunds, all journaled so a
//! failed call frame undoes exactly what it did.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::rc::Rc;

use alloy_primitives::{keccak256, Address, B256, U256};

use crate::exec::Runtime;
use crate::pricing::BLOCK_CACHE_SIZE;
use crate::program::Program;
use crate::{FrameInfo, Log, NativeHandler, ProgramProfile};

/// `keccak256("")`: the code hash of an account without code.
pub(crate) const KECCAK_EMPTY: B256 =
    alloy_primitives::b256!("c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");

/// One account.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Account {
    /// Balance in wei.
    pub(crate) balance: U256,
    /// Nonce.
    pub(crate) nonce: u64,
    /// Code (for a program: `0xEFF000`, a dictionary byte, the brotli-compressed wasm).
    pub(crate) code: Rc<Vec<u8>>,
    /// `keccak256(code)`.
    pub(crate) code_hash: B256,
}

impl Account {
    /// A fresh account without code.
    fn empty() -> Self {
        Self { code_hash: KECCAK_EMPTY, ..Self::default() }
    }
}

/// The block the transactions run in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct BlockEnv {
    /// `block_number` (on Arbitrum: the L1 block number estimate).
    pub(crate) number: u64,
    /// `block_timestamp`.
    pub(crate) timestamp: u64,
    /// `block_basefee`, also the transactions' gas price.
    pub(crate) basefee: U256,
    /// `block_coinbase`.
    pub(crate) coinbase: Address,
    /// `block_gas_limit`.
    pub(crate) gas_limit: u64,
    /// `chainid`.
    pub(crate) chain_id: u64,
}

/// One undoable change.
#[derive(Clone, Debug)]
enum Entry {
    /// An account came into existence.
    Created(Address),
    /// A balance changed.
    Balance(Address, U256),
    /// A nonce changed.
    Nonce(Address, u64),
    /// Code was set.
    Code(Address, Rc<Vec<u8>>, B256),
    /// A storage slot changed.
    Storage(Address, B256, Option<B256>),
    /// A transient slot changed.
    Transient(Address, B256, Option<B256>),
    /// A log was appended.
    Log,
    /// An address became warm.
    WarmAddress(Address),
    /// A slot became warm.
    WarmSlot(Address, B256),
    /// The refund counter changed.
    Refund(u64),
}

/// Everything the runner knows. Cloned whole for test snapshots.
#[derive(Clone)]
pub(crate) struct World {
    /// Accounts that exist.
    accounts: HashMap<Address, Account>,
    /// Non-zero storage.
    storage: HashMap<(Address, B256), B256>,
    /// Transient storage of the current transaction.
    transient: HashMap<(Address, B256), B256>,
    /// Every log emitted so far (all transactions).
    pub(crate) logs: Vec<Log>,
    /// Undo log of the current transaction.
    journal: Vec<Entry>,
    /// EIP-2929 warm addresses of the current transaction.
    warm_addresses: HashSet<Address>,
    /// EIP-2929 warm slots of the current transaction.
    warm_slots: HashSet<(Address, B256)>,
    /// Values of slots before the current transaction first wrote them ("original").
    original: HashMap<(Address, B256), B256>,
    /// The refund counter.
    refund: u64,
    /// The block.
    pub(crate) block: BlockEnv,
    /// `tx_origin` of the current transaction.
    pub(crate) origin: Address,
    /// Wasm pages open in the current transaction.
    pub(crate) pages_open: u16,
    /// Most wasm pages ever open at once in the current transaction.
    pub(crate) pages_ever: u16,
    /// Whether `ArbOS` 60's block-level "recent wasms" cache is modelled.
    pub(crate) recent_wasms_enabled: bool,
    /// Code hashes of the programs run in the current block, most recent last.
    recent_wasms: VecDeque<B256>,
    /// Code hashes of programs in `ArbOS`'s program cache (the `CacheManager`).
    pub(crate) cached_programs: HashSet<B256>,
    /// Open non-delegate frames per address (`TxProcessor.Programs`), for `msg_reentrant`.
    pub(crate) open_frames: HashMap<Address, u32>,
    /// Call depth.
    pub(crate) depth: usize,
    /// Activated programs by code hash.
    pub(crate) programs: HashMap<B256, Rc<Program>>,
    /// Native (Rust) stand-ins by address.
    pub(crate) natives: HashMap<Address, NativeHandler>,
    /// Console output of the current transaction.
    pub(crate) console: Vec<String>,
    /// Whether console output is also printed to stderr.
    pub(crate) echo_console: bool,
    /// Profiles of the current transaction, by code hash.
    pub(crate) profiles: Vec<(B256, ProgramProfile)>,
    /// The program frames of the current transaction, in call order.
    pub(crate) frames: Vec<FrameInfo>,
    /// The interpreter and its host functions.
    pub(crate) runtime: Rc<Runtime>,
}

impl World {
    /// An empty world.
    pub(crate) fn new(runtime: Rc<Runtime>, block: BlockEnv) -> Self {
        Self {
            accounts: HashMap::new(),
            storage: HashMap::new(),
            transient: HashMap::new(),
            logs: Vec::new(),
            journal: Vec::new(),
            warm_addresses: HashSet::new(),
            warm_slots: HashSet::new(),
            original: HashMap::new(),
            refund: 0,
            block,
            origin: Address::ZERO,
            pages_open: 0,
            pages_ever: 0,
            recent_wasms_enabled: false,
            recent_wasms: VecDeque::new(),
            cached_programs: HashSet::new(),
            open_frames: HashMap::new(),
            depth: 0,
            programs: HashMap::new(),
            natives: HashMap::new(),
            console: Vec::new(),
            echo_console: false,
            profiles: Vec::new(),
            frames: Vec::new(),
            runtime,
        }
    }

    /// A stand-in left behind while the real world is lent to a running program.
    pub(crate) fn placeholder(&self) -> Self {
        Self::new(Rc::clone(&self.runtime), self.block.clone())
    }

    // ---- transactions ----------------------------------------------------------------

    /// Starts a transaction from `origin`: fresh access list (the sender, the target and
    /// the precompiles warm), refund, transient storage, page counters and originals.
    pub(crate) fn begin_tx(&mut self, origin: Address, to: Option<Address>) {
        self.journal.clear();
        self.warm_addresses.clear();
        self.warm_slots.clear();
        self.original.clear();
        self.transient.clear();
        self.refund = 0;
        self.pages_open = 0;
        self.pages_ever = 0;
        self.open_frames.clear();
        self.depth = 0;
        self.console.clear();
        self.profiles.clear();
        self.frames.clear();
        self.origin = origin;
        self.warm_addresses.insert(origin);
        if let Some(to) = to {
            self.warm_addresses.insert(to);
        }
        // The Ethereum precompiles 0x01..=0x0a and ArbOS's 0x64..=0x74 are always warm.
        for i in (1u8..=0x0a).chain(0x64..=0x74) {
            self.warm_addresses.insert(Address::with_last_byte(i));
        }
    }

    /// Ends the transaction: the journal and transient storage are dropped.
    pub(crate) fn end_tx(&mut self) {
        self.journal.clear();
        self.transient.clear();
        self.original.clear();
    }

    /// A checkpoint to revert to.
    pub(crate) fn checkpoint(&self) -> usize {
        self.journal.len()
    }

    /// Undoes every change since `checkpoint`.
    pub(crate) fn revert_to(&mut self, checkpoint: usize) {
        while self.journal.len() > checkpoint {
            let Some(entry) = self.journal.pop() else { break };
            match entry {
                Entry::Created(a) => {
                    self.accounts.remove(&a);
                }
                Entry::Balance(a, v) => {
                    if let Some(acc) = self.accounts.get_mut(&a) {
                        acc.balance = v;
                    }
                }
                Entry::Nonce(a, n) => {
                    if let Some(acc) = self.accounts.get_mut(&a) {
                        acc.nonce = n;
                    }
                }
                Entry::Code(a, code, hash) => {
                    if let Some(acc) = self.accounts.get_mut(&a) {
                        acc.code = code;
                        acc.code_hash = hash;
                    }
                }
                Entry::Storage(a, k, prev) => restore(&mut self.storage, (a, k), prev),
                Entry::Transient(a, k, prev) => restore(&mut self.transient, (a, k), prev),
                Entry::Log => {
                    self.logs.pop();
                }
                Entry::WarmAddress(a) => {
                    self.warm_addresses.remove(&a);
                }
                Entry::WarmSlot(a, k) => {
                    self.warm_slots.remove(&(a, k));
                }
                Entry::Refund(r) => self.refund = r,
            }
        }
    }

    // ---- accounts --------------------------------------------------------------------

    /// Every account that exists, in address order.
    pub(crate) fn addresses(&self) -> Vec<Address> {
        let mut addresses: Vec<Address> = self.accounts.keys().copied().collect();
        addresses.sort_unstable();
        addresses
    }

    /// Every non-zero storage slot of `address`, by key.
    pub(crate) fn storage_of(&self, address: Address) -> BTreeMap<B256, B256> {
        self.storage
            .iter()
            .filter(|((a, _), v)| *a == address && !v.is_zero())
            .map(|((_, k), v)| (*k, *v))
            .collect()
    }

    /// Whether `address` exists.
    pub(crate) fn exists(&self, address: Address) -> bool {
        self.accounts.contains_key(&address)
    }

    /// Whether `address` is empty in the EIP-161 sense (no balance, nonce or code).
    pub(crate) fn is_empty(&self, address: Address) -> bool {
        self.accounts
            .get(&address)
            .is_none_or(|a| a.balance.is_zero() && a.nonce == 0 && a.code.is_empty())
    }

    /// The account at `address`, created (journaled) if missing.
    fn touch(&mut self, address: Address) -> &mut Account {
        if !self.accounts.contains_key(&address) {
            self.journal.push(Entry::Created(address));
        }
        self.accounts.entry(address).or_insert_with(Account::empty)
    }

    /// Balance of `address`.
    pub(crate) fn balance(&self, address: Address) -> U256 {
        self.accounts.get(&address).map_or(U256::ZERO, |a| a.balance)
    }

    /// Sets the balance of `address` (journaled).
    pub(crate) fn set_balance(&mut self, address: Address, value: U256) {
        let acc = self.touch(address);
        let prev = acc.balance;
        acc.balance = value;
        self.journal.push(Entry::Balance(address, prev));
    }

    /// Moves `value` from `from` to `to`; false (and nothing moved) if `from` is short.
    pub(crate) fn transfer(&mut self, from: Address, to: Address, value: U256) -> bool {
        let have = self.balance(from);
        if have < value {
            return false;
        }
        self.set_balance(from, have - value);
        let to_have = self.balance(to);
        self.set_balance(to, to_have.saturating_add(value));
        true
    }

    /// Nonce of `address`.
    pub(crate) fn nonce(&self, address: Address) -> u64 {
        self.accounts.get(&address).map_or(0, |a| a.nonce)
    }

    /// Sets the nonce of `address` (journaled).
    pub(crate) fn set_nonce(&mut self, address: Address, nonce: u64) {
        let acc = self.touch(address);
        let prev = acc.nonce;
        acc.nonce = nonce;
        self.journal.push(Entry::Nonce(address, prev));
    }

    /// Code of `address`.
    pub(crate) fn code(&self, address: Address) -> Rc<Vec<u8>> {
        self.accounts.get(&address).map_or_else(|| Rc::new(Vec::new()), |a| Rc::clone(&a.code))
    }

    /// Code hash of `address`: zero if the account does not exist (geth's `GetCodeHash`).
    pub(crate) fn code_hash(&self, address: Address) -> B256 {
        self.accounts.get(&address).map_or(B256::ZERO, |a| a.code_hash)
    }

    /// Sets the code of `address` (journaled).
    pub(crate) fn set_code(&mut self, address: Address, code: Vec<u8>) {
        let hash = keccak256(&code);
        let acc = self.touch(address);
        let prev = std::mem::replace(&mut acc.code, Rc::new(code));
        let prev_hash = std::mem::replace(&mut acc.code_hash, hash);
        self.journal.push(Entry::Code(address, prev, prev_hash));
    }

    // ---- storage ---------------------------------------------------------------------

    /// Current value of a slot.
    pub(crate) fn sload(&self, address: Address, key: B256) -> B256 {
        self.storage.get(&(address, key)).copied().unwrap_or_default()
    }

    /// Value of a slot at the start of the transaction.
    pub(crate) fn original(&self, address: Address, key: B256) -> B256 {
        self.original.get(&(address, key)).copied().unwrap_or_else(|| self.sload(address, key))
    }

    /// Writes a slot (journaled).
    pub(crate) fn sstore(&mut self, address: Address, key: B256, value: B256) {
        let current = self.sload(address, key);
        self.original.entry((address, key)).or_insert(current);
        let prev = if value.is_zero() {
            self.storage.remove(&(address, key))
        } else {
            self.storage.insert((address, key), value)
        };
        self.journal.push(Entry::Storage(address, key, prev));
    }

    /// Writes a slot outside any transaction (test set-up): no journal, no original.
    pub(crate) fn poke_storage(&mut self, address: Address, key: B256, value: B256) {
        if value.is_zero() {
            self.storage.remove(&(address, key));
        } else {
            self.storage.insert((address, key), value);
        }
    }

    /// Sets a balance outside any transaction (test set-up).
    pub(crate) fn poke_balance(&mut self, address: Address, value: U256) {
        self.accounts.entry(address).or_insert_with(Account::empty).balance = value;
    }

    /// Current transient value.
    pub(crate) fn tload(&self, address: Address, key: B256) -> B256 {
        self.transient.get(&(address, key)).copied().unwrap_or_default()
    }

    /// Writes a transient slot (journaled).
    pub(crate) fn tstore(&mut self, address: Address, key: B256, value: B256) {
        let prev = if value.is_zero() {
            self.transient.remove(&(address, key))
        } else {
            self.transient.insert((address, key), value)
        };
        self.journal.push(Entry::Transient(address, key, prev));
    }

    /// Appends a log (journaled).
    pub(crate) fn push_log(&mut self, log: Log) {
        self.logs.push(log);
        self.journal.push(Entry::Log);
    }

    // ---- access lists and refunds ----------------------------------------------------

    /// Marks `address` warm; true if it was cold.
    pub(crate) fn warm_address(&mut self, address: Address) -> bool {
        let cold = self.warm_addresses.insert(address);
        if cold {
            self.journal.push(Entry::WarmAddress(address));
        }
        cold
    }

    /// Marks a slot warm; true if it was cold.
    pub(crate) fn warm_slot(&mut self, address: Address, key: B256) -> bool {
        let cold = self.warm_slots.insert((address, key));
        if cold {
            self.journal.push(Entry::WarmSlot(address, key));
        }
        cold
    }

    /// The refund counter.
    pub(crate) fn refund(&self) -> u64 {
        self.refund
    }

    /// Adds to the refund counter (journaled).
    pub(crate) fn add_refund(&mut self, gas: u64) {
        self.journal.push(Entry::Refund(self.refund));
        self.refund = self.refund.saturating_add(gas);
    }

    /// Subtracts from the refund counter (journaled).
    pub(crate) fn sub_refund(&mut self, gas: u64) {
        self.journal.push(Entry::Refund(self.refund));
        self.refund = self.refund.saturating_sub(gas);
    }

    // ---- programs --------------------------------------------------------------------

    /// Opens `pages` more wasm pages; returns the counters from before
    /// (geth's `StateDB.AddStylusPages`).
    pub(crate) fn add_pages(&mut self, pages: u16) -> (u16, u16) {
        let (open, ever) = (self.pages_open, self.pages_ever);
        self.pages_open = open.saturating_add(pages);
        self.pages_ever = ever.max(self.pages_open);
        (open, ever)
    }

    /// Records a run of `code_hash` in the block's recent-wasms cache; true if it was
    /// there (`ArbOS` 60's `RecentWasms.Insert`).
    pub(crate) fn recent_wasms_insert(&mut self, code_hash: B256) -> bool {
        if let Some(pos) = self.recent_wasms.iter().position(|h| *h == code_hash) {
            self.recent_wasms.remove(pos);
            self.recent_wasms.push_back(code_hash);
            return true;
        }
        self.recent_wasms.push_back(code_hash);
        if self.recent_wasms.len() > BLOCK_CACHE_SIZE {
            self.recent_wasms.pop_front();
        }
        false
    }

    /// A new block: the recent-wasms cache starts empty.
    pub(crate) fn new_block(&mut self) {
        self.recent_wasms.clear();
    }
}

/// Puts `prev` back at `key` (removing the key if it was absent).
fn restore(map: &mut HashMap<(Address, B256), B256>, key: (Address, B256), prev: Option<B256>) {
    match prev {
        Some(v) => {
            map.insert(key, v);
        }
        None => {
            map.remove(&key);
        }
    }
}
