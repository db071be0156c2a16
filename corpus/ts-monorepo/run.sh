#!/usr/bin/env bash
# Runs the API workspace in the foreground on port 3000.
set -euo pipefail
cd "$(dirname "$0")"
[ -d node_modules ] || npm install
exec npm start
