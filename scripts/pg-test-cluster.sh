#!/usr/bin/env bash
# A throwaway PostgreSQL + PostGIS cluster on loopback for the store tests.
#   scripts/pg-test-cluster.sh start       → initdb in a temp dir, start on a free port, CREATE EXTENSION
#                                            postgis; prints shell `export` lines (CITYCHECK_TEST_PG and
#                                            CITYCHECK_PG_CLUSTER_DIR) to eval
#   scripts/pg-test-cluster.sh stop DIR    → stops the cluster and removes DIR
# PostgreSQL refuses to run as root: as root the cluster runs as the `postgres` user (Debian package).
set -euo pipefail
cmd="${1:-}"
bindir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
[ -n "$bindir" ] || { echo "pg-test-cluster: PostgreSQL is not installed (scripts/install-deps.sh)" >&2; exit 1; }
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
case "$cmd" in
  start)
    dir="$(mktemp -d "${TMPDIR:-/tmp}/citycheck-pg.XXXXXX")"
    chmod 755 "$dir"
    [ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
    as_owner "$bindir/initdb" -D "$dir/data" -A trust -U citycheck -E UTF8 --locale=C --no-sync >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
    port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
      start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
    as_owner "$bindir/createdb" -h 127.0.0.1 -p "$port" -U citycheck citycheck_test
    as_owner "$bindir/psql" -h 127.0.0.1 -p "$port" -U citycheck -d citycheck_test -v ON_ERROR_STOP=1 -qc "CREATE EXTENSION postgis" >/dev/null
    echo "export CITYCHECK_TEST_PG='PG:host=127.0.0.1 port=$port dbname=citycheck_test user=citycheck'"
    echo "export CITYCHECK_PG_CLUSTER_DIR='$dir'"
    ;;
  stop)
    dir="${2:-${CITYCHECK_PG_CLUSTER_DIR:-}}"
    [ -n "$dir" ] && [ -d "$dir" ] || exit 0
    as_owner "$bindir/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$dir"
    ;;
  *)
    echo "usage: $0 start | stop DIR" >&2
    exit 2
    ;;
esac
