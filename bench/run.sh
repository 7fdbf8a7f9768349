#!/usr/bin/env bash
# claw performance benchmark.
#
#   bench/run.sh           full run (about 3-5 minutes the first time, when it
#                          also generates the inventories and session files)
#   bench/run.sh --quick   fewer runs, no 1M+1M inventory
#
# Builds the release binary, generates synthetic inventories (100k and 1M
# commands + tools) and 100,000 session files into a cache directory
# ($CLAW_BENCH_DIR, default ${TMPDIR:-/tmp}/claw-bench; reused by later runs),
# and prints one table per target with PASS/FAIL.  Uses hyperfine when it is
# installed (else a timing loop in python3), /usr/bin/time for peak RSS
# (else wait4's rusage), valgrind for instruction counts and strace for the
# startup-work check (each skipped with a message when missing).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
cache="${CLAW_BENCH_DIR:-${TMPDIR:-/tmp}/claw-bench}"

cd "$repo"
echo "building release binary..." >&2
cargo build --release --quiet
mkdir -p "$cache"
exec python3 "$here/bench.py" --bin "$repo/target/release/claw" --repo "$repo" --cache "$cache" "$@"
