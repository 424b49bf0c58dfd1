//! Tokens → typed tree. [`parse`] lexes, reports lexical errors, cuts the tokens into items
//! (see [`super::chunk`]) and parses each item on its own token slice, so every span it
//! produces is a token index relative to the item's first token. Each item is parsed first by
//! a hand-written descent that only takes valid input ([`super::descent`]), and by the chumsky
//! grammar below, which reports errors and recovers, only when that gives up: valid input never
//! pays for chumsky or its diagnostics. The chumsky parser's form of the tokens ([`Tok`]) is
//! made for a batch of items at a time, so a large file's tokens are held whole only as kinds
//! and ranges ([`Tokens`]).
//!
//! Recovery is statement by statement. Blocks are parsed by a loop (a `custom` parser) that
//! runs the block's statement parser; when a statement fails, the loop reports chumsky's
//! furthest error once, skips to the next statement keyword of that block or to its closing
//! `}` (balancing nested delimiters), and leaves an `Error` statement in the tree. Statements
//! start with distinct keywords and commit to them, so one mistake yields one error.
//!
//! Errors found at a token that the lexer already reported (an invalid character, a malformed
//! number) are dropped, since the lexical error says it better.

use std::cell::OnceCell;
use std::ops::Range;

use chumsky::error::{RichPattern, RichReason};
use chumsky::input::InputRef;
use chumsky::prelude::*;
use rayon::prelude::*;

use super::ast::{
    self, Apply, CompactString, Destination, DestinationStmt, Expose, FieldArgs, Gateway,
    GatewayStmt, HeaderOp, Int, ItemKind, LabelMatch, Matcher, Name, PathKind, Policy, PolicyBody,
    PolicyField, PortRef, QualifiedName, QueryOp, RewriteKind, Route, RouteStmt, RouteTable,
    Selector, Str, TableStmt, Target, Test, TestStmt, Value, ValueKind,
};
use super::chunk::{self, ChunkKind, Nesting, Step};
use super::descent;
use super::lexer::{self, Number, NumberProblem, Tok, Token, Tokens};
use super::reuse::{ItemCache, Reuse};
use super::{Comment, Parse, ParsedItem, SyntaxError, SyntaxErrorKind, TextRange};

/// Parses one file; see the module documentation. With a `cache`, items whose source did not
/// change since the cache's parse are taken from it instead of being parsed (see
/// [`super::reuse`]), and the cache then holds this parse.
pub(super) fn parse(text: &str, cache: Option<&mut ItemCache>) -> Parse {
    parse_in_batches(text, cache, BATCH_TOKENS, Passes::DescentFirst)
}

/// [`parse`] with chumsky alone, which the tests compare with [`parse`].
pub(super) fn parse_with_chumsky_only(text: &str) -> Parse {
    parse_in_batches(text, None, BATCH_TOKENS, Passes::ChumskyOnly)
}

/// Whether an item is parsed by [`descent`] first, and by chumsky only when that gives up.
#[derive(Clone, Copy)]
enum Passes {
    DescentFirst,
    ChumskyOnly,
}

/// [`parse`], making the parser's tokens about `batch_tokens` at a time.
fn parse_in_batches(
    text: &str,
    mut cache: Option<&mut ItemCache>,
    batch_tokens: usize,
    passes: Passes,
) -> Parse {
    // Only a parse without a cache (`routec`'s) works on the current rayon pool: items are
    // independent, so a large file's parts lexed and batches parsed there, concatenated, are
    // exactly what one pass gives. An editor's parse keeps its cache in order and stays on its
    // own thread: the allocator gives memory that a pool thread allocated and another freed
    // back to that thread only when it allocates again, so an idle pool kept every keystroke's
    // tokens (route-lsp on one 100k-route file: 1.3 GB after 200 edits, 555 MB on one thread).
    let on_pool = cache.is_none();
    let (
        Lexed {
            tokens,
            comments,
            mut errors,
        },
        chunks,
        carried,
    ) = match cache.as_deref_mut() {
        None => {
            let lexed = lex_file(text);
            let chunks = chunk::chunk_in_parts(&lexed.tokens, CHUNK_PART_TOKENS);
            (lexed, chunks, None)
        }
        Some(cache) => cache.relex(text),
    };
    let file = FileTokens {
        tokens: &tokens,
        comments: &comments,
    };
    let batches: Vec<Range<usize>> = batches(&chunks, batch_tokens).collect();
    let mut items = Vec::with_capacity(chunks.len());
    if on_pool && batches.len() > 1 {
        let parts: Vec<(Vec<ParsedItem>, Vec<SyntaxError>)> = batches
            .par_iter()
            .map(|batch| {
                let (mut items, mut errors) = (Vec::new(), Vec::new());
                parse_batch(
                    &file,
                    &chunks,
                    batch.clone(),
                    passes,
                    &mut Reuse::new(None, text, 0, None),
                    &mut items,
                    &mut errors,
                );
                (items, errors)
            })
            .collect();
        for (part_items, part_errors) in parts {
            items.extend(part_items);
            errors.extend(part_errors);
        }
    } else {
        let mut reuse = Reuse::new(cache, text, chunks.len(), carried);
        for batch in batches {
            parse_batch(
                &file,
                &chunks,
                batch,
                passes,
                &mut reuse,
                &mut items,
                &mut errors,
            );
        }
        reuse.finish(chunks);
    }
    errors.sort_by_key(|e| (e.range.start, e.range.end));
    errors.dedup();
    Parse {
        items,
        errors,
        tokens: tokens.ranges,
        comments,
        len: lexer::offset(text.len()),
    }
}

/// Parses the chunks `batch` of `chunks`, appending their items and syntax errors; `reuse`
/// supplies the trees of unchanged items and keeps the new clean ones. The chumsky parser's
/// tokens are made for the batch (see `Tokens::toks`), and its grammar, which borrows them,
/// with them.
fn parse_batch(
    file: &FileTokens<'_, '_>,
    chunks: &[chunk::Chunk],
    batch: Range<usize>,
    passes: Passes,
    reuse: &mut Reuse<'_>,
    items: &mut Vec<ParsedItem>,
    errors: &mut Vec<SyntaxError>,
) {
    let first_index = batch.start;
    let Some(batch) = chunks.get(batch) else {
        return;
    };
    let (Some(first), Some(last)) = (batch.first(), batch.last()) else {
        return;
    };
    let first = first.start;
    // The chumsky parser's tokens and grammar are made when the batch's first item that
    // [`descent`] gives up on is parsed: most items are valid, and an editor's parse after a
    // keystroke takes almost every item from `reuse`.
    let toks = OnceCell::new();
    let item_parser = OnceCell::new();
    for (at_chunk, c) in (first_index..).zip(batch) {
        let error_item = |at: usize, len: usize, doc: Option<String>| ParsedItem {
            item: std::sync::Arc::new(ast::Item {
                kind: ItemKind::Error,
                span: ast::Span::new(0, index(len)),
            }),
            first_token: index(at),
            doc,
        };
        let len = c.end - c.start;
        match c.kind {
            ChunkKind::Junk => {
                chunk::report_junk(file.tokens, c.start..c.end, errors);
                errors.extend(chunk::too_deep(file.tokens, c.start..c.end));
                items.push(error_item(c.start, len, None));
            }
            ChunkKind::TooDeep => {
                errors.extend(chunk::too_deep(file.tokens, c.start..c.end));
                let doc = reuse.doc(at_chunk, || {
                    doc_comment(file.comments, c.start, file.tokens.text)
                });
                items.push(error_item(c.start, len, doc));
            }
            ChunkKind::Item => {
                let doc = reuse.doc(at_chunk, || {
                    doc_comment(file.comments, c.start, file.tokens.text)
                });
                let key = reuse.key(file.tokens, c.start..c.end);
                if let Some(item) = reuse.get(at_chunk, key.as_ref()) {
                    reuse.keep(at_chunk, key, &item);
                    items.push(ParsedItem {
                        item,
                        first_token: index(c.start),
                        doc,
                    });
                    continue;
                }
                let descended = match passes {
                    Passes::DescentFirst => descent::item(file.tokens, c.start..c.end),
                    Passes::ChumskyOnly => None,
                };
                let (output, clean) = match descended {
                    Some(output) => (Some(output), true),
                    None => {
                        let toks = toks.get_or_init(|| {
                            let mut toks = Vec::new();
                            file.tokens.toks(first..last.end, &mut toks);
                            toks
                        });
                        let slice = toks.get(c.start - first..c.end - first).unwrap_or(&[]);
                        let (output, errs) = item_parser
                            .get_or_init(item)
                            .parse(slice)
                            .into_output_errors();
                        let clean = errs.is_empty();
                        errors.extend(
                            errs.into_iter()
                                .filter_map(|e| file.convert(e, c.start, slice)),
                        );
                        (output, clean)
                    }
                };
                let Some((item, consumed)) = output else {
                    items.push(error_item(c.start, len, doc));
                    continue;
                };
                let item = std::sync::Arc::new(item);
                if clean && consumed == len {
                    reuse.keep(at_chunk, key, &item);
                }
                items.push(ParsedItem {
                    item,
                    first_token: index(c.start),
                    doc,
                });
                // Tokens after a complete item are junk (`namespace a b`).
                if consumed < len {
                    let at = c.start + consumed;
                    chunk::report_junk(file.tokens, at..c.end, errors);
                    items.push(error_item(at, len - consumed, None));
                }
            }
        }
    }
}

/// About 1.5 MB of [`Tok`]s: a batch is large enough that making the grammar again for each
/// costs nothing measurable, and small enough that a large file's tokens never all exist in
/// that form at once.
const BATCH_TOKENS: usize = 1 << 16;

/// Consecutive runs of chunks of about `tokens` tokens (one chunk at least), as indices.
fn batches(chunks: &[chunk::Chunk], tokens: usize) -> impl Iterator<Item = Range<usize>> {
    let mut next = 0;
    std::iter::from_fn(move || {
        let rest = chunks.get(next..)?;
        let first = rest.first()?.start;
        let count = rest
            .iter()
            .position(|c| c.end - first > tokens)
            .map_or(rest.len(), |i| i.max(1));
        let batch = next..next + count;
        next += count;
        Some(batch)
    })
}

/// A file's tokens, with the comments set aside.
pub(super) struct Lexed<'s> {
    pub tokens: Tokens<'s>,
    pub comments: Vec<Comment>,
    /// The lexical errors.
    pub errors: Vec<SyntaxError>,
}

/// Lexes `text`, separates the comments and reports lexical errors.
///
/// No token spans a line break (strings and comments end at the end of their line), so a
/// large text is cut into parts after line breaks, lexed on every core of the current rayon
/// pool, and the parts' tokens concatenated are exactly the whole text's.
fn lex_file(text: &str) -> Lexed<'_> {
    lex_in_parts(text, LEX_PART_BYTES)
}

/// [`lex_file`], in parts of about `size` bytes.
fn lex_in_parts(text: &str, size: usize) -> Lexed<'_> {
    let parts = line_parts(text, size);
    if parts.len() <= 1 {
        return lex_part(text, 0..text.len());
    }
    let lexed: Vec<Lexed<'_>> = parts
        .par_iter()
        .map(|part| lex_part(text, part.clone()))
        .collect();
    let count = lexed.iter().map(|part| part.tokens.len()).sum();
    let mut whole = Lexed {
        tokens: Tokens {
            text,
            kinds: Vec::with_capacity(count),
            ranges: Vec::with_capacity(count),
        },
        comments: Vec::new(),
        errors: Vec::new(),
    };
    for part in lexed {
        let before = index(whole.tokens.len());
        whole.tokens.kinds.extend(part.tokens.kinds);
        whole.tokens.ranges.extend(part.tokens.ranges);
        whole
            .comments
            .extend(part.comments.into_iter().map(|comment| Comment {
                next_token: comment.next_token + before,
                ..comment
            }));
        whole.errors.extend(part.errors);
    }
    whole
}

/// The size above which a text is lexed in parts (about 40,000 tokens).
const LEX_PART_BYTES: usize = 256 * 1024;

/// The number of tokens above which a file's tokens are cut into chunks in parts: as many as
/// in a part of [`LEX_PART_BYTES`].
const CHUNK_PART_TOKENS: usize = 40_000;

/// `text` cut into consecutive ranges of about `size` bytes, each ending after a line break
/// (the last at the end of the text).
fn line_parts(text: &str, size: usize) -> Vec<std::ops::Range<usize>> {
    let bytes = text.as_bytes();
    let mut parts = Vec::new();
    let mut start = 0;
    while start < bytes.len() {
        let end = bytes
            .get(start.saturating_add(size.max(1))..)
            .and_then(|rest| memchr::memchr(b'\n', rest))
            .map_or(bytes.len(), |newline| start + size.max(1) + newline + 1);
        parts.push(start..end);
        start = end;
    }
    parts
}

/// Lexes the lines `part` of `text` (see [`lex_file`]); ranges are in `text`, and each
/// comment's next token is counted from the part's first.
pub(super) fn lex_part(text: &str, part: std::ops::Range<usize>) -> Lexed<'_> {
    let source = text.get(part.clone()).unwrap_or("");
    let base = index(part.start);
    // Route files average more than four bytes a token (6.5 for generated ones), so room for a
    // token every four bytes saves growing (and copying) vectors of millions of tokens; pages
    // never written to are never resident.
    let estimate = source.len() / 4;
    let mut lexed = Lexed {
        tokens: Tokens {
            text,
            kinds: Vec::with_capacity(estimate),
            ranges: Vec::with_capacity(estimate),
        },
        comments: Vec::new(),
        errors: Vec::new(),
    };
    // The start of the last token, to tell a comment that ends a line from one on its own.
    let mut last_token_start: Option<usize> = None;
    for (kind, range) in lexer::lex(source) {
        let (start, end) = (range.start as usize, range.end as usize);
        let range = TextRange::new(range.start + base, range.end + base);
        if kind.is_trivia() {
            let slice = source.get(start..end).unwrap_or("");
            let doc = kind == Token::DocComment;
            let marker = if doc { 2 } else { 1 };
            let trailing = last_token_start.is_some_and(|last| {
                source
                    .get(last..start)
                    .is_some_and(|between| !between.contains('\n'))
            });
            lexed.comments.push(Comment {
                range,
                text: slice.get(marker..).unwrap_or("").to_string(),
                doc,
                next_token: index(lexed.tokens.len()),
                trailing,
            });
            continue;
        }
        lexical_errors(
            kind,
            || source.get(start..end).unwrap_or(""),
            range,
            &mut lexed.errors,
        );
        lexed.tokens.kinds.push(kind);
        lexed.tokens.ranges.push(range);
        last_token_start = Some(start);
    }
    lexed
}

fn index(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
}

fn span(s: SimpleSpan) -> ast::Span {
    ast::Span::new(index(s.start), index(s.end))
}

/// Errors the lexer leaves in its tokens: invalid characters, malformed numbers, bad strings.
///
/// The token's `text` is asked for only by the kinds that can be wrong: slicing every token's
/// text (two UTF-8 boundary tests) was a measurable part of lexing.
fn lexical_errors<'s>(
    kind: Token,
    text: impl Fn() -> &'s str,
    range: TextRange,
    errors: &mut Vec<SyntaxError>,
) {
    let mut push = |kind, range, message| {
        errors.push(SyntaxError {
            kind,
            range,
            message,
        })
    };
    match kind {
        Token::Error => {
            let text = text();
            let hint = match text {
                "!" => " (did you mean `!=`?)",
                ";" => " (statements need no separator)",
                _ if text.starts_with('\'') => " (strings use double quotes)",
                _ => "",
            };
            let noun = if text.chars().count() == 1 {
                "character"
            } else {
                "characters"
            };
            push(
                SyntaxErrorKind::InvalidToken,
                range,
                format!("invalid {noun} `{text}`{hint}"),
            );
        }
        Token::BadNumber => {
            let text = text();
            let Number::Bad(problem) = lexer::number(text) else {
                return;
            };
            let message = match problem {
                NumberProblem::TooLarge => format!("number `{text}` is too large"),
                NumberProblem::TooPrecise => {
                    format!("percentage `{text}` has more than 3 decimal places")
                }
                NumberProblem::Malformed => format!(
                    "malformed number `{text}`: expected an integer (`9080`), a duration \
                     (`250ms`, `1h30m`) or a percentage (`12.5%`)"
                ),
            };
            push(SyntaxErrorKind::BadNumber, range, message);
        }
        Token::Str => {
            let text = text();
            if lexer::plain_string(text).is_some() {
                return;
            }
            for problem in lexer::string_value(text).1 {
                let start = range.start.saturating_add(index(problem.start));
                let end = range.start.saturating_add(index(problem.end));
                push(
                    SyntaxErrorKind::BadString,
                    TextRange::new(start, end),
                    problem.message,
                );
            }
        }
        _ => {}
    }
}

/// The `##` lines directly above the token `first` (consecutive lines, nothing but whitespace
/// between them and the item), without the `##` and one space.
fn doc_comment(comments: &[Comment], first: usize, text: &str) -> Option<String> {
    let first = index(first);
    let end = comments.partition_point(|c| c.next_token <= first);
    let begin = comments.partition_point(|c| c.next_token < first);
    let attached = comments.get(begin..end)?;
    let mut lines = Vec::new();
    let mut below: Option<&Comment> = None;
    for comment in attached.iter().rev() {
        let adjacent = below.is_none_or(|b| {
            let between = text.get(comment.range.end as usize..b.range.start as usize);
            between.is_some_and(|s| s.trim().is_empty() && s.matches('\n').count() == 1)
        });
        if !comment.doc || comment.trailing || !adjacent {
            break;
        }
        lines.push(comment.text.strip_prefix(' ').unwrap_or(&comment.text));
        below = Some(comment);
    }
    if lines.is_empty() {
        return None;
    }
    lines.reverse();
    Some(lines.join("\n"))
}

// ---------------------------------------------------------------------------------------------
// Errors

/// The custom part of the parser's errors.
#[derive(Clone, Debug, PartialEq)]
enum Msg {
    /// A complete message.
    Text(String),
    /// The `{` at the error's span is never closed; `at` (item-relative) is where a `}` was
    /// expected. The message names what stands there, which only [`FileTokens`] knows.
    Unclosed { what: &'static str, at: usize },
}

type In<'a> = &'a [Tok<'a>];
type PErr<'a> = Rich<'a, Tok<'a>, SimpleSpan, Msg>;
type Ex<'a> = extra::Err<PErr<'a>>;
type Bx<'a, O> = Boxed<'a, 'a, In<'a>, O, Ex<'a>>;
type Cx<'a, 'p> = InputRef<'a, 'p, In<'a>, Ex<'a>>;

/// The error for a statement of `block` that starts with `tok` (at `at`) and failed with
/// `err`.
fn bad_statement<'a>(err: PErr<'a>, tok: Tok<'a>, at: usize, block: &Block) -> PErr<'a> {
    // Failing on the first token means no statement starts there; say which ones could.
    // Otherwise chumsky's furthest error is the one.
    if err.span().start <= at {
        unexpected_statement(&err, tok, at, block)
    } else {
        err
    }
}

/// The error for a policy field that starts with `tok` (at `at`) and failed with `err`.
fn bad_field<'a>(err: PErr<'a>, tok: Tok<'a>, at: usize) -> PErr<'a> {
    if err.span().start > at {
        // A known field with bad arguments, or (further still) the end of the previous
        // field: chumsky's furthest error says what was wrong.
        return err;
    }
    let message = format!(
        "unexpected `{}` in a policy: expected a field name",
        shorten(tok.text)
    );
    Rich::custom(SimpleSpan::from(at..at + 1), Msg::Text(message))
}

/// The file's tokens, to turn item-relative error spans into messages and byte ranges.
struct FileTokens<'t, 's> {
    tokens: &'t Tokens<'s>,
    comments: &'t [Comment],
}

impl FileTokens<'_, '_> {
    fn convert(&self, err: PErr<'_>, first: usize, item: &[Tok<'_>]) -> Option<SyntaxError> {
        let at = err.span().start;
        // The lexer already reported this token, and says better what is wrong with it.
        if item
            .get(at)
            .is_some_and(|t| matches!(t.kind, Token::Error | Token::BadNumber))
        {
            return None;
        }
        let found = self.describe(first, item, at);
        let message = match err.reason() {
            RichReason::ExpectedFound { expected, .. } => {
                let mut names: Vec<String> = Vec::new();
                for pattern in expected {
                    let name = match pattern {
                        RichPattern::Token(tok) => format!("`{}`", tok.text),
                        RichPattern::Label(label) => label.to_string(),
                        _ => continue,
                    };
                    if !names.contains(&name) {
                        names.push(name);
                    }
                }
                let after = at
                    .checked_sub(1)
                    .and_then(|i| item.get(i))
                    .map(|t| format!(" after `{}`", shorten(t.text)))
                    .unwrap_or_default();
                if names.is_empty() {
                    format!("unexpected {found}{after}")
                } else {
                    format!("expected {}{after}, found {found}", one_of(&names))
                }
            }
            RichReason::Custom(Msg::Text(text)) => text.clone(),
            RichReason::Custom(Msg::Unclosed { what, at }) => {
                let before = self.describe(first, item, *at);
                format!("unclosed `{{`: this {what} needs a `}}` before {before}")
            }
        };
        Some(SyntaxError {
            kind: SyntaxErrorKind::Unexpected,
            range: self.range(first, item, at),
            message,
        })
    }

    /// What stands at item-relative token `at`: the token, or what follows the item.
    fn describe(&self, first: usize, item: &[Tok<'_>], at: usize) -> String {
        match item.get(at) {
            Some(t) => format!("`{}`", shorten(t.text)),
            None if first + item.len() < self.tokens.len() => {
                format!("`{}`", shorten(self.tokens.text(first + item.len())))
            }
            None => "the end of the file".to_string(),
        }
    }

    /// The byte range of item-relative token `at`; past the item's end, the empty range right
    /// after its last token (where the missing piece belongs).
    fn range(&self, first: usize, item: &[Tok<'_>], at: usize) -> TextRange {
        if at < item.len() {
            return self.tokens.range(first + at);
        }
        let end = (first + item.len())
            .checked_sub(1)
            .and_then(|last| self.tokens.ranges.get(last))
            .map_or(lexer::offset(self.tokens.text.len()), |r| r.end);
        TextRange::new(end, end)
    }
}

/// Long tokens (strings) are cut in messages.
fn shorten(text: &str) -> String {
    const MAX: usize = 40;
    match text.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}…", text.get(..cut).unwrap_or(text)),
        None => text.to_string(),
    }
}

/// `a`, `a or b`, `a, b or c`.
fn one_of(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

// ---------------------------------------------------------------------------------------------
// Terminals
//
// Statements have no separators, so a word that starts a statement of the enclosing block can
// never be a name or a value inside one: `cluster` followed on the next line by `listen 80 http`
// is a `cluster` statement missing its names, not a cluster called `listen`. Every name and
// value parser therefore takes the block's reserved words.

/// The words of a block that names and values inside its statements may not be.
pub(super) type Reserved = &'static [&'static str];

/// A token to match: only the kind and the text count (see [`Tok`]'s `PartialEq`).
fn pattern(kind: Token, text: &'static str) -> Tok<'static> {
    Tok {
        kind,
        text,
        column: 0,
        first_on_line: false,
    }
}

fn kw<'a>(word: &'static str) -> impl Parser<'a, In<'a>, Tok<'a>, Ex<'a>> + Clone {
    just(pattern(Token::Ident, word))
}

fn punct<'a>(kind: Token, text: &'static str) -> impl Parser<'a, In<'a>, Tok<'a>, Ex<'a>> + Clone {
    just(pattern(kind, text))
}

fn comma<'a>() -> impl Parser<'a, In<'a>, Tok<'a>, Ex<'a>> + Clone {
    punct(Token::Comma, ",")
}

/// A keyword kept as a [`Name`] (header actions: `set`, `remove`).
fn kw_name<'a>(word: &'static str) -> impl Parser<'a, In<'a>, Name, Ex<'a>> + Clone {
    kw(word).map_with(|t, e| Name {
        text: CompactString::new(t.text),
        span: span(e.span()),
    })
}

/// An identifier that is not one of `reserved`.
fn name<'a>(
    label: &'static str,
    reserved: Reserved,
) -> impl Parser<'a, In<'a>, Name, Ex<'a>> + Clone {
    select! {
        Tok { kind: Token::Ident, text, .. } = e if !reserved.contains(&text) =>
            Name { text: CompactString::new(text), span: span(e.span()) }
    }
    .labelled(label)
}

fn string<'a>() -> impl Parser<'a, In<'a>, Str, Ex<'a>> + Clone {
    select! {
        Tok { kind: Token::Str, text, .. } = e =>
            Str { value: lexer::string_value(text).0, span: span(e.span()) }
    }
    .labelled("a string")
}

fn int<'a>(label: &'static str) -> impl Parser<'a, In<'a>, Int, Ex<'a>> + Clone {
    select! {
        Tok { kind: Token::Int, text, .. } = e => Int { value: lexer::number_value(text), span: span(e.span()) }
    }
    .labelled(label)
}

/// A literal of a policy field; an identifier value may not be one of `reserved`.
fn value<'a>(reserved: Reserved) -> impl Parser<'a, In<'a>, Value, Ex<'a>> + Clone {
    select! {
        Tok { kind: Token::Int, text, .. } => ValueKind::Int(lexer::number_value(text)),
        Tok { kind: Token::Duration, text, .. } => ValueKind::Duration(lexer::number_value(text)),
        Tok { kind: Token::Percent, text, .. } => ValueKind::Percent(lexer::number_value(text)),
        Tok { kind: Token::Str, text, .. } => ValueKind::Str(lexer::string_value(text).0),
        Tok { kind: Token::Ident, text, .. } if !reserved.contains(&text) =>
            ValueKind::Ident(CompactString::new(text)),
        Tok { kind: Token::Word, text, .. } => ValueKind::Word(CompactString::new(text)),
    }
    .map_with(|kind, e| Value {
        kind,
        span: span(e.span()),
    })
    .labelled("a value")
}

/// One or more, separated by commas.
fn list<'a, O>(
    item: impl Parser<'a, In<'a>, O, Ex<'a>> + Clone,
) -> impl Parser<'a, In<'a>, Vec<O>, Ex<'a>> + Clone {
    item.separated_by(comma()).at_least(1).collect().map(fitted)
}

/// A vector filled one element at a time keeps room for up to twice its length (four at
/// least: a one-target route would hold room for four 200-byte targets). A tree lives as long
/// as its file's text is unchanged, so one that holds half its room or less is cut to its
/// length. One fuller than that is left as it is: mimalloc keeps a block shrunk by less than
/// half where it is, so shrinking it would only cost the call (21,000 of them at 10k routes).
pub(super) fn fitted<T>(mut elements: Vec<T>) -> Vec<T> {
    if elements.len() <= elements.capacity() / 2 {
        elements.shrink_to_fit();
    }
    elements
}

/// `NAME` or `NAME.NAMESPACE`.
fn qualified_name<'a>(
    label: &'static str,
    reserved: Reserved,
) -> impl Parser<'a, In<'a>, QualifiedName, Ex<'a>> + Clone {
    name(label, reserved)
        .then(
            punct(Token::Dot, ".")
                .ignore_then(name("a namespace", reserved))
                .or_not(),
        )
        .map_with(|(name, namespace), e| QualifiedName {
            name,
            namespace,
            span: span(e.span()),
        })
}

fn port_ref<'a>(reserved: Reserved) -> impl Parser<'a, In<'a>, PortRef, Ex<'a>> + Clone {
    choice((
        int("a port").map(PortRef::Number),
        name("a port", reserved).map(PortRef::Name),
    ))
    .labelled("a port number or name")
}

/// `(app = "reviews", "app.kubernetes.io/part-of" = "shop")`. Keys and values may be
/// identifiers or strings (an identifier value is accepted as a string for friendliness).
/// Inside parentheses nothing is ambiguous, so no word is reserved.
fn selector<'a>() -> Bx<'a, Selector> {
    let text = |label| {
        choice((
            string(),
            select! {
                Tok { kind: Token::Ident, text, .. } = e =>
                    Str { value: CompactString::new(text), span: span(e.span()) }
            },
        ))
        .labelled(label)
    };
    let label = text("a label name")
        .then_ignore(punct(Token::Eq, "="))
        .then(text("a label value"))
        .map_with(|(key, value), e| LabelMatch {
            key,
            value,
            span: span(e.span()),
        });
    punct(Token::LParen, "(")
        .ignore_then(
            label
                .separated_by(comma())
                .allow_trailing()
                .collect()
                .map(fitted),
        )
        .then_ignore(punct(Token::RParen, ")"))
        .map_with(|labels, e| Selector {
            labels,
            span: span(e.span()),
        })
        .boxed()
}

/// `in NAMESPACE` after a selector.
fn in_namespace<'a>(reserved: Reserved) -> impl Parser<'a, In<'a>, Option<Name>, Ex<'a>> + Clone {
    kw("in").ignore_then(name("a namespace", reserved)).or_not()
}

/// `service NAME[.NS][:PORT] [SELECTOR] [@CLUSTER] [weight N]` or
/// `destination NAME[:PORT] [weight N]`.
fn target<'a>(reserved: Reserved) -> Bx<'a, Target> {
    let port = punct(Token::Colon, ":")
        .ignore_then(port_ref(reserved))
        .or_not();
    let weight = kw("weight").ignore_then(int("a weight")).or_not();
    let service = kw("service")
        .ignore_then(qualified_name("a service name", reserved))
        .then(port.clone())
        .then(selector().or_not())
        .then(
            punct(Token::At, "@")
                .ignore_then(name("a cluster name", reserved))
                .or_not(),
        )
        .then(weight.clone())
        .map_with(
            |((((service, port), subset), cluster), weight), e| Target::Service {
                service,
                port,
                subset,
                cluster,
                weight,
                span: span(e.span()),
            },
        );
    let destination = kw("destination")
        .ignore_then(name("a destination name", reserved))
        .then(port)
        .then(weight)
        .map_with(|((name, port), weight), e| Target::Destination {
            name,
            port,
            weight,
            span: span(e.span()),
        });
    choice((service, destination)).boxed()
}

fn apply<'a>(reserved: Reserved) -> impl Parser<'a, In<'a>, Apply, Ex<'a>> + Clone {
    kw("apply")
        .ignore_then(list(name("a policy name", reserved)))
        .map_with(|policies, e| Apply {
            policies,
            span: span(e.span()),
        })
}

// ---------------------------------------------------------------------------------------------
// Blocks and recovery

/// What a block's statement loop needs to know.
pub(super) struct Block {
    /// "a route": for "unexpected `x` in a route".
    noun: &'static str,
    /// "route": for "this route needs a `}`".
    what: &'static str,
    /// The words that start a statement: listed in errors, and where recovery resumes.
    keywords: Reserved,
    /// Words that cannot appear inside the block but start a statement of the enclosing
    /// block: seeing one means this block's `}` is missing.
    closed_by: Reserved,
    /// `keywords` and `closed_by`: what names inside the block's statements may not be.
    pub(super) reserved: Reserved,
}

const GATEWAY_KEYWORDS: Reserved = &["cluster", "workload", "listen"];
pub(super) const GATEWAY: Block = Block {
    noun: "a gateway",
    what: "gateway",
    keywords: GATEWAY_KEYWORDS,
    closed_by: &[],
    reserved: GATEWAY_KEYWORDS,
};
const DESTINATION_KEYWORDS: Reserved = &["host", "port", "select", "clusters", "apply"];
pub(super) const DESTINATION: Block = Block {
    noun: "a destination",
    what: "destination",
    keywords: DESTINATION_KEYWORDS,
    closed_by: &[],
    reserved: DESTINATION_KEYWORDS,
};
const TABLE_KEYWORDS: Reserved = &["hosts", "expose", "apply", "weight", "route"];
pub(super) const TABLE: Block = Block {
    noun: "a route table",
    what: "route table",
    keywords: TABLE_KEYWORDS,
    closed_by: &[],
    reserved: TABLE_KEYWORDS,
};
pub(super) const ROUTE: Block = Block {
    noun: "a route",
    what: "route",
    keywords: &[
        "match", "to", "redirect", "respond", "delegate", "rewrite", "apply",
    ],
    closed_by: &["route"],
    reserved: &[
        "match", "to", "redirect", "respond", "delegate", "rewrite", "apply", "route",
    ],
};
const TEST_KEYWORDS: Reserved = &["request", "expect"];
pub(super) const TEST: Block = Block {
    noun: "a test",
    what: "test",
    keywords: TEST_KEYWORDS,
    closed_by: &[],
    reserved: TEST_KEYWORDS,
};

/// The fields whose arguments are one value or a comma-separated list of values.
pub(super) const VALUE_FIELDS: Reserved = &[
    "attempts",
    "per-try-timeout",
    "on",
    "delay",
    "abort",
    "percent",
    "origins",
    "methods",
    "headers",
    "expose",
    "max-age",
    "consecutive-errors",
    "interval",
    "base-ejection",
    "max-ejection",
    "prefer",
];
pub(super) const FLAG_FIELDS: Reserved = &["credentials"];
pub(super) const HEADER_FIELDS: Reserved = &["request", "response"];
pub(super) const TARGET_FIELDS: Reserved = &["to"];
pub(super) const ALLOW_FIELDS: Reserved = &["allow"];
pub(super) const MAPPING_FIELDS: Reserved = &["from"];
/// Every field name the parser knows, in any policy kind.
pub(super) const FIELDS: Reserved = &[
    "attempts",
    "per-try-timeout",
    "on",
    "delay",
    "abort",
    "percent",
    "origins",
    "methods",
    "headers",
    "expose",
    "max-age",
    "consecutive-errors",
    "interval",
    "base-ejection",
    "max-ejection",
    "prefer",
    "credentials",
    "request",
    "response",
    "to",
    "allow",
    "from",
];

fn is_field(text: &str) -> bool {
    FIELDS.contains(&text)
}

fn is_ident(tok: &Tok<'_>, words: &[&str]) -> bool {
    tok.kind == Token::Ident && words.contains(&tok.text)
}

/// The item-relative index of the next token.
fn position<'a>(inp: &mut Cx<'a, '_>) -> usize {
    *inp.cursor().inner()
}

/// Skips a bad statement that starts with `first`: always that token, then everything up to
/// a statement keyword (`is_sync`), a line that starts left of or below the statement's first
/// token (statements go one per line, continuation lines are indented further), a `}` outside
/// nested delimiters, or the end. Keywords and lines count outside braces only.
fn skip_statement<'a>(inp: &mut Cx<'a, '_>, first: Tok<'_>, is_sync: impl Fn(&Tok<'_>) -> bool) {
    let mut nesting = Nesting::default();
    let mut skipped_any = false;
    while let Some(tok) = inp.peek() {
        let new_line = tok.first_on_line && tok.column <= first.column;
        // No statement spans an unclosed `(`, but one may hold a `{ ... }` of junk.
        if skipped_any && !nesting.in_braces() && (is_sync(&tok) || new_line) {
            break;
        }
        // A `}` that closes the enclosing block is left to the block, unless nothing has been
        // skipped yet: the loops that call this must always make progress.
        if nesting.step(tok.kind) == Step::UnmatchedBrace && skipped_any {
            break;
        }
        inp.skip();
        skipped_any = true;
    }
}

/// Reports that the block whose `{` is at `open` ends (at the current position) without `}`.
fn unclosed<'a>(inp: &mut Cx<'a, '_>, open: usize, what: &'static str) {
    let at = position(inp);
    inp.emit(Rich::custom(
        SimpleSpan::from(open..open + 1),
        Msg::Unclosed { what, at },
    ));
}

/// "unexpected `x` in a route: expected `match`, ...", for a token that starts no statement.
/// When the previous statement could have gone on with `,` or `and`, the likely mistake is a
/// missing separator, so that is offered first.
fn unexpected_statement(err: &PErr<'_>, tok: Tok<'_>, at: usize, block: &Block) -> PErr<'static> {
    let continuations: Vec<String> = err
        .expected()
        .filter_map(|p| match p {
            RichPattern::Token(t) if matches!(t.text, "," | "and") => Some(format!("`{}`", t.text)),
            _ => None,
        })
        .collect();
    let keywords: Vec<String> = block.keywords.iter().map(|k| format!("`{k}`")).collect();
    let expected = if continuations.is_empty() {
        one_of(&keywords)
    } else {
        format!(
            "{} or a statement ({})",
            continuations.join(", "),
            one_of(&keywords)
        )
    };
    let message = format!(
        "unexpected `{}` in {}: expected {expected}",
        shorten(tok.text),
        block.noun
    );
    Rich::custom(SimpleSpan::from(at..at + 1), Msg::Text(message))
}

/// `{ STATEMENT* }` for the statement kind of `block`. Never fails once the `{` is there: bad
/// statements become `error(span)` (one error each), and a missing `}` is reported.
fn block<'a, S: 'a>(
    block: &'static Block,
    statement: Bx<'a, S>,
    error: fn(ast::Span) -> S,
) -> Bx<'a, Vec<S>> {
    punct(Token::LBrace, "{")
        .ignore_then(custom(move |inp: &mut Cx<'a, '_>| {
            let open = position(inp).saturating_sub(1);
            let mut body = Vec::new();
            loop {
                let Some(tok) = inp.peek() else {
                    unclosed(inp, open, block.what);
                    break;
                };
                if tok.kind == Token::RBrace {
                    inp.skip();
                    break;
                }
                if is_ident(&tok, block.closed_by) {
                    unclosed(inp, open, block.what);
                    break;
                }
                let start = inp.cursor();
                let checkpoint = inp.save();
                match inp.parse(&statement) {
                    Ok(stmt) => body.push(stmt),
                    Err(err) => {
                        inp.rewind(checkpoint);
                        inp.emit(bad_statement(err, tok, *start.inner(), block));
                        skip_statement(inp, tok, |t| is_ident(t, block.reserved));
                        body.push(error(span(inp.span_since(&start))));
                    }
                }
            }
            Ok(fitted(body))
        }))
        .boxed()
}

/// `{ FIELD* }` of a policy. Fields are parsed by the shape their name implies; an unknown
/// name becomes [`FieldArgs::Unknown`] with its arguments skipped silently (the checker reports
/// it, with a suggestion), and a known field with bad arguments becomes [`FieldArgs::Error`].
fn policy_block<'a>() -> Bx<'a, PolicyBody> {
    let field = policy_field();
    let is_sync = |t: &Tok<'_>| is_ident(t, FIELDS);
    punct(Token::LBrace, "{")
        .ignore_then(custom(move |inp: &mut Cx<'a, '_>| {
            let open = position(inp).saturating_sub(1);
            let mut fields = Vec::new();
            loop {
                let Some(tok) = inp.peek() else {
                    unclosed(inp, open, "policy");
                    break;
                };
                if tok.kind == Token::RBrace {
                    inp.skip();
                    break;
                }
                let start = inp.cursor();
                let at = *start.inner();
                let name = Name {
                    text: CompactString::new(tok.text),
                    span: ast::Span::new(index(at), index(at + 1)),
                };
                if tok.kind == Token::Ident && !is_field(tok.text) {
                    skip_statement(inp, tok, is_sync);
                    let span = span(inp.span_since(&start));
                    fields.push(PolicyField {
                        name,
                        args: FieldArgs::Unknown,
                        span,
                    });
                    continue;
                }
                let checkpoint = inp.save();
                match inp.parse(&field) {
                    Ok(field) => fields.push(field),
                    Err(err) => {
                        inp.rewind(checkpoint);
                        skip_statement(inp, tok, is_sync);
                        inp.emit(bad_field(err, tok, at));
                        // Junk that is not even a name leaves no field behind.
                        if tok.kind == Token::Ident {
                            let span = span(inp.span_since(&start));
                            fields.push(PolicyField {
                                name,
                                args: FieldArgs::Error,
                                span,
                            });
                        }
                    }
                }
            }
            Ok(fitted(fields))
        }))
        .map_with(|fields, e| PolicyBody::Block {
            fields,
            span: span(e.span()),
        })
        .boxed()
}

fn policy_field<'a>() -> Bx<'a, PolicyField> {
    let field_name = |names: Reserved| {
        select! {
            Tok { kind: Token::Ident, text, .. } = e if names.contains(&text) =>
                Name { text: CompactString::new(text), span: span(e.span()) }
        }
    };
    let values = field_name(VALUE_FIELDS).then(list(value(FIELDS)).map(FieldArgs::Values));
    let flag = field_name(FLAG_FIELDS).map(|name| (name, FieldArgs::Flag));
    let header = field_name(HEADER_FIELDS).then(choice((
        kw_name("set")
            .then(string())
            .then(string())
            .map(|((action, header), value)| FieldArgs::Header {
                action,
                header,
                value: Some(value),
            }),
        kw_name("remove")
            .then(string())
            .map(|(action, header)| FieldArgs::Header {
                action,
                header,
                value: None,
            }),
    )));
    let to = field_name(TARGET_FIELDS).then(target(FIELDS).map(FieldArgs::Target));
    let allow = field_name(ALLOW_FIELDS).then(
        name("a principal kind (`service-account`)", FIELDS)
            .then(qualified_name("a service account", FIELDS))
            .map(|(principal, account)| FieldArgs::Allow { principal, account }),
    );
    let mapping = field_name(MAPPING_FIELDS).then(
        value(FIELDS)
            .then_ignore(kw("to"))
            .then(list(value(FIELDS)))
            .map(|(from, to)| FieldArgs::Mapping { from, to }),
    );
    choice((values, flag, header, to, allow, mapping))
        .map_with(|(name, args), e| PolicyField {
            name,
            args,
            span: span(e.span()),
        })
        .boxed()
}

// ---------------------------------------------------------------------------------------------
// Statements

fn gateway_statement<'a>() -> Bx<'a, GatewayStmt> {
    let reserved = GATEWAY.reserved;
    let cluster = kw("cluster")
        .ignore_then(list(name("a cluster name", reserved)))
        .map_with(|clusters, e| GatewayStmt::Cluster {
            clusters,
            span: span(e.span()),
        });
    let workload = kw("workload")
        .ignore_then(selector())
        .then(in_namespace(reserved))
        .map_with(|(selector, namespace), e| GatewayStmt::Workload {
            selector,
            namespace,
            span: span(e.span()),
        });
    let listen = kw("listen")
        .ignore_then(int("a port number"))
        .then(name("a protocol", reserved))
        .then(kw("tls").ignore_then(string()).or_not())
        .map_with(|((port, protocol), tls), e| GatewayStmt::Listen {
            port,
            protocol,
            tls,
            span: span(e.span()),
        });
    choice((cluster, workload, listen)).boxed()
}

fn destination_statement<'a>() -> Bx<'a, DestinationStmt> {
    let reserved = DESTINATION.reserved;
    let host = kw("host")
        .ignore_then(list(string()))
        .map_with(|hosts, e| DestinationStmt::Host {
            hosts,
            span: span(e.span()),
        });
    let port = kw("port")
        .ignore_then(int("a port number"))
        .then(name("a protocol", reserved).or_not())
        .then(
            punct(Token::Arrow, "->")
                .ignore_then(port_ref(reserved))
                .or_not(),
        )
        .map_with(|((number, protocol), target), e| DestinationStmt::Port {
            number,
            protocol,
            target,
            span: span(e.span()),
        });
    let select = kw("select")
        .ignore_then(selector())
        .then(in_namespace(reserved))
        .map_with(|(selector, namespace), e| DestinationStmt::Select {
            selector,
            namespace,
            span: span(e.span()),
        });
    let clusters = kw("clusters")
        .ignore_then(list(name("a cluster name", reserved)))
        .map_with(|clusters, e| DestinationStmt::Clusters {
            clusters,
            span: span(e.span()),
        });
    let apply = apply(reserved).map(DestinationStmt::Apply);
    choice((host, port, select, clusters, apply)).boxed()
}

fn table_statement<'a>() -> Bx<'a, TableStmt> {
    let reserved = TABLE.reserved;
    let hosts = kw("hosts")
        .ignore_then(list(string()))
        .map_with(|hosts, e| TableStmt::Hosts {
            hosts,
            span: span(e.span()),
        });
    let expose_gateway = kw("expose")
        .then(kw("on"))
        .then(kw("gateway"))
        .ignore_then(list(name("a gateway name", reserved)))
        .map_with(|gateways, e| Expose::Gateway {
            gateways,
            span: span(e.span()),
        });
    let expose_mesh = kw("expose")
        .then(kw("to"))
        .then(kw("mesh"))
        .map_with(|_, e| Expose::Mesh {
            span: span(e.span()),
        });
    let expose_workloads = kw("expose")
        .then(kw("to"))
        .then(kw("workloads"))
        .ignore_then(selector())
        .then(in_namespace(reserved))
        .map_with(|(selector, namespace), e| Expose::Workloads {
            selector,
            namespace,
            span: span(e.span()),
        });
    let weight = kw("weight")
        .ignore_then(int("a weight"))
        .map_with(|weight, e| TableStmt::Weight {
            weight,
            span: span(e.span()),
        });
    let route = kw("route")
        .ignore_then(name("a route name", reserved))
        .then(block(&ROUTE, route_statement(), RouteStmt::Error))
        .map_with(|(name, body), e| {
            TableStmt::Route(Route {
                name,
                body,
                span: span(e.span()),
            })
        });
    choice((
        hosts,
        choice((expose_gateway, expose_mesh, expose_workloads)).map(TableStmt::Expose),
        apply(reserved).map(TableStmt::Apply),
        weight,
        route,
    ))
    .boxed()
}

fn matcher<'a>(reserved: Reserved) -> Bx<'a, Matcher> {
    let path = kw("path")
        .ignore_then(choice((
            kw("prefix").to(PathKind::Prefix),
            kw("exact").to(PathKind::Exact),
            kw("regex").to(PathKind::Regex),
        )))
        .then(string())
        .map_with(|(kind, value), e| Matcher::Path {
            kind,
            value,
            span: span(e.span()),
        });
    let header = kw("header")
        .ignore_then(string())
        .then(choice((
            punct(Token::Eq, "=")
                .ignore_then(string())
                .map(HeaderOp::Equals),
            punct(Token::NotEq, "!=")
                .ignore_then(string())
                .map(HeaderOp::NotEquals),
            punct(Token::Tilde, "~")
                .ignore_then(string())
                .map(HeaderOp::Regex),
            kw("present").to(HeaderOp::Present),
        )))
        .map_with(|(name, op), e| Matcher::Header {
            name,
            op,
            span: span(e.span()),
        });
    let query = kw("query")
        .ignore_then(string())
        .then(choice((
            punct(Token::Eq, "=")
                .ignore_then(string())
                .map(QueryOp::Equals),
            punct(Token::Tilde, "~")
                .ignore_then(string())
                .map(QueryOp::Regex),
        )))
        .map_with(|(name, op), e| Matcher::Query {
            name,
            op,
            span: span(e.span()),
        });
    let method = kw("method")
        .ignore_then(list(name("a method", reserved)))
        .map_with(|methods, e| Matcher::Method {
            methods,
            span: span(e.span()),
        });
    choice((path, header, query, method)).boxed()
}

fn route_statement<'a>() -> Bx<'a, RouteStmt> {
    let reserved = ROUTE.reserved;
    let matches = kw("match")
        .ignore_then(
            matcher(reserved)
                .separated_by(kw("and"))
                .at_least(1)
                .collect()
                .map(fitted),
        )
        .map_with(|matchers, e| RouteStmt::Match {
            matchers,
            span: span(e.span()),
        });
    let to = kw("to")
        .ignore_then(list(target(reserved)))
        .map_with(|targets, e| RouteStmt::To {
            targets,
            span: span(e.span()),
        });
    let host = kw("host").ignore_then(string());
    let path = kw("path").ignore_then(string());
    let code = kw("code").ignore_then(int("a status code"));
    // At least one part, in this order.
    let redirect = kw("redirect")
        .ignore_then(choice((
            host.then(path.clone().or_not())
                .then(code.clone().or_not())
                .map(|((host, path), code)| (Some(host), path, code)),
            path.then(code.clone().or_not())
                .map(|(path, code)| (None, Some(path), code)),
            code.map(|code| (None, None, Some(code))),
        )))
        .map_with(|(host, path, code), e| RouteStmt::Redirect {
            host,
            path,
            code,
            span: span(e.span()),
        });
    let respond = kw("respond")
        .ignore_then(int("a status code"))
        .then(string().or_not())
        .map_with(|(status, body), e| RouteStmt::Respond {
            status,
            body,
            span: span(e.span()),
        });
    let delegate = kw("delegate")
        .then(kw("to"))
        .then(kw("routes"))
        .ignore_then(list(name("a route table name", reserved)))
        .map_with(|tables, e| RouteStmt::Delegate {
            tables,
            span: span(e.span()),
        });
    let rewrite = kw("rewrite")
        .ignore_then(choice((
            kw("prefix").to(RewriteKind::Prefix),
            kw("host").to(RewriteKind::Host),
        )))
        .then(string())
        .map_with(|(kind, value), e| RouteStmt::Rewrite {
            kind,
            value,
            span: span(e.span()),
        });
    let apply = apply(reserved).map(RouteStmt::Apply);
    choice((matches, to, redirect, respond, delegate, rewrite, apply)).boxed()
}

fn test_statement<'a>() -> Bx<'a, TestStmt> {
    let reserved = TEST.reserved;
    let header = kw("header")
        .ignore_then(string())
        .then_ignore(punct(Token::Eq, "="))
        .then(string());
    let request = kw("request")
        .ignore_then(name("a method", reserved))
        .then(string())
        .then(header.repeated().collect())
        .then(
            kw("via")
                .then(kw("gateway"))
                .ignore_then(name("a gateway name", reserved))
                .or_not(),
        )
        .map_with(
            |(((method, url), headers), via_gateway), e| TestStmt::Request {
                method,
                url,
                headers,
                via_gateway,
                span: span(e.span()),
            },
        );
    let expect_route = kw("expect")
        .then(kw("route"))
        .ignore_then(name("a route table name", reserved))
        .then_ignore(punct(Token::Dot, "."))
        .then(name("a route name", reserved))
        .map_with(|(table, route), e| TestStmt::ExpectRoute {
            table,
            route,
            span: span(e.span()),
        });
    let expect_to = kw("expect")
        .then(kw("to"))
        .ignore_then(target(reserved))
        .map_with(|target, e| TestStmt::ExpectTo {
            target,
            span: span(e.span()),
        });
    let expect_policy = kw("expect")
        .then(kw("policy"))
        .ignore_then(name("a policy name", reserved))
        .map_with(|policy, e| TestStmt::ExpectPolicy {
            policy,
            span: span(e.span()),
        });
    let expect_no_route = kw("expect")
        .then(kw("no"))
        .then(kw("route"))
        .map_with(|_, e| TestStmt::ExpectNoRoute {
            span: span(e.span()),
        });
    choice((
        request,
        expect_route,
        expect_to,
        expect_policy,
        expect_no_route,
    ))
    .boxed()
}

// ---------------------------------------------------------------------------------------------
// Items

/// One item, and how many tokens of the slice it used (the rest is junk).
type ItemOutput = (ast::Item, usize);

/// The grammar of one item, for the items [`descent`] gives up on.
fn item<'a>() -> Bx<'a, ItemOutput> {
    const NONE: Reserved = &[];
    let namespace = kw("namespace")
        .ignore_then(name("a namespace", NONE))
        .map(ItemKind::Namespace);
    let gateway = kw("gateway")
        .ignore_then(name("a gateway name", NONE))
        .then(block(&GATEWAY, gateway_statement(), GatewayStmt::Error))
        .map(|(name, body)| ItemKind::Gateway(Gateway { name, body }));
    let destination = kw("destination")
        .ignore_then(name("a destination name", NONE))
        .then(block(
            &DESTINATION,
            destination_statement(),
            DestinationStmt::Error,
        ))
        .map(|(name, body)| ItemKind::Destination(Destination { name, body }));
    let policy = kw("policy")
        .ignore_then(name("a policy name", NONE))
        .then_ignore(punct(Token::Eq, "="))
        .then(name("a policy kind", NONE))
        .then(
            choice((policy_block(), value(NONE).map(PolicyBody::Short))).recover_with(via_parser(
                // The name and kind are fine: keep the policy, so references to it resolve.
                any()
                    .repeated()
                    .map_with(|_, e| PolicyBody::Error(span(e.span()))),
            )),
        )
        .map(|((name, kind), body)| ItemKind::Policy(Policy { name, kind, body }));
    let routes = kw("routes")
        .ignore_then(name("a route table name", NONE))
        .then(block(&TABLE, table_statement(), TableStmt::Error))
        .map(|(name, body)| ItemKind::Routes(RouteTable { name, body }));
    let test = kw("test")
        .ignore_then(string().labelled("a test name (a string)"))
        .then(block(&TEST, test_statement(), TestStmt::Error))
        .map(|(name, body)| ItemKind::Test(Test { name, body }));
    choice((namespace, gateway, destination, policy, routes, test))
        .map_with(|kind, e| {
            let s: SimpleSpan = e.span();
            (
                ast::Item {
                    kind,
                    span: span(s),
                },
                s.end,
            )
        })
        .then_ignore(any().repeated())
        .boxed()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `FIELDS` spells out the union of the per-shape lists (consts cannot be concatenated);
    /// keep them in step.
    #[test]
    fn field_lists_agree() {
        let shapes = [
            VALUE_FIELDS,
            FLAG_FIELDS,
            HEADER_FIELDS,
            TARGET_FIELDS,
            ALLOW_FIELDS,
            MAPPING_FIELDS,
        ];
        let union: Vec<&str> = shapes.iter().flat_map(|s| s.iter().copied()).collect();
        assert_eq!(union, FIELDS);
    }

    /// Every `.route` file under `dir`, recursively.
    fn route_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                route_files(&path, out);
            } else if path.extension().is_some_and(|e| e == "route") {
                out.push(path);
            }
        }
    }

    /// Lexing a text in parts gives the tokens, comments and errors of lexing it whole.
    #[test]
    fn lexing_in_parts_is_lexing_whole() {
        let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
        let mut files = Vec::new();
        route_files(&data, &mut files);
        let mut texts: Vec<String> = files
            .iter()
            .map(|path| std::fs::read_to_string(path).unwrap())
            .collect();
        texts.push(
            "gateway g { # c\r\n  listen 80 http ## d\r\n\"open\n 'x' $$ 12.5.5 \"\\q\"\n\n# end"
                .to_string(),
        );
        for text in &texts {
            let whole = lex_part(text, 0..text.len());
            for size in [0, 1, 5, 64, 1000] {
                let parts = lex_in_parts(text, size);
                assert_eq!(parts.tokens.kinds, whole.tokens.kinds, "{size}");
                assert_eq!(parts.tokens.ranges, whole.tokens.ranges, "{size}");
                assert_eq!(parts.comments, whole.comments, "{size}");
                assert_eq!(parts.errors, whole.errors, "{size}");
            }
        }
    }

    /// Batches only decide when (and on which core) the parser's tokens are made: any size
    /// parses alike.
    #[test]
    fn batch_size_does_not_change_the_parse() {
        let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
        let mut files = Vec::new();
        route_files(&data, &mut files);
        assert!(!files.is_empty());
        for path in files {
            let text = std::fs::read_to_string(&path).unwrap();
            let whole = parse_in_batches(&text, None, usize::MAX, Passes::DescentFirst);
            // Without a cache, several batches are parsed in parallel; with one, in order,
            // reusing the trees the previous size's parse left in it.
            let mut cache = ItemCache::default();
            for size in [0, 1, 7, 100] {
                let parse = parse_in_batches(&text, None, size, Passes::DescentFirst);
                assert!(parse == whole, "{} in batches of {size}", path.display());
                let reusing = parse_in_batches(&text, Some(&mut cache), size, Passes::DescentFirst);
                assert!(
                    reusing == whole,
                    "{} reusing, batches of {size}",
                    path.display()
                );
            }
        }
    }

    /// Where the descent builds a tree, chumsky builds the same one and reports no error;
    /// where it gives up, chumsky reports an error or keeps an unknown policy field (which the
    /// descent leaves to chumsky). Checked on every item of the test inputs, valid and not; the
    /// property tests compare whole parses of mutated files (`lang/tests/parser_props.rs`).
    #[test]
    fn descent_agrees_with_chumsky() {
        let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
        let mut files = Vec::new();
        route_files(&data, &mut files);
        let (mut descended, mut given_up) = (0, 0);
        for path in files {
            let text = std::fs::read_to_string(&path).unwrap();
            let Lexed { tokens, .. } = lex_file(&text);
            let mut toks = Vec::new();
            tokens.toks(0..tokens.len(), &mut toks);
            let chumsky = item();
            for c in chunk::chunk(&tokens) {
                if c.kind != ChunkKind::Item {
                    continue;
                }
                let (output, errors) = chumsky.parse(&toks[c.start..c.end]).into_output_errors();
                let at = format!("{} at token {}", path.display(), c.start);
                match descent::item(&tokens, c.start..c.end) {
                    Some(tree) => {
                        assert_eq!(output, Some(tree), "{at}");
                        assert!(errors.is_empty(), "{at}");
                        descended += 1;
                    }
                    None => {
                        let unknown_field = matches!(
                            &output,
                            Some((ast::Item { kind: ItemKind::Policy(Policy {
                                body: PolicyBody::Block { fields, .. }, ..
                            }), .. }, _))
                                if fields.iter().any(|f| f.args == FieldArgs::Unknown)
                        );
                        assert!(!errors.is_empty() || unknown_field, "{at}");
                        given_up += 1;
                    }
                }
            }
        }
        assert!(
            descended > 100 && given_up > 20,
            "{descended} descended, {given_up} given up"
        );
    }
}
