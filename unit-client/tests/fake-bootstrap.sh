#!/usr/bin/env bash
# Test stand-in for the PrivateBox bootstrap: the same kinds of output (Phase lines, guest PROGRESS lines, long
# silent steps, a summary that prints the passwords) and the generated config file with both passwords.
# With FAKE_GATES set, each step lasts until the test creates the step's file there; else FAKE_STEP_SECONDS.
step() {
  if [ -z "${FAKE_GATES:-}" ]; then sleep "$2"; return; fi
  while [ ! -e "$FAKE_GATES/$1" ]; do sleep 0.1; done
}

echo "[2026-11-29 06:00:00] Phase 1: Host preparation started"
cat >"$PRIVATEBOX_CONFIG" <<CONF
# PrivateBox Configuration
GATEWAY="192.168.100.1"
ADMIN_PASSWORD="$FAKE_ADMIN_PASSWORD"
SERVICES_PASSWORD="$FAKE_SERVICES_PASSWORD"
CONF
echo "Configuration generated; admin password is $FAKE_ADMIN_PASSWORD"
step 1 "$FAKE_STEP_SECONDS"
printf '\033[1;34m[2026-11-29 06:01:00] Phase 2: Deploying OPNsense\033[0m\n'
step 2 "$FAKE_STEP_SECONDS"
echo "PROGRESS: Installing AdGuard Home"
step 3 "$FAKE_STEP_SECONDS"
echo "Services password: $FAKE_SERVICES_PASSWORD"
echo "[2026-11-29 06:15:00] Phase 4: Complete"
exit "${FAKE_EXIT:-0}"
