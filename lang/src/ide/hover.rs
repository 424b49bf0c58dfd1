//! Hover: what the thing under the cursor is, as markdown.
//!
//! Keywords and policy fields show their documentation (fields with their type from the policy
//! schema); references to items show the definition's `##` comment under a one-line signature
//! and what the item's summary says (the clusters a gateway runs in, the services and clusters
//! a destination's selectors resolve to, a table's hosts); names from the inventory — services,
//! ports, clusters, namespaces, labels — show what the inventory says about them.

use std::collections::BTreeMap;

use super::classify::{Block, Node, node_at};
use super::{
    TextRange, clamp, docs, item_of, list_some, parsed_item_of, range_of, slice, token_at,
};
use crate::check::{
    FieldSpec, PolicyKind, destination_backends, destination_ports, gateway_clusters, policy_kind,
    table_summary,
};
use crate::db::{Db, Item, ItemTag, Project, SourceFile, file_namespace, item_index, parse_file};
use crate::inventory::{InventoryIndex, ServicePort, TargetPort, infer_protocol};
use crate::syntax::ast::{self, LabelMatch, PortRef, QualifiedName};
use crate::syntax::literal::{bare_or_quoted, quote};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hover {
    /// What the hover is about: the word under the cursor.
    pub range: TextRange,
    pub markdown: String,
}

/// The hover at `offset` in `file`.
pub fn hover(db: &dyn Db, project: Project, file: SourceFile, offset: u32) -> Option<Hover> {
    let text = file.text(db);
    let parse = parse_file(db, file);
    let offset = clamp(text, offset);
    let token = token_at(parse, text, offset)?;
    let parsed = parsed_item_of(parse, token)?;
    let relative = u32::try_from(token).ok()?.checked_sub(parsed.first_token)?;
    let (span, node) = node_at(&parsed.item, relative)?;
    let token_range = *parse.tokens.get(token)?;
    let word = slice(text, token_range);
    let cx = Ctx {
        db,
        project,
        file,
        inventory: project.inventory(db).index(db),
    };
    let keyword = match node {
        // A word the tree does not name: a keyword, the statement's own or one inside it.
        Node::Statement(block) if span.start == relative => match block {
            Block::Policy(_) => None,
            _ => docs::statement(block, word),
        }
        .or_else(|| docs::word(word)),
        Node::Statement(_) | Node::Target(_) => docs::word(word),
        _ => None,
    };
    if let Some(keyword) = keyword {
        return Some(Hover {
            range: token_range,
            markdown: keyword_hover(keyword),
        });
    }
    let markdown = match node {
        Node::Statement(_) | Node::Target(_) => return None,
        Node::ItemName(_) => item_hover(&cx, item_of(db, file, parsed)?),
        Node::ItemRef(tag, name) => item_hover(&cx, item_index(db, project).get(tag, &name.text)?),
        Node::RouteName { table } => route_hover(&cx, &table.text, word),
        Node::RouteRef { table, route } => route_hover(&cx, &table.text, &route.text),
        Node::Namespace(name) => namespace_hover(cx.inventory, &name.text),
        Node::Cluster(name) => cluster_hover(cx.inventory, &name.text)?,
        Node::Service(service) => service_hover(&cx, service),
        Node::ServicePort { service, port } => port_hover(&cx, service, port)?,
        Node::LabelKey { label, services } => label_key_hover(cx.inventory, label, services),
        Node::LabelValue { label, services } => label_value_hover(cx.inventory, label, services),
        Node::PolicyKind(name) => kind_hover(PolicyKind::from_name(&name.text)?),
        Node::Field { kind, name } => field_hover(kind?.field(&name.text)?),
        Node::Enum | Node::PortName | Node::ServiceAccount => return None,
    };
    Some(Hover {
        range: range_of(parse, parsed, span),
        markdown,
    })
}

struct Ctx<'db> {
    db: &'db dyn Db,
    project: Project,
    file: SourceFile,
    inventory: &'db InventoryIndex,
}

/// A code block with the signature, then sections separated by rules.
fn render(signature: &str, sections: &[String]) -> String {
    let mut out = format!("```route\n{signature}\n```");
    for section in sections.iter().filter(|s| !s.is_empty()) {
        out.push_str("\n\n---\n\n");
        out.push_str(section);
    }
    out
}

fn keyword_hover(keyword: &docs::Keyword) -> String {
    render(keyword.syntax, &[keyword.doc.to_owned()])
}

/// An item: its signature, its `##` documentation, and what its summary says.
fn item_hover<'db>(cx: &Ctx<'db>, item: Item<'db>) -> String {
    let db = cx.db;
    let name = item.name(db);
    let tag = item.tag(db);
    let (signature, details) = match tag {
        ItemTag::Gateway => {
            let clusters = gateway_clusters(db, item);
            let details = if clusters.is_empty() {
                String::new()
            } else {
                format!("**Clusters**: {}", code_list(clusters, 10))
            };
            (format!("gateway {name}"), details)
        }
        ItemTag::Destination => (format!("destination {name}"), destination_details(cx, item)),
        ItemTag::Policy => {
            let kind = policy_kind(db, item);
            let written = match (&item.syntax(db).kind, kind) {
                (_, Some(kind)) => kind.name().to_owned(),
                (ast::ItemKind::Policy(policy), None) => policy.kind.text.to_string(),
                _ => String::new(),
            };
            let details = kind.map_or_else(String::new, |kind| {
                format!(
                    "{} {}: apply it in {}.",
                    kind.doc(),
                    capitalize(kind.level().adjective()),
                    kind.level().place()
                )
            });
            (format!("policy {name} = {written}"), details)
        }
        ItemTag::Routes => (format!("routes {name}"), table_details(db, item)),
        ItemTag::Test => (format!("test {}", quote(name)), String::new()),
    };
    let doc = item.doc(db).clone().unwrap_or_default();
    render(&signature, &[doc, details])
}

/// The services and clusters a destination's selectors resolve to, and its ports.
fn destination_details<'db>(cx: &Ctx<'db>, item: Item<'db>) -> String {
    let backends = destination_backends(cx.db, cx.project, item);
    let mut lines = Vec::new();
    if backends.services.is_empty() {
        lines.push("Selects no service of the inventory.".to_owned());
    } else {
        // `reviews.bookinfo` on `cluster-1`, `cluster-2`: one line per service.
        let mut by_service: BTreeMap<String, Vec<&str>> = BTreeMap::new();
        for backend in &backends.services {
            by_service
                .entry(format!("{}.{}", backend.name, backend.namespace))
                .or_default()
                .push(&backend.cluster);
        }
        lines.push(format!(
            "**Clusters**: {}",
            code_list(&backends.clusters, 10)
        ));
        let shown: Vec<String> = by_service
            .iter()
            .take(10)
            .map(|(service, clusters)| format!("- `{service}` on {}", code_list(clusters, 10)))
            .collect();
        lines.push(format!("**Backends**:\n{}", shown.join("\n")));
        if by_service.len() > 10 {
            lines.push(format!("and {} more services", by_service.len() - 10));
        }
    }
    let ports = destination_ports(cx.db, item);
    if !ports.is_empty() {
        let ports: Vec<String> = ports.iter().map(u16::to_string).collect();
        lines.push(format!("**Ports**: {}", code_list(&ports, 10)));
    }
    lines.join("\n\n")
}

fn table_details<'db>(db: &'db dyn Db, item: Item<'db>) -> String {
    let summary = table_summary(db, item);
    let mut lines = Vec::new();
    if summary.hosts.is_empty() {
        lines.push("A delegated table: reached only through `delegate to routes`.".to_owned());
    } else {
        lines.push(format!("**Hosts**: {}", code_list(&summary.hosts, 10)));
    }
    if !summary.gateways.is_empty() {
        lines.push(format!(
            "**Gateways**: {}",
            code_list(&summary.gateways, 10)
        ));
    }
    if summary.mesh {
        lines.push("**Exposed** inside the mesh".to_owned());
    }
    lines.push(format!("**Routes**: {}", summary.routes.len()));
    lines.join("\n\n")
}

fn route_hover(cx: &Ctx<'_>, table: &str, route: &str) -> String {
    let index = item_index(cx.db, cx.project);
    let position = index.get(ItemTag::Routes, table).and_then(|item| {
        let routes = &table_summary(cx.db, item).routes;
        let at = routes.iter().position(|r| r == route)?;
        Some(format!(
            "Route {} of {} in table `{table}`; tried in order.",
            at + 1,
            routes.len()
        ))
    });
    render(
        &format!("route {table}.{route}"),
        &[position.unwrap_or_default()],
    )
}

fn namespace_hover(inventory: &InventoryIndex, namespace: &str) -> String {
    let clusters: Vec<&str> = inventory
        .clusters_with_namespace(namespace)
        .map(|c| c.name.as_str())
        .collect();
    let details = if clusters.is_empty() {
        "Not in the inventory.".to_owned()
    } else {
        let services: Vec<&str> = inventory.service_names_in(namespace).collect();
        let mut lines = vec![format!("**Clusters**: {}", code_list(&clusters, 10))];
        if !services.is_empty() {
            lines.push(format!("**Services**: {}", code_list(&services, 10)));
        }
        lines.join("\n\n")
    };
    render(&format!("namespace {namespace}"), &[details])
}

fn cluster_hover(inventory: &InventoryIndex, name: &str) -> Option<String> {
    let cluster = inventory.cluster(name)?;
    let mut lines = Vec::new();
    let locality: Vec<String> = [("Region", &cluster.region), ("Zone", &cluster.zone)]
        .into_iter()
        .filter_map(|(what, value)| Some(format!("**{what}**: {}", value.as_deref()?)))
        .collect();
    if !locality.is_empty() {
        lines.push(locality.join(" · "));
    }
    let namespaces: Vec<&str> = inventory.namespaces_in(name).collect();
    if !namespaces.is_empty() {
        lines.push(format!("**Namespaces**: {}", code_list(&namespaces, 10)));
    }
    Some(render(&format!("cluster {name}"), &[lines.join("\n\n")]))
}

/// The namespace of a service reference: as written, else the file's.
fn namespace_of(cx: &Ctx<'_>, service: &QualifiedName) -> String {
    match &service.namespace {
        Some(namespace) => namespace.text.to_string(),
        None => file_namespace(cx.db, cx.project, cx.file).to_owned(),
    }
}

/// What the inventory says about a service: where it runs, its ports and labels.
fn service_hover(cx: &Ctx<'_>, service: &QualifiedName) -> String {
    let namespace = namespace_of(cx, service);
    let name = &service.name.text;
    let signature = format!("service {name}.{namespace}");
    let entries: Vec<_> = cx
        .inventory
        .services_named(&namespace, name)
        .iter()
        .filter_map(|&at| cx.inventory.resolve_service(at))
        .collect();
    let Some(first) = entries.first() else {
        return render(&signature, &["Not in the inventory.".to_owned()]);
    };
    let clusters: Vec<&str> = entries.iter().map(|e| e.cluster.name.as_str()).collect();
    let mut lines = vec![format!("**Clusters**: {}", code_list(&clusters, 10))];
    let mut ports: Vec<String> = Vec::new();
    for entry in &entries {
        for port in &entry.service.ports {
            let shown = show_port(port);
            if !ports.contains(&shown) {
                ports.push(shown);
            }
        }
    }
    if !ports.is_empty() {
        lines.push(format!("**Ports**: {}", ports.join(", ")));
    }
    if !first.service.labels.is_empty() {
        let labels: Vec<String> = first
            .service
            .labels
            .iter()
            .map(|(k, v)| format!("`{k} = {}`", quote(v)))
            .collect();
        lines.push(format!("**Labels**: {}", labels.join(", ")));
    }
    render(&signature, &[lines.join("\n\n")])
}

/// `` `9080/http` ``, with the protocol when the name does not say it and the target port when
/// it differs: `` `80/http2` → 8080 ``, `` `8080` (http) ``.
fn show_port(port: &ServicePort) -> String {
    let protocol = infer_protocol(port).as_str();
    let mut out = match &port.name {
        Some(name) => format!("`{}/{name}`", port.port),
        None => format!("`{}`", port.port),
    };
    if port.name.as_deref() != Some(protocol) {
        out.push_str(&format!(" ({protocol})"));
    }
    match &port.target_port {
        Some(TargetPort::Number(n)) if *n != port.port => out.push_str(&format!(" → {n}")),
        Some(TargetPort::Name(n)) => out.push_str(&format!(" → {n}")),
        _ => {}
    }
    out
}

fn port_hover(cx: &Ctx<'_>, service: &QualifiedName, port: &PortRef) -> Option<String> {
    let namespace = namespace_of(cx, service);
    let name = &service.name.text;
    let found = cx
        .inventory
        .services_named(&namespace, name)
        .iter()
        .filter_map(|&at| cx.inventory.resolve_service(at))
        .find_map(|entry| match port {
            PortRef::Number(n) => entry.service.port(u16::try_from(n.value).ok()?),
            PortRef::Name(n) => entry.service.port_named(&n.text),
        })?;
    Some(render(
        &format!("service {name}.{namespace}:{}", found.port),
        &[format!("**Port**: {}", show_port(found))],
    ))
}

fn label_key_hover(inventory: &InventoryIndex, label: &LabelMatch, services: bool) -> String {
    let key = &label.key.value;
    let values: Vec<&str> = if services {
        inventory.service_labels().values(key).collect()
    } else {
        inventory.workload_labels().values(key).collect()
    };
    let what = if services { "services" } else { "workloads" };
    let details = if values.is_empty() {
        format!("No {what} of the inventory carry this label.")
    } else {
        format!("**Values** on {what}: {}", code_list(&values, 10))
    };
    render(&format!("label {}", bare_or_quoted(key)), &[details])
}

fn label_value_hover(inventory: &InventoryIndex, label: &LabelMatch, services: bool) -> String {
    let pair = [(label.key.value.as_str(), label.value.value.as_str())];
    let (count, what) = if services {
        (inventory.match_services(&pair, None, None).len(), "service")
    } else {
        (
            inventory.match_workloads(&pair, None, None).len(),
            "workload",
        )
    };
    let plural = if count == 1 { "" } else { "s" };
    render(
        &format!(
            "{} = {}",
            bare_or_quoted(&label.key.value),
            quote(&label.value.value)
        ),
        &[format!(
            "Carried by {count} {what}{plural} of the inventory (in any namespace)."
        )],
    )
}

fn kind_hover(kind: PolicyKind) -> String {
    let level = kind.level();
    let mut lines = vec![
        kind.doc().to_owned(),
        format!(
            "{}: apply it in {}.",
            capitalize(level.adjective()),
            level.place()
        ),
    ];
    if let Some(short) = kind.short_form() {
        lines.push(format!(
            "Written `{} VALUE`: {}",
            kind.name(),
            short.ty.describe()
        ));
    }
    if !kind.fields().is_empty() {
        let fields: Vec<String> = kind
            .fields()
            .iter()
            .map(|f| format!("- `{}`: {}{}", f.name, f.ty.describe(), flags(f)))
            .collect();
        lines.push(format!("**Fields**:\n{}", fields.join("\n")));
    }
    lines.push(format!("Example: `{}`", kind.example()));
    render(kind.name(), &[lines.join("\n\n")])
}

fn field_hover(spec: &FieldSpec) -> String {
    render(
        spec.name,
        &[
            spec.doc.to_owned(),
            format!(
                "**Type**: {}{}\n\nExample: `{}`",
                spec.ty.describe(),
                flags(spec),
                spec.example
            ),
        ],
    )
}

/// ` (required, repeatable)`.
fn flags(spec: &FieldSpec) -> String {
    let flags: Vec<&str> = [(spec.required, "required"), (spec.repeat, "repeatable")]
        .into_iter()
        .filter_map(|(set, word)| set.then_some(word))
        .collect();
    if flags.is_empty() {
        String::new()
    } else {
        format!(" ({})", flags.join(", "))
    }
}

fn code_list<S: AsRef<str>>(names: &[S], shown: usize) -> String {
    list_some(names.iter().map(AsRef::as_ref), shown, true)
}

fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}
