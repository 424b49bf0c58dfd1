//! `security.policy.gloo.solo.io/v2`: CORSPolicy (route level) and AccessPolicy (destination
//! level, service-account allow lists enforced by the mesh's mTLS identities).

use compact_str::CompactString;
use serde::{Deserialize, Serialize};

use super::common::{DestinationSelector, ObjectSelector, RouteSelector, StringMatch};
use super::meta::{Object, ResourceSpec, SECURITY_V2};

/// A CORSPolicy document.
pub type CorsPolicy = Object<CorsPolicySpec>;
/// An AccessPolicy document.
pub type AccessPolicy = Object<AccessPolicySpec>;

/// Cross-origin resource sharing for the selected routes.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, Default)]
#[serde(rename_all = "camelCase")]
pub struct CorsPolicySpec {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub apply_to_routes: Vec<RouteSelector>,
    #[serde(default)]
    pub config: CorsConfig,
}

impl ResourceSpec for CorsPolicySpec {
    const API_VERSION: &'static str = SECURITY_V2;
    // The CRD kind keeps the acronym; the Rust type follows Rust naming.
    const KIND: &'static str = "CORSPolicy";
}

/// CORS response settings.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, Default)]
#[serde(rename_all = "camelCase")]
pub struct CorsConfig {
    /// An origin is allowed if any matcher matches. A wildcard such as `*.example.com` needs a
    /// `Regex` matcher, since the `suffix` matcher is unsupported by Gloo.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allow_origins: Vec<StringMatch>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allow_methods: Vec<CompactString>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allow_headers: Vec<CompactString>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub expose_headers: Vec<CompactString>,
    /// How long browsers may cache a preflight answer (a duration string).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_age: Option<CompactString>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_credentials: Option<bool>,
}

/// Which clients may call the selected destinations (Kubernetes services; Gloo cannot attach an
/// AccessPolicy to a virtual destination).
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, Default)]
#[serde(rename_all = "camelCase")]
pub struct AccessPolicySpec {
    /// Empty selects every destination in the workspace, so the compiler always fills it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub apply_to_destinations: Vec<DestinationSelector>,
    #[serde(default)]
    pub config: AccessPolicyConfig,
}

impl ResourceSpec for AccessPolicySpec {
    const API_VERSION: &'static str = SECURITY_V2;
    const KIND: &'static str = "AccessPolicy";
}

/// Peer authentication and authorization settings.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, Default)]
#[serde(rename_all = "camelCase")]
pub struct AccessPolicyConfig {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authn: Option<PeerAuthentication>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authz: Option<Authorization>,
}

/// How clients must authenticate.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, Default)]
#[serde(rename_all = "camelCase")]
pub struct PeerAuthentication {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls_mode: Option<PeerTlsMode>,
}

/// mTLS requirement for clients (`authn.tlsMode`); service isolation forces `STRICT`.
#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PeerTlsMode {
    Disable,
    Permissive,
    Strict,
}

/// The clients allowed to call the destination.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, Default)]
#[serde(rename_all = "camelCase")]
pub struct Authorization {
    /// A single empty selector would allow every client identity.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allowed_clients: Vec<IdentitySelector>,
}

/// A client identity: a Kubernetes service account. For accounts that may not exist yet, Gloo
/// only honours selectors with exactly `name`, `namespace` and `cluster`.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, Default)]
#[serde(rename_all = "camelCase")]
pub struct IdentitySelector {
    pub service_account_selector: ObjectSelector,
}
