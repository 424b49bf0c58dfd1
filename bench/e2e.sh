#!/usr/bin/env bash
# End-to-end benchmark of the routec binary: whole-process wall time (hyperfine) and peak RSS
# (/usr/bin/time -v) of `routec check`, `routec build -o -` and `routec build -o DIR` on
# generated projects, printed as a markdown table.
#
#   bench/e2e.sh                      # 10k and 100k routes, 1 and 100 files, JSON and YAML
#   SIZES=10000 INVENTORIES=json bench/e2e.sh
#
# Environment:
#   SIZES        route counts (default "10000 100000")
#   FILES        file counts (default "1 100")
#   INVENTORIES  inventory formats (default "json yaml")
#   RUNS         hyperfine runs per command (default 20; 10 above 50k routes)
#   WORK         where projects and raw results go (default /tmp/routec-e2e)
#   ROUTEC, GEN  the binaries (default target/release/{routec,gen}, built if missing)
#   WAIT_IDLE    before each measurement, seconds to wait for running cargo/rustc processes
#                to finish (default 0); a row measured while they still ran is marked `busy`
#
# Needs hyperfine and /usr/bin/time (Debian: apt-get install hyperfine time) and python3.
# Run it on an otherwise idle machine: a concurrent build makes the figures meaningless.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
sizes=${SIZES:-"10000 100000"}
file_counts=${FILES:-"1 100"}
inventories=${INVENTORIES:-"json yaml"}
work=${WORK:-/tmp/routec-e2e}
routec=${ROUTEC:-$root/target/release/routec}
gen=${GEN:-$root/target/release/gen}

for tool in hyperfine /usr/bin/time python3; do
  command -v "$tool" >/dev/null || { echo "error: $tool is missing" >&2; exit 2; }
done
if [[ ! -x $routec || ! -x $gen ]]; then
  (cd "$root" && cargo build --release -p routec -p routec-bench --bins) >&2
fi

# Other compilations make every figure meaningless: wait for them (up to WAIT_IDLE seconds)
# before each measurement, and mark the rows they may have disturbed.
busy() { pgrep -f 'rustc --crate-name|cargo (build|test|bench|clippy|check)' >/dev/null; }
wait_idle() {
  local waited=0
  while busy && (( waited < ${WAIT_IDLE:-0} )); do
    sleep 5
    waited=$((waited + 5))
  done
}

mkdir -p "$work/results"
rows=()

# peak_rss_mb CMD... : the maximum resident set size of one run, in MB.
peak_rss_mb() {
  /usr/bin/time -v "$@" 2>&1 >/dev/null | awk -F': ' '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }'
}

# measure LABEL PROJECT PREPARE_RM_DIR RUNS CMD... : hyperfine (removing PREPARE_RM_DIR, if
# given, before each run) and one run under /usr/bin/time for the peak RSS.
measure() {
  local label=$1 project=$2 prepare=$3 runs=$4
  shift 4
  local json="$work/results/$(basename "$project")-${label// /_}.json"
  local args=(--shell=none --warmup 2 --runs "$runs" --export-json "$json" --style none)
  if [[ -n $prepare ]]; then
    # `sync` lets the file system finish the removal before the run is timed.
    args+=(--prepare "sh -c 'rm -rf $(printf %q "$prepare") && sync'")
  fi
  wait_idle
  local note=""
  if busy; then note=" (busy)"; fi
  hyperfine "${args[@]}" -- "$(printf '%q ' "$@")" >/dev/null
  if busy; then note=" (busy)"; fi
  if [[ -n $prepare ]]; then
    rm -rf "$prepare"
  fi
  local rss
  rss=$(peak_rss_mb "$@")
  local stats
  stats=$(python3 - "$json" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
ms = lambda s: f"{s * 1000:.1f}"
print(f"{ms(r['median'])} | {ms(r['mean'])} ± {ms(r['stddev'])} | {ms(r['min'])} | {ms(r['max'])}")
EOF
)
  rows+=("$label$note | $stats | $rss")
  echo "$label$note | $stats | $rss" >&2
}

for n in $sizes; do
  runs=${RUNS:-$(( n > 50000 ? 10 : 20 ))}
  for files in $file_counts; do
    for inventory in $inventories; do
      project="$work/p-$n-$files-$inventory"
      rm -rf "$project"
      "$gen" --routes "$n" --files "$files" --inventory "$inventory" --out "$project" >&2
      # The file system writes back what was just written (or removed) while the next
      # commands are timed unless it is made to finish first.
      sync
      bytes=$(find "$project" -name '*.route' -print0 | xargs -0 cat | wc -c)
      tag="$n | $files | $inventory | $(( bytes / 1024 / 1024 )).$(( bytes * 10 / 1024 / 1024 % 10 ))"
      measure "$tag | check" "$project" "" "$runs" "$routec" check "$project"
      measure "$tag | build -o -" "$project" "" "$runs" "$routec" build "$project" -o -
      out="$work/out-$n-$files-$inventory"
      measure "$tag | build -o DIR (fresh)" "$project" "$out" "$runs" "$routec" build "$project" -o "$out"
      "$routec" build "$project" -o "$out" >/dev/null
      measure "$tag | build -o DIR (unchanged)" "$project" "" "$runs" "$routec" build "$project" -o "$out"
      rm -rf "$out"
      sync
    done
  done
done

echo
echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(awk '/MemTotal/ { printf "%.0f GB", $2 / 1024 / 1024 }' /proc/meminfo); routec $("$routec" --version | cut -d' ' -f2)"
echo
echo "| routes | files | inventory | source MiB | command | median ms | mean ± σ ms | min ms | max ms | peak RSS MB |"
echo "|---:|---:|---|---:|---|---:|---:|---:|---:|---:|"
for row in "${rows[@]}"; do
  echo "| $row |"
done
