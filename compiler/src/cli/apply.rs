//! `routec apply [PATH] [--context CTX]… [--dry-run] [--prune] [--force-conflicts]`: compile a
//! project and server-side apply its resources to the management cluster
//! (see [`crate::cluster::apply`] for the order, the checks and what is reported).
//!
//! The project is compiled exactly as `build` compiles it, and any error stops the command
//! before a cluster is contacted. The management cluster is the `context` of route.toml's
//! `[cluster]` table, else the kubeconfig's current context; `--context` overrides it and may
//! be repeated to apply the same resources to several management clusters, one after the
//! other (stopping at the first failure).
//!
//! Output: one line per resource on stdout (`RouteTable bookinfo/reviews configured`), then a
//! summary line; on failure, one `error:` line naming the resource and a `note:` saying exactly
//! what was applied before it.

use std::io::{self, Write};
use std::path::PathBuf;

use super::build::{self, Purpose};
use super::{Console, Exit};
use crate::cluster::apply::{self, Event, Options, Outcome, Planned, Report};
use crate::cluster::{self, Target};
use crate::project::LoadOptions;

/// What `apply` and `diff` share: which project, and which cluster.
#[derive(Debug, clap::Args)]
pub struct ClusterArgs {
    /// The project folder (route.toml is looked for here and above); a .route file stands for
    /// its whole project [default: the current folder]
    pub path: Option<PathBuf>,
    /// The kubeconfig context of the management cluster; repeat to use several
    /// [default: `context` in the [cluster] table of route.toml, else the current context]
    #[arg(long = "context", value_name = "CTX")]
    pub contexts: Vec<String>,
    /// The kubeconfig [default: $KUBECONFIG, else ~/.kube/config]
    #[arg(long, value_name = "FILE")]
    pub kubeconfig: Option<PathBuf>,
    /// Compile against this inventory file instead of the one route.toml names
    #[arg(long, value_name = "FILE")]
    pub inventory: Option<PathBuf>,
    /// Neither read nor write the inventory cache (`.routec_cache/` in the project)
    #[arg(long)]
    pub no_cache: bool,
}

#[derive(Debug, clap::Args)]
pub struct ApplyArgs {
    #[command(flatten)]
    pub cluster: ClusterArgs,
    /// Check everything with a server-side dry run and report what would happen; change
    /// nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Delete this project's objects that the program no longer produces (only objects
    /// labelled as routec's and as this project's)
    #[arg(long)]
    pub prune: bool,
    /// Take over fields owned by other field managers, and objects of the same name that
    /// routec did not create for this project
    #[arg(long)]
    pub force_conflicts: bool,
}

/// A project compiled for a cluster: its objects, its identity and where they go.
pub(super) struct Compiled {
    pub planned: Vec<Planned>,
    /// The project identity label's value.
    pub project: String,
    /// The management clusters, in order.
    pub targets: Vec<Target>,
}

/// Loads and compiles the project as `build` does ([`build::compile`], which prints the
/// diagnostics), then plans its objects for the management clusters. Returns `Err(exit)` when
/// the command must stop: `refused` when the program has errors, [`Exit::BadInput`] when it
/// could not be read or planned.
pub(super) fn compile(
    args: &ClusterArgs,
    console: &mut Console,
    refused: Exit,
) -> io::Result<Result<Compiled, Exit>> {
    let options = LoadOptions {
        path: args.path.clone(),
        inventory: args.inventory.clone(),
        no_cache: args.no_cache,
    };
    let loaded = match build::load(&options, console, Purpose::Apply)? {
        Ok(loaded) => loaded,
        Err(exit) => return Ok(Err(exit)),
    };
    let resources = match build::compile(&loaded, console, Purpose::Apply, refused)? {
        Ok(resources) => resources,
        Err(exit) => return Ok(Err(exit)),
    };

    let config = loaded.project.config(&loaded.db);
    let project = match cluster::project_identity(config.project.name.as_deref(), &loaded.root) {
        Ok(project) => project,
        Err(error) => {
            console.error(error)?;
            return Ok(Err(Exit::BadInput));
        }
    };
    let planned = match apply::plan(&resources, &project, &config.project.namespace) {
        Ok(planned) => planned,
        Err(error) => {
            console.error(format_args!("internal error: {error}"))?;
            return Ok(Err(Exit::BadInput));
        }
    };
    let contexts: Vec<Option<String>> = if args.contexts.is_empty() {
        vec![config.cluster.context.clone()]
    } else {
        args.contexts.iter().cloned().map(Some).collect()
    };
    let targets = contexts
        .into_iter()
        .map(|context| Target {
            kubeconfig: args.kubeconfig.clone(),
            context,
        })
        .collect();
    Ok(Ok(Compiled {
        planned,
        project,
        targets,
    }))
}

pub fn run(args: &ApplyArgs, console: &mut Console) -> io::Result<Exit> {
    let compiled = match compile(&args.cluster, console, Exit::Problems)? {
        Ok(compiled) => compiled,
        Err(exit) => return Ok(exit),
    };
    let options = Options {
        dry_run: args.dry_run,
        prune: args.prune,
        force_conflicts: args.force_conflicts,
        project: compiled.project.clone(),
    };
    let several = compiled.targets.len() > 1;
    let dry = if args.dry_run {
        " (server dry run)"
    } else {
        ""
    };
    let runtime = cluster::runtime()?;

    for target in &compiled.targets {
        let mut print_error = None;
        let result = runtime.block_on(async {
            let connection = cluster::connect(target)
                .await
                .map_err(|message| (message, Report::default()))?;
            let prefix = if several {
                format!("{}: ", connection.context)
            } else {
                String::new()
            };
            let report = apply::apply(&connection, &compiled.planned, &options, |event| {
                let line = match event {
                    Event::Applied(id, outcome) => format!("{prefix}{id} {outcome}{dry}"),
                    Event::Pruned(id) => format!("{prefix}{id} pruned{dry}"),
                };
                // Progress goes out as it happens, so that an interrupted run shows how far
                // it got.
                if let Err(e) = writeln!(console.out, "{line}").and_then(|()| console.out.flush()) {
                    print_error.get_or_insert(e);
                }
            })
            .await
            .map_err(|failure| (failure.message, failure.report))?;
            Ok::<_, (String, Report)>((report, connection.context))
        });
        if let Some(error) = print_error {
            return Err(error);
        }
        match result {
            Ok((report, context)) => {
                writeln!(console.out, "{}", summary(&report, &context, args.dry_run))?;
            }
            Err((message, report)) => {
                console.error(message)?;
                console.note(before_failure(&report, args.dry_run))?;
                return Ok(Exit::BadInput);
            }
        }
    }
    Ok(Exit::Success)
}

/// The last line: "applied 14 resources to context `mgmt`: 3 created, 1 configured, 10
/// unchanged; 1 pruned", or "server dry run of 14 resources against context ...".
fn summary(report: &Report, context: &str, dry_run: bool) -> String {
    let count = |wanted: Outcome| report.applied.iter().filter(|(_, o)| *o == wanted).count();
    let resources = match report.applied.len() {
        1 => "1 resource".to_owned(),
        n => format!("{n} resources"),
    };
    let what = if dry_run {
        format!("server dry run of {resources} against")
    } else {
        format!("applied {resources} to")
    };
    let mut text = format!(
        "{what} context `{context}`: {} created, {} configured, {} unchanged",
        count(Outcome::Created),
        count(Outcome::Configured),
        count(Outcome::Unchanged)
    );
    if !report.pruned.is_empty() {
        text.push_str(&format!("; {} pruned", report.pruned.len()));
    }
    text
}

/// What the cluster holds after a failure: exactly what was applied and pruned before it.
fn before_failure(report: &Report, dry_run: bool) -> String {
    if dry_run || (report.applied.is_empty() && report.pruned.is_empty()) {
        return "nothing was applied: the cluster is as it was".to_owned();
    }
    let mut done: Vec<String> = report
        .applied
        .iter()
        .map(|(id, outcome)| format!("{id} ({outcome})"))
        .collect();
    done.extend(report.pruned.iter().map(|id| format!("{id} (pruned)")));
    format!("applied before the failure: {}", done.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::apply::ObjectId;

    fn id(name: &str) -> ObjectId {
        ObjectId {
            kind: "RouteTable".to_owned(),
            namespace: "shop".to_owned(),
            name: name.to_owned(),
        }
    }

    #[test]
    fn the_summary_and_the_failure_note_say_what_happened() {
        let report = Report {
            applied: vec![(id("a"), Outcome::Created), (id("b"), Outcome::Unchanged)],
            pruned: vec![id("old")],
        };
        assert_eq!(
            summary(&report, "mgmt", false),
            "applied 2 resources to context `mgmt`: 1 created, 0 configured, 1 unchanged; 1 pruned"
        );
        assert!(
            summary(&report, "mgmt", true).starts_with("server dry run of 2 resources against")
        );
        assert_eq!(
            before_failure(&report, false),
            "applied before the failure: RouteTable shop/a (created), RouteTable shop/b \
             (unchanged), RouteTable shop/old (pruned)"
        );
        assert_eq!(
            before_failure(&Report::default(), false),
            "nothing was applied: the cluster is as it was"
        );
        assert_eq!(
            before_failure(&report, true),
            "nothing was applied: the cluster is as it was"
        );
    }
}
