//! `routec inventory snapshot` against a mocked API server (kube's `tower-test` pattern): the
//! client talks to an in-process service that answers with real API responses, built from
//! bookinfo's manifests as a cluster would hold them after `kubectl apply -n bookinfo`
//! (`tests/data/cluster/api/`, see `generate.py` there). The test API server used by the live
//! tests serves only CRDs, so core/v1 and apps/v1 are tested this way.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use http::{Request, Response, StatusCode};
use kube::Client;
use kube::client::Body;
use route_lang::inventory::{Cluster, Inventory};
use routec::cluster::Target;
use routec::cluster::import::{self, ImportOptions};
use routec::cluster::snapshot::{self, Request as SnapshotRequest};

fn api_data(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/cluster/api/bookinfo")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// How the mock answers one kind of list.
#[derive(Clone, Copy, PartialEq)]
enum Answer {
    Data,
    Forbidden,
}

/// A request the mock saw: method, path and query, and whether it asked for metadata only.
#[derive(Clone, Debug)]
struct Seen {
    method: String,
    path: String,
    query: String,
    metadata_only: bool,
}

/// A client whose requests are answered from the bookinfo data, with `nodes` and `services`
/// answered as given; returns the client and the log of requests.
fn mock_client(nodes: Answer, services: Answer) -> (Client, Arc<Mutex<Vec<Seen>>>) {
    let (service, mut handle) = tower_test::mock::pair::<Request<Body>, Response<Body>>();
    let log = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&log);
    tokio::spawn(async move {
        while let Some((request, send)) = handle.next_request().await {
            let uri = request.uri();
            let path = uri.path().to_owned();
            let query = uri.query().unwrap_or_default().to_owned();
            let accept = request
                .headers()
                .get(http::header::ACCEPT)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default();
            seen.lock().expect("log").push(Seen {
                method: request.method().to_string(),
                path: path.clone(),
                query: query.clone(),
                metadata_only: accept.contains("as=PartialObjectMetadataList"),
            });
            let (status, body) = match path.as_str() {
                "/api/v1/services" if services == Answer::Forbidden => forbidden("services"),
                "/api/v1/nodes" if nodes == Answer::Forbidden => forbidden("nodes"),
                "/api/v1/namespaces" => ok("namespaces.json"),
                "/api/v1/services" if query.contains("continue=page-2-token") => {
                    ok("services-page-2.json")
                }
                "/api/v1/services" => ok("services-page-1.json"),
                "/apis/apps/v1/deployments" => ok("deployments.json"),
                "/apis/apps/v1/statefulsets" => ok("statefulsets.json"),
                "/apis/apps/v1/daemonsets" => ok("daemonsets.json"),
                "/api/v1/serviceaccounts" => ok("serviceaccounts.json"),
                "/api/v1/nodes" => ok("nodes.json"),
                _ => (
                    StatusCode::NOT_FOUND,
                    status_body(
                        404,
                        "NotFound",
                        "the server could not find the requested resource",
                    ),
                ),
            };
            let response = Response::builder()
                .status(status)
                .header(http::header::CONTENT_TYPE, "application/json")
                .body(Body::from(body.into_bytes()))
                .expect("a response");
            send.send_response(response);
        }
    });
    (Client::new(service, "default"), log)
}

fn ok(file: &str) -> (StatusCode, String) {
    (StatusCode::OK, api_data(file))
}

fn forbidden(resource: &str) -> (StatusCode, String) {
    (
        StatusCode::FORBIDDEN,
        status_body(
            403,
            "Forbidden",
            &format!(
                "{resource} is forbidden: User \"jane\" cannot list resource \"{resource}\" in \
                 API group \"\" at the cluster scope"
            ),
        ),
    )
}

fn status_body(code: u16, reason: &str, message: &str) -> String {
    serde_json::json!({
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": message,
        "reason": reason,
        "code": code,
    })
    .to_string()
}

fn yaml(cluster: &Cluster) -> String {
    serde_saphyr::to_string(&Inventory {
        clusters: vec![cluster.clone()],
    })
    .expect("serializes")
}

#[tokio::test]
async fn a_snapshot_of_bookinfo_is_what_importing_its_manifests_gives() {
    let (client, log) = mock_client(Answer::Data, Answer::Data);
    let cluster = snapshot::snapshot(&client, "cluster-1", "https://mock")
        .await
        .expect("snapshot");
    insta::assert_snapshot!(yaml(&cluster));
    // Two nodes in one region but different zones: a region, no zone.
    assert_eq!(
        (cluster.region.as_deref(), cluster.zone.as_deref()),
        (Some("us-east1"), None)
    );
    assert_eq!(
        snapshot::summary(&cluster),
        "5 namespaces, 12 services, 8 workloads, 11 service accounts; region us-east1"
    );

    // The manifests the API data was built from, imported, describe the same services and
    // workloads: the import applies the defaults the API server applied.
    let platform = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/cluster/manifests/bookinfo/platform-kube");
    let paths: Vec<PathBuf> = ["bookinfo.yaml", "bookinfo-versions.yaml"]
        .iter()
        .map(|name| platform.join(name))
        .collect();
    let files = import::read_manifests(&paths).expect("readable");
    let imported = import::import(
        &files,
        &ImportOptions {
            cluster: "cluster-1".to_owned(),
            namespace: "bookinfo".to_owned(),
            region: None,
            zone: None,
        },
    )
    .expect("imports")
    .cluster;
    let live = cluster
        .namespaces
        .iter()
        .find(|n| n.name == "bookinfo")
        .expect("bookinfo namespace");
    let manifest = &imported.namespaces[0];
    assert_eq!(live.services, manifest.services);
    assert_eq!(live.workloads, manifest.workloads);
    // A live namespace also has its `default` account and the labels of its Namespace object.
    let mut accounts = manifest.service_accounts.clone();
    accounts.push("default".to_owned());
    accounts.sort();
    assert_eq!(live.service_accounts, accounts);
    assert_eq!(live.labels["istio-injection"], "enabled");

    drop(client);
    let seen = log.lock().expect("log").clone();
    // Only lists, only of what the inventory describes; never Secrets or ConfigMaps.
    let allowed = [
        "/api/v1/namespaces",
        "/api/v1/services",
        "/apis/apps/v1/deployments",
        "/apis/apps/v1/statefulsets",
        "/apis/apps/v1/daemonsets",
        "/api/v1/serviceaccounts",
        "/api/v1/nodes",
    ];
    for request in &seen {
        assert_eq!(request.method, "GET", "{request:?}");
        assert!(allowed.contains(&request.path.as_str()), "{request:?}");
        assert!(
            !request.path.contains("secrets") && !request.path.contains("configmaps"),
            "{request:?}"
        );
        assert!(request.query.contains("limit=500"), "paged: {request:?}");
        // Namespaces, service accounts and nodes contribute only metadata; ask for no more.
        let metadata_only = [
            "/api/v1/namespaces",
            "/api/v1/serviceaccounts",
            "/api/v1/nodes",
        ]
        .contains(&request.path.as_str());
        assert_eq!(request.metadata_only, metadata_only, "{request:?}");
    }
    let service_pages = seen.iter().filter(|r| r.path == "/api/v1/services").count();
    assert_eq!(
        service_pages, 2,
        "the second page is fetched with the continue token"
    );
    assert_eq!(seen.len(), allowed.len() + 1);
}

#[tokio::test]
async fn nodes_that_may_not_be_read_only_leave_out_the_locality() {
    let (client, _) = mock_client(Answer::Forbidden, Answer::Data);
    let cluster = snapshot::snapshot(&client, "cluster-1", "https://mock")
        .await
        .expect("a 403 on nodes is not an error");
    assert_eq!((cluster.region, cluster.zone), (None, None));
    assert_eq!(cluster.namespaces.len(), 5);
}

#[tokio::test]
async fn a_list_that_is_refused_fails_the_snapshot_with_one_line() {
    let (client, _) = mock_client(Answer::Data, Answer::Forbidden);
    let error = snapshot::snapshot(&client, "cluster-1", "https://mock")
        .await
        .expect_err("services are needed");
    assert_eq!(
        error,
        "cannot list services: forbidden (HTTP 403): services is forbidden: User \"jane\" \
         cannot list resource \"services\" in API group \"\" at the cluster scope"
    );
}

#[tokio::test]
async fn every_context_is_reported_once_even_when_it_fails() {
    let dir = std::env::temp_dir().join(format!("routec-snapshot-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let kubeconfig = dir.join("kubeconfig");
    // Port 1 on loopback: nothing listens there, so the connection is refused at once.
    std::fs::write(
        &kubeconfig,
        "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: {server: \"http://127.0.0.1:1\"}\n\
         users:\n- name: u\n  user: {token: t}\ncontexts:\n- name: east\n  context: {cluster: c, user: u}\n\
         current-context: east\n",
    )
    .expect("write");
    let request = |context: &str, cluster: &str| SnapshotRequest {
        target: Target {
            kubeconfig: Some(kubeconfig.clone()),
            context: Some(context.to_owned()),
        },
        cluster: cluster.to_owned(),
    };
    let requests = [request("east", "cluster-1"), request("west", "cluster-2")];
    let mut reported = Vec::new();
    let results = snapshot::snapshot_all(&requests, |index, result| {
        reported.push((index, result.is_ok()));
    })
    .await;
    reported.sort();
    assert_eq!(reported, [(0, false), (1, false)]);
    let errors: Vec<String> = results.into_iter().filter_map(Result::err).collect();
    assert!(
        errors[0].contains("cannot reach the API server at http://127.0.0.1:1/"),
        "{}",
        errors[0]
    );
    assert!(
        errors[1].starts_with("context `west` is not in ")
            && errors[1].ends_with("(its contexts: east)"),
        "{}",
        errors[1]
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_command_writes_nothing_when_a_cluster_cannot_be_read() {
    let dir = std::env::temp_dir().join(format!("routec-snapshot-cli-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    std::fs::write(
        dir.join("kubeconfig"),
        "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: {server: \"http://127.0.0.1:1\"}\n\
         users:\n- name: u\n  user: {token: t}\ncontexts:\n- name: east\n  context: {cluster: c, user: u}\n\
         current-context: east\n",
    )
    .expect("write");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_routec"))
        .args([
            "inventory",
            "snapshot",
            "--kubeconfig",
            "kubeconfig",
            "--context",
            "east=cluster-1",
            "-o",
            "inventory.yaml",
        ])
        .current_dir(&dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("routec runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 2, "{stderr}");
    assert!(
        lines[0].starts_with("error: cluster-1 (context east): cannot list ")
            && lines[0].ends_with(
                "cannot reach the API server at http://127.0.0.1:1/: Connection refused"
            ),
        "{stderr}"
    );
    assert_eq!(
        lines[1],
        "error: nothing written: 1 of 1 clusters could not be read"
    );
    assert!(!dir.join("inventory.yaml").exists());
    let _ = std::fs::remove_dir_all(&dir);
}
