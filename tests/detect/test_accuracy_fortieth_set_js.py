"""Patterns of the fortieth held-out set's JavaScript half (docs/accuracy.md, issue 18).

- A settings module the port is read from (`port: Number(env.PORT || 3001)` in the object `getConfig()` returns,
  the server listening on `getConfig().port` elsewhere) builds and starts no app: the data-access modules
  calling `getConfig()` stay data access, and a controller importing one bypasses the services.
- A statement written through a formatter (pg-format's `format('SELECT * FROM %I WHERE id = %L', table, id)`)
  and handed to a pg client is raw SQL at the sink, as a string literal would be.

The projects are small synthetic ones written for these tests.
"""

from __future__ import annotations

import pytest
from reports import MakeProject, evidence_of, inspect_json, layer_violations, layers_of

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
