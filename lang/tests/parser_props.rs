//! Properties of the parser: it never panics, whatever the input; its output is consistent
//! (items tile the tokens, every range lies in the text); whitespace never changes the tree;
//! a parse that reuses the previous one's trees equals a fresh parse, edit after edit; and
//! pathological nesting returns promptly with a `TooDeep` error.

use std::sync::Arc;

mod support;

use proptest::prelude::*;
use route_lang::syntax::{
    ItemCache, Parse, SyntaxErrorKind, lex, parse, parse_reusing, parse_with_chumsky_only,
};
use support::VOCABULARY;

const VALID: [&str; 2] = [
    include_str!("data/parse/contract.route"),
    include_str!("data/parse/grammar.route"),
];

/// Checks everything that must hold for any input.
fn check(text: &str) -> Parse {
    let parse = parse(text);
    let len = u32::try_from(text.len()).unwrap_or(u32::MAX);
    assert_eq!(parse.len, len);
    let in_text = |start: u32, end: u32| {
        start <= end
            && end <= len
            && text.is_char_boundary(start as usize)
            && text.is_char_boundary(end as usize)
    };
    for token in &parse.tokens {
        assert!(
            in_text(token.start, token.end) && token.start < token.end,
            "{token:?}"
        );
    }
    for comment in &parse.comments {
        assert!(
            in_text(comment.range.start, comment.range.end),
            "{comment:?}"
        );
        assert!(comment.next_token as usize <= parse.tokens.len());
    }
    for error in &parse.errors {
        assert!(in_text(error.range.start, error.range.end), "{error:?}");
        assert!(!error.message.is_empty());
    }
    assert!(
        parse
            .errors
            .windows(2)
            .all(|w| w[0].range.start <= w[1].range.start)
    );
    // Every token belongs to exactly one item, in order.
    let mut next = 0u32;
    for item in &parse.items {
        assert_eq!(item.first_token, next, "items must tile the tokens");
        assert_eq!(item.item.span.start, 0);
        assert!(item.item.span.end > 0, "an item has at least one token");
        next += item.item.span.end;
        let range = parse.item_range(item);
        assert!(in_text(range.start, range.end));
    }
    assert_eq!(next as usize, parse.tokens.len());
    // The lexer alone agrees with the parser on the tokens.
    let lexed: Vec<_> = lex(text)
        .filter(|(t, _)| !t.is_trivia())
        .map(|(_, r)| r)
        .collect();
    assert_eq!(lexed, parse.tokens);
    parse
}

/// Cuts a text into its tokens and the whitespace or comments between them, so mutations
/// move whole tokens.
fn pieces(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut at = 0;
    for (_, range) in lex(text) {
        let (start, end) = (range.start as usize, range.end as usize);
        out.push(&text[at..start]);
        out.push(&text[start..end]);
        at = end;
    }
    out.push(&text[at..]);
    out
}

#[derive(Clone, Debug)]
enum Mutation {
    Delete {
        at: usize,
        len: usize,
    },
    Duplicate {
        at: usize,
        len: usize,
    },
    Insert {
        at: usize,
        word: usize,
    },
    /// A token (or the space before one) becomes a word of the vocabulary.
    Replace {
        at: usize,
        word: usize,
    },
    Swap {
        a: usize,
        b: usize,
    },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), 1..8usize).prop_map(|(at, len)| Mutation::Delete { at, len }),
        (any::<usize>(), 1..8usize).prop_map(|(at, len)| Mutation::Duplicate { at, len }),
        (any::<usize>(), any::<usize>()).prop_map(|(at, word)| Mutation::Insert { at, word }),
        (any::<usize>(), any::<usize>()).prop_map(|(at, word)| Mutation::Replace { at, word }),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::Swap { a, b }),
    ]
}

fn mutate(text: &str, mutations: &[Mutation]) -> String {
    let mut pieces: Vec<String> = pieces(text).into_iter().map(str::to_string).collect();
    for m in mutations {
        let n = pieces.len().max(1);
        match *m {
            Mutation::Delete { at, len } => {
                let at = at % n;
                let end = (at + len).min(pieces.len());
                pieces.drain(at..end);
            }
            Mutation::Duplicate { at, len } => {
                let at = at % n;
                let end = (at + len).min(pieces.len());
                let copy: Vec<String> = pieces[at..end].to_vec();
                pieces.splice(end..end, copy);
            }
            Mutation::Insert { at, word } => {
                let word = VOCABULARY[word % VOCABULARY.len()];
                pieces.insert(at % (pieces.len() + 1), format!(" {word} "));
            }
            Mutation::Replace { at, word } => {
                if !pieces.is_empty() {
                    let at = at % pieces.len();
                    pieces[at] = format!(" {} ", VOCABULARY[word % VOCABULARY.len()]);
                }
            }
            Mutation::Swap { a, b } => {
                if !pieces.is_empty() {
                    let (a, b) = (a % pieces.len(), b % pieces.len());
                    pieces.swap(a, b);
                }
            }
        }
    }
    pieces.concat()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        check(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn token_soup_never_panics(
        words in proptest::collection::vec((0..VOCABULARY.len(), 0..3usize), 0..200)
    ) {
        check(&soup(&words));
    }

    #[test]
    fn mutated_valid_files_never_panic(
        file in 0..VALID.len(),
        mutations in proptest::collection::vec(mutation(), 1..6),
    ) {
        check(&mutate(VALID[file], &mutations));
    }

    /// Each item is parsed first by a hand-written descent, and by the chumsky grammar only
    /// when that gives up: the two must agree, so parsing with chumsky alone gives the same
    /// trees, errors and all. Mutations keep most items valid and break some in every way.
    #[test]
    fn the_first_pass_builds_what_chumsky_builds(
        file in 0..VALID.len(),
        mutations in proptest::collection::vec(mutation(), 1..6),
    ) {
        let text = mutate(VALID[file], &mutations);
        prop_assert_eq!(parse(&text), parse_with_chumsky_only(&text));
    }

    #[test]
    fn the_first_pass_builds_what_chumsky_builds_from_token_soup(
        words in proptest::collection::vec((0..VOCABULARY.len(), 0..3usize), 0..200)
    ) {
        let text = soup(&words);
        prop_assert_eq!(parse(&text), parse_with_chumsky_only(&text));
    }

    /// Spans are token indices, so spaces anywhere between tokens leave the tree equal (that is
    /// what lets the checker reuse the work of unchanged items).
    #[test]
    fn spaces_do_not_change_the_tree(
        file in 0..VALID.len(),
        spaces in proptest::collection::vec((any::<usize>(), 1..4usize), 1..20),
    ) {
        let original = parse(VALID[file]);
        let mut pieces: Vec<String> = pieces(VALID[file]).into_iter().map(str::to_string).collect();
        for (at, n) in spaces {
            // Even indices are the gaps between tokens.
            let gap = (at % pieces.len()) & !1;
            pieces[gap].insert_str(0, &" ".repeat(n));
        }
        let spaced = check(&pieces.concat());
        let items = |p: &Parse| p.items.iter().map(|i| i.item.clone()).collect::<Vec<_>>();
        prop_assert_eq!(items(&original), items(&spaced));
        prop_assert!(spaced.errors.is_empty());
    }

    /// What the language server does on every keystroke: the parse that reuses the trees of
    /// the previous one is the fresh parse, errors and doc comments included, whatever the
    /// edits (they may break items, fix them, merge tokens, move items along their line).
    #[test]
    fn reusing_parses_equal_fresh_parses(
        file in 0..VALID.len(),
        edits in proptest::collection::vec(proptest::collection::vec(mutation(), 1..3), 1..8),
        keep_lexing in any::<bool>(),
    ) {
        let mut cache = ItemCache::default();
        let mut text = VALID[file].to_string();
        prop_assert_eq!(parse_reusing(&text, &mut cache), parse(&text));
        // What the language server does for an open document.
        if keep_lexing {
            cache.keep_lexing();
        }
        for edit in &edits {
            text = mutate(&text, edit);
            prop_assert_eq!(parse_reusing(&text, &mut cache), parse(&text));
        }
    }

    /// Keystrokes anywhere, line breaks, quotes and comment marks included: the parse that
    /// lexes only the edited lines again is the fresh parse.
    #[test]
    fn keystrokes_anywhere_parse_as_fresh_text(
        file in 0..VALID.len(),
        keystrokes in proptest::collection::vec(
            (any::<usize>(), 0..4usize, proptest::sample::select(KEYS)),
            1..12,
        ),
    ) {
        let mut cache = ItemCache::default();
        let mut text = VALID[file].to_string();
        prop_assert_eq!(parse_reusing(&text, &mut cache), parse(&text));
        for (at, len, typed) in keystrokes {
            let start = floor_boundary(&text, at % (text.len() + 1));
            let end = floor_boundary(&text, (start + len).min(text.len()));
            text.replace_range(start..end, typed);
            prop_assert_eq!(parse_reusing(&text, &mut cache), parse(&text));
        }
    }
}

/// The words of the vocabulary, each followed by a space, a line break or nothing.
fn soup(words: &[(usize, usize)]) -> String {
    words
        .iter()
        .map(|&(w, sep)| format!("{}{}", VOCABULARY[w], [" ", "\n", ""][sep]))
        .collect()
}

/// What [`keystrokes_anywhere_parse_as_fresh_text`] types.
const KEYS: &[&str] = &[
    "", "a", " ", "\t", "\n", "\r", "\r\n", "\"", "\\", "'", "#", "##", "{", "}", "1", "1s", "é",
    "\n\n", "x\ny",
];

/// `at`, or the start of the character it falls inside.
fn floor_boundary(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// Which items of `after` hold the very tree (not an equal copy) of the item at the same
/// index of `before`.
fn shared(before: &Parse, after: &Parse) -> Vec<bool> {
    before
        .items
        .iter()
        .zip(&after.items)
        .map(|(b, a)| Arc::ptr_eq(&b.item, &a.item))
        .collect()
}

#[test]
fn reusing_parses_reparse_only_changed_and_broken_items() {
    let text = "gateway g {\n  cluster c\n  listen 80 http\n}\n\n\
                routes a {\n  hosts \"a.example.com\"\n}\n\n\
                routes b {\n  hosts \"b.example.com\"\n  bogus\n}\n\n\
                ## The c table.\nroutes c {\n  hosts \"c.example.com\"\n}\n";
    let mut cache = ItemCache::default();
    let first = parse_reusing(text, &mut cache);
    assert_eq!(first.items.len(), 4);
    assert_eq!(first.errors.len(), 1, "{:?}", first.errors);

    // Same text: every clean item is reused; `b`, which has an error, is parsed again so
    // that its error is reported again.
    let again = parse_reusing(text, &mut cache);
    assert_eq!(again, first);
    assert_eq!(shared(&first, &again), [true, true, false, true]);

    // An edit inside `a`, and lines added above `c` (its tokens move, its doc comment stays):
    // only `a` is parsed anew.
    let edited = text
        .replace("a.example.com", "a2.example.com")
        .replace("## The c table.", "\n\n## The c table.");
    let after = parse_reusing(&edited, &mut cache);
    assert_eq!(after, parse(&edited));
    assert_eq!(shared(&again, &after), [true, false, false, true]);
    assert_eq!(after.items[3].doc.as_deref(), Some("The c table."));

    // The same tokens starting further right on their line are not the same item: recovery
    // reads columns.
    let indented = edited.replace("routes c {", "  routes c {");
    let moved = parse_reusing(&indented, &mut cache);
    assert_eq!(moved, parse(&indented));
    assert!(!shared(&after, &moved)[3]);
}

/// Whether an item keyword at column 0 inside a block ends the block's item depends on the
/// two tokens after it (`routes NAME {` is a header, `routes = ` is not): an edit there changes
/// where the item before it ends, though that item's own tokens did not change.
#[test]
fn edits_that_make_or_break_a_header_below_an_unclosed_block_recut_the_block() {
    let texts = [
        "gateway g {\n  cluster c\nroutes\n t {\n  hosts \"a.example.com\"\n}\n",
        "gateway g {\n  cluster c\nroutes\n t x {\n  hosts \"a.example.com\"\n}\n",
        "gateway g {\n  cluster c\nroutes\n = {\n  hosts \"a.example.com\"\n}\n",
        "gateway g {\n  cluster c\nroutes\n t {\n  hosts \"a.example.com\"\n}\n",
        "gateway g {\n  cluster c\nroutes t\n {\n  hosts \"a.example.com\"\n}\n",
        "gateway g {\n  cluster c\nroutes t\n x {\n  hosts \"a.example.com\"\n}\n",
        "gateway g {\n  cluster c\nroutes t\n {\n  hosts \"a.example.com\"\n}\n",
    ];
    edit_in_turn(&texts);
}

/// An edit of the `##` lines right above an item changes its doc comment, though the item's
/// tokens, and so its chunk and its tree, are carried over from the last parse.
#[test]
fn edits_of_the_doc_comment_above_an_item_change_its_doc() {
    let texts = [
        "routes a {\n}\n## One.\nroutes b {\n}\n## C.\nroutes c {\n}\n",
        "routes a {\n}\n## Two.\nroutes b {\n}\n## C.\nroutes c {\n}\n",
        "routes a {\n}\n# Two.\nroutes b {\n}\n## C.\nroutes c {\n}\n",
        "routes a {\n}\n## Two.\n## More.\nroutes b {\n}\n## C.\nroutes c {\n}\n",
    ];
    let mut cache = edit_in_turn(&texts);
    assert_eq!(
        parse_reusing(texts[3], &mut cache).items[1].doc.as_deref(),
        Some("Two.\nMore.")
    );
}

/// Parses `texts` one after the other, twice over, reusing each parse for the next, and checks
/// that every reusing parse is the fresh one. The first parses fill the cache; from the third
/// on, only the edited lines are lexed again and the chunks around them cut again.
fn edit_in_turn(texts: &[&str]) -> ItemCache {
    let mut cache = ItemCache::default();
    for text in texts.iter().chain(texts) {
        assert_eq!(parse_reusing(text, &mut cache), parse(text), "{text}");
    }
    cache
}

fn assert_too_deep(text: &str) -> Parse {
    let parse = check(text);
    assert!(
        parse
            .errors
            .iter()
            .any(|e| e.kind == SyntaxErrorKind::TooDeep),
        "expected a TooDeep error"
    );
    assert_eq!(
        parse
            .errors
            .iter()
            .filter(|e| e.kind == SyntaxErrorKind::TooDeep)
            .count(),
        1
    );
    parse
}

#[test]
fn deep_nesting_is_reported_not_recursed() {
    const N: usize = 100_000;
    assert_too_deep(&"{".repeat(N));
    assert_too_deep(&"(".repeat(N));
    assert_too_deep(&format!("gateway g {}", "{".repeat(N)));
    assert_too_deep(&format!(
        "routes r {{ route a {{ match {} }} }}",
        "(".repeat(N)
    ));
    assert_too_deep(&format!("gateway g {}{}", "{".repeat(N), "}".repeat(N)));
    assert_too_deep(&format!("policy p = retry {}", "({".repeat(N / 2)));
}

#[test]
fn long_inputs_complete() {
    const N: usize = 100_000;
    // Closers with nothing to close, and junk without end.
    check(&"}".repeat(N));
    check(&"x ".repeat(N));
    // Many unclosed items, each cut at the next one.
    let parse = check(&"gateway g {\n".repeat(N / 10));
    assert_eq!(parse.items.len(), N / 10);
    // One enormous valid item.
    let routes: String = (0..N / 10)
        .map(|i| format!("  route r{i} {{ to service s }}\n"))
        .collect();
    let parse = check(&format!("routes big {{\n{routes}}}\n"));
    assert!(parse.errors.is_empty());
    // One statement with a very long list, and one with a very long recovery skip.
    check(&format!(
        "gateway g {{ cluster {} }}",
        vec!["c"; N].join(", ")
    ));
    check(&format!("gateway g {{ cluster , {} }}", "c ".repeat(N)));
}
