//! The examples of `routec explain` are real: checked against the bookinfo test inventory,
//! every example reports its code, and every fix checks cleanly, and both are formatted.

use std::path::Path;

use route_lang::codes::Code;
use route_lang::config::parse_config;
use route_lang::db::{Database, InventoryInput, Project, SourceFile, project_diagnostics};
use route_lang::explain::{EXAMPLE_PRELUDE, explain};
use route_lang::fmt::format_source;
use route_lang::inventory::parse_inventory;

/// The codes of the diagnostics of `example` checked beside the prelude.
fn codes(example: &str) -> Vec<&'static str> {
    let inventory = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/cli/inventory.yaml");
    let inventory = std::fs::read_to_string(inventory).expect("test inventory");
    let inventory = parse_inventory("inventory.yaml", &inventory).expect("valid inventory");
    let config = parse_config("[project]\nnamespace = \"bookinfo\"\n").expect("valid config");
    let db = Database::default();
    let files = vec![
        SourceFile::new(&db, "prelude.route".to_owned(), EXAMPLE_PRELUDE.to_owned()),
        SourceFile::new(&db, "example.route".to_owned(), example.to_owned()),
    ];
    let project = Project::new(&db, files, config, InventoryInput::new(&db, inventory));
    project_diagnostics(&db, project)
        .into_iter()
        .map(|d| d.code.as_str())
        .collect()
}

#[test]
fn examples_report_their_code_and_fixes_are_clean() {
    let mut failures = Vec::new();
    for &code in Code::ALL {
        let explanation = explain(code);
        // The nesting limit cannot be shown in a readable example.
        if code != Code::TooDeep {
            let found = codes(explanation.example);
            if !found.contains(&code.as_str()) {
                failures.push(format!("{}: the example reports {found:?}", code.as_str()));
            }
        }
        let found = codes(explanation.fix);
        if !found.is_empty() {
            failures.push(format!("{}: the fix reports {found:?}", code.as_str()));
        }
        if format_source(explanation.fix).as_deref() != Some(explanation.fix) {
            failures.push(format!("{}: the fix is not formatted", code.as_str()));
        }
        // Examples of syntax errors cannot be formatted; the others read like real files.
        if format_source(explanation.example).is_some_and(|f| f != explanation.example) {
            failures.push(format!("{}: the example is not formatted", code.as_str()));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn the_prelude_is_clean() {
    assert_eq!(codes(""), Vec::<&str>::new());
}
