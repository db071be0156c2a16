#!/usr/bin/env bash
# tsx honours the tsconfig "paths" aliases at run time, so no build step is needed.
set -euo pipefail
cd "$(dirname "$0")"
[ -d node_modules ] || npm install
exec npx tsx src/server.ts
