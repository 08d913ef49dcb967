#!/bin/sh
# shellcheck disable=SC2086 # "set -- $all" splits the list on purpose
# record.sh [NAME...]: re-record the bundled traces on this host with
# workloads/capture.sh, then compress them (xz -9) in place:
#   workloads/traces/NAME/NAME.strace.xz NAME.maps.xz NAME.meta
# Without NAME, records them all.  Needs the packages of
# record-packages.txt; postgres-pgbench needs root (runuser -u postgres).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
cap=$here/../capture.sh
all="python-threadpool xz-mt zstd-mt sort-parallel node-threadpool java-gc postgres-pgbench"
[ $# -gt 0 ] || set -- $all
classes=${TMPDIR:-/tmp}/futexsim-java-gc
for name in "$@"; do
	cd "$here/$name"
	rm -f "$name.strace" "$name.maps" "$name.strace.xz" "$name.maps.xz"
	echo "== $name"
	case $name in
	python-threadpool)
		py=/usr/bin/python3; [ -x "$py" ] || py=python3	# not a pyenv shim
		"$cap" -o "$name" -- "$py" pool.py 20000 ;;
	xz-mt)
		"$cap" -o "$name" -- sh -c 'seq 1 2000000 | xz -T2 --block-size=64KiB -3 -c >/dev/null' ;;
	zstd-mt)
		"$cap" -o "$name" -- sh -c 'seq 1 3000000 | zstd -T2 -B1MiB -12 -c >/dev/null' ;;
	sort-parallel)
		"$cap" -o "$name" -- sh -c 'seq 1 1000000 | sed "s/^\(.*\)\(.\)$/\2\1/" | sort --parallel=4 -S 64M >/dev/null' ;;
	node-threadpool)
		"$cap" -o "$name" -- env UV_THREADPOOL_SIZE=4 node pool.js ;;
	java-gc)
		mkdir -p "$classes" && javac -d "$classes" GcChurn.java
		"$cap" -o "$name" -- java -Xmx64m -XX:+UseParallelGC -XX:ParallelGCThreads=2 \
			-cp "$classes" GcChurn 2000000 ;;
	postgres-pgbench)
		sh setup.sh /tmp/futexsim-pg
		"$cap" -o "$name" -- sh run.sh /tmp/futexsim-pg 3 ;;
	*) echo "record.sh: unknown trace '$name'; expected one of: $all" >&2; exit 2 ;;
	esac
	xz -9 -f "$name.strace" "$name.maps"
done
