//! Which route-level policies reach which routes, and the labels that say so.
//!
//! The contract: `apply` in a table reaches every route of the table and of the tables it
//! delegates to, transitively; `apply` in a route reaches that route (and, for a delegating
//! route, the routes it delegates to); a nearer `apply` of a kind replaces a farther one.
//! So what reaches a route of a delegated table depends on the path a request took to it, and
//! a table delegated to from several places may be reached along paths that hand down
//! different policies.
//!
//! Gloo's label inheritance (a child route takes its parent route's labels unless it sets the
//! same key) expresses exactly that, one key per policy kind (see [`super::names`]). So each
//! route gets, for each kind:
//! - the label of the policy that reaches it, when every path agrees (the common case: one
//!   parent, or parents that agree), so that each policy visibly selects its routes;
//! - no label, when the paths disagree and the route and its table add nothing of that kind:
//!   each path's delegating route carries its own value, which the route inherits;
//! - otherwise (the route or its table adds a `retry` while its parents hand down different
//!   `timeout`s, say) one label cannot name the merged RetryTimeoutPolicy of every path, and
//!   the build reports it ([`lowering_diagnostics`]).
//!
//! Everything here reads summaries: [`table_applies`] of each table (its own syntax only) and
//! the kinds of the policies it names.

use std::collections::{BTreeMap, BTreeSet};

use route_lang::check::{PolicyKind, PolicyLevel, destination_policies, policy_kind};
use route_lang::codes::Code;
use route_lang::db::{Db, Item, ItemIndex, ItemTag, Project, item_index};
use route_lang::diagnostic::Diagnostic;
use route_lang::syntax::ast::{self, RouteStmt, TableStmt};

use super::lowering_error;
use super::names::{PolicySlot, RetryTimeout, retry_timeout_names};

/// The policies a route table applies and where its routes delegate, by name, without
/// positions: what the reach of other tables depends on.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct TableApplies {
    /// The policies of the table's `apply` statements, in source order.
    pub table: Vec<String>,
    /// One entry per route, in source order.
    pub routes: Vec<RouteApplies>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct RouteApplies {
    /// The policies of the route's `apply` statements, in source order.
    pub policies: Vec<String>,
    /// The tables of its `delegate to routes`, in source order.
    pub delegates: Vec<String>,
}

/// The summary of a route table's applies (empty for other items). Reads only its syntax.
#[salsa::tracked(returns(ref))]
pub fn table_applies<'db>(db: &'db dyn Db, item: Item<'db>) -> TableApplies {
    let mut applies = TableApplies::default();
    let ast::ItemKind::Routes(table) = &item.syntax(db).kind else {
        return applies;
    };
    for stmt in &table.body {
        match stmt {
            TableStmt::Apply(apply) => {
                applies
                    .table
                    .extend(apply.policies.iter().map(|p| p.text.clone()));
            }
            TableStmt::Route(route) => {
                let mut this = RouteApplies::default();
                for stmt in &route.body {
                    match stmt {
                        RouteStmt::Apply(apply) => {
                            this.policies
                                .extend(apply.policies.iter().map(|p| p.text.clone()));
                        }
                        RouteStmt::Delegate { tables, .. } => {
                            this.delegates.extend(tables.iter().map(|t| t.text.clone()));
                        }
                        _ => {}
                    }
                }
                applies.routes.push(this);
            }
            _ => {}
        }
    }
    applies
}

/// The route-level policies that reach a point, by kind.
pub type Reach = BTreeMap<PolicyKind, String>;

/// The route-level policies of one level (a table's or a route's `apply`s), by kind. The first
/// of a kind wins: two of one kind at one level is a checker error.
fn level(db: &dyn Db, index: &ItemIndex<'_>, names: &[String]) -> Reach {
    let mut reach = Reach::new();
    for name in names {
        let kind = index
            .get(ItemTag::Policy, name)
            .and_then(|policy| policy_kind(db, policy));
        if let Some(kind) = kind.filter(|k| k.level() == PolicyLevel::Route) {
            reach.entry(kind).or_insert_with(|| name.clone());
        }
    }
    reach
}

/// What reaches a route: what its parents hand down, replaced kind by kind by its table's
/// `apply`s, then by its own.
fn combine(inherited: &Reach, table: &Reach, route: &Reach) -> Reach {
    let mut reach = inherited.clone();
    reach.extend(table.iter().map(|(k, v)| (*k, v.clone())));
    reach.extend(route.iter().map(|(k, v)| (*k, v.clone())));
    reach
}

/// For every table, the distinct reaches its parents hand down; a table nothing delegates to
/// starts with nothing reaching it. A propagation to a fixed point, so delegation cycles (a
/// checker error, but the preview still lowers) end: the sets only grow, within the finite
/// set of combinations of the project's policies.
#[salsa::tracked(returns(ref))]
fn inherited_reaches(db: &dyn Db, project: Project) -> BTreeMap<String, BTreeSet<Reach>> {
    let index = item_index(db, project);
    let tables: BTreeMap<&str, &TableApplies> = index
        .all(ItemTag::Routes)
        .map(|table| (table.name(db).as_str(), table_applies(db, table)))
        .collect();
    let delegated: BTreeSet<&str> = tables
        .values()
        .flat_map(|t| t.routes.iter().flat_map(|r| r.delegates.iter()))
        .map(String::as_str)
        .collect();
    let mut reaches: BTreeMap<String, BTreeSet<Reach>> = BTreeMap::new();
    let mut work: BTreeSet<&str> = BTreeSet::new();
    for &name in tables.keys().filter(|name| !delegated.contains(*name)) {
        reaches.insert(name.to_owned(), BTreeSet::from([Reach::new()]));
        work.insert(name);
    }
    while let Some(name) = work.pop_first() {
        let Some(table) = tables.get(name) else {
            continue;
        };
        let inherited = reaches.get(name).cloned().unwrap_or_default();
        let table_level = level(db, index, &table.table);
        for route in table.routes.iter().filter(|r| !r.delegates.is_empty()) {
            let route_level = level(db, index, &route.policies);
            for base in &inherited {
                let reach = combine(base, &table_level, &route_level);
                for child in &route.delegates {
                    let Some((&child, _)) = tables.get_key_value(child.as_str()) else {
                        continue;
                    };
                    if reaches
                        .entry(child.to_owned())
                        .or_default()
                        .insert(reach.clone())
                    {
                        work.insert(child);
                    }
                }
            }
        }
    }
    reaches
}

/// The reaches one table inherits (nothing reaching it when it is unreachable). Its own query
/// so that a change elsewhere in the project re-lowers only the tables whose inheritance it
/// changed.
#[salsa::tracked(returns(ref))]
fn table_inherited<'db>(db: &'db dyn Db, project: Project, item: Item<'db>) -> BTreeSet<Reach> {
    inherited_reaches(db, project)
        .get(item.name(db))
        .filter(|reaches| !reaches.is_empty())
        .cloned()
        .unwrap_or_else(|| BTreeSet::from([Reach::new()]))
}

/// What a route label says for one slot: a policy, or a combination of retry and timeout.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SlotValue {
    Policy(String),
    RetryTimeout(RetryTimeout),
}

/// The slots a route can fill, each with the language kinds that fill it.
const ROUTE_SLOTS: [(PolicySlot, &[PolicyKind]); 5] = [
    (
        PolicySlot::RetryTimeout,
        &[PolicyKind::Retry, PolicyKind::Timeout],
    ),
    (PolicySlot::FaultInjection, &[PolicyKind::Fault]),
    (PolicySlot::Cors, &[PolicyKind::Cors]),
    (PolicySlot::HeaderManipulation, &[PolicyKind::Headers]),
    (PolicySlot::Mirror, &[PolicyKind::Mirror]),
];

/// The value of a slot in a reach.
fn slot_value(slot: PolicySlot, kinds: &[PolicyKind], reach: &Reach) -> Option<SlotValue> {
    if slot == PolicySlot::RetryTimeout {
        let combo = RetryTimeout {
            retry: reach.get(&PolicyKind::Retry).cloned(),
            timeout: reach.get(&PolicyKind::Timeout).cloned(),
        };
        return (combo.retry.is_some() || combo.timeout.is_some())
            .then_some(SlotValue::RetryTimeout(combo));
    }
    kinds
        .iter()
        .find_map(|kind| reach.get(kind))
        .map(|name| SlotValue::Policy(name.clone()))
}

/// The policies of one route.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct RouteReach {
    /// The policy labels the route carries.
    pub labels: BTreeMap<PolicySlot, SlotValue>,
    /// Every value that reaches the route along some path, labelled here or inherited.
    pub reached: BTreeSet<SlotValue>,
    /// Slots whose value depends on the path in a way labels cannot express, with the values.
    pub conflicts: BTreeMap<PolicySlot, BTreeSet<SlotValue>>,
}

/// The policies of every route of a table, in source order.
#[salsa::tracked(returns(ref))]
pub fn table_reach<'db>(db: &'db dyn Db, project: Project, item: Item<'db>) -> Vec<RouteReach> {
    let index = item_index(db, project);
    let applies = table_applies(db, item);
    let inherited = table_inherited(db, project, item);
    let table_level = level(db, index, &applies.table);
    applies
        .routes
        .iter()
        .map(|route| {
            let route_level = level(db, index, &route.policies);
            let reaches: Vec<Reach> = inherited
                .iter()
                .map(|base| combine(base, &table_level, &route_level))
                .collect();
            let mut out = RouteReach::default();
            for (slot, kinds) in ROUTE_SLOTS {
                let values: BTreeSet<Option<SlotValue>> = reaches
                    .iter()
                    .map(|reach| slot_value(slot, kinds, reach))
                    .collect();
                out.reached.extend(values.iter().flatten().cloned());
                let own = kinds
                    .iter()
                    .any(|k| table_level.contains_key(k) || route_level.contains_key(k));
                match values.first() {
                    Some(Some(value)) if values.len() == 1 => {
                        out.labels.insert(slot, value.clone());
                    }
                    // Nothing reaches the route, or the paths differ and the route inherits
                    // each one's value from the delegating route that carries it.
                    _ if values.len() == 1 || !own => {}
                    _ => {
                        out.conflicts
                            .insert(slot, values.into_iter().flatten().collect());
                    }
                }
            }
            out
        })
        .collect()
}

/// What the policy lowering needs to know about where policies are used.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PolicyUsage {
    /// Route-level policies other than `retry` and `timeout` that reach some route.
    pub route_policies: BTreeSet<String>,
    /// Every combination of `retry` and `timeout` that reaches some route, with the name of its
    /// RetryTimeoutPolicy.
    pub retry_timeout: BTreeMap<RetryTimeout, String>,
    /// Destination-level policies and the destinations that apply them, by name.
    pub destinations: BTreeMap<String, BTreeSet<String>>,
}

#[salsa::tracked(returns(ref))]
pub fn policy_usage(db: &dyn Db, project: Project) -> PolicyUsage {
    let index = item_index(db, project);
    let mut usage = PolicyUsage::default();
    let mut combos: BTreeSet<RetryTimeout> = BTreeSet::new();
    for table in index.all(ItemTag::Routes) {
        for route in table_reach(db, project, table) {
            for value in &route.reached {
                match value {
                    SlotValue::Policy(name) => {
                        usage.route_policies.insert(name.clone());
                    }
                    SlotValue::RetryTimeout(combo) => {
                        combos.insert(combo.clone());
                    }
                }
            }
        }
    }
    // A merged name must not take the name of a policy that has a RetryTimeoutPolicy of its
    // own (now or after the next edit): every retry and timeout policy's name is reserved.
    let taken: BTreeSet<String> = index
        .all(ItemTag::Policy)
        .filter(|p| {
            matches!(
                policy_kind(db, *p),
                Some(PolicyKind::Retry | PolicyKind::Timeout)
            )
        })
        .map(|p| p.name(db).clone())
        .collect();
    usage.retry_timeout = retry_timeout_names(&combos, &taken);
    for destination in index.all(ItemTag::Destination) {
        for policy in destination_policies(db, destination) {
            usage
                .destinations
                .entry(policy.clone())
                .or_default()
                .insert(destination.name(db).clone());
        }
    }
    usage
}

/// The routes whose policies labels cannot express (see the module documentation), as errors
/// at the route's name.
pub fn lowering_diagnostics(db: &dyn Db, project: Project) -> Vec<Diagnostic> {
    let index = item_index(db, project);
    let mut out = Vec::new();
    for table in index.all(ItemTag::Routes) {
        let routes = table_reach(db, project, table);
        if routes.iter().all(|r| r.conflicts.is_empty()) {
            continue;
        }
        let ast::ItemKind::Routes(syntax) = &table.syntax(db).kind else {
            continue;
        };
        let names = syntax.body.iter().filter_map(|stmt| match stmt {
            TableStmt::Route(route) => Some(&route.name),
            _ => None,
        });
        for (reach, name) in routes.iter().zip(names) {
            for values in reach.conflicts.values() {
                let shown: Vec<String> = values.iter().map(describe).collect();
                out.push(lowering_error(
                    db,
                    table,
                    name.span,
                    Code::ConflictingPolicies,
                    format!(
                        "route `{}.{}` is reached through delegating tables that apply different \
                         retry/timeout policies, so it needs a different RetryTimeoutPolicy on \
                         each path: {}",
                        table.name(db),
                        name.text,
                        shown.join(", ")
                    ),
                    "the mesh selects a route's RetryTimeoutPolicy by one label: apply the same \
                     `retry` and `timeout` in every table that delegates here, or apply both in \
                     this table or route"
                        .to_owned(),
                ));
            }
        }
    }
    out
}

/// `retry a + timeout b`, for messages.
fn describe(value: &SlotValue) -> String {
    match value {
        SlotValue::Policy(name) => format!("`{name}`"),
        SlotValue::RetryTimeout(combo) => match (&combo.retry, &combo.timeout) {
            (Some(retry), Some(timeout)) => format!("retry `{retry}` + timeout `{timeout}`"),
            (Some(retry), None) => format!("retry `{retry}`"),
            (None, Some(timeout)) => format!("timeout `{timeout}`"),
            (None, None) => "nothing".to_owned(),
        },
    }
}
