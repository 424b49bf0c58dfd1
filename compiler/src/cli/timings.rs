//! `--timings` of `check` and `build`: how long each phase of the command took, printed on
//! stderr when it ends, so that where the time of a slow run goes shows without a profiler.
//!
//! A phase is timed on the calling thread from the end of the one before, from the command's
//! start (after the command line is read). The work of a phase runs on every core, so its
//! time is wall-clock time, not CPU time.

use std::fmt::Write as _;
use std::io;
use std::time::{Duration, Instant};

use super::Console;

/// The phases timed so far; nothing is measured unless `--timings` was given.
pub struct Timings {
    /// When the command started and when the last phase ended; `None` when not timing.
    clock: Option<(Instant, Instant)>,
    phases: Vec<(&'static str, Duration)>,
}

impl Timings {
    pub fn new(enabled: bool) -> Timings {
        let now = Instant::now();
        Timings {
            clock: enabled.then_some((now, now)),
            phases: Vec::new(),
        }
    }

    /// Ends the phase `name`, which started where the last one ended.
    pub fn phase(&mut self, name: &'static str) {
        if let Some((_, last)) = &mut self.clock {
            let now = Instant::now();
            self.phases.push((name, now - *last));
            *last = now;
        }
    }

    /// `timings: load 5.52 ms, check 7.10 ms, … (19.17 ms in all)` on stderr.
    pub fn report(&self, console: &mut Console) -> io::Result<()> {
        let Some((start, last)) = self.clock else {
            return Ok(());
        };
        let mut line = String::from("timings:");
        for (i, (name, took)) in self.phases.iter().enumerate() {
            let separator = if i == 0 { " " } else { ", " };
            let _ = write!(line, "{separator}{name} {}", millis(*took));
        }
        let _ = write!(line, " ({} in all)", millis(last - start));
        console.line(line)
    }
}

fn millis(duration: Duration) -> String {
    format!("{:.2} ms", duration.as_secs_f64() * 1000.0)
}
