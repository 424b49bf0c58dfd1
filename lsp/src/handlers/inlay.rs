//! `textDocument/inlayHint`: which clusters a destination or a service target resolves to.

use route_lang::ide;
use tower_lsp_server::ls_types::{InlayHint, InlayHintLabel, Range};

use crate::state::Snapshot;

pub fn inlay_hints(snapshot: &Snapshot, range: Range) -> Option<Vec<InlayHint>> {
    let lines = snapshot.lines(snapshot.file);
    let range = lines.text_range(range);
    let hints = ide::inlay_hints(&snapshot.db, snapshot.project, snapshot.file, range);
    Some(
        hints
            .into_iter()
            .map(|hint| {
                // The label comes with its leading space; padding is the client's way to say it.
                let label = hint.label.trim_start();
                InlayHint {
                    position: lines.position(hint.offset),
                    padding_left: Some(label.len() < hint.label.len()),
                    label: InlayHintLabel::String(label.to_owned()),
                    kind: None,
                    text_edits: None,
                    tooltip: None,
                    padding_right: None,
                    data: None,
                }
            })
            .collect(),
    )
}
