//! The instruction set: Lua 5.1's register machine, with explicit loop ops (`ForPrep`/`ForLoop`,
//! `TForLoop`) and a `Loop` marker at every `while`/`repeat` back-edge target, so hot loops are
//! visible to the JIT.

/// A register: a slot relative to the frame base.
pub type Reg = u8;

/// Register-or-constant operand: values below [`RK_CONSTANT`] are registers, the rest index the
/// constant table (`rk - RK_CONSTANT`).
pub type Rk = u16;

pub const RK_CONSTANT: u16 = 256;

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Op {
    /// R(a) = R(b)
    Move {
        a: Reg,
        b: Reg,
    },
    /// R(a) = K(k)
    LoadK {
        a: Reg,
        k: u32,
    },
    /// R(a) = value; if skip then pc++
    LoadBool {
        a: Reg,
        value: bool,
        skip: bool,
    },
    /// R(a..=b) = nil
    LoadNil {
        a: Reg,
        b: Reg,
    },
    /// R(a) = Upvalue(b)
    GetUpval {
        a: Reg,
        b: u8,
    },
    /// R(a) = Env[K(k)]
    GetGlobal {
        a: Reg,
        k: u32,
    },
    /// R(a) = R(b)[RK(c)]
    GetTable {
        a: Reg,
        b: Reg,
        c: Rk,
    },
    /// R(a) = R(b)[K(k)] where K(k) is a string (field access).
    GetField {
        a: Reg,
        b: Reg,
        k: u16,
    },
    /// R(a)[K(k)] = RK(c) where K(k) is a string (field store).
    SetField {
        a: Reg,
        k: u16,
        c: Rk,
    },
    /// Env[K(k)] = R(a)
    SetGlobal {
        a: Reg,
        k: u32,
    },
    /// Upvalue(b) = R(a)
    SetUpval {
        a: Reg,
        b: u8,
    },
    /// R(a)[RK(b)] = RK(c)
    SetTable {
        a: Reg,
        b: Rk,
        c: Rk,
    },
    /// R(a) = {} with size hints
    NewTable {
        a: Reg,
        array: u16,
        hash: u16,
    },
    /// R(a+1) = R(b); R(a) = R(b)[RK(c)]
    SelfOp {
        a: Reg,
        b: Reg,
        c: Rk,
    },
    Add {
        a: Reg,
        b: Rk,
        c: Rk,
    },
    Sub {
        a: Reg,
        b: Rk,
        c: Rk,
    },
    Mul {
        a: Reg,
        b: Rk,
        c: Rk,
    },
    Div {
        a: Reg,
        b: Rk,
        c: Rk,
    },
    Mod {
        a: Reg,
        b: Rk,
        c: Rk,
    },
    Pow {
        a: Reg,
        b: Rk,
        c: Rk,
    },
    Unm {
        a: Reg,
        b: Reg,
    },
    Not {
        a: Reg,
        b: Reg,
    },
    Len {
        a: Reg,
        b: Reg,
    },
    /// R(a) = R(b) .. ... .. R(c)
    Concat {
        a: Reg,
        b: Reg,
        c: Reg,
    },
    /// pc += offset; if close > 0, close upvalues >= R(close - 1) first.
    Jmp {
        offset: i32,
        close: u8,
    },
    /// If (RK(b) == RK(c)) != jump_if then skip the following `Jmp`.
    Eq {
        jump_if: bool,
        b: Rk,
        c: Rk,
    },
    Lt {
        jump_if: bool,
        b: Rk,
        c: Rk,
    },
    Le {
        jump_if: bool,
        b: Rk,
        c: Rk,
    },
    /// If truthy(R(a)) != jump_if then skip the following `Jmp`.
    Test {
        a: Reg,
        jump_if: bool,
    },
    /// If truthy(R(b)) == jump_if then R(a) = R(b) (and the `Jmp` runs) else skip it.
    TestSet {
        a: Reg,
        b: Reg,
        jump_if: bool,
    },
    /// R(a), ..., R(a+c-2) = R(a)(R(a+1), ..., R(a+b-1)); b = 0: args to top; c = 0: keep all results.
    Call {
        a: Reg,
        b: u8,
        c: u8,
    },
    /// return R(a)(R(a+1), ..., R(a+b-1))
    TailCall {
        a: Reg,
        b: u8,
    },
    /// return R(a), ..., R(a+b-2); b = 0: to top.
    Return {
        a: Reg,
        b: u8,
    },
    /// R(a) += R(a+2); if R(a) <?= R(a+1) then { pc += offset; R(a+3) = R(a) }
    ForLoop {
        a: Reg,
        offset: i32,
    },
    /// Checks the loop operands, R(a) -= R(a+2); pc += offset
    ForPrep {
        a: Reg,
        offset: i32,
    },
    /// R(a+3), ..., R(a+2+c) = R(a)(R(a+1), R(a+2))
    TForCall {
        a: Reg,
        c: u8,
    },
    /// if R(a+3) ~= nil then { R(a+2) = R(a+3); pc += offset }
    TForLoop {
        a: Reg,
        offset: i32,
    },
    /// R(a)[first + i] = R(a + i) for 1 <= i <= count; count = 0: up to top.
    SetList {
        a: Reg,
        count: u16,
        first: u32,
    },
    /// Closes upvalues for registers >= a.
    Close {
        a: Reg,
    },
    /// R(a) = closure(protos[proto])
    Closure {
        a: Reg,
        proto: u32,
    },
    /// R(a), ..., R(a+b-2) = vararg; b = 0: all, to top.
    VarArg {
        a: Reg,
        b: u8,
    },
    /// Back-edge target of a `while`/`repeat` loop: where hot loops are counted.
    Loop,
}

impl Op {
    /// The register an instruction writes as its single result (`R(a) = ...`), if it has one.
    /// Loads, arithmetic and other value-producing ops; calls and loops write ranges and are
    /// not included. `TestSet` and `LoadBool` write `R(a)` too.
    pub fn destination_mut(&mut self) -> Option<&mut Reg> {
        match self {
            Op::Move { a, .. }
            | Op::LoadK { a, .. }
            | Op::LoadBool { a, .. }
            | Op::GetUpval { a, .. }
            | Op::GetGlobal { a, .. }
            | Op::GetTable { a, .. }
            | Op::GetField { a, .. }
            | Op::NewTable { a, .. }
            | Op::Add { a, .. }
            | Op::Sub { a, .. }
            | Op::Mul { a, .. }
            | Op::Div { a, .. }
            | Op::Mod { a, .. }
            | Op::Pow { a, .. }
            | Op::Unm { a, .. }
            | Op::Not { a, .. }
            | Op::Len { a, .. }
            | Op::Concat { a, .. }
            | Op::Closure { a, .. }
            | Op::VarArg { a, .. }
            | Op::TestSet { a, .. } => Some(a),
            _ => None,
        }
    }

    /// See [`Op::destination_mut`].
    pub fn destination(mut self) -> Option<Reg> {
        self.destination_mut().copied()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn instructions_are_eight_bytes() {
        assert_eq!(std::mem::size_of::<super::Op>(), 8);
    }
}
