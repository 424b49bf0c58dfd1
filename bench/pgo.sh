#!/usr/bin/env bash
# Builds routec with profile-guided optimization (PGO), the way rustc itself is built: an
# instrumented build runs a training workload, and the release build is then compiled again
# with the counts it recorded, so that LLVM lays out and inlines the paths real builds take.
# A build takes 10-14% less time (see BENCHMARKS.md, "Profile-guided builds").
#
#   bench/pgo.sh            # writes target/pgo/x86_64-unknown-linux-gnu/release/routec
#   RUSTFLAGS="-C target-cpu=x86-64-v3" bench/pgo.sh    # for CPUs with AVX2: 2% fewer instructions
#
# The training workload is generated projects of another seed and other sizes than the ones
# BENCHMARKS.md measures (so that the figures are not of the training set), checked and built
# to a stream and to a folder with JSON and YAML inventories, and the repository's example and
# the CLI tests' projects, errors included. Training covers the CLI only: route-lsp is left to
# the plain release build, whose budgets it meets with room to spare.
#
# Needs rustup's llvm-tools component for llvm-profdata (installed here if missing), and takes
# two release builds (about ten minutes on two cores; the instrumented one is reused when the
# code has not changed).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
host=$(rustc -vV | sed -n 's/^host: //p')
sysroot=$(rustc --print sysroot)
profdata=$sysroot/lib/rustlib/$host/bin/llvm-profdata
if [[ ! -x $profdata ]]; then
  if ! command -v rustup >/dev/null; then
    echo "error: $profdata is missing, and without rustup it cannot be installed" >&2
    echo "(it is rustup's llvm-tools component, of the same LLVM as rustc)" >&2
    exit 2
  fi
  rustup component add llvm-tools >&2
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$root"

# An explicit --target keeps the flags away from build scripts and proc macros, which would
# otherwise be instrumented too and record their runs at compile time.
# The counts go to a fixed folder, so that the flags, and with them the instrumented build,
# stay the same from one run to the next; the profile used goes to a fresh one, which makes
# the optimized build start over, as a profile's changes call for.
flags=${RUSTFLAGS:-}
raw=$root/target/pgo-instrumented/profiles
rm -rf "$raw"
RUSTFLAGS="$flags -Cprofile-generate=$raw" CARGO_TARGET_DIR=target/pgo-instrumented \
  cargo build --release --locked -p routec --target "$host" >&2
cargo build --release --locked -p routec-bench --bin gen >&2
routec=target/pgo-instrumented/$host/release/routec
gen=target/release/gen

# train ARGS...: one run of the instrumented routec, which must succeed; train_any: one that
# may fail (the CLI tests' projects with errors exit non-zero).
train() {
  "$routec" "$@" >/dev/null
}
train_any() {
  "$routec" "$@" >/dev/null 2>&1 || true
}
for layout in "10 json" "50 yaml"; do
  read -r files inventory <<<"$layout"
  project=$work/p20k-$files
  "$gen" --routes 20000 --files "$files" --seed 7 --inventory "$inventory" \
    --out "$project" >/dev/null
  train check "$project"
  for _ in 1 2 3; do
    train build "$project" -o -
  done
  train build "$project" -o "$work/out-$files" 2>/dev/null
done
"$gen" --routes 2000 --files 1 --seed 11 --out "$work/p2k" >/dev/null
train build "$work/p2k" -o -
# Copies, since a run caches a YAML inventory beside it.
cp -r examples compiler/tests/data/cli compiler/tests/data/build "$work/"
for project in "$work"/examples/*/; do
  train check "$project"
  train build "$project" -o -
done
for project in "$work"/{cli,build}/*/; do
  train_any check "$project"
  train_any build "$project" -o -
done

"$profdata" merge -o "$work/routec.profdata" "$raw"
RUSTFLAGS="$flags -Cprofile-use=$work/routec.profdata" CARGO_TARGET_DIR=target/pgo \
  cargo build --release --locked -p routec --target "$host" >&2
echo "target/pgo/$host/release/routec"
