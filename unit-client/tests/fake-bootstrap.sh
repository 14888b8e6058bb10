#!/usr/bin/env bash
# Test stand-in for the PrivateBox bootstrap: the same kinds of output (Phase lines, guest PROGRESS lines, long
# silent steps, a summary that prints the passwords) and the generated config file with both passwords.
echo "[2026-11-29 06:00:00] Phase 1: Host preparation started"
cat >"$PRIVATEBOX_CONFIG" <<CONF
# PrivateBox Configuration
GATEWAY="192.168.100.1"
ADMIN_PASSWORD="$FAKE_ADMIN_PASSWORD"
SERVICES_PASSWORD="$FAKE_SERVICES_PASSWORD"
CONF
echo "Configuration generated; admin password is $FAKE_ADMIN_PASSWORD"
sleep "$FAKE_STEP_SECONDS"
echo "[2026-11-29 06:01:00] Phase 2: Deploying OPNsense"
sleep "$FAKE_STEP_SECONDS"
echo "PROGRESS: Installing AdGuard Home"
sleep "${FAKE_SILENT_SECONDS:-$FAKE_STEP_SECONDS}"
echo "Services password: $FAKE_SERVICES_PASSWORD"
echo "[2026-11-29 06:15:00] Phase 4: Complete"
exit "${FAKE_EXIT:-0}"
