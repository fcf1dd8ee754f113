//! Generated loop programs, JIT against interpreter: numeric for loops nested one to three
//! deep over local numbers, arithmetic with constants and locals, comparisons with if/else,
//! table reads and writes with integer keys (in and out of bounds), an open and a closed
//! upvalue behind closures called in the loop, and now and then a local that changes type
//! mid-loop (to a numeric string, or to nil, a boolean or a table, which ends the program with
//! an error). `runtime -Ohotloop=1 -Ohotexit=1 --deterministic --seed 1` must print exactly
//! what `runtime -joff --deterministic --seed 1` prints, on stdout and stderr, and exit alike.
//!
//! `cargo build -p runtime --bin runtime && cargo test -p conformance --test jit_proptest`
//! (`PROPTEST_CASES=1000` for a longer hunt).

use conformance::corpus::{as_strs, command_lines, difference, run, HOT};
use proptest::prelude::*;
use std::fmt::Write as _;

const LOCALS: usize = 4;
const CONSTANTS: &[&str] = &[
    "0", "1", "2", "3", "-1", "7", "10", "100", "0.5", "-2.5", "0.1", "3.25", "1e3", "-0",
];
const ARITH: &[&str] = &["+", "-", "*", "/", "%", "^"];
const COMPARE: &[&str] = &["<", "<=", ">", ">=", "==", "~="];

#[derive(Debug, Clone)]
enum Expr {
    Const(&'static str),
    Local(usize),
    /// An enclosing loop's variable, counted outwards from the innermost (clamped).
    LoopVar(usize),
    Arith(Box<Expr>, &'static str, Box<Expr>),
    Neg(Box<Expr>),
    Read(Index),
    /// `f(e)` (open upvalue) or `g(e)` (closed upvalue).
    Call(bool, Box<Expr>),
    Up,
    Floor(Box<Expr>),
    Len,
}

/// Integer table keys: a loop variable, a loop variable folded into 1..=10, or a constant
/// from -2 to 14 (zero, negative and beyond the array part included).
#[derive(Debug, Clone)]
enum Index {
    LoopVar(usize),
    Folded(usize, i32),
    Const(i32),
}

#[derive(Debug, Clone)]
enum Stmt {
    Assign(usize, Expr),
    If(Expr, &'static str, Expr, Vec<Stmt>, Vec<Stmt>),
    Write(Index, Expr),
    SetUp(Expr),
    /// `if <loop var> == n then a<k> = <value> end`.
    Retype(usize, i32, &'static str),
    Print(usize),
    Loop(Box<Loop>),
}

#[derive(Debug, Clone)]
struct Loop {
    start: i32,
    count: i32,
    step: i32,
    body: Vec<Stmt>,
}

#[derive(Debug, Clone)]
struct Program {
    init: Vec<&'static str>,
    up: &'static str,
    outer: Loop,
}

fn expr() -> impl Strategy<Value = Expr> {
    let leaf = prop_oneof![
        3 => prop::sample::select(CONSTANTS).prop_map(Expr::Const),
        4 => (0..LOCALS).prop_map(Expr::Local),
        3 => (0usize..3).prop_map(Expr::LoopVar),
        1 => index().prop_map(Expr::Read),
        1 => Just(Expr::Up),
        1 => Just(Expr::Len),
    ];
    leaf.prop_recursive(3, 12, 2, |inner| {
        prop_oneof![
            4 => (inner.clone(), prop::sample::select(ARITH), inner.clone())
                .prop_map(|(a, op, b)| Expr::Arith(Box::new(a), op, Box::new(b))),
            1 => inner.clone().prop_map(|e| Expr::Neg(Box::new(e))),
            1 => (any::<bool>(), inner.clone()).prop_map(|(open, e)| Expr::Call(open, Box::new(e))),
            1 => inner.prop_map(|e| Expr::Floor(Box::new(e))),
        ]
    })
}

fn index() -> impl Strategy<Value = Index> {
    prop_oneof![
        (0usize..3).prop_map(Index::LoopVar),
        ((0usize..3), 1i32..8).prop_map(|(k, m)| Index::Folded(k, m)),
        (-2i32..15).prop_map(Index::Const),
    ]
}

fn simple_stmt() -> impl Strategy<Value = Stmt> {
    let plain = prop_oneof![
        6 => ((0..LOCALS), expr()).prop_map(|(k, e)| Stmt::Assign(k, e)),
        3 => (index(), expr()).prop_map(|(i, e)| Stmt::Write(i, e)),
        1 => expr().prop_map(Stmt::SetUp),
        1 => (
            (0..LOCALS),
            1i32..12,
            prop::sample::select(&["\"7\"", "\"-2.5\"", "\"0x10\"", "nil", "true", "{}"][..])
        )
            .prop_map(|(k, n, v)| Stmt::Retype(k, n, v)),
        1 => (0..LOCALS).prop_map(Stmt::Print),
    ];
    plain.prop_recursive(2, 8, 3, |inner| {
        (
            expr(),
            prop::sample::select(COMPARE),
            expr(),
            prop::collection::vec(inner.clone(), 1..3),
            prop::collection::vec(inner, 0..3),
        )
            .prop_map(|(a, op, b, then, els)| Stmt::If(a, op, b, then, els))
    })
}

fn loop_of(depth: u32) -> BoxedStrategy<Loop> {
    let body = prop::collection::vec(simple_stmt(), 1..5);
    let nested = if depth > 1 {
        prop::option::weighted(0.6, loop_of(depth - 1)).boxed()
    } else {
        Just(None).boxed()
    };
    (
        -3i32..4,
        1i32..16,
        prop::sample::select(&[1, 1, 2, 3, -1, -2][..]),
        body,
        nested,
        any::<prop::sample::Index>(),
    )
        .prop_map(|(start, count, step, mut body, nested, at)| {
            if let Some(l) = nested {
                let at = at.index(body.len() + 1);
                body.insert(at, Stmt::Loop(Box::new(l)));
            }
            Loop {
                start,
                count,
                step,
                body,
            }
        })
        .boxed()
}

fn program() -> impl Strategy<Value = Program> {
    (
        prop::collection::vec(prop::sample::select(CONSTANTS), LOCALS),
        prop::sample::select(CONSTANTS),
        (1u32..4).prop_flat_map(loop_of),
    )
        .prop_map(|(init, up, outer)| Program { init, up, outer })
}

struct Render {
    out: String,
    /// Depth of the loop being rendered (1 = outermost).
    depth: usize,
}

impl Render {
    fn loop_var(&self, k: usize) -> String {
        format!("i{}", self.depth - 1 - k.min(self.depth - 1))
    }

    fn index(&self, i: &Index) -> String {
        match i {
            Index::LoopVar(k) => self.loop_var(*k),
            Index::Folded(k, m) => format!("({} * {m}) % 10 + 1", self.loop_var(*k)),
            Index::Const(c) => c.to_string(),
        }
    }

    fn expr(&self, e: &Expr) -> String {
        match e {
            Expr::Const(c) => format!("({c})"),
            Expr::Local(k) => format!("a{k}"),
            Expr::LoopVar(k) => self.loop_var(*k),
            Expr::Arith(a, op, b) => format!("({} {op} {})", self.expr(a), self.expr(b)),
            Expr::Neg(a) => format!("(-{})", self.expr(a)),
            Expr::Read(i) => format!("(t[{}] or 0)", self.index(i)),
            Expr::Call(true, a) => format!("f({})", self.expr(a)),
            Expr::Call(false, a) => format!("g({})", self.expr(a)),
            Expr::Up => "up".into(),
            Expr::Floor(a) => format!("math.floor({})", self.expr(a)),
            Expr::Len => "#t".into(),
        }
    }

    fn line(&mut self, indent: usize, text: &str) {
        let _ = writeln!(self.out, "{}{text}", "  ".repeat(indent));
    }

    fn stmts(&mut self, body: &[Stmt], indent: usize) {
        for s in body {
            match s {
                Stmt::Assign(k, e) => {
                    let t = format!("a{k} = {}", self.expr(e));
                    self.line(indent, &t);
                }
                Stmt::Write(i, e) => {
                    let t = format!("t[{}] = {}", self.index(i), self.expr(e));
                    self.line(indent, &t);
                }
                Stmt::SetUp(e) => {
                    let t = format!("up = {}", self.expr(e));
                    self.line(indent, &t);
                }
                Stmt::Retype(k, n, v) => {
                    let t = format!("if {} == {n} then a{k} = {v} end", self.loop_var(0));
                    self.line(indent, &t);
                }
                Stmt::Print(k) => {
                    let t = format!("print(\"at\", {}, a{k})", self.loop_var(0));
                    self.line(indent, &t);
                }
                Stmt::If(a, op, b, then, els) => {
                    let t = format!("if {} {op} {} then", self.expr(a), self.expr(b));
                    self.line(indent, &t);
                    self.stmts(then, indent + 1);
                    if !els.is_empty() {
                        self.line(indent, "else");
                        self.stmts(els, indent + 1);
                    }
                    self.line(indent, "end");
                }
                Stmt::Loop(l) => self.for_loop(l, indent),
            }
        }
    }

    fn for_loop(&mut self, l: &Loop, indent: usize) {
        let stop = l.start + (l.count - 1) * l.step;
        let t = format!("for i{} = {}, {stop}, {} do", self.depth, l.start, l.step);
        self.line(indent, &t);
        self.depth += 1;
        self.stmts(&l.body, indent + 1);
        self.depth -= 1;
        self.line(indent, "end");
    }
}

fn render(p: &Program) -> String {
    let mut r = Render {
        out: String::new(),
        depth: 0,
    };
    let names: Vec<String> = (0..LOCALS).map(|k| format!("a{k}")).collect();
    r.line(
        0,
        &format!("local {} = {}", names.join(", "), p.init.join(", ")),
    );
    r.line(0, "local t = {1, 2, 3, 4, 5}");
    r.line(0, &format!("local up = {}", p.up));
    r.line(0, "local function f(x) up = up + x; return up % 1000 end");
    r.line(0, "local g = (function()");
    r.line(0, "  local u = 0");
    r.line(0, "  return function(x) u = u * 0.5 + x; return u end");
    r.line(0, "end)()");
    // Loop variables are numbered by depth: i0 for the outermost loop.
    r.for_loop(&p.outer, 0);
    r.line(0, &format!("print({}, up, g(0), #t)", names.join(", ")));
    r.line(0, "local keys = {}");
    r.line(0, "for k = -2, 16 do keys[#keys + 1] = tostring(t[k]) end");
    r.line(0, "print(table.concat(keys, \" \"))");
    r.out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn jit_runs_loop_programs_like_the_interpreter(p in program()) {
        let source = render(&p);
        let dir = tempfile::tempdir().expect("temporary folder");
        let script = dir.path().join("loops.lua");
        std::fs::write(&script, &source).expect("write the program");
        let (interp_flags, jit_flags) = command_lines(HOT, 1);
        let interp = run(&script, &as_strs(&interp_flags)).expect("runtime runs");
        let jit = run(&script, &as_strs(&jit_flags)).expect("runtime runs");
        prop_assert!(
            interp == jit,
            "the JIT and the interpreter disagree on\n{}\n{}",
            source,
            difference("interpreter", &interp, "JIT", &jit)
        );
    }
}

/// The generator's programs are valid Lua that mostly runs to the end: a sample of them is
/// checked with the interpreter alone.
#[test]
fn generated_programs_mostly_run_to_completion() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::{Config, TestRunner};
    let mut runner = TestRunner::new(Config::default());
    let dir = tempfile::tempdir().expect("temporary folder");
    let script = dir.path().join("loops.lua");
    let mut completed = 0;
    let total = 16;
    for _ in 0..total {
        let p = program()
            .new_tree(&mut runner)
            .expect("a program")
            .current();
        let source = render(&p);
        std::fs::write(&script, &source).expect("write the program");
        let out = run(&script, &["-joff", "--deterministic", "--seed", "1"]).expect("runs");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            !stderr.contains("syntax error") && !stderr.contains("unexpected symbol"),
            "the generator wrote invalid Lua:\n{source}\n{stderr}"
        );
        if out.status == 0 {
            completed += 1;
        }
    }
    assert!(
        completed * 2 >= total,
        "only {completed} of {total} generated programs ran to completion"
    );
}
