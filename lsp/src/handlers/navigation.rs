//! Go to definition, find references and rename, across the files of the project.

use std::collections::HashMap;

use route_lang::db::SourceFile;
use route_lang::ide::{self, RenameError, TextRange};
use tower_lsp_server::jsonrpc::{self, ErrorCode};
use tower_lsp_server::ls_types::{
    GotoDefinitionResponse, Location, LocationLink, Position, PrepareRenameResponse, TextEdit, Uri,
    WorkspaceEdit,
};

use crate::state::Snapshot;

pub fn definition(
    snapshot: &Snapshot,
    position: Position,
    links: bool,
) -> Option<GotoDefinitionResponse> {
    let offset = snapshot.lines(snapshot.file).offset(position);
    let target = ide::definition(&snapshot.db, snapshot.project, snapshot.file, offset)?;
    let lines = snapshot.lines(target.file);
    let uri = snapshot.uri(target.file)?;
    Some(if links {
        GotoDefinitionResponse::Link(vec![LocationLink {
            origin_selection_range: None,
            target_uri: uri,
            target_range: lines.range(target.full_range),
            target_selection_range: lines.range(target.focus_range),
        }])
    } else {
        GotoDefinitionResponse::Scalar(Location::new(uri, lines.range(target.focus_range)))
    })
}

pub fn references(
    snapshot: &Snapshot,
    position: Position,
    include_declaration: bool,
) -> Option<Vec<Location>> {
    let offset = snapshot.lines(snapshot.file).offset(position);
    let places = ide::references(
        &snapshot.db,
        snapshot.project,
        snapshot.file,
        offset,
        include_declaration,
    );
    Some(
        places
            .into_iter()
            .filter_map(|(file, range)| snapshot.location(file, range))
            .collect(),
    )
}

pub fn prepare_rename(
    snapshot: &Snapshot,
    position: Position,
) -> Result<PrepareRenameResponse, RenameError> {
    let lines = snapshot.lines(snapshot.file);
    let range = ide::prepare_rename(
        &snapshot.db,
        snapshot.project,
        snapshot.file,
        lines.offset(position),
    )?;
    Ok(PrepareRenameResponse::Range(lines.range(range)))
}

pub fn rename(
    snapshot: &Snapshot,
    position: Position,
    new_name: &str,
) -> Result<WorkspaceEdit, RenameError> {
    let offset = snapshot.lines(snapshot.file).offset(position);
    let edits = ide::rename(
        &snapshot.db,
        snapshot.project,
        snapshot.file,
        offset,
        new_name,
    )?;
    Ok(workspace_edit(snapshot, edits))
}

/// A rename that cannot be done, as the error the editor shows (LSP `RequestFailed`).
pub fn rename_error(error: RenameError) -> jsonrpc::Error {
    jsonrpc::Error {
        code: ErrorCode::ServerError(-32803),
        message: error.0.into(),
        data: None,
    }
}

/// Replacements in files of the project as a workspace edit.
pub fn workspace_edit(
    snapshot: &Snapshot,
    edits: Vec<(SourceFile, TextRange, String)>,
) -> WorkspaceEdit {
    let mut changes: HashMap<Uri, Vec<TextEdit>> = HashMap::new();
    for (file, range, text) in edits {
        if let Some(uri) = snapshot.uri(file) {
            let range = snapshot.lines(file).range(range);
            changes
                .entry(uri)
                .or_default()
                .push(TextEdit::new(range, text));
        }
    }
    WorkspaceEdit {
        changes: Some(changes),
        ..WorkspaceEdit::default()
    }
}
