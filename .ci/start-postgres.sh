#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster on loopback for the database tests and prints its URL.
# Usage: .ci/start-postgres.sh [port]   (stop it with: .ci/stop-postgres.sh)
set -euo pipefail
port="${1:-54329}"
root="${KORPUS_PG_DIR:-/tmp/korpus-pg}"
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq postgresql >/dev/null
fi
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
run_as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
if [ -f "$root/data/postmaster.pid" ]; then
  run_as_postgres "$bin/pg_ctl" -D "$root/data" -m fast stop >/dev/null 2>&1 || true
fi
rm -rf "$root"
mkdir -p "$root"
[ "$(id -u)" = 0 ] && chown postgres:postgres "$root"
run_as_postgres "$bin/initdb" -D "$root/data" -U korpus --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
run_as_postgres "$bin/pg_ctl" -D "$root/data" -l "$root/log" -w \
  -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$root -c max_connections=500 -c fsync=on" start >/dev/null
run_as_postgres "$bin/createdb" -h 127.0.0.1 -p "$port" -U korpus korpus_test
echo "postgres://korpus@127.0.0.1:$port/korpus_test?sslmode=disable"
