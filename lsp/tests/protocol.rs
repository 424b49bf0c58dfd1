//! The language server through the real protocol: each test starts the `route-lsp` binary and
//! speaks JSON-RPC to it over stdio (`support::client`).
//!
//! - `fixtures`: every `data/*.txt` fixture (format in `support/fixture.rs`) is played and its
//!   transcript compared with the insta snapshot `snapshots/protocol__fixtures@NAME.txt.snap`.
//! - `consistency`: after random single-character edits, sent without waiting as a fast
//!   typist would, the server's diagnostics are those `routec` computes from scratch on the
//!   final text.

mod support;

use std::fs;

use proptest::prelude::*;
use route_lang::db::file_diagnostics;
use routec::project::{LoadOptions, load};
use serde_json::{Value, json};
use support::fixture::{Fixture, Session};
use tower_lsp_server::ls_types::Uri;

#[test]
fn fixtures() {
    insta::glob!("data/*.txt", |path| {
        let text = fs::read_to_string(path).expect("a readable fixture");
        let fixture = Fixture::parse(&text);
        let name = path
            .file_stem()
            .map(|stem| stem.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mut session = Session::start(&name, &fixture);
        let transcript = session.run(&fixture.steps);
        session.client.shutdown();
        insta::assert_snapshot!(transcript);
    });
}

/// Requests the server cannot make sense of get an error or an empty answer, and the server
/// goes on: unknown files, positions past the end, bad arguments, changes to documents that
/// are not open.
#[test]
fn bad_requests() {
    let fixture = Fixture::parse(
        "#- /route.toml\n[project]\nnamespace = \"default\"\ninventory = []\n#- /a.route\npolicy slow = timeout 10s\n",
    );
    let mut session = Session::start("bad-requests", &fixture);
    session.open("a.route");
    let a = session.uri("a.route");
    let nowhere = session.uri("nowhere/b.route");
    let far = json!({ "line": 99_999, "character": 99_999 });
    let client = &mut session.client;

    let hover_nowhere = json!({ "textDocument": { "uri": nowhere }, "position": far });
    assert_eq!(
        client.request("textDocument/hover", hover_nowhere),
        Ok(Value::Null)
    );
    let hover_buffer = json!({ "textDocument": { "uri": "untitled:x" }, "position": far });
    assert_eq!(
        client.request("textDocument/hover", hover_buffer),
        Ok(Value::Null)
    );
    // Past the end is the end: where new items go.
    let completion = json!({ "textDocument": { "uri": a }, "position": far });
    let items = client.request("textDocument/completion", completion);
    assert!(
        items
            .as_ref()
            .is_ok_and(|list| list["items"][0]["label"] == json!("gateway")),
        "{items:?}"
    );
    let errors = [
        (
            "textDocument/rename",
            json!({ "textDocument": { "uri": a }, "position": far, "newName": "" }),
        ),
        (
            "workspace/executeCommand",
            json!({ "command": "routec.showCompiled", "arguments": [] }),
        ),
        (
            "workspace/executeCommand",
            json!({ "command": "routec.showCompiled", "arguments": [{ "uri": 7 }] }),
        ),
        (
            "workspace/executeCommand",
            json!({ "command": "routec.nope", "arguments": [] }),
        ),
        (
            "workspace/executeCommand",
            json!({ "command": "routec.showCompiled", "arguments": [{ "uri": nowhere }] }),
        ),
        (
            "textDocument/hover",
            json!({ "textDocument": { "uri": a } }),
        ),
    ];
    for (method, params) in errors {
        let answer = client.request(method, params.clone());
        assert!(answer.is_err(), "{method} {params}: {answer:?}");
    }
    // A change past the end of the text, and one to a document that is not open.
    client.notify(
        "textDocument/didChange",
        json!({
            "textDocument": { "uri": a, "version": 2 },
            "contentChanges": [{ "range": { "start": far, "end": far }, "text": "\n# end" }]
        }),
    );
    client.notify(
        "textDocument/didChange",
        json!({
            "textDocument": { "uri": nowhere, "version": 2 },
            "contentChanges": [{ "text": "junk" }]
        }),
    );
    // Still there, and the text is what the client thinks it is.
    let answer = client.request(
        "textDocument/formatting",
        json!({ "textDocument": { "uri": a }, "options": { "tabSize": 2, "insertSpaces": true } }),
    );
    let edits = answer.expect("formatting answers");
    assert_eq!(
        edits[0]["newText"],
        json!("policy slow = timeout 10s\n\n# end\n"),
        "{edits}"
    );
    client.shutdown();
}

/// One edit: insert a character, or delete the character at a position.
#[derive(Clone, Debug)]
enum Edit {
    Insert(prop::sample::Index, char),
    Delete(prop::sample::Index),
}

fn edit() -> impl Strategy<Value = Edit> {
    // Characters that make and break the syntax, and ones that are more than one UTF-16 unit
    // or more than one byte.
    let chars = prop::sample::select(vec![
        'a', 'e', 's', 'x', '-', ' ', '\n', '{', '}', '(', ')', '"', '.', ':', '@', '=', ',', '#',
        '1', 'é', '😀',
    ]);
    prop_oneof![
        (any::<prop::sample::Index>(), chars).prop_map(|(at, c)| Edit::Insert(at, c)),
        any::<prop::sample::Index>().prop_map(Edit::Delete),
    ]
}

proptest! {
    // Each case starts a server: a few dozen cases keep the test around a second or two.
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn consistency(edits in prop::collection::vec(edit(), 1..40)) {
        let text = fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/data/consistency/bookinfo.txt"
        ))
        .expect("the consistency fixture");
        let fixture = Fixture::parse(&text);
        let mut session = Session::start("consistency", &fixture);
        session.open("main.route");
        for edit in &edits {
            let text = session.text("main.route");
            let boundaries: Vec<usize> = text
                .char_indices()
                .map(|(i, _)| i)
                .chain([text.len()])
                .collect();
            match edit {
                Edit::Insert(at, c) => {
                    let at = *at.get(&boundaries);
                    session.edit("main.route", at, at, &c.to_string(), false);
                }
                Edit::Delete(at) => {
                    // Every boundary but the end of the text starts a character.
                    let Some((_, starts)) = boundaries.split_last().filter(|(_, s)| !s.is_empty())
                    else {
                        continue;
                    };
                    let start = *at.get(starts);
                    let end = start + text[start..].chars().next().map_or(0, char::len_utf8);
                    session.edit("main.route", start, end, "", false);
                }
            }
        }
        session.wait_for_version("main.route");

        // `routec check` from scratch, on the final text written to disk.
        fs::write(session.root.join("main.route"), session.text("main.route"))
            .expect("the file is writable");
        let loaded = load(&LoadOptions {
            path: Some(session.root.clone()),
            inventory: None,
            no_cache: false,
        })
        .expect("the project loads");
        let uri_of = |file: route_lang::db::SourceFile| {
            Uri::from_file_path(loaded.root.join(file.path(&loaded.db)))
        };
        for &file in &loaded.files {
            let fresh: Vec<_> = file_diagnostics(&loaded.db, loaded.project, file)
                .iter()
                .map(|d| route_lsp::convert::diagnostic(&loaded.db, d, &uri_of))
                .collect();
            let fresh = serde_json::to_value(fresh).expect("diagnostics serialize");
            let path = file.path(&loaded.db);
            let published = session.last_diagnostics(path).unwrap_or(Value::Array(Vec::new()));
            prop_assert_eq!(published, fresh, "diagnostics of {}", path);
        }
        session.client.shutdown();
    }
}
