//! Test support: build a project database from files on disk or from strings, and render its
//! diagnostics as plain text (`file:line:col` positions, the source line, labels, help).

#![allow(dead_code)] // each test binary uses part of this module

use std::path::Path;

use route_lang::config::{Config, parse_config};
use route_lang::db::{Database, InventoryInput, Project, SourceFile, project_diagnostics};
use route_lang::diagnostic::Location;
use route_lang::inventory::parse_inventory;

pub struct TestProject {
    pub db: Database,
    pub project: Project,
}

pub const DEFAULT_CONFIG: &str = "[project]\nnamespace = \"bookinfo\"\n";

impl TestProject {
    /// Loads a case folder: its `*.route` files (sorted), its inventory or `default_inventory`,
    /// and its `route.toml` or a default one with namespace `bookinfo`.
    pub fn load(dir: &Path, default_inventory: &Path) -> TestProject {
        let (inventory, config) = case_inputs(dir, default_inventory);
        TestProject::new(&route_files(dir), &inventory, &config)
    }

    /// A project from `(path, text)` pairs, inventory YAML and route.toml text.
    pub fn new(files: &[(String, String)], inventory: &str, config: &str) -> TestProject {
        let db = Database::default();
        let config: Config = parse_config(config).expect("valid route.toml");
        let inventory = parse_inventory("inventory.yaml", inventory).expect("valid inventory");
        let sources: Vec<SourceFile> = files
            .iter()
            .map(|(path, text)| SourceFile::new(&db, path.clone(), text.clone()))
            .collect();
        let inventory = InventoryInput::new(&db, inventory);
        let project = Project::new(&db, sources, config, inventory);
        TestProject { db, project }
    }

    pub fn render_diagnostics(&self) -> String {
        let diagnostics = project_diagnostics(&self.db, self.project);
        if diagnostics.is_empty() {
            return "no diagnostics\n".to_owned();
        }
        let mut out = String::new();
        for d in &diagnostics {
            out.push_str(&format!(
                "{}[{}] {}: {}\n",
                d.severity.as_str(),
                d.code.as_str(),
                self.position(&d.primary),
                d.message
            ));
            out.push_str(&format!("    | {}\n", self.excerpt(&d.primary)));
            for label in &d.labels {
                out.push_str(&format!(
                    "  label {}: {}\n",
                    self.position(&label.location),
                    label.message
                ));
            }
            if let Some(help) = &d.help {
                out.push_str(&format!("  help: {help}\n"));
            }
            if let Some(fix) = &d.fix {
                out.push_str(&format!(
                    "  fix {}: `{}`\n",
                    self.position(&fix.location),
                    fix.replacement
                ));
            }
        }
        out
    }

    /// `path:line:col-line:col`, 1-based, columns in characters.
    pub fn position(&self, location: &Location) -> String {
        let text = location.file.text(&self.db);
        let (l1, c1) = line_col(text, location.range.start as usize);
        let (l2, c2) = line_col(text, location.range.end as usize);
        format!("{}:{l1}:{c1}-{l2}:{c2}", location.file.path(&self.db))
    }

    /// The source text of a location, on one line.
    fn excerpt(&self, location: &Location) -> String {
        let text = location.file.text(&self.db);
        let start = location.range.start as usize;
        let end = (location.range.end as usize).min(text.len());
        let snippet = text.get(start..end).unwrap_or("");
        let snippet: String = snippet.split_whitespace().collect::<Vec<_>>().join(" ");
        if snippet.chars().count() > 80 {
            format!("{}…", snippet.chars().take(80).collect::<String>())
        } else {
            snippet
        }
    }
}

pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// The inventory and `route.toml` texts of a case folder: its own `inventory.yaml` or
/// `default_inventory`, its own `route.toml` or [`DEFAULT_CONFIG`].
pub fn case_inputs(dir: &Path, default_inventory: &Path) -> (String, String) {
    let own = dir.join("inventory.yaml");
    let inventory_path = if own.exists() {
        own
    } else {
        default_inventory.to_path_buf()
    };
    let inventory = std::fs::read_to_string(&inventory_path).expect("inventory readable");
    let config = std::fs::read_to_string(dir.join("route.toml"))
        .unwrap_or_else(|_| DEFAULT_CONFIG.to_owned());
    (inventory, config)
}

/// Every `*.route` file below `dir`, as `(path relative to dir with '/', text)`, sorted by path.
pub fn route_files(dir: &Path) -> Vec<(String, String)> {
    let mut files = Vec::new();
    collect_route_files(dir, dir, &mut files);
    files.sort();
    files
}

fn collect_route_files(root: &Path, dir: &Path, out: &mut Vec<(String, String)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_route_files(root, &path, out);
        } else if path.extension().is_some_and(|e| e == "route") {
            let rel = path
                .strip_prefix(root)
                .unwrap_or(&path)
                .to_string_lossy()
                .replace('\\', "/");
            let text = std::fs::read_to_string(&path).expect("route file readable");
            out.push((rel, text));
        }
    }
}

/// Words, symbols and non-ASCII text of the language, to build broken inputs that get deep into
/// the parser and the IDE features (the property tests of both use it).
pub const VOCABULARY: &[&str] = &[
    "gateway",
    "destination",
    "policy",
    "routes",
    "test",
    "namespace",
    "route",
    "cluster",
    "workload",
    "listen",
    "host",
    "port",
    "select",
    "clusters",
    "apply",
    "hosts",
    "expose",
    "on",
    "to",
    "mesh",
    "workloads",
    "weight",
    "match",
    "redirect",
    "respond",
    "delegate",
    "rewrite",
    "path",
    "prefix",
    "exact",
    "regex",
    "header",
    "query",
    "method",
    "present",
    "and",
    "service",
    "destination",
    "in",
    "tls",
    "https",
    "code",
    "request",
    "expect",
    "no",
    "via",
    "attempts",
    "from",
    "allow",
    "service-account",
    "set",
    "remove",
    "response",
    "credentials",
    "x",
    "GET",
    "{",
    "}",
    "(",
    ")",
    ",",
    ".",
    ":",
    "=",
    "!=",
    "~",
    "->",
    "@",
    "9080",
    "10s",
    "1h30m",
    "12.5%",
    "5xx",
    "\"s\"",
    "\"\\q\"",
    "\"open",
    "99999999999999999999",
    "1.5s",
    "$",
    "#c\n",
    "##d\n",
    "\n",
    "\n\n",
    "retry",
    "mirror",
    "failover",
    "reviews",
    "bookinfo",
    "app",
    "cluster-1",
    "ingress",
    "chaos",
    "\"reviews\"",
    "é",
    "«x»",
];
