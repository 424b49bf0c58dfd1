//! `routec fmt [PATH] [--check]`: rewrite `.route` files in the canonical layout, or list the
//! ones that are not in it.
//!
//! Files with syntax errors are reported and left alone: the formatter cannot know what they
//! meant. Paths are printed relative to the current folder, so the list can be fed to other
//! tools.

use std::fs;
use std::io::{self, Write};
use std::path::PathBuf;

use route_lang::fmt::format_source;

use super::{Console, Exit};
use crate::project::{self, display_path};

#[derive(Debug, clap::Args)]
pub struct FmtArgs {
    /// The project folder (route.toml is looked for here and above) or a single .route file
    /// [default: the current folder]
    pub path: Option<PathBuf>,
    /// Change nothing; list the files that would change and exit with 1 if there are any
    #[arg(long)]
    pub check: bool,
}

pub fn run(args: &FmtArgs, console: &mut Console) -> io::Result<Exit> {
    let sources = match project::find_sources(args.path.as_deref()) {
        Ok(sources) => sources,
        Err(error) => {
            console.error(error)?;
            return Ok(Exit::BadInput);
        }
    };
    let mut unreadable = !sources.errors.is_empty();
    for error in &sources.errors {
        console.error(error)?;
    }

    let mut changed = 0;
    let mut invalid = 0;
    for source in sources.selected() {
        let shown = display_path(&source.path);
        let text = match project::read_source(&source.path) {
            Ok(text) => text,
            Err(error) => {
                console.error(error)?;
                unreadable = true;
                continue;
            }
        };
        let Some(formatted) = format_source(&text) else {
            console.error(format_args!(
                "{shown}: not formatted: it has syntax errors (see `routec check {shown}`)"
            ))?;
            invalid += 1;
            continue;
        };
        if formatted == text {
            continue;
        }
        changed += 1;
        if args.check {
            writeln!(console.out, "{shown}")?;
        } else if let Err(error) = fs::write(&source.path, formatted) {
            console.error(format_args!(
                "{shown}: cannot write the file: {}",
                project::io_message(&error)
            ))?;
            unreadable = true;
        } else {
            writeln!(console.out, "formatted {shown}")?;
        }
    }

    if args.check && changed > 0 {
        let files = if changed == 1 {
            "file needs"
        } else {
            "files need"
        };
        console.error(format_args!(
            "{changed} {files} formatting; run `routec fmt` to format"
        ))?;
    }
    Ok(if unreadable {
        Exit::BadInput
    } else if invalid > 0 || (args.check && changed > 0) {
        Exit::Problems
    } else {
        Exit::Success
    })
}
