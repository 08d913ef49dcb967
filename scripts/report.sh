#!/bin/sh
# report.sh DIR [OUT.html] - one self-contained HTML page of a study or a
# sweep: its metadata, the cells and their status (missing and failed
# cells at the top), the ranking, the key result tables and every figure
# of scripts/plot.sh that applies, each with its caption.  docs/report.md
# describes the page.
#
# DIR is either
#   a sweep directory of "futexsim sweep GRID -o DIR": cells.tsv, grid,
#     provenance.txt, ranking.txt, run.csv (+ .json), replay.csv,
#     replay-series.csv, cells/NNNNN.err;
#   or a study directory such as scripts/study.sh writes: any number of
#     "futexsim run --out" CSVs (+ their .json sidecars), "futexsim trace
#     replay --out" CSVs and "--series" CSVs; every one is a cell.
# OUT defaults to DIR/report/index.html.  The page is built in a temporary
# directory beside OUT and renamed over OUT when complete; on bad input
# (no such DIR, a cells.tsv or CSV of the wrong format, an empty file) the
# message names the file and line, the exit status is 1 and OUT is left
# as it was.  The same DIR gives a byte-identical page: nothing in it
# depends on the time, the host or the temporary directory, and the
# figures are inlined as SVG data: URIs.
set -eu
export LC_ALL=C

usage() {
	echo "usage: scripts/report.sh DIR [OUT.html]" >&2
	exit 2
}
die() { echo "report.sh: $*" >&2; exit 1; }

[ $# -ge 1 ] && [ $# -le 2 ] || usage
case $1 in -h|--help) usage ;; esac
dir=${1%/}
[ -n "$dir" ] || dir=/
out=${2:-$dir/report/index.html}
[ -e "$dir" ] || die "'$dir' does not exist"
[ -d "$dir" ] || die "'$dir' is not a directory"
[ ! -e "$out" ] || [ -f "$out" ] || die "'$out' exists and is not a regular file"
here=$(cd "$(dirname "$0")" && pwd)
plot=$here/plot.sh
command -v base64 >/dev/null 2>&1 || die "base64 (coreutils) is not installed"

outdir=$(dirname "$out")
mkdir -p "$outdir" || die "cannot create '$outdir'"
tmp=$(mktemp -d "$outdir/.report.XXXXXX") || die "cannot create a temporary directory in '$outdir'"
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

# first_line FILE - the first line that is not a "#" comment
first_line() {
	sed -n '/^#/d; s/\r$//; p; q' "$1"
}

# ---- what DIR holds: the inputs, one path a line, per kind ----
: >"$tmp/runs"
: >"$tmp/replays"
: >"$tmp/series"
if [ -f "$dir/cells.tsv" ] || [ -f "$dir/grid" ]; then
	mode=sweep
	[ -f "$dir/cells.tsv" ] || die "'$dir' has a grid but no cells.tsv: not a complete sweep directory"
	[ -s "$dir/cells.tsv" ] || die "'$dir/cells.tsv' is empty"
	for f in run.csv replay.csv replay-series.csv; do
		[ -e "$dir/$f" ] || continue
		[ -f "$dir/$f" ] && [ -r "$dir/$f" ] || die "cannot read '$dir/$f'"
		[ -s "$dir/$f" ] || die "'$dir/$f' is empty"
	done
	[ ! -f "$dir/run.csv" ] || echo "$dir/run.csv" >"$tmp/runs"
	[ ! -f "$dir/replay.csv" ] || echo "$dir/replay.csv" >"$tmp/replays"
	[ ! -f "$dir/replay-series.csv" ] || echo "$dir/replay-series.csv" >"$tmp/series"
else
	mode=study
	for f in "$dir"/*.csv; do
		[ -f "$f" ] || continue
		[ -s "$f" ] || die "'$f' is empty"
		h=$(first_line "$f")
		case $h in
		workload,wopts,topology,*) echo "$f" >>"$tmp/runs" ;;
		trace,hasher,layout,slots,copies,sample,*) echo "$f" >>"$tmp/series" ;;
		trace,hasher,layout,slots,*) echo "$f" >>"$tmp/replays" ;;
		esac
	done
	[ -s "$tmp/runs" ] || [ -s "$tmp/replays" ] || [ -s "$tmp/series" ] ||
		die "'$dir' is neither a sweep directory (no cells.tsv) nor a study directory (no CSV of futexsim run or trace replay)"
fi

# ---- the tables, the cells and the metadata: one awk over every input ----
# Each input is announced by a "#FILE <kind> <path>" line on stdin, so one
# pass reads them all in a fixed order; the sections go to $tmp/*.html.
{
	[ "$mode" = study ] || { echo "#FILE cells $dir/cells.tsv"; cat "$dir/cells.tsv"; }
	[ ! -f "$dir/provenance.txt" ] || { echo "#FILE prov $dir/provenance.txt"; cat "$dir/provenance.txt"; }
	[ ! -f "$dir/ranking.txt" ] || { echo "#FILE ranking $dir/ranking.txt"; cat "$dir/ranking.txt"; }
	[ ! -f "$dir/grid" ] || { echo "#FILE grid $dir/grid"; cat "$dir/grid"; }
	while read -r f; do
		echo "#FILE run $f"; cat "$f"
		if [ -f "$f.json" ]; then
			echo "#FILE json $f.json"
			sed -n 's/^[ \t]*{"futexsim":"run","version":1,"profile":"\([^"]*\)".*/\1/p' "$f.json" | sed -n 1p
		fi
	done <"$tmp/runs"
	while read -r f; do echo "#FILE replay $f"; cat "$f"; done <"$tmp/replays"
	while read -r f; do echo "#FILE series $f"; cat "$f"; done <"$tmp/series"
	if [ "$mode" = study ]; then
		echo "#FILE sums -"
		cat "$tmp/runs" "$tmp/replays" "$tmp/series" | while read -r f; do
			for g in "$f" "$f.json"; do
				[ -f "$g" ] || continue
				s=$(sha256sum <"$g")
				echo "${s%% *} $(wc -c <"$g") $g"
			done
		done
	fi
	echo "#FILE end -"
} | awk -v tmp="$tmp" -v mode="$mode" -v dir="$dir" "$(cat "$here/lib/csv.awk")"'
BEGIN { ncell = 0 }
function fail(msg) {
	if (!failed)
		printf "report.sh: %s: %s\n", src, msg > "/dev/stderr"
	failed = 1
	exit 1
}
function esc(s) {
	gsub(/&/, "\\&amp;", s)
	gsub(/</, "\\&lt;", s)
	gsub(/>/, "\\&gt;", s)
	gsub(/"/, "\\&quot;", s)
	gsub(/\047/, "\\&#39;", s)
	return s
}
function isnum(v) {
	return v ~ /^[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$/
}
function numf(v, fmt) {
	return isnum(v) ? sprintf(fmt, v) : "n/a"
}
function nsf(v) {
	if (!isnum(v)) return "n/a"
	if (v >= 1e6) return sprintf("%.3g ms", v / 1e6)
	if (v >= 1e3) return sprintf("%.3g us", v / 1e3)
	return sprintf("%.0f ns", v)
}
function tname(s) {
	sub(/.*\//, "", s)
	sub(/\.(fxt|trace|txt)$/, "", s)
	return s
}
# addv(key, v): v joins the list LISTV[key] (comma-separated, first seen order)
function addv(key, v) {
	if ((key, v) in LSEEN)
		return
	LSEEN[key, v] = 1
	if (key in LISTV)
		v = LISTV[key] "," v
	LISTV[key] = v
}
# a new input file: check what the previous one lacked
function endfile() {
	if (kind == "cells" && !chdr)
		fail("no header line")
	if ((kind == "run" || kind == "replay" || kind == "series") && !NCOL)
		fail("no header line")
	if ((kind == "run" || kind == "replay" || kind == "series") && !frows)
		fail("no data rows")
}
/^#FILE / {
	endfile()
	kind = $2; src = substr($0, length("#FILE " kind " ") + 1)
	NCOL = 0; frows = 0; fline = 0; chdr = 0
	if (kind == "end") {
		finish()
		exit 0
	}
	if (kind == "run" || kind == "replay" || kind == "series")
		FILES[++nfiles] = src SUBSEP kind
	next
}
{ fline++; line = $0; sub(/\r$/, "", line) }
kind == "cells" {
	nf = split(line, C, "\t")
	if (!chdr) {
		if (line != "index\tsection\tmode\tstatus\tconfig\terror")
			fail(sprintf("line %d: not the header of a sweep cells.tsv: \"%s\", expected \"index<TAB>section<TAB>mode<TAB>status<TAB>config<TAB>error\"", fline, line))
		chdr = 1
		next
	}
	if (nf < 5 || nf > 6)
		fail(sprintf("line %d: %d tab-separated fields, expected 6 (index, section, mode, status, config, error)", fline, nf))
	if (C[1] != ncell)
		fail(sprintf("line %d: index \"%s\", expected %d (cells in index order from 0)", fline, C[1], ncell))
	if (C[4] != "ok" && C[4] != "failed" && C[4] != "missing")
		fail(sprintf("line %d: status \"%s\", expected ok, failed or missing", fline, C[4]))
	CI[ncell] = C[1]; CS[ncell] = C[2]; CM[ncell] = C[3]; CST[ncell] = C[4]; CC[ncell] = C[5]; CE[ncell] = nf == 6 ? C[6] : ""
	NST[C[4]]++
	ncell++
	next
}
kind == "prov" {
	if (line ~ /^[ \t]*$/) next
	i = index(line, ":")
	if (i < 2) { PK[++nprov] = ""; PV[nprov] = line; next }
	PK[++nprov] = substr(line, 1, i - 1)
	v = substr(line, i + 1); sub(/^[ \t]+/, "", v)
	PV[nprov] = v
	next
}
kind == "ranking" { RANK[++nrank] = line; next }
kind == "grid" { GRID[++ngrid] = line; next }
kind == "json" { if (line != "") PROFILE[src] = line; next }
kind == "sums" { SUMS[++nsums] = line; next }
line ~ /^#/ {
	if (kind == "replay" && !(src in RPROV)) RPROV[src] = substr(line, 3)
	next
}
line ~ /^[ \t]*$/ { next }
{
	n = csvsplit(line, F)
	if (!NCOL) {
		for (i = 1; i <= n; i++) { COLN[i] = F[i]; HC[F[i]] = 1 }
		NCOL = n
		if (kind == "run")
			need = "workload wopts topology cpus nodes hasher layout slots threads seed profile futex_ops throughput_ops_s wakeups wake_p50_ns wake_p99_ns lock_wait_ns lock_wait_foreign_share collision_rate"
		else if (kind == "replay")
			need = "trace hasher layout slots cpus nodes calls collision_rate walked_mean samples keys_per_bucket exp_keys_per_bucket"
		else
			need = "trace hasher layout slots copies sample t_ns waiters nonempty buckets max_load"
		nn = split(need, NEED, " ")
		for (i = 1; i <= nn; i++)
			if (!(NEED[i] in HC))
				fail(sprintf("line %d: not the header of a %s: no column \"%s\"", fline, kind == "run" ? "futexsim run CSV" : kind == "replay" ? "futexsim trace replay CSV" : "futexsim trace replay --series CSV", NEED[i]))
		delete HC
		next
	}
	if (n != NCOL)
		fail(sprintf("line %d: %d fields, expected %d as in the header%s", fline, n, NCOL, n < 0 ? " (a quote is not closed)" : ""))
	frows++
	delete V
	for (i = 1; i <= n; i++) V[COLN[i]] = F[i]
	if (kind == "run") {
		r = ++nrun
		split("workload wopts topology cpus nodes hasher layout slots threads seed profile", K, " ")
		for (i = 1; i in K; i++) RR[r, K[i]] = V[K[i]]
		split("futex_ops throughput_ops_s wakeups wake_p50_ns wake_p99_ns lock_wait_ns lock_wait_foreign_share collision_rate", K, " ")
		for (i = 1; i in K; i++) {
			if (V[K[i]] != "nan" && V[K[i]] != "" && !isnum(V[K[i]]))
				fail(sprintf("line %d: column %s is \"%s\", expected a number", fline, K[i], V[K[i]]))
			RR[r, K[i]] = V[K[i]]
		}
		RR[r, "file"] = src
		fk = src
		addv(fk SUBSEP "workload", V["workload"]); addv(fk SUBSEP "hasher", V["hasher"])
		addv(fk SUBSEP "layout", V["layout"]); addv(fk SUBSEP "threads", V["threads"])
		addv(fk SUBSEP "seed", V["seed"]); addv(fk SUBSEP "topology", V["topology"])
		addv(fk SUBSEP "wopts", V["wopts"]); NROWS[fk]++
	} else if (kind == "replay") {
		r = ++nrep
		split("trace hasher layout slots cpus nodes calls collision_rate walked_mean samples keys_per_bucket exp_keys_per_bucket", K, " ")
		for (i = 1; i in K; i++) {
			if (i >= 5 && V[K[i]] != "nan" && !isnum(V[K[i]]))
				fail(sprintf("line %d: column %s is \"%s\", expected a number", fline, K[i], V[K[i]]))
			QQ[r, K[i]] = V[K[i]]
		}
		QQ[r, "trace"] = tname(V["trace"])
		QQ[r, "copies"] = ("copies" in V) ? V["copies"] : ""
		if (QQ[r, "copies"] != "" && QQ[r, "copies"] != "1")
			COPIES = 1
		fk = src
		addv(fk SUBSEP "trace", QQ[r, "trace"]); addv(fk SUBSEP "hasher", V["hasher"])
		addv(fk SUBSEP "layout", V["layout"]); addv(fk SUBSEP "slots", V["slots"])
		NROWS[fk]++
	} else {
		fk = src
		addv(fk SUBSEP "trace", tname(V["trace"])); addv(fk SUBSEP "hasher", V["hasher"])
		addv(fk SUBSEP "layout", V["layout"]); addv(fk SUBSEP "slots", V["slots"])
		NROWS[fk]++
	}
}
# ---- the HTML sections ----
function finish(    f, i, j, k, s, o, nm, nmiss, fk, kd, a) {
	# study mode: every input file is a cell
	if (mode == "study")
		for (i = 1; i <= nfiles; i++) {
			split(FILES[i], a, SUBSEP); fk = a[1]; kd = a[2]
			s = fk; sub(/.*\//, "", s)
			CI[ncell] = ncell; CS[ncell] = s; CM[ncell] = kd == "run" ? "run" : kd == "replay" ? "replay" : "series"
			CST[ncell] = "ok"; CE[ncell] = ""
			if (kd == "run")
				CC[ncell] = "workload=" LISTV[fk SUBSEP "workload"] " wopts=" LISTV[fk SUBSEP "wopts"] " hash=" LISTV[fk SUBSEP "hasher"] " layout=" LISTV[fk SUBSEP "layout"] " topology=" LISTV[fk SUBSEP "topology"] " threads=" LISTV[fk SUBSEP "threads"] " seed=" LISTV[fk SUBSEP "seed"] " (" NROWS[fk] " configurations)"
			else
				CC[ncell] = "trace=" LISTV[fk SUBSEP "trace"] " hash=" LISTV[fk SUBSEP "hasher"] " layout=" LISTV[fk SUBSEP "layout"] " slots=" LISTV[fk SUBSEP "slots"] " (" NROWS[fk] " rows)"
			NST["ok"]++
			ncell++
		}
	nmiss = NST["failed"] + NST["missing"]
	# status line and the missing/failed cells, at the top of the page
	o = tmp "/status.html"
	printf "" > o
	if (mode == "sweep" && ncell == 0)
		printf "<p class=\"bad\"><strong>The sweep has no cells.</strong></p>\n" > o
	if (nmiss) {
		printf "<section id=\"missing\" class=\"bad\"><h2>Partial results: %d of %d cells without a result</h2>\n", nmiss, ncell > o
		printf "<p>%d failed, %d missing. The tables and figures below hold only the %d cells that succeeded.</p>\n<ul>\n", NST["failed"] + 0, NST["missing"] + 0, NST["ok"] + 0 > o
		for (i = 0; i < ncell; i++) {
			if (CST[i] == "ok")
				continue
			printf "<li><strong>cell %s (%s)</strong>, %s: <code>%s</code>%s", esc(CI[i]), esc(CST[i]), esc(CS[i]), esc(CC[i]), CE[i] == "" ? "" : "<br>error: <code>" esc(CE[i]) "</code>" > o
			f = sprintf("%s/cells/%05d.err", dir, CI[i])
			nm = 0
			while ((getline s < f) > 0) {
				if (!nm) printf "\n<pre>" > o
				if (++nm <= 40) printf "%s\n", esc(s) > o
			}
			close(f)
			if (nm > 40) printf "(%d more lines in %s)\n", nm - 40, esc(f) > o
			if (nm) printf "</pre>" > o
			printf "</li>\n" > o
		}
		printf "</ul></section>\n" > o
	} else
		printf "<p class=\"good\">All %d cells have a result.</p>\n", ncell > o
	close(o)
	# metadata
	o = tmp "/meta.html"
	printf "" > o
	if (nprov) {
		printf "<h3>provenance.txt</h3>\n<table>\n" > o
		for (i = 1; i <= nprov; i++)
			printf "<tr><th>%s</th><td>%s</td></tr>\n", esc(PK[i]), esc(PV[i]) > o
		printf "</table>\n" > o
	} else if (mode == "sweep")
		printf "<p class=\"bad\">%s/provenance.txt is missing.</p>\n", esc(dir) > o
	if (ngrid) {
		printf "<h3>The grid</h3>\n<pre>" > o
		for (i = 1; i <= ngrid; i++) printf "%s\n", esc(GRID[i]) > o
		printf "</pre>\n" > o
	} else if (mode == "sweep")
		printf "<p class=\"bad\">%s/grid is missing.</p>\n", esc(dir) > o
	if (mode == "study") {
		printf "<p>A study directory (no sweep metadata): the inputs, their SHA-256 and size in bytes.</p>\n<table>\n<tr><th>file</th><th>bytes</th><th>SHA-256</th></tr>\n" > o
		for (i = 1; i <= nsums; i++) {
			split(SUMS[i], a, " ")
			s = SUMS[i]; sub(/^[^ ]* [^ ]* /, "", s)
			printf "<tr><td>%s</td><td class=\"n\">%s</td><td><code>%s</code></td></tr>\n", esc(s), esc(a[2]), esc(a[1]) > o
		}
		printf "</table>\n" > o
	}
	for (f in PROFILE) np++
	if (np) {
		printf "<p>Cost profile of the runs:" > o
		for (i = 1; i <= nfiles; i++) {
			split(FILES[i], a, SUBSEP)
			if ((a[1] ".json") in PROFILE)
				printf " <code>%s</code> (%s)", esc(PROFILE[a[1] ".json"]), esc(a[1]) > o
		}
		printf ".</p>\n" > o
	}
	for (i = 1; i <= nfiles; i++) {
		split(FILES[i], a, SUBSEP)
		if (a[1] in RPROV)
			printf "<p>%s: <code>%s</code></p>\n", esc(a[1]), esc(RPROV[a[1]]) > o
	}
	close(o)
	# cells
	o = tmp "/cells.html"
	printf "<table>\n<tr><th>cell</th><th>section</th><th>mode</th><th>status</th><th>configuration</th><th>error</th></tr>\n" > o
	for (i = 0; i < ncell; i++)
		printf "<tr class=\"%s\"><td class=\"n\">%s</td><td>%s</td><td>%s</td><td>%s</td><td><code>%s</code></td><td>%s</td></tr>\n", CST[i] == "ok" ? "ok" : "bad", esc(CI[i]), esc(CS[i]), esc(CM[i]), esc(CST[i]), esc(CC[i]), esc(CE[i]) > o
	printf "</table>\n" > o
	close(o)
	ranking()
	tables()
}
function ranking(    o, i, r, g, k, m, j, t, v, a, best, s) {
	o = tmp "/ranking.html"
	printf "" > o
	if (nrank) {
		printf "<p>As printed at the end of the sweep (%s/ranking.txt):</p>\n<pre>", esc(dir) > o
		for (i = 1; i <= nrank; i++) printf "%s\n", esc(RANK[i]) > o
		printf "</pre>\n" > o
		close(o)
		return
	}
	printf "<p>No ranking.txt in %s: computed here from the tables below. Simulated runs: per workload, options, topology and thread count, the layout x hasher (x slots) configurations by p99 wake-up latency (mean over seeds; lowest first), or by throughput (highest first) when the workload has no wake-ups. Trace replays: per trace and table size, by op collision rate (lowest first).</p>\n<ol class=\"rank\">\n", esc(dir) > o
	for (r = 1; r <= nrun; r++) {
		g = RR[r, "workload"] SUBSEP RR[r, "wopts"] SUBSEP RR[r, "topology"] SUBSEP RR[r, "threads"]
		if (!(g in GSEEN)) { GSEEN[g] = 1; GL[++ng] = g }
		k = RR[r, "layout"] "/" RR[r, "hasher"] (RR[r, "slots"] != "0" ? "/" RR[r, "slots"] " slots" : "")
		if (!((g, k) in KSEEN)) { KSEEN[g, k] = 1; KL[g, ++nk[g]] = k }
		if (isnum(RR[r, "wake_p99_ns"]) && RR[r, "wakeups"] + 0 > 0) { LS[g, k] += RR[r, "wake_p99_ns"]; LN[g, k]++; HASLAT[g] = 1 }
		if (isnum(RR[r, "throughput_ops_s"])) { TS[g, k] += RR[r, "throughput_ops_s"]; TN[g, k]++ }
	}
	for (i = 1; i <= ng; i++) {
		g = GL[i]; split(g, a, SUBSEP)
		m = 0
		for (j = 1; j <= nk[g]; j++) {
			k = KL[g, j]
			if (HASLAT[g] ? !LN[g, k] : !TN[g, k]) continue
			M[++m] = k
			MV[k] = HASLAT[g] ? LS[g, k] / LN[g, k] : -TS[g, k] / TN[g, k]
		}
		if (!m) continue
		sortk(M, MV, m)
		printf "<li><strong>%s%s on %s, %s threads</strong>, by %s: ", esc(a[1]), a[2] == "" ? "" : " " esc(a[2]), esc(a[3]), esc(a[4]), HASLAT[g] ? "p99 wake-up latency" : "throughput" > o
		for (j = 1; j <= m; j++)
			printf "%s%d. %s (%s)", (j > 1 ? ", " : ""), j, esc(M[j]), (HASLAT[g] ? nsf(MV[M[j]]) : sprintf("%.4g ops/s", -MV[M[j]])) > o
		printf "</li>\n" > o
		delete MV
	}
	for (r = 1; r <= nrep; r++) {
		g = QQ[r, "trace"] SUBSEP QQ[r, "slots"]
		if (!(g in QSEEN)) { QSEEN[g] = 1; QL[++nq] = g }
		if (isnum(QQ[r, "collision_rate"])) { QK[g, ++nqk[g]] = QQ[r, "layout"] "/" QQ[r, "hasher"]; QV[g, nqk[g]] = QQ[r, "collision_rate"] }
	}
	for (i = 1; i <= nq; i++) {
		g = QL[i]; split(g, a, SUBSEP)
		m = nqk[g]
		if (!m) continue
		for (j = 1; j <= m; j++) { M[j] = QK[g, j]; MV[M[j]] = QV[g, j] }
		sortk(M, MV, m)
		printf "<li><strong>trace %s, %s</strong>, by op collision rate: ", esc(a[1]), a[2] == "0" ? "kernel size" : esc(a[2]) " slots" > o
		for (j = 1; j <= m; j++)
			printf "%s%d. %s (%.4f)", (j > 1 ? ", " : ""), j, esc(M[j]), MV[M[j]] > o
		printf "</li>\n" > o
		delete MV
	}
	printf "</ol>\n" > o
	close(o)
}
# sortk(K, V, n): K[1..n] by V[K[i]] ascending, stable
function sortk(K, V, n,    i, j, x) {
	for (i = 2; i <= n; i++) {
		x = K[i]
		for (j = i - 1; j >= 1 && V[K[j]] + 0 > V[x] + 0; j--)
			K[j + 1] = K[j]
		K[j + 1] = x
	}
}
function tables(    o, r, lw, fs) {
	o = tmp "/tables.html"
	printf "" > o
	if (nrun) {
		printf "<h3 id=\"t-run\">Simulated runs (%d configurations)</h3>\n", nrun > o
		printf "<p>One row per configuration and seed. Throughput: the workload'"'"'s operations per simulated second. Wake-up latency: waker'"'"'s system call entry to the woken task back in user space. Lock wait: bucket-lock wait per futex operation; foreign: the share of it spent behind other keys (false contention). Collision rate: collided / bucket-locked ops.</p>\n" > o
		printf "<table>\n<tr><th>workload</th><th>options</th><th>topology</th><th>layout</th><th>hasher</th><th>slots</th><th>threads</th><th>seed</th><th>throughput (ops/s)</th><th>wake p50</th><th>wake p99</th><th>lock wait / op (ns)</th><th>foreign share</th><th>collision rate</th></tr>\n" > o
		for (r = 1; r <= nrun; r++) {
			lw = isnum(RR[r, "lock_wait_ns"]) && isnum(RR[r, "futex_ops"]) && RR[r, "futex_ops"] > 0 ? sprintf("%.1f", RR[r, "lock_wait_ns"] / RR[r, "futex_ops"]) : "n/a"
			fs = isnum(RR[r, "lock_wait_foreign_share"]) ? sprintf("%.1f%%", 100 * RR[r, "lock_wait_foreign_share"]) : "n/a"
			printf "<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td class=\"n\">%s</td><td class=\"n\">%s</td><td class=\"n\">%s</td><td class=\"n\">%s</td><td class=\"n\">%s</td><td class=\"n\">%s</td><td class=\"n\">%s</td><td class=\"n\">%s</td><td class=\"n\">%s</td></tr>\n", \
				esc(RR[r, "workload"]), esc(RR[r, "wopts"]), esc(RR[r, "topology"]), esc(RR[r, "layout"]), esc(RR[r, "hasher"]), esc(RR[r, "slots"]), esc(RR[r, "threads"]), esc(RR[r, "seed"]), \
				numf(RR[r, "throughput_ops_s"], "%.4g"), (RR[r, "wakeups"] + 0 > 0 ? nsf(RR[r, "wake_p50_ns"]) : "-"), (RR[r, "wakeups"] + 0 > 0 ? nsf(RR[r, "wake_p99_ns"]) : "-"), lw, fs, numf(RR[r, "collision_rate"], "%.4f") > o
		}
		printf "</table>\n" > o
	}
	if (nrep) {
		printf "<h3 id=\"t-replay\">Trace replays (%d configurations)</h3>\n", nrep > o
		printf "<p>One row per trace x hasher x layout x table size (0: the kernel'"'"'s own size). Collision rate: collided / bucket-locked ops. Walked: hash-chain entries walked per op (mean). Keys per bucket: keys per non-empty bucket of the queued waiters, mean over the occupancy samples, against an ideal random hash with the same keys and buckets.</p>\n" > o
		printf "<table>\n<tr><th>trace</th>%s<th>hasher</th><th>layout</th><th>slots</th><th>CPUs</th><th>nodes</th><th>calls</th><th>collision rate</th><th>walked (mean)</th><th>samples</th><th>keys / bucket</th><th>ideal</th><th>ratio</th></tr>\n", COPIES ? "<th>copies</th>" : "" > o
		for (r = 1; r <= nrep; r++)
			printf "<tr><td>%s</td>%s<td>%s</td><td>%s</td><td class=\"n\">%s</td><td class=\"n\">%s</td><td class=\"n\">%s</td><td class=\"n\">%s</td><td class=\"n\">%s</td><td class=\"n\">%s</td><td class=\"n\">%s</td><td class=\"n\">%s</td><td class=\"n\">%s</td><td class=\"n\">%s</td></tr>\n", \
				esc(QQ[r, "trace"]), COPIES ? "<td class=\"n\">" esc(QQ[r, "copies"]) "</td>" : "", esc(QQ[r, "hasher"]), esc(QQ[r, "layout"]), esc(QQ[r, "slots"]), esc(QQ[r, "cpus"]), esc(QQ[r, "nodes"]), esc(QQ[r, "calls"]), \
				numf(QQ[r, "collision_rate"], "%.4f"), numf(QQ[r, "walked_mean"], "%.3f"), esc(QQ[r, "samples"]), numf(QQ[r, "keys_per_bucket"], "%.4f"), numf(QQ[r, "exp_keys_per_bucket"], "%.4f"), \
				(isnum(QQ[r, "keys_per_bucket"]) && isnum(QQ[r, "exp_keys_per_bucket"]) && QQ[r, "exp_keys_per_bucket"] > 0 ? sprintf("%.3f", QQ[r, "keys_per_bucket"] / QQ[r, "exp_keys_per_bucket"]) : "n/a") > o
		printf "</table>\n" > o
	}
	if (!nrun && !nrep)
		printf "<p>No run or replay results.</p>\n" > o
	close(o)
}
END {
	if (failed)
		exit 1
}' || exit 1
[ -f "$tmp/tables.html" ] || die "internal error: the tables were not written"

# ---- the figures ----
# fig KIND SECTION INPUT... - plot.sh KIND into its own directory; the SVGs
# it writes and their captions are listed in $tmp/figlist (SECTION, path,
# caption), a kind that draws nothing in $tmp/notdrawn with its message
nfig=0
: >"$tmp/figlist"
: >"$tmp/notdrawn"
fig() {
	k=$1; sec=$2; shift 2
	nfig=$((nfig + 1))
	d=$tmp/fig$nfig
	mkdir -p "$d"
	if [ "$k" = trace-collisions ]; then
		set -- trace-collisions -o "$d" "$@"
	else
		set -- "$k" "$1" "$d"
	fi
	if FX_PLOT_FORMATS=svg FX_PLOT_CAPTIONS="$d.cap" sh "$plot" "$@" </dev/null >"$d.list" 2>"$d.err"; then
		while read -r p; do
			b=$(basename "$p" .svg)
			cap=$(awk -F '\t' -v b="$b" '$1 == b { print substr($0, length(b) + 2); exit }' "$d.cap")
			printf '%s\t%s\t%s\n' "$sec" "$p" "$cap" >>"$tmp/figlist"
		done <"$d.list"
	else
		printf '%s\t%s\n' "$k" "$(grep -v '^usage\|^ ' "$d.err" | tr '\n' ' ')" >>"$tmp/notdrawn"
	fi
	# notes such as "2 configuration(s) without wake-ups left out"
	[ ! -s "$d.err" ] || ! grep -q 'left out\|skipped\|ignored' "$d.err" ||
		grep 'left out\|skipped\|ignored' "$d.err" | sed "s/^/$k	/" >>"$tmp/notes"
}
if command -v gnuplot >/dev/null 2>&1; then
	have_gnuplot=1
	while read -r f; do
		fig throughput run "$f"
		fig lockwait run "$f"
		if [ -f "$f.json" ]; then
			fig latency-cdf run "$f.json"
			fig wake-nodes run "$f.json"
		fi
	done <"$tmp/runs"
	if [ -s "$tmp/replays" ]; then
		old_ifs=$IFS
		IFS='
'
		set -f
		# shellcheck disable=SC2046
		fig trace-collisions replay $(cat "$tmp/replays")
		IFS=$old_ifs
		set +f
		while read -r f; do
			fig replay-rate replay "$f"
			fig replay-occupancy replay "$f"
		done <"$tmp/replays"
	fi
	while read -r f; do
		fig replay-series replay "$f"
	done <"$tmp/series"
else
	have_gnuplot=
fi

# ---- the page ----
page=$tmp/index.html
{
	title="futexsim report: $dir"
	cat <<EOF
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>$(printf '%s' "$title" | sed 's/&/\&amp;/g; s/</\&lt;/g; s/>/\&gt;/g')</title>
<style>
body { font-family: sans-serif; margin: 1em 2em; max-width: 1100px; color: #222; }
h1 { font-size: 1.5em; } h2 { border-bottom: 1px solid #ccc; margin-top: 2em; }
table { border-collapse: collapse; font-size: 0.85em; margin: 0.5em 0; }
th, td { border: 1px solid #ccc; padding: 2px 6px; text-align: left; vertical-align: top; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
tr.bad td { background: #fde0dc; }
.bad { background: #fde0dc; border: 2px solid #c33; padding: 0.5em 1em; }
.good { background: #e3f4e1; padding: 0.3em 1em; }
pre { background: #f6f6f6; padding: 0.5em; overflow-x: auto; font-size: 0.85em; }
figure { margin: 1.5em 0; } figure img { width: 100%; max-width: 1000px; border: 1px solid #eee; }
figcaption { font-size: 0.9em; color: #333; }
</style>
</head>
<body>
EOF
	printf '<h1>%s</h1>\n' "$(printf '%s' "$title" | sed 's/&/\&amp;/g; s/</\&lt;/g; s/>/\&gt;/g')"
	if [ "$mode" = sweep ]; then
		echo '<p>The results of a <code>futexsim sweep</code> (docs/report.md describes this page).</p>'
	else
		echo '<p>The results of a study directory of <code>futexsim run</code> / <code>futexsim trace replay</code> CSVs (docs/report.md describes this page).</p>'
	fi
	cat "$tmp/status.html"
	echo '<p>Contents: <a href="#meta">metadata</a> | <a href="#cells">cells</a> | <a href="#ranking">ranking</a> | <a href="#tables">result tables</a> | <a href="#figures">figures</a></p>'
	echo '<h2 id="meta">Run metadata</h2>'
	cat "$tmp/meta.html"
	echo '<h2 id="cells">Cells</h2>'
	cat "$tmp/cells.html"
	echo '<h2 id="ranking">Ranking</h2>'
	cat "$tmp/ranking.html"
	echo '<h2 id="tables">Result tables</h2>'
	cat "$tmp/tables.html"
	echo '<h2 id="figures">Figures</h2>'
	if [ -z "$have_gnuplot" ]; then
		echo '<p class="bad">No figures: gnuplot is not installed (Debian: gnuplot-nox).</p>'
	fi
	n=0
	for sec in run replay; do
		grep -q "^$sec	" "$tmp/figlist" || continue
		[ "$sec" = run ] && echo '<h3>Simulated runs</h3>' || echo '<h3>Trace replays</h3>'
		while IFS='	' read -r s p cap; do
			[ "$s" = "$sec" ] || continue
			n=$((n + 1))
			b=$(basename "$p" .svg)
			printf '<figure id="fig-%s">\n<img alt="%s" src="data:image/svg+xml;base64,' "$b" "$b"
			base64 -w0 <"$p"
			printf '">\n<figcaption><strong>Figure %d</strong> (<code>%s</code>): %s</figcaption>\n</figure>\n' "$n" "$b" \
				"$(printf '%s' "$cap" | sed 's/&/\&amp;/g; s/</\&lt;/g; s/>/\&gt;/g; s/"/\&quot;/g; s/\\n/<br>/g')"
		done <"$tmp/figlist"
	done
	[ "$n" -gt 0 ] || [ -z "$have_gnuplot" ] || echo '<p>No figure applies to these results.</p>'
	if [ -s "$tmp/notdrawn" ]; then
		echo '<h3>Figures not drawn</h3>'
		echo '<p>A kind of figure that does not apply to these results, with the reason plot.sh gave:</p>'
		echo '<ul>'
		while IFS='	' read -r k msg; do
			printf '<li><code>%s</code>: %s</li>\n' "$k" "$(printf '%s' "$msg" | sed 's/&/\&amp;/g; s/</\&lt;/g; s/>/\&gt;/g')"
		done <"$tmp/notdrawn"
		echo '</ul>'
	fi
	if [ -s "$tmp/notes" ]; then
		echo '<h3>Notes from the figures</h3>'
		echo '<ul>'
		while IFS='	' read -r k msg; do
			printf '<li><code>%s</code>: %s</li>\n' "$k" "$(printf '%s' "$msg" | sed 's/&/\&amp;/g; s/</\&lt;/g; s/>/\&gt;/g')"
		done <"$tmp/notes"
		echo '</ul>'
	fi
	echo '</body>'
	echo '</html>'
} >"$page" || die "cannot write the page"
mv -f "$page" "$out" || die "cannot write '$out'"
echo "$out"
