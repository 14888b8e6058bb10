#!/usr/bin/env bash
# Heartbeat -> visible on the dashboard: POST /api/heartbeat with a new stage, then the time until the page's event
# stream (/api/metrics/board/events) says "changed" and /api/metrics/board shows that stage. 100 heartbeats, 0.3 s
# apart (past the 250 ms coalescing window), against the heartbeat's own round trip as the baseline. Target: p95 < 2 s.
set -euo pipefail
cd "$(dirname "$0")/.."
COUNT=${COUNT:-100}
# shellcheck source=../scripts/test-servers.sh
source scripts/test-servers.sh
test_servers_start
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; test_servers_stop; rm -rf "${OUT:-}"; }
trap cleanup EXIT

OUT=$(mktemp -d)
dotnet publish Services.UnitApi -c Release -o "$OUT/unitapi" --nologo -v q >/dev/null
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
ASPNETCORE_ENVIRONMENT=Development Logging__LogLevel__Default=Warning \
ConnectionStrings__factorydb="$FACTORY_TEST_POSTGRES;Database=benchdash" ConnectionStrings__messaging="$FACTORY_TEST_RABBITMQ" \
  "$OUT/unitapi/Services.UnitApi" --contentRoot "$OUT/unitapi" --urls "http://127.0.0.1:$PORT" >"$OUT/unitapi.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 60); do curl -sf "http://127.0.0.1:$PORT/health" >/dev/null && break; sleep 1; done

python3 - "$PORT" "$COUNT" <<'PY'
import http.client, json, sys, threading, time, queue, statistics
port, count = int(sys.argv[1]), int(sys.argv[2])
events = queue.Queue()
def listen():
    c = http.client.HTTPConnection("127.0.0.1", port)
    c.request("GET", "/api/metrics/board/events")
    r = c.getresponse()
    while True:
        line = r.fp.readline()
        if not line: return
        if line.startswith(b"event: changed"): events.put(time.perf_counter())
threading.Thread(target=listen, daemon=True).start()
api = http.client.HTTPConnection("127.0.0.1", port)
headers = {"Authorization": "Bearer dev-factory-token", "Content-Type": "application/json"}
def heartbeat(stage):
    api.request("POST", "/api/heartbeat", json.dumps({"mac_wan": "02:be:0c:00:00:01", "status": "building", "stage": stage}), headers)
    r = api.getresponse(); r.read(); assert r.status == 200, r.status
def board_stage():
    api.request("GET", "/api/metrics/board"); r = api.getresponse()
    body = json.loads(r.read())
    return [u.get("stage") for u in body["unplaced"]]
heartbeat("warm-up"); time.sleep(1); board_stage()
visible, rtt = [], []
for i in range(count):
    while not events.empty(): events.get()
    stage = f"Phase {i}"
    t0 = time.perf_counter(); heartbeat(stage); t1 = time.perf_counter()
    while True:
        events.get(timeout=10)
        if stage in board_stage(): break
    visible.append((time.perf_counter() - t0) * 1000); rtt.append((t1 - t0) * 1000)
    time.sleep(0.3)
def pct(xs, p): xs = sorted(xs); return xs[min(len(xs) - 1, int(round(p * (len(xs) - 1))))]
print(f"\n{'measurement':<32}{'p50 ms':>10}{'p95 ms':>10}{'max ms':>10}")
print(f"{'heartbeat round trip (baseline)':<32}{pct(rtt,.5):>10.1f}{pct(rtt,.95):>10.1f}{max(rtt):>10.1f}")
print(f"{'heartbeat -> visible on board':<32}{pct(visible,.5):>10.1f}{pct(visible,.95):>10.1f}{max(visible):>10.1f}")
print(f"\nvisible/round trip at p50 = {pct(visible,.5)/pct(rtt,.5):.1f}x; p95 {pct(visible,.95):.0f} ms (target < 2000 ms)")
PY
