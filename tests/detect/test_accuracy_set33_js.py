"""The thirty-third held-out set's JavaScript half (docs/accuracy.md, "The thirty-third set's disagreements"):
a sqlite3 client a project plugin decorates the Fastify instance with, read off the instance in a route plugin
(`const db = fastify.sqlite.db`) and queried with sqlite3's read methods (`db.all("SELECT …")`). Violating
cases find the SQL at its line; clean ones find none where the read methods take no SQL."""

from __future__ import annotations

import textwrap
from typing import Any

from reports import MakeProject, inspect_json

PACKAGE = '{"name": "todos", "main": "server.js", "dependencies": {"fastify": "3.29.0", "fastify-plugin": "3.0.1", "sqlite3": "5.0.2"}}'


def src(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


SERVER = src(
    """
    const fastify = require("fastify")({ logger: true });
    fastify.register(require("./plugins/store"));
    fastify.register(require("./routes/notes"));
    fastify.listen(3000);
    """
)

STORE_PLUGIN = src(
    """
    const fp = require("fastify-plugin");
    const sqlite3 = require("sqlite3");

    async function store(fastify, options) {
      const connection = new sqlite3.Database("./data/notes.db");
      const holder = {};
      holder.connection = connection;
      fastify.decorate("store", holder);
    }

    module.exports = fp(store);
    """
)

NOTES_ROUTES = src(
    """
    async function notes(fastify, options) {
      const conn = fastify.store.connection;

      function loadNotes(request, reply, done) {
        conn.all("SELECT id, body FROM notes ORDER BY id", [], (err, rows) => {
          reply.locals = { rows };
          done(err);
        });
      }

      fastify.get("/notes", { preHandler: loadNotes }, (request, reply) => reply.send(reply.locals.rows));
      fastify.get("/notes/:id", (request, reply) => {
        fastify.store.connection.get("SELECT body FROM notes WHERE id = ?", [request.params.id], (err, row) =>
          reply.send(row)
        );
      });
    }

    module.exports = notes;
    """
)


def _raw(make_project: MakeProject, files: dict[str, str]) -> list[tuple[str, int, str]]:
    data: dict[str, Any] = inspect_json(make_project, files)["orm"]
    return sorted((r["file"], r["line"], r["statement"]) for r in data["raw_sql"])


def _line(text: str, needle: str) -> int:
    (number,) = [n for n, line in enumerate(text.splitlines(), 1) if needle in line]
    return number


def test_sqlite_read_methods_on_what_a_plugin_decorated_the_instance_with(make_project: MakeProject) -> None:
    files = {
        "package.json": PACKAGE,
        "server.js": SERVER,
        "plugins/store.js": STORE_PLUGIN,
        "routes/notes.js": NOTES_ROUTES,
    }
    assert _raw(make_project, files) == [
        ("routes/notes.js", _line(NOTES_ROUTES, "conn.all("), "SELECT"),
        ("routes/notes.js", _line(NOTES_ROUTES, "connection.get("), "SELECT"),
    ]


CACHE_ROUTES = src(
    """
    async function cache(fastify, options) {
      const entries = fastify.cache.entries;
      fastify.get("/cached/:key", (request, reply) => {
        const hit = entries.get(request.params.key);
        const all = fastify.cache.entries.all("recent");
        reply.send({ hit, all });
      });
      fastify.get("/status", async () => Promise.all([fastify.cache.entries.get("SELECT")]));
    }

    module.exports = cache;
    """
)


def test_read_methods_on_a_decoration_that_take_no_sql(make_project: MakeProject) -> None:
    files = {
        "package.json": PACKAGE,
        "server.js": SERVER.replace("./routes/notes", "./routes/cache"),
        "plugins/store.js": STORE_PLUGIN,
        "routes/cache.js": CACHE_ROUTES,
    }
    assert _raw(make_project, files) == []
