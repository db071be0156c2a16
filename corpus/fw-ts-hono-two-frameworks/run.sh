#!/bin/sh
# Serve the Hono API on port 3000 in the foreground.
set -e
cd "$(dirname "$0")"
exec npx tsx src/index.ts
