#!/bin/sh
# check-capture.sh - workloads/capture.sh's contract: it traces a tiny
# multi-threaded program (futex lines in FILE.strace, maps snapshots in
# FILE.maps, the expected keys in FILE.meta), passes the command's exit
# status through, and rejects bad usage with exit 2.
# Prints "skipped: strace not installed" and exits 0 without strace.
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
cap=$here/workloads/capture.sh
if ! command -v strace >/dev/null 2>&1; then
	echo "skipped: strace not installed"
	exit 0
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/check-capture.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
fail=0
say() { echo "FAIL: $*"; fail=1; }

# the tiny program: 2 threads taking a mutex in turn for ~0.3 s, exit 7
prog=
if command -v cc >/dev/null 2>&1; then
	cat >"$tmp/t.c" <<'EOF'
#include <pthread.h>
#include <time.h>
static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t c = PTHREAD_COND_INITIALIZER;
static int turn, done;
static void *run(void *arg)
{
	int me = (int)(long)arg;
	for (int i = 0; i < 2000; i++) {
		pthread_mutex_lock(&m);
		while (turn != me && !done)
			pthread_cond_wait(&c, &m);
		turn = !me;
		pthread_cond_broadcast(&c);
		pthread_mutex_unlock(&m);
	}
	pthread_mutex_lock(&m); done = 1; pthread_cond_broadcast(&c);
	pthread_mutex_unlock(&m);
	return 0;
}
int main(void)
{
	pthread_t a, b;
	pthread_create(&a, 0, run, (void *)0L);
	pthread_create(&b, 0, run, (void *)1L);
	struct timespec ts = { 0, 200 * 1000 * 1000 };
	nanosleep(&ts, 0);	/* let the poller see the process */
	pthread_join(a, 0); pthread_join(b, 0);
	return 7;
}
EOF
	cc -O1 -pthread -o "$tmp/t" "$tmp/t.c" 2>"$tmp/cc.err" && prog="$tmp/t"
fi
if [ -z "$prog" ] && command -v python3 >/dev/null 2>&1; then
	cat >"$tmp/t.py" <<'EOF'
import threading, time, sys
lock = threading.Lock(); cond = threading.Condition(lock); turn = [0]
def run(me):
    for _ in range(2000):
        with cond:
            while turn[0] != me:
                if not cond.wait(0.05): break
            turn[0] = 1 - me; cond.notify_all()
ts = [threading.Thread(target=run, args=(i,)) for i in (0, 1)]
[t.start() for t in ts]; time.sleep(0.2); [t.join() for t in ts]
sys.exit(7)
EOF
	prog="python3 $tmp/t.py"
fi
if [ -z "$prog" ]; then
	echo "skipped: neither cc nor python3 to build a threaded program"
	exit 0
fi

out=$tmp/run
# shellcheck disable=SC2086 # $prog is a command line
"$cap" -o "$out" -- $prog >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" -eq 7 ] || say "exit status $rc, wanted the command's 7 ($(cat "$tmp/err"))"
for f in strace maps meta; do
	[ -s "$out.$f" ] || say "$out.$f missing or empty"
done
n=$(grep -c ' futex(' "$out.strace" 2>/dev/null)
[ "${n:-0}" -gt 0 ] || say "no futex( lines in $out.strace"
grep -q ' clone3\{0,1\}(' "$out.strace" || say "no clone lines in $out.strace"
grep -q -- '<[0-9.]*>$' "$out.strace" || say "no -T durations in $out.strace"
grep -q '^# snapshot [0-9.]* pid [0-9]* ppid [0-9]* comm .* tasks [0-9]' "$out.maps" ||
	say "no snapshot header in $out.maps"
grep -q '^[0-9a-f]*-[0-9a-f]* [-r][-w][-x][ps] ' "$out.maps" ||
	say "no maps lines in $out.maps"
for k in host kernel cpus nodes 'private hash slots' date tool 'tool version' command 'exit status'; do
	grep -q "^$k: ." "$out.meta" || say "key '$k' missing from $out.meta"
done
grep -q '^exit status: 7$' "$out.meta" || say "meta exit status is not 7"

# error paths
expect() {  # expect RC PATTERN ARGS...
	want=$1; pat=$2; shift 2
	err=$("$cap" "$@" 2>&1 >/dev/null)
	got=$?
	if [ "$got" -ne "$want" ] || ! printf '%s' "$err" | grep -q -- "$pat"; then
		say "capture.sh $* -> exit $got, stderr: $err (wanted $want and /$pat/)"
	fi
}
expect 2 "no command" -o "$tmp/x"
expect 2 "no command" -o "$tmp/x" --
expect 2 "no output file" -- true
expect 2 "unknown tool" --tool dtrace -o "$tmp/x" -- true
expect 2 "cannot write" -o "$tmp/no/such/dir/x" -- true
expect 2 "command not found" -o "$tmp/x" -- /no/such/program
expect 2 "unknown option" --bogus -o "$tmp/x" -- true

[ "$fail" -eq 0 ] && echo "check-capture: ok ($n futex calls traced)"
exit "$fail"
