//! The parser: builds the AST from tokens, following the structure of LuaJIT 2.1's
//! `lj_parse.c` so that errors come out with the same text, at the same line, in the same order.
//!
//! Besides the grammar it makes the checks LuaJIT makes while parsing:
//! - `goto` and labels, per function, with LuaJIT's block rules: `undefined label 'x'`,
//!   `duplicate label 'x'` (in the same block),
//!   `<goto x> jumps into the scope of local 'y'`, and `no loop to break`;
//! - `cannot use '...' outside a vararg function`;
//! - LuaJIT's parse-time limits: [`MAX_SYNTAX_LEVELS`] nested syntax levels (also bounding
//!   the number of targets of one assignment), [`MAX_LOCAL_VARIABLES`] active locals per
//!   function (for-loop control slots included) and [`MAX_VARIABLE_ENTRIES`] locals, gotos
//!   and labels per chunk.
//!
//! It never resolves names: whether a name is local, upvalue or global is the compiler's job.
//! Recursion depth is bounded by the syntax-level limit, and the depth of the tree it returns
//! by [`MAX_TREE_DEPTH`], so that neither parsing nor a recursive walk of the tree can
//! overflow the stack.

use std::collections::{BTreeMap, BTreeSet};

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
/// `FunctionBody` on a path from the root — except the left spines of arithmetic chains
/// (`a + b + c ...`) and of index chains (`a.b[c].d ...`), which LuaJIT parses in a loop and
/// the compiler walks in a loop, so they may be of any length. LuaJIT's syntax levels alone
/// allow about 400; the rest is room for other left-associative chains (`a or b or ...`).
pub const MAX_TREE_DEPTH: u32 = 1000;

/// Priority of unary operators (binds tighter than everything except `^`).
const UNARY_PRIORITY: u8 = 8;

type ParseResult<T> = Result<T, Box<Diagnostic>>;

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
    Ok(Chunk {
        body: Block { stats, end_line },
    })
}

/// What a `goto` targets: `break` is a goto to the end of its loop.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum JumpTarget {
    Break,
    Named(Name),
}

/// A goto (or `break`) whose label is not known yet.
#[derive(Debug)]
struct PendingGoto {
    /// Position among the function's gotos, to report the first of several errors.
    order: usize,
    /// Number of active locals at the goto (lowered as it leaves blocks).
    slot: usize,
    /// The line reported for errors about this goto.
    line: Line,
}

/// A block scope of the function being parsed.
///
/// LuaJIT keeps gotos and labels on one stack and scans it; here each scope indexes its own
/// by name, so that many labels or gotos cost linear, not quadratic, time.
#[derive(Debug)]
struct Scope {
    /// Active locals when the scope began.
    active_at_start: usize,
    is_loop: bool,
    /// Labels declared directly in this block (a label is visible until its block ends).
    labels: BTreeSet<Name>,
    /// Unresolved gotos made in this block or passed on from closed inner blocks.
    gotos: BTreeMap<JumpTarget, Vec<PendingGoto>>,
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
    /// Gotos recorded so far (numbers them).
    goto_count: usize,
}

impl FunctionState {
    fn new(line_defined: Line, is_vararg: bool) -> FunctionState {
        FunctionState {
            line_defined,
            is_vararg,
            active: Vec::new(),
            scopes: Vec::new(),
            goto_count: 0,
        }
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
        matches!(
            self.token,
            Token::Else | Token::Elseif | Token::End | Token::Until | Token::Eof
        )
    }

    // ---- Errors ----------------------------------------------------------------------------

    fn error_near_token(&self, message: Vec<u8>) -> Box<Diagnostic> {
        Box::new(Diagnostic::new(
            self.line(),
            message,
            self.token.near_text().as_deref(),
        ))
    }

    fn error_syntax(&self, message: &str) -> Box<Diagnostic> {
        self.error_near_token(message.as_bytes().to_vec())
    }

    fn error_expected(&self, token: &Token) -> Box<Diagnostic> {
        let mut message = b"'".to_vec();
        message.extend(expected_spelling(token));
        message.extend_from_slice(b"' expected");
        self.error_near_token(message)
    }

    fn error_at(line: Line, message: Vec<u8>) -> Box<Diagnostic> {
        Box::new(Diagnostic::new(line, message, None))
    }

    fn error_limit(&self, limit: usize, what: &str) -> Box<Diagnostic> {
        let message = match self.function().line_defined {
            0 => format!("main function has more than {limit} {what}"),
            line => format!("function at line {line} has more than {limit} {what}"),
        };
        Self::error_at(self.line(), message.into_bytes())
    }

    fn error_levels(&self) -> Box<Diagnostic> {
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
        self.functions
            .last()
            .expect("a function is always being parsed")
    }

    fn function_mut(&mut self) -> &mut FunctionState {
        self.functions
            .last_mut()
            .expect("a function is always being parsed")
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
            is_loop,
            labels: BTreeSet::new(),
            gotos: BTreeMap::new(),
        };
        function.scopes.push(scope);
    }

    /// Ends the innermost scope (LuaJIT's `fscope_end`): a loop resolves its `break`s, labels
    /// go out of sight, and unresolved gotos pass to the enclosing scope, or are errors at
    /// function level.
    fn close_scope(&mut self) -> ParseResult<()> {
        let loop_break = self
            .function()
            .scopes
            .last()
            .is_some_and(|s| s.is_loop && s.gotos.contains_key(&JumpTarget::Break));
        if loop_break {
            // LuaJIT briefly pushes a label for the loop's end.
            self.check_variable_entry()?;
        }
        let function = self.function_mut();
        let mut scope = function.scopes.pop().expect("scope stack is balanced");
        function.active.truncate(scope.active_at_start);
        if scope.is_loop {
            // Breaks never jump into a local's scope: the loop's end is outside all of them.
            scope.gotos.remove(&JumpTarget::Break);
        }
        let Some(outer) = function.scopes.last_mut() else {
            let first = scope
                .gotos
                .iter()
                .flat_map(|(target, gotos)| gotos.iter().map(move |goto| (goto, target)))
                .min_by_key(|(goto, _)| goto.order);
            return match first {
                None => Ok(()),
                Some((goto, JumpTarget::Break)) => {
                    Err(Self::error_at(goto.line, b"no loop to break".to_vec()))
                }
                Some((goto, JumpTarget::Named(name))) => {
                    let message = [b"undefined label '".as_slice(), name, b"'"].concat();
                    Err(Self::error_at(goto.line, message))
                }
            };
        };
        for (target, mut gotos) in scope.gotos {
            if matches!(&target, JumpTarget::Named(name) if outer.labels.contains(name)) {
                // A backward goto to a label of the enclosing block.
                continue;
            }
            for goto in &mut gotos {
                goto.slot = scope.active_at_start;
            }
            outer.gotos.entry(target).or_default().extend(gotos);
        }
        Ok(())
    }

    fn record_goto(&mut self, target: JumpTarget) -> ParseResult<()> {
        self.push_variable_entry()?;
        let line = self.last_line;
        let function = self.function_mut();
        let order = function.goto_count;
        function.goto_count += 1;
        let slot = function.active.len();
        let scope = function.scopes.last_mut().expect("inside a scope");
        if matches!(&target, JumpTarget::Named(name) if scope.labels.contains(name)) {
            // A backward goto to a label of this block: always valid.
            return Ok(());
        }
        scope
            .gotos
            .entry(target)
            .or_default()
            .push(PendingGoto { order, slot, line });
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
        // Kept small: it is on the recursion path of nested blocks, so each kind of statement
        // is parsed by its own function.
        let line = self.line();
        let is_last = matches!(self.token, Token::Return | Token::Break);
        let is_goto = self.token == Token::Goto && matches!(self.peek()?, Token::Name(_));
        let parse: fn(&mut Self, Line, &mut Vec<Stat>) -> ParseResult<u32> = match self.token {
            Token::If => Self::if_statement,
            Token::While => Self::while_statement,
            Token::Do => Self::do_statement,
            Token::For => Self::for_statement,
            Token::Repeat => Self::repeat_statement,
            Token::Function => Self::function_statement,
            Token::Local => Self::local_statement,
            Token::Return => Self::return_statement,
            Token::Break => Self::break_statement,
            Token::Label => return Ok((false, self.label_statement(out)?)),
            Token::Goto if is_goto => Self::goto_statement,
            _ => Self::call_or_assignment,
        };
        Ok((is_last, parse(self, line, out)?))
    }

    /// Appends a parsed statement; returns its depth.
    #[inline(never)]
    fn emit(
        &self,
        out: &mut Vec<Stat>,
        line: Line,
        kind: StatKind,
        content_depth: u32,
    ) -> ParseResult<u32> {
        out.push(Stat { line, kind });
        self.deeper(content_depth)
    }

    fn do_statement(&mut self, line: Line, out: &mut Vec<Stat>) -> ParseResult<u32> {
        self.next()?;
        let (body, depth) = self.block()?;
        self.expect_closing(&Token::End, &Token::Do, line)?;
        self.emit(out, line, StatKind::Do(body), depth)
    }

    fn break_statement(&mut self, line: Line, out: &mut Vec<Stat>) -> ParseResult<u32> {
        self.next()?;
        self.record_goto(JumpTarget::Break)?;
        self.emit(out, line, StatKind::Break, 0)
    }

    fn goto_statement(&mut self, line: Line, out: &mut Vec<Stat>) -> ParseResult<u32> {
        self.next()?;
        let name = self.name()?;
        self.record_goto(JumpTarget::Named(name.clone()))?;
        self.emit(out, line, StatKind::Goto(name), 0)
    }

    fn if_statement(&mut self, line: Line, out: &mut Vec<Stat>) -> ParseResult<u32> {
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
        self.emit(out, line, StatKind::If { arms, else_block }, depth)
    }

    fn while_statement(&mut self, line: Line, out: &mut Vec<Stat>) -> ParseResult<u32> {
        self.next()?;
        let (cond, d1) = self.expression()?;
        self.open_scope(true);
        self.expect(&Token::Do)?;
        let (body, d2) = self.block()?;
        self.expect_closing(&Token::End, &Token::While, line)?;
        self.close_scope()?;
        self.emit(out, line, StatKind::While { cond, body }, d1.max(d2))
    }

    fn repeat_statement(&mut self, line: Line, out: &mut Vec<Stat>) -> ParseResult<u32> {
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
        self.emit(
            out,
            line,
            StatKind::Repeat { body, cond },
            self.deeper(d1)?.max(d2),
        )
    }

    fn for_statement(&mut self, line: Line, out: &mut Vec<Stat>) -> ParseResult<u32> {
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
        let (kind, depth) = result;
        self.emit(out, line, kind, depth)
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
        let do_line = self.last_line;
        self.open_scope(false);
        self.activate_locals([var.clone()]);
        let (body, d4) = self.block()?;
        self.close_scope()?;
        let depth = d1.max(d2).max(d3).max(d4);
        Ok((
            StatKind::NumericFor {
                var,
                start,
                limit,
                step,
                do_line,
                body,
            },
            depth,
        ))
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

    fn function_statement(&mut self, line: Line, out: &mut Vec<Stat>) -> ParseResult<u32> {
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
        self.emit(
            out,
            line,
            StatKind::Function {
                name: FunctionName {
                    base,
                    fields,
                    method,
                },
                func,
            },
            depth,
        )
    }

    fn local_statement(&mut self, line: Line, out: &mut Vec<Stat>) -> ParseResult<u32> {
        self.next()?;
        if self.accept(&Token::Function)? {
            let name = self.name()?;
            self.declare_local(0)?;
            self.activate_locals([name.clone()]);
            let body_line = self.line();
            let (func, depth) = self.function_body(false, body_line)?;
            return self.emit(out, line, StatKind::LocalFunction { name, func }, depth);
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
        let (exprs, depth) = if self.accept_char(b'=')? {
            self.expression_list()?
        } else {
            (Vec::new(), 0)
        };
        self.activate_locals(names.iter().cloned());
        self.emit(out, line, StatKind::Local { names, exprs }, depth)
    }

    fn return_statement(&mut self, line: Line, out: &mut Vec<Stat>) -> ParseResult<u32> {
        self.next()?;
        if self.block_follows() || self.is_char(b';') {
            return self.emit(out, line, StatKind::Return { exprs: Vec::new() }, 0);
        }
        let (exprs, depth) = self.expression_list()?;
        self.emit(out, line, StatKind::Return { exprs }, depth)
    }

    /// `::name::`, plus any labels directly following it (LuaJIT parses those recursively).
    fn label_statement(&mut self, out: &mut Vec<Stat>) -> ParseResult<u32> {
        let line = self.line();
        self.next()?;
        let name = self.name()?;
        // Only labels of the current block count (LuaJIT's `gola_findlabel`).
        let scope = self.function().scopes.last().expect("inside a scope");
        if scope.labels.contains(&name) {
            let message = [b"duplicate label '".as_slice(), &name, b"'"].concat();
            return Err(Self::error_at(self.line(), message));
        }
        self.push_variable_entry()?;
        let slot = self.function().active.len();
        self.function_mut()
            .scopes
            .last_mut()
            .expect("inside a scope")
            .labels
            .insert(name.clone());
        self.expect(&Token::Label)?;
        out.push(Stat {
            line,
            kind: StatKind::Label(name.clone()),
        });
        while self.token == Token::Label {
            self.enter_level()?;
            self.label_statement(out)?;
            self.leave_level();
        }
        // A label at the end of a block is outside the scope of the block's locals.
        let at_block_end = self.block_follows() && self.token != Token::Until;
        let function = self.function_mut();
        let scope = function.scopes.last_mut().expect("inside a scope");
        let slot = if at_block_end {
            scope.active_at_start
        } else {
            slot
        };
        // Resolve the forward gotos to this label.
        let gotos = scope
            .gotos
            .remove(&JumpTarget::Named(name.clone()))
            .unwrap_or_default();
        if let Some(goto) = gotos.iter().find(|goto| goto.slot < slot) {
            let local = &function.active[goto.slot];
            let message = [
                b"<goto ".as_slice(),
                &name,
                b"> jumps into the scope of local '",
                local,
                b"'",
            ]
            .concat();
            return Err(Self::error_at(goto.line, message));
        }
        Ok(1)
    }

    /// A call statement or an assignment (LuaJIT's `parse_call_assign`).
    fn call_or_assignment(&mut self, line: Line, out: &mut Vec<Stat>) -> ParseResult<u32> {
        let mut node = placeholder();
        self.primary_expression(&mut node)?;
        let (first, mut depth) = node;
        if matches!(
            first.kind,
            ExprKind::Call { .. } | ExprKind::MethodCall { .. }
        ) {
            return self.emit(out, line, StatKind::Call(first), depth);
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
            let mut node = placeholder();
            self.primary_expression(&mut node)?;
            let (target, d) = node;
            if self.level as usize + targets.len() >= MAX_SYNTAX_LEVELS as usize {
                return Err(self.error_limit(MAX_SYNTAX_LEVELS as usize, "variable names"));
            }
            depth = depth.max(d);
            targets.push(target);
        }
        self.expect_char(b'=')?;
        let (exprs, d) = self.expression_list()?;
        self.emit(out, line, StatKind::Assign { targets, exprs }, depth.max(d))
    }

    // ---- Functions -------------------------------------------------------------------------

    /// Parameters and body of a function, up to and including its `end`. `line` is LuaJIT's
    /// "line defined" for it.
    fn function_body(
        &mut self,
        is_method: bool,
        line: Line,
    ) -> ParseResult<(Box<FunctionBody>, u32)> {
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
        Ok((
            Box::new(FunctionBody {
                params,
                is_vararg,
                is_method,
                body,
                line,
            }),
            depth,
        ))
    }

    // ---- Expressions -----------------------------------------------------------------------
    //
    // These functions recurse into each other for nested expressions, so their stack frames
    // must stay small (the nesting limit must be reached long before the stack runs out, even
    // in debug builds): they write results through `&mut` parameters instead of returning
    // large values, and building nodes is left to separate functions.

    fn expression(&mut self) -> ParseResult<Node> {
        let mut node = placeholder();
        self.expression_into(&mut node)?;
        Ok(node)
    }

    fn expression_into(&mut self, out: &mut Node) -> ParseResult<()> {
        self.binary_expression(0, out)?;
        Ok(())
    }

    /// Appends a comma-separated list of expressions to `out`; returns their depth.
    fn expression_list_into(&mut self, out: &mut Vec<Expr>) -> ParseResult<u32> {
        let mut depth = 0;
        loop {
            let mut node = placeholder();
            self.expression_into(&mut node)?;
            out.push(node.0);
            depth = depth.max(node.1);
            if !self.accept_char(b',')? {
                return Ok(depth);
            }
        }
    }

    fn expression_list(&mut self) -> ParseResult<(Vec<Expr>, u32)> {
        let mut exprs = Vec::new();
        let depth = self.expression_list_into(&mut exprs)?;
        Ok((exprs, depth))
    }

    /// Operators binding tighter than `limit`; returns the first operator it did not take.
    fn binary_expression(&mut self, limit: u8, out: &mut Node) -> ParseResult<Option<BinOp>> {
        self.enter_level()?;
        self.unary_expression(out)?;
        let mut op = binary_operator(&self.token);
        while let Some(current) = op {
            let (left_priority, right_priority) = priority(current);
            if left_priority <= limit {
                break;
            }
            let line = self.line();
            self.next()?;
            let mut rhs = placeholder();
            op = self.binary_expression(right_priority, &mut rhs)?;
            self.binary_node(current, line, out, rhs)?;
        }
        self.leave_level();
        Ok(op)
    }

    /// Replaces `lhs` by `lhs op rhs`.
    #[inline(never)]
    fn binary_node(&self, op: BinOp, line: Line, lhs: &mut Node, rhs: Node) -> ParseResult<()> {
        // The compiler walks the left spine of arithmetic chains in a loop, so only the right
        // operand deepens what it must recurse over (LuaJIT accepts chains of any length).
        let arithmetic = matches!(
            op,
            BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div | BinOp::Mod | BinOp::Pow
        );
        let depth = if arithmetic {
            lhs.1.max(self.deeper(rhs.1)?)
        } else {
            self.deeper(lhs.1.max(rhs.1))?
        };
        let left = std::mem::replace(&mut lhs.0, placeholder().0);
        *lhs = (
            Expr {
                line,
                kind: ExprKind::Binary {
                    op,
                    lhs: Box::new(left),
                    rhs: Box::new(rhs.0),
                },
            },
            depth,
        );
        Ok(())
    }

    fn unary_expression(&mut self, out: &mut Node) -> ParseResult<()> {
        let op = match self.token {
            Token::Not => UnOp::Not,
            Token::Char(b'-') => UnOp::Neg,
            Token::Char(b'#') => UnOp::Len,
            _ => return self.simple_expression(out),
        };
        let line = self.line();
        self.next()?;
        self.binary_expression(UNARY_PRIORITY, out)?;
        self.wrap(out, |operand| Expr {
            line,
            kind: ExprKind::Unary {
                op,
                operand: Box::new(operand),
            },
        })
    }

    /// Replaces `node` by `build(node)`, one level deeper.
    #[inline(never)]
    fn wrap(&self, node: &mut Node, build: impl FnOnce(Expr) -> Expr) -> ParseResult<()> {
        let depth = self.deeper(node.1)?;
        let inner = std::mem::replace(&mut node.0, placeholder().0);
        *node = (build(inner), depth);
        Ok(())
    }

    fn simple_expression(&mut self, out: &mut Node) -> ParseResult<()> {
        match self.token {
            Token::Char(b'{') => self.table_constructor(out),
            Token::Function => self.function_expression(out),
            Token::Number { .. }
            | Token::String { .. }
            | Token::Nil
            | Token::True
            | Token::False
            | Token::Dots => self.literal(out),
            _ => self.primary_expression(out),
        }
    }

    #[inline(never)]
    fn literal(&mut self, out: &mut Node) -> ParseResult<()> {
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
            _ => return Err(self.error_syntax("unexpected symbol")),
        };
        self.next()?;
        *out = (Expr { line, kind }, 1);
        Ok(())
    }

    #[inline(never)]
    fn function_expression(&mut self, out: &mut Node) -> ParseResult<()> {
        let line = self.line();
        self.next()?;
        let body_line = self.line();
        let (func, depth) = self.function_body(false, body_line)?;
        *out = (
            Expr {
                line,
                kind: ExprKind::Function(func),
            },
            self.deeper(depth)?,
        );
        Ok(())
    }

    /// A name or parenthesized expression followed by any number of field accesses,
    /// indexings, method calls and calls.
    fn primary_expression(&mut self, out: &mut Node) -> ParseResult<()> {
        let line = self.line();
        if self.is_char(b'(') {
            self.parenthesized(out)?;
        } else if self.is_name() {
            self.name_expression(out)?;
        } else {
            return Err(self.error_syntax("unexpected symbol"));
        }
        loop {
            match self.token {
                Token::Char(b'.') => self.field_suffix(line, out)?,
                Token::Char(b'[') => self.index_suffix(line, out)?,
                Token::Char(b':') => self.method_call_suffix(out)?,
                Token::Char(b'(') | Token::String { .. } | Token::Char(b'{') => {
                    self.call_suffix(out)?
                }
                _ => return Ok(()),
            }
        }
    }

    fn parenthesized(&mut self, out: &mut Node) -> ParseResult<()> {
        let line = self.line();
        self.next()?;
        self.expression_into(out)?;
        self.expect_closing(&Token::Char(b')'), &Token::Char(b'('), line)?;
        self.wrap(out, |inner| Expr {
            line,
            kind: ExprKind::Paren(Box::new(inner)),
        })
    }

    #[inline(never)]
    fn name_expression(&mut self, out: &mut Node) -> ParseResult<()> {
        let line = self.line();
        *out = (
            Expr {
                line,
                kind: ExprKind::Name(self.name()?),
            },
            1,
        );
        Ok(())
    }

    /// `.name` after the object in `out` (whose first token was at `line`).
    #[inline(never)]
    fn field_suffix(&mut self, line: Line, out: &mut Node) -> ParseResult<()> {
        self.next()?;
        let key_line = self.line();
        let key = Expr {
            line: key_line,
            kind: ExprKind::String(self.name()?),
        };
        // Field chains `a.b.c...` are compiled in a loop: they do not deepen the tree.
        let inner = std::mem::replace(&mut out.0, placeholder().0);
        out.0 = Expr {
            line,
            kind: ExprKind::Index {
                object: Box::new(inner),
                key: Box::new(key),
            },
        };
        out.1 = out.1.max(1);
        Ok(())
    }

    /// `[key]` after the object in `out` (whose first token was at `line`).
    fn index_suffix(&mut self, line: Line, out: &mut Node) -> ParseResult<()> {
        self.next()?;
        let mut key = placeholder();
        self.expression_into(&mut key)?;
        self.expect_char(b']')?;
        self.index_node(line, out, key)
    }

    #[inline(never)]
    fn index_node(&self, line: Line, object: &mut Node, key: Node) -> ParseResult<()> {
        // Index chains `a.b.c...` are compiled in a loop too.
        let depth = object.1.max(self.deeper(key.1)?);
        let inner = std::mem::replace(&mut object.0, placeholder().0);
        let kind = ExprKind::Index {
            object: Box::new(inner),
            key: Box::new(key.0),
        };
        *object = (Expr { line, kind }, depth);
        Ok(())
    }

    fn method_call_suffix(&mut self, out: &mut Node) -> ParseResult<()> {
        self.next()?;
        let method = self.name()?;
        let line = self.line();
        let mut args = Vec::new();
        let args_depth = self.call_arguments(&mut args)?;
        self.call_node(line, out, Some(method), args, args_depth)
    }

    fn call_suffix(&mut self, out: &mut Node) -> ParseResult<()> {
        let line = self.line();
        let mut args = Vec::new();
        let args_depth = self.call_arguments(&mut args)?;
        self.call_node(line, out, None, args, args_depth)
    }

    /// Replaces the function (or object) in `callee` by a call of it.
    #[inline(never)]
    fn call_node(
        &self,
        line: Line,
        callee: &mut Node,
        method: Option<Name>,
        args: Vec<Expr>,
        args_depth: u32,
    ) -> ParseResult<()> {
        let depth = self.deeper(callee.1.max(args_depth))?;
        let inner = Box::new(std::mem::replace(&mut callee.0, placeholder().0));
        let kind = match method {
            Some(method) => ExprKind::MethodCall {
                object: inner,
                method,
                args,
            },
            None => ExprKind::Call { func: inner, args },
        };
        *callee = (Expr { line, kind }, depth);
        Ok(())
    }

    /// Appends the arguments of a call to `args`; returns their depth.
    fn call_arguments(&mut self, args: &mut Vec<Expr>) -> ParseResult<u32> {
        let mut node = placeholder();
        match self.token {
            Token::Char(b'(') => return self.parenthesized_arguments(args),
            Token::Char(b'{') => self.table_constructor(&mut node)?,
            Token::String { .. } => self.literal(&mut node)?,
            _ => return Err(self.error_syntax("function arguments expected")),
        }
        args.push(node.0);
        Ok(node.1)
    }

    fn parenthesized_arguments(&mut self, args: &mut Vec<Expr>) -> ParseResult<u32> {
        let line = self.line();
        if line != self.last_line {
            return Err(self.error_syntax("ambiguous syntax (function call x new statement)"));
        }
        self.next()?;
        let depth = if self.is_char(b')') {
            0
        } else {
            self.expression_list_into(args)?
        };
        self.expect_closing(&Token::Char(b')'), &Token::Char(b'('), line)?;
        Ok(depth)
    }

    fn table_constructor(&mut self, out: &mut Node) -> ParseResult<()> {
        let line = self.line();
        self.expect_char(b'{')?;
        let mut fields = Vec::new();
        let mut depth = 0;
        while !self.is_char(b'}') {
            let field_depth = if self.is_char(b'[') {
                self.keyed_field(&mut fields)?
            } else if self.is_name() && *self.peek()? == Token::Char(b'=') {
                self.named_field(&mut fields)?
            } else {
                self.positional_field(&mut fields)?
            };
            depth = depth.max(field_depth);
            if !self.accept_char(b',')? && !self.accept_char(b';')? {
                break;
            }
        }
        self.expect_closing(&Token::Char(b'}'), &Token::Char(b'{'), line)?;
        *out = (
            Expr {
                line,
                kind: ExprKind::Table(fields),
            },
            self.deeper(depth)?,
        );
        Ok(())
    }

    /// `[key] = value`, appended to `fields`; returns its depth.
    fn keyed_field(&mut self, fields: &mut Vec<TableField>) -> ParseResult<u32> {
        self.next()?;
        let mut key = placeholder();
        self.expression_into(&mut key)?;
        self.expect_char(b']')?;
        self.expect_char(b'=')?;
        let mut value = placeholder();
        self.expression_into(&mut value)?;
        let depth = key.1.max(value.1);
        fields.push(TableField::Keyed(key.0, value.0));
        Ok(depth)
    }

    /// `name = value`, appended to `fields`; returns its depth.
    fn named_field(&mut self, fields: &mut Vec<TableField>) -> ParseResult<u32> {
        let name = self.name()?;
        self.expect_char(b'=')?;
        let mut value = placeholder();
        self.expression_into(&mut value)?;
        fields.push(TableField::Named(name, value.0));
        Ok(value.1)
    }

    /// `value`, appended to `fields`; returns its depth.
    fn positional_field(&mut self, fields: &mut Vec<TableField>) -> ParseResult<u32> {
        let mut value = placeholder();
        self.expression_into(&mut value)?;
        fields.push(TableField::Positional(value.0));
        Ok(value.1)
    }
}

/// A cheap stand-in for a node about to be written.
fn placeholder() -> Node {
    (
        Expr {
            line: 0,
            kind: ExprKind::Nil,
        },
        0,
    )
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

#[cfg(test)]
mod tests {
    use super::super::{chunk_display_name, parse};
    use super::*;

    /// Parses as `loadstring(source)` would name it.
    fn result(source: &[u8]) -> String {
        match parse(source, &chunk_display_name(source)) {
            Ok(_) => "ok".to_string(),
            Err(error) => error.to_string(),
        }
    }

    fn parse_ok(source: &str) -> Chunk {
        parse(source.as_bytes(), "test").unwrap_or_else(|e| panic!("{source}: {e}"))
    }

    /// A compact rendering of an expression tree.
    fn show(expr: &Expr) -> String {
        let list = |exprs: &[Expr]| exprs.iter().map(show).collect::<Vec<_>>().join(" ");
        match &expr.kind {
            ExprKind::Nil => "nil".into(),
            ExprKind::True => "true".into(),
            ExprKind::False => "false".into(),
            ExprKind::Number(n) => format!("{n}"),
            ExprKind::String(s) => format!("{:?}", String::from_utf8_lossy(s)),
            ExprKind::Vararg => "...".into(),
            ExprKind::Function(f) => {
                format!("(function {} {})", f.params.len(), f.body.stats.len())
            }
            ExprKind::Table(fields) => {
                let fields: Vec<String> = fields
                    .iter()
                    .map(|field| match field {
                        TableField::Positional(v) => show(v),
                        TableField::Named(k, v) => {
                            format!("{}={}", String::from_utf8_lossy(k), show(v))
                        }
                        TableField::Keyed(k, v) => format!("[{}]={}", show(k), show(v)),
                    })
                    .collect();
                format!("{{{}}}", fields.join(" "))
            }
            ExprKind::Binary { op, lhs, rhs } => format!("({op:?} {} {})", show(lhs), show(rhs)),
            ExprKind::Unary { op, operand } => format!("({op:?} {})", show(operand)),
            ExprKind::Name(n) => String::from_utf8_lossy(n).into_owned(),
            ExprKind::Index { object, key } => format!("{}[{}]", show(object), show(key)),
            ExprKind::Call { func, args } => format!("{}({})", show(func), list(args)),
            ExprKind::MethodCall {
                object,
                method,
                args,
            } => {
                format!(
                    "{}:{}({})",
                    show(object),
                    String::from_utf8_lossy(method),
                    list(args)
                )
            }
            ExprKind::Paren(inner) => format!("<{}>", show(inner)),
        }
    }

    /// The expression of `return <expr>` in `source`.
    fn returned(source: &str) -> String {
        let chunk = parse_ok(&format!("return {source}"));
        match &chunk.body.stats[0].kind {
            StatKind::Return { exprs } => exprs.iter().map(show).collect::<Vec<_>>().join(", "),
            other => panic!("not a return: {other:?}"),
        }
    }

    #[test]
    fn errors_match_luajit() {
        // (source, result of `loadstring(source)` in LuaJIT 2.1 — "ok" when it compiles).
        let cases: &[(&[u8], &[u8])] = &[
        (b"x = = 1", b"[string \"x = = 1\"]:1: unexpected symbol near '='"),
        (b"x", b"[string \"x\"]:1: '=' expected near '<eof>'"),
        (b"(x)", b"[string \"(x)\"]:1: syntax error near '<eof>'"),
        (b"f() = 1", b"[string \"f() = 1\"]:1: unexpected symbol near '='"),
        (b"x, f() = 1", b"[string \"x, f() = 1\"]:1: syntax error near '='"),
        (b"local goto = 1 print(goto)", b"ok"),
        (b"goto = 1", b"ok"),
        (b"goto 1", b"[string \"goto 1\"]:1: '=' expected near '1'"),
        (b"break", b"[string \"break\"]:1: no loop to break"),
        (b"if x then break end", b"[string \"if x then break end\"]:1: no loop to break"),
        (b"if x then\x0a break\x0a\x0aend", b"[string \"if x then...\"]:2: no loop to break"),
        (b"goto foo", b"[string \"goto foo\"]:1: undefined label 'foo'"),
        (b"do goto foo end\x0a\x0ax=1", b"[string \"do goto foo end...\"]:1: undefined label 'foo'"),
        (b"::a:: ::a::", b"[string \"::a:: ::a::\"]:1: duplicate label 'a'"),
        (b"::a:: do ::a:: end", b"ok"),
        (b"do ::a:: end ::a::", b"ok"),
        (b"goto a; local x; ::a:: print(x)", b"[string \"goto a; local x; ::a:: print(x)\"]:1: <goto a> jumps into the scope of local 'x'"),
        (b"goto a; local x; ::a::", b"ok"),
        (b"x = \"abc", b"[string \"x = \"abc\"]:1: unfinished string near '<eof>'"),
        (b"x = \"abc\x0ay\"", b"[string \"x = \"abc...\"]:1: unfinished string near '\"abc'"),
        (b"x = \"a\\qb\"", b"[string \"x = \"a\\qb\"\"]:1: invalid escape sequence near '\"a'"),
        (b"x = \"a\\x4g\"", b"[string \"x = \"a\\x4g\"\"]:1: invalid escape sequence near '\"a'"),
        (b"x = \"a\\u{110000}\"", b"[string \"x = \"a\\u{110000}\"\"]:1: invalid escape sequence near '\"a'"),
        (b"x = \"a\\u{d800}\"", b"[string \"x = \"a\\u{d800}\"\"]:1: invalid escape sequence near '\"a'"),
        (b"x = \"a\\256\"", b"[string \"x = \"a\\256\"\"]:1: invalid escape sequence near '\"a'"),
        (b"x = \"\\u{}\"", b"[string \"x = \"\\u{}\"\"]:1: invalid escape sequence near '\"'"),
        (b"x = 3x", b"[string \"x = 3x\"]:1: malformed number near '3x'"),
        (b"x = 0x", b"[string \"x = 0x\"]:1: malformed number near '0x'"),
        (b"x = 0x.8", b"ok"),
        (b"x = 0x1.", b"ok"),
        (b"x = 0x.p1", b"[string \"x = 0x.p1\"]:1: malformed number near '0x.p1'"),
        (b"x = 1.e5", b"ok"),
        (b"x = .e5", b"[string \"x = .e5\"]:1: unexpected symbol near '.'"),
        (b"x = 1e", b"[string \"x = 1e\"]:1: malformed number near '1e'"),
        (b"x = 0x1p", b"[string \"x = 0x1p\"]:1: malformed number near '0x1p'"),
        (b"x = 5..3", b"[string \"x = 5..3\"]:1: malformed number near '5..3'"),
        (b"x = [[abc", b"[string \"x = [[abc\"]:1: unfinished long string near '<eof>'"),
        (b"--[[abc", b"[string \"--[[abc\"]:1: unfinished long comment near '<eof>'"),
        (b"x = [=abc", b"[string \"x = [=abc\"]:1: invalid long string delimiter near '[='"),
        (b"x = [==[ ]=]", b"[string \"x = [==[ ]=]\"]:1: unfinished long string near '<eof>'"),
        (b"x = a\x0a(b)", b"[string \"x = a...\"]:2: ambiguous syntax (function call x new statement) near '('"),
        (b"f(", b"[string \"f(\"]:1: unexpected symbol near '<eof>'"),
        (b"f(\x0a\x0a", b"[string \"f(...\"]:3: unexpected symbol near '<eof>'"),
        (b"x = {1,2\x0a\x0a", b"[string \"x = {1,2...\"]:3: '}' expected (to close '{' at line 1) near '<eof>'"),
        (b"function f(1) end", b"[string \"function f(1) end\"]:1: <name> or '...' expected near '1'"),
        (b"function f() x = 1", b"[string \"function f() x = 1\"]:1: 'end' expected near '<eof>'"),
        (b"function f()\x0a x = 1", b"[string \"function f()...\"]:2: 'end' expected (to close 'function' at line 1) near '<eof>'"),
        (b"x = ...", b"ok"),
        (b"function f() return ... end", b"[string \"function f() return ... end\"]:1: cannot use '...' outside a vararg function near '...'"),
        (b"a:b 1", b"[string \"a:b 1\"]:1: function arguments expected near '1'"),
        (b"a.1", b"[string \"a.1\"]:1: '=' expected near '.1'"),
        (b"x = \x00", b"[string \"x = \"]:1: unexpected symbol"),
        (b"x = @", b"[string \"x = @\"]:1: unexpected symbol near '@'"),
        (b"x = \x01", b"[string \"x = ...\"]:1: unexpected symbol near 'char(1)'"),
        (b"x = !=", b"[string \"x = !=\"]:1: unexpected symbol near '!'"),
        (b"x = a ~ b", b"[string \"x = a ~ b\"]:1: unexpected symbol near '~'"),
        (b"for i do end", b"[string \"for i do end\"]:1: '=' or 'in' expected near 'do'"),
        (b"for i=1 do end", b"[string \"for i=1 do end\"]:1: ',' expected near 'do'"),
        (b"return 1; x=1", b"[string \"return 1; x=1\"]:1: '<eof>' expected near 'x'"),
        (b"do return end x=1", b"ok"),
        (b"x = \"\\z   \x0a  a\"", b"ok"),
        (b"#!shebang\x0ax=", b"[string \"#!shebang...\"]:2: unexpected symbol near '<eof>'"),
        (b"\xef\xbb\xbfx = =", b"[string \"\xef\xbb\xbfx = =\"]:1: unexpected symbol near '='"),
        (b"x = \"\\", b"[string \"x = \"\\\"]:1: unfinished string near '<eof>'"),
        (b"local function 1", b"[string \"local function 1\"]:1: '<name>' expected near '1'"),
        (b"x = {[1]}", b"[string \"x = {[1]}\"]:1: '=' expected near '}'"),
        (b"x = {a 1}", b"[string \"x = {a 1}\"]:1: '}' expected near '1'"),
        (b"local 1", b"[string \"local 1\"]:1: '<name>' expected near '1'"),
        (b"return return", b"[string \"return return\"]:1: unexpected symbol near 'return'"),
        (b"x = 1e+", b"[string \"x = 1e+\"]:1: malformed number near '1e+'"),
        (b"x = 08", b"ok"),
        (b"x = 1_0", b"[string \"x = 1_0\"]:1: malformed number near '1_0'"),
        (b"x = function\x0a\x0a() end end", b"[string \"x = function...\"]:3: '<eof>' expected near 'end'"),
        (b"repeat x = 1", b"[string \"repeat x = 1\"]:1: 'until' expected near '<eof>'"),
        (b"while true do", b"[string \"while true do\"]:1: 'end' expected near '<eof>'"),
        (b"if x then else", b"[string \"if x then else\"]:1: 'end' expected near '<eof>'"),
        (b"if x then elseif", b"[string \"if x then elseif\"]:1: unexpected symbol near '<eof>'"),
        (b"x = \"a\\\x0d\x0ab", b"[string \"x = \"a\\...\"]:2: unfinished string near '<eof>'"),
        (b"::1::", b"[string \"::1::\"]:1: '<name>' expected near '1'"),
        (b"goto end", b"[string \"goto end\"]:1: '=' expected near 'end'"),
        (b"x = a.b.c:d", b"[string \"x = a.b.c:d\"]:1: function arguments expected near '<eof>'"),
        (b"(f)", b"[string \"(f)\"]:1: syntax error near '<eof>'"),
        (b"f()()", b"ok"),
        (b"x.y:z()", b"ok"),
        (b"local a <const> = 1", b"[string \"local a <const> = 1\"]:1: unexpected symbol near '<'"),
        (b"x = \"abc\\ndef\\tg\x0ah\"", b"[string \"x = \"abc\\ndef\\tg...\"]:1: unfinished string near '\"abc\x0adef\x09g'"),
        (b"goto\x0afoo\x0a\x0ax=1", b"[string \"goto...\"]:2: undefined label 'foo'"),
        (b"do\x0agoto foo\x0a\x0aend", b"[string \"do...\"]:2: undefined label 'foo'"),
        (b"if x then break\x0aend", b"[string \"if x then break...\"]:1: no loop to break"),
        (b"if x then\x0abreak end", b"[string \"if x then...\"]:2: no loop to break"),
        (b"::a::\x0a::\x0aa\x0a::", b"[string \"::a::...\"]:4: duplicate label 'a'"),
        (b"::a::\x0a::a\x0a\x0a::", b"[string \"::a::...\"]:4: duplicate label 'a'"),
        (b"goto\x0aa\x0alocal x\x0a::a:: print(x)", b"[string \"goto...\"]:2: <goto a> jumps into the scope of local 'x'"),
        (b"goto a\x0alocal x\x0a\x0a::\x0aa\x0a:: print(x)", b"[string \"goto a...\"]:1: <goto a> jumps into the scope of local 'x'"),
        (b"do goto a end local x ::a:: print(x)", b"[string \"do goto a end local x ::a:: print(x)\"]:1: <goto a> jumps into the scope of local 'x'"),
        (b"repeat goto a; local x; ::a:: until x", b"[string \"repeat goto a; local x; ::a:: until x\"]:1: <goto a> jumps into the scope of local 'x'"),
        (b"goto a; local x; ::a:: ::b:: ;", b"[string \"goto a; local x; ::a:: ::b:: ;\"]:1: <goto a> jumps into the scope of local 'x'"),
        (b"goto a; do local x; ::a:: end", b"[string \"goto a; do local x; ::a:: end\"]:1: undefined label 'a'"),
        (b"x = 0x.", b"[string \"x = 0x.\"]:1: malformed number near '0x.'"),
        (b"local a,b = 1 a,b,c.d = 1", b"ok"),
        (b"function f() goto x end \"abc", b"[string \"function f() goto x end \"abc\"]:1: undefined label 'x'"),
        (b"x = {goto = 1, goto}", b"ok"),
        (b"while x do break end", b"ok"),
        (b"repeat break until x", b"ok"),
        (b"for i=1,2 do break end", b"ok"),
        (b"for k,v in pairs(t) do if k then break end end", b"ok"),
        (b"local function f() break end", b"[string \"local function f() break end\"]:1: no loop to break"),
        (b"x = function() return end end", b"[string \"x = function() return end end\"]:1: '<eof>' expected near 'end'"),
        (b"goto x; ::x::", b"ok"),
        (b"::x:: goto x", b"ok"),
        (b"do goto x end ::x::", b"ok"),
        (b"::x:: do goto x end", b"ok"),
        (b"while x do goto continue; local y = 1; ::continue:: end", b"ok"),
        (b"while x do goto continue; local y = 1; ::continue:: ; end", b"[string \"while x do goto continue; local y = 1; ::cont...\"]:1: <goto continue> jumps into the scope of local 'y'"),
        (b"repeat goto c; local y; ::c:: until y", b"[string \"repeat goto c; local y; ::c:: until y\"]:1: <goto c> jumps into the scope of local 'y'"),
        (b"function a.b.c:d(x, ...) return self, ... end", b"ok"),
        (b"function a.b.c:d(x, ...) return self end function e(...) return function() return ... end end", b"[string \"function a.b.c:d(x, ...) return self end func...\"]:1: cannot use '...' outside a vararg function near '...'"),
        (b"x = -2^-3^4 .. a .. b == c and d or not e", b"ok"),
        (b"x = #t + -1 - - - 1", b"ok"),
        (b"f{1,2;3,[4]=5,a=6,}", b"ok"),
        (b"f\"s\"[[x]]{}:m\"\"", b"ok"),
        (b"a.b[c].d = 1", b"ok"),
        (b"a, b.c, d[1] = f()", b"ok"),
        (b"local a, b, c", b"ok"),
        (b"return", b"ok"),
        (b"return;", b"ok"),
        (b"return 1,2,3;", b"ok"),
        (b"x = a..b..c", b"ok"),
        (b"if a then elseif b then else end", b"ok"),
        (b"for i = 1, 2, 3 do end", b"ok"),
        (b"for a, b, c in x, y, z do end", b"ok"),
        (b"x = 1 y = 2 ;;; z = 3", b"[string \"x = 1 y = 2 ;;; z = 3\"]:1: unexpected symbol near ';'"),
        (b";", b"[string \";\"]:1: unexpected symbol near ';'"),
        (b";;", b"[string \";;\"]:1: unexpected symbol near ';'"),
        (b"x = f\x0a{1}", b"ok"),
        (b"x = f\x0a'str'", b"ok"),
        (b"a = b\x0a[c] = 1", b"[string \"a = b...\"]:2: unexpected symbol near '='"),
        (b"local x = 0x1p4 + 0X.1P-2 + 1e+10 + .5e1", b"ok"),
        (b"x = '\\u{7FFFFFFF}'", b"[string \"x = '\\u{7FFFFFFF}'\"]:1: invalid escape sequence near '''"),
        (b"x = 1 --[==[ comment\x0a\x0a]==] y = 2 --[[ x", b"[string \"x = 1 --[==[ comment...\"]:3: unfinished long comment near '<eof>'"),
        (b"x = 1 --[==[ comment\x0a\x0a]=] y = 2", b"[string \"x = 1 --[==[ comment...\"]:3: unfinished long comment near '<eof>'"),
        (b"x = [[\x0a]]", b"ok"),
        (b"f(\x0a)", b"ok"),
        (b"f(a\x0a,b)", b"ok"),
        (b"f\x0a(a)", b"[string \"f...\"]:2: ambiguous syntax (function call x new statement) near '('"),
        (b"local x <close> = 1", b"[string \"local x <close> = 1\"]:1: unexpected symbol near '<'"),
        (b"x = 1\x0a\x0a\x0a\x0ay = = 2", b"[string \"x = 1...\"]:5: unexpected symbol near '='"),
        (b"x = 'abc\\\x0adef'", b"ok"),
        (b"x = 'a\\r\\n'", b"ok"),
        (b"return ...", b"ok"),
        (b"return ..., 1", b"ok"),
        (b"local t = {...}", b"ok"),
        (b"x = a:b:c()", b"[string \"x = a:b:c()\"]:1: function arguments expected near ':'"),
        (b"x = a:b().c", b"ok"),
        (b"x.y", b"[string \"x.y\"]:1: '=' expected near '<eof>'"),
        (b"x[1]", b"[string \"x[1]\"]:1: '=' expected near '<eof>'"),
        (b"x:y", b"[string \"x:y\"]:1: function arguments expected near '<eof>'"),
        (b"a.b:c = 1", b"[string \"a.b:c = 1\"]:1: function arguments expected near '='"),
        (b"f() , x = 1", b"[string \"f() , x = 1\"]:1: unexpected symbol near ','"),
        (b"x, y", b"[string \"x, y\"]:1: '=' expected near '<eof>'"),
        (b"x, y =", b"[string \"x, y =\"]:1: unexpected symbol near '<eof>'"),
        (b"local function f(a, b, ...) end", b"ok"),
        (b"local function f(..., a) end", b"[string \"local function f(..., a) end\"]:1: ')' expected near ','"),
        (b"function f(a,) end", b"[string \"function f(a,) end\"]:1: <name> or '...' expected near ')'"),
        (b"function f(a b) end", b"[string \"function f(a b) end\"]:1: ')' expected near 'b'"),
        (b"function (a) end", b"[string \"function (a) end\"]:1: '<name>' expected near '('"),
        (b"function f.() end", b"[string \"function f.() end\"]:1: '<name>' expected near '('"),
        (b"function f:() end", b"[string \"function f:() end\"]:1: '<name>' expected near '('"),
        (b"function f:g.h() end", b"[string \"function f:g.h() end\"]:1: '(' expected near '.'"),
        (b"local function f.g() end", b"[string \"local function f.g() end\"]:1: '(' expected near '.'"),
        (b"x = function f() end", b"[string \"x = function f() end\"]:1: '(' expected near 'f'"),
        (b"if x then", b"[string \"if x then\"]:1: 'end' expected near '<eof>'"),
        (b"if x", b"[string \"if x\"]:1: 'then' expected near '<eof>'"),
        (b"if x then x = 1 elseif y x = 2 end", b"[string \"if x then x = 1 elseif y x = 2 end\"]:1: 'then' expected near 'x'"),
        (b"for i = 1 do", b"[string \"for i = 1 do\"]:1: ',' expected near 'do'"),
        (b"for i in do end", b"[string \"for i in do end\"]:1: unexpected symbol near 'do'"),
        (b"for 1 = 1, 2 do end", b"[string \"for 1 = 1, 2 do end\"]:1: '<name>' expected near '1'"),
        (b"for i, 1 in x do end", b"[string \"for i, 1 in x do end\"]:1: '<name>' expected near '1'"),
        (b"while do end", b"[string \"while do end\"]:1: unexpected symbol near 'do'"),
        (b"repeat until", b"[string \"repeat until\"]:1: unexpected symbol near '<eof>'"),
        (b"do end end", b"[string \"do end end\"]:1: '<eof>' expected near 'end'"),
        (b"end", b"[string \"end\"]:1: '<eof>' expected near 'end'"),
        (b"else", b"[string \"else\"]:1: '<eof>' expected near 'else'"),
        (b"until", b"[string \"until\"]:1: '<eof>' expected near 'until'"),
        (b"elseif", b"[string \"elseif\"]:1: '<eof>' expected near 'elseif'"),
        (b"x = }", b"[string \"x = }\"]:1: unexpected symbol near '}'"),
        (b"x = ]", b"[string \"x = ]\"]:1: unexpected symbol near ']'"),
        (b"x = )", b"[string \"x = )\"]:1: unexpected symbol near ')'"),
        (b"x = (", b"[string \"x = (\"]:1: unexpected symbol near '<eof>'"),
        (b"x = [", b"[string \"x = [\"]:1: unexpected symbol near '['"),
        (b"x = {", b"[string \"x = {\"]:1: unexpected symbol near '<eof>'"),
        (b"x = 1 +", b"[string \"x = 1 +\"]:1: unexpected symbol near '<eof>'"),
        (b"x = not", b"[string \"x = not\"]:1: unexpected symbol near '<eof>'"),
        (b"x = - ", b"[string \"x = - \"]:1: unexpected symbol near '<eof>'"),
        (b"x = a ==", b"[string \"x = a ==\"]:1: unexpected symbol near '<eof>'"),
        (b"x = and", b"[string \"x = and\"]:1: unexpected symbol near 'and'"),
        (b"x = a or or b", b"[string \"x = a or or b\"]:1: unexpected symbol near 'or'"),
        (b"f(a,)", b"[string \"f(a,)\"]:1: unexpected symbol near ')'"),
        (b"f(,)", b"[string \"f(,)\"]:1: unexpected symbol near ','"),
        (b"x = {,}", b"[string \"x = {,}\"]:1: unexpected symbol near ','"),
        (b"x = {;}", b"[string \"x = {;}\"]:1: unexpected symbol near ';'"),
        (b"x = {1,,2}", b"[string \"x = {1,,2}\"]:1: unexpected symbol near ','"),
        (b"x = a.b.", b"[string \"x = a.b.\"]:1: '<name>' expected near '<eof>'"),
        (b"x = a[", b"[string \"x = a[\"]:1: unexpected symbol near '<eof>'"),
        (b"x = a[]", b"[string \"x = a[]\"]:1: unexpected symbol near ']'"),
        (b"x = a[1", b"[string \"x = a[1\"]:1: ']' expected near '<eof>'"),
        (b"x = a:", b"[string \"x = a:\"]:1: '<name>' expected near '<eof>'"),
        (b"x = a:b", b"[string \"x = a:b\"]:1: function arguments expected near '<eof>'"),
        (b"x = a:1()", b"[string \"x = a:1()\"]:1: '<name>' expected near '1'"),
        (b"x = 'abc' 'def'", b"[string \"x = 'abc' 'def'\"]:1: unexpected symbol near ''def''"),
        (b"x = 1 2", b"[string \"x = 1 2\"]:1: unexpected symbol near '2'"),
        (b"x = nil nil", b"[string \"x = nil nil\"]:1: unexpected symbol near 'nil'"),
        (b"local", b"[string \"local\"]:1: '<name>' expected near '<eof>'"),
        (b"local x =", b"[string \"local x =\"]:1: unexpected symbol near '<eof>'"),
        (b"local x = 1,", b"[string \"local x = 1,\"]:1: unexpected symbol near '<eof>'"),
        (b"local function", b"[string \"local function\"]:1: '<name>' expected near '<eof>'"),
        (b"local function f", b"[string \"local function f\"]:1: '(' expected near '<eof>'"),
        (b"local function f(", b"[string \"local function f(\"]:1: <name> or '...' expected near '<eof>'"),
        (b"return 1 2", b"[string \"return 1 2\"]:1: '<eof>' expected near '2'"),
        (b"return (1", b"[string \"return (1\"]:1: ')' expected near '<eof>'"),
        (b"::", b"[string \"::\"]:1: '<name>' expected near '<eof>'"),
        (b"::a", b"[string \"::a\"]:1: '::' expected near '<eof>'"),
        (b"::a:", b"[string \"::a:\"]:1: '::' expected near ':'"),
        (b"::a:::", b"[string \"::a:::\"]:1: unexpected symbol near ':'"),
        (b"goto", b"[string \"goto\"]:1: '=' expected near '<eof>'"),
        (b"goto;", b"[string \"goto;\"]:1: '=' expected near ';'"),
        (b"break 1", b"[string \"break 1\"]:1: '<eof>' expected near '1'"),
        (b"x = ..", b"[string \"x = ..\"]:1: unexpected symbol near '..'"),
        (b"x = ...", b"ok"),
        (b"x = ....", b"[string \"x = ....\"]:1: unexpected symbol near '.'"),
        (b"x = a...b", b"[string \"x = a...b\"]:1: unexpected symbol near '...'"),
        (b"x = 1..2", b"[string \"x = 1..2\"]:1: malformed number near '1..2'"),
        (b"x = 1 .. 2", b"ok"),
        (b"x = 0x1p-1074", b"ok"),
        (b"x = 1e-400", b"ok"),
        (b"x = \"\\300\"", b"[string \"x = \"\\300\"\"]:1: invalid escape sequence near '\"'"),
        (b"x = \"\\255\"", b"ok"),
        (b"x = \"\\xg\"", b"[string \"x = \"\\xg\"\"]:1: invalid escape sequence near '\"'"),
        (b"x = \"\\x\"", b"[string \"x = \"\\x\"\"]:1: invalid escape sequence near '\"'"),
        (b"x = \"\\xa\"", b"[string \"x = \"\\xa\"\"]:1: invalid escape sequence near '\"'"),
        (b"x = \"\\u\"", b"[string \"x = \"\\u\"\"]:1: invalid escape sequence near '\"'"),
        (b"x = \"\\u{\"", b"[string \"x = \"\\u{\"\"]:1: invalid escape sequence near '\"'"),
        (b"x = \"\\u{1\"", b"[string \"x = \"\\u{1\"\"]:1: invalid escape sequence near '\"'"),
        (b"x = \"\\u{12345678}\"", b"[string \"x = \"\\u{12345678}\"\"]:1: invalid escape sequence near '\"'"),
        (b"x = \"\\u{110000}\"", b"[string \"x = \"\\u{110000}\"\"]:1: invalid escape sequence near '\"'"),
        (b"x = \"\\u{10FFFF}\"", b"ok"),
        (b"x = \"\\c\"", b"[string \"x = \"\\c\"\"]:1: invalid escape sequence near '\"'"),
        (b"x = \"\\\x00\"", b"[string \"x = \"\\\"]:1: invalid escape sequence near '\"'"),
        (b"x = \"a\x0db\"", b"[string \"x = \"a...\"]:1: unfinished string near '\"a'"),
        (b"x = [=[\x0d\x0a]=]", b"ok"),
        (b"x = [=", b"[string \"x = [=\"]:1: invalid long string delimiter near '[='"),
        (b"x = [==", b"[string \"x = [==\"]:1: invalid long string delimiter near '[=='"),
        (b"x = [=[", b"[string \"x = [=[\"]:1: unfinished long string near '<eof>'"),
        (b"x = [=[]", b"[string \"x = [=[]\"]:1: unfinished long string near '<eof>'"),
        (b"x = [=[]=", b"[string \"x = [=[]=\"]:1: unfinished long string near '<eof>'"),
        (b"x = [=[]=]", b"ok"),
        (b"--[=", b"ok"),
        (b"--[==[", b"[string \"--[==[\"]:1: unfinished long comment near '<eof>'"),
        (b"--[==[]]", b"[string \"--[==[]]\"]:1: unfinished long comment near '<eof>'"),
        (b"--", b"ok"),
        (b"-- x\x0a y", b"[string \"-- x...\"]:2: '=' expected near '<eof>'"),
        (b"x = 3 -- comment", b"ok"),
        (b"x = 3 --[[ c ]] + 1", b"ok"),
        (b"a = 1\x0d\x0a\x0d\x0ab = = 2", b"[string \"a = 1...\"]:3: unexpected symbol near '='"),
        (b"a = 1\x0a\x0d\x0a\x0db = = 2", b"[string \"a = 1...\"]:3: unexpected symbol near '='"),
        (b"a = 1\x0d\x0db = = 2", b"[string \"a = 1...\"]:3: unexpected symbol near '='"),
        (b"a = 1\x0a\x0ab = = 2", b"[string \"a = 1...\"]:3: unexpected symbol near '='"),
        (b"x = '\\\x0d\x0a\x0d\x0a' y = = 1", b"[string \"x = '\\...\"]:2: unfinished string near ''\x0a'"),
        (b"x = [[\x0d\x0a\x0d\x0a]] y = = 1", b"[string \"x = [[...\"]:3: unexpected symbol near '='"),
        (b"x = \"\\z", b"[string \"x = \"\\z\"]:1: unfinished string near '<eof>'"),
        (b"x = 'a\\z", b"[string \"x = 'a\\z\"]:1: unfinished string near '<eof>'"),
        (b"x = 'a\\", b"[string \"x = 'a\\\"]:1: unfinished string near '<eof>'"),
        (b"x = '\\", b"[string \"x = '\\\"]:1: unfinished string near '<eof>'"),
        (b"x = '\\\x0a", b"[string \"x = '\\...\"]:2: unfinished string near '<eof>'"),
        (b"x = [[a]] [[b", b"[string \"x = [[a]] [[b\"]:1: unfinished long string near '<eof>'"),
        // `goto` as a name, labels and scopes, call ambiguity.
        (b"goto.x = 1", b"ok"),
        (b"goto:m()", b"ok"),
        (b"local function goto() end", b"ok"),
        (b"for goto = 1, 2 do end", b"ok"),
        (b"function goto.x() end", b"ok"),
        (b"x = goto", b"ok"),
        (b"goto(1)", b"ok"),
        (b"goto 'str'", b"ok"),
        (b"goto goto", b"[string \"goto goto\"]:1: '=' expected near 'goto'"),
        (b"goto goto ::goto::", b"[string \"goto goto ::goto::\"]:1: '=' expected near 'goto'"),
        (b"::goto::", b"ok"),
        (b"goto = goto + 1", b"ok"),
        (b"local goto, x = 1", b"ok"),
        (b"function f(goto) return goto end", b"ok"),
        (b"t = {goto = 1}", b"ok"),
        (b"t = {[goto] = 1}", b"ok"),
        (b"x = a.goto", b"ok"),
        (b"a:goto()", b"ok"),
        (b"for i, goto in x do end", b"ok"),
        (b"goto\x0a(1)", b"ok"),
        (b"x = goto\x0a(1)", b"[string \"x = goto...\"]:2: ambiguous syntax (function call x new statement) near '('"),
        (b"a:b\x0a(1)", b"[string \"a:b...\"]:2: ambiguous syntax (function call x new statement) near '('"),
        (b"a.b\x0a{1}", b"ok"),
        (b"a\x0a'x'", b"ok"),
        (b"local x = 1\x0a(f)()", b"ok"),
        (b"repeat local x; goto c; ::c:: until x", b"ok"),
        (b"repeat goto c; local x; ::c:: until true", b"[string \"repeat goto c; local x; ::c:: until true\"]:1: <goto c> jumps into the scope of local 'x'"),
        (b"while true do goto c; local x; ::c:: end", b"ok"),
        (b"do goto l; local a; ::l:: ::m:: end", b"ok"),
        (b"do goto l; local a; ::l:: ; end", b"[string \"do goto l; local a; ::l:: ; end\"]:1: <goto l> jumps into the scope of local 'a'"),
        (b"do goto l; local a; ::l:: return end", b"[string \"do goto l; local a; ::l:: return end\"]:1: <goto l> jumps into the scope of local 'a'"),
        (b"goto l; local a; ::l:: ::m:: ::n::", b"ok"),
        (b"local x ::l:: goto l", b"ok"),
        (b"::l:: local x goto l", b"ok"),
        (b"do ::l:: end goto l", b"[string \"do ::l:: end goto l\"]:1: undefined label 'l'"),
        (b"goto l do ::l:: end", b"[string \"goto l do ::l:: end\"]:1: undefined label 'l'"),
        (b"for i=1,2 do goto l end ::l::", b"ok"),
        (b"local a goto l local b ::l:: print(b)", b"[string \"local a goto l local b ::l:: print(b)\"]:1: <goto l> jumps into the scope of local 'b'"),
        (b"function f() ::l:: end ::l::", b"ok"),
        (b"function f() goto l end ::l::", b"[string \"function f() goto l end ::l::\"]:1: undefined label 'l'"),
        (b"::l:: function f() goto l end", b"[string \"::l:: function f() goto l end\"]:1: undefined label 'l'"),
        (b"while x do function f() break end end", b"[string \"while x do function f() break end end\"]:1: no loop to break"),
        (b"if x then goto l elseif y then goto l else goto l end ::l::", b"ok"),
        (b"if x then goto l end local z ::l:: x = z", b"[string \"if x then goto l end local z ::l:: x = z\"]:1: <goto l> jumps into the scope of local 'z'"),
        (b"local function f() local x return function() goto l end end", b"[string \"local function f() local x return function() ...\"]:1: undefined label 'l'"),
        (b"break\x0a", b"[string \"break...\"]:1: no loop to break"),
        (b"if x then\x0a\x0a break\x0a\x0a\x0a end", b"[string \"if x then...\"]:3: no loop to break"),
        (b"do\x0a\x0a  goto\x0a\x0a  zz\x0a\x0aend", b"[string \"do...\"]:5: undefined label 'zz'"),
        (b"goto a\x0a::b::\x0agoto b\x0a::a::", b"ok"),
        (b"do goto a end do ::a:: end", b"[string \"do goto a end do ::a:: end\"]:1: undefined label 'a'"),
        (b"repeat until x ::l::", b"ok"),
        (b"repeat ::l:: until x goto l", b"[string \"repeat ::l:: until x goto l\"]:1: undefined label 'l'"),
        (b"for i = 1, 2 do local x ::c:: end", b"ok"),
        (b"local x = 1 goto l x = 2 ::l::", b"ok"),
        (b"goto l local x = 1 ::l:: ::l2::", b"ok"),
        (b"goto l; local x; ::l:: ;;", b"[string \"goto l; local x; ::l:: ;;\"]:1: <goto l> jumps into the scope of local 'x'"),
        ];
        let mut failures = Vec::new();
        for &(source, want) in cases {
            let want = String::from_utf8_lossy(want);
            let got = result(source);
            if got != want {
                failures.push(format!(
                    "{:?}\n  want: {want}\n  got:  {got}",
                    String::from_utf8_lossy(source)
                ));
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    #[test]
    fn nesting_limits_match_luajit() {
        // LuaJIT: 197 parentheses compile, 198 are too many; 198 nested `do` blocks compile.
        let parens = |n: usize| format!("x = {}1{}", "(".repeat(n), ")".repeat(n));
        assert_eq!(result(parens(197).as_bytes()), "ok");
        assert!(result(parens(198).as_bytes()).ends_with("]:1: chunk has too many syntax levels"));
        let blocks = |n: usize| format!("{}{}", "do ".repeat(n), " end".repeat(n));
        assert_eq!(result(blocks(198).as_bytes()), "ok");
        assert!(result(blocks(199).as_bytes()).ends_with("]:1: chunk has too many syntax levels"));
        let concat = |n: usize| format!("x = {}a", "a .. ".repeat(n));
        assert_eq!(result(concat(197).as_bytes()), "ok");
        assert!(result(concat(198).as_bytes()).ends_with("]:1: chunk has too many syntax levels"));
        let targets = |n: usize| format!("{}a = 1", "a,".repeat(n));
        assert_eq!(result(targets(198).as_bytes()), "ok");
        assert!(result(targets(199).as_bytes())
            .ends_with("]:1: main function has more than 200 variable names"));
    }

    #[test]
    fn local_variable_limits_match_luajit() {
        let locals = |n: usize| {
            (1..=n)
                .map(|i| format!("local a{i}"))
                .collect::<Vec<_>>()
                .join("\n")
        };
        assert_eq!(result(locals(200).as_bytes()), "ok");
        assert_eq!(
            result(locals(201).as_bytes()),
            "[string \"local a1...\"]:201: main function has more than 200 local variables"
        );
        let nested = format!("x=1\nlocal function f()\n{} end", locals(201));
        assert!(result(nested.as_bytes())
            .ends_with(":203: function at line 2 has more than 200 local variables"));
        // 65476 entries (locals, gotos, labels) fit on LuaJIT's variable stack per chunk.
        let labels = |n: usize| {
            (1..=n)
                .map(|i| format!("::l{i}::;"))
                .collect::<Vec<_>>()
                .join("\n")
        };
        assert_eq!(result(labels(MAX_VARIABLE_ENTRIES).as_bytes()), "ok");
        assert!(
            result(format!("{} local x", labels(MAX_VARIABLE_ENTRIES)).as_bytes())
                .ends_with(":65476: chunk has more than 65476 local variables")
        );
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let n = 100_000;
        let cases = [
            format!("x = {}1{}", "(".repeat(n), ")".repeat(n)),
            format!("x = {}{}", "{".repeat(n), "}".repeat(n)),
            format!("{}{}", "do ".repeat(n), " end".repeat(n)),
            format!("{}{}", "if x then ".repeat(n), " end".repeat(n)),
            format!(
                "x = {}1{}",
                "function() return ".repeat(n),
                " end".repeat(n)
            ),
            format!("x = {}a", "- ".repeat(n)),
            format!("x = {}a", "a ^ ".repeat(n)),
            format!("x = {}", "f(".repeat(n)),
            format!("x = {}", "{".repeat(n)),
            // Call chains are loops in LuaJIT but deep trees here.
            format!("x = f{}", "()".repeat(n)),
            format!("x = a{}", ":m()".repeat(n)),
        ];
        for source in cases {
            let got = result(source.as_bytes());
            assert!(
                got.ends_with("]:1: chunk has too many syntax levels"),
                "{got}"
            );
        }
        // Arithmetic and field chains of any length parse, as in LuaJIT.
        for source in [
            format!("x = a{}", ".b".repeat(n)),
            format!("x = 1{}", " + 1".repeat(n)),
        ] {
            assert!(parse(source.as_bytes(), "chain").is_ok());
        }
    }

    #[test]
    fn long_left_chains_within_the_tree_limit_parse() {
        let chain = format!("x = a{}", ".b".repeat(500));
        assert_eq!(result(chain.as_bytes()), "ok");
        let sum = format!("x = 1{}", " + 1".repeat(500));
        assert_eq!(result(sum.as_bytes()), "ok");
    }

    #[test]
    fn huge_inputs_parse() {
        let big = format!(
            "local s = \"{}\"\nreturn s",
            "abcdefghi\\n".repeat(1_000_000)
        );
        let chunk = parse_ok(&big);
        match &chunk.body.stats[0].kind {
            StatKind::Local { exprs, .. } => match &exprs[0].kind {
                ExprKind::String(s) => assert_eq!(s.len(), 10_000_000),
                other => panic!("{other:?}"),
            },
            other => panic!("{other:?}"),
        }
        let long = format!("return [==[{}]==]", "abcdefghi\n".repeat(1_000_000));
        assert_eq!(result(long.as_bytes()), "ok");
        let many: String = (0..200_000).map(|i| format!("x = x + {i}\n")).collect();
        let chunk = parse_ok(&many);
        assert_eq!(chunk.body.stats.len(), 200_000);
        assert_eq!(chunk.body.end_line, 200_001);
        let labels: String = (0..20_000)
            .map(|i| format!("goto l{i} ::l{i}::\n"))
            .collect();
        assert_eq!(result(labels.as_bytes()), "ok");
    }

    #[test]
    fn random_bytes_never_panic() {
        // xorshift64*: deterministic, no dependencies.
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move || {
            state ^= state >> 12;
            state ^= state << 25;
            state ^= state >> 27;
            state.wrapping_mul(0x2545_f491_4f6c_dd1d)
        };
        let fragments: &[&[u8]] = &[
            b"local ",
            b"function ",
            b"end ",
            b"(",
            b")",
            b"{",
            b"}",
            b"[",
            b"]",
            b"[[",
            b"]]",
            b"[=[",
            b"--",
            b"--[[",
            b"\"",
            b"'",
            b"\\",
            b"\\x",
            b"\\u{",
            b"\\z",
            b"\n",
            b"\r",
            b"=",
            b"==",
            b"~=",
            b"..",
            b"...",
            b"::",
            b":",
            b".",
            b",",
            b";",
            b"goto ",
            b"break ",
            b"return ",
            b"if ",
            b"then ",
            b"else ",
            b"for ",
            b"in ",
            b"do ",
            b"while ",
            b"repeat ",
            b"until ",
            b"x",
            b"y1",
            b"0x1p4",
            b"1e",
            b"3.",
            b"#",
            b"-",
            b"+",
            b"^",
            b"not ",
            b"and ",
            b"or ",
            b"\0",
            b"\xff",
            b"#!",
            b"\x1b",
        ];
        for round in 0..20_000 {
            let len = (next() % 64) as usize;
            let source: Vec<u8> = if round % 2 == 0 {
                (0..len).map(|_| next() as u8).collect()
            } else {
                (0..len)
                    .flat_map(|_| {
                        fragments[(next() as usize) % fragments.len()]
                            .iter()
                            .copied()
                    })
                    .collect()
            };
            let _ = parse(&source, "random");
        }
    }

    #[test]
    fn operator_precedence_and_associativity() {
        assert_eq!(returned("1 + 2 * 3"), "(Add 1 (Mul 2 3))");
        assert_eq!(returned("1 - 2 - 3"), "(Sub (Sub 1 2) 3)");
        assert_eq!(returned("2 ^ 3 ^ 4"), "(Pow 2 (Pow 3 4))");
        assert_eq!(returned("-2 ^ 2"), "(Neg (Pow 2 2))");
        assert_eq!(returned("2 ^ -3"), "(Pow 2 (Neg 3))");
        assert_eq!(returned("a .. b .. c"), "(Concat a (Concat b c))");
        assert_eq!(returned("1 + 2 .. 3"), "(Concat (Add 1 2) 3)");
        assert_eq!(returned("a < b == c"), "(Eq (Lt a b) c)");
        assert_eq!(returned("a or b and c"), "(Or a (And b c))");
        assert_eq!(returned("not a == b"), "(Eq (Not a) b)");
        assert_eq!(returned("#t + 1"), "(Add (Len t) 1)");
        assert_eq!(
            returned("a >= b ~= (c <= d) > e"),
            "(Gt (Ne (Ge a b) <(Le c d)>) e)"
        );
        assert_eq!(returned("a % b / c * d"), "(Mul (Div (Mod a b) c) d)");
    }

    #[test]
    fn primary_expressions() {
        assert_eq!(
            returned("a.b[c]:m(1, 2)\"s\"{x = 1}"),
            "a[\"b\"][c]:m(1 2)(\"s\")({x=1})"
        );
        assert_eq!(returned("f{1, [2] = 3; y = 4,}"), "f({1 [2]=3 y=4})");
        assert_eq!(returned("(f())"), "<f()>");
        assert_eq!(returned("..., nil, true, false"), "..., nil, true, false");
        assert_eq!(returned("{goto = 1, goto}"), "{goto=1 goto}");
        assert_eq!(returned("0x10, 1e2, .5"), "16, 100, 0.5");
        assert_eq!(returned("[[\nx]], 'a\\tb'"), "\"x\", \"a\\tb\"");
        assert_eq!(returned("function(a, ...) end"), "(function 1 0)");
    }

    #[test]
    fn statements() {
        let chunk = parse_ok(
            "local a, b = 1\nfunction t.x.y:m(p, ...) return self end\nlocal function f() end\n\
             for i = 1, 2 do end for k, v in pairs(t) do end\nwhile x do break end\n\
             repeat local z until z\nif a then elseif b then else end\ngoto done\n::done::\n\
             a, t.b = f()\nf()\nt:m()\ndo end;\nreturn",
        );
        let kinds: Vec<String> = chunk
            .body
            .stats
            .iter()
            .map(|s| {
                let name = format!("{:?}", s.kind);
                format!(
                    "{}@{}",
                    name.split(|c: char| !c.is_alphanumeric())
                        .next()
                        .unwrap_or(""),
                    s.line
                )
            })
            .collect();
        assert_eq!(
            kinds,
            [
                "Local@1",
                "Function@2",
                "LocalFunction@3",
                "NumericFor@4",
                "GenericFor@4",
                "While@5",
                "Repeat@6",
                "If@7",
                "Goto@8",
                "Label@9",
                "Assign@10",
                "Call@11",
                "Call@12",
                "Do@13",
                "Return@14"
            ]
        );
        match &chunk.body.stats[1].kind {
            StatKind::Function { name, func } => {
                assert_eq!(name.base, b"t");
                assert_eq!(name.fields, vec![b"x".to_vec(), b"y".to_vec()]);
                assert_eq!(name.method.as_deref(), Some(b"m".as_slice()));
                assert!(func.is_method && func.is_vararg);
                assert_eq!(func.params, vec![b"p".to_vec()]);
                assert_eq!((func.line, func.body.end_line), (2, 2));
            }
            other => panic!("{other:?}"),
        }
        match &chunk.body.stats[7].kind {
            StatKind::If { arms, else_block } => {
                assert_eq!(arms.len(), 2);
                assert_eq!(arms[0].1.end_line, 7);
                assert!(else_block.is_some());
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(chunk.body.end_line, 14);
    }

    #[test]
    fn node_lines() {
        let chunk = parse_ok("x = a\n+\nb\nf\n{\n}\nlocal t = {\n1}\nreturn t\n.\nk");
        let StatKind::Assign { exprs, .. } = &chunk.body.stats[0].kind else {
            panic!()
        };
        assert_eq!(
            exprs[0].line, 2,
            "binary operators carry the operator's line"
        );
        let StatKind::Call(call) = &chunk.body.stats[1].kind else {
            panic!()
        };
        assert_eq!(
            (call.line, chunk.body.stats[1].line),
            (5, 4),
            "calls carry the argument list's line"
        );
        let StatKind::Local { exprs, .. } = &chunk.body.stats[2].kind else {
            panic!()
        };
        assert_eq!(exprs[0].line, 7);
        let StatKind::Return { exprs } = &chunk.body.stats[3].kind else {
            panic!()
        };
        assert_eq!(
            exprs[0].line, 9,
            "indexing carries the line of the expression's first token"
        );
        let ExprKind::Index { key, .. } = &exprs[0].kind else {
            panic!()
        };
        assert_eq!(key.line, 11);
    }

    #[test]
    fn function_line_defined_follows_luajit() {
        // LuaJIT records the line of the token after `function` (or after the local's name).
        let chunk =
            parse_ok("local f = function\n() end\nlocal function g\n() end\nfunction h\n() end");
        let StatKind::Local { exprs, .. } = &chunk.body.stats[0].kind else {
            panic!()
        };
        let ExprKind::Function(f) = &exprs[0].kind else {
            panic!()
        };
        assert_eq!((exprs[0].line, f.line, f.body.end_line), (1, 2, 2));
        let StatKind::LocalFunction { func, .. } = &chunk.body.stats[1].kind else {
            panic!()
        };
        assert_eq!(func.line, 4);
        let StatKind::Function { func, .. } = &chunk.body.stats[2].kind else {
            panic!()
        };
        assert_eq!(func.line, 5);
    }
}
