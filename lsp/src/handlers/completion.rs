//! `textDocument/completion`: `route_lang::ide::completions`, which works inside broken
//! lines, as LSP items that replace the word around the cursor.

use route_lang::ide::{self, COMPLETION_LIMIT, CompletionKind};
use tower_lsp_server::ls_types::{
    CompletionItem, CompletionItemKind, CompletionList, CompletionResponse, CompletionTextEdit,
    Documentation, InsertTextFormat, MarkupContent, MarkupKind, Position, TextEdit,
};

use crate::state::Snapshot;

/// What a completion request starts on, after the user typed one of them.
pub const TRIGGER_CHARACTERS: &[&str] = &[" ", ".", ":", "@", "(", "\"", "="];

pub fn completion(
    snapshot: &Snapshot,
    position: Position,
    snippets: bool,
) -> Option<CompletionResponse> {
    let lines = snapshot.lines(snapshot.file);
    let offset = lines.offset(position);
    let items = ide::completions(&snapshot.db, snapshot.project, snapshot.file, offset);
    let is_incomplete = items.len() >= COMPLETION_LIMIT;
    let items = items
        .into_iter()
        // Templates are written in the snippet syntax, which would be inserted literally.
        .filter(|item| snippets || item.kind != CompletionKind::Snippet)
        .map(|item| {
            let snippet = item.kind == CompletionKind::Snippet;
            CompletionItem {
                kind: Some(kind(item.kind)),
                detail: item.detail,
                documentation: item.documentation.map(|value| {
                    Documentation::MarkupContent(MarkupContent {
                        kind: MarkupKind::Markdown,
                        value,
                    })
                }),
                insert_text_format: snippet.then_some(InsertTextFormat::SNIPPET),
                text_edit: Some(CompletionTextEdit::Edit(TextEdit::new(
                    lines.range(item.replace),
                    item.insert_text.unwrap_or_else(|| item.label.clone()),
                ))),
                label: item.label,
                ..CompletionItem::default()
            }
        })
        .collect();
    Some(CompletionResponse::List(CompletionList {
        is_incomplete,
        items,
    }))
}

/// The icon of an item. The kinds are the ones of [`super::symbols`] and
/// [`super::semantic`], so a name looks the same everywhere.
fn kind(kind: CompletionKind) -> CompletionItemKind {
    match kind {
        CompletionKind::Keyword => CompletionItemKind::KEYWORD,
        CompletionKind::Gateway => CompletionItemKind::INTERFACE,
        CompletionKind::Destination => CompletionItemKind::STRUCT,
        CompletionKind::Policy => CompletionItemKind::FUNCTION,
        CompletionKind::Table => CompletionItemKind::CLASS,
        CompletionKind::Route => CompletionItemKind::METHOD,
        CompletionKind::Cluster => CompletionItemKind::ENUM,
        CompletionKind::Namespace => CompletionItemKind::MODULE,
        CompletionKind::Service => CompletionItemKind::TYPE_PARAMETER,
        CompletionKind::Port => CompletionItemKind::UNIT,
        CompletionKind::LabelKey => CompletionItemKind::PROPERTY,
        CompletionKind::LabelValue => CompletionItemKind::VALUE,
        CompletionKind::PolicyKind => CompletionItemKind::TYPE_PARAMETER,
        CompletionKind::Field => CompletionItemKind::FIELD,
        CompletionKind::Value => CompletionItemKind::ENUM_MEMBER,
        CompletionKind::Snippet => CompletionItemKind::SNIPPET,
    }
}
