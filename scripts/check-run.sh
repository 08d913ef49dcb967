#!/bin/sh
# check-run.sh FUTEXSIM - the contract of "futexsim run": bad input gets a
# clear error, a non-zero exit and no output file; the same seed gives
# byte-identical CSV and JSON; a grid gives one row per configuration with
# every column; each workload runs from the command line.
set -u
fx=${1:-build/futexsim}
fail=0
dir=$(mktemp -d "${TMPDIR:-/tmp}/fxrun.XXXXXX") || exit 1
trap 'rm -rf "$dir"' EXIT INT TERM
topo="package:2 numa:1 core:2 pu:1"

expect_err() {  # expect_err PATTERN ARGS... : exit != 0, stderr matches, no file
	pat=$1; shift
	rm -f "$dir/bad.csv" "$dir/bad.csv.json"
	err=$("$fx" run --out "$dir/bad.csv" "$@" 2>&1 >/dev/null)
	rc=$?
	if [ "$rc" -eq 0 ] || ! printf '%s' "$err" | grep -q -- "$pat"; then
		echo "FAIL: futexsim run $* -> exit $rc, stderr: $err (wanted /$pat/)"
		fail=1
	fi
	if ls "$dir" | grep -q '^bad\.csv'; then
		echo "FAIL: futexsim run $* left $(ls "$dir" | grep '^bad')"
		fail=1
	fi
}

expect_err "workload is required" --hash jhash2
expect_err "unknown; expected one of: perf-hash" --workload nope
expect_err "--hash 'nope': unknown hasher" --workload perf-wake --hash nope --topology "$topo"
expect_err "--layout 'nope': unknown layout" --workload perf-wake --layout nope --topology "$topo"
expect_err 'topology "package:x' --workload perf-wake --topology "package:x core:2"
expect_err "at least 1" --workload perf-wake --threads 0 --topology "$topo"
expect_err "expected numbers" --workload perf-wake --threads 4x --topology "$topo"
expect_err "unknown parameter" --workload perf-wake --cost nope=3 --topology "$topo"
expect_err "perf-wake: unknown option" --workload perf-wake --topology "$topo" -- -x
expect_err "perf-hash: -f 'abc'" --workload perf-hash --topology "$topo" -- -f abc
expect_err "workload options go after" --workload perf-wake stray

# the same seed twice: byte-identical files
run() {
	"$fx" run -q --workload perf-wake --hash jhash2,xxh3 \
		--layout global,private --topology "$topo" --seed "$1" \
		--out "$dir/$2.csv" -- -t 4 -w 1 -s
}
run 5 a >/dev/null && run 5 b >/dev/null || { echo "FAIL: perf-wake runs"; fail=1; }
if ! cmp -s "$dir/a.csv" "$dir/b.csv" || ! cmp -s "$dir/a.csv.json" "$dir/b.csv.json"; then
	echo "FAIL: same seed, different output"; fail=1
fi
# the files get a new file's permissions (0666 less the umask), not 0600
want=$(printf '%o' $((0666 & ~$(umask))))
for f in "$dir/a.csv" "$dir/a.csv.json"; do
	[ "$(stat -c %a "$f")" = "$want" ] ||
		{ echo "FAIL: $f has mode $(stat -c %a "$f"), wanted $want"; fail=1; }
done
# a 2 x 2 grid: header + 4 rows, each as wide as the header
rows=$(wc -l <"$dir/a.csv")
[ "$rows" -eq 5 ] || { echo "FAIL: expected 5 CSV lines, got $rows"; fail=1; }
awk -F, 'NR == 1 { n = NF } NF != n { bad = 1 } END { exit bad }' "$dir/a.csv" ||
	{ echo "FAIL: ragged CSV rows"; fail=1; }
head -1 "$dir/a.csv" | grep -q '^workload,wopts,topology,.*,wake_p999_ns,.*,lock_wait_foreign_ns,' ||
	{ echo "FAIL: CSV header"; fail=1; }
grep -q '"wake_latency_ns":{"count":[1-9]' "$dir/a.csv.json" ||
	{ echo "FAIL: JSON has no wake latency"; fail=1; }

# every workload runs briefly and completes
for w in $("$fx" run --list-workloads | grep -v '^ ' | grep -v '^$'); do
	if [ "$w" = trace ]; then	# replays a trace file
		wopts="-f tests/trace/closed/ping.fxt"
	else
		wopts="-r 0.0005"
	fi
	if ! "$fx" run -q --workload "$w" --topology "$topo" --seed 1 \
		--out "$dir/w.csv" -- $wopts >/dev/null 2>"$dir/err" &&
	   ! "$fx" run -q --workload "$w" --topology "$topo" --seed 1 \
		--out "$dir/w.csv" >/dev/null 2>"$dir/err"; then
		echo "FAIL: workload $w: $(cat "$dir/err")"; fail=1
	fi
done

# the cost profile round-trips through --cost-dump
"$fx" run --cost-dump --cost syscall.entry=123.5 >"$dir/p.prof" || fail=1
"$fx" run --cost-dump --cost-file "$dir/p.prof" | grep -q '^syscall.entry = 123.5' ||
	{ echo "FAIL: --cost-dump did not round-trip"; fail=1; }

# futexsim topo: the matrix comes from the profile when hwloc has none
"$fx" topo --cost distance.remote=31 "package:2 numa:1 core:2 pu:1" >"$dir/t" ||
	{ echo "FAIL: futexsim topo"; fail=1; }
grep -q '4 CPUs, 4 cores, 2 packages, 2 NUMA nodes' "$dir/t" &&
	grep -q '^       0   10   31$' "$dir/t" ||
	{ echo "FAIL: futexsim topo output: $(cat "$dir/t")"; fail=1; }
err=$("$fx" topo "package:x" 2>&1) &&
	{ echo "FAIL: futexsim topo accepted package:x"; fail=1; }
printf '%s' "$err" | grep -q 'not a valid hwloc synthetic description' ||
	{ echo "FAIL: futexsim topo error: $err"; fail=1; }

[ "$fail" -eq 0 ] && echo "check-run: ok"
exit "$fail"
