#!/usr/bin/env bash
# Builds privatebox-factory_<version>_<arch>.deb into artifacts/: every service published in Release and
# self-contained (the server needs no .NET SDK), the Aspire dashboard (amd64 only), the unit-client scripts,
# systemd units, the default configuration and the privatebox-factory command.
#   packaging/build-deb.sh [amd64|arm64]      VERSION=1.2.3 to override the version (default 1.0.<commits>)
#   REUSE_PUBLISH=1 repackages the last publish of that architecture under a new VERSION (upgrade tests).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
ARCH=${1:-amd64}
case "$ARCH" in amd64) RID=linux-x64 ;; arm64) RID=linux-arm64 ;; *) echo "unknown architecture: $ARCH" >&2; exit 2 ;; esac
VERSION=${VERSION:-1.0.$(git rev-list --count HEAD 2>/dev/null || echo 0)}
WORK=$ROOT/artifacts/package/$ARCH
STAGE=$WORK/root
LIB=$STAGE/usr/lib/privatebox-factory
log() { printf '\033[1;34m[package]\033[0m %s\n' "$*" >&2; }

# service folder -> project
declare -A PROJECTS=([unitapi]=Services.UnitApi [cdn]=Services.Cdn [switchmonitor]=Services.SwitchMonitor
  [debugcollector]=Services.DebugCollector [printstation]=Services.PrintStation [gateway]=Gateway)

if [ "${REUSE_PUBLISH:-}" != 1 ] || [ ! -d "$LIB" ]; then
  rm -rf "$WORK"
  mkdir -p "$LIB"
  for svc in "${!PROJECTS[@]}"; do
    log "publishing ${PROJECTS[$svc]} ($RID)"
    dotnet publish "${PROJECTS[$svc]}" -c Release -r "$RID" --self-contained --nologo -v q \
      -p:DebugType=none -p:GenerateDocumentationFile=false -o "$LIB/$svc" >/dev/null
  done
  if [ "$ARCH" = amd64 ]; then
    log "the standalone Aspire dashboard"
    dotnet restore packaging/dashboard/dashboard.proj --nologo -v q >/dev/null
    aspire=$(sed -n 's|.*<AspireVersion>\(.*\)</AspireVersion>.*|\1|p' Directory.Packages.props)
    dash=${NUGET_PACKAGES:-$HOME/.nuget/packages}/aspire.dashboard.sdk.linux-x64/$aspire/tools
    cp -a "$dash" "$LIB/dashboard"
  fi
  # The six self-contained services carry the same runtime; identical files become hard links (dpkg keeps them).
  python3 packaging/hardlink.py "$LIB"
fi

log "layout"
rm -rf "${STAGE:?}/DEBIAN" "${STAGE:?}/etc" "${STAGE:?}/lib" "${STAGE:?}/usr/bin" "${STAGE:?}/usr/share"
install -D -m 644 packaging/defaults.json "$LIB/defaults.json"
echo "$VERSION" > "$LIB/VERSION"
install -D -m 644 packaging/factory.json "$STAGE/etc/privatebox-factory/factory.json"
install -D -m 755 packaging/privatebox-factory "$STAGE/usr/bin/privatebox-factory"
install -m 755 scripts/cdn-sync.sh scripts/unit-media.sh scripts/validate-answer.py "$LIB/"
install -d "$STAGE/lib/systemd/system"
install -m 644 packaging/systemd/* "$STAGE/lib/systemd/system/"
# The standalone Aspire dashboard exists for linux-x64 only.
[ -d "$LIB/dashboard" ] || rm "$STAGE/lib/systemd/system/privatebox-factory-dashboard.service"
# The scripts units fetch from /cdn/factory/; never a token (units carry theirs on their install media).
install -d "$STAGE/usr/share/privatebox-factory/unit-client"
find unit-client -maxdepth 1 -type f ! -name factory.env -exec install -m 644 {} "$STAGE/usr/share/privatebox-factory/unit-client/" \;
install -D -m 644 README.md "$STAGE/usr/share/doc/privatebox-factory/README.md"
install -m 644 docs/operators.md "$STAGE/usr/share/doc/privatebox-factory/operators.md"

install -d "$STAGE/DEBIAN"
installed_kb=$(du -sk --exclude=DEBIAN "$STAGE" | cut -f1)
sed -e "s/@VERSION@/$VERSION/" -e "s/@ARCH@/$ARCH/" -e "s/@SIZE@/$installed_kb/" packaging/debian/control > "$STAGE/DEBIAN/control"
install -m 644 packaging/debian/conffiles "$STAGE/DEBIAN/conffiles"
install -m 755 packaging/debian/postinst packaging/debian/prerm packaging/debian/postrm "$STAGE/DEBIAN/"

mkdir -p artifacts
DEB=artifacts/privatebox-factory_${VERSION}_$ARCH.deb
dpkg-deb --root-owner-group -Zzstd -z3 --build "$STAGE" "$DEB" >/dev/null
log "$DEB ($(du -h "$DEB" | cut -f1), $((installed_kb / 1024)) MB installed)"
echo "$ROOT/$DEB"
