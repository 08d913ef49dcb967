#!/bin/sh
# check-capture.sh [FUTEXSIM] - workloads/capture.sh's contract: it
# traces a tiny multi-threaded program (futex lines in FILE.strace, maps
# snapshots in FILE.maps, the expected keys in FILE.meta), passes the
# command's exit status through, and rejects bad usage with exit 2.  Then
# the capture, a program not in the bundle, goes through what the bundled
# traces go through: import (with its maps), stats, open-loop replay with
# an occupancy series, closed-loop replay (at most 1% of the waits may
# diverge), and
# the plots.  The same for --tool perf and --tool bpftrace where they can
# run here (each says so when it cannot).
# Prints "skipped: strace not installed" and exits 0 without strace.
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
cap=$here/workloads/capture.sh
fx=${1:-}
if [ -z "$fx" ]; then
	fx=$(ls -t "$here"/build/futexsim "$here"/build-*/futexsim 2>/dev/null | head -n 1)
fi
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

# --- the capture through the whole pipeline ------------------------------
# pipeline TOOL FILE: import, stats, replays, plots of a capture
pipeline() {
	tool=$1; f=$2
	case $tool in
	strace) set -- --from strace "$f.strace" --maps "$f.maps" ;;
	perf) set -- --from perf "$f.perf" ;;
	bpftrace) set -- --from bpftrace "$f.bpftrace" ;;
	esac
	"$fx" trace import "$@" -o "$f.fxt" 2>"$tmp/imp.err" ||
		{ say "$tool: import failed: $(cat "$tmp/imp.err")"; return; }
	"$fx" trace stats "$f.fxt" >"$tmp/stats" 2>&1 ||
		say "$tool: trace stats failed: $(cat "$tmp/stats")"
	calls=$(sed -n 's/^records [0-9]*, futex calls \([0-9]*\).*/\1/p' "$tmp/stats")
	[ "${calls:-0}" -gt 100 ] || say "$tool: only ${calls:-no} futex calls in the stats"
	"$fx" trace replay "$f.fxt" --hash jhash2,xxh3 --layout global,private \
		--sample 64 --out "$f.replay.csv" --series "$f.series.csv" \
		>"$tmp/replay" 2>&1 ||
		say "$tool: open-loop replay failed: $(cat "$tmp/replay")"
	rows=$(grep -c '^[^#]' "$f.replay.csv" 2>/dev/null)
	[ "${rows:-0}" -eq 5 ] || say "$tool: replay CSV has ${rows:-no} lines, wanted header + 4"
	"$fx" run -q --workload trace --topology "package:1 core:4 pu:1" \
		--seed 1 --out "$f.closed.csv" -- -f "$f.fxt" >"$tmp/closed" 2>&1 ||
		say "$tool: closed-loop replay failed: $(cat "$tmp/closed")"
	# w_waits, w_div_total and the classes: every wait accounted for,
	# at most 1% diverged (0-2 of ~4,000 in practice, with every tool)
	res=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i }
		NR == 2 { print $c["w_waits"], $c["w_div_total"], $c["w_div_not_woken"] + $c["w_div_woken_differently"] + $c["w_div_eagain_mismatch"] + $c["w_div_not_reached"] }' "$f.closed.csv" 2>/dev/null)
	set -- $res
	if [ "${1:-0}" -lt 100 ] || [ "${2:-x}" != "${3:-y}" ] ||
	   [ "${2:-1}" -gt $((${1:-0} / 100)) ]; then
		say "$tool: closed loop: ${1:-?} waits, ${2:-?} diverged (classes adding up to ${3:-?}; wanted at most 1%)"
	fi
	if command -v gnuplot >/dev/null 2>&1; then
		sh "$here/scripts/plot.sh" trace-collisions -o "$tmp/fig-$tool" "$f.replay.csv" >/dev/null 2>"$tmp/plot.err" &&
		sh "$here/scripts/plot.sh" replay-series "$f.series.csv" "$tmp/fig-$tool" >/dev/null 2>>"$tmp/plot.err" ||
			say "$tool: plots failed: $(cat "$tmp/plot.err")"
		ls "$tmp/fig-$tool"/*.svg >/dev/null 2>&1 || say "$tool: no figures"
	fi
	echo "check-capture: $tool: ${calls:-?} calls; closed loop: ${1:-?} waits, ${2:-?} diverged"
}
if [ -x "$fx" ] && [ -n "$prog" ]; then
	pipeline strace "$out"
	if command -v perf >/dev/null 2>&1 &&
	   perf trace -e 'futex*' -o /dev/null -- true >/dev/null 2>&1; then
		# shellcheck disable=SC2086
		"$cap" --tool perf -o "$tmp/p" -- $prog >/dev/null 2>"$tmp/perr"
		rc=$?
		[ "$rc" -eq 7 ] || say "perf: exit status $rc, wanted 7 ($(cat "$tmp/perr"))"
		grep -q '^tool: perf$' "$tmp/p.meta" || say "perf: meta has no 'tool: perf'"
		pipeline perf "$tmp/p"
	else
		echo "check-capture: perf skipped: perf trace cannot run here"
	fi
	if command -v bpftrace >/dev/null 2>&1 &&
	   bpftrace -e 'BEGIN { exit(); }' >/dev/null 2>&1; then
		# shellcheck disable=SC2086
		"$cap" --tool bpftrace -o "$tmp/b" -- $prog >/dev/null 2>"$tmp/berr"
		rc=$?
		[ "$rc" -eq 7 ] || say "bpftrace: exit status $rc, wanted 7 ($(cat "$tmp/berr"))"
		pipeline bpftrace "$tmp/b"
	else
		echo "check-capture: bpftrace skipped: not installed or cannot attach here"
	fi
else
	echo "check-capture: pipeline skipped: no futexsim binary (give it as \$1)"
fi

[ "$fail" -eq 0 ] && echo "check-capture: ok ($n futex calls traced)"
exit "$fail"
