//! The names, labels and annotations the lowering derives from the source.
//!
//! Every generated resource is named after the item it comes from (the checker has already
//! made sure item names are DNS-1123 labels of at most 63 characters), carries the
//! `app.kubernetes.io/managed-by: routec` label and a `routec.io/source` annotation pointing at
//! the item. The one resource that has no item of its own, the RetryTimeoutPolicy that merges a
//! `retry` and a `timeout` policy, is named by [`retry_timeout_names`].
//!
//! Policies find what they apply to through labels routec puts there: one label key per policy
//! resource kind ([`PolicySlot::label_key`]) whose value is the policy resource's name. One key
//! per *kind* rather than per policy matters under delegation: Gloo lets a child route inherit
//! its parent route's labels unless it sets the same key, so a child route that applies its own
//! policy of a kind overrides its parent's of that kind instead of carrying both.

use std::collections::{BTreeMap, BTreeSet};

use compact_str::CompactString;
use route_lang::check::PolicyKind;

use crate::resources::ObjectMeta;

/// The label every generated resource carries.
pub const MANAGED_BY_KEY: &str = "app.kubernetes.io/managed-by";
/// The value of [`MANAGED_BY_KEY`].
pub const MANAGED_BY_VALUE: &str = "routec";
/// The annotation naming the source of a resource: `<path>:<line>`, the path relative to the
/// project root and the 1-based line of the item's keyword.
pub const SOURCE_ANNOTATION: &str = "routec.io/source";

/// The longest Kubernetes name (a DNS-1123 label) and label value.
const MAX_NAME_LEN: usize = 63;
/// Hex digits of the hash that shortens or disambiguates a merged policy name.
const HASH_LEN: usize = 8;

/// The kinds of policy resource that select routes or virtual destinations by a label.
/// (AccessPolicy selects the backing services by their own labels, so it has no slot.)
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PolicySlot {
    RetryTimeout,
    FaultInjection,
    Cors,
    HeaderManipulation,
    Mirror,
    OutlierDetection,
    Failover,
}

impl PolicySlot {
    /// The slot a policy kind fills; `retry` and `timeout` share one.
    pub fn of(kind: PolicyKind) -> Option<PolicySlot> {
        Some(match kind {
            PolicyKind::Retry | PolicyKind::Timeout => PolicySlot::RetryTimeout,
            PolicyKind::Fault => PolicySlot::FaultInjection,
            PolicyKind::Cors => PolicySlot::Cors,
            PolicyKind::Headers => PolicySlot::HeaderManipulation,
            PolicyKind::Mirror => PolicySlot::Mirror,
            PolicyKind::Outlier => PolicySlot::OutlierDetection,
            PolicyKind::Failover => PolicySlot::Failover,
            PolicyKind::Access => return None,
        })
    }

    /// The label key on routes (or virtual destinations) whose value names the policy resource
    /// of this kind that applies there. Prefixed keys, because Gloo 2.6 requires route label
    /// keys to have two segments.
    pub fn label_key(self) -> &'static str {
        match self {
            PolicySlot::RetryTimeout => "routec.io/retry-timeout",
            PolicySlot::FaultInjection => "routec.io/fault-injection",
            PolicySlot::Cors => "routec.io/cors",
            PolicySlot::HeaderManipulation => "routec.io/header-manipulation",
            PolicySlot::Mirror => "routec.io/mirror",
            PolicySlot::OutlierDetection => "routec.io/outlier-detection",
            PolicySlot::Failover => "routec.io/failover",
        }
    }
}

/// The `retry` and `timeout` policies that reach one route: one RetryTimeoutPolicy each
/// distinct combination.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RetryTimeout {
    pub retry: Option<String>,
    pub timeout: Option<String>,
}

impl RetryTimeout {
    /// The name when nothing else claims it: the one policy's name, or `<retry>-<timeout>`.
    fn plain_name(&self) -> String {
        match (&self.retry, &self.timeout) {
            (Some(retry), Some(timeout)) => format!("{retry}-{timeout}"),
            (Some(one), None) | (None, Some(one)) => one.clone(),
            (None, None) => String::new(),
        }
    }
}

/// Names the RetryTimeoutPolicy of every combination, without collisions.
///
/// A combination of one policy is named after it (policy names are unique). A merged one is
/// `<retry>-<timeout>` unless that is longer than a Kubernetes name, names one of the `taken`
/// policies, or is also another combination's plain name (`a-b` + `c` and `a` + `b-c`); then
/// it is the start of that name and a hash of the pair, re-hashed until it is free. Every
/// decision depends only on the sets given, so the names do not depend on file order.
pub fn retry_timeout_names(
    combos: &BTreeSet<RetryTimeout>,
    taken: &BTreeSet<String>,
) -> BTreeMap<RetryTimeout, String> {
    let mut plain_counts: BTreeMap<String, usize> = BTreeMap::new();
    for combo in combos {
        *plain_counts.entry(combo.plain_name()).or_default() += 1;
    }
    let mut names: BTreeMap<RetryTimeout, String> = BTreeMap::new();
    let mut used: BTreeSet<String> = taken.clone();
    // Plain names first, so a hashed name never takes a plain one's place.
    let mut hashed: Vec<&RetryTimeout> = Vec::new();
    for combo in combos {
        let plain = combo.plain_name();
        let merged = combo.retry.is_some() && combo.timeout.is_some();
        let clashes = merged
            && (plain.len() > MAX_NAME_LEN
                || taken.contains(&plain)
                || plain_counts.get(&plain).copied().unwrap_or(0) > 1);
        if clashes {
            hashed.push(combo);
        } else {
            used.insert(plain.clone());
            names.insert(combo.clone(), plain);
        }
    }
    for combo in hashed {
        let plain = combo.plain_name();
        let prefix = truncate(&plain, MAX_NAME_LEN - 1 - HASH_LEN);
        let key = format!(
            "{}\0{}",
            combo.retry.as_deref().unwrap_or_default(),
            combo.timeout.as_deref().unwrap_or_default()
        );
        let mut salt = 0u32;
        let name = loop {
            let hash = fnv1a(format!("{key}\0{salt}").as_bytes());
            let candidate = format!("{prefix}-{:0width$x}", hash & 0xffff_ffff, width = HASH_LEN);
            if !used.contains(&candidate) {
                break candidate;
            }
            salt += 1;
        };
        used.insert(name.clone());
        names.insert(combo.clone(), name);
    }
    names
}

/// At most `max` bytes of a name (ASCII, by the checker), without a trailing `-`.
fn truncate(name: &str, max: usize) -> &str {
    name.get(..max.min(name.len()))
        .unwrap_or(name)
        .trim_end_matches('-')
}

/// 64-bit FNV-1a: small, stable across platforms and Rust versions (unlike `DefaultHasher`),
/// which is what a name that ends up in users' clusters needs.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// The metadata of a generated resource: its name and namespace, the managed-by label plus
/// `labels`, and the source annotation.
pub fn metadata(
    name: &str,
    namespace: &str,
    labels: BTreeMap<CompactString, CompactString>,
    source: &str,
) -> ObjectMeta {
    let mut all_labels = labels;
    all_labels.insert(MANAGED_BY_KEY.into(), MANAGED_BY_VALUE.into());
    ObjectMeta {
        name: name.into(),
        namespace: Some(namespace.into()),
        labels: all_labels,
        annotations: BTreeMap::from([(SOURCE_ANNOTATION.into(), source.into())]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn combo(retry: Option<&str>, timeout: Option<&str>) -> RetryTimeout {
        RetryTimeout {
            retry: retry.map(str::to_owned),
            timeout: timeout.map(str::to_owned),
        }
    }

    fn valid_name(name: &str) -> bool {
        !name.is_empty()
            && name.len() <= MAX_NAME_LEN
            && name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !name.starts_with('-')
            && !name.ends_with('-')
    }

    #[test]
    fn single_policies_keep_their_names_and_pairs_join() {
        let combos = BTreeSet::from([
            combo(Some("retries"), None),
            combo(None, Some("slow")),
            combo(Some("retries"), Some("slow")),
        ]);
        let names = retry_timeout_names(&combos, &BTreeSet::new());
        assert_eq!(names[&combo(Some("retries"), None)], "retries");
        assert_eq!(names[&combo(None, Some("slow"))], "slow");
        assert_eq!(names[&combo(Some("retries"), Some("slow"))], "retries-slow");
    }

    #[test]
    fn clashing_or_long_pairs_are_hashed_and_stay_valid_and_distinct() {
        let long = "r".repeat(40);
        let combos = BTreeSet::from([
            combo(Some("a-b"), Some("c")),
            combo(Some("a"), Some("b-c")),
            combo(Some("x"), Some("y")),
            combo(Some(&long), Some(&long)),
        ]);
        // A policy already named `x-y` takes that name.
        let taken = BTreeSet::from(["x-y".to_owned()]);
        let names = retry_timeout_names(&combos, &taken);
        let distinct: BTreeSet<&String> = names.values().collect();
        assert_eq!(distinct.len(), combos.len());
        for name in names.values() {
            assert!(valid_name(name), "{name}");
            assert!(!taken.contains(name), "{name}");
        }
        assert!(names[&combo(Some("a-b"), Some("c"))].starts_with("a-b-c-"));
        assert!(names[&combo(Some("x"), Some("y"))].starts_with("x-y-"));
        // Stable: the same input gives the same names.
        assert_eq!(names, retry_timeout_names(&combos, &taken));
    }

    #[test]
    fn fnv1a_is_the_reference_function() {
        // Test vectors of the FNV specification.
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
    }
}
