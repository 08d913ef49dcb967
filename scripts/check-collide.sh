#!/bin/sh
# check-collide.sh FUTEXSIM - the contract of "futexsim collide": bad input
# gets a clear error, exit 2 and no output file; a tiny run writes a CSV
# with the provenance line, the header and one row per configuration; the
# fast and core engines print the same numbers; lowbits collides more than
# jhash2 on page-aligned keys.
set -u
fx=${1:-build/futexsim}
fail=0
tmp=$(mktemp -d "${TMPDIR:-/tmp}/fxcollide.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

expect_err() {  # expect_err PATTERN ARGS... : exit 2, stderr matches, no file
	pat=$1; shift
	rm -f "$tmp/bad.csv"
	err=$("$fx" collide "$@" --out "$tmp/bad.csv" 2>&1 >/dev/null)
	rc=$?
	if [ "$rc" -ne 2 ] || ! printf '%s' "$err" | grep -q -- "$pat"; then
		echo "FAIL: collide $* -> exit $rc, stderr: $err (wanted /$pat/)"
		fail=1
	fi
	if ls "$tmp"/bad.csv* >/dev/null 2>&1; then
		echo "FAIL: collide $* left an output file"; fail=1
	fi
}
expect_err "unknown hasher 'nope'; expected one of: jhash2" --keys page:n=10 --hash jhash2,nope
expect_err "unknown layout 'nope'; expected one of: private" --keys page:n=10 --layout nope
expect_err "expected a power of two: 2, 4, 8" --keys page:n=10 --slots 64,100
expect_err "expected a power of two" --keys page:n=10 --slots 1
expect_err "valid families: stack, heap, mmap, page, shm, samevaddr" --keys 'page:n=10;bogus:n=1'
expect_err "no parameter 'q'; valid: n, procs, off, aslr" --keys page:q=1
expect_err "stride=6: expected 4..1048576, a multiple of 4" --keys mmap:stride=6
expect_err "expected interleave or node0" --placement far
expect_err "expected 1 or 2" --bucket-lines 4
# without --keys the bundled default study runs
out=$("$fx" collide --hash jhash2 --slots 1024 --ops 200 2>&1) ||
	{ echo "FAIL: default study exited $?: $out"; fail=1; }
for fam in page heap stack shm samevaddr; do
	printf '%s\n' "$out" | grep -q "^keys $fam:" ||
		{ echo "FAIL: default study lacks the $fam key set"; fail=1; }
done
expect_err "exceeds --cpus" --keys page:n=10 --cpus 2 --nodes 4
expect_err "expected fast or core" --keys page:n=10 --engine slow
expect_err "unexpected argument" --keys page:n=10 extra

# A tiny run: 2 hashers x 2 layouts x 3 sizes = 12 rows.
csv=$tmp/tiny.csv
"$fx" collide --keys 'page:n=200' --hash jhash2,lowbits --layout private,pernode \
	--slots 256,1024,4096 --ops 2000 --seed 3 --out "$csv" >/dev/null || {
	echo "FAIL: tiny run exited $?"; fail=1; }
if [ -f "$csv" ]; then
	head -n 1 "$csv" | grep -q '^# futexsim .* collide seed=3 hash_seed=0 args: ' ||
		{ echo "FAIL: no provenance line: $(head -n 1 "$csv")"; fail=1; }
	sed -n 2p "$csv" | grep -q '^spec,family,hasher,layout,slots,.*,collision_rate,.*,exp_occ_8plus$' ||
		{ echo "FAIL: header: $(sed -n 2p "$csv")"; fail=1; }
	rows=$(tail -n +3 "$csv" | wc -l)
	[ "$rows" -eq 12 ] || { echo "FAIL: $rows rows, wanted 12"; fail=1; }
	ncol=$(sed -n 2p "$csv" | awk -F, '{print NF}')
	bad=$(tail -n +3 "$csv" | awk -F, -v n="$ncol" 'NF != n' | wc -l)
	[ "$bad" -eq 0 ] || { echo "FAIL: $bad rows with a wrong column count"; fail=1; }
	# lowbits puts page-aligned keys into one bucket: its op collision
	# rate beats jhash2's at every size and layout.
	awk -F, -v OFS=' ' 'NR > 2 { c = 0; for (i = 1; i <= NF; i++) if (h[i] == "collision_rate") c = i;
		r[$3 " " $4 " " $5] = $c } NR == 2 { for (i = 1; i <= NF; i++) h[i] = $i }
		END { bad = 0; for (k in r) { split(k, a, " "); if (a[1] == "lowbits" &&
			!(r[k] > r["jhash2 " a[2] " " a[3]] + 0.2)) { print "FAIL: " k " " r[k] " vs jhash2 " r["jhash2 " a[2] " " a[3]]; bad = 1 } }
		exit bad }' "$csv" || fail=1
	# same bytes for the same seed
	"$fx" collide --keys 'page:n=200' --hash jhash2,lowbits --layout private,pernode \
		--slots 256,1024,4096 --ops 2000 --seed 3 --out "$tmp/again.csv" >/dev/null
	# (the provenance line names the output file; the rest must match)
	tail -n +2 "$csv" >"$tmp/a1"; tail -n +2 "$tmp/again.csv" >"$tmp/a2"
	cmp -s "$tmp/a1" "$tmp/a2" || { echo "FAIL: not deterministic"; fail=1; }
fi

# The fast engine and the real core agree on every number.
for e in fast core; do
	"$fx" collide --keys 'shm:procs=6,n=16,segs=2;heap:n=300,procs=3;samevaddr:procs=6,n=4;stack:threads=12,procs=2' \
		--hash jhash2,lowbits --layout private,pernode,global --slots 16,128 \
		--ops 5000 --waiters 2 --cpus 4 --nodes 2 --seed 5 --engine $e \
		--out "$tmp/$e.csv" >/dev/null || { echo "FAIL: engine $e exited $?"; fail=1; }
done
if ! diff -q "$tmp/fast.csv" "$tmp/core.csv" >/dev/null; then
	cut -d, -f1-9,11- "$tmp/fast.csv" | tail -n +2 >"$tmp/f"
	cut -d, -f1-9,11- "$tmp/core.csv" | tail -n +2 >"$tmp/c"
	cmp -s "$tmp/f" "$tmp/c" || { echo "FAIL: fast and core engines differ:"; diff "$tmp/f" "$tmp/c" | head -4; fail=1; }
fi

# JSON
"$fx" collide --keys page:n=20 --slots 16 --ops 100 --json | grep -q '"collision_rate": ' ||
	{ echo "FAIL: --json"; fail=1; }
[ "$fail" -eq 0 ] && echo "collide: ok"
exit "$fail"
