//! The server's state: one salsa database holding every project of the workspace, the open
//! documents with their versions, and which project answers for each file.
//!
//! Projects are read from disk by `routec::project` (the code behind `routec check`), so the
//! editor sees the same files, configuration and inventory as the CLI; the text of an open
//! document replaces the text on disk. A file can belong to several projects (a project's
//! files are every `.route` file below its root, nested projects included, as for the CLI);
//! it then has a [`SourceFile`] in each, all kept at the same text, and the project with the
//! deepest root — the one `routec check FILE` would load — answers requests and publishes its
//! diagnostics.
//!
//! Every method here runs synchronously in a notification handler, before its first
//! `.await`, so changes reach the database in the order the client sent them. Setting an
//! input cancels the queries running on snapshots and waits for them to unwind, so nothing
//! that holds a snapshot may wait for this state's lock.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use route_lang::db::{Database, InventoryInput, Project, SourceFile};
use route_lang::inventory::Inventory;
use routec::project::{self, LoadError, LoadOptions, PROJECT_FILE, ReadProject, SOURCE_EXTENSION};
use salsa::Setter;
use tower_lsp_server::ls_types::{self as lsp, MessageType, Uri};

use crate::convert::{self, Lines};
use crate::workspace;

/// A file as the state knows it: on disk (by canonical path), or a buffer the client has
/// open under a URI that is not a file (`untitled:`).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FileKey {
    Disk(PathBuf),
    Buffer(Uri),
}

impl FileKey {
    pub fn of(uri: &Uri) -> FileKey {
        match workspace::file_path(uri) {
            Some(path) => FileKey::Disk(path),
            None => FileKey::Buffer(uri.clone()),
        }
    }

    fn uri(&self) -> Option<Uri> {
        match self {
            FileKey::Disk(path) => workspace::file_uri(path),
            FileKey::Buffer(uri) => Some(uri.clone()),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum ProjectKey {
    /// A project on disk, by its root: a folder holding `route.toml`, or a workspace folder
    /// without one anywhere.
    Root(PathBuf),
    /// A document opened outside every project, checked alone as `routec check FILE` would.
    Document(Uri),
}

struct Document {
    version: i32,
    key: FileKey,
    text: String,
}

struct ProjectEntry {
    project: Project,
    /// The root folder; `None` for a buffer that is not a file.
    root: Option<PathBuf>,
    /// What `routec::project::read` reads the project from again: its root, or the file of a
    /// lone document; `None` for a buffer.
    source: Option<PathBuf>,
    /// The inventory files, canonical, to recognise their changes.
    inventory_files: Vec<PathBuf>,
    files: BTreeMap<FileKey, SourceFile>,
    /// Why the last attempt to read the project failed.
    error: Option<LoadError>,
    /// Whether the project was ever read. Until it is, its configuration and inventory are
    /// placeholders, and diagnostics computed with them would be noise, so none are published.
    loaded: bool,
}

impl ProjectEntry {
    /// Which project answers for a file several projects hold: a real project over a lone
    /// document, then the deepest root.
    fn rank(&self, key: &ProjectKey) -> (bool, usize) {
        (
            matches!(key, ProjectKey::Root(_)),
            self.root
                .as_ref()
                .map_or(0, |root| root.components().count()),
        )
    }
}

/// Which project answers for each file and what URI it is published under. Rebuilt when
/// projects or open documents come and go — never on a keystroke — and shared with snapshots.
#[derive(Default)]
pub struct Layout {
    /// For every file: the project that answers for it, and its URI (the client's own URI
    /// when the file is open).
    pub owners: BTreeMap<FileKey, Owner>,
    /// The URI of every source file of every project.
    pub uris: HashMap<SourceFile, Uri>,
    /// Why projects could not be read, with the URI of the file at fault.
    pub load_errors: Vec<(Uri, LoadError)>,
}

#[derive(Clone)]
pub struct Owner {
    pub uri: Uri,
    pub project: Project,
    pub file: SourceFile,
    /// Whether to publish diagnostics for the file (see [`ProjectEntry::loaded`]).
    pub publish: bool,
}

/// What a request runs on: a clone of the database and the file the request is about.
pub struct Snapshot {
    pub db: Database,
    pub project: Project,
    pub file: SourceFile,
    pub layout: Arc<Layout>,
}

impl Snapshot {
    pub fn lines(&self, file: SourceFile) -> Lines<'_> {
        Lines::of(&self.db, file)
    }

    pub fn uri(&self, file: SourceFile) -> Option<Uri> {
        self.layout.uris.get(&file).cloned()
    }

    /// An LSP location from a byte range of a file.
    pub fn location(
        &self,
        file: SourceFile,
        range: route_lang::syntax::TextRange,
    ) -> Option<lsp::Location> {
        Some(lsp::Location::new(
            self.uri(file)?,
            self.lines(file).range(range),
        ))
    }
}

/// What the diagnostics task runs on: every file to publish, with the versions of the open
/// documents at the time of the snapshot.
pub struct Analysis {
    pub db: Database,
    pub layout: Arc<Layout>,
    pub versions: HashMap<Uri, i32>,
}

impl Analysis {
    /// The source files of the open documents.
    pub fn open_files(&self) -> Vec<SourceFile> {
        self.layout
            .owners
            .values()
            .filter(|owner| self.versions.contains_key(&owner.uri))
            .map(|owner| owner.file)
            .collect()
    }
}

pub struct State {
    db: Database,
    projects: BTreeMap<ProjectKey, ProjectEntry>,
    documents: HashMap<Uri, Document>,
    /// The workspace folders, canonical.
    folders: Vec<PathBuf>,
    /// The project roots last found in the workspace folders.
    discovered: BTreeSet<PathBuf>,
    layout: Arc<Layout>,
    /// Documents whose diagnostics the next analysis publishes even when they did not change.
    owed: HashSet<Uri>,
    /// Messages for the client's log, sent once the handler can `.await`.
    messages: Vec<(MessageType, String)>,
}

impl State {
    pub fn new() -> State {
        State {
            db: Database::default().reusing_parses(),
            projects: BTreeMap::new(),
            documents: HashMap::new(),
            folders: Vec::new(),
            discovered: BTreeSet::new(),
            layout: Arc::default(),
            owed: HashSet::new(),
            messages: Vec::new(),
        }
    }

    /// Sets the workspace folders, from `initialize`; [`State::load_workspace`] reads them.
    pub fn set_folders(&mut self, folders: Vec<PathBuf>) {
        self.folders = folders.iter().map(|f| workspace::canonical(f)).collect();
    }

    /// Reads the projects of the workspace folders.
    pub fn load_workspace(&mut self) {
        self.rediscover();
    }

    /// Handles `workspace/didChangeWorkspaceFolders`.
    pub fn change_folders(&mut self, added: Vec<PathBuf>, removed: Vec<PathBuf>) {
        let removed: Vec<PathBuf> = removed.iter().map(|f| workspace::canonical(f)).collect();
        self.folders.retain(|folder| !removed.contains(folder));
        self.folders
            .extend(added.iter().map(|f| workspace::canonical(f)));
        self.rediscover();
    }

    pub fn open(&mut self, uri: Uri, version: i32, text: String) {
        let key = FileKey::of(&uri);
        self.documents.insert(
            uri.clone(),
            Document {
                version,
                key: key.clone(),
                text: text.clone(),
            },
        );
        if !self.projects.values().any(|e| e.files.contains_key(&key)) {
            self.attach(&uri, &key);
        }
        self.set_text(&key, text);
        self.relayout();
        self.owed.insert(uri);
    }

    /// Applies the changes of one `didChange`, in order.
    pub fn change(
        &mut self,
        uri: &Uri,
        version: i32,
        changes: Vec<lsp::TextDocumentContentChangeEvent>,
    ) {
        let Some(document) = self.documents.get_mut(uri) else {
            self.log(
                MessageType::WARNING,
                format!("didChange for {} which is not open; ignored", uri.as_str()),
            );
            return;
        };
        for change in changes {
            convert::apply_change(&mut document.text, change);
        }
        document.version = version;
        let (key, text) = (document.key.clone(), document.text.clone());
        self.set_text(&key, text);
        self.owed.insert(uri.clone());
    }

    pub fn close(&mut self, uri: &Uri) {
        let Some(document) = self.documents.remove(uri) else {
            return;
        };
        self.projects.remove(&ProjectKey::Document(uri.clone()));
        // The text on disk is the truth again; a file that is not there was never saved.
        match &document.key {
            FileKey::Disk(path) => match project::read_source(path) {
                Ok(text) => self.set_text(&document.key, text),
                Err(_) => self.remove_file(&document.key),
            },
            FileKey::Buffer(_) => self.remove_file(&document.key),
        }
        self.drop_unused_projects();
        self.relayout();
    }

    /// Handles `workspace/didChangeWatchedFiles`: `.route` files, `route.toml` files and
    /// inventories changed on disk. Affected projects are read again; their open documents
    /// are re-checked and their diagnostics published even if unchanged.
    pub fn files_changed(&mut self, events: &[lsp::FileEvent]) {
        let mut reload = BTreeSet::new();
        let mut rediscover = false;
        for event in events {
            let Some(path) = workspace::file_path(&event.uri) else {
                continue;
            };
            if path.file_name().is_some_and(|name| name == PROJECT_FILE) {
                rediscover = true;
                if let Some(folder) = path.parent() {
                    reload.insert(ProjectKey::Root(folder.to_path_buf()));
                }
            } else if path.extension().is_some_and(|ext| ext == SOURCE_EXTENSION) {
                for (key, entry) in &self.projects {
                    if entry
                        .root
                        .as_ref()
                        .is_some_and(|root| path.starts_with(root))
                    {
                        reload.insert(key.clone());
                    }
                }
            } else {
                for (key, entry) in &self.projects {
                    if entry.inventory_files.contains(&path) {
                        reload.insert(key.clone());
                    }
                }
            }
        }
        for key in &reload {
            self.reload(key);
        }
        if rediscover {
            self.rediscover();
        }
        self.relayout();
        for (uri, document) in &self.documents {
            let affected = reload.iter().any(|key| {
                self.projects
                    .get(key)
                    .is_some_and(|entry| entry.files.contains_key(&document.key))
            });
            if affected || rediscover {
                self.owed.insert(uri.clone());
            }
        }
    }

    /// A snapshot for a request about `uri`; `None` when no project holds the file.
    pub fn snapshot(&self, uri: &Uri) -> Option<Snapshot> {
        let key = match self.documents.get(uri) {
            Some(document) => document.key.clone(),
            None => FileKey::of(uri),
        };
        let owner = self.layout.owners.get(&key)?;
        Some(Snapshot {
            db: self.db.clone(),
            project: owner.project,
            file: owner.file,
            layout: Arc::clone(&self.layout),
        })
    }

    /// A snapshot for project-wide requests (workspace symbols): the database and the layout.
    pub fn workspace(&self) -> (Database, Arc<Layout>) {
        (self.db.clone(), Arc::clone(&self.layout))
    }

    /// A snapshot for the diagnostics task, and the documents it owes a publication.
    pub fn analysis(&mut self) -> (Analysis, HashSet<Uri>) {
        let versions = self
            .documents
            .iter()
            .map(|(uri, document)| (uri.clone(), document.version))
            .collect();
        let analysis = Analysis {
            db: self.db.clone(),
            layout: Arc::clone(&self.layout),
            versions,
        };
        (analysis, std::mem::take(&mut self.owed))
    }

    /// Messages for the client's log since the last call.
    pub fn take_messages(&mut self) -> Vec<(MessageType, String)> {
        std::mem::take(&mut self.messages)
    }

    /// Every inventory file of every project, canonical: what file watchers must cover.
    pub fn inventory_files(&self) -> BTreeSet<PathBuf> {
        self.projects
            .values()
            .flat_map(|entry| entry.inventory_files.iter().cloned())
            .collect()
    }

    pub fn log(&mut self, kind: MessageType, message: String) {
        self.messages.push((kind, message));
    }

    /// Finds the projects of the workspace folders again: new ones are read, ones whose
    /// `route.toml` disappeared are dropped, and open documents move to the project that now
    /// holds them.
    fn rediscover(&mut self) {
        self.discovered = workspace::discover(&self.folders);
        // A project is gone when its `route.toml` is, or when its folder no longer stands for
        // a workspace without one (a `route.toml` appeared below it, the folder was removed).
        let gone: Vec<ProjectKey> = self
            .projects
            .keys()
            .filter(|key| match key {
                ProjectKey::Root(root) => {
                    !self.discovered.contains(root) && !root.join(PROJECT_FILE).is_file()
                }
                ProjectKey::Document(_) => false,
            })
            .cloned()
            .collect();
        for key in gone {
            self.projects.remove(&key);
        }
        let new: Vec<PathBuf> = self
            .discovered
            .iter()
            .filter(|root| {
                !self
                    .projects
                    .contains_key(&ProjectKey::Root((*root).clone()))
            })
            .cloned()
            .collect();
        for root in new {
            self.load_root(root);
        }
        self.drop_unused_projects();
        // Documents whose project went away, and lone documents a new project now holds.
        let documents: Vec<(Uri, FileKey)> = self
            .documents
            .iter()
            .map(|(uri, document)| (uri.clone(), document.key.clone()))
            .collect();
        for (uri, key) in documents {
            let in_root = self.projects.iter().any(|(project, entry)| {
                matches!(project, ProjectKey::Root(_)) && entry.files.contains_key(&key)
            });
            if in_root {
                self.projects.remove(&ProjectKey::Document(uri));
            } else if !self.projects.values().any(|e| e.files.contains_key(&key)) {
                self.attach(&uri, &key);
            }
        }
        self.relayout();
    }

    /// Reads the project at `root` for the first time.
    fn load_root(&mut self, root: PathBuf) {
        let key = ProjectKey::Root(root.clone());
        match project::read(&LoadOptions {
            path: Some(root.clone()),
            inventory: None,
            no_cache: false,
        }) {
            Ok(read) if read.root == root => self.install(key, root, read),
            // A folder whose `route.toml` is gone: the project above it holds its files.
            Ok(_) => {}
            Err(error) => {
                let entry = self.placeholder(Some(root.clone()), Some(root), error);
                self.projects.insert(key, entry);
            }
        }
    }

    /// Reads an existing project again after a change on disk. When that fails, the project
    /// keeps what it had and says why.
    fn reload(&mut self, key: &ProjectKey) {
        let Some(source) = self.projects.get(key).and_then(|e| e.source.clone()) else {
            return;
        };
        match project::read(&LoadOptions {
            path: Some(source.clone()),
            inventory: None,
            no_cache: false,
        }) {
            Ok(read) => {
                if let ProjectKey::Root(root) = key
                    && read.root != *root
                {
                    // Its `route.toml` is gone; rediscovery drops the project.
                    return;
                }
                self.install(key.clone(), source, read);
            }
            Err(error) => {
                self.log(MessageType::ERROR, error.to_string());
                if let Some(entry) = self.projects.get_mut(key) {
                    entry.error = Some(error);
                }
            }
        }
    }

    /// Finds a project for a document no project holds: the project of a folder above it
    /// (the file is new, or in a folder the search skips), else the project `routec check
    /// FILE` would load, else the document alone.
    fn attach(&mut self, uri: &Uri, key: &FileKey) {
        let FileKey::Disk(path) = key else {
            let entry = self.lone_buffer(uri, key);
            self.projects
                .insert(ProjectKey::Document(uri.clone()), entry);
            return;
        };
        let above = self
            .projects
            .keys()
            .filter_map(|project| match project {
                ProjectKey::Root(root) if path.starts_with(root) => {
                    Some((root.components().count(), project.clone()))
                }
                _ => None,
            })
            .max();
        if let Some((_, project)) = above {
            self.add_file(&project, key);
            return;
        }
        match project::read(&LoadOptions {
            path: Some(path.clone()),
            inventory: None,
            no_cache: false,
        }) {
            Ok(read) if read.config_file.is_some() => {
                let root = read.root.clone();
                self.install(ProjectKey::Root(root.clone()), root, read);
            }
            Ok(read) => self.install(ProjectKey::Document(uri.clone()), path.clone(), read),
            Err(error) => {
                self.log(MessageType::ERROR, error.to_string());
                // Keyed as it will be once it can be read, so that fixing the file at fault (a
                // `route.toml`, an inventory) reloads it.
                let folder = path.parent().unwrap_or(path).to_path_buf();
                let (project, root, source) = match project::find_project_file(&folder)
                    .and_then(|file| file.parent().map(Path::to_path_buf))
                {
                    Some(root) => (ProjectKey::Root(root.clone()), root.clone(), root),
                    None => (ProjectKey::Document(uri.clone()), folder, path.clone()),
                };
                let entry = self.placeholder(Some(root), Some(source), error);
                self.projects.insert(project.clone(), entry);
                self.add_file(&project, key);
            }
        }
    }

    /// Puts what `routec::project::read` read into the project `key`, creating it if needed
    /// and setting only the inputs that changed (each set starts a new revision and cancels
    /// running queries).
    fn install(&mut self, key: ProjectKey, source: PathBuf, read: ReadProject) {
        for note in &read.notes {
            self.log(MessageType::INFO, note.clone());
        }
        for error in &read.unreadable {
            self.log(MessageType::WARNING, error.to_string());
        }
        let ReadProject {
            root,
            config,
            inventory_files,
            inventory,
            sources,
            ..
        } = read;
        let mut texts: BTreeMap<FileKey, (String, String)> = sources
            .into_iter()
            .map(|(source, text)| (FileKey::Disk(source.path), (source.relative, text)))
            .collect();
        // Open documents: their text wins, and files of a project's folders that the search
        // does not list (not saved yet, in a hidden folder) still belong to the project.
        for document in self.documents.values() {
            if let Some((_, text)) = texts.get_mut(&document.key) {
                text.clone_from(&document.text);
            } else if let (ProjectKey::Root(_), FileKey::Disk(path)) = (&key, &document.key)
                && path.starts_with(&root)
                && path.extension().is_some_and(|ext| ext == SOURCE_EXTENSION)
            {
                let relative = project::relative_path(&root, path);
                texts.insert(document.key.clone(), (relative, document.text.clone()));
            }
        }

        let db = &mut self.db;
        let entry = self.projects.entry(key).or_insert_with(|| ProjectEntry {
            project: Project::new(
                &*db,
                Vec::new(),
                config.clone(),
                InventoryInput::new(&*db, inventory.clone()),
            ),
            root: None,
            source: None,
            inventory_files: Vec::new(),
            files: BTreeMap::new(),
            error: None,
            loaded: false,
        });
        let mut files = BTreeMap::new();
        for (file_key, (relative, text)) in texts {
            let file = match entry.files.get(&file_key) {
                Some(&file) if *file.path(&*db) == relative => {
                    if *file.text(&*db) != text {
                        file.set_text(db).to(text);
                    }
                    file
                }
                _ => SourceFile::new(&*db, relative, text),
            };
            files.insert(file_key, file);
        }
        entry.files = files;
        set_project_files(db, entry);
        if *entry.project.config(&*db) != config {
            entry.project.set_config(db).to(config);
        }
        let inventory_input = entry.project.inventory(&*db);
        if *inventory_input.inventory(&*db) != inventory {
            inventory_input.replace(db, inventory);
        }
        entry.inventory_files = inventory_files
            .iter()
            .map(|file| workspace::canonical(file))
            .collect();
        entry.root = Some(root);
        entry.source = Some(source);
        entry.error = None;
        entry.loaded = true;
    }

    /// A project that could not be read yet: no files, the default configuration, an empty
    /// inventory, and the reason.
    fn placeholder(
        &self,
        root: Option<PathBuf>,
        source: Option<PathBuf>,
        error: LoadError,
    ) -> ProjectEntry {
        let inventory = InventoryInput::new(&self.db, Inventory::default());
        ProjectEntry {
            project: Project::new(&self.db, Vec::new(), project::default_config(), inventory),
            root,
            source,
            inventory_files: Vec::new(),
            files: BTreeMap::new(),
            error: Some(error),
            loaded: false,
        }
    }

    /// A project for a buffer that is not a file: the default configuration (namespace
    /// `default`) and no inventory, as `routec check` gives a file outside every project.
    fn lone_buffer(&self, uri: &Uri, key: &FileKey) -> ProjectEntry {
        let name = uri
            .path()
            .as_str()
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .to_owned();
        let text = self
            .documents
            .get(uri)
            .map(|document| document.text.clone())
            .unwrap_or_default();
        let file = SourceFile::new(&self.db, name, text);
        let inventory = InventoryInput::new(&self.db, Inventory::default());
        ProjectEntry {
            project: Project::new(&self.db, vec![file], project::default_config(), inventory),
            root: None,
            source: None,
            inventory_files: Vec::new(),
            files: BTreeMap::from([(key.clone(), file)]),
            error: None,
            loaded: true,
        }
    }

    /// Adds a file to a project that holds its folder but not the file.
    fn add_file(&mut self, project: &ProjectKey, key: &FileKey) {
        let FileKey::Disk(path) = key else {
            return;
        };
        let text = self
            .documents
            .values()
            .find(|document| document.key == *key)
            .map(|document| document.text.clone())
            .unwrap_or_default();
        let db = &mut self.db;
        let Some(entry) = self.projects.get_mut(project) else {
            return;
        };
        let relative = match &entry.root {
            Some(root) => project::relative_path(root, path),
            None => path.to_string_lossy().into_owned(),
        };
        let file = SourceFile::new(&*db, relative, text);
        entry.files.insert(key.clone(), file);
        set_project_files(db, entry);
    }

    fn remove_file(&mut self, key: &FileKey) {
        let db = &mut self.db;
        for entry in self.projects.values_mut() {
            if entry.files.remove(key).is_some() {
                set_project_files(db, entry);
            }
        }
    }

    /// Sets the text of a file in every project that holds it.
    fn set_text(&mut self, key: &FileKey, text: String) {
        let db = &mut self.db;
        let changed: Vec<SourceFile> = self
            .projects
            .values()
            .filter_map(|entry| entry.files.get(key).copied())
            .filter(|file| *file.text(&*db) != text)
            .collect();
        // The last file takes the text itself, so that a keystroke copies a large file's text
        // once (the document keeps its own).
        if let Some((last, others)) = changed.split_last() {
            for file in others {
                file.set_text(db).to(text.clone());
            }
            last.set_text(db).to(text);
        }
    }

    /// Drops the projects read only for documents that are closed now (outside every
    /// workspace folder).
    fn drop_unused_projects(&mut self) {
        let documents: HashSet<&FileKey> = self.documents.values().map(|d| &d.key).collect();
        self.projects.retain(|key, entry| match key {
            ProjectKey::Root(root) => {
                self.discovered.contains(root)
                    || entry.files.keys().any(|file| documents.contains(file))
            }
            ProjectKey::Document(uri) => self.documents.contains_key(uri),
        });
    }

    /// Rebuilds the [`Layout`] after projects or documents came or went.
    fn relayout(&mut self) {
        let open: HashMap<&FileKey, &Uri> = self
            .documents
            .iter()
            .map(|(uri, document)| (&document.key, uri))
            .collect();
        let uri_of = |key: &FileKey| {
            open.get(key)
                .map(|uri| (*uri).clone())
                .or_else(|| key.uri())
        };
        let mut layout = Layout::default();
        let mut ranks: HashMap<&FileKey, (bool, usize)> = HashMap::new();
        for (project_key, entry) in &self.projects {
            let rank = entry.rank(project_key);
            for (file_key, &file) in &entry.files {
                let Some(uri) = uri_of(file_key) else {
                    continue;
                };
                layout.uris.insert(file, uri.clone());
                if ranks.get(file_key).is_some_and(|best| *best >= rank) {
                    continue;
                }
                ranks.insert(file_key, rank);
                layout.owners.insert(
                    file_key.clone(),
                    Owner {
                        uri,
                        project: entry.project,
                        file,
                        publish: entry.loaded,
                    },
                );
            }
            if let Some(error) = &entry.error
                && let Some(uri) = workspace::file_uri(&error_path(error))
            {
                layout.load_errors.push((uri, error.clone()));
            }
        }
        // Files of no project are never parsed again.
        self.db
            .retain_parses(|file| layout.uris.contains_key(&file));
        self.layout = Arc::new(layout);
    }
}

/// Makes a project's file list its files, in the order `routec check` reads them (by path):
/// the first of two definitions of a name is the one references resolve to.
fn set_project_files(db: &mut Database, entry: &ProjectEntry) {
    let mut files: Vec<SourceFile> = entry.files.values().copied().collect();
    files.sort_by(|a, b| a.path(&*db).cmp(b.path(&*db)));
    if *entry.project.files(&*db) != files {
        entry.project.set_files(db).to(files);
    }
}

/// The file a [`LoadError`] is about. It names the file for people, relative to the current
/// folder when it lies in it (`routec::project::display_path`), so resolve it from there.
fn error_path(error: &LoadError) -> PathBuf {
    let path = PathBuf::from(&error.file);
    if path.is_absolute() {
        return path;
    }
    std::env::current_dir()
        .map(|current| current.join(&path))
        .unwrap_or(path)
}
