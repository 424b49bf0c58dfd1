//! Rendering diagnostics for people and for tools: [`human`] (ariadne reports with the source
//! and labels), [`json`] (one JSON array) and [`github`] (GitHub Actions workflow commands).
//!
//! Diagnostics carry byte ranges; this module turns them into lines and columns. Lines and
//! columns are 1-based; lines end at `\n`, `\r\n` or a lone `\r`, as in editors; columns count
//! characters (Unicode scalar values, what `str::chars` yields) so that a column means the same
//! thing whatever the encoding of the reader; ends are exclusive: `end_column` is the column
//! just after the last character.
//!
//! Nothing here decides *whether* to use colour: callers pass it in (see [`use_color`]).

use std::collections::HashMap;
use std::fmt;
use std::io::{self, IsTerminal, Write};
use std::ops::Range;

use ariadne::{Cache, Color, Config, Fmt, IndexType, Label, Report, ReportKind, Source};
use route_lang::db::{Database, SourceFile};
use route_lang::diagnostic::{Diagnostic, Location, Severity};
use serde::Serialize;

/// How diagnostics are printed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Reports with the source, labels and help, for people.
    #[default]
    Human,
    /// One JSON array of diagnostics on stdout.
    Json,
    /// GitHub Actions annotations (`::error file=...::message`).
    Github,
}

/// Whether output to `stream` may use colour: only on a terminal, and never when `NO_COLOR`
/// is set to something (<https://no-color.org>).
pub fn use_color(stream: &impl IsTerminal) -> bool {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|value| !value.is_empty());
    stream.is_terminal() && !no_color
}

/// `error: ` (or `warning: `, `note: `) as the start of a one-line message.
pub fn prefix(kind: &str, color: bool) -> String {
    let paint = match kind {
        "error" => Color::Red,
        "warning" => Color::Yellow,
        _ => Color::Cyan,
    };
    if color {
        format!("{}: ", kind.fg(paint))
    } else {
        format!("{kind}: ")
    }
}

/// A range as people count: 1-based lines and columns in characters, end exclusive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct LineRange {
    pub line: u32,
    pub column: u32,
    pub end_line: u32,
    pub end_column: u32,
}

/// Line and column lookups for source files, built once per file.
pub struct Positions<'a> {
    db: &'a Database,
    tables: HashMap<SourceFile, LineTable>,
}

impl<'a> Positions<'a> {
    pub fn new(db: &'a Database) -> Self {
        Positions {
            db,
            tables: HashMap::new(),
        }
    }

    /// Where a location is, in lines and characters.
    pub fn range(&mut self, location: &Location) -> LineRange {
        let text = location.file.text(self.db).as_str();
        let table = self
            .tables
            .entry(location.file)
            .or_insert_with(|| LineTable::new(text));
        let bytes = clamp(text, location.range.start, location.range.end);
        let (line, column) = table.line_column(text, bytes.start);
        let (end_line, end_column) = table.line_column(text, bytes.end);
        LineRange {
            line,
            column,
            end_line,
            end_column,
        }
    }
}

/// Where the lines of a text start. Lines end at `\n`, `\r\n` or a lone `\r`, as editors and
/// the Language Server Protocol count them.
struct LineTable {
    starts: Vec<usize>,
}

impl LineTable {
    fn new(text: &str) -> LineTable {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        for (at, &byte) in bytes.iter().enumerate() {
            let ends_line = byte == b'\n' || (byte == b'\r' && bytes.get(at + 1) != Some(&b'\n'));
            if ends_line {
                starts.push(at + 1);
            }
        }
        LineTable { starts }
    }

    /// The 1-based line and character column of a byte offset on a character boundary.
    fn line_column(&self, text: &str, offset: usize) -> (u32, u32) {
        let line = self.starts.partition_point(|&start| start <= offset) - 1;
        let column = text
            .get(self.starts[line]..offset)
            .map_or(0, |before| before.chars().count());
        let number = |n: usize| u32::try_from(n + 1).unwrap_or(u32::MAX);
        (number(line), number(column))
    }
}

/// A byte range made safe to slice `text` with: inside it, on character boundaries, ordered.
fn clamp(text: &str, start: u32, end: u32) -> Range<usize> {
    let floor = |offset: u32| {
        let mut offset = (offset as usize).min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        offset
    };
    let start = floor(start);
    start..floor(end).max(start)
}

/// How many errors and warnings there are.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub errors: usize,
    pub warnings: usize,
}

impl Counts {
    pub fn of(diagnostics: &[Diagnostic]) -> Counts {
        let errors = diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        Counts {
            errors,
            warnings: diagnostics.len() - errors,
        }
    }
}

impl fmt::Display for Counts {
    /// `3 errors, 1 warning`; only the non-zero parts.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let plural = |n: usize, what: &str| format!("{n} {what}{}", if n == 1 { "" } else { "s" });
        let mut parts = Vec::new();
        if self.errors > 0 {
            parts.push(plural(self.errors, "error"));
        }
        if self.warnings > 0 {
            parts.push(plural(self.warnings, "warning"));
        }
        f.write_str(&parts.join(", "))
    }
}

/// Writes the diagnostics as ariadne reports, with file names relative to the project root.
pub fn human(
    out: &mut impl Write,
    db: &Database,
    diagnostics: &[Diagnostic],
    color: bool,
) -> io::Result<()> {
    let config = Config::new()
        .with_index_type(IndexType::Byte)
        .with_color(color);
    let mut sources = Sources {
        db,
        sources: HashMap::new(),
    };
    for diagnostic in diagnostics {
        let (kind, paint) = match diagnostic.severity {
            Severity::Error => (ReportKind::Error, Color::Red),
            Severity::Warning => (ReportKind::Warning, Color::Yellow),
        };
        let primary = sources.span(&diagnostic.primary);
        let mut report = Report::build(kind, primary.clone())
            .with_config(config)
            .with_code(diagnostic.code.as_str())
            .with_message(&diagnostic.message)
            .with_label(
                Label::new(primary)
                    .with_message(diagnostic.code.title())
                    .with_color(paint),
            );
        for label in &diagnostic.labels {
            report.add_label(
                Label::new(sources.span(&label.location))
                    .with_message(&label.message)
                    .with_color(Color::Blue),
            );
        }
        if let Some(help) = &diagnostic.help {
            report.set_help(help);
        }
        report.finish().write_for_stdout(&mut sources, &mut *out)?;
    }
    Ok(())
}

/// The source texts ariadne draws from, keyed by path relative to the project root.
struct Sources<'a> {
    db: &'a Database,
    sources: HashMap<String, Source<&'a str>>,
}

impl<'a> Sources<'a> {
    /// The ariadne span of a location; loads its file's text for [`Cache::fetch`].
    fn span(&mut self, location: &Location) -> (String, Range<usize>) {
        let path = location.file.path(self.db).clone();
        let text = location.file.text(self.db).as_str();
        self.sources
            .entry(path.clone())
            .or_insert_with(|| Source::from(text));
        (path, clamp(text, location.range.start, location.range.end))
    }
}

impl<'a> Cache<String> for Sources<'a> {
    type Storage = &'a str;

    fn fetch(&mut self, path: &String) -> Result<&Source<&'a str>, impl fmt::Debug> {
        // Every span was made by `span`, which loaded its file.
        self.sources
            .get(path)
            .ok_or_else(|| format!("{path} was not loaded"))
    }

    fn display<'b>(&self, path: &'b String) -> Option<impl fmt::Display + 'b> {
        Some(path)
    }
}

/// A diagnostic as an element of the JSON array.
#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    /// Relative to the project root, with `/`.
    file: &'a str,
    #[serde(flatten)]
    range: LineRange,
    severity: &'static str,
    code: &'static str,
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    help: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    labels: Vec<JsonLabel<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    fix: Option<JsonFix<'a>>,
}

#[derive(Serialize)]
struct JsonLabel<'a> {
    file: &'a str,
    #[serde(flatten)]
    range: LineRange,
    message: &'a str,
}

/// Replace the text of the range (in the diagnostic's file) with `replacement`.
#[derive(Serialize)]
struct JsonFix<'a> {
    #[serde(flatten)]
    range: LineRange,
    replacement: &'a str,
}

/// Writes one JSON array, one diagnostic per line (valid JSON that also diffs and greps well).
pub fn json(out: &mut impl Write, db: &Database, diagnostics: &[Diagnostic]) -> io::Result<()> {
    let mut positions = Positions::new(db);
    out.write_all(b"[")?;
    for (i, diagnostic) in diagnostics.iter().enumerate() {
        let element = JsonDiagnostic {
            file: diagnostic.primary.file.path(db),
            range: positions.range(&diagnostic.primary),
            severity: diagnostic.severity.as_str(),
            code: diagnostic.code.as_str(),
            message: &diagnostic.message,
            help: diagnostic.help.as_deref(),
            labels: diagnostic
                .labels
                .iter()
                .map(|label| JsonLabel {
                    file: label.location.file.path(db),
                    range: positions.range(&label.location),
                    message: &label.message,
                })
                .collect(),
            fix: diagnostic.fix.as_ref().map(|fix| JsonFix {
                range: positions.range(&fix.location),
                replacement: &fix.replacement,
            }),
        };
        out.write_all(if i == 0 { b"\n" } else { b",\n" })?;
        serde_json::to_writer(&mut *out, &element)?;
    }
    out.write_all(if diagnostics.is_empty() {
        b"]\n"
    } else {
        b"\n]\n"
    })
}

/// Writes one GitHub Actions workflow command per diagnostic. `path_of` gives each file's path
/// as GitHub needs it: relative to the repository, which is where the workflow runs.
pub fn github(
    out: &mut impl Write,
    db: &Database,
    diagnostics: &[Diagnostic],
    path_of: impl Fn(SourceFile) -> String,
) -> io::Result<()> {
    let mut positions = Positions::new(db);
    for diagnostic in diagnostics {
        let command = match diagnostic.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let range = positions.range(&diagnostic.primary);
        let mut message = diagnostic.message.clone();
        if let Some(help) = &diagnostic.help {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }
        writeln!(
            out,
            "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            escape_property(&path_of(diagnostic.primary.file)),
            range.line,
            range.column,
            range.end_line,
            range.end_column,
            escape_property(diagnostic.code.as_str()),
            escape_data(&message),
        )?;
    }
    Ok(())
}

/// Escapes a workflow command's message, as `@actions/core` does.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a workflow command's property value: also `:` and `,`, which end a value.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_characters() {
        let text = "é = \"ü\"\n  ß";
        let table = LineTable::new(text);
        // `"ü"` starts after `é = ` (4 characters, 5 bytes).
        assert_eq!(table.line_column(text, 5), (1, 5));
        assert_eq!(table.line_column(text, text.len()), (2, 4));
    }

    #[test]
    fn lines_end_like_in_editors() {
        let text = "a\r\nb\rc\nd";
        let table = LineTable::new(text);
        let lines: Vec<(u32, u32)> = ["a", "b", "c", "d"]
            .iter()
            .filter_map(|letter| text.find(letter))
            .map(|at| table.line_column(text, at))
            .collect();
        assert_eq!(lines, [(1, 1), (2, 1), (3, 1), (4, 1)]);
    }

    #[test]
    fn clamp_keeps_ranges_sliceable() {
        let text = "aé";
        assert_eq!(clamp(text, 2, 9), 1..3);
        assert_eq!(clamp(text, 3, 1), 3..3);
    }

    #[test]
    fn github_escaping() {
        assert_eq!(escape_data("50%\r\nnext"), "50%25%0D%0Anext");
        assert_eq!(escape_property("a:b,c%"), "a%3Ab%2Cc%25");
    }

    #[test]
    fn counts_read_naturally() {
        let counts = Counts {
            errors: 1,
            warnings: 2,
        };
        assert_eq!(counts.to_string(), "1 error, 2 warnings");
    }
}
