#!/usr/bin/env bash
# Switch monitor speed against net-snmp on loopback (tests/SwitchMonitor.Tests, SwitchBenchmark, Release build):
#  - trap path: snmptrap linkUp (MAC already learned) -> PortLinkedUp consumed from RabbitMQ, 100 times: p50/p99
#  - polling only: the same without traps, station interval 1 s
#  - a walk of the MAC table (24 ports, 500 entries) with our client against snmpbulkwalk on the same snmpd
# Targets: trap p99 < 0.5 s; polling <= interval + 1 s; walk <= 1.5x snmpbulkwalk.
set -euo pipefail
cd "$(dirname "$0")/.."
for pkg in snmpd snmp rabbitmq-server postgresql; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" \
    || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$pkg" >/dev/null; }
done
# shellcheck source=../scripts/test-servers.sh
source scripts/test-servers.sh
test_servers_start
trap test_servers_stop EXIT

export FACTORY_BENCH=1 FACTORY_BENCH_OUT
FACTORY_BENCH_OUT=$(mktemp)
dotnet build tests/SwitchMonitor.Tests -c Release --nologo -v q >/dev/null
dotnet test tests/SwitchMonitor.Tests -c Release --no-build --nologo --filter "FullyQualifiedName~SwitchBenchmark" >/dev/null \
  || { echo "benchmark failed:"; cat "$FACTORY_BENCH_OUT"; exit 1; }
echo
cat "$FACTORY_BENCH_OUT"
rm -f "$FACTORY_BENCH_OUT"
