//! Helpers shared by the compiler's integration tests (`mod support;` in each test file).

pub mod schema;
