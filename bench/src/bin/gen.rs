//! `gen --routes N --out DIR [--files F] [--seed S] [--inventory json|yaml]`: writes a
//! generated route project (see the `routec_bench` library documentation for its shape) into
//! `DIR`, and prints one line saying what it wrote.

use std::path::PathBuf;
use std::process::ExitCode;

use routec_bench::{InventoryFormat, Options, generate};

const USAGE: &str =
    "usage: gen --routes N --out DIR [--files F] [--seed S] [--inventory json|yaml]";

fn main() -> ExitCode {
    match run(std::env::args().skip(1).collect()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn run(args: Vec<String>) -> Result<(), String> {
    let mut options = Options::default();
    let mut out: Option<PathBuf> = None;
    let mut args = args.into_iter();
    while let Some(flag) = args.next() {
        if flag == "--help" || flag == "-h" {
            println!("{USAGE}");
            return Ok(());
        }
        let value = args
            .next()
            .ok_or_else(|| format!("`{flag}` needs a value"))?;
        let number = || {
            value
                .replace('_', "")
                .parse::<usize>()
                .map_err(|_| format!("`{flag}` takes a number, not `{value}`"))
        };
        match flag.as_str() {
            "--routes" => options.routes = number()?,
            "--files" => options.files = number()?,
            "--seed" => options.seed = number()? as u64,
            "--out" => out = Some(PathBuf::from(&value)),
            "--inventory" => {
                options.inventory = match value.as_str() {
                    "json" => InventoryFormat::Json,
                    "yaml" => InventoryFormat::Yaml,
                    _ => return Err(format!("`--inventory` is json or yaml, not `{value}`")),
                }
            }
            _ => return Err(format!("unknown argument `{flag}`")),
        }
    }
    let out = out.ok_or("`--out DIR` is required")?;
    if options.routes < routec_bench::MIN_ROUTES {
        return Err(format!(
            "`--routes` must be at least {}",
            routec_bench::MIN_ROUTES
        ));
    }
    if options.files == 0 {
        return Err("`--files` must be at least 1".to_owned());
    }
    let project = generate(&options);
    project
        .write_to(&out)
        .map_err(|e| format!("cannot write {}: {e}", out.display()))?;
    println!(
        "{}: {} routes in {} files ({} bytes of source), inventory {} ({} bytes)",
        out.display(),
        options.routes,
        project.sources.len(),
        project.source_bytes(),
        project.inventory_file,
        project.inventory_text.len()
    );
    Ok(())
}
