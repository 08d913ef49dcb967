#!/bin/sh
# bench-live.sh [BINARY [ARGS...]] - run the live-kernel benchmarks (make
# bench; docs/bench-live.md) and keep their results.
#
# BINARY defaults to build/bench/live_bench; ARGS go to it (Google
# Benchmark flags such as --benchmark_filter=hash, or its own --fx-* flags:
# --fx-no-perf, --fx-verbose, --fx-hash='-t 8 -f 512', ...).
# BENCH_TIME (seconds per timed run, default 1; FX_BENCH_TIME also works)
# makes the whole run shorter or longer: 1 takes about 70 s on a
# 2-CPU VM, 0.05 about 11 s (a quick check).  Writes
#   results/bench/<host>-<UTC date>/gbench.json   Google Benchmark's JSON
#                                   bench.csv     one row per figure
#                                   skipped.txt   what was not run, and why
#                                   host.txt      the host's metadata
#                                   summary.txt   the table printed below
# The directory is built under a temporary name and renamed when the run
# is over; each file in it is also written under a temporary name.
# RESULTS_DIR overrides results/bench.  Exit status: the runner's.
set -u
. "$(dirname "$0")/bench-common.sh"

bin=${1:-build/bench/live_bench}
[ $# -gt 0 ] && shift
if [ ! -x "$bin" ]; then
	echo "bench-live.sh: $bin: no such executable (build it with: make $bin)" >&2
	exit 2
fi
time=${BENCH_TIME:-${FX_BENCH_TIME:-1}}
case $time in
''|.|*[!0-9.]*|*.*.*)
	echo "bench-live.sh: BENCH_TIME '$time': expected seconds per timed run (e.g. 1 or 0.05)" >&2
	exit 2 ;;
esac

bench_stamp
dir="${RESULTS_DIR:-results/bench}/$host-$stamp"
work="$dir.tmp.$$"
mkdir -p "$work" || exit 1
rcfile="$work/rc"
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM

echo "bench: $bin -> $dir/ (BENCH_TIME=$time s per timed run)" >&2
t0=$(date +%s)
# The exit status of the runner, not of tee, through a status file.
{ "$bin" --benchmark_out="$work/gbench.json.tmp" --benchmark_out_format=json \
	--fx-out="$work" --fx-time="$time" "$@"
  echo $? > "$rcfile"; } | tee "$work/summary.txt.tmp"
rc=$(cat "$rcfile" 2>/dev/null || echo 1)
rm -f "$rcfile"

if [ -s "$work/gbench.json.tmp" ] && [ -f "$work/bench.csv" ]; then
	mv "$work/gbench.json.tmp" "$work/gbench.json" &&
	mv "$work/summary.txt.tmp" "$work/summary.txt" &&
	mv "$work" "$dir" || exit 1
	echo "bench: done in $(( $(date +%s) - t0 )) s; results in $dir/" >&2
else
	echo "bench: the runner wrote no results (exit $rc); nothing kept" >&2
	[ "$rc" -eq 0 ] && rc=1
fi
exit "$rc"
