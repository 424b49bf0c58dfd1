//! Virtual destinations: the selector-evaluation query [`destination_backends`] (which services
//! back a destination, which clusters it spans) and the checks of a `destination` block.

use std::collections::BTreeSet;

use crate::check::host::{HostUse, check_host};
use crate::check::policy::{self, PolicyLevel};
use crate::check::selector::{check_label_keys, selector_pairs, selector_text, unknown_value};
use crate::check::{Ctx, ItemDiagnostic, cluster_list, list_names};
use crate::codes::Code;
use crate::db::{Db, Item, Project};
use crate::inventory::{InventoryIndex, Protocol, Service, ServicePort, ServiceRef};
use crate::suggest::did_you_mean;
use crate::syntax::ast::{self, CompactString, DestinationStmt, PortRef, Span};

use super::gateway::{StatementRule, check_counts};

/// What a destination's selectors select in the inventory, for the check, hover, inlay hints
/// and lowering.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct DestinationBackends {
    /// Every matched service, in inventory order, each once.
    pub services: Vec<BackendService>,
    /// The clusters those services run in, in inventory order: the clusters the destination
    /// spans.
    pub clusters: Vec<CompactString>,
    /// The `select` statements that match no service, by position among the destination's
    /// statements.
    pub unmatched: Vec<usize>,
}

/// One backing service: `name.namespace` in `cluster`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BackendService {
    pub cluster: CompactString,
    pub namespace: CompactString,
    pub name: CompactString,
    /// Where it is in the inventory the destination was evaluated against.
    pub at: ServiceRef,
}

impl std::fmt::Display for BackendService {
    /// The way targets are written in the language: `reviews.bookinfo@cluster-1`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}@{}", self.name, self.namespace, self.cluster)
    }
}

/// Evaluates a destination's `select` statements against the inventory: the union of what
/// every `select` matches, restricted to the `clusters` statement when there is one.
///
/// Reads only the destination's own syntax and the inventory, so it is what other items'
/// checks and the language server ask instead of reading the destination.
#[salsa::tracked(returns(ref))]
pub fn destination_backends<'db>(
    db: &'db dyn Db,
    project: Project,
    item: Item<'db>,
) -> DestinationBackends {
    let ast::ItemKind::Destination(destination) = &item.syntax(db).kind else {
        return DestinationBackends::default();
    };
    let inventory = project.inventory(db).index(db);
    let scope = cluster_scope(destination);
    let mut matched = BTreeSet::new();
    let mut unmatched = Vec::new();
    for (position, stmt) in destination.body.iter().enumerate() {
        if let DestinationStmt::Select {
            selector,
            namespace,
            ..
        } = stmt
        {
            let selected =
                select_services(inventory, selector, namespace.as_ref(), scope.as_deref());
            if selected.is_empty() {
                unmatched.push(position);
            }
            matched.extend(selected);
        }
    }
    // `ServiceRef`s order as the inventory does, so both lists come out in inventory order.
    let services: Vec<BackendService> = matched
        .iter()
        .filter_map(|&at| backend_service(inventory, at))
        .collect();
    let mut clusters: Vec<CompactString> = Vec::new();
    for service in &services {
        if !clusters.contains(&service.cluster) {
            clusters.push(service.cluster.clone());
        }
    }
    DestinationBackends {
        services,
        clusters,
        unmatched,
    }
}

/// The virtual ports a destination declares (those in 1–65535), in source order, each once:
/// what a target that names the destination checks its port against. A query of the item
/// alone, apart from [`destination_backends`]: salsa looks up a query of one tracked item in
/// the item's own memos, where a query of a project and an item interns the pair on every
/// call (a hash and a lock shared by every thread), and targets ask for a destination's
/// ports once per route.
#[salsa::tracked(returns(ref))]
pub fn destination_ports<'db>(db: &'db dyn Db, item: Item<'db>) -> Vec<u16> {
    let ast::ItemKind::Destination(destination) = &item.syntax(db).kind else {
        return Vec::new();
    };
    let mut ports = Vec::new();
    for stmt in &destination.body {
        if let DestinationStmt::Port { number, .. } = stmt
            && let Some(port) = port_number(number.value)
            && !ports.contains(&port)
        {
            ports.push(port);
        }
    }
    ports
}

/// The names of the policies a destination applies, in source order, each once. Separate from
/// [`destination_backends`] so that the project-wide "never applied" check does not depend on
/// the inventory.
#[salsa::tracked(returns(ref))]
pub fn destination_policies<'db>(db: &'db dyn Db, item: Item<'db>) -> Vec<CompactString> {
    let ast::ItemKind::Destination(destination) = &item.syntax(db).kind else {
        return Vec::new();
    };
    let mut names: Vec<CompactString> = Vec::new();
    for stmt in &destination.body {
        if let DestinationStmt::Apply(apply) = stmt {
            for name in &apply.policies {
                if !names.contains(&name.text) {
                    names.push(name.text.clone());
                }
            }
        }
    }
    names
}

/// The clusters a destination's `clusters` statements restrict it to, each once and in source
/// order, or `None` (every cluster) when it has none: the clusters its backing services are
/// looked up in, and that its selectors name.
pub fn cluster_scope(destination: &ast::Destination) -> Option<Vec<&str>> {
    let mut scope: Option<Vec<&str>> = None;
    for stmt in &destination.body {
        if let DestinationStmt::Clusters { clusters, .. } = stmt {
            let scope = scope.get_or_insert_with(Vec::new);
            for cluster in clusters {
                if !scope.contains(&cluster.text.as_str()) {
                    scope.push(&cluster.text);
                }
            }
        }
    }
    scope
}

/// The services one `select` matches.
fn select_services(
    inventory: &InventoryIndex,
    selector: &ast::Selector,
    namespace: Option<&ast::Name>,
    clusters: Option<&[&str]>,
) -> Vec<ServiceRef> {
    inventory.match_services(
        &selector_pairs(selector),
        namespace.map(|n| n.text.as_str()),
        clusters,
    )
}

fn backend_service(inventory: &InventoryIndex, at: ServiceRef) -> Option<BackendService> {
    let entry = inventory.resolve_service(at)?;
    Some(BackendService {
        cluster: entry.cluster.name.as_str().into(),
        namespace: entry.namespace.name.as_str().into(),
        name: entry.service.name.as_str().into(),
        at,
    })
}

fn port_number(value: u64) -> Option<u16> {
    u16::try_from(value).ok().filter(|&port| port != 0)
}

/// Checks a `destination` block.
pub(crate) fn check(cx: &mut Ctx<'_>, destination: &ast::Destination) {
    check_statement_counts(cx, destination);

    let mut applies = Vec::new();
    // Every declared virtual port with where it was declared, for duplicates.
    let mut seen_ports: Vec<(u64, Span)> = Vec::new();
    let mut scope_known = true;
    for stmt in &destination.body {
        match stmt {
            DestinationStmt::Host { hosts, .. } => {
                for host in hosts {
                    check_host(cx, host, HostUse::Destination);
                }
            }
            DestinationStmt::Port {
                number,
                protocol,
                target,
                ..
            } => {
                check_port_range(cx, number);
                if let Some((_, first)) = seen_ports.iter().find(|(n, _)| *n == number.value) {
                    let first = *first;
                    duplicate_port(cx, number, first);
                } else {
                    seen_ports.push((number.value, number.span));
                }
                if let Some(protocol) = protocol
                    && Protocol::from_keyword(&protocol.text).is_none()
                {
                    let candidates: Vec<&str> = Protocol::ALL.iter().map(|p| p.as_str()).collect();
                    let message = format!("unknown protocol `{}`", protocol.text);
                    cx.unknown(Code::UnknownProtocol, protocol, message, &candidates);
                }
                if let Some(PortRef::Number(target)) = target {
                    check_port_range(cx, target);
                }
            }
            DestinationStmt::Clusters { clusters, .. } => {
                for cluster in clusters {
                    scope_known &= cx.check_cluster(cluster);
                }
            }
            DestinationStmt::Select {
                namespace: Some(namespace),
                ..
            } => {
                cx.check_namespace(namespace);
            }
            DestinationStmt::Apply(apply) => applies.push(apply),
            DestinationStmt::Select {
                namespace: None, ..
            }
            | DestinationStmt::Error(_) => {}
        }
    }
    policy::check_apply(cx, &applies, PolicyLevel::Destination);

    // A misspelt cluster narrows the search to nothing; its E0201 says everything needed, so
    // the selector and port checks that depend on the search stay quiet.
    if scope_known {
        check_backends(cx, destination);
    }
}

fn check_statement_counts(cx: &mut Ctx<'_>, destination: &ast::Destination) {
    let (mut hosts, mut ports, mut selects, mut clusters) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for stmt in &destination.body {
        match stmt {
            DestinationStmt::Host { span, .. } => hosts.push(*span),
            DestinationStmt::Port { span, .. } => ports.push(*span),
            DestinationStmt::Select { span, .. } => selects.push(*span),
            DestinationStmt::Clusters { span, .. } => clusters.push(*span),
            DestinationStmt::Apply(_) | DestinationStmt::Error(_) => {}
        }
    }
    let rules = [
        StatementRule {
            keyword: "host",
            spans: &hosts,
            required: true,
            repeat: true,
            missing_help: "add `host \"NAME.mesh.internal\"`: the hostname clients call the destination by",
            repeated_help: "",
        },
        StatementRule {
            keyword: "port",
            spans: &ports,
            required: true,
            repeat: true,
            missing_help: "add `port NUMBER`, e.g. `port 9080 -> http`",
            repeated_help: "",
        },
        StatementRule {
            keyword: "select",
            spans: &selects,
            required: true,
            repeat: true,
            missing_help: "add `select (LABELS) in NAMESPACE` to choose the backing services",
            repeated_help: "",
        },
        StatementRule {
            keyword: "clusters",
            spans: &clusters,
            required: false,
            repeat: false,
            missing_help: "",
            repeated_help: "list every cluster in one statement: `clusters a, b`",
        },
    ];
    check_counts(
        cx,
        "destination",
        &destination.name.text,
        destination.name.span,
        &rules,
    );
}

/// Reports a virtual or target port outside 1–65535.
fn check_port_range(cx: &mut Ctx<'_>, port: &ast::Int) {
    if port_number(port.value).is_none() {
        cx.emit(
            ItemDiagnostic::new(
                Code::PortOutOfRange,
                port.span,
                format!("port `{}` is outside 1-65535", port.value),
            )
            .help("use a port between 1 and 65535"),
        );
    }
}

fn duplicate_port(cx: &mut Ctx<'_>, number: &ast::Int, first: Span) {
    let name = cx.item.name(cx.db).clone();
    cx.emit(
        ItemDiagnostic::new(
            Code::DuplicatePort,
            number.span,
            format!(
                "port `{}` is declared twice in destination `{name}`",
                number.value
            ),
        )
        .label(first, "first declared here")
        .help("remove one of the `port` statements"),
    );
}

/// The checks that evaluate the selectors: unknown label keys, selectors that match nothing,
/// and backends that lack a target port.
fn check_backends(cx: &mut Ctx<'_>, destination: &ast::Destination) {
    let inventory = cx.inventory;
    let scope = cluster_scope(destination);
    // The selects and the port check judge exactly the backends hover and lowering see.
    let backends = destination_backends(cx.db, cx.project, cx.item);
    for &position in &backends.unmatched {
        let Some(DestinationStmt::Select {
            selector,
            namespace,
            ..
        }) = destination.body.get(position)
        else {
            continue;
        };
        // An unknown namespace has had its E0202.
        if namespace
            .as_ref()
            .is_some_and(|ns| !inventory.has_namespace(&ns.text))
        {
            continue;
        }
        if check_label_keys(cx, selector, inventory.service_labels(), "service") {
            selects_nothing(cx, selector, namespace.as_ref(), scope.as_deref());
        }
    }
    let services: Vec<(&BackendService, &Service)> = backends
        .services
        .iter()
        .filter_map(|backend| Some((backend, inventory.resolve_service(backend.at)?.service)))
        .collect();
    if services.is_empty() {
        return;
    }
    for stmt in &destination.body {
        if let DestinationStmt::Port { number, target, .. } = stmt {
            check_target_port(cx, number, target.as_ref(), &services);
        }
    }
}

/// W0206: a selector that matches no service, saying where it looked.
fn selects_nothing(
    cx: &mut Ctx<'_>,
    selector: &ast::Selector,
    namespace: Option<&ast::Name>,
    scope: Option<&[&str]>,
) {
    let inventory = cx.inventory;
    let mut message = format!("selector `{}` matches no service", selector_text(selector));
    match namespace {
        Some(ns) => message.push_str(&format!(" in namespace `{}`", ns.text)),
        None => message.push_str(" in any namespace"),
    }
    if let Some(clusters) = scope {
        message.push_str(&format!(" on {}", cluster_list(clusters.iter().copied())));
    }
    let mut diagnostic = ItemDiagnostic::new(Code::SelectorMatchesNothing, selector.span, message);
    let elsewhere = |namespace: Option<&ast::Name>, scope: Option<&[&str]>| -> Vec<String> {
        select_services(inventory, selector, namespace, scope)
            .into_iter()
            .filter_map(|at| backend_service(inventory, at))
            .map(|backend| backend.to_string())
            .collect()
    };
    let out_of_scope = if scope.is_some() {
        elsewhere(namespace, None)
    } else {
        Vec::new()
    };
    let other_namespaces = if namespace.is_some() {
        elsewhere(None, scope)
    } else {
        Vec::new()
    };
    diagnostic = if let Some(hint) = unknown_value(selector, inventory.service_labels(), "service")
    {
        hint.apply(diagnostic)
    } else if !out_of_scope.is_empty() {
        let names: Vec<&str> = out_of_scope.iter().map(String::as_str).collect();
        diagnostic.help(format!(
            "it matches {} in clusters that `clusters` leaves out; add their clusters to `clusters`",
            list_names(&names)
        ))
    } else if !other_namespaces.is_empty() {
        let names: Vec<&str> = other_namespaces.iter().map(String::as_str).collect();
        diagnostic.help(format!(
            "it matches {} in other namespaces; check the `in` namespace",
            list_names(&names)
        ))
    } else {
        diagnostic.help(
            "a destination receives traffic only for the services its selectors match; compare the \
             labels with the services' labels in the inventory",
        )
    };
    cx.emit(diagnostic);
}

/// E0504: every backend must expose the target port (by name, or by number; by default the
/// virtual port's number).
fn check_target_port(
    cx: &mut Ctx<'_>,
    number: &ast::Int,
    target: Option<&PortRef>,
    services: &[(&BackendService, &Service)],
) {
    let (wanted, span) = match target {
        None => match port_number(number.value) {
            Some(port) => (Wanted::Number(port), number.span),
            None => return,
        },
        Some(PortRef::Number(n)) => match port_number(n.value) {
            Some(port) => (Wanted::Number(port), n.span),
            None => return,
        },
        Some(PortRef::Name(name)) => (Wanted::Name(&name.text), name.span),
    };
    let lacking: Vec<&BackendService> = services
        .iter()
        .filter(|(_, service)| match wanted {
            Wanted::Number(port) => service.port(port).is_none(),
            Wanted::Name(name) => service.port_named(name).is_none(),
        })
        .map(|(backend, _)| *backend)
        .collect();
    if lacking.is_empty() {
        return;
    }
    let shown: Vec<String> = lacking.iter().map(|b| b.to_string()).collect();
    let shown: Vec<&str> = shown.iter().map(String::as_str).collect();
    let message = format!(
        "target port `{wanted}` is missing on {} of destination `{}`: {}",
        plural("backend", lacking.len()),
        cx.item.name(cx.db),
        list_names(&shown),
    );
    let mut diagnostic = ItemDiagnostic::new(Code::TargetPortMissing, span, message);

    // The ports every backend has are the ones this `port` line can target.
    let common: Vec<&ServicePort> = services
        .first()
        .map(|(_, first)| {
            first
                .ports
                .iter()
                .filter(|p| {
                    services
                        .iter()
                        .all(|(_, s)| s.ports.iter().any(|q| q.port == p.port && q.name == p.name))
                })
                .collect()
        })
        .unwrap_or_default();
    let suggestion = match wanted {
        Wanted::Name(name) => did_you_mean(name, common.iter().filter_map(|p| p.name.as_deref())),
        Wanted::Number(_) => None,
    };
    diagnostic = match (suggestion, target) {
        (Some(best), Some(target)) => diagnostic
            .help(format!("did you mean `{best}`? every backend has it"))
            .fix(target.span(), best),
        _ if common.is_empty() => diagnostic.help(
            "every service the destination selects must expose the target port, and these backends \
             share none; narrow the `select` statements",
        ),
        _ => {
            let ports: Vec<String> = common.iter().map(|p| show_port(p)).collect();
            let ports: Vec<&str> = ports.iter().map(String::as_str).collect();
            diagnostic.help(format!(
                "every service the destination selects must expose the target port; every backend has {}",
                list_names(&ports)
            ))
        }
    };
    cx.emit(diagnostic);
}

/// A target port as written: by number or by name.
#[derive(Clone, Copy)]
enum Wanted<'a> {
    Number(u16),
    Name(&'a str),
}

impl std::fmt::Display for Wanted<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Wanted::Number(port) => write!(f, "{port}"),
            Wanted::Name(name) => f.write_str(name),
        }
    }
}

/// `9080 (http)` or `9080`.
fn show_port(port: &ServicePort) -> String {
    match &port.name {
        Some(name) => format!("{} ({name})", port.port),
        None => port.port.to_string(),
    }
}

fn plural(noun: &str, count: usize) -> String {
    if count == 1 {
        format!("1 {noun}")
    } else {
        format!("{count} {noun}s")
    }
}

#[cfg(test)]
mod tests {
    use super::cluster_scope;
    use crate::syntax::{self, ast};

    fn scope(text: &str) -> Option<Vec<String>> {
        let parse = syntax::parse(text);
        let Some(ast::ItemKind::Destination(destination)) =
            parse.items.first().map(|parsed| &parsed.item.kind)
        else {
            panic!("a destination expected in {text}");
        };
        cluster_scope(destination).map(|scope| scope.into_iter().map(str::to_owned).collect())
    }

    #[test]
    fn cluster_scope_lists_each_cluster_once_in_source_order() {
        assert_eq!(scope("destination d { host \"d.mesh\" port 80 }"), None);
        assert_eq!(
            scope(
                "destination d { clusters west, east  select (app = \"d\")  clusters west, north }"
            ),
            Some(vec![
                "west".to_owned(),
                "east".to_owned(),
                "north".to_owned()
            ])
        );
    }
}
