#!/bin/bash
# The parts of the official mysql image's entrypoint that aspirec's outputs rely on:
# - MYSQL_ROOT_PASSWORD (required), for root@localhost and root@'%' (MYSQL_ROOT_HOST, default %);
#   MYSQL_DATABASE, created when set;
# - on an empty data directory only: a server without networking (so that the health check
#   `mysqladmin ping -h 127.0.0.1` fails until initialisation is over) runs every
#   /docker-entrypoint-initdb.d/*.sql, *.sql.gz and *.sh in name order; then the real server starts.
set -Eeuo pipefail

if [ "${1:0:1}" = - ]; then set -- mysqld "$@"; fi
case "$1" in mysqld|mariadbd) ;; *) exec "$@" ;; esac

datadir=/var/lib/mysql
socket=/run/mysqld/mysqld.sock
mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld "$datadir"

if [ ! -d "$datadir/mysql" ]; then
  if [ -z "${MYSQL_ROOT_PASSWORD:-}" ]; then
    echo "error: database is uninitialized and MYSQL_ROOT_PASSWORD is not set" >&2
    exit 1
  fi
  mariadb-install-db --user=mysql --datadir="$datadir" --skip-test-db \
    --auth-root-authentication-method=normal >/dev/null
  mariadbd --user=mysql --datadir="$datadir" --skip-networking --socket="$socket" &
  pid=$!
  for _ in $(seq 60); do mariadb-admin --socket="$socket" -uroot ping >/dev/null 2>&1 && break; sleep 1; done

  # SQL string literal of $1: backslashes and single quotes escaped.
  sql_string() { local s=${1//\\/\\\\}; printf "'%s'" "${s//\'/\\\'}"; }
  pw=$(sql_string "$MYSQL_ROOT_PASSWORD")
  host=$(sql_string "${MYSQL_ROOT_HOST:-%}")
  {
    echo "ALTER USER 'root'@'localhost' IDENTIFIED BY $pw;"
    echo "CREATE USER 'root'@$host IDENTIFIED BY $pw;"
    echo "GRANT ALL ON *.* TO 'root'@$host WITH GRANT OPTION;"
    if [ -n "${MYSQL_DATABASE:-}" ]; then echo "CREATE DATABASE IF NOT EXISTS \`${MYSQL_DATABASE//\`/\`\`}\`;"; fi
  } | mariadb --socket="$socket" -uroot
  export MYSQL_PWD=$MYSQL_ROOT_PASSWORD   # read by the mariadb client: no quoting
  # shellcheck disable=SC1090  # the init scripts are the user's
  for f in /docker-entrypoint-initdb.d/*; do
    case "$f" in
      *.sh) echo "running $f"; if [ -x "$f" ]; then "$f"; else . "$f"; fi ;;
      *.sql) echo "running $f"; mariadb --socket="$socket" -uroot ${MYSQL_DATABASE:+"$MYSQL_DATABASE"} <"$f" ;;
      *.sql.gz) echo "running $f"; gunzip -c "$f" | mariadb --socket="$socket" -uroot ${MYSQL_DATABASE:+"$MYSQL_DATABASE"} ;;
      *) [ ! -e "$f" ] || echo "ignoring $f" ;;
    esac
  done
  mariadb-admin --socket="$socket" -uroot shutdown
  wait "$pid" || true
  unset MYSQL_PWD
  echo "MySQL (MariaDB) init process complete; ready for start up."
fi

exec mariadbd --user=mysql --datadir="$datadir" "${@:2}"
