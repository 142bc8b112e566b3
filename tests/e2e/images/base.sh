#!/usr/bin/env bash
# Trims the debootstrapped base rootfs (DIR) before it is imported: documentation, and the data
# directories the Debian packages initialised at install time. The stand-ins initialise their own
# data on first start, in the paths the official images use, as the official images do.
set -euo pipefail
dir=$1
rm -rf "$dir"/usr/share/doc/* "$dir"/usr/share/man/* "$dir"/usr/share/info/* "$dir"/usr/share/i18n \
  "$dir"/usr/share/locale/* "$dir"/var/cache/debconf/*-old "$dir"/var/log/*.log
rm -rf "$dir"/var/lib/postgresql/15 "$dir"/etc/postgresql/15 "$dir"/var/lib/mysql/* "$dir"/var/lib/rabbitmq/mnesia/*
