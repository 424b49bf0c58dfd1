//! Per-phase benchmarks on generated projects (`cargo bench -p routec-bench`).
//!
//! Sizes: 1k and 10k routes; 100k too with `ROUTEC_BENCH_100K=1` (it takes minutes and a
//! few GB). Each phase runs in process on the generated project in one file (and, where
//! file count matters, in 100 files):
//!
//! - `lex`, `parse`: the syntax layer on the whole source text;
//! - `inventory`: loading the JSON and the YAML inventory, and indexing it;
//! - `check`: every diagnostic of the project from a fresh database (`parse+check`), and with
//!   the files already parsed (`resolve+check`);
//! - `lower`: `routec::lower::build` on a project already checked (so only the lowering is
//!   measured; `build` asks for the diagnostics first, which are memoized by then);
//! - `emit`: the lowered resources as one YAML stream (`routec build -o -`) and as one file
//!   per resource (`routec build -o DIR`, without the disk);
//! - `incremental`: after a full check, in a database like the language server's (it re-parses
//!   only edited items), a one-character edit inside one route followed by the diagnostics of
//!   the edited file (what the language server publishes) and of the whole project; and an
//!   inventory edit followed by the project's diagnostics.
//!
//! Throughput is always the size of the `.route` sources, so the phases add up to the source
//! throughput budget of BENCHMARKS.md. Setup work (cloning texts, building the database
//! inputs, dropping the database or the tree) is kept out of the measured time, and the costly
//! setup (databases, lowered resources) happens only for the benchmarks a filter selects, so
//! `cargo bench -p routec-bench -- 'parse/'` is quick.

use std::cell::OnceCell;
use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use route_lang::db::{file_diagnostics, parse_file, project_diagnostics};
use route_lang::inventory::{InventoryIndex, Workload, parse_inventory};
use route_lang::syntax::{lex, parse};
use routec::emit::{self, Format};
use routec::inventory_cache::InventoryCache;
use routec::lower;
use routec_bench::{GeneratedProject, InventoryFormat, Options, edit_inside_route, generate};
use salsa::Setter;

/// The allocator `routec` and `route-lsp` ship with, so that the phases cost here what they
/// cost in the binaries (glibc malloc is slower, and slower still in new threads).
#[global_allocator]
static ALLOCATOR: routec::allocator::Allocator = routec::allocator::Allocator;

/// The route counts to measure.
fn sizes() -> Vec<usize> {
    let mut sizes = vec![1_000, 10_000];
    if std::env::var_os("ROUTEC_BENCH_100K").is_some() {
        sizes.push(100_000);
    }
    sizes
}

fn project(routes: usize, files: usize) -> GeneratedProject {
    generate(&Options {
        routes,
        files,
        ..Options::default()
    })
}

/// Fewer samples for the big sizes keep a run bounded.
fn sample_size(routes: usize) -> usize {
    match routes {
        0..=1_000 => 50,
        1_001..=10_000 => 20,
        _ => 10,
    }
}

fn syntax(c: &mut Criterion) {
    for routes in sizes() {
        let project = project(routes, 1);
        let text = &project.sources[0].text;
        let mut group = c.benchmark_group("lex");
        group.sample_size(sample_size(routes));
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_with_input(BenchmarkId::from_parameter(routes), text, |b, text| {
            b.iter(|| lex(black_box(text)).count())
        });
        group.finish();
        // The tree is dropped outside the measurement: the database keeps it.
        let mut group = c.benchmark_group("parse");
        group.sample_size(sample_size(routes));
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_with_input(BenchmarkId::from_parameter(routes), text, |b, text| {
            b.iter_with_large_drop(|| parse(black_box(text)))
        });
        group.finish();
    }
}

fn inventory(c: &mut Criterion) {
    let mut group = c.benchmark_group("inventory");
    group.sample_size(20);
    for format in [InventoryFormat::Json, InventoryFormat::Yaml] {
        let project = generate(&Options {
            routes: 100,
            inventory: format,
            ..Options::default()
        });
        let text = project.inventory_text;
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function(format!("load {}", project.inventory_file), |b| {
            b.iter(|| parse_inventory(project.inventory_file, black_box(&text)).is_ok())
        });
        // What `check` and `build` pay from their second run on: a hash and a decode.
        let dir = tempfile::tempdir().expect("temporary folder");
        let path = dir.path().join(project.inventory_file);
        std::fs::write(&path, &text).expect("inventory written");
        let cache = InventoryCache::in_project(dir.path());
        assert!(cache.parse(&path, &text).is_ok(), "the cache is filled");
        group.bench_function(format!("load {}, cached", project.inventory_file), |b| {
            b.iter(|| cache.parse(&path, black_box(&text)).is_ok())
        });
    }
    let inventory = Arc::new(project(100, 1).inventory);
    group.throughput(Throughput::Elements(1));
    group.bench_function("index", |b| {
        b.iter(|| InventoryIndex::new(Arc::clone(black_box(&inventory))))
    });
    group.finish();
}

fn check(c: &mut Criterion) {
    for routes in sizes() {
        for files in [1, 100] {
            let project = project(routes, files);
            let mut group = c.benchmark_group(format!("check/{files}-files"));
            group.sample_size(sample_size(routes));
            group.throughput(Throughput::Bytes(project.source_bytes() as u64));
            for parsed in [false, true] {
                let name = if parsed {
                    "resolve+check"
                } else {
                    "parse+check"
                };
                group.bench_function(BenchmarkId::new(name, routes), |b| {
                    b.iter_custom(|iters| {
                        let mut total = Duration::ZERO;
                        for _ in 0..iters {
                            let loaded = project.database();
                            if parsed {
                                for &file in &loaded.files {
                                    parse_file(&loaded.db, file);
                                }
                            }
                            let start = Instant::now();
                            let count = project_diagnostics(&loaded.db, loaded.project).len();
                            total += start.elapsed();
                            assert_eq!(count, 0, "the generated project is clean");
                        }
                        total
                    })
                });
            }
            group.finish();
        }
    }
}

fn lower_and_emit(c: &mut Criterion) {
    for routes in sizes() {
        let project = project(routes, 1);
        let mut group = c.benchmark_group("lower");
        group.sample_size(sample_size(routes));
        group.throughput(Throughput::Bytes(project.source_bytes() as u64));
        group.bench_function(BenchmarkId::from_parameter(routes), |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    let loaded = project.database();
                    project_diagnostics(&loaded.db, loaded.project);
                    let start = Instant::now();
                    let built = lower::build(&loaded.db, loaded.project);
                    total += start.elapsed();
                    assert!(built.is_ok(), "the generated project builds");
                }
                total
            })
        });
        group.finish();

        // Lowered only when an `emit` benchmark runs.
        let loaded = OnceCell::new();
        let resources = || {
            let loaded = loaded.get_or_init(|| project.database());
            match lower::build(&loaded.db, loaded.project) {
                Ok(build) => build.resources,
                Err(diagnostics) => panic!("{} diagnostics", diagnostics.len()),
            }
        };
        let mut group = c.benchmark_group("emit");
        group.sample_size(sample_size(routes));
        group.throughput(Throughput::Bytes(project.source_bytes() as u64));
        let mut out = Vec::new();
        group.bench_function(BenchmarkId::new("yaml stream", routes), |b| {
            let resources = resources();
            b.iter(|| {
                out.clear();
                emit::stream(&mut out, black_box(&resources), Format::Yaml).is_ok()
            })
        });
        group.bench_function(BenchmarkId::new("yaml files", routes), |b| {
            let resources = resources();
            b.iter_with_large_drop(|| emit::files(black_box(&resources), Format::Yaml))
        });
        group.finish();
    }
}

fn incremental(c: &mut Criterion) {
    for routes in sizes() {
        for files in [1, 100] {
            let project = project(routes, files);
            let mut group = c.benchmark_group(format!("incremental/{files}-files"));
            group.sample_size(sample_size(routes).max(20));

            // The edited file is the one in the middle, edited in the middle.
            let edited = project.sources.len() / 2;
            let original = project.sources[edited].text.clone();
            let changed = edit_inside_route(&original, 0.5).expect("the file has routes");
            let variants = [changed, original];
            for scope in ["file", "project"] {
                let mut state = None;
                let mut turn = 0;
                let id = BenchmarkId::new(format!("edit route → {scope}"), routes);
                group.bench_function(id, |b| {
                    let (loaded, file) = state.get_or_insert_with(|| {
                        let loaded = project.editor_database();
                        project_diagnostics(&loaded.db, loaded.project);
                        let file = loaded.files[edited];
                        (loaded, file)
                    });
                    b.iter_custom(|iters| {
                        let mut total = Duration::ZERO;
                        for _ in 0..iters {
                            let text = variants[turn % 2].clone();
                            turn += 1;
                            let start = Instant::now();
                            file.set_text(&mut loaded.db).to(text);
                            let count = if scope == "file" {
                                file_diagnostics(&loaded.db, loaded.project, *file).len()
                            } else {
                                project_diagnostics(&loaded.db, loaded.project).len()
                            };
                            total += start.elapsed();
                            assert_eq!(count, 0, "the edit keeps the project clean");
                        }
                        total
                    })
                });
            }

            // An inventory edit that changes no answer: one more workload somewhere.
            let mut grown = project.inventory.clone();
            grown.clusters[0].namespaces[1].workloads.push(Workload {
                name: "batch-job".to_owned(),
                kind: Some("Job".to_owned()),
                labels: Default::default(),
                service_account: None,
            });
            let inventories = [grown, project.inventory.clone()];
            let mut state = None;
            let mut turn = 0;
            group.bench_function(
                BenchmarkId::new("edit inventory → project", routes),
                |b| {
                    let loaded = state.get_or_insert_with(|| {
                        let loaded = project.editor_database();
                        project_diagnostics(&loaded.db, loaded.project);
                        loaded
                    });
                    let input = loaded.project.inventory(&loaded.db);
                    b.iter_custom(|iters| {
                        let mut total = Duration::ZERO;
                        for _ in 0..iters {
                            let inventory = inventories[turn % 2].clone();
                            turn += 1;
                            let start = Instant::now();
                            input.replace(&mut loaded.db, inventory);
                            let count = project_diagnostics(&loaded.db, loaded.project).len();
                            total += start.elapsed();
                            assert_eq!(count, 0, "the edit keeps the project clean");
                        }
                        total
                    })
                },
            );
            group.finish();
        }
    }
}

criterion_group!(
    benches,
    syntax,
    inventory,
    check,
    lower_and_emit,
    incremental
);
criterion_main!(benches);
