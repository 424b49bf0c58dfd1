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
//!   written by `emit/yaml.rs`, which is several times faster.
//! - JSON: a file is one pretty-printed object; a stream is one `v1` `List` of them, the shape
//!   `kubectl get -o json` prints and `kubectl apply -f -` reads.
//!
//! Each resource is written on its own into a [`Document`] and a stream only joins them, so a
//! build can write its items on every core and keep just their text (see `crate::prime`).

mod yaml;

use std::cell::RefCell;
use std::collections::HashSet;
use std::fmt;
use std::io::{self, Write};

use bytes::{BufMut, Bytes, BytesMut};
use compact_str::CompactString;

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

/// One resource written in a format, with what orders it in the output and names its file.
///
/// A build keeps documents rather than resources: the text is several times smaller, and each
/// item can be lowered, written and dropped on any core (see `crate::prime`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Document {
    pub namespace: Option<CompactString>,
    pub kind: &'static str,
    pub name: CompactString,
    /// A YAML document, or a pretty-printed JSON object; either ends with a newline. It shares
    /// its buffer with the documents its thread wrote before and after it.
    pub contents: Bytes,
}

impl Document {
    /// [`Resource::output_key`] of the resource written.
    fn key(&self) -> (Option<&str>, &'static str, &str) {
        (self.namespace.as_deref(), self.kind, &self.name)
    }
}

/// Writes one resource.
///
/// Each thread writes its documents one after the other into a buffer of 1 MB (`BUFFER`),
/// and each document takes its part of it without a copy; a thread starts a new buffer when
/// less than `ROOM` is left in its own. A build writes all of its output this way: a copy
/// of each document out of a reused buffer was a copy of the whole output and an allocation
/// per document (3% of a build's instructions). A buffer is freed with the last document in
/// it; a thread keeps the one it writes in.
pub fn document(resource: &Resource, format: Format) -> Result<Document, EmitError> {
    thread_local! {
        static TEXT: RefCell<BytesMut> = RefCell::new(BytesMut::new());
    }
    let contents = TEXT.with_borrow_mut(|text| {
        if text.capacity() - text.len() < ROOM {
            *text = BytesMut::with_capacity(BUFFER);
        }
        let written = match format {
            Format::Yaml => yaml::append(text, resource).map_err(|e| EmitError::new(resource, e)),
            Format::Json => serde_json::to_writer_pretty((&mut *text).writer(), resource)
                .map(|()| text.put_u8(b'\n'))
                .map_err(|e| EmitError::new(resource, e)),
        };
        match written {
            Ok(()) => Ok(text.split().freeze()),
            Err(error) => {
                text.clear();
                Err(error)
            }
        }
    })?;
    let meta = resource.metadata();
    Ok(Document {
        namespace: meta.namespace.clone(),
        kind: resource.kind(),
        name: meta.name.clone(),
        contents,
    })
}

/// The size of a thread's buffer of documents: a 10k-route build writes 4.9 MB of YAML.
const BUFFER: usize = 1 << 20;

/// The room below which a thread starts a new buffer rather than write a document into what
/// is left of its own: more than most documents take (a route table of 92 routes takes 40 KB),
/// so that few outgrow the buffer, which copies the part of the document already written.
const ROOM: usize = 64 << 10;

/// Writes every resource, in output order.
pub fn documents(resources: &[&Resource], format: Format) -> Result<Vec<Document>, EmitError> {
    let mut documents = resources
        .iter()
        .map(|resource| document(resource, format))
        .collect::<Result<Vec<_>, _>>()?;
    sort(&mut documents);
    Ok(documents)
}

/// Puts documents in output order ([`Resource::output_key`]), whatever order they were
/// written in. A stable sort, which merges runs already in order in one pass (see
/// `crate::prime::documents`).
pub fn sort(documents: &mut [Document]) {
    documents.sort_by(|a, b| a.key().cmp(&b.key()));
}

/// Writes every resource as one stream: YAML documents joined with `---\n`, or one JSON
/// `List` object followed by a newline.
pub fn stream(out: &mut impl Write, resources: &[&Resource], format: Format) -> io::Result<()> {
    write_stream(out, &documents(resources, format)?, format)
}

/// Writes documents (in output order, see [`sort`]) as one stream, as [`stream`] does.
pub fn write_stream(
    out: &mut impl Write,
    documents: &[Document],
    format: Format,
) -> io::Result<()> {
    match format {
        Format::Yaml => {
            for (i, document) in documents.iter().enumerate() {
                if i > 0 {
                    out.write_all(b"---\n")?;
                }
                out.write_all(&document.contents)?;
            }
            Ok(())
        }
        Format::Json => write_json_list(out, documents),
    }
}

/// What `kubectl get -o json` prints for several objects, byte for byte as `serde_json` prints
/// a `{"apiVersion": "v1", "kind": "List", "items": [...]}` value: each document one level
/// deeper. A pretty-printed JSON document has a newline only between its tokens (a newline in
/// a string is `\n`), so indenting its lines indents the document.
fn write_json_list(out: &mut impl Write, documents: &[Document]) -> io::Result<()> {
    out.write_all(b"{\n  \"apiVersion\": \"v1\",\n  \"kind\": \"List\",\n  \"items\": [")?;
    for (i, document) in documents.iter().enumerate() {
        out.write_all(if i == 0 { b"\n    " } else { b",\n    " })?;
        let object = document
            .contents
            .strip_suffix(b"\n")
            .unwrap_or(&document.contents);
        for (j, line) in object.split(|&byte| byte == b'\n').enumerate() {
            if j > 0 {
                out.write_all(b"\n    ")?;
            }
            out.write_all(line)?;
        }
    }
    if !documents.is_empty() {
        out.write_all(b"\n  ")?;
    }
    out.write_all(b"]\n}\n")
}

/// One file of an output folder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutputFile {
    /// Relative to the output folder, with `/`: `<namespace>/<kind>-<name>.<extension>`, the
    /// kind in lower case (`bookinfo/routetable-bookinfo.yaml`).
    pub path: String,
    pub contents: Bytes,
}

/// One file per resource, in output order.
pub fn files(resources: &[&Resource], format: Format) -> Result<Vec<OutputFile>, EmitError> {
    into_files(documents(resources, format)?, format)
}

/// One file per document (in output order, see [`sort`]), as [`files`] makes them.
pub fn into_files(documents: Vec<Document>, format: Format) -> Result<Vec<OutputFile>, EmitError> {
    let mut paths = HashSet::with_capacity(documents.len());
    let mut files = Vec::with_capacity(documents.len());
    for document in documents {
        let path = file_path(&document, format)?;
        // Names are unique per kind and namespace; if the lowering ever broke that, one file
        // would silently replace another.
        if !paths.insert(path.clone()) {
            return Err(EmitError::of(
                &document,
                "another resource has the same file",
            ));
        }
        files.push(OutputFile {
            path,
            contents: document.contents,
        });
    }
    Ok(files)
}

/// `<namespace>/<kind>-<name>.<extension>`. Namespaces and names become path segments, so
/// they must be Kubernetes names: anything else (`..`, `/`) could point outside the folder.
fn file_path(document: &Document, format: Format) -> Result<String, EmitError> {
    let namespace = document
        .namespace
        .as_deref()
        .ok_or_else(|| EmitError::of(document, "it has no namespace"))?;
    for (what, value) in [("namespace", namespace), ("name", document.name.as_str())] {
        if !is_kubernetes_name(value) {
            return Err(EmitError::of(
                document,
                format!("its {what} `{value}` is not a valid Kubernetes name"),
            ));
        }
    }
    Ok(format!(
        "{namespace}/{}-{}.{}",
        document.kind.to_ascii_lowercase(),
        document.name,
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
        let (namespace, kind, name) = resource.output_key();
        EmitError::named(namespace, kind, name, message)
    }

    fn of(document: &Document, message: impl fmt::Display) -> EmitError {
        let (namespace, kind, name) = document.key();
        EmitError::named(namespace, kind, name, message)
    }

    fn named(
        namespace: Option<&str>,
        kind: &'static str,
        name: &str,
        message: impl fmt::Display,
    ) -> EmitError {
        let name = match namespace {
            Some(namespace) => format!("{namespace}/{name}"),
            None => name.to_owned(),
        };
        EmitError {
            kind,
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
            name: name.into(),
            namespace: Some(namespace.into()),
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

    /// A table with `hosts` hosts: about 30 bytes of YAML each.
    fn table_with_hosts(name: &str, hosts: usize) -> Resource {
        Object {
            metadata: meta("ns", name),
            spec: RouteTableSpec {
                hosts: (0..hosts)
                    .map(|i| format!("h{i}.{name}.example.com").into())
                    .collect(),
                ..RouteTableSpec::default()
            },
        }
        .into()
    }

    /// A thread's documents share its buffers: each is whole and alone, across several buffers,
    /// for a document larger than a buffer, and in either format.
    #[test]
    fn each_document_is_whole_whatever_buffer_it_shares() {
        let resources: Vec<Resource> = (0..1500)
            .map(|i| table_with_hosts(&format!("a{i}"), 30))
            .chain([table_with_hosts("large", BUFFER / 20)])
            .chain((0..100).map(|i| table_with_hosts(&format!("b{i}"), 1)))
            .collect();
        let yaml: usize = resources
            .iter()
            .map(|resource| {
                let document = document(resource, Format::Yaml).expect("written");
                let expected = serde_saphyr::to_string(resource).expect("serde-saphyr writes it");
                assert_eq!(document.contents, expected.as_bytes(), "{}", document.name);
                document.contents.len()
            })
            .sum();
        assert!(yaml > 2 * BUFFER, "the documents fill {yaml} bytes");
        for resource in &resources[1490..1510] {
            let document = document(resource, Format::Json).expect("written");
            let mut expected = serde_json::to_vec_pretty(resource).expect("serde_json writes it");
            expected.push(b'\n');
            assert_eq!(document.contents, expected, "{}", document.name);
        }
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
        let documents = documents(&resources, Format::Yaml).unwrap_or_default();
        let names: Vec<String> = documents
            .iter()
            .map(|d| {
                format!(
                    "{}/{}/{}",
                    d.namespace.as_deref().unwrap_or("-"),
                    d.kind,
                    d.name
                )
            })
            .collect();
        assert_eq!(
            names,
            [
                "a/RouteTable/b",
                "a/RouteTable/y",
                "a/VirtualDestination/z",
                "b/RouteTable/x"
            ]
        );
    }

    /// The JSON stream is assembled from the documents' text; it must be what `serde_json`
    /// prints for the `List` value itself.
    #[test]
    fn a_json_stream_is_the_list_serde_json_prints() {
        #[derive(serde::Serialize)]
        #[serde(rename_all = "camelCase")]
        struct List<'a> {
            api_version: &'static str,
            kind: &'static str,
            items: &'a [&'a Resource],
        }
        let mut hosts = table("a", "one");
        if let Resource::RouteTable(object) = &mut hosts {
            object.spec.hosts = vec!["a.example.com".into(), "line\nbreak \"quoted\"".into()];
        }
        let owned = [hosts, destination("b", "three"), table("a", "two")];
        for count in 0..=owned.len() {
            let resources: Vec<&Resource> = owned[..count].iter().collect();
            let mut streamed = Vec::new();
            assert!(stream(&mut streamed, &resources, Format::Json).is_ok());
            let mut in_order = resources.clone();
            in_order.sort_by(|a, b| a.output_key().cmp(&b.output_key()));
            let list = List {
                api_version: "v1",
                kind: "List",
                items: &in_order,
            };
            let mut expected = serde_json::to_vec_pretty(&list).unwrap_or_default();
            expected.push(b'\n');
            assert_eq!(
                String::from_utf8_lossy(&streamed),
                String::from_utf8_lossy(&expected),
                "{count} resources"
            );
        }
    }

    #[test]
    fn a_stream_is_the_files_joined() {
        let resources = [table("a", "one"), table("a", "two")];
        let resources: Vec<&Resource> = resources.iter().collect();
        let mut stream_bytes = Vec::new();
        let streamed = stream(&mut stream_bytes, &resources, Format::Yaml);
        assert!(streamed.is_ok());
        let files = files(&resources, Format::Yaml).unwrap_or_default();
        let joined: Vec<&[u8]> = files.iter().map(|f| &f.contents[..]).collect();
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
