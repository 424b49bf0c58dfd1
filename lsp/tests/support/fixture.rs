//! Fixture files: a project, cursor markers and the steps of an editing session, in one
//! readable file (the format of Nickel's `nls` tests).
//!
//! ```text
//! #- /route.toml
//! [project]
//! namespace = "bookinfo"
//! #- /main.route
//! routes bookinfo {
//!   hosts "bookinfo.example.com"$1
//! }
//! #- steps
//! [[step]]
//! open = "main.route"
//! [[step]]
//! request = "hover"
//! at = "$1"
//! ```
//!
//! `#- /PATH` starts a file of the project (written to a fresh folder, the workspace folder of
//! the session); `#- steps` starts the steps, in TOML. `$0` to `$9` in a file mark positions
//! (they are removed from the text); markers move with the edits of later steps, as a cursor
//! does in an editor.
//!
//! Steps (one action key each):
//! - `open = FILE`: `didOpen` with the file's text; waits for its diagnostics.
//! - `change = FILE` with `find = OLD, text = NEW` (the first `OLD` becomes `NEW`) or
//!   `at = MARKER, text = NEW` (an insertion): one incremental `didChange`, in UTF-16
//!   positions; waits for the diagnostics of the new version.
//! - `write = FILE` with `find`/`text` or `content = TEXT`, and `delete = FILE`: change the
//!   file on disk and send `didChangeWatchedFiles`; waits for a new publication of every open
//!   document.
//! - `close = FILE`: `didClose`.
//! - `request = NAME` with `at = MARKER` (and `to = MARKER` for a range), `new_name`, `query`:
//!   one request, answer rendered for people (see [`Session::render`]).
//! - `show = "capabilities"`: the answer to `initialize`.
//!
//! The transcript lists each step and what came of it: the answer, or the diagnostics
//! published meanwhile (the latest per file). Positions are LSP's, 0-based `line:character`
//! in UTF-16 units, followed by the text they cover.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::path::PathBuf;

use serde_json::{Value, json};

use super::client::{Client, uri};

pub struct Fixture {
    /// Relative path and text (markers removed).
    pub files: Vec<(String, String)>,
    /// Marker name (`$1`) to file and byte offset.
    pub markers: BTreeMap<String, (String, usize)>,
    pub steps: Vec<toml::Table>,
}

impl Fixture {
    pub fn parse(text: &str) -> Fixture {
        let mut files: Vec<(String, String)> = Vec::new();
        let mut steps_text: Option<String> = None;
        for line in text.split_inclusive('\n') {
            if let Some(header) = line.trim_end().strip_prefix("#- ") {
                if header == "steps" {
                    steps_text = Some(String::new());
                } else {
                    let path = header.trim_start_matches('/').to_owned();
                    files.push((path, String::new()));
                }
            } else if let Some(steps) = &mut steps_text {
                steps.push_str(line);
            } else if let Some((_, file)) = files.last_mut() {
                file.push_str(line);
            }
        }
        let mut markers = BTreeMap::new();
        for (path, text) in &mut files {
            let mut clean = String::with_capacity(text.len());
            let mut chars = text.chars().peekable();
            while let Some(c) = chars.next() {
                if let Some(digit) = chars
                    .peek()
                    .copied()
                    .filter(|d| c == '$' && d.is_ascii_digit())
                {
                    chars.next();
                    markers.insert(format!("${digit}"), (path.clone(), clean.len()));
                } else {
                    clean.push(c);
                }
            }
            *text = clean;
        }
        let steps = steps_text
            .map(|steps| {
                let table: toml::Table = toml::from_str(&steps).expect("the steps are TOML");
                match table.get("step") {
                    Some(toml::Value::Array(steps)) => steps
                        .iter()
                        .filter_map(|step| step.as_table().cloned())
                        .collect(),
                    _ => Vec::new(),
                }
            })
            .unwrap_or_default();
        Fixture {
            files,
            markers,
            steps,
        }
    }
}

/// A running editing session over a fixture's project.
pub struct Session {
    pub root: PathBuf,
    pub client: Client,
    /// Open documents: version and text.
    open: BTreeMap<String, (i32, String)>,
    markers: BTreeMap<String, (String, usize)>,
    /// Publications already reported.
    seen: usize,
}

impl Session {
    /// Writes the fixture's files into a fresh folder and starts a server on it.
    pub fn start(name: &str, fixture: &Fixture) -> Session {
        let root = std::env::temp_dir().join(format!("route-lsp-{}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        for (path, text) in &fixture.files {
            let file = root.join(path);
            if let Some(folder) = file.parent() {
                fs::create_dir_all(folder).expect("a temporary folder");
            }
            fs::write(&file, text).expect("a temporary file");
        }
        fs::create_dir_all(&root).expect("a temporary folder");
        let root = fs::canonicalize(&root).expect("the folder exists");
        let client = Client::start(&root);
        Session {
            root,
            client,
            open: BTreeMap::new(),
            markers: fixture.markers.clone(),
            seen: 0,
        }
    }

    pub fn uri(&self, path: &str) -> String {
        uri(&self.root.join(path))
    }

    /// The current text of a file: the open document's, else the file on disk.
    pub fn text(&self, path: &str) -> String {
        match self.open.get(path) {
            Some((_, text)) => text.clone(),
            None => fs::read_to_string(self.root.join(path)).unwrap_or_default(),
        }
    }

    pub fn open(&mut self, path: &str) {
        let text = self.text(path);
        self.open.insert(path.to_owned(), (1, text.clone()));
        self.client.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": self.uri(path), "languageId": "route", "version": 1, "text": text } }),
        );
        self.wait_for_version(path);
    }

    /// Replaces bytes `start..end` of an open document with `new`, as one incremental change.
    /// With `wait`, waits for the diagnostics of the new version.
    pub fn edit(&mut self, path: &str, start: usize, end: usize, new: &str, wait: bool) {
        let uri = self.uri(path);
        let Some((version, text)) = self.open.get_mut(path) else {
            panic!("{path} is not open");
        };
        let range = json!({ "start": position(text, start), "end": position(text, end) });
        text.replace_range(start..end, new);
        *version += 1;
        let version = *version;
        for (file, offset) in self.markers.values_mut() {
            if file == path && *offset >= end {
                *offset = *offset + new.len() - (end - start);
            } else if file == path && *offset > start {
                *offset = start;
            }
        }
        self.client.notify(
            "textDocument/didChange",
            json!({
                "textDocument": { "uri": uri, "version": version },
                "contentChanges": [{ "range": range, "text": new }]
            }),
        );
        if wait {
            self.wait_for_version(path);
        }
    }

    /// Waits for the diagnostics of the current version of an open document.
    pub fn wait_for_version(&mut self, path: &str) {
        let uri = self.uri(path);
        let version = self.open.get(path).map(|(v, _)| *v);
        let from = self.seen;
        self.client
            .wait_for_diagnostics(&format!("diagnostics of {path}"), |received| {
                received.iter().skip(from).any(|p| {
                    p["uri"] == json!(uri) && p["version"].as_i64().map(|v| v as i32) == version
                })
            });
    }

    /// The diagnostics last published for a file, as the server sent them.
    pub fn last_diagnostics(&self, path: &str) -> Option<Value> {
        let uri = self.uri(path);
        self.client
            .diagnostics
            .iter()
            .rev()
            .find(|p| p["uri"] == json!(uri))
            .map(|p| p["diagnostics"].clone())
    }

    /// Runs every step and returns the transcript.
    pub fn run(&mut self, steps: &[toml::Table]) -> String {
        let mut out = String::new();
        for step in steps {
            let _ = writeln!(out, ">>> {}", inline(step));
            let answer = self.step(step);
            out.push_str(&answer);
            let published = self.published();
            out.push_str(&published);
            out.push('\n');
        }
        out
    }

    fn step(&mut self, step: &toml::Table) -> String {
        let string = |key: &str| {
            step.get(key)
                .and_then(toml::Value::as_str)
                .map(str::to_owned)
        };
        if let Some(path) = string("open") {
            self.open(&path);
        } else if let Some(path) = string("change") {
            let text = self.text(&path);
            let new = string("text").unwrap_or_default();
            let (start, end) = match (string("find"), string("at")) {
                (Some(find), _) => {
                    let start = text
                        .find(&find)
                        .unwrap_or_else(|| panic!("`{find}` is not in {path}"));
                    (start, start + find.len())
                }
                (None, Some(marker)) => {
                    let (_, offset) = self.marker(&marker);
                    (offset, offset)
                }
                (None, None) => panic!("a change needs `find` or `at`"),
            };
            self.edit(&path, start, end, &new, true);
        } else if let Some(path) = string("write") {
            let file = self.root.join(&path);
            let created = !file.exists();
            let text = match (string("content"), string("find")) {
                (Some(content), _) => content,
                (None, Some(find)) => {
                    let old = fs::read_to_string(&file).unwrap_or_default();
                    assert!(old.contains(&find), "`{find}` is not in {path}");
                    old.replacen(&find, &string("text").unwrap_or_default(), 1)
                }
                (None, None) => panic!("a write needs `content` or `find`"),
            };
            if let Some(folder) = file.parent() {
                fs::create_dir_all(folder).expect("a folder");
            }
            fs::write(&file, text).expect("a file");
            self.watched(&path, if created { 1 } else { 2 });
        } else if let Some(path) = string("delete") {
            fs::remove_file(self.root.join(&path)).expect("the file exists");
            self.watched(&path, 3);
        } else if let Some(path) = string("close") {
            self.open.remove(&path);
            self.client.notify(
                "textDocument/didClose",
                json!({ "textDocument": { "uri": self.uri(&path) } }),
            );
        } else if let Some(request) = string("request") {
            return self.request(&request, step);
        } else if string("show").as_deref() == Some("capabilities") {
            return format!(
                "{}\n",
                pretty(&self.client.initialize_result["capabilities"])
            );
        } else {
            panic!("unknown step {step:?}");
        }
        String::new()
    }

    /// Reports a change on disk and waits until every open document was published again.
    fn watched(&mut self, path: &str, kind: u8) {
        let uri = self.uri(path);
        self.client.notify(
            "workspace/didChangeWatchedFiles",
            json!({ "changes": [{ "uri": uri, "type": kind }] }),
        );
        let open: Vec<String> = self.open.keys().map(|p| self.uri(p)).collect();
        let from = self.seen;
        self.client
            .wait_for_diagnostics("diagnostics after a change on disk", |received| {
                open.iter()
                    .all(|uri| received.iter().skip(from).any(|p| p["uri"] == json!(uri)))
            });
    }

    fn marker(&self, name: &str) -> (String, usize) {
        self.markers
            .get(name)
            .cloned()
            .unwrap_or_else(|| panic!("no marker {name}"))
    }

    fn at(&self, step: &toml::Table) -> (String, Value) {
        let marker = step
            .get("at")
            .and_then(toml::Value::as_str)
            .expect("the request needs `at`");
        let (path, offset) = self.marker(marker);
        let position = position(&self.text(&path), offset);
        (path, position)
    }

    fn request(&mut self, name: &str, step: &toml::Table) -> String {
        let text_document = |s: &Self, path: &str| json!({ "uri": s.uri(path) });
        let (method, params) = match name {
            "hover" | "completion" | "definition" | "references" | "prepareRename" | "rename" => {
                let (path, position) = self.at(step);
                let mut params =
                    json!({ "textDocument": text_document(self, &path), "position": position });
                match name {
                    "references" => params["context"] = json!({ "includeDeclaration": true }),
                    "rename" => {
                        params["newName"] =
                            json!(step.get("new_name").and_then(toml::Value::as_str))
                    }
                    _ => {}
                }
                (format!("textDocument/{name}"), params)
            }
            "codeAction" => {
                let (path, start) = self.at(step);
                let end = match step.get("to").and_then(toml::Value::as_str) {
                    Some(marker) => {
                        let (_, offset) = self.marker(marker);
                        position(&self.text(&path), offset)
                    }
                    None => start.clone(),
                };
                let uri = self.uri(&path);
                let context = self.last_diagnostics(&path).unwrap_or_else(|| json!([]));
                (
                    "textDocument/codeAction".to_owned(),
                    json!({
                        "textDocument": { "uri": uri },
                        "range": { "start": start, "end": end },
                        "context": { "diagnostics": context }
                    }),
                )
            }
            "documentSymbol" | "semanticTokens" | "foldingRange" | "formatting" | "inlayHint" => {
                let path = step
                    .get("file")
                    .and_then(toml::Value::as_str)
                    .expect("the request needs `file`")
                    .to_owned();
                let text = self.text(&path);
                let mut params = json!({ "textDocument": text_document(self, &path) });
                let method = match name {
                    "semanticTokens" => "textDocument/semanticTokens/full".to_owned(),
                    "formatting" => {
                        params["options"] = json!({ "tabSize": 2, "insertSpaces": true });
                        "textDocument/formatting".to_owned()
                    }
                    "inlayHint" => {
                        params["range"] = json!({ "start": position(&text, 0), "end": position(&text, text.len()) });
                        "textDocument/inlayHint".to_owned()
                    }
                    _ => format!("textDocument/{name}"),
                };
                (method, params)
            }
            "workspaceSymbol" => (
                "workspace/symbol".to_owned(),
                json!({ "query": step.get("query").and_then(toml::Value::as_str).unwrap_or_default() }),
            ),
            "showCompiled" => {
                let path = step
                    .get("file")
                    .and_then(toml::Value::as_str)
                    .expect("`file`");
                (
                    "workspace/executeCommand".to_owned(),
                    json!({ "command": "routec.showCompiled", "arguments": [{ "uri": self.uri(path) }] }),
                )
            }
            other => panic!("unknown request {other}"),
        };
        let answer = self.client.request(&method, params.clone());
        match answer {
            Err(error) => format!(
                "error {}: {}\n",
                error["code"],
                error["message"].as_str().unwrap_or_default()
            ),
            Ok(Value::Null) => "null\n".to_owned(),
            Ok(result) => self.render(name, &params, &result),
        }
    }

    /// An answer for people: ranges with the text they cover, kinds by name.
    fn render(&self, name: &str, params: &Value, result: &Value) -> String {
        let mut out = String::new();
        match name {
            "hover" => {
                if let Some(range) = result.get("range") {
                    let _ = writeln!(out, "range {}", self.range(params_uri(params), range));
                }
                let _ = writeln!(
                    out,
                    "{}",
                    result["contents"]["value"].as_str().unwrap_or_default()
                );
            }
            "completion" => {
                let items = result["items"].as_array().cloned().unwrap_or_default();
                let _ = writeln!(out, "incomplete: {}", result["isIncomplete"]);
                if let Some(first) = items.first() {
                    let _ = writeln!(
                        out,
                        "replaces {}",
                        self.range(params_uri(params), &first["textEdit"]["range"])
                    );
                }
                for item in &items {
                    let insert = item["textEdit"]["newText"].as_str().unwrap_or_default();
                    let label = item["label"].as_str().unwrap_or_default();
                    let mut line = format!("{} [{}]", label, completion_kind(&item["kind"]));
                    if insert != label {
                        let _ = write!(line, " inserts {insert:?}");
                    }
                    if let Some(detail) = item["detail"].as_str() {
                        let _ = write!(line, " — {detail}");
                    }
                    let _ = writeln!(out, "{line}");
                }
            }
            "definition" => {
                for link in result.as_array().cloned().unwrap_or_default() {
                    let _ = writeln!(
                        out,
                        "{} {} (whole: {})",
                        self.relative(&link["targetUri"]),
                        self.range(&link["targetUri"], &link["targetSelectionRange"]),
                        self.range(&link["targetUri"], &link["targetRange"])
                            .lines()
                            .next()
                            .unwrap_or_default(),
                    );
                }
            }
            "references" => {
                for location in result.as_array().cloned().unwrap_or_default() {
                    let _ = writeln!(
                        out,
                        "{} {}",
                        self.relative(&location["uri"]),
                        self.range(&location["uri"], &location["range"])
                    );
                }
            }
            "prepareRename" => {
                let _ = writeln!(out, "{}", self.range(params_uri(params), result));
            }
            "rename" => out.push_str(&self.workspace_edit(result)),
            "documentSymbol" => {
                for symbol in result.as_array().cloned().unwrap_or_default() {
                    self.symbol_tree(params_uri(params), &symbol, 0, &mut out);
                }
            }
            "workspaceSymbol" => {
                for symbol in result.as_array().cloned().unwrap_or_default() {
                    let location = &symbol["location"];
                    let container = symbol["containerName"]
                        .as_str()
                        .map(|c| format!(" in {c}"))
                        .unwrap_or_default();
                    let _ = writeln!(
                        out,
                        "{} [{}]{container} {} {}",
                        symbol["name"].as_str().unwrap_or_default(),
                        symbol_kind(&symbol["kind"]),
                        self.relative(&location["uri"]),
                        self.range(&location["uri"], &location["range"]),
                    );
                }
            }
            "semanticTokens" => out.push_str(&self.semantic_tokens(params_uri(params), result)),
            "foldingRange" => {
                for fold in result.as_array().cloned().unwrap_or_default() {
                    let kind = fold["kind"].as_str().unwrap_or("code");
                    let _ = writeln!(
                        out,
                        "lines {}-{} {kind}",
                        fold["startLine"], fold["endLine"]
                    );
                }
            }
            "codeAction" => {
                for action in result.as_array().cloned().unwrap_or_default() {
                    let fixes: Vec<String> = action["diagnostics"]
                        .as_array()
                        .map(|d| {
                            d.iter()
                                .map(|d| d["code"].as_str().unwrap_or_default().to_owned())
                                .collect()
                        })
                        .unwrap_or_default();
                    let _ = writeln!(
                        out,
                        "{} ({}, preferred: {}, fixes: [{}])",
                        action["title"].as_str().unwrap_or_default(),
                        action["kind"].as_str().unwrap_or_default(),
                        action["isPreferred"],
                        fixes.join(", ")
                    );
                    out.push_str(&self.workspace_edit(&action["edit"]));
                }
            }
            "inlayHint" => {
                for hint in result.as_array().cloned().unwrap_or_default() {
                    let padding = if hint["paddingLeft"] == json!(true) {
                        " "
                    } else {
                        ""
                    };
                    let _ = writeln!(
                        out,
                        "{}:{} {padding}{}",
                        hint["position"]["line"],
                        hint["position"]["character"],
                        hint["label"].as_str().unwrap_or_default()
                    );
                }
            }
            "formatting" => {
                let mut text = self.text(&self.relative(params_uri(params)));
                let edits = result.as_array().cloned().unwrap_or_default();
                if edits.is_empty() {
                    out.push_str("no edits\n");
                }
                for edit in edits.iter().rev() {
                    let start = offset(&text, &edit["range"]["start"]);
                    let end = offset(&text, &edit["range"]["end"]);
                    text.replace_range(start..end, edit["newText"].as_str().unwrap_or_default());
                }
                if !edits.is_empty() {
                    out.push_str(&text);
                }
            }
            "showCompiled" => out.push_str(result.as_str().unwrap_or("(not a string)")),
            _ => out.push_str(&pretty(result)),
        }
        out
    }

    /// The diagnostics published since the last call, the latest per file, by path.
    fn published(&mut self) -> String {
        let mut latest: BTreeMap<String, Value> = BTreeMap::new();
        for publication in self.client.diagnostics.iter().skip(self.seen) {
            latest.insert(self.relative(&publication["uri"]), publication.clone());
        }
        self.seen = self.client.diagnostics.len();
        let mut out = String::new();
        for (path, publication) in latest {
            let version = match publication["version"].as_i64() {
                Some(version) => format!(" (version {version})"),
                None => String::new(),
            };
            let diagnostics = publication["diagnostics"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "diagnostics {path}{version}:{}",
                if diagnostics.is_empty() { " none" } else { "" }
            );
            for diagnostic in &diagnostics {
                let severity = match diagnostic["severity"].as_i64() {
                    Some(1) => "error",
                    Some(2) => "warning",
                    _ => "other",
                };
                let code = diagnostic["code"].as_str().unwrap_or("-");
                let mut message = diagnostic["message"].as_str().unwrap_or_default().lines();
                let _ = writeln!(
                    out,
                    "  {} {severity} {code}: {}",
                    self.range(&publication["uri"], &diagnostic["range"]),
                    message.next().unwrap_or_default()
                );
                for line in message {
                    let _ = writeln!(out, "    {line}");
                }
                for related in diagnostic["relatedInformation"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default()
                {
                    let location = &related["location"];
                    let _ = writeln!(
                        out,
                        "    related {} {}: {}",
                        self.relative(&location["uri"]),
                        self.range(&location["uri"], &location["range"]),
                        related["message"].as_str().unwrap_or_default()
                    );
                }
                if let Some(tags) = diagnostic.get("tags") {
                    let _ = writeln!(out, "    tags {tags}");
                }
            }
        }
        out
    }

    fn workspace_edit(&self, edit: &Value) -> String {
        let mut out = String::new();
        let changes = edit["changes"].as_object().cloned().unwrap_or_default();
        let mut files: Vec<(String, Value)> = changes.into_iter().collect();
        files.sort_by(|a, b| a.0.cmp(&b.0));
        for (uri, edits) in files {
            let uri = Value::String(uri);
            for edit in edits.as_array().cloned().unwrap_or_default() {
                let _ = writeln!(
                    out,
                    "  {} {} -> {:?}",
                    self.relative(&uri),
                    self.range(&uri, &edit["range"]),
                    edit["newText"].as_str().unwrap_or_default()
                );
            }
        }
        out
    }

    fn symbol_tree(&self, uri: &Value, symbol: &Value, depth: usize, out: &mut String) {
        let detail = symbol["detail"]
            .as_str()
            .map(|d| format!(" — {d}"))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "{}{} [{}]{detail} {}",
            "  ".repeat(depth),
            symbol["name"].as_str().unwrap_or_default(),
            symbol_kind(&symbol["kind"]),
            self.range(uri, &symbol["selectionRange"]),
        );
        for child in symbol["children"].as_array().cloned().unwrap_or_default() {
            self.symbol_tree(uri, &child, depth + 1, out);
        }
    }

    fn semantic_tokens(&self, uri: &Value, result: &Value) -> String {
        let legend =
            &self.client.initialize_result["capabilities"]["semanticTokensProvider"]["legend"];
        let types = legend["tokenTypes"].as_array().cloned().unwrap_or_default();
        let modifiers = legend["tokenModifiers"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let data: Vec<u64> = result["data"]
            .as_array()
            .map(|d| d.iter().filter_map(Value::as_u64).collect())
            .unwrap_or_default();
        let text = self.text(&self.relative(uri));
        let mut out = String::new();
        let (mut line, mut start) = (0, 0);
        for token in data.chunks(5) {
            let &[delta_line, delta_start, length, kind, bits] = token else {
                break;
            };
            if delta_line > 0 {
                start = 0;
            }
            line += delta_line;
            start += delta_start;
            let kind = types
                .get(kind as usize)
                .and_then(Value::as_str)
                .unwrap_or("?");
            let names: Vec<&str> = (0..modifiers.len())
                .filter(|bit| bits & (1 << bit) != 0)
                .filter_map(|bit| modifiers[bit].as_str())
                .collect();
            let from = offset(&text, &json!({ "line": line, "character": start }));
            let to = offset(&text, &json!({ "line": line, "character": start + length }));
            let _ = writeln!(
                out,
                "{line}:{start} {kind}{} {:?}",
                if names.is_empty() {
                    String::new()
                } else {
                    format!(" +{}", names.join("+"))
                },
                text.get(from..to).unwrap_or_default()
            );
        }
        out
    }

    /// A file's path relative to the workspace folder, from its URI.
    pub fn relative(&self, file: &Value) -> String {
        let root = format!("{}/", uri(&self.root));
        let file = file.as_str().unwrap_or_default();
        file.strip_prefix(&root).unwrap_or(file).to_owned()
    }

    /// `line:character-line:character "text"`.
    fn range(&self, uri: &Value, range: &Value) -> String {
        let text = self.text(&self.relative(uri));
        let start = offset(&text, &range["start"]);
        let end = offset(&text, &range["end"]);
        let covered = text.get(start..end.max(start)).unwrap_or_default();
        let covered = if covered.contains('\n') {
            format!("{:?}…", covered.lines().next().unwrap_or_default())
        } else {
            format!("{covered:?}")
        };
        format!(
            "{}:{}-{}:{} {covered}",
            range["start"]["line"],
            range["start"]["character"],
            range["end"]["line"],
            range["end"]["character"]
        )
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.root);
    }
}

fn params_uri(params: &Value) -> &Value {
    &params["textDocument"]["uri"]
}

/// The LSP position of a byte offset: 0-based line and UTF-16 column. Written here again,
/// independently of the server's conversion, so that the tests check it.
pub fn position(text: &str, offset: usize) -> Value {
    let before = &text[..offset];
    let line = before.matches('\n').count();
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let character: usize = before[line_start..].chars().map(char::len_utf16).sum();
    json!({ "line": line, "character": character })
}

/// The byte offset of an LSP position in `text`.
pub fn offset(text: &str, position: &Value) -> usize {
    let line = position["line"].as_u64().unwrap_or(0) as usize;
    let character = position["character"].as_u64().unwrap_or(0) as usize;
    let mut start = 0;
    for _ in 0..line {
        match text[start..].find('\n') {
            Some(i) => start += i + 1,
            None => return text.len(),
        }
    }
    let mut units = 0;
    for (i, c) in text[start..].char_indices() {
        if units >= character || c == '\n' {
            return start + i;
        }
        units += c.len_utf16();
    }
    text.len()
}

fn inline(step: &toml::Table) -> String {
    step.iter()
        .map(|(key, value)| format!("{key} = {value}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn pretty(value: &Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_default()
}

/// The name of an LSP enumeration value: the protocol numbers them from 1.
fn enum_name(kind: &Value, names: &[&'static str]) -> &'static str {
    kind.as_u64()
        .and_then(|k| names.get((k as usize).wrapping_sub(1)))
        .copied()
        .unwrap_or("?")
}

fn completion_kind(kind: &Value) -> &'static str {
    const NAMES: [&str; 25] = [
        "text",
        "method",
        "function",
        "constructor",
        "field",
        "variable",
        "class",
        "interface",
        "module",
        "property",
        "unit",
        "value",
        "enum",
        "keyword",
        "snippet",
        "color",
        "file",
        "reference",
        "folder",
        "enum member",
        "constant",
        "struct",
        "event",
        "operator",
        "type parameter",
    ];
    enum_name(kind, &NAMES)
}

fn symbol_kind(kind: &Value) -> &'static str {
    const NAMES: [&str; 26] = [
        "file",
        "module",
        "namespace",
        "package",
        "class",
        "method",
        "property",
        "field",
        "constructor",
        "enum",
        "interface",
        "function",
        "variable",
        "constant",
        "string",
        "number",
        "boolean",
        "array",
        "object",
        "key",
        "null",
        "enum member",
        "struct",
        "event",
        "operator",
        "type parameter",
    ];
    enum_name(kind, &NAMES)
}
