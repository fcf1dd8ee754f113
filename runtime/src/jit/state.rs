//! The trace state: the one block of memory compiled traces address through x20 — the exit save
//! area, the spill slots, the virtual clock while a trace runs, the heap's GC trigger, and the
//! scratch value helpers hand results back in. Its layout is `#[repr(C)]`, and [`abi`] gives the
//! offsets the backend compiles in.
#![forbid(unsafe_code)]

use std::mem::offset_of;

use jit_aarch64::asm::{TableAccess, TraceAbi};
use jit_aarch64::ir::ValueLayout;

use crate::heap::{Arena, Table, TableLayout};
use crate::value::Value;

/// Spill slots a trace may use.
pub const MAX_SPILLS: usize = 256;

/// See the module doc. Scalars first, so their offsets fit every load's immediate form.
#[repr(C)]
pub struct TraceState {
    /// The virtual clock (`vm.ticks`) while a trace runs.
    pub ticks: u64,
    /// Address of `heap.allocated` and `heap.threshold` (both `usize`).
    pub allocated_ptr: u64,
    pub threshold_ptr: u64,
    /// The VM, for helpers (set at every trace entry).
    pub vm: u64,
    /// Absolute stack index of the trace's base.
    pub base: u64,
    /// Values a helper returns by address (`next` returns a key and its value).
    pub result: Value,
    pub result2: Value,
    /// Address of the table arena's base pointer (see `Arena::base_address`).
    pub tables_arena: u64,
    /// x0..x30 at the last exit.
    pub gpr: [u64; 31],
    /// d0..d31 at the last exit.
    pub fpr: [u64; 32],
    pub spill: [u64; MAX_SPILLS],
}

impl Default for TraceState {
    fn default() -> TraceState {
        TraceState {
            ticks: 0,
            allocated_ptr: 0,
            threshold_ptr: 0,
            vm: 0,
            base: 0,
            result: Value::Nil,
            result2: Value::Nil,
            tables_arena: 0,
            gpr: [0; 31],
            fpr: [0; 32],
            spill: [0; MAX_SPILLS],
        }
    }
}

/// How `Value` is laid out (pinned by `value.rs`'s layout test and [`tests`] here).
pub const VALUE_LAYOUT: ValueLayout = ValueLayout {
    slot_size: 16,
    tag_offset: 0,
    payload_offset: 8,
    tag_nil: 0,
    tag_bool: 1,
    tag_num: 2,
    tag_str: 3,
    tag_tab: 4,
    tag_func: 5,
    tag_udata: 6,
    tag_thread: 7,
};

/// The trace ABI for this state's layout.
/// `table_offset` is the byte offset of a table's value in its arena slot, when known.
pub fn abi(
    exit_handler: u64,
    helpers: Vec<u64>,
    fuse_pairs: bool,
    table_offset: Option<usize>,
) -> TraceAbi {
    TraceAbi {
        gpr_offset: offset_of!(TraceState, gpr) as u32,
        fpr_offset: offset_of!(TraceState, fpr) as u32,
        spill_offset: offset_of!(TraceState, spill) as u32,
        max_spills: MAX_SPILLS as u32,
        ticks_offset: offset_of!(TraceState, ticks) as u32,
        allocated_ptr_offset: offset_of!(TraceState, allocated_ptr) as u32,
        threshold_ptr_offset: offset_of!(TraceState, threshold_ptr) as u32,
        tables: table_offset.map(|offset| TableAccess {
            arena_ptr_offset: offset_of!(TraceState, tables_arena) as u32,
            stride: Arena::<Table>::STRIDE as u32,
            record_offset: (offset + TableLayout::IN_TABLE) as u32,
        }),
        exit_handler,
        helpers,
        fuse_pairs,
        fuse_mode: jit_aarch64::fuse::Mode::Correct,
        fuse_check: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jit::value_bits::tag_of as tag;
    use crate::value::{FuncRef, StrRef, TableRef, ThreadRef, UserdataRef};

    #[test]
    fn layout_tags_match_value_declaration_order() {
        // `Value` is `repr(C, u8)` with implicit discriminants in declaration order; the byte
        // compiled code reads is that discriminant. This pins both sides to the same numbers.
        let l = VALUE_LAYOUT;
        assert_eq!(tag(Value::Nil), l.tag_nil);
        assert_eq!(tag(Value::Boolean(true)), l.tag_bool);
        assert_eq!(tag(Value::Number(0.0)), l.tag_num);
        assert_eq!(tag(Value::String(StrRef { index: 0, hash: 0 })), l.tag_str);
        assert_eq!(tag(Value::Table(TableRef(0))), l.tag_tab);
        assert_eq!(tag(Value::Function(FuncRef(0))), l.tag_func);
        assert_eq!(tag(Value::Userdata(UserdataRef(0))), l.tag_udata);
        assert_eq!(tag(Value::Thread(ThreadRef(0))), l.tag_thread);
        assert_eq!(
            crate::jit::value_bits::tag_of(Value::Thread(ThreadRef(0))),
            7
        );
        assert!(offset_of!(TraceState, result) < 256);
    }
}
