"""Query-config objects returned by statement functions (issue 18, docs/accuracy.md "Query config objects
returned by statement functions"): a statements module exports an object whose entries are functions returning
node-postgres' `{ text, values }` (`userQueries.select.byId: (id) => ({ text: "SELECT … WHERE id = $1", values:
[id] })`, or a `return { … }` in a block), or module-level functions returning one, and another module runs
them: `pool.query(userQueries.select.byId(id))`. The statement is raw SQL at that sink, and the module writing
the statements a client runs is data access (detect/layers/builders.py), as a module of builder functions is.
An object with a non-SQL `text`, an entry returning another kind of object, and statements no client runs
report nothing and give no layer."""

from __future__ import annotations

from reports import MakeProject, inspect_json
from reports import layer_violations as _violations
from reports import layers_of as _layers

PACKAGE = '{"name": "notes", "dependencies": {"koa": "2", "@koa/router": "12", "pg": "8"}}'
SERVER = """import Koa from "koa"
import Router from "@koa/router"
import NotesService from "./notes/notes.service"

const app = new Koa()
const router = new Router()
router.get("/notes/:id", async (ctx) => { ctx.body = await NotesService.one(Number(ctx.params.id), false) })
router.delete("/notes/:id", async (ctx) => { ctx.body = await NotesService.remove(Number(ctx.params.id)) })
app.use(router.routes())
app.listen(3000)
"""
CLIENT = """import { Client } from "pg"

const DbClient = new Client({ connectionString: process.env.DATABASE_URL })

export default DbClient
"""
QUERIES = """const noteQueries = {
  select: {
    brief: (id: number) => ({
      text: "SELECT id, title FROM notes WHERE id=$1",
      values: [id],
    }),
    full(id: number) {
      return { name: "note-full", text: "SELECT * FROM notes WHERE id=$1", values: [id] }
    },
  },
  remove: {
    one: (id: number) => {
      const values = [id]
      return { text: "DELETE FROM notes WHERE id=$1 RETURNING id", values }
    },
  },
} as const

export const countNotes = () => ({ text: "SELECT count(*) AS total FROM notes" })

export { noteQueries }
"""
SERVICE = """import DbClient from "../db/DbClient"
import { countNotes, noteQueries } from "./notes.queries"

export default class NotesService {
  static async one(id: number, admin: boolean) {
    const query = admin ? noteQueries.select.full(id) : noteQueries.select.brief(id)
    const result = await DbClient.query(query)
    return result.rows[0]
  }

  static async remove(id: number) {
    const result = await DbClient.query(noteQueries.remove.one(id))
    const total = await DbClient.query(countNotes())
    return { removed: result.rows[0], left: total.rows[0] }
  }
}
"""


def _app(**more: str) -> dict[str, str]:
    return {
        "package.json": PACKAGE,
        "src/server.ts": SERVER,
        "src/db/DbClient.ts": CLIENT,
        "src/notes/notes.queries.ts": QUERIES,
        "src/notes/notes.service.ts": SERVICE,
        **more,
    }


def _sql(report: dict) -> list[tuple[str, int, str, str]]:  # type: ignore[type-arg]
    return [(r["file"], r["line"], r["kind"], " ".join(r["sql"].split())) for r in report["orm"]["raw_sql"]]


def test_the_statement_a_function_entry_returns_is_raw_sql_where_it_runs(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _app())
    assert _sql(report) == [
        # one of the two statements the variable may hold
        ("src/notes/notes.service.ts", 7, "statement", "SELECT * FROM notes WHERE id=$1"),
        ("src/notes/notes.service.ts", 12, "statement", "DELETE FROM notes WHERE id=$1 RETURNING id"),
        ("src/notes/notes.service.ts", 13, "statement", "SELECT count(*) AS total FROM notes"),
    ]


def test_the_module_writing_the_statements_a_client_runs_is_data_access(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _app())
    layers = _layers(report)
    assert layers["src/notes/notes.queries.ts"] == "repositories"
    assert layers["src/notes/notes.service.ts"] == "services"
    assert _violations(report) == []


def test_a_route_module_importing_the_statements_module_bypasses_the_services(
    make_project: MakeProject,
) -> None:
    routes = """import Router from "@koa/router"
import DbClient from "../db/DbClient"
import { noteQueries } from "../notes/notes.queries"

export const notesRouter = new Router()
notesRouter.get("/brief/:id", async (ctx) => {
  ctx.body = (await DbClient.query(noteQueries.select.brief(Number(ctx.params.id)))).rows[0]
})
"""
    server = SERVER.replace(
        "app.use(router.routes())", "app.use(router.routes())\napp.use(notesRouter.routes())"
    ).replace(
        'import Router from "@koa/router"',
        'import Router from "@koa/router"\nimport { notesRouter } from "./routes/notes"',
    )
    report = inspect_json(make_project, _app(**{"src/routes/notes.ts": routes, "src/server.ts": server}))
    assert ("src/routes/notes.ts", 7, "statement", "SELECT id, title FROM notes WHERE id=$1") in _sql(report)
    assert _layers(report)["src/routes/notes.ts"] == "routes"
    assert ("bypass", "src/routes/notes.ts", "src/notes/notes.queries.ts") in _violations(report)


OTHER_OBJECTS = """const labels = {
  greeting: (name: string) => ({ text: "hello " + name, values: [] }),
  caption: (id: number) => ({ title: "SELECT a plan", id }),
  plain: (id: number) => `note ${id}`,
}

export { labels }
"""
OTHER_SERVICE = """import DbClient from "../db/DbClient"
import { labels } from "./labels"

export default class NotesService {
  static async one(id: number) {
    return DbClient.query(labels.greeting(String(id)))
  }

  static async remove(id: number) {
    await DbClient.query(labels.caption(id))
    return DbClient.query(labels.plain(id))
  }
}
"""


def test_objects_holding_no_statement_report_nothing(make_project: MakeProject) -> None:
    # a query-config object whose text is no SQL, an entry returning another kind of object, one returning
    # a string: the client runs what they return, but no statement is written there
    files = _app(**{"src/notes/labels.ts": OTHER_OBJECTS, "src/notes/notes.service.ts": OTHER_SERVICE})
    del files["src/notes/notes.queries.ts"]
    report = inspect_json(make_project, files)
    assert _sql(report) == []
    assert "src/notes/labels.ts" not in _layers(report)


def test_statements_no_client_runs_report_nothing_and_give_no_layer(make_project: MakeProject) -> None:
    # the module writes query-config objects, but the service only logs their text
    logging = """import { countNotes, noteQueries } from "./notes.queries"

export default class NotesService {
  static async one(id: number, admin: boolean) {
    console.log(noteQueries.select.brief(id).text, admin)
    return null
  }

  static async remove(id: number) {
    return { sql: noteQueries.remove.one(id), count: countNotes() }
  }
}
"""
    report = inspect_json(make_project, _app(**{"src/notes/notes.service.ts": logging}))
    assert _sql(report) == []
    assert "src/notes/notes.queries.ts" not in _layers(report)
