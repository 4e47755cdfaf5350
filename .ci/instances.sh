#!/usr/bin/env bash
# Step 4 of .ci/run: two instances of Korpus on one PostgreSQL database (the server .ci/start-postgres.sh
# started on the port given), both running the worker. A browser test (Tests/Browser/test_instances.py)
# signs in through one and goes on through the other; then every e-mail must have been sent exactly once;
# then schemathesis fuzzes the API against its OpenAPI document as a volunteer through one instance and as a
# coordinator through the other (no 5xx, every answer as documented).
# Usage: .ci/instances.sh <postgres port>     (needs .build/debug/korpus, Chromium and AXE_JS as in .ci/run)
set -euo pipefail
cd "$(dirname "$0")/.."
pg_port="$1"
instance_pids=""
trap 'for pid in $instance_pids; do kill "$pid" 2>/dev/null || true; done' EXIT
python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore schemathesis==4.32.5
pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
as_postgres "$pg_bin/dropdb" --if-exists -h 127.0.0.1 -p "$pg_port" -U korpus korpus_instances
as_postgres "$pg_bin/createdb" -h 127.0.0.1 -p "$pg_port" -U korpus korpus_instances
instances_url="postgres://korpus@127.0.0.1:$pg_port/korpus_instances?sslmode=disable"
psql_instances() { "$pg_bin/psql" "$instances_url" -At -c "$1"; }
first_dir=$(mktemp -d)
second_dir=$(mktemp -d)
DATABASE_URL="$instances_url" KORPUS_DATA_DIR="$first_dir" .build/debug/korpus migrate --yes >/dev/null
DATABASE_URL="$instances_url" KORPUS_DATA_DIR="$first_dir" .build/debug/korpus seed --demo >/dev/null
cp "$first_dir/document-signing.key" "$second_dir/"
for n in 1 2; do
  dir=$([ "$n" = 1 ] && echo "$first_dir" || echo "$second_dir")
  DATABASE_URL="$instances_url" KORPUS_DATA_DIR="$dir" KORPUS_BASE_URL="http://127.0.0.1:8091" KORPUS_ALERT_POLL_SECONDS=1 \
    .build/debug/korpus serve --hostname 127.0.0.1 --port "809$n" </dev/null >"$dir/server.log" 2>&1 &
  instance_pids="$instance_pids $!"
done
for n in 1 2; do
  for _ in $(seq 1 60); do curl -fsS "http://127.0.0.1:809$n/health" >/dev/null 2>&1 && break; sleep 1; done
  curl -fsS "http://127.0.0.1:809$n/health" >/dev/null || { cat "$first_dir/server.log" "$second_dir/server.log"; exit 1; }
done
tokens_file="$first_dir/tokens"
KORPUS_BASE_URL="http://127.0.0.1:8091" KORPUS_SECOND_URL="http://127.0.0.1:8092" KORPUS_TOKENS_FILE="$tokens_file" \
  KORPUS_DATA_DIR="$first_dir" python3 -m pytest -q Tests/Browser/test_instances.py || { tail -n 30 "$first_dir/server.log" "$second_dir/server.log"; exit 1; }
# Every message sent once: wait for the outbox to empty, then no message in both folders, as many files as sent.
for _ in $(seq 1 60); do
  [ "$(psql_instances "SELECT COUNT(*) FROM outbox WHERE status IN ('pending', 'sending')")" = 0 ] && break
  sleep 1
done
sent=$(psql_instances "SELECT COUNT(*) FROM outbox WHERE status = 'sent' AND sent_at IS NOT NULL")
files=$(ls "$first_dir/outbox" "$second_dir/outbox" 2>/dev/null | grep -c '\.eml$' || true)
both=$(comm -12 <(ls "$first_dir/outbox" 2>/dev/null | sed 's/^[0-9]*-//' | sort) <(ls "$second_dir/outbox" 2>/dev/null | sed 's/^[0-9]*-//' | sort) | wc -l)
by_first=$(ls "$first_dir/outbox" 2>/dev/null | grep -c '\.eml$' || true)
echo "mail: $sent sent, $files files ($by_first by the first instance), $both sent twice"
[ "$sent" -gt 0 ] && [ "$sent" = "$files" ] && [ "$both" = 0 ] || { echo "mail was not sent exactly once"; exit 1; }
# No message queued twice (an alert or a reminder claimed by both workers would be), and this month's card job
# ran once, on one of the two.
twice=$(psql_instances "SELECT COUNT(*) FROM (SELECT recipient, template, subject FROM outbox GROUP BY 1, 2, 3 HAVING COUNT(*) > 1) AS d")
runs=$(psql_instances "SELECT COUNT(*) FROM card_runs WHERE month = to_char(now() AT TIME ZONE 'Europe/Warsaw', 'YYYY-MM') AND finished_at IS NOT NULL")
echo "jobs: $twice messages queued twice; this month's card job finished $runs time(s)"
[ "$twice" = 0 ] && [ "$runs" = 1 ] || { echo "a background job was not done exactly once"; exit 1; }
# The API, fuzzed as a volunteer through one instance and as a coordinator through the other.
volunteer_token=$(sed -n 1p "$tokens_file")
coordinator_token=$(sed -n 2p "$tokens_file")
for run in "8091 $volunteer_token" "8092 $coordinator_token"; do
  set -- $run
  schemathesis run "http://127.0.0.1:$1/api/openapi.json" --url "http://127.0.0.1:$1" -H "Authorization: Bearer $2" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
    --phases examples,coverage,fuzzing --max-examples 40 --workers 2 --suppress-health-check all --warnings off \
    || { tail -n 30 "$first_dir/server.log" "$second_dir/server.log"; exit 1; }
done
