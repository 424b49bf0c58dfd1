//! Publishing diagnostics: one background task computes them on a snapshot after every change
//! and publishes what the client must see.
//!
//! One task, not one per change, so that publications never overtake each other: a newer
//! change cancels the running analysis (salsa unwinds it), and the task starts again on the
//! newer snapshot. What is published:
//! - every file whose diagnostics differ from what was last published for it — which is how
//!   an edit in file A updates file B;
//! - every open document whose version changed since its last publication, even with the
//!   same diagnostics, carrying the version (clients use it to drop stale results);
//! - every document a change "owes" a publication (opened, re-checked after an inventory
//!   change), even if nothing changed;
//! - an empty list for files that no longer have any (closed lone documents, deleted files).
//!
//! Owed and changed documents are published last in a batch, so a client that has seen the
//! edited document's diagnostics has seen the whole batch.

use std::collections::{BTreeMap, HashMap, HashSet};

use route_lang::db::file_diagnostics;
use tower_lsp_server::ls_types::{self as lsp, Uri};

use crate::convert;
use crate::state::Analysis;

/// The diagnostics of one file as computed by an analysis.
#[derive(Clone, Debug, PartialEq)]
pub struct FileDiagnostics {
    pub uri: Uri,
    /// The version of the document the diagnostics are for; `None` for a file not open.
    pub version: Option<i32>,
    pub diagnostics: Vec<lsp::Diagnostic>,
}

/// Computes the diagnostics of every file of every project. Unchanged files cost a lookup:
/// salsa keeps their diagnostics from the previous revision.
pub fn analyze(analysis: &Analysis) -> Vec<FileDiagnostics> {
    let db = &analysis.db;
    let uri_of = |file| analysis.layout.uris.get(&file).cloned();
    let mut out: BTreeMap<Uri, Vec<lsp::Diagnostic>> = BTreeMap::new();
    for owner in analysis.layout.owners.values() {
        let diagnostics = if owner.publish {
            file_diagnostics(db, owner.project, owner.file)
                .iter()
                .map(|diagnostic| convert::diagnostic(db, diagnostic, &uri_of))
                .collect()
        } else {
            Vec::new()
        };
        out.entry(owner.uri.clone())
            .or_default()
            .extend(diagnostics);
    }
    for (uri, error) in &analysis.layout.load_errors {
        out.entry(uri.clone())
            .or_default()
            .push(convert::load_error(error));
    }
    out.into_iter()
        .map(|(uri, diagnostics)| FileDiagnostics {
            version: analysis.versions.get(&uri).copied(),
            uri,
            diagnostics,
        })
        .collect()
}

/// What was last published for each URI, to publish only what changed.
#[derive(Default)]
pub struct Publisher {
    published: HashMap<Uri, (Option<i32>, Vec<lsp::Diagnostic>)>,
}

impl Publisher {
    /// The publications a new analysis calls for (see the module documentation), in order.
    pub fn publications(
        &mut self,
        analysis: Vec<FileDiagnostics>,
        owed: &HashSet<Uri>,
    ) -> Vec<FileDiagnostics> {
        let mut changed = Vec::new();
        let mut pending = Vec::new();
        let current: HashSet<Uri> = analysis.iter().map(|file| file.uri.clone()).collect();
        let mut cleared: Vec<FileDiagnostics> = self
            .published
            .iter()
            .filter(|(uri, (_, diagnostics))| !current.contains(uri) && !diagnostics.is_empty())
            .map(|(uri, _)| FileDiagnostics {
                uri: uri.clone(),
                version: None,
                diagnostics: Vec::new(),
            })
            .collect();
        cleared.sort_by(|a, b| a.uri.cmp(&b.uri));
        for file in analysis {
            let last = self.published.get(&file.uri);
            let new_version = file.version.is_some() && last.map(|(v, _)| *v) != Some(file.version);
            if owed.contains(&file.uri) || new_version {
                pending.push(file);
            } else if last.map_or(!file.diagnostics.is_empty(), |(_, d)| {
                *d != file.diagnostics
            }) {
                changed.push(file);
            }
        }
        let out: Vec<FileDiagnostics> = cleared.into_iter().chain(changed).chain(pending).collect();
        for file in &out {
            self.published
                .insert(file.uri.clone(), (file.version, file.diagnostics.clone()));
        }
        self.published
            .retain(|uri, (_, d)| current.contains(uri) || !d.is_empty());
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uri(name: &str) -> Uri {
        format!("file:///p/{name}").parse().expect("a valid URI")
    }

    fn file(name: &str, version: Option<i32>, messages: &[&str]) -> FileDiagnostics {
        FileDiagnostics {
            uri: uri(name),
            version,
            diagnostics: messages
                .iter()
                .map(|m| lsp::Diagnostic {
                    message: (*m).to_owned(),
                    ..lsp::Diagnostic::default()
                })
                .collect(),
        }
    }

    fn names(out: &[FileDiagnostics]) -> Vec<String> {
        out.iter()
            .map(|f| {
                format!(
                    "{}@{:?}:{}",
                    f.uri.as_str().trim_start_matches("file:///p/"),
                    f.version,
                    f.diagnostics.len()
                )
            })
            .collect()
    }

    #[test]
    fn publishes_changes_versions_and_owed_documents_last() {
        let mut publisher = Publisher::default();
        let owed = HashSet::from([uri("a.route")]);
        let first = publisher.publications(
            vec![
                file("a.route", Some(1), &[]),
                file("b.route", None, &["x"]),
                file("c.route", None, &[]),
            ],
            &owed,
        );
        assert_eq!(names(&first), ["b.route@None:1", "a.route@Some(1):0"]);

        // Nothing changed and nothing owed: nothing to say.
        let same = publisher.publications(
            vec![file("a.route", Some(1), &[]), file("b.route", None, &["x"])],
            &HashSet::new(),
        );
        assert!(same.is_empty());

        // A new version is published even with the same diagnostics; B lost its error.
        let edit = publisher.publications(
            vec![file("a.route", Some(2), &[]), file("b.route", None, &[])],
            &HashSet::new(),
        );
        assert_eq!(names(&edit), ["b.route@None:0", "a.route@Some(2):0"]);
    }

    #[test]
    fn files_that_disappear_are_cleared_once() {
        let mut publisher = Publisher::default();
        publisher.publications(vec![file("gone.route", Some(1), &["x"])], &HashSet::new());
        let out = publisher.publications(Vec::new(), &HashSet::new());
        assert_eq!(names(&out), ["gone.route@None:0"]);
        assert!(
            publisher
                .publications(Vec::new(), &HashSet::new())
                .is_empty()
        );
    }
}
