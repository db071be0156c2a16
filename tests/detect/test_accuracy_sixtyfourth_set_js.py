"""JavaScript/TypeScript patterns of the sixty-fourth unseen labelled set (issue 18, docs/accuracy.md "The
sixty-fourth set's disagreements"), each with a violating and a clean project written for the test:

- Hono's factory helper makes request handlers: a module exporting `factory.createHandlers(async (c) => …)`
  answers requests, even where the factory comes from a project module and the file imports no Hono, so a
  Prisma query inline in such a handler leaves it in the routes layer (its folder), not data access;
- Fastify plugins that wrap the Prisma client (`@joggr/fastify-prisma`, `fastify-prisma-client`): registering
  one is a use of Prisma (`orm.libraries`), and since each awaits `$connect()` as it is registered, a start-up
  registration stops the app where the schema's datasource variable is unset (the paper harness sees none).
"""

from __future__ import annotations

import pytest
from reports import MakeProject, inspect_json
from reports import evidence_of as _evidence
from reports import layers_of as _layers

from cdverify.detect.database import PAPER_ENVIRONMENT, in_harness
from cdverify.pipeline import inspect

# -- Hono handlers made with the factory helper ------------------------------------------------------------

HONO_PACKAGE = """{"name": "notes", "type": "module",
 "dependencies": {"hono": "4", "@prisma/client": "6", "@hono/node-server": "1"}}"""
HONO_TSCONFIG = """{"compilerOptions": {"baseUrl": ".", "paths": {"@/*": ["./src/*"]}}}"""
HONO_FACTORY = """import { createFactory } from "hono/factory"

export const factory = createFactory()
"""
HONO_INDEX = """import { serve } from "@hono/node-server"
import { factory } from "@/factory"
import * as notes from "@/routes/notes"

const app = factory.createApp()
app.get("/notes", ...notes.LIST)
app.post("/notes", ...notes.ADD)
serve({ fetch: app.fetch, port: 3000 })
"""
HONO_NOTES = """import { PrismaClient } from "@prisma/client"
import { factory } from "@/factory"

const db = new PrismaClient()

export const LIST = factory.createHandlers(async (c) => {
  const rows = await db.note.findMany()
  return c.json(rows)
})

export const ADD = factory.createHandlers(async (c) => {
  const body = await c.req.json()
  const row = await db.note.create({ data: { text: String(body.text) } })
  return c.json(row, 201)
})
"""
# the same queries as plain functions, no handler made: a store module, data access by its code
HONO_STORE = """import { PrismaClient } from "@prisma/client"

const db = new PrismaClient()

export const listNotes = () => db.note.findMany()
export const addNote = (text: string) => db.note.create({ data: { text } })
"""


def _hono(**more: str) -> dict[str, str]:
    return {
        "package.json": HONO_PACKAGE,
        "tsconfig.json": HONO_TSCONFIG,
        "src/factory.ts": HONO_FACTORY,
        "src/index.ts": HONO_INDEX,
        "src/routes/notes.ts": HONO_NOTES,
        **more,
    }


def test_handlers_made_with_a_project_hono_factory_are_routes(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _hono())
    assert _layers(report)["src/routes/notes.ts"] == "routes"
    assert _evidence(report)["src/routes/notes.ts"] == "folder"


def test_a_module_of_plain_query_functions_in_routes_is_still_data_access(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _hono(**{"src/routes/notes.ts": HONO_STORE}))
    assert _layers(report)["src/routes/notes.ts"] == "repositories"
    assert _evidence(report)["src/routes/notes.ts"] == "code: queries"


# -- Fastify plugins wrapping the Prisma client ------------------------------------------------------------

FASTIFY_PACKAGE = """{"name": "todos", "type": "module", "scripts": {"start": "node src/server.js"},
 "dependencies": {"fastify": "4", "@prisma/client": "5", "PLUGIN": "1"}}"""
SCHEMA = """generator client {
  provider = "prisma-client-js"
}

datasource db {
  provider = "mysql"
  url      = env("DATABASE_URL")
}

model Todo {
  id    Int    @id @default(autoincrement())
  title String
}
"""
SERVER = """import Fastify from "fastify";
import prismaPlugin from "PLUGIN";

const app = Fastify();

app.get("/todos", async function () {
  return this.prisma.todo.findMany();
});

await app.register(prismaPlugin);
await app.listen({ port: 3000, host: "0.0.0.0" });
"""


def _fastify(plugin: str, **more: str) -> dict[str, str | bytes]:
    return {
        "package.json": FASTIFY_PACKAGE.replace("PLUGIN", plugin),
        "prisma/schema.prisma": SCHEMA,
        "src/server.js": SERVER.replace("PLUGIN", plugin),
        **more,
    }


def _harness(make_project: MakeProject, files: dict[str, str | bytes]) -> list[str]:
    return in_harness(
        inspect(make_project(files), use_cache=False).analysis.database, PAPER_ENVIRONMENT
    ).engines


@pytest.mark.parametrize("plugin", ["@joggr/fastify-prisma", "fastify-prisma-client"])
def test_a_prisma_plugin_connecting_as_it_is_registered_stops_the_start_without_the_url(
    make_project: MakeProject, plugin: str
) -> None:
    files = _fastify(plugin)
    report = inspect_json(make_project, files)
    assert report["orm"]["libraries"] == ["prisma"]
    assert report["database"]["engines"] == ["mysql"]
    assert _harness(make_project, files) == []


def test_the_plugin_with_the_url_in_a_shipped_env_file_starts(make_project: MakeProject) -> None:
    files = _fastify(
        "@joggr/fastify-prisma", **{".env": "DATABASE_URL=mysql://root:root@localhost:3306/todos\n"}
    )
    assert _harness(make_project, files) == ["mysql"]


def test_a_registration_after_the_listen_call_or_of_another_plugin_claims_nothing(
    make_project: MakeProject,
) -> None:
    late = SERVER.replace("await app.register(prismaPlugin);\n", "").replace(
        '"0.0.0.0" });\n', '"0.0.0.0" });\napp.register(prismaPlugin);\n'
    )
    files = _fastify(
        "@joggr/fastify-prisma", **{"src/server.js": late.replace("PLUGIN", "@joggr/fastify-prisma")}
    )
    assert _harness(make_project, files) == ["mysql"]
    # a plugin the catalogue does not know to connect as it is registered: Prisma connects at the first query
    assert _harness(make_project, _fastify("fastify-prisma-lazy")) == ["mysql"]
