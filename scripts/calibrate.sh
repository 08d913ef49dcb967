#!/bin/sh
# calibrate.sh calibrate|validate FUTEXSIM [RESULTS_DIR] - "make calibrate"
# and "make validate" (docs/calibration.md).
#
# RESULTS_DIR defaults to the newest results/bench/<host>-<date>/ that
# holds a bench.csv (newest by the UTC date in its name, as "make bench"
# writes it).
#   calibrate  futexsim calibrate RESULTS_DIR -o RESULTS_DIR/calibrated.prof
#   validate   futexsim validate RESULTS_DIR --out RESULTS_DIR/validation.csv
#              (the profile calibrated on the fly from the same results,
#              so the table is reproducible with this one command)
# Both say what they used.  Exit status: futexsim's (validate: 0 even with
# MISS rows; they are findings), 2 when there are no results.
set -u
mode=${1:-}
fx=${2:-}
dir=${3:-}

case $mode in
calibrate|validate) ;;
*)
	echo "usage: $0 calibrate|validate FUTEXSIM [RESULTS_DIR]" >&2
	exit 2
	;;
esac
if [ ! -x "$fx" ]; then
	echo "calibrate.sh: $fx: no such executable (make builds it)" >&2
	exit 2
fi

if [ -z "$dir" ]; then
	# "<host>-YYYYmmddTHHMMSSZ": sort on the date after the last '-'
	dir=$(for d in results/bench/*/; do
		[ -f "$d/bench.csv" ] || continue
		d=${d%/}
		printf '%s %s\n' "${d##*-}" "$d"
	done | sort | tail -n 1 | cut -d' ' -f2-)
	if [ -z "$dir" ]; then
		echo "make $mode: no results: no results/bench/*/bench.csv (run make bench first, or give RESULTS=DIR)" >&2
		exit 2
	fi
fi
dir=${dir%/}

case $mode in
calibrate)
	out="$dir/calibrated.prof"
	echo "make calibrate: results $dir -> $out" >&2
	exec "$fx" calibrate "$dir" -o "$out"
	;;
validate)
	out="$dir/validation.csv"
	echo "make validate: results $dir, profile calibrated from them -> $out" >&2
	exec "$fx" validate "$dir" --out "$out"
	;;
esac
