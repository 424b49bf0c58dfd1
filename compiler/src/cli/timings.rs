//! `--timings` of `check` and `build`: how long each phase of the command took, printed on
//! stderr when it ends, so that where the time of a slow run goes shows without a profiler.
//!
//! A phase is timed on the calling thread from the end of the one before, from the command's
//! start (after the command line is read). The work of a phase runs on every core, so its
//! time is wall-clock time, not CPU time; a second line gives, for each task of the parallel
//! phases, when each thread ran its share ([`crate::prime::TaskSpan`]), from the same start:
//! whether the threads started and finished together.

use std::fmt::Write as _;
use std::io;
use std::time::{Duration, Instant};

use super::Console;
use crate::prime::TaskSpan;

/// The phases timed so far; nothing is measured unless `--timings` was given.
pub struct Timings {
    /// When the command started and when the last phase ended; `None` when not timing.
    clock: Option<(Instant, Instant)>,
    phases: Vec<(&'static str, Duration)>,
}

impl Timings {
    pub fn new(enabled: bool) -> Timings {
        let now = Instant::now();
        if enabled {
            crate::prime::record_tasks(now);
        }
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

    /// `timings: load 5.52 ms, check 7.10 ms, … (19.17 ms in all)` and `tasks: inventory
    /// 0.46–2.70 ms on routec-1; parse 1.38–6.05 on routec-0, 2.72–2.72 on routec-1; …` on
    /// stderr.
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
        console.line(line)?;
        let spans = crate::prime::recorded_tasks();
        if spans.is_empty() {
            return Ok(());
        }
        console.line(tasks_line(&spans))
    }
}

/// The tasks' spans, by task in the order they first started.
fn tasks_line(spans: &[TaskSpan]) -> String {
    let mut tasks: Vec<(&str, Vec<&TaskSpan>)> = Vec::new();
    for span in spans {
        match tasks.iter_mut().find(|(task, _)| *task == span.task) {
            Some((_, of_task)) => of_task.push(span),
            None => tasks.push((span.task, vec![span])),
        }
    }
    let mut line = String::from("tasks:");
    for (i, (task, of_task)) in tasks.iter().enumerate() {
        let separator = if i == 0 { " " } else { "; " };
        let _ = write!(line, "{separator}{task}");
        for (j, span) in of_task.iter().enumerate() {
            let separator = if j == 0 { " " } else { ", " };
            let unit = if i == 0 && j == 0 { " ms" } else { "" };
            let _ = write!(
                line,
                "{separator}{:.2}–{:.2}{unit} on {}",
                span.start.as_secs_f64() * 1000.0,
                span.end.as_secs_f64() * 1000.0,
                span.thread
            );
        }
    }
    line
}

fn millis(duration: Duration) -> String {
    format!("{:.2} ms", duration.as_secs_f64() * 1000.0)
}
