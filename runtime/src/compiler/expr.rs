//! Expressions: the lazy [`ExpDesc`] and the code that places values where they are needed.

use super::function::Resolved;
use super::{CompileResult, Compiler};
use crate::bytecode::{Op, Reg, Rk, RK_CONSTANT};
use crate::syntax::ast::{BinOp, Expr, ExprKind, FunctionBody, Line, TableField, UnOp};
use crate::value::Value;

/// An expression whose code has not been fully committed yet.
#[derive(Clone, Copy, Debug)]
pub(super) enum ExpDesc {
    Nil,
    True,
    False,
    Number(f64),
    String(Value),
    Local(Reg),
    Upval(u8),
    /// A global; the name's constant index.
    Global(u32),
    Indexed {
        table: Reg,
        key: Rk,
    },
    /// An instruction at pc whose destination register is still to be set.
    Reloc(usize),
    /// A value in a fixed register.
    Reg(Reg),
    /// An open call at pc (result count adjustable).
    Call(usize),
    /// An open `...` at pc.
    Vararg(usize),
}

impl ExpDesc {
    pub(super) fn is_multi(self) -> bool {
        matches!(self, ExpDesc::Call(_) | ExpDesc::Vararg(_))
    }
}

/// Items of a table constructor kept in registers before one `SetList`.
const FIELDS_PER_FLUSH: usize = 50;

impl Compiler<'_> {
    pub(super) fn expr(&mut self, e: &Expr) -> CompileResult<ExpDesc> {
        Ok(match &e.kind {
            ExprKind::Nil => ExpDesc::Nil,
            ExprKind::True => ExpDesc::True,
            ExprKind::False => ExpDesc::False,
            ExprKind::Number(n) => ExpDesc::Number(*n),
            ExprKind::String(s) => ExpDesc::String(self.heap.intern_value(s)),
            ExprKind::Vararg => {
                if !self.fs_ref().is_vararg {
                    return self.error(
                        e.line,
                        "cannot use '...' outside a vararg function near '...'",
                    );
                }
                self.set_line(e.line);
                ExpDesc::Vararg(self.emit(Op::VarArg { a: 0, b: 2 }))
            }
            ExprKind::Function(body) => self.function_expr(body)?,
            ExprKind::Table(fields) => self.table_constructor(fields, e.line)?,
            ExprKind::Binary {
                op: BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge,
                ..
            } => self.condition_value(e)?,
            ExprKind::Binary { op, .. } if is_arithmetic(*op) => self.arithmetic_chain(e)?,
            ExprKind::Binary { op, lhs, rhs } => self.binary(*op, lhs, rhs, e.line)?,
            ExprKind::Unary { op, operand } => self.unary(*op, operand, e.line)?,
            ExprKind::Name(name) => match self.resolve(name, e.line)? {
                Resolved::Local(r) => ExpDesc::Local(r),
                Resolved::Upvalue(i) => ExpDesc::Upval(i),
                Resolved::Global => ExpDesc::Global(self.string_constant(name)),
            },
            ExprKind::Index { .. } => self.index_chain(e)?,
            ExprKind::Call { func, args } => {
                let f = self.expr(func)?;
                let base = self.exp_to_next_reg(f)?;
                self.call_args(base, args, e.line)?
            }
            ExprKind::MethodCall {
                object,
                method,
                args,
            } => {
                let o = self.expr(object)?;
                let obj = self.exp_to_any_reg(o)?;
                self.free_exp(ExpDesc::Reg(obj));
                let base = self.free_reg() as Reg;
                let k = self.string_constant(method);
                let key = self.const_rk(k)?;
                self.reserve_regs(2)?;
                self.set_line(e.line);
                self.emit(Op::SelfOp {
                    a: base,
                    b: obj,
                    c: key,
                });
                self.free_rk(key);
                self.call_args(base, args, e.line)?
            }
            ExprKind::Paren(inner) => {
                let d = self.expr(inner)?;
                self.discharge_vars(d)?
            }
        })
    }

    fn call_args(&mut self, base: Reg, args: &[Expr], line: Line) -> CompileResult<ExpDesc> {
        let mut open = false;
        for (i, a) in args.iter().enumerate() {
            let d = self.expr(a)?;
            if i + 1 == args.len() && d.is_multi() {
                self.set_returns(d, -1)?;
                open = true;
            } else {
                self.exp_to_next_reg(d)?;
            }
        }
        let b = if open {
            0
        } else {
            (self.free_reg() - base as usize) as u8
        };
        self.set_line(line);
        let pc = self.emit(Op::Call { a: base, b, c: 2 });
        self.set_free_reg(base as usize + 1);
        Ok(ExpDesc::Call(pc))
    }

    pub(super) fn function_expr(&mut self, body: &FunctionBody) -> CompileResult<ExpDesc> {
        let index = self.compile_function(body)?;
        self.set_line(body.line);
        Ok(ExpDesc::Reloc(
            self.emit(Op::Closure { a: 0, proto: index }),
        ))
    }

    /// Compiles a nested function and returns its index among the current function's protos.
    pub(super) fn compile_function(&mut self, body: &FunctionBody) -> CompileResult<u32> {
        let num_params = body.params.len() + body.is_method as usize;
        self.open_function(num_params as u8, body.is_vararg, body.line);
        if body.is_method {
            self.add_local(b"self".to_vec())?;
        }
        for p in &body.params {
            self.add_local(p.clone())?;
        }
        let n = self.active_count();
        self.reserve_regs(n)?;
        self.block(&body.body)?;
        let proto = self.close_function(body.body.end_line)?;
        let fs = self.fs();
        fs.protos.push(std::rc::Rc::new(proto));
        Ok((fs.protos.len() - 1) as u32)
    }

    fn table_constructor(&mut self, fields: &[TableField], line: Line) -> CompileResult<ExpDesc> {
        self.set_line(line);
        let pc = self.emit(Op::NewTable {
            a: 0,
            array: 0,
            hash: 0,
        });
        let t = self.exp_to_next_reg(ExpDesc::Reloc(pc))?;
        let (mut pending, mut positional, mut hashed) = (0usize, 0usize, 0usize);
        for (i, field) in fields.iter().enumerate() {
            match field {
                TableField::Positional(e) => {
                    let d = self.expr(e)?;
                    positional += 1;
                    if i + 1 == fields.len() && d.is_multi() {
                        self.set_returns(d, -1)?;
                        self.set_line(line);
                        let first = (positional - pending - 1) as u32;
                        self.emit(Op::SetList {
                            a: t,
                            count: 0,
                            first,
                        });
                        pending = 0;
                        positional -= 1;
                        self.set_free_reg(t as usize + 1);
                        continue;
                    }
                    self.exp_to_next_reg(d)?;
                    pending += 1;
                    if pending == FIELDS_PER_FLUSH {
                        self.flush_list(t, &mut pending, positional)?;
                    }
                }
                TableField::Named(name, value) => {
                    hashed += 1;
                    let k = self.string_constant(name);
                    let key = self.const_rk(k)?;
                    let v = self.expr(value)?;
                    let value = self.exp_to_rk(v)?;
                    self.set_line(line);
                    self.emit_set_table(t, key, value);
                    self.free_rk(value);
                    self.free_rk(key);
                }
                TableField::Keyed(key, value) => {
                    hashed += 1;
                    let k = self.expr(key)?;
                    let key = self.exp_to_rk(k)?;
                    let v = self.expr(value)?;
                    let value = self.exp_to_rk(v)?;
                    self.set_line(line);
                    self.emit(Op::SetTable {
                        a: t,
                        b: key,
                        c: value,
                    });
                    self.free_rk(value);
                    self.free_rk(key);
                }
            }
        }
        if pending > 0 {
            self.flush_list(t, &mut pending, positional)?;
        }
        self.fs().code[pc] = Op::NewTable {
            a: t,
            array: positional.min(u16::MAX as usize) as u16,
            hash: hashed.min(u16::MAX as usize) as u16,
        };
        Ok(ExpDesc::Reg(t))
    }

    fn flush_list(&mut self, t: Reg, pending: &mut usize, positional: usize) -> CompileResult<()> {
        let first = (positional - *pending) as u32;
        self.emit(Op::SetList {
            a: t,
            count: *pending as u16,
            first,
        });
        *pending = 0;
        self.set_free_reg(t as usize + 1);
        Ok(())
    }

    fn binary(&mut self, op: BinOp, lhs: &Expr, rhs: &Expr, line: Line) -> CompileResult<ExpDesc> {
        match op {
            BinOp::And | BinOp::Or => self.logical_value(op == BinOp::Or, lhs, rhs),
            BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
                unreachable!("comparisons are compiled by condition_value")
            }
            BinOp::Concat => self.concat(lhs, rhs, line),
            _ => unreachable!("arithmetic is compiled by arithmetic_chain"),
        }
    }

    /// A left-associative chain `a + b - c * ...` compiled iteratively along its left spine,
    /// so chains of any length (LuaJIT parses them in a loop) never deepen the Rust stack.
    fn arithmetic_chain(&mut self, e: &Expr) -> CompileResult<ExpDesc> {
        let mut spine = Vec::new();
        let mut cur = e;
        while let ExprKind::Binary { op, lhs, rhs } = &cur.kind {
            if !is_arithmetic(*op) {
                break;
            }
            spine.push((*op, rhs.as_ref(), cur.line));
            cur = lhs;
        }
        let mut acc = self.expr(cur)?;
        for (op, rhs, line) in spine.into_iter().rev() {
            acc = self.arithmetic_step(op, acc, rhs, line)?;
        }
        Ok(acc)
    }

    /// `l op rhs` where `l` is the already compiled left operand.
    fn arithmetic_step(
        &mut self,
        op: BinOp,
        l: ExpDesc,
        rhs: &Expr,
        line: Line,
    ) -> CompileResult<ExpDesc> {
        // Lua turns the left operand into RK before compiling the right one, unless it is a
        // numeral that may still fold.
        let l_rk = match l {
            ExpDesc::Number(_) => None,
            other => Some(self.exp_to_rk(other)?),
        };
        let r = self.expr(rhs)?;
        if let (ExpDesc::Number(a), None, ExpDesc::Number(b)) = (l, l_rk, r) {
            if let Some(v) = fold(op, a, b) {
                return Ok(ExpDesc::Number(v));
            }
        }
        let c = self.exp_to_rk(r)?;
        let b = match l_rk {
            Some(b) => b,
            None => self.exp_to_rk(l)?,
        };
        if b > c {
            self.free_rk(b);
            self.free_rk(c);
        } else {
            self.free_rk(c);
            self.free_rk(b);
        }
        // The operation is emitted after its right operand, so it carries the line where that
        // operand ends (as LuaJIT does).
        self.set_line(line.max(last_line(rhs)));
        let op = match op {
            BinOp::Add => Op::Add { a: 0, b, c },
            BinOp::Sub => Op::Sub { a: 0, b, c },
            BinOp::Mul => Op::Mul { a: 0, b, c },
            BinOp::Div => Op::Div { a: 0, b, c },
            BinOp::Mod => Op::Mod { a: 0, b, c },
            BinOp::Pow => Op::Pow { a: 0, b, c },
            _ => unreachable!("arithmetic operator"),
        };
        Ok(ExpDesc::Reloc(self.emit(op)))
    }

    /// `a.b[c].d...` compiled iteratively along the chain of indexed objects.
    fn index_chain(&mut self, e: &Expr) -> CompileResult<ExpDesc> {
        let mut keys = Vec::new();
        let mut cur = e;
        while let ExprKind::Index { object, key } = &cur.kind {
            keys.push(key.as_ref());
            cur = object;
        }
        let mut acc = self.expr(cur)?;
        for key in keys.into_iter().rev() {
            let table = self.exp_to_any_reg(acc)?;
            let k = self.expr(key)?;
            let key_rk = self.exp_to_rk(k)?;
            // LuaJIT attributes the access to the line where the key ends.
            self.set_line(last_line(key));
            acc = ExpDesc::Indexed { table, key: key_rk };
        }
        Ok(acc)
    }

    fn concat(&mut self, lhs: &Expr, rhs: &Expr, line: Line) -> CompileResult<ExpDesc> {
        let mut operands = vec![lhs];
        let mut rest = rhs;
        while let ExprKind::Binary {
            op: BinOp::Concat,
            lhs,
            rhs,
        } = &rest.kind
        {
            operands.push(lhs);
            rest = rhs;
        }
        operands.push(rest);
        let first = self.free_reg() as Reg;
        for e in operands {
            let d = self.expr(e)?;
            self.exp_to_next_reg(d)?;
        }
        let last = (self.free_reg() - 1) as Reg;
        self.set_free_reg(first as usize);
        // One instruction for the chain, emitted once its last operand is read (LuaJIT's line).
        self.set_line(line.max(last_line(rest)));
        Ok(ExpDesc::Reloc(self.emit(Op::Concat {
            a: 0,
            b: first,
            c: last,
        })))
    }

    fn unary(&mut self, op: UnOp, operand: &Expr, line: Line) -> CompileResult<ExpDesc> {
        let d = self.expr(operand)?;
        match (op, d) {
            (UnOp::Neg, ExpDesc::Number(n)) => return Ok(ExpDesc::Number(-n)),
            (UnOp::Not, ExpDesc::Nil | ExpDesc::False) => return Ok(ExpDesc::True),
            (UnOp::Not, ExpDesc::True | ExpDesc::Number(_) | ExpDesc::String(_)) => {
                return Ok(ExpDesc::False)
            }
            _ => {}
        }
        let b = self.exp_to_any_reg(d)?;
        self.free_exp(ExpDesc::Reg(b));
        self.set_line(line);
        let op = match op {
            UnOp::Neg => Op::Unm { a: 0, b },
            UnOp::Not => Op::Not { a: 0, b },
            UnOp::Len => Op::Len { a: 0, b },
        };
        Ok(ExpDesc::Reloc(self.emit(op)))
    }

    /// `a and b` / `a or b` producing a value in one register.
    fn logical_value(&mut self, is_or: bool, lhs: &Expr, rhs: &Expr) -> CompileResult<ExpDesc> {
        let jump_if = is_or;
        let l = self.expr(lhs)?;
        let l = self.discharge_vars(l)?;
        let target;
        let jump;
        match l {
            ExpDesc::Reg(r) if (r as usize) < self.active_count() => {
                target = self.free_reg() as Reg;
                self.reserve_regs(1)?;
                self.emit(Op::TestSet {
                    a: target,
                    b: r,
                    jump_if,
                });
                jump = self.emit_jump();
            }
            other => {
                target = self.exp_to_next_reg(other)?;
                self.emit(Op::Test { a: target, jump_if });
                jump = self.emit_jump();
            }
        }
        let r = self.expr(rhs)?;
        self.exp_to_reg(r, target)?;
        self.patch_to_here(&[jump]);
        Ok(ExpDesc::Reg(target))
    }

    /// A comparison (or other condition) used as a value: true/false in a register.
    fn condition_value(&mut self, e: &Expr) -> CompileResult<ExpDesc> {
        let jumps = self.condition(e, true)?;
        let target = self.free_reg() as Reg;
        self.reserve_regs(1)?;
        self.emit(Op::LoadBool {
            a: target,
            value: false,
            skip: true,
        });
        self.patch_to_here(&jumps);
        self.emit(Op::LoadBool {
            a: target,
            value: true,
            skip: false,
        });
        self.set_free_reg(target as usize);
        // The value is in `target`, which the caller may move; report it as a fixed register
        // after re-reserving it.
        self.reserve_regs(1)?;
        Ok(ExpDesc::Reg(target))
    }

    /// Emits code that jumps when `e`'s truthiness equals `jump_if` and falls through otherwise;
    /// returns the jumps to patch.
    pub(super) fn condition(&mut self, e: &Expr, jump_if: bool) -> CompileResult<Vec<usize>> {
        match &e.kind {
            ExprKind::Nil | ExprKind::False => {
                return Ok(if jump_if {
                    vec![]
                } else {
                    vec![self.emit_jump()]
                });
            }
            ExprKind::True | ExprKind::Number(_) | ExprKind::String(_) => {
                return Ok(if jump_if {
                    vec![self.emit_jump()]
                } else {
                    vec![]
                });
            }
            ExprKind::Unary {
                op: UnOp::Not,
                operand,
            } => return self.condition(operand, !jump_if),
            ExprKind::Paren(inner)
                if !matches!(
                    inner.kind,
                    ExprKind::Call { .. } | ExprKind::MethodCall { .. } | ExprKind::Vararg
                ) =>
            {
                return self.condition(inner, jump_if)
            }
            ExprKind::Binary { op, lhs, rhs } => match op {
                BinOp::And | BinOp::Or => {
                    let is_or = *op == BinOp::Or;
                    if is_or == jump_if {
                        // a or b (jump if true) / a and b (jump if false): either side decides.
                        let mut j = self.condition(lhs, jump_if)?;
                        j.extend(self.condition(rhs, jump_if)?);
                        return Ok(j);
                    }
                    let skip = self.condition(lhs, !jump_if)?;
                    let j = self.condition(rhs, jump_if)?;
                    self.patch_to_here(&skip);
                    return Ok(j);
                }
                BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
                    let l = self.expr(lhs)?;
                    let b = self.exp_to_rk(l)?;
                    let r = self.expr(rhs)?;
                    let c = self.exp_to_rk(r)?;
                    if b > c {
                        self.free_rk(b);
                        self.free_rk(c);
                    } else {
                        self.free_rk(c);
                        self.free_rk(b);
                    }
                    self.set_line(e.line.max(last_line(rhs)));
                    let op = match op {
                        BinOp::Eq => Op::Eq { jump_if, b, c },
                        BinOp::Ne => Op::Eq {
                            jump_if: !jump_if,
                            b,
                            c,
                        },
                        BinOp::Lt => Op::Lt { jump_if, b, c },
                        BinOp::Le => Op::Le { jump_if, b, c },
                        BinOp::Gt => Op::Lt {
                            jump_if,
                            b: c,
                            c: b,
                        },
                        _ => Op::Le {
                            jump_if,
                            b: c,
                            c: b,
                        },
                    };
                    self.emit(op);
                    return Ok(vec![self.emit_jump()]);
                }
                _ => {}
            },
            _ => {}
        }
        let d = self.expr(e)?;
        let reg = self.exp_to_any_reg(d)?;
        self.free_exp(ExpDesc::Reg(reg));
        self.emit(Op::Test { a: reg, jump_if });
        Ok(vec![self.emit_jump()])
    }

    // ---- placing values ----

    /// Sets the number of results of an open call or vararg (`-1`: all).
    pub(super) fn set_returns(&mut self, d: ExpDesc, n: i32) -> CompileResult<()> {
        match d {
            ExpDesc::Call(pc) => {
                if let Op::Call { c, .. } = &mut self.fs().code[pc] {
                    *c = (n + 1) as u8;
                }
            }
            ExpDesc::Vararg(pc) => {
                let free = self.free_reg() as Reg;
                if let Op::VarArg { a, b } = &mut self.fs().code[pc] {
                    *a = free;
                    *b = (n + 1) as u8;
                }
                self.reserve_regs(1)?;
            }
            _ => {}
        }
        Ok(())
    }

    /// Turns variable references and open calls into values (Reloc or Reg).
    pub(super) fn discharge_vars(&mut self, d: ExpDesc) -> CompileResult<ExpDesc> {
        Ok(match d {
            ExpDesc::Local(r) => ExpDesc::Reg(r),
            ExpDesc::Upval(b) => ExpDesc::Reloc(self.emit(Op::GetUpval { a: 0, b })),
            ExpDesc::Global(k) => ExpDesc::Reloc(self.emit(Op::GetGlobal { a: 0, k })),
            ExpDesc::Indexed { table, key } => {
                self.free_rk(key);
                self.free_exp(ExpDesc::Reg(table));
                let op = match self.string_constant_index(key) {
                    Some(k) => Op::GetField { a: 0, b: table, k },
                    None => Op::GetTable {
                        a: 0,
                        b: table,
                        c: key,
                    },
                };
                ExpDesc::Reloc(self.emit(op))
            }
            ExpDesc::Call(pc) => match self.fs_ref().code[pc] {
                Op::Call { a, .. } => ExpDesc::Reg(a),
                _ => unreachable!("call"),
            },
            ExpDesc::Vararg(pc) => {
                if let Op::VarArg { b, .. } = &mut self.fs().code[pc] {
                    *b = 2;
                }
                ExpDesc::Reloc(pc)
            }
            other => other,
        })
    }

    fn discharge_to_reg(&mut self, d: ExpDesc, reg: Reg) -> CompileResult<()> {
        let d = self.discharge_vars(d)?;
        match d {
            ExpDesc::Nil => {
                self.emit(Op::LoadNil { a: reg, b: reg });
            }
            ExpDesc::True | ExpDesc::False => {
                self.emit(Op::LoadBool {
                    a: reg,
                    value: matches!(d, ExpDesc::True),
                    skip: false,
                });
            }
            ExpDesc::Number(n) => {
                let k = self.constant(Value::Number(n));
                self.emit(Op::LoadK { a: reg, k });
            }
            ExpDesc::String(s) => {
                let k = self.constant(s);
                self.emit(Op::LoadK { a: reg, k });
            }
            ExpDesc::Reloc(pc) => set_destination(&mut self.fs().code[pc], reg),
            ExpDesc::Reg(r) => {
                if r != reg {
                    self.emit(Op::Move { a: reg, b: r });
                }
            }
            _ => unreachable!("discharged"),
        }
        Ok(())
    }

    /// Frees the register of a temporary value.
    pub(super) fn free_exp(&mut self, d: ExpDesc) {
        if let ExpDesc::Reg(r) = d {
            self.free_temp(r);
        }
    }

    pub(super) fn free_rk(&mut self, rk: Rk) {
        if rk < RK_CONSTANT {
            self.free_temp(rk as Reg);
        }
    }

    pub(super) fn exp_to_reg(&mut self, d: ExpDesc, reg: Reg) -> CompileResult<()> {
        let d = self.discharge_vars(d)?;
        self.free_exp(d);
        self.discharge_to_reg(d, reg)
    }

    pub(super) fn exp_to_next_reg(&mut self, d: ExpDesc) -> CompileResult<Reg> {
        let d = self.discharge_vars(d)?;
        self.free_exp(d);
        let reg = self.free_reg() as Reg;
        self.reserve_regs(1)?;
        self.discharge_to_reg(d, reg)?;
        Ok(reg)
    }

    pub(super) fn exp_to_any_reg(&mut self, d: ExpDesc) -> CompileResult<Reg> {
        let d = self.discharge_vars(d)?;
        if let ExpDesc::Reg(r) = d {
            return Ok(r);
        }
        self.exp_to_next_reg(d)
    }

    /// The constant index of `rk` if it names a string constant that fits a field op.
    pub(super) fn string_constant_index(&self, rk: Rk) -> Option<u16> {
        if rk < RK_CONSTANT {
            return None;
        }
        let k = rk - RK_CONSTANT;
        matches!(
            self.fs_ref().constants.get(k as usize),
            Some(Value::String(_))
        )
        .then_some(k)
    }

    /// `t[key] = value`, as a field store when the key is a string constant.
    pub(super) fn emit_set_table(&mut self, table: Reg, key: Rk, value: Rk) -> usize {
        match self.string_constant_index(key) {
            Some(k) => self.emit(Op::SetField {
                a: table,
                k,
                c: value,
            }),
            None => self.emit(Op::SetTable {
                a: table,
                b: key,
                c: value,
            }),
        }
    }

    pub(super) fn const_rk(&mut self, k: u32) -> CompileResult<Rk> {
        if (k as usize) < (u16::MAX - RK_CONSTANT) as usize {
            return Ok(RK_CONSTANT + k as Rk);
        }
        let reg = self.free_reg() as Reg;
        self.reserve_regs(1)?;
        self.emit(Op::LoadK { a: reg, k });
        Ok(reg as Rk)
    }

    pub(super) fn exp_to_rk(&mut self, d: ExpDesc) -> CompileResult<Rk> {
        let k = match d {
            ExpDesc::Nil => self.constant(Value::Nil),
            ExpDesc::True => self.constant(Value::Boolean(true)),
            ExpDesc::False => self.constant(Value::Boolean(false)),
            ExpDesc::Number(n) => self.constant(Value::Number(n)),
            ExpDesc::String(s) => self.constant(s),
            other => return Ok(self.exp_to_any_reg(other)? as Rk),
        };
        self.const_rk(k)
    }
}

fn is_arithmetic(op: BinOp) -> bool {
    matches!(
        op,
        BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div | BinOp::Mod | BinOp::Pow
    )
}

/// The line where an expression ends, as far as the tree records it.
/// The last line an expression spans (its last token's, as far as the tree tells).
pub(super) fn last_line(e: &Expr) -> Line {
    match &e.kind {
        ExprKind::Binary { rhs, .. } => e.line.max(last_line(rhs)),
        ExprKind::Unary { operand, .. } => e.line.max(last_line(operand)),
        ExprKind::Index { key, .. } => e.line.max(last_line(key)),
        ExprKind::Paren(inner) => e.line.max(last_line(inner)),
        ExprKind::Call { args, .. } | ExprKind::MethodCall { args, .. } => {
            args.last().map_or(e.line, |a| e.line.max(last_line(a)))
        }
        ExprKind::Function(body) => body.body.end_line,
        _ => e.line,
    }
}

fn set_destination(op: &mut Op, reg: Reg) {
    // Only ops compiled as `ExpDesc::Reloc` reach here; all of them write `R(a)`.
    match op.destination_mut() {
        Some(a) => *a = reg,
        None => unreachable!("{op:?} has no relocatable destination"),
    }
}

/// Folds arithmetic on two numeric literals, except where Lua 5.1 refuses (division by zero,
/// NaN results).
fn fold(op: BinOp, a: f64, b: f64) -> Option<f64> {
    let r = match op {
        BinOp::Add => a + b,
        BinOp::Sub => a - b,
        BinOp::Mul => a * b,
        BinOp::Div if b != 0.0 => a / b,
        BinOp::Mod if b != 0.0 => a - (a / b).floor() * b,
        BinOp::Pow => a.powf(b),
        _ => return None,
    };
    if r.is_nan() {
        None
    } else {
        Some(r)
    }
}
