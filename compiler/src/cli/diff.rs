//! `routec diff [PATH] [--context CTX]… [--prune] [--force-conflicts]`: what `routec apply`
//! would change, as a unified diff per resource between the live object and the result of a
//! server-side dry-run apply (server-maintained fields left out).
//!
//! Exit status follows diff(1): 0 when nothing would change, 1 when something would, 2 when
//! the diff could not be computed — including a program with errors, since 1 already means
//! "changes".

use std::io::{self, Write};

use super::apply::{ClusterArgs, compile};
use super::{Console, Exit};
use crate::cluster;
use crate::cluster::apply::{self, ChangeKind, Options};

#[derive(Debug, clap::Args)]
pub struct DiffArgs {
    #[command(flatten)]
    pub cluster: ClusterArgs,
    /// Also show the deletions `apply --prune` would make
    #[arg(long)]
    pub prune: bool,
    /// Show the result of `apply --force-conflicts` instead of failing on a conflict
    #[arg(long)]
    pub force_conflicts: bool,
}

pub fn run(args: &DiffArgs, console: &mut Console) -> io::Result<Exit> {
    let compiled = match compile(&args.cluster, console, Exit::BadInput)? {
        Ok(compiled) => compiled,
        Err(exit) => return Ok(exit),
    };
    let options = Options {
        dry_run: true,
        prune: args.prune,
        force_conflicts: args.force_conflicts,
        project: compiled.project.clone(),
    };
    let runtime = cluster::runtime()?;
    let mut changed = false;
    for target in &compiled.targets {
        let result = runtime.block_on(async {
            let connection = cluster::connect(target).await?;
            let changes = apply::diff(&connection, &compiled.planned, &options).await?;
            Ok::<_, String>((changes, connection.context))
        });
        let (changes, context) = match result {
            Ok(result) => result,
            Err(message) => {
                console.error(message)?;
                return Ok(Exit::BadInput);
            }
        };
        for change in &changes {
            console.out.write_all(change.diff.as_bytes())?;
        }
        let count = |kind: ChangeKind| changes.iter().filter(|c| c.kind == kind).count();
        let line = if changes.is_empty() {
            format!("context `{context}`: no changes")
        } else {
            format!(
                "context `{context}`: {} to create, {} to change, {} to delete",
                count(ChangeKind::Create),
                count(ChangeKind::Update),
                count(ChangeKind::Delete)
            )
        };
        console.line(line)?;
        changed |= !changes.is_empty();
    }
    Ok(if changed {
        Exit::Problems
    } else {
        Exit::Success
    })
}
