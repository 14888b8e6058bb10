#!/usr/bin/env bash
# Throwaway PostgreSQL and RabbitMQ servers on loopback for the test run, sourced by ./factory.sh test.
# Exports FACTORY_TEST_POSTGRES (admin connection string), FACTORY_TEST_PGDATA, FACTORY_TEST_PGBIN and
# FACTORY_TEST_RABBITMQ (AMQP URI). Tests create their own databases on that server.

# The /usr/sbin wrappers switch to the rabbitmq user (another Erlang cookie); call the real tools.
RABBITMQCTL=/usr/lib/rabbitmq/bin/rabbitmqctl

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

test_servers_start() {
  TEST_SERVERS_DIR=$(mktemp -d /tmp/privatebox-test.XXXXXX)
  chmod 755 "$TEST_SERVERS_DIR"
  local pgbin
  pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
  local pgport pgdata run=()
  pgport=$(free_port)
  pgdata="$TEST_SERVERS_DIR/pg/data"
  mkdir -p "$pgdata"
  if [ "$(id -u)" -eq 0 ]; then chown -R postgres:postgres "$TEST_SERVERS_DIR/pg"; run=(runuser -u postgres --); fi
  echo "test-password" > "$TEST_SERVERS_DIR/pgpass"
  chmod 644 "$TEST_SERVERS_DIR/pgpass"
  "${run[@]}" "$pgbin/initdb" -D "$pgdata" -U postgres -E UTF8 --auth-local=trust --auth-host=scram-sha-256 \
    --pwfile="$TEST_SERVERS_DIR/pgpass" >"$TEST_SERVERS_DIR/initdb.log" 2>&1
  "${run[@]}" "$pgbin/pg_ctl" -D "$pgdata" -l "$TEST_SERVERS_DIR/pg/postgres.log" -w \
    -o "-p $pgport -k /tmp -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=${FACTORY_TEST_PG_FSYNC:-off}" start >/dev/null
  export FACTORY_TEST_POSTGRES="Host=127.0.0.1;Port=$pgport;Username=postgres;Password=test-password"
  export FACTORY_TEST_PGDATA="$pgdata" FACTORY_TEST_PGBIN="$pgbin" FACTORY_TEST_PGPORT="$pgport"

  local mqport node
  mqport=$(free_port)
  node="pbftest$mqport@localhost"
  mkdir -p "$TEST_SERVERS_DIR/rabbitmq"
  echo "[]." > "$TEST_SERVERS_DIR/rabbitmq/enabled_plugins"
  (
    export RABBITMQ_NODE_PORT=$mqport RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 RABBITMQ_DIST_PORT=$(free_port) \
      RABBITMQ_NODENAME=$node RABBITMQ_MNESIA_BASE="$TEST_SERVERS_DIR/rabbitmq/mnesia" \
      RABBITMQ_LOG_BASE="$TEST_SERVERS_DIR/rabbitmq/log" RABBITMQ_PID_FILE="$TEST_SERVERS_DIR/rabbitmq/pid" \
      RABBITMQ_ENABLED_PLUGINS_FILE="$TEST_SERVERS_DIR/rabbitmq/enabled_plugins" \
      RABBITMQ_CONFIG_FILE="$TEST_SERVERS_DIR/rabbitmq/rabbitmq" RABBITMQ_ADVANCED_CONFIG_FILE="$TEST_SERVERS_DIR/rabbitmq/advanced.config"
    nohup /usr/lib/rabbitmq/bin/rabbitmq-server >"$TEST_SERVERS_DIR/rabbitmq.log" 2>&1 &
  )
  TEST_RABBIT_NODE=$node
  local waited=0
  until "$RABBITMQCTL" -q -n "$node" await_startup >/dev/null 2>&1; do
    waited=$((waited + 1))
    if [ $waited -gt 90 ]; then
      echo "RabbitMQ did not start; log:" >&2; tail -30 "$TEST_SERVERS_DIR/rabbitmq.log" >&2; return 1
    fi
    sleep 1
  done
  export FACTORY_TEST_RABBITMQ="amqp://guest:guest@127.0.0.1:$mqport/"
  echo "[factory] test servers: PostgreSQL :$pgport, RabbitMQ :$mqport ($TEST_SERVERS_DIR)" >&2
}

test_servers_stop() {
  [ -n "${TEST_RABBIT_NODE:-}" ] && "$RABBITMQCTL" -q -n "$TEST_RABBIT_NODE" stop >/dev/null 2>&1 || true
  if [ -n "${FACTORY_TEST_PGDATA:-}" ]; then
    local run=()
    [ "$(id -u)" -eq 0 ] && run=(runuser -u postgres --)
    "${run[@]}" "$FACTORY_TEST_PGBIN/pg_ctl" -D "$FACTORY_TEST_PGDATA" -m fast stop >/dev/null 2>&1 || true
  fi
  [ -n "${TEST_SERVERS_DIR:-}" ] && rm -rf "$TEST_SERVERS_DIR"
}
