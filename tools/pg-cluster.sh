#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster for tests and benchmarks, listening on a Unix socket only (no TCP).
#
#   tools/pg-cluster.sh start DIR   initdb in DIR/data (unless there), start it with its socket in DIR; prints DIR
#   tools/pg-cluster.sh stop DIR    stop it (immediate, like a crash: the data is throwaway; start again recovers)
#
# The superuser is "postgres", trusted on the socket. initdb refuses to run as root, so as root the cluster runs as
# the postgres system user (DIR is handed to it). Exit 3 when the server binaries are missing (tests then skip).
set -euo pipefail

bin=/usr/lib/postgresql/15/bin
if [ ! -x "$bin/initdb" ] || [ ! -x "$bin/pg_ctl" ]; then
  echo "pg-cluster: no PostgreSQL 15 server (apt install postgresql-15; tools/deps.sh --test does)" >&2
  exit 3
fi
[ $# -eq 2 ] || { echo "usage: $0 start|stop DIR" >&2; exit 2; }
dir=$(realpath -m "$2")

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$1" in
  start)
    mkdir -p "$dir"
    if [ "$(id -u)" -eq 0 ]; then chown postgres:postgres "$dir"; fi
    if [ ! -f "$dir/data/PG_VERSION" ]; then # a cluster stopped earlier starts again with its data
      as_owner "$bin/initdb" -D "$dir/data" -U postgres -A trust --no-sync -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
        { cat "$dir/initdb.log" >&2; exit 1; }
    fi
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-c listen_addresses='' -c unix_socket_directories='$dir' -c fsync=off -c full_page_writes=off" start >/dev/null ||
      { cat "$dir/server.log" >&2; exit 1; }
    echo "$dir"
    ;;
  stop)
    as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    ;;
  *)
    echo "usage: $0 start|stop DIR" >&2
    exit 2
    ;;
esac
