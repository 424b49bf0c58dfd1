//! End-to-end tests of the `routec` binary: exit codes, the three output formats, and what a
//! new user runs into (no route.toml, a bad inventory, an empty file, binary junk, a project
//! with hundreds of errors). Projects live in `tests/data/cli/`; the ones that need odd files
//! (non-UTF-8, build folders git would ignore, generated errors) are written to a fresh
//! temporary folder by the test.

use std::fs;
use std::path::{Path, PathBuf};

use route_lang::codes::Code;
use serde_json::Value;

mod support;

use support::run::{Run, routec};

fn data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/cli")
}

/// A fresh, empty folder outside any project (no `route.toml` above it).
fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("routec-cli-{name}-{}", std::process::id()));
    // A leftover from an earlier run with the same process id would change the results.
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn write(path: &Path, contents: impl AsRef<[u8]>) {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).expect("parent folder");
    }
    fs::write(path, contents).expect("file written");
}

/// A project in a temporary folder using the shared test inventory.
fn temp_project(name: &str, files: &[(&str, &str)]) -> PathBuf {
    let dir = temp_dir(name);
    let inventory = data().join("inventory.yaml");
    write(
        &dir.join("route.toml"),
        format!(
            "[project]\nnamespace = \"bookinfo\"\ninventory = {:?}\n",
            inventory.display().to_string()
        ),
    );
    for (path, text) in files {
        write(&dir.join(path), text);
    }
    dir
}

fn json(run: &Run) -> Vec<Value> {
    match serde_json::from_str(&run.stdout) {
        Ok(Value::Array(elements)) => elements,
        other => panic!("stdout is not one JSON array: {other:?}\n{}", run.stdout),
    }
}

#[test]
fn a_valid_project_has_no_problems() {
    let run = routec(&data(), &["check", "valid"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_eq!(run.stdout, "2 files checked: no problems\n");
    assert_eq!(run.stderr, "");
}

/// The `timings:` line of a run's stderr, checked to name `phases` in order and a total.
fn timings_line<'r>(run: &'r Run, phases: &[&str]) -> &'r str {
    let line = run
        .stderr
        .lines()
        .find(|line| line.starts_with("timings: "))
        .unwrap_or_else(|| panic!("no timings line:\n{}", run.stderr));
    let mut rest = line;
    for phase in phases {
        let at = rest
            .find(&format!(" {phase} "))
            .unwrap_or_else(|| panic!("no `{phase}` in order in {line:?}"));
        rest = &rest[at + phase.len()..];
    }
    assert!(line.ends_with(" ms in all)"), "{line:?}");
    line
}

/// The `tasks:` line of a run's stderr: each task with each thread's span, checked to hold
/// `tasks` and spans that end after they start, in milliseconds from the command's start.
fn task_spans(run: &Run, tasks: &[&str]) -> Vec<(String, f64, f64, String)> {
    let line = run
        .stderr
        .lines()
        .find_map(|line| line.strip_prefix("tasks: "))
        .unwrap_or_else(|| panic!("no tasks line:\n{}", run.stderr));
    let mut spans = Vec::new();
    for of_task in line.split("; ") {
        let digit = of_task
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or_else(|| panic!("no span in {of_task:?}"));
        let task = of_task[..digit].trim();
        for span in of_task[digit..].split(", ") {
            let (times, thread) = span
                .split_once(" on ")
                .unwrap_or_else(|| panic!("no thread in {span:?}"));
            let (start, end) = times
                .trim_end_matches(" ms")
                .split_once('–')
                .unwrap_or_else(|| panic!("no start–end in {span:?}"));
            let (start, end): (f64, f64) = (start.parse().unwrap(), end.parse().unwrap());
            assert!(start <= end, "{span:?}");
            assert!(thread.starts_with("routec-"), "{span:?}");
            spans.push((task.to_owned(), start, end, thread.to_owned()));
        }
    }
    for task in tasks {
        assert!(
            spans.iter().any(|(name, ..)| name == task),
            "no `{task}` in {line:?}"
        );
    }
    spans
}

#[test]
fn timings_go_to_stderr_and_change_nothing_else() {
    let plain = routec(&data(), &["build", "valid", "-o", "-"]);
    let timed = routec(&data(), &["build", "valid", "-o", "-", "--timings"]);
    assert_eq!(timed.code, 0, "{}", timed.stderr);
    assert_eq!(timed.stdout, plain.stdout);
    assert!(
        timed.stdout.contains("kind: RouteTable"),
        "{}",
        timed.stdout
    );
    timings_line(&timed, &["load", "check", "lower and write", "output"]);
    let spans = task_spans(&timed, &["inventory", "parse", "check", "lower and write"]);
    // Each parallel phase gives every pool thread one task, and the next phase starts when all
    // of them have ended.
    let threads_of = |task: &str| {
        let mut threads: Vec<&str> = spans
            .iter()
            .filter(|span| span.0 == task)
            .map(|span| span.3.as_str())
            .collect();
        threads.sort_unstable();
        threads
    };
    let pool = threads_of("parse");
    assert!(pool.windows(2).all(|w| w[0] != w[1]), "{spans:?}");
    assert_eq!(threads_of("check"), pool, "{spans:?}");
    assert_eq!(threads_of("lower and write"), pool, "{spans:?}");
    let (check_start, check_end) = spans
        .iter()
        .filter(|(task, ..)| task == "check")
        .fold((f64::MAX, 0.0f64), |(s, e), span| {
            (s.min(span.1), e.max(span.2))
        });
    let lower_start = spans
        .iter()
        .filter(|(task, ..)| task == "lower and write")
        .map(|span| span.1)
        .fold(f64::MAX, f64::min);
    assert!(
        check_start <= check_end && check_end <= lower_start,
        "{spans:?}"
    );
    assert!(!plain.stderr.contains("timings"), "{}", plain.stderr);
    assert!(!plain.stderr.contains("tasks"), "{}", plain.stderr);

    let checked = routec(&data(), &["check", "valid", "--timings"]);
    assert_eq!(checked.code, 0, "{}", checked.stderr);
    assert_eq!(checked.stdout, "2 files checked: no problems\n");
    timings_line(&checked, &["load", "check", "report"]);
    task_spans(&checked, &["inventory", "parse", "check"]);

    // A build that stops at its errors times what ran.
    let failed = routec(&data(), &["build", "errors", "-o", "-", "--timings"]);
    assert_eq!(failed.code, 1, "{}", failed.stderr);
    let line = timings_line(&failed, &["load", "check"]);
    assert!(!line.contains("lower"), "{line:?}");
}

#[test]
fn the_project_is_found_from_a_subfolder() {
    let run = routec(&data().join("valid/routes"), &["check"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_eq!(run.stdout, "2 files checked: no problems\n");
}

#[test]
fn errors_are_rendered_for_people() {
    let run = routec(&data(), &["check", "errors"]);
    assert_eq!(run.code, 1);
    assert_eq!(run.stderr, "");
    insta::assert_snapshot!("errors_human", run.stdout);
}

#[test]
fn errors_as_json() {
    let run = routec(&data(), &["check", "errors", "--format", "json"]);
    assert_eq!(run.code, 1);
    let diagnostics = json(&run);
    assert!(!diagnostics.is_empty());
    for diagnostic in &diagnostics {
        for key in ["file", "code", "message"] {
            assert!(diagnostic[key].is_string(), "{key} in {diagnostic}");
        }
        for key in ["line", "column", "end_line", "end_column"] {
            assert!(
                diagnostic[key].as_u64().is_some_and(|n| n >= 1),
                "{key} in {diagnostic}"
            );
        }
        let severity = diagnostic["severity"].as_str();
        assert!(
            matches!(severity, Some("error" | "warning")),
            "{diagnostic}"
        );
    }
    // Columns count characters: `20` follows `"/café"` on its line.
    let status = diagnostics
        .iter()
        .find(|d| d["code"] == "E0416")
        .expect("the bad status is reported");
    let line = fs::read_to_string(data().join("errors/a.route")).expect("a.route");
    let line = line
        .lines()
        .nth(status["line"].as_u64().expect("line") as usize - 1)
        .expect("the line exists");
    let column = line
        .find("20 ")
        .map(|at| line[..at].chars().count() + 1)
        .expect("the status is on the line");
    assert_eq!(status["file"], "a.route");
    assert_eq!(status["column"].as_u64(), Some(column as u64));
    assert_eq!(status["end_column"].as_u64(), Some(column as u64 + 2));
    insta::assert_snapshot!("errors_json", run.stdout);
}

#[test]
fn errors_as_github_annotations() {
    let run = routec(&data(), &["check", "errors", "--format", "github"]);
    assert_eq!(run.code, 1);
    let (annotations, summary) = run.stdout.trim_end().rsplit_once('\n').expect("lines");
    assert!(summary.starts_with("error: "), "{summary}");
    for line in annotations.lines() {
        assert!(
            line.starts_with("::error file=errors/a.route,line=")
                || line.starts_with("::error file=errors/b.route,line=")
                || line.starts_with("::warning file=errors/a.route,line="),
            "{line}"
        );
        assert!(
            line.contains(",endLine=") && line.contains(",title="),
            "{line}"
        );
    }
    insta::assert_snapshot!("errors_github", run.stdout);
}

#[test]
fn a_single_file_reports_only_its_own_diagnostics() {
    let run = routec(&data(), &["check", "errors/b.route", "--format", "json"]);
    assert_eq!(run.code, 1);
    let diagnostics = json(&run);
    assert!(!diagnostics.is_empty());
    assert!(
        diagnostics.iter().all(|d| d["file"] == "b.route"),
        "{}",
        run.stdout
    );
}

#[test]
fn warnings_fail_only_when_denied() {
    let dir = temp_project("warnings", &[("main.route", "policy slow = timeout 10s\n")]);
    let run = routec(&dir, &["check"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(
        run.stdout
            .ends_with("warning: 1 warning (1 file checked)\n"),
        "{}",
        run.stdout
    );
    let run = routec(&dir, &["check", "--deny-warnings"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stdout
            .ends_with("error: 1 warning, denied by --deny-warnings (1 file checked)\n"),
        "{}",
        run.stdout
    );
    let _ = fs::remove_dir_all(dir);
}

#[test]
fn a_missing_path_is_one_line() {
    let run = routec(&data(), &["check", "nowhere"]);
    assert_eq!(run.code, 2);
    assert_eq!(run.stdout, "");
    assert_eq!(run.stderr, "error: nowhere: no such file or folder\n");
}

#[test]
fn a_typo_in_the_inventory_is_one_line() {
    let run = routec(&data(), &["check", "bad-inventory"]);
    assert_eq!(run.code, 2);
    assert_eq!(run.stdout, "");
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert!(
        run.stderr
            .starts_with("error: bad-inventory/inventory.yaml:5:9: "),
        "{}",
        run.stderr
    );
    insta::assert_snapshot!("bad_inventory", run.stderr);
}

/// A copy of the `valid` project with its inventory inside it, in a temporary folder.
fn cached_project(name: &str) -> PathBuf {
    let dir = temp_dir(name);
    let valid = data().join("valid");
    write(
        &dir.join("route.toml"),
        "[project]\nnamespace = \"bookinfo\"\n",
    );
    for file in ["gateways.route", "routes/bookinfo.route"] {
        write(
            &dir.join(file),
            fs::read(valid.join(file)).expect("test project file"),
        );
    }
    write(
        &dir.join("inventory.yaml"),
        fs::read(data().join("inventory.yaml")).expect("test inventory"),
    );
    dir
}

/// The entries of a project's inventory cache.
fn cache_entries(project: &Path) -> Vec<PathBuf> {
    let mut entries: Vec<PathBuf> = fs::read_dir(project.join(".routec_cache"))
        .map(|read| read.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    entries.retain(|path| path.extension().is_some_and(|ext| ext == "bin"));
    entries
}

#[test]
fn the_inventory_cache_lives_in_the_project_and_can_be_bypassed() {
    let dir = cached_project("cache");
    let first = routec(&dir, &["check"]);
    assert_eq!(first.code, 0, "{}{}", first.stdout, first.stderr);
    let [entry] = cache_entries(&dir).try_into().expect("one entry");
    let gitignore = fs::read_to_string(dir.join(".routec_cache/.gitignore")).expect("gitignore");
    assert!(gitignore.lines().any(|line| line == "*"), "{gitignore}");

    let second = routec(&dir, &["check"]);
    assert_eq!(
        (second.code, &second.stdout, &second.stderr),
        (first.code, &first.stdout, &first.stderr)
    );
    let built = routec(&dir, &["build", "-o", "-"]);
    let uncached = routec(&dir, &["build", "-o", "-", "--no-cache"]);
    assert_eq!(built.code, 0, "{}", built.stderr);
    assert_eq!(built.stdout, uncached.stdout);

    // A damaged entry is rewritten; --no-cache neither reads nor writes it.
    write(&entry, "junk");
    let run = routec(&dir, &["check", "--no-cache"]);
    assert_eq!(run.stdout, first.stdout);
    assert_eq!(fs::read(&entry).expect("entry"), b"junk");
    let run = routec(&dir, &["check"]);
    assert_eq!(run.stdout, first.stdout);
    assert_ne!(fs::read(&entry).expect("entry"), b"junk");

    let fresh = cached_project("no-cache");
    let run = routec(&fresh, &["check", "--no-cache"]);
    assert_eq!(run.stdout, first.stdout);
    assert!(!fresh.join(".routec_cache").exists());
    let _ = fs::remove_dir_all(dir);
    let _ = fs::remove_dir_all(fresh);
}

#[test]
fn an_inventory_error_is_reported_in_full_despite_a_cached_entry() {
    let dir = cached_project("cache-error");
    assert_eq!(routec(&dir, &["check"]).code, 0);
    let inventory = dir.join("inventory.yaml");
    let text = fs::read_to_string(&inventory).expect("inventory");
    write(&inventory, text.replacen("services:", "servces:", 1));
    let cached = routec(&dir, &["check"]);
    let uncached = routec(&dir, &["check", "--no-cache"]);
    assert_eq!(cached.code, 2);
    assert!(
        cached.stderr.starts_with("error: inventory.yaml:") && cached.stderr.contains("servces"),
        "{}",
        cached.stderr
    );
    assert_eq!(cached.stderr, uncached.stderr);

    // Fixed again, the project checks as before.
    write(&inventory, text);
    assert_eq!(routec(&dir, &["check"]).code, 0);
    let _ = fs::remove_dir_all(dir);
}

#[test]
fn an_unwritable_cache_only_skips_caching() {
    // A file where the cache folder goes (permissions would not stop root, who runs CI).
    let dir = cached_project("cache-unwritable");
    write(&dir.join(".routec_cache"), "not a folder");
    let run = routec(&dir, &["check"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_eq!(run.stderr, "");
    assert_eq!(
        fs::read_to_string(dir.join(".routec_cache")).expect("file"),
        "not a folder"
    );
    let _ = fs::remove_dir_all(dir);
}

#[test]
fn an_invalid_route_toml_is_one_line() {
    let run = routec(&data(), &["check", "bad-config"]);
    assert_eq!(run.code, 2);
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert!(
        run.stderr
            .starts_with("error: bad-config/route.toml:2:13: invalid namespace"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_missing_inventory_file_is_one_line() {
    let run = routec(&data(), &["check", "valid", "--inventory", "missing.yaml"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "error: missing.yaml: cannot read the inventory: no such file\n"
    );

    // route.toml names `inventory.yaml` by default: say how to name another one.
    let dir = temp_dir("default-inventory");
    write(
        &dir.join("route.toml"),
        "[project]\nnamespace = \"bookinfo\"\n",
    );
    let run = routec(&dir, &["check"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "error: inventory.yaml: cannot read the inventory: no such file; set `inventory` in the \
         [project] table of route.toml, or pass --inventory FILE\n"
    );
    let _ = fs::remove_dir_all(dir);
}

#[test]
fn without_route_toml_the_folder_is_checked_alone() {
    let dir = temp_dir("no-project");
    write(
        &dir.join("main.route"),
        "routes bookinfo {\n  hosts \"bookinfo.example.com\"\n  expose to mesh\n  route \
         reviews { to service reviews:9080 }\n}\n",
    );
    // Without an inventory the service is unknown, and the note says why.
    let run = routec(&dir, &["check"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(run.stdout.contains("[E0203]"), "{}", run.stdout);
    assert_eq!(
        run.stderr,
        "note: no route.toml in . or above: checking with namespace `default` and an empty \
         inventory (pass --inventory FILE to use one)\n"
    );

    // With one, the file's namespace is still `default`, hence the explicit `.bookinfo`.
    let inventory = data().join("inventory.yaml");
    write(
        &dir.join("main.route"),
        "routes bookinfo {\n  hosts \"bookinfo.example.com\"\n  expose to mesh\n  route \
         reviews { to service reviews.bookinfo:9080 }\n}\n",
    );
    let run = routec(
        &dir,
        &[
            "check",
            "main.route",
            "--inventory",
            &inventory.display().to_string(),
        ],
    );
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_eq!(run.stdout, "1 file checked: no problems\n");
    let _ = fs::remove_dir_all(dir);
}

#[test]
fn an_empty_file_is_a_valid_project() {
    let run = routec(&data(), &["check", "empty"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_eq!(run.stdout, "1 file checked: no problems\n");
}

#[test]
fn binary_junk_is_one_line_and_the_rest_is_checked() {
    let dir = temp_project("junk", &[("main.route", "policy slow = timeout 10s\n")]);
    write(&dir.join("junk.route"), b"route\x00\xff\xfe\x80 junk\n");
    let run = routec(&dir, &["check"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "error: junk.route:1:7: not UTF-8 text (byte 0xff); files must be UTF-8\n"
    );
    // The readable file was still checked: its unused policy is reported.
    assert!(run.stdout.contains("[W0310]"), "{}", run.stdout);

    // Asked for by name, an unreadable file is all there is to say.
    let run = routec(&dir, &["check", "junk.route"]);
    assert_eq!(run.code, 2);
    assert_eq!(run.stdout, "");
    let _ = fs::remove_dir_all(dir);
}

#[test]
fn text_junk_is_reported_as_diagnostics() {
    // Deterministic noise made of every kind of character the lexer may meet.
    let alphabet: Vec<char> = "{}()[]=,.:@#\"\\%-_ \n\tazAZ09é☕\u{0}\u{7f}"
        .chars()
        .collect();
    let mut state: u32 = 12345;
    let junk: String = (0..20_000)
        .map(|_| {
            state = state.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            alphabet[(state >> 16) as usize % alphabet.len()]
        })
        .collect();
    let dir = temp_project("text-junk", &[("junk.route", &junk)]);
    for format in ["human", "json", "github"] {
        let run = routec(&dir, &["check", "--format", format]);
        assert_eq!(run.code, 1, "{format}: {}", run.stderr);
    }
    let _ = fs::remove_dir_all(dir);
}

#[test]
fn two_hundred_errors_are_all_reported_in_order() {
    // 100 unknown destinations in each of two files, written in reverse order of file name.
    let table = |name: &str| {
        let mut text =
            format!("routes {name} {{\n  hosts \"{name}.example.com\"\n  expose to mesh\n");
        for i in 0..100 {
            text.push_str(&format!(
                "  route r{i} {{ match path prefix \"/{i}\" to destination nowhere-{i} }}\n"
            ));
        }
        text.push_str("}\n");
        text
    };
    let dir = temp_project(
        "many",
        &[("z.route", &table("zeta")), ("a.route", &table("alpha"))],
    );

    let run = routec(&dir, &["check", "--format", "json"]);
    assert_eq!(run.code, 1);
    let diagnostics = json(&run);
    assert_eq!(diagnostics.len(), 200);
    assert!(diagnostics.iter().all(|d| d["code"] == "E0103"));
    let positions: Vec<(String, u64, u64)> = diagnostics
        .iter()
        .map(|d| {
            (
                d["file"].as_str().unwrap_or_default().to_owned(),
                d["line"].as_u64().unwrap_or_default(),
                d["column"].as_u64().unwrap_or_default(),
            )
        })
        .collect();
    let mut sorted = positions.clone();
    sorted.sort();
    assert_eq!(positions, sorted);
    assert_eq!(positions[0].0, "a.route");
    assert_eq!(positions[199].0, "z.route");

    let run = routec(&dir, &["check"]);
    assert_eq!(run.code, 1);
    assert_eq!(run.stdout.matches("[E0103] Error:").count(), 200);
    assert!(
        run.stdout
            .ends_with("error: 200 errors (2 files checked)\n"),
        "{}",
        run.stdout
    );
    let _ = fs::remove_dir_all(dir);
}

#[test]
fn build_output_dependencies_and_hidden_folders_are_not_sources() {
    let broken = "routes {\n";
    let dir = temp_project(
        "skipped",
        &[
            (
                "main.route",
                "routes api-users {\n  route list { to service users.api:8080 }\n}\n",
            ),
            ("target/debug/x.route", broken),
            ("node_modules/x/x.route", broken),
            (".git/x.route", broken),
            ("out/x.route", broken),
            (".#main.route", broken),
        ],
    );
    let run = routec(&dir, &["check", "--format", "json"]);
    // Only the one real file is checked: its table is never delegated to (a warning).
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let diagnostics = json(&run);
    let codes: Vec<&str> = diagnostics
        .iter()
        .filter_map(|d| d["code"].as_str())
        .collect();
    assert_eq!(codes, ["W0408"]);
    let _ = fs::remove_dir_all(dir);
}

#[test]
fn explain_prints_every_code_with_an_example() {
    for code in Code::ALL {
        let run = routec(&data(), &["explain", &code.as_str().to_lowercase()]);
        assert_eq!(run.code, 0, "{}", code.as_str());
        assert!(
            run.stdout.starts_with(&format!(
                "{} ({}): {}\n",
                code.as_str(),
                code.severity().as_str(),
                code.title()
            )),
            "{}",
            run.stdout
        );
        assert!(
            run.stdout.contains("\nFor example:\n\n    "),
            "{}",
            run.stdout
        );
        assert!(run.stdout.contains("\nFixed:\n\n    "), "{}", run.stdout);
    }
    insta::assert_snapshot!(
        "explain_e0203",
        routec(&data(), &["explain", "E0203"]).stdout
    );
}

#[test]
fn explain_lists_codes_and_rejects_unknown_ones() {
    let run = routec(&data(), &["explain", "--list"]);
    assert_eq!(run.code, 0);
    assert_eq!(run.stdout.lines().count(), Code::ALL.len());
    assert!(
        run.stdout.contains("E0203  error    unknown service\n"),
        "{}",
        run.stdout
    );

    let run = routec(&data(), &["explain", "E0230"]);
    assert_eq!(run.code, 2);
    assert_eq!(run.stdout, "");
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert!(
        run.stderr
            .starts_with("error: unknown code `E0230`; did you mean `E0"),
        "{}",
        run.stderr
    );
}

#[test]
fn fmt_checks_rewrites_and_skips_files_with_syntax_errors() {
    let dir = temp_project(
        "fmt",
        &[
            (
                "messy.route",
                "policy slow   =   timeout 10s\n\n\n\nroutes bookinfo { hosts \"bookinfo.example.com\" expose to mesh apply slow route reviews { to destination reviews } }\n",
            ),
            ("tidy.route", "policy fast = timeout 1s\n"),
        ],
    );
    let run = routec(&dir, &["fmt", "--check"]);
    assert_eq!(run.code, 1);
    assert_eq!(run.stdout, "messy.route\n");
    assert_eq!(
        run.stderr,
        "error: 1 file needs formatting; run `routec fmt` to format\n"
    );

    let run = routec(&dir, &["fmt"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "formatted messy.route\n");
    let run = routec(&dir, &["fmt", "--check"]);
    assert_eq!((run.code, run.stdout.as_str()), (0, ""));

    write(&dir.join("broken.route"), "routes bookinfo {\n");
    let run = routec(&dir, &["fmt", "--check"]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stderr,
        "error: broken.route: not formatted: it has syntax errors (see `routec check broken.route`)\n"
    );
    let _ = fs::remove_dir_all(dir);
}
