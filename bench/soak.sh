#!/usr/bin/env bash
# Soak on a release build with the reference data set: the capacity of a realistic mix (bench/mix.lua:
# searches, offer pages, API reads, hour logging, applications) is measured with wrk for 30 s, then the mix
# runs for SOAK_MINUTES (10) at about 70% of it, with a person signing in through the form every 2 s
# beside it. Prints the latency percentiles, the errors (must be 0) and the resident memory every 10 s;
# after the first 2 minutes (warm-up) its level must stay within 10% (the median of the first minute after
# the warm-up against that of the last; the highest peak is printed too).
# Usage: bench/soak.sh [sqlite|postgres] [--small]
set -euo pipefail
cd "$(dirname "$0")/.."
database="${1:-sqlite}"
size_flag="${2:-}"
port=8096
minutes="${SOAK_MINUTES:-10}"
source bench/setup.sh
bench_prepare "$database" 54338
bench_seed $size_flag
export MIX_VOLUNTEER_TOKEN="$volunteer_token" MIX_MEMBER_TOKEN="$member_token"
"$binary" serve --hostname 127.0.0.1 --port "$port" >"$data_dir/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; [ "$database" = postgres ] && .ci/stop-postgres.sh; true' EXIT
for _ in $(seq 1 60); do curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break; sleep 0.5; done
base="http://127.0.0.1:$port"
# What the mix needs: offers to open and apply to, the member's engagement and its days.
export MIX_OFFERS="$data_dir/offers"
for page in $(seq 1 25); do curl -fsS "$base/api/v1/offers?page=$page" | python3 -c 'import json,sys; [print(o["id"]) for o in json.load(sys.stdin)["items"]]'; done >"$MIX_OFFERS"
read -r MIX_ENGAGEMENT MIX_DAYS < <(curl -fsS -H "Authorization: Bearer $MIX_MEMBER_TOKEN" "$base/api/v1/hours?limit=1000" | python3 -c '
import json, sys
items = json.load(sys.stdin)["items"]
engagement = items[0]["engagementID"]
print(engagement, ",".join(sorted({i["workedOn"] for i in items if i["engagementID"] == engagement})))')
export MIX_ENGAGEMENT MIX_DAYS

wrk -t2 -c32 -d5s -s bench/mix.lua "$base" >/dev/null
capacity=$(MIX_DELAY_MS=0 wrk -t2 -c32 -d30s -s bench/mix.lua "$base" | grep '^MIX')
echo "capacity: $capacity"
rps=$(sed -E 's/.* rps=([0-9]+).*/\1/' <<<"$capacity")
target=$((rps * 70 / 100))
# 32 connections, each pausing before its next request so that together they send about `target` requests a
# second: a pause of 32/target s less the time an answer takes, found by two 15 s trials.
delay=$((32 * 1000 / (target > 0 ? target : 1)))
for _ in 1 2; do
  trial=$(MIX_DELAY_MS=$delay wrk -t2 -c32 -d15s -s bench/mix.lua "$base" | grep '^MIX')
  achieved=$(sed -E 's/.* rps=([0-9]+).*/\1/' <<<"$trial")
  delay=$((delay * achieved / (target > 0 ? target : 1)))
done
echo "soak: ${minutes} min at about $target req/s (70% of $rps), a pause of $delay ms per connection"

# Sign-ins through the form every 2 s (bcrypt makes them heavy; people sign in far less often than they search).
python3 - "$base" "$((minutes * 60))" >"$data_dir/signins" <<'PY' &
import http.cookiejar, re, sys, time, urllib.parse, urllib.request
base, seconds = sys.argv[1], int(sys.argv[2])
ok = failed = 0
times = []
end = time.time() + seconds
number = 0
while time.time() < end:
    number += 1
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    started = time.time()
    try:
        page = opener.open(base + "/logowanie", timeout=30).read().decode()
        token = re.search(r'name="_csrf" value="([^"]+)"', page).group(1)
        # A person of the reference data set (password Korpus-demo-2026) signs in and reaches their account page.
        data = urllib.parse.urlencode({"_csrf": token, "email": f"ref.volunteer{number % 500}@reference.korpus.local",
                                       "password": "Korpus-demo-2026"}).encode()
        landed = opener.open(base + "/logowanie", data=data, timeout=30)
        if "/konto" not in landed.geturl():
            raise RuntimeError("not signed in")
        ok += 1
        times.append(time.time() - started)
    except Exception:
        failed += 1
    time.sleep(2)
times.sort()
print(f"SIGNIN attempts={ok + failed} errors={failed} p50={times[len(times) // 2] * 1000 if times else 0:.0f}ms")
PY
signins=$!

# Resident memory every 10 s.
(while kill -0 "$server" 2>/dev/null; do awk '/VmRSS/ {print $2}' "/proc/$server/status"; sleep 10; done) >"$data_dir/rss" &
sampler=$!
result=$(MIX_DELAY_MS=$delay wrk -t2 -c32 -d"${minutes}m" --timeout 10s -s bench/mix.lua "$base" | grep '^MIX')
wait "$signins" || true
kill "$sampler" 2>/dev/null || true
echo "soak: $result"
cat "$data_dir/signins"
python3 - "$data_dir/rss" <<'PY'
import statistics, sys
samples = [int(line) / 1024 for line in open(sys.argv[1]) if line.strip()]
warm = samples[12:] or samples
# The level memory stays at, a minute after the warm-up and in the last minute (medians of 6 samples:
# single samples also catch the short peaks of requests in flight, which come and go).
start, end = statistics.median(warm[:6]), statistics.median(warm[-6:])
drift = (end - start) / start * 100
print(f"RSS after warm-up (MiB, every 10 s): {' '.join(f'{s:.0f}' for s in warm)}")
print(f"RSS level: {start:.0f} MiB after warm-up, {end:.0f} MiB at the end ({drift:+.1f}%); lowest {min(warm):.0f}, highest peak {max(warm):.0f}")
print("RSS flat within 10%:", "yes" if abs(drift) <= 10 else "NO")
PY
