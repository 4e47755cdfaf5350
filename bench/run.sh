#!/usr/bin/env bash
# Measures Korpus on a release build with the reference data set of DESIGN.md:
#   - how long `korpus seed --reference` takes (100,000 volunteers, 20,000 organisations, 100,000 offers,
#     200,000 applications);
#   - the offer search page and the JSON search (a word, a voivodeship, 25 km around a locality) and, for
#     comparison, a constant JSON route, each with wrk: 2 threads, 32 connections, 20 s, on loopback;
#   - the matching service over the API: a volunteer's top 20 recommendations and the top 20 offers of help
#     for an offer, with the access tokens the seed prints;
#   - a volunteer's membership status (a year of hours among 1,000,000 entries), confirming 100 entries at
#     once, and the monthly Volunteer Card job over all volunteers;
#   - the server's resident memory after the runs.
# Usage: bench/run.sh [sqlite|postgres] [--small]     (postgres starts a throwaway server with .ci/start-postgres.sh)
# Prints a Markdown table row per measurement; the figures in the README come from it.
set -euo pipefail
cd "$(dirname "$0")/.."
database="${1:-sqlite}"
size_flag="${2:-}"
port=8099
duration="${BENCH_DURATION:-20s}"
source bench/setup.sh
bench_prepare "$database" 54339
bench_seed $size_flag
cat "$data_dir/seed.log"
"$binary" serve --hostname 127.0.0.1 --port "$port" >"$data_dir/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; [ "$database" = postgres ] && .ci/stop-postgres.sh; true' EXIT
for _ in $(seq 1 60); do curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break; sleep 0.5; done
cat > "$data_dir/p95.lua" <<'LUA'
done = function(summary, latency, requests)
  io.write(string.format("RESULT %.0f %.2f %.2f %d\n", summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
LUA
measure() {
  local name="$1" path="$2" token="${3:-}"
  local auth=()
  [ -n "$token" ] && auth=(-H "Authorization: Bearer $token")
  curl -fsS -o /dev/null "${auth[@]}" "http://127.0.0.1:$port$path"
  wrk -t2 -c32 -d5s "${auth[@]}" "http://127.0.0.1:$port$path" >/dev/null
  local line
  line=$(wrk -t2 -c32 -d"$duration" "${auth[@]}" -s "$data_dir/p95.lua" "http://127.0.0.1:$port$path" | grep '^RESULT')
  read -r _ rps p50 p95 errors <<<"$line"
  printf '| %s | %s | %s | %s ms | %s ms | %s |\n' "$database" "$name" "$rps" "$p50" "$p95" "$errors"
}
echo "seed --reference $size_flag on $database: ${seed_seconds} s"
echo
echo "| database | route | requests/s | p50 | p95 | errors |"
echo "| --- | --- | --- | --- | --- | --- |"
measure "constant JSON (/api/v1/voivodeships)" "/api/v1/voivodeships"
measure "JSON search" "/api/v1/offers?q=senior&voivodeship=14&locality=warszawa&distance=25"
measure "search page" "/oferty?q=senior&wojewodztwo=14&miejscowosc=warszawa&odleglosc=25"
measure "recommendations (API)" "/api/v1/recommendations" "$volunteer_token"
measure "fitting volunteers (API)" "/api/v1/offers/$bench_offer/volunteers" "$coordinator_token"
measure "membership status of a volunteer with a year of hours (API)" "/api/v1/membership" "$member_token"
# One request at a time: how long computing one volunteer's status takes, HTTP included.
line=$(wrk -t1 -c1 -d10s -H "Authorization: Bearer $member_token" -s "$data_dir/p95.lua" "http://127.0.0.1:$port/api/v1/membership" | grep '^RESULT')
read -r _ rps p50 p95 errors <<<"$line"
printf '| %s | %s | %s | %s ms | %s ms | %s |\n' "$database" "membership status, one connection" "$rps" "$p50" "$p95" "$errors"
echo
# Confirming 100 waiting entries at once, ten times, each timed by curl.
base="http://127.0.0.1:$port/api/v1/organisations/$hours_organisation/hours"
curl -fsS -H "Authorization: Bearer $hours_token" "$base?status=pending&limit=1000" >"$data_dir/pending.json"
times=()
for batch in $(seq 0 9); do
  python3 -c "import json,sys; items=json.load(open(sys.argv[1]))['items']; print(json.dumps({'entries': [i['id'] for i in items[int(sys.argv[2])*100:(int(sys.argv[2])+1)*100]]}))" \
    "$data_dir/pending.json" "$batch" >"$data_dir/batch.json"
  times+=("$(curl -fsS -o /dev/null -w '%{time_total}' -H "Authorization: Bearer $hours_token" -H 'Content-Type: application/json' \
    --data @"$data_dir/batch.json" "$base/confirm")")
done
sorted=$(printf '%s\n' "${times[@]}" | sort -n)
echo "confirming 100 entries at once (10 batches): median $(sed -n 5p <<<"$sorted") s, slowest $(tail -1 <<<"$sorted") s"
# The monthly card job over all volunteers, while the server runs.
"$binary" cards | grep '^cards:'
echo
echo "resident memory after the runs: $(( $(ps -o rss= -p $server) / 1024 )) MiB"
