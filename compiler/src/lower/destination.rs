//! `destination` → VirtualDestination.
//!
//! `host`s become `hosts`; each `select` becomes a service selector (labels, plus the namespace
//! when `in NS` is written), once per cluster of `clusters` when the destination is restricted
//! to some clusters (a Gloo selector names at most one cluster), else once for every cluster.
//! Each `port` becomes a port with its number, its protocol — written, or inferred from the
//! backing services' port as the contract says — and its `targetPort` when `-> TARGET` is
//! written (Gloo's default is the same number). The destination-level policies it applies that
//! select virtual destinations by label (`outlier`, `failover`) put their label on it.
//!
//! [`destination_selects`] is the summary the `access` policies applied here read.

use std::collections::BTreeMap;

use compact_str::CompactString;
use route_lang::check::{cluster_scope, destination_backends, destination_policies, policy_kind};
use route_lang::db::{Db, Item, ItemTag};
use route_lang::inventory::{self, infer_protocol};
use route_lang::syntax::ast::{self, DestinationStmt, PortRef};

use super::names::PolicySlot;
use super::{Cx, selector_labels, to_u32};
use crate::resources::{
    ObjectSelector, PortSelector, Protocol, Resource, VirtualDestination, VirtualDestinationPort,
    VirtualDestinationSpec,
};

/// A destination's backing-service selectors, for the AccessPolicies applied to it (which
/// select those services themselves: Gloo cannot attach an AccessPolicy to a virtual
/// destination).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DestinationSelects {
    /// One service selector per `select` (and per cluster of `clusters`), in source order.
    pub selectors: Vec<ObjectSelector>,
}

/// The service selectors of a destination (none for other items). Reads only its syntax.
#[salsa::tracked(returns(ref))]
pub fn destination_selects<'db>(db: &'db dyn Db, item: Item<'db>) -> DestinationSelects {
    let ast::ItemKind::Destination(destination) = &item.syntax(db).kind else {
        return DestinationSelects::default();
    };
    DestinationSelects {
        selectors: service_selectors(destination),
    }
}

fn service_selectors(destination: &ast::Destination) -> Vec<ObjectSelector> {
    let clusters: Vec<Option<CompactString>> = match cluster_scope(destination) {
        Some(names) if !names.is_empty() => names.into_iter().map(|n| Some(n.into())).collect(),
        // No `clusters`: the selector names no cluster, which Gloo reads as every cluster.
        _ => vec![None],
    };
    let mut selectors = Vec::new();
    for stmt in &destination.body {
        let DestinationStmt::Select {
            selector,
            namespace,
            ..
        } = stmt
        else {
            continue;
        };
        for cluster in &clusters {
            selectors.push(ObjectSelector {
                labels: selector_labels(selector),
                namespace: namespace.as_ref().map(|ns| ns.text.clone()),
                cluster: cluster.clone(),
                ..ObjectSelector::default()
            });
        }
    }
    selectors
}

pub(super) fn lower(cx: &Cx<'_>, destination: &ast::Destination) -> Resource {
    let mut hosts: Vec<CompactString> = Vec::new();
    let mut ports = Vec::new();
    for stmt in &destination.body {
        match stmt {
            DestinationStmt::Host { hosts: names, .. } => {
                for host in names {
                    if !hosts.contains(&host.value) {
                        hosts.push(host.value.clone());
                    }
                }
            }
            DestinationStmt::Port {
                number,
                protocol,
                target,
                ..
            } => ports.push(VirtualDestinationPort {
                number: to_u32(number.value),
                protocol: port_protocol(cx, number, protocol.as_ref(), target.as_ref()),
                target_port: target.as_ref().map(port_selector),
            }),
            _ => {}
        }
    }
    let mut labels = BTreeMap::new();
    for name in destination_policies(cx.db, cx.item) {
        let kind = cx
            .index
            .get(ItemTag::Policy, name)
            .and_then(|policy| policy_kind(cx.db, policy));
        if let Some(slot) = kind
            .and_then(PolicySlot::of)
            .filter(|s| matches!(s, PolicySlot::OutlierDetection | PolicySlot::Failover))
        {
            labels
                .entry(slot.label_key().into())
                .or_insert_with(|| name.clone());
        }
    }
    VirtualDestination {
        metadata: cx.metadata(&destination.name.text, labels),
        spec: VirtualDestinationSpec {
            hosts,
            services: destination_selects(cx.db, cx.item).selectors.clone(),
            ports,
        },
    }
    .into()
}

/// `9080` → `{number: 9080}`, `http` → `{name: http}`.
pub(super) fn port_selector(port: &PortRef) -> PortSelector {
    match port {
        PortRef::Number(number) => PortSelector::Number(to_u32(number.value)),
        PortRef::Name(name) => PortSelector::Name(name.text.clone()),
    }
}

/// The protocol a port is written with, else the protocol of the backing services' target
/// port (the first backend that has it, in inventory order), else HTTP.
fn port_protocol(
    cx: &Cx<'_>,
    number: &ast::Int,
    written: Option<&ast::Name>,
    target: Option<&PortRef>,
) -> Protocol {
    if let Some(protocol) = written.and_then(|p| inventory::Protocol::from_keyword(&p.text)) {
        return protocol_of(protocol);
    }
    let backends = destination_backends(cx.db, cx.project, cx.item);
    backends
        .services
        .iter()
        .filter_map(|backend| cx.inventory.resolve_service(backend.at))
        .find_map(|entry| {
            let service = entry.service;
            match target {
                Some(PortRef::Name(name)) => service.port_named(&name.text),
                Some(PortRef::Number(port)) => {
                    u16::try_from(port.value).ok().and_then(|p| service.port(p))
                }
                None => u16::try_from(number.value)
                    .ok()
                    .and_then(|p| service.port(p)),
            }
        })
        .map_or(Protocol::Http, |port| protocol_of(infer_protocol(port)))
}

fn protocol_of(protocol: inventory::Protocol) -> Protocol {
    match protocol {
        inventory::Protocol::Http => Protocol::Http,
        inventory::Protocol::Https => Protocol::Https,
        inventory::Protocol::Grpc => Protocol::Grpc,
        inventory::Protocol::Http2 => Protocol::Http2,
        inventory::Protocol::Tcp => Protocol::Tcp,
        inventory::Protocol::Tls => Protocol::Tls,
    }
}
