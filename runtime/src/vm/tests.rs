//! Unit tests of the interpreter: each runs a snippet in a fresh VM and checks the values it
//! returns (or the error it raises).

use crate::determinism::Seed;
use crate::run::eval;
use crate::vm::{Vm, VmOptions};

fn vm() -> Vm {
    Vm::new(VmOptions {
        seed: Seed(1),
        deterministic: true,
        max_memory: 0,
    })
}

fn run(src: &str) -> Vec<String> {
    eval(&mut vm(), src).unwrap_or_else(|e| panic!("{src}: {e}"))
}

fn fails(src: &str) -> String {
    eval(&mut vm(), src).expect_err("should fail")
}

#[test]
fn arithmetic_and_coercion() {
    assert_eq!(
        run("return 1 + 2 * 3, 7 % -3, -7 % 3, 2^10, '10' + 1, 10 / 4"),
        ["7", "-2", "2", "1024", "11", "2.5"]
    );
}

#[test]
fn closures_share_upvalues() {
    let src =
        "local fs = {} for i = 1, 3 do local j = i fs[i] = function() j = j + 1 return j end end
               local a = fs[1]() local b = fs[1]() return a, b, fs[3]()";
    assert_eq!(run(src), ["2", "3", "4"]);
    let shared = "local x = 0 local function inc() x = x + 1 end local function get() return x end inc() inc() return get()";
    assert_eq!(run(shared), ["2"]);
}

#[test]
fn varargs_and_multiple_returns() {
    assert_eq!(
        run("local function f(...) return select('#', ...), ... end return f(1, nil, 3)"),
        ["3", "1", "nil", "3"]
    );
    assert_eq!(
        run("local function g() return 1, 2 end local t = {g(), g()} return #t"),
        ["3"]
    );
    assert_eq!(
        run("local function g() return 1, 2 end return (g())"),
        ["1"]
    );
}

#[test]
fn tail_calls_do_not_grow_the_stack() {
    assert_eq!(run("local function loop(n) if n == 0 then return 'done' end return loop(n - 1) end return loop(1000000)"), ["done"]);
}

#[test]
fn deep_recursion_is_a_lua_error() {
    let e = fails("local function f() return 1 + f() end return f()");
    assert!(e.ends_with("stack overflow"), "{e}");
}

#[test]
fn error_messages_name_variables() {
    assert_eq!(
        fails("local i = print return i + 1"),
        "eval:1: attempt to perform arithmetic on local 'i' (a function value)"
    );
    assert_eq!(
        fails("local t = {} return t.b.c"),
        "eval:1: attempt to index field 'b' (a nil value)"
    );
    assert_eq!(
        fails("undefined_fn()"),
        "eval:1: attempt to call global 'undefined_fn' (a nil value)"
    );
    assert_eq!(
        fails("return 1 < nil"),
        "eval:1: attempt to compare number with nil"
    );
    assert_eq!(
        fails("table.insert(nil, 1)"),
        "eval:1: bad argument #1 to 'insert' (table expected, got nil)"
    );
}

#[test]
fn pcall_and_error_levels() {
    assert_eq!(
        run("local ok, e = pcall(error, {code = 1}) return ok, e.code"),
        ["false", "1"]
    );
    assert_eq!(
        run("local ok, e = pcall(error, 'x', 0) return ok, e"),
        ["false", "x"]
    );
    assert_eq!(
        run("return select(2, pcall(function() error('x') end))"),
        ["eval:1: x"]
    );
    assert_eq!(
        run("return xpcall(function() error('x') end, function(m) return 'handled ' .. m end)"),
        ["false", "handled eval:1: x"]
    );
}

#[test]
fn coroutines_yield_across_pcall() {
    let src = "local co = coroutine.create(function(a)
                 local ok, v = pcall(function() return coroutine.yield(a + 1) end)
                 return ok, v
               end)
               local _, first = coroutine.resume(co, 1)
               local _, ok, v = coroutine.resume(co, 'back')
               return first, ok, v, coroutine.status(co)";
    assert_eq!(run(src), ["2", "true", "back", "dead"]);
}

#[test]
fn metamethods() {
    let src = "local mt = {__add = function(a, b) return 'added' end, __index = function(t, k) return k .. '!' end,
                             __call = function(self, x) return x * 2 end, __lt = function() return true end,
                             __concat = function() return 'cat' end, __len = function() return 9 end}
               local o = setmetatable({}, mt)
               return o + 1, o.key, o(21), o < o, o .. 'x'";
    assert_eq!(run(src), ["added", "key!", "42", "true", "cat"]);
}

#[test]
fn goto_and_loops() {
    assert_eq!(run("local s = 0 for i = 1, 10 do if i % 2 == 0 then goto continue end s = s + i ::continue:: end return s"), ["25"]);
    assert_eq!(
        run("local n = 0 repeat local m = n n = n + 1 until m >= 3 return n"),
        ["4"]
    );
}

#[test]
fn weak_tables_and_collection() {
    let src = "local w = setmetatable({}, {__mode = 'k'}) w[{}] = 1 local keep = {} w[keep] = 2
               collectgarbage() local n = 0 for _ in pairs(w) do n = n + 1 end return n";
    assert_eq!(run(src), ["1"]);
}

#[test]
fn iteration_order_depends_only_on_the_seed() {
    let src = "local t = {} for i = 1, 50 do t['k' .. i] = i end local o = {} for k in pairs(t) do o[#o + 1] = k end return table.concat(o, ',')";
    let a = eval(
        &mut Vm::new(VmOptions {
            seed: Seed(5),
            deterministic: true,
            max_memory: 0,
        }),
        src,
    )
    .unwrap();
    let b = eval(
        &mut Vm::new(VmOptions {
            seed: Seed(5),
            deterministic: true,
            max_memory: 0,
        }),
        src,
    )
    .unwrap();
    let c = eval(
        &mut Vm::new(VmOptions {
            seed: Seed(6),
            deterministic: true,
            max_memory: 0,
        }),
        src,
    )
    .unwrap();
    assert_eq!(a, b);
    assert_ne!(a, c);
}

#[test]
fn memory_limit_is_a_lua_error() {
    let mut vm = Vm::new(VmOptions {
        seed: Seed(1),
        deterministic: true,
        max_memory: 8 << 20,
    });
    let r = eval(&mut vm, "local t = {} for i = 1, 1e7 do t[i] = {i} end");
    assert_eq!(r.unwrap_err(), "not enough memory");
}
