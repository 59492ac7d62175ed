#!/usr/bin/env bash
# Publishes the worker as it is deployed (Release, ReadyToRun for this machine's platform) for the
# benchmarks, and prints the path of BulletinMail.dll. Incremental: a second run takes seconds.
set -euo pipefail
cd "$(dirname "$0")/../.."
case "$(uname -m)" in
  x86_64) rid=linux-x64 ;;
  aarch64) rid=linux-arm64 ;;
  *) echo "publish.sh: no ReadyToRun platform for $(uname -m)" >&2; exit 1 ;;
esac
out=tests/BulletinMail.Benchmarks/bin/published
dotnet publish src/BulletinMail -c Release -r "$rid" --self-contained false --verbosity quiet -nologo -o "$out" >/dev/null
echo "$out/BulletinMail.dll"
