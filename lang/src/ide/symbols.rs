//! Symbols: the outline of a file (its items, with the routes of each table as children) and
//! the project-wide symbol search.
//!
//! The outline reads the file's cached parse. The search reads the item index and the table
//! summaries (route names), both cached, and the syntax only of the tables whose routes match.

use super::{TextRange, fuzzy_match, range_of};
use crate::check::{policy_kind, table_summary};
use crate::db::{
    Db, ItemTag, Project, SourceFile, item_index, location, name_location, parse_file,
};
use crate::syntax::ast::{self, ItemKind, TableStmt};

/// What a symbol is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SymbolKind {
    /// A `namespace` statement.
    Namespace,
    Gateway,
    Destination,
    Policy,
    Table,
    Route,
    Test,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Symbol {
    pub name: String,
    pub kind: SymbolKind,
    /// A few words beside the name: a policy's kind, a table's hosts.
    pub detail: Option<String>,
    /// The whole definition.
    pub range: TextRange,
    /// The name.
    pub selection_range: TextRange,
    pub children: Vec<Symbol>,
}

/// The most results a workspace search returns.
const SEARCH_LIMIT: usize = 128;

/// The items of a file, in source order, with the routes of each table as its children.
pub fn document_symbols(db: &dyn Db, file: SourceFile) -> Vec<Symbol> {
    let parse = parse_file(db, file);
    let mut out = Vec::new();
    for parsed in &parse.items {
        let range = |span| range_of(parse, parsed, span);
        let (name, kind, detail) = match &parsed.item.kind {
            ItemKind::Namespace(name) => (name.text.to_string(), SymbolKind::Namespace, None),
            ItemKind::Gateway(g) => (g.name.text.to_string(), SymbolKind::Gateway, None),
            ItemKind::Destination(d) => (d.name.text.to_string(), SymbolKind::Destination, None),
            ItemKind::Policy(p) => (
                p.name.text.to_string(),
                SymbolKind::Policy,
                Some(p.kind.text.to_string()),
            ),
            ItemKind::Routes(t) => (t.name.text.to_string(), SymbolKind::Table, table_hosts(t)),
            ItemKind::Test(t) => (t.name.value.to_string(), SymbolKind::Test, None),
            ItemKind::Error => continue,
        };
        let children = match &parsed.item.kind {
            ItemKind::Routes(table) => table
                .body
                .iter()
                .filter_map(|stmt| match stmt {
                    TableStmt::Route(route) => Some(Symbol {
                        name: route.name.text.to_string(),
                        kind: SymbolKind::Route,
                        detail: None,
                        range: range(route.span),
                        selection_range: range(route.name.span),
                        children: Vec::new(),
                    }),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        };
        out.push(Symbol {
            name,
            kind,
            detail,
            range: range(parsed.item.span),
            selection_range: range(crate::db::name_span(&parsed.item)),
            children,
        });
    }
    out
}

fn table_hosts(table: &ast::RouteTable) -> Option<String> {
    let hosts: Vec<&str> = table
        .body
        .iter()
        .flat_map(|stmt| match stmt {
            TableStmt::Hosts { hosts, .. } => hosts.as_slice(),
            _ => &[],
        })
        .map(|host| host.value.as_str())
        .collect();
    (!hosts.is_empty()).then(|| hosts.join(", "))
}

/// The items and routes of the project whose name matches `query` (loosely: its letters in
/// order, ignoring case), routes named `TABLE.ROUTE`; at most 128.
pub fn workspace_symbols(db: &dyn Db, project: Project, query: &str) -> Vec<(SourceFile, Symbol)> {
    let index = item_index(db, project);
    let mut out = Vec::new();
    for tag in [
        ItemTag::Gateway,
        ItemTag::Destination,
        ItemTag::Policy,
        ItemTag::Routes,
        ItemTag::Test,
    ] {
        for item in index.all(tag) {
            if out.len() >= SEARCH_LIMIT {
                return out;
            }
            let name = item.name(db);
            if fuzzy_match(query, name) {
                let (kind, detail) = match tag {
                    ItemTag::Gateway => (SymbolKind::Gateway, None),
                    ItemTag::Destination => (SymbolKind::Destination, None),
                    ItemTag::Policy => (
                        SymbolKind::Policy,
                        policy_kind(db, item).map(|k| k.name().to_owned()),
                    ),
                    ItemTag::Routes => (SymbolKind::Table, None),
                    ItemTag::Test => (SymbolKind::Test, None),
                };
                out.push((
                    item.file(db),
                    Symbol {
                        name: name.to_string(),
                        kind,
                        detail,
                        range: location(db, item, item.syntax(db).span).range,
                        selection_range: name_location(db, item).range,
                        children: Vec::new(),
                    },
                ));
            }
            if tag != ItemTag::Routes {
                continue;
            }
            let routes = &table_summary(db, item).routes;
            if !routes
                .iter()
                .any(|r| fuzzy_match(query, &format!("{name}.{r}")))
            {
                continue;
            }
            // Only now read the table's syntax, for the ranges of its matching routes.
            let ast::ItemKind::Routes(table) = &item.syntax(db).kind else {
                continue;
            };
            for stmt in &table.body {
                let TableStmt::Route(route) = stmt else {
                    continue;
                };
                let full = format!("{name}.{}", route.name.text);
                if out.len() >= SEARCH_LIMIT || !fuzzy_match(query, &full) {
                    continue;
                }
                out.push((
                    item.file(db),
                    Symbol {
                        name: full,
                        kind: SymbolKind::Route,
                        detail: None,
                        range: location(db, item, route.span).range,
                        selection_range: location(db, item, route.name.span).range,
                        children: Vec::new(),
                    },
                ));
            }
        }
    }
    out
}
