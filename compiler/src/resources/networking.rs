//! `networking.gloo.solo.io/v2`: RouteTable, VirtualGateway and VirtualDestination.
//!
//! A `routes` block compiles to a [`RouteTable`], a `gateway` to a [`VirtualGateway`] and a
//! `destination` to a [`VirtualDestination`]. Only the fields the language can produce are
//! modelled (no TCP/TLS routes, GraphQL, cloud-provider destinations or portal metadata).

use std::collections::BTreeMap;

use compact_str::CompactString;
use serde::{Deserialize, Serialize};

use super::common::{
    DestinationReference, ObjectReference, ObjectSelector, PortSelector, StringMatch,
    WorkloadSelector, is_false,
};
use super::meta::{NETWORKING_V2, Object, ResourceSpec};

/// A RouteTable document.
pub type RouteTable = Object<RouteTableSpec>;
/// A VirtualGateway document.
pub type VirtualGateway = Object<VirtualGatewaySpec>;
/// A VirtualDestination document.
pub type VirtualDestination = Object<VirtualDestinationSpec>;

/// Hosts and HTTP routes, served by gateways (north-south) and/or sidecars (east-west).
///
/// Gloo does not tell an absent list from an empty one (they are proto3 repeated fields), so
/// empty lists are left out.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Default)]
#[serde(rename_all = "camelCase")]
pub struct RouteTableSpec {
    /// Must be empty for a table reached only by delegation.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hosts: Vec<CompactString>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub virtual_gateways: Vec<ObjectReference>,
    /// With gateways set, sidecars are only selected through these (`[{}]` = every workload).
    /// Gloo 2.6 accepts only `selector.labels` here (no name, namespace, cluster, workspace).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub workload_selectors: Vec<WorkloadSelector>,
    /// Orders delegated tables; higher first. Gloo's default is 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight: Option<i32>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub http: Vec<HttpRoute>,
}

impl ResourceSpec for RouteTableSpec {
    const API_VERSION: &'static str = NETWORKING_V2;
    const KIND: &'static str = "RouteTable";
}

/// One HTTP route: matchers (alternatives) and exactly one action.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct HttpRoute {
    pub name: CompactString,
    /// Policies select routes by these labels.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<CompactString, CompactString>,
    /// Any one matcher must match; no matchers match every request.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub matchers: Vec<HttpRequestMatcher>,
    #[serde(flatten)]
    pub action: HttpAction,
}

/// The action of an HTTP route (a proto `oneof`), written as the key `forwardTo`, `redirect`,
/// `directResponse` or `delegate` next to the route's other fields.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "camelCase")]
pub enum HttpAction {
    ForwardTo(ForwardToAction),
    Redirect(RedirectAction),
    DirectResponse(DirectResponseAction),
    Delegate(DelegateAction),
}

/// All set conditions must hold (`HTTPRequestMatcher`).
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, Default)]
#[serde(rename_all = "camelCase")]
pub struct HttpRequestMatcher {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uri: Option<StringMatch>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub headers: Vec<HeaderMatcher>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub query_parameters: Vec<QueryParameterMatcher>,
    /// One method, e.g. `GET`; several methods need several matchers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<CompactString>,
}

/// Matches a request header. Without `value` it matches on presence; `invert_match` negates the
/// whole condition (absence, or "not this value").
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, Default)]
#[serde(rename_all = "camelCase")]
pub struct HeaderMatcher {
    pub name: CompactString,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<CompactString>,
    /// `value` is an RE2 regex.
    #[serde(default, skip_serializing_if = "is_false")]
    pub regex: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub invert_match: bool,
}

/// Matches a query parameter by exact value or RE2 regex.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, Default)]
#[serde(rename_all = "camelCase")]
pub struct QueryParameterMatcher {
    pub name: CompactString,
    pub value: CompactString,
    #[serde(default, skip_serializing_if = "is_false")]
    pub regex: bool,
}

/// Forward to one or more weighted destinations, optionally rewriting path prefix or host.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, Default)]
#[serde(rename_all = "camelCase")]
pub struct ForwardToAction {
    pub destinations: Vec<DestinationReference>,
    /// Replaces the matched prefix (prefix matchers) or the whole path (exact matchers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path_rewrite: Option<CompactString>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host_rewrite: Option<CompactString>,
}

/// Answer with an HTTP redirect.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, Default)]
#[serde(rename_all = "camelCase")]
pub struct RedirectAction {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host_redirect: Option<CompactString>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path_redirect: Option<CompactString>,
    /// Gloo's default is `MOVED_PERMANENTLY` (301).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_code: Option<RedirectResponseCode>,
}

/// Redirect status codes; the CRD takes these names, not numbers.
#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RedirectResponseCode {
    /// 301
    MovedPermanently,
    /// 302
    Found,
    /// 303
    SeeOther,
    /// 307
    TemporaryRedirect,
    /// 308
    PermanentRedirect,
}

impl RedirectResponseCode {
    /// The enum value for an HTTP status, or `None` if Gloo cannot send that redirect code.
    pub fn from_status(status: u16) -> Option<Self> {
        match status {
            301 => Some(Self::MovedPermanently),
            302 => Some(Self::Found),
            303 => Some(Self::SeeOther),
            307 => Some(Self::TemporaryRedirect),
            308 => Some(Self::PermanentRedirect),
            _ => None,
        }
    }
}

/// Answer directly with a status (100–599) and optional body.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, Default)]
#[serde(rename_all = "camelCase")]
pub struct DirectResponseAction {
    pub status: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<CompactString>,
}

/// Hand matching requests to other route tables.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, Default)]
#[serde(rename_all = "camelCase")]
pub struct DelegateAction {
    pub route_tables: Vec<ObjectSelector>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sort_method: Option<SortMethod>,
}

/// How delegated routes are ordered.
#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum SortMethod {
    /// By table `weight` (higher first), then listed/creation order.
    TableWeight,
    RouteSpecificity,
}

/// Gateway workloads and the ports they listen on.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, Default)]
#[serde(rename_all = "camelCase")]
pub struct VirtualGatewaySpec {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub workloads: Vec<WorkloadSelector>,
    pub listeners: Vec<Listener>,
}

impl ResourceSpec for VirtualGatewaySpec {
    const API_VERSION: &'static str = NETWORKING_V2;
    const KIND: &'static str = "VirtualGateway";
}

/// One listener: `http: {}` or `tcp: {}`, a port, and TLS for `https`.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Listener {
    #[serde(flatten)]
    pub protocol: ListenerProtocol,
    pub port: PortSelector,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls: Option<ListenerTls>,
}

/// The listener's protocol (a proto `oneof` of two empty messages): `http: {}` or `tcp: {}`.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub enum ListenerProtocol {
    Http {},
    Tcp {},
}

/// Server-side TLS of a listener.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, Default)]
#[serde(rename_all = "camelCase")]
pub struct ListenerTls {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<TlsMode>,
    /// Kubernetes TLS secret, looked up in the gateway's own namespace and cluster.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_name: Option<CompactString>,
}

/// Listener TLS modes.
#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TlsMode {
    Passthrough,
    /// Terminate TLS with `secretName`.
    Simple,
    Mutual,
    AutoPassthrough,
    IstioMutual,
}

/// A stable hostname and ports in front of services selected by labels, possibly across
/// clusters.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, Default)]
#[serde(rename_all = "camelCase")]
pub struct VirtualDestinationSpec {
    pub hosts: Vec<CompactString>,
    /// A service is a backend if it matches any selector.
    pub services: Vec<ObjectSelector>,
    pub ports: Vec<VirtualDestinationPort>,
}

impl ResourceSpec for VirtualDestinationSpec {
    const API_VERSION: &'static str = NETWORKING_V2;
    const KIND: &'static str = "VirtualDestination";
}

/// A port of a virtual destination and the backends' port it maps to.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct VirtualDestinationPort {
    pub number: u32,
    pub protocol: Protocol,
    /// Defaults to `number`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_port: Option<PortSelector>,
}

/// Protocols a virtual destination port can speak (the CRD types this as a string and lists the
/// allowed values in its description; `MONGO` is allowed too but not reachable from the language).
#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[serde(rename_all = "UPPERCASE")]
pub enum Protocol {
    Http,
    Https,
    Grpc,
    Http2,
    Tcp,
    Tls,
}
