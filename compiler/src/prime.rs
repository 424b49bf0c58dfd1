//! Priming the database on every core before a command reads it in order.
//!
//! The queries are pure and memoized, and a clone of the database is a handle on the same
//! storage: what a thread computes on its clone, the sequential code that follows finds done.
//! So `check` and `build` first parse every file and check (or lower) every item on all cores,
//! then collect the results in their deterministic order exactly as they would without this
//! step — which is why priming cannot change any output, only when the work happens.
//! rust-analyzer primes its caches the same way when a workspace opens.
//!
//! Work is handed out in small batches from a shared counter, so a thread that draws cheap
//! items takes more of them; items that depend on each other (a table's summary read while
//! checking another) are computed once, salsa making the second reader wait for the first.

use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicUsize, Ordering};

use route_lang::check::check_item;
use route_lang::db::{Database, ItemTag, Project, SourceFile, file_diagnostics, file_items};

use crate::lower;

/// Items a thread takes at once: enough to make the shared counter cheap, few enough to
/// balance the load at the end.
const BATCH: usize = 16;

/// The most threads priming uses: beyond this the project's shared queries, not the cores,
/// bound the speed-up.
const MAX_THREADS: usize = 8;

/// Parses every file and checks every item of the project.
pub fn check(db: &Database, project: Project) {
    check_items(db, project, &parse(db, project));
}

/// Checks the project as [`check`] does and, when no file has an error, lowers every item.
pub fn build(db: &Database, project: Project) {
    let mut items = parse(db, project);
    check_items(db, project, &items);
    let has_errors = project
        .files(db)
        .iter()
        .any(|&file| lower::has_errors(file_diagnostics(db, project, file)));
    if has_errors {
        return;
    }
    // A policy's lowering reads what reaches every route of the project (`policy_usage`), one
    // query that a single thread computes while any other that needs it waits. Lowering the
    // tables first computes the parts of it (each table's reach) on every core.
    items.sort_by_key(|&(file, i)| {
        let tag = file_items(db, file).get(i).map(|item| item.tag(db));
        tag != Some(ItemTag::Routes)
    });
    in_parallel(db, &items, |db, &(file, i)| {
        if let Some(&item) = file_items(db, file).get(i) {
            lower::lower_item(db, project, item);
        }
    });
}

fn check_items(db: &Database, project: Project, items: &[(SourceFile, usize)]) {
    in_parallel(db, items, |db, &(file, i)| {
        if let Some(&item) = file_items(db, file).get(i) {
            check_item(db, project, item);
        }
    });
}

/// Parses the files of the project, one file per task, and returns every item as its file
/// and its index there: a handle that every clone of the database can resolve.
fn parse(db: &Database, project: Project) -> Vec<(SourceFile, usize)> {
    let files = project.files(db);
    in_parallel(db, files, |db, &file| {
        file_items(db, file);
    });
    files
        .iter()
        .flat_map(|&file| (0..file_items(db, file).len()).map(move |i| (file, i)))
        .collect()
}

/// Runs `job` on every element of `work` on up to [`MAX_THREADS`] threads, the calling one
/// included. On a single core it does nothing: the sequential code will do the work anyway.
fn in_parallel<T: Sync>(db: &Database, work: &[T], job: impl Fn(&Database, &T) + Sync) {
    let threads = std::thread::available_parallelism()
        .map_or(1, NonZeroUsize::get)
        .min(MAX_THREADS)
        .min(work.len().div_ceil(BATCH));
    if threads <= 1 {
        return;
    }
    let next = AtomicUsize::new(0);
    let drain = |db: &Database| {
        loop {
            let start = next.fetch_add(BATCH, Ordering::Relaxed);
            if start >= work.len() {
                break;
            }
            for element in &work[start..(start + BATCH).min(work.len())] {
                job(db, element);
            }
        }
    };
    std::thread::scope(|scope| {
        for _ in 1..threads {
            let db = db.clone();
            let drain = &drain;
            scope.spawn(move || drain(&db));
        }
        drain(db);
    });
}
