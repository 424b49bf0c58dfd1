//! Golden tests of the checker: every folder under `tests/data/check/` is a project (its
//! `*.route` files, its own `inventory.yaml` or the shared one beside the folders, and an
//! optional `route.toml`), and its diagnostics are snapshotted in a plain, diff-friendly form.

mod support;

use std::path::Path;

#[test]
fn check_cases() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/check");
    let mut cases: Vec<_> = std::fs::read_dir(&root)
        .expect("tests/data/check exists")
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.is_dir())
        .collect();
    cases.sort();
    assert!(
        !cases.is_empty(),
        "no check cases found in {}",
        root.display()
    );
    // Every case runs even when an earlier one fails, so one run shows every difference.
    let mut failed = Vec::new();
    for case in cases {
        let name = case
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_owned();
        let outcome = std::panic::catch_unwind(|| {
            let project = support::TestProject::load(&case, &root.join("inventory.yaml"));
            let rendered = project.render_diagnostics();
            insta::with_settings!({
                snapshot_path => "snapshots/check",
                prepend_module_to_snapshot => false,
                omit_expression => true,
                info => &name,
            }, {
                insta::assert_snapshot!(name.as_str(), rendered);
            });
        });
        if outcome.is_err() {
            failed.push(name);
        }
    }
    assert!(
        failed.is_empty(),
        "check cases that differ from their snapshots: {failed:?}"
    );
}
