# The set-up the bench scripts share (sourced, from the repository's root): wrk, the release build, a fresh
# data directory, a throwaway PostgreSQL server when asked, the migrations, the reference data set and the
# access tokens its seed prints.
#   bench_prepare <sqlite|postgres> <postgres port>   sets binary, data_dir; exports the settings
#   bench_seed [--small]                               seeds; sets seed_seconds and the *_token variables
bench_prepare() {
  local database="$1" pg_port="$2"
  command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
  swift build -c release --product korpus >/dev/null
  binary="$(pwd)/.build/release/korpus"
  data_dir=$(mktemp -d)
  export KORPUS_DATA_DIR="$data_dir" KORPUS_WORKER=false KORPUS_DEMO_ON_FIRST_START=false LOG_LEVEL=warning
  if [ "$database" = postgres ]; then
    export DATABASE_URL="$(.ci/start-postgres.sh "$pg_port")"
    export PATH="$PATH:$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
    trap '.ci/stop-postgres.sh' EXIT
  fi
  "$binary" migrate --yes >/dev/null
}

bench_seed() {
  local start
  start=$(date +%s.%N)
  "$binary" seed --reference "$@" >"$data_dir/seed.log"
  seed_seconds=$(echo "$(date +%s.%N) - $start" | bc)
  local line
  line=$(grep '^bench:' "$data_dir/seed.log")
  volunteer_token=$(sed -E 's/.*volunteer-token=([^ ]+).*/\1/' <<<"$line")
  coordinator_token=$(sed -E 's/.*coordinator-token=([^ ]+).*/\1/' <<<"$line")
  bench_offer=$(sed -E 's/.* offer=([^ ]+).*/\1/' <<<"$line")
  member_token=$(sed -E 's/.*member-token=([^ ]+).*/\1/' <<<"$line")
  hours_token=$(sed -E 's/.*hours-token=([^ ]+).*/\1/' <<<"$line")
  hours_organisation=$(sed -E 's/.*hours-organisation=([^ ]+).*/\1/' <<<"$line")
}
