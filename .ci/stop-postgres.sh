#!/usr/bin/env bash
# Stops the cluster started by start-postgres.sh.
set -u
root="${KORPUS_PG_DIR:-/tmp/korpus-pg}"
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$bin" ] && [ -f "$root/data/postmaster.pid" ] || exit 0
if [ "$(id -u)" = 0 ]; then
  runuser -u postgres -- "$bin/pg_ctl" -D "$root/data" -m fast stop >/dev/null 2>&1
else
  "$bin/pg_ctl" -D "$root/data" -m fast stop >/dev/null 2>&1
fi
exit 0
