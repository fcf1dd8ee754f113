//! Per-function compiler state: registers, active locals, blocks, constants, jumps, upvalues.

use super::{CompileResult, Compiler, MAX_LOCALS, MAX_REGISTERS, MAX_UPVALUES};
use crate::bytecode::{LocalVar, Op, Origin, Proto, Reg, UpvalDesc};
use crate::syntax::ast::{Line, Name};
use crate::value::Value;
use std::collections::HashMap;
use std::rc::Rc;

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum ConstKey {
    Nil,
    Bool(bool),
    Number(u64),
    String(u32),
}

pub(super) struct ActiveLocal {
    pub name: Name,
    /// Index into `FuncState::locals` (the debug record).
    pub debug_index: usize,
}

pub(super) struct Label {
    pub name: Name,
    pub pc: usize,
    pub active: usize,
}

pub(super) struct PendingGoto {
    pub name: Name,
    pub pc: usize,
    pub line: Line,
    pub active: usize,
}

pub(super) struct BlockScope {
    /// Active locals when the block opened.
    pub active_at_start: usize,
    pub is_loop: bool,
    pub breaks: Vec<usize>,
    /// Whether a local of this block is captured by a closure.
    pub captured: bool,
    pub labels: Vec<Label>,
    pub gotos: Vec<PendingGoto>,
}

pub(super) struct FuncState {
    pub code: Vec<Op>,
    pub lines: Vec<u32>,
    pub constants: Vec<Value>,
    pub const_index: HashMap<ConstKey, u32>,
    pub protos: Vec<Rc<Proto>>,
    pub upvalues: Vec<UpvalDesc>,
    pub locals: Vec<LocalVar>,
    pub active: Vec<ActiveLocal>,
    pub blocks: Vec<BlockScope>,
    pub free_reg: usize,
    pub max_stack: usize,
    pub num_params: u8,
    pub is_vararg: bool,
    pub line_defined: Line,
    pub line: Line,
    /// pc of the last jump target, so a jump never gets merged across it.
    pub last_target: usize,
    /// Indices from the main function to this one in the tree of prototypes.
    pub path: Vec<u32>,
}

impl Compiler<'_> {
    pub(super) fn open_function(&mut self, num_params: u8, is_vararg: bool, line: Line) {
        // Nested functions close (and join their parent's list) in the order they open.
        let path = match self.funcs.last() {
            Some(parent) => {
                let mut p = parent.path.clone();
                p.push(parent.protos.len() as u32);
                p
            }
            None => Vec::new(),
        };
        self.funcs.push(FuncState {
            path,
            code: Vec::new(),
            lines: Vec::new(),
            constants: Vec::new(),
            const_index: HashMap::new(),
            protos: Vec::new(),
            upvalues: Vec::new(),
            locals: Vec::new(),
            active: Vec::new(),
            blocks: vec![BlockScope {
                active_at_start: 0,
                is_loop: false,
                breaks: Vec::new(),
                captured: false,
                labels: Vec::new(),
                gotos: Vec::new(),
            }],
            free_reg: 0,
            max_stack: 2,
            num_params,
            is_vararg,
            line_defined: line,
            line,
            last_target: 0,
        });
    }

    pub(super) fn close_function(&mut self, end_line: Line) -> CompileResult<Proto> {
        self.fs().line = end_line;
        self.leave_block_scope(end_line)?;
        self.emit(Op::Return { a: 0, b: 1 });
        let fs = self.funcs.pop().expect("a function is open");
        let id = self.heap.next_proto_id;
        self.heap.next_proto_id += 1;
        let jit = crate::jit::hotcount::ProtoJit::new(fs.code.len());
        Ok(Proto {
            id,
            jit,
            source: self.source.clone(),
            line_defined: fs.line_defined,
            last_line_defined: end_line,
            num_params: fs.num_params,
            is_vararg: fs.is_vararg,
            max_stack: fs.max_stack,
            code: fs.code,
            lines: fs.lines,
            constants: fs.constants,
            protos: fs.protos,
            upvalues: fs.upvalues,
            locals: fs.locals,
            origin: Origin {
                chunk_text: self.chunk_text.clone(),
                chunk_name: self.chunk_name.clone(),
                path: fs.path,
            },
        })
    }

    pub(super) fn emit(&mut self, op: Op) -> usize {
        let fs = self.fs();
        fs.code.push(op);
        fs.lines.push(fs.line);
        fs.code.len() - 1
    }

    pub(super) fn pc(&self) -> usize {
        self.fs_ref().code.len()
    }

    pub(super) fn set_line(&mut self, line: Line) {
        self.fs().line = line;
    }

    /// Moves the line of the next instructions forward to `line` (never back).
    pub(super) fn raise_line(&mut self, line: Line) {
        let fs = self.fs();
        fs.line = fs.line.max(line);
    }

    // ---- registers ----

    pub(super) fn reserve_regs(&mut self, n: usize) -> CompileResult<()> {
        let fs = self.fs();
        fs.free_reg += n;
        if fs.free_reg > MAX_REGISTERS {
            let line = fs.line;
            return self.error(line, "function or expression too complex");
        }
        if fs.free_reg > fs.max_stack {
            fs.max_stack = fs.free_reg;
        }
        Ok(())
    }

    pub(super) fn free_reg(&self) -> usize {
        self.fs_ref().free_reg
    }

    pub(super) fn set_free_reg(&mut self, r: usize) {
        self.fs().free_reg = r;
    }

    /// Number of registers held by active locals.
    pub(super) fn active_count(&self) -> usize {
        self.fs_ref().active.len()
    }

    /// Frees `reg` if it is a temporary (the top of the temporary stack).
    pub(super) fn free_temp(&mut self, reg: Reg) {
        let active = self.active_count();
        let fs = self.fs();
        if reg as usize >= active {
            debug_assert_eq!(
                reg as usize + 1,
                fs.free_reg,
                "temporaries are freed in stack order"
            );
            fs.free_reg -= 1;
        }
    }

    // ---- constants ----

    pub(super) fn constant(&mut self, v: Value) -> u32 {
        let key = match v {
            Value::Nil => ConstKey::Nil,
            Value::Boolean(b) => ConstKey::Bool(b),
            Value::Number(n) => ConstKey::Number(n.to_bits()),
            Value::String(s) => ConstKey::String(s.index),
            _ => unreachable!("only literals are constants"),
        };
        let fs = self.fs();
        if let Some(&i) = fs.const_index.get(&key) {
            return i;
        }
        fs.constants.push(v);
        let i = (fs.constants.len() - 1) as u32;
        fs.const_index.insert(key, i);
        i
    }

    pub(super) fn string_constant(&mut self, s: &[u8]) -> u32 {
        let v = self.heap.intern_value(s);
        self.constant(v)
    }

    // ---- locals and blocks ----

    /// Declares a local in the next free register and makes it active.
    pub(super) fn add_local(&mut self, name: Name) -> CompileResult<()> {
        if self.active_count() >= MAX_LOCALS {
            let fs = self.fs_ref();
            let line = fs.line;
            let what = if self.funcs.len() == 1 {
                "main function".to_string()
            } else {
                format!("function at line {}", fs.line_defined)
            };
            return self.error(
                line,
                format!("{what} has more than {MAX_LOCALS} local variables"),
            );
        }
        let pc = self.pc();
        let fs = self.fs();
        let reg = fs.active.len() as u8;
        fs.locals.push(LocalVar {
            name: name.clone(),
            reg,
            start_pc: pc,
            end_pc: usize::MAX,
        });
        let debug_index = fs.locals.len() - 1;
        fs.active.push(ActiveLocal { name, debug_index });
        Ok(())
    }

    /// Ends the scope of locals above `count`.
    pub(super) fn remove_locals(&mut self, count: usize) {
        let pc = self.pc();
        let fs = self.fs();
        while fs.active.len() > count {
            let l = fs.active.pop().expect("non-empty");
            fs.locals[l.debug_index].end_pc = pc;
        }
    }

    pub(super) fn enter_block(&mut self, is_loop: bool) {
        let active = self.active_count();
        self.fs().blocks.push(BlockScope {
            active_at_start: active,
            is_loop,
            breaks: Vec::new(),
            captured: false,
            labels: Vec::new(),
            gotos: Vec::new(),
        });
    }

    /// Leaves a block: closes captured locals, resolves breaks and moves pending gotos out.
    pub(super) fn leave_block(&mut self, line: Line) -> CompileResult<()> {
        self.leave_block_scope(line)?;
        Ok(())
    }

    pub(super) fn leave_block_scope(&mut self, line: Line) -> CompileResult<()> {
        let block = self.fs().blocks.pop().expect("a block is open");
        if block.captured {
            self.emit(Op::Close {
                a: block.active_at_start as u8,
            });
        }
        self.remove_locals(block.active_at_start);
        self.set_free_reg(block.active_at_start);
        let here = self.pc();
        for b in &block.breaks {
            self.patch_jump(*b, here);
        }
        if !block.breaks.is_empty() {
            self.fs().last_target = here;
        }
        // Gotos still pending leave this block: they now start at this block's level.
        let depth = self.fs_ref().blocks.len();
        if depth == 0 {
            if let Some(g) = block.gotos.first() {
                let name = String::from_utf8_lossy(&g.name).into_owned();
                return self.error(g.line, format!("undefined label '{name}'"));
            }
            let _ = line;
            return Ok(());
        }
        // A label the enclosing block already has (a backward jump) resolves them now; the rest
        // wait there for a label further on.
        let parent_active = block.active_at_start;
        for mut g in block.gotos {
            if g.active > parent_active {
                g.active = parent_active;
            }
            let parent = self.fs().blocks.last_mut().expect("parent");
            match parent.labels.iter().find(|l| l.name == g.name) {
                Some(label) => {
                    let (pc, active) = (label.pc, label.active);
                    self.patch_jump(g.pc, pc);
                    if g.active > active {
                        if let Op::Jmp { close, .. } = &mut self.fs().code[g.pc] {
                            *close = active as u8 + 1;
                        }
                    }
                }
                None => parent.gotos.push(g),
            }
        }
        Ok(())
    }

    /// Marks the block declaring local `reg` as having a captured local.
    pub(super) fn mark_captured(&mut self, level: usize, reg: usize) {
        let fs = &mut self.funcs[level];
        for b in fs.blocks.iter_mut().rev() {
            if b.active_at_start <= reg {
                b.captured = true;
                break;
            }
        }
    }

    // ---- jumps ----

    pub(super) fn emit_jump(&mut self) -> usize {
        self.emit(Op::Jmp {
            offset: 0,
            close: 0,
        })
    }

    pub(super) fn patch_jump(&mut self, jump: usize, target: usize) {
        let offset = target as i32 - (jump as i32 + 1);
        match &mut self.fs().code[jump] {
            Op::Jmp { offset: o, .. } => *o = offset,
            Op::ForLoop { offset: o, .. }
            | Op::ForPrep { offset: o, .. }
            | Op::TForLoop { offset: o, .. } => *o = offset,
            other => unreachable!("patching a non-jump {other:?}"),
        }
    }

    pub(super) fn patch_to_here(&mut self, jumps: &[usize]) {
        let here = self.pc();
        for &j in jumps {
            self.patch_jump(j, here);
        }
        if !jumps.is_empty() {
            self.fs().last_target = here;
        }
    }

    pub(super) fn jump_back(&mut self, target: usize) {
        let j = self.emit_jump();
        self.patch_jump(j, target);
    }

    // ---- name resolution ----

    /// Finds `name` as a local of function `level`.
    fn find_local(&self, level: usize, name: &[u8]) -> Option<usize> {
        self.funcs[level]
            .active
            .iter()
            .rposition(|l| l.name == name)
    }

    /// Finds or creates the upvalue of function `level` that refers to `name`.
    fn find_upvalue(&mut self, level: usize, name: &[u8], line: Line) -> CompileResult<Option<u8>> {
        if let Some(i) = self.funcs[level]
            .upvalues
            .iter()
            .position(|u| u.name == name)
        {
            return Ok(Some(i as u8));
        }
        if level == 0 {
            return Ok(None);
        }
        let desc = if let Some(reg) = self.find_local(level - 1, name) {
            self.mark_captured(level - 1, reg);
            UpvalDesc {
                in_stack: true,
                index: reg as u8,
                name: name.to_vec(),
            }
        } else {
            match self.find_upvalue(level - 1, name, line)? {
                Some(index) => UpvalDesc {
                    in_stack: false,
                    index,
                    name: name.to_vec(),
                },
                None => return Ok(None),
            }
        };
        let fs = &mut self.funcs[level];
        if fs.upvalues.len() >= MAX_UPVALUES {
            let line_defined = fs.line_defined;
            return self.error(
                line,
                format!("function at line {line_defined} has more than {MAX_UPVALUES} upvalues"),
            );
        }
        fs.upvalues.push(desc);
        Ok(Some((fs.upvalues.len() - 1) as u8))
    }

    pub(super) fn resolve(&mut self, name: &[u8], line: Line) -> CompileResult<Resolved> {
        let level = self.funcs.len() - 1;
        if let Some(reg) = self.find_local(level, name) {
            return Ok(Resolved::Local(reg as u8));
        }
        match self.find_upvalue(level, name, line)? {
            Some(i) => Ok(Resolved::Upvalue(i)),
            None => Ok(Resolved::Global),
        }
    }
}

pub(super) enum Resolved {
    Local(u8),
    Upvalue(u8),
    Global,
}
