//! Abstract syntax tree of a Lua chunk, as produced by the parser and consumed by the compiler.
//!
//! Every statement and expression carries the source line the compiler attaches to the bytecode
//! it generates, so runtime errors name the right line. The tree never resolves scopes: the
//! compiler decides what is local, upvalue or global.

/// A source line number (1-based).
pub type Line = u32;

/// An identifier, as the bytes of the source.
pub type Name = Vec<u8>;

/// A whole chunk: the body of the main function (which is always vararg).
#[derive(Debug, Clone, PartialEq)]
pub struct Chunk {
    pub body: Block,
}

/// A sequence of statements; `end_line` is the line of the token that closes the block
/// (`end`, `until`, `else`, `elseif`, or end of file).
#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    pub stats: Vec<Stat>,
    pub end_line: Line,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Stat {
    pub line: Line,
    pub kind: StatKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum StatKind {
    /// A function or method call used as a statement (the parser rejects other expressions).
    Call(Expr),
    /// `local a, b = e1, e2` (`exprs` may be empty).
    Local {
        names: Vec<Name>,
        exprs: Vec<Expr>,
    },
    /// `t.x, y = e1, e2`; every target is `ExprKind::Name` or `ExprKind::Index`.
    Assign {
        targets: Vec<Expr>,
        exprs: Vec<Expr>,
    },
    Do(Block),
    While {
        cond: Expr,
        body: Block,
    },
    /// `repeat body until cond`; `cond` sees the body's locals.
    Repeat {
        body: Block,
        cond: Expr,
    },
    /// `if c1 then b1 elseif c2 then b2 ... else e end`.
    If {
        arms: Vec<(Expr, Block)>,
        else_block: Option<Block>,
    },
    /// `do_line` is the line of `do`: LuaJIT reports errors in the loop's set-up there.
    NumericFor {
        var: Name,
        start: Expr,
        limit: Expr,
        step: Option<Expr>,
        do_line: Line,
        body: Block,
    },
    GenericFor {
        names: Vec<Name>,
        exprs: Vec<Expr>,
        body: Block,
    },
    /// `function a.b.c:m(...) end`.
    Function {
        name: FunctionName,
        func: Box<FunctionBody>,
    },
    /// `local function f(...) end` (`f` is in scope inside its own body).
    LocalFunction {
        name: Name,
        func: Box<FunctionBody>,
    },
    Return {
        exprs: Vec<Expr>,
    },
    Break,
    Goto(Name),
    Label(Name),
}

/// The name in `function a.b.c:m() end`: `base` is a variable, `fields` are indexed with string
/// keys, and `method` (if any) adds an implicit `self` parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct FunctionName {
    pub base: Name,
    pub fields: Vec<Name>,
    pub method: Option<Name>,
}

/// Parameters and body of a function. `line` is the line of the `function` keyword,
/// `body.end_line` the line of its `end`.
#[derive(Debug, Clone, PartialEq)]
pub struct FunctionBody {
    pub params: Vec<Name>,
    /// True when the parameter list ends with `...`.
    pub is_vararg: bool,
    /// True for `function a:m()`: the compiler adds `self` as the first parameter.
    pub is_method: bool,
    pub body: Block,
    pub line: Line,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    /// For operators, the line of the operator token; for calls, the line of the argument
    /// list's opening token; otherwise the line of the expression's first token.
    pub line: Line,
    pub kind: ExprKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    Nil,
    True,
    False,
    Number(f64),
    String(Vec<u8>),
    /// `...`
    Vararg,
    Function(Box<FunctionBody>),
    Table(Vec<TableField>),
    Binary {
        op: BinOp,
        lhs: Box<Expr>,
        rhs: Box<Expr>,
    },
    Unary {
        op: UnOp,
        operand: Box<Expr>,
    },
    Name(Name),
    /// `object[key]`; `a.b` is an `Index` whose key is `ExprKind::String(b"b")`.
    Index {
        object: Box<Expr>,
        key: Box<Expr>,
    },
    /// `func(args)`, `func"str"`, `func{table}`.
    Call {
        func: Box<Expr>,
        args: Vec<Expr>,
    },
    /// `object:method(args)`.
    MethodCall {
        object: Box<Expr>,
        method: Name,
        args: Vec<Expr>,
    },
    /// `(expr)`: truncates a multi-valued expression to one value.
    Paren(Box<Expr>),
}

#[derive(Debug, Clone, PartialEq)]
pub enum TableField {
    /// `expr` — the next array slot.
    Positional(Expr),
    /// `name = expr`.
    Named(Name, Expr),
    /// `[key] = expr`.
    Keyed(Expr, Expr),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Pow,
    Concat,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    And,
    Or,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnOp {
    Neg,
    Not,
    Len,
}

/// Arithmetic and index chains may be arbitrarily long on the left (`1 + 1 + ...`,
/// `a.b.c ...`); dropping them recursively could exhaust the stack, so their left spines are
/// unlinked in a loop.
impl Drop for Expr {
    fn drop(&mut self) {
        let mut next = take_left_spine(&mut self.kind);
        while let Some(mut e) = next {
            next = take_left_spine(&mut e.kind);
        }
    }
}

fn take_left_spine(kind: &mut ExprKind) -> Option<Box<Expr>> {
    match kind {
        ExprKind::Binary { lhs: left, .. } | ExprKind::Index { object: left, .. } => {
            if matches!(left.kind, ExprKind::Binary { .. } | ExprKind::Index { .. }) {
                Some(std::mem::replace(
                    left,
                    Box::new(Expr {
                        line: 0,
                        kind: ExprKind::Nil,
                    }),
                ))
            } else {
                None
            }
        }
        _ => None,
    }
}
