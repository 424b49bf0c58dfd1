//! `textDocument/codeAction`: the quick fixes of the diagnostics in the requested range — every
//! "did you mean" and name fix the checker suggests.

use route_lang::ide;
use tower_lsp_server::ls_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionResponse, Diagnostic,
    NumberOrString, Range,
};

use super::navigation::workspace_edit;
use crate::convert::SOURCE;
use crate::state::Snapshot;

pub fn code_actions(
    snapshot: &Snapshot,
    range: Range,
    context: &[Diagnostic],
) -> Option<CodeActionResponse> {
    let range = snapshot.lines(snapshot.file).text_range(range);
    let actions = ide::code_actions(&snapshot.db, snapshot.project, snapshot.file, range);
    Some(
        actions
            .into_iter()
            .map(|action| {
                // The client's diagnostics the fix is for, so that it can offer it from them.
                let fixes: Vec<Diagnostic> = context
                    .iter()
                    .filter(|diagnostic| {
                        diagnostic.source.as_deref() == Some(SOURCE)
                            && action.diagnostic_code.is_some_and(|code| {
                                diagnostic.code
                                    == Some(NumberOrString::String(code.as_str().to_owned()))
                            })
                    })
                    .cloned()
                    .collect();
                CodeActionOrCommand::CodeAction(CodeAction {
                    title: action.title,
                    kind: Some(CodeActionKind::QUICKFIX),
                    diagnostics: (!fixes.is_empty()).then_some(fixes),
                    edit: Some(workspace_edit(snapshot, action.edits)),
                    // Each diagnostic has at most one fix: it is the one to apply.
                    is_preferred: Some(true),
                    ..CodeAction::default()
                })
            })
            .collect(),
    )
}
