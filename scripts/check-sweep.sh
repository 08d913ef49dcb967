#!/bin/sh
# check-sweep.sh FUTEXSIM - "futexsim sweep" end to end with GNU parallel
# (-j 2): a small grid of 2 bundled traces x 2 hashers (replay) and a few
# tiny run cells, one of which fails on purpose; the merged files, the
# ranking and the exit status; a rerun executes nothing (the joblog does
# not grow); --part 0/2 + --part 1/2 + --merge gives byte-identical
# merged files; --dry-run and --slurm; a malformed grid exits non-zero
# naming line and field and creates no directory.
set -u
fx=${1:-build/futexsim}
case $fx in /*) ;; *) fx=$(pwd)/$fx ;; esac
fail=0
dir=$(mktemp -d "${TMPDIR:-/tmp}/fxsweep.XXXXXX") || exit 1
trap 'rm -rf "$dir"' EXIT INT TERM
die() { echo "FAIL: $*"; fail=1; }

if ! command -v parallel >/dev/null 2>&1; then
	echo "check-sweep.sh: GNU parallel is not installed (scripts/debian-packages.txt)"
	exit 1
fi

cat >"$dir/small.grid" <<'GRID'
# check-sweep.sh's grid
version = 1

[traces]
mode = replay
trace = node-threadpool, sort-parallel
hash = jhash2, xxh3
layout = private

[tiny]
mode = run
workload = perf-wake
topology = package:1 numa:1 core:2 pu:1
layout = global, private
args = -t 2 -w 1 --repeat 2, -t 2 --bogus
GRID

out=$dir/whole
"$fx" sweep "$dir/small.grid" -o "$out" -j 2 >"$dir/whole.out" 2>"$dir/whole.err"
rc=$?
[ "$rc" -eq 1 ] || die "a sweep with failing cells exited $rc, wanted 1"
for f in grid run.csv run.csv.json replay.csv cells.tsv provenance.txt ranking.txt joblog \
	traces/node-threadpool.fxt traces/sort-parallel.fxt; do
	[ -s "$out/$f" ] || die "no $out/$f"
done
cmp -s "$dir/small.grid" "$out/grid" || die "DIR/grid is not a byte copy of the grid"
# 4 replay cells + 2 ok run cells + 2 failed run cells
[ "$(grep -c '	ok	' "$out/cells.tsv")" -eq 6 ] || die "cells.tsv: not 6 ok cells: $(cat "$out/cells.tsv")"
[ "$(grep -c '	failed	' "$out/cells.tsv")" -eq 2 ] || die "cells.tsv: not 2 failed cells"
grep -q "^6	tiny	run	failed	.*--bogus.*unknown option '--bogus'" "$out/cells.tsv" ||
	die "cells.tsv: cell 6 error is not recorded: $(sed -n 8p "$out/cells.tsv")"
[ -s "$out/cells/00006.err" ] && [ ! -e "$out/cells/00006.csv" ] || die "cell 6: no .err, or an output"
grep -q "cell 6 failed" "$dir/whole.err" || die "the failure was not reported on stderr"
[ "$(head -n 1 "$out/cells.tsv")" = "$(printf 'index\tsection\tmode\tstatus\tconfig\terror')" ] ||
	die "cells.tsv header"
[ "$(grep -vc '^#' "$out/replay.csv")" -eq 5 ] || die "replay.csv: not a header and 4 rows"
grep -q '^trace,hasher,layout,slots' "$out/replay.csv" || die "replay.csv: no replay header"
[ "$(head -c 1 "$out/replay.csv")" = "#" ] || die "replay.csv: no provenance line"
[ "$(wc -l <"$out/run.csv")" -eq 3 ] || die "run.csv: not a header and 2 rows"
head -n 1 "$out/run.csv" | grep -q '^workload,wopts,topology' || die "run.csv: no run header"
head -c 40 "$out/run.csv.json" | grep -q '^{"futexsim":"run","version":' || die "run.csv.json head"
[ "$(grep -c '^{"workload"' "$out/run.csv.json")" -eq 2 ] || die "run.csv.json: not 2 configs"
grep -q '^hosts: .' "$out/provenance.txt" && grep -q '^grid_sha256: [0-9a-f]\{64\}$' "$out/provenance.txt" &&
	grep -q '^failed: 2$' "$out/provenance.txt" || die "provenance.txt: $(cat "$out/provenance.txt")"
grep -q 'replay node-threadpool.fxt: lowest collision rate' "$out/ranking.txt" &&
	grep -q 'run perf-wake -t 2 -w 1 --repeat 2: best p99 wake latency' "$out/ranking.txt" &&
	grep -q 'failed 2, missing 0' "$out/ranking.txt" || die "ranking.txt: $(cat "$out/ranking.txt")"
cmp -s "$out/ranking.txt" "$dir/whole.out" || die "the printed ranking is not ranking.txt"
if grep -q '[0-9]\{4\}-[0-9][0-9]-[0-9][0-9]T' "$out/run.csv" "$out/replay.csv" "$out/cells.tsv"; then
	die "a time in the merged files"
fi
h=$(hostname 2>/dev/null || true)
if [ "${#h}" -ge 4 ] && grep -qF "$h" "$out/run.csv" "$out/replay.csv" "$out/cells.tsv"; then
	die "the host name in the merged files"
fi

# a rerun: nothing executed (the joblog does not grow), same results
cp "$out/run.csv" "$dir/run.csv.1"
jl=$(wc -l <"$out/joblog")
"$fx" sweep "$dir/small.grid" -o "$out" -j 2 -q 2>/dev/null
rc=$?
[ "$rc" -eq 1 ] || die "rerun exited $rc, wanted 1 (failed cells stay failed)"
[ "$(wc -l <"$out/joblog")" -eq "$jl" ] || die "the rerun executed cells: $(cat "$out/joblog")"
cmp -s "$out/run.csv" "$dir/run.csv.1" || die "the rerun changed run.csv"
# --retry-failed reruns the 2 failed cells, and only them
"$fx" sweep "$dir/small.grid" -o "$out" -j 2 -q --retry-failed 2>/dev/null
[ "$(wc -l <"$out/joblog")" -eq $((jl + 2)) ] || die "--retry-failed did not run exactly the 2 failed cells"

# split in two parts, merged: byte-identical to the whole
"$fx" sweep "$dir/small.grid" -o "$dir/p0" -j 2 -q --part 0/2 2>/dev/null
"$fx" sweep "$dir/small.grid" -o "$dir/p1" -j 2 -q --part 1/2 2>/dev/null
[ "$(grep -c '	ok	' "$dir/p0/cells.tsv")" -eq 3 ] || die "--part 0/2: not 3 ok cells"
"$fx" sweep --merge "$dir/p0" "$dir/p1" -o "$dir/merged" -q 2>/dev/null
[ $? -eq 1 ] || die "--merge with failed cells did not exit 1"
for f in run.csv run.csv.json replay.csv cells.tsv ranking.txt; do
	cmp "$out/$f" "$dir/merged/$f" || die "$f: split + merge differs from the whole sweep"
done
if "$fx" trace replay --help | grep -q -- --series; then
	head -n 1 "$out/replay-series.csv" | grep -q '^trace,hasher,layout,slots,copies,sample,' ||
		die "no replay-series.csv"
	[ "$(cut -d, -f2 "$out/replay-series.csv" | sort -u | tr '\n' ' ')" = "hasher jhash2 xxh3 " ] ||
		die "replay-series.csv: not the series of both hashers"
	cmp "$out/replay-series.csv" "$dir/merged/replay-series.csv" || die "replay-series.csv differs"
elif [ -e "$out/replay-series.csv" ]; then
	cmp "$out/replay-series.csv" "$dir/merged/replay-series.csv" || die "replay-series.csv differs"
fi
# --merge-only over copied cells gives the same again
mkdir -p "$dir/copy/cells" && cp "$dir/small.grid" "$dir/copy/grid" &&
	cp "$dir"/p0/cells/* "$dir"/p1/cells/* "$dir/copy/cells/"
"$fx" sweep "$dir/small.grid" -o "$dir/copy" --merge-only -q 2>/dev/null
cmp -s "$out/run.csv" "$dir/copy/run.csv" && cmp -s "$out/cells.tsv" "$dir/copy/cells.tsv" ||
	die "--merge-only over copied cells differs"

# another grid in the same directory is refused, naming both
printf 'version = 1\n[x]\nmode = run\nworkload = perf-hash\n' >"$dir/other.grid"
err=$("$fx" sweep "$dir/other.grid" -o "$out" 2>&1)
[ $? -eq 2 ] && printf '%s' "$err" | grep -q "$out.*another grid than $dir/other.grid" ||
	die "a different grid in DIR: $err"

# --dry-run lists the cells and commands and creates nothing
"$fx" sweep "$dir/small.grid" -o "$dir/dry" --dry-run >"$dir/dry.out" || die "--dry-run failed"
[ ! -e "$dir/dry" ] || die "--dry-run created the directory"
grep -q "^00003	traces	replay	trace=sort-parallel hash=xxh3" "$dir/dry.out" &&
	grep -q "trace replay sort-parallel.fxt --hash xxh3" "$dir/dry.out" || die "--dry-run: $(cat "$dir/dry.out")"

# --slurm writes a job-array script
"$fx" sweep "$dir/small.grid" -o "$dir/sl" --slurm "$dir/job.sh" 2>/dev/null || die "--slurm failed"
grep -q '^#SBATCH --array=0-7$' "$dir/job.sh" && grep -q -- '--cell "$SLURM_ARRAY_TASK_ID"' "$dir/job.sh" &&
	grep -q -- '--merge-only' "$dir/job.sh" && sh -n "$dir/job.sh" || die "--slurm script: $(cat "$dir/job.sh")"
# one array task by hand, as Slurm would run it
SLURM_ARRAY_TASK_ID=0 sh "$dir/job.sh" >/dev/null || die "an array task failed"
[ -s "$dir/sl/cells/00000.csv" ] || die "the array task wrote no cell"

# malformed grids: non-zero, line and field named, no directory
bad() {  # bad PATTERN GRID-TEXT
	printf '%b' "$2" >"$dir/bad.grid"
	err=$("$fx" sweep "$dir/bad.grid" -o "$dir/baddir" 2>&1)
	rc=$?
	if [ "$rc" -eq 0 ] || ! printf '%s' "$err" | grep -q -- "$1"; then
		die "bad grid -> exit $rc: $err (wanted /$1/)"
	fi
	[ ! -e "$dir/baddir" ] || die "a malformed grid created its directory"
}
bad "bad.grid:5: field 'hash': 'nope' is not a hasher" 'version = 1\n[s]\nmode = replay\ntrace = xz-mt\nhash = jhash2, nope\n'
bad "bad.grid:4: field 'layout'" 'version = 1\n[s]\nmode = run\nlayout = nope\nworkload = perf-hash\n'
bad "bad.grid:3: field 'slots'" 'version = 1\n[s]\nslots = 3\nmode = run\nworkload = perf-hash\n'
bad "bad.grid:4: field 'threads': not a key of mode replay" 'version = 1\n[s]\nmode = replay\nthreads = 2\ntrace = xz-mt\n'
bad "bad.grid:4: field 'trace': 'nope' is not a bundled trace" 'version = 1\n[s]\nmode = replay\ntrace = nope\n'
bad "bad.grid:4: field 'topology'" 'version = 1\n[s]\nmode = run\ntopology = package:x\nworkload = perf-hash\n'
bad "bad.grid:3: field 'wrkload': unknown key" 'version = 1\n[s]\nwrkload = perf-hash\n'

[ "$fail" -eq 0 ] && echo "check-sweep: ok"
exit "$fail"
