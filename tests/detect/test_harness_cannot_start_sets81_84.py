"""Applications that cannot start in the paper's harness, from the eighty-first to eighty-fourth sets (issue 18,
docs/accuracy.md "Start-up stops of the eighty-first to eighty-fourth sets"), each with a clean near-miss:

- a Cloudflare Worker whose wrangler.toml is kept out of the repository, an example of it committed in its
  place (`wrangler.toml.sample`): the example is as much a sign as the file, nothing listens under Node;
- a key file read at start-up through a path built from the module's own folder (`fs.readFileSync(path.resolve(
  __dirname, "../../keys/private.pem"))`) that the project's .gitignore keeps out: it throws ENOENT;
- a Django URL module handing `static()` a prefix the settings never set (`static(settings.MEDIA_URL, …)`
  with no MEDIA_URL: Django's default '' raises ImproperlyConfigured as the URLconf is imported).

The projects are small synthetic ones written for these tests."""

from __future__ import annotations

import pytest
from reports import MakeProject, check, database_status, only

from cdverify.detect.database import PAPER_ENVIRONMENT, in_harness
from cdverify.pipeline import inspect


def _stops(make_project: MakeProject, files: dict[str, str | bytes]) -> list[str]:
    database = inspect(make_project(files), use_cache=False).analysis.database
    return [stop.describe() for stop in database.stops if stop.stops({})]


# -- a Cloudflare Worker configured by an example of wrangler.toml -------------------------------------------

WORKER_PACKAGE = """{
  "name": "notes",
  "scripts": SCRIPTS,
  "dependencies": {"hono": "4", "drizzle-orm": "0.30"},
  "devDependencies": {"wrangler": "3", "@cloudflare/workers-types": "4"}
}
"""
WORKER = """import { Hono } from 'hono';
import { drizzle } from 'drizzle-orm/d1';
import { notes } from './db/schema';

const app = new Hono<{ Bindings: { DB: D1Database } }>();

app.get('/notes', async (c) => c.json(await drizzle(c.env.DB).select().from(notes)));

export default app;
"""
WORKER_SCHEMA = """import { sqliteTable, integer, text } from 'drizzle-orm/sqlite-core';

export const notes = sqliteTable('notes', { id: integer('id').primaryKey(), body: text('body') });
"""
WRANGLER_SAMPLE = 'name = ""\nmain = "src/index.ts"\n\n[[d1_databases]]\nbinding = "DB"\ndatabase_id = ""\n'
NODE_SERVER = """import { serve } from '@hono/node-server';
import app from './index';

serve({ fetch: app.fetch, port: 3000 });
"""


def _worker(scripts: str, example: str = "wrangler.toml.sample", **more: str) -> dict[str, str | bytes]:
    return {
        "package.json": WORKER_PACKAGE.replace("SCRIPTS", scripts),
        ".gitignore": "node_modules\nwrangler.toml\n",
        example: WRANGLER_SAMPLE,
        "src/index.ts": WORKER,
        "src/db/schema.ts": WORKER_SCHEMA,
        **more,
    }


@pytest.mark.parametrize("example", ["wrangler.toml.sample", "wrangler.toml.example"])
def test_a_worker_configured_by_an_example_of_wrangler_toml_starts_no_server(
    make_project: MakeProject, example: str
) -> None:
    files = _worker('{"dev": "wrangler dev src/index.ts", "deploy": "wrangler deploy src/index.ts"}', example)
    (stop,) = _stops(make_project, files)
    assert f"runs Cloudflare Workers (wrangler) ({example}): the application starts no server" in stop


@pytest.mark.parametrize(
    "files",
    [
        # a Node entry the start script runs, serving the same app
        _worker('{"dev": "wrangler dev", "start": "tsx src/server.ts"}', **{"src/server.ts": NODE_SERVER}),
        # an example of another file: nothing says the project is configured for wrangler
        _worker('{"dev": "wrangler dev"}', "wrangler.sample.txt"),
    ],
)
def test_a_worker_example_beside_a_node_server_or_no_example_is_no_stop(
    make_project: MakeProject, files: dict[str, str | bytes]
) -> None:
    assert _stops(make_project, files) == []


# -- a key file read through a path built from the module's folder, git-ignored ---------------------------------

NODE_TASK = "express-openapi-postgres"
KEY_PACKAGE = '{"name": "admin", "main": "src/index.ts", "scripts": {"start": "ts-node src/index.ts"}, ' + (
    '"dependencies": {"express": "4", "pg": "8"}, "devDependencies": {"ts-node": "10", "typescript": "5"}}'
)
KEY_INDEX = """import express from 'express';
import { Pool } from 'pg';
import { PRIVATE_KEY } from './app/config';

const pool = new Pool({ connectionString: process.env.DATABASE_URL || 'postgresql://u:p@postgres:5432/admin' });
const app = express();
app.get('/health', async (req, res) => res.json({ ok: (await pool.query('SELECT 1')).rows, key: !!PRIVATE_KEY }));
app.listen(3000);
"""
KEY_CONFIG = """import fs from 'fs';
import path from 'path';

READ
"""
RESOLVE = "export const PRIVATE_KEY = fs.readFileSync(path.resolve(__dirname, '../../keys/private.pem'));"


def _keyed(read: str = RESOLVE, **extra: str) -> dict[str, str | bytes]:
    return {
        "package.json": KEY_PACKAGE,
        ".gitignore": "node_modules\n/keys\n",
        "src/index.ts": KEY_INDEX,
        "src/app/config.ts": KEY_CONFIG.replace("READ", read),
        **extra,
    }


@pytest.mark.parametrize(
    "read",
    [
        RESOLVE,
        "export const PRIVATE_KEY = fs.readFileSync(path.join(__dirname, '..', '..', 'keys', 'private.pem'));",
        "export const PRIVATE_KEY = fs.readFileSync(`${__dirname}/../../keys/private.pem`);",
    ],
)
def test_a_git_ignored_key_read_from_the_modules_folder_stops_the_app(
    make_project: MakeProject, read: str
) -> None:
    db001 = only(check(make_project, _keyed(read), NODE_TASK), "DB001")
    assert db001["harness_engines"] == []
    assert (
        "reads keys/private.pem, which the project does not ship (.gitignore ignores keys/private.pem)"
        in db001["message"]
    )


@pytest.mark.parametrize(
    "files",
    [
        _keyed(**{"keys/private.pem": "-----BEGIN PRIVATE KEY-----\n"}),  # the key is committed
        _keyed() | {".gitignore": "node_modules\n"},  # not ignored: a build output may hold it
        _keyed(
            RESOLVE.replace("'../../keys/private.pem'", "process.env.KEY_FILE || 'private.pem'")
        ),  # computed
        _keyed(  # the application writes it first
            "fs.writeFileSync(path.resolve(__dirname, '../../keys/private.pem'), 'generated');\n" + RESOLVE
        ),
        _keyed(  # checked first
            "export const PRIVATE_KEY = fs.existsSync(path.resolve(__dirname, '../../keys/private.pem'))"
            " ? fs.readFileSync(path.resolve(__dirname, '../../keys/private.pem')) : 'dev';"
        ),
    ],
)
def test_a_key_read_that_may_find_its_file_claims_nothing(
    make_project: MakeProject, files: dict[str, str | bytes]
) -> None:
    assert database_status(check(make_project, files, NODE_TASK)) == "pass"


# -- Django's static() handed a prefix the settings never set --------------------------------------------------

MANAGE = """import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "site_conf.settings")
    from django.core.management import execute_from_command_line
    execute_from_command_line(sys.argv)
"""
SETTINGS = """from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
SECRET_KEY = "dev-only"
DEBUG = True
INSTALLED_APPS = ["django.contrib.auth", "django.contrib.contenttypes"]
ROOT_URLCONF = "site_conf.urls"
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": BASE_DIR / "db.sqlite3"}}
STATIC_URL = "static/"
MORE
"""
URLS = """from django.conf import settings
from django.conf.urls.static import static
from django.http import JsonResponse
from django.urls import path

urlpatterns = [path("health/", lambda request: JsonResponse({"ok": True}))]
STATIC
"""
MEDIA = "urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)"


def _site(more: str = "", static: str = MEDIA) -> dict[str, str | bytes]:
    return {
        "requirements.txt": "django\n",
        "manage.py": MANAGE,
        "site_conf/__init__.py": "",
        "site_conf/settings.py": SETTINGS.replace("MORE", more),
        "site_conf/urls.py": URLS.replace("STATIC", static),
        "site_conf/media.py": 'MEDIA_URL = "/media/"\n',
    }


def _harness(make_project: MakeProject, files: dict[str, str | bytes]) -> tuple[list[str], str]:
    database = inspect(make_project(files), use_cache=False).analysis.database
    found = in_harness(database, PAPER_ENVIRONMENT)
    return found.engines, found.stopped[0].describe() if found.stopped else ""


@pytest.mark.parametrize(
    "static",
    [
        MEDIA,
        "urlpatterns = urlpatterns + static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)",
    ],
)
def test_static_of_a_media_url_the_settings_never_set_stops_the_app(
    make_project: MakeProject, static: str
) -> None:
    engines, why = _harness(make_project, _site(static=static))
    assert engines == []
    assert "site_conf/urls.py:7 raises ImproperlyConfigured (Empty static prefix not permitted)" in why
    assert "never set MEDIA_URL" in why


@pytest.mark.parametrize(
    ("more", "static"),
    [
        ('MEDIA_URL = "/media/"\nMEDIA_ROOT = BASE_DIR / "media"', MEDIA),  # set
        ('import os\n\nMEDIA_URL = os.environ.get("MEDIA_URL", "/media/")', MEDIA),  # set with a default
        ("", "urlpatterns += static(settings.STATIC_URL, document_root=settings.STATIC_ROOT)"),  # set above
        ("", "if settings.DEBUG:\n    urlpatterns += static(settings.MEDIA_URL)"),  # under an `if`
        ("from .media import *", MEDIA),  # a module the settings import may set it
        ("", "urlpatterns += static('/media/', document_root='media')"),  # a literal prefix
    ],
)
def test_static_of_a_prefix_that_may_be_set_runs_on_sqlite(
    make_project: MakeProject, more: str, static: str
) -> None:
    assert _harness(make_project, _site(more, static)) == (["sqlite"], "")
