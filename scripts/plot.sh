#!/bin/sh
# plot.sh KIND CSV [OUTDIR] - figures from futexsim results with gnuplot.
#
# Kinds (add one: write plot_KIND() and list it in usage()):
#   collide   CSV of "futexsim collide --out FILE.csv".  Per key spec and
#             layout, two figures, each as PNG (pngcairo if gnuplot has it,
#             else png) and SVG:
#               collide-rate-N-FAMILY-LAYOUT     op collision rate against
#                   table size (log2 x), one line per hasher
#               collide-occ-N-FAMILY-LAYOUT      keys per non-empty bucket:
#                   the share of non-empty buckets holding 1..7, 8+ keys,
#                   one bar per hasher, and the ideal random hash (balls
#                   into bins) as points; at the table size closest to the
#                   number of keys (FX_PLOT_SLOTS=N picks another)
#             N numbers the key specs in their order in the CSV.
# OUTDIR defaults to the CSV's directory.
set -eu

usage() {
	cat >&2 <<'EOF'
usage: scripts/plot.sh KIND CSV [OUTDIR]
kinds:
  collide   op collision rate vs table size, and occupancy histograms,
            from "futexsim collide --out FILE.csv"
EOF
	exit 2
}

die() { echo "plot.sh: $*" >&2; exit 1; }

[ $# -ge 2 ] && [ $# -le 3 ] || usage
kind=$1
csv=$2
[ -r "$csv" ] || die "cannot read '$csv'"
outdir=${3:-$(dirname "$csv")}
mkdir -p "$outdir" || die "cannot create '$outdir'"
command -v gnuplot >/dev/null 2>&1 ||
	die "gnuplot is not installed (Debian: apt-get install gnuplot-nox)"
if gnuplot -e 'set terminal' 2>&1 | grep -q pngcairo; then
	png_term='pngcairo size 1000,650 font "sans,11"'
else
	png_term='png size 1000,650'
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/fxplot.XXXXXX") || die "mktemp failed"
trap 'rm -rf "$work"' EXIT INT TERM

# render BASE - run $work/BASE.gp once per output format
render() {
	for fmt in png svg; do
		if [ "$fmt" = png ]; then term=$png_term; else term='svg size 1000,650 dynamic'; fi
		{ printf 'set terminal %s\nset output "%s/%s.%s"\n' "$term" "$outdir" "$1" "$fmt"
		  cat "$work/$1.gp"; } | gnuplot || die "gnuplot failed on $1.$fmt"
		echo "$outdir/$1.$fmt"
	done
}

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

case $kind in
collide) plot_collide ;;
-h|--help|help) usage ;;
*) echo "plot.sh: unknown kind '$kind'" >&2; usage ;;
esac
