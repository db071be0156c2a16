"""Fastify apps on MongoDB through the @fastify/mongodb plugin (docs/accuracy.md "The eightieth set's
disagreements, Fastify and MongoDB (session 2026-12-06 (17))"), on small fastify-cli projects written for the
tests:

- registering @fastify/mongodb selects MongoDB whatever its url (one from the plugin's `opts` too): the plugin is
  the mongodb driver's, so its import is evidence of the engine as `mongodb`'s is;
- a module running operations on the database the plugin decorates the instance with (`fastify.mongo.db
  .collection("users").insertOne(…)`, `fastify.mongo.client`) and handling no request is data access, even a
  fastify-cli autohooks file under routes/ that decorates a data source; a route plugin calling the same
  collections in its handlers stays a route, and one using only `fastify.mongo.ObjectId` runs no operation;
- a plugin @fastify/autoload loads from the folder the function fastify-cli runs (`fastify start app.js`)
  registers runs at start-up: its registration of @fastify/jwt with an unset secret stops the app.
"""

from __future__ import annotations

from typing import Any

import pytest
from reports import MakeProject, inspect_json, layers_of

from cdverify import inspect
from cdverify.detect.database import PAPER_ENVIRONMENT, in_harness

PACKAGE = (
    '{"name": "notes", "type": "module", "main": "app.js", "scripts": {"start": "fastify start -l info app.js"},'
    ' "dependencies": {"fastify": "4", "fastify-cli": "6", "fastify-plugin": "4", "@fastify/autoload": "5",'
    ' "@fastify/mongodb": "8", "@fastify/jwt": "8"}}'
)
APP = """import path from 'path'
import AutoLoad from '@fastify/autoload'
import { fileURLToPath } from 'url'

const __filename = fileURLToPath(import.meta.url)
const __dirname = path.dirname(__filename)

export default async function (fastify, opts) {
  fastify.register(AutoLoad, {
    dir: path.join(__dirname, 'plugins'),
    options: Object.assign({ DB_URL: process.env.DB_URL }, opts)
  })
  fastify.register(AutoLoad, {
    dir: path.join(__dirname, 'routes'),
    indexPattern: /.*routes(\\.js)$/i,
    autoHooksPattern: /.*hooks(\\.js)$/i,
    autoHooks: true,
    cascadeHooks: true,
    options: Object.assign({}, opts)
  })
}
"""
DB_PLUGIN = """import fp from 'fastify-plugin'
import mongo from '@fastify/mongodb'

export default fp(async function database (fastify, opts) {
  fastify.register(mongo, { forceClose: true, url: opts.DB_URL })
})
"""
AUTH_PLUGIN = """import fp from 'fastify-plugin'
import jwt from '@fastify/jwt'

export default fp(async function auth (fastify) {
  fastify.register(jwt, { secret: SECRET })
})
"""
HOOKS = """import fp from 'fastify-plugin'
import { ObjectId } from '@fastify/mongodb'

export default fp(async function notesHooks (fastify) {
  const notes = fastify.mongo.db.collection('notes')

  fastify.decorate('notesSource', {
    async add (note) {
      const { insertedId } = await notes.insertOne(note)
      return insertedId
    },
    async byId (id) {
      return notes.findOne({ _id: new ObjectId(id) })
    }
  })
}, { encapsulate: true })
"""
ROUTES = """import fp from 'fastify-plugin'

export default fp(async function notes (fastify) {
  fastify.post('/', async function (request, reply) {
    reply.code(201)
    return { id: await fastify.notesSource.add(request.body) }
  })
  fastify.get('/:id', async (request) => fastify.notesSource.byId(request.params.id))
})
"""
INLINE_ROUTES = """import fp from 'fastify-plugin'

export default fp(async function tags (fastify) {
  fastify.get('/', async () => fastify.mongo.db.collection('tags').find().toArray())
})
"""
ID_HOOKS = """import fp from 'fastify-plugin'

export default fp(async function idHooks (fastify) {
  fastify.decorate('toId', (value) => new fastify.mongo.ObjectId(value))
})
"""


def _files(secret: str = "process.env.JWT_SECRET", **extra: str) -> dict[str, str | bytes]:
    return {
        "package.json": PACKAGE,
        "app.js": APP,
        "plugins/db.js": DB_PLUGIN,
        "plugins/auth.js": AUTH_PLUGIN.replace("SECRET", secret),
        "routes/notes/autohooks.js": HOOKS,
        "routes/notes/routes.js": ROUTES,
        **extra,
    }


def test_registering_the_mongodb_plugin_selects_mongodb(make_project: MakeProject) -> None:
    """The url comes from the plugin's `opts`, which @fastify/autoload fills from the environment."""
    report: dict[str, Any] = inspect_json(make_project, _files())
    assert report["database"]["engines"] == ["mongodb"]
    assert report["orm"]["libraries"] == ["mongodb-driver"]


def test_the_mongodb_plugin_only_in_the_tests_selects_no_engine(make_project: MakeProject) -> None:
    files = _files()
    del files["plugins/db.js"], files["routes/notes/autohooks.js"]
    files["package.json"] = PACKAGE.replace('"@fastify/mongodb": "8", ', "")
    files["package.json"] = files["package.json"].replace(
        '"@fastify/jwt": "8"}', '"@fastify/jwt": "8"}, "devDependencies": {"@fastify/mongodb": "8"}'
    )
    files["test/helper.js"] = "import mongo from '@fastify/mongodb'\n\nexport const plugin = mongo\n"
    assert inspect_json(make_project, files)["database"]["engines"] == []


def test_an_autohooks_data_source_over_the_plugins_collections_is_data_access(
    make_project: MakeProject,
) -> None:
    layers = layers_of(inspect_json(make_project, _files()))
    assert layers["routes/notes/autohooks.js"] == "repositories"
    assert layers["routes/notes/routes.js"] == "routes"
    assert layers["plugins/db.js"] == "repositories"


@pytest.mark.parametrize(
    ("path", "source", "layer"),
    [
        ("routes/tags/routes.js", INLINE_ROUTES, "routes"),  # the handler queries inline: a route
        ("routes/ids/autohooks.js", ID_HOOKS, "routes"),  # `fastify.mongo.ObjectId`: no operation
    ],
    ids=["inline-handler", "object-id-only"],
)
def test_a_route_querying_inline_or_a_module_making_ids_keeps_its_folder(
    make_project: MakeProject, path: str, source: str, layer: str
) -> None:
    layers = layers_of(inspect_json(make_project, _files(**{path: source})))
    assert layers[path] == layer


def _harness(make_project: MakeProject, files: dict[str, str | bytes]) -> tuple[list[str], list[str]]:
    database = inspect(make_project(files), use_cache=False).analysis.database
    stops = [stop.describe() for stop in database.stops if stop.stops({})]
    return stops, list(in_harness(database, PAPER_ENVIRONMENT).engines)


def test_an_autoloaded_plugin_registering_jwt_without_its_secret_stops_the_app(
    make_project: MakeProject,
) -> None:
    stops, engines = _harness(make_project, _files())
    (stop,) = stops
    assert "@fastify/jwt fails the start-up with `missing secret` when $JWT_SECRET is unset" in stop
    assert "plugins/auth.js:5" in stop
    assert engines == []


@pytest.mark.parametrize(
    "files",
    [
        _files(secret="process.env.JWT_SECRET || 'dev-secret'"),  # a fallback
        {**_files(), "package.json": PACKAGE.replace("fastify start -l info app.js", "node scripts/seed.js")},
    ],
    ids=["fallback", "not-started"],
)
def test_a_secret_with_a_fallback_or_a_plugin_not_started_does_not_stop(
    make_project: MakeProject, files: dict[str, str | bytes]
) -> None:
    stops, _engines = _harness(make_project, files)
    assert not any("JWT_SECRET" in stop for stop in stops)
