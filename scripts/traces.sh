#!/bin/sh
# traces.sh [OUTDIR] - the bundled-trace pipeline (workloads/traces/).
#
# For every bundled trace NAME (workloads/traces/NAME/NAME.strace.xz):
#   futexsim trace import --from strace [--maps NAME.maps(.xz)]
#                                         -> OUTDIR/NAME.fxt (binary)
#   futexsim trace stats                 -> OUTDIR/NAME.stats.txt
#   futexsim trace stats --json          -> OUTDIR/NAME.stats.json
#   futexsim trace replay --hash jhash2,xxh3,siphash,hash_64
#            --layout global,pernode,private
#            --cpus/--nodes of the recording host (NAME.meta)
#                                         -> OUTDIR/NAME.replay.csv,
#                                            OUTDIR/NAME.series.csv
#   futexsim run --workload trace        (closed loop, the recording
#            host's CPUs, seed 1, --gaps idle) -> OUTDIR/NAME.closed.csv
#   scripts/plot.sh trace-occupancy      -> OUTDIR/figures/trace-waiters-NAME.*
#   scripts/plot.sh replay-series        -> OUTDIR/figures/replay-series-NAME.*
# then scripts/plot.sh trace-collisions over all replay CSVs
# (OUTDIR/figures/trace-collisions.*), a one-line summary per trace on
# stdout and OUTDIR/summary.md (the table of workloads/traces/README.md).
#
# OUTDIR defaults to results/traces.  FUTEXSIM names the binary (default:
# build/futexsim, else build-*/futexsim, newest first).  TRACES=DIR reads
# another trace directory; NAMES="a b" restricts the traces.  Any failure
# exits non-zero.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
tracedir=${TRACES:-$root/workloads/traces}
out=${1:-results/traces}
die() { echo "traces.sh: $*" >&2; exit 1; }

if [ -z "${FUTEXSIM:-}" ]; then
	FUTEXSIM=$(ls -t "$root"/build/futexsim "$root"/build-*/futexsim 2>/dev/null | head -n 1) || true
	[ -n "$FUTEXSIM" ] || die "no futexsim binary: run make, or set FUTEXSIM"
fi
[ -x "$FUTEXSIM" ] || die "'$FUTEXSIM' is not executable"
case $FUTEXSIM in /*) ;; *) FUTEXSIM=$(pwd)/$FUTEXSIM ;; esac
command -v xz >/dev/null 2>&1 || die "xz is not installed"

mkdir -p "$out/figures" || die "cannot create '$out/figures'"
out=$(cd "$out" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/fxtraces.XXXXXX") || die "mktemp failed"
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

if [ -z "${NAMES:-}" ]; then
	NAMES=
	for d in "$tracedir"/*/; do
		n=$(basename "$d")
		[ -f "$d/$n.strace.xz" ] && NAMES="$NAMES $n"
	done
fi
[ -n "$NAMES" ] || die "no bundled trace in '$tracedir'"

# meta KEY FILE - the value of "KEY: value" in a .meta file
meta() { sed -n "s/^$1: *//p" "$2" | head -n 1; }

csvs=
printf '| trace | futex calls | distinct keys | max waiters | blocked p50 (us) | jhash2 global | jhash2 private | closed loop: waits matched |\n' >"$tmp/summary.md"
printf '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n' >>"$tmp/summary.md"
for n in $NAMES; do
	d=$tracedir/$n
	[ -f "$d/$n.strace.xz" ] || die "$d/$n.strace.xz: no such trace"
	cpus=4 nodes=1
	if [ -f "$d/$n.meta" ]; then
		c=$(meta cpus "$d/$n.meta"); case $c in ''|*[!0-9]*) ;; *) cpus=$c ;; esac
		c=$(meta nodes "$d/$n.meta"); case $c in ''|*[!0-9]*) ;; *) nodes=$c ;; esac
	fi
	xz -dc "$d/$n.strace.xz" >"$tmp/$n.strace" || die "$d/$n.strace.xz: cannot decompress"
	# the capture's maps snapshots give shared mappings their file
	set --
	if [ -f "$d/$n.maps.xz" ]; then
		xz -dc "$d/$n.maps.xz" >"$tmp/$n.maps" || die "$d/$n.maps.xz: cannot decompress"
		set -- --maps "$tmp/$n.maps"
	elif [ -f "$d/$n.maps" ]; then
		set -- --maps "$d/$n.maps"
	fi
	"$FUTEXSIM" trace import --from strace "$tmp/$n.strace" -o "$out/$n.fxt" \
		--binary --program "$n" "$@" >"$tmp/$n.import.log" 2>&1 ||
		{ cat "$tmp/$n.import.log" >&2; die "$n: trace import failed"; }
	rm -f "$tmp/$n.strace" "$tmp/$n.maps"
	"$FUTEXSIM" trace stats "$out/$n.fxt" >"$tmp/$n.stats.txt" || die "$n: trace stats failed"
	"$FUTEXSIM" trace stats "$out/$n.fxt" --json >"$tmp/$n.stats.json" || die "$n: trace stats --json failed"
	mv -f "$tmp/$n.stats.txt" "$out/$n.stats.txt" && mv -f "$tmp/$n.stats.json" "$out/$n.stats.json" ||
		die "$n: cannot write the stats"
	# run in OUTDIR so that the CSV's trace column is NAME.fxt
	(cd "$out" && "$FUTEXSIM" trace replay "$n.fxt" --hash jhash2,xxh3,siphash,hash_64 \
		--layout global,pernode,private --cpus "$cpus" --nodes "$nodes" \
		--out "$n.replay.csv" --series "$n.series.csv") >"$tmp/$n.replay.txt" 2>&1 ||
		{ cat "$tmp/$n.replay.txt" >&2; die "$n: trace replay failed"; }
	# closed loop on the recording host's CPUs (one package, its nodes);
	# the gaps between a thread's calls off the CPU: under strace much of
	# them is the tracer's stops, and in I/O-bound programs (postgres)
	# blocking in untraced calls
	topo="package:1 numa:$nodes core:$((cpus / nodes > 0 ? cpus / nodes : 1)) pu:1"
	[ "$nodes" -gt 1 ] || topo="package:1 core:$cpus pu:1"
	"$FUTEXSIM" run -q --workload trace --topology "$topo" --seed 1 \
		--out "$tmp/$n.closed.csv" -- -f "$out/$n.fxt" --gaps idle >"$tmp/$n.closed.txt" 2>&1 ||
		{ cat "$tmp/$n.closed.txt" >&2; die "$n: closed-loop replay failed"; }
	mv -f "$tmp/$n.closed.csv" "$out/$n.closed.csv" &&
		mv -f "$tmp/$n.closed.csv.json" "$out/$n.closed.csv.json" ||
		die "$n: cannot write the closed-loop results"
	"$here/plot.sh" trace-occupancy "$out/$n.stats.json" "$out/figures" >"$tmp/$n.plot.log" ||
		die "$n: plot.sh trace-occupancy failed"
	"$here/plot.sh" replay-series "$out/$n.series.csv" "$out/figures" >>"$tmp/$n.plot.log" ||
		die "$n: plot.sh replay-series failed"
	csvs="$csvs $n.replay.csv"

	# summary: stats JSON (one member per line where it matters) and the CSV
	awk -v name="$n" -v cpus="$cpus" '
	FNR == 1 { f++ }
	f == 1 {
		if (calls == "" && match($0, /"calls": [0-9]+/)) calls = substr($0, RSTART + 9, RLENGTH - 9)
		if (match($0, /"max_waiters": [0-9]+/)) maxw = substr($0, RSTART + 15, RLENGTH - 15)
		if ($0 ~ /"keys":/) {
			k = $0; keys = 0
			while (match(k, /"(private|shared|unresolved)": [0-9]+/)) {
				s = substr(k, RSTART, RLENGTH); sub(/.*: /, "", s); keys += s
				k = substr(k, RSTART + RLENGTH)
			}
		}
		if ($0 ~ /"blocked_ns":/ && match($0, /"p50": [0-9]+/)) p50 = substr($0, RSTART + 7, RLENGTH - 7)
		next
	}
	/^#/ { next }
	f == 2 && !hdr { for (i = 1; i <= NF; i++) col[$i] = i; hdr = 1; next }
	f == 2 && $col["hasher"] == "jhash2" { cr[$col["layout"]] = $col["collision_rate"] }
	f == 3 && FNR == 1 { for (i = 1; i <= NF; i++) ccol[$i] = i; next }
	f == 3 && FNR == 2 { waits = $ccol["w_waits"]; div = $ccol["w_div_total"] }
	END {
		if (calls == "" || maxw == "" || p50 == "" || !("global" in cr) || !("private" in cr) || waits == "") {
			print "traces.sh: " name ": stats or replay output lacks a field" > "/dev/stderr"
			exit 1
		}
		printf "%-18s %6d calls %5d keys  max waiters %3d  blocked p50 %9.1f us  jhash2 collision rate global %.4f private %.4f  closed loop %d of %d waits matched (%d CPUs)\n", \
			name, calls, keys, maxw, p50 / 1000, cr["global"], cr["private"], waits - div, waits, cpus
		printf "| %s | %d | %d | %d | %.1f | %.4f | %.4f | %d of %d |\n", name, calls, keys, maxw, p50 / 1000, \
			cr["global"], cr["private"], waits - div, waits >> sum
	}' sum="$tmp/summary.md" FS=, "$out/$n.stats.json" "$out/$n.replay.csv" "$out/$n.closed.csv" || die "$n: summary failed"
done
# shellcheck disable=SC2086
(cd "$out" && "$here/plot.sh" trace-collisions -o figures $csvs) >"$tmp/collisions.log" ||
	die "plot.sh trace-collisions failed"
mv -f "$tmp/summary.md" "$out/summary.md" || die "cannot write $out/summary.md"
echo "traces.sh: results in $out (summary.md, figures/)"
