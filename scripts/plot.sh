#!/bin/sh
# plot.sh KIND FILE [OUTDIR] - figures from futexsim results with gnuplot.
#
# Every figure is written as PNG (pngcairo if gnuplot has it, else png) and
# SVG, each under a temporary name in OUTDIR and renamed when complete; the
# input is checked in full before the first figure is drawn.  Bad input
# (missing, empty, not the expected format) gets a message naming the file
# and exit status 1.  docs/plots.md describes every figure.
#
# Kinds (add one: write plot_KIND() and list it in usage() and the case):
#   collide   CSV of "futexsim collide --out FILE.csv".  Per key spec and
#             layout, two figures:
#               collide-rate-N-FAMILY-LAYOUT     op collision rate against
#                   table size (log2 x), one line per hasher
#               collide-occ-N-FAMILY-LAYOUT      keys per non-empty bucket:
#                   the share of non-empty buckets holding 1..7, 8+ keys,
#                   one bar per hasher, and the ideal random hash (balls
#                   into bins) as points; at the table size closest to the
#                   number of keys (FX_PLOT_SLOTS=N picks another)
#             N numbers the key specs in their order in the CSV.
#   latency-cdf  the JSON sidecar of "futexsim run --out FILE.csv", i.e.
#             FILE.csv.json.  Per workload, topology and thread count:
#               latency-cdf-WORKLOAD-TOPO-tTHREADS   wake-up latency CDF
#                   (log x), one curve per layout x hasher (and whatever
#                   else varies); the seeds of a configuration are merged
#   throughput   CSV of "futexsim run --out FILE.csv".  Per workload and
#             topology:
#               throughput-WORKLOAD-TOPO     ops per simulated second
#                   against threads, one line per layout x hasher; mean
#                   over seeds, error bars min..max
#   lockwait  CSV of "futexsim run".  Per workload and topology:
#               lockwait-WORKLOAD-TOPO       bucket-lock wait per futex op,
#                   stacked: behind the same key vs behind other keys
#                   (false contention), one bar per layout x hasher x
#                   threads; mean over seeds
#             TOPO is the topology string with every run of characters
#             outside [A-Za-z0-9._-] made "_" (an XML path: its file name).
#   slots     bench.csv of "make bench" (sim/benchres.h).  Per host:
#               slots-HOST   slot_sweep ops_per_s against the private
#                   hash's slots (log2 x), one line per thread count;
#                   slots=0 (the global hash) a dashed horizontal line
#   latency-matrix  bench.csv of "make bench".  Per host and target:
#               latency-matrix-HOST-TARGET   heatmap of wake_latency
#                   lat_p50_ns (FX_PLOT_LAT=p99 picks another), waker
#                   CPU x wakee CPU; cells without a row blank
#               latency-nodes-HOST-TARGET    the same by waker node x
#                   wakee node (mean over the CPU pairs), when the CPUs'
#                   nodes are known (waker_node=/wakee_node= params, or
#                   host.txt beside bench.csv) and span two nodes or more
#   validation  CSV of "futexsim validate --out FILE.csv".  Per kind
#             (throughput: the ratio rows; latency: the lat_* rows):
#               validation-KIND   measured against predicted, one point
#                   per row coloured by status, y = x and the +-15% and
#                   +-25% error bands; labels largest error first, at
#                   most FX_PLOT_LABELS (24; "all": every one), none
#                   overlapping
#   trace-collisions  CSVs of "futexsim trace replay --out FILE.csv", or
#             directories of NAME.replay.csv (scripts/traces.sh); takes
#             several inputs: "trace-collisions [-o OUTDIR] DIR_OR_CSV...":
#               trace-collisions   op collision rate, one bar group per
#                   trace, one bar per layout x hasher (x slots)
#   trace-occupancy  JSON of "futexsim trace stats --json".  Per trace:
#               trace-waiters-NAME   threads blocked in a wait over time,
#                   mean and max of each of the 20 time buckets (the
#                   trace's own; replay-series has the buckets); NAME is
#                   the file name without .json and .stats
#   replay-rate  CSV of "futexsim trace replay --out FILE.csv" (a sweep's
#             replay.csv) over several --slots.  Per trace and layout:
#               replay-rate-TRACE-LAYOUT     op collision rate against
#                   table size (log2 x), one line per hasher; slots=0
#                   (the kernel's own size) a dashed horizontal line
#   replay-occupancy  the same CSV.  Per trace:
#               replay-occ-TRACE   keys per non-empty bucket of the queued
#                   waiters, one bar per layout x size x hasher, the
#                   ideal random hash a black line over each bar
#   replay-series  CSV of "futexsim trace replay --series FILE.csv".  Per
#             trace:
#               replay-series-TRACE   waiters queued, non-empty buckets
#                   and the longest chain over trace time (three panels),
#                   one line per hasher x layout (x slots, x copies)
#   wake-nodes  the JSON sidecar of "futexsim run" (its wake_nodes).  Per
#             workload, topology, layout, hasher and threads:
#               wake-nodes-WORKLOAD-TOPO-LAYOUT-HASHER-tTHREADS   heatmap
#                   of the wake-up latency p50 (FX_PLOT_LAT=p99 or mean),
#                   waker node x wakee node; the seeds merged
# OUTDIR defaults to the input's directory.  Environment:
#   FX_PLOT_FORMATS   "png svg" (default), "svg" or "png": what to write
#   FX_PLOT_CAPTIONS  a file: each figure's base name and title (its
#                   caption: the configuration) are appended to it, one
#                   "BASE<TAB>TITLE" line a figure, "\n" between lines
set -eu

usage() {
	cat >&2 <<'EOF'
usage: scripts/plot.sh KIND FILE [OUTDIR]
       scripts/plot.sh trace-collisions [-o OUTDIR] DIR_OR_CSV...
kinds:
  collide      op collision rate vs table size, and occupancy histograms,
               from "futexsim collide --out FILE.csv"
  latency-cdf  wake-up latency CDFs from the JSON sidecar of
               "futexsim run --out FILE.csv" (FILE.csv.json)
  throughput   throughput vs threads from "futexsim run" CSV
  lockwait     bucket-lock wait per op, own key vs foreign keys, from
               "futexsim run" CSV
  slots        live-kernel ops/s vs private futex hash slots, per thread
               count, from "make bench" (results/bench/HOST-DATE/bench.csv)
  latency-matrix  live-kernel wake-up latency heatmaps, waker CPU x wakee
               CPU, per target (idle/busy), from "make bench" bench.csv
  validation   measured vs predicted, per kind, from "futexsim validate" CSV
  trace-collisions  collision rate per hasher x layout, grouped by trace,
               from "futexsim trace replay --out FILE.csv" (a DIR: its
               *.replay.csv)
  trace-occupancy  threads blocked in a wait over time (mean and max of
               20 buckets) from "futexsim trace stats --json"
  replay-rate  collision rate vs table size per trace x layout, one line
               per hasher, from "futexsim trace replay --out" CSV
  replay-occupancy  keys per non-empty bucket vs an ideal random hash per
               trace, from "futexsim trace replay --out" CSV
  replay-series  waiters, non-empty buckets and longest chain over time
               per trace, from "futexsim trace replay --series" CSV
  wake-nodes   simulated wake-up latency heatmaps, waker node x wakee
               node, from the JSON sidecar of "futexsim run"
EOF
	exit 2
}

die() { echo "plot.sh: $*" >&2; exit 1; }

# trace-collisions takes several inputs: the list goes to tc_inputs (one
# path a line), the first stands for all in the checks below
tc_inputs=
if [ "${1:-}" = trace-collisions ]; then
	shift
	tc_out=
	if [ "${1:-}" = -o ]; then
		[ $# -ge 2 ] || usage
		tc_out=$2
		shift 2
	fi
	[ $# -ge 1 ] || usage
	for a in "$@"; do
		if [ -d "$a" ]; then
			tc_found=
			for f in "$a"/*.replay.csv; do
				[ -f "$f" ] || continue
				tc_inputs="$tc_inputs$f
"
				tc_found=1
			done
			[ -n "$tc_found" ] || die "'$a' has no *.replay.csv"
		else
			[ -f "$a" ] && [ -r "$a" ] || die "cannot read '$a'"
			[ -s "$a" ] || die "'$a' is empty"
			tc_inputs="$tc_inputs$a
"
		fi
	done
	tc_first=$(printf '%s' "$tc_inputs" | sed -n 1p)
	[ -n "$tc_out" ] || { [ -d "$1" ] && tc_out=$1 || tc_out=$(dirname "$tc_first"); }
	set -- trace-collisions "$tc_first" "$tc_out"
fi
[ $# -ge 2 ] && [ $# -le 3 ] || usage
kind=$1
csv=$2
case $kind in
collide|latency-cdf|throughput|lockwait|slots|latency-matrix|validation) ;;
trace-collisions|trace-occupancy) ;;
replay-rate|replay-occupancy|replay-series|wake-nodes) ;;
-h|--help|help) usage ;;
*) echo "plot.sh: unknown kind '$kind'" >&2; usage ;;
esac
[ -f "$csv" ] && [ -r "$csv" ] || die "cannot read '$csv'"
[ -s "$csv" ] || die "'$csv' is empty"
outdir=${3:-$(dirname "$csv")}
mkdir -p "$outdir" || die "cannot create '$outdir'"
command -v gnuplot >/dev/null 2>&1 ||
	die "gnuplot is not installed (Debian: apt-get install gnuplot-nox)"
if gnuplot -e 'set terminal' 2>&1 | grep -q pngcairo; then
	png_term='pngcairo size 1000,650 font "sans,11"'
else
	png_term='png size 1000,650'
fi
formats=${FX_PLOT_FORMATS:-png svg}
for f in $formats; do
	case $f in
	png|svg) ;;
	*) die "FX_PLOT_FORMATS=$formats: expected png, svg or both" ;;
	esac
done
[ -n "$formats" ] || die "FX_PLOT_FORMATS is empty: expected png, svg or both"
work=$(mktemp -d "${TMPDIR:-/tmp}/fxplot.XXXXXX") || die "mktemp failed"
partial=
trap 'rm -rf "$work"; [ -z "$partial" ] || rm -f "$partial"' EXIT
trap 'exit 130' INT TERM

# render BASE - run $work/BASE.gp once per output format; each figure is
# drawn under a temporary name in $outdir and renamed when gnuplot is done
render() {
	if [ -n "${FX_PLOT_CAPTIONS:-}" ]; then
		cap=$(sed -n 's/^set \(multiplot .*\)\{0,1\}title "\(.*\)" noenhanced$/\2/p' "$work/$1.gp" | sed -n 1p)
		printf '%s\t%s\n' "$1" "$cap" >>"$FX_PLOT_CAPTIONS" ||
			die "cannot write $FX_PLOT_CAPTIONS"
	fi
	for fmt in $formats; do
		sz=1000,650
		[ ! -f "$work/$1.size" ] || sz=$(cat "$work/$1.size")
		if [ "$fmt" = png ]; then term=$(printf %s "$png_term" | sed "s/size 1000,650/size $sz/"); else term="svg size $sz dynamic"; fi
		partial="$outdir/.$1.$fmt.tmp.$$"
		{ printf 'set terminal %s\nset output "%s"\n' "$term" "$partial"
		  cat "$work/$1.gp"; printf 'unset output\n'; } | gnuplot ||
			die "gnuplot failed on $1.$fmt"
		[ -s "$partial" ] || die "gnuplot wrote nothing for $1.$fmt"
		mv -f "$partial" "$outdir/$1.$fmt" || die "cannot write $outdir/$1.$fmt"
		partial=
		echo "$outdir/$1.$fmt"
	done
}

# render_all - render every figure listed in $work/figs (one base a line)
render_all() {
	[ -s "$work/figs" ] || die "'$csv' has nothing to plot"
	while read -r fig; do
		render "$fig"
	done <"$work/figs"
}

# ---- awk helpers shared by the futexsim run plots ----
#
# fail(msg)         message naming the input, then exit 3 (END checks
#                   "failed" first)
# csvsplit(s, F)    RFC 4180 fields of line s into F[1..n]; -1 on an
#                   unbalanced quote
# run_line(s)       one line of a "futexsim run" CSV: the header is checked
#                   against RUN_COLS, each row stored as R[row, column]
#                   (NR_ROWS rows, RL[row] its line number)
# num(r, c)         column c of row r, which must be a number ("nan" gives
#                   the string "nan")
# fname(s)          s made safe for a file name
# gpstr(s)          s made safe inside a gnuplot double-quoted string
# note_extra(g, prim, f, val)  extra field f (wopts, slots, ...) of a row of
#                   figure g whose primary key (layout, hasher, threads) is
#                   prim: VARY[g, f] when one primary key meets two values,
#                   then f joins the curve key (xval(g, f, val)); XDIFF[g, f]
#                   when the figure holds several values at all
# isort(A, n)       sort A[1..n] ascending (numbers compare as numbers)
# jtokline(s)       JSON tokens of one line into TOK/TYP[1..NT]
# jparse()          the tokens into JV[path] (scalars), JLEN[path] (arrays);
#                   paths as ".configs.0.wake_latency_ns.bins.3.1"
RUN_COLS='workload,wopts,topology,topo_label,cpus,nodes,hasher,layout,slots,'\
'threads,seed,profile,sim_ns,events,syscalls,futex_ops,ops,'\
'throughput_ops_s,wakeups,wake_p50_ns,wake_p90_ns,wake_p99_ns,'\
'wake_p999_ns,wake_max_ns,wake_mean_ns,lock_acq,lock_contended,'\
'lock_wait_ns,lock_wait_own_ns,lock_wait_foreign_ns,'\
'lock_wait_foreign_share,lock_wait_p50_ns,lock_wait_p99_ns,'\
'lock_wait_max_ns,locked_ops,collision_rate,xproc_rate,walked_mean,'\
'walked_p99,walked_max,remote_share,ctx_switches,ipis,idle_exits,'\
'migrations,timeouts'
AWK_LIB=$(cat "$(dirname "$0")/lib/csv.awk")'
# input_end(what[, norows]): at the end of a CSV: stop if a line failed,
# fail without a header or without rows (norows: the message)
function input_end(what, norows) {
	if (failed)
		exit 3
	if (!NCOL)
		fail("no header line: not a " what)
	if (!NR_ROWS)
		fail(norows != "" ? norows : "no data rows")
}
# run_json_configs(): at the end of a run JSON sidecar read by jtokline():
# parse it, check that it is one (version 1), return the number of configs
function run_json_configs(    nc) {
	if (failed)
		exit 3
	jparse()
	if (!JOBJ[""])
		fail("not a futexsim run JSON: the top level is not an object")
	if (JV[".futexsim"] != "run")
		fail("not a futexsim run JSON: \"futexsim\" is \"" JV[".futexsim"] "\", expected \"run\"")
	if (JV[".version"] != "1")
		fail("version " JV[".version"] " of the run JSON is not supported (expected 1)")
	nc = JLEN[".configs"]
	if (!(".configs" in JLEN) || !nc)
		fail("no \"configs\" array, or an empty one")
	return nc
}
# figname(base): a figure file name not used yet in this run
function figname(base,    b, u) {
	b = base
	for (u = 2; b in FIGUSED; u++)
		b = base "-" u
	FIGUSED[b] = 1
	return b
}
# nsfmt(v): nanoseconds as "1.23us"
function nsfmt(v) {
	if (v >= 1e6) return sprintf("%.3gms", v / 1e6)
	if (v >= 1e3) return sprintf("%.3gus", v / 1e3)
	return sprintf("%.3gns", v)
}
function fail(msg) {
	if (!failed)
		printf "plot.sh: %s: %s\n", src, msg > "/dev/stderr"
	failed = 1
	exit 3
}
function run_line(s,    n, i, F, want, W, nw) {
	sub(/\r$/, "", s)
	if (s ~ /^#/ || (!NCOL && s ~ /^[ \t]*$/))
		return
	n = csvsplit(s, F)
	if (!NCOL) {
		nw = split(RUN_COLS, W, ",")
		if (n < nw)
			fail(sprintf("line %d: not the header of a futexsim run CSV: %d columns, expected at least %d (%s,...)", NR, n, nw, W[1] "," W[2] "," W[3]))
		for (i = 1; i <= n; i++) {
			if (i <= nw && F[i] != W[i])
				fail(sprintf("line %d: not the header of a futexsim run CSV: column %d is \"%s\", expected \"%s\"", NR, i, F[i], W[i]))
			if (i > nw && F[i] !~ /^w_/)
				fail(sprintf("line %d: header column %d \"%s\": expected a workload column named w_NAME", NR, i, F[i]))
			COLN[i] = F[i]
		}
		NCOL = n
		return
	}
	if (n != NCOL)
		fail(sprintf("line %d: %d fields, expected %d as in the header%s", NR, n, NCOL, n < 0 ? " (a quote is not closed)" : ""))
	NR_ROWS++
	RL[NR_ROWS] = NR
	for (i = 1; i <= n; i++)
		R[NR_ROWS, COLN[i]] = F[i]
}
function num(r, c,    v) {
	v = R[r, c]
	if (v ~ /^[-+]?(nan|inf)$/)
		return "nan"
	if (v !~ /^[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$/)
		fail(sprintf("line %d: column %s is \"%s\", expected a number", RL[r], c, v))
	return v + 0
}
function fname(s) {
	if (s ~ /\//)
		sub(/.*\//, "", s)
	gsub(/[^A-Za-z0-9._-]+/, "_", s)
	return substr(s, 1, 48)
}
function gpstr(s) {
	gsub(/\\/, "/", s)
	gsub(/"/, "\047", s)
	return s
}
function note_extra(g, prim, f, val,    id) {
	id = g SUBSEP prim SUBSEP f
	if ((id in XV) && XV[id] != val)
		VARY[g, f] = 1
	XV[id] = val
	if ((g, f) in XALL && XALL[g, f] != val)
		XDIFF[g, f] = 1
	XALL[g, f] = val
}
function xval(g, f, val) {
	return VARY[g, f] ? val : ""
}
function isless(a, b) {
	if (a ~ /^-?[0-9.]+$/ && b ~ /^-?[0-9.]+$/)
		return a + 0 < b + 0
	return a "" < b ""
}
function isort(A, n,    i, j, v) {
	for (i = 2; i <= n; i++) {
		v = A[i]
		for (j = i - 1; j >= 1 && isless(v, A[j]); j--)
			A[j + 1] = A[j]
		A[j + 1] = v
	}
}
function junescape(s,    out, i, c, n) {
	if (index(s, "\\") == 0)
		return s
	out = ""; n = length(s)
	for (i = 1; i <= n; i++) {
		c = substr(s, i, 1)
		if (c != "\\") {
			out = out c
			continue
		}
		c = substr(s, ++i, 1)
		if (c == "n") out = out "\n"
		else if (c == "t") out = out "\t"
		else if (c == "r") out = out "\r"
		else if (c == "b" || c == "f") out = out " "
		else if (c == "u") { out = out "?"; i += 4 }
		else out = out c
	}
	return out
}
function jtokline(s,    n, P, i, instr, cur, x, W, m, j, bs) {
	n = split(s, P, "\"")
	instr = 0; cur = ""
	for (i = 1; i <= n; i++) {
		x = P[i]
		if (!instr) {
			gsub(/[{}:,]|\[|\]/, " & ", x)
			m = split(x, W, /[ \t\r\n]+/)
			for (j = 1; j <= m; j++) {
				if (W[j] == "")
					continue
				NT++
				TOK[NT] = W[j]
				TYP[NT] = W[j] ~ /^([{}:,]|\[|\])$/ ? W[j] : "n"
				TLN[NT] = NR
			}
			if (i < n)
				instr = 1
			continue
		}
		for (bs = 0; bs < length(x) && substr(x, length(x) - bs, 1) == "\\"; bs++)
			;
		if (bs % 2 == 1 && i < n) {
			cur = cur x "\""
			continue
		}
		NT++
		TOK[NT] = junescape(cur x)
		TYP[NT] = "s"
		TLN[NT] = NR
		cur = ""
		instr = 0
	}
	if (instr)
		fail(sprintf("line %d: a string does not end on its line: not JSON", NR))
}
function jfail(msg) {
	if (JP > NT)
		fail("malformed JSON at the end of the file: " msg)
	fail(sprintf("malformed JSON on line %d at \"%s\": %s", TLN[JP], TOK[JP], msg))
}
function jkeep(path) {
	return path !~ /^\.configs\.[0-9]+\.(lock_wait_ns|chain_walked)\./
}
function jval(path,    t, k, i) {
	t = TYP[JP]
	if (t == "{") {
		JP++
		JOBJ[path] = 1
		if (TYP[JP] == "}") { JP++; return }
		for (;;) {
			if (TYP[JP] != "s")
				jfail("expected a string key")
			k = TOK[JP++]
			if (TYP[JP] != ":")
				jfail("expected \":\"")
			JP++
			jval(path "." k)
			if (TYP[JP] == ",") { JP++; continue }
			if (TYP[JP] == "}") { JP++; return }
			jfail("expected \",\" or \"}\"")
		}
	}
	if (t == "[") {
		JP++
		i = 0
		if (TYP[JP] == "]") { JP++; JLEN[path] = 0; return }
		for (;;) {
			jval(path "." i++)
			if (TYP[JP] == ",") { JP++; continue }
			if (TYP[JP] == "]") { JP++; JLEN[path] = i; return }
			jfail("expected \",\" or \"]\"")
		}
	}
	if (t == "s" || t == "n") {
		if (t == "n" && TOK[JP] !~ /^(-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?|true|false|null)$/)
			jfail("not a JSON value")
		if (jkeep(path)) {
			JV[path] = TOK[JP]
			JT[path] = t
		}
		JP++
		return
	}
	jfail("expected a value")
}
function jparse() {
	if (!NT)
		fail("no JSON in the file")
	JP = 1
	jval("")
	if (JP <= NT)
		jfail("data after the end of the top-level value")
}
'

plot_collide() {
	# Split the CSV into one data file per (spec, layout) and figure.
	awk -F, -v dir="$work" -v want="${FX_PLOT_SLOTS:-}" '
	/^#/ { if (!prov) prov = substr($0, 3); next }
	!hdr { for (i = 1; i <= NF; i++) col[$i] = i; hdr = 1
	       need = "spec family hasher layout slots seed cpus nodes ops keys collision_rate"
	       n = split(need, nd, " ")
	       for (i = 1; i <= n; i++) if (!(nd[i] in col)) { print "missing column " nd[i] > "/dev/stderr"; exit 3 }
	       next }
	{
		spec = $col["spec"]; lay = $col["layout"]; h = $col["hasher"]
		if (!(spec in sid)) { sid[spec] = ++nspec; sfam[spec] = $col["family"] }
		g = sid[spec] "-" sfam[spec] "-" lay
		if (!(g in seen)) { seen[g] = 1; groups[++ng] = g; gspec[g] = spec; glay[g] = lay
			gcfg[g] = "seed " $col["seed"] ", " $col["cpus"] " CPUs, " $col["nodes"] " node(s), " $col["ops"] " ops, " $col["keys"] " keys" }
		if (!((g, h) in hseen)) { hseen[g, h] = 1; gh[g, ++nh[g]] = h }
		k = g SUBSEP h
		rate[k, $col["slots"]] = $col["collision_rate"]
		if (!((k, "n") in rate)) rate[k, "n"] = 0
		sl[k, ++rate[k, "n"]] = $col["slots"]
		d = $col["slots"] - $col["keys"]; if (d < 0) d = -d
		if (want != "" && $col["slots"] == want) d = -1
		if (!((g, "best") in occ) || d < occ[g, "bestd"]) { occ[g, "best"] = $col["slots"]; occ[g, "bestd"] = d }
		for (j = 1; j <= 8; j++) {
			nm = "occ_" j (j == 8 ? "plus" : ""); en = "exp_" nm
			o[k, $col["slots"], j] = $col[nm]
			if (!((g, $col["slots"], j) in e)) e[g, $col["slots"], j] = $col[en]
		}
	}
	END {
		for (gi = 1; gi <= ng; gi++) {
			g = groups[gi]; f = dir "/" g ".rate"
			printf "" > f
			for (hi = 1; hi <= nh[g]; hi++) {
				k = g SUBSEP gh[g, hi]
				for (i = 1; i <= rate[k, "n"]; i++)
					if (rate[k, sl[k, i]] != "nan") print sl[k, i], rate[k, sl[k, i]] >> f
				print "\n" >> f
			}
			close(f)
			s = occ[g, "best"]; f = dir "/" g ".occ"
			printf "" > f
			te = 0; for (j = 1; j <= 8; j++) te += e[g, s, j]
			for (j = 1; j <= 8; j++) {
				line = (j == 8 ? "8+" : j)
				for (hi = 1; hi <= nh[g]; hi++) {
					k = g SUBSEP gh[g, hi]; t = 0
					for (jj = 1; jj <= 8; jj++) t += o[k, s, jj]
					line = line " " (t ? o[k, s, j] / t : 0)
				}
				print line, (te ? e[g, s, j] / te : 0) >> f
			}
			close(f)
			hs = ""; for (hi = 1; hi <= nh[g]; hi++) hs = hs (hi > 1 ? " " : "") gh[g, hi]
			print g "\t" gspec[g] "\t" glay[g] "\t" gcfg[g] "\t" s "\t" hs > (dir "/groups")
		}
	}' "$csv" || die "'$csv' is not a futexsim collide CSV"
	[ -s "$work/groups" ] || die "'$csv' has no data rows"

	tab=$(printf '\t')
	while IFS=$tab read -r g spec layout cfg slots hashers; do
		set -- $hashers
		nh=$#
		# (a) collision rate against table size
		{
			printf 'set title "Op collision rate vs table size\\nkeys %s, layout %s\\n%s" noenhanced\n' "$spec" "$layout" "$cfg"
			printf 'set xlabel "table size (buckets; log_2 scale)"\n'
			printf 'set ylabel "op collision rate (fraction of bucket-locked ops)"\n'
			printf 'set logscale x 2\nset format x "2^{%%L}"\nset yrange [0:1.05]\n'
			printf 'set grid\nset key outside right top noenhanced\n'
			printf 'set style data linespoints\n'
			printf 'plot'
			i=0
			for h in "$@"; do
				[ $i -gt 0 ] && printf ','
				printf ' "%s/%s.rate" index %d using 1:2 lw 2 pt %d dt %d ps 1.3 title "%s"' \
					"$work" "$g" "$i" $((5 + 2 * (i % 4))) $((1 + i % 4)) "$h"
				i=$((i + 1))
			done
			printf '\n'
		} >"$work/collide-rate-$g.gp"
		render "collide-rate-$g"
		# (b) occupancy histogram against the ideal
		{
			printf 'set title "Keys per non-empty bucket at %s buckets vs an ideal random hash\\nkeys %s, layout %s\\n%s" noenhanced\n' "$slots" "$spec" "$layout" "$cfg"
			printf 'set xlabel "keys in a non-empty bucket"\n'
			printf 'set ylabel "share of non-empty buckets"\n'
			printf 'set yrange [0:1.05]\nset grid ytics\nset key outside right top noenhanced\n'
			printf 'set style data histograms\nset style histogram clustered gap 1\n'
			printf 'set style fill solid 0.8 border -1\nset boxwidth 0.9\n'
			printf 'plot'
			i=0
			for h in "$@"; do
				[ $i -gt 0 ] && printf ','
				printf ' "%s/%s.occ" using %d:xtic(1) title "%s"' "$work" "$g" $((i + 2)) "$h"
				i=$((i + 1))
			done
			printf ', "%s/%s.occ" using 0:%d with linespoints lw 2 pt 9 ps 1.5 lc rgb "black" title "expected: ideal random hash"\n' \
				"$work" "$g" $((nh + 2))
		} >"$work/collide-occ-$g.gp"
		render "collide-occ-$g"
	done <"$work/groups"
}

plot_throughput() {
	# Per (workload, topology): one data block per line (layout x hasher
	# and whatever else varies), points = threads, mean/min/max over seeds.
	awk -v src="$csv" -v dir="$work" -v RUN_COLS="$RUN_COLS" "$AWK_LIB"'
	{ run_line($0) }
	END {
		input_end("futexsim run CSV")
		for (r = 1; r <= NR_ROWS; r++) {
			t = num(r, "threads"); v = num(r, "throughput_ops_s")
			if (t < 1 || t != int(t))
				fail(sprintf("line %d: threads is \"%s\", expected a positive integer", RL[r], R[r, "threads"]))
			if (v == "nan")
				continue
			OK[r] = 1
			g = R[r, "workload"] SUBSEP R[r, "topology"]
			prim = R[r, "layout"] SUBSEP R[r, "hasher"] SUBSEP t
			note_extra(g, prim, 3, R[r, "wopts"])
			note_extra(g, prim, 4, R[r, "slots"])
			note_extra(g, prim, 5, R[r, "profile"])
		}
		for (r = 1; r <= NR_ROWS; r++) {
			if (!OK[r])
				continue
			t = R[r, "threads"] + 0; v = R[r, "throughput_ops_s"] + 0
			g = R[r, "workload"] SUBSEP R[r, "topology"]
			if (!(g in gseen)) { gseen[g] = 1; G[++ng] = g; GR[g] = r }
			k = R[r, "layout"] SUBSEP R[r, "hasher"] SUBSEP xval(g, 3, R[r, "wopts"]) SUBSEP xval(g, 4, R[r, "slots"]) SUBSEP xval(g, 5, R[r, "profile"])
			if (!((g, k) in lseen)) { lseen[g, k] = 1; L[g, ++nl[g]] = k }
			p = g SUBSEP k SUBSEP t
			if (!(p in n)) { T[g, k, ++nt[g, k]] = t; mn[p] = v; mx[p] = v }
			n[p]++; sum[p] += v
			if (v < mn[p]) mn[p] = v
			if (v > mx[p]) mx[p] = v
			if (!(g in tlo) || t < tlo[g]) tlo[g] = t
			if (t > thi[g]) thi[g] = t
			if (n[p] > reps[g]) reps[g] = n[p]
		}
		if (!ng)
			fail("no row has a throughput (all nan)")
		for (gi = 1; gi <= ng; gi++) {
			g = G[gi]; r = GR[g]
			base = "throughput-" fname(R[r, "workload"]) "-" fname(R[r, "topology"])
			for (u = 2; base in used; u++)
				base = "throughput-" fname(R[r, "workload"]) "-" fname(R[r, "topology"]) "-" u
			used[base] = 1
			print base > (dir "/figs")
			# lines in order: layout, hasher, then the rest
			m = nl[g]
			for (i = 1; i <= m; i++) LS[i] = L[g, i]
			isort(LS, m)
			dat = dir "/" base ".dat"; gp = dir "/" base ".gp"
			printf "" > dat
			plot = ""
			for (i = 1; i <= m; i++) {
				k = LS[i]; split(k, kk, SUBSEP)
				c = nt[g, k]
				for (j = 1; j <= c; j++) TS[j] = T[g, k, j]
				isort(TS, c)
				for (j = 1; j <= c; j++) {
					p = g SUBSEP k SUBSEP TS[j]
					printf "%s %.6g %.6g %.6g %d\n", TS[j], sum[p] / n[p], mn[p], mx[p], n[p] >> dat
				}
				printf "\n\n" >> dat
				lab = kk[1] " / " kk[2]
				if (VARY[g, 3]) lab = lab ", " (kk[3] == "" ? "(no options)" : kk[3])
				if (VARY[g, 4]) lab = lab ", " kk[4] " slots"
				if (VARY[g, 5]) lab = lab ", profile " kk[5]
				plot = plot (i > 1 ? ", \\\n     " : "") sprintf("\"%s\" index %d using 1:2:3:4 with yerrorlines lw 2 pt %d ps 1.3 dt %d title \"%s\"", dat, i - 1, 5 + 2 * ((i - 1) % 4), 1 + int((i - 1) / 8) % 4, gpstr(lab))
			}
			close(dat)
			wo = XDIFF[g, 3] || R[r, "wopts"] == "" ? "" : " " R[r, "wopts"]
			printf "set title \"Throughput vs threads\\n%s%s on %s (%s: %s CPUs, %s nodes)%s%s\" noenhanced\n", gpstr(R[r, "workload"]), gpstr(wo), gpstr(R[r, "topology"]), gpstr(R[r, "topo_label"]), R[r, "cpus"], R[r, "nodes"], (XDIFF[g, 5] || R[r, "profile"] == "" ? "" : ", cost profile " gpstr(R[r, "profile"])), (reps[g] > 1 ? sprintf("\\nmean of up to %d seeds, bars min..max", reps[g]) : "") > gp
			printf "set xlabel \"threads\"\nset ylabel \"throughput (workload ops per simulated second)\"\n" > gp
			if (thi[g] >= 8 * tlo[g])
				printf "set logscale x 2\n" > gp
			else if (thi[g] - tlo[g] <= 16)
				printf "set xtics 1\n" > gp
			printf "set xrange [%g:%g]\n", tlo[g] * (thi[g] >= 8 * tlo[g] ? 0.8 : 1) - (thi[g] >= 8 * tlo[g] ? 0 : 0.5), thi[g] * (thi[g] >= 8 * tlo[g] ? 1.25 : 1) + (thi[g] >= 8 * tlo[g] ? 0 : 0.5) > gp
			printf "set yrange [0:*]\nset format y \"%%.1s%%c\"\nset grid\nset key outside right top noenhanced\n" > gp
			printf "plot %s\n", plot > gp
			close(gp)
		}
	}' "$csv" || exit 1
	render_all
}

plot_lockwait() {
	# Per (workload, topology): one stacked bar per layout x hasher x
	# threads (and whatever else varies): own-key and foreign-key lock wait
	# per futex op, mean over seeds.
	awk -v src="$csv" -v dir="$work" -v RUN_COLS="$RUN_COLS" "$AWK_LIB"'
	{ run_line($0) }
	END {
		input_end("futexsim run CSV")
		for (r = 1; r <= NR_ROWS; r++) {
			ops = num(r, "futex_ops"); own = num(r, "lock_wait_own_ns")
			frn = num(r, "lock_wait_foreign_ns"); t = num(r, "threads")
			if (ops == "nan" || ops <= 0 || own == "nan" || frn == "nan") {
				skipped++
				continue
			}
			OK[r] = 1
			g = R[r, "workload"] SUBSEP R[r, "topology"]
			prim = R[r, "layout"] SUBSEP R[r, "hasher"] SUBSEP t
			note_extra(g, prim, 4, R[r, "wopts"])
			note_extra(g, prim, 5, R[r, "slots"])
			note_extra(g, prim, 6, R[r, "profile"])
		}
		for (r = 1; r <= NR_ROWS; r++) {
			if (!OK[r])
				continue
			ops = R[r, "futex_ops"] + 0; own = R[r, "lock_wait_own_ns"] + 0
			frn = R[r, "lock_wait_foreign_ns"] + 0; t = R[r, "threads"] + 0
			g = R[r, "workload"] SUBSEP R[r, "topology"]
			if (!(g in gseen)) { gseen[g] = 1; G[++ng] = g; GR[g] = r }
			k = R[r, "layout"] SUBSEP R[r, "hasher"] SUBSEP sprintf("%09d", t) SUBSEP xval(g, 4, R[r, "wopts"]) SUBSEP xval(g, 5, R[r, "slots"]) SUBSEP xval(g, 6, R[r, "profile"])
			if (!((g, k) in bseen)) { bseen[g, k] = 1; B[g, ++nb[g]] = k }
			n[g, k]++
			so[g, k] += own / ops
			sf[g, k] += frn / ops
			if (n[g, k] > reps[g]) reps[g] = n[g, k]
		}
		if (!ng)
			fail("no row has futex_ops > 0 and lock-wait figures")
		if (skipped)
			printf "plot.sh: %s: %d row(s) without futex ops or lock-wait figures skipped\n", src, skipped > "/dev/stderr"
		for (gi = 1; gi <= ng; gi++) {
			g = G[gi]; r = GR[g]
			base = "lockwait-" fname(R[r, "workload"]) "-" fname(R[r, "topology"])
			for (u = 2; base in used; u++)
				base = "lockwait-" fname(R[r, "workload"]) "-" fname(R[r, "topology"]) "-" u
			used[base] = 1
			print base > (dir "/figs")
			m = nb[g]
			for (i = 1; i <= m; i++) BS[i] = B[g, i]
			isort(BS, m)
			dat = dir "/" base ".dat"; gp = dir "/" base ".gp"
			printf "" > dat
			for (i = 1; i <= m; i++) {
				k = BS[i]; split(k, kk, SUBSEP)
				lab = kk[1] "/" kk[2] "/t" (kk[3] + 0)
				if (VARY[g, 4]) lab = lab "/" (kk[4] == "" ? "-" : kk[4])
				if (VARY[g, 5]) lab = lab "/" kk[5] "slots"
				if (VARY[g, 6]) lab = lab "/" kk[6]
				gsub(/[ \t"#]+/, "_", lab)
				printf "%s %.6g %.6g\n", lab, so[g, k] / n[g, k], sf[g, k] / n[g, k] >> dat
			}
			close(dat)
			wo = XDIFF[g, 4] || R[r, "wopts"] == "" ? "" : " " R[r, "wopts"]
			printf "set title \"Bucket-lock wait per futex op: own key vs foreign keys (false contention)\\n%s%s on %s (%s: %s CPUs, %s nodes)%s%s\" noenhanced\n", gpstr(R[r, "workload"]), gpstr(wo), gpstr(R[r, "topology"]), gpstr(R[r, "topo_label"]), R[r, "cpus"], R[r, "nodes"], (XDIFF[g, 6] || R[r, "profile"] == "" ? "" : ", cost profile " gpstr(R[r, "profile"])), (reps[g] > 1 ? sprintf("; mean of up to %d seeds", reps[g]) : "") > gp
			printf "set xlabel \"layout / hasher / threads\"\nset ylabel \"lock wait per futex op (ns)\"\n" > gp
			printf "set style data histograms\nset style histogram rowstacked\nset style fill solid 0.85 border -1\nset boxwidth 0.7\n" > gp
			printf "set xtics rotate by -35 noenhanced\nset yrange [0:*]\nset offsets 0, 0, graph 0.08, 0\nset grid ytics\nset key outside right top noenhanced\n" > gp
			printf "plot \"%s\" using 2:xtic(1) lc rgb \"#4477aa\" title \"own key (true contention)\", \\\n", dat > gp
			printf "     \"\" using 3 lc rgb \"#ee6677\" title \"foreign keys (false contention)\", \\\n" > gp
			printf "     \"\" using 0:($2+$3):($2+$3 > 0 ? sprintf(\"%%.0f%%%%\", 100*$3/($2+$3)) : \"\") with labels offset char 0,0.7 notitle\n" > gp
			close(gp)
		}
	}' "$csv" || exit 1
	render_all
}

plot_latency_cdf() {
	# Per (workload, topology, threads): one CDF per layout x hasher (and
	# whatever else varies), from the wake-latency bins; configurations
	# that differ only in the seed are merged.
	awk -v src="$csv" -v dir="$work" "$AWK_LIB"'
	{ jtokline($0) }
	END {
		nc = run_json_configs()
		split("workload wopts topology hasher layout slots threads seed", need, " ")
		for (c = 0; c < nc; c++) {
			pre = ".configs." c
			for (i = 1; i <= 8; i++)
				if (!((pre "." need[i]) in JV))
					fail(sprintf("configs[%d] has no \"%s\"", c, need[i]))
			h = pre ".wake_latency_ns"
			if (!((h ".count") in JV) || !((h ".bins") in JLEN))
				fail(sprintf("configs[%d] has no wake_latency_ns with count and bins", c))
			nbin = JLEN[h ".bins"]
			tot = 0
			for (b = 0; b < nbin; b++) {
				bp = h ".bins." b
				if (JLEN[bp] != 3)
					fail(sprintf("configs[%d].wake_latency_ns.bins[%d]: expected [lo, hi, count]", c, b))
				lo = JV[bp ".0"]; hi = JV[bp ".1"]; cnt = JV[bp ".2"]
				if (JT[bp ".0"] != "n" || JT[bp ".1"] != "n" || JT[bp ".2"] != "n" || lo + 0 > hi + 0 || cnt + 0 < 0)
					fail(sprintf("configs[%d].wake_latency_ns.bins[%d]: [%s, %s, %s] is not [lo <= hi, count >= 0]", c, b, lo, hi, cnt))
				tot += cnt
			}
			if (tot != JV[h ".count"] + 0)
				fail(sprintf("configs[%d].wake_latency_ns: the bins hold %d values, count says %s", c, tot, JV[h ".count"]))
			if (!tot) {
				empty++
				continue
			}
			OK[c] = tot
			g = JV[pre ".workload"] SUBSEP JV[pre ".topology"] SUBSEP JV[pre ".threads"]
			prim = JV[pre ".layout"] SUBSEP JV[pre ".hasher"]
			note_extra(g, prim, 3, JV[pre ".wopts"])
			note_extra(g, prim, 4, JV[pre ".slots"])
		}
		for (c = 0; c < nc; c++) {
			if (!OK[c])
				continue
			pre = ".configs." c; h = pre ".wake_latency_ns"
			nbin = JLEN[h ".bins"]; tot = OK[c]
			g = JV[pre ".workload"] SUBSEP JV[pre ".topology"] SUBSEP JV[pre ".threads"]
			if (!(g in gseen)) { gseen[g] = 1; G[++ng] = g; GC[g] = c }
			k = JV[pre ".layout"] SUBSEP JV[pre ".hasher"] SUBSEP xval(g, 3, JV[pre ".wopts"]) SUBSEP xval(g, 4, JV[pre ".slots"])
			if (!((g, k) in cseen)) { cseen[g, k] = 1; C[g, ++ncur[g]] = k }
			nseed[g, k]++
			ck = g SUBSEP k
			for (b = 0; b < nbin; b++) {
				bp = h ".bins." b
				lo = JV[bp ".0"] + 0
				if (!((ck, lo) in bc)) { BL[ck, ++nbl[ck]] = lo; bhi[ck, lo] = JV[bp ".1"] + 0 }
				bc[ck, lo] += JV[bp ".2"]
			}
			ctot[ck] += tot
			if (JV[h ".max"] + 0 > cmax[ck]) cmax[ck] = JV[h ".max"] + 0
		}
		if (!ng)
			fail(sprintf("no configuration has wake-up latency samples (%d without)", empty))
		for (gi = 1; gi <= ng; gi++) {
			g = G[gi]; pre = ".configs." GC[g]
			base = "latency-cdf-" fname(JV[pre ".workload"]) "-" fname(JV[pre ".topology"]) "-t" fname(JV[pre ".threads"])
			for (u = 2; base in used; u++)
				base = "latency-cdf-" fname(JV[pre ".workload"]) "-" fname(JV[pre ".topology"]) "-t" fname(JV[pre ".threads"]) "-" u
			used[base] = 1
			print base > (dir "/figs")
			m = ncur[g]
			for (i = 1; i <= m; i++) CS[i] = C[g, i]
			isort(CS, m)
			dat = dir "/" base ".dat"; gp = dir "/" base ".gp"
			printf "" > dat
			plot = ""; xmin = -1; xmax = 0
			for (i = 1; i <= m; i++) {
				k = CS[i]; ck = g SUBSEP k; split(k, kk, SUBSEP)
				nbx = nbl[ck]
				for (j = 1; j <= nbx; j++) LO[j] = BL[ck, j]
				isort(LO, nbx)
				cum = 0; tot = ctot[ck]; p50 = p99 = -1
				for (j = 1; j <= nbx; j++) {
					lo = LO[j]; hi = bhi[ck, lo]
					x0 = lo > 0 ? lo : (hi > 0 ? hi / 2 : 0.5)
					x1 = hi > 0 ? hi : 0.5
					printf "%.6g %.8g\n", x0, cum / tot >> dat
					cum += bc[ck, lo]
					printf "%.6g %.8g\n", x1, cum / tot >> dat
					if (p50 < 0 && cum >= 0.5 * tot) p50 = hi
					if (p99 < 0 && cum >= 0.99 * tot) p99 = hi
					if (xmin < 0 || x0 < xmin) xmin = x0
					if (x1 > xmax) xmax = x1
				}
				if (p50 > cmax[ck] && cmax[ck] > 0) p50 = cmax[ck]
				if (p99 > cmax[ck] && cmax[ck] > 0) p99 = cmax[ck]
				printf "\n\n" >> dat
				lab = kk[1] " / " kk[2]
				if (VARY[g, 3]) lab = lab ", " (kk[3] == "" ? "(no options)" : kk[3])
				if (VARY[g, 4]) lab = lab ", " kk[4] " slots"
				lab = lab sprintf(" (n=%d%s, p50 %s, p99 %s)", tot, nseed[g, k] > 1 ? " of " nseed[g, k] " seeds" : "", nsfmt_sp(p50), nsfmt_sp(p99))
				plot = plot (i > 1 ? ", \\\n     " : "") sprintf("\"%s\" index %d using 1:2 with lines lw 2 dt %d title \"%s\"", dat, i - 1, 1 + int((i - 1) / 8) % 4, gpstr(lab))
			}
			close(dat)
			wo = XDIFF[g, 3] || JV[pre ".wopts"] == "" ? "" : " " JV[pre ".wopts"]
			printf "set title \"Wake-up latency CDF (waker syscall entry to wakee in user space)\\n%s%s on %s, %s threads%s\" noenhanced\n", gpstr(JV[pre ".workload"]), gpstr(wo), gpstr(JV[pre ".topology"]), JV[pre ".threads"], (JV[".profile"] == "" ? "" : ", cost profile " gpstr(JV[".profile"])) > gp
			printf "set xlabel \"wake-up latency (ns, log scale)\"\nset ylabel \"fraction of wake-ups <= x\"\n" > gp
			xa = xmin / 1.5; xb = xmax * 1.5
			printf "set logscale x 10\nset xrange [%g:%g]\nset yrange [0:1.02]\nset ytics 0.1\n", xa, xb > gp
			# tics at 1, 2, 5 x 10^d (10^d only over more than 6 decades)
			d0 = int(log(xa) / log(10)) - 1; d1 = int(log(xb) / log(10)) + 1
			nm = d1 - d0 > 6 ? 1 : 3
			tics = ""
			for (d = d0; d <= d1; d++)
				for (mi = 1; mi <= nm; mi++) {
					v = (mi == 1 ? 1 : mi == 2 ? 2 : 5) * 10 ^ d
					if (v >= xa && v <= xb)
						tics = tics (tics == "" ? "" : ", ") sprintf("\"%s\" %.10g", nsfmt_sp(v), v)
				}
			if (tics != "")
				printf "set xtics (%s)\n", tics > gp
			printf "set grid\nset key bottom right noenhanced\n" > gp
			printf "set arrow from graph 0, first 0.5 to graph 1, first 0.5 nohead dt 3 lc rgb \"gray40\"\n" > gp
			printf "set arrow from graph 0, first 0.99 to graph 1, first 0.99 nohead dt 3 lc rgb \"gray40\"\n" > gp
			printf "plot %s\n", plot > gp
			close(gp)
		}
		if (empty)
			printf "plot.sh: %s: %d configuration(s) without wake-ups left out\n", src, empty > "/dev/stderr"
	}
	function nsfmt_sp(v) {
		if (v >= 1e6) return sprintf("%.3g ms", v / 1e6)
		if (v >= 1e3) return sprintf("%.3g us", v / 1e3)
		return sprintf("%.3g ns", v)
	}' "$csv" || exit 1
	render_all
}

# ---- "make bench" results (bench.csv; sim/benchres.h) ----
#
# bench_line(s)     one line of a bench.csv: the header must be BENCH_COLS
#                   (extra columns after them are allowed), each row is
#                   checked against the format of sim/benchres.h and stored
#                   as R[row, column] (NR_ROWS rows, RL[row] its line), its
#                   params as PV[row, key] (PH[row, key] set, PK[row, i] the
#                   keys in order, PN[row] of them)
# isint(v)          v is a decimal integer
# pextra(r, skip)   the params of row r without the keys listed (space-
#                   separated) in skip, as "k=v;k=v"
# nsfmt(v)          v ns as a short string: 850ns, 4.2us, 12us, 1.3ms
BENCH_COLS='host,kernel,cpus,nodes,distances,slots,benchmark,params,metric,value,unit'
AWK_BENCH='
function isint(v) {
	return v ~ /^-?[0-9]+$/
}
function bench_line(s,    n, i, F, W, nw, r, np, P, j, k, v, d, DR, DE, ne, m) {
	sub(/\r$/, "", s)
	if (s ~ /^#/ || s ~ /^[ \t]*$/)
		return
	if (!NCOL) {
		n = split(s, F, ",")
		nw = split(BENCH_COLS, W, ",")
		for (i = 1; i <= nw; i++)
			if (i > n || F[i] != W[i])
				fail(sprintf("line %d: not the header of a \"make bench\" bench.csv: column %d is %s, expected \"%s\" (the header is %s)", NR, i, i > n ? "missing" : "\"" F[i] "\"", W[i], BENCH_COLS))
		for (i = 1; i <= n; i++)
			COLN[i] = F[i]
		NCOL = n
		return
	}
	if (index(s, "\""))
		fail(sprintf("line %d: a quote: no field of bench.csv is quoted", NR))
	n = split(s, F, ",")
	if (n != NCOL)
		fail(sprintf("line %d: %d fields, expected %d as in the header", NR, n, NCOL))
	r = ++NR_ROWS
	RL[r] = NR
	for (i = 1; i <= n; i++)
		R[r, COLN[i]] = F[i]
	if (!isint(F[3]) || F[3] < 1)
		fail(sprintf("line %d: cpus is \"%s\", expected a positive integer", NR, F[3]))
	if (!isint(F[4]) || F[4] < 1)
		fail(sprintf("line %d: nodes is \"%s\", expected a positive integer", NR, F[4]))
	if (!isint(F[6]) || F[6] < -1)
		fail(sprintf("line %d: slots is \"%s\", expected an integer >= -1", NR, F[6]))
	if (F[7] == "" || F[9] == "")
		fail(sprintf("line %d: empty %s", NR, F[7] == "" ? "benchmark" : "metric"))
	if (F[10] !~ /^[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$/)
		fail(sprintf("line %d: value is \"%s\", expected a finite number", NR, F[10]))
	d = F[4] SUBSEP F[5]
	if (!(d in DOK)) {
		m = split(F[5], DR, ";")
		if (m != F[4])
			fail(sprintf("line %d: distances \"%s\" has %d row(s), expected %d (one per node, joined by \";\")", NR, F[5], m, F[4]))
		for (i = 1; i <= m; i++) {
			ne = split(DR[i], DE, " ")
			if (ne != F[4])
				fail(sprintf("line %d: distances \"%s\": row %d has %d value(s), expected %d", NR, F[5], i, ne, F[4]))
			for (j = 1; j <= ne; j++)
				if (DE[j] !~ /^[0-9]+$/ || DE[j] < 1)
					fail(sprintf("line %d: distances \"%s\": \"%s\" is not a positive integer", NR, F[5], DE[j]))
		}
		DOK[d] = 1
	}
	PN[r] = 0
	if (F[8] == "")
		return
	np = split(F[8], P, ";")
	for (j = 1; j <= np; j++) {
		k = index(P[j], "=")
		if (k < 2)
			fail(sprintf("line %d: params \"%s\": \"%s\" is not key=value", NR, F[8], P[j]))
		v = substr(P[j], k + 1)
		k = substr(P[j], 1, k - 1)
		if ((r, k) in PH)
			fail(sprintf("line %d: params \"%s\": key \"%s\" twice", NR, F[8], k))
		PH[r, k] = 1
		PV[r, k] = v
		PK[r, ++PN[r]] = k
	}
}
function pextra(r, skip,    i, out, k) {
	out = ""
	for (i = 1; i <= PN[r]; i++) {
		k = PK[r, i]
		if (index(" " skip " ", " " k " "))
			continue
		out = out (out == "" ? "" : ";") k "=" PV[r, k]
	}
	return out
}
function bench_end() {
	input_end("\"make bench\" bench.csv", "no data rows (every benchmark skipped?)")
}
'

plot_slots() {
	# Per host and kernel: one line per thread count (and whatever other
	# params vary), ops/s against private hash slots; slots=0 (the global
	# hash) as a dashed horizontal line in the same colour.
	awk -v src="$csv" -v dir="$work" -v BENCH_COLS="$BENCH_COLS" "$AWK_LIB$AWK_BENCH"'
	{ bench_line($0) }
	END {
		bench_end()
		for (r = 1; r <= NR_ROWS; r++) {
			if (R[r, "benchmark"] != "slot_sweep" || R[r, "metric"] != "ops_per_s")
				continue
			nrow++
			if (!((r, "slots") in PH) || !((r, "threads") in PH))
				fail(sprintf("line %d: slot_sweep params \"%s\" lack slots= or threads=", RL[r], R[r, "params"]))
			s = PV[r, "slots"]; t = PV[r, "threads"]
			if (!isint(s) || s < 0)
				fail(sprintf("line %d: slot_sweep slots=%s, expected an integer >= 0", RL[r], s))
			if (!isint(t) || t < 1)
				fail(sprintf("line %d: slot_sweep threads=%s, expected a positive integer", RL[r], t))
			s += 0; t += 0
			g = R[r, "host"] SUBSEP R[r, "kernel"]
			if (!(g in gseen)) { gseen[g] = 1; G[++ng] = g; GR[g] = r }
			x = pextra(r, "slots threads")
			if ((g in XA) && XA[g] != x)
				XD[g] = 1
			XA[g] = x
			k = sprintf("%09d", t) SUBSEP x
			if (!((g, k) in lseen)) { lseen[g, k] = 1; L[g, ++nl[g]] = k }
			p = g SUBSEP k SUBSEP s
			if (p in V) {
				if (!ndup++) dupl = RL[r]
				continue
			}
			V[p] = R[r, "value"] + 0
			if (s == 0)
				continue
			gk = g SUBSEP k
			S[gk, ++ns[gk]] = s
			if (!((g, s) in sx)) { sx[g, s] = 1; SX[g, ++nsx[g]] = s }
			if (!(g in slo) || s < slo[g]) slo[g] = s
			if (s > shi[g]) shi[g] = s
			if (!(g in unit)) unit[g] = R[r, "unit"]
			else if (unit[g] != R[r, "unit"]) unit[g] = "mixed units"
		}
		if (!nrow)
			fail("no slot_sweep rows with metric ops_per_s")
		if (ndup)
			printf "plot.sh: %s: %d repeated slot_sweep row(s) ignored, the first at line %d (the first row of a figure wins)\n", src, ndup, dupl > "/dev/stderr"
		for (gi = 1; gi <= ng; gi++)
			if (nsx[G[gi]])
				nfig++
		if (!nfig)
			fail("the slot_sweep rows are all slots=0 (the global hash): no private hash size to plot")
		for (gi = 1; gi <= ng; gi++) {
			g = G[gi]; r = GR[g]
			if (!nsx[g]) {
				printf "plot.sh: %s: host %s has slot_sweep rows only for slots=0 (the global hash): left out\n", src, R[r, "host"] > "/dev/stderr"
				continue
			}
			base = figname("slots-" fname(R[r, "host"]))
			print base > (dir "/figs")
			m = nl[g]
			for (i = 1; i <= m; i++) LS[i] = L[g, i]
			isort(LS, m)
			dat = dir "/" base ".dat"; gp = dir "/" base ".gp"
			printf "" > dat
			xa = slo[g] / 1.5; xb = shi[g] * 1.5
			plot = ""; blk = 0
			for (i = 1; i <= m; i++) {
				k = LS[i]; gk = g SUBSEP k; split(k, kk, SUBSEP)
				lab = (kk[1] + 0) " thread" (kk[1] + 0 > 1 ? "s" : "")
				if (XD[g]) lab = lab ", " (kk[2] == "" ? "(no other params)" : kk[2])
				c = ns[gk]
				if (c) {
					for (j = 1; j <= c; j++) SS[j] = S[gk, j]
					isort(SS, c)
					for (j = 1; j <= c; j++)
						printf "%d %.8g\n", SS[j], V[gk SUBSEP SS[j]] >> dat
					printf "\n\n" >> dat
					plot = plot (plot == "" ? "" : ", \\\n     ") sprintf("\"%s\" index %d using 1:2 with linespoints lw 2 pt %d ps 1.3 lc %d title \"%s\"", dat, blk++, 5 + 2 * ((i - 1) % 4), i, gpstr(lab))
				}
				if ((gk SUBSEP 0) in V) {
					printf "%.8g %.8g\n%.8g %.8g\n\n\n", xa, V[gk SUBSEP 0], xb, V[gk SUBSEP 0] >> dat
					plot = plot (plot == "" ? "" : ", \\\n     ") sprintf("\"%s\" index %d using 1:2 with lines lw 2 dt 2 lc %d title \"%s: global hash (slots=0)\"", dat, blk++, i, gpstr(lab))
				}
			}
			close(dat)
			c = nsx[g]
			for (j = 1; j <= c; j++) SS[j] = SX[g, j]
			isort(SS, c)
			tics = ""
			for (j = 1; j <= c; j++)
				tics = tics (j > 1 ? ", " : "") sprintf("\"%d\" %d", SS[j], SS[j])
			wo = XD[g] || XA[g] == "" ? "" : ", " XA[g]
			printf "set title \"Private futex hash: throughput against its slots (slot_sweep%s)\\nhost %s, kernel %s, %s CPUs, %s node(s)\" noenhanced\n", gpstr(wo), gpstr(R[r, "host"]), gpstr(R[r, "kernel"]), R[r, "cpus"], R[r, "nodes"] > gp
			printf "set xlabel \"private hash slots (PR_FUTEX_HASH_SET_SLOTS; log2 scale)\" noenhanced\n" > gp
			printf "set ylabel \"throughput (%s)\"\n", gpstr(unit[g]) > gp
			printf "set logscale x 2\nset xrange [%g:%g]\nset xtics (%s)\n", xa, xb, tics > gp
			if (c > 12)
				printf "set xtics rotate by -45\n" > gp
			printf "set yrange [0:*]\nset format y \"%%.1s%%c\"\nset grid\nset key outside right top noenhanced\n" > gp
			printf "plot %s\n", plot > gp
			close(gp)
		}
	}' "$csv" || exit 1
	render_all
}

plot_latency_matrix() {
	# Per host, kernel and target: a heatmap of the wake_latency figure
	# (lat_p50_ns, or FX_PLOT_LAT=pNN), waker CPU x wakee CPU; a cell
	# without a row stays blank.
	pct=${FX_PLOT_LAT:-p50}
	case $pct in
	p[0-9]*) ;;
	*) die "FX_PLOT_LAT=$pct: expected a percentile such as p50, p90, p99" ;;
	esac
	# the CPUs' nodes, for the node-pair figures: host.txt of the same run
	hostf=$(dirname "$csv")/host.txt
	[ -f "$hostf" ] || hostf=
	awk -v src="$csv" -v dir="$work" -v BENCH_COLS="$BENCH_COLS" -v pct="$pct" -v hostf="$hostf" "$AWK_LIB$AWK_BENCH"'
	{ bench_line($0) }
	END {
		bench_end()
		met = "lat_" pct "_ns"
		for (r = 1; r <= NR_ROWS; r++) {
			if (R[r, "benchmark"] != "wake_latency")
				continue
			have[R[r, "metric"]] = 1
			if (R[r, "metric"] != met)
				continue
			nrow++
			if (!((r, "waker") in PH) || !((r, "wakee") in PH) || !((r, "target") in PH))
				fail(sprintf("line %d: wake_latency params \"%s\" lack waker=, wakee= or target=", RL[r], R[r, "params"]))
			wx = PV[r, "waker"]; wy = PV[r, "wakee"]; tg = PV[r, "target"]
			if (!isint(wx) || wx < 0 || !isint(wy) || wy < 0)
				fail(sprintf("line %d: wake_latency waker=%s wakee=%s, expected CPU numbers", RL[r], wx, wy))
			if (tg == "")
				fail(sprintf("line %d: wake_latency target is empty", RL[r]))
			d = ((r, "distance") in PH) ? PV[r, "distance"] : ""
			if (d != "" && (d !~ /^[0-9]+$/ || d < 1))
				fail(sprintf("line %d: wake_latency distance=%s, expected a positive integer", RL[r], d))
			wx += 0; wy += 0
			v = R[r, "value"] + 0
			h = R[r, "host"] SUBSEP R[r, "kernel"]
			g = h SUBSEP tg
			if (!(g in gseen)) { gseen[g] = 1; G[++ng] = g; GR[g] = r; GH[g] = h }
			if (!((h, "x", wx) in cpu)) { cpu[h, "x", wx] = 1; XS[h, ++nx[h]] = wx }
			if (!((h, "y", wy) in cpu)) { cpu[h, "y", wy] = 1; YS[h, ++ny[h]] = wy }
			c = g SUBSEP wx SUBSEP wy
			if (c in CV) {
				if (!ndup++) dupl = RL[r]
				continue
			}
			CV[c] = v
			if ((r, "waker_node") in PH) PNODE[h, wx] = PV[r, "waker_node"]
			if ((r, "wakee_node") in PH) PNODE[h, wy] = PV[r, "wakee_node"]
			C[g, ++nc[g]] = wx SUBSEP wy
			dk = d == "" ? "?" : d
			if (!((g, dk) in DC)) DL[g, ++nd[g]] = dk
			DC[g, dk]++
			if (!(g in vlo) || v < vlo[g]) vlo[g] = v
			if (!(g in vhi) || v > vhi[g]) vhi[g] = v
		}
		if (!nrow) {
			hm = ""
			for (k in have) hm = hm (hm == "" ? "" : " ") k
			fail(sprintf("no wake_latency rows with metric %s%s", met, hm == "" ? "" : " (it has: " hm ")"))
		}
		if (ndup)
			printf "plot.sh: %s: %d repeated wake_latency cell(s) ignored, the first at line %d (the first row wins)\n", src, ndup, dupl > "/dev/stderr"
		# CPU axes per host, shared by its targets
		for (gi = 1; gi <= ng; gi++) {
			h = GH[G[gi]]
			if (h in hdone)
				continue
			hdone[h] = 1
			for (i = 1; i <= nx[h]; i++) A[i] = XS[h, i]
			isort(A, nx[h])
			for (i = 1; i <= nx[h]; i++) { XI[h, A[i]] = i - 1; XO[h, i] = A[i] }
			for (i = 1; i <= ny[h]; i++) A[i] = YS[h, i]
			isort(A, ny[h])
			for (i = 1; i <= ny[h]; i++) { YI[h, A[i]] = i - 1; YO[h, i] = A[i] }
		}
		for (gi = 1; gi <= ng; gi++) {
			g = G[gi]; r = GR[g]; h = GH[g]
			split(g, gg, SUBSEP)
			base = figname("latency-matrix-" fname(R[r, "host"]) "-" fname(gg[3]))
			print base > (dir "/figs")
			dat = dir "/" base ".dat"; gp = dir "/" base ".gp"
			lo = vlo[g]; hi = vhi[g]
			logcb = lo > 0 && hi >= 10 * lo
			lab = nx[h] <= 16 && ny[h] <= 16
			# cells in DAT; value labels on dark cells (white) in DAT.1,
			# on light ones (black) in DAT.0
			printf "" > dat
			for (i = 1; i <= nc[g]; i++) {
				split(C[g, i], cc, SUBSEP)
				printf "%d %d %.8g\n", XI[h, cc[1]], YI[h, cc[2]], CV[g SUBSEP cc[1] SUBSEP cc[2]] >> dat
			}
			close(dat)
			nlab[0] = nlab[1] = 0
			for (dark = 1; dark >= 0 && lab; dark--) {
				lf = dat "." dark
				printf "" > lf
				for (i = 1; i <= nc[g]; i++) {
					split(C[g, i], cc, SUBSEP)
					v = CV[g SUBSEP cc[1] SUBSEP cc[2]]
					if (hi <= lo) f = 0.5
					else if (logcb) f = log(v / lo) / log(hi / lo)
					else f = (v - lo) / (hi - lo)
					if ((f < 0.45) != dark)
						continue
					printf "%d %d %s\n", XI[h, cc[1]], YI[h, cc[2]], nsfmt(v) >> lf
					nlab[dark]++
				}
				close(lf)
			}
			dist = ""
			for (i = 1; i <= nd[g]; i++) DS[i] = DL[g, i]
			isort(DS, nd[g])
			for (i = 1; i <= nd[g]; i++)
				dist = dist (i > 1 ? ", " : "") (DS[i] == "?" ? "not recorded" : DS[i]) " (" DC[g, DS[i]] " pair" (DC[g, DS[i]] > 1 ? "s" : "") ")"
			printf "set title \"Wake-up latency %s (%s), target %s: waker CPU x wakee CPU\\nhost %s, kernel %s, %s CPUs, %s node(s), SLIT %s\\nnode distances present: %s; %d of %d cells measured\" noenhanced\n", pct, met, gpstr(gg[3]), gpstr(R[r, "host"]), gpstr(R[r, "kernel"]), R[r, "cpus"], R[r, "nodes"], gpstr(R[r, "distances"]), dist, nc[g], nx[h] * ny[h] > gp
			printf "set xlabel \"waker CPU\"\nset ylabel \"wakee CPU\"\nset cblabel \"%s wake-up latency (ns%s)\"\n", pct, logcb ? ", log scale" : "" > gp
			printf "set xrange [-0.5:%g]\nset yrange [-0.5:%g]\nset tics scale 0\nunset key\n", nx[h] - 0.5, ny[h] - 0.5 > gp
			step = int((nx[h] + 31) / 32); tics = ""
			for (i = 1; i <= nx[h]; i += step)
				tics = tics (tics == "" ? "" : ", ") sprintf("\"%d\" %d", XO[h, i], i - 1)
			printf "set xtics (%s)\n", tics > gp
			if (nx[h] > 16)
				printf "set xtics rotate by -90\n" > gp
			step = int((ny[h] + 31) / 32); tics = ""
			for (i = 1; i <= ny[h]; i += step)
				tics = tics (tics == "" ? "" : ", ") sprintf("\"%d\" %d", YO[h, i], i - 1)
			printf "set ytics (%s)\n", tics > gp
			if (hi <= lo) { cl = lo - (lo < 0 ? -lo : lo) * 0.05 - (lo == 0); ch = hi + (hi < 0 ? -hi : hi) * 0.05 + (hi == 0) } else { cl = lo; ch = hi }
			printf "set cbrange [%.8g:%.8g]\n", cl, ch > gp
			if (logcb)
				printf "set logscale cb\n" > gp
			printf "set palette defined (0 \"#440154\", 1 \"#3b528b\", 2 \"#21918c\", 3 \"#5ec962\", 4 \"#fde725\")\n" > gp
			printf "set style fill solid 1.0 border lc rgb \"white\"\n" > gp
			plot = sprintf("\"%s\" using 1:2:(0.5):(0.5):3 with boxxyerror lc palette notitle", dat)
			fs = nx[h] <= 8 && ny[h] <= 8 ? 10 : 8
			if (lab && nlab[1])
				plot = plot sprintf(", \\\n     \"%s.1\" using 1:2:3 with labels tc rgb \"white\" font \",%d\" notitle", dat, fs)
			if (lab && nlab[0])
				plot = plot sprintf(", \\\n     \"%s.0\" using 1:2:3 with labels tc rgb \"black\" font \",%d\" notitle", dat, fs)
			printf "plot %s\n", plot > gp
			close(gp)
		}
		# node pairs: when the node of each CPU is known (waker_node= and
		# wakee_node= params, or host.txt beside bench.csv for its
		# host) and the measured pairs span two nodes or more
		if (hostf != "") {
			hh = ""
			while ((getline s < hostf) > 0) {
				if (s ~ /^Host:/) { hh = s; sub(/^Host:[ \t]*/, "", hh) }
				if (s !~ /^NUMA node[0-9]+ CPU\(s\):/)
					continue
				nd0 = s; sub(/^NUMA node/, "", nd0); sub(/ .*/, "", nd0)
				cl = s; sub(/^[^:]*:[ \t]*/, "", cl)
				nn = split(cl, CL, /[ ,]+/)
				for (i = 1; i <= nn; i++) {
					if (CL[i] ~ /^[0-9]+-[0-9]+$/) {
						split(CL[i], AB, "-")
						for (j = AB[1] + 0; j <= AB[2] + 0; j++) HNODE[j] = nd0 + 0
					} else if (CL[i] ~ /^[0-9]+$/)
						HNODE[CL[i] + 0] = nd0 + 0
				}
			}
			close(hostf)
		}
		for (gi = 1; gi <= ng; gi++) {
			g = G[gi]; r = GR[g]; h = GH[g]
			split(g, gg, SUBSEP)
			delete NV; delete NC; nnode = 0; delete NSEEN; unk = 0
			for (i = 1; i <= nc[g]; i++) {
				split(C[g, i], cc, SUBSEP)
				a = ((h, cc[1]) in PNODE) ? PNODE[h, cc[1]] : (hh == R[r, "host"] && (cc[1] + 0) in HNODE) ? HNODE[cc[1] + 0] : ""
				b = ((h, cc[2]) in PNODE) ? PNODE[h, cc[2]] : (hh == R[r, "host"] && (cc[2] + 0) in HNODE) ? HNODE[cc[2] + 0] : ""
				if (a == "" || b == "") { unk++; continue }
				NV[a, b] += CV[g SUBSEP cc[1] SUBSEP cc[2]]
				NC[a, b]++
				if (!(a in NSEEN)) { NSEEN[a] = 1; NL[++nnode] = a }
				if (!(b in NSEEN)) { NSEEN[b] = 1; NL[++nnode] = b }
			}
			if (nnode < 2)
				continue
			isort(NL, nnode)
			base = figname("latency-nodes-" fname(R[r, "host"]) "-" fname(gg[3]))
			print base > (dir "/figs")
			dat = dir "/" base ".dat"; gp = dir "/" base ".gp"
			printf "" > dat; printf "" > (dat ".l0"); printf "" > (dat ".l1")
			lo = -1; hi = 0; npair = 0
			for (i = 1; i <= nnode; i++)
				for (j = 1; j <= nnode; j++) {
					if (!NC[NL[i], NL[j]])
						continue
					v = NV[NL[i], NL[j]] / NC[NL[i], NL[j]]
					printf "%d %d %.8g\n", i - 1, j - 1, v >> dat
					if (lo < 0 || v < lo) lo = v
					if (v > hi) hi = v
					npair += NC[NL[i], NL[j]]
				}
			close(dat)
			# value labels: white on dark cells, black on light ones
			for (i = 1; i <= nnode; i++)
				for (j = 1; j <= nnode; j++) {
					if (!NC[NL[i], NL[j]])
						continue
					v = NV[NL[i], NL[j]] / NC[NL[i], NL[j]]
					fr = hi > lo ? (v - lo) / (hi - lo) : 0.5
					printf "%d %d \"%s\" \"%d pair%s\"\n", i - 1, j - 1, nsfmt(v), NC[NL[i], NL[j]], (NC[NL[i], NL[j]] > 1 ? "s" : "") >> (dat ".l" (fr < 0.45 ? 1 : 0))
				}
			close(dat ".l0"); close(dat ".l1")
			tics = ""
			for (i = 1; i <= nnode; i++)
				tics = tics (i > 1 ? ", " : "") sprintf("\"%s\" %d", NL[i], i - 1)
			printf "set title \"Wake-up latency %s (%s), target %s: waker node x wakee node\\nhost %s, kernel %s, %s CPUs, %s node(s), SLIT %s\\nmean of the %d measured CPU pairs'"'"' %s per node pair%s\" noenhanced\n", pct, met, gpstr(gg[3]), gpstr(R[r, "host"]), gpstr(R[r, "kernel"]), R[r, "cpus"], R[r, "nodes"], gpstr(R[r, "distances"]), npair, pct, unk ? sprintf(" (%d pair(s) on CPUs of unknown node left out)", unk) : "" > gp
			printf "set xlabel \"waker node\"\nset ylabel \"wakee node\"\nset cblabel \"mean %s wake-up latency (ns)\"\n", pct > gp
			printf "set xrange [-0.5:%g]\nset yrange [-0.5:%g]\nset xtics (%s)\nset ytics (%s)\nset tics scale 0\nunset key\n", nnode - 0.5, nnode - 0.5, tics, tics > gp
			if (hi <= lo) { cl = lo * 0.95 - (lo == 0); ch = hi * 1.05 + (hi == 0) } else { cl = lo; ch = hi }
			printf "set cbrange [%.8g:%.8g]\n", cl, ch > gp
			printf "set palette defined (0 \"#440154\", 1 \"#3b528b\", 2 \"#21918c\", 3 \"#5ec962\", 4 \"#fde725\")\n" > gp
			printf "set style fill solid 1.0 border lc rgb \"white\"\n" > gp
			printf "plot \"%s\" using 1:2:(0.5):(0.5):3 with boxxyerror lc palette notitle", dat > gp
			for (dark = 1; dark >= 0; dark--)
				printf ", \\\n     \"%s.l%d\" using 1:2:3 with labels offset 0,0.5 tc rgb \"%s\" font \",12\" notitle, \\\n     \"%s.l%d\" using 1:2:4 with labels offset 0,-0.6 tc rgb \"%s\" font \",9\" notitle", dat, dark, dark ? "white" : "black", dat, dark, dark ? "white" : "black" > gp
			printf "\n" > gp
			close(gp)
		}
	}' "$csv" || exit 1
	render_all
}

plot_validation() {
	# Per kind (throughput ratios, latency percentiles): measured against
	# predicted, one point per row coloured by status, over the y = x line
	# and the bands of +-15% and +-25% error; the points are labelled,
	# largest error first, up to FX_PLOT_LABELS (default 24, or "all"),
	# leaving out labels that would overlap.
	nlabels=${FX_PLOT_LABELS:-24}
	case $nlabels in
	all) ;;
	''|*[!0-9]*) die "FX_PLOT_LABELS=$nlabels: expected a number of labels or \"all\"" ;;
	esac
	awk -v src="$csv" -v dir="$work" -v maxlab="$nlabels" "$AWK_LIB"'
	function col(c, r) {
		return (c in CI) ? V[r, CI[c]] : ""
	}
	function vnum(r, c,    v) {
		v = col(c, r)
		if (v ~ /^[-+]?(nan|inf)$/ || v == "")
			return "nan"
		if (v !~ /^[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$/)
			fail(sprintf("line %d: %s is \"%s\", expected a number", RL[r], c, v))
		return v + 0
	}
	function vrank(v) {
		return v ~ /^(PASS|pass|ok|OK)$/ ? 0 : v ~ /^(MISS|miss|FAIL|fail)$/ ? 1 : v ~ /^(info|INFO)$/ ? 2 : 3
	}
	function vcolour(v, i) {
		if (vrank(v) == 0) return "#228833"
		if (vrank(v) == 1) return "#cc3311"
		if (vrank(v) == 2) return "#4477aa"
		return i % 2 ? "#aa3377" : "#777777"
	}
	function mtype(k, met) {
		if (nmet[k] < 2) return 7
		return met ~ /p50/ ? 7 : met ~ /p90/ ? 9 : met ~ /p99/ ? 5 : 13
	}
	# "a=1;b=2 / a=0;b=2" (a ratio: numerator / denominator) as
	# "a=1;b=2 / a=0": the denominator keeps what differs
	function shortscen(s,    i, sn, sd, N, D, nn, nd, j, seen, out) {
		i = index(s, " / ")
		if (!i)
			return s
		sn = substr(s, 1, i - 1); sd = substr(s, i + 3)
		nn = split(sn, N, ";"); nd = split(sd, D, ";")
		for (j = 1; j <= nn; j++)
			seen[N[j]] = 1
		out = ""
		for (j = 1; j <= nd; j++)
			if (!(D[j] in seen))
				out = out (out == "" ? "" : ";") D[j]
		return out == "" ? s : sn " / " out
	}
	function mshort(met,    s) {
		s = met
		if (s ~ /^lat_p[0-9]+_ns$/) { sub(/^lat_/, "", s); sub(/_ns$/, "", s) }
		return s
	}
	{
		s = $0
		sub(/\r$/, "", s)
		if (s ~ /^#/ || s ~ /^[ \t]*$/)
			next
		n = csvsplit(s, F)
		if (!NCOL) {
			for (i = 1; i <= n; i++)
				CI[F[i]] = i
			miss = ""
			if (!("measured" in CI)) miss = miss " measured"
			if (!("predicted" in CI)) miss = miss " predicted"
			if (!("kind" in CI) && !("metric" in CI)) miss = miss " metric"
			if (!("name" in CI) && !("scenario" in CI)) miss = miss " scenario"
			if (miss != "")
				fail(sprintf("line %d: not the header of a futexsim validate CSV: no column%s (the header is %s)", NR, miss, s))
			NCOL = n
			next
		}
		if (n != NCOL)
			fail(sprintf("line %d: %d fields, expected %d as in the header%s", NR, n, NCOL, n < 0 ? " (a quote is not closed)" : ""))
		r = ++NROW
		RL[r] = NR
		for (i = 1; i <= n; i++)
			V[r, i] = F[i]
	}
	END {
		if (failed)
			exit 3
		if (!NCOL)
			fail("no header line: not a futexsim validate CSV")
		if (!NROW)
			fail("no data rows (nothing was compared)")
		for (r = 1; r <= NROW; r++) {
			m = vnum(r, "measured"); p = vnum(r, "predicted")
			e = ("error_pct" in CI) ? vnum(r, "error_pct") : "nan"
			if ("target_pct" in CI) vnum(r, "target_pct")
			met = col("metric", r)
			k = col("kind", r)
			if (k == "")
				k = met ~ /^lat_/ ? "latency" : "throughput"
			vd = ("verdict" in CI) ? col("verdict", r) : col("status", r)
			if (m == "nan" || p == "nan") {
				if (!nna++) nal = RL[r]
				continue
			}
			if (e == "nan" && m != 0)
				e = (p - m) / m * 100
			if (!(k in kseen)) { kseen[k] = 1; K[++nk] = k; KR[k] = r }
			i = ++np[k]
			PM[k, i] = m; PP[k, i] = p; PE[k, i] = e
			# the label: the name, or group and scenario (and the
			# metric, added below when the kind has several)
			lab = col("name", r)
			if (lab == "") {
				lab = shortscen(col("scenario", r))
				if (col("group", r) != "")
					lab = col("group", r) " " lab
			}
			if (length(lab) > 56)
				lab = substr(lab, 1, 53) "..."
			PL[k, i] = lab
			PT[k, i] = met
			if (!((k, met) in mseen)) { mseen[k, met] = 1; ML[k, ++nmet[k]] = met }
			if (vd == "") vd = "-"
			PV[k, i] = vd
			if (!((k, vd) in vseen)) { vseen[k, vd] = 1; VL[k, ++nv[k]] = vd }
			VC[k, vd]++
			if (!(k in lo) || m < lo[k]) lo[k] = m
			if (p < lo[k]) lo[k] = p
			if (!(k in hi) || m > hi[k]) hi[k] = m
			if (p > hi[k]) hi[k] = p
			if (e != "nan") {
				a = e < 0 ? -e : e
				if (a <= 15) in15[k]++
				if (a <= 25) in25[k]++
			}
		}
		if (!nk)
			fail(sprintf("no row has both a measured and a predicted figure (%d without)", nna))
		if (nna)
			printf "plot.sh: %s: %d row(s) without a measured or predicted figure (status n/a) left out, the first at line %d\n", src, nna, nal > "/dev/stderr"
		isort(K, nk)
		for (ki = 1; ki <= nk; ki++) {
			k = K[ki]; r = KR[k]
			base = "validation-" fname(k)
			print base > (dir "/figs")
			dat = dir "/" base ".dat"; gp = dir "/" base ".gp"
			logxy = lo[k] > 0 && hi[k] >= 10 * lo[k]
			if (logxy) {
				a = lo[k] / 1.5; b = hi[k] * 1.5
			} else if (lo[k] > 0) {
				a = lo[k] * 0.8; b = hi[k] * 1.2
			} else {
				a = lo[k] - 0.1 * (hi[k] - lo[k]) - (hi[k] == lo[k]); b = hi[k] + 0.1 * (hi[k] - lo[k]) + (hi[k] == lo[k])
			}
			# labels: greedily, largest error first, at most maxlab;
			# each to the right of its point, else to the left, else
			# left out when it would overlap one placed already
			# (positions as fractions of the square plot, a label
			# about 0.011 per character wide and 0.026 high; with
			# FX_PLOT_LABELS=all every point, overlapping or not)
			for (j = 1; j <= np[k]; j++) {
				LB[j] = 0
				ER[j] = PE[k, j] == "nan" ? 1e300 : (PE[k, j] < 0 ? -PE[k, j] : PE[k, j])
				lab = PL[k, j]
				if (nmet[k] > 1 && PT[k, j] != "")
					lab = lab " " mshort(PT[k, j])
				if (PE[k, j] != "nan")
					lab = lab sprintf(" (%+.0f%%)", PE[k, j])
				gsub(/[\t\n]/, " ", lab)
				LT[j] = lab
				if (logxy) {
					LX[j] = log(PP[k, j] / a) / log(b / a); LY[j] = log(PM[k, j] / a) / log(b / a)
				} else {
					LX[j] = (PP[k, j] - a) / (b - a); LY[j] = (PM[k, j] - a) / (b - a)
				}
			}
			nl = 0; nacc = 0
			for (c = 0; c < np[k] && (maxlab == "all" || nl < maxlab + 0); c++) {
				bj = 0
				for (j = 1; j <= np[k]; j++)
					if (!LB[j] && (!bj || ER[j] > ER[bj]))
						bj = j
				LB[bj] = 2
				w = 0.02 + 0.011 * length(LT[bj])
				for (side = 1; side >= -1; side -= 2) {
					x0 = side > 0 ? LX[bj] : LX[bj] - w
					x1 = side > 0 ? LX[bj] + w : LX[bj]
					if (side < 0 && x0 < 0)
						continue
					ok = 1
					for (q = 1; q <= nacc && ok && maxlab != "all"; q++) {
						dy = LY[bj] - AY[q]
						if (dy < 0.026 && dy > -0.026 && x0 < AX1[q] && AX0[q] < x1)
							ok = 0
					}
					if (ok)
						break
				}
				if (!ok)
					continue
				nacc++
				AX0[nacc] = x0; AX1[nacc] = x1; AY[nacc] = LY[bj]
				LB[bj] = side
				nl++
			}
			# one block per status (PASS, MISS, info, then the rest),
			# then one of the labels
			mv = nv[k]
			for (i = 1; i <= mv; i++) VS[i] = VL[k, i]
			for (i = 1; i <= mv; i++) {
				j = i
				for (jj = i + 1; jj <= mv; jj++)
					if (vrank(VS[jj]) < vrank(VS[j]) || (vrank(VS[jj]) == vrank(VS[j]) && VS[jj] < VS[j]))
						j = jj
				tmp = VS[i]; VS[i] = VS[j]; VS[j] = tmp
			}
			printf "" > dat
			plot = ""; keys = ""
			for (i = 1; i <= mv; i++) {
				vd = VS[i]
				for (j = 1; j <= np[k]; j++)
					if (PV[k, j] == vd)
						printf "%.10g\t%.10g\t%d\n", PP[k, j], PM[k, j], mtype(k, PT[k, j]) >> dat
				printf "\n\n" >> dat
				plot = plot sprintf(", \\\n     \"%s\" index %d using 1:2:3 with points pt variable ps 1.5 lw 2 lc rgb \"%s\" notitle", dat, i - 1, vcolour(vd, i))
				keys = keys sprintf(", \\\n     NaN with points pt 7 ps 1.5 lc rgb \"%s\" title \"%s (%d)\"", vcolour(vd, i), gpstr(vd), VC[k, vd])
			}
			for (side = 1; side >= -1; side -= 2) {
				nside[side] = 0
				for (j = 1; j <= np[k]; j++)
					if (LB[j] == side) {
						printf "%.10g\t%.10g\t%s\n", PP[k, j], PM[k, j], LT[j] >> dat
						nside[side]++
					}
				printf "\n\n" >> dat
			}
			close(dat)
			if (nside[1])
				plot = plot sprintf(", \\\n     \"%s\" index %d using 1:2:3 with labels left offset char 0.9,0.45 font \",8\" tc rgb \"#404040\" noenhanced notitle", dat, mv)
			if (nside[-1])
				plot = plot sprintf(", \\\n     \"%s\" index %d using 1:2:3 with labels right offset char -0.9,0.45 font \",8\" tc rgb \"#404040\" noenhanced notitle", dat, mv + 1)
			if (nmet[k] > 1) {
				for (j = 1; j <= nmet[k]; j++) MS[j] = ML[k, j]
				isort(MS, nmet[k])
				for (j = 1; j <= nmet[k]; j++)
					keys = keys sprintf(", \\\n     NaN with points pt %d ps 1.5 lw 2 lc rgb \"gray30\" title \"%s\"", mtype(k, MS[j]), gpstr(MS[j] == "" ? "(no metric)" : MS[j]))
			}
			desc = k == "throughput" ? "throughput ratios" : k == "latency" ? "wake-up latency percentiles (ns)" : k
			on = col("host", r) == "" ? "" : "host " col("host", r) (col("kernel", r) == "" ? "" : ", kernel " col("kernel", r))
			if (col("topology", r) != "")
				on = on (on == "" ? "" : "; ") "simulated on " col("topology", r)
			lnote = np[k] > nl ? sprintf("; %d labelled (largest errors first, no overlaps)", nl) : ""
			printf "set title \"Validation: %s, measured (live kernel) against predicted (futexsim)\\n%s%s%d row(s): %d within +-15%%, %d within +-25%% of measured%s\" noenhanced\n", gpstr(desc), gpstr(on), on == "" ? "" : "\\n", np[k], in15[k], in25[k], lnote > gp
			printf "set datafile separator \"\\t\"\nset datafile commentschars \"\"\n" > gp
			unit = k == "latency" ? "ns" : k == "throughput" ? "ratio" : ""
			unit = unit (logxy ? (unit == "" ? "" : ", ") "log scale" : "")
			printf "set xlabel \"predicted by futexsim%s\"\nset ylabel \"measured on the live kernel%s\"\n", unit == "" ? "" : " (" unit ")", unit == "" ? "" : " (" unit ")" > gp
			if (logxy) {
				# tics at 1, 2, 5 x 10^d (10^d only over more than 4 decades)
				d0 = int(log(a) / log(10)) - 1; d1 = int(log(b) / log(10)) + 1
				nm = d1 - d0 > 5 ? 1 : 3
				tics = ""
				for (d = d0; d <= d1; d++)
					for (mi = 1; mi <= nm; mi++) {
						v = (mi == 1 ? 1 : mi == 2 ? 2 : 5) * 10 ^ d
						if (v >= a && v <= b)
							tics = tics (tics == "" ? "" : ", ") sprintf("\"%g\" %.10g", v, v)
					}
				printf "set logscale xy\n" > gp
				if (tics != "")
					printf "set xtics (%s)\nset ytics (%s)\n", tics, tics > gp
			}
			printf "set xrange [%.10g:%.10g]\nset yrange [%.10g:%.10g]\nset size square\nset samples 200\n", a, b, a, b > gp
			printf "set grid\nset key outside right bottom noenhanced\nset style fill transparent solid 0.35 noborder\n" > gp
			printf "plot \"+\" using 1:($1/1.25):($1/0.75) with filledcurves lc rgb \"#9ecae1\" title \"|error| <= 25%%\", \\\n" > gp
			printf "     \"+\" using 1:($1/1.15):($1/0.85) with filledcurves lc rgb \"#6baed6\" title \"|error| <= 15%%\", \\\n" > gp
			printf "     \"+\" using 1:1 with lines lw 1.5 dt 2 lc rgb \"black\" title \"measured = predicted\"%s%s\n", plot, keys > gp
			close(gp)
		}
	}' "$csv" || exit 1
	render_all
}

# ---- trace-collisions: collision rate per hasher x layout, per trace ----
plot_trace_collisions() {
	old_ifs=$IFS
	IFS='
'
	set -f
	# shellcheck disable=SC2086
	set -- $tc_inputs
	IFS=$old_ifs
	set +f
	awk -v dir="$work" "$AWK_LIB"'
	function tname(s) {
		sub(/.*\//, "", s)
		sub(/\.(fxt|trace|txt)$/, "", s)
		return s
	}
	function isnum(v) {
		return v ~ /^[-+]?(nan|inf)$/ || v ~ /^[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$/
	}
	function addto(A, N, v) {
		if (!((N, v) in A)) { A[N, v] = ++A[N]; A[N, "v", A[N]] = v }
	}
	FNR == 1 { src = FILENAME; NC = 0 }
	{
		s = $0
		sub(/\r$/, "", s)
		if (s ~ /^#/ || s ~ /^[ \t]*$/)
			next
		n = csvsplit(s, F)
		if (!NC) {
			for (i = 1; i <= n; i++)
				P[F[i]] = i
			nn = split("trace hasher layout slots cpus nodes calls locked_ops collision_rate", NEED, " ")
			for (i = 1; i <= nn; i++)
				if (!(NEED[i] in P))
					fail(sprintf("line %d: not the header of a futexsim trace replay CSV: no column \"%s\"", FNR, NEED[i]))
			NC = n
			for (i = 1; i <= n; i++)
				COL[src, i] = F[i]
			next
		}
		if (n != NC)
			fail(sprintf("line %d: %d fields, expected %d as in the header%s", FNR, n, NC, n < 0 ? " (a quote is not closed)" : ""))
		for (i = 1; i <= n; i++)
			V[COL[src, i]] = F[i]
		for (i = 2; i <= nn; i++)
			if (i >= 5 && !isnum(V[NEED[i]]))
				fail(sprintf("line %d: column %s is \"%s\", expected a number", FNR, NEED[i], V[NEED[i]]))
		t = tname(V["trace"])
		if (("copies" in P) && V["copies"] != "1" && V["copies"] != "")
			t = t " x" V["copies"]
		if (t == "" || V["hasher"] == "" || V["layout"] == "")
			fail(sprintf("line %d: empty trace, hasher or layout", FNR))
		slots = V["slots"]
		if (slots !~ /^[0-9]+$/)
			fail(sprintf("line %d: column slots is \"%s\", expected an integer", FNR, slots))
		k = t SUBSEP V["layout"] SUBSEP V["hasher"] SUBSEP slots
		if (k in WHERE)
			fail(sprintf("line %d: trace %s, %s/%s, slots %s again (first at %s)", FNR, t, V["layout"], V["hasher"], slots, WHERE[k]))
		WHERE[k] = src ":" FNR
		rate = V["collision_rate"]
		RATE[k] = rate ~ /nan|inf/ ? "NaN" : rate + 0
		addto(TR, "n", t); addto(LY, "n", V["layout"]); addto(HS, "n", V["hasher"]); addto(SL, "n", slots)
		if (!(t in TCPU)) { TCPU[t] = V["cpus"]; TCALLS[t] = V["calls"]; TNODE[t] = V["nodes"] }
		HAVE[V["layout"], V["hasher"], slots] = 1
		rows++
	}
	END {
		if (failed)
			exit 3
		if (!rows) {
			src = "the input"
			fail("no data rows in any replay CSV")
		}
		# bars: layout, then hasher, then slots, in first-seen order
		nb = 0
		for (li = 1; li <= LY["n"]; li++)
			for (hi = 1; hi <= HS["n"]; hi++)
				for (si = 1; si <= SL["n"]; si++) {
					l = LY["n", "v", li]; h = HS["n", "v", hi]; s = SL["n", "v", si]
					if (!((l, h, s) in HAVE))
						continue
					nb++
					BL[nb] = l; BH[nb] = h; BS[nb] = s
					BT[nb] = l "/" h (SL["n"] > 1 ? "/" (s == 0 ? "kernel size" : s " slots") : "")
					# hue per layout, lighter per hasher
					split("31 119 180|255 127 14|44 160 44|148 103 189|214 39 40|140 86 75", HUE, "|")
					split(HUE[(li - 1) % 6 + 1], RGB, " ")
					f = (hi - 1) / (HS["n"] + 0.5)
					BC[nb] = sprintf("#%02x%02x%02x", RGB[1] + (255 - RGB[1]) * f, RGB[2] + (255 - RGB[2]) * f, RGB[3] + (255 - RGB[3]) * f)
				}
		out = dir "/tc.dat"
		for (ti = 1; ti <= TR["n"]; ti++) {
			t = TR["n", "v", ti]
			line = "\"" t "\""
			for (b = 1; b <= nb; b++) {
				k = t SUBSEP BL[b] SUBSEP BH[b] SUBSEP BS[b]
				line = line " " ((k in RATE) ? RATE[k] : "NaN")
			}
			print line > out
		}
		close(out)
		gp = dir "/trace-collisions.gp"
		tl = ""
		for (ti = 1; ti <= TR["n"] && ti <= 6; ti++)
			tl = tl (ti > 1 ? "; " : "") TR["n", "v", ti] ": " TCALLS[TR["n", "v", ti]] " calls, " TCPU[TR["n", "v", ti]] " CPUs, " TNODE[TR["n", "v", ti]] " node(s)"
		if (TR["n"] > 6)
			tl = tl "; ..."
		printf "set title \"Op collision rate in the open-loop replay of each trace, per layout/hasher\\n(collided / bucket-locked ops; %d trace(s), %d configuration(s))\\n%s\" noenhanced\n", TR["n"], nb, gpstr(tl) > gp
		printf "set xlabel \"trace\"\nset ylabel \"op collision rate (fraction of bucket-locked ops)\"\nset yrange [0:*]\nset grid ytics\n" > gp
		printf "set key outside right top noenhanced\nset style data histograms\nset style histogram clustered gap 1\n" > gp
		printf "set style fill solid 0.9 border -1\nset boxwidth 0.9\nset xtics noenhanced rotate by -25\nset bmargin 5\n" > gp
		printf "plot" > gp
		for (b = 1; b <= nb; b++)
			printf "%s \"%s\" using %d:xtic(1) lc rgb \"%s\" title \"%s\"", (b > 1 ? "," : ""), out, b + 1, BC[b], gpstr(BT[b]) > gp
		printf "\n" > gp
		close(gp)
		print "trace-collisions" > (dir "/figs")
	}' "$@" || exit 1
	render_all
}

# ---- trace-occupancy: threads blocked in a wait over time, from stats --json ----
plot_trace_occupancy() {
	name=$(basename "$csv")
	name=${name%.json}
	name=${name%.stats}
	name=$(printf '%s' "$name" | sed 's/[^A-Za-z0-9._-][^A-Za-z0-9._-]*/_/g' | cut -c1-48)
	[ -n "$name" ] || name=trace
	awk -v src="$csv" -v dir="$work" -v name="$name" "$AWK_LIB"'
	{ jtokline($0) }
	function need(p, what,    v) {
		if (!(p in JV) || JT[p] != "n" || JV[p] !~ /^-?[0-9]/)
			fail(sprintf("not the JSON of futexsim trace stats: %s (\"%s\") missing or not a number", what, substr(p, 2)))
		return JV[p] + 0
	}
	END {
		if (failed)
			exit 3
		jparse()
		if (!(("" ) in JOBJ))
			fail("not the JSON of futexsim trace stats: not an object")
		calls = need(".calls", "calls")
		t0 = need(".t0_ns", "t0_ns"); t1 = need(".t_end_ns", "t_end_ns")
		nbk = need(".waiters_series.buckets", "waiters_series.buckets")
		maxw = need(".max_waiters", "max_waiters"); meanw = need(".mean_waiters", "mean_waiters")
		waits = need(".waits", "waits"); blocked = need(".waits_blocked", "waits_blocked")
		if (nbk < 1 || JLEN[".waiters_series.mean"] != nbk || JLEN[".waiters_series.max"] != nbk)
			fail(sprintf("waiters_series: %d buckets, but %d means and %d maxima", nbk, JLEN[".waiters_series.mean"], JLEN[".waiters_series.max"]))
		if (t1 <= t0)
			fail(sprintf("the trace spans no time (t0_ns %d, t_end_ns %d): nothing to plot over time", t0, t1))
		w = (t1 - t0) / nbk / 1e9
		out = dir "/occ.dat"
		for (i = 0; i < nbk; i++) {
			m = need(".waiters_series.mean." i, "waiters_series.mean[" i "]")
			x = need(".waiters_series.max." i, "waiters_series.max[" i "]")
			if (m < 0 || x < m - 1e-6)
				fail(sprintf("waiters_series bucket %d: mean %g, max %g", i, m, x))
			printf "%.9g %.9g %.9g\n", (i + 0.5) * w, m, x > out
		}
		close(out)
		base = "trace-waiters-" name
		gp = dir "/" base ".gp"
		printf "set title \"Threads blocked in a futex wait over time: %s\\n%d calls, %d waits (%d blocked); waiters max %d, time mean %.3g; %d buckets of %.3g ms\\n(the trace'"'"'s own waiters, from trace stats; replay-series plots the bucket occupancy of a replay)\" noenhanced\n", \
			gpstr(name), calls, waits, blocked, maxw, meanw, nbk, w * 1000 > gp
		printf "set xlabel \"time since the first record (s)\"\nset ylabel \"threads blocked in a wait\"\n" > gp
		printf "set xrange [0:%.9g]\nset yrange [0:%g]\nset grid\nset key outside right top noenhanced\n", w * nbk, (maxw < 1 ? 1 : maxw * 1.15) > gp
		printf "plot \"%s\" using 1:3 with histeps lw 2 dt 2 lc rgb \"#d62728\" title \"max in bucket\", \\\n", out > gp
		printf "     \"%s\" using 1:2 with histeps lw 2 lc rgb \"#1f77b4\" title \"mean in bucket\", \\\n", out > gp
		printf "     %.9g with lines lw 1 dt 3 lc rgb \"black\" title \"mean over the trace\"\n", meanw > gp
		close(gp)
		print base > (dir "/figs")
	}' "$csv" || exit 1
	render_all
}


# ---- "futexsim trace replay" CSVs: collision rate vs slots, occupancy ----
#
# replay_line(s, need)  one line of a replay CSV (or of a --series CSV):
#                   the header must hold the (space-separated) columns of
#                   need, found by name; each row is stored as R[row, col]
#                   (NR_ROWS rows, RL[row] its line), its trace name in
#                   R[row, "name"]; "#" lines are kept in PROV (the first)
# rnum(r, c)        column c of row r: a number, or "nan"
# tname(s)          the trace column without its directory and suffix
AWK_REPLAY='
function tname(s) {
	sub(/.*\//, "", s)
	sub(/\.(fxt|trace|txt)$/, "", s)
	return s
}
function replay_line(s, need,    n, i, F, nn, NEED) {
	sub(/\r$/, "", s)
	if (s ~ /^#/) {
		if (PROV == "")
			PROV = substr(s, 3)
		return
	}
	if (s ~ /^[ \t]*$/)
		return
	n = csvsplit(s, F)
	if (!NCOL) {
		for (i = 1; i <= n; i++) {
			COLN[i] = F[i]
			HAVEC[F[i]] = 1
		}
		nn = split(need, NEED, " ")
		for (i = 1; i <= nn; i++)
			if (!(NEED[i] in HAVEC))
				fail(sprintf("line %d: not the header of a %s: no column \"%s\" (needed: %s)", NR, what, NEED[i], need))
		NCOL = n
		return
	}
	if (n != NCOL)
		fail(sprintf("line %d: %d fields, expected %d as in the header%s", NR, n, NCOL, n < 0 ? " (a quote is not closed)" : ""))
	NR_ROWS++
	RL[NR_ROWS] = NR
	for (i = 1; i <= n; i++)
		R[NR_ROWS, COLN[i]] = F[i]
	R[NR_ROWS, "name"] = tname(R[NR_ROWS, "trace"])
	# a replay of several copies of the trace is a trace of its own
	if (("copies" in HAVEC) && R[NR_ROWS, "copies"] != "1" && R[NR_ROWS, "copies"] != "")
		R[NR_ROWS, "name"] = R[NR_ROWS, "name"] " x" R[NR_ROWS, "copies"]
	if (R[NR_ROWS, "name"] == "" || R[NR_ROWS, "hasher"] == "" || R[NR_ROWS, "layout"] == "")
		fail(sprintf("line %d: empty trace, hasher or layout", NR))
	if (R[NR_ROWS, "slots"] !~ /^[0-9]+$/)
		fail(sprintf("line %d: column slots is \"%s\", expected an integer >= 0", NR, R[NR_ROWS, "slots"]))
}
function rnum(r, c,    v) {
	v = R[r, c]
	if (v ~ /^[-+]?(nan|inf)$/)
		return "nan"
	if (v !~ /^[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$/)
		fail(sprintf("line %d: column %s is \"%s\", expected a number", RL[r], c, v))
	return v + 0
}
function replay_end() {
	input_end(what)
}
function slotname(s) {
	return s == 0 ? "kernel size" : s " slots"
}
'
REPLAY_NEED='trace hasher layout slots cpus nodes hash_seed calls locked_ops collision_rate walked_mean keys samples keys_per_bucket exp_keys_per_bucket'

plot_replay_rate() {
	# Per trace and layout: collision rate against the table size (log2),
	# one line per hasher; slots=0 (the kernel's own size) a dashed line.
	awk -v src="$csv" -v dir="$work" -v need="$REPLAY_NEED" \
		-v what="futexsim trace replay CSV" "$AWK_LIB$AWK_REPLAY"'
	{ replay_line($0, need) }
	END {
		replay_end()
		for (r = 1; r <= NR_ROWS; r++) {
			rate = rnum(r, "collision_rate"); rnum(r, "cpus"); rnum(r, "nodes"); rnum(r, "calls")
			t = R[r, "name"]; l = R[r, "layout"]; h = R[r, "hasher"]; s = R[r, "slots"] + 0
			g = t SUBSEP l
			k = g SUBSEP h SUBSEP s
			if (k in WHERE)
				fail(sprintf("line %d: trace %s, %s/%s, %s again (first at line %d)", RL[r], t, l, h, slotname(s), WHERE[k]))
			WHERE[k] = RL[r]
			if (!(g in gseen)) { gseen[g] = 1; G[++ng] = g; GR[g] = r }
			if (!((g, h) in hseen)) { hseen[g, h] = 1; H[g, ++nh[g]] = h }
			if (rate == "nan")
				continue
			V[k] = rate
			if (s == 0)
				continue
			if (!((g, h, "n") in NS)) NS[g, h, "n"] = 0
			S[g, h, ++NS[g, h, "n"]] = s
			if (!(g in slo) || s < slo[g]) slo[g] = s
			if (s > shi[g]) shi[g] = s
			if (!((g, s) in sx)) { sx[g, s] = 1; SX[g, ++nsx[g]] = s }
			cf = R[r, "cpus"] " CPUs, " R[r, "nodes"] " node(s), hash seed " R[r, "hash_seed"] ", " R[r, "calls"] " calls replayed"
			if ((g in CFG) && CFG[g] != cf) CFGX[g] = 1
			CFG[g] = cf
		}
		for (gi = 1; gi <= ng; gi++)
			if (nsx[G[gi]])
				nfig++
		if (!nfig)
			fail("no row with a table size other than 0 (the kernel size) and a collision rate: no table-size sweep to plot (run trace replay with --slots 16,64,...)")
		for (gi = 1; gi <= ng; gi++) {
			g = G[gi]; r = GR[g]
			if (!nsx[g]) {
				printf "plot.sh: %s: trace %s, layout %s has no table-size sweep (only the kernel size): left out\n", src, R[r, "name"], R[r, "layout"] > "/dev/stderr"
				continue
			}
			base = figname("replay-rate-" fname(R[r, "name"]) "-" fname(R[r, "layout"]))
			print base > (dir "/figs")
			dat = dir "/" base ".dat"; gp = dir "/" base ".gp"
			printf "" > dat
			xa = slo[g] / 1.5; xb = shi[g] * 1.5
			plot = ""; blk = 0
			for (i = 1; i <= nh[g]; i++) {
				h = H[g, i]
				c = NS[g, h, "n"] + 0
				if (c) {
					for (j = 1; j <= c; j++) SS[j] = S[g, h, j]
					isort(SS, c)
					for (j = 1; j <= c; j++)
						printf "%d %.8g\n", SS[j], V[g SUBSEP h SUBSEP SS[j]] >> dat
					printf "\n\n" >> dat
					plot = plot (plot == "" ? "" : ", \\\n     ") sprintf("\"%s\" index %d using 1:2 with linespoints lw 2 pt %d ps 1.3 lc %d title \"%s\"", dat, blk++, 5 + 2 * ((i - 1) % 4), i, gpstr(h))
				}
				if ((g SUBSEP h SUBSEP 0) in V) {
					printf "%.8g %.8g\n%.8g %.8g\n\n\n", xa, V[g SUBSEP h SUBSEP 0], xb, V[g SUBSEP h SUBSEP 0] >> dat
					plot = plot (plot == "" ? "" : ", \\\n     ") sprintf("\"%s\" index %d using 1:2 with lines lw 2 dt 2 lc %d title \"%s: kernel size (slots=0)\"", dat, blk++, i, gpstr(h))
				}
			}
			close(dat)
			c = nsx[g]
			for (j = 1; j <= c; j++) SS[j] = SX[g, j]
			isort(SS, c)
			tics = ""
			for (j = 1; j <= c; j++)
				tics = tics (j > 1 ? ", " : "") sprintf("\"%d\" %d", SS[j], SS[j])
			printf "set title \"Op collision rate vs table size in the open-loop replay\\ntrace %s, layout %s\\n%s\" noenhanced\n", gpstr(R[r, "name"]), gpstr(R[r, "layout"]), CFGX[g] ? "configurations differ in CPUs, nodes or seed" : gpstr(CFG[g]) > gp
			printf "set xlabel \"table size (buckets: private-hash slots or global table size; log2 scale)\"\n" > gp
			printf "set ylabel \"op collision rate (fraction of bucket-locked ops)\"\n" > gp
			printf "set logscale x 2\nset xrange [%g:%g]\nset xtics (%s)\n", xa, xb, tics > gp
			printf "set yrange [0:*]\nset grid\nset key outside right top noenhanced\n" > gp
			printf "plot %s\n", plot > gp
			close(gp)
		}
	}' "$csv" || exit 1
	render_all
}

plot_replay_occupancy() {
	# Per trace: keys per non-empty bucket (mean over the occupancy
	# samples) of each layout x table size (groups) and hasher (bars),
	# against the ideal random hash (a black line over each bar).
	awk -v src="$csv" -v dir="$work" -v need="$REPLAY_NEED" \
		-v what="futexsim trace replay CSV" "$AWK_LIB$AWK_REPLAY"'
	{ replay_line($0, need) }
	END {
		replay_end()
		for (r = 1; r <= NR_ROWS; r++) {
			kpb = rnum(r, "keys_per_bucket"); ex = rnum(r, "exp_keys_per_bucket")
			smp = rnum(r, "samples")
			t = R[r, "name"]; l = R[r, "layout"]; h = R[r, "hasher"]; s = R[r, "slots"] + 0
			k = t SUBSEP l SUBSEP s SUBSEP h
			if (k in WHERE)
				fail(sprintf("line %d: trace %s, %s/%s, %s again (first at line %d)", RL[r], t, l, h, slotname(s), WHERE[k]))
			WHERE[k] = RL[r]
			if (kpb == "nan" || ex == "nan") {
				nnan++
				continue
			}
			if (!(t in tseen)) { tseen[t] = 1; T[++nt] = t; TR[t] = r }
			gk = l SUBSEP sprintf("%012d", s)
			if (!((t, gk) in gseen)) { gseen[t, gk] = 1; GK[t, ++ngk[t]] = gk }
			if (!((t, h) in hseen)) { hseen[t, h] = 1; H[t, ++nh[t]] = h }
			KPB[k] = kpb; EXP[k] = ex
			if (kpb > hi[t]) hi[t] = kpb
			if (ex > hi[t]) hi[t] = ex
			if ((t in SMP) && SMP[t] != smp) SMPX[t] = 1
			SMP[t] = smp
		}
		if (!nt)
			fail("no row has occupancy samples (keys_per_bucket is nan everywhere: no waiter was queued at a sample)")
		if (nnan)
			printf "plot.sh: %s: %d row(s) without occupancy samples (keys_per_bucket nan) left out\n", src, nnan > "/dev/stderr"
		for (ti = 1; ti <= nt; ti++) {
			t = T[ti]; r = TR[t]
			base = figname("replay-occ-" fname(t))
			print base > (dir "/figs")
			dat = dir "/" base ".dat"; gp = dir "/" base ".gp"
			m = ngk[t]
			for (i = 1; i <= m; i++) GS[i] = GK[t, i]
			# layouts in first-seen order, sizes ascending within
			for (i = 1; i <= m; i++) {
				split(GS[i], a, SUBSEP)
				LO[a[1]] = LO[a[1]] ? LO[a[1]] : ++nlo[t]
			}
			for (i = 2; i <= m; i++) {
				v = GS[i]
				for (j = i - 1; j >= 1 && gless(v, GS[j]); j--)
					GS[j + 1] = GS[j]
				GS[j + 1] = v
			}
			nb = nh[t]
			printf "" > dat
			plot = ""; tics = ""
			for (i = 1; i <= m; i++) {
				split(GS[i], a, SUBSEP)
				x = (i - 1) * (nb + 1) + (nb - 1) / 2
				tics = tics (i > 1 ? ", " : "") sprintf("\"%s, %s\" %g", gpstr(a[1]), slotname(a[2] + 0), x)
			}
			for (j = 1; j <= nb; j++) {
				h = H[t, j]
				for (i = 1; i <= m; i++) {
					split(GS[i], a, SUBSEP)
					k = t SUBSEP a[1] SUBSEP (a[2] + 0) SUBSEP h
					if (k in KPB)
						printf "%g %.8g %.8g\n", (i - 1) * (nb + 1) + j - 1, KPB[k], EXP[k] >> dat
				}
				printf "\n\n" >> dat
				plot = plot (j > 1 ? ", \\\n     " : "") sprintf("\"%s\" index %d using 1:2 with boxes lc %d title \"%s\"", dat, j - 1, j, gpstr(h))
			}
			close(dat)
			for (j = 1; j <= nb; j++)
				plot = plot sprintf(", \\\n     \"%s\" index %d using ($1-0.45):3:(0.9):(0) with vectors nohead lw 3 lc rgb \"black\" %s", dat, j - 1, j == 1 ? "title \"ideal random hash (same keys and buckets)\"" : "notitle")
			cf = R[r, "cpus"] " CPUs, " R[r, "nodes"] " node(s), hash seed " R[r, "hash_seed"] ", " R[r, "calls"] " calls replayed"
			printf "set title \"Keys per non-empty bucket of the queued waiters vs an ideal random hash\\ntrace %s: %s\\n%s\" noenhanced\n", gpstr(t), cf, SMPX[t] ? "mean over each configuration'"'"'s occupancy samples" : sprintf("mean over %d occupancy samples per configuration", SMP[t]) > gp
			printf "set xlabel \"layout and table size (buckets)\"\nset ylabel \"keys per non-empty bucket (mean)\"\n" > gp
			printf "set xrange [-1:%g]\nset yrange [0:%g]\nset xtics (%s) noenhanced rotate by -30\nset bmargin 7\n", m * (nb + 1) - 1, hi[t] * 1.25, tics > gp
			printf "set style fill solid 0.8 border -1\nset boxwidth 0.9\nset grid ytics\nset key outside right top noenhanced\n" > gp
			printf "plot %s\n", plot > gp
			close(gp)
		}
	}
	function gless(x, y,    a, b) {
		split(x, a, SUBSEP); split(y, b, SUBSEP)
		if (LO[a[1]] != LO[b[1]])
			return LO[a[1]] < LO[b[1]]
		return a[2] < b[2]
	}' "$csv" || exit 1
	render_all
}

plot_replay_series() {
	# Per trace: three panels over trace time, the waiters queued, the
	# non-empty buckets and the longest chain (max_load), one line per
	# hasher x layout (x slots, x copies when they vary).
	awk -v src="$csv" -v dir="$work" \
		-v need="trace hasher layout slots copies sample t_ns calls waiters nonempty buckets max_load keys_per_bucket exp_keys_per_bucket" \
		-v what="futexsim trace replay --series CSV" "$AWK_LIB$AWK_REPLAY"'
	{ replay_line($0, need) }
	END {
		replay_end()
		for (r = 1; r <= NR_ROWS; r++) {
			tn = rnum(r, "t_ns"); w = rnum(r, "waiters"); ne = rnum(r, "nonempty")
			ml = rnum(r, "max_load"); b = rnum(r, "buckets"); smp = rnum(r, "sample")
			cp = rnum(r, "copies"); rnum(r, "calls")
			if (tn == "nan" || w == "nan" || ne == "nan" || ml == "nan" || b == "nan" || smp == "nan" || cp == "nan")
				fail(sprintf("line %d: nan in t_ns, sample, copies, waiters, nonempty, buckets or max_load", RL[r]))
			if (tn < 0 || w < 0 || ne < 0 || ml < 0 || ne > w || ne > b || (w > 0 && ml < 1))
				fail(sprintf("line %d: impossible sample: t_ns %s, waiters %s, nonempty %s, buckets %s, max_load %s", RL[r], R[r, "t_ns"], R[r, "waiters"], R[r, "nonempty"], R[r, "buckets"], R[r, "max_load"]))
			t = R[r, "name"]
			c = R[r, "hasher"] SUBSEP R[r, "layout"] SUBSEP sprintf("%012d", R[r, "slots"]) SUBSEP sprintf("%06d", cp)
			k = t SUBSEP c
			if ((k in LAST) && (smp <= LASTS[k] || tn < LAST[k]))
				fail(sprintf("line %d: trace %s, %s/%s: sample %s at %s ns does not follow sample %s at %s ns", RL[r], t, R[r, "hasher"], R[r, "layout"], R[r, "sample"], R[r, "t_ns"], LASTS[k], LAST[k]))
			LAST[k] = tn; LASTS[k] = smp
			if (!(t in tseen)) { tseen[t] = 1; T[++nt] = t; TR[t] = r }
			if (!((t, c) in cseen)) { cseen[t, c] = 1; C[t, ++nc[t]] = c }
			P[k, ++np[k]] = r
			if ((t, "s") in ONE && ONE[t, "s"] != R[r, "slots"]) VS[t] = 1
			ONE[t, "s"] = R[r, "slots"]
			if ((t, "c") in ONE && ONE[t, "c"] != cp) VC[t] = 1
			ONE[t, "c"] = cp
			if ((t, "b") in ONE && ONE[t, "b"] != b) VB[t] = 1
			ONE[t, "b"] = b
			if (tn > tmax[t]) tmax[t] = tn
			if (w > WMAX[t]) WMAX[t] = w
			if (ml > MLMAX[t]) MLMAX[t] = ml
		}
		for (ti = 1; ti <= nt; ti++) {
			t = T[ti]; r = TR[t]
			base = figname("replay-series-" fname(t))
			print base > (dir "/figs")
			print "1000,900" > (dir "/" base ".size")
			dat = dir "/" base ".dat"; gp = dir "/" base ".gp"
			m = nc[t]
			for (i = 1; i <= m; i++) CS[i] = C[t, i]
			isort(CS, m)
			printf "" > dat
			# the waiters are the trace'"'"'s own: one line when every
			# configuration saw the same series
			same = 1
			for (i = 1; i <= m; i++) {
				k = t SUBSEP CS[i]
				for (j = 1; j <= np[k]; j++) {
					rr = P[k, j]
					printf "%.9g %s %s %s\n", R[rr, "t_ns"] / 1e9, R[rr, "waiters"] + 0, R[rr, "nonempty"] + 0, R[rr, "max_load"] + 0 >> dat
					if (i == 1) W1[j] = R[rr, "t_ns"] " " R[rr, "waiters"]
					else if (np[k] != np[t SUBSEP CS[1]] || W1[j] != R[rr, "t_ns"] " " R[rr, "waiters"]) same = 0
				}
				printf "\n\n" >> dat
				split(CS[i], kk, SUBSEP)
				lab = kk[1] "/" kk[2]
				if (VS[t]) lab = lab "/" slotname(kk[3] + 0)
				if (VC[t]) lab = lab "/" (kk[4] + 0) " copies"
				LAB[i] = gpstr(lab)
			}
			close(dat)
			cp = R[r, "copies"] + 0
			cf = (VS[t] ? "table sizes vary" : slotname(R[r, "slots"] + 0) " (" R[r, "buckets"] " buckets)") (VC[t] ? ", copies vary" : (cp > 1 ? ", " cp " copies of the trace" : ""))
			printf "set multiplot layout 3,1 title \"Bucket occupancy over time in the open-loop replay: trace %s\\n%d configuration(s) (hasher/layout%s%s), %s; one sample per line of the series\" noenhanced\n", gpstr(t), m, VS[t] ? "/size" : "", VC[t] ? "/copies" : "", gpstr(cf) > gp
			printf "set lmargin at screen 0.09\nset rmargin at screen 0.70\nset grid\nset xrange [0:%.9g]\n", (tmax[t] > 0 ? tmax[t] : 1) / 1e9 > gp
			printf "set key outside right top noenhanced\nset format x \"\"\n" > gp
			printf "set ylabel \"waiters queued\"\nset yrange [0:*]\nset ytics %s\n", WMAX[t] <= 10 ? "1" : "autofreq" > gp
			if (same)
				printf "plot \"%s\" index 0 using 1:2 with steps lw 2 lc rgb \"black\" title \"waiters (every configuration)\"\n", dat > gp
			else {
				plot = ""
				for (i = 1; i <= m; i++)
					plot = plot (i > 1 ? ", " : "") sprintf("\"%s\" index %d using 1:2 with steps lw 2 lc %d dt %d title \"%s\"", dat, i - 1, i, 1 + int((i - 1) / 8) % 4, LAB[i])
				printf "plot %s\n", plot > gp
			}
			plot = ""
			for (i = 1; i <= m; i++)
				plot = plot (i > 1 ? ", " : "") sprintf("\"%s\" index %d using 1:3 with steps lw 2 lc %d dt %d title \"%s\"", dat, i - 1, i, 1 + int((i - 1) / 8) % 4, LAB[i])
			printf "set ylabel \"non-empty buckets\"\nplot %s\n", plot > gp
			plot = ""
			for (i = 1; i <= m; i++)
				plot = plot (i > 1 ? ", " : "") sprintf("\"%s\" index %d using 1:4 with steps lw 2 lc %d dt %d notitle", dat, i - 1, i, 1 + int((i - 1) / 8) % 4)
			printf "set ytics %s\n", MLMAX[t] <= 10 ? "1" : "autofreq" > gp
			printf "set ylabel \"longest chain (waiters)\"\nset format x \"%%g\"\nset xlabel \"trace time since the first record (s)\"\nplot %s\nunset multiplot\n", plot > gp
			close(gp)
		}
	}' "$csv" || exit 1
	render_all
}

# ---- wake-nodes: wake-up latency by waker node x wakee node, simulated ----
plot_wake_nodes() {
	# Per configuration but the seed (workload, options, topology, layout,
	# hasher, slots, threads): a heatmap of wake_nodes' p50 (or
	# FX_PLOT_LAT=p99 / mean), waker node x wakee node; the seeds of a
	# configuration are merged (counts added, latencies count-weighted).
	pct=${FX_PLOT_LAT:-p50}
	case $pct in
	p50|p99|mean) ;;
	*) die "FX_PLOT_LAT=$pct: the run JSON's wake_nodes has p50, p99 and mean" ;;
	esac
	awk -v src="$csv" -v dir="$work" -v pct="$pct" "$AWK_LIB"'
	{ jtokline($0) }
	# mat(c, f, i, j): wake_nodes.f[i][j] of configuration c, checked
	# (null, which the writer gives for a mean of nothing, is 0)
	function mat(c, f, i, j,    p) {
		p = ".configs." c ".wake_nodes." f "." i "." j
		if ((p in JV) && JT[p] == "n" && JV[p] == "null")
			return 0
		if (!(p in JV) || JT[p] != "n" || JV[p] !~ /^[0-9]/)
			fail(sprintf("configs[%d].wake_nodes.%s[%d][%d] is missing or not a number >= 0", c, f, i, j))
		return JV[p] + 0
	}
	END {
		nc = run_json_configs()
		f = pct == "mean" ? "mean_ns" : pct "_ns"
		split("workload wopts topology hasher layout slots threads seed", need, " ")
		for (c = 0; c < nc; c++) {
			pre = ".configs." c
			for (i = 1; i <= 8; i++)
				if (!((pre "." need[i]) in JV))
					fail(sprintf("configs[%d] has no \"%s\"", c, need[i]))
			if (!((pre ".wake_nodes") in JOBJ)) {
				nowk++
				continue
			}
			n = JV[pre ".wake_nodes.nodes"]
			if (n !~ /^[1-9][0-9]*$/)
				fail(sprintf("configs[%d].wake_nodes.nodes is \"%s\", expected a positive integer", c, n))
			n += 0
			split("count p50_ns p99_ns mean_ns", FL, " ")
			for (q = 1; q <= 4; q++) {
				if (JLEN[pre ".wake_nodes." FL[q]] != n)
					fail(sprintf("configs[%d].wake_nodes.%s: expected %d rows (nodes)", c, FL[q], n))
				for (i = 0; i < n; i++)
					if (JLEN[pre ".wake_nodes." FL[q] "." i] != n)
						fail(sprintf("configs[%d].wake_nodes.%s[%d]: expected %d values (nodes)", c, FL[q], i, n))
			}
			tot = 0
			for (i = 0; i < n; i++)
				for (j = 0; j < n; j++)
					tot += mat(c, "count", i, j)
			if (!tot) {
				empty++
				continue
			}
			g = JV[pre ".workload"] SUBSEP JV[pre ".wopts"] SUBSEP JV[pre ".topology"] SUBSEP JV[pre ".layout"] SUBSEP JV[pre ".hasher"] SUBSEP JV[pre ".slots"] SUBSEP JV[pre ".threads"]
			if (!(g in gseen)) { gseen[g] = 1; G[++ng] = g; GC[g] = c; GN[g] = n }
			if (GN[g] != n)
				fail(sprintf("configs[%d].wake_nodes.nodes is %d, another seed of this configuration has %d", c, n, GN[g]))
			nseed[g]++
			for (i = 0; i < n; i++)
				for (j = 0; j < n; j++) {
					k = mat(c, "count", i, j)
					if (JV[".configs." c ".wake_nodes." f "." i "." j] == "null" && k)
						fail(sprintf("configs[%d].wake_nodes.%s[%d][%d] is null, but %d wake-ups were counted", c, f, i, j, k))
					CNT[g, i, j] += k
					SUM[g, i, j] += k * mat(c, f, i, j)
				}
		}
		if (nowk == nc)
			fail("no configuration has \"wake_nodes\" (the wake-up latency per waker node x wakee node)")
		if (!ng)
			fail(sprintf("no configuration has wake-ups in wake_nodes (%d without)", empty))
		if (empty)
			printf "plot.sh: %s: %d configuration(s) without wake-ups left out\n", src, empty > "/dev/stderr"
		if (nowk)
			printf "plot.sh: %s: %d configuration(s) without wake_nodes left out\n", src, nowk > "/dev/stderr"
		for (gi = 1; gi <= ng; gi++) {
			g = G[gi]; pre = ".configs." GC[g]; n = GN[g]
			base = figname("wake-nodes-" fname(JV[pre ".workload"]) "-" fname(JV[pre ".topology"]) "-" fname(JV[pre ".layout"]) "-" fname(JV[pre ".hasher"]) "-t" fname(JV[pre ".threads"]))
			print base > (dir "/figs")
			dat = dir "/" base ".dat"; gp = dir "/" base ".gp"
			lo = -1; hi = 0; ncell = 0; tot = 0
			printf "" > dat
			for (i = 0; i < n; i++)
				for (j = 0; j < n; j++) {
					if (!CNT[g, i, j])
						continue
					v = SUM[g, i, j] / CNT[g, i, j]
					VAL[i, j] = v
					printf "%d %d %.8g\n", i, j, v >> dat
					if (lo < 0 || v < lo) lo = v
					if (v > hi) hi = v
					ncell++; tot += CNT[g, i, j]
				}
			close(dat)
			logcb = lo > 0 && hi >= 10 * lo
			for (dark = 1; dark >= 0; dark--) {
				lf = dat "." dark
				printf "" > lf
				nlab[dark] = 0
				for (i = 0; i < n; i++)
					for (j = 0; j < n; j++) {
						if (!CNT[g, i, j])
							continue
						v = VAL[i, j]
						if (hi <= lo) fr = 0.5
						else if (logcb) fr = log(v / lo) / log(hi / lo)
						else fr = (v - lo) / (hi - lo)
						if ((fr < 0.45) != dark)
							continue
						printf "%d %d %s n=%d\n", i, j, nsfmt(v), CNT[g, i, j] >> lf
						nlab[dark]++
					}
				close(lf)
			}
			wo = JV[pre ".wopts"] == "" ? "" : " " JV[pre ".wopts"]
			sl = JV[pre ".slots"] == "0" ? "" : ", " JV[pre ".slots"] " slots"
			prof = JV[".profile"] == "" ? "" : ", cost profile " JV[".profile"]
			mtxt = nseed[g] > 1 ? sprintf("; %d seeds merged (counts added, latencies count-weighted)", nseed[g]) : ", seed " JV[pre ".seed"]
			printf "set title \"Simulated wake-up latency %s by waker node x wakee node\\n%s%s on %s, %s threads, layout %s, hasher %s%s%s\\n%d wake-ups in %d of %d node pairs%s\" noenhanced\n", pct, gpstr(JV[pre ".workload"]), gpstr(wo), gpstr(JV[pre ".topology"]), JV[pre ".threads"], gpstr(JV[pre ".layout"]), gpstr(JV[pre ".hasher"]), sl, gpstr(prof), tot, ncell, n * n, mtxt > gp
			printf "set xlabel \"waker node\"\nset ylabel \"wakee node\"\nset cblabel \"%s wake-up latency (ns%s)\"\n", pct, logcb ? ", log scale" : "" > gp
			printf "set xrange [-0.5:%g]\nset yrange [-0.5:%g]\nset xtics 1\nset ytics 1\nset tics scale 0\nunset key\n", n - 0.5, n - 0.5 > gp
			if (hi <= lo) { cl = lo * 0.95 - (lo == 0); ch = hi * 1.05 + (hi == 0) } else { cl = lo; ch = hi }
			printf "set cbrange [%.8g:%.8g]\n", cl, ch > gp
			if (logcb)
				printf "set logscale cb\n" > gp
			printf "set palette defined (0 \"#440154\", 1 \"#3b528b\", 2 \"#21918c\", 3 \"#5ec962\", 4 \"#fde725\")\n" > gp
			printf "set style fill solid 1.0 border lc rgb \"white\"\n" > gp
			fs = n <= 4 ? 12 : n <= 8 ? 9 : 7
			plot = sprintf("\"%s\" using 1:2:(0.5):(0.5):3 with boxxyerror lc palette notitle", dat)
			for (dark = 1; dark >= 0; dark--)
				if (nlab[dark] && n <= 16)
					plot = plot sprintf(", \\\n     \"%s.%d\" using 1:2:3 with labels offset 0,0.5 tc rgb \"%s\" font \",%d\" notitle, \\\n     \"%s.%d\" using 1:2:4 with labels offset 0,-0.6 tc rgb \"%s\" font \",%d\" notitle", dat, dark, dark ? "white" : "black", fs, dat, dark, dark ? "white" : "black", fs - 2)
			printf "plot %s\n", plot > gp
			close(gp)
		}
	}' "$csv" || exit 1
	render_all
}

case $kind in
collide) plot_collide ;;
latency-cdf) plot_latency_cdf ;;
throughput) plot_throughput ;;
lockwait) plot_lockwait ;;
slots) plot_slots ;;
latency-matrix) plot_latency_matrix ;;
validation) plot_validation ;;
trace-collisions) plot_trace_collisions ;;
trace-occupancy) plot_trace_occupancy ;;
replay-rate) plot_replay_rate ;;
replay-occupancy) plot_replay_occupancy ;;
replay-series) plot_replay_series ;;
wake-nodes) plot_wake_nodes ;;
esac
