#!/usr/bin/env bash
# Starts the API in the foreground (dependencies come from `npm ci`).
set -euo pipefail
cd "$(dirname "$0")"
exec node src/server.js
