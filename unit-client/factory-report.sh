#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Heartbeats and final reports. Reports go through an on-disk outbox: written first, deleted only once the
# server has stored them, so a server outage or a reboot loses nothing.
# shellcheck source=factory-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/factory-lib.sh"

# The current stage: the bootstrap's latest "Phase N" or guest "PROGRESS:" line, else what the factory
# script itself is doing.
current_stage() {
  local line stage=""
  if [ -r "$BOOTSTRAP_LOG" ]; then
    while IFS= read -r line; do
      line=${line//$'\r'/}
      # Terminal colours, which some bootstrap steps print even into a log.
      while [[ $line =~ $'\e'\[[0-9\;]*[A-Za-z] ]]; do line=${line/"${BASH_REMATCH[0]}"/}; done
      if [[ $line == *PROGRESS:* ]]; then stage="PROGRESS:${line#*PROGRESS:}"
      elif [[ $line =~ (Phase[[:space:]]+[0-9]+.*)$ ]]; then stage=${BASH_REMATCH[1]}
      fi
    done < <(tail -n 2000 "$BOOTSTRAP_LOG")
  fi
  # The factory's own stage when it is newer than the bootstrap's last word (before and after the bootstrap).
  if [ -r "$FACTORY_STATE_DIR/stage" ] && { [ -z "$stage" ] || [ "$FACTORY_STATE_DIR/stage" -nt "$BOOTSTRAP_LOG" ]; }; then
    stage=$(<"$FACTORY_STATE_DIR/stage")
  fi
  stage=$(redact "$stage")
  printf '%s' "${stage:0:200}"
}

# The fingerprint of the unit's SSH host key (SHA256:...), so the debug collector trusts exactly this key.
ssh_host_key() {
  local line
  line=$(ssh-keygen -l -E sha256 -f "$SSH_HOST_KEY_FILE" 2>/dev/null) || return 0
  line=${line#* }
  printf '%s' "${line%% *}"
}

set_stage() { printf '%s' "$1" >"$FACTORY_STATE_DIR/stage"; log "stage: $1"; }

send_heartbeat() {
  # One body file per process: the loop and the isolation probe may send at the same moment.
  local body="$FACTORY_STATE_DIR/heartbeat.$BASHPID.json" stage ip macs=() code host_key
  stage=$(current_stage)
  host_key=$(ssh_host_key)
  ip=$(proxmox_ip)
  mapfile -t macs < <(all_macs)
  {
    printf '{"mac_wan":%s,"status":"building","stage":%s,"timestamp":%s' \
      "$(json_str "$MAC_WAN")" "$(json_str "$stage")" "$(json_str "$(now_iso)")"
    [ -n "$ip" ] && printf ',"proxmox_ip":%s' "$(json_str "$ip")"
    [ -n "$host_key" ] && printf ',"ssh_host_key":%s' "$(json_str "$host_key")"
    printf ',"macs":%s}\n' "$(json_array "${macs[@]}")"
  } >"$body"
  code=$(api_post /api/heartbeat "$body")
  rm -f "$body"
  if is_2xx "$code"; then log "heartbeat sent (stage: $stage)"; return 0; fi
  log "heartbeat not delivered (HTTP $code, stage: $stage)"
  return 1
}

# Every HEARTBEAT_INTERVAL seconds until stopped, whatever the bootstrap is doing; never outlives the build.
heartbeat_loop() {
  local nap='' build=$1
  trap '[ -n "$nap" ] && kill "$nap" 2>/dev/null; exit 0' TERM
  while kill -0 "$build" 2>/dev/null; do
    send_heartbeat || true
    sleep "$HEARTBEAT_INTERVAL" & nap=$!
    wait "$nap"
    nap=
  done
}

start_heartbeats() {
  heartbeat_loop "$$" </dev/null >/dev/null 2>&1 &
  HEARTBEAT_PID=$!
  printf '%s' "$HEARTBEAT_PID" >"$FACTORY_STATE_DIR/heartbeat.pid"
  log "heartbeats every ${HEARTBEAT_INTERVAL}s started"
}

stop_heartbeats() {
  [ -n "${HEARTBEAT_PID:-}" ] || return 0
  kill "$HEARTBEAT_PID" 2>/dev/null || true
  wait "$HEARTBEAT_PID" 2>/dev/null || true
  HEARTBEAT_PID=
  rm -f "$FACTORY_STATE_DIR/heartbeat.pid"
  log "heartbeats stopped"
}

# Puts a report (JSON on stdin) in the outbox, readable by root only: it may hold the passwords.
enqueue_report() {
  local name tmp
  name="$(date -u +%Y%m%dT%H%M%S)-$$-$RANDOM.json"
  tmp="$FACTORY_STATE_DIR/outbox/.$name"
  (umask 077 && cat >"$tmp")
  mv "$tmp" "$FACTORY_STATE_DIR/outbox/$name"
  log "report queued: outbox/$name"
}

# A wrong token (401/403) is a setting to fix on the unit, so those reports wait for it like for an outage.
is_permanent_rejection() { [[ $1 =~ ^4[0-9][0-9]$ && ! $1 =~ ^(401|403|408|429)$ ]]; }

delivery_problem() {
  case $1 in
    000) echo "server unreachable" ;;
    401|403) echo "the server refuses the factory token (HTTP $1)" ;;
    503) echo "server busy (HTTP 503)" ;;
    *) echo "server unavailable (HTTP $1)" ;;
  esac
}

# Delivers every queued report, oldest first, retrying with exponential backoff while the server is down, and no
# sooner than a busy server's Retry-After.
# A report the server refuses for good (a 4xx other than 401/403/408/429) moves to rejected/ so it cannot block the rest.
deliver_outbox() {
  local delay=$RETRY_MIN_SECONDS file code response="$FACTORY_STATE_DIR/last-response.json" headers="$FACTORY_STATE_DIR/last-headers" pending asked
  while :; do
    pending=0
    for file in "$FACTORY_STATE_DIR"/outbox/*.json; do
      [ -e "$file" ] || continue
      code=$(api_post /api/units "$file" "$response" "$headers")
      if is_2xx "$code"; then
        rm -f "$file"
        log "report $(basename "$file") delivered (HTTP $code)"
        delay=$RETRY_MIN_SECONDS
      elif is_permanent_rejection "$code"; then
        mv "$file" "$FACTORY_STATE_DIR/rejected/"
        log "report $(basename "$file") rejected (HTTP $code): $(head -c 2000 "$response" 2>/dev/null)"
      else
        pending=1
        asked=$(retry_after "$headers")
        [ -n "$asked" ] && [ "$asked" -gt "$delay" ] && delay=$asked
        log "report $(basename "$file") kept: $(delivery_problem "$code"); retry in ${delay}s"
        break
      fi
    done
    [ "$pending" -eq 0 ] && return 0
    sleep "$delay"
    delay=$((delay * 2 > RETRY_MAX_SECONDS ? RETRY_MAX_SECONDS : delay * 2))
  done
}
