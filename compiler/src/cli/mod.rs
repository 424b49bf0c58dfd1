//! The `routec` command line: argument definitions (clap derive) and one module per command.
//!
//! Every command returns an [`Exit`] instead of exiting, so that `main` stays one line and
//! tests can call commands directly. Exit codes are the same for every command: 0 success,
//! 1 problems found in the input (diagnostics, files that need formatting), 2 input that could
//! not be read at all or a command line that makes no sense.
//!
//! Failures are reported as one line on stderr (`error: FILE:LINE:COL: what is wrong`);
//! results go to stdout. Nothing here panics on user input.

mod check;
mod explain;
mod fmt;

use std::fmt::Display;
use std::io::{self, BufWriter, Stderr, StdoutLock, Write};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::render;

/// The command line.
#[derive(Debug, Parser)]
#[command(
    name = "routec",
    version,
    about = "The route language compiler: check, format and explain routing rules for Gloo Mesh",
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
    /// Format `.route` files in the canonical layout.
    #[command(
        after_help = "Exit status: 0 done, 1 files with syntax errors (or, with --check, \
                            files to format), 2 files that could not be read or written."
    )]
    Fmt(fmt::FmtArgs),
    /// Explain a diagnostic code, with an example and its fix.
    Explain(explain::ExplainArgs),
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
        Command::Fmt(args) => fmt::run(args, &mut console),
        Command::Explain(args) => explain::run(args, &mut console),
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
