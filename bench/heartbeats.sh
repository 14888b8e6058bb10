#!/usr/bin/env bash
# Heartbeat throughput on loopback: through the gateway, directly to the Unit API, and pgbench running the
# equivalent single-row upsert on the same PostgreSQL as the ceiling. 64 connections, DURATION s each.
# Targets (2 cores): gateway >= 0.7x direct, direct >= 0.4x pgbench, p99 < 50 ms.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-30}
CONNECTIONS=64
for pkg in wrk postgresql rabbitmq-server; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" \
    || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$pkg" >/dev/null; }
done

export FACTORY_TEST_PG_FSYNC=on
# shellcheck source=../scripts/test-servers.sh
source scripts/test-servers.sh
test_servers_start
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; test_servers_stop; }
trap cleanup EXIT

OUT=$(mktemp -d)
dotnet publish Services.UnitApi -c Release -o "$OUT/unitapi" --nologo -v q >/dev/null
dotnet publish Gateway -c Release -o "$OUT/gateway" --nologo -v q >/dev/null

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
API_PORT=$(free_port); GW_PORT=$(free_port)
export ASPNETCORE_ENVIRONMENT=Development Logging__LogLevel__Default=Warning
ConnectionStrings__factorydb="$FACTORY_TEST_POSTGRES;Database=bench" ConnectionStrings__messaging="$FACTORY_TEST_RABBITMQ" \
  UnitApi__RateLimitPermits=0 "$OUT/unitapi/Services.UnitApi" --contentRoot "$OUT/unitapi" --urls "http://127.0.0.1:$API_PORT" >"$OUT/unitapi.log" 2>&1 &
PIDS+=($!)
services__unitapi__http__0="http://127.0.0.1:$API_PORT" \
  "$OUT/gateway/Gateway" --contentRoot "$OUT/gateway" --urls "http://127.0.0.1:$GW_PORT" >"$OUT/gateway.log" 2>&1 &
PIDS+=($!)
for port in $API_PORT $GW_PORT; do
  for _ in $(seq 1 60); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 1; done
done

run_wrk() { wrk -t2 -c$CONNECTIONS -d"${1}s" -s bench/heartbeat.lua "$2" | grep '^RESULT'; }
# A factory server runs for days; what counts is its steady state. Under full load on 2 cores the JIT's tiered
# compilation needs about half a minute to settle, so each path is driven for WARMUP s before it is measured.
WARMUP=${WARMUP:-30}
echo "warming up ${WARMUP} s per path..."
run_wrk "$WARMUP" "http://127.0.0.1:$API_PORT" >/dev/null
DIRECT=$(run_wrk "$DURATION" "http://127.0.0.1:$API_PORT")
run_wrk "$WARMUP" "http://127.0.0.1:$GW_PORT" >/dev/null
GATEWAY=$(run_wrk "$DURATION" "http://127.0.0.1:$GW_PORT")

# The ceiling: the same single-row upsert, straight into PostgreSQL.
PGURL="postgresql://postgres:test-password@127.0.0.1:$FACTORY_TEST_PGPORT/bench"
psql -q "$PGURL" -c "CREATE TABLE bench_heartbeats (mac text PRIMARY KEY, stage text, last_heartbeat_at timestamptz, heartbeat_count int)"
cat > "$OUT/upsert.sql" <<'SQL'
\set m random(1, 5000)
INSERT INTO bench_heartbeats (mac, stage, last_heartbeat_at, heartbeat_count) VALUES (:m, 'Phase 3: OPNsense', now(), 1)
ON CONFLICT (mac) DO UPDATE SET stage = excluded.stage, last_heartbeat_at = excluded.last_heartbeat_at,
  heartbeat_count = bench_heartbeats.heartbeat_count + 1;
SQL
(cd "$OUT" && PGPASSWORD=test-password "$FACTORY_TEST_PGBIN/pgbench" -h 127.0.0.1 -p "$FACTORY_TEST_PGPORT" -U postgres -n \
  -c $CONNECTIONS -j 2 -T "$DURATION" -f upsert.sql -l bench >"$OUT/pgbench.txt" 2>&1)
PG_TPS=$(grep -oP 'tps = \K[0-9.]+' "$OUT/pgbench.txt" | head -1)
PG_P99=$(cat "$OUT"/pgbench_log.* | awk '{print $3}' | sort -n | awk '{a[NR]=$1} END {printf "%.2f", a[int(NR*0.99)]/1000}')

field() { echo "$1" | grep -oP "$2=\K[0-9.]+"; }
D_RPS=$(field "$DIRECT" rps); D_P99=$(field "$DIRECT" p99_ms)
G_RPS=$(field "$GATEWAY" rps); G_P99=$(field "$GATEWAY" p99_ms)
printf '\n%-10s %12s %10s %8s\n' "path" "requests/s" "p99 ms" "errors"
printf '%-10s %12s %10s %8s\n' "gateway" "$G_RPS" "$G_P99" "$(field "$GATEWAY" errors)"
printf '%-10s %12s %10s %8s\n' "direct" "$D_RPS" "$D_P99" "$(field "$DIRECT" errors)"
printf '%-10s %12s %10s %8s\n' "pgbench" "$PG_TPS" "$PG_P99" "-"
awk -v g="$G_RPS" -v d="$D_RPS" -v p="$PG_TPS" 'BEGIN {
  printf "\ngateway/direct = %.2f (target >= 0.70)\ndirect/pgbench = %.2f (target >= 0.40)\n", g/d, d/p }'
rm -rf "$OUT"
