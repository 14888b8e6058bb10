#!/usr/bin/env bash
# Weekly asset update: every file below <folder> whose SHA-256 differs from the CDN's .sha256 sibling is PUT to the
# same relative path with its Content-Digest; the CDN verifies it and swaps it in atomically.
#   CDN_ADMIN_KEY=<admin key> [CDN_CACERT=<CA file>] cdn-sync.sh <folder> <cdn-url>
# Used by ./factory.sh cdn-sync (development) and privatebox-factory cdn-sync (the installed server).
set -euo pipefail
folder=${1:?usage: cdn-sync.sh <folder> <cdn-url>}
url=${2:?usage: cdn-sync.sh <folder> <cdn-url>}
key=${CDN_ADMIN_KEY:?CDN_ADMIN_KEY must hold the admin key}
curl=(curl)
[ -n "${CDN_CACERT:-}" ] && curl+=(--cacert "$CDN_CACERT")
log() { printf '\033[1;34m[cdn-sync]\033[0m %s\n' "$*" >&2; }

# Percent-encodes a relative path byte by byte, keeping its slashes.
urlencode() {
  local LC_ALL=C s=$1 out="" c i
  for ((i = 0; i < ${#s}; i++)); do
    c=${s:i:1}
    case $c in [A-Za-z0-9._~/-]) out+=$c ;; *) out+=$(printf '%%%02X' "'$c") ;; esac
  done
  printf '%s' "$out"
}

[ -d "$folder" ] || { log "no such folder: $folder"; exit 2; }
url=${url%/}
files=() n=0 uploaded=0 unchanged=0 failed=0 progress=-s
[ -t 2 ] && progress=-#
mapfile -d '' files < <(cd "$folder" && find . -type f ! -name '.*' -print0 | sort -z)
for f in "${files[@]}"; do
  f=${f#./}; n=$((n + 1))
  hex=$(sha256sum "$folder/$f" | cut -d' ' -f1)
  path=$(urlencode "$f")
  size=$(stat -c %s "$folder/$f")
  remote=$("${curl[@]}" -sf "$url/$path.sha256" 2>/dev/null | cut -d' ' -f1 || true)
  if [ "$remote" = "$hex" ]; then
    unchanged=$((unchanged + 1)); log "[$n/${#files[@]}] $f unchanged"; continue
  fi
  log "[$n/${#files[@]}] $f ($size bytes) uploading"
  digest=$(printf '%b' "$(printf '%s' "$hex" | sed 's/../\\x&/g')" | base64 -w0)
  # The key reaches curl on a config stream, never its command line (which every local user can read).
  if "${curl[@]}" "$progress" -S --fail-with-body -o /dev/null -T "$folder/$f" \
       -K <(printf 'header = "Authorization: Bearer %s"\n' "$key") \
       -H "Content-Digest: sha-256=:$digest:" "$url/$path"; then
    uploaded=$((uploaded + 1))
  else
    failed=$((failed + 1)); log "[$n/${#files[@]}] $f FAILED"
  fi
done
log "cdn-sync: $uploaded uploaded, $unchanged unchanged, $failed failed"
[ "$failed" -eq 0 ]
