#!/bin/sh
# check-plot-bench.sh [FUTEXSIM] - the contract of plot.sh's slots,
# latency-matrix and validation kinds: the fixtures in tests/plot/ (a
# "make bench" bench.csv of a 2-node host, with rows of other benchmarks
# and metrics the plots must skip, and a "futexsim validate --out" CSV,
# written by hand to the formats of docs/plots.md) render to the expected
# non-empty PNG and SVG files and nothing else; CRLF line ends are read;
# bad input (missing, empty, wrong header, short row, non-number, bad
# params or distances, nothing of the kind to plot) gets a message naming
# the file, exit 1 and no file in OUTDIR.  With FUTEXSIM (when it has
# "validate"), the fixture bench.csv is validated and that CSV plotted too.
set -u
fx=${1:-}
fail=0
plot=scripts/plot.sh
fix=tests/plot
tmp=$(mktemp -d "${TMPDIR:-/tmp}/fxplotbench.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

if ! command -v gnuplot >/dev/null 2>&1; then
	echo "plot-bench: skipped: gnuplot is not installed (Debian: gnuplot-nox)"
	exit 0
fi

bad() { echo "FAIL: $*"; fail=1; }
. "$(dirname "$0")/lib/figcheck.sh"

# has FILE TEXT WHAT: FILE contains TEXT, else FAIL "WHAT"
has() {
	grep -qF -- "$2" "$1" 2>/dev/null || { echo "FAIL: $3 (no '$2' in $1)"; fail=1; }
}

# (1) the fixtures
sh $plot slots $fix/bench.csv "$tmp/slots" >/dev/null 2>"$tmp/err" ||
	{ echo "FAIL: slots on $fix/bench.csv: $(cat "$tmp/err")"; fail=1; }
expect_figs "$tmp/slots" slots-numa2
f=$tmp/slots/slots-numa2.svg
for t in 2 4 8; do
	has "$f" ">$t threads<" "slots: no line for $t threads"
	has "$f" ">$t threads: global hash (slots=0)<" "slots: no global-hash line for $t threads"
done
has "$f" 'kernel 6.17.0-fx-numa, 8 CPUs, 2 node(s)' "slots: the title lacks the host"
[ -s "$tmp/err" ] && { echo "FAIL: slots complained: $(cat "$tmp/err")"; fail=1; }

sh $plot latency-matrix $fix/bench.csv "$tmp/lm" >/dev/null 2>"$tmp/err" ||
	{ echo "FAIL: latency-matrix on $fix/bench.csv: $(cat "$tmp/err")"; fail=1; }
expect_figs "$tmp/lm" latency-matrix-numa2-idle latency-matrix-numa2-busy
f=$tmp/lm/latency-matrix-numa2-idle.svg
has "$f" 'node distances present: 10 (12 pairs), 21 (16 pairs); 28 of 32 cells measured' \
	"latency-matrix: idle title"
has "$f" 'SLIT 10 21;21 10' "latency-matrix: the SLIT is not in the title"
has "$f" 'lat_p50_ns' "latency-matrix: not the p50"
has "$f" '6.38us' "latency-matrix: no cell label of waker 0, wakee 4"
has "$tmp/lm/latency-matrix-numa2-busy.svg" 'node distances present: 10 (10 pairs), 21 (16 pairs); 26 of 32 cells measured' \
	"latency-matrix: busy title (cells missing)"
FX_PLOT_LAT=p99 sh $plot latency-matrix $fix/bench.csv "$tmp/lm99" >/dev/null 2>"$tmp/err" ||
	{ echo "FAIL: FX_PLOT_LAT=p99 latency-matrix: $(cat "$tmp/err")"; fail=1; }
has "$tmp/lm99/latency-matrix-numa2-idle.svg" 'lat_p99_ns' "FX_PLOT_LAT=p99 did not plot lat_p99_ns"
# node pairs: from host.txt beside bench.csv (CPUs 0-3 node 0, 4-7 node 1),
# or from waker_node=/wakee_node= params
mkdir -p "$tmp/nodes"
cp $fix/bench.csv "$tmp/nodes/bench.csv"
printf 'Host:                 numa2\nNUMA node(s):         2\nNUMA node0 CPU(s):     0-3\nNUMA node1 CPU(s):     4 5 6 7\n' >"$tmp/nodes/host.txt"
sh $plot latency-matrix "$tmp/nodes/bench.csv" "$tmp/nodes/f" >/dev/null 2>"$tmp/err" ||
	{ echo "FAIL: latency-matrix with host.txt: $(cat "$tmp/err")"; fail=1; }
expect_figs "$tmp/nodes/f" latency-matrix-numa2-idle latency-matrix-numa2-busy \
	latency-nodes-numa2-idle latency-nodes-numa2-busy
f=$tmp/nodes/f/latency-nodes-numa2-idle.svg
has "$f" 'target idle: waker node x wakee node' "latency-nodes: title"
has "$f" "mean of the 28 measured CPU pairs' p50 per node pair" "latency-nodes: the pairs are not counted"
has "$f" '6 pairs' "latency-nodes: no pair count on a cell"
has "$f" 'mean p50 wake-up latency (ns)' "latency-nodes: colour scale label"
awk -F, '$7 == "wake_latency" { split($8, P, ";"); w = P[1]; e = P[2]; sub(/waker=/, "", w); sub(/wakee=/, "", e);
	$8 = $8 ";waker_node=" (w >= 4) ";wakee_node=" (e >= 4) } { print }' OFS=, $fix/bench.csv >"$tmp/params.csv"
sh $plot latency-matrix "$tmp/params.csv" "$tmp/params" >/dev/null 2>"$tmp/err" ||
	{ echo "FAIL: latency-matrix with node params: $(cat "$tmp/err")"; fail=1; }
cmp -s "$tmp/params/latency-nodes-numa2-busy.svg" "$tmp/nodes/f/latency-nodes-numa2-busy.svg" ||
	{ echo "FAIL: latency-nodes from params differs from the one of host.txt"; fail=1; }

sh $plot validation $fix/validation.csv "$tmp/val" >/dev/null 2>"$tmp/err" ||
	{ echo "FAIL: validation on $fix/validation.csv: $(cat "$tmp/err")"; fail=1; }
expect_figs "$tmp/val" validation-latency validation-throughput
has "$tmp/err" '1 row(s) without a measured or predicted figure (status n/a) left out, the first at line 18' \
	"validation: the n/a row was not reported"
f=$tmp/val/validation-throughput.svg
has "$f" 'slot_sweep slots=256;threads=4 / slots=0 (+18%)' "validation: a throughput point is not labelled"
has "$f" 'hash_threads threads=4;futexes=1024;shared=0 / threads=1 (+12%)' "validation: a ratio's denominator is not shortened"
has "$f" 'MISS (2)' "validation: throughput MISS count"
has "$f" 'PASS (6)' "validation: throughput PASS count"
has "$f" '8 row(s): 6 within +-15%, 8 within +-25% of measured' "validation: throughput title"
f=$tmp/val/validation-latency.svg
has "$f" 'wake threads=4;nwake=1 p99 (-26%)' "validation: a latency point is not labelled"
has "$f" 'info (2)' "validation: latency info count"
has "$f" '8 row(s): 5 within +-15%, 6 within +-25% of measured' "validation: latency title"
has "$f" 'lat_p99_ns' "validation: no marker key for the p99"
has "$f" 'simulated on package:2 numa:1 core:4 pu:1' "validation: the topology is not in the title"
# beyond FX_PLOT_LABELS points only the largest errors are labelled
FX_PLOT_LABELS=2 sh $plot validation $fix/validation.csv "$tmp/val2" >/dev/null 2>&1 ||
	{ echo "FAIL: FX_PLOT_LABELS=2 validation"; fail=1; }
f=$tmp/val2/validation-throughput.svg
has "$f" '2 labelled (largest errors first, no overlaps)' "FX_PLOT_LABELS: no note in the title"
has "$f" 'hash_shared threads=2;futexes=1024;shared=1 / shared=0 (+20%)' "FX_PLOT_LABELS: the largest error is not labelled"
grep -qF 'lock_pi threads=4;multi=1' "$f" 2>/dev/null &&
	{ echo "FAIL: FX_PLOT_LABELS=2 labelled a small error"; fail=1; }
FX_PLOT_LABELS=all sh $plot validation $fix/validation.csv "$tmp/valall" >/dev/null 2>&1 ||
	{ echo "FAIL: FX_PLOT_LABELS=all validation"; fail=1; }
f=$tmp/valall/validation-throughput.svg
has "$f" 'slot_sweep slots=1024;threads=8 / slots=0 (+3%)' "FX_PLOT_LABELS=all: a label is missing"
grep -qF 'labelled (largest errors first' "$f" 2>/dev/null &&
	{ echo "FAIL: FX_PLOT_LABELS=all did not label every point"; fail=1; }

# (2) CRLF line ends
for k in slots latency-matrix; do
	sed 's/$/\r/' $fix/bench.csv >"$tmp/crlf.csv"
	sh $plot $k "$tmp/crlf.csv" "$tmp/crlf-$k" >/dev/null 2>&1 ||
		{ echo "FAIL: $k on a CRLF bench.csv"; fail=1; }
done
sed 's/$/\r/' $fix/validation.csv >"$tmp/crlf-val.csv"
sh $plot validation "$tmp/crlf-val.csv" "$tmp/crlf-val" >/dev/null 2>&1 ||
	{ echo "FAIL: validation on a CRLF CSV"; fail=1; }
expect_figs "$tmp/crlf-val" validation-latency validation-throughput

# (3) bad input: exit 1, the file named, nothing written
expect_bad() {	# expect_bad KIND FILE PATTERN
	rm -rf "$tmp/bad"
	err=$(sh $plot "$1" "$2" "$tmp/bad" 2>&1 >/dev/null)
	rc=$?
	if [ "$rc" -ne 1 ] || ! printf '%s' "$err" | grep -q -- "$2" ||
	   ! printf '%s' "$err" | grep -qF -- "$3"; then
		echo "FAIL: $1 $2 -> exit $rc, stderr: $err (wanted exit 1 and '$3')"
		fail=1
	fi
	if [ -n "$(ls -A "$tmp/bad" 2>/dev/null)" ]; then
		echo "FAIL: $1 $2 left files:"; ls -A "$tmp/bad"; fail=1
	fi
}
b=$fix/bench.csv
expect_bad slots "$tmp/nosuch.csv" "cannot read"
: >"$tmp/empty.csv"
expect_bad latency-matrix "$tmp/empty.csv" "is empty"
expect_bad validation "$tmp/empty.csv" "is empty"
head -n 1 $b >"$tmp/hdronly.csv"
expect_bad slots "$tmp/hdronly.csv" "no data rows"
head -n 1 $fix/validation.csv >"$tmp/vhdronly.csv"
expect_bad validation "$tmp/vhdronly.csv" "no data rows"
sed '1s/,slots,benchmark,/,hash_slots,benchmark,/' $b >"$tmp/hdr.csv"
expect_bad latency-matrix "$tmp/hdr.csv" 'line 1: not the header of a "make bench" bench.csv: column 6 is "hash_slots", expected "slots"'
expect_bad slots $fix/validation.csv 'not the header of a "make bench" bench.csv'
expect_bad slots $fix/run.csv 'not the header of a "make bench" bench.csv'
expect_bad validation $b 'not the header of a futexsim validate CSV: no column measured predicted scenario'
sed '5s/,ops\/s$//' $b >"$tmp/short.csv"
expect_bad slots "$tmp/short.csv" "line 5: 10 fields, expected 11"
sed '20s/,ops_per_s,[^,]*,/,ops_per_s,fast,/' $b >"$tmp/nonnum.csv"
expect_bad latency-matrix "$tmp/nonnum.csv" 'line 20: value is "fast", expected a finite number'
sed '30s/,ops_per_s,[^,]*,/,ops_per_s,nan,/' $b >"$tmp/nan.csv"
expect_bad slots "$tmp/nan.csv" 'line 30: value is "nan", expected a finite number'
sed '22s/slots=\([0-9]*\);/slots\1;/' $b >"$tmp/params.csv"
expect_bad slots "$tmp/params.csv" 'line 22: params "slots'
sed '22s/;threads=[0-9]*,/,/' $b >"$tmp/nothreads.csv"
expect_bad slots "$tmp/nothreads.csv" 'line 22: slot_sweep params "slots=16" lack slots= or threads='
sed '40s/,10 21;21 10,/,10 21;21,/' $b >"$tmp/dist.csv"
expect_bad latency-matrix "$tmp/dist.csv" 'line 40: distances "10 21;21": row 2 has 1 value(s), expected 2'
sed '100s/,wake_latency,/,"wake_latency",/' $b >"$tmp/quote.csv"
expect_bad latency-matrix "$tmp/quote.csv" 'line 100: a quote'
grep -v slot_sweep $b >"$tmp/noslots.csv"
expect_bad slots "$tmp/noslots.csv" "no slot_sweep rows with metric ops_per_s"
grep -v 'slot_sweep,slots=[1-9]' $b >"$tmp/global.csv"
expect_bad slots "$tmp/global.csv" "the slot_sweep rows are all slots=0 (the global hash)"
grep -v wake_latency $b >"$tmp/nowake.csv"
expect_bad latency-matrix "$tmp/nowake.csv" "no wake_latency rows with metric lat_p50_ns"
sed '/wake_latency/s/waker=0;/waker=x;/' $b >"$tmp/cpu.csv"
expect_bad latency-matrix "$tmp/cpu.csv" 'wake_latency waker=x wakee=1, expected CPU numbers'
rm -rf "$tmp/bad"
err=$(FX_PLOT_LAT=p42 sh $plot latency-matrix $b "$tmp/bad" 2>&1 >/dev/null)
rc=$?
{ [ "$rc" -eq 1 ] && printf '%s' "$err" | grep -qF 'no wake_latency rows with metric lat_p42_ns (it has: ' &&
  [ -z "$(ls -A "$tmp/bad" 2>/dev/null)" ]; } ||
	{ echo "FAIL: FX_PLOT_LAT=p42 -> exit $rc, stderr: $err"; fail=1; }
v=$fix/validation.csv
sed '3s/,ops_per_s ratio,[^,]*,/,ops_per_s ratio,high,/' $v >"$tmp/vnum.csv"
expect_bad validation "$tmp/vnum.csv" 'line 3: measured is "high", expected a number'
sed '4s/,[^,]*$//' $v >"$tmp/vshort.csv"
expect_bad validation "$tmp/vshort.csv" "line 4: 12 fields, expected 13"
awk -F, -v OFS=, 'NR > 1 { $8 = "nan" } 1' $v >"$tmp/vna.csv"
expect_bad validation "$tmp/vna.csv" "no row has both a measured and a predicted figure (17 without)"
rm -rf "$tmp/bad"
err=$(FX_PLOT_LABELS=many sh $plot validation $v "$tmp/bad" 2>&1 >/dev/null)
[ $? -eq 1 ] && [ -z "$(ls -A "$tmp/bad" 2>/dev/null)" ] ||
	{ echo "FAIL: FX_PLOT_LABELS=many was accepted: $err"; fail=1; }

# (4) a real validation of the bench.csv fixture, when futexsim has it:
# its CSV has the header of tests/plot/validation.csv and plots
if [ -n "$fx" ] && [ -x "$fx" ] && "$fx" validate --help >/dev/null 2>&1; then
	mkdir -p "$tmp/real"
	if "$fx" validate $b -q --out "$tmp/real/validation.csv" >/dev/null 2>"$tmp/err"; then
		hdr=$(head -n 1 "$tmp/real/validation.csv")
		[ "$hdr" = "$(head -n 1 $v)" ] ||
			{ echo "FAIL: $v's header is not futexsim validate's: $hdr"; fail=1; }
		sh $plot validation "$tmp/real/validation.csv" "$tmp/real/figs" >/dev/null 2>"$tmp/err" ||
			{ echo "FAIL: validation on a real futexsim validate CSV: $(cat "$tmp/err")"; fail=1; }
		expect_figs "$tmp/real/figs" validation-latency validation-throughput
	else
		echo "FAIL: futexsim validate $b failed: $(cat "$tmp/err")"
		fail=1
	fi
fi

[ "$fail" -eq 0 ] && echo "plot-bench: ok"
exit "$fail"
