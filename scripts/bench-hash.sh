#!/bin/sh
# bench-hash.sh [BINARY [ARGS...]] - run the hasher speed benchmark (make
# bench-hash; docs/bench.md) and keep its results.
#
# BINARY defaults to build/bench/hash_bench; ARGS go to it (Google
# Benchmark flags such as --benchmark_filter=xxh or
# --benchmark_repetitions=15, or --fx-verbose / --fx-strict).  Writes
#   results/bench-hash/<host>-<date>.json  every run (Google Benchmark JSON)
#   results/bench-hash/<host>-<date>.txt   the summary table printed below
# Each file is written under a temporary name and renamed when complete.
# RESULTS_DIR overrides the directory.  Exit status: the benchmark's (0 even
# when a ratio check FAILs, unless --fx-strict is given).
set -u
bin=${1:-build/bench/hash_bench}
[ $# -gt 0 ] && shift

if [ ! -x "$bin" ]; then
	echo "bench-hash.sh: $bin: no such executable (build it with: make $bin)" >&2
	exit 2
fi

dir=${RESULTS_DIR:-results/bench-hash}
host=$(uname -n)
stamp=$(date -u +%Y%m%dT%H%M%SZ)
base="$dir/$host-$stamp"
mkdir -p "$dir" || exit 1
json_tmp="$base.json.tmp.$$"
txt_tmp="$base.txt.tmp.$$"
trap 'rm -f "$json_tmp" "$txt_tmp"' EXIT
trap 'exit 130' INT TERM

echo "bench-hash: $bin -> $base.json (takes about two minutes)" >&2
# The exit status of the benchmark, not of tee, through a status file.
rcfile="$base.rc.tmp.$$"
{ "$bin" --benchmark_out="$json_tmp" --benchmark_out_format=json "$@"
  echo $? > "$rcfile"; } | tee "$txt_tmp"
rc=$(cat "$rcfile" 2>/dev/null || echo 1)
rm -f "$rcfile"

if [ -s "$json_tmp" ]; then
	mv "$json_tmp" "$base.json" && mv "$txt_tmp" "$base.txt" || exit 1
	echo "bench-hash: wrote $base.json and $base.txt" >&2
else
	echo "bench-hash: the benchmark wrote no JSON (exit $rc)" >&2
	[ "$rc" -eq 0 ] && rc=1
fi
exit "$rc"
