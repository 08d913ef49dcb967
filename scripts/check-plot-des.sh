#!/bin/sh
# check-plot-des.sh [FUTEXSIM] - the contract of plot.sh's latency-cdf,
# throughput and lockwait kinds: the fixtures in tests/plot/ (a
# "futexsim run" CSV and its JSON sidecar, written by hand to the format of
# docs/plots.md) render to the expected non-empty PNG and SVG files;
# quoted CSV fields and one-line JSON are read right; bad input (missing,
# empty, wrong header, short row, broken or foreign JSON, bins that do not
# add up) gets a message naming the file, exit 1 and no file in OUTDIR.
# With FUTEXSIM, a tiny "futexsim run" is plotted too.
set -u
fx=${1:-}
fail=0
plot=scripts/plot.sh
fix=tests/plot
tmp=$(mktemp -d "${TMPDIR:-/tmp}/fxplotdes.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

if ! command -v gnuplot >/dev/null 2>&1; then
	echo "plot-des: skipped: gnuplot is not installed (Debian: gnuplot-nox)"
	exit 0
fi

bad() { echo "FAIL: $*"; fail=1; }
. "$(dirname "$0")/lib/figcheck.sh"

T=package_2_numa_1_core_4_pu_1
# (1) the fixtures
sh $plot latency-cdf $fix/run.json "$tmp/cdf" >/dev/null 2>"$tmp/err" ||
	{ echo "FAIL: latency-cdf on $fix/run.json: $(cat "$tmp/err")"; fail=1; }
expect_figs "$tmp/cdf" latency-cdf-perf-wake-$T-t2 latency-cdf-perf-wake-$T-t4 \
	latency-cdf-perf-wake-$T-t8 latency-cdf-mutex-$T-t4
grep -q 'configuration(s) without wake-ups left out' "$tmp/err" ||
	{ echo "FAIL: latency-cdf did not say it left out perf-hash"; fail=1; }
# one curve per layout x hasher; two seeds merged into one curve
f=$tmp/cdf/latency-cdf-perf-wake-$T-t8.svg
for c in 'private / jhash2' 'private / xxh3' 'global / jhash2' 'pernode / jhash2'; do
	grep -q "$c (n=100," "$f" 2>/dev/null || { echo "FAIL: no curve '$c' in $f"; fail=1; }
done
grep -q 'of 2 seeds' "$tmp/cdf/latency-cdf-mutex-$T-t4.svg" 2>/dev/null ||
	{ echo "FAIL: the mutex seeds were not merged"; fail=1; }

sh $plot throughput $fix/run.csv "$tmp/thr" >/dev/null 2>"$tmp/err" ||
	{ echo "FAIL: throughput on $fix/run.csv: $(cat "$tmp/err")"; fail=1; }
expect_figs "$tmp/thr" throughput-perf-wake-$T throughput-perf-hash-$T throughput-mutex-$T
# "-c 2,3" is a quoted field with a comma in it
grep -q 'mutex -c 2,3 on package:2' "$tmp/thr/throughput-mutex-$T.svg" 2>/dev/null ||
	{ echo "FAIL: the quoted wopts field was not read whole"; fail=1; }

sh $plot lockwait $fix/run.csv "$tmp/lw" >/dev/null 2>"$tmp/err" ||
	{ echo "FAIL: lockwait on $fix/run.csv: $(cat "$tmp/err")"; fail=1; }
expect_figs "$tmp/lw" lockwait-perf-wake-$T lockwait-perf-hash-$T lockwait-mutex-$T
grep -q 'foreign keys (false contention)' "$tmp/lw/lockwait-perf-wake-$T.svg" 2>/dev/null ||
	{ echo "FAIL: lockwait has no foreign-key bars"; fail=1; }

# (2) the same JSON on one line, and with CRLF line ends in the CSV
tr -d '\n' <$fix/run.json >"$tmp/one.json"
sh $plot latency-cdf "$tmp/one.json" "$tmp/one" >/dev/null 2>&1 ||
	{ echo "FAIL: latency-cdf on one-line JSON"; fail=1; }
expect_figs "$tmp/one" latency-cdf-perf-wake-$T-t2 latency-cdf-perf-wake-$T-t4 \
	latency-cdf-perf-wake-$T-t8 latency-cdf-mutex-$T-t4
sed 's/$/\r/' $fix/run.csv >"$tmp/crlf.csv"
sh $plot throughput "$tmp/crlf.csv" "$tmp/crlf" >/dev/null 2>&1 ||
	{ echo "FAIL: throughput on a CRLF CSV"; fail=1; }

# (3) bad input: exit 1, the file named, nothing written
expect_bad() {	# expect_bad KIND FILE PATTERN
	rm -rf "$tmp/bad"
	err=$(sh $plot "$1" "$2" "$tmp/bad" 2>&1 >/dev/null)
	rc=$?
	if [ "$rc" -ne 1 ] || ! printf '%s' "$err" | grep -q -- "$2" ||
	   ! printf '%s' "$err" | grep -q -- "$3"; then
		echo "FAIL: $1 $2 -> exit $rc, stderr: $err (wanted exit 1 and /$3/)"
		fail=1
	fi
	if [ -n "$(ls -A "$tmp/bad" 2>/dev/null)" ]; then
		echo "FAIL: $1 $2 left files:"; ls -A "$tmp/bad"; fail=1
	fi
}
expect_bad throughput "$tmp/nosuch.csv" "cannot read"
: >"$tmp/empty.csv"
expect_bad lockwait "$tmp/empty.csv" "is empty"
head -n 1 $fix/run.csv >"$tmp/hdronly.csv"
expect_bad throughput "$tmp/hdronly.csv" "no data rows"
sed '1s/^workload,wopts/workload,options/' $fix/run.csv >"$tmp/hdr.csv"
expect_bad throughput "$tmp/hdr.csv" 'column 2 is "options", expected "wopts"'
printf 'spec,family,hasher,layout,slots\npage,page,jhash2,private,16\n' >"$tmp/collide.csv"
expect_bad lockwait "$tmp/collide.csv" "not the header of a futexsim run CSV"
sed '3s/,[^,]*$//' $fix/run.csv >"$tmp/short.csv"
expect_bad lockwait "$tmp/short.csv" "line 3: 47 fields, expected 48"
sed '4s/^perf-wake,-w 1,/perf-wake,"-w 1,/' $fix/run.csv >"$tmp/quote.csv"
expect_bad throughput "$tmp/quote.csv" "a quote is not closed"
sed '2s/,360000\.0,/,fast,/' $fix/run.csv >"$tmp/nonnum.csv"
expect_bad throughput "$tmp/nonnum.csv" 'column throughput_ops_s is "fast", expected a number'
head -c 5000 $fix/run.json >"$tmp/cut.json"
expect_bad latency-cdf "$tmp/cut.json" "malformed JSON"
sed 's/"futexsim":"run"/"futexsim":"collide"/' $fix/run.json >"$tmp/other.json"
expect_bad latency-cdf "$tmp/other.json" 'not a futexsim run JSON'
sed '2s/"count":100,/"count":99,/' $fix/run.json >"$tmp/count.json"
expect_bad latency-cdf "$tmp/count.json" "the bins hold 100 values, count says 99"
expect_bad latency-cdf $fix/run.csv "malformed JSON"
expect_bad throughput $fix/run.json "not the header of a futexsim run CSV"

# (4) a tiny real run, when futexsim is given
if [ -n "$fx" ] && [ -x "$fx" ] && "$fx" run --help >/dev/null 2>&1; then
	mkdir -p "$tmp/real"
	if "$fx" run --workload perf-wake --layout private,global --threads 2,4 \
		--topology "package:1 numa:1 core:4 pu:1" -q \
		--out "$tmp/real/run.csv" -- -w 1 >/dev/null 2>"$tmp/err"; then
		json=$tmp/real/run.csv.json
		[ -f "$json" ] || json=$tmp/real/run.json
		for k in throughput lockwait; do
			sh $plot $k "$tmp/real/run.csv" "$tmp/real/$k" >/dev/null 2>&1 ||
				{ echo "FAIL: $k on a real futexsim run CSV"; fail=1; }
		done
		sh $plot latency-cdf "$json" "$tmp/real/cdf" >/dev/null 2>&1 ||
			{ echo "FAIL: latency-cdf on a real futexsim run JSON"; fail=1; }
	else
		echo "FAIL: the tiny futexsim run failed: $(cat "$tmp/err")"
		fail=1
	fi
fi

[ "$fail" -eq 0 ] && echo "plot-des: ok"
exit "$fail"
