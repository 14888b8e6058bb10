#!/usr/bin/env bash
# CDN download throughput on loopback: CLIENTS concurrent curl clients each download one SIZE_MB asset from
# nginx (Debian's package, sendfile) as the baseline, directly from the Cdn service and through the gateway.
# Prints aggregate throughput, each ratio against nginx, and the Cdn's and gateway's RSS before and at peak.
# Targets: direct >= 0.8x nginx, gateway >= 0.5x nginx, peak RSS growth < 200 MB.
set -euo pipefail
cd "$(dirname "$0")/.."
SIZE_MB=${SIZE_MB:-1024}
CLIENTS=${CLIENTS:-20}
for pkg in nginx curl; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" \
    || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$pkg" >/dev/null; }
done

OUT=$(mktemp -d)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -f "$OUT/nginx.pid" ] && kill "$(cat "$OUT/nginx.pid")" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$OUT"
}
trap cleanup EXIT

echo "publishing..."
dotnet publish Services.Cdn -c Release -o "$OUT/cdn" --nologo -v q >/dev/null
dotnet publish Gateway -c Release -o "$OUT/gateway" --nologo -v q >/dev/null
mkdir -p "$OUT/root/images"
echo "generating a ${SIZE_MB} MiB asset..."
head -c "${SIZE_MB}M" /dev/urandom >"$OUT/root/images/bench.img"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
CDN_PORT=$(free_port); GW_PORT=$(free_port); NGINX_PORT=$(free_port)

cat >"$OUT/nginx.conf" <<CONF
user root;
worker_processes auto;
pid $OUT/nginx.pid;
error_log $OUT/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  server { listen 127.0.0.1:$NGINX_PORT; location /cdn/ { alias $OUT/root/; } }
}
CONF
nginx -c "$OUT/nginx.conf" -p "$OUT"

export ASPNETCORE_ENVIRONMENT=Development Logging__LogLevel__Default=Warning
Cdn__Root="$OUT/root" "$OUT/cdn/Services.Cdn" --contentRoot "$OUT/cdn" --urls "http://127.0.0.1:$CDN_PORT" >"$OUT/cdn.log" 2>&1 &
CDN_PID=$!; PIDS+=($CDN_PID)
services__cdn__http__0="http://127.0.0.1:$CDN_PORT" \
  "$OUT/gateway/Gateway" --contentRoot "$OUT/gateway" --urls "http://127.0.0.1:$GW_PORT" >"$OUT/gateway.log" 2>&1 &
GW_PID=$!; PIDS+=($GW_PID)
for port in $CDN_PORT $GW_PORT; do
  for _ in $(seq 1 60); do curl -sf "http://127.0.0.1:$port/alive" >/dev/null && break; sleep 1; done
done
# Let the background checksum finish first, so it does not compete with the downloads.
for _ in $(seq 1 300); do curl -sf "http://127.0.0.1:$CDN_PORT/cdn/images/bench.img.sha256" >/dev/null && break; sleep 1; done
for port in $NGINX_PORT $CDN_PORT $GW_PORT; do   # warm-up
  curl -sf -r 0-1048575 -o /dev/null "http://127.0.0.1:$port/cdn/images/bench.img"
done

rss_kb() { awk "/^$2:/ {print \$2}" "/proc/$1/status"; }
CDN_RSS0=$(rss_kb $CDN_PID VmRSS); GW_RSS0=$(rss_kb $GW_PID VmRSS)

# Aggregate MB/s of CLIENTS simultaneous full downloads; fails if any client got fewer bytes than the file.
run_clients() {
  local url=$1 start end total=0 expected=$((SIZE_MB * 1024 * 1024))
  start=$(date +%s.%N)
  local clients=()
  for i in $(seq 1 "$CLIENTS"); do curl -s -o /dev/null -w '%{size_download}\n' "$url" >"$OUT/client.$i" & clients+=($!); done
  wait "${clients[@]}" || true
  end=$(date +%s.%N)
  for i in $(seq 1 "$CLIENTS"); do
    local got; got=$(cat "$OUT/client.$i")
    [ "$got" -eq "$expected" ] || { echo "client $i got $got of $expected bytes from $url" >&2; exit 1; }
    total=$((total + got))
  done
  awk -v b="$total" -v s="$start" -v e="$end" 'BEGIN { printf "%.0f", b / 1048576 / (e - s) }'
}

echo "$CLIENTS clients x ${SIZE_MB} MiB each..."
NGINX=$(run_clients "http://127.0.0.1:$NGINX_PORT/cdn/images/bench.img")
DIRECT=$(run_clients "http://127.0.0.1:$CDN_PORT/cdn/images/bench.img")
GATEWAY=$(run_clients "http://127.0.0.1:$GW_PORT/cdn/images/bench.img")
CDN_PEAK=$(rss_kb $CDN_PID VmHWM); GW_PEAK=$(rss_kb $GW_PID VmHWM)

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
mb() { awk -v k="$1" 'BEGIN { printf "%.0f", k / 1024 }'; }
echo
echo "CDN download, $CLIENTS concurrent clients, ${SIZE_MB} MiB asset, loopback, $(nproc) cores"
printf '  %-22s %6s MB/s\n' "nginx (baseline)" "$NGINX"
printf '  %-22s %6s MB/s  %sx nginx (target >= 0.8)\n' "Cdn direct" "$DIRECT" "$(ratio "$DIRECT" "$NGINX")"
printf '  %-22s %6s MB/s  %sx nginx (target >= 0.5)\n' "through the gateway" "$GATEWAY" "$(ratio "$GATEWAY" "$NGINX")"
printf '  %-22s before %4s MB, peak %4s MB, growth %4s MB (target < 200)\n' "Cdn RSS" "$(mb "$CDN_RSS0")" "$(mb "$CDN_PEAK")" "$(mb $((CDN_PEAK - CDN_RSS0)))"
printf '  %-22s before %4s MB, peak %4s MB, growth %4s MB (target < 200)\n' "gateway RSS" "$(mb "$GW_RSS0")" "$(mb "$GW_PEAK")" "$(mb $((GW_PEAK - GW_RSS0)))"
