//! Inlay hints: which clusters a target or a destination resolves to, shown after each
//! `to destination X` / `to service Y` target and after each `destination NAME {` header
//! (` → cluster-1, cluster-2`).
//!
//! A destination's clusters come from its summary ([`destination_backends`]); a service's from
//! the inventory (narrowed, for a subset, to the clusters where a workload of the subset
//! runs). A service target with `@CLUSTER` says its cluster already and gets no hint, nor does
//! a name that does not resolve (the checker reports it).

use super::classify::{Node, walk};
use super::{TextRange, item_of, list_some, range_of, slice, touches};
use crate::check::destination_backends;
use crate::db::{Db, Item, ItemTag, Project, SourceFile, file_namespace, item_index, parse_file};
use crate::inventory::InventoryIndex;
use crate::syntax::ast::{self, CompactString, Span, Target};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InlayHint {
    /// Where the hint is shown: right after this byte.
    pub offset: u32,
    /// The text shown, with its leading space: ` → cluster-1, cluster-2`.
    pub label: String,
}

/// The most clusters one hint names.
const SHOWN: usize = 4;

/// The hints of the items of `file` that overlap `range`.
pub fn inlay_hints(
    db: &dyn Db,
    project: Project,
    file: SourceFile,
    range: TextRange,
) -> Vec<InlayHint> {
    let text = file.text(db);
    let parse = parse_file(db, file);
    let cx = Ctx {
        db,
        project,
        inventory: project.inventory(db).index(db),
        namespace: file_namespace(db, project, file),
    };
    // Only the statements in the range are visited: the walk's window is in tokens.
    let first = parse.tokens.partition_point(|t| t.end <= range.start);
    let last = parse.tokens.partition_point(|t| t.start < range.end);
    let mut out = Vec::new();
    let start = parse
        .items
        .partition_point(|p| parse.item_range(p).end < range.start);
    for parsed in parse.items.get(start..).unwrap_or(&[]) {
        if parse.item_range(parsed).start > range.end {
            break;
        }
        let relative = |i: usize| {
            u32::try_from(i)
                .unwrap_or(u32::MAX)
                .saturating_sub(parsed.first_token)
        };
        let window = Span::new(relative(first), relative(last).max(relative(first) + 1));
        walk(&parsed.item, Some(window), &mut |span, node| {
            let hint = match node {
                Node::Target(target) => {
                    target_clusters(&cx, target).map(|c| (end_before_weight(target), c))
                }
                Node::ItemName(ItemTag::Destination) => item_of(db, file, parsed).map(|item| {
                    let clusters = destination_clusters(&cx, item);
                    // After the header's `{` when there is one, else after the name.
                    let brace = parse
                        .tokens
                        .get((parsed.first_token + span.end) as usize)
                        .is_some_and(|&t| slice(text, t) == "{");
                    let after = if brace {
                        Span::new(span.end, span.end + 1)
                    } else {
                        span
                    };
                    (after, clusters)
                }),
                _ => None,
            };
            let Some((after, clusters)) = hint else {
                return;
            };
            let at = range_of(parse, parsed, after);
            if at.start == at.end || !touches(at, range) {
                return;
            }
            let label = if clusters.is_empty() {
                " → no cluster".to_owned()
            } else {
                let shown = list_some(clusters.iter().copied(), SHOWN, false);
                format!(" → {shown}")
            };
            out.push(InlayHint {
                offset: at.end,
                label,
            });
        });
    }
    out.sort_by_key(|hint| hint.offset);
    out
}

struct Ctx<'db> {
    db: &'db dyn Db,
    project: Project,
    inventory: &'db InventoryIndex,
    /// The file's namespace: the default namespace of service targets.
    namespace: &'db str,
}

/// The clusters a target resolves to; `None` when that is not worth a hint (`@CLUSTER` says
/// it) or the target does not resolve.
fn target_clusters<'db>(cx: &Ctx<'db>, target: &Target) -> Option<Vec<&'db str>> {
    match target {
        Target::Service {
            service,
            subset,
            cluster: None,
            ..
        } => {
            let namespace = service
                .namespace
                .as_ref()
                .map_or(cx.namespace, |n| n.text.as_str());
            service_clusters(cx.inventory, &service.name.text, namespace, subset.as_ref())
        }
        Target::Service { .. } => None,
        Target::Destination { name, .. } => {
            let item = item_index(cx.db, cx.project).get(ItemTag::Destination, &name.text)?;
            Some(destination_clusters(cx, item))
        }
    }
}

/// The clusters a destination spans, in inventory order.
fn destination_clusters<'db>(cx: &Ctx<'db>, item: Item<'db>) -> Vec<&'db str> {
    destination_backends(cx.db, cx.project, item)
        .clusters
        .iter()
        .map(CompactString::as_str)
        .collect()
}

/// The clusters that run the service `name.namespace` (only those where a workload of
/// `subset` runs, for a subset), in inventory order; `None` for an unknown service.
fn service_clusters<'i>(
    inventory: &'i InventoryIndex,
    name: &str,
    namespace: &str,
    subset: Option<&ast::Selector>,
) -> Option<Vec<&'i str>> {
    let refs = inventory.services_named(namespace, name);
    if refs.is_empty() {
        return None;
    }
    let clusters = refs
        .iter()
        .filter_map(|&at| inventory.resolve_service(at))
        .filter(|entry| {
            let Some(subset) = subset else {
                return true;
            };
            // The subset's pods: the service's own pods that also carry the subset's labels.
            let mut labels: Vec<(&str, &str)> = entry
                .service
                .selector
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            labels.extend(
                subset
                    .labels
                    .iter()
                    .map(|l| (l.key.value.as_str(), l.value.value.as_str())),
            );
            let cluster = [entry.cluster.name.as_str()];
            !inventory
                .match_workloads(&labels, Some(namespace), Some(&cluster))
                .is_empty()
        })
        .map(|entry| entry.cluster.name.as_str())
        .collect();
    Some(clusters)
}

/// The part of a target a hint follows: everything but its `weight`.
fn end_before_weight(target: &Target) -> Span {
    let span = target.span();
    let end = match target {
        Target::Service {
            service,
            port,
            subset,
            cluster,
            ..
        } => [
            Some(service.span.end),
            port.as_ref().map(|p| p.span().end),
            subset.as_ref().map(|s| s.span.end),
            cluster.as_ref().map(|c| c.span.end),
        ]
        .into_iter()
        .flatten()
        .max(),
        Target::Destination { name, port, .. } => {
            Some(port.as_ref().map_or(name.span.end, |p| p.span().end))
        }
    };
    Span::new(span.start, end.unwrap_or(span.end))
}
