//! `routec inventory import` and `routec inventory snapshot`: write the inventory from
//! Kubernetes manifests or from live clusters.
//!
//! Both produce one inventory cluster per `--cluster` / `--context` and either print the
//! inventory on stdout or, with `-o FILE`, merge it into that file: clusters of other names
//! are kept, a cluster of the same name is replaced, and clusters are sorted by name. The file
//! is replaced atomically (written beside it, then renamed), so an interrupted run leaves the
//! old inventory.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use clap::Subcommand;
use route_lang::inventory::{Cluster, Inventory, parse_inventory};

use super::{Console, Exit};
use crate::cluster::import::{self, ImportOptions};
use crate::cluster::snapshot::{self, Request};
use crate::cluster::{self, Target};
use crate::project::{LoadError, display_path, io_message};

#[derive(Debug, clap::Args)]
pub struct InventoryArgs {
    #[command(subcommand)]
    pub command: InventoryCommand,
}

#[derive(Debug, Subcommand)]
pub enum InventoryCommand {
    /// Describe a cluster from Kubernetes manifests: Services, Deployments, StatefulSets,
    /// DaemonSets, ServiceAccounts and Namespaces (other kinds are skipped).
    #[command(
        after_help = "Exit status: 0 written, 2 manifests or an inventory that could \
                            not be read, or output that could not be written."
    )]
    Import(ImportArgs),
    /// Describe live clusters through their kubeconfig contexts (never reads Secrets or
    /// ConfigMaps).
    #[command(
        after_help = "Exit status: 0 written, 2 a cluster that could not be read (then \
                            nothing is written), or a file that could not be read or written."
    )]
    Snapshot(SnapshotArgs),
}

#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// The cluster's name in the inventory
    #[arg(long, value_name = "NAME")]
    pub cluster: String,
    /// The namespace of objects whose manifest sets none
    #[arg(long, value_name = "NS", default_value = "default")]
    pub namespace: String,
    /// The cluster's region (used by failover)
    #[arg(long, value_name = "R")]
    pub region: Option<String>,
    /// The cluster's zone
    #[arg(long, value_name = "Z")]
    pub zone: Option<String>,
    /// Manifest files, and folders searched for *.yaml, *.yml and *.json
    #[arg(required = true, value_name = "FILES_OR_DIRS")]
    pub paths: Vec<PathBuf>,
    /// Merge into this inventory file (replacing the cluster if it is there) instead of
    /// printing the inventory
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub struct SnapshotArgs {
    /// A kubeconfig context to read, and the cluster name to give it (default: the context's
    /// name); repeat for several clusters, read concurrently
    #[arg(long = "context", value_name = "CTX[=CLUSTER]", required = true)]
    pub contexts: Vec<String>,
    /// The kubeconfig [default: $KUBECONFIG, else ~/.kube/config]
    #[arg(long, value_name = "FILE")]
    pub kubeconfig: Option<PathBuf>,
    /// Merge into this inventory file (replacing clusters of the same names) instead of
    /// printing the inventory
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

pub fn run(args: &InventoryArgs, console: &mut Console) -> io::Result<Exit> {
    match &args.command {
        InventoryCommand::Import(args) => run_import(args, console),
        InventoryCommand::Snapshot(args) => run_snapshot(args, console),
    }
}

fn run_import(args: &ImportArgs, console: &mut Console) -> io::Result<Exit> {
    for (flag, value) in [
        ("--cluster", &args.cluster),
        ("--namespace", &args.namespace),
    ] {
        if value.trim().is_empty() {
            console.error(format_args!("{flag} must not be empty"))?;
            return Ok(Exit::BadInput);
        }
    }
    let imported = import::read_manifests(&args.paths).and_then(|files| {
        import::import(
            &files,
            &ImportOptions {
                cluster: args.cluster.clone(),
                namespace: args.namespace.clone(),
                region: args.region.clone(),
                zone: args.zone.clone(),
            },
        )
    });
    let imported = match imported {
        Ok(imported) => imported,
        Err(error) => {
            console.error(error)?;
            return Ok(Exit::BadInput);
        }
    };
    for warning in &imported.warnings {
        console.warning(warning)?;
    }
    write(console, args.output.as_deref(), vec![imported.cluster])
}

fn run_snapshot(args: &SnapshotArgs, console: &mut Console) -> io::Result<Exit> {
    let mut requests: Vec<Request> = Vec::with_capacity(args.contexts.len());
    for spec in &args.contexts {
        // A context name may contain `=` more easily than an inventory cluster name does.
        let (context, cluster) = match spec.rsplit_once('=') {
            Some((context, cluster)) => (context, cluster),
            None => (spec.as_str(), spec.as_str()),
        };
        if context.is_empty() || cluster.is_empty() {
            console.error(format_args!(
                "--context {spec:?}: expected CONTEXT or CONTEXT=CLUSTER"
            ))?;
            return Ok(Exit::BadInput);
        }
        if requests.iter().any(|r| r.cluster == cluster) {
            console.error(format_args!(
                "cluster `{cluster}` is named by two --context options; give each its own \
                 name with CONTEXT=CLUSTER"
            ))?;
            return Ok(Exit::BadInput);
        }
        requests.push(Request {
            target: Target {
                kubeconfig: args.kubeconfig.clone(),
                context: Some(context.to_owned()),
            },
            cluster: cluster.to_owned(),
        });
    }

    let runtime = cluster::runtime()?;
    let mut progress_error = None;
    let results = runtime.block_on(snapshot::snapshot_all(&requests, |index, result| {
        let Some(request) = requests.get(index) else {
            return;
        };
        let context = request.target.context.as_deref().unwrap_or_default();
        let line = match result {
            Ok(cluster) => console.line(format_args!(
                "{} (context {context}): {}",
                request.cluster,
                snapshot::summary(cluster)
            )),
            Err(error) => console.error(format_args!(
                "{} (context {context}): {error}",
                request.cluster
            )),
        };
        if let Err(error) = line {
            progress_error.get_or_insert(error);
        }
    }));
    if let Some(error) = progress_error {
        return Err(error);
    }
    let failed = results.iter().filter(|r| r.is_err()).count();
    if failed > 0 {
        console.error(format_args!(
            "nothing written: {failed} of {} clusters could not be read",
            results.len()
        ))?;
        return Ok(Exit::BadInput);
    }
    write(
        console,
        args.output.as_deref(),
        results.into_iter().flatten().collect(),
    )
}

/// Prints the clusters as an inventory, or merges them into `output`.
fn write(console: &mut Console, output: Option<&Path>, clusters: Vec<Cluster>) -> io::Result<Exit> {
    let Some(output) = output else {
        let mut inventory = Inventory::default();
        for cluster in clusters {
            cluster::merge_cluster(&mut inventory, cluster);
        }
        return match to_yaml(&inventory) {
            Ok(text) => {
                console.out.write_all(text.as_bytes())?;
                Ok(Exit::Success)
            }
            Err(error) => {
                console.error(error)?;
                Ok(Exit::BadInput)
            }
        };
    };

    let mut inventory = match read_existing(output) {
        Ok(inventory) => inventory,
        Err(error) => {
            console.error(error)?;
            return Ok(Exit::BadInput);
        }
    };
    let mut lines = Vec::new();
    for cluster in clusters {
        let name = cluster.name.clone();
        let verb = if cluster::merge_cluster(&mut inventory, cluster) {
            "replaced"
        } else {
            "added"
        };
        lines.push(format!(
            "{verb} cluster `{name}` in {}",
            display_path(output)
        ));
    }
    let written = to_yaml(&inventory).and_then(|text| {
        replace_file(output, &text).map_err(|e| {
            format!(
                "{}: cannot write it: {}",
                display_path(output),
                io_message(&e)
            )
        })
    });
    if let Err(error) = written {
        console.error(error)?;
        return Ok(Exit::BadInput);
    }
    for line in lines {
        console.line(line)?;
    }
    Ok(Exit::Success)
}

/// The inventory already in `path`, or an empty one when there is no such file.
fn read_existing(path: &Path) -> Result<Inventory, String> {
    let text = match fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Inventory::default()),
        Err(e) => {
            return Err(format!(
                "{}: cannot read it: {}",
                display_path(path),
                io_message(&e)
            ));
        }
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    parse_inventory(&name, &text).map_err(|e| LoadError::rejected(path, e).to_string())
}

/// What the inventory files routec writes start with.
const HEADER: &str = "\
# The cluster inventory of a routec project (format: the Inventory section of the language
# reference). Written by `routec inventory import` / `routec inventory snapshot`: running
# them again replaces the clusters they name and keeps the others.
";

fn to_yaml(inventory: &Inventory) -> Result<String, String> {
    serde_saphyr::to_string(inventory)
        .map(|body| format!("{HEADER}{body}"))
        .map_err(|e| format!("internal error: cannot write the inventory as YAML: {e}"))
}

/// Writes `text` to a temporary file beside `path`, then renames it over `path`.
fn replace_file(path: &Path, text: &str) -> io::Result<()> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "inventory".to_owned());
    let temporary = path.with_file_name(format!(".{name}.routec-tmp"));
    fs::write(&temporary, text)?;
    fs::rename(&temporary, path).inspect_err(|_| {
        // Leave no stray file behind; the rename error is what gets reported.
        let _ = fs::remove_file(&temporary);
    })
}
