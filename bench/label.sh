#!/usr/bin/env bash
# Labeling station latency: PortLinkedUp published on RabbitMQ -> unit looked up through the gateway -> prompt
# visible in the kiosk (headless Chromium, measured in the page). ARRIVALS (default 50) units, p50/p95,
# against a baseline in the same run: the kiosk's own answer round trip (no broker, no lookup).
# Target: p95 < 1 s. Runs tests/PrintStation.Tests' ArrivalLatencyTests with the real Unit API and gateway.
set -euo pipefail
cd "$(dirname "$0")/.."
ARRIVALS=${ARRIVALS:-50}
for pkg in postgresql rabbitmq-server chromium fonts-dejavu-core; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" \
    || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$pkg" >/dev/null; }
done

# shellcheck source=../scripts/test-servers.sh
source scripts/test-servers.sh
test_servers_start
trap test_servers_stop EXIT

mkdir -p bench/results
export FACTORY_BENCH_ARRIVALS=$ARRIVALS FACTORY_BENCH_OUTPUT="$PWD/bench/results/label.txt"
dotnet build tests/PrintStation.Tests -c Release --nologo -v q >/dev/null
dotnet test tests/PrintStation.Tests -c Release --no-build --nologo \
  --filter "FullyQualifiedName~ArrivalLatencyTests" --logger "console;verbosity=minimal" >/dev/null
cat "$FACTORY_BENCH_OUTPUT"
