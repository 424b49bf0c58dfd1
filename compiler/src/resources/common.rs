//! Building blocks shared by several kinds (Gloo's `common.gloo.solo.io/v2` protos): object
//! references and selectors, port selectors, destination references and string matchers.
//!
//! Omitted `namespace`/`cluster` in a reference default to those of the object holding the
//! reference; omitted fields of a selector mean "any". Both are therefore optional here and left
//! out of the output when unset.

use std::collections::BTreeMap;

use compact_str::CompactString;
use serde::{Deserialize, Serialize};

/// `skip_serializing_if` helper: proto3 booleans default to `false`, so `false` is never written.
pub(crate) fn is_false(value: &bool) -> bool {
    !*value
}

/// Points at exactly one object (`ObjectReference`).
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, Default)]
#[serde(rename_all = "camelCase")]
pub struct ObjectReference {
    pub name: CompactString,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<CompactString>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster: Option<CompactString>,
}

/// Selects objects by labels and/or location (`ObjectSelector`). Labels come first because they
/// say *what* is selected; the other fields narrow *where*.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, Hash, Default)]
#[serde(rename_all = "camelCase")]
pub struct ObjectSelector {
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<CompactString, CompactString>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<CompactString>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<CompactString>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster: Option<CompactString>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workspace: Option<CompactString>,
}

/// A port by number or by name (`PortSelector`, a proto `oneof`): serializes as
/// `{number: 9080}` or `{name: http}`.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub enum PortSelector {
    Number(u32),
    Name(CompactString),
}

/// What a destination reference or selector points at (`DestinationKind`).
#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DestinationKind {
    /// A Kubernetes Service; Gloo's default when `kind` is omitted.
    Service,
    VirtualDestination,
    ExternalService,
}

/// Where a route (or a mirror policy) sends traffic (`DestinationReference`).
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct DestinationReference {
    #[serde(rename = "ref")]
    pub reference: ObjectReference,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<DestinationKind>,
    /// Required by Gloo when the target has more than one port.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<PortSelector>,
    /// Workload labels selecting a subset of a Kubernetes service's endpoints.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub subset: BTreeMap<CompactString, CompactString>,
    /// Share of traffic; weights of one route's destinations sum to 100.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight: Option<u32>,
}

/// Selects destinations, for policies' `applyToDestinations` (`DestinationSelector`).
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, Default)]
#[serde(rename_all = "camelCase")]
pub struct DestinationSelector {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<DestinationKind>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selector: Option<ObjectSelector>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<PortSelector>,
}

/// Whether a workload selector picks Kubernetes pods or VMs (`WorkloadSelector.kind`).
#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum WorkloadKind {
    Kube,
    Vm,
}

/// Selects workloads: gateway pods of a VirtualGateway, or the sidecars a RouteTable applies to.
/// The empty selector `{}` (all fields `None`) selects every workload in the workspace.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, Default)]
#[serde(rename_all = "camelCase")]
pub struct WorkloadSelector {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selector: Option<ObjectSelector>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<WorkloadKind>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<PortSelector>,
}

/// Selects routes by the labels on routes or on their route tables (`RouteLabelSelector`).
/// The 2.3 schema also has `name`, which 2.6 dropped, so it is not offered here.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, Default)]
#[serde(rename_all = "camelCase")]
pub struct RouteLabelSelector {
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<CompactString, CompactString>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<CompactString>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster: Option<CompactString>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workspace: Option<CompactString>,
}

/// One entry of a policy's `applyToRoutes` (`RouteSelector`, a proto `oneof`): routes by label,
/// or forwarding routes by the destinations they send to.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub enum RouteSelector {
    Route(RouteLabelSelector),
    WithDestinations(DestinationSelector),
}

/// A string matcher (`StringMatch`, a proto `oneof`): `{exact: ..}`, `{prefix: ..}` or
/// `{regex: ..}` (RE2). `suffix` exists in the schema but Gloo documents it as "not currently
/// supported", and `ignoreCase` is not used by the language, so neither is offered.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub enum StringMatch {
    Exact(CompactString),
    Prefix(CompactString),
    Regex(CompactString),
}
