//! The route language: syntax, the cluster inventory model, the incremental checker and the
//! formatter. Pure: no I/O, no network, no async — callers supply file contents and the
//! inventory as salsa inputs ([`db`]).

pub mod check;
pub mod codes;
pub mod config;
pub mod db;
pub mod diagnostic;
pub mod explain;
pub mod fmt;
pub mod ide;
pub mod inventory;
pub mod source_error;
pub mod suggest;
pub mod syntax;
