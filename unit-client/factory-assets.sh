#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Seeds the local paths the bootstrap checks with the CDN's copies, so twenty units do not pull the same
# gigabyte from the internet. Partial downloads resume; a file counts only once its checksum from the CDN
# manifest matches. When the CDN lacks a file, nothing is seeded and the bootstrap downloads it itself.
# shellcheck source=factory-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/factory-lib.sh"

# Prints "sha256 md5" of the manifest entry whose path ends with the given CDN path.
manifest_checksums() {
  local manifest=$1 wanted=$2 entry path sha md5
  wanted=${wanted#/cdn/}
  local text
  text=$(tr -d '\n' <"$manifest")
  while [[ $text == *\}* ]]; do
    entry=${text%%\}*}
    text=${text#*\}}
    [[ $entry =~ \"path\"[[:space:]]*:[[:space:]]*\"([^\"]*)\" ]] || continue
    path=${BASH_REMATCH[1]}
    path=${path#/} path=${path#cdn/}
    [ "$path" = "$wanted" ] || [[ $wanted == */"$path" || $path == */"$wanted" ]] || continue
    sha="" md5=""
    [[ $entry =~ \"sha256\"[[:space:]]*:[[:space:]]*\"([0-9a-fA-F]{64})\" ]] && sha=${BASH_REMATCH[1],,}
    [[ $entry =~ \"md5\"[[:space:]]*:[[:space:]]*\"([0-9a-fA-F]{32})\" ]] && md5=${BASH_REMATCH[1],,}
    printf '%s %s\n' "${sha:--}" "${md5:--}"
    return 0
  done
  return 1
}

file_sum() { local algo=$1 file=$2 sum; sum=$("${algo}sum" "$file") || return 1; printf '%s' "${sum%% *}"; }

# seed_asset CDN_PATH DEST sha256|md5 MANIFEST: 0 when DEST holds the verified file, 1 when left to the bootstrap.
seed_asset() {
  local cdn_path=$1 dest=$2 algo=$3 manifest=$4 sums expected part code attempt
  if ! sums=$(manifest_checksums "$manifest" "$cdn_path"); then
    log "CDN has no $cdn_path; the bootstrap downloads it"
    return 1
  fi
  if [ "$algo" = sha256 ]; then expected=${sums%% *}; else expected=${sums##* }; fi
  if [ "$expected" = - ]; then
    log "CDN manifest has no $algo for $cdn_path; the bootstrap downloads it"
    return 1
  fi
  if [ -f "$dest" ] && [ "$(file_sum "$algo" "$dest")" = "$expected" ]; then
    log "$dest already present and verified ($algo)"
    return 0
  fi
  mkdir -p "$(dirname "$dest")"
  part="$dest.part"
  for attempt in 1 2 3; do
    # -C - resumes a partial file; a server that ignores ranges (exit 33) gets a fresh download.
    factory_tls
    code=$(curl -sS -f -L -C - -o "$part" -w '%{http_code}' --connect-timeout 10 --retry 3 --retry-delay 2 \
      "${FACTORY_TLS[@]}" "$FACTORY_CDN$cdn_path" 2>>"$FACTORY_LOG") || {
      local rc=$?
      if [ "$rc" -eq 33 ] || [ "$code" = 416 ]; then rm -f "$part"; fi
      log "download of $cdn_path failed (curl $rc, HTTP $code), attempt $attempt"
      [ "$code" = 404 ] && { rm -f "$part"; return 1; }
      continue
    }
    if [ "$(file_sum "$algo" "$part")" = "$expected" ]; then
      mv -f "$part" "$dest"
      log "seeded $dest from the CDN ($algo verified)"
      return 0
    fi
    log "checksum mismatch for $cdn_path ($algo), downloading again"
    rm -f "$part"
  done
  log "could not seed $dest; the bootstrap downloads it"
  return 1
}

seed_assets() {
  local manifest="$FACTORY_STATE_DIR/manifest.json"
  factory_tls
  if ! curl -sS -f -o "$manifest" --connect-timeout 10 --max-time 60 "${FACTORY_TLS[@]}" "$FACTORY_CDN/cdn/manifest.json" 2>>"$FACTORY_LOG"; then
    log "no CDN manifest; the bootstrap downloads its assets"
    return 0
  fi
  seed_asset /cdn/templates/opnsense-template.vma.zst "$OPNSENSE_TEMPLATE_PATH" md5 "$manifest" || true
  seed_asset /cdn/images/debian-13-genericcloud-amd64.qcow2 "$DEBIAN_IMAGE_PATH" sha256 "$manifest" || true
}
