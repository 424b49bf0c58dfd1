//! The salsa database: inputs (source files, `route.toml`, the inventory) and the queries that
//! turn them into items, a project-wide name index and diagnostics.
//!
//! Incrementality hinges on two facts. Items are tracked structs whose identity is their kind
//! and name (never their position), and their syntax has item-relative token spans
//! ([`crate::syntax::ast::Span`]), so an edit inside one item leaves every other item's syntax
//! equal and salsa reuses their checks; whitespace and comment edits leave every item equal.
//! Byte positions are only recovered at the very end, in [`file_diagnostics`].

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use rustc_hash::FxHashMap;

use crate::check::{self, ItemDiagnostic, LabelTarget};
use crate::config::Config;
use crate::diagnostic::{Diagnostic, Fix, Label, Location};
use crate::inventory::{Inventory, InventoryIndex};
use crate::syntax::ast::CompactString;
use crate::syntax::{self, ItemCache, Parse, ast};

/// The database trait the queries are written against.
#[salsa::db]
pub trait Db: salsa::Database {
    /// Where [`parse_file`] keeps each file's last parse, in databases that re-parse files.
    fn parse_cache(&self) -> Option<&ParseCache>;
}

/// The one database implementation, shared by the CLI and the language server.
#[salsa::db]
#[derive(Clone, Default)]
pub struct Database {
    storage: salsa::Storage<Self>,
    /// Shared by every clone. `None` unless [`Database::reusing_parses`]: the CLI parses each
    /// file once and has nothing to reuse.
    parses: Option<Arc<ParseCache>>,
}

#[salsa::db]
impl salsa::Database for Database {}

#[salsa::db]
impl Db for Database {
    fn parse_cache(&self) -> Option<&ParseCache> {
        self.parses.as_deref()
    }
}

impl Database {
    /// This database, made to re-parse only the items an edit changed (see [`ParseCache`]):
    /// for an editor, which parses the same files after every keystroke.
    pub fn reusing_parses(self) -> Database {
        Database {
            parses: Some(Arc::default()),
            ..self
        }
    }

    /// The last parse of every file, shared by every clone; `None` unless
    /// [`Database::reusing_parses`].
    pub fn parses(&self) -> Option<Arc<ParseCache>> {
        self.parses.clone()
    }

    /// Forgets the last parse of every file `keep` rejects (files that left every project);
    /// their next parse, if any, starts from scratch.
    pub fn retain_parses(&self, keep: impl Fn(SourceFile) -> bool) {
        if let Some(cache) = &self.parses {
            cache.files().retain(|file, _| keep(*file));
        }
    }

    /// A database that records the name of every query it executes, for incrementality tests.
    pub fn with_execution_log() -> (Database, ExecutionLog) {
        let log = ExecutionLog::default();
        let sink = log.clone();
        let storage = salsa::Storage::new(Some(Box::new(move |event: salsa::Event| {
            if let salsa::EventKind::WillExecute { database_key } = event.kind {
                sink.push(format!("{database_key:?}"));
            }
        })));
        (
            Database {
                storage,
                parses: None,
            },
            log,
        )
    }
}

/// The queries a database executed, as `query_name(Id(..))` strings.
#[derive(Clone, Default)]
pub struct ExecutionLog(Arc<Mutex<Vec<String>>>);

impl ExecutionLog {
    fn push(&self, entry: String) {
        if let Ok(mut entries) = self.0.lock() {
            entries.push(entry);
        }
    }

    /// Everything executed since the last call.
    pub fn take(&self) -> Vec<String> {
        self.0
            .lock()
            .map(|mut e| std::mem::take(&mut *e))
            .unwrap_or_default()
    }
}

/// One `.route` file. `path` is relative to the project root, with `/` separators.
#[salsa::input(debug)]
pub struct SourceFile {
    #[returns(ref)]
    pub path: String,
    #[returns(ref)]
    pub text: String,
}

/// The cluster inventory the project is checked against, with its lookup tables.
///
/// The tables are built with the input, not by a query: a caller can then build them on a
/// thread of its own while the sources are parsed (`routec` does), where a query would have to
/// wait for the database, and every check needs them first.
#[salsa::input(debug, constructor = from_index)]
pub struct InventoryInput {
    #[returns(ref)]
    pub index: Arc<InventoryIndex>,
}

impl InventoryInput {
    /// The input of `inventory`, its tables built here.
    pub fn new<D: ?Sized + salsa::Database>(
        db: &D,
        inventory: impl Into<Arc<Inventory>>,
    ) -> InventoryInput {
        InventoryInput::from_index(db, Arc::new(InventoryIndex::new(inventory)))
    }

    /// The inventory itself.
    pub fn inventory<D: ?Sized + salsa::Database>(self, db: &D) -> &Inventory {
        self.index(db).inventory()
    }

    /// Replaces the inventory, building its tables.
    pub fn replace(self, db: &mut dyn Db, inventory: impl Into<Arc<Inventory>>) {
        salsa::Setter::to(self.set_index(db), Arc::new(InventoryIndex::new(inventory)));
    }
}

/// A project: its files, its `route.toml` and its inventory.
#[salsa::input(debug)]
pub struct Project {
    #[returns(ref)]
    pub files: Vec<SourceFile>,
    #[returns(ref)]
    pub config: Config,
    #[returns(copy)]
    pub inventory: InventoryInput,
}

/// The kinds of named items; names are unique per kind within a project.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, salsa::SalsaValue)]
pub enum ItemTag {
    Gateway,
    Destination,
    Policy,
    Routes,
    Test,
}

impl ItemTag {
    /// Every kind, in their order.
    pub const ALL: [ItemTag; 5] = [
        ItemTag::Gateway,
        ItemTag::Destination,
        ItemTag::Policy,
        ItemTag::Routes,
        ItemTag::Test,
    ];

    /// The keyword that introduces the item.
    pub fn keyword(self) -> &'static str {
        match self {
            ItemTag::Gateway => "gateway",
            ItemTag::Destination => "destination",
            ItemTag::Policy => "policy",
            ItemTag::Routes => "routes",
            ItemTag::Test => "test",
        }
    }

    /// How diagnostics name the kind: "route table" reads better than "routes".
    pub fn noun(self) -> &'static str {
        match self {
            ItemTag::Routes => "route table",
            other => other.keyword(),
        }
    }
}

/// A named item of a file. Identity is the kind and the name; the syntax is a tracked field so
/// that a change to it re-runs only the queries that read it.
#[salsa::tracked(debug)]
pub struct Item<'db> {
    #[returns(copy)]
    pub tag: ItemTag,
    #[returns(ref)]
    pub name: CompactString,
    #[returns(copy)]
    pub file: SourceFile,
    #[tracked]
    #[returns(ref)]
    pub syntax: Arc<ast::Item>,
    /// Absolute index of the item's first token in its file, to place its spans.
    #[tracked]
    #[returns(copy)]
    pub first_token: u32,
    #[tracked]
    #[returns(ref)]
    pub doc: Option<String>,
}

/// Parses one file.
#[salsa::tracked(returns(ref))]
pub fn parse_file(db: &dyn Db, file: SourceFile) -> Parse {
    match db.parse_cache() {
        Some(cache) => cache.parse(file, file.text(db)),
        None => syntax::parse(file.text(db)),
    }
}

/// The last parse of each file, from which [`parse_file`] takes the trees of the items an edit
/// did not touch: a keystroke then parses one item, the previous revision's trees are not
/// dropped, and salsa's comparison of the new parse with the old (to backdate it) is a pointer
/// comparison for all the other items.
///
/// It lives beside salsa, not in it: salsa gives a query no access to its previous value. That
/// keeps `parse_file` a function of the text because a reusing parse returns exactly what a
/// fresh one does ([`syntax::parse_reusing`]). One entry per file, replaced on each parse.
#[derive(Debug, Default)]
pub struct ParseCache {
    files: Mutex<HashMap<SourceFile, ItemCache>>,
}

impl ParseCache {
    /// Keeps the lexing of `file`'s last parse (see [`ItemCache::keep_lexing`]): for the files
    /// an editor has open. Lexing a large file takes a while; it is taken out of the map
    /// meanwhile, so a parse of it that starts then parses it from scratch.
    pub fn keep_lexing(&self, file: SourceFile) {
        let taken = {
            let mut files = self.files();
            match files.get(&file) {
                Some(cache) if !cache.keeps_lexing() => files.remove(&file),
                _ => None,
            }
        };
        let Some(mut cache) = taken else {
            return;
        };
        cache.keep_lexing();
        self.files().insert(file, cache);
    }

    fn parse(&self, file: SourceFile, text: &str) -> Parse {
        // Taken out, so that the lock is not held while parsing. Salsa runs one parse of a
        // file at a time; were there two, the second would parse from scratch.
        let mut cache = self.files().remove(&file).unwrap_or_default();
        let parse = syntax::parse_reusing(text, &mut cache);
        self.files().insert(file, cache);
        parse
    }

    fn files(&self) -> MutexGuard<'_, HashMap<SourceFile, ItemCache>> {
        // The map is valid whatever a panicking holder did: entries are replaced whole.
        self.files.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Where each line of a file starts, as byte offsets: the table that turns an offset into a
/// line number in O(log lines) instead of a scan from the start of the file.
#[salsa::tracked(returns(ref))]
pub fn line_starts(db: &dyn Db, file: SourceFile) -> Vec<u32> {
    std::iter::once(0)
        .chain(
            memchr::memchr_iter(b'\n', file.text(db).as_bytes())
                .map(|at| u32::try_from(at + 1).unwrap_or(u32::MAX)),
        )
        .collect()
}

/// The 1-based line of a byte offset of a file.
pub fn line_of(db: &dyn Db, file: SourceFile, offset: u32) -> u32 {
    let starts = line_starts(db, file);
    u32::try_from(starts.partition_point(|&start| start <= offset)).unwrap_or(u32::MAX)
}

/// The named items of a file, in source order.
#[salsa::tracked(returns(ref))]
pub fn file_items(db: &dyn Db, file: SourceFile) -> Vec<Item<'_>> {
    let parse = parse_file(db, file);
    parse
        .items
        .iter()
        .filter_map(|parsed| {
            let (tag, name) = item_identity(&parsed.item)?;
            Some(Item::new(
                db,
                tag,
                name,
                file,
                Arc::clone(&parsed.item),
                parsed.first_token,
                parsed.doc.clone(),
            ))
        })
        .collect()
}

fn item_identity(item: &ast::Item) -> Option<(ItemTag, CompactString)> {
    Some(match &item.kind {
        ast::ItemKind::Gateway(g) => (ItemTag::Gateway, g.name.text.clone()),
        ast::ItemKind::Destination(d) => (ItemTag::Destination, d.name.text.clone()),
        ast::ItemKind::Policy(p) => (ItemTag::Policy, p.name.text.clone()),
        ast::ItemKind::Routes(r) => (ItemTag::Routes, r.name.text.clone()),
        ast::ItemKind::Test(t) => (ItemTag::Test, t.name.value.clone()),
        ast::ItemKind::Namespace(_) | ast::ItemKind::Error => return None,
    })
}

/// The namespace a file's `namespace` statement sets, if it has one.
#[salsa::tracked(returns(ref))]
pub fn file_namespace_decl(db: &dyn Db, file: SourceFile) -> Option<CompactString> {
    parse_file(db, file)
        .items
        .iter()
        .find_map(|parsed| match &parsed.item.kind {
            ast::ItemKind::Namespace(name) => Some(name.text.clone()),
            _ => None,
        })
}

/// The namespace of the resources generated from a file.
pub fn file_namespace(db: &dyn Db, project: Project, file: SourceFile) -> &str {
    match file_namespace_decl(db, file) {
        Some(namespace) => namespace,
        None => &project.config(db).project.namespace,
    }
}

/// Every named item of the project by kind and name. More than one item under a key is a
/// duplicate definition; the first in file order is the one references resolve to.
///
/// One map per kind, so that a lookup by a borrowed name allocates nothing. The names are
/// kept twice: sorted, for what lists them, and hashed, for resolving a reference, which every
/// check does several times per route (a sorted map compares a name a dozen times).
#[derive(Clone, Debug, Default, PartialEq, Eq, salsa::SalsaValue)]
pub struct ItemIndex<'db> {
    by_tag: [BTreeMap<String, Vec<Item<'db>>>; ItemTag::ALL.len()],
    first: [FxHashMap<String, Item<'db>>; ItemTag::ALL.len()],
}

impl<'db> ItemIndex<'db> {
    fn of(&self, tag: ItemTag) -> &BTreeMap<String, Vec<Item<'db>>> {
        &self.by_tag[tag as usize]
    }

    /// The item a reference of this kind and name resolves to.
    pub fn get(&self, tag: ItemTag, name: &str) -> Option<Item<'db>> {
        self.first[tag as usize].get(name).copied()
    }

    /// The names defined for a kind, for "did you mean" and completion.
    pub fn names(&self, tag: ItemTag) -> impl Iterator<Item = &str> {
        self.of(tag).keys().map(String::as_str)
    }

    /// Every item of a kind (first definitions only), in name order.
    pub fn all(&self, tag: ItemTag) -> impl Iterator<Item = Item<'db>> + '_ {
        self.of(tag)
            .values()
            .filter_map(|items| items.first().copied())
    }

    /// Every definition of a name (duplicates included), in file order.
    pub fn definitions_of(&self, tag: ItemTag, name: &str) -> &[Item<'db>] {
        self.of(tag).get(name).map_or(&[], Vec::as_slice)
    }

    /// Every name of a kind with all its definitions (duplicates included, in file order), in
    /// name order.
    pub fn definitions(&self, tag: ItemTag) -> impl Iterator<Item = (&str, &[Item<'db>])> {
        self.of(tag)
            .iter()
            .map(|(name, items)| (name.as_str(), items.as_slice()))
    }
}

#[salsa::tracked(returns(ref))]
pub fn item_index(db: &dyn Db, project: Project) -> ItemIndex<'_> {
    let mut index = ItemIndex::default();
    for file in project.files(db) {
        for &item in file_items(db, *file) {
            let tag = item.tag(db) as usize;
            let name = item.name(db);
            index.by_tag[tag]
                .entry(name.to_string())
                .or_default()
                .push(item);
            index.first[tag].entry(name.to_string()).or_insert(item);
        }
    }
    index
}

/// Every diagnostic of one file: syntax errors, item checks and the project-wide checks that
/// point into it, sorted by position.
#[salsa::tracked(returns(ref))]
pub fn file_diagnostics(db: &dyn Db, project: Project, file: SourceFile) -> Vec<Diagnostic> {
    let parse = parse_file(db, file);
    let mut out: Vec<Diagnostic> = parse
        .errors
        .iter()
        .map(|error| check::syntax_diagnostic(file, error))
        .collect();
    out.extend(check::namespace_diagnostics(db, file));
    for &item in file_items(db, file) {
        for diagnostic in check::check_item(db, project, item) {
            out.push(place(db, item, diagnostic));
        }
    }
    for (item, diagnostic) in check::project_checks(db, project) {
        if item.file(db) == file {
            out.push(place(db, *item, diagnostic));
        }
    }
    out.sort_by_key(|d| (d.primary.range.start, d.primary.range.end, d.code));
    out
}

/// Every diagnostic of the project, by file path then position.
pub fn project_diagnostics(db: &dyn Db, project: Project) -> Vec<Diagnostic> {
    let mut files: Vec<SourceFile> = project.files(db).clone();
    files.sort_by(|a, b| a.path(db).cmp(b.path(db)));
    files
        .into_iter()
        .flat_map(|file| file_diagnostics(db, project, file).iter().cloned())
        .collect()
}

/// Turns an item-relative diagnostic into one with byte locations.
fn place<'db>(db: &'db dyn Db, item: Item<'db>, diagnostic: &ItemDiagnostic<'db>) -> Diagnostic {
    let here = |span: ast::Span| location(db, item, span);
    Diagnostic {
        code: diagnostic.code,
        severity: diagnostic.code.severity(),
        message: diagnostic.message.clone(),
        primary: here(diagnostic.primary),
        labels: diagnostic
            .labels
            .iter()
            .map(|label| Label {
                location: match label.target {
                    LabelTarget::Here(span) => here(span),
                    LabelTarget::NameOf(other) => name_location(db, other),
                },
                message: label.message.clone(),
            })
            .collect(),
        help: diagnostic.help.clone(),
        fix: diagnostic.fix.as_ref().map(|(span, replacement)| Fix {
            location: here(*span),
            replacement: replacement.clone(),
        }),
    }
}

/// The byte location of a span of an item.
pub fn location<'db>(db: &'db dyn Db, item: Item<'db>, span: ast::Span) -> Location {
    let file = item.file(db);
    Location {
        file,
        range: parse_file(db, file).range(item.first_token(db), span),
    }
}

/// Where an item's name is written: what "defined here" labels point at.
pub fn name_location<'db>(db: &'db dyn Db, item: Item<'db>) -> Location {
    location(db, item, name_span(item.syntax(db)))
}

/// An item's name as written (a test's name is its string).
pub fn name_of(item: &ast::Item) -> ast::Name {
    match &item.kind {
        ast::ItemKind::Test(t) => ast::Name {
            text: t.name.value.clone(),
            span: t.name.span,
        },
        ast::ItemKind::Gateway(ast::Gateway { name, .. })
        | ast::ItemKind::Destination(ast::Destination { name, .. })
        | ast::ItemKind::Policy(ast::Policy { name, .. })
        | ast::ItemKind::Routes(ast::RouteTable { name, .. })
        | ast::ItemKind::Namespace(name) => name.clone(),
        ast::ItemKind::Error => ast::Name {
            text: CompactString::default(),
            span: item.span,
        },
    }
}

/// The span of an item's name (the whole item for items without one).
pub fn name_span(item: &ast::Item) -> ast::Span {
    match &item.kind {
        ast::ItemKind::Gateway(g) => g.name.span,
        ast::ItemKind::Destination(d) => d.name.span,
        ast::ItemKind::Policy(p) => p.name.span,
        ast::ItemKind::Routes(r) => r.name.span,
        ast::ItemKind::Test(t) => t.name.span,
        ast::ItemKind::Namespace(n) => n.span,
        ast::ItemKind::Error => item.span,
    }
}
