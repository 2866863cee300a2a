#!/usr/bin/env bash
# Node's `ws` package (client and server peer of the interoperability tests), installed into .tools/.
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ -f .tools/node_modules/ws/package.json ]; then
    exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
    echo "[setup] npm not found: the Node 'ws' interop tests will fail until Node.js and npm are installed" >&2
    exit 0
fi
mkdir -p .tools
npm install --prefix .tools --no-audit --no-fund --silent ws@8
