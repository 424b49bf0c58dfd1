//! Server-side apply of compiled resources to the management cluster: `routec apply` and
//! `routec diff`.
//!
//! [`plan`] turns the lowering's resources into the objects to apply, in dependency order —
//! VirtualGateways and VirtualDestinations first, then RouteTables with delegated (child) tables
//! before the tables that delegate to them, then policies — each labelled with the project
//! identity ([`PROJECT_LABEL`]) next to the lowering's `app.kubernetes.io/managed-by: routec`.
//! The order matters to Gloo, not to the API server: a parent applied before its child would
//! briefly route to nothing, a policy applied before its target selects nothing.
//!
//! [`apply`] then works in three steps, so that a rejected resource leaves the cluster as it was
//! whenever the server can tell in advance:
//! 1. discovery: every kind to apply must be served, or the command stops naming the missing
//!    CRDs, before anything is sent;
//! 2. a check of every object: read the live object, refuse to take over one that routec did
//!    not make for this project (unless `--force-conflicts`), and server-side *dry-run* the
//!    apply, which runs the schema validation and field-manager conflict detection of a real
//!    apply without storing anything;
//! 3. the real server-side applies (field manager `routec`), in order, then, with `--prune`,
//!    the deletion of this project's objects that are no longer produced.
//!
//! With `--dry-run` the command stops after step 2 and reports what step 3 would do. A failure
//! in step 3 (the cluster changed in between, the server went away) stops at that object, and
//! the [`Report`] in the [`Failure`] says exactly what was applied before it.
//!
//! "created / configured / unchanged" compares the live object with the server's answer,
//! without the fields the server maintains (`resourceVersion`, `managedFields`, …): an apply
//! that only changes field ownership is "unchanged". [`diff`] shows the same comparison as a
//! unified diff.
//!
//! `--prune` lists the kinds routec emits by label selector — both `managed-by=routec` and this
//! project's identity — and deletes those not produced any more, never anything else.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use kube::Client;
use kube::api::{Api, DeleteParams, DynamicObject, ListParams, Patch, PatchParams};
use kube::core::{ApiResource, GroupVersion, GroupVersionKind, Status};
use serde_json::Value;

use super::errors::{describe, describe_status};
use super::{Connection, FIELD_MANAGER, MANAGED_BY, MANAGED_BY_LABEL, PROJECT_LABEL};
use crate::resources::{
    AccessPolicySpec, CorsPolicySpec, FailoverPolicySpec, FaultInjectionPolicySpec,
    HeaderManipulationPolicySpec, HttpAction, MirrorPolicySpec, ObjectSelector,
    OutlierDetectionPolicySpec, Resource, ResourceSpec, RetryTimeoutPolicySpec, RouteTableSpec,
    VirtualDestinationSpec, VirtualGatewaySpec,
};

/// Every kind routec emits, with its `apiVersion`: what `--prune` may delete.
const EMITTED_KINDS: &[(&str, &str)] = &[
    kind_of::<VirtualGatewaySpec>(),
    kind_of::<VirtualDestinationSpec>(),
    kind_of::<RouteTableSpec>(),
    kind_of::<RetryTimeoutPolicySpec>(),
    kind_of::<FaultInjectionPolicySpec>(),
    kind_of::<FailoverPolicySpec>(),
    kind_of::<OutlierDetectionPolicySpec>(),
    kind_of::<CorsPolicySpec>(),
    kind_of::<AccessPolicySpec>(),
    kind_of::<HeaderManipulationPolicySpec>(),
    kind_of::<MirrorPolicySpec>(),
];

const fn kind_of<S: ResourceSpec>() -> (&'static str, &'static str) {
    (S::API_VERSION, S::KIND)
}

/// Where a kind goes in the apply order: what others refer to comes first.
fn rank(kind: &str) -> u8 {
    match kind {
        "VirtualGateway" | "VirtualDestination" => 0,
        "RouteTable" => 1,
        _ => 2,
    }
}

/// The plural of a Gloo kind, as its CRD is named (`routetables.networking.gloo.solo.io`);
/// used to name a CRD that discovery could not find.
fn plural(kind: &str) -> String {
    let lower = kind.to_ascii_lowercase();
    match lower.strip_suffix('y') {
        // policy → policies, but gateway → gateways.
        Some(stem) if !stem.ends_with(['a', 'e', 'i', 'o', 'u']) => format!("{stem}ies"),
        _ => format!("{lower}s"),
    }
}

fn group_of(api_version: &str) -> &str {
    api_version.split_once('/').map_or("", |(group, _)| group)
}

/// Identifies an object on the cluster: `RouteTable bookinfo/reviews`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ObjectId {
    pub kind: String,
    pub namespace: String,
    pub name: String,
}

impl fmt::Display for ObjectId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}/{}", self.kind, self.namespace, self.name)
    }
}

/// One object to apply.
#[derive(Clone, Debug, PartialEq)]
pub struct Planned {
    pub id: ObjectId,
    pub api_version: String,
    /// The document sent to the server.
    pub body: Value,
}

/// The objects to apply for `resources`, in dependency order (see the module documentation),
/// each labelled with the project identity and placed in `default_namespace` when the
/// lowering left its namespace out. Two resources with one kind, namespace and name are an
/// error: the second would silently overwrite the first.
pub fn plan(
    resources: &[&Resource],
    project: &str,
    default_namespace: &str,
) -> Result<Vec<Planned>, String> {
    let mut planned = Vec::with_capacity(resources.len());
    let mut seen = BTreeSet::new();
    for index in dependency_order(resources, default_namespace) {
        let Some(resource) = resources.get(index) else {
            continue;
        };
        let id = object_id(resource, default_namespace);
        if !seen.insert(id.clone()) {
            return Err(format!("{id} is produced twice"));
        }
        let mut body = serde_json::to_value(resource)
            .map_err(|e| format!("{id}: cannot be serialized: {e}"))?;
        let Some(metadata) = body.get_mut("metadata").and_then(Value::as_object_mut) else {
            return Err(format!("{id}: serialized without metadata"));
        };
        metadata.insert("namespace".to_owned(), Value::from(id.namespace.clone()));
        let labels = metadata
            .entry("labels")
            .or_insert_with(|| Value::Object(serde_json::Map::new()));
        if let Some(labels) = labels.as_object_mut() {
            labels.insert(MANAGED_BY_LABEL.to_owned(), Value::from(MANAGED_BY));
            labels.insert(PROJECT_LABEL.to_owned(), Value::from(project));
        }
        planned.push(Planned {
            id,
            api_version: resource.api_version().to_owned(),
            body,
        });
    }
    Ok(planned)
}

fn object_id(resource: &Resource, default_namespace: &str) -> ObjectId {
    let metadata = resource.metadata();
    ObjectId {
        kind: resource.kind().to_owned(),
        namespace: metadata
            .namespace
            .as_deref()
            .unwrap_or(default_namespace)
            .to_owned(),
        name: metadata.name.to_string(),
    }
}

/// Indices of `resources` in apply order: by rank, RouteTables children first (a depth-first
/// post-order over delegation, which also ends on a cycle the checker would have rejected),
/// otherwise by kind, namespace and name.
fn dependency_order(resources: &[&Resource], default_namespace: &str) -> Vec<usize> {
    let ids: Vec<ObjectId> = resources
        .iter()
        .map(|r| object_id(r, default_namespace))
        .collect();
    let mut by_id: Vec<usize> = (0..resources.len()).collect();
    by_id.sort_by(|&a, &b| ids[a].cmp(&ids[b]));

    let tables: Vec<usize> = by_id
        .iter()
        .copied()
        .filter(|&i| matches!(resources[i], Resource::RouteTable(_)))
        .collect();
    let children = |parent: usize| -> Vec<usize> {
        let Resource::RouteTable(table) = &resources[parent] else {
            return Vec::new();
        };
        let selectors: Vec<&ObjectSelector> = table
            .spec
            .http
            .iter()
            .filter_map(|route| match &route.action {
                HttpAction::Delegate(delegate) => Some(&delegate.route_tables),
                _ => None,
            })
            .flatten()
            .collect();
        tables
            .iter()
            .copied()
            .filter(|&child| {
                child != parent
                    && selectors
                        .iter()
                        .any(|s| selects(s, &ids[child], resources[child].metadata()))
            })
            .collect()
    };

    let mut order = Vec::with_capacity(resources.len());
    order.extend(by_id.iter().copied().filter(|&i| rank(&ids[i].kind) == 0));
    let mut visited = BTreeSet::new();
    for &table in &tables {
        post_order(table, &children, &mut visited, &mut order);
    }
    order.extend(by_id.iter().copied().filter(|&i| rank(&ids[i].kind) == 2));
    order
}

fn post_order(
    node: usize,
    children: &dyn Fn(usize) -> Vec<usize>,
    visited: &mut BTreeSet<usize>,
    order: &mut Vec<usize>,
) {
    // An explicit stack: delegation chains are user input, and recursion depth should not be.
    let mut stack = vec![(node, false)];
    while let Some((current, expanded)) = stack.pop() {
        if expanded {
            order.push(current);
            continue;
        }
        if !visited.insert(current) {
            continue;
        }
        stack.push((current, true));
        for child in children(current).into_iter().rev() {
            if !visited.contains(&child) {
                stack.push((child, false));
            }
        }
    }
}

/// Whether a delegation selector selects a table. Unset fields select anything, as in Gloo;
/// an over-approximation only costs an unneeded ordering constraint.
fn selects(
    selector: &ObjectSelector,
    id: &ObjectId,
    metadata: &crate::resources::ObjectMeta,
) -> bool {
    selector.name.as_ref().is_none_or(|name| *name == id.name)
        && selector
            .namespace
            .as_ref()
            .is_none_or(|namespace| *namespace == id.namespace)
        && selector
            .labels
            .iter()
            .all(|(key, value)| metadata.labels.get(key) == Some(value))
}

/// What `apply` did, or would do, to one object.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Created,
    Configured,
    Unchanged,
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Outcome::Created => "created",
            Outcome::Configured => "configured",
            Outcome::Unchanged => "unchanged",
        })
    }
}

/// How to apply.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Server-side dry run: check everything, change nothing.
    pub dry_run: bool,
    /// Delete this project's objects that are no longer produced.
    pub prune: bool,
    /// Take over fields other managers own, and objects routec did not make for this project.
    pub force_conflicts: bool,
    /// The project identity ([`PROJECT_LABEL`]).
    pub project: String,
}

/// Something `apply` did (or, in a dry run, would do), reported as it happens.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    Applied(ObjectId, Outcome),
    Pruned(ObjectId),
}

/// What was done.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    pub applied: Vec<(ObjectId, Outcome)>,
    pub pruned: Vec<ObjectId>,
}

/// Why `apply` stopped, and what it had done by then.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    /// One line, naming the object when there is one.
    pub message: String,
    /// What was applied (and pruned) before the failure; empty when it failed while checking.
    pub report: Report,
}

impl Failure {
    fn before_changes(message: String) -> Failure {
        Failure {
            message,
            report: Report::default(),
        }
    }
}

/// Applies `planned` (from [`plan`]) through `connection`, as the module documentation
/// describes; `on_event` hears of every object applied or pruned, in order.
pub async fn apply(
    connection: &Connection,
    planned: &[Planned],
    options: &Options,
    mut on_event: impl FnMut(&Event),
) -> Result<Report, Failure> {
    let session = Session::new(connection, options);
    let kinds = session
        .discover(planned)
        .await
        .map_err(Failure::before_changes)?;

    let mut checked = Vec::with_capacity(planned.len());
    for object in planned {
        let resource = kinds
            .resource(&object.id)
            .map_err(Failure::before_changes)?;
        let live = session
            .live(object, resource)
            .await
            .map_err(Failure::before_changes)?;
        let preview = session
            .server_apply(object, resource, true)
            .await
            .map_err(Failure::before_changes)?;
        checked.push((object, resource, outcome(live.as_ref(), &preview)));
    }
    let stale = if options.prune {
        session
            .prune_candidates(&kinds, planned)
            .await
            .map_err(Failure::before_changes)?
    } else {
        Vec::new()
    };

    let mut report = Report::default();
    for (object, resource, predicted) in checked {
        let outcome = if options.dry_run {
            predicted
        } else {
            // Read again: the cluster may have changed since the check. Unchanged objects are
            // applied too: that is what records routec as the owner of their fields, and it
            // changes nothing else.
            let applied = async {
                let live = session.live(object, resource).await?;
                let result = session.server_apply(object, resource, false).await?;
                Ok::<_, String>(outcome(live.as_ref(), &result))
            }
            .await;
            match applied {
                Ok(outcome) => outcome,
                Err(message) => return Err(Failure { message, report }),
            }
        };
        let event = Event::Applied(object.id.clone(), outcome);
        on_event(&event);
        report.applied.push((object.id.clone(), outcome));
    }
    for (id, resource) in stale {
        if let Err(message) = session.delete(&id, resource).await {
            return Err(Failure { message, report });
        }
        on_event(&Event::Pruned(id.clone()));
        report.pruned.push(id);
    }
    Ok(report)
}

/// One resource's change, as `routec diff` shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    pub id: ObjectId,
    pub kind: ChangeKind,
    /// A unified diff from the live object to the object after the apply, both as YAML and
    /// without the fields the server maintains.
    pub diff: String,
}

/// What a [`Change`] does to its object.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChangeKind {
    Create,
    Update,
    /// Only with `--prune`.
    Delete,
}

/// What `apply` with the same options would change, computed by server-side dry runs against
/// the live objects: one [`Change`] per object that would change, in apply order (deletions
/// last). Fails on the first object the dry run rejects, as `apply` would.
pub async fn diff(
    connection: &Connection,
    planned: &[Planned],
    options: &Options,
) -> Result<Vec<Change>, String> {
    let session = Session::new(connection, options);
    let kinds = session.discover(planned).await?;
    let mut changes = Vec::new();
    for object in planned {
        let resource = kinds.resource(&object.id)?;
        let live = session.live(object, resource).await?;
        let after = session.server_apply(object, resource, true).await?;
        let before = live.as_ref().map(comparable);
        let after = comparable(&after);
        if before.as_ref() != Some(&after) {
            changes.push(Change {
                id: object.id.clone(),
                kind: if before.is_some() {
                    ChangeKind::Update
                } else {
                    ChangeKind::Create
                },
                diff: unified_diff(&object.id, before.as_ref(), Some(&after)),
            });
        }
    }
    if options.prune {
        for (id, resource) in session.prune_candidates(&kinds, planned).await? {
            let live = session.live_by_id(&id, resource).await?;
            if let Some(live) = live {
                changes.push(Change {
                    diff: unified_diff(&id, Some(&comparable(&live)), None),
                    id,
                    kind: ChangeKind::Delete,
                });
            }
        }
    }
    Ok(changes)
}

/// Fields the server sets on every write, which say nothing about the object's content.
const SERVER_FIELDS: &[&str] = &[
    "managedFields",
    "resourceVersion",
    "generation",
    "uid",
    "creationTimestamp",
];

/// An object as JSON without the server-maintained metadata, for comparison and diffs.
fn comparable(object: &DynamicObject) -> Value {
    // A DynamicObject is JSON already (it was read from JSON); serializing it cannot fail.
    let mut value = serde_json::to_value(object).unwrap_or(Value::Null);
    if let Some(metadata) = value.get_mut("metadata").and_then(Value::as_object_mut) {
        for field in SERVER_FIELDS {
            metadata.remove(*field);
        }
    }
    value
}

fn outcome(live: Option<&DynamicObject>, after: &DynamicObject) -> Outcome {
    match live {
        None => Outcome::Created,
        Some(live) if comparable(live) == comparable(after) => Outcome::Unchanged,
        Some(_) => Outcome::Configured,
    }
}

fn unified_diff(id: &ObjectId, before: Option<&Value>, after: Option<&Value>) -> String {
    let yaml = |value: Option<&Value>| {
        value
            .map(|v| serde_saphyr::to_string(v).unwrap_or_else(|e| format!("# {e}\n")))
            .unwrap_or_default()
    };
    let (before, after) = (yaml(before), yaml(after));
    similar::TextDiff::from_lines(&before, &after)
        .unified_diff()
        .context_radius(3)
        .header(&format!("{id} (live)"), &format!("{id} (after apply)"))
        .to_string()
}

/// The API resource of each kind, as discovery found it.
struct Kinds {
    by_kind: BTreeMap<String, ApiResource>,
}

impl Kinds {
    fn resource(&self, id: &ObjectId) -> Result<&ApiResource, String> {
        self.by_kind
            .get(&id.kind)
            .ok_or_else(|| format!("{id}: internal error: its kind was not discovered"))
    }
}

/// The state shared by the requests of one command.
struct Session<'a> {
    client: &'a Client,
    server: &'a str,
    context: &'a str,
    options: &'a Options,
}

impl<'a> Session<'a> {
    fn new(connection: &'a Connection, options: &'a Options) -> Session<'a> {
        Session {
            client: &connection.client,
            server: &connection.server,
            context: &connection.context,
            options,
        }
    }

    /// Finds the plural of every kind to apply (and, with prune, of every kind routec emits)
    /// by API discovery. A kind to apply that is not served means its CRD is missing.
    async fn discover(&self, planned: &[Planned]) -> Result<Kinds, String> {
        let mut wanted: BTreeSet<(&str, &str)> = planned
            .iter()
            .map(|p| (p.api_version.as_str(), p.id.kind.as_str()))
            .collect();
        let needed = wanted.clone();
        if self.options.prune {
            wanted.extend(EMITTED_KINDS.iter().copied());
        }
        let versions: BTreeSet<&str> = wanted.iter().map(|(version, _)| *version).collect();
        let mut by_kind = BTreeMap::new();
        for version in versions {
            let served = match self.client.list_api_group_resources(version).await {
                Ok(list) => list.resources,
                // The whole group is missing: none of its CRDs is installed.
                Err(kube::Error::Api(status)) if status.code == 404 => Vec::new(),
                Err(e) => {
                    return Err(format!(
                        "cannot discover the API group {version}: {}",
                        describe(&e, self.server)
                    ));
                }
            };
            for (_, kind) in wanted.iter().filter(|(v, _)| *v == version) {
                // `routetables/status` is a subresource of the same kind.
                if let Some(found) = served
                    .iter()
                    .find(|r| r.kind == *kind && !r.name.contains('/'))
                {
                    let gvk = match version.parse::<GroupVersion>() {
                        Ok(gv) => gv.with_kind(kind),
                        Err(_) => GroupVersionKind::gvk("", version, kind),
                    };
                    by_kind.insert(
                        (*kind).to_owned(),
                        ApiResource::from_gvk_with_plural(&gvk, &found.name),
                    );
                }
            }
        }
        let missing: Vec<String> = needed
            .iter()
            .filter(|(_, kind)| !by_kind.contains_key(*kind))
            .map(|(version, kind)| format!("{}.{}", plural(kind), group_of(version)))
            .collect();
        if !missing.is_empty() {
            let (noun, verb) = if missing.len() == 1 {
                ("CRD", "is")
            } else {
                ("CRDs", "are")
            };
            return Err(format!(
                "the {noun} {} {verb} not installed in the cluster of context `{}`: install \
                 the Gloo Mesh CRDs (gloo-platform-crds chart)",
                missing.join(", "),
                self.context
            ));
        }
        Ok(Kinds { by_kind })
    }

    fn api(&self, namespace: &str, resource: &ApiResource) -> Api<DynamicObject> {
        Api::namespaced_with(self.client.clone(), namespace, resource)
    }

    /// The live object, after checking that routec may change it.
    async fn live(
        &self,
        object: &Planned,
        resource: &ApiResource,
    ) -> Result<Option<DynamicObject>, String> {
        let live = self.live_by_id(&object.id, resource).await?;
        if let Some(live) = &live
            && !self.options.force_conflicts
        {
            check_ownership(live, &self.options.project)
                .map_err(|why| format!("{}: {why}", object.id))?;
        }
        Ok(live)
    }

    async fn live_by_id(
        &self,
        id: &ObjectId,
        resource: &ApiResource,
    ) -> Result<Option<DynamicObject>, String> {
        self.api(&id.namespace, resource)
            .get_opt(&id.name)
            .await
            .map_err(|e| format!("{id}: cannot read it: {}", describe(&e, self.server)))
    }

    async fn server_apply(
        &self,
        object: &Planned,
        resource: &ApiResource,
        dry_run: bool,
    ) -> Result<DynamicObject, String> {
        let mut params = PatchParams::apply(FIELD_MANAGER);
        params.dry_run = dry_run;
        params.force = self.options.force_conflicts;
        self.api(&object.id.namespace, resource)
            .patch(&object.id.name, &params, &Patch::Apply(&object.body))
            .await
            .map_err(|e| {
                let why = match &e {
                    kube::Error::Api(status) if status.code == 409 => conflict_message(status),
                    kube::Error::Api(status) if is_missing_namespace(status) => format!(
                        "its namespace `{}` does not exist in the cluster: create it first \
                         (kubectl create namespace {})",
                        object.id.namespace, object.id.namespace
                    ),
                    _ => describe(&e, self.server),
                };
                format!("{}: {why}", object.id)
            })
    }

    /// This project's objects of the kinds routec emits that `planned` no longer has, in
    /// deletion order (policies first, gateways and destinations last).
    async fn prune_candidates<'k>(
        &self,
        kinds: &'k Kinds,
        planned: &[Planned],
    ) -> Result<Vec<(ObjectId, &'k ApiResource)>, String> {
        let produced: BTreeSet<&ObjectId> = planned.iter().map(|p| &p.id).collect();
        let selector = format!(
            "{MANAGED_BY_LABEL}={MANAGED_BY},{PROJECT_LABEL}={}",
            self.options.project
        );
        let mut order: Vec<&str> = EMITTED_KINDS.iter().map(|(_, kind)| *kind).collect();
        order.sort_by_key(|kind| std::cmp::Reverse(rank(kind)));
        let mut stale = Vec::new();
        for kind in order {
            // A kind whose CRD is not installed has no objects to prune.
            let Some(resource) = kinds.by_kind.get(kind) else {
                continue;
            };
            let api: Api<DynamicObject> = Api::all_with(self.client.clone(), resource);
            let mut params = ListParams::default().labels(&selector).limit(500);
            let mut found = Vec::new();
            loop {
                let page = api.list(&params).await.map_err(|e| {
                    format!(
                        "cannot list {} to prune: {}",
                        resource.plural,
                        describe(&e, self.server)
                    )
                })?;
                found.extend(page.items);
                match page.metadata.continue_ {
                    Some(token) if !token.is_empty() => params = params.continue_token(&token),
                    _ => break,
                }
            }
            let mut ids: Vec<ObjectId> = found
                .iter()
                // The selector already says so; checked again because deleting is the one
                // thing that must never reach another tool's or project's object.
                .filter(|object| check_ownership(object, &self.options.project).is_ok())
                .filter_map(|object| {
                    Some(ObjectId {
                        kind: kind.to_owned(),
                        namespace: object.metadata.namespace.clone()?,
                        name: object.metadata.name.clone()?,
                    })
                })
                .filter(|id| !produced.contains(id))
                .collect();
            ids.sort();
            stale.extend(ids.into_iter().map(|id| (id, resource)));
        }
        Ok(stale)
    }

    async fn delete(&self, id: &ObjectId, resource: &ApiResource) -> Result<(), String> {
        let params = DeleteParams {
            dry_run: self.options.dry_run,
            ..DeleteParams::default()
        };
        match self
            .api(&id.namespace, resource)
            .delete(&id.name, &params)
            .await
        {
            Ok(_) => Ok(()),
            // Deleted by someone else meanwhile: the goal is reached.
            Err(kube::Error::Api(status)) if status.code == 404 => Ok(()),
            Err(e) => Err(format!(
                "{id}: cannot delete it: {}",
                describe(&e, self.server)
            )),
        }
    }
}

/// Whether routec may change a live object: only one routec made for this project.
fn check_ownership(live: &DynamicObject, project: &str) -> Result<(), String> {
    let labels = live.metadata.labels.as_ref();
    let label = |key: &str| labels.and_then(|l| l.get(key)).map(String::as_str);
    let refuse = "refusing to take it over: rename it in the program, delete the object, or \
                  rerun with --force-conflicts";
    if label(MANAGED_BY_LABEL) != Some(MANAGED_BY) {
        return Err(format!(
            "an object of this name exists and is not managed by routec (no \
             `{MANAGED_BY_LABEL}: {MANAGED_BY}` label); {refuse}"
        ));
    }
    match label(PROJECT_LABEL) {
        Some(owner) if owner == project => Ok(()),
        Some(owner) => Err(format!(
            "an object of this name belongs to the routec project `{owner}` (label \
             `{PROJECT_LABEL}`), not to `{project}`; {refuse}"
        )),
        None => Err(format!(
            "an object of this name was made by routec but carries no `{PROJECT_LABEL}` \
             label (applied by another tool?); {refuse}"
        )),
    }
}

/// A 404 on an apply means the namespace is missing (the object itself may be absent: apply
/// creates it).
fn is_missing_namespace(status: &Status) -> bool {
    status.code == 404
        && status
            .details
            .as_ref()
            .is_some_and(|details| details.kind == "namespaces")
}

/// A 409 from a server-side apply: which fields are owned by which other managers.
fn conflict_message(status: &Status) -> String {
    let mut by_manager: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for cause in status.details.iter().flat_map(|d| &d.causes) {
        if cause.reason != "FieldManagerConflict" {
            continue;
        }
        // `conflict with "kubectl-edit" using networking.gloo.solo.io/v2`
        let manager = cause
            .message
            .split('"')
            .nth(1)
            .unwrap_or(&cause.message)
            .to_owned();
        by_manager
            .entry(manager)
            .or_default()
            .push(cause.field.clone());
    }
    if by_manager.is_empty() {
        return describe_status(status);
    }
    let owners: Vec<String> = by_manager
        .iter()
        .map(|(manager, fields)| {
            let noun = if fields.len() == 1 { "field" } else { "fields" };
            format!(
                "{noun} {} owned by field manager \"{manager}\"",
                fields.join(", ")
            )
        })
        .collect();
    format!(
        "conflict: {}; nothing was changed (rerun with --force-conflicts to take them over)",
        owners.join("; ")
    )
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use kube::core::response::{StatusCause, StatusDetails};

    use super::*;
    use crate::resources::{
        DelegateAction, HttpRoute, Object, ObjectMeta, RetryTimeoutPolicySpec, RouteTableSpec,
        VirtualGatewaySpec,
    };

    fn meta(name: &str, labels: &[(&str, &str)]) -> ObjectMeta {
        ObjectMeta {
            name: name.into(),
            namespace: None,
            labels: labels.iter().map(|&(k, v)| (k.into(), v.into())).collect(),
            annotations: BTreeMap::new(),
        }
    }

    fn table(name: &str, labels: &[(&str, &str)], delegates_to: &[ObjectSelector]) -> Resource {
        let http = if delegates_to.is_empty() {
            Vec::new()
        } else {
            vec![HttpRoute {
                name: "api".into(),
                labels: BTreeMap::new(),
                matchers: Vec::new(),
                action: HttpAction::Delegate(DelegateAction {
                    route_tables: delegates_to.to_vec(),
                    sort_method: None,
                }),
            }]
        };
        Resource::from(Object {
            metadata: meta(name, labels),
            spec: RouteTableSpec {
                http,
                ..RouteTableSpec::default()
            },
        })
    }

    fn by_name(name: &str) -> ObjectSelector {
        ObjectSelector {
            name: Some(name.into()),
            ..ObjectSelector::default()
        }
    }

    #[test]
    fn the_order_is_gateways_children_parents_policies() {
        let resources = [
            Resource::from(Object {
                metadata: meta("retries", &[]),
                spec: RetryTimeoutPolicySpec::default(),
            }),
            table("a-root", &[], &[by_name("m-middle")]),
            table(
                "m-middle",
                &[],
                &[ObjectSelector {
                    labels: [("team".into(), "leaf".into())].into(),
                    ..ObjectSelector::default()
                }],
            ),
            table("z-leaf", &[("team", "leaf")], &[]),
            Resource::from(Object {
                metadata: meta("ingress", &[]),
                spec: VirtualGatewaySpec::default(),
            }),
        ];
        let planned = plan(&resources.iter().collect::<Vec<_>>(), "shop", "shop").expect("plans");
        let order: Vec<String> = planned.iter().map(|p| p.id.to_string()).collect();
        assert_eq!(
            order,
            [
                "VirtualGateway shop/ingress",
                "RouteTable shop/z-leaf",
                "RouteTable shop/m-middle",
                "RouteTable shop/a-root",
                "RetryTimeoutPolicy shop/retries",
            ]
        );
        let labels = &planned[0].body["metadata"]["labels"];
        assert_eq!(labels[MANAGED_BY_LABEL], "routec");
        assert_eq!(labels[PROJECT_LABEL], "shop");
        assert_eq!(planned[0].body["metadata"]["namespace"], "shop");
    }

    #[test]
    fn a_delegation_cycle_still_orders_every_table_once() {
        let resources = [
            table("a", &[], &[by_name("b")]),
            table("b", &[], &[by_name("a")]),
        ];
        let planned = plan(&resources.iter().collect::<Vec<_>>(), "p", "ns").expect("plans");
        let names: Vec<&str> = planned.iter().map(|p| p.id.name.as_str()).collect();
        assert_eq!(names, ["b", "a"]);
    }

    #[test]
    fn a_resource_produced_twice_is_an_error() {
        let resources = [table("a", &[], &[]), table("a", &[], &[])];
        assert_eq!(
            plan(&resources.iter().collect::<Vec<_>>(), "p", "ns"),
            Err("RouteTable ns/a is produced twice".to_owned())
        );
    }

    #[test]
    fn emitted_kinds_are_every_resource_kind_and_name_their_crds() {
        let mut emitted: Vec<&str> = EMITTED_KINDS.iter().map(|(_, kind)| *kind).collect();
        let mut kinds = Resource::KINDS.to_vec();
        emitted.sort();
        kinds.sort();
        assert_eq!(emitted, kinds);
        let crds: Vec<String> = EMITTED_KINDS
            .iter()
            .map(|(version, kind)| format!("{}.{}", plural(kind), group_of(version)))
            .collect();
        assert!(crds.contains(&"routetables.networking.gloo.solo.io".to_owned()));
        assert!(crds.contains(&"virtualgateways.networking.gloo.solo.io".to_owned()));
        assert!(crds.contains(&"corspolicies.security.policy.gloo.solo.io".to_owned()));
        assert!(crds.contains(&"retrytimeoutpolicies.resilience.policy.gloo.solo.io".to_owned()));
    }

    #[test]
    fn conflicts_name_the_managers_and_fields() {
        let cause = |manager: &str, field: &str| StatusCause {
            reason: "FieldManagerConflict".to_owned(),
            message: format!("conflict with \"{manager}\" using networking.gloo.solo.io/v2"),
            field: field.to_owned(),
        };
        let status = Status::failure("Apply failed with 2 conflicts", "Conflict")
            .with_code(409)
            .with_details(StatusDetails {
                name: "bookinfo".to_owned(),
                group: "networking.gloo.solo.io".to_owned(),
                kind: "routetables".to_owned(),
                uid: String::new(),
                causes: vec![
                    cause("other-tool", ".spec.weight"),
                    cause("other-tool", ".spec.hosts"),
                    cause("kubectl", ".metadata.labels.team"),
                ],
                retry_after_seconds: 0,
            });
        assert_eq!(
            conflict_message(&status),
            "conflict: field .metadata.labels.team owned by field manager \"kubectl\"; fields \
             .spec.weight, .spec.hosts owned by field manager \"other-tool\"; nothing was \
             changed (rerun with --force-conflicts to take them over)"
        );
    }

    #[test]
    fn a_missing_namespace_is_recognised() {
        let status = |kind: &str| {
            Status::failure("namespaces \"bookinfo\" not found", "NotFound")
                .with_code(404)
                .with_details(StatusDetails {
                    name: "bookinfo".to_owned(),
                    group: String::new(),
                    kind: kind.to_owned(),
                    uid: String::new(),
                    causes: Vec::new(),
                    retry_after_seconds: 0,
                })
        };
        assert!(is_missing_namespace(&status("namespaces")));
        assert!(!is_missing_namespace(&status("routetables")));
    }

    fn live(labels: &[(&str, &str)]) -> DynamicObject {
        let mut object = DynamicObject::new(
            "x",
            &ApiResource::from_gvk_with_plural(
                &GroupVersionKind::gvk("networking.gloo.solo.io", "v2", "RouteTable"),
                "routetables",
            ),
        );
        object.metadata.labels = Some(
            labels
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        );
        object
    }

    #[test]
    fn only_this_projects_objects_may_be_changed() {
        let ours = live(&[(MANAGED_BY_LABEL, "routec"), (PROJECT_LABEL, "shop")]);
        assert_eq!(check_ownership(&ours, "shop"), Ok(()));
        let other = check_ownership(&ours, "bank").unwrap_err();
        assert!(
            other.contains("belongs to the routec project `shop`"),
            "{other}"
        );
        let foreign = check_ownership(&live(&[("app", "x")]), "shop").unwrap_err();
        assert!(foreign.contains("is not managed by routec"), "{foreign}");
        let unlabelled = check_ownership(&live(&[(MANAGED_BY_LABEL, "routec")]), "shop");
        assert!(unlabelled.is_err());
    }
}
