#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# PrivateBox factory mode, run once on each unit by the installer's first-boot hook (first-boot.sh):
#   seed assets from the CDN -> run the PrivateBox bootstrap (heartbeats every HEARTBEAT_INTERVAL s meanwhile)
#   -> self-test -> take Proxmox off the WAN (rolled back on failure) -> success or failure report.
# Usage: factory-build.sh [build]   the whole build (default)
#        factory-build.sh deliver   only deliver queued reports (run at boot by privatebox-factory-report.service)
# Settings: see factory-lib.sh (environment variables, then factory.env, then defaults).
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=factory-wan.sh
source "$HERE/factory-wan.sh"
# shellcheck source=factory-assets.sh
source "$HERE/factory-assets.sh"

FACTORY_COMPONENT=build
SYSTEMD_DIR=${SYSTEMD_DIR:-/etc/systemd/system}
# shellcheck disable=SC2016  # expanded when the command runs
BOOTSTRAP_CMD=${BOOTSTRAP_CMD:-'curl -fsSL "$QUICKSTART_URL" -o /tmp/privatebox-quickstart.sh && bash /tmp/privatebox-quickstart.sh --yes'}
SELFTEST=${SELFTEST:-$HERE/selftest.sh}

# The bootstrap's output goes to BOOTSTRAP_LOG with the generated passwords masked as soon as they exist.
# No subshell per line: a slow filter would hold the bootstrap up behind a full pipe (bench/unit-client-redact.sh).
redact_stream() {
  local line secret
  while IFS= read -r line || [ -n "$line" ]; do
    # Until both passwords are known, every line looks again: the next one may be the one that prints them.
    if { [ -z "${ADMIN_PASSWORD:-}" ] || [ -z "${SERVICES_PASSWORD:-}" ]; } && [ -r "$PRIVATEBOX_CONFIG" ]; then
      load_passwords || true
    fi
    for secret in "${REDACT_SECRETS[@]}"; do [ -n "$secret" ] && line=${line//"$secret"/[redacted]}; done
    printf '%s\n' "$line"
  done
}

run_bootstrap() {
  : >"$BOOTSTRAP_LOG"
  QUICKSTART_URL=$QUICKSTART_URL bash -c "$BOOTSTRAP_CMD" </dev/null 2>&1 | redact_stream >>"$BOOTSTRAP_LOG"
  return "${PIPESTATUS[0]}"
}

install_delivery_service() {
  [ -d "$SYSTEMD_DIR" ] || return 0
  cat >"$SYSTEMD_DIR/privatebox-factory-report.service" <<UNIT
[Unit]
Description=PrivateBox factory: deliver queued build reports
Wants=network-online.target
After=network-online.target
ConditionDirectoryNotEmpty=$FACTORY_STATE_DIR/outbox

[Service]
Type=simple
Environment=FACTORY_STATE_DIR=$FACTORY_STATE_DIR FACTORY_LOG=$FACTORY_LOG
ExecStart=$HERE/factory-build.sh deliver
Restart=on-failure
RestartSec=30

[Install]
WantedBy=multi-user.target
UNIT
  systemctl daemon-reload >>"$FACTORY_LOG" 2>&1 || true
  systemctl enable privatebox-factory-report.service >>"$FACTORY_LOG" 2>&1 || log "could not enable the report delivery service"
}

capped() { tail -c "${DIAGNOSTIC_CAP_BYTES:-65536}"; }

diagnostics_json() {
  local bootstrap factory failed network vms
  bootstrap=$(tail -n 300 "$BOOTSTRAP_LOG" 2>/dev/null | capped)
  factory=$(tail -n 200 "$FACTORY_LOG" 2>/dev/null | capped)
  failed=$(systemctl --failed --no-legend --plain 2>&1 | capped)
  network=$({ ip -o addr show; echo; ip route show; echo; cat "$NETWORK_INTERFACES"; } 2>&1 | capped)
  vms=$(qm list 2>&1 | capped)
  printf '{"bootstrap_log_tail":%s,"factory_log_tail":%s,"systemctl_failed":%s,"network":%s,"qm_list":%s}' \
    "$(json_str "$(redact "$bootstrap")")" "$(json_str "$(redact "$factory")")" "$(json_str "$(redact "$failed")")" \
    "$(json_str "$(redact "$network")")" "$(json_str "$(redact "$vms")")"
}

# test_results from the self-test's "name pass|fail ..." lines plus any extra "name result" arguments.
test_results_json() {
  local fields="" name result _
  while read -r name result _; do
    [ -n "$name" ] && fields+="${fields:+,}$(json_str "$name"):$(json_str "$result")"
  done < <(cat "$FACTORY_STATE_DIR/selftest-results" 2>/dev/null; printf '%s\n' "$@")
  printf '{%s}' "$fields"
}

failed_tests() {
  local name result _
  while read -r name result _; do [ "$result" = fail ] && printf '%s\n' "$name"; done \
    < <(cat "$FACTORY_STATE_DIR/selftest-results" 2>/dev/null; printf '%s\n' "$@")
}

common_fields() {
  local macs=() ip
  mapfile -t macs < <(all_macs)
  ip=$(proxmox_ip)
  printf '"mac_wan":%s,"serial":%s,"build_time":%s,"build_duration_seconds":%s,"macs":%s' \
    "$(json_str "$MAC_WAN")" "$(json_str "$SERIAL")" "$(json_str "$(now_iso)")" "$(($(date +%s) - STARTED_AT))" \
    "$(json_array "${macs[@]}")"
  [ -n "$ip" ] && printf ',"proxmox_ip":%s' "$(json_str "$ip")"
}

# fail_build "what went wrong" [extra "name fail" results...]: a failure report with diagnostics, then exit 1.
fail_build() {
  local message=$1 failed=()
  shift
  stop_heartbeats
  mapfile -t failed < <(failed_tests "$@")
  log "build failed: $message (failed tests: ${failed[*]:-none})"
  {
    printf '{"status":"failed",%s' "$(common_fields)"
    printf ',"error_log":%s' "$(json_str "$(redact "$message"$'\n\n'"$(tail -n 60 "$BOOTSTRAP_LOG" 2>/dev/null)")")"
    printf ',"failed_tests":%s,"test_results":%s' "$(json_array "${failed[@]}")" "$(test_results_json "$@")"
    printf ',"diagnostic_data":%s}\n' "$(diagnostics_json)"
  } | enqueue_report
  deliver_outbox
  exit 1
}

# A unit that passed ships without factory access: the debug key the install media authorized goes. A unit that
# failed keeps it, so the debug station can log in.
remove_debug_key() {
  [ -n "$FACTORY_DEBUG_KEY" ] || return 0
  [ -f "$FACTORY_AUTHORIZED_KEYS" ] || return 0
  local kept
  kept=$(grep -vxF "$FACTORY_DEBUG_KEY" "$FACTORY_AUTHORIZED_KEYS") || true
  printf '%s' "$kept${kept:+$'\n'}" >"$FACTORY_AUTHORIZED_KEYS.new" && mv -f "$FACTORY_AUTHORIZED_KEYS.new" "$FACTORY_AUTHORIZED_KEYS" \
    && ! grep -qxF "$FACTORY_DEBUG_KEY" "$FACTORY_AUTHORIZED_KEYS"
}

report_ready() {
  remove_debug_key || fail_build "the factory debug key could not be removed from $FACTORY_AUTHORIZED_KEYS" "debug_key fail"
  stop_heartbeats
  log "build passed; reporting ready"
  {
    printf '{"status":"ready",%s' "$(common_fields)"
    [ -n "$FACTORY_DEBUG_KEY" ] && printf ',"debug_key_removed":true'
    printf ',"admin_password":%s,"services_password":%s' "$(json_str "$ADMIN_PASSWORD")" "$(json_str "$SERVICES_PASSWORD")"
    printf ',"test_results":%s}\n' "$(test_results_json "$@")"
  } | enqueue_report
  deliver_outbox
  exit 0
}

main_build() {
  STARTED_AT=$(date +%s)
  rm -f "$FACTORY_STATE_DIR/selftest-results" "$FACTORY_STATE_DIR/stage"
  # The serial stays with the unit when the build is run again on the same installation.
  [ -s "$FACTORY_STATE_DIR/serial" ] || cat /proc/sys/kernel/random/uuid >"$FACTORY_STATE_DIR/serial"
  SERIAL=$(<"$FACTORY_STATE_DIR/serial")
  MAC_WAN=$(link_mac "$(wan_nic)") || MAC_WAN=""
  if [ -z "$MAC_WAN" ]; then log "cannot find the WAN NIC's MAC (bridge $WAN_BRIDGE); set FACTORY_WAN_NIC"; exit 3; fi
  printf '%s' "$MAC_WAN" >"$FACTORY_STATE_DIR/mac_wan"
  log "factory build of unit $MAC_WAN (serial $SERIAL) against $FACTORY_SERVER"
  install_delivery_service

  set_stage "factory: seeding assets from the CDN"
  trap stop_heartbeats EXIT
  start_heartbeats
  seed_assets

  set_stage "factory: running the PrivateBox bootstrap"
  run_bootstrap
  local rc=$?
  load_passwords
  local have_passwords=$?
  [ "$rc" -eq 0 ] || fail_build "the bootstrap exited with status $rc" "bootstrap fail"
  [ "$have_passwords" -eq 0 ] || fail_build "the bootstrap left no passwords in $PRIVATEBOX_CONFIG" "passwords fail"

  set_stage "factory: self-test"
  "$SELFTEST" >"$FACTORY_STATE_DIR/selftest-results" 2>>"$FACTORY_LOG"
  local selftest=$?
  log "self-test: $(tr '\n' ';' <"$FACTORY_STATE_DIR/selftest-results")"
  [ "$selftest" -eq 0 ] || fail_build "the self-test failed"

  if ! remove_wan_ip; then
    # WAN_FAILURE starts with the failed step: wan_removal or isolation.
    fail_build "$WAN_FAILURE; the WAN address was restored" "${WAN_FAILURE%%:*} fail"
  fi
  report_ready "wan_removal pass" "isolation pass"
}

# Sourced (by the benchmark), it only defines its functions.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  factory_load_config
  if [ -z "$FACTORY_TOKEN" ]; then log "no FACTORY_TOKEN (factory.env or environment)"; exit 2; fi
  case "${1:-build}" in
    build) main_build ;;
    deliver) FACTORY_COMPONENT=deliver; deliver_outbox ;;
    *) sed -n '2,8p' "$0"; exit 2 ;;
  esac
fi
