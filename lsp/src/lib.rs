//! The route language server: LSP over the same salsa database as the `routec` CLI.
//!
//! This is the only crate that knows LSP, JSON-RPC and UTF-16. The language core
//! (`route_lang`, including its `ide` layer) works in byte offsets and plain structs; this
//! crate converts positions ([`convert`]), keeps the editor's view of the workspace in one
//! database (`state.rs`), publishes diagnostics (`diagnostics.rs`) and answers requests (one
//! module per request family), as rust-analyzer's `rust-analyzer` crate does for its `ide`.
//!
//! Concurrency model: tower-lsp-server polls handlers concurrently, so every notification
//! that changes the database does so synchronously, before its first `.await`, which keeps
//! edits in the order the client sent them. Queries never run on the server's own database:
//! they run on a clone (a salsa snapshot) on a blocking thread, and the next edit cancels
//! them — salsa unwinds them with `salsa::Cancelled`, which the request turns into
//! `ContentModified`. That needs unwinding, so no profile may set `panic = "abort"`.

pub mod convert;
mod diagnostics;
mod handlers;
mod server;
mod state;
mod workspace;

use tower_lsp_server::{LspService, Server};

/// Serves one client over stdin and stdout until it exits.
pub async fn serve_stdio() {
    let (service, socket) = LspService::new(server::Server::new);
    Server::new(tokio::io::stdin(), tokio::io::stdout(), socket)
        .serve(service)
        .await;
}
