//! `textDocument/foldingRange`: the blocks of items and routes, and runs of comments.

use route_lang::ide::{self, FoldKind};
use tower_lsp_server::ls_types::{FoldingRange, FoldingRangeKind};

use crate::state::Snapshot;

/// The folds of the document. `line_folding_only` clients (VS Code) fold whole lines and
/// hide the last one, so a block ends the line before its closing brace, which stays visible.
pub fn folding_ranges(snapshot: &Snapshot, line_folding_only: bool) -> Option<Vec<FoldingRange>> {
    let lines = snapshot.lines(snapshot.file);
    let folds = ide::folding_ranges(&snapshot.db, snapshot.file)
        .into_iter()
        .filter_map(|fold| {
            let range = lines.range(fold.range);
            let block = fold.kind == FoldKind::Block;
            let end_line = if line_folding_only && block {
                range.end.line.saturating_sub(1)
            } else {
                range.end.line
            };
            (end_line > range.start.line).then(|| FoldingRange {
                start_line: range.start.line,
                start_character: (!line_folding_only).then_some(range.start.character),
                end_line,
                end_character: (!line_folding_only).then_some(range.end.character),
                kind: (!block).then_some(FoldingRangeKind::Comment),
                collapsed_text: None,
            })
        })
        .collect();
    Some(folds)
}
