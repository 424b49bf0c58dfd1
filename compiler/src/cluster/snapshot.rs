//! Live clusters → inventory clusters (`routec inventory snapshot`).
//!
//! [`snapshot`] lists, through one client, what the inventory describes: namespaces (with their
//! labels), services, Deployments, StatefulSets and DaemonSets, and service accounts, and reads
//! the region and zone from the nodes' standard topology labels. It never asks for Secrets or
//! ConfigMaps (nor anything else), so the credentials it needs are `list` on those six
//! resources, plus `list` on nodes when locality is wanted: a 403 on nodes only leaves region and
//! zone out.
//!
//! The objects go through the same conversion as manifests do ([`super::import`]), so a
//! snapshot of a cluster and an import of the manifests applied to it produce the same
//! inventory. [`snapshot_all`] runs one snapshot per kubeconfig context concurrently and
//! reports each as it finishes.
//!
//! Lists are paged (500 objects a request), so a large cluster costs several small requests
//! rather than one huge response.

use std::fmt::Debug;

use k8s_openapi::api::apps::v1::{DaemonSet, Deployment, StatefulSet};
use k8s_openapi::api::core::v1::{Namespace, Node, Service, ServiceAccount};
use kube::api::{Api, ListParams, ObjectList};
use kube::core::PartialObjectMeta;
use kube::{Client, Resource};
use route_lang::inventory::{Cluster, Labels};
use serde::de::DeserializeOwned;
use tokio::task::JoinSet;

use super::errors::describe;
use super::import::{self, ClusterBuilder};
use super::{Target, connect};

/// Objects per list request.
const PAGE_SIZE: u32 = 500;

/// The node labels locality comes from: the standard ones, then their deprecated beta names
/// (still set by some older installers).
const REGION_LABELS: &[&str] = &[
    "topology.kubernetes.io/region",
    "failure-domain.beta.kubernetes.io/region",
];
const ZONE_LABELS: &[&str] = &[
    "topology.kubernetes.io/zone",
    "failure-domain.beta.kubernetes.io/zone",
];

/// Reads one cluster through `client` and describes it as the inventory cluster `name`.
/// `server` names the API server in connection errors. Fails with one line naming what could
/// not be listed.
pub async fn snapshot(client: &Client, name: &str, server: &str) -> Result<Cluster, String> {
    let lister = Lister { client, server };
    let (namespaces, services, deployments, stateful_sets, daemon_sets, accounts, locality) = tokio::try_join!(
        lister.metadata::<Namespace>("namespaces"),
        lister.objects::<Service>("services"),
        lister.objects::<Deployment>("deployments"),
        lister.objects::<StatefulSet>("statefulsets"),
        lister.objects::<DaemonSet>("daemonsets"),
        lister.metadata::<ServiceAccount>("serviceaccounts"),
        lister.locality(),
    )?;

    let mut builder = ClusterBuilder::default();
    for namespace in namespaces {
        let meta = namespace.metadata;
        if let Some(name) = meta.name {
            builder.namespace(&name, meta.labels.unwrap_or_default());
        }
    }
    for account in accounts {
        let meta = account.metadata;
        if let (Some(name), Some(namespace)) = (meta.name, meta.namespace) {
            builder.service_account(&namespace, name);
        }
    }
    for service in services {
        let (name, namespace, object) = parts(&service, "service")?;
        let service = import::service(name.clone(), &object)
            .map_err(|e| format!("service `{namespace}/{name}`: {e}"))?;
        builder.service(&namespace, service);
    }
    let workloads = deployments
        .iter()
        .map(|d| workload_parts(d, "Deployment"))
        .chain(
            stateful_sets
                .iter()
                .map(|s| workload_parts(s, "StatefulSet")),
        )
        .chain(daemon_sets.iter().map(|d| workload_parts(d, "DaemonSet")));
    for workload in workloads {
        let (kind, name, namespace, object) = workload?;
        let workload = import::workload(kind, name.clone(), &object)
            .map_err(|e| format!("{kind} `{namespace}/{name}`: {e}"))?;
        builder.workload(&namespace, workload);
    }
    let (region, zone) = locality.unwrap_or_default();
    Ok(builder.finish(name.to_owned(), region, zone))
}

/// Name, namespace and JSON form of a listed object.
fn parts<K: Resource + serde::Serialize>(
    object: &K,
    what: &str,
) -> Result<(String, String, serde_json::Value), String> {
    let meta = object.meta();
    let (Some(name), Some(namespace)) = (meta.name.clone(), meta.namespace.clone()) else {
        return Err(format!(
            "the API server listed a {what} without a name or namespace"
        ));
    };
    let value =
        serde_json::to_value(object).map_err(|e| format!("{what} `{namespace}/{name}`: {e}"))?;
    Ok((name, namespace, value))
}

fn workload_parts<K: Resource + serde::Serialize>(
    object: &K,
    kind: &'static str,
) -> Result<(&'static str, String, String, serde_json::Value), String> {
    parts(object, kind).map(|(name, namespace, value)| (kind, name, namespace, value))
}

struct Lister<'a> {
    client: &'a Client,
    server: &'a str,
}

impl Lister<'_> {
    /// Every object of a kind, in all namespaces.
    async fn objects<K>(&self, plural: &str) -> Result<Vec<K>, String>
    where
        K: Resource<DynamicType = ()> + Clone + DeserializeOwned + Debug,
    {
        let api: Api<K> = Api::all(self.client.clone());
        self.pages(plural, |params| {
            let api = api.clone();
            async move { api.list(&params).await }
        })
        .await
    }

    /// Only the metadata of every object of a kind: all that namespaces, service accounts and
    /// nodes contribute, at a fraction of the transfer.
    async fn metadata<K>(&self, plural: &str) -> Result<Vec<PartialObjectMeta<K>>, String>
    where
        K: Resource<DynamicType = ()> + Clone + DeserializeOwned + Debug,
    {
        let api: Api<K> = Api::all(self.client.clone());
        self.pages(plural, |params| {
            let api = api.clone();
            async move { api.list_metadata(&params).await }
        })
        .await
    }

    async fn pages<T, F, Fut>(&self, plural: &str, list: F) -> Result<Vec<T>, String>
    where
        T: Clone,
        F: Fn(ListParams) -> Fut,
        Fut: Future<Output = Result<ObjectList<T>, kube::Error>>,
    {
        let mut items = Vec::new();
        let mut params = ListParams::default().limit(PAGE_SIZE);
        loop {
            let page = list(params.clone())
                .await
                .map_err(|e| format!("cannot list {plural}: {}", describe(&e, self.server)))?;
            items.extend(page.items);
            match page.metadata.continue_ {
                Some(token) if !token.is_empty() => params = params.continue_token(&token),
                _ => return Ok(items),
            }
        }
    }

    /// Region and zone from the nodes; `None` when nodes may not be listed (403: locality is
    /// optional, and many users of a cluster cannot read nodes).
    async fn locality(&self) -> Result<Option<(Option<String>, Option<String>)>, String> {
        let api: Api<Node> = Api::all(self.client.clone());
        let mut params = ListParams::default().limit(PAGE_SIZE);
        let mut labels = Vec::new();
        loop {
            let page = match api.list_metadata(&params).await {
                Ok(page) => page,
                Err(kube::Error::Api(status)) if status.code == 403 => return Ok(None),
                Err(e) => {
                    return Err(format!("cannot list nodes: {}", describe(&e, self.server)));
                }
            };
            labels.extend(
                page.items
                    .into_iter()
                    .map(|n| n.metadata.labels.unwrap_or_default()),
            );
            match page.metadata.continue_ {
                Some(token) if !token.is_empty() => params = params.continue_token(&token),
                _ => break,
            }
        }
        Ok(Some((
            common_label(&labels, REGION_LABELS),
            common_label(&labels, ZONE_LABELS),
        )))
    }
}

/// The value every labelled node agrees on. A cluster spread over several zones has no single
/// zone, and the inventory then says none rather than pick one.
fn common_label(nodes: &[Labels], keys: &[&str]) -> Option<String> {
    let mut values = nodes.iter().filter_map(|labels| {
        keys.iter()
            .find_map(|key| labels.get(*key).filter(|v| !v.is_empty()))
    });
    let first = values.next()?;
    values.all(|v| v == first).then(|| first.clone())
}

/// One cluster to snapshot: through which context, under which name.
#[derive(Clone, Debug)]
pub struct Request {
    pub target: Target,
    /// The cluster's name in the inventory.
    pub cluster: String,
}

/// Snapshots every requested cluster concurrently. `progress` is called once per request, as
/// each finishes, with the request's index and its result; the results are also returned in
/// request order.
pub async fn snapshot_all(
    requests: &[Request],
    mut progress: impl FnMut(usize, &Result<Cluster, String>),
) -> Vec<Result<Cluster, String>> {
    let mut tasks = JoinSet::new();
    for (index, request) in requests.iter().enumerate() {
        let request = request.clone();
        tasks.spawn(async move {
            let result = match connect(&request.target).await {
                Ok(connection) => {
                    snapshot(&connection.client, &request.cluster, &connection.server).await
                }
                Err(e) => Err(e),
            };
            (index, result)
        });
    }
    let mut results: Vec<Option<Result<Cluster, String>>> = vec![None; requests.len()];
    while let Some(joined) = tasks.join_next().await {
        // A task only fails to join when it panicked; the request it was serving is then the
        // one still without a result below.
        if let Ok((index, result)) = joined {
            progress(index, &result);
            if let Some(slot) = results.get_mut(index) {
                *slot = Some(result);
            }
        }
    }
    results
        .into_iter()
        .enumerate()
        .map(|(index, result)| {
            result.unwrap_or_else(|| {
                let failed = Err("internal error: the snapshot task stopped".to_owned());
                progress(index, &failed);
                failed
            })
        })
        .collect()
}

/// The progress line of a finished snapshot: what was found, and the locality.
pub fn summary(cluster: &Cluster) -> String {
    let count =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let namespaces = &cluster.namespaces;
    let mut text = [
        count(namespaces.len(), "namespace", "namespaces"),
        count(
            namespaces.iter().map(|n| n.services.len()).sum(),
            "service",
            "services",
        ),
        count(
            namespaces.iter().map(|n| n.workloads.len()).sum(),
            "workload",
            "workloads",
        ),
        count(
            namespaces.iter().map(|n| n.service_accounts.len()).sum(),
            "service account",
            "service accounts",
        ),
    ]
    .join(", ");
    match (&cluster.region, &cluster.zone) {
        (Some(region), Some(zone)) => text.push_str(&format!("; region {region}, zone {zone}")),
        (Some(region), None) => text.push_str(&format!("; region {region}")),
        (None, Some(zone)) => text.push_str(&format!("; zone {zone}")),
        (None, None) => text.push_str("; no region or zone"),
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(pairs: &[(&str, &str)]) -> Labels {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn locality_is_what_all_labelled_nodes_agree_on() {
        let a = labels(&[
            ("topology.kubernetes.io/region", "us-east1"),
            ("topology.kubernetes.io/zone", "us-east1-b"),
        ]);
        let b = labels(&[
            ("failure-domain.beta.kubernetes.io/region", "us-east1"),
            ("topology.kubernetes.io/zone", "us-east1-c"),
        ]);
        let unlabelled = Labels::new();
        let nodes = [a.clone(), b, unlabelled];
        assert_eq!(
            common_label(&nodes, REGION_LABELS).as_deref(),
            Some("us-east1")
        );
        assert_eq!(common_label(&nodes, ZONE_LABELS), None);
        assert_eq!(
            common_label(&[a], ZONE_LABELS).as_deref(),
            Some("us-east1-b")
        );
        assert_eq!(common_label(&[], ZONE_LABELS), None);
    }
}
