//! Conversions between the language core's values and LSP's: byte offsets and [`TextRange`]s
//! to UTF-16 [`Position`]s and back, and [`Diagnostic`]s to LSP diagnostics.
//!
//! LSP counts columns in UTF-16 code units; the core counts bytes. [`Lines`] holds a file's
//! text with its [`LineIndex`] (cached per file text by the [`line_index`] query) and does
//! both directions. Every conversion is total, because positions come from the client and
//! offsets may come from a text that has changed since: a position past the end of its line
//! is the end of the line (as LSP says), a line past the end is the end of the text, and an
//! offset inside a character or past the end is moved back onto a character boundary.

use std::sync::Arc;

use line_index::{LineCol, LineIndex, TextSize, WideEncoding, WideLineCol};
use route_lang::codes::Code;
use route_lang::db::{Db, SourceFile};
use route_lang::diagnostic::{Diagnostic, Severity};
use route_lang::syntax::TextRange;
use routec::project::LoadError;
use tower_lsp_server::ls_types::{self as lsp, Position, Range, Uri};

/// What LSP diagnostics name as their source.
pub const SOURCE: &str = "routec";

/// The line index of a file's text, computed once per text and shared by every request.
#[salsa::tracked(returns(clone))]
pub fn file_line_index(db: &dyn Db, file: SourceFile) -> Arc<LineIndex> {
    Arc::new(LineIndex::new(file.text(db)))
}

/// A text with its line index: converts between byte offsets and UTF-16 positions.
pub struct Lines<'a> {
    text: &'a str,
    index: Arc<LineIndex>,
}

impl<'a> Lines<'a> {
    /// The lines of a text that is not (or not yet) in the database.
    pub fn new(text: &'a str) -> Lines<'a> {
        Lines {
            text,
            index: Arc::new(LineIndex::new(text)),
        }
    }

    /// The lines of a file of the database.
    pub fn of(db: &'a dyn Db, file: SourceFile) -> Lines<'a> {
        Lines {
            text: file.text(db),
            index: file_line_index(db, file),
        }
    }

    pub fn text(&self) -> &'a str {
        self.text
    }

    /// The UTF-16 position of a byte offset.
    pub fn position(&self, offset: u32) -> Position {
        let offset = self.boundary(offset);
        let line_col = self
            .index
            .try_line_col(TextSize::from(offset))
            .unwrap_or(LineCol { line: 0, col: 0 });
        // `to_wide` fails only for a column inside a character, which `boundary` rules out.
        let wide = self
            .index
            .to_wide(WideEncoding::Utf16, line_col)
            .unwrap_or(WideLineCol {
                line: line_col.line,
                col: line_col.col,
            });
        Position::new(wide.line, wide.col)
    }

    pub fn range(&self, range: TextRange) -> Range {
        Range::new(self.position(range.start), self.position(range.end))
    }

    /// The byte offset of a UTF-16 position.
    pub fn offset(&self, position: Position) -> u32 {
        let Some(line) = self.index.line(position.line) else {
            return self.len();
        };
        let start = u32::from(line.start());
        // The line's range includes its line break; a column past the text of the line means
        // the end of that text.
        let content = self
            .text
            .get(start as usize..u32::from(line.end()) as usize)
            .unwrap_or("");
        let content = content.strip_suffix('\n').unwrap_or(content);
        let content = content.strip_suffix('\r').unwrap_or(content);
        let end = start + u32::try_from(content.len()).unwrap_or(u32::MAX);
        let column = self
            .index
            .to_utf8(
                WideEncoding::Utf16,
                WideLineCol {
                    line: position.line,
                    col: position.character,
                },
            )
            .map_or(u32::MAX, |line_col| line_col.col);
        self.boundary(start.saturating_add(column).min(end))
    }

    pub fn text_range(&self, range: Range) -> TextRange {
        let start = self.offset(range.start);
        let end = self.offset(range.end).max(start);
        TextRange::new(start, end)
    }

    /// The range of the whole text, for edits that replace it.
    pub fn full_range(&self) -> Range {
        Range::new(Position::new(0, 0), self.position(self.len()))
    }

    fn len(&self) -> u32 {
        u32::try_from(self.text.len()).unwrap_or(u32::MAX)
    }

    /// `offset` moved back onto a character boundary of the text.
    fn boundary(&self, offset: u32) -> u32 {
        let mut at = (offset as usize).min(self.text.len());
        while !self.text.is_char_boundary(at) {
            at -= 1;
        }
        u32::try_from(at).unwrap_or(u32::MAX)
    }
}

/// Applies one change of `textDocument/didChange` to a text.
pub fn apply_change(text: &mut String, change: lsp::TextDocumentContentChangeEvent) {
    match change.range {
        None => *text = change.text,
        Some(range) => {
            let range = edited_range(text, range);
            text.replace_range(range.start as usize..range.end as usize, &change.text);
        }
    }
}

/// The byte range of `range` in `text`, as [`Lines::text_range`] gives it, from an index of
/// the lines the range spans only: a keystroke in a large file must not index every line of
/// it (5 ms on a 17 MB file).
fn edited_range(text: &str, range: Range) -> TextRange {
    let first = range.start.line.min(range.end.line);
    let last = range.start.line.max(range.end.line);
    let from = line_start(text, first);
    let window = text.get(from..).unwrap_or_default();
    let window = window
        .get(..line_start(window, (last - first).saturating_add(1)))
        .unwrap_or(window);
    let relative = |position: Position| Position::new(position.line - first, position.character);
    let edited =
        Lines::new(window).text_range(Range::new(relative(range.start), relative(range.end)));
    let from = u32::try_from(from).unwrap_or(u32::MAX);
    TextRange::new(edited.start + from, edited.end + from)
}

/// The offset at which line `line` of `text` starts; the end of the text past its last line.
fn line_start(text: &str, line: u32) -> usize {
    match line.checked_sub(1) {
        None => 0,
        Some(breaks) => memchr::memchr_iter(b'\n', text.as_bytes())
            .nth(breaks as usize)
            .map_or(text.len(), |newline| newline + 1),
    }
}

/// An LSP diagnostic from a core one. `uri_of` names the files that labels point into;
/// labels in files it does not know are left out.
///
/// The code is the stable code (`E0203`). There is no `codeDescription`: it must be a URL and
/// the explanations ship inside the binary, so the server shows a code's explanation on hover
/// over the diagnostic instead (see the hover handler). The help line is part of the message,
/// as `routec check` prints it; labels become related information.
pub fn diagnostic(
    db: &dyn Db,
    diagnostic: &Diagnostic,
    uri_of: &dyn Fn(SourceFile) -> Option<Uri>,
) -> lsp::Diagnostic {
    let lines = Lines::of(db, diagnostic.primary.file);
    let message = match &diagnostic.help {
        Some(help) => format!("{}\nhelp: {help}", diagnostic.message),
        None => diagnostic.message.clone(),
    };
    let related: Vec<lsp::DiagnosticRelatedInformation> = diagnostic
        .labels
        .iter()
        .filter_map(|label| {
            let uri = uri_of(label.location.file)?;
            let range = Lines::of(db, label.location.file).range(label.location.range);
            Some(lsp::DiagnosticRelatedInformation {
                location: lsp::Location::new(uri, range),
                message: label.message.clone(),
            })
        })
        .collect();
    lsp::Diagnostic {
        range: lines.range(diagnostic.primary.range),
        severity: Some(severity(diagnostic.severity)),
        code: Some(lsp::NumberOrString::String(
            diagnostic.code.as_str().to_owned(),
        )),
        code_description: None,
        source: Some(SOURCE.to_owned()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: tags(diagnostic.code),
        data: None,
    }
}

/// An LSP diagnostic for a project that could not be read, on the file at fault (a
/// `route.toml`, an inventory). Its position counts characters, which are UTF-16 units in
/// everything but astral characters.
pub fn load_error(error: &LoadError) -> lsp::Diagnostic {
    let at = match error.position {
        Some((line, column)) => Position::new(line.saturating_sub(1), column.saturating_sub(1)),
        None => Position::new(0, 0),
    };
    lsp::Diagnostic {
        range: Range::new(at, at),
        severity: Some(lsp::DiagnosticSeverity::ERROR),
        source: Some(SOURCE.to_owned()),
        message: error.message.clone(),
        ..lsp::Diagnostic::default()
    }
}

fn severity(severity: Severity) -> lsp::DiagnosticSeverity {
    match severity {
        Severity::Error => lsp::DiagnosticSeverity::ERROR,
        Severity::Warning => lsp::DiagnosticSeverity::WARNING,
    }
}

/// Code that nothing uses is shown faded, as editors do for unused variables.
fn tags(code: Code) -> Option<Vec<lsp::DiagnosticTag>> {
    matches!(code, Code::UnusedPolicy | Code::UnreachableTable)
        .then(|| vec![lsp::DiagnosticTag::UNNECESSARY])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(
        range: Option<((u32, u32), (u32, u32))>,
        text: &str,
    ) -> lsp::TextDocumentContentChangeEvent {
        lsp::TextDocumentContentChangeEvent {
            range: range.map(|((l1, c1), (l2, c2))| {
                Range::new(Position::new(l1, c1), Position::new(l2, c2))
            }),
            range_length: None,
            text: text.to_owned(),
        }
    }

    #[test]
    fn positions_count_utf16_code_units() {
        // `é` is 2 bytes and 1 unit, `😀` 4 bytes and 2 units.
        let text = "# é😀 x\nab\r\ncd";
        let lines = Lines::new(text);
        let x = text.find('x').map_or(0, |i| i as u32);
        assert_eq!(lines.position(x), Position::new(0, 6));
        assert_eq!(lines.offset(Position::new(0, 6)), x);
        assert_eq!(lines.position(text.len() as u32), Position::new(2, 2));
        assert_eq!(lines.full_range().end, Position::new(2, 2));
    }

    #[test]
    fn out_of_range_positions_are_clamped() {
        let text = "ab\r\ncd😀\n";
        let lines = Lines::new(text);
        assert_eq!(
            lines.offset(Position::new(0, 99)),
            2,
            "end of the line, before CRLF"
        );
        assert_eq!(lines.offset(Position::new(9, 0)), text.len() as u32);
        // Inside the surrogate pair of 😀: moved back to the start of the character.
        assert_eq!(lines.offset(Position::new(1, 3)), 6);
        // Inside a character, and past the end.
        assert_eq!(lines.position(7), Position::new(1, 2));
        assert_eq!(lines.position(999), Position::new(2, 0));
    }

    /// Finding an edit's range from the lines it spans gives what the index of the whole
    /// text gives, for every pair of positions in and past the text.
    #[test]
    fn edited_ranges_are_found_from_their_lines() {
        let text = "# é😀 x\nab\r\ncd\n\n  last";
        let lines = Lines::new(text);
        let positions: Vec<Position> = (0..6)
            .flat_map(|line| (0..10).map(move |character| Position::new(line, character)))
            .collect();
        for &start in &positions {
            for &end in &positions {
                let range = Range::new(start, end);
                assert_eq!(
                    edited_range(text, range),
                    lines.text_range(range),
                    "{range:?}"
                );
            }
        }
    }

    #[test]
    fn changes_apply_in_utf16() {
        let mut text = "a😀b\nc".to_owned();
        apply_change(&mut text, change(Some(((0, 3), (0, 4))), "B"));
        assert_eq!(text, "a😀B\nc");
        apply_change(&mut text, change(Some(((1, 1), (1, 1))), "!"));
        assert_eq!(text, "a😀B\nc!");
        apply_change(&mut text, change(None, "new"));
        assert_eq!(text, "new");
    }
}
