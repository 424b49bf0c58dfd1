//! Live tests: `routec apply`, `diff` and `--prune` against a real Kubernetes API server with
//! the real Gloo CRDs (`tests/data/cluster/crds/`) installed.
//!
//! They run when `ROUTEC_TEST_KUBECONFIG` names a kubeconfig whose current context is a
//! cluster the tests may write to (`.ci/kube-test-apiserver.sh start DIR` starts a local one;
//! see README.md, "Live cluster tests"), and are skipped with a visible message otherwise — unless
//! `ROUTEC_REQUIRE_LIVE_TESTS=1` (set by `.ci/run`), which turns the skip into a failure.
//!
//! Each test owns its names: the scenario works on a copy of `examples/bookinfo` whose
//! `route.toml` names the project `bookinfo-live` (its identity) and removes that project's
//! leftovers first;
//! the error tests use the namespace `routec-live-errors`. Reruns against the same server pass.

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use kube::api::{Api, DeleteParams, DynamicObject, ListParams, Patch, PatchParams};
use kube::core::{ApiResource, GroupVersionKind};
use serde_json::{Value, json};

use routec::cluster::apply::{self, ObjectId, Options, Planned};
use routec::cluster::{self, Connection, Target};

/// The project identity of the scenario's copy of bookinfo (its folder name).
const PROJECT: &str = "bookinfo-live";
/// Another routec project whose object must survive the scenario's prune.
const OTHER_PROJECT: &str = "live-other-project";
const ERRORS_NAMESPACE: &str = "routec-live-errors";

/// Writes past the test harness's output capture, so that skips and timings are seen.
fn say(message: &str) {
    let _ = writeln!(std::io::stderr(), "{message}");
}

fn kubeconfig() -> Option<PathBuf> {
    match std::env::var_os("ROUTEC_TEST_KUBECONFIG") {
        Some(path) if !path.is_empty() => Some(PathBuf::from(path)),
        _ => {
            assert!(
                std::env::var_os("ROUTEC_REQUIRE_LIVE_TESTS").is_none_or(|v| v != "1"),
                "ROUTEC_REQUIRE_LIVE_TESTS=1 but ROUTEC_TEST_KUBECONFIG is not set"
            );
            say(
                "skipped: ROUTEC_TEST_KUBECONFIG not set (see README.md, section Live cluster tests)",
            );
            None
        }
    }
}

fn runtime() -> tokio::runtime::Runtime {
    cluster::runtime().expect("a tokio runtime")
}

async fn connect(kubeconfig: &Path) -> Connection {
    cluster::connect(&Target {
        kubeconfig: Some(kubeconfig.to_owned()),
        context: None,
    })
    .await
    .expect("the test kubeconfig works")
}

/// The kinds routec emits, with their plurals, for the test's own requests.
const KINDS: &[(&str, &str, &str)] = &[
    (
        "networking.gloo.solo.io",
        "VirtualGateway",
        "virtualgateways",
    ),
    (
        "networking.gloo.solo.io",
        "VirtualDestination",
        "virtualdestinations",
    ),
    ("networking.gloo.solo.io", "RouteTable", "routetables"),
    (
        "resilience.policy.gloo.solo.io",
        "RetryTimeoutPolicy",
        "retrytimeoutpolicies",
    ),
    (
        "resilience.policy.gloo.solo.io",
        "FaultInjectionPolicy",
        "faultinjectionpolicies",
    ),
    (
        "resilience.policy.gloo.solo.io",
        "FailoverPolicy",
        "failoverpolicies",
    ),
    (
        "resilience.policy.gloo.solo.io",
        "OutlierDetectionPolicy",
        "outlierdetectionpolicies",
    ),
    ("security.policy.gloo.solo.io", "CORSPolicy", "corspolicies"),
    (
        "security.policy.gloo.solo.io",
        "AccessPolicy",
        "accesspolicies",
    ),
    (
        "trafficcontrol.policy.gloo.solo.io",
        "HeaderManipulationPolicy",
        "headermanipulationpolicies",
    ),
    (
        "trafficcontrol.policy.gloo.solo.io",
        "MirrorPolicy",
        "mirrorpolicies",
    ),
];

fn resource(kind: &str) -> ApiResource {
    let (group, kind, plural) = KINDS
        .iter()
        .find(|(_, k, _)| *k == kind)
        .copied()
        .unwrap_or_else(|| panic!("unknown kind {kind}"));
    ApiResource::from_gvk_with_plural(&GroupVersionKind::gvk(group, "v2", kind), plural)
}

fn api(connection: &Connection, kind: &str, namespace: &str) -> Api<DynamicObject> {
    Api::namespaced_with(connection.client.clone(), namespace, &resource(kind))
}

/// Server-side applies the CRDs routec needs and waits until they are served.
async fn install_crds(connection: &Connection) {
    let crd = ApiResource::from_gvk_with_plural(
        &GroupVersionKind::gvk("apiextensions.k8s.io", "v1", "CustomResourceDefinition"),
        "customresourcedefinitions",
    );
    let crds: Api<DynamicObject> = Api::all_with(connection.client.clone(), &crd);
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/cluster/crds");
    let mut names = Vec::new();
    for entry in fs::read_dir(&folder).expect("the CRD folder") {
        let path = entry.expect("an entry").path();
        if path.extension().is_none_or(|ext| ext != "yaml") {
            continue;
        }
        let text = fs::read_to_string(&path).expect("a CRD file");
        let document: Value = serde_saphyr::from_str(&text).expect("CRD YAML");
        let name = document["metadata"]["name"]
            .as_str()
            .expect("a CRD name")
            .to_owned();
        crds.patch(
            &name,
            &PatchParams::apply("routec-live-tests").force(),
            &Patch::Apply(&document),
        )
        .await
        .unwrap_or_else(|e| panic!("installing {name}: {e}"));
        names.push(name);
    }
    assert_eq!(
        names.len(),
        KINDS.len(),
        "every CRD routec needs is in {folder:?}"
    );
    let deadline = Instant::now() + Duration::from_secs(60);
    for name in names {
        loop {
            let established = crds
                .get(&name)
                .await
                .ok()
                .and_then(|crd| crd.data.get("status").cloned())
                .and_then(|status| status.get("conditions").cloned())
                .and_then(|conditions| conditions.as_array().cloned())
                .is_some_and(|conditions| {
                    conditions
                        .iter()
                        .any(|c| c["type"] == "Established" && c["status"] == "True")
                });
            if established {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "CRD {name} not established in 60s"
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
}

/// Deletes every object of the kinds routec emits that carries one of these project labels,
/// plus the named objects: what an earlier, interrupted run may have left.
async fn clean_up(connection: &Connection, projects: &[&str], named: &[(&str, &str, &str)]) {
    for (_, kind, _) in KINDS {
        let all: Api<DynamicObject> = Api::all_with(connection.client.clone(), &resource(kind));
        for project in projects {
            let selector = format!("routec.io/project={project}");
            let list = all
                .list(&ListParams::default().labels(&selector))
                .await
                .expect("list for clean-up");
            for object in list.items {
                let (Some(namespace), Some(name)) = (
                    object.metadata.namespace.clone(),
                    object.metadata.name.clone(),
                ) else {
                    continue;
                };
                let _ = api(connection, kind, &namespace)
                    .delete(&name, &DeleteParams::default())
                    .await;
            }
        }
    }
    for (kind, namespace, name) in named {
        let _ = api(connection, kind, namespace)
            .delete(name, &DeleteParams::default())
            .await;
    }
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
    took: Duration,
}

fn routec(dir: &Path, kubeconfig: &Path, args: &[&str]) -> Run {
    let started = Instant::now();
    let output = Command::new(env!("CARGO_BIN_EXE_routec"))
        .args(args)
        .arg("--kubeconfig")
        .arg(kubeconfig)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("routec runs");
    let run = Run {
        code: output.status.code().expect("routec exits normally"),
        stdout: String::from_utf8(output.stdout).expect("UTF-8"),
        stderr: String::from_utf8(output.stderr).expect("UTF-8"),
        took: started.elapsed(),
    };
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    run
}

/// The per-resource lines of an apply (all but the summary), e.g. `RouteTable a/b created`.
fn resource_lines(run: &Run) -> Vec<&str> {
    run.stdout
        .lines()
        .filter(|line| !line.starts_with("applied "))
        .collect()
}

/// A copy of `examples/bookinfo` whose project identity is [`PROJECT`].
fn copy_bookinfo(to: &Path) {
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/bookinfo"),
        to,
    );
    edit(
        &to.join("route.toml"),
        "name = \"bookinfo\"",
        &format!("name = \"{PROJECT}\""),
    );
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("folder");
    for entry in fs::read_dir(from).expect("readable") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = fs::read_to_string(path).expect("readable");
    assert!(text.contains(from), "{} has no {from:?}", path.display());
    fs::write(path, text.replacen(from, to, 1)).expect("writable");
}

/// Applies a RouteTable as another field manager (forcing), as another tool would.
async fn apply_as_other_tool(connection: &Connection, name: &str, labels: Value, spec: Value) {
    let body = json!({
        "apiVersion": "networking.gloo.solo.io/v2",
        "kind": "RouteTable",
        "metadata": {"name": name, "namespace": "bookinfo", "labels": labels},
        "spec": spec,
    });
    api(connection, "RouteTable", "bookinfo")
        .patch(
            name,
            &PatchParams::apply("other-tool").force(),
            &Patch::Apply(&body),
        )
        .await
        .unwrap_or_else(|e| panic!("other-tool applies {name}: {e}"));
}

async fn route_table(connection: &Connection, name: &str) -> Option<DynamicObject> {
    api(connection, "RouteTable", "bookinfo")
        .get_opt(name)
        .await
        .expect("get")
}

/// The managers of an object's fields, by operation: `routec/Apply`.
fn managers(object: &DynamicObject) -> Vec<String> {
    object
        .metadata
        .managed_fields
        .iter()
        .flatten()
        .map(|entry| {
            format!(
                "{}/{}",
                entry.manager.as_deref().unwrap_or_default(),
                entry.operation.as_deref().unwrap_or_default()
            )
        })
        .collect()
}

#[test]
fn apply_reapply_change_prune_and_conflicts() {
    let Some(kubeconfig) = kubeconfig() else {
        return;
    };
    let runtime = runtime();
    let connection = runtime.block_on(connect(&kubeconfig));
    runtime.block_on(async {
        install_crds(&connection).await;
        clean_up(
            &connection,
            &[PROJECT, OTHER_PROJECT],
            &[("RouteTable", "bookinfo", "unmanaged-table")],
        )
        .await;
    });

    let work = std::env::temp_dir().join(format!("routec-live-{}", std::process::id()));
    let _ = fs::remove_dir_all(&work);
    let project = work.join(PROJECT);
    copy_bookinfo(&project);
    let run = |args: &[&str]| routec(&project, &kubeconfig, args);
    let mut timings = Vec::new();

    // 1. The first apply creates everything `build` produces, in dependency order.
    let built = Command::new(env!("CARGO_BIN_EXE_routec"))
        .args(["build", "-o", "-"])
        .current_dir(&project)
        .output()
        .expect("build runs");
    let documents = String::from_utf8_lossy(&built.stdout)
        .matches("\nkind: ")
        .count()
        + usize::from(built.stdout.starts_with(b"kind: "));
    let first = run(&["apply"]);
    assert_eq!(first.code, 0, "{}{}", first.stdout, first.stderr);
    let lines = resource_lines(&first);
    assert!(documents > 10, "bookinfo builds {documents} resources");
    assert_eq!(lines.len(), documents, "{}", first.stdout);
    assert!(
        lines.iter().all(|l| l.ends_with(" created")),
        "{}",
        first.stdout
    );
    let position = |prefix: &str| lines.iter().position(|l| l.starts_with(prefix));
    let (Some(gateway), Some(child), Some(parent), Some(policy)) = (
        position("VirtualGateway gloo-mesh-gateways/ingress"),
        position("RouteTable bookinfo/api-products"),
        position("RouteTable bookinfo/bookinfo"),
        position("CORSPolicy bookinfo/web-cors"),
    ) else {
        panic!("expected resources missing:\n{}", first.stdout)
    };
    assert!(
        gateway < child && child < parent && parent < policy,
        "{}",
        first.stdout
    );
    timings.push(format!(
        "first apply: {} created in {:.2?}",
        lines.len(),
        first.took
    ));

    // 2. The objects carry routec's labels, and routec owns their fields.
    runtime.block_on(async {
        for line in &lines {
            let mut words = line.split(' ');
            let (Some(kind), Some(place)) = (words.next(), words.next()) else {
                panic!("odd line {line}");
            };
            let Some((namespace, name)) = place.split_once('/') else {
                panic!("odd line {line}");
            };
            let object = api(&connection, kind, namespace)
                .get(name)
                .await
                .unwrap_or_else(|e| panic!("{kind} {place}: {e}"));
            let labels = object.metadata.labels.clone().unwrap_or_default();
            assert_eq!(labels["app.kubernetes.io/managed-by"], "routec", "{line}");
            assert_eq!(labels["routec.io/project"], PROJECT, "{line}");
            assert_eq!(managers(&object), ["routec/Apply"], "{line}");
        }
    });

    // 3. Re-applying changes nothing, and diff agrees.
    let again = run(&["apply"]);
    assert_eq!(again.code, 0, "{}", again.stderr);
    let lines = resource_lines(&again);
    assert_eq!(lines.len(), documents);
    assert!(
        lines.iter().all(|l| l.ends_with(" unchanged")),
        "{}",
        again.stdout
    );
    timings.push(format!(
        "re-apply: {} unchanged in {:.2?}",
        lines.len(),
        again.took
    ));
    let diff = run(&["diff"]);
    assert_eq!(
        (diff.code, diff.stdout.as_str()),
        (0, ""),
        "{}",
        diff.stderr
    );
    assert!(diff.stderr.contains("no changes"), "{}", diff.stderr);

    // 4. A change in the program: diff shows it, a dry run changes nothing, apply configures.
    edit(&project.join("api.route"), "weight 20", "weight 30");
    let diff = run(&["diff"]);
    assert_eq!(diff.code, 1, "{}", diff.stderr);
    assert!(
        diff.stdout
            .contains("--- RouteTable bookinfo/api-products (live)")
            && diff.stdout.contains("-  weight: 20\n+  weight: 30"),
        "{}",
        diff.stdout
    );
    let dry = run(&["apply", "--dry-run"]);
    assert_eq!(dry.code, 0, "{}", dry.stderr);
    assert!(
        dry.stdout
            .contains("RouteTable bookinfo/api-products configured (server dry run)"),
        "{}",
        dry.stdout
    );
    let weight = |object: Option<DynamicObject>| object.map(|o| o.data["spec"]["weight"].clone());
    assert_eq!(
        weight(runtime.block_on(route_table(&connection, "api-products"))),
        Some(json!(20)),
        "a dry run stores nothing"
    );
    let changed = run(&["apply"]);
    assert_eq!(changed.code, 0, "{}", changed.stderr);
    let configured: Vec<&str> = resource_lines(&changed)
        .into_iter()
        .filter(|l| !l.ends_with(" unchanged"))
        .collect();
    assert_eq!(configured, ["RouteTable bookinfo/api-products configured"]);
    timings.push(format!(
        "apply after a change: 1 configured in {:.2?}",
        changed.took
    ));

    // 5. Prune: a table removed from the program is deleted; a routec object of another
    //    project and an object without routec's label are left alone.
    runtime.block_on(async {
        apply_as_other_tool(
            &connection,
            "foreign-table",
            json!({"app.kubernetes.io/managed-by": "routec", "routec.io/project": OTHER_PROJECT}),
            json!({"weight": 1}),
        )
        .await;
        apply_as_other_tool(
            &connection,
            "unmanaged-table",
            json!({"team": "x"}),
            json!({}),
        )
        .await;
    });
    let api_route = fs::read_to_string(project.join("api.route")).expect("readable");
    let Some(reviews_at) = api_route.find("## Reviews and ratings") else {
        panic!("api.route changed shape:\n{api_route}");
    };
    fs::write(project.join("api.route"), &api_route[..reviews_at]).expect("writable");
    edit(
        &project.join("bookinfo.route"),
        "delegate to routes api-products, api-reviews",
        "delegate to routes api-products",
    );
    let diff = run(&["diff", "--prune"]);
    assert_eq!(diff.code, 1, "{}", diff.stderr);
    assert!(diff.stderr.contains("1 to delete"), "{}", diff.stderr);
    let pruned = run(&["apply", "--prune"]);
    assert_eq!(pruned.code, 0, "{}{}", pruned.stdout, pruned.stderr);
    let pruned_lines: Vec<&str> = resource_lines(&pruned)
        .into_iter()
        .filter(|l| l.ends_with(" pruned"))
        .collect();
    assert_eq!(pruned_lines, ["RouteTable bookinfo/api-reviews pruned"]);
    timings.push(format!("apply --prune: 1 pruned in {:.2?}", pruned.took));
    runtime.block_on(async {
        assert!(route_table(&connection, "api-reviews").await.is_none());
        assert!(route_table(&connection, "foreign-table").await.is_some());
        assert!(route_table(&connection, "unmanaged-table").await.is_some());
    });

    // 6. A field another manager took over is a conflict, reported and not forced...
    runtime.block_on(apply_as_other_tool(
        &connection,
        "api-products",
        json!({}),
        json!({"weight": 99}),
    ));
    let conflict = run(&["apply"]);
    assert_eq!(conflict.code, 2, "{}", conflict.stdout);
    assert!(
        conflict.stderr.contains(
            "error: RouteTable bookinfo/api-products: conflict: field .spec.weight owned by \
             field manager \"other-tool\""
        ),
        "{}",
        conflict.stderr
    );
    assert!(
        conflict
            .stderr
            .contains("note: nothing was applied: the cluster is as it was"),
        "{}",
        conflict.stderr
    );
    assert_eq!(
        weight(runtime.block_on(route_table(&connection, "api-products"))),
        Some(json!(99))
    );
    // ...unless asked.
    let forced = run(&["apply", "--force-conflicts"]);
    assert_eq!(forced.code, 0, "{}", forced.stderr);
    assert!(
        forced
            .stdout
            .contains("RouteTable bookinfo/api-products configured"),
        "{}",
        forced.stdout
    );
    let object = runtime.block_on(route_table(&connection, "api-products"));
    assert_eq!(weight(object.clone()), Some(json!(30)));
    let owners = object.as_ref().map(managers).unwrap_or_default();
    assert!(owners.contains(&"routec/Apply".to_owned()), "{owners:?}");

    // 7. An object of the same name that routec did not make is not taken over silently.
    runtime.block_on(apply_as_other_tool(
        &connection,
        "api-reviews",
        json!({"team": "reviews"}),
        json!({"weight": 5}),
    ));
    copy_bookinfo(&project);
    let refused = run(&["apply"]);
    assert_eq!(refused.code, 2, "{}", refused.stdout);
    assert!(
        refused.stderr.contains(
            "error: RouteTable bookinfo/api-reviews: an object of this name exists and is not \
             managed by routec"
        ),
        "{}",
        refused.stderr
    );
    let taken = run(&["apply", "--force-conflicts"]);
    assert_eq!(taken.code, 0, "{}", taken.stderr);
    let object = runtime.block_on(route_table(&connection, "api-reviews"));
    let labels = object.and_then(|o| o.metadata.labels).unwrap_or_default();
    assert_eq!(
        labels.get("routec.io/project").map(String::as_str),
        Some(PROJECT)
    );

    // Leave the server as we found it; the other project's object goes too.
    runtime.block_on(clean_up(
        &connection,
        &[PROJECT, OTHER_PROJECT],
        &[("RouteTable", "bookinfo", "unmanaged-table")],
    ));
    let _ = fs::remove_dir_all(&work);
    say(&format!(
        "live: bookinfo ({documents} resources) against {}: {}",
        connection.server,
        timings.join("; ")
    ));
}

/// A RouteTable to apply through the library, in the errors namespace.
fn table(name: &str, spec: Value) -> Planned {
    Planned {
        id: ObjectId {
            kind: "RouteTable".to_owned(),
            namespace: ERRORS_NAMESPACE.to_owned(),
            name: name.to_owned(),
        },
        api_version: "networking.gloo.solo.io/v2".to_owned(),
        body: json!({
            "apiVersion": "networking.gloo.solo.io/v2",
            "kind": "RouteTable",
            "metadata": {
                "name": name,
                "namespace": ERRORS_NAMESPACE,
                "labels": {"app.kubernetes.io/managed-by": "routec", "routec.io/project": "live-errors"},
            },
            "spec": spec,
        }),
    }
}

#[test]
fn api_errors_are_one_line_naming_the_resource_and_nothing_is_half_applied() {
    let Some(kubeconfig) = kubeconfig() else {
        return;
    };
    let runtime = runtime();
    runtime.block_on(async {
        let connection = connect(&kubeconfig).await;
        install_crds(&connection).await;
        clean_up(&connection, &["live-errors"], &[]).await;
        let options = Options {
            project: "live-errors".to_owned(),
            ..Options::default()
        };
        let apply = |planned: Vec<Planned>| {
            let connection = connection.clone();
            let options = options.clone();
            async move { apply::apply(&connection, &planned, &options, |_| ()).await }
        };

        // A value of the wrong type: HTTP 500 from the API server, said as such. The good table
        // before it is not applied, because every object is checked with a dry run first.
        let failure = apply(vec![
            table("good", json!({"weight": 1})),
            table("bad-type", json!({"weight": "heavy"})),
        ])
        .await
        .expect_err("a string weight is rejected");
        assert!(
            failure.message.starts_with(
                "RouteTable routec-live-errors/bad-type: the API server failed to process it \
                 (HTTP 500"
            ),
            "{}",
            failure.message
        );
        assert!(!failure.message.contains('\n'));
        assert_eq!(failure.report, apply::Report::default());
        let good = Api::<DynamicObject>::namespaced_with(
            connection.client.clone(),
            ERRORS_NAMESPACE,
            &resource("RouteTable"),
        )
        .get_opt("good")
        .await
        .expect("get");
        assert!(
            good.is_none(),
            "nothing is applied when one object is rejected"
        );

        // A field the schema does not declare.
        let failure = apply(vec![table("bad-field", json!({"hostz": ["a"]}))])
            .await
            .expect_err("an unknown field is rejected");
        assert!(
            failure
                .message
                .starts_with("RouteTable routec-live-errors/bad-field: ")
                && failure.message.contains("hostz"),
            "{}",
            failure.message
        );

        // A kind whose CRD is missing, in a served group and in a group that does not exist.
        let mut missing = table("x", json!({}));
        missing.id.kind = "NoSuchKind".to_owned();
        let mut widget = table("y", json!({}));
        widget.id.kind = "Widget".to_owned();
        widget.api_version = "example.routec.io/v1".to_owned();
        let failure = apply(vec![missing, widget])
            .await
            .expect_err("missing CRDs");
        assert_eq!(
            failure.message,
            format!(
                "the CRDs widgets.example.routec.io, nosuchkinds.networking.gloo.solo.io are \
                 not installed in the cluster of context `{}`: install the Gloo Mesh CRDs \
                 (gloo-platform-crds chart)",
                connection.context
            )
        );

        // Credentials the server does not accept.
        let text = fs::read_to_string(&kubeconfig).expect("kubeconfig");
        let anonymous: String = text
            .lines()
            .filter(|l| !l.contains("client-certificate") && !l.contains("client-key"))
            .map(|l| {
                if l.trim_end() == "  user:" {
                    "  user: {token: not-a-valid-token}".to_owned()
                } else {
                    l.to_owned()
                }
            })
            .collect::<Vec<_>>()
            .join("\n");
        let dir = std::env::temp_dir().join(format!("routec-live-errors-{}", std::process::id()));
        fs::create_dir_all(&dir).expect("temp dir");
        let bad_credentials = dir.join("kubeconfig");
        fs::write(&bad_credentials, anonymous).expect("write");
        let stranger = cluster::connect(&Target {
            kubeconfig: Some(bad_credentials),
            context: None,
        })
        .await
        .expect("a client");
        let failure = apply::apply(&stranger, &[table("z", json!({}))], &options, |_| ())
            .await
            .expect_err("refused");
        assert!(
            failure.message.contains("unauthorised (HTTP 401)")
                || failure.message.contains("forbidden (HTTP 403)"),
            "{}",
            failure.message
        );
        let _ = fs::remove_dir_all(&dir);
        clean_up(&connection, &["live-errors"], &[]).await;
    });
}

/// Not live: a server nobody listens on, through the binary. Always runs.
#[test]
fn an_unreachable_cluster_is_one_line_and_nothing_is_applied() {
    let dir = std::env::temp_dir().join(format!("routec-live-unreachable-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/bookinfo"),
        &dir.join("bookinfo"),
    );
    let kubeconfig = dir.join("kubeconfig");
    fs::write(
        &kubeconfig,
        "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: {server: \"http://127.0.0.1:1\"}\n\
         users:\n- name: u\n  user: {token: t}\ncontexts:\n- name: mgmt\n  context: {cluster: c, user: u}\n\
         current-context: mgmt\n",
    )
    .expect("write");
    let run = routec(&dir.join("bookinfo"), &kubeconfig, &["apply"]);
    assert_eq!(run.code, 2);
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr,
        "error: cannot discover the API group networking.gloo.solo.io/v2: cannot reach the API \
         server at http://127.0.0.1:1/: Connection refused\nnote: nothing was applied: the \
         cluster is as it was\n"
    );
    // route.toml's `[cluster] context` names the management cluster; `--context` overrides it.
    let route_toml = dir.join("bookinfo/route.toml");
    let text = fs::read_to_string(&route_toml).expect("route.toml");
    fs::write(
        &route_toml,
        format!("{text}\n[cluster]\ncontext = \"nope\"\n"),
    )
    .expect("write");
    let run = routec(&dir.join("bookinfo"), &kubeconfig, &["diff"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("context `nope` is not in")
            && run.stderr.contains("(its contexts: mgmt)"),
        "{}",
        run.stderr
    );
    let run = routec(
        &dir.join("bookinfo"),
        &kubeconfig,
        &["diff", "--context", "mgmt"],
    );
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("Connection refused"), "{}", run.stderr);
    let _ = fs::remove_dir_all(&dir);
}
