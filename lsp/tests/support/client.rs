//! A small LSP client for tests: it starts the real `route-lsp` binary and speaks JSON-RPC
//! over its stdin and stdout (`Content-Length` framing), answers the server's own requests
//! (`client/registerCapability`, ...) with `null`, and keeps every `publishDiagnostics` it
//! receives.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// How long any one answer may take before the test fails instead of hanging.
const TIMEOUT: Duration = Duration::from_secs(20);

pub struct Client {
    child: Child,
    stdin: ChildStdin,
    messages: Receiver<Value>,
    next_id: i64,
    /// `textDocument/publishDiagnostics` parameters, in arrival order.
    pub diagnostics: VecDeque<Value>,
    /// The server's answer to `initialize`.
    pub initialize_result: Value,
}

impl Client {
    /// Starts the server and initializes it with `root` as the one workspace folder.
    pub fn start(root: &Path) -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_route-lsp"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("route-lsp starts");
        let stdin = child.stdin.take().expect("piped stdin");
        let stdout = child.stdout.take().expect("piped stdout");
        let (sender, messages) = mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(message) = read_message(&mut reader) {
                if sender.send(message).is_err() {
                    break;
                }
            }
        });
        let mut client = Client {
            child,
            stdin,
            messages,
            next_id: 1,
            diagnostics: VecDeque::new(),
            initialize_result: Value::Null,
        };
        let root_uri = uri(root);
        let capabilities = json!({
            "workspace": {
                "didChangeWatchedFiles": { "dynamicRegistration": true, "relativePatternSupport": true },
                "workspaceFolders": true
            },
            "textDocument": {
                "completion": { "completionItem": { "snippetSupport": true } },
                "definition": { "linkSupport": true },
                "documentSymbol": { "hierarchicalDocumentSymbolSupport": true },
                "foldingRange": { "lineFoldingOnly": true },
                "publishDiagnostics": { "relatedInformation": true, "versionSupport": true }
            }
        });
        let result = client.request(
            "initialize",
            json!({
                "processId": null,
                "capabilities": capabilities,
                "workspaceFolders": [{ "uri": root_uri, "name": "root" }]
            }),
        );
        client.initialize_result = result.expect("initialize succeeds");
        client.notify("initialized", json!({}));
        client
    }

    /// Sends a request and waits for its answer: `Ok(result)` or `Err(error)`.
    pub fn request(&mut self, method: &str, params: Value) -> Result<Value, Value> {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let message = self.receive(deadline, method);
            if message.get("method").is_none() && message["id"] == json!(id) {
                return match message.get("error") {
                    Some(error) => Err(error.clone()),
                    None => Ok(message["result"].clone()),
                };
            }
            self.handle(message);
        }
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    /// Waits until `done` holds for the diagnostics received so far.
    pub fn wait_for_diagnostics(
        &mut self,
        what: &str,
        mut done: impl FnMut(&VecDeque<Value>) -> bool,
    ) {
        let deadline = Instant::now() + TIMEOUT;
        while !done(&self.diagnostics) {
            let message = self.receive(deadline, what);
            self.handle(message);
        }
    }

    /// Shuts the server down as a client does, and checks that it exits.
    pub fn shutdown(&mut self) {
        let answer = self.request("shutdown", Value::Null);
        assert_eq!(answer, Ok(Value::Null));
        self.notify("exit", Value::Null);
        let deadline = Instant::now() + TIMEOUT;
        loop {
            match self.child.try_wait() {
                Ok(Some(_)) => return,
                Ok(None) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(10))
                }
                _ => panic!("route-lsp did not exit after `exit`"),
            }
        }
    }

    fn handle(&mut self, message: Value) {
        match message.get("method").and_then(Value::as_str) {
            Some("textDocument/publishDiagnostics") => {
                self.diagnostics.push_back(message["params"].clone());
            }
            // A request from the server: registrations, refreshes. Accept them all.
            Some(_) if message.get("id").is_some() => {
                let id = message["id"].clone();
                self.send(&json!({ "jsonrpc": "2.0", "id": id, "result": null }));
            }
            _ => {}
        }
    }

    fn receive(&mut self, deadline: Instant, what: &str) -> Value {
        let left = deadline.saturating_duration_since(Instant::now());
        match self.messages.recv_timeout(left) {
            Ok(message) => message,
            Err(RecvTimeoutError::Timeout) => panic!("no answer from route-lsp for {what}"),
            Err(RecvTimeoutError::Disconnected) => {
                panic!("route-lsp exited while waiting for {what}")
            }
        }
    }

    fn send(&mut self, message: &Value) {
        let body = message.to_string();
        let framed = format!("Content-Length: {}\r\n\r\n{body}", body.len());
        self.stdin
            .write_all(framed.as_bytes())
            .and_then(|()| self.stdin.flush())
            .expect("route-lsp reads its stdin");
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        // A test that failed half-way must not leave a server behind.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn read_message(reader: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(value) = line.strip_prefix("Content-Length:") {
            length = value.trim().parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    reader.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

/// The `file:` URI of a path, as the server writes it.
pub fn uri(path: &Path) -> String {
    tower_lsp_server::ls_types::Uri::from_file_path(path)
        .map(|uri| uri.as_str().to_owned())
        .expect("an absolute path")
}
