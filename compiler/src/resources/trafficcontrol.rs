//! `trafficcontrol.policy.gloo.solo.io/v2`: HeaderManipulationPolicy and MirrorPolicy, both
//! route level.

use std::collections::BTreeMap;

use compact_str::CompactString;
use serde::{Deserialize, Serialize};

use super::common::{DestinationReference, RouteSelector};
use super::meta::{Object, ResourceSpec, TRAFFICCONTROL_V2};

/// A HeaderManipulationPolicy document.
pub type HeaderManipulationPolicy = Object<HeaderManipulationPolicySpec>;
/// A MirrorPolicy document.
pub type MirrorPolicy = Object<MirrorPolicySpec>;

/// Adds and removes request/response headers on the selected routes.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, Default)]
#[serde(rename_all = "camelCase")]
pub struct HeaderManipulationPolicySpec {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub apply_to_routes: Vec<RouteSelector>,
    #[serde(default)]
    pub config: HeaderManipulationConfig,
}

impl ResourceSpec for HeaderManipulationPolicySpec {
    const API_VERSION: &'static str = TRAFFICCONTROL_V2;
    const KIND: &'static str = "HeaderManipulationPolicy";
}

/// Header changes. The `append*` maps are header name → value; the CRD has no separate
/// "replace" operation.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, Default)]
#[serde(rename_all = "camelCase")]
pub struct HeaderManipulationConfig {
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub append_request_headers: BTreeMap<CompactString, CompactString>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub remove_request_headers: Vec<CompactString>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub append_response_headers: BTreeMap<CompactString, CompactString>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub remove_response_headers: Vec<CompactString>,
}

/// Copies a share of the selected routes' requests to another destination (responses of the
/// copy are discarded).
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct MirrorPolicySpec {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub apply_to_routes: Vec<RouteSelector>,
    pub config: MirrorConfig,
}

impl ResourceSpec for MirrorPolicySpec {
    const API_VERSION: &'static str = TRAFFICCONTROL_V2;
    const KIND: &'static str = "MirrorPolicy";
}

/// Where to mirror and how much.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct MirrorConfig {
    pub destination: DestinationReference,
    /// 0–100; absent mirrors every request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub percentage: Option<f64>,
}
