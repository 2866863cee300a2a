#!/usr/bin/env bash
# npm packages the tests use (Node clients and servers this project did not write): installs into
# .tools/node_modules what .tools/package.json lists, when any of it is missing. Add a package by
# adding it to .tools/package.json.
set -euo pipefail
cd "$(dirname "$0")/../.."

if ! command -v npm >/dev/null 2>&1 || ! command -v node >/dev/null 2>&1; then
    echo "[setup] node/npm not found: the tests that need Node packages will fail (install Node 20+)" >&2
    exit 0
fi

missing=$(node -e '
    const fs = require("fs"), path = require("path");
    const pkg = JSON.parse(fs.readFileSync(".tools/package.json", "utf8"));
    const names = Object.keys(pkg.dependencies || {});
    console.log(names.filter(n => !fs.existsSync(path.join(".tools", "node_modules", n, "package.json"))).join(" "));
')
if [ -z "$missing" ]; then
    exit 0
fi
echo "[setup] npm install into .tools/: $missing"
npm install --prefix .tools --no-audit --no-fund --loglevel=error
