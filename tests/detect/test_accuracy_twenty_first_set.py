"""Patterns of the twenty-first unseen labelled set (issue 18, docs/accuracy.md "The twenty-first set's
disagreements"), each with a violating and a clean project written for the test:

- an app file that writes its handlers out and imports query functions from a module of an `api/` folder
  (a folder that names routes) mounts no router by that import: the module's code puts it in repositories,
  so the app file is the routes layer and the import a bypass; an app file importing a real router module of
  that folder stays the composition root;
- a function defined inside another function returns a local value (`def _check_port(s): return len(s) == 5`
  inside `validate`): no module-level port constant, so its file is no app file (no composition root);
- a module-level value whose fallback for an unset variable throws unless the run mode is the spared one
  (`process.env.JWT_SECRET ?? (nodeEnv === 'test' ? 'test-secret' : (() => { throw … })())`, `nodeEnv`
  defaulting to 'development') stops the app where the mode is unset too; a condition the default mode
  passes, or a mode whose default is unknown, claims nothing.
"""

from __future__ import annotations

import pytest
from reports import MakeProject, check, database_status, inspect_json, only

QUERIES = """async def fetch_prices(conn, code):
    return await conn.fetch(f"SELECT day, price FROM prices WHERE code = '{code}'")
"""
SCHEMAS = """from pydantic import BaseModel


class PriceSchema(BaseModel):
    day: str
    price: int
"""
ROUTER = """from fastapi import APIRouter

router = APIRouter()


@router.get("/health")
async def health():
    return {"ok": True}
"""


def _app(*, mounts_router: bool) -> dict[str, str | bytes]:
    main = (
        "import os\n\nimport asyncpg\nfrom fastapi import FastAPI, HTTPException\n\n"
        "from .api.models import PriceSchema\n"
        "from .api.sql import fetch_prices\n"
    )
    if mounts_router:
        main += "from .api.health import router\n"
    main += "\napp = FastAPI()\nstate = {}\n\n\n"
    if mounts_router:
        main += "app.include_router(router)\n\n\n"
    main += (
        '@app.on_event("startup")\nasync def startup():\n'
        '    state["conn"] = await asyncpg.connect(os.getenv("DATABASE_URL"))\n\n\n'
        '@app.get("/prices")\nasync def prices(code: str):\n'
        "    if len(code) != 5:\n"
        '        raise HTTPException(status_code=400, detail="bad code")\n'
        '    return await fetch_prices(state["conn"], code)\n'
    )
    if not mounts_router:
        main += (
            '\n\n@app.get("/prices/one", response_model=PriceSchema)\nasync def one():\n'
            '    return await state["conn"].fetchrow("SELECT * FROM prices LIMIT 1")\n'
        )
    files: dict[str, str | bytes] = {
        "requirements.txt": "fastapi\nasyncpg\n",
        "app/__init__.py": "",
        "app/main.py": main,
        "app/api/__init__.py": "",
        "app/api/sql.py": QUERIES,
        "app/api/models.py": SCHEMAS,
    }
    if mounts_router:
        files["app/api/health.py"] = ROUTER
    return files


def test_an_app_file_importing_queries_of_an_api_folder_is_routes(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _app(mounts_router=False))
    architecture = report["architecture"]
    assert "app/main.py" not in architecture["composition_roots"]
    assert architecture["files"]["app/main.py"] == "routes"
    assert architecture["files"]["app/api/sql.py"] == "repositories"
    assert any(v["file"] == "app/main.py" for v in architecture["violations"])


def test_an_app_file_mounting_a_router_of_an_api_folder_is_the_composition_root(
    make_project: MakeProject,
) -> None:
    report = inspect_json(make_project, _app(mounts_router=True))
    architecture = report["architecture"]
    assert "app/main.py" in architecture["composition_roots"]
    assert "app/main.py" not in architecture["files"]
    assert not any(v["file"] == "app/main.py" for v in architecture["violations"])


VALIDATE = '''def validate(origin, destination):
    """Whether each is a port code or a region slug."""

    def _check_port(value):
        return len(value) == 5 and value.isupper()

    return tuple("port" if _check_port(v) else "region" for v in (origin, destination))
'''
MODULE_PORT = """import os


def server_port():
    return int(os.environ.get("PORT", 8080))
"""


def _validated(helper: str) -> dict[str, str | bytes]:
    return {
        "requirements.txt": "fastapi\n",
        "app/__init__.py": "",
        "app/main.py": (
            "from fastapi import FastAPI\n\nfrom .routes import router\n\n"
            "app = FastAPI()\napp.include_router(router)\n"
        ),
        "app/routes.py": (
            "from fastapi import APIRouter\n\nfrom .validate.location import validate\n\n"
            "router = APIRouter()\n\n\n"
            '@router.get("/check")\ndef check(a: str, b: str):\n    return validate(a, b)\n'
        ),
        "app/validate/__init__.py": "",
        "app/validate/location.py": helper,
    }


def test_a_nested_check_port_function_is_no_port_constant(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _validated(VALIDATE))
    roots = report["architecture"]["composition_roots"]
    assert roots == ["app/main.py"]


def test_a_module_level_port_function_still_is(make_project: MakeProject) -> None:
    files = _validated(VALIDATE)
    files["app/settings.py"] = MODULE_PORT
    report = inspect_json(make_project, files)
    assert "app/settings.py" in report["architecture"]["composition_roots"]


# -- a throwing fallback a run-mode condition picks -------------------------------------------------------

PG_TASK = "express-openapi-postgres"
PG_URL = "postgresql://user:password@postgres:5432/notes"
NODE_INDEX = """const express = require('express');
const pool = require('./db');

const app = express();
app.get('/health', async (req, res) => res.json((await pool.query('SELECT 1 AS ok')).rows));
app.listen(3000);
"""
NODE_DB = """const { Pool } = require('pg');
const settings = require('./settings');

module.exports = new Pool({ connectionString: settings.databaseUrl });
"""
THROWER = "(() => {\n      throw new Error('SESSION_KEY must be set');\n    })()"
SETTINGS = f"""const mode = process.env.NODE_ENV ?? 'development';

module.exports = {{
  databaseUrl: process.env.DATABASE_URL ?? '{PG_URL}',
  sessionKey:
    process.env.SESSION_KEY ??
    (CONDITION),
}};
"""


def _node_app(condition: str) -> dict[str, str | bytes]:
    return {
        "package.json": '{"name": "notes", "dependencies": {"express": "4", "pg": "8"}}',
        "src/index.js": NODE_INDEX,
        "src/db.js": NODE_DB,
        "src/settings.js": SETTINGS.replace("CONDITION", condition),
    }


@pytest.mark.parametrize(
    "condition",
    [
        f"mode === 'test' ? 'test-key' : {THROWER}",  # the default mode is not the one spared
        f"mode !== 'test' ? {THROWER} : 'test-key'",
        f"process.env.NODE_ENV === 'test' ? 'test-key' : {THROWER}",  # the mode read itself: unset
    ],
)
def test_a_throwing_fallback_outside_the_test_mode_stops_the_app(
    make_project: MakeProject, condition: str
) -> None:
    db001 = only(check(make_project, _node_app(condition), PG_TASK), "DB001")
    assert db001["harness_engines"] == []
    assert (
        "at src/settings.js:5 throws when $SESSION_KEY is unset (unless $NODE_ENV is test)"
        in db001["message"]
    )


@pytest.mark.parametrize(
    "condition",
    [
        f"mode === 'development' ? 'dev-key' : {THROWER}",  # the default mode is the one spared
        f"mode !== 'test' ? 'dev-key' : {THROWER}",  # thrown only in the test mode
        "mode === 'test' ? 'test-key' : 'dev-key'",  # nothing thrown
        f"flags.strict === 'test' ? 'test-key' : {THROWER}",  # a mode of unknown default
    ],
)
def test_a_fallback_the_default_mode_spares_does_not_stop_it(
    make_project: MakeProject, condition: str
) -> None:
    assert database_status(check(make_project, _node_app(condition), PG_TASK)) == "pass"
