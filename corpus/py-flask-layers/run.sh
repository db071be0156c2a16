#!/usr/bin/env bash
# Serve the API in the foreground on port 8080 (the schema is created by create_app()).
set -euo pipefail
cd "$(dirname "$0")"
exec gunicorn --bind 0.0.0.0:8080 --workers 2 "wsgi:app"
