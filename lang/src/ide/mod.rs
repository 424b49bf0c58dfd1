//! IDE features in editor terms: pure functions over the salsa database that take a file and a
//! byte offset (or range) and return plain structs with byte [`TextRange`]s and labels.
//!
//! This is the layer rust-analyzer calls `ide`: it knows nothing of LSP, JSON or UTF-16 — the
//! `lsp` crate converts positions and serializes. Every function is total: any offset is
//! accepted (past the end of the text, inside a multi-byte character) and nothing panics on
//! broken input. Requests read what salsa caches (the parse, the item index, the per-item
//! summaries and checks); work per request is bounded by the item under the cursor, except for
//! the project-wide requests (references, rename, workspace symbols), which read cached
//! per-item data.
//!
//! One module per feature; `classify` is the one walk over a syntax tree that says what each
//! name is (hover, navigation, semantic tokens and inlay hints read trees through it), and
//! `docs` holds the documentation of keywords.

mod actions;
mod classify;
mod completion;
mod docs;
mod folding;
mod hover;
mod inlay;
mod navigation;
mod semantic;
mod symbols;

pub use crate::syntax::TextRange;
pub use actions::{CodeAction, code_actions};
pub use completion::{COMPLETION_LIMIT, CompletionItem, CompletionKind, completions};
pub use folding::{Fold, FoldKind, folding_ranges};
pub use hover::{Hover, hover};
pub use inlay::{InlayHint, inlay_hints};
pub use navigation::{NavTarget, RenameError, definition, prepare_rename, references, rename};
pub use semantic::{SemanticKind, SemanticModifiers, SemanticToken, semantic_tokens};
pub use symbols::{Symbol, SymbolKind, document_symbols, workspace_symbols};

use crate::db::{Db, Item, SourceFile, file_items};
use crate::syntax::{Parse, ParsedItem, ast};

/// An offset made safe to slice `text` with: at most the text's length, and moved back to the
/// start of the character it falls in.
fn clamp(text: &str, offset: u32) -> u32 {
    let mut at = (offset as usize).min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    u32::try_from(at).unwrap_or(u32::MAX)
}

/// The text of a range, or `""` for a range that does not fit the text.
fn slice(text: &str, range: TextRange) -> &str {
    text.get(range.start as usize..range.end as usize)
        .unwrap_or("")
}

/// Whether two ranges overlap or touch: an empty request range at a diagnostic's edge still
/// concerns it.
fn touches(a: TextRange, b: TextRange) -> bool {
    a.start <= b.end && b.start <= a.end
}

/// The index of the token at `offset`. Between two tokens (`name|:`), the one that is a word
/// wins, then the one on the right, as in rust-analyzer: hovering the end of a name is
/// hovering the name.
fn token_at(parse: &Parse, text: &str, offset: u32) -> Option<usize> {
    // The first token that ends after `offset`: it contains `offset` or lies after it.
    let next = parse.tokens.partition_point(|t| t.end <= offset);
    let right = parse
        .tokens
        .get(next)
        .is_some_and(|t| t.start <= offset)
        .then_some(next);
    let left = next
        .checked_sub(1)
        .filter(|&i| parse.tokens.get(i).is_some_and(|t| t.end == offset));
    let is_word = |i: usize| {
        parse
            .tokens
            .get(i)
            .is_some_and(|&t| slice(text, t).starts_with(is_word_start))
    };
    match (left, right) {
        (Some(l), Some(r)) if is_word(l) && !is_word(r) => Some(l),
        (_, Some(r)) => Some(r),
        (l, None) => l,
    }
}

/// Identifiers start with a letter or `_`; numbers with a digit; strings with a quote.
fn is_word_start(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '"'
}

/// The top-level item (or junk chunk) that token `token` belongs to.
fn parsed_item_of(parse: &Parse, token: usize) -> Option<&ParsedItem> {
    let after = parse
        .items
        .partition_point(|item| item.first_token as usize <= token);
    let item = parse.items.get(after.checked_sub(1)?)?;
    let end = item.first_token as usize + item.item.span.end as usize;
    (token < end).then_some(item)
}

/// The named item a parsed item is (`None` for `namespace` statements and junk).
fn item_of<'db>(db: &'db dyn Db, file: SourceFile, parsed: &ParsedItem) -> Option<Item<'db>> {
    let items = file_items(db, file);
    let at = items.partition_point(|item| item.first_token(db) < parsed.first_token);
    items
        .get(at)
        .copied()
        .filter(|item| item.first_token(db) == parsed.first_token)
}

/// The byte range of an item-relative span.
fn range_of(parse: &Parse, parsed: &ParsedItem, span: ast::Span) -> TextRange {
    parse.range(parsed.first_token, span)
}

/// Whether `candidate` matches what was typed, the way editors filter completion lists: the
/// query's letters appear in order, ignoring case, and the first one starts the candidate or
/// one of its parts (`rvw` and `bk` match `reviews.bookinfo`; `ew` does not). Filtering on
/// the server must never drop what the editor would show, so it is no stricter than that.
fn fuzzy_match(query: &str, candidate: &str) -> bool {
    let mut query = query.chars().map(|c| c.to_ascii_lowercase());
    let Some(first) = query.next() else {
        return true;
    };
    let mut rest = candidate.chars().map(|c| c.to_ascii_lowercase());
    // The earliest start of a part that matches leaves the most room for the rest.
    let mut previous: Option<char> = None;
    let started = rest.by_ref().any(|c| {
        let at_start = previous.is_none_or(|p| matches!(p, '-' | '.' | '_' | '/'));
        previous = Some(c);
        at_start && c == first
    });
    started && query.all(|q| rest.any(|c| c == q))
}

/// `a`, `b`, `c` and 4 more — for hover lines and inlay hints that list names.
fn list_some<'a>(names: impl IntoIterator<Item = &'a str>, shown: usize, code: bool) -> String {
    let names: Vec<&str> = names.into_iter().collect();
    let quote = |name: &str| {
        if code {
            format!("`{name}`")
        } else {
            name.to_owned()
        }
    };
    let mut out: Vec<String> = names.iter().take(shown).map(|n| quote(n)).collect();
    let more = names.len().saturating_sub(shown);
    if more > 0 {
        out.push(format!("{more} more"));
    }
    out.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clamp_never_splits_a_character() {
        let text = "é";
        assert_eq!(clamp(text, 1), 0);
        assert_eq!(clamp(text, 2), 2);
        assert_eq!(clamp(text, 99), 2);
    }

    #[test]
    fn token_at_prefers_words() {
        let text = "to service reviews:9080";
        let parse = crate::syntax::parse(text);
        let at = |offset| token_at(&parse, text, offset).map(|i| slice(text, parse.tokens[i]));
        assert_eq!(at(18), Some("reviews"));
        assert_eq!(at(19), Some("9080"));
        assert_eq!(at(2), Some("to"));
        assert_eq!(at(3), Some("service"));
        assert_eq!(at(23), Some("9080"));
        assert_eq!(token_at(&crate::syntax::parse("  "), "  ", 1), None);
    }

    #[test]
    fn fuzzy() {
        assert!(fuzzy_match("rvw", "reviews.bookinfo"));
        assert!(fuzzy_match("bk", "reviews.bookinfo"));
        assert!(fuzzy_match("", "x"));
        assert!(!fuzzy_match("ew", "reviews"));
        assert!(!fuzzy_match("x", "reviews"));
    }
}
