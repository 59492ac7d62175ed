#!/usr/bin/env bash
# Review-queue benchmark (issue #4), run by hand, not in CI:
#   tests/BulletinMail.Benchmarks/web/queue-bench.sh [UNITS] [ENTRIES_PER_UNIT] [SECONDS]   (default 300 10 20)
# Seeds a fresh database with UNITS units and UNITS×ENTRIES_PER_UNIT pending entries for one period
# (a generated bulletin imported with `entries import`), starts `run`, signs in, and measures the
# queue page of that period with wrk (Debian): one connection (the latency of a page, target under
# 150 ms) and four (throughput on this machine's cores). Prints the page size and the figures.
set -euo pipefail
cd "$(dirname "$0")/../../.."
units=${1:-300}
per_unit=${2:-10}
seconds=${3:-20}
dpkg-query -W -f='${Status}' wrk 2>/dev/null | grep -q "install ok installed" \
  || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wrk >/dev/null; }

work=$(mktemp -d /tmp/bm-queue-bench.XXXXXX)
worker_pid=""
trap 'kill "$worker_pid" 2>/dev/null || true; rm -rf "$work"' EXIT
dll=$(tests/BulletinMail.Benchmarks/publish.sh)
python3 tests/BulletinMail.Benchmarks/web/generate-period.py "$work" "$units" "$per_unit"
cli=(dotnet "$dll" --config "$work/appsettings.json" --data "$work/data")
"${cli[@]}" entries import "$work/report.txt" --period 2026-10
echo "bench-password-1" | "${cli[@]}" users add bench --role editor 2>/dev/null

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
BULLETINMAIL_Web__Urls="http://127.0.0.1:$port" "${cli[@]}" run >"$work/run.log" 2>&1 &
worker_pid=$!
base="http://127.0.0.1:$port"
for _ in $(seq 100); do curl -sf "$base/login" >/dev/null && break; sleep 0.2; done

# Sign in as a browser would: the login form's antiforgery token, then the cookie.
jar="$work/cookies"
token=$(curl -s -c "$jar" -b "$jar" "$base/login" | sed -n 's/.*name="__RequestVerificationToken" type="hidden" value="\([^"]*\)".*/\1/p' | head -n 1)
curl -s -o /dev/null -c "$jar" -b "$jar" --data-urlencode "name=bench" --data-urlencode "password=bench-password-1" --data-urlencode "__RequestVerificationToken=$token" "$base/login"
cookie=$(awk '$6 == "bulletinmail.auth" { print $6 "=" $7 }' "$jar")
url="$base/queue?period=2026-10"

curl -s -H "Cookie: $cookie" -o "$work/queue.html" -w "queue page: HTTP %{http_code}, %{size_download} bytes, first request %{time_total} s\n" "$url"
echo "entries on the page: $(grep -c 'data-entry' "$work/queue.html")"
wrk -t1 -c1 -d5s -H "Cookie: $cookie" "$url" >/dev/null # warm-up: JIT and caches
echo "--- one connection (latency of a page) ---"
wrk -t1 -c1 -d"${seconds}s" --latency -H "Cookie: $cookie" "$url" | grep -E "Latency|50%|90%|99%|Requests/sec"
echo "--- four connections (throughput) ---"
wrk -t2 -c4 -d"${seconds}s" --latency -H "Cookie: $cookie" "$url" | grep -E "Latency|50%|90%|99%|Requests/sec"
echo "worker peak resident memory: $(grep VmHWM /proc/$worker_pid/status | awk '{print $2 / 1024 " MB"}')"
