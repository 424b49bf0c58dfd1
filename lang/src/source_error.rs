//! Why a project file that is not a `.route` file (`route.toml`, an inventory) was rejected:
//! one message at a 1-based line and column, the form every loader here reports in. Callers
//! add the file name.

use std::fmt;

/// A rejected file's problem: where it is and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceError {
    /// 1-based line; 0 when unknown.
    pub line: u32,
    /// 1-based column in characters; 0 when unknown.
    pub column: u32,
    /// What is wrong and what was expected, without the location.
    pub message: String,
}

impl SourceError {
    /// An error at a line and column (0 and 0 when unknown). Control characters in the
    /// message are escaped, so that a hostile key cannot rewrite the user's terminal.
    pub fn new(line: u32, column: u32, message: impl Into<String>) -> SourceError {
        SourceError {
            line,
            column,
            message: sanitize(&message.into()),
        }
    }

    /// An error at a byte offset of `text` (clamped into it), or without a position.
    pub fn at_offset(text: &str, offset: Option<usize>, message: impl Into<String>) -> SourceError {
        let (line, column) = offset.map_or((0, 0), |offset| line_column(text, offset));
        SourceError::new(line, column, message)
    }
}

impl fmt::Display for SourceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // "line 0, column 0" would read like a real position; say nothing instead.
        if self.line == 0 {
            f.write_str(&self.message)
        } else {
            write!(
                f,
                "line {}, column {}: {}",
                self.line, self.column, self.message
            )
        }
    }
}

impl std::error::Error for SourceError {}

/// The 1-based line and character column of a byte offset (clamped into the text).
fn line_column(text: &str, offset: usize) -> (u32, u32) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line_start = before.rfind('\n').map_or(0, |newline| newline + 1);
    let line = before.matches('\n').count() + 1;
    let column = before[line_start..].chars().count() + 1;
    (
        u32::try_from(line).unwrap_or(u32::MAX),
        u32::try_from(column).unwrap_or(u32::MAX),
    )
}

/// Escapes control characters.
fn sanitize(message: &str) -> String {
    if !message.chars().any(char::is_control) {
        return message.to_owned();
    }
    message
        .chars()
        .map(|c| {
            if c.is_control() {
                c.escape_debug().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{SourceError, line_column};

    #[test]
    fn positions_count_characters() {
        assert_eq!(line_column("ab\ncé\nd", 7), (3, 1));
        assert_eq!(line_column("é", 1), (1, 1), "inside a character");
        assert_eq!(line_column("ab", 99), (1, 3), "past the end");
    }

    #[test]
    fn display_says_the_position_when_known() {
        assert_eq!(
            SourceError::new(3, 1, "unknown field").to_string(),
            "line 3, column 1: unknown field"
        );
        assert_eq!(SourceError::new(0, 0, "no place").to_string(), "no place");
        assert_eq!(
            SourceError::new(1, 1, "a\u{1b}[31m").message,
            "a\\u{1b}[31m"
        );
    }
}
