//! The formatter: idempotent, keeps every comment, and never changes meaning — the tree of the
//! formatted text equals the tree of the original (spans count tokens, so they must be equal
//! too). Checked over every `.route` file of the examples and the test data, plus golden
//! layouts in `tests/data/fmt/`.

use std::path::{Path, PathBuf};

use route_lang::fmt::format_source;
use route_lang::syntax::parse;

fn route_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            route_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "route") {
            out.push(path);
        }
    }
}

fn all_route_files() -> Vec<PathBuf> {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    route_files(&manifest.join("../examples"), &mut files);
    route_files(&manifest.join("tests/data"), &mut files);
    files.sort();
    files
}

#[test]
fn formatting_preserves_meaning_and_is_idempotent() {
    let files = all_route_files();
    assert!(
        files.len() > 10,
        "expected the examples and test data, found {files:?}"
    );
    let mut formatted_count = 0;
    for path in files {
        let text = std::fs::read_to_string(&path).expect("readable");
        let original = parse(&text);
        let Some(formatted) = format_source(&text) else {
            assert!(
                !original.errors.is_empty(),
                "{}: refused without syntax errors",
                path.display()
            );
            continue;
        };
        formatted_count += 1;
        let reparsed = parse(&formatted);
        assert!(
            reparsed.errors.is_empty(),
            "{}: formatting introduced errors: {:?}\n{formatted}",
            path.display(),
            reparsed.errors
        );
        let items = |p: &route_lang::syntax::Parse| {
            p.items
                .iter()
                .map(|i| (i.item.clone(), i.doc.clone()))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            items(&original),
            items(&reparsed),
            "{}: meaning changed\n{formatted}",
            path.display()
        );
        let comments = |p: &route_lang::syntax::Parse, t: &str| {
            p.comments
                .iter()
                .map(|c| {
                    t[c.range.start as usize..c.range.end as usize]
                        .trim_end()
                        .to_owned()
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(
            comments(&original, &text),
            comments(&reparsed, &formatted),
            "{}: comments lost or reordered",
            path.display()
        );
        assert_eq!(
            format_source(&formatted).as_deref(),
            Some(formatted.as_str()),
            "{}: not idempotent",
            path.display()
        );
    }
    assert!(formatted_count > 5);
}

#[test]
fn golden_layouts() {
    insta::glob!("data/fmt/*.route", |path| {
        let text = std::fs::read_to_string(path).expect("readable");
        let formatted = format_source(&text).expect("the golden inputs have no syntax errors");
        insta::assert_snapshot!(formatted);
    });
}
