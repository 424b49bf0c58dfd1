//! The generated projects check with no diagnostics at all, in one file and spread over
//! several, read from disk the way `routec check` reads them, and they build.

use route_lang::db::project_diagnostics;
use routec::project::{LoadOptions, load};
use routec_bench::{InventoryFormat, Options, generate};

fn assert_clean(options: Options) {
    let project = generate(&options);
    let dir = tempfile::tempdir().expect("a temporary folder");
    project
        .write_to(dir.path())
        .expect("the project is written");
    let loaded = load(&LoadOptions {
        path: Some(dir.path().to_path_buf()),
        inventory: None,
        no_cache: false,
    })
    .unwrap_or_else(|error| panic!("{options:?}: the project does not load: {error}"));
    assert_eq!(loaded.files.len(), options.files, "{options:?}");
    assert!(loaded.unreadable.is_empty(), "{options:?}");
    assert!(loaded.notes.is_empty(), "{options:?}: {:?}", loaded.notes);
    let diagnostics = project_diagnostics(&loaded.db, loaded.project);
    let shown: Vec<String> = diagnostics
        .iter()
        .take(20)
        .map(|d| {
            let file = d.primary.file.path(&loaded.db);
            let text = d.primary.file.text(&loaded.db);
            let at = d.primary.range.start as usize;
            let line = text[..at.min(text.len())].matches('\n').count() + 1;
            format!("{file}:{line}: {} {}", d.code.as_str(), d.message)
        })
        .collect();
    assert!(
        diagnostics.is_empty(),
        "{options:?}: {} diagnostics, first ones:\n{}",
        diagnostics.len(),
        shown.join("\n")
    );
    match routec::lower::build(&loaded.db, loaded.project) {
        Ok(build) => assert!(!build.resources.is_empty(), "{options:?}: nothing built"),
        Err(diagnostics) => panic!(
            "{options:?}: the build stops with {} diagnostics, the first: {:?}",
            diagnostics.len(),
            diagnostics.first().map(|d| &d.message)
        ),
    }
}

/// Larger than a lexing part (256 KB): `load` lexes and parses the file on the worker pool
/// while a pool thread decodes the inventory beside it, which must not touch the database.
#[test]
fn one_file_is_clean() {
    assert_clean(Options {
        routes: 2_000,
        files: 1,
        ..Options::default()
    });
}

#[test]
fn ten_files_with_a_yaml_inventory_are_clean() {
    assert_clean(Options {
        routes: 1_000,
        files: 10,
        seed: 7,
        inventory: InventoryFormat::Yaml,
    });
}

#[test]
fn the_smallest_project_is_clean() {
    assert_clean(Options {
        routes: 100,
        files: 3,
        ..Options::default()
    });
}
