#!/usr/bin/env bash
# Compares routec binaries on one project fairly on a noisy machine: round after round, each
# binary in turn gets one hyperfine measurement of `BIN build PROJECT -o -` (whole process,
# `-N`), and each binary's figure is the median of its rounds' medians. The binaries see the
# same machine, whatever its load does from one minute to the next.
#
#   bench/alternate.sh ROUNDS RUNS PROJECT BIN...
#   bench/alternate.sh 6 20 /tmp/p10k /tmp/routec-before target/release/routec
#   PAUSE=0.2 bench/alternate.sh 4 10 /tmp/p10k target/release/routec
#
# Back to back, each run finds the caches and the CPU warm from the last. PAUSE=SECONDS sleeps
# that long before each run instead, as between a user's builds: on this VM a 10k build then
# takes a quarter longer (see BENCHMARKS.md, "What bounds a build now").
#
# Needs hyperfine and python3.
set -euo pipefail

if (( $# < 4 )); then
  echo "usage: $0 ROUNDS RUNS PROJECT BIN..." >&2
  exit 2
fi
rounds=$1 runs=$2 project=$3
shift 3
pause=()
if [[ -n ${PAUSE:-} ]]; then
  pause=(--prepare "sleep $PAUSE")
fi
json=$(mktemp)
trap 'rm -f "$json"' EXIT

for _ in $(seq "$rounds"); do
  for bin in "$@"; do
    hyperfine -N --warmup 3 --runs "$runs" --export-json "$json" --style none \
      "${pause[@]}" -- "$(printf '%q ' "$bin" build "$project" -o -)" >/dev/null 2>&1
    python3 -c 'import json, sys; r = json.load(open(sys.argv[1]))["results"][0]; print(sys.argv[2], r["median"] * 1000)' "$json" "$bin"
  done
done | python3 -c '
import collections, statistics, sys
rounds = collections.defaultdict(list)
for line in sys.stdin:
    binary, median = line.rsplit(" ", 1)
    rounds[binary].append(float(median))
for binary, medians in rounds.items():
    shown = ", ".join(f"{m:.1f}" for m in sorted(medians))
    print(f"{statistics.median(medians):8.2f} ms  {binary}  (round medians: {shown})")
'
