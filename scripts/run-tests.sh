#!/bin/sh
# run-tests.sh BUILD - the whole test suite, as "make check" runs it:
# every unit test binary (cmocka), the CLI checks, then the conformance
# harness (every scenario on the live kernel and on the model, plus the
# seeded random differential run).  Ends with one "N passed, N failed" line.
set -u
build=${1:-build}
passed=0
failed=0
failures=""
log=$(mktemp "${TMPDIR:-/tmp}/fxcheck.XXXXXX") || exit 1
trap 'rm -f "$log"' EXIT INT TERM

note_fail() { failed=$((failed + 1)); failures="$failures $1"; }

for t in "$build"/tests/test_*; do
	[ -x "$t" ] || continue
	name=$(basename "$t")
	echo "== $name"
	"$t" >"$log" 2>&1
	rc=$?
	cat "$log"
	p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | awk '{s+=$1} END {print s+0}')
	f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | awk '{s+=$1} END {print s+0}')
	passed=$((passed + p))
	failed=$((failed + f))
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		note_fail "$name(exit $rc)"
	elif [ "$f" -ne 0 ]; then
		failures="$failures $name"
	fi
done

echo "== cli"
for c in scripts/check-cli.sh scripts/check-collide.sh scripts/check-plot-des.sh \
	scripts/check-plot-bench.sh scripts/check-plot-trace.sh scripts/check-run.sh \
	scripts/check-capture.sh scripts/check-plot-replay.sh scripts/check-report.sh scripts/check-sweep.sh; do
	if sh "$c" "$build/futexsim"; then
		passed=$((passed + 1))
	else
		note_fail "$c"
	fi
done

echo "== conform"
"$build/futexsim" conform --dir tests/conform --random "${FX_CONFORM_RANDOM:-10000}" \
	--seed "${FX_CONFORM_SEED:-1}" >"$log" 2>&1
rc=$?
cat "$log"
if [ "$rc" -eq 0 ]; then
	passed=$((passed + 1))
else
	note_fail "conform(exit $rc)"
fi

echo
[ -n "$failures" ] && echo "failing:$failures"
echo "check: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
