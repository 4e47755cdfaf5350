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
source bench/setup.sh
bench_prepare "$database" 54341
bench_seed --small
python3 bench/crash_client.py "$binary" "$port" "$data_dir" "$member_token" "$volunteer_token" "${KILLS:-5}" ${DATABASE_URL:-}
