//! The `routec` binary: parses the command line and runs the command (see [`routec::cli`]).

use std::process::ExitCode;

use clap::Parser;
use routec::cli::{Cli, run};

#[global_allocator]
static ALLOCATOR: routec::allocator::Allocator = routec::allocator::Allocator;

fn main() -> ExitCode {
    routec::prime::start_workers();
    run(Cli::parse()).into()
}
