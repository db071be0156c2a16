"""Patterns of the sixty-first unseen labelled set (issue 18, docs/accuracy.md "Sixty-first set: disagreements"),
each with violating and clean projects written for the test:

- a TypeScript data-access module importing only a type from a services module (`import type { Summary } from
  "../services/notes"`, the row type declared beside the service): the import is erased as it compiles, so the
  module wires nothing and stays data access (the route modules importing it bypass the services).
- an Express controller defining its Mongoose models inline above the `(req, res)` handlers its router
  registers: the folder and the registrations agree that it handles requests (routes), whatever it defines.
- a saved copy of an env file (`.env.backup`, `.env.bak`) is read by no loader: its values are not the
  environment the application starts with where the harness sets nothing.
- a string handed to `execute` on a connection an SQLAlchemy engine opens, or on a session a session factory
  makes (`async with engine.connect() as conn: await conn.execute("SELECT 1")`), is SQL written by hand.
"""

from __future__ import annotations

import pytest
from reports import MakeProject, evidence_of, inspect_json, layer_violations, layers_of

from cdverify import inspect
from cdverify.detect.database import PAPER_ENVIRONMENT, in_harness

# -- a type-only import of a services module from data access ------------------------------------------------

_STORE = """import Database from 'better-sqlite3';
IMPORT

const db = new Database('notes.db');

export function allNotes(): Summary[] {
  return db.prepare('SELECT id, body FROM notes').all() as Summary[];
}
"""

_SERVICE = """import { allNotes } from '../db/store';

export interface Summary {
  id: number;
  body: string;
}

export function trimmedNotes(): Summary[] {
  return allNotes().map((note) => ({ id: note.id, body: note.body.trim() }));
}
"""

_NOTE_ROUTES = """import { Hono } from 'hono';
import { allNotes } from '../db/store';

export function registerNotes(app: Hono) {
  app.get('/notes', (c) => c.json(allNotes()));
}
"""

_HONO_ENTRY = """import { Hono } from 'hono';
import { serve } from '@hono/node-server';
import { registerNotes } from './routes/notes';

const app = new Hono();
registerNotes(app);
serve({ fetch: app.fetch, port: 3000 });
"""


def _notes(store_import: str) -> dict[str, str | bytes]:
    return {
        "package.json": '{"name": "notes", "dependencies": {"hono": "^4.0.0", "better-sqlite3": "^11.0.0"}}',
        "src/db/store.ts": _STORE.replace("IMPORT", store_import),
        "src/services/notes.ts": _SERVICE,
        "src/routes/notes.ts": _NOTE_ROUTES,
        "src/index.ts": _HONO_ENTRY,
    }


@pytest.mark.parametrize(
    "store_import",
    [
        "import type { Summary } from '../services/notes';",
        "import { type Summary } from '../services/notes';",
    ],
)
def test_a_type_only_import_of_a_service_wires_nothing(make_project: MakeProject, store_import: str) -> None:
    """Violating on main: the data-access module's type import of the service made it a composition root (no
    layer), so the route module's import of it was no bypass."""
    report = inspect_json(make_project, _notes(store_import))
    assert layers_of(report)["src/db/store.ts"] == "repositories"
    assert evidence_of(report)["src/db/store.ts"] == "code: queries"
    bypasses = [v for v in layer_violations(report) if v[0] == "bypass"]
    assert bypasses == [("bypass", "src/routes/notes.ts", "src/db/store.ts")]


def test_a_data_access_module_calling_a_service_still_wires(make_project: MakeProject) -> None:
    """Clean: a value import of the service that the module calls keeps it wiring (a composition root)."""
    files = _notes(
        "import { trimmedNotes } from '../services/notes';\ntype Summary = { id: number; body: string };"
    )
    files["src/db/store.ts"] = str(files["src/db/store.ts"]) + "\nexport const warm = () => trimmedNotes();\n"
    report = inspect_json(make_project, files)
    assert "src/db/store.ts" not in layers_of(report)
    assert evidence_of(report)["src/db/store.ts"] == "composition root"


# -- an Express controller defining its models inline ------------------------------------------------------

_TAG_CONTROLLER = """const mongoose = require('mongoose');

const TagSchema = new mongoose.Schema({ label: { type: String, required: true } });
const Tag = mongoose.model('Tag', TagSchema);

const listTags = async (req, res) => {
  const tags = await Tag.find({});
  res.json(tags);
};

const addTag = async (req, res) => {
  if (!req.body.label) {
    return res.status(400).json({ message: 'label required' });
  }
  const tag = await Tag.create({ label: req.body.label });
  res.status(201).json(tag);
};

module.exports = { listTags, addTag };
"""

_TAG_ROUTES = """const express = require('express');
const router = express.Router();
const { listTags, addTag } = require('../controllers/tagController');

router.get('/tags', listTags);
router.post('/tags', addTag);

module.exports = router;
"""

_EXPRESS_ENTRY = """const express = require('express');
const mongoose = require('mongoose');
const tagRoutes = require('./routes/tagRoutes');

const app = express();
app.use(express.json());
app.use('/api', tagRoutes);

mongoose.connect('mongodb://localhost:27017/tags').then(() => app.listen(3000));
"""


def _tags() -> dict[str, str | bytes]:
    return {
        "package.json": '{"name": "tags", "dependencies": {"express": "^4.18.2", "mongoose": "^8.0.0"}}',
        "src/controllers/tagController.js": _TAG_CONTROLLER,
        "src/routes/tagRoutes.js": _TAG_ROUTES,
        "src/index.js": _EXPRESS_ENTRY,
    }


def test_a_controller_defining_its_models_inline_is_routes(make_project: MakeProject) -> None:
    """Violating on main: the module-level `mongoose.model(…)` made the controller models by its code."""
    report = inspect_json(make_project, _tags())
    assert layers_of(report)["src/controllers/tagController.js"] == "routes"
    assert evidence_of(report)["src/controllers/tagController.js"] == "folder"


def test_a_model_module_in_a_controllers_folder_registered_nowhere_stays_models(
    make_project: MakeProject,
) -> None:
    """Clean: a controllers-folder module defining a model whose functions no registration takes (the router
    queries the model itself) is models by its code, as before."""
    files = _tags()
    files["src/controllers/tagController.js"] = (
        "const mongoose = require('mongoose');\n\n"
        "const TagSchema = new mongoose.Schema({ label: String });\n"
        "module.exports = mongoose.model('Tag', TagSchema);\n"
    )
    files["src/routes/tagRoutes.js"] = (
        "const express = require('express');\nconst router = express.Router();\n"
        "const Tag = require('../controllers/tagController');\n\n"
        "router.get('/tags', async (req, res) => res.json(await Tag.find({})));\n\nmodule.exports = router;\n"
    )
    report = inspect_json(make_project, files)
    assert layers_of(report)["src/controllers/tagController.js"] == "models"


# -- a saved copy of an env file ------------------------------------------------------------------------------

_MONGO_ENTRY = """require('dotenv').config();
const express = require('express');
const mongoose = require('mongoose');

const app = express();
app.get('/', (req, res) => res.send('ok'));

async function start() {
  try {
    await mongoose.connect(process.env.MONGODB_URI);
    app.listen(process.env.PORT || 3000);
  } catch (error) {
    console.error(error);
    process.exit(1);
  }
}

start();
"""


def _mongo_app(env_file: str) -> dict[str, str | bytes]:
    return {
        "package.json": (
            '{"name": "shop", "main": "src/index.js", "scripts": {"start": "node src/index.js"}, '
            '"dependencies": {"express": "^4.18.2", "mongoose": "^8.0.0", "dotenv": "^16.0.0"}}'
        ),
        "src/index.js": _MONGO_ENTRY,
        env_file: "MONGODB_URI=mongodb://mongo:27017/shop\nPORT=3000\n",
    }


def _harness_engines(make_project: MakeProject, files: dict[str, str | bytes]) -> list[str]:
    database = inspect(make_project(files), use_cache=False).analysis.database
    return in_harness(database, PAPER_ENVIRONMENT).engines


@pytest.mark.parametrize("env_file", [".env.backup", ".env.bak", ".env.old", ".env.copy", ".env.BACKUP"])
def test_a_saved_copy_of_the_env_file_sets_nothing(make_project: MakeProject, env_file: str) -> None:
    """Violating on main: the copy's MONGODB_URI was taken for the app's environment, so the connection held
    in the paper's harness; dotenv reads `.env` only, and the unset URL makes mongoose reject and exit."""
    assert _harness_engines(make_project, _mongo_app(env_file)) == []


@pytest.mark.parametrize("env_file", [".env", ".env.local", ".env.production"])
def test_an_env_file_a_loader_may_read_still_sets_the_variable(
    make_project: MakeProject, env_file: str
) -> None:
    """Clean: the project's `.env` (and the files other loaders read) still set the variable there."""
    assert _harness_engines(make_project, _mongo_app(env_file)) == ["mongodb"]


# -- a string handed to an engine's connection or a session factory's session -------------------------------

_DATABASE = """from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

engine = create_async_engine("postgresql+asyncpg://app:app@postgres:5432/app")
session_maker = async_sessionmaker(engine, expire_on_commit=False)
"""

_HEALTH = """from fastapi import APIRouter
from sqlalchemy import text

from app.database import engine, session_maker

router = APIRouter()


@router.get("/health")
async def health():
    async with engine.connect() as conn:
        await conn.execute(STATEMENT)
    return {"status": "ok"}


@router.get("/stats")
async def stats():
    async with session_maker() as session:
        result = await session.execute(COUNT)
    return {"paid": result.scalar()}
"""

_MAIN = """from fastapi import FastAPI

from app.health import router

app = FastAPI()
app.include_router(router)
"""


def _shop(statement: str, count: str = '"SELECT count(*) FROM orders WHERE paid"') -> dict[str, str | bytes]:
    return {
        "requirements.txt": "fastapi\nuvicorn\nsqlalchemy\nasyncpg\n",
        "app/__init__.py": "",
        "app/main.py": _MAIN,
        "app/database.py": _DATABASE,
        "app/health.py": _HEALTH.replace("STATEMENT", statement).replace("COUNT", count),
    }


def _raw_sql(report: dict[str, object]) -> list[tuple[str, int]]:
    orm = report["orm"]
    assert isinstance(orm, dict)
    return sorted((item["file"], item["line"]) for item in orm["raw_sql"])


def test_a_string_executed_on_an_engine_connection_is_raw_sql(make_project: MakeProject) -> None:
    """Violating on main: neither string was found (the sink knew sessions and connections only by their
    annotations or constructors, not those an engine or a session factory makes)."""
    report = inspect_json(make_project, _shop('"SELECT 1"'))
    assert _raw_sql(report) == [("app/health.py", 12), ("app/health.py", 19)]


def test_a_statement_object_or_a_name_handed_to_the_connection_is_not_a_string_site(
    make_project: MakeProject,
) -> None:
    """Clean: `text(…)` is reported once, by its own sink; a name (a statement built elsewhere) is not read as
    SQL here."""
    report = inspect_json(make_project, _shop('text("SELECT 1")', 'text("SELECT count(*) FROM orders")'))
    assert _raw_sql(report) == [("app/health.py", 12), ("app/health.py", 19)]
    report = inspect_json(make_project, _shop("probe", "counting"))
    assert _raw_sql(report) == []
