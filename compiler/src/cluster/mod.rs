//! Everything routec does with real clusters and their manifests.
//!
//! - [`import`] — Kubernetes manifests → an inventory cluster (pure: files in, inventory out);
//! - [`snapshot`] — live clusters → inventory clusters, through their kubeconfig contexts;
//! - [`apply`] — server-side apply, dry-run, diff and prune of compiled resources on the
//!   management cluster;
//! - [`errors`] — API and connection failures as one-line messages.
//!
//! This module holds what they share: the labels that mark routec's objects, how a project's
//! identity is derived, how an inventory file is updated with one cluster, and how a kubeconfig
//! context becomes a client. The `kube` dependency lives here and in the CLI commands that call
//! it, never in `route-lang`.

pub mod apply;
pub mod errors;
pub mod import;
pub mod snapshot;

use std::path::{Path, PathBuf};
use std::time::Duration;

use kube::Client;
use kube::config::{KubeConfigOptions, Kubeconfig};
use route_lang::inventory::{Cluster, Inventory};

/// The field manager of every server-side apply routec makes.
pub const FIELD_MANAGER: &str = "routec";
/// The standard label saying which tool manages an object, and its value on routec's objects
/// (the lowering puts it on every resource).
pub use crate::lower::names::{MANAGED_BY_KEY as MANAGED_BY_LABEL, MANAGED_BY_VALUE as MANAGED_BY};
/// Which routec project produced an object: one cluster can hold the output of several
/// projects, and `--prune` must only ever delete the objects of its own.
pub const PROJECT_LABEL: &str = "routec.io/project";

/// How long one API request may take. kube's default is no limit for reads; every request
/// routec makes is a short list, get, apply or delete, so a server that stops answering is
/// reported instead of hanging the command.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);

/// The identity of the project rooted at `root`, as the value of [`PROJECT_LABEL`]: `[project]
/// name` from `route.toml` (already a DNS-1123 label) or else the root folder's name, made a
/// valid label value (letters, digits, `-`, `_`, `.`; at most 63 characters; starting and
/// ending with a letter or digit). Without a `name`, two clones of one project in folders of
/// different names are two identities, which `--prune` treats as two projects.
pub fn project_identity(configured: Option<&str>, root: &Path) -> Result<String, String> {
    if let Some(name) = configured {
        return Ok(name.to_owned());
    }
    let name = root
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut value: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '-'
            }
        })
        .collect();
    value.truncate(63);
    let value = value
        .trim_matches(|c: char| !c.is_ascii_alphanumeric())
        .to_owned();
    if value.is_empty() {
        Err(format!(
            "cannot derive a project identity from the folder name {name:?}: rename the \
             project folder to a name with letters or digits"
        ))
    } else {
        Ok(value)
    }
}

/// Puts `cluster` into `inventory`, replacing a cluster of the same name, and sorts the
/// clusters by name so that the file does not depend on the order of imports. Returns whether
/// a cluster was replaced.
pub fn merge_cluster(inventory: &mut Inventory, cluster: Cluster) -> bool {
    let before = inventory.clusters.len();
    inventory.clusters.retain(|c| c.name != cluster.name);
    let replaced = inventory.clusters.len() != before;
    inventory.clusters.push(cluster);
    inventory.clusters.sort_by(|a, b| a.name.cmp(&b.name));
    replaced
}

/// The runtime a command runs its cluster requests on. kube's client is async and the CLI is
/// not; one thread is enough, since the work is waiting on the network, and concurrency
/// (several clusters at once) comes from tasks, not threads.
pub fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
}

/// Which kubeconfig, and which context of it, a command talks to.
#[derive(Clone, Debug, Default)]
pub struct Target {
    /// `--kubeconfig FILE`; `None` means `$KUBECONFIG` or `~/.kube/config`, as for kubectl.
    pub kubeconfig: Option<PathBuf>,
    /// The context; `None` means the kubeconfig's current context.
    pub context: Option<String>,
}

/// A client for one context, with what messages need to name it.
#[derive(Clone)]
pub struct Connection {
    pub client: Client,
    /// The context's name (the current context's when none was asked for).
    pub context: String,
    /// The API server's URL.
    pub server: String,
}

/// Reads the kubeconfig and makes a client for the target's context. Must be called inside a
/// tokio runtime (the client starts a task). Fails with one line when the kubeconfig cannot be
/// read, the context does not exist or its credentials cannot be loaded; nothing is sent to the
/// server yet.
pub async fn connect(target: &Target) -> Result<Connection, String> {
    let (kubeconfig, source) = match &target.kubeconfig {
        Some(path) => (
            Kubeconfig::read_from(path),
            crate::project::display_path(path),
        ),
        None => (
            Kubeconfig::read(),
            "the kubeconfig ($KUBECONFIG or ~/.kube/config)".to_owned(),
        ),
    };
    let kubeconfig =
        kubeconfig.map_err(|e| format!("cannot read {source}: {}", errors::chain(&e)))?;
    let context = match target
        .context
        .clone()
        .or_else(|| kubeconfig.current_context.clone())
    {
        Some(context) => context,
        None => {
            return Err(format!(
                "{source} has no current context; pass --context NAME"
            ));
        }
    };
    if !kubeconfig.contexts.iter().any(|c| c.name == context) {
        let known: Vec<&str> = kubeconfig
            .contexts
            .iter()
            .map(|c| c.name.as_str())
            .collect();
        let known = if known.is_empty() {
            "it has none".to_owned()
        } else {
            format!("its contexts: {}", known.join(", "))
        };
        return Err(format!("context `{context}` is not in {source} ({known})"));
    }
    let options = KubeConfigOptions {
        context: Some(context.clone()),
        ..KubeConfigOptions::default()
    };
    let mut config = kube::Config::from_custom_kubeconfig(kubeconfig, &options)
        .await
        .map_err(|e| format!("context `{context}`: {}", errors::chain(&e)))?;
    config.read_timeout = Some(REQUEST_TIMEOUT);
    let server = config.cluster_url.to_string();
    let client = Client::try_from(config)
        .map_err(|e| format!("context `{context}`: {}", errors::chain(&e)))?;
    Ok(Connection {
        client,
        context,
        server,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_project_identity_is_the_folder_name_as_a_label_value() {
        let identity = |path: &str| project_identity(None, Path::new(path));
        assert_eq!(identity("/work/bookinfo"), Ok("bookinfo".to_owned()));
        assert_eq!(identity("/work/My Shop (v2)"), Ok("My-Shop--v2".to_owned()));
        assert_eq!(
            identity(&format!("/w/{}", "a".repeat(80))),
            Ok("a".repeat(63))
        );
        assert!(identity("/work/___").is_err());
        assert!(identity("/").is_err());
    }

    #[test]
    fn merging_replaces_a_cluster_of_the_same_name_and_sorts() {
        let cluster = |name: &str, region: Option<&str>| Cluster {
            name: name.to_owned(),
            region: region.map(str::to_owned),
            zone: None,
            namespaces: Vec::new(),
        };
        let mut inventory = Inventory {
            clusters: vec![cluster("west", None), cluster("east", None)],
        };
        assert!(!merge_cluster(&mut inventory, cluster("central", None)));
        assert!(merge_cluster(
            &mut inventory,
            cluster("west", Some("us-west1"))
        ));
        let names: Vec<(&str, Option<&str>)> = inventory
            .clusters
            .iter()
            .map(|c| (c.name.as_str(), c.region.as_deref()))
            .collect();
        assert_eq!(
            names,
            [
                ("central", None),
                ("east", None),
                ("west", Some("us-west1"))
            ]
        );
    }
}
