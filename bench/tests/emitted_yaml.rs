//! `routec::emit` writes YAML with a writer of its own: for a generated project, every file it
//! writes holds the bytes serde-saphyr writes for that resource.

use routec::emit::{self, Format};
use routec::project::{LoadOptions, load};
use routec_bench::{Options, generate};

#[test]
fn a_generated_project_is_written_as_serde_saphyr_writes_it() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    generate(&Options::default())
        .write_to(dir.path())
        .expect("the project is written");
    let loaded = load(&LoadOptions {
        path: Some(dir.path().to_path_buf()),
        inventory: None,
        no_cache: true,
    })
    .expect("the project loads");
    let Ok(build) = routec::lower::build(&loaded.db, loaded.project) else {
        panic!("the generated project builds");
    };
    let files = emit::files(&build.resources, Format::Yaml).expect("the files are written");
    let mut expected: Vec<(String, String)> = build
        .resources
        .iter()
        .map(|resource| {
            let meta = resource.metadata();
            let path = format!(
                "{}/{}-{}.yaml",
                meta.namespace.as_deref().unwrap_or_default(),
                resource.kind().to_ascii_lowercase(),
                meta.name
            );
            let yaml = serde_saphyr::to_string(resource).expect("serde-saphyr writes it");
            (path, yaml)
        })
        .collect();
    expected.sort();
    let mut written: Vec<(String, String)> = files
        .into_iter()
        .map(|file| {
            let text = String::from_utf8(file.contents).expect("YAML is UTF-8");
            (file.path, text)
        })
        .collect();
    written.sort();
    assert_eq!(written.len(), expected.len());
    for (written, expected) in written.iter().zip(&expected) {
        assert_eq!(written, expected);
    }
}
