"""Patterns of the seventy-third unseen labelled set (issue 18, docs/accuracy.md "The seventy-third set's
disagreements"), each with a violating and a clean project written for the test:

- a Node module's check of a variable read into a name a leading underscore marks private (`const _key =
  process.env.TOKEN_KEY || undefined; if (!_key) throw …`), in a module the server's router imports as it
  loads, stops the application where the variable is unset, as the same check of `key` does: the parser
  records the value of such a name (parse/jscode.py `_recorded`). A fallback the check passes, or the
  module loaded only by a handler, leaves it starting.
- a Python app factory's `raise` under `if not all([a, b, c]):` (a list or tuple literal of names each
  assigned a read with no default) stops the application where any of them is unset, as one under `if not
  (a and b and c):` does (parse/pyraises.py `_all_of`): the factory the run command names runs it. Reads
  with defaults, `not any([…])` (it holds only where all are empty) and a check in a function nothing
  calls at start-up leave it starting.
"""

from __future__ import annotations

import pytest
from reports import MakeProject, check, database_status, only

from cdverify import inspect
from cdverify.detect.database import PAPER_ENVIRONMENT, in_harness

PG_TASK = "express-openapi-postgres"
PACKAGE = '{"name": "app", "type": "module", "dependencies": {"express": "5", "pg": "8", "jose": "6"}}'
SERVER = """import express from 'express';
import { router } from './routes/index.ts';

const app = express();
app.use(express.json());
app.use(router);
app.listen(3000, () => console.log('listening'));
"""
ROUTES = """import { Router } from 'express';
import { guard } from '../middleware/guard.ts';
import { pool } from '../db/pool.ts';

export const router = Router();
router.get('/items', guard, async (_req, res) => res.json((await pool.query('SELECT id FROM items')).rows));
"""
GUARD = """import type { NextFunction, Request, Response } from 'express';
import { readToken } from '../lib/token.ts';

export async function guard(req: Request, res: Response, next: NextFunction) {
  const header = req.headers.authorization ?? '';
  try {
    await readToken(header.replace('Bearer ', ''));
  } catch {
    return res.status(401).json({ message: 'unauthorised' });
  }
  next();
}
"""
TOKEN = """import { jwtVerify } from 'jose';

const _key = READ;

if (!_key) {
  throw new Error('TOKEN_KEY is not set');
}

const key = new TextEncoder().encode(_key);

export async function readToken(token: string) {
  const { payload } = await jwtVerify(token, key);
  return payload;
}
"""
POOL = """import pg from 'pg';

export const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL ?? 'postgres://app@db:5432/app' });
"""


def _app(read: str) -> dict[str, str | bytes]:
    return {
        "package.json": PACKAGE,
        "src/server.ts": SERVER,
        "src/routes/index.ts": ROUTES,
        "src/middleware/guard.ts": GUARD,
        "src/lib/token.ts": TOKEN.replace("READ", read),
        "src/db/pool.ts": POOL,
    }


def test_a_check_of_an_underscored_name_read_from_an_unset_variable_stops_the_app(
    make_project: MakeProject,
) -> None:
    for read in ("process.env.TOKEN_KEY || undefined", "process.env.TOKEN_KEY"):
        db001 = only(check(make_project, _app(read), PG_TASK), "DB001")
        assert "at src/lib/token.ts:6 throws when $TOKEN_KEY is unset" in db001["message"]
        assert db001["harness_engines"] == []


def test_a_fallback_or_a_module_loaded_later_leaves_it_starting(make_project: MakeProject) -> None:
    fallback = _app("process.env.TOKEN_KEY || 'development-key'")
    assert database_status(check(make_project, fallback, PG_TASK)) == "pass"
    lazy = _app("process.env.TOKEN_KEY")
    lazy["src/middleware/guard.ts"] = GUARD.replace(
        "import { readToken } from '../lib/token.ts';\n", ""
    ).replace("await readToken(", "await (await import('../lib/token.ts')).readToken(")
    assert database_status(check(make_project, lazy, PG_TASK)) == "pass"


# -- a Python factory's check of several variables through all([…]) -------------------------------------------

FACTORY = """import os

from flask import Flask
from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


def build_app():
    app = Flask(__name__)
    session_key = os.environ.get('SESSION_KEY'@DEFAULT@)
    origin = os.getenv('ALLOWED_ORIGIN'@DEFAULT@)
    if @CONDITION@:
        raise RuntimeError('SESSION_KEY and ALLOWED_ORIGIN are required')
    app.config['SECRET_KEY'] = session_key
    app.config['SQLALCHEMY_DATABASE_URI'] = os.getenv('DATABASE_URL', 'postgresql://app@db:5432/app')
    db.init_app(app)
    return app
"""


def _flask(condition: str, default: str = "") -> dict[str, str | bytes]:
    factory = FACTORY.replace("@CONDITION@", condition).replace("@DEFAULT@", default)
    return {
        "app/__init__.py": "",
        "app/factory.py": factory,
        "wsgi.py": "from app.factory import build_app\n\napp = build_app()\n",
        "requirements.txt": "flask\nflask-sqlalchemy\npsycopg2-binary\n",
    }


def _python_harness(make_project: MakeProject, files: dict[str, str | bytes]) -> tuple[list[str], list[str]]:
    """The engines in the paper's harness, and the variables whose start-up reads stop the app."""
    database = inspect(make_project(files), use_cache=False).analysis.database
    found = in_harness(database, PAPER_ENVIRONMENT)
    return found.engines, sorted({read.variable for read in database.startup_reads})


@pytest.mark.parametrize(
    "condition",
    ["not all([session_key, origin])", "not all((session_key, origin))", "not (all([session_key, origin]))"],
)
def test_a_factory_raise_under_not_all_of_unset_reads_stops_the_app(
    make_project: MakeProject, condition: str
) -> None:
    engines, stopping = _python_harness(make_project, _flask(condition))
    assert engines == []
    assert stopping == ["ALLOWED_ORIGIN", "SESSION_KEY"]


@pytest.mark.parametrize(
    ("condition", "default"),
    [
        ("not all([session_key, origin])", ", 'development'"),  # both read with a default the test passes
        ("not any([session_key, origin])", ""),  # holds only where both are empty: not taken
        ("all([session_key, origin]) is None", ""),  # no test of the values being empty
    ],
)
def test_defaults_or_other_conditions_leave_it_starting(
    make_project: MakeProject, condition: str, default: str
) -> None:
    engines, stopping = _python_harness(make_project, _flask(condition, default))
    assert engines == ["postgresql"]
    assert stopping == []
