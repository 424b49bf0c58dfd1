//! The outline of a document (`textDocument/documentSymbol`) and the symbol search over
//! every project (`workspace/symbol`).

use std::collections::HashSet;

use route_lang::db::{Database, SourceFile};
use route_lang::ide::{self, Symbol, SymbolKind};
use tower_lsp_server::ls_types::{
    self as lsp, DocumentSymbol, DocumentSymbolResponse, SymbolInformation, WorkspaceSymbolResponse,
};

use crate::convert::Lines;
use crate::state::{Layout, Snapshot};

/// The outline: nested symbols when the client shows a tree, else a flat list.
pub fn document_symbols(snapshot: &Snapshot, hierarchical: bool) -> Option<DocumentSymbolResponse> {
    let symbols = ide::document_symbols(&snapshot.db, snapshot.file);
    let lines = snapshot.lines(snapshot.file);
    if hierarchical {
        return Some(DocumentSymbolResponse::Nested(
            symbols
                .into_iter()
                .map(|symbol| nested(&lines, symbol))
                .collect(),
        ));
    }
    let uri = snapshot.uri(snapshot.file)?;
    let mut flat = Vec::new();
    for symbol in symbols {
        flatten(&lines, &uri, symbol, None, &mut flat);
    }
    Some(DocumentSymbolResponse::Flat(flat))
}

/// The items and routes of every project whose name matches `query`, each once (a file of
/// nested projects is searched in the project that answers for it).
pub fn workspace_symbols(db: &Database, layout: &Layout, query: &str) -> WorkspaceSymbolResponse {
    let owned: HashSet<SourceFile> = layout.owners.values().map(|owner| owner.file).collect();
    let mut projects = Vec::new();
    for owner in layout.owners.values() {
        if !projects.contains(&owner.project) {
            projects.push(owner.project);
        }
    }
    let mut out = Vec::new();
    for project in projects {
        for (file, symbol) in ide::workspace_symbols(db, project, query) {
            let Some(uri) = layout.uris.get(&file).filter(|_| owned.contains(&file)) else {
                continue;
            };
            let lines = Lines::of(db, file);
            flatten(&lines, uri, symbol, None, &mut out);
        }
    }
    WorkspaceSymbolResponse::Flat(out)
}

fn nested(lines: &Lines<'_>, symbol: Symbol) -> DocumentSymbol {
    #[allow(deprecated)] // `deprecated` is a required field, superseded by `tags`.
    DocumentSymbol {
        name: symbol.name,
        detail: symbol.detail,
        kind: kind(symbol.kind),
        tags: None,
        deprecated: None,
        range: lines.range(symbol.range),
        selection_range: lines.range(symbol.selection_range),
        children: (!symbol.children.is_empty()).then(|| {
            symbol
                .children
                .into_iter()
                .map(|child| nested(lines, child))
                .collect()
        }),
    }
}

fn flatten(
    lines: &Lines<'_>,
    uri: &lsp::Uri,
    symbol: Symbol,
    container: Option<&str>,
    out: &mut Vec<SymbolInformation>,
) {
    #[allow(deprecated)] // `deprecated` is a required field, superseded by `tags`.
    out.push(SymbolInformation {
        name: symbol.name.clone(),
        kind: kind(symbol.kind),
        tags: None,
        deprecated: None,
        location: lsp::Location::new(uri.clone(), lines.range(symbol.selection_range)),
        container_name: container.map(str::to_owned),
    });
    for child in symbol.children {
        flatten(lines, uri, child, Some(&symbol.name), out);
    }
}

fn kind(kind: SymbolKind) -> lsp::SymbolKind {
    match kind {
        SymbolKind::Namespace => lsp::SymbolKind::NAMESPACE,
        SymbolKind::Gateway => lsp::SymbolKind::INTERFACE,
        SymbolKind::Destination => lsp::SymbolKind::STRUCT,
        SymbolKind::Policy => lsp::SymbolKind::FUNCTION,
        SymbolKind::Table => lsp::SymbolKind::CLASS,
        SymbolKind::Route => lsp::SymbolKind::METHOD,
        SymbolKind::Test => lsp::SymbolKind::EVENT,
    }
}
