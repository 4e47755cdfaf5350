#!/usr/bin/env bash
# Crash safety on a release build: seeds the small reference data set, then bench/crash_client.py writes
# hour entries and applications over the API while killing the server with SIGKILL at random moments
# (KILLS times, 5 by default) and starting it again; every acknowledged write must survive, and SQLite's
# integrity check must pass. Then a SIGTERM under load: requests in flight must finish.
# Usage: bench/crash.sh [sqlite|postgres]      Prints the CRASH and SIGTERM lines quoted in the README.
set -euo pipefail
cd "$(dirname "$0")/.."
database="${1:-sqlite}"
port=8097
swift build -c release --product korpus >/dev/null
binary=$(pwd)/.build/release/korpus
data_dir=$(mktemp -d)
export KORPUS_DATA_DIR="$data_dir" KORPUS_WORKER=false KORPUS_DEMO_ON_FIRST_START=false LOG_LEVEL=warning
url=""
if [ "$database" = postgres ]; then
  url="$(.ci/start-postgres.sh 54341)"
  export DATABASE_URL="$url"
  export PATH="$PATH:$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
  trap '.ci/stop-postgres.sh' EXIT
fi
"$binary" migrate --yes >/dev/null
"$binary" seed --reference --small >"$data_dir/seed.log"
bench_line=$(grep '^bench:' "$data_dir/seed.log")
volunteer_token=$(sed -E 's/.*volunteer-token=([^ ]+).*/\1/' <<<"$bench_line")
member_token=$(sed -E 's/.*member-token=([^ ]+).*/\1/' <<<"$bench_line")
python3 bench/crash_client.py "$binary" "$port" "$data_dir" "$member_token" "$volunteer_token" "${KILLS:-5}" $url
