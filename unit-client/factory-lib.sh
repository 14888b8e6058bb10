#!/usr/bin/env bash
# Shared by the unit-side factory scripts: configuration, logging with password redaction, JSON text,
# the unit's MACs and addresses, and talking to the factory server. Bash, curl and coreutils only.
# shellcheck disable=SC2034  # settings are read by the scripts that source this file

FACTORY_HOME=${FACTORY_HOME:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)}

# Settings: environment variables win over the env file (factory.env, fetched with the scripts),
# which wins over these defaults.
factory_load_config() {
  local env_file=${FACTORY_ENV_FILE:-$FACTORY_HOME/factory.env} line key value
  if [ -r "$env_file" ]; then
    while IFS= read -r line || [ -n "$line" ]; do
      [[ $line =~ ^[[:space:]]*([A-Z_][A-Z0-9_]*)=(.*)$ ]] || continue
      key=${BASH_REMATCH[1]} value=${BASH_REMATCH[2]}
      value=${value%\"} value=${value#\"}
      [ -z "${!key+set}" ] && printf -v "$key" '%s' "$value" && export "${key?}"
    done <"$env_file"
  fi
  FACTORY_SERVER=${FACTORY_SERVER:-http://192.168.100.250}
  FACTORY_SERVER=${FACTORY_SERVER%/}
  FACTORY_CDN=${FACTORY_CDN:-$FACTORY_SERVER}
  FACTORY_TOKEN=${FACTORY_TOKEN:-}
  FACTORY_CACERT=${FACTORY_CACERT:-}
  FACTORY_DEBUG_KEY=${FACTORY_DEBUG_KEY:-}
  FACTORY_AUTHORIZED_KEYS=${FACTORY_AUTHORIZED_KEYS:-/root/.ssh/authorized_keys}
  SSH_HOST_KEY_FILE=${SSH_HOST_KEY_FILE:-/etc/ssh/ssh_host_ed25519_key.pub}
  FACTORY_STATE_DIR=${FACTORY_STATE_DIR:-/var/lib/privatebox-factory}
  FACTORY_LOG=${FACTORY_LOG:-/var/log/privatebox-factory.log}
  HEARTBEAT_INTERVAL=${HEARTBEAT_INTERVAL:-60}
  RETRY_MIN_SECONDS=${RETRY_MIN_SECONDS:-5}
  RETRY_MAX_SECONDS=${RETRY_MAX_SECONDS:-300}
  BOOTSTRAP_LOG=${BOOTSTRAP_LOG:-/tmp/privatebox-bootstrap.log}
  PRIVATEBOX_CONFIG=${PRIVATEBOX_CONFIG:-/tmp/privatebox-config.conf}
  QUICKSTART_URL=${QUICKSTART_URL:-https://raw.githubusercontent.com/Rasped/privatebox/main/quickstart.sh}
  WAN_BRIDGE=${WAN_BRIDGE:-vmbr0}
  LAN_BRIDGE=${LAN_BRIDGE:-vmbr1}
  PROXMOX_LAN_IP=${PROXMOX_LAN_IP:-10.10.20.20}
  OPNSENSE_LAN_IP=${OPNSENSE_LAN_IP:-10.10.20.1}
  NETWORK_INTERFACES=${NETWORK_INTERFACES:-/etc/network/interfaces}
  OPNSENSE_TEMPLATE_PATH=${OPNSENSE_TEMPLATE_PATH:-/tmp/vzdump-qemu-105-opnsense.vma.zst}
  DEBIAN_IMAGE_PATH=${DEBIAN_IMAGE_PATH:-/var/lib/vz/template/cache/debian-13-genericcloud-amd64.qcow2}
  mkdir -p "$FACTORY_STATE_DIR/outbox" "$FACTORY_STATE_DIR/rejected" "$(dirname "$FACTORY_LOG")"
  chmod 700 "$FACTORY_STATE_DIR" "$FACTORY_STATE_DIR/outbox" "$FACTORY_STATE_DIR/rejected"
}

# Secrets known so far; every line this suite writes to a log goes through redact().
REDACT_SECRETS=()
redact() {
  local text=$1 secret
  for secret in "${REDACT_SECRETS[@]}"; do
    [ -n "$secret" ] && text=${text//"$secret"/[redacted]}
  done
  printf '%s' "$text"
}

log() {
  local line
  line="$(date -u +%Y-%m-%dT%H:%M:%SZ) [${FACTORY_COMPONENT:-factory}] $(redact "$*")"
  printf '%s\n' "$line" >>"$FACTORY_LOG"
  printf '%s\n' "$line" >&2
}

# Reads KEY="value" from the text of the bootstrap's generated config without executing it.
config_value() {
  local text=$1 key=$2 line value
  while IFS= read -r line || [ -n "$line" ]; do
    if [[ $line =~ ^[[:space:]]*(export[[:space:]]+)?${key}=(.*)$ ]]; then
      value=${BASH_REMATCH[2]}
      if [[ $value =~ ^\"(.*)\"[[:space:]]*$ || $value =~ ^\'(.*)\'[[:space:]]*$ ]]; then value=${BASH_REMATCH[1]}; fi
      printf '%s' "$value"
      return 0
    fi
  done <<<"$text"
  return 1
}

# Learns the generated passwords (for redaction and the report) once the bootstrap has written them.
# The file is read once, so both come from the same version of it even while the bootstrap is still writing it.
load_passwords() {
  local text
  text=$(cat "$PRIVATEBOX_CONFIG" 2>/dev/null) || text=
  ADMIN_PASSWORD=$(config_value "$text" ADMIN_PASSWORD) || ADMIN_PASSWORD=
  SERVICES_PASSWORD=$(config_value "$text" SERVICES_PASSWORD) || SERVICES_PASSWORD=
  REDACT_SECRETS=("$ADMIN_PASSWORD" "$SERVICES_PASSWORD")
  [ -n "$ADMIN_PASSWORD" ] && [ -n "$SERVICES_PASSWORD" ]
}

# A JSON string literal.
json_str() {
  local s=$1
  s=${s//\\/\\\\}
  s=${s//\"/\\\"}
  s=${s//$'\n'/\\n}
  s=${s//$'\r'/\\r}
  s=${s//$'\t'/\\t}
  s=$(printf '%s' "$s" | tr -d '\000-\010\013\014\016-\037')
  printf '"%s"' "$s"
}

# A JSON array of strings from the arguments.
json_array() {
  local out="" item
  for item in "$@"; do out+="${out:+,}$(json_str "$item")"; done
  printf '[%s]' "$out"
}

now_iso() { date -u +%Y-%m-%dT%H:%M:%SZ; }

mac_lower() { local m=$1; printf '%s' "${m,,}"; }

# The IPv4 addresses (CIDR) on a device.
dev_ipv4() { ip -4 -o addr show dev "$1" 2>/dev/null | while read -r _ _ _ cidr _; do printf '%s\n' "$cidr"; done; }

# The physical NIC behind the WAN bridge (or the bridge's MAC when it has no port).
wan_nic() {
  if [ -n "${FACTORY_WAN_NIC:-}" ]; then printf '%s' "$FACTORY_WAN_NIC"; return; fi
  local dev
  dev=$(ip -o link show master "$WAN_BRIDGE" 2>/dev/null | while read -r _ name _; do
    name=${name%:} name=${name%@*}
    case $name in tap*|veth*|fw*) ;; *) printf '%s\n' "$name" ;; esac
  done | head -n 1)
  printf '%s' "${dev:-$WAN_BRIDGE}"
}

link_mac() {
  local line
  line=$(ip -o link show dev "$1" 2>/dev/null) || return 1
  [[ $line =~ link/ether[[:space:]]+([0-9a-fA-F:]{17}) ]] && mac_lower "${BASH_REMATCH[1]}"
}

# Every MAC the unit owns: its physical NICs and the NICs of its VMs (the OPNsense WAN among them).
all_macs() {
  {
    ip -o link show 2>/dev/null | while IFS= read -r line; do
      [[ $line =~ ^[0-9]+:[[:space:]]+([^:@[:space:]]+) ]] || continue
      case ${BASH_REMATCH[1]} in lo|tap*|veth*|fw*|vmbr*) continue ;; esac
      [[ $line =~ link/ether[[:space:]]+([0-9a-fA-F:]{17}) ]] && mac_lower "${BASH_REMATCH[1]}" && echo
    done
    qm list 2>/dev/null | while read -r vmid _; do
      [[ $vmid =~ ^[0-9]+$ ]] || continue
      qm config "$vmid" 2>/dev/null | while IFS= read -r line; do
        [[ $line =~ ^net[0-9]+:.*=([0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}) ]] && mac_lower "${BASH_REMATCH[1]}" && echo
      done
    done
  } | sort -u
}

# The address Proxmox is reachable at now: the WAN bridge's IPv4, else the LAN one.
proxmox_ip() {
  local cidr
  cidr=$(dev_ipv4 "$WAN_BRIDGE" | head -n 1)
  [ -z "$cidr" ] && cidr=$(dev_ipv4 "$LAN_BRIDGE" | head -n 1)
  printf '%s' "${cidr%/*}"
}

# curl's TLS options: with the factory CA (FACTORY_CACERT) only a certificate it signed is accepted, and only HTTPS.
factory_tls() {
  FACTORY_TLS=()
  [ -n "$FACTORY_CACERT" ] && FACTORY_TLS=(--cacert "$FACTORY_CACERT" --proto "=https")
  return 0
}

# POSTs a JSON file with the factory token; prints the HTTP status (000 when the server is unreachable). The response
# body goes to the third argument's file, its headers to the fourth's. The token goes to curl on a config stream, never
# on its command line.
api_post() {
  local path=$1 body=$2 response=${3:-/dev/null} headers=${4:-/dev/null}
  factory_tls
  curl -sS -o "$response" -D "$headers" -w '%{http_code}' --connect-timeout 5 --max-time 60 "${FACTORY_TLS[@]}" \
    -X POST -H 'Content-Type: application/json' --data-binary "@$body" \
    -K <(printf 'header = "Authorization: Bearer %s"\n' "$FACTORY_TOKEN") \
    "$FACTORY_SERVER$path" 2>/dev/null || true
}

is_2xx() { [[ $1 =~ ^2[0-9][0-9]$ ]]; }

# The seconds a busy server asked to wait (Retry-After in a headers file), at most 600; empty when it asked nothing.
retry_after() {
  local seconds
  seconds=$(tr -d '\r' <"$1" 2>/dev/null | sed -n 's/^[Rr][Ee][Tt][Rr][Yy]-[Aa][Ff][Tt][Ee][Rr]: *\([0-9]\{1,6\}\) *$/\1/p' | tail -n 1)
  [ -n "$seconds" ] && printf '%s' $((seconds > 600 ? 600 : seconds))
  return 0
}

