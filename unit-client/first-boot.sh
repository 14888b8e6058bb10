#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# First-boot hook of the Proxmox automated installer (answer.toml [first-boot]). Fetches the factory scripts
# from the CDN into FACTORY_INSTALL_DIR; names the host after its WAN MAC (pb-aabbcc001122) so every unit on the line
# is distinct; then runs factory-build.sh.
#
# Enrolled (the install media made by `privatebox-factory unit-media` embed FACTORY_SERVER, FACTORY_TOKEN,
# FACTORY_CA_PEM and FACTORY_DEBUG_KEY in the enrollment block at the top of this file): the scripts and their
# checksums come over HTTPS from a server whose certificate the embedded factory CA signed, nothing else; factory.env
# is written here from the embedded values (no secret is fetched); the factory debug key is authorized for root
# until the unit passes its self-test. Not enrolled (development): factory.env comes from the CDN with the scripts,
# each checked against its .sha256 sibling.
set -uo pipefail
FACTORY_SERVER=${FACTORY_SERVER:-http://192.168.100.250}
FACTORY_CDN=${FACTORY_CDN:-$FACTORY_SERVER}
FACTORY_INSTALL_DIR=${FACTORY_INSTALL_DIR:-/opt/privatebox-factory}
FACTORY_ROOT=${FACTORY_ROOT:-}
FACTORY_CA_PEM=${FACTORY_CA_PEM:-}
FACTORY_DEBUG_KEY=${FACTORY_DEBUG_KEY:-}
FETCH_ATTEMPTS=${FETCH_ATTEMPTS:-60}
SCRIPTS=(factory-lib.sh factory-report.sh factory-assets.sh factory-wan.sh factory-build.sh selftest.sh selftest.checks)
TLS=()

say() { printf '%s [first-boot] %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >&2; }

# Downloads one file and its .sha256; keeps it only when they agree. The network may still be settling.
fetch() {
  local name=$1 dest=$2 attempt expected actual
  for ((attempt = 1; attempt <= FETCH_ATTEMPTS; attempt++)); do
    if curl -fsS --connect-timeout 5 --max-time 120 "${TLS[@]}" -o "$dest.new" "$FACTORY_CDN/cdn/factory/$name" \
      && expected=$(curl -fsS --connect-timeout 5 --max-time 30 "${TLS[@]}" "$FACTORY_CDN/cdn/factory/$name.sha256"); then
      expected=${expected:0:64}
      actual=$(sha256sum "$dest.new") actual=${actual%% *}
      if [ "${expected,,}" = "$actual" ]; then mv -f "$dest.new" "$dest"; return 0; fi
      say "$name does not match its .sha256; refusing it"
      rm -f "$dest.new"
      return 1
    fi
    sleep "${FETCH_DELAY:-5}"
  done
  say "could not fetch $name from $FACTORY_CDN"
  return 1
}

# Renames a freshly installed node (no guests yet): hostname, hosts file, then the cluster filesystem and the
# node certificate follow.
rename_host() {
  local new=$1 old line out=()
  old=$(uname -n)
  [ "$old" = "$new" ] && return 0
  printf '%s\n' "$new" >"$FACTORY_ROOT/etc/hostname"
  while IFS= read -r line || [ -n "$line" ]; do
    local words=() word
    read -r -a words <<<"$line"
    if [[ $line != \#* ]] && [ ${#words[@]} -gt 1 ]; then
      for i in "${!words[@]}"; do
        word=${words[i]}
        [ "$word" = "$old" ] && words[i]=$new
        [[ $word == "$old".* ]] && words[i]=$new.${word#"$old".}
      done
      line="${words[*]}"
    fi
    out+=("$line")
  done <"$FACTORY_ROOT/etc/hosts"
  printf '%s\n' "${out[@]}" >"$FACTORY_ROOT/etc/hosts"
  hostnamectl set-hostname "$new"
  systemctl restart pve-cluster
  pvecm updatecerts --force >/dev/null 2>&1 || true
  systemctl restart pvedaemon pveproxy pvestatd
  say "host renamed from $old to $new"
}

# The enrollment: the factory CA pins every download, factory.env is written from the embedded values, and the
# factory's debug key lets the debug station in while the unit builds (factory-build.sh removes it before ready).
enroll() {
  [[ $FACTORY_SERVER == https://* && $FACTORY_CDN == https://* ]] \
    || { say "enrolled media need an https:// server, not $FACTORY_SERVER"; return 1; }
  [ -n "${FACTORY_TOKEN:-}" ] || { say "the media carry no factory token"; return 1; }
  local ca="$FACTORY_INSTALL_DIR/factory-ca.crt"
  printf '%s\n' "$FACTORY_CA_PEM" >"$ca"
  TLS=(--cacert "$ca" --proto "=https")
  local keys="$FACTORY_ROOT/root/.ssh/authorized_keys"
  (umask 077 && printf 'FACTORY_SERVER=%s\nFACTORY_CDN=%s\nFACTORY_TOKEN=%s\nFACTORY_CACERT=%s\n' \
    "$FACTORY_SERVER" "$FACTORY_CDN" "$FACTORY_TOKEN" "$ca" >"$FACTORY_INSTALL_DIR/factory.env"
   [ -n "$FACTORY_DEBUG_KEY" ] && printf 'FACTORY_DEBUG_KEY=%s\nFACTORY_AUTHORIZED_KEYS=%s\n' \
     "$FACTORY_DEBUG_KEY" "$keys" >>"$FACTORY_INSTALL_DIR/factory.env")
  if [ -n "$FACTORY_DEBUG_KEY" ]; then
    mkdir -p "$(dirname "$keys")" && chmod 700 "$(dirname "$keys")"
    grep -qxF "$FACTORY_DEBUG_KEY" "$keys" 2>/dev/null || printf '%s\n' "$FACTORY_DEBUG_KEY" >>"$keys"
    chmod 600 "$keys"
    say "factory debug key authorized until the unit passes its self-test"
  fi
}

mkdir -p "$FACTORY_INSTALL_DIR"
chmod 700 "$FACTORY_INSTALL_DIR"
if [ -n "$FACTORY_CA_PEM" ]; then
  enroll || exit 1
else
  SCRIPTS+=(factory.env)
fi
for file in "${SCRIPTS[@]}"; do fetch "$file" "$FACTORY_INSTALL_DIR/$file" || exit 1; done
chmod 700 "$FACTORY_INSTALL_DIR"/*.sh
chmod 600 "$FACTORY_INSTALL_DIR/factory.env"

# shellcheck source=factory-lib.sh
source "$FACTORY_INSTALL_DIR/factory-lib.sh"
WAN_BRIDGE=${WAN_BRIDGE:-vmbr0}
mac=$(link_mac "$(wan_nic)") || { say "no WAN MAC found on $WAN_BRIDGE"; exit 1; }
rename_host "pb-${mac//:/}"
exec "$FACTORY_INSTALL_DIR/factory-build.sh" build
