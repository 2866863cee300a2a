#!/usr/bin/env bash
# Headless Chromium and its WebDriver for the browser tests of sample-app
# (/usr/bin/chromium, /usr/bin/chromedriver), and an emoji font for what the screenshots show,
# from Debian's packages.
set -euo pipefail
cd "$(dirname "$0")"
source ./common.sh.inc
apt_install chromium chromium-driver fonts-noto-color-emoji
