//! Statements and blocks: assignment, control flow, loops, functions, `goto`.

use super::expr::ExpDesc;
use super::function::{Label, PendingGoto, Resolved};
use super::{CompileResult, Compiler};
use crate::bytecode::{Op, Reg};
use crate::syntax::ast::{
    Block, Expr, ExprKind, FunctionBody, FunctionName, Line, Name, Stat, StatKind,
};

impl Compiler<'_> {
    /// Compiles the statements of a block in the current scope (the caller opens the scope).
    pub(super) fn block(&mut self, block: &Block) -> CompileResult<()> {
        self.block_with_trailing_labels(block, true)
    }

    /// Compiles a block's statements. With `trailing_outside`, labels that end the block (only
    /// labels follow them) are out of the scope of the block's locals, as in LuaJIT
    /// (`parse_label`): `goto continue` may then skip a `local`. A `repeat` body passes false,
    /// because its locals stay visible in the `until` condition.
    fn block_with_trailing_labels(
        &mut self,
        block: &Block,
        trailing_outside: bool,
    ) -> CompileResult<()> {
        let start_active = self.active_count();
        for (i, stat) in block.stats.iter().enumerate() {
            let trailing = trailing_outside
                && block.stats[i..]
                    .iter()
                    .all(|s| matches!(s.kind, StatKind::Label(_)));
            if let (true, StatKind::Label(name)) = (trailing, &stat.kind) {
                self.set_line(stat.line);
                self.label(name, stat.line, start_active)?;
            } else {
                self.stat(stat)?;
            }
            debug_assert!(self.free_reg() >= self.active_count());
            let active = self.active_count();
            self.set_free_reg(active);
        }
        Ok(())
    }

    fn scoped_block(&mut self, block: &Block, is_loop: bool) -> CompileResult<()> {
        self.enter_block(is_loop);
        self.block(block)?;
        self.leave_block(block.end_line)
    }

    fn stat(&mut self, stat: &Stat) -> CompileResult<()> {
        self.set_line(stat.line);
        match &stat.kind {
            StatKind::Call(e) => {
                let d = self.expr(e)?;
                if let ExpDesc::Call(pc) = d {
                    if let Op::Call { c, .. } = &mut self.fs().code[pc] {
                        *c = 1;
                    }
                }
            }
            StatKind::Local { names, exprs } => self.local(names, exprs)?,
            StatKind::Assign { targets, exprs } => self.assign(targets, exprs)?,
            StatKind::Do(b) => self.scoped_block(b, false)?,
            StatKind::While { cond, body } => {
                let start = self.pc();
                self.emit(Op::Loop);
                self.fs().last_target = start;
                let exits = self.condition(cond, false)?;
                self.enter_block(true);
                self.scoped_block(body, false)?;
                self.jump_back(start);
                self.patch_to_here(&exits);
                self.leave_block(body.end_line)?;
            }
            StatKind::Repeat { body, cond } => {
                let start = self.pc();
                self.emit(Op::Loop);
                self.fs().last_target = start;
                self.enter_block(true);
                self.enter_block(false);
                self.block_with_trailing_labels(body, false)?;
                self.set_line(body.end_line);
                let exits = self.condition(cond, true)?;
                let scope_start = self.fs_ref().blocks.last().expect("scope").active_at_start;
                if self.fs_ref().blocks.last().expect("scope").captured {
                    self.emit(Op::Close {
                        a: scope_start as Reg,
                    });
                }
                self.jump_back(start);
                self.patch_to_here(&exits);
                self.leave_block(body.end_line)?;
                self.leave_block(body.end_line)?;
            }
            StatKind::If { arms, else_block } => {
                let mut to_end = Vec::new();
                for (i, (cond, body)) in arms.iter().enumerate() {
                    self.set_line(cond.line);
                    let next = self.condition(cond, false)?;
                    self.scoped_block(body, false)?;
                    let last = i + 1 == arms.len() && else_block.is_none();
                    if !last {
                        to_end.push(self.emit_jump());
                    }
                    self.patch_to_here(&next);
                }
                if let Some(b) = else_block {
                    self.scoped_block(b, false)?;
                }
                self.patch_to_here(&to_end);
            }
            StatKind::NumericFor {
                var,
                start,
                limit,
                step,
                do_line,
                body,
            } => {
                self.enter_block(true);
                let base = self.free_reg() as Reg;
                for e in [Some(start), Some(limit), step.as_ref()] {
                    let d = match e {
                        Some(e) => self.expr(e)?,
                        None => ExpDesc::Number(1.0),
                    };
                    self.exp_to_next_reg(d)?;
                }
                for name in [&b"(for index)"[..], b"(for limit)", b"(for step)"] {
                    self.add_local(name.to_vec())?;
                }
                // Errors in the loop's set-up ("'for' limit must be a number") at `do`.
                self.set_line(*do_line);
                let prep = self.emit(Op::ForPrep { a: base, offset: 0 });
                let body_start = self.pc();
                self.enter_block(false);
                self.add_local(var.clone())?;
                self.reserve_regs(1)?;
                self.block(body)?;
                self.leave_block(body.end_line)?;
                self.patch_jump(prep, self.pc());
                self.set_line(stat.line);
                let lp = self.emit(Op::ForLoop { a: base, offset: 0 });
                self.patch_jump(lp, body_start);
                self.leave_block(body.end_line)?;
            }
            StatKind::GenericFor { names, exprs, body } => {
                self.enter_block(true);
                let base = self.free_reg() as Reg;
                self.explist_adjusted(exprs, 3)?;
                for name in [&b"(for generator)"[..], b"(for state)", b"(for control)"] {
                    self.add_local(name.to_vec())?;
                }
                let to_loop = self.emit_jump();
                let body_start = self.pc();
                self.enter_block(false);
                for n in names {
                    self.add_local(n.clone())?;
                }
                self.reserve_regs(names.len())?;
                self.block(body)?;
                self.leave_block(body.end_line)?;
                self.patch_to_here(&[to_loop]);
                // Calling what is not a function ("attempt to call a table value") is
                // reported on the last line of the iterator expressions, as LuaJIT does.
                self.set_line(exprs.last().map_or(stat.line, super::expr::last_line));
                self.emit(Op::TForCall {
                    a: base,
                    c: names.len() as u8,
                });
                self.set_line(stat.line);
                let lp = self.emit(Op::TForLoop { a: base, offset: 0 });
                self.patch_jump(lp, body_start);
                self.leave_block(body.end_line)?;
            }
            StatKind::Function { name, func } => self.function_stat(name, func, stat.line)?,
            StatKind::LocalFunction { name, func } => {
                self.add_local(name.clone())?;
                let reg = self.free_reg() as Reg;
                self.reserve_regs(1)?;
                let d = self.function_expr(func)?;
                self.exp_to_reg(d, reg)?;
                // The debug range of the local starts after the closure exists.
                let pc = self.pc();
                let fs = self.fs();
                let idx = fs.active.last().expect("local").debug_index;
                fs.locals[idx].start_pc = pc;
            }
            StatKind::Return { exprs } => self.return_stat(exprs)?,
            StatKind::Break => {
                let fs = self.fs_ref();
                let Some(loop_index) = fs.blocks.iter().rposition(|b| b.is_loop) else {
                    return self.error(stat.line, "no loop to break near 'break'");
                };
                let loop_start = fs.blocks[loop_index].active_at_start;
                let close = if self.active_count() > loop_start {
                    loop_start as u8 + 1
                } else {
                    0
                };
                let j = self.emit(Op::Jmp { offset: 0, close });
                self.fs().blocks[loop_index].breaks.push(j);
            }
            StatKind::Goto(name) => {
                let active = self.active_count();
                // Only a label of this very block resolves a goto at once; one of an enclosing
                // block waits until the goto leaves the blocks in between, so that a label of
                // the same name further on in them wins, as in LuaJIT (lj_parse.c gola_*).
                let label = self.find_block_label(name);
                // A backward goto closes a loop: mark it where the jump leaves, as LuaJIT puts
                // BC_LOOP before the JMP (lj_parse.c parse_goto), so the JIT counts and traces it.
                // LuaJIT marks only a goto to a label of its own block; this marks one to any
                // visible label, so that `if c then goto top end` loops get traces too.
                if self.has_visible_label(name) {
                    self.emit(Op::Loop);
                }
                let j = self.emit(Op::Jmp {
                    offset: 0,
                    close: 0,
                });
                // A backward goto to a visible label resolves now.
                if let Some((pc, label_active)) = label {
                    self.patch_jump(j, pc);
                    if active > label_active {
                        if let Op::Jmp { close, .. } = &mut self.fs().code[j] {
                            *close = label_active as u8 + 1;
                        }
                    }
                } else {
                    self.fs()
                        .blocks
                        .last_mut()
                        .expect("block")
                        .gotos
                        .push(PendingGoto {
                            name: name.clone(),
                            pc: j,
                            line: stat.line,
                            active,
                        });
                }
            }
            StatKind::Label(name) => {
                let active = self.active_count();
                self.label(name, stat.line, active)?
            }
        }
        Ok(())
    }

    fn has_visible_label(&self, name: &[u8]) -> bool {
        self.fs_ref()
            .blocks
            .iter()
            .any(|b| b.labels.iter().any(|l| l.name == name))
    }

    fn find_block_label(&self, name: &[u8]) -> Option<(usize, usize)> {
        self.fs_ref()
            .blocks
            .last()
            .and_then(|b| b.labels.iter().find(|l| l.name == name))
            .map(|l| (l.pc, l.active))
    }

    /// Defines a label whose scope holds `active` locals and resolves the block's pending gotos
    /// to it. A name may be reused in a nested block (LuaJIT checks duplicates per block).
    fn label(&mut self, name: &Name, line: Line, active: usize) -> CompileResult<()> {
        let block = self.fs_ref().blocks.last().expect("block");
        if block.labels.iter().any(|l| l.name == *name) {
            let n = String::from_utf8_lossy(name).into_owned();
            return self.error(line, format!("duplicate label '{n}'"));
        }
        let pc = self.pc();
        self.fs().last_target = pc;
        let block = self.fs().blocks.last_mut().expect("block");
        block.labels.push(Label {
            name: name.clone(),
            pc,
            active,
        });
        let pending: Vec<PendingGoto> = {
            let gotos = std::mem::take(&mut block.gotos);
            let (matching, rest): (Vec<_>, Vec<_>) =
                gotos.into_iter().partition(|g| g.name == *name);
            block.gotos = rest;
            matching
        };
        for g in pending {
            if g.active < active {
                let local = self.fs_ref().active[g.active].name.clone();
                let n = String::from_utf8_lossy(name).into_owned();
                let l = String::from_utf8_lossy(&local).into_owned();
                return self.error(
                    g.line,
                    format!(
                        "<goto {n}> at line {} jumps into the scope of local '{l}'",
                        g.line
                    ),
                );
            }
            self.patch_jump(g.pc, pc);
            if g.active > active {
                if let Op::Jmp { close, .. } = &mut self.fs().code[g.pc] {
                    *close = active as u8 + 1;
                }
            }
        }
        Ok(())
    }

    fn local(&mut self, names: &[Name], exprs: &[Expr]) -> CompileResult<()> {
        self.explist_adjusted(exprs, names.len())?;
        for n in names {
            self.add_local(n.clone())?;
        }
        Ok(())
    }

    /// Evaluates `exprs` into consecutive new registers, adjusted to exactly `want` values.
    fn explist_adjusted(&mut self, exprs: &[Expr], want: usize) -> CompileResult<()> {
        if exprs.is_empty() {
            let reg = self.free_reg() as Reg;
            self.reserve_regs(want)?;
            if want > 0 {
                self.emit(Op::LoadNil {
                    a: reg,
                    b: reg + want as u8 - 1,
                });
            }
            return Ok(());
        }
        for e in &exprs[..exprs.len() - 1] {
            let d = self.expr(e)?;
            self.exp_to_next_reg(d)?;
        }
        let last = self.expr(exprs.last().expect("non-empty"))?;
        let have = exprs.len();
        if last.is_multi() {
            let extra = (want as isize - have as isize + 1).max(0) as usize;
            self.set_returns(last, extra as i32)?;
            if extra > 1 {
                self.reserve_regs(extra - 1)?;
            }
        } else {
            self.exp_to_next_reg(last)?;
            if want > have {
                let reg = self.free_reg() as Reg;
                let extra = want - have;
                self.reserve_regs(extra)?;
                self.emit(Op::LoadNil {
                    a: reg,
                    b: reg + extra as u8 - 1,
                });
            }
        }
        // Surplus values are evaluated and dropped.
        let end = self.active_count() + want;
        if self.free_reg() > end {
            self.set_free_reg(end);
        }
        Ok(())
    }

    fn assign(&mut self, targets: &[Expr], exprs: &[Expr]) -> CompileResult<()> {
        // Stores are emitted after the last value, on its last line (LuaJIT's attribution).
        let store_line = exprs.last().map_or(0, super::expr::last_line);
        if targets.len() == 1 && exprs.len() == 1 {
            let target = self.target(&targets[0], false)?;
            let d = self.expr(&exprs[0])?;
            let d = if d.is_multi() {
                self.discharge_vars(d)?
            } else {
                d
            };
            self.raise_line(store_line);
            return self.store(target, d);
        }
        // Multiple assignment: evaluate every table and key into its own temporary first, so
        // no assignment can change what a later one refers to.
        let mut places = Vec::with_capacity(targets.len());
        for t in targets {
            places.push(self.target(t, true)?);
        }
        let first_value = self.free_reg();
        self.explist_adjusted_at(exprs, targets.len())?;
        self.raise_line(store_line);
        for (i, place) in places.iter().enumerate().rev() {
            let reg = (first_value + i) as Reg;
            self.store_from_reg(*place, reg)?;
        }
        Ok(())
    }

    fn explist_adjusted_at(&mut self, exprs: &[Expr], want: usize) -> CompileResult<()> {
        let base = self.free_reg();
        for (i, e) in exprs.iter().enumerate() {
            let d = self.expr(e)?;
            if i + 1 == exprs.len() && d.is_multi() {
                let extra = (want as isize - exprs.len() as isize + 1).max(0) as usize;
                self.set_returns(d, extra as i32)?;
                if extra > 1 {
                    self.reserve_regs(extra - 1)?;
                }
            } else {
                self.exp_to_next_reg(d)?;
            }
        }
        let have = self.free_reg() - base;
        if have < want {
            let reg = self.free_reg() as Reg;
            self.reserve_regs(want - have)?;
            self.emit(Op::LoadNil {
                a: reg,
                b: reg + (want - have) as u8 - 1,
            });
        }
        Ok(())
    }

    /// An assignment target. With `pin`, a table and key held in locals are copied to
    /// temporaries (multiple assignment).
    fn target(&mut self, e: &Expr, pin: bool) -> CompileResult<ExpDesc> {
        match &e.kind {
            ExprKind::Name(name) => Ok(match self.resolve(name, e.line)? {
                Resolved::Local(r) => ExpDesc::Local(r),
                Resolved::Upvalue(i) => ExpDesc::Upval(i),
                Resolved::Global => ExpDesc::Global(self.string_constant(name)),
            }),
            ExprKind::Index { object, key } => {
                let o = self.expr(object)?;
                let table = if pin {
                    self.exp_to_next_reg(o)?
                } else {
                    self.exp_to_any_reg(o)?
                };
                let k = self.expr(key)?;
                let key = match k {
                    ExpDesc::Local(_)
                    | ExpDesc::Upval(_)
                    | ExpDesc::Global(_)
                    | ExpDesc::Indexed { .. }
                    | ExpDesc::Call(_)
                    | ExpDesc::Vararg(_)
                    | ExpDesc::Reloc(_)
                        if pin =>
                    {
                        self.exp_to_next_reg(k)? as u16
                    }
                    other => self.exp_to_rk(other)?,
                };
                Ok(ExpDesc::Indexed { table, key })
            }
            _ => self.error(e.line, "syntax error near '='"),
        }
    }

    fn store(&mut self, target: ExpDesc, value: ExpDesc) -> CompileResult<()> {
        match target {
            ExpDesc::Local(r) => {
                self.exp_to_reg(value, r)?;
            }
            ExpDesc::Upval(b) => {
                let a = self.exp_to_any_reg(value)?;
                self.emit(Op::SetUpval { a, b });
                self.free_exp(ExpDesc::Reg(a));
            }
            ExpDesc::Global(k) => {
                let a = self.exp_to_any_reg(value)?;
                self.emit(Op::SetGlobal { a, k });
                self.free_exp(ExpDesc::Reg(a));
            }
            ExpDesc::Indexed { table, key } => {
                let c = self.exp_to_rk(value)?;
                self.emit_set_table(table, key, c);
                self.free_rk(c);
                self.free_rk(key);
                self.free_exp(ExpDesc::Reg(table));
            }
            _ => unreachable!("assignment target"),
        }
        Ok(())
    }

    fn store_from_reg(&mut self, target: ExpDesc, reg: Reg) -> CompileResult<()> {
        match target {
            ExpDesc::Local(r) => {
                self.emit(Op::Move { a: r, b: reg });
            }
            ExpDesc::Upval(b) => {
                self.emit(Op::SetUpval { a: reg, b });
            }
            ExpDesc::Global(k) => {
                self.emit(Op::SetGlobal { a: reg, k });
            }
            ExpDesc::Indexed { table, key } => {
                self.emit_set_table(table, key, reg as u16);
            }
            _ => unreachable!("assignment target"),
        }
        Ok(())
    }

    fn function_stat(
        &mut self,
        name: &FunctionName,
        func: &FunctionBody,
        line: Line,
    ) -> CompileResult<()> {
        let mut target = match self.resolve(&name.base, line)? {
            Resolved::Local(r) => ExpDesc::Local(r),
            Resolved::Upvalue(i) => ExpDesc::Upval(i),
            Resolved::Global => ExpDesc::Global(self.string_constant(&name.base)),
        };
        let keys: Vec<&Name> = name.fields.iter().chain(name.method.iter()).collect();
        for (i, key) in keys.iter().enumerate() {
            let table = self.exp_to_any_reg(target)?;
            let k = self.string_constant(key);
            let key = self.const_rk(k)?;
            target = ExpDesc::Indexed { table, key };
            if i + 1 < keys.len() {
                target = self.discharge_vars(target)?;
            }
        }
        let d = self.function_expr(func)?;
        self.set_line(line);
        self.store(target, d)
    }

    fn return_stat(&mut self, exprs: &[Expr]) -> CompileResult<()> {
        if exprs.is_empty() {
            self.emit(Op::Return { a: 0, b: 1 });
            return Ok(());
        }
        if exprs.len() == 1 {
            let d = self.expr(&exprs[0])?;
            match d {
                ExpDesc::Call(pc) => {
                    if let Op::Call { a, b, .. } = self.fs_ref().code[pc] {
                        self.fs().code[pc] = Op::TailCall { a, b };
                        self.emit(Op::Return { a, b: 0 });
                    }
                    return Ok(());
                }
                ExpDesc::Vararg(_) => {
                    let first = self.free_reg() as Reg;
                    self.set_returns(d, -1)?;
                    self.emit(Op::Return { a: first, b: 0 });
                    return Ok(());
                }
                other => {
                    let r = self.exp_to_any_reg(other)?;
                    self.emit(Op::Return { a: r, b: 2 });
                    return Ok(());
                }
            }
        }
        let first = self.free_reg() as Reg;
        let mut open = false;
        for (i, e) in exprs.iter().enumerate() {
            let d = self.expr(e)?;
            if i + 1 == exprs.len() && d.is_multi() {
                self.set_returns(d, -1)?;
                open = true;
            } else {
                self.exp_to_next_reg(d)?;
            }
        }
        let b = if open { 0 } else { exprs.len() as u8 + 1 };
        self.emit(Op::Return { a: first, b });
        Ok(())
    }
}
