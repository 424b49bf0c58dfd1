//! Targets: where a route (or a mirror policy) sends traffic.
//!
//! `service NAME[.NS][:PORT] [SUBSET] [@CLUSTER]` is checked against the inventory: the
//! namespace, the service, the clusters that will serve the request, the port and the subset.
//! `destination NAME[:PORT]` is checked against the destination's ports
//! ([`destination_ports`]), never its syntax, so editing a destination re-checks the routes
//! that use it only when its ports change.
//!
//! Which clusters matter depends on who sends the request: a gateway's cluster for north-south
//! traffic, any client's cluster inside the mesh. The caller says which with a [`TargetScope`].
//!
//! A subset is a workload selector, checked with [`super::selector`] as `expose to workloads`
//! is.

use std::fmt;

use smallvec::{SmallVec, smallvec};

use crate::check::destination::destination_ports;
use crate::check::selector::{PoolTexts, check_workload_selector, selector_text};
use crate::check::{Ctx, ItemDiagnostic, cluster_list, list_names};
use crate::codes::Code;
use crate::db::ItemTag;
use crate::inventory::{InventoryIndex, ServiceEntry, ServiceRef};
use crate::suggest::did_you_mean;
use crate::syntax::ast::{self, CompactString, PortRef};

/// `name.namespace`, as messages show a service: written only into a message, so that a target
/// without problems formats nothing.
#[derive(Clone, Copy)]
struct ServiceName<'a> {
    name: &'a str,
    namespace: &'a str,
}

impl fmt::Display for ServiceName<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.name, self.namespace)
    }
}

/// The clusters a target must be reachable from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum TargetScope {
    /// Any cluster may serve the request (east-west traffic, delegated tables, policies): a
    /// service must exist somewhere in its namespace.
    Anywhere,
    /// Only these clusters serve the request (the clusters of the gateways a table is exposed
    /// on): a service without `@CLUSTER` must exist in every one of them.
    Clusters(Vec<CompactString>),
}

/// Checks one target.
pub(crate) fn check_target<'db>(cx: &mut Ctx<'db>, target: &ast::Target, scope: &TargetScope) {
    match target {
        ast::Target::Service {
            service,
            port,
            subset,
            cluster,
            ..
        } => check_service(
            cx,
            service,
            port.as_ref(),
            subset.as_ref(),
            cluster.as_ref(),
            scope,
        ),
        ast::Target::Destination { name, port, .. } => check_destination(cx, name, port.as_ref()),
    }
}

fn check_service<'db>(
    cx: &mut Ctx<'db>,
    service: &ast::QualifiedName,
    port: Option<&PortRef>,
    subset: Option<&ast::Selector>,
    cluster: Option<&ast::Name>,
    scope: &TargetScope,
) {
    let inventory = cx.inventory;
    let namespace = match &service.namespace {
        Some(namespace) if !cx.check_namespace(namespace) => return,
        Some(namespace) => namespace.text.as_str(),
        None => cx.namespace,
    };
    let name = service.name.text.as_str();
    let shown = ServiceName { name, namespace };
    // A port outside 1-65535 is wrong whatever the service; checking it first keeps it from
    // being reported as "no such port".
    let port_in_range = check_port_range(cx, port);

    let everywhere = inventory.services_named(namespace, name);
    if everywhere.is_empty() {
        unknown_service(cx, service, namespace);
        return;
    }

    let Some(entries) = serving_entries(cx, service, namespace, everywhere, cluster, scope) else {
        return;
    };

    if port_in_range {
        check_service_port(cx, service, shown, port, &entries);
    }
    if let Some(subset) = subset {
        check_subset(cx, subset, name, namespace, &entries);
    }
}

/// A service's entries in the clusters that serve a request: a handful, kept on the stack (a
/// target is checked for every route).
type Entries<'db> = SmallVec<[ServiceEntry<'db>; 4]>;

/// The service in every cluster that serves the request: the pinned cluster, or the scope's
/// clusters, or every cluster that has it (`everywhere`). `None` after reporting a cluster that
/// lacks it.
fn serving_entries<'db>(
    cx: &mut Ctx<'db>,
    service: &ast::QualifiedName,
    namespace: &str,
    everywhere: &[ServiceRef],
    cluster: Option<&ast::Name>,
    scope: &TargetScope,
) -> Option<Entries<'db>> {
    let inventory = cx.inventory;
    let name = service.name.text.as_str();
    let shown = ServiceName { name, namespace };
    Some(match cluster {
        Some(cluster) => {
            if !cx.check_cluster(cluster) {
                return None;
            }
            let Some(entry) = on_cluster(inventory, everywhere, &cluster.text) else {
                let there: Vec<&str> = inventory
                    .clusters_with_service(namespace, name)
                    .map(|c| c.name.as_str())
                    .collect();
                let mut diagnostic = ItemDiagnostic::new(
                    Code::ServiceNotInCluster,
                    cluster.span,
                    format!(
                        "service `{shown}` does not exist on cluster `{}`",
                        cluster.text
                    ),
                )
                .help(format!(
                    "`{shown}` exists on {}",
                    cluster_list(there.iter().copied())
                ));
                if let [only] = there.as_slice() {
                    diagnostic = diagnostic.fix(cluster.span, *only);
                }
                cx.emit(diagnostic);
                return None;
            };
            if let TargetScope::Clusters(gateway_clusters) = scope
                && !gateway_clusters.is_empty()
                && !gateway_clusters.contains(&cluster.text)
            {
                let gateways = cluster_list(gateway_clusters.iter().map(CompactString::as_str));
                let diagnostic = ItemDiagnostic::new(
                    Code::CrossClusterTarget,
                    cluster.span,
                    format!(
                        "service `{shown}` is pinned to cluster `{}`, where none of the table's \
                         gateways runs (they run on {gateways})",
                        cluster.text
                    ),
                )
                .help(
                    "the request must cross clusters: that needs federation (in the workspace \
                     settings) or a destination that spans the clusters",
                );
                cx.emit(diagnostic);
            }
            smallvec![entry]
        }
        None => match serving_clusters(cx, scope) {
            Some(clusters) => {
                let mut found = Entries::new();
                let mut missing: Vec<&str> = Vec::new();
                for cluster in clusters {
                    match on_cluster(inventory, everywhere, cluster) {
                        Some(entry) => found.push(entry),
                        None => missing.push(cluster),
                    }
                }
                if !missing.is_empty() {
                    let there: Vec<&str> = inventory
                        .clusters_with_service(namespace, name)
                        .map(|c| c.name.as_str())
                        .collect();
                    let pin = match there.as_slice() {
                        [only] => format!("pin the target to it with `@{only}`"),
                        _ => "pin the target to one of them with `@CLUSTER`".to_owned(),
                    };
                    let diagnostic = ItemDiagnostic::new(
                        Code::ServiceNotInCluster,
                        service.span,
                        format!(
                            "service `{shown}` does not exist on {}, where the table's gateways serve requests",
                            cluster_list(missing.iter().copied())
                        ),
                    )
                    .help(format!(
                        "`{shown}` exists on {}: {pin}, or route to a destination that spans the clusters",
                        cluster_list(there.iter().copied())
                    ));
                    cx.emit(diagnostic);
                    return None;
                }
                found
            }
            None => everywhere
                .iter()
                .filter_map(|&at| inventory.resolve_service(at))
                .collect(),
        },
    })
}

/// The one of `everywhere` (a service in every cluster that has it) on `cluster`: a scan of a
/// few entries, where a lookup by names would hash them again.
fn on_cluster<'db>(
    inventory: &'db InventoryIndex,
    everywhere: &[ServiceRef],
    cluster: &str,
) -> Option<ServiceEntry<'db>> {
    everywhere
        .iter()
        .filter_map(|&at| inventory.resolve_service(at))
        .find(|entry| entry.cluster.name == cluster)
}

/// The known clusters of a `Clusters` scope; `None` when any cluster may serve the request.
/// Clusters missing from the inventory are left out: the gateway that names them reports them.
fn serving_clusters<'s>(cx: &Ctx<'_>, scope: &'s TargetScope) -> Option<SmallVec<[&'s str; 4]>> {
    let TargetScope::Clusters(clusters) = scope else {
        return None;
    };
    let known: SmallVec<[&str; 4]> = clusters
        .iter()
        .map(CompactString::as_str)
        .filter(|c| cx.inventory.cluster(c).is_some())
        .collect();
    (!known.is_empty()).then_some(known)
}

/// Reports a service missing from its namespace: a close name in that namespace, else the
/// namespaces where a service of that name does exist, else what the namespace holds.
fn unknown_service(cx: &mut Ctx<'_>, service: &ast::QualifiedName, namespace: &str) {
    let inventory = cx.inventory;
    let name = &service.name;
    let candidates: Vec<&str> = inventory.service_names_in(namespace).collect();
    let message = format!("unknown service `{}` in namespace `{namespace}`", name.text);
    if did_you_mean(&name.text, candidates.iter().copied()).is_none() {
        let elsewhere: Vec<&str> = inventory
            .namespace_names()
            .filter(|ns| !inventory.services_named(ns, &name.text).is_empty())
            .collect();
        if let Some(first) = elsewhere.first() {
            let qualified = format!("{}.{first}", name.text);
            let diagnostic = ItemDiagnostic::new(Code::UnknownService, name.span, message)
                .help(format!(
                    "`{}` exists in namespace {}: write `{qualified}`",
                    name.text,
                    list_names(&elsewhere)
                ))
                .fix(service.span, qualified);
            cx.emit(diagnostic);
            return;
        }
        if candidates.is_empty() {
            let diagnostic = ItemDiagnostic::new(Code::UnknownService, name.span, message).help(
                format!("namespace `{namespace}` has no services in the inventory"),
            );
            cx.emit(diagnostic);
            return;
        }
    }
    cx.unknown(Code::UnknownService, name, message, &candidates);
}

/// A port number must fit a TCP port; reports and returns false when it does not.
fn check_port_range(cx: &mut Ctx<'_>, port: Option<&PortRef>) -> bool {
    let Some(PortRef::Number(number)) = port else {
        return true;
    };
    if (1..=65535).contains(&number.value) {
        return true;
    }
    let diagnostic = ItemDiagnostic::new(
        Code::PortOutOfRange,
        number.span,
        format!("port `{}` is outside 1-65535", number.value),
    )
    .help("a port is a number from 1 to 65535");
    cx.emit(diagnostic);
    false
}

fn check_service_port(
    cx: &mut Ctx<'_>,
    service: &ast::QualifiedName,
    shown: ServiceName<'_>,
    port: Option<&PortRef>,
    entries: &[ServiceEntry<'_>],
) {
    let Some(port) = port else {
        // Without a port the mesh picks the service's only one; with several it cannot.
        if let Some(entry) = entries.iter().find(|e| e.service.ports.len() > 1) {
            let diagnostic = ItemDiagnostic::new(
                Code::AmbiguousPort,
                service.span,
                format!("service `{shown}` has several ports: say which one"),
            )
            .help(format!(
                "its ports: {}; write `{shown}:PORT`",
                port_list(entry)
            ));
            cx.emit(diagnostic);
        } else if let Some(entry) = entries.iter().find(|e| e.service.ports.is_empty()) {
            let diagnostic = ItemDiagnostic::new(
                Code::UnknownPort,
                service.span,
                format!(
                    "service `{shown}` has no ports on cluster `{}`",
                    entry.cluster.name
                ),
            )
            .help("add the service's ports to the inventory");
            cx.emit(diagnostic);
        }
        return;
    };

    let has = |entry: &ServiceEntry<'_>| match port {
        PortRef::Number(n) => u16::try_from(n.value).is_ok_and(|n| entry.service.port(n).is_some()),
        PortRef::Name(n) => entry.service.port_named(&n.text).is_some(),
    };
    let Some(lacking) = entries.iter().find(|e| !has(e)) else {
        return;
    };
    let (written, span) = match port {
        PortRef::Number(n) => (n.value.to_string(), n.span),
        PortRef::Name(n) => (n.text.to_string(), n.span),
    };
    // Ports usually agree across clusters; say which cluster only when they do not.
    let message = if entries.iter().any(has) {
        format!(
            "service `{shown}` has no port `{written}` on cluster `{}`",
            lacking.cluster.name
        )
    } else {
        format!("service `{shown}` has no port `{written}`")
    };
    let mut diagnostic = ItemDiagnostic::new(Code::UnknownPort, span, message);
    let ports = port_list(lacking);
    diagnostic = match port {
        PortRef::Name(n) => {
            let names: Vec<&str> = lacking
                .service
                .ports
                .iter()
                .filter_map(|p| p.name.as_deref())
                .collect();
            match did_you_mean(&n.text, names.iter().copied()) {
                Some(best) => diagnostic
                    .help(format!("did you mean `{best}`? its ports: {ports}"))
                    .fix(n.span, best),
                None => diagnostic.help(format!("its ports: {ports}")),
            }
        }
        PortRef::Number(_) => diagnostic.help(format!("its ports: {ports}")),
    };
    cx.emit(diagnostic);
}

/// `9080 (`http`), 9443` — a service's ports for help lines.
fn port_list(entry: &ServiceEntry<'_>) -> String {
    if entry.service.ports.is_empty() {
        return "none".to_owned();
    }
    entry
        .service
        .ports
        .iter()
        .map(|p| match &p.name {
            Some(name) => format!("`{}` (`{name}`)", p.port),
            None => format!("`{}`", p.port),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// A subset must select some of the service's own workloads: those its pod selector picks, in
/// its namespace, on the clusters that serve the request.
fn check_subset<'db>(
    cx: &mut Ctx<'db>,
    subset: &ast::Selector,
    name: &str,
    namespace: &str,
    entries: &[ServiceEntry<'db>],
) {
    let inventory = cx.inventory;
    let mut workloads = Vec::new();
    for entry in entries {
        workloads.extend(inventory.backing_workloads(entry).map(|w| &w.labels));
    }
    check_workload_selector(cx, subset, &workloads, || {
        let shown = ServiceName { name, namespace };
        // Name the clusters when only some of the service's clusters serve the request, since
        // the subset may well exist on the others.
        let everywhere = inventory.clusters_with_service(namespace, name).count();
        let place = if entries.len() < everywhere {
            format!(
                " on {}",
                cluster_list(entries.iter().map(|e| e.cluster.name.as_str()))
            )
        } else {
            String::new()
        };
        PoolTexts {
            message: format!(
                "subset `{}` of service `{shown}` matches no workload",
                selector_text(subset)
            ),
            described: format!("the workloads of `{shown}`{place}"),
            empty: format!("`{shown}` selects no workload{place} in the inventory"),
        }
    });
}

fn check_destination<'db>(cx: &mut Ctx<'db>, name: &ast::Name, port: Option<&PortRef>) {
    let Some(item) = cx.resolve(ItemTag::Destination, name) else {
        return;
    };
    let ports = destination_ports(cx.db, item);
    let listed = || {
        ports
            .iter()
            .map(|p| format!("`{p}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match port {
        Some(port @ PortRef::Number(number)) => {
            if !check_port_range(cx, Some(port)) {
                return;
            }
            let declared = u16::try_from(number.value).is_ok_and(|n| ports.contains(&n));
            // A destination without ports is reported at the destination itself.
            if !declared && !ports.is_empty() {
                let diagnostic = ItemDiagnostic::new(
                    Code::UnknownPort,
                    number.span,
                    format!("destination `{}` has no port `{}`", name.text, number.value),
                )
                .label_item(item, format!("`{}` declares its ports here", name.text))
                .help(format!("its ports: {}", listed()));
                cx.emit(diagnostic);
            }
        }
        Some(PortRef::Name(port)) => {
            let mut diagnostic = ItemDiagnostic::new(
                Code::UnknownPort,
                port.span,
                format!(
                    "destination `{}` has no port named `{}`",
                    name.text, port.text
                ),
            )
            .help(format!("a destination's ports are numbers: {}", listed()));
            if let [only] = ports.as_slice() {
                diagnostic = diagnostic.fix(port.span, only.to_string());
            }
            cx.emit(diagnostic);
        }
        None if ports.len() > 1 => {
            let diagnostic = ItemDiagnostic::new(
                Code::AmbiguousPort,
                name.span,
                format!(
                    "destination `{}` has several ports: say which one",
                    name.text
                ),
            )
            .help(format!(
                "its ports: {}; write `{}:PORT`",
                listed(),
                name.text
            ));
            cx.emit(diagnostic);
        }
        None => {}
    }
}
