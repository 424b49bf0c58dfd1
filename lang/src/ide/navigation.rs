//! Navigation: go to definition, find references and rename, for every named item (gateways,
//! destinations, policies, route tables) and for routes (`TABLE.ROUTE` in tests).
//!
//! Finding references must look at every item of the project, so what each item refers to is
//! a tracked query of its own ([`item_references`]): a request reads one cached list per item,
//! and an edit recomputes only the lists of the items it changed.
//!
//! References resolve as the checker resolves them: to the first definition of a name. A
//! later duplicate definition (an error) is renamed alone, which is how the duplication gets
//! fixed.

use std::fmt;

use super::classify::{Block, Node, node_at, walk};
use super::{TextRange, clamp, docs, item_of, parsed_item_of, range_of, slice, token_at};
use crate::check::{dns_label_problem, table_summary};
use crate::db::{
    Db, Item, ItemTag, Project, SourceFile, file_items, item_index, location, name_location,
    parse_file,
};
use crate::syntax::ast::{self, Span, TableStmt};
use crate::syntax::literal::is_identifier;

/// Where a definition is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NavTarget {
    pub file: SourceFile,
    /// The whole definition, from its keyword to its closing brace.
    pub full_range: TextRange,
    /// The defined name.
    pub focus_range: TextRange,
}

/// Why a rename cannot be done, in words for the user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RenameError(pub String);

impl fmt::Display for RenameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for RenameError {}

/// What a name refers to, project-wide.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Symbol {
    Item(ItemTag, String),
    Route { table: String, route: String },
}

/// A reference from an item to a symbol, at an item-relative span.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Reference {
    symbol: Symbol,
    span: Span,
}

/// Every reference an item makes to other items and routes.
#[salsa::tracked(returns(ref))]
fn item_references<'db>(db: &'db dyn Db, item: Item<'db>) -> Vec<Reference> {
    let mut out = Vec::new();
    walk(item.syntax(db), None, &mut |span, node| {
        let symbol = match node {
            Node::ItemRef(tag, name) => Symbol::Item(tag, name.text.to_string()),
            Node::RouteRef { table, route } => Symbol::Route {
                table: table.text.to_string(),
                route: route.text.to_string(),
            },
            _ => return,
        };
        out.push(Reference { symbol, span });
    });
    out
}

/// The name under the cursor.
struct Found<'db> {
    symbol: Symbol,
    /// The name's range.
    range: TextRange,
    /// When the name is a definition: the item it is, or (for a route) the table it is in.
    definition: Option<Item<'db>>,
}

fn symbol_at(db: &dyn Db, file: SourceFile, offset: u32) -> Option<Found<'_>> {
    let text = file.text(db);
    let parse = parse_file(db, file);
    let token = token_at(parse, text, clamp(text, offset))?;
    let parsed = parsed_item_of(parse, token)?;
    let relative = u32::try_from(token).ok()?.checked_sub(parsed.first_token)?;
    let (span, node) = node_at(&parsed.item, relative)?;
    let range = range_of(parse, parsed, span);
    let (symbol, definition) = match node {
        Node::ItemName(_) => {
            let item = item_of(db, file, parsed)?;
            (
                Symbol::Item(item.tag(db), item.name(db).to_string()),
                Some(item),
            )
        }
        Node::ItemRef(tag, name) => (Symbol::Item(tag, name.text.to_string()), None),
        Node::RouteName { table } => {
            let route = slice(text, range).to_owned();
            let symbol = Symbol::Route {
                table: table.text.to_string(),
                route,
            };
            (symbol, item_of(db, file, parsed))
        }
        Node::RouteRef { table, route } => (
            Symbol::Route {
                table: table.text.to_string(),
                route: route.text.to_string(),
            },
            None,
        ),
        _ => return None,
    };
    Some(Found {
        symbol,
        range,
        definition,
    })
}

/// The definition of the name at `offset` (itself, on a definition).
pub fn definition(
    db: &dyn Db,
    project: Project,
    file: SourceFile,
    offset: u32,
) -> Option<NavTarget> {
    let found = symbol_at(db, file, offset)?;
    match &found.symbol {
        Symbol::Item(tag, name) => {
            let item = found
                .definition
                .or_else(|| item_index(db, project).get(*tag, name))?;
            Some(item_target(db, item))
        }
        Symbol::Route { table, route } => {
            let table_item = found
                .definition
                .or_else(|| item_index(db, project).get(ItemTag::Routes, table))?;
            let routes = routes_named(db, table_item, route);
            // On a definition, that very route (there may be duplicates).
            routes
                .iter()
                .find(|t| found.definition.is_none() || t.focus_range == found.range)
                .copied()
        }
    }
}

fn item_target<'db>(db: &'db dyn Db, item: Item<'db>) -> NavTarget {
    NavTarget {
        file: item.file(db),
        full_range: location(db, item, item.syntax(db).span).range,
        focus_range: name_location(db, item).range,
    }
}

/// The routes of a table with this name, in order.
fn routes_named<'db>(db: &'db dyn Db, table: Item<'db>, route: &str) -> Vec<NavTarget> {
    let ast::ItemKind::Routes(syntax) = &table.syntax(db).kind else {
        return Vec::new();
    };
    syntax
        .body
        .iter()
        .filter_map(|stmt| match stmt {
            TableStmt::Route(r) if r.name.text == route => Some(NavTarget {
                file: table.file(db),
                full_range: location(db, table, r.span).range,
                focus_range: location(db, table, r.name.span).range,
            }),
            _ => None,
        })
        .collect()
}

/// Every place that names what the name at `offset` names, in every file of the project, by
/// file path and position; with `include_declaration`, its definitions too.
pub fn references(
    db: &dyn Db,
    project: Project,
    file: SourceFile,
    offset: u32,
    include_declaration: bool,
) -> Vec<(SourceFile, TextRange)> {
    let Some(found) = symbol_at(db, file, offset) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    if include_declaration {
        out.extend(declarations(db, project, &found.symbol));
    }
    out.extend(uses(db, project, &found.symbol));
    sort(db, &mut out);
    out
}

/// Every definition of a symbol (duplicates included).
fn declarations(db: &dyn Db, project: Project, symbol: &Symbol) -> Vec<(SourceFile, TextRange)> {
    let index = item_index(db, project);
    let (tag, name) = match symbol {
        Symbol::Item(tag, name) => (*tag, name),
        Symbol::Route { table, .. } => (ItemTag::Routes, table),
    };
    index
        .definitions_of(tag, name)
        .iter()
        .flat_map(|&item| match symbol {
            Symbol::Item(..) => {
                let at = name_location(db, item);
                vec![(at.file, at.range)]
            }
            Symbol::Route { route, .. } => routes_named(db, item, route)
                .into_iter()
                .map(|t| (t.file, t.focus_range))
                .collect(),
        })
        .collect()
}

/// Every reference to a symbol.
fn uses(db: &dyn Db, project: Project, symbol: &Symbol) -> Vec<(SourceFile, TextRange)> {
    let mut out = Vec::new();
    for &file in project.files(db) {
        for &item in file_items(db, file) {
            for reference in item_references(db, item) {
                if reference.symbol == *symbol {
                    out.push((file, location(db, item, reference.span).range));
                }
            }
        }
    }
    out
}

fn sort(db: &dyn Db, places: &mut Vec<(SourceFile, TextRange)>) {
    places.sort_by(|a, b| {
        (a.0.path(db), a.1.start, a.1.end).cmp(&(b.0.path(db), b.1.start, b.1.end))
    });
    places.dedup();
}

/// The range of the name a rename at `offset` would change, or why it cannot be renamed.
pub fn prepare_rename(
    db: &dyn Db,
    project: Project,
    file: SourceFile,
    offset: u32,
) -> Result<TextRange, RenameError> {
    renamable(db, project, file, offset).map(|found| found.range)
}

fn renamable(
    db: &dyn Db,
    project: Project,
    file: SourceFile,
    offset: u32,
) -> Result<Found<'_>, RenameError> {
    let found = symbol_at(db, file, offset)
        .ok_or_else(|| RenameError("there is no name of this project here".to_owned()))?;
    let index = item_index(db, project);
    match &found.symbol {
        Symbol::Item(ItemTag::Test, _) => Err(RenameError(
            "a test's name is a description: edit the string".to_owned(),
        )),
        Symbol::Item(tag, name)
            if found.definition.is_none() && index.get(*tag, name).is_none() =>
        {
            Err(RenameError(format!(
                "`{name}` is not defined: there is no {} to rename",
                tag.noun()
            )))
        }
        Symbol::Route { table, route }
            if found.definition.is_none() && definition(db, project, file, offset).is_none() =>
        {
            Err(RenameError(format!(
                "`{table}.{route}` is not defined: there is no route to rename"
            )))
        }
        _ => Ok(found),
    }
}

/// The edits that rename what the name at `offset` names to `new_name`: its definition and
/// every reference, in every file. Fails when `new_name` is not a valid name for it or is
/// taken.
pub fn rename(
    db: &dyn Db,
    project: Project,
    file: SourceFile,
    offset: u32,
    new_name: &str,
) -> Result<Vec<(SourceFile, TextRange, String)>, RenameError> {
    let found = renamable(db, project, file, offset)?;
    let old_name = match &found.symbol {
        Symbol::Item(_, name) | Symbol::Route { route: name, .. } => name.clone(),
    };
    if new_name == old_name {
        return Ok(Vec::new());
    }
    validate(db, project, &found.symbol, new_name)?;

    let index = item_index(db, project);
    let mut places: Vec<(SourceFile, TextRange)> = Vec::new();
    // The definition references resolve to (the first one), unless the cursor is on a later
    // duplicate: then that duplicate alone.
    let primary = definition(db, project, file, offset);
    let duplicate = found.definition.is_some()
        && primary.is_some_and(|target| {
            let resolved = match &found.symbol {
                Symbol::Item(tag, name) => index.get(*tag, name).map(|item| item_target(db, item)),
                Symbol::Route { table, route } => index
                    .get(ItemTag::Routes, table)
                    .and_then(|table| routes_named(db, table, route).into_iter().next()),
            };
            resolved != Some(target)
        });
    if let Some(target) = primary {
        places.push((target.file, target.focus_range));
    }
    if !duplicate {
        places.extend(uses(db, project, &found.symbol));
    }
    sort(db, &mut places);
    Ok(places
        .into_iter()
        .map(|(file, range)| (file, range, new_name.to_owned()))
        .collect())
}

/// Whether `new_name` can name the symbol: identifier syntax, a Kubernetes name for items
/// that become resources, free, and not a keyword where the symbol is referred to.
fn validate(
    db: &dyn Db,
    project: Project,
    symbol: &Symbol,
    new_name: &str,
) -> Result<(), RenameError> {
    if !is_identifier(new_name) {
        return Err(RenameError(format!(
            "`{new_name}` is not a name: names are letters, digits, `_` and `-`, starting with \
             a letter or `_`"
        )));
    }
    let index = item_index(db, project);
    // The blocks where the symbol is named: a keyword of one of them would be read as the
    // start of a statement there.
    let (noun, blocks): (&str, &[Block]) = match symbol {
        Symbol::Item(tag, _) => {
            if let Some(problem) = dns_label_problem(new_name) {
                return Err(RenameError(format!(
                    "`{new_name}` cannot name a Kubernetes resource: {problem}"
                )));
            }
            if index.get(*tag, new_name).is_some() {
                return Err(RenameError(format!(
                    "a {} named `{new_name}` already exists",
                    tag.noun()
                )));
            }
            let blocks: &[Block] = match tag {
                ItemTag::Gateway => &[Block::Table, Block::Test],
                ItemTag::Destination => &[Block::Route, Block::Test, Block::Policy(None)],
                ItemTag::Policy => &[Block::Destination, Block::Table, Block::Route, Block::Test],
                ItemTag::Routes => &[Block::Route, Block::Test],
                ItemTag::Test => &[],
            };
            (tag.noun(), blocks)
        }
        Symbol::Route { table, .. } => {
            let taken = index
                .get(ItemTag::Routes, table)
                .is_some_and(|item| table_summary(db, item).routes.iter().any(|r| r == new_name));
            if taken {
                return Err(RenameError(format!(
                    "route table `{table}` already has a route `{new_name}`"
                )));
            }
            ("route", &[Block::Table, Block::Test])
        }
    };
    if docs::reserved_in(blocks, new_name) {
        return Err(RenameError(format!(
            "`{new_name}` is a keyword where a {noun} is named; choose another name"
        )));
    }
    Ok(())
}
