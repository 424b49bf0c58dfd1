//! `routec build [PATH] [-o DIR | -o -] [--format yaml|json]`: compile a project into Gloo
//! resources, as one file per resource in a folder or as one stream on stdout.
//!
//! Diagnostics are rendered as `check` renders them, but on stderr: stdout may be the resources
//! (`-o -`), which a warning must not corrupt. Warnings are printed and do not stop the build;
//! any error (or an unreadable source file, without which the output would silently lose its
//! resources) stops it before anything is written, so the output folder keeps the last good
//! build. `apply` and `diff` compile through [`compile`] too, and so report alike.

use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use route_lang::diagnostic::Diagnostic;

use super::timings::Timings;
use super::{Console, Exit};
use crate::emit::{self, Document, Format};
use crate::prime::LowerOrder;
use crate::project::{self, LoadOptions, LoadedProject};
use crate::render::{self, Counts};
#[cfg(feature = "cluster")]
use crate::resources::Resource;
use crate::{lower, outdir};

#[derive(Debug, clap::Args)]
pub struct BuildArgs {
    /// The project folder (route.toml is looked for here and above); a .route file stands for
    /// its whole project [default: the current folder]
    pub path: Option<PathBuf>,
    /// Where to write: a folder (one file per resource), or `-` for one stream on stdout
    /// [default: `out` of the `[build]` table of route.toml, relative to the project root]
    #[arg(short, long, value_name = "DIR")]
    pub output: Option<PathBuf>,
    /// The format of the resources
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
    /// Build against this inventory file instead of the one route.toml names
    #[arg(long, value_name = "FILE")]
    pub inventory: Option<PathBuf>,
    /// Neither read nor write the inventory cache (`.routec_cache/` in the project)
    #[arg(long)]
    pub no_cache: bool,
    /// Print how long each phase took on stderr
    #[arg(long)]
    pub timings: bool,
}

pub fn run(args: &BuildArgs, console: &mut Console) -> io::Result<Exit> {
    let mut timings = Timings::new(args.timings);
    let options = LoadOptions {
        path: args.path.clone(),
        inventory: args.inventory.clone(),
        no_cache: args.no_cache,
    };
    let loaded = match load(&options, console, Purpose::Build)? {
        Ok(loaded) => loaded,
        Err(exit) => return Ok(exit),
    };
    timings.phase("load");
    let accepted = accept(&loaded, console, Purpose::Build, Exit::Problems)?;
    timings.phase("check");
    let exit = match accepted {
        Ok(order) => match crate::prime::documents(&loaded.db, loaded.project, &order, args.format)
        {
            Ok(documents) => {
                timings.phase("lower and write");
                let exit = output(args, console, &loaded, documents);
                timings.phase("output");
                exit
            }
            Err(error) => {
                console.error(error)?;
                Ok(Exit::BadInput)
            }
        },
        Err(exit) => Ok(exit),
    };
    timings.report(console)?;
    // The process ends right after: freeing a large database would only cost time.
    std::mem::forget(loaded);
    exit
}

/// Writes the documents of a successful build where `-o` says.
fn output(
    args: &BuildArgs,
    console: &mut Console,
    loaded: &LoadedProject,
    documents: Vec<Document>,
) -> io::Result<Exit> {
    let to_stdout = args.output.as_deref() == Some(Path::new("-"));
    if to_stdout {
        let written = emit::write_stream(&mut console.out, &documents, args.format);
        // As with the database (see `run`): the process ends right after.
        std::mem::forget(documents);
        written?;
        return Ok(Exit::Success);
    }
    let dir = match &args.output {
        Some(dir) => dir.clone(),
        None => loaded
            .root
            .join(&loaded.project.config(&loaded.db).build.out),
    };
    let files = match emit::into_files(documents, args.format) {
        Ok(files) => files,
        Err(error) => {
            console.error(error)?;
            return Ok(Exit::BadInput);
        }
    };
    match outdir::sync(&dir, &files) {
        Ok(summary) => {
            console.line(summary_line(&dir, summary))?;
            Ok(Exit::Success)
        }
        Err(error) => {
            console.error(error)?;
            Ok(Exit::BadInput)
        }
    }
}

/// What the resources of a compilation are for, which the "nothing …" lines name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Purpose {
    /// `build`: written to files or stdout.
    Build,
    /// `apply` and `diff`: applied to (or compared with) the cluster.
    #[cfg(feature = "cluster")]
    Apply,
}

impl Purpose {
    fn nothing(self) -> &'static str {
        match self {
            Purpose::Build => "nothing written",
            #[cfg(feature = "cluster")]
            Purpose::Apply => "nothing applied",
        }
    }

    fn verb(self) -> &'static str {
        match self {
            Purpose::Build => "build",
            #[cfg(feature = "cluster")]
            Purpose::Apply => "apply",
        }
    }
}

/// Loads a project to compile. Returns `Err(exit)` when the command must stop:
/// [`Exit::BadInput`] when it could not be read, or when a source file is unreadable (without
/// which the output would silently lose its resources).
pub(super) fn load(
    options: &LoadOptions,
    console: &mut Console,
    purpose: Purpose,
) -> io::Result<Result<LoadedProject, Exit>> {
    let loaded = match super::load(options, console)? {
        Ok(loaded) => loaded,
        Err(exit) => return Ok(Err(exit)),
    };
    if !loaded.unreadable.is_empty() {
        for error in &loaded.unreadable {
            console.error(error)?;
        }
        console.error(format_args!(
            "{}: every source file must be readable to {}",
            purpose.nothing(),
            purpose.verb()
        ))?;
        return Ok(Err(Exit::BadInput));
    }
    Ok(Ok(loaded))
}

/// Checks a loaded project and reports its diagnostics as the module documentation says: what
/// `build`, `apply` and `diff` share. Returns the order to lower its items in, or
/// `Err(refused)` when the program has errors and must not be lowered.
fn accept(
    loaded: &LoadedProject,
    console: &mut Console,
    purpose: Purpose,
    refused: Exit,
) -> io::Result<Result<LowerOrder, Exit>> {
    let order = crate::prime::build(&loaded.db, loaded.project);
    // A failed build reports every diagnostic, warnings included; a successful one reports
    // its warnings.
    let (diagnostics, stopped) = match lower::verdict(&loaded.db, loaded.project) {
        Ok(warnings) => (warnings, false),
        Err(diagnostics) => (diagnostics, true),
    };
    report(console, loaded, &diagnostics, stopped, purpose)?;
    Ok(if stopped { Err(refused) } else { Ok(order) })
}

/// Checks a loaded project as `build` does ([`accept`]) and returns its resources (borrowed
/// from the project's database), or `Err(refused)` when the program has errors.
#[cfg(feature = "cluster")]
pub(super) fn compile<'a>(
    loaded: &'a LoadedProject,
    console: &mut Console,
    purpose: Purpose,
    refused: Exit,
) -> io::Result<Result<Vec<&'a Resource>, Exit>> {
    let order = match accept(loaded, console, purpose, refused)? {
        Ok(order) => order,
        Err(exit) => return Ok(Err(exit)),
    };
    crate::prime::lower(&loaded.db, loaded.project, &order);
    Ok(Ok(lower::resources(&loaded.db, loaded.project)))
}

/// The diagnostics, then a summary line when there are any: the one `check` prints, and
/// `nothing written` (or `nothing applied`) when the compilation stopped.
fn report(
    console: &mut Console,
    loaded: &LoadedProject,
    diagnostics: &[Diagnostic],
    stopped: bool,
    purpose: Purpose,
) -> io::Result<()> {
    let counts = Counts::of(diagnostics);
    if diagnostics.is_empty() && !stopped {
        return Ok(());
    }
    let files = super::files_checked(loaded.files.len());
    let (stderr, color) = console.stderr()?;
    // Reports are written in many small pieces; stderr is not buffered.
    let mut err = BufWriter::new(stderr);
    render::human(&mut err, &loaded.db, diagnostics, color)?;
    if stopped {
        writeln!(
            err,
            "{}{counts} ({files}); {}",
            render::prefix("error", color),
            purpose.nothing()
        )?;
    } else {
        writeln!(
            err,
            "{}{counts} ({files})",
            render::prefix("warning", color)
        )?;
    }
    err.flush()
}

/// `wrote 23 resources to out/ (3 removed, 20 unchanged)`; only the counts that are not zero.
fn summary_line(dir: &Path, summary: outdir::Summary) -> String {
    let resources = match summary.files {
        1 => "1 resource".to_owned(),
        n => format!("{n} resources"),
    };
    let mut shown = project::display_path(dir);
    if !shown.ends_with('/') {
        shown.push('/');
    }
    let mut details = Vec::new();
    if summary.removed > 0 {
        details.push(format!("{} removed", summary.removed));
    }
    if summary.unchanged > 0 {
        details.push(format!("{} unchanged", summary.unchanged));
    }
    if details.is_empty() {
        format!("wrote {resources} to {shown}")
    } else {
        format!("wrote {resources} to {shown} ({})", details.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_summary_shows_only_what_happened() {
        let summary = |files, unchanged, removed| outdir::Summary {
            files,
            unchanged,
            removed,
        };
        let dir = Path::new("out");
        assert_eq!(
            summary_line(dir, summary(23, 20, 3)),
            "wrote 23 resources to out/ (3 removed, 20 unchanged)"
        );
        assert_eq!(
            summary_line(dir, summary(1, 0, 0)),
            "wrote 1 resource to out/"
        );
        assert_eq!(
            summary_line(Path::new("out/"), summary(0, 0, 2)),
            "wrote 0 resources to out/ (2 removed)"
        );
    }
}
