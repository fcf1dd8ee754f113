//! Tokens of Lua source as LuaJIT 2.1 lexes them, and how error messages name them.
//!
//! Error messages quote the offending token the way LuaJIT does: keywords and symbols by their
//! spelling, control characters as `char(N)`, and names, numbers and strings by the text the
//! lexer saw (strings with their delimiters and with escapes already decoded).

/// How a string literal was delimited; needed to quote it back in error messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quote {
    /// `'...'` or `"..."`: holds the quote byte.
    Short(u8),
    /// `[==[...]==]`: holds the number of `=` signs.
    Long(usize),
}

/// One token; keywords and symbols are unit variants, literals carry their value.
#[derive(Debug, Clone, PartialEq)]
pub enum Token {
    And,
    Break,
    Do,
    Else,
    Elseif,
    End,
    False,
    For,
    Function,
    Goto,
    If,
    In,
    Local,
    Nil,
    Not,
    Or,
    Repeat,
    Return,
    Then,
    True,
    Until,
    While,
    /// `..`
    Concat,
    /// `...`
    Dots,
    /// `==`
    Eq,
    /// `>=`
    Ge,
    /// `<=`
    Le,
    /// `~=`
    Ne,
    /// `::`
    Label,
    /// A numeric literal: its value and its source text.
    Number {
        value: f64,
        text: Vec<u8>,
    },
    Name(Vec<u8>),
    String {
        value: Vec<u8>,
        quote: Quote,
    },
    Eof,
    /// Any other single byte: `+ - * / % ^ # < > = ( ) { } [ ] ; : , .` and stray bytes.
    Char(u8),
}

impl Token {
    /// The keyword spelled by `word`, if it is one.
    pub fn keyword(word: &[u8]) -> Option<Token> {
        Some(match word {
            b"and" => Token::And,
            b"break" => Token::Break,
            b"do" => Token::Do,
            b"else" => Token::Else,
            b"elseif" => Token::Elseif,
            b"end" => Token::End,
            b"false" => Token::False,
            b"for" => Token::For,
            b"function" => Token::Function,
            b"goto" => Token::Goto,
            b"if" => Token::If,
            b"in" => Token::In,
            b"local" => Token::Local,
            b"nil" => Token::Nil,
            b"not" => Token::Not,
            b"or" => Token::Or,
            b"repeat" => Token::Repeat,
            b"return" => Token::Return,
            b"then" => Token::Then,
            b"true" => Token::True,
            b"until" => Token::Until,
            b"while" => Token::While,
            _ => return None,
        })
    }

    /// The fixed spelling of a keyword or multi-byte symbol, or the placeholder LuaJIT uses
    /// for a token class (`<name>`, `<string>`, `<number>`, `<eof>`).
    pub fn class_name(&self) -> &'static str {
        match self {
            Token::And => "and",
            Token::Break => "break",
            Token::Do => "do",
            Token::Else => "else",
            Token::Elseif => "elseif",
            Token::End => "end",
            Token::False => "false",
            Token::For => "for",
            Token::Function => "function",
            Token::Goto => "goto",
            Token::If => "if",
            Token::In => "in",
            Token::Local => "local",
            Token::Nil => "nil",
            Token::Not => "not",
            Token::Or => "or",
            Token::Repeat => "repeat",
            Token::Return => "return",
            Token::Then => "then",
            Token::True => "true",
            Token::Until => "until",
            Token::While => "while",
            Token::Concat => "..",
            Token::Dots => "...",
            Token::Eq => "==",
            Token::Ge => ">=",
            Token::Le => "<=",
            Token::Ne => "~=",
            Token::Label => "::",
            Token::Number { .. } => "<number>",
            Token::Name(_) => "<name>",
            Token::String { .. } => "<string>",
            Token::Eof => "<eof>",
            Token::Char(_) => "",
        }
    }

    /// How an error message quotes this token after `near`; `None` for the NUL byte, which
    /// LuaJIT cannot quote (its message then has no `near` part).
    pub fn near_text(&self) -> Option<Vec<u8>> {
        match self {
            Token::Char(0) => None,
            Token::Char(c) => Some(char_spelling(*c)),
            Token::Number { text, .. } => Some(text.clone()),
            Token::Name(name) => Some(name.clone()),
            Token::String { value, quote } => Some(quoted_string(value, *quote)),
            other => Some(other.class_name().as_bytes().to_vec()),
        }
    }
}

/// The spelling of a token expected by the parser, as in `'=' expected`.
pub fn expected_spelling(token: &Token) -> Vec<u8> {
    match token {
        Token::Char(c) => char_spelling(*c),
        other => other.class_name().as_bytes().to_vec(),
    }
}

/// `+` for printable bytes, `char(10)` for control characters (as LuaJIT's `lj_lex_token2str`).
fn char_spelling(c: u8) -> Vec<u8> {
    if c < 0x20 || c == 0x7f {
        format!("char({c})").into_bytes()
    } else {
        vec![c]
    }
}

/// A string literal as the lexer's buffer held it: delimiters plus decoded contents.
fn quoted_string(value: &[u8], quote: Quote) -> Vec<u8> {
    let mut out = Vec::with_capacity(value.len() + 4);
    match quote {
        Quote::Short(q) => {
            out.push(q);
            out.extend_from_slice(value);
            out.push(q);
        }
        Quote::Long(level) => {
            out.push(b'[');
            out.extend(std::iter::repeat_n(b'=', level));
            out.push(b'[');
            out.extend_from_slice(value);
            out.push(b']');
            out.extend(std::iter::repeat_n(b'=', level));
            out.push(b']');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_round_trip() {
        for word in ["and", "break", "goto", "while", "function", "elseif"] {
            let token = Token::keyword(word.as_bytes()).expect("keyword");
            assert_eq!(token.class_name(), word);
        }
        assert_eq!(Token::keyword(b"continue"), None);
        assert_eq!(Token::keyword(b"End"), None);
    }

    #[test]
    fn near_text_matches_luajit_spelling() {
        let cases: Vec<(Token, Option<&[u8]>)> = vec![
            (Token::Char(b'='), Some(b"=")),
            (Token::Char(1), Some(b"char(1)")),
            (Token::Char(127), Some(b"char(127)")),
            (Token::Char(0), None),
            (Token::Eof, Some(b"<eof>")),
            (Token::Ne, Some(b"~=")),
            (Token::Name(b"x".to_vec()), Some(b"x")),
            (
                Token::Number {
                    value: 3.0,
                    text: b"0x3".to_vec(),
                },
                Some(b"0x3"),
            ),
            (
                Token::String {
                    value: b"a\tb".to_vec(),
                    quote: Quote::Short(b'\''),
                },
                Some(b"'a\tb'"),
            ),
            (
                Token::String {
                    value: b"ab".to_vec(),
                    quote: Quote::Long(2),
                },
                Some(b"[==[ab]==]"),
            ),
        ];
        for (token, want) in cases {
            assert_eq!(token.near_text().as_deref(), want, "{token:?}");
        }
    }

    #[test]
    fn expected_spelling_of_classes() {
        assert_eq!(expected_spelling(&Token::Name(Vec::new())), b"<name>");
        assert_eq!(expected_spelling(&Token::Char(b')')), b")");
        assert_eq!(expected_spelling(&Token::Eof), b"<eof>");
    }
}
