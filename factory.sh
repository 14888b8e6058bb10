#!/usr/bin/env bash
# PrivateBox Factory: one entry point for engineers and CI.
#   ./factory.sh run            install what is missing, build, start the whole suite (Aspire AppHost)
#   ./factory.sh test           install and start what the tests need, run every test in the solution
#   ./factory.sh bench [name]   run a benchmark from bench/ (default: all)
#   ./factory.sh cdn-sync <folder> [cdn-url]   upload new and changed files below <folder> to the CDN
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

# PrintStation: a monospace font for labels; CUPS lp/lpstat for office printers; in tests Chromium drives the kiosk
# and a private cupsd on loopback is the office printer.
RUN_PACKAGES+=(fonts-dejavu-core cups-client)
TEST_PACKAGES+=(fonts-dejavu-core chromium cups-daemon cups-client)
PACKAGED_SERVICES+=(cups.socket cups.path cups)

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
  # The Aspire dashboard serves HTTPS with the ASP.NET Core development certificate.
  dotnet dev-certs https --check >/dev/null 2>&1 || dotnet dev-certs https >/dev/null
  log "building"
  dotnet build PrivateBox.Factory.sln -c Debug --nologo -v q
  log "starting the suite; gateway: http://localhost:5250  (Aspire dashboard login URL follows)"
  exec dotnet run --project AppHost --no-build --launch-profile https
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
  log "unit-client: shellcheck and bats"
  unit-client/tests/run.sh
}

cmd_bench() {
  local name=${1:-}
  if [ -n "$name" ]; then exec "bench/$name.sh"; fi
  for b in bench/*.sh; do "$b"; done
}

# Weekly asset update: every file below <folder> whose SHA-256 differs from the CDN's .sha256 sibling is PUT to
# the same relative path with its Content-Digest; the CDN verifies it and swaps it in atomically.
# CDN_ADMIN_KEY is the admin key (dev-admin-key in Development); the URL defaults to the local gateway.
cmd_cdn_sync() {
  local folder=${1:?usage: ./factory.sh cdn-sync <folder> [cdn-url]}
  local url=${2:-${CDN_URL:-http://localhost:5250/cdn}} key=${CDN_ADMIN_KEY:-dev-admin-key}
  [ -d "$folder" ] || { log "no such folder: $folder"; exit 2; }
  url=${url%/}
  local files=() f n=0 uploaded=0 unchanged=0 failed=0 progress=-s
  [ -t 2 ] && progress=-#
  mapfile -d '' files < <(cd "$folder" && find . -type f ! -name '.*' -print0 | sort -z)
  for f in "${files[@]}"; do
    f=${f#./}; n=$((n + 1))
    local hex remote path size
    hex=$(sha256sum "$folder/$f" | cut -d' ' -f1)
    path=$(cdn_urlencode "$f")
    size=$(stat -c %s "$folder/$f")
    remote=$(curl -sf "$url/$path.sha256" 2>/dev/null | cut -d' ' -f1 || true)
    if [ "$remote" = "$hex" ]; then
      unchanged=$((unchanged + 1)); log "[$n/${#files[@]}] $f unchanged"; continue
    fi
    log "[$n/${#files[@]}] $f ($size bytes) uploading"
    local digest; digest=$(printf '%b' "$(printf '%s' "$hex" | sed 's/../\\x&/g')" | base64 -w0)
    if curl "$progress" -S --fail-with-body -o /dev/null -T "$folder/$f" -H "Authorization: Bearer $key" \
         -H "Content-Digest: sha-256=:$digest:" "$url/$path"; then
      uploaded=$((uploaded + 1))
    else
      failed=$((failed + 1)); log "[$n/${#files[@]}] $f FAILED"
    fi
  done
  log "cdn-sync: $uploaded uploaded, $unchanged unchanged, $failed failed"
  [ "$failed" -eq 0 ]
}

# Percent-encodes a relative path byte by byte, keeping its slashes.
cdn_urlencode() {
  local LC_ALL=C s=$1 out="" c i
  for ((i = 0; i < ${#s}; i++)); do
    c=${s:i:1}
    case $c in [A-Za-z0-9._~/-]) out+=$c ;; *) out+=$(printf '%%%02X' "'$c") ;; esac
  done
  printf '%s' "$out"
}

case "${1:-}" in
  run) shift; cmd_run "$@" ;;
  test) shift; cmd_test "$@" ;;
  bench) shift; cmd_bench "$@" ;;
  cdn-sync) shift; cmd_cdn_sync "$@" ;;
  *) sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
