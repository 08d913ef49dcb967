#!/bin/sh
# study.sh [OUTDIR] - the bundled default study: the kernel's three bucket
# layouts (pre-6.16 global table, 6.16+ per-node tables, 6.16+ process-
# private hash) under perf bench futex hash and wake on a simulated
# 2-socket machine, with jhash2 (the kernel's) and xxh3.
#
# Writes OUTDIR/{hash,wake,wakepar}.csv (+ .json sidecars), when gnuplot
# is installed the figures in OUTDIR/figures, and the HTML report of it all
# in OUTDIR/report/index.html (scripts/report.sh, docs/report.md); prints
# the summary tables.
# The topology is synthetic so the results are the same on any machine.
set -eu
out=${1:-results/study}
fx=${FUTEXSIM:-build/futexsim}
topo=${FX_STUDY_TOPOLOGY:-"package:2 numa:1 core:8 pu:1"}
[ -x "$fx" ] || { echo "study.sh: $fx not built (run make)" >&2; exit 1; }
mkdir -p "$out"

echo "== perf-hash: threads x layout, 2 ms simulated each"
"$fx" run -q --workload perf-hash --hash jhash2,xxh3 \
	--layout global,pernode,private --threads 2,4,8,16 \
	--topology "$topo" --seed 1 --out "$out/hash.csv" -- -r 0.002

echo "== perf-wake: 4, 8, 16 waiters, one woken per call"
"$fx" run -q --workload perf-wake --hash jhash2,xxh3 \
	--layout global,pernode,private --threads 4,8,16 \
	--topology "$topo" --seed 1 --out "$out/wake.csv" -- -w 1

echo "== perf-wake-parallel: 16 waiters, 4 wakers"
"$fx" run -q --workload perf-wake-parallel --hash jhash2 \
	--layout global,pernode,private --threads 16 \
	--topology "$topo" --seed 1 --out "$out/wakepar.csv" -- -w 4

if command -v gnuplot >/dev/null 2>&1; then
	scripts/plot.sh throughput "$out/hash.csv" "$out/figures" >/dev/null
	scripts/plot.sh lockwait "$out/hash.csv" "$out/figures" >/dev/null
	scripts/plot.sh latency-cdf "$out/wake.csv.json" "$out/figures" >/dev/null
	scripts/plot.sh throughput "$out/wake.csv" "$out/figures" >/dev/null
	echo "figures: $out/figures"
else
	echo "figures skipped: gnuplot is not installed"
fi
scripts/report.sh "$out" "$out/report/index.html" >/dev/null
echo "results: $out/hash.csv $out/wake.csv $out/wakepar.csv"
echo "report: $out/report/index.html"
