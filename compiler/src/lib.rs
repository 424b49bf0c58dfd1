//! routec: the compiler of the route language and its command line.
//!
//! - [`project`] reads a project from disk (sources, `route.toml`, inventory) into a database,
//!   parsing inventories through [`inventory_cache`];
//! - [`render`] prints diagnostics for people (ariadne), for tools (JSON) and for GitHub;
//! - [`cli`] defines the `routec` commands;
//! - [`cluster`] imports inventories from manifests and live clusters, and applies, diffs
//!   and prunes resources on the management cluster;
//! - [`resources`] models the Gloo Mesh resources the compiler emits;
//! - [`emit`] writes them as YAML or JSON, and [`outdir`] keeps an output folder in sync;
//! - [`allocator`] is the global allocator of the binaries (mimalloc).

pub mod allocator;
pub mod cli;
#[cfg(feature = "cluster")]
pub mod cluster;
pub mod emit;
pub mod inventory_cache;
pub mod lower;
pub mod outdir;
pub mod prime;
pub mod project;
pub mod render;
pub mod resources;
