//! Re-parsing a file after an edit without re-parsing its unchanged items.
//!
//! Spans are token indices relative to their item, so an item whose tokens did not change
//! parses to an equal tree. [`ItemCache`] keeps the trees of a file's last parse and
//! [`super::parse_reusing`] hands those trees back instead of running the grammar again: an
//! edit then costs a lex of the edited lines (see [`super::relex`]), cutting the chunks around
//! them again (see [`super::chunk::rechunk`]) and the parse of the edited item; the previous
//! revision's trees are not dropped, and comparing the new parse with the old one (what lets
//! salsa backdate it) stops at `Arc`'s pointer equality.
//!
//! Once a file's last lexing is kept (from its second parse on, or from its first when the
//! editor asks: [`ItemCache::keep_lexing`]), the chunks carried over from the last parse are
//! known, so their trees are taken by position. Before that, trees are found by the source
//! text they were parsed from. The result must be exactly what [`super::parse`] returns, so that key is
//! everything the grammar can see of an item: the text from its first to its last token
//! (which determines its tokens, their kinds and every token's place on its line but the
//! first's) plus the first token's column and whether it starts its line. Only items that
//! parsed without any error and without junk after them are kept: their errors must be
//! produced again, with positions in the new text. Doc comments lie outside the key: they are
//! carried over by position too, but for the first chunk after the edited lines (which may
//! end right above it), and found again otherwise.

use std::hash::BuildHasher;
use std::ops::Range;
use std::sync::Arc;

use rustc_hash::{FxBuildHasher, FxHashMap};

use super::ast;
use super::chunk::{self, Carried, Chunk};
use super::lexer::Tokens;
use super::parser::{Lexed, lex_part};
use super::relex::LastLex;

/// A file's last parse, as much of it as the next parse can reuse: its error-free item trees
/// (by chunk, and by the text they were parsed from while a file's lexing is not kept), its
/// chunks and doc comments, and the lexing of its text (see `relex.rs`).
#[derive(Debug, Default)]
pub struct ItemCache {
    /// The text of the last parse; entries point into it.
    text: String,
    /// The trees by their text: filled only by parses that did not know which chunks were
    /// carried over (a file's first, and its second unless its lexing was kept), for the
    /// parse after them.
    entries: FxHashMap<u64, Entry>,
    /// The lexing of [`Self::text`], kept from a file's second parse on (a file parsed again
    /// is being edited, and the others of a workspace need not hold their tokens twice), or
    /// from its first when [`Self::keep_lexing`] asks.
    lex: Option<LastLex>,
    /// The chunks of [`Self::text`]'s tokens.
    chunks: Vec<Chunk>,
    /// The error-free tree of each of those chunks.
    trees: Vec<Option<Arc<ast::Item>>>,
    /// The doc comment of each of those chunks.
    docs: Vec<Option<String>>,
}

impl ItemCache {
    /// Keeps the lexing of the last parse's text from now on, rather than from the next parse
    /// on: the next parse, after an edit, then lexes only the edited lines. For a file that is
    /// about to be edited, whose first edit would otherwise lex it whole.
    pub fn keep_lexing(&mut self) {
        if !self.keeps_lexing() {
            self.lex = Some(LastLex::of(&self.text));
        }
    }

    /// Whether [`Self::keep_lexing`] has nothing to do.
    pub fn keeps_lexing(&self) -> bool {
        self.lex.is_some() || self.text.is_empty()
    }

    /// Lexes `text` and cuts its tokens into chunks: when the last parse's lexing is kept, only
    /// the edited lines are lexed and the chunks around them cut again, and which chunks are
    /// the last parse's is known.
    pub(super) fn relex<'s>(&mut self, text: &'s str) -> (Lexed<'s>, Vec<Chunk>, Option<Carried>) {
        if let Some(lex) = &mut self.lex {
            let (lexed, edit) = lex.relex(&self.text, text);
            let (chunks, carried) = chunk::rechunk(&lexed.tokens, &self.chunks, edit);
            return (lexed, chunks, Some(carried));
        }
        let lexed = if self.text.is_empty() {
            lex_part(text, 0..text.len())
        } else {
            self.lex.insert(LastLex::of(text)).lexed(text)
        };
        let chunks = chunk::chunk(&lexed.tokens);
        (lexed, chunks, None)
    }
}

#[derive(Debug)]
struct Entry {
    /// Where the item's tokens lie in [`ItemCache::text`].
    range: Range<usize>,
    column: u32,
    first_on_line: bool,
    item: Arc<ast::Item>,
}

/// What identifies an item chunk of the text being parsed.
pub(super) struct Key {
    hash: u64,
    range: Range<usize>,
    column: u32,
    first_on_line: bool,
}

/// One parse's use of an [`ItemCache`]: lookups in the last parse, and the entries of this
/// one, which replace them when the parse is done. Without a cache (a plain [`super::parse`])
/// it does nothing and costs nothing.
///
/// When the chunks [`Carried`] over from the last parse are known (the file's lexing was
/// kept), a carried chunk takes its old tree by position and nothing is hashed; otherwise
/// (the first parses of a file) trees are found by their text.
pub(super) struct Reuse<'a> {
    cache: Option<&'a mut ItemCache>,
    text: &'a str,
    carried: Option<Carried>,
    next: FxHashMap<u64, Entry>,
    trees: Vec<Option<Arc<ast::Item>>>,
    docs: Vec<Option<String>>,
}

impl<'a> Reuse<'a> {
    /// For a parse of `text` into `chunks` chunks.
    pub(super) fn new(
        cache: Option<&'a mut ItemCache>,
        text: &'a str,
        chunks: usize,
        carried: Option<Carried>,
    ) -> Reuse<'a> {
        let by_text = cache.is_some() && carried.is_none();
        let capacity = match &cache {
            Some(cache) if by_text => cache.entries.len().max(chunks),
            _ => 0,
        };
        let (trees, docs) = match cache {
            Some(_) => (vec![None; chunks], vec![None; chunks]),
            None => (Vec::new(), Vec::new()),
        };
        Reuse {
            cache,
            text,
            carried,
            next: FxHashMap::with_capacity_and_hasher(capacity, FxBuildHasher),
            trees,
            docs,
        }
    }

    /// The doc comment of chunk `index`: the last parse's when the chunk and the comments
    /// above it were carried over, else what `doc` finds. Kept for the next parse.
    pub(super) fn doc(
        &mut self,
        index: usize,
        doc: impl FnOnce() -> Option<String>,
    ) -> Option<String> {
        let carried = self.carried.and_then(|c| c.old_index_with_comments(index));
        let (cache, Some(slot)) = (self.cache.as_deref_mut(), self.docs.get_mut(index)) else {
            return doc();
        };
        *slot = match (cache, carried) {
            (Some(cache), Some(old)) => cache.docs.get_mut(old).and_then(Option::take),
            _ => doc(),
        };
        slot.clone()
    }

    /// The key of the item made of the tokens `run`; `None` when there is no cache, or no
    /// need to find trees by their text.
    pub(super) fn key(&self, tokens: &Tokens<'_>, run: Range<usize>) -> Option<Key> {
        self.cache.as_ref()?;
        if self.carried.is_some() {
            return None;
        }
        let ranges = tokens.ranges.get(run.clone())?;
        let start = ranges.first()?.start as usize;
        let end = ranges.last()?.end as usize;
        let source = self.text.get(start..end)?;
        let (column, first_on_line) = tokens.place(run.start);
        Some(Key {
            hash: FxBuildHasher.hash_one((source, column, first_on_line)),
            range: start..end,
            column,
            first_on_line,
        })
    }

    /// The tree the last parse made of the same source as chunk `index` (whose key is `key`),
    /// if it had no error.
    pub(super) fn get(&self, index: usize, key: Option<&Key>) -> Option<Arc<ast::Item>> {
        let cache = self.cache.as_ref()?;
        if let Some(carried) = self.carried {
            let old = carried.old_index(index)?;
            return cache.trees.get(old)?.clone();
        }
        let key = key?;
        let entry = cache.entries.get(&key.hash)?;
        let old = cache.text.get(entry.range.clone())?;
        let same = entry.column == key.column
            && entry.first_on_line == key.first_on_line
            && self.text.get(key.range.clone()) == Some(old);
        same.then(|| Arc::clone(&entry.item))
    }

    /// Keeps the error-free tree of chunk `index` for the next parse.
    pub(super) fn keep(&mut self, index: usize, key: Option<Key>, item: &Arc<ast::Item>) {
        if let Some(tree) = self.trees.get_mut(index) {
            *tree = Some(Arc::clone(item));
        }
        let Some(key) = key else {
            return;
        };
        self.next.insert(
            key.hash,
            Entry {
                range: key.range,
                column: key.column,
                first_on_line: key.first_on_line,
                item: Arc::clone(item),
            },
        );
    }

    /// Makes this parse, whose chunks are `chunks`, the one the next parse reuses.
    pub(super) fn finish(self, chunks: Vec<Chunk>) {
        if let Some(cache) = self.cache {
            // Into the old text's buffer: a fresh one would fault its pages in again.
            cache.text.clear();
            cache.text.push_str(self.text);
            cache.entries = self.next;
            cache.chunks = chunks;
            cache.trees = self.trees;
            cache.docs = self.docs;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A workspace's files are parsed once when it opens; only those parsed again (edited)
    /// keep their tokens for the next edit.
    #[test]
    fn the_lexing_is_kept_from_the_second_parse_on() {
        let mut cache = ItemCache::default();
        let text = "gateway g {\n  cluster c\n}\n";
        crate::syntax::parse_reusing(text, &mut cache);
        assert!(cache.lex.is_none());
        crate::syntax::parse_reusing(&text.replace('c', "d"), &mut cache);
        assert!(cache.lex.is_some());
    }

    /// A file about to be edited keeps its lexing from its first parse on, and its first edit
    /// then takes the unchanged items by position.
    #[test]
    fn a_file_can_keep_its_lexing_from_its_first_parse() {
        let mut cache = ItemCache::default();
        let text = "gateway g {\n  cluster c\n}\n\nroutes r {\n  hosts \"a.example.com\"\n}\n";
        let first = crate::syntax::parse_reusing(text, &mut cache);
        cache.keep_lexing();
        assert!(cache.lex.is_some());
        let edited = text.replace("cluster c", "cluster d");
        let second = crate::syntax::parse_reusing(&edited, &mut cache);
        assert_eq!(second, crate::syntax::parse(&edited));
        assert!(!Arc::ptr_eq(&first.items[0].item, &second.items[0].item));
        assert!(Arc::ptr_eq(&first.items[1].item, &second.items[1].item));
        assert!(cache.entries.is_empty(), "nothing was hashed");
    }
}
