//! `routes` → RouteTable.
//!
//! - `hosts` → `hosts`;
//! - `expose on gateway G` → a `virtualGateways` reference to G in its file's namespace (no
//!   `cluster`: routec emits the gateway and the table together, and a reference without a
//!   cluster means the table's own);
//! - `expose to mesh` → `workloadSelectors: [{}]`, every workload of the workspace (a bare list
//!   would stop selecting sidecars as soon as a gateway is set); `expose to workloads (L)` → a
//!   selector of labels L. Gloo 2.6 rejects any other field in these selectors, so `in NS`
//!   cannot be passed on; an `expose to mesh` beside them already selects every workload;
//! - `weight` → `weight`;
//! - each `route`, in source order, → an `http` route with its name, its policy labels
//!   ([`super::reach`]), one matcher per `match` (a `match` with `method A, B` becomes one
//!   matcher per method, as the contract says) and its action: `to` → `forwardTo` (with
//!   `pathRewrite`/`hostRewrite` from `rewrite`), `redirect` → `redirect` (the code as Gloo's
//!   enum name), `respond` → `directResponse`, `delegate to routes` → `delegate` naming each
//!   table in its namespace, sorted by table weight (the language's `weight`).

use std::collections::BTreeMap;

use compact_str::CompactString;
use route_lang::check::destination_ports;
use route_lang::db::ItemTag;
use route_lang::syntax::ast::{
    self, Expose, HeaderOp, Matcher, PathKind, QueryOp, RewriteKind, RouteStmt, TableStmt,
};

use super::destination::port_selector;
use super::reach::{PolicyUsage, RouteReach, SlotValue, policy_usage, table_reach};
use super::{Cx, selector_labels, to_u32};
use crate::resources::{
    DelegateAction, DestinationKind, DestinationReference, DirectResponseAction, ForwardToAction,
    HeaderMatcher, HttpAction, HttpRequestMatcher, HttpRoute, ObjectReference, ObjectSelector,
    PortSelector, QueryParameterMatcher, RedirectAction, RedirectResponseCode, Resource,
    RouteTable, RouteTableSpec, SortMethod, StringMatch, WorkloadSelector,
};

pub(super) fn lower(cx: &Cx<'_>, table: &ast::RouteTable) -> Resource {
    let reach = table_reach(cx.db, cx.project, cx.item);
    let usage = policy_usage(cx.db, cx.project);
    let mut spec = RouteTableSpec::default();
    let mut mesh = false;
    let mut workloads: Vec<WorkloadSelector> = Vec::new();
    let mut routes = 0;
    // Room for every statement, most of which are routes: growing the list of a hundred routes
    // copied it six times.
    spec.http.reserve(table.body.len());
    for stmt in &table.body {
        match stmt {
            TableStmt::Hosts { hosts, .. } => {
                spec.hosts.extend(hosts.iter().map(|h| h.value.clone()));
            }
            TableStmt::Expose(Expose::Gateway { gateways, .. }) => {
                for gateway in gateways {
                    let reference = ObjectReference {
                        name: gateway.text.clone(),
                        namespace: Some(cx.namespace_of(ItemTag::Gateway, &gateway.text)),
                        cluster: None,
                    };
                    if !spec.virtual_gateways.contains(&reference) {
                        spec.virtual_gateways.push(reference);
                    }
                }
            }
            TableStmt::Expose(Expose::Mesh { .. }) => mesh = true,
            TableStmt::Expose(Expose::Workloads { selector, .. }) => {
                let workload = WorkloadSelector {
                    selector: Some(ObjectSelector {
                        labels: selector_labels(selector),
                        ..ObjectSelector::default()
                    }),
                    ..WorkloadSelector::default()
                };
                if !workloads.contains(&workload) {
                    workloads.push(workload);
                }
            }
            TableStmt::Weight { weight, .. } => {
                // The checker bounds the weight; saturating keeps a broken preview going.
                spec.weight = Some(i32::try_from(weight.value).unwrap_or(i32::MAX));
            }
            TableStmt::Route(route) => {
                let policies = reach.get(routes);
                routes += 1;
                spec.http.extend(lower_route(cx, route, policies, usage));
            }
            TableStmt::Apply(_) | TableStmt::Error(_) => {}
        }
    }
    spec.workload_selectors = if mesh {
        vec![WorkloadSelector::default()]
    } else {
        workloads
    };
    RouteTable {
        metadata: cx.metadata(&table.name.text, BTreeMap::new()),
        spec,
    }
    .into()
}

/// One route; `None` when it has no action (a checker error).
fn lower_route<'db>(
    cx: &Cx<'db>,
    route: &ast::Route,
    reach: Option<&RouteReach<'db>>,
    usage: &PolicyUsage<'db>,
) -> Option<HttpRoute> {
    let mut matchers = Vec::new();
    let mut path_rewrite = None;
    let mut host_rewrite = None;
    let mut action = None;
    for stmt in &route.body {
        match stmt {
            // Most routes have one `match`: its matchers are the route's, not copied.
            RouteStmt::Match { matchers: all, .. } if matchers.is_empty() => {
                matchers = lower_match(all);
            }
            RouteStmt::Match { matchers: all, .. } => matchers.extend(lower_match(all)),
            RouteStmt::Rewrite { kind, value, .. } => {
                let slot = match kind {
                    RewriteKind::Prefix => &mut path_rewrite,
                    RewriteKind::Host => &mut host_rewrite,
                };
                slot.get_or_insert_with(|| value.value.clone());
            }
            // A route has one action; more is a checker error, and the first is kept.
            RouteStmt::To { targets, .. } if action.is_none() => {
                action = Some(HttpAction::ForwardTo(ForwardToAction {
                    destinations: targets.iter().map(|t| lower_target(cx, t)).collect(),
                    ..ForwardToAction::default()
                }));
            }
            RouteStmt::Redirect {
                host, path, code, ..
            } if action.is_none() => {
                action = Some(HttpAction::Redirect(RedirectAction {
                    host_redirect: host.as_ref().map(|h| h.value.clone()),
                    path_redirect: path.as_ref().map(|p| p.value.clone()),
                    response_code: code.as_ref().and_then(|code| {
                        u16::try_from(code.value)
                            .ok()
                            .and_then(RedirectResponseCode::from_status)
                    }),
                }));
            }
            RouteStmt::Respond { status, body, .. } if action.is_none() => {
                action = Some(HttpAction::DirectResponse(DirectResponseAction {
                    status: to_u32(status.value),
                    body: body.as_ref().map(|b| b.value.clone()),
                }));
            }
            RouteStmt::Delegate { tables, .. } if action.is_none() => {
                action = Some(HttpAction::Delegate(DelegateAction {
                    route_tables: tables
                        .iter()
                        .map(|table| ObjectSelector {
                            name: Some(table.text.clone()),
                            namespace: Some(cx.namespace_of(ItemTag::Routes, &table.text)),
                            ..ObjectSelector::default()
                        })
                        .collect(),
                    sort_method: Some(SortMethod::TableWeight),
                }));
            }
            _ => {}
        }
    }
    let mut action = action?;
    if let HttpAction::ForwardTo(forward) = &mut action {
        forward.path_rewrite = path_rewrite;
        forward.host_rewrite = host_rewrite;
    }
    Some(HttpRoute {
        name: route.name.text.clone(),
        labels: reach
            .map(|r| route_labels(cx, r, usage))
            .unwrap_or_default(),
        matchers,
        action,
    })
}

/// The policy labels of a route: each slot's key, valued with its policy resource's name.
fn route_labels<'db>(
    cx: &Cx<'db>,
    reach: &RouteReach<'db>,
    usage: &PolicyUsage<'db>,
) -> BTreeMap<CompactString, CompactString> {
    // Inserted one by one: collecting would gather and sort the pairs in a vector first, an
    // allocation per route.
    let mut labels = BTreeMap::new();
    for (slot, value) in reach.labels() {
        let name = match value {
            SlotValue::Policy(policy) => Some(policy.name(cx.db).as_str()),
            SlotValue::RetryTimeout(pair) => usage.retry_timeout_name(pair),
        };
        if let Some(name) = name {
            labels.insert(slot.label_key().into(), name.into());
        }
    }
    labels
}

/// One `match` line: one matcher, or one per method of its `method` matcher.
fn lower_match(matchers: &[Matcher]) -> Vec<HttpRequestMatcher> {
    let mut base = HttpRequestMatcher::default();
    let mut methods: &[ast::Name] = &[];
    for matcher in matchers {
        match matcher {
            // One path and one method per `match`; a second is a checker error.
            Matcher::Path { kind, value, .. } if base.uri.is_none() => {
                let value = value.value.clone();
                base.uri = Some(match kind {
                    PathKind::Prefix => StringMatch::Prefix(value),
                    PathKind::Exact => StringMatch::Exact(value),
                    PathKind::Regex => StringMatch::Regex(value),
                });
            }
            Matcher::Method { methods: names, .. } if methods.is_empty() => methods = names,
            Matcher::Header { name, op, .. } => base.headers.push(header_matcher(name, op)),
            Matcher::Query { name, op, .. } => {
                let (value, regex) = match op {
                    QueryOp::Equals(value) => (value, false),
                    QueryOp::Regex(regex) => (regex, true),
                };
                base.query_parameters.push(QueryParameterMatcher {
                    name: name.value.clone(),
                    value: value.value.clone(),
                    regex,
                });
            }
            Matcher::Path { .. } | Matcher::Method { .. } => {}
        }
    }
    if methods.is_empty() {
        return vec![base];
    }
    methods
        .iter()
        .map(|method| HttpRequestMatcher {
            method: Some(method.text.clone()),
            ..base.clone()
        })
        .collect()
}

/// `= V` → value, `!= V` → inverted value, `~ R` → regex, `present` → no value (Gloo matches
/// on presence).
fn header_matcher(name: &ast::Str, op: &HeaderOp) -> HeaderMatcher {
    let name = name.value.clone();
    match op {
        HeaderOp::Equals(value) => HeaderMatcher {
            name,
            value: Some(value.value.clone()),
            ..HeaderMatcher::default()
        },
        HeaderOp::NotEquals(value) => HeaderMatcher {
            name,
            value: Some(value.value.clone()),
            invert_match: true,
            ..HeaderMatcher::default()
        },
        HeaderOp::Regex(regex) => HeaderMatcher {
            name,
            value: Some(regex.value.clone()),
            regex: true,
            ..HeaderMatcher::default()
        },
        HeaderOp::Present => HeaderMatcher {
            name,
            ..HeaderMatcher::default()
        },
    }
}

/// A target of a route or a mirror policy.
///
/// `service NAME[.NS][:PORT] [SUBSET] [@CLUSTER]` → a SERVICE reference in NS (default: the
/// file's namespace), pinned to CLUSTER when written; `destination NAME[:PORT]` → a
/// VIRTUAL_DESTINATION reference in the destination's namespace. A port left out is the
/// target's only port (the checker requires there to be exactly one), written out because
/// Gloo wants a port whenever the target could have several.
pub(super) fn lower_target(cx: &Cx<'_>, target: &ast::Target) -> DestinationReference {
    match target {
        ast::Target::Service {
            service,
            port,
            subset,
            cluster,
            weight,
            ..
        } => {
            let namespace = service
                .namespace
                .as_ref()
                .map_or_else(|| CompactString::new(cx.namespace), |ns| ns.text.clone());
            let name = &service.name.text;
            let port = port.as_ref().map(port_selector).or_else(|| {
                let entry = match cluster {
                    Some(cluster) => cx.inventory.service(&cluster.text, &namespace, name),
                    None => cx
                        .inventory
                        .services_named(&namespace, name)
                        .first()
                        .and_then(|&at| cx.inventory.resolve_service(at)),
                };
                match entry.map(|e| e.service.ports.as_slice()) {
                    Some([only]) => Some(PortSelector::Number(u32::from(only.port))),
                    _ => None,
                }
            });
            DestinationReference {
                reference: ObjectReference {
                    name: name.clone(),
                    namespace: Some(namespace),
                    cluster: cluster.as_ref().map(|c| c.text.clone()),
                },
                kind: Some(DestinationKind::Service),
                port,
                subset: subset.as_ref().map(selector_labels).unwrap_or_default(),
                weight: weight.map(|w| to_u32(w.value)),
            }
        }
        ast::Target::Destination {
            name, port, weight, ..
        } => {
            let port = port.as_ref().map(port_selector).or_else(|| {
                let item = cx.index.get(ItemTag::Destination, &name.text)?;
                match destination_ports(cx.db, item).as_slice() {
                    [only] => Some(PortSelector::Number(u32::from(*only))),
                    _ => None,
                }
            });
            DestinationReference {
                reference: ObjectReference {
                    name: name.text.clone(),
                    namespace: Some(cx.namespace_of(ItemTag::Destination, &name.text)),
                    cluster: None,
                },
                kind: Some(DestinationKind::VirtualDestination),
                port,
                subset: BTreeMap::new(),
                weight: weight.map(|w| to_u32(w.value)),
            }
        }
    }
}
