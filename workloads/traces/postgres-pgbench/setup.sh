#!/bin/sh
# setup.sh [PGDATA]: a throw-away PostgreSQL cluster for run.sh, owned by the
# postgres user, initialised with pgbench's tables (scale 2).  Not traced.
set -eu
pgdata=${1:-/tmp/futexsim-pg}
bin=$(ls -d /usr/lib/postgresql/*/bin | tail -n 1)
sock=$pgdata.sock
rm -rf "$pgdata" "$sock"
mkdir -p "$pgdata" "$sock"
chown postgres:postgres "$pgdata" "$sock"
runuser -u postgres -- "$bin/initdb" -A trust -D "$pgdata" >/dev/null
runuser -u postgres -- "$bin/pg_ctl" -s -w -D "$pgdata" -o "-k $sock -c listen_addresses=''" -l "$pgdata.log" start
runuser -u postgres -- pgbench -q -i -s 2 -h "$sock" postgres >/dev/null 2>&1
runuser -u postgres -- "$bin/pg_ctl" -s -w -D "$pgdata" stop
