//! Lexing a file again after an edit: only the lines the edit touched.
//!
//! No token, comment or lexical error spans a line break (strings and comments end at the end
//! of their line), so after an edit the tokens of the lines before it are those of the last
//! lexing, the tokens of the lines after it are those of the last lexing moved by the edit's
//! change in length, and only the lines in between are lexed. The result is exactly a fresh
//! lexing of the new text. The editor's parse ([`super::parse_reusing`]) keeps the last lexing
//! of a file it parses again in its [`super::ItemCache`] for this: a keystroke in a 17 MB file
//! lexes a line instead of the file.
//!
//! The edit is found by comparing the two texts (their common prefix and suffix), not taken
//! from the editor: the parse stays a function of the text.

use std::ops::Range;

use super::chunk::TokenEdit;
use super::lexer::{Token, Tokens, offset};
use super::parser::{Lexed, lex_part};
use super::{Comment, SyntaxError, TextRange};

/// The lexing of the text of a file's last parse.
#[derive(Debug)]
pub(super) struct LastLex {
    kinds: Vec<Token>,
    ranges: Vec<TextRange>,
    comments: Vec<Comment>,
    errors: Vec<SyntaxError>,
}

impl LastLex {
    /// The lexing of `text`, all of it.
    pub(super) fn of(text: &str) -> LastLex {
        let Lexed {
            tokens,
            comments,
            errors,
        } = lex_part(text, 0..text.len());
        LastLex {
            kinds: tokens.kinds,
            ranges: tokens.ranges,
            comments,
            errors,
        }
    }

    /// Lexes `new`, this being the lexing of `old`, and keeps the result; also says which
    /// tokens changed.
    pub(super) fn relex<'s>(&mut self, old: &str, new: &'s str) -> (Lexed<'s>, TokenEdit) {
        let lines = EditedLines::between(old, new);
        let lexed = lex_part(new, lines.new.clone());
        let edit = self.splice(&lines, lexed);
        (self.lexed(new), edit)
    }

    /// A copy of this lexing of `text`, for a parse to own.
    pub(super) fn lexed<'s>(&self, text: &'s str) -> Lexed<'s> {
        Lexed {
            tokens: Tokens {
                text,
                kinds: self.kinds.clone(),
                ranges: self.ranges.clone(),
            },
            comments: self.comments.clone(),
            errors: self.errors.clone(),
        }
    }

    /// Puts the lexing of the edited lines in place of the old lexing of those lines, and
    /// moves everything after them.
    fn splice(&mut self, lines: &EditedLines, edited: Lexed<'_>) -> TokenEdit {
        let moved = Shift::between(lines.old.end, lines.new.end);
        let old = &lines.old;

        let tokens = run(&self.ranges, |range| range.start as usize, old);
        let first_token = offset(tokens.start);
        let added = edited.tokens.ranges.len();
        self.kinds.splice(tokens.clone(), edited.tokens.kinds);
        self.ranges.splice(tokens.clone(), edited.tokens.ranges);
        for range in self.ranges.iter_mut().skip(tokens.start + added) {
            *range = moved.range(*range);
        }
        let tokens_moved = Shift::between(tokens.len(), added);
        let edit = TokenEdit {
            at: tokens.start,
            removed: tokens.len(),
            added,
        };

        let comments = run(&self.comments, |c| c.range.start as usize, old);
        let edited_comments = edited.comments.into_iter().map(|comment| Comment {
            next_token: comment.next_token + first_token,
            ..comment
        });
        let added = edited_comments.len();
        self.comments.splice(comments.clone(), edited_comments);
        for comment in self.comments.iter_mut().skip(comments.start + added) {
            comment.range = moved.range(comment.range);
            comment.next_token = tokens_moved.apply(comment.next_token);
        }

        let errors = run(&self.errors, |e| e.range.start as usize, old);
        let added = edited.errors.len();
        self.errors.splice(errors.clone(), edited.errors);
        for error in self.errors.iter_mut().skip(errors.start + added) {
            error.range = moved.range(error.range);
        }
        edit
    }
}

/// The whole lines an edit changed, in the old text and in the new: before them and after
/// them the two texts are the same.
#[derive(Debug, PartialEq)]
struct EditedLines {
    old: Range<usize>,
    new: Range<usize>,
}

impl EditedLines {
    fn between(old: &str, new: &str) -> EditedLines {
        let (old, new) = (old.as_bytes(), new.as_bytes());
        let prefix = common_prefix(old, new);
        let suffix = common_suffix(
            old.get(prefix..).unwrap_or_default(),
            new.get(prefix..).unwrap_or_default(),
        );
        let start = old
            .get(..prefix)
            .and_then(|before| memchr::memrchr(b'\n', before))
            .map_or(0, |newline| newline + 1);
        // The end of the line of the last changed byte: a line break of the common suffix,
        // so it ends a line of the new text too.
        let changed_end = old.len() - suffix;
        let old_end = old
            .get(changed_end..)
            .and_then(|after| memchr::memchr(b'\n', after))
            .map_or(old.len(), |newline| changed_end + newline + 1);
        let new_end = new.len() - (old.len() - old_end);
        EditedLines {
            old: start..old_end,
            new: start..new_end,
        }
    }
}

/// Bytes compared at once: slices of this length compare as one `memcmp`, long enough for
/// its vector loop to pay for the call (64 bytes at a time, comparing 17 MB was 9 M of the
/// 21 M instructions of lexing an edit again), short enough that finding the byte in the
/// first differing slice costs nothing.
const CHUNK: usize = 1024;

fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    let chunks = a
        .chunks(CHUNK)
        .zip(b.chunks(CHUNK))
        .take_while(|(x, y)| x == y)
        .count();
    let at = (chunks * CHUNK).min(a.len()).min(b.len());
    let (a, b) = (
        a.get(at..).unwrap_or_default(),
        b.get(at..).unwrap_or_default(),
    );
    at + a.iter().zip(b).take_while(|(x, y)| x == y).count()
}

fn common_suffix(a: &[u8], b: &[u8]) -> usize {
    let chunks = a
        .rchunks(CHUNK)
        .zip(b.rchunks(CHUNK))
        .take_while(|(x, y)| x == y)
        .count();
    let at = (chunks * CHUNK).min(a.len()).min(b.len());
    let a = a.get(..a.len() - at).unwrap_or_default();
    let b = b.get(..b.len() - at).unwrap_or_default();
    at + a
        .iter()
        .rev()
        .zip(b.iter().rev())
        .take_while(|(x, y)| x == y)
        .count()
}

/// The indices of the run of `items` (sorted by start) that start inside `lines`.
fn run<T>(items: &[T], start: impl Fn(&T) -> usize, lines: &Range<usize>) -> Range<usize> {
    let first = items.partition_point(|item| start(item) < lines.start);
    let end = items.partition_point(|item| start(item) < lines.end);
    first..end.max(first)
}

/// How far what follows an edit moved: offsets, or token indices.
#[derive(Clone, Copy)]
struct Shift {
    grown: bool,
    by: u32,
}

impl Shift {
    /// The move of what stood at `old` and stands at `new` now.
    fn between(old: usize, new: usize) -> Shift {
        Shift {
            grown: new >= old,
            by: offset(new.abs_diff(old)),
        }
    }

    fn apply(self, at: u32) -> u32 {
        if self.grown {
            at + self.by
        } else {
            at - self.by
        }
    }

    fn range(self, range: TextRange) -> TextRange {
        TextRange::new(self.apply(range.start), self.apply(range.end))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(old: &str, new: &str) -> (String, String) {
        let lines = EditedLines::between(old, new);
        (old[lines.old].to_string(), new[lines.new].to_string())
    }

    #[test]
    fn an_edit_is_widened_to_its_lines() {
        let old = "a {\n  b 1\n  c 2\n}\n";
        assert_eq!(
            lines(old, "a {\n  b 12\n  c 2\n}\n"),
            ("  b 1\n".into(), "  b 12\n".into())
        );
        assert_eq!(lines(old, old), (String::new(), String::new()));
        // A line break removed: both lines it joined.
        assert_eq!(
            lines(old, "a {\n  b 1  c 2\n}\n"),
            ("  b 1\n  c 2\n".into(), "  b 1  c 2\n".into())
        );
        // At the very end, with no line break after it.
        assert_eq!(lines("x\ny", "x\nyz"), ("y".into(), "yz".into()));
        assert_eq!(lines("", "a b"), (String::new(), "a b".into()));
        assert_eq!(lines("a b\n", ""), ("a b\n".into(), String::new()));
    }

    #[test]
    fn prefixes_and_suffixes_are_found_across_chunks() {
        let long = "x".repeat(3 * CHUNK + 5);
        let mut other = long.clone();
        other.replace_range(CHUNK + 3..CHUNK + 4, "y");
        assert_eq!(common_prefix(long.as_bytes(), other.as_bytes()), CHUNK + 3);
        assert_eq!(
            common_suffix(long.as_bytes(), other.as_bytes()),
            long.len() - CHUNK - 4
        );
        assert_eq!(common_prefix(b"abc", b"abcd"), 3);
        assert_eq!(common_suffix(b"abc", b"zabc"), 3);
    }
}
