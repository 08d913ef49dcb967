#!/bin/sh
# check-report.sh [FUTEXSIM] - scripts/report.sh on a sweep directory
# assembled from tests/report/sweep/ (grid, cells.tsv with 40 ok, 1 failed
# and 1 missing cell, cells/00040.err, provenance.txt, ranking.txt) and the
# results of tests/plot/replay/ (run.csv + .json, replay.csv,
# replay-series.csv), and on a plain study directory: the page is written
# whole, self-contained, HTML-escaped and byte-identical when built twice;
# the missing and failed cells are listed at the top; the tables, the
# ranking and every figure with its caption are there; bad input exits 1
# naming the file and leaves the old page as it was.  With FUTEXSIM, the
# bundled default study (scripts/study.sh) is run and its report checked.
set -u
fx=${1:-}
here=$(cd "$(dirname "$0")" && pwd)
report=$here/report.sh
fix=$here/../tests
tmp=$(mktemp -d "${TMPDIR:-/tmp}/fxcheckrep.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
fails=0
bad() { echo "check-report: FAIL: $*" >&2; fails=$((fails + 1)); }
has() {	# has FILE TEXT...
	f=$1; shift
	for s in "$@"; do
		grep -qF -- "$s" "$f" 2>/dev/null || bad "$f: no \"$s\""
	done
}
count() {	# count FILE TEXT N
	c=$(grep -oF -- "$2" "$1" 2>/dev/null | wc -l)
	[ "$c" -eq "$3" ] || bad "$1: \"$2\" $c times, expected $3"
}
gp=
command -v gnuplot >/dev/null 2>&1 && gp=1

# the sweep directory
sw=$tmp/sweep
cp -R "$fix/report/sweep" "$sw"
for f in run.csv run.csv.json replay.csv replay-series.csv; do
	cp "$fix/plot/replay/$f" "$sw/$f"
done

# (1) a sweep with a failed and a missing cell
sh "$report" "$sw" "$tmp/a/index.html" >"$tmp/out" 2>&1 || bad "report on $sw failed: $(cat "$tmp/out")"
p=$tmp/a/index.html
[ -s "$p" ] || bad "$p not written"
[ "$(ls -A "$tmp/a")" = index.html ] || bad "$tmp/a holds more than index.html: $(ls -A "$tmp/a")"
head -n 1 "$p" | grep -q '^<!DOCTYPE html>' || bad "$p does not start with <!DOCTYPE html>"
tail -n 1 "$p" | grep -q '^</html>' || bad "$p does not end with </html>"
# the missing/failed cells come first, before the metadata
m=$(grep -n 'Partial results: 2 of 42 cells without a result' "$p" | cut -d: -f1)
md=$(grep -n 'id="meta"' "$p" | cut -d: -f1)
[ -n "$m" ] && [ -n "$md" ] && [ "$m" -lt "$md" ] || bad "no partial-results section above the metadata"
has "$p" '1 failed, 1 missing' '<strong>cell 40 (failed)</strong>' '<strong>cell 41 (missing)</strong>' \
	'error: <code>futexsim run: workload mutex: option -c: &quot;&lt;2&gt;&quot; is not a number &amp; not &lt;valid&gt;</code>' \
	'--out cells/00040.csv.part -q -- -c &#39;&lt;2&gt;&#39;'
# escaped everywhere: no raw "<2>" or "<valid>" from the data files
grep -q '<2>\|<valid>' "$p" && bad "$p holds unescaped text of the data files"
# metadata, grid, cells, ranking
has "$p" '<tr><th>grid_sha256</th><td>5f1a0d7c1e3b8a9f2c4d6e8b0a1c3e5f7a9b1d3f5e7c9a1b3d5f7e9c1a3b5d7f</td></tr>' \
	'<tr><th>hosts</th><td>fixture-host</td></tr>' '[traces]' 'args = &quot;-c &lt;2&gt;&quot;' \
	'zstd-mt: xxh3/private 0 &lt; jhash2/private 0.003367'
count "$p" '<tr class="ok">' 40
count "$p" '<tr class="bad">' 2
# the tables: 8 run rows, 32 replay rows
has "$p" 'Simulated runs (8 configurations)' 'Trace replays (32 configurations)' \
	'<td>perf-wake</td><td>-w 1</td><td>package:2 numa:1 core:2 pu:1</td><td>global</td><td>jhash2</td>' \
	'<td>zstd-mt</td><td>jhash2</td><td>global</td><td class="n">16</td>'
# self-contained: no script, no stylesheet or image from elsewhere
grep -qi '<script\|<link\|src="http\|href="http\|url(' "$p" && bad "$p refers to something outside the page"
if [ -n "$gp" ]; then
	count "$p" '<figure id=' 16
	count "$p" '<img alt=' 16
	count "$p" 'src="data:image/svg+xml;base64,' 16
	count "$p" '<figcaption>' 16
	has "$p" 'id="fig-replay-rate-zstd-mt-global"' 'trace zstd-mt, layout global<br>2 CPUs, 1 node(s)' \
		'layout pernode, hasher xxh3, cost profile builtin' 'Bucket occupancy over time in the open-loop replay: trace sort-parallel' \
		'Throughput vs threads<br>perf-wake -w 1 on package:2 numa:1 core:2 pu:1' 'id="fig-trace-collisions"'
	# an inlined figure decodes to its SVG
	sed -n 's/.*id="fig-replay-occ-zstd-mt".*//; /id="fig-replay-occ-zstd-mt"/,/base64/p' "$p" >/dev/null
	awk '/id="fig-replay-occ-zstd-mt"/ { f = 1; next } f && /base64,/ { sub(/.*base64,/, ""); sub(/".*/, ""); print; exit }' "$p" |
		base64 -d 2>/dev/null | grep -q 'trace zstd-mt: 2 CPUs, 1 node(s)' || bad "the replay-occ-zstd-mt figure does not decode to its SVG"
fi

# (2) deterministic: the same DIR twice, byte-identical
sh "$report" "$sw" "$tmp/b.html" >/dev/null 2>&1 || bad "second report failed"
cmp -s "$p" "$tmp/b.html" || bad "two reports of $sw differ"
# no temporary directory left beside the pages
for d in "$tmp"/.report.*; do
	[ ! -e "$d" ] || bad "temporary directory $d left"
done

# (3) every cell ok: no partial-results section
sed 's/\t\(failed\|missing\)\t/\tok\t/; s/\t[^\t]*is not a number[^\t]*$/\t/' "$sw/cells.tsv" >"$tmp/ok.tsv"
mkdir "$tmp/swok" && cp -R "$sw/." "$tmp/swok/" && cp "$tmp/ok.tsv" "$tmp/swok/cells.tsv"
sh "$report" "$tmp/swok" "$tmp/ok.html" >/dev/null 2>&1 || bad "report on an all-ok sweep failed"
has "$tmp/ok.html" 'All 42 cells have a result.'
grep -q 'Partial results' "$tmp/ok.html" && bad "an all-ok sweep says partial results"

# (4) a plain study directory: every CSV is a cell, the ranking computed
st=$tmp/study
mkdir "$st"
cp "$fix/plot/replay/run.csv" "$st/wake.csv"
cp "$fix/plot/replay/run.csv.json" "$st/wake.csv.json"
cp "$fix/plot/run.csv" "$st/hash.csv"
cp "$fix/plot/replay/replay.csv" "$st/traces.replay.csv"
sh "$report" "$st" >"$tmp/out" 2>&1 || bad "report on $st failed: $(cat "$tmp/out")"
q=$st/report/index.html
has "$q" 'All 3 cells have a result.' 'No ranking.txt in' 'by p99 wake-up latency' \
	'trace zstd-mt, 16 slots</strong>, by op collision rate: 1.' 'hash.csv</td><td>run</td><td>ok</td>' \
	'workload=perf-wake wopts=-w 1 hash=jhash2,xxh3 layout=global,pernode' "$(sha256sum <"$st/hash.csv" | cut -d' ' -f1)"
grep -q 'class="bad"' "$q" && bad "$q marks something bad"
sh "$report" "$st" "$tmp/st2.html" >/dev/null 2>&1 && cmp -s "$q" "$tmp/st2.html" ||
	bad "two reports of $st differ"

# (5) bad input: exit 1, the file named, the old page left as it was
e=$tmp/e
mkdir "$e"
echo old >"$e/index.html"
err() {	# err DIR PATTERN
	st=0
	sh "$report" "$1" "$e/index.html" >"$tmp/out" 2>&1 || st=$?
	[ "$st" -eq 1 ] && grep -q -- "$2" "$tmp/out" ||
		bad "report $1: exit $st, wanted 1 and /$2/: $(cat "$tmp/out")"
	[ "$(cat "$e/index.html")" = old ] || bad "report $1 replaced the old page"
	[ "$(ls -A "$e")" = index.html ] || bad "report $1 left files: $(ls -A "$e")"
}
err "$tmp/nosuch" "nosuch' does not exist"
mk() {	# mk NAME: a copy of the sweep in $tmp/NAME
	rm -rf "${tmp:?}/$1"
	cp -R "$sw" "$tmp/$1"
}
mk hdr; sed '1s/error/message/' "$sw/cells.tsv" >"$tmp/hdr/cells.tsv"
err "$tmp/hdr" 'hdr/cells.tsv: line 1: not the header of a sweep cells.tsv'
mk empty; : >"$tmp/empty/cells.tsv"
err "$tmp/empty" "empty/cells.tsv' is empty"
mk status; sed '5s/\tok\t/\tdone\t/' "$sw/cells.tsv" >"$tmp/status/cells.tsv"
err "$tmp/status" 'status/cells.tsv: line 5: status "done", expected ok, failed or missing'
mk order; sed '4d' "$sw/cells.tsv" >"$tmp/order/cells.tsv"
err "$tmp/order" 'order/cells.tsv: line 4: index "3", expected 2'
mk fields; sed '6s/\t/ /g' "$sw/cells.tsv" >"$tmp/fields/cells.tsv"
err "$tmp/fields" 'fields/cells.tsv: line 6: 1 tab-separated fields'
mk runhdr; sed '1s/^workload,wopts/workload,options/' "$sw/run.csv" >"$tmp/runhdr/run.csv"
err "$tmp/runhdr" 'runhdr/run.csv: line 1: not the header of a futexsim run CSV: no column "wopts"'
mk runshort; sed '3s/,[^,]*$//' "$sw/run.csv" >"$tmp/runshort/run.csv"
err "$tmp/runshort" 'runshort/run.csv: line 3: 50 fields, expected 51'
mk repnum; sed '4s/,0\.194444,/,high,/; 4s/,0\.0767045,/,high,/' "$sw/replay.csv" >"$tmp/repnum/replay.csv"
err "$tmp/repnum" 'repnum/replay.csv: line 4: column collision_rate is "high", expected a number'
mk runempty; : >"$tmp/runempty/run.csv"
err "$tmp/runempty" "runempty/run.csv' is empty"
mk nocells; rm "$tmp/nocells/cells.tsv"
err "$tmp/nocells" "has a grid but no cells.tsv"
mkdir "$tmp/nothing"; echo 'a,b' >"$tmp/nothing/x.csv"
err "$tmp/nothing" "is neither a sweep directory"

# (6) the bundled default study, when futexsim is given
if [ -n "$fx" ] && [ -x "$fx" ]; then
	fxa=$(cd "$(dirname "$fx")" && pwd)/$(basename "$fx")
	if (cd "$here/.." && FUTEXSIM=$fxa sh scripts/study.sh "$tmp/defstudy") >"$tmp/out" 2>&1; then
		r=$tmp/defstudy/report/index.html
		has "$r" 'All 3 cells have a result.' 'perf-wake-parallel' 'Simulated runs (45 configurations)'
		[ -z "$gp" ] || [ "$(grep -c '<figure id=' "$r")" -ge 10 ] || bad "$r: fewer than 10 figures"
	else
		bad "scripts/study.sh failed: $(tail -n 5 "$tmp/out")"
	fi
	# a real sweep of the fixture's grid (its mutex cells fail: exit 1)
	if "$fxa" sweep --help >/dev/null 2>&1 && command -v parallel >/dev/null 2>&1; then
		"$fxa" sweep "$fix/report/sweep/grid" -o "$tmp/realsweep" -j 2 -q >"$tmp/out" 2>&1
		if [ -f "$tmp/realsweep/cells.tsv" ]; then
			sh "$report" "$tmp/realsweep" "$tmp/real.html" >"$tmp/out" 2>&1 ||
				bad "report on a real sweep failed: $(cat "$tmp/out")"
			has "$tmp/real.html" 'Partial results: 2 of 42 cells without a result' \
				'<strong>cell 40 (failed)</strong>' 'Simulated runs (8 configurations)' \
				'Trace replays (32 configurations)'
			[ -z "$gp" ] || [ "$(grep -c '<figure id=' "$tmp/real.html")" -ge 10 ] ||
				bad "$tmp/real.html: fewer than 10 figures"
		else
			bad "futexsim sweep wrote no cells.tsv: $(tail -n 5 "$tmp/out")"
		fi
	fi
fi

if [ "$fails" -ne 0 ]; then
	echo "check-report: $fails failure(s)" >&2
	exit 1
fi
echo "check-report: ok"
