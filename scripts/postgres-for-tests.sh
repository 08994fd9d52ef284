#!/usr/bin/env bash
# Start a throwaway PostgreSQL cluster for the test suite and print its URL.
# Usage: eval "$(scripts/postgres-for-tests.sh start)"  → exports IMC_TEST_DATABASE_URL
#        scripts/postgres-for-tests.sh stop DIR
# Prints nothing and exits 0 when PostgreSQL is not installed: the suite then runs on SQLite.
set -euo pipefail
cmd=${1:-start}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
  echo "# PostgreSQL not installed: tests run on SQLite only" >&2
  exit 0
fi
run_as() {  # PostgreSQL refuses to run as root
  if [ "$(id -u)" = 0 ]; then su -s /bin/sh postgres -c "$*"; else sh -c "$*"; fi
}
if [ "$cmd" = stop ]; then
  run_as "$bin/pg_ctl -D '$2/data' -m fast stop" >/dev/null 2>&1 || true
  rm -rf "$2"
  exit 0
fi
dir=$(mktemp -d /tmp/imc-pg.XXXXXX)
chmod 755 "$dir"
[ "$(id -u)" = 0 ] && chown postgres "$dir"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
run_as "$bin/initdb -D '$dir/data' -U postgres -A trust -E UTF8 --locale=C.UTF-8" >/dev/null
run_as "$bin/pg_ctl -D '$dir/data' -l '$dir/log' -w -o '-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off' start" >/dev/null
run_as "$bin/createdb -h 127.0.0.1 -p $port -U postgres imc_test"
echo "export IMC_TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:$port/imc_test"
echo "export IMC_TEST_PG_DIR=$dir"
