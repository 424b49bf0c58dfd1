//! The cluster inventory: what clusters, namespaces, services, ports, labels and workloads
//! exist, as written in `inventory.yaml` / `inventory.json` (format: the "Inventory" section of
//! the language reference).
//!
//! This module owns three things:
//! - the data model ([`Inventory`] and its parts), deserialized strictly (unknown keys are
//!   errors, because a typo must not silently hide a service) and serializable, so that
//!   generators can write the same format; it also has a compact binary form (`bitcode`),
//!   which the compiler's inventory cache stores;
//! - the loader [`parse_inventory`], which turns YAML or JSON text into an [`Inventory`] or
//!   one [`InventoryError`] with a 1-based line and column and a message that says what was
//!   expected;
//! - [`InventoryIndex`], the lookup structure the checker, the language server and the
//!   compiler query (by name, by label selector, for completion), built once per inventory.
//!
//! Everything here is pure (no I/O) and deterministic: maps are `BTreeMap`s and every list is
//! in inventory order or sorted by name.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::sync::Arc;

use bitcode::{Decode, Encode};
use rustc_hash::FxHashMap;
use serde::de::{self, IgnoredAny, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::source_error::SourceError;

/// Kubernetes labels (and selectors): key → value, sorted by key.
pub type Labels = BTreeMap<String, String>;

/// The whole inventory: every cluster the program is checked against.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize, Encode, Decode)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Inventory {
    #[serde(default)]
    pub clusters: Vec<Cluster>,
}

/// One workload cluster of the mesh.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, Encode, Decode)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Cluster {
    pub name: String,
    /// Locality, used by failover and shown on hover.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zone: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub namespaces: Vec<Namespace>,
}

/// A namespace of one cluster.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, Encode, Decode)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Namespace {
    pub name: String,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: Labels,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub services: Vec<Service>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub workloads: Vec<Workload>,
    /// Service accounts declared explicitly. Those named by workloads exist too; use
    /// [`InventoryIndex::service_accounts`] for the union.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub service_accounts: Vec<String>,
}

/// A Kubernetes Service.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, Encode, Decode)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Service {
    pub name: String,
    /// The Service's own labels: what virtual-destination selectors match.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: Labels,
    /// The pod selector. Empty (or absent) means the endpoints are managed outside
    /// Kubernetes, as for a Service without `spec.selector`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub selector: Labels,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ports: Vec<ServicePort>,
}

impl Service {
    /// The first port with this number. A linear scan: services have a handful of ports, so a
    /// map per service would cost more memory and time than it saves.
    pub fn port(&self, number: u16) -> Option<&ServicePort> {
        self.ports.iter().find(|p| p.port == number)
    }

    /// The port with this name.
    pub fn port_named(&self, name: &str) -> Option<&ServicePort> {
        self.ports.iter().find(|p| p.name.as_deref() == Some(name))
    }

    /// The first port that repeats an earlier one as Kubernetes forbids, with its index: the
    /// same name, or the same number and protocol (the same number over TCP and UDP, as DNS
    /// on 53, is fine). The loader rejects such a service, and so does the manifest import.
    pub fn first_port_clash(&self) -> Option<(usize, PortClash<'_>)> {
        let mut names = BTreeSet::new();
        let mut numbers = BTreeSet::new();
        for (p, port) in self.ports.iter().enumerate() {
            if let Some(name) = &port.name
                && !names.insert(name)
            {
                return Some((p, PortClash::Name(name)));
            }
            let protocol = port
                .protocol
                .as_deref()
                .unwrap_or("TCP")
                .to_ascii_uppercase();
            if !numbers.insert((port.port, protocol)) {
                return Some((p, PortClash::Number(port.port)));
            }
        }
        None
    }
}

/// What a port repeats: see [`Service::first_port_clash`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PortClash<'a> {
    /// A name an earlier port has.
    Name(&'a str),
    /// A number an earlier port has with the same protocol.
    Number(u16),
}

/// One port of a Service.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, Encode, Decode)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ServicePort {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// 1–65535; anything else is rejected while loading, at the value's line.
    #[serde(deserialize_with = "deserialize_port_number")]
    pub port: u16,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_port: Option<TargetPort>,
    /// The L4 protocol (`TCP`, `UDP`, `SCTP`), as in Kubernetes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol: Option<String>,
    /// The L7 protocol hint (`http`, `grpc`, `kubernetes.io/h2c`, …); see [`infer_protocol`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_protocol: Option<String>,
}

/// A Service's `targetPort`: a container port number or a named container port
/// (Kubernetes' `IntOrString`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Encode, Decode)]
pub enum TargetPort {
    Number(u16),
    Name(String),
}

impl Serialize for TargetPort {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            TargetPort::Number(n) => serializer.serialize_u16(*n),
            TargetPort::Name(name) => serializer.serialize_str(name),
        }
    }
}

// Written by hand rather than `#[serde(untagged)]` so that a wrong value gets a precise
// message ("expected a port number (1-65535) or a port name") at its own line.
impl<'de> Deserialize<'de> for TargetPort {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TargetPortVisitor;

        impl Visitor<'_> for TargetPortVisitor {
            type Value = TargetPort;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a port number (1-65535) or a port name")
            }

            fn visit_u64<E: de::Error>(self, v: u64) -> Result<TargetPort, E> {
                port_number(v).map(TargetPort::Number).ok_or_else(|| {
                    E::invalid_value(de::Unexpected::Unsigned(v), &PORT_NUMBER_EXPECTED)
                })
            }

            fn visit_i64<E: de::Error>(self, v: i64) -> Result<TargetPort, E> {
                u64::try_from(v)
                    .ok()
                    .and_then(port_number)
                    .map(TargetPort::Number)
                    .ok_or_else(|| {
                        E::invalid_value(de::Unexpected::Signed(v), &PORT_NUMBER_EXPECTED)
                    })
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<TargetPort, E> {
                if v.is_empty() {
                    return Err(E::invalid_value(de::Unexpected::Str(v), &self));
                }
                Ok(TargetPort::Name(v.to_owned()))
            }
        }

        deserializer.deserialize_any(TargetPortVisitor)
    }
}

/// What serde reports a bad port number against.
const PORT_NUMBER_EXPECTED: &str = "a port number between 1 and 65535";

fn port_number(v: u64) -> Option<u16> {
    u16::try_from(v).ok().filter(|&p| p != 0)
}

/// `port:` accepts exactly 1–65535; serde's plain `u16` would accept 0 and say only
/// "expected u16" for 70000.
fn deserialize_port_number<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u16, D::Error> {
    struct PortVisitor;

    impl Visitor<'_> for PortVisitor {
        type Value = u16;

        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str(PORT_NUMBER_EXPECTED)
        }

        fn visit_u64<E: de::Error>(self, v: u64) -> Result<u16, E> {
            port_number(v).ok_or_else(|| E::invalid_value(de::Unexpected::Unsigned(v), &self))
        }

        fn visit_i64<E: de::Error>(self, v: i64) -> Result<u16, E> {
            u64::try_from(v)
                .ok()
                .and_then(port_number)
                .ok_or_else(|| E::invalid_value(de::Unexpected::Signed(v), &self))
        }
    }

    // `any` rather than `u64`: asked for a u64, serde-saphyr reports `port: http` as just
    // "invalid u64"; this way the visitor says what a port is.
    deserializer.deserialize_any(PortVisitor)
}

/// A Deployment, StatefulSet, DaemonSet … : something whose pods carry `labels`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, Encode, Decode)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Workload {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// The pod template's labels: what workload selectors and subsets match.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: Labels,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_account: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// Loading
// ---------------------------------------------------------------------------------------------

/// Why an inventory file was rejected.
pub type InventoryError = SourceError;

/// Parses an inventory file: JSON when `file_name` ends in `.json`, YAML otherwise.
///
/// A file that is empty (or, in YAML, holds only comments) is an inventory without clusters:
/// that is what a freshly created project has. After deserializing, duplicate cluster,
/// namespace, service and port names are rejected, since every lookup would otherwise pick
/// one of them silently.
pub fn parse_inventory(file_name: &str, text: &str) -> Result<Inventory, InventoryError> {
    let inventory = if file_name.ends_with(".json") {
        parse_json(text)?
    } else {
        parse_yaml(text)?
    };
    match first_duplicate(&inventory) {
        None => Ok(inventory),
        Some(duplicate) => Err(locate(text, duplicate)),
    }
}

fn yaml_options() -> serde_saphyr::Options {
    // Snippets are rendered by our callers (with the rest of the diagnostics); building one
    // per error here would be wasted work.
    serde_saphyr::options! { with_snippet: false }
}

fn parse_yaml(text: &str) -> Result<Inventory, InventoryError> {
    // `Option` so that an empty document (nothing but comments) is an empty inventory
    // instead of "unexpected end of file".
    serde_saphyr::from_str_with_options::<Option<Inventory>>(text, yaml_options())
        .map(Option::unwrap_or_default)
        .map_err(|err| yaml_error(&err))
}

fn yaml_error(err: &serde_saphyr::Error) -> InventoryError {
    use serde_saphyr::MessageFormatter as _;

    let (line, column) = err
        .location()
        .map_or((0, 0), |loc| (saturate(loc.line()), saturate(loc.column())));
    // Alias and snippet wrappers only add context; the cause is the innermost error.
    let mut cause = err;
    while let serde_saphyr::Error::AliasError { error, .. }
    | serde_saphyr::Error::WithSnippet { error, .. } = cause
    {
        cause = error;
    }
    let message = match cause {
        // serde-saphyr lists the expected fields without backticks; use serde's usual wording
        // (which the JSON loader gets from serde_json) and add a suggestion.
        serde_saphyr::Error::SerdeUnknownField {
            field, expected, ..
        } => unknown_field_message(field, expected),
        // Its own wording ("use Option<String>") speaks to Rust programmers, not to users.
        serde_saphyr::Error::NullIntoString { .. } => {
            "invalid type: null, expected a string".to_owned()
        }
        other => serde_saphyr::DefaultMessageFormatter
            .format_message(other)
            .into_owned(),
    };
    InventoryError::new(line, column, message)
}

fn parse_json(text: &str) -> Result<Inventory, InventoryError> {
    if text.trim().is_empty() {
        return Ok(Inventory::default());
    }
    serde_json::from_str(text).map_err(|err| {
        // serde_json has no message-only accessor: its Display appends the position.
        let full = err.to_string();
        let suffix = format!(" at line {} column {}", err.line(), err.column());
        let message = full.strip_suffix(&suffix).unwrap_or(&full);
        let column = char_column(text, err.line(), err.column());
        InventoryError::new(
            saturate(err.line() as u64),
            column,
            suggest_for_unknown_field(message),
        )
    })
}

/// serde_json counts columns in bytes; everything else here counts characters.
fn char_column(text: &str, line: usize, byte_column: usize) -> u32 {
    let Some(line_text) = line.checked_sub(1).and_then(|i| text.split('\n').nth(i)) else {
        return saturate(byte_column as u64);
    };
    let mut end = byte_column.min(line_text.len());
    while !line_text.is_char_boundary(end) {
        end -= 1;
    }
    let chars = line_text[..end].chars().count();
    // A column past the end of the line (serde_json points one past the last byte read)
    // keeps its excess.
    saturate((chars + byte_column.saturating_sub(end)) as u64)
}

/// Adds "did you mean" to serde's standard unknown-field message ("unknown field `x`,
/// expected one of `a`, `b`"), written by deserializers that only give us text (serde_json,
/// toml); any other message is returned as it is.
pub(crate) fn suggest_for_unknown_field(message: &str) -> String {
    match parse_unknown_field(message) {
        Some((field, expected)) => unknown_field_message(field, &expected),
        None => message.to_owned(),
    }
}

/// Reads serde's unknown-field message back into the field and the expected names.
fn parse_unknown_field(message: &str) -> Option<(&str, Vec<&str>)> {
    let rest = message.strip_prefix("unknown field `")?;
    let (field, rest) = rest.split_once("`, ")?;
    if rest == "there are no fields" {
        return Some((field, Vec::new()));
    }
    let list = rest.strip_prefix("expected ")?;
    let list = list.strip_prefix("one of ").unwrap_or(list);
    let expected = list
        .split(", ")
        .flat_map(|item| item.split(" or "))
        .map(|item| item.trim_matches('`'))
        .collect();
    Some((field, expected))
}

/// serde's wording for an unknown field, plus a suggestion when one name is close.
fn unknown_field_message(field: &str, expected: &[&str]) -> String {
    let quoted = |names: &[&str]| {
        names
            .iter()
            .map(|name| format!("`{name}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut message = match expected {
        [] => format!("unknown field `{field}`, there are no fields"),
        [one] => format!("unknown field `{field}`, expected `{one}`"),
        [a, b] => format!("unknown field `{field}`, expected `{a}` or `{b}`"),
        names => format!("unknown field `{field}`, expected one of {}", quoted(names)),
    };
    if let Some(suggestion) = crate::suggest::did_you_mean(field, expected.iter().copied()) {
        message.push_str(&format!(" (did you mean `{suggestion}`?)"));
    }
    message
}

fn saturate(n: u64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

// ---------------------------------------------------------------------------------------------
// Validation (after deserializing)
// ---------------------------------------------------------------------------------------------

/// Where in the inventory a duplicate was found: indexes into the nested lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Position {
    Cluster(usize),
    Namespace(usize, usize),
    Service(usize, usize, usize),
    Port(usize, usize, usize, usize),
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Position::Cluster(c) => write!(f, "clusters[{c}]"),
            Position::Namespace(c, n) => write!(f, "clusters[{c}].namespaces[{n}]"),
            Position::Service(c, n, s) => {
                write!(f, "clusters[{c}].namespaces[{n}].services[{s}]")
            }
            Position::Port(c, n, s, p) => {
                write!(f, "clusters[{c}].namespaces[{n}].services[{s}].ports[{p}]")
            }
        }
    }
}

/// The first duplicate (in inventory order): where it is, and what to say about it.
struct Duplicate {
    at: Position,
    message: String,
}

fn first_duplicate(inventory: &Inventory) -> Option<Duplicate> {
    let mut clusters = BTreeSet::new();
    for (c, cluster) in inventory.clusters.iter().enumerate() {
        if !clusters.insert(&cluster.name) {
            return Some(Duplicate {
                at: Position::Cluster(c),
                message: format!("duplicate cluster `{}`", cluster.name),
            });
        }
        let mut namespaces = BTreeSet::new();
        for (n, namespace) in cluster.namespaces.iter().enumerate() {
            if !namespaces.insert(&namespace.name) {
                return Some(Duplicate {
                    at: Position::Namespace(c, n),
                    message: format!(
                        "duplicate namespace `{}` in cluster `{}`",
                        namespace.name, cluster.name
                    ),
                });
            }
            let mut services = BTreeSet::new();
            for (s, service) in namespace.services.iter().enumerate() {
                if !services.insert(&service.name) {
                    return Some(Duplicate {
                        at: Position::Service(c, n, s),
                        message: format!(
                            "duplicate service `{}` in namespace `{}` of cluster `{}`",
                            service.name, namespace.name, cluster.name
                        ),
                    });
                }
                if let Some((p, clash)) = service.first_port_clash() {
                    let message = match clash {
                        PortClash::Name(name) => {
                            format!("duplicate port name `{name}` in service `{}`", service.name)
                        }
                        PortClash::Number(port) => {
                            format!("duplicate port {port} in service `{}`", service.name)
                        }
                    };
                    return Some(Duplicate {
                        at: Position::Port(c, n, s, p),
                        message,
                    });
                }
            }
        }
    }
    None
}

/// Turns a duplicate into an error at its line. The model keeps no positions (it is compared
/// for equality by the incremental database, and positions would make every edit a change),
/// so this failure path re-reads the text into a skeleton that records where each named item
/// is. JSON is read with the YAML reader too: it is (nearly) YAML, and when it is not, the
/// error still names the item by its path.
fn locate(text: &str, duplicate: Duplicate) -> InventoryError {
    let message = format!("{}: {}", duplicate.at, duplicate.message);
    let location = serde_saphyr::from_str_with_options::<Option<Skeleton>>(text, yaml_options())
        .ok()
        .flatten()
        .and_then(|skeleton| skeleton.location(duplicate.at));
    match location {
        Some(loc) => InventoryError::new(saturate(loc.line()), saturate(loc.column()), message),
        None => InventoryError::new(0, 0, message),
    }
}

/// Just enough of the inventory's shape to know where each name (and each port) is written.
#[derive(Deserialize)]
struct Skeleton {
    #[serde(default)]
    clusters: Vec<SkeletonCluster>,
}

#[derive(Deserialize)]
struct SkeletonCluster {
    name: serde_saphyr::Spanned<IgnoredAny>,
    #[serde(default)]
    namespaces: Vec<SkeletonNamespace>,
}

#[derive(Deserialize)]
struct SkeletonNamespace {
    name: serde_saphyr::Spanned<IgnoredAny>,
    #[serde(default)]
    services: Vec<SkeletonService>,
}

#[derive(Deserialize)]
struct SkeletonService {
    name: serde_saphyr::Spanned<IgnoredAny>,
    #[serde(default)]
    ports: Vec<serde_saphyr::Spanned<IgnoredAny>>,
}

impl Skeleton {
    fn location(&self, at: Position) -> Option<serde_saphyr::Location> {
        let cluster = |c: usize| self.clusters.get(c);
        let namespace = |c: usize, n: usize| cluster(c)?.namespaces.get(n);
        let service = |c: usize, n: usize, s: usize| namespace(c, n)?.services.get(s);
        let location = match at {
            Position::Cluster(c) => cluster(c)?.name.referenced,
            Position::Namespace(c, n) => namespace(c, n)?.name.referenced,
            Position::Service(c, n, s) => service(c, n, s)?.name.referenced,
            Position::Port(c, n, s, p) => service(c, n, s)?.ports.get(p)?.referenced,
        };
        (location != serde_saphyr::Location::UNKNOWN).then_some(location)
    }
}

// ---------------------------------------------------------------------------------------------
// Protocols
// ---------------------------------------------------------------------------------------------

/// The protocol of a port, as the language names it (`port 9080 grpc`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Protocol {
    Http,
    Https,
    Grpc,
    Http2,
    Tcp,
    Tls,
}

impl Protocol {
    /// Every protocol, in the order the language reference lists them (for completion).
    pub const ALL: [Protocol; 6] = [
        Protocol::Http,
        Protocol::Https,
        Protocol::Grpc,
        Protocol::Http2,
        Protocol::Tcp,
        Protocol::Tls,
    ];

    /// The language keyword.
    pub fn as_str(self) -> &'static str {
        match self {
            Protocol::Http => "http",
            Protocol::Https => "https",
            Protocol::Grpc => "grpc",
            Protocol::Http2 => "http2",
            Protocol::Tcp => "tcp",
            Protocol::Tls => "tls",
        }
    }

    /// Parses the language keyword (exactly as written: keywords are lowercase).
    pub fn from_keyword(keyword: &str) -> Option<Protocol> {
        Protocol::ALL.into_iter().find(|p| p.as_str() == keyword)
    }
}

impl fmt::Display for Protocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The protocol of a service port, when a destination's `port` line does not say: the port's
/// `appProtocol`, else its name by the usual convention (`grpc`, `grpc-*` → gRPC; `http`,
/// `http-*` → HTTP; likewise `http2`, `https`, `tcp`, `tls`), else HTTP.
///
/// An `appProtocol` the language has no keyword for (`mongo`, `example.com/custom`) says
/// nothing about HTTP-ness, so the name decides, as it does when `appProtocol` is absent.
pub fn infer_protocol(port: &ServicePort) -> Protocol {
    port.app_protocol
        .as_deref()
        .and_then(app_protocol)
        .or_else(|| port.name.as_deref().and_then(protocol_from_port_name))
        .unwrap_or(Protocol::Http)
}

fn app_protocol(value: &str) -> Option<Protocol> {
    let value = value.to_ascii_lowercase();
    match value.as_str() {
        // The standard Kubernetes values (KEP-3726).
        "kubernetes.io/h2c" => Some(Protocol::Http2),
        "kubernetes.io/ws" => Some(Protocol::Http),
        "kubernetes.io/wss" => Some(Protocol::Https),
        other => Protocol::from_keyword(other),
    }
}

/// Istio's naming convention: `<protocol>[-<suffix>]`.
fn protocol_from_port_name(name: &str) -> Option<Protocol> {
    let prefix = name.split_once('-').map_or(name, |(prefix, _)| prefix);
    Protocol::from_keyword(&prefix.to_ascii_lowercase())
}

// ---------------------------------------------------------------------------------------------
// Index
// ---------------------------------------------------------------------------------------------

/// A service of the inventory, by position: `inventory.clusters[cluster]
/// .namespaces[namespace].services[service]`. Ordered as in the inventory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ServiceRef {
    pub cluster: usize,
    pub namespace: usize,
    pub service: usize,
}

/// A workload of the inventory, by position, like [`ServiceRef`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct WorkloadRef {
    pub cluster: usize,
    pub namespace: usize,
    pub workload: usize,
}

/// A resolved [`ServiceRef`].
#[derive(Debug, Clone, Copy)]
pub struct ServiceEntry<'a> {
    pub at: ServiceRef,
    pub cluster: &'a Cluster,
    pub namespace: &'a Namespace,
    pub service: &'a Service,
}

/// A resolved [`WorkloadRef`].
#[derive(Debug, Clone, Copy)]
pub struct WorkloadEntry<'a> {
    pub cluster: &'a Cluster,
    pub namespace: &'a Namespace,
    pub workload: &'a Workload,
}

/// An inverted index of labels: key → value → the items carrying that label, in inventory
/// order. It answers equality selectors by intersecting lists, and lists keys and values for
/// completion and "did you mean". Hashed: building it and every selector look labels up, while
/// only completion and messages list them, sorting them then.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelIndex<R> {
    postings: FxHashMap<String, FxHashMap<String, Vec<R>>>,
}

impl<R> Default for LabelIndex<R> {
    fn default() -> Self {
        LabelIndex {
            postings: FxHashMap::default(),
        }
    }
}

impl<R: Copy + Ord> LabelIndex<R> {
    // Items are added in inventory order, so every list stays sorted without sorting.
    // Keys and values repeat across items: each is copied only the first time it is seen.
    fn add(&mut self, labels: &Labels, item: R) {
        for (key, value) in labels {
            let Some(values) = self.postings.get_mut(key) else {
                let first = FxHashMap::from_iter([(value.clone(), vec![item])]);
                self.postings.insert(key.clone(), first);
                continue;
            };
            match values.get_mut(value) {
                Some(items) => items.push(item),
                None => {
                    values.insert(value.clone(), vec![item]);
                }
            }
        }
    }

    /// Whether some item carries a label with this key.
    pub fn has_key(&self, key: &str) -> bool {
        self.postings.contains_key(key)
    }

    /// Every label key, sorted.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        sorted(self.postings.keys())
    }

    /// Every value seen for `key`, sorted (none when the key is unknown).
    pub fn values(&self, key: &str) -> impl Iterator<Item = &str> {
        sorted(
            self.postings
                .get(key)
                .into_iter()
                .flat_map(|values| values.keys()),
        )
    }

    /// The items carrying every label of a non-empty `selector`, in inventory order.
    /// `None` for an empty selector, which matches everything: the caller knows "everything".
    fn matching(&self, selector: &[(&str, &str)]) -> Option<Vec<R>> {
        let mut lists = Vec::with_capacity(selector.len());
        for (key, value) in selector {
            match self
                .postings
                .get(*key)
                .and_then(|values| values.get(*value))
            {
                Some(list) => lists.push(list.as_slice()),
                // A label nobody carries: nothing can match.
                None => return Some(Vec::new()),
            }
        }
        // Start from the shortest list; each other list only filters it.
        lists.sort_by_key(|list| list.len());
        let (first, rest) = lists.split_first()?;
        Some(
            first
                .iter()
                .copied()
                .filter(|item| rest.iter().all(|list| list.binary_search(item).is_ok()))
                .collect(),
        )
    }
}

/// `names`, sorted.
fn sorted<'a>(names: impl Iterator<Item = &'a String>) -> std::vec::IntoIter<&'a str> {
    let mut names: Vec<&str> = names.map(String::as_str).collect();
    names.sort_unstable();
    names.into_iter()
}

/// Lookups over one [`Inventory`], built once: the names a check looks up most (namespaces,
/// services) are hashed, clusters and their namespaces found in O(log n), and label selectors
/// cost the length of their rarest label's list, not a scan of the inventory.
///
/// Built from any inventory, validated or not: when names repeat (possible only for an
/// inventory built in code, since [`parse_inventory`] rejects duplicates) the first one wins.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InventoryIndex {
    inventory: Arc<Inventory>,
    /// Cluster name → its position and its namespaces.
    clusters: BTreeMap<String, ClusterEntry>,
    /// Namespace name → position of every cluster that has it, in inventory order. Hashed:
    /// every namespace written in a target or selector is looked up here.
    namespaces: FxHashMap<String, Vec<usize>>,
    /// Namespace → service name → that service in every cluster that has it, in inventory
    /// order. Hashed: every service target looks its service up here.
    services: FxHashMap<String, FxHashMap<String, Vec<ServiceRef>>>,
    /// Service → the positions, in its namespace, of the workloads its pod selector picks:
    /// worked out once here rather than for every subset that names the service.
    backing: FxHashMap<ServiceRef, Box<[usize]>>,
    service_labels: LabelIndex<ServiceRef>,
    workload_labels: LabelIndex<WorkloadRef>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct ClusterEntry {
    position: usize,
    namespaces: BTreeMap<String, NamespaceEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct NamespaceEntry {
    position: usize,
    /// Declared ones and those named by workloads.
    service_accounts: BTreeSet<String>,
}

impl InventoryIndex {
    /// Indexes `inventory`, sharing it (with a salsa input, say) rather than copying it.
    pub fn new(inventory: impl Into<Arc<Inventory>>) -> Self {
        let inventory = inventory.into();
        let mut clusters = BTreeMap::new();
        let mut namespaces: FxHashMap<String, Vec<usize>> = FxHashMap::default();
        let mut services: FxHashMap<String, FxHashMap<String, Vec<ServiceRef>>> =
            FxHashMap::default();
        let mut backing = FxHashMap::default();
        let mut service_labels = LabelIndex::default();
        let mut workload_labels = LabelIndex::default();

        for (c, cluster) in inventory.clusters.iter().enumerate() {
            if clusters.contains_key(&cluster.name) {
                continue;
            }
            let mut cluster_namespaces = BTreeMap::new();
            for (n, namespace) in cluster.namespaces.iter().enumerate() {
                if cluster_namespaces.contains_key(&namespace.name) {
                    continue;
                }
                namespaces
                    .entry(namespace.name.clone())
                    .or_default()
                    .push(c);
                let by_name = services.entry(namespace.name.clone()).or_default();
                for (s, service) in namespace.services.iter().enumerate() {
                    let at = ServiceRef {
                        cluster: c,
                        namespace: n,
                        service: s,
                    };
                    let in_clusters = by_name.entry(service.name.clone()).or_default();
                    if in_clusters.iter().any(|r| r.cluster == c) {
                        continue;
                    }
                    in_clusters.push(at);
                    service_labels.add(&service.labels, at);
                    let picked = namespace.workloads.iter().enumerate().filter(|(_, w)| {
                        service
                            .selector
                            .iter()
                            .all(|(k, v)| w.labels.get(k) == Some(v))
                    });
                    backing.insert(at, picked.map(|(w, _)| w).collect());
                }
                for (w, workload) in namespace.workloads.iter().enumerate() {
                    let at = WorkloadRef {
                        cluster: c,
                        namespace: n,
                        workload: w,
                    };
                    workload_labels.add(&workload.labels, at);
                }
                let service_accounts = namespace
                    .service_accounts
                    .iter()
                    .chain(namespace.workloads.iter().flat_map(|w| &w.service_account))
                    .cloned()
                    .collect();
                cluster_namespaces.insert(
                    namespace.name.clone(),
                    NamespaceEntry {
                        position: n,
                        service_accounts,
                    },
                );
            }
            clusters.insert(
                cluster.name.clone(),
                ClusterEntry {
                    position: c,
                    namespaces: cluster_namespaces,
                },
            );
        }

        InventoryIndex {
            inventory,
            clusters,
            namespaces,
            services,
            backing,
            service_labels,
            workload_labels,
        }
    }

    /// The inventory this index was built from.
    pub fn inventory(&self) -> &Inventory {
        &self.inventory
    }

    /// The cluster with this name.
    pub fn cluster(&self, name: &str) -> Option<&Cluster> {
        let entry = self.clusters.get(name)?;
        self.inventory.clusters.get(entry.position)
    }

    /// Every cluster name, sorted.
    pub fn cluster_names(&self) -> impl Iterator<Item = &str> {
        self.clusters.keys().map(String::as_str)
    }

    /// Every namespace name of any cluster, sorted.
    pub fn namespace_names(&self) -> impl Iterator<Item = &str> {
        sorted(self.namespaces.keys())
    }

    /// Whether some cluster has this namespace.
    pub fn has_namespace(&self, namespace: &str) -> bool {
        self.namespaces.contains_key(namespace)
    }

    /// The clusters that have this namespace, in inventory order.
    pub fn clusters_with_namespace(&self, namespace: &str) -> impl Iterator<Item = &Cluster> {
        self.namespaces
            .get(namespace)
            .into_iter()
            .flatten()
            .filter_map(|&c| self.inventory.clusters.get(c))
    }

    /// The namespace names of one cluster, sorted (none when the cluster is unknown).
    pub fn namespaces_in(&self, cluster: &str) -> impl Iterator<Item = &str> {
        self.clusters
            .get(cluster)
            .into_iter()
            .flat_map(|entry| entry.namespaces.keys().map(String::as_str))
    }

    /// One namespace of one cluster.
    pub fn namespace(&self, cluster: &str, namespace: &str) -> Option<&Namespace> {
        let entry = self.clusters.get(cluster)?;
        let position = entry.namespaces.get(namespace)?.position;
        self.inventory
            .clusters
            .get(entry.position)?
            .namespaces
            .get(position)
    }

    /// The service `name.namespace` of one cluster.
    pub fn service_ref(&self, cluster: &str, namespace: &str, name: &str) -> Option<ServiceRef> {
        let position = self.clusters.get(cluster)?.position;
        self.services_named(namespace, name)
            .iter()
            .find(|r| r.cluster == position)
            .copied()
    }

    /// The service `name.namespace` of one cluster, resolved.
    pub fn service(&self, cluster: &str, namespace: &str, name: &str) -> Option<ServiceEntry<'_>> {
        self.resolve_service(self.service_ref(cluster, namespace, name)?)
    }

    /// The service `name.namespace` in every cluster that has it, in inventory order.
    pub fn services_named(&self, namespace: &str, name: &str) -> &[ServiceRef] {
        self.services
            .get(namespace)
            .and_then(|by_name| by_name.get(name))
            .map_or(&[], Vec::as_slice)
    }

    /// The workloads of a service's own namespace and cluster that its pod selector picks (all
    /// of them for an empty selector), in inventory order.
    pub fn backing_workloads<'a>(
        &'a self,
        service: &ServiceEntry<'a>,
    ) -> impl Iterator<Item = &'a Workload> {
        self.backing
            .get(&service.at)
            .into_iter()
            .flatten()
            .filter_map(|&w| service.namespace.workloads.get(w))
    }

    /// The clusters where the service `name.namespace` exists, in inventory order.
    pub fn clusters_with_service(
        &self,
        namespace: &str,
        name: &str,
    ) -> impl Iterator<Item = &Cluster> {
        self.services_named(namespace, name)
            .iter()
            .filter_map(|r| self.inventory.clusters.get(r.cluster))
    }

    /// The names of the services of a namespace in any cluster, sorted (for "did you mean"
    /// and completion).
    pub fn service_names_in(&self, namespace: &str) -> impl Iterator<Item = &str> {
        sorted(
            self.services
                .get(namespace)
                .into_iter()
                .flat_map(|by_name| by_name.keys()),
        )
    }

    /// The service accounts of one namespace of one cluster, sorted: those declared and those
    /// named by workloads.
    pub fn service_accounts(&self, cluster: &str, namespace: &str) -> impl Iterator<Item = &str> {
        self.clusters
            .get(cluster)
            .and_then(|entry| entry.namespaces.get(namespace))
            .into_iter()
            .flat_map(|entry| entry.service_accounts.iter().map(String::as_str))
    }

    /// Whether the service account `name` exists in `namespace` of some cluster.
    pub fn has_service_account(&self, namespace: &str, name: &str) -> bool {
        self.clusters.values().any(|entry| {
            entry
                .namespaces
                .get(namespace)
                .is_some_and(|ns| ns.service_accounts.contains(name))
        })
    }

    /// The labels of services, for virtual-destination selectors.
    pub fn service_labels(&self) -> &LabelIndex<ServiceRef> {
        &self.service_labels
    }

    /// The labels of workloads, for workload selectors and service subsets.
    pub fn workload_labels(&self) -> &LabelIndex<WorkloadRef> {
        &self.workload_labels
    }

    /// The service a ref points at (`None` only for a ref from another index).
    pub fn resolve_service(&self, at: ServiceRef) -> Option<ServiceEntry<'_>> {
        let cluster = self.inventory.clusters.get(at.cluster)?;
        let namespace = cluster.namespaces.get(at.namespace)?;
        let service = namespace.services.get(at.service)?;
        Some(ServiceEntry {
            at,
            cluster,
            namespace,
            service,
        })
    }

    /// The workload a ref points at (`None` only for a ref from another index).
    pub fn resolve_workload(&self, at: WorkloadRef) -> Option<WorkloadEntry<'_>> {
        let cluster = self.inventory.clusters.get(at.cluster)?;
        let namespace = cluster.namespaces.get(at.namespace)?;
        let workload = namespace.workloads.get(at.workload)?;
        Some(WorkloadEntry {
            cluster,
            namespace,
            workload,
        })
    }

    /// The services whose labels include every `key = value` of `selector` (empty: all
    /// services), in `namespace` (`None`: any) and in one of `clusters` (`None`: any), in
    /// inventory order.
    pub fn match_services(
        &self,
        selector: &[(&str, &str)],
        namespace: Option<&str>,
        clusters: Option<&[&str]>,
    ) -> Vec<ServiceRef> {
        let candidates = self.service_labels.matching(selector).unwrap_or_else(|| {
            self.all_refs(|c, n, namespace| {
                (0..namespace.services.len()).map(move |s| ServiceRef {
                    cluster: c,
                    namespace: n,
                    service: s,
                })
            })
        });
        candidates
            .into_iter()
            .filter(|r| self.in_scope(r.cluster, r.namespace, namespace, clusters))
            .collect()
    }

    /// Like [`Self::match_services`], over workload (pod) labels.
    pub fn match_workloads(
        &self,
        selector: &[(&str, &str)],
        namespace: Option<&str>,
        clusters: Option<&[&str]>,
    ) -> Vec<WorkloadRef> {
        let candidates = self.workload_labels.matching(selector).unwrap_or_else(|| {
            self.all_refs(|c, n, namespace| {
                (0..namespace.workloads.len()).map(move |w| WorkloadRef {
                    cluster: c,
                    namespace: n,
                    workload: w,
                })
            })
        });
        candidates
            .into_iter()
            .filter(|r| self.in_scope(r.cluster, r.namespace, namespace, clusters))
            .collect()
    }

    /// Every item of every indexed namespace, in inventory order.
    fn all_refs<R: Ord, I>(&self, items: impl Fn(usize, usize, &Namespace) -> I) -> Vec<R>
    where
        I: Iterator<Item = R>,
    {
        let mut refs = Vec::new();
        for entry in self.clusters.values() {
            let Some(cluster) = self.inventory.clusters.get(entry.position) else {
                continue;
            };
            for ns in entry.namespaces.values() {
                if let Some(namespace) = cluster.namespaces.get(ns.position) {
                    refs.extend(items(entry.position, ns.position, namespace));
                }
            }
        }
        // The maps above iterate by name; callers get inventory order.
        refs.sort_unstable();
        refs
    }

    /// Whether the item at (cluster, namespace) positions passes the namespace and cluster
    /// filters.
    fn in_scope(
        &self,
        c: usize,
        n: usize,
        namespace: Option<&str>,
        clusters: Option<&[&str]>,
    ) -> bool {
        let Some(cluster) = self.inventory.clusters.get(c) else {
            return false;
        };
        let namespace_ok = namespace.is_none_or(|wanted| {
            cluster
                .namespaces
                .get(n)
                .is_some_and(|ns| ns.name == wanted)
        });
        let cluster_ok = clusters.is_none_or(|wanted| wanted.contains(&cluster.name.as_str()));
        namespace_ok && cluster_ok
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BOOKINFO: &str = include_str!("../../examples/bookinfo/inventory.yaml");

    fn yaml(text: &str) -> Result<Inventory, InventoryError> {
        parse_inventory("inventory.yaml", text)
    }

    fn json(text: &str) -> Result<Inventory, InventoryError> {
        parse_inventory("inventory.json", text)
    }

    /// `cluster/namespace/name` of each matched service, in result order.
    fn service_names(index: &InventoryIndex, refs: &[ServiceRef]) -> Vec<String> {
        refs.iter()
            .filter_map(|r| index.resolve_service(*r))
            .map(|e| format!("{}/{}/{}", e.cluster.name, e.namespace.name, e.service.name))
            .collect()
    }

    fn workload_names(index: &InventoryIndex, refs: &[WorkloadRef]) -> Vec<String> {
        refs.iter()
            .filter_map(|r| index.resolve_workload(*r))
            .map(|e| {
                format!(
                    "{}/{}/{}",
                    e.cluster.name, e.namespace.name, e.workload.name
                )
            })
            .collect()
    }

    fn port(name: Option<&str>, app_protocol: Option<&str>) -> ServicePort {
        ServicePort {
            name: name.map(str::to_owned),
            port: 8080,
            target_port: None,
            protocol: None,
            app_protocol: app_protocol.map(str::to_owned),
        }
    }

    #[test]
    fn bookinfo_example_loads_with_its_multi_cluster_split() {
        let index = InventoryIndex::new(yaml(BOOKINFO).expect("bookinfo inventory is valid"));
        assert_eq!(
            index.cluster_names().collect::<Vec<_>>(),
            ["cluster-1", "cluster-2"]
        );
        let cluster_1 = index.cluster("cluster-1").expect("cluster-1");
        assert_eq!(cluster_1.region.as_deref(), Some("us-east1"));
        assert_eq!(cluster_1.zone.as_deref(), Some("us-east1-b"));

        let clusters_of = |name| {
            index
                .clusters_with_service("bookinfo", name)
                .map(|c| c.name.as_str())
                .collect::<Vec<_>>()
        };
        assert_eq!(clusters_of("reviews"), ["cluster-1", "cluster-2"]);
        assert_eq!(clusters_of("productpage"), ["cluster-1"]);

        let reviews = index
            .service("cluster-2", "bookinfo", "reviews")
            .expect("reviews in cluster-2");
        let http = reviews.service.port_named("http").expect("port named http");
        assert_eq!(http.port, 9080);
        assert_eq!(reviews.service.port(9080), Some(http));
        assert_eq!(infer_protocol(http), Protocol::Http);

        let gateway = index
            .service("cluster-1", "gloo-mesh-gateways", "istio-ingressgateway")
            .expect("ingress gateway service");
        let http2 = gateway.service.port(80).expect("port 80");
        assert_eq!(http2.target_port, Some(TargetPort::Number(8080)));
        assert_eq!(infer_protocol(http2), Protocol::Http2);
        assert_eq!(
            gateway.service.port(443).map(infer_protocol),
            Some(Protocol::Https)
        );

        assert_eq!(
            index
                .service_accounts("cluster-2", "bookinfo")
                .collect::<Vec<_>>(),
            ["bookinfo-details", "bookinfo-ratings", "bookinfo-reviews"]
        );
        let reviews_v1 = index.match_workloads(
            &[("app", "reviews"), ("version", "v1")],
            Some("bookinfo"),
            None,
        );
        assert_eq!(
            workload_names(&index, &reviews_v1),
            ["cluster-1/bookinfo/reviews-v1"]
        );
    }

    #[test]
    fn a_typo_in_a_key_is_rejected_at_its_line_with_the_expected_keys() {
        let text = "\
clusters:
  - name: cluster-1
    namespaces:
      - name: bookinfo
        servces:
          - name: reviews
";
        let err = yaml(text).unwrap_err();
        assert_eq!((err.line, err.column), (5, 9));
        assert_eq!(
            err.message,
            "unknown field `servces`, expected one of `name`, `labels`, `services`, \
             `workloads`, `serviceAccounts` (did you mean `services`?)"
        );
        assert!(
            err.to_string()
                .starts_with("line 5, column 9: unknown field `servces`")
        );
    }

    #[test]
    fn a_typo_in_a_json_key_is_rejected_at_its_line() {
        let text = r#"{
  "clusters": [
    {
      "name": "cluster-1",
      "namespace": []
    }
  ]
}"#;
        let err = json(text).unwrap_err();
        assert_eq!(err.line, 5);
        assert_eq!(
            err.message,
            "unknown field `namespace`, expected one of `name`, `region`, `zone`, \
             `namespaces` (did you mean `namespaces`?)"
        );
    }

    #[test]
    fn missing_and_mistyped_values_say_what_was_expected() {
        let err = yaml("clusters:\n  - region: us-east1\n").unwrap_err();
        assert_eq!(
            (err.line, err.message.as_str()),
            (2, "missing field `name`")
        );

        let ports = |port: &str| {
            format!(
                "clusters:\n  - name: c\n    namespaces:\n      - name: n\n        services:\n\
                 \x20         - name: s\n            ports:\n              - port: {port}\n"
            )
        };
        for (value, message) in [
            (
                "0",
                "invalid value: integer `0`, expected a port number between 1 and 65535",
            ),
            (
                "70000",
                "invalid value: integer `70000`, expected a port number between 1 and 65535",
            ),
            (
                "http",
                "invalid type: string \"http\", expected a port number between 1 and 65535",
            ),
        ] {
            let err = yaml(&ports(value)).unwrap_err();
            assert_eq!(
                (err.line, err.message.as_str()),
                (8, message),
                "port: {value}"
            );
        }

        let err = json(r#"{"clusters": [{"name": 7}]}"#).unwrap_err();
        assert_eq!(err.message, "invalid type: integer `7`, expected a string");
        assert_eq!((err.line, err.column), (1, 24), "the column of `7`");
    }

    #[test]
    fn target_port_is_a_number_or_a_name() {
        let text = "\
clusters:
  - name: c
    namespaces:
      - name: n
        services:
          - name: s
            ports:
              - {port: 80, targetPort: 8080}
              - {port: 81, targetPort: web}
";
        let inventory = yaml(text).expect("valid");
        let ports = &inventory.clusters[0].namespaces[0].services[0].ports;
        assert_eq!(ports[0].target_port, Some(TargetPort::Number(8080)));
        assert_eq!(ports[1].target_port, Some(TargetPort::Name("web".into())));

        let err = yaml(&text.replace("8080", "[8080]")).unwrap_err();
        assert_eq!(err.line, 8);
        assert!(
            err.message
                .ends_with("expected a port number (1-65535) or a port name"),
            "{}",
            err.message
        );
        let err = yaml(&text.replace("8080", "0")).unwrap_err();
        assert_eq!(err.line, 8);
    }

    #[test]
    fn yaml_and_json_load_the_same_inventory_and_it_round_trips() {
        let from_yaml = yaml(BOOKINFO).expect("yaml");
        let as_json = serde_json::to_string_pretty(&from_yaml).expect("serializes");
        assert!(as_json.contains("\"targetPort\": 8080"), "camelCase keys");
        assert!(as_json.contains("\"serviceAccount\": \"bookinfo-reviews\""));
        assert_eq!(json(&as_json), Ok(from_yaml.clone()));

        let as_yaml = serde_saphyr::to_string(&from_yaml).expect("serializes");
        assert_eq!(yaml(&as_yaml), Ok(from_yaml));
    }

    #[test]
    fn an_empty_file_is_an_empty_inventory() {
        for text in ["", "\n", "# no clusters yet\n"] {
            assert_eq!(yaml(text), Ok(Inventory::default()), "{text:?}");
        }
        assert_eq!(json(" \n"), Ok(Inventory::default()));
        assert_eq!(yaml("clusters: []\n"), Ok(Inventory::default()));
    }

    #[test]
    fn duplicates_are_rejected_at_the_second_occurrence() {
        let err = yaml("clusters:\n  - name: c1\n  - name: c2\n  - name: c1\n").unwrap_err();
        assert_eq!((err.line, err.column), (4, 11));
        assert_eq!(err.message, "clusters[2]: duplicate cluster `c1`");

        let err =
            yaml("clusters:\n  - name: c1\n    namespaces:\n      - name: n\n      - name: n\n")
                .unwrap_err();
        assert_eq!(err.line, 5);
        assert_eq!(
            err.message,
            "clusters[0].namespaces[1]: duplicate namespace `n` in cluster `c1`"
        );

        let services = "\
clusters:
  - name: c1
    namespaces:
      - name: n
        services:
          - name: s
            ports: [{name: http, port: 80}, {name: http, port: 81}]
          - name: s
";
        let err = yaml(services).unwrap_err();
        assert_eq!(err.line, 7);
        assert_eq!(
            err.message,
            "clusters[0].namespaces[0].services[0].ports[1]: duplicate port name `http` in \
             service `s`"
        );
        let err = yaml(&services.replace("name: http, port: 81", "port: 81")).unwrap_err();
        assert_eq!(err.line, 8);
        assert_eq!(
            err.message,
            "clusters[0].namespaces[0].services[1]: duplicate service `s` in namespace `n` \
             of cluster `c1`"
        );

        // The same number over TCP and UDP is two ports, as in Kubernetes.
        let dns = "clusters:\n  - name: c\n    namespaces:\n      - name: n\n        services:\n\
                   \x20         - name: dns\n            ports:\n\
                   \x20             - {name: dns, port: 53, protocol: UDP}\n\
                   \x20             - {name: dns-tcp, port: 53, protocol: TCP}\n";
        assert!(yaml(dns).is_ok());
        let err = yaml(&dns.replace("UDP", "tcp")).unwrap_err();
        assert_eq!(err.line, 9);
        assert!(err.message.ends_with("duplicate port 53 in service `dns`"));

        // JSON is located through the YAML reader.
        let err =
            json("{\"clusters\": [\n  {\"name\": \"c1\"},\n  {\"name\": \"c1\"}\n]}").unwrap_err();
        assert_eq!((err.line, err.column), (3, 12));
    }

    #[test]
    fn errors_without_a_position_name_the_path_instead() {
        let err = InventoryError::new(0, 0, "clusters[1]: duplicate cluster `c1`");
        assert_eq!(err.to_string(), "clusters[1]: duplicate cluster `c1`");
        let err = InventoryError::new(3, 4, "bad\u{1b}[2Jkey");
        assert_eq!(err.to_string(), "line 3, column 4: bad\\u{1b}[2Jkey");
    }

    /// Two clusters; `web` runs in both (labelled differently), `db` only in east, and a
    /// namespace `other` in east also has a `tier = frontend` service.
    const TWO_CLUSTERS: &str = "\
clusters:
  - name: east
    namespaces:
      - name: shop
        services:
          - {name: web, labels: {app: web, tier: frontend}}
          - {name: db, labels: {app: db, tier: backend}}
        workloads:
          - {name: web-v1, labels: {app: web, version: v1}, serviceAccount: web}
          - {name: web-v2, labels: {app: web, version: v2}, serviceAccount: web}
        serviceAccounts: [default]
      - name: other
        services:
          - {name: landing, labels: {tier: frontend}}
  - name: west
    namespaces:
      - name: shop
        services:
          - {name: web, labels: {app: web, tier: frontend, region: west}}
        workloads:
          - {name: web-v2, labels: {app: web, version: v2}}
";

    #[test]
    fn a_service_is_backed_by_the_workloads_its_selector_picks_on_its_cluster() {
        let index = InventoryIndex::new(yaml(BOOKINFO).expect("bookinfo"));
        let backing = |cluster: &str, name: &str| -> Vec<String> {
            let service = index
                .service(cluster, "bookinfo", name)
                .expect("the service");
            index
                .backing_workloads(&service)
                .map(|w| w.name.clone())
                .collect()
        };
        assert_eq!(
            backing("cluster-1", "reviews"),
            ["reviews-v1", "reviews-v2", "reviews-v3"]
        );
        // cluster-2 runs reviews v2 and v3 only.
        assert_eq!(
            backing("cluster-2", "reviews"),
            ["reviews-v2", "reviews-v3"]
        );
        assert_eq!(backing("cluster-1", "ratings"), ["ratings-v1"]);
    }

    #[test]
    fn service_selectors_match_across_clusters_and_namespaces() {
        let index = InventoryIndex::new(yaml(TWO_CLUSTERS).expect("valid"));
        let find = |pairs: &[(&str, &str)], namespace, clusters: Option<&[&str]>| {
            service_names(&index, &index.match_services(pairs, namespace, clusters))
        };

        assert_eq!(
            find(&[("tier", "frontend")], None, None),
            ["east/shop/web", "east/other/landing", "west/shop/web"]
        );
        assert_eq!(
            find(&[("tier", "frontend")], Some("shop"), None),
            ["east/shop/web", "west/shop/web"]
        );
        assert_eq!(
            find(&[("app", "web"), ("region", "west")], None, None),
            ["west/shop/web"]
        );
        let west = ["west"];
        assert_eq!(
            find(&[("app", "db")], None, Some(&west)),
            Vec::<String>::new()
        );
        assert_eq!(find(&[("app", "nope")], None, None), Vec::<String>::new());
        assert_eq!(
            find(&[("app", "web"), ("app", "db")], None, None),
            Vec::<String>::new()
        );
        // An empty selector matches every service in scope.
        assert_eq!(
            find(&[], Some("shop"), None),
            ["east/shop/web", "east/shop/db", "west/shop/web"]
        );
        assert_eq!(find(&[], None, Some(&west)), ["west/shop/web"]);
    }

    #[test]
    fn workload_selectors_match_pod_labels() {
        let index = InventoryIndex::new(yaml(TWO_CLUSTERS).expect("valid"));
        let v2 = index.match_workloads(&[("version", "v2")], Some("shop"), None);
        assert_eq!(
            workload_names(&index, &v2),
            ["east/shop/web-v2", "west/shop/web-v2"]
        );
        // Service labels are not pod labels.
        assert!(
            index
                .match_workloads(&[("tier", "frontend")], None, None)
                .is_empty()
        );
        assert_eq!(index.match_workloads(&[], None, None).len(), 3);
    }

    #[test]
    fn the_index_answers_name_and_label_lookups() {
        let index = InventoryIndex::new(yaml(TWO_CLUSTERS).expect("valid"));
        assert_eq!(
            index.namespace_names().collect::<Vec<_>>(),
            ["other", "shop"]
        );
        assert_eq!(index.namespaces_in("west").collect::<Vec<_>>(), ["shop"]);
        assert!(index.has_namespace("other"));
        assert!(!index.has_namespace("bookinfo"));
        assert_eq!(
            index
                .clusters_with_namespace("shop")
                .map(|c| c.name.as_str())
                .collect::<Vec<_>>(),
            ["east", "west"]
        );
        assert_eq!(index.namespace("west", "other"), None);
        assert!(index.service("west", "shop", "db").is_none());
        assert_eq!(index.services_named("shop", "web").len(), 2);
        assert_eq!(
            index.service_names_in("shop").collect::<Vec<_>>(),
            ["db", "web"]
        );

        assert_eq!(
            index.service_accounts("east", "shop").collect::<Vec<_>>(),
            ["default", "web"]
        );
        assert!(index.has_service_account("shop", "web"));
        assert!(!index.has_service_account("other", "web"));

        let labels = index.service_labels();
        assert_eq!(labels.keys().collect::<Vec<_>>(), ["app", "region", "tier"]);
        assert_eq!(
            labels.values("tier").collect::<Vec<_>>(),
            ["backend", "frontend"]
        );
        assert_eq!(labels.values("nope").count(), 0);
        assert_eq!(
            index.workload_labels().keys().collect::<Vec<_>>(),
            ["app", "version"]
        );
    }

    #[test]
    fn an_index_of_an_unvalidated_inventory_keeps_the_first_of_duplicates() {
        let mut inventory = yaml(TWO_CLUSTERS).expect("valid");
        let mut east_again = inventory.clusters[0].clone();
        east_again.region = Some("duplicate".into());
        inventory.clusters.push(east_again);
        let index = InventoryIndex::new(inventory);
        assert_eq!(
            index.cluster("east").and_then(|c| c.region.as_deref()),
            None
        );
        assert_eq!(index.services_named("shop", "web").len(), 2);
    }

    #[test]
    fn protocol_comes_from_app_protocol_then_port_name_then_http() {
        let cases = [
            (Some("grpc"), None, Protocol::Grpc),
            (Some("grpc-reviews"), None, Protocol::Grpc),
            (Some("http"), None, Protocol::Http),
            (Some("http-web"), None, Protocol::Http),
            (Some("http2"), None, Protocol::Http2),
            (Some("http2-gw"), None, Protocol::Http2),
            (Some("https"), None, Protocol::Https),
            (Some("tcp-db"), None, Protocol::Tcp),
            (Some("tls"), None, Protocol::Tls),
            (Some("metrics"), None, Protocol::Http),
            (Some("httpx"), None, Protocol::Http),
            (Some("grpcweb"), None, Protocol::Http),
            (None, None, Protocol::Http),
            (Some("http"), Some("grpc"), Protocol::Grpc),
            (Some("grpc"), Some("HTTP"), Protocol::Http),
            (Some("http"), Some("kubernetes.io/h2c"), Protocol::Http2),
            (None, Some("kubernetes.io/wss"), Protocol::Https),
            // Unknown to the language: the name decides.
            (Some("tcp"), Some("mongo"), Protocol::Tcp),
        ];
        for (name, app_protocol, expected) in cases {
            assert_eq!(
                infer_protocol(&port(name, app_protocol)),
                expected,
                "name {name:?}, appProtocol {app_protocol:?}"
            );
        }
    }

    #[test]
    fn protocol_keywords_round_trip() {
        for protocol in Protocol::ALL {
            assert_eq!(Protocol::from_keyword(protocol.as_str()), Some(protocol));
            assert_eq!(protocol.to_string(), protocol.as_str());
        }
        assert_eq!(Protocol::from_keyword("HTTP"), None);
        assert_eq!(Protocol::from_keyword("udp"), None);
    }

    proptest::proptest! {
        /// Whatever an editor buffer holds mid-edit, loading it returns, never panics.
        #[test]
        fn loading_never_panics(
            cut in 0..BOOKINFO.len(),
            len in 0usize..40,
            insert in "[ -~\n\t\u{e9}]{0,8}",
        ) {
            let mut text = BOOKINFO.to_owned();
            let start = (0..=cut).rev().find(|&i| text.is_char_boundary(i)).unwrap_or(0);
            let end = (start + len).min(text.len());
            let end = (end..=text.len()).find(|&i| text.is_char_boundary(i)).unwrap_or(text.len());
            text.replace_range(start..end, &insert);
            if let Ok(inventory) = yaml(&text) {
                let _ = InventoryIndex::new(inventory);
            }
            let _ = json(&text);
            let _ = json(&insert);
        }
    }
}
