//! The project-wide rules, which no single item can decide: names defined twice, delegation
//! cycles, delegated tables nothing delegates to, and policies nothing applies.
//!
//! [`project_checks`] reads the name index and the per-item summaries ([`table_summary`],
//! [`destination_policies`], [`policy_kind`]) — never an item's syntax, except through the
//! tiny [`item_name_span`] query — so an edit inside an item re-runs it only when a summary
//! changed, and re-running it is cheap.

use std::collections::HashMap;

use rustc_hash::FxHashSet;

use crate::check::ItemDiagnostic;
use crate::check::destination::destination_policies;
use crate::check::policy::{PolicyLevel, policy_kind};
use crate::check::routes::table_summary;
use crate::codes::Code;
use crate::db::{Db, Item, ItemIndex, ItemTag, Project, item_index, name_span};
use crate::syntax::ast::{CompactString, Span};

/// Every project-wide diagnostic, with the item it belongs to, in a deterministic order:
/// duplicates, delegation cycles, unreachable tables, unused policies.
#[salsa::tracked(returns(ref))]
pub fn project_checks<'db>(
    db: &'db dyn Db,
    project: Project,
) -> Vec<(Item<'db>, ItemDiagnostic<'db>)> {
    let index = item_index(db, project);
    let mut out = Vec::new();
    duplicates(db, index, &mut out);
    delegation_cycles(db, index, &mut out);
    unreachable_tables(db, index, &mut out);
    unused_policies(db, index, &mut out);
    out
}

/// Where an item's name is written. A query of its own so that [`project_checks`] depends on
/// this span only, not on the whole syntax of every item.
#[salsa::tracked(returns(copy))]
fn item_name_span<'db>(db: &'db dyn Db, item: Item<'db>) -> Span {
    name_span(item.syntax(db))
}

type Out<'db> = Vec<(Item<'db>, ItemDiagnostic<'db>)>;

/// E0101 on every definition of a name after the first, pointing at the first.
fn duplicates<'db>(db: &'db dyn Db, index: &ItemIndex<'db>, out: &mut Out<'db>) {
    for (tag, name, items) in ItemTag::ALL.into_iter().flat_map(|tag| {
        index
            .definitions(tag)
            .map(move |(name, items)| (tag, name, items))
    }) {
        let Some((&first, later)) = items.split_first() else {
            continue;
        };
        for &item in later {
            let diagnostic = ItemDiagnostic::new(
                Code::DuplicateItem,
                item_name_span(db, item),
                format!("{} `{name}` is already defined", tag.noun()),
            )
            .label_item(first, "first defined here")
            .help("rename one of them");
            out.push((item, diagnostic));
        }
    }
}

/// E0409 for each delegation cycle found by a depth-first walk in name order, reported once,
/// on the table whose delegation closes it.
fn delegation_cycles<'db>(db: &'db dyn Db, index: &ItemIndex<'db>, out: &mut Out<'db>) {
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        New,
        OnPath,
        Done,
    }
    let tables: Vec<Item<'db>> = index.all(ItemTag::Routes).collect();
    let mut state: HashMap<Item<'db>, State> = tables.iter().map(|&t| (t, State::New)).collect();
    // The targets a table delegates to that exist, in source order.
    let edges = |table: Item<'db>| -> Vec<Item<'db>> {
        table_summary(db, table)
            .delegates
            .iter()
            .filter_map(|name| index.get(ItemTag::Routes, name))
            .collect()
    };
    for &root in &tables {
        if state.get(&root) != Some(&State::New) {
            continue;
        }
        // An explicit stack (table, its delegates, the next one to visit): delegation chains
        // can be long, and recursion must not overflow.
        let mut path: Vec<(Item<'db>, Vec<Item<'db>>, usize)> = vec![(root, edges(root), 0)];
        state.insert(root, State::OnPath);
        while let Some((table, targets, next)) = path.last_mut() {
            let table = *table;
            let Some(&target) = targets.get(*next) else {
                state.insert(table, State::Done);
                path.pop();
                continue;
            };
            *next += 1;
            match state.get(&target).copied().unwrap_or(State::Done) {
                State::New => {
                    state.insert(target, State::OnPath);
                    let targets = edges(target);
                    path.push((target, targets, 0));
                }
                State::OnPath => {
                    let start = path.iter().position(|(t, _, _)| *t == target).unwrap_or(0);
                    let cycle: Vec<Item<'db>> = path[start..].iter().map(|(t, _, _)| *t).collect();
                    out.push((table, cycle_diagnostic(db, &cycle, table)));
                }
                State::Done => {}
            }
        }
    }
}

/// The diagnostic for `cycle` (the tables in delegation order, starting where it starts),
/// closed by `closing` delegating back to the first.
fn cycle_diagnostic<'db>(
    db: &'db dyn Db,
    cycle: &[Item<'db>],
    closing: Item<'db>,
) -> ItemDiagnostic<'db> {
    let names: Vec<&str> = cycle.iter().map(|t| t.name(db).as_str()).collect();
    let first = names.first().copied().unwrap_or_default();
    let path = format!("{} -> {first}", names.join(" -> "));
    let closing_name = closing.name(db);
    let mut diagnostic = ItemDiagnostic::new(
        Code::DelegationCycle,
        item_name_span(db, closing),
        format!("delegation cycle: `{path}`"),
    )
    .help(format!(
        "a table cannot reach itself through delegation; remove the delegation to `{first}` in `{closing_name}`, \
         or another link of the cycle"
    ));
    for pair in cycle.windows(2) {
        if let [from, to] = pair {
            diagnostic = diagnostic.label_item(
                *from,
                format!("`{}` delegates to `{}`", from.name(db), to.name(db)),
            );
        }
    }
    diagnostic
}

/// W0408 on a table without hosts (so not a root table) that no table delegates to.
fn unreachable_tables<'db>(db: &'db dyn Db, index: &ItemIndex<'db>, out: &mut Out<'db>) {
    // Every definition counts, duplicates included: a delegation the user can see in the
    // source must not leave a warning that says there is none.
    let delegated: FxHashSet<&str> = all_definitions(index, ItemTag::Routes)
        .flat_map(|table| {
            table_summary(db, table)
                .delegates
                .iter()
                .map(CompactString::as_str)
        })
        .collect();
    for table in index.all(ItemTag::Routes) {
        let summary = table_summary(db, table);
        let name = table.name(db);
        // An exposed table without hosts has its own error (E0415); it is meant as a root.
        let exposed = summary.mesh || !summary.gateways.is_empty();
        if !summary.hosts.is_empty() || exposed || delegated.contains(name.as_str()) {
            continue;
        }
        let diagnostic = ItemDiagnostic::new(
            Code::UnreachableTable,
            item_name_span(db, table),
            format!("route table `{name}` has no hosts and no table delegates to it"),
        )
        .help(format!(
            "delegate to it from a route (`delegate to routes {name}`), or give it `hosts` and an `expose` \
             to make it a root table"
        ));
        out.push((table, diagnostic));
    }
}

/// W0310 on a policy that no route table, route or destination applies.
fn unused_policies<'db>(db: &'db dyn Db, index: &ItemIndex<'db>, out: &mut Out<'db>) {
    let from_tables =
        all_definitions(index, ItemTag::Routes).flat_map(|t| table_summary(db, t).policies.iter());
    let from_destinations = all_definitions(index, ItemTag::Destination)
        .flat_map(|d| destination_policies(db, d).iter());
    // Only asked whether it holds a name, so hashed: it gets a name per policy of every table
    // and destination, and sorting them cost more than the rest of the project checks.
    let applied: FxHashSet<&str> = from_tables
        .chain(from_destinations)
        .map(CompactString::as_str)
        .collect();
    for policy in index.all(ItemTag::Policy) {
        let name = policy.name(db);
        if applied.contains(name.as_str()) {
            continue;
        }
        let place = match policy_kind(db, policy).map(|kind| kind.level()) {
            Some(PolicyLevel::Route) => "in a route or a route table",
            Some(PolicyLevel::Destination) => "in a destination",
            None => "where it belongs",
        };
        let diagnostic = ItemDiagnostic::new(
            Code::UnusedPolicy,
            item_name_span(db, policy),
            format!("policy `{name}` is never applied"),
        )
        .help(format!(
            "apply it with `apply {name}` {place}, or delete it"
        ));
        out.push((policy, diagnostic));
    }
}

/// Every definition of a kind, duplicates included, in name then file order.
fn all_definitions<'a, 'db>(
    index: &'a ItemIndex<'db>,
    tag: ItemTag,
) -> impl Iterator<Item = Item<'db>> + 'a {
    index
        .definitions(tag)
        .flat_map(|(_, items)| items.iter().copied())
}

#[cfg(test)]
mod tests {
    use salsa::Setter;

    use crate::config::parse_config;
    use crate::db::{Database, InventoryInput, Project, SourceFile, project_diagnostics};
    use crate::inventory::Inventory;

    const TEXT: &str = "
        policy slow = timeout 2s
        routes root { route api { match path prefix \"/api\" delegate to routes api } }
        routes api { apply slow route list { match path prefix \"/api/list\" respond 200 } }
    ";

    fn project(db: &Database, text: &str) -> (Project, SourceFile) {
        let config = parse_config("[project]\nnamespace = \"bookinfo\"\n").expect("valid config");
        let file = SourceFile::new(db, "main.route".to_owned(), text.to_owned());
        let inventory = InventoryInput::new(db, Inventory::default());
        (Project::new(db, vec![file], config, inventory), file)
    }

    fn codes(db: &Database, project: Project) -> Vec<&'static str> {
        project_diagnostics(db, project)
            .iter()
            .map(|d| d.code.as_str())
            .collect()
    }

    #[test]
    fn edits_that_keep_the_summaries_do_not_rerun_the_project_checks() {
        let (mut db, log) = Database::with_execution_log();
        let (project, file) = project(&db, TEXT);
        let before = codes(&db, project);
        log.take();
        file.set_text(&mut db)
            .to(TEXT.replace("respond 200", "respond 204"));
        assert_eq!(codes(&db, project), before);
        let executed = log.take();
        assert!(
            executed.iter().any(|e| e.starts_with("table_summary(")),
            "{executed:#?}"
        );
        assert!(
            !executed.iter().any(|e| e.starts_with("project_checks(")),
            "{executed:#?}"
        );
    }

    #[test]
    fn a_new_delegation_reruns_them() {
        let (mut db, log) = Database::with_execution_log();
        let (project, file) = project(&db, TEXT);
        assert!(!codes(&db, project).contains(&"E0409"));
        log.take();
        file.set_text(&mut db)
            .to(TEXT.replace("respond 200", "delegate to routes root"));
        assert!(codes(&db, project).contains(&"E0409"));
        assert!(log.take().iter().any(|e| e.starts_with("project_checks(")));
    }
}
