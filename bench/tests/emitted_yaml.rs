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
    // `build` gives the resources in output order, the order of the files.
    let files = emit::files(&build.resources, Format::Yaml).expect("the files are written");
    assert_eq!(files.len(), build.resources.len());
    for (file, resource) in files.iter().zip(&build.resources) {
        let expected = serde_saphyr::to_string(resource).expect("serde-saphyr writes it");
        assert_eq!(
            std::str::from_utf8(&file.contents).expect("YAML is UTF-8"),
            expected,
            "{}",
            file.path
        );
    }
}
