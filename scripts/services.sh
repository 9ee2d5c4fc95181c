#!/usr/bin/env bash
# Starts the services the production-path tests use, when they are down, and exports their connection
# strings. Sourced by .ci/run; `bash scripts/services.sh` starts them for a developer's shell too.
# scripts/setup.sh installs the Debian packages; nothing here installs anything.
#   - PostgreSQL: a cluster of the project's own, "blueberry-test" on 127.0.0.1:5433, trusting loopback
#     connections (a test database: no password to keep anywhere), created on first use. The machine's
#     own clusters and their settings are left alone.
#   - Redis on 127.0.0.1:6379, in memory only (no snapshot, no append-only file).
services_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
services_log() { printf '[services] %s\n' "$*" >&2; }

BLUEBERRY_TEST_POSTGRES_PORT="${BLUEBERRY_TEST_POSTGRES_PORT:-5433}"
BLUEBERRY_TEST_REDIS_PORT="${BLUEBERRY_TEST_REDIS_PORT:-6379}"

start_postgres() {
  local port="$BLUEBERRY_TEST_POSTGRES_PORT" major
  if pg_isready -h 127.0.0.1 -p "$port" -q 2>/dev/null; then return 0; fi
  if ! command -v pg_createcluster >/dev/null; then
    services_log "PostgreSQL is not installed: run scripts/setup.sh (as root) or apt-get install postgresql"
    return 1
  fi
  major="$(ls /usr/lib/postgresql | sort -n | tail -n 1)"
  if ! pg_lsclusters -h | awk '{print $1"/"$2}' | grep -qx "$major/blueberry-test"; then
    services_log "creating the PostgreSQL $major cluster blueberry-test on port $port"
    pg_createcluster "$major" blueberry-test --port "$port" --start-conf manual \
      -- --auth-host=trust --auth-local=peer >&2 || return 1
  fi
  pg_ctlcluster --skip-systemctl-redirect "$major" blueberry-test start >&2 || return 1
  pg_isready -h 127.0.0.1 -p "$port" -q -t 30
}

start_redis() {
  local port="$BLUEBERRY_TEST_REDIS_PORT" logs="$services_root/.local/services"
  if redis-cli -h 127.0.0.1 -p "$port" ping >/dev/null 2>&1; then return 0; fi
  if ! command -v redis-server >/dev/null; then
    services_log "Redis is not installed: run scripts/setup.sh (as root) or apt-get install redis-server"
    return 1
  fi
  mkdir -p "$logs"
  redis-server --daemonize yes --bind 127.0.0.1 --port "$port" --save "" --appendonly no \
    --dir "$logs" --logfile "$logs/redis.log" >&2 || return 1
  for _ in $(seq 50); do
    redis-cli -h 127.0.0.1 -p "$port" ping >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  services_log "Redis did not answer on port $port; see $logs/redis.log"
  return 1
}

start_postgres || services_log "PostgreSQL is not running: the tests that need it will fail"
start_redis || services_log "Redis is not running: the tests that need it will fail"

export BLUEBERRY_TEST_POSTGRES="postgresql://postgres@127.0.0.1:$BLUEBERRY_TEST_POSTGRES_PORT/postgres"
export BLUEBERRY_TEST_REDIS="redis://127.0.0.1:$BLUEBERRY_TEST_REDIS_PORT"
# The same servers for Backstage's own test utilities (TestDatabases, TestCaches), which otherwise
# would try to start containers.
export BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING="$BLUEBERRY_TEST_POSTGRES"
export BACKSTAGE_TEST_CACHE_REDIS7_CONNECTION_STRING="$BLUEBERRY_TEST_REDIS"
export BACKSTAGE_TEST_DISABLE_DOCKER=1
