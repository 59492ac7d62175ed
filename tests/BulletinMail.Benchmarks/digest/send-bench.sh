#!/usr/bin/env bash
# Delivery benchmark (issue #5), run by hand, not in CI:
#   tests/BulletinMail.Benchmarks/digest/send-bench.sh [COUNT]   (default 10000)
# Compiles bulletin-021 (with an editors' section, ~30 KB as mailed: HTML + text) for COUNT
# subscribers, then in the same run times `bulletinmail digest send` into Postfix's smtp-sink on
# loopback with 4 connections, and Postfix's smtp-source sending COUNT messages of the same size
# over 4 sessions to the same sink. Prints both rates, their ratio (target: at least 0.5) and
# digest send's peak resident memory (target: under 200 MB).
set -euo pipefail
cd "$(dirname "$0")/../../.."
count=${1:-10000}
for package in postfix sqlite3 bc time; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || {
    echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$package" >/dev/null
  }
done

work=$(mktemp -d /tmp/bm-send-bench.XXXXXX)
chmod 755 "$work"
sink_pid=""
trap 'kill "$sink_pid" 2>/dev/null || true; [ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
dll=$(tests/BulletinMail.Benchmarks/publish.sh)
bm=(dotnet "$dll" --config config/appsettings.json --data "$work/data")
export BULLETINMAIL_Logging__LogLevel__Default=Warning

"${bm[@]}" entries import tests/fixtures/bulletin-021.txt --period 2016-06 >/dev/null
"${bm[@]}" entries approve --period 2016-06 --all >/dev/null
sqlite3 "$work/data/bulletinmail.db" "INSERT INTO editorials (period, position, heading, markdown, updated_at, updated_by)
  VALUES ('2016-06', 1, '总体情况', '$(sed -n '/^一、/,/^三、/p' tests/fixtures/bulletin-021.txt | grep -v '、' | tr -d "'" | tr '\n' ' ')', '2016-07-01T00:00:00.0000000Z', 'bench')"
"${bm[@]}" digest compile --period 2016-06 --format eml --out "$work/sample.eml" 2>/dev/null
"${bm[@]}" digest approve --period 2016-06 2>/dev/null
size=$(stat -c %s "$work/sample.eml")
python3 -c "
import sys
print('email,name')
for i in range(int(sys.argv[1])): print(f'reader{i:05d}@sink.example.org,读者{i}')" "$count" > "$work/subscribers.csv"
"${bm[@]}" subscribers import "$work/subscribers.csv" 2>/dev/null

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
/usr/sbin/smtp-sink -u nobody -m 256 "127.0.0.1:$port" 512 &
sink_pid=$!
sleep 0.5

echo "messages: $count to distinct subscribers, $size bytes each as mailed, 4 connections"
export BULLETINMAIL_Outbound__Kind=smtp BULLETINMAIL_Outbound__Smtp__Host=127.0.0.1 BULLETINMAIL_Outbound__Smtp__Port="$port" \
  BULLETINMAIL_Outbound__Smtp__Security=None BULLETINMAIL_Outbound__Smtp__Concurrency=4 BULLETINMAIL_Outbound__From=bulletin@bulletin.example.org
start=$(date +%s.%N)
/usr/bin/time -f "%U %S %M" -o "$work/send.cpu" ${TRACE:-} "${bm[@]}" digest send --period 2016-06 2>"$work/send.log"
send_seconds=$(echo "$(date +%s.%N) - $start" | bc -l)
tail -n 1 "$work/send.log"
read -r user_s sys_s peak < "$work/send.cpu"

# smtp-source's own rate swings between runs (2,500-4,700 msg/s here): three runs, the median counts.
source_runs=()
for run in 1 2 3; do
  start=$(date +%s.%N)
  /usr/sbin/smtp-source -s 4 -m "$count" -l "$size" -f bulletin@bulletin.example.org -t reader@sink.example.org "127.0.0.1:$port"
  source_runs+=("$(echo "$(date +%s.%N) - $start" | bc -l)")
done
source_seconds=$(printf '%s\n' "${source_runs[@]}" | sort -n | sed -n 2p)
echo "smtp-source runs: $(printf '%.2f s ' "${source_runs[@]}")"

python3 - "$count" "$send_seconds" "$source_seconds" "$peak" "$user_s" "$sys_s" <<'PY'
import sys
count, send, source, peak, user, system = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5]), float(sys.argv[6])
print(f"digest send : {send:6.2f} s  {count / send:7.0f} msg/s  (process start, database, building each message, SMTP)")
print(f"smtp-source : {source:6.2f} s  {count / source:7.0f} msg/s  (the median of three runs)")
print(f"ratio       : {count / send / (count / source):.2f} of smtp-source's rate (target >= 0.5)")
print(f"peak memory : {peak / 1024:.0f} MB resident for digest send (target < 200 MB)")
print(f"CPU time    : {user:.1f} s user + {system:.1f} s system for digest send ({(user + system) * 1000 / count:.2f} ms a message)")
PY
