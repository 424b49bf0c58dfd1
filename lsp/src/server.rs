//! The [`LanguageServer`] implementation: capabilities, the document and workspace
//! notifications, and the dispatch of requests to [`crate::handlers`].
//!
//! Notifications change the [`State`] synchronously, before their first `.await` (see the
//! crate documentation), then wake the diagnostics task. Requests take a snapshot under the
//! lock and run on a blocking thread inside `catch_unwind`, as rust-analyzer does: a request
//! cancelled by an edit answers `ContentModified`, and one that panics answers an internal
//! error — the server itself never goes down with it.

use std::collections::{BTreeSet, HashSet};
use std::panic::{self, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError};

use serde_json::Value;
use tokio::sync::Notify;
use tower_lsp_server::jsonrpc::{self, ErrorCode};
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer};

use crate::diagnostics::{self, Publisher};
use crate::handlers;
use crate::state::{Snapshot, State};
use crate::workspace;

/// The command that returns the YAML a file compiles to (`routec.showCompiled`, argument
/// `{ "uri": ... }`), as the VS Code extension sends it.
pub const SHOW_COMPILED: &str = "routec.showCompiled";

/// The id of the dynamic registration of file watchers.
const WATCHERS_REGISTRATION: &str = "routec/watchers";
const WATCHED_FILES: &str = "workspace/didChangeWatchedFiles";

pub struct Server {
    client: Client,
    shared: Arc<Shared>,
}

struct Shared {
    state: Mutex<State>,
    /// Wakes the diagnostics task: the state changed.
    changed: Notify,
    /// What the client said it supports, from `initialize`.
    client: OnceLock<ClientSupport>,
    /// The inventory files the registered watchers cover, to register again when they change.
    watched_inventories: tokio::sync::Mutex<Option<BTreeSet<PathBuf>>>,
}

#[derive(Clone, Copy, Default)]
struct ClientSupport {
    /// The server may register file watchers itself.
    watch_files: bool,
    /// Watchers may be given a base folder (for inventories outside the workspace).
    relative_patterns: bool,
    /// Completion items may be snippets.
    snippets: bool,
    /// Definitions may be answered with links (the whole definition and its name).
    definition_links: bool,
    /// The outline may be a tree.
    hierarchical_symbols: bool,
    /// Folds cover whole lines.
    line_folding_only: bool,
}

impl ClientSupport {
    fn of(capabilities: &ClientCapabilities) -> ClientSupport {
        let watched = capabilities
            .workspace
            .as_ref()
            .and_then(|w| w.did_change_watched_files.as_ref());
        let text = capabilities.text_document.as_ref();
        ClientSupport {
            watch_files: watched.and_then(|w| w.dynamic_registration) == Some(true),
            relative_patterns: watched.and_then(|w| w.relative_pattern_support) == Some(true),
            snippets: text
                .and_then(|t| t.completion.as_ref())
                .and_then(|c| c.completion_item.as_ref())
                .and_then(|i| i.snippet_support)
                == Some(true),
            definition_links: text
                .and_then(|t| t.definition.as_ref())
                .and_then(|d| d.link_support)
                == Some(true),
            hierarchical_symbols: text
                .and_then(|t| t.document_symbol.as_ref())
                .and_then(|d| d.hierarchical_document_symbol_support)
                == Some(true),
            line_folding_only: text
                .and_then(|t| t.folding_range.as_ref())
                .and_then(|f| f.line_folding_only)
                == Some(true),
        }
    }
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while the lock was held left the state as it was at the panic; going on
        // with it beats refusing every later message.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Server {
    pub fn new(client: Client) -> Server {
        Server {
            client,
            shared: Arc::new(Shared {
                state: Mutex::new(State::new()),
                changed: Notify::new(),
                client: OnceLock::new(),
                watched_inventories: tokio::sync::Mutex::new(None),
            }),
        }
    }

    /// Changes the state (synchronously: call before any `.await`), then wakes the
    /// diagnostics task. A bug that panics here loses this one change, not the server.
    fn update(&self, change: impl FnOnce(&mut State)) {
        let outcome = panic::catch_unwind(AssertUnwindSafe(|| change(&mut self.shared.lock())));
        if outcome.is_err() {
            self.shared.lock().log(
                MessageType::ERROR,
                "route-lsp failed to apply a change (see its standard error); the editor and \
                 the server may disagree on the text until the document is reopened"
                    .to_owned(),
            );
        }
        self.shared.changed.notify_one();
    }

    /// Sends the log messages the last changes produced, and registers file watchers again
    /// when the inventory files changed.
    async fn after_update(&self) {
        let (messages, inventories) = {
            let mut state = self.shared.lock();
            (state.take_messages(), state.inventory_files())
        };
        for (kind, message) in messages {
            self.client.log_message(kind, message).await;
        }
        self.watch(inventories);
    }

    /// Runs a request about one document on a snapshot; `None` when no project holds it.
    async fn query<T: Send + 'static>(
        &self,
        uri: &Uri,
        work: impl FnOnce(&Snapshot) -> Option<T> + Send + 'static,
    ) -> jsonrpc::Result<Option<T>> {
        let Some(snapshot) = self.shared.lock().snapshot(uri) else {
            return Ok(None);
        };
        run_blocking(move || work(&snapshot)).await
    }

    fn support(&self) -> ClientSupport {
        self.shared.client.get().copied().unwrap_or_default()
    }

    /// Registers watchers for `.route` files, `route.toml` files and the inventories, when
    /// the client lets the server do so (VS Code's extension also watches them itself).
    ///
    /// Registration waits for the client's answer, so it runs in a task of its own: a
    /// handler that waited for it would keep the server from exiting when a client leaves
    /// without answering.
    fn watch(&self, inventories: BTreeSet<PathBuf>) {
        let support = self.support();
        if !support.watch_files {
            return;
        }
        let client = self.client.clone();
        let shared = Arc::clone(&self.shared);
        tokio::spawn(async move {
            // Held across the requests, so that registrations happen one at a time and in
            // order.
            let mut watched = shared.watched_inventories.lock().await;
            if watched.as_ref() == Some(&inventories) {
                return;
            }
            if watched.is_some() {
                let _ = client
                    .unregister_capability(vec![Unregistration {
                        id: WATCHERS_REGISTRATION.to_owned(),
                        method: WATCHED_FILES.to_owned(),
                    }])
                    .await;
            }
            let registration = Registration {
                id: WATCHERS_REGISTRATION.to_owned(),
                method: WATCHED_FILES.to_owned(),
                register_options: serde_json::to_value(watchers(&inventories, support)).ok(),
            };
            match client.register_capability(vec![registration]).await {
                Ok(()) => *watched = Some(inventories),
                Err(error) => {
                    client
                        .log_message(
                            MessageType::WARNING,
                            format!("could not register file watchers: {error}"),
                        )
                        .await;
                }
            }
        });
    }
}

/// What the server watches: every `.route` and `route.toml` file of the workspace, and the
/// inventory files, wherever they are.
fn watchers(
    inventories: &BTreeSet<PathBuf>,
    support: ClientSupport,
) -> DidChangeWatchedFilesRegistrationOptions {
    let mut watchers: Vec<FileSystemWatcher> = ["**/*.route", "**/route.toml"]
        .into_iter()
        .map(|glob| FileSystemWatcher {
            glob_pattern: GlobPattern::String(glob.to_owned()),
            kind: None,
        })
        .collect();
    watchers.extend(inventories.iter().filter_map(|file| {
        let glob_pattern = if support.relative_patterns {
            GlobPattern::Relative(RelativePattern {
                base_uri: OneOf::Right(workspace::file_uri(file.parent()?)?),
                pattern: file.file_name()?.to_string_lossy().into_owned(),
            })
        } else {
            GlobPattern::String(file.to_string_lossy().replace('\\', "/"))
        };
        Some(FileSystemWatcher {
            glob_pattern,
            kind: None,
        })
    }));
    DidChangeWatchedFilesRegistrationOptions { watchers }
}

/// Runs request work on a blocking thread (queries are CPU work and must not hold up the
/// message loop), turning salsa's cancellation into `ContentModified` and any other panic
/// into an internal error.
async fn run_blocking<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> jsonrpc::Result<T> {
    match tokio::task::spawn_blocking(move || panic::catch_unwind(AssertUnwindSafe(work))).await {
        Ok(outcome) => settle(outcome),
        Err(error) => Err(internal_error(format!("route-lsp failed: {error}"))),
    }
}

/// A thread of its own for the analyses, which [`publish_diagnostics`] runs one at a time.
///
/// An analysis after an edit allocates the edited file's new tokens, and the next one frees
/// them. The allocator returns memory freed on another thread than the one that allocated it
/// to that thread only when it allocates again, so analyses spread over the blocking pool left
/// tokens behind on idle threads: route-lsp on one 100k-route file peaked anywhere between
/// 540 and 770 MB over 200 edits, when an edit lexed the file whole.
struct AnalysisThread {
    jobs: std::sync::mpsc::Sender<Box<dyn FnOnce() + Send>>,
}

impl AnalysisThread {
    fn start() -> std::io::Result<Self> {
        let (jobs, inbox) = std::sync::mpsc::channel::<Box<dyn FnOnce() + Send>>();
        std::thread::Builder::new()
            .name("route-lsp-analysis".to_owned())
            .spawn(move || inbox.into_iter().for_each(|job| job()))?;
        Ok(AnalysisThread { jobs })
    }

    /// Runs `work` there, with [`run_blocking`]'s treatment of panics.
    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> jsonrpc::Result<T> {
        let (reply, answer) = tokio::sync::oneshot::channel();
        let job = Box::new(move || {
            let _ = reply.send(panic::catch_unwind(AssertUnwindSafe(work)));
        });
        let stopped = || internal_error("route-lsp failed: the analysis thread stopped".into());
        self.jobs.send(job).map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped()).and_then(settle)
    }
}

/// The result of work run under `catch_unwind`: salsa's cancellation becomes
/// `ContentModified`, any other panic an internal error.
fn settle<T>(outcome: std::thread::Result<T>) -> jsonrpc::Result<T> {
    match outcome {
        Ok(value) => Ok(value),
        Err(payload) if payload.is::<salsa::Cancelled>() => Err(jsonrpc::Error {
            code: ErrorCode::ContentModified,
            message: "the document changed".into(),
            data: None,
        }),
        Err(payload) => {
            let why = payload
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "a panic".to_owned());
            Err(internal_error(format!("route-lsp failed: {why}")))
        }
    }
}

fn internal_error(message: String) -> jsonrpc::Error {
    jsonrpc::Error {
        code: ErrorCode::InternalError,
        message: message.into(),
        data: None,
    }
}

/// Computes and publishes diagnostics after every change, one analysis at a time (see
/// [`crate::diagnostics`]).
async fn publish_diagnostics(client: Client, shared: Arc<Shared>) {
    let thread = match AnalysisThread::start() {
        Ok(thread) => thread,
        Err(error) => {
            let message = format!("route-lsp cannot start its analysis thread: {error}");
            client.log_message(MessageType::ERROR, message).await;
            return;
        }
    };
    let mut publisher = Publisher::default();
    let mut owed: HashSet<Uri> = HashSet::new();
    loop {
        shared.changed.notified().await;
        let (analysis, newly_owed) = shared.lock().analysis();
        owed.extend(newly_owed);
        let (parses, open) = (analysis.db.parses(), analysis.open_files());
        match thread.run(move || diagnostics::analyze(&analysis)).await {
            Ok(files) => {
                for file in publisher.publications(files, &owed) {
                    client
                        .publish_diagnostics(file.uri, file.diagnostics, file.version)
                        .await;
                }
                owed.clear();
                // An open document is about to be edited: lex it now, after its diagnostics
                // are out, rather than whole at its first keystroke (a quarter of a second
                // for a 100k-route file). Without a database handle, so that an edit meanwhile
                // does not wait for it.
                if let Some(parses) = parses {
                    let _ = thread
                        .run(move || open.into_iter().for_each(|file| parses.keep_lexing(file)))
                        .await;
                }
            }
            // A newer change cancelled the analysis and has woken this task again; what was
            // owed is published by the next round.
            Err(error) if error.code == ErrorCode::ContentModified => {}
            Err(error) => {
                client
                    .log_message(
                        MessageType::ERROR,
                        format!("computing diagnostics: {}", error.message),
                    )
                    .await;
            }
        }
    }
}

impl LanguageServer for Server {
    async fn initialize(&self, params: InitializeParams) -> jsonrpc::Result<InitializeResult> {
        let _ = self
            .shared
            .client
            .set(ClientSupport::of(&params.capabilities));
        #[allow(deprecated)] // `root_uri` is what clients without workspace folders send.
        let folders: Vec<PathBuf> = match params.workspace_folders {
            Some(folders) => folders
                .iter()
                .filter_map(|folder| workspace::file_path(&folder.uri))
                .collect(),
            None => params
                .root_uri
                .as_ref()
                .and_then(workspace::file_path)
                .into_iter()
                .collect(),
        };
        self.shared.lock().set_folders(folders);
        Ok(InitializeResult {
            capabilities: capabilities(),
            server_info: Some(ServerInfo {
                name: "route-lsp".to_owned(),
                version: Some(env!("CARGO_PKG_VERSION").to_owned()),
            }),
            offset_encoding: None,
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        // Projects are read here, before any document is opened: handlers start in the order
        // the client sent them and this runs to completion before the first `.await`.
        self.update(|state| state.load_workspace());
        tokio::spawn(publish_diagnostics(
            self.client.clone(),
            Arc::clone(&self.shared),
        ));
        self.after_update().await;
    }

    async fn shutdown(&self) -> jsonrpc::Result<()> {
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let document = params.text_document;
        self.update(|state| state.open(document.uri, document.version, document.text));
        self.after_update().await;
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let document = params.text_document;
        self.update(|state| state.change(&document.uri, document.version, params.content_changes));
        self.after_update().await;
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        self.update(|state| state.close(&params.text_document.uri));
        self.after_update().await;
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        self.update(|state| state.files_changed(&params.changes));
        self.after_update().await;
    }

    async fn did_change_workspace_folders(&self, params: DidChangeWorkspaceFoldersParams) {
        let added: Vec<PathBuf> = params
            .event
            .added
            .iter()
            .filter_map(|folder| workspace::file_path(&folder.uri))
            .collect();
        let removed: Vec<PathBuf> = params
            .event
            .removed
            .iter()
            .filter_map(|folder| workspace::file_path(&folder.uri))
            .collect();
        self.update(|state| state.change_folders(added, removed));
        self.after_update().await;
    }

    async fn formatting(
        &self,
        params: DocumentFormattingParams,
    ) -> jsonrpc::Result<Option<Vec<TextEdit>>> {
        self.query(&params.text_document.uri, handlers::formatting::format)
            .await
    }

    async fn hover(&self, params: HoverParams) -> jsonrpc::Result<Option<Hover>> {
        let at = params.text_document_position_params;
        self.query(&at.text_document.uri, move |snapshot| {
            handlers::hover::hover(snapshot, at.position)
        })
        .await
    }

    async fn completion(
        &self,
        params: CompletionParams,
    ) -> jsonrpc::Result<Option<CompletionResponse>> {
        let at = params.text_document_position;
        let snippets = self.support().snippets;
        self.query(&at.text_document.uri, move |snapshot| {
            handlers::completion::completion(snapshot, at.position, snippets)
        })
        .await
    }

    async fn goto_definition(
        &self,
        params: GotoDefinitionParams,
    ) -> jsonrpc::Result<Option<GotoDefinitionResponse>> {
        let at = params.text_document_position_params;
        let links = self.support().definition_links;
        self.query(&at.text_document.uri, move |snapshot| {
            handlers::navigation::definition(snapshot, at.position, links)
        })
        .await
    }

    async fn references(&self, params: ReferenceParams) -> jsonrpc::Result<Option<Vec<Location>>> {
        let at = params.text_document_position;
        let declaration = params.context.include_declaration;
        self.query(&at.text_document.uri, move |snapshot| {
            handlers::navigation::references(snapshot, at.position, declaration)
        })
        .await
    }

    async fn prepare_rename(
        &self,
        params: TextDocumentPositionParams,
    ) -> jsonrpc::Result<Option<PrepareRenameResponse>> {
        let answer = self
            .query(&params.text_document.uri, move |snapshot| {
                Some(handlers::navigation::prepare_rename(
                    snapshot,
                    params.position,
                ))
            })
            .await?;
        answer
            .transpose()
            .map_err(handlers::navigation::rename_error)
    }

    async fn rename(&self, params: RenameParams) -> jsonrpc::Result<Option<WorkspaceEdit>> {
        let at = params.text_document_position;
        let new_name = params.new_name;
        let answer = self
            .query(&at.text_document.uri, move |snapshot| {
                Some(handlers::navigation::rename(
                    snapshot,
                    at.position,
                    &new_name,
                ))
            })
            .await?;
        answer
            .transpose()
            .map_err(handlers::navigation::rename_error)
    }

    async fn document_symbol(
        &self,
        params: DocumentSymbolParams,
    ) -> jsonrpc::Result<Option<DocumentSymbolResponse>> {
        let hierarchical = self.support().hierarchical_symbols;
        self.query(&params.text_document.uri, move |snapshot| {
            handlers::symbols::document_symbols(snapshot, hierarchical)
        })
        .await
    }

    async fn symbol(
        &self,
        params: WorkspaceSymbolParams,
    ) -> jsonrpc::Result<Option<WorkspaceSymbolResponse>> {
        let (db, layout) = self.shared.lock().workspace();
        run_blocking(move || {
            Some(handlers::symbols::workspace_symbols(
                &db,
                &layout,
                &params.query,
            ))
        })
        .await
    }

    async fn semantic_tokens_full(
        &self,
        params: SemanticTokensParams,
    ) -> jsonrpc::Result<Option<SemanticTokensResult>> {
        self.query(
            &params.text_document.uri,
            handlers::semantic::semantic_tokens,
        )
        .await
    }

    async fn folding_range(
        &self,
        params: FoldingRangeParams,
    ) -> jsonrpc::Result<Option<Vec<FoldingRange>>> {
        let line_folding_only = self.support().line_folding_only;
        self.query(&params.text_document.uri, move |snapshot| {
            handlers::folding::folding_ranges(snapshot, line_folding_only)
        })
        .await
    }

    async fn code_action(
        &self,
        params: CodeActionParams,
    ) -> jsonrpc::Result<Option<CodeActionResponse>> {
        self.query(&params.text_document.uri, move |snapshot| {
            handlers::actions::code_actions(snapshot, params.range, &params.context.diagnostics)
        })
        .await
    }

    async fn inlay_hint(&self, params: InlayHintParams) -> jsonrpc::Result<Option<Vec<InlayHint>>> {
        self.query(&params.text_document.uri, move |snapshot| {
            handlers::inlay::inlay_hints(snapshot, params.range)
        })
        .await
    }

    async fn execute_command(
        &self,
        params: ExecuteCommandParams,
    ) -> jsonrpc::Result<Option<LSPAny>> {
        match params.command.as_str() {
            SHOW_COMPILED => {
                let uri = handlers::commands::uri_argument(&params.arguments)?;
                let yaml = self
                    .query(&uri, handlers::commands::show_compiled)
                    .await?
                    .ok_or_else(|| {
                        jsonrpc::Error::invalid_params(format!(
                            "{} is not a file of a route project",
                            uri.as_str()
                        ))
                    })?;
                Ok(Some(Value::String(yaml)))
            }
            other => Err(jsonrpc::Error::invalid_params(format!(
                "unknown command `{other}`"
            ))),
        }
    }
}

/// What the server can do.
fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                ..TextDocumentSyncOptions::default()
            },
        )),
        document_formatting_provider: Some(OneOf::Left(true)),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(
                handlers::completion::TRIGGER_CHARACTERS
                    .iter()
                    .map(|c| (*c).to_owned())
                    .collect(),
            ),
            ..CompletionOptions::default()
        }),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        rename_provider: Some(OneOf::Right(RenameOptions {
            prepare_provider: Some(true),
            work_done_progress_options: WorkDoneProgressOptions::default(),
        })),
        document_symbol_provider: Some(OneOf::Left(true)),
        workspace_symbol_provider: Some(OneOf::Left(true)),
        semantic_tokens_provider: Some(SemanticTokensServerCapabilities::SemanticTokensOptions(
            SemanticTokensOptions {
                legend: handlers::semantic::legend(),
                full: Some(SemanticTokensFullOptions::Bool(true)),
                ..SemanticTokensOptions::default()
            },
        )),
        folding_range_provider: Some(FoldingRangeProviderCapability::Simple(true)),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
            ..CodeActionOptions::default()
        })),
        inlay_hint_provider: Some(OneOf::Left(true)),
        execute_command_provider: Some(ExecuteCommandOptions {
            commands: vec![SHOW_COMPILED.to_owned()],
            work_done_progress_options: WorkDoneProgressOptions::default(),
        }),
        workspace: Some(WorkspaceServerCapabilities {
            workspace_folders: Some(WorkspaceFoldersServerCapabilities {
                supported: Some(true),
                change_notifications: Some(OneOf::Left(true)),
            }),
            file_operations: None,
        }),
        ..ServerCapabilities::default()
    }
}
