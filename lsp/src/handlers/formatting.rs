//! `textDocument/formatting`: the `routec fmt` formatter, as one edit of the whole document.

use route_lang::fmt::format_source;
use tower_lsp_server::ls_types::TextEdit;

use crate::state::Snapshot;

/// The edits that format the document: none when it is formatted already, and no answer when
/// it has syntax errors (the formatter does not guess what broken text means).
pub fn format(snapshot: &Snapshot) -> Option<Vec<TextEdit>> {
    let text = snapshot.file.text(&snapshot.db);
    let formatted = format_source(text)?;
    if formatted == *text {
        return Some(Vec::new());
    }
    let range = snapshot.lines(snapshot.file).full_range();
    Some(vec![TextEdit::new(range, formatted)])
}
