#!/usr/bin/env bash
# Python's `websockets` package (Debian's python3-websockets, for /usr/bin/python3): client and
# server peer of the interoperability tests.
set -euo pipefail
cd "$(dirname "$0")"
source ./common.sh.inc
apt_install python3 python3-websockets
