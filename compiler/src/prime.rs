//! Work on every core: reading a project (its inventory is decoded while the caller reads and
//! parses its sources), priming the database before a command reads it in order, and writing a
//! build's documents.
//!
//! The queries are pure and memoized, and a clone of the database is a handle on the same
//! storage: what a thread computes on its clone, the sequential code that follows finds done.
//! So [`crate::project::load`] parses every file on all cores ([`parse_files`]), `check` and
//! `build` check every item on all cores, and the commands then collect the results in their
//! deterministic order exactly as they would without this step — which is why priming cannot
//! change any output, only when the work happens.
//! rust-analyzer primes its caches the same way when a workspace opens.
//!
//! A build's resources are the exception: they are needed once, as text, and take several
//! times the memory of their source, so [`documents`] lowers and writes each item on whichever
//! core draws it, keeps only the text, and sorts the documents into output order at the end.
//!
//! Work is handed out in small batches from a shared counter, so a thread that draws cheap
//! items takes more of them; items that depend on each other (a table's summary read while
//! checking another) are computed once, salsa making the second reader wait for the first.

use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock, PoisonError};
use std::time::{Duration, Instant};

use route_lang::check::{check_item, project_checks, summarize};
use route_lang::db::{Database, Item, ItemTag, Project, SourceFile, file_diagnostics, file_items};

use crate::emit::{self, Document, EmitError, Format};
use crate::lower;

/// Items a thread takes at once: few, because one item can be a table of a hundred routes and
/// the threads should run out of work together; the shared counter costs nothing next to an
/// item.
const BATCH: usize = 2;

/// The most threads used: beyond this the project's shared queries, not the cores, bound the
/// speed-up.
const MAX_THREADS: usize = 8;

/// Parses `files`, one file per task, on every core: what [`crate::project::load`] does as
/// soon as it has read them.
pub fn parse_files(db: &Database, files: &[SourceFile]) {
    in_parallel(db, files, 1, "parse", |db, &file, _: &mut Vec<()>| {
        file_items(db, file);
    });
}

/// Parses every file and checks every item of the project, and gathers each file's
/// diagnostics.
pub fn check(db: &Database, project: Project) {
    check_items(db, &items(db, project), project, |_, _| {}, |_| (), |_| {});
}

/// Checks the project as [`check`] does and works out what reaches the routes of every table
/// ([`lower::prepare`]), which [`lower::verdict`] reads, and where the policies are used
/// ([`lower::prepare_project`]).
///
/// The lowering's part reads no check: it is worked out with the checks, whether or not the
/// project turns out to have errors (the lowering of a broken project does its best and never
/// fails), so that no core waits at the end of one phase for the start of the next (5% of a
/// build's time at 100k routes); a project with errors pays for it, about 5% of a clean
/// build's instructions. So is the order the items are lowered in.
pub fn build(db: &Database, project: Project) -> LowerOrder {
    let items = items(db, project);
    let order = check_items(
        db,
        &items,
        project,
        |db, item| lower::prepare(db, project, item),
        // While the other threads check: between the phases, reading every item's tag kept
        // every core waiting (0.22–0.27 ms at 10k routes in one file).
        |db| tables_first(db, &items),
        |db| lower::prepare_project(db, project),
    );
    LowerOrder(order.unwrap_or_else(|| tables_first(db, &items)))
}

/// The items of a checked project in the order a build lowers them, route tables first: what
/// [`build`] works out for [`documents`] and [`lower()`].
pub struct LowerOrder(Vec<(SourceFile, usize)>);

/// Lowers every item of a project that [`lower::verdict`] accepts and writes its resources in
/// `format`, in output order. The resources are not kept (see the module documentation).
pub fn documents(
    db: &Database,
    project: Project,
    order: &LowerOrder,
    format: Format,
) -> Result<Vec<Document>, EmitError> {
    let written = in_parallel(
        db,
        &order.0,
        BATCH,
        "lower and write",
        |db, &(file, i), out| {
            if let Some(&item) = file_items(db, file).get(i) {
                for resource in lower::lower_item_unmemoized(db, project, item) {
                    out.push(emit::document(&resource, format));
                }
            }
        },
    );
    let mut documents = Vec::with_capacity(written.len());
    let mut errors = Vec::new();
    for result in written {
        match result {
            Ok(document) => documents.push(document),
            Err(error) => errors.push(error),
        }
    }
    // Which error is reported must not depend on which thread met it first.
    if let Some(error) = errors
        .into_iter()
        .min_by(|a, b| (a.kind, &a.name).cmp(&(b.kind, &b.name)))
    {
        return Err(error);
    }
    // Each half on its own core; what is left is merging two sorted runs (`emit::sort` is
    // stable, so it finds them and merges in one pass).
    let half = documents.len() / 2;
    let (left, right) = documents.split_at_mut(half);
    beside("sort", || emit::sort(left), || emit::sort(right));
    emit::sort(&mut documents);
    Ok(documents)
}

/// Lowers every item of a project that [`lower::verdict`] accepts, keeping the resources in
/// the database (for `apply` and `diff`, which read them as values).
#[cfg(feature = "cluster")]
pub fn lower(db: &Database, project: Project, order: &LowerOrder) {
    in_parallel(
        db,
        &order.0,
        BATCH,
        "lower",
        |db, &(file, i), _: &mut Vec<()>| {
            if let Some(&item) = file_items(db, file).get(i) {
                lower::lower_item(db, project, item);
            }
        },
    );
}

/// Route tables first: they are the largest items by far, and handing them out first leaves
/// the small ones to even out the threads' ends.
fn tables_first(db: &Database, items: &[(SourceFile, usize)]) -> Vec<(SourceFile, usize)> {
    let (mut tables, others): (Vec<_>, Vec<_>) = items.iter().partition(|&&(file, i)| {
        let tag = file_items(db, file).get(i).map(|item| item.tag(db));
        tag == Some(ItemTag::Routes)
    });
    tables.extend(others);
    tables
}

/// Checks every item (and runs `also` on it), and, as one task beside them, runs `first`, the
/// project-wide checks (which read the items' summaries rather than their checks), gathers
/// each file's diagnostics and runs `last`; returns what `first` returned.
///
/// That task reads what the items' tasks compute, item after item in project order, computing
/// what is not done yet. So the items are handed out from the last: handed out from the first,
/// the other threads would want the very item it is computing, wait for it, and the phase would
/// run in lockstep on one core at a time (a 4 ms policy-usage walk at 10k routes, measured).
fn check_items<W: Send>(
    db: &Database,
    items: &[(SourceFile, usize)],
    project: Project,
    also: impl for<'db> Fn(&'db Database, Item<'db>) + Sync,
    first: impl Fn(&Database) -> W + Sync,
    last: impl Fn(&Database) + Sync,
) -> Option<W> {
    let tasks: Vec<Option<(SourceFile, usize)>> = std::iter::once(None)
        .chain(items.iter().rev().copied().map(Some))
        .collect();
    in_parallel(
        db,
        &tasks,
        BATCH,
        "check",
        |db, task, out: &mut Vec<W>| match *task {
            Some((file, i)) => {
                if let Some(&item) = file_items(db, file).get(i) {
                    check_item(db, project, item);
                    summarize(db, item);
                    also(db, item);
                }
            }
            None => {
                out.push(first(db));
                project_checks(db, project);
                for &file in project.files(db) {
                    file_diagnostics(db, project, file);
                }
                last(db);
            }
        },
    )
    .pop()
}

/// Every item of the project as its file and its index there: a handle that every clone of the
/// database can resolve. The files are parsed already ([`crate::project::load`] parses them as
/// it reads them).
fn items(db: &Database, project: Project) -> Vec<(SourceFile, usize)> {
    project
        .files(db)
        .iter()
        .flat_map(|&file| (0..file_items(db, file).len()).map(move |i| (file, i)))
        .collect()
}

/// Runs `job` on every element of `work` on every thread of the process's worker pool (up to
/// [`MAX_THREADS`]), handing out `batch` elements at a time, and returns what the jobs pushed,
/// in no particular order. Each thread's share is one task named `task` (see [`record_tasks`]).
///
/// The pool lives as long as the process, so every phase runs on the same threads: each keeps
/// its allocator's pages from one phase to the next instead of faulting in fresh ones, which
/// made threads started per phase slower than one thread for short phases.
fn in_parallel<T: Sync, R: Send>(
    db: &Database,
    work: &[T],
    batch: usize,
    task: &'static str,
    job: impl Fn(&Database, &T, &mut Vec<R>) + Sync,
) -> Vec<R> {
    let next = AtomicUsize::new(0);
    let drain = |db: &Database| {
        let mut out = Vec::new();
        loop {
            let start = next.fetch_add(batch, Ordering::Relaxed);
            if start >= work.len() {
                break;
            }
            for element in &work[start..(start + batch).min(work.len())] {
                job(db, element, &mut out);
            }
        }
        out
    };
    // One handle on the database per thread, made here: a handle is used by one thread only.
    let handles: Vec<Mutex<Option<Database>>> = (0..pool().current_num_threads())
        .map(|_| Mutex::new(Some(db.clone())))
        .collect();
    let results = pool().broadcast(|context| {
        let handle = handles
            .get(context.index())
            .and_then(|handle| unpoisoned(handle).take());
        timed(task, || handle.map(|db| drain(&db)).unwrap_or_default())
    });
    results.into_iter().flatten().collect()
}

/// Runs `background` on the worker pool, as the task named `task` (see [`record_tasks`]), while
/// the calling thread runs `foreground`, and returns both results.
///
/// `background` goes to one thread (the pool's last), ahead of any phase `foreground` hands
/// out after it: a thread takes the jobs handed to it before the pool's common queue, so a
/// job spawned there waited behind the parse that `foreground` started, whenever the thread
/// had not taken it yet (3 of 5 builds of 10k routes in 100 files decoded their inventory after
/// parsing, at 4.7–5.9 ms instead of about 1.2). Every other pool thread is handed a job that
/// does nothing, and this returns once each has taken it: a pool held by long work holds it up.
///
/// `background` must not read the database: a pool thread waiting inside a query (a large
/// file is lexed in parts on the pool) may pick it up, and salsa refuses a second handle in the
/// middle of a query. What `foreground` allocates belongs to the caller's thread: the language
/// server reads projects through this too, and memory that an idle pool thread allocated and
/// another thread frees stays with the idle thread.
pub fn beside<A, B, RA, RB>(task: &'static str, background: A, foreground: B) -> (RA, RB)
where
    A: FnOnce() -> RA + Send,
    B: FnOnce() -> RB,
    RA: Send,
{
    let background = Mutex::new(Some(background));
    let behind = Mutex::new(None);
    let ahead = pool().in_place_scope(|scope| {
        scope.spawn_broadcast(|_, context| {
            if context.index() + 1 == context.num_threads()
                && let Some(background) = unpoisoned(&background).take()
            {
                *unpoisoned(&behind) = Some(timed(task, background));
            }
        });
        foreground()
    });
    // The scope waits for what it spawned, and resumes a panic of it here.
    let behind = unpoisoned(&behind)
        .take()
        .unwrap_or_else(|| unreachable!("a scope waits for its tasks"));
    (behind, ahead)
}

/// What a mutex holds, even if a thread panicked holding it: the scope that ran that thread's
/// job resumes its panic anyway.
fn unpoisoned<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Starts the worker pool's threads, which takes a few tenths of a millisecond before they
/// can run anything: called first thing, they start while the command line and the project's
/// configuration are read, instead of holding up the first work handed to them.
pub fn start_workers() {
    pool();
}

/// The worker pool: one thread per core, at most [`MAX_THREADS`].
fn pool() -> &'static rayon::ThreadPool {
    static POOL: OnceLock<rayon::ThreadPool> = OnceLock::new();
    POOL.get_or_init(|| {
        let threads = std::thread::available_parallelism()
            .map_or(1, NonZeroUsize::get)
            .min(MAX_THREADS);
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .thread_name(|i| format!("routec-{i}"))
            .build()
            .unwrap_or_else(|error| panic!("cannot start the worker threads: {error}"))
    })
}

/// One task of a parallel phase as one thread ran it: from when the thread took it to when it
/// finished it, from the start given to [`record_tasks`].
///
/// A task is a thread's share of the phase's list of work, not all it did in the phase: a
/// thread whose share is done helps with the others' nested parallel work (a large file's
/// lexing, say) outside its span.
#[derive(Clone, Debug)]
pub struct TaskSpan {
    pub task: &'static str,
    pub thread: String,
    pub start: Duration,
    pub end: Duration,
}

/// The tasks run so far, when [`record_tasks`] was called.
struct TaskLog {
    start: Instant,
    spans: Mutex<Vec<TaskSpan>>,
}

static TASKS: OnceLock<TaskLog> = OnceLock::new();

/// Records from now on when each thread runs each task, measured from `start`, for
/// [`recorded_tasks`]: `--timings`. Unrecorded, a task costs nothing more.
pub fn record_tasks(start: Instant) {
    TASKS.get_or_init(|| TaskLog {
        start,
        spans: Mutex::new(Vec::new()),
    });
}

/// The tasks run since [`record_tasks`], by start.
pub fn recorded_tasks() -> Vec<TaskSpan> {
    let Some(log) = TASKS.get() else {
        return Vec::new();
    };
    let mut spans = unpoisoned(&log.spans).clone();
    spans.sort_by_key(|span| span.start);
    spans
}

/// Runs `work` as the task `task` of the current thread, recording its span if asked to.
fn timed<R>(task: &'static str, work: impl FnOnce() -> R) -> R {
    let Some(log) = TASKS.get() else {
        return work();
    };
    let start = log.start.elapsed();
    let result = work();
    let span = TaskSpan {
        task,
        thread: std::thread::current().name().unwrap_or("?").to_owned(),
        start,
        end: log.start.elapsed(),
    };
    unpoisoned(&log.spans).push(span);
    result
}
