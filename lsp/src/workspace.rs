//! Where the projects of a workspace are, and how the client's URIs name files on disk.
//!
//! Reading a project is `routec::project`'s job (the same code as `routec check`); this module
//! only decides which project roots to read: for each workspace folder, the nearest folder
//! holding `route.toml` at or above it and every folder below it holding one — or, when there
//! is no `route.toml` anywhere, the folder itself, which is then checked as `routec check
//! FOLDER` would check it. Files outside all of these are checked when they are opened, as
//! `routec check FILE` would check them.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use routec::project::{self, PROJECT_FILE, SKIPPED_FOLDERS};
use tower_lsp_server::ls_types::Uri;

/// The project roots of the workspace folders (see the module documentation).
pub fn discover(folders: &[PathBuf]) -> BTreeSet<PathBuf> {
    let mut roots = BTreeSet::new();
    for folder in folders {
        let mut found = Vec::new();
        if let Some(root) = project::find_project_file(folder)
            .as_deref()
            .and_then(Path::parent)
        {
            found.push(root.to_path_buf());
        }
        collect_roots(folder, &mut found);
        if found.is_empty() {
            found.push(folder.clone());
        }
        roots.extend(found);
    }
    roots
}

/// Every folder below `folder` holding `route.toml`, skipping what the source search skips.
fn collect_roots(folder: &Path, found: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(folder) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        // `file_type` does not follow symbolic links, so a link to a folder cannot loop.
        let is_dir = entry.file_type().is_ok_and(|kind| kind.is_dir());
        if !is_dir || name.starts_with('.') || SKIPPED_FOLDERS.contains(&name.as_ref()) {
            continue;
        }
        let path = entry.path();
        if path.join(PROJECT_FILE).is_file() {
            found.push(path.clone());
        }
        collect_roots(&path, found);
    }
}

/// The path a `file:` URI names, in the canonical form project loading uses (it canonicalizes
/// roots), so that the client's paths and the project's compare equal even through symbolic
/// links. A file that does not exist (deleted, not saved yet) keeps its name under its
/// canonical folder.
pub fn file_path(uri: &Uri) -> Option<PathBuf> {
    if !uri.scheme().as_str().eq_ignore_ascii_case("file") {
        return None;
    }
    let path = uri.to_file_path()?;
    Some(canonical(&path))
}

/// `path` with symbolic links and `..` resolved as far as it exists.
pub fn canonical(path: &Path) -> PathBuf {
    if let Ok(path) = fs::canonicalize(path) {
        return path;
    }
    match (path.parent(), path.file_name()) {
        (Some(parent), Some(name)) => canonical(parent).join(name),
        _ => path.to_path_buf(),
    }
}

/// The URI of a file on disk.
pub fn file_uri(path: &Path) -> Option<Uri> {
    Uri::from_file_path(path)
}
