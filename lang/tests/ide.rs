//! IDE features as readable fixtures. Every `tests/data/ide/*.fixture` file holds:
//!
//! - one or more requests, one per line, before the first file: `#! completion`, `#! hover`,
//!   `#! definition`, `#! references [declaration]`, `#! rename NEW_NAME`, `#! prepare-rename`,
//!   `#! document-symbols`, `#! workspace-symbols QUERY`, `#! folding`, `#! semantic-tokens`,
//!   `#! code-actions`, `#! inlay-hints`;
//! - the project's files, each after a `#- PATH` line (a comment in the language);
//! - `$0` marking the cursor, or two `$0` marking a range (code actions, inlay hints; without
//!   them, the whole first file).
//!
//! The project uses the shared checker inventory (`tests/data/check/inventory.yaml`) and
//! namespace `bookinfo`. Answers are rendered as text and snapshotted with insta. A second
//! test runs every position-taking feature at every byte offset of every fixture: nothing may
//! panic, whatever the offset.

mod support;

use std::path::Path;

use route_lang::db::SourceFile;
use route_lang::ide::{self, Symbol, TextRange};
use support::{DEFAULT_CONFIG, TestProject, VOCABULARY, line_col};

struct Fixture {
    requests: Vec<String>,
    files: Vec<(String, String)>,
    /// The file holding the markers, and the marked offsets (one or two).
    markers: Option<(usize, Vec<u32>)>,
}

fn parse_fixture(text: &str) -> Fixture {
    let mut requests = Vec::new();
    let mut files: Vec<(String, String)> = Vec::new();
    for line in text.split_inclusive('\n') {
        if let Some(request) = line.strip_prefix("#!") {
            requests.push(request.trim().to_owned());
        } else if let Some(path) = line.strip_prefix("#-") {
            files.push((path.trim().to_owned(), String::new()));
        } else if let Some((_, body)) = files.last_mut() {
            body.push_str(line);
        }
    }
    let mut markers = None;
    for (i, (_, body)) in files.iter_mut().enumerate() {
        let mut offsets = Vec::new();
        while let Some(at) = body.find("$0") {
            offsets.push(u32::try_from(at).expect("small fixture"));
            body.replace_range(at..at + 2, "");
        }
        if !offsets.is_empty() {
            markers = Some((i, offsets));
        }
    }
    Fixture {
        requests,
        files,
        markers,
    }
}

fn load(fixture: &Fixture) -> (TestProject, Vec<SourceFile>) {
    let inventory = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/check/inventory.yaml"),
    )
    .expect("shared inventory");
    let project = TestProject::new(&fixture.files, &inventory, DEFAULT_CONFIG);
    let files = project.project.files(&project.db).clone();
    (project, files)
}

#[test]
fn fixtures() {
    insta::glob!("data/ide/*.fixture", |path| {
        let text = std::fs::read_to_string(path).expect("fixture readable");
        let fixture = parse_fixture(&text);
        assert!(
            !fixture.requests.is_empty(),
            "{}: no `#!` request",
            path.display()
        );
        let (project, files) = load(&fixture);
        let mut out = String::new();
        for request in &fixture.requests {
            if fixture.requests.len() > 1 {
                out.push_str(&format!("### {request}\n"));
            }
            out.push_str(&run(&project, &files, &fixture, request));
            out.push('\n');
        }
        insta::with_settings!({
            snapshot_path => "snapshots/ide",
            prepend_module_to_snapshot => false,
            omit_expression => true,
        }, {
            insta::assert_snapshot!(out);
        });
    });
}

/// Runs one request and renders its answer.
fn run(p: &TestProject, files: &[SourceFile], fixture: &Fixture, request: &str) -> String {
    let db = &p.db;
    let (name, arg) = request.split_once(' ').unwrap_or((request, ""));
    let (file_index, offsets) = fixture.markers.clone().unwrap_or((0, Vec::new()));
    let file = files[file_index];
    let offset = offsets.first().copied().unwrap_or(0);
    let range = match offsets.as_slice() {
        [] => TextRange::new(0, u32::try_from(file.text(db).len()).expect("small")),
        [at] => TextRange::new(*at, *at),
        [start, end, ..] => TextRange::new(*start, *end),
    };
    match name {
        "completion" => {
            let items = ide::completions(db, p.project, file, offset);
            let mut out = match items.first() {
                Some(item) => format!("replace {}\n", show(p, file, item.replace)),
                None => "no completions\n".to_owned(),
            };
            for item in items {
                out.push_str(&format!("{:?} {}", item.kind, item.label));
                if let Some(detail) = &item.detail {
                    out.push_str(&format!(" — {detail}"));
                }
                if let Some(insert) = &item.insert_text {
                    out.push_str(&format!(" ⇒ {}", insert.escape_debug()));
                }
                out.push('\n');
            }
            out
        }
        "hover" => match ide::hover(db, p.project, file, offset) {
            Some(hover) => format!("{}\n{}\n", show(p, file, hover.range), hover.markdown),
            None => "no hover\n".to_owned(),
        },
        "definition" => match ide::definition(db, p.project, file, offset) {
            Some(target) => format!(
                "{}\nwhole {}\n",
                show(p, target.file, target.focus_range),
                show(p, target.file, target.full_range)
            ),
            None => "no definition\n".to_owned(),
        },
        "references" => {
            let places = ide::references(db, p.project, file, offset, arg == "declaration");
            let mut out = String::new();
            for (file, range) in places {
                out.push_str(&format!("{}\n", show(p, file, range)));
            }
            if out.is_empty() {
                out.push_str("no references\n");
            }
            out
        }
        "prepare-rename" => match ide::prepare_rename(db, p.project, file, offset) {
            Ok(range) => format!("{}\n", show(p, file, range)),
            Err(error) => format!("error: {error}\n"),
        },
        "rename" => match ide::rename(db, p.project, file, offset, arg) {
            Ok(edits) => apply(p, files, &edits),
            Err(error) => format!("error: {error}\n"),
        },
        "document-symbols" => {
            let mut out = String::new();
            for symbol in ide::document_symbols(db, file) {
                render_symbol(p, file, &symbol, 0, &mut out);
            }
            out
        }
        "workspace-symbols" => {
            let mut out = String::new();
            for (file, symbol) in ide::workspace_symbols(db, p.project, arg) {
                render_symbol(p, file, &symbol, 0, &mut out);
            }
            if out.is_empty() {
                out.push_str("no symbols\n");
            }
            out
        }
        "folding" => {
            let text = file.text(db);
            let mut out = String::new();
            for fold in ide::folding_ranges(db, file) {
                let (l1, _) = line_col(text, fold.range.start as usize);
                let (l2, _) = line_col(text, fold.range.end as usize);
                let first = text[fold.range.start as usize..]
                    .lines()
                    .next()
                    .unwrap_or("");
                out.push_str(&format!("{:?} {l1}-{l2}: {first}\n", fold.kind));
            }
            out
        }
        "semantic-tokens" => {
            let text = file.text(db);
            let mut out = String::new();
            for token in ide::semantic_tokens(db, file) {
                let (line, col) = line_col(text, token.range.start as usize);
                let mut modifiers = Vec::new();
                if token.modifiers.declaration {
                    modifiers.push("declaration");
                }
                if token.modifiers.documentation {
                    modifiers.push("documentation");
                }
                let modifiers = if modifiers.is_empty() {
                    String::new()
                } else {
                    format!(" [{}]", modifiers.join(", "))
                };
                out.push_str(&format!(
                    "{line}:{col} {:?} {:?}{modifiers}\n",
                    &text[token.range.start as usize..token.range.end as usize],
                    token.kind
                ));
            }
            out
        }
        "code-actions" => {
            let actions = ide::code_actions(db, p.project, file, range);
            let mut out = String::new();
            for action in &actions {
                let code = action.diagnostic_code.map_or("", |c| c.as_str());
                out.push_str(&format!("{} ({code})\n", action.title));
                out.push_str(&apply(p, files, &action.edits));
            }
            if actions.is_empty() {
                out.push_str("no actions\n");
            }
            out
        }
        "inlay-hints" => {
            let hints = ide::inlay_hints(db, p.project, file, range);
            let mut text = file.text(db).clone();
            for hint in hints.iter().rev() {
                text.insert_str(hint.offset as usize, &format!("⟦{}⟧", hint.label));
            }
            text
        }
        other => panic!("unknown request `{other}`"),
    }
}

/// `path:line:col-line:col "text"`.
fn show(p: &TestProject, file: SourceFile, range: TextRange) -> String {
    let location = route_lang::diagnostic::Location { file, range };
    let text = file.text(&p.db);
    let snippet = text
        .get(range.start as usize..range.end as usize)
        .unwrap_or("<out of range>");
    let snippet = snippet.lines().next().unwrap_or("");
    format!("{} {snippet:?}", p.position(&location))
}

fn render_symbol(
    p: &TestProject,
    file: SourceFile,
    symbol: &Symbol,
    depth: usize,
    out: &mut String,
) {
    let detail = symbol
        .detail
        .as_ref()
        .map_or(String::new(), |d| format!(" ({d})"));
    let location = route_lang::diagnostic::Location {
        file,
        range: symbol.range,
    };
    out.push_str(&format!(
        "{}{:?} {}{detail} {} name {}\n",
        "  ".repeat(depth),
        symbol.kind,
        symbol.name,
        p.position(&location),
        show(p, file, symbol.selection_range)
    ));
    for child in &symbol.children {
        render_symbol(p, file, child, depth + 1, out);
    }
}

/// Applies edits and shows every changed file in full.
fn apply(
    p: &TestProject,
    files: &[SourceFile],
    edits: &[(SourceFile, TextRange, String)],
) -> String {
    let mut out = String::new();
    for &file in files {
        let mut mine: Vec<&(SourceFile, TextRange, String)> =
            edits.iter().filter(|(f, _, _)| *f == file).collect();
        if mine.is_empty() {
            continue;
        }
        mine.sort_by_key(|(_, range, _)| std::cmp::Reverse(range.start));
        let mut text = file.text(&p.db).clone();
        for (_, range, replacement) in mine {
            text.replace_range(range.start as usize..range.end as usize, replacement);
        }
        out.push_str(&format!("--- {}\n{text}", file.path(&p.db)));
    }
    if out.is_empty() {
        out.push_str("no edits\n");
    }
    out
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(48))]

    /// Broken text: no feature panics at any offset.
    #[test]
    fn broken_text_is_safe(words in proptest::collection::vec(0..VOCABULARY.len(), 0..60)) {
        let text: String = words.iter().map(|&w| format!("{} ", VOCABULARY[w])).collect();
        let fixture = Fixture {
            requests: Vec::new(),
            files: vec![("main.route".to_owned(), text.clone())],
            markers: None,
        };
        let (p, files) = load(&fixture);
        every_feature(&p, files[0]);
    }
}

/// Runs every feature at every byte offset of `file` (and a little past its end).
fn every_feature(p: &TestProject, file: SourceFile) {
    let db = &p.db;
    let len = u32::try_from(file.text(db).len()).expect("small");
    for offset in 0..len + 3 {
        ide::completions(db, p.project, file, offset);
        ide::hover(db, p.project, file, offset);
        ide::definition(db, p.project, file, offset);
        ide::references(db, p.project, file, offset, true);
        let _ = ide::prepare_rename(db, p.project, file, offset);
        let _ = ide::rename(db, p.project, file, offset, "renamed");
        let range = TextRange::new(offset / 2, offset);
        ide::code_actions(db, p.project, file, range);
        ide::inlay_hints(db, p.project, file, range);
    }
    let tokens = ide::semantic_tokens(db, file);
    assert!(
        tokens
            .windows(2)
            .all(|w| w[0].range.end <= w[1].range.start),
        "semantic tokens overlap or are out of order"
    );
    let folds = ide::folding_ranges(db, file);
    assert!(
        folds
            .windows(2)
            .all(|w| w[0].range.start <= w[1].range.start)
    );
    ide::document_symbols(db, file);
    ide::workspace_symbols(db, p.project, "r");
}

/// Every feature at every byte offset (and a little past the end) of every fixture, and over
/// ranges ending everywhere: none may panic, and tokens and folds come out ordered.
#[test]
fn every_offset_is_safe() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/ide");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .expect("fixtures")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    paths.sort();
    assert!(!paths.is_empty());
    for path in paths {
        let fixture = parse_fixture(&std::fs::read_to_string(&path).expect("readable"));
        let (p, files) = load(&fixture);
        for &file in &files {
            every_feature(&p, file);
        }
    }
}
