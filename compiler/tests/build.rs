//! End-to-end tests of `routec build`: exit codes, the stream and the files saying the same
//! thing, the layout and manifest of the output folder, stale files removed and nothing else,
//! failed builds writing nothing, unwritable folders, and byte-for-byte determinism.
//!
//! Every test works on a copy of a project in a fresh temporary folder (see [`TempDir`]), so
//! tests can edit sources and run in parallel; `tests/data/build/shop` is a project with two
//! namespaces, and `examples/bookinfo` the full example.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime};

use route_lang::db::{Database, InventoryInput, Project, SourceFile};
use routec::emit::{self, Format};
use routec::outdir::MANIFEST;
use routec::project::{LoadOptions, load};
use routec::resources::Resource;
use serde_json::Value;

mod support;

use support::run::routec;

/// A fresh folder under the system's temporary folder, deleted when dropped (also when the
/// test fails, so failed runs leave nothing behind).
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let unique = COUNTER.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!(
            "routec-build-{name}-{}-{unique}",
            std::process::id()
        ));
        // A leftover from an earlier run with the same process id would change the results.
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).expect("temp dir");
        TempDir(dir)
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A copy of `tests/data/build/shop`, with its inventory path made absolute.
fn shop() -> TempDir {
    let dir = TempDir::new("shop");
    let source = manifest_dir().join("tests/data/build/shop");
    for entry in fs::read_dir(&source).expect("shop project") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|ext| ext == "route") {
            let name = path.file_name().expect("file name");
            fs::copy(&path, dir.path().join(name)).expect("source copied");
        }
    }
    let inventory = manifest_dir().join("tests/data/cli/inventory.yaml");
    fs::write(
        dir.path().join("route.toml"),
        format!(
            "[project]\nnamespace = \"bookinfo\"\ninventory = {:?}\n\n[build]\nout = \"generated\"\n",
            inventory.display().to_string()
        ),
    )
    .expect("route.toml written");
    dir
}

/// A copy of `examples/bookinfo`.
fn bookinfo() -> TempDir {
    let dir = TempDir::new("bookinfo");
    let source = manifest_dir().join("../examples/bookinfo");
    for entry in fs::read_dir(&source).expect("bookinfo example") {
        let path = entry.expect("entry").path();
        if path.is_file() {
            let name = path.file_name().expect("file name");
            fs::copy(&path, dir.path().join(name)).expect("file copied");
        }
    }
    dir
}

/// Every file below `dir` by path relative to it (with `/`), with its contents.
fn contents(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(dir: &Path, prefix: &str, found: &mut BTreeMap<String, Vec<u8>>) {
        for entry in fs::read_dir(dir).expect("folder readable") {
            let entry = entry.expect("entry");
            let name = entry.file_name().to_string_lossy().into_owned();
            let path = entry.path();
            if path.is_dir() {
                walk(&path, &format!("{prefix}{name}/"), found);
            } else {
                found.insert(
                    format!("{prefix}{name}"),
                    fs::read(&path).expect("file readable"),
                );
            }
        }
    }
    let mut found = BTreeMap::new();
    if dir.exists() {
        walk(dir, "", &mut found);
    }
    found
}

/// The resources of a YAML stream.
fn parse_stream(stream: &[u8]) -> Vec<Resource> {
    let text = std::str::from_utf8(stream).expect("YAML is UTF-8");
    serde_saphyr::from_str_multiple(text).expect("the stream is YAML resources")
}

/// Where `routec build` writes a resource, relative to the output folder.
fn path_of(resource: &Resource, extension: &str) -> String {
    let meta = resource.metadata();
    format!(
        "{}/{}-{}.{extension}",
        meta.namespace.as_deref().expect("a namespace"),
        resource.kind().to_ascii_lowercase(),
        meta.name
    )
}

fn append(path: &Path, text: &str) {
    let mut contents = fs::read_to_string(path).expect("source readable");
    contents.push_str(text);
    fs::write(path, contents).expect("source written");
}

/// A table whose service does not exist: an error, which must stop the build.
const BROKEN: &str = "\nroutes broken {\n  hosts \"broken.example.com\"\n  expose to mesh\n  \
                      route all {\n    to service nowhere.bookinfo:9080\n  }\n}\n";

#[test]
fn a_valid_project_builds_into_its_configured_folder() {
    let project = shop();
    let run = routec(project.path(), &["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "");
    insta::assert_snapshot!("first_build", run.stderr);

    let files = contents(&project.path().join("generated"));
    let resources: Vec<&String> = files.keys().filter(|path| *path != MANIFEST).collect();
    assert!(
        resources.contains(&&"api/routetable-users.yaml".to_owned()),
        "{resources:?}"
    );
    assert!(
        resources.contains(&&"bookinfo/routetable-bookinfo.yaml".to_owned()),
        "{resources:?}"
    );
    // Each file holds the resource its path names.
    for path in resources {
        let text = std::str::from_utf8(&files[path]).expect("UTF-8");
        let resource: Resource = serde_saphyr::from_str(text).expect("one YAML resource");
        assert_eq!(&path_of(&resource, "yaml"), path);
        assert!(!text.starts_with("---"), "{path} starts with a separator");
    }
}

#[test]
fn the_stream_is_the_files_joined() {
    let project = bookinfo();
    let stream = routec(project.path(), &["build", "-o", "-"]);
    assert_eq!(stream.code, 0, "{}", stream.stderr);
    assert_eq!(stream.stderr, "", "nothing but the resources is printed");
    let run = routec(project.path(), &["build", "-o", "built"]);
    assert_eq!(run.code, 0, "{}", run.stderr);

    let files = contents(&project.path().join("built"));
    let resources = parse_stream(stream.stdout.as_bytes());
    assert!(!resources.is_empty());
    let documents: Vec<&[u8]> = resources
        .iter()
        .map(|resource| files[&path_of(resource, "yaml")].as_slice())
        .collect();
    assert_eq!(
        String::from_utf8_lossy(&documents.join(&b"---\n"[..])),
        stream.stdout
    );
    // Every file is a resource of the stream, and the manifest is the only other file.
    assert_eq!(files.len(), resources.len() + 1);
}

#[test]
fn the_manifest_lists_exactly_the_files_written() {
    let project = shop();
    fs::create_dir_all(project.path().join("generated")).expect("output folder");
    fs::write(project.path().join("generated/README.md"), "mine\n").expect("README");
    let run = routec(project.path(), &["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);

    let files = contents(&project.path().join("generated"));
    let manifest = String::from_utf8(files[MANIFEST].clone()).expect("UTF-8 manifest");
    let (header, listed) = manifest.split_once('\n').expect("a header line");
    assert!(header.starts_with("# "), "{header}");
    let written: Vec<&str> = files
        .keys()
        .map(String::as_str)
        .filter(|path| *path != MANIFEST && *path != "README.md")
        .collect();
    assert_eq!(listed.lines().collect::<Vec<_>>(), written);
    insta::assert_snapshot!("manifest", manifest);
}

#[test]
fn stale_files_are_removed_and_nothing_else() {
    let project = shop();
    let out = project.path().join("generated");
    assert_eq!(routec(project.path(), &["build"]).code, 0);
    fs::write(out.join("README.md"), "Generated by routec; do not edit.\n").expect("README");
    fs::write(out.join("bookinfo/notes.txt"), "mine\n").expect("notes");

    // One table less.
    let api = project.path().join("api.route");
    let text = fs::read_to_string(&api).expect("api.route");
    let without_orders = text
        .split_once("routes orders")
        .map(|(before, _)| before.to_owned())
        .expect("the orders table");
    fs::write(&api, without_orders).expect("api.route written");
    let run = routec(project.path(), &["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    insta::assert_snapshot!("one_table_removed", run.stderr);
    assert!(!out.join("api/routetable-orders.yaml").exists());
    assert!(out.join("api/routetable-users.yaml").exists());

    // A whole namespace less: its folder goes too.
    fs::remove_file(&api).expect("api.route removed");
    let run = routec(project.path(), &["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!out.join("api").exists());

    let files = contents(&out);
    assert_eq!(files["README.md"], b"Generated by routec; do not edit.\n");
    assert_eq!(files["bookinfo/notes.txt"], b"mine\n");
    let manifest = String::from_utf8_lossy(&files[MANIFEST]).into_owned();
    assert!(!manifest.contains("api/"), "{manifest}");
}

#[test]
fn unchanged_files_are_not_rewritten() {
    let project = shop();
    assert_eq!(routec(project.path(), &["build"]).code, 0);
    let file = project
        .path()
        .join("generated/bookinfo/routetable-bookinfo.yaml");
    let long_ago = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000);
    fs::File::options()
        .write(true)
        .open(&file)
        .and_then(|handle| handle.set_modified(long_ago))
        .expect("mtime set");

    let run = routec(project.path(), &["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    insta::assert_snapshot!("rebuild", run.stderr);
    let modified = fs::metadata(&file)
        .and_then(|m| m.modified())
        .expect("mtime");
    assert_eq!(modified, long_ago);
}

#[test]
fn a_project_with_errors_writes_nothing() {
    let project = shop();
    assert_eq!(routec(project.path(), &["build"]).code, 0);
    let out = project.path().join("generated");
    let before = contents(&out);
    append(&project.path().join("bookinfo.route"), BROKEN);

    for args in [
        &["build"][..],
        &["build", "-o", "-"],
        &["build", "--format", "json"],
    ] {
        let run = routec(project.path(), args);
        assert_eq!(run.code, 1, "{args:?}: {}", run.stderr);
        assert_eq!(run.stdout, "", "{args:?}");
        assert_eq!(contents(&out), before, "{args:?}");
    }

    // Diagnostics print as `check` prints them; only the last line differs.
    let build = routec(project.path(), &["build"]);
    let check = routec(project.path(), &["check"]);
    let (diagnostics, last) = build
        .stderr
        .trim_end()
        .rsplit_once('\n')
        .expect("diagnostics and a summary");
    assert!(diagnostics.contains("[E0203] Error"), "{diagnostics}");
    assert!(check.stdout.starts_with(diagnostics), "{}", check.stdout);
    assert_eq!(last, "error: 1 error (2 files checked); nothing written");

    // Nor is a missing output folder created.
    fs::remove_dir_all(&out).expect("output removed");
    assert_eq!(routec(project.path(), &["build"]).code, 1);
    assert!(!out.exists());
}

#[test]
fn warnings_are_printed_and_do_not_stop_the_build() {
    let project = shop();
    // An unused policy is a warning.
    append(
        &project.path().join("bookinfo.route"),
        "\npolicy slow = timeout 10s\n",
    );
    let run = routec(project.path(), &["build", "-o", "-"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("[W0310] Warning"), "{}", run.stderr);
    assert!(
        run.stderr
            .ends_with("warning: 1 warning (2 files checked)\n"),
        "{}",
        run.stderr
    );
    assert!(!parse_stream(run.stdout.as_bytes()).is_empty());
}

#[test]
fn input_that_cannot_be_read_is_exit_2() {
    let project = shop();
    let run = routec(project.path(), &["build", "nowhere"]);
    assert_eq!(run.code, 2);
    assert_eq!(run.stderr, "error: nowhere: no such file or folder\n");

    fs::write(project.path().join("junk.route"), b"routes \xff\n").expect("junk");
    let run = routec(project.path(), &["build"]);
    assert_eq!(run.code, 2);
    assert!(!project.path().join("generated").exists());
    insta::assert_snapshot!("unreadable_source", run.stderr);
}

#[test]
fn an_unwritable_folder_is_one_line() {
    let project = shop();
    let locked = project.path().join("locked");
    fs::create_dir(&locked).expect("locked folder");
    let mut target = "locked/out";
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&locked, fs::Permissions::from_mode(0o555)).expect("chmod");
    }
    // Permissions do not stop root (CI runs tests as root): a file where the folder should be
    // stops everyone.
    let probe = locked.join("probe");
    if fs::write(&probe, "").is_ok() {
        let _ = fs::remove_file(&probe);
        fs::write(project.path().join("out-file"), "not a folder\n").expect("file");
        target = "out-file";
    }

    let run = routec(project.path(), &["build", "-o", target]);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&locked, fs::Permissions::from_mode(0o755)).expect("chmod back");
    }
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(run.stdout, "");
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert!(
        run.stderr
            .starts_with(&format!("error: cannot write {target}: ")),
        "{}",
        run.stderr
    );
}

#[test]
fn json_is_one_list_on_stdout_and_one_object_per_file() {
    let project = shop();
    let run = routec(project.path(), &["build", "-o", "-", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let list: Value = serde_json::from_str(&run.stdout).expect("stdout is JSON");
    assert_eq!(list["apiVersion"], "v1");
    assert_eq!(list["kind"], "List");
    let items = list["items"].as_array().expect("items");
    assert!(!items.is_empty());

    let run = routec(project.path(), &["build", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let files = contents(&project.path().join("generated"));
    for item in items {
        let resource: Resource = serde_json::from_value(item.clone()).expect("a resource");
        let file = &files[&path_of(&resource, "json")];
        assert!(file.ends_with(b"}\n"), "one object and a newline");
        let parsed: Value = serde_json::from_slice(file).expect("the file is JSON");
        assert_eq!(&parsed, item);
    }
    assert_eq!(files.len(), items.len() + 1);
}

#[test]
fn switching_formats_replaces_the_files() {
    let project = shop();
    assert_eq!(routec(project.path(), &["build"]).code, 0);
    assert_eq!(
        routec(project.path(), &["build", "--format", "json"]).code,
        0
    );
    let files = contents(&project.path().join("generated"));
    assert!(
        files
            .keys()
            .all(|path| path == MANIFEST || path.ends_with(".json")),
        "{:?}",
        files.keys()
    );
}

#[test]
fn builds_are_deterministic() {
    let project = bookinfo();
    let first = routec(project.path(), &["build", "-o", "-"]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    let second = routec(project.path(), &["build", "-o", "-"]);
    assert_eq!(first.stdout, second.stdout);

    // The same project with its files listed in reverse order, in a database of our own.
    let loaded = load(&LoadOptions {
        path: Some(project.path().to_path_buf()),
        inventory: None,
        no_cache: false,
    })
    .expect("bookinfo loads");
    assert!(loaded.files.len() > 1);
    let db = Database::default();
    let reversed: Vec<SourceFile> = loaded
        .files
        .iter()
        .rev()
        .map(|file| {
            SourceFile::new(
                &db,
                file.path(&loaded.db).clone(),
                file.text(&loaded.db).clone(),
            )
        })
        .collect();
    let inventory = InventoryInput::new(
        &db,
        loaded
            .project
            .inventory(&loaded.db)
            .inventory(&loaded.db)
            .clone(),
    );
    let project_input = Project::new(
        &db,
        reversed,
        loaded.project.config(&loaded.db).clone(),
        inventory,
    );
    let build = routec::lower::build(&db, project_input).expect("bookinfo builds");
    let mut stream = Vec::new();
    emit::stream(&mut stream, &build.resources, Format::Yaml).expect("written");
    assert_eq!(String::from_utf8_lossy(&stream), first.stdout);

    // And the output does not depend on the order the lowering returns resources in.
    let mut shuffled = build.resources.clone();
    shuffled.reverse();
    let mut again = Vec::new();
    emit::stream(&mut again, &shuffled, Format::Yaml).expect("written");
    assert_eq!(again, stream);
}
