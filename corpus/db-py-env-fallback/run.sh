#!/usr/bin/env bash
# Serve the API in the foreground on port 8080; the tables are created at start-up.
set -euo pipefail
cd "$(dirname "$0")"
exec uvicorn app.main:app --host 0.0.0.0 --port 8080
