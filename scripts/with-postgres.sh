#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL cluster, then remove the cluster.
#
#   scripts/with-postgres.sh .venv/bin/pytest -m "not browser" -q
#
# The command sees TEST_DATABASE_URL pointing at an empty database, grantsfund_test, and PGBIN, the
# directory of the server's own tools (pg_dump, pg_restore). Without PostgreSQL installed this skips
# (exit 0), except under CI=true or POSTGRES_REQUIRED=true (the drills), where it fails.
set -euo pipefail

if [ "$#" -eq 0 ]; then
  echo "usage: $0 COMMAND [ARG...]" >&2
  exit 2
fi

PGBIN=""
if [ -x /usr/lib/postgresql/15/bin/initdb ]; then
  PGBIN=/usr/lib/postgresql/15/bin
else
  for candidate in /usr/lib/postgresql/*/bin/initdb; do
    if [ -x "$candidate" ]; then
      PGBIN=$(dirname "$candidate")
    fi
  done
fi

if [ -z "$PGBIN" ]; then
  if [ "${CI:-}" = "true" ] || [ "${POSTGRES_REQUIRED:-}" = "true" ]; then
    echo "PostgreSQL not installed (no /usr/lib/postgresql/*/bin/initdb): the PostgreSQL run is required." >&2
    echo "Install it with 'make system-packages' (as root on Debian) or 'apt-get install postgresql'." >&2
    exit 1
  fi
  echo "PostgreSQL not installed: skipping the PostgreSQL run"
  exit 0
fi

# initdb refuses to run as root, so as root the cluster belongs to the postgres user.
as_owner() {
  if [ "$(id -u)" = 0 ]; then
    su postgres -s /bin/sh -c "$1"
  else
    /bin/sh -c "$1"
  fi
}

PGTMP=$(mktemp -d -t pgtest.XXXXXX)
STARTED=0
cleanup() {
  if [ "$STARTED" = 1 ]; then
    as_owner "'$PGBIN/pg_ctl' -D '$PGTMP/data' -m immediate -w stop >/dev/null" || true
  fi
  rm -rf "$PGTMP"
}
trap cleanup EXIT
if [ "$(id -u)" = 0 ]; then
  chown postgres:postgres "$PGTMP"
fi

PYTHON=$(command -v python3 || command -v python)
PORT=$("$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')

if ! as_owner "'$PGBIN/initdb' -D '$PGTMP/data' -U postgres -A trust -E UTF8 --no-locale --no-sync -N >'$PGTMP/initdb.log' 2>&1"; then
  echo "initdb failed:" >&2
  cat "$PGTMP/initdb.log" >&2
  exit 1
fi
STARTED=1
if ! as_owner "'$PGBIN/pg_ctl' -D '$PGTMP/data' -l '$PGTMP/pg.log' -w -t 30 -o '-c listen_addresses=127.0.0.1 -p $PORT -k $PGTMP -c fsync=off -c synchronous_commit=off -c full_page_writes=off' start >/dev/null"; then
  echo "PostgreSQL did not start:" >&2
  cat "$PGTMP/pg.log" >&2
  exit 1
fi
as_owner "'$PGBIN/createdb' -h 127.0.0.1 -p $PORT -U postgres grantsfund_test"

export TEST_DATABASE_URL="postgresql+psycopg://postgres@127.0.0.1:$PORT/grantsfund_test"
export PGBIN
echo "PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') on port $PORT"

status=0
"$@" || status=$?
exit "$status"
