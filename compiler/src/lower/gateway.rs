//! `gateway` → VirtualGateway.
//!
//! One workload selector per `cluster`: the `workload` labels (and namespace, when written) on
//! that cluster, since a Gloo workload selector names at most one cluster. One listener per
//! `listen`: `http` and `https` are HTTP listeners, `tcp` a TCP one; `tls SECRET` terminates
//! TLS (mode SIMPLE) with that Kubernetes secret. `allowedRouteTables` is left out, which Gloo
//! defines as "any route table may bind": which tables are exposed on a gateway is said by the
//! tables (`expose on gateway`), not by the gateway.

use route_lang::check::gateway_clusters;
use route_lang::syntax::ast::{self, GatewayStmt};

use super::{Cx, selector_labels, to_u32};
use crate::resources::{
    Listener, ListenerProtocol, ListenerTls, ObjectSelector, PortSelector, Resource, TlsMode,
    VirtualGateway, VirtualGatewaySpec, WorkloadSelector,
};

pub(super) fn lower(cx: &Cx<'_>, gateway: &ast::Gateway) -> Resource {
    let mut workload: Option<(&ast::Selector, Option<&ast::Name>)> = None;
    let mut listeners = Vec::new();
    for stmt in &gateway.body {
        match stmt {
            // One `workload` is allowed; a second is a checker error.
            GatewayStmt::Workload {
                selector,
                namespace,
                ..
            } => {
                workload.get_or_insert((selector, namespace.as_ref()));
            }
            GatewayStmt::Listen {
                port,
                protocol,
                tls,
                ..
            } => listeners.extend(listener(port, protocol, tls.as_ref())),
            GatewayStmt::Cluster { .. } | GatewayStmt::Error(_) => {}
        }
    }
    // The clusters in source order, each once: the gateway's summary, as the checker sees it.
    let workloads = gateway_clusters(cx.db, cx.item)
        .iter()
        .map(|cluster| WorkloadSelector {
            selector: Some(ObjectSelector {
                labels: workload
                    .map(|(s, _)| selector_labels(s))
                    .unwrap_or_default(),
                namespace: workload.and_then(|(_, ns)| ns).map(|ns| ns.text.clone()),
                cluster: Some(cluster.clone()),
                ..ObjectSelector::default()
            }),
            ..WorkloadSelector::default()
        })
        .collect();
    VirtualGateway {
        metadata: cx.metadata(&gateway.name.text, Default::default()),
        spec: VirtualGatewaySpec {
            workloads,
            listeners,
        },
    }
    .into()
}

/// One `listen`; `None` for an unknown protocol (a checker error).
fn listener(port: &ast::Int, protocol: &ast::Name, tls: Option<&ast::Str>) -> Option<Listener> {
    let protocol = match protocol.text.as_str() {
        "http" | "https" => ListenerProtocol::Http {},
        "tcp" => ListenerProtocol::Tcp {},
        _ => return None,
    };
    Some(Listener {
        protocol,
        port: PortSelector::Number(to_u32(port.value)),
        tls: tls.map(|secret| ListenerTls {
            mode: Some(TlsMode::Simple),
            secret_name: Some(secret.value.clone()),
        }),
    })
}
