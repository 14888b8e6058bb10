# Shared by the bats files: the real Unit API on loopback (on the test PostgreSQL and RabbitMQ from
# scripts/test-servers.sh), a CDN stand-in, PATH shims for the Proxmox and system commands, and a fake unit.
UNIT_CLIENT=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
REPO_ROOT=$(cd "$UNIT_CLIENT/.." && pwd)
LABEL_KEY=dev-label-key

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# Starts Services.UnitApi (the built dll) as the AppHost does: HTTP/1.1 on $UNITAPI_PORT and HTTP/2 without TLS,
# for the gateway, on $UNITAPI_H2_PORT. The database is created by its migrations.
unitapi_start() {
  local dll="$REPO_ROOT/Services.UnitApi/bin/Debug/net10.0/Services.UnitApi.dll"
  [ -f "$dll" ] || dotnet build "$REPO_ROOT/Services.UnitApi" -c Debug --nologo -v q >&2
  (
    cd "$(dirname "$dll")" || exit 1
    ASPNETCORE_ENVIRONMENT=Development Kestrel__Endpoints__http__Url="http://127.0.0.1:$UNITAPI_PORT" \
      Kestrel__Endpoints__h2__Url="http://127.0.0.1:$UNITAPI_H2_PORT" Kestrel__Endpoints__h2__Protocols=Http2 \
      ConnectionStrings__factorydb="$UNITAPI_DB" ConnectionStrings__messaging="$FACTORY_TEST_RABBITMQ" \
      UnitApi__RateLimitPermits=0 OTEL_SDK_DISABLED=true \
      exec dotnet "$dll" >>"$UNITAPI_DIR/unitapi.log" 2>&1
  ) </dev/null &
  echo $! >"$UNITAPI_DIR/unitapi.pid"
  local i
  for ((i = 0; i < 360; i++)); do
    curl -sf -o /dev/null "http://127.0.0.1:$UNITAPI_PORT/api/units?limit=1" && return 0
    sleep 0.5
  done
  echo "Unit API did not start; log:" >&2; tail -30 "$UNITAPI_DIR/unitapi.log" >&2
  return 1
}

unitapi_stop() {
  [ -f "$UNITAPI_DIR/unitapi.pid" ] || return 0
  local pid
  pid=$(<"$UNITAPI_DIR/unitapi.pid")
  kill "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null; do sleep 0.2; done
  rm -f "$UNITAPI_DIR/unitapi.pid"
}

# The Gateway in front of the Unit API, on HTTPS with a self-signed factory certificate, as units reach it at
# the factory. Exports GATEWAY_URL and GATEWAY_CACERT.
gateway_start() {
  local dll="$REPO_ROOT/Gateway/bin/Debug/net10.0/Gateway.dll" port
  [ -f "$dll" ] || dotnet build "$REPO_ROOT/Gateway" -c Debug --nologo -v q >&2
  port=$(free_port)
  openssl req -x509 -newkey rsa:2048 -sha256 -days 2 -nodes -keyout "$UNITAPI_DIR/factory.key" -out "$UNITAPI_DIR/factory.crt" \
    -subj "/CN=privatebox-factory" -addext "subjectAltName=IP:127.0.0.1" >/dev/null 2>&1
  openssl pkcs12 -export -in "$UNITAPI_DIR/factory.crt" -inkey "$UNITAPI_DIR/factory.key" -out "$UNITAPI_DIR/factory.pfx" -passout pass:
  (
    cd "$(dirname "$dll")" || exit 1
    ASPNETCORE_ENVIRONMENT=Development Gateway__HttpsUrl="https://127.0.0.1:$port" \
      Gateway__Certificate__Path="$UNITAPI_DIR/factory.pfx" services__unitapi__h2__0="http://127.0.0.1:$UNITAPI_H2_PORT" OTEL_SDK_DISABLED=true \
      exec dotnet "$dll" >>"$UNITAPI_DIR/gateway.log" 2>&1
  ) </dev/null &
  echo $! >"$UNITAPI_DIR/gateway.pid"
  export GATEWAY_URL="https://127.0.0.1:$port" GATEWAY_CACERT="$UNITAPI_DIR/factory.crt"
  local i
  for ((i = 0; i < 360; i++)); do
    curl -sf --cacert "$GATEWAY_CACERT" -o /dev/null "$GATEWAY_URL/api/units?limit=1" && return 0
    sleep 0.5
  done
  echo "Gateway did not start; log:" >&2; tail -30 "$UNITAPI_DIR/gateway.log" >&2
  return 1
}

gateway_stop() {
  [ -f "$UNITAPI_DIR/gateway.pid" ] || return 0
  kill "$(<"$UNITAPI_DIR/gateway.pid")" 2>/dev/null || true
  rm -f "$UNITAPI_DIR/gateway.pid"
}

unitapi_setup_file() {
  : "${FACTORY_TEST_POSTGRES:?run through unit-client/tests/run.sh or ./factory.sh test}"
  export UNITAPI_DIR="$BATS_FILE_TMPDIR/unitapi"
  mkdir -p "$UNITAPI_DIR"
  UNITAPI_PORT=$(free_port) UNITAPI_H2_PORT=$(free_port)
  export UNITAPI_PORT UNITAPI_H2_PORT UNITAPI_URL="http://127.0.0.1:$UNITAPI_PORT"
  export UNITAPI_DB="$FACTORY_TEST_POSTGRES;Database=unitclient_${RANDOM}${RANDOM}"
  unitapi_start
}

# GET /api/units/{mac} as the labeling station would (passwords included).
station_get() { curl -sS -H "Authorization: Bearer $LABEL_KEY" "$UNITAPI_URL/api/units/$1"; }

random_mac() { printf '02:%02x:%02x:%02x:%02x:%02x' $((RANDOM % 256)) $((RANDOM % 256)) $((RANDOM % 256)) $((RANDOM % 256)) $((RANDOM % 256)); }

# A fresh unit: its own state, logs, interfaces file, shim state (NICs, addresses, VMs) and settings.
unit_setup() {
  U="$BATS_TEST_TMPDIR/unit"
  mkdir -p "$U/shim" "$U/etc" "$U/cache"
  export SHIM_STATE="$U/shim" PATH="$UNIT_CLIENT/tests/shims:$PATH"
  UNIT_MAC=$(random_mac) VM_MAC=$(random_mac) LAN_MAC=$(random_mac)
  cat >"$SHIM_STATE/links" <<LINKS
2 enp1s0 $UNIT_MAC vmbr0
3 enp2s0 $LAN_MAC vmbr1
4 vmbr0 $UNIT_MAC -
5 vmbr1 $LAN_MAC -
6 tap100i0 fe:00:00:00:00:01 vmbr0
LINKS
  printf 'vmbr0 192.168.100.57/24\nvmbr1 10.10.20.20/24\n' >"$SHIM_STATE/addrs"
  echo "default via 192.168.100.1 dev vmbr0" >"$SHIM_STATE/routes"
  echo "100 opnsense" >"$SHIM_STATE/vms"
  printf 'name: opnsense\nnet0: virtio=%s,bridge=vmbr0\nnet1: virtio=BC:24:11:00:00:02,bridge=vmbr1\n' "${VM_MAC^^}" >"$SHIM_STATE/vm-100.conf"
  touch "$SHIM_STATE/guest-internet"
  cat >"$U/etc/interfaces" <<'IFACES'
auto lo
iface lo inet loopback

iface enp1s0 inet manual

auto vmbr0
iface vmbr0 inet static
	address 192.168.100.57/24
	gateway 192.168.100.1
	bridge-ports enp1s0
	bridge-stp off
	bridge-fd 0

auto vmbr1
iface vmbr1 inet static
	address 10.10.20.20/24
	bridge-ports enp2s0
	bridge-stp off
	bridge-fd 0
IFACES
  cat >"$U/selftest.checks" <<CHECKS
unit_api   http    $UNITAPI_URL/api/units?limit=1
pveproxy   systemd pveproxy
internet   guest   9000 https://deb.debian.org/
CHECKS
  export FACTORY_SERVER="$UNITAPI_URL" FACTORY_CDN="http://127.0.0.1:9" FACTORY_TOKEN=dev-factory-token
  export FACTORY_ENV_FILE=/dev/null FACTORY_STATE_DIR="$U/state" FACTORY_LOG="$U/log/factory.log"
  export BOOTSTRAP_LOG="$U/log/privatebox-bootstrap.log" PRIVATEBOX_CONFIG="$U/privatebox-config.conf"
  export NETWORK_INTERFACES="$U/etc/interfaces" SYSTEMD_DIR="$U/systemd" SELFTEST_CHECKS="$U/selftest.checks"
  export OPNSENSE_TEMPLATE_PATH="$U/cache/vzdump-qemu-105-opnsense.vma.zst" DEBIAN_IMAGE_PATH="$U/cache/debian-13-genericcloud-amd64.qcow2"
  export OPNSENSE_LAN_IP=10.10.20.1 PROXMOX_LAN_IP=10.10.20.20
  export HEARTBEAT_INTERVAL=1 RETRY_MIN_SECONDS=1 RETRY_MAX_SECONDS=2 ISOLATION_PROBE_TRIES=2 ISOLATION_PROBE_DELAY=1 SELFTEST_TIMEOUT=10
  export BOOTSTRAP_CMD="$UNIT_CLIENT/tests/fake-bootstrap.sh"
  export FAKE_ADMIN_PASSWORD="alpha-bravo-charlie-$RANDOM" FAKE_SERVICES_PASSWORD="Zq8*Lm2+Xr7=Pw4@Hk9n$RANDOM"
  export FAKE_STEP_SECONDS=0.3 FAKE_EXIT=0
  mkdir -p "$U/systemd"
}

# Polls the unit's record (any MAC form) until a jq condition holds, or fails after ~N seconds.
wait_for_unit() {
  local condition=$1 seconds=${2:-30} i
  for ((i = 0; i < seconds * 4; i++)); do
    station_get "$UNIT_MAC" | jq -e "$condition" >/dev/null 2>&1 && return 0
    sleep 0.25
  done
  echo "unit $UNIT_MAC never matched $condition; last: $(station_get "$UNIT_MAC")" >&2
  return 1
}
