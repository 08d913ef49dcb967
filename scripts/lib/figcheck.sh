# figcheck.sh - sourced by the check-plot-*.sh scripts: what a figure
# plot.sh writes must be.  The sourcing script defines bad MESSAGE (report
# a failure and remember it).

# is_fig FILE: a non-empty PNG or SVG
is_fig() {
	[ -s "$1" ] || return 1
	case $1 in
	*.png) [ "$(head -c 4 "$1" | od -An -c | tr -d ' ')" = '211PNG' ] ;;
	*.svg) grep -q '<svg' "$1" && grep -q '</svg>' "$1" ;;
	*) return 1 ;;
	esac
}

# expect_figs DIR BASE... : each BASE.png and BASE.svg is a figure, and
# DIR holds nothing else
expect_figs() {
	d=$1; shift
	n=0
	for b in "$@"; do
		for e in png svg; do
			n=$((n + 1))
			is_fig "$d/$b.$e" || bad "$d/$b.$e missing or not a $e"
		done
	done
	have=$(ls -A "$d" 2>/dev/null | wc -l)
	[ "$have" -eq "$n" ] ||
		bad "$d holds $have files, wanted $n: $(ls -A "$d" 2>/dev/null | tr '\n' ' ')"
}
