#!/bin/sh
# check-cli.sh FUTEXSIM - the command line's contract: bad input gets a
# clear error and a non-zero exit; the hash command matches the kernel's
# documented algorithm on a hand-checked vector.
set -u
fx=${1:-build/futexsim}
fail=0
expect_err() {  # expect_err PATTERN ARGS... : non-zero exit, stderr matches
	pat=$1; shift
	err=$("$fx" "$@" 2>&1 >/dev/null)
	rc=$?
	if [ "$rc" -eq 0 ] || ! printf '%s' "$err" | grep -q -- "$pat"; then
		echo "FAIL: futexsim $* -> exit $rc, stderr: $err (wanted /$pat/)"
		fail=1
	fi
}
expect_err "unknown command" frobnicate
expect_err "unknown hasher 'nope'; expected one of: jhash2" hash --hasher nope 0x1000
expect_err "unknown layout 'nope'; expected one of: private" hash --layout nope 0x1000
expect_err "4-byte aligned" hash 0x1001
expect_err "expected 0 or a power of two" hash --slots 12 0x1000
expect_err "exceeds --cpus" hash --cpus 2 --nodes 4 0x1000
expect_err "no address" hash
expect_err "unexpected argument" list bogus

# jhash2 over {mm lo, mm hi, addr lo, addr hi} with initval = offset, for
# mm 0xffff888100000000 and address 0x7f0000001010 on the per-node table of
# a 2-CPU 1-node machine (512 buckets).  The hash value is pinned by the
# independent transcription in tests/unit/test_core.c; here the CLI must
# print the same words, initval and a bucket equal to hash & 511.
out=$("$fx" hash --layout pernode --cpus 2 --nodes 1 0x7f0000001010) || fail=1
line=$(printf '%s\n' "$out" | grep '0x00007f0000001010')
set -- $line
words="$3 $4 $5 $6"
if [ "$words" != "00000000 ffff8881 00001000 00007f00" ] || [ "$7" != "0x00000010" ]; then
	echo "FAIL: hash words/initval: $line"; fail=1
fi
hash=$8; bucket=${11%/*}; size=${11#*/}
if [ "$size" != 512 ] || [ $((hash & 511)) -ne "$bucket" ]; then
	echo "FAIL: bucket $bucket/$size is not hash $hash & 511"; fail=1
fi
"$fx" list -v --layouts >/dev/null || { echo "FAIL: list -v"; fail=1; }
[ "$fail" -eq 0 ] && echo "cli: ok"
exit "$fail"
