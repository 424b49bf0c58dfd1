//! Kubernetes manifests → one cluster of the inventory (`routec inventory import`).
//!
//! [`read_manifests`] collects the YAML and JSON files below the paths given on the command
//! line; [`import`] turns their documents into an inventory [`Cluster`]. Only the kinds the
//! inventory describes are read — core/v1 `Namespace`, `Service` and `ServiceAccount`, and
//! `Deployment`, `StatefulSet` and `DaemonSet` of the `apps` group — and everything else
//! (Istio resources, Ingresses, kustomization files, Helm values) is skipped without a word,
//! since a repository folder holds plenty of those. `List` documents (`kind: List` and typed
//! lists such as `ServiceList`, as `kubectl get -o yaml` writes them) are unpacked.
//!
//! The inventory describes what a cluster *serves*, so the conversion applies the defaults the
//! API server would: a port without `protocol` is TCP, a port without `targetPort` targets its
//! own number, and a pod template without `serviceAccountName` runs as `default`. That way an
//! inventory imported from manifests and one captured from the cluster they were applied to
//! (`snapshot.rs`) are the same file.
//!
//! An object defined twice (the same kind, namespace and name in two files, as happens with
//! variant manifests such as bookinfo's `bookinfo-dualstack.yaml`) is kept in its last
//! definition, in file order, and reported as a warning naming both places; `kubectl apply`
//! of the same files would leave the last one too.
//!
//! Malformed YAML, and objects Kubernetes itself would reject in ways that matter here (a port
//! that is not a number, a label value that is not a string, two ports with one name), are an
//! [`ImportError`] naming the file and line. Nothing here talks to a cluster.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};

use route_lang::inventory::{
    Cluster, Labels, Namespace, PortClash, Service, ServicePort, TargetPort, Workload,
};
use serde_json::Value;

use crate::project::{display_path, io_message};

/// The cluster being imported, as the command line describes it.
#[derive(Clone, Debug)]
pub struct ImportOptions {
    /// The cluster's name in the inventory.
    pub cluster: String,
    /// The namespace of objects whose manifest sets no `metadata.namespace` (what
    /// `kubectl apply -n NS` would use).
    pub namespace: String,
    pub region: Option<String>,
    pub zone: Option<String>,
}

/// One manifest file: its name for messages, and its text.
#[derive(Clone, Debug)]
pub struct ManifestFile {
    pub name: String,
    pub text: String,
}

/// The result of an import: the cluster, and what the user should know about how it was read.
#[derive(Clone, Debug)]
pub struct Imported {
    pub cluster: Cluster,
    /// One line each, `FILE:LINE: ...`, in file order.
    pub warnings: Vec<String>,
}

/// Why manifests could not be imported: one line, `FILE:LINE:COLUMN: what is wrong`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportError {
    pub file: String,
    /// 1-based line and column, when the problem has a place.
    pub position: Option<(u32, u32)>,
    pub message: String,
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.position {
            Some((line, column)) => write!(f, "{}:{line}:{column}: {}", self.file, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

impl std::error::Error for ImportError {}

/// The extensions of manifest files searched for in folders. A file named explicitly is read
/// whatever its extension.
const MANIFEST_EXTENSIONS: &[&str] = &["yaml", "yml", "json"];

/// Reads the manifest files `paths` designate: each file given, and every `*.yaml`, `*.yml`
/// and `*.json` file below each folder given (hidden files and folders skipped, symbolic links
/// to folders not followed), folders' files sorted by path so that the result — and which of
/// two definitions of an object wins — does not depend on the file system.
pub fn read_manifests(paths: &[PathBuf]) -> Result<Vec<ManifestFile>, ImportError> {
    let mut files = Vec::new();
    for path in paths {
        let metadata = fs::metadata(path).map_err(|e| ImportError {
            file: display_path(path),
            position: None,
            message: format!("cannot read it: {}", io_message(&e)),
        })?;
        if metadata.is_dir() {
            let mut found = Vec::new();
            collect(path, &mut found)?;
            found.sort();
            files.extend(found);
        } else {
            files.push(path.clone());
        }
    }
    files
        .iter()
        .map(|path| {
            let error = |message: String| ImportError {
                file: display_path(path),
                position: None,
                message,
            };
            let bytes =
                fs::read(path).map_err(|e| error(format!("cannot read it: {}", io_message(&e))))?;
            let text = String::from_utf8(bytes)
                .map_err(|_| error("not UTF-8 text; manifests must be UTF-8".to_owned()))?;
            Ok(ManifestFile {
                name: display_path(path),
                text,
            })
        })
        .collect()
}

fn collect(folder: &Path, found: &mut Vec<PathBuf>) -> Result<(), ImportError> {
    let error = |e: std::io::Error| ImportError {
        file: display_path(folder),
        position: None,
        message: format!("cannot read the folder: {}", io_message(&e)),
    };
    for entry in fs::read_dir(folder).map_err(error)? {
        let entry = entry.map_err(error)?;
        let name = entry.file_name();
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        let path = entry.path();
        let kind = entry.file_type().map_err(error)?;
        if kind.is_dir() {
            collect(&path, found)?;
        } else if path
            .extension()
            .is_some_and(|ext| MANIFEST_EXTENSIONS.iter().any(|known| ext == *known))
            // A symbolic link to a file is a manifest; one to a folder is not followed.
            && (kind.is_file() || path.is_file())
        {
            found.push(path);
        }
    }
    Ok(())
}

/// Turns manifests into the inventory's description of one cluster. See the module
/// documentation for what is read and which defaults apply.
pub fn import(files: &[ManifestFile], options: &ImportOptions) -> Result<Imported, ImportError> {
    let mut importer = Importer {
        builder: ClusterBuilder::default(),
        origins: BTreeMap::new(),
        warnings: Vec::new(),
        default_namespace: &options.namespace,
    };
    for file in files {
        for (line, document) in parse_documents(file)? {
            let origin = Origin {
                file: &file.name,
                line,
            };
            importer
                .document(&document, &origin)
                .map_err(|message| ImportError {
                    file: file.name.clone(),
                    position: (line > 0).then_some((line, 1)),
                    message,
                })?;
        }
    }
    Ok(Imported {
        cluster: importer.builder.finish(
            options.cluster.clone(),
            options.region.clone(),
            options.zone.clone(),
        ),
        warnings: importer.warnings,
    })
}

/// The documents of a manifest file, each with the line it starts on. A `.json` file is read
/// as JSON (one document): JSON with tab indentation, common in tool configuration that sits
/// beside manifests, is not valid YAML.
fn parse_documents(file: &ManifestFile) -> Result<Vec<(u32, Value)>, ImportError> {
    if file.name.ends_with(".json") {
        return match serde_json::from_str::<Value>(&file.text) {
            Ok(document) => Ok(vec![(1, document)]),
            Err(err) => Err(ImportError {
                file: file.name.clone(),
                position: Some((saturate(err.line() as u64), saturate(err.column() as u64))),
                message: format!("invalid JSON: {}", strip_location(&err.to_string())),
            }),
        };
    }
    // Snippets would repeat the file in the message; one line with the position is the format
    // of every other routec error.
    let options = serde_saphyr::options! { with_snippet: false };
    serde_saphyr::from_multiple_with_options::<serde_saphyr::Spanned<Value>>(&file.text, options)
        .map(|documents| {
            documents
                .into_iter()
                .map(|document| (saturate(document.referenced.line()), document.value))
                .collect()
        })
        .map_err(|err| {
            use serde_saphyr::MessageFormatter as _;
            let position = err
                .location()
                .map(|loc| (saturate(loc.line()), saturate(loc.column())))
                .filter(|(line, _)| *line > 0);
            let message = serde_saphyr::DefaultMessageFormatter
                .format_message(&err)
                .into_owned();
            ImportError {
                file: file.name.clone(),
                position,
                message: format!("invalid YAML: {}", strip_location(&message)),
            }
        })
}

/// serde-saphyr ends some messages with " at line L, column C" and serde_json with " at line
/// L column C", which the error already says in front.
fn strip_location(message: &str) -> &str {
    match message.rfind(" at line ") {
        Some(at) if message[at..].contains(" column ") => &message[..at],
        _ => message,
    }
}

fn saturate(n: u64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Where an object was defined, for duplicate warnings.
struct Origin<'a> {
    file: &'a str,
    line: u32,
}

impl fmt::Display for Origin<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file, self.line)
    }
}

struct Importer<'a> {
    builder: ClusterBuilder,
    /// (kind, namespace, name) → where it was last defined.
    origins: BTreeMap<(String, String, String), String>,
    warnings: Vec<String>,
    default_namespace: &'a str,
}

impl Importer<'_> {
    fn document(&mut self, document: &Value, origin: &Origin) -> Result<(), String> {
        // A document without `kind` is not a Kubernetes object (a kustomization file, Helm
        // values); skipping it is what "kinds it does not use are skipped" means for it.
        let Some(kind) = document.get("kind").and_then(Value::as_str) else {
            return Ok(());
        };
        let api_version = document
            .get("apiVersion")
            .and_then(Value::as_str)
            .unwrap_or_default();
        if let Some(items) = document.get("items").and_then(Value::as_array)
            && kind.ends_with("List")
        {
            // Items of a typed list (`ServiceList`) may leave out their own kind.
            let item_kind = kind.strip_suffix("List").filter(|k| !k.is_empty());
            for (i, item) in items.iter().enumerate() {
                let kind = item.get("kind").and_then(Value::as_str).or(item_kind);
                let api_version = item
                    .get("apiVersion")
                    .and_then(Value::as_str)
                    .unwrap_or(api_version);
                if let Some(kind) = kind {
                    self.object(kind, api_version, item, origin)
                        .map_err(|message| format!("items[{i}]: {message}"))?;
                }
            }
            return Ok(());
        }
        self.object(kind, api_version, document, origin)
    }

    fn object(
        &mut self,
        kind: &str,
        api_version: &str,
        object: &Value,
        origin: &Origin,
    ) -> Result<(), String> {
        // `kind: Service` is also Knative's; only the API group tells them apart.
        let group = api_version.split_once('/').map_or("", |(group, _)| group);
        let known = matches!(
            (group, kind),
            ("", "Namespace" | "Service" | "ServiceAccount")
                | (
                    "apps" | "extensions",
                    "Deployment" | "StatefulSet" | "DaemonSet"
                )
        );
        if !known {
            return Ok(());
        }
        let metadata = object.get("metadata");
        let name = match metadata.and_then(|m| m.get("name")) {
            Some(Value::String(name)) if !name.is_empty() => name.clone(),
            Some(Value::String(_)) | None | Some(Value::Null) => {
                return Err(format!("{kind} without `metadata.name`"));
            }
            Some(other) => {
                return Err(format!(
                    "{kind}: `metadata.name` must be a string, found {other}"
                ));
            }
        };
        let what = format!("{kind} `{name}`");
        let within = |message: String| format!("{what}: {message}");
        let namespace = if kind == "Namespace" {
            name.clone()
        } else {
            match metadata.and_then(|m| m.get("namespace")) {
                Some(Value::String(namespace)) if !namespace.is_empty() => namespace.clone(),
                // `namespace: ""` means the default namespace to the API server too.
                None | Some(Value::Null) | Some(Value::String(_)) => {
                    self.default_namespace.to_owned()
                }
                Some(other) => {
                    return Err(within(format!(
                        "`metadata.namespace` must be a string, found {other}"
                    )));
                }
            }
        };
        // Whether this definition replaces an earlier, different one.
        let replaced = match kind {
            "Namespace" => {
                let labels = labels_at(metadata.and_then(|m| m.get("labels")), "metadata.labels")
                    .map_err(within)?;
                self.builder.namespace(&name, labels.clone()) != labels
            }
            // A service account is only a name: two definitions cannot differ here.
            "ServiceAccount" => {
                self.builder.service_account(&namespace, name.clone());
                false
            }
            "Service" => {
                let service = service(name.clone(), object).map_err(within)?;
                let previous = self.builder.service(&namespace, service.clone());
                previous.is_some_and(|previous| previous != service)
            }
            _ => {
                let workload = workload(kind, name.clone(), object).map_err(within)?;
                let previous = self.builder.workload(&namespace, workload.clone());
                previous.is_some_and(|previous| previous != workload)
            }
        };
        self.note_definition(kind, &namespace, &name, origin, replaced);
        Ok(())
    }

    /// Records where an object is defined, and warns when it replaces an earlier definition
    /// that said something else: an identical copy (bookinfo's dual-stack variants differ only
    /// in what the inventory does not describe) is not worth a word.
    fn note_definition(
        &mut self,
        kind: &str,
        namespace: &str,
        name: &str,
        origin: &Origin,
        replaced: bool,
    ) {
        let key = (kind.to_owned(), namespace.to_owned(), name.to_owned());
        if let Some(previous) = self.origins.insert(key, origin.to_string())
            && replaced
        {
            let object = if kind == "Namespace" {
                format!("Namespace `{name}`")
            } else {
                format!("{kind} `{namespace}/{name}`")
            };
            self.warnings.push(format!(
                "{origin}: {object} is also defined at {previous}, differently; the later \
                 definition is used"
            ));
        }
    }
}

/// A Service manifest (or API object) as the inventory describes it.
pub(crate) fn service(name: String, object: &Value) -> Result<Service, String> {
    let labels = labels_at(
        object.get("metadata").and_then(|m| m.get("labels")),
        "metadata.labels",
    )?;
    let spec = object.get("spec");
    let selector = labels_at(spec.and_then(|s| s.get("selector")), "spec.selector")?;
    let ports = match spec.and_then(|s| s.get("ports")) {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(ports)) => ports
            .iter()
            .enumerate()
            .map(|(i, port)| {
                service_port(port).map_err(|message| format!("spec.ports[{i}]{message}"))
            })
            .collect::<Result<Vec<_>, _>>()?,
        Some(other) => return Err(format!("`spec.ports` must be a list, found {other}")),
    };
    let service = Service {
        name,
        labels,
        selector,
        ports,
    };
    check_ports(&service)?;
    Ok(service)
}

/// One entry of `spec.ports`; errors start with the field (`.port: ...`) or `: `.
fn service_port(port: &Value) -> Result<ServicePort, String> {
    if !port.is_object() {
        return Err(format!(": expected a port (a mapping), found {port}"));
    }
    let number = match port.get("port") {
        None | Some(Value::Null) => return Err(": missing `port`".to_owned()),
        Some(value) => port_number(value).ok_or_else(|| {
            format!(".port: expected a port number between 1 and 65535, found {value}")
        })?,
    };
    let target_port = match port.get("targetPort") {
        None | Some(Value::Null) => TargetPort::Number(number),
        Some(Value::String(name)) if !name.is_empty() => TargetPort::Name(name.clone()),
        Some(value) => TargetPort::Number(port_number(value).ok_or_else(|| {
            format!(".targetPort: expected a port number (1-65535) or a port name, found {value}")
        })?),
    };
    Ok(ServicePort {
        name: optional_string(port, "name")?.filter(|name| !name.is_empty()),
        port: number,
        target_port: Some(target_port),
        protocol: Some(optional_string(port, "protocol")?.unwrap_or_else(|| "TCP".to_owned())),
        app_protocol: optional_string(port, "appProtocol")?,
    })
}

fn port_number(value: &Value) -> Option<u16> {
    value
        .as_u64()
        .and_then(|n| u16::try_from(n).ok())
        .filter(|&n| n != 0)
}

fn optional_string(object: &Value, field: &str) -> Result<Option<String>, String> {
    match object.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(value)) => Ok(Some(value.clone())),
        Some(other) => Err(format!(".{field}: expected a string, found {other}")),
    }
}

/// Kubernetes rejects a Service with two ports of one name, or of one number and protocol; so
/// does the inventory loader, so such a manifest is reported here, where it can be located.
fn check_ports(service: &Service) -> Result<(), String> {
    match service.first_port_clash() {
        None => Ok(()),
        Some((_, PortClash::Name(name))) => Err(format!("two ports are named `{name}`")),
        Some((_, PortClash::Number(port))) => Err(format!("port {port} is listed twice")),
    }
}

/// A Deployment, StatefulSet or DaemonSet: the labels and service account of its pods.
pub(crate) fn workload(kind: &str, name: String, object: &Value) -> Result<Workload, String> {
    let template = object.get("spec").and_then(|s| s.get("template"));
    let labels = labels_at(
        template
            .and_then(|t| t.get("metadata"))
            .and_then(|m| m.get("labels")),
        "spec.template.metadata.labels",
    )?;
    let pod = template.and_then(|t| t.get("spec"));
    // `serviceAccount` is the deprecated spelling, still honoured by the API server.
    let service_account = match pod {
        Some(pod) => optional_string(pod, "serviceAccountName")
            .and_then(|sa| match sa {
                Some(sa) => Ok(Some(sa)),
                None => optional_string(pod, "serviceAccount"),
            })
            .map_err(|message| format!("spec.template.spec{message}"))?,
        None => None,
    };
    Ok(Workload {
        name,
        kind: Some(kind.to_owned()),
        labels,
        service_account: Some(
            service_account
                .filter(|sa| !sa.is_empty())
                .unwrap_or_else(|| DEFAULT_SERVICE_ACCOUNT.to_owned()),
        ),
    })
}

/// The service account of pods whose template names none.
pub(crate) const DEFAULT_SERVICE_ACCOUNT: &str = "default";

/// A `string → string` map (labels, a Service selector); absent or `null` is empty.
fn labels_at(value: Option<&Value>, path: &str) -> Result<Labels, String> {
    match value {
        None | Some(Value::Null) => Ok(Labels::new()),
        Some(Value::Object(map)) => map
            .iter()
            .map(|(key, value)| match value {
                Value::String(value) => Ok((key.clone(), value.clone())),
                // `version: 1` in YAML is a number; the API server would refuse it too.
                other => Err(format!(
                    "`{path}.{key}`: expected a string, found {other} (quote it)"
                )),
            })
            .collect(),
        Some(other) => Err(format!("`{path}` must be a mapping, found {other}")),
    }
}

/// Collects the objects of one cluster and produces its inventory entry, sorted: namespaces,
/// services and workloads by name (then workload kind), service accounts by name. Shared by
/// the manifest import and the live snapshot, so that both write the same file.
#[derive(Debug, Default)]
pub(crate) struct ClusterBuilder {
    namespaces: BTreeMap<String, NamespaceParts>,
}

#[derive(Debug, Default)]
struct NamespaceParts {
    labels: Labels,
    services: BTreeMap<String, Service>,
    workloads: BTreeMap<(String, String), Workload>,
    service_accounts: BTreeSet<String>,
}

impl ClusterBuilder {
    /// A namespace and its labels; returns the labels it replaces (empty for a namespace not
    /// seen yet or seen only through the objects in it).
    pub(crate) fn namespace(&mut self, name: &str, labels: Labels) -> Labels {
        std::mem::replace(&mut self.parts(name).labels, labels)
    }

    /// A service; returns the one of the same name it replaces.
    pub(crate) fn service(&mut self, namespace: &str, service: Service) -> Option<Service> {
        self.parts(namespace)
            .services
            .insert(service.name.clone(), service)
    }

    /// A workload; returns the one of the same kind and name it replaces.
    pub(crate) fn workload(&mut self, namespace: &str, workload: Workload) -> Option<Workload> {
        let key = (
            workload.name.clone(),
            workload.kind.clone().unwrap_or_default(),
        );
        self.parts(namespace).workloads.insert(key, workload)
    }

    pub(crate) fn service_account(&mut self, namespace: &str, name: String) {
        self.parts(namespace).service_accounts.insert(name);
    }

    fn parts(&mut self, namespace: &str) -> &mut NamespaceParts {
        self.namespaces.entry(namespace.to_owned()).or_default()
    }

    pub(crate) fn finish(
        self,
        name: String,
        region: Option<String>,
        zone: Option<String>,
    ) -> Cluster {
        Cluster {
            name,
            region,
            zone,
            namespaces: self
                .namespaces
                .into_iter()
                .map(|(name, parts)| Namespace {
                    name,
                    labels: parts.labels,
                    services: parts.services.into_values().collect(),
                    workloads: parts.workloads.into_values().collect(),
                    service_accounts: parts.service_accounts.into_iter().collect(),
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options() -> ImportOptions {
        ImportOptions {
            cluster: "c".to_owned(),
            namespace: "shop".to_owned(),
            region: None,
            zone: None,
        }
    }

    fn run(text: &str) -> Result<Imported, ImportError> {
        import(
            &[ManifestFile {
                name: "m.yaml".to_owned(),
                text: text.to_owned(),
            }],
            &options(),
        )
    }

    fn error(text: &str) -> String {
        match run(text) {
            Ok(imported) => format!("imported: {:?}", imported.cluster),
            Err(error) => error.to_string(),
        }
    }

    #[test]
    fn defaults_are_those_of_the_api_server() {
        let imported = run("\
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  ports: [{port: 80}, {port: 53, protocol: UDP, targetPort: dns, name: dns}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: other}
spec: {template: {metadata: {labels: {app: web}}, spec: {containers: []}}}
")
        .expect("imports");
        let cluster = imported.cluster;
        assert_eq!(
            cluster
                .namespaces
                .iter()
                .map(|n| n.name.as_str())
                .collect::<Vec<_>>(),
            ["other", "shop"]
        );
        let web = &cluster.namespaces[1].services[0];
        assert_eq!(web.ports[0].protocol.as_deref(), Some("TCP"));
        assert_eq!(web.ports[0].target_port, Some(TargetPort::Number(80)));
        assert_eq!(
            web.ports[1].target_port,
            Some(TargetPort::Name("dns".into()))
        );
        let deployment = &cluster.namespaces[0].workloads[0];
        assert_eq!(deployment.service_account.as_deref(), Some("default"));
        assert_eq!(deployment.kind.as_deref(), Some("Deployment"));
    }

    #[test]
    fn other_groups_and_kinds_are_skipped() {
        let imported = run("\
apiVersion: serving.knative.dev/v1
kind: Service
metadata: {name: knative}
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: gw}
---
resources: [a.yaml]
---
- just
- a list
")
        .expect("imports");
        assert!(imported.cluster.namespaces.is_empty());
    }

    #[test]
    fn lists_are_unpacked_and_typed_list_items_take_the_list_kind() {
        let imported = run("\
apiVersion: v1
kind: ServiceList
items:
  - metadata: {name: a}
  - apiVersion: v1
    kind: ServiceAccount
    metadata: {name: sa}
")
        .expect("imports");
        let shop = &imported.cluster.namespaces[0];
        assert_eq!(shop.services[0].name, "a");
        assert_eq!(shop.service_accounts, ["sa"]);
    }

    #[test]
    fn errors_name_the_file_line_and_object() {
        assert_eq!(
            error("kind: Service\napiVersion: v1\nmetadata:\n  name: [x\n"),
            "m.yaml:4:9: invalid YAML: unclosed bracket '['"
        );
        assert_eq!(
            error(
                "a: 1\n---\napiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {ports: [{port: http}]}\n"
            ),
            "m.yaml:3:1: Service `s`: spec.ports[0].port: expected a port number between 1 \
             and 65535, found \"http\""
        );
        assert_eq!(
            error("apiVersion: v1\nkind: Namespace\nmetadata: {name: ns, labels: {v: 1}}\n"),
            "m.yaml:1:1: Namespace `ns`: `metadata.labels.v`: expected a string, found 1 (quote it)"
        );
        assert_eq!(
            error("apiVersion: v1\nkind: Service\nmetadata: {}\n"),
            "m.yaml:1:1: Service without `metadata.name`"
        );
        assert_eq!(
            error(
                "apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: Service, metadata: {name: s}, spec: {ports: [{port: 1, name: a}, {port: 2, name: a}]}}\n"
            ),
            "m.yaml:1:1: items[0]: Service `s`: two ports are named `a`"
        );
    }

    #[test]
    fn json_files_are_read_as_json() {
        let json = |text: &str| {
            import(
                &[ManifestFile {
                    name: "svc.json".to_owned(),
                    text: text.to_owned(),
                }],
                &options(),
            )
        };
        let imported = json(
            "{\n\t\"apiVersion\": \"v1\",\n\t\"kind\": \"Service\",\n\t\"metadata\": {\"name\": \"s\"}\n}\n",
        )
        .expect("tab-indented JSON imports");
        assert_eq!(imported.cluster.namespaces[0].services[0].name, "s");
        let error = json("{\n  \"kind\": \"Service\",\n}\n").expect_err("trailing comma");
        assert_eq!(
            error.to_string(),
            "svc.json:3:1: invalid JSON: trailing comma"
        );
    }

    #[test]
    fn a_later_definition_wins_with_a_warning() {
        let text = "\
apiVersion: v1
kind: Service
metadata: {name: s, labels: {v: one}}
---
apiVersion: v1
kind: Service
metadata: {name: s, namespace: shop, labels: {v: two}}
";
        let imported = run(text).expect("imports");
        assert_eq!(
            imported.cluster.namespaces[0].services[0].labels["v"],
            "two"
        );
        assert_eq!(
            imported.warnings,
            [
                "m.yaml:5: Service `shop/s` is also defined at m.yaml:1, differently; the later \
                 definition is used"
            ]
        );
        // An identical copy is not worth a warning.
        let same = run(&text.replace("two", "one")).expect("imports");
        assert!(same.warnings.is_empty(), "{:?}", same.warnings);
    }
}
