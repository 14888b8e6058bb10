#!/usr/bin/env bash
# The factory server as installed: builds the Debian package, installs it on this machine with dpkg, runs setup
# against Debian's own PostgreSQL and RabbitMQ, starts every unit the way systemd would (run-unit.py), and drives a
# unit through heartbeat, ready report, label port, print and purge through the gateway on HTTPS with the
# generated secrets. Then: dev keys and the folder printer refused, every process in Production, an upgrade with
# data in place, backup and restore into an empty database with the same answers, and purge.
# Run by ./factory.sh test as root. It changes this machine for its duration (installs privatebox-factory, starts
# the Debian PostgreSQL cluster and RabbitMQ node, uses ports 80, 443, 162, 8443, 18888) and undoes it at the end.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
HERE=$ROOT/tests/install
ETC=/etc/privatebox-factory
UNITS=/lib/systemd/system
WORK=$(mktemp -d /tmp/privatebox-install.XXXXXX)
chmod 755 "$WORK"
GATEWAY=https://127.0.0.1
CURL=(curl -sS --cacert "$ETC/ca.crt" --max-time 20)
SERVICES=(unitapi cdn switchmonitor debugcollector gateway printstation dashboard)
declare -A PIDS=()

log() { printf '\033[1;35m[install]\033[0m %s\n' "$*" >&2; }
fail() {
  local f
  for f in "$WORK"/*.log; do [ -f "$f" ] && { log "--- $f"; tail -8 "$f" | cut -c1-400 >&2; }; done
  log "FAILED: $*"; exit 1
}
expect() { # expect DESCRIPTION ACTUAL EXPECTED
  [ "$2" = "$3" ] || fail "$1: expected '$3', got '$2'"
  log "ok: $1"
}
ms() { date +%s%3N; }

shellcheck packaging/privatebox-factory packaging/build-deb.sh packaging/debian/postinst packaging/debian/prerm \
  packaging/debian/postrm scripts/cdn-sync.sh tests/install/run.sh || fail "shellcheck"
[ "$(id -u)" -eq 0 ] || { log "needs root (dpkg, users, ports below 1024); skipped"; exit 0; }
PGVER=$(find /usr/lib/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' | sort -V | tail -1)

cleanup() {
  set +e
  stop_services
  [ -n "${SNMPD_PID:-}" ] && kill "$SNMPD_PID" 2>/dev/null
  [ -n "${PRINTER_PID:-}" ] && kill "$PRINTER_PID" 2>/dev/null
  dpkg --purge privatebox-factory >/dev/null 2>&1
  if pg_lsclusters -h 2>/dev/null | grep -q "^$PGVER main .* online"; then
    runuser -u postgres -- psql -qc "DROP DATABASE IF EXISTS factorydb WITH (FORCE)" -c "DROP ROLE IF EXISTS privatebox_factory" >/dev/null
    pg_ctlcluster "$PGVER" main stop
  fi
  rabbitmqctl -q stop >/dev/null 2>&1
  rm -rf "$WORK" /var/backups/privatebox-factory
}
trap cleanup EXIT

launch() { # name [unit file]: starts it and waits until it is ready or has failed; the outcome in OUTCOME
  local svc=$1 unit=${2:-$UNITS/privatebox-factory-$1.service} waited=0
  rm -f "$WORK/$svc.ready"
  python3 "$HERE/run-unit.py" "$unit" "$WORK/$svc.log" "$WORK/$svc.ready" </dev/null >/dev/null 2>&1 &
  PIDS[$svc]=$!
  until [ -s "$WORK/$svc.ready" ]; do
    sleep 0.2; waited=$((waited + 1)); [ $waited -lt 1000 ] || fail "$svc neither started nor failed"
  done
  OUTCOME=$(cat "$WORK/$svc.ready")
}
start_service() {
  launch "$1"
  [[ $OUTCOME == ready* ]] || fail "$1: $OUTCOME"
  log "$1: $OUTCOME"
}
stop_services() {
  local svc
  for svc in "${!PIDS[@]}"; do kill -TERM "${PIDS[$svc]}" 2>/dev/null || true; done
  for svc in "${!PIDS[@]}"; do wait "${PIDS[$svc]}" 2>/dev/null || true; done
  PIDS=()
}
# In the order systemd follows from the units' After= lines.
start_all() { local svc; for svc in dashboard unitapi cdn switchmonitor debugcollector gateway printstation; do start_service "$svc"; done; }

# --- the package ---------------------------------------------------------------------------------------------
log "building the package (1.0.0 and, from the same publish, 1.0.1 for the upgrade)"
t0=$(ms)
DEB1=$(VERSION=1.0.0 packaging/build-deb.sh amd64 | tail -1)
DEB2=$(VERSION=1.0.1 REUSE_PUBLISH=1 packaging/build-deb.sh amd64 | tail -1)
log "package built in $(( ($(ms) - t0) / 1000 )) s: $(du -h "$DEB1" | cut -f1)"

log "Debian's PostgreSQL and RabbitMQ, as on the factory server"
pg_ctlcluster "$PGVER" main start 2>/dev/null || pg_ctlcluster "$PGVER" main status >/dev/null
rabbitmq-server -detached >/dev/null 2>&1 || true
for _ in $(seq 1 90); do rabbitmqctl -q await_startup >/dev/null 2>&1 && break; sleep 1; done
rabbitmqctl -q await_startup >/dev/null || fail "RabbitMQ did not start"

t0=$(ms)
dpkg -i "$DEB1" >"$WORK/dpkg.log" 2>&1 || fail "dpkg -i: $(cat "$WORK/dpkg.log")"
log "installed in $(( $(ms) - t0 )) ms"
expect "the service account exists" "$(id -un privatebox-factory)" privatebox-factory
systemd-analyze verify "$UNITS"/privatebox-factory*.service "$UNITS"/privatebox-factory*.target \
  "$UNITS"/privatebox-factory*.timer >"$WORK/verify.log" 2>&1 || fail "systemd-analyze verify: $(cat "$WORK/verify.log")"
log "ok: systemd-analyze verify passes on every unit"
for unit in "$UNITS"/privatebox-factory-*.service; do
  [[ $unit == *-backup.service ]] && continue
  exposure=$(systemd-analyze security --offline=true "$unit" 2>/dev/null | sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
  awk -v e="$exposure" 'BEGIN {exit !(e != "" && e < 4.0)}' || fail "$(basename "$unit"): exposure level '$exposure' (systemd-analyze security), want below 4.0"
done
log "ok: systemd-analyze security rates every service unit below 4.0 (OK)"

# --- setup ---------------------------------------------------------------------------------------------------
# The switch: net-snmp's snmpd serving a ProCurve-like bridge table; the printer: a raw TCP 9100 stand-in.
SNMP_PORT=$(python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
echo '{"portCount": 24, "self": "00:1b:3f:00:00:01", "ports": {}}' > "$WORK/switch.json"
cat > "$WORK/snmpd.conf" <<EOF
rocommunity factory-community 127.0.0.1
pass_persist -p 10 .1.3.6.1.2.1.2.2 /usr/bin/python3 $ROOT/tests/SwitchMonitor.Tests/Peers/switch_mib.py $WORK/switch.json
pass_persist -p 10 .1.3.6.1.2.1.17 /usr/bin/python3 $ROOT/tests/SwitchMonitor.Tests/Peers/switch_mib.py $WORK/switch.json
EOF
/usr/sbin/snmpd -M /dev/null -f -C -c "$WORK/snmpd.conf" -Lf "$WORK/snmpd.log" udp:127.0.0.1:"$SNMP_PORT" &
SNMPD_PID=$!
python3 "$HERE/zpl-printer.py" "$WORK/labels" "$WORK/printer.port" &
PRINTER_PID=$!
until [ -s "$WORK/printer.port" ]; do sleep 0.1; done

t0=$(ms)
privatebox-factory setup --no-start --address 127.0.0.1 --switch 127.0.0.1 --switch-community factory-community \
  --printer "127.0.0.1:$(cat "$WORK/printer.port")" 2>"$WORK/setup.log" || fail "setup: $(cat "$WORK/setup.log")"
log "setup in $(( $(ms) - t0 )) ms"
cp "$ETC/secrets/factory-token" "$WORK/token-before"
privatebox-factory setup --no-start --address 127.0.0.1 2>"$WORK/setup2.log" || fail "setup run again: $(cat "$WORK/setup2.log")"
cmp -s "$ETC/secrets/factory-token" "$WORK/token-before" || fail "setup run again changed the factory token"
log "ok: setup runs again and keeps what exists"
sed -i "s/\"PortCount\": 24 }/\"PortCount\": 24, \"Port\": $SNMP_PORT }/" "$ETC/factory.json"
expect "secrets are root's alone" "$(stat -c '%U %a' "$ETC/secrets" "$ETC/secrets/factory-token" | tr '\n' ' ')" "root 700 root 600 "
expect "the RabbitMQ guest user is gone" "$(rabbitmqctl -q list_users | cut -f1 | grep -cx guest || true)" 0
PGPASSWORD=wrong psql -h 127.0.0.1 -U privatebox_factory -d factorydb -c 'select 1' >/dev/null 2>&1 \
  && fail "PostgreSQL accepted a wrong password"
log "ok: PostgreSQL refuses a wrong password"
LABEL=$(cat "$ETC/secrets/label-key")
DEBUG=$(cat "$ETC/secrets/debug-key")
# shellcheck disable=SC2034 # read as ${!key} in the key checks
ADMIN=$(cat "$ETC/secrets/admin-key")

# --- start, as systemd would -----------------------------------------------------------------------------------
t0=$(ms)
start_all
log "every service ready in $(( ($(ms) - t0) / 1000 )) s"
expect "gateway health over HTTPS" "$("${CURL[@]}" -o /dev/null -w '%{http_code}' "$GATEWAY/health")" 200
privatebox-factory status > "$WORK/status.txt"
cat "$WORK/status.txt" >&2
expect "status shows every service healthy" "$(grep -c ' healthy' "$WORK/status.txt")" "${#SERVICES[@]}"
for svc in "${SERVICES[@]}"; do
  pid=$(pgrep -P "${PIDS[$svc]}" | head -1)
  envs=$(tr '\0' '\n' < "/proc/$pid/environ")
  grep -qx 'ASPNETCORE_ENVIRONMENT=Production' <<<"$envs" || fail "$svc does not run in Production"
  expect "$svc runs as the service account in Production" "$(stat -c %U "/proc/$pid")" privatebox-factory
done
grep -rq dev-factory-token /usr/share/privatebox-factory/unit-client && fail "the CDN's unit-client folder holds a token"
expect "/cdn/factory/ serves no factory.env" "$("${CURL[@]}" -o /dev/null -w '%{http_code}' "$GATEWAY/cdn/factory/factory.env")" 404
TOKEN=$(cat "$ETC/secrets/factory-token")
served=0
for name in $("${CURL[@]}" "$GATEWAY/cdn/factory/?format=json" | jq -r '.entries[] | select(.type == "file") | .name'); do
  "${CURL[@]}" "$GATEWAY/cdn/factory/$name" | grep -qF "$TOKEN" && fail "/cdn/factory/$name holds the factory token"
  served=$((served + 1))
done
[ "$served" -ge 8 ] || fail "/cdn/factory/ lists only $served files"
log "ok: none of the $served files under /cdn/factory/ holds the factory token"

privatebox-factory unit-media --out "$WORK/media" --server https://127.0.0.1 >"$WORK/media.log" 2>&1 \
  || fail "unit-media: $(cat "$WORK/media.log")"
grep -qxF "FACTORY_TOKEN='$TOKEN'" "$WORK/media/first-boot.sh" || fail "the media do not carry the factory token"
grep -qF "$(head -2 "$ETC/ca.crt" | tail -1)" "$WORK/media/first-boot.sh" || fail "the media do not carry the factory CA"
python3 /usr/lib/privatebox-factory/validate-answer.py "$WORK/media/answer.toml" 9 || fail "the media's answer file does not validate"
grep -q 'prepare-iso proxmox-ve_9' "$WORK/media.log" || fail "unit-media printed no prepare-iso command"
log "ok: unit-media writes enrolled install media for this server"

# --- a unit's build, label and purge ---------------------------------------------------------------------------
MAC=02:00:5e:10:00:21
auth=(-H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json')
expect "heartbeat over HTTPS" "$("${CURL[@]}" -o /dev/null -w '%{http_code}' "${auth[@]}" -X POST "$GATEWAY/api/heartbeat" \
  -d "{\"mac_wan\":\"$MAC\",\"status\":\"building\",\"stage\":\"Phase 2: OPNsense\",\"timestamp\":\"$(date -u +%FT%TZ)\"}")" 200
expect "a dev token is refused" "$("${CURL[@]}" -o /dev/null -w '%{http_code}' -H 'Authorization: Bearer dev-factory-token' \
  -H 'Content-Type: application/json' -X POST "$GATEWAY/api/heartbeat" -d "{\"mac_wan\":\"$MAC\",\"status\":\"building\"}")" 401
expect "a key over plain HTTP is refused" "$(curl -sS -o /dev/null -w '%{http_code}' "${auth[@]}" -X POST http://127.0.0.1/api/heartbeat \
  -d '{"mac_wan":"02:00:5e:10:00:99","status":"building","stage":"plain"}')" 403
expect "and nothing of it was stored" "$("${CURL[@]}" -o /dev/null -w '%{http_code}' "$GATEWAY/api/units/02:00:5e:10:00:99")" 404
READY="{\"mac_wan\":\"$MAC\",\"status\":\"ready\",\"serial\":\"0b7e6a2c-1d2f-4c5e-9a8b-7c6d5e4f3a2b\",
  \"admin_password\":\"correct-horse-battery-staple\",\"services_password\":\"Zq8*Lm2+Xr7=Pw4@Hk9nTb3c\",
  \"build_time\":\"$(date -u +%FT%TZ)\",\"build_duration_seconds\":1020,\"test_results\":{\"portainer\":\"pass\",\"adguard\":\"pass\"}}"
expect "ready report over HTTPS" "$("${CURL[@]}" -o /dev/null -w '%{http_code}' "${auth[@]}" -X POST "$GATEWAY/api/units" -d "$READY")" 200
expect "the label key reads the password" "$("${CURL[@]}" -H "Authorization: Bearer $LABEL" "$GATEWAY/api/units/$MAC" | jq -r .admin_password)" correct-horse-battery-staple
# Each key opens its own endpoints and no other (README, "Keys").
status_of() { "${CURL[@]}" -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $1" "${@:2}"; }
# Another scope's key is 403; a key the service does not hold at all is 401.
declare -A PURGE=([TOKEN]=403 [DEBUG]=403 [ADMIN]=401) BUNDLES=([TOKEN]=403 [LABEL]=401)
for key in TOKEN DEBUG ADMIN; do
  expect "the ${key,,} key reads no password" "$("${CURL[@]}" -H "Authorization: Bearer ${!key}" "$GATEWAY/api/units/$MAC" | jq -r '.admin_password // "none"')" none
  expect "the ${key,,} key purges nothing" "$(status_of "${!key}" -X DELETE "$GATEWAY/api/units/$MAC")" "${PURGE[$key]}"
done
for key in TOKEN LABEL; do
  expect "the ${key,,} key lists no debug bundle" "$(status_of "${!key}" "$GATEWAY/api/debug-logs")" "${BUNDLES[$key]}"
done
expect "the debug key lists debug bundles" "$(status_of "$DEBUG" "$GATEWAY/api/debug-logs")" 200
"${CURL[@]}" -H "Authorization: Bearer $DEBUG" "$GATEWAY/api/units/$MAC/redaction" > "$WORK/redaction.json"
expect "the debug key gets the passwords' digests" "$(jq '.secrets | length' "$WORK/redaction.json")" 2
grep -qF correct-horse-battery-staple "$WORK/redaction.json" && fail "the redaction digests hold a password"
expect "the label key uploads nothing to the CDN" "$(status_of "$LABEL" -X PUT --data-binary x "$GATEWAY/cdn/images/x.bin")" 401
expect "the debug key forgets no host key" "$(status_of "$DEBUG" -X DELETE "$GATEWAY/api/debug-logs/host-keys/$MAC")" 403
log "ok: every key reaches only its own endpoints"

log "the unit is plugged into port 21: the switch learns its MAC and sends linkUp to UDP 162"
echo "{\"portCount\": 24, \"self\": \"00:1b:3f:00:00:01\", \"ports\": {\"21\": {\"up\": true, \"macs\": [\"$MAC\"]}}}" > "$WORK/switch.json"
snmptrap -v 2c -c public 127.0.0.1:162 '' .1.3.6.1.6.3.1.1.5.4 .1.3.6.1.2.1.2.2.1.1.21 i 21 .1.3.6.1.2.1.2.2.1.8.21 i 1
kiosk() { curl -sk --max-time 10 "$@"; }
wait_phase() {
  for _ in $(seq 1 150); do
    [ "$(kiosk https://127.0.0.1:8443/kiosk/state | jq -r .phase)" = "$1" ] && return 0
    sleep 0.2
  done
  fail "the kiosk never reached $1: $(kiosk https://127.0.0.1:8443/kiosk/state)"
}
wait_phase ask-print
log "ok: the kiosk asks to print the label"
kiosk -X POST "https://127.0.0.1:8443/kiosk/answer/yes?phase=ask-print" >/dev/null
wait_phase ask-confirm
for _ in $(seq 1 50); do grep -qs 'correct-horse-battery-staple' "$WORK/labels"/* && break; sleep 0.2; done
grep -qs 'correct-horse-battery-staple' "$WORK/labels"/* || fail "the printer got no label with the password"
log "ok: the printer received the label"
kiosk -X POST "https://127.0.0.1:8443/kiosk/answer/yes?phase=ask-confirm" >/dev/null
for _ in $(seq 1 100); do
  [ "$("${CURL[@]}" "$GATEWAY/api/units/$MAC" | jq -r .status)" = labeled ] && break; sleep 0.2
done
expect "the unit is labeled" "$("${CURL[@]}" "$GATEWAY/api/units/$MAC" | jq -r .status)" labeled
expect "the passwords are gone" "$("${CURL[@]}" -H "Authorization: Bearer $LABEL" "$GATEWAY/api/units/$MAC" | jq -r '.admin_password // "none"')" none
# The unit resends its report (its first answer was lost): answered as before, nothing stored, no password back.
expect "a resent ready report after the label is answered as before" \
  "$("${CURL[@]}" "${auth[@]}" -X POST "$GATEWAY/api/units" -d "$READY" | jq -r '"\(.attempt) \(.status)"')" "1 labeled"
expect "and brings no password back" "$("${CURL[@]}" -H "Authorization: Bearer $LABEL" "$GATEWAY/api/units/$MAC" | jq -r '"\(.status) \(.admin_password // "none")"')" "labeled none"

# Every service exports its telemetry to the Aspire dashboard over OTLP (gRPC, a connection kept open to 18889).
for svc in unitapi cdn switchmonitor debugcollector gateway printstation; do
  pid=$(pgrep -P "${PIDS[$svc]}" | head -1)
  for _ in $(seq 1 100); do
    ss -Htnp state established dst 127.0.0.1:18889 | grep -q "pid=$pid," && break; sleep 0.2
  done
  ss -Htnp state established dst 127.0.0.1:18889 | grep -q "pid=$pid," || fail "$svc sends no telemetry to the dashboard"
done
log "ok: every service sends its telemetry to the Aspire dashboard"

# A second unit mid-build and a failed one, for the upgrade and the restore to keep.
BUILDING=02:00:5e:10:00:05
"${CURL[@]}" -o /dev/null "${auth[@]}" -X POST "$GATEWAY/api/heartbeat" \
  -d "{\"mac_wan\":\"$BUILDING\",\"status\":\"building\",\"stage\":\"Phase 3: management VM\",\"timestamp\":\"$(date -u +%FT%TZ)\"}"
"${CURL[@]}" -o /dev/null "${auth[@]}" -X POST "$GATEWAY/api/units" \
  -d '{"mac_wan":"02:00:5e:10:00:07","status":"failed","error_log":"adguard did not start","failed_tests":["adguard"]}'
# --- memory: every service, PostgreSQL, RabbitMQ and the dashboard (sum of RSS; shared pages counted per process) ---
# Per program: RSS, and PSS (each shared page split between the processes sharing it: PostgreSQL's shared buffers,
# the services' common runtime files), in MB; the last line is the total.
memory() {
  local pid
  for pid in $(ps -u privatebox-factory,postgres,rabbitmq -o pid=); do
    printf '%s %s\n' "$(cat "/proc/$pid/comm" 2>/dev/null)" \
      "$(awk '/^Rss:/ {r=$2} /^Pss:/ {p=$2} END {print r, p}' "/proc/$pid/smaps_rollup" 2>/dev/null)"
  done | awk 'NF == 3 {r[$1] += $2; p[$1] += $3; R += $2; P += $3}
    END {for (k in r) printf "%-16s RSS %5d  PSS %5d\n", k, r[k] / 1024, p[k] / 1024; printf "total RSS %d PSS %d\n", R / 1024, P / 1024}'
}
IDLE=$(memory | tail -1)
batch=()
for n in $(seq 10 29); do
  m=02:00:5e:20:00:$n
  (
    for stage in "Phase 1: network" "Phase 2: OPNsense" "Phase 3: management VM"; do
      "${CURL[@]}" -o /dev/null "${auth[@]}" -X POST "$GATEWAY/api/heartbeat" \
        -d "{\"mac_wan\":\"$m\",\"status\":\"building\",\"stage\":\"$stage\",\"timestamp\":\"$(date -u +%FT%TZ)\"}"
    done
    "${CURL[@]}" -o /dev/null "${auth[@]}" -X POST "$GATEWAY/api/units" -d "$(sed "s/$MAC/$m/; s/3a2b/3a$n/" <<<"$READY")"
  ) &
  batch+=($!)
done
wait "${batch[@]}"
memory > "$WORK/memory.txt"
sed 's/^/  /' "$WORK/memory.txt" >&2
BATCH=$(tail -1 "$WORK/memory.txt")
log "memory of the suite, PostgreSQL and RabbitMQ in MB: idle $IDLE; after a batch of 20 units $BATCH"
[ "$(awk '{print $5}' <<<"$BATCH")" -lt 1536 ] || fail "the installed suite uses more than 1.5 GB after a batch: $BATCH"

"${CURL[@]}" -o /dev/null "${auth[@]}" -X POST "$GATEWAY/api/debug-logs" \
  -d '{"mac":"02:00:5e:10:00:07","entries":{"bootstrap.log":"adguard: container exited with 1\n"}}'
answers() { # what an engineer would compare: units, attempts, metrics, debug bundles
  "${CURL[@]}" "$GATEWAY/api/units" | jq -S '[.[] | del(.last_seen_seconds?, .age_seconds?)] | sort_by(.mac_wan)'
  for m in $MAC $BUILDING 02:00:5e:10:00:07; do "${CURL[@]}" "$GATEWAY/api/units/$m/attempts" | jq -S .; done
  local range
  range="from=$(date -u -d yesterday +%F)&to=$(date -u -d tomorrow +%F)"
  "${CURL[@]}" "$GATEWAY/api/metrics/daily?$range" | jq -S .
  "${CURL[@]}" "$GATEWAY/api/metrics/test-failures?$range" | jq -S .
  local bundles
  bundles=$("${CURL[@]}" -H "Authorization: Bearer $DEBUG" "$GATEWAY/api/debug-logs?mac=02:00:5e:10:00:07")
  jq -S . <<<"$bundles"
  "${CURL[@]}" -H "Authorization: Bearer $DEBUG" "$GATEWAY/api/debug-logs/$(jq -r '.[0].id' <<<"$bundles")" | sha256sum
}
answers > "$WORK/answers.before"
grep -q "$BUILDING" "$WORK/answers.before" || fail "the answers hold no units: $(head -c 400 "$WORK/answers.before")"
grep -q '"id"' "$WORK/answers.before" || fail "the answers hold no debug bundle"

# --- refusals --------------------------------------------------------------------------------------------------
log "a dev key among the secrets stops the service, naming the setting"
printf 'dev-admin-key' > "$WORK/dev-admin-key"
sed "s|$ETC/secrets/admin-key|$WORK/dev-admin-key|" "$UNITS/privatebox-factory-cdn.service" \
  | sed 's|127.0.0.1:5302|127.0.0.1:5392|' > "$WORK/cdn-dev.service"
launch cdn-dev "$WORK/cdn-dev.service"
[[ $OUTCOME == failed* ]] || fail "the CDN started with a dev admin key"
grep -q 'FactoryKeys:AdminKey' "$WORK/cdn-dev.log" || fail "the refusal does not name FactoryKeys:AdminKey"
log "ok: refused: $(grep -o 'FactoryKeys:AdminKey[^.]*' "$WORK/cdn-dev.log" | head -1)"
unset 'PIDS[cdn-dev]'
log "the folder printer stops the print station"
echo '{ "PrintStation": { "Printer": { "Kind": "Folder" } } }' > "$WORK/folder.json"
sed -e "s|:/etc/privatebox-factory/factory.json|:/etc/privatebox-factory/factory.json:$WORK/folder.json|" \
  -e 's|5305|5395|; s|0.0.0.0:8443|127.0.0.1:8493|' "$UNITS/privatebox-factory-printstation.service" > "$WORK/print-folder.service"
launch print-folder "$WORK/print-folder.service"
[[ $OUTCOME == failed* ]] || fail "the print station started with the folder printer"
grep -q 'Zpl or Cups' "$WORK/print-folder.log" || fail "the refusal does not name the printer setting"
log "ok: refused: $(grep -o 'PrintStation:Printer:Kind[^(]*' "$WORK/print-folder.log" | head -1)"
unset 'PIDS[print-folder]'

# --- sentinel sweep: no password in clear anywhere the server keeps things --------------------------------------
# Twenty-one units reported both passwords (one labeled, twenty waiting); none may be readable in PostgreSQL's files
# and WAL after a checkpoint, in a pg_dump, or in any service's log.
runuser -u postgres -- psql -qc CHECKPOINT
runuser -u postgres -- pg_dump -d factorydb > "$WORK/sweep.dump"
# Every span and structured log the services sent, as the dashboard's telemetry API gives them.
APIKEY=$(sed -n 's/^Dashboard__Api__PrimaryApiKey=//p' "$ETC/secrets/dashboard.env")
for kind in spans logs; do
  curl -sk --max-time 30 -H "x-api-key: $APIKEY" "https://127.0.0.1:18888/api/telemetry/$kind?limit=100000" > "$WORK/sweep.$kind.json"
done
SPANS=$(jq -r '"\(.returnedCount) \(.totalCount)"' "$WORK/sweep.spans.json")
if [ "${SPANS% *}" -le 100 ] || [ "${SPANS% *}" != "${SPANS#* }" ]; then
  fail "the dashboard's telemetry API gave not all or too few spans ($SPANS): $(head -c 300 "$WORK/sweep.spans.json")"
fi
for secret in correct-horse-battery-staple 'Zq8*Lm2+Xr7=Pw4@Hk9nTb3c'; do
  hits=$(grep -rlaF -- "$secret" "/var/lib/postgresql/$PGVER/main" "$WORK/sweep.dump" "$WORK"/sweep.*.json "$WORK"/*.log \
    /var/lib/privatebox-factory 2>/dev/null || true)
  [ -z "$hits" ] || fail "a password in clear in: $hits"
done
log "ok: no password in clear in PostgreSQL's files and WAL, a dump, the telemetry (${SPANS% *} spans, $(jq .returnedCount "$WORK/sweep.logs.json") logs), the services' logs or their state"
rm -f "$WORK/sweep.dump" "$WORK"/sweep.*.json

# --- backup, upgrade, restore ----------------------------------------------------------------------------------
ARCHIVE=$(privatebox-factory backup "$WORK/backups" 2>"$WORK/backup.log" | tail -1)
[ -s "$ARCHIVE" ] || fail "no backup archive: $(cat "$WORK/backup.log")"
tar -tzf "$ARCHIVE" | grep -q credentials-key && fail "the backup holds the credentials key"
log "ok: backup $(du -h "$ARCHIVE" | cut -f1), without the credentials key"
cp "$ETC/secrets/credentials-key" "$WORK/credentials-key"

log "upgrade to 1.0.1 with the suite running; then the services restart as postinst asks systemd to"
cp "$ETC/secrets/kiosk-pin" "$WORK/kiosk-pin"
rm "$ETC/secrets/kiosk-pin" "$ETC/secrets/debug-key"  # as on a server set up before the kiosk PIN and scoped keys
mv "$ETC/secrets/label-key" "$ETC/secrets/station-key"
dpkg -i "$DEB2" >"$WORK/dpkg2.log" 2>&1 || fail "upgrade: $(cat "$WORK/dpkg2.log")"
if [ ! -s "$ETC/secrets/kiosk-pin" ] || [ ! -s "$ETC/secrets/debug-key" ]; then fail "the upgrade did not make the secrets this version adds"; fi
cmp -s "$ETC/secrets/factory-token" <(printf '%s' "$TOKEN") || fail "the upgrade changed an existing secret"
cmp -s "$ETC/secrets/label-key" <(printf '%s' "$LABEL") || fail "the upgrade did not keep the station key as the label key"
DEBUG=$(cat "$ETC/secrets/debug-key")
log "ok: the upgrade made the missing kiosk PIN and debug key, kept the station key as the label key and every other secret"
expect "the site configuration survived the upgrade" "$(grep -c "\"Port\": $SNMP_PORT" "$ETC/factory.json")" 1
t0=$(ms)
stop_services
start_all
downtime=$(( $(ms) - t0 ))
log "upgrade downtime (stop to every service ready): $downtime ms"
expect "version after the upgrade" "$(privatebox-factory version)" 1.0.1
answers > "$WORK/answers.upgraded"
diff -u "$WORK/answers.before" "$WORK/answers.upgraded" >&2 || fail "the upgrade changed the API's answers"
log "ok: the upgrade kept every unit, attempt, metric and debug bundle"
expect "the unit in mid-build is still building" "$("${CURL[@]}" "$GATEWAY/api/units/$BUILDING" | jq -r .status)" building

log "restore into an empty database"
stop_services
runuser -u postgres -- psql -qc "DROP DATABASE factorydb WITH (FORCE)" -c "CREATE DATABASE factorydb OWNER privatebox_factory"
rm -f "$ETC/secrets/credentials-key"
privatebox-factory restore "$ARCHIVE" --credentials-key "$WORK/credentials-key" 2>"$WORK/restore.log" || fail "restore: $(cat "$WORK/restore.log")"
DEBUG=$(cat "$ETC/secrets/debug-key")
start_all
answers > "$WORK/answers.restored"
diff -u "$WORK/answers.before" "$WORK/answers.restored" >&2 || fail "the restore changed the API's answers"
log "ok: the restore brought back every unit, attempt, metric and debug bundle"
stop_services

log "purge"
dpkg --purge privatebox-factory >"$WORK/purge.log" 2>&1 || fail "purge: $(cat "$WORK/purge.log")"
for gone in "$ETC" /var/lib/privatebox-factory /usr/lib/privatebox-factory "$UNITS/privatebox-factory.target"; do
  [ ! -e "$gone" ] || fail "$gone is still there after purge"
done
log "ok: purge removed the configuration, secrets, state and programs (the database and backups stay)"
log "passed"
