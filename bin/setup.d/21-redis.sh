#!/usr/bin/env bash
# Redis (redis-server, redis-cli, redis-benchmark) for the cluster tests of websocket-redis and
# sample-app, from Debian's packages. The tests start their own server on a free loopback port;
# the service the package installs is not used and is stopped when the package starts it.
set -euo pipefail
cd "$(dirname "$0")"
source ./common.sh.inc
if ! command -v redis-server >/dev/null 2>&1; then
    apt_install redis-server redis-tools
    # the package's own service binds 6379; the tests never use it
    if command -v systemctl >/dev/null 2>&1; then systemctl stop redis-server >/dev/null 2>&1 || true; fi
    if command -v service >/dev/null 2>&1; then service redis-server stop >/dev/null 2>&1 || true; fi
fi
