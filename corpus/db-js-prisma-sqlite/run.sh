#!/bin/sh
# Create the SQLite schema from prisma/schema.prisma, then serve on port 3000 in the foreground.
set -e
cd "$(dirname "$0")"
export DATABASE_URL="${DATABASE_URL:-file:./dev.db}"
npx prisma db push --skip-generate
exec node src/server.js
