"""Start-up checks reached from Fastify plugins that @fastify/autoload loads (issue 18, docs/accuracy.md "Node apps
whose start-up connection fails in the harness (session 2026-12-06 (12))"): fastify-cli's `fastify start app.js`
runs app.js's exported function, whose `fastify.register(AutoLoad, { dir: path.join(__dirname, 'plugins') })`
registers every plugin file of the folder; a plugin body calling a helper of another module that throws where a
variable is unset (itself, or through a function of its own module) stops the app. A call the plugin makes
under an `if`, inside a `try` that carries on, or only in a route handler, a start script that does not run the
module, and the variable set in `.env` let it start. Small projects written for the tests."""

from __future__ import annotations

from typing import Any

import pytest
from reports import MakeProject, check, database_status

PG_TASK = "fastify-openapi-postgres"
PACKAGE = (
    '{"name": "api", "main": "app.js", "scripts": {"start": "START"}, "dependencies": {"fastify": "5",'
    ' "fastify-cli": "7", "fastify-plugin": "5", "@fastify/autoload": "6", "pg": "8"}}'
)
CLI_START = "fastify start -l info app.js"
APP = """'use strict'

const path = require('node:path')
const AutoLoad = require('@fastify/autoload')

module.exports = async function (fastify, opts) {
  fastify.register(AutoLoad, { dir: path.join(__dirname, 'plugins'), options: Object.assign({}, opts) })
  fastify.register(AutoLoad, { dir: path.join(__dirname, 'routes'), options: Object.assign({}, opts) })
}
"""
SESSION_PLUGIN = """'use strict'

const fp = require('fastify-plugin')
const { sessionOptions, signingKey } = require('../lib/session')

module.exports = fp(async function sessionPlugin (fastify) {
  BODY
})
"""
SESSION = """'use strict'

function signingKey () {
  const key = process.env.SESSION_KEY
  if (!key) {
    throw new Error('SESSION_KEY is required')
  }
  return key
}

function sessionOptions () {
  const secret = signingKey()
  return { secret, cookieName: 'sid' }
}

module.exports = { sessionOptions, signingKey }
"""
DB_PLUGIN = """'use strict'

const fp = require('fastify-plugin')
const { Pool } = require('pg')

module.exports = fp(async function (fastify) {
  fastify.decorate('pg', new Pool({ connectionString: 'postgres://user:password@postgres:5432/conduit' }))
})
"""
ROUTES = """'use strict'

module.exports = async function (fastify) {
  fastify.get('/api/notes', async () => (await fastify.pg.query('SELECT id, body FROM notes')).rows)
}
"""
STOPS = "throws when $SESSION_KEY is unset (in a plugin registered at start-up at app.js:7)"


def _files(
    body: str = "const options = sessionOptions()\n  fastify.decorate('session', options)",
    start: str = CLI_START,
    **extra: str,
) -> dict[str, str | bytes]:
    return {
        "package.json": PACKAGE.replace("START", start),
        "app.js": APP,
        "plugins/session.js": SESSION_PLUGIN.replace("BODY", body),
        "plugins/db.js": DB_PLUGIN,
        "lib/session.js": SESSION,
        "routes/notes.js": ROUTES,
        **extra,
    }


def _db001(report: dict[str, Any]) -> list[str]:
    return [f["message"] for f in report["findings"] if f["rule"] == "DB001"]


@pytest.mark.parametrize(
    "body",
    [
        "const options = sessionOptions()\n  fastify.decorate('session', options)",  # through signingKey()
        "const key = signingKey()\n  fastify.decorate('key', key)",
        "sessionOptions()",
    ],
    ids=["assigned-through-helper", "direct-helper", "statement"],
)
def test_a_helper_throwing_in_an_autoloaded_plugin_stops(make_project: MakeProject, body: str) -> None:
    report = check(make_project, _files(body=body), PG_TASK)
    assert database_status(report) == "fail"
    (message,) = [m for m in _db001(report) if STOPS in m]
    assert "throw new Error('SESSION_KEY is required') at lib/session.js:6" in message


def test_an_autoloaded_plugin_of_a_server_module_stops(make_project: MakeProject) -> None:
    """No runner: the server module registers the folder at module level and listens."""
    server = (
        "const path = require('node:path')\nconst Fastify = require('fastify')\n"
        "const AutoLoad = require('@fastify/autoload')\n\nconst app = Fastify()\n"
        "app.register(AutoLoad, { dir: path.join(__dirname, 'plugins') })\n"
        "app.listen({ port: 3000, host: '0.0.0.0' })\n"
    )
    files = _files(body="const key = signingKey()\n  fastify.decorate('key', key)", start="node server.js")
    files["server.js"] = server
    report = check(make_project, files, PG_TASK)
    assert database_status(report) == "fail"
    assert any(
        "throws when $SESSION_KEY is unset (in a plugin registered at start-up at server.js:6)" in m
        for m in _db001(report)
    )


@pytest.mark.parametrize(
    "files",
    [
        _files(body="if (process.env.SESSIONS) {\n    fastify.decorate('session', sessionOptions())\n  }"),
        _files(
            body="try {\n    fastify.decorate('session', sessionOptions())\n  } catch (error) {\n    fastify.log.warn(error)\n  }"
        ),
        _files(body="fastify.get('/api/session', async () => sessionOptions())"),  # only in a handler
        _files(start="node scripts/seed.js"),  # the start script does not run app.js
        _files(**{".env": "SESSION_KEY=local-key\n"}),
    ],
    ids=["condition", "caught", "handler", "other-start", "dotenv"],
)
def test_a_check_the_plugins_do_not_surely_run_does_not_stop(
    make_project: MakeProject, files: dict[str, str | bytes]
) -> None:
    report = check(make_project, files, PG_TASK)
    assert not any("SESSION_KEY" in m for m in _db001(report))
    assert database_status(report) == "pass"


@pytest.mark.parametrize("script", ["dev", "start:dev", "serve"])
def test_a_plugin_runner_in_any_start_script_stops(make_project: MakeProject, script: str) -> None:
    """Only a `dev` (`start:dev`, `serve`) script runs fastify-cli, the package's one way to start
    (rules/manifests.toml `package_json.start_scripts`)."""
    files = _files(body="const key = signingKey()\n  fastify.decorate('key', key)")
    files["package.json"] = PACKAGE.replace(
        '"start": "START"', f'"{script}": "fastify start -w -l info app.js"'
    )
    report = check(make_project, files, PG_TASK)
    assert database_status(report) == "fail"
    assert any(STOPS in m for m in _db001(report))


def test_a_plugin_runner_in_a_script_that_starts_nothing_does_not_stop(make_project: MakeProject) -> None:
    files = _files(body="const key = signingKey()\n  fastify.decorate('key', key)")
    files["package.json"] = PACKAGE.replace('"start": "START"', '"check": "fastify start -l info app.js"')
    report = check(make_project, files, PG_TASK)
    assert not any("SESSION_KEY" in m for m in _db001(report))


def test_db001_is_located_at_the_stop_it_names(make_project: MakeProject) -> None:
    """An agent reads `file:line` first: the throw to change, not the pool that never opens (plugins/db.js)."""
    report = check(
        make_project, _files(body="const key = signingKey()\n  fastify.decorate('key', key)"), PG_TASK
    )
    (finding,) = [f for f in report["findings"] if f["rule"] == "DB001"]
    assert (finding["file"], finding["line"]) == ("lib/session.js", 6)
    assert finding["evidence"] == "throw new Error('SESSION_KEY is required')"
