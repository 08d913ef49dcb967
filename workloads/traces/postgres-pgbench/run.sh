#!/bin/sh
# run.sh [PGDATA] [SECONDS]: the traced part.  Starts the postmaster in the
# foreground of this process tree (so that capture.sh's strace -f follows
# every backend), runs pgbench with 4 clients on 2 threads for SECONDS
# (default 3) over the Unix socket, then shuts the server down (fast).
set -u
pgdata=${1:-/tmp/futexsim-pg}
secs=${2:-3}
bin=$(ls -d /usr/lib/postgresql/*/bin | tail -n 1)
sock=$pgdata.sock
runuser -u postgres -- "$bin/postgres" -D "$pgdata" -k "$sock" -c listen_addresses='' \
	2>>"$pgdata.log" &
server=$!
i=0
until runuser -u postgres -- "$bin/pg_isready" -q -h "$sock"; do
	i=$((i + 1)); [ "$i" -lt 100 ] || { echo "server did not start" >&2; kill "$server"; exit 1; }
	sleep 0.1
done
runuser -u postgres -- pgbench -c 4 -j 2 -T "$secs" -h "$sock" postgres
rc=$?
pid=$(head -n 1 "$pgdata/postmaster.pid")
kill -INT "$pid"
wait "$server"
exit "$rc"
