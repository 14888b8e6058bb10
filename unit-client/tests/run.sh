#!/usr/bin/env bash
# The unit-client tests: shellcheck on every script, then the bats suites. Run by ./factory.sh test (which has
# started the test PostgreSQL and RabbitMQ); run alone, it starts and stops them itself.
set -euo pipefail
cd "$(dirname "$0")/.."
shellcheck -x ./*.sh tests/*.sh tests/shims/*
echo "shellcheck: clean" >&2
if [ -z "${FACTORY_TEST_POSTGRES:-}" ]; then
  # shellcheck source=../scripts/test-servers.sh
  source ../scripts/test-servers.sh
  test_servers_start
  trap test_servers_stop EXIT
fi
bats --timing "$@" tests
