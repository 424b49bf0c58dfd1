//! The language server through the real protocol: every `data/*.txt` fixture (format in
//! `support/fixture.rs`) is played against a fresh `route-lsp` process and its transcript
//! compared with the insta snapshot `snapshots/fixtures__fixtures@NAME.txt.snap`.

mod support;

use support::fixture::{Fixture, Session};

#[test]
fn fixtures() {
    insta::glob!("data/*.txt", |path| {
        let text = std::fs::read_to_string(path).expect("a readable fixture");
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
