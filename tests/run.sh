#!/usr/bin/env bash
# The whole test suite, on a fresh machine: installs what the tests need (Debian packages,
# NuGet packages), builds, runs every test project, and ends with the line "N passed, N failed".
# Exits non-zero when anything failed or did not build.
set -uo pipefail
cd "$(dirname "$0")/.."

# Debian packages the tests use: Dovecot (IMAP, LMTP), Postfix (SMTP, and its smtp-sink for faults),
# Chromium (the browser tests, driven by Playwright) with a CJK font for its screenshots, strace
# (the order of a batch's disk flush and its completion in the mailbox), PostgreSQL (the scale-out store;
# the tests start their own throwaway cluster).
# Installed only when missing, so a warm machine starts at once.
DEBIAN_PACKAGES=(ca-certificates dovecot-imapd dovecot-lmtpd postfix chromium fonts-noto-cjk strace postgresql)

missing=()
for package in "${DEBIAN_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # Postfix as a package only: the tests run their own instances with their own configuration.
  echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections 2>/dev/null || true
  apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    || { echo "could not install ${missing[*]}" >&2; echo "0 passed, 1 failed"; exit 1; }
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

results=TestResults
rm -rf "$results"

if ! dotnet restore BulletinMail.sln --verbosity quiet; then
  echo "NuGet restore failed" >&2; echo "0 passed, 1 failed"; exit 1
fi
if ! dotnet build BulletinMail.sln -c Release --no-restore --verbosity quiet -maxcpucount:2; then
  echo "build failed" >&2; echo "0 passed, 1 failed"; exit 1
fi

# One project at a time (2 cores; the integration tests start servers), each with its own TRX file.
status=0
for project in tests/BulletinMail.Tests tests/BulletinMail.IntegrationTests; do
  name=$(basename "$project")
  dotnet test "$project" -c Release --no-build --verbosity quiet \
    --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=minimal" --results-directory "$results" "$@" || status=1
done

# The store, intake, review and delivery tests, and two workers sharing sign-ins, once more on
# PostgreSQL, the scale-out store (the tests start a throwaway cluster of their own); on a whole
# run only, not with a --filter of yours.
if [ $# -eq 0 ]; then
  BULLETINMAIL_TEST_STORAGE=postgres dotnet test tests/BulletinMail.IntegrationTests -c Release --no-build --verbosity quiet \
    --logger "trx;LogFileName=BulletinMail.IntegrationTests.postgres.trx" --logger "console;verbosity=minimal" --results-directory "$results" \
    --filter "FullyQualifiedName~.Features.|FullyQualifiedName~ReviewWorkflowTests|FullyQualifiedName~BulletinPagesTests|FullyQualifiedName~SubscriberImportTests|FullyQualifiedName~SharedKeysTests" || status=1
fi

# The counts come from the TRX result files, one per test run.
passed=0
failed=0
for trx in "$results"/*.trx; do
  [ -e "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
  f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0}))
done

if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  failed=1 # the run itself failed (a crash, a timeout) without a failed test to show for it
fi
echo "$passed passed, $failed failed"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
