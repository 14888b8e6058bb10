#!/usr/bin/env bash
# First-boot hook of the Proxmox automated installer (answer.toml [first-boot]). Fetches the factory scripts
# from the CDN, each checked against its .sha256 sibling, into FACTORY_INSTALL_DIR; names the host after its
# WAN MAC (pb-aabbcc001122) so every unit on the line is distinct; then runs factory-build.sh.
set -uo pipefail
FACTORY_SERVER=${FACTORY_SERVER:-http://192.168.100.250}
FACTORY_CDN=${FACTORY_CDN:-$FACTORY_SERVER}
FACTORY_INSTALL_DIR=${FACTORY_INSTALL_DIR:-/opt/privatebox-factory}
FACTORY_ROOT=${FACTORY_ROOT:-}
FETCH_ATTEMPTS=${FETCH_ATTEMPTS:-60}
FILES=(factory.env factory-lib.sh factory-report.sh factory-assets.sh factory-wan.sh factory-build.sh selftest.sh selftest.checks)

say() { printf '%s [first-boot] %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >&2; }

# Downloads one file and its .sha256; keeps it only when they agree. The network may still be settling.
fetch() {
  local name=$1 dest=$2 attempt expected actual
  for ((attempt = 1; attempt <= FETCH_ATTEMPTS; attempt++)); do
    if curl -fsS --connect-timeout 5 --max-time 120 -o "$dest.new" "$FACTORY_CDN/cdn/factory/$name" \
      && expected=$(curl -fsS --connect-timeout 5 --max-time 30 "$FACTORY_CDN/cdn/factory/$name.sha256"); then
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

mkdir -p "$FACTORY_INSTALL_DIR"
for file in "${FILES[@]}"; do fetch "$file" "$FACTORY_INSTALL_DIR/$file" || exit 1; done
chmod 700 "$FACTORY_INSTALL_DIR"/*.sh
chmod 600 "$FACTORY_INSTALL_DIR/factory.env"

# shellcheck source=factory-lib.sh
source "$FACTORY_INSTALL_DIR/factory-lib.sh"
WAN_BRIDGE=${WAN_BRIDGE:-vmbr0}
mac=$(link_mac "$(wan_nic)") || { say "no WAN MAC found on $WAN_BRIDGE"; exit 1; }
rename_host "pb-${mac//:/}"
exec "$FACTORY_INSTALL_DIR/factory-build.sh" build
