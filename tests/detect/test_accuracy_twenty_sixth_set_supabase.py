"""Supabase clients, a pattern of the twenty-sixth unseen labelled set (issue 18, docs/accuracy.md "Supabase
clients"), each with a violating and a clean project written for the test:

- a Supabase client (`createClient(url, key)` of @supabase/supabase-js, `create_client(url, key)` of supabase-py)
  reaches PostgreSQL: it is a connection of the PostgreSQL engine, whatever its https:// project URL, and the
  module creating it at module level owns the connection (the repositories layer by its code), so a request
  handler importing it bypasses the services; one that goes through a service does not.
- without a URL the client throws as it is made ("supabaseUrl is required.", SupabaseException "supabase_url is
  required"): a URL only an unset variable gives means the application cannot start in the paper's harness; a
  fallback in code starts it.
- the SDK is a data-access library used directly (kind driver, as the table stores' SDKs): beside the required
  ORM it is ORM003; an import of its PostgREST exceptions alone is not. Its query builder (`.from().select()`,
  `.rpc("fn")`) runs no SQL text of the application: no raw SQL site.
- a client handed in by type (`client: Client` of supabase-py, `SupabaseClient` of supabase-js) is that client:
  the class querying through it is data access.
"""

from __future__ import annotations

from reports import (
    MakeProject,
    check,
    database_status,
    evidence_of,
    findings_of,
    inspect_json,
    layer_violations,
    layers_of,
    only,
)

PG_TASK = "express-openapi-postgres"
PY_PG_TASK = "python-fastapi-openapi-postgres-sqlalchemy"

JS_PACKAGE = (
    '{"name": "shelf", "main": "src/server.js", "scripts": {"start": "node src/server.js"}, '
    '"dependencies": {"express": "4.19.2", "@supabase/supabase-js": "2.45.0"}}'
)
JS_SERVER = """const express = require('express');
const books = require('./routes/books');

const app = express();
app.use(express.json());
app.use('/api/books', books);
app.listen(3000);
"""
JS_CLIENT = """const { createClient } = require('@supabase/supabase-js');

const client = createClient(URL, process.env.SUPABASE_KEY || 'anon');

module.exports = client;
"""
JS_ROUTES = """const express = require('express');
const books = require('../controllers/books');

const router = express.Router();
router.get('/', books.list);
router.post('/', books.create);
module.exports = router;
"""
# the controller queries inline through the client module
JS_CONTROLLER_INLINE = """const client = require('../db/client');

async function list(req, res) {
  const { data, error } = await client.from('books').select('*').order('title');
  if (error) return res.status(500).json({ error: error.message });
  res.json(data);
}

async function create(req, res) {
  const { data, error } = await client.from('books').insert(req.body).select().single();
  if (error) return res.status(400).json({ error: error.message });
  res.status(201).json(data);
}

module.exports = { list, create };
"""
# the controller goes through a service, which uses the client module
JS_CONTROLLER_LAYERED = """const service = require('../services/books');

async function list(req, res) {
  res.json(await service.list());
}

async function create(req, res) {
  res.status(201).json(await service.create(req.body));
}

module.exports = { list, create };
"""
JS_SERVICE = """const client = require('../db/client');

async function list() {
  const { data } = await client.from('books').select('*');
  return data;
}

async function create(book) {
  const { data } = await client.rpc('add_book', { title: book.title });
  return data;
}

module.exports = { list, create };
"""


def _js(layered: bool, url: str = "process.env.SUPABASE_URL") -> dict[str, str | bytes]:
    files: dict[str, str | bytes] = {
        "package.json": JS_PACKAGE,
        "src/server.js": JS_SERVER,
        "src/db/client.js": JS_CLIENT.replace("URL", url),
        "src/routes/books.js": JS_ROUTES,
        "src/controllers/books.js": JS_CONTROLLER_LAYERED if layered else JS_CONTROLLER_INLINE,
    }
    if layered:
        files["src/services/books.js"] = JS_SERVICE
    return files


def test_a_supabase_js_client_module_is_data_access_and_its_import_a_bypass(
    make_project: MakeProject,
) -> None:
    report = inspect_json(make_project, _js(layered=False))
    assert layers_of(report)["src/db/client.js"] == "repositories"
    assert evidence_of(report)["src/db/client.js"] == "code: queries"
    assert layer_violations(report) == [("bypass", "src/controllers/books.js", "src/db/client.js")]
    assert report["database"]["engines"] == ["postgresql"]
    (item,) = report["database"]["evidence"]
    assert (item["file"], item["detail"]) == ("src/db/client.js", "driver @supabase/supabase-js.createClient")
    assert report["orm"]["libraries"] == ["supabase"]
    assert report["orm"]["kinds"] == {"supabase": "driver"}
    assert report["orm"]["raw_sql"] == []


def test_a_supabase_js_client_reached_through_a_service_is_no_bypass(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _js(layered=True))
    layers = layers_of(report)
    assert (layers["src/db/client.js"], layers["src/services/books.js"]) == ("repositories", "services")
    assert layer_violations(report) == []
    assert report["orm"]["raw_sql"] == []  # `.rpc('add_book', …)` calls a stored function: no SQL text


def test_a_supabase_url_only_an_unset_variable_gives_stops_the_app(make_project: MakeProject) -> None:
    db001 = only(check(make_project, _js(layered=True), PG_TASK), "DB001")
    assert db001["harness_engines"] == []
    assert "needs $SUPABASE_URL, which is unset there" in db001["message"]


def test_a_supabase_url_with_a_fallback_in_code_starts(make_project: MakeProject) -> None:
    files = _js(layered=True, url="process.env.SUPABASE_URL || 'https://demo.supabase.co'")
    report = check(make_project, files, PG_TASK)
    assert findings_of(report, "DB") == []
    assert database_status(report) == "pass"


PY_MAIN = """from fastapi import FastAPI

from app.routers import books

app = FastAPI()
app.include_router(books.router, prefix="/api")
"""
PY_DATABASE = """import os

from supabase import create_client

supabase = create_client(URL, os.getenv("SUPABASE_KEY", "anon"))
"""
PY_ROUTER_INLINE = """from fastapi import APIRouter
from postgrest.exceptions import APIError

from app.database import supabase

router = APIRouter()


@router.get("/books")
def list_books() -> list[dict]:
    try:
        return supabase.table("books").select("*").execute().data
    except APIError:
        return []
"""
PY_ROUTER_LAYERED = """from fastapi import APIRouter

from app.services import books as service

router = APIRouter()


@router.get("/books")
def list_books() -> list[dict]:
    return service.all_books()
"""
PY_SERVICE = """from app.database import supabase


def all_books() -> list[dict]:
    return supabase.rpc("all_books").execute().data
"""


def _py(layered: bool, url: str = 'os.getenv("SUPABASE_URL")') -> dict[str, str | bytes]:
    files: dict[str, str | bytes] = {
        "requirements.txt": "fastapi==0.115.0\nsupabase==2.9.0\n",
        "app/__init__.py": "",
        "app/main.py": PY_MAIN,
        "app/database.py": PY_DATABASE.replace("URL", url),
        "app/routers/__init__.py": "",
        "app/routers/books.py": PY_ROUTER_LAYERED if layered else PY_ROUTER_INLINE,
    }
    if layered:
        files["app/services/__init__.py"] = ""
        files["app/services/books.py"] = PY_SERVICE
    return files


def test_a_supabase_py_client_module_is_data_access_and_its_import_a_bypass(
    make_project: MakeProject,
) -> None:
    report = inspect_json(make_project, _py(layered=False))
    assert layers_of(report)["app/database.py"] == "repositories"
    assert evidence_of(report)["app/database.py"] == "code: queries"
    assert layer_violations(report) == [("bypass", "app/routers/books.py", "app/database.py")]
    assert report["database"]["engines"] == ["postgresql"]
    assert report["orm"]["libraries"] == ["supabase"]
    assert report["orm"]["raw_sql"] == []


def test_a_supabase_py_client_reached_through_a_service_is_no_bypass(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _py(layered=True))
    layers = layers_of(report)
    assert (layers["app/database.py"], layers["app/services/books.py"]) == ("repositories", "services")
    assert layer_violations(report) == []
    assert report["orm"]["raw_sql"] == []


def test_supabase_py_without_its_url_stops_the_app_and_with_a_fallback_starts(
    make_project: MakeProject,
) -> None:
    db001 = only(check(make_project, _py(layered=True), PY_PG_TASK), "DB001")
    assert db001["harness_engines"] == []
    assert "needs $SUPABASE_URL, which is unset there" in db001["message"]
    fallback = _py(layered=True, url='os.getenv("SUPABASE_URL", "https://demo.supabase.co")')
    assert database_status(check(make_project, fallback, PY_PG_TASK)) == "pass"


SA_DB = """from sqlalchemy import create_engine

engine = create_engine("sqlite:///app.db")
"""


def test_supabase_beside_the_orm_is_orm003(make_project: MakeProject) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "sqlalchemy==2.0.31\nsupabase==2.9.0\n",
        "notes/__init__.py": "",
        "notes/db.py": SA_DB,
        "notes/archive.py": "from supabase import create_client\n\n\n"
        "def archived(url: str, key: str) -> list[dict]:\n"
        '    return create_client(url, key).table("archive").select("*").execute().data\n',
    }
    report = check(make_project, files, "sqlite+sqlalchemy")
    assert findings_of(report, "ORM003") == [("ORM003", "notes/archive.py", 1)]
    orm003 = only(report, "ORM003")
    assert (orm003["library"], orm003["kind"]) == ("supabase", "driver")
    assert "a raw database driver, supabase, beside sqlalchemy" in orm003["message"]


def test_catching_postgrest_errors_alone_is_no_orm003(make_project: MakeProject) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "sqlalchemy==2.0.31\n",
        "notes/__init__.py": "",
        "notes/db.py": SA_DB,
        "notes/errors.py": "from postgrest.exceptions import APIError\n\n\n"
        "def upstream(error: Exception) -> bool:\n"
        "    return isinstance(error, APIError)\n",
    }
    report = check(make_project, files, "sqlite+sqlalchemy")
    assert findings_of(report, "ORM003") == []
    assert report["orm"]["libraries"] == ["sqlalchemy"]


PY_STORE = """from supabase import Client


class NoteStore:
    def __init__(self, client: Client) -> None:
        self.client = client

    def all(self) -> list[dict]:
        return self.client.table("notes").select("*").execute().data
"""
PY_FORMAT = """from supabase import Client


def heading(client: Client, title: str) -> str:
    return title.strip().title()
"""


def test_a_class_querying_a_supabase_py_client_handed_in_is_data_access(make_project: MakeProject) -> None:
    files = {**_py(layered=True), "app/store.py": PY_STORE, "app/format.py": PY_FORMAT}
    layers = layers_of(inspect_json(make_project, files))
    assert layers["app/store.py"] == "repositories"
    assert "app/format.py" not in layers  # takes a client, calls nothing on it: no data access


TS_PACKAGE = (
    '{"name": "notes", "dependencies": {"express": "4.19.2", "@supabase/supabase-js": "2.45.0"}, '
    '"devDependencies": {"typescript": "5.4.5"}}'
)
TS_SERVER = """import express from 'express';

import type { NoteStore } from './store';

export function serve(notes: NoteStore) {
  const app = express();
  app.get('/api/notes', async (_req, res) => {
    res.json(await notes.all());
  });
  app.listen(3000);
}
"""
TS_STORE = """import type { SupabaseClient } from '@supabase/supabase-js';

export class NoteStore {
  constructor(private readonly supabase: SupabaseClient) {}

  async all() {
    const { data } = await this.supabase.from('notes').select('*');
    return data ?? [];
  }
}
"""
TS_CLOCK = """import type { SupabaseClient } from '@supabase/supabase-js';

export class Clock {
  constructor(private readonly supabase: SupabaseClient) {}

  now(): Date {
    return new Date();
  }
}
"""


def test_a_class_querying_a_supabase_js_client_handed_in_is_data_access(make_project: MakeProject) -> None:
    files: dict[str, str | bytes] = {
        "package.json": TS_PACKAGE,
        "src/server.ts": TS_SERVER,
        "src/store.ts": TS_STORE,
        "src/clock.ts": TS_CLOCK,
    }
    layers = layers_of(inspect_json(make_project, files))
    assert layers["src/store.ts"] == "repositories"
    assert "src/clock.ts" not in layers  # holds a client, queries nothing
