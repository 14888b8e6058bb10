#!/usr/bin/env bash
# Takes the Proxmox host off the factory (WAN) network once the unit has passed its self-test: afterwards it is
# reachable only at PROXMOX_LAN_IP behind OPNsense. Any failure restores the WAN address and route, so the
# unit can still report the failure and the debug station can still reach it.
# shellcheck source=factory-report.sh
source "$(dirname "${BASH_SOURCE[0]}")/factory-report.sh"

WAN_FAILURE=""

has_ipv4() { local a; while read -r a; do [ "$a" = "$2" ] && return 0; done < <(dev_ipv4 "$1"); return 1; }

default_route() { ip -4 route show default 2>/dev/null | head -n 1; }

global_ipv4() { ip -4 -o addr show scope global 2>/dev/null | while read -r _ dev _ cidr _; do printf '%s %s\n' "$dev" "$cidr"; done; }

# Rewrites an ifupdown2 interfaces file: the WAN bridge keeps its ports but loses its address and gateway;
# the LAN bridge gets the default route through OPNsense.
rewrite_interfaces() {
  local src=$1 line stanza="" lan_has_gateway=0 out=()
  while IFS= read -r line || [ -n "$line" ]; do
    if [[ $line =~ ^iface[[:space:]]+([^[:space:]]+) ]]; then
      if [ "$stanza" = "$LAN_BRIDGE" ] && [ "$lan_has_gateway" -eq 0 ]; then out+=("	gateway $OPNSENSE_LAN_IP"); fi
      stanza=${BASH_REMATCH[1]}
      [ "$stanza" = "$WAN_BRIDGE" ] && line=${line/ inet static/ inet manual}
    elif [[ $line =~ ^(auto|allow-|source|mapping) ]]; then
      if [ "$stanza" = "$LAN_BRIDGE" ] && [ "$lan_has_gateway" -eq 0 ]; then out+=("	gateway $OPNSENSE_LAN_IP"); lan_has_gateway=1; fi
      stanza=""
    elif [ "$stanza" = "$WAN_BRIDGE" ] && [[ $line =~ ^[[:space:]]+(address|gateway|netmask)[[:space:]] ]]; then
      continue
    elif [ "$stanza" = "$LAN_BRIDGE" ] && [[ $line =~ ^[[:space:]]+gateway[[:space:]] ]]; then
      line="	gateway $OPNSENSE_LAN_IP"; lan_has_gateway=1
    fi
    out+=("$line")
  done <"$src"
  if [ "$stanza" = "$LAN_BRIDGE" ] && [ "$lan_has_gateway" -eq 0 ]; then out+=("	gateway $OPNSENSE_LAN_IP"); fi
  printf '%s\n' "${out[@]}"
}

# Proxmox answers only at PROXMOX_LAN_IP, routes through OPNsense, and still reaches the factory server.
verify_isolation() {
  local addrs route tries
  addrs=$(global_ipv4)
  if [ "$(printf '%s\n' "$addrs" | cut -d' ' -f2 | cut -d/ -f1 | sort -u)" != "$PROXMOX_LAN_IP" ]; then
    WAN_FAILURE="isolation: global addresses are [${addrs//$'\n'/, }], expected only $PROXMOX_LAN_IP"
    return 1
  fi
  route=$(default_route)
  if [[ $route != *"via $OPNSENSE_LAN_IP "* && $route != *"via $OPNSENSE_LAN_IP" ]]; then
    WAN_FAILURE="isolation: default route is '${route:-none}', expected via $OPNSENSE_LAN_IP"
    return 1
  fi
  for ((tries = 1; tries <= ${ISOLATION_PROBE_TRIES:-5}; tries++)); do
    set_stage "isolation check: reaching the factory server through OPNsense"
    send_heartbeat && return 0
    sleep "${ISOLATION_PROBE_DELAY:-3}"
  done
  WAN_FAILURE="isolation: the factory server is unreachable through OPNsense"
  return 1
}

rollback_wan() {
  local backup=$1 cidr=$2 gateway=$3
  log "rolling back the WAN removal"
  cp -f "$backup" "$NETWORK_INTERFACES"
  ifreload -a >>"$FACTORY_LOG" 2>&1 || log "ifreload failed during rollback; restoring the address directly"
  if ! has_ipv4 "$WAN_BRIDGE" "$cidr"; then
    ip addr add "$cidr" dev "$WAN_BRIDGE" >>"$FACTORY_LOG" 2>&1 || true
  fi
  if [ -n "$gateway" ] && [[ $(default_route) != *"via $gateway "* ]]; then
    ip route replace default via "$gateway" dev "$WAN_BRIDGE" >>"$FACTORY_LOG" 2>&1 || true
  fi
  if has_ipv4 "$WAN_BRIDGE" "$cidr"; then
    log "WAN address $cidr restored on $WAN_BRIDGE"
  else
    log "WAN address $cidr could NOT be restored on $WAN_BRIDGE"
  fi
}

# 0: isolated. 1: failed and rolled back; WAN_FAILURE says why, starting with "wan_removal:" or "isolation:".
remove_wan_ip() {
  local cidr gateway route backup="$FACTORY_STATE_DIR/interfaces.before-wan-removal" new="$FACTORY_STATE_DIR/interfaces.isolated"
  WAN_FAILURE=""
  set_stage "removing the Proxmox WAN address"
  cidr=$(dev_ipv4 "$WAN_BRIDGE" | head -n 1)
  if [ -z "$cidr" ]; then WAN_FAILURE="wan_removal: $WAN_BRIDGE has no IPv4 address to remove"; return 1; fi
  route=$(default_route)
  gateway=""
  [[ $route =~ via[[:space:]]+([0-9.]+) ]] && gateway=${BASH_REMATCH[1]}
  cp -f "$NETWORK_INTERFACES" "$backup"
  rewrite_interfaces "$backup" >"$new"
  cp -f "$new" "$NETWORK_INTERFACES"
  log "WAN address $cidr on $WAN_BRIDGE (gateway ${gateway:-none}) removed from $NETWORK_INTERFACES; applying"
  if ! ifreload -a >>"$FACTORY_LOG" 2>&1; then
    WAN_FAILURE="wan_removal: ifreload -a failed"
  elif has_ipv4 "$WAN_BRIDGE" "$cidr"; then
    WAN_FAILURE="wan_removal: $cidr is still on $WAN_BRIDGE after ifreload"
  else
    verify_isolation && { log "isolated: Proxmox reachable only at $PROXMOX_LAN_IP"; return 0; }
  fi
  log "$WAN_FAILURE"
  rollback_wan "$backup" "$cidr" "$gateway"
  return 1
}
