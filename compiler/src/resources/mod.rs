//! Typed Gloo Mesh v2 resources: everything the compiler emits.
//!
//! One module per API group: [`networking`] (RouteTable, VirtualGateway, VirtualDestination),
//! [`resilience`], [`security`] and [`trafficcontrol`] (the eight policy kinds), plus the shared
//! [`meta`] envelope and [`common`] building blocks. Field names and enum values are exactly
//! those of the Gloo 2.3 CRDs, which the integration tests check against the CRDs' JSON Schemas.
//!
//! Output is minimal and deterministic: unset options and empty lists/maps are omitted, maps are
//! sorted (`BTreeMap`), and struct fields serialize in the order people write manifests
//! (`apiVersion`, `kind`, `metadata`, `spec`; `hosts` before routes, and so on).
//!
//! [`Resource`] holds any one document, for code that sorts, names and writes them.

pub mod common;
pub mod meta;
pub mod networking;
pub mod resilience;
pub mod security;
pub mod trafficcontrol;

use serde::de::{self, Deserializer};
use serde::{Deserialize, Serialize};

pub use common::*;
pub use meta::*;
pub use networking::*;
pub use resilience::*;
pub use security::*;
pub use trafficcontrol::*;

/// Defines [`Resource`] and its per-kind dispatch from one list, so a new kind cannot be added
/// to the enum without also being readable, nameable and convertible.
macro_rules! resources {
    ($($variant:ident($spec:ty)),+ $(,)?) => {
        /// Any resource the compiler emits. Serializes as the document itself (no wrapper);
        /// deserializes by dispatching on the document's `kind`.
        #[derive(Serialize, Debug, Clone, PartialEq)]
        #[serde(untagged)]
        pub enum Resource {
            $($variant(Object<$spec>),)+
        }

        impl Resource {
            /// Every `kind` a [`Resource`] can have, in declaration order.
            pub const KINDS: &'static [&'static str] = &[$(<$spec as ResourceSpec>::KIND),+];

            /// The CRD kind, e.g. `RouteTable` or `CORSPolicy`.
            pub fn kind(&self) -> &'static str {
                match self {
                    $(Self::$variant(_) => <$spec as ResourceSpec>::KIND,)+
                }
            }

            /// `group/version`, e.g. `networking.gloo.solo.io/v2`.
            pub fn api_version(&self) -> &'static str {
                match self {
                    $(Self::$variant(_) => <$spec as ResourceSpec>::API_VERSION,)+
                }
            }

            pub fn metadata(&self) -> &ObjectMeta {
                match self {
                    $(Self::$variant(object) => &object.metadata,)+
                }
            }

            /// What orders the output: namespace, then kind, then name. Names are unique per
            /// namespace and kind, so this is a total order of a build's resources.
            pub fn output_key(&self) -> (Option<&str>, &'static str, &str) {
                let metadata = self.metadata();
                (metadata.namespace.as_deref(), self.kind(), metadata.name.as_str())
            }
        }

        $(
            impl From<Object<$spec>> for Resource {
                fn from(object: Object<$spec>) -> Self {
                    Self::$variant(object)
                }
            }
        )+

        /// Buffers the document (its `kind` may come after `spec`), then reads it as the kind it
        /// names; [`Object`] then also checks `apiVersion`.
        impl<'de> Deserialize<'de> for Resource {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let document = serde_json::Value::deserialize(deserializer)?;
                let kind = match document.get("kind") {
                    Some(serde_json::Value::String(kind)) => kind.clone(),
                    Some(_) => return Err(de::Error::custom("`kind` must be a string")),
                    None => return Err(de::Error::missing_field("kind")),
                };
                $(
                    if kind == <$spec as ResourceSpec>::KIND {
                        return Object::<$spec>::deserialize(document)
                            .map(Self::$variant)
                            .map_err(de::Error::custom);
                    }
                )+
                Err(de::Error::unknown_variant(&kind, Self::KINDS))
            }
        }
    };
}

resources! {
    VirtualGateway(VirtualGatewaySpec),
    RouteTable(RouteTableSpec),
    VirtualDestination(VirtualDestinationSpec),
    RetryTimeoutPolicy(RetryTimeoutPolicySpec),
    FaultInjectionPolicy(FaultInjectionPolicySpec),
    FailoverPolicy(FailoverPolicySpec),
    OutlierDetectionPolicy(OutlierDetectionPolicySpec),
    CorsPolicy(CorsPolicySpec),
    AccessPolicy(AccessPolicySpec),
    HeaderManipulationPolicy(HeaderManipulationPolicySpec),
    MirrorPolicy(MirrorPolicySpec),
}
