#!/usr/bin/env bash
set -euo pipefail
cd "$(dirname "$0")"
exec flask --app app.factory:create_app run --host 0.0.0.0 --port 8080
