//! Diagnostics as values: a stable code, a severity, a primary location, labels, a help line
//! and an optional machine-applicable fix. Rendering is the caller's business (the CLI uses
//! ariadne, the language server converts them to LSP diagnostics).

use crate::codes::Code;
use crate::db::SourceFile;
use crate::syntax::TextRange;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// A place in a source file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Location {
    pub file: SourceFile,
    pub range: TextRange,
}

/// A secondary place the diagnostic points at, with what it is.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Label {
    pub location: Location,
    pub message: String,
}

/// A replacement that fixes the problem ("did you mean" suggestions).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Fix {
    pub location: Location,
    pub replacement: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    pub message: String,
    pub primary: Location,
    pub labels: Vec<Label>,
    pub help: Option<String>,
    pub fix: Option<Fix>,
}
