#!/usr/bin/env bats
# Enrollment: the install media unit-media writes (answer.toml, first-boot.sh with the server's HTTPS address, the
# factory CA, the token and the debug key embedded) against an HTTPS CDN stand-in whose certificate the CA signed,
# and against one it did not sign.

load helpers

setup() {
  UNITAPI_URL=http://127.0.0.1:9
  unit_setup
  T=$BATS_TEST_TMPDIR
  REPO=$UNIT_CLIENT/..
  # The factory CA and the server's certificate; a second CA the media do not know, with a certificate of its own.
  for ca in factory rogue; do
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -keyout "$T/$ca-ca.key" \
      -out "$T/$ca-ca.crt" -subj "/CN=$ca CA" -addext "basicConstraints=critical,CA:TRUE" >/dev/null 2>&1
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$T/$ca.key" -out "$T/$ca.csr" \
      -subj "/CN=127.0.0.1" >/dev/null 2>&1
    openssl x509 -req -in "$T/$ca.csr" -CA "$T/$ca-ca.crt" -CAkey "$T/$ca-ca.key" -CAcreateserial -days 2 \
      -extfile <(printf 'subjectAltName=IP:127.0.0.1\n') -out "$T/$ca.crt" >/dev/null 2>&1
  done
  printf 'prod-token-%s' "$RANDOM$RANDOM" >"$T/token"
  ssh-keygen -q -t ed25519 -N "" -C privatebox-factory-debug -f "$T/debug_ed25519"
  CDN_ROOT="$T/cdn"
  mkdir -p "$CDN_ROOT/cdn/factory"
  local f
  for f in factory-lib.sh factory-report.sh factory-assets.sh factory-wan.sh selftest.sh selftest.checks; do
    cp "$UNIT_CLIENT/$f" "$CDN_ROOT/cdn/factory/$f"
  done
  # The build itself is replaced by one that shows it ran, with which settings.
  printf '#!/usr/bin/env bash\ncp "$(dirname "$0")/factory.env" "%s"\n' "$T/built.env" >"$CDN_ROOT/cdn/factory/factory-build.sh"
  for f in "$CDN_ROOT"/cdn/factory/*; do sha256sum "$f" | cut -d' ' -f1 >"$f.sha256"; done
  mkdir -p "$U/root/etc"
  printf '127.0.0.1 localhost\n' >"$U/root/etc/hosts"
  export FACTORY_ROOT="$U/root" FACTORY_INSTALL_DIR="$U/opt" FETCH_ATTEMPTS=2 FETCH_DELAY=0
  printf '#!/usr/bin/env bash\necho "$(basename "$0") $*" >>"$SHIM_STATE/calls.log"\n' >"$SHIM_STATE/hostnamectl"
  cp "$SHIM_STATE/hostnamectl" "$SHIM_STATE/pvecm"
  chmod +x "$SHIM_STATE/hostnamectl" "$SHIM_STATE/pvecm"
  export PATH="$SHIM_STATE:$PATH"
}

teardown() {
  [ -n "${CDN_PID:-}" ] && kill "$CDN_PID" 2>/dev/null || true
}

# Serves the CDN folder over HTTPS with the certificate of the named CA; exports CDN_URL.
serve_cdn() {
  local port i
  port=$(free_port)
  python3 "$UNIT_CLIENT/tests/cdn-server.py" "$CDN_ROOT" "$port" "$T/requests.log" "$T/$1.crt" "$T/$1.key" </dev/null >/dev/null 2>&1 &
  CDN_PID=$!
  CDN_URL="https://127.0.0.1:$port"
  for ((i = 0; i < 40; i++)); do curl -sk -o /dev/null "$CDN_URL/" && return 0; sleep 0.25; done
  return 1
}

make_media() {
  "$REPO/scripts/unit-media.sh" --out "$T/media" --server "$CDN_URL" --ca "$T/factory-ca.crt" \
    --token-file "$T/token" --debug-key "$T/debug_ed25519.pub" "$@"
}

@test "unit-media writes a valid answer file with a real root password hash and the hook baked into the ISO" {
  serve_cdn factory
  run make_media
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *"proxmox-auto-install-assistant prepare-iso proxmox-ve_9.*.iso --fetch-from iso --answer-file $T/media/answer.toml --on-first-boot $T/media/first-boot.sh"* ]]
  python3 "$REPO/scripts/validate-answer.py" "$T/media/answer.toml" 9
  grep -q '^source = "from-iso"' "$T/media/answer.toml"
  ! grep -q 'REPLACE' "$T/media/answer.toml"
  # The generated root password opens the generated hash.
  local hash salt
  hash=$(sed -n 's/^root-password-hashed = "\(.*\)"$/\1/p' "$T/media/answer.toml")
  salt=$(cut -d'$' -f3 <<<"$hash")
  [ "$(openssl passwd -6 -salt "$salt" "$(cat "$T/media/root-password.txt")")" = "$hash" ]
  [ "$(stat -c %a "$T/media/answer.toml" "$T/media/first-boot.sh" "$T/media/root-password.txt" | tr '\n' ' ')" = "600 700 600 " ]
}

@test "unit-media refuses plain HTTP, a development token, a placeholder hash and a broken answer file" {
  CDN_URL=http://192.168.100.250
  run make_media
  [ "$status" -eq 2 ]
  [[ "$output" == *"https://"* ]]
  CDN_URL=https://192.168.100.250
  printf 'dev-factory-token' >"$T/token"
  run make_media
  [ "$status" -eq 2 ]
  [[ "$output" == *"development token"* ]]
  run python3 "$REPO/scripts/validate-answer.py" "$UNIT_CLIENT/answer.toml"
  [ "$status" -eq 1 ]
  [[ "$output" == *"root-password-hashed is not a crypt(3) hash"* ]]
  printf '[global]\nkeyboard = "en-us\n' >"$T/broken.toml"
  run python3 "$REPO/scripts/validate-answer.py" "$T/broken.toml"
  [ "$status" -eq 1 ]
  [[ "$output" == *"not valid TOML"* ]]
  printf '[global]\nkeyboard = "en-us"\nroot_password = "x"\n[network]\nsource = "from-dhcp"\n' >"$T/old.toml"
  run python3 "$REPO/scripts/validate-answer.py" "$T/old.toml"
  [ "$status" -eq 1 ]
  [[ "$output" == *"kebab-case (root-password)"* ]]
  [[ "$output" == *"[disk-setup] is missing"* ]]
}

@test "the enrolled hook fetches the scripts over HTTPS pinned to the factory CA, writes factory.env from the media and authorizes the debug key" {
  serve_cdn factory
  make_media
  unset FACTORY_CDN FACTORY_SERVER FACTORY_TOKEN
  run "$T/media/first-boot.sh"
  echo "$output"
  [ "$status" -eq 0 ]
  grep -qx "FACTORY_TOKEN=$(cat "$T/token")" "$T/built.env"
  grep -qx "FACTORY_SERVER=$CDN_URL" "$T/built.env"
  grep -qx "FACTORY_CACERT=$U/opt/factory-ca.crt" "$T/built.env"
  cmp "$T/factory-ca.crt" "$U/opt/factory-ca.crt"
  cmp "$UNIT_CLIENT/factory-lib.sh" "$U/opt/factory-lib.sh"
  grep -qxF "$(cat "$T/debug_ed25519.pub")" "$U/root/root/.ssh/authorized_keys"
  [ "$(stat -c %a "$U/opt/factory.env")" = 600 ]
  # No secret was fetched: factory.env never requested, no file the CDN served holds the token.
  ! grep -q 'factory.env' "$T/requests.log"
  ! grep -rq "$(cat "$T/token")" "$CDN_ROOT"
}

@test "the enrolled hook refuses a tampered script" {
  serve_cdn factory
  make_media
  echo 'echo tampered' >>"$CDN_ROOT/cdn/factory/factory-wan.sh"
  run "$T/media/first-boot.sh"
  [ "$status" -eq 1 ]
  [[ "$output" == *"factory-wan.sh does not match its .sha256"* ]]
  [ ! -e "$T/built.env" ]
  [ ! -e "$U/opt/factory-wan.sh" ]
}

@test "the enrolled hook refuses a server whose certificate the factory CA did not sign" {
  serve_cdn rogue
  make_media
  run "$T/media/first-boot.sh"
  [ "$status" -eq 1 ]
  [[ "$output" == *"could not fetch factory-lib.sh"* ]]
  [ ! -e "$T/built.env" ]
  [ ! -e "$U/opt/factory-lib.sh" ]
  ! grep -q /cdn/factory "$T/requests.log"
}
