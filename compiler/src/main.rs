//! The `routec` binary: parses the command line and runs the command (see [`routec::cli`]).

use std::process::ExitCode;

use clap::Parser;
use routec::cli::{Cli, run};

fn main() -> ExitCode {
    run(Cli::parse()).into()
}
