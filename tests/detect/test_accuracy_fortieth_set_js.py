"""Patterns of the fortieth held-out set's JavaScript half (docs/accuracy.md, issue 18).

- A settings module the port is read from (`port: Number(env.PORT || 3001)` in the object `getConfig()` returns,
  the server listening on `getConfig().port` elsewhere) builds and starts no app: the data-access modules
  calling `getConfig()` stay data access, and a controller importing one bypasses the services.
- A statement written through a formatter (pg-format's `format('SELECT * FROM %I WHERE id = %L', table, id)`)
  and handed to a pg client is raw SQL at the sink, as a string literal would be.
- An import at start-up of a package named in another case than the dependency declared (`koa-bodyParser` for
  koa-bodyparser), or of a project file in another case (`./Users` for users.js), does not resolve on the
  case-sensitive file system the harness runs on: the application cannot start there (DB001), and TASK002's
  hint names the declared spelling.

The projects are small synthetic ones written for these tests.
"""

from __future__ import annotations

import json

import pytest
from reports import MakeProject, check, evidence_of, inspect_json, layer_violations, layers_of, only

# -- a settings module the port is read from ----------------------------------------------------------

EXPRESS = '{"name": "notes", "dependencies": {"express": "4", "pg": "8", "pg-format": "1", "dotenv": "16"}}'
CONFIG = """require('dotenv').config();

function getConfig() {
  const env = process.env;
  const cfg = {
    host: env.HOST || '0.0.0.0',
    port: Number(env.PORT || 4000),
    databaseUrl: env.DATABASE_URL || 'postgresql://localhost/notes',
  };
  return cfg;
}

module.exports = { getConfig };
"""
SERVER = """const app = require('./app');
const { getConfig } = require('./config');

const { port, host } = getConfig();
app.listen(port, host, () => console.log(`listening on ${port}`));
"""
APP = """const express = require('express');
const notes = require('./routes/notes');

const app = express();
app.use('/api/notes', notes);
module.exports = app;
"""
STORE = """const { Pool } = require('pg');
const { getConfig } = require('../config');

const pool = new Pool({ connectionString: getConfig().databaseUrl });

async function listNotes() {
  const { rows } = await pool.query('SELECT id, body FROM notes');
  return rows;
}

module.exports = { listNotes };
"""
SERVICE = """const store = require('../db/notes');

async function listNotes() {
  return store.listNotes();
}

module.exports = { listNotes };
"""


def _notes_app(route: str) -> dict[str, str | bytes]:
    return {
        "package.json": EXPRESS,
        "src/server.js": SERVER,
        "src/app.js": APP,
        "src/config/index.js": CONFIG,
        "src/db/notes.js": STORE,
        "src/services/notes.js": SERVICE,
        "src/routes/notes.js": route,
    }


def test_a_route_importing_a_store_that_reads_the_settings_module_is_a_bypass(
    make_project: MakeProject,
) -> None:
    route = """const express = require('express');
const store = require('../db/notes');

const router = express.Router();
router.get('/', async (req, res) => res.json(await store.listNotes()));
module.exports = router;
"""
    report = inspect_json(make_project, _notes_app(route))
    assert "src/config/index.js" not in report["architecture"]["composition_roots"]
    assert layers_of(report)["src/db/notes.js"] == "repositories"
    assert evidence_of(report)["src/db/notes.js"] == "code: queries"
    assert layer_violations(report) == [("bypass", "src/routes/notes.js", "src/db/notes.js")]


def test_a_route_calling_the_service_over_that_store_is_clean(make_project: MakeProject) -> None:
    route = """const express = require('express');
const notes = require('../services/notes');

const router = express.Router();
router.get('/', async (req, res) => res.json(await notes.listNotes()));
module.exports = router;
"""
    report = inspect_json(make_project, _notes_app(route))
    assert layers_of(report)["src/db/notes.js"] == "repositories"
    assert layer_violations(report) == []


def test_a_file_listening_on_its_own_port_constant_still_wires_the_app(make_project: MakeProject) -> None:
    # the port written in the entry that imports the app and listens: it starts the app, a composition root
    server = "const app = require('./app');\n\nconst PORT = process.env.PORT || 4000;\napp.listen(PORT);\n"
    route = """const express = require('express');
const notes = require('../services/notes');

const router = express.Router();
router.get('/', async (req, res) => res.json(await notes.listNotes()));
module.exports = router;
"""
    files = {**_notes_app(route), "src/server.js": server}
    report = inspect_json(make_project, files)
    assert "src/server.js" not in layers_of(report)
    assert layer_violations(report) == []


# -- statements written through pg-format ---------------------------------------------------------------

PG_FORMAT_STORE = """const { Client } = require('pg');
const format = require('pg-format');

const client = new Client({ connectionString: process.env.DATABASE_URL });
const table = 'notes';

async function findNote(id) {
  const q = format('SELECT * FROM %I WHERE id = %L', table, id);
  const { rows } = await client.query(q);
  return rows[0];
}

async function removeNote(id) {
  const res = await client.query(format('DELETE FROM %I WHERE id = %L', table, id));
  return res.rowCount > 0;
}

async function renameNote(id, title) {
  const q = `UPDATE ${table} SET title = ${format('%L', title)} WHERE id = ${format('%L', id)}`;
  return client.query(q);
}

module.exports = { findNote, removeNote, renameNote };
"""


def _raw_sql(report: dict[str, object]) -> dict[int, str]:
    orm = report["orm"]
    assert isinstance(orm, dict)
    return {item["line"]: item["sql"] for item in orm["raw_sql"]}


def test_statements_written_with_pg_format_are_raw_sql_at_the_sink(make_project: MakeProject) -> None:
    report = inspect_json(make_project, {"package.json": EXPRESS, "src/store.js": PG_FORMAT_STORE})
    sites = _raw_sql(report)
    assert sites[9] == "SELECT * FROM {…} WHERE id = {…}"  # the name bound to format(…)
    assert sites[14] == "DELETE FROM {…} WHERE id = {…}"  # format(…) handed to the sink as it is made
    assert sites[20].startswith("UPDATE {…} SET title = {…}")  # a template (found before)
    assert sorted(sites) == [9, 14, 20]  # the `%L` pieces inside the template are no statements


@pytest.mark.parametrize(
    "store",
    [
        # a formatter of another module, or a call that is no formatter: what it returns is unknown
        PG_FORMAT_STORE.replace("require('pg-format')", "require('./sqlformat')"),
        PG_FORMAT_STORE.replace("format(", "build("),
    ],
)
def test_other_calls_handed_to_the_sink_stay_unread(make_project: MakeProject, store: str) -> None:
    report = inspect_json(make_project, {"package.json": EXPRESS, "src/store.js": store})
    written = set(_raw_sql(report).values())  # a local `build` is SQL built at run time, as before: `q`
    assert not written & {"SELECT * FROM {…} WHERE id = {…}", "DELETE FROM {…} WHERE id = {…}"}


# -- a package or file named in another case ------------------------------------------------------------

PG_TASK = "express-openapi-postgres"
CASED_PACKAGE = (
    '{"name": "app", "main": "app.js", "dependencies": {"express": "4", "pg": "8", "body-parser": "1"}}'
)
CASED_APP = """const express = require('express');
const bodyParser = require('body-Parser');
const users = require('./users');

const app = express();
app.use(bodyParser.json());
app.use('/api/users', users);
app.listen(3000);
"""
USERS = """const express = require('express');
const { Pool } = require('pg');

const pool = new Pool({ connectionString: 'postgresql://user:password@postgres:5432/conduit' });
const router = express.Router();
router.get('/', async (req, res) => res.json((await pool.query('SELECT * FROM users')).rows));
module.exports = router;
"""


def _cased(app: str = CASED_APP, **extra: str) -> dict[str, str | bytes]:
    return {"package.json": CASED_PACKAGE, "app.js": app, "users.js": USERS, **extra}


def test_a_package_required_in_another_case_stops_the_app(make_project: MakeProject) -> None:
    report = check(make_project, _cased(), PG_TASK)
    db001 = only(report, "DB001")
    assert (
        "require('body-Parser') at app.js:2 throws MODULE_NOT_FOUND on a case-sensitive file system, as Linux's: "
        "package.json declares body-parser, installed as node_modules/body-parser, not body-Parser"
    ) in db001["message"]
    assert db001["harness_engines"] == []
    assert db001["hint"].startswith("import body-parser as package.json names it, not body-Parser")
    assert report["database"]["engines"] == ["postgresql"]
    task002 = only(report, "TASK002")
    assert task002["message"] == (
        "body-Parser is imported but package.json does not declare it (body-parser differs in case)"
    )
    assert task002["hint"] == (
        "import it as body-parser, the name package.json declares (a case-sensitive file system finds no "
        "body-Parser)"
    )


def test_a_typescript_import_in_another_case_used_at_run_time_stops_the_app(
    make_project: MakeProject,
) -> None:
    package = CASED_PACKAGE.replace(
        '"main": "app.js"', '"main": "dist/index.js", "scripts": {"start": "tsx src/index.ts"}'
    )
    index = """import express from 'express';
import * as bodyParser from 'body-Parser';
import users from './users';

const app = express();
app.use(bodyParser.json());
app.use('/api/users', users);
app.listen(3000);
"""
    users = USERS.replace(
        "const express = require('express');\nconst { Pool } = require('pg');",
        "import express from 'express';\nimport { Pool } from 'pg';",
    ).replace("module.exports = router;", "export default router;")
    report = check(
        make_project, {"package.json": package, "src/index.ts": index, "src/users.ts": users}, PG_TASK
    )
    assert (
        "import * as bodyParser from 'body-Parser'; at src/index.ts:2 throws MODULE_NOT_FOUND"
        in only(report, "DB001")["message"]
    )


def test_a_project_file_required_in_another_case_stops_the_app(make_project: MakeProject) -> None:
    app = CASED_APP.replace("require('body-Parser')", "require('body-parser')").replace(
        "'./users'", "'./Users'"
    )
    report = check(make_project, _cased(app), PG_TASK)
    assert (
        "require('./Users') at app.js:3 throws MODULE_NOT_FOUND: ./Users is not in the project (users.js differs in "
        "case, which a case-sensitive file system, as Linux's, tells apart)"
    ) in only(report, "DB001")["message"]


@pytest.mark.parametrize(
    ("app", "extra"),
    [
        (CASED_APP.replace("'body-Parser'", "'body-parser'"), {}),  # the declared spelling
        # a lockfile naming the spelling written: another dependency installs a package of that name
        (
            CASED_APP,
            {"package-lock.json": '{"packages": {"node_modules/body-Parser": {"version": "1.0.0"}}}'},
        ),
        # required in a function: only when it runs
        (
            CASED_APP.replace(
                "const bodyParser = require('body-Parser');",
                "const bodyParser = () => require('body-Parser');",
            ),
            {},
        ),
    ],
)
def test_imports_that_do_not_stop_the_app_for_their_case(
    make_project: MakeProject, app: str, extra: dict[str, str]
) -> None:
    report = check(make_project, _cased(app, **extra), PG_TASK)
    assert "MODULE_NOT_FOUND" not in json.dumps(report["findings"])
    assert report["verdicts"]["database"]["status"] == "pass"


def test_a_typescript_import_used_for_types_only_is_not_claimed(make_project: MakeProject) -> None:
    # no call uses the binding: the compiler may leave the import out of the emitted code
    package = CASED_PACKAGE.replace(
        '"main": "app.js"', '"main": "dist/index.js", "scripts": {"start": "tsx src/index.ts"}'
    )
    index = """import express from 'express';
import { OptionsJson } from 'body-Parser';
import users from './users';

const options: OptionsJson = { limit: '1mb' };
const app = express();
app.use(express.json(options));
app.use('/api/users', users);
app.listen(3000);
"""
    users = USERS.replace(
        "const express = require('express');\nconst { Pool } = require('pg');",
        "import express from 'express';\nimport { Pool } from 'pg';",
    ).replace("module.exports = router;", "export default router;")
    report = check(
        make_project, {"package.json": package, "src/index.ts": index, "src/users.ts": users}, PG_TASK
    )
    assert "MODULE_NOT_FOUND" not in json.dumps(report["findings"])
