//! The Kubernetes envelope shared by every Gloo resource: `apiVersion`, `kind`, `metadata`, `spec`.
//!
//! A resource is an [`Object`] over a spec type; the spec type names its own `apiVersion` and
//! `kind` through [`ResourceSpec`], so a `RouteTable` can never be written with the `kind` of a
//! `VirtualGateway`, and the two strings need not be stored (or compared) per object.

use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

use compact_str::CompactString;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::ser::{SerializeStruct, Serializer};
use serde::{Deserialize, Serialize};

/// The API groups the compiler emits, each at version `v2`.
pub const NETWORKING_V2: &str = "networking.gloo.solo.io/v2";
/// `resilience.policy.gloo.solo.io/v2`: retries, timeouts, faults, failover, outlier detection.
pub const RESILIENCE_V2: &str = "resilience.policy.gloo.solo.io/v2";
/// `security.policy.gloo.solo.io/v2`: CORS and access (mTLS authorization).
pub const SECURITY_V2: &str = "security.policy.gloo.solo.io/v2";
/// `trafficcontrol.policy.gloo.solo.io/v2`: header manipulation and mirroring.
pub const TRAFFICCONTROL_V2: &str = "trafficcontrol.policy.gloo.solo.io/v2";

/// The subset of Kubernetes `ObjectMeta` a compiler should emit.
///
/// Maps are `BTreeMap`s so that output is sorted by key and therefore byte-for-byte reproducible.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, Default)]
#[serde(rename_all = "camelCase")]
pub struct ObjectMeta {
    pub name: CompactString,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<CompactString>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<CompactString, CompactString>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: BTreeMap<CompactString, CompactString>,
}

/// Implemented by every `spec` type: says which `apiVersion`/`kind` envelope it belongs in.
pub trait ResourceSpec {
    /// `group/version`, e.g. `networking.gloo.solo.io/v2`.
    const API_VERSION: &'static str;
    /// The kind exactly as the CRD spells it, e.g. `CORSPolicy`.
    const KIND: &'static str;
}

/// A complete resource document: `apiVersion` and `kind` come from `S`, so only `metadata` and
/// `spec` are data. Serializes in the order people write manifests:
/// `apiVersion`, `kind`, `metadata`, `spec`.
#[derive(Debug, Clone, PartialEq)]
pub struct Object<S> {
    pub metadata: ObjectMeta,
    pub spec: S,
}

impl<S: ResourceSpec> Object<S> {
    /// The `apiVersion` this object serializes with.
    pub fn api_version(&self) -> &'static str {
        S::API_VERSION
    }

    /// The `kind` this object serializes with.
    pub fn kind(&self) -> &'static str {
        S::KIND
    }
}

impl<S: ResourceSpec + Serialize> Serialize for Object<S> {
    fn serialize<Ser: Serializer>(&self, serializer: Ser) -> Result<Ser::Ok, Ser::Error> {
        let mut object = serializer.serialize_struct("Object", 4)?;
        object.serialize_field("apiVersion", S::API_VERSION)?;
        object.serialize_field("kind", S::KIND)?;
        object.serialize_field("metadata", &self.metadata)?;
        object.serialize_field("spec", &self.spec)?;
        object.end()
    }
}

/// Reads a document and rejects it unless its `apiVersion` and `kind` are those of `S`: reading
/// a `VirtualGateway` as a `RouteTable` must fail rather than yield an empty route table.
/// Other top-level keys (`status`, for a document read back from a cluster) are ignored.
impl<'de, S: ResourceSpec + Deserialize<'de>> Deserialize<'de> for Object<S> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(ObjectVisitor(PhantomData))
    }
}

struct ObjectVisitor<S>(PhantomData<S>);

impl<'de, S: ResourceSpec + Deserialize<'de>> Visitor<'de> for ObjectVisitor<S> {
    type Value = Object<S>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "a {} {} document", S::API_VERSION, S::KIND)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut metadata = None;
        let mut spec = None;
        let mut api_version_seen = false;
        let mut kind_seen = false;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "apiVersion" => {
                    expect_value(map.next_value::<String>()?, S::API_VERSION, "apiVersion")?;
                    api_version_seen = true;
                }
                "kind" => {
                    expect_value(map.next_value::<String>()?, S::KIND, "kind")?;
                    kind_seen = true;
                }
                "metadata" => metadata = Some(map.next_value()?),
                "spec" => spec = Some(map.next_value()?),
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        if !api_version_seen {
            return Err(de::Error::missing_field("apiVersion"));
        }
        if !kind_seen {
            return Err(de::Error::missing_field("kind"));
        }
        Ok(Object {
            metadata: metadata.ok_or_else(|| de::Error::missing_field("metadata"))?,
            spec: spec.ok_or_else(|| de::Error::missing_field("spec"))?,
        })
    }
}

fn expect_value<E: de::Error>(found: String, expected: &str, field: &str) -> Result<(), E> {
    if found == expected {
        Ok(())
    } else {
        Err(E::custom(format_args!(
            "expected {field} `{expected}`, found `{found}`"
        )))
    }
}
