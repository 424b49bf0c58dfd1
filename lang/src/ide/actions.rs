//! Code actions: one quick fix per diagnostic fix ("did you mean", a valid Kubernetes name)
//! whose diagnostic touches the requested range. The fixes come from the file's cached
//! diagnostics, exactly as `routec check` reports them; nothing is recomputed.

use super::{TextRange, slice, touches};
use crate::codes::Code;
use crate::db::{Db, Project, SourceFile, file_diagnostics};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodeAction {
    pub title: String,
    /// Replacements, each of a range of a file.
    pub edits: Vec<(SourceFile, TextRange, String)>,
    /// The code of the diagnostic the action fixes.
    pub diagnostic_code: Option<Code>,
}

/// The quick fixes for the diagnostics of `file` that touch `range`.
pub fn code_actions(
    db: &dyn Db,
    project: Project,
    file: SourceFile,
    range: TextRange,
) -> Vec<CodeAction> {
    let mut out = Vec::new();
    for diagnostic in file_diagnostics(db, project, file) {
        let Some(fix) = &diagnostic.fix else {
            continue;
        };
        if !touches(diagnostic.primary.range, range) && !touches(fix.location.range, range) {
            continue;
        }
        let location = fix.location;
        let replaced = slice(location.file.text(db), location.range);
        let title = match (replaced.is_empty(), fix.replacement.is_empty()) {
            (true, _) => format!("Insert `{}`", fix.replacement),
            (false, true) => format!("Remove `{replaced}`"),
            (false, false) => format!("Replace with `{}`", fix.replacement),
        };
        out.push(CodeAction {
            title,
            edits: vec![(location.file, location.range, fix.replacement.clone())],
            diagnostic_code: Some(diagnostic.code),
        });
    }
    out
}
