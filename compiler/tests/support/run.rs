//! Running the `routec` binary as a user does, for the end-to-end tests.

use std::path::Path;
use std::process::Command;

/// What one run of `routec` did.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `routec ARGS` in `dir`, without colour, and checks that it did not crash: whatever
/// the input, a failure is a line of text.
pub fn routec(dir: &Path, args: &[&str]) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_routec"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("RUST_BACKTRACE")
        .output()
        .expect("routec runs");
    let run = Run {
        code: output.status.code().expect("routec exits normally"),
        stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
    };
    assert!(
        !run.stderr.contains("panicked") && !run.stderr.contains("RUST_BACKTRACE"),
        "routec panicked:\n{}",
        run.stderr
    );
    run
}
