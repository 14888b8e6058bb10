#!/usr/bin/env bash
# The unit client masks the generated passwords in the bootstrap's output as it is written to the log
# (redact_stream in factory-build.sh). A slow filter would hold up the bootstrap behind a full pipe, so this
# measures its throughput on LINES lines of bootstrap-like output against `cat` on the same input (the baseline).
# Target: at least 5 000 lines/s on a busy 2-core machine (a bootstrap prints a few thousand lines in total).
# Before the filter stopped forking a subshell per line it managed ~350 lines/s here.
set -euo pipefail
cd "$(dirname "$0")/.."
LINES=${LINES:-50000}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export FACTORY_ENV_FILE=/dev/null FACTORY_STATE_DIR="$WORK/state" FACTORY_LOG="$WORK/factory.log" FACTORY_TOKEN=bench
export PRIVATEBOX_CONFIG="$WORK/privatebox-config.conf" BOOTSTRAP_LOG="$WORK/bootstrap.log"
printf 'ADMIN_PASSWORD="alpha-bravo-charlie-delta"\nSERVICES_PASSWORD="Zq8*Lm2+Xr7=Pw4@Hk9nTb3c"\n' >"$PRIVATEBOX_CONFIG"
for ((i = 0; i < LINES; i++)); do
  case $((i % 500)) in
    0) echo "[2026-11-29 06:0$((i % 10)):00] Phase $((i % 5)): step $i" ;;
    1) echo "Admin password: alpha-bravo-charlie-delta" ;;
    *) echo "Get:$i http://deb.debian.org/debian trixie/main amd64 libfoo$i amd64 1.2.$i-1 [123 kB]" ;;
  esac
done >"$WORK/input"

ms() { local s e; s=$(date +%s%N); "$@"; e=$(date +%s%N); echo $(((e - s) / 1000000)); }
# shellcheck source=../unit-client/factory-build.sh
filter() { bash -c 'source unit-client/factory-build.sh && factory_load_config && redact_stream' <"$WORK/input" >"$WORK/out"; }
baseline() { cat <"$WORK/input" >"$WORK/cat-out"; }

base=$(ms baseline)
took=$(ms filter)
if grep -q 'alpha-bravo-charlie-delta' "$WORK/out"; then echo "a password leaked through the filter" >&2; exit 1; fi
echo "redact_stream: $LINES lines in ${took} ms = $((LINES * 1000 / (took + 1))) lines/s; cat: ${base} ms ($((took / (base + 1)))x slower)"
