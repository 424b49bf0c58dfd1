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

use compact_str::CompactString;
use route_lang::check::{PolicyKind, destination_policies, policy_kind};
use route_lang::codes::Code;
use route_lang::db::{Db, Item, ItemIndex, ItemTag, Project, item_index};
use route_lang::diagnostic::Diagnostic;
use route_lang::syntax::ast::{self, RouteStmt, TableStmt};
use rustc_hash::FxHashSet;

use super::lowering_error;
use super::names::{PolicySlot, RetryTimeout, retry_timeout_names};

/// The policies a route table applies and where its routes delegate, by name, without
/// positions: what the reach of other tables depends on.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct TableApplies {
    /// The policies of the table's `apply` statements, in source order.
    pub table: Vec<CompactString>,
    /// One entry per route, in source order.
    pub routes: Vec<RouteApplies>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct RouteApplies {
    /// The policies of the route's `apply` statements, in source order.
    pub policies: Vec<CompactString>,
    /// The tables of its `delegate to routes`, in source order.
    pub delegates: Vec<CompactString>,
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

/// The policy kinds that reach routes, in the order of a [`Reach`]'s entries.
const ROUTE_KINDS: [PolicyKind; 6] = [
    PolicyKind::Retry,
    PolicyKind::Timeout,
    PolicyKind::Fault,
    PolicyKind::Cors,
    PolicyKind::Headers,
    PolicyKind::Mirror,
];

/// The route-level policies that reach a point: at most one of each kind of [`ROUTE_KINDS`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, salsa::SalsaValue)]
pub struct Reach<'db>([Option<Item<'db>>; ROUTE_KINDS.len()]);

impl<'db> Reach<'db> {
    fn get(&self, kind: PolicyKind) -> Option<Item<'db>> {
        let at = ROUTE_KINDS.iter().position(|k| *k == kind)?;
        self.0[at]
    }

    fn has(&self, kind: PolicyKind) -> bool {
        self.get(kind).is_some()
    }

    /// This reach with each kind that `nearer` has replaced by `nearer`'s.
    fn under(self, nearer: Reach<'db>) -> Reach<'db> {
        Reach(std::array::from_fn(|at| nearer.0[at].or(self.0[at])))
    }
}

/// The route-level policies of one level (a table's or a route's `apply`s). The first of a
/// kind wins: two of one kind at one level is a checker error.
fn level<'db>(db: &'db dyn Db, index: &ItemIndex<'db>, names: &[CompactString]) -> Reach<'db> {
    let mut reach = Reach::default();
    for name in names {
        let Some(policy) = index.get(ItemTag::Policy, name) else {
            continue;
        };
        let kind = policy_kind(db, policy);
        if let Some(at) = ROUTE_KINDS.iter().position(|k| Some(*k) == kind) {
            reach.0[at].get_or_insert(policy);
        }
    }
    reach
}

/// What reaches a route: what its parents hand down, replaced kind by kind by its table's
/// `apply`s, then by its own.
fn combine<'db>(inherited: Reach<'db>, table: Reach<'db>, route: Reach<'db>) -> Reach<'db> {
    inherited.under(table).under(route)
}

/// Adds `value` to `values` unless it is there already. The sets here have a handful of
/// entries, so a vector is the cheapest set.
fn insert<T: PartialEq>(values: &mut Vec<T>, value: T) -> bool {
    let new = !values.contains(&value);
    if new {
        values.push(value);
    }
    new
}

/// For every table, the distinct reaches its parents hand down; a table nothing delegates to
/// starts with nothing reaching it. A propagation to a fixed point, so delegation cycles (a
/// checker error, but the preview still lowers) end: the sets only grow, within the finite
/// set of combinations of the project's policies.
#[salsa::tracked(returns(ref))]
fn inherited_reaches<'db>(db: &'db dyn Db, project: Project) -> BTreeMap<String, Vec<Reach<'db>>> {
    let index = item_index(db, project);
    let tables: BTreeMap<&str, &TableApplies> = index
        .all(ItemTag::Routes)
        .map(|table| (table.name(db).as_str(), table_applies(db, table)))
        .collect();
    let delegated: BTreeSet<&str> = tables
        .values()
        .flat_map(|t| t.routes.iter().flat_map(|r| r.delegates.iter()))
        .map(CompactString::as_str)
        .collect();
    let mut reaches: BTreeMap<String, Vec<Reach<'db>>> = BTreeMap::new();
    let mut work: BTreeSet<&str> = BTreeSet::new();
    for &name in tables.keys().filter(|name| !delegated.contains(*name)) {
        reaches.insert(name.to_owned(), vec![Reach::default()]);
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
            for &base in &inherited {
                let reach = combine(base, table_level, route_level);
                for child in &route.delegates {
                    let Some((&child, _)) = tables.get_key_value(child.as_str()) else {
                        continue;
                    };
                    if insert(reaches.entry(child.to_owned()).or_default(), reach) {
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
fn table_inherited<'db>(db: &'db dyn Db, project: Project, item: Item<'db>) -> Vec<Reach<'db>> {
    inherited_reaches(db, project)
        .get(item.name(db).as_str())
        .filter(|reaches| !reaches.is_empty())
        .cloned()
        .unwrap_or_else(|| vec![Reach::default()])
}

/// What a route label says for one slot: a policy, or a combination of retry and timeout.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, salsa::SalsaValue)]
pub enum SlotValue<'db> {
    Policy(Item<'db>),
    RetryTimeout(RetryTimeoutPair<'db>),
}

impl<'db> SlotValue<'db> {
    /// The names of its policies, which order the values of a message: the policy's, or the
    /// retry's and the timeout's.
    fn names(self, db: &'db dyn Db) -> (Option<&'db str>, Option<&'db str>) {
        match self {
            SlotValue::Policy(policy) => (Some(policy.name(db).as_str()), None),
            SlotValue::RetryTimeout(pair) => (
                pair.retry.map(|p| p.name(db).as_str()),
                pair.timeout.map(|p| p.name(db).as_str()),
            ),
        }
    }
}

/// The `retry` and `timeout` policies that reach a route; at least one of them is there.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, salsa::SalsaValue)]
pub struct RetryTimeoutPair<'db> {
    pub retry: Option<Item<'db>>,
    pub timeout: Option<Item<'db>>,
}

impl RetryTimeoutPair<'_> {
    /// The pair by policy names, which the merged policy's name is made of.
    fn named(self, db: &dyn Db) -> RetryTimeout {
        RetryTimeout {
            retry: self.retry.map(|p| p.name(db).to_string()),
            timeout: self.timeout.map(|p| p.name(db).to_string()),
        }
    }
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
fn slot_value<'db>(
    slot: PolicySlot,
    kinds: &[PolicyKind],
    reach: &Reach<'db>,
) -> Option<SlotValue<'db>> {
    if slot == PolicySlot::RetryTimeout {
        let pair = RetryTimeoutPair {
            retry: reach.get(PolicyKind::Retry),
            timeout: reach.get(PolicyKind::Timeout),
        };
        return (pair.retry.is_some() || pair.timeout.is_some())
            .then_some(SlotValue::RetryTimeout(pair));
    }
    kinds
        .iter()
        .find_map(|&kind| reach.get(kind))
        .map(SlotValue::Policy)
}

/// What reaches a route in one slot.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, salsa::SalsaValue)]
pub enum SlotReach<'db> {
    #[default]
    Nothing,
    /// Every path agrees: the route carries this value's label.
    Label(SlotValue<'db>),
    /// The paths differ and the route and its table add nothing of the slot's kinds: each
    /// path's delegating route carries its own value, which the route inherits. The values
    /// that reach it along some path.
    Inherited(Vec<SlotValue<'db>>),
    /// The paths differ in a way labels cannot express, with the values.
    Conflict(Vec<SlotValue<'db>>),
}

/// The policies of one route: what reaches it in each slot of [`ROUTE_SLOTS`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, salsa::SalsaValue)]
pub struct RouteReach<'db>([SlotReach<'db>; ROUTE_SLOTS.len()]);

impl<'db> RouteReach<'db> {
    /// The policy labels the route carries.
    pub fn labels(&self) -> impl Iterator<Item = (PolicySlot, SlotValue<'db>)> + '_ {
        ROUTE_SLOTS
            .iter()
            .zip(&self.0)
            .filter_map(|((slot, _), reach)| match reach {
                SlotReach::Label(value) => Some((*slot, *value)),
                _ => None,
            })
    }

    /// Every value that reaches the route along some path, labelled here or inherited.
    fn reached(&self) -> impl Iterator<Item = SlotValue<'db>> + '_ {
        self.0
            .iter()
            .flat_map(|reach| match reach {
                SlotReach::Nothing => &[][..],
                SlotReach::Label(value) => std::slice::from_ref(value),
                SlotReach::Inherited(values) | SlotReach::Conflict(values) => values.as_slice(),
            })
            .copied()
    }

    /// The values of each slot whose value depends on the path in a way labels cannot express.
    fn conflicts(&self) -> impl Iterator<Item = &[SlotValue<'db>]> {
        self.0.iter().filter_map(|reach| match reach {
            SlotReach::Conflict(values) => Some(values.as_slice()),
            _ => None,
        })
    }
}

/// The policies of every route of a table, in source order.
#[salsa::tracked(returns(ref))]
pub fn table_reach<'db>(
    db: &'db dyn Db,
    project: Project,
    item: Item<'db>,
) -> Vec<RouteReach<'db>> {
    let index = item_index(db, project);
    let applies = table_applies(db, item);
    let inherited = table_inherited(db, project, item);
    let table_level = level(db, index, &applies.table);
    let mut values: Vec<Option<SlotValue<'db>>> = Vec::new();
    applies
        .routes
        .iter()
        .map(|route| {
            let route_level = level(db, index, &route.policies);
            let own = table_level.under(route_level);
            // What each path hands down, with the route's and its table's own on top: one
            // reach for most tables (see `table_inherited`), computed again by each slot that
            // looks past the first.
            let mut reaches = inherited.iter().map(|base| base.under(own));
            let first = reaches.next().unwrap_or_default();
            RouteReach(std::array::from_fn(|at| {
                let (slot, kinds) = ROUTE_SLOTS[at];
                let value = |reach: &Reach<'db>| slot_value(slot, kinds, reach);
                // Every path hands down the same value (always so when one reach reaches the
                // table): the route carries it, or nothing.
                let shared = value(&first);
                if reaches.clone().all(|other| value(&other) == shared) {
                    return shared.map_or(SlotReach::Nothing, SlotReach::Label);
                }
                values.clear();
                values.push(shared);
                for other in reaches.clone() {
                    insert(&mut values, value(&other));
                }
                let reached = values.iter().flatten().copied().collect();
                // The paths differ: the route inherits each one's value from the delegating
                // route that carries it, unless it or its table adds a value of the slot.
                if kinds.iter().any(|&kind| own.has(kind)) {
                    SlotReach::Conflict(reached)
                } else {
                    SlotReach::Inherited(reached)
                }
            }))
        })
        .collect()
}

/// Every value that reaches some route of a table, each once: what [`policy_usage`] gathers
/// from every table. A query per table, so that it is worked out on every core (see
/// `super::prepare`) rather than by the one thread that first needs the project's usage.
#[salsa::tracked(returns(ref))]
pub fn table_reached<'db>(
    db: &'db dyn Db,
    project: Project,
    item: Item<'db>,
) -> Vec<SlotValue<'db>> {
    let mut values = Vec::new();
    for route in table_reach(db, project, item) {
        for value in route.reached() {
            insert(&mut values, value);
        }
    }
    values
}

/// A merged RetryTimeoutPolicy: the pair it merges and its name.
#[derive(Clone, Debug, PartialEq, Eq, salsa::SalsaValue)]
pub struct MergedRetryTimeout<'db> {
    pub pair: RetryTimeoutPair<'db>,
    pub name: String,
}

/// What the policy lowering needs to know about where policies are used.
#[derive(Clone, Debug, Default, PartialEq, Eq, salsa::SalsaValue)]
pub struct PolicyUsage<'db> {
    /// Route-level policies other than `retry` and `timeout` that reach some route.
    pub route_policies: BTreeSet<String>,
    /// Every combination of `retry` and `timeout` that reaches some route, with the name of its
    /// RetryTimeoutPolicy, in the order of the policy names.
    pub retry_timeout: Vec<MergedRetryTimeout<'db>>,
    /// Destination-level policies and the destinations that apply them, by name.
    pub destinations: BTreeMap<String, BTreeSet<String>>,
}

impl<'db> PolicyUsage<'db> {
    /// The name of the RetryTimeoutPolicy of a pair that reaches some route.
    pub fn retry_timeout_name(&self, pair: RetryTimeoutPair<'db>) -> Option<&str> {
        self.retry_timeout
            .iter()
            .find(|merged| merged.pair == pair)
            .map(|merged| merged.name.as_str())
    }
}

#[salsa::tracked(returns(ref))]
pub fn policy_usage<'db>(db: &'db dyn Db, project: Project) -> PolicyUsage<'db> {
    let index = item_index(db, project);
    let mut reached: FxHashSet<SlotValue<'db>> = FxHashSet::default();
    for table in index.all(ItemTag::Routes) {
        reached.extend(table_reached(db, project, table).iter().copied());
    }
    let mut usage = PolicyUsage::default();
    let mut pairs: BTreeMap<RetryTimeout, RetryTimeoutPair<'db>> = BTreeMap::new();
    for value in reached {
        match value {
            SlotValue::Policy(policy) => {
                usage.route_policies.insert(policy.name(db).to_string());
            }
            SlotValue::RetryTimeout(pair) => {
                pairs.insert(pair.named(db), pair);
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
        .map(|p| p.name(db).to_string())
        .collect();
    let combos: BTreeSet<RetryTimeout> = pairs.keys().cloned().collect();
    let mut names = retry_timeout_names(&combos, &taken);
    usage.retry_timeout = pairs
        .into_iter()
        .filter_map(|(combo, pair)| {
            let name = names.remove(&combo)?;
            Some(MergedRetryTimeout { pair, name })
        })
        .collect();
    for destination in index.all(ItemTag::Destination) {
        for policy in destination_policies(db, destination) {
            usage
                .destinations
                .entry(policy.to_string())
                .or_default()
                .insert(destination.name(db).to_string());
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
        if routes.iter().all(|r| r.conflicts().next().is_none()) {
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
            for values in reach.conflicts() {
                let mut values = values.to_vec();
                values.sort_by_key(|value| value.names(db));
                let shown: Vec<String> = values.iter().map(|v| describe(db, *v)).collect();
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
fn describe(db: &dyn Db, value: SlotValue<'_>) -> String {
    match value.names(db) {
        (Some(policy), None) if matches!(value, SlotValue::Policy(_)) => format!("`{policy}`"),
        (Some(retry), Some(timeout)) => format!("retry `{retry}` + timeout `{timeout}`"),
        (Some(retry), None) => format!("retry `{retry}`"),
        (None, Some(timeout)) => format!("timeout `{timeout}`"),
        (None, None) => "nothing".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::{PolicyKind, ROUTE_KINDS, ROUTE_SLOTS};
    use route_lang::check::PolicyLevel;

    /// A reach has an entry for every route-level kind, and every slot is filled by those.
    #[test]
    fn route_kinds_are_the_route_level_kinds() {
        let route_level: Vec<PolicyKind> = PolicyKind::ALL
            .into_iter()
            .filter(|kind| kind.level() == PolicyLevel::Route)
            .collect();
        assert_eq!(ROUTE_KINDS.to_vec(), route_level);
        let in_slots: Vec<PolicyKind> = ROUTE_SLOTS
            .iter()
            .flat_map(|(_, kinds)| kinds.iter().copied())
            .collect();
        assert_eq!(in_slots, route_level);
    }
}
