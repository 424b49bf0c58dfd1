//! Helpers shared by the compiler's integration tests (`mod support;` in each test file).

#![allow(dead_code)] // each test binary uses part of this module

pub mod run;
pub mod schema;
