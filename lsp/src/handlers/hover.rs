//! `textDocument/hover`: `route_lang::ide::hover` (keywords, policy fields, what the inventory
//! says about a service, what a destination resolves to, a definition's `##` comment), then
//! the explanation of the diagnostics under the cursor — the long text of `routec explain
//! CODE`, which stands in for a `codeDescription` link (the explanations ship inside the
//! binary; there is no page to link to).

use route_lang::db::file_diagnostics;
use route_lang::explain::explain;
use route_lang::ide;
use tower_lsp_server::ls_types::{Hover, HoverContents, MarkupContent, MarkupKind, Position};

use crate::state::Snapshot;

pub fn hover(snapshot: &Snapshot, position: Position) -> Option<Hover> {
    let (db, project, file) = (&snapshot.db, snapshot.project, snapshot.file);
    let lines = snapshot.lines(file);
    let offset = lines.offset(position);
    let found = ide::hover(db, project, file, offset);
    let mut range = found.as_ref().map(|hover| hover.range);
    let mut sections: Vec<String> = found.into_iter().map(|hover| hover.markdown).collect();

    let mut codes = Vec::new();
    for diagnostic in file_diagnostics(db, project, file) {
        let at = diagnostic.primary.range;
        let under = at.contains(offset) || (at.start == at.end && at.start == offset);
        if under && !codes.contains(&diagnostic.code) {
            codes.push(diagnostic.code);
            range.get_or_insert(at);
        }
    }
    sections.extend(codes.iter().map(|&code| {
        format!(
            "**{}** {}\n\n{}\n\n`routec explain {}` shows an example and its fix.",
            code.as_str(),
            code.title(),
            explain(code).summary,
            code.as_str()
        )
    }));
    if sections.is_empty() {
        return None;
    }
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: sections.join("\n\n---\n\n"),
        }),
        range: range.map(|at| lines.range(at)),
    })
}
