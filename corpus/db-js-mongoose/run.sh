#!/bin/sh
# Serve the API on port 3000 in the foreground (MongoDB creates collections on first write).
set -e
cd "$(dirname "$0")"
exec node src/server.js
