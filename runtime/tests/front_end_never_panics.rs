//! Property: the lexer, parser and compiler turn any input into a chunk or a syntax error —
//! never a panic, however deep the nesting or odd the bytes.

use proptest::prelude::*;
use runtime::heap::Heap;

fn front_end(source: &[u8]) {
    let mut heap = Heap::new(1, 2);
    if let Ok(chunk) = runtime::syntax::parse(source, "fuzz") {
        let _ = runtime::compiler::compile(&chunk, "fuzz", &mut heap);
    }
}

/// Fragments that make random programs more likely to reach deep parts of the grammar.
fn lua_fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("local ".to_string()),
        Just("function ".to_string()),
        Just("end ".to_string()),
        Just("if x then ".to_string()),
        Just("for i=1,2 do ".to_string()),
        Just("for k,v in pairs(t) do ".to_string()),
        Just("while true do ".to_string()),
        Just("repeat ".to_string()),
        Just("until x ".to_string()),
        Just("return ".to_string()),
        Just("goto l ".to_string()),
        Just("::l:: ".to_string()),
        Just("break ".to_string()),
        Just("x = ".to_string()),
        Just("a.b:c(".to_string()),
        Just(")".to_string()),
        Just("{".to_string()),
        Just("}".to_string()),
        Just("[[".to_string()),
        Just("]]".to_string()),
        Just("...".to_string()),
        Just(" .. ".to_string()),
        Just(" and ".to_string()),
        Just(" or not ".to_string()),
        Just("\"s\\".to_string()),
        Just("0x1p4".to_string()),
        Just("1e309".to_string()),
        "[a-z]{1,3}".prop_map(|s| format!("{s} ")),
        "[-+*/%^#=<>~(),;:.]{1,2}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        front_end(&bytes);
    }

    #[test]
    fn lua_like_text(parts in proptest::collection::vec(lua_fragment(), 0..80)) {
        front_end(parts.concat().as_bytes());
    }
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    for (open, close) in [("(", ")"), ("{", "}"), ("do ", " end"), ("-", "")] {
        let src = format!("x = {}1{}", open.repeat(100_000), close.repeat(100_000));
        front_end(src.as_bytes());
    }
}
