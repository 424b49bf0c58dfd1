//! Lowering: a checked project becomes Gloo Mesh v2 resources.
//!
//! Each item is lowered by the tracked query [`lower_item`], which reads that item's own
//! syntax and only *summaries* of other items (their namespace, a destination's ports and
//! backends, which policies a table applies, a policy's kind), like the checker's queries do:
//! editing one item re-lowers that item and the items whose view of it changed, which keeps
//! the language server's preview cheap.
//!
//! | item | resources |
//! |---|---|
//! | `gateway` | a VirtualGateway (`gateway.rs`) |
//! | `destination` | a VirtualDestination (`destination.rs`) |
//! | `routes` | a RouteTable (`route_table.rs`) |
//! | `policy` | its policy kind, when it reaches anything (`policy.rs`) |
//!
//! Policies select routes and virtual destinations by labels that the lowering puts on exactly
//! the routes and destinations they reach; which those are is worked out in `reach.rs`, the
//! names and labels in [`names`].
//!
//! [`build`] lowers a whole project that has no error; [`build_file`] lowers the items of one
//! file, errors or not, for the editor preview. Both return resources sorted by namespace, kind
//! and name, so the output never depends on file order. `routec build` lowers each item with
//! [`lower_item_unmemoized`] instead and keeps only the written text (see `crate::prime`).

mod destination;
mod gateway;
pub mod names;
mod policy;
mod reach;
mod route_table;

use std::collections::BTreeMap;
use std::ops::Deref;

use compact_str::{CompactString, format_compact};
use route_lang::check::ItemContext;
use route_lang::codes::Code;
use route_lang::db::{
    Db, Item, ItemTag, Project, SourceFile, file_items, file_namespace, location,
    project_diagnostics,
};
use route_lang::diagnostic::{Diagnostic, Severity};
use route_lang::syntax::ast;

use crate::resources::{ObjectMeta, Resource};

/// The resources of a project, sorted by namespace, kind and name: the memoized results of
/// [`lower_item`], borrowed from the database, so that a build holds each resource once.
#[derive(Clone, Debug, PartialEq)]
pub struct Build<'db> {
    pub resources: Vec<&'db Resource>,
    /// The project's diagnostics, as `check` reports them: warnings only, since a project
    /// with an error does not build.
    pub warnings: Vec<Diagnostic>,
}

/// Lowers a checked project.
///
/// Returns `Err` as [`verdict`] does: nothing is lowered then.
pub fn build<'db>(db: &'db dyn Db, project: Project) -> Result<Build<'db>, Vec<Diagnostic>> {
    let warnings = verdict(db, project)?;
    Ok(Build {
        resources: resources(db, project),
        warnings,
    })
}

/// The resources of a project that [`verdict`] accepts, sorted by namespace, kind and name.
pub fn resources(db: &dyn Db, project: Project) -> Vec<&Resource> {
    let mut resources = Vec::new();
    for &file in project.files(db) {
        resources.extend(lower_file(db, project, file));
    }
    sort(&mut resources);
    resources
}

/// Whether a checked project can be lowered: `Ok` with its warnings, or `Err` with every
/// diagnostic of the project (warnings included, sorted by file and position, as `check`
/// reports them) when it has any error. It is also `Err` when the policies that reach a route
/// through delegation cannot be expressed with route labels (see `reach.rs`).
pub fn verdict(db: &dyn Db, project: Project) -> Result<Vec<Diagnostic>, Vec<Diagnostic>> {
    let mut diagnostics = project_diagnostics(db, project);
    if has_errors(&diagnostics) {
        return Err(diagnostics);
    }
    let lowering = reach::lowering_diagnostics(db, project);
    if lowering.is_empty() {
        return Ok(diagnostics);
    }
    diagnostics.extend(lowering);
    diagnostics.sort_by(|a, b| {
        let key = |d: &Diagnostic| (d.primary.file.path(db).clone(), d.primary.range.start);
        key(a).cmp(&key(b))
    });
    Err(diagnostics)
}

/// Works out what reaches the routes of `item`, when it is a route table: what
/// [`verdict`] and the lowering of every table and policy read. Lets a caller compute it for many
/// tables at once, on every core, before either runs.
pub fn prepare<'db>(db: &'db dyn Db, project: Project, item: Item<'db>) {
    if item.tag(db) == ItemTag::Routes {
        reach::table_reached(db, project, item);
    }
}

/// Works out where the project's policies are used, which the lowering of every table and
/// policy reads, from what [`prepare`] works out for every table. Lets a caller compute it
/// while the tables are prepared: the one thread that computes it would otherwise be a
/// lowering thread that the others wait for.
pub fn prepare_project(db: &dyn Db, project: Project) {
    reach::policy_usage(db, project);
}

/// Whether any of `diagnostics` is an error, which stops a build.
pub fn has_errors(diagnostics: &[Diagnostic]) -> bool {
    diagnostics.iter().any(|d| d.severity == Severity::Error)
}

/// The resources generated from the items of one file, for the editor preview. The project
/// may have errors: the lowering then does its best and never fails.
pub fn build_file(db: &dyn Db, project: Project, file: SourceFile) -> Vec<&Resource> {
    let mut resources: Vec<&Resource> = lower_file(db, project, file).collect();
    sort(&mut resources);
    resources
}

fn lower_file(db: &dyn Db, project: Project, file: SourceFile) -> impl Iterator<Item = &Resource> {
    file_items(db, file)
        .iter()
        .flat_map(move |&item| lower_item(db, project, item))
}

/// In output order ([`Resource::output_key`]).
fn sort(resources: &mut [&Resource]) {
    resources.sort_by(|a, b| a.output_key().cmp(&b.output_key()));
}

/// The resources one item lowers to (none for tests, and for a policy that reaches nothing).
#[salsa::tracked(returns(ref))]
pub fn lower_item<'db>(db: &'db dyn Db, project: Project, item: Item<'db>) -> Vec<Resource> {
    lower_item_unmemoized(db, project, item)
}

/// [`lower_item`] without keeping the result in the database: for a build that writes each
/// resource out once and can drop it right after (a whole project's resources take several
/// times the memory of their text).
pub fn lower_item_unmemoized<'db>(
    db: &'db dyn Db,
    project: Project,
    item: Item<'db>,
) -> Vec<Resource> {
    let cx = Cx::new(db, project, item);
    match &item.syntax(db).kind {
        ast::ItemKind::Gateway(gateway) => vec![gateway::lower(&cx, gateway)],
        ast::ItemKind::Destination(destination) => vec![destination::lower(&cx, destination)],
        ast::ItemKind::Routes(table) => vec![route_table::lower(&cx, table)],
        ast::ItemKind::Policy(policy) => policy::lower(&cx, policy),
        ast::ItemKind::Test(_) | ast::ItemKind::Namespace(_) | ast::ItemKind::Error => Vec::new(),
    }
}

/// The 1-based line of an item's keyword. A query of its own: it reads the whole file's token
/// positions, so it re-runs on any edit of the file, but its result changes only when lines
/// above the item do, and only then are the item's resources lowered again.
#[salsa::tracked]
fn item_line<'db>(db: &'db dyn Db, item: Item<'db>) -> u32 {
    let at = location(db, item, item.syntax(db).span).range.start;
    route_lang::db::line_of(db, item.file(db), at)
}

/// What every lowering needs: the item's context (its file's namespace, the lookups) and the
/// source annotation of its resources.
pub(crate) struct Cx<'db> {
    context: ItemContext<'db>,
    /// `<path>:<line>`, the value of the source annotation.
    pub source: String,
}

impl<'db> Deref for Cx<'db> {
    type Target = ItemContext<'db>;

    fn deref(&self) -> &ItemContext<'db> {
        &self.context
    }
}

impl<'db> Cx<'db> {
    fn new(db: &'db dyn Db, project: Project, item: Item<'db>) -> Self {
        Cx {
            context: ItemContext::new(db, project, item),
            source: format!("{}:{}", item.file(db).path(db), item_line(db, item)),
        }
    }

    /// The metadata of a resource of this item named `name`.
    pub fn metadata(
        &self,
        name: &str,
        labels: BTreeMap<CompactString, CompactString>,
    ) -> ObjectMeta {
        names::metadata(name, self.namespace, labels, &self.source)
    }

    /// The namespace of another item's resources (the item's file namespace), or this item's
    /// namespace when the name does not resolve (a checker error).
    pub fn namespace_of(&self, tag: ItemTag, name: &str) -> CompactString {
        CompactString::new(self.index.get(tag, name).map_or(self.namespace, |other| {
            file_namespace(self.db, self.project, other.file(self.db))
        }))
    }
}

/// The labels of a selector as a map. A key written twice keeps its first value (the checker
/// reports the repeat).
pub(crate) fn selector_labels(selector: &ast::Selector) -> BTreeMap<CompactString, CompactString> {
    let mut labels = BTreeMap::new();
    for label in &selector.labels {
        labels
            .entry(label.key.value.clone())
            .or_insert_with(|| label.value.value.clone());
    }
    labels
}

/// A duration as a protobuf `Duration` in JSON: decimal seconds with an `s` suffix (`2s`,
/// `0.5s`, `5400s`). The CRDs point at that format; Go-style `1h30m` is accepted only by older
/// parsers.
pub(crate) fn duration(ms: u64) -> CompactString {
    let (seconds, millis) = (ms / 1000, ms % 1000);
    if millis == 0 {
        format_compact!("{seconds}s")
    } else {
        let fraction = format_compact!("{millis:03}");
        format_compact!("{seconds}.{}s", fraction.trim_end_matches('0'))
    }
}

/// A percentage as the CRDs' `number`: `12.5%` (12 500 thousandths) is `12.5`.
pub(crate) fn percentage(thousandths: u64) -> f64 {
    // Exact for every percentage the language can write (three decimals, at most 100%).
    thousandths as f64 / 1000.0
}

/// A count or number from the source in a `u32` field. The checker bounds every such value;
/// saturating only keeps a preview of a broken project from failing.
pub(crate) fn to_u32(value: u64) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

/// The error diagnostic of a problem found while lowering.
pub(crate) fn lowering_error<'db>(
    db: &'db dyn Db,
    item: Item<'db>,
    span: ast::Span,
    code: Code,
    message: String,
    help: String,
) -> Diagnostic {
    Diagnostic {
        code,
        severity: Severity::Error,
        message,
        primary: location(db, item, span),
        labels: Vec::new(),
        help: Some(help),
        fix: None,
    }
}

#[cfg(test)]
mod tests {
    use super::{duration, percentage};

    #[test]
    fn durations_are_protobuf_seconds() {
        assert_eq!(duration(2000), "2s");
        assert_eq!(duration(500), "0.5s");
        assert_eq!(duration(250), "0.25s");
        assert_eq!(duration(1), "0.001s");
        assert_eq!(duration(5_400_000), "5400s");
        assert_eq!(duration(1500), "1.5s");
    }

    #[test]
    fn percentages_are_numbers() {
        assert_eq!(percentage(100_000), 100.0);
        assert_eq!(percentage(12_500), 12.5);
        assert_eq!(percentage(125), 0.125);
    }
}
