//! Loading a project from disk: the one place in routec that reads project files.
//!
//! [`load`] turns the `PATH` a user gives on the command line into a [`LoadedProject`]: a
//! salsa [`Database`] holding every source file, the configuration and the inventory, ready for
//! `check` and `build` to query. [`read`] does the same without the database, for the language
//! server, which keeps every project of a workspace in one database. [`find_sources`] is the
//! first half of both — where the project is and which files it has — for commands that need
//! no inventory (`fmt`).
//!
//! How `PATH` is understood:
//! - a folder: the project root is the nearest folder holding `route.toml`, walking up from
//!   `PATH` (so `routec check` works from any subfolder of a project);
//! - a file: the project is found the same way from the file's folder; the whole project is
//!   loaded (names are global, so the file cannot be checked without its neighbours) and the
//!   file becomes the [`LoadedProject::focus`], whose diagnostics are the only ones reported;
//! - no `route.toml` anywhere above: the folder (or the single file alone) is checked with the
//!   default configuration — namespace `default` — and with `inventory.yaml` from that folder
//!   if there is one, else an empty inventory. [`LoadedProject::notes`] says so, because every
//!   service reference is then an error and the user needs to know why.
//!
//! The source files of a project are every `*.route` file below its root, except in hidden
//! folders, `target/`, `node_modules/` and the build output folder; symbolic links to folders
//! are not followed (they could loop). Files are sorted by path, and their paths are relative
//! to the root with `/` separators whatever the platform, so diagnostics read the same
//! everywhere.
//!
//! Inventory files are parsed through the project's [`crate::inventory_cache`] (the one thing
//! loading writes, into `.routec_cache/` of a project with `route.toml`), unless
//! [`LoadOptions::no_cache`] says not to.
//!
//! Errors that make the project impossible to check (a missing `PATH`, a bad `route.toml`, an
//! unreadable inventory, a single file given that cannot be read) are a [`LoadError`]; another
//! source file that cannot be read (not UTF-8, no permission) does not stop the others from
//! being checked: it is listed in [`LoadedProject::unreadable`] and the caller reports it.

use std::fmt;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use route_lang::config::{self, Config, parse_config};
use route_lang::db::{Database, InventoryInput, Project, SourceFile};
use route_lang::inventory::{Inventory, InventoryIndex, parse_inventory};
use route_lang::source_error::SourceError;

use crate::inventory_cache::{self, InventoryCache};

/// The project file whose folder is a project root.
pub const PROJECT_FILE: &str = "route.toml";
/// The extension of source files.
pub const SOURCE_EXTENSION: &str = "route";
/// The namespace of generated resources when there is no `route.toml`.
pub const DEFAULT_NAMESPACE: &str = "default";

/// Folders never searched for source files: dependencies and build output of other tools.
pub const SKIPPED_FOLDERS: &[&str] = &["target", "node_modules"];

/// What the command line says about where the project is.
#[derive(Clone, Debug, Default)]
pub struct LoadOptions {
    /// The folder or file given on the command line; `None` means the current folder.
    pub path: Option<PathBuf>,
    /// An inventory file that replaces the one `route.toml` names (relative to the current
    /// folder, like every command-line path).
    pub inventory: Option<PathBuf>,
    /// Neither read nor write the project's inventory cache ([`crate::inventory_cache`]).
    pub no_cache: bool,
}

/// A project read from disk, with its database.
pub struct LoadedProject {
    pub db: Database,
    pub project: Project,
    /// The project root: paths of source files are relative to it.
    pub root: PathBuf,
    /// The `route.toml` the configuration came from; `None` when there is none.
    pub config_file: Option<PathBuf>,
    /// Every source file, sorted by path (the same list as `project.files(&db)`).
    pub files: Vec<SourceFile>,
    /// When a single file was given: that file. Commands report and change only it.
    pub focus: Option<SourceFile>,
    /// Source files that exist but could not be read; the rest of the project is loaded.
    pub unreadable: Vec<LoadError>,
    /// Things the user should know about how the project was understood (one line each).
    pub notes: Vec<String>,
}

impl LoadedProject {
    /// The files a command works on: the focus file, or every file of the project.
    pub fn selected_files(&self) -> &[SourceFile] {
        match &self.focus {
            Some(focus) => std::slice::from_ref(focus),
            None => &self.files,
        }
    }

    /// The path of a source file on disk.
    pub fn disk_path(&self, file: SourceFile) -> PathBuf {
        self.root.join(file.path(&self.db))
    }
}

/// Why a project (or one of its files) could not be read. Its `Display` is one line: the file,
/// the position when known, and what is wrong — `route.toml:3:13: invalid namespace ...`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadError {
    /// The file, as the user should read it (see [`display_path`]).
    pub file: String,
    /// 1-based line and column (in characters), when the problem has a place.
    pub position: Option<(u32, u32)>,
    pub message: String,
}

impl LoadError {
    fn new(path: &Path, message: impl Into<String>) -> LoadError {
        LoadError {
            file: display_path(path),
            position: None,
            message: message.into(),
        }
    }

    /// A file of `path` that its loader (`route.toml`, an inventory) rejected.
    pub(crate) fn rejected(path: &Path, error: SourceError) -> LoadError {
        LoadError {
            file: display_path(path),
            // The loaders use line 0 for "no known position".
            position: (error.line > 0).then_some((error.line, error.column.max(1))),
            message: error.message,
        }
    }

    fn io(path: &Path, what: &str, error: &io::Error) -> LoadError {
        LoadError::new(path, format!("cannot read {what}: {}", io_message(error)))
    }
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.position {
            Some((line, column)) => write!(f, "{}:{line}:{column}: {}", self.file, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

impl std::error::Error for LoadError {}

/// Where a project is and which source files it has, before anything is read but
/// `route.toml`: what `fmt` needs, and the first half of [`load`].
#[derive(Clone, Debug)]
pub struct SourceSet {
    /// The project root: paths of source files are relative to it.
    pub root: PathBuf,
    /// The `route.toml` the configuration came from; `None` when there is none.
    pub config_file: Option<PathBuf>,
    pub config: Config,
    /// Every source file, sorted by relative path.
    pub files: Vec<SourcePath>,
    /// When a single file was given: its index in `files`.
    pub focus: Option<usize>,
    /// Folders that could not be searched.
    pub errors: Vec<LoadError>,
}

/// A source file: its path relative to the root (with `/`) and on disk.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct SourcePath {
    pub relative: String,
    pub path: PathBuf,
}

impl SourceSet {
    /// The files a command works on: the focus file, or every file of the project.
    pub fn selected(&self) -> &[SourcePath] {
        match self.focus {
            Some(focus) => std::slice::from_ref(&self.files[focus]),
            None => &self.files,
        }
    }
}

/// Finds the project `path` designates (the current folder when `None`), reads its
/// `route.toml` and lists its source files. See the module documentation for the rules.
pub fn find_sources(path: Option<&Path>) -> Result<SourceSet, LoadError> {
    let given = path.unwrap_or(Path::new("."));
    let metadata = fs::metadata(given).map_err(|e| match e.kind() {
        io::ErrorKind::NotFound => LoadError::new(given, "no such file or folder"),
        _ => LoadError::io(given, "the path", &e),
    })?;
    // Canonical paths make walking up through `..` and symbolic links well defined.
    let given = fs::canonicalize(given).map_err(|e| LoadError::io(given, "the path", &e))?;
    let single_file = !metadata.is_dir();
    let start = if single_file {
        given
            .parent()
            .map_or_else(|| given.clone(), Path::to_path_buf)
    } else {
        given.clone()
    };

    let (root, config_file, config) = match find_project_file(&start) {
        Some(config_file) => {
            let root = config_file
                .parent()
                .map_or_else(|| start.clone(), Path::to_path_buf);
            let config = read_config(&config_file)?;
            (root, Some(config_file), config)
        }
        None => (start, None, default_config()),
    };

    let mut errors = Vec::new();
    let mut paths = Vec::new();
    if single_file && config_file.is_none() {
        // A lone file outside any project is checked alone, not with whatever sits beside it.
        paths.push(given.clone());
    } else {
        let out = root.join(&config.build.out);
        collect_sources(&root, &out, &mut paths, &mut errors);
        // A file named explicitly is checked even where the search does not look (a hidden
        // folder, another extension).
        if single_file && !paths.contains(&given) {
            paths.push(given.clone());
        }
    }
    let mut files: Vec<SourcePath> = paths
        .into_iter()
        .map(|path| SourcePath {
            relative: relative_path(&root, &path),
            path,
        })
        .collect();
    files.sort();
    let focus = single_file
        .then(|| files.iter().position(|file| file.path == given))
        .flatten();
    Ok(SourceSet {
        root,
        config_file,
        config,
        files,
        focus,
        errors,
    })
}

/// Reads the project `options` designate: its sources, `route.toml` and inventory, into a
/// database of its own.
///
/// The sources are parsed as soon as they are read, while the inventory is still being
/// decoded on another core, and its lookup tables built there: neither needs the other.
pub fn load(options: &LoadOptions) -> Result<LoadedProject, LoadError> {
    let db = Database::default();
    let ReadProject {
        root,
        config_file,
        config,
        inventory,
        sources: files,
        focus: focus_index,
        unreadable,
        notes,
        ..
    } = read_with(
        options,
        |inventory| Arc::new(InventoryIndex::new(inventory)),
        |sources| {
            let files: Vec<SourceFile> = sources
                .into_iter()
                .map(|(source, text)| SourceFile::new(&db, source.relative, text))
                .collect();
            crate::prime::parse_files(&db, &files);
            files
        },
    )?;
    let focus = focus_index.and_then(|index| files.get(index).copied());
    let inventory = InventoryInput::from_index(&db, inventory);
    let project = Project::new(&db, files.clone(), config, inventory);
    Ok(LoadedProject {
        db,
        project,
        root,
        config_file,
        files,
        focus,
        unreadable,
        notes,
    })
}

/// A project as read from disk, before it goes into a database: what the language server puts
/// into its one database (which holds every project of the workspace, so it cannot use the
/// database `load` makes). [`load`] reads the same, but turns the inventory (`I`) and the
/// sources (`S`) into inputs of its database as soon as each is read.
#[derive(Clone, Debug)]
pub struct ReadProject<I = Inventory, S = Vec<(SourcePath, String)>> {
    /// The project root: paths of source files are relative to it.
    pub root: PathBuf,
    /// The `route.toml` the configuration came from; `None` when there is none.
    pub config_file: Option<PathBuf>,
    pub config: Config,
    /// The inventory files, in the order they were merged: what to watch for changes.
    pub inventory_files: Vec<PathBuf>,
    pub inventory: I,
    /// Every readable source file with its text, sorted by path.
    pub sources: S,
    /// When a single file was given: its index in `sources`.
    pub focus: Option<usize>,
    /// Source files that exist but could not be read.
    pub unreadable: Vec<LoadError>,
    /// Things the user should know about how the project was understood (one line each).
    pub notes: Vec<String>,
}

/// Reads the project `options` designate (see the module documentation) without building a
/// database.
pub fn read(options: &LoadOptions) -> Result<ReadProject, LoadError> {
    read_with(options, |inventory| inventory, |sources| sources)
}

/// [`read`], passing the inventory through `inventory` on the worker pool as soon as it is
/// decoded, and the sources through `sources` on the calling thread as soon as they are read.
fn read_with<I: Send, S>(
    options: &LoadOptions,
    inventory: impl FnOnce(Inventory) -> I + Send,
    sources: impl FnOnce(Vec<(SourcePath, String)>) -> S,
) -> Result<ReadProject<I, S>, LoadError> {
    let SourceSet {
        root,
        config_file,
        config,
        files: paths,
        focus: focus_index,
        errors: mut unreadable,
    } = find_sources(options.path.as_deref())?;

    let inventory_files: Vec<PathBuf> = match (&options.inventory, &config_file) {
        (Some(file), _) => vec![file.clone()],
        (None, Some(_)) => config
            .project
            .inventory
            .iter()
            .map(|file| root.join(file))
            .collect(),
        (None, None) => {
            let fallback = root.join(config::DEFAULT_INVENTORY);
            if fallback.is_file() {
                vec![fallback]
            } else {
                Vec::new()
            }
        }
    };
    let mut notes = Vec::new();
    if config_file.is_none() {
        let inventory = match inventory_files.first() {
            Some(file) => format!("the inventory {}", display_path(file)),
            None => "an empty inventory (pass --inventory FILE to use one)".to_owned(),
        };
        notes.push(format!(
            "no {PROJECT_FILE} in {} or above: checking with namespace `{DEFAULT_NAMESPACE}` and \
             {inventory}",
            display_path(&root)
        ));
    }
    if options.inventory.is_none()
        && let Some(missing) = inventory_files.iter().find(|file| !file.exists())
    {
        // route.toml names `inventory.yaml` by default, so the user may not know it is needed.
        return Err(LoadError::new(
            missing,
            "cannot read the inventory: no such file; set `inventory` in the [project] table \
             of route.toml, or pass --inventory FILE",
        ));
    }
    // Only a project (a folder with route.toml) gets a cache folder written into it.
    let cache =
        (config_file.is_some() && !options.no_cache).then(|| InventoryCache::in_project(&root));
    // Known before reading: each file is either read or reported unreadable (or, when it is the
    // one asked for, its error ends the read).
    let no_files = paths.is_empty() && unreadable.is_empty();
    // Neither needs the other, and decoding the inventory takes longer than reading the
    // sources.
    let (inventory, read) = crate::prime::beside(
        "inventory",
        || read_inventories(&inventory_files, cache.as_ref()).map(inventory),
        || {
            read_sources(paths, focus_index).map(|read| ReadSources {
                sources: sources(read.sources),
                focus: read.focus,
                unreadable: read.unreadable,
            })
        },
    );
    let inventory = inventory?;
    let ReadSources {
        sources,
        focus,
        unreadable: errors,
    } = read?;
    unreadable.extend(errors);
    if no_files {
        notes.push(format!(
            "no .{SOURCE_EXTENSION} files in {}",
            display_path(&root)
        ));
    }
    Ok(ReadProject {
        root,
        config_file,
        config,
        inventory_files,
        inventory,
        sources,
        focus,
        unreadable,
        notes,
    })
}

/// The sources of a project that could be read (`S`: as read, or as the caller turned them).
struct ReadSources<S = Vec<(SourcePath, String)>> {
    /// In order, with their text.
    sources: S,
    /// Where the one file asked for went in `sources`.
    focus: Option<usize>,
    /// Why the others could not be read.
    unreadable: Vec<LoadError>,
}

/// Reads the project's sources. An error for the one file asked for is the result.
fn read_sources(
    paths: Vec<SourcePath>,
    focus_index: Option<usize>,
) -> Result<ReadSources, LoadError> {
    let mut sources = Vec::with_capacity(paths.len());
    let mut focus = None;
    let mut unreadable = Vec::new();
    for (index, source) in paths.into_iter().enumerate() {
        match read_source(&source.path) {
            Ok(text) => {
                if focus_index == Some(index) {
                    focus = Some(sources.len());
                }
                sources.push((source, text));
            }
            // The one file asked for is the whole point: nothing else is worth checking.
            Err(error) if focus_index == Some(index) => return Err(error),
            Err(error) => unreadable.push(error),
        }
    }
    Ok(ReadSources {
        sources,
        focus,
        unreadable,
    })
}

/// The nearest `route.toml` in `start` or a folder above it.
pub fn find_project_file(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .map(|folder| folder.join(PROJECT_FILE))
        .find(|file| file.is_file())
}

fn read_config(path: &Path) -> Result<Config, LoadError> {
    let text = read_text(path, PROJECT_FILE)?;
    parse_config(&text).map_err(|e| LoadError::rejected(path, e))
}

/// The configuration of a folder without `route.toml`: what `route.toml` would say with only
/// a namespace in it, except that there is no inventory unless one is found or given.
pub fn default_config() -> Config {
    Config {
        project: config::Project {
            name: None,
            namespace: DEFAULT_NAMESPACE.to_owned(),
            inventory: Vec::new(),
        },
        build: config::Build {
            out: config::DEFAULT_OUT.to_owned(),
        },
        cluster: config::ManagementCluster::default(),
    }
}

/// Reads and merges the inventory files, in order, through the cache when there is one.
fn read_inventories(
    paths: &[PathBuf],
    cache: Option<&InventoryCache>,
) -> Result<Inventory, LoadError> {
    let mut parts = Vec::with_capacity(paths.len());
    for path in paths {
        let text = read_text(path, "the inventory")?;
        let parsed = match cache {
            Some(cache) => cache.parse(path, &text),
            None => parse_inventory(&inventory_cache::file_name(path), &text),
        };
        let inventory = parsed.map_err(|e| LoadError::rejected(path, e))?;
        parts.push((display_path(path), inventory));
    }
    merge(parts).map_err(|duplicate| LoadError {
        file: duplicate.second_file,
        position: None,
        message: format!(
            "cluster `{}` is already described in {}; describe each cluster in one inventory file",
            duplicate.cluster, duplicate.first_file
        ),
    })
}

/// A cluster described by two inventory files.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DuplicateCluster {
    pub cluster: String,
    pub first_file: String,
    pub second_file: String,
}

/// The union of the clusters of several inventories (named by their files, for errors).
///
/// Clusters are not merged field by field: one file per cluster is how inventories are
/// generated, and two descriptions of one cluster would have to disagree somewhere.
pub fn merge(parts: Vec<(String, Inventory)>) -> Result<Inventory, DuplicateCluster> {
    let mut merged = Inventory::default();
    let mut files: Vec<String> = Vec::with_capacity(parts.len());
    // The index in `files` of the file of each merged cluster.
    let mut owners: Vec<usize> = Vec::new();
    // The clusters are moved, not copied: an inventory can be large.
    for (file, inventory) in parts {
        files.push(file);
        let this = files.len() - 1;
        for cluster in inventory.clusters {
            if let Some(index) = merged.clusters.iter().position(|c| c.name == cluster.name) {
                return Err(DuplicateCluster {
                    cluster: cluster.name,
                    first_file: files[owners[index]].clone(),
                    second_file: files[this].clone(),
                });
            }
            merged.clusters.push(cluster);
            owners.push(this);
        }
    }
    Ok(merged)
}

/// Reads a source file: UTF-8 text, without a byte order mark.
pub fn read_source(path: &Path) -> Result<String, LoadError> {
    read_text(path, "the file")
}

/// Reads a file that must be UTF-8 text; `what` names it in the error.
fn read_text(path: &Path, what: &str) -> Result<String, LoadError> {
    let bytes = fs::read(path).map_err(|e| LoadError::io(path, what, &e))?;
    decode(path, bytes)
}

/// The text of a file, or where its first invalid byte is.
fn decode(path: &Path, bytes: Vec<u8>) -> Result<String, LoadError> {
    match String::from_utf8(bytes) {
        // Editors do not count a byte order mark in columns, and the lexer would reject it.
        Ok(text) => Ok(match text.strip_prefix('\u{feff}') {
            Some(rest) => rest.to_owned(),
            None => text,
        }),
        Err(error) => {
            let bytes = error.as_bytes();
            let valid = error.utf8_error().valid_up_to();
            // The prefix up to `valid_up_to` is UTF-8 by definition.
            let before = std::str::from_utf8(&bytes[..valid]).unwrap_or_default();
            let message = format!(
                "not UTF-8 text (byte 0x{:02x}); files must be UTF-8",
                bytes[valid]
            );
            Err(LoadError::rejected(
                path,
                SourceError::at_offset(before, Some(before.len()), message),
            ))
        }
    }
}

/// Every source file below `folder`, skipping what the module documentation says.
fn collect_sources(
    folder: &Path,
    out: &Path,
    found: &mut Vec<PathBuf>,
    errors: &mut Vec<LoadError>,
) {
    let entries = match fs::read_dir(folder) {
        Ok(entries) => entries,
        Err(e) => {
            errors.push(LoadError::io(folder, "the folder", &e));
            return;
        }
    };
    for entry in entries {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                errors.push(LoadError::io(folder, "the folder", &e));
                continue;
            }
        };
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            if !name.starts_with('.') && !SKIPPED_FOLDERS.contains(&name.as_ref()) && path != out {
                collect_sources(&path, out, found, errors);
            }
        } else if path.extension().is_some_and(|ext| ext == SOURCE_EXTENSION)
            // Hidden files are editor backups and lock files (`.#main.route`), not sources.
            && !name.starts_with('.')
            // A symbolic link to a file is a file; one to a folder is not followed.
            && (kind.is_file() || path.is_file())
        {
            found.push(path);
        }
    }
}

/// `path` relative to `root`, with `/` separators.
pub fn relative_path(root: &Path, path: &Path) -> String {
    let relative = path.strip_prefix(root).unwrap_or(path);
    let parts: Vec<String> = relative
        .components()
        .map(|part| part.as_os_str().to_string_lossy().into_owned())
        .collect();
    parts.join("/")
}

/// A path relative to the current folder when it lies in it (`.` for the folder itself), else
/// as it is.
pub fn display_path(path: &Path) -> String {
    let current = std::env::current_dir().and_then(fs::canonicalize).ok();
    match current
        .as_deref()
        .and_then(|current| path.strip_prefix(current).ok())
    {
        Some(relative) if relative.as_os_str().is_empty() => ".".to_owned(),
        Some(relative) => relative.display().to_string(),
        None => path.display().to_string(),
    }
}

/// An I/O error as a sentence fragment, without the "(os error 2)" noise.
pub(crate) fn io_message(error: &io::Error) -> String {
    match error.kind() {
        io::ErrorKind::NotFound => "no such file".to_owned(),
        io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        io::ErrorKind::IsADirectory => "it is a folder".to_owned(),
        _ => {
            let text = error.to_string();
            match text.find(" (os error") {
                Some(end) => text[..end].to_owned(),
                None => text,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use route_lang::inventory::Cluster;

    fn cluster(name: &str) -> Cluster {
        Cluster {
            name: name.to_owned(),
            region: None,
            zone: None,
            namespaces: Vec::new(),
        }
    }

    fn inventory(names: &[&str]) -> Inventory {
        Inventory {
            clusters: names.iter().map(|name| cluster(name)).collect(),
        }
    }

    #[test]
    fn merge_is_the_union_of_clusters_in_order() {
        let merged = merge(vec![
            ("east.yaml".to_owned(), inventory(&["cluster-1"])),
            (
                "west.yaml".to_owned(),
                inventory(&["cluster-2", "cluster-3"]),
            ),
        ]);
        let names: Vec<String> = merged
            .map(|i| i.clusters.into_iter().map(|c| c.name).collect())
            .unwrap_or_default();
        assert_eq!(names, ["cluster-1", "cluster-2", "cluster-3"]);
    }

    #[test]
    fn merge_rejects_a_cluster_described_twice() {
        let merged = merge(vec![
            ("east.yaml".to_owned(), inventory(&["cluster-1"])),
            (
                "west.yaml".to_owned(),
                inventory(&["cluster-2", "cluster-1"]),
            ),
        ]);
        assert_eq!(
            merged,
            Err(DuplicateCluster {
                cluster: "cluster-1".to_owned(),
                first_file: "east.yaml".to_owned(),
                second_file: "west.yaml".to_owned(),
            })
        );
    }

    #[test]
    fn invalid_utf8_is_located() {
        let error = decode(Path::new("junk.route"), b"routes a {\n  \xff".to_vec());
        let error = error.err().map(|e| (e.position, e.message));
        assert_eq!(
            error,
            Some((
                Some((2, 3)),
                "not UTF-8 text (byte 0xff); files must be UTF-8".to_owned()
            ))
        );
    }

    /// The note is for a folder with no source file at all: not for one whose only file cannot
    /// be read (that file is reported instead), nor for one with a source.
    #[test]
    fn only_a_folder_without_source_files_gets_the_no_files_note() {
        let notes_of = |files: &[(&str, &[u8])]| {
            let dir = tempfile::tempdir().expect("a temporary folder");
            for (name, bytes) in files {
                fs::write(dir.path().join(name), bytes).expect("a file written");
            }
            let read = read(&LoadOptions {
                path: Some(dir.path().to_path_buf()),
                ..LoadOptions::default()
            })
            .expect("the folder is read");
            let no_files = read
                .notes
                .iter()
                .any(|n| n.starts_with("no .route files in"));
            (no_files, read.sources.len(), read.unreadable.len())
        };
        assert_eq!(notes_of(&[]), (true, 0, 0));
        assert_eq!(
            notes_of(&[("a.route", b"routes a {\n  \xff")]),
            (false, 0, 1)
        );
        assert_eq!(notes_of(&[("a.route", b"routes a {}\n")]), (false, 1, 0));
    }

    #[test]
    fn relative_paths_use_slashes() {
        let root = Path::new("/p");
        assert_eq!(
            relative_path(root, &root.join("a").join("b.route")),
            "a/b.route"
        );
    }
}
