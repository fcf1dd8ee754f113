//! Lua source → AST: the lexer and parser of the LuaJIT 2.1 dialect of Lua 5.1.
//!
//! `parse` accepts exactly what LuaJIT's `loadstring` accepts (except FFI cdata literals such
//! as `1LL`) and reports errors with LuaJIT's wording and line numbers, e.g.
//! `t.lua:4: '=' expected near 'x'`. Besides syntax, the parser performs the checks LuaJIT makes
//! while parsing: `goto`/label resolution (undefined and duplicate labels, jumps into the scope
//! of a local, `break` outside a loop), `...` outside a vararg function, and LuaJIT's parse-time
//! limits: nesting (`chunk has too many syntax levels`), 200 active locals per function, 200
//! assignment targets, 65476 variable-stack entries per chunk. Upvalue (60), register
//! (`function or expression too complex`) and constant limits are left to the compiler.
//!
//! Parsing never panics, never overflows the stack (nesting is bounded, see
//! [`MAX_SYNTAX_LEVELS`] and [`MAX_TREE_DEPTH`]) and runs in time linear in the source size.

pub mod ast;
pub mod chunk_name;
pub mod lexer;
pub mod parser;
pub mod token;

pub use chunk_name::chunk_display_name;
pub use parser::{MAX_LOCAL_VARIABLES, MAX_SYNTAX_LEVELS, MAX_TREE_DEPTH, MAX_VARIABLE_ENTRIES};

/// A syntax error, displayed as LuaJIT displays it: `chunk:line: message`
/// (for example `[string "x = = 1"]:1: unexpected symbol near '='`).
///
/// `line` is 0 only for errors about the chunk as a whole (precompiled bytecode, which this
/// runtime cannot load); those display as `chunk: message`, or as just `message` when
/// `chunk_name` is empty (LuaJIT names no chunk when bytecode follows a `#!` line or a BOM).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.render())]
pub struct SyntaxError {
    /// The chunk's display name (see [`chunk_display_name`]).
    pub chunk_name: String,
    pub line: u32,
    /// The message after `chunk:line: `, including any `near '...'` part.
    pub message: String,
}

impl SyntaxError {
    fn render(&self) -> String {
        if self.line == 0 && self.chunk_name.is_empty() {
            self.message.clone()
        } else if self.line == 0 {
            format!("{}: {}", self.chunk_name, self.message)
        } else {
            format!("{}:{}: {}", self.chunk_name, self.line, self.message)
        }
    }
}

/// An error found by the lexer or parser, before the chunk name is attached. The message is
/// kept as bytes because it may quote source text that is not UTF-8.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub line: u32,
    pub message: Vec<u8>,
    /// False when LuaJIT's message would not name the chunk.
    pub names_chunk: bool,
}

impl Diagnostic {
    /// `message near 'near'` (LuaJIT's format), or just `message` when there is no token to quote.
    /// LuaJIT formats the quoted text as a C string, so it ends at the first NUL byte.
    pub fn new(line: u32, mut message: Vec<u8>, near: Option<&[u8]>) -> Diagnostic {
        if let Some(near) = near {
            let near = match near.iter().position(|&b| b == 0) {
                Some(nul) => &near[..nul],
                None => near,
            };
            message.extend_from_slice(b" near '");
            message.extend_from_slice(near);
            message.push(b'\'');
        }
        Diagnostic {
            line,
            message,
            names_chunk: true,
        }
    }

    fn into_syntax_error(self, chunk_name: &str) -> SyntaxError {
        SyntaxError {
            chunk_name: if self.names_chunk {
                chunk_name.to_string()
            } else {
                String::new()
            },
            line: self.line,
            message: String::from_utf8_lossy(&self.message).into_owned(),
        }
    }
}

/// Parses a whole chunk. `chunk_name` is the display name used in error messages
/// (already shortened, see [`chunk_display_name`]).
pub fn parse(source: &[u8], chunk_name: &str) -> Result<ast::Chunk, SyntaxError> {
    parser::parse_chunk(source).map_err(|d| d.into_syntax_error(chunk_name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_matches_luajit() {
        let error = parse(b"x = = 1", "[string \"x = = 1\"]").unwrap_err();
        assert_eq!(
            error.to_string(),
            "[string \"x = = 1\"]:1: unexpected symbol near '='"
        );
        assert_eq!(error.line, 1);
        assert_eq!(error.message, "unexpected symbol near '='");
        let error = parse(b"x = 'a\0b\n", "t").unwrap_err();
        assert_eq!(error.to_string(), "t:1: unfinished string near ''a'");
        let error = parse(b"\x1bLJ", "(binary)").unwrap_err();
        assert_eq!(
            error.to_string(),
            "(binary): cannot load incompatible bytecode"
        );
        let error = parse(b"#!/bin/lua\n\x1bLJ", "x.lua").unwrap_err();
        assert_eq!(error.to_string(), "cannot load malformed bytecode");
    }

    #[test]
    fn parses_a_small_chunk() {
        let chunk = parse(b"local x = 1\nreturn x + 2", "t.lua").expect("parse");
        assert_eq!(chunk.body.stats.len(), 2);
        assert_eq!(chunk.body.end_line, 2);
    }
}
