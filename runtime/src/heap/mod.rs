//! The Lua heap: typed arenas addressed by handles, string interning with seeded hashes, and the
//! per-type object definitions. Nothing here knows about the interpreter's stacks; the collector
//! (`crate::vm::collector`) supplies the roots.

mod arena;
mod function;
pub mod pacing;
mod string;
pub mod table;
mod userdata;

pub use arena::Arena;
pub use function::{Function, LuaClosure, NativeClosure, NativeFn, Special, Upval};
pub use string::{LuaStr, StringHasher};
pub use table::{Table, TableLayout};
pub use userdata::Userdata;

use crate::value::{FuncRef, StrRef, TableRef, ThreadRef, UpvalRef, UserdataRef, Value};
use crate::vm::thread::Coroutine;
use hashbrown::HashTable;

pub struct Heap {
    pub strings: Arena<LuaStr>,
    interned: HashTable<u32>,
    pub tables: Arena<Table>,
    pub functions: Arena<Function>,
    pub upvals: Arena<Upval>,
    pub userdata: Arena<Userdata>,
    pub threads: Arena<Coroutine>,
    hasher: StringHasher,
    /// Seed mixed into identity hashes of heap objects.
    pub identity_seed: u64,
    /// Approximate bytes allocated since the heap was created, minus those freed.
    pub allocated: usize,
    /// Collection runs when `allocated` passes this.
    pub threshold: usize,
    /// Hard limit from `--max-memory` (0 = none).
    pub max_memory: usize,
    /// How `threshold` is chosen after each collection.
    pub pacing: pacing::Pacing,
    pub next_proto_id: u32,
}

impl Heap {
    pub fn new(string_seed: u64, identity_seed: u64) -> Heap {
        Heap {
            strings: Arena::default(),
            interned: HashTable::new(),
            tables: Arena::default(),
            functions: Arena::default(),
            upvals: Arena::default(),
            userdata: Arena::default(),
            threads: Arena::default(),
            hasher: StringHasher::new(string_seed),
            identity_seed,
            allocated: 0,
            threshold: 1 << 20,
            max_memory: 0,
            pacing: pacing::Pacing::default(),
            next_proto_id: 0,
        }
    }

    /// Interns `bytes`, returning the one string value with that content.
    pub fn intern(&mut self, bytes: &[u8]) -> StrRef {
        let hash = self.hasher.hash(bytes);
        let strings = &self.strings;
        if let Some(&index) = self
            .interned
            .find(hash as u64, |&i| &*strings.get(i).bytes == bytes)
        {
            return StrRef { index, hash };
        }
        self.allocated += 32 + bytes.len();
        let index = self.strings.insert(LuaStr {
            bytes: bytes.into(),
            hash,
        });
        let strings = &self.strings;
        self.interned
            .insert_unique(hash as u64, index, |&i| strings.get(i).hash as u64);
        StrRef { index, hash }
    }

    pub fn intern_value(&mut self, bytes: &[u8]) -> Value {
        Value::String(self.intern(bytes))
    }

    #[inline]
    pub fn str_bytes(&self, s: StrRef) -> &[u8] {
        &self.strings.get(s.index).bytes
    }

    pub fn new_table(&mut self, narray: usize, nhash: usize) -> TableRef {
        let t = Table::new(self.identity_seed, narray, nhash);
        self.allocated += t.byte_size();
        TableRef(self.tables.insert(t))
    }

    #[inline]
    pub fn table(&self, t: TableRef) -> &Table {
        let table = self.tables.get(t.0);
        debug_assert!(
            table.layout_in_sync(),
            "table {} layout record is stale",
            t.0
        );
        table
    }

    #[inline]
    pub fn table_mut(&mut self, t: TableRef) -> &mut Table {
        self.tables.get_mut(t.0)
    }

    pub fn new_function(&mut self, f: Function) -> FuncRef {
        self.allocated += 64;
        FuncRef(self.functions.insert(f))
    }

    #[inline]
    pub fn function(&self, f: FuncRef) -> &Function {
        self.functions.get(f.0)
    }

    pub fn new_upval(&mut self, u: Upval) -> UpvalRef {
        self.allocated += 32;
        UpvalRef(self.upvals.insert(u))
    }

    pub fn new_userdata(&mut self, u: Userdata) -> UserdataRef {
        self.allocated += 64;
        UserdataRef(self.userdata.insert(u))
    }

    /// A userdata with no metatable and no payload: a unique value to tell things apart.
    pub fn new_marker(&mut self) -> Value {
        Value::Userdata(self.new_userdata(Userdata {
            metatable: None,
            env: None,
            payload: Box::new(()),
            finalized: false,
        }))
    }

    pub fn new_thread(&mut self, c: Coroutine) -> ThreadRef {
        self.allocated += 256;
        ThreadRef(self.threads.insert(c))
    }

    /// Removes strings the collector found unreachable from the intern table; called during sweep.
    pub(crate) fn sweep_strings(&mut self) {
        let interned = &mut self.interned;
        let mut freed = 0;
        self.strings.sweep(|index, s| {
            freed += 32 + s.bytes.len();
            if let Ok(entry) = interned.find_entry(s.hash as u64, |&i| i == index) {
                entry.remove();
            }
        });
        self.allocated = self.allocated.saturating_sub(freed);
    }

    pub fn metatable_of_table(&self, t: TableRef) -> Option<TableRef> {
        self.tables.get(t.0).metatable
    }
}
