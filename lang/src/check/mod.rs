//! The checker: name resolution and every rule of the language contract, one module per item
//! kind plus the project-wide rules.
//!
//! [`check_item`] is the per-item query: it reads the item's own syntax, the project's name
//! index, the per-item summaries of the items it refers to ([`summarize`]) and the
//! inventory — never another item's syntax — so editing one item re-checks only that item and
//! the items whose summaries it changed. Diagnostics come out with item-relative spans
//! ([`ItemDiagnostic`]); [`crate::db::file_diagnostics`] places them in the file.

mod destination;
mod gateway;
mod header;
mod host;
mod names;
mod policy;
mod project;
mod routes;
mod selector;
mod target;
mod test;

use std::ops::Deref;

use crate::codes::Code;
use crate::db::{Db, Item, ItemIndex, ItemTag, Project, SourceFile, file_namespace, item_index};
use crate::diagnostic::{Diagnostic, Location};
use crate::inventory::InventoryIndex;
use crate::suggest::did_you_mean;
use crate::syntax::ast::{self, Span};
use crate::syntax::{SyntaxError, SyntaxErrorKind};

pub use destination::{
    BackendService, DestinationBackends, cluster_scope, destination_backends, destination_policies,
    destination_ports,
};
pub use gateway::gateway_clusters;
pub use names::{dns_label_problem, namespace_diagnostics};
pub use policy::{ElemType, FieldRule, FieldSpec, FieldType, PolicyKind, PolicyLevel, policy_kind};
pub use project::project_checks;
pub use routes::{TableSummary, table_summary};

/// A diagnostic of one item, with spans relative to that item.
#[derive(Clone, Debug, PartialEq, Eq, Hash, salsa::SalsaValue)]
pub struct ItemDiagnostic<'db> {
    pub code: Code,
    pub message: String,
    pub primary: Span,
    pub labels: Vec<ItemLabel<'db>>,
    pub help: Option<String>,
    /// A replacement for a span of this item that fixes the problem.
    pub fix: Option<(Span, String)>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, salsa::SalsaValue)]
pub struct ItemLabel<'db> {
    pub target: LabelTarget<'db>,
    pub message: String,
}

/// Where a label points: into the item being checked, or at another item's name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, salsa::SalsaValue)]
pub enum LabelTarget<'db> {
    Here(Span),
    NameOf(Item<'db>),
}

impl<'db> ItemDiagnostic<'db> {
    pub fn new(code: Code, primary: Span, message: impl Into<String>) -> Self {
        ItemDiagnostic {
            code,
            message: message.into(),
            primary,
            labels: Vec::new(),
            help: None,
            fix: None,
        }
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn label(mut self, span: Span, message: impl Into<String>) -> Self {
        self.labels.push(ItemLabel {
            target: LabelTarget::Here(span),
            message: message.into(),
        });
        self
    }

    /// A label on another item's name ("defined here").
    pub fn label_item(mut self, item: Item<'db>, message: impl Into<String>) -> Self {
        self.labels.push(ItemLabel {
            target: LabelTarget::NameOf(item),
            message: message.into(),
        });
        self
    }

    pub fn fix(mut self, span: Span, replacement: impl Into<String>) -> Self {
        self.fix = Some((span, replacement.into()));
        self
    }
}

/// Checks one item.
#[salsa::tracked(returns(ref))]
pub fn check_item<'db>(
    db: &'db dyn Db,
    project: Project,
    item: Item<'db>,
) -> Vec<ItemDiagnostic<'db>> {
    let mut cx = Ctx::new(db, project, item);
    let syntax = item.syntax(db).clone();
    names::check_item_name(&mut cx, item.tag(db), &crate::db::name_of(&syntax));
    match &syntax.kind {
        ast::ItemKind::Gateway(g) => gateway::check(&mut cx, g),
        ast::ItemKind::Destination(d) => destination::check(&mut cx, d),
        ast::ItemKind::Policy(p) => policy::check(&mut cx, p),
        ast::ItemKind::Routes(r) => routes::check(&mut cx, r),
        ast::ItemKind::Test(t) => test::check(&mut cx, t),
        ast::ItemKind::Namespace(_) | ast::ItemKind::Error => {}
    }
    cx.out
}

/// Computes the summaries of `item` that other items' checks and the project-wide checks read:
/// a table's summary, a destination's policies, a policy's kind, a gateway's clusters. Each is
/// a query computed by whoever reads it first; a caller that checks many items on several
/// threads computes them alongside the checks, so that the project-wide checks do not compute
/// them all on one thread at the end.
pub fn summarize(db: &dyn Db, item: Item<'_>) {
    match item.tag(db) {
        ItemTag::Routes => {
            table_summary(db, item);
        }
        ItemTag::Destination => {
            destination_policies(db, item);
        }
        ItemTag::Policy => {
            policy_kind(db, item);
        }
        ItemTag::Gateway => {
            gateway_clusters(db, item);
        }
        ItemTag::Test => {}
    }
}

/// The diagnostic for a syntax error.
pub fn syntax_diagnostic(file: SourceFile, error: &SyntaxError) -> Diagnostic {
    let code = match error.kind {
        SyntaxErrorKind::Unexpected => Code::SyntaxError,
        SyntaxErrorKind::InvalidToken => Code::InvalidToken,
        SyntaxErrorKind::BadString => Code::BadString,
        SyntaxErrorKind::TooDeep => Code::TooDeep,
        SyntaxErrorKind::BadNumber => Code::BadNumber,
    };
    Diagnostic {
        code,
        severity: code.severity(),
        message: error.message.clone(),
        primary: Location {
            file,
            range: error.range,
        },
        labels: Vec::new(),
        help: None,
        fix: None,
    }
}

/// Where an item lives and the project's lookups: what checking an item and lowering it both
/// start from.
pub struct ItemContext<'db> {
    pub db: &'db dyn Db,
    pub project: Project,
    pub item: Item<'db>,
    pub index: &'db ItemIndex<'db>,
    pub inventory: &'db InventoryIndex,
    /// The namespace of the item's file: where its resources go, and the default namespace of
    /// the services it names.
    pub namespace: &'db str,
}

impl<'db> ItemContext<'db> {
    pub fn new(db: &'db dyn Db, project: Project, item: Item<'db>) -> Self {
        ItemContext {
            db,
            project,
            item,
            index: item_index(db, project),
            inventory: project.inventory(db).index(db),
            namespace: file_namespace(db, project, item.file(db)),
        }
    }
}

/// What every item check needs: the item's context, and where diagnostics go.
pub(crate) struct Ctx<'db> {
    context: ItemContext<'db>,
    pub out: Vec<ItemDiagnostic<'db>>,
}

impl<'db> Deref for Ctx<'db> {
    type Target = ItemContext<'db>;

    fn deref(&self) -> &ItemContext<'db> {
        &self.context
    }
}

impl<'db> Ctx<'db> {
    fn new(db: &'db dyn Db, project: Project, item: Item<'db>) -> Self {
        Ctx {
            context: ItemContext::new(db, project, item),
            out: Vec::new(),
        }
    }

    pub fn emit(&mut self, diagnostic: ItemDiagnostic<'db>) {
        self.out.push(diagnostic);
    }

    /// Resolves a reference to a named item, reporting an unknown name with the closest
    /// defined names.
    pub fn resolve(&mut self, tag: ItemTag, name: &ast::Name) -> Option<Item<'db>> {
        if let Some(item) = self.index.get(tag, &name.text) {
            return Some(item);
        }
        let code = match tag {
            ItemTag::Gateway => Code::UnknownGateway,
            ItemTag::Destination => Code::UnknownDestination,
            ItemTag::Policy => Code::UnknownPolicy,
            ItemTag::Routes | ItemTag::Test => Code::UnknownTable,
        };
        let message = format!("unknown {} `{}`", tag.noun(), name.text);
        let candidates: Vec<&str> = self.index.names(tag).collect();
        self.unknown(code, name, message, &candidates);
        None
    }

    /// Reports an unknown name: "did you mean" with a fix when a candidate is close, else
    /// the list of what exists (or that nothing does).
    pub fn unknown(&mut self, code: Code, name: &ast::Name, message: String, candidates: &[&str]) {
        let diagnostic = ItemDiagnostic::new(code, name.span, message);
        let diagnostic = match did_you_mean(&name.text, candidates.iter().copied()) {
            Some(best) => {
                let best = best.to_owned();
                diagnostic
                    .help(format!("did you mean `{best}`?"))
                    .fix(name.span, best)
            }
            None if candidates.is_empty() => diagnostic.help("none is defined"),
            None => diagnostic.help(format!("known: {}", list_names(candidates))),
        };
        self.emit(diagnostic);
    }
}

impl Ctx<'_> {
    /// Checks that a cluster exists in the inventory.
    pub fn check_cluster(&mut self, name: &ast::Name) -> bool {
        if self.inventory.cluster(&name.text).is_some() {
            return true;
        }
        let candidates: Vec<&str> = self.inventory.cluster_names().collect();
        let message = format!("unknown cluster `{}`", name.text);
        self.unknown(Code::UnknownCluster, name, message, &candidates);
        false
    }

    /// Checks that a namespace exists in at least one cluster of the inventory.
    pub fn check_namespace(&mut self, name: &ast::Name) -> bool {
        if self.inventory.has_namespace(&name.text) {
            return true;
        }
        let candidates: Vec<&str> = self.inventory.namespace_names().collect();
        let message = format!("unknown namespace `{}`", name.text);
        self.unknown(Code::UnknownNamespace, name, message, &candidates);
        false
    }
}

/// `a`, `b`, `c` and 4 more — for help lines that list what exists.
pub(crate) fn list_names(names: &[&str]) -> String {
    const SHOWN: usize = 8;
    let mut sorted: Vec<&str> = names.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    let shown: Vec<String> = sorted
        .iter()
        .take(SHOWN)
        .map(|n| format!("`{n}`"))
        .collect();
    let more = sorted.len().saturating_sub(SHOWN);
    if more > 0 {
        format!("{} and {more} more", shown.join(", "))
    } else {
        shown.join(", ")
    }
}

/// "cluster `a`" or "clusters `a`, `b`"; "no cluster" for none.
pub(crate) fn cluster_list<'a>(clusters: impl IntoIterator<Item = &'a str>) -> String {
    let names: Vec<&str> = clusters.into_iter().collect();
    match names.as_slice() {
        [] => "no cluster".to_owned(),
        [one] => format!("cluster `{one}`"),
        _ => format!("clusters {}", list_names(&names)),
    }
}

/// A long pattern, path or host shortened for a message.
pub(crate) fn abbreviate(text: &str) -> String {
    const MAX: usize = 48;
    if text.chars().count() <= MAX {
        text.to_owned()
    } else {
        let head: String = text.chars().take(MAX).collect();
        format!("{head}…")
    }
}

/// How a message names a character: "a space", "`/`", "`é` (U+00E9)".
pub(crate) fn describe_char(c: char) -> String {
    match c {
        ' ' => "a space".to_owned(),
        c if c.is_control() => format!("the control character U+{:04X}", c as u32),
        c if c.is_ascii() => format!("`{c}`"),
        c => format!("`{c}` (U+{:04X})", c as u32),
    }
}

/// A problem with a written value (a host, a path): what is wrong, how to fix it, and the
/// repaired value when there is an obvious one.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Problem {
    pub what: String,
    pub help: String,
    pub repaired: Option<String>,
}

impl Problem {
    pub(crate) fn new(what: impl Into<String>, help: impl Into<String>) -> Problem {
        Problem {
            what: what.into(),
            help: help.into(),
            repaired: None,
        }
    }

    pub(crate) fn repaired(mut self, repaired: impl Into<String>) -> Problem {
        self.repaired = Some(repaired.into());
        self
    }
}
