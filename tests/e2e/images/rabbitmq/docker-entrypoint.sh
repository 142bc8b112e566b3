#!/bin/bash
# The parts of the official rabbitmq image that aspirec's outputs rely on:
# - RABBITMQ_DEFAULT_USER / RABBITMQ_DEFAULT_PASS: the user created on the first start (default
#   guest/guest), allowed to connect from other hosts (the official image clears loopback_users);
# - the management plugin on 15672 (the -management tags);
# - data in /var/lib/rabbitmq, logs on stdout, and `rabbitmq-diagnostics` on PATH for the health
#   check (run as root by Docker; Debian's wrapper switches to the rabbitmq user and its cookie).
set -Eeuo pipefail

if [ "${1:-}" != rabbitmq-server ]; then exec "$@"; fi

# An Erlang binary of the bytes of $1 (<<103,117,...>>): no character of a password needs quoting.
erlang_binary() {
  printf '<<%s>>' "$(printf '%s' "$1" | od -An -tu1 -v | tr -s ' \n' '  ' | sed 's/^ *//; s/ *$//; s/ /,/g')"
}

if [ "$(id -u)" = 0 ]; then
  cookie=/var/lib/rabbitmq/.erlang.cookie
  if [ ! -s "$cookie" ]; then
    head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' | tr a-f A-F >"$cookie"
  fi
  chown -R rabbitmq:rabbitmq /var/lib/rabbitmq
  chmod 400 "$cookie"
  # CLI tools run by root (the health check) find the same cookie.
  install -m 400 "$cookie" /root/.erlang.cookie
  printf '[{rabbit, [{default_user, %s}, {default_pass, %s}, {loopback_users, []}]}].\n' \
    "$(erlang_binary "${RABBITMQ_DEFAULT_USER:-guest}")" "$(erlang_binary "${RABBITMQ_DEFAULT_PASS:-guest}")" \
    >/etc/rabbitmq/advanced.config
  chown root:rabbitmq /etc/rabbitmq/advanced.config && chmod 640 /etc/rabbitmq/advanced.config
  echo '[rabbitmq_management].' >/etc/rabbitmq/enabled_plugins
  cd /var/lib/rabbitmq
  exec setpriv --reuid=rabbitmq --regid=rabbitmq --init-groups env HOME=/var/lib/rabbitmq "$0" "$@"
fi

exec /usr/lib/rabbitmq/bin/rabbitmq-server
