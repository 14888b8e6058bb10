#!/usr/bin/env bash
# The unit's self-test: runs each check of SELFTEST_CHECKS (default: selftest.checks next to this script) and
# prints one "name pass" or "name fail detail" line per check. Exit status 0 only when every check passes.
set -uo pipefail
SELFTEST_CHECKS=${SELFTEST_CHECKS:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/selftest.checks}
SELFTEST_TIMEOUT=${SELFTEST_TIMEOUT:-10}

check_http() {
  local code
  code=$(curl -k -sS -o /dev/null -w '%{http_code}' --connect-timeout 5 --max-time "$SELFTEST_TIMEOUT" "$1" 2>/dev/null) || true
  [[ $code =~ ^[1-4][0-9][0-9]$ ]] && return 0
  echo "HTTP ${code:-000} from $1"; return 1
}

check_tcp() {
  # shellcheck disable=SC2016  # expanded by the inner bash
  timeout "$SELFTEST_TIMEOUT" bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "$1" "$2" 2>/dev/null && return 0
  echo "no TCP connection to $1:$2"; return 1
}

# A DNS query over TCP, written byte by byte: id 0xfb01, recursion desired, one question of type A.
check_dns() {
  local host=$1 port=$2 name=$3 query="" label len answer
  for label in ${name//./ }; do printf -v len '\\x%02x' "${#label}"; query+="$len$label"; done
  query+='\x00\x00\x01\x00\x01'
  local message="\\xfb\\x01\\x01\\x00\\x00\\x01\\x00\\x00\\x00\\x00\\x00\\x00$query"
  local size
  size=$(printf '%b' "$message" | wc -c)
  printf -v len '\\x%02x\\x%02x' $((size >> 8)) $((size & 255))
  # shellcheck disable=SC2016  # expanded by the inner bash
  answer=$(timeout "$SELFTEST_TIMEOUT" bash -c 'exec 3<>"/dev/tcp/$1/$2" || exit 1; printf "%b" "$3" >&3; head -c 6 <&3 | od -An -tx1' \
    _ "$host" "$port" "$len$message" 2>/dev/null | tr -d ' \n')
  # Length prefix, then our id, then flags with the response bit set.
  [[ $answer =~ ^[0-9a-f]{4}fb01[89a-f] ]] && return 0
  echo "no DNS answer from $host:$port for $name"; return 1
}

check_route() {
  local route
  route=$(ip -4 route show default 2>/dev/null | head -n 1)
  [[ "$route " == *"via $1 "* ]] && return 0
  echo "default route is '${route:-none}', not via $1"; return 1
}

check_guest() {
  local out
  out=$(timeout $((SELFTEST_TIMEOUT + 5)) qm guest exec "$1" --timeout "$SELFTEST_TIMEOUT" -- curl -fsS -o /dev/null --max-time "$SELFTEST_TIMEOUT" "$2" 2>&1)
  [[ $out =~ \"exitcode\"[[:space:]]*:[[:space:]]*0[^0-9] ]] && return 0
  echo "guest $1 could not fetch $2"; return 1
}

check_systemd() {
  systemctl is-active --quiet "$1" && return 0
  echo "$1 is $(systemctl is-active "$1" 2>/dev/null)"; return 1
}

run_check() {
  local type=$1
  shift
  case $type in
    http) check_http "$@" ;;
    tcp) check_tcp "$@" ;;
    dns) check_dns "$@" ;;
    route) check_route "$@" ;;
    guest) check_guest "$@" ;;
    systemd) check_systemd "$@" ;;
    *) echo "unknown check type '$type'"; return 1 ;;
  esac
}

failed=0
while read -r name type args; do
  [[ -z $name || $name == \#* ]] && continue
  read -r -a argv <<<"$args"
  if detail=$(run_check "$type" "${argv[@]}"); then echo "$name pass"; else echo "$name fail $detail"; failed=1; fi
done <"$SELFTEST_CHECKS"
exit "$failed"
