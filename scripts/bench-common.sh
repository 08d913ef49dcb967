# bench-common.sh - sourced by bench-hash.sh and bench-des.sh (not run):
# bench_run NAME DEFAULT_BINARY DEFAULT_DIR DURATION [BINARY [ARGS...]]
# runs a Google Benchmark binary (BINARY, default DEFAULT_BINARY) with
# ARGS and keeps its results as
#   $RESULTS_DIR/<host>-<date>.json  (RESULTS_DIR defaults to DEFAULT_DIR)
#   $RESULTS_DIR/<host>-<date>.txt   the summary table it printed
# each written under a temporary name and renamed when complete.  NAME
# ("bench-des") prefixes the messages, DURATION ("takes a few minutes")
# goes into the first.  Exits with the benchmark's status.

bench_run() {
	name=$1 bin_default=$2 dir_default=$3 duration=$4
	shift 4
	bin=${1:-$bin_default}
	[ $# -gt 0 ] && shift

	if [ ! -x "$bin" ]; then
		echo "$name.sh: $bin: no such executable (build it with: make $bin)" >&2
		exit 2
	fi

	dir=${RESULTS_DIR:-$dir_default}
	host=$(uname -n)
	stamp=$(date -u +%Y%m%dT%H%M%SZ)
	base="$dir/$host-$stamp"
	mkdir -p "$dir" || exit 1
	json_tmp="$base.json.tmp.$$"
	txt_tmp="$base.txt.tmp.$$"
	rcfile="$base.rc.tmp.$$"
	trap 'rm -f "$json_tmp" "$txt_tmp" "$rcfile"' EXIT
	trap 'exit 130' INT TERM

	echo "$name: $bin -> $base.json ($duration)" >&2
	# The exit status of the benchmark, not of tee, through a status file.
	{ "$bin" --benchmark_out="$json_tmp" --benchmark_out_format=json "$@"
	  echo $? > "$rcfile"; } | tee "$txt_tmp"
	rc=$(cat "$rcfile" 2>/dev/null || echo 1)

	if [ -s "$json_tmp" ]; then
		mv "$json_tmp" "$base.json" && mv "$txt_tmp" "$base.txt" || exit 1
		echo "$name: wrote $base.json and $base.txt" >&2
	else
		echo "$name: the benchmark wrote no JSON (exit $rc)" >&2
		[ "$rc" -eq 0 ] && rc=1
	fi
	exit "$rc"
}

# bench_stamp - set $host (uname -n) and $stamp (UTC, YYYYmmddTHHMMSSZ):
# the name of a run's results, "<host>-<stamp>".  Used by bench-live.sh.
bench_stamp() {
	host=$(uname -n)
	stamp=$(date -u +%Y%m%dT%H%M%SZ)
}
