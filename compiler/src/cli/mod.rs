//! The `routec` command line: argument definitions (clap derive) and one module per command.
//!
//! Every command returns an [`Exit`] instead of exiting, so that `main` stays one line and
//! tests can call commands directly. Exit codes are the same for every command: 0 success,
//! 1 problems found in the input (diagnostics, files that need formatting), 2 input that could
//! not be read at all, output that could not be written, or a command line that makes no sense.
//!
//! Failures are reported as one line on stderr (`error: FILE:LINE:COL: what is wrong`);
//! results go to stdout. Nothing here panics on user input.

#[cfg(feature = "cluster")]
mod apply;
mod build;
mod check;
#[cfg(feature = "cluster")]
mod diff;
mod explain;
mod fmt;
#[cfg(feature = "cluster")]
mod inventory;
mod timings;

use std::fmt::Display;
use std::io::{self, BufWriter, Stderr, StdoutLock, Write};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::project::{self, LoadOptions, LoadedProject};
use crate::render;

/// The command line.
#[derive(Debug, Parser)]
#[command(
    name = "routec",
    version,
    about = "The route language compiler: check and build routing rules for Gloo Mesh",
    max_term_width = 100
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check a project (or one file) against its inventory and report every problem.
    #[command(after_help = "Exit status: 0 no errors, 1 errors (or warnings with \
                            --deny-warnings), 2 input that could not be read.")]
    Check(check::CheckArgs),
    /// Compile a project into Gloo Mesh resources: one file per resource, or one stream.
    #[command(
        after_help = "Exit status: 0 built, 1 errors (nothing is written), 2 input \
                            that could not be read or output that could not be written."
    )]
    Build(build::BuildArgs),
    /// Format `.route` files in the canonical layout.
    #[command(
        after_help = "Exit status: 0 done, 1 files with syntax errors (or, with --check, \
                            files to format), 2 files that could not be read or written."
    )]
    Fmt(fmt::FmtArgs),
    /// Explain a diagnostic code, with an example and its fix.
    Explain(explain::ExplainArgs),
    /// Write the inventory from Kubernetes manifests or live clusters.
    #[cfg(feature = "cluster")]
    Inventory(inventory::InventoryArgs),
    /// Compile a project and server-side apply it to the management cluster.
    #[cfg(feature = "cluster")]
    #[command(
        after_help = "Exit status: 0 applied, 1 errors in the program (nothing is applied), 2 \
                      input that could not be read or a failure on the cluster (the output \
                      says what was applied before it)."
    )]
    Apply(apply::ApplyArgs),
    /// Show what `apply` would change, as a unified diff per resource.
    #[cfg(feature = "cluster")]
    #[command(
        after_help = "Exit status: 0 no changes, 1 changes, 2 errors in the program, input \
                      that could not be read, or a failure on the cluster."
    )]
    Diff(diff::DiffArgs),
}

/// How a command ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// Nothing to report.
    Success,
    /// The input has problems (errors, denied warnings, unformatted files).
    Problems,
    /// The input could not be read, or the request was invalid.
    BadInput,
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> ExitCode {
        ExitCode::from(match exit {
            Exit::Success => 0,
            Exit::Problems => 1,
            Exit::BadInput => 2,
        })
    }
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> Exit {
    let mut console = Console::new();
    let result = match &cli.command {
        Command::Check(args) => check::run(args, &mut console),
        Command::Build(args) => build::run(args, &mut console),
        Command::Fmt(args) => fmt::run(args, &mut console),
        Command::Explain(args) => explain::run(args, &mut console),
        #[cfg(feature = "cluster")]
        Command::Inventory(args) => inventory::run(args, &mut console),
        #[cfg(feature = "cluster")]
        Command::Apply(args) => apply::run(args, &mut console),
        #[cfg(feature = "cluster")]
        Command::Diff(args) => diff::run(args, &mut console),
    };
    match result.and_then(|exit| console.out.flush().map(|()| exit)) {
        Ok(exit) => exit,
        // The reader went away (`routec check | head`): there is no one left to tell.
        Err(error) if error.kind() == io::ErrorKind::BrokenPipe => Exit::Success,
        Err(error) => {
            // Reporting the failure may fail too; the exit code still says it.
            let _ = console.error(format_args!("cannot write the output: {error}"));
            Exit::BadInput
        }
    }
}

/// Loads the project a command works on and prints the notes about how it was understood.
/// `Err(Exit::BadInput)`, after saying why, when it cannot be loaded at all; files that could
/// not be read are left in [`LoadedProject::unreadable`] for the command to judge.
fn load(options: &LoadOptions, console: &mut Console) -> io::Result<Result<LoadedProject, Exit>> {
    let loaded = match project::load(options) {
        Ok(loaded) => loaded,
        Err(error) => {
            console.error(error)?;
            return Ok(Err(Exit::BadInput));
        }
    };
    for note in &loaded.notes {
        console.note(note)?;
    }
    Ok(Ok(loaded))
}

/// `1 file checked`, `4 files checked`: how the summary lines count the files.
fn files_checked(count: usize) -> String {
    match count {
        1 => "1 file checked".to_owned(),
        n => format!("{n} files checked"),
    }
}

/// Where commands write: buffered stdout for results, stderr for one-line messages, and
/// whether each may use colour.
pub struct Console {
    pub out: BufWriter<StdoutLock<'static>>,
    err: Stderr,
    /// Colour allowed on stdout.
    pub color: bool,
    color_err: bool,
}

impl Console {
    fn new() -> Console {
        let stdout = io::stdout();
        let stderr = io::stderr();
        Console {
            color: render::use_color(&stdout),
            color_err: render::use_color(&stderr),
            out: BufWriter::new(stdout.lock()),
            err: stderr,
        }
    }

    /// `error: MESSAGE` on stderr.
    pub fn error(&mut self, message: impl Display) -> io::Result<()> {
        self.message("error", message)
    }

    /// `note: MESSAGE` on stderr.
    pub fn note(&mut self, message: impl Display) -> io::Result<()> {
        self.message("note", message)
    }

    /// `warning: MESSAGE` on stderr.
    pub fn warning(&mut self, message: impl Display) -> io::Result<()> {
        self.message("warning", message)
    }

    /// A line on stderr without a prefix: progress and summaries of commands whose stdout is
    /// the result.
    pub fn line(&mut self, message: impl Display) -> io::Result<()> {
        self.out.flush()?;
        writeln!(self.err, "{message}")
    }

    /// Stderr and whether it may use colour, for reports longer than a line when stdout
    /// carries the result (`build -o -`). Stdout is flushed first, as in [`Console::error`].
    pub fn stderr(&mut self) -> io::Result<(&mut Stderr, bool)> {
        self.out.flush()?;
        Ok((&mut self.err, self.color_err))
    }

    fn message(&mut self, kind: &str, message: impl Display) -> io::Result<()> {
        // What was already printed on stdout comes first, as it was produced first.
        self.out.flush()?;
        writeln!(
            self.err,
            "{}{message}",
            render::prefix(kind, self.color_err)
        )
    }
}
