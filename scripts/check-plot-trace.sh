#!/bin/sh
# check-plot-trace.sh - scripts/plot.sh trace-collisions and trace-occupancy
# on the fixtures of tests/plot/trace/ (real output of the bundled trace
# zstd-mt: "futexsim trace replay --out" and "futexsim trace stats --json",
# as scripts/traces.sh makes them): each expected figure is a non-empty PNG
# and SVG and nothing else is written; bad input names the file, exits 1
# and writes no figure.  Needs gnuplot (skips, exit 77, without it).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
plot=$here/plot.sh
fx=$here/../tests/plot/trace
command -v gnuplot >/dev/null 2>&1 || { echo "check-plot-trace: SKIP (no gnuplot)"; exit 77; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/fxcheckpt.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fails=0
bad() { echo "check-plot-trace: FAIL: $*" >&2; fails=$((fails + 1)); }

# expect DIR FILE... - exactly these non-empty figures (NAME.png, NAME.svg)
expect() {
	d=$1; shift
	n=0
	for f in "$@"; do
		for e in png svg; do
			[ -s "$d/$f.$e" ] || bad "$d/$f.$e missing or empty"
			n=$((n + 1))
		done
	done
	[ -s "$d/$1.png" ] && ! head -c 8 "$d/$1.png" | od -c | grep -q 'P   N   G' &&
		bad "$d/$1.png is not a PNG"
	[ -s "$d/$1.svg" ] && ! grep -q '<svg' "$d/$1.svg" && bad "$d/$1.svg is not an SVG"
	have=$(ls -A "$d" | wc -l)
	[ "$have" -eq "$n" ] || bad "$d holds $have files, expected $n: $(ls -A "$d" | tr '\n' ' ')"
}

# trace-collisions: a directory, and a list of CSVs
"$plot" trace-collisions -o "$tmp/c1" "$fx" >"$tmp/out" 2>&1 || { cat "$tmp/out"; bad "trace-collisions DIR failed"; }
expect "$tmp/c1" trace-collisions
grep -q 'private/jhash2' "$tmp/c1/trace-collisions.svg" || bad "no private/jhash2 bar in the legend"
grep -q 'zstd-mt' "$tmp/c1/trace-collisions.svg" || bad "no zstd-mt group"
# a second "trace" from the same rows, CRLF line ends
sed 's/^zstd-mt\.fxt,/other.fxt,/; s/$/\r/' "$fx/zstd-mt.replay.csv" >"$tmp/other.replay.csv"
"$plot" trace-collisions -o "$tmp/c2" "$fx/zstd-mt.replay.csv" "$tmp/other.replay.csv" >"$tmp/out" 2>&1 ||
	{ cat "$tmp/out"; bad "trace-collisions CSV CSV failed"; }
expect "$tmp/c2" trace-collisions
grep -q 'other' "$tmp/c2/trace-collisions.svg" || bad "no group of the second CSV"

# trace-occupancy
"$plot" trace-occupancy "$fx/zstd-mt.stats.json" "$tmp/o1" >"$tmp/out" 2>&1 || { cat "$tmp/out"; bad "trace-occupancy failed"; }
expect "$tmp/o1" trace-waiters-zstd-mt
grep -q 'max in bucket' "$tmp/o1/trace-waiters-zstd-mt.svg" || bad "no max line"
# one line JSON
tr -d '\n' <"$fx/zstd-mt.stats.json" >"$tmp/one.stats.json"
"$plot" trace-occupancy "$tmp/one.stats.json" "$tmp/o2" >"$tmp/out" 2>&1 || { cat "$tmp/out"; bad "trace-occupancy on one line failed"; }
expect "$tmp/o2" trace-waiters-one

# errors: exit 1, the file (and line) named, nothing written
# err PATTERN COMMAND... - COMMAND fails with exit 1, a message matching
# PATTERN, and nothing in $tmp/e
err() {
	pat=$1; shift
	rm -rf "$tmp/e"
	st=0
	"$@" >"$tmp/out" 2>&1 || st=$?
	if [ "$st" -eq 0 ]; then
		bad "no failure: $*"
		return
	fi
	[ "$st" -eq 1 ] || bad "exit $st, expected 1: $*"
	grep -q -- "$pat" "$tmp/out" || { bad "message without '$pat': $*"; cat "$tmp/out" >&2; }
	[ ! -d "$tmp/e" ] || [ -z "$(ls -A "$tmp/e")" ] || bad "files written: $*"
}
sed '2s/collision_rate/coll_rate/' "$fx/zstd-mt.replay.csv" >"$tmp/hdr.replay.csv"
err "hdr.replay.csv: line 2: .*collision_rate" "$plot" trace-collisions -o "$tmp/e" "$tmp/hdr.replay.csv"
sed '5s/,0\.123577,/,lots,/; 5s/,0\.0083612,/,lots,/' "$fx/zstd-mt.replay.csv" >"$tmp/num.replay.csv"
err "num.replay.csv: line 5: column collision_rate" "$plot" trace-collisions -o "$tmp/e" "$tmp/num.replay.csv"
sed '6s/,nan$//' "$fx/zstd-mt.replay.csv" >"$tmp/short.replay.csv"
err "short.replay.csv: line 6: .* fields" "$plot" trace-collisions -o "$tmp/e" "$tmp/short.replay.csv"
err "zstd-mt.replay.csv: line 3: .*again" "$plot" trace-collisions -o "$tmp/e" "$fx/zstd-mt.replay.csv" "$fx/zstd-mt.replay.csv"
mkdir "$tmp/empty"
err "has no \*.replay.csv" "$plot" trace-collisions -o "$tmp/e" "$tmp/empty"
sed 's/"waiters_series"/"waiters"/' "$fx/zstd-mt.stats.json" >"$tmp/nows.stats.json"
err "nows.stats.json: .*waiters_series" "$plot" trace-occupancy "$tmp/nows.stats.json" "$tmp/e"
sed 's/"mean": \[2/"mean": [x2/' "$fx/zstd-mt.stats.json" >"$tmp/badjs.stats.json"
err "badjs.stats.json: malformed JSON on line" "$plot" trace-occupancy "$tmp/badjs.stats.json" "$tmp/e"
: >"$tmp/zero.stats.json"
err "zero.stats.json' is empty" "$plot" trace-occupancy "$tmp/zero.stats.json" "$tmp/e"

if [ "$fails" -ne 0 ]; then
	echo "check-plot-trace: $fails failure(s)" >&2
	exit 1
fi
echo "check-plot-trace: ok"
