//! Request handlers, one module per request family. Each takes a [`crate::state::Snapshot`]
//! and the request's parameters, asks `route_lang` (mostly its `ide` layer, which works in
//! bytes), and converts the answer to LSP types. They run on blocking threads, may be
//! cancelled by salsa at any query, and never see the server's state.

pub mod actions;
pub mod commands;
pub mod completion;
pub mod folding;
pub mod formatting;
pub mod hover;
pub mod inlay;
pub mod navigation;
pub mod semantic;
pub mod symbols;
