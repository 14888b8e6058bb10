#!/usr/bin/env bash
# Heartbeat throughput on loopback: through the gateway, directly to the Unit API, and pgbench running the
# equivalent single-row upsert on the same PostgreSQL as the ceiling. 64 connections, ROUNDS rounds of DURATION s each.
# The services listen as the AppHost starts them: the gateway reaches the Unit API over HTTP/2 on its "h2" endpoint,
# wrk (HTTP/1.1) the Unit API's "http" endpoint; pgbench commits as heartbeats do, without waiting for the WAL flush.
# Targets (2 cores): gateway >= 0.7x direct, direct >= 0.4x pgbench, p99 < 50 ms.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-10}  # per round: 30 s per path in all
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
API_PORT=$(free_port); H2_PORT=$(free_port); GW_PORT=$(free_port)
export ASPNETCORE_ENVIRONMENT=Development Logging__LogLevel__Default=Warning
ConnectionStrings__factorydb="$FACTORY_TEST_POSTGRES;Database=bench" ConnectionStrings__messaging="$FACTORY_TEST_RABBITMQ" \
  UnitApi__RateLimitPermits=0 Kestrel__Endpoints__http__Url="http://127.0.0.1:$API_PORT" \
  Kestrel__Endpoints__h2__Url="http://127.0.0.1:$H2_PORT" Kestrel__Endpoints__h2__Protocols=Http2 \
  "$OUT/unitapi/Services.UnitApi" --contentRoot "$OUT/unitapi" >"$OUT/unitapi.log" 2>&1 &
PIDS+=($!)
services__unitapi__h2__0="http://127.0.0.1:$H2_PORT" \
  "$OUT/gateway/Gateway" --contentRoot "$OUT/gateway" --urls "http://127.0.0.1:$GW_PORT" >"$OUT/gateway.log" 2>&1 &
PIDS+=($!)
for port in $API_PORT $GW_PORT; do
  for _ in $(seq 1 60); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 1; done
done

run_wrk() { wrk -t2 -c$CONNECTIONS -d"${1}s" -s bench/heartbeat.lua "$2" | grep '^RESULT'; }
# A factory server runs for days; what counts is its steady state. Under full load on 2 cores the JIT's tiered
# compilation needs up to a minute to settle, so each path is driven for WARMUP s before it is measured.
WARMUP=${WARMUP:-60}
echo "warming up ${WARMUP} s per path..."
run_wrk "$WARMUP" "http://127.0.0.1:$API_PORT" >/dev/null
run_wrk "$WARMUP" "http://127.0.0.1:$GW_PORT" >/dev/null

# The ceiling: the same single-row upsert, straight into PostgreSQL.
PGURL="postgresql://postgres:test-password@127.0.0.1:$FACTORY_TEST_PGPORT/bench"
psql -q "$PGURL" -c "CREATE TABLE bench_heartbeats (mac text PRIMARY KEY, stage text, last_heartbeat_at timestamptz, heartbeat_count int)"
cat > "$OUT/upsert.sql" <<'SQL'
\set m random(1, 5000)
INSERT INTO bench_heartbeats (mac, stage, last_heartbeat_at, heartbeat_count) VALUES (:m, 'Phase 3: OPNsense', now(), 1)
ON CONFLICT (mac) DO UPDATE SET stage = excluded.stage, last_heartbeat_at = excluded.last_heartbeat_at,
  heartbeat_count = bench_heartbeats.heartbeat_count + 1;
SQL
run_pgbench() {
  (cd "$OUT" && PGPASSWORD=test-password PGOPTIONS="-c synchronous_commit=off" "$FACTORY_TEST_PGBIN/pgbench" -h 127.0.0.1 -p "$FACTORY_TEST_PGPORT" -U postgres -n \
    -c $CONNECTIONS -j 2 -T "$1" -f upsert.sql -l --log-prefix="round$2" bench >"round$2.txt" 2>&1)
  local tps p99
  tps=$(grep -oP 'tps = \K[0-9.]+' "$OUT/round$2.txt" | head -1)
  p99=$(cat "$OUT"/round"$2".* | awk '{print $3}' | sort -n | awk '{a[NR]=$1} END {printf "%.2f", a[int(NR*0.99)]/1000}')
  echo "RESULT rps=$tps p99_ms=$p99 errors=0"
}

# The machine's speed drifts (other work on the host), so the three paths take turns: ROUNDS rounds of DURATION s
# each, every ratio taken within its round, and the median of each figure over the rounds reported.
ROUNDS=${ROUNDS:-3}
field() { echo "$1" | grep -oP "$2=\K[0-9.]+"; }
row() { printf '%-6s %-10s %12s %10s %8s\n' "$1" "$2" "$(field "$3" rps)" "$(field "$3" p99_ms)" "$(field "$3" errors)"; }
printf '\n%-6s %-10s %12s %10s %8s\n' "round" "path" "requests/s" "p99 ms" "errors"
: >"$OUT/rounds"
for round in $(seq 1 "$ROUNDS"); do
  DIRECT=$(run_wrk "$DURATION" "http://127.0.0.1:$API_PORT")
  GATEWAY=$(run_wrk "$DURATION" "http://127.0.0.1:$GW_PORT")
  PGBENCH=$(run_pgbench "$DURATION" "$round")
  row "$round" gateway "$GATEWAY"
  row "$round" direct "$DIRECT"
  row "$round" pgbench "$PGBENCH"
  echo "$(field "$GATEWAY" rps) $(field "$DIRECT" rps) $(field "$PGBENCH" rps) $(field "$GATEWAY" p99_ms) $(field "$DIRECT" p99_ms)" >>"$OUT/rounds"
done
awk '{ print $1/$2, $2/$3, $4, $5 }' "$OUT/rounds" >"$OUT/ratios"
median() { cut -d' ' -f"$1" "$OUT/ratios" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
printf '\nmedian of %s rounds:\n' "$ROUNDS"
printf 'gateway/direct = %.2f (target >= 0.70)\n' "$(median 1)"
printf 'direct/pgbench = %.2f (target >= 0.40)\n' "$(median 2)"
printf 'p99: gateway %.1f ms, direct %.1f ms (target < 50 ms)\n' "$(median 3)" "$(median 4)"
rm -rf "$OUT"
