#!/bin/sh
# bench-des.sh [BINARY [ARGS...]] - run the discrete-event engine's
# benchmarks (make bench-des; docs/bench.md) and keep their results.
#
# BINARY defaults to build/bench/des_bench; ARGS go to it (Google
# Benchmark flags such as --benchmark_filter=evq or
# --benchmark_repetitions=9, or --fx-verbose / --fx-strict).  Writes
#   results/sim-bench/<host>-<date>.json  every run (Google Benchmark JSON)
#   results/sim-bench/<host>-<date>.txt   the summary table printed below
# Each file is written under a temporary name and renamed when complete.
# RESULTS_DIR overrides the directory.  Exit status: the benchmark's (0 even
# when a target is MISSed, unless --fx-strict is given).
set -u
bin=${1:-build/bench/des_bench}
[ $# -gt 0 ] && shift

if [ ! -x "$bin" ]; then
	echo "bench-des.sh: $bin: no such executable (build it with: make $bin)" >&2
	exit 2
fi

dir=${RESULTS_DIR:-results/sim-bench}
host=$(uname -n)
stamp=$(date -u +%Y%m%dT%H%M%SZ)
base="$dir/$host-$stamp"
mkdir -p "$dir" || exit 1
json_tmp="$base.json.tmp.$$"
txt_tmp="$base.txt.tmp.$$"
rcfile="$base.rc.tmp.$$"
trap 'rm -f "$json_tmp" "$txt_tmp" "$rcfile"' EXIT
trap 'exit 130' INT TERM

echo "bench-des: $bin -> $base.json (takes a few minutes)" >&2
# The exit status of the benchmark, not of tee, through a status file.
{ "$bin" --benchmark_out="$json_tmp" --benchmark_out_format=json "$@"
  echo $? > "$rcfile"; } | tee "$txt_tmp"
rc=$(cat "$rcfile" 2>/dev/null || echo 1)

if [ -s "$json_tmp" ]; then
	mv "$json_tmp" "$base.json" && mv "$txt_tmp" "$base.txt" || exit 1
	echo "bench-des: wrote $base.json and $base.txt" >&2
else
	echo "bench-des: the benchmark wrote no JSON (exit $rc)" >&2
	[ "$rc" -eq 0 ] && rc=1
fi
exit "$rc"
