//! Where a build's memory goes: loads a project as `routec build` does, runs its phases one
//! after the other, and prints the resident set after each (and its peak so far), and its
//! anonymous part: the memory the kernel zeroed for the process, where the rest is the
//! binary's pages, shared with the page cache.
//!
//! ```sh
//! cargo build --release -p routec-bench --example memory
//! target/release/examples/memory PROJECT
//! ```
//!
//! Parsing and checking run on one thread here, so that each phase's figure is its own; then
//! the build's own parallel phases finish the work: what the lowering reads
//! (`routec::prime::build`, with every check already done), and the lowering and writing
//! (`routec::prime::documents`).

use route_lang::check::check_item;
use route_lang::db::file_items;
use routec::emit::Format;
use routec::project::{LoadOptions, load};

#[global_allocator]
static ALLOCATOR: routec::allocator::Allocator = routec::allocator::Allocator;

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: memory PROJECT");
        std::process::exit(2);
    };
    report("start");
    let options = LoadOptions {
        path: Some(path.into()),
        inventory: None,
        no_cache: false,
    };
    let loaded = match load(&options) {
        Ok(loaded) => loaded,
        Err(error) => {
            eprintln!("{error}");
            std::process::exit(2);
        }
    };
    report("loaded");
    let db = &loaded.db;
    for &file in &loaded.files {
        file_items(db, file);
    }
    report("parsed");
    for &file in &loaded.files {
        for &item in file_items(db, file) {
            check_item(db, loaded.project, item);
        }
    }
    report("checked");
    let order = routec::prime::build(db, loaded.project);
    report("prepared");
    if let Err(diagnostics) = routec::lower::verdict(db, loaded.project) {
        eprintln!("the project has {} diagnostics", diagnostics.len());
        std::process::exit(1);
    }
    report("diagnostics");
    let documents = routec::prime::documents(db, loaded.project, &order, Format::Yaml);
    let bytes: usize = documents
        .iter()
        .flatten()
        .map(|document| document.contents.len())
        .sum();
    report("lowered and written");
    println!("{bytes} bytes of YAML");
    // Exit without freeing, as `routec build` does.
    std::mem::forget(documents);
    std::mem::forget(loaded);
}

/// Prints the resident set, its peak and its anonymous part, from `/proc/self/status`.
fn report(phase: &str) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let megabytes = |key: &str| {
        status
            .lines()
            .find_map(|line| line.strip_prefix(key))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|kb| kb.parse::<u64>().ok())
            .map_or(0, |kb| kb / 1024)
    };
    eprintln!(
        "{phase:<20} resident {:>5} MB   peak {:>5} MB   anonymous {:>5} MB",
        megabytes("VmRSS:"),
        megabytes("VmHWM:"),
        megabytes("RssAnon:")
    );
}
