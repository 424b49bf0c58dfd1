//! `resilience.policy.gloo.solo.io/v2`: RetryTimeoutPolicy, FaultInjectionPolicy (route level),
//! FailoverPolicy and OutlierDetectionPolicy (destination level).
//!
//! Durations are strings holding a protobuf `Duration`. The CRD text shows `1h`/`1m`/`1s`/`1ms`
//! (Go `time.ParseDuration` syntax, which older protobuf JSON parsers used), but the current
//! protobuf JSON mapping only accepts decimal seconds with an `s` suffix; every real example
//! uses that form (`2s`, `0.5s`, `30s`), so the compiler should write durations that way
//! (`1h30m` → `5400s`, `250ms` → `0.25s`). Percentages are `f64` because the CRD types them as
//! `number` (`DoubleValue`).

use compact_str::CompactString;
use serde::{Deserialize, Serialize};

use super::common::{DestinationSelector, RouteSelector};
use super::meta::{Object, RESILIENCE_V2, ResourceSpec};

/// A RetryTimeoutPolicy document.
pub type RetryTimeoutPolicy = Object<RetryTimeoutPolicySpec>;
/// A FaultInjectionPolicy document.
pub type FaultInjectionPolicy = Object<FaultInjectionPolicySpec>;
/// A FailoverPolicy document.
pub type FailoverPolicy = Object<FailoverPolicySpec>;
/// An OutlierDetectionPolicy document.
pub type OutlierDetectionPolicy = Object<OutlierDetectionPolicySpec>;

/// Retries and/or a request timeout for the selected routes. The language's `retry` and
/// `timeout` policies both compile to this one kind.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, Default)]
#[serde(rename_all = "camelCase")]
pub struct RetryTimeoutPolicySpec {
    /// Empty selects every route in the workspace, so the compiler always fills it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub apply_to_routes: Vec<RouteSelector>,
    #[serde(default)]
    pub config: RetryTimeoutConfig,
}

impl ResourceSpec for RetryTimeoutPolicySpec {
    const API_VERSION: &'static str = RESILIENCE_V2;
    const KIND: &'static str = "RetryTimeoutPolicy";
}

/// `retries` and `requestTimeout`; either may be absent.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, Default)]
#[serde(rename_all = "camelCase")]
pub struct RetryTimeoutConfig {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retries: Option<RetryPolicy>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_timeout: Option<CompactString>,
}

/// Retry settings.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, Default)]
#[serde(rename_all = "camelCase")]
pub struct RetryPolicy {
    /// Gloo's default is 2.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attempts: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_try_timeout: Option<CompactString>,
    /// Envoy retry conditions as one comma-separated string, e.g. `5xx,reset,connect-failure`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_on: Option<CompactString>,
}

/// Injects a delay and/or an abort into a share of requests on the selected routes.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Default)]
#[serde(rename_all = "camelCase")]
pub struct FaultInjectionPolicySpec {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub apply_to_routes: Vec<RouteSelector>,
    #[serde(default)]
    pub config: FaultInjectionConfig,
}

impl ResourceSpec for FaultInjectionPolicySpec {
    const API_VERSION: &'static str = RESILIENCE_V2;
    const KIND: &'static str = "FaultInjectionPolicy";
}

/// The faults to inject.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Default)]
#[serde(rename_all = "camelCase")]
pub struct FaultInjectionConfig {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delay: Option<FaultDelay>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub abort: Option<FaultAbort>,
}

/// Delay requests before forwarding them.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Default)]
#[serde(rename_all = "camelCase")]
pub struct FaultDelay {
    /// At least `1ms`.
    pub fixed_delay: CompactString,
    /// 0–100; absent means every request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub percentage: Option<f64>,
}

/// Answer requests with an error status instead of forwarding them.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Default)]
#[serde(rename_all = "camelCase")]
pub struct FaultAbort {
    pub http_status: u32,
    /// 0–100; absent means every request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub percentage: Option<f64>,
}

/// Locality-aware load balancing for the selected destinations. With no mappings it turns on
/// the mesh's default order (same zone, then same region, then anywhere healthy).
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, Default)]
#[serde(rename_all = "camelCase")]
pub struct FailoverPolicySpec {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub apply_to_destinations: Vec<DestinationSelector>,
    #[serde(default)]
    pub config: FailoverConfig,
}

impl ResourceSpec for FailoverPolicySpec {
    const API_VERSION: &'static str = RESILIENCE_V2;
    const KIND: &'static str = "FailoverPolicy";
}

/// Explicit failover targets per source locality.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, Default)]
#[serde(rename_all = "camelCase")]
pub struct FailoverConfig {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub locality_mappings: Vec<LocalityMapping>,
}

/// Traffic from `from` fails over to the `to` localities.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, Default)]
#[serde(rename_all = "camelCase")]
pub struct LocalityMapping {
    pub from: Locality,
    pub to: Vec<WeightedLocality>,
}

/// A region, optionally narrowed to a zone and sub-zone.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, Default)]
#[serde(rename_all = "camelCase")]
pub struct Locality {
    pub region: CompactString,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zone: Option<CompactString>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_zone: Option<CompactString>,
}

/// A failover target locality with an optional weight (weights of one mapping sum to 100).
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, Default)]
#[serde(rename_all = "camelCase")]
pub struct WeightedLocality {
    pub region: CompactString,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zone: Option<CompactString>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_zone: Option<CompactString>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight: Option<u32>,
}

/// Ejects unhealthy endpoints of the selected (virtual) destinations from load balancing.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, Default)]
#[serde(rename_all = "camelCase")]
pub struct OutlierDetectionPolicySpec {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub apply_to_destinations: Vec<DestinationSelector>,
    #[serde(default)]
    pub config: OutlierDetectionConfig,
}

impl ResourceSpec for OutlierDetectionPolicySpec {
    const API_VERSION: &'static str = RESILIENCE_V2;
    const KIND: &'static str = "OutlierDetectionPolicy";
}

/// Ejection thresholds; absent fields take Gloo's defaults (5 errors, `10s`, `30s`, 100%).
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, Default)]
#[serde(rename_all = "camelCase")]
pub struct OutlierDetectionConfig {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consecutive_errors: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interval: Option<CompactString>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_ejection_time: Option<CompactString>,
    /// An integer percentage (0–100), unlike the `f64` percentages of route policies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_ejection_percent: Option<u32>,
}
