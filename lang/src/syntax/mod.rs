//! Syntax: text → tokens → typed syntax tree, with every error collected and nothing lost.
//!
//! This module knows nothing of salsa, the inventory or diagnostics rendering; a formatter or
//! linter can use it alone. [`parse`] never fails and never panics: bad input becomes `Error`
//! nodes plus [`SyntaxError`]s. Chumsky stays behind this one function.
//!
//! A file is first cut into items at the top-level item keywords (`gateway`, `destination`,
//! `policy`, `routes`, `test`, `namespace`); each item is then parsed on its own token slice,
//! which gives every node a span relative to its item (see [`ast::Span`]) and means a bad item
//! never spoils its neighbours.

use std::sync::Arc;

pub mod ast;
mod chunk;
mod descent;
mod lexer;
pub mod literal;
mod parser;
mod relex;
mod reuse;

pub use lexer::{Token, lex};
pub use reuse::ItemCache;

/// A byte range `[start, end)` in a file's text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TextRange {
    pub start: u32,
    pub end: u32,
}

impl TextRange {
    pub fn new(start: u32, end: u32) -> TextRange {
        TextRange { start, end }
    }

    pub fn contains(self, offset: u32) -> bool {
        self.start <= offset && offset < self.end
    }
}

/// The result of parsing one file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Parse {
    /// Items in source order.
    pub items: Vec<ParsedItem>,
    /// Every syntax error of the file, in source order.
    pub errors: Vec<SyntaxError>,
    /// The byte range of every token the parser saw (comments excluded), in order.
    pub tokens: Vec<TextRange>,
    /// Every comment, in source order.
    pub comments: Vec<Comment>,
    /// The length of the text, so an empty span at the end of the file still has a place.
    pub len: u32,
}

/// One top-level item and where it sits in the token stream.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParsedItem {
    /// Shared, so that the database's tracked items hold the same tree instead of a copy.
    pub item: Arc<ast::Item>,
    /// Absolute index of the item's first token; the item's spans are relative to it.
    pub first_token: u32,
    /// The `##` comment lines directly above the item, without the `##` and one space.
    pub doc: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    pub kind: SyntaxErrorKind,
    pub range: TextRange,
    pub message: String,
}

/// What went wrong; each kind has its own diagnostic code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SyntaxErrorKind {
    /// A token that does not fit the grammar here, or a missing one.
    Unexpected,
    /// Characters that are not a token of the language.
    InvalidToken,
    /// An unterminated string or an invalid escape.
    BadString,
    /// Braces or parentheses nested deeper than the parser accepts.
    TooDeep,
    /// A number, duration or percentage that does not fit its type.
    BadNumber,
}

/// A `#` or `##` comment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comment {
    pub range: TextRange,
    /// The text after the `#` (or `##`), untrimmed at the end.
    pub text: String,
    /// `##`: documentation.
    pub doc: bool,
    /// Index of the first token after the comment (`tokens.len()` at the end of the file).
    pub next_token: u32,
    /// The comment follows a token on the same line.
    pub trailing: bool,
}

impl Parse {
    /// The byte range of a span of the item whose first token is `first_token`.
    ///
    /// An empty span is placed at the start of the token it points to, or at the end of the
    /// text when it points past the last token.
    pub fn range(&self, first_token: u32, span: ast::Span) -> TextRange {
        let start = first_token as usize + span.start as usize;
        let end = first_token as usize + span.end as usize;
        if end > start {
            let last = self.tokens.get(end - 1).map_or(self.len, |t| t.end);
            let first = self.tokens.get(start).map_or(last, |t| t.start);
            TextRange::new(first, last)
        } else {
            let at = self.tokens.get(start).map_or(self.len, |t| t.start);
            TextRange::new(at, at)
        }
    }

    /// The byte range of a whole item.
    pub fn item_range(&self, item: &ParsedItem) -> TextRange {
        self.range(item.first_token, item.item.span)
    }
}

/// Parses one file. Never fails, never panics, and returns in time linear in the input.
pub fn parse(text: &str) -> Parse {
    parser::parse(text, None)
}

/// Parses one file as [`parse`] does — the result is equal — but takes the tree of every item
/// whose source is unchanged since the parse that filled `cache` from it, and leaves this
/// parse in `cache`. For callers that parse the same file again after each edit.
pub fn parse_reusing(text: &str, cache: &mut ItemCache) -> Parse {
    parser::parse(text, Some(cache))
}

/// [`parse`] without its first pass over each item (see `parser.rs`): every item is parsed by
/// the chumsky grammar, which the first pass must agree with. For the tests that check so.
#[doc(hidden)]
pub fn parse_with_chumsky_only(text: &str) -> Parse {
    parser::parse_with_chumsky_only(text)
}
