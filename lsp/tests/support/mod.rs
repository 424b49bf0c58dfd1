//! Shared by the language server's integration tests: a client that drives the real
//! `route-lsp` binary, and the fixture format.

pub mod client;
pub mod fixture;
