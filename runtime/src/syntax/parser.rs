//! The parser: builds the AST from tokens, following the structure of LuaJIT 2.1's
//! `lj_parse.c` so that errors come out with the same text, at the same line, in the same order.
//!
//! Besides the grammar it makes the checks LuaJIT makes while parsing:
//! - `goto` and labels, per function, with LuaJIT's block rules: `undefined label 'x'`,
//!   `duplicate label 'x'` (in the same block),
//!   `<goto x> jumps into the scope of local 'y'`, and `no loop to break`;
//! - `cannot use '...' outside a vararg function`;
//! - at most [`MAX_LOCAL_VARIABLES`] active locals per function (for-loop control slots
//!   included, as in LuaJIT), and [`MAX_SYNTAX_LEVELS`] nested syntax levels.
//!
//! It never resolves names: whether a name is local, upvalue or global is the compiler's job.
//! Recursion depth is bounded by the syntax-level limit, and the depth of the tree it returns
//! by [`MAX_TREE_DEPTH`], so that neither parsing nor a recursive walk of the tree can
//! overflow the stack.

use super::ast::*;
use super::lexer::Lexer;
use super::token::{expected_spelling, Token};
use super::Diagnostic;

/// LuaJIT's `LJ_MAX_XLEVEL`: nesting of blocks and (sub)expressions beyond this is an error.
pub const MAX_SYNTAX_LEVELS: u32 = 200;

/// LuaJIT's `LJ_MAX_LOCVAR`: active local variables per function.
pub const MAX_LOCAL_VARIABLES: usize = 200;

/// LuaJIT's `LJ_MAX_VSTACK`: local variable declarations, gotos and labels recorded in the
/// functions being parsed (a function's entries are released when it ends).
pub const MAX_VARIABLE_ENTRIES: usize = 65536 - 60;

/// The deepest tree `parse` returns, counting every `Expr`, `Stat`, `Block` and
/// `FunctionBody` on a path from the root. LuaJIT's syntax levels alone allow about 400;
/// the rest is room for long left-associative chains such as `a + b + c ...` or `a.b.c ...`,
/// which LuaJIT parses in a loop but which become deep trees here.
pub const MAX_TREE_DEPTH: u32 = 1000;

/// Priority of unary operators (binds tighter than everything except `^`).
const UNARY_PRIORITY: u8 = 8;

type ParseResult<T> = Result<T, Diagnostic>;

/// Parses a whole chunk (see [`super::parse`]).
pub fn parse_chunk(source: &[u8]) -> ParseResult<Chunk> {
    let lexer = Lexer::new(source)?;
    let mut parser = Parser {
        lexer,
        token: Token::Eof,
        lookahead: None,
        last_line: 1,
        level: 0,
        variable_entries: 0,
        functions: vec![FunctionState::new(0, true)],
    };
    parser.open_scope(false);
    parser.next()?;
    let (stats, _) = parser.statements()?;
    if parser.token != Token::Eof {
        return Err(parser.error_expected(&Token::Eof));
    }
    let end_line = parser.line();
    parser.close_scope()?;
    Ok(Chunk { body: Block { stats, end_line } })
}

/// What a `goto` targets or a label is named: `break` is a goto to its loop's end.
#[derive(Debug, Clone, PartialEq)]
enum JumpTarget {
    Break,
    Named(Name),
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum JumpKind {
    Goto,
    Label,
}

/// A pending goto or a visible label (LuaJIT keeps both on its "vstack").
#[derive(Debug)]
struct Jump {
    target: JumpTarget,
    kind: JumpKind,
    /// Number of active locals at the goto/label (lowered as a goto leaves blocks).
    slot: usize,
    /// The line reported for errors about this goto.
    line: Line,
    /// False once a goto is resolved or a label goes out of scope.
    live: bool,
}

/// A block scope of the function being parsed.
#[derive(Debug)]
struct Scope {
    /// Active locals when the scope began.
    active_at_start: usize,
    /// Index of the first goto/label recorded in this scope.
    jumps_start: usize,
    is_loop: bool,
    has_break: bool,
    has_goto_or_label: bool,
}

/// Per-function parsing state.
#[derive(Debug)]
struct FunctionState {
    /// Line of definition; 0 for the main chunk (as in LuaJIT's limit messages).
    line_defined: Line,
    is_vararg: bool,
    /// Names of the active locals, including LuaJIT's hidden for-loop control slots.
    active: Vec<Name>,
    scopes: Vec<Scope>,
    jumps: Vec<Jump>,
}

impl FunctionState {
    fn new(line_defined: Line, is_vararg: bool) -> FunctionState {
        FunctionState { line_defined, is_vararg, active: Vec::new(), scopes: Vec::new(), jumps: Vec::new() }
    }
}

/// An expression with the depth of its tree.
type Node = (Expr, u32);

struct Parser<'a> {
    lexer: Lexer<'a>,
    /// The current token.
    token: Token,
    /// A token scanned ahead (only by table constructors and `goto`).
    lookahead: Option<Token>,
    /// The line where the previous token ended.
    last_line: Line,
    /// Current syntax nesting level.
    level: u32,
    /// Entries on LuaJIT's variable stack (see [`MAX_VARIABLE_ENTRIES`]).
    variable_entries: usize,
    functions: Vec<FunctionState>,
}

impl<'a> Parser<'a> {
    // ---- Tokens ----------------------------------------------------------------------------

    /// The line the lexer has reached: LuaJIT's `linenumber`, used for errors and node lines.
    fn line(&self) -> Line {
        self.lexer.line
    }

    fn next(&mut self) -> ParseResult<()> {
        self.last_line = self.lexer.line;
        self.token = match self.lookahead.take() {
            Some(token) => token,
            None => self.lexer.next_token()?,
        };
        Ok(())
    }

    /// Scans the token after the current one without consuming the current one.
    fn peek(&mut self) -> ParseResult<&Token> {
        if self.lookahead.is_none() {
            let token = self.lexer.next_token()?;
            self.lookahead = Some(token);
        }
        Ok(self.lookahead.as_ref().unwrap_or(&Token::Eof))
    }

    fn is_char(&self, c: u8) -> bool {
        self.token == Token::Char(c)
    }

    fn is_name(&self) -> bool {
        // Outside Lua 5.2 compatibility mode LuaJIT lets `goto` be used as a name.
        matches!(self.token, Token::Name(_) | Token::Goto)
    }

    fn accept(&mut self, token: &Token) -> ParseResult<bool> {
        if self.token == *token {
            self.next()?;
            Ok(true)
        } else {
            Ok(false)
        }
    }

    fn accept_char(&mut self, c: u8) -> ParseResult<bool> {
        self.accept(&Token::Char(c))
    }

    fn expect(&mut self, token: &Token) -> ParseResult<()> {
        if self.token != *token {
            return Err(self.error_expected(token));
        }
        self.next()
    }

    fn expect_char(&mut self, c: u8) -> ParseResult<()> {
        self.expect(&Token::Char(c))
    }

    /// Expects the token closing `opener` (which was at `line`).
    fn expect_closing(&mut self, closer: &Token, opener: &Token, line: Line) -> ParseResult<()> {
        if self.accept(closer)? {
            return Ok(());
        }
        if line == self.line() {
            return Err(self.error_expected(closer));
        }
        let mut message = b"'".to_vec();
        message.extend(expected_spelling(closer));
        message.extend_from_slice(b"' expected (to close '");
        message.extend(expected_spelling(opener));
        message.extend_from_slice(format!("' at line {line})").as_bytes());
        Err(self.error_near_token(message))
    }

    /// A name (or `goto` used as a name).
    fn name(&mut self) -> ParseResult<Name> {
        let name = match &mut self.token {
            Token::Name(name) => std::mem::take(name),
            Token::Goto => b"goto".to_vec(),
            _ => return Err(self.error_expected(&Token::Name(Vec::new()))),
        };
        self.next()?;
        Ok(name)
    }

    fn block_follows(&self) -> bool {
        matches!(self.token, Token::Else | Token::Elseif | Token::End | Token::Until | Token::Eof)
    }

    // ---- Errors ----------------------------------------------------------------------------

    fn error_near_token(&self, message: Vec<u8>) -> Diagnostic {
        Diagnostic::new(self.line(), message, self.token.near_text().as_deref())
    }

    fn error_syntax(&self, message: &str) -> Diagnostic {
        self.error_near_token(message.as_bytes().to_vec())
    }

    fn error_expected(&self, token: &Token) -> Diagnostic {
        let mut message = b"'".to_vec();
        message.extend(expected_spelling(token));
        message.extend_from_slice(b"' expected");
        self.error_near_token(message)
    }

    fn error_at(line: Line, message: Vec<u8>) -> Diagnostic {
        Diagnostic::new(line, message, None)
    }

    fn error_limit(&self, limit: usize, what: &str) -> Diagnostic {
        let message = match self.function().line_defined {
            0 => format!("main function has more than {limit} {what}"),
            line => format!("function at line {line} has more than {limit} {what}"),
        };
        Self::error_at(self.line(), message.into_bytes())
    }

    fn error_levels(&self) -> Diagnostic {
        Self::error_at(self.line(), b"chunk has too many syntax levels".to_vec())
    }

    // ---- Nesting limits --------------------------------------------------------------------

    fn enter_level(&mut self) -> ParseResult<()> {
        self.level += 1;
        if self.level >= MAX_SYNTAX_LEVELS {
            return Err(self.error_levels());
        }
        Ok(())
    }

    fn leave_level(&mut self) {
        self.level -= 1;
    }

    /// The depth of a node whose deepest child has depth `child`.
    fn deeper(&self, child: u32) -> ParseResult<u32> {
        if child >= MAX_TREE_DEPTH {
            return Err(self.error_levels());
        }
        Ok(child + 1)
    }

    // ---- Functions, scopes, locals, gotos --------------------------------------------------

    fn function(&self) -> &FunctionState {
        self.functions.last().expect("a function is always being parsed")
    }

    fn function_mut(&mut self) -> &mut FunctionState {
        self.functions.last_mut().expect("a function is always being parsed")
    }

    /// LuaJIT's `var_new` limit checks for the `index`-th local of a declaration.
    fn declare_local(&mut self, index: usize) -> ParseResult<()> {
        if self.function().active.len() + index >= MAX_LOCAL_VARIABLES {
            return Err(self.error_limit(MAX_LOCAL_VARIABLES, "local variables"));
        }
        self.push_variable_entry()
    }

    /// Takes a slot on LuaJIT's variable stack (for a local, goto or label).
    fn push_variable_entry(&mut self) -> ParseResult<()> {
        self.check_variable_entry()?;
        self.variable_entries += 1;
        Ok(())
    }

    fn check_variable_entry(&self) -> ParseResult<()> {
        if self.variable_entries >= MAX_VARIABLE_ENTRIES {
            let message = format!("chunk has more than {MAX_VARIABLE_ENTRIES} local variables");
            return Err(Self::error_at(self.line(), message.into_bytes()));
        }
        Ok(())
    }

    fn activate_locals(&mut self, names: impl IntoIterator<Item = Name>) {
        self.function_mut().active.extend(names);
    }

    fn activate_hidden_locals(&mut self, names: [&str; 3]) {
        self.activate_locals(names.map(|n| n.as_bytes().to_vec()));
    }

    fn open_scope(&mut self, is_loop: bool) {
        let function = self.function_mut();
        let scope = Scope {
            active_at_start: function.active.len(),
            jumps_start: function.jumps.len(),
            is_loop,
            has_break: false,
            has_goto_or_label: false,
        };
        function.scopes.push(scope);
    }

    /// Ends the innermost scope: resolves `break`s of a loop, retires its labels and passes
    /// unresolved gotos to the enclosing scope (or reports them at function level).
    fn close_scope(&mut self) -> ParseResult<()> {
        let loop_break = self.function().scopes.last().is_some_and(|s| s.is_loop && s.has_break);
        if loop_break {
            // LuaJIT briefly pushes a label for the loop's end.
            self.check_variable_entry()?;
        }
        let function = self.function_mut();
        let scope = function.scopes.pop().expect("scope stack is balanced");
        function.active.truncate(scope.active_at_start);
        if scope.has_break {
            if scope.is_loop {
                let label = Jump {
                    target: JumpTarget::Break,
                    kind: JumpKind::Label,
                    slot: function.active.len(),
                    line: 0,
                    live: true,
                };
                Self::resolve_gotos(function, scope.jumps_start, &label)?;
            } else {
                return Self::settle_scope(function, &scope);
            }
        }
        if scope.has_goto_or_label {
            Self::settle_scope(function, &scope)?;
        }
        Ok(())
    }

    /// LuaJIT's `gola_fixup`.
    fn settle_scope(function: &mut FunctionState, scope: &Scope) -> ParseResult<()> {
        let jumps = &mut function.jumps;
        for i in scope.jumps_start..jumps.len() {
            if !jumps[i].live {
                continue;
            }
            match jumps[i].kind {
                JumpKind::Label => {
                    jumps[i].live = false;
                    // Resolve backward gotos to this label.
                    let (head, tail) = jumps.split_at_mut(i + 1);
                    let label = &head[i];
                    for goto in tail.iter_mut() {
                        if goto.live && goto.kind == JumpKind::Goto && goto.target == label.target {
                            goto.live = false;
                        }
                    }
                }
                JumpKind::Goto => match function.scopes.last_mut() {
                    Some(outer) => {
                        if jumps[i].target == JumpTarget::Break {
                            outer.has_break = true;
                        } else {
                            outer.has_goto_or_label = true;
                        }
                        jumps[i].slot = scope.active_at_start;
                    }
                    None => {
                        let message = match &jumps[i].target {
                            JumpTarget::Break => b"no loop to break".to_vec(),
                            JumpTarget::Named(name) => {
                                [b"undefined label '".as_slice(), name, b"'"].concat()
                            }
                        };
                        return Err(Self::error_at(jumps[i].line, message));
                    }
                },
            }
        }
        Ok(())
    }

    /// LuaJIT's `gola_resolve`: binds the pending gotos recorded since `from` to `label`.
    fn resolve_gotos(function: &mut FunctionState, from: usize, label: &Jump) -> ParseResult<()> {
        let end = function.jumps.len();
        for i in from..end {
            let goto = &function.jumps[i];
            if !(goto.live && goto.kind == JumpKind::Goto && goto.target == label.target) {
                continue;
            }
            if goto.slot < label.slot {
                let local = &function.active[goto.slot];
                let name = match &goto.target {
                    JumpTarget::Named(name) => name.as_slice(),
                    JumpTarget::Break => b"break",
                };
                let message =
                    [b"<goto ".as_slice(), name, b"> jumps into the scope of local '", local, b"'"].concat();
                return Err(Self::error_at(goto.line, message));
            }
            function.jumps[i].live = false;
        }
        Ok(())
    }

    fn record_goto(&mut self, target: JumpTarget) -> ParseResult<()> {
        self.push_variable_entry()?;
        let line = self.last_line;
        let function = self.function_mut();
        let slot = function.active.len();
        let scope = function.scopes.last_mut().expect("inside a scope");
        if target == JumpTarget::Break {
            scope.has_break = true;
        } else {
            scope.has_goto_or_label = true;
        }
        function.jumps.push(Jump { target, kind: JumpKind::Goto, slot, line, live: true });
        Ok(())
    }

    // ---- Statements ------------------------------------------------------------------------

    /// A statement list up to the end of its block (LuaJIT's `parse_chunk`).
    fn statements(&mut self) -> ParseResult<(Vec<Stat>, u32)> {
        self.enter_level()?;
        let mut stats = Vec::new();
        let mut depth = 0;
        let mut is_last = false;
        while !is_last && !self.block_follows() {
            let (last, d) = self.statement(&mut stats)?;
            is_last = last;
            depth = depth.max(d);
            self.accept_char(b';')?;
        }
        self.leave_level();
        Ok((stats, depth))
    }

    /// A block in its own scope.
    fn block(&mut self) -> ParseResult<(Block, u32)> {
        self.open_scope(false);
        let (stats, depth) = self.statements()?;
        let end_line = self.line();
        self.close_scope()?;
        Ok((Block { stats, end_line }, self.deeper(depth)?))
    }

    /// Parses one statement (several for consecutive labels) into `out`. Returns whether it
    /// must be the last of its block (`return`, `break`) and its depth.
    fn statement(&mut self, out: &mut Vec<Stat>) -> ParseResult<(bool, u32)> {
        let line = self.line();
        let goto_statement = self.token == Token::Goto && matches!(self.peek()?, Token::Name(_));
        let (kind, depth, is_last) = match self.token {
            Token::If => {
                let (kind, d) = self.if_statement(line)?;
                (kind, d, false)
            }
            Token::While => {
                let (kind, d) = self.while_statement(line)?;
                (kind, d, false)
            }
            Token::Do => {
                self.next()?;
                let (body, d) = self.block()?;
                self.expect_closing(&Token::End, &Token::Do, line)?;
                (StatKind::Do(body), d, false)
            }
            Token::For => {
                let (kind, d) = self.for_statement(line)?;
                (kind, d, false)
            }
            Token::Repeat => {
                let (kind, d) = self.repeat_statement(line)?;
                (kind, d, false)
            }
            Token::Function => {
                let (kind, d) = self.function_statement(line)?;
                (kind, d, false)
            }
            Token::Local => {
                self.next()?;
                let (kind, d) = self.local_statement()?;
                (kind, d, false)
            }
            Token::Return => {
                let (kind, d) = self.return_statement()?;
                (kind, d, true)
            }
            Token::Break => {
                self.next()?;
                self.record_goto(JumpTarget::Break)?;
                (StatKind::Break, 0, true)
            }
            Token::Label => {
                let depth = self.label_statement(out)?;
                return Ok((false, depth));
            }
            Token::Goto if goto_statement => {
                self.next()?;
                let name = self.name()?;
                self.record_goto(JumpTarget::Named(name.clone()))?;
                (StatKind::Goto(name), 0, false)
            }
            _ => {
                let (kind, d) = self.call_or_assignment()?;
                (kind, d, false)
            }
        };
        out.push(Stat { line, kind });
        Ok((is_last, self.deeper(depth)?))
    }

    fn if_statement(&mut self, line: Line) -> ParseResult<(StatKind, u32)> {
        let mut arms = Vec::new();
        let mut depth = 0;
        loop {
            self.next()?; // 'if' or 'elseif'
            let (cond, d1) = self.expression()?;
            self.expect(&Token::Then)?;
            let (block, d2) = self.block()?;
            depth = depth.max(d1).max(d2);
            arms.push((cond, block));
            if self.token != Token::Elseif {
                break;
            }
        }
        let else_block = if self.token == Token::Else {
            self.next()?;
            let (block, d) = self.block()?;
            depth = depth.max(d);
            Some(block)
        } else {
            None
        };
        self.expect_closing(&Token::End, &Token::If, line)?;
        Ok((StatKind::If { arms, else_block }, depth))
    }

    fn while_statement(&mut self, line: Line) -> ParseResult<(StatKind, u32)> {
        self.next()?;
        let (cond, d1) = self.expression()?;
        self.open_scope(true);
        self.expect(&Token::Do)?;
        let (body, d2) = self.block()?;
        self.expect_closing(&Token::End, &Token::While, line)?;
        self.close_scope()?;
        Ok((StatKind::While { cond, body }, d1.max(d2)))
    }

    fn repeat_statement(&mut self, line: Line) -> ParseResult<(StatKind, u32)> {
        self.open_scope(true);
        self.open_scope(false);
        self.next()?;
        let (stats, d1) = self.statements()?;
        let end_line = self.line();
        self.expect_closing(&Token::Until, &Token::Repeat, line)?;
        // The condition sees the body's locals.
        let (cond, d2) = self.expression()?;
        self.close_scope()?;
        self.close_scope()?;
        let body = Block { stats, end_line };
        Ok((StatKind::Repeat { body, cond }, self.deeper(d1)?.max(d2)))
    }

    fn for_statement(&mut self, line: Line) -> ParseResult<(StatKind, u32)> {
        self.open_scope(true);
        self.next()?;
        let var = self.name()?;
        let result = if self.is_char(b'=') {
            self.numeric_for(var)?
        } else if self.is_char(b',') || self.token == Token::In {
            self.generic_for(var)?
        } else {
            return Err(self.error_syntax("'=' or 'in' expected"));
        };
        self.expect_closing(&Token::End, &Token::For, line)?;
        self.close_scope()?;
        Ok(result)
    }

    fn numeric_for(&mut self, var: Name) -> ParseResult<(StatKind, u32)> {
        // Three hidden control slots, then the visible variable.
        for index in 0..4 {
            self.declare_local(index)?;
        }
        self.expect_char(b'=')?;
        let (start, d1) = self.expression()?;
        self.expect_char(b',')?;
        let (limit, d2) = self.expression()?;
        let (step, d3) = if self.accept_char(b',')? {
            let (step, d) = self.expression()?;
            (Some(step), d)
        } else {
            (None, 0)
        };
        self.activate_hidden_locals(["(for index)", "(for limit)", "(for step)"]);
        self.expect(&Token::Do)?;
        self.open_scope(false);
        self.activate_locals([var.clone()]);
        let (body, d4) = self.block()?;
        self.close_scope()?;
        let depth = d1.max(d2).max(d3).max(d4);
        Ok((StatKind::NumericFor { var, start, limit, step, body }, depth))
    }

    fn generic_for(&mut self, first: Name) -> ParseResult<(StatKind, u32)> {
        // Three hidden control slots, then the visible variables.
        for index in 0..4 {
            self.declare_local(index)?;
        }
        let mut names = vec![first];
        while self.accept_char(b',')? {
            let name = self.name()?;
            self.declare_local(3 + names.len())?;
            names.push(name);
        }
        self.expect(&Token::In)?;
        let (exprs, d1) = self.expression_list()?;
        self.activate_hidden_locals(["(for generator)", "(for state)", "(for control)"]);
        self.expect(&Token::Do)?;
        self.open_scope(false);
        self.activate_locals(names.iter().cloned());
        let (body, d2) = self.block()?;
        self.close_scope()?;
        Ok((StatKind::GenericFor { names, exprs, body }, d1.max(d2)))
    }

    fn function_statement(&mut self, line: Line) -> ParseResult<(StatKind, u32)> {
        self.next()?;
        let base = self.name()?;
        let mut fields = Vec::new();
        while self.is_char(b'.') {
            self.next()?;
            fields.push(self.name()?);
        }
        let method = if self.is_char(b':') {
            self.next()?;
            Some(self.name()?)
        } else {
            None
        };
        let (func, depth) = self.function_body(method.is_some(), line)?;
        Ok((StatKind::Function { name: FunctionName { base, fields, method }, func }, depth))
    }

    fn local_statement(&mut self) -> ParseResult<(StatKind, u32)> {
        if self.accept(&Token::Function)? {
            let name = self.name()?;
            self.declare_local(0)?;
            self.activate_locals([name.clone()]);
            let line = self.line();
            let (func, depth) = self.function_body(false, line)?;
            return Ok((StatKind::LocalFunction { name, func }, depth));
        }
        let mut names = Vec::new();
        loop {
            let name = self.name()?;
            self.declare_local(names.len())?;
            names.push(name);
            if !self.accept_char(b',')? {
                break;
            }
        }
        let (exprs, depth) = if self.accept_char(b'=')? { self.expression_list()? } else { (Vec::new(), 0) };
        self.activate_locals(names.iter().cloned());
        Ok((StatKind::Local { names, exprs }, depth))
    }

    fn return_statement(&mut self) -> ParseResult<(StatKind, u32)> {
        self.next()?;
        if self.block_follows() || self.is_char(b';') {
            return Ok((StatKind::Return { exprs: Vec::new() }, 0));
        }
        let (exprs, depth) = self.expression_list()?;
        Ok((StatKind::Return { exprs }, depth))
    }

    /// `::name::`, plus any labels directly following it (LuaJIT parses those recursively).
    fn label_statement(&mut self, out: &mut Vec<Stat>) -> ParseResult<u32> {
        let line = self.line();
        self.next()?;
        let name = self.name()?;
        let target = JumpTarget::Named(name.clone());
        // Only labels of the current block count (LuaJIT's `gola_findlabel`).
        let function = self.function();
        let block_start = function.scopes.last().map_or(0, |s| s.jumps_start);
        let duplicate = function.jumps[block_start..]
            .iter()
            .any(|j| j.live && j.kind == JumpKind::Label && j.target == target);
        if duplicate {
            let message = [b"duplicate label '".as_slice(), &name, b"'"].concat();
            return Err(Self::error_at(self.line(), message));
        }
        self.push_variable_entry()?;
        let function = self.function_mut();
        let index = function.jumps.len();
        let slot = function.active.len();
        function.jumps.push(Jump { target, kind: JumpKind::Label, slot, line: 0, live: true });
        function.scopes.last_mut().expect("inside a scope").has_goto_or_label = true;
        self.expect(&Token::Label)?;
        out.push(Stat { line, kind: StatKind::Label(name) });
        while self.token == Token::Label {
            self.enter_level()?;
            self.label_statement(out)?;
            self.leave_level();
        }
        // A label at the end of a block is outside the scope of the block's locals.
        let at_block_end = self.block_follows() && self.token != Token::Until;
        let function = self.function_mut();
        let scope = function.scopes.last().expect("inside a scope");
        let (jumps_start, active_at_start) = (scope.jumps_start, scope.active_at_start);
        if at_block_end {
            function.jumps[index].slot = active_at_start;
        }
        let label = Jump {
            target: function.jumps[index].target.clone(),
            kind: JumpKind::Label,
            slot: function.jumps[index].slot,
            line: 0,
            live: true,
        };
        Self::resolve_gotos(function, jumps_start, &label)?;
        Ok(1)
    }

    /// A call statement or an assignment (LuaJIT's `parse_call_assign`).
    fn call_or_assignment(&mut self) -> ParseResult<(StatKind, u32)> {
        let (first, mut depth) = self.primary_expression()?;
        if matches!(first.kind, ExprKind::Call { .. } | ExprKind::MethodCall { .. }) {
            return Ok((StatKind::Call(first), depth));
        }
        let mut targets = vec![first];
        loop {
            let last = targets.last().map(|e| &e.kind);
            if !matches!(last, Some(ExprKind::Name(_) | ExprKind::Index { .. })) {
                return Err(self.error_syntax("syntax error"));
            }
            if !self.accept_char(b',')? {
                break;
            }
            let (target, d) = self.primary_expression()?;
            if self.level as usize + targets.len() >= MAX_SYNTAX_LEVELS as usize {
                return Err(self.error_limit(MAX_SYNTAX_LEVELS as usize, "variable names"));
            }
            depth = depth.max(d);
            targets.push(target);
        }
        self.expect_char(b'=')?;
        let (exprs, d) = self.expression_list()?;
        Ok((StatKind::Assign { targets, exprs }, depth.max(d)))
    }

    // ---- Functions -------------------------------------------------------------------------

    /// Parameters and body of a function, up to and including its `end`. `line` is LuaJIT's
    /// "line defined" for it.
    fn function_body(&mut self, is_method: bool, line: Line) -> ParseResult<(Box<FunctionBody>, u32)> {
        let variable_entries_base = self.variable_entries;
        self.functions.push(FunctionState::new(line, false));
        self.open_scope(false);
        self.expect_char(b'(')?;
        if is_method {
            self.declare_local(0)?;
        }
        let mut params = Vec::new();
        let mut is_vararg = false;
        if !self.is_char(b')') {
            loop {
                if self.is_name() {
                    let name = self.name()?;
                    self.declare_local(params.len() + usize::from(is_method))?;
                    params.push(name);
                } else if self.token == Token::Dots {
                    self.next()?;
                    is_vararg = true;
                    break;
                } else {
                    return Err(self.error_syntax("<name> or '...' expected"));
                }
                if !self.accept_char(b',')? {
                    break;
                }
            }
        }
        self.function_mut().is_vararg = is_vararg;
        if is_method {
            self.activate_locals([b"self".to_vec()]);
        }
        self.activate_locals(params.iter().cloned());
        self.expect_char(b')')?;
        let (stats, depth) = self.statements()?;
        let end_line = self.line();
        if self.token != Token::End {
            self.expect_closing(&Token::End, &Token::Function, line)?;
        }
        self.close_scope()?;
        self.functions.pop();
        self.variable_entries = variable_entries_base;
        self.next()?; // 'end'
        let depth = self.deeper(self.deeper(depth)?)?;
        let body = Block { stats, end_line };
        Ok((Box::new(FunctionBody { params, is_vararg, is_method, body, line }), depth))
    }

    // ---- Expressions -----------------------------------------------------------------------

    fn expression(&mut self) -> ParseResult<Node> {
        let (node, _) = self.binary_expression(0)?;
        Ok(node)
    }

    fn expression_list(&mut self) -> ParseResult<(Vec<Expr>, u32)> {
        let (first, mut depth) = self.expression()?;
        let mut exprs = vec![first];
        while self.accept_char(b',')? {
            let (expr, d) = self.expression()?;
            depth = depth.max(d);
            exprs.push(expr);
        }
        Ok((exprs, depth))
    }

    /// Operators binding tighter than `limit`; returns the first operator it did not take.
    fn binary_expression(&mut self, limit: u8) -> ParseResult<(Node, Option<BinOp>)> {
        self.enter_level()?;
        let (mut lhs, mut depth) = self.unary_expression()?;
        let mut op = binary_operator(&self.token);
        while let Some(current) = op {
            let (left_priority, right_priority) = priority(current);
            if left_priority <= limit {
                break;
            }
            let line = self.line();
            self.next()?;
            let ((rhs, rhs_depth), next_op) = self.binary_expression(right_priority)?;
            depth = self.deeper(depth.max(rhs_depth))?;
            lhs = Expr { line, kind: ExprKind::Binary { op: current, lhs: Box::new(lhs), rhs: Box::new(rhs) } };
            op = next_op;
        }
        self.leave_level();
        Ok(((lhs, depth), op))
    }

    fn unary_expression(&mut self) -> ParseResult<Node> {
        let op = match self.token {
            Token::Not => UnOp::Not,
            Token::Char(b'-') => UnOp::Neg,
            Token::Char(b'#') => UnOp::Len,
            _ => return self.simple_expression(),
        };
        let line = self.line();
        self.next()?;
        let ((operand, depth), _) = self.binary_expression(UNARY_PRIORITY)?;
        let depth = self.deeper(depth)?;
        Ok((Expr { line, kind: ExprKind::Unary { op, operand: Box::new(operand) } }, depth))
    }

    fn simple_expression(&mut self) -> ParseResult<Node> {
        let line = self.line();
        let kind = match &mut self.token {
            Token::Number { value, .. } => ExprKind::Number(*value),
            Token::String { value, .. } => ExprKind::String(std::mem::take(value)),
            Token::Nil => ExprKind::Nil,
            Token::True => ExprKind::True,
            Token::False => ExprKind::False,
            Token::Dots => {
                if !self.function().is_vararg {
                    return Err(self.error_syntax("cannot use '...' outside a vararg function"));
                }
                ExprKind::Vararg
            }
            Token::Char(b'{') => return self.table_constructor(),
            Token::Function => {
                self.next()?;
                let body_line = self.line();
                let (func, depth) = self.function_body(false, body_line)?;
                return Ok((Expr { line, kind: ExprKind::Function(func) }, self.deeper(depth)?));
            }
            _ => return self.primary_expression(),
        };
        self.next()?;
        Ok((Expr { line, kind }, 1))
    }

    /// A name or parenthesized expression followed by any number of field accesses,
    /// indexings, method calls and calls.
    fn primary_expression(&mut self) -> ParseResult<Node> {
        let line = self.line();
        let (mut expr, mut depth) = if self.is_char(b'(') {
            self.next()?;
            let (inner, d) = self.expression()?;
            self.expect_closing(&Token::Char(b')'), &Token::Char(b'('), line)?;
            (Expr { line, kind: ExprKind::Paren(Box::new(inner)) }, self.deeper(d)?)
        } else if self.is_name() {
            (Expr { line, kind: ExprKind::Name(self.name()?) }, 1)
        } else {
            return Err(self.error_syntax("unexpected symbol"));
        };
        loop {
            match self.token {
                Token::Char(b'.') => {
                    self.next()?;
                    let key_line = self.line();
                    let key = Expr { line: key_line, kind: ExprKind::String(self.name()?) };
                    depth = self.deeper(depth)?;
                    expr = Expr { line, kind: ExprKind::Index { object: Box::new(expr), key: Box::new(key) } };
                }
                Token::Char(b'[') => {
                    self.next()?;
                    let (key, d) = self.expression()?;
                    self.expect_char(b']')?;
                    depth = self.deeper(depth.max(d))?;
                    expr = Expr { line, kind: ExprKind::Index { object: Box::new(expr), key: Box::new(key) } };
                }
                Token::Char(b':') => {
                    self.next()?;
                    let method = self.name()?;
                    let args_line = self.line();
                    let (args, d) = self.call_arguments()?;
                    depth = self.deeper(depth.max(d))?;
                    expr = Expr { line: args_line, kind: ExprKind::MethodCall { object: Box::new(expr), method, args } };
                }
                Token::Char(b'(') | Token::String { .. } | Token::Char(b'{') => {
                    let args_line = self.line();
                    let (args, d) = self.call_arguments()?;
                    depth = self.deeper(depth.max(d))?;
                    expr = Expr { line: args_line, kind: ExprKind::Call { func: Box::new(expr), args } };
                }
                _ => return Ok((expr, depth)),
            }
        }
    }

    fn call_arguments(&mut self) -> ParseResult<(Vec<Expr>, u32)> {
        let line = self.line();
        match &mut self.token {
            Token::Char(b'(') => {
                if line != self.last_line {
                    return Err(self.error_syntax("ambiguous syntax (function call x new statement)"));
                }
                self.next()?;
                let result = if self.is_char(b')') { (Vec::new(), 0) } else { self.expression_list()? };
                self.expect_closing(&Token::Char(b')'), &Token::Char(b'('), line)?;
                Ok(result)
            }
            Token::Char(b'{') => {
                let (table, depth) = self.table_constructor()?;
                Ok((vec![table], depth))
            }
            Token::String { value, .. } => {
                let value = std::mem::take(value);
                self.next()?;
                Ok((vec![Expr { line, kind: ExprKind::String(value) }], 1))
            }
            _ => Err(self.error_syntax("function arguments expected")),
        }
    }

    fn table_constructor(&mut self) -> ParseResult<Node> {
        let line = self.line();
        self.expect_char(b'{')?;
        let mut fields = Vec::new();
        let mut depth = 0;
        while !self.is_char(b'}') {
            if self.is_char(b'[') {
                self.next()?;
                let (key, d1) = self.expression()?;
                self.expect_char(b']')?;
                self.expect_char(b'=')?;
                let (value, d2) = self.expression()?;
                depth = depth.max(d1).max(d2);
                fields.push(TableField::Keyed(key, value));
            } else if self.is_name() && *self.peek()? == Token::Char(b'=') {
                let name = self.name()?;
                self.expect_char(b'=')?;
                let (value, d) = self.expression()?;
                depth = depth.max(d);
                fields.push(TableField::Named(name, value));
            } else {
                let (value, d) = self.expression()?;
                depth = depth.max(d);
                fields.push(TableField::Positional(value));
            }
            if !self.accept_char(b',')? && !self.accept_char(b';')? {
                break;
            }
        }
        self.expect_closing(&Token::Char(b'}'), &Token::Char(b'{'), line)?;
        Ok((Expr { line, kind: ExprKind::Table(fields) }, self.deeper(depth)?))
    }
}

fn binary_operator(token: &Token) -> Option<BinOp> {
    Some(match token {
        Token::Char(b'+') => BinOp::Add,
        Token::Char(b'-') => BinOp::Sub,
        Token::Char(b'*') => BinOp::Mul,
        Token::Char(b'/') => BinOp::Div,
        Token::Char(b'%') => BinOp::Mod,
        Token::Char(b'^') => BinOp::Pow,
        Token::Concat => BinOp::Concat,
        Token::Ne => BinOp::Ne,
        Token::Eq => BinOp::Eq,
        Token::Char(b'<') => BinOp::Lt,
        Token::Le => BinOp::Le,
        Token::Char(b'>') => BinOp::Gt,
        Token::Ge => BinOp::Ge,
        Token::And => BinOp::And,
        Token::Or => BinOp::Or,
        _ => return None,
    })
}

/// Left and right binding priorities (right < left makes an operator right-associative).
fn priority(op: BinOp) -> (u8, u8) {
    match op {
        BinOp::Add | BinOp::Sub => (6, 6),
        BinOp::Mul | BinOp::Div | BinOp::Mod => (7, 7),
        BinOp::Pow => (10, 9),
        BinOp::Concat => (5, 4),
        BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => (3, 3),
        BinOp::And => (2, 2),
        BinOp::Or => (1, 1),
    }
}
