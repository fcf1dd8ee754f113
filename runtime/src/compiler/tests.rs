//! Unit tests of the code generator: the shapes the interpreter and the JIT rely on.

use crate::bytecode::{Op, Proto};
use crate::heap::Heap;
use std::rc::Rc;

fn compile(src: &str) -> Rc<Proto> {
    let mut heap = Heap::new(1, 2);
    let chunk = crate::syntax::parse(src.as_bytes(), "test").expect("parses");
    super::compile(&chunk, "test", &mut heap).expect("compiles")
}

/// The error of parsing-and-compiling `src` (some checks happen in the parser, as in LuaJIT).
fn compile_error(src: &str) -> String {
    let mut heap = Heap::new(1, 2);
    match crate::syntax::parse(src.as_bytes(), "test") {
        Err(e) => e.to_string(),
        Ok(chunk) => super::compile(&chunk, "test", &mut heap)
            .expect_err("must not compile")
            .to_string(),
    }
}

#[test]
fn numeric_literals_fold() {
    let p = compile("local x = 2 * 3 + 1");
    assert!(matches!(p.code[0], Op::LoadK { a: 0, .. }));
    assert_eq!(p.constants.len(), 1);
    assert_eq!(p.constants[0].as_number(), Some(7.0));
}

#[test]
fn assignment_to_a_local_needs_one_instruction() {
    let p = compile("local a, b = 1, 2; a = b + 1");
    let adds: Vec<_> = p
        .code
        .iter()
        .filter(|op| matches!(op, Op::Add { a: 0, b: 1, .. }))
        .collect();
    assert_eq!(adds.len(), 1, "{:?}", p.code);
}

#[test]
fn loops_are_explicit() {
    let p = compile("for i = 1, 10 do end for k, v in pairs({}) do end while true do end");
    assert!(p.code.iter().any(|op| matches!(op, Op::ForPrep { .. })));
    assert!(p.code.iter().any(|op| matches!(op, Op::ForLoop { .. })));
    assert!(p.code.iter().any(|op| matches!(op, Op::TForCall { .. })));
    assert!(p.code.iter().any(|op| matches!(op, Op::TForLoop { .. })));
    assert!(p.code.iter().any(|op| matches!(op, Op::Loop)));
}

#[test]
fn locals_have_names_and_ranges() {
    let p = compile("local alpha = 1\nlocal beta = alpha\nprint(beta)");
    assert_eq!(p.local_name(0, 1), Some(&b"alpha"[..]));
    assert_eq!(p.local_name(1, 3), Some(&b"beta"[..]));
    assert_eq!(p.lines.len(), p.code.len());
}

#[test]
fn return_of_a_call_is_a_tail_call() {
    let p = compile("local function f() return f() end");
    let inner = &p.protos[0];
    assert!(inner
        .code
        .iter()
        .any(|op| matches!(op, Op::TailCall { .. })));
}

#[test]
fn closures_capture_enclosing_locals() {
    let p = compile("local x = 1 local function f() return x end");
    let inner = &p.protos[0];
    assert_eq!(inner.upvalues.len(), 1);
    assert!(inner.upvalues[0].in_stack);
    assert_eq!(inner.upvalues[0].name, b"x");
}

#[test]
fn goto_errors() {
    assert!(compile_error("goto nowhere").contains("'nowhere'"));
    let e = compile_error("do goto l; local x = 1; ::l:: print(x) end");
    assert!(e.contains("jumps into the scope of local 'x'"), "{e}");
}

#[test]
fn too_many_locals() {
    let src: String = (0..201).map(|i| format!("local v{i} = {i}\n")).collect();
    assert!(compile_error(&src).contains("more than 200 local variables"));
}

#[test]
fn backward_goto_is_a_marked_loop() {
    // `Loop` sits right before the backward jump, as LuaJIT's BC_LOOP before the JMP.
    let p = compile("local i = 0 ::top:: i = i + 1 if i < 3 then goto top end return i");
    let back = p
        .code
        .iter()
        .position(|op| matches!(op, Op::Jmp { offset, .. } if *offset < 0))
        .expect("a backward jump");
    assert!(matches!(p.code[back - 1], Op::Loop), "{:?}", p.code);
    assert_eq!(p.code.iter().filter(|op| matches!(op, Op::Loop)).count(), 1);
    // The jump still closes the upvalues of locals declared after the label.
    let p = compile("::again:: local x = 1 local f = function() return x end goto again");
    let back = p
        .code
        .iter()
        .position(|op| matches!(op, Op::Jmp { offset, .. } if *offset < 0))
        .expect("a backward jump");
    assert!(matches!(p.code[back - 1], Op::Loop), "{:?}", p.code);
    assert!(
        matches!(p.code[back], Op::Jmp { close: 1, .. }),
        "{:?}",
        p.code
    );
}

#[test]
fn forward_goto_is_no_loop() {
    let p = compile("for i = 1, 3 do if i == 2 then goto continue end ::continue:: end");
    assert!(
        !p.code.iter().any(|op| matches!(op, Op::Loop)),
        "{:?}",
        p.code
    );
    let p = compile("do goto skip end ::skip:: return 1");
    assert!(
        !p.code.iter().any(|op| matches!(op, Op::Loop)),
        "{:?}",
        p.code
    );
}
