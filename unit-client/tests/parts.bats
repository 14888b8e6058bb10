#!/usr/bin/env bats
# The unit client's parts on their own: asset seeding from a CDN stand-in (with byte ranges), the first-boot
# hook, the self-test's checks, JSON text and password redaction (also of a config caught half written).

load helpers

setup() {
  UNITAPI_URL=http://127.0.0.1:9
  unit_setup
  CDN_ROOT="$BATS_TEST_TMPDIR/cdn"
  mkdir -p "$CDN_ROOT/cdn/templates" "$CDN_ROOT/cdn/images" "$CDN_ROOT/cdn/factory"
  CDN_PORT=$(free_port)
  python3 "$UNIT_CLIENT/tests/cdn-server.py" "$CDN_ROOT" "$CDN_PORT" "$BATS_TEST_TMPDIR/cdn-requests.log" </dev/null >/dev/null 2>&1 &
  CDN_PID=$!
  export FACTORY_CDN="http://127.0.0.1:$CDN_PORT"
  local i
  for ((i = 0; i < 40; i++)); do curl -s -o /dev/null "$FACTORY_CDN/" && break; sleep 0.25; done
}

teardown() {
  kill "$CDN_PID" 2>/dev/null || true
  [ -n "${DNS_PID:-}" ] && kill "$DNS_PID" 2>/dev/null || true
}

lib() { source "$UNIT_CLIENT/factory-assets.sh"; factory_load_config; }

sum_of() { local s; s=$("$1sum" "$2"); echo "${s%% *}"; }

publish_assets() {
  head -c 300000 /dev/urandom >"$CDN_ROOT/cdn/templates/opnsense-template.vma.zst"
  head -c 200000 /dev/urandom >"$CDN_ROOT/cdn/images/debian-13-genericcloud-amd64.qcow2"
  cat >"$CDN_ROOT/cdn/manifest.json" <<JSON
{"files": [
  {"path": "templates/opnsense-template.vma.zst", "size": 300000,
   "sha256": "$(sum_of sha256 "$CDN_ROOT/cdn/templates/opnsense-template.vma.zst")",
   "md5": "$(sum_of md5 "$CDN_ROOT/cdn/templates/opnsense-template.vma.zst")"},
  {"path": "images/debian-13-genericcloud-amd64.qcow2", "size": 200000,
   "sha256": "$(sum_of sha256 "$CDN_ROOT/cdn/images/debian-13-genericcloud-amd64.qcow2")",
   "md5": "$(sum_of md5 "$CDN_ROOT/cdn/images/debian-13-genericcloud-amd64.qcow2")"}
]}
JSON
}

@test "seeding resumes a partial download and installs both assets once their checksums match" {
  publish_assets
  lib
  head -c 120000 "$CDN_ROOT/cdn/templates/opnsense-template.vma.zst" >"$OPNSENSE_TEMPLATE_PATH.part"
  seed_assets
  cmp "$CDN_ROOT/cdn/templates/opnsense-template.vma.zst" "$OPNSENSE_TEMPLATE_PATH"
  cmp "$CDN_ROOT/cdn/images/debian-13-genericcloud-amd64.qcow2" "$DEBIAN_IMAGE_PATH"
  grep -qx 'GET /cdn/templates/opnsense-template.vma.zst bytes=120000-' "$BATS_TEST_TMPDIR/cdn-requests.log"
  [ ! -e "$OPNSENSE_TEMPLATE_PATH.part" ]
}

@test "an asset the CDN lacks or serves corrupt is left to the bootstrap's own download" {
  publish_assets
  rm "$CDN_ROOT/cdn/images/debian-13-genericcloud-amd64.qcow2"
  head -c 300000 /dev/urandom >"$CDN_ROOT/cdn/templates/opnsense-template.vma.zst"
  lib
  seed_assets
  [ ! -e "$OPNSENSE_TEMPLATE_PATH" ]
  [ ! -e "$DEBIAN_IMAGE_PATH" ]
  grep -q 'checksum mismatch for /cdn/templates/opnsense-template.vma.zst (md5)' "$FACTORY_LOG"
  grep -q 'could not seed' "$FACTORY_LOG"
}

@test "without a CDN manifest nothing is seeded and the build goes on" {
  lib
  run seed_assets
  [ "$status" -eq 0 ]
  grep -q 'no CDN manifest' "$FACTORY_LOG"
}

publish_scripts() {
  local f
  for f in factory.env factory-lib.sh factory-report.sh factory-assets.sh factory-wan.sh selftest.sh selftest.checks; do
    cp "$UNIT_CLIENT/$f" "$CDN_ROOT/cdn/factory/$f"
  done
  # The build itself is replaced by one that shows it ran, with which settings.
  printf '#!/usr/bin/env bash\necho "built $1 token=$(grep ^FACTORY_TOKEN "$(dirname "$0")/factory.env")" >"%s"\n' "$BATS_TEST_TMPDIR/built" \
    >"$CDN_ROOT/cdn/factory/factory-build.sh"
  for f in "$CDN_ROOT"/cdn/factory/*; do sha256sum "$f" | cut -d' ' -f1 >"$f.sha256"; done
  mkdir -p "$U/root/etc"
  printf '127.0.0.1 localhost\n192.168.100.57 %s.factory.local %s\n' "$(uname -n)" "$(uname -n)" >"$U/root/etc/hosts"
  export FACTORY_ROOT="$U/root" FACTORY_INSTALL_DIR="$U/opt" FETCH_ATTEMPTS=2 FETCH_DELAY=0
  printf '#!/usr/bin/env bash\necho "hostnamectl $*" >>"$SHIM_STATE/calls.log"\n' >"$SHIM_STATE/hostnamectl"
  printf '#!/usr/bin/env bash\necho "pvecm $*" >>"$SHIM_STATE/calls.log"\n' >"$SHIM_STATE/pvecm"
  chmod +x "$SHIM_STATE/hostnamectl" "$SHIM_STATE/pvecm"
  export PATH="$SHIM_STATE:$PATH"
}

@test "the first-boot hook installs the verified scripts, names the host after its WAN MAC and starts the build" {
  publish_scripts
  run "$UNIT_CLIENT/first-boot.sh"
  echo "$output"
  [ "$status" -eq 0 ]
  local name="pb-${UNIT_MAC//:/}"
  [ "$(cat "$BATS_TEST_TMPDIR/built")" = "built build token=FACTORY_TOKEN=dev-factory-token" ]
  cmp "$UNIT_CLIENT/factory-lib.sh" "$U/opt/factory-lib.sh"
  [ "$(cat "$U/root/etc/hostname")" = "$name" ]
  grep -qx "192.168.100.57 $name.factory.local $name" "$U/root/etc/hosts"
  grep -qx "hostnamectl set-hostname $name" "$SHIM_STATE/calls.log"
  grep -qx "systemctl restart pve-cluster" "$SHIM_STATE/calls.log"
}

@test "the first-boot hook refuses a script that does not match its checksum" {
  publish_scripts
  echo 'echo tampered' >>"$CDN_ROOT/cdn/factory/factory-wan.sh"
  run "$UNIT_CLIENT/first-boot.sh"
  [ "$status" -eq 1 ]
  [[ "$output" == *"factory-wan.sh does not match its .sha256"* ]]
  [ ! -e "$BATS_TEST_TMPDIR/built" ]
  [ ! -e "$U/opt/factory-wan.sh" ]
}

@test "the self-test names each check's result and fails when any check fails" {
  local dns_port closed
  dns_port=$(free_port) closed=$(free_port)
  python3 "$UNIT_CLIENT/tests/dns-server.py" "$dns_port" </dev/null >/dev/null 2>&1 & DNS_PID=$!
  for ((i = 0; i < 40; i++)); do (exec 3<>"/dev/tcp/127.0.0.1/$dns_port") 2>/dev/null && break; sleep 0.25; done
  echo "up" >"$CDN_ROOT/health"
  touch "$SHIM_STATE/inactive-pvestatd"
  cat >"$U/checks" <<CHECKS
# comment lines and blank lines are skipped

caddy_health http    $FACTORY_CDN/health
answered_404 http    $FACTORY_CDN/nothing-here
adguard_dns  dns     127.0.0.1 $dns_port debian.org
dead_dns     dns     127.0.0.1 $closed debian.org
semaphore    tcp     127.0.0.1 $CDN_PORT
portainer    tcp     127.0.0.1 $closed
via_opnsense route   192.168.100.1
pveproxy     systemd pveproxy
pvestatd     systemd pvestatd
internet     guest   9000 https://deb.debian.org/
CHECKS
  SELFTEST_CHECKS="$U/checks" SELFTEST_TIMEOUT=3 run "$UNIT_CLIENT/selftest.sh"
  echo "$output"
  [ "$status" -eq 1 ]
  [ "$(cut -d' ' -f1,2 <<<"$output" | tr '\n' ' ')" = "caddy_health pass answered_404 pass adguard_dns pass dead_dns fail semaphore pass portainer fail via_opnsense pass pveproxy pass pvestatd fail internet pass " ]
  rm "$SHIM_STATE/guest-internet"
  SELFTEST_CHECKS=<(echo "internet guest 9000 https://deb.debian.org/") run "$UNIT_CLIENT/selftest.sh"
  [ "$status" -eq 1 ]
  [ "$output" = "internet fail guest 9000 could not fetch https://deb.debian.org/" ]
}

@test "JSON text survives quotes, backslashes, newlines and control characters" {
  source "$UNIT_CLIENT/factory-lib.sh"
  local nasty=$'say "hi"\\ back\nnext\tline\x01end'
  [ "$(json_str "$nasty" | jq -r .)" = $'say "hi"\\ back\nnext\tline''end' ]
  [ "$(json_array a 'b"c' | jq -c .)" = '["a","b\"c"]' ]
  [ "$(json_array | jq -c .)" = '[]' ]
}

@test "passwords are masked wherever they appear, glob characters and all, and the config is never executed" {
  source "$UNIT_CLIENT/factory-lib.sh"
  factory_load_config
  cat >"$PRIVATEBOX_CONFIG" <<'CONF'
ADMIN_PASSWORD="Zq8*Lm2+Xr7=Pw4@Hk9n"
SERVICES_PASSWORD="$(touch /tmp/unitclient-pwned)"
CONF
  load_passwords
  [ "$ADMIN_PASSWORD" = 'Zq8*Lm2+Xr7=Pw4@Hk9n' ]
  [ "$SERVICES_PASSWORD" = '$(touch /tmp/unitclient-pwned)' ]
  [ ! -e /tmp/unitclient-pwned ]
  log "admin Zq8*Lm2+Xr7=Pw4@Hk9n and Zq8XLm2+Xr7=Pw4@Hk9n and services \$(touch /tmp/unitclient-pwned)"
  grep -qF 'admin [redacted] and Zq8XLm2+Xr7=Pw4@Hk9n and services [redacted]' "$FACTORY_LOG"
}

@test "the bootstrap log masks a password even when the config was caught half written" {
  local out="$BATS_TEST_TMPDIR/bootstrap.out" admin="alpha-bravo-charlie-$RANDOM" services="Zq8*Lm2+Xr7=Pw4@Hk9n$RANDOM"
  # The filter first sees a config with only the services password, then the whole one.
  printf 'SERVICES_PASSWORD="%s"\n' "$services" >"$PRIVATEBOX_CONFIG"
  {
    echo "Phase 1: Host preparation started"
    until grep -q 'Phase 1' "$out" 2>/dev/null; do sleep 0.05; done
    printf 'ADMIN_PASSWORD="%s"\nSERVICES_PASSWORD="%s"\n' "$admin" "$services" >"$PRIVATEBOX_CONFIG"
    echo "admin password is $admin, services $services"
  } | bash -c 'source "$1" && factory_load_config && redact_stream' _ "$UNIT_CLIENT/factory-build.sh" >"$out"
  cat "$out"
  [ "$(tail -1 "$out")" = "admin password is [redacted], services [redacted]" ]
}
