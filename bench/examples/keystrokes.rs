//! Language-server keystrokes in process, for profilers: a generated project in an editor
//! database (see `GeneratedProject::editor_database`), fully checked, then one-character edits
//! inside a route of the middle file, each followed by that file's diagnostics — what
//! `route-lsp` computes for a `didChange`, without the protocol.
//!
//! ```sh
//! cargo build --release -p routec-bench --example keystrokes
//! valgrind --tool=callgrind target/release/examples/keystrokes ROUTES FILES EDITS [cli]
//! ```
//!
//! Run it with 0 edits too: the difference is what the edits cost. With `cli`, the database
//! is the one `routec` uses, which parses edited files from scratch, for comparison.

use route_lang::db::{file_diagnostics, project_diagnostics};
use routec_bench::{Options, edit_inside_route, generate};
use salsa::Setter;

fn main() {
    const USAGE: &str = "usage: keystrokes ROUTES FILES EDITS [cli]";
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let cli = args.last().is_some_and(|arg| arg == "cli");
    if cli {
        args.pop();
    }
    let numbers: Vec<usize> = args.iter().map(|arg| arg.parse().expect(USAGE)).collect();
    let [routes, files, edits] = numbers[..] else {
        panic!("{USAGE}");
    };
    let project = generate(&Options {
        routes,
        files,
        ..Options::default()
    });
    let mut loaded = if cli {
        project.database()
    } else {
        project.editor_database()
    };
    assert!(project_diagnostics(&loaded.db, loaded.project).is_empty());
    let edited = project.sources.len() / 2;
    let file = loaded.files[edited];
    let original = project.sources[edited].text.clone();
    let changed = edit_inside_route(&original, 0.5).expect("the file has routes");
    for turn in 0..edits {
        let text = if turn % 2 == 0 { &changed } else { &original };
        file.set_text(&mut loaded.db).to(text.clone());
        let diagnostics = file_diagnostics(&loaded.db, loaded.project, file);
        assert!(diagnostics.is_empty(), "the edit keeps the project clean");
    }
    // Exit without dropping the database, as `routec check` does: not part of a keystroke.
    std::mem::forget(loaded);
}
