#!/usr/bin/env bash
# Serves the API in the foreground on $PORT (default 8080), with waitress.
set -euo pipefail
cd "$(dirname "$0")"
exec waitress-serve --host=0.0.0.0 --port="${PORT:-8080}" --call app:create_app
