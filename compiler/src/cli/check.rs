//! `routec check [PATH]`: load a project, run every check, print the diagnostics.

use std::io::{self, Write};
use std::path::PathBuf;

use route_lang::db::{file_diagnostics, project_diagnostics};
use route_lang::diagnostic::Diagnostic;

use super::timings::Timings;
use super::{Console, Exit};
use crate::project::{self, LoadOptions, LoadedProject};
use crate::render::{self, Counts, Format};

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// The project folder (route.toml is looked for here and above) or a single .route file
    /// [default: the current folder]
    pub path: Option<PathBuf>,
    /// Check against this inventory file instead of the one route.toml names
    #[arg(long, value_name = "FILE")]
    pub inventory: Option<PathBuf>,
    /// Neither read nor write the inventory cache (`.routec_cache/` in the project)
    #[arg(long)]
    pub no_cache: bool,
    /// How to print diagnostics
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
    /// Exit with 1 when there are warnings, not only errors
    #[arg(long)]
    pub deny_warnings: bool,
    /// Print how long each phase took on stderr
    #[arg(long)]
    pub timings: bool,
}

pub fn run(args: &CheckArgs, console: &mut Console) -> io::Result<Exit> {
    let mut timings = Timings::new(args.timings);
    let options = LoadOptions {
        path: args.path.clone(),
        inventory: args.inventory.clone(),
        no_cache: args.no_cache,
    };
    let loaded = match super::load(&options, console)? {
        Ok(loaded) => loaded,
        Err(exit) => return Ok(exit),
    };
    for error in &loaded.unreadable {
        console.error(error)?;
    }
    timings.phase("load");

    // Diagnostics come sorted by file path, then by position in the file.
    let diagnostics: Vec<Diagnostic> = match loaded.focus {
        Some(file) => file_diagnostics(&loaded.db, loaded.project, file).clone(),
        None => {
            crate::prime::check(&loaded.db, loaded.project);
            project_diagnostics(&loaded.db, loaded.project)
        }
    };
    timings.phase("check");
    let counts = Counts::of(&diagnostics);
    let failed = counts.errors > 0 || (args.deny_warnings && counts.warnings > 0);

    match args.format {
        Format::Human => {
            render::human(&mut console.out, &loaded.db, &diagnostics, console.color)?;
            summary(console, &loaded, counts, args.deny_warnings)?;
        }
        Format::Json => render::json(&mut console.out, &loaded.db, &diagnostics)?,
        Format::Github => {
            render::github(&mut console.out, &loaded.db, &diagnostics, |file| {
                project::display_path(&loaded.disk_path(file))
            })?;
            summary(console, &loaded, counts, args.deny_warnings)?;
        }
    }

    let exit = if !loaded.unreadable.is_empty() {
        Exit::BadInput
    } else if failed {
        Exit::Problems
    } else {
        Exit::Success
    };
    timings.phase("report");
    timings.report(console)?;
    // The process ends right after: freeing a large database would only cost time (a tenth of
    // a 100k-route check).
    std::mem::forget(loaded);
    Ok(exit)
}

/// The last line: `error: 3 errors, 1 warning (4 files checked)` or
/// `4 files checked: no problems`.
fn summary(
    console: &mut Console,
    loaded: &LoadedProject,
    counts: Counts,
    deny_warnings: bool,
) -> io::Result<()> {
    let files = super::files_checked(loaded.selected_files().len());
    let color = console.color;
    let out = &mut console.out;
    if counts.errors > 0 {
        writeln!(out, "{}{counts} ({files})", render::prefix("error", color))
    } else if counts.warnings > 0 && deny_warnings {
        writeln!(
            out,
            "{}{counts}, denied by --deny-warnings ({files})",
            render::prefix("error", color)
        )
    } else if counts.warnings > 0 {
        writeln!(
            out,
            "{}{counts} ({files})",
            render::prefix("warning", color)
        )
    } else {
        writeln!(out, "{files}: no problems")
    }
}
