#!/usr/bin/env bats
# A unit installed from enrolled media, end to end: the media's first-boot hook fetches the real scripts over HTTPS
# pinned to the factory CA, and the build heartbeats and reports with the media's token through the Gateway on HTTPS
# to the real Unit API (a production token, not the development one). The debug key comes off a unit that passes.

load helpers

setup_file() {
  export FactoryKeys__FactoryToken="enrolled-token-$RANDOM$RANDOM-0123456789abcdef"
  unitapi_setup_file
  gateway_start
}
teardown_file() { gateway_stop; unitapi_stop; }

setup() {
  unit_setup
  T=$BATS_TEST_TMPDIR
  # The CDN stand-in's certificate is signed by the gateway's (self-signed) certificate: the factory CA of this test.
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$T/cdn.key" -out "$T/cdn.csr" -subj "/CN=127.0.0.1" >/dev/null 2>&1
  openssl x509 -req -in "$T/cdn.csr" -CA "$GATEWAY_CACERT" -CAkey "$UNITAPI_DIR/factory.key" -CAcreateserial -days 2 \
    -extfile <(printf 'subjectAltName=IP:127.0.0.1\n') -out "$T/cdn.crt" >/dev/null 2>&1
  mkdir -p "$T/cdn/cdn/factory"
  local f port i
  for f in factory-lib.sh factory-report.sh factory-assets.sh factory-wan.sh factory-build.sh selftest.sh; do
    cp "$UNIT_CLIENT/$f" "$T/cdn/cdn/factory/"
  done
  cp "$U/selftest.checks" "$T/cdn/cdn/factory/selftest.checks"
  for f in "$T"/cdn/cdn/factory/*; do sha256sum "$f" | cut -d' ' -f1 >"$f.sha256"; done
  port=$(free_port)
  python3 "$UNIT_CLIENT/tests/cdn-server.py" "$T/cdn" "$port" "$T/requests.log" "$T/cdn.crt" "$T/cdn.key" </dev/null >/dev/null 2>&1 &
  CDN_PID=$!
  for ((i = 0; i < 40; i++)); do curl -s --cacert "$GATEWAY_CACERT" -o /dev/null "https://127.0.0.1:$port/" && break; sleep 0.25; done

  printf '%s' "$FactoryKeys__FactoryToken" >"$T/token"
  ssh-keygen -q -t ed25519 -N "" -C privatebox-factory-debug -f "$T/debug_ed25519"
  ssh-keygen -q -t ed25519 -N "" -f "$T/ssh_host_ed25519_key"
  "$REPO_ROOT/scripts/unit-media.sh" --out "$T/media" --server "$GATEWAY_URL" --cdn "https://127.0.0.1:$port" \
    --ca "$GATEWAY_CACERT" --token-file "$T/token" --debug-key "$T/debug_ed25519.pub" >/dev/null 2>&1

  # The unit as the installer left it; everything the build needs to know comes from the media.
  unset FACTORY_SERVER FACTORY_CDN FACTORY_TOKEN FACTORY_ENV_FILE FACTORY_CACERT
  mkdir -p "$U/root/etc"
  printf '127.0.0.1 localhost\n' >"$U/root/etc/hosts"
  export FACTORY_ROOT="$U/root" FACTORY_INSTALL_DIR="$U/opt" SSH_HOST_KEY_FILE="$T/ssh_host_ed25519_key.pub"
  printf '#!/usr/bin/env bash\necho "$(basename "$0") $*" >>"$SHIM_STATE/calls.log"\n' >"$SHIM_STATE/hostnamectl"
  cp "$SHIM_STATE/hostnamectl" "$SHIM_STATE/pvecm"
  chmod +x "$SHIM_STATE/hostnamectl" "$SHIM_STATE/pvecm"
  export PATH="$SHIM_STATE:$PATH"
}

teardown() {
  tail -n 30 "$U/boot.out" 2>/dev/null
  kill "$CDN_PID" 2>/dev/null || true
}

@test "a unit installed from enrolled media builds, reports ready over HTTPS with the media's token and ships without the debug key" {
  run bash -c '"$1/media/first-boot.sh" >"$2/boot.out" 2>&1' _ "$T" "$U"
  [ "$status" -eq 0 ]
  local unit
  unit=$(station_get "$UNIT_MAC")
  echo "$unit"
  [ "$(jq -r .status <<<"$unit")" = ready ]
  [ "$(jq -r .admin_password <<<"$unit")" = "$FAKE_ADMIN_PASSWORD" ]
  [ "$(jq -r .debug_key_removed <<<"$unit")" = true ]
  [ "$(jq -r .ssh_host_key <<<"$unit")" = "$(ssh-keygen -l -E sha256 -f "$SSH_HOST_KEY_FILE" | cut -d' ' -f2)" ]
  grep -q "against $GATEWAY_URL" "$FACTORY_LOG"
  ! grep -qxF "$(cat "$T/debug_ed25519.pub")" "$U/root/root/.ssh/authorized_keys"
  ! grep -q factory.env "$T/requests.log"
}

@test "a unit from enrolled media that fails keeps the debug key for the debug station" {
  touch "$SHIM_STATE/inactive-pveproxy"
  run bash -c '"$1/media/first-boot.sh" >"$2/boot.out" 2>&1' _ "$T" "$U"
  [ "$status" -eq 1 ]
  [ "$(jq -r .status <<<"$(station_get "$UNIT_MAC")")" = failed ]
  grep -qxF "$(cat "$T/debug_ed25519.pub")" "$U/root/root/.ssh/authorized_keys"
}
