#!/usr/bin/env bash
# Headless Chromium (Debian's chromium): a client peer of the interoperability tests.
set -euo pipefail
cd "$(dirname "$0")"
source ./common.sh.inc
if command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; then
    exit 0
fi
apt_install chromium
