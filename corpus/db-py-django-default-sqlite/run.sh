#!/usr/bin/env bash
# Create the schema, then serve the API in the foreground on port 8080.
set -euo pipefail
cd "$(dirname "$0")"
python manage.py migrate --noinput
exec python manage.py runserver 0.0.0.0:8080 --noreload
