//! Cuts a file's tokens into items before any grammar runs, so that each item is parsed on its
//! own slice (its spans are then relative to its first token) and a broken item cannot spoil
//! its neighbours.
//!
//! An item starts at an item keyword (`gateway`, `destination`, `policy`, `routes`, `test`,
//! `namespace`) outside any brace or parenthesis, and a block item ends at the `}` that closes
//! its first `{`. When a `}` is missing, everything after it would be swallowed by the unclosed
//! item, so an item keyword that stands at column 0 and is followed by an item header
//! (`gateway NAME {`, `policy NAME =`, `test "..." {`, ...) also starts a new item, whatever the
//! depth: that is how people lay out files, and it confines a missing `}` to one item (the
//! parser reports it there). Tokens at depth 0 that start no item form junk chunks.
//!
//! Nesting is tracked with an explicit stack, never by recursion; beyond [`MAX_DEPTH`] the
//! chunk is reported once and not parsed.

use super::lexer::{Tok, Token};
use super::{SyntaxError, SyntaxErrorKind, TextRange};

/// The deepest nesting of braces and parentheses that is parsed. The grammar itself needs 3.
pub(super) const MAX_DEPTH: usize = 32;

/// The words that start an item.
pub(super) const ITEM_KEYWORDS: [&str; 6] = [
    "gateway",
    "destination",
    "policy",
    "routes",
    "test",
    "namespace",
];

/// A run of tokens `[start, end)` (indices into the file's tokens).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Chunk {
    pub start: usize,
    pub end: usize,
    pub kind: ChunkKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum ChunkKind {
    /// Starts with an item keyword; to be parsed.
    Item,
    /// Starts with an item keyword but nests too deeply; reported, not parsed.
    TooDeep,
    /// Tokens that start no item; reported.
    Junk,
}

/// Cuts `toks` (with their byte `ranges` in `text`) into chunks, reporting junk and excessive
/// nesting into `errors`. Every token belongs to exactly one chunk, in order.
pub(super) fn chunk(
    toks: &[Tok<'_>],
    ranges: &[TextRange],
    text: &str,
    errors: &mut Vec<SyntaxError>,
) -> Vec<Chunk> {
    let mut chunks = Vec::new();
    let mut start = 0;
    while start < toks.len() {
        let is_item = toks.get(start).is_some_and(is_item_keyword);
        let mut nesting = Nesting::default();
        let mut too_deep = false;
        let mut end = start;
        while let Some(tok) = toks.get(end) {
            if end > start && starts_item(toks, ranges, text, end, nesting.depth() == 0) {
                break;
            }
            end += 1;
            let closed_a_brace = nesting.step(tok.kind) == Step::ClosedBrace;
            if nesting.depth() > MAX_DEPTH && !too_deep {
                too_deep = true;
                errors.push(SyntaxError {
                    kind: SyntaxErrorKind::TooDeep,
                    range: range_of(ranges, end - 1),
                    message: format!(
                        "too deeply nested: more than {MAX_DEPTH} levels of braces and parentheses"
                    ),
                });
            }
            if is_item && closed_a_brace && nesting.depth() == 0 {
                break;
            }
        }
        let kind = match (is_item, too_deep) {
            (true, false) => ChunkKind::Item,
            (true, true) => ChunkKind::TooDeep,
            (false, _) => {
                report_junk(toks, ranges, start..end, errors);
                ChunkKind::Junk
            }
        };
        chunks.push(Chunk { start, end, kind });
        start = end;
    }
    chunks
}

/// Reports a run of tokens that belong to no item, once. Invalid characters and malformed
/// numbers already have their own error, so the run is reported at its first other token, if
/// it has one.
pub(super) fn report_junk(
    toks: &[Tok<'_>],
    ranges: &[TextRange],
    run: std::ops::Range<usize>,
    errors: &mut Vec<SyntaxError>,
) {
    let first = toks.get(run.clone()).and_then(|run| {
        run.iter()
            .position(|t| !matches!(t.kind, Token::Error | Token::BadNumber))
    });
    if let Some(offset) = first {
        errors.push(junk_error(toks, ranges, run.start + offset));
    }
}

/// Open braces and parentheses, tracked with a stack (never by recursion, whatever the input).
///
/// A `}` also closes any `(` left open inside its block, so an unclosed `(` does not make the
/// rest of the file part of one item or statement; a `)` with no `(` open is ignored.
#[derive(Debug, Default)]
pub(super) struct Nesting {
    /// `true` for `{`, `false` for `(`.
    open: Vec<bool>,
}

/// What a token did to a [`Nesting`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Step {
    /// Anything but a `}`.
    Other,
    /// A `}` closed an open `{`.
    ClosedBrace,
    /// A `}` with no `{` open: it belongs to an enclosing block.
    UnmatchedBrace,
}

impl Nesting {
    pub(super) fn step(&mut self, kind: Token) -> Step {
        match kind {
            Token::LBrace | Token::LParen => self.open.push(kind == Token::LBrace),
            Token::RParen if self.open.last() == Some(&false) => {
                self.open.pop();
            }
            Token::RBrace => {
                while self.open.last() == Some(&false) {
                    self.open.pop();
                }
                return match self.open.pop() {
                    Some(_) => Step::ClosedBrace,
                    None => Step::UnmatchedBrace,
                };
            }
            _ => {}
        }
        Step::Other
    }

    pub(super) fn depth(&self) -> usize {
        self.open.len()
    }

    /// Whether a `{` is open (a `(` alone does not count).
    pub(super) fn in_braces(&self) -> bool {
        self.open.contains(&true)
    }
}

fn junk_error(toks: &[Tok<'_>], ranges: &[TextRange], at: usize) -> SyntaxError {
    let found = toks.get(at).map_or("", |t| t.text);
    let message = match toks.get(at).map(|t| t.kind) {
        Some(Token::RBrace | Token::RParen) => {
            format!("unmatched `{found}`: there is no open delimiter for it to close")
        }
        _ => format!(
            "expected an item (gateway, destination, policy, routes, test), found `{found}`"
        ),
    };
    SyntaxError {
        kind: SyntaxErrorKind::Unexpected,
        range: range_of(ranges, at),
        message,
    }
}

fn range_of(ranges: &[TextRange], at: usize) -> TextRange {
    ranges.get(at).copied().unwrap_or_default()
}

fn is_item_keyword(tok: &Tok<'_>) -> bool {
    tok.kind == Token::Ident && ITEM_KEYWORDS.contains(&tok.text)
}

/// Whether token `at` starts a new item: an item keyword at depth 0, or one at column 0 that is
/// followed by an item header (recovery from a missing `}`).
fn starts_item(
    toks: &[Tok<'_>],
    ranges: &[TextRange],
    text: &str,
    at: usize,
    at_depth_zero: bool,
) -> bool {
    let Some(tok) = toks.get(at) else {
        return false;
    };
    if !is_item_keyword(tok) {
        return false;
    }
    if at_depth_zero {
        return true;
    }
    let column_zero = ranges.get(at).is_some_and(|r| {
        let start = r.start as usize;
        start == 0 || text.as_bytes().get(start - 1) == Some(&b'\n')
    });
    let kind = |i: usize| toks.get(at + i).map(|t| t.kind);
    let header = match tok.text {
        "policy" => kind(1) == Some(Token::Ident) && kind(2) == Some(Token::Eq),
        "test" => kind(1) == Some(Token::Str) && kind(2) == Some(Token::LBrace),
        "namespace" => kind(1) == Some(Token::Ident),
        _ => kind(1) == Some(Token::Ident) && kind(2) == Some(Token::LBrace),
    };
    column_zero && header
}
