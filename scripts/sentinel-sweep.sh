#!/usr/bin/env bash
# After the test suite: the passwords the tests send as units (tests/*/TestUnits.cs, the print station's labels) may be
# stored only encrypted and shown only where an operator must read them. This looks for them in clear in the test
# PostgreSQL's data files and WAL (after a checkpoint) and in the test results (logs and output of every test).
#   scripts/sentinel-sweep.sh <results-dir>   (with the variables of scripts/test-servers.sh)
set -euo pipefail
results=$1
SENTINELS=(correct-horse-battery-staple 'Zq8*Lm2+Xr7=Pw4@Hk9nTb3c' Correct-Horse-Battery 'Zq8*Lm2+Xr7=Pw4@Hk9n')
PGPASSWORD=test-password "$FACTORY_TEST_PGBIN/psql" -h 127.0.0.1 -p "$FACTORY_TEST_PGPORT" -U postgres -qc CHECKPOINT
found=0
for secret in "${SENTINELS[@]}"; do
  hits=$(grep -rlaF -- "$secret" "$FACTORY_TEST_PGDATA" "$results" 2>/dev/null || true)
  if [ -n "$hits" ]; then echo "a test password in clear in: $hits" >&2; found=1; fi
done
[ "$found" -eq 0 ] && echo "[factory] sentinel sweep: no test password in clear in PostgreSQL's files and WAL or the test results" >&2
exit "$found"
