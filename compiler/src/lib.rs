//! routec: the compiler of the route language and its command line.
//!
//! - [`project`] reads a project from disk (sources, `route.toml`, inventory) into a database;
//! - [`render`] prints diagnostics for people (ariadne), for tools (JSON) and for GitHub;
//! - [`cli`] defines the `routec` commands;
//! - [`resources`] models the Gloo Mesh resources the compiler emits.

pub mod cli;
pub mod project;
pub mod render;
pub mod resources;
