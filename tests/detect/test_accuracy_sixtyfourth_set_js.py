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
