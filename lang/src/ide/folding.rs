//! Folding: the blocks of a file (items and routes) and its runs of comment lines, each when it
//! spans several lines.

use super::{TextRange, range_of, slice};
use crate::db::{Db, SourceFile, parse_file};
use crate::syntax::ast::{ItemKind, TableStmt};

/// What a fold holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FoldKind {
    /// An item or a route, from its keyword to its closing brace.
    Block,
    /// Consecutive comment lines.
    Comment,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Fold {
    pub range: TextRange,
    pub kind: FoldKind,
}

/// The folds of `file`, by start.
pub fn folding_ranges(db: &dyn Db, file: SourceFile) -> Vec<Fold> {
    let text = file.text(db);
    let parse = parse_file(db, file);
    let multiline = |range: TextRange| slice(text, range).contains('\n');
    let mut out = Vec::new();
    for parsed in &parse.items {
        if matches!(parsed.item.kind, ItemKind::Error | ItemKind::Namespace(_)) {
            continue;
        }
        let mut push = |span| {
            let range = range_of(parse, parsed, span);
            if multiline(range) {
                out.push(Fold {
                    range,
                    kind: FoldKind::Block,
                });
            }
        };
        push(parsed.item.span);
        if let ItemKind::Routes(table) = &parsed.item.kind {
            for stmt in &table.body {
                if let TableStmt::Route(route) = stmt {
                    push(route.span);
                }
            }
        }
    }

    // Runs of comments on consecutive lines; a comment after code on its line ends a run.
    let mut run: Option<TextRange> = None;
    for comment in &parse.comments {
        let joins = run.is_some_and(|r| {
            let gap = slice(text, TextRange::new(r.end, comment.range.start));
            !comment.trailing && gap.trim().is_empty() && gap.matches('\n').count() == 1
        });
        match run.as_mut() {
            Some(r) if joins => r.end = comment.range.end,
            _ => {
                if let Some(done) = run.take().filter(|&r| multiline(r)) {
                    out.push(Fold {
                        range: done,
                        kind: FoldKind::Comment,
                    });
                }
                run = (!comment.trailing).then_some(comment.range);
            }
        }
    }
    if let Some(done) = run.filter(|&r| multiline(r)) {
        out.push(Fold {
            range: done,
            kind: FoldKind::Comment,
        });
    }
    out.sort_by_key(|fold| (fold.range.start, std::cmp::Reverse(fold.range.end)));
    out
}
