#!/usr/bin/env bash
# Ingestion benchmark (issue #3), run by hand, not in CI:
#   tests/BulletinMail.Benchmarks/ingest/ingest-bench.sh [COUNT]   (default 5000)
# Puts COUNT realistic submissions into a throwaway Dovecot on a loopback port, then times, in the
# same run, mbsync (Debian's isync) downloading the mailbox to a Maildir, and `bulletinmail ingest
# --once` from an empty database to all parsed (fetch + extract + parse + store). Prints both
# times, the ratio (target: at most 4), and ingest's peak resident memory (target: under 200 MB).
set -euo pipefail
cd "$(dirname "$0")/../../.."
count=${1:-5000}
for package in dovecot-imapd isync bc time; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
    || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$package" >/dev/null; }
done

work=$(mktemp -d /tmp/bm-ingest-bench.XXXXXX)
dovecot_pid=""
trap 'kill "$dovecot_pid" 2>/dev/null || true; rm -rf "$work"' EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p "$work/home/submit/Maildir"/{new,cur,tmp}
chmod 755 "$work"
echo "submit:{PLAIN}bench::::::" > "$work/passwd"
cat > "$work/dovecot.conf" <<CONF
base_dir = $work/run
state_dir = $work/state
log_path = $work/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
mail_location = maildir:~/Maildir
mail_uid = nobody
mail_gid = nogroup
first_valid_uid = 1
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $work/passwd
}
userdb {
  driver = static
  args = home=$work/home/%u
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = $port
  }
  inet_listener imaps {
    port = 0
  }
}
CONF

echo "generating $count submissions..."
python3 tests/BulletinMail.Benchmarks/ingest/generate-submissions.py "$work/home/submit/Maildir/cur" "$count"
du -sh "$work/home/submit/Maildir" | awk '{print "mailbox size: " $1}'
chown -R nobody:nogroup "$work/home"
/usr/sbin/dovecot -F -c "$work/dovecot.conf" & dovecot_pid=$!
sleep 1

dll=$(tests/BulletinMail.Benchmarks/publish.sh)
bm="dotnet $dll --config config/appsettings.json --data $work/data"

# Warm the server's index so that neither side pays for Dovecot's first scan.
python3 - "$port" <<'PY'
import imaplib, sys
m = imaplib.IMAP4("127.0.0.1", int(sys.argv[1])); m.login("submit", "bench"); m.select("INBOX"); m.logout()
PY

cat > "$work/mbsyncrc" <<RC
IMAPAccount bench
Host 127.0.0.1
Port $port
User submit
Pass bench
SSLType None
AuthMechs LOGIN

IMAPStore remote
Account bench

MaildirStore local
Path $work/mbsync/
Inbox $work/mbsync/INBOX

Channel pull
Far :remote:
Near :local:
Patterns INBOX
Sync Pull
SyncState $work/mbsync-state/
Create Near
RC

# mbsync's time swings between runs (1.8-3.8 s for the same 5,000 messages here): three full
# downloads, each into an empty Maildir, and the median is the yardstick. Twice: with mbsync's
# default FSync yes (a sync per message) and with FSync no, its fastest honest configuration,
# against which the ratio is taken (ingest syncs once per batch of up to 50).
median_mbsync() {
  local runs=()
  for run in 1 2 3; do
    rm -rf "$work/mbsync" "$work/mbsync-state" && mkdir -p "$work/mbsync/INBOX" "$work/mbsync-state"
    local start=$(date +%s.%N)
    mbsync -q -c "$1" pull
    runs+=("$(echo "$(date +%s.%N) - $start" | bc)")
  done
  printf '%s\n' "${runs[@]}" | sort -n | sed -n 2p
}
{ echo "FSync no"; cat "$work/mbsyncrc"; } > "$work/mbsyncrc-nofsync"
mbsync_fsync_s=$(median_mbsync "$work/mbsyncrc")
mbsync_s=$(median_mbsync "$work/mbsyncrc-nofsync")

for i in $(seq 0 39); do $bm units add "单位$i" --sender "unit$i@units.example.org" >/dev/null; done
export BULLETINMAIL_Mailbox__Kind=imap BULLETINMAIL_Mailbox__Imap__Host=127.0.0.1 BULLETINMAIL_Mailbox__Imap__Port=$port \
  BULLETINMAIL_Mailbox__Imap__Security=None BULLETINMAIL_Mailbox__Imap__User=submit BULLETINMAIL_Mailbox__Imap__Password=bench \
  BULLETINMAIL_Intake__Acknowledge=false BULLETINMAIL_Logging__LogLevel__Default=Warning
start=$(date +%s.%N)
/usr/bin/time -f "%U %S %M" -o "$work/ingest.cpu" ${TRACE:-} $bm ingest --once 2>/dev/null
ingest_s=$(echo "$(date +%s.%N) - $start" | bc)
read -r user_s sys_s peak < "$work/ingest.cpu"
parsed=$($bm submissions list --status parsed --format json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
entries=$($bm entries list --format json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')

printf 'messages:            %d (parsed: %d, entries: %d)\n' "$count" "$parsed" "$entries"
printf 'mbsync download:     %.1f s with FSync no, %.1f s with FSync yes (medians of 3)\n' "$mbsync_s" "$mbsync_fsync_s"
printf 'bulletinmail ingest: %.1f s (%.0f messages/s)\n' "$ingest_s" "$(echo "$count / $ingest_s" | bc -l)"
printf 'ratio ingest/mbsync: %.2f against FSync no (target <= 4), %.2f against FSync yes\n' "$(echo "$ingest_s / $mbsync_s" | bc -l)" "$(echo "$ingest_s / $mbsync_fsync_s" | bc -l)"
printf 'ingest peak memory:  %d MB (target < 200)\n' "$((peak / 1024))"
printf 'ingest CPU time:     %.1f s user + %.1f s system\n' "$user_s" "$sys_s"
