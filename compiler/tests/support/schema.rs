//! Validation of emitted documents against the Gloo 2.3 JSON Schemas in `tests/schemas/`.
//!
//! Documents are checked against the *strict* schemas (unknown fields rejected), which catch a
//! misspelled field that Kubernetes would silently prune. None of the fields the compiler emits
//! is newer than the 2.3 schemas (API-NOTES.md §9), so no non-strict fallback is needed.
//!
//! Every schema is loaded on first use, and a missing or broken schema file panics: a test must
//! fail, not skip, when the repository lost the data it validates against.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use jsonschema::Validator;
use serde_json::Value;

/// Every kind the compiler emits; a test checks this against `Resource::KINDS`.
pub const KINDS: [&str; 11] = [
    "VirtualGateway",
    "RouteTable",
    "VirtualDestination",
    "RetryTimeoutPolicy",
    "FaultInjectionPolicy",
    "FailoverPolicy",
    "OutlierDetectionPolicy",
    "CORSPolicy",
    "AccessPolicy",
    "HeaderManipulationPolicy",
    "MirrorPolicy",
];

/// `tests/schemas/strict/<Kind>.json` or, with `strict == false`, `tests/schemas/<Kind>.json`.
pub fn schema_path(strict: bool, kind: &str) -> PathBuf {
    let mut path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/schemas");
    if strict {
        path.push("strict");
    }
    path.join(format!("{kind}.json"))
}

/// Reads and compiles one schema file as draft 2020-12, panicking with the path on any failure.
pub fn compile_schema(path: &Path) -> Validator {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|error| panic!("schema {} is missing: {error}", path.display()));
    let schema: Value = serde_json::from_str(&text)
        .unwrap_or_else(|error| panic!("schema {} is not JSON: {error}", path.display()));
    jsonschema::draft202012::new(&schema)
        .unwrap_or_else(|error| panic!("schema {} does not compile: {error}", path.display()))
}

fn strict_validators() -> &'static BTreeMap<&'static str, Validator> {
    static VALIDATORS: OnceLock<BTreeMap<&'static str, Validator>> = OnceLock::new();
    VALIDATORS.get_or_init(|| {
        KINDS
            .into_iter()
            .map(|kind| (kind, compile_schema(&schema_path(true, kind))))
            .collect()
    })
}

/// Validates one resource document (as JSON) against the strict schema of its `kind`.
/// Each error reads `<JSON pointer>: <message>`.
pub fn validate_resource(document: &Value) -> Result<(), Vec<String>> {
    let kind = document
        .get("kind")
        .and_then(Value::as_str)
        .ok_or_else(|| vec!["/kind: missing or not a string".to_owned()])?;
    let validator = strict_validators()
        .get(kind)
        .ok_or_else(|| vec![format!("/kind: no schema for kind `{kind}`")])?;
    let errors: Vec<String> = validator
        .iter_errors(document)
        .map(|error| format!("{}: {error}", error.instance_path()))
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}
