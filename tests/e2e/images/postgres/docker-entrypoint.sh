#!/bin/bash
# The parts of the official postgres image's entrypoint that aspirec's outputs rely on:
# - POSTGRES_PASSWORD (required unless POSTGRES_HOST_AUTH_METHOD=trust), POSTGRES_USER (default
#   postgres), POSTGRES_DB (default: the user), POSTGRES_INITDB_ARGS (word-split into initdb's
#   arguments), POSTGRES_HOST_AUTH_METHOD (the pg_hba.conf method for TCP clients, default
#   scram-sha-256);
# - on an empty data directory only: initdb, then a server listening on the Unix socket only (so
#   that the health check `pg_isready -h 127.0.0.1` fails until initialisation is over) runs every
#   /docker-entrypoint-initdb.d/*.sql, *.sql.gz and *.sh in name order (*.sh sourced, or run when
#   executable), as POSTGRES_USER in POSTGRES_DB; then the real server starts;
# - it runs as root, prepares the directories, and drops to the postgres user.
set -Eeuo pipefail

if [ "${1:0:1}" = - ]; then set -- postgres "$@"; fi
if [ "$1" != postgres ]; then exec "$@"; fi

if [ "$(id -u)" = 0 ]; then
  mkdir -p "$PGDATA" /var/run/postgresql
  chown postgres:postgres "$PGDATA" /var/run/postgresql
  chmod 700 "$PGDATA"
  exec setpriv --reuid=postgres --regid=postgres --init-groups "$0" "$@"
fi

psql_run() { psql -v ON_ERROR_STOP=1 --no-password --no-psqlrc --username "$POSTGRES_USER" "$@"; }

if [ ! -s "$PGDATA/PG_VERSION" ]; then
  export POSTGRES_USER=${POSTGRES_USER:-postgres}
  export POSTGRES_DB=${POSTGRES_DB:-$POSTGRES_USER}
  auth=${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}
  if [ -z "${POSTGRES_PASSWORD:-}" ] && [ "$auth" != trust ]; then
    echo "error: database is uninitialized and POSTGRES_PASSWORD is not set" >&2
    exit 1
  fi
  # initdb takes the password from a file, so no character of it is ever parsed by a shell.
  eval 'initdb --username="$POSTGRES_USER" --pwfile=<(printf "%s\n" "${POSTGRES_PASSWORD:-}") '"${POSTGRES_INITDB_ARGS:-}"
  printf '\nhost all all all %s\n' "$auth" >>"$PGDATA/pg_hba.conf"
  printf "\nlisten_addresses = '*'\n" >>"$PGDATA/postgresql.conf"

  # The initialisation server: no TCP, so nothing outside sees it as ready.
  export PGPASSWORD=${POSTGRES_PASSWORD:-}
  pg_ctl -D "$PGDATA" -o "-c listen_addresses=''" -w start
  if [ "$POSTGRES_DB" != postgres ]; then
    echo 'CREATE DATABASE :"db";' | psql_run --dbname postgres -v db="$POSTGRES_DB"
  fi
  # shellcheck disable=SC1090  # the init scripts are the user's
  for f in /docker-entrypoint-initdb.d/*; do
    case "$f" in
      *.sh)
        if [ -x "$f" ]; then echo "running $f"; "$f"; else echo "sourcing $f"; . "$f"; fi ;;
      *.sql) echo "running $f"; psql_run --dbname "$POSTGRES_DB" -f "$f" ;;
      *.sql.gz) echo "running $f"; gunzip -c "$f" | psql_run --dbname "$POSTGRES_DB" ;;
      *) [ ! -e "$f" ] || echo "ignoring $f" ;;
    esac
  done
  pg_ctl -D "$PGDATA" -m fast -w stop
  unset PGPASSWORD
  echo "PostgreSQL init process complete; ready for start up."
fi

exec "$@"
