#!/usr/bin/env bash
# PrivateBox Factory: one entry point for engineers and CI.
#   ./factory.sh run            install what is missing, build, start the whole suite (Aspire AppHost)
#   ./factory.sh demo [options] start the suite as run does, then a virtual line of 20 units builds against it
#                               (options: python3 scripts/virtual-line.py --help); Ctrl-C stops the suite
#   ./factory.sh test           install and start what the tests need, run every test in the solution
#   ./factory.sh bench [name]   run a benchmark from bench/ (default: all)
#   ./factory.sh cdn-sync <folder> [cdn-url]   upload new and changed files below <folder> to the CDN
#   ./factory.sh package [amd64|arm64]        build the factory server's Debian package into artifacts/
#   ./factory.sh unit-media --out DIR --server https://... --ca CA --token-file F --debug-key KEY.pub
#                                             install media files for units of one server (answer.toml, first-boot.sh)
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(pwd)

# Debian packages the suite and its tests use (no container engine needed); each part of the suite
# adds its own line. PACKAGED_SERVICES are the ones Debian starts on install that the suite runs itself.
RUN_PACKAGES=(postgresql rabbitmq-server)
TEST_PACKAGES=(postgresql rabbitmq-server)
PACKAGED_SERVICES=(postgresql rabbitmq-server)
TEST_PACKAGES+=(snmpd snmp)  # SwitchMonitor: net-snmp agent and snmptrap as the real switch peer
TEST_PACKAGES+=(openssh-server)  # DebugCollector tests: a real sshd on loopback as the unit
TEST_PACKAGES+=(wget curl)  # Cdn tests: wget -r mirrors a listing; cdn-sync uploads with curl
TEST_PACKAGES+=(chromium)  # dashboard tests: Playwright drives the system Chromium
TEST_PACKAGES+=(bats shellcheck jq)  # unit-client: its bats suites, shellcheck, jq in the assertions
TEST_PACKAGES+=(python3)  # AppHost tests: scripts/virtual-line.py against the suite

# PrintStation: a monospace font for labels; CUPS lp/lpstat for office printers; in tests Chromium drives the kiosk
# and a private cupsd on loopback is the office printer.
RUN_PACKAGES+=(fonts-dejavu-core cups-client)
TEST_PACKAGES+=(fonts-dejavu-core chromium cups-daemon cups-client)
PACKAGED_SERVICES+=(cups.socket cups.path cups)
# The factory server's package (tests/install): dpkg-deb builds it, systemd-analyze checks its units, setpriv starts
# them as their service account, and the package's own dependencies.
TEST_PACKAGES+=(dpkg-dev systemd util-linux iproute2 openssh-client openssl postgresql-client adduser ca-certificates)

log() { printf '\033[1;34m[factory]\033[0m %s\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null; then sudo "$@"
  else log "need root for: $*"; return 1; fi
}

ensure_packages() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # Debian starts the packaged services on install; the suite runs its own instances.
  for svc in "${PACKAGED_SERVICES[@]}"; do
    as_root systemctl disable --now "$svc" >/dev/null 2>&1 || as_root service "$svc" stop >/dev/null 2>&1 || true
  done
}

ensure_dotnet() {
  command -v dotnet >/dev/null || { log "the .NET 10 SDK is required: https://dot.net"; exit 1; }
  dotnet tool restore >/dev/null
}

cmd_run() {
  ensure_packages "${RUN_PACKAGES[@]}"
  ensure_dotnet
  log "building"
  dotnet build PrivateBox.Factory.sln -c Debug --nologo -v q
  log "starting the suite; gateway: http://localhost:5250  (Aspire dashboard login URL follows)"
  # The http profile: the dashboard's resource service and OTLP on loopback without TLS. Over https every process
  # would have to trust the ASP.NET Core development certificate, which nothing on a fresh Linux machine does, and the
  # dashboard then shows no resources and receives no telemetry.
  exec dotnet run --project AppHost --no-build --launch-profile http
}

# The suite in the background as cmd_run starts it (its output in a log file), then the virtual line against it;
# the suite keeps running for a look at both dashboards until Ctrl-C.
cmd_demo() {
  ensure_packages "${RUN_PACKAGES[@]}" python3
  ensure_dotnet
  log "building"
  dotnet build PrivateBox.Factory.sln -c Debug --nologo -v q
  if gateway_answers; then
    log "something already answers on http://localhost:5250 (another suite?); stop it first"; exit 1
  fi
  DEMO_LOG=$(mktemp -t pbf-demo-suite.XXXXXX.log)
  log "starting the suite (its output: $DEMO_LOG)"
  setsid dotnet run --project AppHost --no-build --launch-profile http >"$DEMO_LOG" 2>&1 &
  DEMO_SUITE=$!
  trap stop_demo_suite EXIT
  trap 'exit 130' INT TERM
  local waited=0
  until gateway_answers; do
    if ! kill -0 "$DEMO_SUITE" 2>/dev/null || [ "$waited" -ge 300 ]; then
      log "the suite did not become healthy; its output:"; tail -n 40 "$DEMO_LOG" >&2; exit 1
    fi
    sleep 2; waited=$((waited + 2))
  done
  log "the suite is up after ${waited}s"
  demo_urls
  local rc=0
  python3 scripts/virtual-line.py "$@" || rc=$?
  [ "$rc" -eq 0 ] || log "the virtual line found problems (exit $rc; above)"
  demo_urls
  log "the suite keeps running; Ctrl-C stops it"
  wait "$DEMO_SUITE"
}

gateway_answers() { python3 -c 'import urllib.request as u; u.urlopen("http://localhost:5250/health", timeout=2)' 2>/dev/null; }

demo_urls() {
  log "Aspire dashboard: $(grep -o 'http://localhost:15250/login?t=[0-9a-f]*' "$DEMO_LOG" | head -n 1)"
  log "factory dashboard: http://localhost:5250/   kiosk: http://localhost:5304/kiosk/index.html"
}

# SIGTERM to the suite's process group: the AppHost stops its services and servers. (A background job started by a
# script ignores SIGINT, so Ctrl-C's signal would do nothing.)
stop_demo_suite() {
  kill -TERM -- "-$DEMO_SUITE" 2>/dev/null || return 0
  log "stopping the suite"
  for _ in $(seq 30); do kill -0 "$DEMO_SUITE" 2>/dev/null || return 0; sleep 1; done
  kill -KILL -- "-$DEMO_SUITE" 2>/dev/null || true
}

cmd_test() {
  ensure_packages "${TEST_PACKAGES[@]}"
  ensure_dotnet
  # shellcheck source=scripts/test-servers.sh
  source scripts/test-servers.sh
  test_servers_start
  trap test_servers_stop EXIT
  dotnet build PrivateBox.Factory.sln -c Debug --nologo -v q
  rm -f "$ROOT"/TestResults/*.trx
  local rc=0
  dotnet test PrivateBox.Factory.sln -c Debug --no-build --nologo \
    --logger "console;verbosity=normal" --logger trx --results-directory "$ROOT/TestResults" "$@" || rc=$?
  if [ "$rc" -ne 0 ]; then
    log "dotnet test failed; the failures:"
    python3 scripts/test-failures.py "$ROOT/TestResults"
    return "$rc"
  fi
  scripts/sentinel-sweep.sh "$ROOT/TestResults"
  log "unit-client: shellcheck and bats"
  unit-client/tests/run.sh
  log "the factory server's package: build, install, setup, run as systemd would, upgrade, backup, restore, purge"
  tests/install/run.sh
}

cmd_bench() {
  local name=${1:-}
  if [ -n "$name" ]; then exec "bench/$name.sh"; fi
  for b in bench/*.sh; do "$b"; done
}

# Weekly asset update (scripts/cdn-sync.sh). CDN_ADMIN_KEY is the admin key (dev-admin-key in Development); the URL
# defaults to the local gateway.
cmd_cdn_sync() {
  CDN_ADMIN_KEY=${CDN_ADMIN_KEY:-dev-admin-key} exec scripts/cdn-sync.sh "${1:?usage: ./factory.sh cdn-sync <folder> [cdn-url]}" \
    "${2:-${CDN_URL:-http://localhost:5250/cdn}}"
}

case "${1:-}" in
  run) shift; cmd_run "$@" ;;
  demo) shift; cmd_demo "$@" ;;
  test) shift; cmd_test "$@" ;;
  bench) shift; cmd_bench "$@" ;;
  cdn-sync) shift; cmd_cdn_sync "$@" ;;
  package) shift; exec packaging/build-deb.sh "$@" ;;
  unit-media) shift; exec scripts/unit-media.sh "$@" ;;
  *) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
