#!/usr/bin/env bats
# factory-build.sh end to end on this machine: PATH shims for the Proxmox and system commands, a fake bootstrap,
# and the real Unit API on loopback with the test PostgreSQL and RabbitMQ.

load helpers

setup_file() { unitapi_setup_file; gateway_start; }
teardown_file() { gateway_stop; unitapi_stop; }

setup() { unit_setup; }

teardown() {
  tail -n 40 "$U/build.out" 2>/dev/null
  [ -n "${BUILD_PID:-}" ] && kill "$BUILD_PID" 2>/dev/null
  [ -f "$UNITAPI_DIR/unitapi.pid" ] || unitapi_start
}

build() { "$UNIT_CLIENT/factory-build.sh" "$@" >>"$U/build.out" 2>&1; }

# Every file under the unit's log and state folders, minus the outbox, must be free of both passwords.
assert_no_password_in_logs() {
  local hits
  hits=$(grep -rlF -e "$FAKE_ADMIN_PASSWORD" -e "$FAKE_SERVICES_PASSWORD" "$U/log" "$U/state" "$U/build.out" "$U/systemd" "$UNITAPI_DIR/unitapi.log" || true)
  [ -z "$hits" ] || { echo "password found in: $hits" >&2; return 1; }
}

@test "heartbeats carry the bootstrap's stages, also through silent steps, and stop after the final report" {
  export FAKE_GATES="$U/gates"
  mkdir -p "$FAKE_GATES"
  build & BUILD_PID=$!
  wait_for_unit '.stage == "Phase 1: Host preparation started"' 60
  touch "$FAKE_GATES/1"
  wait_for_unit '.stage == "Phase 2: Deploying OPNsense"' 60
  touch "$FAKE_GATES/2"
  wait_for_unit '.stage == "PROGRESS: Installing AdGuard Home"' 60
  # The guest's long silent step: heartbeats go on while the stage stands still.
  local first
  first=$(station_get "$UNIT_MAC" | jq -r .last_heartbeat_at)
  wait_for_unit ".stage == \"PROGRESS: Installing AdGuard Home\" and .last_heartbeat_at != \"$first\"" 60
  touch "$FAKE_GATES/3"
  wait "$BUILD_PID"
  BUILD_PID=
  grep -q 'heartbeat sent (stage: factory: ' "$FACTORY_LOG"
  run station_get "$UNIT_MAC"
  [ "$(jq -r .status <<<"$output")" = ready ]
  local beats_at_report
  beats_at_report=$(grep -c 'heartbeat sent' "$FACTORY_LOG")
  sleep 2.5
  [ "$(grep -c 'heartbeat sent' "$FACTORY_LOG")" -eq "$beats_at_report" ]
}

# The factory debug key, authorized by the install media, beside a key of the unit's own.
authorize_debug_key() {
  ssh-keygen -q -t ed25519 -N "" -C privatebox-factory-debug -f "$U/debug_ed25519"
  export FACTORY_DEBUG_KEY FACTORY_AUTHORIZED_KEYS="$U/root-ssh/authorized_keys"
  FACTORY_DEBUG_KEY=$(cat "$U/debug_ed25519.pub")
  mkdir -p "$U/root-ssh"
  printf 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOwnKeepThisOwnKey root@unit\n%s\n' "$FACTORY_DEBUG_KEY" >"$FACTORY_AUTHORIZED_KEYS"
  # The unit's own host key, whose fingerprint its heartbeats carry.
  ssh-keygen -q -t ed25519 -N "" -f "$U/ssh_host_ed25519_key"
  export SSH_HOST_KEY_FILE="$U/ssh_host_ed25519_key.pub"
}

@test "a passing self-test reports ready with every test result and passwords a station can read" {
  # As at the factory: through the Gateway on HTTPS, trusting the factory certificate.
  export FACTORY_SERVER="$GATEWAY_URL" FACTORY_CACERT="$GATEWAY_CACERT"
  authorize_debug_key
  run build
  [ "$status" -eq 0 ]
  run station_get "$UNIT_MAC"
  echo "$output"
  [ "$(jq -r .status <<<"$output")" = ready ]
  [ "$(jq -r .admin_password <<<"$output")" = "$FAKE_ADMIN_PASSWORD" ]
  [ "$(jq -r .services_password <<<"$output")" = "$FAKE_SERVICES_PASSWORD" ]
  [ "$(jq -r .serial <<<"$output")" = "$(cat "$FACTORY_STATE_DIR/serial")" ]
  [ "$(jq -r '.serial | length' <<<"$output")" -eq 36 ]
  [ "$(jq -cS '.test_results' <<<"$output")" = '{"internet":"pass","isolation":"pass","pveproxy":"pass","unit_api":"pass","wan_removal":"pass"}' ]
  [ "$(jq -c .failed_tests <<<"$output")" = '[]' ]
  [ "$(jq -r .proxmox_ip <<<"$output")" = 10.10.20.20 ]
  grep -q "against $GATEWAY_URL" "$FACTORY_LOG"
  # The OPNsense VM's WAN NIC is one of the unit's MACs, so the switch can find it after the build.
  jq -e --arg m "$VM_MAC" '.macs | index($m)' <<<"$output"
  # Isolated: Proxmox keeps only its LAN address, routes through OPNsense, and the change is persistent.
  [ "$(cat "$SHIM_STATE/addrs")" = "vmbr1 10.10.20.20/24" ]
  grep -qx 'default via 10.10.20.1 dev vmbr1' "$SHIM_STATE/routes"
  grep -qx 'iface vmbr0 inet manual' "$NETWORK_INTERFACES"
  [ -z "$(ls -A "$FACTORY_STATE_DIR/outbox")" ]
  grep -q '\[redacted\]' "$BOOTSTRAP_LOG"
  grep -q 'systemctl enable privatebox-factory-report.service' "$SHIM_STATE/calls.log"
  assert_no_password_in_logs
  # Shipped without factory access; the unit's own key stays; the report says so.
  ! grep -qxF "$FACTORY_DEBUG_KEY" "$FACTORY_AUTHORIZED_KEYS"
  grep -q 'KeepThisOwnKey' "$FACTORY_AUTHORIZED_KEYS"
  [ "$(jq -r .debug_key_removed <<<"$(station_get "$UNIT_MAC")")" = true ]
  # The host key the debug collector will trust is the one the unit has.
  [ "$(jq -r .ssh_host_key <<<"$(station_get "$UNIT_MAC")")" = "$(ssh-keygen -l -E sha256 -f "$SSH_HOST_KEY_FILE" | cut -d' ' -f2)" ]
}

@test "a failing check reports failed with failed_tests, no passwords, and leaves the WAN address alone" {
  touch "$SHIM_STATE/inactive-pveproxy"
  authorize_debug_key
  run build
  [ "$status" -eq 1 ]
  run station_get "$UNIT_MAC"
  echo "$output"
  [ "$(jq -r .status <<<"$output")" = failed ]
  [ "$(jq -c .failed_tests <<<"$output")" = '["pveproxy"]' ]
  [ "$(jq -r .test_results.pveproxy <<<"$output")" = fail ]
  [ "$(jq -r .test_results.unit_api <<<"$output")" = pass ]
  [ "$(jq -r .has_credentials <<<"$output")" = false ]
  [[ "$(jq -r .error_log <<<"$output")" == *"self-test failed"* ]]
  grep -qx 'vmbr0 192.168.100.57/24' "$SHIM_STATE/addrs"
  assert_no_password_in_logs
  # The debug station can still log in.
  grep -qxF "$FACTORY_DEBUG_KEY" "$FACTORY_AUTHORIZED_KEYS"
  [ "$(jq -r .debug_key_removed <<<"$output")" = null ]
}

@test "a failed WAN removal is rolled back and becomes a failure report" {
  touch "$SHIM_STATE/ifreload-fail"
  cp "$NETWORK_INTERFACES" "$U/interfaces.original"
  run build
  [ "$status" -eq 1 ]
  run station_get "$UNIT_MAC"
  echo "$output"
  [ "$(jq -r .status <<<"$output")" = failed ]
  [ "$(jq -c .failed_tests <<<"$output")" = '["wan_removal"]' ]
  [ "$(jq -r .test_results.pveproxy <<<"$output")" = pass ]
  [[ "$(jq -r .error_log <<<"$output")" == *"ifreload -a failed; the WAN address was restored"* ]]
  [ "$(jq -r .proxmox_ip <<<"$output")" = 192.168.100.57 ]
  cmp "$U/interfaces.original" "$NETWORK_INTERFACES"
  grep -qx 'vmbr0 192.168.100.57/24' "$SHIM_STATE/addrs"
  grep -qx 'default via 192.168.100.1 dev vmbr0' "$SHIM_STATE/routes"
  assert_no_password_in_logs
}

@test "a failed isolation check is rolled back through the restored interfaces file and reported" {
  # A stray address the WAN removal does not touch: Proxmox would still answer outside 10.10.20.20.
  printf '\nauto vmbr9\niface vmbr9 inet static\n\taddress 172.16.5.5/24\n' >>"$NETWORK_INTERFACES"
  cp "$NETWORK_INTERFACES" "$U/interfaces.original"
  run build
  [ "$status" -eq 1 ]
  run station_get "$UNIT_MAC"
  echo "$output"
  [ "$(jq -r .status <<<"$output")" = failed ]
  [ "$(jq -c .failed_tests <<<"$output")" = '["isolation"]' ]
  [[ "$(jq -r .error_log <<<"$output")" == *"172.16.5.5/24"*"expected only 10.10.20.20"* ]]
  cmp "$U/interfaces.original" "$NETWORK_INTERFACES"
  grep -qx 'vmbr0 192.168.100.57/24' "$SHIM_STATE/addrs"
  grep -qx 'default via 192.168.100.1 dev vmbr0' "$SHIM_STATE/routes"
  [ "$(grep -c '^ifreload' "$SHIM_STATE/calls.log")" -eq 2 ]
}

@test "with the server down the report waits on disk and is delivered when the server returns" {
  export FAKE_EXIT=1
  unitapi_stop
  build & BUILD_PID=$!
  local i
  for ((i = 0; i < 240; i++)); do grep -q 'kept: server unreachable' "$FACTORY_LOG" 2>/dev/null && break; sleep 0.25; done
  grep -q 'kept: server unreachable' "$FACTORY_LOG"
  [ "$(ls "$FACTORY_STATE_DIR/outbox" | wc -l)" -eq 1 ]
  grep -q '"status":"failed"' "$FACTORY_STATE_DIR"/outbox/*.json
  unitapi_start
  local rc=0
  wait "$BUILD_PID" || rc=$?
  BUILD_PID=
  [ "$rc" -eq 1 ]
  [ -z "$(ls -A "$FACTORY_STATE_DIR/outbox")" ]
  run station_get "$UNIT_MAC"
  [ "$(jq -r .status <<<"$output")" = failed ]
  [ "$(jq -c .failed_tests <<<"$output")" = '["bootstrap"]' ]
}

@test "a report queued before a reboot is delivered by the boot-time delivery" {
  export FAKE_EXIT=1
  unitapi_stop
  build & BUILD_PID=$!
  local i
  for ((i = 0; i < 240; i++)); do grep -q 'kept: server unreachable' "$FACTORY_LOG" 2>/dev/null && break; sleep 0.25; done
  kill "$BUILD_PID"; wait "$BUILD_PID" || true
  BUILD_PID=
  [ "$(ls "$FACTORY_STATE_DIR/outbox" | wc -l)" -eq 1 ]
  grep -q "ExecStart=$UNIT_CLIENT/factory-build.sh deliver" "$SYSTEMD_DIR/privatebox-factory-report.service"
  unitapi_start
  run "$UNIT_CLIENT/factory-build.sh" deliver
  [ "$status" -eq 0 ]
  [ -z "$(ls -A "$FACTORY_STATE_DIR/outbox")" ]
  run station_get "$UNIT_MAC"
  [ "$(jq -r .status <<<"$output")" = failed ]
}

@test "a report the server refuses is set aside without blocking the next; a wrong token waits for the right one" {
  source "$UNIT_CLIENT/factory-report.sh"
  factory_load_config
  echo '{"mac_wan":"'"$UNIT_MAC"'","status":"exploded"}' | enqueue_report
  sleep 1
  echo '{"mac_wan":"'"$UNIT_MAC"'","status":"failed","failed_tests":["bootstrap"]}' | enqueue_report
  FACTORY_TOKEN=not-the-token run timeout 4 "$UNIT_CLIENT/factory-build.sh" deliver
  [ "$status" -eq 124 ]
  grep -q 'kept: the server refuses the factory token (HTTP 401)' "$FACTORY_LOG"
  [ "$(ls "$FACTORY_STATE_DIR/outbox" | wc -l)" -eq 2 ]
  run "$UNIT_CLIENT/factory-build.sh" deliver
  [ "$status" -eq 0 ]
  [ -z "$(ls -A "$FACTORY_STATE_DIR/outbox")" ]
  [ "$(ls "$FACTORY_STATE_DIR/rejected" | wc -l)" -eq 1 ]
  grep -q 'rejected (HTTP 400)' "$FACTORY_LOG"
  run station_get "$UNIT_MAC"
  [ "$(jq -r .status <<<"$output")" = failed ]
}

@test "a busy server's Retry-After is honoured before the report is sent again" {
  local port busy
  port=$(free_port)
  python3 - "$port" <<'PY' &
import http.server, sys
class Busy(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(503)
        self.send_header("Retry-After", "3")
        self.send_header("Content-Type", "application/problem+json")
        self.end_headers()
        self.wfile.write(b'{"status":503,"title":"Server busy"}')
    def log_message(self, *args): pass
http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), Busy).serve_forever()
PY
  busy=$!
  source "$UNIT_CLIENT/factory-report.sh"
  factory_load_config
  echo '{"mac_wan":"'"$UNIT_MAC"'","status":"failed","failed_tests":["bootstrap"]}' | enqueue_report
  for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
  FACTORY_SERVER="http://127.0.0.1:$port" run timeout 5 "$UNIT_CLIENT/factory-build.sh" deliver
  kill "$busy"
  [ "$status" -eq 124 ]
  grep -q 'kept: server busy (HTTP 503); retry in 3s' "$FACTORY_LOG"
  [ "$(ls "$FACTORY_STATE_DIR/outbox" | wc -l)" -eq 1 ]
  run "$UNIT_CLIENT/factory-build.sh" deliver
  [ "$status" -eq 0 ]
  [ -z "$(ls -A "$FACTORY_STATE_DIR/outbox")" ]
}
