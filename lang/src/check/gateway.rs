//! Gateways: the summary query [`gateway_clusters`] (which clusters a gateway runs in, what
//! route tables exposed on it are checked against) and the checks of a `gateway` block.
//!
//! Also home of [`check_counts`], the statement-count rule (the "statements (count)" table of
//! the language reference) that every block check applies.

use crate::check::{Ctx, ItemDiagnostic, cluster_list, list_names};
use crate::codes::Code;
use crate::db::{Db, Item};
use crate::inventory::InventoryIndex;
use crate::syntax::ast::{self, CompactString, GatewayStmt, Span};

use super::selector::{check_label_keys, selector_pairs, selector_text, unknown_value};

/// The protocols a gateway listens with.
const LISTENER_PROTOCOLS: [&str; 3] = ["http", "https", "tcp"];

/// The clusters named in a gateway's `cluster` statements, in source order, each once.
#[salsa::tracked(returns(ref))]
pub fn gateway_clusters<'db>(db: &'db dyn Db, item: Item<'db>) -> Vec<CompactString> {
    let ast::ItemKind::Gateway(gateway) = &item.syntax(db).kind else {
        return Vec::new();
    };
    let mut clusters: Vec<CompactString> = Vec::new();
    for stmt in &gateway.body {
        if let GatewayStmt::Cluster {
            clusters: names, ..
        } = stmt
        {
            for name in names {
                if !clusters.contains(&name.text) {
                    clusters.push(name.text.clone());
                }
            }
        }
    }
    clusters
}

/// Checks a `gateway` block.
pub(crate) fn check(cx: &mut Ctx<'_>, gateway: &ast::Gateway) {
    check_statement_counts(cx, gateway);

    // The clusters that exist: the workload selector is evaluated on these.
    let mut clusters: Vec<&ast::Name> = Vec::new();
    // Every listened port with where it was declared, for duplicates.
    let mut ports: Vec<(u64, Span)> = Vec::new();
    for stmt in &gateway.body {
        match stmt {
            GatewayStmt::Cluster {
                clusters: names, ..
            } => {
                for name in names {
                    if cx.check_cluster(name) && !clusters.iter().any(|c| c.text == name.text) {
                        clusters.push(name);
                    }
                }
            }
            GatewayStmt::Listen {
                port,
                protocol,
                tls,
                span,
            } => {
                if let Some((_, first)) = ports.iter().find(|(p, _)| *p == port.value) {
                    let first = *first;
                    let name = cx.item.name(cx.db).clone();
                    cx.emit(
                        ItemDiagnostic::new(
                            Code::DuplicatePort,
                            port.span,
                            format!("port `{}` is declared twice in gateway `{name}`", port.value),
                        )
                        .label(first, "first declared here")
                        .help("a gateway listens once per port; remove one of the `listen` statements"),
                    );
                } else {
                    ports.push((port.value, port.span));
                }
                check_listen(cx, port, protocol, tls.as_ref(), *span);
            }
            GatewayStmt::Workload { .. } | GatewayStmt::Error(_) => {}
        }
    }
    for stmt in &gateway.body {
        if let GatewayStmt::Workload {
            selector,
            namespace,
            ..
        } = stmt
        {
            check_workload(cx, selector, namespace.as_ref(), &clusters);
        }
    }
}

fn check_statement_counts(cx: &mut Ctx<'_>, gateway: &ast::Gateway) {
    let (mut clusters, mut workloads, mut listens) = (Vec::new(), Vec::new(), Vec::new());
    for stmt in &gateway.body {
        match stmt {
            GatewayStmt::Cluster { span, .. } => clusters.push(*span),
            GatewayStmt::Workload { span, .. } => workloads.push(*span),
            GatewayStmt::Listen { span, .. } => listens.push(*span),
            GatewayStmt::Error(_) => {}
        }
    }
    let rules = [
        StatementRule {
            keyword: "cluster",
            spans: &clusters,
            required: true,
            repeat: false,
            missing_help: "add `cluster NAME` with the clusters the gateway runs in",
            repeated_help: "list every cluster in one statement: `cluster a, b`",
        },
        StatementRule {
            keyword: "workload",
            spans: &workloads,
            required: true,
            repeat: false,
            missing_help: "add `workload (LABELS) in NAMESPACE` selecting the gateway's pods",
            repeated_help: "a gateway has one workload selector; remove one of them",
        },
        StatementRule {
            keyword: "listen",
            spans: &listens,
            required: true,
            repeat: true,
            missing_help: "add `listen PORT http|https|tcp`, e.g. `listen 80 http`",
            repeated_help: "",
        },
    ];
    check_counts(cx, "gateway", &gateway.name.text, gateway.name.span, &rules);
}

/// `listen PORT PROTOCOL [tls SECRET]`: the port range, the protocol, and `tls` exactly with
/// `https`.
fn check_listen(
    cx: &mut Ctx<'_>,
    port: &ast::Int,
    protocol: &ast::Name,
    tls: Option<&ast::Str>,
    span: Span,
) {
    if !(1..=65535).contains(&port.value) {
        cx.emit(
            ItemDiagnostic::new(
                Code::PortOutOfRange,
                port.span,
                format!("port `{}` is outside 1-65535", port.value),
            )
            .help("use a port between 1 and 65535"),
        );
    }
    let protocol_name = protocol.text.as_str();
    if !LISTENER_PROTOCOLS.contains(&protocol_name) {
        let message = format!("unknown listener protocol `{protocol_name}`");
        cx.unknown(
            Code::UnknownProtocol,
            protocol,
            message,
            &LISTENER_PROTOCOLS,
        );
        return;
    }
    match (protocol_name, tls) {
        ("https", None) => cx.emit(
            ItemDiagnostic::new(
                Code::HttpsWithoutTls,
                span,
                format!("the `https` listener on port `{}` has no `tls` secret", port.value),
            )
            .help("add `tls \"SECRET\"`: the Kubernetes secret holding the certificate and key"),
        ),
        ("https", Some(secret)) if secret.value.trim().is_empty() => cx.emit(
            ItemDiagnostic::new(Code::HttpsWithoutTls, secret.span, "the `tls` secret name is empty")
                .help("name the Kubernetes secret holding the certificate and key"),
        ),
        ("https", Some(_)) => {}
        // Only `https` terminates TLS; `tls` elsewhere would be silently meaningless.
        (other, Some(secret)) => cx.emit(
            ItemDiagnostic::new(
                Code::HttpsWithoutTls,
                secret.span,
                format!("`tls` on the `{other}` listener on port `{}`: only `https` listeners terminate TLS", port.value),
            )
            .help(format!("write `https` to serve TLS on this port, or remove `tls` to serve plain `{other}`"))
            .fix(protocol.span, "https"),
        ),
        _ => {}
    }
}

/// `workload (LABELS) [in NAMESPACE]`: the namespace exists, and the selector matches a
/// workload on every cluster of the gateway.
fn check_workload(
    cx: &mut Ctx<'_>,
    selector: &ast::Selector,
    namespace: Option<&ast::Name>,
    clusters: &[&ast::Name],
) {
    if let Some(ns) = namespace
        && !cx.check_namespace(ns)
    {
        return;
    }
    let inventory = cx.inventory;
    if !check_label_keys(cx, selector, inventory.workload_labels(), "workload") {
        return;
    }
    let pairs = selector_pairs(selector);
    let ns = namespace.map(|n| n.text.as_str());
    let missing: Vec<&ast::Name> = clusters
        .iter()
        .copied()
        .filter(|cluster| {
            let scope = [cluster.text.as_str()];
            inventory
                .match_workloads(&pairs, ns, Some(&scope))
                .is_empty()
        })
        .collect();
    if missing.is_empty() {
        return;
    }
    let names: Vec<&str> = missing.iter().map(|c| c.text.as_str()).collect();
    let place = match ns {
        Some(ns) => format!("in namespace `{ns}`"),
        None => "in any namespace".to_owned(),
    };
    let message = format!(
        "workload selector `{}` matches no workload {place} on {}",
        selector_text(selector),
        cluster_list(names.iter().copied()),
    );
    let mut diagnostic = ItemDiagnostic::new(Code::WorkloadNotFound, selector.span, message);
    for cluster in &missing {
        diagnostic = diagnostic.label(cluster.span, "no matching workload in this cluster");
    }
    let diagnostic = explain_missing_workloads(inventory, selector, &pairs, ns, &names, diagnostic);
    cx.emit(diagnostic);
}

/// Adds the likeliest reason a workload selector matches nothing on `clusters`: a label
/// value that exists nowhere, workloads that match in another namespace, clusters without the
/// namespace, or else mismatched labels.
fn explain_missing_workloads<'db>(
    inventory: &InventoryIndex,
    selector: &ast::Selector,
    pairs: &[(&str, &str)],
    ns: Option<&str>,
    clusters: &[&str],
    diagnostic: ItemDiagnostic<'db>,
) -> ItemDiagnostic<'db> {
    if let Some(hint) = unknown_value(selector, inventory.workload_labels(), "workload") {
        return hint.apply(diagnostic);
    }
    let Some(ns) = ns else {
        return diagnostic.help(GENERIC_WORKLOAD_HELP);
    };
    let mut elsewhere: Vec<&str> = Vec::new();
    for at in inventory.match_workloads(pairs, None, Some(clusters)) {
        if let Some(entry) = inventory.resolve_workload(at)
            && !elsewhere.contains(&entry.namespace.name.as_str())
        {
            elsewhere.push(&entry.namespace.name);
        }
    }
    if !elsewhere.is_empty() {
        let noun = if elsewhere.len() == 1 {
            "namespace"
        } else {
            "namespaces"
        };
        return diagnostic.help(format!(
            "it matches workloads in {noun} {}; check the `in` namespace",
            list_names(&elsewhere)
        ));
    }
    let without: Vec<&str> = clusters
        .iter()
        .copied()
        .filter(|cluster| !inventory.namespaces_in(cluster).any(|n| n == ns))
        .collect();
    if without.is_empty() {
        return diagnostic.help(GENERIC_WORKLOAD_HELP);
    }
    let subject = if without.len() == 1 {
        format!("cluster {} has", list_names(&without))
    } else {
        format!("clusters {} have", list_names(&without))
    };
    diagnostic.help(format!(
        "{subject} no namespace `{ns}`; deploy the gateway there or remove the cluster from `cluster`"
    ))
}

const GENERIC_WORKLOAD_HELP: &str = "the gateway's pods must run on each of its clusters; fix the \
                                     labels, or remove the clusters without a gateway from `cluster`";

/// How often a statement may appear in a block.
pub(super) struct StatementRule<'a> {
    pub keyword: &'static str,
    /// Where the statement appears, in source order.
    pub spans: &'a [Span],
    /// At least one is needed.
    pub required: bool,
    /// More than one is allowed.
    pub repeat: bool,
    /// What to write when it is missing.
    pub missing_help: &'static str,
    /// What to do when it is repeated.
    pub repeated_help: &'static str,
}

/// E0413 for statements that are missing (on the block's name) or repeated (on each extra
/// one, pointing at the first).
pub(super) fn check_counts(
    cx: &mut Ctx<'_>,
    kind: &str,
    name: &str,
    name_span: Span,
    rules: &[StatementRule<'_>],
) {
    for rule in rules {
        match rule.spans {
            [] if rule.required => cx.emit(
                ItemDiagnostic::new(
                    Code::StatementCount,
                    name_span,
                    format!("{kind} `{name}` has no `{}` statement", rule.keyword),
                )
                .help(rule.missing_help),
            ),
            [first, extra @ ..] if !rule.repeat => {
                for span in extra {
                    cx.emit(
                        ItemDiagnostic::new(
                            Code::StatementCount,
                            *span,
                            format!("`{}` is given twice in {kind} `{name}`", rule.keyword),
                        )
                        .label(*first, "first given here")
                        .help(rule.repeated_help),
                    );
                }
            }
            _ => {}
        }
    }
}
