//! Writing resources as YAML or JSON: one stream for `routec build -o -`, or one file per
//! resource for an output folder (which [`crate::outdir`] keeps in sync).
//!
//! The bytes depend only on the resources, never on the order the lowering produced them in
//! or on the machine: resources are sorted by namespace, kind and name, and every map in the
//! resource model is a `BTreeMap`. A YAML stream is the documents of the files joined with
//! `---\n`, so `routec build -o -` and the files of `routec build -o DIR` say the same thing.
//!
//! - YAML: one document per resource, byte for byte as `serde_saphyr` writes it by default
//!   (two-space indent, list items at their key's indentation, as `kubectl get -o yaml` does),
//!   written by [`yaml`], which is several times faster.
//! - JSON: a file is one pretty-printed object; a stream is one `v1` `List` of them, the shape
//!   `kubectl get -o json` prints and `kubectl apply -f -` reads.
//!
//! Streams are written as they are serialized, one document at a time, so the output of a
//! large project never has to fit in one string.

mod yaml;

use std::collections::HashSet;
use std::fmt;
use std::io::{self, Write};

use serde::Serialize;

use crate::resources::Resource;

/// The output format.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// YAML documents, separated by `---` in a stream.
    #[default]
    Yaml,
    /// JSON objects; a stream is one `List` object.
    Json,
}

impl Format {
    /// The extension of the files written in this format.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Yaml => "yaml",
            Format::Json => "json",
        }
    }
}

/// The resources in output order ([`Resource::output_key`]).
fn sorted<'a>(resources: &[&'a Resource]) -> Vec<&'a Resource> {
    let mut sorted = resources.to_vec();
    sorted.sort_by(|a, b| a.output_key().cmp(&b.output_key()));
    sorted
}

/// Writes every resource as one stream: YAML documents joined with `---\n`, or one JSON
/// `List` object followed by a newline.
pub fn stream(out: &mut impl Write, resources: &[&Resource], format: Format) -> io::Result<()> {
    let resources = sorted(resources);
    match format {
        Format::Yaml => {
            // One buffer for every document: serializing into a `String` and writing it at
            // once is much faster than going through `io::Write` a token at a time.
            let mut document = String::new();
            for (i, resource) in resources.iter().enumerate() {
                document.clear();
                yaml_into(&mut document, resource)?;
                if i > 0 {
                    out.write_all(b"---\n")?;
                }
                out.write_all(document.as_bytes())?;
            }
            Ok(())
        }
        Format::Json => {
            let list = List {
                api_version: "v1",
                kind: "List",
                items: &resources,
            };
            serde_json::to_writer_pretty(&mut *out, &list)?;
            out.write_all(b"\n")
        }
    }
}

/// What `kubectl` prints for several objects in JSON.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct List<'a> {
    api_version: &'static str,
    kind: &'static str,
    items: &'a [&'a Resource],
}

/// One file of an output folder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutputFile {
    /// Relative to the output folder, with `/`: `<namespace>/<kind>-<name>.<extension>`, the
    /// kind in lower case (`bookinfo/routetable-bookinfo.yaml`).
    pub path: String,
    pub contents: Vec<u8>,
}

/// One file per resource, in output order.
pub fn files(resources: &[&Resource], format: Format) -> Result<Vec<OutputFile>, EmitError> {
    let resources = sorted(resources);
    let mut paths = HashSet::with_capacity(resources.len());
    let mut files = Vec::with_capacity(resources.len());
    for resource in resources {
        let path = file_path(resource, format)?;
        // Names are unique per kind and namespace; if the lowering ever broke that, one file
        // would silently replace another.
        if !paths.insert(path.clone()) {
            return Err(EmitError::new(
                resource,
                "another resource has the same file",
            ));
        }
        let contents = match format {
            Format::Yaml => {
                let mut document = String::new();
                yaml_into(&mut document, resource)?;
                document.into_bytes()
            }
            Format::Json => {
                let mut document = serde_json::to_vec_pretty(resource)
                    .map_err(|error| EmitError::new(resource, error))?;
                document.push(b'\n');
                document
            }
        };
        files.push(OutputFile { path, contents });
    }
    Ok(files)
}

/// `<namespace>/<kind>-<name>.<extension>`. Namespaces and names become path segments, so
/// they must be Kubernetes names: anything else (`..`, `/`) could point outside the folder.
fn file_path(resource: &Resource, format: Format) -> Result<String, EmitError> {
    let meta = resource.metadata();
    let namespace = meta
        .namespace
        .as_deref()
        .ok_or_else(|| EmitError::new(resource, "it has no namespace"))?;
    for (what, value) in [("namespace", namespace), ("name", meta.name.as_str())] {
        if !is_kubernetes_name(value) {
            return Err(EmitError::new(
                resource,
                format!("its {what} `{value}` is not a valid Kubernetes name"),
            ));
        }
    }
    Ok(format!(
        "{namespace}/{}-{}.{}",
        resource.kind().to_ascii_lowercase(),
        meta.name,
        format.extension()
    ))
}

/// A DNS-1123 subdomain: lower-case letters, digits, `-` and `.`, starting and ending with a
/// letter or digit, at most 253 characters.
fn is_kubernetes_name(value: &str) -> bool {
    let alphanumeric = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit();
    value.len() <= 253
        && value.starts_with(alphanumeric)
        && value.ends_with(alphanumeric)
        && value
            .chars()
            .all(|c| alphanumeric(c) || c == '-' || c == '.')
}

/// Appends one resource as a YAML document.
fn yaml_into(document: &mut String, resource: &Resource) -> Result<(), EmitError> {
    yaml::append(document, resource).map_err(|error| EmitError::new(resource, error))
}

/// A resource that cannot be written. It means a bug in the lowering (resources are built to
/// be valid), so the message names the resource as precisely as possible.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EmitError {
    pub kind: &'static str,
    pub name: String,
    pub message: String,
}

impl EmitError {
    fn new(resource: &Resource, message: impl fmt::Display) -> EmitError {
        let meta = resource.metadata();
        let name = match &meta.namespace {
            Some(namespace) => format!("{namespace}/{}", meta.name),
            None => meta.name.clone(),
        };
        EmitError {
            kind: resource.kind(),
            name,
            message: message.to_string(),
        }
    }
}

impl fmt::Display for EmitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "cannot write {} `{}`: {}",
            self.kind, self.name, self.message
        )
    }
}

impl std::error::Error for EmitError {}

impl From<EmitError> for io::Error {
    fn from(error: EmitError) -> io::Error {
        io::Error::other(error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resources::{Object, ObjectMeta, RouteTableSpec, VirtualDestinationSpec};

    fn meta(namespace: &str, name: &str) -> ObjectMeta {
        ObjectMeta {
            name: name.to_owned(),
            namespace: Some(namespace.to_owned()),
            ..ObjectMeta::default()
        }
    }

    fn table(namespace: &str, name: &str) -> Resource {
        Object {
            metadata: meta(namespace, name),
            spec: RouteTableSpec::default(),
        }
        .into()
    }

    fn destination(namespace: &str, name: &str) -> Resource {
        Object {
            metadata: meta(namespace, name),
            spec: VirtualDestinationSpec::default(),
        }
        .into()
    }

    fn names(resources: &[&Resource]) -> Vec<String> {
        resources
            .iter()
            .map(|r| {
                format!(
                    "{}/{}/{}",
                    r.metadata().namespace.as_deref().unwrap_or("-"),
                    r.kind(),
                    r.metadata().name
                )
            })
            .collect()
    }

    #[test]
    fn sorts_by_namespace_kind_and_name() {
        let resources = [
            table("b", "x"),
            destination("a", "z"),
            table("a", "y"),
            table("a", "b"),
        ];
        let resources: Vec<&Resource> = resources.iter().collect();
        assert_eq!(
            names(&sorted(&resources)),
            [
                "a/RouteTable/b",
                "a/RouteTable/y",
                "a/VirtualDestination/z",
                "b/RouteTable/x"
            ]
        );
    }

    #[test]
    fn a_stream_is_the_files_joined() {
        let resources = [table("a", "one"), table("a", "two")];
        let resources: Vec<&Resource> = resources.iter().collect();
        let mut stream_bytes = Vec::new();
        let streamed = stream(&mut stream_bytes, &resources, Format::Yaml);
        assert!(streamed.is_ok());
        let files = files(&resources, Format::Yaml).unwrap_or_default();
        let joined: Vec<&[u8]> = files.iter().map(|f| f.contents.as_slice()).collect();
        assert_eq!(stream_bytes, joined.join(&b"---\n"[..]));
        assert_eq!(files[0].path, "a/routetable-one.yaml");
    }

    #[test]
    fn names_that_are_not_path_segments_are_refused() {
        for bad in ["..", "a/b", "", "-a", "A"] {
            let result = files(&[&table("ns", bad)], Format::Json);
            assert!(result.is_err(), "{bad:?}");
        }
        let duplicate = files(&[&table("ns", "a"), &table("ns", "a")], Format::Yaml);
        assert_eq!(
            duplicate.map_err(|e| e.to_string()),
            Err("cannot write RouteTable `ns/a`: another resource has the same file".to_owned())
        );
    }
}
