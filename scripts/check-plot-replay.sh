#!/bin/sh
# check-plot-replay.sh [FUTEXSIM] - scripts/plot.sh replay-rate,
# replay-occupancy, replay-series and wake-nodes on the fixtures of
# tests/plot/replay/ (replay.csv: the real "futexsim trace replay --out"
# rows of the bundled zstd-mt and sort-parallel traces over slots 0, 16,
# 64, 256; replay-series.csv and the wake_nodes of run.csv.json written by
# hand to their formats, docs/plots.md): each expected figure is a
# non-empty PNG and SVG, nothing else is written, and the caption names
# the configuration; bad input names the file, exits 1 and writes no
# figure.  With FUTEXSIM, real output is plotted too: a replay (and its
# --series when the binary has it) and a run whose JSON has wake_nodes.
set -u
fx=${1:-}
here=$(cd "$(dirname "$0")" && pwd)
plot=$here/plot.sh
fix=$here/../tests/plot/replay
command -v gnuplot >/dev/null 2>&1 || { echo "check-plot-replay: skipped: no gnuplot"; exit 0; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/fxcheckpr.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
fails=0
bad() { echo "check-plot-replay: FAIL: $*" >&2; fails=$((fails + 1)); }

. "$here/lib/figcheck.sh"
# has FILE TEXT... - the SVG's text holds each TEXT
has() {
	f=$1; shift
	for s in "$@"; do
		grep -qF -- "$s" "$f" 2>/dev/null || bad "$f: no \"$s\""
	done
}
# run KIND FILE DIR - plot, failing the check on an error
run() {
	sh "$plot" "$1" "$2" "$3" >"$tmp/out" 2>&1 || { bad "$1 $2 failed: $(cat "$tmp/out")"; }
}

# (1) replay-rate: one figure per trace x layout, one line per hasher,
# slots=0 a dashed line
run replay-rate "$fix/replay.csv" "$tmp/rate"
expect_figs "$tmp/rate" replay-rate-zstd-mt-global replay-rate-zstd-mt-private \
	replay-rate-sort-parallel-global replay-rate-sort-parallel-private
f=$tmp/rate/replay-rate-zstd-mt-global.svg
has "$f" 'trace zstd-mt, layout global' '2 CPUs, 1 node(s), hash seed 0, 862 calls replayed' \
	'jhash2: kernel size (slots=0)' 'xxh3' 'table size (buckets' 'op collision rate (fraction'

# copies (the columns copies,copy_mode of newer replays): a replay of 4
# copies of a trace is a trace of its own, beside the one of 1 copy
awk -F, 'NR == 2 { print $0 ",copies,copy_mode"; next } NR > 2 { print $0 ",4,process"; next } { print }' \
	"$fix/replay.csv" >"$tmp/copies.csv"
tail -n +3 "$fix/replay.csv" | sed 's/$/,1,process/' >>"$tmp/copies.csv"
run replay-rate "$tmp/copies.csv" "$tmp/cop"
expect_figs "$tmp/cop" replay-rate-zstd-mt_x4-global replay-rate-zstd-mt_x4-private \
	replay-rate-sort-parallel_x4-global replay-rate-sort-parallel_x4-private \
	replay-rate-zstd-mt-global replay-rate-zstd-mt-private \
	replay-rate-sort-parallel-global replay-rate-sort-parallel-private
has "$tmp/cop/replay-rate-zstd-mt_x4-global.svg" 'trace zstd-mt x4, layout global'

# (2) replay-occupancy: one figure per trace, a bar per layout x size x
# hasher and the ideal
run replay-occupancy "$fix/replay.csv" "$tmp/occ"
expect_figs "$tmp/occ" replay-occ-zstd-mt replay-occ-sort-parallel
f=$tmp/occ/replay-occ-zstd-mt.svg
has "$f" 'trace zstd-mt: 2 CPUs, 1 node(s)' 'mean over 53 occupancy samples' \
	'global, kernel size' 'private, 256 slots' 'ideal random hash' 'keys per non-empty bucket (mean)'

# (3) replay-series: one figure per trace, three panels
run replay-series "$fix/replay-series.csv" "$tmp/ser"
expect_figs "$tmp/ser" replay-series-zstd-mt replay-series-sort-parallel
has "$tmp/ser/replay-series-zstd-mt.svg" 'trace zstd-mt' 'jhash2/private/16 slots' \
	'xxh3/global/256 slots' 'waiters queued' 'non-empty buckets' 'longest chain (waiters)' \
	'trace time since the first record (s)'
has "$tmp/ser/replay-series-sort-parallel.svg" '16 slots (16 buckets)' 'jhash2/private'
# CRLF line ends
sed 's/$/\r/' "$fix/replay-series.csv" >"$tmp/crlf.csv"
run replay-series "$tmp/crlf.csv" "$tmp/ser2"
expect_figs "$tmp/ser2" replay-series-zstd-mt replay-series-sort-parallel

# (4) wake-nodes: one heatmap per configuration but the seed; p99 too
T=package_2_numa_1_core_2_pu_1
run wake-nodes "$fix/run.csv.json" "$tmp/wn"
expect_figs "$tmp/wn" wake-nodes-perf-wake-$T-global-jhash2-t4 wake-nodes-perf-wake-$T-pernode-jhash2-t4 \
	wake-nodes-perf-wake-$T-global-xxh3-t4 wake-nodes-perf-wake-$T-pernode-xxh3-t4
f=$tmp/wn/wake-nodes-perf-wake-$T-global-jhash2-t4.svg
has "$f" 'wake-up latency p50 by waker node x wakee node' \
	'perf-wake -w 1 on package:2 numa:1 core:2 pu:1, 4 threads, layout global, hasher jhash2, cost profile builtin' \
	'2 seeds merged' 'n=43' '20.5us' 'waker node' 'wakee node' 'p50 wake-up latency (ns)'
FX_PLOT_LAT=p99 sh "$plot" wake-nodes "$fix/run.csv.json" "$tmp/wn99" >/dev/null 2>&1 || bad "wake-nodes p99 failed"
has "$tmp/wn99/wake-nodes-perf-wake-$T-global-jhash2-t4.svg" 'latency p99 by waker node'
tr -d '\n' <"$fix/run.csv.json" >"$tmp/one.json"
run wake-nodes "$tmp/one.json" "$tmp/wn1"
[ "$(ls "$tmp/wn1" | wc -l)" -eq 8 ] || bad "wake-nodes on one-line JSON: $(ls "$tmp/wn1" | wc -l) files"

# (5) bad input: exit 1, the file (and line) named, nothing written
err() {	# err KIND FILE PATTERN
	rm -rf "$tmp/e"
	st=0
	sh "$plot" "$1" "$2" "$tmp/e" >"$tmp/out" 2>&1 || st=$?
	if [ "$st" -ne 1 ] || ! grep -qF -- "$2" "$tmp/out" || ! grep -q -- "$3" "$tmp/out"; then
		bad "$1 $2: exit $st, wanted 1 and /$3/: $(cat "$tmp/out")"
	fi
	[ -z "$(ls -A "$tmp/e" 2>/dev/null)" ] || bad "$1 $2 left files: $(ls -A "$tmp/e")"
}
err replay-rate "$tmp/nosuch.csv" "cannot read"
: >"$tmp/empty.csv"
err replay-occupancy "$tmp/empty.csv" "is empty"
err replay-series "$tmp/empty.csv" "is empty"
sed '2s/collision_rate/coll_rate/' "$fix/replay.csv" >"$tmp/hdr.csv"
err replay-rate "$tmp/hdr.csv" 'line 2: not the header of a futexsim trace replay CSV: no column "collision_rate"'
head -n 2 "$fix/replay.csv" >"$tmp/hdronly.csv"
err replay-occupancy "$tmp/hdronly.csv" "no data rows"
sed '5s/,0\.146179,/,many,/' "$fix/replay.csv" >"$tmp/num.csv"
err replay-rate "$tmp/num.csv" 'line 5: column collision_rate is "many", expected a number'
sed '6s/,[^,]*$//' "$fix/replay.csv" >"$tmp/short.csv"
err replay-occupancy "$tmp/short.csv" "line 6: 28 fields, expected 29"
sed '6s/^zstd-mt\.fxt,jhash2,global,256,/zstd-mt.fxt,jhash2,global,64,/' "$fix/replay.csv" >"$tmp/dup.csv"
err replay-rate "$tmp/dup.csv" "line 6: trace zstd-mt, global/jhash2, 64 slots again (first at line 5)"
grep -v ',\(16\|64\|256\),2,1,' "$fix/replay.csv" >"$tmp/nosweep.csv"
err replay-rate "$tmp/nosweep.csv" "no table-size sweep to plot"
sed 's/,[0-9.]*,[0-9.]*,[0-9]*,[0-9.]*$/,nan,nan,0,nan/' "$fix/replay.csv" >"$tmp/nosamp.csv"
err replay-occupancy "$tmp/nosamp.csv" "no row has occupancy samples"
err replay-series "$fix/replay.csv" 'not the header of a futexsim trace replay --series CSV: no column "copies"'
sed '4s/,5000123,/,1000,/' "$fix/replay-series.csv" >"$tmp/back.csv"
err replay-series "$tmp/back.csv" "line 4: trace zstd-mt, jhash2/global: sample 2 at 1000 ns does not follow sample 1"
sed '5s/,1,1,256,1,/,1,9,256,1,/' "$fix/replay-series.csv" >"$tmp/imp.csv"
err replay-series "$tmp/imp.csv" "line 5: impossible sample"
sed 's/"wake_nodes"/"wake_node"/' "$fix/run.csv.json" >"$tmp/nowk.json"
err wake-nodes "$tmp/nowk.json" 'no configuration has "wake_nodes"'
sed '2s/"count":\[\[21,15\],\[24,0\]\]/"count":[[21,15]]/' "$fix/run.csv.json" >"$tmp/dim.json"
err wake-nodes "$tmp/dim.json" "configs\[0\].wake_nodes.count: expected 2 rows"
sed '2s/"p50_ns":\[\[20300,/"p50_ns":[["x",/' "$fix/run.csv.json" >"$tmp/str.json"
err wake-nodes "$tmp/str.json" "configs\[0\].wake_nodes.p50_ns\[0\]\[0\] is missing or not a number"
head -c 3000 "$fix/run.csv.json" >"$tmp/cut.json"
err wake-nodes "$tmp/cut.json" "malformed JSON"
err wake-nodes "$fix/run.csv" "malformed JSON"
rm -rf "$tmp/e"
if FX_PLOT_LAT=p90 sh "$plot" wake-nodes "$fix/run.csv.json" "$tmp/e" >"$tmp/out" 2>&1 ||
   ! grep -q 'has p50, p99 and mean' "$tmp/out"; then
	bad "FX_PLOT_LAT=p90 accepted by wake-nodes: $(cat "$tmp/out")"
fi

# (6) real output, when futexsim is given
if [ -n "$fx" ] && [ -x "$fx" ] && command -v xz >/dev/null 2>&1; then
	fx=$(cd "$(dirname "$fx")" && pwd)/$(basename "$fx")
	tr=$here/../workloads/traces/zstd-mt/zstd-mt.strace.xz
	xz -dc "$tr" >"$tmp/zstd-mt.strace" &&
	"$fx" trace import --from strace "$tmp/zstd-mt.strace" -o "$tmp/zstd-mt.fxt" --binary \
		--program zstd-mt >/dev/null 2>&1 || bad "trace import of $tr failed"
	ser=
	"$fx" trace replay --help 2>&1 | grep -q -- '--series' && ser="--series $tmp/real-series.csv"
	# shellcheck disable=SC2086
	if (cd "$tmp" && "$fx" trace replay zstd-mt.fxt --hash jhash2,xxh3 --layout global,private \
		--slots 0,16,64 --cpus 2 --sample 64 --out real.csv $ser) >/dev/null 2>"$tmp/out"; then
		run replay-rate "$tmp/real.csv" "$tmp/real-rate"
		expect_figs "$tmp/real-rate" replay-rate-zstd-mt-global replay-rate-zstd-mt-private
		run replay-occupancy "$tmp/real.csv" "$tmp/real-occ"
		expect_figs "$tmp/real-occ" replay-occ-zstd-mt
		if [ -n "$ser" ]; then
			run replay-series "$tmp/real-series.csv" "$tmp/real-ser"
			expect_figs "$tmp/real-ser" replay-series-zstd-mt
		fi
	else
		bad "trace replay failed: $(cat "$tmp/out")"
	fi
	if "$fx" run -q --workload perf-wake --layout global,pernode --threads 4 \
		--topology "package:2 numa:1 core:2 pu:1" --out "$tmp/run.csv" -- -w 1 >/dev/null 2>"$tmp/out"; then
		if grep -q '"wake_nodes"' "$tmp/run.csv.json"; then
			run wake-nodes "$tmp/run.csv.json" "$tmp/real-wn"
			expect_figs "$tmp/real-wn" wake-nodes-perf-wake-$T-global-jhash2-t4 wake-nodes-perf-wake-$T-pernode-jhash2-t4
		fi
	else
		bad "futexsim run failed: $(cat "$tmp/out")"
	fi
fi

if [ "$fails" -ne 0 ]; then
	echo "check-plot-replay: $fails failure(s)" >&2
	exit 1
fi
echo "check-plot-replay: ok"
