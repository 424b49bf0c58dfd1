//! `routec inventory import`: golden inventories of three real applications' manifests
//! (`tests/data/cluster/manifests/`, verbatim copies with their licences), and the command's
//! behaviour around them — merging into an inventory file, errors, and a project whose
//! `route.toml` lists several generated inventories.

use std::fs;
use std::path::{Path, PathBuf};

use route_lang::inventory::{InventoryIndex, parse_inventory};
use routec::cluster::import::{self, ImportOptions};

mod support;

use support::run::routec;

fn manifests() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/cluster/manifests")
}

/// Imports one application's folder; returns the inventory file as the command writes it,
/// and the warnings.
fn import_app(app: &str, options: ImportOptions) -> (String, Vec<String>) {
    let files = import::read_manifests(&[manifests().join(app)]).expect("manifests are readable");
    let imported = import::import(&files, &options).expect("manifests import");
    let inventory = route_lang::inventory::Inventory {
        clusters: vec![imported.cluster.clone()],
    };
    let text = serde_saphyr::to_string(&inventory).expect("serializes");
    // What is written is a valid inventory, and reads back as what was imported.
    let reread = parse_inventory("inventory.yaml", &text).expect("a valid inventory");
    assert_eq!(reread, inventory);
    let _ = InventoryIndex::new(reread);
    // Warnings name files relative to the current folder (or absolute outside it); keep the
    // part inside the test data.
    let data = manifests()
        .parent()
        .map(|p| format!("{}/", p.display()))
        .unwrap_or_default();
    let warnings = imported
        .warnings
        .iter()
        .map(|w| w.replace(&data, "").replace("tests/data/cluster/", ""))
        .collect();
    (text, warnings)
}

fn options(cluster: &str, namespace: &str) -> ImportOptions {
    ImportOptions {
        cluster: cluster.to_owned(),
        namespace: namespace.to_owned(),
        region: None,
        zone: None,
    }
}

#[test]
fn bookinfo() {
    let (inventory, warnings) = import_app(
        "bookinfo",
        ImportOptions {
            region: Some("us-east1".to_owned()),
            zone: Some("us-east1-b".to_owned()),
            ..options("cluster-1", "bookinfo")
        },
    );
    insta::assert_snapshot!(inventory);
    // The variant files redefine objects; only a real difference is reported, in file order.
    insta::assert_snapshot!(warnings.join("\n"), @r"
    manifests/bookinfo/platform-kube/bookinfo-reviews-v2.yaml:18: Deployment `bookinfo/reviews-v2` is also defined at manifests/bookinfo/platform-kube/bookinfo-dualstack.yaml:201, differently; the later definition is used
    manifests/bookinfo/platform-kube/bookinfo.yaml:195: Deployment `bookinfo/reviews-v2` is also defined at manifests/bookinfo/platform-kube/bookinfo-reviews-v2.yaml:18, differently; the later definition is used
    ");
}

#[test]
fn online_boutique() {
    // The folder holds the per-service files and the all-in-one release file: the same
    // objects twice, identical where the inventory looks, hence no warning.
    let (inventory, warnings) = import_app("online-boutique", options("shop", "online-boutique"));
    insta::assert_snapshot!(inventory);
    assert_eq!(warnings, Vec::<String>::new());
}

#[test]
fn emojivoto() {
    // Every object names its namespace, so `--namespace` changes nothing.
    let (inventory, warnings) = import_app("emojivoto", options("cluster-2", "default"));
    insta::assert_snapshot!(inventory);
    assert!(warnings.is_empty());
    let (elsewhere, _) = import_app("emojivoto", options("cluster-2", "elsewhere"));
    assert_eq!(inventory, elsewhere);
}

#[test]
fn the_all_in_one_release_file_and_the_per_service_files_agree() {
    let import_path = |path: &str| {
        let files = import::read_manifests(&[manifests().join(path)]).expect("readable");
        import::import(&files, &options("shop", "online-boutique"))
            .expect("imports")
            .cluster
    };
    let release = import_path("online-boutique/release/kubernetes-manifests.yaml");
    let split = import_path("online-boutique/kubernetes-manifests");
    // The per-service folder leaves the load generator to skaffold, but has every service.
    let services = |cluster: &route_lang::inventory::Cluster| {
        cluster.namespaces[0]
            .services
            .iter()
            .map(|s| s.name.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(services(&release), services(&split));
    assert_eq!(services(&release).len(), 12);
}

// ---------------------------------------------------------------------------------------------
// The command
// ---------------------------------------------------------------------------------------------

/// A fresh folder with the three applications' manifests under `manifests/`.
fn workspace(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("routec-import-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn manifests_arg(app: &str) -> String {
    manifests().join(app).display().to_string()
}

#[test]
fn importing_into_a_file_merges_by_cluster() {
    let dir = workspace("merge");
    let bookinfo = manifests_arg("bookinfo");
    let emojivoto = manifests_arg("emojivoto");
    let run = routec(
        &dir,
        &[
            "inventory",
            "import",
            "--cluster",
            "east",
            "--namespace",
            "bookinfo",
            &bookinfo,
            "-o",
            "inventory.yaml",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.is_empty());
    assert!(
        run.stderr
            .contains("added cluster `east` in inventory.yaml"),
        "{}",
        run.stderr
    );

    let run = routec(
        &dir,
        &[
            "inventory",
            "import",
            "--cluster",
            "cluster-2",
            &emojivoto,
            "-o",
            "inventory.yaml",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let read = || {
        let text = fs::read_to_string(dir.join("inventory.yaml")).expect("written");
        parse_inventory("inventory.yaml", &text).expect("valid")
    };
    let names = |inventory: &route_lang::inventory::Inventory| {
        inventory
            .clusters
            .iter()
            .map(|c| {
                let namespaces: Vec<&str> = c.namespaces.iter().map(|n| n.name.as_str()).collect();
                format!("{}: {}", c.name, namespaces.join(" "))
            })
            .collect::<Vec<_>>()
    };
    // Sorted by name, whatever the order of the imports.
    assert_eq!(names(&read()), ["cluster-2: emojivoto", "east: bookinfo"]);

    // Re-importing a cluster replaces it, whole.
    let run = routec(
        &dir,
        &[
            "inventory",
            "import",
            "--cluster",
            "east",
            "--namespace",
            "shop",
            &bookinfo,
            "-o",
            "inventory.yaml",
            "--region",
            "us-east1",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("replaced cluster `east` in inventory.yaml"),
        "{}",
        run.stderr
    );
    let inventory = read();
    assert_eq!(names(&inventory), ["cluster-2: emojivoto", "east: shop"]);
    assert_eq!(inventory.clusters[1].region.as_deref(), Some("us-east1"));
    let text = fs::read_to_string(dir.join("inventory.yaml")).expect("written");
    assert!(text.starts_with("# The cluster inventory of a routec project"));

    // Without -o the inventory goes to stdout.
    let run = routec(&dir, &["inventory", "import", "--cluster", "c", &emojivoto]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("- name: emoji-svc"), "{}", run.stdout);
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn malformed_yaml_is_an_error_at_its_file_and_line_and_writes_nothing() {
    let dir = workspace("errors");
    fs::create_dir_all(dir.join("k8s/nested")).expect("folder");
    fs::write(
        dir.join("k8s/a.yaml"),
        "apiVersion: v1\nkind: Service\nmetadata: {name: a}\n",
    )
    .expect("write");
    fs::write(
        dir.join("k8s/nested/b.yml"),
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: [b\n",
    )
    .expect("write");
    fs::write(dir.join("inventory.yaml"), "clusters: []\n").expect("write");
    let run = routec(
        &dir,
        &[
            "inventory",
            "import",
            "--cluster",
            "c",
            "k8s",
            "-o",
            "inventory.yaml",
        ],
    );
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "error: k8s/nested/b.yml:4:9: invalid YAML: unclosed bracket '['\n"
    );
    assert_eq!(
        fs::read_to_string(dir.join("inventory.yaml")).expect("kept"),
        "clusters: []\n"
    );

    // An inventory file that is not one is not overwritten.
    fs::write(
        dir.join("k8s/nested/b.yml"),
        "kind: Namespace\napiVersion: v1\nmetadata: {name: b}\n",
    )
    .expect("write");
    fs::write(dir.join("broken.yaml"), "clusters:\n  - nme: c\n").expect("write");
    let run = routec(
        &dir,
        &[
            "inventory",
            "import",
            "--cluster",
            "c",
            "k8s",
            "-o",
            "broken.yaml",
        ],
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .starts_with("error: broken.yaml:2:5: unknown field `nme`"),
        "{}",
        run.stderr
    );

    let run = routec(&dir, &["inventory", "import", "--cluster", "c", "missing"]);
    assert_eq!(
        (run.code, run.stderr.as_str()),
        (2, "error: missing: cannot read it: no such file\n")
    );
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn the_checker_sees_the_union_of_generated_inventories() {
    let dir = workspace("union");
    let bookinfo = manifests_arg("bookinfo");
    let emojivoto = manifests_arg("emojivoto");
    for (cluster, namespace, path, file) in [
        ("east", "bookinfo", &bookinfo, "east.yaml"),
        ("west", "default", &emojivoto, "west.yaml"),
    ] {
        let run = routec(
            &dir,
            &[
                "inventory",
                "import",
                "--cluster",
                cluster,
                "--namespace",
                namespace,
                path,
                "-o",
                file,
            ],
        );
        assert_eq!(run.code, 0, "{}", run.stderr);
    }
    fs::write(
        dir.join("route.toml"),
        "[project]\nnamespace = \"shop\"\ninventory = [\"east.yaml\", \"west.yaml\"]\n",
    )
    .expect("write");
    fs::write(
        dir.join("shop.route"),
        "routes shop {\n  hosts \"shop.example.com\"\n  expose to mesh\n  route details {\n    \
         match path prefix \"/details\"\n    to service details.bookinfo:9080\n  }\n  route \
         votes {\n    match path prefix \"/votes\"\n    to service web-svc.emojivoto:80\n  }\n}\n",
    )
    .expect("write");
    let run = routec(&dir, &["check"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);

    // The same cluster in both files is an error naming both.
    let run = routec(
        &dir,
        &[
            "inventory",
            "import",
            "--cluster",
            "east",
            &emojivoto,
            "-o",
            "west.yaml",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let run = routec(&dir, &["check"]);
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr
            .contains("west.yaml: cluster `east` is already described in east.yaml"),
        "{}",
        run.stderr
    );
    let _ = fs::remove_dir_all(&dir);
}
