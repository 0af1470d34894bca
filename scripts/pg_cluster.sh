#!/usr/bin/env bash
# Run a command beside a throwaway PostgreSQL cluster (the tests' and the load test's server): initdb under
# build/pg/, listening only on a Unix socket there, fsync off; the command gets the address as
# WEIPIAN_TEST_PG (a libpq connection string without dbname) and the cluster is stopped and removed on exit,
# also on failure or Ctrl-C. The server refuses to run as root, so as root it runs as `postgres` (Debian's
# packages create that user); as anyone else it runs as that user.
# Usage: scripts/pg_cluster.sh COMMAND [ARG...]      (PG_BINDIR=/usr/lib/postgresql/N/bin to pick a version)
set -euo pipefail
cd "$(dirname "$0")/.."

bindir=${PG_BINDIR:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
[ -x "$bindir/initdb" ] || { echo "pg_cluster.sh: no PostgreSQL server found (make setup installs it)" >&2; exit 2; }

if [ "$(id -u)" = 0 ]; then
  owner=postgres
  id -u "$owner" >/dev/null 2>&1 || { echo "pg_cluster.sh: no '$owner' user (make setup installs PostgreSQL)" >&2; exit 2; }
  as_owner() { runuser -u "$owner" -- "$@"; }
else
  owner=$(id -un)
  as_owner() { "$@"; }
fi

# Clusters of runs that were killed outright (no trap ran) are stopped and removed first.
mkdir -p build/pg
for stale in build/pg/*/; do
  [ -f "$stale/runner.pid" ] || continue
  if ! kill -0 "$(cat "$stale/runner.pid")" 2>/dev/null; then
    as_owner "$bindir/pg_ctl" -D "$stale/data" stop -m immediate >/dev/null 2>&1 || true
    rm -rf "$stale"
  fi
done

base=$(realpath "$(mktemp -d build/pg/run.XXXXXX)")
echo $$ > "$base/runner.pid"
mkdir "$base/data" "$base/socket"
chmod 755 "$base"
if [ "$(id -u)" = 0 ]; then
  chown "$owner" "$base/data" "$base/socket"
  as_owner test -x "$base" || { echo "pg_cluster.sh: user $owner cannot reach $base (a parent directory is private)" >&2; exit 2; }
fi

stop() {
  as_owner "$bindir/pg_ctl" -D "$base/data" stop -m immediate >/dev/null 2>&1 || true
  rm -rf "$base"
}
trap stop EXIT
trap 'exit 130' INT TERM

# Only the socket is listened on; the port names it, so pick one free on loopback too in case TCP is enabled.
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
as_owner "$bindir/initdb" -D "$base/data" -U "$owner" --auth=trust --encoding=UTF8 --locale=C.UTF-8 \
  >"$base/initdb.log" 2>&1 || { cat "$base/initdb.log" >&2; exit 1; }
# mmap for dynamic shared memory: a chroot (make test-ltr) binds /dev but not the host's /dev/shm.
cat >>"$base/data/postgresql.conf" <<EOF
listen_addresses = ''
port = $port
unix_socket_directories = '$base/socket'
fsync = off
synchronous_commit = off
full_page_writes = off
dynamic_shared_memory_type = mmap
max_connections = 200
EOF
as_owner "$bindir/pg_ctl" -D "$base/data" -l "$base/data/server.log" -w -t 60 start >/dev/null \
  || { cat "$base/data/server.log" >&2; exit 1; }

export WEIPIAN_TEST_PG="host=$base/socket port=$port user=$owner"
echo "pg_cluster.sh: PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') at $WEIPIAN_TEST_PG"
# Not exec: the trap must run after the command.
"$@"
