"""Supabase used for sign-in only (issue 18, docs/accuracy.md "Supabase used for sign-in only"): many apps keep
their data in another database through an ORM and use Supabase's client for its auth alone
(`supabase.auth.get_user(token)`, `supabase.auth.getUser()`) or for file storage (`supabase.storage.from(…)`).
The SDK reaches the app's tables only through the client's data methods (rules/orm/libraries.toml
`data_methods`: `from`, `from_`, `table`, `schema`, `rpc`, `postgrest`), so a project calling none of them:

- uses no data-access library `supabase` (no ORM003 beside the required ORM);
- connects to no PostgreSQL through it (no engine, so no DB002 on a SQLite task) — but the constructor still
  throws without its URL, so a URL only an unset variable gives still stops the app (DB001);
- holds no data client in the module making it (no repositories role, so no bypass from the routes).

A data call in any module, on the client another module makes (`from app.core.supabase import supabase;
supabase.table("notes")…`), still makes Supabase data access (the existing cases are
test_accuracy_twenty_sixth_set_supabase.py's).
"""

from __future__ import annotations

from reports import (
    MakeProject,
    check,
    database_status,
    findings_of,
    inspect_json,
    layer_violations,
    layers_of,
    only,
)

PG_TASK = "python-fastapi-openapi-clean_architecture-postgres-sqlalchemy"
SQLITE_TASK = "python-fastapi-openapi-sqlite-sqlalchemy"

MAIN = """from fastapi import FastAPI

from app.api.notes import router
from app.db import Base, engine

app = FastAPI()
app.include_router(router)
Base.metadata.create_all(bind=engine)
"""
DB = """from sqlalchemy import create_engine
from sqlalchemy.orm import declarative_base, sessionmaker

engine = create_engine("URL")
SessionLocal = sessionmaker(bind=engine)
Base = declarative_base()
"""
MODEL = """from sqlalchemy import Column, Integer, String

from app.db import Base


class Note(Base):
    __tablename__ = "notes"
    id = Column(Integer, primary_key=True)
    owner = Column(String)
"""
REPOSITORY = """from app.db import SessionLocal
from app.models.note import Note


def notes_of(owner: str) -> list[Note]:
    with SessionLocal() as session:
        return session.query(Note).filter(Note.owner == owner).all()
"""
SERVICE = """from app.repositories.notes import notes_of


def listing(owner: str) -> list[dict]:
    return [{"id": note.id} for note in notes_of(owner)]
"""
ROUTES = """from fastapi import APIRouter, Depends

from app.api.deps import current_user
from app.services.notes import listing

router = APIRouter(prefix="/api")


@router.get("/notes")
def notes(user=Depends(current_user)):
    return listing(user.id)
"""
# the client in a module of its own (a folder naming no layer), made at import
CLIENT = """import os

from supabase import create_client

supabase = create_client(URL, os.getenv("SUPABASE_KEY", "anon"))
"""
# the routes' dependency signs the caller in through it
DEPS = """from fastapi import Header, HTTPException

from app.core.supabase import supabase


def current_user(authorization: str = Header(...)):
    answer = supabase.auth.get_user(authorization.removeprefix("Bearer "))
    if answer is None:
        raise HTTPException(status_code=401)
    return answer.user
"""
FALLBACK = 'os.getenv("SUPABASE_URL", "https://demo.supabase.co")'


def _app(sqlite: bool = False, url: str = FALLBACK) -> dict[str, str | bytes]:
    database = "sqlite:///./app.db" if sqlite else "postgresql://user:password@postgres:5432/conduit"
    driver = "" if sqlite else "psycopg2-binary\n"
    return {
        "requirements.txt": f"fastapi\nuvicorn\nsqlalchemy\n{driver}supabase\n",
        "app/__init__.py": "",
        "app/main.py": MAIN,
        "app/db.py": DB.replace("URL", database),
        "app/models/__init__.py": "",
        "app/models/note.py": MODEL,
        "app/repositories/__init__.py": "",
        "app/repositories/notes.py": REPOSITORY,
        "app/services/__init__.py": "",
        "app/services/notes.py": SERVICE,
        "app/api/__init__.py": "",
        "app/api/notes.py": ROUTES,
        "app/api/deps.py": DEPS,
        "app/core/__init__.py": "",
        "app/core/supabase.py": CLIENT.replace("URL", url),
    }


def test_supabase_for_sign_in_beside_sqlalchemy_is_no_second_data_path(make_project: MakeProject) -> None:
    report = check(make_project, _app(), PG_TASK)
    assert findings_of(report, "ORM") == []
    assert findings_of(report, "ARCH") == []
    inspected = inspect_json(make_project, _app())
    assert inspected["orm"]["libraries"] == ["sqlalchemy"]
    assert inspected["database"]["engines"] == ["postgresql"]
    assert [e["file"] for e in inspected["database"]["evidence"] if e["kind"] == "connection"] == [
        "app/db.py"
    ]


def test_a_supabase_sign_in_client_module_is_no_data_access(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _app())
    assert "app/core/supabase.py" not in layers_of(report)  # a client for sign-in: no repositories
    assert layer_violations(report) == []  # the routes' dependency importing it bypasses nothing


def test_supabase_sign_in_on_a_sqlite_task_is_no_other_engine(make_project: MakeProject) -> None:
    report = check(make_project, _app(sqlite=True), SQLITE_TASK)
    assert findings_of(report, "DB") == []
    assert findings_of(report, "ORM") == []
    assert database_status(report) == "pass"
    assert inspect_json(make_project, _app(sqlite=True))["database"]["engines"] == ["sqlite"]


def test_supabase_sign_in_without_its_url_still_stops_the_app(make_project: MakeProject) -> None:
    files = _app(sqlite=True, url='os.getenv("SUPABASE_URL")')
    report = check(make_project, files, SQLITE_TASK)
    db001 = only(report, "DB001")  # the client throws as it is made: the app cannot start
    assert db001["harness_engines"] == []
    assert "throws when $SUPABASE_URL is unset (supabase.create_client requires its URL)" in db001["message"]
    assert findings_of(report, "DB002") == []  # still no PostgreSQL engine
    assert inspect_json(make_project, files)["database"]["engines"] == ["sqlite"]


# a service module making the client for sign-in, whose client the routes' dependency imports
AUTH_SERVICE = """import os

from supabase import create_client

supabase = create_client(os.getenv("SUPABASE_URL", "https://demo.supabase.co"), os.getenv("SUPABASE_KEY", "anon"))


def sign_in(email: str, password: str) -> str:
    return supabase.auth.sign_in_with_password({"email": email, "password": password}).session.access_token
"""


def test_a_supabase_sign_in_client_in_services_is_no_bypass(make_project: MakeProject) -> None:
    files = _app()
    del files["app/core/supabase.py"]
    files["app/services/auth.py"] = AUTH_SERVICE
    files["app/api/deps.py"] = DEPS.replace("app.core.supabase", "app.services.auth")
    report = inspect_json(make_project, files)
    assert layers_of(report)["app/services/auth.py"] == "services"
    assert layer_violations(report) == []
    assert report["orm"]["libraries"] == ["sqlalchemy"]


NOTES_ARCHIVE = """from app.core.supabase import supabase


def archived(owner: str) -> list[dict]:
    return supabase.table("archive").select("*").eq("owner", owner).execute().data
"""


def test_a_data_call_in_another_module_makes_supabase_data_access(make_project: MakeProject) -> None:
    files = {**_app(), "app/repositories/archive.py": NOTES_ARCHIVE}
    report = inspect_json(make_project, files)
    assert report["orm"]["libraries"] == ["sqlalchemy", "supabase"]
    assert report["database"]["engines"] == ["postgresql"]
    assert "app/core/supabase.py" in {e["file"] for e in report["database"]["evidence"]}
    assert layers_of(report)["app/core/supabase.py"] == "repositories"
    assert layer_violations(report) == [("bypass", "app/api/deps.py", "app/core/supabase.py")]
    orm003 = only(check(make_project, files, PG_TASK), "ORM003")
    assert orm003["library"] == "supabase"


NODE_TASK = "express-openapi-clean_architecture-postgres-sequelize"
PACKAGE = (
    '{"name": "notes", "main": "src/server.js", "scripts": {"start": "node src/server.js"}, "dependencies": '
    '{"express": "4.19.2", "sequelize": "6.37.3", "pg": "8.12.0", "@supabase/supabase-js": "2.45.0"}}'
)
SERVER = """const express = require('express');
const notes = require('./routes/notes');

const app = express();
app.use(express.json());
app.use('/api/notes', notes);
app.listen(3000);
"""
MODELS = """const { Sequelize, DataTypes } = require('sequelize');

const sequelize = new Sequelize('postgres://user:password@postgres:5432/notes');
const Note = sequelize.define('Note', { owner: DataTypes.STRING });

module.exports = { sequelize, Note };
"""
NOTES_REPOSITORY = """const { Note } = require('../models');

exports.byOwner = (owner) => Note.findAll({ where: { owner } });
"""
NOTES_SERVICE = """const notes = require('../repositories/notes');

exports.list = (owner) => notes.byOwner(owner);
"""
NOTES_ROUTES = """const express = require('express');
const { requireUser } = require('../middleware/auth');
const { upload } = require('../lib/supabase');
const notes = require('../services/notes');

const router = express.Router();
router.get('/', requireUser, async (req, res) => res.json(await notes.list(req.user.id)));
router.post('/avatar', requireUser, async (req, res) => res.json(await upload(req.user.id, req.body)));
module.exports = router;
"""
# sign-in and avatars: `auth.getUser` and `storage.from(bucket)`, file storage and not the database
SUPABASE_JS = """const { createClient } = require('@supabase/supabase-js');

const supabase = createClient(process.env.SUPABASE_URL || 'https://demo.supabase.co', process.env.SUPABASE_KEY);

async function upload(owner, body) {
  const { data } = await supabase.storage.from('avatars').upload(`${owner}.png`, body);
  return data;
}

module.exports = { supabase, upload };
"""
MIDDLEWARE = """const { supabase } = require('../lib/supabase');

async function requireUser(req, res, next) {
  const { data, error } = await supabase.auth.getUser(req.headers.authorization);
  if (error) return res.status(401).end();
  req.user = data.user;
  next();
}

module.exports = { requireUser };
"""


def _node(extra: dict[str, str | bytes] | None = None) -> dict[str, str | bytes]:
    return {
        "package.json": PACKAGE,
        "src/server.js": SERVER,
        "src/models/index.js": MODELS,
        "src/repositories/notes.js": NOTES_REPOSITORY,
        "src/services/notes.js": NOTES_SERVICE,
        "src/routes/notes.js": NOTES_ROUTES,
        "src/lib/supabase.js": SUPABASE_JS,
        "src/middleware/auth.js": MIDDLEWARE,
        **(extra or {}),
    }


def test_supabase_js_for_sign_in_and_storage_is_no_data_access(make_project: MakeProject) -> None:
    report = check(make_project, _node(), NODE_TASK)
    assert findings_of(report, "ORM") == []
    assert findings_of(report, "ARCH") == []
    inspected = inspect_json(make_project, _node())
    assert inspected["orm"]["libraries"] == ["sequelize"]
    assert "src/lib/supabase.js" not in layers_of(inspected)
    assert all(e["file"] != "src/lib/supabase.js" for e in inspected["database"]["evidence"])


def test_supabase_js_queried_through_schema_in_another_module_is_data_access(
    make_project: MakeProject,
) -> None:
    archive = """const { supabase } = require('../lib/supabase');

exports.archived = (owner) => supabase.schema('archive').from('notes').select('*').eq('owner', owner);
"""
    report = inspect_json(make_project, _node({"src/repositories/archive.js": archive}))
    assert report["orm"]["libraries"] == ["sequelize", "supabase"]
    assert layers_of(report)["src/lib/supabase.js"] == "repositories"
    assert ("bypass", "src/routes/notes.js", "src/lib/supabase.js") in layer_violations(report)


TS_PACKAGE = (
    '{"name": "notes", "dependencies": {"express": "4.19.2", "@supabase/supabase-js": "2.45.0"}, '
    '"devDependencies": {"typescript": "5.4.5"}}'
)
TS_SERVER = """import express from 'express';

import type { Session } from './session';

export function serve(session: Session) {
  const app = express();
  app.get('/api/me', async (req, res) => {
    res.json(await session.user(String(req.headers.authorization)));
  });
  app.listen(3000);
}
"""
# a client handed in by type, used to sign the caller in
TS_SESSION = """import type { SupabaseClient } from '@supabase/supabase-js';

export class Session {
  constructor(private readonly supabase: SupabaseClient) {}

  async user(token: string) {
    const { data } = await this.supabase.auth.getUser(token);
    return data.user;
  }
}
"""


def test_a_supabase_js_client_handed_in_for_sign_in_is_no_data_access(make_project: MakeProject) -> None:
    files: dict[str, str | bytes] = {
        "package.json": TS_PACKAGE,
        "src/server.ts": TS_SERVER,
        "src/session.ts": TS_SESSION,
    }
    report = inspect_json(make_project, files)
    assert "src/session.ts" not in layers_of(report)
    assert report["orm"]["libraries"] == []


# a client made per request and kept on it: the calls on it are not traced, so its use is not known and it
# stays the data access it was (no member of it is seen in use for anything else)
PER_REQUEST = """const { createClient } = require('@supabase/supabase-js');

function withSupabase(req, res, next) {
  req.supabase = createClient(process.env.SUPABASE_URL || 'https://demo.supabase.co', 'anon', {
    global: { headers: { Authorization: req.headers.authorization } },
  });
  next();
}

module.exports = { withSupabase };
"""
PER_REQUEST_ROUTES = """const express = require('express');
const { withSupabase } = require('../middleware/supabase');

const router = express.Router();
router.get('/', withSupabase, async (req, res) => res.json((await req.supabase.from('notes').select('*')).data));
module.exports = router;
"""


def test_a_supabase_client_whose_calls_are_not_traced_stays_data_access(make_project: MakeProject) -> None:
    files: dict[str, str | bytes] = {
        "package.json": PACKAGE.replace('"sequelize": "6.37.3", "pg": "8.12.0", ', ""),
        "src/server.js": SERVER,
        "src/routes/notes.js": PER_REQUEST_ROUTES,
        "src/middleware/supabase.js": PER_REQUEST,
    }
    report = inspect_json(make_project, files)
    assert report["orm"]["libraries"] == ["supabase"]
    assert report["database"]["engines"] == ["postgresql"]
