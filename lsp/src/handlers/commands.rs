//! `workspace/executeCommand`: `routec.showCompiled`, the YAML a file's items compile to.

use serde::Deserialize;
use serde_json::Value;
use tower_lsp_server::jsonrpc;
use tower_lsp_server::ls_types::Uri;

use routec::emit::{self, Format};
use routec::lower::build_file;

use crate::state::Snapshot;

/// The document a command is about: its one argument is `{ "uri": ... }`.
pub fn uri_argument(arguments: &[Value]) -> jsonrpc::Result<Uri> {
    #[derive(Deserialize)]
    struct Argument {
        uri: Uri,
    }
    match arguments {
        [argument] => serde_json::from_value::<Argument>(argument.clone())
            .map(|argument| argument.uri)
            .map_err(|error| jsonrpc::Error::invalid_params(format!("bad argument: {error}"))),
        _ => Err(jsonrpc::Error::invalid_params(
            "expected one argument, { \"uri\": \"file:///...\" }",
        )),
    }
}

/// The YAML of the resources the file's items compile to, as `routec build` writes them. The
/// project may have errors: the preview shows what the lowering makes of it anyway.
pub fn show_compiled(snapshot: &Snapshot) -> Option<String> {
    let resources = build_file(&snapshot.db, snapshot.project, snapshot.file);
    if resources.is_empty() {
        return Some(
            "# This file compiles to no resources: it has no gateway, destination or route \
             table, and no policy that reaches a route.\n"
                .to_owned(),
        );
    }
    let mut out = Vec::new();
    Some(match emit::stream(&mut out, &resources, Format::Yaml) {
        Ok(()) => String::from_utf8_lossy(&out).into_owned(),
        Err(error) => format!("# routec could not write the resources: {error}\n"),
    })
}
