#!/bin/sh
# shellcheck disable=SC2086 # "set -- $rest" splits /proc/PID/stat into fields on purpose
# capture.sh [--tool strace|perf|bpftrace] [--interval SECS] -o FILE -- CMD...
#
# Record the futex activity of CMD and of its whole process tree, for
# replay by futexsim:
#   FILE.strace  --tool strace (default): strace -f -ttt -T of the
#                futex-related system calls
#   FILE.perf    --tool perf: perf trace -e 'futex*' (less slowdown; no
#                process events, timeouts and pids; see docs/trace-import.md)
#   FILE.bpftrace --tool bpftrace: workloads/futex.bt on CMD's process tree
#                (needs root; the least slowdown, timeouts included)
#   FILE.maps    timestamped /proc/PID/maps snapshots of every process of
#                the tree (polled every ~50 ms; a process's maps are written
#                again only when they changed), so that shared futexes can be
#                given their file/inode identity
#   FILE.meta    "key: value" lines describing the host and the run
# The exit status is CMD's.  Usage errors exit 2, a missing tracer 127.
# See docs/capture.md (and the tracer's slowdown there).
set -u

prog=capture.sh
usage() {
	echo "usage: $prog [--tool strace|perf|bpftrace] [--interval SECS] -o FILE -- CMD [ARG...]" >&2
	exit 2
}
die() { echo "$prog: $*" >&2; exit 2; }

tool=strace
out=
interval=0.05
while [ $# -gt 0 ]; do
	case $1 in
	--tool) [ $# -ge 2 ] || usage; tool=$2; shift 2 ;;
	--tool=*) tool=${1#--tool=}; shift ;;
	-o) [ $# -ge 2 ] || usage; out=$2; shift 2 ;;
	-o*) out=${1#-o}; shift ;;
	--interval) [ $# -ge 2 ] || usage; interval=$2; shift 2 ;;
	-h|--help)
		sed -n '3,15s/^# \{0,1\}//p' "$0"; exit 0 ;;
	--) shift; break ;;
	-*) echo "$prog: unknown option '$1'" >&2; usage ;;
	*) break ;;
	esac
done

here=$(cd "$(dirname "$0")" && pwd)
case $tool in
strace) need=strace; deb=strace ;;
perf) need=perf; deb=linux-perf ;;
bpftrace) need=bpftrace; deb=bpftrace ;;
*) die "unknown tool '$tool'; expected one of: strace perf bpftrace" ;;
esac
[ -n "$out" ] || { echo "$prog: no output file (-o FILE)" >&2; usage; }
[ $# -gt 0 ] || { echo "$prog: no command to trace (give it after --)" >&2; usage; }
command -v "$1" >/dev/null 2>&1 || die "command not found: $1"
if ! command -v "$need" >/dev/null 2>&1; then
	echo "$prog: $need is not installed (Debian: apt-get install -y $deb)" >&2
	exit 127
fi
if [ "$tool" = bpftrace ] && [ ! -r "$here/futex.bt" ]; then
	die "cannot read $here/futex.bt (the bpftrace script)"
fi
for f in "$out.$tool" "$out.maps" "$out.meta"; do
	( : >"$f" ) 2>/dev/null || die "cannot write '$f' (missing directory or no permission)"
done

# futex_wait/futex_wake/futex_requeue (Linux 6.7) are unknown to strace < 6.7:
# the '?' prefix makes strace skip a name it does not know instead of failing.
syscalls='futex,?futex_waitv,?futex_wait,?futex_wake,?futex_requeue,set_robust_list,set_tid_address,clone,?clone3,exit,exit_group,mmap'
now() { date +%s.%N 2>/dev/null || date +%s; }

# --- host metadata --------------------------------------------------------
nodes=0
for n in /sys/devices/system/node/node[0-9]*; do
	[ -d "$n" ] && nodes=$((nodes + 1))
done
[ "$nodes" -gt 0 ] || nodes=1
# The private (per-process) futex hash of Linux >= 6.16: ask the kernel
# (prctl PR_FUTEX_HASH = 78, PR_FUTEX_HASH_GET_SLOTS = 2) from a process that
# has just started a second thread, which is when the kernel allocates it.
slots=unknown
if command -v python3 >/dev/null 2>&1; then
	s=$(python3 - 2>/dev/null <<'EOF'
import ctypes, threading
libc = ctypes.CDLL(None, use_errno=True)
ev = threading.Event()
t = threading.Thread(target=ev.wait); t.start()
r = libc.prctl(78, 2, 0, 0, 0)
ev.set(); t.join()
print(r if r > 0 else "unknown")
EOF
	) && [ -n "$s" ] && slots=$s
fi
quote_cmd() {
	q=
	for a in "$@"; do
		case $a in
		*[!A-Za-z0-9_./=:,+@%-]*|'') a="'$(printf '%s' "$a" | sed "s/'/'\\\\''/g")'" ;;
		esac
		q="$q${q:+ }$a"
	done
	printf '%s' "$q"
}
{
	echo "host: $(hostname 2>/dev/null || uname -n)"
	echo "kernel: $(uname -r)"
	echo "arch: $(uname -m)"
	echo "cpus: $(nproc 2>/dev/null || getconf _NPROCESSORS_ONLN)"
	echo "cpus possible: $(cat /sys/devices/system/cpu/possible 2>/dev/null || echo unknown)"
	echo "nodes: $nodes"
	echo "private hash slots: $slots"
	echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
	echo "tool: $tool"
	case $tool in
	strace)
		echo "syscalls: $syscalls"
		echo "tool version: $(strace -V 2>/dev/null | sed -n 1p)" ;;
	perf)
		echo "syscalls: futex*"
		echo "tool version: $(perf --version 2>/dev/null | sed -n 1p)" ;;
	bpftrace)
		echo "syscalls: futex, futex_waitv, futex_wait, futex_wake, futex_requeue (workloads/futex.bt)"
		echo "tool version: $(bpftrace --version 2>/dev/null | sed -n 1p)" ;;
	esac
	echo "maps interval: $interval"
	echo "command: $(quote_cmd "$@" | sed ':a;N;$!ba;s/\n/\\n/g')"
} >"$out.meta"

# --- the traced run -------------------------------------------------------
# --seccomp-bpf (strace >= 5.3) stops the tracee only at the traced system
# calls, not at every system call: a large part of strace's slowdown.
seccomp=
start=$(now)
case $tool in
strace)
	strace --seccomp-bpf -f -e trace=futex -o /dev/null true >/dev/null 2>&1 && seccomp=--seccomp-bpf
	strace $seccomp -f -ttt -T \
		-e "trace=$syscalls" \
		-o "$out.strace" -- "$@" &
	;;
perf|bpftrace)
	# Neither returns the command's exit status, and bpftrace -c splits
	# its command at blanks: a small script runs the command and notes
	# its status.  perf trace follows the children of the command it
	# starts; futex.bt follows the process tree of bpftrace's child.
	wrap=$(mktemp "${TMPDIR:-/tmp}/capture-run.XXXXXX") ||
		die "cannot create a temporary file"
	{
		echo "$(quote_cmd "$@")"
		echo 's=$?'
		echo "echo \$s >$(quote_cmd "$out.status")"
		echo 'exit $s'
	} >"$wrap"
	if [ "$tool" = perf ]; then
		perf trace -e 'futex*' -o "$out.perf" -- /bin/sh "$wrap" &
	else
		bpftrace -o "$out.bpftrace" -c "/bin/sh $wrap" \
			"$here/futex.bt" 0 2>"$out.bpftrace.err" &
	fi
	;;
esac
tracer=$!

# Poll the tree under the tracer: the descendants of the tracer (from one
# ps, or from /proc/PID/stat without ps), then each descendant's task list
# and maps.  A process's maps are appended only when their checksum changed
# since its last snapshot.  One poll costs a few ms of CPU (ps, awk, a
# cksum per process), i.e. ~10% of a CPU at the default 50 ms.
descendants() {
	if [ "$have_ps" = 1 ]; then
		ps -e -o pid= -o ppid=
	else
		for st in /proc/[0-9]*/stat; do
			line=
			read -r line 2>/dev/null <"$st" || continue
			rest=${line##*) }
			set -- $rest
			p=${st#/proc/}; p=${p%/stat}
			echo "$p $2"
		done
	fi | awk -v root="$tracer" '
		{ par[$1] = $2 }
		END {
			in_tree[root] = 1; grew = 1
			while (grew) {
				grew = 0
				for (p in par)
					if (!(p in in_tree) && (par[p] in in_tree)) { in_tree[p] = 1; grew = 1 }
			}
			for (p in in_tree) if (p != root) printf "%s ", p
		}'
}
have_ps=0
ps -e -o pid= -o ppid= >/dev/null 2>&1 && have_ps=1
poll() {
	sums=" "
	maps_tmp=$out.maps.tmp.$$
	while kill -0 "$tracer" 2>/dev/null; do
		tree=$(descendants)
		ts=$(now)
		for p in $tree; do
			sum=$(cksum 2>/dev/null <"/proc/$p/maps") || continue
			sum=${sum%% *}
			tasks=
			for t in "/proc/$p/task/"[0-9]*; do
				[ -e "$t" ] && tasks="$tasks${tasks:+ }${t##*/}"
			done
			[ -n "$tasks" ] || continue
			case $sums in
			*" $p=$sum "*)
				echo "# seen $ts pid $p tasks $tasks" >>"$out.maps" ;;
			*)
				cat "/proc/$p/maps" >"$maps_tmp" 2>/dev/null || continue
				[ -s "$maps_tmp" ] || continue
				comm=; read -r comm 2>/dev/null <"/proc/$p/comm"
				ppid=; line=; read -r line 2>/dev/null <"/proc/$p/stat"
				rest=${line##*) }; set -- $rest; ppid=${2:-}
				{
					echo "# snapshot $ts pid $p ppid ${ppid:-?} comm $comm tasks $tasks"
					cat "$maps_tmp"
					echo "# end $p"
				} >>"$out.maps"
				sums=$(echo "$sums" | sed "s/ $p=[0-9]* / /")"$p=$sum "
				;;
			esac
		done
		sleep "$interval" 2>/dev/null || sleep 1
	done
	rm -f "$maps_tmp"
}
{
	echo "# futexsim capture maps v1: start $start tracer $tracer"
	echo "# '# snapshot TS pid P ppid Q comm C tasks T...' then /proc/P/maps, '# end P';"
	echo "# '# seen TS pid P tasks T...' = maps unchanged since P's last snapshot"
} >"$out.maps"
poll &
poller=$!

trap 'kill -TERM "$tracer" 2>/dev/null' INT TERM HUP
wait "$tracer"
status=$?
# wait returns >128 when interrupted by a trapped signal: wait again
while kill -0 "$tracer" 2>/dev/null; do wait "$tracer"; status=$?; done
wait "$poller" 2>/dev/null
end=$(now)
if [ "$tool" != strace ]; then
	st=
	read -r st 2>/dev/null <"$out.status"
	rm -f "$out.status" "$wrap"
	if [ -n "$st" ]; then
		status=$st
	else
		echo "$prog: $tool did not run the command to its end" >&2
		[ "$status" -ne 0 ] || status=1
	fi
fi
if [ "$tool" = bpftrace ]; then
	# bpftrace's own notes (RLIMIT_MEMLOCK warnings) are kept; an attach
	# failure leaves no E lines: say so
	if ! grep -q '^E ' "$out.bpftrace" 2>/dev/null; then
		echo "$prog: bpftrace recorded no futex calls; its messages:" >&2
		cat "$out.bpftrace.err" >&2
	fi
	rm -f "$out.bpftrace.err"
fi
{
	case $tool in
	strace) echo "strace options: ${seccomp:-(no --seccomp-bpf)} -f -ttt -T" ;;
	perf) echo "perf options: trace -e 'futex*'" ;;
	bpftrace) echo "bpftrace options: -c CMD workloads/futex.bt 0" ;;
	esac
	echo "start: $start"
	echo "end: $end"
	echo "exit status: $status"
} >>"$out.meta"
exit "$status"
