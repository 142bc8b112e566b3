#!/bin/sh
# The official redis image's entrypoint, in short: options alone mean redis-server with those
# options, and the server drops from root to the redis user.
set -eu
case "${1:-}" in -*) set -- redis-server "$@" ;; esac
case "${1:-}" in redis-server|valkey-server) is_server=1 ;; *) is_server= ;; esac
if [ -n "$is_server" ] && [ "$(id -u)" = 0 ]; then
  chown -R redis:redis /data
  exec setpriv --reuid=redis --regid=redis --init-groups "$0" "$@"
fi
exec "$@"
