#!/usr/bin/env bash
# Writes what a Proxmox VE automated-install ISO needs to enroll units with one factory server:
#   answer.toml    the installer's answers (the root password hash given, or one generated and printed once)
#   first-boot.sh  unit-client/first-boot.sh with the server's HTTPS address, the factory CA, the factory token and
#                  the factory debug public key embedded
# and prints the proxmox-auto-install-assistant command that bakes both into the ISO.
#
#   unit-media.sh --out DIR --server https://192.168.100.250 --ca CA.crt --token-file FILE --debug-key KEY.pub
#                 [--root-password-hash HASH] [--pve 9] [--cdn https://...] [--unit-client DIR]
# The media hold the factory token: keep the USB sticks in the factory.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out="" server="" cdn="" ca="" token_file="" debug_key="" hash="" pve=9
unit_client=$here/../unit-client
[ -d "$unit_client" ] || unit_client=/usr/share/privatebox-factory/unit-client
say() { printf '%s\n' "$*" >&2; }
die() { say "unit-media: $*"; exit 2; }

while [ $# -gt 0 ]; do
  case $1 in
    --out) out=$2; shift 2 ;;
    --server) server=${2%/}; shift 2 ;;
    --cdn) cdn=${2%/}; shift 2 ;;
    --ca) ca=$2; shift 2 ;;
    --token-file) token_file=$2; shift 2 ;;
    --debug-key) debug_key=$2; shift 2 ;;
    --root-password-hash) hash=$2; shift 2 ;;
    --pve) pve=$2; shift 2 ;;
    --unit-client) unit_client=$2; shift 2 ;;
    -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option $1" ;;
  esac
done
[ -n "$out" ] || die "--out DIR is required"
[[ $server == https://* ]] || die "--server must be the gateway's https:// address (units never send secrets over HTTP)"
cdn=${cdn:-$server}
[[ $cdn == https://* ]] || die "--cdn must be an https:// address"
openssl x509 -in "$ca" -noout 2>/dev/null || die "--ca must be the factory CA certificate (PEM)"
[ -s "$token_file" ] || die "--token-file must hold the factory token"
ssh-keygen -l -f "$debug_key" >/dev/null 2>&1 || die "--debug-key must be an SSH public key"
[[ $pve =~ ^(8|9)$ ]] || die "--pve must be 8 or 9"
token=$(tr -d '\r\n' <"$token_file")
[[ $token == dev-* ]] && die "the factory token is a development token"

mkdir -p "$out"
password=""
if [ -z "$hash" ]; then
  password=$(openssl rand -base64 18 | tr -d '/+=' | cut -c1-20)
  hash=$(printf '%s' "$password" | openssl passwd -6 -stdin)
fi
[[ $hash == \$[156y]\$* ]] || die "--root-password-hash must be a crypt(3) hash (mkpasswd -m sha-512)"

# first-boot.sh: the enrollment block, then the hook itself. Single-quoted shell words: nothing in them expands.
quote() { printf "'%s'" "${1//\'/\'\\\'\'}"; }
{
  echo '#!/usr/bin/env bash'
  echo "# Enrollment for $server, made $(date -u +%Y-%m-%dT%H:%M:%SZ) by unit-media. Holds the factory token."
  echo "FACTORY_SERVER=$(quote "$server")"
  echo "FACTORY_CDN=$(quote "$cdn")"
  echo "FACTORY_TOKEN=$(quote "$token")"
  echo "FACTORY_CA_PEM=$(quote "$(cat "$ca")")"
  echo "FACTORY_DEBUG_KEY=$(quote "$(tr -d '\r\n' <"$debug_key")")"
  tail -n +2 "$unit_client/first-boot.sh"
} >"$out/first-boot.sh.new"
chmod 700 "$out/first-boot.sh.new"
mv -f "$out/first-boot.sh.new" "$out/first-boot.sh"
bash -n "$out/first-boot.sh"

# answer.toml: the line's answer file with this server's root password hash, the hook from the ISO itself.
python3 - "$unit_client/answer.toml" "$out/answer.toml" "$hash" <<'PY'
import re, sys
src, dst, hashed = sys.argv[1:4]
text = open(src).read()
text = re.sub(r'(?m)^root-password-hashed = .*$', lambda _: f'root-password-hashed = "{hashed}"', text)
text = re.sub(r'(?ms)^\[first-boot\]\n.*?(?=^\[|^# \[|\Z)',
              '[first-boot]\n# Baked into the ISO with --on-first-boot first-boot.sh; runs once, when the system is fully up.\n'
              'source = "from-iso"\nordering = "fully-up"\n\n', text)
open(dst, "w").write(text)
PY
chmod 600 "$out/answer.toml"
python3 "$here/validate-answer.py" "$out/answer.toml" "$pve" || die "answer.toml does not validate"

say "unit media for $server in $out:"
say "  answer.toml, first-boot.sh (holds the factory token: keep the media in the factory)"
if [ -n "$password" ]; then
  (umask 077 && printf '%s\n' "$password" >"$out/root-password.txt")
  say "  root-password.txt: the units' root password (generated; shown only here and in that file)"
fi
say "Bake them into the Proxmox VE $pve ISO:"
echo "proxmox-auto-install-assistant prepare-iso proxmox-ve_$pve.*.iso --fetch-from iso --answer-file $out/answer.toml --on-first-boot $out/first-boot.sh"
