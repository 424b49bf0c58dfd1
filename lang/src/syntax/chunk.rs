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
//! chunk is reported once and not parsed. Chunks are cut one after the other, each a function
//! of its own tokens, so after an edit only those around it are cut again ([`rechunk`]), and
//! their errors are reported where they are parsed. A column-0 item keyword followed by a
//! header starts a chunk whatever comes before it, so a long file is cut from such keywords
//! on every core at once ([`chunk_in_parts`]).

use rayon::prelude::*;

use super::lexer::{Token, Tokens};
use super::{SyntaxError, SyntaxErrorKind};

/// The deepest nesting of braces and parentheses that is parsed. The grammar itself needs 3.
pub(super) const MAX_DEPTH: usize = 32;

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

/// Cuts a file's `tokens` into chunks. Every token belongs to exactly one chunk, in order.
pub(super) fn chunk(tokens: &Tokens<'_>) -> Vec<Chunk> {
    cut(tokens, 0..tokens.len())
}

/// The chunks of the tokens `run`, which starts a chunk and ends where one ends.
fn cut(tokens: &Tokens<'_>, run: std::ops::Range<usize>) -> Vec<Chunk> {
    let mut chunks = Vec::new();
    let mut at = run.start;
    while at < run.end {
        let chunk = next_chunk(tokens, at);
        debug_assert!(chunk.end <= run.end, "a chunk crosses the end of its run");
        at = chunk.end;
        chunks.push(chunk);
    }
    chunks
}

/// [`chunk`] on every core of the current rayon pool: the tokens are cut into parts of about
/// `size` tokens, each starting at an item keyword that starts a chunk whatever precedes it
/// (see [`starts_item`]), and the parts' chunks, concatenated, are [`chunk`]'s.
///
/// Cutting chunks reads every token and keeps a stack, which made it the longest serial step
/// of parsing a large file.
pub(super) fn chunk_in_parts(tokens: &Tokens<'_>, size: usize) -> Vec<Chunk> {
    let starts = part_starts(tokens, size);
    if starts.len() <= 2 {
        return chunk(tokens);
    }
    let parts: Vec<Vec<Chunk>> = starts
        .par_windows(2)
        .map(|part| cut(tokens, part[0]..part[1]))
        .collect();
    parts.concat()
}

/// Where the parts of [`chunk_in_parts`] start, and the end of the tokens: 0, then the first
/// item keyword at column 0 followed by a header at least `size` tokens after the last start.
///
/// Such a keyword starts a chunk whatever the depth ([`starts_item`]), so the chunk before it
/// ends there: a part's chunks never depend on the part before it.
fn part_starts(tokens: &Tokens<'_>, size: usize) -> Vec<usize> {
    let mut starts = vec![0];
    let mut from = size.max(1);
    while from < tokens.len() {
        let next = (from..tokens.len())
            .find(|&at| tokens.kind(at) == Some(Token::Ident) && starts_item(tokens, at, false));
        let Some(start) = next else { break };
        starts.push(start);
        from = start + size.max(1);
    }
    starts.push(tokens.len());
    starts
}

/// Which tokens an edit replaced: `removed` tokens of the old text at index `at` became
/// `added` tokens of the new one; the tokens before are the same, and those after are the same
/// but for their position (see [`super::relex`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct TokenEdit {
    pub at: usize,
    pub removed: usize,
    pub added: usize,
}

/// [`chunk`] for the new tokens of an `edit`, given the old tokens' chunks: only the chunks
/// around the edit are cut again.
///
/// A chunk is a function of its tokens and the two after it (an item keyword at column 0
/// inside a block ends the chunk only when a header follows it), and chunks are cut one after
/// the other, each from its first token with nothing carried over. So the old chunks that end
/// three tokens or more before the edit stand; cutting resumes at the end of the last of
/// them; and once a chunk ends after the edit where an old chunk started (moved), every chunk
/// from there is an old one, moved. Which ones were carried over is returned with them.
pub(super) fn rechunk(
    tokens: &Tokens<'_>,
    old: &[Chunk],
    edit: TokenEdit,
) -> (Vec<Chunk>, Carried) {
    let kept = old.partition_point(|c| c.end + 3 <= edit.at);
    let mut carried = Carried {
        same: kept,
        moved: None,
    };
    let mut chunks = old.get(..kept).unwrap_or_default().to_vec();
    let mut start = chunks.last().map_or(0, |c| c.end);
    let after_edit = edit.at + edit.added;
    while start < tokens.len() {
        let chunk = next_chunk(tokens, start);
        start = chunk.end;
        chunks.push(chunk);
        if start < after_edit {
            continue;
        }
        let old_start = start - edit.added + edit.removed;
        let resume = old.partition_point(|c| c.start < old_start);
        if old.get(resume).is_some_and(|c| c.start == old_start) {
            carried.moved = Some((chunks.len(), resume));
            let moved = |i: usize| i - edit.removed + edit.added;
            chunks.extend(old.get(resume..).unwrap_or_default().iter().map(|c| Chunk {
                start: moved(c.start),
                end: moved(c.end),
                kind: c.kind,
            }));
            return (chunks, carried);
        }
    }
    (chunks, carried)
}

/// Which chunks of a [`rechunk`] are the old ones: the first `same`, and from new index
/// `moved.0` on, the old ones from index `moved.1` on. Those are made of the same tokens as
/// before, each first token at the same place on its line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Carried {
    pub same: usize,
    pub moved: Option<(usize, usize)>,
}

impl Carried {
    /// The old index of the new chunk `index`, if it was carried over.
    pub(super) fn old_index(self, index: usize) -> Option<usize> {
        if index < self.same {
            return Some(index);
        }
        let (new, old) = self.moved?;
        (index >= new).then(|| index - new + old)
    }

    /// [`Self::old_index`] of a chunk whose comments above it are those of the old one too:
    /// every carried chunk but the first moved one, which may start right below the edited
    /// lines (an edited `##` line above it).
    pub(super) fn old_index_with_comments(self, index: usize) -> Option<usize> {
        let moved_first = self.moved.is_some_and(|(new, _)| index == new);
        self.old_index(index).filter(|_| !moved_first)
    }
}

/// The chunk that starts at token `start`.
fn next_chunk(tokens: &Tokens<'_>, start: usize) -> Chunk {
    let is_item = is_item_keyword(tokens, start);
    let mut nesting = Nesting::default();
    let mut too_deep = false;
    let mut end = start;
    while let Some(kind) = tokens.kind(end) {
        match kind {
            Token::Ident => {
                if end > start && starts_item(tokens, end, nesting.depth() == 0) {
                    break;
                }
            }
            Token::LBrace | Token::RBrace | Token::LParen | Token::RParen => {}
            // Starts no item and leaves the nesting as it is: nothing below can happen.
            _ => {
                end += 1;
                continue;
            }
        }
        end += 1;
        let closed_a_brace = nesting.step(kind) == Step::ClosedBrace;
        too_deep |= nesting.depth() > MAX_DEPTH;
        if is_item && closed_a_brace && nesting.depth() == 0 {
            break;
        }
    }
    let kind = match (is_item, too_deep) {
        (true, false) => ChunkKind::Item,
        (true, true) => ChunkKind::TooDeep,
        (false, _) => ChunkKind::Junk,
    };
    Chunk { start, end, kind }
}

/// The error of a chunk `run` that nests too deeply (a [`ChunkKind::TooDeep`] one, or junk),
/// at its first token nested too deeply.
pub(super) fn too_deep(tokens: &Tokens<'_>, run: std::ops::Range<usize>) -> Option<SyntaxError> {
    let mut nesting = Nesting::default();
    let at = run.into_iter().find(|&at| {
        tokens.kind(at).is_some_and(|kind| {
            nesting.step(kind);
            nesting.depth() > MAX_DEPTH
        })
    })?;
    Some(SyntaxError {
        kind: SyntaxErrorKind::TooDeep,
        range: tokens.range(at),
        message: format!(
            "too deeply nested: more than {MAX_DEPTH} levels of braces and parentheses"
        ),
    })
}

/// Reports a run of tokens that belong to no item, once. Invalid characters and malformed
/// numbers already have their own error, so the run is reported at its first other token, if
/// it has one.
pub(super) fn report_junk(
    tokens: &Tokens<'_>,
    run: std::ops::Range<usize>,
    errors: &mut Vec<SyntaxError>,
) {
    let first = tokens.kinds.get(run.clone()).and_then(|run| {
        run.iter()
            .position(|&kind| !matches!(kind, Token::Error | Token::BadNumber))
    });
    if let Some(offset) = first {
        errors.push(junk_error(tokens, run.start + offset));
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

fn junk_error(tokens: &Tokens<'_>, at: usize) -> SyntaxError {
    let found = tokens.text(at);
    let message = match tokens.kind(at) {
        Some(Token::RBrace | Token::RParen) => {
            format!("unmatched `{found}`: there is no open delimiter for it to close")
        }
        _ => format!(
            "expected an item (gateway, destination, policy, routes, test), found `{found}`"
        ),
    };
    SyntaxError {
        kind: SyntaxErrorKind::Unexpected,
        range: tokens.range(at),
        message,
    }
}

/// Whether token `at` is one of the words that start an item. (A `match`, not a search of a
/// list: this runs for every token at depth 0.)
fn is_item_keyword(tokens: &Tokens<'_>, at: usize) -> bool {
    tokens.kind(at) == Some(Token::Ident)
        && matches!(
            tokens.text(at),
            "gateway" | "destination" | "policy" | "routes" | "test" | "namespace"
        )
}

/// Whether token `at` starts a new item: an item keyword at depth 0, or one at column 0 that is
/// followed by an item header (recovery from a missing `}`).
fn starts_item(tokens: &Tokens<'_>, at: usize, at_depth_zero: bool) -> bool {
    if at_depth_zero {
        return is_item_keyword(tokens, at);
    }
    // Inside a block almost no word stands at column 0: asked first, that spares comparing
    // the text of every word of every block with the keywords.
    let start = tokens.range(at).start as usize;
    let column_zero = start == 0 || tokens.text.as_bytes().get(start - 1) == Some(&b'\n');
    if !column_zero || !is_item_keyword(tokens, at) {
        return false;
    }
    let kind = |i: usize| tokens.kind(at + i);
    match tokens.text(at) {
        "policy" => kind(1) == Some(Token::Ident) && kind(2) == Some(Token::Eq),
        "test" => kind(1) == Some(Token::Str) && kind(2) == Some(Token::LBrace),
        "namespace" => kind(1) == Some(Token::Ident),
        _ => kind(1) == Some(Token::Ident) && kind(2) == Some(Token::LBrace),
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::syntax::parser::lex_part;

    /// Lines of items, blocks left open, parentheses, junk and headers at and off column 0.
    fn any_text() -> impl Strategy<Value = String> {
        let fragment = prop::sample::select(vec![
            "routes r {\n",
            "gateway g {\n",
            "policy p = retry(",
            "policy p {\n",
            "test \"t\" {\n",
            "namespace n\n",
            "destination d {\n",
            "  routes r {\n",
            "  route a { to service x }\n",
            "routes\n",
            "}\n",
            "}",
            "(",
            ")",
            "{",
            "junk ",
            "\n",
            "  ",
        ]);
        prop::collection::vec(fragment, 0..60).prop_map(|fragments| fragments.concat())
    }

    proptest! {
        #[test]
        fn chunks_cut_in_parts_are_the_chunks_cut_in_one(text in any_text(), size in 1usize..12) {
            let lexed = lex_part(&text, 0..text.len());
            prop_assert_eq!(chunk_in_parts(&lexed.tokens, size), chunk(&lexed.tokens));
        }
    }

    #[test]
    fn parts_start_at_item_keywords_at_column_zero_with_a_header() {
        let text =
            "routes a {\n  route r { }\nroutes b {\n  routes c {\n}\n}\nroutes\npolicy p = x\n";
        let lexed = lex_part(text, 0..text.len());
        let starts: Vec<&str> = part_starts(&lexed.tokens, 1)
            .iter()
            .map(|&at| lexed.tokens.text(at))
            .collect();
        // `routes c` is indented, and the bare `routes` has no header: neither starts a part.
        assert_eq!(starts, ["routes", "routes", "policy", ""]);
    }
}
